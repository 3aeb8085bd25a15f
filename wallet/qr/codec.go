package qr

//go:generate go run ./internal/gen -step table -out table_gen.go
//go:generate go run ./internal/gen -step flate -out flatedict_gen.go

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Prefix starts every SP1 payload. The digits name the format version.
const Prefix = "SP1:"

// Limits on what Decode (and so Encode, which only makes what Decode
// accepts) processes.
const (
	// MaxTextLen is the longest payload text Decode reads, prefix included
	// (a version 40 QR code holds at most 4,296 characters).
	MaxTextLen = 256 << 10
	// MaxCBORBytes is the largest CBOR item the DEFLATE stream may expand to.
	MaxCBORBytes = 256 << 10
	// MaxDepth is the deepest nesting of arrays and maps (objects); the
	// document itself is depth 1.
	MaxDepth = 32
	// MaxItems is the most CBOR data items (JSON values and object keys,
	// counted together) a payload may hold.
	MaxItems = 50_000
	// MaxJSONBytes bounds the size of the JSON that Decode returns (strings
	// and keys taken from the dictionary or binary forms count at their
	// expanded length) and of the JSON that Encode accepts.
	MaxJSONBytes = 4 << 20
)

var (
	// ErrNotPayload is returned (wrapped) when the text does not start with
	// a Skillpass payload prefix ("SP" and a version number and a colon).
	ErrNotPayload = errors.New("not a Skillpass QR payload")
	// ErrUnsupportedVersion is returned (wrapped) for a payload of a version
	// this package cannot read (a newer Skillpass made it).
	ErrUnsupportedVersion = errors.New("unsupported QR payload version")
	// ErrLimit is returned (wrapped) when a payload or document exceeds one
	// of the Max limits.
	ErrLimit = errors.New("QR payload exceeds limits")
	// ErrCorrupt is returned (wrapped) when an SP1 payload is malformed:
	// bad base45, DEFLATE or CBOR, or CBOR that does not stand for JSON.
	ErrCorrupt = errors.New("corrupt QR payload")
	// ErrNotJSON is returned (wrapped) by Encode when its input is not a
	// single JSON object (or has an object with a repeated key).
	ErrNotJSON = errors.New("not a JSON object")
)

// Encode compacts a JSON-LD presentation or credential (a JSON object) into
// QR text: Prefix followed by base45 of the DEFLATE-compressed CBOR form
// described in the package documentation. Decode gives back JSON with the
// same parsed value. Encode refuses documents beyond the Max limits (wrapping
// ErrLimit) and input that is not one JSON object (wrapping ErrNotJSON).
func Encode(doc []byte) (string, error) {
	c, err := EncodeCBOR(doc)
	if err != nil {
		return "", err
	}
	// Make only what Decode accepts: the decoded JSON may be longer than
	// the input (escapes), and so exceed MaxJSONBytes.
	if _, err := DecodeCBOR(c); err != nil {
		return "", fmt.Errorf("encode qr payload: %w", err)
	}
	z, err := compress(c)
	if err != nil {
		return "", fmt.Errorf("encode qr payload: %w", err)
	}
	return Prefix + base45Encode(z), nil
}

// storedMin is the shortest byte string compress considers putting in a
// DEFLATE block of its own.
const storedMin = 48

// compress returns the raw DEFLATE stream (SP1 dictionary) of the CBOR item
// c: the shortest of one run over all of c and runs that put long byte
// strings found once in c and not in the dictionary (a signature, a BBS+
// proof: random bytes) each in a block of its own, which DEFLATE stores
// as it is instead of Huffman-coding it with the codes of the text around
// it. Both are plain DEFLATE: decoders read them alike, so the payload
// format does not change.
func compress(c []byte) ([]byte, error) {
	best, err := deflateRuns(c, nil)
	if err != nil {
		return nil, err
	}
	spans := randomSpans(c)
	// Each block of its own costs a few bytes of block headers: try the
	// long strings only, then the shorter ones too.
	tried := 0
	for _, min := range []int{256, 128, storedMin} {
		some := slices.DeleteFunc(slices.Clone(spans), func(sp [2]int) bool { return sp[1]-sp[0] < min })
		if len(some) == tried {
			continue
		}
		tried = len(some)
		z, err := deflateRuns(c, some)
		if err != nil {
			return nil, err
		}
		if len(z) < len(best) {
			best = z
		}
	}
	return best, nil
}

