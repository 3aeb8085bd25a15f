package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/hyperledger/aries-framework-go/pkg/crypto/primitive/bbs12381g2pub"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2018"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/jsonwebsignature2020"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
)

// testNow is the verification time of the tests: after every fixture's
// validFrom, before complete.json's validUntil (2030).
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// created is the proof creation time of credentials signed in the tests.
var created = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

var (
	loaderOnce sync.Once
	loaderVal  *ld.Loader
	loaderErr  error
)

// testLoader returns one shared JSON-LD loader (contexts are processed once
// per loader, which keeps the tests fast).
func testLoader(t testing.TB) *ld.Loader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = ld.NewLoader() })
	require.NoError(t, loaderErr)
	return loaderVal
}

// newVerifier returns a Verifier at testNow with the shared loader.
func newVerifier(t testing.TB, o Options) *Verifier {
	t.Helper()
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	if o.Loader == nil {
		o.Loader = testLoader(t)
	}
	v, err := New(o)
	require.NoError(t, err)
	return v
}

// fixture reads a file of /work/main/testdata/ob30.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ob30", name))
	require.NoError(t, err)
	return b
}

// verifyBytes verifies data and requires that it is a credential or
// presentation.
func verifyBytes(t testing.TB, v *Verifier, data []byte) *Result {
	t.Helper()
	r, err := v.Verify(context.Background(), data)
	require.NoError(t, err)
	require.NotNil(t, r)
	return r
}

