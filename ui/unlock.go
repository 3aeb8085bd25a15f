package ui

import (
	"errors"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
)

// minPassphrase is the shortest passphrase a new wallet accepts.
const minPassphrase = 8

// UnlockScreen asks for the passphrase: to unlock the wallet, or twice to
// create one.
type UnlockScreen struct {
	app       *App
	creating  bool
	relocking bool // the open wallet was locked for idleness

	title    *widget.Label
	pass     *widget.Entry
	confirm  *widget.Entry
	strength *widget.Label
	warning  *widget.Label
	status   *widget.Label
	button   *widget.Button
	verifyB  *widget.Button
	progress *widget.ProgressBarInfinite
	content  fyne.CanvasObject
}

func newUnlockScreen(a *App) *UnlockScreen {
	s := &UnlockScreen{app: a, creating: !a.opener.Exists(a.dir)}
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	s.pass = widget.NewPasswordEntry()
	s.pass.SetPlaceHolder(lang.L("Passphrase"))
	s.confirm = widget.NewPasswordEntry()
	s.confirm.SetPlaceHolder(lang.L("Passphrase again"))
	s.strength = widget.NewLabel("")
	s.warning = widget.NewLabel(lang.L("Nobody can recover this passphrase or the wallet without it. Write it down somewhere safe."))
	s.warning.Wrapping = fyne.TextWrapWord
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Hide()
	s.progress.Stop()
	s.button = widget.NewButton("", s.onSubmit)
	s.button.Importance = widget.HighImportance
	s.pass.OnChanged = s.onPassChanged
	s.pass.OnSubmitted = func(string) { s.onSubmit() }
	s.confirm.OnSubmitted = func(string) { s.onSubmit() }
	walletDir := widget.NewLabel(lang.L("Wallet: {{.Dir}}", map[string]any{"Dir": a.dir}))
	walletDir.Truncation = fyne.TextTruncateEllipsis
	s.verifyB = widget.NewButton(lang.L("Verify what someone shared with you (no wallet needed)…"), a.showVerifier)
	s.verifyB.Importance = widget.LowImportance
	form := container.NewVBox(s.title, walletDir, s.pass, s.confirm, s.strength, s.warning, s.button, s.progress, s.status)
	s.content = container.NewBorder(nil, container.NewCenter(s.verifyB), nil, nil,
		container.NewCenter(container.NewGridWrap(fyne.NewSize(440, 420), form)))
	s.setMode()
	return s
}

// relock turns the screen into "unlock again" for the open wallet.
func (s *UnlockScreen) relock() {
	s.creating = false
	s.relocking = true
	s.pass.SetText("")
	s.setMode()
	s.status.SetText(lang.L("Locked. Type your passphrase to continue."))
	s.app.window.Canvas().Focus(s.pass)
}

func (s *UnlockScreen) setMode() {
	if s.creating {
		s.title.SetText(lang.L("Create your Skillpass wallet"))
		s.button.SetText(lang.L("Create wallet"))
		s.confirm.Show()
		s.strength.Show()
		s.warning.Show()
	} else {
		s.title.SetText(lang.L("Unlock your Skillpass wallet"))
		s.button.SetText(lang.L("Unlock"))
		s.confirm.Hide()
		s.strength.Hide()
		s.warning.Hide()
	}
}

// Creating reports whether the screen creates a new wallet (no wallet yet).
func (s *UnlockScreen) Creating() bool { return s.creating }

// Status returns the message the screen shows under the button.
func (s *UnlockScreen) Status() string { return s.status.Text }

func (s *UnlockScreen) onPassChanged(p string) {
	if s.creating {
		s.strength.SetText(lang.L("Strength: {{.S}}", map[string]any{"S": Strength(p)}))
	}
}

// Strength rates a passphrase for people: length matters most, then variety.
func Strength(p string) string {
	n := len([]rune(p))
	var classes int
	var lower, upper, digit, other bool
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	switch {
	case n < minPassphrase:
		return lang.L("too short (at least {{.N}} characters)", map[string]any{"N": minPassphrase})
	case n >= 20 || (n >= 14 && classes >= 3):
		return lang.L("strong")
	case n >= 12 || classes >= 3:
		return lang.L("fair: a few more words make it strong")
	default:
		return lang.L("weak: use a longer phrase of unrelated words")
	}
}

func (s *UnlockScreen) onSubmit() {
	pass := []byte(s.pass.Text)
	if s.creating {
		if len([]rune(s.pass.Text)) < minPassphrase {
			s.status.SetText(lang.L("The passphrase needs at least {{.N}} characters.", map[string]any{"N": minPassphrase}))
			return
		}
		if s.pass.Text != s.confirm.Text {
			s.status.SetText(lang.L("The two passphrases differ. Type the same passphrase twice."))
			return
		}
	} else if len(pass) == 0 {
		s.status.SetText(lang.L("Type your passphrase to unlock the wallet."))
		return
	}
	s.button.Disable()
	s.progress.Show()
	s.progress.Start()
	s.status.SetText(lang.L("Deriving your key from the passphrase…"))
	creating, relocking, dir, opener, open := s.creating, s.relocking, s.app.dir, s.app.opener, s.app.vault
	s.app.background(func() {
		var v Vault
		var err error
		switch {
		case relocking:
			v, err = open, open.Unlock(pass)
		case creating:
			v, err = opener.Create(dir, pass)
		default:
			v, err = opener.Open(dir, pass)
		}
		fyne.Do(func() { s.done(v, err) })
	})
}

func (s *UnlockScreen) done(v Vault, err error) {
	s.progress.Stop()
	s.progress.Hide()
	s.button.Enable()
	if err != nil {
		switch {
		case errors.Is(err, wallet.ErrWrongPassphrase):
			s.status.SetText(lang.L("Wrong passphrase. Nothing was changed; try again."))
		case errors.Is(err, wallet.ErrBusy):
			s.status.SetText(lang.L("This wallet is open in another Skillpass window or in skillpass-cli agent. Close that first."))
		default:
			s.status.SetText(lang.L("Could not open the wallet: {{.Err}}", map[string]any{"Err": err.Error()}))
		}
		return
	}
	s.pass.SetText("")
	s.confirm.SetText("")
	s.status.SetText("")
	s.relocking = false
	s.app.opened(v)
}
