package framework

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/framework/frameworktest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

func workbook(t testing.TB, sheet string, rows [][]any) []byte {
	t.Helper()
	b, err := frameworktest.Workbook(sheet, rows)
	require.NoError(t, err)
	return b
}

func sample(t testing.TB) []byte { return workbook(t, SheetName, frameworktest.Sample()) }

// writeTemp writes b to a file in a temporary folder and returns its path.
func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "sfw.xlsx")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

func TestReadSample(t *testing.T) {
	spill := t.TempDir()
	fw, err := ReadFile(writeTemp(t, sample(t)), Limits{MaxXMLInMemory: 256, TempDir: spill})
	require.NoError(t, err)
	entries, err := os.ReadDir(spill)
	require.NoError(t, err)
	require.Empty(t, entries, "the worksheet spilled to a temporary file, which is removed")

	require.Equal(t, 6, fw.Rows)
	require.Len(t, fw.SHA256, 64)
	require.Equal(t, []Role{
		{Code: "FSE-DATA-ANALYST", Title: "Data Analyst", Sector: "Financial Services", Track: "Data", Skills: []Skill{
			{Code: "ICT-DIT-2007-1.1", Title: "Data Visualisation", Type: "TSC", Level: "Level 2"},
			{Code: "FSE-RMG-3001-1.1", Title: "Risk Analytics", Type: "TSC", Level: "3"},
		}},
		{Code: "ICT-DATA-ENGINEER", Title: "Data Engineer", Sector: "Infocomm Technology", Skills: []Skill{
			{Code: "ICT-DIT-4005-1.1", Title: "Data Engineering", Type: "TSC", Level: "4"},
		}},
		{Code: "ICT-DATA-ANALYST", Title: "Data Analyst", Sector: "Infocomm Technology", Track: "Data and Artificial Intelligence", Skills: []Skill{
			{Code: "ICT-DIT-3007-1.1", Title: "Data Visualisation", Type: "TSC", Level: "3"},
			{Code: "ICT-DIT-3010-1.1", Title: "Quality Assurance", Type: "TSC", Level: "4"},
			{Code: "CCS-COM-I", Title: "Communication", Type: "CCS", Level: "Intermediate"},
		}},
	}, fw.Roles)
	require.Equal(t, []string{"CCS-COM-I", "FSE-RMG-3001-1.1", "ICT-DIT-2007-1.1", "ICT-DIT-3007-1.1", "ICT-DIT-3010-1.1", "ICT-DIT-4005-1.1"},
		codes(fw.Skills))
	require.Equal(t, []string{"Financial Services", "Infocomm Technology"}, fw.Sectors())

	// The same bytes through a reader.
	fw2, err := Read(bytes.NewReader(sample(t)), Limits{})
	require.NoError(t, err)
	require.Equal(t, fw.Roles, fw2.Roles)
}

func codes(ss []Skill) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Code
	}
	return out
}

