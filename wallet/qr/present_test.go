package qr_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
)

// presentations are the two measured cases: (a) one Ed25519Signature2020
// Open Badge, (b) a BBS+ Open Badge with 3 of 8 claims disclosed, each in a
// holder-signed presentation.
func presentations(t testing.TB) []struct {
	name string
	doc  []byte
} {
	return []struct {
		name string
		doc  []byte
	}{
		{"(a) Ed25519Signature2020 OB, short texts", ed25519Presentation(t, shortBadge)},
		{"(a') Ed25519Signature2020 OB, long texts", ed25519Presentation(t, longBadge)},
		{"(b) BBS+ OB, 3 of 8 claims disclosed, short texts", bbsPresentation(t, shortBadge)},
		{"(b') BBS+ OB, 3 of 8 claims disclosed, long texts", bbsPresentation(t, longBadge)},
	}
}

func newVerifier(t testing.TB) *verify.Verifier {
	t.Helper()
	v, err := verify.New(verify.Options{
		Now: func() time.Time { return verifyAt }, Loader: testLoader(t),
		Challenge: challenge, Domain: domain,
	})
	require.NoError(t, err)
	return v
}

// qrImage renders text with PNG; when the text needs a version above
// MaxVersion it checks that PNG refuses it with ErrTooLarge and renders it
// up to version 40 (as for a printable sheet), so that the image path is
// tested all the same.
func qrImage(t testing.TB, text string) []byte {
	t.Helper()
	img, version, err := qr.PNG(text)
	if err == nil {
		require.LessOrEqual(t, version, qr.MaxVersion)
		return img
	}
	require.ErrorIs(t, err, qr.ErrTooLarge)
	require.Greater(t, version, qr.MaxVersion)
	require.Nil(t, img)
	img, v2, err := qr.RenderPNG(text, qr.ModulePixels, 40)
	require.NoError(t, err)
	require.Equal(t, version, v2)
	return img
}

// TestVerifiedAfterQR: a presentation that verifies still verifies, with the
// same verdict on every check, after Encode → PNG → ReadPNG → Decode, and
// its JSON comes back with the same parsed value; a changed claim in the
// decoded presentation is caught (the verification is not vacuous).
func TestVerifiedAfterQR(t *testing.T) {
	v := newVerifier(t)
	for _, tt := range presentations(t) {
		t.Run(tt.name, func(t *testing.T) {
			before, err := v.Verify(context.Background(), tt.doc)
			require.NoError(t, err)
			require.True(t, before.Verified, "the presentation must verify before encoding: %q", before.Errors)
			require.Len(t, before.Credentials, 1)

			text, err := qr.Encode(tt.doc)
			require.NoError(t, err)
			read, err := qr.ReadPNG(qrImage(t, text))
			require.NoError(t, err)
			require.Equal(t, text, read)
			decoded, err := qr.Decode(read)
			require.NoError(t, err)
			require.Equal(t, parseExact(t, tt.doc), parseExact(t, decoded))

			after, err := v.Verify(context.Background(), decoded)
			require.NoError(t, err)
			require.True(t, after.Verified, "%q", after.Errors)
			require.Equal(t, before.Checks, after.Checks)
			require.Equal(t, before.Credentials[0].Checks, after.Credentials[0].Checks)

			tampered := bytes.Replace(decoded, []byte(" Badge\""), []byte(" Award\""), 1)
			require.NotEqual(t, decoded, tampered)
			r, err := v.Verify(context.Background(), tampered)
			require.NoError(t, err)
			require.False(t, r.Verified)
		})
	}
}

// TestZbarimg: an independent decoder (zbarimg, Debian zbar-tools) reads
// the same text from the PNG.
func TestZbarimg(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (Debian package zbar-tools): the second-decoder check is skipped")
	}
	for _, tt := range presentations(t) {
		t.Run(tt.name, func(t *testing.T) {
			text, err := qr.Encode(tt.doc)
			require.NoError(t, err)
			file := filepath.Join(t.TempDir(), "code.png")
			require.NoError(t, os.WriteFile(file, qrImage(t, text), 0o600))
			// QR codes only: on these random-looking modules zbarimg's
			// one-dimensional decoders once also "found" a barcode
			// (0169629435085432, a CI run of 2026-11-27).
			out, err := exec.Command(zbar, "-Sdisable", "-Sqrcode.enable", "--raw", "-q", file).Output()
			require.NoError(t, err, "zbarimg failed")
			require.Equal(t, text, strings.TrimRight(string(out), "\n"))
			decoded, err := qr.Decode(string(out))
			require.NoError(t, err)
			require.Equal(t, parseExact(t, tt.doc), parseExact(t, decoded))
		})
	}
}

