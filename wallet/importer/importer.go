// Package importer turns the bytes of a file a learner drops into the wallet
// into the credentials inside it.
//
// It parses only: it detects the format by content, unwraps containers
// (verifiable presentations, JSON lists, badge images with a baked credential)
// and hands back each credential exactly as it must be verified. It neither
// verifies signatures nor stores anything; the wallet does both.
//
// Every input is treated as hostile: sizes, JSON and XML nesting and the
// number of credentials are bounded by Limits, and no input makes Parse panic.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Format names where a credential came from.
type Format string

const (
	// FormatJSON is a JSON-LD credential (its proof, if any, embedded).
	FormatJSON Format = "json"
	// FormatJWT is a VC-JWT: a compact JWS whose payload is (or carries) the credential.
	FormatJWT Format = "vc-jwt"
	// FormatPNG is a PNG badge image with the credential baked into an iTXt chunk.
	FormatPNG Format = "baked-png"
	// FormatSVG is an SVG badge image with the credential baked into an
	// <openbadges:credential> element.
	FormatSVG Format = "baked-svg"
	// FormatPresentation names a verifiable presentation as a container. Items
	// found inside a presentation carry their own kind (FormatJSON or FormatJWT)
	// in Item.Format and have Item.FromPresentation set; Parse never returns an
	// Item with this Format.
	FormatPresentation Format = "presentation"
)

// Family says which standard a credential follows, and so which verifier
// judges it.
type Family string

const (
	// FamilyVC is a W3C verifiable credential (Open Badges 3.0, CLR 2.0, an
	// unsealed Europass credential, ...).
	FamilyVC Family = ""
	// FamilyOB2 is an Open Badges 2.0 (or 1.x) assertion: JSON (hosted) or
	// a compact JWS whose payload is the assertion (signed).
	FamilyOB2 Family = "ob2"
	// FamilyJAdES is a JSON credential sealed with JAdES in JWS JSON
	// serialization (a Europass Digital Credential as downloaded); Raw is
	// the whole sealed document.
	FamilyJAdES Family = "jades"
)

// Encoding says how Item.Raw is to be read.
type Encoding string

const (
	// EncodingJSON means Raw holds the JSON bytes of a JSON-LD credential object.
	EncodingJSON Encoding = "json"
	// EncodingJWT means Raw holds the compact JWS string of a VC-JWT.
	EncodingJWT Encoding = "jwt"
)

// Item is one credential found in the input.
type Item struct {
	// Format is where the credential came from: FormatJSON, FormatJWT,
	// FormatPNG or FormatSVG. For an element of a presentation it is the
	// element's own kind (FormatJSON or FormatJWT).
	Format Format
	// Encoding tells whether Raw is JSON or a compact JWS. It matters for
	// baked images, whose Format does not say.
	Encoding Encoding
	// Raw is the credential exactly as it must be verified: the JSON bytes of
	// a JSON-LD credential as found in the input (surrounding whitespace
	// trimmed, never re-serialised), or the compact JWS string of a VC-JWT.
	// Raw never aliases the caller's input.
	Raw []byte
	// Index is the position inside a presentation or list (0 for a single credential).
	Index int
	// Family is the standard the credential follows (FamilyVC for W3C
	// verifiable credentials).
	Family Family
	// FromPresentation is true when the credential was an element of a
	// verifiable presentation (JSON or VP-JWT). The presentation's own proof
	// is not kept: each credential must be verified on its own.
	FromPresentation bool
}

