package sfw

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
)

// noNetwork fails the test binary if anything tries HTTP.
type noNetwork struct{ calls atomic.Int64 }

func (n *noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.calls.Add(1)
	fmt.Fprintf(os.Stderr, "test touched the network: %s\n", r.URL)
	return nil, fmt.Errorf("network forbidden in tests: %s", r.URL)
}

func TestMain(m *testing.M) {
	nn := &noNetwork{}
	http.DefaultTransport = nn
	http.DefaultClient.Transport = nn
	code := m.Run()
	if nn.calls.Load() > 0 {
		fmt.Fprintf(os.Stderr, "%d network calls during tests\n", nn.calls.Load())
		code = 3
	}
	os.Exit(code)
}

// book builds a minimal valid .xlsx in the official sheet's layout. Each row
// is a list of cells; a cell is text (stored as a shared string), or with a
// prefix: "=" a number, "~" an inline string, "" an absent cell.
type book struct {
	sheetName string
	rows      [][]string
	// parts replaces or adds zip parts by name.
	parts map[string]string
	// rich is stored as two rich-text runs with a phonetic hint between
	// them.
	rich string
}

func (b book) bytes(t testing.TB) []byte {
	t.Helper()
	var sst []string
	index := map[string]int{}
	var sheet strings.Builder
	sheet.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	for i, row := range b.rows {
		fmt.Fprintf(&sheet, `<row r="%d">`, i+1)
		for j, v := range row {
			ref := fmt.Sprintf("%c%d", 'A'+j, i+1)
			switch {
			case v == "":
			case strings.HasPrefix(v, "="):
				fmt.Fprintf(&sheet, `<c r="%s"><v>%s</v></c>`, ref, v[1:])
			case strings.HasPrefix(v, "~"):
				fmt.Fprintf(&sheet, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(v[1:]))
			default:
				k, ok := index[v]
				if !ok {
					k = len(sst)
					index[v] = k
					sst = append(sst, v)
				}
				fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
			}
		}
		sheet.WriteString(`</row>`)
	}
	sheet.WriteString(`</sheetData></worksheet>`)

	var ss strings.Builder
	fmt.Fprintf(&ss, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(sst), len(sst))
	for _, s := range sst {
		if s == b.rich && len(s) > 5 {
			fmt.Fprintf(&ss, `<si><r><rPr><b/></rPr><t>%s</t></r><rPh sb="0" eb="1"><t>ignored</t></rPh><r><t xml:space="preserve">%s</t></r></si>`,
				xmlEscape(s[:5]), xmlEscape(s[5:]))
			continue
		}
		fmt.Fprintf(&ss, `<si><t>%s</t></si>`, xmlEscape(s))
	}
	ss.WriteString(`</sst>`)

	name := b.sheetName
	if name == "" {
		name = SheetName
	}
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>` +
			`</Types>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
			`<sheet name="Read Me" sheetId="1" r:id="rId9"/>` +
			`<sheet name="` + xmlEscape(name) + `" sheetId="2" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/readme.xml"/>` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
			`</Relationships>`,
		"xl/worksheets/sheet1.xml": sheet.String(),
		"xl/sharedStrings.xml":     ss.String(),
	}
	for k, v := range b.parts {
		if v == "" {
			delete(parts, k)
		} else {
			parts[k] = v
		}
	}
	return zipOf(t, parts)
}

func zipOf(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"} {
		if body, ok := parts[name]; ok {
			w, err := zw.Create(name)
			require.NoError(t, err)
			_, err = w.Write([]byte(body))
			require.NoError(t, err)
			delete(parts, name)
		}
	}
	for name, body := range parts {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

var header = []string{"Sector", "Track", "Job Role", "Remarks", "TSC_CCS Title", "TSC_CCS Code", "TSC_CCS Type", "Proficiency Level"}

// sample is a small framework: two ICT job roles, a Data Analyst in
// Financial Services too, a title row above the header, an extra column, a
// blank row, inline strings, numbers, a sparse row and a rich-text string.
func sample() book {
	return book{rich: "Data Visualisation", rows: [][]string{
		{"Skills Framework (test data written for these tests)"},
		{},
		header,
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "", "Data Visualisation", "ICT-DIT-3007-1.1", "TSC", "=3"},
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "", "~Quality Assurance", "ICT-DIT-3010-1.1", "TSC", "~4"},
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst", "note", "Communication", "CCS-COM-I", "CCS", "Intermediate"},
		{},
		{"Infocomm Technology", "", "Data Engineer", "", "Data Engineering", "ICT-DIT-4005-1.1", "TSC", "=4.0"},
		{"Financial Services", "Data", "Data Analyst", "", "Data Visualisation", "ICT-DIT-2007-1.1", "TSC", "Level 2"},
	}}
}

