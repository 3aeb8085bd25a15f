package passport

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const roleJSONText = `{
  "role": "Data Analyst",
  "id": "sfw:ICT/Data Analyst",
  "sector": "Infocomm Technology",
  "maxAge": "3y",
  "skills": [
    {"framework": "SkillsFuture", "code": "ICT-DIT-3005-1.1", "name": "Data Engineering", "minLevel": "Level 3", "weight": 2},
    {"url": "http://data.europa.eu/esco/skill/sheets", "name": "use spreadsheets software", "minLevel": 0.5},
    {"name": "Teamwork", "minLevel": "Silver", "maxAge": "18m"},
    {"name": "Statistics"},
    {"name": "Data Visualisation", "minLevel": "Advanced"}
  ]
}`

func TestParseRole(t *testing.T) {
	r, err := ParseRole(strings.NewReader(roleJSONText))
	require.NoError(t, err)
	require.Equal(t, "Data Analyst", r.Name)
	require.Equal(t, "sfw:ICT/Data Analyst", r.ID)
	require.Equal(t, 3*365*day, r.MaxAge)
	require.Len(t, r.Skills, 5)
	de := r.Skills[0]
	require.Equal(t, "sfw:ICT-DIT-005", de.Ref.Key)
	require.Equal(t, Level{Value: 0.5, Label: "Level 3", Scale: ScaleProficiency}, *de.MinLevel, "SkillsFuture Level 3 is proficiency 3")
	require.Equal(t, 2.0, de.Weight)
	require.Equal(t, "esco:http://data.europa.eu/esco/skill/sheets", r.Skills[1].Ref.Key)
	require.Equal(t, 18*30*day, r.Skills[2].MaxAge)
	require.Equal(t, 1.0, r.Skills[3].Weight)
	require.Nil(t, r.Skills[3].MinLevel)
}

func TestParseRoleErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no name", `{"skills":[{"name":"x"}]}`, `"role" (the role's name) is missing`},
		{"no skills", `{"role":"r"}`, `"skills" is empty`},
		{"misspelt field", `{"role":"r","skils":[]}`, `unknown field "skils"`},
		{"skill names nothing", `{"role":"r","skills":[{"weight":1}]}`, "skill 1 (\"\"): skill needs a code, url or name"},
		{"bad level", `{"role":"r","skills":[{"name":"x"},{"name":"y","minLevel":"Level 99"}]}`, `skill 2 ("y"): minLevel "Level 99"`},
		{"level as a big number", `{"role":"r","skills":[{"name":"x","minLevel":4}]}`, "a number must be from 0 to 1"},
		{"bad weight", `{"role":"r","skills":[{"name":"x","weight":0}]}`, "weight 0: want more than 0"},
		{"bad age", `{"role":"r","maxAge":"soon","skills":[{"name":"x"}]}`, `maxAge: age "soon"`},
		{"same skill twice", `{"role":"r","skills":[{"name":"SQL"},{"name":"sql"}]}`, "same skill as skill 1"},
		{"same TSC at two levels", `{"role":"r","skills":[{"framework":"SkillsFuture","code":"ICT-DIT-3005-1.1"},{"framework":"SkillsFuture","code":"ICT-DIT-4005-1.1"}]}`, "same skill as skill 1"},
		{"truncated", `{"role":"r","skills":[`, "ends too early"},
		{"wrong type", `{"role":"r","skills":{"name":"x"}}`, "skills: want an array, not a JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRole(strings.NewReader(tc.in))
			require.ErrorIs(t, err, ErrInvalidRole)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"": 0, "2y": 2 * 365 * day, "18m": 18 * 30 * day, "3w": 21 * day, "90d": 90 * day, "8760h": 365 * day,
	} {
		got, err := ParseAge(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"0y", "-1d", "101y", "1.5y", "y", "soon", "-5h", "999999999999d"} {
		_, err := ParseAge(bad)
		require.Error(t, err, bad)
	}
}

