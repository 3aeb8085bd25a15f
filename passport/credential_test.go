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
		v    Verdict
		want error
	}{
		{"verified", Verdict{Verified: true, Status: "ok"}, nil},
		{"verified without status", Verdict{Verified: true}, nil},
		{"revoked, whatever else", Verdict{Verified: true, Status: "revoked"}, ErrRevoked},
		{"suspended", Verdict{Signature: "ok", Validity: "expired", Status: "suspended"}, ErrRevoked},
		{"expired but genuine: counts", Verdict{Signature: "ok", Validity: "expired", Status: "none", IssuerCheck: "confirmed"}, nil},
		{"expired, status unknown: counts", Verdict{Signature: "ok", Validity: "expired", Status: "unknown"}, nil},
		{"status unknown (offline): counts", Verdict{Signature: "ok", Validity: "ok", Status: "unknown", IssuerCheck: "unconfirmed"}, nil},
		{"status unknown, bad signature", Verdict{Signature: "invalid", Validity: "ok", Status: "unknown"}, ErrUnverified},
		{"expired, bad signature", Verdict{Signature: "invalid", Validity: "expired", Status: "ok"}, ErrUnverified},
		{"expired, issuer mismatch", Verdict{Signature: "ok", Validity: "expired", Status: "ok", IssuerCheck: "mismatch"}, ErrUnverified},
		{"not yet valid", Verdict{Signature: "ok", Validity: "not-yet-valid", Status: "ok"}, ErrUnverified},
		{"no verdict at all", Verdict{}, ErrUnverified},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.v.Counts(), tc.want)
			if tc.want == nil {
				require.NoError(t, tc.v.Counts())
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
	rec, err := Normalize(b.cred(t, "rec-1"))
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
	rec, err := Normalize(badge{name: "Python Gold", achType: "Badge"}.cred(t, "r"))
	require.NoError(t, err)
	a := rec.Achievements[0]
	require.Equal(t, "Python Gold", a.Name)
	require.Len(t, a.Skills, 1)
	require.Equal(t, "name:python", a.Skills[0].Ref.Key)
	require.Equal(t, "Python", a.Skills[0].Ref.Name)
	require.Equal(t, Level{Value: 1, Label: "Gold", Scale: ScaleMedal}, a.Skills[0].Level)

	// A level tag works the same way.
	rec, err = Normalize(badge{name: "Excel", tags: []string{"office", "Level 2"}}.cred(t, "r"))
	require.NoError(t, err)
	require.Equal(t, Level{Value: 0.6667, Label: "Level 2", Scale: ScaleLevel}, rec.Achievements[0].Skills[0].Level)
}

func TestSameSkillFromSeveralIssuers(t *testing.T) {
	// Three issuers evidence one SkillsFuture TSC at proficiency 3, 5 and 4
	// (the level digit of each code), one of them twice: one skill, four
	// pieces of evidence, every issuer, and the code, name and label of the
	// best evidence, in whatever order the credentials arrive.
	qa := func(name, issuer, code, alignedName string) badge {
		return badge{name: name, issuerID: "did:web:" + issuer, issuerName: issuer,
			align: []map[string]any{sfwAlign(alignedName, code)}}
	}
	creds := []Credential{
		qa("QA Basics", "A", "ICT-DIT-3010-1.1", "QA").cred(t, "1"),
		qa("QA Lead", "B", "ICT-DIT-5010-1.1", "Quality Assurance").cred(t, "2"),
		qa("QA Practice", "C", "ICT-DIT-4010-1.1", "QA practice").cred(t, "3"),
		qa("QA again", "A", "ICT-DIT-3010-1.1", "QA").cred(t, "4"),
	}
	orders := []struct {
		name  string
		order []int
	}{
		{"best second", []int{0, 1, 2, 3}},
		{"best first", []int{1, 0, 2, 3}},
		{"best last", []int{0, 2, 3, 1}},
	}
	for _, tc := range orders {
		t.Run(tc.name, func(t *testing.T) {
			var in []Credential
			for _, i := range tc.order {
				in = append(in, creds[i])
			}
			p := Build(entries(t, in), Options{Now: clock(2026, 1, 1)})
			v := p.Skills()
			require.Len(t, v, 1)
			s := v[0]
			require.Equal(t, "sfw:ICT-DIT-010", s.Key)
			require.Equal(t, 4, s.EvidenceCount)
			require.Equal(t, Level{Value: 0.8333, Label: "Proficiency 5 (from code)", Scale: ScaleProficiency}, s.Level)
			require.Equal(t, "ICT-DIT-5010-1.1", s.Code, "the code of the level shown")
			require.Equal(t, "Quality Assurance", s.Name)
			require.Equal(t, "TSC", s.Type)
			require.ElementsMatch(t, []Issuer{{ID: "did:web:A", Name: "A"}, {ID: "did:web:B", Name: "B"},
				{ID: "did:web:C", Name: "C"}}, s.Issuers)
			codes := map[string]string{}
			for _, e := range s.Evidence {
				codes[e.RecordID] = e.Code
			}
			require.Equal(t, map[string]string{"1": "ICT-DIT-3010-1.1", "2": "ICT-DIT-5010-1.1",
				"3": "ICT-DIT-4010-1.1", "4": "ICT-DIT-3010-1.1"}, codes, "each piece keeps its own code")
		})
	}
}

