package store_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/store"
)

func TestOpenCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new", "wallet")
	path := filepath.Join(dir, "wallet.db")
	db, err := store.Open(path, store.Options{})
	require.NoError(t, err)
	require.Equal(t, path, db.Path())
	require.NoError(t, db.Close())
	require.NoError(t, db.Close(), "second Close")

	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	di, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), di.Mode().Perm())
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	_, err := store.Open(filepath.Join(t.TempDir(), "absent.db"), store.Options{ReadOnly: true})
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestOpenRejectsForeignFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("not a bbolt file ", 1000)), 0o600))
	_, err := store.Open(path, store.Options{})
	require.Error(t, err)
	require.Contains(t, err.Error(), path)
}

func TestLockedOperations(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "wallet.db"), store.Options{})
	require.NoError(t, err)
	defer db.Close()

	type op struct {
		name string
		fn   func() error
	}
	ops := []op{
		{"Put", func() error { return db.Put("b", "k", []byte("v")) }},
		{"Get", func() error { _, err := db.Get("b", "k"); return err }},
		{"ForEach", func() error { return db.ForEach("b", func(string, []byte) error { return nil }) }},
		{"Count", func() error { _, err := db.Count("b"); return err }},
		{"Delete", func() error { return db.Delete("b", "k") }},
		{"DeleteBucket", func() error { return db.DeleteBucket("b") }},
		{"Update", func() error { return db.Update(func(*store.Tx) error { return nil }) }},
		{"View", func() error { return db.View(func(*store.Tx) error { return nil }) }},
		{"OpenStore", func() error { _, err := db.Provider().OpenStore("s"); return err }},
		{"Rekey", func() error { return db.Rekey(key(9), nil) }},
	}
	check := func(want error) {
		for _, o := range ops {
			err := o.fn()
			if want == nil {
				require.NoError(t, err, o.name)
			} else {
				require.ErrorIs(t, err, want, o.name)
			}
		}
	}
	check(store.ErrLocked)

	// The header needs no key.
	require.NoError(t, db.SetHeader([]byte("kdf")))
	_, ok, err := db.Header()
	require.NoError(t, err)
	require.True(t, ok)

	require.NoError(t, db.Unlock(key(1)))
	ops = ops[:len(ops)-1] // Rekey changes the key; TestRekey covers it
	check(nil)

	db.Lock()
	check(store.ErrLocked)

	require.NoError(t, db.Unlock(key(1)))
	require.NoError(t, db.Close())
	_, err = db.Get("b", "k")
	require.ErrorIs(t, err, store.ErrLocked, "after Close")
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestUnlockWrongKey(t *testing.T) {
	db := openDB(t)
	require.NoError(t, db.Put("creds", "c1", []byte("secret")))
	require.NoError(t, db.Close())
	before := fileHash(t, db.Path())

	for _, k := range [][]byte{key(2), key(1)[:31], nil, append(key(1), 0)} {
		db2, err := store.Open(db.Path(), store.Options{})
		require.NoError(t, err)
		err = db2.Unlock(k)
		require.ErrorIs(t, err, store.ErrWrongKey)
		_, err = db2.Get("creds", "c1")
		require.ErrorIs(t, err, store.ErrLocked, "a failed Unlock installs no key")
		require.NoError(t, db2.Close())
		require.Equal(t, before, fileHash(t, db.Path()), "file changed by a failed Unlock")
	}

	db3, err := store.Open(db.Path(), store.Options{})
	require.NoError(t, err)
	defer db3.Close()
	require.NoError(t, db3.Unlock(key(1)))
	v, err := db3.Get("creds", "c1")
	require.NoError(t, err)
	require.Equal(t, "secret", string(v))
	// A wrong key while unlocked keeps the right one installed.
	require.ErrorIs(t, db3.Unlock(key(3)), store.ErrWrongKey)
	_, err = db3.Get("creds", "c1")
	require.NoError(t, err)
}

