package wallet

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// Lines settleStatus adds to a verdict's Errors. Like the verifier's own
// status lines they start with "status: ", so that a later check can tell
// them apart from the other checks' errors.
const (
	// statusPrefix starts every error line about the status check.
	statusPrefix = "status: "
	// foundMark is in the line that says when a check learnt a revocation
	// or suspension: "status: revoked as found by the check of <time>".
	foundMark = " as found by the check of "
	// keptMark is in the line that says a check could not confirm the
	// stored status and kept it: "status: revoked kept: the check of ...".
	keptMark = " kept: the check of "
)

// checkTime is how settleStatus writes the time of a check.
const checkTime = "2006-01-02 15:04 UTC"

// settleStatus returns the verdict a re-check at time at stores, given the
// stored one and the fresh one (fresh is not modified). It is the one place
// where Reverify, ReverifyWith and ReverifyAll decide what a status that
// could not be checked does to a status learnt earlier.
//
// The rule follows the W3C Bitstring Status List (and StatusList2021)
// status purposes. A revocation "cancels the validity of a credential" and
// is not reversible; a suspension "temporarily prevents its acceptance" and
// is reversible. The verifier reports "revoked" only for what can be
// revoked (a set bit in an entry whose statusPurpose is "revocation", an
// Open Badges 2.0 or Blockcerts revocation list) and "suspended" only for a
// set bit in a "suspension" entry, so the stored status alone tells which
// applies:
//
//   - stored revoked: a fresh "unknown" (the list could not be fetched, was
//     offline, or could not be verified) keeps "revoked", since nothing can
//     undo a revocation. So does a fresh "suspended": the verifier reports
//     suspended over an entry it could not read, so it does not show that
//     the revocation list was read. A fresh "ok" or "none" is the issuer's
//     list speaking; it replaces "revoked" (which the spec says should not
//     happen: the change is logged like any other, and the log says so).
//   - stored suspended: a fresh "unknown" keeps "suspended". A suspension
//     may have been lifted since, but only the issuer's list can say so;
//     an unreadable list is no evidence either way, and turning "suspended"
//     into "unknown" would let a suspended credential pass wherever an
//     unchecked one does. Any definite answer ("ok", "none", "revoked",
//     "suspended") replaces it: that is how a lifted suspension becomes
//     "ok" again.
//   - anything else: the fresh verdict is stored as it is ("ok" becomes
//     "unknown" when the list cannot be read: nothing negative was known).
//
// When the status is kept, the other checks (signature, validity, issuer,
// anchor) still come from the fresh verdict, Verified is false (a revoked
// or suspended credential never verifies), and Errors holds the fresh
// verdict's other errors, the stored status lines (how the status was
// learnt: the issuer's reason, the list and entry; and when, see below) and
// one line saying that this check could not confirm it and why; that line
// replaces the one an earlier such check left. When a check learns a new
// "revoked" or "suspended", it adds a line naming the time of that check;
// a later check that finds the same status carries that line forward.
// kept reports whether the stored status was kept over the fresh one.
func settleStatus(stored verify.Result, fresh *verify.Result, at time.Time) (out verify.Result, kept bool) {
	out = *fresh
	out.Errors = slices.Clone(fresh.Errors)
	old, got := stored.Checks.Status, fresh.Checks.Status
	if keepsStatus(old, got) {
		out.Checks.Status = old
		out.Verified = false
		lines := otherLines(fresh.Errors)
		for _, e := range stored.Errors {
			if isStatusLine(e) && !strings.Contains(e, keptMark) {
				lines = append(lines, e)
			}
		}
		out.Errors = append(lines, keptLine(old, got, statusLines(fresh.Errors), at))
		return out, true
	}
	if got != string(status.Revoked) && got != string(status.Suspended) {
		return out, false
	}
	if got != old {
		out.Errors = append(out.Errors, fmt.Sprintf("%s%s%s%s", statusPrefix, got, foundMark, at.UTC().Format(checkTime)))
		return out, false
	}
	for _, e := range stored.Errors {
		if strings.HasPrefix(e, statusPrefix+got+foundMark) {
			out.Errors = append(out.Errors, e)
		}
	}
	return out, false
}

// keepsStatus reports whether a fresh status got leaves the stored status
// old in place (see settleStatus).
func keepsStatus(old, got string) bool {
	switch old {
	case string(status.Revoked):
		return got == string(status.Unknown) || got == string(status.Suspended)
	case string(status.Suspended):
		return got == string(status.Unknown)
	}
	return false
}

// keptLine says that the check at at could not confirm the stored status
// old (it found got, for the reasons in why) and why old stands.
func keptLine(old, got string, why []string, at time.Time) string {
	found := "could not read the status"
	if got != string(status.Unknown) {
		found = "found it " + got + " but could not read every status list"
	}
	reason := ""
	if len(why) > 0 {
		var parts []string
		for _, w := range why {
			parts = append(parts, strings.TrimPrefix(w, statusPrefix))
		}
		reason = " (" + strings.Join(parts, "; ") + ")"
	}
	stands := "a revocation is permanent"
	if old == string(status.Suspended) {
		stands = "a suspension stands until the issuer's list says it is lifted; check again when the list can be reached"
	}
	return fmt.Sprintf("%s%s%s%s %s%s; %s", statusPrefix, old, keptMark, at.UTC().Format(checkTime), found, reason, stands)
}

// isStatusLine reports whether an error line is about the status check.
func isStatusLine(e string) bool { return strings.HasPrefix(e, statusPrefix) }

// statusLines returns the lines of errs about the status check.
func statusLines(errs []string) []string {
	var out []string
	for _, e := range errs {
		if isStatusLine(e) {
			out = append(out, e)
		}
	}
	return out
}

// otherLines returns the lines of errs about the other checks, never nil
// (verify.Result.Errors is never nil).
func otherLines(errs []string) []string {
	out := []string{}
	for _, e := range errs {
		if !isStatusLine(e) {
			out = append(out, e)
		}
	}
	return out
}
