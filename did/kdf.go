package did

import (
	"crypto/rand"
	"errors"
	"fmt"
	"runtime/debug"

	"golang.org/x/crypto/argon2"
)

// Argon2id cost bounds that KDFParams.Validate enforces. The floor follows
// the OWASP and RFC 9106 guidance for interactive use on a desktop; the
// ceiling keeps a hostile or corrupt wallet header from asking for more
// memory or time than a laptop can give.
const (
	// KDFMinMemory is the least memory cost, in KiB (64 MiB).
	KDFMinMemory uint32 = 64 * 1024
	// KDFMaxMemory is the most memory cost, in KiB (1 GiB).
	KDFMaxMemory uint32 = 1024 * 1024
	// KDFMinTime is the least number of passes.
	KDFMinTime uint32 = 3
	// KDFMaxTime is the most number of passes.
	KDFMaxTime uint32 = 32
	// KDFMinThreads is the least parallelism.
	KDFMinThreads uint8 = 1
	// KDFMaxThreads is the most parallelism.
	KDFMaxThreads uint8 = 64
	// KDFMinSalt is the shortest salt, in bytes.
	KDFMinSalt = 16
	// KDFMaxSalt is the longest salt, in bytes.
	KDFMaxSalt = 64

	// KDFKeySize is the length of the key DeriveKey returns.
	KDFKeySize = 32
)

// Defaults NewKDFParams uses. The floor (64 MiB, t=3) derives in about
// 0.1 s on a 2-core machine, below the 0.3–1 s a wallet unlock can afford;
// 256 MiB lands in that window and makes each guess four times as costly.
const (
	defaultMemory  = 256 * 1024
	defaultTime    = KDFMinTime
	defaultThreads = 4
	defaultSalt    = 16
)

var (
	// ErrWeakKDF is returned by Validate (and DeriveKey) for parameters
	// below the floor.
	ErrWeakKDF = errors.New("kdf parameters too weak")
	// ErrKDFTooCostly is returned by Validate (and DeriveKey) for parameters
	// above the ceiling.
	ErrKDFTooCostly = errors.New("kdf parameters too costly")
	// ErrEmptyPassphrase is returned by DeriveKey for an empty passphrase.
	ErrEmptyPassphrase = errors.New("empty passphrase")
)

// KDFParams are the Argon2id parameters stored beside a wallet so the key
// can be derived again. They are not secret.
type KDFParams struct {
	// Memory is the memory cost in KiB.
	Memory uint32 `json:"m"`
	// Time is the number of passes.
	Time uint32 `json:"t"`
	// Threads is the degree of parallelism (lanes).
	Threads uint8 `json:"p"`
	// Salt is random, unique per wallet.
	Salt []byte `json:"salt"`
}

// NewKDFParams returns the default parameters, m=262144 KiB (256 MiB), t=3,
// p=4, with a fresh random 16-byte salt.
func NewKDFParams() (KDFParams, error) {
	salt := make([]byte, defaultSalt)
	if _, err := rand.Read(salt); err != nil {
		return KDFParams{}, fmt.Errorf("new kdf params: salt: %w", err)
	}
	return KDFParams{Memory: defaultMemory, Time: defaultTime, Threads: defaultThreads, Salt: salt}, nil
}

// Validate refuses parameters below the floor (memory under 64 MiB, time
// under 3, no threads, salt under 16 bytes; ErrWeakKDF) or above the ceiling
// (memory over 1 GiB, time over 32, threads over 64, salt over 64 bytes;
// ErrKDFTooCostly). The error names the parameter and the allowed range.
func (p KDFParams) Validate() error {
	type check struct {
		name     string
		val      uint64
		min, max uint64
		unit     string
	}
	for _, c := range []check{
		{"memory (m)", uint64(p.Memory), uint64(KDFMinMemory), uint64(KDFMaxMemory), " KiB"},
		{"time (t)", uint64(p.Time), uint64(KDFMinTime), uint64(KDFMaxTime), ""},
		{"threads (p)", uint64(p.Threads), uint64(KDFMinThreads), uint64(KDFMaxThreads), ""},
		{"salt length", uint64(len(p.Salt)), KDFMinSalt, KDFMaxSalt, " bytes"},
	} {
		switch {
		case c.val < c.min:
			return fmt.Errorf("%w: %s is %d%s, allowed %d..%d%s", ErrWeakKDF, c.name, c.val, c.unit, c.min, c.max, c.unit)
		case c.val > c.max:
			return fmt.Errorf("%w: %s is %d%s, allowed %d..%d%s", ErrKDFTooCostly, c.name, c.val, c.unit, c.min, c.max, c.unit)
		}
	}
	return nil
}

// DeriveKey derives a KDFKeySize-byte key from passphrase with Argon2id. It
// validates p first and refuses an empty passphrase.
func DeriveKey(passphrase []byte, p KDFParams) ([]byte, error) {
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("derive key: %w", ErrEmptyPassphrase)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	key := argon2id(passphrase, p)
	// Argon2's work area (p.Memory KiB) is garbage now; hand it back to the
	// OS at once rather than keep a long-running app's RSS that high.
	debug.FreeOSMemory()
	return key, nil
}

// argon2id runs Argon2id (version 0x13) without checking p.
func argon2id(passphrase []byte, p KDFParams) []byte {
	return argon2.IDKey(passphrase, p.Salt, p.Time, p.Memory, p.Threads, KDFKeySize)
}
