package passport

import (
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
)

// noNetwork fails the test binary if anything tries HTTP.
type noNetwork struct{ calls atomic.Int64 }

func (n *noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.calls.Add(1)
	fmt.Fprintf(os.Stderr, "test touched the network: %s\n", r.URL)
	return nil, fmt.Errorf("network forbidden in tests: %s", r.URL)
}

func TestMain(m *testing.M) {
	nn := &noNetwork{}
	http.DefaultTransport = nn
	http.DefaultClient.Transport = nn
	code := m.Run()
	if nn.calls.Load() > 0 {
		fmt.Fprintf(os.Stderr, "%d network calls during tests\n", nn.calls.Load())
		code = 3
	}
	os.Exit(code)
}
