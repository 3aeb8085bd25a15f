package passport

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFixtureComplete reads the 1EdTech complete.json vector: a degree
// aligned to its catalogue, a final project graded A and rubric-assessed
// Mastered, tagged computer science, valid until 2030.
func TestFixtureComplete(t *testing.T) {
	c := Credential{RecordID: "complete", JSON: fixture(t, "complete.json"), Verdict: Verdict{Verified: true,
		Signature: "ok", Validity: "ok", Status: "ok", IssuerCheck: "confirmed"}}
	p := Build([]Entry{entryOf(t, c)}, Options{Now: clock(2029, 11, 15)})
	v := p.View()
	require.Equal(t, 1, v.Credentials)
	require.Empty(t, v.Skipped)
	require.Len(t, v.Skills, 2)

	issuer := Issuer{ID: "https://1edtech.edu/issuers/565049", Name: "1EdTech University"}
	degree := skillByKey(t, v.Skills, "fw:1edtech university program and course catalog#degree")
	require.Equal(t, "1EdTech University Degree", degree.Name)
	require.Equal(t, Foundational, degree.Category, "achievementType Degree")
	require.Equal(t, ruleType, degree.CategoryRule)
	require.Equal(t, Awarded, degree.Level, "no result grades the degree itself")
	require.Equal(t, []Issuer{issuer}, degree.Issuers)
	require.Equal(t, date(2010, 1, 2), degree.LastEvidenced, "activityEndDate")

	project := skillByKey(t, v.Skills, "fw:1edtech university program and course catalog#project")
	require.Equal(t, "Final Project", project.Name)
	require.Equal(t, Performance, project.Category, "a project is experience")
	require.Equal(t, 1.0, project.Level.Value, "A of D–A, and Mastered of Basic–Mastered")
	require.Contains(t, []string{"A", "Mastered"}, project.Level.Label)
	require.Equal(t, []Issuer{issuer}, project.Issuers)
	require.Equal(t, 1, project.EvidenceCount)

	for _, s := range v.Skills {
		require.Equal(t, FieldFast, s.Freshness.Field, "tagged computer science")
		require.Equal(t, Stale, s.Freshness.State, "evidenced in 2010")
	}
	require.Len(t, v.Expiring, 1, "valid until 2030-01-01, 47 days after the clock")
	require.Equal(t, 47, v.Expiring[0].DaysLeft)
	require.Equal(t, "1EdTech University Degree for Example Student", v.Expiring[0].Name)
	require.Equal(t, []AchievementView{{ID: "https://1edtech.edu/achievements/degree", Name: "1EdTech University Degree",
		Type: "Degree", RecordID: "complete", Issuer: issuer, Earned: date(2010, 1, 2)}}, v.Achievements)

	// The JSON the CLI prints carries all of it.
	out, err := json.Marshal(p)
	require.NoError(t, err)
	var shape struct {
		Skills []struct {
			Name      string         `json:"name"`
			Category  string         `json:"category"`
			Level     map[string]any `json:"level"`
			Issuers   []Issuer       `json:"issuers"`
			Freshness map[string]any `json:"freshness"`
		} `json:"skills"`
	}
	require.NoError(t, json.Unmarshal(out, &shape))
	require.Len(t, shape.Skills, 2)
	for _, s := range shape.Skills {
		require.NotEmpty(t, s.Category)
		require.Contains(t, s.Level, "value")
		require.Contains(t, s.Level, "label")
		require.Equal(t, []Issuer{issuer}, s.Issuers)
		require.Equal(t, "stale", s.Freshness["state"])
	}
}

// TestFixtureSimple builds from credentials (BuildCredentials, the path for
// callers that hold only files).
func TestFixtureSimple(t *testing.T) {
	creds := []Credential{
		{RecordID: "simple", JSON: fixture(t, "simple.json"), Verdict: Verdict{Verified: true}},
		{RecordID: "complete", JSON: fixture(t, "complete.json"), Verdict: Verdict{Verified: true}},
		{RecordID: "noproof", JSON: fixture(t, "simple-noproof.json"), Verdict: Verdict{Signature: "missing", Validity: "ok"}},
		{RecordID: "expired", JSON: fixture(t, "simple-err-expired.json"), Verdict: Verdict{Signature: "ok",
			Validity: "expired", Status: "none"}},
		{RecordID: "jwt", JSON: fixture(t, "simple.jwt"), Verdict: Verdict{Verified: true}},
	}
	p := BuildCredentials(creds, Options{Now: clock(2026, 1, 1)})
	require.Equal(t, []Skipped{
		{RecordID: "noproof", Reason: ErrUnverified.Error()},
		// The JWT vector's subject names no achievement.
		{RecordID: "jwt", Reason: ErrNoAchievement.Error()},
	}, p.Skipped())
	s := skillByKey(t, p.Skills(), "name:teamwork")
	require.Equal(t, "Teamwork", s.Name)
	require.Equal(t, Leadership, s.Category)
	require.Equal(t, ruleName, s.CategoryRule)
	require.Equal(t, Awarded, s.Level)
	require.Equal(t, FieldDurable, s.Freshness.Field)
	require.Equal(t, 2, s.EvidenceCount, "simple.json and the expired copy")
	var expired int
	for _, e := range s.Evidence {
		if e.Expired {
			expired++
			require.Equal(t, "expired", e.RecordID)
		}
	}
	require.Equal(t, 1, expired)
	require.Equal(t, "Example Corp", s.Issuers[0].Name)
}

