package didcomm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/btcsuite/btcutil/base58"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	vdrapi "github.com/hyperledger/aries-framework-go/pkg/framework/aries/api/vdr"
	"github.com/hyperledger/aries-framework-go/pkg/store/connection"
	didstore "github.com/hyperledger/aries-framework-go/pkg/store/did"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/hyperledger/aries-framework-go/spi/storage"
)

// The guard is the inbound message policy every Inbound applies before
// aries sees a message.
//
// # Where it sits, and why there
//
// aries' HTTP inbound handler reads the body, unpacks the envelope once
// with the framework's packager (internal.UnpackMessage) and hands the
// result, a transport.Envelope with the plaintext message, the sender's key
// (FromKey, empty for anoncrypt) and the key it was decrypted with (ToKey),
// to transport.Provider.InboundMessageHandler. Inbound.Start gives aries'
// handler a Provider whose InboundMessageHandler is the guard in front of
// the framework's own, so every message is unpacked once, by aries, and
// checked here with what the envelope proves about its sender before any
// protocol service, store or event sees it. A refused message makes the
// handler fail: the sender gets HTTP 500 and nothing of the message is
// kept (except, for a duplicate, nothing new).
//
// The alternatives are worse: aries' protocol-service middleware sees the
// message after the dispatcher has mapped keys to DIDs (and loses FromKey:
// an anoncrypt message arrives with an empty "their DID", indistinguishable
// from a lookup that failed), and only for the services it wraps; checking
// in an http.Handler in front of aries would mean unpacking every envelope
// twice (the packager decrypts with the KMS).
//
// # The rules
//
//  1. Authenticated encryption. Except for the messages that establish a
//     connection (DID Exchange 1.0, whose keys are what the exchange is
//     about), a message must arrive authcrypt: the envelope names and proves
//     its sender's key. Anoncrypt is dropped (ErrNotAuthenticated); aries'
//     packager already refuses plaintext. This covers issue-credential
//     offers, credentials, acks and problem reports. Skillpass does not use
//     the older Connections 1.0 protocol, so its messages get no exemption
//     (in effect they are refused), nor do routing forwards (see rule 4).
//  2. The sender matches the connection. The key the envelope was
//     decrypted with (ToKey) names our DID, the sender's key our DID
//     store's DID for it; a connection with exactly these two DIDs must
//     exist, and the sender's key must be one of the DIDComm recipient keys
//     of that connection's their-DID document (resolved through the VDR).
//     When the message continues a thread the owner knows (GuardOptions.
//     Threads: the learner's offers), the thread's connection must be the
//     same one. Anything else is dropped (ErrWrongSender).
//  3. No replays, nothing stale. A message must have an id ("@id"; "id" in
//     DIDComm v2). An id the same sender's key used before is dropped
//     (ErrReplay) for ReplayWindow, or until the message's own expiry when
//     that is later; a message whose "~timing.expires_time" (v2:
//     "expires_time") has passed is dropped (ErrExpired), and one whose
//     expiry cannot be read is malformed (ErrMalformed). Ids are kept in
//     memory (at most MaxRemembered, oldest forgotten first) and, for
//     messages from a connection, in the owner's protocol-state store (the
//     wallet file for our agents), so a replay after a restart is dropped
//     too. An id counts as seen only once aries has handled its message
//     without error: a sender may retry a message we refused (a locked
//     wallet, say), and while the first copy is being handled a second is
//     dropped.
//
//  4. Routing is one-way. Our agents use a mediator (RFC 0211, RFC 0212)
//     but never are one: the messages only a mediator takes (a routing
//     forward, mediate-request, keylist_update, batch-pickup,
//     status-request) are dropped whoever sends them (ErrNotExpected):
//     aries would otherwise store routes and queue messages for any
//     connection that asks (its keylist_update needs no grant). The
//     messages a mediator sends its client (mediate-grant,
//     keylist_update_response, batch, status, noop) must pass rules 1-3 and
//     come from a connection the owner names as its mediator
//     (GuardOptions.Mediator; without it they are dropped, ErrNotExpected).
//     The messages a batch delivers are each unpacked and pass this same
//     guard (NewFramework gives aries' message pickup service the guarded
//     handler): a message the mediator holds for us is judged by its own
//     sender's envelope, exactly as if it had come over HTTP, so a mediator
//     (or anyone who can reach it: forwards are anonymous) cannot slip
//     anything past rules 1-3 or replay what it delivered before.
//
// Messages older than ReplayWindow that carry no expiry are not
// remembered: the protocol state (an offer already answered) is then the
// only defence, as it was before.

