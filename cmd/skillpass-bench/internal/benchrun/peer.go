package benchrun

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// errPeerUnavailable is wrapped by preparePeer when the peer cannot be run;
// the report then prints the peer's column as "not run" with the reason.
var errPeerUnavailable = errors.New("peer not available")

// peerStamp records, inside node_modules, which package-lock.json the
// installed modules come from, so that `npm ci` runs only when it changed.
const peerStamp = ".skillpass-bench-lock"

// npmTimeout bounds `npm ci`.
const npmTimeout = 10 * time.Minute

// preparePeer copies the peer's files from src (shared/peers/dcc-verifier,
// read-only) into build and installs its modules there with `npm ci` unless
// the installed ones match package-lock.json. It returns the node binary.
func preparePeer(ctx context.Context, src, build string, log io.Writer) (string, error) {
	if st, err := os.Stat(filepath.Join(src, "verify-dir.mjs")); err != nil || st.IsDir() {
		return "", fmt.Errorf("%w: no verify-dir.mjs in %s", errPeerUnavailable, src)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", fmt.Errorf("%w: node is not installed (Debian: nodejs npm)", errPeerUnavailable)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", fmt.Errorf("%w: npm is not installed (Debian: npm)", errPeerUnavailable)
	}
	if err := os.MkdirAll(build, 0o755); err != nil {
		return "", fmt.Errorf("%w: %v", errPeerUnavailable, err)
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errPeerUnavailable, err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return "", fmt.Errorf("%w: copy peer: %v", errPeerUnavailable, err)
		}
		dst := filepath.Join(build, e.Name())
		_ = os.Chmod(dst, 0o644) // a previous copy may be read-only
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return "", fmt.Errorf("%w: copy peer: %v", errPeerUnavailable, err)
		}
	}
	lock, err := os.ReadFile(filepath.Join(build, "package-lock.json"))
	if err != nil {
		return "", fmt.Errorf("%w: %v", errPeerUnavailable, err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(build, "node_modules", peerStamp)
	if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
		return node, nil
	}
	fmt.Fprintf(log, "bench: npm ci in %s (needs the npm registry once)\n", build)
	nctx, cancel := context.WithTimeout(ctx, npmTimeout)
	defer cancel()
	cmd := exec.CommandContext(nctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = build
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%w: npm ci failed: %v: %s", errPeerUnavailable, err, strings.TrimSpace(tail(string(out), 400)))
	}
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("%w: %v", errPeerUnavailable, err)
	}
	return node, nil
}

// nodeVersion returns `node --version`, or "" when it cannot be run.
func nodeVersion(ctx context.Context, node string) string {
	out, err := exec.CommandContext(ctx, node, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
