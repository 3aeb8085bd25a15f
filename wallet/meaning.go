package wallet

// checkMeanings explains each verification check value in plain words, for
// the app and the command line alike.
var checkMeanings = map[string]map[string]string{
	"signature": {
		"ok":          "exactly as it was signed: nothing changed since",
		"invalid":     "the signature does not match: the credential was changed or the key is wrong",
		"missing":     "there is no signature to check",
		"unsupported": "not checked: Skillpass cannot check this kind of signature yet, or checking it needs the issuer's key or hosted copy, which was not fetched (offline or without consent)",
	},
	"validity": {
		"ok":            "within its validity dates",
		"expired":       "expired",
		"not-yet-valid": "not valid yet",
	},
	"status": {
		"ok":        "not revoked or suspended",
		"revoked":   "revoked by the issuer",
		"suspended": "suspended by the issuer",
		"unknown":   "its status list could not be checked",
		"none":      "the issuer publishes no status for it",
	},
	"issuer": {
		"confirmed":   "the signing key belongs to the issuer",
		"unconfirmed": "signed, but nothing ties the key to the named issuer",
		"mismatch":    "the signing key belongs to someone else",
	},
	// anchor is reported for blockchain-anchored credentials only
	// (Blockcerts, OpenCerts).
	"anchor": {
		"ok":       "its fingerprint is recorded in the blockchain transaction it names",
		"unknown":  "its blockchain record was not checked (offline, no copy of the transaction given, or a chain or document store Skillpass does not read)",
		"mismatch": "the blockchain transaction it names records something else",
	},
}

// CheckMeaning returns a plain-words explanation of a verification check's
// value ("signature", "ok" → "exactly as it was signed: nothing changed
// since"), or "" for an unknown pair.
func CheckMeaning(check, value string) string { return checkMeanings[check][value] }

// CheckNames lists the checks of a verdict in the order people read them.
// "anchor" has a value only for blockchain-anchored credentials; callers
// skip a check whose value is empty.
var CheckNames = []string{"signature", "validity", "status", "issuer", "anchor"}

// Value returns the value of the named check.
func (c Checks) Value(name string) string {
	switch name {
	case "signature":
		return c.Signature
	case "validity":
		return c.Validity
	case "status":
		return c.Status
	case "issuer":
		return c.Issuer
	case "anchor":
		return c.Anchor
	}
	return ""
}

// Verdict sums up a stored credential's checks in a few words, the most
// important finding first.
func (s Summary) Verdict() string {
	c := s.Checks
	switch {
	case c.Signature != "" && c.Signature != "ok":
		return "signature " + c.Signature
	case c.Issuer == "mismatch":
		return "issuer mismatch"
	case c.Anchor == "mismatch":
		return "anchor mismatch"
	case c.Validity == "expired":
		return "expired"
	case c.Validity == "not-yet-valid":
		return "not valid yet"
	case c.Status == "revoked" || c.Status == "suspended":
		return c.Status
	case c.Anchor == "unknown": // for anchored formats, the bigger caveat
		return "anchor not checked"
	case c.Status == "unknown":
		return "status unknown"
	case s.Verified && c.Issuer == "confirmed":
		return "verified, issuer confirmed"
	case s.Verified:
		return "verified, issuer not confirmed"
	default:
		return "not verified"
	}
}
