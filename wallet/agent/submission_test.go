package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/doc/presexch"
	"github.com/hyperledger/aries-framework-go/pkg/doc/verifiable"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
)

// bbsBadgeID is the id of the credential importBBSBadge signs.
const bbsBadgeID = "urn:uuid:5d0c3b1e-2f4a-4c8e-9b7d-6a1e0f2c3d4b"

// twoBadgeDefinition asks for three things: the Forklift Safety badge with
// limited disclosure ("forklift"), the Teamwork badge ("teamwork") and any
// Open Badge ("any-badge").
func twoBadgeDefinition() map[string]any {
	forklift := controltest.BadgeDefinition("Forklift Safety", "required")["input_descriptors"].([]any)[0].(map[string]any)
	forklift["id"] = "forklift"
	teamwork := controltest.BadgeDefinition("Teamwork", "")["input_descriptors"].([]any)[0].(map[string]any)
	teamwork["id"] = "teamwork"
	anyBadge := map[string]any{
		"id": "any-badge", "name": "Any badge",
		"constraints": map[string]any{"fields": []any{map[string]any{
			"path":   []any{"$.type"},
			"filter": map[string]any{"type": "array", "contains": map[string]any{"const": "OpenBadgeCredential"}},
		}}},
	}
	return map[string]any{"id": "hiring-2", "name": "Hiring check", "input_descriptors": []any{forklift, teamwork, anyBadge}}
}

// ariesMatch runs aries' own verifier-side Presentation Exchange matching
// (PresentationDefinition.Match, which reads the presentation_submission)
// over raw and returns the id of the credential each descriptor maps to.
// Proofs are not checked here (aries knows no Data Integrity proofs):
// verifyPresentation does that.
func ariesMatch(t *testing.T, def map[string]any, raw []byte) (map[string]string, error) {
	t.Helper()
	loader := controltest.Loader(t)
	defJSON, err := json.Marshal(def)
	require.NoError(t, err)
	var pd presexch.PresentationDefinition
	require.NoError(t, json.Unmarshal(defJSON, &pd))
	vp, err := verifiable.ParsePresentation(raw, verifiable.WithPresDisabledProofCheck(),
		verifiable.WithPresJSONLDDocumentLoader(loader))
	require.NoError(t, err)
	// The definition is Presentation Exchange 2.0 (no "schema"), which
	// aries' schema filter would refuse whatever the credential.
	got, err := pd.Match([]*verifiable.Presentation{vp}, loader, presexch.WithDisableSchemaValidation(),
		presexch.WithCredentialOptions(verifiable.WithDisabledProofCheck(), verifiable.WithJSONLDDocumentLoader(loader)))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, m := range got {
		require.Equal(t, vp.ID, m.PresentationID)
		out[id] = m.Credential.ID
	}
	return out, nil
}

