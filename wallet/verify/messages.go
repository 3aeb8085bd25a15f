package verify

import (
	"fmt"
	"strings"
	"time"
)

// All wording a learner or an employer reads is here. Each message names the
// check, says what failed and, where one helps, what to do.

const (
	hintNotJSON       = "give a credential as JSON-LD (starting with '{') or as a VC-JWT (three base64url parts separated by dots)"
	hintNotCredential = "a credential has \"type\": [\"VerifiableCredential\", ...]; a presentation has \"type\": [\"VerifiablePresentation\", ...]"

	hintFreshCopy         = "ask the issuer for a fresh copy"
	hintSupported         = "Skillpass checks DataIntegrityProof (eddsa-rdfc-2022), Ed25519Signature2018/2020, JsonWebSignature2020 (Ed25519, P-256), BbsBlsSignature2020 and its derived proofs, and JWTs signed with EdDSA, ES256, RS256 or PS256"
	hintStatusIssuer      = "ask the issuer about this credential"
	hintStatusUnknown     = "whether the issuer has revoked it cannot be told; ask the issuer"
	hintStatusUnsupported = "Skillpass reads BitstringStatusList and StatusList2021 entries; ask the issuer whether the credential still stands"
	hintOfflineStatus     = "the status list could not be fetched; run the verifier with --offline-dir DIR holding a copy of it as DIR/<host>/<path>, or allow it to use the network"
	hintOfflineKey        = "run the verifier with --offline-dir DIR holding a copy of the document as DIR/<host>/<path>, or allow it to use the network"
)

func msgNoProof(what string) string {
	return fmt.Sprintf("signature: the %s carries no proof, so nobody can tell who made it or whether it was changed; ask for a signed copy", what)
}

func msgProofShape(i int) string {
	return fmt.Sprintf("signature: proof %d is not a JSON object and cannot be checked; %s", i+1, hintFreshCopy)
}

func msgProofList() string {
	return "signature: \"proof\" is neither an object nor a list of objects; " + hintFreshCopy
}

func msgUndefined(err error) string {
	return fmt.Sprintf("signature: %v: a property that no JSON-LD context defines is left out of the signature, so anyone could have added or changed it; ask the issuer for a copy that uses only defined terms", err)
}

func msgDropped(err error) string {
	return fmt.Sprintf("signature: %v: canonicalization drops this value, so the signature does not cover it and anyone could have changed it; ask the issuer for a corrected copy", err)
}

func msgUnknownContext(err error) string {
	return fmt.Sprintf("signature: %v: Skillpass reads credentials only with the JSON-LD contexts it ships and never downloads one; ask the issuer for a copy that uses the standard W3C and Open Badges contexts", err)
}

func msgJSONLD(err error) string {
	return fmt.Sprintf("signature: the document cannot be read as JSON-LD (%v); %s", err, hintFreshCopy)
}

// msgTooMuchWork words a document refused by a work limit of package ld
// (size, nesting, quads, blank nodes, canonicalization work).
func msgTooMuchWork(err error) string {
	return fmt.Sprintf("signature: not checked, the document is beyond what Skillpass will process (%v); a genuine credential is far smaller: ask the issuer for a fresh copy", err)
}

func msgProofUnsupported(label string) string {
	return fmt.Sprintf("signature: proof type %s is not supported; %s", label, hintSupported)
}

func msgProofFailed(label, vm string, err error) string {
	return fmt.Sprintf("signature: the %s proof made with key %s does not match the document (%v): it was changed after signing or signed with another key; %s", label, vm, err, hintFreshCopy)
}

func msgBaseProof(label string) string {
	return fmt.Sprintf("signature: the %s proof is a base proof, which stays with the holder and is never shown to verifiers; ask the holder to share a selectively disclosed (derived) copy", label)
}

func msgProofMalformed(label, problem string) string {
	return fmt.Sprintf("signature: the %s proof %s; %s", label, problem, hintFreshCopy)
}

