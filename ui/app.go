// Package ui is the Skillpass desktop app's presentation: Fyne screens that
// call package wallet and never reimplement it. Each screen is one struct
// with its widgets as fields and onX handlers; long work runs off the UI
// goroutine and reports back through fyne.Do.
package ui

import (
	"context"
	"io"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
)

// Preference keys the app stores through Fyne's preferences.
const (
	prefIdleMinutes  = "idleMinutes"
	prefTheme        = "theme"
	prefLanguage     = "language"
	prefWindowWidth  = "windowWidth"
	prefWindowHeight = "windowHeight"
	prefAgentListen  = "agentListen"
)

// defaultWindowSize is the window's size on the first start.
var defaultWindowSize = fyne.NewSize(960, 640)

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
	// PreviewPresentation and Present make the share screen's consent
	// summary and signed presentation.
	PreviewPresentation(req wallet.PresentRequest) (*wallet.Preview, error)
	Present(ctx context.Context, req wallet.PresentRequest) (*wallet.Presentation, error)
	// Claims lists what of a BBS+ credential can be shown claim by claim
	// (wallet.ErrWholeOnly for any other credential).
	Claims(id string) ([]wallet.Claim, error)
	// Activity is the wallet's activity log (the presentation log reads it).
	Activity() ([]wallet.Entry, error)
	// Backup and Restore write and read a backup file.
	Backup(out io.Writer, passphrase []byte) error
	Restore(in io.Reader, passphrase []byte) (wallet.RestoreReport, error)
	// Identities lists the learner's DIDs.
	Identities() ([]wallet.Identity, error)
	// SetCategory and ClearCategory set and remove the learner's own
	// category for a skill (by its passport key); CategoryOverrides lists
	// them.
	SetCategory(skillKey string, cat passport.Category) error
	ClearCategory(skillKey string) error
	CategoryOverrides() (map[string]passport.Category, error)
}

var _ Vault = (*wallet.Wallet)(nil)

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
	// StartAgent starts the learner's DIDComm agent once a wallet is
	// unlocked (StartWalletAgent: the agent and the wallet control socket).
	// When nil the inbox says that no agent runs.
	StartAgent AgentStarter
	// Invitation, when set, is an invitation the app connects to as soon as
	// its agent runs (`make demo` passes the demo issuer's).
	Invitation []byte
	// Fetcher answers the https requests of the checks the learner asks for
	// on the credentials screen (did:web keys, status lists, hosted Open
	// Badges 2.0 badges), each after a confirmation; nil means the app
	// offers no such checks. cmd/skillpass sets did.HTTPFetcher.
	Fetcher did.Fetcher

	vault       Vault
	idle        *wallet.IdleLocker
	jobsMu      sync.Mutex // guards jobCount
	jobsIdle    *sync.Cond // signalled when jobCount drops to zero
	jobCount    int        // background jobs started and not finished
	jobMu       sync.Mutex // background jobs run one at a time
	agent       Agent      // the running DIDComm agent, or nil
	agentDone   chan struct{}
	changes     chan struct{} // the agent's change notifications
	inbox       *InboxScreen
	advisor     *AdvisorScreen
	unlock      *UnlockScreen
	home        *PassportScreen
	credentials *CredentialsScreen
	share       *ShareScreen
	verifier    *VerifyScreen
	standalone  *VerifyScreen // the verifier reached from the unlock screen
	settings    *SettingsScreen
	tabs        *container.AppTabs

	// The agent starts and closes off the UI goroutine (inbox.go).
	agentMu     sync.Mutex    // guards agent, agentDone, agentClosed, agentGen
	agentClosed chan struct{} // closed once the running agent's Close has returned
	agentGen    uint64        // bumped by every start and stop: a start whose generation passed gives its agent up
	agentGone   chan struct{} // closed once the agent of the last start has closed or never started (UI goroutine)
}

