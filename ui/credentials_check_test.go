package ui

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// uiListURL is where the revocable test badges' status list lives.
const uiListURL = "https://status.example.org/lists/1"

// revocableFiles writes n Open Badges 3.0 credentials ("Data skills 0"...),
// signed by a did:key issuer and each with a revocation entry (index i) in
// uiListURL, into a temporary folder, and returns their paths and a
// function that writes the status list, with the given indexes revoked,
// into dir/status.example.org/lists/1 (a did.DirFetcher's layout).
func revocableFiles(t *testing.T, n int) ([]string, func(dir string, revoked ...int)) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat("u", ed25519.SeedSize)))
	issuer, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	loader, err := ld.NewLoader()
	require.NoError(t, err)
	proc := ld.NewProcessor(loader)
	sign := func(doc map[string]any) []byte {
		signed, err := dataintegrity.Sign(proc, doc, dataintegrity.ProofOptions{
			VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
			Created:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		}, priv)
		require.NoError(t, err)
		b, err := json.Marshal(signed)
		require.NoError(t, err)
		return b
	}
	dir := t.TempDir()
	paths := make([]string, n)
	for i := range paths {
		doc := map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
			"id":        fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
			"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
			"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Check Training Provider"},
			"validFrom": "2025-01-01T00:00:00Z",
			"name":      fmt.Sprintf("Data skills %d", i),
			"credentialSubject": map[string]any{
				"id": "did:example:learner", "type": []any{"AchievementSubject"},
				"achievement": map[string]any{
					"id": fmt.Sprintf("https://example.org/achievements/%d", i), "type": []any{"Achievement"},
					"name": fmt.Sprintf("Data skills %d", i), "description": "Cleans and joins tabular data.",
					"criteria": map[string]any{"narrative": "Completed the assessed project."},
				},
			},
			"credentialStatus": map[string]any{
				"id": fmt.Sprintf("%s#%d", uiListURL, i), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": fmt.Sprint(i), "statusListCredential": uiListURL,
			},
		}
		paths[i] = filepath.Join(dir, fmt.Sprintf("badge%d.json", i))
		require.NoError(t, os.WriteFile(paths[i], sign(doc), 0o600))
	}
	write := func(dir string, revoked ...int) {
		l, err := status.NewList(status.MinListEntries)
		require.NoError(t, err)
		for _, i := range revoked {
			require.NoError(t, l.Set(i))
		}
		enc, err := l.Encode(status.BitstringStatusList)
		require.NoError(t, err)
		list := sign(map[string]any{
			"@context": []any{"https://www.w3.org/ns/credentials/v2"}, "id": uiListURL,
			"type":   []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer": issuer, "validFrom": "2025-01-01T00:00:00Z",
			"credentialSubject": map[string]any{
				"id": uiListURL + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": enc,
			},
		})
		p := filepath.Join(dir, "status.example.org", "lists", "1")
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, list, 0o600))
	}
	return paths, write
}

// openCheckApp is openApp with App.Fetcher set to f before the wallet opens
// (nil: no network checks offered); it imports paths when given.
func openCheckApp(t *testing.T, f did.Fetcher, paths ...string) *App {
	t.Helper()
	a := newTestApp(t)
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, filepath.Join(t.TempDir(), "wallet"))
	ap.Now = fixtureNow
	ap.Fetcher = f
	t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
	createWallet(t, ap)
	if len(paths) > 0 {
		ap.Credentials().ImportFiles(paths)
		ap.Wait()
		require.NotEmpty(t, ap.Credentials().LastReport())
	}
	return ap
}

// shownStatus maps each listed credential's name to its status check.
func shownStatus(c *CredentialsScreen) map[string]string {
	out := map[string]string{}
	for _, s := range c.Shown() {
		out[s.Name] = s.Checks.Status
	}
	return out
}

// "Check all again…" asks first, then checks every credential with the
// app's fetcher: the served list revokes one, and the summary, the list and
// the passport home say so.
func TestCheckAllFindsRevoked(t *testing.T) {
	paths, writeList := revocableFiles(t, 3)
	dir := t.TempDir()
	writeList(dir, 1)
	ap := openCheckApp(t, did.DirFetcher(dir), paths...)
	c := ap.Credentials()
	require.Equal(t, map[string]string{"Data skills 0": "unknown", "Data skills 1": "unknown", "Data skills 2": "unknown"}, shownStatus(c),
		"the app opens its wallet offline")
	require.Equal(t, 3, ap.Passport().View().Credentials)

	require.False(t, c.CheckAll().Disabled())
	test.Tap(c.CheckAll())
	d, msg := c.Confirm()
	require.NotNil(t, d)
	require.Contains(t, msg, "keys and revocation lists")
	require.Contains(t, msg, "Nothing else leaves this computer")
	require.Empty(t, c.LastCheck(), "nothing runs before the learner agrees")
	d.Confirm()
	ap.Wait()

	sum := c.LastCheck()
	require.Contains(t, sum, "Checked 3 of 3 credentials; 3 changed.")
	require.Contains(t, sum, "Now revoked or not verified: Data skills 1\n")
	require.Contains(t, sum, "• Data skills 1: status unknown → revoked")
	require.Equal(t, map[string]string{"Data skills 0": "ok", "Data skills 1": "revoked", "Data skills 2": "ok"}, shownStatus(c))
	for _, s := range c.Shown() {
		if s.Name == "Data skills 1" {
			require.Equal(t, "Check Training Provider · revoked", RowSubtitle(s))
		}
	}
	require.True(t, c.Progress().Hidden)
	require.True(t, c.CancelCheck().Hidden)
	require.False(t, c.CheckAll().Disabled())
	require.False(t, c.importB.Disabled())
	// The home was built again with the new verdicts.
	home := strings.Join(ap.Passport().Lines(), "\n")
	require.NotContains(t, home, "Data skills 1 —", "a revoked credential is no evidence")
	require.Contains(t, home, "Data skills 0 —")

	// Declining does nothing.
	test.Tap(c.CheckAll())
	d, _ = c.Confirm()
	d.Dismiss()
	ap.Wait()
	require.Equal(t, sum, c.LastCheck())
}

