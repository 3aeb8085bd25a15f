package ld_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

// ob30Dir holds the 1EdTech Open Badges 3.0 fixtures.
var ob30Dir = filepath.Join("..", "..", "testdata", "ob30")

// ob30JSON lists the JSON fixtures there.
var ob30JSON = []string{
	"simple.json", "complete.json", "simple-did-key-method.json", "simple-err-proof-value.json",
	"simple-err-expired.json", "simple-noproof.json", "simple_v1.json",
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func fixture(t testing.TB, name string) map[string]any {
	t.Helper()
	return readJSON(t, filepath.Join(ob30Dir, name))
}

var (
	loaderOnce sync.Once
	loaderVal  *ld.Loader
	loaderErr  error
)

// testLoader returns one shared Loader over the embedded contexts.
func testLoader(t testing.TB) *ld.Loader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = ld.NewLoader() })
	require.NoError(t, loaderErr)
	return loaderVal
}

// clone deep-copies a JSON value through encoding/json.
func clone(t testing.TB, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// at walks a JSON value along keys (string) and indices (int).
func at(t testing.TB, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			require.True(t, ok, "not an object at %v", k)
			v = m[k]
		case int:
			l, ok := v.([]any)
			require.True(t, ok, "not a list at %v", k)
			v = l[k]
		}
	}
	return v
}
