// Package sfw reads the SkillsFuture Skills Framework workbook (.xlsx)
// published by SkillsFuture Singapore: the sheet "Job Role_TCS_CCS", which
// lists for every job role the technical skills and competencies (TSC) and
// critical core skills (CCS) it needs and at which proficiency level.
//
// The sheet's columns, found by their header (the first of the sheet's first
// 20 rows that names them all; order and extra columns do not matter):
//
//	Sector             e.g. "Infocomm Technology"
//	Track              e.g. "Data and Artificial Intelligence"
//	Job Role           e.g. "Data Analyst"
//	TSC_CCS Title      e.g. "Data Visualisation"
//	TSC_CCS Code       e.g. "ICT-DIT-3007-1.1"
//	TSC_CCS Type       "TSC" or "CCS"
//	Proficiency Level  1–6 for a TSC; Basic, Intermediate or Advanced for a CCS
//
// From it the package makes a passport.Catalog (names, TSC/CCS types and
// sectors of every skill) and passport.Role profiles (a job role's skills at
// their proficiency levels).
//
// An .xlsx file is a zip of XML parts; this package reads the few it needs
// with the standard library (archive/zip, encoding/xml): the workbook's sheet
// list and relationships, the one worksheet, and the shared strings that
// worksheet uses. Every size is capped (see Limits) so that a hostile file —
// a zip bomb, a huge or deeply nested XML part — fails with ErrTooLarge
// instead of exhausting memory. The workbook itself is not shipped: users
// download it from SkillsFuture under its own licence.
package sfw

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/skillpass/skillpass/passport"
)

// SheetName is the sheet this package reads.
const SheetName = "Job Role_TCS_CCS"

// The columns it needs, by header.
const (
	ColSector      = "Sector"
	ColTrack       = "Track"
	ColJobRole     = "Job Role"
	ColTitle       = "TSC_CCS Title"
	ColCode        = "TSC_CCS Code"
	ColType        = "TSC_CCS Type"
	ColProficiency = "Proficiency Level"
)

var columns = []string{ColSector, ColTrack, ColJobRole, ColTitle, ColCode, ColType, ColProficiency}

// Errors callers branch on.
var (
	// ErrNotWorkbook: the file is not an .xlsx workbook (not a zip, or no
	// workbook part).
	ErrNotWorkbook = errors.New("not an xlsx workbook")
	// ErrNoSheet: the workbook has no sheet named SheetName.
	ErrNoSheet = errors.New("workbook has no sheet " + SheetName)
	// ErrColumns: the sheet has no header row naming every needed column.
	ErrColumns = errors.New("sheet lacks the expected columns")
	// ErrTooLarge: a part of the file is larger than Limits allow.
	ErrTooLarge = errors.New("workbook exceeds the size limits")
	// ErrNoRole: no job role of that name.
	ErrNoRole = errors.New("no such job role")
	// ErrAmbiguousRole: the job role name exists in several sectors or
	// tracks; name it as "Sector / Track / Job Role".
	ErrAmbiguousRole = errors.New("job role exists in several sectors or tracks")
)

// Limits caps what reading a workbook may cost. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// MaxFileSize bounds the .xlsx file (ReadFile).
	MaxFileSize int64
	// MaxPartSize bounds the uncompressed size of each XML part read,
	// whatever the zip headers claim.
	MaxPartSize int64
	// MaxParts bounds the number of files in the zip.
	MaxParts int
	// MaxRows and MaxCols bound the sheet; MaxStrings the shared strings.
	MaxRows, MaxCols, MaxStrings int
	// MaxDepth bounds XML nesting.
	MaxDepth int
}

