package benchrun

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Aims of the QR measurements, from DESIGN.md and wallet/qr's TestQRSizes.
const (
	aimQRVersionA = 15    // (a) one Ed25519Signature2020 Open Badge: version 15 or lower
	aimQRVersionB = 23    // (b) BBS+, 3 of 8 claims disclosed: version 23 or lower
	aimQRImageNS  = 100e6 // BenchmarkEncodePNG, BenchmarkReadPNGDecode: under 100 ms
	qrMaxVersion  = 25    // wallet/qr.MaxVersion, the largest version PNG renders
)

// BenchmarkQRSize's result names are QRSize/CASE/FORM; it reports the
// text's length and the QR version at ECC M (0: over version 40).
const (
	nameQRSize   = "QRSize"
	unitQRBytes  = "bytes"
	unitQRVer    = "qr-version"
	formPlain    = "plain"
	formZlib     = "zlib-base45"
	formSP1      = "sp1"
	nameQREncode = "EncodePNG"
	nameQRRead   = "ReadPNGDecode"
)

// qrCaseLabels describes BenchmarkQRSize's cases; a case not listed is
// shown under its name.
var qrCaseLabels = map[string]string{
	"a-ed25519":      "(a) Ed25519Signature2020 OB, holder-signed",
	"a-ed25519-long": "(a') the same, long texts",
	"b-bbs":          "(b) BBS+ OB, 3 of 8 claims disclosed",
	"b-bbs-long":     "(b') the same, long texts",
}

// qrCell is one form of one presentation: the QR text's length and the QR
// version it needs at ECC M.
type qrCell struct {
	Bytes int `json:"bytes"`
	// Version is the QR version, 0 when even version 40 is too small.
	Version int `json:"qrVersion"`
}

// String renders the cell as "613 B, v16" or "2816 B, over v40".
func (c *qrCell) String() string {
	if c == nil {
		return "-"
	}
	if c.Version == 0 {
		return fmt.Sprintf("%d B, over v40", c.Bytes)
	}
	return fmt.Sprintf("%d B, v%d", c.Bytes, c.Version)
}

// qrSizeRow is one presentation in the three forms.
type qrSizeRow struct {
	Case  string  `json:"case"`
	Label string  `json:"label"`
	Plain *qrCell `json:"plain,omitempty"`
	Zlib  *qrCell `json:"zlibBase45,omitempty"`
	SP1   *qrCell `json:"sp1,omitempty"`
	// Aim is the largest QR version SP1 may need (0: no aim).
	Aim int    `json:"aimVersion,omitempty"`
	Met string `json:"met"`
}

// qrReport is section 4: the size matrix and the image timings.
type qrReport struct {
	Sizes   []qrSizeRow `json:"sizes,omitempty"`
	Timings []row       `json:"timings,omitempty"`
	// Failed lists the top-level benchmarks that printed no result.
	Failed []string `json:"failed,omitempty"`
}

// qrAim returns the version aim of a BenchmarkQRSize case: (a) cases
// 15, (b) cases 23, others none.
func qrAim(c string) int {
	switch {
	case strings.HasPrefix(c, "a-"):
		return aimQRVersionA
	case strings.HasPrefix(c, "b-"):
		return aimQRVersionB
	}
	return 0
}

// qrResults turns the wallet/qr runs into section 4. It returns nil when
// there is no run.
func qrResults(runs []benchRun) *qrReport {
	if len(runs) == 0 {
		return nil
	}
	rep := &qrReport{}
	byCase := map[string]int{} // case -> index in rep.Sizes
	for _, r := range runs {
		rep.Failed = append(rep.Failed, missingNames(r)...)
		for _, name := range resultNames(r) {
			rest, ok := strings.CutPrefix(name, nameQRSize+"/")
			if !ok {
				rep.Timings = append(rep.Timings, qrTimingRow(r.Results, name))
				continue
			}
			c, form, ok := strings.Cut(rest, "/")
			if !ok {
				continue
			}
			i, ok := byCase[c]
			if !ok {
				label := qrCaseLabels[c]
				if label == "" {
					label = c
				}
				i = len(rep.Sizes)
				byCase[c] = i
				rep.Sizes = append(rep.Sizes, qrSizeRow{Case: c, Label: label, Aim: qrAim(c)})
			}
			sr := &rep.Sizes[i]
			cell := qrCellOf(r.Results, name)
			switch form {
			case formPlain:
				sr.Plain = cell
			case formZlib:
				sr.Zlib = cell
			case formSP1:
				sr.SP1 = cell
			}
		}
	}
	for i := range rep.Sizes {
		rep.Sizes[i].Met = qrMet(rep.Sizes[i].SP1, rep.Sizes[i].Aim)
	}
	for _, f := range rep.Failed {
		if f != nameQRSize {
			fr := failedRow(f)
			fr.Aim = fmt.Sprintf("< %g ms", aimQRImageNS/1e6)
			rep.Timings = append(rep.Timings, fr)
		}
	}
	return rep
}

