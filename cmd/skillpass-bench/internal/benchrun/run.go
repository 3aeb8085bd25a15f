// Package benchrun is `make bench`: it measures Skillpass and prints the
// measurements side by side in one table, with ratios and aims.
//
// It runs the Go benchmarks of wallet/verify, wallet, passport and wallet/qr
// as child processes (test binaries built with `go test -c`, run with
// -test.run '^$' -test.bench ... -test.benchmem) and parses their result
// lines, custom metrics included (the passport's memory, the QR payload
// sizes and versions); generates
// a deterministic corpus of Open Badges 3.0 credentials (plus the 1EdTech
// vectors in testdata/ob30) with an offline folder for everything they
// reference; and verifies that corpus with our verifier (in this process,
// and as the real `skillpass-cli verify` child process) and with the
// peer, the Learner Credential Wallet's verifier in
// ../shared/peers/dcc-verifier, in the same run.
//
// The table goes to stdout (JSON with -json), progress to stderr. Run
// returns 1 when a measurement could not be taken (a benchmark failed, the
// CLI could not be built); an aim that is not met, or a peer that cannot
// run, is reported in the table and does not change the result.
package benchrun

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// config holds the command line.
type config struct {
	root       string
	shared     string
	peerBuild  string
	goTool     string
	benchtime  string
	importBT   string
	openBT     string
	kdfBT      string
	passportBT string
	qrBT       string
	count      int
	runs       int
	skipGo     bool
	skipPeer   bool
	keep       bool
	jsonOut    bool
	corpusOnly string
}

// Run runs the bench with the command-line arguments args (without the
// program name) and returns the process exit code: 0 when every
// measurement was taken, 1 when one could not be, 2 for a usage error.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "skillpass-bench: error: %v\n", err)
		return 2
	}
	if cfg.corpusOnly != "" {
		c, err := generateCorpus(cfg.corpusOnly, filepath.Join(cfg.root, "testdata", "ob30"))
		if err != nil {
			fmt.Fprintf(stderr, "skillpass-bench: error: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "corpus: %d files in %s, offline folder %s\n", len(c.Files), c.Dir, c.Offline)
		return 0
	}
	rep := measureAll(ctx, cfg, stderr)
	if cfg.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "skillpass-bench: error: %v\n", err)
			return 1
		}
	} else {
		renderReport(stdout, rep)
	}
	if len(rep.Failures) > 0 {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	cfg := &config{}
	fs := flag.NewFlagSet("skillpass-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.root, "root", "", "repository root (default: the folder holding go.mod, found upward from the working directory)")
	fs.StringVar(&cfg.shared, "shared", "", "the shared folder with peers/dcc-verifier (default: ROOT/../shared)")
	fs.StringVar(&cfg.peerBuild, "peer-build", "", "where the peer is copied and installed (default: ROOT/bin/peers/dcc-verifier)")
	fs.StringVar(&cfg.goTool, "go", "go", "the go command")
	fs.StringVar(&cfg.benchtime, "benchtime", "1s", "-benchtime of the wallet/verify micro-benchmarks")
	fs.StringVar(&cfg.importBT, "import-benchtime", "1x", "-benchtime of BenchmarkImport1000")
	fs.StringVar(&cfg.openBT, "open-benchtime", "5x", "-benchtime of BenchmarkOpen10k")
	fs.StringVar(&cfg.kdfBT, "kdf-benchtime", "3x", "-benchtime of BenchmarkKDF")
	fs.StringVar(&cfg.passportBT, "passport-benchtime", "0.5s", "-benchtime of the passport benchmarks")
	fs.StringVar(&cfg.qrBT, "qr-benchtime", "0.5s", "-benchtime of the QR image benchmarks (BenchmarkQRSize always runs -benchtime=1x -count=1)")
	fs.IntVar(&cfg.count, "count", 3, "-count of every Go benchmark (medians are reported)")
	fs.IntVar(&cfg.runs, "runs", 1, "whole-corpus runs of skillpass-cli and of the peer (median wall time is reported)")
	fs.BoolVar(&cfg.skipGo, "skip-go", false, "skip the Go benchmarks (sections 1, 3 and 4)")
	fs.BoolVar(&cfg.skipPeer, "skip-peer", false, "do not run the peer")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the generated corpus and test binaries (their folder is printed)")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print the report as JSON instead of the table")
	fs.StringVar(&cfg.corpusOnly, "corpus", "", "only generate the corpus into this folder (creds/ and offline/) and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg.count < 1 || cfg.runs < 1 {
		return nil, errors.New("-count and -runs must be at least 1")
	}
	if cfg.root == "" {
		root, err := findRoot()
		if err != nil {
			return nil, err
		}
		cfg.root = root
	}
	abs, err := filepath.Abs(cfg.root)
	if err != nil {
		return nil, fmt.Errorf("repository root: %w", err)
	}
	cfg.root = abs
	if cfg.shared == "" {
		cfg.shared = filepath.Join(cfg.root, "..", "shared")
	}
	if cfg.peerBuild == "" {
		cfg.peerBuild = filepath.Join(cfg.root, "bin", "peers", "dcc-verifier")
	}
	return cfg, nil
}

