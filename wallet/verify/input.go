package verify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/wallet/ld"
)

// maxInput bounds what Verify reads; credentials are kilobytes, and a
// presentation with many credentials a few hundred.
const maxInput = 16 << 20

// input is data after classification: exactly one of doc and jwt is set.
type input struct {
	kind string         // KindCredential or KindPresentation (JSON-LD only)
	doc  map[string]any // JSON-LD document
	jwt  string         // compact JWS
}

// classify tells a JSON-LD credential or presentation from a compact JWS.
func classify(data []byte) (*input, error) {
	if len(data) > maxInput {
		return nil, fmt.Errorf("%w: %d bytes is more than any credential (limit %d)", ErrNotCredential, len(data), maxInput)
	}
	b := bytes.TrimSpace(data)
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: the input is empty", ErrNotCredential)
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("%w: %s", ErrNotCredential, hintNotJSON)
		}
		b = []byte(strings.TrimSpace(s))
		if len(b) == 0 {
			return nil, fmt.Errorf("%w: the input is an empty string", ErrNotCredential)
		}
	}
	if b[0] != '{' {
		s := string(b)
		if looksLikeJWS(s) {
			return &input{jwt: s}, nil
		}
		return nil, fmt.Errorf("%w: %s", ErrNotCredential, hintNotJSON)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w: the JSON cannot be read (%v); %s", ErrNotCredential, err, hintNotJSON)
	}
	types := stringsOf(doc["type"])
	switch {
	case contains(types, "VerifiablePresentation"):
		return &input{kind: KindPresentation, doc: doc}, nil
	case contains(types, "VerifiableCredential"):
		return &input{kind: KindCredential, doc: doc}, nil
	}
	return nil, fmt.Errorf("%w: the JSON has neither type VerifiableCredential nor VerifiablePresentation; %s", ErrNotCredential, hintNotCredential)
}

// looksLikeJWS reports whether s has the shape of a compact JWS: three
// base64url parts, the first two non-empty (an empty signature part is an
// unsecured JWT, which gets a verdict rather than a refusal).
func looksLikeJWS(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// stringsOf returns the strings of a JSON string or array of strings.
func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	default:
		return nil
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str returns v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// idOf returns the id of a value that is either a string or an object with a
// string id (issuer, holder).
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}

// copyDoc deep-copies a JSON object.
func copyDoc(doc map[string]any) map[string]any {
	m, _ := ld.Copy(doc).(map[string]any)
	return m
}
