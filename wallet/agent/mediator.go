package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// Mediation (RFC 0211 coordinate-mediation 1.0, RFC 0212 pickup 1.0)
//
// A learner's desktop is often off or behind a network that issuers cannot
// reach. A mediator is an agent that is always on: UseMediator connects to
// it from its invitation and asks it to mediate (mediate-request; aries'
// route service waits for the grant, which names the mediator's endpoint
// and routing keys). From then on every new connection's DID document
// gives the mediator's endpoint and routing keys (aries' DID Exchange adds
// the connection's key to the mediator's key list), so issuers send to the
// mediator, which forwards to the learner's own endpoint while the agent
// runs and keeps the message while it cannot. At every start, and on
// Pickup, the agent asks the mediator for what it holds (status-request,
// then batch-pickup) and handles each message as if it had arrived over
// HTTP: every one passes the same guard (package wallet/didcomm, rule 4).
// Connections made before UseMediator keep sending to the learner directly.
//
// aries' mediator deletes the messages it hands over in a batch before the
// batch arrives: a message lost on the way, or refused by the guard, is not
// delivered again.

// configMediator keeps the mediator the learner uses (a mediatorConfig).
const configMediator = "mediator"

// pickupBatchSize is how many messages one batch-pickup asks for;
// maxPickupRounds bounds the batches one Pickup takes.
const (
	pickupBatchSize = 25
	// pickupStatusWait bounds the wait for the mediator's status answer.
	// aries' mediator answers a status request only once it has held a
	// message for this learner; before that it stays silent (and aries'
	// client would wait 50 s), so silence means nothing waits there.
	pickupStatusWait = 5 * time.Second
	maxPickupRounds  = 40
)

var (
	// ErrNoMediator is returned by Mediator and Pickup when the learner
	// uses no mediator.
	ErrNoMediator = errors.New("no mediator is set up (see UseMediator)")
	// ErrMediatorRefused is returned (wrapped) by UseMediator when the
	// mediator did not grant mediation in time.
	ErrMediatorRefused = errors.New("the mediator did not grant mediation")
)

// Mediator is the mediator the learner's agent uses.
type Mediator struct {
	// ConnectionID is the learner's connection with the mediator.
	ConnectionID string `json:"connectionId"`
	// Label is the name the mediator gave itself in its invitation.
	Label string `json:"label,omitempty"`
	// Endpoint is where issuers send the learner's messages now.
	Endpoint string `json:"endpoint"`
	// RoutingKeys are the mediator's keys that issuers wrap messages for.
	RoutingKeys []string `json:"routingKeys,omitempty"`
	// Since is when the mediator granted mediation.
	Since time.Time `json:"since"`
	// MyDID and TheirDID are the DIDs of the connection with the mediator.
	MyDID    string `json:"myDid"`
	TheirDID string `json:"theirDid"`
}

// UseMediator connects to the mediator whose invitation is in data (see
// ParseInvitation), asks it to mediate and keeps it in the wallet, so that
// connections made from now on (in this run and later ones) receive
// through it and every start picks up what it holds. A mediator set up
// before is replaced for new connections; connections made through it keep
// using it (and Pickup then no longer asks it).
func (a *Agent) UseMediator(ctx context.Context, data []byte) (*Mediator, error) {
	inv, err := ParseInvitation(data)
	if err != nil {
		return nil, fmt.Errorf("use mediator: %w", err)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	connID, err := a.connect(ctx, inv, false)
	if err != nil {
		return nil, fmt.Errorf("use mediator: %w", err)
	}
	rec, err := a.didex.GetConnection(connID)
	if err != nil {
		return nil, fmt.Errorf("use mediator: %w", err)
	}
	// The guard knows a connection by its DIDs (aries may hold more than
	// one record for a pair, and the guard finds one of them).
	pair := didcomm.Pair{MyDID: rec.MyDID, TheirDID: rec.TheirDID}
	a.mu.Lock()
	a.asking[pair] = true
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		delete(a.asking, pair)
		a.mu.Unlock()
	}()
	// aries' Register is not cancellable: it waits for the grant at most
	// Options.Timeout (whole seconds, at least one).
	done := make(chan error, 1)
	go func() { done <- a.route.Register(connID) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		return nil, fmt.Errorf("use mediator: %w", ctx.Err())
	case <-a.done:
		return nil, fmt.Errorf("use mediator: %w", ErrClosed)
	}
	if err != nil {
		return nil, fmt.Errorf("use mediator %s: %w: %w", orDefault(inv.Label, connID), ErrMediatorRefused, err)
	}
	conf, err := a.route.GetConfig(connID)
	if err != nil {
		return nil, fmt.Errorf("use mediator: %w", err)
	}
	m := &Mediator{
		ConnectionID: connID, Label: inv.Label, Endpoint: conf.Endpoint(),
		RoutingKeys: conf.Keys(), Since: a.opts.Now().UTC(),
		MyDID: rec.MyDID, TheirDID: rec.TheirDID,
	}
	raw, err := json.Marshal(m)
	if err == nil {
		err = a.w.AgentPut(configBucket, configMediator, raw)
	}
	if err != nil {
		return nil, fmt.Errorf("use mediator: keep it in the wallet: %w", err)
	}
	return m, nil
}