// TestLayouts: columns in another order, headers spelled differently, extra
// columns, a Job Role Code column, and codes made unique.
func TestLayouts(t *testing.T) {
	tests := []struct {
		name  string
		rows  [][]any
		codes []string
	}{
		{"shuffled columns, other spellings", [][]any{
			{"proficiency level", "Extra", "TSC CCS CODE", "job role", " Sector ", "TSC/CCS Title", "Track", "TSC_CCS Type"},
			{5, "x", "ICT-SNA-5001-1.1", "Architect", "Infocomm Technology", "Solution Architecture", "Infra", "TSC"},
		}, []string{"ICT-ARCHITECT"}},
		{"job role code column", [][]any{
			{"Sector", "Track", "Job Role", "Job Role Code", "TSC_CCS Title", "TSC_CCS Code", "TSC_CCS Type", "Proficiency Level"},
			{"Infocomm Technology", "Infra", "Architect", "ict-arch-01", "Solution Architecture", "ICT-SNA-5001-1.1", "TSC", 5},
		}, []string{"ICT-ARCH-01"}},
		{"same title in two tracks", [][]any{
			frameworktest.Header,
			{"Infocomm Technology", "Software and Applications", "Engineer", "", "Programming", "ICT-DIT-3001-1.1", "TSC", 3},
			{"Infocomm Technology", "Infrastructure", "Engineer", "", "Networks", "ICT-OUS-3001-1.1", "TSC", 3},
		}, []string{"ICT-ENGINEER-I", "ICT-ENGINEER-SA"}},
		{"same title, same track initials", [][]any{
			frameworktest.Header,
			{"Infocomm Technology", "Data", "Engineer", "", "Programming", "ICT-DIT-3001-1.1", "TSC", 3},
			{"Infocomm Technology", "Design", "Engineer", "", "Networks", "ICT-OUS-3001-1.1", "TSC", 3},
		}, []string{"ICT-ENGINEER-D", "ICT-ENGINEER-D-2"}},
		{"sector without TSC codes", [][]any{
			frameworktest.Header,
			{"Early Childhood Care and Education", "", "Educator", "", "Communication", "CCS-COM-B", "CCS", "Basic"},
		}, []string{"ECCE-EDUCATOR"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fw, err := Read(bytes.NewReader(workbook(t, SheetName, tc.rows)), Limits{})
			require.NoError(t, err)
			var got []string
			for _, r := range fw.Roles {
				got = append(got, r.Code)
			}
			require.Equal(t, tc.codes, got)
		})
	}
	// The sheet name matches ignoring case and spaces.
	_, err := Read(bytes.NewReader(workbook(t, " job role_tcs_ccs", frameworktest.Sample())), Limits{})
	require.NoError(t, err)
}

// rezip copies the zip b, handing each part to edit, which writes it (or
// not) to zw.
func rezip(t *testing.T, b []byte, edit func(zw *zip.Writer, f *zip.File, body []byte)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		body, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		edit(zw, f, body)
	}
	require.NoError(t, zw.Close())
	return out.Bytes()
}

const sheetPart = "xl/worksheets/sheet2.xml" // the second sheet, after "Read Me"

// withPart replaces the job-role sheet's part by body, declaring size as
// its uncompressed size (len(body) when negative).
func withPart(t *testing.T, body []byte, size int64) []byte {
	t.Helper()
	found := false
	out := rezip(t, sample(t), func(zw *zip.Writer, f *zip.File, old []byte) {
		if f.Name != sheetPart {
			w, err := zw.Create(f.Name)
			require.NoError(t, err)
			_, err = w.Write(old)
			require.NoError(t, err)
			return
		}
		found = true
		var comp bytes.Buffer
		fl, err := flate.NewWriter(&comp, flate.BestSpeed)
		require.NoError(t, err)
		_, err = fl.Write(body)
		require.NoError(t, err)
		require.NoError(t, fl.Close())
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: uint64(len(body))}
		if size >= 0 {
			h.UncompressedSize64 = uint64(size)
		}
		w, err := zw.CreateRaw(h)
		require.NoError(t, err)
		_, err = w.Write(comp.Bytes())
		require.NoError(t, err)
	})
	require.True(t, found, "the sample has %s", sheetPart)
	return out
}

