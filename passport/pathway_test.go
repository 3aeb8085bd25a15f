package passport

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const pathwayFileJSON = `{
  "pathways": [
    {
      "id": "cdp",
      "name": "Certified Data Practitioner",
      "requires": [
        {"achievement": "https://x.example/ach/sql", "name": "SQL Basics"},
        {"name": "Python Gold"},
        {"skill": {"framework": "SkillsFuture", "code": "ICT-DIT-3005-1.1", "name": "Data Engineering"}, "minLevel": "Proficiency 3"},
        {"achievement": "https://x.example/ach/stats", "name": "Statistics"}
      ]
    },
    {
      "id": "people",
      "name": "People Skills",
      "mode": "any", "k": 2,
      "requires": [
        {"skill": {"name": "Teamwork"}},
        {"skill": {"name": "Negotiation"}},
        {"skill": {"name": "Mentoring"}}
      ]
    },
    {
      "id": "sql-advanced",
      "name": "Advanced SQL",
      "minLevel": "Level 3",
      "requires": [{"achievement": "https://x.example/ach/sql"}]
    },
    {
      "id": "lead-analyst",
      "name": "Lead Analyst",
      "requires": [{"pathway": "cdp"}, {"pathway": "people"}]
    },
    {
      "id": "awarded",
      "name": "Data Diploma",
      "award": "https://x.example/ach/diploma",
      "requires": [{"name": "Never Earned"}, {"name": "Also Never"}]
    }
  ]
}`

func learner(t *testing.T) []Credential {
	return []Credential{
		badge{id: "https://x.example/ach/sql", name: "SQL Basics", results: []map[string]any{{"value": "Level 2"}}}.cred(t, "sql"),
		badge{id: "https://x.example/ach/py", name: "Python Gold"}.cred(t, "py"),
		badge{name: "Data Pipelines", align: []map[string]any{sfwAlign("Data Engineering", "ICT-DIT-4005-1.1")}}.cred(t, "de"),
		badge{name: "Teamwork"}.cred(t, "tw"),
		badge{id: "https://x.example/ach/diploma", name: "Data Diploma"}.cred(t, "dip"),
	}
}

func progressByID(t *testing.T, ps []Progress, id string) Progress {
	t.Helper()
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	require.Failf(t, "no pathway", "%q", id)
	return Progress{}
}

func TestPathwayProgress(t *testing.T) {
	defs, err := ParsePathways(strings.NewReader(pathwayFileJSON))
	require.NoError(t, err)
	p := Build(entries(t, learner(t)), Options{Now: clock(2026, 1, 1), Pathways: defs})
	ps := p.Pathways()
	require.Len(t, ps, 5)

	cdp := progressByID(t, ps, "cdp")
	require.Equal(t, "3 of 4 toward Certified Data Practitioner", cdp.Summary)
	require.Equal(t, 3, cdp.Met)
	require.Equal(t, 4, cdp.Needed)
	require.False(t, cdp.Complete)
	require.Len(t, cdp.Missing, 1)
	require.Equal(t, "Statistics", cdp.Missing[0].Name)
	require.Equal(t, SourceFile, cdp.Source)

	people := progressByID(t, ps, "people")
	require.Equal(t, "1 of 2 toward People Skills", people.Summary)
	require.Equal(t, 3, people.Total)
	require.Len(t, people.Missing, 2, "the options still open")

	adv := progressByID(t, ps, "sql-advanced")
	require.Equal(t, 0, adv.Met, "SQL Basics is held at Level 2, the pathway wants Level 3")

	lead := progressByID(t, ps, "lead-analyst")
	require.Equal(t, "0 of 2 toward Lead Analyst", lead.Summary)

	awarded := progressByID(t, ps, "awarded")
	require.True(t, awarded.Complete, "the award is held")
	require.True(t, awarded.AwardHeld)
	require.Equal(t, "completed Data Diploma", awarded.Summary)
	require.Empty(t, awarded.Missing)

	require.Equal(t, []string{"awarded"}, p.View().Completed)

	// One more credential completes the stacks that were waiting on it, and
	// the nested one with them.
	require.NoError(t, p.Add(badge{id: "https://x.example/ach/stats", name: "Statistics"}.entry(t, "stats")))
	require.NoError(t, p.Add(badge{name: "Mentoring"}.entry(t, "mentor")))
	ps = p.Pathways()
	require.True(t, progressByID(t, ps, "cdp").Complete)
	require.True(t, progressByID(t, ps, "people").Complete)
	require.True(t, progressByID(t, ps, "lead-analyst").Complete)
	require.Equal(t, []string{"cdp", "people", "lead-analyst", "awarded"}, p.View().Completed)
}