// Mediator returns the mediator the agent uses, or ErrNoMediator.
func (a *Agent) Mediator() (*Mediator, error) {
	raw, err := a.w.AgentGet(configBucket, configMediator)
	if errors.Is(err, wallet.ErrAgentRecordNotFound) {
		return nil, ErrNoMediator
	}
	if err != nil {
		return nil, fmt.Errorf("read mediator: %w", err)
	}
	var m Mediator
	if err := json.Unmarshal(raw, &m); err != nil || m.ConnectionID == "" || m.MyDID == "" || m.TheirDID == "" {
		return nil, fmt.Errorf("read mediator: the wallet's record is damaged")
	}
	return &m, nil
}

// isMediator is the guard's mediator check: a connection (by its DIDs) is
// the learner's mediator when it is the one kept in the wallet or one
// UseMediator is asking right now.
func (a *Agent) isMediator(p didcomm.Pair) (bool, error) {
	if p.MyDID == "" || p.TheirDID == "" {
		return false, nil
	}
	key := didcomm.Pair{MyDID: p.MyDID, TheirDID: p.TheirDID}
	a.mu.Lock()
	asking := a.asking[key]
	a.mu.Unlock()
	if asking {
		return true, nil
	}
	m, err := a.Mediator()
	if errors.Is(err, ErrNoMediator) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return m.MyDID == p.MyDID && m.TheirDID == p.TheirDID, nil
}

// Pickup asks the mediator for the messages it holds for the learner and
// handles them (offers land in the inbox as usual); it returns how many
// were delivered and passed the guard. It returns ErrNoMediator when there
// is no mediator. Every start of the agent runs it once in the background
// (see Options.OnPickup).
func (a *Agent) Pickup(ctx context.Context) (int, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return 0, fmt.Errorf("pick up: %w", ErrClosed)
	}
	m, err := a.Mediator()
	if err != nil {
		return 0, fmt.Errorf("pick up: %w", err)
	}
	a.pickupMu.Lock()
	defer a.pickupMu.Unlock()
	total := 0
	for round := 0; round < maxPickupRounds; round++ {
		var waiting int
		sctx, cancel := context.WithTimeout(ctx, pickupStatusWait)
		err := a.await(sctx, func() error {
			st, err := a.pickup.StatusRequest(m.ConnectionID)
			if err == nil {
				waiting = st.MessageCount
			}
			return err
		})
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return total, nil // no answer: the mediator holds nothing for us (see pickupStatusWait)
		}
		if err != nil {
			return total, fmt.Errorf("pick up from %s: %w", orDefault(m.Label, "the mediator"), err)
		}
		if waiting <= 0 {
			return total, nil
		}
		var n int
		err = a.await(ctx, func() error {
			var err error
			n, err = a.pickup.BatchPickup(m.ConnectionID, min(waiting, pickupBatchSize))
			return err
		})
		if err != nil {
			return total, fmt.Errorf("pick up from %s: %w", orDefault(m.Label, "the mediator"), err)
		}
		total += max(n, 0)
	}
	return total, nil
}

// await runs f, which may block (aries' pickup calls wait up to 50 s and
// cannot be cancelled), until it returns, ctx ends or the agent closes.
func (a *Agent) await(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-a.done:
		return ErrClosed
	}
}

// pickupOnStart picks up what the mediator holds, once, at start.
func (a *Agent) pickupOnStart() {
	defer a.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-a.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	n, err := a.Pickup(ctx)
	if errors.Is(err, ErrNoMediator) {
		return
	}
	if a.opts.OnPickup != nil && !a.isClosed() {
		a.opts.OnPickup(n, err)
	}
}

// routerConnections returns the mediator's connection for a new connection,
// or nothing.
func (a *Agent) routerConnections() []string {
	m, err := a.Mediator()
	if err != nil {
		return nil
	}
	return []string{m.ConnectionID}
}
