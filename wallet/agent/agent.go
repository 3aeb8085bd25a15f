package agent

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	mediatorclient "github.com/hyperledger/aries-framework-go/pkg/client/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/client/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/dispatcher"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/presentproof"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries/api"
	"github.com/hyperledger/aries-framework-go/pkg/store/connection"
	jsonld "github.com/piprate/json-gold/ld"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/didcomm"
	"github.com/skillpass/skillpass/wallet/ld"
)

// DefaultListen is the address a wallet's first agent listens on when
// Options.Listen is empty: the loopback interface and a port the system
// picks. Later runs reuse the address of the last one.
const DefaultListen = "127.0.0.1:0"

// configBucket is the agent bucket for the agent's own settings;
// configListen keeps the address the last run listened on.
const (
	configBucket = "config"
	configListen = "listen"
)

// DefaultLabel is the name the agent gives itself in DID Exchange when
// Options.Label is empty.
const DefaultLabel = "Skillpass learner"

// DefaultTimeout is how long Connect, Accept and Decline wait for the other
// side when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// MaxMessageBytes is the largest DIDComm message the inbound transport reads.
const MaxMessageBytes = didcomm.MaxMessageBytes

var (
	// ErrPortTaken is returned by New when the listen address is in use.
	// It is didcomm.ErrPortTaken.
	ErrPortTaken = didcomm.ErrPortTaken
	// ErrInvalidInvitation is returned (wrapped, with the reason) for input
	// that is not a usable out-of-band invitation.
	ErrInvalidInvitation = errors.New("not a usable invitation")
	// ErrTimeout is returned when the other side did not answer in time.
	ErrTimeout = errors.New("timed out waiting for the other side")
	// ErrClosed is returned by calls on a closed Agent.
	ErrClosed = errors.New("agent is closed")
	// ErrNoOffer is returned when an offer id matches nothing.
	ErrNoOffer = errors.New("no such offer")
	// ErrAmbiguous is returned when an offer id prefix matches several offers.
	ErrAmbiguous = errors.New("offer id prefix matches several offers")
	// ErrNotPending is returned by Accept and Decline for an offer that was
	// already answered.
	ErrNotPending = errors.New("the offer was already answered")
	// ErrRejected is returned by Accept when the credential the issuer sent
	// was refused (it did not verify or did not match the offer). Nothing was
	// stored.
	ErrRejected = errors.New("the credential was refused")
	// ErrWithdrawn is returned by Accept when the issuer ended the exchange.
	ErrWithdrawn = errors.New("the issuer ended the exchange")
)

// Options configures New. The zero value is ready to use.
type Options struct {
	// Listen is the TCP address of the inbound HTTP transport. The default is
	// the address the agent listened on last time (kept in the wallet, since
	// the wallet's connections send to it), or DefaultListen the first time.
	Listen string
	// Endpoint is the public URL issuers reach this agent at (default
	// http://<the listener's address>). Set it when the agent sits behind a
	// proxy or a port mapping, and keep it across runs: connections made
	// earlier send to the endpoint they were given.
	Endpoint string
	// Label is the name the agent gives itself to inviters (default
	// DefaultLabel).
	Label string
	// Timeout bounds how long Connect, Accept and Decline wait for the other
	// side (default DefaultTimeout); the context passed to them may end the
	// wait sooner.
	Timeout time.Duration
	// HTTPClient sends outbound messages (default: a client of its own with a
	// 20 s timeout; never http.DefaultClient).
	HTTPClient *http.Client
	// Loader loads JSON-LD contexts for aries (default ld.NewLoader(): the
	// embedded contexts only, never the network).
	Loader jsonld.DocumentLoader
	// OnOffer, when set, is called after an offer arrives or changes state,
	// from the goroutine that changed it, in order. It must return quickly
	// and must not call Accept or Decline itself (hand them to another
	// goroutine).
	OnOffer func(Offer)
	// OnRequest, when set, is called after a presentation request arrives
	// or changes state, like OnOffer (it must not call Share or
	// DeclineRequest itself).
	OnRequest func(Request)
	// Now is the clock for offer timestamps (default time.Now).
	Now func() time.Time
	// OnDrop, when set, is called for every inbound message the agent
	// refuses before aries sees it (not authcrypt, not from the connection it
	// claims, a replay, expired or malformed; see package wallet/didcomm),
	// from the goroutine serving the request. It must return quickly.
	OnDrop func(Dropped)
	// OnPickup, when set, is called once the pickup every start runs (when
	// a mediator is set up; see Pickup) has ended, with the number of
	// messages delivered and the error that ended it, if any.
	OnPickup func(delivered int, err error)
}

