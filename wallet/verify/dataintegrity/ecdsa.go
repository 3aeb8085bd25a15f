package dataintegrity

// ECDSA cryptosuites of the W3C Recommendation "Data Integrity ECDSA
// Cryptosuites v1.0" (https://www.w3.org/TR/vc-di-ecdsa/): ecdsa-rdfc-2019
// (P-256 and P-384) and the derived proofs of ecdsa-sd-2023 (P-256).
// Verification only: Skillpass does not issue ECDSA proofs.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"hash"
	"math/big"

	"github.com/mr-tron/base58"

	"github.com/skillpass/skillpass/wallet/ld"
)

// Cryptosuites of DataIntegrityProof that VerifyECDSA handles.
const (
	// CryptosuiteECDSARDFC2019 signs the RDFC-1.0 canonical document with
	// ECDSA over P-256 (SHA-256) or P-384 (SHA-384).
	CryptosuiteECDSARDFC2019 = "ecdsa-rdfc-2019"
	// CryptosuiteECDSASD2023 is ECDSA selective disclosure (P-256,
	// SHA-256). Verifiers accept only its derived proofs.
	CryptosuiteECDSASD2023 = "ecdsa-sd-2023"
)

// ErrBaseProof is returned (wrapped, together with ErrInvalid) for an
// ecdsa-sd-2023 base proof: it holds the HMAC key that hides the
// undisclosed blank node labels and is meant for the holder only, who derives
// a proof from it. Verifiers accept derived proofs alone.
var ErrBaseProof = errors.New("ecdsa-sd-2023 base proof, which only the holder uses")

// maxECDSAProofValueLen bounds an ecdsa-rdfc-2019 proofValue before decoding:
// base58btc of 96 bytes (P-384) is at most 132 characters, plus the prefix.
const maxECDSAProofValueLen = 140

// ECDSAHashData returns the data an ecdsa-rdfc-2019 signature covers for a
// key on curve: hash(CanonicalProofConfig) || hash(CanonicalDocument) with
// SHA-256 for P-256 (64 bytes) and SHA-384 for P-384 (96 bytes), d being the
// result of ComputeDigest. Other curves are refused with ErrUnsupported.
func ECDSAHashData(d *Digest, curve elliptic.Curve) ([]byte, error) {
	if d == nil {
		return nil, errors.New("ecdsa hash data: no digest")
	}
	h, err := curveHash(curve)
	if err != nil {
		return nil, fmt.Errorf("ecdsa hash data: %w", err)
	}
	out := make([]byte, 0, 2*h().Size())
	out = append(out, sum(h, []byte(d.CanonicalProofConfig))...)
	return append(out, sum(h, []byte(d.CanonicalDocument))...), nil
}

// VerifyECDSA checks one DataIntegrityProof of doc (an element of
// doc["proof"], or doc["proof"] itself) with cryptosuite ecdsa-rdfc-2019 or
// ecdsa-sd-2023, made by the key pub (the key of the proof's
// verificationMethod, which the caller resolved). Neither map is modified.
//
// ecdsa-rdfc-2019 takes P-256 and P-384 keys and supports proof chains
// (previousProof) as Verify does. For ecdsa-sd-2023 only derived proofs
// verify: a base proof is refused with an error wrapping ErrInvalid and
// ErrBaseProof; the key must be P-256.
//
// It returns an error wrapping ErrUnsupported for other proof types and
// cryptosuites, other curves, and ecdsa-sd-2023 proofs with previousProof;
// one wrapping ErrInvalid when the proof is malformed (as for Verify, plus a
// proofValue that does not decode as its cryptosuite requires) or a
// signature does not verify. Other errors (an unknown JSON-LD context, a
// document beyond the ld package's limits) mean the proof could not be
// checked at all. Like Verify, VerifyECDSA does not check proofPurpose,
// created, expires, challenge or domain against expectations, nor the
// document's own terms.
func VerifyECDSA(p *ld.Processor, doc, proof map[string]any, pub *ecdsa.PublicKey) error {
	suite, err := checkECDSASuite(proof)
	if err != nil {
		return fmt.Errorf("verify data integrity proof: %w", err)
	}
	if pub == nil || pub.Curve == nil {
		return fmt.Errorf("verify %s proof: no public key", suite)
	}
	if suite == CryptosuiteECDSASD2023 {
		return verifySD(p, doc, proof, pub)
	}
	return verifyRDFC2019(p, doc, proof, pub)
}

// checkECDSASuite returns the proof's cryptosuite, or ErrUnsupported.
func checkECDSASuite(proof map[string]any) (string, error) {
	if t, _ := proof["type"].(string); t != ProofType {
		return "", fmt.Errorf("%w: type %v, want %s", ErrUnsupported, proof["type"], ProofType)
	}
	c, _ := proof["cryptosuite"].(string)
	if c != CryptosuiteECDSARDFC2019 && c != CryptosuiteECDSASD2023 {
		return "", fmt.Errorf("%w: cryptosuite %v, want %s or %s", ErrUnsupported, proof["cryptosuite"],
			CryptosuiteECDSARDFC2019, CryptosuiteECDSASD2023)
	}
	return c, nil
}

