package cli

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/qr"
)

// cliNow is the clock of runCLI.
var cliNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// runAt is runCLI with the clock at now.
func runAt(t *testing.T, now time.Time, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, Env{
		Stdin:  strings.NewReader(stdin),
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return now },
	})
	return result{code, out.String(), errb.String()}
}

// presentSetup makes a wallet holding the given fixtures and returns its
// folder, the environment and the record ids in fixture order.
func presentSetup(t *testing.T, files ...string) (string, map[string]string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	r := runCLI(t, env, "", "--wallet", dir, "init")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var ids []string
	for _, f := range files {
		r = runCLI(t, env, "", "--wallet", dir, "import", fixture(f))
		require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
		data, err := os.ReadFile(fixture(f))
		require.NoError(t, err)
		ids = append(ids, wallet.RecordID(data))
	}
	return dir, env, ids
}

type verdict struct {
	Verified    bool              `json:"verified"`
	Checks      map[string]string `json:"checks"`
	Kind        string            `json:"kind"`
	Errors      []string          `json:"errors"`
	Credentials []verdict         `json:"credentials"`
}

func parseVerdict(t *testing.T, out string) verdict {
	t.Helper()
	var v verdict
	require.NoError(t, json.Unmarshal([]byte(out), &v), out)
	return v
}

