package pdf

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/passport"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

var at = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// skill makes a skill view in category c.
func skill(name string, c passport.Category, level string, n int) passport.SkillView {
	return passport.SkillView{
		Key: "name:" + name, Name: name, Category: c, CategoryLabel: c.Label(),
		Level:         passport.Level{Value: 0.5, Label: level},
		Issuers:       []passport.Issuer{{ID: "did:web:college.example", Name: "Riverside College"}},
		EvidenceCount: n, LastEvidenced: at.AddDate(0, -3, 0),
		Freshness: passport.Freshness{State: passport.Fresh},
	}
}

func smallView() passport.View {
	return passport.View{
		GeneratedAt: at, Credentials: 3,
		Skills: []passport.SkillView{
			skill("Data Analytics", passport.Functional, "Proficiency 3", 2),
			skill("Teamwork (peer-rated)", passport.Leadership, "Gold", 1),
			skill("Statistics", passport.Foundational, "Level 2", 1),
		},
		Pathways: []passport.Progress{{ID: "cdp", Name: "Certified Data Practitioner", Met: 3, Needed: 4, Total: 4,
			Summary: "3 of 4 toward Certified Data Practitioner"}},
		Expiring: []passport.Expiring{{Name: "First Aid", Issuer: passport.Issuer{Name: "Red Cross"},
			ValidUntil: at.AddDate(0, 0, 20), DaysLeft: 20}},
		Gaps: &passport.GapReport{Role: "Data Analyst", Percent: 50, Met: 1, Missing: 1, Skills: []passport.Gap{
			{Name: "Data Analytics", Status: passport.GapMet}, {Name: "SQL", Status: passport.GapMissing},
		}},
	}
}

// bigView has more of everything than one page holds.
func bigView(skills, pathways, expiring, gaps int) passport.View {
	v := passport.View{GeneratedAt: at, Credentials: skills}
	for i := range skills {
		v.Skills = append(v.Skills, skill(fmt.Sprintf("Skill number %03d", i), passport.Categories[i*4/max(skills, 1)], "Level 1", 1))
	}
	for i := range pathways {
		v.Pathways = append(v.Pathways, passport.Progress{Name: fmt.Sprintf("Pathway %03d", i), Met: i % 3, Needed: 2, Total: 3,
			Summary: fmt.Sprintf("%d of 2 toward Pathway %03d", i%3, i), Complete: i%3 == 2})
	}
	for i := range expiring {
		v.Expiring = append(v.Expiring, passport.Expiring{Name: fmt.Sprintf("Licence %03d", i), ValidUntil: at.AddDate(0, 0, i), DaysLeft: i})
	}
	if gaps > 0 {
		v.Gaps = &passport.GapReport{Role: "Everything engineer"}
		for i := range gaps {
			v.Gaps.Skills = append(v.Gaps.Skills, passport.Gap{Name: fmt.Sprintf("Required %03d", i), Status: passport.GapMissing})
		}
	}
	return v
}

func render(t *testing.T, s Summary, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Write(&buf, s, opts))
	return buf.Bytes()
}

