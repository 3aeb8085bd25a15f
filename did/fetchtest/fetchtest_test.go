package fetchtest_test

import (
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// The package guards itself; tests that install their own Guard restore
// this one when they finish.
func TestMain(m *testing.M) { fetchtest.Main(m) }

// install puts a fresh Guard in place for one test and restores the
// previous transports afterwards.
func install(t *testing.T) *fetchtest.Guard {
	t.Helper()
	prevDefault, prevClient := http.DefaultTransport, http.DefaultClient.Transport
	t.Cleanup(func() {
		http.DefaultTransport = prevDefault
		http.DefaultClient.Transport = prevClient
	})
	return fetchtest.Install()
}

func TestInstallRefusesAndRecords(t *testing.T) {
	g := install(t)
	require.Same(t, g, http.DefaultTransport)
	require.Same(t, g, http.DefaultClient.Transport)
	require.Zero(t, g.Calls())

	tests := []struct {
		name string
		url  string
		send func(url string) (*http.Response, error)
	}{
		{"http.Get", "http://fetchtest.invalid/a", http.Get},
		{"http.Post", "https://fetchtest.invalid/b?q=1", func(u string) (*http.Response, error) {
			return http.Post(u, "text/plain", strings.NewReader("body"))
		}},
		{"DefaultTransport", "https://fetchtest.invalid/c", func(u string) (*http.Response, error) {
			req, err := http.NewRequest(http.MethodGet, u, nil)
			if err != nil {
				return nil, err
			}
			return http.DefaultTransport.RoundTrip(req)
		}},
	}
	var want []string
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.send(tt.url)
			if resp != nil {
				_ = resp.Body.Close()
			}
			require.Nil(t, resp)
			require.ErrorIs(t, err, fetchtest.ErrNetwork)
			require.ErrorContains(t, err, tt.url)
			want = append(want, tt.url)
			require.Equal(t, i+1, g.Calls())
			require.Equal(t, want, g.URLs())
		})
	}
}

// closeRecorder is a request body that remembers being closed.
type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestRoundTripClosesBody(t *testing.T) {
	g := &fetchtest.Guard{}
	body := &closeRecorder{Reader: strings.NewReader("payload")}
	req, err := http.NewRequest(http.MethodPost, "https://fetchtest.invalid/upload", body)
	require.NoError(t, err)
	resp, err := g.RoundTrip(req)
	require.Nil(t, resp)
	require.ErrorIs(t, err, fetchtest.ErrNetwork)
	require.True(t, body.closed, "RoundTrip must close the request body")
	require.Equal(t, []string{"https://fetchtest.invalid/upload"}, g.URLs())
}

func TestRoundTripOddRequests(t *testing.T) {
	tests := []struct {
		name string
		req  *http.Request
		want string
	}{
		{"nil request", nil, "<nil request>"},
		{"nil URL", &http.Request{Method: http.MethodGet}, "<nil URL>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := &fetchtest.Guard{}
			resp, err := g.RoundTrip(tt.req)
			require.Nil(t, resp)
			require.ErrorIs(t, err, fetchtest.ErrNetwork)
			require.Equal(t, []string{tt.want}, g.URLs())
		})
	}
}

func TestURLsReturnsCopy(t *testing.T) {
	g := &fetchtest.Guard{}
	require.Empty(t, g.URLs())
	_, err := g.RoundTrip(mustRequest(t, "https://fetchtest.invalid/x"))
	require.Error(t, err)
	urls := g.URLs()
	urls[0] = "changed"
	require.Equal(t, []string{"https://fetchtest.invalid/x"}, g.URLs())
}

func TestGuardConcurrentUse(t *testing.T) {
	g := &fetchtest.Guard{}
	const n = 64
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = g.RoundTrip(mustRequest(t, "https://fetchtest.invalid/c"))
			_ = g.Calls()
			_ = g.URLs()
		}()
	}
	wg.Wait()
	require.Equal(t, n, g.Calls())
	require.Len(t, g.URLs(), n)
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	return req
}

// childEnv tells TestChildProcess what to do in a child test binary.
const childEnv = "FETCHTEST_CHILD"

// childURL is the URL the child process tries to fetch.
const childURL = "http://fetchtest.invalid/child"

// TestChildProcess is not a test: run as a child of TestMainExitCode with
// childEnv set, it makes a request, fails or passes, and Main decides the
// exit code.
func TestChildProcess(t *testing.T) {
	switch os.Getenv(childEnv) {
	case "":
		t.Skip("child process only")
	case "request":
		// The error is swallowed on purpose: Main must catch the
		// attempt anyway.
		resp, err := http.Get(childURL)
		if err == nil {
			_ = resp.Body.Close()
		}
	case "fail":
		t.Error("failing on purpose")
	}
}

func TestMainExitCode(t *testing.T) {
	tests := []struct {
		mode       string
		wantCode   int
		wantStderr string
	}{
		{"pass", 0, ""},
		{"fail", 1, ""},
		{"request", 3, "test touched the network: " + childURL},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnv+"="+tt.mode)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				code = exitErr.ExitCode()
			} else {
				require.NoError(t, err)
			}
			require.Equal(t, tt.wantCode, code, "stderr: %s", stderr.String())
			if tt.wantStderr != "" {
				require.Contains(t, stderr.String(), tt.wantStderr)
			} else {
				require.NotContains(t, stderr.String(), "touched the network")
			}
		})
	}
}
