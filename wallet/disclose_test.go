package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/primitive/bbs12381g2pub"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// testBBSIssuer is a BLS12-381 G2 issuer key for BBS+ credentials.
type testBBSIssuer struct {
	priv []byte
	did  string
	vm   string
}

func newBBSIssuer(t testing.TB) *testBBSIssuer {
	t.Helper()
	pub, priv, err := bbs12381g2pub.GenerateKeyPair(sha256.New, bytes.Repeat([]byte{21}, 32))
	require.NoError(t, err)
	pubRaw, err := pub.Marshal()
	require.NoError(t, err)
	privRaw, err := priv.Marshal()
	require.NoError(t, err)
	d, err := did.NewKey(did.BLS12381G2, pubRaw)
	require.NoError(t, err)
	return &testBBSIssuer{priv: privRaw, did: d, vm: keyMethod(d)}
}

// Sign signs canonical N-Quads, one message per line, as
// BbsBlsSignature2020 does.
func (k *testBBSIssuer) Sign(data []byte) ([]byte, error) {
	var msgs [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			msgs = append(msgs, []byte(line))
		}
	}
	return bbs12381g2pub.New().Sign(msgs, k.priv)
}

// Alg is unused by the BBS+ suite.
func (k *testBBSIssuer) Alg() string { return "" }

// sign returns doc with a BbsBlsSignature2020 assertion proof.
func (k *testBBSIssuer) sign(t testing.TB, doc map[string]any) []byte {
	t.Helper()
	l, err := ld.NewLoader()
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	created := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	unlock := verify.LockBBS()
	defer unlock()
	out, err := signer.New(bbsblssignature2020.New(suite.WithSigner(k))).Sign(&signer.Context{
		SignatureType: "BbsBlsSignature2020", SignatureRepresentation: proof.SignatureProofValue,
		Created: &created, VerificationMethod: k.vm, Purpose: "assertionMethod",
	}, raw, jsonld.WithDocumentLoader(l))
	require.NoError(t, err)
	return out
}

// Values of the BBS+ test badge: the three the tests disclose, and the
// others, which must never reach a presentation that does not disclose
// them.
const (
	bbsCredID   = "urn:uuid:3f1c9a52-8e47-4d2b-b6a0-5c9e7d21f4a8"
	bbsAchName  = "Customer Service Fundamentals"
	bbsCredits  = 12
	bbsEndDate  = "2025-06-27T00:00:00Z"
	bbsIssued   = "2025-09-01T09:00:00Z"
	bbsExpires  = "2030-09-01T00:00:00Z"
	bbsCritID   = "urn:uuid:c4a8e1f2-6b3d-4f7a-9e0c-1d2b3a4f5e6d"
	bbsAchiveID = "urn:uuid:b7e2d4c1-0a9f-4e3b-8d6c-2f5a1e9b7c30"
)

// bbsHidden are the values of the claims the tests leave undisclosed.
var bbsHidden = []string{
	"Handles customer enquiries", "Passed the 40-hour course", "2025-05-05", "CS-2025-004711",
	"Shift supervisor", "Summer 2025", "Riverside store", "Customer Service Fundamentals Badge", "Certificate",
}

// bbsBadge is a VC 1.1 Open Badge about subject with eight claims
// (achievement and seven more), every object with an id unless noIDs
// names objects to strip of theirs ("credential", "criteria").
func bbsBadge(issuer, subject string, noIDs ...string) map[string]any {
	crit := map[string]any{"id": bbsCritID, "narrative": "Passed the 40-hour course and a supervised assessment."}
	vc := map[string]any{
		"@context":       []any{contextV1, "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":             bbsCredID,
		"type":           []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":         issuer,
		"issuanceDate":   bbsIssued,
		"expirationDate": bbsExpires,
		"name":           bbsAchName + " Badge",
		"credentialSubject": map[string]any{
			"id":   subject,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":              bbsAchiveID,
				"type":            []any{"Achievement"},
				"achievementType": "Certificate",
				"name":            bbsAchName,
				"description":     "Handles customer enquiries by phone and in person.",
				"criteria":        crit,
			},
			"creditsEarned":     bbsCredits,
			"activityStartDate": "2025-05-05T00:00:00Z",
			"activityEndDate":   bbsEndDate,
			"licenseNumber":     "CS-2025-004711",
			"role":              "Shift supervisor",
			"term":              "Summer 2025",
			"narrative":         "Completed the course while working part time at the Riverside store.",
		},
	}
	for _, n := range noIDs {
		switch n {
		case "credential":
			delete(vc, "id")
		case "criteria":
			delete(crit, "id")
		}
	}
	return vc
}

