package status

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Format selects how a status list is written into a credential's
// encodedList.
type Format int

const (
	// StatusList2021 is the W3C CCG Status List 2021 form: base64url (no
	// padding) of the GZIP-compressed bitstring.
	StatusList2021 Format = iota + 1
	// BitstringStatusList is the W3C Bitstring Status List v1.0 form: the
	// multibase base64url prefix 'u' followed by base64url (no padding) of the
	// GZIP-compressed bitstring.
	BitstringStatusList
)

// String returns the name of the status list format.
func (f Format) String() string {
	switch f {
	case StatusList2021:
		return "StatusList2021"
	case BitstringStatusList:
		return "BitstringStatusList"
	default:
		return fmt.Sprintf("Format(%d)", int(f))
	}
}

const (
	// MinListEntries is the smallest list both specifications ask issuers to
	// publish (16KB of 1-bit entries, for group privacy). Smaller lists are
	// still read; the check notes them.
	MinListEntries = 131072
	// MaxStatusSize is the widest status entry, in bits, this package reads.
	MaxStatusSize = 16
	// DefaultMaxListBytes is the default cap on a decompressed bitstring
	// (16 MiB, 134,217,728 one-bit entries).
	DefaultMaxListBytes = 16 << 20
)

// Errors returned by the list functions. Check and Evaluate wrap them too.
var (
	// ErrMalformed reports a status entry or status list that does not follow
	// its specification.
	ErrMalformed = errors.New("status information is malformed")
	// ErrListTooLarge reports a status list above a size limit (fetched,
	// encoded, or once decompressed).
	ErrListTooLarge = errors.New("status list is too large")
	// ErrIndexOutOfRange reports an index outside the list.
	ErrIndexOutOfRange = errors.New("status index is outside the status list")
)

// List is a status bitstring: Len entries of StatusSize bits each, entry 0 at
// the left-most (most significant) bit of the first byte. The zero value is an
// empty list; use NewList or NewMultiBitList. A List is not safe for
// concurrent modification.
type List struct {
	bits       []byte
	statusSize int
}

// NewList returns a list of one-bit entries, all unset. size is the number of
// entries; it is rounded up to a whole number of bytes. Issuers should use at
// least MinListEntries.
func NewList(size int) (*List, error) {
	return NewMultiBitList(size, 1)
}

// NewMultiBitList returns a list of size entries of statusSize bits each
// (1..MaxStatusSize), all zero. The bitstring is rounded up to whole bytes.
func NewMultiBitList(size, statusSize int) (*List, error) {
	if statusSize < 1 || statusSize > MaxStatusSize {
		return nil, fmt.Errorf("new status list: %w: status size %d is not between 1 and %d", ErrMalformed, statusSize, MaxStatusSize)
	}
	if size <= 0 {
		return nil, fmt.Errorf("new status list: %w: size %d is not positive", ErrMalformed, size)
	}
	if size > DefaultMaxListBytes*8/statusSize {
		return nil, fmt.Errorf("new status list: %w: %d entries of %d bits exceed %d bytes", ErrListTooLarge, size, statusSize, DefaultMaxListBytes)
	}
	nbits := size * statusSize
	return &List{bits: make([]byte, (nbits+7)/8), statusSize: statusSize}, nil
}

// Len returns the number of entries the list holds.
func (l *List) Len() int {
	if l == nil || l.statusSize == 0 {
		return 0
	}
	return len(l.bits) * 8 / l.statusSize
}

// StatusSize returns the width of one entry in bits.
func (l *List) StatusSize() int {
	if l == nil {
		return 0
	}
	return l.statusSize
}

// Bytes returns the uncompressed bitstring. The slice is shared with the list.
func (l *List) Bytes() []byte {
	if l == nil {
		return nil
	}
	return l.bits
}

// Set sets every bit of entry index (for a one-bit list: marks it revoked or
// suspended, according to the list's purpose).
func (l *List) Set(index int) error {
	if l == nil || l.statusSize == 0 {
		return fmt.Errorf("set status: %w", ErrIndexOutOfRange)
	}
	return l.SetValue(index, uint64(1)<<l.statusSize-1)
}

// Clear sets entry index to zero.
func (l *List) Clear(index int) error {
	return l.SetValue(index, 0)
}

// Get reports whether entry index is non-zero.
func (l *List) Get(index int) (bool, error) {
	v, err := l.Value(index)
	return v != 0, err
}

