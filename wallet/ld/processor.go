package ld

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	jsonld "github.com/piprate/json-gold/ld"
)

// maxCachedContexts bounds the processed-context cache of a Processor; when it
// is full an arbitrary entry makes room.
const maxCachedContexts = 256

// mode selects how contexts are processed: as written, or (for CheckDefined)
// with a sentinel @vocab underneath so that terms no context defines show up
// in the expansion instead of being dropped.
type mode uint8

const (
	modeNormal mode = iota
	modeStrict
)

// sentinelVocab is the @vocab CheckDefined puts under every context.
const sentinelVocab = "urn:skillpass:undefined-term:"

// Processor expands and canonicalizes JSON-LD documents with the contexts of a
// Loader. It caches processed top-level contexts (keyed by the document's
// "@context" value), so documents that share their "@context" share the work
// of processing it. A Processor is safe for concurrent use.
//
// json-gold v0.4.2 has no context cache of its own (its active context is
// rebuilt from the document for every call); the Processor hands json-gold a
// copy of an already-processed *ld.Context through the document's "@context"
// entry, which json-gold's context processing accepts as is. Type- and
// property-scoped contexts are still processed per node by json-gold, and
// that, not the top-level context, is most of the expansion time.
type Processor struct {
	loader     *Loader
	opts       *jsonld.JsonLdOptions
	strictOpts *jsonld.JsonLdOptions

	mu    sync.RWMutex
	cache map[cacheKey]*jsonld.Context

	strictOnce sync.Once
	strictCtx  *jsonld.Context
	strictErr  error

	iris iriVerdicts
}

type cacheKey struct {
	mode mode
	ctx  string
}

// NewProcessor returns a Processor that resolves contexts with l.
func NewProcessor(l *Loader) *Processor {
	p := &Processor{loader: l, cache: make(map[cacheKey]*jsonld.Context)}
	p.opts = options(l)
	p.strictOpts = options(strictLoader{l})
	return p
}

func options(dl jsonld.DocumentLoader) *jsonld.JsonLdOptions {
	o := jsonld.NewJsonLdOptions("")
	o.ProcessingMode = jsonld.JsonLd_1_1
	o.DocumentLoader = dl
	return o
}

// Loader returns the Loader the Processor resolves contexts with.
func (p *Processor) Loader() *Loader { return p.loader }

// Canonize returns the RDF Dataset Canonicalization (RDFC-1.0, which is
// URDNA2015) of doc in canonical N-Quads form: one quad per line, each ending
// in LF, sorted. doc is not modified. Documents beyond the package limits are
// refused with an error wrapping ErrTooLarge; an unknown context with an error
// wrapping ErrUnknownContext.
func (p *Processor) Canonize(doc map[string]any) (string, error) {
	out, err := p.canonize(doc)
	if err != nil {
		return "", fmt.Errorf("canonize JSON-LD: %w", err)
	}
	return out, nil
}

func (p *Processor) canonize(doc map[string]any) (out string, err error) {
	ds, err := p.dataset(doc)
	if err != nil {
		return "", err
	}
	return canonicalizeDataset(ds)
}

// CheckLimits checks doc against every limit Canonize enforces and reports
// what Canonize would refuse it for (ErrTooLarge, ErrUnknownContext, ...),
// without canonicalizing it. Callers that hand a document to another
// canonicalizer (aries-framework-go's signature suites run json-gold's, which
// has no limits and takes minutes on the W3C poison graphs) call it first. It
// costs an expansion and an RDF conversion.
func (p *Processor) CheckLimits(doc map[string]any) error {
	ds, err := p.dataset(doc)
	if err == nil {
		err = checkDataset(ds)
	}
	if err != nil {
		return fmt.Errorf("check JSON-LD limits: %w", err)
	}
	return nil
}

// dataset expands doc and converts it to RDF, enforcing the limits that can
// be checked before conversion.
func (p *Processor) dataset(doc map[string]any) (ds *jsonld.RDFDataset, err error) {
	expanded, err := p.expand(modeNormal, doc)
	if err != nil {
		return nil, err
	}
	pairs, values := valueCounts(expanded)
	if pairs > MaxValuePairs {
		return nil, fmt.Errorf("%w: too many values in one property (%d pairs to compare, limit %d)", ErrTooLarge, pairs, MaxValuePairs)
	}
	if values > MaxQuads {
		return nil, fmt.Errorf("%w: %d property values, each an RDF quad (limit %d quads)", ErrTooLarge, values, MaxQuads)
	}
	defer recoverInto(&err)
	ds, err = p.toDataset(expanded)
	if err != nil {
		return nil, p.explain(err)
	}
	return ds, nil
}