// Cancel stops the check: nothing is changed and the summary says it was
// cancelled.
func TestCheckAllCancel(t *testing.T) {
	paths, writeList := revocableFiles(t, 3)
	dir := t.TempDir()
	writeList(dir, 1)
	var c *CredentialsScreen
	var once sync.Once
	inner := did.DirFetcher(dir)
	f := did.FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		once.Do(func() {
			fyne.Do(func() {
				require.False(t, c.CancelCheck().Hidden, "Cancel shows while the check runs")
				require.False(t, c.Progress().Hidden)
				require.True(t, c.CheckAll().Disabled())
				test.Tap(c.CancelCheck())
			})
		})
		return inner.Fetch(ctx, url)
	})
	ap := openCheckApp(t, f, paths...)
	c = ap.Credentials()
	test.Tap(c.CheckAll())
	d, _ := c.Confirm()
	d.Confirm()
	ap.Wait()
	require.Contains(t, c.LastCheck(), "Checked 0 of 3 credentials; 0 changed.")
	require.Contains(t, c.LastCheck(), "Cancelled")
	require.Equal(t, map[string]string{"Data skills 0": "unknown", "Data skills 1": "unknown", "Data skills 2": "unknown"}, shownStatus(c))
	require.True(t, c.CancelCheck().Hidden)
	require.False(t, c.CheckAll().Disabled())
}

// Without a fetcher the app offers no network checks.
func TestCheckAllWithoutFetcher(t *testing.T) {
	ap := openCheckApp(t, nil)
	require.True(t, ap.Credentials().CheckAll().Disabled())
	test.Tap(ap.Credentials().CheckAll())
	d, _ := ap.Credentials().Confirm()
	require.Nil(t, d)
}

