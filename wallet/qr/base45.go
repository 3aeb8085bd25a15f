package qr

import (
	"errors"
	"fmt"
	"strings"
)

// base45Alphabet is the RFC 9285 alphabet: exactly the characters of the QR
// alphanumeric mode, in the order of their QR values.
const base45Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// base45Values maps a byte to its value in base45Alphabet, or -1.
var base45Values = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(base45Alphabet); i++ {
		t[base45Alphabet[i]] = int8(i)
	}
	return t
}()

// errBase45 is wrapped by every base45 decoding error.
var errBase45 = errors.New("invalid base45")

// base45Encode encodes b as RFC 9285 base45: each pair of bytes as three
// characters (least significant first), a last single byte as two.
func base45Encode(b []byte) string {
	var s strings.Builder
	s.Grow((len(b)/2)*3 + 2)
	for i := 0; i+1 < len(b); i += 2 {
		n := int(b[i])<<8 | int(b[i+1])
		s.WriteByte(base45Alphabet[n%45])
		s.WriteByte(base45Alphabet[(n/45)%45])
		s.WriteByte(base45Alphabet[n/(45*45)])
	}
	if len(b)%2 == 1 {
		n := int(b[len(b)-1])
		s.WriteByte(base45Alphabet[n%45])
		s.WriteByte(base45Alphabet[n/45])
	}
	return s.String()
}

// base45Decode decodes RFC 9285 base45. It refuses characters outside the
// alphabet, a length that leaves one character over, and groups whose value
// does not fit the bytes they stand for (RFC 9285 section 6).
func base45Decode(s string) ([]byte, error) {
	if len(s)%3 == 1 {
		return nil, fmt.Errorf("%w: length %d leaves a single character", errBase45, len(s))
	}
	out := make([]byte, 0, len(s)/3*2+1)
	for i := 0; i < len(s); i += 3 {
		end := min(i+3, len(s))
		n, mul := 0, 1
		for j := i; j < end; j++ {
			v := base45Values[s[j]]
			if v < 0 {
				return nil, fmt.Errorf("%w: character %q at offset %d", errBase45, s[j], j)
			}
			n += int(v) * mul
			mul *= 45
		}
		if end-i == 3 {
			if n > 0xffff {
				return nil, fmt.Errorf("%w: group %q at offset %d exceeds two bytes", errBase45, s[i:end], i)
			}
			out = append(out, byte(n>>8), byte(n))
			continue
		}
		if n > 0xff {
			return nil, fmt.Errorf("%w: group %q at offset %d exceeds one byte", errBase45, s[i:end], i)
		}
		out = append(out, byte(n))
	}
	return out, nil
}
