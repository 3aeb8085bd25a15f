package store_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hyperledger/aries-framework-go/spi/storage"

	"github.com/skillpass/skillpass/wallet/store"
)

func Example() {
	dir, _ := os.MkdirTemp("", "skillpass-store-example")
	defer os.RemoveAll(dir)

	db, err := store.Open(filepath.Join(dir, "wallet.db"), store.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	// The KDF parameters go into the plaintext header; the key derived from
	// the passphrase unlocks the sealed records.
	_ = db.SetHeader([]byte(`{"kdf":"argon2id"}`))
	if err := db.Unlock(bytes.Repeat([]byte{1}, store.KeySize)); err != nil {
		fmt.Println(err)
		return
	}
	_ = db.Put("credentials", "urn:uuid:2", []byte("second"))
	_ = db.Put("credentials", "urn:uuid:1", []byte("first"))
	_ = db.ForEach("credentials", func(k string, v []byte) error {
		fmt.Println(k, string(v))
		return nil
	})

	// The same file serves aries.
	st, _ := db.Provider().OpenStore("connections")
	_ = st.Put("conn-1", []byte("{}"), storage.Tag{Name: "state", Value: "completed"})
	it, _ := st.Query("state:completed")
	for ok, _ := it.Next(); ok; ok, _ = it.Next() {
		k, _ := it.Key()
		fmt.Println("aries:", k)
	}
	_ = it.Close()
	// Output:
	// urn:uuid:1 first
	// urn:uuid:2 second
	// aries: conn-1
}
