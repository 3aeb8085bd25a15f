package verify

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	gojose "github.com/go-jose/go-jose/v3"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// JWS algorithms.
const (
	algEdDSA = "EdDSA"
	algES256 = "ES256"
	algRS256 = "RS256"
	algPS256 = "PS256"
)

// minRSABits is the smallest RSA key accepted in a jwk header.
const minRSABits = 2048

// jwtResult is the verdict on a JWT and, for a credential, the credential it
// carries after VC-JWT 1.1 claim mapping.
type jwtResult struct {
	result *Result
	cred   map[string]any
}

// jwtParts is a compact JWS decoded without verification.
type jwtParts struct {
	header  map[string]any
	payload map[string]any
}

// decodeJWT decodes the header and payload of a compact JWS. It fails with
// ErrNotCredential when they are not JSON objects.
func decodeJWT(token string) (*jwtParts, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: %s", ErrNotCredential, hintNotJSON)
	}
	var jp jwtParts
	for i, dst := range []*map[string]any{&jp.header, &jp.payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, fmt.Errorf("%w: JWT part %d is not base64url: %v", ErrNotCredential, i+1, err)
		}
		d := json.NewDecoder(bytes.NewReader(b))
		if err := d.Decode(dst); err != nil || *dst == nil || d.More() {
			return nil, fmt.Errorf("%w: JWT part %d is not a JSON object", ErrNotCredential, i+1)
		}
	}
	return &jp, nil
}

// verifyJWTToken judges a compact JWS carrying a credential or
// presentation: VC-JWT 1.1 (vc or vp claim) or VC-JOSE-COSE 2.0 (the payload
// is the credential or presentation). It fails with ErrNotCredential when
// the JWT carries neither.
func (v *Verifier) verifyJWTToken(ctx context.Context, token string, withStatus bool) (*jwtResult, error) {
	jp, err := decodeJWT(token)
	if err != nil {
		return nil, err
	}
	pl := jp.payload
	vc, hasVC := pl["vc"].(map[string]any)
	vp, hasVP := pl["vp"].(map[string]any)
	types := stringsOf(pl["type"])
	switch {
	case hasVP:
		return &jwtResult{result: v.jwtPresentation(ctx, token, jp, vp)}, nil
	case hasVC:
		r, cred := v.jwtCredential(ctx, token, jp, vc, true, withStatus)
		return &jwtResult{result: r, cred: cred}, nil
	case contains(types, "VerifiablePresentation"):
		return &jwtResult{result: v.jwtPresentation(ctx, token, jp, pl)}, nil
	case contains(types, "VerifiableCredential"):
		r, cred := v.jwtCredential(ctx, token, jp, pl, false, withStatus)
		return &jwtResult{result: r, cred: cred}, nil
	}
	return nil, fmt.Errorf("%w: the JWT carries no vc or vp claim and is not a credential or presentation itself", ErrNotCredential)
}

