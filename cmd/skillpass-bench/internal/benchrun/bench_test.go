package benchrun

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify"
)

func TestParseBenchLine(t *testing.T) {
	tests := []struct {
		line    string
		ok      bool
		name    string
		procs   int
		n       int64
		metrics map[string]float64
	}{
		{"BenchmarkVerifyEd25519Signature2020/ours-2         \t     429\t   2944677 ns/op\t  726953 B/op\t    6262 allocs/op",
			true, "VerifyEd25519Signature2020/ours", 2, 429, map[string]float64{"ns/op": 2944677, "B/op": 726953, "allocs/op": 6262}},
		{"BenchmarkOpen10k-8   \t       5\t 123456789 ns/op\t        98.50 MB-rss\t 1024 B/op\t 7 allocs/op",
			true, "Open10k", 8, 5, map[string]float64{"ns/op": 123456789, "MB-rss": 98.5, "B/op": 1024, "allocs/op": 7}},
		{"BenchmarkKDF \t 3\t 138336189 ns/op", true, "KDF", 0, 3, map[string]float64{"ns/op": 138336189}},
		{"BenchmarkVerifyEdDSARDFC2022/complete.json-16 \t 45\t 29802199 ns/op", true, "VerifyEdDSARDFC2022/complete.json", 16, 45, map[string]float64{"ns/op": 29802199}},
		{"PASS", false, "", 0, 0, nil},
		{"goos: linux", false, "", 0, 0, nil},
		{"--- FAIL: BenchmarkOpen10k", false, "", 0, 0, nil},
		{"BenchmarkOpen10k", false, "", 0, 0, nil},
		{"BenchmarkX-2 \t 10\t 5 B/op\t 1 allocs/op", false, "", 0, 0, nil},
		{"BenchmarkX-2 \t ten\t 5 ns/op\t 1 allocs/op", false, "", 0, 0, nil},
		{"BenchmarkX-2 \t 10\t fast ns/op\t 1 allocs/op", false, "", 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			r, err := parseBenchLine(tt.line)
			if !tt.ok {
				require.ErrorIs(t, err, errNoBenchLine)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.name, r.Name)
			require.Equal(t, tt.procs, r.Procs)
			require.Equal(t, tt.n, r.N)
			require.Equal(t, tt.metrics, r.Metrics)
		})
	}
}

func TestParseBenchOutputSplitByLogs(t *testing.T) {
	// What BenchmarkReceive printed on 2026-11-27: aries logs to standard
	// output between the benchmark's name and its figures.
	out := []byte("BenchmarkReceive/ours-2         \t [aries-framework/out-of-band/service] 2026/11/27 04:41:59 UTC - logutil.LogError -> ERROR errMsg=[handleDIDEvent: ParentThreadID is empty]\n" +
		" [aries-framework/out-of-band/service] 2026/11/27 04:42:03 UTC - logutil.LogError -> ERROR errMsg=[failed to load attachment handling state : data not found]\n" +
		"     100\t  47298947 ns/op\t        48.78 median-ms\t        51.50 rss-MB\t 6840231 B/op\t   73031 allocs/op\n" +
		" [aries-framework/out-of-band/service] 2026/11/27 04:42:03 UTC - ERROR\n" +
		"BenchmarkReceive/aries-mem-2    \t [aries-framework/http] 2026/11/27 04:42:03 UTC - ERROR posting DID envelope\n" +
		"     100\t  41000000 ns/op\t        40.00 median-ms\t        50.00 rss-MB\t 6000000 B/op\t   70000 allocs/op\n" +
		"BenchmarkLost-2 \t some log text\n" +
		"PASS\n")
	rs := parseBenchOutput(out)
	require.Len(t, rs, 2)
	require.Equal(t, "Receive/ours", rs[0].Name)
	require.Equal(t, int64(100), rs[0].N)
	require.InDelta(t, 48.78, rs[0].Metrics["median-ms"], 1e-9)
	require.Equal(t, "Receive/aries-mem", rs[1].Name)
	require.InDelta(t, 41000000, rs[1].Metrics["ns/op"], 1e-9)
}

