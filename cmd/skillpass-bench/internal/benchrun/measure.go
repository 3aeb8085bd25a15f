package benchrun

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify"
)

// verdict is one verifier's answer on one file.
type verdict struct {
	Verified bool     `json:"verified"`
	Summary  string   `json:"summary"` // checks (ours) or signature/expiry/status (peer)
	Errors   []string `json:"errors,omitempty"`
	MS       float64  `json:"ms,omitempty"`
}

// inProcess is our verifier measured inside this process.
type inProcess struct {
	SetupMS     float64            `json:"setupMs"`
	Cold        timing             `json:"cold"`
	Warm        timing             `json:"warm"`
	ColdByGroup map[string]float64 `json:"coldMsByGroup"`
	Verdicts    map[string]verdict `json:"verdicts"`
	Err         string             `json:"error,omitempty"`
}

// measureInProcess verifies every corpus file with one Verifier twice: a
// cold pass (contexts, DID documents and status lists met for the first
// time) and a warm pass (all cached). Each file's time includes reading it.
func measureInProcess(ctx context.Context, c *corpus) inProcess {
	res := inProcess{Verdicts: map[string]verdict{}, ColdByGroup: map[string]float64{}}
	start := time.Now()
	v, err := verify.New(verify.Options{Fetcher: did.DirFetcher(c.Offline)})
	res.SetupMS = ms(time.Since(start))
	if err != nil {
		res.Err = fmt.Sprintf("new verifier: %v", err)
		return res
	}
	pass := func(record bool) []time.Duration {
		ds := make([]time.Duration, 0, len(c.Files))
		for _, f := range c.Files {
			t0 := time.Now()
			data, err := os.ReadFile(filepath.Join(c.Dir, f.Name))
			var r *verify.Result
			if err == nil {
				r, err = v.Verify(ctx, data)
			}
			d := time.Since(t0)
			ds = append(ds, d)
			if !record {
				continue
			}
			res.ColdByGroup[groupOf(f)] += ms(d)
			if err != nil {
				res.Verdicts[f.Name] = verdict{Summary: "error", Errors: []string{err.Error()}, MS: ms(d)}
				continue
			}
			res.Verdicts[f.Name] = verdict{Verified: r.Verified, Summary: checksText(r.Checks), Errors: r.Errors, MS: ms(d)}
		}
		return ds
	}
	res.Cold = summarise(pass(true))
	res.Warm = summarise(pass(false))
	return res
}

// groupOf splits the corpus in two for time sums: generated files and the
// 1EdTech vectors.
func groupOf(f corpusFile) string {
	if f.Group == "1edtech" {
		return "1edtech"
	}
	return "generated"
}

func checksText(c verify.Checks) string {
	return fmt.Sprintf("signature=%s validity=%s status=%s issuer=%s", c.Signature, c.Validity, c.Status, c.Issuer)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// wholeRun is one verifier run as a child process over the whole corpus.
type wholeRun struct {
	Command  string             `json:"command"`
	Runs     int                `json:"runs"`
	WallMS   float64            `json:"wallMs"` // median over runs
	WallAll  []float64          `json:"wallMsEach"`
	RSSMB    float64            `json:"peakRssMb"` // largest over runs
	ExitCode int                `json:"exitCode"`
	Verdicts map[string]verdict `json:"verdicts"`
	Summary  map[string]string  `json:"summary,omitempty"`       // the peer's "# summary" fields
	Misses   []string           `json:"offlineMisses,omitempty"` // the peer's "URLs not found offline" list
	Stderr   string             `json:"stderr,omitempty"`
	Err      string             `json:"error,omitempty"`
	NotRun   string             `json:"notRun,omitempty"`
}

// runChild runs cmd runs times and records wall time and peak RSS; parse
// reads the stdout of the last run.
func runChild(mk func() *exec.Cmd, runs int, parse func(out, errOut []byte, w *wholeRun) error) wholeRun {
	var w wholeRun
	w.Runs = runs
	var stdout, stderr bytes.Buffer
	for i := 0; i < runs; i++ {
		cmd := mk()
		w.Command = strings.Join(cmd.Args, " ")
		stdout.Reset()
		stderr.Reset()
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		start := time.Now()
		err := cmd.Run()
		wall := time.Since(start)
		w.WallAll = append(w.WallAll, ms(wall))
		if rss, ok := peakRSSMB(cmd.ProcessState); ok {
			w.RSSMB = max(w.RSSMB, rss)
		}
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			w.ExitCode = ee.ExitCode()
		case err != nil:
			w.Err = fmt.Sprintf("run %s: %v", cmd.Path, err)
			return w
		default:
			w.ExitCode = 0
		}
	}
	w.WallMS = median(w.WallAll)
	w.Stderr = tail(stderr.String(), 2000)
	if err := parse(stdout.Bytes(), stderr.Bytes(), &w); err != nil {
		w.Err = err.Error()
	}
	return w
}

