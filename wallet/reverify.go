package wallet

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/ob2"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// ActionCheck is a re-check of stored credentials in the activity log: one
// entry per credential whose verdict changed (Detail names the checks that
// changed, e.g. "status unknown→revoked"), one per check the learner asked
// for over the network (ReverifyWith with a Fetcher), and one summing up
// each ReverifyAll. Like every entry it names credentials and checks, never
// a claim's value.
const ActionCheck Action = "check"

// CheckOptions are what one re-check may reach, chosen per call (the app
// asks the learner first) rather than when the wallet was opened.
type CheckOptions struct {
	// Fetcher fetches did:web documents and status lists (and, with
	// BadgeFetch, an Open Badges 2.0 badge's parts). Nil means offline.
	Fetcher did.Fetcher
	// BadgeFetch is the learner's consent to fetch, through Fetcher, what an
	// Open Badges 2.0 badge names by URL: its hosted copy, which tells the
	// issuer the badge is being looked at, badge class, issuer profile, key
	// and revocation list (see verify.Options.BadgeFetch). ReverifyAll
	// ignores it: it never fetches an Open Badges 2.0 badge.
	BadgeFetch bool
	// Hosts are the hosts (as BadgeHosts writes them) the learner agreed
	// to contact. When not nil, or whenever BadgeFetch is set, every fetch
	// of the check goes to these hosts only, redirects included; a fetch
	// elsewhere is refused before anything is sent (see did.HostsOnly) and
	// the credential is not judged: Recheck.NeedsConsent (or
	// ImportResult.NeedsConsent) names the host, for the app to ask again.
	// With BadgeFetch set and Hosts nil, the hosts are those the badge
	// names (BadgeHosts, BadgeFileHosts): what the app showed the learner.
	Hosts []string
}

// refusalsKey is the context key of a check's *refusals.
type refusalsKey struct{}

// refusals collects the hosts the fetches of one credential's check were
// refused (CheckOptions.Hosts); safe for concurrent use.
type refusals struct {
	mu    sync.Mutex
	hosts []string
}

// add records host.
func (r *refusals) add(host string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.hosts, host) {
		r.hosts = append(r.hosts, host)
	}
}

// list returns the hosts recorded, sorted (nil for none).
func (r *refusals) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.hosts)
	slices.Sort(out)
	return out
}

// withRefusals returns ctx carrying a fresh *refusals for one credential's
// check, and that *refusals.
func withRefusals(ctx context.Context) (context.Context, *refusals) {
	r := &refusals{}
	return context.WithValue(ctxOrBackground(ctx), refusalsKey{}, r), r
}

// consentFetcher returns f limited to hosts (did.HostsOnly), recording each
// refused host in the *refusals of the fetch's context.
func consentFetcher(f did.Fetcher, hosts []string) did.Fetcher {
	limited := did.HostsOnly(f, hosts)
	return did.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		b, err := limited.Fetch(ctx, u)
		var he *did.HostError
		if errors.As(err, &he) {
			if r, ok := ctx.Value(refusalsKey{}).(*refusals); ok {
				r.add(he.Host)
			}
		}
		return b, err
	})
}

// needsConsent is the reason a check gives when it was refused hosts.
func needsConsent(hosts []string) string {
	return fmt.Sprintf("not checked: it needs %s, which you did not agree to contact; the verdict stays as it was", strings.Join(hosts, ", "))
}

// Recheck is the outcome of verifying one stored credential again.
type Recheck struct {
	// Record is the credential as stored after the check.
	Record *Record
	// Before is the summary (and so the verdict) it had before.
	Before Summary
	// Changed reports whether the stored verdict changed.
	Changed bool
	// NotChecked is set when the new check could judge nothing: an Open
	// Badges 2.0 badge whose hosted copy or key could not be fetched (no
	// consent, or the issuer could not be reached). The stored verdict is
	// then kept, since nothing was found wrong either; NotChecked holds the
	// verifier's reasons (never empty then).
	NotChecked []string
	// NeedsConsent lists the hosts the check needed but was not allowed to
	// contact (CheckOptions.Hosts), sorted; NotChecked is then set too and
	// the stored verdict kept. Ask the learner about these hosts and check
	// again with them added.
	NeedsConsent []string
	// StatusKept is set when the check could not confirm a stored
	// "revoked" or "suspended" status and kept it (see settleStatus): the
	// record's Errors then say when and how the status was learnt and why
	// this check could not confirm it.
	StatusKept bool
}