func TestParseBenchOutputAndMetricOf(t *testing.T) {
	out := []byte("goos: linux\n" +
		"BenchmarkA/ours-2 \t 10\t 300 ns/op\n" +
		"BenchmarkA/ours-2 \t 10\t 100 ns/op\n" +
		"BenchmarkA/ours-2 \t 10\t 200 ns/op\n" +
		"BenchmarkB-2 \t 1\t 9 ns/op\t 4.5 MB-rss\n" +
		"PASS\nok  \tpkg\t1.0s\n")
	rs := parseBenchOutput(out)
	require.Len(t, rs, 4)
	tests := []struct {
		name, unit string
		want       float64
		ok         bool
	}{
		{"A/ours", "ns/op", 200, true},
		{"B", "MB-rss", 4.5, true},
		{"B", "B/op", 0, false},
		{"C", "ns/op", 0, false},
	}
	for _, tt := range tests {
		got, ok := metricOf(rs, tt.name, tt.unit)
		require.Equal(t, tt.ok, ok, tt.name+" "+tt.unit)
		require.Equal(t, tt.want, got, tt.name+" "+tt.unit)
	}
}

func TestFailReason(t *testing.T) {
	tests := []struct {
		name, out, want string
	}{
		{"testify continuation", "--- FAIL: BenchmarkOpen10k\n    bench_test.go:117: \n" +
			"        \tError Trace:\t/x/bench_test.go:117\n" +
			"        \tError:      \tReceived unexpected error:\n" +
			"        \t            \topen store: store is busy\n" +
			"        \tTest:       \tBenchmarkOpen10k\nFAIL\n", "Received unexpected error: open store: store is busy"},
		{"testify one line", "        \tError:      \tShould be true\n", "Should be true"},
		{"plain fatal", "--- FAIL: BenchmarkX\n    x_test.go:9: warm-up: boom\nFAIL\n", "x_test.go:9: warm-up: boom"},
		{"nothing", "PASS\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, failReason(tt.out))
		})
	}
}

func TestStats(t *testing.T) {
	tests := []struct {
		vs          []float64
		median, p90 float64
	}{
		{nil, 0, 0},
		{[]float64{5}, 5, 5},
		{[]float64{3, 1, 2}, 2, 3},
		{[]float64{4, 1, 3, 2}, 2.5, 4},
		{[]float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 5.5, 9},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.vs...)
		require.Equal(t, tt.median, median(tt.vs), "%v", tt.vs)
		require.Equal(t, tt.p90, percentile(tt.vs, 0.9), "%v", tt.vs)
		require.Equal(t, in, tt.vs, "input must not be reordered")
	}
}

func TestOfflinePath(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://Example.COM/.well-known/did.json", "/o/example.com/.well-known/did.json"},
		{"https://status.example/lists/1", "/o/status.example/lists/1"},
		{"https://example.com/", "/o/example.com/index.json"},
		{"https://example.com/a/../../etc/passwd", "/o/example.com/etc/passwd"},
		{"http://example.com/x", ""},
		{"did:web:example.com", ""},
	}
	for _, tt := range tests {
		require.Equal(t, filepath.FromSlash(tt.want), offlinePath("/o", tt.url), tt.url)
	}
}

func TestParsePeerOutput(t *testing.T) {
	out := "file\tverified\tsignature\texpiry\tstatus\tregistry\tms\tdetail\n" +
		"a.json\ttrue\tok\tok\tnone\tnot-found\t2.5\t\n" +
		"sub/b.json\tfalse\tinvalid\t-\t-\t-\t900.1\tinvalid_signature: The signature is not valid. | more\n" +
		"# summary\tfiles=2\tverified=1\tnot_verified=1\ttotal_ms=903.0\tmedian_ms=451.3\tp90_ms=900.1\n"
	errOut := "some library chatter\nURLs not found offline (count):\n  6\thttps://example.com/issuers/1#z6Mk\n  1\thttps://x.example/schema.json\nblocked socket/DNS attempts: none\n"
	var w wholeRun
	require.NoError(t, parsePeerOutput([]byte(out), []byte(errOut), &w))
	require.Equal(t, []string{"6 https://example.com/issuers/1#z6Mk", "1 https://x.example/schema.json"}, w.Misses)
	require.Equal(t, map[string]verdict{
		"a.json": {Verified: true, Summary: "signature=ok expiry=ok status=none", MS: 2.5},
		"b.json": {Verified: false, Summary: "signature=invalid expiry=- status=-", Errors: []string{"invalid_signature: The signature is not valid.", "more"}, MS: 900.1},
	}, w.Verdicts)
	require.Equal(t, "451.3", w.Summary["median_ms"])
	require.Equal(t, 903.0, peerSummary(&w, "total_ms"))

	var none wholeRun
	require.Error(t, parsePeerOutput([]byte("file\tverified\n"), nil, &none), "no summary line")
	require.Empty(t, none.Misses)
}

