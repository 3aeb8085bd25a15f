package agent

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/issuecredential/rfc0593"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

func TestReceiveAccept(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	connID, piid := connectAndOffer(t, is, l, 1)

	conns, err := l.a.Connections()
	require.NoError(t, err)
	require.Len(t, conns, 1)
	require.Equal(t, connID, conns[0].ID)
	require.Equal(t, "completed", conns[0].State)
	require.Equal(t, issuerName, conns[0].TheirLabel)

	inbox, err := l.a.Inbox()
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	o := inbox[0]
	require.Equal(t, piid, o.ID)
	require.Equal(t, "Teamwork Badge", o.Name)
	require.Equal(t, is.did, o.Issuer)
	require.Equal(t, issuerName, o.IssuerName)
	require.Equal(t, []string{"VerifiableCredential", "OpenBadgeCredential"}, o.Types)
	require.Equal(t, "Teamwork", o.Achievement)
	require.Equal(t, connID, o.ConnectionID)
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n, "nothing is stored before the learner accepts")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := l.a.Accept(ctx, piid[:8])
	require.NoError(t, err)
	require.Equal(t, OfferStored, got.State)
	require.NotEmpty(t, got.CredentialID)

	list, err := l.w.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, got.CredentialID, list[0].ID)
	require.True(t, list[0].Verified, "%+v", list[0])
	require.Equal(t, "ok", list[0].Checks.Signature)
	require.Equal(t, "confirmed", list[0].Checks.Issuer)
	is.waitFor(t, func() bool { return is.done[piid] })

	inbox, err = l.a.Inbox()
	require.NoError(t, err)
	require.Empty(t, inbox)
}

func TestDecline(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 2)

	ctx := context.Background()
	require.NoError(t, l.a.Decline(ctx, piid, "I already hold this badge"))
	is.waitFor(t, func() bool { return is.problems[piid] != "" })
	is.mu.Lock()
	desc := is.problems[piid]
	is.mu.Unlock()
	require.Contains(t, desc, `"code":"rejected"`)
	require.Contains(t, desc, "I already hold this badge")

	o, err := l.a.Offer(piid)
	require.NoError(t, err)
	require.Equal(t, OfferDeclined, o.State)
	inbox, err := l.a.Inbox()
	require.NoError(t, err)
	require.Empty(t, inbox)

	_, err = l.a.Accept(ctx, piid)
	require.ErrorIs(t, err, ErrNotPending)
	require.ErrorIs(t, l.a.Decline(ctx, piid, ""), ErrNotPending)
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestOffersSurviveRestart(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	connID, piid := connectAndOffer(t, is, l, 3)
	addr := l.a.Addr()

	l.restart(t, Options{})
	require.Equal(t, addr, l.a.Addr(), "the agent listens where its connections send")
	conns, err := l.a.Connections()
	require.NoError(t, err)
	require.Len(t, conns, 1)
	require.Equal(t, connID, conns[0].ID)
	inbox, err := l.a.Inbox()
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	require.Equal(t, piid, inbox[0].ID)
	require.Equal(t, "Teamwork Badge", inbox[0].Name)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, piid)
	require.NoError(t, err)
	require.Equal(t, OfferStored, o.State)
	rec, err := l.w.Get(o.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified)
}

func TestTamperedCredentialRejected(t *testing.T) {
	is := newIssuer(t)
	is.tamper = true
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 4)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, piid)
	require.ErrorIs(t, err, ErrRejected)
	require.Equal(t, OfferRejected, o.State)
	require.Contains(t, o.Problem, "signature invalid")
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n, "a tampered credential is not stored")

	is.waitFor(t, func() bool { return is.problems[piid] != "" })
	is.mu.Lock()
	desc := is.problems[piid]
	is.mu.Unlock()
	require.Contains(t, desc, "signature invalid", "the issuer learns why")
}

