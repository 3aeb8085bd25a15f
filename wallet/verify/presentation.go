package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/wallet/verify/status"
)

// MaxPresentationCredentials is the most credentials (members of
// "verifiableCredential") a presentation may hold. A presentation with more
// is not verified and none of its credentials is checked: each costs a
// signature check and JSON-LD canonicalization, and a learner shares a few.
const MaxPresentationCredentials = 100

// MaxPresentationNesting is how deep presentations may sit inside each other:
// 1 is a presentation on its own, 2 one found inside a credential of
// another (a VC-JWT presentation listed in a CLR transcript). The credentials
// of a presentation deeper than that are not checked and it is not
// verified. A presentation listed directly as a member of another is never
// verified (it is not a credential) and is refused before any check.
const MaxPresentationNesting = 2

// nestingKey keys the presentation depth in a context.Context.
type nestingKey struct{}

// membersRefused, when not empty, says why a presentation's credentials were
// not checked.
type membersRefused string

func msgTooManyMembers(n int) string {
	return fmt.Sprintf("presentation: it holds %d credentials, more than the %d Skillpass checks in one presentation, so none was checked; ask the holder to share at most %d per presentation", n, MaxPresentationCredentials, MaxPresentationCredentials)
}

func msgNestedTooDeep() string {
	return fmt.Sprintf("presentation: it is nested in the credentials of other presentations deeper than Skillpass checks (%d levels), so its credentials were not checked; ask the holder to share the credentials directly", MaxPresentationNesting)
}

// envelopedPrefix starts the id of a VC 2.0 EnvelopedVerifiableCredential
// that carries a VC-JOSE-COSE credential.
var envelopedPrefixes = []string{"data:application/vc+jwt,", "data:application/vc-ld+jwt,", "data:application/jwt,"}

// verifyLDPresentation judges a JSON-LD presentation: the holder's proof
// (proofPurpose authentication, the key the holder's when a holder is
// named, the challenge and domain Options asks for), its validity period,
// and every credential in it.
func (v *Verifier) verifyLDPresentation(ctx context.Context, doc map[string]any) *Result {
	r := &Result{Kind: KindPresentation, Format: FormatLDP}
	holder := idOf(doc["holder"])
	r.IssuerID = holder

	pv := v.checkLDProofs(ctx, doc, proofCheck{
		what: KindPresentation, purpose: relAuthentication,
		challenge: v.opts.Challenge, domain: v.opts.Domain,
	})
	r.Checks.Signature = pv.sig
	r.Proofs = pv.labels()
	r.Errors = append(r.Errors, pv.errs...)

	iss, vm, msgs := issuerVerdict(holder, pv.outcomes, relAuthentication)
	r.Checks.Issuer, r.VerificationMethod = iss, vm
	r.Errors = append(r.Errors, msgs...)

	per := &period{now: v.now(), what: KindPresentation}
	presentationDates(per, doc)
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)
	r.Checks.Status = string(status.None)

	var refused membersRefused
	r.Credentials, refused = v.verifyMembers(ctx, doc["verifiableCredential"], doc["@context"])
	return finishPresentation(r, refused)
}

// finishPresentation notes the presentation's unverified members and sets
// Verified; a presentation whose members were refused is not verified.
func finishPresentation(r *Result, refused membersRefused) *Result {
	noteMembers(r)
	if refused != "" {
		r.Errors = append(r.Errors, string(refused))
	}
	finish(r)
	if refused != "" {
		r.Verified = false
	}
	return r
}

// presentationDates checks a presentation's own validity period.
func presentationDates(per *period, doc map[string]any) {
	per.start("issuanceDate", doc["issuanceDate"], has(doc, "issuanceDate"))
	per.start("validFrom", doc["validFrom"], has(doc, "validFrom"))
	per.end("expirationDate", doc["expirationDate"], has(doc, "expirationDate"))
	per.end("validUntil", doc["validUntil"], has(doc, "validUntil"))
	per.end("expires", doc["expires"], has(doc, "expires"))
	proofDates(per, doc["proof"])
}

// noteMembers adds one error per embedded credential that is not verified.
func noteMembers(r *Result) {
	for i, c := range r.Credentials {
		if !c.Verified {
			r.Errors = append(r.Errors, msgMemberNotVerified(i, failedChecks(c)))
		}
	}
}

// failedChecks names the checks of r that keep it from being verified.
func failedChecks(r Result) string {
	var out []string
	if r.Checks.Signature != SigOK {
		out = append(out, "signature "+r.Checks.Signature)
	}
	if r.Checks.Validity != ValidOK {
		out = append(out, "validity "+r.Checks.Validity)
	}
	if r.Checks.Status != string(status.OK) && r.Checks.Status != string(status.None) {
		out = append(out, "status "+r.Checks.Status)
	}
	if r.Checks.Issuer == IssuerMismatch {
		out = append(out, "issuer "+r.Checks.Issuer)
	}
	for _, c := range r.Credentials {
		if !c.Verified {
			out = append(out, "an embedded credential")
			break
		}
	}
	if len(out) == 0 {
		return "not verified"
	}
	return strings.Join(out, ", ")
}

// verifyMembers judges each credential of a presentation's
// verifiableCredential: JSON-LD objects (which inherit the presentation's
// context when they have none), VC-JWT strings and
// EnvelopedVerifiableCredential objects. The result is never nil. It checks
// none and says why when there are more than MaxPresentationCredentials or
// the presentation is nested deeper than MaxPresentationNesting.
func (v *Verifier) verifyMembers(ctx context.Context, raw any, parentContext any) ([]Result, membersRefused) {
	var members []any
	switch t := raw.(type) {
	case nil:
	case []any:
		members = t
	default:
		members = []any{t}
	}
	depth, _ := ctx.Value(nestingKey{}).(int)
	depth++
	switch {
	case depth > MaxPresentationNesting:
		return []Result{}, membersRefused(msgNestedTooDeep())
	case len(members) > MaxPresentationCredentials:
		return []Result{}, membersRefused(msgTooManyMembers(len(members)))
	}
	ctx = context.WithValue(ctx, nestingKey{}, depth)
	out := make([]Result, 0, len(members))
	for i, m := range members {
		out = append(out, *v.verifyMember(ctx, i, m, parentContext))
	}
	return out, ""
}

