package agent

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/client/issuecredential/rfc0593"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/didcomm"
	"github.com/skillpass/skillpass/wallet/ld"
)

const testPass = "correct horse battery staple"

// Contexts of the test credentials: VC 1.1 with the Open Badges 3.0 context
// that works on it, and the Ed25519Signature2020 proof terms.
const (
	ctxVC1     = "https://www.w3.org/2018/credentials/v1"
	ctxOB30    = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ctxEd2020  = "https://w3id.org/security/suites/ed25519-2020/v1"
	sigEd2020  = "Ed25519Signature2020"
	issuerName = "Example Training"
)

// learner is a wallet in a temporary folder with its agent.
type learner struct {
	dir string
	w   *wallet.Wallet
	a   *Agent
}

// newLearner creates a wallet (one Argon2id run) and starts its agent.
func newLearner(t testing.TB, opts Options) *learner {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "wallet")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	l := &learner{dir: dir, w: w}
	l.start(t, opts)
	t.Cleanup(l.stop)
	return l
}

// start starts the agent on the open wallet.
func (l *learner) start(t testing.TB, opts Options) {
	t.Helper()
	if opts.Loader == nil {
		opts.Loader = controltest.Loader(t)
	}
	if opts.Timeout == 0 {
		opts.Timeout = 15 * time.Second
	}
	a, err := New(l.w, opts)
	require.NoError(t, err)
	l.a = a
}

// stop closes the agent, then the wallet.
func (l *learner) stop() {
	if l.a != nil {
		_ = l.a.Close()
		l.a = nil
	}
	if l.w != nil {
		_ = l.w.Close()
		l.w = nil
	}
}

// restart closes agent and wallet and opens both again from the file.
func (l *learner) restart(t testing.TB, opts Options) {
	t.Helper()
	l.stopAgent(t)
	l.reopen(t, opts)
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

// edSigner signs for aries' Ed25519 suites.
type edSigner struct{ priv ed25519.PrivateKey }

func (s edSigner) Sign(data []byte) ([]byte, error) { return ed25519.Sign(s.priv, data), nil }
func (s edSigner) Alg() string                      { return "EdDSA" }

// issuer is an issuer agent built directly on aries with in-memory stores.
// It signs Open Badges (VC 1.1) with Ed25519Signature2020 under a did:key.
type issuer struct {
	t      testing.TB
	fw     *aries.Aries
	in     *didcomm.Inbound
	oob    *outofband.Client
	didex  *didexchange.Client
	ic     *issuecredential.Service
	msgr   service.Messenger
	loader *ld.Loader
	priv   ed25519.PrivateKey
	did    string
	vm     string

	actions   chan service.DIDCommAction
	didActs   chan service.DIDCommAction
	didStates chan service.StateMsg
	icStates  chan service.StateMsg
	quit      chan struct{}
	wg        sync.WaitGroup

	mu        sync.Mutex
	changed   chan struct{}
	connected map[string]string         // invitation id -> connection id
	offered   map[string]map[string]any // piid -> credential template
	issued    map[string][]byte         // piid -> credential sent
	problems  map[string]string         // piid -> problem report description (JSON)
	done      map[string]bool           // piid -> the protocol ended
	tamper    bool                      // change a claim after signing
	refuse    bool                      // answer requests with a problem report
}

// newIssuer starts an issuer agent on 127.0.0.1.
func newIssuer(t testing.TB) *issuer {
	t.Helper()
	return newIssuerAt(t, "")
}

// newIssuerAt starts an issuer agent on 127.0.0.1 that announces endpoint
// (empty: its own address) in its invitations and DID documents.
func newIssuerAt(t testing.TB, endpoint string) *issuer {
	t.Helper()
	seed := bytes.Repeat([]byte{42}, ed25519.SeedSize)
	priv := ed25519.NewKeyFromSeed(seed)
	d, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	// didcomm.Listen, not listen: a test issuer may announce a ws:// bridge.
	in, err := didcomm.Listen("127.0.0.1:0", endpoint, nil)
	require.NoError(t, err)
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(didcomm.NewHTTPClient()))
	require.NoError(t, err)
	is := &issuer{
		t: t, in: in, loader: controltest.Loader(t), priv: priv, did: d, vm: d + "#" + strings.TrimPrefix(d, "did:key:"),
		actions: make(chan service.DIDCommAction, 16), didActs: make(chan service.DIDCommAction, 16),
		didStates: make(chan service.StateMsg, 64), icStates: make(chan service.StateMsg, 64),
		quit: make(chan struct{}), changed: make(chan struct{}),
		connected: map[string]string{}, offered: map[string]map[string]any{}, issued: map[string][]byte{},
		problems: map[string]string{}, done: map[string]bool{},
	}
	is.fw, err = aries.New(
		aries.WithStoreProvider(mem.NewProvider()),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(in),
		aries.WithOutboundTransports(out),
		aries.WithJSONLDDocumentLoader(is.loader),
	)
	require.NoError(t, err)
	ctx, err := is.fw.Context()
	require.NoError(t, err)
	require.NoError(t, in.Protect(ctx, didcomm.GuardOptions{}))
	is.msgr = ctx.Messenger()
	is.oob, err = outofband.New(ctx)
	require.NoError(t, err)
	is.didex, err = didexchange.New(ctx)
	require.NoError(t, err)
	svc, err := ctx.Service(issuecredential.Name)
	require.NoError(t, err)
	is.ic = svc.(*issuecredential.Service)
	require.NoError(t, is.didex.RegisterActionEvent(is.didActs))
	require.NoError(t, is.didex.RegisterMsgEvent(is.didStates))
	require.NoError(t, is.ic.RegisterActionEvent(is.actions))
	require.NoError(t, is.ic.RegisterMsgEvent(is.icStates))
	is.wg.Add(1)
	go is.loop()
	require.NoError(t, in.Serve())
	t.Cleanup(is.close)
	return is
}

