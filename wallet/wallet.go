// Package wallet is the learner's vault: a folder holding one encrypted bbolt
// file with the learner's keys and credentials, opened with a passphrase.
//
// The passphrase is stretched with Argon2id (package did) into a master key;
// from it come the store's sealing key and the secret lock that protects
// aries' key store. The KDF parameters and salt are the only plaintext in the
// file. Every credential is verified on the way in (package wallet/verify) and
// a credential that fails is not stored.
package wallet

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/pkg/kms/localkms"
	"github.com/hyperledger/aries-framework-go/spi/secretlock"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify"
)

// FileName is the name of the bbolt file inside a wallet folder.
const FileName = "wallet.db"

// headerFormat names the wallet file format in its plaintext header.
const headerFormat = "skillpass-wallet"

// headerVersion is the current version of the header layout.
const headerVersion = 1

// primaryKeyURI names the master key of aries' local KMS; the secret lock is
// ours, so the URI only has to be stable.
const primaryKeyURI = "local-lock://skillpass/kms/v1"

var (
	// ErrNoWallet is returned by Open when the folder holds no wallet.
	ErrNoWallet = errors.New("no wallet here")
	// ErrExists is returned by Create when the folder already holds a wallet.
	ErrExists = errors.New("a wallet already exists here")
	// ErrWrongPassphrase is returned by Open when the passphrase does not
	// unlock the wallet. Nothing in the wallet is changed.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrBusy is returned when another process has the wallet open.
	ErrBusy = store.ErrBusy
	// ErrNotFound is returned when a credential id matches nothing.
	ErrNotFound = errors.New("no such credential")
	// ErrAmbiguous is returned when a credential id prefix matches several.
	ErrAmbiguous = errors.New("credential id prefix matches several credentials")
	// ErrLocked is returned by every operation that needs the keys while the
	// wallet is locked (after Lock, e.g. by an IdleLocker, until Unlock). It
	// is the store's own error, so that it matches wherever the locked store
	// is met.
	ErrLocked = store.ErrLocked
)

// header is the plaintext record that says how to derive the wallet's key.
type header struct {
	Format  string        `json:"format"`
	Version int           `json:"version"`
	KDF     did.KDFParams `json:"kdf"`
	Created time.Time     `json:"created"`
}

// Options tune how a wallet verifies and what it may reach.
type Options struct {
	// Fetcher fetches did:web documents and status lists. Nil means offline:
	// such checks come out as unknown rather than touching the network.
	Fetcher did.Fetcher
	// Now is the clock used for validity checks (default time.Now).
	Now func() time.Time
	// LockTimeout is how long Open waits for another process to let go of
	// the wallet file before it returns ErrBusy (default 1s).
	LockTimeout time.Duration
	// BadgeFetch is the learner's consent to fetch, through Fetcher, the
	// parts of an Open Badges 2.0 badge that it names by URL (the hosted
	// assertion, badge class, issuer profile, key, revocation list); see
	// verify.Options.BadgeFetch.
	BadgeFetch bool
}

// Wallet is an open wallet, unlocked until Lock. Its methods are safe for
// concurrent use.
type Wallet struct {
	dir      string
	db       *store.DB
	verifier *verify.Verifier
	now      func() time.Time

	// state is held for reading by every operation that needs the keys
	// (see use) and for writing by Lock and Unlock, which change them.
	state  sync.RWMutex
	locked bool
	// kms and lock are nil while the wallet is locked: code that needs them
	// runs between use() and its release.
	kms  *localkms.LocalKMS
	lock secretlock.Service

	mu sync.Mutex // serialises imports so that de-duplication is exact
}

// Exists reports whether dir holds a wallet file.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

// Create makes a new wallet in dir (created if needed) protected by
// passphrase, with a fresh Argon2id salt and the learner's first keys
// (Ed25519 and BLS12-381 G2, each with its did:key).
func Create(dir string, passphrase []byte, opts Options) (*Wallet, error) {
	return create(dir, passphrase, opts, func(w *Wallet) error {
		if _, err := w.newIdentity(kms.ED25519Type); err != nil {
			return err
		}
		_, err := w.newIdentity(kms.BLS12381G2Type)
		return err
	})
}

