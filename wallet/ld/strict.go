package ld

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	jsonld "github.com/piprate/json-gold/ld"
)

// ErrUndefinedTerm is returned (wrapped, with the term and its JSON path) by
// CheckDefined for a property, type or vocabulary value no context defines:
// expansion would drop it, so a signature over the canonical form would not
// cover it.
var ErrUndefinedTerm = errors.New("term not defined by any context")

// ErrDroppedValue is returned (wrapped, with the value and its JSON path) by
// CheckDefined for a value RDF conversion drops although its term is defined:
// a relative or malformed IRI, or a malformed language tag.
var ErrDroppedValue = errors.New("value dropped by canonicalization")

// maxProbes bounds the extra expansions CheckDefined spends to tell apart
// several occurrences of the same undefined term name.
const maxProbes = 32

// probeMarker replaces a value while probing whether its key is defined.
const probeMarker = "urn:skillpass:probe:4f1d2c"

var languageTag = regexp.MustCompile(`^[a-zA-Z]+(-[a-zA-Z0-9]+)*$`)

// CheckDefined returns an error wrapping ErrUndefinedTerm, naming the JSON
// path (such as "credentialSubject.achievement.fooBar"), for the first
// property, type or vocabulary value in doc (keys sorted, parents before
// children) that expansion would drop because no context defines it, and an
// error wrapping ErrDroppedValue for values RDF conversion would drop (relative
// or malformed IRIs, malformed language tags). It returns nil when everything
// in doc is covered by its canonical form.
//
// A term that only an @vocab maps counts as defined: it expands to an IRI and
// is signed (the W3C examples context maps everything with @vocab; drafts of
// the VC 2.0 context did too, the final one does not). Keys that look like
// keywords but are not ("@foo") are reported, since expansion ignores them.
// Terms inside JSON literals (@type @json) are not terms and are not checked.
//
// It works by expanding doc once with a sentinel @vocab under every context
// (contexts that reset @vocab or themselves are rewritten to keep it) and
// looking for the sentinel in the result; only when a term name occurs in
// several places does it expand again to find which occurrence is undefined.
func (p *Processor) CheckDefined(doc map[string]any) error {
	if err := p.checkDefined(doc); err != nil {
		return fmt.Errorf("check JSON-LD terms: %w", err)
	}
	return nil
}

func (p *Processor) checkDefined(doc map[string]any) error {
	if err := checkDocument(doc); err != nil {
		return err
	}
	if path, key, ok := firstIgnoredKeyword(doc, ""); ok {
		return fmt.Errorf("%w: %q looks like a keyword and is ignored, at %s", ErrUndefinedTerm, key, path)
	}
	expanded, err := p.expand(modeStrict, doc)
	if err != nil {
		return err
	}
	f := newFindings(&p.iris)
	f.scan(expanded)
	if f.empty() {
		return nil
	}
	return p.report(doc, f)
}

// firstIgnoredKeyword finds the first key of the form @letters that is not a
// JSON-LD keyword (outside contexts and literal values).
func firstIgnoredKeyword(v any, path string) (string, string, bool) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			if k == "@context" || k == "@value" {
				continue
			}
			kp := joinKey(path, k)
			if strings.HasPrefix(k, "@") && !jsonld.IsKeyword(k) && isLetters(k[1:]) {
				return kp, k, true
			}
			if p, key, ok := firstIgnoredKeyword(t[k], kp); ok {
				return p, key, ok
			}
		}
	case []any:
		for i, x := range t {
			if p, key, ok := firstIgnoredKeyword(x, joinIndex(path, i)); ok {
				return p, key, ok
			}
		}
	}
	return "", "", false
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// findings are the problems found in a strict expansion: undefined property
// names, undefined type names (also vocabulary values), and dropped values
// (with what is wrong with them).
type findings struct {
	terms   map[string]int // undefined property name -> occurrences
	types   map[string]int // undefined type or vocabulary value -> occurrences
	dropped map[string]string
	iris    *iriVerdicts
}

func newFindings(iris *iriVerdicts) *findings {
	return &findings{terms: map[string]int{}, types: map[string]int{}, dropped: map[string]string{}, iris: iris}
}

func (f *findings) empty() bool {
	return len(f.terms) == 0 && len(f.types) == 0 && len(f.dropped) == 0
}