// Agent is the learner's DIDComm agent on an open wallet. Its methods are
// safe for concurrent use.
type Agent struct {
	w    *wallet.Wallet
	opts Options

	fw     *aries.Aries
	in     *didcomm.Inbound
	client *http.Client
	oob    *outofband.Client
	didex  *didexchange.Client
	conns  *connection.Lookup
	ic     *issuecredential.Service
	pp     *presentproof.Service
	route  *mediatorclient.Client
	pickup *messagepickup.Client

	icActions  chan service.DIDCommAction
	ppActions  chan service.DIDCommAction
	didActions chan service.DIDCommAction
	didStates  chan service.StateMsg
	done       chan struct{}
	wg         sync.WaitGroup

	offerMu   sync.Mutex // serialises changes of offer records
	pickupMu  sync.Mutex // serialises pickups
	requestMu sync.Mutex // serialises changes of request records

	mu      sync.Mutex              // guards the fields below
	changed chan struct{}           // closed and replaced on every change
	reasons map[string]string       // thread id -> reason for our next problem report
	sends   map[string][]chan error // thread id -> waiters for our next messages, in order
	asking  map[didcomm.Pair]bool   // connections (by DIDs) UseMediator asks for mediation
	closed  bool
	closeMu sync.Mutex // serialises Close
}