func TestRead(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample().bytes(t)), int64(len(sample().bytes(t))), Limits{})
	require.NoError(t, err)
	require.Equal(t, []Row{
		{Sector: "Infocomm Technology", Track: "Data and Artificial Intelligence", JobRole: "Data Analyst",
			Title: "Data Visualisation", Code: "ICT-DIT-3007-1.1", Type: "TSC", Proficiency: "3", Line: 4},
		{Sector: "Infocomm Technology", Track: "Data and Artificial Intelligence", JobRole: "Data Analyst",
			Title: "Quality Assurance", Code: "ICT-DIT-3010-1.1", Type: "TSC", Proficiency: "4", Line: 5},
		{Sector: "Infocomm Technology", Track: "Data and Artificial Intelligence", JobRole: "Data Analyst",
			Title: "Communication", Code: "CCS-COM-I", Type: "CCS", Proficiency: "Intermediate", Line: 6},
		{Sector: "Infocomm Technology", Track: "", JobRole: "Data Engineer",
			Title: "Data Engineering", Code: "ICT-DIT-4005-1.1", Type: "TSC", Proficiency: "4.0", Line: 8},
		{Sector: "Financial Services", Track: "Data", JobRole: "Data Analyst",
			Title: "Data Visualisation", Code: "ICT-DIT-2007-1.1", Type: "TSC", Proficiency: "Level 2", Line: 9},
	}, fw.Rows)

	// Through a file system too.
	fsys := fstest.MapFS{"sfw.xlsx": {Data: sample().bytes(t)}}
	fw2, err := ReadFile(fsys, "sfw.xlsx", Limits{})
	require.NoError(t, err)
	require.Equal(t, fw.Rows, fw2.Rows)
}

func TestCatalog(t *testing.T) {
	fw, err := ReadFile(fstest.MapFS{"f.xlsx": {Data: sample().bytes(t)}}, "f.xlsx", Limits{})
	require.NoError(t, err)
	cat := fw.Catalog()
	require.Len(t, cat, 4, "levels 2 and 3 of Data Visualisation are one skill")
	require.Equal(t, passport.CatalogEntry{Ref: passport.SkillRef{Key: "sfw:CCS-COM-I", Name: "Communication",
		Framework: passport.FrameworkSkillsFuture, Code: "CCS-COM-I", Type: "CCS"}, Sector: "Infocomm Technology"}, cat["sfw:CCS-COM-I"])
	require.Equal(t, "Data Visualisation", cat["sfw:ICT-DIT-007"].Ref.Name)

	// In a passport: a badge aligned by code alone gets the title, the CCS
	// type (so its category) from the catalog.
	b := []byte(`{"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:web:x"},
		"validFrom":"2025-05-01T00:00:00Z","credentialSubject":{"achievement":{"id":"urn:a","name":"Workshop",
		"alignment":[{"targetCode":"CCS-COM-I","targetFramework":"SkillsFuture"},{"targetCode":"ICT-DIT-3007-1.1","targetFramework":"SkillsFuture"}]}}}`)
	p := passport.BuildCredentials([]passport.Credential{{RecordID: "1", JSON: b, Verdict: passport.Verdict{Verified: true}}},
		passport.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, Catalog: cat})
	skills := p.Skills()
	require.Len(t, skills, 2)
	byKey := map[string]passport.SkillView{}
	for _, s := range skills {
		byKey[s.Key] = s
	}
	require.Equal(t, "Communication", byKey["sfw:CCS-COM-I"].Name)
	require.Equal(t, passport.Leadership, byKey["sfw:CCS-COM-I"].Category)
	require.Equal(t, "Data Visualisation", byKey["sfw:ICT-DIT-007"].Name)
	require.Equal(t, passport.Functional, byKey["sfw:ICT-DIT-007"].Category)
	require.Equal(t, passport.FieldFast, byKey["sfw:ICT-DIT-007"].Freshness.Field)
}

