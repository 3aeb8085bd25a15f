package wallet

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The crash test's knobs and the child's environment.
const (
	// crashKillsEnv sets how many times TestCrashSafety kills its child
	// (default 200, 20 with -short; `make soak` asks for 1,000).
	crashKillsEnv = "SKILLPASS_CRASH_KILLS"
	// crashSeedEnv replays a run: the seed TestCrashSafety logs.
	crashSeedEnv = "SKILLPASS_CRASH_SEED"

	crashDirEnv   = "SKILLPASS_CRASH_CHILD" // the wallet folder; set only in the child
	crashKeyEnv   = "SKILLPASS_CRASH_KEY"   // the master key in hex (the child skips the KDF)
	crashCredsEnv = "SKILLPASS_CRASH_CREDS" // a file of signed credentials, one per line
	crashStartEnv = "SKILLPASS_CRASH_START" // the line to start from
)

// TestCrashChild is not a test: run by TestCrashSafety with crashDirEnv set,
// it opens the wallet and imports credentials from the given line on, one
// after another, printing "done LINE ID" as each Import returns, until it is
// killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("only run as the child of TestCrashSafety")
	}
	fail := func(err error) {
		fmt.Printf("error %v\n", err)
		os.Exit(1)
	}
	key, err := hex.DecodeString(os.Getenv(crashKeyEnv))
	if err != nil {
		fail(err)
	}
	start, err := strconv.Atoi(os.Getenv(crashStartEnv))
	if err != nil {
		fail(err)
	}
	data, err := os.ReadFile(os.Getenv(crashCredsEnv))
	if err != nil {
		fail(err)
	}
	creds := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	w, err := OpenWithKey(dir, key, Options{LockTimeout: 10 * time.Second})
	if err != nil {
		fail(err)
	}
	fmt.Println("ready")
	for i := start; i < len(creds); i++ {
		res, err := w.Import(context.Background(), fmt.Sprintf("c%d.json", i), creds[i])
		if err != nil {
			fail(err)
		}
		if len(res) != 1 || res[0].Rejected != nil {
			fail(fmt.Errorf("credential %d not stored: %+v", i, res))
		}
		fmt.Printf("done %d %s\n", i, res[0].ID)
	}
	fmt.Println("exhausted")
	select {} // wait for the kill
}

// crashRun is what one child reported before it died.
type crashRun struct {
	ready bool
	done  map[int]string // line -> record id
	last  int            // the highest line done, -1 if none
	err   string
}

// runCrashChild starts a child at line start and kills it with SIGKILL
// after delay; it returns what the child reported as done.
func runCrashChild(t *testing.T, dir string, key []byte, credsPath string, start int, delay time.Duration) crashRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(),
		crashDirEnv+"="+dir,
		crashKeyEnv+"="+hex.EncodeToString(key),
		crashCredsEnv+"="+credsPath,
		crashStartEnv+"="+strconv.Itoa(start),
	)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	timer := time.AfterFunc(delay, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	defer timer.Stop()
	run := crashRun{done: map[int]string{}, last: -1}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 1 && f[0] == "ready":
			run.ready = true
		case len(f) == 3 && f[0] == "done":
			n, err := strconv.Atoi(f[1])
			require.NoError(t, err)
			run.done[n] = f[2]
			run.last = max(run.last, n)
		case len(f) > 0 && f[0] == "error":
			run.err = sc.Text()
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		ws, ok := exit.Sys().(syscall.WaitStatus)
		require.True(t, ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL || run.err != "", "child ended with %v", err)
	}
	require.Empty(t, run.err, "the child failed")
	return run
}