// TestShareSubmission: the learner answers a real aries verifier's request
// for three descriptors with an Ed25519 credential (answering two of them)
// and a BBS+ credential derived to show only what is asked. The
// presentation the verifier receives carries a presentation_submission
// that (a) the holder's proof covers: it verifies, and with the
// submission changed after receipt it does not; (b) aries'
// PresentationDefinition.Match reads to map every descriptor to the right
// credential, the derived one included.
func TestShareSubmission(t *testing.T) {
	is := newIssuer(t)
	ver := controltest.NewVerifier(t)
	l := newLearner(t, Options{})
	_, offer := connectAndOffer(t, is, l, 33)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stored, err := l.a.Accept(ctx, offer)
	require.NoError(t, err)
	bbsRec := importBBSBadge(t, l)
	conn := connectVerifier(t, ver, l)

	const challenge, domain = "c-sub-1", "employer.example"
	def := twoBadgeDefinition()
	piid := ver.Request(t, conn, def, challenge, domain)
	r := waitRequest(t, l.a, piid)
	require.Len(t, r.Descriptors, 3)
	require.Len(t, r.Descriptors[0].Matches, 1)
	require.Equal(t, bbsRec, r.Descriptors[0].Matches[0].CredentialID)
	require.True(t, r.Descriptors[0].Matches[0].Selective)
	_, err = l.a.Share(ctx, piid, Selection{"any-badge": stored.CredentialID})
	require.NoError(t, err)
	raw := ver.Presentation(t, piid)

	var vp map[string]any
	require.NoError(t, json.Unmarshal(raw, &vp))
	sub := vp["presentation_submission"].(map[string]any)
	require.Equal(t, "hiring-2", sub["definition_id"])
	require.NotEmpty(t, sub["id"])
	paths := map[string]string{}
	for _, e := range sub["descriptor_map"].([]any) {
		m := e.(map[string]any)
		require.Equal(t, "ldp_vc", m["format"])
		paths[m["id"].(string)] = m["path"].(string)
	}
	require.Equal(t, map[string]string{
		"forklift": "$.verifiableCredential[0]", "teamwork": "$.verifiableCredential[1]", "any-badge": "$.verifiableCredential[1]",
	}, paths, "descriptors in request order; a credential answering two descriptors is shown once")
	creds := vp["verifiableCredential"].([]any)
	require.Len(t, creds, 2)
	derived := creds[0].(map[string]any)
	require.Equal(t, "BbsBlsSignatureProof2020", derived["proof"].(map[string]any)["type"], "the BBS+ credential is derived")
	require.NotContains(t, string(raw), "FL-2025-0099", "not asked for, not shown")

	// (a) The holder's proof covers the submission.
	res := verifyPresentation(t, raw, challenge, domain)
	require.True(t, res.Verified, "%+v", res)
	require.Len(t, res.Credentials, 2)
	for _, c := range res.Credentials {
		require.True(t, c.Verified, "%+v", c)
	}

	// (b) aries maps each descriptor to the right credential by it.
	teamworkID := fmt.Sprintf("urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-%012d", 33)
	want := map[string]string{"forklift": bbsBadgeID, "teamwork": teamworkID, "any-badge": teamworkID}
	got, err := ariesMatch(t, def, raw)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// A submission changed after receipt: aries follows it (it is what
	// maps descriptors), and the holder's proof no longer verifies.
	tampered := func(change func(sub map[string]any)) []byte {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		change(doc["presentation_submission"].(map[string]any))
		out, err := json.Marshal(doc)
		require.NoError(t, err)
		return out
	}
	swapped := tampered(func(sub map[string]any) {
		for _, e := range sub["descriptor_map"].([]any) {
			m := e.(map[string]any)
			if m["id"] == "teamwork" {
				m["path"] = "$.verifiableCredential[0]"
			}
		}
	})
	got, err = ariesMatch(t, def, swapped)
	require.NoError(t, err)
	require.Equal(t, bbsBadgeID, got["teamwork"], "aries reads the descriptor map")
	res = verifyPresentation(t, swapped, challenge, domain)
	require.False(t, res.Verified, "a changed submission must break the holder's proof")
	require.Equal(t, "invalid", string(res.Checks.Signature), "%q", res.Errors)

	renamed := tampered(func(sub map[string]any) { sub["definition_id"] = "hiring-3" })
	require.False(t, verifyPresentation(t, renamed, challenge, domain).Verified)
	dropped := tampered(func(sub map[string]any) { sub["descriptor_map"] = sub["descriptor_map"].([]any)[:2] })
	require.False(t, verifyPresentation(t, dropped, challenge, domain).Verified)
	_, err = ariesMatch(t, def, dropped)
	require.ErrorContains(t, err, "no credential provided for input descriptor any-badge")
}

// TestSubmissionEntries: the descriptor map names each descriptor answered
// with the position of its credential and that credential's format; a
// definition without an id gets no submission.
func TestSubmissionEntries(t *testing.T) {
	creds := []candidate{
		{sum: wallet.Summary{ID: "ld-1"}},
		{sum: wallet.Summary{ID: "jwt-1"}, jwt: true},
	}
	choices := []wallet.Choice{{ID: "jwt-1"}, {ID: "ld-1"}}
	answers := []answered{{"b", 1}, {"a", 0}, {"c", 1}}
	tests := []struct {
		name string
		def  pexDefinition
		want *wallet.Submission
	}{
		{"with an id", pexDefinition{ID: "def-1"}, &wallet.Submission{DefinitionID: "def-1", DescriptorMap: []wallet.DescriptorMapping{
			{ID: "b", Format: "ldp_vc", Path: "$.verifiableCredential[1]"},
			{ID: "a", Format: "jwt_vc", Path: "$.verifiableCredential[0]"},
			{ID: "c", Format: "ldp_vc", Path: "$.verifiableCredential[1]"},
		}}},
		{"without an id", pexDefinition{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, submission(&tc.def, choices, answers, creds))
		})
	}
}
