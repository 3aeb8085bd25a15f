package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
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
	restoreB *widget.Button
	progress *widget.ProgressBarInfinite
	content  fyne.CanvasObject

	// The restore form: the backup's passphrase and the new wallet's,
	// twice.
	restorePath     string
	restoreBackup   *widget.Entry
	restorePass     *widget.Entry
	restoreConfirm  *widget.Entry
	restoreStrength *widget.Label
	restoreForm     dialog.Dialog
	lastRestore     atomic.Pointer[string]
}

// BackupRestorer is an Opener that can also make a new wallet from a backup
// file; the create screen offers "Restore from a backup file…" only when
// its Opener is one.
type BackupRestorer interface {
	// CreateFromBackup makes a wallet in dir, protected by passphrase, from
	// the backup in read with backupPassphrase. On failure dir holds no
	// wallet.
	CreateFromBackup(dir string, passphrase []byte, in io.Reader, backupPassphrase []byte) (Vault, wallet.RestoreReport, error)
}

var _ BackupRestorer = WalletOpener{}

// CreateFromBackup makes a new wallet in dir from a backup (see
// wallet.CreateFromBackup).
func (o WalletOpener) CreateFromBackup(dir string, pass []byte, in io.Reader, backupPass []byte) (Vault, wallet.RestoreReport, error) {
	w, rep, err := wallet.CreateFromBackup(dir, pass, in, backupPass, o.Options)
	if err != nil {
		return nil, rep, err
	}
	return w, rep, nil
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
	s.restoreB = widget.NewButton(lang.L("Restore from a backup file…"), s.onRestoreDialog)
	if _, ok := a.opener.(BackupRestorer); !ok {
		s.restoreB.Hide()
	}
	s.restoreBackup = widget.NewPasswordEntry()
	s.restoreBackup.SetPlaceHolder(lang.L("Backup passphrase"))
	s.restorePass = widget.NewPasswordEntry()
	s.restorePass.SetPlaceHolder(lang.L("New wallet passphrase"))
	s.restoreConfirm = widget.NewPasswordEntry()
	s.restoreConfirm.SetPlaceHolder(lang.L("New wallet passphrase again"))
	s.restoreStrength = widget.NewLabel("")
	s.restorePass.OnChanged = func(p string) {
		s.restoreStrength.SetText(lang.L("Strength: {{.S}}", map[string]any{"S": Strength(p)}))
	}
	s.verifyB = widget.NewButton(lang.L("Verify what someone shared with you (no wallet needed)…"), a.showVerifier)
	s.verifyB.Importance = widget.LowImportance
	buttons := container.NewGridWithColumns(2, s.button, s.restoreB)
	form := container.NewVBox(s.title, walletDir, s.pass, s.confirm, s.strength, s.warning, buttons, s.progress, s.status)
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
		if _, ok := s.app.opener.(BackupRestorer); ok {
			s.restoreB.Show()
		}
	} else {
		s.restoreB.Hide()
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
	s.busy()
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

// busy disables the buttons and shows the progress while the key is
// derived.
func (s *UnlockScreen) busy() {
	s.button.Disable()
	s.restoreB.Disable()
	s.progress.Show()
	s.progress.Start()
}

func (s *UnlockScreen) done(v Vault, err error) {
	s.progress.Stop()
	s.progress.Hide()
	s.button.Enable()
	s.restoreB.Enable()
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

// LastRestore returns the report of the last restore from a backup file
// (empty until one has succeeded and the wallet is open).
func (s *UnlockScreen) LastRestore() string {
	if p := s.lastRestore.Load(); p != nil {
		return *p
	}
	return ""
}

// RestoreButton returns the "Restore from a backup file…" button.
func (s *UnlockScreen) RestoreButton() *widget.Button { return s.restoreB }

func (s *UnlockScreen) onRestoreDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.RestoreFile(path)
	}, s.app.window)
	d.Show()
}

