package ld

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	ariesembed "github.com/hyperledger/aries-framework-go/pkg/doc/ldcontext/embed"
	jsonld "github.com/piprate/json-gold/ld"

	"github.com/skillpass/skillpass/assets"
)

// ErrUnknownContext is returned (wrapped, with the URL) when a document names a
// JSON-LD context that is not embedded in Skillpass. Contexts are never
// downloaded.
var ErrUnknownContext = errors.New("unknown JSON-LD context")

// Loader serves JSON-LD context documents from the contexts embedded in the
// binary and from nowhere else: assets.Contexts() plus aries-framework-go's
// embedded contexts (embed.Contexts), assets winning where both name the same
// URL, plus any extra maps given to NewLoader (later maps win).
//
// A Loader implements json-gold's ld.DocumentLoader, which is also the type
// aries' verifiable.WithJSONLDDocumentLoader and jsonld.WithDocumentLoader
// take. It never touches the network: an unknown URL is an error wrapping
// ErrUnknownContext. A URL is looked up as given and, failing that, without its
// fragment ("https://w3id.org/security/v2#" finds "https://w3id.org/security/v2").
//
// NewLoader refuses contexts that include themselves (ErrContextCycle) or pull
// in more than MaxContextLoads others (ErrTooLarge).
//
// Documents are parsed once and cached; every LoadDocument call
// returns a private deep copy, because json-gold modifies some documents it
// loads (when merging "@import"). A Loader is safe for concurrent use.
type Loader struct {
	docs map[string]*entry
}

// entry is one embedded context: its bytes and, after first use, the parsed
// document.
type entry struct {
	url  string // the URL the content was registered under
	raw  []byte
	once sync.Once
	doc  any
	err  error
	// loads is the number of context documents processing this one loads
	// (itself and those it names eagerly), set by checkReferences.
	loads int
}

var _ jsonld.DocumentLoader = (*Loader)(nil)

// NewLoader returns a Loader over the embedded contexts and the extra maps
// (URL -> JSON document), which are added last and so win over the embedded
// ones. It checks that every document is well-formed JSON.
func NewLoader(extra ...map[string][]byte) (*Loader, error) {
	l := &Loader{docs: make(map[string]*entry)}
	add := func(url string, raw []byte) {
		l.docs[url] = &entry{url: url, raw: raw}
	}
	// aries first, so that assets (added next) win on conflict. An aries
	// document is also reachable under its DocumentURL unless that URL names
	// another context.
	for _, d := range ariesembed.Contexts {
		add(d.URL, d.Content)
	}
	for _, d := range ariesembed.Contexts {
		if d.DocumentURL != "" {
			if _, taken := l.docs[d.DocumentURL]; !taken {
				add(d.DocumentURL, d.Content)
			}
		}
	}
	shipped, err := assets.Contexts()
	if err != nil {
		return nil, fmt.Errorf("load embedded contexts: %w", err)
	}
	for url, raw := range shipped {
		add(url, raw)
	}
	for _, m := range extra {
		for url, raw := range m {
			add(url, raw)
		}
	}
	for url, e := range l.docs {
		if !json.Valid(e.raw) {
			return nil, fmt.Errorf("embedded context %q: not valid JSON", url)
		}
	}
	if err := l.checkReferences(); err != nil {
		return nil, fmt.Errorf("check contexts: %w", err)
	}
	return l, nil
}

