package ob2

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/did/fetchtest"
)

func TestMain(m *testing.M) { fetchtest.Main(m) }

// The samples are the 1EdTech validator's Open Badges 2.0 test resources
// (testdata/ob20, Apache-2.0); offline/ holds the issuer's documents as
// --offline-dir lays them out.
const samples = "../../../testdata/ob20"

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples, name))
	require.NoError(t, err)
	return b
}

var now = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }

func TestVerifySamples(t *testing.T) {
	offline := did.DirFetcher(filepath.Join(samples, "offline"))
	tests := []struct {
		file    string
		fetcher did.Fetcher
		want    [4]string // signature, validity, status, issuer
		proof   string
		errHas  string
	}{
		{"simple.jwt", offline, [4]string{SigOK, ValidOK, StatusNone, IssuerConfirmed}, "OpenBadges2/signed/RS256", ""},
		{"simple-not-revoked.jwt", offline, [4]string{SigOK, ValidOK, StatusOK, IssuerConfirmed}, "OpenBadges2/signed/RS256", ""},
		{"simple-revoked.jwt", offline, [4]string{SigOK, ValidOK, StatusRevoked, IssuerConfirmed}, "OpenBadges2/signed/RS256", "A good reason, for sure"},
		{"simple-tampered.jwt", offline, [4]string{SigInvalid, ValidOK, StatusNone, IssuerUnconfirmed}, "OpenBadges2/signed/RS256", "does not match its content"},
		{"basic-assertion.json", offline, [4]string{SigOK, ValidOK, StatusNone, IssuerConfirmed}, "OpenBadges2/hosted", ""},
		{"basic-assertion-tampered.json", offline, [4]string{SigInvalid, ValidOK, StatusNone, IssuerUnconfirmed}, "OpenBadges2/hosted", "differs from the copy its issuer hosts"},
		// Offline without a copy: nothing could be checked, and the verdict says so.
		{"simple.jwt", nil, [4]string{SigUnsupported, ValidOK, StatusUnknown, IssuerUnconfirmed}, "OpenBadges2/signed/RS256", "nothing may be fetched"},
		{"basic-assertion.json", nil, [4]string{SigUnsupported, ValidOK, StatusUnknown, IssuerUnconfirmed}, "OpenBadges2/hosted", "verified by fetching it"},
	}
	for _, tt := range tests {
		name := tt.file
		if tt.fetcher == nil {
			name += "/offline"
		}
		t.Run(name, func(t *testing.T) {
			v, err := Verify(context.Background(), sample(t, tt.file), Options{Fetcher: tt.fetcher, Now: now})
			require.NoError(t, err)
			require.Equal(t, tt.want, [4]string{v.Signature, v.Validity, v.Status, v.Issuer}, "%v", v.Errors)
			require.Equal(t, tt.proof, v.Proof)
			if tt.errHas == "" {
				require.Empty(t, v.Errors)
				return
			}
			require.NotEmpty(t, v.Errors)
			found := false
			for _, e := range v.Errors {
				if strings.Contains(e, tt.errHas) {
					found = true
				}
			}
			require.True(t, found, "errors %q lack %q", v.Errors, tt.errHas)
		})
	}
}

func TestVerifyExpandsBadgeClass(t *testing.T) {
	v, err := Verify(context.Background(), sample(t, "simple.jwt"),
		Options{Fetcher: did.DirFetcher(filepath.Join(samples, "offline")), Now: now})
	require.NoError(t, err)
	require.True(t, v.Expanded)
	badge, ok := v.Assertion["badge"].(map[string]any)
	require.True(t, ok)
	require.Equal(t, "Awesome Robotics Badge", badge["name"])
	issuer, ok := badge["issuer"].(map[string]any)
	require.True(t, ok)
	require.Equal(t, "An Example Badge Issuer", issuer["name"])
	require.Equal(t, "https://example.org/organization.json", v.IssuerID)
}

