package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/issuecredential/rfc0593"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/transport"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/pkg/vdr/fingerprint"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/didcomm"
)

// The tests in this file attack the learner's agent with messages crafted
// for real: packed with an issuer agent's own aries packager (authcrypt from
// a connection's key, anoncrypt, from a key of another connection or of no
// connection) and POSTed to the learner's endpoint on 127.0.0.1 as a peer
// would. Each case checks both what the sender sees (HTTP 202 or 500), the
// reason the guard gives (Options.OnDrop) and the effect on the inbox.

// drops records what the learner's guard refused.
type drops struct {
	mu  sync.Mutex
	all []Dropped
}

func (d *drops) add(x Dropped) {
	d.mu.Lock()
	d.all = append(d.all, x)
	d.mu.Unlock()
}

// last returns the last drop's reason (nil if none) and the count.
func (d *drops) last() (error, int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.all) == 0 {
		return nil, 0
	}
	return d.all[len(d.all)-1].Reason, len(d.all)
}

// link is one side of a connection as an attacker or the issuer sees it:
// the key it sends from and the learner's keys for that connection.
type link struct {
	is   *issuer
	from string   // the issuer's key on the connection (did:key)
	to   []string // the learner's recipient keys on the connection
}

// linkOf returns the keys of the issuer's connection connID.
func linkOf(t *testing.T, is *issuer, connID string) link {
	t.Helper()
	conn, err := is.didex.GetConnection(connID)
	require.NoError(t, err)
	ctx, err := is.fw.Context()
	require.NoError(t, err)
	mine, err := service.GetDestination(conn.MyDID, ctx.VDRegistry())
	require.NoError(t, err)
	theirs, err := service.GetDestination(conn.TheirDID, ctx.VDRegistry())
	require.NoError(t, err)
	require.NotEmpty(t, mine.RecipientKeys)
	require.NotEmpty(t, theirs.RecipientKeys)
	return link{is: is, from: mine.RecipientKeys[0], to: theirs.RecipientKeys}
}

// pack packs msg with is's packager from key from (authcrypt; anoncrypt
// when from is empty) to keys to.
func pack(t *testing.T, is *issuer, msg service.DIDCommMsgMap, from string, to []string) []byte {
	t.Helper()
	raw, err := json.Marshal(msg)
	require.NoError(t, err)
	ctx, err := is.fw.Context()
	require.NoError(t, err)
	env := &transport.Envelope{MediaTypeProfile: transport.MediaTypeAIP2RFC0019Profile, Message: raw, ToKeys: to}
	if from != "" {
		env.FromKey = []byte(from)
	}
	out, err := ctx.Packager().PackMessage(env)
	require.NoError(t, err)
	return out
}

// post sends an envelope to the learner as an HTTP transport does and
// returns the status.
func post(t *testing.T, l *learner, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, l.a.Endpoint(), bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/didcomm-envelope-enc")
	client := didcomm.NewHTTPClient()
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

// offerMsg is an RFC 0593 offer of the issuer's badge n with a fresh id.
func offerMsg(t *testing.T, is *issuer, n int) service.DIDCommMsgMap {
	t.Helper()
	id, err := randomID()
	require.NoError(t, err)
	spec := map[string]any{
		"credential": is.template(n),
		"options":    map[string]any{"proofType": sigEd2020, "proofPurpose": "assertionMethod"},
	}
	msg := service.NewDIDCommMsgMap(&issuecredential.OfferCredentialV2{
		Type:    issuecredential.OfferCredentialMsgTypeV2,
		Comment: "crafted",
		Formats: []issuecredential.Format{{AttachID: "detail", Format: rfc0593.ProofVCDetailFormat}},
		OffersAttach: []decorator.Attachment{{
			ID: "detail", MimeType: "application/json", Data: decorator.AttachmentData{JSON: spec},
		}},
	})
	delete(msg, "~metadata")
	msg["@id"] = id
	return msg
}

// problemMsg is an issue-credential problem report on thread thid.
func problemMsg(t *testing.T, thid string) service.DIDCommMsgMap {
	t.Helper()
	id, err := randomID()
	require.NoError(t, err)
	return service.DIDCommMsgMap{
		"@id":         id,
		"@type":       issuecredential.ProblemReportMsgTypeV2,
		"~thread":     map[string]any{"thid": thid},
		"description": map[string]any{"code": "rejected", "en": "withdrawn by an impostor"},
	}
}

// landed sends a genuine offer on lk and waits until it is in the inbox:
// the agent handles messages in order, so anything sent before it has been
// handled by then.
func landed(t *testing.T, l *learner, lk link, n int) string {
	t.Helper()
	msg := offerMsg(t, lk.is, n)
	require.Equal(t, http.StatusAccepted, post(t, l, pack(t, lk.is, msg, lk.from, lk.to)))
	waitOffer(t, l.a, msg.ID(), OfferPending)
	return msg.ID()
}

// requireNoOffer checks that offer id never reached the agent.
func requireNoOffer(t *testing.T, l *learner, id string) {
	t.Helper()
	_, err := l.a.Offer(id)
	require.ErrorIs(t, err, ErrNoOffer, "the refused offer must not be recorded")
}

// connectTo connects learner l to issuer is and returns the issuer's link.
func connectTo(t *testing.T, is *issuer, l *learner) link {
	t.Helper()
	invID, inv := is.invitation(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := l.a.Connect(ctx, inv)
	require.NoError(t, err)
	return linkOf(t, is, is.connectionFor(t, invID))
}

// TestGuardAuthcryptOnly: rule 1. An issue-credential offer must arrive
// authcrypt; the same offer anoncrypt (sent to the right key, so aries
// would take it) is dropped.
func TestGuardAuthcryptOnly(t *testing.T) {
	is := newIssuer(t)
	var d drops
	l := newLearner(t, Options{OnDrop: d.add})
	lk := connectTo(t, is, l)

	tests := []struct {
		name   string
		from   string
		status int
		reason error
	}{
		{name: "authcrypt", from: lk.from, status: http.StatusAccepted},
		{name: "anoncrypt", from: "", status: http.StatusInternalServerError, reason: didcomm.ErrNotAuthenticated},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := offerMsg(t, is, 100+i)
			_, before := d.last()
			require.Equal(t, tc.status, post(t, l, pack(t, is, msg, tc.from, lk.to)))
			reason, n := d.last()
			if tc.reason == nil {
				require.Equal(t, before, n, "nothing dropped: %v", reason)
				waitOffer(t, l.a, msg.ID(), OfferPending)
				return
			}
			require.Equal(t, before+1, n)
			require.ErrorIs(t, reason, tc.reason)
			landed(t, l, lk, 200+i)
			requireNoOffer(t, l, msg.ID())
		})
	}
}

