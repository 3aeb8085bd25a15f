// Package did holds Skillpass' identifiers and keys: did:key (Ed25519,
// BLS12-381 G2, P-256), resolution of did:key and did:web through an injected
// [Fetcher] (so tests and air-gapped users map URLs to files), and the
// passphrase-derived secret lock that protects aries' key store.
//
// Nothing in this package touches the network unless the caller hands it a
// fetcher made by [HTTPFetcher]. A [Resolver] without a fetcher resolves
// did:key only and reports [ErrOffline] for did:web.
package did

import "errors"

// Sentinel errors. Every error this package returns wraps at most one of them,
// with context, so callers can branch with errors.Is.
var (
	// ErrOffline is returned when a resolution needs the network and no
	// Fetcher was given.
	ErrOffline = errors.New("network access needed but no fetcher is set (offline)")

	// ErrInvalidDID is returned for identifiers and DID URLs that are not
	// well formed (wrong prefix, bad multibase, empty parts, ...).
	ErrInvalidDID = errors.New("invalid did")

	// ErrInvalidKey is returned for public key bytes of the wrong length or
	// that do not encode a usable point on their curve.
	ErrInvalidKey = errors.New("invalid public key")

	// ErrUnsupported is returned for DID methods, multicodecs, key types and
	// verification method types this package does not handle.
	ErrUnsupported = errors.New("unsupported")

	// ErrInvalidDocument is returned when a fetched DID document cannot be
	// used (not JSON, no id, duplicate verification method ids, ...).
	ErrInvalidDocument = errors.New("invalid did document")

	// ErrIDMismatch is returned when a fetched did:web document carries an id
	// other than the DID that was resolved.
	ErrIDMismatch = errors.New("did document id does not match the did")

	// ErrNotFound is returned when a DID URL names a verification method that
	// is not in the DID document.
	ErrNotFound = errors.New("verification method not found")

	// ErrUnsafePath is returned by DirFetcher for URLs that would map outside
	// its directory (.., absolute paths, backslashes) or cannot be mapped.
	ErrUnsafePath = errors.New("unsafe or unmappable url")

	// ErrTooLarge is returned when fetched content exceeds MaxFetchSize.
	ErrTooLarge = errors.New("fetched content too large")
)
