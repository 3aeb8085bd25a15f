// Package framework reads the SkillsFuture Skills Framework workbook (.xlsx)
// published by SkillsFuture Singapore: the sheet "Job Role_TCS_CCS", which
// lists for every job role the technical skills and competencies (TSC) and
// critical core skills (CCS) it needs, and at which proficiency level.
//
// The sheet's columns are found by their header: the first of the sheet's
// first 20 rows that names them all. Order, extra columns, title rows above
// the header and blank rows do not matter; headers match ignoring case,
// spacing and punctuation ("TSC_CCS Code" and "tsc ccs code" are one):
//
//	Sector             e.g. "Infocomm Technology"
//	Track              e.g. "Data and Artificial Intelligence"
//	Job Role           e.g. "Data Analyst"
//	TSC_CCS Title      e.g. "Data Visualisation"
//	TSC_CCS Code       e.g. "ICT-DIT-3007-1.1"
//	TSC_CCS Type       "TSC" or "CCS"
//	Proficiency Level  1–6 for a TSC (also "Level 3", "3.0"); Basic,
//	                   Intermediate or Advanced for a CCS; may be empty
//	Job Role Code      optional (also "Job Role ID"): the role's code
//
// From it the package makes a Framework: the job roles (each with a code,
// its sector and track, and its skills at their levels) and the skills
// (code, title, type, sector), which give a passport.Catalog and
// passport.Role profiles.
//
// A role's code is the sheet's Job Role Code when it has one; otherwise it
// is made from the sector's usual TSC code prefix and the role's title
// ("ICT-DATA-ANALYST" for the Data Analyst of Infocomm Technology, whose
// skills are mostly ICT-… codes; the initials of the sector's words when it
// has no TSC codes). A code that two roles would share gets the initials of
// each role's track appended, and then a number, so codes are unique within
// a framework.
//
// The workbook is read with github.com/xuri/excelize/v2. What reading may
// cost is capped (see Limits): the file's size, the total uncompressed size
// its zip headers declare (each part is inflated once before excelize reads
// it, and archive/zip fails a part that inflates beyond its declared size or
// whose CRC-32 is wrong, so a lying header does not get past), the XML held in
// memory (larger worksheets spill to temporary files that excelize removes)
// and the number of rows. The workbook itself is not shipped: users download
// it from SkillsFuture under its own licence.
package framework

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/skillpass/skillpass/passport"
)

// SheetName is the sheet this package reads.
const SheetName = "Job Role_TCS_CCS"

// The columns it reads, by header.
const (
	ColSector      = "Sector"
	ColTrack       = "Track"
	ColJobRole     = "Job Role"
	ColTitle       = "TSC_CCS Title"
	ColCode        = "TSC_CCS Code"
	ColType        = "TSC_CCS Type"
	ColProficiency = "Proficiency Level"
	// ColRoleCode is optional; "Job Role ID" is read as the same column.
	ColRoleCode = "Job Role Code"
)

// headerRows is how many rows at the top of the sheet may hold the header.
const headerRows = 20

// required lists the columns every workbook must have, in their order in
// the column slice of a row (see col*).
var required = []string{ColSector, ColTrack, ColJobRole, ColTitle, ColCode, ColType, ColProficiency}

const (
	colSector = iota
	colTrack
	colJobRole
	colTitle
	colCode
	colType
	colProficiency
	colRoleCode
	numCols
)