func (is *issuer) close() {
	select {
	case <-is.quit:
		return
	default:
	}
	_ = is.in.Stop()
	close(is.quit)
	is.wg.Wait()
	_ = is.fw.Close()
}

func (is *issuer) notify() {
	is.mu.Lock()
	close(is.changed)
	is.changed = make(chan struct{})
	is.mu.Unlock()
}

// loop accepts exchange requests, issues on requests and records what
// happens.
func (is *issuer) loop() {
	defer is.wg.Done()
	for {
		select {
		case <-is.quit:
			return
		case act := <-is.didActs:
			act.Continue(nil)
		case st := <-is.didStates:
			if st.Type == service.PostState && st.StateID == didexsvc.StateIDCompleted {
				if p, ok := st.Properties.(interface {
					ConnectionID() string
					InvitationID() string
				}); ok {
					is.mu.Lock()
					is.connected[p.InvitationID()] = p.ConnectionID()
					is.mu.Unlock()
					is.notify()
				}
			}
		case st := <-is.icStates:
			if st.Type == service.PostState && st.StateID == "done" {
				if p, ok := st.Properties.(interface{ PIID() string }); ok {
					is.mu.Lock()
					is.done[p.PIID()] = true
					is.mu.Unlock()
					is.notify()
				}
			}
		case act := <-is.actions:
			is.handle(act)
		}
	}
}

func (is *issuer) handle(act service.DIDCommAction) {
	piid := ""
	if p, ok := act.Properties.(interface{ PIID() string }); ok {
		piid = p.PIID()
	}
	switch act.Message.Type() {
	case issuecredential.RequestCredentialMsgTypeV2:
		msg, err := is.issue(piid, act.Message)
		if err != nil {
			act.Stop(err)
			return
		}
		act.Continue(issuecredential.WithIssueCredentialV2(msg))
	case issuecredential.ProblemReportMsgTypeV2:
		var pr struct {
			Description json.RawMessage `json:"description"`
		}
		_ = act.Message.Decode(&pr)
		is.mu.Lock()
		is.problems[piid] = string(pr.Description)
		is.mu.Unlock()
		is.notify()
		act.Continue(nil)
	default:
		act.Continue(nil)
	}
}