// CheckReport sums up ReverifyAll.
type CheckReport struct {
	// Total is the number of credentials in the wallet when the check
	// started; Checked how many were checked (fewer when cancelled).
	Total, Checked int
	// Changed lists the credentials whose verdict changed, in the order
	// checked.
	Changed []Recheck
	// NotChecked lists the credentials that could not be judged (see
	// Recheck.NotChecked): Open Badges 2.0 badges, without BadgeFetch.
	NotChecked []Recheck
	// Failed holds one error per credential that could not be checked at
	// all (its record unreadable); the others were checked regardless.
	Failed []error
}

// checkLoader is the JSON-LD context loader of the verifiers made for
// CheckOptions: parsed once per process (a Loader is safe for concurrent
// use).
var checkLoader = sync.OnceValues(func() (*ld.Loader, error) { return ld.NewLoader() })

// checkVerifier returns a verifier for o, on the wallet's clock. When hosts
// is not nil its fetches go to these hosts only (see consentFetcher).
func (w *Wallet) checkVerifier(o CheckOptions, hosts []string) (*verify.Verifier, error) {
	l, err := checkLoader()
	if err != nil {
		return nil, fmt.Errorf("check credentials: %w", err)
	}
	f := o.Fetcher
	if f != nil && hosts != nil {
		f = consentFetcher(f, hosts)
	}
	v, err := verify.New(verify.Options{Fetcher: f, Now: w.now, Loader: l, BadgeFetch: o.BadgeFetch})
	if err != nil {
		return nil, fmt.Errorf("check credentials: %w", err)
	}
	return v, nil
}

// ReverifyWith verifies a stored credential (id or unique id prefix) again
// with o instead of the options the wallet was opened with, and keeps the
// new verdict; for an Open Badges 2.0 badge that could not be judged (see
// Recheck.NotChecked) it keeps the old one. A stored "revoked" or
// "suspended" status that the check could not confirm (the status list
// offline or unreachable) is kept, with a note (see Recheck.StatusKept and
// settleStatus for the rule); a definite answer from the list replaces it.
// A check that needed a host outside o.Hosts keeps the verdict and names
// the host in Recheck.NeedsConsent. A check that was allowed the network
// (o.Fetcher set) is recorded in the activity log whatever its outcome,
// since it may have contacted the issuer's web site; otherwise only a
// changed verdict is. The wallet is not held while the check fetches:
// locking it meanwhile makes the check fail with ErrLocked, and deleting
// the credential with ErrNotFound, storing nothing.
func (w *Wallet) ReverifyWith(ctx context.Context, id string, o CheckOptions) (*Recheck, error) {
	rec, err := w.Get(id)
	if err != nil {
		return nil, err
	}
	hosts := o.Hosts
	if hosts == nil && o.BadgeFetch {
		hosts = append([]string{}, BadgeHosts([]byte(rec.Raw))...)
	}
	v, err := w.checkVerifier(o, hosts)
	if err != nil {
		return nil, err
	}
	return w.recheck(ctx, v, rec, o.Fetcher != nil)
}

