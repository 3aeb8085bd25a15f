package blockcerts

import (
	"context"
	"encoding/json"
	"fmt"
)

// checkRevocation sets r.Status for a version 2 certificate from the
// revocation list its badge's issuer names, or failing that the one its
// issuer profile names.
func (v *Verifier) checkRevocation(ctx context.Context, doc, issuer map[string]any, r *Result) {
	list := str(issuer["revocationList"])
	profile := str(issuer["id"])
	if list == "" && profile == "" {
		r.Status = StatusNone
		return
	}
	r.Status = StatusUnknown
	if v.fetcher == nil {
		where := list
		if where == "" {
			where = profile + " (the issuer's profile, which names the list)"
		}
		r.Errors = append(r.Errors, fmt.Sprintf("status: the issuer's revocation list was not checked (offline); run the verifier with --offline-dir DIR holding a copy of %s as DIR/<host>/<path>, or allow it to use the network", where))
		return
	}
	if list == "" {
		body, err := v.fetcher.Fetch(ctx, profile)
		if err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("status: the issuer's profile %s could not be read (%v), so revocation is unknown", profile, err))
			return
		}
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			r.Errors = append(r.Errors, fmt.Sprintf("status: the issuer's profile %s is not JSON, so revocation is unknown", profile))
			return
		}
		list = str(p["revocationList"])
		if list == "" {
			r.Status = StatusNone
			return
		}
	}
	body, err := v.fetcher.Fetch(ctx, list)
	if err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("status: the revocation list %s could not be read (%v); whether the issuer has revoked the certificate is unknown", list, err))
		return
	}
	var rl struct {
		RevokedAssertions []struct {
			ID     string `json:"id"`
			Reason string `json:"revocationReason"`
		} `json:"revokedAssertions"`
	}
	if err := json.Unmarshal(body, &rl); err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("status: the revocation list %s cannot be read (%v); whether the issuer has revoked the certificate is unknown", list, err))
		return
	}
	id := str(doc["id"])
	for _, a := range rl.RevokedAssertions {
		if a.ID != "" && a.ID == id {
			r.Status = StatusRevoked
			msg := fmt.Sprintf("status: the issuer has revoked this certificate (revocation list %s)", list)
			if a.Reason != "" {
				msg += ": " + a.Reason
			}
			r.Errors = append(r.Errors, msg)
			return
		}
	}
	r.Status = StatusOK
}
