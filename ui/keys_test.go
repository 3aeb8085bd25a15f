package ui

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// TestKeyboard drives the app without a mouse: Tab moves between the
// passphrase fields, Enter submits, Ctrl+1..7 switch tabs and Ctrl+L locks.
func TestKeyboard(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	opener := WalletOpener{Options: wallet.Options{Now: fixtureNow}}
	ap := New(a, opener, dir)
	c := ap.Window().Canvas()
	u := ap.Unlock()
	require.Equal(t, u.pass, c.Focused(), "the passphrase field has the focus at start")
	test.FocusNext(c)
	require.Equal(t, u.confirm, c.Focused(), "Tab goes from the passphrase to its confirmation")
	test.FocusNext(c)
	require.Equal(t, u.button, c.Focused())
	c.Focus(u.pass)
	test.Type(u.pass, testPassphrase)
	test.FocusNext(c)
	test.Type(u.confirm, testPassphrase)
	pressEnter(ap, u.confirm)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), "Enter creates the wallet: %s", u.Status())

	shortcuts := c.(fyne.Shortcutable)
	for i := TabSettings; i >= TabPassport; i-- {
		shortcuts.TypedShortcut(tabShortcut(i))
		require.Equal(t, i, ap.tabs.SelectedIndex())
	}
	// The shortcuts are in the main menu too, where the desktop driver
	// finds them even while a text entry has the focus.
	var menuShortcuts []string
	for _, m := range ap.Window().MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil {
				menuShortcuts = append(menuShortcuts, it.Shortcut.ShortcutName())
			}
		}
	}
	require.Contains(t, menuShortcuts, lockShortcut.ShortcutName())
	require.Contains(t, menuShortcuts, tabShortcut(TabShare).ShortcutName())

	shortcuts.TypedShortcut(lockShortcut)
	require.True(t, ap.Locked())
	require.Equal(t, u.content, ap.Window().Content())
	_, err := ap.vault.List()
	require.ErrorIs(t, err, wallet.ErrLocked)
	shortcuts.TypedShortcut(tabShortcut(TabShare))
	require.Equal(t, u.content, ap.Window().Content(), "no tab while locked")

	c.Focus(u.pass)
	test.Type(u.pass, testPassphrase)
	pressEnter(ap, u.pass)
	ap.Wait()
	require.False(t, ap.Locked(), u.Status())
	require.Equal(t, ap.tabs, ap.Window().Content())

	// Unlocking an existing wallet: Tab skips the hidden confirmation.
	ap.Window().Close()
	ap2 := New(a, opener, dir)
	u2 := ap2.Unlock()
	c2 := ap2.Window().Canvas()
	c2.Focus(u2.pass)
	test.FocusNext(c2)
	require.Equal(t, u2.button, c2.Focused())
	ap2.Window().Close()
}

// TestWindowSizeRemembered closes the window at one size and finds it at
// that size when the app starts again.
func TestWindowSizeRemembered(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	opener := WalletOpener{Options: wallet.Options{Now: fixtureNow}}
	ap := New(a, opener, dir)
	require.Equal(t, defaultWindowSize, ap.Window().Canvas().Size(), "first start")
	ap.Window().Resize(fyne.NewSize(1111, 777))
	ap.Window().Close()
	ap2 := New(a, opener, dir)
	require.Equal(t, fyne.NewSize(1111, 777), ap2.Window().Canvas().Size())
	ap2.Window().Resize(fyne.NewSize(10, 10)) // too small to keep
	ap2.Window().Close()
	ap3 := New(a, opener, dir)
	require.Equal(t, fyne.NewSize(1111, 777), ap3.Window().Canvas().Size())
	ap3.Window().Close()
}

// pressEnter types Return into an entry as the UI goroutine would: the work
// Enter starts reports back only after the entry has finished handling the
// key (under the test driver, fyne.Do runs on the job's own goroutine, and
// jobs wait for jobMu before they start).
func pressEnter(ap *App, e fyne.Focusable) {
	ap.jobMu.Lock()
	defer ap.jobMu.Unlock()
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}
