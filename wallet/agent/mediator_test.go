package agent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	mediatorclient "github.com/hyperledger/aries-framework-go/pkg/client/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	anoncrypt "github.com/hyperledger/aries-framework-go/pkg/didcomm/packer/legacy/anoncrypt"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	mediatorsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	ariesctx "github.com/hyperledger/aries-framework-go/pkg/framework/context"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// plainInbound serves aries' HTTP inbound handler on a listener of the
// test's, with no guard: the mediator must take anonymous forwards.
type plainInbound struct {
	ln  net.Listener
	srv *http.Server
}

func (p *plainInbound) Start(prov transport.Provider) error {
	h, err := arieshttp.NewInboundHandler(prov)
	if err != nil {
		return err
	}
	p.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = p.srv.Serve(p.ln) }()
	return nil
}

func (p *plainInbound) Stop() error {
	if p.srv == nil {
		return p.ln.Close()
	}
	return p.srv.Close()
}

func (p *plainInbound) Endpoint() string { return "http://" + p.ln.Addr().String() }

// testMediator is aries' own mediator (route coordination and message
// pickup services) on 127.0.0.1 with in-memory stores: it accepts every
// connection and grants every mediation request.
type testMediator struct {
	fw    *aries.Aries
	ctx   *ariesctx.Provider
	in    *plainInbound
	store storage.Provider
	oob   *outofband.Client
	didex *didexchange.Client
	quit  chan struct{}
	wg    sync.WaitGroup
}

func newMediator(t testing.TB) *testMediator {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(didcomm.NewHTTPClient()))
	require.NoError(t, err)
	m := &testMediator{in: &plainInbound{ln: ln}, store: mem.NewProvider(), quit: make(chan struct{})}
	m.fw, err = aries.New(
		aries.WithStoreProvider(m.store),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(m.in),
		aries.WithOutboundTransports(out),
		aries.WithJSONLDDocumentLoader(testLoader(t)),
	)
	require.NoError(t, err)
	m.ctx, err = m.fw.Context()
	require.NoError(t, err)
	m.oob, err = outofband.New(m.ctx)
	require.NoError(t, err)
	m.didex, err = didexchange.New(m.ctx)
	require.NoError(t, err)
	route, err := mediatorclient.New(m.ctx)
	require.NoError(t, err)
	didActs := make(chan service.DIDCommAction, 8)
	routeActs := make(chan service.DIDCommAction, 8)
	require.NoError(t, m.didex.RegisterActionEvent(didActs))
	require.NoError(t, route.RegisterActionEvent(routeActs))
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		for {
			select {
			case <-m.quit:
				return
			case act := <-didActs:
				act.Continue(nil)
			case act := <-routeActs:
				act.Continue(mediatorsvc.Options{})
			}
		}
	}()
	t.Cleanup(func() {
		close(m.quit)
		m.wg.Wait()
		_ = m.in.Stop()
		_ = m.fw.Close()
	})
	return m
}

// invitation returns an out-of-band invitation link of the mediator's.
func (m *testMediator) invitation(t testing.TB) []byte {
	t.Helper()
	inv, err := m.oob.CreateInvitation(nil, outofband.WithLabel("Test mediator"),
		outofband.WithHandshakeProtocols(didexsvc.PIURI))
	require.NoError(t, err)
	raw, err := json.Marshal(inv)
	require.NoError(t, err)
	return []byte("https://mediator.example/?oob=" + base64.RawURLEncoding.EncodeToString(raw))
}

// client returns the mediator's only connection: the learner's DID there
// and its first DIDComm recipient key.
func (m *testMediator) client(t testing.TB) (theirDID string, key []byte) {
	t.Helper()
	conns, err := m.didex.QueryConnections(&didexchange.QueryConnectionsParams{})
	require.NoError(t, err)
	require.Len(t, conns, 1)
	dest, err := service.GetDestination(conns[0].TheirDID, m.ctx.VDRegistry())
	require.NoError(t, err)
	require.NotEmpty(t, dest.RecipientKeys)
	key, err = fingerprint.PubKeyFromDIDKey(dest.RecipientKeys[0])
	require.NoError(t, err)
	return conns[0].TheirDID, key
}