// New builds the app's window for the wallet in dir; call ShowAndRun on the
// returned window (or use it headless in tests). The window takes the size
// it had when it was last closed, and the language and theme the settings
// chose.
func New(a fyne.App, opener Opener, dir string) *App {
	prefs := a.Preferences()
	if err := SetupLanguage(prefs.String(prefLanguage)); err != nil {
		fyne.LogError("choose the language", err)
	}
	w := a.NewWindow("Skillpass")
	size := fyne.NewSize(
		float32(prefs.FloatWithFallback(prefWindowWidth, float64(defaultWindowSize.Width))),
		float32(prefs.FloatWithFallback(prefWindowHeight, float64(defaultWindowSize.Height))))
	if size.Width < 400 || size.Height < 300 {
		size = defaultWindowSize
	}
	w.Resize(size)
	a.Settings().SetTheme(themeFor(prefs.StringWithFallback(prefTheme, ThemeSystem)))
	ap := &App{fyneApp: a, window: w, opener: opener, dir: dir, changes: make(chan struct{}, 1)}
	ap.jobsIdle = sync.NewCond(&ap.jobsMu)
	ap.unlock = newUnlockScreen(ap)
	w.SetContent(ap.unlock.content)
	w.Canvas().Focus(ap.unlock.pass) // type the passphrase at once
	w.SetOnClosed(ap.closed)
	ap.setupKeys()
	return ap
}

// Tab indexes, in the order the tabs show (Ctrl+1 to Ctrl+7 select them).
const (
	TabPassport = iota
	TabCredentials
	TabInbox
	TabShare
	TabVerify
	TabAdvisor
	TabSettings
)

// tabShortcut is the shortcut that selects tab i (Ctrl+1 for the first).
func tabShortcut(i int) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: fyne.KeyName(rune('1' + i)), Modifier: fyne.KeyModifierShortcutDefault}
}

// lockShortcut is Ctrl+L (Cmd+L on macOS): lock the wallet now.
var lockShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}

// setupKeys adds the window's menu and keyboard shortcuts. They live in the
// main menu too, because the desktop driver gives a focused text entry
// every shortcut that no menu item claims.
func (a *App) setupKeys() {
	lockItem := fyne.NewMenuItem(lang.L("Lock now"), a.LockNow)
	lockItem.Shortcut = lockShortcut
	a.window.Canvas().AddShortcut(lockShortcut, func(fyne.Shortcut) { a.LockNow() })
	view := fyne.NewMenu(lang.L("View"))
	for i, name := range tabNames() {
		item := fyne.NewMenuItem(name, func() { a.SelectTab(i) })
		item.Shortcut = tabShortcut(i)
		a.window.Canvas().AddShortcut(tabShortcut(i), func(fyne.Shortcut) { a.SelectTab(i) })
		view.Items = append(view.Items, item)
	}
	a.window.SetMainMenu(fyne.NewMainMenu(fyne.NewMenu(lang.L("Wallet"), lockItem), view))
}

// tabNames are the tabs' titles, in order.
func tabNames() []string {
	return []string{lang.L("Passport"), lang.L("Credentials"), lang.L("Inbox"), lang.L("Share"), lang.L("Verify"), lang.L("Advisor"), lang.L("Settings")}
}

// SelectTab shows tab i (TabPassport...) when the wallet is open and
// unlocked; otherwise it does nothing.
func (a *App) SelectTab(i int) {
	if a.tabs == nil || a.Locked() || i < 0 || i >= len(a.tabs.Items) {
		return
	}
	a.tabs.SelectIndex(i)
}

// LockNow locks the open wallet at once (Ctrl+L): the keys are forgotten
// and the passphrase is asked again. Without an unlocked wallet it does
// nothing.
func (a *App) LockNow() {
	if a.vault == nil || a.Locked() {
		return
	}
	a.vault.Lock()
	a.lockedOut()
}

// background runs work off the UI goroutine; work reports back with fyne.Do.
// Jobs run one at a time: the wallet serialises its work anyway, and under
// Fyne's test driver fyne.Do runs on the job's own goroutine, so two jobs
// reporting back at once would touch widgets concurrently.
//
// It may be called from any goroutine (the agent's change notifications
// start jobs too), so the jobs are counted under a mutex rather than with a
// WaitGroup, whose Add must not race with Wait.
func (a *App) background(work func()) {
	a.jobStarted()
	go func() {
		defer a.jobDone()
		a.jobMu.Lock()
		defer a.jobMu.Unlock()
		work()
	}()
}

