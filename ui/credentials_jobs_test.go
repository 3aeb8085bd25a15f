package ui

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
)

// fetchGate is a Fetcher that holds every fetch until open (or its context
// ends; after 10 s it fails, so that a test cannot hang) and records the
// URLs asked for.
type fetchGate struct {
	inner   did.Fetcher
	entered chan struct{} // closed at the first fetch
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	urls    []string
}

func newFetchGate(inner did.Fetcher) *fetchGate {
	return &fetchGate{inner: inner, entered: make(chan struct{}), release: make(chan struct{})}
}

func (g *fetchGate) Fetch(ctx context.Context, u string) ([]byte, error) {
	g.mu.Lock()
	g.urls = append(g.urls, u)
	g.mu.Unlock()
	g.once.Do(func() { close(g.entered) })
	select {
	case <-g.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Second):
		return nil, errors.New("fetchGate: never opened")
	}
	return g.inner.Fetch(ctx, u)
}

// open lets the held fetches through.
func (g *fetchGate) open() { close(g.release) }

// asked reports whether a URL on host was fetched.
func (g *fetchGate) asked(host string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, u := range g.urls {
		if p, err := url.Parse(u); err == nil && p.Host == host {
			return true
		}
	}
	return false
}

// waitEntered waits until the check fetches.
func waitEntered(t *testing.T, g *fetchGate) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("the check never fetched")
	}
}

// startCheckAll confirms "Check all again…" and waits until it fetches.
func startCheckAll(t *testing.T, c *CredentialsScreen, g *fetchGate) {
	t.Helper()
	test.Tap(c.CheckAll())
	d, _ := c.Confirm()
	d.Confirm()
	waitEntered(t, g)
}

// One job at a time: while a check runs, its buttons are disabled, Cancel
// shows, and another import, check or drop is refused (nothing of it
// runs); when it ends, everything is enabled again and Cancel hidden.
// Other background work goes on meanwhile.
func TestOneJobAtATime(t *testing.T) {
	paths, writeList := revocableFiles(t, 2)
	dir := t.TempDir()
	writeList(dir)
	g := newFetchGate(did.DirFetcher(dir))
	ap := openCheckApp(t, g, paths[0])
	c := ap.Credentials()
	startCheckAll(t, c, g)

	var busy, cancelShown, importOff, checkOff bool
	ap.quiet(func() {
		busy, cancelShown = c.Busy(), !c.CancelCheck().Hidden
		importOff, checkOff = c.importB.Disabled(), c.CheckAll().Disabled()
	})
	require.True(t, busy)
	require.True(t, cancelShown, "Cancel shows while the check runs")
	require.True(t, importOff)
	require.True(t, checkOff)

	// A background job is not held up by the network check.
	ran := make(chan struct{})
	ap.background(func() { close(ran) })
	select {
	case <-ran:
	case <-time.After(5 * time.Second):
		t.Fatal("a background job waited for the network check")
	}

	// Whatever else is started now is refused.
	ap.quiet(func() {
		c.ImportFiles([]string{paths[1]})
		c.checkAll()
		ap.SelectTab(TabCredentials)
		c.onDropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(paths[1])})
		cancelShown = !c.CancelCheck().Hidden
	})
	require.True(t, cancelShown, "a refused job does not hide Cancel")
	g.open()
	ap.Wait()
	require.Contains(t, c.LastCheck(), "Checked 1 of 1 credentials")
	require.Len(t, c.Shown(), 1, "the refused import did not run")
	require.False(t, c.Busy())
	require.True(t, c.CancelCheck().Hidden)
	require.True(t, c.Progress().Hidden)
	require.False(t, c.importB.Disabled())
	require.False(t, c.CheckAll().Disabled())
}

// Locking the wallet while a check fetches cancels the check at once (the
// lock does not wait for the network); its report, which names
// credentials, is not shown over the lock screen but after the unlock.
func TestLockCancelsCheck(t *testing.T) {
	paths, writeList := revocableFiles(t, 1)
	dir := t.TempDir()
	writeList(dir, 0)
	g := newFetchGate(did.DirFetcher(dir))
	ap := openCheckApp(t, g, paths[0])
	c := ap.Credentials()
	startCheckAll(t, c, g)

	locked := make(chan struct{})
	go func() {
		ap.quiet(func() { fyne.Do(ap.LockNow) })
		close(locked)
	}()
	select {
	case <-locked:
	case <-time.After(5 * time.Second):
		t.Fatal("locking waited for the running check")
	}
	ap.Wait()
	require.True(t, ap.Locked())
	require.Contains(t, c.LastCheck(), "Checked 0 of 1 credentials")
	require.False(t, c.Busy())
	require.Nil(t, ap.Window().Canvas().Overlays().Top(), "no dialog over the lock screen")

	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	require.False(t, ap.Locked())
	require.NotNil(t, ap.Window().Canvas().Overlays().Top(), "the check's report shows after the unlock")
	require.Equal(t, "unknown", c.Shown()[0].Checks.Status, "the cancelled check stored nothing")
}

