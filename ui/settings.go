package ui

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
)

// idleChoices are the auto-lock periods the settings offer, in minutes.
var idleChoices = []int{1, 5, 10, 15, 30, 60}

// SettingsScreen holds the app's settings: auto-lock, backup and restore,
// the learner's DIDs, theme and language.
type SettingsScreen struct {
	app   *App
	vault Vault

	idle          *widget.Select
	theme         *widget.RadioGroup
	language      *widget.Select
	languageNote  *widget.Label
	backupPass    *widget.Entry
	backupConfirm *widget.Entry
	backupB       *widget.Button
	restoreB      *widget.Button
	progress      *widget.ProgressBarInfinite
	report        *widget.Label
	dids          *widget.Label
	listen        *widget.Entry
	listenNote    *widget.Label
	content       fyne.CanvasObject

	lastReport atomic.Pointer[string]
}

func newSettingsScreen(a *App, v Vault) *SettingsScreen {
	s := &SettingsScreen{app: a, vault: v}
	prefs := a.fyneApp.Preferences()

	var idleLabels []string
	for _, m := range idleChoices {
		idleLabels = append(idleLabels, idleLabel(m))
	}
	s.idle = widget.NewSelect(idleLabels, nil)
	current := int(a.idleTimeout() / time.Minute)
	for i, m := range idleChoices {
		if m == current {
			s.idle.SetSelectedIndex(i)
		}
	}
	s.idle.OnChanged = func(string) { s.onIdle() }

	var themeLabels []string
	for _, t := range themes {
		themeLabels = append(themeLabels, themeLabel(t))
	}
	s.theme = widget.NewRadioGroup(themeLabels, nil)
	s.theme.Horizontal = true
	s.theme.SetSelected(themeLabel(prefs.StringWithFallback(prefTheme, ThemeSystem)))
	s.theme.OnChanged = func(string) { s.onTheme() }

	var langLabels []string
	for _, l := range Languages {
		langLabels = append(langLabels, languageLabel(l))
	}
	s.language = widget.NewSelect(langLabels, nil)
	s.language.SetSelected(languageLabel(prefs.String(prefLanguage)))
	s.language.OnChanged = func(string) { s.onLanguage() }
	s.languageNote = wrapped("")

	s.backupPass = widget.NewPasswordEntry()
	s.backupPass.SetPlaceHolder(lang.L("Backup passphrase"))
	s.backupConfirm = widget.NewPasswordEntry()
	s.backupConfirm.SetPlaceHolder(lang.L("Backup passphrase again (for a new backup)"))
	s.backupB = widget.NewButton(lang.L("Back up to a file…"), s.onBackupDialog)
	s.restoreB = widget.NewButton(lang.L("Restore from a file…"), s.onRestoreDialog)
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.report = wrapped("")
	s.dids = wrapped("")
	s.listen = widget.NewEntry()
	s.listen.SetPlaceHolder(lang.L("127.0.0.1 and a free port"))
	s.listen.SetText(prefs.String(prefAgentListen))
	s.listen.OnSubmitted = func(string) { s.onListen() }
	s.listenNote = wrapped(lang.L("Issuers send your credentials to this address (host:port) while the app is open. Leave it empty unless an issuer must reach you from another machine; a change applies when Skillpass starts again."))

	s.content = container.NewVScroll(container.NewVBox(
		bold(lang.L("Security")),
		widget.NewForm(widget.NewFormItem(lang.L("Lock after"), s.idle)),
		widget.NewSeparator(),
		bold(lang.L("Backup and restore")),
		wrapped(lang.L("A backup holds your keys, credentials and activity log, encrypted with the passphrase you type here. Keep the file and the passphrase apart.")),
		s.backupPass, s.backupConfirm,
		container.NewHBox(s.backupB, s.restoreB), s.progress, s.report,
		widget.NewSeparator(),
		bold(lang.L("Your identities (DIDs)")), s.dids,
		widget.NewSeparator(),
		bold(lang.L("Connections (DIDComm)")),
		widget.NewForm(widget.NewFormItem(lang.L("Listen on"), container.NewBorder(nil, nil, nil,
			widget.NewButton(lang.L("Save"), s.onListen), s.listen))),
		s.listenNote,
		widget.NewSeparator(),
		bold(lang.L("Appearance")),
		widget.NewForm(
			widget.NewFormItem(lang.L("Theme"), s.theme),
			widget.NewFormItem(lang.L("Language"), s.language),
		),
		s.languageNote,
	))
	return s
}