func TestIssuerVanishes(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 5)
	is.close()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, piid)
	require.Error(t, err)
	require.Contains(t, err.Error(), "could not be sent")
	require.Equal(t, OfferFailed, o.State)
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestUnsolicitedCredentialRefused sends a signed credential that no
// accepted offer asked for: on a thread of its own, and on the thread of an
// offer the learner has not accepted. Both are refused and nothing is stored.
func TestUnsolicitedCredentialRefused(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 6)
	is.mu.Lock()
	tmpl := is.offered[piid]
	is.mu.Unlock()
	signed, err := is.sign(deepCopy(tmpl))
	require.NoError(t, err)
	msg := func() service.DIDCommMsgMap {
		return service.NewDIDCommMsgMap(&issuecredential.IssueCredentialV2{
			Type:    issuecredential.IssueCredentialMsgTypeV2,
			Formats: []issuecredential.Format{{AttachID: "vc", Format: rfc0593.ProofVCFormat}},
			CredentialsAttach: []decorator.Attachment{{
				ID: "vc", MimeType: "application/ld+json", Data: decorator.AttachmentData{JSON: signed},
			}},
		})
	}
	conn, err := is.didex.GetConnection(is.connectionFor(t, firstKey(is)))
	require.NoError(t, err)

	tests := []struct {
		name string
		send func() error
	}{
		{"new thread", func() error { return is.msgr.Send(msg(), conn.MyDID, conn.TheirDID) }},
		{"thread of a pending offer", func() error {
			return is.msgr.ReplyToNested(msg(), &service.NestedReplyOpts{ThreadID: piid, MyDID: conn.MyDID, TheirDID: conn.TheirDID})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.send()
			require.Error(t, err, "the learner's agent refuses the message")
			require.Contains(t, err.Error(), "500", "refused by the learner, not lost on the way")
			n, err := l.w.Count()
			require.NoError(t, err)
			require.Zero(t, n)
			o, err := l.a.Offer(piid)
			require.NoError(t, err)
			require.Equal(t, OfferPending, o.State, "the offer still waits for the learner")
		})
	}
}

// firstKey returns the invitation id of the issuer's only connection.
func firstKey(is *issuer) string {
	is.mu.Lock()
	defer is.mu.Unlock()
	for k := range is.connected {
		return k
	}
	return ""
}

func TestPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	l := newLearner(t, Options{})
	addr := l.a.Addr()
	require.NoError(t, l.a.Close())
	l.a = nil

	_, err = New(l.w, Options{Listen: ln.Addr().String(), Loader: controltest.Loader(t)})
	require.ErrorIs(t, err, ErrPortTaken)
	require.Contains(t, err.Error(), ln.Addr().String())

	// The wallet is untouched and a free port works; the port of the
	// closed agent is free again.
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n)
	a, err := New(l.w, Options{Listen: addr, Loader: controltest.Loader(t)})
	require.NoError(t, err)
	require.Equal(t, addr, a.Addr())
	require.Equal(t, "http://"+addr, a.Endpoint())
	require.NoError(t, a.Close())
	require.NoError(t, a.Close(), "a second Close is harmless")
}

func TestConnectMalformedInvitation(t *testing.T) {
	l := newLearner(t, Options{Timeout: 2 * time.Second})
	for _, in := range []string{"", "hello", "https://issuer.example/invite", `{"@type":"nonsense"}`} {
		_, err := l.a.Connect(context.Background(), []byte(in))
		require.ErrorIs(t, err, ErrInvalidInvitation, "%q", in)
	}
	conns, err := l.a.Connections()
	require.NoError(t, err)
	require.Empty(t, conns, "a refused invitation makes no connection")
}

// TestConnectSameInvitationTwice: the second Connect with an invitation
// already accepted returns the connection made from it, without a second
// DID Exchange: one connection, and the issuer sees one learner.
func TestConnectSameInvitationTwice(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, link := is.invitation(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	first, err := l.a.Connect(ctx, link)
	require.NoError(t, err)
	again, err := l.a.Connect(ctx, link)
	require.NoError(t, err)
	require.Equal(t, first, again)
	conns, err := l.a.Connections()
	require.NoError(t, err)
	require.Len(t, conns, 1)

	// Another invitation from the same issuer is another connection.
	_, other := is.invitation(t)
	third, err := l.a.Connect(ctx, other)
	require.NoError(t, err)
	require.NotEqual(t, first, third)
	conns, err = l.a.Connections()
	require.NoError(t, err)
	require.Len(t, conns, 2)
}

// TestRestartMidStep simulates a stop between the agent's record and aries'
// step: an offer recorded as accepted whose request never left goes back to
// the inbox; one recorded as declined is ended (the issuer is told) at the
// next start.
func TestRestartMidStep(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, first := connectAndOffer(t, is, l, 7)
	second := is.offer(t, is.connectionFor(t, firstKey(is)), 8)
	waitOffer(t, l.a, second, OfferPending)

	set := func(piid string, st OfferState, problem string) {
		rec, err := l.a.loadOffer(piid)
		require.NoError(t, err)
		rec.State, rec.Problem = st, problem
		require.NoError(t, l.a.saveOffer(rec))
	}
	set(first, OfferAccepted, "")
	set(second, OfferDeclined, "changed my mind")
	l.restart(t, Options{})

	inbox, err := l.a.Inbox()
	require.NoError(t, err)
	require.Len(t, inbox, 1)
	require.Equal(t, first, inbox[0].ID)
	is.waitFor(t, func() bool { return strings.Contains(is.problems[second], "changed my mind") })

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, first)
	require.NoError(t, err)
	require.Equal(t, OfferStored, o.State)
}

