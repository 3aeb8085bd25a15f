package passport

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The passport reads credentials with its own small JSON parser instead of
// encoding/json: decoding into map[string]any costs about 14 µs for a 1.5 kB
// credential here, which alone would take 10,000 credentials past the 50 ms
// budget. This parser builds a tree of small pointer-free nodes in one
// reusable arena (so the garbage collector neither scans nor write-barriers
// it); strings are offsets into the input, or into one buffer of unescaped
// text. It accepts exactly the documents encoding/json accepts, and decodes
// strings the same way (a differential fuzz test holds it to that).

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 128

// maxDocument bounds a document so that offsets fit in int32.
const maxDocument = 1 << 30

// errTooDeep is returned for documents nested deeper than maxDepth.
var errTooDeep = errors.New("json nested too deeply")

type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNum
	jStr
	jArr
	jObj
)

// jnode is one JSON value: its string or number literal as a span of the
// document's source (or of its unescaped text when sEsc), its member name
// likewise, and its children as a span of the arena.
type jnode struct {
	kind       jkind
	sEsc, kEsc bool
	s0, s1     int32
	k0, k1     int32
	first, n   int32
}

// jdoc is a parsed document.
type jdoc struct {
	src   string
	esc   string
	nodes []jnode
}

// jv is a value in a document; the zero jv (and any with i < 0) is absent.
type jv struct {
	d *jdoc
	i int32
}

var absent = jv{i: -1}

// jparser parses documents into a reusable arena. It is not safe for
// concurrent use; give each goroutine its own.
type jparser struct {
	doc   jdoc
	i     int
	depth int
	stack []jnode // children of open containers
	esc   []byte  // unescaped strings
}

// parse parses one JSON document. The returned value lives in the parser's
// arena: it stays valid until the next call to parse.
func (p *jparser) parse(s string) (jv, error) {
	if len(s) > maxDocument {
		return absent, errors.New("json document too large")
	}
	p.doc.src, p.doc.esc = s, ""
	p.i, p.depth = 0, 0
	p.doc.nodes = p.doc.nodes[:0]
	p.stack = p.stack[:0]
	p.esc = p.esc[:0]
	if want := len(s) / 24; cap(p.doc.nodes) < want {
		p.doc.nodes = make([]jnode, 0, want)
	}
	p.ws()
	v, err := p.value()
	if err != nil {
		return absent, err
	}
	p.ws()
	if p.i != len(s) {
		return absent, p.errf("unexpected %q after the document", s[p.i])
	}
	if len(p.esc) > 0 {
		p.doc.esc = string(p.esc)
	}
	p.doc.nodes = append(p.doc.nodes, v)
	return jv{d: &p.doc, i: int32(len(p.doc.nodes) - 1)}, nil
}