func TestReadErrors(t *testing.T) {
	spaces := []byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		strings.Repeat(" ", 32<<20) + `</sheetData></worksheet>`)
	header := frameworktest.Header
	good := []any{"Infocomm Technology", "Data", "Data Analyst", "", "Data Visualisation", "ICT-DIT-3007-1.1", "TSC"}
	withLevel := func(l any) [][]any { return [][]any{{"title"}, header, append(append([]any{}, good...), l)} }
	manyRows := [][]any{header}
	for range 60 {
		manyRows = append(manyRows, append(append([]any{}, good...), 3))
	}

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want error
		msg  string
	}{
		{"empty file", nil, Limits{}, ErrNotWorkbook, "the file is empty"},
		{"not a zip", []byte("PK not really"), Limits{}, ErrNotWorkbook, ""},
		{"old xls or password", append(append([]byte{}, oleMagic...), 0, 0, 0), Limits{}, ErrNotWorkbook, "password-protected"},
		{"missing sheet", workbook(t, "Job Role_CWF_KT", frameworktest.Sample()), Limits{}, ErrNoSheet, `it has "Read Me", "Job Role_CWF_KT"`},
		{"missing column", workbook(t, SheetName, [][]any{header[:7], good}), Limits{}, ErrColumns,
			`sheet "Job Role_TCS_CCS": sheet lacks a required column: the header (row 1) has no column "Proficiency Level"`},
		{"no header at all", workbook(t, SheetName, [][]any{{"a", "b"}}), Limits{}, ErrColumns, "no row among the first 20"},
		{"header too low", workbook(t, SheetName, append(make([][]any, 20), header, append(good, 3))), Limits{}, ErrColumns, "no row among the first 20"},
		{"level 9", workbook(t, SheetName, withLevel(9)), Limits{}, ErrLevel,
			`sheet "Job Role_TCS_CCS" row 3 column H (Proficiency Level): "9": invalid proficiency level: "9" is not 1 to 6`},
		{"level 0", workbook(t, SheetName, withLevel("0")), Limits{}, ErrLevel, `"0" is not 1 to 6`},
		{"fractional level", workbook(t, SheetName, withLevel(3.5)), Limits{}, ErrLevel, `"3.5" is not 1 to 6`},
		{"text in level", workbook(t, SheetName, withLevel("three")), Limits{}, ErrLevel,
			`row 3 column H (Proficiency Level): "three": invalid proficiency level: "three" is neither 1 to 6 nor Basic`},
		{"header only", workbook(t, SheetName, [][]any{header}), Limits{}, ErrEmpty, ""},
		{"declared zip bomb", withPart(t, []byte("<worksheet/>"), 1<<40), Limits{}, ErrTooLarge, "uncompressed parts exceed"},
		{"zip bomb over the limit", withPart(t, spaces, -1), Limits{MaxUnzipSize: 8 << 20}, ErrTooLarge, "part " + sheetPart},
		{"part larger than declared", withPart(t, spaces, 1000), Limits{}, ErrNotWorkbook, "damaged"},
		{"too many rows", workbook(t, SheetName, manyRows), Limits{MaxRows: 50}, ErrTooLarge, "more than 50 rows"},
		{"file too large", sample(t), Limits{MaxFileSize: 100}, ErrTooLarge, "more than 100 bytes"},
		{"too many parts", sample(t), Limits{MaxParts: 2}, ErrTooLarge, "parts, more than 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(tc.data), tc.lim)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)
			_, err = ReadFile(writeTemp(t, tc.data), tc.lim)
			require.ErrorIs(t, err, tc.want, "the same through ReadFile")
		})
	}

	var ce *CellError
	_, err := Read(bytes.NewReader(workbook(t, SheetName, withLevel(9))), Limits{})
	require.ErrorAs(t, err, &ce)
	require.Equal(t, CellError{Sheet: SheetName, Row: 3, Column: "H", Header: ColProficiency, Value: "9", Err: ce.Err}, *ce)

	_, err = ReadFile(filepath.Join(t.TempDir(), "absent.xlsx"), Limits{})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in   string
		want *passport.Level
		err  bool
	}{
		{"", nil, false},
		{"3", &passport.Level{Value: 0.5, Label: "Proficiency 3", Scale: passport.ScaleProficiency}, false},
		{" 6 ", &passport.Level{Value: 1, Label: "Proficiency 6", Scale: passport.ScaleProficiency}, false},
		{"4.0", &passport.Level{Value: 0.6667, Label: "Proficiency 4", Scale: passport.ScaleProficiency}, false},
		{"Level 2", &passport.Level{Value: 0.3333, Label: "Level 2", Scale: passport.ScaleProficiency}, false},
		{"Proficiency 5", &passport.Level{Value: 0.8333, Label: "Proficiency 5", Scale: passport.ScaleProficiency}, false},
		{"Intermediate", nil, false}, // checked below: a CCS level
		{"7", nil, true},
		{"-1", nil, true},
		{"2.5", nil, true},
		{"Gold", nil, true},
		{"Level", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseLevel(tc.in)
			if tc.err {
				require.ErrorIs(t, err, ErrLevel)
				return
			}
			require.NoError(t, err)
			if tc.in == "Intermediate" {
				require.NotNil(t, got)
				require.Equal(t, 0.6667, got.Value)
				return
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestRoleLookup(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample(t)), Limits{})
	require.NoError(t, err)
	tests := []struct {
		query string
		code  string
		want  error
		msg   string
	}{
		{"ICT-DATA-ANALYST", "ICT-DATA-ANALYST", nil, ""},
		{"ict-data-analyst", "ICT-DATA-ANALYST", nil, ""},
		{" ict data  analyst", "ICT-DATA-ANALYST", nil, ""},
		{"data engineer", "ICT-DATA-ENGINEER", nil, ""},
		{"Financial Services / Data Analyst", "FSE-DATA-ANALYST", nil, ""},
		{"infocomm technology/data and artificial intelligence/DATA ANALYST", "ICT-DATA-ANALYST", nil, ""},
		{"Data Analyst", "", ErrAmbiguousRole,
			`"Data Analyst": job role title names several roles: Data Analyst (FSE-DATA-ANALYST, Financial Services / Data); Data Analyst (ICT-DATA-ANALYST, Infocomm Technology / Data and Artificial Intelligence); give the code`},
		{"Data Analyts", "", ErrNoRole, `no such job role "Data Analyts"; near matches: Data Analyst (FSE-DATA-ANALYST`},
		{"ICT-DATA", "", ErrNoRole, "near matches: Data Engineer (ICT-DATA-ENGINEER, Infocomm Technology); Data Analyst (ICT-DATA-ANALYST"},
		{"Astronaut", "", ErrNoRole, ""},
		{"", "", ErrNoRole, ""},
		{"a/b/c/d", "", ErrNoRole, ""},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r, err := fw.Role(tc.query)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				require.ErrorContains(t, err, tc.msg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.code, r.Code)
		})
	}
	_, err = fw.Role("Astronaut")
	require.NotContains(t, err.Error(), "near matches", "nothing is near an astronaut")
}

