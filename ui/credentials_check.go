package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
)

// CheckVault is what the credentials screen needs to check credentials
// again when the learner asks, over the network, and to import an Open
// Badges 2.0 badge with the learner's consent to fetch it (a wallet.Wallet
// has it; with a Vault without it, or without App.Fetcher, the screen
// offers no such checks).
type CheckVault interface {
	ReverifyWith(ctx context.Context, id string, o wallet.CheckOptions) (*wallet.Recheck, error)
	ReverifyAll(ctx context.Context, o wallet.CheckOptions, progress func(done, total int)) (*wallet.CheckReport, error)
	ImportWith(ctx context.Context, name string, data []byte, o wallet.CheckOptions) ([]wallet.ImportResult, error)
}

var _ CheckVault = (*wallet.Wallet)(nil)

// Confirm returns the confirmation dialog shown last (nil before any) and
// its message.
func (s *CredentialsScreen) Confirm() (*dialog.ConfirmDialog, string) { return s.confirm, s.confirmMsg }

// canCheck reports whether the screen can check credentials over the
// network: the vault offers it and the app has a fetcher.
func (s *CredentialsScreen) canCheck() bool {
	_, ok := s.vault.(CheckVault)
	return ok && s.app.Fetcher != nil
}

// CheckAll returns the "Check all again…" button.
func (s *CredentialsScreen) CheckAll() *widget.Button { return s.checkB }

// CancelCheck returns the button that cancels a running check.
func (s *CredentialsScreen) CancelCheck() *widget.Button { return s.cancelB }

// FetchBadge returns the detail pane's "Fetch from issuer…" button (shown
// for an Open Badges 2.0 badge).
func (s *CredentialsScreen) FetchBadge() *widget.Button { return s.fetchB }

// Progress returns the progress bar of imports and checks.
func (s *CredentialsScreen) Progress() *widget.ProgressBar { return s.progress }

// LastCheck returns the summary of the last check the learner asked for
// ("Check all again…" or "Fetch from issuer…"); empty until one finished.
func (s *CredentialsScreen) LastCheck() string {
	if p := s.lastCheck.Load(); p != nil {
		return *p
	}
	return ""
}

// jobKind is the work the credentials screen is busy with: one job at a
// time.
type jobKind int

const (
	jobNone   jobKind = iota
	jobImport         // an import (files, folder, drop, fetched badges)
	jobCheck          // "Check all again…": the one job Cancel stops
	jobFetch          // "Fetch from issuer…" of the badge shown
)

// heldReport is the report of a job that finished while the wallet was
// locked.
type heldReport struct{ title, text string }

// Busy reports whether an import or check runs (its buttons are disabled
// meanwhile).
func (s *CredentialsScreen) Busy() bool { return s.job != jobNone }

// startJob starts a job of kind and returns its context, cancelled when the
// job ends, by Cancel and when the wallet locks. While another job runs it
// says so and returns false.
func (s *CredentialsScreen) startJob(kind jobKind) (context.Context, bool) {
	if s.job != jobNone {
		dialog.ShowInformation(lang.L("Busy"), lang.L("An import or check is running. Try again when it has finished."), s.app.window)
		return nil, false
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.job, s.cancel = kind, cancel
	s.setBusy(true)
	if kind == jobCheck {
		s.cancelB.Enable()
		s.cancelB.Show()
	}
	return ctx, true
}

// endJob ends the running job and enables the buttons again.
func (s *CredentialsScreen) endJob() {
	if s.cancel != nil {
		s.cancel()
	}
	s.job, s.cancel = jobNone, nil
	s.setBusy(false)
}

// locked runs on the UI goroutine when the wallet locks: the running job is
// cancelled (its report waits for the unlock) and the screen's dialogs are
// closed.
func (s *CredentialsScreen) locked() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.confirm != nil {
		s.confirm.Hide()
	}
	for _, d := range s.reports {
		d.Hide()
	}
	s.reports = nil
}

// hold keeps a finished job's report until the wallet is unlocked.
func (s *CredentialsScreen) hold(title, text string) {
	s.held = append(s.held, heldReport{title: title, text: text})
}

// inform shows a job's report, hidden again when the wallet locks.
func (s *CredentialsScreen) inform(title, text string) {
	s.track(dialog.NewInformation(title, text, s.app.window))
}

