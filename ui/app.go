// Package ui is the Skillpass desktop app's presentation: Fyne screens that
// call package wallet and never reimplement it. Each screen is one struct
// with its widgets as fields and onX handlers; long work runs off the UI
// goroutine and reports back through fyne.Do.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
)

// Vault is what the screens need of an open wallet.
type Vault interface {
	List() ([]wallet.Summary, error)
	Get(id string) (*wallet.Record, error)
	Import(ctx context.Context, name string, data []byte) ([]wallet.ImportResult, error)
	Close() error
	// Lock forgets the keys; Unlock brings them back with the passphrase.
	Lock()
	Unlock(passphrase []byte) error
	Passport(opts passport.Options) (*passport.Passport, error)
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
	// IdleTimeout locks the wallet after this long without activity
	// (wallet.DefaultIdleTimeout when zero).
	IdleTimeout time.Duration
	// Clock drives the idle lock (the system clock when nil; tests pass a
	// fake one).
	Clock wallet.Clock
	// Now is the clock the passport's freshness and expiry read (time.Now
	// when nil).
	Now func() time.Time

	vault       Vault
	idle        *wallet.IdleLocker
	jobs        sync.WaitGroup // background work of the screens
	jobMu       sync.Mutex     // background jobs run one at a time
	unlock      *UnlockScreen
	home        *PassportScreen
	credentials *CredentialsScreen
	tabs        *container.AppTabs
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

// background runs work off the UI goroutine; work reports back with fyne.Do.
// Jobs run one at a time: the wallet serialises its work anyway, and under
// Fyne's test driver fyne.Do runs on the job's own goroutine, so two jobs
// reporting back at once would touch widgets concurrently.
func (a *App) background(work func()) {
	a.jobs.Add(1)
	go func() {
		defer a.jobs.Done()
		a.jobMu.Lock()
		defer a.jobMu.Unlock()
		work()
	}()
}

// Wait blocks until the background work the screens started (unlocking,
// importing) has finished and reported back to the widgets. Tests call it
// instead of polling widgets from another goroutine.
func (a *App) Wait() { a.jobs.Wait() }

// Window returns the app's main window.
func (a *App) Window() fyne.Window { return a.window }

// Unlock returns the unlock screen (for tests and keyboard focus).
func (a *App) Unlock() *UnlockScreen { return a.unlock }

// Passport returns the passport home once a wallet is open, else nil.
func (a *App) Passport() *PassportScreen { return a.home }

// Credentials returns the credentials screen once a wallet is open, else nil.
func (a *App) Credentials() *CredentialsScreen { return a.credentials }

// opened is called on the UI goroutine when a wallet has been unlocked (or
// unlocked again after the idle lock).
func (a *App) opened(v Vault) {
	if a.vault == nil {
		a.vault = v
		a.home = newPassportScreen(a, v)
		a.credentials = newCredentialsScreen(a, v)
		a.tabs = container.NewAppTabs(
			container.NewTabItem("Passport", a.home.content),
			container.NewTabItem("Credentials", a.credentials.content),
		)
		a.tabs.OnSelected = func(*container.TabItem) { a.touch() }
	}
	a.window.SetContent(a.tabs)
	a.credentials.refresh()
	a.home.refresh()
	if a.idle == nil {
		a.idle = wallet.NewIdleLocker(v, wallet.IdleOptions{
			Timeout: a.IdleTimeout,
			Clock:   a.Clock,
			OnLock:  func() { fyne.Do(a.lockedOut) },
		})
		// Any key typed anywhere in the window counts as activity.
		a.window.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { a.touch() })
		a.window.Canvas().SetOnTypedRune(func(rune) { a.touch() })
	} else {
		a.idle.Touch()
	}
}

// now reads the app's clock.
func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// touch records activity for the idle lock.
func (a *App) touch() {
	if a.idle != nil {
		a.idle.Touch()
	}
}

// Locked reports whether the window shows the unlock screen of an open
// wallet that the idle lock has locked.
func (a *App) Locked() bool { return a.vault != nil && a.unlock.relocking }

// lockedOut runs on the UI goroutine after the idle lock forgot the keys: the
// credentials leave the screen and the passphrase is asked again.
func (a *App) lockedOut() {
	a.unlock.relock()
	a.window.SetContent(a.unlock.content)
}

func (a *App) closeVault() {
	if a.idle != nil {
		a.idle.Stop()
	}
	if a.vault != nil {
		_ = a.vault.Close()
		a.vault = nil
	}
}
