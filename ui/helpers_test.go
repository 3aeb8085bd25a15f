package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

const testPassphrase = "correct horse battery staple"

// openApp creates a wallet in a temp folder through the unlock screen and
// imports the named ob30 fixtures through the credentials screen.
func openApp(t *testing.T, fixtures ...string) (fyne.App, *App) {
	t.Helper()
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.Now = fixtureNow
	t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
	createWallet(t, ap)
	if len(fixtures) > 0 {
		var paths []string
		for _, f := range fixtures {
			paths = append(paths, fixturePath(f))
		}
		ap.Credentials().ImportFiles(paths)
		ap.Wait()
		require.NotEmpty(t, ap.Credentials().LastReport())
	}
	return a, ap
}

// createWallet creates ap's wallet through its unlock screen, as a
// newcomer does (passphrase twice, then the button), and waits until the
// credentials screen shows.
func createWallet(t *testing.T, ap *App) *UnlockScreen {
	t.Helper()
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), u.Status())
	return u
}

// newTestApp is Fyne's test app with the language set to English, whatever
// the machine's locale.
func newTestApp(t *testing.T) fyne.App {
	t.Helper()
	a := test.NewApp()
	t.Cleanup(a.Quit)
	a.Preferences().SetString(prefLanguage, "en")
	return a
}
