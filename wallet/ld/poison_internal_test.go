package ld

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	jsonld "github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/require"
)

// poisonInput is the input of the W3C RDF Dataset Canonicalization test
// test074c, "poison - Clique Graph (negative test)": ten blank nodes, each
// related to every one (itself included) by one predicate. RDFC-1.0 on it
// tries 9! orders per node; an implementation must refuse it. The file is
// w3c/rdf-canon's tests/rdfc10/test074-in.nq (see testdata/rdfc10/README.md
// for the commit and LICENCE.md for the W3C licence).
var poisonInput = filepath.Join("testdata", "rdfc10", "test074-in.nq")

// poisonDocument returns test074c's dataset parsed from its N-Quads and a
// JSON-LD document (expanded node objects under @graph, built with
// json-gold's FromRDF) that expands to the same graph.
func poisonDocument(t testing.TB) (*jsonld.RDFDataset, map[string]any) {
	t.Helper()
	in, err := os.ReadFile(poisonInput)
	require.NoError(t, err)
	text, err := unescapeForParser(string(in))
	require.NoError(t, err)
	ds, err := jsonld.ParseNQuads(text)
	require.NoError(t, err)
	restoreBackslashes(ds)
	nodes, err := jsonld.NewJsonLdApi().FromRDF(ds, jsonld.NewJsonLdOptions(""))
	require.NoError(t, err)
	return ds, map[string]any{"@graph": nodes}
}

// shape describes a dataset with its blank node labels erased: its sorted
// quads (every blank node written _:z), the number of distinct quads and of
// distinct blank nodes.
func shape(ds *jsonld.RDFDataset) (lines []string, quads, blanks int) {
	seen := make(map[string]bool)
	labels := make(map[string]bool)
	var b strings.Builder
	for graph, qs := range ds.Graphs {
		g := graphNode(graph)
		for _, q := range qs {
			b.Reset()
			writeQuad(&b, q.Subject, q.Predicate, q.Object, g, "")
			seen[b.String()] = true
			for _, n := range []jsonld.Node{q.Subject, q.Object, g} {
				if bn, ok := n.(*jsonld.BlankNode); ok {
					labels[bn.Attribute] = true
				}
			}
			b.Reset()
			writeQuad(&b, q.Subject, q.Predicate, q.Object, g, "\x00")
			lines = append(lines, b.String())
		}
	}
	sort.Strings(lines)
	return lines, len(seen), len(labels)
}

// TestPoisonGraph runs test074c through Canonize, the path every credential
// and presentation takes, and checks that the hashing-work limit, not the
// quad or blank node counts, refuses it.
func TestPoisonGraph(t *testing.T) {
	ds, doc := poisonDocument(t)
	p := NewProcessor(testProcessorLoader(t))

	// The JSON-LD document is test074c: the same quads. With labels
	// erased, 100 distinct quads of one predicate over 10 blank nodes are
	// necessarily all ordered pairs, so equal shapes mean equal graphs.
	expanded, err := p.expand(modeNormal, doc)
	require.NoError(t, err)
	got, err := p.toDataset(expanded)
	require.NoError(t, err)
	wantLines, wantQuads, wantBlanks := shape(ds)
	gotLines, gotQuads, gotBlanks := shape(got)
	require.Equal(t, 100, wantQuads)
	require.Equal(t, 10, wantBlanks)
	require.Equal(t, wantQuads, gotQuads)
	require.Equal(t, wantBlanks, gotBlanks)
	require.Equal(t, wantLines, gotLines)

	// Only the work estimate is beyond its limit.
	require.LessOrEqual(t, gotQuads, MaxQuads)
	require.LessOrEqual(t, gotBlanks, MaxBlankNodes)

	_, err = p.Canonize(doc)
	require.ErrorIs(t, err, ErrTooLarge)
	require.ErrorIs(t, err, ErrHashingWork)
	require.ErrorContains(t, err, "MaxHashingWork")

	// The N-Quads themselves, through the same check and normalization.
	_, err = canonicalizeDataset(ds)
	require.ErrorIs(t, err, ErrHashingWork)
}

// BenchmarkPoisonGraph measures the time Canonize takes to refuse test074c
// (JSON-LD expansion, RDF conversion and the limit checks).
func BenchmarkPoisonGraph(b *testing.B) {
	_, doc := poisonDocument(b)
	p := NewProcessor(testProcessorLoader(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Canonize(doc); err == nil {
			b.Fatal("test074c was canonicalized")
		}
	}
}

// testProcessorLoader returns a Loader over the embedded contexts.
func testProcessorLoader(t testing.TB) *Loader {
	t.Helper()
	l, err := NewLoader()
	require.NoError(t, err)
	return l
}

// TestCheckLimits: CheckLimits refuses what Canonize refuses, test074c
// included, and passes the 1EdTech fixtures.
func TestCheckLimits(t *testing.T) {
	_, poison := poisonDocument(t)
	p := NewProcessor(testProcessorLoader(t))
	tests := []struct {
		name string
		doc  map[string]any
		err  error
	}{
		{"complete.json", readFixture(t, "complete.json"), nil},
		{"simple.json", readFixture(t, "simple.json"), nil},
		{"test074c", poison, ErrHashingWork},
		{"unknown context", map[string]any{"@context": "https://contexts.test/none", "@id": "urn:x"}, ErrUnknownContext},
		{"too many quads", map[string]any{"@id": "urn:x", "https://example.org/p": func() []any {
			out := make([]any, MaxQuads+1)
			for i := range out {
				out[i] = map[string]any{"@id": "urn:x:" + strconv.Itoa(i)}
			}
			return out
		}()}, ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.CheckLimits(tc.doc)
			_, cerr := p.Canonize(tc.doc)
			if tc.err == nil {
				require.NoError(t, err)
				require.NoError(t, cerr)
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.ErrorIs(t, cerr, tc.err)
		})
	}
}