func TestCatalogAndProfile(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample(t)), Limits{})
	require.NoError(t, err)
	cat := fw.Catalog()
	require.Len(t, cat, 5, "levels 2 and 3 of Data Visualisation are one skill")
	require.Equal(t, passport.CatalogEntry{Ref: passport.SkillRef{Key: "sfw:CCS-COM-I", Name: "Communication",
		Framework: passport.FrameworkSkillsFuture, Code: "CCS-COM-I", Type: "CCS"}, Sector: "Infocomm Technology"}, cat["sfw:CCS-COM-I"])
	require.Equal(t, "Data Visualisation", cat["sfw:ICT-DIT-007"].Ref.Name)

	r, err := fw.Role("ICT-DATA-ANALYST")
	require.NoError(t, err)
	p, err := r.Profile()
	require.NoError(t, err)
	require.Equal(t, "Data Analyst", p.Name)
	require.Equal(t, "Infocomm Technology", p.Sector)
	require.Equal(t, "sfw-role:ICT-DATA-ANALYST", p.ID)
	require.Len(t, p.Skills, 3)
	require.Equal(t, "sfw:ICT-DIT-007", p.Skills[0].Ref.Key)
	require.Equal(t, passport.Proficiency(3), *p.Skills[0].MinLevel)
	require.Equal(t, passport.Proficiency(4), *p.Skills[1].MinLevel)
	require.Equal(t, 0.6667, p.Skills[2].MinLevel.Value, "Intermediate of Basic/Intermediate/Advanced")

	// One family listed at two levels: the higher counts.
	two := Role{Code: "X", Title: "X", Skills: []Skill{{Code: "ICT-DIT-2007-1.1", Level: "2"}, {Code: "ICT-DIT-4007-1.1", Level: "4"}, {Code: "ICT-DIT-3007-1.1"}}}
	p, err = two.Profile()
	require.NoError(t, err)
	require.Len(t, p.Skills, 1)
	require.Equal(t, passport.Proficiency(4), *p.Skills[0].MinLevel)
	_, err = Role{Code: "X", Skills: []Skill{{Code: "ICT-DIT-2007-1.1", Level: "9"}}}.Profile()
	require.ErrorIs(t, err, ErrLevel)
}

