package verify

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/wallet/verify/edc"
	"github.com/skillpass/skillpass/wallet/verify/ob2"
)

// Formats of credentials that are not W3C verifiable credentials, reported
// in Result.Format.
const (
	// FormatOB2 is an Open Badges 2.0 assertion (hosted JSON or signed JWS).
	FormatOB2 = "ob2"
	// FormatJAdES is a JSON credential sealed with JAdES (Europass EDC).
	FormatJAdES = "jades"
)

// Recipient check values (Result.Recipient), set when Options.Recipient is
// given and the credential is an Open Badges 2.0 assertion.
const (
	RecipientMatch    = ob2.RecipientMatch
	RecipientMismatch = ob2.RecipientMismatch
)

// verifyOther judges the formats that are not W3C verifiable credentials:
// Open Badges 2.0 assertions and JAdES-sealed Europass credentials. ok is
// false when data is none of them.
func (v *Verifier) verifyOther(ctx context.Context, data []byte) (*Result, bool) {
	b := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\xef\xbb\xbf")))
	if len(b) == 0 || len(b) > maxInput {
		return nil, false
	}
	var doc map[string]any
	switch {
	case b[0] == '{':
		if json.Unmarshal(b, &doc) != nil {
			return nil, false
		}
		if _, sealed := doc["signatures"]; sealed {
			if r, ok := v.verifyJAdES(b); ok {
				return r, true
			}
		}
		// The Europass upload form wraps the credential: {"credential": {...}}.
		if inner, ok := doc["credential"].(map[string]any); ok && len(doc) == 1 &&
			contains(stringsOf(inner["type"]), "VerifiableCredential") {
			return v.verifyLDCredential(ctx, inner, true), true
		}
	case looksLikeJWS(string(b)):
		parts := strings.Split(string(b), ".")
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil || json.Unmarshal(payload, &doc) != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	if !ob2.IsAssertion(doc) {
		return nil, false
	}
	return v.verifyOB2(ctx, b), true
}

// verifyOB2 judges an Open Badges 2.0 assertion (see package ob2 for what
// each check means).
func (v *Verifier) verifyOB2(ctx context.Context, data []byte) *Result {
	opts := ob2.Options{Now: v.now, Recipient: v.opts.Recipient}
	if v.opts.BadgeFetch {
		opts.Fetcher = v.opts.Fetcher
	}
	vd, err := ob2.Verify(ctx, data, opts)
	if err != nil {
		r := &Result{Kind: KindCredential, Format: FormatOB2, Errors: []string{msgOB2Unreadable(err)}}
		r.Checks = Checks{Signature: SigInvalid, Validity: ValidNotYet, Status: "unknown", Issuer: IssuerUnconfirmed}
		return finish(r)
	}
	r := &Result{
		Kind: KindCredential, Format: FormatOB2,
		Checks:             Checks{Signature: vd.Signature, Validity: vd.Validity, Status: vd.Status, Issuer: vd.Issuer},
		Errors:             vd.Errors,
		IssuerID:           vd.IssuerID,
		VerificationMethod: vd.VerificationMethod,
		Recipient:          vd.Recipient,
	}
	if vd.Proof != "" {
		r.Proofs = []string{vd.Proof}
	}
	if vd.Expanded {
		if b, err := json.Marshal(vd.Assertion); err == nil {
			r.Expanded = b
		}
	}
	if vd.Signature == SigUnsupported && !v.opts.BadgeFetch && v.opts.Fetcher != nil {
		r.Errors = append(r.Errors, msgOB2NoConsent())
	}
	finish(r)
	if r.Recipient == RecipientMismatch {
		r.Verified = false
	}
	return r
}

// verifyJAdES judges a JAdES-sealed Europass credential; ok is false when b
// is not one.
func (v *Verifier) verifyJAdES(b []byte) (*Result, bool) {
	vd, err := edc.Verify(b, v.now())
	if err != nil {
		return nil, false
	}
	r := &Result{
		Kind: KindCredential, Format: FormatJAdES,
		Checks:   Checks{Signature: vd.Signature, Validity: vd.Validity, Status: vd.Status, Issuer: vd.Issuer},
		Errors:   vd.Errors,
		IssuerID: vd.IssuerID,
		Proofs:   []string{vd.Proof},
	}
	if vd.Subject != "" {
		r.VerificationMethod = "x5c: " + vd.Subject
	}
	return finish(r), true
}

// europassChecks adds to the verdict on an unsealed Europass credential
// what a verifier must know: Europass credentials are sealed with JAdES or
// XAdES, which an embedded-proof check does not see.
func europassChecks(r *Result, doc map[string]any) {
	if r.Checks.Signature == SigMissing && edc.IsEuropass(doc) {
		r.Errors = append(r.Errors, msgEuropassUnsealed())
	}
}

// clrMembers verifies each credential inside a CLR 2.0 transcript
// (credentialSubject.verifiableCredential) on its own and adds the verdicts
// to r.Credentials: a transcript is verified only when every credential in
// it is.
func (v *Verifier) clrMembers(ctx context.Context, r *Result, doc map[string]any) {
	if !contains(stringsOf(doc["type"]), "ClrCredential") {
		return
	}
	var subjects []any
	switch s := doc["credentialSubject"].(type) {
	case map[string]any:
		subjects = []any{s}
	case []any:
		subjects = s
	}
	total := 0
	for _, s := range subjects {
		subj, _ := s.(map[string]any)
		switch m := subj["verifiableCredential"].(type) {
		case []any:
			total += len(m)
		case map[string]any, string:
			total++
		}
	}
	if total > MaxPresentationCredentials {
		// As for a presentation: none is checked, and the transcript is not
		// verified (an unchecked member stands for them all).
		msg := fmt.Sprintf("transcript: it holds %d credentials, more than the %d Skillpass checks in one transcript, so none was checked; ask the issuer for the credentials separately", total, MaxPresentationCredentials)
		r.Errors = append(r.Errors, msg)
		r.Credentials = append(r.Credentials, *finish(&Result{Kind: KindCredential, Checks: Checks{Signature: SigUnsupported,
			Validity: ValidNotYet, Status: "none", Issuer: IssuerUnconfirmed}, Errors: []string{msg}}))
		return
	}
	for _, s := range subjects {
		subj, _ := s.(map[string]any)
		var members []any
		switch m := subj["verifiableCredential"].(type) {
		case []any:
			members = m
		case map[string]any, string:
			members = []any{m}
		}
		for _, m := range members {
			var res *Result
			switch t := m.(type) {
			case map[string]any:
				res = v.verifyLDCredential(ctx, t, true)
			case string:
				if looksLikeJWS(t) {
					if j, err := v.verifyJWTToken(ctx, t, true); err == nil {
						res = j.result
					}
				}
			}
			if res == nil {
				res = finish(&Result{Kind: KindCredential, Checks: Checks{Signature: SigInvalid, Validity: ValidNotYet,
					Status: "none", Issuer: IssuerUnconfirmed}, Errors: []string{msgCLRMemberUnreadable(len(r.Credentials))}})
			}
			if !res.Verified {
				r.Errors = append(r.Errors, msgCLRMemberNotVerified(len(r.Credentials)))
			}
			r.Credentials = append(r.Credentials, *res)
		}
	}
}
