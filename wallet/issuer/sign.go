package issuer

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	jsonldproc "github.com/piprate/json-gold/ld"
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

// ldSigner adds Ed25519Signature2020 proofs by the issuer's did:key.
type ldSigner struct {
	signer kmsSigner
	vm     string // the verification method: did#fingerprint
	loader jsonldproc.DocumentLoader
}

// verificationMethod returns the did:key verification method id of d.
func verificationMethod(d string) string {
	return d + "#" + strings.TrimPrefix(d, "did:key:")
}

// sign returns doc with an assertionMethod proof created at now.
func (s *ldSigner) sign(doc map[string]any, now time.Time) (map[string]any, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	created := now.UTC().Truncate(time.Second)
	out, err := signer.New(ed25519signature2020.New(suite.WithSigner(s.signer))).Sign(&signer.Context{
		SignatureType:           ProofType,
		SignatureRepresentation: proof.SignatureProofValue,
		Created:                 &created,
		VerificationMethod:      s.vm,
		Purpose:                 "assertionMethod",
	}, raw, jsonld.WithDocumentLoader(s.loader))
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return m, nil
}
