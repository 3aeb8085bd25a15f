package status

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/models/ld/store"
	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/doc/ld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/ldcontext"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	sigverifier "github.com/hyperledger/aries-framework-go/pkg/doc/signature/verifier"
	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/assets"
	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

// mapFetcher is a Fetcher over an in-memory map of URL to document. It
// counts the fetches of each URL.
type mapFetcher struct {
	mu     sync.Mutex
	docs   map[string][]byte
	counts map[string]int
	delay  time.Duration
}

func newMapFetcher() *mapFetcher {
	return &mapFetcher{docs: map[string][]byte{}, counts: map[string]int{}}
}

var errNotFound = errors.New("404 not found")

func (f *mapFetcher) Fetch(ctx context.Context, url string) ([]byte, error) {
	f.mu.Lock()
	f.counts[url]++
	doc, ok := f.docs[url]
	delay := f.delay
	f.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("fetch %s: %w", url, errNotFound)
	}
	return bytes.Clone(doc), nil
}

func (f *mapFetcher) put(url string, doc []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.docs[url] = doc
}

func (f *mapFetcher) count(url string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[url]
}

var _ Fetcher = (*mapFetcher)(nil)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testNow is the wall time of the fixtures (the lists are valid around it).
var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// loader is a JSON-LD document loader with aries' embedded contexts and
// Skillpass's shipped ones; it never goes to the network.
var loader = sync.OnceValues(func() (*ld.DocumentLoader, error) {
	ctxs, err := assets.Contexts()
	if err != nil {
		return nil, err
	}
	var docs []ldcontext.Document
	for u, c := range ctxs {
		docs = append(docs, ldcontext.Document{URL: u, Content: c})
	}
	p := ldProvider{}
	if p.ctx, err = store.NewContextStore(mem.NewProvider()); err != nil {
		return nil, err
	}
	if p.remote, err = store.NewRemoteProviderStore(mem.NewProvider()); err != nil {
		return nil, err
	}
	return ld.NewDocumentLoader(p, ld.WithExtraContexts(docs...))
})

type ldProvider struct {
	ctx    store.ContextStore
	remote store.RemoteProviderStore
}

func (p ldProvider) JSONLDContextStore() store.ContextStore               { return p.ctx }
func (p ldProvider) JSONLDRemoteProviderStore() store.RemoteProviderStore { return p.remote }

// issuer is a did:key Ed25519 issuer whose key derives from its name.
type issuer struct {
	did, keyID string
	priv       ed25519.PrivateKey
}

func newIssuer(name string) issuer {
	seed := sha256.Sum256([]byte("skillpass status test issuer " + name))
	priv := ed25519.NewKeyFromSeed(seed[:])
	did, keyID := fingerprint.CreateDIDKey(priv.Public().(ed25519.PublicKey))
	return issuer{did: did, keyID: keyID, priv: priv}
}

// ed25519Signer is the signer aries' suites need.
type ed25519Signer struct{ priv ed25519.PrivateKey }

func (s ed25519Signer) Sign(data []byte) ([]byte, error) { return ed25519.Sign(s.priv, data), nil }
func (s ed25519Signer) Alg() string                      { return "EdDSA" }

// sign adds an Ed25519Signature2020 proof by iss to the credential doc.
func sign(t *testing.T, iss issuer, doc map[string]any) []byte {
	t.Helper()
	l, err := loader()
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	vc, err := verifiable.ParseCredential(raw, verifiable.WithJSONLDDocumentLoader(l), verifiable.WithDisabledProofCheck())
	require.NoError(t, err)
	created := testNow.Add(-24 * time.Hour)
	err = vc.AddLinkedDataProof(&verifiable.LinkedDataProofContext{
		SignatureType:           ed25519signature2020.SignatureType,
		Suite:                   ed25519signature2020.New(suite.WithSigner(ed25519Signer{iss.priv})),
		SignatureRepresentation: verifiable.SignatureProofValue,
		Created:                 &created,
		VerificationMethod:      iss.keyID,
		Purpose:                 "assertionMethod",
	}, jsonld.WithDocumentLoader(l))
	require.NoError(t, err)
	out, err := json.Marshal(vc)
	require.NoError(t, err)
	return out
}

var errNoProof = errors.New("status list credential has no proof")

