package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// deriveBBS makes a BbsBlsSignatureProof2020 credential from a
// BbsBlsSignature2020 one with aries-framework-go, disclosing the issuer,
// the dates and the achievement (not the subject's other properties).
func deriveBBS(t testing.TB, k *bbsKey, signed map[string]any) map[string]any {
	t.Helper()
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
		"credentialSubject": map[string]any{
			"@explicit":   true,
			"type":        []any{"AchievementSubject"},
			"achievement": map[string]any{},
		},
	}
	derived, err := vc.GenerateBBSSelectiveDisclosure(reveal, []byte("nonce from the verifier"),
		verifiable.WithPublicKeyFetcher(verifiable.SingleKey(k.pubRaw, ariesKeyBLSG2)),
		verifiable.WithJSONLDDocumentLoader(loader))
	require.NoError(t, err)
	b, err := derived.MarshalJSON()
	require.NoError(t, err)
	return mustMap(t, b)
}

// signDI signs doc with eddsa-rdfc-2022 (package dataintegrity).
func signDI(t testing.TB, v *Verifier, doc map[string]any, k *edKey, vm string, opts dataintegrity.ProofOptions) map[string]any {
	t.Helper()
	opts.VerificationMethod = vm
	if opts.Created.IsZero() {
		opts.Created = created
	}
	out, err := dataintegrity.Sign(v.proc, doc, opts, k.priv)
	require.NoError(t, err)
	return out
}

// setPath sets the value at a dotted path of doc (objects only).
func setPath(doc map[string]any, path string, val any) {
	keys := strings.Split(path, ".")
	m := doc
	for _, k := range keys[:len(keys)-1] {
		m = m[k].(map[string]any)
	}
	m[keys[len(keys)-1]] = val
}

// TestSignedSuites signs a credential with each supported suite (with
// aries-framework-go's signers) under a did:key issuer: each verifies with
// the issuer confirmed, and fails once a claim is changed.
func TestSignedSuites(t *testing.T) {
	v := newVerifier(t, Options{})
	ed := newEdKey(t, 2)
	p256 := newP256(t)
	bbs := newBBSKey(t)
	bbsSigned := bbs2020(bbs).sign(t, credV1(bbs.did, ctxBBS))

	tests := []struct {
		name  string
		doc   map[string]any
		label string
		vm    string
	}{
		{"Ed25519Signature2018", ed2018(ed).sign(t, credV1(ed.did)), typeEd25519Sig2018, ed.vm},
		{"Ed25519Signature2018 detached JWS", func() map[string]any { s := ed2018(ed); s.jws = true; return s.sign(t, credV1(ed.did)) }(), typeEd25519Sig2018, ed.vm},
		{"Ed25519Signature2020", ed2020(ed).sign(t, credV1(ed.did, ctxEd2020)), typeEd25519Sig2020, ed.vm},
		{"JsonWebSignature2020 Ed25519", jws2020Ed(ed).sign(t, credV1(ed.did, ctxJWS2020)), typeJSONWebSig2020, ed.vm},
		{"JsonWebSignature2020 P-256", jws2020P256(p256).sign(t, credV1(p256.did, ctxJWS2020)), typeJSONWebSig2020, p256.vm},
		{"BbsBlsSignature2020", bbsSigned, typeBBSSig2020, bbs.vm},
		{"BbsBlsSignatureProof2020 (derived)", deriveBBS(t, bbs, bbsSigned), typeBBSSigProof2020, bbs.vm},
		{"DataIntegrityProof eddsa-rdfc-2022", signDI(t, v, credV2(ed.did), ed, ed.vm, dataintegrity.ProofOptions{}), labelDataIntegrityDI, ed.vm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, Checks{Signature: SigOK, Validity: ValidOK, Status: "none", Issuer: IssuerConfirmed}, r.Checks, "errors: %q", r.Errors)
			require.True(t, r.Verified)
			require.Empty(t, r.Errors)
			require.Equal(t, []string{tt.label}, r.Proofs)
			require.Equal(t, tt.vm, r.VerificationMethod)

			changes := 0
			for _, c := range []struct{ path, value string }{
				{"credentialSubject.id", "did:example:someone-else"},
				{"issuanceDate", "2023-01-01T00:00:00Z"},
				{"validFrom", "2023-01-01T00:00:00Z"},
			} {
				if _, ok := tt.doc[strings.Split(c.path, ".")[0]]; !ok {
					continue
				}
				changes++
				bad := copyDoc(tt.doc)
				setPath(bad, c.path, c.value)
				r := verifyDoc(t, v, bad)
				require.Equal(t, SigInvalid, r.Checks.Signature, "changed %s", c.path)
				require.False(t, r.Verified)
				errorsContain(t, r, "does not match")
			}
			require.Equal(t, 2, changes)
		})
	}
}

