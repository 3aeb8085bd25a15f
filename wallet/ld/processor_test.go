package ld_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

// jsonGoldCanon canonicalizes doc the plain json-gold way, as a reference.
func jsonGoldCanon(t *testing.T, l *ld.Loader, doc map[string]any) string {
	t.Helper()
	opts := jsonld.NewJsonLdOptions("")
	opts.DocumentLoader = l
	opts.Algorithm = "URDNA2015"
	opts.Format = "application/n-quads"
	out, err := jsonld.NewJsonLdProcessor().Normalize(doc, opts)
	require.NoError(t, err)
	return out.(string)
}

func TestCanonizeMatchesJSONGold(t *testing.T) {
	l := testLoader(t)
	p := ld.NewProcessor(l)
	for _, name := range ob30JSON {
		for _, withProof := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/proof=%v", name, withProof), func(t *testing.T) {
				doc := fixture(t, name)
				if !withProof {
					delete(doc, "proof")
				}
				want := jsonGoldCanon(t, l, doc)
				got, err := p.Canonize(doc)
				require.NoError(t, err)
				require.Equal(t, want, got)
				// Second time round the processed context comes from the
				// cache.
				again, err := p.Canonize(doc)
				require.NoError(t, err)
				require.Equal(t, want, again)
				require.True(t, strings.HasSuffix(got, " .\n"))
			})
		}
	}
}

func TestProcessorLeavesInputAlone(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	for _, name := range ob30JSON {
		doc := fixture(t, name)
		before := clone(t, doc)
		_, err := p.Canonize(doc)
		require.NoError(t, err)
		_, err = p.Expand(doc)
		require.NoError(t, err)
		_ = p.CheckDefined(doc)
		require.Equal(t, before, doc, name)
	}
}

