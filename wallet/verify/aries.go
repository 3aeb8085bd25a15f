package verify

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"errors"
	"fmt"
	"sync"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/hyperledger/aries-framework-go/pkg/doc/jose/jwk"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignatureproof2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2018"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/jsonwebsignature2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/verifier"

	"github.com/skillpass/skillpass/did"
)

// Public key types aries' suites expect.
const (
	ariesKeyEd25519_2018 = "Ed25519VerificationKey2018"
	ariesKeyEd25519_2020 = "Ed25519VerificationKey2020"
	ariesKeyJWK          = "JsonWebKey2020"
	ariesKeyBLSG2        = "Bls12381G2Key2020"
)

// fixedKey is an aries key resolver that answers with the key this package
// already resolved (with the caller's context), whatever id is asked.
type fixedKey struct{ pk *verifier.PublicKey }

func (f fixedKey) Resolve(string) (*verifier.PublicKey, error) { return f.pk, nil }

// verifyAries checks one proof p of doc with aries-framework-go's document
// verifier and the suite for typ, on a copy of doc whose proof is only p.
func (v *Verifier) verifyAries(doc, p map[string]any, typ string, key *methodKey) error {
	pk := &verifier.PublicKey{Value: key.pub}
	var s verifier.SignatureSuite
	switch typ {
	case typeEd25519Sig2018:
		pk.Type = ariesKeyEd25519_2018
		s = ed25519signature2018.New(suite.WithVerifier(ed25519signature2018.NewPublicKeyVerifier()))
	case typeEd25519Sig2020:
		pk.Type = ariesKeyEd25519_2020
		s = ed25519signature2020.New(suite.WithVerifier(ed25519signature2020.NewPublicKeyVerifier()))
	case typeJSONWebSig2020:
		j, err := keyJWK(key)
		if err != nil {
			return err
		}
		pk.Type, pk.JWK = ariesKeyJWK, j
		s = jsonwebsignature2020.New(suite.WithVerifier(jsonwebsignature2020.NewPublicKeyVerifier()))
	case typeBBSSig2020:
		pk.Type = ariesKeyBLSG2
		s = bbsblssignature2020.New(suite.WithVerifier(bbsblssignature2020.NewG2PublicKeyVerifier()))
	case typeBBSSigProof2020:
		nonce, err := bbsNonce(p)
		if err != nil {
			return err
		}
		pk.Type = ariesKeyBLSG2
		s = bbsblssignatureproof2020.New(suite.WithVerifier(bbsblssignatureproof2020.NewG2PublicKeyVerifier(nonce)))
	default:
		return fmt.Errorf("proof type %s: %w", typ, errors.ErrUnsupported)
	}
	dv, err := verifier.New(fixedKey{pk}, s)
	if err != nil {
		return fmt.Errorf("aries verifier: %w", err)
	}
	one := copyDoc(doc)
	one["proof"] = copyDoc(p)
	if typ == typeBBSSig2020 || typ == typeBBSSigProof2020 {
		bbsMu.Lock()
		defer bbsMu.Unlock()
	}
	return safeAries(func() error {
		return dv.VerifyObject(one, jsonld.WithDocumentLoader(v.loader), jsonld.WithValidateRDF())
	})
}

// bbsMu serializes BBS+ verification: aries' bbs12381g2pub works on
// package-level BLS12-381 group values (github.com/kilic/bls12-381 G1/G2
// with shared scratch space), so two BBS+ operations at once race and can
// compute wrong results. Other code in the process that signs or derives
// BBS+ proofs takes the same lock through LockBBS.
var bbsMu sync.Mutex

// LockBBS takes the lock that serialises this package's BBS+ verification,
// for code elsewhere in the process that signs or derives BBS+ proofs with
// aries (which works on the same package-level state); the caller must call
// the returned function to release it, and must not verify while holding
// it.
func LockBBS() (unlock func()) {
	bbsMu.Lock()
	return bbsMu.Unlock
}

// safeAries runs f and turns a panic inside aries-framework-go (which some
// malformed inputs provoke) into an error.
func safeAries(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the proof could not be processed: %v", r)
		}
	}()
	return f()
}

// keyJWK wraps a resolved key as the JWK that aries' JsonWebSignature2020
// verifier needs.
func keyJWK(key *methodKey) (*jwk.JWK, error) {
	switch key.keyType {
	case did.Ed25519:
		if len(key.pub) != ed25519.PublicKeySize {
			return nil, errors.New("ed25519 key of the wrong length")
		}
		return &jwk.JWK{JSONWebKey: gojose.JSONWebKey{Key: ed25519.PublicKey(key.pub)}, Kty: "OKP", Crv: "Ed25519"}, nil
	case did.P256:
		pub, err := p256Key(key.pub)
		if err != nil {
			return nil, err
		}
		return &jwk.JWK{JSONWebKey: gojose.JSONWebKey{Key: pub}, Kty: "EC", Crv: "P-256"}, nil
	}
	return nil, fmt.Errorf("a %s key cannot make a JsonWebSignature2020 proof", key.keyType)
}

// p256Key parses an uncompressed SEC 1 P-256 point.
func p256Key(b []byte) (*ecdsa.PublicKey, error) {
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), b)
	if err != nil {
		return nil, fmt.Errorf("p-256 key: %w", err)
	}
	return pub, nil
}
