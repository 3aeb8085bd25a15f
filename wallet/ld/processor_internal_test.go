package ld

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func readFixture(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ob30", name))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// TestContextCache checks that documents sharing their @context share one
// processed context, and that a cached context gives the same result as a
// fresh one.
func TestContextCache(t *testing.T) {
	l, err := NewLoader()
	require.NoError(t, err)
	p := NewProcessor(l)
	size := func() int {
		p.mu.RLock()
		defer p.mu.RUnlock()
		return len(p.cache)
	}
	first, err := p.Canonize(readFixture(t, "simple.json"))
	require.NoError(t, err)
	require.Equal(t, 1, size())
	_, err = p.Canonize(readFixture(t, "simple-err-proof-value.json")) // same @context
	require.NoError(t, err)
	require.Equal(t, 1, size())
	_, err = p.Canonize(readFixture(t, "complete.json")) // another @context
	require.NoError(t, err)
	require.Equal(t, 2, size())
	require.NoError(t, p.CheckDefined(readFixture(t, "simple.json"))) // strict mode: its own entries
	require.Equal(t, 3, size())

	again, err := p.Canonize(readFixture(t, "simple.json"))
	require.NoError(t, err)
	fresh, err := NewProcessor(l).Canonize(readFixture(t, "simple.json"))
	require.NoError(t, err)
	require.Equal(t, fresh, first)
	require.Equal(t, fresh, again)

	// The cache stays bounded.
	for i := 0; i < maxCachedContexts+10; i++ {
		_, err := p.Expand(map[string]any{"@context": map[string]any{"a": "https://example.org/" + string(rune('a'+i%26)) + string(rune('a'+i/26))}})
		require.NoError(t, err)
	}
	require.LessOrEqual(t, size(), maxCachedContexts)
}
