package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/wallet/agent"
)

// TestMain fails the test binary if the test itself touches the network
// through http.DefaultTransport; the programs it runs talk on 127.0.0.1.
func TestMain(m *testing.M) { fetchtest.Main(m) }

const (
	learnerPass = "correct horse battery staple"
	issuerPass  = "issuer horse battery staple"
	stepTimeout = 60 * time.Second
)

// e2e is one run: the two programs built, their folders, and the
// environment they run in.
type e2e struct {
	t        *testing.T
	bin      string
	catalog  string
	wallet   string
	issuer   string
	env      []string
	issuerIn string // the issuer's listen address
	public   string // its public endpoint (the TLS front)
}

// build compiles skillpass-cli and skillpass-issuer as a user would.
func build(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/skillpass-cli", "./cmd/skillpass-issuer")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// tlsFront puts an HTTPS reverse proxy in front of target, the way an
// issuer is published behind a proxy (--endpoint). Verifiers fetch status
// lists over https only; SSL_CERT_FILE makes the programs trust the test
// certificate.
func tlsFront(t *testing.T, target string) (endpoint, certFile string) {
	t.Helper()
	u, err := url.Parse("http://" + target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.Transport = &http.Transport{} // not http.DefaultTransport, which the guard holds
	proxy.ErrorLog = nil
	srv := httptest.NewUnstartedServer(proxy)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	certFile = filepath.Join(t.TempDir(), "front.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600))
	return srv.URL, certFile
}

func newE2E(t *testing.T) *e2e {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	tmp := t.TempDir()
	e := &e2e{
		t: t, bin: build(t),
		catalog:  filepath.Join(root, "testdata", "catalog.json"),
		wallet:   filepath.Join(tmp, "w"),
		issuer:   filepath.Join(tmp, "iss"),
		issuerIn: freePort(t),
	}
	var cert string
	e.public, cert = tlsFront(t, e.issuerIn)
	e.env = append(os.Environ(),
		"SKILLPASS_PASSPHRASE="+learnerPass,
		"SKILLPASS_ISSUER_PASSPHRASE="+issuerPass,
		"SSL_CERT_FILE="+cert,
	)
	return e
}

// result is a finished command.
type result struct {
	stdout, stderr string
	code           int
}

// cli runs skillpass-cli --wallet W args... to the end.
func (e *e2e) cli(args ...string) result {
	return e.runIn(e.wallet, args...)
}

func (e *e2e) runIn(wallet string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(e.bin, "skillpass-cli"), append([]string{"--wallet", wallet}, args...)...)
	cmd.Env = e.env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		require.True(e.t, ok, "skillpass-cli %v: %v", args, err)
		code = ee.ExitCode()
	}
	return result{out.String(), errb.String(), code}
}

// ok runs the command and requires exit code 0.
func (e *e2e) ok(args ...string) string {
	e.t.Helper()
	r := e.cli(args...)
	require.Equal(e.t, 0, r.code, "skillpass-cli %v:\n%s%s", args, r.stdout, r.stderr)
	return r.stdout
}

// daemon is a program running in the background.
type daemon struct {
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan error
}

func (d *daemon) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stderr.Write(p)
}

func (d *daemon) errText() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.stderr.String()
}

// start runs a program and returns once it printed its first line.
func (e *e2e) start(name string, args ...string) (*daemon, string) {
	e.t.Helper()
	d := &daemon{cmd: exec.Command(filepath.Join(e.bin, name), args...), lines: make(chan string, 64), done: make(chan error, 1)}
	d.cmd.Env = e.env
	d.cmd.Stderr = d
	out, err := d.cmd.StdoutPipe()
	require.NoError(e.t, err)
	require.NoError(e.t, d.cmd.Start())
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			d.lines <- sc.Text()
		}
		close(d.lines)
		d.done <- d.cmd.Wait()
	}()
	e.t.Cleanup(func() { _ = d.cmd.Process.Kill() }) // ErrProcessDone once it ended
	select {
	case line, ok := <-d.lines:
		require.True(e.t, ok, "%s exited before printing anything:\n%s", name, d.errText())
		return d, line
	case <-time.After(stepTimeout):
		e.t.Fatalf("%s printed nothing in %v:\n%s", name, stepTimeout, d.errText())
	}
	return nil, ""
}

// stop sends sig and requires a clean exit.
func (d *daemon) stop(t *testing.T, sig os.Signal) string {
	t.Helper()
	require.NoError(t, d.cmd.Process.Signal(sig))
	var rest []string
	for line := range d.lines {
		rest = append(rest, line)
	}
	select {
	case err := <-d.done:
		require.NoError(t, err, "exit after %v:\n%s", sig, d.errText())
	case <-time.After(stepTimeout):
		t.Fatalf("no exit %v after %v", stepTimeout, sig)
	}
	return strings.Join(rest, "\n")
}

func (e *e2e) startIssuer() (*daemon, string) {
	return e.start("skillpass-issuer", "--dir", e.issuer, "serve", "--listen", e.issuerIn,
		"--endpoint", e.public, "--catalog", e.catalog, "--auto-offer")
}

