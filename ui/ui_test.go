package ui

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/wallet"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

var fixtureNow = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }

func fixturePath(name string) string { return filepath.Join("..", "testdata", "ob30", name) }

// TestCreateImportAndUnlock drives the app as a learner would: create a
// wallet, import credentials, see them listed with verdicts, select one,
// close, unlock again (first with a wrong passphrase).
func TestCreateImportAndUnlock(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	opener := WalletOpener{Options: wallet.Options{Now: fixtureNow}}
	ap := New(a, opener, dir)
	ap.Now = fixtureNow
	u := ap.Unlock()
	require.True(t, u.Creating())

	test.Type(u.pass, "short")
	require.Contains(t, u.strength.Text, "too short")
	test.Tap(u.button)
	require.Contains(t, u.Status(), "at least 8")

	u.pass.SetText("")
	test.Type(u.pass, "correct horse battery staple")
	require.Equal(t, "Strength: strong", u.strength.Text)
	test.Type(u.confirm, "correct horse battery stapl")
	test.Tap(u.button)
	require.Contains(t, u.Status(), "differ")
	test.Type(u.confirm, "e")
	test.Tap(u.button)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), u.Status())

	c := ap.Credentials()
	require.Empty(t, c.Shown())
	c.ImportFiles([]string{fixturePath("simple.json"), fixturePath("simple_v1.json"), fixturePath("simple-err-proof-value.json")})
	ap.Wait()
	require.NotEmpty(t, c.LastReport())
	require.Len(t, c.Shown(), 2)
	require.Contains(t, c.LastReport(), "not added — signature invalid")
	ap.Wait() // the passport home rebuilds after an import
	require.Equal(t, "1 skill from 2 credentials", ap.Passport().Summary())
	require.Contains(t, SkillLine(ap.Passport().View().Skills[0]), "Teamwork — ")
	home := ap.Passport().View()
	require.Equal(t, []string{home.Skills[0].CategoryLabel, SkillLine(home.Skills[0])}, ap.Passport().Lines()[:2],
		"the home lists each category's heading, then its skills")
	require.Equal(t, "2 of 2", c.count.Text)

	test.Type(c.Search(), "zzz-nothing")
	require.Empty(t, c.Shown())
	c.Search().SetText("")
	require.Len(t, c.Shown(), 2)

	c.List().Select(0)
	detail, checks := c.Detail()
	require.Contains(t, detail, "Issuer:")
	require.Contains(t, checks, "Signature: ok")
	require.Contains(t, checks, "Issuer: unconfirmed")

	ap.Window().Close()

	ap2 := New(a, opener, dir)
	u2 := ap2.Unlock()
	require.False(t, u2.Creating())
	test.Type(u2.pass, "wrong passphrase")
	test.Tap(u2.button)
	ap2.Wait()
	require.Equal(t, "Wrong passphrase. Nothing was changed; try again.", u2.Status())
	u2.pass.SetText("")
	test.Type(u2.pass, "correct horse battery staple")
	test.Tap(u2.button)
	ap2.Wait()
	require.NotNil(t, ap2.Credentials(), u2.Status())
	require.Len(t, ap2.Credentials().Shown(), 2)
	ap2.Window().Close()
}

func TestStrength(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "too short (at least 8 characters)"},
		{"abcdefgh", "weak: use a longer phrase of unrelated words"},
		{"abcdefghijkl", "fair: a few more words make it strong"},
		{"Abc123!x", "fair: a few more words make it strong"},
		{"correct horse battery staple", "strong"},
	} {
		require.Equal(t, tc.want, Strength(tc.in), tc.in)
	}
}

// fakeClock is a wallet.Clock whose pending calls run when the test says.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	calls []fakeCall
}

type fakeCall struct {
	at time.Time
	f  func()
}

type fakeTimer struct{}

func (fakeTimer) Stop() bool { return true }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) wallet.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, fakeCall{at: c.now.Add(d), f: f})
	return fakeTimer{}
}

// advance moves the clock and runs the calls that are due.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	var due []func()
	rest := c.calls[:0]
	for _, call := range c.calls {
		if !call.at.After(c.now) {
			due = append(due, call.f)
		} else {
			rest = append(rest, call)
		}
	}
	c.calls = rest
	c.mu.Unlock()
	for _, f := range due {
		f()
	}
}

// TestIdleLockAsksAgain leaves the app idle past the timeout: the credentials
// leave the screen, the wallet forgets its keys, and the passphrase brings
// the same wallet back.
func TestIdleLockAsksAgain(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	clock := &fakeClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.IdleTimeout = 5 * time.Minute
	ap.Clock = clock
	u := ap.Unlock()
	test.Type(u.pass, "correct horse battery staple")
	test.Type(u.confirm, "correct horse battery staple")
	test.Tap(u.button)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), u.Status())
	c := ap.Credentials()
	c.ImportFiles([]string{fixturePath("simple.json")})
	ap.Wait()
	require.NotEmpty(t, c.LastReport())
	require.Len(t, c.Shown(), 1)

	clock.advance(4 * time.Minute)
	require.False(t, ap.Locked(), "not idle long enough")
	test.Type(c.Search(), "x") // activity
	clock.advance(4 * time.Minute)
	require.False(t, ap.Locked(), "typing counts as activity")
	clock.advance(2 * time.Minute)
	require.True(t, ap.Locked())
	require.Equal(t, u.content, ap.Window().Content())
	_, err := ap.vault.List()
	require.ErrorIs(t, err, wallet.ErrLocked, "the keys are forgotten")

	test.Type(u.pass, "wrong passphrase")
	test.Tap(u.button)
	ap.Wait()
	require.Equal(t, "Wrong passphrase. Nothing was changed; try again.", u.Status())
	require.True(t, ap.Locked())
	u.pass.SetText("")
	test.Type(u.pass, "correct horse battery staple")
	test.Tap(u.button)
	ap.Wait()
	require.False(t, ap.Locked(), u.Status())
	require.Equal(t, ap.tabs, ap.Window().Content())
	require.Len(t, c.Shown(), 1)
	ap.Window().Close()
}
