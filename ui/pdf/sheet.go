package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

// The printable presentation sheet: one A4 page carrying a presentation's
// QR code printed large, what it discloses to whom (claim names only, as
// the consent screen shows them) and how an employer verifies it. Paper
// holds denser codes than a screen: a sheet prints QR versions up to
// SheetMaxVersion.

const (
	// SheetMaxVersion is the largest QR version a sheet prints (ECC level M).
	SheetMaxVersion = 40
	// MinModuleMM is the smallest printed module a sheet uses, in
	// millimetres: office printers and phone cameras resolve it.
	MinModuleMM = 0.5
	// MaxModuleMM is the largest printed module, in millimetres (8 dots at
	// 300 dpi). Larger modules do not help: in a 300 dpi scan of the page,
	// gozxing's finder often fails on large codes at 9 or more dots a
	// module (measured here with versions 26 to 40), while at 6 to 8 dots
	// every code read; and a phone reads 0.5 mm modules from a page.
	MaxModuleMM = 0.7
)

// ErrNoCode is returned (wrapped) by WriteSheet and PlanSheet when the
// sheet has no code text to print.
var ErrNoCode = errors.New("the sheet has no presentation code")

// Sheet is what a printable presentation sheet carries.
type Sheet struct {
	// Code is the QR code's text: the presentation's SP1 payload
	// (qr.Encode). Required.
	Code string
	// Preview is what the presentation discloses, to whom and until when
	// (wallet.Presentation.Preview). Claim names are printed, never values.
	Preview wallet.Preview
	// Created is when the presentation was signed; optional (it also
	// dates the PDF).
	Created time.Time
	// File is the name of the presentation file handed over with the
	// sheet; optional. The sheet names it when the code does not fit one
	// QR code.
	File string
}

// SheetLayout is how a sheet prints its code.
type SheetLayout struct {
	// Fits is false when the code needs more than SheetMaxVersion: the
	// sheet then says so, prints no code and points to the file.
	Fits bool
	// Version is the QR version at error correction level M (0 when the
	// code does not fit).
	Version int
	// Modules is the number of modules a side, without the quiet zone.
	Modules int
	// ModuleMM is the printed size of one module, in millimetres.
	ModuleMM float64
	// SideMM is the printed side of the code with its quiet zone.
	SideMM float64
	// Credentials is how many credentials the page lists; any others are
	// counted in an "and N more" line.
	Credentials int
}

// Sheet geometry, in millimetres. Modules are whole dots of a 300 dpi
// grid (and so of 600 and 1200 dpi), placed on that grid, so a printer or
// a 300 dpi scan draws every module the same width.
const (
	dotMM         = 25.4 / 300
	sheetTop      = margin
	sheetQRTop    = 32.0  // top of the code's area
	sheetQRMax    = 130.0 // the largest code side, quiet zone included
	sheetNoCodeH  = 34.0  // the box that replaces a code that does not fit
	sheetLineH    = 4.4   // one line of the information block
	sheetLabelW   = 30.0  // the information block's label column
	sheetHowTop   = pageH - 50.0
	sheetFooterY  = pageH - 12.0
	sheetClaimMax = 3 // lines of claim names per credential
)

// PlanSheet returns how WriteSheet would print s, without writing it.
func PlanSheet(s Sheet) (SheetLayout, error) {
	sh, err := newSheetPage(s, Options{})
	if err != nil {
		return SheetLayout{}, err
	}
	return sh.layout, nil
}

