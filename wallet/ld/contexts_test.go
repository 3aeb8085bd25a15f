package ld_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

// ctxDoc builds a context document whose "@context" is value.
func ctxDoc(value string) []byte {
	return []byte(`{"@context": ` + value + `}`)
}

// url names test context i.
func url(i int) string { return fmt.Sprintf("https://contexts.test/c%d", i) }

// TestLoaderRefusesContextCycles: contexts that include themselves, which
// json-gold v0.4.2 would follow until the stack overflows (a fatal error no
// recover catches), are refused when the Loader is made.
func TestLoaderRefusesContextCycles(t *testing.T) {
	term := `{"@version": 1.1, "n": "https://example.org/n"}`
	tests := []struct {
		name  string
		extra map[string][]byte
		cycle string
	}{
		{"self by @context", map[string][]byte{
			url(0): ctxDoc(`"` + url(0) + `"`),
		}, url(0) + " -> " + url(0)},
		{"self in an array", map[string][]byte{
			url(0): ctxDoc(`["` + url(0) + `", ` + term + `]`),
		}, url(0) + " -> " + url(0)},
		{"self by @import", map[string][]byte{
			url(0): ctxDoc(`{"@version": 1.1, "@import": "` + url(0) + `", "n": "https://example.org/n"}`),
		}, url(0) + " -> " + url(0)},
		{"A -> B -> A", map[string][]byte{
			url(0): ctxDoc(`["` + url(1) + `", ` + term + `]`),
			url(1): ctxDoc(`["` + url(0) + `"]`),
		}, url(0) + " -> " + url(1) + " -> " + url(0)},
		{"A -> B -> A by @import", map[string][]byte{
			url(0): ctxDoc(`{"@version": 1.1, "@import": "` + url(1) + `"}`),
			url(1): ctxDoc(`{"@version": 1.1, "@import": "` + url(0) + `"}`),
		}, url(0) + " -> " + url(1) + " -> " + url(0)},
		{"A -> B -> C -> B", map[string][]byte{
			url(0): ctxDoc(`"` + url(1) + `"`),
			url(1): ctxDoc(`["` + url(2) + `", ` + term + `]`),
			url(2): ctxDoc(`["` + url(1) + `"]`),
		}, url(1) + " -> " + url(2) + " -> " + url(1)},
		{"embedded context -> test context -> embedded context", map[string][]byte{
			"https://www.w3.org/ns/credentials/v2": ctxDoc(`"` + url(0) + `"`),
			url(0):                                 ctxDoc(`"https://www.w3.org/ns/credentials/v2"`),
		}, url(0) + " -> https://www.w3.org/ns/credentials/v2 -> " + url(0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ld.NewLoader(tc.extra)
			require.ErrorIs(t, err, ld.ErrContextCycle)
			require.ErrorContains(t, err, tc.cycle)
		})
	}
}

// chain returns n test contexts, each naming the next in its "@context"
// array; the last defines the term n.
func chain(n int) map[string][]byte {
	m := make(map[string][]byte, n)
	for i := 0; i < n-1; i++ {
		m[url(i)] = ctxDoc(`["` + url(i+1) + `"]`)
	}
	m[url(n-1)] = ctxDoc(`{"n": "https://example.org/n"}`)
	return m
}

// TestLoaderBoundsContextChains: a context that pulls in more than
// MaxContextLoads documents is refused; one at the limit works.
func TestLoaderBoundsContextChains(t *testing.T) {
	l, err := ld.NewLoader(chain(ld.MaxContextLoads))
	require.NoError(t, err)
	out, err := ld.NewProcessor(l).Canonize(map[string]any{"@context": url(0), "@id": "urn:x", "n": "v"})
	require.NoError(t, err)
	require.Equal(t, "<urn:x> <https://example.org/n> \"v\" .\n", out)

	_, err = ld.NewLoader(chain(ld.MaxContextLoads + 1))
	require.ErrorIs(t, err, ld.ErrTooLarge)
	require.ErrorContains(t, err, "MaxContextLoads")

	// A diamond doubles the loads at each level without a long chain.
	diamond := make(map[string][]byte)
	const levels = 6
	for i := 0; i < levels; i++ {
		diamond[url(2*i)] = ctxDoc(`["` + url(2*i+2) + `", "` + url(2*i+3) + `"]`)
		diamond[url(2*i+1)] = ctxDoc(`["` + url(2*i+2) + `", "` + url(2*i+3) + `"]`)
	}
	diamond[url(2*levels)] = ctxDoc(`{"n": "https://example.org/n"}`)
	diamond[url(2*levels+1)] = ctxDoc(`{"m": "https://example.org/m"}`)
	_, err = ld.NewLoader(diamond)
	require.ErrorIs(t, err, ld.ErrTooLarge)
}