func (p *jparser) errf(format string, args ...any) error {
	return fmt.Errorf("json at offset %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jparser) ws() {
	s := p.doc.src
	for p.i < len(s) {
		switch s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jparser) value() (jnode, error) {
	s := p.doc.src
	if p.i >= len(s) {
		return jnode{}, p.errf("unexpected end of input")
	}
	switch c := s[p.i]; c {
	case '{':
		return p.container(jObj, '}')
	case '[':
		return p.container(jArr, ']')
	case '"':
		a, b, esc, err := p.str()
		return jnode{kind: jStr, s0: a, s1: b, sEsc: esc}, err
	case 't':
		return p.lit("true", jTrue)
	case 'f':
		return p.lit("false", jFalse)
	case 'n':
		return p.lit("null", jNull)
	default:
		if c == '-' || (c >= '0' && c <= '9') {
			return p.num()
		}
		return jnode{}, p.errf("unexpected %q", c)
	}
}

func (p *jparser) lit(word string, k jkind) (jnode, error) {
	if !strings.HasPrefix(p.doc.src[p.i:], word) {
		return jnode{}, p.errf("invalid literal")
	}
	p.i += len(word)
	return jnode{kind: k}, nil
}

func (p *jparser) container(k jkind, closer byte) (jnode, error) {
	s := p.doc.src
	p.depth++
	if p.depth > maxDepth {
		return jnode{}, errTooDeep
	}
	p.i++ // opening bracket
	mark := len(p.stack)
	p.ws()
	if p.i < len(s) && s[p.i] == closer {
		p.i++
		p.depth--
		return jnode{kind: k}, nil
	}
	for {
		var k0, k1 int32
		var kEsc bool
		if k == jObj {
			if p.i >= len(s) || s[p.i] != '"' {
				return jnode{}, p.errf("expected a member name")
			}
			var err error
			if k0, k1, kEsc, err = p.str(); err != nil {
				return jnode{}, err
			}
			p.ws()
			if p.i >= len(s) || s[p.i] != ':' {
				return jnode{}, p.errf("expected ':'")
			}
			p.i++
			p.ws()
		}
		v, err := p.value()
		if err != nil {
			return jnode{}, err
		}
		v.k0, v.k1, v.kEsc = k0, k1, kEsc
		p.stack = append(p.stack, v)
		p.ws()
		if p.i >= len(s) {
			return jnode{}, p.errf("unexpected end of input")
		}
		if c := s[p.i]; c == ',' {
			p.i++
			p.ws()
			continue
		} else if c == closer {
			p.i++
			break
		}
		return jnode{}, p.errf("expected ',' or %q", closer)
	}
	first := len(p.doc.nodes)
	p.doc.nodes = append(p.doc.nodes, p.stack[mark:]...)
	n := len(p.doc.nodes) - first
	p.stack = p.stack[:mark]
	p.depth--
	return jnode{kind: k, first: int32(first), n: int32(n)}, nil
}

// str reads a string token: a span of the source when it has no escapes or
// non-ASCII bytes, else a span of the unescaped buffer (esc true).
func (p *jparser) str() (a, b int32, esc bool, err error) {
	s := p.doc.src
	p.i++ // opening quote
	start := p.i
	i := p.i
	for i < len(s) && plain[s[i]] {
		i++
	}
	p.i = i
	if i < len(s) && s[i] == '"' {
		p.i++
		return int32(start), int32(i), false, nil
	}
	if i >= len(s) {
		return 0, 0, false, p.errf("unterminated string")
	}
	a, b, err = p.slowStr(start)
	return a, b, true, err
}

// plain marks the bytes a string can hold as they are: not the closing
// quote, a backslash, a control character or the start of a multi-byte
// character (which needs UTF-8 validation).
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// slowStr unescapes into p.esc and validates UTF-8, replacing invalid bytes
// with U+FFFD as encoding/json does.
func (p *jparser) slowStr(start int) (int32, int32, error) {
	s := p.doc.src
	a := len(p.esc)
	b := append(p.esc, s[start:p.i]...)
	defer func() { p.esc = b }()
	for p.i < len(s) {
		c := s[p.i]
		switch {
		case c == '"':
			p.i++
			return int32(a), int32(len(b)), nil
		case c < 0x20:
			return 0, 0, p.errf("control character in string")
		case c == '\\':
			if p.i+1 >= len(s) {
				return 0, 0, p.errf("unterminated escape")
			}
			e := s[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return 0, 0, p.errf("invalid \\u escape")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if strings.HasPrefix(s[p.i:], `\u`) {
						save := p.i
						p.i += 2
						lo, ok := p.hex4()
						if !ok {
							return 0, 0, p.errf("invalid \\u escape")
						}
						if d := utf16.DecodeRune(r, lo); d != utf8.RuneError {
							r2 = d
						} else {
							p.i = save
						}
					}
					r = r2
				}
				b = utf8.AppendRune(b, r)
			default:
				return 0, 0, p.errf("invalid escape")
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.i++
		default:
			r, size := utf8.DecodeRuneInString(s[p.i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, s[p.i:p.i+size]...)
			}
			p.i += size
		}
	}
	return 0, 0, p.errf("unterminated string")
}

func (p *jparser) hex4() (rune, bool) {
	s := p.doc.src
	if p.i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[p.i : p.i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	p.i += 4
	return r, true
}

func (p *jparser) num() (jnode, error) {
	s := p.doc.src
	start := p.i
	if s[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(s) && s[p.i] >= '0' && s[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(s) && s[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return jnode{}, p.errf("invalid number")
	}
	if p.i < len(s) && s[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return jnode{}, p.errf("invalid number")
		}
	}
	if p.i < len(s) && (s[p.i] == 'e' || s[p.i] == 'E') {
		p.i++
		if p.i < len(s) && (s[p.i] == '+' || s[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return jnode{}, p.errf("invalid number")
		}
	}
	return jnode{kind: jNum, s0: int32(start), s1: int32(p.i)}, nil
}

// fromAny converts a decoded JSON value (as encoding/json produces) into a
// document. Values of other Go types become null.
func fromAny(v any) (jv, error) {
	var b anyBuilder
	n, err := b.node(v, 0)
	if err != nil {
		return absent, err
	}
	b.doc.esc = string(b.esc)
	b.doc.nodes = append(b.doc.nodes, n)
	return jv{d: &b.doc, i: int32(len(b.doc.nodes) - 1)}, nil
}

type anyBuilder struct {
	doc jdoc
	esc []byte
}

func (b *anyBuilder) text(s string) (int32, int32, error) {
	if len(b.esc)+len(s) > maxDocument {
		return 0, 0, errors.New("json document too large")
	}
	a := len(b.esc)
	b.esc = append(b.esc, s...)
	return int32(a), int32(len(b.esc)), nil
}

func (b *anyBuilder) strNode(s string) (jnode, error) {
	a, e, err := b.text(s)
	return jnode{kind: jStr, s0: a, s1: e, sEsc: true}, err
}

func (b *anyBuilder) numNode(s string) (jnode, error) {
	a, e, err := b.text(s)
	return jnode{kind: jNum, s0: a, s1: e, sEsc: true}, err
}

func (b *anyBuilder) node(v any, depth int) (jnode, error) {
	if depth > maxDepth {
		return jnode{}, errTooDeep
	}
	switch t := v.(type) {
	case nil:
		return jnode{kind: jNull}, nil
	case bool:
		if t {
			return jnode{kind: jTrue}, nil
		}
		return jnode{kind: jFalse}, nil
	case string:
		return b.strNode(t)
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return jnode{kind: jNull}, nil
		}
		return b.numNode(strconv.FormatFloat(t, 'g', -1, 64))
	case int:
		return b.numNode(strconv.Itoa(t))
	case int64:
		return b.numNode(strconv.FormatInt(t, 10))
	case json.Number:
		return b.numNode(string(t))
	case []any:
		kids := make([]jnode, len(t))
		for i, e := range t {
			k, err := b.node(e, depth+1)
			if err != nil {
				return jnode{}, err
			}
			kids[i] = k
		}
		return b.container(jArr, kids), nil
	case []string:
		kids := make([]jnode, len(t))
		for i, e := range t {
			k, err := b.strNode(e)
			if err != nil {
				return jnode{}, err
			}
			kids[i] = k
		}
		return b.container(jArr, kids), nil
	case []map[string]any:
		kids := make([]jnode, len(t))
		for i, e := range t {
			k, err := b.node(e, depth+1)
			if err != nil {
				return jnode{}, err
			}
			kids[i] = k
		}
		return b.container(jArr, kids), nil
	case map[string]any:
		kids := make([]jnode, 0, len(t))
		for name, e := range t {
			k, err := b.node(e, depth+1)
			if err != nil {
				return jnode{}, err
			}
			if k.k0, k.k1, err = b.text(name); err != nil {
				return jnode{}, err
			}
			k.kEsc = true
			kids = append(kids, k)
		}
		return b.container(jObj, kids), nil
	case map[string]string:
		kids := make([]jnode, 0, len(t))
		for name, e := range t {
			k, err := b.strNode(e)
			if err != nil {
				return jnode{}, err
			}
			if k.k0, k.k1, err = b.text(name); err != nil {
				return jnode{}, err
			}
			k.kEsc = true
			kids = append(kids, k)
		}
		return b.container(jObj, kids), nil
	default:
		return jnode{kind: jNull}, nil
	}
}

func (b *anyBuilder) container(k jkind, kids []jnode) jnode {
	first := len(b.doc.nodes)
	b.doc.nodes = append(b.doc.nodes, kids...)
	return jnode{kind: k, first: int32(first), n: int32(len(kids))}
}

func (v jv) ok() bool { return v.d != nil && v.i >= 0 }

func (v jv) node() *jnode { return &v.d.nodes[v.i] }

// kind returns the value's kind; absent values are null.
func (v jv) kind() jkind {
	if !v.ok() {
		return jNull
	}
	return v.node().kind
}

func (d *jdoc) span(esc bool, a, b int32) string {
	if esc {
		return d.esc[a:b]
	}
	return d.src[a:b]
}

// key returns the member name of a value inside an object.
func (v jv) key() string {
	n := v.node()
	return v.d.span(n.kEsc, n.k0, n.k1)
}

// get returns the member called key of an object (the last one, as
// encoding/json keeps the last of duplicate names), or absent.
func (v jv) get(key string) jv {
	if !v.ok() {
		return absent
	}
	n := v.node()
	if n.kind != jObj {
		return absent
	}
	for i := n.first + n.n - 1; i >= n.first; i-- {
		c := &v.d.nodes[i]
		if int(c.k1-c.k0) == len(key) && v.d.span(c.kEsc, c.k0, c.k1) == key {
			return jv{d: v.d, i: i}
		}
	}
	return absent
}

// text returns a string value, the literal of a number, or "".
func (v jv) text() string {
	if !v.ok() {
		return ""
	}
	n := v.node()
	if n.kind != jStr && n.kind != jNum {
		return ""
	}
	return v.d.span(n.sEsc, n.s0, n.s1)
}

// children iterates over the elements of an array or the members of an
// object.
func (v jv) children() iter.Seq[jv] {
	return func(yield func(jv) bool) {
		if !v.ok() {
			return
		}
		n := v.node()
		if n.kind != jArr && n.kind != jObj {
			return
		}
		for i := n.first; i < n.first+n.n; i++ {
			if !yield(jv{d: v.d, i: i}) {
				return
			}
		}
	}
}

// items iterates over the values of a JSON-LD "one or many" property: the
// elements of an array, or the value itself; null yields nothing.
func (v jv) items() iter.Seq[jv] {
	return func(yield func(jv) bool) {
		switch v.kind() {
		case jNull:
			return
		case jArr:
			for c := range v.children() {
				if !yield(c) {
					return
				}
			}
		default:
			yield(v)
		}
	}
}

// ref returns an object's "id", or a bare string value (JSON-LD lets many
// properties be either an IRI or an object with an id).
func (v jv) ref() string {
	if v.kind() == jStr {
		return v.text()
	}
	return v.get("id").text()
}

// hasType reports whether a value's "type" (string or array) includes t.
func (v jv) hasType(t string) bool {
	for x := range v.get("type").items() {
		if x.kind() == jStr && x.text() == t {
			return true
		}
	}
	return false
}

// strs returns the string values of a one-or-many property.
func (v jv) strs() []string {
	var out []string
	for x := range v.items() {
		if x.kind() == jStr {
			if s := x.text(); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// toAny converts a value back to what encoding/json would produce (used by
// tests to compare the two parsers).
func (v jv) toAny() any {
	switch v.kind() {
	case jFalse:
		return false
	case jTrue:
		return true
	case jNum:
		f, _ := strconv.ParseFloat(v.text(), 64)
		return f
	case jStr:
		return v.text()
	case jArr:
		out := []any{}
		for c := range v.children() {
			out = append(out, c.toAny())
		}
		return out
	case jObj:
		out := map[string]any{}
		for c := range v.children() {
			out[c.key()] = c.toAny()
		}
		return out
	default:
		return nil
	}
}
