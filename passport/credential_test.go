package passport

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCounts(t *testing.T) {
	tests := []struct {
		name string
		c    Credential
		want error
	}{
		{"verified", Credential{Verified: true, Status: "ok"}, nil},
		{"verified without status", Credential{Verified: true}, nil},
		{"revoked, whatever else", Credential{Verified: true, Status: "revoked"}, ErrRevoked},
		{"suspended", Credential{Signature: "ok", Validity: "expired", Status: "suspended"}, ErrRevoked},
		{"expired but genuine: counts", Credential{Signature: "ok", Validity: "expired", Status: "none", IssuerCheck: "confirmed"}, nil},
		{"expired, status unknown", Credential{Signature: "ok", Validity: "expired", Status: "unknown"}, ErrUnverified},
		{"expired, bad signature", Credential{Signature: "invalid", Validity: "expired", Status: "ok"}, ErrUnverified},
		{"expired, issuer mismatch", Credential{Signature: "ok", Validity: "expired", Status: "ok", IssuerCheck: "mismatch"}, ErrUnverified},
		{"not yet valid", Credential{Signature: "ok", Validity: "not-yet-valid", Status: "ok"}, ErrUnverified},
		{"no verdict at all", Credential{}, ErrUnverified},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.c.Counts(), tc.want)
			if tc.want == nil {
				require.NoError(t, tc.c.Counts())
			}
		})
	}
}

func TestNormalizeOpenBadge(t *testing.T) {
	b := badge{
		credID: "urn:uuid:c1", id: "https://uni.example/ach/ds", name: "Data Science Certificate", achType: "Certificate",
		issuerID: "did:web:uni.example", issuerName: "Example University",
		validFrom: "2024-02-01T00:00:00Z", activityEnd: "2024-01-20T00:00:00Z", validUntil: "2027-02-01T00:00:00Z",
		tags: []string{"analytics"}, related: []string{"https://uni.example/ach/ds-fr"},
		align: []map[string]any{sfwAlign("Data Engineering", "ICT-DIT-3005-1.1"),
			align("use databases", "", "", "http://data.europa.eu/esco/skill/db")},
		rds: []map[string]any{{"id": "urn:rd:g", "type": []any{"ResultDescription"}, "allowedValue": []any{"Pass", "Merit", "Distinction"},
			"alignment": []any{align("Machine Learning", "Uni catalogue", "ML", "")}}},
		results: []map[string]any{
			{"type": []any{"Result"}, "resultDescription": "urn:rd:g", "value": "Merit"},
			{"type": []any{"Result"}, "alignment": []any{align("Statistics", "Uni catalogue", "STAT", "")}, "status": "Failed", "value": "Gold"},
			{"type": []any{"Result"}, "value": "Silver"},
		},
	}
	rec, err := Normalize(b.cred(t, "rec-1"), nil)
	require.NoError(t, err)
	require.Equal(t, FormatOB3, rec.Format)
	require.Equal(t, "urn:uuid:c1", rec.CredentialID)
	require.Equal(t, Issuer{ID: "did:web:uni.example", Name: "Example University"}, rec.Issuer)
	require.Equal(t, date(2027, 2, 1), rec.ValidUntil)
	require.Len(t, rec.Achievements, 1)
	a := rec.Achievements[0]
	require.Equal(t, "https://uni.example/ach/ds", a.ID)
	require.Equal(t, "Certificate", a.Type)
	require.Equal(t, date(2024, 1, 20), a.Earned, "activityEndDate is when it was evidenced")
	require.Equal(t, []string{"https://uni.example/ach/ds-fr"}, a.Related)
	require.Equal(t, []string{"analytics"}, a.Tags)
	require.NotNil(t, a.Level, "the unaligned result is the achievement's own level")
	require.Equal(t, "Silver", a.Level.Label)

	got := map[string]Level{}
	for _, s := range a.Skills {
		got[s.Ref.Key] = s.Level
	}
	require.Equal(t, map[string]Level{
		// Achievement alignments take the achievement's own level, read as
		// proficiency for the SkillsFuture one (a medal is not a level N).
		"sfw:ICT-DIT-005":                          {Value: 0.6667, Label: "Silver", Scale: ScaleMedal},
		"esco:http://data.europa.eu/esco/skill/db": {Value: 0.6667, Label: "Silver", Scale: ScaleMedal},
		// The result aligned through its description, at the result's grade.
		"fw:uni catalogue#ml": {Value: 0.6667, Label: "Merit", Scale: ScaleGrade},
		// The failed result evidences nothing: no Statistics.
	}, got)
}

