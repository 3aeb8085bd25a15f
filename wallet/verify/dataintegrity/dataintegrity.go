// Package dataintegrity creates and verifies W3C Data Integrity proofs of type
// DataIntegrityProof with the eddsa-rdfc-2022 cryptosuite (W3C "Data Integrity
// EdDSA Cryptosuites v1.0"), the proof Open Badges 3.0 credentials carry.
// aries-framework-go v0.3.2 predates this suite.
//
// The suite canonicalizes the document without its proof and the proof
// options (the proof without proofValue, given the document's @context) with
// RDFC-1.0, hashes each with SHA-256, and signs proofHash || documentHash with
// Ed25519; proofValue is the signature in multibase base58btc ('z').
//
// Proof sets (several proofs side by side) and proof chains (a proof naming
// earlier ones in previousProof) are supported as the Data Integrity
// specification describes them.
package dataintegrity

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"time"

	"github.com/mr-tron/base58"

	"github.com/skillpass/skillpass/wallet/ld"
)

// ProofType and Cryptosuite name the proofs this package handles.
const (
	ProofType   = "DataIntegrityProof"
	Cryptosuite = "eddsa-rdfc-2022"
)

// maxProofValueLen bounds proofValue before decoding: base58btc of 64 bytes is
// at most 88 characters, plus the multibase prefix.
const maxProofValueLen = 100

var (
	// ErrUnsupported is returned (wrapped) for a proof this package does not
	// verify: another type or cryptosuite.
	ErrUnsupported = errors.New("unsupported proof")
	// ErrInvalid is returned (wrapped) when the proof is malformed or its
	// signature does not verify over the document. Other errors (an unknown
	// JSON-LD context, a document beyond the ld package's limits) mean the
	// proof could not be checked at all.
	ErrInvalid = errors.New("invalid proof")
)

// ProofOptions are the options of a proof Sign creates.
type ProofOptions struct {
	// VerificationMethod is the URL of the public key (required).
	VerificationMethod string
	// ProofPurpose defaults to "assertionMethod".
	ProofPurpose string
	// Created defaults to now; it is written in UTC with whole seconds.
	Created time.Time
	// Challenge and Domain, when set, bind the proof to a verifier's request.
	Challenge, Domain string
	// Expires, when set, is written as the proof's expires (UTC, whole
	// seconds): the time after which verifiers should reject the proof.
	Expires time.Time
	// ID, when set, names the proof (a URL), so later proofs can chain to it.
	ID string
	// PreviousProof names (by ID) the proofs already on the document that
	// this proof chains to; they are signed along with the document.
	PreviousProof []string
}

// Digest holds the intermediate values of eddsa-rdfc-2022 for one proof.
type Digest struct {
	// CanonicalDocument is the RDFC-1.0 canonical N-Quads of the document
	// (without proof, or with only the proofs this one chains to).
	CanonicalDocument string
	// CanonicalProofConfig is the canonical N-Quads of the proof options.
	CanonicalProofConfig string
	// ProofConfigHash and DocumentHash are the SHA-256 of the two.
	ProofConfigHash, DocumentHash [sha256.Size]byte
}

// HashData returns the 64 bytes that are signed: ProofConfigHash followed by
// DocumentHash.
func (d *Digest) HashData() []byte {
	out := make([]byte, 0, 2*sha256.Size)
	out = append(out, d.ProofConfigHash[:]...)
	return append(out, d.DocumentHash[:]...)
}

// ComputeDigest runs the transformation, proof configuration and hashing
// steps of eddsa-rdfc-2022. unsecured is the document as signed (no proof
// property, or only the proofs chained to); proofOptions is the proof without
// proofValue (a proofValue present is ignored), whose @context is taken from
// unsecured as the suite requires. Neither map is modified.
func ComputeDigest(p *ld.Processor, unsecured, proofOptions map[string]any) (*Digest, error) {
	docContext, ok := unsecured["@context"]
	if !ok {
		return nil, errors.New("compute eddsa-rdfc-2022 digest: document has no @context")
	}
	config := make(map[string]any, len(proofOptions)+1)
	for k, v := range proofOptions {
		if k != "proofValue" {
			config[k] = v
		}
	}
	config["@context"] = docContext
	if err := p.CheckDefined(config); err != nil {
		return nil, fmt.Errorf("compute eddsa-rdfc-2022 digest: proof options: %w", err)
	}
	canonConfig, err := p.Canonize(config)
	if err != nil {
		return nil, fmt.Errorf("compute eddsa-rdfc-2022 digest: proof options: %w", err)
	}
	canonDoc, err := p.Canonize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("compute eddsa-rdfc-2022 digest: document: %w", err)
	}
	return &Digest{
		CanonicalDocument:    canonDoc,
		CanonicalProofConfig: canonConfig,
		ProofConfigHash:      sha256.Sum256([]byte(canonConfig)),
		DocumentHash:         sha256.Sum256([]byte(canonDoc)),
	}, nil
}

