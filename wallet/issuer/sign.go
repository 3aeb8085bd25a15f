package issuer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	jsonldproc "github.com/piprate/json-gold/ld"

	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// Contexts and proof type of what the issuer signs. aries signs only VC
// Data Model 1.1, so credentials carry the credentials/v1 context with the
// Open Badges 3.0 context made for it, the Status List 2021 context for
// credentialStatus, and the Ed25519Signature2020 terms.
const (
	ContextVC1        = "https://www.w3.org/2018/credentials/v1"
	ContextOB30       = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ContextStatusList = "https://w3id.org/vc/status-list/2021/v1"
	ContextEd25519    = "https://w3id.org/security/suites/ed25519-2020/v1"
	ProofType         = "Ed25519Signature2020"
)

// Contexts and proof types of the other proofs (see Proof).
const (
	// ContextBBS defines BbsBlsSignature2020 (with VC 1.1).
	ContextBBS = "https://w3id.org/security/bbs/v1"
	// ContextVC2 is the VC Data Model 2.0 context; it defines
	// DataIntegrityProof.
	ContextVC2 = "https://www.w3.org/ns/credentials/v2"
	// ContextOB303 is the Open Badges 3.0.3 context, made for VC 2.0.
	ContextOB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	// ProofTypeBBS is the proof type of ProofBBS credentials.
	ProofTypeBBS = "BbsBlsSignature2020"
	// ProofTypeDataIntegrity is the proof type of ProofEdDSA2022
	// credentials (cryptosuite eddsa-rdfc-2022).
	ProofTypeDataIntegrity = dataintegrity.ProofType
)

// Proof names how the issuer signs a credential.
type Proof string

// The proofs the issuer signs with.
const (
	// ProofEd25519 (the default, also spelt ""): VC Data Model 1.1 with
	// Ed25519Signature2020 by the issuer's Ed25519 did:key.
	ProofEd25519 Proof = "ed25519"
	// ProofBBS: VC Data Model 1.1 with BbsBlsSignature2020 by the issuer's
	// BLS12-381 G2 did:key, which is then the credential's issuer. Every
	// nested object gets an id, so learners can disclose single claims.
	ProofBBS Proof = "bbs"
	// ProofEdDSA2022: VC Data Model 2.0 (validFrom) with a
	// DataIntegrityProof, cryptosuite eddsa-rdfc-2022, by the issuer's
	// Ed25519 did:key.
	ProofEdDSA2022 Proof = "eddsa-2022"
)

// ErrUnknownProof is returned (wrapped) for a proof name ParseProof does
// not know.
var ErrUnknownProof = errors.New("unknown proof")

// ParseProof reads a proof name: "ed25519" (or ""), "bbs" or "eddsa-2022".
func ParseProof(s string) (Proof, error) {
	switch Proof(s) {
	case "", ProofEd25519:
		return ProofEd25519, nil
	case ProofBBS, ProofEdDSA2022:
		return Proof(s), nil
	}
	return "", fmt.Errorf("%w %q (want %s, %s or %s)", ErrUnknownProof, s, ProofEd25519, ProofBBS, ProofEdDSA2022)
}

// proofType returns the proof type p's credentials carry.
func (p Proof) proofType() string {
	switch p {
	case ProofBBS:
		return ProofTypeBBS
	case ProofEdDSA2022:
		return ProofTypeDataIntegrity
	}
	return ProofType
}

// contexts returns the @context of p's Open Badges.
func (p Proof) contexts() []any {
	switch p {
	case ProofBBS:
		return []any{ContextVC1, ContextOB30, ContextStatusList, ContextBBS}
	case ProofEdDSA2022:
		return []any{ContextVC2, ContextOB303, ContextStatusList}
	}
	return []any{ContextVC1, ContextOB30, ContextStatusList, ContextEd25519}
}

