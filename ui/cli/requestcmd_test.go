package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/issuer"
)

// runningAgent makes a wallet in a short folder and runs its agent and
// control socket in the test's process, as `skillpass-cli agent` does.
func runningAgent(t *testing.T) (dir string, a *agent.Agent) {
	t.Helper()
	dir, a, _ = runningAgentWith(t)
	return dir, a
}

// runningAgentWith is runningAgent for a wallet that holds the credentials
// in files (imported with skillpass-cli import before the agent starts);
// it returns their record ids too, in the order of files.
func runningAgentWith(t *testing.T, files ...string) (dir string, a *agent.Agent, ids []string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	r := runCLI(t, env, "", "--wallet", dir, "init")
	require.Equal(t, ExitOK, r.code, r.stderr)
	for _, f := range files {
		ids = append(ids, importCredential(t, env, dir, f))
	}
	w, err := wallet.Open(dir, []byte(pass), wallet.Options{})
	require.NoError(t, err)
	a, err = agent.New(w, agent.Options{Timeout: 15 * time.Second})
	require.NoError(t, err)
	srv, err := control.Listen(w, a, control.Options{Logf: t.Logf})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = srv.Close()
		_ = a.Close()
		_ = w.Close()
	})
	return dir, a, ids
}

// TestRequestCommandsNeedAgent: without an agent the request and mediator
// commands say what to start; usage mistakes are caught first.
func TestRequestCommandsNeedAgent(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", dir, "init").code)
	for _, args := range [][]string{
		{"mediator"}, {"pickup"}, {"requests"}, {"requests", "--all"}, {"request", "abcd"},
		{"share", "abcd"}, {"share", "abcd", "--use", "badge=1234"}, {"decline-request", "abcd", "--reason", "no"},
	} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, args...)...)
		require.Equal(t, ExitUsage, r.code, args)
		require.Contains(t, r.stderr, msgErrPrefix+args[0]+" needs the wallet's agent", args)
		require.Contains(t, r.stderr, msgHintPrefix+msgNeedAgentHint, args)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"mediator", "a", "b"}, msgMediatorUsage},
		{[]string{"mediator", "https://mediator.example/?oob=%%%"}, "not a usable invitation"},
		{[]string{"pickup", "now"}, "pickup takes no more arguments"},
		{[]string{"requests", "x"}, "requests takes no more arguments"},
		{[]string{"request"}, "request needs one request id"},
		{[]string{"share"}, "share needs one request id"},
		{[]string{"share", "a", "b"}, "share needs one request id"},
		{[]string{"share", "abcd", "--use", "badge"}, "give DESCRIPTOR=CREDENTIAL"},
		{[]string{"share", "abcd", "--use", "=1234"}, "give DESCRIPTOR=CREDENTIAL"},
		{[]string{"share", "abcd", "--use", "b=1234", "--use", "b=5678"}, `descriptor "b" twice`},
		{[]string{"decline-request"}, "decline-request needs one request id"},
	} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, tc.args...)...)
		require.Equal(t, ExitUsage, r.code, tc.args)
		require.Contains(t, r.stderr, tc.want, tc.args)
	}
	r := runCLI(t, env, "", "help")
	for _, line := range []string{"mediator INVITATION", "pickup [--json]", "requests [--json] [--all]", "request ID [--json]",
		"share ID [--use DESCRIPTOR=CREDENTIAL]...", "decline-request ID [--reason TEXT]"} {
		require.Contains(t, r.stdout, line)
	}
}