// qrCellOf reads one BenchmarkQRSize result; nil when a metric is missing.
func qrCellOf(rs []benchResult, name string) *qrCell {
	b, okB := metricOf(rs, name, unitQRBytes)
	v, okV := metricOf(rs, name, unitQRVer)
	if !okB || !okV {
		return nil
	}
	return &qrCell{Bytes: int(b), Version: int(v)}
}

// qrMet says whether SP1 meets the version aim.
func qrMet(sp1 *qrCell, aim int) string {
	if sp1 == nil || aim == 0 {
		return "-"
	}
	return met(sp1.Version > 0 && sp1.Version <= aim)
}

// qrTimingRow is one sub-benchmark of BenchmarkEncodePNG or
// BenchmarkReadPNGDecode, with the 100 ms aim.
func qrTimingRow(rs []benchResult, name string) row {
	ns, _ := metricOf(rs, name, "ns/op")
	r := row{Name: strings.ReplaceAll(name, "_", " "), Time: fmtNS(ns), Aim: "-", Met: "-"}
	if b, ok := metricOf(rs, name, "B/op"); ok {
		r.Mem = fmtBytes(b)
	}
	if a, ok := metricOf(rs, name, "allocs/op"); ok {
		r.Allocs = fmt.Sprintf("%.0f", a)
	}
	if strings.HasPrefix(name, nameQREncode+"/") || strings.HasPrefix(name, nameQRRead+"/") {
		r.Aim, r.Met = fmt.Sprintf("< %g ms", aimQRImageNS/1e6), met(ns < aimQRImageNS)
	}
	return r
}

// versionGain renders how much smaller SP1 is than zlib+base45.
func versionGain(zlib, sp1 *qrCell) string {
	if zlib == nil || sp1 == nil || zlib.Bytes == 0 {
		return "-"
	}
	s := fmt.Sprintf("%.2fx bytes", float64(sp1.Bytes)/float64(zlib.Bytes))
	if zlib.Version > 0 && sp1.Version > 0 {
		s += fmt.Sprintf(", %+d versions", sp1.Version-zlib.Version)
	}
	return s
}

// renderQR prints section 4.
func renderQR(w io.Writer, q *qrReport) {
	fmt.Fprintln(w, "\n4. QR codes (wallet/qr): payload and QR version at ECC M, holder-signed presentations (BenchmarkQRSize)")
	if len(q.Sizes) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  presentation\tplain JSON\tzlib+base45\tSP1 (ours)\tSP1 vs zlib+base45\taim (SP1)\tmet")
		for _, r := range q.Sizes {
			aim := "-"
			if r.Aim > 0 {
				aim = fmt.Sprintf("<= v%d", r.Aim)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Label, r.Plain, r.Zlib, r.SP1, versionGain(r.Zlib, r.SP1), aim, r.Met)
		}
		tw.Flush()
		fmt.Fprintf(w, "  B: length of the QR text (JSON bytes; base45 characters); a phone reads about v%d at most (PNG's limit)\n", qrMaxVersion)
	}
	for _, f := range q.Failed {
		if f == nameQRSize {
			fmt.Fprintln(w, "  BenchmarkQRSize: FAILED, see the end of the report")
		}
	}
	if len(q.Timings) > 0 {
		fmt.Fprintln(w, "  QR image: Encode + PNG, and ReadPNG + Decode")
		renderRows(w, q.Timings)
		fmt.Fprintf(w, "  cases that need a version above %d are rendered up to v40, as for the printable sheet\n", qrMaxVersion)
	}
}