// jwtCredential judges a credential JWT. v11 says the credential is the vc
// claim of a VC-JWT 1.1, whose registered claims are mapped onto it; else
// the payload is the credential (VC-JOSE-COSE). It returns the result and
// the credential.
func (v *Verifier) jwtCredential(ctx context.Context, token string, jp *jwtParts, vc map[string]any, v11, withStatus bool) (*Result, map[string]any) {
	r := &Result{Kind: KindCredential, Format: FormatJWT}
	pl := jp.payload
	cred := copyDoc(vc)
	if !v11 {
		// The registered claims are not part of the credential.
		for _, k := range []string{"iss", "sub", "jti", "nbf", "exp", "iat", "aud", "nonce", "cnf"} {
			delete(cred, k)
		}
	}
	var contradictions []string // jti and sub against the credential
	issuerClaimMsg := ""        // iss against the credential's issuer

	iss := str(pl["iss"])
	issuer := idOf(cred["issuer"])
	switch {
	case iss == "":
	case issuer == "":
		cred["issuer"] = iss
		issuer = iss
	case issuer != iss:
		issuerClaimMsg = msgIssClaim(iss, issuer)
	}
	r.IssuerID = issuer
	if v11 {
		if jti := str(pl["jti"]); jti != "" {
			if id, ok := cred["id"]; !ok {
				cred["id"] = jti
			} else if str(id) != jti {
				contradictions = append(contradictions, msgJWTClaim("jti", jti, "id", shortString(id)))
			}
		}
		if sub := str(pl["sub"]); sub != "" {
			if cs, ok := cred["credentialSubject"].(map[string]any); ok {
				if id, ok := cs["id"]; !ok {
					cs["id"] = sub
				} else if str(id) != sub {
					contradictions = append(contradictions, msgJWTClaim("sub", sub, "credentialSubject id", shortString(id)))
				}
			}
		}
	}

	o := v.checkJWS(ctx, token, jp.header, iss, issuer)
	r.Proofs = []string{o.label}
	r.Checks.Signature = o.sig
	if o.msg != "" {
		r.Errors = append(r.Errors, o.msg)
	}
	if len(contradictions) > 0 && r.Checks.Signature == SigOK {
		// The issuer signed a token that contradicts itself.
		r.Checks.Signature = SigInvalid
	}
	r.Errors = append(r.Errors, contradictions...)
	if issuerClaimMsg != "" {
		r.Errors = append(r.Errors, issuerClaimMsg)
	}

	iv, vm, msgs := issuerVerdict(issuer, []proofOutcome{o}, relAssertion)
	if issuerClaimMsg != "" {
		iv = IssuerMismatch
	}
	r.Checks.Issuer, r.VerificationMethod = iv, vm
	r.Errors = append(r.Errors, msgs...)

	per := &period{now: v.now(), what: KindCredential}
	nbf, hasNbf := field(pl, "nbf")
	exp, hasExp := field(pl, "exp")
	per.startUnix("nbf", nbf, hasNbf)
	per.endUnix("exp", exp, hasExp)
	if v11 {
		if t, ok := numericDate(nbf); ok && !has(cred, "issuanceDate") {
			cred["issuanceDate"] = t.Format(time.RFC3339)
		}
		if t, ok := numericDate(exp); ok && !has(cred, "expirationDate") {
			cred["expirationDate"] = t.Format(time.RFC3339)
		}
		if !hasNbf && !has(cred, "issuanceDate") && isV1(cred) {
			per.missingStart(msgNoIssuanceDate())
		}
	}
	jwtCredentialDates(per, cred)
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)

	r.Checks.Status = string(status.None)
	if withStatus {
		v.checkStatus(ctx, r, issuer, cred["credentialStatus"])
	}
	v.clrMembers(ctx, r, cred)
	return finish(r), cred
}

// jwtCredentialDates checks a JWT credential's own dates (the missing
// issuanceDate rule is applied by the caller, since nbf stands for it).
func jwtCredentialDates(per *period, cred map[string]any) {
	per.start("issuanceDate", cred["issuanceDate"], has(cred, "issuanceDate"))
	per.start("validFrom", cred["validFrom"], has(cred, "validFrom"))
	per.end("expirationDate", cred["expirationDate"], has(cred, "expirationDate"))
	per.end("validUntil", cred["validUntil"], has(cred, "validUntil"))
}

// shortString shows a JSON value as a string for messages.
func shortString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return shortValue(v)
}

// checkJWS verifies the signature of a compact JWS and finds its key: the
// DID URL in kid (relative kids are taken against an iss DID), else the
// issuer's DID when it has a single assertion key, else a jwk header.
func (v *Verifier) checkJWS(ctx context.Context, token string, hdr map[string]any, iss, issuer string) proofOutcome {
	alg := str(hdr["alg"])
	o := proofOutcome{label: "JWS/" + alg}
	fail := func(sig, msg string) proofOutcome {
		o.sig, o.msg = sig, msg
		return o
	}
	if alg == "" {
		o.label = "JWS/(no alg)"
		return fail(SigInvalid, msgJWTMalformed("header names no alg"))
	}
	if strings.EqualFold(alg, "none") || strings.HasPrefix(strings.ToUpper(alg), "HS") {
		return fail(SigInvalid, msgAlgRefused(alg))
	}
	switch alg {
	case algEdDSA, algES256, algRS256, algPS256:
	default:
		return fail(SigUnsupported, msgAlgUnsupported(alg))
	}
	if b64, ok := hdr["b64"]; ok && b64 != true {
		return fail(SigInvalid, msgJWTMalformed("has an unencoded payload (b64 false), which VC-JWT does not allow"))
	}

	keyDID := iss
	if !strings.HasPrefix(keyDID, "did:") {
		keyDID = issuer
	}
	kid := str(hdr["kid"])
	ref := ""
	switch {
	case strings.HasPrefix(kid, "did:"):
		ref = kid
	case strings.HasPrefix(kid, "#") && strings.HasPrefix(keyDID, "did:"):
		ref = keyDID + kid
	}
	var (
		key  *methodKey
		kerr *keyError
		pub  any
	)
	switch {
	case ref != "":
		o.vm = ref
		key, kerr = v.resolveKey(ctx, ref)
	case hdr["jwk"] != nil:
		o.vm = "jwk header"
		key, kerr = headerJWK(hdr["jwk"])
	case strings.HasPrefix(keyDID, "did:"):
		o.vm = keyDID
		key, kerr = v.soleAssertionKey(ctx, keyDID)
	default:
		return fail(SigUnsupported, msgJWTNoKey(alg, firstNonEmpty(iss, issuer)))
	}
	if kerr != nil {
		return fail(kerr.sig, kerr.msg)
	}
	o.key = key
	if key.source != fromJWK {
		o.vm = key.id
	}
	pub, err := jwsKey(alg, key)
	if err != nil {
		return fail(SigInvalid, msgKeyType(o.label, o.vm, err.Error()))
	}
	jws, err := gojose.ParseSigned(token)
	if err != nil {
		return fail(SigInvalid, msgJWTMalformed(fmt.Sprintf("cannot be read (%v)", err)))
	}
	if len(jws.Signatures) != 1 || jws.Signatures[0].Header.Algorithm != alg {
		return fail(SigInvalid, msgJWTMalformed("has an unexpected signature header"))
	}
	if _, err := jws.Verify(pub); err != nil {
		return fail(SigInvalid, msgJWTFailed(alg, o.vm, err))
	}
	o.sig = SigOK
	return o
}