// SetValue stores v in entry index. v must fit in StatusSize bits.
func (l *List) SetValue(index int, v uint64) error {
	if l == nil || l.statusSize == 0 || index < 0 || index >= l.Len() {
		return fmt.Errorf("set status %d: %w (%d entries)", index, ErrIndexOutOfRange, l.Len())
	}
	if v>>l.statusSize != 0 {
		return fmt.Errorf("set status %d: %w: value %d does not fit in %d bits", index, ErrMalformed, v, l.statusSize)
	}
	pos := uint64(index) * uint64(l.statusSize)
	for i := l.statusSize - 1; i >= 0; i-- {
		mask := byte(0x80) >> (pos % 8)
		if v>>i&1 == 1 {
			l.bits[pos/8] |= mask
		} else {
			l.bits[pos/8] &^= mask
		}
		pos++
	}
	return nil
}

// Value returns entry index, most significant bit first.
func (l *List) Value(index int) (uint64, error) {
	if index < 0 {
		return 0, fmt.Errorf("read status %d: %w", index, ErrIndexOutOfRange)
	}
	return l.valueAt(uint64(index))
}

func (l *List) valueAt(index uint64) (uint64, error) {
	if l == nil || l.statusSize == 0 || index >= uint64(l.Len()) {
		return 0, fmt.Errorf("read status %d: %w (%d entries)", index, ErrIndexOutOfRange, l.Len())
	}
	pos := index * uint64(l.statusSize)
	var v uint64
	for range l.statusSize {
		v = v<<1 | uint64(l.bits[pos/8]>>(7-pos%8)&1)
		pos++
	}
	return v, nil
}

// Encode returns the GZIP-compressed, base64url-encoded bitstring in the
// given format, ready for credentialSubject.encodedList.
func (l *List) Encode(f Format) (string, error) {
	if f != StatusList2021 && f != BitstringStatusList {
		return "", fmt.Errorf("encode status list: %w: unknown format %v", ErrMalformed, f)
	}
	if l == nil {
		return "", fmt.Errorf("encode status list: %w: nil list", ErrMalformed)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if _, err := zw.Write(l.bits); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	s := base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if f == BitstringStatusList {
		s = "u" + s
	}
	return s, nil
}

// Decode expands an encodedList into a list of statusSize-bit entries,
// decompressing at most DefaultMaxListBytes. It accepts both formats: an
// optional multibase prefix ('u' or 'U' for base64url, 'm' or 'M' for
// base64) and either base64 alphabet, with or without padding.
func Decode(encodedList string, statusSize int) (*List, error) {
	l, _, err := decodeList(encodedList, statusSize, DefaultMaxListBytes)
	if err != nil {
		return nil, fmt.Errorf("decode status list: %w", err)
	}
	return l, nil
}

// gzipMagic64 is how every base64-encoded GZIP stream begins (1f 8b 08).
const gzipMagic64 = "H4sI"

// decodeList decodes encodedList; prefixed reports whether it carried a
// multibase prefix.
func decodeList(encodedList string, statusSize int, maxBytes int64) (l *List, prefixed bool, err error) {
	if statusSize < 1 || statusSize > MaxStatusSize {
		return nil, false, fmt.Errorf("%w: status size %d is not between 1 and %d", ErrMalformed, statusSize, MaxStatusSize)
	}
	s := strings.TrimSpace(encodedList)
	if s == "" {
		return nil, false, fmt.Errorf("%w: encodedList is empty", ErrMalformed)
	}
	if !strings.HasPrefix(s, gzipMagic64) {
		switch s[0] {
		case 'u', 'U', 'm', 'M':
			s, prefixed = s[1:], true
		default:
			return nil, false, fmt.Errorf("%w: encodedList is neither base64 GZIP nor multibase base64", ErrMalformed)
		}
	}
	s = strings.TrimRight(s, "=")
	enc := base64.RawURLEncoding
	if strings.ContainsAny(s, "+/") {
		enc = base64.RawStdEncoding
	}
	compressed, err := enc.DecodeString(s)
	if err != nil {
		return nil, prefixed, fmt.Errorf("%w: base64: %v", ErrMalformed, err)
	}
	bits, err := gunzipLimited(compressed, maxBytes)
	if err != nil {
		return nil, prefixed, err
	}
	if len(bits)*8 < statusSize {
		return nil, prefixed, fmt.Errorf("%w: bitstring is empty", ErrMalformed)
	}
	return &List{bits: bits, statusSize: statusSize}, prefixed, nil
}

// gunzipLimited decompresses a GZIP stream, refusing more than maxBytes of
// output so that a small "gzip bomb" cannot exhaust memory.
func gunzipLimited(compressed []byte, maxBytes int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrMalformed, err)
	}
	defer zr.Close()
	bits, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %v", ErrMalformed, err)
	}
	if int64(len(bits)) > maxBytes {
		return nil, fmt.Errorf("%w: it unpacks to more than %s", ErrListTooLarge, byteSize(maxBytes))
	}
	return bits, nil
}

// byteSize writes n bytes for people: "16 MiB", "512 KiB", "100 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
