package didcomm

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/mediator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/messagepickup"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	arieshttp "github.com/hyperledger/aries-framework-go/pkg/didcomm/transport/http"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"
	"github.com/hyperledger/aries-framework-go/pkg/framework/context"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/ld"
)

func TestExpiry(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		name    string
		msg     string
		want    time.Time
		has     bool
		wantErr error
	}{
		{name: "none", msg: `{}`},
		{name: "timing without expiry", msg: `{"~timing":{"in_time":"2026-03-01T12:30:00Z"}}`},
		{name: "rfc3339", msg: `{"~timing":{"expires_time":"2026-03-01T12:30:00Z"}}`, want: at, has: true},
		{name: "offset and fraction", msg: `{"~timing":{"expires_time":"2026-03-01T14:30:00.000+02:00"}}`, want: at, has: true},
		{name: "space separated, RFC 0032", msg: `{"~timing":{"expires_time":"2026-03-01 12:30Z"}}`, want: at, has: true},
		{name: "no zone is UTC", msg: `{"~timing":{"expires_time":"2026-03-01T12:30:00"}}`, want: at, has: true},
		{name: "v2 seconds", msg: `{"expires_time":1772368200}`, want: at, has: true},
		{name: "null expiry", msg: `{"~timing":{"expires_time":null}}`},
		{name: "timing not an object", msg: `{"~timing":"soon"}`, wantErr: ErrMalformed},
		{name: "expiry not a string", msg: `{"~timing":{"expires_time":12}}`, wantErr: ErrMalformed},
		{name: "expiry not a time", msg: `{"~timing":{"expires_time":"tomorrow"}}`, wantErr: ErrMalformed},
		{name: "v2 not a number", msg: `{"expires_time":"1772368200"}`, wantErr: ErrMalformed},
		{name: "v2 negative", msg: `{"expires_time":-1}`, wantErr: ErrMalformed},
		{name: "v2 huge", msg: `{"expires_time":1e300}`, wantErr: ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg, err := service.ParseDIDCommMsgMap([]byte(tc.msg))
			require.NoError(t, err)
			got, has, err := expiry(msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.has, has)
			if tc.has {
				require.True(t, tc.want.Equal(got), "got %s", got)
			}
		})
	}
}

func TestPairMatches(t *testing.T) {
	conn := Pair{MyDID: "did:peer:me", TheirDID: "did:peer:them", ConnectionID: "c1"}
	tests := []struct {
		name  string
		owner Pair
		want  bool
	}{
		{name: "same DIDs", owner: Pair{MyDID: "did:peer:me", TheirDID: "did:peer:them"}, want: true},
		{name: "same connection id", owner: Pair{ConnectionID: "c1"}, want: true},
		{name: "all three", owner: conn, want: true},
		{name: "other their DID", owner: Pair{MyDID: "did:peer:me", TheirDID: "did:peer:other"}},
		{name: "other my DID", owner: Pair{MyDID: "did:peer:other", TheirDID: "did:peer:them"}},
		{name: "other connection id", owner: Pair{ConnectionID: "c2"}},
		{name: "DIDs match, id does not", owner: Pair{MyDID: "did:peer:me", TheirDID: "did:peer:them", ConnectionID: "c2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.owner.matches(conn))
		})
	}
}