func TestBestEvidenceTies(t *testing.T) {
	// Equal levels: the newest evidence is the best; equal dates too: the
	// first added.
	silver := func(name, from string) badge {
		return badge{name: name, validFrom: from,
			results: []map[string]any{{"alignment": []any{align(name, "Catalog", "TW", "")}, "value": "Silver"}}}
	}
	tests := []struct {
		name  string
		creds []Credential
		want  string
	}{
		{"newest of equals", []Credential{silver("Teamwork (2022)", "2022-01-01T00:00:00Z").cred(t, "old"),
			silver("Teamwork (2024)", "2024-01-01T00:00:00Z").cred(t, "new")}, "Teamwork (2024)"},
		{"newest of equals, other order", []Credential{silver("Teamwork (2024)", "2024-01-01T00:00:00Z").cred(t, "new"),
			silver("Teamwork (2022)", "2022-01-01T00:00:00Z").cred(t, "old")}, "Teamwork (2024)"},
		{"first of the same day", []Credential{silver("Teamwork A", "2024-01-01T00:00:00Z").cred(t, "a"),
			silver("Teamwork B", "2024-01-01T00:00:00Z").cred(t, "b")}, "Teamwork A"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Build(entries(t, tc.creds), Options{Now: clock(2026, 1, 1)})
			s := skillByKey(t, p.Skills(), "fw:catalog#tw")
			require.Equal(t, tc.want, s.Name)
			require.Equal(t, "Silver", s.Level.Label)
		})
	}
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
	rec, err := Normalize(Credential{RecordID: "clr", JSON: raw})
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
	rec, err := Normalize(Credential{RecordID: "r", Doc: doc})
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
	rec, err = Normalize(Credential{RecordID: "r", Doc: doc})
	require.NoError(t, err)
	require.Equal(t, "University Degree", rec.Achievements[0].Name)

	// No claims at all: nothing achieved.
	doc["credentialSubject"] = map[string]any{"id": "did:example:me"}
	_, err = Normalize(Credential{RecordID: "r", Doc: doc})
	require.ErrorIs(t, err, ErrNoAchievement)
}

func TestNormalizeInputs(t *testing.T) {
	b := badge{name: "Teamwork", align: []map[string]any{align("Teamwork", "ESCO", "", "http://data.europa.eu/esco/skill/tw")}}
	fromBytes, err := Normalize(b.cred(t, "r"))
	require.NoError(t, err)

	// The same credential as a decoded map.
	var m map[string]any
	require.NoError(t, json.Unmarshal(b.json(t), &m))
	fromMap, err := Normalize(Credential{RecordID: "r", Doc: m})
	require.NoError(t, err)
	require.Equal(t, fromBytes, fromMap)

	// As a VC-JWT (1.1: the vc claim; 2.0: the payload itself).
	for _, claims := range []any{map[string]any{"vc": b.doc()}, b.doc()} {
		payload, err := json.Marshal(claims)
		require.NoError(t, err)
		jwt := "eyJhbGciOiJFZERTQSJ9." + base64.RawURLEncoding.EncodeToString(payload) + ".c2ln"
		fromJWT, err := Normalize(Credential{RecordID: "r", JSON: []byte(jwt)})
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
			_, err := Normalize(Credential{RecordID: "r", JSON: []byte(tc.raw)})
			require.ErrorIs(t, err, tc.want)
		})
	}
	_, err := Normalize(Credential{RecordID: "r", JSON: []byte(`{"a":`)})
	require.ErrorContains(t, err, "read credential: unexpected EOF")
	_, err = Normalize(Credential{RecordID: "r", JSON: []byte(`{"a":1} {}`)})
	require.ErrorContains(t, err, "read credential: data after the JSON value")
}