// deflateRuns compresses c, ending the DEFLATE block (a sync flush) before
// and after each span [start, end) of spans (in order, not overlapping).
func deflateRuns(c []byte, spans [][2]int) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte(sp1FlateDict))
	if err != nil {
		return nil, err
	}
	pos := 0
	for _, sp := range spans {
		for _, part := range [][]byte{c[pos:sp[0]], c[sp[0]:sp[1]]} {
			if _, err := w.Write(part); err != nil {
				return nil, fmt.Errorf("compress: %w", err)
			}
			if err := w.Flush(); err != nil {
				return nil, fmt.Errorf("compress: %w", err)
			}
		}
		pos = sp[1]
	}
	if _, err := w.Write(c[pos:]); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	return buf.Bytes(), nil
}

// randomSpans returns, in order, where in c the byte strings of at least
// storedMin bytes lie that occur once in c and whose first bytes are not
// in the DEFLATE dictionary (so that DEFLATE has nothing to match them
// with).
func randomSpans(c []byte) [][2]int {
	var v any
	if err := decMode.Unmarshal(c, &v); err != nil {
		return nil
	}
	var spans [][2]int
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case []byte:
			if len(t) < storedMin || bytes.Count(c, t) != 1 || strings.Contains(sp1FlateDict, string(t[1:17])) {
				return
			}
			at := bytes.Index(c, t)
			spans = append(spans, [2]int{at, at + len(t)})
		case []any:
			for _, x := range t {
				walk(x)
			}
		case map[any]any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	walk(v)
	slices.SortFunc(spans, func(a, b [2]int) int { return a[0] - b[0] })
	return spans
}

// Decode reverses Encode: it returns compact JSON (keys sorted, no HTML
// escaping) whose parsed value equals that of the document given to Encode.
// Trailing line breaks (as in a text file) are ignored.
//
// It returns an error wrapping ErrNotPayload, ErrUnsupportedVersion,
// ErrLimit or ErrCorrupt; it never panics, whatever the input.
func Decode(text string) ([]byte, error) {
	text = strings.TrimRight(text, "\r\n")
	if len(text) > MaxTextLen {
		return nil, fmt.Errorf("decode qr payload: %w: %d characters (limit %d)", ErrLimit, len(text), MaxTextLen)
	}
	body, ok := strings.CutPrefix(text, Prefix)
	if !ok {
		if v, isOurs := payloadVersion(text); isOurs {
			return nil, fmt.Errorf("decode qr payload: %w: %s (this Skillpass reads %s); update Skillpass to read it",
				ErrUnsupportedVersion, v, strings.TrimSuffix(Prefix, ":"))
		}
		return nil, fmt.Errorf("decode qr payload: %w: it does not start with %q", ErrNotPayload, Prefix)
	}
	compressed, err := base45Decode(body)
	if err != nil {
		return nil, fmt.Errorf("decode qr payload: %w: %w", ErrCorrupt, err)
	}
	c, err := inflate(compressed)
	if err != nil {
		return nil, fmt.Errorf("decode qr payload: %w", err)
	}
	return DecodeCBOR(c)
}

// payloadVersion reports whether text starts like a Skillpass payload of some
// version ("SP" digits ":"), and returns that version ("SP2").
func payloadVersion(text string) (string, bool) {
	rest, ok := strings.CutPrefix(text, "SP")
	if !ok {
		return "", false
	}
	n := 0
	for n < len(rest) && n < 9 && rest[n] >= '0' && rest[n] <= '9' {
		n++
	}
	if n == 0 || n >= len(rest) || rest[n] != ':' {
		return "", false
	}
	return text[:2+n], true
}

// inflate decompresses a raw DEFLATE stream with the SP1 dictionary,
// refusing output beyond MaxCBORBytes and data after the stream's end.
func inflate(compressed []byte) ([]byte, error) {
	src := bytes.NewReader(compressed)
	r := flate.NewReaderDict(src, []byte(sp1FlateDict))
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, MaxCBORBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: decompress: %w", ErrCorrupt, err)
	}
	if len(out) > MaxCBORBytes {
		return nil, fmt.Errorf("%w: decompresses to more than %d bytes", ErrLimit, MaxCBORBytes)
	}
	// bytes.Reader is an io.ByteReader, so flate reads no further than the
	// end of the stream.
	if src.Len() != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the compressed data", ErrCorrupt, src.Len())
	}
	return out, nil
}