// DefaultLimits fit the official workbook (about 13 MB, some 45,000 rows in
// the sheet) with room to spare.
var DefaultLimits = Limits{
	MaxFileSize: 256 << 20,
	MaxPartSize: 256 << 20,
	MaxParts:    10_000,
	MaxRows:     1_000_000,
	MaxCols:     256,
	MaxStrings:  4_000_000,
	MaxDepth:    32,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxFileSize > 0 {
		d.MaxFileSize = l.MaxFileSize
	}
	if l.MaxPartSize > 0 {
		d.MaxPartSize = l.MaxPartSize
	}
	if l.MaxParts > 0 {
		d.MaxParts = l.MaxParts
	}
	if l.MaxRows > 0 {
		d.MaxRows = l.MaxRows
	}
	if l.MaxCols > 0 {
		d.MaxCols = l.MaxCols
	}
	if l.MaxStrings > 0 {
		d.MaxStrings = l.MaxStrings
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	return d
}

// Row is one row of the sheet, its cells trimmed.
type Row struct {
	Sector, Track, JobRole string
	Title, Code, Type      string
	Proficiency            string
	Line                   int // the row's number in the sheet
}

// Framework is what the sheet says.
type Framework struct {
	Rows []Row
}

// ReadFile reads a workbook from a file system (os.DirFS, an embed.FS, a
// test's fstest.MapFS).
func ReadFile(fsys fs.FS, name string, lim Limits) (*Framework, error) {
	lim = lim.withDefaults()
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open workbook: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, lim.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if int64(len(b)) > lim.MaxFileSize {
		return nil, fmt.Errorf("read workbook: file larger than %d bytes: %w", lim.MaxFileSize, ErrTooLarge)
	}
	return Read(bytes.NewReader(b), int64(len(b)), lim)
}

// Read reads the sheet SheetName of the workbook in r (size bytes long).
func Read(r io.ReaderAt, size int64, lim Limits) (*Framework, error) {
	lim = lim.withDefaults()
	if size > lim.MaxFileSize {
		return nil, fmt.Errorf("read workbook: file larger than %d bytes: %w", lim.MaxFileSize, ErrTooLarge)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w: %w", ErrNotWorkbook, err)
	}
	if len(zr.File) > lim.MaxParts {
		return nil, fmt.Errorf("read workbook: %d parts: %w", len(zr.File), ErrTooLarge)
	}
	wb := &workbook{zr: zr, lim: lim}
	sheetPath, sstPath, err := wb.parts()
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	cells, err := wb.sheet(sheetPath)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", SheetName, err)
	}
	if err := wb.resolve(cells, sstPath); err != nil {
		return nil, fmt.Errorf("read shared strings: %w", err)
	}
	rows, err := table(cells)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", SheetName, err)
	}
	return &Framework{Rows: rows}, nil
}

type workbook struct {
	zr  *zip.Reader
	lim Limits
}

