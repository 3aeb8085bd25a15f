package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// newStatusChecker returns the status checker of v: lists are fetched with
// f and verified by v itself, without their own status (so a list that
// names a status list cannot make verification loop).
func newStatusChecker(v *Verifier, f did.Fetcher) *status.Checker {
	var sf status.Fetcher
	if f != nil {
		sf = f
	}
	return status.NewChecker(sf, v.verifyList, status.WithClock(v.now))
}

// errListRejected is wrapped by verifyList when a status list credential
// does not pass.
var errListRejected = errors.New("status list credential not verified")

// verifyList is the status.ListVerifier: it verifies a status list
// credential (JSON-LD or VC-JWT) and returns the credential as a JSON
// object (for a VC-JWT, its vc claim with iss mapped to issuer).
func (v *Verifier) verifyList(ctx context.Context, raw []byte) (map[string]any, error) {
	in, err := classify(raw)
	if err != nil {
		return nil, fmt.Errorf("status list: %w", err)
	}
	var (
		r    *Result
		cred map[string]any
	)
	switch {
	case in.jwt != "":
		// Refuse presentations before verifying anything: their members
		// have status entries of their own, which could lead back here.
		jp, err := decodeJWT(in.jwt)
		if err != nil {
			return nil, fmt.Errorf("status list: %w", err)
		}
		if _, isVP := jp.payload["vp"]; isVP || contains(stringsOf(jp.payload["type"]), "VerifiablePresentation") {
			return nil, fmt.Errorf("status list: %w: a presentation is not a status list", errListRejected)
		}
		var j *jwtResult
		j, err = v.verifyJWTToken(ctx, in.jwt, false)
		if err != nil {
			return nil, fmt.Errorf("status list: %w", err)
		}
		r, cred = j.result, j.cred
	case in.kind == KindCredential:
		r, cred = v.verifyLDCredential(ctx, in.doc, false), in.doc
	default:
		return nil, fmt.Errorf("status list: %w: a presentation is not a status list", errListRejected)
	}
	if r.Kind != KindCredential || cred == nil {
		return nil, fmt.Errorf("status list: %w: not a credential", errListRejected)
	}
	c := r.Checks
	if c.Signature != SigOK || c.Validity != ValidOK || c.Issuer == IssuerMismatch {
		return nil, fmt.Errorf("status list: %w: %s", errListRejected, strings.Join(r.Errors, "; "))
	}
	return cred, nil
}