// queued returns how many messages the mediator holds for theirDID.
func (m *testMediator) queued(t testing.TB, theirDID string) int {
	t.Helper()
	st, err := m.store.OpenStore(messagepickup.Namespace)
	require.NoError(t, err)
	raw, err := st.Get(theirDID)
	if errors.Is(err, storage.ErrDataNotFound) {
		return 0
	}
	require.NoError(t, err)
	var box struct {
		Count int `json:"message_count"`
	}
	require.NoError(t, json.Unmarshal(raw, &box))
	return box.Count
}

// stopAgent stops l's agent and leaves its wallet open.
func (l *learner) stopAgent(t testing.TB) {
	t.Helper()
	require.NoError(t, l.a.Close())
	l.a = nil
}

// reopen closes l's wallet and opens it again with a new agent.
func (l *learner) reopen(t testing.TB, opts Options) {
	t.Helper()
	require.NoError(t, l.w.Close())
	l.w = nil
	w, err := wallet.Open(l.dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	l.w = w
	l.start(t, opts)
}

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
	med := newMediator(t)
	is := newIssuer(t)
	l := newLearner(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	_, err := l.a.Mediator()
	require.ErrorIs(t, err, ErrNoMediator)
	_, err = l.a.Pickup(ctx)
	require.ErrorIs(t, err, ErrNoMediator)

	m, err := l.a.UseMediator(ctx, med.invitation(t))
	require.NoError(t, err)
	require.Equal(t, med.in.Endpoint(), m.Endpoint)
	require.Len(t, m.RoutingKeys, 1)
	require.Equal(t, "Test mediator", m.Label)
	// Nothing was ever held for the learner: aries' mediator stays silent,
	// and pickup says nothing waits instead of hanging on aries' 50 s.
	n, err := l.a.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
	learnerAtMediator, _ := med.client(t)

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
	require.Zero(t, med.queued(t, learnerAtMediator))

	// Stopped: the offer waits at the mediator.
	l.stopAgent(t)
	offline := is.offer(t, issuerConn, 22)
	require.Eventually(t, func() bool { return med.queued(t, learnerAtMediator) == 1 },
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
	require.Zero(t, med.queued(t, learnerAtMediator))

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
	med := newMediator(t)
	var mu sync.Mutex
	var drops []Dropped
	l := newLearner(t, Options{OnDrop: func(d Dropped) { mu.Lock(); drops = append(drops, d); mu.Unlock() }})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := l.a.UseMediator(ctx, med.invitation(t))
	require.NoError(t, err)
	learnerAtMediator, key := med.client(t)

	offer := []byte(`{"@type":"https://didcomm.org/issue-credential/2.0/offer-credential","@id":"forged-1","comment":"free badge"}`)
	env, err := anoncrypt.New(med.ctx).Pack("", offer, nil, [][]byte{key})
	require.NoError(t, err)
	mp, err := med.ctx.Service(messagepickup.MessagePickup)
	require.NoError(t, err)
	require.NoError(t, mp.(messagepickup.ProtocolService).AddMessage(env, learnerAtMediator))
	require.Equal(t, 1, med.queued(t, learnerAtMediator))

	n, err := l.a.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "the forged offer is not delivered")
	require.Zero(t, med.queued(t, learnerAtMediator))
	mu.Lock()
	require.Len(t, drops, 1)
	require.Equal(t, "forged-1", drops[0].ID)
	require.ErrorIs(t, drops[0].Reason, didcomm.ErrNotAuthenticated)
	mu.Unlock()
	offers, err := l.a.Offers()
	require.NoError(t, err)
	require.Empty(t, offers)
}
