package wallet

import (
	"sync"
	"time"
)

// DefaultIdleTimeout is how long an IdleLocker waits without activity
// before it locks the wallet, when IdleOptions.Timeout is zero.
const DefaultIdleTimeout = 10 * time.Minute

// Locker is what an IdleLocker locks. *Wallet is one.
type Locker interface {
	Lock()
}

var _ Locker = (*Wallet)(nil)

// Timer is a pending call made by a Clock; Stop cancels it and reports
// whether it had not run yet.
type Timer interface {
	Stop() bool
}

// Clock tells the time and calls functions later. The real clock is
// time.Now and time.AfterFunc; tests give a fake one.
type Clock interface {
	Now() time.Time
	AfterFunc(d time.Duration, f func()) Timer
}

// realClock is the system clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) AfterFunc(d time.Duration, f func()) Timer { return time.AfterFunc(d, f) }

// IdleOptions configure an IdleLocker.
type IdleOptions struct {
	// Timeout is the idle time after which the wallet is locked
	// (DefaultIdleTimeout when zero or negative).
	Timeout time.Duration
	// Clock is the clock to use (the system clock when nil).
	Clock Clock
	// OnLock, when set, is called (on the clock's goroutine, after the
	// wallet is locked) so that the app can ask for the passphrase again.
	OnLock func()
}

// IdleLocker locks a wallet after a period without activity. The app calls
// Touch on every user action; once Timeout has passed since the last Touch,
// the IdleLocker calls Lock. After that, the next Touch (when the learner
// has unlocked the wallet again) starts a new period. It is safe for
// concurrent use.
type IdleLocker struct {
	target  Locker
	timeout time.Duration
	clock   Clock
	onLock  func()

	mu      sync.Mutex
	last    time.Time // the last Touch
	timer   Timer     // pending check; nil when none
	stopped bool
}

// NewIdleLocker starts watching: unless Touch is called, target is locked
// once opts.Timeout has passed.
func NewIdleLocker(target Locker, opts IdleOptions) *IdleLocker {
	l := &IdleLocker{target: target, timeout: opts.Timeout, clock: opts.Clock, onLock: opts.OnLock}
	if l.timeout <= 0 {
		l.timeout = DefaultIdleTimeout
	}
	if l.clock == nil {
		l.clock = realClock{}
	}
	l.Touch()
	return l
}

// Timeout returns the idle time after which the wallet is locked.
func (l *IdleLocker) Timeout() time.Duration { return l.timeout }

// Touch records activity now: the idle period starts again. It is cheap
// (it re-arms no timer while one is pending).
func (l *IdleLocker) Touch() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.last = l.clock.Now()
	if l.timer == nil {
		l.timer = l.clock.AfterFunc(l.timeout, l.check)
	}
}

// check runs when a period may have ended: it locks if the last Touch is
// at least Timeout ago, else waits for the rest of the period.
func (l *IdleLocker) check() {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return
	}
	idle := l.clock.Now().Sub(l.last)
	if idle < l.timeout {
		l.timer = l.clock.AfterFunc(l.timeout-idle, l.check)
		l.mu.Unlock()
		return
	}
	l.timer = nil
	l.mu.Unlock()
	l.target.Lock()
	if l.onLock != nil {
		l.onLock()
	}
}

// Stop ends the watch without locking; Touch then does nothing.
func (l *IdleLocker) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}
