package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
)

// Verifier request used in these tests.
const (
	testChallenge = "7KQ-2M4"
	testDomain    = "https://jobs.employer.example"
)

// presentWallet is a wallet holding the 1EdTech VC 2.0 (simple.json) and VC
// 1.1 (simple_v1.json) badges; it returns their record ids in that order.
func presentWallet(t *testing.T) (*Wallet, string, string) {
	t.Helper()
	w, _ := newWallet(t)
	var ids []string
	for _, f := range []string{"simple.json", "simple_v1.json"} {
		res, err := w.Import(context.Background(), f, fixture(t, f))
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Nil(t, res[0].Rejected, f)
		ids = append(ids, res[0].ID)
	}
	return w, ids[0], ids[1]
}

// employer is a verifier at time at that asks for challenge and domain.
func employer(t testing.TB, at time.Time, challenge, domain string) *verify.Verifier {
	t.Helper()
	v, err := verify.New(verify.Options{Now: func() time.Time { return at }, Challenge: challenge, Domain: domain})
	require.NoError(t, err)
	return v
}

func mustVerify(t *testing.T, v *verify.Verifier, doc []byte) *verify.Result {
	t.Helper()
	r, err := v.Verify(context.Background(), doc)
	require.NoError(t, err)
	return r
}

// TestPresentRoundTrip: present → SP1 text → PNG → ReadPNG → Decode →
// verified by an employer asking for the same challenge and domain, for a
// VC 2.0 credential, a VC 1.1 one, and both together.
func TestPresentRoundTrip(t *testing.T) {
	w, v2, v1 := presentWallet(t)
	ident, err := w.Identity("Ed25519")
	require.NoError(t, err)
	tests := []struct {
		name  string
		ids   []string
		model string
	}{
		{"VC 2.0 credential", []string{v2}, VCDM2},
		{"VC 1.1 credential", []string{v1}, VCDM11},
		{"both", []string{v2[:6], v1}, VCDM2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := Choose(tc.ids...)
			req.Challenge, req.Domain = testChallenge, testDomain
			p, err := w.Present(context.Background(), req)
			require.NoError(t, err)
			require.Equal(t, tc.model, p.Preview.DataModel)
			require.Equal(t, fixedNow().Add(DefaultPresentationTTL), p.Preview.Expires)

			var doc map[string]any
			require.NoError(t, json.Unmarshal(p.JSON, &doc))
			require.Equal(t, ident.DID, doc["holder"])
			proof := doc["proof"].(map[string]any)
			require.Equal(t, "authentication", proof["proofPurpose"])
			require.Equal(t, "eddsa-rdfc-2022", proof["cryptosuite"])
			require.Equal(t, "2026-06-01T00:15:00Z", proof["expires"])
			require.Equal(t, testChallenge, proof["challenge"])
			require.Equal(t, testDomain, proof["domain"])

			text, err := qr.Encode(p.JSON)
			require.NoError(t, err)
			img, version, err := qr.PNG(text)
			require.NoError(t, err, "one badge must fit one scannable QR code")
			require.LessOrEqual(t, version, qr.MaxVersion)
			read, err := qr.ReadPNG(img)
			require.NoError(t, err)
			require.Equal(t, text, read)
			decoded, err := qr.Decode(read)
			require.NoError(t, err)

			r := mustVerify(t, employer(t, fixedNow().Add(5*time.Minute), testChallenge, testDomain), decoded)
			require.True(t, r.Verified, "%q", r.Errors)
			require.Equal(t, verify.KindPresentation, r.Kind)
			require.Equal(t, verify.IssuerConfirmed, r.Checks.Issuer, "the holder's did:key signed")
			require.Len(t, r.Credentials, len(tc.ids))
		})
	}
}

// TestPresentZbarimg: an independent decoder reads the same text from the
// PNG the wallet's presentation makes.
func TestPresentZbarimg(t *testing.T) {
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg not installed (Debian package zbar-tools)")
	}
	w, v2, _ := presentWallet(t)
	p, err := w.Present(context.Background(), Choose(v2))
	require.NoError(t, err)
	text, err := qr.Encode(p.JSON)
	require.NoError(t, err)
	img, _, err := qr.PNG(text)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "code.png")
	require.NoError(t, os.WriteFile(file, img, 0o600))
	out, err := exec.Command(zbar, "--raw", "-q", file).Output()
	require.NoError(t, err)
	require.Equal(t, text, strings.TrimRight(string(out), "\n"))
}

