package agent

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
)

// Connection is a DIDComm connection of the learner's.
type Connection struct {
	ID           string `json:"id"`
	State        string `json:"state"` // "completed" once usable; DID Exchange states before
	TheirLabel   string `json:"theirLabel,omitempty"`
	TheirDID     string `json:"theirDid,omitempty"`
	MyDID        string `json:"myDid,omitempty"`
	InvitationID string `json:"invitationId,omitempty"`
}

// Connect accepts the invitation in data (see ParseInvitation) and returns
// the id of the connection once DID Exchange has completed, or an error when
// the inviter does not complete it within Options.Timeout (ErrTimeout) or
// before ctx ends.
func (a *Agent) Connect(ctx context.Context, data []byte) (string, error) {
	inv, err := ParseInvitation(data)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	return a.ConnectInvitation(ctx, inv)
}

// ConnectInvitation is Connect for an invitation already parsed. When the
// learner uses a mediator (UseMediator), the new connection receives
// through it.
func (a *Agent) ConnectInvitation(ctx context.Context, inv *Invitation) (string, error) {
	return a.connect(ctx, inv, true)
}

// connect runs DID Exchange on inv, through the mediator when viaMediator
// and the learner has one.
func (a *Agent) connect(ctx context.Context, inv *Invitation, viaMediator bool) (string, error) {
	if inv == nil || inv.inv == nil {
		return "", fmt.Errorf("connect: %w: no invitation", ErrInvalidInvitation)
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return "", fmt.Errorf("connect: %w", ErrClosed)
	}
	who := inv.Label
	if who == "" {
		who = "the inviter"
	}
	// An invitation already accepted is not accepted again: the learner
	// (or `make demo`, at every start) would get a second connection to
	// the same issuer, and its offers twice. The connection made from it
	// is used (as RFC 0434's handshake reuse intends).
	if id, ok, err := a.connectedBy(inv.inv.ID); err != nil {
		return "", fmt.Errorf("connect to %s: %w", who, err)
	} else if ok {
		return id, nil
	}
	// aries keeps a reference to the invitation: hand it a copy.
	cp := *inv.inv
	var opts []outofband.MessageOption
	if viaMediator {
		if routers := a.routerConnections(); len(routers) > 0 {
			opts = append(opts, outofband.WithRouterConnections(routers...))
		}
	}
	connID, err := a.oob.AcceptInvitation(&cp, a.opts.Label, opts...)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", who, err)
	}
	var state string
	err = a.waitUntil(ctx, time.Now().Add(a.opts.Timeout), func() (bool, error) {
		c, err := a.didex.GetConnection(connID)
		if errors.Is(err, didexchange.ErrConnectionNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		state = c.State
		switch state {
		case didexsvc.StateIDCompleted:
			return true, nil
		case didexsvc.StateIDAbandoned:
			return false, fmt.Errorf("%s abandoned the connection", who)
		}
		return false, nil
	})
	if errors.Is(err, ErrTimeout) {
		return "", fmt.Errorf("connect to %s: %w: no answer from %s (connection %s stuck at %q)",
			who, err, endpointList(inv), connID, state)
	}
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", who, err)
	}
	return connID, nil
}

// connectedBy returns the completed connection made from the out-of-band
// invitation with id invID, if there is one (aries records an invitation's
// id as its connection's parent thread).
func (a *Agent) connectedBy(invID string) (string, bool, error) {
	if invID == "" {
		return "", false, nil
	}
	recs, err := a.didex.QueryConnections(&didexchange.QueryConnectionsParams{ParentThreadID: invID})
	if err != nil {
		return "", false, err
	}
	for _, r := range recs {
		if r.ParentThreadID == invID && r.State == didexsvc.StateIDCompleted {
			return r.ConnectionID, true, nil
		}
	}
	return "", false, nil
}

// endpointList names the invitation's endpoints for an error message.
func endpointList(inv *Invitation) string {
	switch len(inv.Endpoints) {
	case 0:
		return "the inviter"
	case 1:
		return inv.Endpoints[0]
	default:
		return fmt.Sprintf("%s and %d more", inv.Endpoints[0], len(inv.Endpoints)-1)
	}
}

// Connections lists the learner's connections (completed and in progress),
// by label and then id.
func (a *Agent) Connections() ([]Connection, error) {
	if a.isClosed() {
		return nil, fmt.Errorf("list connections: %w", ErrClosed)
	}
	recs, err := a.didex.QueryConnections(&didexchange.QueryConnectionsParams{})
	if err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	out := make([]Connection, 0, len(recs))
	for _, r := range recs {
		out = append(out, Connection{
			ID: r.ConnectionID, State: r.State, TheirLabel: r.TheirLabel,
			TheirDID: r.TheirDID, MyDID: r.MyDID, InvitationID: r.InvitationID,
		})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].TheirLabel != out[j].TheirLabel {
			return out[i].TheirLabel < out[j].TheirLabel
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}