// Errors callers branch on.
var (
	// ErrNotWorkbook: the file is not an .xlsx workbook (empty, not a zip,
	// password-protected, or damaged).
	ErrNotWorkbook = errors.New("not an xlsx workbook")
	// ErrNoSheet: the workbook has no sheet named SheetName.
	ErrNoSheet = errors.New("workbook has no sheet " + SheetName)
	// ErrColumns: no header row names every required column.
	ErrColumns = errors.New("sheet lacks a required column")
	// ErrLevel: a proficiency level is not one (wrapped in a *CellError).
	ErrLevel = errors.New("invalid proficiency level")
	// ErrTooLarge: the file exceeds the Limits.
	ErrTooLarge = errors.New("workbook exceeds the size limits")
	// ErrEmpty: the sheet has a header but no job role with a skill.
	ErrEmpty = errors.New("sheet lists no job role with a skill")
	// ErrNoRole: no job role matches (the error names near matches).
	ErrNoRole = errors.New("no such job role")
	// ErrAmbiguousRole: a title names several job roles (the error lists
	// their codes).
	ErrAmbiguousRole = errors.New("job role title names several roles")
)

// Limits caps what reading a workbook may cost. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// MaxFileSize bounds the .xlsx file.
	MaxFileSize int64
	// MaxUnzipSize bounds the sum of the uncompressed sizes of the zip's
	// parts (excelize's UnzipSizeLimit).
	MaxUnzipSize int64
	// MaxXMLInMemory is the largest worksheet or shared-strings part held in
	// memory; larger ones go to a temporary file (excelize's
	// UnzipXMLSizeLimit). At most MaxUnzipSize.
	MaxXMLInMemory int64
	// MaxParts bounds the number of files in the zip.
	MaxParts int
	// MaxRows bounds the rows of the sheet (blank rows count).
	MaxRows int
	// TempDir is where large parts spill; empty means os.TempDir().
	TempDir string
}

