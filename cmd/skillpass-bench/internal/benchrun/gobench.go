package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// errNoBenchLine is returned by parseBenchLine for lines that are not
// benchmark results.
var errNoBenchLine = errors.New("not a benchmark result line")

// benchResult is one line of `go test -bench` output.
type benchResult struct {
	// Name is the benchmark name without the "Benchmark" prefix and without
	// the -GOMAXPROCS suffix, e.g. "VerifyEd25519Signature2020/ours".
	Name string `json:"name"`
	// Procs is the GOMAXPROCS suffix (0 when absent).
	Procs int `json:"procs,omitempty"`
	// N is the number of iterations.
	N int64 `json:"n"`
	// Metrics maps a unit ("ns/op", "B/op", "allocs/op", "MB-rss", ...) to
	// its value.
	Metrics map[string]float64 `json:"metrics"`
}

// procsSuffix matches the "-N" GOMAXPROCS suffix go test appends to names.
var procsSuffix = regexp.MustCompile(`-(\d+)$`)

// parseBenchLine reads one line in the standard benchmark format:
//
//	BenchmarkName-2   	     429	   2944677 ns/op	  726953 B/op	    6262 allocs/op
//
// followed by any number of further "value unit" pairs.
func parseBenchLine(line string) (benchResult, error) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return benchResult{}, errNoBenchLine
	}
	r := benchResult{Name: strings.TrimPrefix(f[0], "Benchmark"), Metrics: map[string]float64{}}
	if m := procsSuffix.FindStringSubmatch(r.Name); m != nil {
		r.Procs, _ = strconv.Atoi(m[1])
		r.Name = strings.TrimSuffix(r.Name, m[0])
	}
	n, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return benchResult{}, errNoBenchLine
	}
	r.N = n
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return benchResult{}, fmt.Errorf("%w: value %q of %s", errNoBenchLine, f[i], f[0])
		}
		r.Metrics[f[i+1]] = v
	}
	if _, ok := r.Metrics["ns/op"]; !ok {
		return benchResult{}, errNoBenchLine
	}
	return r, nil
}

// parseBenchOutput returns every benchmark result in out, in order. When a
// benchmark appears several times (-count > 1) each occurrence is kept.
//
// A result line may be split: the testing package prints the benchmark's
// name, then runs it, then prints its figures, and whatever the benchmark
// logs to standard output meanwhile (aries logs there) lands between the
// two. The name is then remembered and joined with the next line that
// starts with an iteration count.
func parseBenchOutput(out []byte) []benchResult {
	var rs []benchResult
	pending := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if r, err := parseBenchLine(line); err == nil {
			rs = append(rs, r)
			pending = ""
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && strings.HasPrefix(line, "Benchmark"):
			pending = f[0]
		case pending != "":
			if r, err := parseBenchLine(pending + " " + line); err == nil {
				rs = append(rs, r)
				pending = ""
			}
		}
	}
	return rs
}

// testBinary is a compiled test binary of one package.
type testBinary struct {
	pkg  string // import path relative to the repo, e.g. ./wallet/verify
	dir  string // package folder (tests read fixtures relative to it)
	path string // compiled binary
}

// compileTests builds the test binary of pkg (go test -c) into outDir.
func compileTests(ctx context.Context, goTool, root, pkg, outDir string) (*testBinary, error) {
	name := strings.ReplaceAll(strings.Trim(pkg, "./"), "/", "_") + ".test"
	out := filepath.Join(outDir, name)
	cmd := exec.CommandContext(ctx, goTool, "test", "-c", "-o", out, pkg)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("compile tests of %s: %w\n%s", pkg, err, b)
	}
	return &testBinary{pkg: pkg, dir: filepath.Join(root, filepath.FromSlash(pkg)), path: out}, nil
}

// list returns the names of the benchmarks of t matching re (go test -list).
func (t *testBinary) list(ctx context.Context, re string) ([]string, error) {
	cmd := exec.CommandContext(ctx, t.path, "-test.list", re)
	cmd.Dir = t.dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("list benchmarks of %s: %w", t.pkg, err)
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "Benchmark") {
			names = append(names, l)
		}
	}
	return names, nil
}

// benchRun is one `go test -run '^$' -bench RE -benchmem` invocation.
type benchRun struct {
	// Section is the report section the run belongs to (sectionGo, ...).
	Section   string        `json:"section"`
	Package   string        `json:"package"`
	Pattern   string        `json:"pattern"`
	Benchtime string        `json:"benchtime"`
	Count     int           `json:"count"`
	Results   []benchResult `json:"results"`
	Elapsed   time.Duration `json:"elapsedNs"`
	Err       string        `json:"error,omitempty"`
}

// bench runs the benchmarks of t matching pattern and parses their results.
// Output is copied to log as it comes, so a long run shows progress.
func (t *testBinary) bench(ctx context.Context, pattern, benchtime string, count int, log io.Writer) benchRun {
	run := benchRun{Package: t.pkg, Pattern: pattern, Benchtime: benchtime, Count: count}
	args := []string{"-test.run", "^$", "-test.bench", pattern, "-test.benchmem",
		"-test.benchtime", benchtime, "-test.count", strconv.Itoa(count), "-test.timeout", "15m"}
	cmd := exec.CommandContext(ctx, t.path, args...)
	cmd.Dir = t.dir
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(&buf, log)
	cmd.Stderr = io.MultiWriter(&buf, log)
	start := time.Now()
	err := cmd.Run()
	run.Elapsed = time.Since(start)
	run.Results = parseBenchOutput(buf.Bytes())
	if err != nil {
		run.Err = fmt.Sprintf("go test -bench %s in %s: %v", pattern, t.pkg, err)
		if reason := failReason(buf.String()); reason != "" {
			run.Err += ": " + reason
		}
	}
	return run
}

// failReason picks the first failure message out of go test output: the
// text after testify's "Error:" (joined with its continuation line when it
// ends in a colon), else the first line after "--- FAIL".
func failReason(out string) string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if _, msg, ok := strings.Cut(l, "Error:"); ok && strings.Contains(l, "\t") {
			msg = strings.TrimSpace(msg)
			if strings.HasSuffix(msg, ":") && i+1 < len(lines) {
				msg += " " + strings.TrimSpace(lines[i+1])
			}
			return msg
		}
	}
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "--- FAIL") && i+1 < len(lines) {
			return strings.TrimSpace(lines[i+1])
		}
	}
	return ""
}

// metricOf returns the median of the metric unit over the results named name
// (several with -count > 1), and whether there was any.
func metricOf(rs []benchResult, name, unit string) (float64, bool) {
	var vs []float64
	for _, r := range rs {
		if r.Name == name {
			if v, ok := r.Metrics[unit]; ok {
				vs = append(vs, v)
			}
		}
	}
	if len(vs) == 0 {
		return 0, false
	}
	return median(vs), true
}