// TestGuardSenderMatchesConnection: rule 2. Two issuers are connected to
// the learner, who has accepted the first one's offer and waits for the
// credential. The second one (or a key of no connection) tries to pass for
// the first: a message from its key sent to the learner's key of the first
// connection, and a problem report on its own connection but on the thread
// of the accepted offer (which, taken, would end it). All are dropped and
// the offer still waits; the second issuer's own messages still land, and
// the first issuer can still end its exchange.
func TestGuardSenderMatchesConnection(t *testing.T) {
	good, evil := newIssuer(t), newIssuer(t)
	var d drops
	l := newLearner(t, Options{OnDrop: d.add, Timeout: 2 * time.Second})
	gl := connectTo(t, good, l)
	el := connectTo(t, evil, l)
	victim := landed(t, l, gl, 1)
	landed(t, l, el, 2) // the second issuer's own offer is fine

	// The first issuer takes the learner's request but does not answer yet:
	// its event loop stops (aries keeps the request in its buffer).
	pauseLoop(t, good)
	o, err := l.a.Accept(context.Background(), victim)
	require.ErrorIs(t, err, ErrTimeout)
	require.Equal(t, OfferAccepted, o.State)

	stranger, err := kmsKey(evil)
	require.NoError(t, err)

	tests := []struct {
		name string
		env  func() ([]byte, string)
	}{
		{name: "other connection's key to this connection's key", env: func() ([]byte, string) {
			msg := offerMsg(t, evil, 3)
			return pack(t, evil, msg, el.from, gl.to), msg.ID()
		}},
		{name: "key of no connection", env: func() ([]byte, string) {
			msg := offerMsg(t, evil, 4)
			return pack(t, evil, msg, stranger, gl.to), msg.ID()
		}},
		{name: "problem report on another connection's thread", env: func() ([]byte, string) {
			return pack(t, evil, problemMsg(t, victim), el.from, el.to), ""
		}},
		{name: "problem report on another connection's thread, to its key", env: func() ([]byte, string) {
			return pack(t, evil, problemMsg(t, victim), el.from, gl.to), ""
		}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body, id := tc.env()
			_, before := d.last()
			require.Equal(t, http.StatusInternalServerError, post(t, l, body))
			reason, n := d.last()
			require.Equal(t, before+1, n)
			require.ErrorIs(t, reason, didcomm.ErrWrongSender)
			landed(t, l, gl, 10+i)
			if id != "" {
				requireNoOffer(t, l, id)
			}
			o, err := l.a.Offer(victim)
			require.NoError(t, err)
			require.Equal(t, OfferAccepted, o.State, "the accepted offer is untouched: %s", o.Problem)
		})
	}

	// The genuine issuer can still end its own exchange.
	require.Equal(t, http.StatusAccepted, post(t, l, pack(t, good, problemMsg(t, victim), gl.from, gl.to)))
	waitOffer(t, l.a, victim, OfferWithdrawn)
}

