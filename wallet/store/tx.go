package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	bolt "go.etcd.io/bbolt"
)

// Name spaces of logical buckets (see the package doc).
const (
	walletPrefix = "w:"
	ariesPrefix  = "a:"
	systemPrefix = "s:"

	dirBucket    = systemPrefix + "dir"
	configBucket = systemPrefix + "ariescfg"
)

var (
	errEmptyBucket = errors.New("empty bucket name")
	errTxDone      = errors.New("transaction has ended")
)

// walletName returns the logical name of the wallet bucket b.
func walletName(b string) string { return walletPrefix + b }

// displayName names a logical bucket for error messages.
func displayName(internal string) string {
	switch {
	case strings.HasPrefix(internal, walletPrefix):
		return strconv.Quote(strings.TrimPrefix(internal, walletPrefix))
	case strings.HasPrefix(internal, ariesPrefix):
		return "aries store " + strconv.Quote(strings.TrimPrefix(internal, ariesPrefix))
	default:
		return "internal " + strconv.Quote(internal)
	}
}

// idSlice returns a fresh slice holding i (bbolt keeps the slices it is
// given until the transaction ends, so they must not be reused).
func idSlice(i id) []byte { return i[:] }

// item is one decrypted record.
type item struct {
	key   string
	tags  []storage.Tag
	value []byte
}

// Tx is a transaction started by DB.Update or DB.View. Its methods mean the
// same as the DB methods of the same name; a Tx must not be used after the
// function it was passed to returns, nor from several goroutines.
type Tx struct {
	btx  *bolt.Tx
	c    *cryptor
	done bool
}

// Update runs fn in one read-write transaction: all of fn's Puts and Deletes
// commit together, or none does if fn returns an error (which Update then
// returns as is) or panics. Inside fn use only tx: calling the DB's own
// write methods from fn deadlocks.
func (db *DB) Update(fn func(tx *Tx) error) error {
	if db.readOnly {
		return fmt.Errorf("update: %w", ErrReadOnly)
	}
	return db.run(true, fn)
}

// View runs fn in one read-only transaction, a consistent snapshot of the
// store. Writes through tx return ErrReadOnly.
func (db *DB) View(fn func(tx *Tx) error) error {
	return db.run(false, fn)
}

// run starts a transaction with a private copy of the key.
func (db *DB) run(writable bool, fn func(tx *Tx) error) error {
	c, err := db.cryptor()
	if err != nil {
		if writable {
			return fmt.Errorf("update: %w", err)
		}
		return fmt.Errorf("view: %w", err)
	}
	defer c.wipe()
	body := func(btx *bolt.Tx) error {
		tx := &Tx{btx: btx, c: c}
		defer func() { tx.done = true }()
		return fn(tx)
	}
	if writable {
		return db.bolt.Update(body)
	}
	return db.bolt.View(body)
}

// Put stores value under key in bucket, creating the bucket if needed and
// replacing any previous value. bucket must not be empty; key may be.
func (db *DB) Put(bucket, key string, value []byte) error {
	return db.Update(func(tx *Tx) error { return tx.Put(bucket, key, value) })
}

// Get returns the value stored under key in bucket, or ErrNotFound.
func (db *DB) Get(bucket, key string) ([]byte, error) {
	var v []byte
	err := db.View(func(tx *Tx) error {
		var err error
		v, err = tx.Get(bucket, key)
		return err
	})
	return v, err
}

// Delete removes key from bucket. A missing key or bucket is not an error.
func (db *DB) Delete(bucket, key string) error {
	return db.Update(func(tx *Tx) error { return tx.Delete(bucket, key) })
}

// DeleteBucket removes bucket and all its records. A missing bucket is not
// an error.
func (db *DB) DeleteBucket(bucket string) error {
	return db.Update(func(tx *Tx) error { return tx.DeleteBucket(bucket) })
}