// jobStarted counts a job that App.Wait waits for; jobDone ends it.
func (a *App) jobStarted() {
	a.jobsMu.Lock()
	a.jobCount++
	a.jobsMu.Unlock()
}

// jobDone ends a job jobStarted counted, waking Wait when none is left.
func (a *App) jobDone() {
	a.jobsMu.Lock()
	a.jobCount--
	if a.jobCount == 0 {
		a.jobsIdle.Broadcast()
	}
	a.jobsMu.Unlock()
}

// goTracked runs work on a goroutine of its own, beside the background
// jobs rather than after them, and App.Wait waits for it too: work that
// may take long (a network check may take minutes; closing an agent, or
// waiting for one to close, seconds) does not hold up the screens' jobs.
// Work that touches widgets reports back through
// a.quiet(func() { fyne.Do(...) }), so that it never does so at the same
// time as a background job.
func (a *App) goTracked(work func()) {
	a.jobStarted()
	go func() {
		defer a.jobDone()
		work()
	}()
}

// Wait blocks until the background work the screens started (unlocking,
// importing) has finished and reported back to the widgets. Tests call it
// instead of polling widgets from another goroutine.
func (a *App) Wait() {
	a.jobsMu.Lock()
	for a.jobCount > 0 {
		a.jobsIdle.Wait()
	}
	a.jobsMu.Unlock()
}

// quiet runs f while no background job runs, so that f may read the
// widgets while the agent's notifications start jobs of their own (tests
// read the screens through it).
func (a *App) quiet(f func()) {
	a.jobMu.Lock()
	defer a.jobMu.Unlock()
	f()
}

// Window returns the app's main window.
func (a *App) Window() fyne.Window { return a.window }

// Unlock returns the unlock screen (for tests and keyboard focus).
func (a *App) Unlock() *UnlockScreen { return a.unlock }

// Passport returns the passport home once a wallet is open, else nil.
func (a *App) Passport() *PassportScreen { return a.home }

// Credentials returns the credentials screen once a wallet is open, else nil.
func (a *App) Credentials() *CredentialsScreen { return a.credentials }

// Share returns the share screen once a wallet is open, else nil.
func (a *App) Share() *ShareScreen { return a.share }

// Verify returns the verify screen once a wallet is open, else nil.
func (a *App) Verify() *VerifyScreen { return a.verifier }

// Standalone returns the verify screen reached from the unlock screen
// (nil until it was opened there).
func (a *App) Standalone() *VerifyScreen { return a.standalone }

// showVerifier shows the verify screen without a wallet (an employer needs
// none), with a way back to the unlock screen.
func (a *App) showVerifier() {
	if a.standalone == nil {
		a.standalone = newVerifyScreen(a)
		a.standalone.back = widget.NewButton(lang.L("Back"), func() {
			a.window.SetContent(a.unlock.content)
			a.window.Canvas().Focus(a.unlock.pass)
		})
		a.standalone.content = container.NewBorder(nil, container.NewHBox(a.standalone.back), nil, nil, a.standalone.content)
	}
	a.window.SetContent(a.standalone.content)
}

// Settings returns the settings screen once a wallet is open, else nil.
func (a *App) Settings() *SettingsScreen { return a.settings }

// Inbox returns the inbox and connections screen once a wallet is open,
// else nil.
func (a *App) Inbox() *InboxScreen { return a.inbox }

// Advisor returns the advisor screen once a wallet is open, else nil.
func (a *App) Advisor() *AdvisorScreen { return a.advisor }