// Default limits of the guard.
const (
	// DefaultReplayWindow is how long a message id is remembered.
	DefaultReplayWindow = 7 * 24 * time.Hour
	// DefaultMaxRemembered is how many message ids are kept in memory.
	DefaultMaxRemembered = 10000
	// maxIDBytes is the longest message or thread id taken.
	maxIDBytes = 512
	// maxKeep bounds how long an id is remembered when the message's own
	// expiry is far in the future.
	maxKeep = 366 * 24 * time.Hour
)

var (
	// ErrNotAuthenticated: a message that must be authcrypt was not.
	ErrNotAuthenticated = errors.New("the message is not authenticated by its sender (authcrypt)")
	// ErrWrongSender: the sender's key does not belong to the connection the
	// message claims (by the key it was sent to, or by its thread).
	ErrWrongSender = errors.New("the sender's key does not match the connection the message claims")
	// ErrReplay: the message id was received before.
	ErrReplay = errors.New("the message was received before")
	// ErrExpired: the message's expiry time has passed.
	ErrExpired = errors.New("the message has expired")
	// ErrMalformed: the message cannot be read, or lacks an id.
	ErrMalformed = errors.New("the message is malformed")
	// ErrNotExpected: the message belongs to a role this agent does not
	// play (a mediator's), or to a mediator the owner does not use.
	ErrNotExpected = errors.New("this agent does not take this kind of message")
	// ErrUnprotected: an Inbound without a guard was asked to serve.
	ErrUnprotected = errors.New("the inbound transport has no guard (call Protect)")
)

// Pair names a connection: by its two DIDs and its aries connection id.
// As a thread's owner (ThreadOwner), the fields left empty are not
// compared, so an owner may name its connection by id or by DIDs.
type Pair struct {
	MyDID        string
	TheirDID     string
	ConnectionID string
}

// matches reports whether connection c is the one owner names (owner's
// empty fields match anything).
func (owner Pair) matches(c Pair) bool {
	return (owner.MyDID == "" || owner.MyDID == c.MyDID) &&
		(owner.TheirDID == "" || owner.TheirDID == c.TheirDID) &&
		(owner.ConnectionID == "" || owner.ConnectionID == c.ConnectionID)
}

// ThreadOwner reports the connection a protocol instance belongs to, by its
// id (the message's parent thread id when it has one, else its thread id,
// as aries' issue-credential service derives it). ok is false for a thread
// it does not know. An error makes the guard refuse the message (it fails
// closed: a locked wallet, for example).
type ThreadOwner func(piid string) (owner Pair, ok bool, err error)

// Dropped describes a message the guard refused. Reason wraps one of
// ErrNotAuthenticated, ErrWrongSender, ErrReplay, ErrExpired, ErrMalformed,
// ErrNotExpected, or is a failure to look something up (the guard then refuses too).
type Dropped struct {
	ID     string // the message id, when it has one
	Type   string // the message type, when it has one
	Reason error
}

// GuardOptions tunes an Inbound's guard. The zero value is ready to use.
type GuardOptions struct {
	// Threads, when set, binds threads to connections (rule 2).
	Threads ThreadOwner
	// Mediator, when set, reports whether a connection is one the owner
	// uses (or is asking to use) as its mediator: only such a connection
	// may send the messages of a mediator to its client (rule 4). An error
	// makes the guard refuse the message. Without it, those messages are
	// refused.
	Mediator func(conn Pair) (bool, error)
	// OnDrop, when set, is called for every refused message, from the
	// goroutine handling the request. It must return quickly.
	OnDrop func(Dropped)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// ReplayWindow is how long an id is remembered (default
	// DefaultReplayWindow).
	ReplayWindow time.Duration
	// MaxRemembered bounds the ids kept in memory (default
	// DefaultMaxRemembered).
	MaxRemembered int
}