// TestPresentRejected: a changed claim, an expired presentation (and one
// replayed after its expiry), a wrong challenge and a wrong domain are each
// rejected with the reason.
func TestPresentRejected(t *testing.T) {
	w, v2, _ := presentWallet(t)
	req := Choose(v2)
	req.Challenge, req.Domain = testChallenge, testDomain
	req.Expires = fixedNow().Add(2 * time.Minute)
	p, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	text, err := qr.Encode(p.JSON)
	require.NoError(t, err)
	decoded, err := qr.Decode(text)
	require.NoError(t, err)

	// The tampered one goes through the QR codec again, as a forger would.
	var doc map[string]any
	require.NoError(t, json.Unmarshal(decoded, &doc))
	cred := doc["verifiableCredential"].([]any)[0].(map[string]any)
	ach := cred["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	require.Equal(t, "Teamwork", ach["name"])
	ach["name"] = "Leadership"
	forged, err := json.Marshal(doc)
	require.NoError(t, err)
	forgedText, err := qr.Encode(forged)
	require.NoError(t, err)
	forgedBack, err := qr.Decode(forgedText)
	require.NoError(t, err)

	soon := fixedNow().Add(time.Minute)
	tests := []struct {
		name      string
		doc       []byte
		at        time.Time
		challenge string
		domain    string
		check     func(c verify.Checks) string
		want      string
		reason    string
	}{
		{"tampered claim", forgedBack, soon, testChallenge, testDomain,
			func(c verify.Checks) string { return c.Signature }, verify.SigInvalid, "signature"},
		{"expired", decoded, fixedNow().Add(3 * time.Minute), testChallenge, testDomain,
			func(c verify.Checks) string { return c.Validity }, verify.ValidExpired, "expires"},
		{"replayed a day later without a challenge", decoded, fixedNow().Add(24 * time.Hour), "", "",
			func(c verify.Checks) string { return c.Validity }, verify.ValidExpired, "expires"},
		{"wrong challenge", decoded, soon, "9ZZ-0A1", testDomain,
			func(c verify.Checks) string { return c.Signature }, verify.SigInvalid, "challenge"},
		{"wrong domain", decoded, soon, testChallenge, "https://other.example",
			func(c verify.Checks) string { return c.Signature }, verify.SigInvalid, "domain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mustVerify(t, employer(t, tc.at, tc.challenge, tc.domain), tc.doc)
			require.False(t, r.Verified)
			require.Equal(t, tc.want, tc.check(r.Checks))
			require.Contains(t, strings.Join(r.Errors, "\n"), tc.reason)
		})
	}
	// The same presentation, untouched and in time, verifies: the cases
	// above fail for their own reason.
	r := mustVerify(t, employer(t, soon, testChallenge, testDomain), decoded)
	require.True(t, r.Verified, "%q", r.Errors)
}

// TestPresentFresh: two presentations of the same credential, same
// request, same second, share no holder-proof bytes (the issuer's proof on
// a whole credential is, by nature, the same: unlinkable presentations
// need BBS+ derivation).
func TestPresentFresh(t *testing.T) {
	w, v2, _ := presentWallet(t)
	req := Choose(v2)
	req.Challenge = testChallenge
	a, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	b, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	require.NotEqual(t, a.ID, b.ID)
	pa, pb := holderProof(t, a.JSON), holderProof(t, b.JSON)
	require.Equal(t, pa["created"], pb["created"], "the clock is fixed")
	require.NotEqual(t, pa["proofValue"], pb["proofValue"])
	require.Empty(t, commonRun(pa["proofValue"].(string), pb["proofValue"].(string), 8),
		"the holder signatures share a run of 8 characters")
}

func holderProof(t *testing.T, vp []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(vp, &doc))
	return doc["proof"].(map[string]any)
}

// commonRun returns a substring of length n that a and b share after the
// multibase prefix, or "".
func commonRun(a, b string, n int) string {
	a, b = a[1:], b[1:]
	for i := 0; i+n <= len(a); i++ {
		if strings.Contains(b, a[i:i+n]) {
			return a[i : i+n]
		}
	}
	return ""
}

// TestPresentLogAndPreview: the consent preview lists what will be shown
// and changes nothing; a presentation is logged with claim names, the
// verifier and the expiry, never claim values.
func TestPresentLogAndPreview(t *testing.T) {
	w, v2, v1 := presentWallet(t)
	before, err := w.Activity()
	require.NoError(t, err)

	req := Choose(v2, v1)
	req.Challenge, req.Domain = testChallenge, testDomain
	req.Expires = time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)
	pv, err := w.PreviewPresentation(req)
	require.NoError(t, err)
	after, err := w.Activity()
	require.NoError(t, err)
	require.Equal(t, before, after, "a preview must not be logged")

	require.Equal(t, testDomain, pv.Domain)
	require.Equal(t, testChallenge, pv.Challenge)
	require.Equal(t, req.Expires, pv.Expires)
	require.Len(t, pv.Credentials, 2)
	claims := []string{
		"achievement.criteria.narrative", "achievement.description", "achievement.id",
		"achievement.name", "achievement.type", "id", "type",
	}
	for i, id := range []string{v2, v1} {
		c := pv.Credentials[i]
		require.Equal(t, id, c.ID)
		require.Equal(t, "Teamwork Badge", c.Name)
		require.Equal(t, "https://example.com/issuers/876543", c.IssuerID)
		require.Equal(t, "Example Corp", c.IssuerName)
		require.True(t, c.Whole)
		require.Equal(t, claims, c.Claims)
		require.Contains(t, c.Fields, "issuer")
	}

	p, err := w.Present(context.Background(), req)
	require.NoError(t, err)
	log, err := w.Activity()
	require.NoError(t, err)
	require.Len(t, log, len(before)+2)
	for i, e := range log[len(before):] {
		require.Equal(t, ActionPresent, e.Action)
		require.Equal(t, OutcomeDone, e.Outcome)
		require.Equal(t, testDomain, e.Counterparty)
		require.Equal(t, pv.Credentials[i].ID, e.Credential)
		require.Equal(t, claims, e.Claims)
		require.Contains(t, e.Detail, p.ID)
		require.Contains(t, e.Detail, testChallenge)
		require.Contains(t, e.Detail, "2026-12-31T23:59:59Z")
		line, err := json.Marshal(e)
		require.NoError(t, err)
		for _, value := range []string{"Teamwork\"", "collaborate", "nominated", "did:example:ebfeb1f712ebc6f1c276e12ec21"} {
			require.NotContains(t, string(line), value, "a claim value reached the log")
		}
	}
}