// WriteSheet writes s as a one-page A4 PDF to w and returns how it printed
// the code. A code that needs more than SheetMaxVersion is not an error:
// the page says so and points to s.File (SheetLayout.Fits is false).
func WriteSheet(w io.Writer, s Sheet, opts Options) (SheetLayout, error) {
	sh, err := newSheetPage(s, opts)
	if err != nil {
		return SheetLayout{}, err
	}
	sh.draw()
	if err := sh.doc.Output(w); err != nil {
		return SheetLayout{}, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	return sh.layout, nil
}

// sheetPage is a sheet being laid out and drawn.
type sheetPage struct {
	page
	s      Sheet
	layout SheetLayout
	png    []byte
	x, y   float64 // top left of the code (quiet zone included)
	info   []infoRow
	more   int // credentials left out
}

// infoRow is one labelled entry of the information block, wrapped.
type infoRow struct {
	label string
	lines []string // converted for the core font
	style string
}

func (r infoRow) height() float64 { return float64(len(r.lines)) * sheetLineH }

func newSheetPage(s Sheet, opts Options) (*sheetPage, error) {
	if strings.TrimSpace(s.Code) == "" {
		return nil, fmt.Errorf("sheet: %w", ErrNoCode)
	}
	doc := fpdf.New("P", "mm", "A4", "")
	doc.SetCompression(!opts.Uncompressed)
	doc.SetAutoPageBreak(false, 0)
	doc.SetMargins(margin, margin, margin)
	doc.SetCatalogSort(true)
	at := s.Created
	if at.IsZero() {
		at = time.Unix(0, 0)
	}
	doc.SetCreationDate(at.UTC())
	doc.SetModificationDate(at.UTC())
	doc.SetTitle("Skillpass presentation", true)
	doc.SetCreator("Skillpass", true)
	sh := &sheetPage{page: page{doc: doc, tr: doc.UnicodeTranslatorFromDescriptor("")}, s: s}

	img, version, err := qr.RenderPNG(s.Code, qr.ModulePixels, SheetMaxVersion)
	switch {
	case errors.Is(err, qr.ErrTooLarge):
		// No code: the page says so.
	case err != nil:
		return nil, fmt.Errorf("sheet: %w", err)
	default:
		sh.png = img
		sh.layout = SheetLayout{Fits: true, Version: version, Modules: 17 + 4*version}
	}
	sh.plan()
	if err := doc.Error(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrPDF, err)
	}
	return sh, nil
}

// plan sizes the code and the information block so that both fit above
// the verification notes: the code as large as MaxModuleMM and
// sheetQRMax allow, shrunk (not below MinModuleMM) when that lets the
// whole block fit; otherwise the block is cut to whole credentials.
func (sh *sheetPage) plan() {
	sh.font("", 9)
	rows, creds := sh.infoRows()
	l := &sh.layout
	blockTop := func(codeH float64) float64 { return sheetQRTop + codeH + 6 }
	room := func(codeH float64) float64 { return sheetHowTop - 4 - blockTop(codeH) }
	if !l.Fits {
		sh.fitRows(rows, creds, room(sheetNoCodeH))
		sh.x, sh.y = margin, sheetQRTop
		return
	}
	side := l.Modules + 2*qr.QuietZone
	minDots := int(math.Ceil(MinModuleMM / dotMM))
	maxDots := min(int(math.Floor(MaxModuleMM/dotMM)), int(sheetQRMax/(float64(side)*dotMM)))
	maxDots = max(maxDots, minDots)
	need := 0.0
	for _, r := range rows {
		need += r.height()
	}
	dots := maxDots
	for dots > minDots && need > room(float64(side*dots)*dotMM) {
		dots--
	}
	if need > room(float64(side*dots)*dotMM) {
		// The list is cut anyway: keep the code large.
		dots = maxDots
	}
	l.ModuleMM = float64(dots) * dotMM
	l.SideMM = float64(side) * l.ModuleMM
	sh.fitRows(rows, creds, room(l.SideMM))
	// Centre the code on the page, on the dot grid.
	sh.x = math.Round((pageW-l.SideMM)/2/dotMM) * dotMM
	sh.y = math.Round(sheetQRTop/dotMM) * dotMM
}

// fitRows keeps the rows that fit in room: the fixed rows first, then
// whole credentials (each a run of rows) while they fit, leaving a line
// for "and N more" when some are left out.
func (sh *sheetPage) fitRows(rows []infoRow, creds []int, room float64) {
	fixed := len(rows)
	if len(creds) > 0 {
		fixed = creds[0]
	}
	used := 0.0
	for _, r := range rows[:fixed] {
		used += r.height()
	}
	sh.info = rows[:fixed]
	for i, start := range creds {
		end := len(rows)
		if i+1 < len(creds) {
			end = creds[i+1]
		}
		h := 0.0
		for _, r := range rows[start:end] {
			h += r.height()
		}
		reserve := 0.0
		if i+1 < len(creds) {
			reserve = sheetLineH
		}
		if used+h+reserve > room {
			sh.more = len(creds) - i
			break
		}
		used += h
		sh.info = append(sh.info, rows[start:end]...)
		sh.layout.Credentials++
	}
}