// GuardContext is what a guard reads of the aries framework: its DID store
// (key to DID), its VDR (DID documents), and its stores (connection records;
// the protocol-state store also keeps the ids seen). aries'
// *context.Provider (Aries.Context) is one.
type GuardContext interface {
	DIDConnectionStore() didstore.ConnectionStore
	VDRegistry() vdrapi.Registry
	StorageProvider() storage.Provider
	ProtocolStateStorageProvider() storage.Provider
}

// seenStoreName is the protocol-state store that keeps the ids seen.
const seenStoreName = "skillpass_seen"

// guard applies the rules above; see Inbound.Protect.
type guard struct {
	dids  didstore.ConnectionStore
	vdr   vdrapi.Registry
	conns *connection.Lookup
	opts  GuardOptions
	seen  *replayCache
}

// newGuard builds a guard on ctx.
func newGuard(ctx GuardContext, opts GuardOptions) (*guard, error) {
	if ctx == nil {
		return nil, errors.New("guard: no framework context")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReplayWindow <= 0 {
		opts.ReplayWindow = DefaultReplayWindow
	}
	if opts.MaxRemembered <= 0 {
		opts.MaxRemembered = DefaultMaxRemembered
	}
	dids, vdr := ctx.DIDConnectionStore(), ctx.VDRegistry()
	if dids == nil || vdr == nil || ctx.StorageProvider() == nil || ctx.ProtocolStateStorageProvider() == nil {
		return nil, errors.New("guard: incomplete framework context")
	}
	conns, err := connection.NewLookup(ctx)
	if err != nil {
		return nil, fmt.Errorf("guard: connection store: %w", err)
	}
	st, err := ctx.ProtocolStateStorageProvider().OpenStore(seenStoreName)
	if err != nil {
		return nil, fmt.Errorf("guard: open %s: %w", seenStoreName, err)
	}
	g := &guard{dids: dids, vdr: vdr, conns: conns, opts: opts, seen: newReplayCache(st, opts.MaxRemembered)}
	g.seen.prune(opts.Now()) // best effort: a failure leaves old ids a while longer
	return g, nil
}

// inspected is what the guard learnt of a message.
type inspected struct {
	id, typ   string
	keepUntil time.Time
	peer      *Pair // the connection, for an authenticated message
}

// handle checks env and, when it passes, hands it to next.
func (g *guard) handle(env *transport.Envelope, next transport.InboundMessageHandler) error {
	now := g.opts.Now()
	in, err := g.inspect(env, now)
	if err != nil {
		return g.drop(in, err)
	}
	key := replayKey(env.FromKey, in.id)
	if err := g.seen.reserve(key, now); err != nil {
		return g.drop(in, err)
	}
	if err := next(env); err != nil {
		g.seen.release(key)
		return err
	}
	g.seen.commit(key, in.keepUntil, in.peer != nil, now)
	return nil
}

// drop reports a refused message and returns the error aries' handler gets.
func (g *guard) drop(in inspected, reason error) error {
	if g.opts.OnDrop != nil {
		g.opts.OnDrop(Dropped{ID: in.id, Type: in.typ, Reason: reason})
	}
	return fmt.Errorf("inbound message refused: %w", reason)
}

// inspect applies rules 1-3 (but the replay check) to env.
func (g *guard) inspect(env *transport.Envelope, now time.Time) (inspected, error) {
	var in inspected
	if env == nil {
		return in, fmt.Errorf("%w: no envelope", ErrMalformed)
	}
	msg, err := service.ParseDIDCommMsgMap(env.Message)
	if err != nil {
		return in, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	in.typ = msg.Type()
	in.id = msg.ID()
	if in.id == "" {
		return in, fmt.Errorf("%w: no message id", ErrMalformed)
	}
	if len(in.id) > maxIDBytes {
		id := in.id
		in.id = ""
		return in, fmt.Errorf("%w: message id of %d bytes", ErrMalformed, len(id))
	}
	if in.typ == "" {
		return in, fmt.Errorf("%w: no message type", ErrMalformed)
	}
	expires, has, err := expiry(msg)
	if err != nil {
		return in, err
	}
	if has && !now.Before(expires) {
		return in, fmt.Errorf("%w (at %s)", ErrExpired, expires.UTC().Format(time.RFC3339))
	}
	in.keepUntil = now.Add(g.opts.ReplayWindow)
	if has && expires.After(in.keepUntil) {
		in.keepUntil = expires
		if limit := now.Add(maxKeep); in.keepUntil.After(limit) {
			in.keepUntil = limit
		}
	}
	if establishesConnection(in.typ) {
		return in, nil
	}
	if mediatorOnly(in.typ) {
		return in, fmt.Errorf("%w: %s is for a mediator, and this agent is none", ErrNotExpected, in.typ)
	}
	if len(env.FromKey) == 0 {
		return in, ErrNotAuthenticated
	}
	peer, err := g.connectionOf(env)
	if err != nil {
		return in, err
	}
	if err := g.checkMediator(in.typ, peer); err != nil {
		return in, err
	}
	if err := g.checkThread(msg, peer); err != nil {
		return in, err
	}
	in.peer = &peer
	return in, nil
}

// establishesConnection reports whether a message of type typ belongs to
// the protocol that makes connections (DID Exchange 1.0).
func establishesConnection(typ string) bool {
	return strings.HasPrefix(typ, didexchange.PIURI+"/")
}

// Message types of RFC 0211 (coordinate-mediation 1.0), RFC 0212 (pickup
// 1.0) and RFC 0094 (forward), by the side that receives them.
var (
	// toMediator are the messages only a mediator takes.
	toMediator = map[string]bool{
		service.ForwardMsgType:             true,
		service.ForwardMsgTypeV2:           true,
		mediator.RequestMsgType:            true,
		mediator.KeylistUpdateMsgType:      true,
		messagepickup.BatchPickupMsgType:   true,
		messagepickup.StatusRequestMsgType: true,
	}
	// fromMediator are the messages a mediator sends its client.
	fromMediator = map[string]bool{
		mediator.GrantMsgType:                 true,
		mediator.KeylistUpdateResponseMsgType: true,
		messagepickup.BatchMsgType:            true,
		messagepickup.StatusMsgType:           true,
		messagepickup.NoopMsgType:             true,
	}
)

// mediatorOnly reports whether a message of type typ is one only a
// mediator takes (rule 4).
func mediatorOnly(typ string) bool { return toMediator[typ] }

// checkMediator checks that a message a mediator sends its client comes
// from a connection the owner uses as its mediator (rule 4). Other
// messages pass.
func (g *guard) checkMediator(typ string, peer Pair) error {
	if !fromMediator[typ] {
		return nil
	}
	if g.opts.Mediator == nil {
		return fmt.Errorf("%w: %s, and this agent uses no mediator", ErrNotExpected, typ)
	}
	ok, err := g.opts.Mediator(peer)
	if err != nil {
		return fmt.Errorf("check mediator %s: %w", peer.ConnectionID, err)
	}
	if !ok {
		return fmt.Errorf("%w: %s from connection %s, which is not this agent's mediator", ErrNotExpected, typ, peer.ConnectionID)
	}
	return nil
}

// connectionOf returns the connection an authenticated envelope belongs to:
// the one between the DID of the key it was sent to and the DID of its
// sender's key, whose their-DID document lists the sender's key.
func (g *guard) connectionOf(env *transport.Envelope) (Pair, error) {
	var p Pair
	myDID, err := g.didOf(env.ToKey)
	if err != nil {
		return p, fmt.Errorf("%w: the key it was sent to: %w", ErrWrongSender, err)
	}
	theirDID, err := g.didOf(env.FromKey)
	if err != nil {
		return p, fmt.Errorf("%w: the sender's key: %w", ErrWrongSender, err)
	}
	rec, err := g.conns.GetConnectionRecordByDIDs(myDID, theirDID)
	if errors.Is(err, storage.ErrDataNotFound) {
		return p, fmt.Errorf("%w: no connection between %s and %s", ErrWrongSender, myDID, theirDID)
	}
	if err != nil {
		return p, fmt.Errorf("find connection: %w", err)
	}
	dest, err := service.GetDestination(rec.TheirDID, g.vdr)
	if err != nil {
		return p, fmt.Errorf("%w: their DID %s: %w", ErrWrongSender, rec.TheirDID, err)
	}
	if !hasKey(dest.RecipientKeys, env.FromKey) {
		return p, fmt.Errorf("%w: the sender's key is not a recipient key of %s", ErrWrongSender, rec.TheirDID)
	}
	return Pair{MyDID: rec.MyDID, TheirDID: rec.TheirDID, ConnectionID: rec.ConnectionID}, nil
}

// errUnknownKey: the DID store knows no DID for a key.
var errUnknownKey = errors.New("no DID of a connection has this key")

// didOf returns the DID the framework's DID store holds for a raw key, by
// its base58 form or its did:key, as aries' dispatcher looks it up.
func (g *guard) didOf(key []byte) (string, error) {
	if len(key) == 0 {
		return "", errUnknownKey
	}
	d, err := g.dids.GetDID(base58.Encode(key))
	if errors.Is(err, didstore.ErrNotFound) {
		didKey, _ := fingerprint.CreateDIDKey(key)
		d, err = g.dids.GetDID(didKey)
	}
	if errors.Is(err, didstore.ErrNotFound) {
		return "", errUnknownKey
	}
	if err != nil {
		return "", fmt.Errorf("DID store: %w", err)
	}
	return d, nil
}

// hasKey reports whether raw is one of keys (did:key or base58).
func hasKey(keys []string, raw []byte) bool {
	for _, k := range keys {
		var b []byte
		if strings.HasPrefix(k, "did:key:") {
			var err error
			if b, err = fingerprint.PubKeyFromDIDKey(k); err != nil {
				continue
			}
		} else {
			b = base58.Decode(k)
		}
		if len(b) > 0 && bytes.Equal(b, raw) {
			return true
		}
	}
	return false
}

// checkThread checks that a message continuing a known thread comes from
// the thread's connection.
func (g *guard) checkThread(msg service.DIDCommMsgMap, peer Pair) error {
	if g.opts.Threads == nil {
		return nil
	}
	piid := msg.ParentThreadID()
	if piid == "" {
		thid, err := msg.ThreadID()
		if err != nil {
			return fmt.Errorf("%w: thread: %v", ErrMalformed, err)
		}
		piid = thid
	}
	if piid == "" {
		return nil
	}
	if len(piid) > maxIDBytes {
		return fmt.Errorf("%w: thread id of %d bytes", ErrMalformed, len(piid))
	}
	owner, ok, err := g.opts.Threads(piid)
	if err != nil {
		return fmt.Errorf("find thread %s: %w", piid, err)
	}
	if ok && !owner.matches(peer) {
		return fmt.Errorf("%w: thread %s belongs to another connection", ErrWrongSender, piid)
	}
	return nil
}

// expiry reads the message's expiry: "~timing"."expires_time" (RFC 0032,
// an ISO 8601 time) or, in DIDComm v2, "expires_time" (seconds since the
// epoch).
func expiry(msg service.DIDCommMsgMap) (time.Time, bool, error) {
	if raw, ok := msg["~timing"]; ok && raw != nil {
		timing, ok := raw.(map[string]any)
		if !ok {
			return time.Time{}, false, fmt.Errorf("%w: ~timing is not an object", ErrMalformed)
		}
		if v, ok := timing["expires_time"]; ok && v != nil {
			s, ok := v.(string)
			if !ok {
				return time.Time{}, false, fmt.Errorf("%w: ~timing.expires_time is not a string", ErrMalformed)
			}
			t, err := parseTime(s)
			if err != nil {
				return time.Time{}, false, fmt.Errorf("%w: ~timing.expires_time: %v", ErrMalformed, err)
			}
			return t, true, nil
		}
	}
	if v, ok := msg["expires_time"]; ok && v != nil {
		var secs float64
		switch n := v.(type) {
		case float64:
			secs = n
		case json.Number:
			f, err := n.Float64()
			if err != nil {
				return time.Time{}, false, fmt.Errorf("%w: expires_time: %v", ErrMalformed, err)
			}
			secs = f
		default:
			return time.Time{}, false, fmt.Errorf("%w: expires_time is not a number", ErrMalformed)
		}
		if math.IsNaN(secs) || secs < 0 || secs > 1<<40 {
			return time.Time{}, false, fmt.Errorf("%w: expires_time out of range", ErrMalformed)
		}
		return time.Unix(int64(secs), 0), true, nil
	}
	return time.Time{}, false, nil
}

// timeLayouts are the ISO 8601 forms taken for ~timing.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z",
	"2006-01-02 15:04Z",
	"2006-01-02T15:04Z",
}

// parseTime parses an ISO 8601 time; one without a zone is UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time", s)
}