// checkReferences refuses a set of contexts in which one includes itself
// through the URLs its "@context" array and "@import" name (json-gold v0.4.2
// loses its record of the contexts being processed when it descends into a
// remote one, so it would recurse until the stack overflows, which no recover
// catches), or pulls in more than MaxContextLoads documents. It records each
// entry's load count for Processor.checkContextURLs. Scoped contexts are not
// followed: json-gold processes them only where a document uses their term,
// so a document's nesting (MaxDepth) bounds them.
func (l *Loader) checkReferences() error {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[*entry]int, len(l.docs))
	var path []string
	var visit func(e *entry) error
	visit = func(e *entry) error {
		switch state[e] {
		case done:
			return nil
		case visiting:
			start := 0
			for i, u := range path {
				if u == e.url {
					start = i
				}
			}
			return fmt.Errorf("%w: %s", ErrContextCycle, strings.Join(append(path[start:], e.url), " -> "))
		}
		state[e] = visiting
		path = append(path, e.url)
		doc, err := e.parsed()
		if err != nil {
			return err
		}
		loads := 1
		for _, u := range eagerReferences(doc) {
			r, ok := l.lookup(u)
			if !ok {
				continue // an error, naming u, when a document uses it
			}
			if err := visit(r); err != nil {
				return err
			}
			loads += r.loads
		}
		if loads > MaxContextLoads {
			return fmt.Errorf("%w: context %q pulls in %d context documents (limit MaxContextLoads %d)", ErrTooLarge, e.url, loads, MaxContextLoads)
		}
		e.loads = loads
		path = path[:len(path)-1]
		state[e] = done
		return nil
	}
	// Visit in a fixed order so that the error, if any, is always the same.
	for _, u := range l.URLs() {
		if err := visit(l.docs[u]); err != nil {
			return err
		}
	}
	return nil
}

// eagerReferences returns the context URLs json-gold loads as soon as it
// processes the context document doc: the strings of its "@context" value (a
// string or an array) and the "@import" of its inline contexts.
func eagerReferences(doc any) []string {
	m, _ := doc.(map[string]any)
	var out []string
	var add func(v any)
	add = func(v any) {
		switch t := v.(type) {
		case string:
			out = append(out, t)
		case map[string]any:
			if s, ok := t["@import"].(string); ok {
				out = append(out, s)
			}
		case []any:
			for _, x := range t {
				if _, nested := x.([]any); !nested {
					add(x)
				}
			}
		}
	}
	add(m["@context"])
	return out
}

// loadCount returns the context documents processing u loads (1 for a URL the
// Loader does not have: processing fails on it).
func (l *Loader) loadCount(u string) int {
	if e, ok := l.lookup(u); ok && e.loads > 0 {
		return e.loads
	}
	return 1
}

// parsed returns the entry's parsed document, parsing it on first use.
func (e *entry) parsed() (any, error) {
	e.once.Do(func() {
		if err := json.Unmarshal(e.raw, &e.doc); err != nil {
			e.err = fmt.Errorf("parse embedded context %q: %w", e.url, err)
		}
	})
	return e.doc, e.err
}

// lookup finds the entry for u, trying u without its fragment as well.
func (l *Loader) lookup(u string) (*entry, bool) {
	if e, ok := l.docs[u]; ok {
		return e, true
	}
	if i := strings.IndexByte(u, '#'); i >= 0 {
		e, ok := l.docs[u[:i]]
		return e, ok
	}
	return nil, false
}

// Has reports whether u (or u without its fragment) names an embedded context.
func (l *Loader) Has(u string) bool {
	_, ok := l.lookup(u)
	return ok
}

// URLs returns the URLs of all contexts the Loader serves, sorted.
func (l *Loader) URLs() []string {
	out := make([]string, 0, len(l.docs))
	for u := range l.docs {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// LoadDocument returns the embedded context document for u, as a deep copy the
// caller may modify. An unknown URL returns an error wrapping
// ErrUnknownContext.
func (l *Loader) LoadDocument(u string) (*jsonld.RemoteDocument, error) {
	e, ok := l.lookup(u)
	if !ok {
		return nil, unknownContext(u)
	}
	doc, err := e.parsed()
	if err != nil {
		return nil, err
	}
	return &jsonld.RemoteDocument{DocumentURL: e.url, Document: Copy(doc)}, nil
}

// unknownContext builds the error for a context URL that is not embedded.
func unknownContext(u string) error {
	return fmt.Errorf("%w %q: JSON-LD contexts are never downloaded and this one is not embedded", ErrUnknownContext, u)
}

// Copy deep-copies a value decoded by encoding/json (maps and slices;
// scalars are immutable), so a caller may change the copy freely.
func Copy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = Copy(x)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, x := range t {
			s[i] = Copy(x)
		}
		return s
	default:
		return v
	}
}
