package passport

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzNormalize feeds arbitrary bytes to Normalize, as bytes and (when they
// are a JSON object) as a decoded map: no panic; a record it returns is
// valid, survives EncodeRecord and DecodeRecord unchanged, and can be added
// to and removed from a passport whose view marshals.
func FuzzNormalize(f *testing.F) {
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
	f.Add([]byte(`{"credentialSubject":{"a":1},"name":"x","validFrom":"0000-01-01T00:00:00+01:00"}`))
	f.Add(openCertsData(f, course("Intro", "C1", "B+"), course("Java", "", "F"), map[string]any{"passed": 1}))
	f.Add([]byte(`{"issuers":[{"tokenRegistry":"0x1"}],"transcript":[{"courseCode":"X","grade":"101%"}],"issuedOn":7}`))
	f.Add([]byte(`{"type":["VerifiableCredential","BlockcertsCredential"],"credentialSubject":[{"claim":{"name":"A"}},` +
		`{"claim":{"name":"A Gold"}},{"achievement":1}],"issuer":{"id":"x","name":"X"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		role := Role{Name: "r", Skills: []RoleSkill{{Ref: NameRef("a"), MinLevel: &Level{Value: 0.5}, Weight: 1}}}
		opts := Options{Now: clock(2026, 1, 1), Role: &role,
			Pathways: []Pathway{{ID: "p", Name: "P", Mode: AllOf, Requires: []Requirement{{Name: "a"}, {Achievement: "urn:x"}}}}}
		creds := []Credential{{RecordID: "1", JSON: data, Verdict: verified}}
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			creds = append(creds, Credential{RecordID: "2", Doc: m, Verdict: verified})
		}
		var recs []Record
		for _, c := range creds {
			rec, err := Normalize(c)
			if err != nil {
				continue
			}
			require.NoError(t, rec.Validate())
			enc, err := EncodeRecord(&rec)
			require.NoError(t, err)
			dec, err := DecodeRecord(enc)
			require.NoError(t, err)
			require.Equal(t, rec, dec)
			recs = append(recs, rec)
		}
		if len(recs) == 2 {
			// Bytes and map read alike (numbers may print differently).
			require.Equal(t, len(recs[0].Achievements), len(recs[1].Achievements))
		}
		var in []Entry
		for i := range recs {
			in = append(in, Entry{Record: &recs[i], Verdict: verified})
		}
		p := Build(in, opts)
		require.Equal(t, len(recs), p.Len())
		_, err := json.Marshal(p)
		require.NoError(t, err)
		for _, r := range recs {
			require.NoError(t, p.Remove(r.RecordID))
		}
		require.Equal(t, viewJSON(t, Build(nil, opts)), viewJSON(t, p), "removing everything leaves nothing")
	})
}

// FuzzDecodeRecord: any input either decodes into a valid record or fails;
// a decoded record builds a passport whose view marshals.
func FuzzDecodeRecord(f *testing.F) {
	for _, e := range entries(f, append(corpus(f, 3, 2), clrCorpus(f, 1)...)) {
		b, err := EncodeRecord(e.Record)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(`{"version":2,"record":"r","achievements":[{"skills":[{"ref":{"key":"k"},"level":{"value":2},"category":"functional","categoryRule":"tag"}]}]}`))
	f.Add([]byte(`{"version":3}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := DecodeRecord(data)
		if err != nil {
			return
		}
		require.NoError(t, rec.Validate())
		enc, err := EncodeRecord(&rec)
		require.NoError(t, err)
		again, err := DecodeRecord(enc)
		require.NoError(t, err)
		enc2, err := EncodeRecord(&again)
		require.NoError(t, err)
		require.Equal(t, string(enc), string(enc2))
		p := Build([]Entry{{Record: &rec, Verdict: verified}}, Options{Now: clock(2026, 1, 1)})
		require.Equal(t, 1, p.Len())
		_, err = json.Marshal(p)
		require.NoError(t, err)
		require.NoError(t, p.Remove(rec.RecordID))
		require.Equal(t, 0, p.Len())
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
		p := Build(entries(t, learner(t)), Options{Now: clock(2026, 1, 1), Pathways: ps})
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