func (wb *workbook) file(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range wb.zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// decoder opens a part for streaming XML with the size cap applied to its
// uncompressed bytes.
func (wb *workbook) decoder(name string) (*xmlReader, error) {
	f := wb.file(name)
	if f == nil {
		return nil, fmt.Errorf("%w: no part %s", ErrNotWorkbook, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	cr := &cappedReader{r: rc, left: wb.lim.MaxPartSize, name: name}
	return &xmlReader{d: xml.NewDecoder(cr), c: rc, max: wb.lim.MaxDepth, name: name}, nil
}

// cappedReader fails once more than left bytes come out of a part: the
// header's declared size is not trusted.
type cappedReader struct {
	r    io.Reader
	left int64
	name string
}

// Read reads from the part, failing with ErrTooLarge past the cap.
func (c *cappedReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		// One byte more tells a part exactly at the cap from a bigger one.
		var one [1]byte
		if n, _ := c.r.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("part %s: %w", c.name, ErrTooLarge)
		}
		return c.r.Read(p)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// xmlReader streams tokens with a depth cap.
type xmlReader struct {
	d     *xml.Decoder
	c     io.Closer
	depth int
	max   int
	name  string
}

// Close closes the part.
func (x *xmlReader) Close() error { return x.c.Close() }

// next returns the next start element, end element or text; io.EOF at the
// end.
func (x *xmlReader) next() (xml.Token, error) {
	for {
		t, err := x.d.Token()
		if err != nil {
			if errors.Is(err, ErrTooLarge) || err == io.EOF {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", x.name, err)
		}
		switch t.(type) {
		case xml.StartElement:
			x.depth++
			if x.depth > x.max {
				return nil, fmt.Errorf("%s nested deeper than %d: %w", x.name, x.max, ErrTooLarge)
			}
			return t, nil
		case xml.EndElement:
			x.depth--
			return t, nil
		case xml.CharData:
			return t, nil
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// parts finds the worksheet part of SheetName and the shared strings part
// through the workbook and its relationships.
func (wb *workbook) parts() (sheet, sst string, err error) {
	x, err := wb.decoder("xl/workbook.xml")
	if err != nil {
		return "", "", err
	}
	defer x.Close()
	rid := ""
	for rid == "" {
		t, err := x.next()
		if err == io.EOF {
			return "", "", ErrNoSheet
		}
		if err != nil {
			return "", "", err
		}
		if se, ok := t.(xml.StartElement); ok && se.Name.Local == "sheet" &&
			strings.TrimSpace(attr(se, "name")) == SheetName {
			rid = attr(se, "id") // r:id
			if rid == "" {
				return "", "", fmt.Errorf("%w: sheet %s has no relationship id", ErrNotWorkbook, SheetName)
			}
		}
	}
	rels, err := wb.decoder("xl/_rels/workbook.xml.rels")
	if err != nil {
		return "", "", err
	}
	defer rels.Close()
	sst = "xl/sharedStrings.xml"
	for {
		t, err := rels.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", "", err
		}
		se, ok := t.(xml.StartElement)
		if !ok || se.Name.Local != "Relationship" {
			continue
		}
		target := attr(se, "Target")
		if strings.HasPrefix(target, "/") {
			target = path.Clean(target[1:])
		} else {
			target = path.Join("xl", target)
		}
		switch {
		case attr(se, "Id") == rid:
			sheet = target
		case strings.HasSuffix(attr(se, "Type"), "/sharedStrings"):
			sst = target
		}
	}
	if sheet == "" {
		return "", "", fmt.Errorf("%w: no relationship %s for sheet %s", ErrNotWorkbook, rid, SheetName)
	}
	return sheet, sst, nil
}

// cell is one cell's value: text, or a shared string index (sst ≥ 0) to
// resolve later.
type cell struct {
	col  int
	sst  int
	text string
}

type sheetRow struct {
	line  int
	cells []cell
}

// sheet reads the worksheet's cells, keeping shared strings as indices.
func (wb *workbook) sheet(name string) ([]sheetRow, error) {
	x, err := wb.decoder(name)
	if err != nil {
		return nil, err
	}
	defer x.Close()
	var rows []sheetRow
	var cur *sheetRow
	var c *cell
	var typ string
	var inV, inIS, inT bool
	var text strings.Builder
	for {
		t, err := x.next()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				if len(rows) >= wb.lim.MaxRows {
					return nil, fmt.Errorf("more than %d rows: %w", wb.lim.MaxRows, ErrTooLarge)
				}
				line := len(rows) + 1
				if r, err := strconv.Atoi(attr(t, "r")); err == nil && r > 0 {
					line = r
				}
				rows = append(rows, sheetRow{line: line})
				cur = &rows[len(rows)-1]
			case "c":
				if cur == nil {
					continue
				}
				col := len(cur.cells)
				if ref := attr(t, "r"); ref != "" {
					if n, ok := column(ref); ok {
						col = n
					}
				}
				if col >= wb.lim.MaxCols {
					c = nil // beyond the columns we read
					continue
				}
				cur.cells = append(cur.cells, cell{col: col, sst: -1})
				c = &cur.cells[len(cur.cells)-1]
				typ = attr(t, "t")
			case "v":
				inV = c != nil
				text.Reset()
			case "is":
				inIS = c != nil
				text.Reset()
			case "t":
				inT = inIS
			}
		case xml.CharData:
			if inV || (inIS && inT) {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				if inV && c != nil {
					v := strings.TrimSpace(text.String())
					if typ == "s" {
						n, err := strconv.Atoi(v)
						if err != nil || n < 0 || n >= wb.lim.MaxStrings {
							return nil, fmt.Errorf("row %d: bad shared string index %q", cur.line, v)
						}
						c.sst = n
					} else {
						c.text = v
					}
				}
				inV = false
			case "t":
				inT = false
			case "is":
				if inIS && c != nil {
					c.text = text.String()
				}
				inIS = false
			case "c":
				c = nil
			case "row":
				cur = nil
			}
		}
	}
}

// column reads the column of a cell reference such as "AB12" (0-based).
func column(ref string) (int, bool) {
	n := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > 1<<20 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

// resolve reads the shared strings the cells use and fills them in.
func (wb *workbook) resolve(rows []sheetRow, part string) error {
	need := map[int]bool{}
	for _, r := range rows {
		for _, c := range r.cells {
			if c.sst >= 0 {
				need[c.sst] = true
			}
		}
	}
	if len(need) == 0 {
		return nil
	}
	x, err := wb.decoder(part)
	if err != nil {
		return err
	}
	defer x.Close()
	got := make(map[int]string, len(need))
	idx := -1
	var inSI, inT bool
	skip := 0 // inside <rPh> (phonetic hints), whose text is not the cell's
	var text strings.Builder
	for {
		t, err := x.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch t := t.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				idx++
				if idx >= wb.lim.MaxStrings {
					return fmt.Errorf("more than %d shared strings: %w", wb.lim.MaxStrings, ErrTooLarge)
				}
				inSI = true
				text.Reset()
			case "rPh":
				skip++
			case "t":
				inT = inSI && skip == 0
			}
		case xml.CharData:
			if inT && need[idx] {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t":
				inT = false
			case "rPh":
				skip--
			case "si":
				if need[idx] {
					got[idx] = text.String()
				}
				inSI = false
			}
		}
	}
	for i := range rows {
		for j := range rows[i].cells {
			c := &rows[i].cells[j]
			if c.sst >= 0 {
				s, ok := got[c.sst]
				if !ok {
					return fmt.Errorf("row %d: shared string %d does not exist", rows[i].line, c.sst)
				}
				c.text = s
			}
		}
	}
	return nil
}

// headerName folds a header for comparison.
func headerName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// table finds the header and reads the rows under it.
func table(rows []sheetRow) ([]Row, error) {
	want := map[string]int{}
	for i, c := range columns {
		want[headerName(c)] = i
	}
	var pos []int
	start := -1
	best := 0
	var bestMissing []string
	for i := 0; i < len(rows) && i < 20 && start < 0; i++ {
		p := make([]int, len(columns))
		for k := range p {
			p[k] = -1
		}
		found := 0
		for _, c := range rows[i].cells {
			if k, ok := want[headerName(c.text)]; ok && p[k] < 0 {
				p[k] = c.col
				found++
			}
		}
		if found == len(columns) {
			pos, start = p, i+1
		} else if found > best {
			best = found
			bestMissing = bestMissing[:0]
			for k, v := range p {
				if v < 0 {
					bestMissing = append(bestMissing, columns[k])
				}
			}
		}
	}
	if start < 0 {
		if best == 0 {
			return nil, fmt.Errorf("%w: no header row naming %s", ErrColumns, strings.Join(columns, ", "))
		}
		return nil, fmt.Errorf("%w: missing %s", ErrColumns, strings.Join(bestMissing, ", "))
	}
	var out []Row
	vals := make([]string, len(columns))
	for _, r := range rows[start:] {
		clear(vals)
		for _, c := range r.cells {
			for k, col := range pos {
				if c.col == col {
					vals[k] = strings.TrimSpace(c.text)
				}
			}
		}
		row := Row{Sector: vals[0], Track: vals[1], JobRole: vals[2], Title: vals[3], Code: vals[4], Type: vals[5],
			Proficiency: vals[6], Line: r.line}
		if row.JobRole == "" && row.Code == "" {
			continue // blank or a note
		}
		out = append(out, row)
	}
	return out, nil
}

// ref is the passport's reference for a row's skill.
func (r Row) ref() passport.SkillRef {
	return passport.SFwRef(r.Code, r.Title, r.Type)
}

// level places a row's proficiency on the passport's scale: 1–6 for a TSC
// (also "Level 3", "3.0"), Basic/Intermediate/Advanced for a CCS.
func (r Row) level() (*passport.Level, error) {
	p := strings.TrimSpace(r.Proficiency)
	if p == "" {
		return nil, nil
	}
	if f, err := strconv.ParseFloat(p, 64); err == nil {
		n := int(f)
		if float64(n) != f || n < 1 || n > 6 {
			return nil, fmt.Errorf("row %d: proficiency level %q is not 1 to 6", r.Line, p)
		}
		l := passport.Proficiency(n)
		return &l, nil
	}
	if l, ok := passport.ParseLevel(p); ok {
		if l.Scale == passport.ScaleLevel {
			// "Level N" here is proficiency N of 6.
			if n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.ToLower(p), "level"))); err == nil && n >= 1 && n <= 6 {
				l2 := passport.Proficiency(n)
				l2.Label = p
				return &l2, nil
			}
		}
		return &l, nil
	}
	return nil, fmt.Errorf("row %d: proficiency level %q is not a level", r.Line, p)
}

