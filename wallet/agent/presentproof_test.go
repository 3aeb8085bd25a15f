package agent

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/verify"
)

// connectVerifier connects the learner to ver and returns the verifier's
// side of the connection.
func connectVerifier(t testing.TB, ver *controltest.Verifier, l *learner) string {
	t.Helper()
	invID, link := ver.Invitation(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := l.a.Connect(ctx, link)
	require.NoError(t, err)
	return ver.Connection(t, invID)
}

// waitRequest waits until request piid is in the learner's inbox.
func waitRequest(t testing.TB, a *Agent, piid string) *Request {
	t.Helper()
	var got *Request
	require.Eventually(t, func() bool {
		r, err := a.Request(piid)
		if err != nil {
			return false
		}
		got = r
		return true
	}, 15*time.Second, 10*time.Millisecond, "request %s never arrived", piid)
	return got
}

// verifyPresentation verifies raw with package verify for challenge and
// domain.
func verifyPresentation(t testing.TB, raw []byte, challenge, domain string) *verify.Result {
	t.Helper()
	v, err := verify.New(verify.Options{Challenge: challenge, Domain: domain, Loader: controltest.Loader(t)})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), raw)
	require.NoError(t, err)
	return res
}

// TestShareEd25519: a verifier's request lands in the request inbox with
// what it asks and the matching credential; nothing is sent before Share;
// the presentation the verifier receives verifies, with its challenge and
// domain and not with others, and holds the whole credential.
func TestShareEd25519(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 31)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stored, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	conn := connectVerifier(t, ver, l)

	const challenge, domain = "c-81f2a7", "employer.example"
	piid := ver.Request(t, conn, controltest.BadgeDefinition("Teamwork", ""), challenge, domain)
	r := waitRequest(t, l.a, piid)
	require.Equal(t, RequestPending, r.State)
	require.Equal(t, "Example Employer", r.From)
	require.Equal(t, "Please show your badge", r.Comment)
	require.Equal(t, "Hiring check", r.Name)
	require.Equal(t, "To confirm your training", r.Purpose)
	require.Equal(t, challenge, r.Challenge)
	require.Equal(t, domain, r.Domain)
	require.Len(t, r.Descriptors, 1)
	d := r.Descriptors[0]
	require.Equal(t, "Teamwork badge", d.Name)
	require.Len(t, d.Fields, 2)
	require.Equal(t, "We check that you completed the course", d.Fields[0].Purpose)
	require.Len(t, d.Matches, 1)
	require.Equal(t, stored.CredentialID, d.Matches[0].CredentialID)
	require.False(t, d.Matches[0].Selective)
	require.Equal(t, []string{"credentialSubject.achievement.name", "type"}, d.Matches[0].Claims)
	list, err := l.a.Requests()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Zero(t, ver.Received(), "nothing is sent before the learner shares")

	got, err := l.a.Share(ctx, piid[:8], nil)
	require.NoError(t, err)
	require.Equal(t, RequestShared, got.State)
	require.NotEmpty(t, got.PresentationID)
	raw := ver.Presentation(t, piid)

	res := verifyPresentation(t, raw, challenge, domain)
	require.True(t, res.Verified, "%+v", res)
	require.Equal(t, verify.KindPresentation, res.Kind)
	require.Len(t, res.Credentials, 1)
	require.True(t, res.Credentials[0].Verified)
	for _, wrong := range [][2]string{{"c-other", domain}, {challenge, "other.example"}} {
		require.False(t, verifyPresentation(t, raw, wrong[0], wrong[1]).Verified, "bound to %v", wrong)
	}
	var vp map[string]any
	require.NoError(t, json.Unmarshal(raw, &vp))
	require.Equal(t, got.PresentationID, vp["id"])
	require.Contains(t, string(raw), "Collaborates within a group.", "the whole credential is shown")

	_, err = l.a.Share(ctx, piid, nil)
	require.ErrorIs(t, err, ErrRequestAnswered)
	list, err = l.a.Requests()
	require.NoError(t, err)
	require.Empty(t, list)
}

