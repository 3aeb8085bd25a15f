// Package pdf prints a learner's skills passport on one A4 page: who holds
// it, when it was made, the skills by category (level, freshness, evidence
// count, issuers), the pathways with their progress, the credentials that
// expire soon and, when a role was given, the gap analysis. It is the
// presentation layer's printable summary: it takes a passport.View and
// writes a PDF with github.com/go-pdf/fpdf, using the PDF core font
// Helvetica (text is converted to Windows-1252; characters outside it print
// as a dot).
//
// WriteSheet (sheet.go) prints the other page Skillpass makes: a
// presentation's QR code, large enough to scan from paper, with what it
// discloses (claim names, never values) and how to verify it.
//
// The page never overflows: when the lists are longer than the page holds,
// each section gets a fair share of the rows (the shortest sections keep
// all of theirs) and a list that does not fit ends with "and N more".
//
// The printed summary is not a proof: it says so in its footer and points
// to the signed passport file.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"github.com/skillpass/skillpass/passport"
)

// Summary is what the page shows.
type Summary struct {
	// HolderName is the learner's name as they want it printed; optional.
	HolderName string
	// HolderDID is the learner's holder DID; optional.
	HolderDID string
	// View is the passport to print. Its GeneratedAt is the date printed;
	// its Gaps, when set, are printed as the role gap section.
	View passport.View
}

// Options tune the output.
type Options struct {
	// Uncompressed leaves the page's content stream uncompressed (tests read
	// it); the default compresses it.
	Uncompressed bool
}

// ErrPDF is returned (wrapped) when the PDF library fails to lay out or
// write the page.
var ErrPDF = errors.New("cannot make the PDF")

// Page geometry, in millimetres.
const (
	pageW, pageH = 210.0, 297.0
	margin       = 15.0
	contentW     = pageW - 2*margin
	rowH         = 4.6  // one table row
	titleH       = 8.0  // a section title
	sectionGap   = 3.0  // space before a section title
	bodyTop      = 44.0 // where the first section starts
	footerTop    = pageH - 14.0
	bodyFontPt   = 8.5
)

// Skill table columns: skill, level, freshness, evidence, issuers.
var skillCols = [5]float64{60, 28, 34, 14, contentW - 60 - 28 - 34 - 14}

// Write writes the one-page summary of s to w.
func Write(w io.Writer, s Summary, opts Options) error {
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCompression(!opts.Uncompressed)
	doc.SetAutoPageBreak(false, 0)
	doc.SetMargins(margin, margin, margin)
	doc.SetCatalogSort(true)
	at := s.View.GeneratedAt
	if at.IsZero() {
		at = time.Unix(0, 0)
	}
	doc.SetCreationDate(at.UTC())
	doc.SetModificationDate(at.UTC())
	doc.SetTitle("Skills passport", true)
	doc.SetCreator("Skillpass", true)
	if s.HolderName != "" {
		doc.SetAuthor(s.HolderName, true)
	}
	p := &page{doc: doc, tr: doc.UnicodeTranslatorFromDescriptor("")}
	doc.AddPage()
	p.header(s)
	p.body(s.View)
	p.footer()
	if err := doc.Output(w); err != nil {
		return fmt.Errorf("%w: %w", ErrPDF, err)
	}
	return nil
}

// page is the page being drawn.
type page struct {
	doc *fpdf.Fpdf
	tr  func(string) string
}

// text converts s for the core font: control characters become spaces and
// runs of white space one space, then UTF-8 becomes Windows-1252.
func (p *page) text(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	return p.tr(s)
}

// fit converts s and cuts it to width w (in the current font), ending a
// cut text with an ellipsis.
func (p *page) fit(s string, w float64) string {
	t := p.text(s)
	if p.doc.GetStringWidth(t) <= w {
		return t
	}
	const ellipsis = "\x85" // … in Windows-1252
	for len(t) > 0 && p.doc.GetStringWidth(t+ellipsis) > w {
		t = t[:len(t)-1]
	}
	return strings.TrimRight(t, " ") + ellipsis
}