// ForEach calls fn for every record of bucket in ascending byte order of the
// plaintext keys, stopping at (and returning) the first error fn returns.
// It decrypts the whole bucket in one read transaction first and calls fn
// after that transaction has ended, so fn sees a consistent snapshot and may
// call other DB methods. A missing bucket has no records.
func (db *DB) ForEach(bucket string, fn func(key string, value []byte) error) error {
	var items []item
	err := db.View(func(tx *Tx) error {
		var err error
		items, err = tx.items(bucket)
		return err
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := fn(it.key, it.value); err != nil {
			return err
		}
	}
	return nil
}

// Count returns the number of records in bucket (0 for a missing bucket)
// without decrypting them.
func (db *DB) Count(bucket string) (int, error) {
	var n int
	err := db.View(func(tx *Tx) error {
		var err error
		n, err = tx.Count(bucket)
		return err
	})
	return n, err
}

// check returns an error if the transaction has ended or, for writes, is
// read-only.
func (tx *Tx) check(write bool) error {
	if tx.done {
		return errTxDone
	}
	if write && !tx.btx.Writable() {
		return ErrReadOnly
	}
	return nil
}

// Put is DB.Put inside the transaction.
func (tx *Tx) Put(bucket, key string, value []byte) error {
	if bucket == "" {
		return fmt.Errorf("put: %w", errEmptyBucket)
	}
	if err := tx.putRecord(walletName(bucket), key, nil, value); err != nil {
		return fmt.Errorf("put in %q: %w", bucket, err)
	}
	return nil
}

// Get is DB.Get inside the transaction.
func (tx *Tx) Get(bucket, key string) ([]byte, error) {
	if bucket == "" {
		return nil, fmt.Errorf("get: %w", errEmptyBucket)
	}
	it, err := tx.getRecord(walletName(bucket), key)
	if err != nil {
		return nil, fmt.Errorf("get from %q: %w", bucket, err)
	}
	return it.value, nil
}

// Delete is DB.Delete inside the transaction.
func (tx *Tx) Delete(bucket, key string) error {
	if bucket == "" {
		return fmt.Errorf("delete: %w", errEmptyBucket)
	}
	if err := tx.deleteRecord(walletName(bucket), key); err != nil {
		return fmt.Errorf("delete from %q: %w", bucket, err)
	}
	return nil
}

// DeleteBucket is DB.DeleteBucket inside the transaction.
func (tx *Tx) DeleteBucket(bucket string) error {
	if bucket == "" {
		return fmt.Errorf("delete bucket: %w", errEmptyBucket)
	}
	if err := tx.deleteBucket(walletName(bucket)); err != nil {
		return fmt.Errorf("delete bucket %q: %w", bucket, err)
	}
	return nil
}

// ForEach is DB.ForEach inside the transaction, except that fn runs inside
// it. The bucket is decrypted before the first call, so fn may Put into or
// Delete from the bucket it is iterating (in an Update transaction).
func (tx *Tx) ForEach(bucket string, fn func(key string, value []byte) error) error {
	items, err := tx.items(bucket)
	if err != nil {
		return err
	}
	for _, it := range items {
		if err := fn(it.key, it.value); err != nil {
			return err
		}
	}
	return nil
}

// items decrypts the wallet bucket for ForEach.
func (tx *Tx) items(bucket string) ([]item, error) {
	if bucket == "" {
		return nil, fmt.Errorf("for each: %w", errEmptyBucket)
	}
	items, err := tx.allRecords(walletName(bucket))
	if err != nil {
		return nil, fmt.Errorf("for each in %q: %w", bucket, err)
	}
	return items, nil
}

// Count is DB.Count inside the transaction.
func (tx *Tx) Count(bucket string) (int, error) {
	if bucket == "" {
		return 0, fmt.Errorf("count: %w", errEmptyBucket)
	}
	if err := tx.check(false); err != nil {
		return 0, fmt.Errorf("count %q: %w", bucket, err)
	}
	b := tx.btx.Bucket(idSlice(tx.c.bucketID(walletName(bucket))))
	if b == nil {
		return 0, nil
	}
	n := 0
	cur := b.Cursor()
	for k, _ := cur.First(); k != nil; k, _ = cur.Next() {
		n++
	}
	return n, nil
}

// tampered builds the error for a record of internal that failed to open.
func tampered(internal string, cause error) error {
	if errors.Is(cause, errMalformed) {
		return fmt.Errorf("bucket %s: %w: %w", displayName(internal), ErrTampered, cause)
	}
	return fmt.Errorf("bucket %s: %w", displayName(internal), ErrTampered)
}

// ensureBucket returns the bbolt bucket of internal, creating it and listing
// it in the bucket directory if needed.
func (tx *Tx) ensureBucket(internal string) (*bolt.Bucket, id, error) {
	bid := tx.c.bucketID(internal)
	if b := tx.btx.Bucket(bid[:]); b != nil {
		return b, bid, nil
	}
	b, err := tx.btx.CreateBucket(idSlice(bid))
	if err != nil {
		return nil, bid, err
	}
	if internal != dirBucket {
		if err := tx.putRecord(dirBucket, internal, nil, []byte{}); err != nil {
			return nil, bid, err
		}
	}
	return b, bid, nil
}

// putRecord seals and stores one record.
func (tx *Tx) putRecord(internal, key string, tags []storage.Tag, value []byte) error {
	if err := tx.check(true); err != nil {
		return err
	}
	b, bid, err := tx.ensureBucket(internal)
	if err != nil {
		return err
	}
	rid := idSlice(tx.c.recordID(internal, key))
	return b.Put(rid, tx.c.seal(encodeRecord(key, tags, value), recordAD(bid[:], rid)))
}

// getRecord opens one record, or returns ErrNotFound.
func (tx *Tx) getRecord(internal, key string) (item, error) {
	if err := tx.check(false); err != nil {
		return item{}, err
	}
	bid := tx.c.bucketID(internal)
	b := tx.btx.Bucket(bid[:])
	if b == nil {
		return item{}, ErrNotFound
	}
	rid := tx.c.recordID(internal, key)
	v := b.Get(rid[:])
	if v == nil {
		return item{}, ErrNotFound
	}
	return tx.c.openRecord(internal, bid[:], rid[:], v, key)
}

// hasRecord reports whether key exists in internal.
func (tx *Tx) hasRecord(internal, key string) bool {
	b := tx.btx.Bucket(idSlice(tx.c.bucketID(internal)))
	if b == nil {
		return false
	}
	return b.Get(idSlice(tx.c.recordID(internal, key))) != nil
}

// openRecord decrypts and parses a sealed value found at (bid, rid). If want
// is not nil it must match the plaintext key.
func (c *cryptor) openRecord(internal string, bid, rid, sealed []byte, want ...string) (item, error) {
	if len(rid) != idSize {
		return item{}, tampered(internal, errMalformed)
	}
	pt, err := c.open(sealed, recordAD(bid, rid))
	if err != nil {
		return item{}, tampered(internal, err)
	}
	key, tags, value, err := decodeRecord(pt)
	if err != nil {
		return item{}, tampered(internal, err)
	}
	if len(want) > 0 && key != want[0] {
		return item{}, tampered(internal, errMalformed)
	}
	return item{key: key, tags: tags, value: value}, nil
}

// deleteRecord removes one record; a missing one is not an error.
func (tx *Tx) deleteRecord(internal, key string) error {
	if err := tx.check(true); err != nil {
		return err
	}
	b := tx.btx.Bucket(idSlice(tx.c.bucketID(internal)))
	if b == nil {
		return nil
	}
	return b.Delete(idSlice(tx.c.recordID(internal, key)))
}

// deleteBucket removes a logical bucket and its directory entry.
func (tx *Tx) deleteBucket(internal string) error {
	if err := tx.check(true); err != nil {
		return err
	}
	bid := idSlice(tx.c.bucketID(internal))
	if tx.btx.Bucket(bid) == nil {
		return nil
	}
	if err := tx.btx.DeleteBucket(bid); err != nil {
		return err
	}
	return tx.deleteRecord(dirBucket, internal)
}

// allRecords decrypts every record of internal, sorted by plaintext key.
func (tx *Tx) allRecords(internal string) ([]item, error) {
	if err := tx.check(false); err != nil {
		return nil, err
	}
	b := tx.btx.Bucket(idSlice(tx.c.bucketID(internal)))
	if b == nil {
		return nil, nil
	}
	return collect(b, tx.c, internal)
}

// collect decrypts every record of b (the bucket of internal), sorted by
// plaintext key.
func collect(b *bolt.Bucket, c *cryptor, internal string) ([]item, error) {
	bid := c.bucketID(internal)
	var items []item
	cur := b.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		it, err := c.openRecord(internal, bid[:], k, v)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b item) int { return cmp.Compare(a.key, b.key) })
	return items, nil
}
