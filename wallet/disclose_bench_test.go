package wallet

import (
	"context"
	"testing"

	"github.com/skillpass/skillpass/wallet/qr"
)

// BenchmarkPresentDisclose times making a QR code of three of a BBS+
// badge's eight claims: derive (with the wallet's check of the derived
// proof), holder signature (made and checked), activity log entry, SP1
// encoding and the PNG. It reports the SP1 text's length ("bytes") and its
// QR version at ECC M ("qr-version").
func BenchmarkPresentDisclose(b *testing.B) {
	w, _ := newWallet(b)
	id := importBBS(b, w)
	req := PresentRequest{Credentials: []Choice{{ID: id, Disclose: threeClaims}}, Challenge: testChallenge, Domain: testDomain}
	var text string
	for b.Loop() {
		p, err := w.Present(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		if text, err = qr.Encode(p.JSON); err != nil {
			b.Fatal(err)
		}
		if _, _, err := qr.RenderPNG(text, qr.ModulePixels, 40); err != nil {
			b.Fatal(err)
		}
	}
	v, err := qr.Version(text)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(text)), "bytes")
	b.ReportMetric(float64(v), "qr-version")
}

// BenchmarkVerifyDisclosed times the employer's side: reading the PNG,
// decoding SP1 and verifying the presentation and its derived credential.
func BenchmarkVerifyDisclosed(b *testing.B) {
	w, _ := newWallet(b)
	id := importBBS(b, w)
	p, err := w.Present(context.Background(), PresentRequest{Credentials: []Choice{{ID: id, Disclose: threeClaims}}})
	if err != nil {
		b.Fatal(err)
	}
	text, err := qr.Encode(p.JSON)
	if err != nil {
		b.Fatal(err)
	}
	img, _, err := qr.RenderPNG(text, qr.ModulePixels, 40)
	if err != nil {
		b.Fatal(err)
	}
	v := employer(b, soon(), "", "")
	for b.Loop() {
		read, err := qr.ReadPNG(img)
		if err != nil {
			b.Fatal(err)
		}
		doc, err := qr.Decode(read)
		if err != nil {
			b.Fatal(err)
		}
		r, err := v.Verify(context.Background(), doc)
		if err != nil || !r.Verified {
			b.Fatalf("not verified: %v %v", err, r)
		}
	}
}