// cell prints s cut to width w at the current position and moves right.
func (p *page) cell(w, h float64, s, align string, fill bool) {
	p.doc.CellFormat(w, h, p.fit(s, w-1), "", 0, align, fill, 0, "")
}

func (p *page) font(style string, size float64) { p.doc.SetFont("Helvetica", style, size) }

func (p *page) header(s Summary) {
	d := p.doc
	d.SetXY(margin, margin)
	p.font("B", 18)
	d.SetTextColor(20, 40, 80)
	title := "Skills passport"
	if s.HolderName != "" {
		title += " – " + s.HolderName
	}
	p.cell(contentW, 9, title, "L", false)
	d.SetTextColor(60, 60, 60)
	d.SetXY(margin, margin+10)
	p.font("", 8)
	if s.HolderDID != "" {
		p.cell(contentW, 4.5, "Holder: "+s.HolderDID, "L", false)
		d.SetXY(margin, margin+14.5)
	}
	p.font("", 9)
	v := s.View
	line := fmt.Sprintf("Made %s from %d credential%s: %d skill%s, %d pathway%s.",
		dateStr(v.GeneratedAt), v.Credentials, plural(v.Credentials), len(v.Skills), plural(len(v.Skills)),
		len(v.Pathways), plural(len(v.Pathways)))
	p.cell(contentW, 4.5, line, "L", false)
	d.SetDrawColor(20, 40, 80)
	d.SetLineWidth(0.5)
	d.Line(margin, bodyTop-4, pageW-margin, bodyTop-4)
	d.SetTextColor(0, 0, 0)
}

func (p *page) footer() {
	d := p.doc
	d.SetDrawColor(180, 180, 180)
	d.SetLineWidth(0.2)
	d.Line(margin, footerTop, pageW-margin, footerTop)
	d.SetXY(margin, footerTop+1.5)
	p.font("I", 7.5)
	d.SetTextColor(90, 90, 90)
	p.cell(contentW, 4, "A summary printed by Skillpass from credentials its wallet verified. It is not itself a proof:", "L", false)
	d.SetXY(margin, footerTop+5.5)
	p.cell(contentW, 4, "ask the learner for the signed passport file and verify it (skillpass-cli verify or advisor open).", "L", false)
	d.SetTextColor(0, 0, 0)
}

// section is one list on the page: a title, its rows, and how it draws
// them.
type section struct {
	title string
	// extra is the height of fixed rows under the title (column heads).
	extra float64
	// rows is how many rows the whole list needs.
	rows int
	// draw draws at most n rows (the last of them "and N more" when the
	// list is cut).
	draw func(n int)
}

func (p *page) body(v passport.View) {
	var secs []section
	secs = append(secs, p.skillsSection(v))
	if len(v.Pathways) > 0 {
		secs = append(secs, p.pathwaysSection(v.Pathways))
	}
	if len(v.Expiring) > 0 {
		secs = append(secs, p.expiringSection(v.Expiring))
	}
	if v.Gaps != nil {
		secs = append(secs, p.gapsSection(v.Gaps))
	}
	space := footerTop - 2 - bodyTop
	for _, s := range secs {
		space -= sectionGap + titleH + s.extra
	}
	capacity := max(int(space/rowH), 0)
	want := make([]int, len(secs))
	for i, s := range secs {
		want[i] = s.rows
	}
	got := share(want, capacity)
	y := bodyTop - sectionGap
	for i, s := range secs {
		y += sectionGap
		p.doc.SetXY(margin, y)
		p.font("B", 11)
		p.doc.SetTextColor(20, 40, 80)
		p.cell(contentW, titleH, s.title, "L", false)
		p.doc.SetTextColor(0, 0, 0)
		p.doc.SetXY(margin, y+titleH)
		s.draw(got[i])
		y += titleH + s.extra + float64(got[i])*rowH
	}
}

