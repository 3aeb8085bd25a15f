package ui

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/verify"
)

// requestRow returns the inbox's row of request piid, or nil.
func requestRowOf(in *InboxScreen, piid string) *RequestRow {
	for _, r := range in.RequestRows() {
		if r.Request.ID == piid {
			return r
		}
	}
	return nil
}

// fixtureCredentialID returns the "id" of an ob30 fixture.
func fixtureCredentialID(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(fixturePath(name))
	require.NoError(t, err)
	var vc struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(b, &vc))
	require.NotEmpty(t, vc.ID)
	return vc.ID
}

// TestInboxRequests drives the inbox's requests against a real verifier
// (controltest's aries agent) and the learner's real agent: a request for
// a badge the learner holds shows the matching credential, the consent
// names the verifier, the credential and the challenge, and Share sends a
// presentation that verifies, bound to that challenge; a request several
// credentials answer offers a choice, and the one chosen is sent; one
// nothing answers (or one that limits disclosure of a credential shown
// only whole) says so and cannot be shared; declining with a reason tells
// the verifier.
func TestInboxRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "w") // unix socket paths are short
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.Now = fixtureNow
	ap.StartAgent = StartWalletAgent
	t.Cleanup(func() { ap.Wait(); ap.quiet(ap.Window().Close) })
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	in := ap.Inbox()
	require.NotNil(t, in, u.Status())
	eventually(t, ap, "the agent starts", func() bool { return in.agent != nil })
	ap.quiet(func() {
		ap.Credentials().ImportFiles([]string{fixturePath("simple.json"), fixturePath("complete.json")})
	})
	eventually(t, ap, "the credentials are imported", func() bool { return len(ap.Credentials().Shown()) == 2 })
	var teamwork, degree wallet.Summary
	ap.quiet(func() {
		for _, c := range ap.Credentials().Shown() {
			if c.Achievement == "Teamwork" {
				teamwork = c
			} else {
				degree = c
			}
		}
		ap.SelectTab(TabInbox)
	})
	require.True(t, teamwork.Verified, "%+v", teamwork)
	require.NotEmpty(t, degree.ID)
	ap.quiet(func() {
		require.Empty(t, in.RequestRows())
		require.Contains(t, inboxText(in), "No requests yet.")
	})

	// Connect to the verifier with its invitation, as to an issuer.
	ver := controltest.NewVerifier(t)
	invID, link := ver.Invitation(t)
	ap.quiet(func() {
		in.Invitation().SetText(string(link))
		test.Tap(in.ConnectButton())
	})
	conn := ver.Connection(t, invID)

	// A request for the Teamwork badge: who asks, what, and the match.
	const challenge, domain = "c-ui-5e7b", "employer.example"
	piid := ver.Request(t, conn, controltest.BadgeDefinition("Teamwork", ""), challenge, domain)
	var row *RequestRow
	eventually(t, ap, "the request appears", func() bool {
		row = requestRowOf(in, piid)
		return row != nil && row.ReviewButton() != nil
	})
	text := row.Text()
	for _, want := range []string{
		controltest.VerifierLabel + " asks for Hiring check: waiting for your answer",
		"Why: To confirm your training",
		"“Please show your badge”",
		"• Teamwork badge — Proof of Teamwork",
		"Fields asked: credentialSubject.achievement.name (We check that you completed the course); type",
		"Your matching credential: " + teamwork.Name + " — from ",
	} {
		require.Contains(t, text, want)
	}
	require.NotContains(t, text, "Only these fields")
	require.Nil(t, row.Choice("badge"), "one credential matches: nothing to choose")
	require.Zero(t, ver.Received(), "nothing is sent before the learner shares")

	// Review: the consent says to whom, what, and the challenge; Back
	// returns without sending.
	ap.quiet(func() { test.Tap(row.ReviewButton()) })
	eventually(t, ap, "the consent shows", func() bool { return in.Showing() == "consent" })
	consent := in.RequestConsent()
	for _, want := range []string{
		"You are about to show 1 credential(s) to " + controltest.VerifierLabel + " (" + domain + ").",
		"Bound to the verifier's code " + challenge + ": it cannot be reused elsewhere.",
		"• " + teamwork.Name + ", issued by ",
		"shown whole, exactly as the issuer signed it",
		"Answers: Teamwork badge",
	} {
		require.Contains(t, consent, want)
	}
	require.NotContains(t, consent, degree.Name)
	ap.quiet(func() { test.Tap(in.req.shareBackB) })
	require.Equal(t, "inbox", in.Showing())
	require.Zero(t, ver.Received())

	ap.quiet(func() { test.Tap(row.ReviewButton()) })
	eventually(t, ap, "the consent shows again", func() bool { return in.Showing() == "consent" })
	ap.quiet(func() { test.Tap(in.ShareRequestButton()) })
	eventually(t, ap, "the request is shared", func() bool {
		r := requestRowOf(in, piid)
		return r != nil && r.Request.State == agent.RequestShared
	})
	require.Equal(t, "inbox", in.Showing())
	require.Equal(t, "Shared with "+controltest.VerifierLabel+".", in.RequestResult())
	row = requestRowOf(in, piid)
	require.Nil(t, row.ReviewButton())
	require.Nil(t, row.DeclineButton())
	require.Contains(t, row.Text(), "asks for Hiring check: shared")

	raw := ver.Presentation(t, piid)
	check := func(challenge, domain string) *verify.Result {
		v, err := verify.New(verify.Options{Now: fixtureNow, Challenge: challenge, Domain: domain, Loader: controltest.Loader(t)})
		require.NoError(t, err)
		res, err := v.Verify(context.Background(), raw)
		require.NoError(t, err)
		return res
	}
	res := check(challenge, domain)
	require.True(t, res.Verified, "%+v", res)
	require.Equal(t, verify.KindPresentation, res.Kind)
	require.Len(t, res.Credentials, 1)
	require.True(t, res.Credentials[0].Verified)
	require.False(t, check("c-other", domain).Verified, "bound to the verifier's challenge")
	require.Contains(t, string(raw), fixtureCredentialID(t, "simple.json"))
	require.NotContains(t, string(raw), fixtureCredentialID(t, "complete.json"))

	// A request any Open Badge answers: both match, the learner chooses
	// the degree, and the degree is sent.
	anyBadge := map[string]any{
		"id": "any-1", "name": "Any badge",
		"input_descriptors": []any{map[string]any{
			"id": "ob", "name": "An Open Badge",
			"constraints": map[string]any{"fields": []any{map[string]any{
				"path":   []any{"$.type"},
				"filter": map[string]any{"type": "array", "contains": map[string]any{"const": "OpenBadgeCredential"}},
			}}},
		}},
	}
	second := ver.Request(t, conn, anyBadge, "c-ui-2", "")
	eventually(t, ap, "the second request appears", func() bool {
		row = requestRowOf(in, second)
		return row != nil && row.Choice("ob") != nil
	})
	require.Contains(t, row.Text(), "2 of your credentials match; choose the one to share:")
	choice := row.Choice("ob")
	require.Len(t, choice.Options, 2)
	var degreeOption string
	for _, o := range choice.Options {
		if strings.HasPrefix(o, degree.Name+" — from ") {
			degreeOption = o
		}
	}
	require.NotEmpty(t, degreeOption, "%v", choice.Options)
	require.NotEqual(t, degreeOption, choice.Selected, "the choice starts with the agent's first match")
	ap.quiet(func() {
		choice.SetSelected(degreeOption)
		test.Tap(row.ReviewButton())
	})
	eventually(t, ap, "the consent for the second shows", func() bool { return in.Showing() == "consent" })
	consent = in.RequestConsent()
	require.Contains(t, consent, "• "+degree.Name+", issued by ")
	require.NotContains(t, consent, teamwork.Name)
	require.Contains(t, consent, "to "+controltest.VerifierLabel+".")
	require.Contains(t, consent, "Bound to the verifier's code c-ui-2")
	ap.quiet(func() { test.Tap(in.ShareRequestButton()) })
	eventually(t, ap, "the second request is shared", func() bool {
		r := requestRowOf(in, second)
		return r != nil && r.Request.State == agent.RequestShared
	})
	raw = ver.Presentation(t, second)
	require.Contains(t, string(raw), fixtureCredentialID(t, "complete.json"), "the credential chosen is sent")
	require.NotContains(t, string(raw), fixtureCredentialID(t, "simple.json"))

	// A request nothing answers, and one that limits disclosure of a
	// credential that can only be shown whole: both say so, and neither
	// can be shared.
	welding := ver.Request(t, conn, controltest.BadgeDefinition("Welding", ""), "c-ui-3", "")
	limited := ver.Request(t, conn, controltest.BadgeDefinition("Teamwork", "required"), "c-ui-4", "")
	eventually(t, ap, "both requests appear", func() bool {
		return requestRowOf(in, welding) != nil && requestRowOf(in, limited) != nil
	})
	const cannot = "Nothing in your wallet can answer this request as the verifier asks, so it cannot be shared. You can decline it."
	row = requestRowOf(in, welding)
	require.Contains(t, row.Text(), "None of your credentials matches this.")
	require.Contains(t, row.Text(), cannot)
	require.Nil(t, row.ReviewButton())
	lim := requestRowOf(in, limited)
	require.Contains(t, lim.Text(), "Only these fields may be shown.")
	require.Contains(t, lim.Text(), teamwork.Name+" — from ")
	require.Contains(t, lim.Text(), "matches but cannot be used: ")
	require.Contains(t, lim.Text(), cannot)
	require.Nil(t, lim.ReviewButton())
	require.NotNil(t, lim.DeclineButton())

	// Decline with a reason: the verifier is told it.
	ap.quiet(func() { test.Tap(row.DeclineButton()) })
	require.Equal(t, "decline", in.Showing())
	const reason = "I have no welding badge yet"
	ap.quiet(func() {
		test.Type(in.DeclineReason(), reason)
		test.Tap(in.DeclineRequestButton())
	})
	eventually(t, ap, "the request is declined", func() bool {
		r := requestRowOf(in, welding)
		return r != nil && r.Request.State == agent.RequestDeclined
	})
	require.Equal(t, "inbox", in.Showing())
	require.Equal(t, "Request from "+controltest.VerifierLabel+" declined; they were told.", in.RequestResult())
	require.Contains(t, requestRowOf(in, welding).Text(), "asks for Hiring check: declined ("+reason+")")
	require.Contains(t, ver.Problem(t, welding), reason)
	require.Equal(t, 2, ver.Received(), "nothing sent for the declined request")

	// Newest first; the limited one still waits.
	ap.quiet(func() {
		rows := in.RequestRows()
		require.Len(t, rows, 4)
		require.Equal(t, limited, rows[0].Request.ID)
		require.Equal(t, agent.RequestPending, rows[0].Request.State)
		require.Equal(t, piid, rows[3].Request.ID)
	})
}