func TestPutGetDeleteCount(t *testing.T) {
	db := openDB(t)
	tests := []struct {
		name   string
		bucket string
		key    string
		value  []byte
	}{
		{"text", "creds", "urn:uuid:1", []byte("hello")},
		{"binary", "creds", "urn:uuid:2", []byte{0, 0xff, 0x10, 0}},
		{"empty value", "index", "e", []byte{}},
		{"nil value", "index", "n", nil},
		{"empty key", "index", "", []byte("empty key is allowed")},
		{"unicode names", "ブケット", "clé/ü", []byte("ü")},
		{"large value", "blobs", "big", []byte(strings.Repeat("x", 1<<20))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, db.Put(tc.bucket, tc.key, tc.value))
			got, err := db.Get(tc.bucket, tc.key)
			require.NoError(t, err)
			require.Equal(t, len(tc.value), len(got))
			require.Equal(t, string(tc.value), string(got))

			// Overwrite, then delete.
			require.NoError(t, db.Put(tc.bucket, tc.key, []byte("second")))
			got, err = db.Get(tc.bucket, tc.key)
			require.NoError(t, err)
			require.Equal(t, "second", string(got))
			require.NoError(t, db.Delete(tc.bucket, tc.key))
			_, err = db.Get(tc.bucket, tc.key)
			require.ErrorIs(t, err, store.ErrNotFound)
			require.NoError(t, db.Delete(tc.bucket, tc.key), "deleting a missing key")
		})
	}

	_, err := db.Get("no-such-bucket", "k")
	require.ErrorIs(t, err, store.ErrNotFound)
	require.NoError(t, db.Delete("no-such-bucket", "k"))
	n, err := db.Count("no-such-bucket")
	require.NoError(t, err)
	require.Zero(t, n)

	for i := range 5 {
		require.NoError(t, db.Put("counted", fmt.Sprint(i), []byte("v")))
	}
	require.NoError(t, db.Put("counted", "0", []byte("overwrite does not add")))
	n, err = db.Count("counted")
	require.NoError(t, err)
	require.Equal(t, 5, n)

	// Same key in two buckets: two records.
	require.NoError(t, db.Put("a", "k", []byte("in a")))
	require.NoError(t, db.Put("b", "k", []byte("in b")))
	va, err := db.Get("a", "k")
	require.NoError(t, err)
	require.Equal(t, "in a", string(va))

	require.NoError(t, db.DeleteBucket("counted"))
	n, err = db.Count("counted")
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, db.DeleteBucket("counted"), "deleting a missing bucket")

	require.Error(t, db.Put("", "k", []byte("v")), "empty bucket name")
	_, err = db.Get("", "k")
	require.Error(t, err)
}