// An Open Badges 2.0 badge imported offline is not added: the report says
// it needs fetching and from where, and its "Fetch from issuer…" adds it
// after the learner agrees. In the detail view, "Fetch from issuer…" checks
// it again at the issuer, which has revoked it since.
func TestFetchOpenBadges2(t *testing.T) {
	offline := t.TempDir()
	require.NoError(t, os.CopyFS(offline, os.DirFS(filepath.Join("..", "testdata", "ob20", "offline"))))
	ap := openCheckApp(t, did.DirFetcher(offline), filepath.Join("..", "testdata", "ob20", "simple-not-revoked.jwt"))
	c := ap.Credentials()
	require.Contains(t, c.LastReport(), "simple-not-revoked.jwt: an Open Badges 2.0 badge: checking it means fetching it from its issuer's web site (example.org)")
	require.Empty(t, c.Shown())
	require.NotNil(t, c.PendingFetch())

	test.Tap(c.PendingFetch())
	d, msg := c.Confirm()
	require.Contains(t, msg, "from: example.org.")
	require.Contains(t, msg, "the badge is being looked at")
	d.Confirm()
	ap.Wait()
	require.Contains(t, c.LastReport(), "Awesome Robotics Badge: added (verified, issuer confirmed)")
	require.Nil(t, c.PendingFetch())
	require.Len(t, c.Shown(), 1)

	c.List().Select(0)
	require.False(t, c.FetchBadge().Hidden)
	_, checks := c.Detail()
	require.Contains(t, checks, "Fetch from issuer…")
	require.NoError(t, os.WriteFile(filepath.Join(offline, "example.org", "empty-revocation-list.json"),
		[]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"RevocationList","id":"http://example.org/empty-revocation-list.json","revokedAssertions":["https://example.org/beths-robotics-badge.json"]}`), 0o600))
	test.Tap(c.FetchBadge())
	d, msg = c.Confirm()
	require.Contains(t, msg, "from: example.org.")
	d.Confirm()
	ap.Wait()
	require.Contains(t, c.LastCheck(), "Checked at the issuer: revoked")
	require.Contains(t, c.LastCheck(), "It was: verified, issuer confirmed")
	_, checks = c.Detail()
	require.Contains(t, checks, "status: revoked")
	require.Equal(t, "revoked", c.Shown()[0].Checks.Status)
}

// A credential of another format has no "Fetch from issuer…".
func TestFetchBadgeHiddenForOtherFormats(t *testing.T) {
	ap := openCheckApp(t, did.DirFetcher(t.TempDir()), fixturePath("simple.json"))
	c := ap.Credentials()
	c.List().Select(0)
	require.True(t, c.FetchBadge().Hidden)
}

// "Import folder…" (and a drop) import every file under a folder, nested
// ones included, with a line per file; hidden folders and files too large
// for any credential are skipped, the latter said.
func TestImportFolder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "certs")
	copyTo := func(rel, fixture string) {
		b, err := os.ReadFile(fixturePath(fixture))
		require.NoError(t, err)
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, b, 0o600))
	}
	copyTo("simple.json", "simple.json")
	copyTo("2024/spring/complete.json", "complete.json")
	copyTo(".cache/simple_v1.json", "simple_v1.json")
	require.NoError(t, os.WriteFile(filepath.Join(root, "2024", "notes.txt"), []byte("not a credential"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(root, "big.json"), make([]byte, 9<<20), 0o600))

	ap := openCheckApp(t, nil)
	c := ap.Credentials()
	c.ImportPaths([]string{root})
	ap.Wait()
	report := c.LastReport()
	require.Contains(t, report, filepath.Join("certs", "big.json")+": skipped — larger than 8 MB")
	require.Contains(t, report, filepath.Join("certs", "2024", "notes.txt")+": ")
	require.Contains(t, report, "Teamwork Badge: added (verified")
	require.Contains(t, report, "1EdTech University Degree for Example Student: added")
	require.NotContains(t, report, "simple_v1", "hidden folders are skipped")
	require.Len(t, c.Shown(), 2)

	// Dropping the folder again (on the Credentials tab, after agreeing)
	// finds the same credentials already there.
	ap.SelectTab(TabCredentials)
	c.onDropped(fyne.NewPos(1, 1), []fyne.URI{storage.NewFileURI(root)})
	ap.Wait()
	d, msg := c.Confirm()
	require.Equal(t, "Import 3 files into your wallet?", msg)
	d.Confirm()
	ap.Wait()
	require.Contains(t, c.LastReport(), "Teamwork Badge: already in your wallet")
	require.Len(t, c.Shown(), 2)
}

// collectFiles stops at its file limit and says so.
func TestCollectFilesLimit(t *testing.T) {
	root := t.TempDir()
	for i := range 5 {
		require.NoError(t, os.WriteFile(filepath.Join(root, fmt.Sprintf("f%d.json", i)), []byte("{}"), 0o600))
	}
	tests := []struct {
		name  string
		max   int
		files int
		note  bool
	}{
		{"under the limit", 10, 5, false},
		{"at the limit", 5, 5, false},
		{"over the limit", 3, 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, notes := collectFiles([]string{root}, 1<<20, tc.max)
			require.Len(t, files, tc.files)
			require.Equal(t, tc.note, strings.Contains(strings.Join(notes, "\n"), fmt.Sprintf("Only the first %d files", tc.max)), "%q", notes)
		})
	}
}

// countingVault counts the passports built through it.
type countingVault struct {
	Vault
	builds *atomic.Int32
}

func (v countingVault) Passport(o passport.Options) (*passport.Passport, error) {
	v.builds.Add(1)
	return v.Vault.Passport(o)
}

// countingOpener opens real wallets as countingVaults.
type countingOpener struct {
	WalletOpener
	builds *atomic.Int32
}

func (o countingOpener) Create(dir string, pass []byte) (Vault, error) {
	v, err := o.WalletOpener.Create(dir, pass)
	if err != nil {
		return nil, err
	}
	return countingVault{Vault: v, builds: o.builds}, nil
}

// Unlocking, and each import, build the passport once: the credentials
// screen's category filter reads the passport the home built.
func TestPassportBuiltOncePerRefresh(t *testing.T) {
	var builds atomic.Int32
	a := newTestApp(t)
	ap := New(a, countingOpener{WalletOpener{Options: wallet.Options{Now: fixtureNow}}, &builds}, filepath.Join(t.TempDir(), "wallet"))
	ap.Now = fixtureNow
	t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	require.EqualValues(t, 1, builds.Load(), "unlock to home")
	c := ap.Credentials()
	c.ImportFiles([]string{fixturePath("simple-did-key-method.json")})
	ap.Wait()
	require.EqualValues(t, 2, builds.Load(), "one import")
	require.Contains(t, c.CategoryFilter().Options, "Functional / Technical", "the filter offers the home's categories")
	require.Equal(t, []string{"Functional / Technical"}, c.Categories(c.Shown()[0].ID))

	// Refreshes in a row (the inbox and the settings refresh too) settle.
	// They run as on the UI goroutine: never beside a background job's
	// report (quiet), which the test driver runs on the job's goroutine.
	ap.quiet(func() {
		c.refresh()
		c.refresh()
		ap.Passport().refresh()
	})
	ap.Wait()
	require.EqualValues(t, 3, builds.Load())
	require.Contains(t, c.CategoryFilter().Options, "Functional / Technical")
}