func msgPurpose(label, got, want string) string {
	if got == "" {
		return fmt.Sprintf("signature: the %s proof states no proofPurpose (%s is needed); %s", label, want, hintFreshCopy)
	}
	return fmt.Sprintf("signature: the %s proof is for %q, not %q: it does not vouch for this document's claims; %s", label, got, want, hintFreshCopy)
}

func msgKeyType(label, vm, keyType string) string {
	return fmt.Sprintf("signature: the %s proof names key %s, a %s key that cannot make this kind of proof; %s", label, vm, keyType, hintFreshCopy)
}

func msgKeyOffline(vm string) string {
	return fmt.Sprintf("signature: the key %s is published on the web and the verifier is offline, so the signature could not be checked; %s", vm, hintOfflineKey)
}

func msgKeyUnavailable(vm string, err error) string {
	return fmt.Sprintf("signature: the key %s could not be obtained (%v), so the signature could not be checked; %s", vm, err, hintOfflineKey)
}

func msgKeyUnsupported(vm string, err error) string {
	return fmt.Sprintf("signature: the key %s cannot be used (%v), so the signature could not be checked; Skillpass reads did:key, did:web and Ed25519 keys written in the key id's fragment", vm, err)
}

func msgKeyInvalid(vm string, err error) string {
	return fmt.Sprintf("signature: the key %s is not a usable key (%v); %s", vm, err, hintFreshCopy)
}

func msgKeyNone(label string) string {
	return fmt.Sprintf("signature: the %s proof names no verificationMethod, so its key cannot be found; %s", label, hintFreshCopy)
}

func msgBBSNoID(path string) string {
	return fmt.Sprintf("signature: a derived BBS+ proof is only checked when every object in the credential has an \"id\", and %s has none: without one, a changed issuer or date can go unnoticed; ask the issuer for a credential whose objects all have ids", path)
}

func msgChallenge(got, want string) string {
	if got == "" {
		return fmt.Sprintf("signature: the presentation's proof carries no challenge, but %q was asked for: it may be a replay of an older presentation; ask the holder to share again for this request", want)
	}
	return fmt.Sprintf("signature: the presentation was made for challenge %q, not %q: it may be a replay of an older presentation; ask the holder to share again for this request", got, want)
}

func msgDomain(got, want string) string {
	if got == "" {
		return fmt.Sprintf("signature: the presentation's proof names no domain, but %q was asked for: it may have been made for someone else; ask the holder to share again for this request", want)
	}
	return fmt.Sprintf("signature: the presentation was made for domain %q, not %q: it was meant for someone else; ask the holder to share again for this request", got, want)
}

func msgAlgRefused(alg string) string {
	return fmt.Sprintf("signature: the JWT uses alg %q, which Skillpass refuses (no signature, or a shared secret anyone with the secret could forge); ask the issuer for a copy signed with a public key", alg)
}

func msgAlgUnsupported(alg string) string {
	return fmt.Sprintf("signature: the JWT uses alg %q, which is not supported; %s", alg, hintSupported)
}

func msgJWTNoKey(alg, iss string) string {
	who := "no issuer"
	if iss != "" {
		who = fmt.Sprintf("its issuer %s is not a DID", iss)
	}
	return fmt.Sprintf("signature: the JWT (alg %s) names no key Skillpass can obtain — no DID in its kid header, no jwk header, and %s — so its signature could not be checked; ask the issuer for a copy signed with a DID key (did:key or did:web)", alg, who)
}

func msgJWTFailed(alg, vm string, err error) string {
	return fmt.Sprintf("signature: the JWT's %s signature made with key %s does not match its content (%v): it was changed after signing or signed with another key; %s", alg, vm, err, hintFreshCopy)
}

func msgJWTMalformed(problem string) string {
	return fmt.Sprintf("signature: the JWT %s; %s", problem, hintFreshCopy)
}

func msgJWTClaim(claim, claimValue, field, fieldValue string) string {
	return fmt.Sprintf("signature: the JWT's %s claim says %q but the credential's %s is %q: the token contradicts itself; %s", claim, claimValue, field, fieldValue, hintFreshCopy)
}

func msgIssClaim(iss, issuer string) string {
	return fmt.Sprintf("issuer: the JWT's iss claim names %s but the credential's issuer is %s: the token contradicts itself; do not rely on it", iss, issuer)
}

