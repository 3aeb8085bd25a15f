package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
)

// claimChoice is what a ticked credential offers to show in part, and
// what the learner chose of it.
type claimChoice struct {
	claims []wallet.Claim // in wallet.Claims' order
	whole  error          // why the credential can only be shown whole (nil: it can be shown in part)
	// chosen are the selectable claims' paths chosen; nil shows the whole
	// credential.
	chosen map[string]bool
}

// selective reports whether the credential can show single claims.
func (c *claimChoice) selective() bool { return c != nil && c.whole == nil }

// partial reports whether only part of the credential is to be shown.
func (c *claimChoice) partial() bool { return c.selective() && c.chosen != nil }

// disclose is the Choice.Disclose of the credential: nil for the whole
// credential, else the always-shown paths and the chosen ones (never
// empty, so that choosing none of the claims still hides them all).
func (c *claimChoice) disclose() []string {
	if !c.partial() {
		return nil
	}
	var out []string
	for _, cl := range c.claims {
		if cl.Always || c.chosen[cl.Path] {
			out = append(out, cl.Path)
		}
	}
	return out
}

// hidden names the claims left out, as paths under the subject (the way
// the consent's claim list names them).
func (c *claimChoice) hidden() []string {
	if !c.partial() {
		return nil
	}
	var out []string
	for _, cl := range c.claims {
		if !cl.Always && !c.chosen[cl.Path] {
			out = append(out, strings.TrimPrefix(cl.Path, "credentialSubject."))
		}
	}
	return out
}

// counts returns how many selectable claims are chosen, of how many.
func (c *claimChoice) counts() (chosen, of int) {
	for _, cl := range c.claims {
		if !cl.Always && !cl.Unavailable {
			of++
			if c.chosen[cl.Path] {
				chosen++
			}
		}
	}
	return chosen, of
}

// readClaims reads, off the UI goroutine, what credential id offers to
// show in part, and redraws its row.
func (s *ShareScreen) readClaims(id string) {
	s.app.background(func() {
		claims, err := s.vault.Claims(id)
		fyne.Do(func() {
			s.parts[id] = &claimChoice{claims: claims, whole: err}
			switch {
			case err != nil && !errors.Is(err, wallet.ErrWholeOnly):
				s.claimsMsg = claimsFailure(err)
				s.status.SetText(s.claimsMsg)
			case s.claimsMsg != "" && s.status.Text == s.claimsMsg:
				s.claimsMsg = "" // read now: the failure no longer stands
				s.status.SetText("")
			}
			for i, c := range s.creds {
				if c.ID == id {
					s.picks.RefreshItem(i)
				}
			}
		})
	})
}

// claimsFailure words a failure to read what a credential offers to show
// in part, with a hint.
func claimsFailure(err error) string {
	if errors.Is(err, wallet.ErrLocked) {
		return lang.L("Could not read the claims of a ticked credential: the wallet is locked. Unlock it, then untick and tick the credential again.")
	}
	return lang.L("Could not read the claims of a ticked credential: {{.Err}} Untick and tick it again to retry; if it fails again, check the wallet's folder and disk.", map[string]any{"Err": err.Error()})
}

// ChooseClaims opens the claim chooser of credential i of Choices, as the
// button on its row does (once the credential is ticked and read, and
// only for one that can show single claims).
func (s *ShareScreen) ChooseClaims(i int) {
	if i >= 0 && i < len(s.creds) {
		s.chooseClaims(s.creds[i].ID)
	}
}

// chooseClaims shows the claim chooser of credential id: a check per
// claim, ticked when it is to be shown; the always-shown claims ticked and
// fixed, the ones that cannot be shown alone unticked and fixed.
func (s *ShareScreen) chooseClaims(id string) {
	s.app.touch()
	part := s.parts[id]
	if !part.selective() {
		return
	}
	name := id
	for _, c := range s.creds {
		if c.ID == id {
			name = c.Name
		}
	}
	s.claimsFor = id
	s.claimsHead.SetText(lang.L("Choose what to show of {{.Name}}", map[string]any{"Name": name}))
	note := lang.L("Ticked claims go into the code; the others stay hidden, and the issuer's signature still proves the ones shown. Always shown, so that a verifier can tell what the credential is, who issued it, when and to whom, and whether it was revoked: its id, type, issuer, dates and status, and the subject's id and type.")
	s.claimChecks = s.claimChecks[:0]
	s.claimsBox.RemoveAll()
	unavailable := false
	for _, c := range part.claims {
		text := c.Label
		if c.Value != "" {
			text += ": " + c.Value
		}
		check := widget.NewCheck("", func(bool) { s.app.touch() })
		switch {
		case c.Always:
			check.Text = lang.L("{{.Claim}} (always shown)", map[string]any{"Claim": text})
			check.SetChecked(true)
			check.Disable()
		case c.Unavailable:
			unavailable = true
			check.Text = lang.L("{{.Claim}} (only with the whole credential)", map[string]any{"Claim": text})
			check.Disable()
		default:
			check.Text = text
			check.SetChecked(part.chosen == nil || part.chosen[c.Path])
		}
		check.Refresh()
		s.claimChecks = append(s.claimChecks, check)
		s.claimsBox.Add(check)
	}
	if unavailable {
		note += "\n" + lang.L("Claims marked \"only with the whole credential\" hold a part without an id, which a derived proof cannot show on its own.")
	}
	s.claimsNote.SetText(note)
	s.claimsScroll.ScrollToTop()
	s.show(s.claimsView)
	s.app.window.Canvas().Focus(s.useClaimsB)
}

// ClaimChecks returns the checks of the claim chooser, in the order of
// wallet.Claims.
func (s *ShareScreen) ClaimChecks() []*widget.Check { return s.claimChecks }

// onUseClaims keeps the ticked claims as the credential's choice and
// returns to the picker. Ticking every claim (when none is fixed unticked)
// shows the whole credential.
func (s *ShareScreen) onUseClaims() {
	s.app.touch()
	part := s.parts[s.claimsFor]
	if !part.selective() || len(s.claimChecks) != len(part.claims) {
		s.show(s.pickView)
		return
	}
	chosen := map[string]bool{}
	all := true
	for i, c := range part.claims {
		switch {
		case c.Always:
		case c.Unavailable:
			all = false
		case s.claimChecks[i].Checked:
			chosen[c.Path] = true
		default:
			all = false
		}
	}
	if all {
		chosen = nil
	}
	part.chosen = chosen
	s.backToPicks()
}

// onWholeCredential shows the chooser's credential whole.
func (s *ShareScreen) onWholeCredential() {
	s.app.touch()
	if part := s.parts[s.claimsFor]; part != nil {
		part.chosen = nil
	}
	s.backToPicks()
}

// backToPicks returns from the claim chooser to the picker, its
// credential's row redrawn.
func (s *ShareScreen) backToPicks() {
	for i, c := range s.creds {
		if c.ID == s.claimsFor {
			s.picks.RefreshItem(i)
		}
	}
	s.show(s.pickView)
}