// findRoot walks up from the working directory to the folder whose go.mod
// declares the Skillpass module.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find repository root: %w", err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/skillpass/skillpass\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("find repository root: no go.mod of github.com/skillpass/skillpass above the working directory (use -root)")
		}
		dir = parent
	}
}

// envInfo describes the machine and tools of the run.
type envInfo struct {
	Go         string `json:"go"`
	OSArch     string `json:"osArch"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	CPU        string `json:"cpu,omitempty"`
	Node       string `json:"node,omitempty"`
}

// report is everything one run measured.
type report struct {
	Started   time.Time  `json:"started"`
	ElapsedMS float64    `json:"elapsedMs"`
	Env       envInfo    `json:"env"`
	Settings  []string   `json:"settings"`
	GoBench   []benchRun `json:"goBenchmarks,omitempty"`
	GoRows    []row      `json:"goRows,omitempty"`
	// PassportRows and QR are the Go benchmarks of passport and wallet/qr.
	PassportRows []row      `json:"passportRows,omitempty"`
	QR           *qrReport  `json:"qr,omitempty"`
	Corpus       *corpus    `json:"corpus,omitempty"`
	InProcess    *inProcess `json:"inProcess,omitempty"`
	CLI          *wholeRun  `json:"cli,omitempty"`
	Peer         *wholeRun  `json:"peer,omitempty"`
	// CLIGen and PeerGen are the same runs over the generated files only.
	CLIGen   *wholeRun   `json:"cliGenerated,omitempty"`
	PeerGen  *wholeRun   `json:"peerGenerated,omitempty"`
	Compare  *comparison `json:"comparison,omitempty"`
	Failures []string    `json:"failures,omitempty"`
	Notes    []string    `json:"notes,omitempty"`
}

// measureAll takes every measurement, one after another (nothing runs in
// parallel, so that the measurements do not disturb each other).
func measureAll(ctx context.Context, cfg *config, log io.Writer) *report {
	started := time.Now()
	rep := &report{Started: started.UTC()}
	rep.Env = envInfo{Go: runtime.Version(), OSArch: runtime.GOOS + "/" + runtime.GOARCH, CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), CPU: cpuModel()}
	rep.Settings = []string{
		fmt.Sprintf("Go benchmarks: wallet/verify -benchtime=%s, BenchmarkImport1000 -benchtime=%s, BenchmarkOpen10k -benchtime=%s, BenchmarkKDF -benchtime=%s, -count=%d",
			cfg.benchtime, cfg.importBT, cfg.openBT, cfg.kdfBT, cfg.count),
		fmt.Sprintf("passport -benchtime=%s -count=%d; wallet/qr: BenchmarkQRSize -benchtime=1x -count=1 (sizes do not depend on it), QR image benchmarks -benchtime=%s -count=%d",
			cfg.passportBT, cfg.count, cfg.qrBT, cfg.count),
		fmt.Sprintf("whole-corpus child runs: %d each for skillpass-cli and the peer (wall: median; RSS: largest)", cfg.runs),
		"these keep `make bench` to two or three minutes on 2 busy cores (aim: under 10 minutes); raise them with the -*benchtime flags, -count, -runs",
	}
	fail := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		rep.Failures = append(rep.Failures, msg)
		fmt.Fprintln(log, "bench: FAILED: "+msg)
	}

	work, err := os.MkdirTemp("", "skillpass-bench-")
	if err != nil {
		fail("temporary folder: %v", err)
		return rep
	}
	if cfg.keep {
		rep.Notes = append(rep.Notes, "kept: "+work)
	} else {
		defer os.RemoveAll(work)
	}

	// The real CLI, built as the Makefile's cli target builds it.
	cli := filepath.Join(cfg.root, "bin", "skillpass-cli")
	fmt.Fprintln(log, "bench: building bin/skillpass-cli (CGO_ENABLED=0)")
	build := exec.CommandContext(ctx, cfg.goTool, "build", "-o", cli, "./cmd/skillpass-cli")
	build.Dir = cfg.root
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fail("build skillpass-cli: %v: %s", err, strings.TrimSpace(string(out)))
		cli = ""
	}

	// The peer, installed before anything is timed.
	var node string
	peerNotRun := ""
	if cfg.skipPeer {
		peerNotRun = "not run: -skip-peer"
	} else {
		node, err = preparePeer(ctx, filepath.Join(cfg.shared, "peers", "dcc-verifier"), cfg.peerBuild, log)
		if err != nil {
			peerNotRun = "not run: " + err.Error()
			fmt.Fprintln(log, "bench: peer "+peerNotRun)
		} else {
			rep.Env.Node = nodeVersion(ctx, node)
		}
	}

	if !cfg.skipGo {
		rep.GoBench = runGoBenchmarks(ctx, cfg, work, log, fail)
		rep.GoRows = goRows(runsOf(rep.GoBench, sectionGo))
		rep.PassportRows = passportRows(runsOf(rep.GoBench, sectionPassport))
		rep.QR = qrResults(runsOf(rep.GoBench, sectionQR))
	}

	fmt.Fprintln(log, "bench: generating the corpus")
	c, err := generateCorpus(filepath.Join(work, "corpus"), filepath.Join(cfg.root, "testdata", "ob30"))
	if err != nil {
		fail("%v", err)
		rep.ElapsedMS = ms(time.Since(started))
		return rep
	}
	rep.Corpus = c

	fmt.Fprintln(log, "bench: ours, in process")
	ip := measureInProcess(ctx, c)
	rep.InProcess = &ip
	if ip.Err != "" {
		fail("in-process verification: %s", ip.Err)
	}

	// Whole folder, then the generated files alone (the peer spends most of
	// its time on the 1EdTech vectors, waiting on retries for keys it
	// cannot fetch).
	gen := c.generatedOnly()
	if cli != "" {
		fmt.Fprintln(log, "bench: ours, skillpass-cli verify")
		w := runCLI(ctx, cli, c, cfg.runs)
		rep.CLI = &w
		if w.Err != "" {
			fail("skillpass-cli verify: %s", w.Err)
		}
		wg := runCLI(ctx, cli, gen, cfg.runs)
		rep.CLIGen = &wg
		if wg.Err != "" {
			fail("skillpass-cli verify (generated files): %s", wg.Err)
		}
	}
	if peerNotRun == "" {
		fmt.Fprintln(log, "bench: peer, node verify-dir.mjs")
		w := runPeer(ctx, node, cfg.peerBuild, c, cfg.runs)
		if w.Err != "" {
			w.NotRun = "failed: " + w.Err
		}
		rep.Peer = &w
		wg := runPeer(ctx, node, cfg.peerBuild, gen, cfg.runs)
		if wg.Err != "" {
			wg.NotRun = "failed: " + wg.Err
		}
		rep.PeerGen = &wg
	} else {
		rep.Peer = &wholeRun{NotRun: peerNotRun}
		rep.PeerGen = &wholeRun{NotRun: peerNotRun}
	}

	rep.Compare = compare(c, rep.InProcess, rep.CLI, rep.Peer)
	rep.Notes = append(rep.Notes, c.Notes...)
	rep.ElapsedMS = ms(time.Since(started))
	return rep
}

// Sections of the report the Go benchmarks go to.
const (
	sectionGo       = "go"       // 1. Go benchmarks (wallet/verify, wallet)
	sectionPassport = "passport" // 3. Skills passport
	sectionQR       = "qr"       // 4. QR codes
)

// benchSpec is one Go benchmark invocation.
type benchSpec struct {
	section   string
	pkg       string
	names     []string // exact top-level names; nil: every name matching prefix
	prefix    string
	benchtime string
	count     int // 0: the -count flag
}

// goBenchSpecs lists every Go benchmark invocation of the report, in the
// order they run.
func goBenchSpecs(cfg *config) []benchSpec {
	return []benchSpec{
		{section: sectionGo, pkg: "./wallet/verify", prefix: "BenchmarkVerify", benchtime: cfg.benchtime},
		{section: sectionGo, pkg: "./wallet", names: []string{"BenchmarkImport1000"}, benchtime: cfg.importBT},
		{section: sectionGo, pkg: "./wallet", names: []string{"BenchmarkOpen10k"}, benchtime: cfg.openBT},
		{section: sectionGo, pkg: "./wallet", names: []string{"BenchmarkKDF"}, benchtime: cfg.kdfBT},
		{section: sectionGo, pkg: "./ui", names: []string{"BenchmarkUnlockToPassportHome"}, benchtime: "3x", count: 1}, // aim: under 1000 ms/unlock, 250 MB-rss
		// DIDComm receipt, invitation to stored: ours vs. aries in memory with no
		// checks; 100 receipts each, median and the process RSS after them.
		{section: sectionGo, pkg: "./wallet/agent", names: []string{"BenchmarkReceive"}, benchtime: "100x", count: 1},
		{section: sectionPassport, pkg: "./passport", names: []string{"BenchmarkBuild10k", "BenchmarkNaiveRebuild", "BenchmarkAdd", "BenchmarkNormalize"}, benchtime: cfg.passportBT},
		{section: sectionQR, pkg: "./wallet/qr", names: []string{"BenchmarkQRSize"}, benchtime: "1x", count: 1},
		{section: sectionQR, pkg: "./wallet/qr", names: []string{"BenchmarkEncodePNG", "BenchmarkReadPNGDecode"}, benchtime: cfg.qrBT},
		// A BBS+ presentation with 3 of 8 claims: derive + sign + encode + PNG, and PNG to verdict.
		{section: sectionQR, pkg: "./wallet", names: []string{"BenchmarkPresentDisclose", "BenchmarkVerifyDisclosed"}, benchtime: "10x"},
	}
}

// runsOf returns the runs of one report section.
func runsOf(runs []benchRun, section string) []benchRun {
	var out []benchRun
	for _, r := range runs {
		if r.Section == section {
			out = append(out, r)
		}
	}
	return out
}

// runGoBenchmarks compiles the test binaries and runs the benchmarks the
// report shows.
func runGoBenchmarks(ctx context.Context, cfg *config, work string, log io.Writer, fail func(string, ...any)) []benchRun {
	specs := goBenchSpecs(cfg)
	bins := map[string]*testBinary{}
	var runs []benchRun
	for _, s := range specs {
		tb, ok := bins[s.pkg]
		if !ok {
			fmt.Fprintf(log, "bench: go test -c %s\n", s.pkg)
			var err error
			tb, err = compileTests(ctx, cfg.goTool, cfg.root, s.pkg, work)
			if err != nil {
				fail("%v", err)
			}
			bins[s.pkg] = tb
		}
		if tb == nil {
			continue
		}
		listed, err := tb.list(ctx, "^Benchmark")
		if err != nil {
			fail("%v", err)
			continue
		}
		var names []string
		for _, n := range listed {
			if (s.names == nil && strings.HasPrefix(n, s.prefix)) || contains(s.names, n) {
				names = append(names, n)
			}
		}
		for _, want := range s.names {
			if !contains(names, want) {
				fail("%s: no benchmark %s (go test -list)", s.pkg, want)
			}
		}
		if len(names) == 0 {
			if s.names == nil {
				fail("%s: no benchmark named %s*", s.pkg, s.prefix)
			}
			continue
		}
		pattern := "^(" + strings.Join(names, "|") + ")$"
		count := cfg.count
		if s.count > 0 {
			count = s.count
		}
		fmt.Fprintf(log, "bench: go test %s -run '^$' -bench '%s' -benchmem -benchtime=%s -count=%d\n", s.pkg, pattern, s.benchtime, count)
		r := tb.bench(ctx, pattern, s.benchtime, count, log)
		r.Section = s.section
		if r.Err != "" {
			fail("%s", r.Err)
		}
		runs = append(runs, r)
	}
	return runs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cpuModel returns the CPU's model name from /proc/cpuinfo, or "".
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