// dateKey is the property of p's credentials that holds the issuance date.
func (p Proof) dateKey() string {
	if p == ProofEdDSA2022 {
		return "validFrom"
	}
	return "issuanceDate"
}

// kmsSigner signs with a key handle of the issuer's wallet.
type kmsSigner struct {
	km    kms.KeyManager
	cr    *tinkcrypto.Crypto
	keyID string
}

// Sign signs data with the issuer's Ed25519 key.
func (s kmsSigner) Sign(data []byte) ([]byte, error) {
	kh, err := s.km.Get(s.keyID)
	if err != nil {
		return nil, fmt.Errorf("issuer key: %w", err)
	}
	return s.cr.Sign(data, kh)
}

// Alg names the signature algorithm.
func (s kmsSigner) Alg() string { return "EdDSA" }

// bbsSigner signs with the issuer's BLS12-381 G2 key handle.
type bbsSigner struct {
	km    kms.KeyManager
	cr    *tinkcrypto.Crypto
	keyID string
}

// Sign signs the canonical N-Quads data, one BBS+ message per line, as
// BbsBlsSignature2020 asks.
func (s bbsSigner) Sign(data []byte) ([]byte, error) {
	kh, err := s.km.Get(s.keyID)
	if err != nil {
		return nil, fmt.Errorf("issuer BBS+ key: %w", err)
	}
	var msgs [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			msgs = append(msgs, []byte(line))
		}
	}
	return s.cr.SignMulti(msgs, kh)
}

// Alg is unused by the BBS+ suite.
func (s bbsSigner) Alg() string { return "" }

// ldSigner adds assertionMethod proofs by one of the issuer's did:keys:
// Ed25519Signature2020 or BbsBlsSignature2020 through aries, or a
// DataIntegrityProof (eddsa-rdfc-2022) through package dataintegrity.
type ldSigner struct {
	proof  Proof
	ed     kmsSigner // for ProofEd25519 and ProofEdDSA2022
	bbs    bbsSigner // for ProofBBS
	vm     string    // the verification method: did#fingerprint
	loader jsonldproc.DocumentLoader
	proc   *ld.Processor // for ProofEdDSA2022
}

// verificationMethod returns the did:key verification method id of d.
func verificationMethod(d string) string {
	return d + "#" + strings.TrimPrefix(d, "did:key:")
}

// sign returns doc with an assertionMethod proof created at now.
func (s *ldSigner) sign(doc map[string]any, now time.Time) (map[string]any, error) {
	created := now.UTC().Truncate(time.Second)
	if s.proof == ProofEdDSA2022 {
		out, err := dataintegrity.SignWith(s.proc, doc, dataintegrity.ProofOptions{
			VerificationMethod: s.vm, ProofPurpose: "assertionMethod", Created: created,
		}, s.ed.Sign)
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		return out, nil
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	ctx := &signer.Context{
		SignatureType:           s.proof.proofType(),
		SignatureRepresentation: proof.SignatureProofValue,
		Created:                 &created,
		VerificationMethod:      s.vm,
		Purpose:                 "assertionMethod",
	}
	var out []byte
	if s.proof == ProofBBS {
		out, err = s.signBBS(ctx, raw)
	} else {
		out, err = signer.New(ed25519signature2020.New(suite.WithSigner(s.ed))).Sign(ctx, raw, jsonld.WithDocumentLoader(s.loader))
	}
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return m, nil
}

// signBBS signs under verify.LockBBS (aries' BBS+ code has global state)
// and turns a panic of the BBS+ library into an error.
func (s *ldSigner) signBBS(ctx *signer.Context, raw []byte) (out []byte, err error) {
	unlock := verify.LockBBS()
	defer unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the BBS+ library failed: %v", r)
		}
	}()
	return signer.New(bbsblssignature2020.New(suite.WithSigner(s.bbs))).Sign(ctx, raw, jsonld.WithDocumentLoader(s.loader))
}
