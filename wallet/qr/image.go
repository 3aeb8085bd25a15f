package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/draw"
)

const (
	// MaxVersion is the largest QR version PNG renders: about the densest
	// code a phone or webcam still reads reliably from a screen or a print
	// at ECC level M (version 25: 117 modules a side, 1,451 alphanumeric
	// characters).
	MaxVersion = 25
	// ModulePixels is the size in pixels of one module in the images PNG
	// makes (at least 4 keeps screen captures and prints readable).
	ModulePixels = 4
	// QuietZone is the width in modules of the white border around the code
	// (ISO/IEC 18004 asks for 4).
	QuietZone = 4
	// MaxImagePixels bounds the images ReadPNG decodes (width × height).
	MaxImagePixels = 25_000_000
)

var (
	// ErrTooLarge is returned (wrapped) by PNG when the text needs a QR
	// version above MaxVersion; the caller offers a file (and a printable
	// sheet) instead.
	ErrTooLarge = errors.New("too large for one QR code")
	// ErrNoCode is returned (wrapped) by ReadPNG and ReadImage when the
	// image holds no readable QR code.
	ErrNoCode = errors.New("no readable QR code in the image")
)

// Version returns the QR version (1 to 40) text needs at error correction
// level M, as the QR encoder that PNG uses chooses it. It returns an error
// wrapping ErrTooLarge when even version 40 is too small.
func Version(text string) (int, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return 0, fmt.Errorf("qr version: %w: %w", ErrTooLarge, err)
	}
	return q.VersionNumber, nil
}

// PNG renders text as a QR code at error correction level M with
// ModulePixels pixels per module and a QuietZone-module border, and returns
// the PNG and the QR version. When the text needs a version above
// MaxVersion it returns no image, the version it would need (0 when even
// version 40 is too small) and an error wrapping ErrTooLarge.
func PNG(text string) (png []byte, version int, err error) {
	return RenderPNG(text, ModulePixels, MaxVersion)
}

// RenderPNG is PNG with modulePixels pixels per module (at least
// ModulePixels) and versions up to maxVersion (1 to 40): a printable sheet
// may hold a denser code than a screen, printed large.
func RenderPNG(text string, modulePixels, maxVersion int) ([]byte, int, error) {
	if modulePixels < ModulePixels {
		return nil, 0, fmt.Errorf("render qr code: %d pixels per module (at least %d)", modulePixels, ModulePixels)
	}
	if maxVersion < 1 || maxVersion > 40 {
		return nil, 0, fmt.Errorf("render qr code: maximum version %d (want 1 to 40)", maxVersion)
	}
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, 0, fmt.Errorf("render qr code: %w: %w", ErrTooLarge, err)
	}
	if q.VersionNumber > maxVersion {
		return nil, q.VersionNumber, fmt.Errorf("render qr code: %w: it needs version %d, above %d",
			ErrTooLarge, q.VersionNumber, maxVersion)
	}
	// A negative size is pixels per module; skip2 draws a 4-module quiet
	// zone (QuietZone) unless DisableBorder is set.
	b, err := q.PNG(-modulePixels)
	if err != nil {
		return nil, 0, fmt.Errorf("render qr code: %w", err)
	}
	return b, q.VersionNumber, nil
}

// ReadPNG decodes the QR code in a PNG image and returns its text. It
// refuses images of more than MaxImagePixels pixels before decoding them.
func ReadPNG(b []byte) (string, error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("read qr image: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxImagePixels/cfg.Height {
		return "", fmt.Errorf("read qr image: %w: %d×%d pixels (limit %d pixels)", ErrLimit, cfg.Width, cfg.Height, MaxImagePixels)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("read qr image: %w", err)
	}
	return ReadImage(img)
}

// ReadImage decodes the QR code in img and returns its text. It reads a
// code that fills the image (as PNG draws it) first, then searches the
// image for one (a photo or a scanned page).
func ReadImage(img image.Image) (text string, err error) {
	defer func() {
		// gozxing is a port of Java code that may index out of range on
		// unusual images: turn that into an error.
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("read qr image: %w: decoder failed: %v", ErrNoCode, r)
		}
	}()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", fmt.Errorf("read qr image: %w", err)
	}
	reader := zxqr.NewQRCodeReader()
	res, err := reader.Decode(bmp, map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_PURE_BARCODE: true,
		gozxing.DecodeHintType_TRY_HARDER:   true,
	})
	if err != nil {
		res, err = reader.Decode(bmp, map[gozxing.DecodeHintType]any{
			gozxing.DecodeHintType_TRY_HARDER: true,
		})
	}
	// On a scanned page gozxing's finder search sometimes fails at one
	// resolution and succeeds at another (measured on rendered sheets:
	// every page that failed at full size read at one of these scales).
	for _, f := range rescanScales {
		if err == nil {
			break
		}
		b, berr := gozxing.NewBinaryBitmapFromImage(scaled(img, f))
		if berr != nil {
			continue
		}
		res, err = reader.Decode(b, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	}
	if err != nil {
		return "", fmt.Errorf("read qr image: %w: %w", ErrNoCode, err)
	}
	return res.GetText(), nil
}

// rescanScales are the sizes, relative to the image, ReadImage tries when
// the image as given does not read.
var rescanScales = []float64{0.75, 0.66, 0.9, 0.85, 0.8, 0.5}

// scaled returns img resized by f (bilinear), in grey.
func scaled(img image.Image, f float64) image.Image {
	b := img.Bounds()
	w, h := max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f))
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}
