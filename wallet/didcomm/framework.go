package didcomm

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/dispatcher"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries/api"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	jsonld "github.com/piprate/json-gold/ld"

	"github.com/skillpass/skillpass/wallet"
)

// Config is what NewFramework builds aries from. Every field is required.
type Config struct {
	// Wallet holds aries' stores (wallet.AgentStorage) and keys
	// (wallet.AgentKMS). It must stay open until the framework is closed.
	Wallet *wallet.Wallet
	// StatePrefix starts the names of aries' protocol-state stores in the
	// wallet file, to keep them apart from the permanent stores of the same
	// names (and from another framework's on the same wallet).
	StatePrefix string
	// Inbound is the inbound transport (see Listen).
	Inbound *Inbound
	// Client sends outbound messages over HTTP, and dials WebSocket
	// endpoints (see WSOutbound).
	Client *http.Client
	// Loader loads JSON-LD contexts for aries.
	Loader jsonld.DocumentLoader
	// Guard tunes the checks every inbound message passes (optional; see
	// Inbound.Protect).
	Guard GuardOptions
}

// NewFramework starts an aries framework on cfg.Wallet's store and KMS with
// tink crypto, cfg.Inbound and HTTP and WebSocket (send-only, WSOutbound)
// outbound transports on cfg.Client;
// extra options (protocols, for example) come after ours. aries calls
// cfg.Inbound.Start here; NewFramework then protects cfg.Inbound with its
// guard (cfg.Guard); the Inbound serves only after Serve.
func NewFramework(cfg Config, extra ...aries.Option) (*aries.Aries, error) {
	if cfg.Wallet == nil || cfg.Inbound == nil || cfg.Client == nil || cfg.Loader == nil || cfg.StatePrefix == "" {
		return nil, errors.New("aries: incomplete configuration")
	}
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(cfg.Client))
	if err != nil {
		return nil, fmt.Errorf("http outbound: %w", err)
	}
	wsOut, err := NewWSOutbound(cfg.Client)
	if err != nil {
		return nil, err
	}
	cr, err := tinkcrypto.New()
	if err != nil {
		return nil, fmt.Errorf("crypto: %w", err)
	}
	km, err := cfg.Wallet.AgentKMS()
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	store := cfg.Wallet.AgentStorage()
	opts := append([]aries.Option{
		aries.WithStoreProvider(store),
		aries.WithProtocolStateStoreProvider(prefixed{Provider: store, prefix: cfg.StatePrefix}),
		aries.WithKMS(func(kms.Provider) (kms.KeyManager, error) { return km, nil }),
		aries.WithCrypto(cr),
		aries.WithInboundTransport(cfg.Inbound),
		aries.WithOutboundTransports(out, wsOut),
		aries.WithJSONLDDocumentLoader(cfg.Loader),
		aries.WithProtocols(guardedPickup(cfg.Inbound)),
	}, extra...)
	fw, err := aries.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("aries: %w", err)
	}
	ctx, err := fw.Context()
	if err == nil {
		err = cfg.Inbound.Protect(ctx, cfg.Guard)
	}
	if err != nil {
		_ = fw.Close()
		return nil, fmt.Errorf("aries: %w", err)
	}
	return fw, nil
}

// guardedPickup registers our own message pickup (RFC 0212) service: aries'
// own, but handing the messages a batch delivers to the guarded handler (see
// guard.go, rule 4) instead of the framework's, which would take them
// unchecked. Options come before aries' defaults, so aries finds this one
// first, both for the messages it dispatches and for the route service's
// look-up by name; aries' default one is created too and never used.
func guardedPickup(in *Inbound) api.ProtocolSvcCreator {
	return api.ProtocolSvcCreator{
		Create: func(api.Provider) (dispatcher.ProtocolService, error) {
			return &messagepickup.Service{}, nil
		},
		Init: func(svc dispatcher.ProtocolService, prv api.Provider) error {
			mp, ok := svc.(*messagepickup.Service)
			if !ok {
				return fmt.Errorf("message pickup service has type %T", svc)
			}
			if err := mp.Initialize(pickupProvider{Provider: prv, g: guarded{Provider: prv, in: in}}); err != nil {
				return fmt.Errorf("message pickup service: %w", err)
			}
			return nil
		},
	}
}

// pickupProvider is the framework's provider with the guarded inbound
// handler and the safe packager.
type pickupProvider struct {
	api.Provider
	g guarded
}

// InboundMessageHandler returns the guard in front of the framework's
// handler.
func (p pickupProvider) InboundMessageHandler() transport.InboundMessageHandler {
	return p.g.InboundMessageHandler()
}

// Packager returns the framework's packager, made safe (see safePackager).
func (p pickupProvider) Packager() transport.Packager { return p.g.Packager() }

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