// TestShareRefusals: a request no credential satisfies, and one requiring
// limited disclosure of a credential that can only be shown whole, cannot
// be answered (nothing is sent, the request stays); declining tells the
// verifier the learner's reason.
func TestShareRefusals(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 32)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	conn := connectVerifier(t, ver, l)

	none := ver.Request(t, conn, controltest.BadgeDefinition("Leadership", ""), "c1", "")
	r := waitRequest(t, l.a, none)
	require.Empty(t, r.Descriptors[0].Matches)
	_, err = l.a.Share(ctx, none, nil)
	require.ErrorIs(t, err, ErrCannotAnswer)
	require.ErrorContains(t, err, "no credential in the wallet satisfies")

	limited := ver.Request(t, conn, controltest.BadgeDefinition("Teamwork", "required"), "c2", "")
	r = waitRequest(t, l.a, limited)
	require.Len(t, r.Descriptors[0].Matches, 1)
	require.NotEmpty(t, r.Descriptors[0].Matches[0].Problem)
	_, err = l.a.Share(ctx, limited, nil)
	require.ErrorIs(t, err, ErrCannotAnswer)
	require.ErrorContains(t, err, "can only be shown whole")
	_, err = l.a.Share(ctx, limited, Selection{"badge": "0000000000000000"})
	require.ErrorIs(t, err, ErrCannotAnswer)
	_, err = l.a.Share(ctx, limited, Selection{"other": "x"})
	require.ErrorIs(t, err, ErrCannotAnswer)

	pending, err := l.a.Requests()
	require.NoError(t, err)
	require.Len(t, pending, 2, "refused shares leave the requests in the inbox")
	require.Zero(t, ver.Received())

	require.NoError(t, l.a.DeclineRequest(ctx, limited, "I only share whole badges"))
	desc := ver.Problem(t, limited)
	require.Contains(t, desc, `"code":"rejected"`)
	require.Contains(t, desc, "I only share whole badges")
	require.ErrorIs(t, l.a.DeclineRequest(ctx, limited, ""), ErrRequestAnswered)
	_, err = l.a.Request("zz")
	require.ErrorIs(t, err, ErrNoRequest)
}

// importBBSBadge signs a BBS+ Open Badge about the learner's did:key and
// imports it; it returns the record id.
func importBBSBadge(t testing.TB, l *learner) string {
	t.Helper()
	issuer := controltest.NewBBSIssuer(t, 7)
	me, err := l.w.Identity(did.Ed25519)
	require.NoError(t, err)
	vc := map[string]any{
		"@context":     []any{ctxVC1, ctxOB30, "https://w3id.org/security/bbs/v1"},
		"id":           "urn:uuid:5d0c3b1e-2f4a-4c8e-9b7d-6a1e0f2c3d4b",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       issuer.DID,
		"issuanceDate": "2025-09-01T09:00:00Z",
		"name":         "Forklift Safety Badge",
		"credentialSubject": map[string]any{
			"id":   me.DID,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          "urn:uuid:0e4f6a2b-8c1d-4e3f-a5b6-7c8d9e0f1a2b",
				"type":        []any{"Achievement"},
				"name":        "Forklift Safety",
				"description": "Operates a forklift safely.",
				"criteria":    map[string]any{"id": "urn:uuid:1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "narrative": "Practical exam."},
			},
			"licenseNumber": "FL-2025-0099",
		},
	}
	res, err := l.w.Import(context.Background(), "bbs.json", issuer.Sign(t, vc))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Nil(t, res[0].Rejected)
	return res[0].ID
}

// TestShareDerived: for a request that requires limited disclosure, a BBS+
// credential is derived to show the fields asked: the presentation
// verifies and the claims not asked for are not in it.
func TestShareDerived(t *testing.T) {
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	id := importBBSBadge(t, l)
	conn := connectVerifier(t, ver, l)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	const challenge = "c-bbs-1"
	piid := ver.Request(t, conn, controltest.BadgeDefinition("Forklift Safety", "required"), challenge, "")
	r := waitRequest(t, l.a, piid)
	require.Len(t, r.Descriptors[0].Matches, 1)
	m := r.Descriptors[0].Matches[0]
	require.Equal(t, id, m.CredentialID)
	require.True(t, m.Selective)
	require.Empty(t, m.Problem)

	_, err := l.a.Share(ctx, piid, Selection{"badge": id[:6]})
	require.NoError(t, err)
	raw := ver.Presentation(t, piid)
	res := verifyPresentation(t, raw, challenge, "")
	require.True(t, res.Verified, "%+v", res)
	require.Len(t, res.Credentials, 1)
	require.True(t, res.Credentials[0].Verified, "%+v", res.Credentials[0])
	require.Contains(t, string(raw), "Forklift Safety")
	for _, hidden := range []string{"FL-2025-0099", "Operates a forklift safely.", "Practical exam."} {
		require.NotContains(t, string(raw), hidden, "not asked for, not shown")
	}
}