func msgNotMember(i int, why string) string {
	return fmt.Sprintf("signature: credential %d of the presentation %s; ask the holder to share again", i+1, why)
}

func msgNoIssuer() string {
	return "issuer: the credential names no issuer, so nobody can say whose claims these are; do not rely on it"
}

func msgIssuerMismatch(vm, owner, issuer string) string {
	return fmt.Sprintf("issuer: the key %s belongs to %s, not to the issuer %s: someone other than the named issuer signed this; do not rely on it and tell the issuer it names", vm, owner, issuer)
}

func msgHolderMismatch(vm, owner, holder string) string {
	return fmt.Sprintf("issuer: the presentation was signed with key %s of %s, not by its holder %s; ask the holder to share again from their own wallet", vm, owner, holder)
}

func msgNotListed(vm, owner, relation string) string {
	return fmt.Sprintf("issuer: the key %s is in %s's DID document but not listed under %s, so it may not sign for them; do not rely on it and tell its owner", vm, owner, relation)
}

func msgUnconfirmed(vm, issuer, why string) string {
	return fmt.Sprintf("issuer: the signature is intact, but nothing ties the key %s to %s (%s); confirm with the issuer that this key is theirs", vm, issuer, why)
}

func msgHolderUnnamed(vm string) string {
	return fmt.Sprintf("issuer: the presentation names no holder, so nothing ties its key %s to anyone", vm)
}

func msgExpired(what, field string, t time.Time) string {
	return fmt.Sprintf("validity: the %s expired on %s (%s); ask the issuer whether a renewed one exists", what, t.UTC().Format(time.RFC3339), field)
}

func msgNotYet(what, field string, t time.Time) string {
	return fmt.Sprintf("validity: the %s is valid only from %s (%s); check the date of this device, or try again then", what, t.UTC().Format(time.RFC3339), field)
}

func msgBadDate(field string, v any) string {
	return fmt.Sprintf("validity: %s %s is not a date and time such as 2024-01-31T12:00:00Z, so the validity period cannot be known; %s", field, shortValue(v), hintFreshCopy)
}

func msgNoIssuanceDate() string {
	return "validity: the credential has no issuanceDate, which VC Data Model 1.1 requires, so nobody can tell from when it holds; " + hintFreshCopy
}

func msgStatus(state, reason, hint string) string {
	if reason == "" {
		return fmt.Sprintf("status: %s; %s", state, hint)
	}
	return fmt.Sprintf("status: %s: %s; %s", state, reason, hint)
}

func msgMemberNotVerified(i int, kind string) string {
	return fmt.Sprintf("credential %d of the presentation is not verified (%s); see its own errors", i+1, kind)
}

// shortValue shows a JSON value in an error, cut to a readable length.
func shortValue(v any) string {
	var s string
	switch t := v.(type) {
	case string:
		s = fmt.Sprintf("%q", t)
	case nil:
		s = "null"
	default:
		s = fmt.Sprintf("%v", t)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

func msgOB2Unreadable(err error) string {
	return fmt.Sprintf("signature: the Open Badges 2.0 assertion cannot be read (%v); %s", err, hintFreshCopy)
}

func msgOB2NoConsent() string {
	return "signature: checking an Open Badges 2.0 badge means fetching it (or its issuer's key) from the issuer, which tells the issuer the badge is being looked at; Skillpass does so only when allowed (skillpass-cli --fetch-badges, or --offline-dir DIR with local copies)"
}

func msgEuropassUnsealed() string {
	return "signature: this Europass credential carries no seal; Europass credentials are sealed (JAdES) by their issuer: ask for the sealed file (.jsonld) as downloaded from the Europass wallet"
}

func msgCLRMemberUnreadable(i int) string {
	return fmt.Sprintf("signature: credential %d inside the transcript is neither a JSON-LD credential nor a VC-JWT; %s", i+1, hintFreshCopy)
}

func msgCLRMemberNotVerified(i int) string {
	return fmt.Sprintf("credential %d inside the transcript is not verified; see its own errors", i+1)
}
