package qr

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/mr-tron/base58"
)

// Kinds of binary forms: the first byte of a CBOR byte string.
const (
	kindDIDKey    = 0 // "did:key:z" + base58btc(rest)
	kindDIDKeyVM  = 1 // "did:key:z" + b + "#z" + b, b = base58btc(rest)
	kindBase58    = 2 // "z" + base58btc(rest)
	kindBase64URL = 3 // "u" + base64url without padding(rest)
	kindUUID      = 4 // "urn:uuid:" + lowercase UUID of rest (16 bytes)
	kindNumber    = 5 // a JSON number: rest is its text
	kindDateFrac  = 6 // "YYYY-MM-DDThh:mm:ss.fZ": digits(1) seconds(8) fraction(4)
	kindRawB64URL = 7 // base64url without padding or prefix
	kindBase64    = 8 // standard base64 with padding
	kindCount     = 9
)

const (
	didKeyPrefix  = "did:key:z"
	uuidPrefix    = "urn:uuid:"
	dateLayout    = "2006-01-02T15:04:05"
	dateFracLen   = 13
	epochTagNum   = 1   // RFC 8949: epoch-based date/time
	daysTagNum    = 100 // RFC 8943: full-date as days since 1970-01-01
	dayLayout     = "2006-01-02"
	secondsPerDay = 24 * 60 * 60
	maxFracDigits = 9
)

// pow10 holds 10^0 .. 10^9.
var pow10 = [...]uint32{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// encMode writes core deterministic CBOR (RFC 8949 section 4.2.1).
var encMode = func() cbor.EncMode {
	m, err := cbor.CoreDetEncOptions().EncMode()
	if err != nil {
		panic(err) // fixed options: cannot fail
	}
	return m
}()

// EncodeCBOR returns the CBOR data item SP1 compresses for doc, a JSON
// object (see the package documentation). Encode is EncodeCBOR followed by
// DEFLATE and base45; this step is exposed for measurements and tools.
func EncodeCBOR(doc []byte) ([]byte, error) {
	if len(doc) > MaxJSONBytes {
		return nil, fmt.Errorf("encode qr payload: %w: document of %d bytes (limit %d)", ErrLimit, len(doc), MaxJSONBytes)
	}
	p := &jsonParser{dec: json.NewDecoder(bytes.NewReader(doc))}
	p.dec.UseNumber()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, fmt.Errorf("encode qr payload: %w: %w", ErrNotJSON, err)
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("encode qr payload: %w: the document is not an object", ErrNotJSON)
	}
	v, err := p.value(tok, 1)
	if err != nil {
		return nil, fmt.Errorf("encode qr payload: %w", err)
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("encode qr payload: %w: data after the object", ErrNotJSON)
	}
	out, err := encMode.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode qr payload: %w", err)
	}
	return out, nil
}

// jsonParser reads JSON tokens and builds the CBOR value tree directly,
// counting items and depth.
type jsonParser struct {
	dec   *json.Decoder
	items int
}

func (p *jsonParser) count() error {
	p.items++
	if p.items > MaxItems {
		return fmt.Errorf("%w: more than %d values", ErrLimit, MaxItems)
	}
	return nil
}

// value converts the JSON value starting with tok at the given depth.
func (p *jsonParser) value(tok json.Token, depth int) (any, error) {
	if err := p.count(); err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth > MaxDepth {
			return nil, fmt.Errorf("%w: nested deeper than %d", ErrLimit, MaxDepth)
		}
		if t == '{' {
			return p.object(depth)
		}
		return p.array(depth)
	case string:
		return compactString(t), nil
	case json.Number:
		return append([]byte{kindNumber}, t...), nil
	case bool:
		return t, nil
	case nil:
		return nil, nil
	}
	return nil, fmt.Errorf("%w: unexpected token %v", ErrNotJSON, tok)
}

func (p *jsonParser) object(depth int) (any, error) {
	m := map[any]any{}
	seen := map[string]bool{}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, fmt.Errorf("%w: key %q appears twice in one object", ErrNotJSON, key)
		}
		seen[key] = true
		if err := p.count(); err != nil {
			return nil, err
		}
		tok, err = p.dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
		}
		v, err := p.value(tok, depth+1)
		if err != nil {
			return nil, err
		}
		if code, ok := termCode[key]; ok {
			m[code] = v
		} else {
			m[key] = v
		}
	}
	if _, err := p.dec.Token(); err != nil { // '}'
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	return m, nil
}