// New starts the agent on w: an aries framework over the wallet's store and
// keys, serving DIDComm over HTTP on opts.Listen. A taken port gives
// ErrPortTaken. Close the Agent before the wallet.
func New(w *wallet.Wallet, opts Options) (*Agent, error) {
	if w == nil {
		return nil, errors.New("start agent: no wallet")
	}
	explicit := opts.Listen != ""
	if !explicit {
		opts.Listen = DefaultListen
		if v, err := w.AgentGet(configBucket, configListen); err == nil && len(v) > 0 {
			opts.Listen = string(v)
		}
	}
	if opts.Label == "" {
		opts.Label = DefaultLabel
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Loader == nil {
		l, err := ld.NewLoader()
		if err != nil {
			return nil, fmt.Errorf("start agent: %w", err)
		}
		opts.Loader = l
	}
	client := opts.HTTPClient
	if client == nil {
		client = didcomm.NewHTTPClient()
	}
	in, err := listen(opts.Listen, opts.Endpoint)
	if err != nil {
		if !explicit && opts.Listen != DefaultListen && errors.Is(err, ErrPortTaken) {
			err = fmt.Errorf("%w; the wallet's connections expect it here (free the port, or pass another address and connect again)", err)
		}
		return nil, fmt.Errorf("start agent: %w", err)
	}
	if err := w.AgentPut(configBucket, configListen, []byte(in.Addr())); err != nil {
		_ = in.Stop()
		return nil, fmt.Errorf("start agent: %w", err)
	}
	a := &Agent{
		w: w, opts: opts, in: in, client: client,
		icActions:  make(chan service.DIDCommAction, 16),
		ppActions:  make(chan service.DIDCommAction, 16),
		didActions: make(chan service.DIDCommAction, 4),
		didStates:  make(chan service.StateMsg, 64),
		done:       make(chan struct{}),
		changed:    make(chan struct{}),
		reasons:    map[string]string{},
		sends:      map[string][]chan error{},
		asking:     map[didcomm.Pair]bool{},
	}
	if err := a.start(); err != nil {
		_ = in.Stop()
		close(a.done)
		a.wg.Wait()
		if a.fw != nil {
			_ = a.fw.Close()
		}
		return nil, fmt.Errorf("start agent: %w", err)
	}
	return a, nil
}

// start builds the framework and the clients, registers for events,
// reconciles what a previous run left and starts the event loop.
func (a *Agent) start() error {
	var err error
	a.fw, err = didcomm.NewFramework(didcomm.Config{
		Wallet: a.w, StatePrefix: stateStorePrefix, Inbound: a.in, Client: a.client, Loader: a.opts.Loader,
		Guard: a.guardOptions(),
	}, aries.WithProtocols(a.issueCredentialService(), a.presentProofService()))
	if err != nil {
		return err
	}
	ctx, err := a.fw.Context()
	if err != nil {
		return fmt.Errorf("aries context: %w", err)
	}
	if a.ic == nil || a.pp == nil {
		return errors.New("aries did not initialise our issue-credential and present-proof services")
	}
	if a.oob, err = outofband.New(ctx); err != nil {
		return fmt.Errorf("out-of-band client: %w", err)
	}
	if a.didex, err = didexchange.New(ctx); err != nil {
		return fmt.Errorf("did exchange client: %w", err)
	}
	if a.conns, err = connection.NewLookup(ctx); err != nil {
		return fmt.Errorf("connection store: %w", err)
	}
	if a.route, err = mediatorclient.New(ctx, mediatorclient.WithTimeout(a.opts.Timeout)); err != nil {
		return fmt.Errorf("mediator client: %w", err)
	}
	if a.pickup, err = messagepickup.New(ctx); err != nil {
		return fmt.Errorf("message pickup client: %w", err)
	}
	if err := a.ic.RegisterActionEvent(a.icActions); err != nil {
		return fmt.Errorf("issue-credential events: %w", err)
	}
	if err := a.pp.RegisterActionEvent(a.ppActions); err != nil {
		return fmt.Errorf("present-proof events: %w", err)
	}
	if err := a.didex.RegisterActionEvent(a.didActions); err != nil {
		return fmt.Errorf("did exchange events: %w", err)
	}
	if err := a.didex.RegisterMsgEvent(a.didStates); err != nil {
		return fmt.Errorf("did exchange events: %w", err)
	}
	if err := a.reconcile(); err != nil {
		return err
	}
	if err := a.reconcileRequests(); err != nil {
		return err
	}
	a.wg.Add(1)
	go a.loop()
	// Messages may come in only now that someone handles them.
	if err := a.in.Serve(); err != nil {
		return err
	}
	a.wg.Add(1)
	go a.pickupOnStart()
	return nil
}

// issueCredentialService registers our own issue-credential service: no
// middleware (aries' default one stores a second copy of each credential)
// and a Messenger wrapper (see messenger).
func (a *Agent) issueCredentialService() api.ProtocolSvcCreator {
	return api.ProtocolSvcCreator{
		Create: func(api.Provider) (dispatcher.ProtocolService, error) {
			return &issuecredential.Service{}, nil
		},
		Init: func(svc dispatcher.ProtocolService, prv api.Provider) error {
			ic, ok := svc.(*issuecredential.Service)
			if !ok {
				return fmt.Errorf("issue-credential service has type %T", svc)
			}
			m := &messenger{Messenger: prv.Messenger(), a: a}
			if err := ic.Initialize(withMessenger{Provider: prv, m: m}); err != nil {
				return fmt.Errorf("issue-credential service: %w", err)
			}
			a.ic = ic
			return nil
		},
	}
}

// withMessenger hands a protocol service our Messenger instead of aries'.
type withMessenger struct {
	api.Provider
	m service.Messenger
}

func (p withMessenger) Messenger() service.Messenger { return p.m }

// Endpoint returns the URL issuers reach this agent at.
func (a *Agent) Endpoint() string { return a.in.Endpoint() }

// Addr returns the address the inbound transport listens on.
func (a *Agent) Addr() string { return a.in.Addr() }

// Close stops the agent: no new messages are accepted, messages being
// handled are finished, and nothing of the agent touches the wallet after
// Close returns. It does not close the wallet. Calling Close again returns
// nil.
func (a *Agent) Close() error {
	a.closeMu.Lock()
	defer a.closeMu.Unlock()
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	a.mu.Unlock()

	errIn := a.in.Stop()
	// aries sends from a goroutine of its own: let the replies we started
	// (requests, acks, problem reports) leave before the wallet may close.
	a.drain(shutdownGrace)
	close(a.done)
	a.wg.Wait()
	_ = a.ic.UnregisterActionEvent(a.icActions)
	_ = a.pp.UnregisterActionEvent(a.ppActions)
	_ = a.didex.UnregisterActionEvent(a.didActions)
	_ = a.didex.UnregisterMsgEvent(a.didStates)
	errFw := a.fw.Close()
	a.client.CloseIdleConnections()
	if err := errors.Join(errIn, errFw); err != nil {
		return fmt.Errorf("close agent: %w", err)
	}
	return nil
}

// loop handles the events aries reports until Close.
func (a *Agent) loop() {
	defer a.wg.Done()
	for {
		select {
		case <-a.done:
			return
		case act := <-a.icActions:
			a.handleAction(fromEvent(act))
		case act := <-a.ppActions:
			a.handleProofAction(fromEvent(act))
		case act := <-a.didActions:
			// The learner never invites anyone, so an exchange request is
			// not one the learner started.
			act.Stop(errors.New("this wallet does not accept connection requests"))
		case <-a.didStates:
			a.notify()
		}
	}
}

// notify wakes everything waiting for a change.
func (a *Agent) notify() {
	a.mu.Lock()
	close(a.changed)
	a.changed = make(chan struct{})
	a.mu.Unlock()
}

// changes returns a channel closed at the next change.
func (a *Agent) changes() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.changed
}

// pollInterval bounds how long a waiter sleeps between checks when no
// event wakes it.
const pollInterval = 100 * time.Millisecond

// waitUntil calls check until it reports done or fails, waking on every
// change and at least every pollInterval, until ctx ends, the agent closes
// or deadline passes (ErrTimeout).
func (a *Agent) waitUntil(ctx context.Context, deadline time.Time, check func() (bool, error)) error {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		ch := a.changes()
		done, err := check()
		if done || err != nil {
			return err
		}
		select {
		case <-ch:
		case <-tick.C:
		case <-ctx.Done():
			return ctx.Err()
		case <-a.done:
			return ErrClosed
		case <-timer.C:
			return fmt.Errorf("%w (%s)", ErrTimeout, a.opts.Timeout)
		}
	}
}

// isClosed reports whether Close has begun.
func (a *Agent) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}
