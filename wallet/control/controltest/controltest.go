// Package controltest holds the other sides of DIDComm exchanges for tests
// of the agent, the control socket and the command line: a verifier that
// sends present-proof 2.0 requests and a mediator, both plain aries agents
// with in-memory stores on 127.0.0.1, and an issuer of BBS+ signed
// credentials. It is for tests only.
package controltest

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
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/dispatcher"
	anoncrypt "github.com/hyperledger/aries-framework-go/pkg/didcomm/packer/legacy/anoncrypt"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	mediatorsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/presentproof"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries/api"
	ariesctx "github.com/hyperledger/aries-framework-go/pkg/framework/context"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/didcomm"
	"github.com/skillpass/skillpass/wallet/ld"
)

// Presentation Exchange attachment formats (RFC 0510).
const (
	pexDefinitionFormat = "dif/presentation-exchange/definitions@v1.0"
	pexSubmissionFormat = "dif/presentation-exchange/submission@v1.0"
)

// VerifierLabel is the name the verifier gives itself in its invitations.
const VerifierLabel = "Example Employer"

// MediatorLabel is the name the mediator gives itself in its invitations.
const MediatorLabel = "Test mediator"

var (
	loaderOnce sync.Once
	loaderVal  *ld.Loader
	loaderErr  error
)

// Loader returns the one JSON-LD loader (the embedded contexts only) that
// every agent of the test binary shares.
func Loader(t testing.TB) *ld.Loader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = ld.NewLoader() })
	require.NoError(t, loaderErr)
	return loaderVal
}

// Verifier is a verifier agent on aries: its present-proof service runs
// without middleware; it keeps the presentations and problem reports it
// receives.
type Verifier struct {
	fw    *aries.Aries
	in    *didcomm.Inbound
	oob   *outofband.Client
	didex *didexchange.Client
	pp    *presentproof.Service

	quit chan struct{}
	wg   sync.WaitGroup

	mu        sync.Mutex
	connected map[string]string // invitation id -> connection id
	received  map[string][]byte // piid -> presentation
	problems  map[string]string // piid -> problem report description (JSON)
}

// NewVerifier starts a verifier; the test's cleanup stops it.
func NewVerifier(t testing.TB) *Verifier {
	t.Helper()
	in, err := didcomm.Listen("127.0.0.1:0", "", nil)
	require.NoError(t, err)
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(didcomm.NewHTTPClient()))
	require.NoError(t, err)
	v := &Verifier{
		in: in, quit: make(chan struct{}),
		connected: map[string]string{}, received: map[string][]byte{}, problems: map[string]string{},
	}
	v.fw, err = aries.New(
		aries.WithStoreProvider(mem.NewProvider()),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(in),
		aries.WithOutboundTransports(out),
		aries.WithJSONLDDocumentLoader(Loader(t)),
		aries.WithProtocols(api.ProtocolSvcCreator{
			Create: func(api.Provider) (dispatcher.ProtocolService, error) { return &presentproof.Service{}, nil },
			Init: func(svc dispatcher.ProtocolService, prv api.Provider) error {
				v.pp = svc.(*presentproof.Service)
				return v.pp.Initialize(prv)
			},
		}),
	)
	require.NoError(t, err)
	ctx, err := v.fw.Context()
	require.NoError(t, err)
	require.NoError(t, in.Protect(ctx, didcomm.GuardOptions{}))
	v.oob, err = outofband.New(ctx)
	require.NoError(t, err)
	v.didex, err = didexchange.New(ctx)
	require.NoError(t, err)
	didActs := make(chan service.DIDCommAction, 8)
	didStates := make(chan service.StateMsg, 64)
	ppActs := make(chan service.DIDCommAction, 8)
	require.NoError(t, v.didex.RegisterActionEvent(didActs))
	require.NoError(t, v.didex.RegisterMsgEvent(didStates))
	require.NoError(t, v.pp.RegisterActionEvent(ppActs))
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		for {
			select {
			case <-v.quit:
				return
			case act := <-didActs:
				act.Continue(nil)
			case st := <-didStates:
				if st.Type == service.PostState && st.StateID == didexsvc.StateIDCompleted {
					if p, ok := st.Properties.(interface {
						ConnectionID() string
						InvitationID() string
					}); ok {
						v.mu.Lock()
						v.connected[p.InvitationID()] = p.ConnectionID()
						v.mu.Unlock()
					}
				}
			case act := <-ppActs:
				v.handle(act)
			}
		}
	}()
	require.NoError(t, in.Serve())
	t.Cleanup(func() {
		_ = v.in.Stop()
		close(v.quit)
		v.wg.Wait()
		_ = v.fw.Close()
	})
	return v
}