// verifyMember judges one embedded credential.
func (v *Verifier) verifyMember(ctx context.Context, i int, m any, parentContext any) *Result {
	switch t := m.(type) {
	case string:
		return v.memberJWT(ctx, i, t)
	case map[string]any:
		if contains(stringsOf(t["type"]), "EnvelopedVerifiableCredential") {
			id := str(t["id"])
			for _, p := range envelopedPrefixes {
				if rest, ok := strings.CutPrefix(id, p); ok {
					return v.memberJWT(ctx, i, rest)
				}
			}
			return notMember(i, "is an enveloped credential of a kind Skillpass cannot read")
		}
		if !contains(stringsOf(t["type"]), "VerifiableCredential") {
			return notMember(i, "is not a verifiable credential")
		}
		cred := t
		if _, ok := t["@context"]; !ok && parentContext != nil {
			cred = make(map[string]any, len(t)+1)
			for k, x := range t {
				cred[k] = x
			}
			cred["@context"] = parentContext
		}
		return v.verifyLDCredential(ctx, cred, true)
	}
	return notMember(i, "is neither a JSON object nor a JWT")
}

// memberJWT judges an embedded VC-JWT.
func (v *Verifier) memberJWT(ctx context.Context, i int, token string) *Result {
	token = strings.TrimSpace(token)
	if !looksLikeJWS(token) {
		return notMember(i, "is a text that is not a JWT")
	}
	// A presentation is refused before it is checked: checking it would
	// check its own members, and theirs.
	if jp, err := decodeJWT(token); err == nil {
		_, hasVP := jp.payload["vp"].(map[string]any)
		_, hasVC := jp.payload["vc"].(map[string]any)
		if hasVP || (!hasVC && contains(stringsOf(jp.payload["type"]), "VerifiablePresentation")) {
			return notMember(i, "is a presentation, not a credential")
		}
	}
	j, err := v.verifyJWTToken(ctx, token, true)
	if err != nil {
		return notMember(i, "is a JWT that carries no credential ("+strings.TrimPrefix(err.Error(), ErrNotCredential.Error()+": ")+")")
	}
	if j.result.Kind != KindCredential {
		return notMember(i, "is a presentation, not a credential")
	}
	return j.result
}

// notMember is the result for a presentation member that is not a
// credential at all.
func notMember(i int, why string) *Result {
	return finish(&Result{
		Kind: KindCredential,
		Checks: Checks{
			Signature: SigInvalid, Validity: ValidOK, Status: string(status.None), Issuer: IssuerUnconfirmed,
		},
		Errors: []string{msgNotMember(i, why)},
	})
}

// jwtPresentation judges a presentation JWT: VP-JWT 1.1 (vp is the vp
// claim) or VC-JOSE-COSE 2.0 (vp is the payload). The JWT's nonce claim is the
// challenge and its aud claim the domain.
func (v *Verifier) jwtPresentation(ctx context.Context, token string, jp *jwtParts, vp map[string]any) *Result {
	r := &Result{Kind: KindPresentation, Format: FormatJWT}
	pl := jp.payload
	iss := str(pl["iss"])
	holder := idOf(vp["holder"])
	holderClaimMsg := ""
	switch {
	case iss == "":
	case holder == "":
		holder = iss
	case holder != iss:
		holderClaimMsg = "issuer: the JWT's iss claim names " + iss + " but the presentation's holder is " + holder + ": the token contradicts itself; ask the holder to share again"
	}
	r.IssuerID = holder

	o := v.checkJWS(ctx, token, jp.header, iss, holder)
	r.Proofs = []string{o.label}
	r.Checks.Signature = o.sig
	if o.msg != "" {
		r.Errors = append(r.Errors, o.msg)
	}
	if v.opts.Challenge != "" {
		if got := str(pl["nonce"]); got != v.opts.Challenge && r.Checks.Signature != SigUnsupported {
			r.Checks.Signature = SigInvalid
			r.Errors = append(r.Errors, msgChallenge(got, v.opts.Challenge))
		}
	}
	if v.opts.Domain != "" {
		if got := stringsOf(pl["aud"]); !contains(got, v.opts.Domain) && r.Checks.Signature != SigUnsupported {
			r.Checks.Signature = SigInvalid
			r.Errors = append(r.Errors, msgDomain(strings.Join(got, ", "), v.opts.Domain))
		}
	}

	iv, vm, msgs := issuerVerdict(holder, []proofOutcome{o}, relAuthentication)
	if holderClaimMsg != "" {
		iv = IssuerMismatch
		msgs = append(msgs, holderClaimMsg)
	}
	r.Checks.Issuer, r.VerificationMethod = iv, vm
	r.Errors = append(r.Errors, msgs...)

	per := &period{now: v.now(), what: KindPresentation}
	nbf, hasNbf := field(pl, "nbf")
	exp, hasExp := field(pl, "exp")
	per.startUnix("nbf", nbf, hasNbf)
	per.endUnix("exp", exp, hasExp)
	presentationDates(per, vp)
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)
	r.Checks.Status = string(status.None)

	var refused membersRefused
	r.Credentials, refused = v.verifyMembers(ctx, vp["verifiableCredential"], vp["@context"])
	return finishPresentation(r, refused)
}
