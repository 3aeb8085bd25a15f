package verify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
)

// sample reads a public sample of /work/main/testdata (ob20, clr20,
// europass; each folder says where it comes from and under which licence).
func sample(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

func ob2Offline() did.Fetcher {
	return did.DirFetcher(filepath.Join("..", "..", "testdata", "ob20", "offline"))
}

func TestVerifyOtherFormats(t *testing.T) {
	withCopies := Options{Fetcher: ob2Offline(), BadgeFetch: true}
	tests := []struct {
		name     string
		file     string
		opts     Options
		verified bool
		checks   Checks
		format   string
		errHas   string
	}{
		{"ob2 signed", "ob20/simple.jwt", withCopies, true, Checks{Signature: "ok", Validity: "ok", Status: "none", Issuer: "confirmed"}, FormatOB2, ""},
		{"ob2 hosted", "ob20/basic-assertion.json", withCopies, true, Checks{Signature: "ok", Validity: "ok", Status: "none", Issuer: "confirmed"}, FormatOB2, ""},
		{"ob2 revoked", "ob20/simple-revoked.jwt", withCopies, false, Checks{Signature: "ok", Validity: "ok", Status: "revoked", Issuer: "confirmed"}, FormatOB2, "revocation list"},
		{"ob2 tampered", "ob20/simple-tampered.jwt", withCopies, false, Checks{Signature: "invalid", Validity: "ok", Status: "none", Issuer: "unconfirmed"}, FormatOB2, "does not match"},
		// A fetcher without the learner's consent: nothing is fetched.
		{"ob2 no consent", "ob20/simple.jwt", Options{Fetcher: ob2Offline()}, false, Checks{Signature: "unsupported", Validity: "ok", Status: "unknown", Issuer: "unconfirmed"}, FormatOB2, "only when allowed"},
		{"ob2 offline", "ob20/basic-assertion.json", Options{BadgeFetch: true}, false, Checks{Signature: "unsupported", Validity: "ok", Status: "unknown", Issuer: "unconfirmed"}, FormatOB2, "verified by fetching it"},
		{"ob2 recipient", "ob20/simple.jwt", Options{Fetcher: ob2Offline(), BadgeFetch: true, Recipient: "someone@example.org"}, false, Checks{Signature: "ok", Validity: "ok", Status: "none", Issuer: "confirmed"}, FormatOB2, "not issued to someone@example.org"},
		{"europass sealed", "europass/Sample-MC-Annex1-signed.jsonld", Options{}, true, Checks{Signature: "ok", Validity: "ok", Status: "none", Issuer: "unconfirmed"}, FormatJAdES, "EU trusted lists"},
		{"europass tampered", "europass/Sample-MC-Annex1-tampered.jsonld", Options{}, false, Checks{Signature: "invalid", Validity: "ok", Status: "none", Issuer: "unconfirmed"}, FormatJAdES, "changed after sealing"},
		{"europass unsealed", "europass/Sample-CertOfPart-unsigned-uploadable.json", Options{}, false, Checks{Signature: "missing", Validity: "not-yet-valid", Status: "none", Issuer: "unconfirmed"}, FormatLDP, "carries no seal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyBytes(t, newVerifier(t, tt.opts), sample(t, tt.file))
			require.Equal(t, tt.checks, r.Checks, "%v", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			require.Equal(t, tt.format, r.Format)
			require.Equal(t, KindCredential, r.Kind)
			if tt.errHas != "" {
				errorsContain(t, r, tt.errHas)
			}
		})
	}
}

func TestVerifyOB2Expanded(t *testing.T) {
	r := verifyBytes(t, newVerifier(t, Options{Fetcher: ob2Offline(), BadgeFetch: true}), sample(t, "ob20/simple.jwt"))
	require.NotEmpty(t, r.Expanded)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(r.Expanded, &doc))
	badge, ok := doc["badge"].(map[string]any)
	require.True(t, ok)
	require.Equal(t, "Awesome Robotics Badge", badge["name"])
	require.Equal(t, RecipientMatch, verifyBytes(t, newVerifier(t, Options{Recipient: "nobody@example.org"}), sample(t, "ob20/simple.jwt")).Recipient)
}

// Each credential inside a CLR transcript is verified on its own.
func TestVerifyCLRMembers(t *testing.T) {
	tests := []struct {
		file     string
		verified bool
		members  []bool
	}{
		{"clr20/simple.json", true, []bool{true}},
		{"clr20/complex.json", true, []bool{true, true, true, true, true, true}},
		{"clr20/simple-tampered.json", false, []bool{false}},
		{"clr20/simple-noproof.json", false, []bool{false}},
		{"clr20/simple.jwt", true, []bool{true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := verifyBytes(t, newVerifier(t, Options{}), sample(t, tt.file))
			require.Equal(t, tt.verified, r.Verified, "%v", r.Errors)
			var got []bool
			for _, c := range r.Credentials {
				got = append(got, c.Verified)
			}
			require.Equal(t, tt.members, got)
		})
	}
}

// TestVerifyCLRMemberCap: a transcript listing more credentials than a
// presentation may hold has none of them checked.
func TestVerifyCLRMemberCap(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(sample(t, "clr20/simple.json"), &doc))
	subj := doc["credentialSubject"].(map[string]any)
	one := subj["verifiableCredential"].([]any)[0]
	many := make([]any, MaxPresentationCredentials+1)
	for i := range many {
		many[i] = one
	}
	subj["verifiableCredential"] = many
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	r := verifyBytes(t, newVerifier(t, Options{}), raw)
	require.False(t, r.Verified)
	require.Len(t, r.Credentials, 1, "none of the members is checked")
	require.Contains(t, strings.Join(r.Errors, "\n"), "holds 101 credentials")
}