// handle keeps what a present-proof message brings and continues.
func (v *Verifier) handle(act service.DIDCommAction) {
	piid := ""
	if p, ok := act.Properties.(interface{ PIID() string }); ok {
		piid = p.PIID()
	}
	switch act.Message.Type() {
	case presentproof.PresentationMsgTypeV2:
		var pres presentproof.PresentationV2
		if err := act.Message.Decode(&pres); err == nil && len(pres.PresentationsAttach) == 1 &&
			len(pres.Formats) == 1 && pres.Formats[0].Format == pexSubmissionFormat {
			if raw, err := pres.PresentationsAttach[0].Data.Fetch(); err == nil {
				v.mu.Lock()
				v.received[piid] = raw
				v.mu.Unlock()
			}
		}
	case presentproof.ProblemReportMsgTypeV2:
		var pr struct {
			Description json.RawMessage `json:"description"`
		}
		_ = act.Message.Decode(&pr)
		v.mu.Lock()
		v.problems[piid] = string(pr.Description)
		v.mu.Unlock()
	}
	act.Continue(nil)
}

// Invitation returns a new out-of-band invitation link of the verifier's
// and the invitation's id.
func (v *Verifier) Invitation(t testing.TB) (id string, link []byte) {
	t.Helper()
	inv, err := v.oob.CreateInvitation(nil, outofband.WithLabel(VerifierLabel),
		outofband.WithHandshakeProtocols(didexsvc.PIURI))
	require.NoError(t, err)
	raw, err := json.Marshal(inv)
	require.NoError(t, err)
	return inv.ID, []byte("https://employer.example/?oob=" + base64.RawURLEncoding.EncodeToString(raw))
}

// Connection waits until the invitation invID has a completed connection
// and returns its id.
func (v *Verifier) Connection(t testing.TB, invID string) string {
	t.Helper()
	var conn string
	require.Eventually(t, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		conn = v.connected[invID]
		return conn != ""
	}, 15*time.Second, 10*time.Millisecond, "the learner never connected")
	return conn
}

// Request sends a present-proof 2.0 request with a Presentation Exchange
// definition on connection connID and returns its thread (piid).
func (v *Verifier) Request(t testing.TB, connID string, def map[string]any, challenge, domain string) string {
	t.Helper()
	conn, err := v.didex.GetConnection(connID)
	require.NoError(t, err)
	payload := map[string]any{
		"options":                 map[string]any{"challenge": challenge, "domain": domain},
		"presentation_definition": def,
	}
	msg := &presentproof.RequestPresentationV2{
		Type:        presentproof.RequestPresentationMsgTypeV2,
		Comment:     "Please show your badge",
		WillConfirm: true,
		Formats:     []presentproof.Format{{AttachID: "pd", Format: pexDefinitionFormat}},
		RequestPresentationsAttach: []decorator.Attachment{{
			ID: "pd", MimeType: "application/json", Data: decorator.AttachmentData{JSON: payload},
		}},
	}
	piid, err := v.pp.HandleOutbound(service.NewDIDCommMsgMap(msg), conn.MyDID, conn.TheirDID)
	require.NoError(t, err)
	return piid
}

// Presentation waits for the presentation answering request piid.
func (v *Verifier) Presentation(t testing.TB, piid string) []byte {
	t.Helper()
	var got []byte
	require.Eventually(t, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		got = v.received[piid]
		return got != nil
	}, 15*time.Second, 10*time.Millisecond, "no presentation for %s", piid)
	return got
}

// Received reports how many presentations arrived.
func (v *Verifier) Received() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.received)
}

// Problem waits for the problem report on request piid and returns its
// description (JSON).
func (v *Verifier) Problem(t testing.TB, piid string) string {
	t.Helper()
	var got string
	require.Eventually(t, func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		got = v.problems[piid]
		return got != ""
	}, 15*time.Second, 10*time.Millisecond, "no problem report for %s", piid)
	return got
}