// canonicalizeDataset checks ds against the limits, runs json-gold's URDNA2015
// (RDFC-1.0) on it and serializes the result in canonical N-Quads form.
func canonicalizeDataset(ds *jsonld.RDFDataset) (out string, err error) {
	defer recoverInto(&err)
	if err := checkDataset(ds); err != nil {
		return "", err
	}
	na := jsonld.NewNormalisationAlgorithm("URDNA2015")
	na.Normalize(ds)
	return serialize(na.Quads()), nil
}

// Expand returns the JSON-LD expanded form of doc (always a list of node
// objects). doc is not modified.
func (p *Processor) Expand(doc map[string]any) ([]any, error) {
	out, err := p.expand(modeNormal, doc)
	if err != nil {
		return nil, fmt.Errorf("expand JSON-LD: %w", err)
	}
	return out, nil
}

// expand checks doc against the limits and expands it in the given mode with
// the cached context for its "@context".
func (p *Processor) expand(m mode, doc map[string]any) (out []any, err error) {
	if p == nil || p.loader == nil {
		return nil, errors.New("processor has no loader")
	}
	if err := checkDocument(doc); err != nil {
		return nil, err
	}
	if err := p.checkContextURLs(doc); err != nil {
		return nil, err
	}
	opts, base := p.opts, jsonld.NewContext(nil, p.opts)
	if m == modeStrict {
		sd, _ := strictInput(doc)
		doc = sd.(map[string]any)
		opts = p.strictOpts
		if base, err = p.strictBase(); err != nil {
			return nil, err
		}
		base = jsonld.CopyContext(base)
	}
	input := copyMap(doc)
	if c, ok := doc["@context"]; ok {
		ctx, err := p.context(m, c)
		if err != nil {
			return nil, err
		}
		// json-gold's context processing writes to a *Context it is handed
		// (its processingMode entry): give it a copy of the shared one.
		input["@context"] = jsonld.CopyContext(ctx)
	}
	defer recoverInto(&err)
	expanded, err := jsonld.NewJsonLdApi().Expand(base, "", input, opts, false, nil)
	if err != nil {
		return nil, p.explain(err)
	}
	// The last steps of the JsonLdProcessor.expand() method: an empty
	// result becomes an empty list, a lone @graph is unwrapped, and the
	// result is always a list.
	if em, ok := expanded.(map[string]any); ok {
		if len(em) == 0 {
			expanded = nil
		} else if g, ok := em["@graph"]; ok && len(em) == 1 {
			expanded = g
		}
	}
	switch e := expanded.(type) {
	case nil:
		return []any{}, nil
	case []any:
		return e, nil
	default:
		return []any{e}, nil
	}
}

// strictBase returns the context strict processing starts from: nothing but
// the sentinel @vocab.
func (p *Processor) strictBase() (*jsonld.Context, error) {
	p.strictOnce.Do(func() {
		p.strictCtx, p.strictErr = jsonld.NewContext(nil, p.strictOpts).Parse(map[string]any{"@vocab": sentinelVocab})
	})
	return p.strictCtx, p.strictErr
}

// context returns the processed context for a document's "@context" value,
// from the cache when it can.
func (p *Processor) context(m mode, value any) (ctx *jsonld.Context, err error) {
	keyText, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("process @context: %w", err)
	}
	key := cacheKey{mode: m, ctx: string(keyText)}
	p.mu.RLock()
	ctx, ok := p.cache[key]
	p.mu.RUnlock()
	if ok {
		return ctx, nil
	}
	start := jsonld.NewContext(nil, p.opts)
	if m == modeStrict {
		if start, err = p.strictBase(); err != nil {
			return nil, err
		}
	}
	defer recoverInto(&err)
	// The processed context keeps references into the value it was built
	// from: give it a private copy.
	ctx, err = start.Parse(Copy(value))
	if err != nil {
		return nil, p.explain(err)
	}
	p.mu.Lock()
	if len(p.cache) >= maxCachedContexts {
		for k := range p.cache {
			delete(p.cache, k)
			break
		}
	}
	p.cache[key] = ctx
	p.mu.Unlock()
	return ctx, nil
}

