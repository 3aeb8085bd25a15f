package wallet

import (
	"bytes"
	"context"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock is a Clock that moves only when told to: Advance runs the due
// functions in time order, on the caller's goroutine.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	c       *fakeClock
	at      time.Time
	f       func()
	stopped bool
	fired   bool
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

func (t *fakeTimer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	was := !t.stopped && !t.fired
	t.stopped = true
	return was
}

// pending returns how many timers are waiting.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, t := range c.timers {
		if !t.stopped && !t.fired {
			n++
		}
	}
	return n
}

// Advance moves the clock by d, running every function that falls due, at
// its own time, in order.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.stopped && !t.fired && !t.at.After(end) {
				next = t
				break
			}
		}
		if next == nil {
			break
		}
		next.fired = true
		c.now = next.at
		c.mu.Unlock()
		next.f()
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

func TestIdleLocker(t *testing.T) {
	type step struct {
		advance time.Duration
		touch   bool
		locked  bool // after the step
	}
	tests := []struct {
		name    string
		timeout time.Duration
		steps   []step
	}{
		{"default ten minutes", 0, []step{
			{advance: 9*time.Minute + 59*time.Second},
			{advance: time.Second, locked: true},
		}},
		{"touch starts the period again", 0, []step{
			{advance: 9 * time.Minute, touch: true},
			{advance: 9 * time.Minute, touch: true},
			{advance: 9*time.Minute + 59*time.Second},
			{advance: time.Second, locked: true},
		}},
		{"many touches", 30 * time.Second, []step{
			{advance: 10 * time.Second, touch: true},
			{advance: 10 * time.Second, touch: true},
			{advance: 10 * time.Second, touch: true},
			{advance: 29 * time.Second},
			{advance: time.Second, locked: true},
		}},
		{"a long idle spell locks once", 5 * time.Minute, []step{
			{advance: 3 * time.Hour, locked: true},
		}},
	}
	tmpl, _ := newWallet(t)
	require.NoError(t, tmpl.Close())
	key, err := DeriveKey(tmpl.Dir(), []byte(testPass))
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openCopy(t, tmpl.Dir(), key)
			clock := newFakeClock()
			var locks int
			l := NewIdleLocker(w, IdleOptions{Timeout: tc.timeout, Clock: clock, OnLock: func() { locks++ }})
			defer l.Stop()
			if tc.timeout == 0 {
				require.Equal(t, DefaultIdleTimeout, l.Timeout())
				require.Equal(t, 10*time.Minute, l.Timeout())
			}
			for i, s := range tc.steps {
				clock.Advance(s.advance)
				if s.touch {
					l.Touch()
				}
				require.Equal(t, s.locked, w.Locked(), "after step %d", i+1)
			}
			require.Equal(t, 1, locks, "OnLock once")
			require.Zero(t, clock.pending(), "no timer left once locked")
			_, err := w.List()
			require.ErrorIs(t, err, ErrLocked)
		})
	}
}

func TestIdleLockerAfterUnlockAndStop(t *testing.T) {
	w, _ := newWallet(t)
	clock := newFakeClock()
	l := NewIdleLocker(w, IdleOptions{Timeout: time.Minute, Clock: clock})
	clock.Advance(time.Minute)
	require.True(t, w.Locked())

	// The learner unlocks; the next action starts a new period.
	require.NoError(t, w.Unlock([]byte(testPass)))
	l.Touch()
	clock.Advance(59 * time.Second)
	require.False(t, w.Locked())
	clock.Advance(time.Second)
	require.True(t, w.Locked())

	require.NoError(t, w.Unlock([]byte(testPass)))
	l.Touch()
	l.Stop()
	l.Touch()
	clock.Advance(time.Hour)
	require.False(t, w.Locked(), "a stopped IdleLocker never locks")
	require.Zero(t, clock.pending())
}

func TestLockUnlock(t *testing.T) {
	fastScrypt(t)
	w, dir := newWallet(t)
	ctx := context.Background()
	res, err := w.Import(ctx, "simple.json", fixture(t, "simple.json"))
	require.NoError(t, err)
	id := res[0].ID
	km := w.KeyManager() // held across the lock, as the agent holds it
	ident, err := w.Identities()
	require.NoError(t, err)

	w.Lock()
	require.True(t, w.Locked())
	require.Nil(t, w.kms, "the KMS is dropped")
	require.Nil(t, w.lock, "the secret lock is dropped")
	w.Lock() // again: nothing changes
	ops := map[string]func() error{
		"List":          func() error { _, err := w.List(); return err },
		"Count":         func() error { _, err := w.Count(); return err },
		"Get":           func() error { _, err := w.Get(id); return err },
		"Reverify":      func() error { _, err := w.Reverify(ctx, id); return err },
		"Delete":        func() error { return w.Delete(id) },
		"Import":        func() error { _, err := w.Import(ctx, "v1.json", fixture(t, "simple_v1.json")); return err },
		"Identities":    func() error { _, err := w.Identities(); return err },
		"Activity":      func() error { _, err := w.Activity(); return err },
		"Backup":        func() error { return w.Backup(&bytes.Buffer{}, []byte(backupPass)) },
		"ContentHashes": func() error { _, err := w.ContentHashes(); return err },
		"KeyManager":    func() error { _, err := km.Get(ident[0].KeyID); return err },
	}
	for name, op := range ops {
		require.ErrorIs(t, op(), ErrLocked, name)
	}

	path := filepath.Join(dir, FileName)
	before := fileHash(t, path)
	require.ErrorIs(t, w.Unlock([]byte("not the passphrase")), ErrWrongPassphrase)
	require.True(t, w.Locked(), "a wrong passphrase leaves it locked")
	require.Equal(t, before, fileHash(t, path))
	_, err = w.List()
	require.ErrorIs(t, err, ErrLocked)

	require.NoError(t, w.Unlock([]byte(testPass)))
	require.False(t, w.Locked())
	rec, err := w.Get(id)
	require.NoError(t, err)
	require.Equal(t, "Teamwork Badge", rec.Name)
	_, err = km.Get(ident[0].KeyID)
	require.NoError(t, err, "the key manager held across the lock works again")
	requireSigns(t, w)

	// On an unlocked wallet a wrong passphrase changes nothing either.
	require.ErrorIs(t, w.Unlock([]byte("not the passphrase")), ErrWrongPassphrase)
	require.False(t, w.Locked())
	_, err = w.List()
	require.NoError(t, err)
}