// DefaultLimits fit the official workbook (about 13 MB, some 45,000 rows)
// with room to spare.
var DefaultLimits = Limits{
	MaxFileSize:    100 << 20,
	MaxUnzipSize:   1 << 30,
	MaxXMLInMemory: 16 << 20,
	MaxParts:       10_000,
	MaxRows:        500_000,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileSize > 0 {
		d.MaxFileSize = l.MaxFileSize
	}
	if l.MaxUnzipSize > 0 {
		d.MaxUnzipSize = l.MaxUnzipSize
	}
	if l.MaxXMLInMemory > 0 {
		d.MaxXMLInMemory = l.MaxXMLInMemory
	}
	d.MaxXMLInMemory = min(d.MaxXMLInMemory, d.MaxUnzipSize)
	if l.MaxParts > 0 {
		d.MaxParts = l.MaxParts
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	d.TempDir = l.TempDir
	return d
}

// CellError says which cell of the sheet is wrong and why. It wraps Err
// (ErrLevel for a proficiency level).
type CellError struct {
	Sheet  string
	Row    int    // 1-based, as the spreadsheet shows it
	Column string // the column's letters, "G"
	Header string // the column's header, "Proficiency Level"
	Value  string
	Err    error
}

// Error names the sheet, row, column and value.
func (e *CellError) Error() string {
	return fmt.Sprintf("sheet %q row %d column %s (%s): %q: %v", e.Sheet, e.Row, e.Column, e.Header, e.Value, e.Err)
}

// Unwrap returns Err.
func (e *CellError) Unwrap() error { return e.Err }

// Skill is one TSC or CCS as the sheet names it. In a role, Level is the
// proficiency level's text as the sheet has it ("3", "Intermediate"; empty
// when the sheet gives none); in Framework.Skills, Sector is the sector of
// the first row that lists it.
type Skill struct {
	Code   string `json:"code"`
	Title  string `json:"title"`
	Type   string `json:"type,omitempty"`
	Level  string `json:"level,omitempty"`
	Sector string `json:"sector,omitempty"`
}

// Ref is the passport's reference for the skill.
func (s Skill) Ref() passport.SkillRef { return passport.SFwRef(s.Code, s.Title, s.Type) }

// Role is a job role with the skills it requires.
type Role struct {
	Code   string  `json:"code"`
	Title  string  `json:"title"`
	Sector string  `json:"sector"`
	Track  string  `json:"track,omitempty"`
	Skills []Skill `json:"skills"`
}

// String is "Title (CODE, Sector / Track)".
func (r Role) String() string {
	where := r.Sector
	if r.Track != "" {
		where += " / " + r.Track
	}
	return fmt.Sprintf("%s (%s, %s)", r.Title, r.Code, where)
}

// Profile returns the role as a passport role profile: each skill by its
// SkillsFuture reference at its proficiency level, weight 1. A skill listed
// at several levels of one family (ICT-DIT-3007 and ICT-DIT-4007) takes the
// higher.
func (r Role) Profile() (passport.Role, error) {
	pr := passport.Role{ID: "sfw-role:" + r.Code, Name: r.Title, Sector: r.Sector}
	at := map[string]int{}
	for _, s := range r.Skills {
		lvl, err := ParseLevel(s.Level)
		if err != nil {
			return passport.Role{}, fmt.Errorf("role %s skill %s: %w", r.Code, s.Code, err)
		}
		rs := passport.RoleSkill{Ref: s.Ref(), MinLevel: lvl, Weight: 1}
		if i, ok := at[rs.Ref.Key]; ok {
			if old := pr.Skills[i].MinLevel; lvl != nil && (old == nil || lvl.Value > old.Value) {
				pr.Skills[i].MinLevel = lvl
			}
			continue
		}
		at[rs.Ref.Key] = len(pr.Skills)
		pr.Skills = append(pr.Skills, rs)
	}
	return pr, nil
}

// Framework is what the sheet says: its job roles, sorted by sector, track
// and title, and its skills, sorted by code.
type Framework struct {
	Roles  []Role  `json:"roles"`
	Skills []Skill `json:"skills"`
	// Rows is the number of data rows read (blank and note rows not
	// counted).
	Rows int `json:"rows"`
	// SHA256 is the hex SHA-256 of the workbook file.
	SHA256 string `json:"sha256,omitempty"`
}

// ReadFile reads the workbook at path. A file over lim.MaxFileSize is
// refused before it is read.
func ReadFile(path string, lim Limits) (*Framework, error) {
	lim = lim.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > lim.MaxFileSize {
		return nil, fmt.Errorf("read workbook: %d bytes, more than %d: %w", st.Size(), lim.MaxFileSize, ErrTooLarge)
	}
	return Read(f, lim)
}

// Read reads a workbook from r (at most lim.MaxFileSize bytes).
func Read(r io.Reader, lim Limits) (fw *Framework, err error) {
	lim = lim.withDefaults()
	b, err := io.ReadAll(io.LimitReader(r, lim.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if int64(len(b)) > lim.MaxFileSize {
		return nil, fmt.Errorf("read workbook: more than %d bytes: %w", lim.MaxFileSize, ErrTooLarge)
	}
	if err := precheck(b, lim); err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	// excelize is input-hardened, but a panic on a hostile file must not
	// take the wallet down.
	defer func() {
		if p := recover(); p != nil {
			fw, err = nil, fmt.Errorf("read workbook: %w: the reader failed (%v)", ErrNotWorkbook, p)
		}
	}()
	x, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipSize,
		UnzipXMLSizeLimit: lim.MaxXMLInMemory,
		TmpDir:            lim.TempDir,
		RawCellValue:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w: %w", ErrNotWorkbook, err)
	}
	defer x.Close() // removes the temporary files
	fw, err = readSheet(x, lim)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	fw.SHA256 = hex.EncodeToString(sum[:])
	return fw, nil
}

var oleMagic = []byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}

// precheck refuses what is not a zip, and zips whose declared sizes or part
// count exceed the limits, before excelize inflates anything.
func precheck(b []byte, lim Limits) error {
	switch {
	case len(b) == 0:
		return fmt.Errorf("%w: the file is empty", ErrNotWorkbook)
	case bytes.HasPrefix(b, oleMagic):
		return fmt.Errorf("%w: the file is password-protected or an old .xls workbook; save it as .xlsx without a password", ErrNotWorkbook)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotWorkbook, err)
	}
	if len(zr.File) > lim.MaxParts {
		return fmt.Errorf("%d parts, more than %d: %w", len(zr.File), lim.MaxParts, ErrTooLarge)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(lim.MaxUnzipSize) || total > uint64(lim.MaxUnzipSize) {
			return fmt.Errorf("part %s: uncompressed parts exceed %d bytes: %w", f.Name, lim.MaxUnzipSize, ErrTooLarge)
		}
	}
	// excelize reads a part that is cut short or longer than its header
	// says (archive/zip stops there) as if it ended: inflate each part once
	// so that a damaged file fails instead of giving part of a sheet.
	for _, f := range zr.File {
		if err := checkPart(f); err != nil {
			return fmt.Errorf("%w: part %s is damaged: %w", ErrNotWorkbook, f.Name, err)
		}
	}
	return nil
}