// bbsWallet is a wallet holding the 1EdTech VC 2.0 badge (Ed25519) and a
// BBS+ badge issued to the wallet's own DID; it returns their record ids.
func bbsWallet(t *testing.T, noIDs ...string) (*Wallet, string, string) {
	t.Helper()
	w, v2, _ := presentWallet(t)
	return w, v2, importBBS(t, w, noIDs...)
}

// importBBS imports a BBS+ badge (see bbsBadge) issued to w's Ed25519
// DID and returns its record id.
func importBBS(t testing.TB, w *Wallet, noIDs ...string) string {
	t.Helper()
	ident, err := w.Identity(did.Ed25519)
	require.NoError(t, err)
	iss := newBBSIssuer(t)
	res, err := w.Import(context.Background(), "bbs.json", iss.sign(t, bbsBadge(iss.did, ident.DID, noIDs...)))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Nil(t, res[0].Rejected)
	return res[0].ID
}

// threeClaims are the claims the tests disclose, written in the three
// ways a path may be.
var threeClaims = []string{"credentialSubject.achievement.name", "creditsEarned", "credentialSubject.activityEndDate"}

// presentBBS presents three of the BBS+ badge's claims for testChallenge
// and testDomain.
func presentBBS(t *testing.T, w *Wallet, id string) *Presentation {
	t.Helper()
	req := PresentRequest{
		Credentials: []Choice{{ID: id, Disclose: threeClaims}},
		Challenge:   testChallenge, Domain: testDomain,
	}
	start := time.Now()
	p, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	t.Logf("derive + sign: %v", time.Since(start))
	return p
}

// soon is when the tests verify: within the presentations' 15 minutes.
func soon() time.Time { return fixedNow().Add(5 * time.Minute) }