// infoRows builds the information block and returns it with the index of
// the first row of each credential.
func (sh *sheetPage) infoRows() ([]infoRow, []int) {
	pv := sh.s.Preview
	valueW := contentW - sheetLabelW
	row := func(label, value, style string) infoRow {
		sh.font(style, 9)
		return infoRow{label: label, lines: sh.wrap(value, valueW), style: style}
	}
	to := pv.Domain
	if to == "" {
		to = "anyone who scans it"
	}
	rows := []infoRow{row("Shown to", to, "B")}
	if pv.Holder != "" {
		rows = append(rows, row("Holder", pv.Holder, ""))
	}
	if pv.Challenge != "" {
		rows = append(rows, row("Challenge", pv.Challenge+" (the verifier's code this presentation is bound to)", ""))
	}
	if !pv.Expires.IsZero() {
		rows = append(rows, row("Valid until", timeStr(pv.Expires), "B"))
	}
	if !sh.s.Created.IsZero() {
		rows = append(rows, row("Signed", timeStr(sh.s.Created), ""))
	}
	var starts []int
	for i, c := range pv.Credentials {
		starts = append(starts, len(rows))
		issuer := firstNonEmpty(c.IssuerName, c.IssuerID, "unnamed issuer")
		rows = append(rows, row(fmt.Sprintf("Credential %d", i+1),
			firstNonEmpty(c.Name, "unnamed credential")+", from "+issuer, "B"))
		how := "Shown whole, as the issuer signed it. Claims:"
		if !c.Whole {
			how = "Only these claims (a derived BBS+ proof of the issuer's signature):"
		}
		rows = append(rows, row("", how, "I"))
		sh.font("", 9)
		rows = append(rows, infoRow{lines: sh.claimLines(c.Claims, valueW)})
	}
	return rows, starts
}

// claimLines wraps the claim names to at most sheetClaimMax lines, ending
// with how many were left out.
func (sh *sheetPage) claimLines(claims []string, w float64) []string {
	if len(claims) == 0 {
		return sh.wrap("(none)", w)
	}
	all := sh.wrap(strings.Join(claims, ", "), w)
	if len(all) <= sheetClaimMax {
		return all
	}
	for n := len(claims) - 1; n > 0; n-- {
		lines := sh.wrap(strings.Join(claims[:n], ", ")+", and "+strconv.Itoa(len(claims)-n)+" more", w)
		if len(lines) <= sheetClaimMax {
			return lines
		}
	}
	return sh.wrap(strconv.Itoa(len(claims))+" claims", w)
}

// wrap converts s for the core font and splits it into lines of width w
// in the current font (a word longer than a line is cut).
func (sh *sheetPage) wrap(s string, w float64) []string {
	t := sh.text(s)
	if t == "" {
		return []string{""}
	}
	var out []string
	for _, l := range sh.doc.SplitLines([]byte(t), w) {
		out = append(out, string(l))
	}
	if len(out) == 0 {
		out = []string{t}
	}
	return out
}