// Catalog lists every skill of the sheet, keyed as the passport keys
// alignments, with its title, TSC/CCS type and sector.
func (f *Framework) Catalog() passport.Catalog {
	cat := passport.Catalog{}
	for _, r := range f.Rows {
		if r.Code == "" {
			continue
		}
		cat.Add(passport.CatalogEntry{Ref: r.ref(), Sector: r.Sector})
	}
	return cat
}

// JobRole names a job role of the framework.
type JobRole struct {
	Sector, Track, Name string
}

// String is "Sector / Track / Job Role", the form Role accepts.
func (j JobRole) String() string { return j.Sector + " / " + j.Track + " / " + j.Name }

// JobRoles lists the job roles, sorted.
func (f *Framework) JobRoles() []JobRole {
	seen := map[JobRole]bool{}
	var out []JobRole
	for _, r := range f.Rows {
		j := JobRole{r.Sector, r.Track, r.JobRole}
		if r.JobRole != "" && !seen[j] {
			seen[j] = true
			out = append(out, j)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].String() < out[b].String() })
	return out
}

// Role returns the role profile of a job role, named by its title ("Data
// Analyst") or, where the title exists in several sectors or tracks, as
// "Sector / Job Role" or "Sector / Track / Job Role". Names match ignoring
// case and spacing. A skill listed twice takes the higher level.
func (f *Framework) Role(name string) (passport.Role, error) {
	parts := strings.Split(name, "/")
	for i := range parts {
		parts[i] = headerName(parts[i])
	}
	if len(parts) > 3 || parts[len(parts)-1] == "" {
		return passport.Role{}, fmt.Errorf("role %q: %w", name, ErrNoRole)
	}
	match := func(j JobRole) bool {
		switch len(parts) {
		case 1:
			return headerName(j.Name) == parts[0]
		case 2:
			return headerName(j.Sector) == parts[0] && headerName(j.Name) == parts[1]
		default:
			return headerName(j.Sector) == parts[0] && headerName(j.Track) == parts[1] && headerName(j.Name) == parts[2]
		}
	}
	var found []JobRole
	for _, j := range f.JobRoles() {
		if match(j) {
			found = append(found, j)
		}
	}
	switch len(found) {
	case 0:
		return passport.Role{}, fmt.Errorf("role %q: %w", name, ErrNoRole)
	case 1:
	default:
		var names []string
		for _, j := range found {
			names = append(names, j.String())
		}
		return passport.Role{}, fmt.Errorf("role %q: %w: %s", name, ErrAmbiguousRole, strings.Join(names, "; "))
	}
	j := found[0]
	role := passport.Role{ID: "sfw:" + j.String(), Name: j.Name, Sector: j.Sector}
	at := map[string]int{}
	for _, r := range f.Rows {
		if r.Sector != j.Sector || r.Track != j.Track || r.JobRole != j.Name || r.Code == "" {
			continue
		}
		lvl, err := r.level()
		if err != nil {
			return passport.Role{}, fmt.Errorf("role %q: %w", name, err)
		}
		rs := passport.RoleSkill{Ref: r.ref(), MinLevel: lvl, Weight: 1}
		if i, ok := at[rs.Ref.Key]; ok {
			if old := role.Skills[i].MinLevel; lvl != nil && (old == nil || lvl.Value > old.Value) {
				role.Skills[i].MinLevel = lvl
			}
			continue
		}
		at[rs.Ref.Key] = len(role.Skills)
		role.Skills = append(role.Skills, rs)
	}
	if len(role.Skills) == 0 {
		return passport.Role{}, fmt.Errorf("role %q lists no skills: %w", name, ErrNoRole)
	}
	return role, nil
}