// TestDiscloseRoundTrip: three of eight claims of a BBS+ badge, derived,
// holder-signed, through SP1 text and a PNG, verify for the employer; the
// consent lists exactly the claims shown, the log their names only, and
// the undisclosed values are nowhere in the presentation.
func TestDiscloseRoundTrip(t *testing.T) {
	w, _, id := bbsWallet(t)
	before, err := w.Activity()
	require.NoError(t, err)
	p := presentBBS(t, w, id)

	wantClaims := []string{"achievement.id", "achievement.name", "achievement.type", "activityEndDate", "creditsEarned", "id", "type"}
	wantFields := []string{"expirationDate", "id", "issuanceDate", "issuer", "type"}
	require.Len(t, p.Preview.Credentials, 1)
	c := p.Preview.Credentials[0]
	require.False(t, c.Whole)
	require.Equal(t, wantClaims, c.Claims)
	require.Equal(t, wantFields, c.Fields)
	require.Equal(t, VCDM11, p.Preview.DataModel)

	pv, err := w.PreviewPresentation(PresentRequest{Credentials: []Choice{{ID: id, Disclose: threeClaims}}})
	require.NoError(t, err)
	require.Equal(t, wantClaims, pv.Credentials[0].Claims, "the preview names what Present shows")

	// What the derived credential shows, exactly.
	var doc map[string]any
	require.NoError(t, json.Unmarshal(p.JSON, &doc))
	cred := doc["verifiableCredential"].([]any)[0].(map[string]any)
	require.Equal(t, wantClaims, claimPaths(cred))
	require.Equal(t, "BbsBlsSignatureProof2020", str(proofList(cred["proof"])[0]["type"]))
	subject := cred["credentialSubject"].(map[string]any)
	require.Equal(t, bbsAchName, subject["achievement"].(map[string]any)["name"])
	require.EqualValues(t, bbsCredits, subject["creditsEarned"])
	require.Equal(t, bbsEndDate, subject["activityEndDate"])

	text, err := qr.Encode(p.JSON)
	require.NoError(t, err)
	version, err := qr.Version(text)
	require.NoError(t, err)
	if os.Getenv("SP_DUMP") != "" {
		require.NoError(t, os.WriteFile(os.Getenv("SP_DUMP"), p.JSON, 0o600))
	}
	t.Logf("BBS+ 3 of 8 claims: presentation %d bytes JSON, SP1 %d characters, QR version %d at ECC M", len(p.JSON), len(text), version)
	decoded, err := qr.Decode(text)
	require.NoError(t, err)
	for _, b := range [][]byte{p.JSON, decoded, []byte(text)} {
		for _, v := range bbsHidden {
			require.NotContains(t, string(b), v, "an undisclosed value is in the presentation")
		}
	}
	img, _, err := qr.RenderPNG(text, qr.ModulePixels, 40)
	require.NoError(t, err)
	read, err := qr.ReadPNG(img)
	require.NoError(t, err)
	back, err := qr.Decode(read)
	require.NoError(t, err)

	v := employer(t, soon(), testChallenge, testDomain)
	for name, b := range map[string][]byte{"JSON": p.JSON, "after the QR code": back} {
		start := time.Now()
		r := mustVerify(t, v, b)
		t.Logf("verify %s: %v", name, time.Since(start))
		require.True(t, r.Verified, "%s: %q", name, r.Errors)
		require.Len(t, r.Credentials, 1)
		require.Equal(t, verify.SigOK, r.Credentials[0].Checks.Signature)
		require.Equal(t, verify.IssuerConfirmed, r.Credentials[0].Checks.Issuer)
	}

	log, err := w.Activity()
	require.NoError(t, err)
	require.Len(t, log, len(before)+1)
	e := log[len(log)-1]
	require.Equal(t, ActionPresent, e.Action)
	require.Equal(t, wantClaims, e.Claims)
	line, err := json.Marshal(e)
	require.NoError(t, err)
	// The log names the credential as the wallet lists it (its name), and
	// the claims; never a claim's value.
	require.Equal(t, bbsAchName+" Badge", e.Name)
	for _, value := range append(slices.DeleteFunc(slices.Clone(bbsHidden), func(s string) bool { return s == e.Name }), bbsAchName+`"`, bbsEndDate, "CS-2025") {
		require.NotContains(t, string(line), value, "a claim value reached the log")
	}
}

// TestDiscloseShapes: paths into nested objects, to a whole object, to a
// top-level property and to the whole subject each give a derived
// credential that verifies and shows exactly the claims the preview names.
func TestDiscloseShapes(t *testing.T) {
	w, _, id := bbsWallet(t)
	tests := []struct {
		name     string
		disclose []string
		claims   []string
		fields   []string
	}{
		{"nested claim", []string{"achievement.criteria.narrative"},
			[]string{"achievement.criteria.id", "achievement.criteria.narrative", "achievement.id", "achievement.type", "id", "type"}, nil},
		{"whole object", []string{"achievement", "achievement.name"},
			[]string{"achievement.achievementType", "achievement.criteria.id", "achievement.criteria.narrative", "achievement.description",
				"achievement.id", "achievement.name", "achievement.type", "id", "type"}, nil},
		{"top-level property and a claim", []string{"name", " role "}, []string{"id", "role", "type"}, []string{"name"}},
		{"whole subject", []string{"credentialSubject"}, claimPaths(bbsBadge("did:example:i", "did:example:s")), nil},
	}
	v := employer(t, soon(), "", "")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := w.Present(context.Background(), PresentRequest{Credentials: []Choice{{ID: id, Disclose: tc.disclose}}})
			require.NoError(t, err)
			c := p.Preview.Credentials[0]
			require.False(t, c.Whole)
			require.Equal(t, tc.claims, c.Claims)
			wantFields := append([]string{"expirationDate", "id", "issuanceDate", "issuer", "type"}, tc.fields...)
			slices.Sort(wantFields)
			require.Equal(t, wantFields, c.Fields)
			var doc map[string]any
			require.NoError(t, json.Unmarshal(p.JSON, &doc))
			cred := doc["verifiableCredential"].([]any)[0].(map[string]any)
			require.Equal(t, tc.claims, claimPaths(cred))
			r := mustVerify(t, v, p.JSON)
			require.True(t, r.Verified, "%q", r.Errors)
		})
	}
}