func (sh *sheetPage) draw() {
	d := sh.doc
	d.AddPage()
	d.SetXY(margin, sheetTop)
	sh.font("B", 16)
	d.SetTextColor(20, 40, 80)
	sh.cell(contentW, 8, "Verifiable presentation", "L", false)
	d.SetXY(margin, sheetTop+8.5)
	sh.font("", 9)
	d.SetTextColor(60, 60, 60)
	sub := "Signed by the holder and by each issuer. Scan the code to check it; the printed words below are only a guide."
	if !sh.layout.Fits {
		sub = "Signed by the holder and by each issuer. Verify the presentation file; the printed words below are only a guide."
	}
	sh.cell(contentW, 5, sub, "L", false)
	d.SetDrawColor(20, 40, 80)
	d.SetLineWidth(0.5)
	d.Line(margin, sheetQRTop-4, pageW-margin, sheetQRTop-4)
	d.SetTextColor(0, 0, 0)

	codeH := sheetNoCodeH
	if sh.layout.Fits {
		codeH = sh.layout.SideMM
		d.RegisterImageOptionsReader("code", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(sh.png))
		d.ImageOptions("code", sh.x, sh.y, sh.layout.SideMM, sh.layout.SideMM, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	} else {
		sh.noCode()
	}
	sh.drawInfo(sheetQRTop + codeH + 6)
	sh.howTo()
}

// noCode is the box printed instead of a code too large for one.
func (sh *sheetPage) noCode() {
	d := sh.doc
	d.SetDrawColor(180, 60, 40)
	d.SetLineWidth(0.6)
	d.Rect(margin, sheetQRTop, contentW, sheetNoCodeH, "D")
	d.SetXY(margin+4, sheetQRTop+4)
	sh.font("B", 12)
	d.SetTextColor(150, 40, 30)
	sh.cell(contentW-8, 7, "No QR code: this presentation is too large for one", "L", false)
	d.SetTextColor(0, 0, 0)
	sh.font("", 9.5)
	file := "the presentation file"
	if sh.s.File != "" {
		file = "the file " + sh.s.File
	}
	msg := fmt.Sprintf("It needs more than version %d at error correction level M (%d characters), the largest code a page holds. "+
		"The holder gives you %s instead: verify it with skillpass-cli verify FILE, or open it on the Verify screen of the Skillpass app.",
		SheetMaxVersion, len(sh.s.Code), file)
	y := sheetQRTop + 12
	for _, l := range sh.wrap(msg, contentW-8) {
		d.SetXY(margin+4, y)
		d.CellFormat(contentW-8, 4.6, l, "", 0, "L", false, 0, "")
		y += 4.6
	}
}

func (sh *sheetPage) drawInfo(top float64) {
	d := sh.doc
	y := top
	for _, r := range sh.info {
		if r.label != "" {
			d.SetXY(margin, y)
			sh.font("B", 9)
			d.SetTextColor(90, 90, 90)
			sh.cell(sheetLabelW, sheetLineH, r.label, "L", false)
			d.SetTextColor(0, 0, 0)
		}
		sh.font(r.style, 9)
		for _, l := range r.lines {
			d.SetXY(margin+sheetLabelW, y)
			d.CellFormat(contentW-sheetLabelW, sheetLineH, l, "", 0, "L", false, 0, "")
			y += sheetLineH
		}
	}
	if sh.more > 0 {
		d.SetXY(margin+sheetLabelW, y)
		sh.font("I", 9)
		d.SetTextColor(90, 90, 90)
		sh.cell(contentW-sheetLabelW, sheetLineH, fmt.Sprintf("and %d more credential%s: the verified presentation shows them all", sh.more, plural(sh.more)), "L", false)
		d.SetTextColor(0, 0, 0)
	}
}

// howTo prints how to verify the code, and the code's measurements.
func (sh *sheetPage) howTo() {
	d := sh.doc
	d.SetDrawColor(180, 180, 180)
	d.SetLineWidth(0.2)
	d.Line(margin, sheetHowTop-2, pageW-margin, sheetHowTop-2)
	d.SetXY(margin, sheetHowTop)
	sh.font("B", 11)
	d.SetTextColor(20, 40, 80)
	sh.cell(contentW, 6, "How to verify", "L", false)
	d.SetTextColor(0, 0, 0)
	cmd := "skillpass-cli verify"
	if c := sh.s.Preview.Challenge; c != "" {
		cmd += " --challenge " + c
	}
	if dm := sh.s.Preview.Domain; dm != "" {
		cmd += " --domain " + dm
	}
	// Each step is a sentence and, where there is one, a command printed
	// on its own line in a fixed-width font, whole.
	type step struct{ say, run string }
	steps := []step{
		{"1. In the Skillpass app: open Verify and scan this code, or open a scan of this page.", ""},
		{"2. On a computer: scan the page to a PNG image (300 dpi, or a sharp photo of the whole code) and run:", cmd + " scan.png"},
		{"3. The verdict checks the holder's and the issuers' signatures, the dates and the challenge; it fails after the date above.", ""},
	}
	if !sh.layout.Fits {
		steps[0].say = "1. In the Skillpass app: open Verify and open the presentation file."
		steps[1] = step{"2. On a computer, with FILE the presentation file the holder gave you, run:", cmd + " FILE"}
	}
	y := sheetHowTop + 6.5
	for _, s := range steps {
		sh.font("", 9)
		for _, l := range sh.wrap(s.say, contentW) {
			d.SetXY(margin, y)
			d.CellFormat(contentW, sheetLineH, l, "", 0, "L", false, 0, "")
			y += sheetLineH
		}
		if s.run != "" {
			d.SetFont("Courier", "", 8.5)
			for _, l := range sh.wrap(s.run, contentW-6) {
				d.SetXY(margin+6, y)
				d.CellFormat(contentW-6, sheetLineH, l, "", 0, "L", false, 0, "")
				y += sheetLineH
			}
		}
	}
	sh.font("I", 7.5)
	d.SetTextColor(90, 90, 90)
	if l := sh.layout; l.Fits {
		d.SetXY(margin, sheetFooterY-4)
		sh.cell(contentW, 4, fmt.Sprintf("QR version %d, error correction M, %d modules a side at %.2f mm (quiet zone %d modules); %d characters.",
			l.Version, l.Modules, l.ModuleMM, qr.QuietZone, len(sh.s.Code)), "L", false)
	}
	d.SetXY(margin, sheetFooterY)
	sh.cell(contentW, 4, "Printed by Skillpass. The paper is not the proof: the signatures are, and only a verifier checks them.", "L", false)
	d.SetTextColor(0, 0, 0)
}

func timeStr(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }
