package did

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"
)

func TestWebURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// Examples from the did:web specification.
		{"did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"},
		{"did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"},
		{"did:web:example.com%3A3000:user:alice", "https://example.com:3000/user/alice/did.json"},
		{"did:web:example.com%3a3000", "https://example.com:3000/.well-known/did.json"},
		{"did:web:127.0.0.1%3A8443:issuer", "https://127.0.0.1:8443/issuer/did.json"},
		{"did:web:example.com:a%20b", "https://example.com/a%20b/did.json"},
		{"did:web:sub_domain.example-1.com:x_y.z-w", "https://sub_domain.example-1.com/x_y.z-w/did.json"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := WebURL(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestWebURLErrors(t *testing.T) {
	tests := []struct{ in, msg string }{
		{"did:key:z6Mk", "does not start with"},
		{"did:web:", "no domain"},
		{"did:web:example.com:", "empty part"},
		{"did:web:example.com::a", "empty part"},
		{"did:web::a", "empty part"},
		{"did:web:example.com:..", "path part \"..\""},
		{"did:web:example.com:.", "path part \".\""},
		{"did:web:example.com:%2e%2e", "path part \"..\""},
		{"did:web:example.com:a%2Fb", "path part"},
		{"did:web:example.com:a%5Cb", "path part"},
		{"did:web:example.com:a%00", "path part"},
		{"did:web:exa/mple.com", "characters a did cannot hold"},
		{"did:web:example.com#key-1", "characters a did cannot hold"},
		{"did:web:example.com?x=1", "characters a did cannot hold"},
		{"did:web:user@example.com", "characters a did cannot hold"},
		{"did:web:example.com%2Fevil", "bad domain"},
		{"did:web:..", "bad domain"},
		{"did:web:%2e%2e", "bad domain"},
		{"did:web:example.com%3A", "bad port"},
		{"did:web:example.com%3A99999", "bad port"},
		{"did:web:example.com%3Ax", "bad port"},
		{"did:web:example.com%3A1%3A2", "bad port"},
		{"did:web:example.com%zz", "characters a did cannot hold"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := WebURL(tc.in)
			require.ErrorIs(t, err, ErrInvalidDID)
			require.ErrorContains(t, err, tc.msg)
			require.Empty(t, got)
		})
	}
}

func TestResolveDIDKey(t *testing.T) {
	r := NewResolver(nil)
	for _, c := range vectorCases(t) {
		t.Run(c.name, func(t *testing.T) {
			doc, err := r.Resolve(context.Background(), c.did)
			require.NoError(t, err)
			msid := strings.TrimPrefix(c.did, "did:key:")
			vmID := c.did + "#" + msid
			wantType := map[KeyType]string{
				Ed25519: "Ed25519VerificationKey2020", BLS12381G2: "Bls12381G2Key2020", P256: "Multikey",
			}[c.kt]
			require.Equal(t, &Document{
				ID: c.did,
				VerificationMethod: []VerificationMethod{{
					ID: vmID, Type: wantType, Controller: c.did, KeyType: c.kt, PublicKey: c.pub,
				}},
				AssertionMethod: []string{vmID},
				Authentication:  []string{vmID},
			}, doc)
			require.True(t, doc.IsAssertionMethod(vmID))
			require.True(t, doc.IsAuthentication(vmID))

			for _, u := range []string{c.did, vmID} {
				vm, vdoc, err := r.VerificationMethod(context.Background(), u)
				require.NoError(t, err, u)
				require.Equal(t, vmID, vm.ID)
				require.Equal(t, c.pub, vm.PublicKey)
				require.Equal(t, c.did, vdoc.ID)
			}
			_, _, err = r.VerificationMethod(context.Background(), c.did+"#key-1")
			require.ErrorIs(t, err, ErrNotFound)
		})
	}
}

func TestResolveErrors(t *testing.T) {
	v := loadVectors(t)
	dir := t.TempDir()
	writeFile(t, dir, "mismatch.com/.well-known/did.json", []byte(`{"id":"did:web:other.com"}`))
	writeFile(t, dir, "notjson.com/.well-known/did.json", []byte(`<html>`))
	writeFile(t, dir, "noid.com/.well-known/did.json", []byte(`{"verificationMethod":[]}`))
	writeFile(t, dir, "dup.com/.well-known/did.json", []byte(`{"id":"did:web:dup.com","verificationMethod":[
		{"id":"#k","type":"Ed25519VerificationKey2018","publicKeyBase58":"`+v.Ed25519[0].PublicKeyBase58+`"},
		{"id":"did:web:dup.com#k","type":"Ed25519VerificationKey2018","publicKeyBase58":"`+v.Ed25519[1].PublicKeyBase58+`"}]}`))
	writeFile(t, dir, "badref.com/.well-known/did.json", []byte(`{"id":"did:web:badref.com","assertionMethod":["key-1"]}`))
	writeFile(t, dir, "noidvm.com/.well-known/did.json", []byte(`{"id":"did:web:noidvm.com","verificationMethod":[{"type":"Multikey"}]}`))
	writeFile(t, dir, "vmobject.com/.well-known/did.json", []byte(`{"id":"did:web:vmobject.com","verificationMethod":{"id":"#k"}}`))

	var refs []string
	for i := range maxMethods + 1 {
		refs = append(refs, fmt.Sprintf("%q", fmt.Sprintf("#k%d", i)))
	}
	writeFile(t, dir, "many.com/.well-known/did.json", []byte(`{"id":"did:web:many.com","assertionMethod":[`+strings.Join(refs, ",")+`]}`))

	tooBig := FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		return make([]byte, MaxFetchSize+1), nil
	})

	tests := []struct {
		name    string
		fetcher Fetcher
		did     string
		want    error
	}{
		{"nil fetcher", nil, "did:web:example.com", ErrOffline},
		{"nil fetcher func", FetcherFunc(nil), "did:web:example.com", ErrOffline},
		{"id mismatch", DirFetcher(dir), "did:web:mismatch.com", ErrIDMismatch},
		{"not json", DirFetcher(dir), "did:web:notjson.com", ErrInvalidDocument},
		{"no id", DirFetcher(dir), "did:web:noid.com", ErrInvalidDocument},
		{"duplicate method ids", DirFetcher(dir), "did:web:dup.com", ErrInvalidDocument},
		{"bad reference", DirFetcher(dir), "did:web:badref.com", ErrInvalidDocument},
		{"method without id", DirFetcher(dir), "did:web:noidvm.com", ErrInvalidDocument},
		{"verificationMethod not a list", DirFetcher(dir), "did:web:vmobject.com", ErrInvalidDocument},
		{"too many methods", DirFetcher(dir), "did:web:many.com", ErrInvalidDocument},
		{"missing file", DirFetcher(dir), "did:web:missing.com", fs.ErrNotExist},
		{"too large", tooBig, "did:web:example.com", ErrTooLarge},
		{"bad did:web", DirFetcher(dir), "did:web:exa/mple.com", ErrInvalidDID},
		{"traversal did:web", DirFetcher(dir), "did:web:example.com:%2e%2e", ErrInvalidDID},
		{"other method", nil, "did:example:123", ErrUnsupported},
		{"not a did", nil, "https://example.com", ErrInvalidDID},
		{"did url", nil, v.Ed25519[0].DID + "#x", ErrInvalidDID},
		{"bad did:key", nil, encodeKey(0xed, make([]byte, 31)), ErrInvalidKey},
		{"unknown multicodec", nil, "did:key:zzz", ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := NewResolver(tc.fetcher).Resolve(context.Background(), tc.did)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, "resolve "+tc.did)
			require.Nil(t, doc)
		})
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := NewResolver(DirFetcher(dir)).Resolve(ctx, "did:web:mismatch.com")
	require.ErrorIs(t, err, context.Canceled)
}

// webFixture writes a did:web document with every supported key encoding,
// built from the published did:key vectors, and returns the expected keys by
// method id.
func webFixture(t *testing.T, dir, did, rel string) map[string]keyCase {
	t.Helper()
	v := loadVectors(t)
	cases := vectorCases(t)
	byDID := map[string]keyCase{}
	for _, c := range cases {
		byDID[c.did] = c
	}
	msid := func(d string) string { return strings.TrimPrefix(d, "did:key:") }
	ed0, ed1, ed2 := byDID[v.Ed25519[0].DID], byDID[v.Ed25519[1].DID], byDID[v.Ed25519[2].DID]
	bls0, bls1 := byDID[v.BLS[0].DID], byDID[v.BLS[1].DID]
	p0, p1 := byDID[v.P256[0].DID], byDID[v.P256[1].DID]
	b64 := base64.RawURLEncoding.EncodeToString

	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/did/v1"},
		"id":       did,
		"verificationMethod": []map[string]any{
			{"id": "#ed-mb", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": msid(ed0.did)},
			{"id": did + "#ed-b58", "type": "Ed25519VerificationKey2018", "controller": did, "publicKeyBase58": v.Ed25519[1].PublicKeyBase58},
			{"id": "#ed-jwk", "type": "JsonWebKey2020", "publicKeyJwk": map[string]string{"kty": "OKP", "crv": "Ed25519", "x": b64(ed2.pub)}},
			{"id": "#ed-multikey", "type": "Multikey", "controller": did, "publicKeyMultibase": msid(ed1.did)},
			{"id": "#p256-jwk", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": map[string]string{"kty": "EC", "crv": "P-256", "x": v.P256[0].X, "y": v.P256[0].Y}},
			{"id": "#p256-mb", "type": "Multikey", "controller": did, "publicKeyMultibase": msid(p1.did)},
			{"id": "#bls-b58", "type": "Bls12381G2Key2020", "controller": did, "publicKeyBase58": v.BLS[0].PublicKeyBase58},
			{"id": "#bls-mb", "type": "Bls12381G2Key2020", "controller": did, "publicKeyMultibase": msid(bls1.did)},
			{"id": "#bls-jwk", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": map[string]string{"kty": "EC", "crv": "BLS12381_G2", "x": b64(bls0.pub)}},
			// Unusable ones: the document still resolves.
			{"id": "#x25519", "type": "X25519KeyAgreementKey2019", "controller": did, "publicKeyBase58": "7By6kV2t2d188odEM4ExAve1UithKT6dLva4dwsDT3ak"},
			{"id": "#short", "type": "Ed25519VerificationKey2018", "controller": did, "publicKeyBase58": base58.Encode(ed0.pub[:31])},
			{"id": "#wrong-type", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": msid(bls0.did)},
			{"id": "#private", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": map[string]string{"kty": "OKP", "crv": "Ed25519", "x": b64(ed0.pub), "d": b64(make([]byte, 32))}},
			{"id": "#two-keys", "type": "Ed25519VerificationKey2018", "controller": did, "publicKeyBase58": v.Ed25519[0].PublicKeyBase58, "publicKeyMultibase": msid(ed0.did)},
			{"id": "#no-key", "type": "Multikey", "controller": did},
			{"id": "#b58-multikey", "type": "Multikey", "controller": did, "publicKeyBase58": v.Ed25519[0].PublicKeyBase58},
			{"id": "#secp", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": map[string]string{"kty": "EC", "crv": "secp256k1", "x": b64(make([]byte, 32)), "y": b64(make([]byte, 32))}},
			{"id": "#p256-off", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": map[string]string{"kty": "EC", "crv": "P-256", "x": v.P256[0].X, "y": v.P256[1].Y}},
		},
		"assertionMethod": []any{"#ed-mb", did + "#ed-b58", "#p256-jwk", "#bls-b58"},
		"authentication": []any{
			"#ed-jwk",
			map[string]any{"id": "#embedded", "type": "Ed25519VerificationKey2020", "controller": did, "publicKeyMultibase": msid(ed2.did)},
		},
		"keyAgreement": []string{"#x25519"},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	require.NoError(t, err)
	writeFile(t, dir, rel, b)

	return map[string]keyCase{
		did + "#ed-mb":       ed0,
		did + "#ed-b58":      ed1,
		did + "#ed-jwk":      ed2,
		did + "#ed-multikey": ed1,
		did + "#p256-jwk":    p0,
		did + "#p256-mb":     p1,
		did + "#bls-b58":     bls0,
		did + "#bls-mb":      bls1,
		did + "#bls-jwk":     bls0,
		did + "#embedded":    ed2,
	}
}

func TestResolveDIDWeb(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ did, rel string }{
		{"did:web:example.com", "example.com/.well-known/did.json"},
		{"did:web:example.com:issuers:42", "example.com/issuers/42/did.json"},
		{"did:web:localhost%3A8443", "localhost%3A8443/.well-known/did.json"},
	} {
		t.Run(tc.did, func(t *testing.T) {
			want := webFixture(t, dir, tc.did, tc.rel)
			r := NewResolver(DirFetcher(dir))
			doc, err := r.Resolve(context.Background(), tc.did)
			require.NoError(t, err)
			require.Equal(t, tc.did, doc.ID)
			require.Len(t, doc.VerificationMethod, len(want))
			require.Equal(t, []string{tc.did + "#ed-mb", tc.did + "#ed-b58", tc.did + "#p256-jwk", tc.did + "#bls-b58"}, doc.AssertionMethod)
			require.Equal(t, []string{tc.did + "#ed-jwk", tc.did + "#embedded"}, doc.Authentication)
			for id, c := range want {
				vm := doc.Method(id)
				require.NotNil(t, vm, id)
				require.Equal(t, c.kt, vm.KeyType, id)
				require.Equal(t, c.pub, vm.PublicKey, id)
				require.Equal(t, tc.did, vm.Controller, id)

				got, gdoc, err := r.VerificationMethod(context.Background(), id)
				require.NoError(t, err, id)
				require.Equal(t, vm, got)
				require.Equal(t, tc.did, gdoc.ID)
			}
			require.False(t, doc.IsAssertionMethod(tc.did+"#ed-jwk"))

			unusable := []struct {
				frag string
				want error
				msg  string
			}{
				{"x25519", ErrUnsupported, "X25519KeyAgreementKey2019"},
				{"short", ErrInvalidKey, "32 bytes, got 31"},
				{"wrong-type", ErrInvalidKey, "BLS12381G2 key in a Ed25519VerificationKey2020 method"},
				{"private", ErrInvalidKey, "private key"},
				{"two-keys", ErrInvalidKey, "more than one"},
				{"no-key", ErrInvalidKey, "no publicKeyMultibase"},
				{"b58-multikey", ErrUnsupported, "does not say the key type"},
				{"secp", ErrUnsupported, "secp256k1"},
				{"p256-off", ErrInvalidKey, "p-256"},
			}
			for _, u := range unusable {
				vm, vdoc, err := r.VerificationMethod(context.Background(), tc.did+"#"+u.frag)
				require.ErrorIs(t, err, u.want, u.frag)
				require.ErrorContains(t, err, u.msg, u.frag)
				require.ErrorContains(t, err, "unusable", u.frag)
				require.Nil(t, vm)
				require.Nil(t, vdoc)
			}

			_, _, err = r.VerificationMethod(context.Background(), tc.did+"#nope")
			require.ErrorIs(t, err, ErrNotFound)
			_, _, err = r.VerificationMethod(context.Background(), tc.did)
			require.ErrorIs(t, err, ErrInvalidDID)
			_, _, err = r.VerificationMethod(context.Background(), tc.did+"#")
			require.ErrorIs(t, err, ErrInvalidDID)
		})
	}
}

func TestResolverCache(t *testing.T) {
	dir := t.TempDir()
	webFixture(t, dir, "did:web:example.com", "example.com/.well-known/did.json")
	var fetches atomic.Int32
	inner := DirFetcher(dir)
	counting := FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		fetches.Add(1)
		return inner.Fetch(ctx, url)
	})
	r := NewResolver(counting)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return now }

	doc, err := r.Resolve(context.Background(), "did:web:example.com")
	require.NoError(t, err)
	require.EqualValues(t, 1, fetches.Load())

	// Changing the returned document does not change the cached one.
	doc.VerificationMethod[0].PublicKey[0] ^= 0xff
	doc.AssertionMethod[0] = "changed"

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d, err := r.Resolve(context.Background(), "did:web:example.com")
			if err == nil && d.AssertionMethod[0] == "changed" {
				err = fmt.Errorf("cached document was changed")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, fetches.Load(), "served from the cache")
	again, err := r.Resolve(context.Background(), "did:web:example.com")
	require.NoError(t, err)
	require.NotEqual(t, doc.VerificationMethod[0].PublicKey, again.VerificationMethod[0].PublicKey)

	now = now.Add(WebCacheTTL)
	_, err = r.Resolve(context.Background(), "did:web:example.com")
	require.NoError(t, err)
	require.EqualValues(t, 2, fetches.Load(), "fetched again after the TTL")

	// Failures are not cached.
	r2 := NewResolver(counting)
	_, err = r2.Resolve(context.Background(), "did:web:missing.example")
	require.Error(t, err)
	_, err = r2.Resolve(context.Background(), "did:web:missing.example")
	require.Error(t, err)
	require.EqualValues(t, 4, fetches.Load())
}