func TestForEachOrderAndEarlyStop(t *testing.T) {
	db := openDB(t)
	keys := []string{"b", "a", "c10", "c9", "", "Z", "é", "a\x00"}
	for _, k := range keys {
		require.NoError(t, db.Put("bucket", k, []byte("v-"+k)))
	}
	var got []string
	require.NoError(t, db.ForEach("bucket", func(k string, v []byte) error {
		require.Equal(t, "v-"+k, string(v))
		got = append(got, k)
		return nil
	}))
	want := slices.Clone(keys)
	slices.Sort(want)
	require.Equal(t, want, got)

	stop := errors.New("stop")
	calls := 0
	err := db.ForEach("bucket", func(string, []byte) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	require.ErrorIs(t, err, stop)
	require.Equal(t, 3, calls)

	// fn may write to the DB: ForEach calls it after its transaction ends.
	require.NoError(t, db.ForEach("bucket", func(k string, v []byte) error {
		return db.Put("copy", k, v)
	}))
	n, err := db.Count("copy")
	require.NoError(t, err)
	require.Equal(t, len(keys), n)

	// Inside Update, Tx.ForEach lets fn modify the bucket it walks.
	require.NoError(t, db.Update(func(tx *store.Tx) error {
		return tx.ForEach("copy", func(k string, _ []byte) error {
			if k == "" {
				return nil
			}
			return tx.Delete("copy", k)
		})
	}))
	n, err = db.Count("copy")
	require.NoError(t, err)
	require.Equal(t, 1, n)

	require.NoError(t, db.ForEach("missing", func(string, []byte) error {
		return errors.New("called for a missing bucket")
	}))
}

func TestUpdateIsAtomic(t *testing.T) {
	db := openDB(t)
	require.NoError(t, db.Put("creds", "keep", []byte("old")))

	boom := errors.New("boom")
	err := db.Update(func(tx *store.Tx) error {
		require.NoError(t, tx.Put("creds", "new", []byte("x")))
		require.NoError(t, tx.Put("index", "new", []byte("x")))
		require.NoError(t, tx.Delete("creds", "keep"))
		// The transaction sees its own writes.
		v, err := tx.Get("creds", "new")
		require.NoError(t, err)
		require.Equal(t, "x", string(v))
		return boom
	})
	require.ErrorIs(t, err, boom)

	db = reopen(t, db, key(1))
	_, err = db.Get("creds", "new")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = db.Get("index", "new")
	require.ErrorIs(t, err, store.ErrNotFound)
	v, err := db.Get("creds", "keep")
	require.NoError(t, err)
	require.Equal(t, "old", string(v))

	require.NoError(t, db.Update(func(tx *store.Tx) error {
		if err := tx.Put("creds", "a", []byte("1")); err != nil {
			return err
		}
		return tx.Put("index", "a", []byte("2"))
	}))
	db = reopen(t, db, key(1))
	for _, b := range []string{"creds", "index"} {
		_, err := db.Get(b, "a")
		require.NoError(t, err, b)
	}

	// A panic in fn rolls back too.
	require.Panics(t, func() {
		_ = db.Update(func(tx *store.Tx) error {
			_ = tx.Put("creds", "panic", []byte("x"))
			panic("fn panicked")
		})
	})
	_, err = db.Get("creds", "panic")
	require.ErrorIs(t, err, store.ErrNotFound)
}

func TestTxMisuse(t *testing.T) {
	db := openDB(t)
	require.NoError(t, db.Put("b", "k", []byte("v")))
	var leaked *store.Tx
	require.NoError(t, db.View(func(tx *store.Tx) error {
		leaked = tx
		err := tx.Put("b", "k2", []byte("v"))
		require.ErrorIs(t, err, store.ErrReadOnly)
		require.ErrorIs(t, tx.Delete("b", "k"), store.ErrReadOnly)
		require.ErrorIs(t, tx.DeleteBucket("b"), store.ErrReadOnly)
		n, err := tx.Count("b")
		require.NoError(t, err)
		require.Equal(t, 1, n)
		return nil
	}))
	_, err := leaked.Get("b", "k")
	require.Error(t, err, "a Tx used after its function returned")
	require.Error(t, leaked.ForEach("b", func(string, []byte) error { return nil }))
	_, err = leaked.Count("b")
	require.Error(t, err)
}

func TestHeader(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "wallet.db"), store.Options{})
	require.NoError(t, err)
	defer db.Close()

	h, ok, err := db.Header()
	require.NoError(t, err)
	require.False(t, ok)
	require.Nil(t, h)

	require.Error(t, db.SetHeader(nil))
	require.NoError(t, db.SetHeader([]byte(`{"kdf":"argon2id","salt":"AAAA"}`)))
	h, ok, err = db.Header()
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, `{"kdf":"argon2id","salt":"AAAA"}`, string(h))
	h[0] = 'X' // the caller's copy
	require.NoError(t, db.Close())

	db2, err := store.Open(db.Path(), store.Options{ReadOnly: true})
	require.NoError(t, err)
	defer db2.Close()
	h, ok, err = db2.Header()
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, `{"kdf":"argon2id","salt":"AAAA"}`, string(h))
}

