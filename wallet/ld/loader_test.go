package ld_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	ariesembed "github.com/hyperledger/aries-framework-go/pkg/doc/ldcontext/embed"
	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
	jsonld "github.com/piprate/json-gold/ld"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/assets"
	"github.com/skillpass/skillpass/wallet/ld"
)

// The Loader is what aries' JSON-LD options take.
var _ jsonld.DocumentLoader = (*ld.Loader)(nil)

func parse(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	return v
}

func TestLoaderServesEmbeddedContexts(t *testing.T) {
	l := testLoader(t)
	shipped, err := assets.Contexts()
	require.NoError(t, err)
	ariesOnly := ""
	for _, d := range ariesembed.Contexts {
		if _, ok := shipped[d.URL]; !ok {
			ariesOnly = d.URL
			break
		}
	}
	require.NotEmpty(t, ariesOnly, "every aries context is also in assets")

	tests := []struct {
		name, url, want string
	}{
		{"VC 2.0 from assets", "https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2"},
		{"OB 3.0.3 from assets", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		{"aries only", ariesOnly, ariesOnly},
		{"empty fragment", "https://www.w3.org/ns/credentials/v2#", "https://www.w3.org/ns/credentials/v2"},
		{"fragment", "https://w3id.org/security/v2#Ed25519Signature2018", "https://w3id.org/security/v2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, l.Has(tc.url))
			rd, err := l.LoadDocument(tc.url)
			require.NoError(t, err)
			require.Equal(t, tc.want, rd.DocumentURL)
			doc, ok := rd.Document.(map[string]any)
			require.True(t, ok)
			require.Contains(t, doc, "@context")
		})
	}
	require.Contains(t, l.URLs(), "https://www.w3.org/ns/credentials/v2")
}

func TestLoaderAssetsWinOverAries(t *testing.T) {
	l := testLoader(t)
	shipped, err := assets.Contexts()
	require.NoError(t, err)
	checked := 0
	for _, d := range ariesembed.Contexts {
		mine, ok := shipped[d.URL]
		if !ok {
			continue
		}
		assetsDoc, ariesDoc := parse(t, mine), parse(t, d.Content)
		rd, err := l.LoadDocument(d.URL)
		require.NoError(t, err)
		require.Equal(t, assetsDoc, rd.Document, d.URL)
		if !jsonEqual(assetsDoc, ariesDoc) {
			checked++
		}
	}
	require.Positive(t, checked, "no URL whose assets and aries documents differ: the test proves nothing")
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestLoaderExtraMaps(t *testing.T) {
	custom := []byte(`{"@context": {"custom": "https://example.org/custom#"}}`)
	l, err := ld.NewLoader(
		map[string][]byte{"https://example.org/ctx/v1": custom},
		map[string][]byte{"https://www.w3.org/ns/credentials/v2": custom},
	)
	require.NoError(t, err)
	for _, u := range []string{"https://example.org/ctx/v1", "https://www.w3.org/ns/credentials/v2"} {
		rd, err := l.LoadDocument(u)
		require.NoError(t, err)
		require.Equal(t, parse(t, custom), rd.Document, u)
	}

	_, err = ld.NewLoader(map[string][]byte{"https://example.org/bad": []byte(`{"@context": `)})
	require.Error(t, err)
	require.Contains(t, err.Error(), "https://example.org/bad")
}

func TestLoaderRefusesUnknownContexts(t *testing.T) {
	l := testLoader(t)
	for _, u := range []string{
		"https://example.org/not-embedded/v1",
		"https://www.w3.org/ns/credentials/v3",
		"http://www.w3.org/ns/credentials/v2", // another scheme is another URL
		"",
	} {
		t.Run(u, func(t *testing.T) {
			require.False(t, l.Has(u))
			_, err := l.LoadDocument(u)
			require.ErrorIs(t, err, ld.ErrUnknownContext)
			require.Contains(t, err.Error(), `"`+u+`"`)
			require.Contains(t, err.Error(), "never downloaded")
		})
	}
}

func TestLoaderReturnsPrivateCopies(t *testing.T) {
	l := testLoader(t)
	const u = "https://www.w3.org/ns/credentials/v2"
	first, err := l.LoadDocument(u)
	require.NoError(t, err)
	ctx := first.Document.(map[string]any)["@context"].(map[string]any)
	ctx["id"] = "tampered"
	delete(ctx, "type")
	second, err := l.LoadDocument(u)
	require.NoError(t, err)
	ctx2 := second.Document.(map[string]any)["@context"].(map[string]any)
	require.Equal(t, "@id", ctx2["id"])
	require.Equal(t, "@type", ctx2["type"])
}

func TestLoaderConcurrentUse(t *testing.T) {
	l, err := ld.NewLoader()
	require.NoError(t, err)
	urls := l.URLs()
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(urls))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, u := range urls {
				if _, err := l.LoadDocument(u); err != nil {
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

// TestLoaderWithAries parses the 1EdTech VC 1.1 credential with aries'
// JSON-LD validation served by the Loader (the network guard in TestMain
// fails the run if aries fetched anything).
func TestLoaderWithAries(t *testing.T) {
	l := testLoader(t)
	raw, err := os.ReadFile(filepath.Join(ob30Dir, "simple_v1.json"))
	require.NoError(t, err)
	_, err = verifiable.ParseCredential(raw,
		verifiable.WithJSONLDDocumentLoader(l),
		verifiable.WithJSONLDValidation(),
		verifiable.WithStrictValidation(),
		verifiable.WithNoCustomSchemaCheck(),
		verifiable.WithDisabledProofCheck())
	require.NoError(t, err)

	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	doc["@context"] = append(doc["@context"].([]any), "https://example.org/not-embedded/v1")
	raw, err = json.Marshal(doc)
	require.NoError(t, err)
	_, err = verifiable.ParseCredential(raw,
		verifiable.WithJSONLDDocumentLoader(l),
		verifiable.WithJSONLDValidation(),
		verifiable.WithNoCustomSchemaCheck(),
		verifiable.WithDisabledProofCheck())
	require.ErrorContains(t, err, "https://example.org/not-embedded/v1")
}