// TestReplayCache: ids are remembered until their time; memory holds at
// most max ids, oldest out first; persisted ids outlive both the memory
// limit and the cache (a restart); pruning deletes expired ids.
func TestReplayCache(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	later := now.Add(time.Hour)
	st, err := mem.NewProvider().OpenStore("seen")
	require.NoError(t, err)
	c := newReplayCache(st, 2)

	add := func(c *replayCache, key string, persist bool) {
		t.Helper()
		require.NoError(t, c.reserve(key, now))
		require.ErrorIs(t, c.reserve(key, now), ErrReplay, "while %s is handled", key)
		c.commit(key, later, persist, now)
	}
	add(c, "kept", true)
	add(c, "a", false)
	add(c, "b", false)
	add(c, "c", false)
	require.Len(t, c.mem, 2, "memory is bounded")

	tests := []struct {
		name string
		c    func() *replayCache
		key  string
		at   time.Time
		want error
	}{
		{name: "recent id", c: func() *replayCache { return c }, key: "c", at: now, want: ErrReplay},
		{name: "oldest forgotten", c: func() *replayCache { return c }, key: "a", at: now},
		{name: "persisted, evicted from memory", c: func() *replayCache { return c }, key: "kept", at: now, want: ErrReplay},
		{name: "persisted, after a restart", c: func() *replayCache { return newReplayCache(st, 2) }, key: "kept", at: now, want: ErrReplay},
		{name: "memory only, after a restart", c: func() *replayCache { return newReplayCache(st, 2) }, key: "c", at: now},
		{name: "persisted, past its time", c: func() *replayCache { return newReplayCache(st, 2) }, key: "kept", at: later},
		{name: "in memory, past its time", c: func() *replayCache { return c }, key: "b", at: later},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cc := tc.c()
			err := cc.reserve(tc.key, tc.at)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				return
			}
			require.NoError(t, err)
			cc.release(tc.key)
			require.NoError(t, cc.reserve(tc.key, tc.at), "a released id may come again")
			cc.release(tc.key)
		})
	}

	c.prune(later)
	_, err = st.Get("kept")
	require.ErrorIs(t, err, storage.ErrDataNotFound, "pruning deletes expired ids")
	require.Empty(t, c.mem)
}

// testFramework is a wallet with aries started on it through NewFramework,
// and its Inbound (not serving).
type testFramework struct {
	in  *Inbound
	fw  *aries.Aries
	ctx *context.Provider
	g   *guard
	key string // an Ed25519 key of the framework's KMS, as did:key
}

func newTestFramework(t testing.TB, opts GuardOptions) *testFramework {
	t.Helper()
	loader, err := ld.NewLoader()
	require.NoError(t, err)
	w, err := wallet.Create(filepath.Join(t.TempDir(), "wallet"), []byte("correct horse battery staple"), wallet.Options{})
	require.NoError(t, err)
	in, err := Listen("127.0.0.1:0", "", nil)
	require.NoError(t, err)
	fw, err := NewFramework(Config{
		Wallet: w, StatePrefix: "guard-", Inbound: in, Client: NewHTTPClient(), Loader: loader, Guard: opts,
	})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = in.Stop()
		_ = fw.Close()
		_ = w.Close()
	})
	ctx, err := fw.Context()
	require.NoError(t, err)
	_, pub, err := ctx.KMS().CreateAndExportPubKeyBytes(kms.ED25519Type)
	require.NoError(t, err)
	key, _ := fingerprint.CreateDIDKey(pub)
	g := in.currentGuard()
	require.NotNil(t, g, "NewFramework protects the Inbound")
	return &testFramework{in: in, fw: fw, ctx: ctx, g: g, key: key}
}