// TestBBSDerivedNeedsID: a derived BBS+ proof is refused unless every
// object of the credential has an id, because aries' proof verification
// leaves statements about blank nodes unbound — shown here: aries alone
// accepts a derived credential without id whose issuer was changed.
func TestBBSDerivedNeedsID(t *testing.T) {
	v := newVerifier(t, Options{})
	bbs := newBBSKey(t)
	key, kerr := v.resolveKey(context.Background(), bbs.vm)
	require.Nil(t, kerr)

	noID := credV1(bbs.did, ctxBBS)
	delete(noID, "id")
	derived := deriveBBS(t, bbs, bbs2020(bbs).sign(t, noID))
	forged := copyDoc(derived)
	forged["issuer"] = "did:example:forger"
	require.NoError(t, v.verifyAries(forged, firstProof(t, forged), typeBBSSigProof2020, key),
		"aries no longer accepts this forgery; the id rule may be relaxed")

	withID := deriveBBS(t, bbs, bbs2020(bbs).sign(t, credV1(bbs.did, ctxBBS)))
	nestedBlank := copyDoc(withID)
	subject := nestedBlank["credentialSubject"].(map[string]any)
	for _, x := range subject {
		if m, ok := x.(map[string]any); ok {
			delete(m, "id")
		}
	}
	tests := []struct {
		name string
		doc  map[string]any
		path string
	}{
		{"derived without credential id", derived, "(the credential)"},
		{"forged issuer without credential id", forged, "(the credential)"},
		{"nested object without id", nestedBlank, "credentialSubject.A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, SigInvalid, r.Checks.Signature)
			require.False(t, r.Verified)
			errorsContain(t, r, "derived BBS+ proof", tt.path)
		})
	}
}

// TestIssuerBinding covers who a key belongs to.
func TestIssuerBinding(t *testing.T) {
	v := newVerifier(t, Options{})
	a, b := newEdKey(t, 3), newEdKey(t, 4)
	fragmentOf := func(k *edKey, base string) string { return base + "#" + strings.TrimPrefix(k.did, "did:key:") }

	tests := []struct {
		name   string
		doc    map[string]any
		issuer string
		errs   []string
	}{
		{
			name: "did:key issuer, its own key", issuer: IssuerConfirmed,
			doc: signDI(t, v, credV2(a.did), a, a.vm, dataintegrity.ProofOptions{}),
		},
		{
			name: "did:key issuer, bare did:key method", issuer: IssuerConfirmed,
			doc: signDI(t, v, credV2(a.did), a, a.did, dataintegrity.ProofOptions{}),
		},
		{
			name: "did:key issuer, key of another did:key", issuer: IssuerMismatch,
			doc:  signDI(t, v, credV2(a.did), b, b.vm, dataintegrity.ProofOptions{}),
			errs: []string{"belongs to " + b.did + ", not to the issuer " + a.did},
		},
		{
			name: "https issuer, did:key method", issuer: IssuerUnconfirmed,
			doc:  signDI(t, v, credV2("https://school.example/issuers/1"), a, a.vm, dataintegrity.ProofOptions{}),
			errs: []string{"is not a DID"},
		},
		{
			name: "https issuer, key in the fragment of its own id", issuer: IssuerUnconfirmed,
			doc:  signDI(t, v, credV2("https://school.example/issuers/1"), a, fragmentOf(a, "https://school.example/issuers/1"), dataintegrity.ProofOptions{}),
			errs: []string{"written into the key id itself"},
		},
		{
			name: "https issuer, key in the fragment of another id", issuer: IssuerMismatch,
			doc:  signDI(t, v, credV2("https://school.example/issuers/1"), a, fragmentOf(a, "https://forger.example/issuers/1"), dataintegrity.ProofOptions{}),
			errs: []string{"belongs to https://forger.example/issuers/1"},
		},
		{
			name: "did:key issuer, key in an https fragment", issuer: IssuerMismatch,
			doc: signDI(t, v, credV2(a.did), a, fragmentOf(a, "https://school.example/issuers/1"), dataintegrity.ProofOptions{}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, SigOK, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, tt.issuer, r.Checks.Issuer, "errors: %q", r.Errors)
			require.Equal(t, tt.issuer != IssuerMismatch, r.Verified)
			errorsContain(t, r, tt.errs...)
		})
	}

	t.Run("no issuer", func(t *testing.T) {
		doc := credV2(a.did)
		delete(doc, "issuer")
		r := verifyDoc(t, v, signDI(t, v, doc, a, a.vm, dataintegrity.ProofOptions{}))
		require.Equal(t, SigOK, r.Checks.Signature)
		require.Equal(t, IssuerMismatch, r.Checks.Issuer)
		require.False(t, r.Verified)
		errorsContain(t, r, "names no issuer")
	})
}

