package agent

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/didcomm"
)

// wsBridge is a WebSocket server on 127.0.0.1 that reads one message from
// each socket, POSTs it to an issuer's HTTP inbound and closes the socket:
// normally when the issuer took the message, with an error status when not.
type wsBridge struct {
	srv    *httptest.Server
	client *http.Client

	mu        sync.Mutex
	target    string
	forwarded int
	failures  []string
}

// newWSBridge starts a bridge; it forwards once forwardTo names a target.
func newWSBridge(t testing.TB) *wsBridge {
	t.Helper()
	b := &wsBridge{client: didcomm.NewHTTPClient()}
	b.srv = httptest.NewServer(http.HandlerFunc(b.serve))
	t.Cleanup(b.srv.Close)
	return b
}

// url is the bridge's ws:// endpoint.
func (b *wsBridge) url() string { return "ws" + strings.TrimPrefix(b.srv.URL, "http") + "/didcomm" }

func (b *wsBridge) forwardTo(target string) {
	b.mu.Lock()
	b.target = target
	b.mu.Unlock()
}

func (b *wsBridge) counts() (forwarded int, failures []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.forwarded, append([]string(nil), b.failures...)
}

func (b *wsBridge) fail(c *websocket.Conn, why string) {
	b.mu.Lock()
	b.failures = append(b.failures, why)
	b.mu.Unlock()
	_ = c.Close(websocket.StatusInternalError, "bridge: forward failed")
}

func (b *wsBridge) serve(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer func() { _ = c.CloseNow() }()
	c.SetReadLimit(didcomm.MaxMessageBytes)
	_, data, err := c.Read(r.Context())
	if err != nil {
		b.fail(c, "read: "+err.Error())
		return
	}
	b.mu.Lock()
	target := b.target
	b.mu.Unlock()
	resp, err := b.client.Post(target, "application/didcomm-envelope-enc", bytes.NewReader(data))
	if err != nil {
		b.fail(c, "post: "+err.Error())
		return
	}
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b.fail(c, "post: "+resp.Status)
		return
	}
	b.mu.Lock()
	b.forwarded++
	b.mu.Unlock()
	_ = c.Close(websocket.StatusNormalClosure, "")
}

// TestReceiveOverWebSocket connects a learner to an issuer reachable only
// through a WebSocket bridge, receives the offer and accepts it: the
// credential is stored, verified. With the bridge in the invitation only,
// the DID Exchange request goes over WebSocket and the rest over HTTP; with
// the bridge as the issuer's own endpoint, every message the learner sends
// (request, credential request, ack) does.
func TestReceiveOverWebSocket(t *testing.T) {
	tests := []struct {
		name        string
		everywhere  bool // the issuer advertises the bridge in its DID too
		minMessages int  // messages the bridge must have forwarded
	}{
		{"invitation endpoint", false, 1},
		{"issuer endpoint", true, 3},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			br := newWSBridge(t)
			var is *issuer
			if tc.everywhere {
				is = newIssuerAt(t, br.url())
				br.forwardTo("http://" + is.in.Addr())
			} else {
				is = newIssuer(t)
				br.forwardTo(is.in.Endpoint())
			}
			require.True(t, strings.HasPrefix(br.url(), "ws://127.0.0.1:"), br.url())
			invID, link := is.invitationAt(t, br.url())
			inv, err := ParseInvitation(link)
			require.NoError(t, err)
			require.Equal(t, []string{br.url()}, inv.Endpoints)

			l := newLearner(t, Options{})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			connID, err := l.a.Connect(ctx, link)
			require.NoError(t, err)
			require.NotEmpty(t, connID)
			piid := is.offer(t, is.connectionFor(t, invID), 20+i)
			waitOffer(t, l.a, piid, OfferPending)

			o, err := l.a.Accept(ctx, piid)
			require.NoError(t, err)
			require.Equal(t, OfferStored, o.State)
			rec, err := l.w.Get(o.CredentialID)
			require.NoError(t, err)
			require.True(t, rec.Verified, "%+v", rec)
			require.Equal(t, "ok", rec.Checks.Signature)
			is.waitFor(t, func() bool { return is.done[piid] })

			n, failures := br.counts()
			require.Empty(t, failures)
			require.GreaterOrEqual(t, n, tc.minMessages)
			t.Logf("the bridge forwarded %d messages", n)
		})
	}
}

// TestConnectWebSocketUnreachable connects to an invitation whose ws://
// endpoint has nobody listening: Connect fails instead of hanging, and the
// learner has no completed connection.
func TestConnectWebSocketUnreachable(t *testing.T) {
	is := newIssuer(t)
	br := newWSBridge(t)
	ep := br.url()
	br.srv.Close()
	_, link := is.invitationAt(t, ep)
	l := newLearner(t, Options{Timeout: 3 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := l.a.Connect(ctx, link)
	require.ErrorContains(t, err, ep, "the error names the endpoint")
	conns, err := l.a.Connections()
	require.NoError(t, err)
	for _, c := range conns {
		require.NotEqual(t, "completed", c.State)
	}
}

// TestParseInvitationWebSocket checks that ws:// and wss:// service
// endpoints are taken, and other schemes still refused.
func TestParseInvitationWebSocket(t *testing.T) {
	tests := []struct {
		ep   string
		says string // "" when the invitation is taken
	}{
		{"ws://127.0.0.1:9/didcomm", ""},
		{"wss://issuer.example/ws", ""},
		{"WSS://issuer.example/ws", ""},
		{"ws:///no-host", "not a URL"},
		{"ftp://issuer.example/", "not an http or https URL, nor a ws or wss one"},
	}
	for _, tc := range tests {
		t.Run(tc.ep, func(t *testing.T) {
			m := invitationDoc()
			m["services"].([]any)[0].(map[string]any)["serviceEndpoint"] = tc.ep
			inv, err := ParseInvitation(mustJSON(t, m))
			if tc.says != "" {
				require.ErrorIs(t, err, ErrInvalidInvitation)
				require.ErrorContains(t, err, tc.says)
				return
			}
			require.NoError(t, err)
			require.Equal(t, []string{tc.ep}, inv.Endpoints)
		})
	}
}
