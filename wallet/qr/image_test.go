package qr_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// isDark reports whether the pixel at x, y is black.
func isDark(img image.Image, x, y int) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	return r+g+b < 3*0x8000
}

// TestPNGGeometry: PNG draws ModulePixels pixels per module, a QuietZone
// of white modules around the code, and reports the version the code has.
func TestPNGGeometry(t *testing.T) {
	for _, text := range []string{"SP1:ABC", qr.Prefix + strings.Repeat("A1", 300), qr.Prefix + strings.Repeat("Z9", 720)} {
		b, version, err := qr.PNG(text)
		require.NoError(t, err)
		want, err := qr.Version(text)
		require.NoError(t, err)
		require.Equal(t, want, version)

		img, err := png.Decode(bytes.NewReader(b))
		require.NoError(t, err)
		modules := 17 + 4*version
		side := (modules + 2*qr.QuietZone) * qr.ModulePixels
		require.Equal(t, image.Rect(0, 0, side, side), img.Bounds())

		quiet := qr.QuietZone * qr.ModulePixels
		for i := 0; i < side; i++ {
			for j := 0; j < quiet; j++ {
				require.False(t, isDark(img, i, j) || isDark(img, j, i) || isDark(img, i, side-1-j) || isDark(img, side-1-j, i),
					"quiet zone pixel at %d,%d", i, j)
			}
		}
		// Each module is a uniform square; the top-left finder pattern's
		// outer ring is dark and its inner ring light.
		for my := 0; my < modules; my++ {
			for mx := 0; mx < modules; mx++ {
				x0, y0 := quiet+mx*qr.ModulePixels, quiet+my*qr.ModulePixels
				dark := isDark(img, x0, y0)
				for dy := 0; dy < qr.ModulePixels; dy++ {
					for dx := 0; dx < qr.ModulePixels; dx++ {
						require.Equal(t, dark, isDark(img, x0+dx, y0+dy))
					}
				}
			}
		}
		require.True(t, isDark(img, quiet, quiet))
		require.False(t, isDark(img, quiet+qr.ModulePixels, quiet+qr.ModulePixels))

		read, err := qr.ReadPNG(b)
		require.NoError(t, err)
		require.Equal(t, text, read)
	}
}

// TestPNGTooLarge: above MaxVersion, PNG refuses with ErrTooLarge and the
// version the text needs, so that the caller can offer a file.
func TestPNGTooLarge(t *testing.T) {
	fits := qr.Prefix + strings.Repeat("A", 1451-len(qr.Prefix)) // version 25's capacity
	_, v, err := qr.PNG(fits)
	require.NoError(t, err)
	require.Equal(t, qr.MaxVersion, v)

	img, v, err := qr.PNG(fits + "A")
	require.ErrorIs(t, err, qr.ErrTooLarge)
	require.Nil(t, img)
	require.Equal(t, qr.MaxVersion+1, v)

	img, v, err = qr.PNG(strings.Repeat("A", 5000)) // beyond version 40
	require.ErrorIs(t, err, qr.ErrTooLarge)
	require.Nil(t, img)
	require.Zero(t, v)
	_, err = qr.Version(strings.Repeat("A", 5000))
	require.ErrorIs(t, err, qr.ErrTooLarge)

	// A printable sheet may hold more, larger.
	img, v, err = qr.RenderPNG(fits+"A", 8, 40)
	require.NoError(t, err)
	require.Equal(t, qr.MaxVersion+1, v)
	read, err := qr.ReadPNG(img)
	require.NoError(t, err)
	require.Equal(t, fits+"A", read)
}

// TestRenderPNGOptions: fewer than ModulePixels pixels per module and
// versions outside 1 to 40 are refused.
func TestRenderPNGOptions(t *testing.T) {
	for _, tt := range []struct{ px, max int }{{3, 25}, {0, 25}, {-4, 25}, {4, 0}, {4, 41}} {
		_, _, err := qr.RenderPNG("SP1:ABC", tt.px, tt.max)
		require.Error(t, err, "%+v", tt)
	}
}

// TestReadImageFindsCode: a code that does not fill the image (a screenshot,
// a scanned page) is found too.
func TestReadImageFindsCode(t *testing.T) {
	text := qr.Prefix + strings.Repeat("HELLO", 60)
	b, _, err := qr.RenderPNG(text, 5, qr.MaxVersion)
	require.NoError(t, err)
	code, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	page := image.NewRGBA(image.Rect(0, 0, 900, 1000))
	draw.Draw(page, page.Bounds(), &image.Uniform{color.Gray{Y: 0xee}}, image.Point{}, draw.Src)
	draw.Draw(page, code.Bounds().Add(image.Pt(137, 253)), code, image.Point{}, draw.Src)
	got, err := qr.ReadImage(page)
	require.NoError(t, err)
	require.Equal(t, text, got)
}

// TestReadPNGRefuses: no image, no code, or an image too large to decode.
func TestReadPNGRefuses(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, blank))

	tests := []struct {
		name string
		png  []byte
		want error
	}{
		{"blank image", buf.Bytes(), qr.ErrNoCode},
		{"too many pixels", pngHeader(6000, 5000), qr.ErrLimit},
		{"wide and flat", pngHeader(25_000_001, 1), qr.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qr.ReadPNG(tt.png)
			require.ErrorIs(t, err, tt.want)
		})
	}
	// Go's PNG decoder refuses dimensions whose pixel count overflows.
	for _, b := range [][]byte{nil, []byte("not a png"), buf.Bytes()[:40], pngHeader(1<<30, 1<<30)} {
		_, err := qr.ReadPNG(b)
		require.Error(t, err)
	}
}

// pngHeader returns the start of a PNG (signature and IHDR) announcing a
// w×h 8-bit grey image: enough for png.DecodeConfig.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8] = 8 // bit depth; colour type 0 (grey), methods 0
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, uint32(len(ihdr)))
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}
