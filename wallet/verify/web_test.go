package verify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// webIssuer writes the did:web document of did:web:school.example into dir:
// key-1 for assertions, key-2 for authentication only.
func webIssuer(t *testing.T, dir string, assertion, auth *edKey) string {
	t.Helper()
	const id = "did:web:school.example"
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1", ctxEd2020},
		"id":       id,
		"verificationMethod": []any{
			map[string]any{
				"id": id + "#key-1", "type": "Ed25519VerificationKey2020", "controller": id,
				"publicKeyMultibase": strings.TrimPrefix(assertion.did, "did:key:"),
			},
			map[string]any{
				"id": id + "#key-2", "type": "Ed25519VerificationKey2020", "controller": id,
				"publicKeyMultibase": strings.TrimPrefix(auth.did, "did:key:"),
			},
		},
		"assertionMethod": []any{id + "#key-1"},
		"authentication":  []any{id + "#key-2"},
	}
	writeFile(t, dir, "school.example/.well-known/did.json", mustJSON(t, doc))
	return id
}

// TestDIDWeb resolves a did:web issuer through did.DirFetcher over a
// temporary folder, as `verify --offline-dir` does.
func TestDIDWeb(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := newEdKey(t, 11), newEdKey(t, 12)
	issuer := webIssuer(t, dir, k1, k2)
	v := newVerifier(t, Options{Fetcher: did.DirFetcher(dir)})
	offline := newVerifier(t, Options{})

	viaKey1 := ldSign{sigType: typeEd25519Sig2020, suite: ed2020(k1).suite, vm: issuer + "#key-1"}
	viaKey2 := ldSign{sigType: typeEd25519Sig2020, suite: ed2020(k2).suite, vm: issuer + "#key-2"}
	tests := []struct {
		name     string
		v        *Verifier
		doc      map[string]any
		sig      string
		issuer   string
		verified bool
		errs     []string
	}{
		{
			name: "Ed25519Signature2020 by the assertion key", v: v,
			doc: viaKey1.sign(t, credV1(issuer, ctxEd2020)),
			sig: SigOK, issuer: IssuerConfirmed, verified: true,
		},
		{
			name: "eddsa-rdfc-2022 by the assertion key", v: v,
			doc: signDI(t, v, credV2(issuer), k1, issuer+"#key-1", dataintegrity.ProofOptions{}),
			sig: SigOK, issuer: IssuerConfirmed, verified: true,
		},
		{
			name: "signed with the authentication-only key", v: v,
			doc: viaKey2.sign(t, credV1(issuer, ctxEd2020)),
			sig: SigOK, issuer: IssuerMismatch, verified: false,
			errs: []string{"not listed under assertionMethod"},
		},
		{
			name: "key id not in the document", v: v,
			doc: signDI(t, v, credV2(issuer), k1, issuer+"#key-9", dataintegrity.ProofOptions{}),
			sig: SigInvalid, issuer: IssuerUnconfirmed, verified: false,
			errs: []string{"#key-9"},
		},
		{
			name: "offline: the key cannot be had", v: offline,
			doc: viaKey1.sign(t, credV1(issuer, ctxEd2020)),
			sig: SigUnsupported, issuer: IssuerUnconfirmed, verified: false,
			errs: []string{"verifier is offline", "--offline-dir"},
		},
		{
			name: "document missing from the offline folder", v: newVerifier(t, Options{Fetcher: did.DirFetcher(t.TempDir())}),
			doc: viaKey1.sign(t, credV1(issuer, ctxEd2020)),
			sig: SigUnsupported, issuer: IssuerUnconfirmed, verified: false,
			errs: []string{"could not be obtained"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, tt.v, tt.doc)
			require.Equal(t, tt.sig, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, tt.issuer, r.Checks.Issuer, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			errorsContain(t, r, tt.errs...)
		})
	}
}
