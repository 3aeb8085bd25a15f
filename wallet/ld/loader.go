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
// Documents are parsed once, on first use, and cached; every LoadDocument call
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
	return l, nil
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
	e.once.Do(func() {
		if err := json.Unmarshal(e.raw, &e.doc); err != nil {
			e.err = fmt.Errorf("parse embedded context %q: %w", e.url, err)
		}
	})
	if e.err != nil {
		return nil, e.err
	}
	return &jsonld.RemoteDocument{DocumentURL: e.url, Document: Copy(e.doc)}, nil
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
