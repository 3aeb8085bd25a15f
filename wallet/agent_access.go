package wallet

import (
	"fmt"

	"github.com/hyperledger/aries-framework-go/pkg/kms/localkms"
	"github.com/hyperledger/aries-framework-go/spi/storage"

	"github.com/skillpass/skillpass/wallet/store"
)

// This file is what the DIDComm agent (package wallet/agent) reaches into an
// open wallet through. The agent keeps aries' stores and its own records in
// the wallet's encrypted file, and uses the wallet's keys (AgentKMS);
// credentials still enter the wallet only through Import.

// agentBucketPrefix keeps the agent's buckets apart from the wallet's own.
const agentBucketPrefix = "agent-"

// ErrAgentRecordNotFound is returned by AgentGet when the agent bucket holds
// no record under the key.
var ErrAgentRecordNotFound = store.ErrNotFound

// AgentStorage returns the aries spi/storage provider over the wallet's
// encrypted store (aries' stores live in their own name space there).
// Closing the provider does not close the wallet.
func (w *Wallet) AgentStorage() storage.Provider { return w.db.Provider() }

// AgentKMS returns the wallet's aries local KMS itself, for the DIDComm
// agent: aries' DIDComm v1 packer needs a *localkms.LocalKMS and refuses a
// wrapper such as KeyManager's. It returns ErrLocked while the wallet is
// locked. A KMS obtained earlier keeps no key of its own: it reads its
// keysets from the store, so it fails while the wallet is locked and works
// again after Unlock; close the agent to drop it altogether.
func (w *Wallet) AgentKMS() (*localkms.LocalKMS, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	return w.kms, nil
}

// AgentPut stores value under key in the agent's bucket named bucket.
func (w *Wallet) AgentPut(bucket, key string, value []byte) error {
	if err := w.db.Put(agentBucketPrefix+bucket, key, value); err != nil {
		return fmt.Errorf("save agent record: %w", err)
	}
	return nil
}

// AgentGet returns the value under key in the agent's bucket named bucket,
// or an error wrapping ErrAgentRecordNotFound.
func (w *Wallet) AgentGet(bucket, key string) ([]byte, error) {
	v, err := w.db.Get(agentBucketPrefix+bucket, key)
	if err != nil {
		return nil, fmt.Errorf("read agent record: %w", err)
	}
	return v, nil
}

// AgentDelete removes key from the agent's bucket named bucket; a missing key
// is not an error.
func (w *Wallet) AgentDelete(bucket, key string) error {
	if err := w.db.Delete(agentBucketPrefix+bucket, key); err != nil {
		return fmt.Errorf("delete agent record: %w", err)
	}
	return nil
}

// AgentForEach calls fn for every record of the agent's bucket named bucket,
// in key order; an error from fn stops the walk and is returned.
func (w *Wallet) AgentForEach(bucket string, fn func(key string, value []byte) error) error {
	if err := w.db.ForEach(agentBucketPrefix+bucket, fn); err != nil {
		return fmt.Errorf("read agent records: %w", err)
	}
	return nil
}
