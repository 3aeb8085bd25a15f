// Package ui is the Skillpass desktop app's presentation: Fyne screens that
// call package wallet and never reimplement it. Each screen is one struct
// with its widgets as fields and onX handlers; long work runs off the UI
// goroutine and reports back through fyne.Do.
package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"github.com/skillpass/skillpass/wallet"
)

// Vault is what the screens need of an open wallet.
type Vault interface {
	List() ([]wallet.Summary, error)
	Get(id string) (*wallet.Record, error)
	Import(ctx context.Context, name string, data []byte) ([]wallet.ImportResult, error)
	Close() error
}

// Opener creates and opens wallets.
type Opener interface {
	Exists(dir string) bool
	Create(dir string, passphrase []byte) (Vault, error)
	Open(dir string, passphrase []byte) (Vault, error)
}

// WalletOpener opens real wallets with the given options.
type WalletOpener struct{ Options wallet.Options }

// Exists reports whether dir holds a wallet.
func (o WalletOpener) Exists(dir string) bool { return wallet.Exists(dir) }

// Create makes a new wallet in dir.
func (o WalletOpener) Create(dir string, pass []byte) (Vault, error) {
	return wallet.Create(dir, pass, o.Options)
}

// Open unlocks the wallet in dir.
func (o WalletOpener) Open(dir string, pass []byte) (Vault, error) {
	return wallet.Open(dir, pass, o.Options)
}

// App is the desktop app: one window that shows the unlock screen until a
// wallet is open, then the credentials.
type App struct {
	fyneApp fyne.App
	window  fyne.Window
	opener  Opener
	dir     string

	vault       Vault
	unlock      *UnlockScreen
	credentials *CredentialsScreen
}

// New builds the app's window for the wallet in dir; call ShowAndRun on the
// returned window (or use it headless in tests).
func New(a fyne.App, opener Opener, dir string) *App {
	w := a.NewWindow("Skillpass")
	w.Resize(fyne.NewSize(960, 640))
	ap := &App{fyneApp: a, window: w, opener: opener, dir: dir}
	ap.unlock = newUnlockScreen(ap)
	w.SetContent(ap.unlock.content)
	w.SetOnClosed(ap.closeVault)
	return ap
}

// Window returns the app's main window.
func (a *App) Window() fyne.Window { return a.window }

// Unlock returns the unlock screen (for tests and keyboard focus).
func (a *App) Unlock() *UnlockScreen { return a.unlock }

// Credentials returns the credentials screen once a wallet is open, else nil.
func (a *App) Credentials() *CredentialsScreen { return a.credentials }

// opened is called on the UI goroutine when a wallet has been unlocked.
func (a *App) opened(v Vault) {
	a.vault = v
	a.credentials = newCredentialsScreen(a, v)
	a.window.SetContent(a.credentials.content)
	a.credentials.refresh()
}

func (a *App) closeVault() {
	if a.vault != nil {
		_ = a.vault.Close()
		a.vault = nil
	}
}