// ariesVerifier is the ListVerifier the tests use: aries checks the
// Ed25519Signature2020 proof (strict JSON-LD: no undefined terms), the key
// comes from the did:key in the verification method, and that DID must be
// the list's issuer (aries does not check this itself).
func ariesVerifier(_ context.Context, raw []byte) (map[string]any, error) {
	l, err := loader()
	if err != nil {
		return nil, err
	}
	keys := func(did, keyID string) (*sigverifier.PublicKey, error) {
		if !strings.HasPrefix(did, "did:key:") || keyID != "#"+strings.TrimPrefix(did, "did:key:") {
			return nil, fmt.Errorf("unknown key %s%s", did, keyID)
		}
		pub, err := fingerprint.PubKeyFromDIDKey(did)
		if err != nil {
			return nil, err
		}
		return &sigverifier.PublicKey{Type: kms.ED25519, Value: pub}, nil
	}
	vc, err := verifiable.ParseCredential(raw,
		verifiable.WithJSONLDDocumentLoader(l),
		verifiable.WithEmbeddedSignatureSuites(ed25519signature2020.New(suite.WithVerifier(ed25519signature2020.NewPublicKeyVerifier()))),
		verifiable.WithPublicKeyFetcher(keys),
		verifiable.WithStrictValidation(),
	)
	if err != nil {
		return nil, err
	}
	if len(vc.Proofs) == 0 {
		return nil, errNoProof
	}
	for _, p := range vc.Proofs {
		vm, _ := p["verificationMethod"].(string)
		if did, _, _ := strings.Cut(vm, "#"); did != vc.Issuer.ID {
			return nil, fmt.Errorf("proof key %s does not belong to issuer %s", vm, vc.Issuer.ID)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

var _ ListVerifier = ariesVerifier

const (
	ctxV1         = "https://www.w3.org/2018/credentials/v1"
	ctxSL2021     = "https://w3id.org/vc/status-list/2021/v1"
	ctxBitstring  = "https://www.w3.org/ns/credentials/status/v1"
	ctxEd25519v20 = "https://w3id.org/security/suites/ed25519-2020/v1"
)

// listDocument returns an unsigned status list credential of format f.
//
// Bitstring lists use the VC 1.1 base context with the status/v1 context,
// because aries v0.3.2 signs and verifies only VC 1.1 documents; the checker
// reads the same fields either way.
func listDocument(f Format, iss issuer, url, purpose, encoded string) map[string]any {
	doc := map[string]any{
		"id":           url,
		"issuer":       iss.did,
		"issuanceDate": "2025-01-01T00:00:00Z",
	}
	subject := map[string]any{"id": url + "#list", "statusPurpose": purpose, "encodedList": encoded}
	switch f {
	case StatusList2021:
		doc["@context"] = []any{ctxV1, ctxSL2021, ctxEd25519v20}
		doc["type"] = []any{"VerifiableCredential", "StatusList2021Credential"}
		subject["type"] = "StatusList2021"
	case BitstringStatusList:
		doc["@context"] = []any{ctxV1, ctxBitstring, ctxEd25519v20}
		doc["type"] = []any{"VerifiableCredential", "BitstringStatusListCredential"}
		subject["type"] = "BitstringStatusList"
	}
	doc["credentialSubject"] = subject
	return doc
}

// encodeList builds a list of size one-bit entries with set set and encodes
// it in format f.
func encodeList(t *testing.T, f Format, size int, set ...int) string {
	t.Helper()
	l, err := NewList(size)
	require.NoError(t, err)
	for _, i := range set {
		require.NoError(t, l.Set(i))
	}
	s, err := l.Encode(f)
	require.NoError(t, err)
	return s
}

// entry returns a credentialStatus entry of format f.
func entry(f Format, url, purpose, index string) map[string]any {
	typ := "StatusList2021Entry"
	if f == BitstringStatusList {
		typ = "BitstringStatusListEntry"
	}
	return map[string]any{
		"id":                   url + "#" + index,
		"type":                 typ,
		"statusPurpose":        purpose,
		"statusListIndex":      index,
		"statusListCredential": url,
	}
}

// gzipBomb returns base64url of a GZIP stream of n zero bytes, written in
// chunks so the test itself stays small in memory.
func gzipBomb(t *testing.T, n int) string {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		_, err := zw.Write(chunk[:k])
		require.NoError(t, err)
		n -= k
	}
	require.NoError(t, zw.Close())
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// roundTrip decodes JSON bytes into a generic value, the way the verifier
// orchestrator hands credentialStatus over.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}
