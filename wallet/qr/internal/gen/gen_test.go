package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

func TestMain(m *testing.M) { fetchtest.Main(m) }

// TestGeneratedUpToDate: the committed files are what the generator makes
// from the shipped contexts and the samples. A difference means either
// that someone edited a generated file or that an input changed (a
// context file, the lists here): SP1 must not change, so the fix is to
// restore the input, not to regenerate.
func TestGeneratedUpToDate(t *testing.T) {
	for step, file := range map[string]string{"table": "table_gen.go", "flate": "flatedict_gen.go"} {
		t.Run(step, func(t *testing.T) {
			want, err := generate(step)
			require.NoError(t, err)
			got, err := os.ReadFile(filepath.Join("..", "..", file))
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
		})
	}
}

// TestBuildTable: hot terms come first and in order, every entry once, and
// a missing source context is an error rather than a smaller dictionary.
func TestBuildTable(t *testing.T) {
	ctx := map[string][]byte{}
	for _, u := range sourceContexts {
		ctx[u] = []byte(`{"@context":{"@version":1.1,"xsd":"http://www.w3.org/2001/XMLSchema#","zeta":"https://example.com/zeta","id":"@id",
			"Thing":{"@id":"https://example.com/Thing","@context":{"alpha":{"@id":"https://example.com/alpha"}}}}}`)
	}
	terms, err := buildTable(ctx)
	require.NoError(t, err)
	require.Equal(t, hotTerms, terms[:len(hotTerms)])
	rest := terms[len(hotTerms):]
	require.Equal(t, []string{"Thing", "alpha", "zeta"}, rest[:3], "context terms in byte order, scoped ones included, prefixes left out")
	seen := map[string]bool{}
	for _, s := range terms {
		require.False(t, seen[s], "%q twice", s)
		seen[s] = true
	}
	for _, s := range enumValues {
		require.True(t, seen[s], s)
	}

	delete(ctx, sourceContexts[0])
	_, err = buildTable(ctx)
	require.ErrorContains(t, err, sourceContexts[0])

	_, err = generate("other")
	require.Error(t, err)
}
