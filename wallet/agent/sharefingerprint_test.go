package agent

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
)

// pickOneDefinition asks for one of two badges (a "pick 1" rule over the
// Forklift Safety and Teamwork descriptors, Forklift first).
func pickOneDefinition() map[string]any {
	def := twoBadgeDefinition()
	descs := def["input_descriptors"].([]any)[:2]
	for _, d := range descs {
		d.(map[string]any)["group"] = []any{"A"}
	}
	def["id"], def["input_descriptors"] = "hiring-pick", descs
	def["submission_requirements"] = []any{map[string]any{"name": "one badge", "rule": "pick", "count": 1, "from": "A"}}
	return def
}

// TestShareExpectingReviewedPlan: the preview names every descriptor it
// answers with its credential (Selection) and a fingerprint of the plan.
// When a credential arrives between the review and Share and would change
// what Share picks, ShareExpecting with the review's fingerprint refuses
// with ErrPlanChanged, sends nothing and leaves the request pending; with
// the review's Selection and fingerprint it sends exactly what was
// reviewed; a fingerprint of another plan is refused too.
func TestShareExpectingReviewedPlan(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 36)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stored, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	conn := connectVerifier(t, ver, l)

	// Reviewed with only the Teamwork badge in the wallet.
	piid := ver.Request(t, conn, pickOneDefinition(), "c-fp", "")
	waitRequest(t, l.a, piid)
	pv, err := l.a.PreviewShare(piid, nil)
	require.NoError(t, err)
	require.Equal(t, Selection{"teamwork": stored.CredentialID}, pv.Selection)
	require.Len(t, pv.Fingerprint, 24)
	again, err := l.a.PreviewShare(piid, pv.Selection)
	require.NoError(t, err)
	require.Equal(t, pv.Fingerprint, again.Fingerprint, "the full selection gives the same plan")

	// A BBS+ Forklift badge arrives: unpinned, the rule now takes it.
	bbsRec := importBBSBadge(t, l)
	now, err := l.a.PreviewShare(piid, nil)
	require.NoError(t, err)
	require.Equal(t, Selection{"forklift": bbsRec}, now.Selection, "the case needs a plan that changed")
	require.NotEqual(t, pv.Fingerprint, now.Fingerprint)

	tests := []struct {
		name        string
		sel         Selection
		fingerprint string
	}{
		{"unpinned, the reviewed fingerprint", nil, pv.Fingerprint},
		{"pinned, another plan's fingerprint", pv.Selection, now.Fingerprint},
		{"pinned, a made-up fingerprint", pv.Selection, "000000000000000000000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.a.ShareExpecting(ctx, piid, tc.sel, tc.fingerprint)
			require.ErrorIs(t, err, ErrPlanChanged)
			r, err := l.a.Request(piid)
			require.NoError(t, err)
			require.Equal(t, RequestPending, r.State)
			require.Zero(t, ver.Received(), "nothing is sent")
		})
	}

	got, err := l.a.ShareExpecting(ctx, piid, pv.Selection, pv.Fingerprint)
	require.NoError(t, err)
	require.Equal(t, RequestShared, got.State)
	entries := presentations(t, l.w, got.PresentationID)
	require.Len(t, entries, 1)
	require.Equal(t, stored.CredentialID, entries[0].Credential, "the reviewed credential was sent")
	require.Equal(t, 1, ver.Received())
}

// TestPlanFingerprint: the fingerprint changes with any credential,
// disclosed path, challenge, domain or descriptor mapping, and not with
// the order of the credentials or of their paths.
func TestPlanFingerprint(t *testing.T) {
	base := func() *sharePlan {
		return &sharePlan{present: wallet.PresentRequest{
			Credentials: []wallet.Choice{{ID: "aaaa"}, {ID: "bbbb", Disclose: []string{"type", "credentialSubject.achievement.name"}}},
			Challenge:   "c", Domain: "d",
			Submission: &wallet.Submission{DefinitionID: "def", DescriptorMap: []wallet.DescriptorMapping{
				{ID: "x", Format: wallet.FormatLDPVC, Path: "$.verifiableCredential[0]"},
				{ID: "y", Format: wallet.FormatLDPVC, Path: "$.verifiableCredential[1]"},
			}},
		}}
	}
	want := base().fingerprint()
	tests := []struct {
		name   string
		change func(p *sharePlan)
		same   bool
	}{
		{"nothing", func(*sharePlan) {}, true},
		{"credentials reordered", func(p *sharePlan) {
			c := p.present.Credentials
			c[0], c[1] = c[1], c[0]
			m := p.present.Submission.DescriptorMap
			m[0].Path, m[1].Path = m[1].Path, m[0].Path
		}, true},
		{"paths reordered", func(p *sharePlan) {
			d := p.present.Credentials[1].Disclose
			d[0], d[1] = d[1], d[0]
		}, true},
		{"another credential", func(p *sharePlan) { p.present.Credentials[0].ID = "cccc" }, false},
		{"whole instead of derived", func(p *sharePlan) { p.present.Credentials[1].Disclose = nil }, false},
		{"one path fewer", func(p *sharePlan) { p.present.Credentials[1].Disclose = p.present.Credentials[1].Disclose[:1] }, false},
		{"challenge", func(p *sharePlan) { p.present.Challenge = "c2" }, false},
		{"domain", func(p *sharePlan) { p.present.Domain = "d2" }, false},
		{"descriptor answered by the other credential", func(p *sharePlan) {
			p.present.Submission.DescriptorMap[0].Path = "$.verifiableCredential[1]"
		}, false},
		{"no submission", func(p *sharePlan) { p.present.Submission = nil }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.change(p)
			if tc.same {
				require.Equal(t, want, p.fingerprint())
			} else {
				require.NotEqual(t, want, p.fingerprint())
			}
		})
	}
}