// create makes a new wallet in dir and runs fill on it; if anything fails,
// the new file is removed again.
func create(dir string, passphrase []byte, opts Options, fill func(w *Wallet) error) (*Wallet, error) {
	if len(passphrase) == 0 {
		return nil, errors.New("create wallet: the passphrase is empty")
	}
	if Exists(dir) {
		return nil, fmt.Errorf("create wallet in %s: %w", dir, ErrExists)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	params, err := did.NewKDFParams()
	if err != nil {
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	db, err := store.Open(filepath.Join(dir, FileName), store.Options{LockTimeout: opts.LockTimeout})
	if err != nil {
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	w, err := func() (*Wallet, error) {
		h, err := json.Marshal(header{Format: headerFormat, Version: headerVersion, KDF: params, Created: time.Now().UTC()})
		if err != nil {
			return nil, err
		}
		master, err := did.DeriveKey(passphrase, params)
		if err != nil {
			return nil, err
		}
		defer clear(master)
		if err := db.SetHeader(h); err != nil {
			return nil, err
		}
		w, err := unlock(dir, db, master, opts)
		if err != nil {
			return nil, err
		}
		if fill != nil {
			if err := fill(w); err != nil {
				return nil, err
			}
		}
		return w, nil
	}()
	if err != nil {
		_ = db.Close()
		_ = os.Remove(filepath.Join(dir, FileName))
		return nil, fmt.Errorf("create wallet: %w", err)
	}
	return w, nil
}

// Open unlocks the wallet in dir with passphrase. A wrong passphrase gives
// ErrWrongPassphrase and changes nothing; a wallet held by another process
// gives ErrBusy.
func Open(dir string, passphrase []byte, opts Options) (*Wallet, error) {
	if !Exists(dir) {
		return nil, fmt.Errorf("open wallet in %s: %w", dir, ErrNoWallet)
	}
	db, err := store.Open(filepath.Join(dir, FileName), store.Options{LockTimeout: opts.LockTimeout})
	if err != nil {
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	h, err := readHeader(db)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	master, err := did.DeriveKey(passphrase, h.KDF)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	defer clear(master)
	w, err := unlock(dir, db, master, opts)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	return w, nil
}

// OpenWithKey unlocks the wallet with a master key already derived by
// DeriveKey, skipping the KDF (benchmarks and the app's idle re-lock use it).
func OpenWithKey(dir string, master []byte, opts Options) (*Wallet, error) {
	db, err := store.Open(filepath.Join(dir, FileName), store.Options{LockTimeout: opts.LockTimeout})
	if err != nil {
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	w, err := unlock(dir, db, master, opts)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open wallet: %w", err)
	}
	return w, nil
}

// DeriveKey runs the wallet's KDF over passphrase and returns the master key
// for OpenWithKey. It reads the header only and changes nothing.
func DeriveKey(dir string, passphrase []byte) ([]byte, error) {
	db, err := store.Open(filepath.Join(dir, FileName), store.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read wallet header: %w", err)
	}
	defer db.Close()
	h, err := readHeader(db)
	if err != nil {
		return nil, err
	}
	return did.DeriveKey(passphrase, h.KDF)
}

func readHeader(db *store.DB) (header, error) {
	var h header
	raw, ok, err := db.Header()
	if err != nil {
		return h, err
	}
	if !ok {
		return h, fmt.Errorf("%s has no wallet header: %w", db.Path(), ErrNoWallet)
	}
	if err := json.Unmarshal(raw, &h); err != nil || h.Format != headerFormat {
		return h, fmt.Errorf("%s is not a Skillpass wallet file", db.Path())
	}
	if h.Version != headerVersion {
		return h, fmt.Errorf("wallet format version %d is not supported by this Skillpass (want %d): update Skillpass", h.Version, headerVersion)
	}
	return h, nil
}

// subKey derives a purpose-bound key from the master key.
func subKey(master []byte, purpose string) ([]byte, error) {
	return hkdf.Key(sha256.New, master, nil, "skillpass/"+purpose+"/v1", 32)
}

// unlock makes the Wallet for an open store and installs the keys of
// master.
func unlock(dir string, db *store.DB, master []byte, opts Options) (*Wallet, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	w := &Wallet{dir: dir, db: db, now: now}
	if err := w.installKeys(master); err != nil {
		return nil, err
	}
	v, err := verify.New(verify.Options{Fetcher: opts.Fetcher, Now: opts.Now, BadgeFetch: opts.BadgeFetch})
	if err != nil {
		w.db.Lock()
		return nil, err
	}
	w.verifier = v
	return w, nil
}

// installKeys unlocks the store with the sub-key of master and makes the
// secret lock and the KMS. The caller holds w.state for writing, or is the
// only one to know w. A wrong master key gives ErrWrongPassphrase and
// changes nothing.
func (w *Wallet) installKeys(master []byte) error {
	sk, err := subKey(master, "store")
	if err != nil {
		return err
	}
	defer clear(sk)
	lock, err := did.NewSecretLock(master)
	if err != nil {
		return err
	}
	// Check the key before building anything on it.
	if err := w.db.Unlock(sk); err != nil {
		if errors.Is(err, store.ErrWrongKey) {
			return ErrWrongPassphrase
		}
		return err
	}
	km, err := newKMS(w.db, lock)
	if err != nil {
		w.db.Lock()
		w.kms, w.lock, w.locked = nil, nil, true
		return err
	}
	w.kms, w.lock, w.locked = km, lock, false
	return nil
}

// use marks the start of an operation that needs the keys: it returns
// ErrLocked while the wallet is locked, else a release function to call when
// the operation ends. Lock waits for running operations. Operations must not
// nest use (a waiting Lock would deadlock them): exported methods call use
// once and then only unexported helpers.
func (w *Wallet) use() (func(), error) {
	w.state.RLock()
	if w.locked {
		w.state.RUnlock()
		return nil, lockedError{}
	}
	return w.state.RUnlock, nil
}

// lockedError is ErrLocked in the wallet's own words.
type lockedError struct{}

func (lockedError) Error() string { return "the wallet is locked" }
func (lockedError) Unwrap() error { return ErrLocked }

// Lock forgets the keys: the store's key, the secret lock and the KMS. It
// waits for running operations to finish; every later operation that needs
// the keys returns ErrLocked until Unlock. Locking a locked wallet does
// nothing. (Go cannot promise that no copy of a key survives in memory until
// the garbage collector reclaims it; see store.DB.Lock.)
func (w *Wallet) Lock() {
	w.state.Lock()
	defer w.state.Unlock()
	w.db.Lock()
	w.kms, w.lock, w.locked = nil, nil, true
}

// Locked reports whether the wallet is locked.
func (w *Wallet) Locked() bool {
	w.state.RLock()
	defer w.state.RUnlock()
	return w.locked
}

// Unlock runs the KDF over passphrase and brings the keys back. A wrong
// passphrase gives ErrWrongPassphrase and the wallet stays locked. Unlocking
// an unlocked wallet checks the passphrase the same way.
func (w *Wallet) Unlock(passphrase []byte) error {
	h, err := readHeader(w.db)
	if err != nil {
		return fmt.Errorf("unlock wallet: %w", err)
	}
	master, err := did.DeriveKey(passphrase, h.KDF)
	if err != nil {
		return fmt.Errorf("unlock wallet: %w", err)
	}
	defer clear(master)
	w.state.Lock()
	defer w.state.Unlock()
	// On an unlocked wallet a wrong passphrase fails in the store's check
	// before anything is replaced, so the wallet stays as it was.
	if err := w.installKeys(master); err != nil {
		return fmt.Errorf("unlock wallet: %w", err)
	}
	return nil
}

type kmsProvider struct {
	st   kms.Store
	lock secretlock.Service
}

func (p kmsProvider) StorageProvider() kms.Store     { return p.st }
func (p kmsProvider) SecretLock() secretlock.Service { return p.lock }

func newKMS(db *store.DB, lock secretlock.Service) (*localkms.LocalKMS, error) {
	st, err := kms.NewAriesProviderWrapper(db.Provider())
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	km, err := localkms.New(primaryKeyURI, kmsProvider{st: st, lock: lock})
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	return km, nil
}

// Dir returns the wallet's folder.
func (w *Wallet) Dir() string { return w.dir }

// Verifier returns the verifier the wallet judges credentials with.
func (w *Wallet) Verifier() *verify.Verifier { return w.verifier }

// Close forgets the keys and closes the file.
func (w *Wallet) Close() error {
	w.db.Lock()
	if err := w.db.Close(); err != nil {
		return fmt.Errorf("close wallet: %w", err)
	}
	return nil
}

// Check runs the store's consistency check.
func (w *Wallet) Check() error { return w.db.Check() }

// ctxOrBackground returns ctx, or a background context when ctx is nil.
func ctxOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
