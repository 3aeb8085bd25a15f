package dataintegrity_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"math/big"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

var ecdsaVectorsDir = filepath.Join("testdata", "w3c-vc-di-ecdsa")

// ecMultikey decodes a base58btc multikey: p256-pub (0x80 0x24) or p384-pub
// (0x81 0x24) with a compressed point.
func ecMultikey(t testing.TB, mb string) *ecdsa.PublicKey {
	t.Helper()
	require.True(t, strings.HasPrefix(mb, "z"), "not base58btc multibase: %q", mb)
	raw, err := base58.Decode(mb[1:])
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(raw), 2)
	var curve elliptic.Curve
	switch {
	case raw[0] == 0x80 && raw[1] == 0x24:
		curve = elliptic.P256()
	case raw[0] == 0x81 && raw[1] == 0x24:
		curve = elliptic.P384()
	default:
		t.Fatalf("not a P-256 or P-384 multikey: prefix %x", raw[:2])
	}
	return ecPoint(t, curve, raw[2:])
}

// ecPoint parses a compressed point.
func ecPoint(t testing.TB, curve elliptic.Curve, compressed []byte) *ecdsa.PublicKey {
	t.Helper()
	x, y := elliptic.UnmarshalCompressed(curve, compressed)
	require.NotNil(t, x, "not a compressed point on %s", curve.Params().Name)
	size := (curve.Params().BitSize + 7) / 8
	point := make([]byte, 1+2*size)
	point[0] = 4
	x.FillBytes(point[1 : 1+size])
	y.FillBytes(point[1+size:])
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	require.NoError(t, err)
	return pub
}

// ecKeyOf returns the key a did:key verification method names.
func ecKeyOf(t testing.TB, vm string) *ecdsa.PublicKey {
	t.Helper()
	rest, ok := strings.CutPrefix(vm, "did:key:")
	require.True(t, ok, "not a did:key: %q", vm)
	id, _, _ := strings.Cut(rest, "#")
	return ecMultikey(t, id)
}

func hexOf(t testing.TB, path string) string {
	t.Helper()
	return strings.ToLower(strings.TrimSpace(readText(t, path)))
}

// TestECDSARDFC2019Vectors checks the canonical forms, hashes and signatures
// of the vc-di-ecdsa ecdsa-rdfc-2019 vectors (P-256 and P-384) and verifies
// the signed documents.
//
// The P-384 employment vector has three blank nodes, labelled by RDFC-1.0
// with SHA-384, which package ld does not compute: the statements agree but
// the labels differ, and VerifyECDSA reports the proof unsupported. Its
// hashes and signature are still checked from the vector's canonical form.
func TestECDSARDFC2019Vectors(t *testing.T) {
	p := processor(t)
	tests := []struct {
		name, dir, suffix, unsigned string
		sha384Labels                bool
	}{
		{"P-256 alumni", "ecdsa-rdfc-2019-p256", "ECDSAP256", "unsigned.json", false},
		{"P-256 employment", filepath.Join("ecdsa-rdfc-2019-p256", "employ"), "ECDSAP256", "employmentAuth.json", false},
		{"P-384 alumni", "ecdsa-rdfc-2019-p384", "ECDSAP384", "unsigned.json", false},
		{"P-384 employment", filepath.Join("ecdsa-rdfc-2019-p384", "employ"), "ECDSAP384", "employmentAuth.json", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := func(stem, ext string) string {
				return filepath.Join(ecdsaVectorsDir, tc.dir, stem+tc.suffix+ext)
			}
			unsigned := readJSON(t, filepath.Join(ecdsaVectorsDir, tc.unsigned))
			config := readJSON(t, file("proofConfig", ".json"))
			signed := readJSON(t, file("signed", ".json"))
			proof := signed["proof"].(map[string]any)
			pub := ecKeyOf(t, proof["verificationMethod"].(string))
			wantDoc := readText(t, file("canonDoc", ".txt"))

			d, err := dataintegrity.ComputeDigest(p, unsigned, config)
			require.NoError(t, err)
			require.Equal(t, readText(t, file("proofCanon", ".txt")), d.CanonicalProofConfig)
			if tc.sha384Labels {
				require.NotEqual(t, wantDoc, d.CanonicalDocument)
				require.Equal(t, sortedLines(withoutLabels(wantDoc)), sortedLines(withoutLabels(d.CanonicalDocument)))
				d.CanonicalDocument = wantDoc
			}
			require.Equal(t, wantDoc, d.CanonicalDocument)
			hashData, err := dataintegrity.ECDSAHashData(d, pub.Curve)
			require.NoError(t, err)
			half := len(hashData) / 2
			require.Equal(t, hexOf(t, file("proofHash", ".txt")), hex.EncodeToString(hashData[:half]))
			require.Equal(t, hexOf(t, file("docHash", ".txt")), hex.EncodeToString(hashData[half:]))
			require.Equal(t, hexOf(t, file("combinedHash", ".txt")), hex.EncodeToString(hashData))

			sig, err := base58.Decode(strings.TrimPrefix(proof["proofValue"].(string), "z"))
			require.NoError(t, err)
			require.Equal(t, hexOf(t, file("sigHex", ".txt")), hex.EncodeToString(sig))
			require.Equal(t, strings.TrimSpace(readText(t, file("sigBTC58", ".txt"))), proof["proofValue"])
			require.True(t, verifyRS(pub, hashData, sig), "vector signature does not verify over its hash data")

			before := clone(t, signed)
			err = dataintegrity.VerifyECDSA(p, signed, proof, pub)
			if tc.sha384Labels {
				require.ErrorIs(t, err, dataintegrity.ErrUnsupported)
				require.NotErrorIs(t, err, dataintegrity.ErrInvalid)
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, before, signed, "VerifyECDSA modified its input")
		})
	}
}

