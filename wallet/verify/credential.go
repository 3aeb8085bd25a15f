package verify

import (
	"context"
	"errors"

	"github.com/skillpass/skillpass/wallet/verify/status"
)

// Context URLs that tell the data model version.
const (
	contextV1 = "https://www.w3.org/2018/credentials/v1"
	contextV2 = "https://www.w3.org/ns/credentials/v2"
)

// isV1 reports whether a credential follows VC Data Model 1.1 (its first
// context is the 2018 credentials context).
func isV1(doc map[string]any) bool {
	switch c := doc["@context"].(type) {
	case string:
		return c == contextV1
	case []any:
		return len(c) > 0 && c[0] == contextV1
	}
	return false
}

// verifyLDCredential judges a JSON-LD credential; withStatus false skips
// the status check (status lists themselves).
func (v *Verifier) verifyLDCredential(ctx context.Context, doc map[string]any, withStatus bool) *Result {
	r := &Result{Kind: KindCredential, Format: FormatLDP}
	issuer := idOf(doc["issuer"])
	r.IssuerID = issuer

	pv := v.checkLDProofs(ctx, doc, proofCheck{what: KindCredential, purpose: relAssertion})
	r.Checks.Signature = pv.sig
	r.Proofs = pv.labels()
	r.Errors = append(r.Errors, pv.errs...)

	iss, vm, msgs := issuerVerdict(issuer, pv.outcomes, relAssertion)
	r.Checks.Issuer = iss
	r.VerificationMethod = vm
	r.Errors = append(r.Errors, msgs...)

	per := &period{now: v.now(), what: KindCredential}
	credentialDates(per, doc)
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)

	r.Checks.Status = string(status.None)
	if withStatus {
		v.checkStatus(ctx, r, issuer, doc["credentialStatus"])
	}
	europassChecks(r, doc)
	v.clrMembers(ctx, r, doc)
	return finish(r)
}

// credentialDates checks the validity period of a JSON-LD credential (also
// the vc claim of a VC-JWT after claim mapping).
func credentialDates(per *period, doc map[string]any) {
	iss, hasIss := field(doc, "issuanceDate")
	if isV1(doc) && !hasIss {
		per.missingStart(msgNoIssuanceDate())
	}
	per.start("issuanceDate", iss, hasIss)
	per.start("validFrom", doc["validFrom"], has(doc, "validFrom"))
	per.end("expirationDate", doc["expirationDate"], has(doc, "expirationDate"))
	per.end("validUntil", doc["validUntil"], has(doc, "validUntil"))
	proofDates(per, doc["proof"])
}

// proofDates checks the expires of each proof (Data Integrity).
func proofDates(per *period, proofs any) {
	switch t := proofs.(type) {
	case map[string]any:
		per.end("proof expires", t["expires"], has(t, "expires"))
	case []any:
		for _, p := range t {
			if m, ok := p.(map[string]any); ok {
				per.end("proof expires", m["expires"], has(m, "expires"))
			}
		}
	}
}

func has(doc map[string]any, name string) bool {
	_, ok := doc[name]
	return ok
}

// issuerVerdict judges the issuer (or holder) against the proofs: on the
// proofs that verified when there are any, else on every proof whose key
// was obtained (a key of another DID is a mismatch even if its proof
// failed). It returns the check value, the verification method the verdict
// rests on and messages.
func issuerVerdict(controller string, outcomes []proofOutcome, rel string) (string, string, []string) {
	var basis []proofOutcome
	for _, o := range outcomes {
		if o.sig == SigOK {
			basis = append(basis, o)
		}
	}
	okBasis := len(basis) > 0
	if !okBasis {
		for _, o := range outcomes {
			if o.key != nil {
				basis = append(basis, o)
			}
		}
	}
	vm := ""
	if len(basis) > 0 {
		vm = basis[0].vm
	} else if len(outcomes) > 0 {
		vm = outcomes[0].vm
	}
	if controller == "" && rel == relAssertion {
		return IssuerMismatch, vm, []string{msgNoIssuer()}
	}
	var verdicts, msgs []string
	for _, o := range basis {
		verdict, msg := relation(controller, o.key, rel)
		if !okBasis && verdict != IssuerMismatch {
			// Without a verifying proof nothing is confirmed, and the
			// signature error already says why.
			continue
		}
		verdicts = append(verdicts, verdict)
		if msg != "" && !contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	return combineIssuer(verdicts), vm, msgs
}

// checkStatus fills the status check.
func (v *Verifier) checkStatus(ctx context.Context, r *Result, issuer string, cs any) {
	if cs == nil {
		r.Checks.Status = string(status.None)
		return
	}
	res := v.status.Evaluate(ctx, issuer, cs)
	r.Checks.Status = string(res.State)
	if res.State == status.OK || res.State == status.None {
		return
	}
	hint := hintStatusIssuer
	if res.State == status.Unknown {
		hint = hintStatusUnknown
		for _, e := range res.Entries {
			switch {
			case errors.Is(e.Err, status.ErrOffline), errors.Is(e.Err, status.ErrFetch):
				hint = hintOfflineStatus
			case errors.Is(e.Err, status.ErrUnsupported):
				hint = hintStatusUnsupported
			}
		}
	}
	r.Errors = append(r.Errors, msgStatus(string(res.State), res.Reason, hint))
}
