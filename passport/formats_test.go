package passport

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sample reads a public sample kept in the repository's testdata.
func sample(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

func TestNormalizeOtherFormats(t *testing.T) {
	tests := []struct {
		file       string
		format     string
		issuerID   string
		achName    string
		skillKeys  []string
		validFrom  time.Time
		categories []Category
	}{
		{
			file: "ob20/basic-assertion.json", format: FormatOB2, achName: "Robotics Badge",
			skillKeys: []string{"name:robotics badge"}, validFrom: time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC),
			categories: []Category{Functional},
		},
		{
			file: "ob20/simple.jwt", format: FormatOB2, achName: "Robotics Badge",
			skillKeys: []string{"name:robotics badge"}, validFrom: time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC),
			categories: []Category{Functional},
		},
		{
			file: "europass/Sample-MC-Annex1-signed.jsonld", format: FormatEuropass,
			issuerID: "urn:epass:org:1f0de2587-9348-4fa9-b4d7-a77e34a9ac8a", achName: "Digital micro-credential creation",
			skillKeys: []string{
				"esco:http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9",
				"esco:http://data.europa.eu/esco/skill/80f308e6-0e09-404a-80cd-ec5f50f6f304",
				"esco:http://data.europa.eu/esco/skill/326809fc-238d-40c2-881e-40042f7f2f0d",
				"esco:http://data.europa.eu/esco/skill/5fd5c985-eaaa-47aa-8314-62359c54505a",
				// relatedSkill: DigComp competences, kept by URL
				"url:data.europa.eu/snb/dcf/u69o196gu6",
				"url:data.europa.eu/snb/dcf/3ol5wi3605",
			},
			validFrom:  time.Date(2022, 12, 31, 23, 0, 0, 0, time.UTC),
			categories: []Category{Functional},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec, err := Normalize(Credential{RecordID: "r1", JSON: sample(t, tt.file)})
			require.NoError(t, err)
			require.NoError(t, rec.Validate())
			require.Equal(t, tt.format, rec.Format)
			require.Equal(t, tt.issuerID, rec.Issuer.ID)
			require.Equal(t, tt.validFrom, rec.ValidFrom)
			require.Len(t, rec.Achievements, 1)
			a := rec.Achievements[0]
			require.Equal(t, tt.achName, a.Name)
			var keys []string
			cats := map[Category]bool{}
			for _, s := range a.Skills {
				keys = append(keys, s.Ref.Key)
				cats[s.Category] = true
			}
			require.ElementsMatch(t, tt.skillKeys, keys)
			for _, c := range tt.categories {
				require.True(t, cats[c], "category %s", c)
			}
		})
	}
}

func TestNormalizeEuropassESCONames(t *testing.T) {
	rec, err := Normalize(Credential{RecordID: "r1", JSON: sample(t, "europass/Sample-MC-Annex1-signed.jsonld")})
	require.NoError(t, err)
	names := map[string]string{}
	for _, s := range rec.Achievements[0].Skills {
		names[s.Ref.Key] = s.Ref.Name
		if strings.HasPrefix(s.Ref.Key, "esco:") {
			require.Equal(t, FrameworkESCO, s.Ref.Framework)
		}
	}
	require.Equal(t, "stimulate creativity in the team", names["esco:http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9"])
	require.Equal(t, "ORGANIZACION TEST", rec.Issuer.Name)
}

func TestNormalizeCLRSampleAssociations(t *testing.T) {
	rec, err := Normalize(Credential{RecordID: "r1", JSON: sample(t, "clr20/complex.json")})
	require.NoError(t, err)
	require.Equal(t, FormatCLR, rec.Format)
	require.Len(t, rec.Associations, 5)
	types := map[string]int{}
	for _, a := range rec.Associations {
		types[a.Type]++
	}
	require.Equal(t, map[string]int{"isParentOf": 4, "isPartOf": 1}, types)
	require.NotEmpty(t, rec.Achievements)
}

func TestNormalizeEuropassUnsealedClaim(t *testing.T) {
	// The Europass upload form wraps the credential; the wallet stores the
	// credential inside, which is what Normalize is given.
	doc := decodeSample(t, "europass/Sample-CertOfPart-unsigned-uploadable.json")
	inner, ok := doc["credential"].(map[string]any)
	require.True(t, ok)
	rec, err := Normalize(Credential{RecordID: "r2", Doc: inner})
	require.NoError(t, err)
	require.Equal(t, FormatEuropass, rec.Format)
	require.Equal(t, "EDC Updates Webinar", rec.Achievements[0].Name)
}

func decodeSample(t testing.TB, path string) map[string]any {
	t.Helper()
	v, err := decodeJSON(sample(t, path))
	require.NoError(t, err)
	m, ok := v.(map[string]any)
	require.True(t, ok)
	return m
}

// A CLR's associations give the passport a pathway (stacking).
func TestCLRSamplePathway(t *testing.T) {
	rec, err := Normalize(Credential{RecordID: "r1", JSON: sample(t, "clr20/complex.json")})
	require.NoError(t, err)
	p := Build([]Entry{{Record: &rec, Verdict: Verdict{Verified: true, Signature: "ok", Validity: "ok", Status: "none",
		IssuerCheck: "unconfirmed"}}}, Options{Now: func() time.Time { return date(2026, 1, 1) }})
	var clr []Progress
	for _, pr := range p.Pathways() {
		if pr.Source == SourceCLR {
			clr = append(clr, pr)
		}
	}
	require.NotEmpty(t, clr)
	require.Positive(t, clr[0].Total)
}
