package agent

import "github.com/hyperledger/aries-framework-go/spi/storage"

// stateStorePrefix starts the names of aries' protocol-state stores in the
// wallet file. aries uses one store name ("didexchange") with the same keys
// in the permanent and the protocol-state store, with different tags, so the
// two must not be one store.
const stateStorePrefix = "state-"

// prefixed is a storage.Provider that puts a prefix before every store name.
// Closing it does nothing: the underlying provider belongs to the wallet.
type prefixed struct {
	storage.Provider
	prefix string
}

var _ storage.Provider = prefixed{}

// OpenStore opens the store prefix+name.
func (p prefixed) OpenStore(name string) (storage.Store, error) {
	return p.Provider.OpenStore(p.prefix + name)
}

// SetStoreConfig sets the configuration of the store prefix+name.
func (p prefixed) SetStoreConfig(name string, config storage.StoreConfiguration) error {
	return p.Provider.SetStoreConfig(p.prefix+name, config)
}

// GetStoreConfig returns the configuration of the store prefix+name.
func (p prefixed) GetStoreConfig(name string) (storage.StoreConfiguration, error) {
	return p.Provider.GetStoreConfig(p.prefix + name)
}

// Close does nothing (the wallet owns the provider).
func (p prefixed) Close() error { return nil }
