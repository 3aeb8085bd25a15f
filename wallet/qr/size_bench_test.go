package qr_test

import (
	"errors"
	"testing"

	"github.com/skillpass/skillpass/wallet/qr"
)

// qrSizeCases are the presentations TestQRSizes measures, under short
// names for benchmark output: (a) one Ed25519Signature2020 Open Badge,
// (b) a BBS+ Open Badge with 3 of 8 claims disclosed, each holder-signed,
// with the short texts and (suffix -long) with the long ones.
func qrSizeCases(b *testing.B) []struct {
	name string
	doc  []byte
} {
	return []struct {
		name string
		doc  []byte
	}{
		{"a-ed25519", ed25519Presentation(b, shortBadge)},
		{"a-ed25519-long", ed25519Presentation(b, longBadge)},
		{"b-bbs", bbsPresentation(b, shortBadge)},
		{"b-bbs-long", bbsPresentation(b, longBadge)},
	}
}

// qrForms are the three ways of putting a presentation into a QR code that
// TestQRSizes compares: the JSON as it is, zlib + base45, and SP1 (Encode).
var qrForms = []struct {
	name   string
	encode func(b *testing.B, doc []byte) string
}{
	{"plain", func(_ *testing.B, doc []byte) string { return string(doc) }},
	{"zlib-base45", func(b *testing.B, doc []byte) string { return zlibBase45(b, doc) }},
	{"sp1", func(b *testing.B, doc []byte) string {
		text, err := qr.Encode(doc)
		if err != nil {
			b.Fatalf("encode: %v", err)
		}
		return text
	}},
}

// BenchmarkQRSize turns TestQRSizes' measurement into benchmark metrics:
// for each presentation and form (BenchmarkQRSize/a-ed25519/sp1, ...) it
// times making the QR text and reports its length ("bytes"; every form's
// text is ASCII) and the QR version it needs at ECC M ("qr-version", 0 when
// even version 40 is too small). The metrics do not depend on -benchtime;
// `make bench` runs it with -benchtime=1x.
func BenchmarkQRSize(b *testing.B) {
	for _, c := range qrSizeCases(b) {
		for _, f := range qrForms {
			b.Run(c.name+"/"+f.name, func(b *testing.B) {
				var text string
				for b.Loop() {
					text = f.encode(b, c.doc)
				}
				version, err := qr.Version(text)
				switch {
				case errors.Is(err, qr.ErrTooLarge):
					version = 0
				case err != nil:
					b.Fatalf("qr version: %v", err)
				}
				b.ReportMetric(float64(len(text)), "bytes")
				b.ReportMetric(float64(version), "qr-version")
			})
		}
	}
}