// scan walks an expanded document.
func (f *findings) scan(v any) {
	switch t := v.(type) {
	case []any:
		for _, x := range t {
			f.scan(x)
		}
	case map[string]any:
		if _, ok := t["@value"]; ok {
			f.typeValue(t["@type"])
			if lang, ok := t["@language"].(string); ok && !languageTag.MatchString(lang) {
				f.dropped[lang] = "malformed language tag"
			}
			return
		}
		for k, x := range t {
			switch k {
			case "@id":
				if id, ok := x.(string); ok {
					f.id(id)
				}
			case "@type":
				f.typeValue(x)
			case "@reverse":
				if m, ok := x.(map[string]any); ok {
					for rk, rx := range m {
						f.property(rk)
						f.scan(rx)
					}
				}
			default:
				if !jsonld.IsKeyword(k) {
					f.property(k)
				}
				f.scan(x)
			}
		}
	}
}

func (f *findings) property(iri string) {
	switch {
	case strings.HasPrefix(iri, sentinelVocab):
		f.terms[strings.TrimPrefix(iri, sentinelVocab)]++
	case strings.HasPrefix(iri, "_:") || !jsonld.IsAbsoluteIri(iri):
		// Blank node and relative predicates are dropped from RDF.
		f.terms[iri]++
	}
}

func (f *findings) typeValue(v any) {
	switch t := v.(type) {
	case string:
		switch {
		case strings.HasPrefix(t, sentinelVocab):
			f.types[strings.TrimPrefix(t, sentinelVocab)]++
		case t != "@json" && !jsonld.IsAbsoluteIri(t):
			f.types[t]++
		}
	case []any:
		for _, x := range t {
			f.typeValue(x)
		}
	}
}

func (f *findings) id(id string) {
	switch {
	case strings.HasPrefix(id, sentinelVocab):
		// A vocabulary-typed value (such as proofPurpose) naming no term.
		f.types[strings.TrimPrefix(id, sentinelVocab)]++
	case strings.HasPrefix(id, "_:"):
	case !jsonld.IsAbsoluteIri(id):
		f.dropped[id] = "relative IRI"
	case !f.iris.valid(id):
		f.dropped[id] = "malformed IRI"
	}
}

// step is one step of a path in the input: a key or an index.
type step struct {
	key   string
	index int // used when key is ""
}

type occurrence struct {
	steps []step
	name  string
	kind  int // occKey, occType or occValue
}

const (
	occKey = iota
	occType
	occValue
)

func (o occurrence) path() string {
	s := ""
	for _, st := range o.steps {
		if st.key != "" {
			s = joinKey(s, st.key)
		} else {
			s = joinIndex(s, st.index)
		}
	}
	return s
}

// report names the first occurrence in doc (keys sorted, parents first) of a
// finding.
func (p *Processor) report(doc map[string]any, f *findings) error {
	var occ []occurrence
	collect(doc, nil, f, &occ)
	type nameKey struct {
		kind int
		name string
	}
	counts := map[nameKey]int{}
	for _, o := range occ {
		counts[nameKey{o.kind, o.name}]++
	}
	probes := 0
	for _, o := range occ {
		ambiguous := counts[nameKey{o.kind, o.name}] > 1
		if ambiguous && o.kind != occValue && probes < maxProbes {
			probes++
			undefined, err := p.probe(doc, o, f)
			if err != nil || !undefined {
				continue
			}
		}
		switch o.kind {
		case occKey:
			return fmt.Errorf("%w: %q at %s", ErrUndefinedTerm, o.name, o.path())
		case occType:
			return fmt.Errorf("%w: type or value %q at %s", ErrUndefinedTerm, o.name, o.path())
		default:
			return fmt.Errorf("%w: %s %q at %s", ErrDroppedValue, f.dropped[o.name], o.name, o.path())
		}
	}
	// Nothing in the input matched a finding by name (a term built by
	// prefix expansion, say): report the finding without a path.
	switch {
	case len(f.terms) > 0:
		return fmt.Errorf("%w: %q", ErrUndefinedTerm, sortedKeys(f.terms)[0])
	case len(f.types) > 0:
		return fmt.Errorf("%w: type or value %q", ErrUndefinedTerm, sortedKeys(f.types)[0])
	default:
		v := sortedKeys(f.dropped)[0]
		return fmt.Errorf("%w: %s %q", ErrDroppedValue, f.dropped[v], v)
	}
}