// pauseLoop stops the issuer's event loop (its aries keeps serving, and
// buffers the events it raises) and closes the rest at the end of the test.
func pauseLoop(t *testing.T, is *issuer) {
	close(is.quit)
	is.wg.Wait()
	t.Cleanup(func() {
		_ = is.in.Stop()
		_ = is.fw.Close()
	})
}

// kmsKey creates an Ed25519 key in the issuer's KMS (a key of no
// connection) and returns it as a did:key.
func kmsKey(is *issuer) (string, error) {
	ctx, err := is.fw.Context()
	if err != nil {
		return "", err
	}
	_, pub, err := ctx.KMS().CreateAndExportPubKeyBytes(kms.ED25519Type)
	if err != nil {
		return "", err
	}
	didKey, _ := fingerprint.CreateDIDKey(pub)
	if didKey == "" {
		return "", errors.New("no did:key")
	}
	return didKey, nil
}

// TestGuardReplay: rule 3. The same envelope POSTed again is dropped, also
// after the learner's agent and wallet restarted; an envelope aries refused
// may be sent again.
func TestGuardReplay(t *testing.T) {
	is := newIssuer(t)
	var d drops
	l := newLearner(t, Options{OnDrop: d.add, Timeout: 2 * time.Second})
	lk := connectTo(t, is, l)

	msg := offerMsg(t, is, 1)
	body := pack(t, is, msg, lk.from, lk.to)
	require.Equal(t, http.StatusAccepted, post(t, l, body))
	waitOffer(t, l.a, msg.ID(), OfferPending)
	_, before := d.last()

	require.Equal(t, http.StatusInternalServerError, post(t, l, body), "replay")
	reason, n := d.last()
	require.Equal(t, before+1, n)
	require.ErrorIs(t, reason, didcomm.ErrReplay)

	// A replay with the same id in a new envelope is the same message.
	require.Equal(t, http.StatusInternalServerError, post(t, l, pack(t, is, msg, lk.from, lk.to)), "same id, new envelope")
	reason, n = d.last()
	require.Equal(t, before+2, n)
	require.ErrorIs(t, reason, didcomm.ErrReplay)

	l.restart(t, Options{OnDrop: d.add, Timeout: 2 * time.Second})
	require.Equal(t, http.StatusInternalServerError, post(t, l, body), "replay after a restart")
	reason, n = d.last()
	require.Equal(t, before+3, n)
	require.ErrorIs(t, reason, didcomm.ErrReplay)

	// A message aries refuses is not remembered: the issuer's problem report
	// on an offer still pending is refused by aries' state machine; the same
	// envelope sent again once the learner has accepted ends the exchange.
	withdraw := pack(t, is, problemMsg(t, msg.ID()), lk.from, lk.to)
	_, before = d.last()
	require.Equal(t, http.StatusInternalServerError, post(t, l, withdraw), "aries refuses it")
	_, n = d.last()
	require.Equal(t, before, n, "not by the guard")
	pauseLoop(t, is)
	o, err := l.a.Accept(context.Background(), msg.ID())
	require.ErrorIs(t, err, ErrTimeout)
	require.Equal(t, OfferAccepted, o.State)
	require.Equal(t, http.StatusAccepted, post(t, l, withdraw), "the same envelope, now in turn")
	waitOffer(t, l.a, msg.ID(), OfferWithdrawn)
}

// TestGuardExpired: rule 3. A message whose ~timing.expires_time has passed
// is dropped; one still valid lands; an unreadable expiry is malformed.
func TestGuardExpired(t *testing.T) {
	is := newIssuer(t)
	var d drops
	l := newLearner(t, Options{OnDrop: d.add})
	lk := connectTo(t, is, l)

	tests := []struct {
		name    string
		expires any
		reason  error
	}{
		{name: "expires in an hour", expires: time.Now().Add(time.Hour).UTC().Format(time.RFC3339)},
		{name: "expired a minute ago", expires: time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), reason: didcomm.ErrExpired},
		{name: "expired, with a zone offset", expires: time.Now().Add(-time.Minute).In(time.FixedZone("", 2*3600)).Format(time.RFC3339Nano), reason: didcomm.ErrExpired},
		{name: "unreadable expiry", expires: "next tuesday", reason: didcomm.ErrMalformed},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := offerMsg(t, is, 10+i)
			msg["~timing"] = map[string]any{"expires_time": tc.expires}
			_, before := d.last()
			status := post(t, l, pack(t, is, msg, lk.from, lk.to))
			reason, n := d.last()
			if tc.reason == nil {
				require.Equal(t, http.StatusAccepted, status, "%v", reason)
				waitOffer(t, l.a, msg.ID(), OfferPending)
				return
			}
			require.Equal(t, http.StatusInternalServerError, status)
			require.Equal(t, before+1, n)
			require.ErrorIs(t, reason, tc.reason)
			landed(t, l, lk, 100+i)
			requireNoOffer(t, l, msg.ID())
		})
	}
}
