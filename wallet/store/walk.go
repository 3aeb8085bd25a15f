package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hyperledger/aries-framework-go/spi/storage"
)

// Space is the name space of a logical bucket (see the package doc).
type Space int

const (
	// SpaceWallet holds the wallet's own buckets (DB.Put and friends).
	SpaceWallet Space = iota + 1
	// SpaceAries holds the stores of aries-framework-go (DB.Provider);
	// their names are lower-case.
	SpaceAries
)

// String names the space for messages.
func (s Space) String() string {
	switch s {
	case SpaceWallet:
		return "wallet"
	case SpaceAries:
		return "aries"
	default:
		return fmt.Sprintf("space(%d)", int(s))
	}
}

// Bucket names one logical bucket: a wallet bucket or an aries store.
type Bucket struct {
	Space Space
	Name  string
}

// Entry is one record in plaintext: its key, its aries tags (none in wallet
// buckets) and its value.
type Entry struct {
	Key   string
	Tags  []storage.Tag
	Value []byte
}

// errBadBucket is returned for a Bucket with an unknown space or empty name.
var errBadBucket = errors.New("invalid bucket")

// internal returns the logical name of b, or an error.
func (b Bucket) internal() (string, error) {
	if b.Name == "" {
		return "", fmt.Errorf("%w: empty name", errBadBucket)
	}
	switch b.Space {
	case SpaceWallet:
		return walletPrefix + b.Name, nil
	case SpaceAries:
		return ariesPrefix + strings.ToLower(b.Name), nil
	default:
		return "", fmt.Errorf("%w: unknown space %d", errBadBucket, int(b.Space))
	}
}

// Buckets lists every wallet bucket and aries store in the file (from the
// sealed bucket directory), wallet buckets first, each space by name. The
// store's own bookkeeping buckets are not listed.
func (tx *Tx) Buckets() ([]Bucket, error) {
	items, err := tx.allRecords(dirBucket)
	if err != nil {
		return nil, fmt.Errorf("list buckets: %w", err)
	}
	var out []Bucket
	for _, it := range items {
		switch {
		case strings.HasPrefix(it.key, walletPrefix):
			out = append(out, Bucket{Space: SpaceWallet, Name: strings.TrimPrefix(it.key, walletPrefix)})
		case strings.HasPrefix(it.key, ariesPrefix):
			out = append(out, Bucket{Space: SpaceAries, Name: strings.TrimPrefix(it.key, ariesPrefix)})
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int {
		if c := cmp.Compare(a.Space, b.Space); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}

// Entries decrypts every record of b, sorted by key. A missing bucket has
// none.
func (tx *Tx) Entries(b Bucket) ([]Entry, error) {
	internal, err := b.internal()
	if err != nil {
		return nil, fmt.Errorf("entries: %w", err)
	}
	items, err := tx.allRecords(internal)
	if err != nil {
		return nil, fmt.Errorf("entries of %s: %w", displayName(internal), err)
	}
	out := make([]Entry, len(items))
	for i, it := range items {
		out[i] = Entry{Key: it.key, Tags: it.tags, Value: it.value}
	}
	return out, nil
}

// GetEntry returns the record key of b, or an error wrapping ErrNotFound.
func (tx *Tx) GetEntry(b Bucket, key string) (Entry, error) {
	internal, err := b.internal()
	if err != nil {
		return Entry{}, fmt.Errorf("get entry: %w", err)
	}
	it, err := tx.getRecord(internal, key)
	if err != nil {
		return Entry{}, fmt.Errorf("get entry from %s: %w", displayName(internal), err)
	}
	return Entry{Key: it.key, Tags: it.tags, Value: it.value}, nil
}

// PutEntry stores e in b, creating the bucket if needed and replacing any
// previous record under e.Key. Tags are for aries stores only and follow
// their rules (no ':' in names or values, no repeated name); an aries key
// must not be empty.
func (tx *Tx) PutEntry(b Bucket, e Entry) error {
	internal, err := b.internal()
	if err != nil {
		return fmt.Errorf("put entry: %w", err)
	}
	switch b.Space {
	case SpaceWallet:
		if len(e.Tags) > 0 {
			return fmt.Errorf("put entry in %s: %w: wallet buckets have no tags", displayName(internal), ErrInvalidTag)
		}
	case SpaceAries:
		if e.Key == "" {
			return fmt.Errorf("put entry in %s: %w", displayName(internal), errEmptyKey)
		}
		if err := validateTags(e.Tags); err != nil {
			return fmt.Errorf("put entry in %s: %w", displayName(internal), err)
		}
	}
	value := e.Value
	if value == nil {
		value = []byte{}
	}
	if err := tx.putRecord(internal, e.Key, slices.Clone(e.Tags), value); err != nil {
		return fmt.Errorf("put entry in %s: %w", displayName(internal), err)
	}
	return nil
}

// CreateBucket creates b if it does not exist (an aries store may exist and
// be empty).
func (tx *Tx) CreateBucket(b Bucket) error {
	internal, err := b.internal()
	if err != nil {
		return fmt.Errorf("create bucket: %w", err)
	}
	if err := tx.check(true); err != nil {
		return fmt.Errorf("create bucket %s: %w", displayName(internal), err)
	}
	if _, _, err := tx.ensureBucket(internal); err != nil {
		return fmt.Errorf("create bucket %s: %w", displayName(internal), err)
	}
	return nil
}

// AriesStoreConfig returns the configuration (JSON, as aries'
// storage.StoreConfiguration) last set for the aries store name, or ok=false
// if none was set.
func (tx *Tx) AriesStoreConfig(name string) ([]byte, bool, error) {
	it, err := tx.getRecord(configBucket, strings.ToLower(name))
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("aries store config %q: %w", name, err)
	}
	return it.value, true, nil
}

// SetAriesStoreConfig records raw (JSON, as aries'
// storage.StoreConfiguration) as the configuration of the aries store name.
func (tx *Tx) SetAriesStoreConfig(name string, raw []byte) error {
	if name == "" {
		return fmt.Errorf("set aries store config: %w", errEmptyStoreName)
	}
	if err := tx.putRecord(configBucket, strings.ToLower(name), nil, raw); err != nil {
		return fmt.Errorf("set aries store config %q: %w", name, err)
	}
	return nil
}