// verifyRDFC2019 verifies an ecdsa-rdfc-2019 proof.
func verifyRDFC2019(p *ld.Processor, doc, proof map[string]any, pub *ecdsa.PublicKey) error {
	const suite = CryptosuiteECDSARDFC2019
	size, err := signatureSize(pub.Curve)
	if err != nil {
		return fmt.Errorf("verify %s proof: %w", suite, err)
	}
	if err := checkProofOptions(doc, proof); err != nil {
		return fmt.Errorf("verify %s proof: %w: %w", suite, ErrInvalid, err)
	}
	pv, _ := proof["proofValue"].(string)
	if len(pv) < 2 || pv[0] != 'z' || len(pv) > maxECDSAProofValueLen {
		return fmt.Errorf("verify %s proof: %w: proofValue is not multibase base58btc", suite, ErrInvalid)
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil {
		return fmt.Errorf("verify %s proof: %w: proofValue: %w", suite, ErrInvalid, err)
	}
	if len(sig) != size {
		return fmt.Errorf("verify %s proof: %w: proofValue decodes to %d bytes, want %d for %s",
			suite, ErrInvalid, len(sig), size, pub.Curve.Params().Name)
	}
	unsecured, err := unsecuredDocument(doc, proof["previousProof"])
	if err != nil {
		return fmt.Errorf("verify %s proof: %w: %w", suite, ErrInvalid, err)
	}
	d, err := ComputeDigest(p, unsecured, proof)
	if err != nil {
		return digestError(suite, err)
	}
	if err := checkP384Labels(d, pub.Curve); err != nil {
		return fmt.Errorf("verify %s proof: %w", suite, err)
	}
	hashData, err := ECDSAHashData(d, pub.Curve)
	if err != nil {
		return fmt.Errorf("verify %s proof: %w", suite, err)
	}
	if !verifyP1363(pub, hashData, sig) {
		return fmt.Errorf("verify %s proof: %w: signature does not match the document", suite, ErrInvalid)
	}
	return nil
}

// checkP384Labels refuses, with ErrUnsupported, P-384 documents whose
// canonical form would differ from the issuer's. With P-384 the suite runs
// RDFC-1.0 with SHA-384 as its hash function (as the W3C test vectors do),
// while package ld canonicalizes with SHA-256 only (json-gold's URDNA2015).
// The two agree on every statement and differ only in which blank node gets
// which canonical label, which cannot happen with at most one blank node
// (it is always _:c14n0). Documents with more blank nodes are refused
// rather than reported invalid.
func checkP384Labels(d *Digest, curve elliptic.Curve) error {
	if curve != elliptic.P384() {
		return nil
	}
	for _, c := range []struct{ what, nquads string }{
		{"document", d.CanonicalDocument}, {"proof options", d.CanonicalProofConfig},
	} {
		n, err := blankNodeCount(c.nquads)
		if err != nil {
			return err
		}
		if n > 1 {
			return fmt.Errorf("%w: the %s has %d blank nodes; with P-384 the issuer labelled them by RDFC-1.0 with SHA-384, which Skillpass does not compute (only SHA-256)",
				ErrUnsupported, c.what, n)
		}
	}
	return nil
}

// digestError wraps an error of ComputeDigest: undefined terms make the
// proof invalid; anything else means it could not be checked.
func digestError(suite string, err error) error {
	if errors.Is(err, ld.ErrUndefinedTerm) || errors.Is(err, ld.ErrDroppedValue) {
		return fmt.Errorf("verify %s proof: %w: %w", suite, ErrInvalid, err)
	}
	return fmt.Errorf("verify %s proof: %w", suite, err)
}

// checkProofOptions checks the proof properties every suite requires:
// verificationMethod and proofPurpose, a created that is an XML Schema
// dateTime, and a proof @context the document's @context starts with.
func checkProofOptions(doc, proof map[string]any) error {
	for _, k := range []string{"verificationMethod", "proofPurpose"} {
		if s, _ := proof[k].(string); s == "" {
			return fmt.Errorf("proof has no %s", k)
		}
	}
	if c, ok := proof["created"]; ok {
		s, _ := c.(string)
		if !isDateTime(s) {
			return fmt.Errorf("proof created %v is not an XML Schema dateTime", c)
		}
	}
	if pc, ok := proof["@context"]; ok && !contextStartsWith(doc["@context"], pc) {
		return errors.New("the document's @context does not start with the proof's @context")
	}
	return nil
}

// curveHash returns the hash ECDSA Data Integrity uses with curve.
func curveHash(curve elliptic.Curve) (func() hash.Hash, error) {
	switch curve {
	case elliptic.P256():
		return sha256.New, nil
	case elliptic.P384():
		return sha512.New384, nil
	}
	return nil, fmt.Errorf("%w: curve %s (want P-256 or P-384)", ErrUnsupported, curveName(curve))
}

// signatureSize returns the size of an r || s signature on curve.
func signatureSize(curve elliptic.Curve) (int, error) {
	switch curve {
	case elliptic.P256():
		return 64, nil
	case elliptic.P384():
		return 96, nil
	}
	return 0, fmt.Errorf("%w: curve %s (want P-256 or P-384)", ErrUnsupported, curveName(curve))
}

func curveName(curve elliptic.Curve) string {
	if curve == nil || curve.Params() == nil {
		return "(none)"
	}
	return curve.Params().Name
}

func sum(h func() hash.Hash, b []byte) []byte {
	x := h()
	x.Write(b)
	return x.Sum(nil)
}

// verifyP1363 verifies an ECDSA signature in IEEE P1363 form (r || s, each
// the curve's size) over msg, hashed with the curve's hash.
func verifyP1363(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	h, err := curveHash(pub.Curve)
	if err != nil {
		return false
	}
	size, err := signatureSize(pub.Curve)
	if err != nil || len(sig) != size {
		return false
	}
	r := new(big.Int).SetBytes(sig[:size/2])
	s := new(big.Int).SetBytes(sig[size/2:])
	return ecdsa.Verify(pub, sum(h, msg), r, s)
}
