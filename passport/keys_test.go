package passport

import (
	"testing"
	"unicode"

	"github.com/stretchr/testify/require"
)

func TestRefFromAlignment(t *testing.T) {
	tests := []struct {
		name  string
		in    Alignment
		want  SkillRef
		level int
		ok    bool
	}{
		{
			name: "SkillsFuture TSC code: level digit and version dropped from the key",
			in:   Alignment{TargetName: "Quality Assurance", TargetCode: "ICT-DIT-4010-1.1", TargetFramework: "SkillsFuture Skills Framework"},
			want: SkillRef{Key: "sfw:ICT-DIT-010", Name: "Quality Assurance", Framework: FrameworkSkillsFuture,
				Code: "ICT-DIT-4010-1.1", Type: "TSC"},
			level: 4, ok: true,
		},
		{
			name:  "SkillsFuture code recognised by its shape alone, lower case",
			in:    Alignment{TargetName: "QA", TargetCode: "ict-dit-3010-1.1"},
			want:  SkillRef{Key: "sfw:ICT-DIT-010", Name: "QA", Framework: FrameworkSkillsFuture, Code: "ICT-DIT-3010-1.1", Type: "TSC"},
			level: 3, ok: true,
		},
		{
			name: "SkillsFuture by URL host, code of another shape kept whole; CCS from the code",
			in:   Alignment{TargetName: "Communication", TargetCode: "CCS-COM-B", TargetURL: "https://www.skillsfuture.gov.sg/skills-framework/ccs"},
			want: SkillRef{Key: "sfw:CCS-COM-B", Name: "Communication", Framework: FrameworkSkillsFuture, Code: "CCS-COM-B", Type: "CCS"},
			ok:   true,
		},
		{
			name:  "SkillsFuture type from targetType",
			in:    Alignment{TargetName: "Problem Solving", TargetCode: "XYZ-ABC-2001-1.1", TargetFramework: "SFw", TargetType: "CCS"},
			want:  SkillRef{Key: "sfw:XYZ-ABC-001", Name: "Problem Solving", Framework: FrameworkSkillsFuture, Code: "XYZ-ABC-2001-1.1", Type: "CCS"},
			level: 2, ok: true,
		},
		{
			name: "ESCO URI in targetUrl, https and trailing slash normalised, type from targetType",
			in:   Alignment{TargetName: "use spreadsheets software", TargetURL: "https://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be/", TargetType: "ext:ESCOSkill/Competence"},
			want: SkillRef{Key: "esco:http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be", Name: "use spreadsheets software",
				Framework: FrameworkESCO, Code: "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be", Type: "skill/competence"},
			ok: true,
		},
		{
			name: "ESCO URI in targetCode, knowledge",
			in:   Alignment{TargetCode: "http://data.europa.eu/esco/skill/abc", TargetType: "knowledge"},
			want: SkillRef{Key: "esco:http://data.europa.eu/esco/skill/abc", Name: "abc", Framework: FrameworkESCO,
				Code: "http://data.europa.eu/esco/skill/abc", Type: "knowledge"},
			ok: true,
		},
		{
			name: "O*NET element id in targetCode",
			in:   Alignment{TargetName: "Programming", TargetCode: "2.B.3.e", TargetFramework: "O*NET Content Model"},
			want: SkillRef{Key: "onet:2.B.3.e", Name: "Programming", Framework: FrameworkONET, Code: "2.B.3.e", Type: "2.B.3"},
			ok:   true,
		},
		{
			name: "O*NET element id from the URL",
			in:   Alignment{TargetName: "Mathematics", TargetURL: "https://www.onetonline.org/find/descriptor/result/2.C.4.a"},
			want: SkillRef{Key: "onet:2.C.4.a", Name: "Mathematics", Framework: FrameworkONET, Code: "2.C.4.a", Type: "2.C"},
			ok:   true,
		},
		{
			name: "other framework with a code",
			in:   Alignment{TargetName: "Final Project", TargetCode: "project", TargetFramework: "1EdTech University Program and Course Catalog", TargetURL: "https://1edtech.edu/catalog/degree/project"},
			want: SkillRef{Key: "fw:1edtech university program and course catalog#project", Name: "Final Project",
				Framework: "1EdTech University Program and Course Catalog", Code: "project"},
			ok: true,
		},
		{
			name: "URL alone",
			in:   Alignment{TargetURL: "HTTPS://Example.org/skills/sql/?v=2"},
			want: SkillRef{Key: "url:example.org/skills/sql", Name: "sql"},
			ok:   true,
		},
		{
			name: "name alone",
			in:   Alignment{TargetName: "  Data  Visualisation! "},
			want: SkillRef{Key: "name:data visualisation", Name: "Data  Visualisation!"},
			ok:   true,
		},
		{name: "rubric level is not a skill", in: Alignment{TargetName: "Mastered", TargetURL: "https://x/levels/m", TargetType: "CFRubricCriterionLevel"}},
		{name: "nothing usable", in: Alignment{TargetFramework: "Something"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RefFromAlignment(tc.in)
			require.Equal(t, tc.ok, ok)
			if !ok {
				return
			}
			require.Equal(t, tc.level, got.ImpliedLevel)
			got.ImpliedLevel = 0
			require.Equal(t, tc.want, got)
		})
	}
}

func TestSameSkillAcrossLevelsAndVersions(t *testing.T) {
	a, _ := RefFromAlignment(Alignment{TargetCode: "ICT-DIT-3010-1.1", TargetFramework: "SkillsFuture"})
	b, _ := RefFromAlignment(Alignment{TargetCode: "ICT-DIT-5010-2.0", TargetFramework: "SkillsFuture"})
	c, _ := RefFromAlignment(Alignment{TargetCode: "ICT-DIT-3011-1.1", TargetFramework: "SkillsFuture"})
	require.Equal(t, a.Key, b.Key)
	require.NotEqual(t, a.Key, c.Key)
}

func TestNormName(t *testing.T) {
	tests := map[string]string{
		"Teamwork":                  "teamwork",
		"  Data -- Analytics (SQL)": "data analytics sql",
		"already normal":            "already normal",
		"Ünïcödé Straße":            "ünïcödé straße",
		"C++ & C#":                  "c c",
		"":                          "",
		"!!!":                       "",
	}
	for in, want := range tests {
		require.Equal(t, want, normName(in), "normName(%q)", in)
	}
	long := ""
	for range 40 {
		long += "Word "
	}
	require.Equal(t, 40*5-1, len(normName(long)), "long names are folded whole")
}

func FuzzNormName(f *testing.F) {
	f.Add("Data Analytics")
	f.Add("Ünïcödé\u0130 -- x")
	f.Fuzz(func(t *testing.T, s string) {
		// The folded fast path agrees with the plain definition.
		var want []rune
		space := false
		for _, r := range s {
			if isWordRune(r) {
				if space && len(want) > 0 {
					want = append(want, ' ')
				}
				space = false
				want = append(want, toLower(r))
			} else {
				space = true
			}
		}
		require.Equal(t, string(want), normName(s))
	})
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func toLower(r rune) rune { return unicode.ToLower(r) }