// opened is called on the UI goroutine when a wallet has been unlocked (or
// unlocked again after the idle lock).
func (a *App) opened(v Vault) {
	if a.vault == nil {
		a.vault = v
		a.home = newPassportScreen(a, v)
		a.credentials = newCredentialsScreen(a, v)
		a.share = newShareScreen(a, v)
		a.verifier = newVerifyScreen(a)
		a.inbox = newInboxScreen(a, v)
		a.advisor = newAdvisorScreen(a, v)
		a.settings = newSettingsScreen(a, v)
		names := tabNames()
		a.tabs = container.NewAppTabs(
			container.NewTabItem(names[TabPassport], a.home.content),
			container.NewTabItem(names[TabCredentials], a.credentials.content),
			container.NewTabItem(names[TabInbox], a.inbox.content),
			container.NewTabItem(names[TabShare], a.share.content),
			container.NewTabItem(names[TabVerify], a.verifier.content),
			container.NewTabItem(names[TabAdvisor], a.advisor.content),
			container.NewTabItem(names[TabSettings], a.settings.content),
		)
		a.tabs.OnSelected = func(*container.TabItem) { a.touch(); a.tabShown() }
	}
	a.startAgent(v)
	a.window.SetContent(a.tabs)
	a.credentials.refresh()
	a.home.refresh()
	a.tabShown()
	if a.idle == nil {
		a.startIdle()
		// Any key typed anywhere in the window counts as activity.
		a.window.Canvas().SetOnTypedKey(func(*fyne.KeyEvent) { a.touch() })
		a.window.Canvas().SetOnTypedRune(func(rune) { a.touch() })
	} else {
		a.idle.Touch()
	}
}

// tabShown refreshes the screen of the selected tab that reads the wallet
// only when shown (the share list and log, the settings' identities).
func (a *App) tabShown() {
	switch a.tabs.SelectedIndex() {
	case TabShare:
		a.share.refresh()
	case TabSettings:
		a.settings.refresh()
	case TabInbox:
		a.inbox.reload()
	}
}

// idleTimeout is the idle lock's period: App.IdleTimeout when set, else
// the settings' minutes, else wallet.DefaultIdleTimeout.
func (a *App) idleTimeout() time.Duration {
	if a.IdleTimeout > 0 {
		return a.IdleTimeout
	}
	if m := a.fyneApp.Preferences().Int(prefIdleMinutes); m > 0 {
		return time.Duration(m) * time.Minute
	}
	return wallet.DefaultIdleTimeout
}

// startIdle (re)starts the idle lock with the current timeout.
func (a *App) startIdle() {
	if a.idle != nil {
		a.idle.Stop()
	}
	a.idle = wallet.NewIdleLocker(a.vault, wallet.IdleOptions{
		Timeout: a.idleTimeout(),
		Clock:   a.Clock,
		OnLock:  func() { fyne.Do(a.lockedOut) },
	})
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
// credentials leave the screen, with every dialog and pop-up over them, and
// the passphrase is asked again.
func (a *App) lockedOut() {
	if a.Locked() {
		return // already asking (Ctrl+L, then the idle lock)
	}
	a.closeOverlays() // first: the passphrase entry takes the focus only with no overlay up
	a.unlock.relock()
	if a.credentials != nil {
		a.credentials.locked()
	}
	a.window.SetContent(a.unlock.content)
	a.window.Canvas().Focus(a.unlock.pass) // relock's focus came before the screen showed
	a.stopAgent()
}

// closeOverlays hides every dialog, pop-up and menu over the window's
// content (an import report, a consent dialog, a share result name
// credentials), so that the lock screen is all that shows.
func (a *App) closeOverlays() {
	overlays := a.window.Canvas().Overlays()
	list := overlays.List()
	for i := len(list) - 1; i >= 0; i-- {
		list[i].Hide() // a dialog's pop-up leaves the stack itself, and can be shown again later
		overlays.Remove(list[i])
	}
}

// closed remembers the window's size and closes the wallet.
func (a *App) closed() {
	size := a.window.Canvas().Size()
	if size.Width >= 400 && size.Height >= 300 {
		a.fyneApp.Preferences().SetFloat(prefWindowWidth, float64(size.Width))
		a.fyneApp.Preferences().SetFloat(prefWindowHeight, float64(size.Height))
	}
	a.closeVault()
}

// closeVault stops the idle lock and the agent, waits until the agent has
// closed (it uses the wallet, and may still be closing after a lock), then
// closes the wallet.
func (a *App) closeVault() {
	if a.idle != nil {
		a.idle.Stop()
	}
	a.stopAgent()
	if a.agentGone != nil {
		<-a.agentGone
	}
	if a.vault != nil {
		_ = a.vault.Close()
		a.vault = nil
	}
}