// verifyRS verifies an r || s signature over msg, hashed with the curve's
// SHA-2 function, independently of the package.
func verifyRS(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	var digest []byte
	if pub.Curve == elliptic.P384() {
		h := sha512.Sum384(msg)
		digest = h[:]
	} else {
		h := sha256.Sum256(msg)
		digest = h[:]
	}
	n := len(sig) / 2
	return ecdsa.Verify(pub, digest, new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:]))
}

var blankLabel = regexp.MustCompile(`_:c14n[0-9]+`)

// withoutLabels replaces every canonical blank node label by _:b (the
// vectors' literals hold no such text).
func withoutLabels(nquads string) string { return blankLabel.ReplaceAllString(nquads, "_:b") }

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	sort.Strings(lines)
	return lines
}

// TestECDSARDFC2019Invalid changes signed vector documents and their proofs.
func TestECDSARDFC2019Invalid(t *testing.T) {
	p := processor(t)
	p256 := readJSON(t, filepath.Join(ecdsaVectorsDir, "ecdsa-rdfc-2019-p256", "signedECDSAP256.json"))
	p384 := readJSON(t, filepath.Join(ecdsaVectorsDir, "ecdsa-rdfc-2019-p384", "signedECDSAP384.json"))
	key256 := ecKeyOf(t, p256["proof"].(map[string]any)["verificationMethod"].(string))
	key384 := ecKeyOf(t, p384["proof"].(map[string]any)["verificationMethod"].(string))
	tests := []struct {
		name   string
		doc    map[string]any
		key    *ecdsa.PublicKey
		change func(doc, proof map[string]any)
		err    error
	}{
		{"P-256 claim", p256, key256, func(d, _ map[string]any) {
			d["credentialSubject"].(map[string]any)["alumniOf"] = "The School of Samples"
		}, dataintegrity.ErrInvalid},
		{"P-384 claim", p384, key384, func(d, _ map[string]any) { d["validFrom"] = "2023-01-02T00:00:00Z" }, dataintegrity.ErrInvalid},
		{"P-256 created", p256, key256, func(_, pr map[string]any) { pr["created"] = "2023-02-24T23:36:39Z" }, dataintegrity.ErrInvalid},
		{"P-384 verificationMethod", p384, key384, func(_, pr map[string]any) {
			pr["verificationMethod"] = pr["verificationMethod"].(string) + "x"
		}, dataintegrity.ErrInvalid},
		{"P-256 signature bit", p256, key256, func(_, pr map[string]any) {
			sig, _ := base58.Decode(pr["proofValue"].(string)[1:])
			sig[10] ^= 1
			pr["proofValue"] = "z" + base58.Encode(sig)
		}, dataintegrity.ErrInvalid},
		{"P-256 proof, P-384 key", p256, key384, func(_, _ map[string]any) {}, dataintegrity.ErrInvalid},
		{"P-384 proof, P-256 key", p384, key256, func(_, _ map[string]any) {}, dataintegrity.ErrInvalid},
		{"not base58btc", p256, key256, func(_, pr map[string]any) { pr["proofValue"] = "u" + pr["proofValue"].(string)[1:] }, dataintegrity.ErrInvalid},
		{"created not a dateTime", p256, key256, func(_, pr map[string]any) { pr["created"] = "yesterday" }, dataintegrity.ErrInvalid},
		{"eddsa suite", p256, key256, func(_, pr map[string]any) { pr["cryptosuite"] = "eddsa-rdfc-2022" }, dataintegrity.ErrUnsupported},
		{"jcs suite", p256, key256, func(_, pr map[string]any) { pr["cryptosuite"] = "ecdsa-jcs-2019" }, dataintegrity.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := clone(t, tc.doc)
			proof := doc["proof"].(map[string]any)
			tc.change(doc, proof)
			require.ErrorIs(t, dataintegrity.VerifyECDSA(p, doc, proof, tc.key), tc.err)
		})
	}

	// A curve the suites do not define is unsupported, not invalid.
	p521 := ecPoint(t, elliptic.P521(), elliptic.MarshalCompressed(elliptic.P521(), elliptic.P521().Params().Gx, elliptic.P521().Params().Gy))
	err := dataintegrity.VerifyECDSA(p, p256, p256["proof"].(map[string]any), p521)
	require.ErrorIs(t, err, dataintegrity.ErrUnsupported)
	require.NotErrorIs(t, err, dataintegrity.ErrInvalid)
}