// TestDiscloseFresh: two presentations of the same claims share no proof
// bytes: the derived BBS+ proofs and nonces differ throughout.
func TestDiscloseFresh(t *testing.T) {
	w, _, id := bbsWallet(t)
	a, b := presentBBS(t, w, id), presentBBS(t, w, id)
	pa, pb := derivedProof(t, a.JSON), derivedProof(t, b.JSON)
	require.NotEqual(t, pa["nonce"], pb["nonce"])
	require.Empty(t, commonRun(" "+str(pa["nonce"]), " "+str(pb["nonce"]), 8))
	// A derived BBS+ proof starts with a public header: the number of
	// statements (2 bytes) and the bit vector of those revealed; the rest
	// (points, responses and their 4-byte counts) is fresh each time.
	va, vb := proofBytes(t, pa), proofBytes(t, pb)
	n := int(binary.BigEndian.Uint16(va))
	head := 2 + (n+7)/8
	require.Equal(t, va[:head], vb[:head], "the same statements are revealed")
	require.Nil(t, commonBytes(va[head:], vb[head:], 6), "the derived proofs share a run of 6 bytes")
	ha, hb := holderProof(t, a.JSON), holderProof(t, b.JSON)
	require.Empty(t, commonRun(str(ha["proofValue"]), str(hb["proofValue"]), 8))
}

// proofBytes decodes a derived proof's proofValue (standard base64).
func proofBytes(t *testing.T, p map[string]any) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(str(p["proofValue"]))
	require.NoError(t, err)
	require.Greater(t, len(b), 2+3*48)
	return b
}

// commonBytes returns a run of n bytes that a and b share, or nil.
func commonBytes(a, b []byte, n int) []byte {
	for i := 0; i+n <= len(a); i++ {
		if bytes.Contains(b, a[i:i+n]) {
			return a[i : i+n]
		}
	}
	return nil
}

func derivedProof(t *testing.T, vp []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(vp, &doc))
	cred := doc["verifiableCredential"].([]any)[0].(map[string]any)
	ps := proofList(cred["proof"])
	require.Len(t, ps, 1)
	return ps[0]
}

// forger is a holder key outside the wallet, so that a test can re-sign a
// presentation after changing the derived credential in it, as a
// dishonest holder would.
type forger struct {
	priv ed25519.PrivateKey
	did  string
}

func newForger(t *testing.T) *forger {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{5}, ed25519.SeedSize))
	d, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	return &forger{priv: priv, did: d}
}

// resign replaces vp's holder proof with one by the forger (same challenge,
// domain and expiry).
func (f *forger) resign(t *testing.T, vp map[string]any) []byte {
	t.Helper()
	old := vp["proof"].(map[string]any)
	delete(vp, "proof")
	vp["holder"] = f.did
	expires, err := time.Parse(time.RFC3339, str(old["expires"]))
	require.NoError(t, err)
	proc, err := presentationProcessor()
	require.NoError(t, err)
	signed, err := dataintegrity.SignWith(proc, vp, dataintegrity.ProofOptions{
		VerificationMethod: keyMethod(f.did), ProofPurpose: "authentication", Created: fixedNow(),
		Expires: expires, Challenge: str(old["challenge"]), Domain: str(old["domain"]),
	}, func(m []byte) ([]byte, error) { return ed25519.Sign(f.priv, m), nil })
	require.NoError(t, err)
	out, err := json.Marshal(signed)
	require.NoError(t, err)
	return out
}