// Sentinel errors. Every error returned by Parse, BakePNG and BakeSVG is an
// *Error that wraps exactly one of these (test with errors.Is).
var (
	// ErrEmpty means the input has no bytes, or only whitespace.
	ErrEmpty = errors.New("empty input")
	// ErrTooLarge means the input, a decompressed chunk, or the number of
	// credentials exceeds Limits.
	ErrTooLarge = errors.New("input too large")
	// ErrUnrecognised means the input is not in a format the importer accepts.
	ErrUnrecognised = errors.New("unrecognised format")
	// ErrOpenBadges2 means the input is an Open Badges 2.0 (or 1.0) badge in
	// a place the wallet cannot take it from: inside a verifiable
	// presentation, or baked into an image as the web address of a hosted
	// assertion only. It wraps ErrUnrecognised.
	ErrOpenBadges2 = fmt.Errorf("%w: open badges 2.0", ErrUnrecognised)
	// ErrNoCredential means the format was recognised but holds no credential.
	ErrNoCredential = errors.New("no credential found")
	// ErrTooDeep means JSON or XML nesting exceeds Limits.MaxDepth.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrCorrupt means the input is damaged or breaks its format's rules
	// (bad PNG checksum, truncated data, malformed XML, two baked credentials).
	ErrCorrupt = errors.New("damaged input")
)

// Error describes why an input was refused, in words a learner can act on.
type Error struct {
	// Name is the file name given to Parse (only used in messages).
	Name string
	// Kind is one of the sentinel errors (ErrEmpty, ErrTooLarge, ...).
	Kind error
	// Problem says what is wrong.
	Problem string
	// Hint says what the learner can do; it may be empty.
	Hint string
	// Err is the underlying cause, if any.
	Err error
}

// Error returns "name: problem[: cause][; hint]".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(displayName(e.Name))
	b.WriteString(": ")
	b.WriteString(e.Problem)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the sentinel kind and the underlying cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func displayName(name string) string {
	if name == "" {
		return "input"
	}
	return name
}

// Hints shared by several errors.
const (
	hintAccepted = "the wallet imports Open Badges 3.0 / W3C verifiable credentials as JSON or VC-JWT, " +
		"verifiable presentations, Open Badges 2.0 assertions (JSON or signed JWS), CLR 2.0 transcripts, " +
		"Europass credentials (sealed .jsonld or JSON), and PNG or SVG badge images with the badge baked in"
	hintExport = "export the badge from your issuer as a baked PNG, JSON or JWT"
	hintOB2    = "import the Open Badges 2.0 assertion itself (JSON or signed JWS), or ask your issuer for the Open Badges 3.0 version of this badge"
)

// Limits bound work on untrusted input. A zero or negative field takes its
// default.
type Limits struct {
	// MaxBytes bounds the input and any decompressed chunk (default 8 MiB).
	MaxBytes int64
	// MaxDepth bounds JSON nesting (and XML element nesting in SVG) (default 64).
	MaxDepth int
	// MaxCredentials bounds the credentials returned for one input (default 1000).
	MaxCredentials int
}

// DefaultLimits returns the limits used for files a learner drops into the wallet.
func DefaultLimits() Limits {
	return Limits{MaxBytes: 8 << 20, MaxDepth: 64, MaxCredentials: 1000}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxCredentials <= 0 {
		l.MaxCredentials = d.MaxCredentials
	}
	return l
}

// Parse detects the format of data by its content and returns the credentials
// inside. name is used in error messages only, never to choose the format.
//
// Accepted are: a JSON credential (type VerifiableCredential, or @context with
// credentialSubject), including a VC 2.0 EnvelopedVerifiableCredential; a JSON
// verifiable presentation (each element of verifiableCredential); a JSON array
// of credentials; a VC-JWT (compact JWS whose payload has a "vc" claim, is a
// VC 2.0 credential, or whose typ is vc+jwt / vc+ld+jwt); a VP-JWT (each
// credential of its "vp" claim); a PNG with an iTXt chunk "openbadgecredential"
// (Open Badges 3.0 baking; a tEXt or zTXt chunk of that name is read too); an
// SVG with an <openbadges:credential> element (VC-JWT in its verify attribute
// or text, JSON in its text or CDATA). Open Badges 2.0 assertions are accepted
// as JSON, as a signed JWS, and baked into a PNG (iTXt "openbadges") or an SVG
// (<openbadges:assertion>), with Item.Family FamilyOB2; a baked web address
// only, or an assertion inside a presentation, is refused with ErrOpenBadges2.
// A JAdES-sealed JSON document ({"payload": ..., "signatures": [...]}, the
// Europass download) gives one item with Family FamilyJAdES, and the Europass
// upload wrapper {"credential": {...}} gives the credential inside.
//
// On failure Parse returns a nil slice and an *Error wrapping one of the
// sentinel errors; it never returns a partial result.
func Parse(name string, data []byte, lim Limits) ([]Item, error) {
	p := &parser{name: name, lim: lim.withDefaults()}
	if err := p.parse(data); err != nil {
		return nil, err
	}
	return p.items, nil
}

