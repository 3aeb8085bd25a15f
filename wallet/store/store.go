package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	// ErrLocked is returned by sealed operations while the store has no key:
	// before Unlock, after Lock, and after Close.
	ErrLocked = errors.New("store is locked")
	// ErrWrongKey is returned by Unlock when the key does not open the store.
	ErrWrongKey = errors.New("wrong key")
	// ErrNotFound is returned by Get when the bucket or key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrBusy is returned by Open when another process (or another Open in
	// this one) holds the file for longer than Options.LockTimeout.
	ErrBusy = errors.New("store is busy")
	// ErrTampered is returned when a sealed value fails authentication: it was
	// edited, swapped with another or moved to another key or bucket.
	ErrTampered = errors.New("record failed authentication (tampered)")
	// ErrReadOnly is returned by writes to a store opened with Options.ReadOnly
	// and by writes in a View transaction.
	ErrReadOnly = errors.New("store is read-only")
)

// DefaultLockTimeout is how long Open waits for the file lock when
// Options.LockTimeout is zero.
const DefaultLockTimeout = time.Second

// metaBucket holds the plaintext header, the format byte and the sealed
// check value; it is the only top-level bucket whose name is not an HMAC.
var (
	metaBucket = []byte("meta")
	metaFormat = []byte("format")
	metaHeader = []byte("header")
	metaCheck  = []byte("check")
)

// Options configures Open.
type Options struct {
	// LockTimeout is how long Open waits for the file lock before it returns
	// ErrBusy. Zero or negative means DefaultLockTimeout.
	LockTimeout time.Duration
	// ReadOnly opens the file read-only with a shared lock: several read-only
	// openers may coexist, but none alongside a writer. The file must exist.
	ReadOnly bool
}

// DB is an open store file. It is safe for concurrent use.
type DB struct {
	path     string
	bolt     *bolt.DB
	readOnly bool
	closed   atomic.Bool

	mu     sync.Mutex // guards master
	master *keys      // nil while locked

	provOnce sync.Once
	prov     *provider
}

// Open opens the store file at path, creating it (mode 0600, and its parent
// directory with mode 0700) if absent unless opts.ReadOnly is set. The store
// starts locked: sealed operations return ErrLocked until Unlock. If another
// Skillpass process holds the file, Open returns ErrBusy after
// opts.LockTimeout.
func Open(path string, opts Options) (*DB, error) {
	timeout := opts.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open store: %w", err)
		}
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w: another Skillpass (the app or `skillpass-cli agent`) has it open",
			path, ErrBusy)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db := &DB{path: path, bolt: bdb, readOnly: opts.ReadOnly}
	if err := db.initMeta(); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
}

// initMeta checks the format of an existing file and initialises a new one.
// It writes only when the meta bucket is missing, so opening an existing
// store leaves the file untouched.
func (db *DB) initMeta() error {
	var present bool
	err := db.bolt.View(func(btx *bolt.Tx) error {
		m := btx.Bucket(metaBucket)
		if m == nil {
			return nil
		}
		present = true
		return checkFormat(m)
	})
	if err != nil || present || db.readOnly {
		return err
	}
	return db.bolt.Update(func(btx *bolt.Tx) error {
		m, err := btx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		if m.Get(metaFormat) != nil {
			return checkFormat(m)
		}
		return m.Put(metaFormat, []byte{formatVersion})
	})
}

// checkFormat returns an error unless the meta bucket says format 1.
func checkFormat(m *bolt.Bucket) error {
	f := m.Get(metaFormat)
	if f == nil {
		return nil
	}
	if !bytes.Equal(f, []byte{formatVersion}) {
		return fmt.Errorf("unsupported store format %x (this Skillpass reads format %d)", f, formatVersion)
	}
	return nil
}

// Path returns the path of the store file.
func (db *DB) Path() string { return db.path }

