package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
)

func TestParseProof(t *testing.T) {
	tests := []struct {
		in   string
		want Proof
		ok   bool
	}{
		{"", ProofEd25519, true},
		{"ed25519", ProofEd25519, true},
		{"bbs", ProofBBS, true},
		{"eddsa-2022", ProofEdDSA2022, true},
		{"BBS", "", false},
		{"Ed25519Signature2020", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseProof(tc.in)
			if !tc.ok {
				require.ErrorIs(t, err, ErrUnknownProof)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// receive connects learner l to is, waits for the one offer, checks that
// it announces proofType and issuer, accepts it and returns the stored,
// verified record and the credential.
func receive(t *testing.T, is *Issuer, l *learner, proofType, issuer string) (*wallet.Record, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := l.a.Connect(ctx, []byte(is.InvitationURL()))
	require.NoError(t, err)
	o := waitInbox(t, l, 1)[0]
	require.Equal(t, proofType, o.ProofType)
	require.Equal(t, issuer, o.Issuer)
	got, err := l.a.Accept(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, agent.OfferStored, got.State, got.Problem)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified, "%+v", rec.Result)
	require.Equal(t, "ok", rec.Result.Checks.Signature)
	require.Equal(t, "confirmed", rec.Result.Checks.Issuer)
	require.Equal(t, "ok", rec.Result.Checks.Status, "%+v", rec.Result)
	var vc map[string]any
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.Equal(t, issuer, idOf(vc["issuer"]))
	return rec, vc
}

func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["id"].(string)
		return s
	}
	return ""
}

// revokeAndSee revokes credential id at the issuer and checks that the
// learner's re-verification of record recID says revoked once its cached
// list is stale.
func revokeAndSee(t *testing.T, is *Issuer, l *learner, id, recID string) {
	t.Helper()
	_, err := is.Revoke(id)
	require.NoError(t, err)
	l.clk.advance(6 * time.Minute)
	rec, err := l.w.Reverify(context.Background(), recID)
	require.NoError(t, err)
	require.Equal(t, "revoked", rec.Result.Checks.Status, "%+v", rec.Result)
	require.False(t, rec.Verified)
}

// TestIssueBBSDisclose: an achievement whose catalogue entry asks for BBS+
// is issued with BbsBlsSignature2020 by the issuer's BLS12-381 did:key,
// every nested object with an id; the learner's agent verifies and stores
// it; a presentation disclosing two claims verifies and holds none of the
// undisclosed values; revocation works through the BBS+ status list.
func TestIssueBBSDisclose(t *testing.T) {
	cat := testCatalog(t)
	cat.Achievements[0].Proof = string(ProofBBS)
	is := startIssuer(t, Options{AutoOffer: true, Catalog: cat})
	require.NotEmpty(t, is.BBSDID())
	require.NotEqual(t, is.DID(), is.BBSDID())
	l := newLearner(t)
	rec, vc := receive(t, is, l, ProofTypeBBS, is.BBSDID())

	first := cat.Achievements[0]
	require.Equal(t, []any{ContextVC1, ContextOB30, ContextStatusList, ContextBBS}, vc["@context"])
	p := onlyProof(t, vc["proof"])
	require.Equal(t, ProofTypeBBS, p["type"])
	require.Equal(t, verificationMethod(is.BBSDID()), p["verificationMethod"])
	st := vc["credentialStatus"].(map[string]any)
	require.Equal(t, is.BBSStatusListURL(), st["statusListCredential"])
	cs := vc["credentialSubject"].(map[string]any)
	ach := cs["achievement"].(map[string]any)
	require.Equal(t, first.ID, ach["id"], "ids the issuer set are kept")
	for _, obj := range []any{ach["criteria"], ach["image"], ach["alignment"].([]any)[0], cs["result"].([]any)[0]} {
		id, _ := obj.(map[string]any)["id"].(string)
		require.NotEmpty(t, id, "%v", obj)
	}
	require.True(t, strings.HasPrefix(ach["criteria"].(map[string]any)["id"].(string), "urn:uuid:"))

	// Two claims disclosed; the rest stays hidden.
	pres, err := l.w.Present(context.Background(), wallet.PresentRequest{
		Credentials: []wallet.Choice{{ID: rec.ID, Disclose: []string{
			"credentialSubject.achievement.name", "credentialSubject.achievement.alignment",
		}}},
		Challenge: "bbs-issuer-1",
	})
	require.NoError(t, err)
	text := string(pres.JSON)
	require.Contains(t, text, first.Name)
	require.Contains(t, text, first.Alignments[0].TargetCode)
	hidden := []string{first.Description, first.Criteria.Narrative, first.Level, first.Image}
	for _, h := range hidden {
		require.NotContains(t, text, h)
	}
	require.NotContains(t, text, `"proofValue":"`+p["proofValue"].(string), "the issuer's signature itself is not shown")
	r, err := l.w.Verifier().Verify(context.Background(), pres.JSON)
	require.NoError(t, err)
	require.True(t, r.Verified, "%+v", r)
	require.Len(t, r.Credentials, 1)
	require.Equal(t, "ok", r.Credentials[0].Checks.Status, "%+v", r.Credentials[0])
	require.Equal(t, "confirmed", r.Credentials[0].Checks.Issuer)

	// A claim without an id in the template (the result) got one, so it
	// can be disclosed on its own too.
	_, err = l.w.Present(context.Background(), wallet.PresentRequest{
		Credentials: []wallet.Choice{{ID: rec.ID, Disclose: []string{"credentialSubject.result"}}},
	})
	require.NoError(t, err)

	issued, err := is.Issued()
	require.NoError(t, err)
	require.Len(t, issued, 1)
	require.Equal(t, StatusListBBS, issued[0].List)
	require.Equal(t, fmt.Sprint(issued[0].StatusIndex), st["statusListIndex"])
	ed := fetchListAt(t, is.StatusListURL())
	revokeAndSee(t, is, l, issued[0].ID, rec.ID)
	require.Equal(t, ed, fetchListAt(t, is.StatusListURL()), "the Ed25519 list does not change")
}

// TestIssueEdDSA2022: serve --proof eddsa-2022 issues VC 2.0 Open Badges
// with an eddsa-rdfc-2022 DataIntegrityProof; the learner's agent accepts
// (the offer check and verification pass), stores it, and sees its
// revocation.
func TestIssueEdDSA2022(t *testing.T) {
	is := startIssuer(t, Options{AutoOffer: true, Proof: ProofEdDSA2022})
	l := newLearner(t)
	rec, vc := receive(t, is, l, ProofTypeDataIntegrity, is.DID())

	require.Equal(t, []any{ContextVC2, ContextOB303, ContextStatusList}, vc["@context"])
	require.NotEmpty(t, vc["validFrom"])
	require.NotContains(t, vc, "issuanceDate")
	p := onlyProof(t, vc["proof"])
	require.Equal(t, ProofTypeDataIntegrity, p["type"])
	require.Equal(t, "eddsa-rdfc-2022", p["cryptosuite"])
	require.Equal(t, verificationMethod(is.DID()), p["verificationMethod"])
	require.Contains(t, rec.Result.Proofs, "DataIntegrityProof/eddsa-rdfc-2022")
	me, err := l.w.Identity(did.Ed25519)
	require.NoError(t, err)
	require.Equal(t, me.DID, vc["credentialSubject"].(map[string]any)["id"])
	require.Equal(t, is.StatusListURL(), vc["credentialStatus"].(map[string]any)["statusListCredential"])

	issued, err := is.Issued()
	require.NoError(t, err)
	require.Len(t, issued, 1)
	require.Empty(t, issued[0].List)
	revokeAndSee(t, is, l, issued[0].ID, rec.ID)
}

// TestBBSFixedDateOffer: an offer with a fixed date and a result, signed
// with BBS+ by the serve default, keeps the date and gets ids for its
// result and identifier.
func TestBBSFixedDateOffer(t *testing.T) {
	is := startIssuer(t, Options{Proof: ProofBBS})
	l := newLearner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, connID := connect(t, is, l)
	a := is.opts.Catalog.Achievements[1]
	_, err := is.Offer(connID, a.ID, OfferOptions{
		SubjectName: "Ada Lovelace", Result: "87%", Date: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC),
	})
	require.NoError(t, err)
	o := waitInbox(t, l, 1)[0]
	require.Equal(t, ProofTypeBBS, o.ProofType)
	got, err := l.a.Accept(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, agent.OfferStored, got.State, got.Problem)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified, "%+v", rec.Result)
	var vc map[string]any
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.Equal(t, "2025-06-30T00:00:00Z", vc["issuanceDate"])
	cs := vc["credentialSubject"].(map[string]any)
	for _, k := range []string{"result", "identifier"} {
		for _, x := range cs[k].([]any) {
			require.NotEmpty(t, x.(map[string]any)["id"], "%s: %v", k, x)
		}
	}
	pres, err := l.w.Present(ctx, wallet.PresentRequest{
		Credentials: []wallet.Choice{{ID: rec.ID, Disclose: []string{"achievement.name", "result"}}},
	})
	require.NoError(t, err)
	require.Contains(t, string(pres.JSON), "87%")
	require.NotContains(t, string(pres.JSON), "Ada Lovelace")
	r, err := l.w.Verifier().Verify(ctx, pres.JSON)
	require.NoError(t, err)
	require.True(t, r.Verified, "%+v", r)
}

// fetchListAt returns the encodedList of the status list served at url.
func fetchListAt(t testing.TB, url string) string {
	t.Helper()
	raw, err := loopbackFetcher().Fetch(context.Background(), url)
	require.NoError(t, err)
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.CredentialSubject.EncodedList)
	return doc.CredentialSubject.EncodedList
}

// onlyProof returns the one proof of a credential (an object or a list of
// one).
func onlyProof(t testing.TB, v any) map[string]any {
	t.Helper()
	if l, ok := v.([]any); ok {
		require.Len(t, l, 1)
		v = l[0]
	}
	p, ok := v.(map[string]any)
	require.True(t, ok, "proof %v", v)
	return p
}
