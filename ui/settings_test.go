package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/require"
)

// TestSettingsBackupRestore backs a wallet up through the settings and
// restores it into a second, empty wallet: wrong passphrases are refused,
// the report counts what came back, and the credentials list shows it.
func TestSettingsBackupRestore(t *testing.T) {
	_, ap := openApp(t, "simple.json", "simple-did-key-method.json")
	ap.SelectTab(TabSettings)
	s := ap.Settings()
	ids, err := ap.vault.Identities()
	require.NoError(t, err)
	require.NotEmpty(t, ids)
	for _, id := range ids {
		require.Contains(t, s.Identities(), id.DID)
	}

	out := filepath.Join(t.TempDir(), "wallet.backup")
	for _, tc := range []struct{ pass, confirm, want string }{
		{"", "", "Type a backup passphrase of at least 8 characters first."},
		{"backup words here", "backup words hera", "The two backup passphrases differ. Type the same passphrase twice."},
	} {
		s.backupPass.SetText("")
		s.backupConfirm.SetText("")
		test.Type(s.backupPass, tc.pass)
		test.Type(s.backupConfirm, tc.confirm)
		s.BackupTo(out)
		ap.Wait()
		require.Equal(t, tc.want, s.report.Text)
		require.NoFileExists(t, out)
	}
	s.backupConfirm.SetText("")
	test.Type(s.backupConfirm, "backup words here")
	s.BackupTo(out)
	ap.Wait()
	require.Equal(t, "Backup written to "+out+". Keep its passphrase apart from it.", s.LastReport())
	require.FileExists(t, out)
	require.Empty(t, s.backupPass.Text, "the passphrase leaves the screen")
	entries, err := os.ReadDir(filepath.Dir(out))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")

	_, ap2 := openApp(t)
	require.Empty(t, ap2.Credentials().Shown())
	ap2.SelectTab(TabSettings)
	s2 := ap2.Settings()
	test.Type(s2.backupPass, "wrong words here")
	s2.RestoreFrom(out)
	ap2.Wait()
	require.Equal(t, "Wrong backup passphrase. Nothing was changed.", s2.LastReport())
	require.Empty(t, ap2.Credentials().Shown())

	test.Type(s2.backupPass, "backup words here")
	s2.RestoreFrom(out)
	ap2.Wait()
	require.True(t, strings.HasPrefix(s2.LastReport(), "Restored. Credentials: 2 added, 0 already here."), s2.LastReport())
	require.Len(t, ap2.Credentials().Shown(), 2)
	for _, id := range ids {
		require.Contains(t, s2.Identities(), id.DID, "the backup's identities come along")
	}
}

// TestSettingsPreferences changes the auto-lock period, the theme and the
// language, and finds each in the preferences (and the lock and theme in
// effect at once).
func TestSettingsPreferences(t *testing.T) {
	a, ap := openApp(t)
	ap.SelectTab(TabSettings)
	s := ap.Settings()
	require.Equal(t, "10 minutes without activity", s.IdleSelect().Selected, "the default")
	require.Equal(t, 10*time.Minute, ap.idle.Timeout())

	s.IdleSelect().SetSelected("5 minutes without activity")
	require.Equal(t, 5, a.Preferences().Int(prefIdleMinutes))
	require.Equal(t, 5*time.Minute, ap.idle.Timeout())

	require.Equal(t, "As the system", s.Theme().Selected)
	s.Theme().SetSelected("Dark")
	require.Equal(t, ThemeDark, a.Preferences().String(prefTheme))
	bg := a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight)
	require.Equal(t, theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark), bg)
	s.Theme().SetSelected("Light")
	bg = a.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantDark)
	require.Equal(t, theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight), bg)

	require.Equal(t, "English", s.Language().Selected)
	s.Language().SetSelected("Deutsch")
	require.Equal(t, "de", a.Preferences().String(prefLanguage))
	require.Equal(t, "The new language shows when Skillpass starts again.", s.LanguageNote())
	s.Language().SetSelected("System language")
	require.Equal(t, "", a.Preferences().String(prefLanguage))
}

// TestSettingsListenAddress keeps the agent's listen address for the next
// start, refusing one that is not host:port.
func TestSettingsListenAddress(t *testing.T) {
	a, ap := openApp(t)
	ap.SelectTab(TabSettings)
	s := ap.Settings()
	require.Empty(t, s.Listen().Text, "the agent chooses by default")
	for _, tc := range []struct{ addr, want, kept string }{
		{"localhost", "localhost is not a host:port address, such as 127.0.0.1:8040.", ""},
		{"127.0.0.1:8040", "Saved: the agent listens there when Skillpass starts again.", "127.0.0.1:8040"},
		{" ", "Saved: the agent listens there when Skillpass starts again.", ""},
	} {
		s.Listen().SetText("")
		test.Type(s.Listen(), tc.addr)
		s.Listen().OnSubmitted(s.Listen().Text)
		require.Equal(t, tc.want, s.ListenNote(), tc.addr)
		require.Equal(t, tc.kept, a.Preferences().String(prefAgentListen), tc.addr)
	}
}