func (p *jsonParser) array(depth int) (any, error) {
	a := []any{}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
		}
		v, err := p.value(tok, depth+1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
	if _, err := p.dec.Token(); err != nil { // ']'
		return nil, fmt.Errorf("%w: %w", ErrNotJSON, err)
	}
	return a, nil
}

// compactString returns the shortest SP1 form of a string value: its
// dictionary number, a date tag, a binary form, or the text itself.
func compactString(s string) any {
	if code, ok := termCode[s]; ok {
		return code
	}
	if t, ok := parseDate(s); ok {
		return cbor.Tag{Number: epochTagNum, Content: t.Unix()}
	}
	if t, err := time.Parse(dayLayout, s); err == nil && t.Format(dayLayout) == s {
		return cbor.Tag{Number: daysTagNum, Content: t.Unix() / secondsPerDay}
	}
	best := []byte(nil)
	for _, b := range binaryForms(s) {
		if b != nil && (best == nil || len(b) < len(best)) {
			best = b
		}
	}
	if best != nil && cborLen(len(best)) < cborLen(len(s)) {
		return best
	}
	return s
}

// cborLen is the encoded size of a byte or text string of n bytes.
func cborLen(n int) int {
	switch {
	case n < 24:
		return 1 + n
	case n <= 0xff:
		return 2 + n
	case n <= 0xffff:
		return 3 + n
	}
	return 5 + n
}

// parseDate recognises "YYYY-MM-DDThh:mm:ssZ" exactly as time formats it.
func parseDate(s string) (time.Time, bool) {
	if len(s) != len(dateLayout)+1 || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	t, err := time.Parse(dateLayout, s[:len(s)-1])
	if err != nil || t.Format(dateLayout)+"Z" != s {
		return time.Time{}, false
	}
	return t, true
}

// binaryForms returns each binary form (kind byte first) that gives back s
// exactly; nil entries are forms that do not apply.
func binaryForms(s string) [kindCount][]byte {
	var out [kindCount][]byte
	if rest, ok := strings.CutPrefix(s, didKeyPrefix); ok {
		key, frag, hasFrag := strings.Cut(rest, "#")
		if b := base58Exact(key); b != nil {
			switch {
			case !hasFrag:
				out[kindDIDKey] = append([]byte{kindDIDKey}, b...)
			case frag == "z"+key:
				out[kindDIDKeyVM] = append([]byte{kindDIDKeyVM}, b...)
			}
		}
	}
	if rest, ok := strings.CutPrefix(s, "z"); ok {
		if b := base58Exact(rest); b != nil {
			out[kindBase58] = append([]byte{kindBase58}, b...)
		}
	}
	if rest, ok := strings.CutPrefix(s, "u"); ok {
		if b := base64Exact(base64.RawURLEncoding, rest); b != nil {
			out[kindBase64URL] = append([]byte{kindBase64URL}, b...)
		}
	}
	if rest, ok := strings.CutPrefix(s, uuidPrefix); ok && len(rest) == 36 {
		if b, err := hex.DecodeString(strings.ReplaceAll(rest, "-", "")); err == nil && len(b) == 16 && formatUUID(b) == rest {
			out[kindUUID] = append([]byte{kindUUID}, b...)
		}
	}
	if b := dateFrac(s); b != nil {
		out[kindDateFrac] = b
	}
	if b := base64Exact(base64.RawURLEncoding, s); b != nil {
		out[kindRawB64URL] = append([]byte{kindRawB64URL}, b...)
	}
	if b := base64Exact(base64.StdEncoding, s); b != nil {
		out[kindBase64] = append([]byte{kindBase64}, b...)
	}
	return out
}

// base58Exact decodes base58btc when encoding the result gives back s.
func base58Exact(s string) []byte {
	if s == "" {
		return nil
	}
	b, err := base58.Decode(s)
	if err != nil || len(b) == 0 || base58.Encode(b) != s {
		return nil
	}
	return b
}