// issue signs the offered credential for the subject the request names.
func (is *issuer) issue(piid string, msg service.DIDCommMsg) (*issuecredential.IssueCredentialV2, error) {
	is.mu.Lock()
	tmpl := is.offered[piid]
	tamper, refuse := is.tamper, is.refuse
	is.mu.Unlock()
	if tmpl == nil {
		return nil, fmt.Errorf("no offer %s", piid)
	}
	if refuse {
		return nil, fmt.Errorf("the badge was withdrawn")
	}
	var req issuecredential.RequestCredentialV2
	if err := msg.Decode(&req); err != nil {
		return nil, err
	}
	att, err := rfc0593.FindAttachment(rfc0593.ProofVCDetailFormat, req.Formats, req.RequestsAttach)
	if err != nil {
		return nil, err
	}
	raw, err := att.Data.Fetch()
	if err != nil {
		return nil, err
	}
	var spec struct {
		Credential map[string]any `json:"credential"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, err
	}
	vc := deepCopy(tmpl)
	if cs, ok := spec.Credential["credentialSubject"].(map[string]any); ok {
		if id, ok := cs["id"].(string); ok {
			vc["credentialSubject"].(map[string]any)["id"] = id
		}
	}
	signed, err := is.sign(vc)
	if err != nil {
		return nil, err
	}
	if tamper {
		signed["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["name"] = "Leadership"
	}
	out, err := json.Marshal(signed)
	if err != nil {
		return nil, err
	}
	is.mu.Lock()
	is.issued[piid] = out
	is.mu.Unlock()
	return &issuecredential.IssueCredentialV2{
		Type:    issuecredential.IssueCredentialMsgTypeV2,
		Formats: []issuecredential.Format{{AttachID: "vc", Format: rfc0593.ProofVCFormat}},
		CredentialsAttach: []decorator.Attachment{{
			ID: "vc", MimeType: "application/ld+json", Data: decorator.AttachmentData{JSON: signed},
		}},
	}, nil
}

// sign adds an Ed25519Signature2020 proof by the issuer's did:key.
func (is *issuer) sign(vc map[string]any) (map[string]any, error) {
	doc, err := json.Marshal(vc)
	if err != nil {
		return nil, err
	}
	created := time.Now().UTC().Truncate(time.Second)
	out, err := signer.New(ed25519signature2020.New(suite.WithSigner(edSigner{is.priv}))).Sign(&signer.Context{
		SignatureType: sigEd2020, SignatureRepresentation: proof.SignatureProofValue, Created: &created,
		VerificationMethod: is.vm, Purpose: "assertionMethod",
	}, doc, jsonld.WithDocumentLoader(is.loader))
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(out, &m)
}

// template is the Open Badge the issuer offers.
func (is *issuer) template(n int) map[string]any {
	return map[string]any{
		"@context":     []any{ctxVC1, ctxOB30, ctxEd2020},
		"id":           fmt.Sprintf("urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-%012d", n),
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       map[string]any{"id": is.did, "type": []any{"Profile"}, "name": issuerName},
		"issuanceDate": time.Now().UTC().Add(-time.Hour).Format(time.RFC3339),
		"name":         "Teamwork Badge",
		"credentialSubject": map[string]any{
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "urn:uuid:9d2c1f0e-3b8a-4c55-8a1e-7f6b5d4c3b2a",
				"type":        []any{"Achievement"},
				"name":        "Teamwork",
				"description": "Collaborates within a group.",
				"criteria":    map[string]any{"narrative": "Nominated by peers."},
			},
		},
	}
}

// invitation creates an out-of-band invitation and returns it as a link.
func (is *issuer) invitation(t testing.TB) (id string, link []byte) {
	t.Helper()
	return is.invitationAt(t, "")
}

// invitationAt is the issuer's invitation with its service endpoint
// rewritten to ep (unless ep is ""), as a link.
func (is *issuer) invitationAt(t testing.TB, ep string) (id string, link []byte) {
	t.Helper()
	inv, err := is.oob.CreateInvitation(nil,
		outofband.WithLabel(issuerName),
		outofband.WithHandshakeProtocols(didexsvc.PIURI))
	require.NoError(t, err)
	raw, err := json.Marshal(inv)
	require.NoError(t, err)
	if ep != "" {
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		services, _ := m["services"].([]any)
		require.Len(t, services, 1)
		svc, ok := services[0].(map[string]any)
		require.True(t, ok, "the issuer's invitation has an inline service: %s", raw)
		require.Contains(t, svc, "serviceEndpoint")
		svc["serviceEndpoint"] = ep
		raw, err = json.Marshal(m)
		require.NoError(t, err)
	}
	return inv.ID, []byte("https://issuer.example/invite?oob=" + base64.RawURLEncoding.EncodeToString(raw))
}

// connectionFor waits for the connection made from invitation invID.
func (is *issuer) connectionFor(t testing.TB, invID string) string {
	t.Helper()
	var conn string
	is.waitFor(t, func() bool { conn = is.connected[invID]; return conn != "" })
	return conn
}

// waitFor waits (up to 15 s) until cond, called with is.mu held, holds.
func (is *issuer) waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		is.mu.Lock()
		ok := cond()
		ch := is.changed
		is.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("issuer: timed out waiting")
		}
	}
}

// offer sends an RFC 0593 offer on connection connID and returns its piid.
func (is *issuer) offer(t testing.TB, connID string, n int) string {
	t.Helper()
	return is.send(t, connID, n, rfc0593.ProofVCDetailFormat)
}

// send sends an offer whose attachment has the given format.
func (is *issuer) send(t testing.TB, connID string, n int, format string) string {
	t.Helper()
	piid, err := is.trySend(connID, n, format)
	require.NoError(t, err)
	return piid
}

// trySend sends an offer whose attachment has the given format.
func (is *issuer) trySend(connID string, n int, format string) (string, error) {
	conn, err := is.didex.GetConnection(connID)
	if err != nil {
		return "", err
	}
	tmpl := is.template(n)
	spec := map[string]any{
		"credential": tmpl,
		"options":    map[string]any{"proofType": sigEd2020, "proofPurpose": "assertionMethod"},
	}
	offer := &issuecredential.OfferCredentialV2{
		Type:    issuecredential.OfferCredentialMsgTypeV2,
		Comment: "Congratulations on your teamwork",
		CredentialPreview: issuecredential.PreviewCredential{
			Type:       issuecredential.CredentialPreviewMsgTypeV2,
			Attributes: []issuecredential.Attribute{{Name: "achievement", Value: "Teamwork"}},
		},
		Formats: []issuecredential.Format{{AttachID: "detail", Format: format}},
		OffersAttach: []decorator.Attachment{{
			ID: "detail", MimeType: "application/json", Data: decorator.AttachmentData{JSON: spec},
		}},
	}
	is.mu.Lock()
	defer is.mu.Unlock()
	piid, err := is.ic.HandleOutbound(service.NewDIDCommMsgMap(offer), conn.MyDID, conn.TheirDID)
	if err != nil {
		return "", err
	}
	is.offered[piid] = tmpl
	return piid, nil
}

// connectAndOffer connects learner l to the issuer and has the issuer offer
// a credential; it returns the offer's id once it is in l's inbox.
func connectAndOffer(t testing.TB, is *issuer, l *learner, n int) (connID, piid string) {
	t.Helper()
	invID, link := is.invitation(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	connID, err := l.a.Connect(ctx, link)
	require.NoError(t, err)
	piid = is.offer(t, is.connectionFor(t, invID), n)
	waitOffer(t, l.a, piid, OfferPending)
	return connID, piid
}

// waitOffer waits until offer piid is in state want.
func waitOffer(t testing.TB, a *Agent, piid string, want OfferState) *Offer {
	t.Helper()
	var got *Offer
	require.Eventually(t, func() bool {
		o, err := a.Offer(piid)
		if err != nil {
			return false
		}
		got = o
		return o.State == want
	}, 15*time.Second, 10*time.Millisecond, "offer %s never reached %s (last: %+v)", piid, want, got)
	return got
}

func deepCopy(m map[string]any) map[string]any {
	raw, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}
