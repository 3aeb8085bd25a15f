package agent

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
)

// presentations returns the activity log's entries for the presentation
// presID, in the order of its credentials.
func presentations(t *testing.T, w *wallet.Wallet, presID string) []wallet.Entry {
	t.Helper()
	all, err := w.Activity()
	require.NoError(t, err)
	var out []wallet.Entry
	for _, e := range all {
		if e.Action == wallet.ActionPresent && strings.Contains(e.Detail, "presentation "+presID+",") {
			out = append(out, e)
		}
	}
	return out
}

// credentialID returns the "id" of the stored credential with record id.
func credentialID(t *testing.T, w *wallet.Wallet, record string) string {
	t.Helper()
	rec, err := w.Get(record)
	require.NoError(t, err)
	var vc struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.NotEmpty(t, vc.ID)
	return vc.ID
}

// TestPreviewShareAgrees: for requests answered with a whole Ed25519
// credential, a BBS+ credential derived to show only what is asked, and
// both at once for three descriptors, PreviewShare names the credentials,
// the paths each discloses, the descriptors each answers, the challenge,
// domain and submission, and sends nothing (the request stays pending,
// the verifier receives nothing, the activity log is unchanged). Share
// then sends exactly that: the same credentials in the same order, the
// same claims (as the wallet's activity log records them), the same
// submission, bound to the same challenge.
func TestPreviewShareAgrees(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 34)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	stored, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	bbsRec := importBBSBadge(t, l)
	conn := connectVerifier(t, ver, l)

	tests := []struct {
		name              string
		def               map[string]any
		challenge, domain string
		sel               Selection
		creds             []string   // record ids, in the presentation's order
		whole             []bool     // by credential
		answers           [][]string // by credential
		derived           []string   // paths disclosed of the BBS+ credential
	}{
		{
			name: "whole credential", def: controltest.BadgeDefinition("Teamwork", ""),
			challenge: "c-pv-1", domain: "employer.example",
			creds: []string{stored.CredentialID}, whole: []bool{true}, answers: [][]string{{"Teamwork badge"}},
		},
		{
			name: "derived credential", def: controltest.BadgeDefinition("Forklift Safety", "required"),
			challenge: "c-pv-2",
			creds:     []string{bbsRec}, whole: []bool{false}, answers: [][]string{{"Forklift Safety badge"}},
			derived: []string{"credentialSubject.achievement.name", "type"},
		},
		{
			name: "three descriptors, two credentials, one chosen", def: twoBadgeDefinition(),
			challenge: "c-pv-3", domain: "employer.example", sel: Selection{"any-badge": stored.CredentialID},
			creds: []string{bbsRec, stored.CredentialID}, whole: []bool{false, true},
			answers: [][]string{{"Forklift Safety badge"}, {"Teamwork badge", "Any badge"}},
			derived: []string{"credentialSubject.achievement.name", "type"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			piid := ver.Request(t, conn, tc.def, tc.challenge, tc.domain)
			waitRequest(t, l.a, piid)
			received := ver.Received()
			before, err := l.w.Activity()
			require.NoError(t, err)

			pv, err := l.a.PreviewShare(piid[:8], tc.sel)
			require.NoError(t, err)
			require.Equal(t, piid, pv.Request.ID)
			require.Equal(t, RequestPending, pv.Request.State)
			require.Equal(t, tc.challenge, pv.Present.Challenge)
			require.Equal(t, tc.domain, pv.Present.Domain)
			require.Equal(t, tc.challenge, pv.Preview.Challenge)
			require.Equal(t, tc.domain, pv.Preview.Domain)
			var ids []string
			var whole []bool
			for i, c := range pv.Present.Credentials {
				ids = append(ids, c.ID)
				shown := pv.Preview.Credentials[i]
				require.Equal(t, c.ID, shown.ID, "the preview follows the request's order")
				require.Equal(t, c.Disclose == nil, shown.Whole)
				whole = append(whole, shown.Whole)
				if !shown.Whole {
					require.Equal(t, tc.derived, c.Disclose)
				}
			}
			require.Equal(t, tc.creds, ids)
			require.Len(t, pv.Preview.Credentials, len(tc.creds))
			require.Equal(t, tc.whole, whole)
			require.Equal(t, tc.answers, pv.Answers)
			require.NotNil(t, pv.Present.Submission)
			require.Equal(t, tc.def["id"], pv.Present.Submission.DefinitionID)

			// Nothing was sent, signed or changed.
			again, err := l.a.PreviewShare(piid, tc.sel)
			require.NoError(t, err)
			require.Equal(t, pv.Present, again.Present, "the same plan each time")
			r, err := l.a.Request(piid)
			require.NoError(t, err)
			require.Equal(t, RequestPending, r.State)
			require.Equal(t, received, ver.Received(), "a preview sends nothing")
			after, err := l.w.Activity()
			require.NoError(t, err)
			require.Len(t, after, len(before), "a preview signs and records nothing")

			// Share sends what the preview showed.
			got, err := l.a.Share(ctx, piid, tc.sel)
			require.NoError(t, err)
			require.Equal(t, RequestShared, got.State)
			raw := ver.Presentation(t, piid)
			require.Equal(t, received+1, ver.Received())
			res := verifyPresentation(t, raw, tc.challenge, tc.domain)
			require.True(t, res.Verified, "%+v", res)
			require.False(t, verifyPresentation(t, raw, tc.challenge+"-other", tc.domain).Verified)

			var vp struct {
				ID         string           `json:"id"`
				Creds      []map[string]any `json:"verifiableCredential"`
				Submission struct {
					DefinitionID  string                     `json:"definition_id"`
					DescriptorMap []wallet.DescriptorMapping `json:"descriptor_map"`
				} `json:"presentation_submission"`
			}
			require.NoError(t, json.Unmarshal(raw, &vp))
			require.Equal(t, got.PresentationID, vp.ID)
			require.Len(t, vp.Creds, len(pv.Present.Credentials))
			for i, c := range pv.Present.Credentials {
				require.Equal(t, credentialID(t, l.w, c.ID), vp.Creds[i]["id"], "credential %d", i)
				proof, _ := vp.Creds[i]["proof"].(map[string]any)
				require.Equal(t, c.Disclose != nil, proof["type"] == "BbsBlsSignatureProof2020", "derived exactly where the preview said")
			}
			require.Equal(t, pv.Present.Submission.DefinitionID, vp.Submission.DefinitionID)
			require.Equal(t, pv.Present.Submission.DescriptorMap, vp.Submission.DescriptorMap)

			entries := presentations(t, l.w, got.PresentationID)
			require.Len(t, entries, len(pv.Preview.Credentials))
			for i, e := range entries {
				require.Equal(t, pv.Preview.Credentials[i].ID, e.Credential)
				require.Equal(t, pv.Preview.Credentials[i].Claims, e.Claims, "the claims shown are the claims previewed")
			}

			_, err = l.a.PreviewShare(piid, tc.sel)
			require.ErrorIs(t, err, ErrRequestAnswered)
		})
	}
}

