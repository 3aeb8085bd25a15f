package benchrun

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
)

// netGuard records every request that reaches the default HTTP transport, so
// that a test touching the network fails the test binary.
type netGuard struct {
	mu   sync.Mutex
	urls []string
}

func (g *netGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.urls = append(g.urls, req.URL.String())
	g.mu.Unlock()
	return nil, fmt.Errorf("test guard: network access to %s is forbidden in tests", req.URL)
}

var guard = &netGuard{}

func TestMain(m *testing.M) {
	http.DefaultTransport = guard
	http.DefaultClient.Transport = guard
	code := m.Run()
	guard.mu.Lock()
	defer guard.mu.Unlock()
	if len(guard.urls) > 0 {
		for _, u := range guard.urls {
			fmt.Fprintf(os.Stderr, "test touched the network: %s\n", u)
		}
		os.Exit(3)
	}
	os.Exit(code)
}