func TestPresentAndVerify(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json", "simple_v1.json")
	out := filepath.Join(t.TempDir(), "badge.png")
	const challenge, domain = "7KQ-2M4", "https://jobs.employer.example"

	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0][:6], "--credential", ids[1],
		"--challenge", challenge, "--domain", domain, "--qr", out, "--text")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Presenting to "+domain+", valid until 2026-06-01 00:15 UTC")
	require.Contains(t, r.stdout, "challenge "+challenge)
	require.Contains(t, r.stdout, "claims: achievement.criteria.narrative, achievement.description")
	require.Contains(t, r.stdout, "Wrote "+out)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	text := lines[len(lines)-1]
	require.True(t, strings.HasPrefix(text, qr.Prefix), "--text prints the SP1 text last")
	img, err := os.ReadFile(out)
	require.NoError(t, err)
	read, err := qr.ReadPNG(img)
	require.NoError(t, err)
	require.Equal(t, text, read)

	// The log names the presentation.
	r = runCLI(t, env, "", "--wallet", dir, "activity", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"action":"present"`)
	require.NotContains(t, r.stdout, "nominated")

	// Never overwrite.
	before, err := os.ReadFile(out)
	require.NoError(t, err)
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--qr", out)
	require.Equal(t, ExitRefused, r.code)
	require.Contains(t, r.stderr, "already exists")
	after, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, before, after)

	textFile := filepath.Join(t.TempDir(), "code.txt")
	require.NoError(t, os.WriteFile(textFile, []byte(text+"\n"), 0o600))
	later := cliNow.Add(5 * time.Minute)
	tests := []struct {
		name   string
		at     time.Time
		stdin  string
		args   []string
		code   int
		check  string
		value  string
		reason string
	}{
		{"PNG, right challenge and domain", later, "", []string{out, "--challenge", challenge, "--domain", domain}, ExitOK, "signature", "ok", ""},
		{"SP1 text file", later, "", []string{textFile, "--challenge", challenge}, ExitOK, "signature", "ok", ""},
		{"SP1 text on stdin", later, text, []string{"-"}, ExitOK, "signature", "ok", ""},
		{"wrong challenge", later, "", []string{out, "--challenge", "9ZZ-0A1"}, ExitRefused, "signature", "invalid", "challenge"},
		{"wrong domain", later, "", []string{out, "--domain", "https://other.example"}, ExitRefused, "signature", "invalid", "domain"},
		{"expired", cliNow.Add(16 * time.Minute), "", []string{out, "--challenge", challenge}, ExitRefused, "validity", "expired", "expires"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"verify", "--json", "--offline"}, tc.args...)
			r := runAt(t, tc.at, nil, tc.stdin, args...)
			require.Equal(t, tc.code, r.code, r.stdout+r.stderr)
			v := parseVerdict(t, r.stdout)
			require.Equal(t, "presentation", v.Kind)
			require.Equal(t, tc.value, v.Checks[tc.check])
			require.Equal(t, tc.code == ExitOK, v.Verified)
			require.Len(t, v.Credentials, 2)
			for _, c := range v.Credentials {
				require.Equal(t, "credential", c.Kind)
				require.True(t, c.Verified, "%q", c.Errors)
			}
			require.Contains(t, strings.Join(v.Errors, "\n"), tc.reason)
		})
	}

	// Human output names each check of the presentation and its credentials.
	r = runAt(t, later, nil, "", "verify", "--offline", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "VERIFIED (presentation, ldp)")
	require.Contains(t, r.stdout, "credential 2: VERIFIED")
}

// TestVerifyImages: a baked badge PNG is read as the badge even when the
// same image is also a QR code; a PNG that is neither is an I/O error.
func TestVerifyImages(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json")
	out := filepath.Join(t.TempDir(), "code.png")
	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--qr", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	img, err := os.ReadFile(out)
	require.NoError(t, err)
	cred, err := os.ReadFile(fixture("simple.json"))
	require.NoError(t, err)
	baked, err := importer.BakePNG(img, cred)
	require.NoError(t, err)
	bakedFile := filepath.Join(t.TempDir(), "baked.png")
	require.NoError(t, os.WriteFile(bakedFile, baked, 0o600))

	r = runCLI(t, nil, "", "verify", "--json", "--offline", bakedFile)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "credential", parseVerdict(t, r.stdout).Kind, "the baked badge comes first")

	r = runCLI(t, nil, "", "verify", "--json", "--offline", filepath.Join("..", "..", "wallet", "importer", "testdata", "1edtech", "ob30-simple-json.png"))
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "credential", parseVerdict(t, r.stdout).Kind)

	// A QR code that is not ours, and a PNG without any code.
	foreign, _, err := qr.PNG("https://example.com/not-a-presentation")
	require.NoError(t, err)
	foreignFile := filepath.Join(t.TempDir(), "url.png")
	require.NoError(t, os.WriteFile(foreignFile, foreign, 0o600))
	r = runCLI(t, nil, "", "verify", "--offline", foreignFile)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "holds no Skillpass presentation")

	blank := filepath.Join(t.TempDir(), "blank.png")
	require.NoError(t, os.WriteFile(blank, blankPNG(t), 0o600))
	r = runCLI(t, nil, "", "verify", "--offline", blank)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "neither a baked badge nor a readable QR code")

	// A damaged SP1 text.
	r = runCLI(t, nil, "SP1:THIS-IS-NOT-BASE45~", "verify", "--offline", "-")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "corrupt")
}

func TestPresentRefusals(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json", "complete.json")
	tmp := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no credential", []string{"--qr", filepath.Join(tmp, "a.png")}, ExitUsage, "needs at least one --credential"},
		{"no output", []string{"--credential", ids[0]}, ExitUsage, "needs --qr"},
		{"bad expiry", []string{"--credential", ids[0], "--expires", "soonish", "--qr", filepath.Join(tmp, "b.png")}, ExitUsage, "--expires"},
		{"expiry in the past", []string{"--credential", ids[0], "--expires", "2020-01-01", "--qr", filepath.Join(tmp, "c.png")}, ExitUsage, "not in the future"},
		{"single claims", []string{"--credential", ids[0], "--disclose", "achievement.name", "--qr", filepath.Join(tmp, "d.png")}, ExitRefused, "can only be shown whole"},
		{"disclose first", []string{"--disclose", "achievement.name", "--credential", ids[0]}, ExitUsage, "give --credential first"},
		{"unknown id", []string{"--credential", "ffffffff", "--qr", filepath.Join(tmp, "e.png")}, ExitUsage, "no such credential"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, env, "", append([]string{"--wallet", dir, "present"}, tc.args...)...)
			require.Equal(t, tc.code, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stderr, tc.want)
		})
	}
	entries, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, entries, "a refused presentation writes no file")

	// A printed-CV code with a date, and one too large for a QR code: the
	// presentation goes to OUT.json, which verifies.
	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--expires", "30d", "--qr", filepath.Join(tmp, "cv.png"))
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "valid until 2026-07-01 00:00 UTC")

	big := filepath.Join(tmp, "all.png")
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--credential", ids[1], "--qr", big)
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "too large for one scannable QR code")
	require.Contains(t, r.stderr, "skillpass-cli verify")
	require.NoFileExists(t, big)
	// complete.json names a 1EdTechRevocationList status, which Skillpass
	// cannot check (status unknown): the presentation itself holds.
	r = runCLI(t, nil, "", "verify", "--json", "--offline", filepath.Join(tmp, "all.json"))
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
	v := parseVerdict(t, r.stdout)
	require.Equal(t, map[string]string{"signature": "ok", "validity": "ok", "status": "none", "issuer": "confirmed"}, v.Checks)
	require.Len(t, v.Credentials, 2)
	require.True(t, v.Credentials[0].Verified)
	require.Equal(t, "ok", v.Credentials[1].Checks["signature"])
	require.Equal(t, "unknown", v.Credentials[1].Checks["status"])
}

func TestParseExpiry(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{"", time.Time{}, false},
		{"15m", cliNow.Add(15 * time.Minute), false},
		{"2h", cliNow.Add(2 * time.Hour), false},
		{"30d", cliNow.Add(30 * 24 * time.Hour), false},
		{"2026-12-31T18:00:00+02:00", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), false},
		{"2026-12-31", time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC), false},
		{"-5m", time.Time{}, true},
		{"0d", time.Time{}, true},
		{"99999d", time.Time{}, true},
		{"tomorrow", time.Time{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseExpiry(tc.in, cliNow)
			if tc.bad {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.True(t, tc.want.Equal(got), "got %s", got)
		})
	}
}

// blankPNG is a white image with no code in it.
func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}