// idleLabel is the settings' wording of an auto-lock period.
func idleLabel(minutes int) string {
	if minutes == 1 {
		return lang.L("1 minute without activity")
	}
	return lang.L("{{.N}} minutes without activity", map[string]any{"N": minutes})
}

// themeLabel is the settings' wording of a theme setting.
func themeLabel(t string) string {
	switch t {
	case ThemeLight:
		return lang.L("Light")
	case ThemeDark:
		return lang.L("Dark")
	}
	return lang.L("As the system")
}

// IdleSelect returns the auto-lock chooser (tests set it).
func (s *SettingsScreen) IdleSelect() *widget.Select { return s.idle }

// Theme returns the theme chooser.
func (s *SettingsScreen) Theme() *widget.RadioGroup { return s.theme }

// Language returns the language chooser.
func (s *SettingsScreen) Language() *widget.Select { return s.language }

// LanguageNote returns what the screen says about a language change.
func (s *SettingsScreen) LanguageNote() string { return s.languageNote.Text }

// Identities returns the text listing the learner's DIDs.
func (s *SettingsScreen) Identities() string { return s.dids.Text }

// LastReport returns the text of the last backup or restore report; it is
// empty until one has finished.
func (s *SettingsScreen) LastReport() string {
	if p := s.lastReport.Load(); p != nil {
		return *p
	}
	return ""
}

// refresh lists the learner's DIDs.
func (s *SettingsScreen) refresh() {
	ids, err := s.vault.Identities()
	if err != nil {
		s.dids.SetText(lang.L("Could not read your identities: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	var lines []string
	for _, id := range ids {
		lines = append(lines, lang.L("{{.DID}} ({{.Type}}, since {{.When}})", map[string]any{
			"DID": id.DID, "Type": string(id.KeyType), "When": id.Created.Local().Format("2006-01-02"),
		}))
	}
	s.dids.SetText(strings.Join(lines, "\n"))
}

func (s *SettingsScreen) onIdle() {
	s.app.touch()
	i := s.idle.SelectedIndex()
	if i < 0 {
		return
	}
	s.app.fyneApp.Preferences().SetInt(prefIdleMinutes, idleChoices[i])
	s.app.IdleTimeout = 0 // the setting rules from now on
	if s.app.idle != nil {
		s.app.startIdle()
	}
}

// onListen keeps the agent's listen address (checked as host:port; empty
// lets the agent choose) for the next start.
func (s *SettingsScreen) onListen() {
	s.app.touch()
	addr := strings.TrimSpace(s.listen.Text)
	if addr != "" {
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			s.listenNote.SetText(lang.L("{{.Addr}} is not a host:port address, such as 127.0.0.1:8040.", map[string]any{"Addr": addr}))
			return
		}
	}
	s.app.fyneApp.Preferences().SetString(prefAgentListen, addr)
	s.listenNote.SetText(lang.L("Saved: the agent listens there when Skillpass starts again."))
}

// Listen returns the listen address entry (tests type into it).
func (s *SettingsScreen) Listen() *widget.Entry { return s.listen }

// ListenNote returns the note under the listen address.
func (s *SettingsScreen) ListenNote() string { return s.listenNote.Text }

func (s *SettingsScreen) onTheme() {
	s.app.touch()
	for _, t := range themes {
		if themeLabel(t) == s.theme.Selected {
			s.app.fyneApp.Preferences().SetString(prefTheme, t)
			s.app.fyneApp.Settings().SetTheme(themeFor(t))
		}
	}
}

func (s *SettingsScreen) onLanguage() {
	s.app.touch()
	for _, l := range Languages {
		if languageLabel(l) == s.language.Selected {
			s.app.fyneApp.Preferences().SetString(prefLanguage, l)
			s.languageNote.SetText(lang.L("The new language shows when Skillpass starts again."))
		}
	}
}

// passphrase checks the backup passphrase entries; confirm asks for the
// second entry to match (a new backup).
func (s *SettingsScreen) passphrase(confirm bool) ([]byte, bool) {
	p := s.backupPass.Text
	switch {
	case len([]rune(p)) < minPassphrase:
		s.report.SetText(lang.L("Type a backup passphrase of at least {{.N}} characters first.", map[string]any{"N": minPassphrase}))
		return nil, false
	case confirm && p != s.backupConfirm.Text:
		s.report.SetText(lang.L("The two backup passphrases differ. Type the same passphrase twice."))
		return nil, false
	}
	return []byte(p), true
}

func (s *SettingsScreen) onBackupDialog() {
	s.app.touch()
	if _, ok := s.passphrase(true); !ok {
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.BackupTo(path)
	}, s.app.window)
	d.SetFileName("skillpass-" + s.app.now().Format("2006-01-02") + ".backup")
	d.Show()
}

func (s *SettingsScreen) onRestoreDialog() {
	s.app.touch()
	if _, ok := s.passphrase(false); !ok {
		return
	}
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.RestoreFrom(path)
	}, s.app.window)
	d.Show()
}

