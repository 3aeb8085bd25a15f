package store_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/wallet/store"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

// helperEnv names the store file the helper process holds open.
const helperEnv = "SKILLPASS_STORE_TEST_HELPER_DB"

// TestHelperProcess is not a test: run as a child process with helperEnv
// set, it opens the store, prints "ready" and holds the file until its stdin
// closes.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = db.Close()
}

// key returns a deterministic 32-byte test key.
func key(b byte) []byte { return bytes.Repeat([]byte{b}, store.KeySize) }

// openDB opens a fresh store in a temporary directory and unlocks it.
func openDB(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "wallet.db"), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Unlock(key(1)))
	return db
}

// reopen closes db and opens its file again, unlocked with k.
func reopen(t testing.TB, db *store.DB, k []byte) *store.DB {
	t.Helper()
	require.NoError(t, db.Close())
	db2, err := store.Open(db.Path(), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db2.Close() })
	require.NoError(t, db2.Unlock(k))
	return db2
}

// readLine reads one line from r or fails after the test deadline.
func readLine(t *testing.T, r io.Reader) string {
	t.Helper()
	line, err := bufio.NewReader(r).ReadString('\n')
	require.NoError(t, err)
	return line
}
