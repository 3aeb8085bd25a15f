package control

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/framework"
)

// Version is the protocol version this package speaks.
const Version = 1

// SocketName is the file name of the control socket in the wallet folder.
const SocketName = "agent.sock"

// Size limits of the protocol.
const (
	// MaxRequestBytes bounds one request (an invitation QR image of
	// agent.MaxInvitationBytes, base64-encoded, fits).
	MaxRequestBytes = 8 << 20
	// MaxResponseBytes bounds one answer a Client reads.
	MaxResponseBytes = 64 << 20
)

// Operations.
const (
	opStatus      = "status"
	opList        = "list"
	opShow        = "show"
	opPassport    = "passport"
	opConnect     = "connect"
	opConnections = "connections"
	opInbox       = "inbox"
	opOffers      = "offers"
	opAccept      = "accept"
	opDecline     = "decline"
	// Mediation and presentation requests.
	opMediatorUse    = "mediator-use"
	opMediator       = "mediator"
	opPickup         = "pickup"
	opRequests       = "requests"
	opRequest        = "request"
	opShare          = "share"
	opPreviewShare   = "preview-share"
	opDeclineRequest = "decline-request"
)

var (
	// ErrNoServer is returned by Dial when no server answers on the wallet's
	// socket (there is none, or it was left behind by a process that ended).
	ErrNoServer = errors.New("no Skillpass agent is running on this wallet")
	// ErrAlreadyServing is returned by Listen when another server answers
	// on the wallet's socket.
	ErrAlreadyServing = errors.New("another Skillpass agent already serves this wallet")
	// ErrNotSocket is returned by Listen when the socket path holds
	// something other than a socket; it is left alone.
	ErrNotSocket = errors.New("the control socket path holds a file that is not a socket")
	// ErrUnsafeDir is returned by Listen and Dial when the wallet folder is
	// writable by others or owned by another user.
	ErrUnsafeDir = errors.New("the wallet folder is not private to its owner")
	// ErrPathTooLong is returned when the socket path is longer than unix
	// sockets allow.
	ErrPathTooLong = errors.New("the wallet folder's path is too long for a unix socket")
	// ErrVersion is returned when the two sides speak different protocol
	// versions (a Skillpass of another release).
	ErrVersion = errors.New("the agent speaks another protocol version")
	// ErrBadRequest is returned for a request the server cannot read.
	ErrBadRequest = errors.New("bad control request")
	// ErrNoAgent is returned for DIDComm operations when the server holds
	// the wallet without a DIDComm agent.
	ErrNoAgent = errors.New("this Skillpass holds the wallet without a DIDComm agent")
)

// codes maps the error codes of the protocol to sentinel errors, both ways.
var codes = []struct {
	code string
	err  error
}{
	{"locked", wallet.ErrLocked},
	{"not_found", wallet.ErrNotFound},
	{"ambiguous", wallet.ErrAmbiguous},
	{"no_offer", agent.ErrNoOffer},
	{"ambiguous_offer", agent.ErrAmbiguous},
	{"not_pending", agent.ErrNotPending},
	{"rejected", agent.ErrRejected},
	{"withdrawn", agent.ErrWithdrawn},
	{"timeout", agent.ErrTimeout},
	{"invalid_invitation", agent.ErrInvalidInvitation},
	{"closed", agent.ErrClosed},
	{"version", ErrVersion},
	{"bad_request", ErrBadRequest},
	{"no_agent", ErrNoAgent},
	{"no_framework", wallet.ErrNoFramework},
	{"no_role", framework.ErrNoRole},
	{"ambiguous_role", framework.ErrAmbiguousRole},
	{"no_mediator", agent.ErrNoMediator},
	{"mediator_refused", agent.ErrMediatorRefused},
	{"no_request", agent.ErrNoRequest},
	{"request_answered", agent.ErrRequestAnswered},
	{"cannot_answer", agent.ErrCannotAnswer},
}

// codeOf returns the protocol code for err ("error" when none fits).
func codeOf(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return "error"
}

// sentinelOf returns the sentinel error for code, or nil.
func sentinelOf(code string) error {
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return nil
}

// request is one request on the wire.
type request struct {
	V          int       `json:"v"`
	Op         string    `json:"op"`
	ID         string    `json:"id,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	Invitation []byte    `json:"invitation,omitempty"`
	Role       []byte    `json:"role,omitempty"`     // a role profile file's content
	RoleCode   string    `json:"roleCode,omitempty"` // or a job role of an imported framework
	Now        time.Time `json:"now,omitzero"`
	// All asks requests for every request, whatever its state.
	All bool `json:"all,omitempty"`
	// Selection is share's (and preview-share's) choice of credential per
	// input descriptor.
	Selection map[string]string `json:"selection,omitempty"`
}

// response is one answer on the wire.
type response struct {
	V      int             `json:"v"`
	OK     bool            `json:"ok"`
	Error  *wireError      `json:"error,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
}

type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Status describes the server a Client reached.
type Status struct {
	Version   int    `json:"version"`
	PID       int    `json:"pid"`
	WalletDir string `json:"walletDir"`
	Locked    bool   `json:"locked"`
	// Endpoint is the agent's DIDComm endpoint ("" without an agent).
	Endpoint string `json:"endpoint,omitempty"`
}

// PickupResult is what pickup answers: how many messages the mediator
// delivered (also sent along with an error that ended the pickup).
type PickupResult struct {
	Delivered int `json:"delivered"`
}

// RemoteError is an error the server answered with. It unwraps to the
// sentinel error its code stands for (wallet.ErrLocked, agent.ErrNoOffer,
// ...), when there is one.
type RemoteError struct {
	Code    string
	Message string
}

// Error returns the server's message (which names the operation).
func (e *RemoteError) Error() string { return e.Message }

// Unwrap returns the sentinel error of e's code, or nil.
func (e *RemoteError) Unwrap() error { return sentinelOf(e.Code) }
