package dataintegrity_test

import (
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

var (
	ob30Dir    = filepath.Join("..", "..", "..", "testdata", "ob30")
	vectorsDir = filepath.Join("testdata", "w3c-vc-di-eddsa")
)

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func readText(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

func clone(t testing.TB, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// normalized round-trips v through JSON so values built in Go compare equal
// to decoded ones.
func normalized(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

var (
	procOnce sync.Once
	procVal  *ld.Processor
	procErr  error
)

// processor returns a Processor over the embedded contexts plus the two the
// W3C vectors need (testdata/contexts).
func processor(t testing.TB) *ld.Processor {
	t.Helper()
	procOnce.Do(func() {
		extra := map[string][]byte{}
		for url, file := range map[string]string{
			"https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
			"https://w3id.org/citizenship/v4rc1":            "citizenship-v4rc1.jsonld",
		} {
			b, err := os.ReadFile(filepath.Join("testdata", "contexts", file))
			if err != nil {
				procErr = err
				return
			}
			extra[url] = b
		}
		l, err := ld.NewLoader(extra)
		if err != nil {
			procErr = err
			return
		}
		procVal = ld.NewProcessor(l)
	})
	require.NoError(t, procErr)
	return procVal
}

// multikey decodes a multibase base58btc multicodec key: ed25519-pub (0xed
// 0x01) or ed25519-priv (0x80 0x26, the seed).
func multikey(t testing.TB, mb string) []byte {
	t.Helper()
	require.True(t, strings.HasPrefix(mb, "z"), "not base58btc multibase: %q", mb)
	raw, err := base58.Decode(mb[1:])
	require.NoError(t, err)
	require.Len(t, raw, 34)
	switch {
	case raw[0] == 0xed && raw[1] == 0x01:
		return raw[2:]
	case raw[0] == 0x80 && raw[1] == 0x26:
		return raw[2:]
	}
	t.Fatalf("unknown multicodec prefix %x", raw[:2])
	return nil
}

// keyOf returns the Ed25519 public key a verification method names: the
// multibase fragment of https://example.com/issuers/876543#z6Mk..., or the
// key in a did:key.
func keyOf(t testing.TB, vm string) ed25519.PublicKey {
	t.Helper()
	if rest, ok := strings.CutPrefix(vm, "did:key:"); ok {
		id, _, _ := strings.Cut(rest, "#")
		return multikey(t, id)
	}
	_, frag, ok := strings.Cut(vm, "#")
	require.True(t, ok, "verification method without key fragment: %q", vm)
	return multikey(t, frag)
}

// keyPair reads a {publicKeyMultibase, privateKeyMultibase} object.
func keyPair(t testing.TB, m map[string]any) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub := ed25519.PublicKey(multikey(t, m["publicKeyMultibase"].(string)))
	priv := ed25519.NewKeyFromSeed(multikey(t, m["privateKeyMultibase"].(string)))
	require.Equal(t, pub, priv.Public(), "key pair does not match")
	return pub, priv
}

// proofs lists doc's proofs.
func proofs(t testing.TB, doc map[string]any) []map[string]any {
	t.Helper()
	var out []map[string]any
	switch p := doc["proof"].(type) {
	case map[string]any:
		out = append(out, p)
	case []any:
		for _, x := range p {
			m, ok := x.(map[string]any)
			require.True(t, ok)
			out = append(out, m)
		}
	}
	return out
}