// Verify checks one proof (an element of doc["proof"], or doc["proof"] itself
// when it is a single object) over doc with the Ed25519 public key pub. doc is
// the whole secured document; Verify takes the proofs out itself (keeping
// those the proof chains to through previousProof). Neither map is modified.
//
// It returns an error wrapping ErrUnsupported unless the proof is a
// DataIntegrityProof with cryptosuite eddsa-rdfc-2022, and one wrapping
// ErrInvalid when the proof is malformed (no verificationMethod or
// proofPurpose, a created value that is not an XML Schema dateTime, a
// proofValue that is not base58btc multibase of 64 bytes, a proof @context
// the document's @context does not start with, a previousProof naming no proof
// of doc, proof options the document's contexts do not define) or the
// signature does not verify.
//
// Verify does not resolve verificationMethod (the caller chose pub), check
// proofPurpose, created, expires, challenge or domain against expectations,
// or check the document's own terms: use ld.Processor.CheckDefined for that.
func Verify(p *ld.Processor, doc map[string]any, proof map[string]any, pub ed25519.PublicKey) error {
	if err := checkSuite(proof); err != nil {
		return fmt.Errorf("verify data integrity proof: %w", err)
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("verify %s proof: public key is %d bytes, want %d", Cryptosuite, len(pub), ed25519.PublicKeySize)
	}
	sig, err := checkProof(doc, proof)
	if err != nil {
		return fmt.Errorf("verify %s proof: %w: %w", Cryptosuite, ErrInvalid, err)
	}
	unsecured, err := unsecuredDocument(doc, proof["previousProof"])
	if err != nil {
		return fmt.Errorf("verify %s proof: %w: %w", Cryptosuite, ErrInvalid, err)
	}
	d, err := ComputeDigest(p, unsecured, proof)
	if err != nil {
		if errors.Is(err, ld.ErrUndefinedTerm) || errors.Is(err, ld.ErrDroppedValue) {
			return fmt.Errorf("verify %s proof: %w: %w", Cryptosuite, ErrInvalid, err)
		}
		return fmt.Errorf("verify %s proof: %w", Cryptosuite, err)
	}
	if !ed25519.Verify(pub, d.HashData(), sig) {
		return fmt.Errorf("verify %s proof: %w: signature does not match the document", Cryptosuite, ErrInvalid)
	}
	return nil
}

// checkSuite reports ErrUnsupported unless proof is ours.
func checkSuite(proof map[string]any) error {
	if t, _ := proof["type"].(string); t != ProofType {
		return fmt.Errorf("%w: type %v, want %s", ErrUnsupported, proof["type"], ProofType)
	}
	if c, _ := proof["cryptosuite"].(string); c != Cryptosuite {
		return fmt.Errorf("%w: cryptosuite %v, want %s", ErrUnsupported, proof["cryptosuite"], Cryptosuite)
	}
	return nil
}

