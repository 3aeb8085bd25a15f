package agent

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// pickupResult is what Options.OnPickup reported.
type pickupResult struct {
	n   int
	err error
}

// TestMediatorPickup: the learner registers with a mediator; a connection
// made afterwards gives issuers the mediator's endpoint; an offer sent
// while the learner's agent is stopped waits at the mediator and is in the
// inbox after the next start; and the credential can then be accepted.
func TestMediatorPickup(t *testing.T) {
	med := controltest.NewMediator(t)
	is := newIssuer(t)
	l := newLearner(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	_, err := l.a.Mediator()
	require.ErrorIs(t, err, ErrNoMediator)
	_, err = l.a.Pickup(ctx)
	require.ErrorIs(t, err, ErrNoMediator)

	m, err := l.a.UseMediator(ctx, med.Invitation(t))
	require.NoError(t, err)
	require.Equal(t, med.Endpoint(), m.Endpoint)
	require.Len(t, m.RoutingKeys, 1)
	require.Equal(t, controltest.MediatorLabel, m.Label)
	// Nothing was ever held for the learner: aries' mediator stays silent,
	// and pickup says nothing waits instead of hanging on aries' 50 s.
	n, err := l.a.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// A new connection: the issuer sees the mediator's endpoint and
	// routing key in the learner's DID document.
	invID, link := is.invitation(t)
	_, err = l.a.Connect(ctx, link)
	require.NoError(t, err)
	issuerConn := is.connectionFor(t, invID)
	rec, err := is.didex.GetConnection(issuerConn)
	require.NoError(t, err)
	isCtx, err := is.fw.Context()
	require.NoError(t, err)
	dest, err := service.GetDestination(rec.TheirDID, isCtx.VDRegistry())
	require.NoError(t, err)
	uri, err := dest.ServiceEndpoint.URI()
	require.NoError(t, err)
	require.Equal(t, m.Endpoint, uri, "issuers send to the mediator")
	require.Equal(t, m.RoutingKeys, dest.RoutingKeys)

	// While the agent runs, the mediator forwards at once.
	online := is.offer(t, issuerConn, 21)
	waitOffer(t, l.a, online, OfferPending)
	require.Zero(t, med.Queued(t))

	// Stopped: the offer waits at the mediator.
	l.stopAgent(t)
	offline := is.offer(t, issuerConn, 22)
	require.Eventually(t, func() bool { return med.Queued(t) == 1 },
		15*time.Second, 20*time.Millisecond, "the mediator holds the offer")

	picked := make(chan pickupResult, 1)
	l.reopen(t, Options{OnPickup: func(n int, err error) { picked <- pickupResult{n, err} }})
	got, err := l.a.Mediator()
	require.NoError(t, err)
	require.Equal(t, m.ConnectionID, got.ConnectionID, "the mediator is kept in the wallet")
	select {
	case r := <-picked:
		require.NoError(t, r.err)
		require.Equal(t, 1, r.n)
	case <-time.After(30 * time.Second):
		t.Fatal("no pickup at start")
	}
	o := waitOffer(t, l.a, offline, OfferPending)
	require.Equal(t, "Teamwork Badge", o.Name)
	require.Zero(t, med.Queued(t))

	// Nothing more waits: a second pickup delivers nothing.
	n, err = l.a.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n)

	// The credential answering the offer comes through the mediator too.
	stored, err := l.a.Accept(ctx, offline)
	require.NoError(t, err)
	require.Equal(t, OfferStored, stored.State)
	cred, err := l.w.Get(stored.CredentialID)
	require.NoError(t, err)
	require.True(t, cred.Verified)
}

// TestMediatorCannotInject: what a mediator delivers passes the same guard
// as a message over HTTP. An anonymous offer (anyone can have a mediator
// queue one) and a replay of a delivered message are dropped, and nothing
// reaches the inbox.
func TestMediatorCannotInject(t *testing.T) {
	med := controltest.NewMediator(t)
	var mu sync.Mutex
	var drops []Dropped
	l := newLearner(t, Options{OnDrop: func(d Dropped) { mu.Lock(); drops = append(drops, d); mu.Unlock() }})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := l.a.UseMediator(ctx, med.Invitation(t))
	require.NoError(t, err)

	med.QueueAnonymous(t, []byte(`{"@type":"https://didcomm.org/issue-credential/2.0/offer-credential","@id":"forged-1","comment":"free badge"}`))
	require.Equal(t, 1, med.Queued(t))

	n, err := l.a.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "the forged offer is not delivered")
	require.Zero(t, med.Queued(t))
	mu.Lock()
	require.Len(t, drops, 1)
	require.Equal(t, "forged-1", drops[0].ID)
	require.ErrorIs(t, drops[0].Reason, didcomm.ErrNotAuthenticated)
	mu.Unlock()
	offers, err := l.a.Offers()
	require.NoError(t, err)
	require.Empty(t, offers)
}
