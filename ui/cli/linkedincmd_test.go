package cli

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// other is a public sample of /work/main/testdata (ob20, clr20, europass).
func other(path string) string {
	return filepath.Join("..", "..", "testdata", filepath.FromSlash(path))
}

func TestVerifyOtherFormats(t *testing.T) {
	offline := other("ob20/offline")
	tests := []struct {
		name string
		args []string
		code int
		want string // in the JSON output
	}{
		{"ob2 signed", []string{"--offline-dir", offline, other("ob20/simple.jwt")}, ExitOK, `"issuer": "confirmed"`},
		{"ob2 hosted", []string{"--offline-dir", offline, other("ob20/basic-assertion.json")}, ExitOK, `"format": "ob2"`},
		{"ob2 baked", []string{"--offline-dir", offline, other("ob20/simple-badge.png")}, ExitOK, `"signature": "ok"`},
		{"ob2 tampered", []string{"--offline-dir", offline, other("ob20/simple-tampered.jwt")}, ExitRefused, `"signature": "invalid"`},
		{"ob2 revoked", []string{"--offline-dir", offline, other("ob20/simple-revoked.jwt")}, ExitRefused, `"status": "revoked"`},
		{"ob2 offline", []string{"--offline", other("ob20/simple.jwt")}, ExitRefused, `"signature": "unsupported"`},
		{"ob2 recipient", []string{"--offline-dir", offline, "--recipient", "nobody@example.org", other("ob20/simple.jwt")}, ExitOK, `"recipient": "match"`},
		{"ob2 other recipient", []string{"--offline-dir", offline, "--recipient", "x@example.org", other("ob20/simple.jwt")}, ExitRefused, `"recipient": "mismatch"`},
		{"clr", []string{"--offline", other("clr20/simple.json")}, ExitOK, `"credentials": [`},
		{"clr tampered", []string{"--offline", other("clr20/simple-tampered.json")}, ExitRefused, `"signature": "invalid"`},
		{"europass", []string{"--offline", other("europass/Sample-MC-Annex1-signed.jsonld")}, ExitOK, `"format": "jades"`},
		{"europass tampered", []string{"--offline", other("europass/Sample-MC-Annex1-tampered.jsonld")}, ExitRefused, `"signature": "invalid"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, nil, "", append([]string{"verify", "--json"}, tt.args...)...)
			require.Equal(t, tt.code, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stdout, tt.want)
		})
	}
}

func TestImportAndLinkedIn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	r := runCLI(t, env, "", "--wallet", dir, "init")
	require.Equal(t, ExitOK, r.code, r.stderr)

	r = runCLI(t, env, "", "--wallet", dir, "--offline-dir", other("ob20/offline"), "import",
		other("ob20/simple.jwt"), other("clr20/simple.json"), other("europass/Sample-MC-Annex1-signed.jsonld"),
		other("europass/Sample-MC-Annex1-tampered.jsonld"))
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr) // the tampered one
	require.Contains(t, r.stdout, `"Awesome Robotics Badge"`)
	require.Contains(t, r.stdout, "3 stored")

	r = runCLI(t, env, "", "--wallet", dir, "list", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var list []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	ids := map[string]string{}
	for _, s := range list {
		ids[s.Name] = s.ID
	}
	require.Len(t, ids, 3)

	out := filepath.Join(t.TempDir(), "badge.json")
	r = runCLI(t, env, "", "--wallet", dir, "linkedin", ids["Awesome Robotics Badge"], "--ob2", out)
	require.Equal(t, ExitOK, r.code, r.stderr)
	link, err := url.Parse(strings.TrimSpace(r.stdout))
	require.NoError(t, err)
	require.Equal(t, "www.linkedin.com", link.Host)
	require.Equal(t, "/profile/add", link.Path)
	q := link.Query()
	require.Equal(t, "CERTIFICATION_NAME", q.Get("startTask"))
	require.Equal(t, "Awesome Robotics Badge", q.Get("name"))
	require.Equal(t, "An Example Badge Issuer", q.Get("organizationName"))
	require.Equal(t, "2016", q.Get("issueYear"))
	require.Equal(t, "12", q.Get("issueMonth"))
	require.Equal(t, "https://example.org/beths-robotics-badge.json", q.Get("certUrl"))
	require.Equal(t, "https://example.org/beths-robotics-badge.json", q.Get("certId"))
	require.Empty(t, q.Get("expirationYear"))

	b, err := os.ReadFile(out)
	require.NoError(t, err)
	var export map[string]any
	require.NoError(t, json.Unmarshal(b, &export))
	require.Equal(t, "https://w3id.org/openbadges/v2", export["@context"])
	require.Equal(t, "Assertion", export["type"])
	require.NotContains(t, export, "verification") // unsigned, and says so
	badge := export["badge"].(map[string]any)
	require.Equal(t, "BadgeClass", badge["type"])
	require.Equal(t, "https://example.org/robotics-badge.json", badge["id"])
	require.Equal(t, "Awesome Robotics Badge", badge["name"])
	require.Equal(t, "An Example Badge Issuer", badge["issuer"].(map[string]any)["name"])
	require.Contains(t, string(b), "not signed and proves nothing by itself")

	// A Europass credential: name, organisation and the issue month.
	r = runCLI(t, env, "", "--wallet", dir, "linkedin", ids["Micro-Credential"], "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var js struct{ LinkedIn string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &js))
	link, err = url.Parse(js.LinkedIn)
	require.NoError(t, err)
	require.Equal(t, "ORGANIZACION TEST", link.Query().Get("organizationName"))
	require.Equal(t, "2022", link.Query().Get("issueYear"))

	r = runCLI(t, env, "", "--wallet", dir, "linkedin")
	require.Equal(t, ExitUsage, r.code)
}