func TestRole(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample().bytes(t)), int64(len(sample().bytes(t))), Limits{})
	require.NoError(t, err)

	_, err = fw.Role("data analyst")
	require.ErrorIs(t, err, ErrAmbiguousRole)
	require.ErrorContains(t, err, "Financial Services / Data / Data Analyst; Infocomm Technology / Data and Artificial Intelligence / Data Analyst")

	r, err := fw.Role("Infocomm Technology / Data Analyst")
	require.NoError(t, err)
	require.Equal(t, "Data Analyst", r.Name)
	require.Equal(t, "Infocomm Technology", r.Sector)
	require.Equal(t, "sfw:Infocomm Technology / Data and Artificial Intelligence / Data Analyst", r.ID)
	require.Len(t, r.Skills, 3)
	require.Equal(t, "sfw:ICT-DIT-007", r.Skills[0].Ref.Key)
	require.Equal(t, passport.Proficiency(3), *r.Skills[0].MinLevel)
	require.Equal(t, passport.Proficiency(4), *r.Skills[1].MinLevel)
	require.Equal(t, 0.6667, r.Skills[2].MinLevel.Value, "Intermediate of Basic/Intermediate/Advanced")

	r, err = fw.Role("  financial services / DATA / data   analyst ")
	require.NoError(t, err)
	require.Equal(t, passport.Level{Value: 0.3333, Label: "Level 2", Scale: passport.ScaleProficiency}, *r.Skills[0].MinLevel)

	r, err = fw.Role("Data Engineer")
	require.NoError(t, err)
	require.Equal(t, passport.Proficiency(4), *r.Skills[0].MinLevel, `"4.0" is proficiency 4`)

	for _, name := range []string{"Astronaut", "", "a/b/c/d", "Infocomm Technology /"} {
		_, err = fw.Role(name)
		require.ErrorIs(t, err, ErrNoRole, name)
	}
	require.Equal(t, []JobRole{
		{"Financial Services", "Data", "Data Analyst"},
		{"Infocomm Technology", "", "Data Engineer"},
		{"Infocomm Technology", "Data and Artificial Intelligence", "Data Analyst"},
	}, fw.JobRoles())
}

func TestRoleGapsEndToEnd(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample().bytes(t)), int64(len(sample().bytes(t))), Limits{})
	require.NoError(t, err)
	role, err := fw.Role("Infocomm Technology/Data Analyst")
	require.NoError(t, err)
	b := []byte(`{"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:web:x"},
		"validFrom":"2025-05-01T00:00:00Z","credentialSubject":{"achievement":{"id":"urn:a","name":"Dashboards",
		"alignment":[{"targetCode":"ICT-DIT-4007-1.1","targetFramework":"SkillsFuture"},{"targetCode":"ICT-DIT-2010-1.1","targetFramework":"SkillsFuture"}]}}}`)
	p := passport.BuildCredentials([]passport.Credential{{RecordID: "1", JSON: b, Verdict: passport.Verdict{Verified: true}}},
		passport.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, Catalog: fw.Catalog()})
	g := p.Gaps(role)
	require.Equal(t, []passport.GapStatus{passport.GapMet, passport.GapBelow, passport.GapMissing},
		[]passport.GapStatus{g.Skills[0].Status, g.Skills[1].Status, g.Skills[2].Status})
	require.Equal(t, 0.5, g.Skills[1].Credit, "proficiency 2 of the 4 required")
	require.Equal(t, 50, g.Percent)
}