// soleAssertionKey returns the key of a DID given without a key id: a
// did:key's only key, or a did:web's single assertionMethod.
func (v *Verifier) soleAssertionKey(ctx context.Context, d string) (*methodKey, *keyError) {
	if strings.HasPrefix(d, "did:key:") || strings.Contains(d, "#") {
		return v.resolveKey(ctx, d)
	}
	doc, err := v.resolver.Resolve(ctx, d)
	if err != nil {
		return nil, classifyDIDError(d, err)
	}
	if doc == nil || len(doc.AssertionMethod) != 1 {
		return nil, &keyError{SigUnsupported, msgKeyUnsupported(d, errors.New("the JWT has no kid and the DID lists more or fewer than one assertion key"))}
	}
	ref := doc.AssertionMethod[0]
	if strings.HasPrefix(ref, "#") {
		ref = doc.ID + ref
	}
	return v.resolveKey(ctx, ref)
}

// headerJWK reads a public key carried in a JWT's jwk header.
func headerJWK(raw any) (*methodKey, *keyError) {
	b, err := json.Marshal(raw)
	if err != nil {
		return nil, &keyError{SigInvalid, msgJWTMalformed("has a jwk header that is not a key")}
	}
	var k gojose.JSONWebKey
	if err := k.UnmarshalJSON(b); err != nil {
		return nil, &keyError{SigInvalid, msgJWTMalformed(fmt.Sprintf("has a jwk header that is not a key (%v)", err))}
	}
	if !k.IsPublic() {
		return nil, &keyError{SigInvalid, msgJWTMalformed("carries a private key in its jwk header; that key is no longer secret")}
	}
	return &methodKey{id: "jwk header", jwk: k.Key, source: fromJWK, owner: "the JWT's own jwk header"}, nil
}

// jwsKey returns the Go public key for alg, checking that the key fits.
func jwsKey(alg string, key *methodKey) (any, error) {
	if key.source == fromJWK {
		switch k := key.jwk.(type) {
		case ed25519.PublicKey:
			if alg == algEdDSA {
				return k, nil
			}
		case *ecdsa.PublicKey:
			if alg == algES256 && k.Curve == elliptic.P256() {
				return k, nil
			}
		case *rsa.PublicKey:
			if (alg == algRS256 || alg == algPS256) && k.N.BitLen() >= minRSABits {
				return k, nil
			}
			if alg == algRS256 || alg == algPS256 {
				return nil, fmt.Errorf("RSA key of %d bits (at least %d needed)", k.N.BitLen(), minRSABits)
			}
		}
		return nil, fmt.Errorf("%T", key.jwk)
	}
	switch {
	case alg == algEdDSA && key.keyType == did.Ed25519 && len(key.pub) == ed25519.PublicKeySize:
		return ed25519.PublicKey(key.pub), nil
	case alg == algES256 && key.keyType == did.P256:
		return p256Key(key.pub)
	}
	return nil, errors.New(string(key.keyType))
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