// track shows d and keeps it (the last few) for locked to hide.
func (s *CredentialsScreen) track(d dialog.Dialog) {
	if len(s.reports) >= 8 {
		s.reports = append(s.reports[:0], s.reports[1:]...)
	}
	s.reports = append(s.reports, d)
	d.Show()
}

// showHeld shows the reports held while the wallet was locked.
func (s *CredentialsScreen) showHeld() {
	if s.app.Locked() {
		return
	}
	for _, h := range s.held {
		s.inform(h.title, h.text)
	}
	s.held = nil
}

// goNet runs a network job on its own goroutine (App.goTracked), counted so
// that loadCategories does not wait for it.
func (s *CredentialsScreen) goNet(work func()) {
	s.app.goTracked(func() {
		s.app.jobsMu.Lock()
		s.netJobs++
		s.app.jobsMu.Unlock()
		defer func() {
			s.app.jobsMu.Lock()
			s.netJobs--
			s.app.jobsMu.Unlock()
		}()
		work()
	})
}

// do reports back from a network job: fyne.Do, never while a background
// job runs (under the test driver fyne.Do runs on the calling goroutine).
func (s *CredentialsScreen) do(f func()) { s.app.quiet(func() { fyne.Do(f) }) }

// ask shows a confirmation (Confirm returns it); then gets the answer once,
// a close by the lock counting as no.
func (s *CredentialsScreen) ask(title, msg, confirm string, then func(ok bool)) {
	answered := false
	s.confirmMsg = msg
	s.confirm = dialog.NewConfirm(title, msg, func(ok bool) {
		if answered {
			return
		}
		answered = true
		then(ok)
	}, s.app.window)
	s.confirm.SetConfirmText(confirm)
	s.confirm.Show()
}

// onCheckAll asks before contacting the issuers' web sites, then checks
// every credential again. It never fetches an Open Badges 2.0 badge (the
// wallet's ReverifyAll does not), as the question says.
func (s *CredentialsScreen) onCheckAll() {
	s.app.touch()
	if !s.canCheck() || s.Busy() {
		return
	}
	s.ask(lang.L("Check all credentials again?"), lang.L("Skillpass will contact the web sites of your credentials' issuers to fetch their keys and revocation lists, to learn whether each credential still holds.\n\nNothing else leaves this computer: your credentials and your data are not sent. Open Badges 2.0 badges are not fetched here; open one and use \"Fetch from issuer…\"."),
		lang.L("Check"), func(ok bool) {
			if ok {
				s.checkAll()
			}
		})
}

// checkAll checks every credential again on its own goroutine, with a
// progress bar and a Cancel button, then shows what changed.
func (s *CredentialsScreen) checkAll() {
	cv, ok := s.vault.(CheckVault)
	if !ok {
		return
	}
	ctx, ok := s.startJob(jobCheck)
	if !ok {
		return
	}
	s.lastCheck.Store(nil)
	o := wallet.CheckOptions{Fetcher: s.app.Fetcher}
	s.goNet(func() {
		rep, err := cv.ReverifyAll(ctx, o, func(done, total int) {
			v := float64(done) / float64(total)
			s.do(func() { s.progress.SetValue(v); s.app.touch() })
		})
		s.do(func() {
			s.endJob()
			text := CheckSummary(rep, err)
			if s.app.Locked() {
				s.hold(lang.L("Check all again"), text)
				s.lastCheck.Store(&text)
				return
			}
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			s.inform(lang.L("Check all again"), text)
			s.lastCheck.Store(&text)
		})
	})
}

// onCancelCheck stops the running check after the credential it is at.
func (s *CredentialsScreen) onCancelCheck() {
	if s.job == jobCheck && s.cancel != nil {
		s.cancel()
	}
	s.cancelB.Disable()
}

