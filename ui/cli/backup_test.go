package cli

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

const backupPass = "another passphrase for backups"

// runPrompted runs the CLI with a terminal that answers prompts in order
// and records what was asked.
func runPrompted(t *testing.T, env map[string]string, answers []string, args ...string) (result, []string) {
	t.Helper()
	var out, errb bytes.Buffer
	var asked []string
	code := Run(args, Env{
		Stdin:  strings.NewReader(""),
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) },
		Prompt: func(p string) ([]byte, error) {
			asked = append(asked, p)
			require.NotEmpty(t, answers, "unexpected prompt %q", p)
			a := answers[0]
			answers = answers[1:]
			return []byte(a + "\n"), nil
		},
	})
	return result{code, out.String(), errb.String()}, asked
}

func listIDs(t *testing.T, env map[string]string, dir string) []string {
	t.Helper()
	r := runCLI(t, env, "", "--wallet", dir, "list", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	var ids []string
	for _, s := range list {
		ids = append(ids, s["id"].(string))
	}
	return ids
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestBackupRestoreCommands(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	env := map[string]string{EnvPassphrase: pass, EnvBackupPassphrase: backupPass}
	r := runCLI(t, env, "", "--wallet", src, "init")
	require.Equal(t, ExitOK, r.code, r.stderr)
	r = runCLI(t, env, "", "--wallet", src, "import", fixture("simple.json"), fixture("simple_v1.json"))
	require.Equal(t, ExitOK, r.code, r.stderr)
	ids := listIDs(t, env, src)
	require.Len(t, ids, 2)

	out := filepath.Join(tmp, "wallet.age")
	r = runCLI(t, map[string]string{EnvPassphrase: pass}, "", "--wallet", src, "backup", out)
	require.Equal(t, ExitUsage, r.code, "no backup passphrase and no terminal")
	require.Contains(t, r.stderr, "SKILLPASS_BACKUP_PASSPHRASE")
	require.NoFileExists(t, out)

	r = runCLI(t, env, "", "--wallet", src, "backup", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "2 credentials")
	st, err := os.Stat(out)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte("age-encryption.org/v1\n")))
	before := sum(t, out)

	r = runCLI(t, env, "", "--wallet", src, "backup", out)
	require.Equal(t, ExitRefused, r.code)
	require.Contains(t, r.stderr, "already exists")
	require.Contains(t, r.stderr, "hint: choose a new file name")
	require.Equal(t, before, sum(t, out), "never overwritten")

	r = runCLI(t, env, "", "--wallet", src, "backup")
	require.Equal(t, ExitUsage, r.code)

	// Into a folder with no wallet: the wallet is made, then filled.
	dst := filepath.Join(tmp, "dst")
	other := map[string]string{EnvPassphrase: "the new wallet's passphrase", EnvBackupPassphrase: backupPass}
	r = runCLI(t, other, "", "--wallet", dst, "restore", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "credentials    2 added, 0 already there")
	require.Contains(t, r.stdout, "identities     2 added")
	require.ElementsMatch(t, ids, listIDs(t, other, dst))
	ra := runCLI(t, env, "", "--wallet", src, "identities", "--json")
	rb := runCLI(t, other, "", "--wallet", dst, "identities", "--json")
	require.Equal(t, ra.stdout, rb.stdout, "the same identities")

	// Into the same wallet again: nothing twice.
	r = runCLI(t, other, "", "--wallet", dst, "restore", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "credentials    0 added, 2 already there")
	require.Len(t, listIDs(t, other, dst), 2)

	// Refusals change nothing.
	db := filepath.Join(dst, wallet.FileName)
	walletBefore := sum(t, db)
	r = runCLI(t, map[string]string{EnvPassphrase: "the new wallet's passphrase", EnvBackupPassphrase: "not the backup passphrase"}, "", "--wallet", dst, "restore", out)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "wrong backup passphrase")
	require.Contains(t, r.stderr, "hint: check the backup passphrase")
	cut := filepath.Join(tmp, "cut.age")
	require.NoError(t, os.WriteFile(cut, b[:len(b)-20], 0o600))
	r = runCLI(t, other, "", "--wallet", dst, "restore", cut)
	require.Equal(t, ExitRefused, r.code)
	require.Contains(t, r.stderr, "damaged")
	require.Equal(t, walletBefore, sum(t, db))
	none := filepath.Join(tmp, "none")
	r = runCLI(t, other, "", "--wallet", none, "restore", cut)
	require.Equal(t, ExitRefused, r.code)
	require.False(t, wallet.Exists(none), "no wallet from a damaged backup")
	r = runCLI(t, other, "", "--wallet", dst, "restore", filepath.Join(tmp, "missing.age"))
	require.Equal(t, ExitUsage, r.code)

	// With a terminal: the new wallet's passphrase twice, then the backup's.
	viaTTY := filepath.Join(tmp, "tty")
	r, asked := runPrompted(t, nil, []string{"a passphrase typed twice", "a passphrase typed twice", backupPass}, "--wallet", viaTTY, "restore", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Len(t, asked, 3)
	require.Contains(t, asked[0], "New passphrase")
	require.Contains(t, asked[2], "Backup passphrase")
	require.ElementsMatch(t, ids, listIDs(t, map[string]string{EnvPassphrase: "a passphrase typed twice"}, viaTTY))

	// A backup passphrase is asked twice when made on a terminal, and must
	// match.
	out2 := filepath.Join(tmp, "second.age")
	r, asked = runPrompted(t, map[string]string{EnvPassphrase: pass}, []string{backupPass, "something else"}, "--wallet", src, "backup", out2)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "differ")
	require.Contains(t, asked[0], "not the wallet's")
	require.NoFileExists(t, out2)
}

func TestActivityCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	r := runCLI(t, env, "", "--wallet", dir, "init")
	require.Equal(t, ExitOK, r.code, r.stderr)
	r = runCLI(t, env, "", "--wallet", dir, "activity")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "empty")
	r = runCLI(t, env, "", "--wallet", dir, "import", fixture("simple.json"), fixture("simple-err-proof-value.json"))
	require.Equal(t, ExitRefused, r.code)

	r = runCLI(t, env, "", "--wallet", dir, "activity")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "OUTCOME")
	require.Contains(t, r.stdout, "stored")
	require.Contains(t, r.stdout, "signature invalid")
	require.Contains(t, r.stdout, "https://example.com/issuers/876543")

	r = runCLI(t, env, "", "--wallet", dir, "activity", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	prev, n := "", 0
	for sc.Scan() {
		var e struct {
			Seq     int    `json:"seq"`
			Action  string `json:"action"`
			Outcome string `json:"outcome"`
			Prev    string `json:"prev"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		require.Equal(t, prev, e.Prev, "line %d chains to the one before", n+1)
		h := sha256.Sum256(sc.Bytes())
		prev = hex.EncodeToString(h[:])
		n++
		require.Equal(t, n, e.Seq)
		require.Equal(t, "import", e.Action)
	}
	require.Equal(t, 2, n)

	r = runCLI(t, env, "", "--wallet", dir, "activity", "extra")
	require.Equal(t, ExitUsage, r.code)
}
