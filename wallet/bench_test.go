package wallet

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// signedBadges returns n distinct Open Badges 3.0 credentials signed with
// eddsa-rdfc-2022 by a did:key issuer.
func signedBadges(t testing.TB, n int) [][]byte {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	issuer, err := did.NewKey(did.Ed25519, pub)
	require.NoError(t, err)
	loader, err := ld.NewLoader()
	require.NoError(t, err)
	proc := ld.NewProcessor(loader)
	out := make([][]byte, n)
	for i := range out {
		doc := badge(issuer, i)
		signed, err := dataintegrity.Sign(proc, doc, dataintegrity.ProofOptions{
			VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"),
			Created:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		}, priv)
		require.NoError(t, err)
		out[i], err = json.Marshal(signed)
		require.NoError(t, err)
	}
	return out
}

func badge(issuer string, i int) map[string]any {
	return map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", i),
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuer, "type": []any{"Profile"}, "name": "Bench Training Provider"},
		"validFrom": "2025-01-01T00:00:00Z",
		"name":      fmt.Sprintf("Data skills %d", i),
		"credentialSubject": map[string]any{
			"id":   "did:example:learner",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          fmt.Sprintf("https://example.org/achievements/%d", i),
				"type":        []any{"Achievement"},
				"name":        fmt.Sprintf("Data skills %d", i),
				"description": "Cleans, joins and charts tabular data with care for provenance.",
				"criteria":    map[string]any{"narrative": "Completed the assessed project."},
			},
		},
	}
}

// benchWallet10k builds a wallet holding 10,000 credential records of
// realistic size, closes it, and returns its folder and master key. The
// folder is removed when b ends.
func benchWallet10k(b *testing.B) (string, []byte) {
	dir := b.TempDir()
	w, err := Create(dir, []byte(testPass), Options{})
	require.NoError(b, err)
	one := signedBadges(b, 1)[0]
	err = w.db.Update(func(tx *store.Tx) error {
		for i := 0; i < 10000; i++ {
			raw := strings.Replace(string(one), "00000000-0000-4000-8000-000000000000", fmt.Sprintf("00000000-0000-4000-8000-%012d", i), 1)
			rec := Record{Raw: raw, Source: "bench"}
			rec.Summary = summarise(mustJSON(raw))
			rec.ID = RecordID([]byte(raw))
			rec.Format = "ldp"
			full, _ := json.Marshal(rec)
			sum, _ := json.Marshal(rec.Summary)
			if err := tx.Put(bucketCredentials, rec.ID, full); err != nil {
				return err
			}
			if err := tx.Put(bucketIndex, rec.ID, sum); err != nil {
				return err
			}
		}
		return nil
	})
	require.NoError(b, err)
	require.NoError(b, w.Close())
	key, err := DeriveKey(dir, []byte(testPass))
	require.NoError(b, err)
	return dir, key
}

func mustJSON(s string) map[string]any {
	var m map[string]any
	_ = json.Unmarshal([]byte(s), &m)
	return m
}

// BenchmarkOpen10k opens a wallet of 10,000 credentials and lists them, KDF
// excluded (aim: under 300 ms). It also reports the peak RSS of a fresh
// process doing the same (aim: under 150 MB).
func BenchmarkOpen10k(b *testing.B) {
	dir, key := benchWallet10k(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w, err := OpenWithKey(dir, key, Options{})
		require.NoError(b, err)
		list, err := w.List()
		require.NoError(b, err)
		require.Len(b, list, 10000)
		require.NoError(b, w.Close())
	}
	b.StopTimer()
	b.ReportMetric(childRSS(b, dir, key), "MB-rss")
}

// childRSS re-runs this test binary as a child that opens the wallet and
// lists it, and returns the child's peak resident set in MB.
func childRSS(b *testing.B, dir string, key []byte) float64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$")
	cmd.Env = append(os.Environ(), "SKILLPASS_RSS_CHILD="+dir, "SKILLPASS_RSS_KEY="+fmt.Sprintf("%x", key))
	out, err := cmd.CombinedOutput()
	require.NoError(b, err, string(out))
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "RSS-KB "); ok {
			kb, err := strconv.ParseFloat(v, 64)
			require.NoError(b, err)
			return kb / 1024
		}
	}
	b.Fatalf("child printed no RSS: %s", out)
	return 0
}

// TestRSSChild is the child of childRSS; without its environment it does
// nothing.
func TestRSSChild(t *testing.T) {
	dir := os.Getenv("SKILLPASS_RSS_CHILD")
	if dir == "" {
		t.Skip("only run as the child of BenchmarkOpen10k")
	}
	var key []byte
	_, err := fmt.Sscanf(os.Getenv("SKILLPASS_RSS_KEY"), "%x", &key)
	require.NoError(t, err)
	w, err := OpenWithKey(dir, key, Options{})
	require.NoError(t, err)
	list, err := w.List()
	require.NoError(t, err)
	require.Len(t, list, 10000)
	require.NoError(t, w.Close())
	fmt.Printf("RSS-KB %d\n", peakRSSKB(t))
}

func peakRSSKB(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			require.NoError(t, err)
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// BenchmarkImport1000 imports 1,000 distinct signed credentials, each
// verified and stored in its own transaction.
func BenchmarkImport1000(b *testing.B) {
	creds := signedBadges(b, 1000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "w")
		w, err := Create(dir, []byte(testPass), Options{})
		require.NoError(b, err)
		b.StartTimer()
		for j, c := range creds {
			res, err := w.Import(context.Background(), fmt.Sprintf("c%d.json", j), c)
			require.NoError(b, err)
			require.Nil(b, res[0].Rejected)
		}
		b.StopTimer()
		require.NoError(b, w.Close())
		b.StartTimer()
	}
}

// BenchmarkKDF derives the master key from a passphrase with the wallet's
// Argon2id parameters (aim: 0.3–1 s).
func BenchmarkKDF(b *testing.B) {
	p, err := did.NewKDFParams()
	require.NoError(b, err)
	for i := 0; i < b.N; i++ {
		_, err := did.DeriveKey([]byte(testPass), p)
		require.NoError(b, err)
	}
}