// checkPart inflates a part to its end, where archive/zip checks its size
// and CRC-32.
func checkPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

// foldHeader folds a header or name for comparison: lower case, letters
// and digits only, single spaces.
func foldHeader(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// headerIndex maps folded headers to their column slot.
var headerIndex = map[string]int{
	foldHeader(ColSector): colSector, foldHeader(ColTrack): colTrack, foldHeader(ColJobRole): colJobRole,
	foldHeader(ColTitle): colTitle, foldHeader(ColCode): colCode, foldHeader(ColType): colType,
	foldHeader(ColProficiency): colProficiency,
	foldHeader(ColRoleCode):    colRoleCode, foldHeader("Job Role ID"): colRoleCode,
}

// findSheet returns the workbook's name of SheetName (matched ignoring case
// and surrounding spaces).
func findSheet(x *excelize.File) (string, error) {
	list := x.GetSheetList()
	for _, s := range list {
		if strings.EqualFold(strings.TrimSpace(s), SheetName) {
			return s, nil
		}
	}
	return "", fmt.Errorf("%w (it has %s)", ErrNoSheet, quoteList(list))
}

func quoteList(ss []string) string {
	if len(ss) == 0 {
		return "no sheets"
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// row is one data row, its cells trimmed.
type row struct {
	line int
	v    [numCols]string
}

// readSheet finds the header, reads the rows under it and builds the
// framework.
func readSheet(x *excelize.File, lim Limits) (*Framework, error) {
	sheet, err := findSheet(x)
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	it, err := x.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w: %w", sheet, ErrNotWorkbook, err)
	}
	defer it.Close()
	return table(sheet, it, lim)
}

// rowSource is the part of *excelize.Rows that table reads.
type rowSource interface {
	Next() bool
	Columns(opts ...excelize.Options) ([]string, error)
	Error() error
}

// table finds the header among the first rows of it, reads the rows under
// it and builds the framework.
func table(sheet string, it rowSource, lim Limits) (*Framework, error) {
	var pos []int // column index of each slot, -1 when absent
	best, bestLine := -1, 0
	var bestMissing []string
	var rows []row
	line := 0
	for it.Next() {
		line++
		if line > lim.MaxRows {
			return nil, fmt.Errorf("read sheet %q: more than %d rows: %w", sheet, lim.MaxRows, ErrTooLarge)
		}
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("read sheet %q row %d: %w: %w", sheet, line, ErrNotWorkbook, err)
		}
		if pos == nil {
			if line > headerRows {
				break
			}
			p, found, missing := header(cells)
			if len(missing) == 0 {
				pos = p
			} else if found > best {
				best, bestLine, bestMissing = found, line, missing
			}
			continue
		}
		r := row{line: line}
		for k, c := range pos {
			if c >= 0 && c < len(cells) {
				r.v[k] = strings.TrimSpace(cells[c])
			}
		}
		if r.v[colJobRole] == "" && r.v[colCode] == "" {
			continue // blank, or a note
		}
		rows = append(rows, r)
	}
	if err := it.Error(); err != nil {
		return nil, fmt.Errorf("read sheet %q: %w: %w", sheet, ErrNotWorkbook, err)
	}
	if pos == nil {
		if best <= 0 {
			return nil, fmt.Errorf("read sheet %q: %w: no row among the first %d names the columns %s", sheet, ErrColumns, headerRows, strings.Join(required, ", "))
		}
		return nil, fmt.Errorf("read sheet %q: %w: the header (row %d) has no column %s", sheet, ErrColumns, bestLine, strings.Join(bestMissing, ", "))
	}
	return build(sheet, pos, rows)
}

// header reads a candidate header row: the column of each slot, how many
// required columns it names and which it lacks.
func header(cells []string) (pos []int, found int, missing []string) {
	pos = make([]int, numCols)
	for k := range pos {
		pos[k] = -1
	}
	for i, c := range cells {
		if k, ok := headerIndex[foldHeader(c)]; ok && pos[k] < 0 {
			pos[k] = i
			if k != colRoleCode {
				found++
			}
		}
	}
	for k, name := range required {
		if pos[k] < 0 {
			missing = append(missing, strconv.Quote(name))
		}
	}
	return pos, found, missing
}

// ParseLevel places a proficiency level on the passport's scale: 1–6 for a
// TSC (also "Level 3", "3.0", "Proficiency 3"), Basic, Intermediate or
// Advanced for a CCS. Empty text is no level (nil); anything else wraps
// ErrLevel.
func ParseLevel(s string) (*passport.Level, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	num := s
	if l := strings.ToLower(s); strings.HasPrefix(l, "level") || strings.HasPrefix(l, "proficiency") {
		num = strings.TrimSpace(strings.TrimLeft(l, "abcdefghijklmnopqrstuvwxyz"))
	}
	if f, err := strconv.ParseFloat(num, 64); err == nil {
		n := int(f)
		if float64(n) != f || n < 1 || n > 6 {
			return nil, fmt.Errorf("%w: %q is not 1 to 6", ErrLevel, s)
		}
		l := passport.Proficiency(n)
		if num != s {
			l.Label = s
		}
		return &l, nil
	}
	switch strings.ToLower(s) {
	case "basic", "intermediate", "advanced":
		if l, ok := passport.ParseLevel(s); ok {
			return &l, nil
		}
	}
	return nil, fmt.Errorf("%w: %q is neither 1 to 6 nor Basic, Intermediate or Advanced", ErrLevel, s)
}

// columnName is the spreadsheet's name of a 0-based column index.
func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return name
}

