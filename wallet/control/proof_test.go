package control

import (
	"context"
	"encoding/json"
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
		"preview-share":   func() error { _, err := c.PreviewShare(ctx, "abcd", nil); return err },
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
		`{"v":1,"op":"preview-share","selection":{"badge":"x"}}`,
		`{"v":1,"op":"preview-share","id":"x","selection":"badge"}`,
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

// importBBSBadge imports into w an Open Badge for the achievement "Forklift
// Safety" that a BBS+ issuer signed (controltest.BBSIssuer), with a claim
// no verifier asks for, and returns its record id.
func importBBSBadge(t *testing.T, w *wallet.Wallet) string {
	t.Helper()
	is := controltest.NewBBSIssuer(t, 9)
	vc := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":           "urn:uuid:7b2e4d1a-3c5f-4a6e-8d9b-0c1e2f3a4b5c",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       is.DID,
		"issuanceDate": "2025-09-01T09:00:00Z",
		"name":         "Forklift Safety Badge",
		"credentialSubject": map[string]any{
			"id":   "did:example:learner",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "urn:uuid:2c4e6a8b-1d3f-4b5a-9c7e-8f0a1b2c3d4e", "type": []any{"Achievement"}, "name": "Forklift Safety",
			},
			"licenseNumber": "FL-2025-0123",
		},
	}
	res, err := w.Import(context.Background(), "bbs.json", is.Sign(t, vc))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Nil(t, res[0].Rejected)
	return res[0].ID
}

// comparable returns pv as JSON with the preview's expiry left out (the
// wallet's default, counted from the moment of each preview).
func comparable(t *testing.T, pv *agent.SharePreview) string {
	t.Helper()
	cp := *pv
	cp.Preview.Expires = time.Time{}
	b, err := json.Marshal(cp)
	require.NoError(t, err)
	return string(b)
}

// TestPreviewShareOverSocket: preview-share answers what the agent's own
// PreviewShare says for the same request and selection (a whole Ed25519
// credential; a BBS+ credential derived to show what is asked) and changes
// nothing: the request stays pending, the verifier receives nothing and
// the activity log has no presentation. Its refusals are the agent's,
// with the same sentinels; once shared, the request is answered.
func TestPreviewShareOverSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three DIDComm agents")
	}
	c, s, credID, achievement := startLearner(t)
	bbsID := importBBSBadge(t, s.w)
	ver := controltest.NewVerifier(t)
	ctx := controltest.Context(t)
	invID, link := ver.Invitation(t)
	_, err := c.Connect(ctx, link)
	require.NoError(t, err)
	conn := ver.Connection(t, invID)

	for _, tc := range []struct {
		name              string
		def               map[string]any
		challenge, domain string
		sel               agent.Selection
		cred              string
		whole             bool
	}{
		{"whole credential", controltest.BadgeDefinition(achievement, ""), "c-pv-1", "employer.example", nil, credID, true},
		{"chosen by prefix", controltest.BadgeDefinition(achievement, ""), "c-pv-2", "", agent.Selection{"badge": credID[:6]}, credID, true},
		{"derived BBS+ credential", controltest.BadgeDefinition("Forklift Safety", "required"), "c-pv-3", "employer.example", nil, bbsID, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			piid := ver.Request(t, conn, tc.def, tc.challenge, tc.domain)
			waitRequest(t, c, piid)
			before, err := s.w.Activity()
			require.NoError(t, err)

			got, err := c.PreviewShare(ctx, piid[:8], tc.sel)
			require.NoError(t, err)
			want, err := s.a.PreviewShare(piid[:8], tc.sel)
			require.NoError(t, err)
			require.WithinDuration(t, want.Preview.Expires, got.Preview.Expires, time.Minute)
			require.JSONEq(t, comparable(t, want), comparable(t, got), "the socket answers the agent's preview")

			require.Equal(t, piid, got.Request.ID)
			require.Equal(t, agent.RequestPending, got.Request.State)
			require.Equal(t, tc.challenge, got.Present.Challenge)
			require.Equal(t, tc.domain, got.Present.Domain)
			require.Equal(t, tc.challenge, got.Preview.Challenge)
			require.Len(t, got.Present.Credentials, 1)
			require.Len(t, got.Preview.Credentials, 1)
			shown := got.Preview.Credentials[0]
			require.Equal(t, tc.cred, got.Present.Credentials[0].ID)
			require.Equal(t, tc.cred, shown.ID)
			require.Equal(t, tc.whole, shown.Whole)
			require.Equal(t, tc.whole, got.Present.Credentials[0].Disclose == nil)
			if !tc.whole {
				require.Contains(t, shown.Claims, "achievement.name")
				require.NotContains(t, shown.Claims, "licenseNumber", "a claim not asked for stays hidden")
			}
			require.Equal(t, [][]string{{tc.def["input_descriptors"].([]any)[0].(map[string]any)["name"].(string)}}, got.Answers)

			// Nothing was sent, signed or changed.
			r, err := c.Request(ctx, piid)
			require.NoError(t, err)
			require.Equal(t, agent.RequestPending, r.State)
			require.Empty(t, r.PresentationID)
			require.Zero(t, ver.Received(), "a preview sends nothing")
			after, err := s.w.Activity()
			require.NoError(t, err)
			require.Len(t, after, len(before), "a preview signs and records nothing")

			require.NoError(t, c.DeclineRequest(ctx, piid, "only a preview"))
			_, err = c.PreviewShare(ctx, piid, tc.sel)
			require.ErrorIs(t, err, agent.ErrRequestAnswered)
		})
	}

	piid := ver.Request(t, conn, controltest.BadgeDefinition(achievement, ""), "c-pv-4", "")
	waitRequest(t, c, piid)
	for _, tc := range []struct {
		name string
		id   string
		sel  agent.Selection
		want error
	}{
		{"no such request", "ffff0000", nil, agent.ErrNoRequest},
		{"no such descriptor", piid, agent.Selection{"other": credID}, agent.ErrCannotAnswer},
		{"a credential that does not match", piid, agent.Selection{"badge": bbsID}, agent.ErrCannotAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.PreviewShare(ctx, tc.id, tc.sel)
			require.ErrorIs(t, err, tc.want)
			_, aerr := s.a.PreviewShare(tc.id, tc.sel)
			require.EqualError(t, err, aerr.Error(), "the agent's own words")
		})
	}
	r, err := c.Request(ctx, piid)
	require.NoError(t, err)
	require.Equal(t, agent.RequestPending, r.State)
	require.Zero(t, ver.Received())

	// Share sends the credential the preview named.
	pv, err := c.PreviewShare(ctx, piid, nil)
	require.NoError(t, err)
	shared, err := c.Share(ctx, piid, nil)
	require.NoError(t, err)
	require.Equal(t, agent.RequestShared, shared.State)
	rec, err := s.w.Get(pv.Present.Credentials[0].ID)
	require.NoError(t, err)
	var vc struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.NotEmpty(t, vc.ID)
	raw := string(ver.Presentation(t, piid))
	require.Contains(t, raw, vc.ID)
	require.Contains(t, raw, pv.Present.Challenge)
	_, err = c.PreviewShare(ctx, piid, nil)
	require.ErrorIs(t, err, agent.ErrRequestAnswered)
}