// verifyDoc marshals doc and verifies it.
func verifyDoc(t testing.TB, v *Verifier, doc map[string]any) *Result {
	t.Helper()
	return verifyBytes(t, v, mustJSON(t, doc))
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func mustMap(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

// errorsContain requires that some error of r contains each of subs.
func errorsContain(t testing.TB, r *Result, subs ...string) {
	t.Helper()
	all := strings.Join(r.Errors, "\n")
	for _, s := range subs {
		require.Contains(t, all, s)
	}
}

// edKey is an Ed25519 key pair with its did:key.
type edKey struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
	did  string
	vm   string // did:key:z...#z...
}

// newEdKey derives an Ed25519 key from a one-byte seed, so tests are
// repeatable.
func newEdKey(t testing.TB, seed byte) *edKey {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	d, err := did.NewKey(did.Ed25519, pub)
	require.NoError(t, err)
	return &edKey{pub: pub, priv: priv, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// p256Signer is an ECDSA P-256 key that signs for aries' suites (IEEE P1363
// r||s signatures).
type p256Signer struct {
	priv *ecdsa.PrivateKey
	did  string
	vm   string
}

func newP256(t testing.TB) *p256Signer {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	pub, err := priv.PublicKey.Bytes()
	require.NoError(t, err)
	d, err := did.NewKey(did.P256, pub)
	require.NoError(t, err)
	return &p256Signer{priv: priv, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

func (s *p256Signer) Sign(data []byte) ([]byte, error) {
	h := sha256.Sum256(data)
	r, ss, err := ecdsa.Sign(rand.Reader, s.priv, h[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 64)
	r.FillBytes(out[:32])
	ss.FillBytes(out[32:])
	return out, nil
}

func (s *p256Signer) Alg() string { return "ES256" }

// edSigner signs for aries' Ed25519 suites.
type edSigner struct{ k *edKey }

func (s edSigner) Sign(data []byte) ([]byte, error) { return ed25519.Sign(s.k.priv, data), nil }
func (s edSigner) Alg() string                      { return "EdDSA" }

// bbsKey is a BLS12-381 G2 key pair for BBS+ with its did:key.
type bbsKey struct {
	pub     *bbs12381g2pub.PublicKey
	pubRaw  []byte
	privRaw []byte
	did     string
	vm      string
}

func newBBSKey(t testing.TB) *bbsKey {
	t.Helper()
	seed := bytes.Repeat([]byte{7}, 32)
	pub, priv, err := bbs12381g2pub.GenerateKeyPair(sha256.New, seed)
	require.NoError(t, err)
	pubRaw, err := pub.Marshal()
	require.NoError(t, err)
	privRaw, err := priv.Marshal()
	require.NoError(t, err)
	d, err := did.NewKey(did.BLS12381G2, pubRaw)
	require.NoError(t, err)
	return &bbsKey{pub: pub, pubRaw: pubRaw, privRaw: privRaw, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// Sign signs canonical N-Quads, one message per line, as BbsBlsSignature2020
// does.
func (k *bbsKey) Sign(data []byte) ([]byte, error) {
	var msgs [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			msgs = append(msgs, []byte(line))
		}
	}
	return bbs12381g2pub.New().Sign(msgs, k.privRaw)
}

func (k *bbsKey) Alg() string { return "" }

// ldSign signs doc with an aries suite and returns the signed document.
type ldSign struct {
	sigType   string
	suite     signer.SignatureSuite
	vm        string
	purpose   string
	jws       bool
	challenge string
	domain    string
}

func (s ldSign) sign(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	rep := proof.SignatureProofValue
	if s.jws {
		rep = proof.SignatureJWS
	}
	purpose := s.purpose
	if purpose == "" {
		purpose = relAssertion
	}
	out, err := signer.New(s.suite).Sign(&signer.Context{
		SignatureType: s.sigType, SignatureRepresentation: rep, Created: &created,
		VerificationMethod: s.vm, Purpose: purpose, Challenge: s.challenge, Domain: s.domain,
	}, mustJSON(t, doc), jsonld.WithDocumentLoader(testLoader(t)))
	require.NoError(t, err)
	return mustMap(t, out)
}

func ed2018(k *edKey) ldSign {
	return ldSign{sigType: typeEd25519Sig2018, suite: ed25519signature2018.New(suite.WithSigner(edSigner{k})), vm: k.vm}
}

func ed2020(k *edKey) ldSign {
	return ldSign{sigType: typeEd25519Sig2020, suite: ed25519signature2020.New(suite.WithSigner(edSigner{k})), vm: k.vm}
}

func jws2020Ed(k *edKey) ldSign {
	return ldSign{sigType: typeJSONWebSig2020, suite: jsonwebsignature2020.New(suite.WithSigner(edSigner{k})), vm: k.vm, jws: true}
}

func jws2020P256(k *p256Signer) ldSign {
	return ldSign{sigType: typeJSONWebSig2020, suite: jsonwebsignature2020.New(suite.WithSigner(k)), vm: k.vm, jws: true}
}

func bbs2020(k *bbsKey) ldSign {
	return ldSign{sigType: typeBBSSig2020, suite: bbsblssignature2020.New(suite.WithSigner(k)), vm: k.vm}
}

// Contexts used by the credentials built in the tests.
const (
	ctxOBv1    = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ctxOB303   = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ctxEd2020  = "https://w3id.org/security/suites/ed25519-2020/v1"
	ctxJWS2020 = "https://w3id.org/security/suites/jws-2020/v1"
	ctxBBS     = "https://w3id.org/security/bbs/v1"
)

// credV1 is a VC 1.1 Open Badge issued by issuer; every nested object has
// an id (BBS+ derivation needs that).
func credV1(issuer string, extraContexts ...string) map[string]any {
	ctx := []any{contextV1, ctxOBv1}
	for _, c := range extraContexts {
		ctx = append(ctx, c)
	}
	return map[string]any{
		"@context":     ctx,
		"id":           "urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       issuer,
		"issuanceDate": "2024-01-01T00:00:00Z",
		"name":         "Teamwork Badge",
		"credentialSubject": map[string]any{
			"id":   "did:example:learner-1",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "urn:uuid:9d2c1f0e-3b8a-4c55-8a1e-7f6b5d4c3b2a",
				"type":        []any{"Achievement"},
				"name":        "Teamwork",
				"description": "Collaborates within a group.",
				"criteria": map[string]any{
					"id":        "urn:uuid:1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
					"narrative": "Nominated by peers.",
				},
			},
		},
	}
}

// credV2 is a VC 2.0 Open Badge issued by issuer.
func credV2(issuer string) map[string]any {
	return map[string]any{
		"@context":  []any{contextV2, ctxOB303},
		"id":        "urn:uuid:5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Example Training"},
		"validFrom": "2024-01-01T00:00:00Z",
		"name":      "Teamwork Badge",
		"credentialSubject": map[string]any{
			"id":   "did:example:learner-1",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":       "urn:uuid:9d2c1f0e-3b8a-4c55-8a1e-7f6b5d4c3b2a",
				"type":     []any{"Achievement"},
				"name":     "Teamwork",
				"criteria": map[string]any{"narrative": "Nominated by peers."},
			},
		},
	}
}

// signJWT makes a compact JWS of payload with the given key and headers.
func signJWT(t testing.TB, alg gojose.SignatureAlgorithm, key any, payload any, headers map[string]any) string {
	t.Helper()
	opts := &gojose.SignerOptions{}
	for k, v := range headers {
		opts = opts.WithHeader(gojose.HeaderKey(k), v)
	}
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: alg, Key: key}, opts)
	require.NoError(t, err)
	obj, err := s.Sign(mustJSON(t, payload))
	require.NoError(t, err)
	out, err := obj.CompactSerialize()
	require.NoError(t, err)
	return out
}

// writeFile writes b to dir/rel, creating folders.
func writeFile(t testing.TB, dir, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
}
