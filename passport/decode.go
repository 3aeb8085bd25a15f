package passport

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
)

// Credentials are read with encoding/json into the generic values it
// produces (map[string]any, []any, string, json.Number, bool, nil). This
// happens once per credential, in Normalize; nothing on the passport's hot
// path (Build, Add, Remove, the views) reads credential JSON.

// decodeCredential returns the credential object of c: its Doc, its JSON, or
// the payload of its VC-JWT (the vc claim of a VC-JWT 1.1).
func decodeCredential(c *Credential) (node, error) {
	if c.Doc != nil {
		return vcClaim(unsealed(node{c.Doc})), nil
	}
	b := bytes.TrimSpace(c.JSON)
	if len(b) == 0 {
		return node{}, ErrNotJSON
	}
	if b[0] != '{' {
		payload, ok := jwtPayload(b)
		if !ok {
			return node{}, ErrNotJSON
		}
		b = payload
	}
	v, err := decodeJSON(b)
	if err != nil {
		return node{}, fmt.Errorf("read credential: %w", err)
	}
	n := node{v}
	if n.object() == nil {
		return node{}, ErrNotJSON
	}
	return vcClaim(unsealed(n)), nil
}

// vcClaim returns the vc claim of a VC-JWT 1.1 payload, or n itself.
func vcClaim(n node) node {
	if vc := n.get("vc"); vc.object() != nil {
		return vc
	}
	return n
}

// decodeJSON decodes exactly one JSON value, keeping numbers as their
// literals (json.Number) so that "points": 4 reads as "4".
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// jwtPayload decodes the payload of a compact JWS.
func jwtPayload(b []byte) ([]byte, bool) {
	parts := bytes.Split(b, []byte("."))
	if len(parts) != 3 {
		return nil, false
	}
	out := make([]byte, base64.RawURLEncoding.DecodedLen(len(parts[1])))
	n, err := base64.RawURLEncoding.Decode(out, bytes.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	out = bytes.TrimSpace(out[:n])
	return out, len(out) > 0 && out[0] == '{'
}

// node is a value of a decoded credential. The zero node is absent (and
// reads like JSON null).
type node struct{ v any }

// ok reports whether the value is present and not null.
func (n node) ok() bool { return n.v != nil }

// object returns the value as an object, or nil.
func (n node) object() map[string]any {
	m, _ := n.v.(map[string]any)
	return m
}

// get returns the member called key of an object, or absent.
func (n node) get(key string) node { return node{n.object()[key]} }

// text returns a string value, the literal of a number, or "".
func (n node) text() string {
	switch t := n.v.(type) {
	case string:
		return t
	case json.Number:
		return string(t)
	case float64: // a Doc decoded without UseNumber
		return strconv.FormatFloat(t, 'g', -1, 64)
	}
	return ""
}

// isString reports whether the value is a JSON string.
func (n node) isString() bool {
	_, ok := n.v.(string)
	return ok
}

// items iterates over the values of a JSON-LD "one or many" property: the
// elements of an array, or the value itself; null yields nothing.
func (n node) items() iter.Seq[node] {
	return func(yield func(node) bool) {
		switch t := n.v.(type) {
		case nil:
		case []any:
			for _, e := range t {
				if !yield(node{e}) {
					return
				}
			}
		default:
			yield(n)
		}
	}
}

// members iterates over an object's members in the order of their names
// (a decoded object keeps no document order).
func (n node) members() iter.Seq2[string, node] {
	return func(yield func(string, node) bool) {
		m := n.object()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(k, node{m[k]}) {
				return
			}
		}
	}
}

// ref returns an object's "id", or a bare string value (JSON-LD lets many
// properties be either an IRI or an object with an id).
func (n node) ref() string {
	if n.isString() {
		return n.text()
	}
	return n.get("id").text()
}

// hasType reports whether a value's "type" (string or array) includes t.
func (n node) hasType(t string) bool {
	for x := range n.get("type").items() {
		if s, ok := x.v.(string); ok && s == t {
			return true
		}
	}
	return false
}

// strs returns the non-empty string values of a one-or-many property.
func (n node) strs() []string {
	var out []string
	for x := range n.items() {
		if s, ok := x.v.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}
