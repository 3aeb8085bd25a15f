package ui

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
)

// benchCredentials is the size of the wallet the unlock bench opens.
const benchCredentials = 10000

// benchJWTs returns n distinct Open Badges (VC-JWT 1.1, EdDSA, did:key
// issuer). package wallet's bench writes its 10,000 records straight into
// the store, which only that package can do; here each credential goes
// through Import like any other, and a JWT is signed and verified in
// microseconds where a Data Integrity proof costs milliseconds of
// canonicalization.
func benchJWTs(tb testing.TB, n int) []string {
	tb.Helper()
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	issuer, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(tb, err)
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: priv},
		(&gojose.SignerOptions{}).WithHeader("kid", kid))
	require.NoError(tb, err)
	out := make([]string, n)
	for i := range out {
		payload, err := json.Marshal(map[string]any{
			"iss": issuer,
			"sub": "did:example:learner",
			"jti": fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
			"nbf": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
			"vc": map[string]any{
				"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json"},
				"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
				"name":     fmt.Sprintf("Data skills %d", i),
				"credentialSubject": map[string]any{
					"type": []any{"AchievementSubject"},
					"achievement": map[string]any{
						"id":          fmt.Sprintf("https://example.org/achievements/%d", i),
						"type":        []any{"Achievement"},
						"name":        fmt.Sprintf("Data skills %d", i),
						"description": "Cleans, joins and charts tabular data with care for provenance.",
						"criteria":    map[string]any{"narrative": "Completed the assessed project."},
					},
				},
			},
		})
		require.NoError(tb, err)
		obj, err := signer.Sign(payload)
		require.NoError(tb, err)
		out[i], err = obj.CompactSerialize()
		require.NoError(tb, err)
	}
	return out
}

// benchWallet builds a wallet of n verified credentials in a temporary
// folder and returns the folder and its master key (so that the bench
// leaves the key derivation out).
func benchWallet(tb testing.TB, n int) (string, []byte) {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "w")
	w, err := wallet.Create(dir, []byte(testPassphrase), wallet.Options{})
	require.NoError(tb, err)
	jwts := benchJWTs(tb, n)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for k := range 2 { // verification runs outside the wallet's lock
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += 2 {
				res, err := w.Import(context.Background(), fmt.Sprintf("c%d.jwt", i), []byte(jwts[i]))
				if err == nil && res[0].Rejected != nil {
					err = fmt.Errorf("credential %d rejected: %s", i, res[0].Rejected.Reason)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	require.NoError(tb, <-errs)
	require.NoError(tb, w.Close())
	key, err := wallet.DeriveKey(dir, []byte(testPassphrase))
	require.NoError(tb, err)
	return dir, key
}

// keyOpener opens an existing wallet with its master key, whatever
// passphrase the unlock screen was given: the bench leaves out the key
// derivation (Argon2id, measured by wallet's BenchmarkKDF).
type keyOpener struct{ key []byte }

func (o keyOpener) Exists(string) bool { return true }

func (o keyOpener) Create(string, []byte) (Vault, error) {
	return nil, errors.New("the bench opens an existing wallet")
}

func (o keyOpener) Open(dir string, _ []byte) (Vault, error) {
	return wallet.OpenWithKey(dir, o.key, wallet.Options{})
}

// unlockToHome starts the app on the wallet, types a passphrase, presses
// Unlock and waits until the passport home is built and drawn; it returns
// the time from the tap to the drawn home.
func unlockToHome(tb testing.TB, dir string, key []byte, n int) time.Duration {
	tb.Helper()
	a := test.NewApp()
	defer a.Quit()
	a.Preferences().SetString(prefLanguage, "en")
	ap := New(a, keyOpener{key}, dir)
	defer ap.Window().Close()
	u := ap.Unlock()
	u.pass.SetText(testPassphrase)
	start := time.Now()
	test.Tap(u.button)
	ap.Wait()
	img := ap.Window().Canvas().Capture() // draw the passport home
	elapsed := time.Since(start)
	require.NotNil(tb, img)
	require.NotNil(tb, ap.Passport(), u.Status())
	require.Equal(tb, n, ap.Passport().View().Credentials, ap.Passport().Summary())
	require.Equal(tb, TabPassport, ap.tabs.SelectedIndex())
	return elapsed
}

// BenchmarkUnlockToPassportHome measures the time from tapping Unlock to a
// drawn passport home for a wallet of 10,000 credentials, key derivation
// excluded (aim: under 1 s), and the resident set of a fresh process
// showing that home (aim: under 250 MB).
func BenchmarkUnlockToPassportHome(b *testing.B) {
	dir, key := benchWallet(b, benchCredentials)
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		total += unlockToHome(b, dir, key, benchCredentials)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/unlock")
	rss, peak := homeRSS(b, dir, key)
	b.ReportMetric(rss, "MB-rss")
	b.ReportMetric(peak, "MB-peak")
}

// homeRSS re-runs this test binary as a child that unlocks the wallet to
// the passport home, and returns the child's resident set then and its
// peak, in MB.
func homeRSS(b *testing.B, dir string, key []byte) (rss, peak float64) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHomeRSSChild$")
	cmd.Env = append(os.Environ(), "SKILLPASS_UI_RSS_CHILD="+dir, "SKILLPASS_UI_RSS_KEY="+fmt.Sprintf("%x", key))
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, string(out))
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	found := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "RSS-KB" {
			cur, err1 := strconv.ParseFloat(f[1], 64)
			hwm, err2 := strconv.ParseFloat(f[2], 64)
			require.NoError(b, errors.Join(err1, err2))
			rss, peak = cur/1024, hwm/1024
			found++
		}
	}
	require.Equal(b, 1, found, "the child printed no RSS line: %s", out)
	return rss, peak
}

// TestHomeRSSChild is the child of homeRSS; without its environment it
// does nothing.
func TestHomeRSSChild(t *testing.T) {
	dir := os.Getenv("SKILLPASS_UI_RSS_CHILD")
	if dir == "" {
		t.Skip("only run as the child of BenchmarkUnlockToPassportHome")
	}
	var key []byte
	_, err := fmt.Sscanf(os.Getenv("SKILLPASS_UI_RSS_KEY"), "%x", &key)
	require.NoError(t, err)
	unlockToHome(t, dir, key, benchCredentials)
	cur, hwm := procStatusKB(t, "VmRSS:"), procStatusKB(t, "VmHWM:")
	fmt.Printf("RSS-KB %d %d\n", cur, hwm)
}

// procStatusKB reads one kB field of /proc/self/status.
func procStatusKB(t *testing.T, field string) int {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			require.NoError(t, err)
			return n
		}
	}
	t.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// TestUnlockToHomeSmall runs the bench's path on a small wallet, so that a
// broken bench shows in `go test`.
func TestUnlockToHomeSmall(t *testing.T) {
	dir, key := benchWallet(t, 20)
	require.Positive(t, unlockToHome(t, dir, key, 20))
}