// TestGuardHandle runs envelopes (as aries' packager returns them) through
// the guard of a real framework, with a handler behind it that records
// what reaches it.
func TestGuardHandle(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var dropped []Dropped
	tf := newTestFramework(t, GuardOptions{Now: func() time.Time { return now }, OnDrop: func(d Dropped) { dropped = append(dropped, d) }})
	pub, err := fingerprint.PubKeyFromDIDKey(tf.key)
	require.NoError(t, err)

	msg := func(typ, id string, extra map[string]any) []byte {
		m := map[string]any{"@type": typ, "@id": id}
		for k, v := range extra {
			m[k] = v
		}
		b, err := json.Marshal(m)
		require.NoError(t, err)
		return b
	}
	exchange := didexchange.RequestMsgType
	offer := issuecredential.OfferCredentialMsgTypeV2
	failing := errors.New("aries refused it")

	tests := []struct {
		name    string
		env     *transport.Envelope
		next    error // what the handler behind returns
		want    error // the guard's reason; nil: handed on
		reached bool
	}{
		{name: "no envelope", env: nil, want: ErrMalformed},
		{name: "not JSON", env: &transport.Envelope{Message: []byte("hello")}, want: ErrMalformed},
		{name: "no id", env: &transport.Envelope{Message: []byte(`{"@type":"` + exchange + `"}`)}, want: ErrMalformed},
		{name: "no type", env: &transport.Envelope{Message: []byte(`{"@id":"x1"}`)}, want: ErrMalformed},
		{name: "huge id", env: &transport.Envelope{Message: msg(exchange, strings.Repeat("x", maxIDBytes+1), nil)}, want: ErrMalformed},
		{name: "expired", env: &transport.Envelope{Message: msg(exchange, "x2", map[string]any{"~timing": map[string]any{"expires_time": "2026-03-01T11:59:59Z"}})}, want: ErrExpired},
		{name: "expires now", env: &transport.Envelope{Message: msg(exchange, "x3", map[string]any{"~timing": map[string]any{"expires_time": "2026-03-01T12:00:00Z"}})}, want: ErrExpired},
		{name: "anoncrypt offer", env: &transport.Envelope{Message: msg(offer, "x4", nil), ToKey: pub}, want: ErrNotAuthenticated},
		{name: "authcryptt offer, no connection", env: &transport.Envelope{Message: msg(offer, "x5", nil), FromKey: pub, ToKey: pub}, want: ErrWrongSender},
		{name: "authcryptt offer, unknown recipient", env: &transport.Envelope{Message: msg(offer, "x6", nil), FromKey: pub}, want: ErrWrongSender},
		{name: "Connections 1.0, anoncrypt", env: &transport.Envelope{Message: msg("https://didcomm.org/connections/1.0/request", "x10", nil), ToKey: pub}, want: ErrNotAuthenticated},
		{name: "DID exchange, anoncrypt", env: &transport.Envelope{Message: msg(exchange, "x7", nil), ToKey: pub}, reached: true},
		{name: "its replay", env: &transport.Envelope{Message: msg(exchange, "x7", nil), ToKey: pub}, want: ErrReplay},
		{name: "same id, other sender", env: &transport.Envelope{Message: msg(exchange, "x7", nil), FromKey: pub, ToKey: pub}, reached: true},
		{name: "refused behind the guard", env: &transport.Envelope{Message: msg(exchange, "x8", nil)}, next: failing, reached: true},
		{name: "its retry is not a replay", env: &transport.Envelope{Message: msg(exchange, "x8", nil)}, reached: true},
		{name: "and the next is", env: &transport.Envelope{Message: msg(exchange, "x8", nil)}, want: ErrReplay},
		{name: "not yet expired", env: &transport.Envelope{Message: msg(exchange, "x9", map[string]any{"~timing": map[string]any{"expires_time": "2026-03-01T12:00:01Z"}})}, reached: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reached := false
			before := len(dropped)
			err := tf.g.handle(tc.env, func(*transport.Envelope) error { reached = true; return tc.next })
			require.Equal(t, tc.reached, reached)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				require.Len(t, dropped, before+1)
				require.ErrorIs(t, dropped[before].Reason, tc.want)
				return
			}
			require.Len(t, dropped, before, "not dropped")
			if tc.next != nil {
				require.ErrorIs(t, err, tc.next)
				return
			}
			require.NoError(t, err)
		})
	}
}

// TestServeNeedsGuard: an Inbound that aries started but nobody protected
// does not serve; Protect makes it serve.
func TestServeNeedsGuard(t *testing.T) {
	in, err := Listen("127.0.0.1:0", "", nil)
	require.NoError(t, err)
	defer in.Stop()
	out, err := arieshttp.NewOutbound(arieshttp.WithOutboundHTTPClient(NewHTTPClient()))
	require.NoError(t, err)
	fw, err := aries.New(
		aries.WithStoreProvider(mem.NewProvider()),
		aries.WithProtocolStateStoreProvider(mem.NewProvider()),
		aries.WithInboundTransport(in),
		aries.WithOutboundTransports(out),
	)
	require.NoError(t, err)
	defer fw.Close()
	require.ErrorIs(t, in.Serve(), ErrUnprotected)
	ctx, err := fw.Context()
	require.NoError(t, err)
	require.Error(t, in.Protect(nil, GuardOptions{}))
	require.NoError(t, in.Protect(ctx, GuardOptions{}))
	require.NoError(t, in.Serve())
}

