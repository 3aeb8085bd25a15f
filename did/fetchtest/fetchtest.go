// Package fetchtest helps tests prove they never touch the network (as
// net/http/httptest helps tests serve HTTP).
//
// A test package guards itself with
//
//	func TestMain(m *testing.M) { fetchtest.Main(m) }
//
// after which every request sent through http.DefaultTransport or
// http.DefaultClient is refused, and the test binary fails with exit code 3
// if any was attempted, even when the code under test swallowed the error.
package fetchtest

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
)

// ErrNetwork is the error, wrapped with the request's URL, that a Guard
// returns for every request.
var ErrNetwork = errors.New("network access is forbidden in tests")

// Guard is an http.RoundTripper that refuses every request and records its
// URL. Safe for concurrent use. The zero value is ready to use.
type Guard struct {
	mu   sync.Mutex
	urls []string
}

// RoundTrip records the request's URL and refuses the request with an error
// wrapping ErrNetwork. It closes the request body, as the http.RoundTripper
// contract asks, and never sends anything.
func (g *Guard) RoundTrip(r *http.Request) (*http.Response, error) {
	u := "<nil request>"
	if r != nil {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		u = "<nil URL>"
		if r.URL != nil {
			u = r.URL.String()
		}
	}
	g.mu.Lock()
	g.urls = append(g.urls, u)
	g.mu.Unlock()
	return nil, fmt.Errorf("fetchtest: %s: %w", u, ErrNetwork)
}

// URLs returns a copy of the URLs of all requests refused so far, in the
// order they arrived.
func (g *Guard) URLs() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.urls...)
}

// Calls returns how many requests have been refused so far.
func (g *Guard) Calls() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.urls)
}

// Install replaces http.DefaultTransport and http.DefaultClient.Transport
// with a new Guard and returns it. It does not restore the previous values;
// callers that need them back save and restore them themselves.
func Install() *Guard {
	g := &Guard{}
	http.DefaultTransport = g
	http.DefaultClient.Transport = g
	return g
}

// Main installs a Guard, runs the tests and exits with Run's code. Use it as
//
//	func TestMain(m *testing.M) { fetchtest.Main(m) }
func Main(m *testing.M) { os.Exit(Run(m, Install())) }

// Run runs the tests and returns the exit code: 3 (after printing each URL
// to stderr) if any request reached g, else m.Run's code. Packages that keep
// the Guard to assert on it use it as
//
//	guard = fetchtest.Install(); os.Exit(fetchtest.Run(m, guard))
func Run(m *testing.M, g *Guard) int {
	code := m.Run()
	if urls := g.URLs(); len(urls) > 0 {
		for _, u := range urls {
			fmt.Fprintln(os.Stderr, "test touched the network:", u)
		}
		code = 3
	}
	return code
}
