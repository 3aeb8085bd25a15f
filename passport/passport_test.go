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
	c := Credential{RecordID: "complete", JSON: fixture(t, "complete.json"), Verified: true, Signature: "ok",
		Validity: "ok", Status: "ok", IssuerCheck: "confirmed"}
	p := Build([]Credential{c}, Options{Now: clock(2029, 11, 15)})
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

func TestFixtureSimple(t *testing.T) {
	creds := []Credential{
		{RecordID: "simple", JSON: fixture(t, "simple.json"), Verified: true},
		{RecordID: "complete", JSON: fixture(t, "complete.json"), Verified: true},
		{RecordID: "noproof", JSON: fixture(t, "simple-noproof.json"), Signature: "missing", Validity: "ok"},
		{RecordID: "expired", JSON: fixture(t, "simple-err-expired.json"), Signature: "ok", Validity: "expired", Status: "none"},
		{RecordID: "jwt", JSON: fixture(t, "simple.jwt"), Verified: true},
	}
	p := Build(creds, Options{Now: clock(2026, 1, 1)})
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
	creds = append(creds, creds[17]) // a repeated record id
	creds[100].Status = "revoked"
	creds[200].JSON = []byte("{broken")
	opts := Options{Now: clock(2026, 6, 1)}

	parallel := Build(creds, Options{Now: opts.Now, Workers: 4})
	serial := Build(creds, Options{Now: opts.Now, Workers: 1})
	added := Build(nil, opts)
	var addErrs []string
	for _, c := range creds {
		if err := added.Add(c); err != nil {
			addErrs = append(addErrs, c.RecordID)
		}
	}
	want, err := json.Marshal(serial)
	require.NoError(t, err)
	for _, p := range []*Passport{parallel, added} {
		got, err := json.Marshal(p)
		require.NoError(t, err)
		if p == added {
			// Add reports failures instead of listing them.
			require.Equal(t, []string{creds[100].RecordID, creds[200].RecordID, creds[17].RecordID}, addErrs)
			require.Empty(t, p.Skipped())
			var a, b map[string]any
			require.NoError(t, json.Unmarshal(got, &a))
			require.NoError(t, json.Unmarshal(want, &b))
			delete(b, "skipped")
			require.Equal(t, b, a)
			continue
		}
		require.JSONEq(t, string(want), string(got))
	}
	require.Len(t, serial.Skipped(), 3)
	require.Equal(t, 3001-3, serial.Len())
}

func TestAddErrors(t *testing.T) {
	p := Build(nil, Options{Now: clock(2026, 1, 1)})
	good := badge{name: "SQL"}.cred(t, "1")
	require.NoError(t, p.Add(good))
	tests := []struct {
		name string
		c    Credential
		want error
	}{
		{"same record again", good, ErrDuplicate},
		{"unverified", Credential{RecordID: "2", JSON: good.JSON}, ErrUnverified},
		{"revoked", Credential{RecordID: "3", JSON: good.JSON, Verified: true, Status: "revoked"}, ErrRevoked},
		{"not JSON", Credential{RecordID: "4", JSON: []byte("<xml/>"), Verified: true}, ErrNotJSON},
		{"endorsement", Credential{RecordID: "5", JSON: []byte(`{"type":["EndorsementCredential"],"credentialSubject":{}}`), Verified: true}, ErrNoAchievement},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := json.Marshal(p)
			require.NoError(t, err)
			err = p.Add(tc.c)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, "add "+tc.c.RecordID+": ")
			after, err := json.Marshal(p)
			require.NoError(t, err)
			require.JSONEq(t, string(before), string(after), "the passport is unchanged")
		})
	}
}

func TestViewShape(t *testing.T) {
	p := Build(corpus(t, 200, 3), Options{Now: clock(2026, 6, 1)})
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

func TestPassportKeepsNoCredentialText(t *testing.T) {
	// Mutating the caller's bytes after Build must not change the passport
	// (strings are copied, not views into the JSON).
	c := badge{name: "Welding", issuerName: "Trade School"}.cred(t, "1")
	p := Build([]Credential{c}, Options{Now: clock(2026, 1, 1)})
	before, err := json.Marshal(p)
	require.NoError(t, err)
	for i := range c.JSON {
		c.JSON[i] = 'x'
	}
	after, err := json.Marshal(p)
	require.NoError(t, err)
	require.Equal(t, string(before), string(after))
}
