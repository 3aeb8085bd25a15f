package passport

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// openCertsData is the data of an OpenCerts certificate as the wallet passes
// it (salts taken off), shaped as OpenCerts' demo certificate.
func openCertsData(t testing.TB, transcript ...map[string]any) []byte {
	t.Helper()
	doc := map[string]any{
		"$template": map[string]any{"name": "GOVTECH_DEMO", "type": "EMBEDDED_RENDERER"},
		"id":        "53b75bbe",
		"name":      "Bachelor of Computing",
		"issuedOn":  "2025-05-29T00:00:00+08:00",
		"expiresOn": "2030-05-29",
		"issuers": []any{map[string]any{
			"name": "Example Polytechnic", "documentStore": "0x641bDE53Df8C249dD123e532764420Ed82cfb664",
			"identityProof": map[string]any{"type": "DNS-TXT", "location": "example.edu.sg"},
		}},
		"recipient": map[string]any{"name": "Tan Ah Kow"},
	}
	if len(transcript) > 0 {
		list := make([]any, len(transcript))
		for i, c := range transcript {
			list[i] = c
		}
		doc["transcript"] = list
	}
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

func course(name, code, grade string) map[string]any {
	c := map[string]any{"name": name, "courseCode": code, "examinationDate": "2021-12-01T00:00:00+08:00"}
	if grade != "" {
		c["grade"] = grade
	}
	return c
}

func TestNormalizeOpenCerts(t *testing.T) {
	type skill struct {
		cat   Category
		rule  string
		level string
		value float64
	}
	failedByFlag := course("Data Structures", "CS 2040", "A")
	failedByFlag["passed"] = false
	tests := []struct {
		name       string
		transcript []map[string]any
		want       map[string]skill // by skill key
	}{
		{
			name: "certificate only",
			want: map[string]skill{
				// "Bachelor" makes it a Degree: Foundational by achievementType.
				"name:bachelor of computing": {Foundational, ruleType, "Awarded", AwardedValue},
			},
		},
		{
			name: "transcript",
			transcript: []map[string]any{
				course("Introduction to Programming", "CS 1110", "B+"),
				course("Object Oriented Programming in Java", "CS 2110", "A+"),
				course("Microeconomics", "EC 3030", "D"),
				course("Capstone Project", "CS 3203", "Pass"),
				course("Statistics", "ST 2131", "85%"),
				course("Discrete Mathematics", "CS 1231", "F"),
				failedByFlag,
			},
			want: map[string]skill{
				"name:bachelor of computing": {Foundational, ruleType, "Awarded", AwardedValue},
				// a Foundational keyword ("introduction") beats a Functional one
				"name:introduction to programming":         {Foundational, ruleName, "B+", 8.0 / 11},
				"name:object oriented programming in java": {Functional, ruleName, "A+", 1},
				// no keyword: a Course is Foundational
				"name:microeconomics":   {Foundational, ruleType, "D", 1.0 / 11},
				"name:capstone project": {Performance, ruleName, "Awarded", AwardedValue},
				"name:statistics":       {Foundational, ruleType, "85%", 0.85},
				// F and passed:false evidence nothing
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Normalize(Credential{RecordID: "r1", JSON: openCertsData(t, tt.transcript...)})
			require.NoError(t, err)
			require.Equal(t, FormatOpenCerts, rec.Format)
			require.Equal(t, "Bachelor of Computing", rec.Name)
			require.Equal(t, "53b75bbe", rec.CredentialID)
			require.Equal(t, Issuer{ID: "ethereum:0x641bDE53Df8C249dD123e532764420Ed82cfb664",
				Name: "Example Polytechnic"}, rec.Issuer)
			require.Equal(t, time.Date(2025, 5, 28, 16, 0, 0, 0, time.UTC), rec.ValidFrom)
			require.Equal(t, time.Date(2030, 5, 29, 0, 0, 0, 0, time.UTC), rec.ValidUntil)
			got := map[string]skill{}
			for _, a := range rec.Achievements {
				require.Len(t, a.Skills, 1, a.Name)
				se := a.Skills[0]
				got[se.Ref.Key] = skill{se.Category, se.CategoryRule, se.Level.Label, se.Level.Value}
				if a.Type == "Course" {
					require.Equal(t, "53b75bbe#"+codeOf(tt.transcript, a.Name), a.ID)
					require.Equal(t, time.Date(2021, 11, 30, 16, 0, 0, 0, time.UTC), a.Earned)
				}
			}
			for k, s := range tt.want {
				require.InDelta(t, s.value, got[k].value, 1e-4, k)
				s.value = got[k].value
				tt.want[k] = s
			}
			require.Equal(t, tt.want, got)
		})
	}
}

func codeOf(transcript []map[string]any, name string) string {
	for _, c := range transcript {
		if c["name"] == name {
			return c["courseCode"].(string)
		}
	}
	return ""
}

// The wallet names the issuer by its document store; the passport keeps
// that id and takes the name from the certificate.
func TestNormalizeOpenCertsIssuerFromWallet(t *testing.T) {
	tests := []struct {
		name     string
		id, iss  string
		wantName string
	}{
		{"same id, no name", "ethereum:0x641bDE53Df8C249dD123e532764420Ed82cfb664", "", "Example Polytechnic"},
		{"wallet's name wins", "ethereum:0x641bDE53Df8C249dD123e532764420Ed82cfb664", "EP", "EP"},
		{"other id: no name borrowed", "did:web:example.org", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Normalize(Credential{RecordID: "r1", JSON: openCertsData(t), IssuerID: tt.id, IssuerName: tt.iss})
			require.NoError(t, err)
			require.Equal(t, Issuer{ID: tt.id, Name: tt.wantName}, rec.Issuer)
		})
	}
}

