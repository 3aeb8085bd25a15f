package store_test

import (
	"crypto/rand"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/store"
)

// value2K returns a ~2 KB credential-sized value.
func value2K(tb testing.TB) []byte {
	tb.Helper()
	v := make([]byte, 2048)
	_, _ = rand.Read(v)
	return v
}

// BenchmarkPut measures one committed (fsynced) Put per operation.
func BenchmarkPut(b *testing.B) {
	db := openDB(b)
	v := value2K(b)
	b.SetBytes(int64(len(v)))
	i := 0
	for b.Loop() {
		if err := db.Put("creds", fmt.Sprint("urn:uuid:", i), v); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkGet measures one Get (HMAC, bbolt lookup, decrypt) of a 2 KB record.
func BenchmarkGet(b *testing.B) {
	db := openDB(b)
	v := value2K(b)
	const n = 1000
	require.NoError(b, db.Update(func(tx *store.Tx) error {
		for i := range n {
			if err := tx.Put("creds", fmt.Sprint("urn:uuid:", i), v); err != nil {
				return err
			}
		}
		return nil
	}))
	b.SetBytes(int64(len(v)))
	i := 0
	for b.Loop() {
		if _, err := db.Get("creds", fmt.Sprint("urn:uuid:", i%n)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkForEach10k measures decrypting and walking 10,000 records of 2 KB.
func BenchmarkForEach10k(b *testing.B) {
	db := openDB(b)
	v := value2K(b)
	const n = 10_000
	require.NoError(b, db.Update(func(tx *store.Tx) error {
		for i := range n {
			if err := tx.Put("creds", fmt.Sprint("urn:uuid:", i), v); err != nil {
				return err
			}
		}
		return nil
	}))
	b.SetBytes(int64(n * len(v)))
	for b.Loop() {
		count := 0
		err := db.ForEach("creds", func(string, []byte) error {
			count++
			return nil
		})
		if err != nil || count != n {
			b.Fatalf("ForEach: %v, %d records", err, count)
		}
	}
}