type roleKey struct{ sector, track, title string }

// build groups the rows into roles and skills.
func build(sheet string, pos []int, rows []row) (*Framework, error) {
	fw := &Framework{}
	roles := map[roleKey]*Role{}
	givenCode := map[roleKey]string{}
	skills := map[string]int{} // code -> index in fw.Skills
	prefixes := map[string]map[string]int{}
	var order []roleKey
	for _, r := range rows {
		if _, err := ParseLevel(r.v[colProficiency]); err != nil {
			return nil, &CellError{Sheet: sheet, Row: r.line, Column: columnName(pos[colProficiency]),
				Header: ColProficiency, Value: r.v[colProficiency], Err: err}
		}
		fw.Rows++
		code := strings.ToUpper(r.v[colCode])
		s := Skill{Code: code, Title: r.v[colTitle], Type: normType(r.v[colType])}
		if code != "" {
			if _, ok := skills[code]; !ok {
				skills[code] = len(fw.Skills)
				cs := s
				cs.Sector = r.v[colSector]
				fw.Skills = append(fw.Skills, cs)
			}
			if p, _, ok := strings.Cut(code, "-"); ok && p != "CCS" && !strings.Contains(code, "-CCS-") {
				if prefixes[r.v[colSector]] == nil {
					prefixes[r.v[colSector]] = map[string]int{}
				}
				prefixes[r.v[colSector]][p]++
			}
		}
		if r.v[colJobRole] == "" || code == "" {
			continue
		}
		k := roleKey{r.v[colSector], r.v[colTrack], r.v[colJobRole]}
		role := roles[k]
		if role == nil {
			role = &Role{Title: k.title, Sector: k.sector, Track: k.track}
			roles[k] = role
			order = append(order, k)
		}
		if givenCode[k] == "" {
			givenCode[k] = r.v[colRoleCode]
		}
		s.Level = r.v[colProficiency]
		role.Skills = append(role.Skills, s)
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("read sheet %q: %w", sheet, ErrEmpty)
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.sector != b.sector {
			return a.sector < b.sector
		}
		if a.track != b.track {
			return a.track < b.track
		}
		return a.title < b.title
	})
	for _, k := range order {
		fw.Roles = append(fw.Roles, *roles[k])
	}
	assignCodes(fw.Roles, func(i int) string {
		r := &fw.Roles[i]
		if c := givenCode[roleKey{r.Sector, r.Track, r.Title}]; c != "" {
			return strings.ToUpper(c)
		}
		return slug(sectorPrefix(r.Sector, prefixes[r.Sector])) + "-" + slug(r.Title)
	})
	sort.Slice(fw.Skills, func(i, j int) bool { return fw.Skills[i].Code < fw.Skills[j].Code })
	return fw, nil
}