func TestBuildEqualsAddingOneByOne(t *testing.T) {
	creds := corpus(t, 3000, 9)
	in := entries(t, creds)
	in = append(in, in[17]) // a repeated record id
	in[100].Verdict.Status = "revoked"
	old := *in[200].Record
	old.Version = RecordVersion + 1
	in[200].Record = &old // a record of another version
	in = append(in, Entry{Verdict: verified})
	opts := Options{Now: clock(2026, 6, 1)}

	built := Build(in, opts)
	added := Build(nil, opts)
	var addErrs []string
	for _, e := range in {
		if err := added.Add(e); err != nil {
			addErrs = append(addErrs, err.Error())
		}
	}
	// Add reports failures instead of listing them.
	require.Equal(t, []string{
		"add rec-000100: " + ErrRevoked.Error(),
		"add rec-000200: record rec-000200: " + ErrRecordVersion.Error() + ": version 3, want 2",
		"add rec-000017: " + ErrDuplicate.Error(),
		"add : " + ErrInvalidRecord.Error() + ": no record",
	}, addErrs)
	require.Empty(t, added.Skipped())
	require.Len(t, built.Skipped(), 4)
	require.Equal(t, 3000-2, built.Len())
	require.JSONEq(t, viewJSON(t, built, "skipped"), viewJSON(t, added))

	// The same credentials as bytes, normalised on the way.
	creds = append(creds, creds[17])
	creds[100].Status = "revoked"
	creds[200].JSON = []byte("{broken")
	fromBytes := BuildCredentials(creds, opts)
	require.Equal(t, []string{"rec-000100", "rec-000200", "rec-000017"}, skippedIDs(fromBytes))
	require.JSONEq(t, viewJSON(t, built, "skipped"), viewJSON(t, fromBytes, "skipped"))
}

// viewJSON is the passport's JSON without the given top-level keys.
func viewJSON(t testing.TB, p *Passport, drop ...string) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range drop {
		delete(m, k)
	}
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return string(out)
}

func skippedIDs(p *Passport) []string {
	var ids []string
	for _, s := range p.Skipped() {
		ids = append(ids, s.RecordID)
	}
	return ids
}

func TestAddErrors(t *testing.T) {
	p := Build(nil, Options{Now: clock(2026, 1, 1)})
	good := badge{name: "SQL"}.entry(t, "1")
	require.NoError(t, p.Add(good))
	with := func(id string, f func(r *Record)) *Record {
		r := badge{name: "Welding"}.record(t, id)
		f(&r)
		return &r
	}
	tests := []struct {
		name string
		e    Entry
		want error
	}{
		{"same record again", good, ErrDuplicate},
		{"unverified", Entry{Record: with("2", func(*Record) {})}, ErrUnverified},
		{"revoked", Entry{Record: with("3", func(*Record) {}), Verdict: Verdict{Verified: true, Status: "revoked"}}, ErrRevoked},
		{"no record", Entry{Verdict: verified}, ErrInvalidRecord},
		{"another version", Entry{Record: with("4", func(r *Record) { r.Version = 0 }), Verdict: verified}, ErrRecordVersion},
		{"no achievement", Entry{Record: with("5", func(r *Record) { r.Achievements = nil }), Verdict: verified}, ErrNoAchievement},
		{"skill without key", Entry{Record: with("6", func(r *Record) { r.Achievements[0].Skills[0].Ref.Key = "" }),
			Verdict: verified}, ErrInvalidRecord},
		{"no record id", Entry{Record: with("", func(*Record) {}), Verdict: verified}, ErrInvalidRecord},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := viewJSON(t, p)
			err := p.Add(tc.e)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, "add ")
			require.JSONEq(t, before, viewJSON(t, p), "the passport is unchanged")
		})
	}
}

func TestViewShape(t *testing.T) {
	p := Build(entries(t, corpus(t, 200, 3)), Options{Now: clock(2026, 6, 1)})
	a, err := json.Marshal(p)
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.Equal(t, string(a), string(b), "stable output")

	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(a, &top))
	for _, k := range []string{"generatedAt", "credentials", "skills", "achievements", "pathways", "completed", "expiring"} {
		require.Contains(t, top, k)
	}
	require.NotContains(t, top, "gaps", "no role given")
	require.NotContains(t, top, "skipped", "nothing skipped")

	// Skills are ordered by category, then level (highest first), name, key.
	v := p.Skills()
	for i := 1; i < len(v); i++ {
		x, y := v[i-1], v[i]
		if x.Category != y.Category {
			require.Less(t, x.Category.order(), y.Category.order())
			continue
		}
		if x.Level.Value != y.Level.Value {
			require.Greater(t, x.Level.Value, y.Level.Value)
			continue
		}
		require.LessOrEqual(t, x.Name+"\x00"+x.Key, y.Name+"\x00"+y.Key)
	}
	require.True(t, strings.HasPrefix(string(a), `{"generatedAt":"2026-06-01T00:00:00Z","credentials":200,"skills":[`))
}

func TestRecordKeepsNoCredentialText(t *testing.T) {
	// Mutating the caller's bytes after Normalize must not change the record
	// or a passport built from it.
	c := badge{name: "Welding", issuerName: "Trade School"}.cred(t, "1")
	rec, err := Normalize(c)
	require.NoError(t, err)
	p := Build([]Entry{{Record: &rec, Verdict: c.Verdict}}, Options{Now: clock(2026, 1, 1)})
	before, err := EncodeRecord(&rec)
	require.NoError(t, err)
	view := viewJSON(t, p)
	for i := range c.JSON {
		c.JSON[i] = 'x'
	}
	after, err := EncodeRecord(&rec)
	require.NoError(t, err)
	require.Equal(t, string(before), string(after))
	require.Equal(t, view, viewJSON(t, p))
}