// collect lists, in report order, every place in the input where a finding's
// name occurs as a key or string value (contexts and literal values skipped).
func collect(v any, at []step, f *findings, out *[]occurrence) {
	here := func(s step) []step {
		return append(append([]step(nil), at...), s)
	}
	switch t := v.(type) {
	case map[string]any:
		if _, ok := t["@value"]; ok {
			if lang, ok := t["@language"].(string); ok {
				// Expansion lower-cases language tags.
				if _, bad := f.dropped[strings.ToLower(lang)]; bad {
					*out = append(*out, occurrence{steps: here(step{key: "@language"}), name: strings.ToLower(lang), kind: occValue})
				}
			}
			if ty, ok := t["@type"].(string); ok && f.types[ty] > 0 {
				*out = append(*out, occurrence{steps: here(step{key: "@type"}), name: ty, kind: occType})
			}
			return
		}
		for _, k := range sortedKeys(t) {
			if k == "@context" {
				continue
			}
			if f.terms[k] > 0 {
				*out = append(*out, occurrence{steps: here(step{key: k}), name: k, kind: occKey})
			}
			collect(t[k], here(step{key: k}), f, out)
		}
	case []any:
		for i, x := range t {
			collect(x, here(step{index: i}), f, out)
		}
	case string:
		if f.types[t] > 0 {
			*out = append(*out, occurrence{steps: at, name: t, kind: occType})
		}
		if _, bad := f.dropped[t]; bad {
			*out = append(*out, occurrence{steps: at, name: t, kind: occValue})
		}
	}
}

// probe tells whether one occurrence of a name that occurs several times is
// the undefined one. For a key it replaces the key's value by a marker and
// expands normally: the marker survives exactly when the key is defined. For
// a type or vocabulary value it replaces the value by an absolute IRI and
// expands strictly: the count of undefined uses of the name drops exactly
// when this one was undefined.
func (p *Processor) probe(doc map[string]any, o occurrence, f *findings) (bool, error) {
	switch o.kind {
	case occKey:
		probed, ok := replaceAt(doc, o.steps, probeMarker)
		if !ok {
			return false, errors.New("probe: path vanished")
		}
		expanded, err := p.expand(modeNormal, probed.(map[string]any))
		if err != nil {
			// An undefined key's value is never looked at, so an error
			// means the key is defined (and disliked the marker).
			return false, nil
		}
		return !containsString(expanded, probeMarker), nil
	default:
		probed, ok := replaceAt(doc, o.steps, probeMarker)
		if !ok {
			return false, errors.New("probe: path vanished")
		}
		expanded, err := p.expand(modeStrict, probed.(map[string]any))
		if err != nil {
			return false, err
		}
		g := newFindings(&p.iris)
		g.scan(expanded)
		return g.types[o.name] < f.types[o.name], nil
	}
}

// replaceAt returns a copy of v (copied only along the path) with the value at
// steps replaced.
func replaceAt(v any, steps []step, with any) (any, bool) {
	if len(steps) == 0 {
		return with, true
	}
	s := steps[0]
	switch t := v.(type) {
	case map[string]any:
		x, ok := t[s.key]
		if s.key == "" || !ok {
			return nil, false
		}
		nx, ok := replaceAt(x, steps[1:], with)
		if !ok {
			return nil, false
		}
		out := copyMap(t)
		out[s.key] = nx
		return out, true
	case []any:
		if s.key != "" || s.index < 0 || s.index >= len(t) {
			return nil, false
		}
		nx, ok := replaceAt(t[s.index], steps[1:], with)
		if !ok {
			return nil, false
		}
		out := append([]any(nil), t...)
		out[s.index] = nx
		return out, true
	}
	return nil, false
}

func containsString(v any, s string) bool {
	switch t := v.(type) {
	case string:
		return t == s
	case []any:
		for _, x := range t {
			if containsString(x, s) {
				return true
			}
		}
	case map[string]any:
		for _, x := range t {
			if containsString(x, s) {
				return true
			}
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