func TestReadErrors(t *testing.T) {
	deep := `<worksheet><sheetData>` + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + `</sheetData></worksheet>`
	var manyRows strings.Builder
	manyRows.WriteString(`<worksheet><sheetData>`)
	for range 50 {
		manyRows.WriteString(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`)
	}
	manyRows.WriteString(`</sheetData></worksheet>`)
	// A zip bomb: 64 MiB of spaces compress to a few dozen KiB.
	bomb := `<worksheet><sheetData>` + strings.Repeat(" ", 64<<20) + `</sheetData></worksheet>`

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
		msg  string
	}{
		{"not a zip", []byte("PK not really"), Limits{}, ErrNotWorkbook, ""},
		{"zip without a workbook", zipOf(t, map[string]string{"hello.txt": "hi"}), Limits{}, ErrNotWorkbook, "no part xl/workbook.xml"},
		{"no such sheet", book{sheetName: "Job Role_CWF_KT", rows: sample().rows}.bytes(t), Limits{}, ErrNoSheet, ""},
		{"missing columns", book{rows: [][]string{{"Sector", "Track", "Job Role", "TSC_CCS Title"}, {"a", "b", "c", "d"}}}.bytes(t),
			Limits{}, ErrColumns, "missing TSC_CCS Code, TSC_CCS Type, Proficiency Level"},
		{"no header at all", book{rows: [][]string{{"a", "b"}}}.bytes(t), Limits{}, ErrColumns, "no header row"},
		{"sheet part missing", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": ""}}.bytes(t),
			Limits{}, ErrNotWorkbook, "no part xl/worksheets/sheet1.xml"},
		{"bad shared string index", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c t="s"><v>x</v></c></row></sheetData></worksheet>`}}.bytes(t), Limits{}, nil, "bad shared string index"},
		{"shared string out of range", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row><c t="s"><v>999</v></c></row></sheetData></worksheet>`}}.bytes(t), Limits{}, nil, "shared string 999 does not exist"},
		{"malformed XML", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": `<worksheet><sheetData><row>`}}.bytes(t),
			Limits{}, nil, "xl/worksheets/sheet1.xml: XML syntax error"},
		{"nested too deep", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": deep}}.bytes(t),
			Limits{}, ErrTooLarge, "nested deeper than 32"},
		{"too many rows", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": manyRows.String()}}.bytes(t),
			Limits{MaxRows: 20}, ErrTooLarge, "more than 20 rows"},
		{"zip bomb", book{rows: sample().rows, parts: map[string]string{"xl/worksheets/sheet1.xml": bomb}}.bytes(t),
			Limits{MaxPartSize: 1 << 20}, ErrTooLarge, "part xl/worksheets/sheet1.xml"},
		{"file too large", sample().bytes(t), Limits{MaxFileSize: 100}, ErrTooLarge, "file larger than 100 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data), int64(len(tc.data)), tc.lim)
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			require.ErrorContains(t, err, tc.msg)
		})
	}
	_, err := ReadFile(fstest.MapFS{"big.xlsx": {Data: sample().bytes(t)}}, "big.xlsx", Limits{MaxFileSize: 100})
	require.ErrorIs(t, err, ErrTooLarge)
	_, err = ReadFile(fstest.MapFS{}, "absent.xlsx", Limits{})
	require.ErrorContains(t, err, "open workbook")
}

func TestBadProficiency(t *testing.T) {
	b := book{rows: [][]string{header, {"S", "T", "R", "", "X", "ICT-DIT-3001-1.1", "TSC", "=7"}}}
	fw, err := Read(bytes.NewReader(b.bytes(t)), int64(len(b.bytes(t))), Limits{})
	require.NoError(t, err)
	_, err = fw.Role("R")
	require.ErrorContains(t, err, `row 2: proficiency level "7" is not 1 to 6`)
}

func FuzzRead(f *testing.F) {
	f.Add(sample().bytes(f))
	f.Add(book{rows: [][]string{header, {"S", "T", "R", "", "X", "C", "CCS", "Basic"}}}.bytes(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Read(bytes.NewReader(data), int64(len(data)), Limits{MaxPartSize: 1 << 20, MaxRows: 1000})
		if err != nil {
			return
		}
		_ = fw.Catalog()
		for _, j := range fw.JobRoles() {
			_, _ = fw.Role(j.String())
		}
	})
}
