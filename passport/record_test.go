package passport

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// storedCredentials are credentials of every format: the 1EdTech vectors, a
// CLR with stacks, a plain VC, and generated badges.
func storedCredentials(t *testing.T) []Credential {
	creds := []Credential{
		{RecordID: "complete", JSON: fixture(t, "complete.json"), Verdict: verified},
		{RecordID: "simple", JSON: fixture(t, "simple.json"), Verdict: verified},
		{RecordID: "v1", JSON: fixture(t, "simple_v1.json"), Verdict: verified},
		{RecordID: "degree", JSON: []byte(`{"type":["VerifiableCredential","UniversityDegreeCredential"],
			"issuer":"did:web:uni","issuanceDate":"2019-06-30T08:00:00+08:00",
			"credentialSubject":{"degree":{"type":"BachelorDegree","name":"BSc Computing"}}}`), Verdict: verified},
	}
	creds = append(creds, clrCorpus(t, 2)...)
	return append(creds, corpus(t, 50, 8)...)
}

func TestRecordRoundTrip(t *testing.T) {
	creds := storedCredentials(t)
	in := entries(t, creds)
	var decoded []Entry
	for _, e := range in {
		b, err := EncodeRecord(e.Record)
		require.NoError(t, err)
		rec, err := DecodeRecord(b)
		require.NoError(t, err)
		require.Equal(t, *e.Record, rec, e.Record.RecordID)
		decoded = append(decoded, Entry{Record: &rec, Verdict: e.Verdict})
	}
	// A passport from stored records is the passport from fresh ones.
	opts := Options{Now: clock(2026, 6, 1)}
	require.JSONEq(t, viewJSON(t, Build(in, opts)), viewJSON(t, Build(decoded, opts)))
}

func TestRecordShape(t *testing.T) {
	// The documented shape, field by field, of the CLR (the richest record).
	rec := entries(t, clrCorpus(t, 1))[0].Record
	b, err := EncodeRecord(rec)
	require.NoError(t, err)
	var shape struct {
		Version      int    `json:"version"`
		Record       string `json:"record"`
		Format       string `json:"format"`
		Issuer       Issuer `json:"issuer"`
		Achievements []struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Issuer Issuer `json:"issuer"`
			Earned string `json:"earned"`
			Skills []struct {
				Ref          map[string]string `json:"ref"`
				Level        map[string]any    `json:"level"`
				Category     string            `json:"category"`
				CategoryRule string            `json:"categoryRule"`
			} `json:"skills"`
		} `json:"achievements"`
		Associations []map[string]string `json:"associations"`
		Described    map[string]string   `json:"described"`
	}
	var loose map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &loose))
	require.NoError(t, json.Unmarshal(b, &shape))
	require.Equal(t, RecordVersion, shape.Version)
	require.Equal(t, "clr-000", shape.Record)
	require.Equal(t, FormatCLR, shape.Format)
	require.Equal(t, Issuer{ID: "did:web:registry"}, shape.Issuer)
	require.Len(t, shape.Achievements, 3)
	a := shape.Achievements[0]
	require.Equal(t, "https://college.example/ach/m0", a.ID)
	require.Equal(t, "Module 0", a.Name)
	require.Equal(t, "2025-01-01T00:00:00Z", a.Earned)
	require.Equal(t, map[string]string{"key": "name:module 0", "name": "Module 0"}, a.Skills[0].Ref)
	require.Equal(t, map[string]any{"value": 0.5, "label": "Awarded", "scale": "awarded"}, a.Skills[0].Level)
	require.Equal(t, "functional", a.Skills[0].Category)
	require.Equal(t, "default", a.Skills[0].CategoryRule)
	require.Contains(t, shape.Associations, map[string]string{"type": "isChildOf",
		"source": "https://college.example/ach/m0", "target": "https://college.example/ach/cert0"})
	require.Equal(t, map[string]string{"https://college.example/ach/cert0": "Certificate 0 (CLR 0)"}, shape.Described)
	for _, k := range []string{"version", "record", "format", "issuer", "achievements", "associations", "described"} {
		require.Contains(t, loose, k)
	}
	require.NotContains(t, loose, "validUntil", "empty fields are left out")
}

func TestDecodeRecordErrors(t *testing.T) {
	good, err := EncodeRecord(badge{name: "SQL"}.entry(t, "1").Record)
	require.NoError(t, err)
	with := func(f func(m map[string]any)) string {
		var c map[string]any
		require.NoError(t, json.Unmarshal(good, &c))
		f(c)
		b, err := json.Marshal(c)
		require.NoError(t, err)
		return string(b)
	}
	skill := func(c map[string]any) map[string]any {
		return c["achievements"].([]any)[0].(map[string]any)["skills"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name, in string
		want     error
		msg      string
	}{
		{"not JSON", `{`, ErrInvalidRecord, "unexpected end of JSON input"},
		{"older version", with(func(c map[string]any) { c["version"] = 1 }), ErrRecordVersion, "version 1, want 2"},
		{"newer version", with(func(c map[string]any) { c["version"] = 3 }), ErrRecordVersion, "version 3, want 2"},
		{"newer version, other shape", `{"version":3,"achievements":"elsewhere"}`, ErrRecordVersion, "version 3, want 2"},
		{"no version", with(func(c map[string]any) { delete(c, "version") }), ErrRecordVersion, "version 0"},
		{"wrong type", with(func(c map[string]any) { c["record"] = 7 }), ErrInvalidRecord, "cannot unmarshal number"},
		{"no record id", with(func(c map[string]any) { c["record"] = "" }), ErrInvalidRecord, "no record id"},
		{"no achievements", with(func(c map[string]any) { c["achievements"] = []any{} }), ErrNoAchievement, ""},
		{"no skills", with(func(c map[string]any) {
			c["achievements"].([]any)[0].(map[string]any)["skills"] = nil
		}), ErrInvalidRecord, "achievement 1 evidences no skill"},
		{"unknown category", with(func(c map[string]any) { skill(c)["category"] = "hobbies" }), ErrInvalidRecord,
			`skill 1: category "hobbies"`},
		{"override as a rule", with(func(c map[string]any) { skill(c)["categoryRule"] = "override" }), ErrInvalidRecord,
			`category rule "override"`},
		{"level above 1", with(func(c map[string]any) { skill(c)["level"] = map[string]any{"value": 1.5} }),
			ErrInvalidRecord, "level 1.5 out of range"},
		{"achievement level below 0", with(func(c map[string]any) {
			c["achievements"].([]any)[0].(map[string]any)["level"] = map[string]any{"value": -1}
		}), ErrInvalidRecord, "achievement 1: level -1 out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeRecord([]byte(tc.in))
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, "decode record: ")
			require.ErrorContains(t, err, tc.msg)
		})
	}

	// EncodeRecord refuses what DecodeRecord would.
	bad := badge{name: "SQL"}.record(t, "1")
	bad.Achievements[0].Skills[0].Category = "hobbies"
	_, err = EncodeRecord(&bad)
	require.ErrorIs(t, err, ErrInvalidRecord)
}
