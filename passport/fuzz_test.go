package passport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzBuild feeds arbitrary bytes to Build and Add, as bytes and (when they
// are a JSON object) as a decoded map: no panic, and a view that marshals.
func FuzzBuild(f *testing.F) {
	for _, name := range []string{"complete.json", "simple.json", "simple.jwt", "simple_v1.json"} {
		f.Add(fixture(f, name))
	}
	for _, c := range corpus(f, 3, 5) {
		f.Add(c.JSON)
	}
	f.Add(clrCredential(f, [][2]string{{"urn:a", "A"}}, map[string]string{"urn:p": "P"},
		[][3]string{{"isChildOf", "urn:a", "urn:p"}, {"precedes", "urn:a", "urn:b"}, {"exactMatchOf", "urn:b", "urn:a"}}).JSON)
	f.Add([]byte(`{"type":"OpenBadgeCredential","credentialSubject":{"achievement":"urn:x","result":{"achievedLevel":"urn:y"}}}`))
	f.Add([]byte(`{"credentialSubject":[{"a":{"name":"Level 2 of 1"}},{"b":1}],"validUntil":"2026-01-01"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		role := Role{Name: "r", Skills: []RoleSkill{{Ref: NameRef("a"), MinLevel: &Level{Value: 0.5}, Weight: 1}}}
		opts := Options{Now: clock(2026, 1, 1), Role: &role,
			Pathways: []Pathway{{ID: "p", Name: "P", Mode: AllOf, Requires: []Requirement{{Name: "a"}, {Achievement: "urn:x"}}}}}
		creds := []Credential{{RecordID: "1", JSON: data, Verified: true}}
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			creds = append(creds, Credential{RecordID: "2", Doc: m, Verified: true})
		}
		p := Build(creds, opts)
		_, err := json.Marshal(p)
		require.NoError(t, err)
		_ = p.Add(Credential{RecordID: "3", JSON: data, Verified: true})
		_, err = json.Marshal(p)
		require.NoError(t, err)
		if len(creds) == 2 {
			// Bytes and map read the same.
			a, errA := Normalize(creds[0], nil)
			b, errB := Normalize(creds[1], nil)
			if errA == nil && errB == nil {
				require.Equal(t, len(a.Achievements), len(b.Achievements))
			}
		}
	})
}

// FuzzParseRole: any input either parses or fails with ErrInvalidRole.
func FuzzParseRole(f *testing.F) {
	f.Add(roleJSONText)
	f.Add(`{"role":"r","skills":[{"name":"x","minLevel":"Gold","maxAge":"2y","weight":3}]}`)
	f.Add(`{"role":"r","skills":[{"framework":"O*NET","code":"2.B.3.e"},{"url":"https://x"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseRole(strings.NewReader(in))
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidRole)
			return
		}
		require.NotEmpty(t, r.Name)
		require.NotEmpty(t, r.Skills)
		for _, s := range r.Skills {
			require.NotEmpty(t, s.Ref.Key)
			require.Greater(t, s.Weight, 0.0)
		}
		// A parsed role can always be analysed.
		p := Build(nil, Options{Now: clock(2026, 1, 1)})
		g := p.Gaps(r)
		require.Equal(t, len(r.Skills), g.Missing)
	})
}

// FuzzParsePathways: any input either parses or fails with
// ErrInvalidPathways; parsed pathways always evaluate.
func FuzzParsePathways(f *testing.F) {
	f.Add(pathwayFileJSON)
	f.Add(`{"pathways":[{"id":"a","mode":"any","k":1,"requires":[{"pathway":"b"}]},{"id":"b","requires":[{"name":"x","minLevel":0.2}]}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ParsePathways(strings.NewReader(in))
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidPathways)
			return
		}
		p := Build(learner(t), Options{Now: clock(2026, 1, 1), Pathways: ps})
		got := p.Pathways()
		require.Len(t, got, len(ps))
		for _, pr := range got {
			require.LessOrEqual(t, pr.Met, pr.Needed)
			require.LessOrEqual(t, pr.Needed, pr.Total)
		}
		var buf bytes.Buffer
		require.NoError(t, json.NewEncoder(&buf).Encode(p))
	})
}
