package passport

import (
	"unicode"
	"unicode/utf8"
)

// folded is a text folded for matching: lower-case letters and digits, one
// space between words, and where each word starts and ends. It lives on the
// caller's stack (it holds no pointers into itself), so matching against
// keyword sets allocates nothing. Text past 192 bytes or 24 words is
// dropped.
type folded struct {
	buf [192]byte
	nb  int
	idx [24][2]uint8
	nw  int
	// trunc is set when text was dropped.
	trunc bool
}

// fold fills f from s.
func (f *folded) fold(s string) {
	f.nb, f.nw, f.trunc = 0, 0, false
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		isWord := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') ||
			(r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)))
		if !isWord {
			if start >= 0 {
				f.idx[f.nw] = [2]uint8{uint8(start), uint8(f.nb)}
				f.nw++
				start = -1
			}
			continue
		}
		if start < 0 {
			if f.nw == len(f.idx) || f.nb+5 > len(f.buf) {
				f.trunc = true
				return
			}
			if f.nb > 0 {
				f.buf[f.nb] = ' '
				f.nb++
			}
			start = f.nb
		}
		if f.nb+4 > len(f.buf) {
			f.trunc = true
			break
		}
		switch {
		case r >= 'A' && r <= 'Z':
			f.buf[f.nb] = byte(r) + 'a' - 'A'
			f.nb++
		case r < utf8.RuneSelf:
			f.buf[f.nb] = byte(r)
			f.nb++
		default:
			f.nb += utf8.EncodeRune(f.buf[f.nb:], unicode.ToLower(r))
		}
	}
	if start >= 0 {
		f.idx[f.nw] = [2]uint8{uint8(start), uint8(f.nb)}
		f.nw++
	}
}

// n is the number of words.
func (f *folded) n() int { return f.nw }

// word returns word i (valid until the next fold).
func (f *folded) word(i int) []byte { return f.buf[f.idx[i][0]:f.idx[i][1]] }

// span returns words i to j inclusive with their separating spaces.
func (f *folded) span(i, j int) []byte { return f.buf[f.idx[i][0]:f.idx[j][1]] }

// text returns all the words, space-separated.
func (f *folded) text() []byte { return f.buf[:f.nb] }

// hit reports whether a word, or a phrase of two or three words, is in set.
func (f *folded) hit(set map[string]bool) bool {
	for i := 0; i < f.nw; i++ {
		if set[string(f.word(i))] {
			return true
		}
		if i+1 < f.nw && set[string(f.span(i, i+1))] {
			return true
		}
		if i+2 < f.nw && set[string(f.span(i, i+2))] {
			return true
		}
	}
	return false
}