// Salted OpenAttestation documents and documents that name no issuer store
// are not read as OpenCerts.
func TestIsOpenAttestation(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want bool
	}{
		{"revealed", `{"name":"x","issuers":[{"name":"A","documentStore":"0x1"}]}`, true},
		{"identity proof only", `{"issuers":[{"name":"A","identityProof":{"type":"DNS-DID"}}]}`, true},
		{"salted (wrapped)", `{"data":{"issuers":[]},"issuers":[{"documentStore":"0x1"}]}`, false},
		{"a VC", `{"type":["VerifiableCredential"],"issuers":[{"documentStore":"0x1"}]}`, false},
		{"issuers without store", `{"issuers":[{"name":"A"}, "x"]}`, false},
		{"no issuers", `{"name":"x"}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := decodeJSON([]byte(tt.doc))
			require.NoError(t, err)
			require.Equal(t, tt.want, isOpenAttestation(node{v}))
		})
	}
}

// blockcertsSample reads a Blockcerts sample of the wallet's verifier
// (cert-verifier-js fixtures, MIT; see its README): data only.
func blockcertsSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "wallet", "verify", "blockcerts", "testdata", "certs", name))
	require.NoError(t, err)
	return b
}

func TestNormalizeBlockcerts(t *testing.T) {
	tests := []struct {
		file     string
		issuer   Issuer
		achName  string
		achID    string
		skillKey string
		earned   time.Time
		noAch    bool
	}{
		{file: "v2-mainnet-valid-2.0.json", achName: "Certified Security Expert",
			achID:    "urn:uuid:40075c69-c2f1-5632-8978-6caf96f524dc",
			issuer:   Issuer{ID: "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json", Name: "Learning Machine"},
			skillKey: "name:certified security expert", earned: time.Date(2018, 2, 7, 23, 52, 16, 636e6, time.UTC)},
		{file: "v3-testnet-v3-did.json", achName: "V3 issuance", achID: "urn:uuid:41015b98-fc99-447c-b211-ef6782147fb3",
			issuer:   Issuer{ID: "did:ion:EiA_Z6LQILbB2zj_eVrqfQ2xDm4HNqeJUw5Kj2Z7bFOOeQ", Name: "Hyland Innovation Team"},
			skillKey: "name:v3 issuance", earned: time.Date(2022, 2, 2, 15, 0, 0, 0, time.UTC)},
		// A version 3 certificate that names only its recipient shows no
		// achievement (before, its type made a skill "Blockcerts").
		{file: "v3-ethereum-sepolia-v3.json", noAch: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec, err := Normalize(Credential{RecordID: "r1", JSON: blockcertsSample(t, tt.file)})
			if tt.noAch {
				require.ErrorIs(t, err, ErrNoAchievement)
				return
			}
			require.NoError(t, err)
			require.Equal(t, FormatBlockcerts, rec.Format)
			require.Equal(t, tt.issuer, rec.Issuer)
			require.Len(t, rec.Achievements, 1)
			a := rec.Achievements[0]
			require.Equal(t, tt.achName, a.Name)
			require.Equal(t, tt.achID, a.ID)
			require.Equal(t, tt.earned, a.Earned)
			require.Len(t, a.Skills, 1)
			require.Equal(t, tt.skillKey, a.Skills[0].Ref.Key)
			require.Equal(t, Functional, a.Skills[0].Category)
		})
	}
}

func TestGradeLevel(t *testing.T) {
	tests := []struct {
		grade  string
		value  float64
		scale  string
		passed bool
	}{
		{"A+", 1, ScaleGrade, true},
		{"a-", 9.0 / 11, ScaleGrade, true},
		{" B ", 7.0 / 11, ScaleGrade, true},
		{"D", 1.0 / 11, ScaleGrade, true},
		{"72.5%", 0.725, ScalePercent, true},
		{"Pass", AwardedValue, ScaleAwarded, true},
		{"", AwardedValue, ScaleAwarded, true},
		{"3", AwardedValue, ScaleAwarded, true}, // not read as "Level 3"
		{"F", 0, "", false},
		{"Fail", 0, "", false},
		{"CU", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.grade, func(t *testing.T) {
			l, passed := gradeLevel(tt.grade)
			require.Equal(t, tt.passed, passed)
			require.InDelta(t, tt.value, l.Value, 1e-4)
			require.Equal(t, tt.scale, l.Scale)
		})
	}
}

func TestVerdictAnchor(t *testing.T) {
	base := Verdict{Signature: "ok", Validity: "ok", Status: "none", IssuerCheck: "unconfirmed"}
	with := func(f func(*Verdict)) Verdict { v := base; f(&v); return v }
	tests := []struct {
		name        string
		v           Verdict
		counts      error
		unconfirmed bool
	}{
		{"plain VC, verified", with(func(v *Verdict) { v.Verified = true }), nil, false},
		{"anchored, anchor ok", with(func(v *Verdict) { v.Verified, v.Anchor = true, "ok" }), nil, false},
		{"anchored, anchor unknown", with(func(v *Verdict) { v.Anchor = "unknown" }), nil, true},
		{"anchor mismatch", with(func(v *Verdict) { v.Anchor = "mismatch" }), ErrUnverified, true},
		{"anchor mismatch though verified", with(func(v *Verdict) { v.Verified, v.Anchor = true, "mismatch" }),
			ErrUnverified, true},
		{"status unknown", with(func(v *Verdict) { v.Status = "unknown" }), nil, true},
		{"expired only", with(func(v *Verdict) { v.Validity = "expired" }), nil, false},
		{"anchor unknown, signature invalid", with(func(v *Verdict) { v.Anchor, v.Signature = "unknown", "invalid" }),
			ErrUnverified, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.v.Counts(), tt.counts)
			if tt.counts == nil {
				require.NoError(t, tt.v.Counts())
			}
			require.Equal(t, tt.unconfirmed, tt.v.Unconfirmed())
		})
	}
}

// A skill is unconfirmed in the view only while none of its evidence is
// fully verified; each piece and each achievement says so on its own.
func TestViewUnconfirmed(t *testing.T) {
	anchoredUnknown := Verdict{Signature: "ok", Validity: "ok", Status: "unknown", IssuerCheck: "unconfirmed",
		Anchor: "unknown"}
	verifiedVC := Verdict{Verified: true, Signature: "ok", Validity: "ok", Status: "ok", IssuerCheck: "confirmed"}
	normalize := func(id string, transcript ...map[string]any) *Record {
		rec, err := Normalize(Credential{RecordID: id, JSON: openCertsData(t, transcript...)})
		require.NoError(t, err)
		return &rec
	}
	p := Build([]Entry{{Record: normalize("oc1", course("Microeconomics", "EC 3030", "A")), Verdict: anchoredUnknown}},
		Options{Now: clock(2026, 6, 1)})
	unconfirmed := func() map[string]bool {
		out := map[string]bool{}
		for _, s := range p.View().Skills {
			out[s.Key] = s.Unconfirmed
			for _, e := range s.Evidence {
				require.Equal(t, e.RecordID == "oc1", e.Unconfirmed, "%s %s", s.Key, e.RecordID)
			}
		}
		for _, a := range p.View().Achievements {
			require.Equal(t, a.RecordID == "oc1", a.Unconfirmed, a.Name)
		}
		return out
	}
	require.Equal(t, map[string]bool{"name:bachelor of computing": true, "name:microeconomics": true}, unconfirmed())

	// The same degree, verified by a second credential, is confirmed.
	require.NoError(t, p.Add(Entry{Record: normalize("oc2"), Verdict: verifiedVC}))
	require.Equal(t, map[string]bool{"name:bachelor of computing": false, "name:microeconomics": true}, unconfirmed())

	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.Contains(t, string(b), `"unconfirmed":true`)
}