var (
	pageObj   = regexp.MustCompile(`/Type\s*/Page[^s]`)
	pagesObj  = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)`)
	startxref = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	streamRE  = regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
)

// checkStructure checks the header, the trailer (startxref points at the
// cross-reference table) and that the document has exactly one page.
func checkStructure(t *testing.T, b []byte) {
	t.Helper()
	require.True(t, bytes.HasPrefix(b, []byte("%PDF-1.")), "PDF header")
	m := startxref.FindSubmatch(b)
	require.NotNil(t, m, "startxref and %%EOF at the end")
	off, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	require.Less(t, off, len(b))
	require.True(t, bytes.HasPrefix(b[off:], []byte("xref")), "startxref points at the xref table")
	require.Contains(t, string(b), "trailer")
	require.Len(t, pageObj.FindAll(b, -1), 1, "exactly one page object")
	c := pagesObj.FindSubmatch(b)
	require.NotNil(t, c, "a page tree with a count")
	require.Equal(t, "1", string(c[1]))
}

// contentText returns every stream of the document, inflated when
// compressed.
func contentText(t *testing.T, b []byte) string {
	t.Helper()
	var out bytes.Buffer
	for _, m := range streamRE.FindAllSubmatch(b, -1) {
		data := m[1]
		if r, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			if plain, err := io.ReadAll(r); err == nil {
				data = plain
			}
		}
		out.Write(data)
		out.WriteByte('\n')
	}
	return out.String()
}

func TestWriteOnePage(t *testing.T) {
	tests := []struct {
		name    string
		summary Summary
		opts    Options
		want    []string
		notWant []string
	}{
		{
			name:    "small, uncompressed",
			summary: Summary{HolderName: "Ana Lim", HolderDID: "did:key:z6MkLearner", View: smallView()},
			opts:    Options{Uncompressed: true},
			want: []string{"(Data Analytics)", `(Teamwork \(peer-rated\))`, "(Statistics)", "Proficiency 3",
				"Ana Lim", "did:key:z6MkLearner", "3 of 4 toward Certified Data Practitioner", "(First Aid)",
				"Against Data Analyst: 50% match", "(SQL)", "Functional / Technical", "2026-06-01"},
			notWant: []string{"more skills"},
		},
		{
			name:    "small, compressed",
			summary: Summary{View: smallView()},
			want:    []string{"(Data Analytics)", "(Statistics)", "Riverside College"},
		},
		{
			name:    "no skills",
			summary: Summary{View: passport.View{GeneratedAt: at}},
			opts:    Options{Uncompressed: true},
			want:    []string{"No verified skills yet."},
		},
		{
			name:    "many skills",
			summary: Summary{View: bigView(300, 0, 0, 0)},
			opts:    Options{Uncompressed: true},
			want:    []string{"(Skill number 000)", "more skills)"},
			notWant: []string{"(Skill number 299)"},
		},
		{
			name:    "long everything",
			summary: Summary{View: bigView(200, 40, 40, 60)},
			want:    []string{"(Skill number 000)", "more skills)", "toward Pathway 000)", "more pathways)", "(Licence 000)", "more credentials)", "(Required 000)", "more required skills)"},
			notWant: []string{"toward Pathway 039", "(Licence 039)", "(Required 059)"},
		},
		{
			name:    "short lists stay whole beside a long one",
			summary: Summary{View: bigView(200, 2, 0, 0)},
			opts:    Options{Uncompressed: true},
			want:    []string{"0 of 2 toward Pathway 000", "1 of 2 toward Pathway 001", "more skills)"},
			notWant: []string{"more pathways"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := render(t, tc.summary, tc.opts)
			checkStructure(t, b)
			text := contentText(t, b)
			if tc.opts.Uncompressed {
				require.Contains(t, string(b), tc.want[0], "the content stream is in the clear")
			}
			for _, w := range tc.want {
				require.Contains(t, text, w)
			}
			for _, w := range tc.notWant {
				require.NotContains(t, text, w)
			}
		})
	}
}

// TestWriteCountsMore: the "and N more" row counts exactly the skills not
// printed.
func TestWriteCountsMore(t *testing.T) {
	b := render(t, Summary{View: bigView(120, 0, 0, 0)}, Options{Uncompressed: true})
	text := contentText(t, b)
	shown := len(regexp.MustCompile(`\(Skill number \d{3}\)`).FindAllString(text, -1))
	require.Greater(t, shown, 20)
	require.Less(t, shown, 120)
	require.Contains(t, text, fmt.Sprintf("(and %d more skills)", 120-shown))
}

// TestWriteText: text outside Windows-1252 and control characters do not
// break the page; long names are cut with an ellipsis.
func TestWriteText(t *testing.T) {
	v := smallView()
	v.Skills[0].Name = "Análisis de datos\n\x00 " + string(bytes.Repeat([]byte("très long "), 30)) + "数据"
	b := render(t, Summary{HolderName: "Zoë Ó Súilleabháin", View: v}, Options{Uncompressed: true})
	checkStructure(t, b)
	text := contentText(t, b)
	require.Contains(t, text, "(An\xe1lisis de datos tr\xe8s long")
	require.Contains(t, text, "\x85)", "a cut name ends with an ellipsis")
	require.Contains(t, text, "Zo\xeb \xd3 S\xfailleabh\xe1in")
	require.NotContains(t, text, "\x00")
}

// TestWriteDeterministic: the same summary gives the same bytes.
func TestWriteDeterministic(t *testing.T) {
	s := Summary{HolderName: "Ana", View: smallView()}
	require.Equal(t, render(t, s, Options{}), render(t, s, Options{}))
}

func TestShare(t *testing.T) {
	tests := []struct {
		want     []int
		capacity int
		got      []int
	}{
		{[]int{3, 2}, 10, []int{3, 2}},
		{[]int{100, 2}, 10, []int{8, 2}},
		{[]int{100, 100}, 10, []int{5, 5}},
		{[]int{100, 100}, 11, []int{6, 5}},
		{[]int{100, 3, 100}, 10, []int{4, 3, 3}},
		{[]int{5}, 0, []int{0}},
		{nil, 5, []int{}},
	}
	for _, tc := range tests {
		got := share(tc.want, tc.capacity)
		require.Equal(t, tc.got, got, "share(%v, %d)", tc.want, tc.capacity)
		sum := 0
		for _, n := range got {
			sum += n
		}
		require.LessOrEqual(t, sum, tc.capacity)
	}
}