// busy shows or hides the progress of a backup or restore.
func (s *SettingsScreen) busy(on bool) {
	if on {
		s.lastReport.Store(nil)
		s.backupB.Disable()
		s.restoreB.Disable()
		s.progress.Show()
		s.progress.Start()
		return
	}
	s.progress.Stop()
	s.progress.Hide()
	s.backupB.Enable()
	s.restoreB.Enable()
}

// finish shows a backup or restore report.
func (s *SettingsScreen) finish(text string) {
	s.busy(false)
	s.report.SetText(text)
	s.lastReport.Store(&text)
}

// BackupTo writes a backup of the wallet to path, encrypted with the
// passphrase typed on the screen (twice), off the UI goroutine.
func (s *SettingsScreen) BackupTo(path string) {
	pass, ok := s.passphrase(true)
	if !ok {
		return
	}
	s.busy(true)
	s.app.background(func() {
		err := writeBackupFile(s.vault, path, pass)
		text := lang.L("Backup written to {{.Path}}. Keep its passphrase apart from it.", map[string]any{"Path": path})
		if err != nil {
			text = lang.L("The backup failed: {{.Err}}", map[string]any{"Err": err.Error()})
		}
		fyne.Do(func() {
			s.backupPass.SetText("")
			s.backupConfirm.SetText("")
			s.finish(text)
		})
	})
}

// writeBackupFile writes the backup to a new file beside path and moves it
// into place once complete (writeFileAtomic).
func writeBackupFile(v Vault, path string, pass []byte) error {
	if err := writeFileAtomic(path, func(w io.Writer) error { return v.Backup(w, pass) }); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

// RestoreFrom adds what the backup file at path holds to the wallet (with
// the passphrase typed on the screen), off the UI goroutine, and shows what
// it added.
func (s *SettingsScreen) RestoreFrom(path string) {
	pass, ok := s.passphrase(false)
	if !ok {
		return
	}
	s.busy(true)
	s.app.background(func() {
		var rep wallet.RestoreReport
		f, err := os.Open(path)
		if err == nil {
			rep, err = s.vault.Restore(f, pass)
			_ = f.Close()
		}
		fyne.Do(func() {
			s.backupPass.SetText("")
			s.backupConfirm.SetText("")
			if err != nil {
				s.finish(restoreFailure(err))
				return
			}
			s.app.credentials.refresh()
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			s.finish(RestoreText(rep))
		})
	})
}

// restoreFailure words a failed restore.
func restoreFailure(err error) string {
	switch {
	case errors.Is(err, wallet.ErrBackupPassphrase):
		return lang.L("Wrong backup passphrase. Nothing was changed.")
	case errors.Is(err, wallet.ErrBackupDamaged):
		return lang.L("The backup file is damaged or was changed. Nothing was changed.")
	case errors.Is(err, wallet.ErrBackupVersion):
		return lang.L("The backup was made by a newer Skillpass: update Skillpass first.")
	}
	return lang.L("The restore failed: {{.Err}}", map[string]any{"Err": err.Error()})
}

// RestoreText reports what a restore added.
func RestoreText(r wallet.RestoreReport) string {
	return lang.L("Restored. Credentials: {{.CA}} added, {{.CP}} already here. Identities: {{.IA}} added, {{.IP}} already here. Keys: {{.KA}} added. Activity entries: {{.Act}} added.", map[string]any{
		"CA": strconv.Itoa(r.Credentials.Added), "CP": strconv.Itoa(r.Credentials.Present),
		"IA": strconv.Itoa(r.Identities.Added), "IP": strconv.Itoa(r.Identities.Present),
		"KA": strconv.Itoa(r.Keys.Added), "Act": strconv.Itoa(r.Activity),
	})
}