// BadgeDefinition asks for an Open Badge whose achievement is named
// achievement; limit is its limit_disclosure ("" for none). Its one input
// descriptor has the id "badge".
func BadgeDefinition(achievement, limit string) map[string]any {
	constraints := map[string]any{
		"fields": []any{
			map[string]any{
				"path":    []any{"$.credentialSubject.achievement.name", "$.vc.credentialSubject.achievement.name"},
				"purpose": "We check that you completed the course",
				"filter":  map[string]any{"type": "string", "const": achievement},
			},
			map[string]any{
				"path":   []any{"$.type"},
				"filter": map[string]any{"type": "array", "contains": map[string]any{"const": "OpenBadgeCredential"}},
			},
		},
	}
	if limit != "" {
		constraints["limit_disclosure"] = limit
	}
	return map[string]any{
		"id": "hiring-1", "name": "Hiring check", "purpose": "To confirm your training",
		"input_descriptors": []any{map[string]any{
			"id": "badge", "name": achievement + " badge", "purpose": "Proof of " + achievement,
			"constraints": constraints,
		}},
	}
}

// plainInbound serves aries' HTTP inbound handler on a listener of the
// test's, with no guard: a mediator must take anonymous forwards.
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

// Mediator is aries' own mediator (route coordination and message pickup)
// that accepts every connection and grants every mediation request.
type Mediator struct {
	fw    *aries.Aries
	ctx   *ariesctx.Provider
	store storage.Provider
	didex *didexchange.Client
	in    *plainInbound
	oob   *outofband.Client
	quit  chan struct{}
	wg    sync.WaitGroup
}

// NewMediator starts a mediator; the test's cleanup stops it.
func NewMediator(t testing.TB) *Mediator {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(didcomm.NewHTTPClient()))
	require.NoError(t, err)
	m := &Mediator{in: &plainInbound{ln: ln}, store: mem.NewProvider(), quit: make(chan struct{})}
	m.fw, err = aries.New(
		aries.WithStoreProvider(m.store),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(m.in),
		aries.WithOutboundTransports(out),
		aries.WithJSONLDDocumentLoader(Loader(t)),
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

// Endpoint is the mediator's HTTP endpoint.
func (m *Mediator) Endpoint() string { return m.in.Endpoint() }

// Invitation returns an out-of-band invitation link of the mediator's.
func (m *Mediator) Invitation(t testing.TB) []byte {
	t.Helper()
	inv, err := m.oob.CreateInvitation(nil, outofband.WithLabel(MediatorLabel),
		outofband.WithHandshakeProtocols(didexsvc.PIURI))
	require.NoError(t, err)
	raw, err := json.Marshal(inv)
	require.NoError(t, err)
	return []byte("https://mediator.example/?oob=" + base64.RawURLEncoding.EncodeToString(raw))
}

// client returns the DID of the mediator's only client (the learner
// connected to it) there.
func (m *Mediator) client(t testing.TB) string {
	t.Helper()
	conns, err := m.didex.QueryConnections(&didexchange.QueryConnectionsParams{})
	require.NoError(t, err)
	require.Len(t, conns, 1)
	return conns[0].TheirDID
}

// Queued returns how many messages the mediator holds for its only
// client (the learner connected to it).
func (m *Mediator) Queued(t testing.TB) int {
	t.Helper()
	st, err := m.store.OpenStore(messagepickup.Namespace)
	require.NoError(t, err)
	raw, err := st.Get(m.client(t))
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

// QueueAnonymous packs msg anonymously (legacy anoncrypt) for the first
// DIDComm recipient key of the mediator's only client and queues it for
// that client's next pickup, as anyone who knows the client's key could
// have the mediator do.
func (m *Mediator) QueueAnonymous(t testing.TB, msg []byte) {
	t.Helper()
	theirDID := m.client(t)
	dest, err := service.GetDestination(theirDID, m.ctx.VDRegistry())
	require.NoError(t, err)
	require.NotEmpty(t, dest.RecipientKeys)
	key, err := fingerprint.PubKeyFromDIDKey(dest.RecipientKeys[0])
	require.NoError(t, err)
	env, err := anoncrypt.New(m.ctx).Pack("", msg, nil, [][]byte{key})
	require.NoError(t, err)
	mp, err := m.ctx.Service(messagepickup.MessagePickup)
	require.NoError(t, err)
	pickup, ok := mp.(messagepickup.ProtocolService)
	require.True(t, ok, "aries' message pickup service is a messagepickup.ProtocolService")
	require.NoError(t, pickup.AddMessage(env, theirDID))
}

// Context returns a context for one exchange in a test (30 s).
func Context(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