// TestGapsEndToEnd: a badge aligned by code alone gets the framework's
// titles, and the role's gaps come out met, below and missing.
func TestGapsEndToEnd(t *testing.T) {
	fw, err := Read(bytes.NewReader(sample(t)), Limits{})
	require.NoError(t, err)
	r, err := fw.Role("ICT-DATA-ANALYST")
	require.NoError(t, err)
	role, err := r.Profile()
	require.NoError(t, err)
	b := []byte(`{"type":["VerifiableCredential","OpenBadgeCredential"],"issuer":{"id":"did:web:x"},
		"validFrom":"2025-05-01T00:00:00Z","credentialSubject":{"achievement":{"id":"urn:a","name":"Dashboards",
		"alignment":[{"targetCode":"ICT-DIT-4007-1.1","targetFramework":"SkillsFuture"},{"targetCode":"ICT-DIT-2010-1.1","targetFramework":"SkillsFuture"}]}}}`)
	p := passport.BuildCredentials([]passport.Credential{{RecordID: "1", JSON: b, Verdict: passport.Verdict{Verified: true}}},
		passport.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, Catalog: fw.Catalog()})
	names := map[string]string{}
	for _, s := range p.Skills() {
		names[s.Key] = s.Name
	}
	require.Equal(t, map[string]string{"sfw:ICT-DIT-007": "Data Visualisation", "sfw:ICT-DIT-010": "Quality Assurance"}, names)
	g := p.Gaps(role)
	require.Equal(t, []passport.GapStatus{passport.GapMet, passport.GapBelow, passport.GapMissing},
		[]passport.GapStatus{g.Skills[0].Status, g.Skills[1].Status, g.Skills[2].Status})
	require.Equal(t, 0.5, g.Skills[1].Credit, "proficiency 2 of the 4 required")
	require.Equal(t, 50, g.Percent)
}

// sliceRows serves rows from memory as excelize's row iterator does.
type sliceRows struct {
	rows [][]string
	i    int
}

func (s *sliceRows) Next() bool { s.i++; return s.i <= len(s.rows) }
func (s *sliceRows) Columns(...excelize.Options) ([]string, error) {
	return s.rows[s.i-1], nil
}
func (s *sliceRows) Error() error { return nil }

// FuzzTable fuzzes the reading of the sheet's cells (header search, levels,
// roles, codes, lookups) with rows as tab-separated lines. Reading the zip
// and XML is excelize's part; the table tests above give it hostile files.
func FuzzTable(f *testing.F) {
	f.Add("title\n\nSector\tTrack\tJob Role\tTSC_CCS Title\tTSC_CCS Code\tTSC_CCS Type\tProficiency Level\n" +
		"Infocomm Technology\tData\tData Analyst\tData Visualisation\tICT-DIT-3007-1.1\tTSC\t3\n" +
		"Infocomm Technology\tData\tData Analyst\tCommunication\tCCS-COM-I\tCCS\tIntermediate\n" +
		"Infocomm Technology\tInfra\tData Analyst\tNetworks\tICT-OUS-2001-1.1\tTSC\tLevel 2\n")
	f.Add("Job Role Code\tProficiency Level\tTSC_CCS Type\tTSC_CCS Code\tTSC_CCS Title\tJob Role\tTrack\tSector\n" +
		"X-1\t9\tTSC\tA-B-1001-1.1\tT\tR\tK\tS\n")
	f.Fuzz(func(t *testing.T, data string) {
		var rows [][]string
		for _, line := range strings.Split(data, "\n") {
			rows = append(rows, strings.Split(line, "\t"))
		}
		fw, err := table(SheetName, &sliceRows{rows: rows}, DefaultLimits)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, r := range fw.Roles {
			if seen[r.Code] {
				t.Fatalf("code %s given twice", r.Code)
			}
			seen[r.Code] = true
			got, err := fw.Role(r.Code)
			if err != nil || got.Code != r.Code {
				t.Fatalf("role %s not found by its code: %v", r.Code, err)
			}
			if _, err := r.Profile(); err != nil {
				t.Fatalf("role %s: %v", r.Code, err)
			}
		}
		_ = fw.Catalog()
		_ = fw.Near(data, 5)
	})
}