func TestProcessorConcurrentUse(t *testing.T) {
	l := testLoader(t)
	want := map[string]string{}
	for _, name := range ob30JSON {
		want[name] = jsonGoldCanon(t, l, fixture(t, name))
	}
	p := ld.NewProcessor(l)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, name := range ob30JSON {
				doc := fixture(t, name)
				got, err := p.Canonize(doc)
				if err == nil && got != want[name] {
					err = fmt.Errorf("%s: canonical form differs under concurrency", name)
				}
				if err == nil {
					err = p.CheckDefined(doc)
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestExpand(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	out, err := p.Expand(fixture(t, "simple.json"))
	require.NoError(t, err)
	require.Len(t, out, 1)
	node := out[0].(map[string]any)
	require.Equal(t, "http://example.com/credentials/3527", node["@id"])
	require.Contains(t, node["@type"], "https://www.w3.org/2018/credentials#VerifiableCredential")
	require.Contains(t, node, "https://www.w3.org/2018/credentials#credentialSubject")

	// A document whose only content is dropped expands to an empty list.
	out, err = p.Expand(map[string]any{"@context": map[string]any{"a": "https://example.org/a"}, "b": 1.0})
	require.NoError(t, err)
	require.Empty(t, out)
}

func TestUnknownContextsAreNamed(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	const missing = "https://example.org/not-embedded/v1"
	simple := func(t *testing.T) map[string]any { return fixture(t, "simple.json") }
	tests := []struct {
		name string
		doc  func(t *testing.T) map[string]any
	}{
		{"top level", func(t *testing.T) map[string]any {
			d := simple(t)
			d["@context"] = append(d["@context"].([]any), missing)
			return d
		}},
		{"embedded", func(t *testing.T) map[string]any {
			d := simple(t)
			d["credentialSubject"].(map[string]any)["@context"] = missing
			return d
		}},
		{"scoped in an inline context", func(t *testing.T) map[string]any {
			return map[string]any{
				"@context": map[string]any{"a": map[string]any{"@id": "https://example.org/a", "@context": missing}},
				"a":        map[string]any{"b": 1.0},
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc(t)
			_, err := p.Canonize(doc)
			require.ErrorIs(t, err, ld.ErrUnknownContext)
			require.ErrorContains(t, err, missing)
			_, err = p.Expand(doc)
			require.ErrorIs(t, err, ld.ErrUnknownContext)
			err = p.CheckDefined(doc)
			require.ErrorIs(t, err, ld.ErrUnknownContext)
		})
	}
}

// nested returns a document of depth nested objects (the document itself is
// the first).
func nested(depth int) map[string]any {
	doc := map[string]any{"a": "leaf"}
	for i := 1; i < depth; i++ {
		doc = map[string]any{"a": doc}
	}
	doc["@context"] = map[string]any{"a": "https://example.org/a"}
	return doc
}

// wideList returns a node whose one property has n values.
func wideList(n int) map[string]any {
	l := make([]any, n)
	for i := range l {
		l[i] = fmt.Sprint(i)
	}
	return map[string]any{"@context": map[string]any{"a": "https://example.org/a"}, "@id": "https://example.org/s", "a": l}
}

// manyProperties returns a node with n properties of one value each.
func manyProperties(n int) map[string]any {
	doc := map[string]any{"@context": map[string]any{"@vocab": "https://example.org/"}, "@id": "https://example.org/s"}
	for i := 0; i < n; i++ {
		doc[fmt.Sprint("p", i)] = "v"
	}
	return doc
}

// alike returns roots unnamed parents, each with kids unnamed identical
// children: the shape that makes RDFC-1.0's N-degree hashing expensive.
func alike(roots, kids int) map[string]any {
	var graph []any
	for r := 0; r < roots; r++ {
		var children []any
		for k := 0; k < kids; k++ {
			children = append(children, map[string]any{"b": "same"})
		}
		graph = append(graph, map[string]any{"a": children})
	}
	return map[string]any{
		"@context": map[string]any{"a": "https://example.org/a", "b": "https://example.org/b"},
		"@graph":   graph,
	}
}

func TestLimits(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	tests := []struct {
		name string
		doc  map[string]any
		err  error
	}{
		{"depth at the limit", nested(ld.MaxDepth), nil},
		{"too deep", nested(ld.MaxDepth + 1), ld.ErrTooLarge},
		{"too many values", wideList(ld.MaxValues), ld.ErrTooLarge},
		{"non-JSON Go value", map[string]any{"a": []string{"x"}}, ld.ErrNotJSON},
		{"many values in one property", wideList(1000), nil},
		{"too many values in one property", wideList(3000), ld.ErrTooLarge},
		{"too many quads", manyProperties(ld.MaxQuads + 1), ld.ErrTooLarge},
		{"repeated unnamed objects, cheap", alike(2, 4), nil},
		{"repeated unnamed objects, too alike", alike(2, 7), ld.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Canonize(tc.doc)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestDecode(t *testing.T) {
	doc, err := ld.Decode([]byte(`{"@context": {"a": "https://example.org/a"}, "a": 1}`))
	require.NoError(t, err)
	require.Equal(t, float64(1), doc["a"])

	for name, in := range map[string]string{
		"not an object": `["a"]`,
		"null":          `null`,
		"broken":        `{"a": `,
		"trailing data": `{"a": 1} {"b": 2}`,
		"too deep":      strings.Repeat(`{"a":`, ld.MaxDepth+1) + `1` + strings.Repeat(`}`, ld.MaxDepth+1),
	} {
		_, err := ld.Decode([]byte(in))
		require.Error(t, err, name)
	}
	_, err = ld.Decode([]byte(`{"a": "` + strings.Repeat("x", ld.MaxDocumentBytes) + `"}`))
	require.ErrorIs(t, err, ld.ErrTooLarge)
}

func TestCanonicalText(t *testing.T) {
	p := ld.NewProcessor(testLoader(t))
	ctx := map[string]any{"a": "https://example.org/a", "i": map[string]any{"@id": "https://example.org/i", "@type": "@id"}}
	tests := []struct {
		name string
		doc  map[string]any
		want string // a line of the output
		err  error
	}{
		{"escapes on an IRI subject", map[string]any{"@context": ctx, "@id": "https://example.org/s", "a": "q\"b\\t\tn\nf\fu\x01"},
			`<https://example.org/s> <https://example.org/a> "q\"b\\t\tn\nf\fu\u0001" .`, nil},
		{"tab on a blank node", map[string]any{"@context": ctx, "a": "x\ty"}, `_:c14n0 <https://example.org/a> "x\ty" .`, nil},
		{"form feed on a blank node", map[string]any{"@context": ctx, "a": "x\fy"}, "", ld.ErrUnsupportedText},
		{"space in an IRI", map[string]any{"@context": ctx, "@id": "https://example.org/s", "i": "urn:a b"}, "", ld.ErrUnsupportedText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Canonize(tc.doc)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Contains(t, strings.Split(got, "\n"), tc.want)
		})
	}
}

func TestNilProcessor(t *testing.T) {
	var p *ld.Processor
	_, err := p.Canonize(map[string]any{})
	require.Error(t, err)
	_, err = ld.NewProcessor(nil).Expand(map[string]any{})
	require.Error(t, err)
	require.Error(t, ld.NewProcessor(nil).CheckDefined(map[string]any{}))
}

// FuzzCanonize feeds arbitrary JSON through the processor: it must return,
// never panic, and where both it and plain json-gold canonicalize a document
// the results must be equal (our RDF conversion replaces json-gold's).
func FuzzCanonize(f *testing.F) {
	for _, seed := range []string{
		`{"@context": "https://www.w3.org/ns/credentials/v2", "type": "VerifiableCredential"}`,
		`{"@context": {"@base": 5}, "@id": "x"}`,
		`{"@context": [{"a": {"@id": "https://e/a", "@container": "@graph"}}], "a": [1, {"@list": [[1]]}]}`,
		`{"@context": {"@vocab": "https://e/", "@version": 1.1, "n": {"@nest": "@nest"}}, "n": {"x": {"@value": 1, "@type": "@json"}}}`,
		`{"@context": {"a": {"@reverse": "https://e/r"}}, "a": "x", "@included": [{"@id": 5}]}`,
		`{"@context": {"@vocab": "https://e/"}, "a": [1.5, 2, true, -0, 1e300, {"@value": "x", "@language": "en-GB"}, {"@value": "1", "@type": "http://www.w3.org/2001/XMLSchema#double"}]}`,
		`{"@context": {"@vocab": "https://e/", "l": {"@container": "@list"}}, "l": [[], ["a", {"@id": "https://e/x"}], {"@value": "y", "@direction": "rtl"}], "@type": ["T", "_:b1"]}`,
		`{"@context": {"@vocab": "https://e/"}, "@id": "https://ex ample/s", "a": {"@id": "http://bad host/", "b": {"@value": "x", "@language": "en us"}}}`,
	} {
		f.Add([]byte(seed))
	}
	l, err := ld.NewLoader()
	if err != nil {
		f.Fatal(err)
	}
	p := ld.NewProcessor(l)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := ld.Decode(data)
		if err != nil {
			return
		}
		got, err := p.Canonize(doc)
		_ = p.CheckDefined(doc)
		if err != nil {
			return
		}
		want, ok := plainJSONGold(l, doc)
		if ok && want != got {
			t.Fatalf("canonical forms differ\njson-gold:\n%s\nours:\n%s", want, got)
		}
	})
}

// plainJSONGold canonicalizes with json-gold alone; ok is false when it fails
// or panics.
func plainJSONGold(l *ld.Loader, doc map[string]any) (out string, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	opts := jsonld.NewJsonLdOptions("")
	opts.DocumentLoader = l
	opts.Algorithm = "URDNA2015"
	opts.Format = "application/n-quads"
	res, err := jsonld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", false
	}
	s, ok := res.(string)
	return s, ok
}
