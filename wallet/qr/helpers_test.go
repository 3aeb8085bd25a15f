package qr_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/primitive/bbs12381g2pub"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// Times of the presentations built here: issued, presented (holder proof
// created), verified five minutes later, expiring after fifteen.
var (
	issued    = time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	presented = time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	verifyAt  = presented.Add(5 * time.Minute)
)

// Verifier request bound into the holder proofs.
const (
	challenge = "7KQ-2M4"
	domain    = "https://jobs.employer.example"
)

// Contexts of the credentials and presentations built here.
const (
	ctxV1     = "https://www.w3.org/2018/credentials/v1"
	ctxOBv1   = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ctxEd2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
	ctxBBS    = "https://w3id.org/security/bbs/v1"
	ctxDI     = "https://w3id.org/security/data-integrity/v2"
	// bbsKeyType is aries' name for a BLS12-381 G2 verification key.
	bbsKeyType = "Bls12381G2Key2020"
)

var (
	loaderOnce sync.Once
	loaderVal  *ld.Loader
	loaderErr  error
)

// testLoader returns one shared offline JSON-LD loader (contexts are
// processed once per loader).
func testLoader(t testing.TB) *ld.Loader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = ld.NewLoader() })
	require.NoError(t, loaderErr)
	return loaderVal
}

// edKey is an Ed25519 key with its did:key and verification method.
type edKey struct {
	priv ed25519.PrivateKey
	did  string
	vm   string
}