// nestN returns a node with property n nested depth times, ending in "v".
func nestN(depth int) any {
	var v any = "v"
	for i := 0; i < depth; i++ {
		v = map[string]any{"n": v}
	}
	return v
}

// TestScopedContextLoops: scoped contexts are processed only where a
// document uses their term, so loops and long chains of them cost no more
// than the document's nesting, which MaxDepth bounds.
func TestScopedContextLoops(t *testing.T) {
	scoped := func(next string) []byte {
		return ctxDoc(`{"@version": 1.1, "n": {"@id": "https://example.org/n", "@context": "` + next + `"}}`)
	}
	loop := map[string][]byte{url(0): scoped(url(1)), url(1): scoped(url(0))}
	long := make(map[string][]byte)
	for i := 0; i < 1000; i++ {
		long[url(i)] = scoped(url(i + 1))
	}
	long[url(1000)] = ctxDoc(`{"n": "https://example.org/n"}`)

	// An inline context whose scoped contexts nest deeper than MaxDepth.
	var inline any = "https://example.org/n"
	for i := 0; i < ld.MaxDepth; i++ {
		inline = map[string]any{"n": map[string]any{"@id": "https://example.org/n", "@context": inline}}
	}

	tests := []struct {
		name  string
		extra map[string][]byte
		doc   map[string]any
		err   error
	}{
		{"loop, shallow document", loop, map[string]any{"@context": url(0), "n": nestN(10)}, nil},
		{"loop, document at the depth limit", loop, map[string]any{"@context": url(0), "n": nestN(ld.MaxDepth - 1)}, nil},
		{"loop, document too deep", loop, map[string]any{"@context": url(0), "n": nestN(ld.MaxDepth)}, ld.ErrTooLarge},
		{"chain of 1000, shallow document", long, map[string]any{"@context": url(0), "n": nestN(10)}, nil},
		{"chain of 1000, document too deep", long, map[string]any{"@context": url(0), "n": nestN(ld.MaxDepth)}, ld.ErrTooLarge},
		{"inline scoped contexts too deep", nil, map[string]any{"@context": inline, "n": "v"}, ld.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ld.NewLoader(tc.extra)
			require.NoError(t, err)
			out, err := ld.NewProcessor(l).Canonize(tc.doc)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Contains(t, out, "<https://example.org/n> \"v\" .\n")
		})
	}
}

// TestContextReferenceLimit: a document whose own "@context" values make more
// than MaxContextRefs references (a huge @context array, or a context on
// every node) is refused before json-gold processes any of them.
func TestContextReferenceLimit(t *testing.T) {
	const v2 = "https://www.w3.org/ns/credentials/v2"
	inlineList := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = map[string]any{fmt.Sprintf("t%d", i): "https://example.org/t"}
		}
		return out
	}
	urlList := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = v2
		}
		return out
	}
	nodes := func(n int) map[string]any {
		g := make([]any, n)
		for i := range g {
			g[i] = map[string]any{"@context": v2, "@id": fmt.Sprintf("urn:x:%d", i), "name": "v"}
		}
		return map[string]any{"@context": v2, "@graph": g}
	}
	tests := []struct {
		name string
		doc  map[string]any
		err  error
	}{
		{"inline contexts at the limit", map[string]any{"@context": inlineList(ld.MaxContextRefs), "@id": "urn:x"}, nil},
		{"too many inline contexts", map[string]any{"@context": inlineList(ld.MaxContextRefs + 1), "@id": "urn:x"}, ld.ErrTooLarge},
		{"a URL repeated", map[string]any{"@context": urlList(ld.MaxContextRefs + 1), "@id": "urn:x"}, ld.ErrTooLarge},
		{"a context on each of 100 nodes", nodes(100), nil},
		{"a context on each of too many nodes", nodes(ld.MaxContextRefs), ld.ErrTooLarge},
	}
	p := ld.NewProcessor(testLoader(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Canonize(tc.doc)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, "MaxContextRefs")
		})
	}
}