// ReverifyAll verifies every stored credential again with o (one verifier,
// so status lists and keys shared by several credentials are fetched once)
// and keeps the new verdicts, as ReverifyWith does. progress, when not nil,
// is called after each credential with the number done and the total, on
// the calling goroutine. Cancelling ctx stops between credentials: the
// report then holds what was checked, and the error wraps ctx.Err(). A
// locked wallet stops the check with ErrLocked. The activity log gets one
// entry per changed verdict and one for the whole check. It never fetches
// an Open Badges 2.0 badge (o.BadgeFetch is ignored): those are reported in
// CheckReport.NotChecked.
func (w *Wallet) ReverifyAll(ctx context.Context, o CheckOptions, progress func(done, total int)) (*CheckReport, error) {
	ctx = ctxOrBackground(ctx)
	o.BadgeFetch = false
	v, err := w.checkVerifier(o, o.Hosts)
	if err != nil {
		return nil, err
	}
	list, err := w.List()
	if err != nil {
		return nil, fmt.Errorf("check credentials: %w", err)
	}
	rep := &CheckReport{Total: len(list)}
	var stop error
	for i, s := range list {
		if err := ctx.Err(); err != nil {
			stop = fmt.Errorf("check credentials: stopped after %d of %d: %w", rep.Checked, rep.Total, err)
			break
		}
		rc, err := w.reverify(ctx, v, s.ID, false)
		switch {
		case errors.Is(err, ErrLocked):
			stop = fmt.Errorf("check credentials: %w", err)
		case err != nil && ctx.Err() != nil:
			stop = fmt.Errorf("check credentials: stopped after %d of %d: %w", rep.Checked, rep.Total, ctx.Err())
		case err != nil:
			rep.Failed = append(rep.Failed, err)
		default:
			rep.Checked++
			if rc.Changed {
				rep.Changed = append(rep.Changed, *rc)
			}
			if rc.NotChecked != nil {
				rep.NotChecked = append(rep.NotChecked, *rc)
			}
		}
		if stop != nil {
			break
		}
		if progress != nil {
			progress(i+1, rep.Total)
		}
	}
	detail := fmt.Sprintf("%d of %d checked, %d changed", rep.Checked, rep.Total, len(rep.Changed))
	if o.Fetcher != nil {
		detail += ", network allowed"
	}
	outcome := OutcomeDone
	if stop != nil {
		outcome = OutcomeFailed
	}
	logErr := w.logActivity(Entry{Action: ActionCheck, Outcome: outcome, Detail: detail})
	if stop != nil || logErr != nil {
		return rep, errors.Join(stop, logErr)
	}
	return rep, nil
}

// reverify checks record id again with v and stores the verdict. It logs
// the check when the verdict changed, or always when logAlways.
func (w *Wallet) reverify(ctx context.Context, v *verify.Verifier, id string, logAlways bool) (*Recheck, error) {
	rec, err := w.Get(id)
	if err != nil {
		return nil, err
	}
	return w.recheck(ctx, v, rec, logAlways)
}

// recheck verifies the stored credential read as read again with v, without
// holding the wallet (the verifier may spend minutes on the network), then
// stores the verdict on the record as stored by then. A wallet locked or a
// record deleted meanwhile fails the check and stores nothing.
func (w *Wallet) recheck(ctx context.Context, v *verify.Verifier, read *Record, logAlways bool) (*Recheck, error) {
	ctx, refused := withRefusals(ctx)
	vr, err := v.Verify(ctx, []byte(read.Raw))
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", read.ID, err)
	}
	if err := ctx.Err(); err != nil {
		// Fetches cut short say nothing about the credential: keep its verdict.
		return nil, fmt.Errorf("verify %s: %w", read.ID, err)
	}
	release, err := w.use()
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", read.ID, err)
	}
	defer release()
	w.mu.Lock()
	defer w.mu.Unlock()
	rec, err := w.get(read.ID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("verify %s: the credential was deleted during the check: %w", read.ID, err)
	} else if err != nil {
		return nil, fmt.Errorf("verify %s: %w", read.ID, err)
	}
	rc := &Recheck{Before: rec.Summary}
	if hosts := refused.list(); hosts != nil {
		rc.NeedsConsent = hosts
		rc.NotChecked = []string{needsConsent(hosts)}
	} else if notJudged(vr) {
		rc.NotChecked = append([]string{}, vr.Errors...)
		if len(rc.NotChecked) == 0 {
			rc.NotChecked = []string{"signature " + vr.Checks.Signature}
		}
	} else {
		rec.Result, rc.StatusKept = settleStatus(rec.Result, vr, w.now())
		setChecks(&rec.Summary, &rec.Result)
	}
	rc.Record = rec
	rc.Changed = rec.Summary.Checks != rc.Before.Checks || rec.Summary.Verified != rc.Before.Verified
	var log *Entry
	if rc.Changed || logAlways {
		e := w.checkEntry(rc)
		log = &e
	}
	if rc.NotChecked != nil && log == nil {
		return rc, nil // nothing to store
	}
	if rc.NotChecked != nil {
		return rc, w.logActivity(*log)
	}
	if err := w.put(rec, log); err != nil {
		return nil, err
	}
	return rc, nil
}

// notJudged reports whether a verdict on an Open Badges 2.0 badge judged
// nothing: its signature could not be checked because the badge (or its
// key) was not fetched.
func notJudged(vr *verify.Result) bool {
	return vr.Format == verify.FormatOB2 && vr.Checks.Signature == verify.SigUnsupported
}

