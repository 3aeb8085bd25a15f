package issuer

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/store/connection"
	"github.com/hyperledger/aries-framework-go/spi/storage"

	"github.com/skillpass/skillpass/wallet"
)

// ErrAmbiguousLearner is returned when a learner's DID names several
// completed connections that lead to different places.
var ErrAmbiguousLearner = errors.New("the DID matches several connections; give the connection id")

// Connection is one of the issuer's DIDComm connections.
type Connection struct {
	ID       string `json:"id"`
	TheirDID string `json:"theirDid"` // the learner's DID on this connection (did:peer)
	Label    string `json:"label"`    // the name the learner's wallet gave
	State    string `json:"state"`    // DID Exchange state: completed once usable
	// Subjects are the DIDs the learner received credentials about on this
	// connection (credentialSubject.id), oldest first.
	Subjects []string `json:"subjects,omitempty"`
}

// stateProvider gives aries' connection lookup the wallet's permanent
// stores and, under the issuer's prefix, its protocol-state stores.
type stateProvider struct{ w *wallet.Wallet }

// StorageProvider returns the wallet's permanent stores.
func (p stateProvider) StorageProvider() storage.Provider { return p.w.AgentStorage() }

// ProtocolStateStorageProvider returns the issuer's protocol-state stores.
func (p stateProvider) ProtocolStateStorageProvider() storage.Provider {
	return prefixedStores{Provider: p.w.AgentStorage(), prefix: stateStorePrefix}
}

// prefixedStores puts the issuer's prefix before store names (as
// didcomm.NewFramework does for the state stores). Close does nothing:
// the wallet owns the provider.
type prefixedStores struct {
	storage.Provider
	prefix string
}

// OpenStore opens the store prefix+name.
func (p prefixedStores) OpenStore(name string) (storage.Store, error) {
	return p.Provider.OpenStore(p.prefix + name)
}

// SetStoreConfig sets the configuration of the store prefix+name.
func (p prefixedStores) SetStoreConfig(name string, c storage.StoreConfiguration) error {
	return p.Provider.SetStoreConfig(p.prefix+name, c)
}

// GetStoreConfig returns the configuration of the store prefix+name.
func (p prefixedStores) GetStoreConfig(name string) (storage.StoreConfiguration, error) {
	return p.Provider.GetStoreConfig(p.prefix + name)
}

// Close does nothing.
func (p prefixedStores) Close() error { return nil }

// connectionLookup reads aries' connection records in the issuer's wallet.
func connectionLookup(w *wallet.Wallet) (*connection.Lookup, error) {
	l, err := connection.NewLookup(stateProvider{w: w})
	if err != nil {
		return nil, fmt.Errorf("connection records: %w", err)
	}
	return l, nil
}

// Connections lists the connections recorded in the issuer's wallet w
// (completed and in progress), by label and then id, with the subject DIDs
// issued on each. It works whether or not the issuer is serving on w.
func Connections(w *wallet.Wallet) ([]Connection, error) {
	lookup, err := connectionLookup(w)
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	recs, err := lookup.QueryConnectionRecords()
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	issued, err := records{w: w}.issued()
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	subjects := map[string][]string{}
	for _, x := range issued {
		if x.ConnectionID != "" && !contains(subjects[x.ConnectionID], x.Subject) {
			subjects[x.ConnectionID] = append(subjects[x.ConnectionID], x.Subject)
		}
	}
	out := make([]Connection, 0, len(recs))
	for _, r := range recs {
		out = append(out, Connection{
			ID: r.ConnectionID, TheirDID: r.TheirDID, Label: r.TheirLabel, State: r.State,
			Subjects: subjects[r.ConnectionID],
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Connections lists the issuer's connections (see the function
// Connections).
func (is *Issuer) Connections() ([]Connection, error) { return Connections(is.w) }

// resolveLearner finds the completed connection a learner is named by: its
// connection id, the learner's DID on it (their did:peer), or a DID the
// issuer issued a credential about on it (credentialSubject.id). conns is
// the issuer's connection list.
func resolveLearner(conns []Connection, learner string) (*Connection, error) {
	learner = strings.TrimSpace(learner)
	if learner == "" {
		return nil, fmt.Errorf("no learner named: %w", ErrNoConnection)
	}
	var found []*Connection
	for i := range conns {
		c := &conns[i]
		if c.ID == learner || c.TheirDID == learner || contains(c.Subjects, learner) {
			found = append(found, c)
		}
	}
	var done []*Connection
	for _, c := range found {
		if c.State == didexsvc.StateIDCompleted {
			done = append(done, c)
		}
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("learner %q: %w (not a connection id, nor the DID of a connection or of a learner issued to here)", learner, ErrNoConnection)
	case len(done) == 0:
		return nil, fmt.Errorf("learner %q: %w (the connection is %s, not completed)", learner, ErrNoConnection, found[0].State)
	case len(done) > 1:
		ids := make([]string, len(done))
		for i, c := range done {
			ids[i] = c.ID
		}
		return nil, fmt.Errorf("learner %q: %w (%s)", learner, ErrAmbiguousLearner, strings.Join(ids, ", "))
	}
	return done[0], nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
