package ui

import (
	"context"
	"encoding/json"
	"os"
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

// requestInbox starts the app on a new wallet with its real agent,
// imports files through the credentials screen and shows the inbox.
func requestInbox(t *testing.T, files ...string) (*App, *InboxScreen) {
	t.Helper()
	ap, in, _ := agentApp(t, wallet.Options{Now: fixtureNow})
	ap.quiet(func() { ap.Credentials().ImportFiles(files) })
	eventually(t, ap, "the credentials are imported", func() bool { return len(ap.Credentials().Shown()) == len(files) })
	ap.quiet(func() { ap.SelectTab(TabInbox) })
	return ap, in
}

// connectInbox connects the inbox to ver with ver's invitation, as to an
// issuer, and returns the verifier's side of the connection.
func connectInbox(t *testing.T, ap *App, in *InboxScreen, ver *controltest.Verifier) string {
	t.Helper()
	invID, link := ver.Invitation(t)
	ap.quiet(func() {
		in.Invitation().SetText(string(link))
		test.Tap(in.ConnectButton())
	})
	return ver.Connection(t, invID)
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
	ap, in := requestInbox(t, fixturePath("simple.json"), fixturePath("complete.json"))
	var teamwork, degree wallet.Summary
	ap.quiet(func() {
		for _, c := range ap.Credentials().Shown() {
			if c.Achievement == "Teamwork" {
				teamwork = c
			} else {
				degree = c
			}
		}
	})
	require.True(t, teamwork.Verified, "%+v", teamwork)
	require.NotEmpty(t, degree.ID)
	ap.quiet(func() {
		require.Empty(t, in.RequestRows())
		require.Contains(t, inboxText(in), "No requests yet.")
	})

	// Connect to the verifier with its invitation, as to an issuer.
	ver := controltest.NewVerifier(t)
	conn := connectInbox(t, ap, in, ver)

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

// TestRequestConsentPreview: the consent view shows what the agent's
// PreviewShare says the share sends (real agents: the learner's and
// controltest's aries verifier), and Share then sends that. A request
// asks for a BBS+ badge with limited disclosure, a Teamwork badge, and
// any Open Badge (both badges match: a choice). With the BBS+ badge
// chosen for "any", it answers a descriptor that does not limit
// disclosure and is shown whole; with the Teamwork badge chosen, the
// BBS+ badge is derived to show only what is asked and the Teamwork badge
// answers two descriptors. Each consent names the credentials, whole or
// derived, the claims, the descriptors answered and the challenge; the
// presentation sent verifies, bound to that challenge, and holds no claim
// the consent did not name.
func TestRequestConsentPreview(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	bbsFile := bbsBadgeFile(t)
	ap, in := requestInbox(t, fixturePath("simple.json"), bbsFile)
	data, err := os.ReadFile(bbsFile)
	require.NoError(t, err)
	bbsID := wallet.RecordID(data)
	var teamwork, forklift wallet.Summary
	ap.quiet(func() {
		for _, c := range ap.Credentials().Shown() {
			if c.ID == bbsID {
				forklift = c
			} else {
				teamwork = c
			}
		}
	})
	require.True(t, forklift.Verified, "%+v", forklift)
	require.True(t, teamwork.Verified, "%+v", teamwork)
	ver := controltest.NewVerifier(t)
	conn := connectInbox(t, ap, in, ver)

	descriptor := func(def map[string]any, id string) map[string]any {
		d := def["input_descriptors"].([]any)[0].(map[string]any)
		d["id"] = id
		return d
	}
	def := map[string]any{
		"id": "hiring-3", "name": "Hiring check",
		"input_descriptors": []any{
			descriptor(controltest.BadgeDefinition(bbsAchievement, "required"), "forklift"),
			descriptor(controltest.BadgeDefinition("Teamwork", ""), "teamwork"),
			map[string]any{
				"id": "any", "name": "Any badge",
				"constraints": map[string]any{"fields": []any{map[string]any{
					"path":   []any{"$.type"},
					"filter": map[string]any{"type": "array", "contains": map[string]any{"const": "OpenBadgeCredential"}},
				}}},
			},
		},
	}
	const challenge, domain = "c-ui-pv", "employer.example"
	piid := ver.Request(t, conn, def, challenge, domain)
	var row *RequestRow
	eventually(t, ap, "the request appears", func() bool {
		row = requestRowOf(in, piid)
		return row != nil && row.ReviewButton() != nil && row.Choice("any") != nil
	})
	option := func(name string) string {
		for _, o := range row.Choice("any").Options {
			if strings.HasPrefix(o, name+" — from ") {
				return o
			}
		}
		t.Fatalf("no option for %s in %v", name, row.Choice("any").Options)
		return ""
	}
	// review chooses the credential named for "any", opens the consent and
	// returns its text.
	review := func(name string) string {
		ap.quiet(func() {
			row.Choice("any").SetSelected(option(name))
			test.Tap(row.ReviewButton())
		})
		eventually(t, ap, "the consent shows", func() bool { return in.Showing() == "consent" })
		var text string
		ap.quiet(func() { text = in.RequestConsent() })
		return text
	}
	// block is the consent's paragraph about the credential named name.
	block := func(consent, name string) string {
		i := strings.Index(consent, "• "+name+", issued by ")
		require.GreaterOrEqual(t, i, 0, "%s not in\n%s", name, consent)
		rest := consent[i+1:]
		if j := strings.Index(rest, "\n• "); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	head := []string{
		"You are about to show 2 credential(s) to " + controltest.VerifierLabel + " (" + domain + ").",
		"Bound to the verifier's code " + challenge + ": it cannot be reused elsewhere.",
	}

	// The BBS+ badge for "any" too: shown whole, answering both.
	consent := review(forklift.Name)
	for _, want := range head {
		require.Contains(t, consent, want)
	}
	fk := block(consent, forklift.Name)
	require.Contains(t, fk, "shown whole, exactly as the issuer signed it")
	require.Contains(t, fk, "licenseNumber")
	require.Contains(t, fk, "Answers: "+bbsAchievement+" badge, Any badge")
	tw := block(consent, teamwork.Name)
	require.Contains(t, tw, "shown whole, exactly as the issuer signed it")
	require.Contains(t, tw, "Answers: Teamwork badge\n")
	ap.quiet(func() { test.Tap(in.req.shareBackB) })
	require.Zero(t, ver.Received(), "a review sends nothing")

	// The Teamwork badge for "any": the BBS+ badge is derived.
	consent = review(teamwork.Name)
	for _, want := range head {
		require.Contains(t, consent, want)
	}
	fk = block(consent, forklift.Name)
	require.Contains(t, fk, "only the claims below, with a proof derived from the issuer's signature")
	require.Contains(t, fk, "achievement.name")
	require.NotContains(t, fk, "licenseNumber")
	require.Contains(t, fk, "Answers: "+bbsAchievement+" badge\n")
	tw = block(consent, teamwork.Name)
	require.Contains(t, tw, "shown whole, exactly as the issuer signed it")
	require.Contains(t, tw, "Answers: Teamwork badge, Any badge")
	require.Zero(t, ver.Received())

	ap.quiet(func() { test.Tap(in.ShareRequestButton()) })
	eventually(t, ap, "the request is shared", func() bool {
		r := requestRowOf(in, piid)
		return r != nil && r.Request.State == agent.RequestShared
	})
	raw := ver.Presentation(t, piid)
	v, err := verify.New(verify.Options{Now: fixtureNow, Challenge: challenge, Domain: domain, Loader: controltest.Loader(t)})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	require.True(t, res.Verified, "%+v", res)
	require.Len(t, res.Credentials, 2)
	require.Contains(t, string(raw), bbsAchievement)
	require.Contains(t, string(raw), fixtureCredentialID(t, "simple.json"))
	for _, hidden := range bbsKept {
		require.NotContains(t, string(raw), hidden, "not in the consent, not sent")
	}
}

// TestChoiceSelection: the agent follows the learner's picks only where
// the inbox offers a choice and the pick is still one of its options;
// otherwise the agent's own first choices stand (nil).
func TestChoiceSelection(t *testing.T) {
	a := agent.Match{CredentialID: "aaaa1111"}
	b := agent.Match{CredentialID: "bbbb2222"}
	bad := agent.Match{CredentialID: "cccc3333", Problem: "whole only"}
	req := agent.Request{Descriptors: []agent.Descriptor{
		{ID: "two", Matches: []agent.Match{a, b}},
		{ID: "one", Matches: []agent.Match{a, bad}},
	}}
	for _, tc := range []struct {
		name   string
		picked map[string]string
		want   agent.Selection
	}{
		{"no picks", nil, nil},
		{"a pick among the options", map[string]string{"two": "bbbb2222"}, agent.Selection{"two": "bbbb2222"}},
		{"a pick no longer offered", map[string]string{"two": "dddd4444"}, nil},
		{"no choice offered", map[string]string{"one": "cccc3333"}, nil},
		{"unknown descriptor", map[string]string{"other": "aaaa1111", "two": "aaaa1111"}, agent.Selection{"two": "aaaa1111"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, choiceSelection(req, tc.picked))
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

// TestRequestShareSendsReviewedPlan: Share sends the plan the learner
// reviewed. A request has a "pick 1" rule over two badges, the BBS+ one
// first; the learner reviews it holding only the Teamwork badge. When the
// plan is no longer the one reviewed (a stale fingerprint), Share sends
// nothing, says that what would be shared changed and shows the plan for
// review again. A BBS+ badge imported while the consent is on screen,
// which the agent would now pick unasked, is not sent: the Teamwork badge
// reviewed is.
func TestRequestShareSendsReviewedPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	bbsFile := bbsBadgeFile(t)
	ap, in := requestInbox(t, fixturePath("simple.json"))
	ver := controltest.NewVerifier(t)
	conn := connectInbox(t, ap, in, ver)

	descriptor := func(def map[string]any, id string) map[string]any {
		d := def["input_descriptors"].([]any)[0].(map[string]any)
		d["id"], d["group"] = id, []any{"A"}
		return d
	}
	def := map[string]any{
		"id": "hiring-pick", "name": "Hiring check",
		"input_descriptors": []any{
			descriptor(controltest.BadgeDefinition(bbsAchievement, "required"), "forklift"),
			descriptor(controltest.BadgeDefinition("Teamwork", ""), "teamwork"),
		},
		"submission_requirements": []any{map[string]any{"name": "one badge", "rule": "pick", "count": 1, "from": "A"}},
	}
	piid := ver.Request(t, conn, def, "c-ui-plan", "")
	var row *RequestRow
	eventually(t, ap, "the request appears", func() bool {
		row = requestRowOf(in, piid)
		return row != nil && row.ReviewButton() != nil
	})
	ap.quiet(func() { test.Tap(row.ReviewButton()) })
	eventually(t, ap, "the consent shows", func() bool { return in.Showing() == "consent" })
	var consent string
	ap.quiet(func() { consent = in.RequestConsent() })
	require.Contains(t, consent, "Answers: Teamwork badge")

	// The plan changed since the review: nothing is sent, the plan is
	// shown again.
	ap.quiet(func() {
		in.req.reviewingFP = strings.Repeat("0", 24)
		in.req.consent.SetText("")
		test.Tap(in.ShareRequestButton())
	})
	eventually(t, ap, "the plan shows again", func() bool {
		return in.Showing() == "consent" && in.RequestConsent() != ""
	})
	ap.quiet(func() {
		require.Equal(t, "What would be shared changed; review it again.", in.req.shareStatus.Text)
		require.Contains(t, in.RequestConsent(), "Answers: Teamwork badge")
		require.False(t, in.ShareRequestButton().Disabled())
		require.NotEqual(t, strings.Repeat("0", 24), in.req.reviewingFP)
	})
	require.Zero(t, ver.Received(), "what was not reviewed is not sent")
	pending, err := in.agent.Request(piid)
	require.NoError(t, err)
	require.Equal(t, agent.RequestPending, pending.State)

	// A BBS+ badge arrives while the consent is on screen; unasked, the
	// agent would now answer with it.
	ap.quiet(func() { ap.Credentials().ImportFiles([]string{bbsFile}) })
	eventually(t, ap, "the badge is imported", func() bool { return len(ap.Credentials().Shown()) == 2 })
	now, err := in.agent.PreviewShare(piid, nil)
	require.NoError(t, err)
	require.Contains(t, now.Answers, []string{bbsAchievement + " badge"}, "the case needs a plan that changed")

	ap.quiet(func() { test.Tap(in.ShareRequestButton()) })
	eventually(t, ap, "the request is shared", func() bool {
		r := requestRowOf(in, piid)
		return r != nil && r.Request.State == agent.RequestShared
	})
	raw := ver.Presentation(t, piid)
	require.Contains(t, string(raw), fixtureCredentialID(t, "simple.json"), "the badge reviewed was sent")
	require.NotContains(t, string(raw), bbsAchievement, "a badge not reviewed was not sent")
}