// RestoreFile asks for the passphrases to restore the backup file at path
// into a new wallet (the file dialog's handler).
func (s *UnlockScreen) RestoreFile(path string) {
	s.restorePath = path
	s.restoreBackup.SetText("")
	s.restorePass.SetText("")
	s.restoreConfirm.SetText("")
	s.restoreStrength.SetText("")
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Backup passphrase"), s.restoreBackup),
		widget.NewFormItem(lang.L("New passphrase"), s.restorePass),
		widget.NewFormItem(lang.L("Again"), s.restoreConfirm),
		widget.NewFormItem("", s.restoreStrength),
	}
	s.restoreForm = dialog.NewForm(lang.L("Restore from a backup file"), lang.L("Restore"), lang.L("Cancel"), items, s.onRestoreForm, s.app.window)
	s.restoreForm.Resize(fyne.NewSize(460, 280))
	s.restoreForm.Show()
}

func (s *UnlockScreen) onRestoreForm(ok bool) {
	if !ok {
		return
	}
	s.Restore(s.restorePath, s.restoreBackup.Text, s.restorePass.Text, s.restoreConfirm.Text)
}

// Restore checks the new passphrase (the same rules as for a new wallet),
// then makes the wallet from the backup file at path off the UI goroutine
// and opens it, showing what was restored. On failure it says why in plain
// words, and no wallet is created.
func (s *UnlockScreen) Restore(path, backupPass, pass, confirm string) {
	s.lastRestore.Store(nil)
	switch {
	case backupPass == "":
		s.status.SetText(lang.L("Type the passphrase the backup was made with."))
		return
	case len([]rune(pass)) < minPassphrase:
		s.status.SetText(lang.L("The passphrase needs at least {{.N}} characters.", map[string]any{"N": minPassphrase}))
		return
	case pass != confirm:
		s.status.SetText(lang.L("The two passphrases differ. Type the same passphrase twice."))
		return
	}
	r, ok := s.app.opener.(BackupRestorer)
	if !ok {
		return
	}
	s.busy()
	s.status.SetText(lang.L("Restoring from the backup…"))
	dir := s.app.dir
	s.app.background(func() {
		var v Vault
		var rep wallet.RestoreReport
		f, err := os.Open(path)
		if err == nil {
			v, rep, err = r.CreateFromBackup(dir, []byte(pass), f, []byte(backupPass))
			_ = f.Close()
		} else {
			err = fmt.Errorf("open backup: %w", err)
		}
		fyne.Do(func() { s.restored(v, rep, err) })
	})
}

func (s *UnlockScreen) restored(v Vault, rep wallet.RestoreReport, err error) {
	s.progress.Stop()
	s.progress.Hide()
	s.button.Enable()
	s.restoreB.Enable()
	if err != nil {
		s.status.SetText(onboardingRestoreFailure(err))
		return
	}
	s.status.SetText("")
	s.app.opened(v)
	text := RestoreText(rep)
	dialog.ShowInformation(lang.L("Restore"), text, s.app.window)
	s.lastRestore.Store(&text)
}

// onboardingRestoreFailure words a failed restore into a new wallet.
func onboardingRestoreFailure(err error) string {
	switch {
	case errors.Is(err, wallet.ErrBackupPassphrase):
		return lang.L("Wrong backup passphrase: type the passphrase the backup was made with. No wallet was created.")
	case errors.Is(err, wallet.ErrBackupDamaged):
		return lang.L("The backup file is damaged or was changed, so it cannot be restored. No wallet was created.")
	case errors.Is(err, wallet.ErrBackupVersion):
		return lang.L("The backup was made by a newer Skillpass: update Skillpass first. No wallet was created.")
	case errors.Is(err, wallet.ErrBackupTooLarge):
		return lang.L("The file is too large to be a Skillpass backup. No wallet was created.")
	case errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
		return lang.L("Could not read the backup file: {{.Err}}", map[string]any{"Err": err.Error()})
	}
	return lang.L("The restore failed: {{.Err}}. No wallet was created.", map[string]any{"Err": err.Error()})
}
