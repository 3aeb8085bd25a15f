package ld_test

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"testing"
)

// denyTransport records every HTTP request and refuses it: nothing in these
// tests may touch the network.
type denyTransport struct {
	mu   sync.Mutex
	urls []string
}

func (d *denyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	d.urls = append(d.urls, r.URL.String())
	d.mu.Unlock()
	return nil, errors.New("network access is forbidden in tests")
}

func TestMain(m *testing.M) {
	deny := &denyTransport{}
	http.DefaultTransport = deny
	http.DefaultClient.Transport = deny
	code := m.Run()
	if len(deny.urls) > 0 {
		fmt.Fprintf(os.Stderr, "tests tried the network: %v\n", deny.urls)
		os.Exit(3)
	}
	os.Exit(code)
}