// TestEndToEnd runs skillpass-issuer and skillpass-cli agent as two
// processes: invitation, connection, offer, consent, a verified credential
// stored; then the issuer revokes it and the learner's wallet sees it.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both programs and runs them")
	}
	e := newE2E(t)
	iss, invitation := e.startIssuer()
	require.True(t, strings.HasPrefix(invitation, e.public+"/?oob="), invitation)

	e.ok("init")
	// Without an agent, the DIDComm commands say what to start.
	r := e.cli("inbox")
	require.Equal(t, 2, r.code)
	require.Contains(t, r.stderr, "skillpass: error: inbox needs the wallet's agent")
	require.Contains(t, r.stderr, "hint: start it in another terminal with `skillpass-cli agent`")

	ag, endpoint := e.start("skillpass-cli", "--wallet", e.wallet, "agent")
	require.True(t, strings.HasPrefix(endpoint, "http://127.0.0.1:"), endpoint)
	sock := filepath.Join(e.wallet, "agent.sock")
	fi, err := os.Lstat(sock)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	t.Run("malformed invitation", func(t *testing.T) {
		for _, inv := range []string{e.public + "/?oob=%%%", `{"@type":"nonsense"}`, "no invitation at all"} {
			r := e.cli("connect", inv)
			require.Equal(t, 2, r.code, r.stderr)
			require.Contains(t, r.stderr, "not a usable invitation")
			require.Contains(t, r.stderr, "hint: give the issuer's invitation link")
		}
	})

	// Connect through the QR code the issuer writes next to its wallet once
	// it printed the link (the same invitation).
	png := filepath.Join(e.issuer, "invitation.png")
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(png)
		if err != nil {
			return false
		}
		inv, err := agent.ParseInvitation(b)
		return err == nil && len(inv.Endpoints) > 0 && strings.HasPrefix(invitation, inv.Endpoints[0])
	}, stepTimeout, 50*time.Millisecond, "the issuer writes its invitation QR code")
	connID := strings.TrimSpace(e.ok("connect", png))
	require.NotEmpty(t, connID)
	require.Contains(t, e.ok("connections"), connID)

	var offers []struct {
		ID    string `json:"id"`
		State string `json:"state"`
		Name  string `json:"name"`
	}
	deadline := time.Now().Add(stepTimeout)
	for len(offers) == 0 && time.Now().Before(deadline) {
		require.NoError(t, json.Unmarshal([]byte(e.ok("inbox", "--json")), &offers))
		if len(offers) == 0 {
			time.Sleep(100 * time.Millisecond)
		}
	}
	require.Len(t, offers, 1, "the issuer's auto-offer reaches the inbox")
	require.Equal(t, "pending", offers[0].State)
	require.Equal(t, "[]\n", e.ok("list", "--json"), "nothing is stored before consent")

	t.Run("accept an unknown offer", func(t *testing.T) {
		r := e.cli("accept", "0000dead")
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "no such offer")
		require.Contains(t, r.stderr, "hint: run `skillpass-cli inbox`")
	})

	t.Run("a writer while the agent holds the wallet", func(t *testing.T) {
		r := e.cli("import", e.catalog)
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "busy")
		require.Contains(t, r.stderr, "skillpass-cli agent")
	})

	r = e.cli("agent")
	require.Equal(t, 2, r.code, "one agent per wallet")
	require.Contains(t, r.stderr, "an agent already holds the wallet")

	out := e.ok("accept", offers[0].ID[:8])
	require.Contains(t, out, "Stored ")
	require.Contains(t, out, "SQL for Data Analysis")

	var list []struct {
		ID           string            `json:"id"`
		CredentialID string            `json:"credentialId"`
		Achievement  string            `json:"achievement"`
		Verified     bool              `json:"verified"`
		Checks       map[string]string `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("list", "--json")), &list))
	require.Len(t, list, 1)
	require.True(t, list[0].Verified, "%+v", list[0])
	require.Equal(t, "ok", list[0].Checks["status"], "the status list was fetched through the issuer's https front")
	require.Equal(t, "SQL for Data Analysis", list[0].Achievement)
	require.Contains(t, e.ok("passport"), "Database querying", "the passport comes through the agent")

	// Stop the agent: the socket goes, and the wallet opens directly again
	// (the agent below opens it before it finds its port taken).
	require.Contains(t, ag.stop(t, syscall.SIGINT), "Agent stopped.")
	_, err = os.Lstat(sock)
	require.ErrorIs(t, err, os.ErrNotExist)

	t.Run("agent on a taken port", func(t *testing.T) {
		r := e.cli("agent", "--listen", e.issuerIn)
		require.Equal(t, 2, r.code)
		require.Contains(t, r.stderr, "skillpass: error: start agent: listen on "+e.issuerIn)
		require.Contains(t, r.stderr, "hint: another program listens there")
		_, err := os.Lstat(sock)
		require.ErrorIs(t, err, os.ErrNotExist)
	})

	// Revoke with the issuer stopped, then serve again at the same address.
	iss.stop(t, syscall.SIGTERM)
	rev := exec.Command(filepath.Join(e.bin, "skillpass-issuer"), "--dir", e.issuer, "revoke", list[0].CredentialID)
	rev.Env = e.env
	b, err := rev.CombinedOutput()
	require.NoError(t, err, "%s", b)
	iss, _ = e.startIssuer()
	defer iss.stop(t, syscall.SIGTERM)

	var shown struct {
		Verification struct {
			Verified bool              `json:"verified"`
			Checks   map[string]string `json:"checks"`
		} `json:"verification"`
	}
	require.NoError(t, json.Unmarshal([]byte(e.ok("show", "--json", list[0].ID)), &shown))
	require.Equal(t, "revoked", shown.Verification.Checks["status"])
	require.False(t, shown.Verification.Verified)
}
