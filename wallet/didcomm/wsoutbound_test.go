package didcomm

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/hyperledger/aries-framework-go/pkg/common/model"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/stretchr/testify/require"
)

// received is one message a test WebSocket server read.
type received struct {
	typ  websocket.MessageType
	data []byte
}

// wsReceiver is a handler that accepts a WebSocket, reads one message,
// hands it to got and closes the socket normally.
func wsReceiver(t *testing.T, got chan<- received) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		defer func() { _ = c.CloseNow() }()
		c.SetReadLimit(MaxMessageBytes)
		typ, data, err := c.Read(r.Context())
		if err != nil {
			t.Errorf("read: %v", err)
			return
		}
		got <- received{typ, data}
		_ = c.Close(websocket.StatusNormalClosure, "")
	})
}

// wsURL turns an httptest server's http(s) URL into ws(s).
func wsURL(srv *httptest.Server, path string) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + path
}

func dest(ep string) *service.Destination {
	return &service.Destination{ServiceEndpoint: model.NewDIDCommV1Endpoint(ep), RecipientKeys: []string{"key"}}
}

func TestWSOutboundSend(t *testing.T) {
	big := bytes.Repeat([]byte(`{"protected":"eyJ","iv":"x"}`), 40000) // about 1.1 MB
	tests := []struct {
		name     string
		data     []byte
		wantType websocket.MessageType
	}{
		{"packed json", []byte(`{"protected":"eyJlbmMiOiJ4YzIwcCJ9","iv":"AAEC","ciphertext":"abc","tag":"def"}`), websocket.MessageText},
		{"not utf-8", []byte{0x00, 0xff, 0xfe, 0x80, 0x01}, websocket.MessageBinary},
		{"large", big, websocket.MessageText},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := make(chan received, 1)
			srv := httptest.NewServer(wsReceiver(t, got))
			defer srv.Close()
			out, err := NewWSOutbound(NewHTTPClient())
			require.NoError(t, err)
			resp, err := out.Send(tc.data, dest(wsURL(srv, "/didcomm")))
			require.NoError(t, err)
			require.Empty(t, resp)
			select {
			case r := <-got:
				require.Equal(t, tc.wantType, r.typ)
				require.True(t, bytes.Equal(tc.data, r.data), "the server received other bytes (%d, want %d)", len(r.data), len(tc.data))
			case <-time.After(5 * time.Second):
				t.Fatal("the server received nothing")
			}
		})
	}
}

// TestWSOutboundSendTLS sends over wss:// to a server that also offers
// HTTP/2, with a client trusting only that server's certificate: the
// handshake must stay on HTTP/1.1 (NewHTTPClient forces HTTP/2 attempts).
func TestWSOutboundSendTLS(t *testing.T) {
	got := make(chan received, 1)
	srv := httptest.NewUnstartedServer(wsReceiver(t, got))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	client := NewHTTPClient()
	client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	out, err := NewWSOutbound(client)
	require.NoError(t, err)
	msg := []byte(`{"ciphertext":"over tls"}`)
	ep := wsURL(srv, "/")
	require.True(t, strings.HasPrefix(ep, "wss://"), ep)
	_, err = out.Send(msg, dest(ep))
	require.NoError(t, err)
	r := <-got
	require.Equal(t, msg, r.data)

	// The same server is refused by a client that does not trust it.
	out, err = NewWSOutbound(NewHTTPClient())
	require.NoError(t, err)
	_, err = out.Send(msg, dest(ep))
	require.ErrorContains(t, err, "websocket send to "+ep+": handshake")
	require.ErrorContains(t, err, "certificate")
}

func TestWSOutboundSendFails(t *testing.T) {
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := "ws://" + ln.Addr().String() + "/didcomm"
	require.NoError(t, ln.Close())

	notWS := httptest.NewServer(http.NotFoundHandler())
	defer notWS.Close()

	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		_ = c.Close(websocket.StatusPolicyViolation, "not taking messages")
	}))
	defer refuse.Close()

	drop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		_ = c.CloseNow()
	}))
	defer drop.Close()

	tests := []struct {
		name string
		ep   string
		says []string
	}{
		{"nobody listens", closedPort, []string{"handshake", "refused"}},
		{"not a websocket server", wsURL(notWS, "/x"), []string{"handshake", "101", "404"}},
		{"server closes with an error status", wsURL(refuse, "/"), []string{"closed the socket with status 1008", "not taking messages"}},
		{"server drops the connection", wsURL(drop, "/"), []string{"websocket send to " + wsURL(drop, "/")}},
	}
	out, err := NewWSOutbound(NewHTTPClient())
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := out.Send([]byte(`{"ciphertext":"x"}`), dest(tc.ep))
			require.Error(t, err)
			require.ErrorContains(t, err, "websocket send to "+tc.ep+": ")
			for _, s := range tc.says {
				require.ErrorContains(t, err, s)
			}
		})
	}
}

// TestWSOutboundHandshakeTimeout dials a server that accepts the TCP
// connection and never answers: Send gives up after its timeout.
func TestWSOutboundHandshakeTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = ln.Close() }()
	held := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			held <- c
		}
	}()
	out, err := NewWSOutbound(NewHTTPClient())
	require.NoError(t, err)
	out.timeout = 300 * time.Millisecond
	ep := "ws://" + ln.Addr().String() + "/"
	start := time.Now()
	_, err = out.Send([]byte("{}"), dest(ep))
	took := time.Since(start)
	require.ErrorContains(t, err, "websocket send to "+ep+": handshake")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, took, 5*time.Second)
	select {
	case c := <-held:
		_ = c.Close()
	default:
	}
}

func TestWSOutboundAccept(t *testing.T) {
	out, err := NewWSOutbound(NewHTTPClient())
	require.NoError(t, err)
	tests := []struct {
		ep   string
		want bool
	}{
		{"ws://127.0.0.1:8080/didcomm", true},
		{"wss://issuer.example/ws", true},
		{"WSS://issuer.example/ws", true},
		{"ws:///nohost", false},
		{"http://issuer.example/", false},
		{"https://issuer.example/", false},
		{"wsx://issuer.example/", false},
		{"", false},
		{"::not a url", false},
	}
	for _, tc := range tests {
		t.Run(tc.ep, func(t *testing.T) {
			require.Equal(t, tc.want, out.Accept(tc.ep))
		})
	}
	require.False(t, out.AcceptRecipient([]string{"key"}), "no socket is kept for any recipient")
	require.NoError(t, out.Start(nil))
}

func TestWSOutboundRefusesBadInput(t *testing.T) {
	_, err := NewWSOutbound(nil)
	require.ErrorContains(t, err, "no http client")
	out, err := NewWSOutbound(NewHTTPClient())
	require.NoError(t, err)
	tests := []struct {
		name string
		dest *service.Destination
		says string
	}{
		{"no destination", nil, "no destination"},
		{"no endpoint", &service.Destination{}, "no endpoint"},
		{"http endpoint", dest("http://127.0.0.1:1/"), "not a ws or wss URL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := out.Send([]byte("{}"), tc.dest)
			require.ErrorContains(t, err, tc.says)
		})
	}
}