// inboxText is the text of the inbox's requests section.
func inboxText(in *InboxScreen) string {
	var parts []string
	for _, o := range in.req.view.Objects {
		if l, ok := o.(interface{ Visible() bool }); ok && !l.Visible() {
			continue
		}
		if l, ok := o.(*widget.Label); ok {
			parts = append(parts, l.Text)
		}
	}
	return strings.Join(parts, "\n")
}

// TestRequestSharePlan: what the consent announces before sharing: the
// picked or first usable credential per descriptor, shown whole unless
// every descriptor it answers is answered selectively; nothing when a
// descriptor cannot be answered and no submission rule may leave it out.
func TestRequestSharePlan(t *testing.T) {
	whole := agent.Match{CredentialID: "aaaa1111", Name: "A", Claims: []string{"type"}}
	part := agent.Match{CredentialID: "bbbb2222", Name: "B", Selective: true, Claims: []string{"credentialSubject.achievement.name", "type"}}
	bad := agent.Match{CredentialID: "cccc3333", Name: "C", Problem: "whole only"}
	req := func(rules []string, ds ...agent.Descriptor) agent.Request {
		return agent.Request{Rules: rules, Descriptors: ds}
	}
	for _, tc := range []struct {
		name   string
		req    agent.Request
		picked map[string]string
		want   []string // credential ids, "+" prefix when shown whole
		claims []string // of the first, when not whole
		ok     bool
	}{
		{"first usable match", req(nil, agent.Descriptor{ID: "d", Matches: []agent.Match{bad, part}}), nil, []string{"bbbb2222"}, []string{"credentialSubject.achievement.name", "type"}, true},
		{"picked", req(nil, agent.Descriptor{ID: "d", Matches: []agent.Match{part, whole}}), map[string]string{"d": "aaaa1111"}, []string{"+aaaa1111"}, nil, true},
		{"a pick that cannot be used is not taken", req(nil, agent.Descriptor{ID: "d", Matches: []agent.Match{part, bad}}), map[string]string{"d": "cccc3333"}, []string{"bbbb2222"}, []string{"credentialSubject.achievement.name", "type"}, true},
		{"no usable match", req(nil, agent.Descriptor{ID: "d", Matches: []agent.Match{bad}}), nil, nil, nil, false},
		{"no match", req(nil, agent.Descriptor{ID: "d"}), nil, nil, nil, false},
		{"a descriptor Skillpass cannot check", req(nil, agent.Descriptor{ID: "d", Problem: "bad path", Matches: []agent.Match{whole}}), nil, nil, nil, false},
		{"one of two cannot be answered", req(nil,
			agent.Descriptor{ID: "d1", Matches: []agent.Match{whole}}, agent.Descriptor{ID: "d2"}), nil, nil, nil, false},
		{"same credential twice, once whole", req(nil,
			agent.Descriptor{ID: "d1", Matches: []agent.Match{part}},
			agent.Descriptor{ID: "d2", Matches: []agent.Match{{CredentialID: "bbbb2222", Claims: []string{"name"}}}}),
			nil, []string{"+bbbb2222"}, nil, true},
		{"a rule may leave one out", req([]string{"1 of g"},
			agent.Descriptor{ID: "d1"}, agent.Descriptor{ID: "d2", Matches: []agent.Match{whole}}), nil, []string{"+aaaa1111"}, nil, true},
		{"rules, but nothing answers", req([]string{"1 of g"}, agent.Descriptor{ID: "d1"}), nil, nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, ok := sharePlanOf(tc.req, tc.picked)
			require.Equal(t, tc.ok, ok)
			var got []string
			for _, c := range plan {
				id := c.match.CredentialID
				if c.whole {
					id = "+" + id
				}
				got = append(got, id)
			}
			require.Equal(t, tc.want, got)
			if tc.claims != nil {
				require.Equal(t, tc.claims, plan[0].claims)
			}
		})
	}
}

