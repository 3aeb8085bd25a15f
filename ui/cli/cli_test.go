package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

const pass = "correct horse battery staple"

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "ob30", name) }

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) },
	})
	return result{code, out.String(), errb.String()}
}

func TestWalletCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}

	r := runCLI(t, env, "", "--wallet", dir, "list")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "skillpass: error: open wallet")
	require.Contains(t, r.stderr, "hint: create one with `skillpass-cli init`")

	r = runCLI(t, map[string]string{EnvPassphrase: "short"}, "", "--wallet", dir, "init")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "shorter than 8")

	r = runCLI(t, env, "", "init", "--wallet", dir)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "did:key:z6Mk")
	require.Contains(t, r.stdout, "nobody, not even Skillpass, can recover it")

	r = runCLI(t, env, "", "--wallet", dir, "init")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "already exists")

	r = runCLI(t, env, "", "--wallet", dir, "import", fixture("simple.json"), fixture("simple-err-proof-value.json"), fixture("simple_v1.json"))
	require.Equal(t, ExitRefused, r.code, "a rejected credential makes the exit code 1")
	require.Contains(t, r.stdout, "2 stored, 0 already there, 1 rejected")
	require.Contains(t, r.stdout, "rejected")
	require.Contains(t, r.stdout, "ask the issuer")

	r = runCLI(t, map[string]string{EnvPassphrase: "wrong passphrase"}, "", "--wallet", dir, "list")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "wrong passphrase")
	require.Contains(t, r.stderr, "nothing in the wallet was changed")

	r = runCLI(t, env, "", "--wallet", dir, "list", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	require.Len(t, list, 2)
	id := list[0]["id"].(string)

	r = runCLI(t, env, "", "--wallet", dir, "list")
	require.Equal(t, ExitOK, r.code)
	require.Contains(t, r.stdout, id)

	r = runCLI(t, env, "", "--wallet", dir, "show", id[:6])
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "signature ok")

	r = runCLI(t, env, "", "--wallet", dir, "show", id, "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var shown map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &shown))
	require.Equal(t, id, shown["id"])
	require.Contains(t, shown, "credential")

	r = runCLI(t, env, "", "--wallet", dir, "show", "ffffffff")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "no such credential")
}

func TestVerifyContract(t *testing.T) {
	tests := []struct {
		file     string
		verified bool
		checks   map[string]string
	}{
		{"simple.json", true, map[string]string{"signature": "ok", "validity": "ok", "status": "none", "issuer": "unconfirmed"}},
		{"simple_v1.json", true, map[string]string{"signature": "ok", "validity": "ok", "status": "none", "issuer": "unconfirmed"}},
		{"simple-err-proof-value.json", false, map[string]string{"signature": "invalid"}},
		{"simple-noproof.json", false, map[string]string{"signature": "missing"}},
		{"simple-err-expired.json", false, map[string]string{"validity": "expired"}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r := runCLI(t, nil, "", "verify", "--json", "--offline", fixture(tc.file))
			want := ExitOK
			if !tc.verified {
				want = ExitRefused
			}
			require.Equal(t, want, r.code, r.stdout+r.stderr)
			var got struct {
				Verified bool              `json:"verified"`
				Checks   map[string]string `json:"checks"`
				Kind     string            `json:"kind"`
				Errors   []string          `json:"errors"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
			require.Equal(t, tc.verified, got.Verified)
			require.Equal(t, "credential", got.Kind)
			require.NotNil(t, got.Errors)
			for k, v := range tc.checks {
				require.Equal(t, v, got.Checks[k], k)
			}
		})
	}

	// Several files: JSON Lines with a file field; exit 0 only if all verified.
	r := runCLI(t, nil, "", "verify", "--json", "--offline", fixture("simple.json"), fixture("simple-err-expired.json"))
	require.Equal(t, ExitRefused, r.code)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	for i, f := range []string{"simple.json", "simple-err-expired.json"} {
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &got))
		require.Equal(t, fixture(f), got["file"])
	}

	// Standard input, human output.
	data, err := os.ReadFile(fixture("simple.json"))
	require.NoError(t, err)
	r = runCLI(t, nil, string(data), "verify", "--offline", "-")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "VERIFIED")

	// Not a credential: a usage/I-O error with a hint.
	notes := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(notes, []byte("hello"), 0o600))
	r = runCLI(t, nil, "", "verify", notes)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "skillpass: error:")

	r = runCLI(t, nil, "", "verify", "--offline-dir", filepath.Join(t.TempDir(), "missing"), fixture("simple.json"))
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "not a folder")
}

func TestUsage(t *testing.T) {
	r := runCLI(t, nil, "", "frobnicate")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, `unknown command "frobnicate"`)
	r = runCLI(t, nil, "")
	require.Equal(t, ExitOK, r.code)
	require.Contains(t, r.stdout, "Usage:")
	r = runCLI(t, nil, "", "verify", "--bogus")
	require.Equal(t, ExitUsage, r.code)
}