// TestGuardRouting: the messages only a mediator takes are dropped whoever
// sends them (rule 4); a mediator's messages to its client pass rules 1-3
// first.
func TestGuardRouting(t *testing.T) {
	var dropped []Dropped
	tf := newTestFramework(t, GuardOptions{
		OnDrop:   func(d Dropped) { dropped = append(dropped, d) },
		Mediator: func(Pair) (bool, error) { return true, nil },
	})
	pub, err := fingerprint.PubKeyFromDIDKey(tf.key)
	require.NoError(t, err)
	tests := []struct {
		name      string
		typ       string
		authcrypt bool
		want      error
	}{
		{name: "forward, anoncrypt", typ: service.ForwardMsgType, want: ErrNotExpected},
		{name: "forward, authcryptt", typ: service.ForwardMsgType, authcrypt: true, want: ErrNotExpected},
		{name: "forward v2", typ: service.ForwardMsgTypeV2, authcrypt: true, want: ErrNotExpected},
		{name: "mediate-request", typ: mediator.RequestMsgType, authcrypt: true, want: ErrNotExpected},
		{name: "keylist_update", typ: mediator.KeylistUpdateMsgType, authcrypt: true, want: ErrNotExpected},
		{name: "batch-pickup", typ: messagepickup.BatchPickupMsgType, authcrypt: true, want: ErrNotExpected},
		{name: "status-request", typ: messagepickup.StatusRequestMsgType, authcrypt: true, want: ErrNotExpected},
		{name: "grant, anoncrypt", typ: mediator.GrantMsgType, want: ErrNotAuthenticated},
		{name: "batch, anoncrypt", typ: messagepickup.BatchMsgType, want: ErrNotAuthenticated},
		{name: "batch, no connection", typ: messagepickup.BatchMsgType, authcrypt: true, want: ErrWrongSender},
		{name: "keylist_update_response, no connection", typ: mediator.KeylistUpdateResponseMsgType, authcrypt: true, want: ErrWrongSender},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := &transport.Envelope{ToKey: pub}
			if tc.authcrypt {
				env.FromKey = pub
			}
			env.Message, err = json.Marshal(map[string]any{"@type": tc.typ, "@id": fmt.Sprintf("r%d", i)})
			require.NoError(t, err)
			before := len(dropped)
			reached := false
			err := tf.g.handle(env, func(*transport.Envelope) error { reached = true; return nil })
			require.ErrorIs(t, err, tc.want)
			require.False(t, reached)
			require.Len(t, dropped, before+1)
			require.Equal(t, tc.typ, dropped[before].Type)
		})
	}
}

// TestCheckMediator: a mediator's message to its client passes only from
// the connection the owner names as its mediator.
func TestCheckMediator(t *testing.T) {
	peer := Pair{MyDID: "did:peer:me", TheirDID: "did:peer:med", ConnectionID: "c-med"}
	lookup := errors.New("wallet locked")
	only := func(id string) func(Pair) (bool, error) {
		return func(p Pair) (bool, error) { return p.ConnectionID == id, nil }
	}
	tests := []struct {
		name     string
		typ      string
		mediator func(Pair) (bool, error)
		want     error
	}{
		{name: "grant from the mediator", typ: mediator.GrantMsgType, mediator: only("c-med")},
		{name: "batch from the mediator", typ: messagepickup.BatchMsgType, mediator: only("c-med")},
		{name: "status from the mediator", typ: messagepickup.StatusMsgType, mediator: only("c-med")},
		{name: "grant from another connection", typ: mediator.GrantMsgType, mediator: only("c-other"), want: ErrNotExpected},
		{name: "batch from another connection", typ: messagepickup.BatchMsgType, mediator: only("c-other"), want: ErrNotExpected},
		{name: "keylist response, no mediator used", typ: mediator.KeylistUpdateResponseMsgType, want: ErrNotExpected},
		{name: "noop, no mediator used", typ: messagepickup.NoopMsgType, want: ErrNotExpected},
		{name: "look-up fails", typ: messagepickup.BatchMsgType, mediator: func(Pair) (bool, error) { return false, lookup }, want: lookup},
		{name: "other protocols pass", typ: issuecredential.OfferCredentialMsgTypeV2, mediator: only("c-other")},
		{name: "other protocols pass without a mediator", typ: issuecredential.OfferCredentialMsgTypeV2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &guard{opts: GuardOptions{Mediator: tc.mediator}}
			err := g.checkMediator(tc.typ, peer)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}
