// Package conformance runs aries-framework-go's own storage test suite
// against package store. See run.sh: the suite's module is not in the
// project's go.mod, so it runs in a throwaway module.
package conformance

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	ariestest "github.com/hyperledger/aries-framework-go/test/component/storage"

	"github.com/skillpass/skillpass/wallet/store"
)

type netGuard struct {
	mu   sync.Mutex
	urls []string
}

func (g *netGuard) RoundTrip(r *http.Request) (*http.Response, error) {
	g.mu.Lock()
	g.urls = append(g.urls, r.URL.String())
	g.mu.Unlock()
	return nil, fmt.Errorf("network access in tests: %s", r.URL)
}

func TestMain(m *testing.M) {
	g := &netGuard{}
	http.DefaultTransport = g
	http.DefaultClient.Transport = g
	code := m.Run()
	if len(g.urls) > 0 {
		fmt.Fprintln(os.Stderr, "test used the network:", g.urls)
		os.Exit(3)
	}
	os.Exit(code)
}

// TestAriesConformance runs every test of the suite, with no skip options
// (sorting, paging and TotalItems included).
func TestAriesConformance(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "wallet.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Unlock(bytes.Repeat([]byte{7}, store.KeySize)); err != nil {
		t.Fatal(err)
	}
	ariestest.TestAll(t, db.Provider())
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}
