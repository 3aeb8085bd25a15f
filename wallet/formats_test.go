package wallet

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/verify"
)

// sample reads a public sample of /work/main/testdata (ob20, clr20,
// europass; each folder has its source and licence).
func sample(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

// newFormatsWallet is a wallet that may read Open Badges 2.0 parts from the
// samples' offline copies (the learner's consent).
func newFormatsWallet(t testing.TB) *Wallet {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "w")
	w, err := Create(dir, []byte(testPass), Options{Now: fixedNow, BadgeFetch: true,
		Fetcher: did.DirFetcher(filepath.Join("..", "testdata", "ob20", "offline"))})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func TestImportOtherFormats(t *testing.T) {
	tests := []struct {
		file     string
		stored   bool
		name     string
		issuer   string
		format   string
		rejectAs string
	}{
		{"ob20/simple.jwt", true, "Awesome Robotics Badge", "An Example Badge Issuer", verify.FormatOB2, ""},
		{"ob20/basic-assertion.json", true, "Awesome Robotics Badge", "An Example Badge Issuer", verify.FormatOB2, ""},
		{"ob20/simple-badge.png", true, "Awesome Robotics Badge", "An Example Badge Issuer", verify.FormatOB2, ""},
		{"ob20/simple-tampered.jwt", false, "", "", "", "signature invalid"},
		{"ob20/basic-assertion-tampered.json", false, "", "", "", "signature invalid"},
		{"clr20/simple.json", true, "Sample Transcript", "Example University", verify.FormatLDP, ""},
		{"clr20/simple-tampered.json", false, "", "", "", "signature invalid"},
		{"europass/Sample-MC-Annex1-signed.jsonld", true, "Micro-Credential", "ORGANIZACION TEST", verify.FormatJAdES, ""},
		{"europass/Sample-MC-Annex1-tampered.jsonld", false, "", "", "", "signature invalid"},
		// Unsealed Europass credentials follow the rule for every unsigned
		// credential: not stored.
		{"europass/Sample-CertOfPart-unsigned-uploadable.json", false, "", "", "", "signature missing"},
	}
	w := newFormatsWallet(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := w.Import(context.Background(), tt.file, sample(t, tt.file))
			require.NoError(t, err)
			require.Len(t, res, 1)
			r := res[0]
			if !tt.stored {
				require.NotNil(t, r.Rejected)
				require.Contains(t, r.Rejected.Reason, tt.rejectAs)
				_, err := w.Get(r.ID)
				require.ErrorIs(t, err, ErrNotFound)
				return
			}
			require.Nil(t, r.Rejected, "%v", r.Result)
			rec, err := w.Get(r.ID)
			require.NoError(t, err)
			require.Equal(t, tt.name, rec.Name)
			require.Equal(t, tt.issuer, rec.IssuerName)
			require.Equal(t, tt.format, rec.Format)
			require.True(t, rec.Verified)
		})
	}

	// The passport shows them, with their skills in the right categories.
	p, err := w.Passport(passport.Options{Now: fixedNow})
	require.NoError(t, err)
	require.Empty(t, p.Skipped())
	require.Equal(t, 5, p.Len())
	cats := map[string]passport.Category{}
	for _, s := range p.Skills() {
		cats[s.Key] = s.Category
	}
	require.Equal(t, passport.Functional, cats["esco:http://data.europa.eu/esco/skill/ccdf3597-5c80-410f-896d-e1bdfa223de9"])
	require.Equal(t, passport.Functional, cats["name:awesome robotics badge"])
	require.Contains(t, cats, "name:teamwork") // the badge inside the CLR
}

// Without the learner's consent nothing of an Open Badges 2.0 badge is
// fetched, so it cannot be verified, and is not stored.
func TestImportOB2WithoutConsent(t *testing.T) {
	w, _ := newWallet(t)
	res, err := w.Import(context.Background(), "simple.jwt", sample(t, "ob20/simple.jwt"))
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NotNil(t, res[0].Rejected)
	require.Contains(t, res[0].Rejected.Reason, "signature unsupported")
}