// TestPreviewShareRefusals: for a request Share cannot answer as chosen,
// PreviewShare gives Share's error (the same sentinel and reason) and the
// request stays pending with nothing sent; an unknown id gives
// ErrNoRequest.
func TestPreviewShareRefusals(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 35)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	bbsRec := importBBSBadge(t, l)
	conn := connectVerifier(t, ver, l)

	tests := []struct {
		name   string
		def    map[string]any
		sel    Selection
		reason string
	}{
		{"nothing matches", controltest.BadgeDefinition("Leadership", ""), nil, "no credential in the wallet satisfies"},
		{"whole only, limited disclosure required", controltest.BadgeDefinition("Teamwork", "required"), nil, "can only be shown whole"},
		{"the chosen credential does not satisfy", controltest.BadgeDefinition("Teamwork", ""), Selection{"badge": bbsRec}, "does not satisfy"},
		{"no such descriptor", controltest.BadgeDefinition("Teamwork", ""), Selection{"other": bbsRec}, "has no input descriptor"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			piid := ver.Request(t, conn, tc.def, "c-refuse", "")
			waitRequest(t, l.a, piid)
			_, perr := l.a.PreviewShare(piid, tc.sel)
			require.ErrorIs(t, perr, ErrCannotAnswer)
			require.ErrorContains(t, perr, tc.reason)
			_, serr := l.a.Share(ctx, piid, tc.sel)
			require.ErrorIs(t, serr, ErrCannotAnswer)
			require.Equal(t, strings.TrimPrefix(serr.Error(), "share "), strings.TrimPrefix(perr.Error(), "preview share "),
				"the preview gives Share's reason")
			r, err := l.a.Request(piid)
			require.NoError(t, err)
			require.Equal(t, RequestPending, r.State)
		})
	}
	require.Zero(t, ver.Received())
	_, err = l.a.PreviewShare("zzzzzzzz", nil)
	require.ErrorIs(t, err, ErrNoRequest)
}
