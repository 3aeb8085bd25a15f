package verify

import (
	"crypto/ed25519"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// presV1 is a VC 1.1 presentation of creds by holder ("" for none).
func presV1(holder string, creds ...any) map[string]any {
	p := map[string]any{
		"@context":             []any{contextV1, ctxEd2020},
		"type":                 []any{"VerifiablePresentation"},
		"verifiableCredential": creds,
	}
	if holder != "" {
		p["holder"] = holder
	}
	return p
}

// presV2 is a VC 2.0 presentation of creds by holder.
func presV2(holder string, creds ...any) map[string]any {
	return map[string]any{
		"@context":             []any{contextV2},
		"type":                 []any{"VerifiablePresentation"},
		"holder":               holder,
		"verifiableCredential": creds,
	}
}

// signDIExpiring signs doc with eddsa-rdfc-2022 and a proof that expires,
// computing the proof from dataintegrity.ComputeDigest (Sign has no expires
// option).
func signDIExpiring(t *testing.T, v *Verifier, doc map[string]any, k *edKey, opts map[string]any) map[string]any {
	t.Helper()
	proof := map[string]any{
		"type": dataintegrity.ProofType, "cryptosuite": dataintegrity.Cryptosuite,
		"created": created.Format(time.RFC3339), "verificationMethod": k.vm,
	}
	for key, val := range opts {
		proof[key] = val
	}
	d, err := dataintegrity.ComputeDigest(v.proc, doc, proof)
	require.NoError(t, err)
	proof["proofValue"] = "z" + base58.Encode(ed25519.Sign(k.priv, d.HashData()))
	out := copyDoc(doc)
	out["proof"] = proof
	return out
}

// TestPresentations checks the holder's proof, challenge, domain, expiry
// and every embedded credential.
func TestPresentations(t *testing.T) {
	issuer, holder, stranger := newEdKey(t, 31), newEdKey(t, 32), newEdKey(t, 33)
	plain := newVerifier(t, Options{})
	asked := newVerifier(t, Options{Challenge: "c-1", Domain: "employer.example"})

	cred := ed2020(issuer).sign(t, credV1(issuer.did, ctxEd2020))
	badCred := copyDoc(cred)
	badCred["name"] = "Leadership Badge"
	auth := func(k *edKey, challenge, domain string) ldSign {
		s := ed2020(k)
		s.purpose, s.challenge, s.domain = relAuthentication, challenge, domain
		return s
	}
	simple := mustMap(t, fixture(t, "simple.json"))
	vcJWT := signJWT(t, gojose.EdDSA, issuer.priv, vcClaims(issuer.did), map[string]any{"kid": issuer.vm})

	tests := []struct {
		name     string
		v        *Verifier
		doc      map[string]any
		checks   Checks
		verified bool
		members  []bool // Verified of each embedded credential
		errs     []string
	}{
		{
			name: "holder's proof with the challenge and domain asked for", v: asked,
			doc:    auth(holder, "c-1", "employer.example").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, verified: true, members: []bool{true},
		},
		{
			name: "another challenge", v: asked,
			doc:    auth(holder, "c-0", "employer.example").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{true},
			errs: []string{`challenge "c-0", not "c-1"`, "replay"},
		},
		{
			name: "no challenge", v: asked,
			doc:    auth(holder, "", "employer.example").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{true},
			errs: []string{"carries no challenge"},
		},
		{
			name: "another domain", v: asked,
			doc:    auth(holder, "c-1", "someone.example").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{true},
			errs: []string{`domain "someone.example", not "employer.example"`},
		},
		{
			name: "nothing asked for", v: plain,
			doc:    auth(holder, "c-0", "someone.example").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, verified: true, members: []bool{true},
		},
		{
			name: "signed by someone other than the holder", v: plain,
			doc:    auth(stranger, "", "").sign(t, presV1(holder.did, cred)),
			checks: Checks{SigOK, ValidOK, "none", IssuerMismatch, ""}, members: []bool{true},
			errs: []string{"not by its holder " + holder.did},
		},
		{
			name: "no holder named", v: plain,
			doc:    auth(stranger, "", "").sign(t, presV1("", cred)),
			checks: Checks{SigOK, ValidOK, "none", IssuerUnconfirmed, ""}, verified: true, members: []bool{true},
			errs: []string{"names no holder"},
		},
		{
			name: "assertion proof instead of authentication", v: plain,
			doc:    ed2020(holder).sign(t, presV1(holder.did, cred)),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{true},
			errs: []string{`is for "assertionMethod", not "authentication"`},
		},
		{
			name: "a credential changed before the holder signed", v: plain,
			doc:    auth(holder, "", "").sign(t, presV1(holder.did, cred, badCred)),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, members: []bool{true, false},
			errs: []string{"credential 2 of the presentation is not verified (signature invalid)"},
		},
		{
			name: "presentation changed after the holder signed", v: plain,
			doc: func() map[string]any {
				p := auth(holder, "", "").sign(t, presV1(holder.did, cred))
				p["verifiableCredential"] = []any{cred, cred}
				return p
			}(),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{true, true},
		},
		{
			name: "VC 2.0 with an 1EdTech credential, eddsa-rdfc-2022", v: asked,
			doc: signDI(t, asked, presV2(holder.did, simple), holder, holder.vm, dataintegrity.ProofOptions{
				ProofPurpose: relAuthentication, Challenge: "c-1", Domain: "employer.example",
			}),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, verified: true, members: []bool{true},
		},
		{
			name: "VC 2.0 with an enveloped VC-JWT", v: plain,
			doc: signDI(t, plain, presV2(holder.did, map[string]any{
				"@context": []any{contextV2}, "type": "EnvelopedVerifiableCredential",
				"id": "data:application/vc+jwt," + vcJWT,
			}), holder, holder.vm, dataintegrity.ProofOptions{ProofPurpose: relAuthentication}),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, verified: true, members: []bool{true},
		},
		{
			name: "proof expired", v: plain,
			doc: signDIExpiring(t, plain, presV2(holder.did, simple), holder, map[string]any{
				"proofPurpose": relAuthentication, "expires": "2026-05-01T00:00:00Z",
			}),
			checks: Checks{SigOK, ValidExpired, "none", IssuerConfirmed, ""}, members: []bool{true},
			errs: []string{"presentation expired on 2026-05-01T00:00:00Z"},
		},
		{
			name: "proof not expired", v: plain,
			doc: signDIExpiring(t, plain, presV2(holder.did, simple), holder, map[string]any{
				"proofPurpose": relAuthentication, "expires": "2026-07-01T00:00:00Z",
			}),
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, verified: true, members: []bool{true},
		},
		{
			name: "a member that is not a credential", v: plain,
			doc: auth(holder, "", "").sign(t, presV1(holder.did, "not a jwt")),
			// A string there is an IRI to JSON-LD; a relative one is dropped
			// from the holder's signature.
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, members: []bool{false},
			errs: []string{`relative IRI "not a jwt"`, "credential 1 of the presentation is not verified"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, tt.v, tt.doc)
			require.Equal(t, KindPresentation, r.Kind)
			require.Equal(t, tt.checks, r.Checks, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			require.Len(t, r.Credentials, len(tt.members))
			for i, want := range tt.members {
				require.Equal(t, want, r.Credentials[i].Verified, "credential %d: %q", i+1, r.Credentials[i].Errors)
				require.Equal(t, KindCredential, r.Credentials[i].Kind)
			}
			errorsContain(t, r, tt.errs...)
		})
	}
}

// TestPresentationJWT checks VP-JWT 1.1: holder key, nonce, aud, exp and
// the VC-JWTs inside.
func TestPresentationJWT(t *testing.T) {
	issuer, holder := newEdKey(t, 41), newEdKey(t, 42)
	v := newVerifier(t, Options{Challenge: "n-1", Domain: "employer.example"})
	vcJWT := signJWT(t, gojose.EdDSA, issuer.priv, vcClaims(issuer.did), map[string]any{"kid": issuer.vm})
	claims := func(exp time.Time, nonce string) map[string]any {
		return map[string]any{
			"iss": holder.did, "nonce": nonce, "aud": "employer.example", "exp": float64(exp.Unix()),
			"vp": map[string]any{
				"@context": []any{contextV1}, "type": []any{"VerifiablePresentation"},
				"verifiableCredential": []any{vcJWT},
			},
		}
	}
	tests := []struct {
		name     string
		claims   map[string]any
		checks   Checks
		verified bool
		errs     []string
	}{
		{"valid", claims(testNow.Add(time.Hour), "n-1"), Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, true, nil},
		{"expired", claims(testNow.Add(-time.Hour), "n-1"), Checks{SigOK, ValidExpired, "none", IssuerConfirmed, ""}, false, []string{"presentation expired"}},
		{"another nonce", claims(testNow.Add(time.Hour), "n-0"), Checks{SigInvalid, ValidOK, "none", IssuerConfirmed, ""}, false, []string{"replay"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyBytes(t, v, []byte(signJWT(t, gojose.EdDSA, holder.priv, tt.claims, map[string]any{"kid": holder.vm})))
			require.Equal(t, KindPresentation, r.Kind)
			require.Equal(t, FormatJWT, r.Format)
			require.Equal(t, tt.checks, r.Checks, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			require.Len(t, r.Credentials, 1)
			require.True(t, r.Credentials[0].Verified, "%q", r.Credentials[0].Errors)
			errorsContain(t, r, tt.errs...)
		})
	}
}