// zlibBase45 is the baseline DESIGN.md measured: zlib at best compression,
// then base45 (as EU digital COVID certificates do), without a dictionary.
func zlibBase45(t testing.TB, doc []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(doc)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return qr.Base45Encode(buf.Bytes())
}

// versionText is the QR version at ECC M ("v16", or "over v40") and its
// number (41 when over 40).
func versionText(t testing.TB, text string) (string, int) {
	t.Helper()
	v, err := qr.Version(text)
	if err != nil {
		require.ErrorIs(t, err, qr.ErrTooLarge)
		return "over v40", 41
	}
	return fmt.Sprintf("v%d", v), v
}

// TestQRSizes logs, side by side, the payload size and QR version (ECC M)
// of plain JSON, zlib+base45 and SP1 for the measured presentations, next
// to the aims (version 15 for (a), 23 for (b)). It requires SP1 to
// stay well ahead of zlib+base45 (at least five versions smaller), so that
// the dictionaries keep earning their place in the format.
func TestQRSizes(t *testing.T) {
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-50s | %-16s | %-17s | %-17s | %-9s | %s\n",
		"presentation", "plain JSON", "zlib+base45", "SP1", "SP1 CBOR", "aim")
	for _, tt := range presentations(t) {
		sp1, err := qr.Encode(tt.doc)
		require.NoError(t, err)
		cb, err := qr.EncodeCBOR(tt.doc)
		require.NoError(t, err)
		zb := zlibBase45(t, tt.doc)
		plainV, plainN := versionText(t, string(tt.doc))
		zV, zN := versionText(t, zb)
		oV, oN := versionText(t, sp1)
		aim := 15
		if strings.HasPrefix(tt.name, "(b") {
			aim = 23
		}
		met := "met"
		if oN > aim {
			met = "missed"
		}
		fmt.Fprintf(&table, "%-50s | %5d B, %-8s | %5d ch, %-7s | %5d ch, %-7s | %5d B | v%d %s\n",
			tt.name, len(tt.doc), plainV, len(zb), zV, len(sp1), oV, len(cb), aim, met)
		require.Less(t, len(sp1), len(zb))
		require.LessOrEqual(t, oN, zN-5, "%s: SP1 version %d, zlib+base45 %d", tt.name, oN, zN)
		require.LessOrEqual(t, zN, plainN)
	}
	t.Log(table.String())
}

// render is PNG, falling back for texts above MaxVersion to RenderPNG up to
// version 40 (the printable sheet), so that every case can be timed.
func render(text string) ([]byte, error) {
	img, _, err := qr.PNG(text)
	if errors.Is(err, qr.ErrTooLarge) {
		img, _, err = qr.RenderPNG(text, qr.ModulePixels, 40)
	}
	return img, err
}

// BenchmarkEncodePNG measures making the QR image from a signed
// presentation: Encode and PNG (RenderPNG up to version 40 for the cases
// that do not fit MaxVersion).
func BenchmarkEncodePNG(b *testing.B) {
	for _, tt := range presentations(b) {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				text, err := qr.Encode(tt.doc)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := render(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadPNGDecode measures reading a presentation back from the QR
// image: ReadPNG and Decode.
func BenchmarkReadPNGDecode(b *testing.B) {
	for _, tt := range presentations(b) {
		b.Run(tt.name, func(b *testing.B) {
			text, err := qr.Encode(tt.doc)
			require.NoError(b, err)
			img, err := render(text)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				read, err := qr.ReadPNG(img)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := qr.Decode(read); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadPNGDecodeVerify adds verification (warm caches) to
// BenchmarkReadPNGDecode: the employer's whole path from a PNG to a verdict.
func BenchmarkReadPNGDecodeVerify(b *testing.B) {
	v := newVerifier(b)
	for _, tt := range presentations(b) {
		b.Run(tt.name, func(b *testing.B) {
			text, err := qr.Encode(tt.doc)
			require.NoError(b, err)
			img, err := render(text)
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				read, err := qr.ReadPNG(img)
				if err != nil {
					b.Fatal(err)
				}
				doc, err := qr.Decode(read)
				if err != nil {
					b.Fatal(err)
				}
				if r, err := v.Verify(context.Background(), doc); err != nil || !r.Verified {
					b.Fatalf("%v %+v", err, r)
				}
			}
		})
	}
}
