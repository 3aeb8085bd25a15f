package wallet

import (
	"github.com/hyperledger/aries-framework-go/pkg/kms"
)

// walletKMS is the wallet's key manager seen through its lock: every call
// takes use(), so it fails with ErrLocked while the wallet is locked and
// works again after Unlock, and it holds no key of its own.
type walletKMS struct{ w *Wallet }

var _ kms.KeyManager = walletKMS{}

// KeyManager returns the wallet's aries key manager (localkms over the
// encrypted store, keys sealed by the passphrase's secret lock) as a view
// that follows Lock and Unlock: while the wallet is locked every call
// returns ErrLocked. Holding it keeps no key alive across a Lock, unlike a
// key handle returned by its Get.
func (w *Wallet) KeyManager() kms.KeyManager { return walletKMS{w: w} }

// Create creates a key of type kt.
func (k walletKMS) Create(kt kms.KeyType, opts ...kms.KeyOpts) (string, interface{}, error) {
	release, err := k.w.use()
	if err != nil {
		return "", nil, err
	}
	defer release()
	return k.w.kms.Create(kt, opts...)
}

// Get returns the key handle of keyID.
func (k walletKMS) Get(keyID string) (interface{}, error) {
	release, err := k.w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	return k.w.kms.Get(keyID)
}

// Rotate replaces the key keyID with a new one of type kt.
func (k walletKMS) Rotate(kt kms.KeyType, keyID string, opts ...kms.KeyOpts) (string, interface{}, error) {
	release, err := k.w.use()
	if err != nil {
		return "", nil, err
	}
	defer release()
	return k.w.kms.Rotate(kt, keyID, opts...)
}

// ExportPubKeyBytes returns the public key of keyID.
func (k walletKMS) ExportPubKeyBytes(keyID string) ([]byte, kms.KeyType, error) {
	release, err := k.w.use()
	if err != nil {
		return nil, "", err
	}
	defer release()
	return k.w.kms.ExportPubKeyBytes(keyID)
}

// CreateAndExportPubKeyBytes creates a key of type kt and returns its id and
// public key.
func (k walletKMS) CreateAndExportPubKeyBytes(kt kms.KeyType, opts ...kms.KeyOpts) (string, []byte, error) {
	release, err := k.w.use()
	if err != nil {
		return "", nil, err
	}
	defer release()
	return k.w.kms.CreateAndExportPubKeyBytes(kt, opts...)
}

// PubKeyBytesToHandle makes a public key handle from raw bytes.
func (k walletKMS) PubKeyBytesToHandle(pubKey []byte, kt kms.KeyType, opts ...kms.KeyOpts) (interface{}, error) {
	release, err := k.w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	return k.w.kms.PubKeyBytesToHandle(pubKey, kt, opts...)
}

// ImportPrivateKey stores a private key.
func (k walletKMS) ImportPrivateKey(privKey interface{}, kt kms.KeyType, opts ...kms.PrivateKeyOpts) (string, interface{}, error) {
	release, err := k.w.use()
	if err != nil {
		return "", nil, err
	}
	defer release()
	return k.w.kms.ImportPrivateKey(privKey, kt, opts...)
}
