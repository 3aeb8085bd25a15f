package blockcerts

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mr-tron/base58"
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // Bitcoin addresses are RIPEMD-160 by definition
)

// keyPrefix starts the id of a Blockcerts issuer key: the Bitcoin (or
// Ethereum) address that issues.
const keyPrefix = "ecdsa-koblitz-pubkey:"

// p2pkhAddress returns the Bitcoin P2PKH address of a public key.
func p2pkhAddress(pub []byte, mainnet bool) string {
	sum := sha256.Sum256(pub)
	h := ripemd160.New()
	h.Write(sum[:])
	payload := []byte{0x6f} // testnet
	if mainnet {
		payload[0] = 0x00
	}
	payload = h.Sum(payload)
	c1 := sha256.Sum256(payload)
	c2 := sha256.Sum256(c1[:])
	return base58.Encode(append(payload, c2[:4]...))
}

// profileKey is one key of a Blockcerts issuer profile.
type profileKey struct {
	ID      string `json:"id"`
	Created string `json:"created"`
	Expires string `json:"expires"`
	Revoked string `json:"revoked"`
}

// checkIssuerKey sets r.Issuer once the anchor holds and the transaction's
// paying addresses are known: "confirmed" when the issuer's profile (read
// through the Fetcher) lists one of them as its key and the key was not
// revoked or expired when the certificate was issued, "mismatch" when it
// lists none of them (or only one revoked or expired by then). Without the
// profile the issuer stays "unconfirmed".
func (v *Verifier) checkIssuerKey(ctx context.Context, profileURL string, issued any, r *Result) bool {
	if r.Anchor != AnchorOK || len(r.senders) == 0 || v.fetcher == nil || !strings.HasPrefix(profileURL, "https://") {
		return false
	}
	profileURL, _, _ = strings.Cut(profileURL, "#")
	body, err := v.fetcher.Fetch(ctx, profileURL)
	if err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("issuer: the issuer's profile %s could not be read (%v), so whether address %s is the issuer's key is unknown", profileURL, err, strings.Join(r.senders, ", ")))
		return true
	}
	var p struct {
		PublicKey []profileKey `json:"publicKey"`
	}
	if err := json.Unmarshal(body, &p); err != nil || len(p.PublicKey) == 0 {
		r.Errors = append(r.Errors, fmt.Sprintf("issuer: the issuer's profile %s lists no keys, so whether address %s is the issuer's key is unknown", profileURL, strings.Join(r.senders, ", ")))
		return true
	}
	when, whenOK := dateOf(issued)
	for _, k := range p.PublicKey {
		addr := strings.TrimPrefix(k.ID, keyPrefix)
		if !slices.ContainsFunc(r.senders, func(s string) bool { return strings.EqualFold(s, addr) }) {
			continue
		}
		for _, end := range []struct{ what, at string }{{"revoked", k.Revoked}, {"expired", k.Expires}} {
			t, ok := dateOf(end.at)
			if end.at != "" && (!ok || !whenOK || !when.Before(t)) {
				r.Issuer = IssuerMismatch
				r.Errors = append(r.Errors, fmt.Sprintf("issuer: the issuer's key %s was %s (%s) when the certificate says it was issued", addr, end.what, end.at))
				return true
			}
		}
		r.Issuer = IssuerConfirmed
		return true
	}
	r.Issuer = IssuerMismatch
	r.Errors = append(r.Errors, fmt.Sprintf("issuer: the anchoring transaction was paid by %s, which the issuer's profile %s does not list as its key: someone other than the issuer published this certificate", strings.Join(r.senders, ", "), profileURL))
	return true
}

// dateOf reads an RFC 3339 date-time (or a date).
func dateOf(v any) (time.Time, bool) {
	s, _ := v.(string)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