// Close forgets the key and closes the file. It waits for running
// transactions. Calling Close again returns nil.
func (db *DB) Close() error {
	db.Lock()
	if db.closed.Swap(true) {
		return nil
	}
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Header returns a copy of the plaintext header record, or ok=false if none
// was set. It works while the store is locked.
func (db *DB) Header() ([]byte, bool, error) {
	var h []byte
	err := db.bolt.View(func(btx *bolt.Tx) error {
		if m := btx.Bucket(metaBucket); m != nil {
			if v := m.Get(metaHeader); v != nil {
				h = bytes.Clone(v)
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("read header: %w", err)
	}
	return h, h != nil, nil
}

// SetHeader replaces the plaintext header record. It works while the store is
// locked. h must not be empty.
func (db *DB) SetHeader(h []byte) error {
	if len(h) == 0 {
		return errors.New("set header: empty header")
	}
	if db.readOnly {
		return fmt.Errorf("set header: %w", ErrReadOnly)
	}
	err := db.bolt.Update(func(btx *bolt.Tx) error {
		m, err := btx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		return m.Put(metaHeader, bytes.Clone(h))
	})
	if err != nil {
		return fmt.Errorf("set header: %w", err)
	}
	return nil
}

// Unlock installs the 32-byte key. On a store that has never been unlocked
// it records a sealed check value (not on a read-only store, where the key is
// then taken as given). Otherwise it verifies the key against the check value
// and returns ErrWrongKey, changing nothing, if it does not match. A key of
// the wrong length is ErrWrongKey too. Unlock copies key; the caller may
// zero its slice afterwards.
func (db *DB) Unlock(key []byte) error {
	k, err := deriveKeys(key)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	c, err := newCryptor(k)
	if err != nil {
		k.wipe()
		return fmt.Errorf("unlock: %w", err)
	}
	defer c.wipe()
	var found bool
	err = db.bolt.View(func(btx *bolt.Tx) error {
		var err error
		found, err = verifyCheck(btx, c)
		return err
	})
	if err == nil && !found && !db.readOnly {
		err = db.bolt.Update(func(btx *bolt.Tx) error {
			found, err := verifyCheck(btx, c)
			if err != nil || found {
				return err
			}
			m, err := btx.CreateBucketIfNotExists(metaBucket)
			if err != nil {
				return err
			}
			return m.Put(metaCheck, c.seal([]byte(checkValue), []byte(checkAD)))
		})
	}
	if err != nil {
		k.wipe()
		return fmt.Errorf("unlock: %w", err)
	}
	db.install(k)
	return nil
}

// verifyCheck opens the check value with c. It reports found=false if there
// is none, and ErrWrongKey if c does not open it.
func verifyCheck(btx *bolt.Tx, c *cryptor) (bool, error) {
	m := btx.Bucket(metaBucket)
	if m == nil {
		return false, nil
	}
	v := m.Get(metaCheck)
	if v == nil {
		return false, nil
	}
	pt, err := c.open(v, []byte(checkAD))
	if err != nil || string(pt) != checkValue {
		return true, ErrWrongKey
	}
	return true, nil
}

// install makes k the store's key, wiping the previous one.
func (db *DB) install(k *keys) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.master != nil {
		db.master.wipe()
	}
	db.master = k
}

// Lock forgets the key (zeroing the store's copy); sealed operations then
// return ErrLocked. Transactions already running finish with their own copy,
// which they zero when they end. Go cannot promise that no other copy of
// the key survives in memory (the cipher keeps an internal one until it is
// garbage collected).
func (db *DB) Lock() {
	db.install(nil)
}

// unlocked reports whether the store has a key.
func (db *DB) unlocked() bool {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.master != nil && !db.closed.Load()
}

// cryptor returns a cryptor with a private copy of the key, or ErrLocked.
func (db *DB) cryptor() (*cryptor, error) {
	if db.closed.Load() {
		return nil, ErrLocked
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.master == nil {
		return nil, ErrLocked
	}
	return newCryptor(db.master)
}

// Rekey re-seals every record under newKey and, when header is not nil,
// replaces the header, all in one transaction: on failure nothing changes.
// On success the store is unlocked with newKey. Use it to change the
// passphrase (the new KDF parameters go into header). The store must be
// unlocked and writable.
func (db *DB) Rekey(newKey []byte, header []byte) error {
	if db.readOnly {
		return fmt.Errorf("rekey: %w", ErrReadOnly)
	}
	if header != nil && len(header) == 0 {
		return errors.New("rekey: empty header")
	}
	oldC, err := db.cryptor()
	if err != nil {
		return fmt.Errorf("rekey: %w", err)
	}
	defer oldC.wipe()
	nk, err := deriveKeys(newKey)
	if err != nil {
		return fmt.Errorf("rekey: %w", err)
	}
	newC, err := newCryptor(nk)
	if err != nil {
		nk.wipe()
		return fmt.Errorf("rekey: %w", err)
	}
	defer newC.wipe()
	same := oldC.k.equal(nk)
	err = db.bolt.Update(func(btx *bolt.Tx) error {
		if !same {
			if err := reseal(btx, oldC, newC); err != nil {
				return err
			}
		}
		m, err := btx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		if header != nil {
			if err := m.Put(metaHeader, bytes.Clone(header)); err != nil {
				return err
			}
		}
		return m.Put(metaCheck, newC.seal([]byte(checkValue), []byte(checkAD)))
	})
	if err != nil {
		nk.wipe()
		return fmt.Errorf("rekey: %w", err)
	}
	db.install(nk)
	return nil
}

// reseal moves every logical bucket from oldC's names and key to newC's.
// It refuses to run if the file holds a top-level bucket it cannot account
// for, since that bucket would become unreadable.
func reseal(btx *bolt.Tx, oldC, newC *cryptor) error {
	names := []string{dirBucket}
	if dir := btx.Bucket(idSlice(oldC.bucketID(dirBucket))); dir != nil {
		items, err := collect(dir, oldC, dirBucket)
		if err != nil {
			return err
		}
		for _, it := range items {
			names = append(names, it.key)
		}
	}
	known := map[id]bool{}
	for _, n := range names {
		known[oldC.bucketID(n)] = true
	}
	err := btx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if bytes.Equal(name, metaBucket) {
			return nil
		}
		if len(name) != idSize || !known[id(name)] {
			return fmt.Errorf("unknown bucket %x in the file; refusing to rekey", name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, n := range names {
		oldID := oldC.bucketID(n)
		ob := btx.Bucket(oldID[:])
		if ob == nil {
			continue
		}
		newID := newC.bucketID(n)
		nb, err := btx.CreateBucket(idSlice(newID))
		if err != nil {
			return fmt.Errorf("bucket %s: %w", displayName(n), err)
		}
		err = ob.ForEach(func(k, v []byte) error {
			pt, err := oldC.open(v, recordAD(oldID[:], k))
			if err != nil {
				return tampered(n, err)
			}
			key, _, err := decodeKey(pt)
			if err != nil {
				return tampered(n, err)
			}
			rid := idSlice(newC.recordID(n, key))
			return nb.Put(rid, newC.seal(pt, recordAD(newID[:], rid)))
		})
		if err != nil {
			return err
		}
		if err := btx.DeleteBucket(oldID[:]); err != nil {
			return fmt.Errorf("bucket %s: %w", displayName(n), err)
		}
	}
	return nil
}

// Check runs bbolt's consistency check over the whole file and returns the
// first problem it reports, or nil. It does not need the key.
func (db *DB) Check() error {
	var first error
	err := db.bolt.View(func(btx *bolt.Tx) error {
		// Drain the channel: the checker goroutine uses btx until it closes.
		for err := range btx.Check() {
			if first == nil {
				first = err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	if first != nil {
		return fmt.Errorf("check store: %w", first)
	}
	return nil
}

// Provider returns the aries-framework-go storage provider backed by this
// DB. Every call returns the same provider. Its stores live in their own
// name space, so they never collide with the wallet's buckets; store names
// are case-insensitive. The store must be unlocked for its operations.
// Closing the provider does not close the DB.
func (db *DB) Provider() storage.Provider {
	db.provOnce.Do(func() {
		db.prov = &provider{db: db, open: map[string]*ariesStore{}}
	})
	return db.prov
}