// TestRequestCommands: a learner receives a badge from a real issuer
// (connect, inbox, accept); a verifier asks for it; requests and request
// say what is asked and which credential matches; share with a credential
// that does not match is refused (exit 1, nothing sent); share shows what
// it discloses and sends; decline-request tells the verifier; requests
// --all lists both answered.
func TestRequestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three DIDComm agents")
	}
	cat, err := issuer.LoadCatalog(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	iw, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(pass), wallet.Options{})
	require.NoError(t, err)
	defer iw.Close()
	is, err := issuer.Start(iw, issuer.Options{Listen: "127.0.0.1:0", Catalog: cat, AutoOffer: true})
	require.NoError(t, err)
	defer is.Close()
	dir, _ := runningAgent(t)
	cli := func(args ...string) result { return runCLI(t, nil, "", append([]string{"--wallet", dir}, args...)...) }

	r := cli("connect", is.InvitationURL())
	require.Equal(t, ExitOK, r.code, r.stderr)
	var offers []agent.Offer
	require.Eventually(t, func() bool {
		r := cli("inbox", "--json")
		return r.code == 0 && json.Unmarshal([]byte(r.stdout), &offers) == nil && len(offers) == 1
	}, 15*time.Second, 50*time.Millisecond)
	r = cli("accept", offers[0].ID, "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var off agent.Offer
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &off))
	credID := off.CredentialID
	achievement := cat.Achievements[0].Name

	ver := controltest.NewVerifier(t)
	invID, link := ver.Invitation(t)
	r = cli("connect", string(link))
	require.Equal(t, ExitOK, r.code, r.stderr)
	conn := ver.Connection(t, invID)

	r = cli("requests")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, msgRequestsEmpty, r.stdout)

	const challenge, domain = "c-5e7b", "employer.example"
	piid := ver.Request(t, conn, controltest.BadgeDefinition(achievement, ""), challenge, domain)
	require.Eventually(t, func() bool {
		r := cli("requests")
		return r.code == 0 && strings.Contains(r.stdout, piid)
	}, 15*time.Second, 50*time.Millisecond)
	r = cli("requests")
	require.Contains(t, r.stdout, controltest.VerifierLabel)
	require.Contains(t, r.stdout, "Hiring check")
	require.Contains(t, r.stdout, msgRequestsHint)

	r = cli("request", piid, "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var req agent.Request
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &req))
	require.Len(t, req.Descriptors, 1)
	require.Len(t, req.Descriptors[0].Matches, 1)
	require.Equal(t, credID, req.Descriptors[0].Matches[0].CredentialID)
	verdict := msgNotVerified
	if req.Descriptors[0].Matches[0].Verified {
		verdict = msgVerified
	}
	r = cli("request", piid[:8])
	require.Equal(t, ExitOK, r.code, r.stderr)
	for _, want := range []string{
		"Request " + piid + " from " + controltest.VerifierLabel + " (pending",
		`they write: "Please show your badge"`,
		"Hiring check: To confirm your training",
		"challenge " + challenge, "domain " + domain,
		"badge: " + achievement + " badge",
		"why: Proof of " + achievement,
		"asks for credentialSubject.achievement.name, must match",
		"We check that you completed the course",
		"a credential may be shown whole",
		"your " + credID + "  \"",
		"): " + verdict + "; " + msgMatchWhole,
		"skillpass-cli share " + piid[:8],
	} {
		require.Contains(t, r.stdout, want)
	}

	r = cli("request", "ffff0000")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "no such presentation request")
	require.Contains(t, r.stderr, msgHintPrefix+msgNoRequestHint)

	for _, use := range []string{"badge=00000000", "other=" + credID} {
		r = cli("share", piid, "--use", use)
		require.Equal(t, ExitRefused, r.code, use)
		require.Contains(t, r.stderr, "the request cannot be answered", use)
		require.Contains(t, r.stderr, msgHintPrefix+msgCannotAnswerHint, use)
		require.Empty(t, r.stdout, "no consent for a share that cannot go ahead: %s", use)
	}
	require.Zero(t, ver.Received(), "nothing is sent when share is refused")

	r = cli("share", piid[:8], "--use", "badge="+credID[:6])
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Sharing with "+controltest.VerifierLabel)
	require.Contains(t, r.stdout, "challenge "+challenge)
	require.Contains(t, r.stdout, credID+"  \"")
	require.Contains(t, r.stdout, "shown whole")
	require.Contains(t, r.stdout, "answers: "+achievement+" badge")
	m := regexp.MustCompile(`Shared presentation (\S+) with `).FindStringSubmatch(r.stdout)
	require.Len(t, m, 2, r.stdout)
	raw := ver.Presentation(t, piid)
	require.Contains(t, string(raw), m[1], "the presentation the verifier got is the one named")
	require.Contains(t, string(raw), challenge)
	require.Less(t, strings.Index(r.stdout, "Sharing with"), strings.Index(r.stdout, "Shared presentation"), "consent first")

	r = cli("share", piid)
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "already answered")
	require.Contains(t, r.stderr, msgHintPrefix+msgRequestAnsweredHint)

	second := ver.Request(t, conn, controltest.BadgeDefinition(achievement, ""), "c-2", "")
	require.Eventually(t, func() bool {
		r := cli("requests", "--json")
		return r.code == 0 && strings.Contains(r.stdout, second)
	}, 15*time.Second, 50*time.Millisecond)
	r = cli("decline-request", second, "--reason", "not this one")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "Declined request "+second+"; the verifier was told.\n", r.stdout)
	require.Contains(t, ver.Problem(t, second), "not this one")

	r = cli("requests")
	require.Equal(t, msgRequestsEmpty, r.stdout)
	r = cli("requests", "--all")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "STATE")
	require.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(piid)+`\s+shared`), r.stdout)
	require.Regexp(t, regexp.MustCompile(regexp.QuoteMeta(second)+`\s+declined`), r.stdout)
	r = cli("requests", "--all", "--json")
	var all []agent.Request
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &all))
	require.Len(t, all, 2)
}