// checkEntry is the activity entry of a re-check: the credential's names and
// the checks that changed (never a claim's value).
func (w *Wallet) checkEntry(rc *Recheck) Entry {
	s := rc.Record.Summary
	e := Entry{Time: w.now().UTC(), Action: ActionCheck, Outcome: OutcomeDone, Counterparty: s.IssuerID,
		Credential: s.ID, Name: s.Name, Types: s.Types}
	if vc, err := credentialJSON([]byte(rc.Record.Raw)); err == nil {
		e.Claims = claimNames(vc)
	}
	var changes []string
	for _, name := range CheckNames {
		if a, b := rc.Before.Checks.Value(name), s.Checks.Value(name); a != b {
			c := name + " " + a + "→" + b
			if name == "status" && a == string(status.Revoked) {
				c += " (the issuer's list no longer marks it revoked, though a revocation is meant to be permanent)"
			}
			changes = append(changes, c)
		}
	}
	switch {
	case rc.NeedsConsent != nil:
		e.Outcome, e.Detail = OutcomeFailed, "not checked (it needs "+strings.Join(rc.NeedsConsent, ", ")+", not agreed to); verdict kept"
	case rc.NotChecked != nil:
		e.Outcome, e.Detail = OutcomeFailed, "not checked (the badge could not be fetched); verdict kept"
	case len(changes) > 0:
		e.Detail = strings.Join(changes, "; ")
	default:
		e.Detail = "no change"
	}
	if rc.StatusKept {
		e.Detail += "; status " + s.Checks.Status + " kept (this check could not confirm it)"
	}
	return e
}

// ImportWith is Import with o instead of the options the wallet was opened
// with: the app imports an Open Badges 2.0 badge this way once the learner
// has agreed to fetch it from its issuer. A credential whose check needed a
// host outside o.Hosts is not stored: its ImportResult is rejected and
// names the hosts in NeedsConsent.
func (w *Wallet) ImportWith(ctx context.Context, name string, data []byte, o CheckOptions) ([]ImportResult, error) {
	hosts := o.Hosts
	if hosts == nil && o.BadgeFetch {
		hosts = append([]string{}, BadgeFileHosts(name, data)...)
	}
	v, err := w.checkVerifier(o, hosts)
	if err != nil {
		return nil, err
	}
	return w.importUsing(ctx, v, name, data)
}

// NeedsBadgeFetch reports whether a verdict is that of an Open Badges 2.0
// badge whose signature could not be checked without fetching the badge or
// its issuer's key (CheckOptions.BadgeFetch).
func NeedsBadgeFetch(r *verify.Result) bool { return r != nil && notJudged(r) }

// BadgeFileHosts is BadgeHosts for every credential in a file as Import
// reads it (a baked PNG or SVG badge included), sorted; nil when the file
// holds no Open Badges 2.0 badge.
func BadgeFileHosts(name string, data []byte) []string {
	items, err := importer.Parse(name, data, importer.DefaultLimits())
	if err != nil {
		return nil
	}
	var hosts []string
	for _, it := range items {
		for _, h := range BadgeHosts(it.Raw) {
			if !slices.Contains(hosts, h) {
				hosts = append(hosts, h)
			}
		}
	}
	slices.Sort(hosts)
	return hosts
}

// BadgeHosts returns the hosts an Open Badges 2.0 badge (raw: its JSON or
// JWS, as stored in Record.Raw) names for fetching it: where its hosted copy,
// badge class, issuer profile and signing key live, sorted. The documents
// found there may name more (a revocation list), usually on the same hosts.
// It returns nil for anything else.
func BadgeHosts(raw []byte) []string {
	doc, _, err := ob2.Parse(raw)
	if err != nil {
		return nil
	}
	var hosts []string
	add := func(v any) {
		s, ok := v.(string)
		if !ok {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return
		}
		if h := strings.ToLower(u.Host); !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	add(doc["id"])
	if ver := obj(doc["verification"]); ver != nil {
		add(ver["creator"])
	}
	add(doc["badge"])
	if badge := obj(doc["badge"]); badge != nil {
		add(badge["id"])
		add(badge["issuer"])
		if is := obj(badge["issuer"]); is != nil {
			add(is["id"])
			add(is["revocationList"])
			add(is["publicKey"])
		}
	}
	slices.Sort(hosts)
	return hosts
}