// share divides capacity rows among lists wanting want rows: when they do
// not all fit, every list gets up to the same limit L (the largest that
// fits) and the rows left over go one each to the longest lists, in order.
func share(want []int, capacity int) []int {
	got := make([]int, len(want))
	total := 0
	for _, n := range want {
		total += n
	}
	if total <= capacity {
		copy(got, want)
		return got
	}
	sum := func(l int) int {
		s := 0
		for _, n := range want {
			s += min(n, l)
		}
		return s
	}
	l := 0
	for sum(l+1) <= capacity {
		l++
	}
	left := capacity - sum(l)
	for i, n := range want {
		got[i] = min(n, l)
		if n > l && left > 0 {
			got[i]++
			left--
		}
	}
	return got
}

// more is the row that ends a cut list.
func more(n int, what string) string {
	return fmt.Sprintf("and %d more %s", n, what)
}

// newRow starts a table row at the current line.
func (p *page) newRow() { p.doc.SetX(margin) }

// nextRow moves to the next row.
func (p *page) nextRow() { p.doc.SetXY(margin, p.doc.GetY()+rowH) }

func (p *page) moreRow(n int, what string) {
	p.newRow()
	p.font("I", bodyFontPt)
	p.doc.SetTextColor(90, 90, 90)
	p.cell(contentW, rowH, more(n, what), "L", false)
	p.doc.SetTextColor(0, 0, 0)
	p.nextRow()
}

func (p *page) skillsSection(v passport.View) section {
	skills := v.Skills
	// Rows: one per skill, one per category heading.
	rows := len(skills)
	for i := range skills {
		if i == 0 || skills[i].Category != skills[i-1].Category {
			rows++
		}
	}
	if len(skills) == 0 {
		rows = 1
	}
	return section{
		title: "Skills", extra: rowH, rows: rows,
		draw: func(n int) {
			p.font("B", 7.5)
			p.doc.SetTextColor(90, 90, 90)
			for i, h := range []string{"Skill", "Level", "Freshness (last seen)", "Evidence", "Issuers"} {
				p.cell(skillCols[i], rowH, h, "L", false)
			}
			p.doc.SetTextColor(0, 0, 0)
			p.nextRow()
			if len(skills) == 0 {
				p.font("I", bodyFontPt)
				p.cell(contentW, rowH, "No verified skills yet.", "L", false)
				return
			}
			if n <= 0 {
				return
			}
			budget := n
			if n < rows {
				budget = n - 1 // the last row says how many more
			}
			used, shown := 0, 0
			for i, s := range skills {
				heading := i == 0 || s.Category != skills[i-1].Category
				need := 1
				if heading {
					need = 2
				}
				if used+need > budget {
					break
				}
				if heading {
					p.newRow()
					p.font("B", bodyFontPt)
					p.doc.SetFillColor(232, 238, 246)
					p.cell(contentW, rowH, firstNonEmpty(s.CategoryLabel, string(s.Category)), "L", true)
					p.nextRow()
				}
				p.newRow()
				p.font("", bodyFontPt)
				name := s.Name
				if s.Unconfirmed {
					name += " (not fully checked)"
				}
				p.cell(skillCols[0], rowH, name, "L", false)
				p.cell(skillCols[1], rowH, s.Level.Label, "L", false)
				fresh := string(s.Freshness.State)
				if !s.LastEvidenced.IsZero() {
					fresh += " (" + dateStr(s.LastEvidenced) + ")"
				}
				p.cell(skillCols[2], rowH, fresh, "L", false)
				p.cell(skillCols[3], rowH, fmt.Sprint(s.EvidenceCount), "C", false)
				p.cell(skillCols[4], rowH, strings.Join(s.IssuerNames(), ", "), "L", false)
				p.nextRow()
				used += need
				shown++
			}
			if shown < len(skills) {
				p.moreRow(len(skills)-shown, "skills")
			}
		},
	}
}