func normType(t string) string {
	switch {
	case strings.EqualFold(t, "TSC"):
		return "TSC"
	case strings.EqualFold(t, "CCS"):
		return "CCS"
	}
	return strings.TrimSpace(t)
}

// sectorPrefix is the sector's most used TSC code prefix, else the
// initials of its words.
func sectorPrefix(sector string, counts map[string]int) string {
	best, n := "", 0
	for p, c := range counts {
		if c > n || (c == n && p < best) {
			best, n = p, c
		}
	}
	if best != "" {
		return best
	}
	if in := initials(sector); in != "" {
		return in
	}
	return "ROLE"
}

func initials(s string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if strings.EqualFold(w, "and") || strings.EqualFold(w, "of") || strings.EqualFold(w, "the") {
			continue
		}
		b.WriteRune(unicode.ToUpper([]rune(w)[0]))
	}
	return b.String()
}

// slug is s in upper case, runs of other characters than letters and digits
// made one hyphen.
func slug(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToUpper(s), func(r rune) bool {
		return r > unicode.MaxASCII || (!unicode.IsLetter(r) && !unicode.IsDigit(r))
	}), "-")
}

// assignCodes gives each role its base code, then makes codes unique: roles
// sharing one get their track's initials appended, and any left sharing a
// number from 2 on (in role order).
func assignCodes(roles []Role, base func(i int) string) {
	groups := map[string][]int{}
	for i := range roles {
		roles[i].Code = base(i)
		groups[roles[i].Code] = append(groups[roles[i].Code], i)
	}
	for _, idx := range groups {
		if len(idx) < 2 {
			continue
		}
		for _, i := range idx {
			if in := initials(roles[i].Track); in != "" {
				roles[i].Code += "-" + in
			}
		}
	}
	seen := map[string]int{}
	for i := range roles {
		c := roles[i].Code
		seen[c]++
		if n := seen[c]; n > 1 {
			for {
				cand := c + "-" + strconv.Itoa(n)
				if seen[cand] == 0 {
					roles[i].Code = cand
					seen[cand] = 1
					break
				}
				n++
			}
		}
	}
}

// Catalog lists every skill of the framework keyed as the passport keys
// alignments, with its title, TSC/CCS type and sector.
func (f *Framework) Catalog() passport.Catalog {
	cat := passport.Catalog{}
	f.AddTo(cat)
	return cat
}

// AddTo adds the framework's skills to cat.
func (f *Framework) AddTo(cat passport.Catalog) {
	for _, s := range f.Skills {
		cat.Add(passport.CatalogEntry{Ref: s.Ref(), Sector: s.Sector})
	}
}