func TestAchievementItselfIsTheSkill(t *testing.T) {
	// No alignment: the achievement is the skill, its level suffix taken off.
	rec, err := Normalize(badge{name: "Python Gold", achType: "Badge"}.cred(t, "r"), nil)
	require.NoError(t, err)
	a := rec.Achievements[0]
	require.Equal(t, "Python Gold", a.Name)
	require.Len(t, a.Skills, 1)
	require.Equal(t, "name:python", a.Skills[0].Ref.Key)
	require.Equal(t, "Python", a.Skills[0].Ref.Name)
	require.Equal(t, Level{Value: 1, Label: "Gold", Scale: ScaleMedal}, a.Skills[0].Level)

	// A level tag works the same way.
	rec, err = Normalize(badge{name: "Excel", tags: []string{"office", "Level 2"}}.cred(t, "r"), nil)
	require.NoError(t, err)
	require.Equal(t, Level{Value: 0.6667, Label: "Level 2", Scale: ScaleLevel}, rec.Achievements[0].Skills[0].Level)
}

func TestSameSkillFromSeveralIssuers(t *testing.T) {
	// Three issuers evidence one SkillsFuture TSC at different proficiency
	// levels and a fourth names it only; one skill, four pieces of evidence,
	// the best level, every issuer.
	creds := []Credential{
		badge{name: "QA Basics", issuerID: "did:web:a", issuerName: "A", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-3010-1.1")}}.cred(t, "1"),
		badge{name: "QA Lead", issuerID: "did:web:b", issuerName: "B", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-5010-1.1")}}.cred(t, "2"),
		badge{name: "QA Practice", issuerID: "did:web:c", issuerName: "C", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-4010-1.1")}}.cred(t, "3"),
		badge{name: "QA again", issuerID: "did:web:a", issuerName: "A", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-3010-1.1")}}.cred(t, "4"),
	}
	p := Build(creds, Options{Now: clock(2026, 1, 1)})
	v := p.Skills()
	require.Len(t, v, 1)
	s := v[0]
	require.Equal(t, "sfw:ICT-DIT-010", s.Key)
	require.Equal(t, 4, s.EvidenceCount)
	require.Equal(t, 0.8333, s.Level.Value)
	require.Equal(t, "Proficiency 5 (from code)", s.Level.Label)
	require.Equal(t, []Issuer{{ID: "did:web:a", Name: "A"}, {ID: "did:web:b", Name: "B"}, {ID: "did:web:c", Name: "C"}}, s.Issuers)
}

func TestNormalizeCLR(t *testing.T) {
	inner := func(id, name string) map[string]any {
		return badge{id: id, name: name, issuerID: "did:web:college", issuerName: "College"}.doc()
	}
	jwtInner := inner("https://college.example/ach/stats", "Statistics")
	payload, err := json.Marshal(map[string]any{"vc": jwtInner, "iss": "did:web:college"})
	require.NoError(t, err)
	jwt := "eyJhbGciOiJFZERTQSJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"

	clr := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"},
		"id":       "urn:uuid:clr-1",
		"type":     []any{"VerifiableCredential", "ClrCredential"},
		"name":     "Transcript",
		"issuer":   map[string]any{"id": "did:web:registry", "name": "Registry"},
		"credentialSubject": map[string]any{
			"type": []any{"ClrSubject"},
			"verifiableCredential": []any{
				inner("https://college.example/ach/sql", "SQL Basics"),
				inner("https://college.example/ach/python", "Python Basics"),
				jwt,
				"not a jwt",
				map[string]any{"type": []any{"VerifiableCredential", "EndorsementCredential"}, "credentialSubject": map[string]any{}},
			},
			"achievement": []any{map[string]any{"id": "https://college.example/ach/cdp", "name": "Certified Data Practitioner"}},
			"association": []any{
				map[string]any{"associationType": "isChildOf", "sourceId": "https://college.example/ach/sql", "targetId": "https://college.example/ach/cdp"},
				map[string]any{"associationType": "isParentOf", "sourceId": "https://college.example/ach/cdp", "targetId": "https://college.example/ach/python"},
				map[string]any{"associationType": "precedes", "sourceId": "https://college.example/ach/sql", "targetId": "https://college.example/ach/python"},
				map[string]any{"associationType": "isChildOf", "sourceId": "incomplete"},
			},
		},
	}
	raw, err := json.Marshal(clr)
	require.NoError(t, err)
	rec, err := Normalize(Credential{RecordID: "clr", JSON: raw, Verified: true}, nil)
	require.NoError(t, err)
	require.Equal(t, FormatCLR, rec.Format)
	var names []string
	for _, a := range rec.Achievements {
		names = append(names, a.Name)
		require.Equal(t, Issuer{ID: "did:web:college", Name: "College"}, a.Issuer, "each inner credential's own issuer")
	}
	require.Equal(t, []string{"SQL Basics", "Python Basics", "Statistics"}, names)
	require.Equal(t, "urn:uuid:sql basics", rec.Achievements[0].CredentialID, "the inner credential's id")
	require.Equal(t, "urn:uuid:clr-1", rec.CredentialID)
	require.Len(t, rec.Associations, 3)
	require.Equal(t, Association{Type: "isParentOf", Source: "https://college.example/ach/cdp", Target: "https://college.example/ach/python"}, rec.Associations[1])
	require.Equal(t, map[string]string{"https://college.example/ach/cdp": "Certified Data Practitioner"}, rec.Described)
}

func TestNormalizePlainVC(t *testing.T) {
	doc := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1"},
		"id":           "urn:uuid:deg",
		"type":         []any{"VerifiableCredential", "UniversityDegreeCredential"},
		"issuer":       "did:web:uni",
		"issuanceDate": "2019-06-30T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":     "did:example:me",
			"degree": map[string]any{"type": "BachelorDegree", "name": "Bachelor of Science and Arts"},
		},
	}
	rec, err := Normalize(Credential{RecordID: "r", Doc: doc, Verified: true}, nil)
	require.NoError(t, err)
	require.Equal(t, FormatVC, rec.Format)
	a := rec.Achievements[0]
	require.Equal(t, "Bachelor of Science and Arts", a.Name)
	require.Equal(t, "BachelorDegree", a.Type)
	require.Equal(t, "urn:uuid:deg", a.ID)
	require.Equal(t, date(2019, 6, 30), a.Earned)
	require.Equal(t, "did:web:uni", a.Issuer.ID)
	require.Equal(t, Foundational, a.Skills[0].Category)

	// Nothing named: the type names it.
	doc["credentialSubject"] = map[string]any{"id": "did:example:me", "licenseClass": "B"}
	rec, err = Normalize(Credential{RecordID: "r", Doc: doc, Verified: true}, nil)
	require.NoError(t, err)
	require.Equal(t, "University Degree", rec.Achievements[0].Name)

	// No claims at all: nothing achieved.
	doc["credentialSubject"] = map[string]any{"id": "did:example:me"}
	_, err = Normalize(Credential{RecordID: "r", Doc: doc, Verified: true}, nil)
	require.ErrorIs(t, err, ErrNoAchievement)
}

func TestNormalizeInputs(t *testing.T) {
	b := badge{name: "Teamwork", align: []map[string]any{align("Teamwork", "ESCO", "", "http://data.europa.eu/esco/skill/tw")}}
	fromBytes, err := Normalize(b.cred(t, "r"), nil)
	require.NoError(t, err)

	// The same credential as a decoded map.
	var m map[string]any
	require.NoError(t, json.Unmarshal(b.json(t), &m))
	fromMap, err := Normalize(Credential{RecordID: "r", Doc: m, Verified: true}, nil)
	require.NoError(t, err)
	require.Equal(t, fromBytes, fromMap)

	// As a VC-JWT (1.1: the vc claim; 2.0: the payload itself).
	for _, claims := range []any{map[string]any{"vc": b.doc()}, b.doc()} {
		payload, err := json.Marshal(claims)
		require.NoError(t, err)
		jwt := "eyJhbGciOiJFZERTQSJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"
		fromJWT, err := Normalize(Credential{RecordID: "r", JSON: []byte(jwt), Verified: true}, nil)
		require.NoError(t, err)
		require.Equal(t, fromBytes, fromJWT)
	}
}

func TestNormalizeErrors(t *testing.T) {
	endorsement := `{"type":["VerifiableCredential","EndorsementCredential"],"credentialSubject":{"id":"x","endorsementComment":"good"}}`
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"empty", "", ErrNotJSON},
		{"an array", `[{"type":"VerifiableCredential"}]`, ErrNotJSON},
		{"not JSON", `hello`, ErrNotJSON},
		{"a JWT of garbage", `a.b.c`, ErrNotJSON},
		{"endorsement", endorsement, ErrNoAchievement},
		{"badge with no subject", `{"type":["VerifiableCredential","OpenBadgeCredential"]}`, ErrNoAchievement},
		{"badge without achievement", `{"type":["VerifiableCredential","OpenBadgeCredential"],"credentialSubject":{"id":"x","name":"y"}}`, ErrNoAchievement},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Normalize(Credential{RecordID: "r", JSON: []byte(tc.raw), Verified: true}, nil)
			require.ErrorIs(t, err, tc.want)
		})
	}
	_, err := Normalize(Credential{RecordID: "r", JSON: []byte(`{"a":`), Verified: true}, nil)
	require.ErrorContains(t, err, "read credential: json at offset")
}
