package store_test

import (
	"bytes"
	"path/filepath"
	"testing"

	ariestest "github.com/hyperledger/aries-framework-go/test/component/storage"

	"github.com/skillpass/skillpass/wallet/store"
)

// TestAriesConformance runs aries-framework-go's own storage test suite
// against our provider, every test with no skip options (sorting, paging and
// TotalItems included), then bbolt's consistency check.
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
