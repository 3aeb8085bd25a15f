package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// TestOnboardingRestore makes a backup of a real wallet, then restores it
// through the create screen of a new app into a new folder: first with a
// wrong backup passphrase, a damaged file and mismatched passphrases (each
// said in plain words, no wallet created), then for real, after which the
// credentials tab lists the restored credentials.
func TestOnboardingRestore(t *testing.T) {
	_, src := openApp(t, "simple.json", "complete.json", "simple-did-key-method.json")
	want := src.Credentials().Shown()
	require.Len(t, want, 3)
	backup := filepath.Join(t.TempDir(), "skillpass.backup")
	f, err := os.Create(backup)
	require.NoError(t, err)
	const backupPass = "backup passphrase for the test"
	require.NoError(t, src.vault.Backup(f, []byte(backupPass)))
	require.NoError(t, f.Close())
	data, err := os.ReadFile(backup)
	require.NoError(t, err)
	damaged := filepath.Join(t.TempDir(), "damaged.backup")
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 0x55
	require.NoError(t, os.WriteFile(damaged, bad, 0o600))

	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "restored")
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.Now = fixtureNow
	t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
	u := ap.Unlock()
	require.True(t, u.Creating())
	require.True(t, u.RestoreButton().Visible())

	fails := []struct {
		name, path, backupPass, pass, confirm, status string
	}{
		{"wrong backup passphrase", backup, "not the backup passphrase", testPassphrase, testPassphrase, "Wrong backup passphrase"},
		{"damaged file", damaged, backupPass, testPassphrase, testPassphrase, "damaged"},
		{"missing file", filepath.Join(t.TempDir(), "nothing.backup"), backupPass, testPassphrase, testPassphrase, "Could not read the backup file"},
		{"short new passphrase", backup, backupPass, "short", "short", "at least 8"},
		{"passphrases differ", backup, backupPass, testPassphrase, testPassphrase + "x", "differ"},
		{"no backup passphrase", backup, "", testPassphrase, testPassphrase, "passphrase the backup was made with"},
	}
	for _, tc := range fails {
		t.Run(tc.name, func(t *testing.T) {
			u.RestoreFile(tc.path)
			test.Type(u.restoreBackup, tc.backupPass)
			test.Type(u.restorePass, tc.pass)
			test.Type(u.restoreConfirm, tc.confirm)
			u.onRestoreForm(true)
			ap.Wait()
			require.Contains(t, u.Status(), tc.status)
			require.Nil(t, ap.Credentials(), "no wallet opened")
			require.False(t, wallet.Exists(dir), "no wallet created")
			require.Empty(t, u.LastRestore())
		})
	}

	u.RestoreFile(backup)
	test.Type(u.restoreBackup, backupPass)
	test.Type(u.restorePass, testPassphrase)
	require.Equal(t, "Strength: strong", u.restoreStrength.Text)
	test.Type(u.restoreConfirm, testPassphrase)
	u.onRestoreForm(true)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), u.Status())
	require.True(t, wallet.Exists(dir))
	require.Contains(t, u.LastRestore(), "Credentials: 3 added")
	var got, wantIDs []string
	for _, s := range ap.Credentials().Shown() {
		got = append(got, s.ID)
	}
	for _, s := range want {
		wantIDs = append(wantIDs, s.ID)
	}
	require.ElementsMatch(t, wantIDs, got)
}
