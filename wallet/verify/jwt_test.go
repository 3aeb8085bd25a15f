package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"
)

// vcClaims is a VC-JWT 1.1 payload for a credential of issuer.
func vcClaims(issuer string) map[string]any {
	vc := credV1(issuer)
	for _, k := range []string{"issuer", "issuanceDate", "id"} {
		delete(vc, k)
	}
	delete(vc["credentialSubject"].(map[string]any), "id")
	return map[string]any{
		"vc":  vc,
		"iss": issuer,
		"sub": "did:example:learner-1",
		"jti": "urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10",
		"nbf": float64(created.Unix()),
	}
}

// unsecured builds a JWT with the given header and payload and no valid
// signature.
func unsecured(t *testing.T, header, payload map[string]any, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc(mustJSON(t, header)) + "." + enc(mustJSON(t, payload)) + "." + sig
}

// TestVCJWT verifies VC-JWT 1.1 and VC-JOSE-COSE 2.0 credentials signed in
// the test.
func TestVCJWT(t *testing.T) {
	v := newVerifier(t, Options{})
	ed, other := newEdKey(t, 21), newEdKey(t, 22)
	p256 := newP256(t)
	p256Priv := p256.priv

	withClaim := func(k, val string) map[string]any {
		c := vcClaims(ed.did)
		c[k] = val
		return c
	}
	expired := vcClaims(ed.did)
	expired["exp"] = float64(testNow.Unix() - 3600)
	future := vcClaims(ed.did)
	future["nbf"] = float64(testNow.Unix() + 3600)
	issuerInVC := vcClaims(ed.did)
	issuerInVC["vc"].(map[string]any)["issuer"] = map[string]any{"id": other.did, "type": "Profile"}
	v2 := credV2(ed.did)

	_, edPriv2, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	jwkHeader := gojose.JSONWebKey{Key: edPriv2.Public()}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)

	good := signJWT(t, gojose.EdDSA, ed.priv, vcClaims(ed.did), map[string]any{"kid": ed.vm})
	parts := strings.Split(good, ".")
	tamperedClaims := vcClaims(ed.did)
	tamperedClaims["sub"] = "did:example:someone-else"
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(mustJSON(t, tamperedClaims)) + "." + parts[2]

	tests := []struct {
		name     string
		token    string
		checks   Checks
		verified bool
		proofs   []string
		errs     []string
	}{
		{
			name: "EdDSA, kid is a did:key URL", token: good, verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, proofs: []string{"JWS/EdDSA"},
		},
		{
			name:  "ES256, kid is a did:key URL",
			token: signJWT(t, gojose.ES256, p256Priv, vcClaims(p256.did), map[string]any{"kid": p256.vm}), verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""}, proofs: []string{"JWS/ES256"},
		},
		{
			name:  "EdDSA, no kid: the issuer's did:key",
			token: signJWT(t, gojose.EdDSA, ed.priv, vcClaims(ed.did), nil), verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""},
		},
		{
			name:  "EdDSA, relative kid",
			token: signJWT(t, gojose.EdDSA, ed.priv, vcClaims(ed.did), map[string]any{"kid": "#" + strings.TrimPrefix(ed.did, "did:key:")}), verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""},
		},
		{
			name:  "VC-JOSE-COSE 2.0: the payload is the credential",
			token: signJWT(t, gojose.EdDSA, ed.priv, v2, map[string]any{"kid": ed.vm, "typ": "vc+jwt"}), verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerConfirmed, ""},
		},
		{
			name:  "key in the jwk header only",
			token: signJWT(t, gojose.EdDSA, edPriv2, withClaim("iss", "https://school.example/issuers/1"), map[string]any{"jwk": jwkHeader}), verified: true,
			checks: Checks{SigOK, ValidOK, "none", IssuerUnconfirmed, ""}, errs: []string{"carries its own key"},
		},
		{
			name: "payload changed after signing", token: tampered,
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, errs: []string{"does not match its content"},
		},
		{
			name:   "signed by another did:key",
			token:  signJWT(t, gojose.EdDSA, other.priv, vcClaims(ed.did), map[string]any{"kid": other.vm}),
			checks: Checks{SigOK, ValidOK, "none", IssuerMismatch, ""}, errs: []string{"belongs to " + other.did},
		},
		{
			name:   "iss and the credential's issuer differ",
			token:  signJWT(t, gojose.EdDSA, ed.priv, issuerInVC, map[string]any{"kid": ed.vm}),
			checks: Checks{SigOK, ValidOK, "none", IssuerMismatch, ""}, errs: []string{"iss claim names " + ed.did},
		},
		{
			name: "jti contradicts the credential id",
			token: signJWT(t, gojose.EdDSA, ed.priv, func() map[string]any {
				c := vcClaims(ed.did)
				c["vc"].(map[string]any)["id"] = "urn:uuid:other"
				return c
			}(), map[string]any{"kid": ed.vm}),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerConfirmed, ""}, errs: []string{"jti claim"},
		},
		{
			name:   "expired",
			token:  signJWT(t, gojose.EdDSA, ed.priv, expired, map[string]any{"kid": ed.vm}),
			checks: Checks{SigOK, ValidExpired, "none", IssuerConfirmed, ""}, errs: []string{"(exp)"},
		},
		{
			name:   "not yet valid",
			token:  signJWT(t, gojose.EdDSA, ed.priv, future, map[string]any{"kid": ed.vm}),
			checks: Checks{SigOK, ValidNotYet, "none", IssuerConfirmed, ""}, errs: []string{"(nbf)"},
		},
		{
			name:   "alg none",
			token:  unsecured(t, map[string]any{"alg": "none"}, vcClaims(ed.did), ""),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, proofs: []string{"JWS/none"}, errs: []string{"refuses"},
		},
		{
			name:   "alg HS256",
			token:  signJWT(t, gojose.HS256, []byte("a shared secret of thirty-two bytes!"), vcClaims(ed.did), nil),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, errs: []string{"refuses"},
		},
		{
			name:   "alg ES384 is not supported",
			token:  signJWT(t, gojose.ES384, p384, vcClaims(ed.did), map[string]any{"kid": ed.vm}),
			checks: Checks{SigUnsupported, ValidOK, "none", IssuerUnconfirmed, ""}, errs: []string{"not supported"},
		},
		{
			name:   "EdDSA header, P-256 key",
			token:  signJWT(t, gojose.EdDSA, ed.priv, vcClaims(p256.did), map[string]any{"kid": p256.vm}),
			checks: Checks{SigInvalid, ValidOK, "none", IssuerUnconfirmed, ""}, errs: []string{"cannot make this kind of proof"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyBytes(t, v, []byte(tt.token))
			require.Equal(t, tt.checks, r.Checks, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			require.Equal(t, FormatJWT, r.Format)
			require.Equal(t, KindCredential, r.Kind)
			if tt.proofs != nil {
				require.Equal(t, tt.proofs, r.Proofs)
			}
			errorsContain(t, r, tt.errs...)
			if tt.verified && tt.checks.Issuer == IssuerConfirmed {
				require.Empty(t, r.Errors)
				require.True(t, strings.HasPrefix(r.VerificationMethod, "did:key:"), r.VerificationMethod)
			}
		})
	}

	// A JSON string holding the JWT is read too.
	r := verifyBytes(t, v, mustJSON(t, good))
	require.True(t, r.Verified)

	// A JWT that carries no credential is not a credential.
	_, err = v.Verify(context.Background(), []byte(signJWT(t, gojose.EdDSA, ed.priv, map[string]any{"sub": "x"}, nil)))
	require.ErrorIs(t, err, ErrNotCredential)
}