// TestPresentRefuses: requests the wallet must not sign.
func TestPresentRefuses(t *testing.T) {
	w, v2, _ := presentWallet(t)
	tests := []struct {
		name string
		req  PresentRequest
		want error
		text string
	}{
		{"nothing chosen", PresentRequest{}, ErrNothingChosen, ""},
		{"single claims of an Ed25519 credential", PresentRequest{Credentials: []Choice{{ID: v2, Disclose: []string{"achievement.name"}}}},
			ErrWholeOnly, "can only be shown whole"},
		{"expiry in the past", PresentRequest{Credentials: []Choice{{ID: v2}}, Expires: fixedNow().Add(-time.Minute)}, ErrBadExpiry, ""},
		{"chosen twice", Choose(v2, v2[:5]), ErrBadRequest, "twice"},
		{"unknown credential", Choose("ffffffff"), ErrNotFound, ""},
		{"control character in challenge", PresentRequest{Credentials: []Choice{{ID: v2}}, Challenge: "a\nb"}, ErrBadRequest, "challenge"},
		{"overlong domain", PresentRequest{Credentials: []Choice{{ID: v2}}, Domain: strings.Repeat("d", 300)}, ErrBadRequest, "domain"},
	}
	before, err := w.Activity()
	require.NoError(t, err)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.Present(context.Background(), tc.req)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
			_, err = w.PreviewPresentation(tc.req)
			require.ErrorIs(t, err, tc.want)
		})
	}
	after, err := w.Activity()
	require.NoError(t, err)
	require.Equal(t, before, after, "a refused presentation must not be logged")

	w.Lock()
	_, err = w.Present(context.Background(), Choose(v2))
	require.ErrorIs(t, err, ErrLocked)
}

// TestPresentJWT: a VC-JWT credential travels as a VC 2.0
// EnvelopedVerifiableCredential beside a VC 1.1 one, and both verify.
func TestPresentJWT(t *testing.T) {
	w, _, v1 := presentWallet(t)
	res, err := w.Import(context.Background(), "badge.jwt", []byte(badgeJWT(t)))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.Nil(t, res[0].Rejected)
	p, err := w.Present(context.Background(), Choose(res[0].ID, v1))
	require.NoError(t, err)
	require.Equal(t, VCDM2, p.Preview.DataModel)
	require.Equal(t, "jwt", p.Preview.Credentials[0].Format)
	require.Contains(t, string(p.JSON), `"EnvelopedVerifiableCredential"`)
	r := mustVerify(t, employer(t, fixedNow().Add(time.Minute), "", ""), p.JSON)
	require.True(t, r.Verified, "%q", r.Errors)
	require.Len(t, r.Credentials, 2)
	require.Equal(t, verify.FormatJWT, r.Credentials[0].Format)
}

// badgeJWT is simple_v1.json's badge as a VC-JWT 1.1 signed (EdDSA) by an
// issuer did:key made here.
func badgeJWT(t *testing.T) string {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	iss, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	var vc map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, "simple_v1.json"), &vc))
	for _, k := range []string{"proof", "issuer", "issuanceDate", "id"} {
		delete(vc, k)
	}
	vc["@context"] = vc["@context"].([]any)[:2]
	payload, err := json.Marshal(map[string]any{
		"vc": vc, "iss": iss, "jti": "urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10",
		"sub": "did:example:ebfeb1f712ebc6f1c276e12ec21", "nbf": fixedNow().Add(-time.Hour).Unix(),
	})
	require.NoError(t, err)
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: priv},
		(&gojose.SignerOptions{}).WithHeader("kid", keyMethod(iss)))
	require.NoError(t, err)
	obj, err := s.Sign(payload)
	require.NoError(t, err)
	out, err := obj.CompactSerialize()
	require.NoError(t, err)
	return out
}
