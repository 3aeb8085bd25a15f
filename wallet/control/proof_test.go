package control

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/issuer"
)

// TestMediatorOverSocket: before a mediator is set up, mediator and pickup
// say there is none; a malformed invitation is refused; then the learner
// registers with an aries mediator through the socket. A verifier's
// request sent while the agent is stopped waits at the mediator, is picked
// up at the next start and shows in requests; a pickup then finds nothing
// more.
func TestMediatorOverSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three DIDComm agents")
	}
	med := controltest.NewMediator(t)
	ver := controltest.NewVerifier(t)
	w := newWallet(t)
	dir := w.Dir()
	a, err := agent.New(w, agent.Options{Timeout: 15 * time.Second})
	require.NoError(t, err)
	s := listen(t, w, a)
	c, _ := dial(t, dir)
	ctx := controltest.Context(t)

	_, err = c.Mediator(ctx)
	require.ErrorIs(t, err, agent.ErrNoMediator)
	n, err := c.Pickup(ctx)
	require.ErrorIs(t, err, agent.ErrNoMediator)
	require.Zero(t, n)
	_, err = c.UseMediator(ctx, []byte("https://mediator.example/?oob=not-base64!"))
	require.ErrorIs(t, err, agent.ErrInvalidInvitation)

	m, err := c.UseMediator(ctx, med.Invitation(t))
	require.NoError(t, err)
	require.Equal(t, med.Endpoint(), m.Endpoint)
	require.Equal(t, controltest.MediatorLabel, m.Label)
	require.NotEmpty(t, m.ConnectionID)
	require.Len(t, m.RoutingKeys, 1)
	got, err := c.Mediator(ctx)
	require.NoError(t, err)
	require.Equal(t, m.ConnectionID, got.ConnectionID)
	require.Equal(t, m.Endpoint, got.Endpoint)

	invID, link := ver.Invitation(t)
	_, err = c.Connect(ctx, link)
	require.NoError(t, err)
	conn := ver.Connection(t, invID)

	// The agent stops: the verifier's request waits at the mediator.
	require.NoError(t, s.Close())
	require.NoError(t, a.Close())
	require.NoError(t, w.Close())
	piid := ver.Request(t, conn, controltest.BadgeDefinition("Anything", ""), "c-med", "")
	require.Eventually(t, func() bool { return med.Queued(t) == 1 }, 15*time.Second, 20*time.Millisecond)

	w, err = wallet.Open(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	picked := make(chan int, 1)
	a, err = agent.New(w, agent.Options{Timeout: 15 * time.Second, OnPickup: func(n int, err error) {
		if err == nil {
			picked <- n
		}
	}})
	require.NoError(t, err)
	defer a.Close()
	listen(t, w, a)
	select {
	case n := <-picked:
		require.Equal(t, 1, n)
	case <-time.After(30 * time.Second):
		t.Fatal("no pickup at start")
	}
	waitRequest(t, c, piid)
	n, err = c.Pickup(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing more waits at the mediator")
	require.Zero(t, med.Queued(t))
}

// startLearner starts an issuer, and a learner wallet with its agent
// serving the control socket, which holds the issuer's first achievement
// (accepted through the socket). It returns the client, the credential's
// record id and the achievement's name.
func startLearner(t *testing.T) (*Client, *Server, string, string) {
	t.Helper()
	cat, err := issuer.LoadCatalog(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	iw, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = iw.Close() })
	is, err := issuer.Start(iw, issuer.Options{Listen: "127.0.0.1:0", Catalog: cat, AutoOffer: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = is.Close() })

	w := newWallet(t)
	a, err := agent.New(w, agent.Options{Timeout: 15 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	s := listen(t, w, a)
	c, _ := dial(t, w.Dir())
	ctx := controltest.Context(t)
	_, err = c.Connect(ctx, []byte(is.InvitationURL()))
	require.NoError(t, err)
	var offers []agent.Offer
	require.Eventually(t, func() bool {
		offers, err = c.Inbox(ctx)
		return err == nil && len(offers) == 1
	}, 15*time.Second, 50*time.Millisecond)
	off, err := c.Accept(ctx, offers[0].ID)
	require.NoError(t, err)
	require.Equal(t, agent.OfferStored, off.State)
	return c, s, off.CredentialID, cat.Achievements[0].Name
}

// TestRequestOpsWithoutAgent: a server that holds the wallet without an
// agent answers the mediation and request operations with ErrNoAgent.
func TestRequestOpsWithoutAgent(t *testing.T) {
	w := newWallet(t)
	listen(t, w, nil)
	c, _ := dial(t, w.Dir())
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"mediator-use":    func() error { _, err := c.UseMediator(ctx, []byte("x")); return err },
		"mediator":        func() error { _, err := c.Mediator(ctx); return err },
		"pickup":          func() error { _, err := c.Pickup(ctx); return err },
		"requests":        func() error { _, err := c.Requests(ctx, true); return err },
		"request":         func() error { _, err := c.Request(ctx, "abcd"); return err },
		"share":           func() error { _, err := c.Share(ctx, "abcd", nil); return err },
		"decline-request": func() error { return c.DeclineRequest(ctx, "abcd", "") },
	} {
		require.ErrorIs(t, call(), ErrNoAgent, name)
	}
}

// waitRequest waits until request piid is pending in the inbox.
func waitRequest(t *testing.T, c *Client, piid string) {
	t.Helper()
	require.Eventually(t, func() bool {
		list, err := c.Requests(context.Background(), false)
		if err != nil {
			return false
		}
		for _, r := range list {
			if r.ID == piid {
				return true
			}
		}
		return false
	}, 15*time.Second, 20*time.Millisecond, "request %s never arrived", piid)
}

// TestRequestsOverSocket: a verifier's request shows in requests and
// request (with the matching credential); share refuses a selection that
// cannot answer it and sends nothing, then answers; decline-request tells
// the verifier the reason; answered requests leave the pending list and
// stay in --all.
func TestRequestsOverSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three DIDComm agents")
	}
	c, s, credID, achievement := startLearner(t)
	for _, line := range []string{
		`{"v":1,"op":"request"}`, `{"v":1,"op":"share","selection":{"badge":"x"}}`, `{"v":1,"op":"decline-request"}`,
		`{"v":1,"op":"share","id":"x","selection":["not","a","map"]}`,
	} {
		resp := rawCall(t, s.Path(), []byte(line+"\n"))
		require.False(t, resp.OK, line)
		require.Equal(t, "bad_request", resp.Error.Code, line)
	}
	ver := controltest.NewVerifier(t)
	ctx := controltest.Context(t)
	invID, link := ver.Invitation(t)
	_, err := c.Connect(ctx, link)
	require.NoError(t, err)
	conn := ver.Connection(t, invID)

	list, err := c.Requests(ctx, false)
	require.NoError(t, err)
	require.Empty(t, list)

	const challenge, domain = "c-3d9a", "employer.example"
	piid := ver.Request(t, conn, controltest.BadgeDefinition(achievement, ""), challenge, domain)
	waitRequest(t, c, piid)
	r, err := c.Request(ctx, piid[:8])
	require.NoError(t, err)
	require.Equal(t, piid, r.ID)
	require.Equal(t, agent.RequestPending, r.State)
	require.Equal(t, controltest.VerifierLabel, r.From)
	require.Equal(t, challenge, r.Challenge)
	require.Equal(t, domain, r.Domain)
	require.Len(t, r.Descriptors, 1)
	require.Equal(t, "badge", r.Descriptors[0].ID)
	require.Len(t, r.Descriptors[0].Matches, 1)
	require.Equal(t, credID, r.Descriptors[0].Matches[0].CredentialID)

	for _, tc := range []struct {
		name string
		id   string
		sel  agent.Selection
		want error
	}{
		{"no such request", "ffff0000", nil, agent.ErrNoRequest},
		{"no such descriptor", piid, agent.Selection{"other": credID}, agent.ErrCannotAnswer},
		{"a credential that does not match", piid, agent.Selection{"badge": "0000000000"}, agent.ErrCannotAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Share(ctx, tc.id, tc.sel)
			require.ErrorIs(t, err, tc.want)
		})
	}
	require.Zero(t, ver.Received(), "nothing is sent while the share is refused")
	_, err = c.Request(ctx, "zzzz")
	require.ErrorIs(t, err, agent.ErrNoRequest)

	shared, err := c.Share(ctx, piid, agent.Selection{"badge": credID[:6]})
	require.NoError(t, err)
	require.Equal(t, agent.RequestShared, shared.State)
	require.NotEmpty(t, shared.PresentationID)
	raw := ver.Presentation(t, piid)
	require.Contains(t, string(raw), challenge)
	require.Contains(t, string(raw), shared.PresentationID)
	_, err = c.Share(ctx, piid, nil)
	require.ErrorIs(t, err, agent.ErrRequestAnswered)

	second := ver.Request(t, conn, controltest.BadgeDefinition(achievement, ""), "c-2", "")
	waitRequest(t, c, second)
	require.NoError(t, c.DeclineRequest(ctx, second, "not this time"))
	desc := ver.Problem(t, second)
	require.Contains(t, desc, "not this time")
	require.ErrorIs(t, c.DeclineRequest(ctx, second, ""), agent.ErrRequestAnswered)

	list, err = c.Requests(ctx, false)
	require.NoError(t, err)
	require.Empty(t, list)
	list, err = c.Requests(ctx, true)
	require.NoError(t, err)
	require.Len(t, list, 2)
	states := map[string]agent.RequestState{}
	for _, r := range list {
		states[r.ID] = r.State
	}
	require.Equal(t, map[string]agent.RequestState{piid: agent.RequestShared, second: agent.RequestDeclined}, states)
}