// TestProofSets judges each proof of a set on its own.
func TestProofSets(t *testing.T) {
	v := newVerifier(t, Options{})
	k := newEdKey(t, 5)
	good := signDI(t, v, credV2(k.did), k, k.vm, dataintegrity.ProofOptions{})
	goodProof := firstProof(t, good)
	unknown := map[string]any{
		"type": "FancySignature2099", "proofPurpose": "assertionMethod",
		"verificationMethod": k.vm, "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoTgNSARiKBk",
	}
	bad := copyDoc(goodProof)
	bad["created"] = "2024-05-05T00:00:00Z" // no longer what was signed
	otherSuite := copyDoc(goodProof)
	otherSuite["cryptosuite"] = "bbs-2023"

	withProofs := func(proofs ...any) map[string]any {
		d := copyDoc(good)
		d["proof"] = proofs
		return d
	}
	tests := []struct {
		name   string
		doc    map[string]any
		sig    string
		proofs []string
	}{
		{"unknown then good", withProofs(unknown, goodProof), SigOK, []string{"FancySignature2099", labelDataIntegrityDI}},
		{"good then unknown cryptosuite", withProofs(goodProof, otherSuite), SigOK, []string{labelDataIntegrityDI, "DataIntegrityProof/bbs-2023"}},
		{"good and bad", withProofs(goodProof, bad), SigInvalid, []string{labelDataIntegrityDI, labelDataIntegrityDI}},
		{"only unknown", withProofs(unknown), SigUnsupported, []string{"FancySignature2099"}},
		{"empty list", withProofs(), SigMissing, nil},
		{"proof not an object", withProofs("zzz"), SigInvalid, []string{"proof 1 (not an object)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, tt.sig, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, tt.sig == SigOK, r.Verified)
			require.Equal(t, tt.proofs, r.Proofs)
			if tt.sig == SigOK {
				require.Equal(t, IssuerConfirmed, r.Checks.Issuer)
				errorsContain(t, r, "not supported")
			}
		})
	}
}

// TestStrictJSONLD: terms no context defines and contexts Skillpass does not
// ship make the signature invalid, without any download.
func TestStrictJSONLD(t *testing.T) {
	v := newVerifier(t, Options{})
	k := newEdKey(t, 6)

	// aries signs a credential with an undefined term by dropping it from
	// the signature; the credential then verifies in aries.
	doc := credV1(k.did, ctxEd2020)
	doc["credentialSubject"].(map[string]any)["favouriteColour"] = "green"
	undefined := ed2020(k).sign(t, doc)

	good := ed2020(k).sign(t, credV1(k.did, ctxEd2020))
	unknownCtx := copyDoc(good)
	unknownCtx["@context"] = append(unknownCtx["@context"].([]any), "https://example.org/contexts/unknown-v1.jsonld")

	proofTerm := copyDoc(good)
	firstProof(t, proofTerm)["comment"] = "not signed"

	before := guard.Calls()
	tests := []struct {
		name string
		doc  map[string]any
		errs []string
	}{
		{"undefined term", undefined, []string{"favouriteColour", "no JSON-LD context defines"}},
		{"unknown context", unknownCtx, []string{"https://example.org/contexts/unknown-v1.jsonld", "never downloads"}},
		{"proof property aries leaves unsigned", proofTerm, []string{`"comment"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, SigInvalid, r.Checks.Signature, "errors: %q", r.Errors)
			require.False(t, r.Verified)
			errorsContain(t, r, tt.errs...)
		})
	}
	require.Equal(t, before, guard.Calls(), "verification touched the network")

	r, err := v.Verify(context.Background(), mustJSON(t, good))
	require.NoError(t, err)
	require.True(t, r.Verified, "errors: %q", r.Errors)
}

// firstProof returns the (first) proof object of doc.
func firstProof(t testing.TB, doc map[string]any) map[string]any {
	t.Helper()
	switch p := doc["proof"].(type) {
	case map[string]any:
		return p
	case []any:
		require.NotEmpty(t, p)
		m, ok := p[0].(map[string]any)
		require.True(t, ok)
		return m
	}
	t.Fatalf("no proof in %v", doc)
	return nil
}