// base64Exact decodes s with enc when encoding the result gives back s.
func base64Exact(enc *base64.Encoding, s string) []byte {
	if s == "" {
		return nil
	}
	b, err := enc.DecodeString(s)
	if err != nil || len(b) == 0 || enc.EncodeToString(b) != s {
		return nil
	}
	return b
}

// formatUUID writes 16 bytes as a lowercase 8-4-4-4-12 UUID.
func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// dateFrac returns the kindDateFrac form of "YYYY-MM-DDThh:mm:ss.fffZ" (1
// to 9 fraction digits), or nil.
func dateFrac(s string) []byte {
	base := len(dateLayout)
	if len(s) < base+3 || s[base] != '.' || s[len(s)-1] != 'Z' {
		return nil
	}
	digits := s[base+1 : len(s)-1]
	if len(digits) > maxFracDigits {
		return nil
	}
	frac, err := strconv.ParseUint(digits, 10, 32)
	if err != nil {
		return nil
	}
	t, ok := parseDate(s[:base] + "Z")
	if !ok {
		return nil
	}
	b := make([]byte, dateFracLen+1)
	b[0] = kindDateFrac
	b[1] = byte(len(digits))
	binary.BigEndian.PutUint64(b[2:10], uint64(t.Unix()))
	binary.BigEndian.PutUint32(b[10:14], uint32(frac))
	if formatDateFrac(b[1:]) != s {
		return nil
	}
	return b
}

// formatDateFrac writes a kindDateFrac body (without the kind byte).
func formatDateFrac(b []byte) string {
	digits := int(b[0])
	sec := int64(binary.BigEndian.Uint64(b[1:9]))
	frac := binary.BigEndian.Uint32(b[9:13])
	f := strconv.FormatUint(uint64(frac), 10)
	return time.Unix(sec, 0).UTC().Format(dateLayout) + "." + strings.Repeat("0", digits-len(f)) + f + "Z"
}

// expandBinary returns the string a byte string stands for, and whether it
// is a JSON number (kindNumber) rather than a string.
func expandBinary(b []byte) (string, bool, error) {
	if len(b) == 0 {
		return "", false, errors.New("empty byte string")
	}
	kind, rest := b[0], b[1:]
	switch kind {
	case kindDIDKey, kindDIDKeyVM, kindBase58:
		if len(rest) == 0 {
			return "", false, fmt.Errorf("empty byte string of kind %d", kind)
		}
		enc := base58.Encode(rest)
		switch kind {
		case kindDIDKey:
			return didKeyPrefix + enc, false, nil
		case kindDIDKeyVM:
			return didKeyPrefix + enc + "#z" + enc, false, nil
		}
		return "z" + enc, false, nil
	case kindBase64URL:
		return "u" + base64.RawURLEncoding.EncodeToString(rest), false, nil
	case kindUUID:
		if len(rest) != 16 {
			return "", false, fmt.Errorf("UUID of %d bytes", len(rest))
		}
		return uuidPrefix + formatUUID(rest), false, nil
	case kindNumber:
		if !validNumber(rest) {
			return "", false, fmt.Errorf("invalid number %q", rest)
		}
		return string(rest), true, nil
	case kindDateFrac:
		if len(rest) != dateFracLen {
			return "", false, fmt.Errorf("date of %d bytes, want %d", len(rest), dateFracLen)
		}
		digits := int(rest[0])
		if digits < 1 || digits > maxFracDigits || binary.BigEndian.Uint32(rest[9:]) >= pow10[digits] {
			return "", false, errors.New("date with an invalid fraction")
		}
		return formatDateFrac(rest), false, nil
	case kindRawB64URL:
		return base64.RawURLEncoding.EncodeToString(rest), false, nil
	case kindBase64:
		return base64.StdEncoding.EncodeToString(rest), false, nil
	}
	return "", false, fmt.Errorf("byte string of unknown kind %d", kind)
}

// validNumber reports whether b is exactly one JSON number, with no white
// space around it.
func validNumber(b []byte) bool {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) || b[len(b)-1] < '0' || b[len(b)-1] > '9' {
		return false
	}
	return json.Valid(b)
}