// TestDiscloseSound: for every disclosed value, and for the issuer, the
// dates, the credential id and the subject id, a changed value makes the
// derived credential fail, on its own and inside a presentation re-signed
// by its holder (before and after the QR codec); so does adding an
// undisclosed claim (with its true value or another) or removing a
// disclosed one.
func TestDiscloseSound(t *testing.T) {
	w, _, id := bbsWallet(t)
	p := presentBBS(t, w, id)
	f := newForger(t)
	v := employer(t, soon(), testChallenge, testDomain)
	subj := func(c map[string]any) map[string]any { return c["credentialSubject"].(map[string]any) }
	ach := func(c map[string]any) map[string]any { return subj(c)["achievement"].(map[string]any) }
	tests := []struct {
		name   string
		change func(c map[string]any)
	}{
		{"achievement name", func(c map[string]any) { ach(c)["name"] = "Customer Service Excellence" }},
		{"credits earned", func(c map[string]any) { subj(c)["creditsEarned"] = json.Number("120") }},
		{"activity end date", func(c map[string]any) { subj(c)["activityEndDate"] = "2025-06-28T00:00:00Z" }},
		{"achievement id", func(c map[string]any) { ach(c)["id"] = "urn:uuid:b7e2d4c1-0a9f-4e3b-8d6c-2f5a1e9b7c31" }},
		{"achievement type", func(c map[string]any) { ach(c)["type"] = []any{"Achievement", "EndorsementCredential"} }},
		{"issuer", func(c map[string]any) { c["issuer"] = "did:example:another-issuer" }},
		{"issuance date", func(c map[string]any) { c["issuanceDate"] = "2025-09-02T09:00:00Z" }},
		{"expiration date", func(c map[string]any) { c["expirationDate"] = "2035-09-01T00:00:00Z" }},
		{"credential id", func(c map[string]any) { c["id"] = "urn:uuid:3f1c9a52-8e47-4d2b-b6a0-5c9e7d21f4a9" }},
		{"subject id", func(c map[string]any) { subj(c)["id"] = f.did }},
		{"credential type", func(c map[string]any) {
			c["type"] = []any{"VerifiableCredential", "OpenBadgeCredential", "EndorsementCredential"}
		}},
		{"undisclosed claim added, true value", func(c map[string]any) { subj(c)["licenseNumber"] = "CS-2025-004711" }},
		{"undisclosed claim added, other value", func(c map[string]any) { subj(c)["role"] = "Store manager" }},
		{"undisclosed achievement field added", func(c map[string]any) { ach(c)["achievementType"] = "Certificate" }},
		{"disclosed claim removed", func(c map[string]any) { delete(subj(c), "creditsEarned") }},
	}
	// The harness itself works: an unchanged derived credential verifies
	// alone and in the forger's re-signed presentation.
	var vp map[string]any
	require.NoError(t, json.Unmarshal(p.JSON, &vp))
	r := v.VerifyCredential(context.Background(), cloneMap(vp["verifiableCredential"].([]any)[0].(map[string]any)))
	require.Equal(t, verify.SigOK, r.Checks.Signature, "%q", r.Errors)
	r = mustVerify(t, v, f.resign(t, cloneMap(vp)))
	require.Equal(t, verify.SigOK, r.Checks.Signature, "%q", r.Errors)
	require.Equal(t, verify.SigOK, r.Credentials[0].Checks.Signature, "%q", r.Errors)

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := cloneMap(vp)
			cred := doc["verifiableCredential"].([]any)[0].(map[string]any)
			tc.change(cred)

			// The derived credential on its own.
			r := v.VerifyCredential(context.Background(), cloneMap(cred))
			require.False(t, r.Verified)
			require.Equal(t, verify.SigInvalid, r.Checks.Signature, "%q", r.Errors)

			// In the presentation as it was signed: the holder proof breaks.
			changed, err := json.Marshal(doc)
			require.NoError(t, err)
			r = mustVerify(t, v, changed)
			require.False(t, r.Verified)

			// Re-signed by a holder, before and after the QR codec: the
			// holder proof holds, the credential's does not.
			forged := f.resign(t, doc)
			text, err := qr.Encode(forged)
			require.NoError(t, err)
			back, err := qr.Decode(text)
			require.NoError(t, err)
			for _, b := range [][]byte{forged, back} {
				r := mustVerify(t, v, b)
				require.False(t, r.Verified)
				require.Equal(t, verify.SigOK, r.Checks.Signature, "%q", r.Errors)
				require.Len(t, r.Credentials, 1)
				require.Equal(t, verify.SigInvalid, r.Credentials[0].Checks.Signature, "%q", r.Credentials[0].Errors)
			}
		})
	}
}