// CheckSummary says what a check of all credentials found: how many were
// checked and changed, which became revoked or not verified, and what
// could not be checked.
func CheckSummary(rep *wallet.CheckReport, err error) string {
	var b strings.Builder
	if rep == nil {
		rep = &wallet.CheckReport{}
	}
	b.WriteString(lang.L("Checked {{.Checked}} of {{.Total}} credentials; {{.Changed}} changed.",
		map[string]any{"Checked": rep.Checked, "Total": rep.Total, "Changed": len(rep.Changed)}) + "\n")
	switch {
	case errors.Is(err, context.Canceled):
		b.WriteString(lang.L("Cancelled: the credentials not checked keep their earlier verdict.") + "\n")
	case err != nil:
		b.WriteString(lang.L("The check stopped: {{.Err}}", map[string]any{"Err": err.Error()}) + "\n")
	}
	var worse []string
	for _, c := range rep.Changed {
		if (c.Before.Verified && !c.Record.Verified) || (c.Record.Checks.Status != c.Before.Checks.Status &&
			(c.Record.Checks.Status == "revoked" || c.Record.Checks.Status == "suspended")) {
			worse = append(worse, c.Record.Name)
		}
	}
	if len(worse) > 0 {
		b.WriteString(lang.L("Now revoked or not verified: {{.Names}}", map[string]any{"Names": strings.Join(worse, ", ")}) + "\n")
	}
	for _, c := range rep.Changed {
		fmt.Fprintf(&b, "• %s: %s → %s\n", c.Record.Name, lang.L(c.Before.Verdict()), lang.L(c.Record.Verdict()))
	}
	if n := len(rep.NotChecked); n > 0 {
		b.WriteString(lang.L("Not checked, kept as they were: {{.N}} Open Badges 2.0 badges (open one and use \"Fetch from issuer…\").", map[string]any{"N": n}) + "\n")
	}
	for _, e := range rep.Failed {
		b.WriteString(lang.L("Could not check: {{.Err}}", map[string]any{"Err": e.Error()}) + "\n")
	}
	return b.String()
}

// onFetchBadge asks for consent naming the hosts, then checks the Open
// Badges 2.0 badge shown by fetching it from its issuer (those hosts only).
func (s *CredentialsScreen) onFetchBadge() {
	s.app.touch()
	id := s.shownID
	if id == "" || !s.canCheck() || s.Busy() {
		return
	}
	rec, err := s.vault.Get(id)
	if err != nil {
		dialog.ShowError(err, s.app.window)
		return
	}
	hosts := append([]string{}, wallet.BadgeHosts([]byte(rec.Raw))...)
	s.ask(lang.L("Fetch from issuer?"), fetchConsent(hosts), lang.L("Fetch"), func(ok bool) {
		if ok {
			s.fetchBadge(id, hosts)
		}
	})
}

// fetchBadge checks record id again with consent to fetch it from hosts,
// then shows the refreshed detail and what the check found; when the check
// needs more hosts, it asks about them.
func (s *CredentialsScreen) fetchBadge(id string, hosts []string) {
	cv, ok := s.vault.(CheckVault)
	if !ok {
		return
	}
	ctx, ok := s.startJob(jobFetch)
	if !ok {
		return
	}
	s.lastCheck.Store(nil)
	o := wallet.CheckOptions{Fetcher: s.app.Fetcher, BadgeFetch: true, Hosts: hosts}
	s.goNet(func() {
		rc, err := cv.ReverifyWith(ctx, id, o)
		s.do(func() {
			s.endJob()
			var text string
			switch {
			case err != nil:
				text = lang.L("Could not check the badge: {{.Err}}", map[string]any{"Err": err.Error()})
			case rc.NeedsConsent != nil:
				text = lang.L("Not checked yet: the badge also needs {{.Hosts}}; its verdict stays as it was.", map[string]any{"Hosts": strings.Join(rc.NeedsConsent, ", ")})
			case rc.NotChecked != nil:
				text = lang.L("The badge could not be fetched, so its verdict stays as it was: {{.Why}}", map[string]any{"Why": strings.Join(rc.NotChecked, "; ")})
			default:
				text = lang.L("Checked at the issuer: {{.Verdict}}", map[string]any{"Verdict": lang.L(rc.Record.Verdict())})
				if rc.Changed {
					text += "\n" + lang.L("It was: {{.Verdict}}", map[string]any{"Verdict": lang.L(rc.Before.Verdict())})
				}
			}
			if s.app.Locked() {
				s.hold(lang.L("Fetch from issuer"), text)
				s.lastCheck.Store(&text)
				return
			}
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			switch {
			case err != nil:
				s.track(dialog.NewError(errors.New(text), s.app.window))
			case rc.NeedsConsent != nil:
				s.showRecord(rc.Record)
				all := append(slices.Clone(hosts), rc.NeedsConsent...)
				slices.Sort(all)
				all = slices.Compact(all)
				s.askMoreHosts(rc.NeedsConsent, all, func() { s.fetchBadge(id, all) })
			default:
				s.showRecord(rc.Record)
				s.inform(lang.L("Fetch from issuer"), text)
			}
			s.lastCheck.Store(&text)
		})
	})
}