// checkProof checks the proof's shape and returns the decoded signature.
func checkProof(doc, proof map[string]any) ([]byte, error) {
	for _, k := range []string{"verificationMethod", "proofPurpose"} {
		if s, _ := proof[k].(string); s == "" {
			return nil, fmt.Errorf("proof has no %s", k)
		}
	}
	if c, ok := proof["created"]; ok {
		s, _ := c.(string)
		if !isDateTime(s) {
			return nil, fmt.Errorf("proof created %v is not an XML Schema dateTime", c)
		}
	}
	if pc, ok := proof["@context"]; ok && !contextStartsWith(doc["@context"], pc) {
		return nil, errors.New("the document's @context does not start with the proof's @context")
	}
	pv, _ := proof["proofValue"].(string)
	if len(pv) < 2 || pv[0] != 'z' || len(pv) > maxProofValueLen {
		return nil, errors.New("proofValue is not multibase base58btc")
	}
	sig, err := base58.Decode(pv[1:])
	if err != nil {
		return nil, fmt.Errorf("proofValue: %w", err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("proofValue decodes to %d bytes, want %d", len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

// contextStartsWith reports whether the document context begins with all of
// the proof context's entries, in order.
func contextStartsWith(docCtx, proofCtx any) bool {
	d, p := asList(docCtx), asList(proofCtx)
	if len(p) > len(d) {
		return false
	}
	for i := range p {
		if !reflect.DeepEqual(d[i], p[i]) {
			return false
		}
	}
	return true
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// dateTime matches an XML Schema dateTime (time zone optional).
var dateTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$`)

func isDateTime(s string) bool {
	if !dateTime.MatchString(s) {
		return false
	}
	layout := "2006-01-02T15:04:05.999999999Z07:00"
	if s[len(s)-1] != 'Z' && (len(s) < 6 || (s[len(s)-6] != '+' && s[len(s)-6] != '-')) {
		layout = "2006-01-02T15:04:05.999999999"
	}
	_, err := time.Parse(layout, s)
	return err == nil
}

// unsecuredDocument returns doc without its proofs, except those previous
// names (a string or a list of strings), which are kept as a list.
func unsecuredDocument(doc map[string]any, previous any) (map[string]any, error) {
	out := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			out[k] = v
		}
	}
	if previous == nil {
		return out, nil
	}
	var ids []string
	switch t := previous.(type) {
	case string:
		ids = []string{t}
	case []any:
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("previousProof holds %T, want strings", x)
			}
			ids = append(ids, s)
		}
	case []string:
		ids = t
	default:
		return nil, fmt.Errorf("previousProof is %T, want a string or a list", previous)
	}
	all := asList(doc["proof"])
	var chained []any
	for _, id := range ids {
		found := false
		for _, x := range all {
			if m, ok := x.(map[string]any); ok && m["id"] == id {
				chained = append(chained, m)
				found = true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("previousProof %q names no proof of the document", id)
		}
	}
	out["proof"] = chained
	return out, nil
}

// Sign adds a DataIntegrityProof with cryptosuite eddsa-rdfc-2022, made with
// priv and opts, to a copy of doc and returns the copy; doc is not modified.
// A document that already has proofs gets a proof set (or, with
// opts.PreviousProof, a proof chain); otherwise proof is a single object.
//
// Sign refuses documents with terms no context defines (see
// ld.Processor.CheckDefined), since the signature would not cover them, and
// documents whose contexts do not define the proof's own terms (VC 2.0's
// context does; for VC 1.1 add https://w3id.org/security/data-integrity/v2).
func Sign(p *ld.Processor, doc map[string]any, opts ProofOptions, priv ed25519.PrivateKey) (map[string]any, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("sign %s: private key is %d bytes, want %d", Cryptosuite, len(priv), ed25519.PrivateKeySize)
	}
	return SignWith(p, doc, opts, func(msg []byte) ([]byte, error) { return ed25519.Sign(priv, msg), nil })
}

// SignWith is Sign with the Ed25519 signature made by sign, for keys that
// never leave a key manager (a KMS or a hardware token). sign receives the
// 64 bytes of Digest.HashData and must return a 64-byte Ed25519 signature
// over them; an error from sign is returned wrapped. SignWith does not
// check the signature against a public key: verify the result with Verify
// when the signer is not trusted to use the key VerificationMethod names.
func SignWith(p *ld.Processor, doc map[string]any, opts ProofOptions, sign func([]byte) ([]byte, error)) (map[string]any, error) {
	if sign == nil {
		return nil, fmt.Errorf("sign %s: no signer", Cryptosuite)
	}
	if opts.VerificationMethod == "" {
		return nil, fmt.Errorf("sign %s: no verification method", Cryptosuite)
	}
	if err := p.CheckDefined(doc); err != nil {
		return nil, fmt.Errorf("sign %s: %w", Cryptosuite, err)
	}
	proof := proofOptions(opts)
	unsecured, err := unsecuredDocument(doc, proof["previousProof"])
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", Cryptosuite, err)
	}
	d, err := ComputeDigest(p, unsecured, proof)
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", Cryptosuite, err)
	}
	sig, err := sign(d.HashData())
	if err != nil {
		return nil, fmt.Errorf("sign %s: %w", Cryptosuite, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("sign %s: the signer returned %d bytes, want %d", Cryptosuite, len(sig), ed25519.SignatureSize)
	}
	proof["proofValue"] = "z" + base58.Encode(sig)

	out := ld.Copy(doc).(map[string]any)
	switch existing := out["proof"].(type) {
	case nil:
		out["proof"] = proof
	case []any:
		out["proof"] = append(existing, proof)
	default:
		out["proof"] = []any{existing, proof}
	}
	return out, nil
}

// proofOptions builds the proof object (without proofValue) for opts.
func proofOptions(opts ProofOptions) map[string]any {
	created := opts.Created
	if created.IsZero() {
		created = time.Now()
	}
	purpose := opts.ProofPurpose
	if purpose == "" {
		purpose = "assertionMethod"
	}
	proof := map[string]any{
		"type":               ProofType,
		"cryptosuite":        Cryptosuite,
		"created":            created.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z"),
		"verificationMethod": opts.VerificationMethod,
		"proofPurpose":       purpose,
	}
	if opts.ID != "" {
		proof["id"] = opts.ID
	}
	if opts.Challenge != "" {
		proof["challenge"] = opts.Challenge
	}
	if opts.Domain != "" {
		proof["domain"] = opts.Domain
	}
	if !opts.Expires.IsZero() {
		proof["expires"] = opts.Expires.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
	}
	switch len(opts.PreviousProof) {
	case 0:
	case 1:
		proof["previousProof"] = opts.PreviousProof[0]
	default:
		prev := make([]any, len(opts.PreviousProof))
		for i, id := range opts.PreviousProof {
			prev[i] = id
		}
		proof["previousProof"] = prev
	}
	return proof
}