func TestGaps(t *testing.T) {
	role, err := ParseRole(strings.NewReader(roleJSONText))
	require.NoError(t, err)
	creds := []Credential{
		// Data Engineering at proficiency 4 (from the code), 2025: met.
		badge{name: "Pipelines", validFrom: "2025-03-01T00:00:00Z",
			align: []map[string]any{sfwAlign("Data Engineering", "ICT-DIT-4005-1.1")}}.cred(t, "de"),
		// Spreadsheets awarded (0.5) in 2021: at the level, but older than
		// the role's 3 years: stale.
		badge{name: "Sheets", validFrom: "2021-01-01T00:00:00Z",
			align: []map[string]any{align("use spreadsheets software", "ESCO", "", "http://data.europa.eu/esco/skill/sheets")}}.cred(t, "sh"),
		// Teamwork Bronze (1/3) of Silver (2/3) wanted, 2025: below, half way.
		badge{name: "Teamwork Bronze", validFrom: "2025-01-01T00:00:00Z"}.cred(t, "tw"),
		// Data Visualisation awarded (0.5) of Advanced (1), 2020: below and
		// stale.
		badge{name: "Data Visualisation", validFrom: "2020-01-01T00:00:00Z"}.cred(t, "dv"),
		// Statistics: missing.
	}
	p := Build(entries(t, creds), Options{Now: clock(2026, 6, 1), Role: &role})
	g := p.View().Gaps
	require.NotNil(t, g)
	require.Equal(t, "Data Analyst", g.Role)
	byKey := map[string]Gap{}
	for _, x := range g.Skills {
		byKey[x.Key] = x
	}
	de := byKey["sfw:ICT-DIT-005"]
	require.Equal(t, GapMet, de.Status)
	require.Equal(t, 1.0, de.Credit)
	require.Equal(t, "key", de.MatchedBy)

	sh := byKey["esco:http://data.europa.eu/esco/skill/sheets"]
	require.Equal(t, GapStale, sh.Status)
	require.True(t, sh.Stale)
	require.Equal(t, 0.5, sh.Credit)

	tw := byKey["name:teamwork"]
	require.Equal(t, GapBelow, tw.Status)
	require.False(t, tw.Stale, "17 months old, within the skill's 18")
	require.Equal(t, 0.5, tw.Credit)

	dv := byKey["name:data visualisation"]
	require.Equal(t, GapBelow, dv.Status)
	require.True(t, dv.Stale)
	require.Equal(t, 0.25, dv.Credit)

	st := byKey["name:statistics"]
	require.Equal(t, GapMissing, st.Status)
	require.Nil(t, st.Have)
	require.Equal(t, 0.0, st.Credit)

	// (2·1 + 1·0.5 + 1·0.5 + 1·0 + 1·0.25) / 6
	require.Equal(t, 0.5417, g.Score)
	require.Equal(t, 54, g.Percent)
	require.Equal(t, [4]int{1, 1, 2, 1}, [4]int{g.Met, g.Stale, g.Below, g.Missing})
}

func TestGapsMatchByNameAndFreshness(t *testing.T) {
	// The role names a skill the learner holds under a framework code; only
	// names match. Without any maxAge, staleness follows the freshness
	// state.
	role := Role{Name: "Support", Skills: []RoleSkill{
		{Ref: NameRef("Quality Assurance"), Weight: 1},
		{Ref: NameRef("Kubernetes"), Weight: 1},
	}}
	creds := []Credential{
		badge{name: "QA", validFrom: "2025-01-01T00:00:00Z", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-3010-1.1")}}.cred(t, "qa"),
		badge{name: "Kubernetes", validFrom: "2023-01-01T00:00:00Z"}.cred(t, "k8s"), // fast field: stale after 2 years
	}
	p := Build(entries(t, creds), Options{Now: clock(2026, 1, 1)})
	g := p.Gaps(role)
	require.Equal(t, GapMet, g.Skills[0].Status)
	require.Equal(t, "name", g.Skills[0].MatchedBy)
	require.Equal(t, GapStale, g.Skills[1].Status)
	require.Equal(t, 0.75, g.Score)
	require.Nil(t, p.View().Gaps, "no role in the options")
}
