package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// shared is what advisor open --json prints per file.
type shared struct {
	File         string `json:"file"`
	Holder       string `json:"holder"`
	Verified     bool   `json:"verified"`
	HolderSigned bool   `json:"holderSigned"`
	Counted      int    `json:"counted"`
	Passport     struct {
		Skills []struct {
			Name string `json:"name"`
		} `json:"skills"`
		Gaps *struct {
			Role string `json:"role"`
		} `json:"gaps"`
	} `json:"passport"`
	Notes []struct {
		Text string `json:"text"`
	} `json:"notes"`
}

func skillNames(s shared) []string {
	var out []string
	for _, k := range s.Passport.Skills {
		out = append(out, k.Name)
	}
	return out
}

// TestAdvisorCommands: a learner exports a passport file; an advisor opens
// it (with and without a wallet), sees it verified with the learner's
// skills and gaps; a changed copy is not verified and counts nothing; the
// advisor's notes are kept and shown.
func TestAdvisorCommands(t *testing.T) {
	learner, env, _ := presentSetup(t, "simple.json", "simple_v1.json")
	tmp := t.TempDir()
	file := filepath.Join(tmp, "ana.json")
	r := runCLI(t, env, "", "--wallet", learner, "passport", "export", "--file", file)
	require.Equal(t, ExitOK, r.code, r.stderr)

	r = runCLI(t, env, "", "--wallet", learner, "passport", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var mine shared
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &mine.Passport))
	require.NotEmpty(t, mine.Passport.Skills)

	// A changed copy: a skill renamed.
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(b), `"Teamwork"`)
	changed := filepath.Join(tmp, "changed.json")
	require.NoError(t, os.WriteFile(changed, bytes.Replace(b, []byte(`"Teamwork"`), []byte(`"Brain surgery"`), 1), 0o600))
	role := filepath.Join(tmp, "role.json")
	require.NoError(t, os.WriteFile(role, []byte(`{"role":"Team lead","skills":[{"name":"Teamwork"},{"name":"Budgeting"}]}`), 0o600))

	// Without a wallet, like verify.
	noWallet := filepath.Join(tmp, "none")
	r = runCLI(t, nil, "", "--wallet", noWallet, "advisor", "open", "--offline", "--role", role, file)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, file+": VERIFIED")
	require.Contains(t, r.stdout, "counted   2 of 2 credentials")
	require.Contains(t, r.stdout, "Teamwork")
	require.Contains(t, r.stdout, "Against Team lead:")
	require.Contains(t, r.stdout, "missing  Budgeting")

	r = runCLI(t, nil, "", "--wallet", noWallet, "advisor", "open", "--offline", changed)
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, changed+": NOT VERIFIED: the learner's signature does not hold")
	require.Contains(t, r.stdout, "counted   0 of 2 credentials")
	require.Contains(t, r.stdout, "not counted: credential 1, \"Teamwork Badge\" from Example Corp: the learner's signature on the file does not hold")
	require.Contains(t, r.stdout, "No skills counted from this file.")
	require.NotContains(t, r.stdout, "Brain surgery")

	// Both at once, as JSON Lines.
	r = runCLI(t, nil, "", "--wallet", noWallet, "advisor", "open", "--offline", "--json", file, changed)
	require.Equal(t, ExitRefused, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	var good, bad shared
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &good))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &bad))
	require.True(t, good.Verified)
	require.Equal(t, 2, good.Counted)
	require.Equal(t, skillNames(mine), skillNames(good), "the advisor sees the learner's skills")
	require.False(t, bad.Verified)
	require.False(t, bad.HolderSigned)
	require.Zero(t, bad.Counted)
	require.Empty(t, bad.Passport.Skills)
	require.Equal(t, good.Holder, bad.Holder)
	holder := good.Holder
	require.True(t, strings.HasPrefix(holder, "did:key:"))

	// The advisor's own wallet keeps notes.
	adv := filepath.Join(tmp, "advisor")
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", adv, "init").code)
	r = runCLI(t, env, "", "--wallet", adv, "advisor", "notes")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "No notes yet")
	r = runCLI(t, env, "", "--wallet", adv, "advisor", "note", "--holder", holder, "Strong", "on", "teamwork;", "suggest the lead pathway.")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Noted on "+holder)
	r = runCLI(t, env, "", "--wallet", adv, "advisor", "note", "--holder", "did:key:z6MkOther", "Someone else.")
	require.Equal(t, ExitOK, r.code, r.stderr)

	r = runCLI(t, env, "", "--wallet", adv, "advisor", "notes", "--holder", holder, "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var notes []struct{ Holder, Text string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &notes))
	require.Equal(t, []struct{ Holder, Text string }{{holder, "Strong on teamwork; suggest the lead pathway."}}, notes)
	r = runCLI(t, env, "", "--wallet", adv, "advisor", "notes")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "did:key:z6MkOther\n")
	require.Contains(t, r.stdout, "Someone else.")

	r = runCLI(t, env, "", "--wallet", adv, "advisor", "open", "--offline", "--json", file)
	require.Equal(t, ExitOK, r.code, r.stderr)
	var withNotes shared
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &withNotes))
	require.Len(t, withNotes.Notes, 1)
	r = runCLI(t, env, "", "--wallet", adv, "advisor", "open", "--offline", file)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Your notes")
	require.Contains(t, r.stdout, "suggest the lead pathway.")
}

func TestAdvisorRefusals(t *testing.T) {
	adv, env, _ := presentSetup(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", []string{"advisor"}, ExitUsage, "needs a subcommand"},
		{"unknown subcommand", []string{"advisor", "frob"}, ExitUsage, `"frob"`},
		{"open without files", []string{"advisor", "open"}, ExitUsage, "advisor open"},
		{"a lone credential", []string{"advisor", "open", "--offline", fixture("simple.json")}, ExitUsage, "not a passport file"},
		{"a missing file", []string{"advisor", "open", "--offline", filepath.Join(t.TempDir(), "nope.json")}, ExitUsage, "nope.json"},
		{"note without holder", []string{"advisor", "note", "hello"}, ExitUsage, "--holder DID"},
		{"note without text", []string{"advisor", "note", "--holder", "did:key:z6MkX"}, ExitUsage, "--holder DID"},
		{"holder not a DID", []string{"advisor", "note", "--holder", "ana@example.com", "hello"}, ExitUsage, "not a DID"},
		{"notes with an argument", []string{"advisor", "notes", "extra"}, ExitUsage, `"extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, env, "", append([]string{"--wallet", adv}, tc.args...)...)
			require.Equal(t, tc.code, r.code, r.stdout+r.stderr)
			require.Contains(t, r.stderr, "skillpass: error:")
			require.Contains(t, r.stderr, tc.stderr)
		})
	}
}