func TestRelatedAchievementCounts(t *testing.T) {
	// A new edition of Statistics names the old one in related[]: a pathway
	// asking for the old id is met by the new one.
	defs, err := ParsePathways(strings.NewReader(pathwayFileJSON))
	require.NoError(t, err)
	creds := append(learner(t), badge{id: "https://x.example/ach/stats-2025", name: "Statistics (2025 edition)",
		related: []string{"https://x.example/ach/stats"}}.cred(t, "stats2"))
	p := Build(entries(t, creds), Options{Now: clock(2026, 1, 1), Pathways: defs})
	require.True(t, progressByID(t, p.Pathways(), "cdp").Complete)
}

func clrCredential(t testing.TB, achievements [][2]string, described map[string]string, assoc [][3]string) Credential {
	var vcs []any
	for _, a := range achievements {
		vcs = append(vcs, badge{id: a[0], name: a[1]}.doc())
	}
	var desc []any
	for id, name := range described {
		desc = append(desc, map[string]any{"id": id, "name": name, "type": []any{"Achievement"}})
	}
	var as []any
	for _, a := range assoc {
		as = append(as, map[string]any{"type": "Association", "associationType": a[0], "sourceId": a[1], "targetId": a[2]})
	}
	raw, err := json.Marshal(map[string]any{
		"type":   []any{"VerifiableCredential", "ClrCredential"},
		"issuer": map[string]any{"id": "did:web:registry"},
		"credentialSubject": map[string]any{"type": []any{"ClrSubject"}, "verifiableCredential": vcs,
			"achievement": desc, "association": as},
	})
	require.NoError(t, err)
	return Credential{RecordID: "clr", JSON: raw, Verdict: verified}
}

func TestCLRStacks(t *testing.T) {
	const (
		cert = "https://c.example/ach/cert"
		m1   = "https://c.example/ach/m1"
		m2   = "https://c.example/ach/m2"
		m3   = "https://c.example/ach/m3"
		m3b  = "https://c.example/ach/m3-retired"
	)
	c := clrCredential(t, [][2]string{{m1, "Module 1"}},
		map[string]string{cert: "Cloud Practitioner Certificate", m2: "Module 2", m3: "Module 3"},
		[][3]string{
			{"isChildOf", m1, cert},
			{"isParentOf", cert, m2},
			{"isPartOf", m3, cert},
			{"precedes", m1, m2},
			{"precedes", m2, m3},
			{"replacedBy", m3b, m3},
		})
	p := Build([]Entry{entryOf(t, c)}, Options{Now: clock(2026, 1, 1)})
	ps := p.Pathways()
	require.Len(t, ps, 1)
	st := ps[0]
	require.Equal(t, "clr:"+cert, st.ID)
	require.Equal(t, SourceCLR, st.Source)
	require.Equal(t, "1 of 3 toward Cloud Practitioner Certificate", st.Summary)
	require.Equal(t, []string{"Module 2", "Module 3"}, []string{st.Missing[0].Name, st.Missing[1].Name})
	require.Equal(t, []string{"Module 2"}, st.Next, "module 2 precedes module 3")

	// Module 2 arrives on its own; module 3's retired edition counts for it.
	require.NoError(t, p.Add(badge{id: m2, name: "Module 2"}.entry(t, "m2")))
	st = p.Pathways()[0]
	require.Equal(t, "2 of 3 toward Cloud Practitioner Certificate", st.Summary)
	require.Equal(t, []string{"Module 3"}, st.Next)
	require.NoError(t, p.Add(badge{id: m3b, name: "Module 3 (retired)"}.entry(t, "m3b")))
	st = p.Pathways()[0]
	require.True(t, st.Complete)
	require.Equal(t, []string{"clr:" + cert}, p.View().Completed)
}