// runCLI runs `skillpass-cli verify --json --offline-dir OFFLINE FILES...`.
// Exit code 1 (some file not verified) is expected; 2 means some file could
// not be read or is not a credential, which is reported but still parsed.
func runCLI(ctx context.Context, cli string, c *corpus, runs int) wholeRun {
	args := append([]string{"verify", "--json", "--offline-dir", c.Offline}, c.paths()...)
	w := runChild(func() *exec.Cmd { return exec.CommandContext(ctx, cli, args...) }, runs, func(out, _ []byte, w *wholeRun) error {
		w.Verdicts = map[string]verdict{}
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			var r verify.Result
			if err := json.Unmarshal(line, &r); err != nil {
				return fmt.Errorf("skillpass-cli printed a line that is not a result: %.200s", line)
			}
			w.Verdicts[filepath.Base(r.File)] = verdict{Verified: r.Verified, Summary: checksText(r.Checks), Errors: r.Errors}
		}
		return sc.Err()
	})
	w.Command = fmt.Sprintf("%s verify --json --offline-dir OFFLINE CORPUS/*.json (%d files)", cli, len(c.Files))
	if w.ExitCode > 1 && w.Err == "" {
		w.Err = fmt.Sprintf("exit code %d: %s", w.ExitCode, firstLine(w.Stderr))
	}
	return w
}

// runPeer runs `node verify-dir.mjs CORPUS OFFLINE` in the peer's folder.
func runPeer(ctx context.Context, node, peerDir string, c *corpus, runs int) wholeRun {
	w := runChild(func() *exec.Cmd {
		cmd := exec.CommandContext(ctx, node, "verify-dir.mjs", c.Dir, c.Offline)
		cmd.Dir = peerDir
		return cmd
	}, runs, parsePeerOutput)
	w.Command = fmt.Sprintf("node verify-dir.mjs CORPUS OFFLINE (in %s)", peerDir)
	if w.ExitCode != 0 && w.Err == "" {
		w.Err = fmt.Sprintf("exit code %d: %s", w.ExitCode, firstLine(w.Stderr))
	}
	return w
}

// parsePeerOutput reads verify-dir.mjs' stdout: a header, one TSV row per
// file (file verified signature expiry status registry ms detail), then a
// "# summary" line of key=value fields; and from its stderr the list of
// URLs it asked for that the offline folder did not have.
func parsePeerOutput(out, errOut []byte, w *wholeRun) error {
	if _, list, ok := bytes.Cut(errOut, []byte("URLs not found offline (count):\n")); ok {
		for _, l := range strings.Split(string(list), "\n") {
			if !strings.HasPrefix(l, "  ") {
				break
			}
			w.Misses = append(w.Misses, strings.Join(strings.Fields(l), " "))
		}
	}
	w.Verdicts = map[string]verdict{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Split(line, "\t")
		switch {
		case strings.HasPrefix(line, "# summary"):
			w.Summary = map[string]string{}
			for _, kv := range f[1:] {
				if k, v, ok := strings.Cut(kv, "="); ok {
					w.Summary[k] = v
				}
			}
		case len(f) >= 7 && f[0] != "file":
			msv, _ := strconv.ParseFloat(f[6], 64)
			v := verdict{Verified: f[1] == "true", Summary: fmt.Sprintf("signature=%s expiry=%s status=%s", f[2], f[3], f[4]), MS: msv}
			if len(f) > 7 && strings.TrimSpace(f[7]) != "" {
				v.Errors = strings.Split(f[7], " | ")
			}
			w.Verdicts[filepath.Base(f[0])] = v
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read peer output: %w", err)
	}
	if w.Summary == nil {
		return errors.New("the peer printed no '# summary' line")
	}
	return nil
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