func TestCompare(t *testing.T) {
	yes, no := true, false
	c := &corpus{Files: []corpusFile{
		{Name: "a.json", Group: "g", Expect: &yes},
		{Name: "b.json", Group: "g", Expect: &no},
		{Name: "c.json", Group: "1edtech", Expect: &yes},
		{Name: "d.json", Group: "1edtech"},
	}}
	cli := &wholeRun{Verdicts: map[string]verdict{
		"a.json": {Verified: true}, "b.json": {Verified: false}, "c.json": {Verified: true}, "d.json": {Verified: false},
	}}
	ip := &inProcess{Verdicts: map[string]verdict{
		"a.json": {Verified: true}, "b.json": {Verified: true}, "c.json": {Verified: true}, "d.json": {Verified: false},
	}}
	peer := &wholeRun{Verdicts: map[string]verdict{
		"a.json": {Verified: true, MS: 1}, "b.json": {Verified: true, MS: 2}, "c.json": {Verified: false, MS: 900},
	}}
	cmp := compare(c, ip, cli, peer)
	require.Equal(t, "skillpass-cli", cmp.OursSource)
	require.Equal(t, 4, cmp.Files)
	require.Equal(t, 2, cmp.Generated)
	require.Equal(t, 2, cmp.Fixtures)
	require.Equal(t, 2, cmp.OursVerified)
	require.Equal(t, 2, cmp.PeerVerified)
	require.Equal(t, 3, cmp.Compared)
	require.Equal(t, 1, cmp.Agree)
	require.Equal(t, 3, cmp.WithExpected)
	require.Equal(t, 3, cmp.OursExpected)
	require.Equal(t, 1, cmp.PeerExpected)
	require.Len(t, cmp.Disagreements, 2)
	require.Equal(t, "b.json", cmp.Disagreements[0].File)
	require.Equal(t, "ours", cmp.Disagreements[0].Right)
	require.Equal(t, "c.json", cmp.Disagreements[1].File)
	require.Equal(t, "ours", cmp.Disagreements[1].Right)
	require.Empty(t, cmp.OursWrong)
	require.Equal(t, []string{"b.json: cli not verified, in-process verified"}, cmp.CLIvsInProcess)
	require.Equal(t, []string{"d.json (no verdict from the peer)"}, cmp.Missing)
	require.Equal(t, map[string]float64{"generated": 3, "1edtech": 900}, cmp.PeerByGroupMS)

	notRun := compare(c, ip, nil, &wholeRun{NotRun: "not run: npm missing"})
	require.Equal(t, "in-process", notRun.OursSource)
	require.Zero(t, notRun.Compared)
	require.Empty(t, notRun.Missing, "a peer that did not run is not missing verdicts")
}

