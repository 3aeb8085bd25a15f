package did

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hyperledger/aries-framework-go/spi/secretlock"
	"golang.org/x/crypto/chacha20poly1305"
)

// secretLockInfo is the HKDF info string, and the domain separator in the
// associated data.
const secretLockInfo = "skillpass/secretlock/v1"

// ErrLocked is returned by the secret lock's Decrypt when the ciphertext
// does not open: wrong key, wrong key URI or associated data, or edited
// ciphertext.
var ErrLocked = errors.New("secret lock: cannot decrypt (wrong passphrase or damaged data)")

// secretLock implements aries' secretlock.Service with XChaCha20-Poly1305.
type secretLock struct {
	aead cipher.AEAD
}

var _ secretlock.Service = (*secretLock)(nil)

// NewSecretLock returns a secret lock for aries' localkms whose
// XChaCha20-Poly1305 key is derived with HKDF-SHA256 (info
// "skillpass/secretlock/v1") from key, the 32-byte output of DeriveKey.
//
// It speaks aries' conventions: localkms hands Encrypt the key to wrap as
// base64url text in Plaintext and the associated data as base64url text;
// Encrypt seals the Plaintext string as given and returns
// base64url(nonce || ciphertext) (padded, as aries' own local lock does);
// Decrypt returns the original Plaintext string. The key URI and the
// associated data are both authenticated, so a wrapped key only opens for
// the key URI it was made for. Decrypt accepts padded or unpadded base64url
// and returns an error wrapping ErrLocked, never panicking, when the key or
// the data is wrong.
func NewSecretLock(key []byte) (secretlock.Service, error) {
	if len(key) != KDFKeySize {
		return nil, fmt.Errorf("new secret lock: key must be %d bytes, got %d", KDFKeySize, len(key))
	}
	k, err := hkdf.Key(sha256.New, key, nil, secretLockInfo, chacha20poly1305.KeySize)
	if err != nil {
		return nil, fmt.Errorf("new secret lock: hkdf: %w", err)
	}
	aead, err := chacha20poly1305.NewX(k)
	if err != nil {
		return nil, fmt.Errorf("new secret lock: %w", err)
	}
	return &secretLock{aead: aead}, nil
}

// associatedData binds the key URI and the caller's associated data,
// length-prefixed so no two pairs give the same bytes.
func associatedData(keyURI, aad string) []byte {
	b := make([]byte, 0, len(secretLockInfo)+8+len(keyURI)+len(aad))
	b = append(b, secretLockInfo...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(keyURI)))
	b = append(b, keyURI...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(aad)))
	return append(b, aad...)
}

// Encrypt seals req.Plaintext for keyURI.
func (s *secretLock) Encrypt(keyURI string, req *secretlock.EncryptRequest) (*secretlock.EncryptResponse, error) {
	if req == nil {
		return nil, fmt.Errorf("secret lock encrypt: nil request")
	}
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(req.Plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secret lock encrypt: nonce: %w", err)
	}
	ct := s.aead.Seal(nonce, nonce, []byte(req.Plaintext), associatedData(keyURI, req.AdditionalAuthenticatedData))
	return &secretlock.EncryptResponse{Ciphertext: base64.URLEncoding.EncodeToString(ct)}, nil
}

// Decrypt opens req.Ciphertext for keyURI.
func (s *secretLock) Decrypt(keyURI string, req *secretlock.DecryptRequest) (*secretlock.DecryptResponse, error) {
	if req == nil {
		return nil, fmt.Errorf("secret lock decrypt: nil request")
	}
	ct, err := base64.URLEncoding.DecodeString(req.Ciphertext)
	if err != nil {
		var rawErr error
		if ct, rawErr = base64.RawURLEncoding.DecodeString(req.Ciphertext); rawErr != nil {
			return nil, fmt.Errorf("secret lock decrypt: ciphertext is not base64url: %w", err)
		}
	}
	ns := s.aead.NonceSize()
	if len(ct) < ns+s.aead.Overhead() {
		return nil, fmt.Errorf("secret lock decrypt: ciphertext of %d bytes is too short", len(ct))
	}
	pt, err := s.aead.Open(nil, ct[:ns], ct[ns:], associatedData(keyURI, req.AdditionalAuthenticatedData))
	if err != nil {
		return nil, fmt.Errorf("secret lock decrypt: %w", ErrLocked)
	}
	return &secretlock.DecryptResponse{Plaintext: string(pt)}, nil
}
