package cli

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var pdfStream = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)

// pdfText returns the inflated streams of a PDF, and its page count.
func pdfText(t *testing.T, b []byte) (string, int) {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")), "a PDF")
	require.True(t, bytes.HasSuffix(bytes.TrimSpace(b), []byte("%%EOF")), "a complete PDF")
	var text strings.Builder
	for _, m := range pdfStream.FindAllSubmatch(b, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue
		}
		plain, err := io.ReadAll(r)
		require.NoError(t, err)
		text.Write(plain)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(b, -1))
	return text.String(), pages
}

// TestPassportExportCommand: passport export writes a passport file that
// verifies (every current verified credential, 90 days, bound to the
// audience; logged) and a one-page PDF with the skills.
func TestPassportExportCommand(t *testing.T) {
	dir, env, ids := presentSetup(t, "complete.json", "simple.json", "simple-err-expired.json")
	tmp := t.TempDir()
	out := filepath.Join(tmp, "passport.json")

	r := runCLI(t, env, "", "--wallet", dir, "passport", "export", "--file", out, "--audience", "J. Tan, careers office")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Presenting to J. Tan, careers office, valid until 2026-08-30 00:00 UTC")
	require.Contains(t, r.stdout, "Wrote the passport file "+out+": 2 credentials")
	require.NotContains(t, r.stdout, ids[2], "the expired credential is not shared by default")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var vp struct {
		Holder string         `json:"holder"`
		Proof  map[string]any `json:"proof"`
		VC     []any          `json:"verifiableCredential"`
	}
	require.NoError(t, json.Unmarshal(b, &vp))
	require.Len(t, vp.VC, 2)
	require.Equal(t, "J. Tan, careers office", vp.Proof["domain"])
	require.Equal(t, "2026-08-30T00:00:00Z", vp.Proof["expires"])

	// An employer's verify sees a holder-signed presentation.
	r = runAt(t, cliNow.Add(30*24*time.Hour), nil, "", "verify", "--json", "--offline", out)
	v := parseVerdict(t, r.stdout)
	require.Equal(t, "presentation", v.Kind)
	require.Equal(t, "ok", v.Checks["signature"], "%q", v.Errors)
	require.Equal(t, "ok", v.Checks["validity"])
	require.Len(t, v.Credentials, 2)

	r = runCLI(t, env, "", "--wallet", dir, "activity", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, 2, strings.Count(r.stdout, `"action":"present"`), "logged like any presentation")

	// Chosen credentials and a shorter expiry.
	out2 := filepath.Join(tmp, "one.json")
	r = runCLI(t, env, "", "--wallet", dir, "passport", "export", "--file", out2, "--credential", ids[1][:6], "--expires", "14d")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "1 credentials, signed by you, valid until 2026-06-15 00:00 UTC")

	// The PDF, with a role.
	role := filepath.Join(tmp, "role.json")
	require.NoError(t, os.WriteFile(role, []byte(`{"role":"Team lead","skills":[{"name":"Teamwork"},{"name":"Budgeting"}]}`), 0o600))
	pdfOut := filepath.Join(tmp, "passport.pdf")
	r = runCLI(t, env, "", "--wallet", dir, "passport", "export", "--pdf", pdfOut, "--role", role, "--name", "Ana Lim")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Wrote the one-page summary "+pdfOut)
	b, err = os.ReadFile(pdfOut)
	require.NoError(t, err)
	text, pages := pdfText(t, b)
	require.Equal(t, 1, pages)
	for _, want := range []string{"(Teamwork)", "Ana Lim", "1EdTech University", "Against Team lead", "(Budgeting)", "did:key:z6Mk"} {
		require.Contains(t, text, want)
	}
}

func TestPassportExportRefusals(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json")
	tmp := t.TempDir()
	existing := filepath.Join(tmp, "existing.json")
	require.NoError(t, os.WriteFile(existing, []byte("keep"), 0o600))
	emptyDir := filepath.Join(tmp, "empty")
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", emptyDir, "init").code)
	newOut := func() string { return filepath.Join(t.TempDir(), "p.json") }

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no output", []string{"--wallet", dir, "passport", "export"}, ExitUsage, "needs --file OUT"},
		{"extra argument", []string{"--wallet", dir, "passport", "export", "now", "--file", newOut()}, ExitUsage, `"now"`},
		{"existing file", []string{"--wallet", dir, "passport", "export", "--file", existing}, ExitRefused, "never overwrites"},
		{"same file twice", []string{"--wallet", dir, "passport", "export", "--file", existing, "--pdf", existing}, ExitUsage, "same file"},
		{"expiry in the past", []string{"--wallet", dir, "passport", "export", "--file", newOut(), "--expires", "2020-01-01"}, ExitUsage, "not in the future"},
		{"disclose", []string{"--wallet", dir, "passport", "export", "--file", newOut(), "--credential", ids[0], "--disclose", "achievement.name"}, ExitUsage, "whole credentials"},
		{"audience without a file", []string{"--wallet", dir, "passport", "export", "--pdf", newOut(), "--audience", "x"}, ExitUsage, "give --file OUT too"},
		{"unknown credential", []string{"--wallet", dir, "passport", "export", "--file", newOut(), "--credential", "ffffffff"}, ExitUsage, "ffffffff"},
		{"nothing to share", []string{"--wallet", emptyDir, "passport", "export", "--file", newOut()}, ExitRefused, "no credential"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, env, "", tc.args...)
			require.Equal(t, tc.code, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stderr, "skillpass: error:")
			require.Contains(t, r.stderr, tc.stderr)
		})
	}
	b, err := os.ReadFile(existing)
	require.NoError(t, err)
	require.Equal(t, "keep", string(b))
}
