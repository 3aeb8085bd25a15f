package didcomm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
)

// WSSendTimeout bounds the WebSocket handshake and the write of one message
// in WSOutbound.Send (the client's own Timeout, when shorter, bounds the
// handshake too). Closing the socket afterwards adds at most a few seconds
// (the close handshake's own limit).
const WSSendTimeout = 30 * time.Second

// WSOutbound is a send-only DIDComm outbound transport for ws:// and wss://
// endpoints. Each Send opens a socket with the client it was made with,
// writes the packed message as one WebSocket message (text when it is valid
// UTF-8, as packed JSON is, else binary), and closes the socket. It never
// reads messages from the socket: a return route (~transport) is not
// honoured, and replies reach us at our HTTP inbound like any other
// message, through the guard. Unlike aries' ws transport it keeps no pool
// of sockets whose messages would reach aries unchecked, and it never uses
// http.DefaultClient. Safe for concurrent use.
type WSOutbound struct {
	client  *http.Client
	timeout time.Duration
}

var _ transport.OutboundTransport = (*WSOutbound)(nil)

// NewWSOutbound returns a WebSocket outbound transport that dials with
// client (NewHTTPClient's, for its timeouts, proxy and TLS settings). client
// must not be nil.
func NewWSOutbound(client *http.Client) (*WSOutbound, error) {
	if client == nil {
		return nil, errors.New("websocket outbound: no http client")
	}
	return &WSOutbound{client: client, timeout: WSSendTimeout}, nil
}

// Start does nothing: the transport needs nothing from the framework.
func (o *WSOutbound) Start(transport.Provider) error { return nil }

// AcceptRecipient returns false: the transport keeps no open socket for any
// recipient.
func (o *WSOutbound) AcceptRecipient([]string) bool { return false }

// Accept reports whether endpoint is a ws:// or wss:// URL with a host.
func (o *WSOutbound) Accept(endpoint string) bool {
	u, err := url.Parse(endpoint)
	return err == nil && (u.Scheme == "ws" || u.Scheme == "wss") && u.Host != ""
}

// Send delivers data, a packed DIDComm message, to the destination's ws://
// or wss:// endpoint and returns "" (nothing is read back). The error names
// the endpoint and the step that failed: the handshake (refused, not a
// WebSocket server, timed out), the write, or the close, where a peer that
// closes with any status but normal closure, or drops the connection, is a
// failure. A peer that closes normally is taken to have received the
// message: WebSocket itself has no acknowledgement.
func (o *WSOutbound) Send(data []byte, dest *service.Destination) (string, error) {
	if dest == nil {
		return "", errors.New("websocket send: no destination")
	}
	ep, err := dest.ServiceEndpoint.URI()
	if err != nil {
		return "", fmt.Errorf("websocket send: destination has no endpoint: %w", err)
	}
	if !o.Accept(ep) {
		return "", fmt.Errorf("websocket send to %s: not a ws or wss URL", ep)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, ep, &websocket.DialOptions{HTTPClient: o.client})
	if err != nil {
		return "", fmt.Errorf("websocket send to %s: handshake: %w", ep, err)
	}
	defer func() { _ = conn.CloseNow() }()
	typ := websocket.MessageBinary
	if utf8.Valid(data) {
		typ = websocket.MessageText
	}
	if err := conn.Write(ctx, typ, data); err != nil {
		return "", fmt.Errorf("websocket send to %s: write: %w", ep, err)
	}
	if err := conn.Close(websocket.StatusNormalClosure, ""); err != nil {
		if s := websocket.CloseStatus(err); s != -1 {
			return "", fmt.Errorf("websocket send to %s: the peer closed the socket with status %d (%s): %w", ep, int(s), s, err)
		}
		return "", fmt.Errorf("websocket send to %s: close: %w", ep, err)
	}
	return "", nil
}