// newEdKey derives a repeatable Ed25519 key from a one-byte seed.
func newEdKey(t testing.TB, seed byte) *edKey {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	d, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	return &edKey{priv: priv, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// Sign and Alg make edKey an aries signer.
func (k *edKey) Sign(data []byte) ([]byte, error) { return ed25519.Sign(k.priv, data), nil }
func (k *edKey) Alg() string                      { return "EdDSA" }

// bbsKey is a BLS12-381 G2 key for BBS+ with its did:key.
type bbsKey struct {
	pubRaw, privRaw []byte
	did, vm         string
}

func newBBSKey(t testing.TB) *bbsKey {
	t.Helper()
	pub, priv, err := bbs12381g2pub.GenerateKeyPair(sha256.New, bytes.Repeat([]byte{9}, 32))
	require.NoError(t, err)
	pubRaw, err := pub.Marshal()
	require.NoError(t, err)
	privRaw, err := priv.Marshal()
	require.NoError(t, err)
	d, err := did.NewKey(did.BLS12381G2, pubRaw)
	require.NoError(t, err)
	return &bbsKey{pubRaw: pubRaw, privRaw: privRaw, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:")}
}

// Sign signs canonical N-Quads, one message per line, as
// BbsBlsSignature2020 does; Alg is unused by that suite.
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

// ariesSign signs doc with an aries suite for assertionMethod.
func ariesSign(t testing.TB, s signer.SignatureSuite, sigType, vm string, doc map[string]any) map[string]any {
	t.Helper()
	out, err := signer.New(s).Sign(&signer.Context{
		SignatureType: sigType, SignatureRepresentation: proof.SignatureProofValue, Created: &issued,
		VerificationMethod: vm, Purpose: "assertionMethod",
	}, mustJSON(t, doc), jsonld.WithDocumentLoader(testLoader(t)))
	require.NoError(t, err)
	return mustMap(t, out)
}

// badgeText is what an Open Badge says about its achievement.
type badgeText struct{ name, description, narrative string }

// Two badges: one with the short texts of the wallet/verify tests' badge,
// one with texts of the length training providers write.
var (
	shortBadge = badgeText{"Teamwork", "Collaborates within a group.", "Nominated by peers."}
	longBadge  = badgeText{
		"Customer Service Fundamentals",
		"Handles customer enquiries by phone and in person, resolves complaints and records outcomes.",
		"Passed the 40-hour course and a supervised assessment with real customers.",
	}
)

// obCredential is a VC 1.1 Open Badge for subject, issued by issuer; every
// nested object has an id (BBS+ derivation needs that).
func obCredential(issuer, subject, extraContext string, text badgeText) map[string]any {
	return map[string]any{
		"@context":     []any{ctxV1, ctxOBv1, extraContext},
		"id":           "urn:uuid:3f1c9a52-8e47-4d2b-b6a0-5c9e7d21f4a8",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       issuer,
		"issuanceDate": issued.Format(time.RFC3339),
		"name":         text.name + " Badge",
		"credentialSubject": map[string]any{
			"id":   subject,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":              "urn:uuid:b7e2d4c1-0a9f-4e3b-8d6c-2f5a1e9b7c30",
				"type":            []any{"Achievement"},
				"achievementType": "Certificate",
				"name":            text.name,
				"description":     text.description,
				"criteria": map[string]any{
					"id":        "urn:uuid:c4a8e1f2-6b3d-4f7a-9e0c-1d2b3a4f5e6d",
					"narrative": text.narrative,
				},
			},
		},
	}
}

// holderSign signs a presentation with the holder's key for
// authentication (eddsa-rdfc-2022), bound to challenge and domain, with a
// proof that expires after fifteen minutes, as the wallet will.
func holderSign(t testing.TB, holder *edKey, vp map[string]any) map[string]any {
	t.Helper()
	proc := ld.NewProcessor(testLoader(t))
	p := map[string]any{
		"type": dataintegrity.ProofType, "cryptosuite": dataintegrity.Cryptosuite,
		"created": presented.Format(time.RFC3339), "expires": presented.Add(15 * time.Minute).Format(time.RFC3339),
		"verificationMethod": holder.vm, "proofPurpose": "authentication",
		"challenge": challenge, "domain": domain,
	}
	require.NoError(t, proc.CheckDefined(vp))
	d, err := dataintegrity.ComputeDigest(proc, vp, p)
	require.NoError(t, err)
	p["proofValue"] = "z" + base58.Encode(ed25519.Sign(holder.priv, d.HashData()))
	out := mustMap(t, mustJSON(t, vp))
	out["proof"] = p
	return out
}

// presentation wraps creds in a VC 1.1 presentation of holder.
func presentation(holder string, creds ...any) map[string]any {
	return map[string]any{
		"@context":             []any{ctxV1, ctxDI},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holder,
		"verifiableCredential": creds,
	}
}

// built caches the presentations the tests build (signing BBS+ takes a
// while), by kind and badge.
var built sync.Map

// cached returns build's result for key, building it once.
func cached(t testing.TB, key string, build func() []byte) []byte {
	t.Helper()
	if v, ok := built.Load(key); ok {
		return v.([]byte)
	}
	b := build()
	built.Store(key, b)
	return b
}

// ed25519Presentation returns a holder-signed presentation of one VC 1.1
// Open Badge with an Ed25519Signature2020 proof made by aries.
func ed25519Presentation(t testing.TB, text badgeText) []byte {
	t.Helper()
	return cached(t, "ed25519/"+text.name, func() []byte {
		issuer, holder := newEdKey(t, 11), newEdKey(t, 12)
		cred := ariesSign(t, ed25519signature2020.New(suite.WithSigner(issuer)), "Ed25519Signature2020", issuer.vm,
			obCredential(issuer.did, holder.did, ctxEd2020, text))
		return mustJSON(t, holderSign(t, holder, presentation(holder.did, cred)))
	})
}

// bbsPresentation returns a holder-signed presentation of a BBS+ Open Badge
// with eight claims about its subject, of which the holder discloses three
// (achievement, creditsEarned, activityEndDate) with aries'
// GenerateBBSSelectiveDisclosure.
func bbsPresentation(t testing.TB, text badgeText) []byte {
	t.Helper()
	return cached(t, "bbs/"+text.name, func() []byte {
		issuerKey, holder := newBBSKey(t), newEdKey(t, 13)
		doc := obCredential(issuerKey.did, holder.did, ctxBBS, text)
		subject := doc["credentialSubject"].(map[string]any)
		// Eight claims: achievement and these seven.
		subject["creditsEarned"] = 12
		subject["activityStartDate"] = "2025-05-05T00:00:00Z"
		subject["activityEndDate"] = "2025-06-27T00:00:00Z"
		subject["licenseNumber"] = "CS-2025-004711"
		subject["role"] = "Shift supervisor"
		subject["term"] = "Summer 2025"
		subject["narrative"] = "Completed the course while working part time at the Riverside store."
		signed := ariesSign(t, bbsblssignature2020.New(suite.WithSigner(issuerKey)), "BbsBlsSignature2020", issuerKey.vm, doc)

		loader := testLoader(t)
		vc, err := verifiable.ParseCredential(mustJSON(t, signed),
			verifiable.WithDisabledProofCheck(), verifiable.WithJSONLDDocumentLoader(loader))
		require.NoError(t, err)
		reveal := map[string]any{
			"@context":     signed["@context"],
			"type":         signed["type"],
			"@explicit":    true,
			"issuer":       map[string]any{},
			"issuanceDate": map[string]any{},
			"name":         map[string]any{},
			"credentialSubject": map[string]any{
				"@explicit":       true,
				"type":            []any{"AchievementSubject"},
				"achievement":     map[string]any{},
				"creditsEarned":   map[string]any{},
				"activityEndDate": map[string]any{},
			},
		}
		derived, err := vc.GenerateBBSSelectiveDisclosure(reveal, []byte("derivation nonce 1"),
			verifiable.WithPublicKeyFetcher(verifiable.SingleKey(issuerKey.pubRaw, bbsKeyType)),
			verifiable.WithJSONLDDocumentLoader(loader))
		require.NoError(t, err)
		b, err := derived.MarshalJSON()
		require.NoError(t, err)
		return mustJSON(t, holderSign(t, holder, presentation(holder.did, mustMap(t, b))))
	})
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

// parseExact parses JSON keeping numbers as written (json.Number).
func parseExact(t testing.TB, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}
