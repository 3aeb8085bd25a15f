// Package store is Skillpass' encrypted embedded store: one bbolt file that
// holds everything the wallet keeps, and that also serves
// aries-framework-go as its spi/storage provider (see DB.Provider).
//
// # Keys
//
// The caller derives a 32-byte key (from the passphrase; the KDF parameters
// live in the plaintext header) and passes it to DB.Unlock. Two sub-keys are
// derived from it with HKDF-SHA256 (salt "skillpass/store/v1"):
//
//   - the sealing key (info "seal"): XChaCha20-Poly1305 for every value;
//   - the naming key (info "names"): HMAC-SHA256 for every bucket and record
//     name written to disk.
//
// A sealed check value lets Unlock tell a wrong key (ErrWrongKey) from a
// tampered record (ErrTampered).
//
// # On-disk format (format version 1)
//
// The bbolt file has these top-level buckets:
//
//	"meta"            plaintext bucket, fixed keys:
//	   "format"       one byte, the format version (1)
//	   "header"       the caller's plaintext header (wallet KDF params)
//	   "check"        sealed constant, written by the first Unlock
//	HMAC(bucket)      one bucket per logical bucket, 32-byte name
//
// The only plaintext is bbolt's own structure, the names "meta", "format",
// "header" and "check", the format byte and the header. Logical buckets live
// in three name spaces that cannot collide: "w:NAME" for the wallet's buckets
// (DB.Put and friends), "a:NAME" for aries stores (NAME lower-cased, as store
// names are case-insensitive) and "s:NAME" for the store's own bookkeeping
// ("s:dir", the sealed list of logical buckets, used by Rekey; "s:ariescfg",
// the aries store configurations). On disk:
//
//	bucket name = HMAC-SHA256(nameKey, "bucket\x00" || space:NAME)
//	record key  = HMAC-SHA256(nameKey, "record\x00" || uvarint(len(space:NAME)) || space:NAME || key)
//	record value = version(1) || nonce(24) || XChaCha20-Poly1305(plaintext, ad)
//	ad           = "skillpass/store\x00" || version(1) || bucket name(32) || record key(32)
//	plaintext    = uvarint(len(key)) || key || uvarint(#tags) ||
//	               { uvarint(len(name)) || name || uvarint(len(value)) || value } || value
//
// Because the associated data binds each sealed value to the hashed bucket
// and record key it is stored under, an edited value, a value moved to
// another key or bucket, or two swapped values fail to open: ErrTampered,
// naming the bucket. The plaintext key kept inside the value is what ForEach
// and aries queries return. What sealing cannot detect: a record deleted, or
// replaced by an older version of itself (or the whole file rolled back).
//
// # Order and cost
//
// ForEach decrypts every record of the bucket, sorts by plaintext key (byte
// order) and then calls fn. Aries tags are kept inside the sealed value, so
// Store.Query decrypts and filters every record of the store; aries' stores
// are small, and the wallet's own large buckets are not aries stores.
//
// # Concurrency
//
// A DB is safe for concurrent use. bbolt holds an exclusive lock on the file
// (a shared one with Options.ReadOnly), so a second opener, in this process
// or another, gets ErrBusy after Options.LockTimeout. Transactions take a
// copy of the key when they begin: Lock stops new sealed operations at once
// and running ones finish with their copy. Commits are fsynced (bbolt's
// NoSync is never set).
package store