func TestIssuerEndsExchange(t *testing.T) {
	is := newIssuer(t)
	is.refuse = true
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 9)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, piid)
	require.ErrorIs(t, err, ErrWithdrawn)
	require.Equal(t, OfferWithdrawn, o.State)
	require.Contains(t, o.Problem, "the issuer ended the exchange")
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestOfferWithoutDetail: an offer in a format other than RFC 0593 JSON-LD
// does not reach the inbox; the issuer is told why.
func TestOfferWithoutDetail(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	invID, link := is.invitation(t)
	_, err := l.a.Connect(context.Background(), link)
	require.NoError(t, err)
	piid := is.send(t, is.connectionFor(t, invID), 10, "hlindy/cred-abstract@v2.0")

	o := waitOffer(t, l.a, piid, OfferFailed)
	require.Contains(t, o.Problem, "ld-proof-vc-detail")
	inbox, err := l.a.Inbox()
	require.NoError(t, err)
	require.Empty(t, inbox)
	is.waitFor(t, func() bool { return strings.Contains(is.problems[piid], "RFC 0593") })
}

// TestLockedWallet: while the wallet is locked (the app's idle lock) the
// agent refuses messages and the learner's calls fail with the wallet's
// ErrLocked; after Unlock the same agent carries on.
func TestLockedWallet(t *testing.T) {
	is := newIssuer(t)
	l := newLearner(t, Options{})
	_, piid := connectAndOffer(t, is, l, 11)
	conn := is.connectionFor(t, firstKey(is))

	l.w.Lock()
	_, err := is.trySend(conn, 12, rfc0593.ProofVCDetailFormat)
	require.Error(t, err, "an offer cannot land in a locked wallet")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = l.a.Accept(ctx, piid)
	require.ErrorIs(t, err, wallet.ErrLocked)
	_, err = l.a.Inbox()
	require.ErrorIs(t, err, wallet.ErrLocked)

	require.NoError(t, l.w.Unlock([]byte(testPass)))
	o, err := l.a.Accept(ctx, piid)
	require.NoError(t, err)
	require.Equal(t, OfferStored, o.State)
	second := is.offer(t, conn, 13)
	waitOffer(t, l.a, second, OfferPending)
}

// slowTransport holds every response back for a while after the peer has
// answered, as a slow or loaded network does.
type slowTransport struct {
	inner http.RoundTripper
	delay time.Duration
}

func (s slowTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.inner.RoundTrip(r)
	time.Sleep(s.delay)
	return resp, err
}

// TestCredentialBeforeRequestReported: the issuer's credential can arrive
// (and its ack be queued) before the learner's own send of the request has
// returned. Accept must still learn that its request left, and the ack must
// follow.
func TestCredentialBeforeRequestReported(t *testing.T) {
	is := newIssuer(t)
	client := didcomm.NewHTTPClient()
	client.Transport = slowTransport{inner: client.Transport, delay: 300 * time.Millisecond}
	l := newLearner(t, Options{HTTPClient: client, Timeout: 10 * time.Second})
	_, piid := connectAndOffer(t, is, l, 14)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	o, err := l.a.Accept(ctx, piid)
	require.NoError(t, err)
	require.Equal(t, OfferStored, o.State)
	is.waitFor(t, func() bool { return is.done[piid] })
}