// TestRequestText: each state of a request in plain words, with the
// learner's reason or the problem.
func TestRequestText(t *testing.T) {
	require.NoError(t, SetupLanguage("en"))
	for _, tc := range []struct {
		req  agent.Request
		want string
	}{
		{agent.Request{From: "Acme", Name: "Hiring check", State: agent.RequestPending}, "Acme asks for Hiring check: waiting for your answer"},
		{agent.Request{Domain: "acme.example", State: agent.RequestShared}, "acme.example asks for your credentials: shared"},
		{agent.Request{State: agent.RequestDeclined}, "A verifier asks for your credentials: declined"},
		{agent.Request{From: "Acme", Name: "X", State: agent.RequestDeclined, Problem: "not now"}, "Acme asks for X: declined (not now)"},
		{agent.Request{From: "Acme", Name: "X", State: agent.RequestWithdrawn, Problem: "the verifier ended the exchange"}, "Acme asks for X: withdrawn: the verifier ended the exchange"},
		{agent.Request{From: "Acme", Name: "X", State: agent.RequestFailed, Problem: "the presentation could not be sent"}, "Acme asks for X: failed: the presentation could not be sent"},
		{agent.Request{From: "Acme", Name: "X", Purpose: "To hire", Comment: "Hi", State: agent.RequestPending}, "Acme asks for X: waiting for your answer\nWhy: To hire\n“Hi”"},
	} {
		require.Equal(t, tc.want, RequestText(tc.req))
	}
}