func (p *page) pathwaysSection(ps []passport.Progress) section {
	const barW = 30.0
	return section{
		title: "Pathways", rows: len(ps),
		draw: func(n int) {
			shown := min(n, len(ps))
			if shown < len(ps) {
				shown = max(n-1, 0)
			}
			for _, pw := range ps[:shown] {
				p.newRow()
				// A progress bar: met of needed.
				x, y := p.doc.GetX(), p.doc.GetY()
				p.doc.SetDrawColor(120, 140, 170)
				p.doc.SetLineWidth(0.2)
				p.doc.SetFillColor(255, 255, 255)
				p.doc.Rect(x, y+1, barW, rowH-2, "D")
				if pw.Needed > 0 {
					frac := min(float64(pw.Met)/float64(pw.Needed), 1)
					if pw.Complete {
						frac = 1
					}
					if frac > 0 {
						p.doc.SetFillColor(60, 120, 190)
						p.doc.Rect(x, y+1, barW*frac, rowH-2, "F")
					}
				}
				p.doc.SetX(x + barW + 3)
				p.font("", bodyFontPt)
				text := firstNonEmpty(pw.Summary, fmt.Sprintf("%d of %d toward %s", pw.Met, pw.Needed, pw.Name))
				if pw.Complete {
					p.font("B", bodyFontPt)
					text += " (complete)"
				}
				p.cell(contentW-barW-3, rowH, text, "L", false)
				p.nextRow()
			}
			if shown < len(ps) && n > 0 {
				p.moreRow(len(ps)-shown, "pathways")
			}
		},
	}
}

func (p *page) expiringSection(es []passport.Expiring) section {
	return section{
		title: "Expiring soon", rows: len(es),
		draw: func(n int) {
			shown := min(n, len(es))
			if shown < len(es) {
				shown = max(n-1, 0)
			}
			for _, e := range es[:shown] {
				p.newRow()
				p.font("", bodyFontPt)
				p.cell(88, rowH, e.Name, "L", false)
				p.cell(56, rowH, firstNonEmpty(e.Issuer.Name, e.Issuer.ID), "L", false)
				p.cell(contentW-88-56, rowH, fmt.Sprintf("%s (%d day%s)", dateStr(e.ValidUntil), e.DaysLeft, plural(e.DaysLeft)), "L", false)
				p.nextRow()
			}
			if shown < len(es) && n > 0 {
				p.moreRow(len(es)-shown, "credentials")
			}
		},
	}
}

func (p *page) gapsSection(g *passport.GapReport) section {
	title := fmt.Sprintf("Against %s: %d%% match (%d met, %d stale, %d below level, %d missing)",
		g.Role, g.Percent, g.Met, g.Stale, g.Below, g.Missing)
	rows := len(g.Skills)
	return section{
		title: title, rows: rows,
		draw: func(n int) {
			shown := min(n, rows)
			if shown < rows {
				shown = max(n-1, 0)
			}
			for _, s := range g.Skills[:shown] {
				p.newRow()
				p.font("B", bodyFontPt)
				p.cell(20, rowH, string(s.Status), "L", false)
				p.font("", bodyFontPt)
				p.cell(90, rowH, s.Name, "L", false)
				need := "any level"
				if s.Required != nil {
					need = "needs " + s.Required.Label
				}
				have := "not held"
				switch {
				case s.Have != nil:
					have = "holds " + s.Have.Label
				case s.Status != passport.GapMissing:
					have = "held"
				}
				p.cell(contentW-110, rowH, need+", "+have, "L", false)
				p.nextRow()
			}
			if shown < rows && n > 0 {
				p.moreRow(rows-shown, "required skills")
			}
		},
	}
}

func dateStr(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
