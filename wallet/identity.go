package wallet

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/kms"

	"github.com/skillpass/skillpass/did"
)

// bucketIdentities holds the learner's own DIDs.
const bucketIdentities = "identities"

// Identity is one of the learner's own DIDs; its private key stays in the
// wallet's key store, sealed under the passphrase.
type Identity struct {
	DID     string      `json:"did"`
	KeyID   string      `json:"keyId"`
	KeyType did.KeyType `json:"keyType"`
	Created time.Time   `json:"created"`
}

var kmsToDID = map[kms.KeyType]did.KeyType{
	kms.ED25519Type:    did.Ed25519,
	kms.BLS12381G2Type: did.BLS12381G2,
}

// keyRank orders identities created at the same instant: signing key first.
var keyRank = map[did.KeyType]int{did.Ed25519: 0, did.BLS12381G2: 1, did.P256: 2}

// newIdentity creates a key pair of type kt in the key store and records its
// did:key.
func (w *Wallet) newIdentity(kt kms.KeyType) (*Identity, error) {
	dkt, ok := kmsToDID[kt]
	if !ok {
		return nil, fmt.Errorf("new identity: key type %s is not supported", kt)
	}
	kid, pub, err := w.kms.CreateAndExportPubKeyBytes(kt)
	if err != nil {
		return nil, fmt.Errorf("new %s key: %w", dkt, err)
	}
	id, err := did.NewKey(dkt, pub)
	if err != nil {
		return nil, fmt.Errorf("new %s identity: %w", dkt, err)
	}
	ident := &Identity{DID: id, KeyID: kid, KeyType: dkt, Created: w.now().UTC()}
	raw, err := json.Marshal(ident)
	if err != nil {
		return nil, err
	}
	if err := w.db.Put(bucketIdentities, id, raw); err != nil {
		return nil, fmt.Errorf("save identity: %w", err)
	}
	return ident, nil
}

// Identities lists the learner's DIDs, oldest first.
func (w *Wallet) Identities() ([]Identity, error) {
	var out []Identity
	err := w.db.ForEach(bucketIdentities, func(_ string, v []byte) error {
		var id Identity
		if err := json.Unmarshal(v, &id); err != nil {
			return fmt.Errorf("read identity: %w", err)
		}
		out = append(out, id)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return keyRank[out[i].KeyType] < keyRank[out[j].KeyType]
	})
	return out, nil
}

// Identity returns the learner's first DID of key type t.
func (w *Wallet) Identity(t did.KeyType) (*Identity, error) {
	ids, err := w.Identities()
	if err != nil {
		return nil, err
	}
	for i := range ids {
		if ids[i].KeyType == t {
			return &ids[i], nil
		}
	}
	return nil, fmt.Errorf("the wallet has no %s identity", t)
}
