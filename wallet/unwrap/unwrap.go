// Package unwrap finds the credential or presentation inside what an
// employer or advisor is handed: a baked badge image (PNG or SVG), a
// Skillpass QR code image, the text of a Skillpass QR code, or the document
// itself. The command line's verify and the app's verify screen both read
// their input through Document, so they accept the same things and fail the
// same way.
package unwrap

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/qr"
)

// ErrManyCredentials is returned (wrapped) for an image that holds more than
// one credential: they are to be imported and checked one by one.
var ErrManyCredentials = errors.New("the image holds more than one credential")

// ErrNotImage is returned (wrapped) for an SVG or PNG that is neither a
// baked badge nor (PNG) a QR code image.
var ErrNotImage = errors.New("the image is neither a baked badge nor a QR code")

// Document returns the credential or presentation inside data, or data
// itself when it is neither an image nor QR code text. name labels errors
// (a file name). A PNG is tried as a baked badge first, then as a QR code.
// Errors from package qr are wrapped as they are (qr.ErrNoCode,
// qr.ErrNotPayload, qr.ErrUnsupportedVersion, qr.ErrCorrupt, ...), so a
// caller can word each for its users.
func Document(name string, data []byte) ([]byte, error) {
	switch {
	case IsPNG(data) || IsSVG(data):
		items, err := importer.Parse(name, data, importer.DefaultLimits())
		if err == nil {
			if len(items) != 1 {
				return nil, fmt.Errorf("%s: %w (%d)", name, ErrManyCredentials, len(items))
			}
			return items[0].Raw, nil
		}
		if !IsPNG(data) {
			return nil, fmt.Errorf("%s: %w: %w", name, ErrNotImage, err)
		}
		text, qerr := qr.ReadPNG(data)
		if qerr != nil {
			return nil, fmt.Errorf("%s: %w", name, qerr)
		}
		return decode(name, text)
	case IsQRText(data):
		return decode(name, string(bytes.TrimSpace(data)))
	}
	return data, nil
}

func decode(name, text string) ([]byte, error) {
	doc, err := qr.Decode(text)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// IsQRText reports whether data looks like the text of a Skillpass QR code:
// "SP", a version number, a colon (surrounding white space ignored).
func IsQRText(data []byte) bool {
	b := bytes.TrimSpace(data)
	if !bytes.HasPrefix(b, []byte("SP")) {
		return false
	}
	rest := b[2:]
	n := 0
	for n < len(rest) && n < 9 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	return n > 0 && n < len(rest) && rest[n] == ':'
}

// IsPNG reports whether b starts with the PNG signature.
func IsPNG(b []byte) bool { return len(b) > 8 && string(b[:8]) == "\x89PNG\r\n\x1a\n" }

// IsSVG reports whether b starts (after white space) like an SVG or XML
// document.
func IsSVG(b []byte) bool {
	head := strings.TrimSpace(string(b[:min(len(b), 512)]))
	return strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<svg")
}