// Sectors lists the sectors of the framework's roles, sorted.
func (f *Framework) Sectors() []string {
	var out []string
	for i, r := range f.Roles {
		if i == 0 || r.Sector != f.Roles[i-1].Sector {
			out = append(out, r.Sector)
		}
	}
	return out
}

// Match returns the roles that query names exactly, ignoring case, spacing
// and punctuation: the role whose code it is; else every role with that
// title; else the roles it names as "Sector / Title" or
// "Sector / Track / Title".
func (f *Framework) Match(query string) []Role {
	q := foldHeader(query)
	if q == "" {
		return nil
	}
	for _, r := range f.Roles {
		if strings.EqualFold(r.Code, strings.TrimSpace(query)) {
			return []Role{r}
		}
	}
	for _, r := range f.Roles {
		if foldHeader(r.Code) == q {
			return []Role{r}
		}
	}
	var out []Role
	for _, r := range f.Roles {
		if foldHeader(r.Title) == q {
			out = append(out, r)
		}
	}
	if len(out) > 0 {
		return out
	}
	parts := strings.Split(query, "/")
	for i := range parts {
		parts[i] = foldHeader(parts[i])
	}
	for _, r := range f.Roles {
		switch len(parts) {
		case 2:
			if foldHeader(r.Sector) == parts[0] && foldHeader(r.Title) == parts[1] {
				out = append(out, r)
			}
		case 3:
			if foldHeader(r.Sector) == parts[0] && foldHeader(r.Track) == parts[1] && foldHeader(r.Title) == parts[2] {
				out = append(out, r)
			}
		}
	}
	return out
}

// Near returns up to n roles whose code or title comes close to query (by
// containing it, or by edit distance), closest first.
func (f *Framework) Near(query string, n int) []Role {
	q := foldHeader(query)
	if q == "" || n <= 0 {
		return nil
	}
	type cand struct {
		r Role
		d int
	}
	var cs []cand
	for _, r := range f.Roles {
		d := -1
		for _, s := range []string{foldHeader(r.Code), foldHeader(r.Title)} {
			var dd int
			switch {
			case strings.Contains(s, q) || strings.Contains(q, s):
				dd = 0
			default:
				dd = distance(q, s)
				if dd > max(2, len(q)/3) {
					continue
				}
			}
			if d < 0 || dd < d {
				d = dd
			}
		}
		if d >= 0 {
			cs = append(cs, cand{r, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	out := make([]Role, 0, min(n, len(cs)))
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].r)
	}
	return out
}

// distance is the Levenshtein distance of a and b (bytes), capped at 64
// characters each so that it stays cheap.
func distance(a, b string) int {
	if len(a) > 64 {
		a = a[:64]
	}
	if len(b) > 64 {
		b = b[:64]
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Role returns the one role query names (see Match). No match gives an
// error wrapping ErrNoRole that lists near matches; a title of several
// roles one wrapping ErrAmbiguousRole that lists them.
func (f *Framework) Role(query string) (Role, error) {
	m := f.Match(query)
	switch len(m) {
	case 1:
		return m[0], nil
	case 0:
		return Role{}, NoRoleError(query, f.Near(query, 5))
	default:
		return Role{}, AmbiguousError(query, m)
	}
}

// NoRoleError is the error for a query that names no role, listing near
// matches when there are some. It wraps ErrNoRole.
func NoRoleError(query string, near []Role) error {
	if len(near) == 0 {
		return fmt.Errorf("%w %q", ErrNoRole, query)
	}
	return fmt.Errorf("%w %q; near matches: %s", ErrNoRole, query, roleList(near))
}

// AmbiguousError is the error for a query that names several roles, listing
// them. It wraps ErrAmbiguousRole.
func AmbiguousError(query string, roles []Role) error {
	return fmt.Errorf("%q: %w: %s; give the code", query, ErrAmbiguousRole, roleList(roles))
}

func roleList(roles []Role) string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = r.String()
	}
	return strings.Join(s, "; ")
}