// checkContextURLs reports the first context URL doc names (in "@context"
// values anywhere, including scoped contexts and @import in inline contexts)
// that the Loader does not have, so the error names it precisely, and refuses
// documents whose context references exceed MaxContextRefs.
func (p *Processor) checkContextURLs(doc map[string]any) error {
	refs := 0
	var walk func(v any, inContext bool) error
	walk = func(v any, inContext bool) error {
		if inContext {
			if _, list := v.([]any); !list {
				if s, ok := v.(string); ok {
					refs += p.loader.loadCount(s)
				} else {
					refs++
				}
				if refs > MaxContextRefs {
					return fmt.Errorf("%w: more than %d JSON-LD context references (limit MaxContextRefs; each inline context counts 1, each context URL the documents it loads)", ErrTooLarge, MaxContextRefs)
				}
			}
		}
		switch t := v.(type) {
		case string:
			if inContext && !p.loader.Has(t) {
				return unknownContext(t)
			}
		case []any:
			for _, x := range t {
				if err := walk(x, inContext); err != nil {
					return err
				}
			}
		case map[string]any:
			for k, x := range t {
				switch {
				case k == "@context" || (inContext && k == "@import"):
					if err := walk(x, true); err != nil {
						return err
					}
				case inContext:
					// A term definition may carry a scoped context.
					if def, ok := x.(map[string]any); ok {
						if c, ok := def["@context"]; ok {
							if err := walk(c, true); err != nil {
								return err
							}
						}
					}
				default:
					if err := walk(x, false); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return walk(doc, false)
}

// explain turns json-gold's error for a context it could not load back into
// ErrUnknownContext (json-gold drops the loader's error and keeps only the
// URL in its message).
func (p *Processor) explain(err error) error {
	var je *jsonld.JsonLdError
	if errors.As(err, &je) && je.Code == jsonld.LoadingRemoteContextFailed {
		if msg, ok := je.Details.(string); ok {
			if i := strings.LastIndex(msg, ": "); i >= 0 {
				if u := msg[i+2:]; !p.loader.Has(u) {
					return unknownContext(u)
				}
			}
		}
	}
	return err
}

// recoverInto turns a panic inside json-gold (which type-asserts freely on
// malformed input) into an error.
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("JSON-LD processing failed on malformed input: %v", r)
	}
}

// strictLoader serves the Loader's documents with their contexts prepared for
// strict mode (see strictContext).
type strictLoader struct{ l *Loader }

func (s strictLoader) LoadDocument(u string) (*jsonld.RemoteDocument, error) {
	rd, err := s.l.LoadDocument(u)
	if err != nil {
		return nil, err
	}
	if m, ok := rd.Document.(map[string]any); ok {
		if c, ok := m["@context"]; ok {
			m["@context"], _ = strictContext(c)
		}
	}
	return rd, nil
}

// strictInput returns doc with every embedded "@context" prepared for strict
// mode; parts that need no change are shared, not copied.
func strictInput(v any) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		var out map[string]any
		for k, x := range t {
			var nx any
			var changed bool
			if k == "@context" {
				nx, changed = strictContext(x)
			} else {
				nx, changed = strictInput(x)
			}
			if changed {
				if out == nil {
					out = copyMap(t)
				}
				out[k] = nx
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	case []any:
		var out []any
		for i, x := range t {
			if nx, changed := strictInput(x); changed {
				if out == nil {
					out = append([]any(nil), t...)
				}
				out[i] = nx
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	}
	return v, false
}

// strictContext rewrites a context value so that resetting it does not remove
// the sentinel @vocab: a null context becomes [null, {"@vocab": sentinel}] and
// "@vocab": null becomes the sentinel, in the value and in the scoped contexts
// of its term definitions. Terms a reset leaves undefined thus still show up.
// It reports whether anything changed.
func strictContext(v any) (any, bool) {
	switch t := v.(type) {
	case nil:
		return []any{nil, map[string]any{"@vocab": sentinelVocab}}, true
	case []any:
		out := make([]any, 0, len(t)+1)
		changed := false
		for _, x := range t {
			if x == nil {
				out = append(out, nil, map[string]any{"@vocab": sentinelVocab})
				changed = true
				continue
			}
			nx, c := strictContext(x)
			changed = changed || c
			out = append(out, nx)
		}
		if !changed {
			return t, false
		}
		return out, true
	case map[string]any:
		var out map[string]any
		for k, x := range t {
			var nx any
			changed := false
			switch {
			case k == "@vocab" && x == nil:
				nx, changed = sentinelVocab, true
			case k == "@context":
				nx, changed = strictContext(x)
			case !strings.HasPrefix(k, "@") && (x == nil || isNullID(x)):
				// A term defined as null is dropped from expansion:
				// map it to the sentinel so it shows up as undefined.
				nx, changed = sentinelVocab+k, true
			default:
				if def, ok := x.(map[string]any); ok {
					if c, ok := def["@context"]; ok {
						if nc, ok := strictContext(c); ok {
							d := copyMap(def)
							d["@context"] = nc
							nx, changed = d, true
						}
					}
				}
			}
			if changed {
				if out == nil {
					out = copyMap(t)
				}
				out[k] = nx
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	}
	return v, false
}

// isNullID reports a term definition of the form {"@id": null}.
func isNullID(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	id, ok := m["@id"]
	return ok && id == nil
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
