package controltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/primitive/bbs12381g2pub"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify"
)

// BBSIssuer signs credentials with BbsBlsSignature2020 (BBS+) under a
// BLS12-381 G2 key made from a fixed seed, so that its DID is the same in
// every run.
type BBSIssuer struct {
	// DID is the issuer's did:key.
	DID  string
	priv []byte
}

// NewBBSIssuer makes the issuer whose 32-byte key seed is seed repeated.
func NewBBSIssuer(t testing.TB, seed byte) *BBSIssuer {
	t.Helper()
	pub, priv, err := bbs12381g2pub.GenerateKeyPair(sha256.New, bytes.Repeat([]byte{seed}, 32))
	require.NoError(t, err)
	pubRaw, err := pub.Marshal()
	require.NoError(t, err)
	privRaw, err := priv.Marshal()
	require.NoError(t, err)
	d, err := did.NewKey(did.BLS12381G2, pubRaw)
	require.NoError(t, err)
	return &BBSIssuer{DID: d, priv: privRaw}
}

// Sign returns doc, a JSON-LD credential the issuer issues, with a
// BbsBlsSignature2020 proof for assertionMethod created 2025-09-01
// 09:00 UTC.
func (is *BBSIssuer) Sign(t testing.TB, doc map[string]any) []byte {
	t.Helper()
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	created := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	unlock := verify.LockBBS()
	signed, err := signer.New(bbsblssignature2020.New(suite.WithSigner(bbsSigner{is.priv}))).Sign(&signer.Context{
		SignatureType: "BbsBlsSignature2020", SignatureRepresentation: proof.SignatureProofValue, Created: &created,
		VerificationMethod: is.DID + "#" + strings.TrimPrefix(is.DID, "did:key:"), Purpose: "assertionMethod",
	}, raw, jsonld.WithDocumentLoader(Loader(t)))
	unlock()
	require.NoError(t, err)
	return signed
}

// bbsSigner signs for aries' BBS+ suite with a BLS12-381 G2 private key.
type bbsSigner struct{ priv []byte }

// Sign signs canonical N-Quads, one BBS+ message per line.
func (s bbsSigner) Sign(data []byte) ([]byte, error) {
	var msgs [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			msgs = append(msgs, []byte(line))
		}
	}
	return bbs12381g2pub.New().Sign(msgs, s.priv)
}

// Alg is unused by the BBS+ suite.
func (s bbsSigner) Alg() string { return "" }
