package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// goldenSize is the window size of the golden markup files.
var goldenSize = fyne.NewSize(800, 600)

// goldenWindow fixes the theme (light) and the size of the app's window so
// that its markup depends on the screen alone. The files in testdata are
// written once from testdata/failed (Fyne writes there what it rendered
// when a file differs or is missing).
func goldenWindow(a fyne.App, ap *App) fyne.Canvas {
	a.Settings().SetTheme(themeFor(ThemeLight))
	ap.Window().Resize(goldenSize)
	return ap.Window().Canvas()
}

// TestGoldenUnlock: the first start, asking for a new passphrase.
func TestGoldenUnlock(t *testing.T) {
	a := newTestApp(t)
	// A fixed folder that is never created: the screen shows its path.
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, filepath.FromSlash("/nonexistent/skillpass-golden/wallet"))
	ap.Now = fixtureNow
	t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
	c := goldenWindow(a, ap)
	test.AssertRendersToMarkup(t, "unlock_new.xml", c)
}

// TestGoldenPassportHome: the passport home of a wallet holding the simple
// Open Badges 3.0 fixture, on the fixed clock, against the team lead role.
func TestGoldenPassportHome(t *testing.T) {
	a, ap := openApp(t, "simple.json")
	ap.Wait()
	ap.Passport().UseRoleFile(filepath.Join("testdata", "role-team-lead.json"))
	ap.Wait()
	require.NotNil(t, ap.Passport().View().Gaps)
	ap.tabs.SelectIndex(int(TabPassport))
	// Dismiss the import report.
	for o := ap.Window().Canvas().Overlays(); o.Top() != nil; {
		o.Remove(o.Top())
	}
	c := goldenWindow(a, ap)
	test.AssertRendersToMarkup(t, "passport_home.xml", c)
}

// TestGoldenVerifyResult: the verify screen after checking the simple Open
// Badges 3.0 fixture.
func TestGoldenVerifyResult(t *testing.T) {
	a, ap := openApp(t)
	ap.tabs.SelectIndex(int(TabVerify))
	ap.Verify().VerifyFile(fixturePath("simple.json"))
	ap.Wait()
	require.NotNil(t, ap.Verify().Result())
	c := goldenWindow(a, ap)
	test.AssertRendersToMarkup(t, "verify_result.xml", c)
}