type parser struct {
	name  string
	lim   Limits
	items []Item
}

func (p *parser) fail(kind error, problem, hint string, cause error) error {
	return &Error{Name: p.name, Kind: kind, Problem: problem, Hint: hint, Err: cause}
}

func (p *parser) add(it Item) error {
	if len(p.items) >= p.lim.MaxCredentials {
		return p.fail(ErrTooLarge, fmt.Sprintf("file holds more than %d credentials", p.lim.MaxCredentials),
			"split it into smaller files", nil)
	}
	p.items = append(p.items, it)
	return nil
}

var (
	pngSignature = []byte("\x89PNG\r\n\x1a\n")
	utf8BOM      = []byte("\xef\xbb\xbf")
)

func (p *parser) parse(data []byte) error {
	if len(data) == 0 {
		return p.fail(ErrEmpty, "file is empty", hintExport, nil)
	}
	if int64(len(data)) > p.lim.MaxBytes {
		return p.fail(ErrTooLarge, fmt.Sprintf("file is %d bytes, more than the %d bytes allowed", len(data), p.lim.MaxBytes),
			"a credential or badge image is much smaller; check that this is the right file", nil)
	}
	if bytes.HasPrefix(data, pngSignature[:4]) {
		return p.png(data)
	}
	text := trimSpace(bytes.TrimPrefix(data, utf8BOM))
	if len(text) == 0 {
		return p.fail(ErrEmpty, "file holds only whitespace", hintExport, nil)
	}
	switch text[0] {
	case '{', '[', '"':
		return p.jsonDocument(text)
	case '<':
		return p.svg(text)
	}
	if looksLikeJWS(text) {
		return p.jwtDocument(text)
	}
	return p.unrecognised(data, text)
}

// unrecognised names what the input seems to be, so the learner knows what
// went wrong.
func (p *parser) unrecognised(data, text []byte) error {
	what := "file is not a format the wallet can import"
	hint := hintAccepted
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		what = "file is a JPEG image, which cannot carry a baked badge"
		hint = "only PNG and SVG badge images carry a credential; " + hintExport
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		what = "file is a GIF image, which cannot carry a baked badge"
		hint = "only PNG and SVG badge images carry a credential; " + hintExport
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		what = "file is a WebP image, which cannot carry a baked badge"
		hint = "only PNG and SVG badge images carry a credential; " + hintExport
	case bytes.HasPrefix(data, []byte("%PDF-")):
		what = "file is a PDF document, not a digital credential"
		hint = "a printed certificate cannot be verified; ask your issuer for the Open Badges credential (JSON, JWT, or a baked PNG or SVG)"
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		what = "file is a ZIP archive"
		hint = "unpack it and import the files inside"
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		what = "file is gzip-compressed (for example a .svgz image)"
		hint = "decompress it first and import the result"
	case bytes.HasPrefix(text, []byte("eyJ")) && bytes.IndexByte(text, '~') >= 0:
		what = "file looks like an SD-JWT credential, which the wallet does not import yet"
		hint = hintExport
	case bytes.HasPrefix(text, []byte("http://")) || bytes.HasPrefix(text, []byte("https://")):
		what = "file holds a web address, not a credential"
		hint = "open the address in a browser, download the credential and import that file"
	}
	return p.fail(ErrUnrecognised, what, hint, nil)
}

// trimSpace trims JSON/XML whitespace (space, tab, CR, LF) from both ends.
func trimSpace(b []byte) []byte {
	return bytes.Trim(b, " \t\r\n")
}
