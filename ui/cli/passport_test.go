package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPassportCommand: `passport --json` on a wallet holding the 1EdTech
// complete.json shows its skills with category, level, issuer and freshness;
// --role adds a gap analysis; the human form groups skills by category.
func TestPassportCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", dir, "init").code)
	r := runCLI(t, env, "", "--wallet", dir, "import", fixture("complete.json"), fixture("simple.json"))
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)

	r = runCLI(t, env, "", "--wallet", dir, "passport", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var view struct {
		Credentials int `json:"credentials"`
		Skills      []struct {
			Name          string `json:"name"`
			CategoryLabel string `json:"categoryLabel"`
			Level         struct {
				Label string `json:"label"`
			} `json:"level"`
			Issuers []struct {
				Name string `json:"name"`
			} `json:"issuers"`
			Freshness struct {
				State string `json:"state"`
			} `json:"freshness"`
		} `json:"skills"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &view))
	require.Equal(t, 2, view.Credentials, "complete.json counts although its status list cannot be checked offline")
	issuers := map[string]bool{}
	for _, s := range view.Skills {
		require.NotEmpty(t, s.CategoryLabel, s.Name)
		require.NotEmpty(t, s.Level.Label, s.Name)
		require.NotEmpty(t, s.Freshness.State, s.Name)
		require.NotEmpty(t, s.Issuers, s.Name)
		issuers[s.Issuers[0].Name] = true
	}
	require.True(t, issuers["1EdTech University"], "complete.json's skills are in the passport: %s", r.stdout)

	role := filepath.Join(t.TempDir(), "role.json")
	require.NoError(t, os.WriteFile(role, []byte(`{"role":"Team lead","skills":[{"name":"Teamwork"},{"name":"Budgeting"}]}`), 0o600))
	r = runCLI(t, env, "", "--wallet", dir, "passport", "--role", role)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Skills passport: 2 credentials")
	require.Contains(t, r.stdout, "Leadership & Behavioural")
	require.Contains(t, r.stdout, "Against Team lead:")
	require.Contains(t, r.stdout, "missing  Budgeting")
	// complete.json's status list cannot be read offline: its skills say
	// so; simple.json's Teamwork (no status list) does not.
	for _, line := range strings.Split(r.stdout, "\n") {
		switch {
		case strings.Contains(line, "1EdTech University"):
			require.True(t, strings.HasSuffix(line, "; not fully checked"), line)
		case strings.Contains(line, "Teamwork"):
			require.NotContains(t, line, "not fully checked")
		}
	}

	require.NoError(t, os.WriteFile(role, []byte(`{"rol":"x"}`), 0o600))
	r = runCLI(t, env, "", "--wallet", dir, "passport", "--role", role)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "hint: a role profile")
}
