package ui

import (
	"context"
	"errors"
	"fmt"
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

// onCheckAll asks before contacting the issuers' web sites, then checks
// every credential again.
func (s *CredentialsScreen) onCheckAll() {
	s.app.touch()
	if !s.canCheck() {
		return
	}
	s.confirmMsg = lang.L("Skillpass will contact the web sites of your credentials' issuers to fetch their keys and revocation lists, to learn whether each credential still holds.\n\nNothing else leaves this computer: your credentials and your data are not sent. Open Badges 2.0 badges are not fetched here; open one and use \"Fetch from issuer…\".")
	s.confirm = dialog.NewConfirm(lang.L("Check all credentials again?"), s.confirmMsg,
		func(ok bool) {
			if ok {
				s.checkAll()
			}
		}, s.app.window)
	s.confirm.SetConfirmText(lang.L("Check"))
	s.confirm.Show()
}

// checkAll checks every credential again off the UI goroutine, with a
// progress bar and a Cancel button, then shows what changed.
func (s *CredentialsScreen) checkAll() {
	cv, ok := s.vault.(CheckVault)
	if !ok {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.lastCheck.Store(nil)
	s.setBusy(true)
	s.cancelB.Enable()
	s.cancelB.Show()
	o := wallet.CheckOptions{Fetcher: s.app.Fetcher}
	s.app.background(func() {
		rep, err := cv.ReverifyAll(ctx, o, func(done, total int) {
			v := float64(done) / float64(total)
			fyne.Do(func() { s.progress.SetValue(v); s.app.touch() })
		})
		fyne.Do(func() {
			cancel()
			s.cancel = nil
			s.setBusy(false)
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			text := CheckSummary(rep, err)
			dialog.ShowInformation(lang.L("Check all again"), text, s.app.window)
			s.lastCheck.Store(&text)
		})
	})
}

// onCancelCheck stops the running check after the credential it is at.
func (s *CredentialsScreen) onCancelCheck() {
	if s.cancel != nil {
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
// Badges 2.0 badge shown by fetching it from its issuer.
func (s *CredentialsScreen) onFetchBadge() {
	s.app.touch()
	id := s.shownID
	if id == "" || !s.canCheck() {
		return
	}
	rec, err := s.vault.Get(id)
	if err != nil {
		dialog.ShowError(err, s.app.window)
		return
	}
	s.confirmMsg = fetchConsent(wallet.BadgeHosts([]byte(rec.Raw)))
	s.confirm = dialog.NewConfirm(lang.L("Fetch from issuer?"), s.confirmMsg, func(ok bool) {
		if ok {
			s.fetchBadge(id)
		}
	}, s.app.window)
	s.confirm.SetConfirmText(lang.L("Fetch"))
	s.confirm.Show()
}

// fetchBadge checks record id again with consent to fetch it, then shows
// the refreshed detail and what the check found.
func (s *CredentialsScreen) fetchBadge(id string) {
	cv, ok := s.vault.(CheckVault)
	if !ok {
		return
	}
	s.lastCheck.Store(nil)
	s.setBusy(true)
	o := wallet.CheckOptions{Fetcher: s.app.Fetcher, BadgeFetch: true}
	s.app.background(func() {
		rc, err := cv.ReverifyWith(context.Background(), id, o)
		fyne.Do(func() {
			s.setBusy(false)
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			var text string
			switch {
			case err != nil:
				text = lang.L("Could not check the badge: {{.Err}}", map[string]any{"Err": err.Error()})
				dialog.ShowError(errors.New(text), s.app.window)
			case rc.NotChecked != nil:
				s.showRecord(rc.Record)
				text = lang.L("The badge could not be fetched, so its verdict stays as it was: {{.Why}}", map[string]any{"Why": strings.Join(rc.NotChecked, "; ")})
				dialog.ShowInformation(lang.L("Fetch from issuer"), text, s.app.window)
			default:
				s.showRecord(rc.Record)
				text = lang.L("Checked at the issuer: {{.Verdict}}", map[string]any{"Verdict": lang.L(rc.Record.Verdict())})
				if rc.Changed {
					text += "\n" + lang.L("It was: {{.Verdict}}", map[string]any{"Verdict": lang.L(rc.Before.Verdict())})
				}
				dialog.ShowInformation(lang.L("Fetch from issuer"), text, s.app.window)
			}
			s.lastCheck.Store(&text)
		})
	})
}