func TestReadOnly(t *testing.T) {
	db := openDB(t)
	require.NoError(t, db.Put("creds", "c1", []byte("v1")))
	st, err := db.Provider().OpenStore("aries")
	require.NoError(t, err)
	require.NoError(t, st.Put("k", []byte("v"), storage.Tag{Name: "t"}))
	require.NoError(t, db.Close())

	ro1, err := store.Open(db.Path(), store.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro1.Close()
	// Several read-only openers share the file.
	ro2, err := store.Open(db.Path(), store.Options{ReadOnly: true, LockTimeout: 100 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, ro2.Close())

	require.ErrorIs(t, ro1.Unlock(key(2)), store.ErrWrongKey)
	require.NoError(t, ro1.Unlock(key(1)))
	v, err := ro1.Get("creds", "c1")
	require.NoError(t, err)
	require.Equal(t, "v1", string(v))
	require.ErrorIs(t, ro1.Put("creds", "c2", []byte("v")), store.ErrReadOnly)
	require.ErrorIs(t, ro1.Delete("creds", "c1"), store.ErrReadOnly)
	require.ErrorIs(t, ro1.SetHeader([]byte("h")), store.ErrReadOnly)
	require.ErrorIs(t, ro1.Rekey(key(2), nil), store.ErrReadOnly)

	rst, err := ro1.Provider().OpenStore("ARIES")
	require.NoError(t, err)
	got, err := rst.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", string(got))
	require.ErrorIs(t, rst.Put("k2", []byte("v")), store.ErrReadOnly)
	require.ErrorIs(t, ro1.Provider().SetStoreConfig("aries", storage.StoreConfiguration{}), store.ErrReadOnly)
}

func TestBusyInProcess(t *testing.T) {
	db := openDB(t)
	for _, ro := range []bool{false, true} {
		start := time.Now()
		_, err := store.Open(db.Path(), store.Options{LockTimeout: 200 * time.Millisecond, ReadOnly: ro})
		elapsed := time.Since(start)
		require.ErrorIs(t, err, store.ErrBusy, "read-only=%v", ro)
		require.Contains(t, err.Error(), db.Path())
		require.Contains(t, err.Error(), "skillpass-cli agent")
		require.Less(t, elapsed, 3*time.Second)
	}
	// The first DB is unharmed.
	require.NoError(t, db.Put("b", "k", []byte("v")))
}

func TestBusyOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wallet.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	require.Equal(t, "ready\n", readLine(t, stdout))

	for _, tc := range []struct {
		timeout time.Duration
		ro      bool
	}{{300 * time.Millisecond, false}, {300 * time.Millisecond, true}, {0, false}} {
		start := time.Now()
		_, err := store.Open(path, store.Options{LockTimeout: tc.timeout, ReadOnly: tc.ro})
		elapsed := time.Since(start)
		require.ErrorIs(t, err, store.ErrBusy)
		require.Contains(t, err.Error(), path)
		require.Contains(t, err.Error(), "another Skillpass")
		want := tc.timeout
		if want == 0 {
			want = store.DefaultLockTimeout
		}
		require.Less(t, elapsed, want+2*time.Second, "Open must give up, not hang")
		require.GreaterOrEqual(t, elapsed, want/2, "Open should wait about LockTimeout")
	}

	// Once the other process lets go, Open succeeds.
	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	db, err := store.Open(path, store.Options{LockTimeout: 2 * time.Second})
	require.NoError(t, err)
	require.NoError(t, db.Close())
}

func TestNoPlaintextAtRest(t *testing.T) {
	secrets := []string{
		"BucketNameSecret7f3a",
		"urn:uuid:credential-id-b1c2d3",
		"ValuePayloadSecret9e8d",
		"AriesStoreNameSecret5c4b",
		"AriesKeySecret3a2b",
		"AriesValueSecret1f0e",
		"TagNameSecret6d5c",
		"TagValueSecret4b3a",
		"ConfigTagNameSecret2c1d",
		"DeletedSecret0a9b",
	}
	db := openDB(t)
	require.NoError(t, db.Put(secrets[0], secrets[1], []byte("<"+secrets[2]+">")))
	require.NoError(t, db.Put("creds", secrets[1], []byte(secrets[2])))
	p := db.Provider()
	st, err := p.OpenStore(secrets[3])
	require.NoError(t, err)
	require.NoError(t, p.SetStoreConfig(secrets[3], storage.StoreConfiguration{TagNames: []string{secrets[8]}}))
	require.NoError(t, st.Put(secrets[4], []byte(secrets[5]), storage.Tag{Name: secrets[6], Value: secrets[7]}))
	require.NoError(t, st.Batch([]storage.Operation{{Key: secrets[4] + "2", Value: []byte(secrets[5]),
		Tags: []storage.Tag{{Name: secrets[6], Value: secrets[7]}}}}))
	require.NoError(t, db.Put("tmp", secrets[9], []byte(secrets[9])))
	require.NoError(t, db.Delete("tmp", secrets[9]))
	require.NoError(t, db.Rekey(key(2), []byte("new-header")))
	require.NoError(t, db.Put(secrets[0], secrets[1]+"after-rekey", []byte(secrets[2])))
	require.NoError(t, db.Close())

	raw, err := os.ReadFile(db.Path())
	require.NoError(t, err)
	lower := strings.ToLower(string(raw))
	for _, s := range secrets {
		require.NotContains(t, lower, strings.ToLower(s), "plaintext on disk")
		// Also no long fragment of it.
		require.NotContains(t, lower, strings.ToLower(s[:10]), "plaintext fragment on disk")
	}
	require.Contains(t, string(raw), "new-header", "the header is the one plaintext record")
}

func TestRekey(t *testing.T) {
	db := openDB(t)
	require.NoError(t, db.SetHeader([]byte("old-kdf")))
	for i := range 50 {
		require.NoError(t, db.Put("creds", fmt.Sprint("c", i), []byte(fmt.Sprint("value", i))))
	}
	require.NoError(t, db.Put("index", "x", []byte("y")))
	p := db.Provider()
	st, err := p.OpenStore("Connections")
	require.NoError(t, err)
	require.NoError(t, p.SetStoreConfig("connections", storage.StoreConfiguration{TagNames: []string{"conn"}}))
	require.NoError(t, st.Put("k1", []byte("v1"), storage.Tag{Name: "conn", Value: "abc"}))

	require.Error(t, db.Rekey(key(2)[:16], nil), "short key")
	require.NoError(t, db.Rekey(key(2), []byte("new-kdf")))
	check := func(db *store.DB) {
		t.Helper()
		n, err := db.Count("creds")
		require.NoError(t, err)
		require.Equal(t, 50, n)
		v, err := db.Get("creds", "c17")
		require.NoError(t, err)
		require.Equal(t, "value17", string(v))
		st, err := db.Provider().OpenStore("connections")
		require.NoError(t, err)
		tags, err := st.GetTags("k1")
		require.NoError(t, err)
		require.Equal(t, []storage.Tag{{Name: "conn", Value: "abc"}}, tags)
		cfg, err := db.Provider().GetStoreConfig("CONNECTIONS")
		require.NoError(t, err)
		require.Equal(t, []string{"conn"}, cfg.TagNames)
		h, _, err := db.Header()
		require.NoError(t, err)
		require.Equal(t, "new-kdf", string(h))
		require.NoError(t, db.Check())
	}
	check(db) // now unlocked with the new key

	require.NoError(t, db.Close())
	db2, err := store.Open(db.Path(), store.Options{})
	require.NoError(t, err)
	defer db2.Close()
	require.ErrorIs(t, db2.Unlock(key(1)), store.ErrWrongKey)
	require.NoError(t, db2.Unlock(key(2)))
	check(db2)

	// Rekey to the same key only replaces the header.
	require.NoError(t, db2.Rekey(key(2), nil))
	check(db2)
}

func TestCheck(t *testing.T) {
	db := openDB(t)
	for i := range 200 {
		require.NoError(t, db.Put("b", fmt.Sprint(i), make([]byte, 3000)))
	}
	require.NoError(t, db.Check())
	db.Lock()
	require.NoError(t, db.Check(), "Check needs no key")
}

func TestConcurrentUseAndLock(t *testing.T) {
	db := openDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				k := fmt.Sprint(g, "-", i)
				if err := db.Put("c", k, []byte(k)); err != nil && !errors.Is(err, store.ErrLocked) {
					errs <- err
				}
				if v, err := db.Get("c", k); err == nil && string(v) != k {
					errs <- fmt.Errorf("got %q for %q", v, k)
				} else if err != nil && !errors.Is(err, store.ErrLocked) && !errors.Is(err, store.ErrNotFound) {
					errs <- err
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			db.Lock()
			time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
			if err := db.Unlock(key(1)); err != nil {
				errs <- err
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	// Every record written is readable with the key (none was sealed with a
	// wiped key).
	require.NoError(t, db.ForEach("c", func(k string, v []byte) error {
		if k != string(v) {
			return fmt.Errorf("record %q holds %q", k, v)
		}
		return nil
	}))
}