func TestVerifyValidity(t *testing.T) {
	base := `{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","id":"https://example.org/a.json",` +
		`"recipient":{"type":"email","identity":"a@example.org"},"badge":"https://example.org/b.json","verification":{"type":"hosted"}`
	tests := []struct {
		name, extra, want string
	}{
		{"issued", `,"issuedOn":"2020-01-01T00:00:00Z"}`, ValidOK},
		{"future", `,"issuedOn":"2030-01-01T00:00:00Z"}`, ValidNotYet},
		{"no date", `}`, ValidNotYet},
		{"expired", `,"issuedOn":"2020-01-01T00:00:00Z","expires":"2021-01-01T00:00:00Z"}`, ValidExpired},
		{"bad expiry", `,"issuedOn":"2020-01-01T00:00:00Z","expires":"soon"}`, ValidExpired},
		{"not yet expired", `,"issuedOn":"2020-01-01T00:00:00Z","expires":"2030-01-01T00:00:00Z"}`, ValidOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Verify(context.Background(), []byte(base+tt.extra), Options{Now: now})
			require.NoError(t, err)
			require.Equal(t, tt.want, v.Validity)
		})
	}
}

func TestMatchRecipient(t *testing.T) {
	hashed := map[string]any{"type": "email", "hashed": true, "salt": "deadsea",
		"identity": "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"}
	plain := map[string]any{"type": "email", "hashed": false, "identity": "Someone@Example.org"}
	md5 := map[string]any{"type": "email", "hashed": true, "identity": "md5$a1fb5a1f27a2a7c7f1ae1ab4cf3a00ce"}
	tests := []struct {
		name      string
		recipient map[string]any
		identity  string
		want      bool
	}{
		{"hashed match", hashed, "nobody@example.org", true},
		{"hashed case-insensitive email", hashed, "Nobody@Example.org", true},
		{"hashed other", hashed, "somebody@example.org", false},
		{"plain match", plain, "someone@example.org", true},
		{"plain other", plain, "other@example.org", false},
		{"md5 other", md5, "nobody@example.org", false},
		{"empty", hashed, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, MatchRecipient(tt.recipient, tt.identity))
		})
	}
}

func TestVerifyRecipientOption(t *testing.T) {
	for _, tt := range []struct{ who, want string }{{"nobody@example.org", RecipientMatch}, {"x@example.org", RecipientMismatch}} {
		v, err := Verify(context.Background(), sample(t, "simple.jwt"), Options{Now: now, Recipient: tt.who})
		require.NoError(t, err)
		require.Equal(t, tt.want, v.Recipient)
	}
}

func TestVerifyRefusesOtherData(t *testing.T) {
	for _, in := range []string{"", "{}", `{"type":["VerifiableCredential"],"recipient":{},"badge":"x"}`, "a.b", "not json", `{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass"}`} {
		_, err := Verify(context.Background(), []byte(in), Options{Now: now})
		require.ErrorIs(t, err, ErrNotAssertion, in)
	}
}

// A key owned by someone other than the issuer is a mismatch even though the
// signature holds.
func TestVerifyKeyOfAnotherOwner(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(samples, "offline", "example.org")
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "example.org"), 0o755))
	for _, f := range []string{"organization.json", "robotics-badge.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "example.org", f), b, 0o600))
	}
	key, err := os.ReadFile(filepath.Join(src, "key1.json"))
	require.NoError(t, err)
	key = []byte(strings.Replace(string(key), "https://example.org/organization.json", "https://evil.example/org.json", 1))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "example.org", "key1.json"), key, 0o600))
	v, err := Verify(context.Background(), sample(t, "simple.jwt"), Options{Fetcher: did.DirFetcher(dir), Now: now})
	require.NoError(t, err)
	require.Equal(t, SigOK, v.Signature)
	require.Equal(t, IssuerMismatch, v.Issuer)
}

// FuzzVerify: no input makes Verify panic, and every verdict is one of the
// contract's values.
func FuzzVerify(f *testing.F) {
	for _, name := range []string{"simple.jwt", "basic-assertion.json", "simple-tampered.jwt"} {
		b, err := os.ReadFile(filepath.Join(samples, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"recipient":{},"badge":{"issuer":{"revocationList":"x"}},"verification":{"type":"signed"},"issuedOn":1e300}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Verify(context.Background(), data, Options{Now: now, Recipient: "a@b.c"})
		if err != nil {
			return
		}
		ok := map[string]bool{SigOK: true, SigInvalid: true, SigUnsupported: true}
		if !ok[v.Signature] {
			t.Fatalf("signature %q", v.Signature)
		}
	})
}