func TestParsePathwaysErrors(t *testing.T) {
	one := func(p string) string { return `{"pathways":[` + p + `]}` }
	tests := []struct {
		name, in, want string
	}{
		{"not JSON", `{`, "not valid JSON: it ends too early"},
		{"bad syntax", `{"pathways":[}`, "not valid JSON at byte"},
		{"wrong type", one(`{"id":"a","requires":[{"skill":"SQL"}]}`), "skill: want an object, not a JSON string"}, // Go 1.27 adds array indices to the path
		{"misspelt field", one(`{"id":"a","requries":[]}`), `unknown field "requries"`},
		{"no pathways", `{"pathways":[]}`, "no pathways"},
		{"two documents", `{"pathways":[{"id":"a","requires":[{"name":"x"}]}]} {}`, "more than one JSON value"},
		{"no id", one(`{"requires":[{"name":"x"}]}`), `pathway 1 (""): id is missing`},
		{"no requirements", one(`{"id":"a"}`), `pathway 1 ("a"): requires is empty`},
		{"bad mode", one(`{"id":"a","mode":"most","requires":[{"name":"x"}]}`), `mode "most"`},
		{"k too big", one(`{"id":"a","mode":"any","k":3,"requires":[{"name":"x"},{"name":"y"}]}`), "k is 3: want 1 to 2"},
		{"k for all", one(`{"id":"a","k":1,"requires":[{"name":"x"}]}`), `k is only for mode "any"`},
		{"empty requirement", one(`{"id":"a","requires":[{"name":"x"},{}]}`), "requirement 2: needs one of"},
		{"two kinds", one(`{"id":"a","requires":[{"achievement":"u","pathway":"b"}]}`), "give only one of"},
		{"level above 1", one(`{"id":"a","requires":[{"name":"x","minLevel":3}]}`), "a number must be from 0 to 1"},
		{"unknown level", one(`{"id":"a","requires":[{"name":"x","minLevel":"Purple"}]}`), `minLevel "Purple" is not a level`},
		{"skill with framework but no code", one(`{"id":"a","requires":[{"skill":{"framework":"SkillsFuture","name":"x"}}]}`), "needs a code or url"},
		{"unknown nested pathway", one(`{"id":"a","requires":[{"pathway":"b"}]}`), `no pathway "b" in the file`},
		{"requires itself", one(`{"id":"a","requires":[{"pathway":"a"}]}`), "requires itself"},
		{"level on a pathway step", `{"pathways":[{"id":"a","requires":[{"pathway":"b","minLevel":0.5}]},{"id":"b","requires":[{"name":"x"}]}]}`, "a pathway step has no level"},
		{"duplicate id", `{"pathways":[{"id":"a","requires":[{"name":"x"}]},{"id":"a","requires":[{"name":"y"}]}]}`, `id "a" already used by pathway 1`},
		{"cycle", `{"pathways":[{"id":"a","requires":[{"pathway":"b"}]},{"id":"b","requires":[{"pathway":"c"}]},{"id":"c","requires":[{"pathway":"a"}]}]}`, "a → b → c → a"},
		{"too large", `{"pathways":[{"id":"` + strings.Repeat("x", maxDefinitionSize) + `"}]}`, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePathways(strings.NewReader(tc.in))
			require.ErrorIs(t, err, ErrInvalidPathways)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestParsePathwaysDefaults(t *testing.T) {
	ps, err := ParsePathways(strings.NewReader(`{"pathways":[
		{"id":"a","minLevel":0.5,"requires":[{"name":"x"},{"skill":{"name":"y"},"minLevel":"Gold"}]},
		{"id":"b","mode":"any","requires":[{"achievement":"urn:z"}]}]}`))
	require.NoError(t, err)
	require.Equal(t, Pathway{ID: "a", Name: "a", Mode: AllOf, Source: SourceFile, Requires: []Requirement{
		{Name: "x", MinLevel: &Level{Value: 0.5, Label: "0.5", Scale: ScaleLevel}},
		{Skill: "name:y", Name: "y", MinLevel: &Level{Value: 1, Label: "Gold", Scale: ScaleMedal}},
	}}, ps[0])
	require.Equal(t, 1, ps[1].K, "any defaults to one")
}