// TestShareDerivedPlan: for a verifier that requires limited disclosure,
// share prints the plan the agent itself works out (Agent.PreviewShare):
// the BBS+ badge derived to show only the claims the agent decides on
// (those asked and those always shown, never one not asked for), the other
// fields shown, the part of the request it answers, the learner's signing
// identity, the verifier's domain and challenge; then it sends exactly
// that. share --json prints the request as answered. Where the verifier's
// rules let the agent leave a part out, the plan says which.
func TestShareDerivedPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	dir, a, ids := runningAgentWith(t, bbsBadgeFile(t))
	cli := func(args ...string) result { return runCLI(t, nil, "", append([]string{"--wallet", dir}, args...)...) }
	ver := controltest.NewVerifier(t)
	invID, link := ver.Invitation(t)
	r := cli("connect", string(link))
	require.Equal(t, ExitOK, r.code, r.stderr)
	conn := ver.Connection(t, invID)
	wait := func(piid string) {
		require.Eventually(t, func() bool {
			r := cli("requests", "--json")
			return r.code == 0 && strings.Contains(r.stdout, piid)
		}, 15*time.Second, 50*time.Millisecond)
	}

	const challenge, domain = "c-8f2d", "employer.example"
	def := controltest.BadgeDefinition("Forklift Operation", "required")
	piid := ver.Request(t, conn, def, challenge, domain)
	wait(piid)

	pv, err := a.PreviewShare(piid, nil)
	require.NoError(t, err)
	require.Len(t, pv.Preview.Credentials, 1)
	shown := pv.Preview.Credentials[0]
	require.Equal(t, ids[0], shown.ID)
	require.False(t, shown.Whole, "the agent derives the BBS+ badge")
	require.Contains(t, shown.Claims, "achievement.name")
	require.Contains(t, shown.Claims, "achievement.id", "always shown with the achievement, as the wallet decides")
	for _, hidden := range []string{"licenseNumber", "role", "activityStartDate"} {
		require.NotContains(t, shown.Claims, hidden)
	}

	r = cli("share", piid[:8])
	require.Equal(t, ExitOK, r.code, r.stderr)
	for _, want := range []string{
		"Sharing with " + controltest.VerifierLabel + ", signed by you as " + pv.Preview.Holder + ":\n",
		"for the domain " + domain + "\n",
		"bound to the verifier's challenge " + challenge + "\n",
		shown.ID + "  " + `"` + shown.Name + `" from ` + firstNonEmpty(shown.IssuerName, shown.IssuerID) + ", only the claims below (derived BBS+ proof)\n",
		"      claims: " + strings.Join(shown.Claims, ", ") + "\n",
		"      with:   " + strings.Join(shown.Fields, ", ") + "\n",
		"      answers: Forklift Operation badge\n",
	} {
		require.Contains(t, r.stdout, want)
	}
	for _, hidden := range []string{"licenseNumber", "FL-2025-0042", "shown whole", "not answered"} {
		require.NotContains(t, r.stdout, hidden)
	}
	require.Less(t, strings.Index(r.stdout, "Sharing with"), strings.Index(r.stdout, "Shared presentation"), "the plan first")
	raw := string(ver.Presentation(t, piid))
	require.Contains(t, raw, "BbsBlsSignatureProof2020", "derived, as the plan said")
	require.Contains(t, raw, challenge)
	require.NotContains(t, raw, "FL-2025-0042")
	require.NotContains(t, raw, "Warehouse operative")

	second := ver.Request(t, conn, def, "c-2", "")
	wait(second)
	r = cli("share", second, "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var got agent.Request
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got), r.stdout)
	require.Equal(t, second, got.ID)
	require.Equal(t, agent.RequestShared, got.State)
	require.NotEmpty(t, got.PresentationID)
	require.Contains(t, string(ver.Presentation(t, second)), got.PresentationID)

	// A rule asks for one of two badges: the plan names the one the agent
	// answers with and the part it leaves out.
	pick := controltest.BadgeDefinition("Forklift Operation", "required")
	crane := controltest.BadgeDefinition("Crane Operation", "")["input_descriptors"].([]any)[0].(map[string]any)
	crane["id"], crane["group"] = "crane", []any{"A"}
	forklift := pick["input_descriptors"].([]any)[0].(map[string]any)
	forklift["group"] = []any{"A"}
	pick["input_descriptors"] = []any{crane, forklift}
	pick["submission_requirements"] = []any{map[string]any{"name": "One badge", "rule": "pick", "count": 1, "from": "A"}}
	third := ver.Request(t, conn, pick, "c-3", "")
	wait(third)
	r = cli("share", third)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "      answers: Forklift Operation badge\n")
	require.Contains(t, r.stdout, "  not answered (the verifier's rules do not need it): Crane Operation badge\n")
	require.Contains(t, r.stdout, "only the claims below (derived BBS+ proof)")
	ver.Presentation(t, third)
}