func cloneMap(m map[string]any) map[string]any {
	return ld.Copy(m).(map[string]any)
}

// TestDiscloseRefused: single claims of credentials whose proof cannot
// show them, paths that name nothing, and disclosed objects without an id
// are refused before anything is signed or logged.
func TestDiscloseRefused(t *testing.T) {
	w, v2, bbs := bbsWallet(t)
	tests := []struct {
		name string
		w    *Wallet
		c    Choice
		want error
		text string
	}{
		{"Ed25519 credential", w, Choice{ID: v2, Disclose: []string{"achievement.name"}}, ErrWholeOnly, "DataIntegrityProof eddsa-rdfc-2022"},
		{"unknown claim", w, Choice{ID: bbs, Disclose: []string{"achievement.grade"}}, ErrUnknownClaim, `"achievement.grade" (its claims: achievement.achievementType,`},
		{"the proof", w, Choice{ID: bbs, Disclose: []string{"proof"}}, ErrUnknownClaim, "cannot be chosen"},
		{"a keyword", w, Choice{ID: bbs, Disclose: []string{"credentialSubject.@id"}}, ErrUnknownClaim, "cannot be chosen"},
		{"an empty step", w, Choice{ID: bbs, Disclose: []string{"achievement..name"}}, ErrUnknownClaim, "cannot be chosen"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.w.Present(context.Background(), PresentRequest{Credentials: []Choice{tc.c}})
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

// TestDiscloseNeedsIDs: an object without an id can be shown only whole:
// disclosing it (or anything under it) is refused naming it, while claims
// elsewhere in the same credential can still be shown; a credential
// without an id cannot be shown in part at all.
func TestDiscloseNeedsIDs(t *testing.T) {
	tests := []struct {
		name     string
		noIDs    string
		disclose []string
		text     string // "" when the presentation is made
	}{
		{"criteria without id, disclosed", "criteria", []string{"achievement"}, "credentialSubject.achievement.criteria has no id"},
		{"criteria without id, inside it", "criteria", []string{"achievement.criteria.narrative"}, "credentialSubject.achievement.criteria has no id"},
		{"criteria without id, elsewhere", "criteria", []string{"achievement.name", "role"}, ""},
		{"credential without id", "credential", []string{"achievement.name"}, "the credential has no id"},
	}
	w, _, _ := bbsWallet(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := importBBS(t, w, tc.noIDs)
			before, err := w.Activity()
			require.NoError(t, err)
			req := PresentRequest{Credentials: []Choice{{ID: id, Disclose: tc.disclose}}}
			p, err := w.Present(context.Background(), req)
			if tc.text == "" {
				require.NoError(t, err)
				r := mustVerify(t, employer(t, soon(), "", ""), p.JSON)
				require.True(t, r.Verified, "%q", r.Errors)
				return
			}
			require.ErrorIs(t, err, ErrNeedsIDs)
			require.ErrorContains(t, err, tc.text)
			after, err := w.Activity()
			require.NoError(t, err)
			require.Equal(t, before, after, "a refused presentation must not be logged")
		})
	}
}

// TestDiscloseZbarimg: the PNG of a derived presentation reads back the
// same text with zbarimg (an independent decoder) and verifies.
func TestDiscloseZbarimg(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (Debian package zbar-tools)")
	}
	w, _, id := bbsWallet(t)
	p := presentBBS(t, w, id)
	text, err := qr.Encode(p.JSON)
	require.NoError(t, err)
	img, _, err := qr.RenderPNG(text, qr.ModulePixels, 40)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "code.png")
	require.NoError(t, os.WriteFile(file, img, 0o600))
	out, err := exec.Command(zbar, "--raw", "-q", file).Output()
	require.NoError(t, err)
	got := strings.TrimRight(string(out), "\n")
	require.Equal(t, text, got)
	back, err := qr.Decode(got)
	require.NoError(t, err)
	r := mustVerify(t, employer(t, soon(), testChallenge, testDomain), back)
	require.True(t, r.Verified, "%q", r.Errors)
}
