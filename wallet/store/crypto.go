package store

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	"golang.org/x/crypto/chacha20poly1305"
)

// KeySize is the length in bytes of the key Unlock and Rekey take.
const KeySize = 32

const (
	// formatVersion is the version byte of sealed values and of the file.
	formatVersion = 1

	idSize    = sha256.Size
	nonceSize = chacha20poly1305.NonceSizeX
	overhead  = 1 + nonceSize + chacha20poly1305.Overhead

	hkdfSalt   = "skillpass/store/v1"
	adPrefix   = "skillpass/store\x00"
	checkAD    = "skillpass/store/check\x00"
	checkValue = "skillpass store key check v1"
)

// id is an on-disk name: the HMAC of a logical bucket or record name.
type id [idSize]byte

// keys holds the two sub-keys derived from the caller's 32-byte key.
type keys struct {
	seal [chacha20poly1305.KeySize]byte
	name [idSize]byte
}

// deriveKeys derives the sealing and naming sub-keys from master.
func deriveKeys(master []byte) (*keys, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("key is %d bytes, want %d: %w", len(master), KeySize, ErrWrongKey)
	}
	k := new(keys)
	for _, d := range []struct {
		info string
		dst  []byte
	}{{"seal", k.seal[:]}, {"names", k.name[:]}} {
		b, err := hkdf.Key(sha256.New, master, []byte(hkdfSalt), d.info, len(d.dst))
		if err != nil {
			return nil, fmt.Errorf("derive %s key: %w", d.info, err)
		}
		copy(d.dst, b)
		clear(b)
	}
	return k, nil
}

// wipe zeroes the sub-keys.
func (k *keys) wipe() {
	clear(k.seal[:])
	clear(k.name[:])
}

// equal reports whether k and o hold the same sub-keys, in constant time.
func (k *keys) equal(o *keys) bool {
	return subtle.ConstantTimeCompare(k.seal[:], o.seal[:])&subtle.ConstantTimeCompare(k.name[:], o.name[:]) == 1
}

// cryptor seals, opens and names records with one copy of the sub-keys. It is
// not safe for concurrent use; each transaction has its own.
type cryptor struct {
	k    keys
	aead cipher.AEAD
	mac  hash.Hash
}

// newCryptor copies k into a new cryptor.
func newCryptor(k *keys) (*cryptor, error) {
	c := &cryptor{k: *k}
	aead, err := chacha20poly1305.NewX(c.k.seal[:])
	if err != nil {
		return nil, fmt.Errorf("init cipher: %w", err)
	}
	c.aead = aead
	c.mac = hmac.New(sha256.New, c.k.name[:])
	return c, nil
}

// wipe zeroes the cryptor's copy of the sub-keys and drops the cipher state.
func (c *cryptor) wipe() {
	c.k.wipe()
	c.aead = nil
	c.mac = nil
}

// bucketID returns the on-disk name of the logical bucket internal.
func (c *cryptor) bucketID(internal string) id {
	c.mac.Reset()
	c.mac.Write([]byte("bucket\x00"))
	c.mac.Write([]byte(internal))
	var out id
	c.mac.Sum(out[:0])
	return out
}

// recordID returns the on-disk key of key in the logical bucket internal.
func (c *cryptor) recordID(internal, key string) id {
	c.mac.Reset()
	var lenBuf [binary.MaxVarintLen64]byte
	c.mac.Write([]byte("record\x00"))
	c.mac.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(internal)))])
	c.mac.Write([]byte(internal))
	c.mac.Write([]byte(key))
	var out id
	c.mac.Sum(out[:0])
	return out
}

// recordAD returns the associated data binding a value to its location.
func recordAD(bucket, record []byte) []byte {
	ad := make([]byte, 0, len(adPrefix)+1+2*idSize)
	ad = append(ad, adPrefix...)
	ad = append(ad, formatVersion)
	ad = append(ad, bucket...)
	return append(ad, record...)
}

// seal encrypts plaintext with associated data ad.
func (c *cryptor) seal(plaintext, ad []byte) []byte {
	out := make([]byte, 1+nonceSize, len(plaintext)+overhead)
	out[0] = formatVersion
	_, _ = rand.Read(out[1:]) // crypto/rand.Read never fails (Go 1.24+)
	return c.aead.Seal(out, out[1:1+nonceSize], plaintext, ad)
}

// open decrypts a value made by seal; any failure is reported as errOpen.
func (c *cryptor) open(sealed, ad []byte) ([]byte, error) {
	if len(sealed) < overhead {
		return nil, errOpen
	}
	if sealed[0] != formatVersion {
		return nil, errOpen
	}
	pt, err := c.aead.Open(nil, sealed[1:1+nonceSize], sealed[1+nonceSize:], ad)
	if err != nil {
		return nil, errOpen
	}
	return pt, nil
}

// errOpen is the internal result of a failed open; callers turn it into
// ErrTampered (naming the bucket) or ErrWrongKey.
var errOpen = errors.New("authentication failed")

// encodeRecord lays out the plaintext of a record (see the package doc).
func encodeRecord(key string, tags []storage.Tag, value []byte) []byte {
	n := binary.MaxVarintLen64*2 + len(key) + len(value)
	for _, t := range tags {
		n += 2*binary.MaxVarintLen64 + len(t.Name) + len(t.Value)
	}
	b := make([]byte, 0, n)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(tags)))
	for _, t := range tags {
		b = binary.AppendUvarint(b, uint64(len(t.Name)))
		b = append(b, t.Name...)
		b = binary.AppendUvarint(b, uint64(len(t.Value)))
		b = append(b, t.Value...)
	}
	return append(b, value...)
}

// errMalformed reports an authentic plaintext that does not parse.
var errMalformed = errors.New("malformed record")

// readUvarint reads one minimally encoded uvarint from b, so that every
// record has exactly one encoding.
func readUvarint(b []byte) (uint64, int) {
	n, m := binary.Uvarint(b)
	if m <= 0 || m != uvarintLen(n) {
		return 0, -1
	}
	return n, m
}

// uvarintLen returns the length of the minimal uvarint encoding of x.
func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// readString reads one uvarint-prefixed string from b.
func readString(b []byte) (string, []byte, error) {
	n, m := readUvarint(b)
	if m <= 0 || n > uint64(len(b)-m) {
		return "", nil, errMalformed
	}
	return string(b[m : m+int(n)]), b[m+int(n):], nil
}

// decodeKey returns the plaintext key of a record and the rest of it.
func decodeKey(b []byte) (string, []byte, error) {
	return readString(b)
}

// decodeRecord parses a record's plaintext. The returned value aliases b.
func decodeRecord(b []byte) (key string, tags []storage.Tag, value []byte, err error) {
	key, b, err = decodeKey(b)
	if err != nil {
		return "", nil, nil, err
	}
	n, m := readUvarint(b)
	// Each tag takes at least two bytes, which bounds n before allocating.
	if m <= 0 || n > uint64(len(b)-m)/2 {
		return "", nil, nil, errMalformed
	}
	b = b[m:]
	if n > 0 {
		tags = make([]storage.Tag, n)
	}
	for i := range tags {
		if tags[i].Name, b, err = readString(b); err != nil {
			return "", nil, nil, err
		}
		if tags[i].Value, b, err = readString(b); err != nil {
			return "", nil, nil, err
		}
	}
	return key, tags, b[:len(b):len(b)], nil
}