// Drops import only on the Credentials tab, and only after the learner
// agrees to the number of files found.
func TestDropAsksFirst(t *testing.T) {
	ap := openCheckApp(t, nil)
	c := ap.Credentials()
	root := t.TempDir()
	for _, name := range []string{"simple.json", "complete.json"} {
		b, err := os.ReadFile(fixturePath(name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(root, name), b, 0o600))
	}
	drop := []fyne.URI{storage.NewFileURI(root)}

	ap.SelectTab(TabPassport)
	c.onDropped(fyne.NewPos(1, 1), drop)
	ap.Wait()
	d, _ := c.Confirm()
	require.Nil(t, d, "a drop on another tab does nothing")
	require.False(t, c.Busy())

	ap.SelectTab(TabCredentials)
	c.onDropped(fyne.NewPos(1, 1), drop)
	ap.Wait()
	d, msg := c.Confirm()
	require.Equal(t, "Import 2 files into your wallet?", msg)
	d.Dismiss()
	ap.Wait()
	require.Empty(t, c.Shown(), "declined: nothing imported")
	require.False(t, c.Busy())

	c.onDropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(filepath.Join(root, "simple.json"))})
	ap.Wait()
	d, msg = c.Confirm()
	require.Equal(t, "Import 1 file into your wallet?", msg)
	d.Confirm()
	ap.Wait()
	require.Len(t, c.Shown(), 1)
}

// moveBadgeIssuer makes the offline copy's badge class name its issuer
// profile on tracker.example.net, which the badge itself does not name.
func moveBadgeIssuer(t *testing.T, dir string) {
	t.Helper()
	class := filepath.Join(dir, "example.org", "badge-from-organization-with-empty-revocation-list.json")
	b, err := os.ReadFile(class)
	require.NoError(t, err)
	moved := strings.Replace(string(b), `"issuer": "https://example.org/`, `"issuer": "https://tracker.example.net/`, 1)
	require.NotEqual(t, string(b), moved)
	require.NoError(t, os.WriteFile(class, []byte(moved), 0o600))
	org, err := os.ReadFile(filepath.Join(dir, "example.org", "organization-with-empty-revocation-list.json"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tracker.example.net"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tracker.example.net", "organization-with-empty-revocation-list.json"), org, 0o600))
}

// A badge whose badge class names its issuer on a host the consent did not
// name is not fetched from there: the app asks again, naming the host, and
// only then fetches it and adds the badge.
func TestFetchAsksForNewHosts(t *testing.T) {
	offline := t.TempDir()
	require.NoError(t, os.CopyFS(offline, os.DirFS(filepath.Join("..", "testdata", "ob20", "offline"))))
	moveBadgeIssuer(t, offline)
	g := newFetchGate(did.DirFetcher(offline))
	g.open()
	ap := openCheckApp(t, g, filepath.Join("..", "testdata", "ob20", "simple-not-revoked.jwt"))
	c := ap.Credentials()
	test.Tap(c.PendingFetch())
	d, msg := c.Confirm()
	require.Contains(t, msg, "from: example.org.")
	d.Confirm()
	ap.Wait()
	require.False(t, g.asked("tracker.example.net"), "the host the learner did not see is not contacted")
	require.Empty(t, c.Shown())
	require.Contains(t, c.LastReport(), "checking it also needs tracker.example.net")

	d, msg = c.Confirm()
	require.Contains(t, msg, "also needs tracker.example.net")
	require.Contains(t, msg, "from: example.org, tracker.example.net.")
	d.Confirm()
	ap.Wait()
	require.True(t, g.asked("tracker.example.net"))
	require.Contains(t, c.LastReport(), "Awesome Robotics Badge: added")
	require.Len(t, c.Shown(), 1)

	// "Fetch from issuer…" of the stored badge asks again in the same way.
	g.mu.Lock()
	g.urls = nil
	g.mu.Unlock()
	c.List().Select(0)
	test.Tap(c.FetchBadge())
	d, msg = c.Confirm()
	require.Contains(t, msg, "from: example.org.")
	d.Confirm()
	ap.Wait()
	require.False(t, g.asked("tracker.example.net"))
	require.Contains(t, c.LastCheck(), "also needs tracker.example.net")
	d, msg = c.Confirm()
	require.Contains(t, msg, "from: example.org, tracker.example.net.")
	d.Confirm()
	ap.Wait()
	require.True(t, g.asked("tracker.example.net"))
	require.Contains(t, c.LastCheck(), "Checked at the issuer: verified")
}

// A folder given as a symbolic link is imported; links inside it are
// skipped and said.
func TestImportSymlinkedFolder(t *testing.T) {
	real := filepath.Join(t.TempDir(), "real")
	require.NoError(t, os.MkdirAll(real, 0o700))
	b, err := os.ReadFile(fixturePath("simple.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(real, "simple.json"), b, 0o600))
	outside := filepath.Join(t.TempDir(), "complete.json")
	require.NoError(t, os.WriteFile(outside, b, 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(real, "inner-link.json")))
	link := filepath.Join(t.TempDir(), "certs")
	require.NoError(t, os.Symlink(real, link))

	files, notes := collectFiles([]string{link}, 1<<20, 10)
	require.Len(t, files, 1)
	require.Equal(t, filepath.Join("certs", "simple.json"), files[0].label)
	require.Len(t, notes, 1)
	require.Contains(t, notes[0], filepath.Join("certs", "inner-link.json")+": skipped — a link")
}