func TestGoRowsAims(t *testing.T) {
	runs := []benchRun{
		{Pattern: "^(BenchmarkVerifyEd25519Signature2020)$", Results: []benchResult{
			{Name: "VerifyEd25519Signature2020/ours", Metrics: map[string]float64{"ns/op": 3e6}},
			{Name: "VerifyEd25519Signature2020/aries", Metrics: map[string]float64{"ns/op": 6e6}},
		}},
		{Pattern: "^(BenchmarkOpen10k)$", Err: "go test -bench: exit status 1: store is busy"},
		{Pattern: "^(BenchmarkKDF)$", Results: []benchResult{{Name: "KDF", Metrics: map[string]float64{"ns/op": 0.138e9}}}},
		{Pattern: "^(BenchmarkUnlockToPassportHome)$", Results: []benchResult{{Name: "UnlockToPassportHome",
			Metrics: map[string]float64{"ns/op": 545e6, "ms/unlock": 519.7, "MB-rss": 130.1}}}},
		{Pattern: "^(BenchmarkReceive)$", Results: []benchResult{
			{Name: "Receive/ours", Metrics: map[string]float64{"ns/op": 50e6, "median-ms": 51.5, "MB-rss": 63}},
			{Name: "Receive/aries-mem", Metrics: map[string]float64{"ns/op": 28e6, "median-ms": 22.5, "MB-rss": 73}},
		}},
	}
	rows := goRows(runs)
	byName := map[string]row{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	require.Equal(t, "0.50x", byName["  ratio ours/aries"].Time)
	require.Equal(t, "yes", byName["  ratio ours/aries"].Met)
	require.Equal(t, "FAILED", byName["Open10k"].Time)
	require.Equal(t, "-", byName["Open10k"].Met)
	require.Equal(t, "< 300 ms, < 150 MB", byName["Open10k"].Aim)
	require.Equal(t, "NO", byName["KDF"].Met)
	home := byName["UnlockToPassportHome"]
	require.Equal(t, "520 ms/unlock, 130.1 MB RSS", home.Extra)
	require.Equal(t, "< 1000 ms, < 250 MB", home.Aim)
	require.Equal(t, "yes", home.Met)
	require.Equal(t, "median 51.5 ms, 63.0 MB RSS", byName["Receive/ours"].Extra)
	require.Equal(t, "yes", byName["Receive/ours"].Met, "63 MB is under 100 MB")
	ratio := byName["  ratio ours/aries-mem (median)"]
	require.Equal(t, "2.29x", ratio.Time)
	require.Equal(t, "NO", ratio.Met, "51.5 / 22.5 is over 2x")
}

// TestCorpus builds the corpus twice (it must come out the same, byte for
// byte) and checks that every generated credential gets from our verifier
// the verdict, and the failing check, it was built for.
func TestCorpus(t *testing.T) {
	fixtures := filepath.Join("..", "..", "..", "..", "testdata", "ob30")
	a, err := generateCorpus(t.TempDir(), fixtures)
	require.NoError(t, err)
	b, err := generateCorpus(t.TempDir(), fixtures)
	require.NoError(t, err)

	vectors, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	require.NoError(t, err)
	perFamily := 0
	for _, v := range standardCases {
		perFamily += v.n
	}
	require.Len(t, a.Files, 4*perFamily+len(vectors))
	require.Equal(t, a.Files, b.Files)
	for _, f := range a.Files {
		x, err := os.ReadFile(filepath.Join(a.Dir, f.Name))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(b.Dir, f.Name))
		require.NoError(t, err)
		require.True(t, bytes.Equal(x, y), "%s differs between two runs", f.Name)
	}

	v, err := verify.New(verify.Options{Fetcher: did.DirFetcher(a.Offline)})
	require.NoError(t, err)
	wantCheck := map[string]func(verify.Checks) bool{
		"valid":     func(c verify.Checks) bool { return c.Status == "none" && c.Issuer == verify.IssuerConfirmed },
		"status-ok": func(c verify.Checks) bool { return c.Status == "ok" },
		"revoked":   func(c verify.Checks) bool { return c.Status == "revoked" && c.Signature == verify.SigOK },
		"expired":   func(c verify.Checks) bool { return c.Validity == "expired" && c.Signature == verify.SigOK },
		"tampered":  func(c verify.Checks) bool { return c.Signature == "invalid" },
	}
	for _, f := range a.Files {
		if f.Group == "1edtech" {
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(a.Dir, f.Name))
			require.NoError(t, err)
			r, err := v.Verify(context.Background(), data)
			require.NoError(t, err)
			require.NotNil(t, f.Expect)
			require.Equal(t, *f.Expect, r.Verified, "checks %+v errors %q", r.Checks, r.Errors)
			check, ok := wantCheck[f.Case]
			require.True(t, ok, "case %s", f.Case)
			require.True(t, check(r.Checks), "case %s: checks %+v errors %q", f.Case, r.Checks, r.Errors)
			if strings.Contains(f.Group, "didweb") {
				require.Contains(t, r.IssuerID, "did:web:")
			}
		})
	}
}
