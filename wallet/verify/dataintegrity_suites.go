package verify

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"fmt"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// dataIntegritySuites are the DataIntegrityProof cryptosuites this package
// checks, with the key types each takes. ecdsa-rdfc-2019 is also defined for
// P-384, which package did does not resolve yet (such keys are unsupported).
var dataIntegritySuites = map[string][]did.KeyType{
	suiteEdDSARDFC2022:                     {did.Ed25519},
	dataintegrity.CryptosuiteECDSARDFC2019: {did.P256},
	dataintegrity.CryptosuiteECDSASD2023:   {did.P256},
}

// verifyDataIntegrity verifies a DataIntegrityProof p of doc with the key
// resolved for it (of a type keyFits accepted for the proof's cryptosuite).
// For ecdsa-sd-2023 only derived proofs verify: a base proof is invalid.
func (v *Verifier) verifyDataIntegrity(doc, p map[string]any, key *methodKey) error {
	switch str(p["cryptosuite"]) {
	case dataintegrity.CryptosuiteECDSARDFC2019, dataintegrity.CryptosuiteECDSASD2023:
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), key.pub)
		if err != nil {
			return fmt.Errorf("P-256 key: %w", err)
		}
		return dataintegrity.VerifyECDSA(v.proc, doc, p, pub)
	default:
		return dataintegrity.Verify(v.proc, doc, p, ed25519.PublicKey(key.pub))
	}
}