// TestCrashSafety kills a process that imports credentials into a real
// wallet with SIGKILL at random moments, again and again, and after each
// kill opens the wallet: bbolt's consistency check passes, every credential
// the child reported as imported is there with its verdict, and the
// activity log's chain holds. The child and the parent open the wallet with
// the master key (OpenWithKey), so the KDF runs once for the whole test.
func TestCrashSafety(t *testing.T) {
	kills := 200
	if testing.Short() {
		kills = 20
	}
	if v := os.Getenv(crashKillsEnv); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, crashKillsEnv)
		kills = n
	}
	seed := uint64(time.Now().UnixNano())
	if v := os.Getenv(crashSeedEnv); v != "" {
		var err error
		seed, err = strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, crashSeedEnv)
	}
	t.Logf("%d kills, seed %d (%s=%d replays the moments)", kills, seed, crashSeedEnv, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	w, dir := newWallet(t)
	require.NoError(t, w.Close())
	key, err := DeriveKey(dir, []byte(testPass))
	require.NoError(t, err)

	credsPath := filepath.Join(t.TempDir(), "creds.jsonl")
	var lines int
	addCreds := func(n int) {
		f, err := os.OpenFile(credsPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		require.NoError(t, err)
		for _, c := range signedBadges(t, n) {
			_, err := f.Write(append(c, '\n'))
			require.NoError(t, err)
		}
		require.NoError(t, f.Close())
		lines += n
	}

	confirmed := map[string]int{} // record id -> line
	next := 0
	// A child opens the wallet within a few tens of milliseconds and then
	// imports one credential every few milliseconds, so most kills land in
	// the middle of a write.
	maxDelay := 300 * time.Millisecond
	var readyRuns, writes int
	started := time.Now()
	for k := 0; k < kills; k++ {
		if lines-next < 150 {
			addCreds(150)
		}
		delay := time.Duration(rng.Int64N(int64(maxDelay)))
		run := runCrashChild(t, dir, key, credsPath, next, delay)
		if run.ready {
			readyRuns++
		}
		writes += len(run.done)

		// After the kill: the file is sound and nothing reported is lost.
		w, err := OpenWithKey(dir, key, Options{})
		require.NoError(t, err, "kill %d: open", k+1)
		require.NoError(t, w.Check(), "kill %d: bbolt's consistency check", k+1)
		for line, id := range run.done {
			rec, err := w.Get(id)
			require.NoError(t, err, "kill %d: credential of line %d reported done but missing", k+1, line)
			require.Equal(t, id, RecordID([]byte(rec.Raw)), "kill %d: record intact", k+1)
			require.Equal(t, "ok", rec.Checks.Signature, "kill %d: verdict intact", k+1)
			require.True(t, rec.Verified, "kill %d: verdict intact", k+1)
			confirmed[id] = line
		}
		list, err := w.List()
		require.NoError(t, err)
		have := make(map[string]bool, len(list))
		for _, s := range list {
			have[s.ID] = true
		}
		for id, line := range confirmed {
			require.True(t, have[id], "kill %d: credential of line %d (confirmed earlier) is gone", k+1, line)
		}
		_, err = w.Activity()
		require.NoError(t, err, "kill %d: activity log", k+1)
		require.NoError(t, w.Close())
		if run.last >= 0 {
			next = run.last + 1
		}
	}
	elapsed := time.Since(started)

	// At the end, every credential ever confirmed, record by record.
	w, err = OpenWithKey(dir, key, Options{})
	require.NoError(t, err)
	defer w.Close()
	require.NoError(t, w.Check())
	for id := range confirmed {
		rec, err := w.Get(id)
		require.NoError(t, err)
		require.True(t, rec.Verified)
	}
	n, err := w.Count()
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, len(confirmed))
	log, err := w.Activity()
	require.NoError(t, err)
	t.Logf("%d kills in %s: %d imports confirmed (%d distinct credentials, %d in the wallet), %d activity entries; %d children were killed after opening the wallet",
		kills, elapsed.Round(time.Millisecond), writes, len(confirmed), n, len(log), readyRuns)
	if kills >= 20 {
		require.Greater(t, readyRuns, kills/4, "most kills should land while the child writes")
		require.NotEmpty(t, confirmed)
	}
}
