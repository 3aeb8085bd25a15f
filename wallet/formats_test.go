package wallet

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

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

// anchoredSample reads a public Blockcerts or OpenCerts sample kept with its
// verifier (wallet/verify/blockcerts/testdata/certs, cert-verifier-js, MIT;
// wallet/verify/opencerts/testdata, Apache 2.0; see their READMEs).
func anchoredSample(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("verify", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

// Every format lands in `list` with its name, issuer and date, and in the
// passport with its skills in their categories. Blockcerts and OpenCerts
// are stored with anchor "unknown" (their blockchain record is not read
// offline): not verified, counted by the passport, and shown there as
// unconfirmed.
func TestImportedFormatsInListAndPassport(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	sgt := func(y int, m time.Month, d int) time.Time { return day(y, m, d).Add(-8 * time.Hour) } // midnight in Singapore
	tests := []struct {
		file     string
		read     func(testing.TB, string) []byte
		format   string
		name     string
		issuer   string
		issued   time.Time
		verified bool
		skills   map[string]passport.Category // every skill the passport shows, by key
	}{
		{file: "ob20/basic-assertion.json", read: sample, format: verify.FormatOB2, name: "Awesome Robotics Badge",
			issuer: "An Example Badge Issuer", issued: time.Date(2016, 12, 31, 23, 59, 59, 0, time.UTC), verified: true,
			skills: map[string]passport.Category{"name:awesome robotics badge": passport.Functional}},
		{file: "clr20/simple.json", read: sample, format: verify.FormatLDP, name: "Sample Transcript",
			issuer: "Example University", verified: true,
			skills: map[string]passport.Category{"name:teamwork": passport.Leadership}},
		{file: "europass/Sample-MC-Annex1-signed.jsonld", read: sample, format: verify.FormatJAdES,
			name: "Micro-Credential", issuer: "ORGANIZACION TEST", verified: true},
		{file: "blockcerts/testdata/certs/v2-mainnet-valid-2.0.json", read: anchoredSample, format: verify.FormatBlockcerts,
			name: "Certified Security Expert", issuer: "Learning Machine", issued: time.Date(2018, 2, 7, 23, 52, 16, 636e6, time.UTC),
			skills: map[string]passport.Category{"name:certified security expert": passport.Functional}},
		{file: "blockcerts/testdata/certs/v2-testnet-valid-2.0.json", read: anchoredSample, format: verify.FormatBlockcerts,
			name: "Certificate of Accomplishment", issuer: "University of Learning",
			issued: time.Date(2017, 6, 29, 14, 58, 57, 461422000, time.UTC),
			skills: map[string]passport.Category{"name:certificate of accomplishment": passport.Functional}},
		{file: "blockcerts/testdata/certs/v3-testnet-v3-did.json", read: anchoredSample, format: verify.FormatBlockcerts,
			name: "V3 issuance", issuer: "Hyland Innovation Team", issued: time.Date(2022, 2, 2, 15, 0, 0, 0, time.UTC),
			skills: map[string]passport.Category{"name:v3 issuance": passport.Functional}},
		// Names only its recipient: listed, no skill.
		{file: "blockcerts/testdata/certs/v3-ethereum-sepolia-v3.json", read: anchoredSample, format: verify.FormatBlockcerts,
			name: "Blockcerts certificate", issued: time.Date(2022, 8, 18, 14, 4, 24, 0, time.UTC)},
		{file: "opencerts/testdata/opencerts-homestead.opencert", read: anchoredSample, format: verify.FormatOpenCerts,
			name: "Opencerts Demo Certificate", issuer: "Opencerts", issued: sgt(2025, 5, 29),
			skills: map[string]passport.Category{
				"name:opencerts demo certificate": passport.Functional, // no keyword, no degree word: the default
				// transcript courses: a keyword of the name, else Foundational as a Course
				"name:introduction to programming":         passport.Foundational,
				"name:object oriented programming in java": passport.Functional,
				"name:microeconomics":                      passport.Foundational,
				"name:macroeconomics":                      passport.Foundational,
				"name:econometrics":                        passport.Foundational,
			}},
		// Fields the holder hid (a grade) are simply absent.
		{file: "opencerts/testdata/opencerts-homestead-obfuscated.opencert", read: anchoredSample,
			format: verify.FormatOpenCerts, name: "Opencerts Demo Certificate", issuer: "Opencerts", issued: sgt(2025, 5, 29),
			skills: map[string]passport.Category{
				"name:opencerts demo certificate": passport.Functional, "name:introduction to programming": passport.Foundational,
				"name:object oriented programming in java": passport.Functional, "name:microeconomics": passport.Foundational,
				"name:macroeconomics": passport.Foundational, "name:econometrics": passport.Foundational,
			}},
		// A TradeTrust document with no name: listed by its kind, no skill.
		{file: "opencerts/testdata/oa-wrapped-transferable-document.json", read: anchoredSample,
			format: verify.FormatOpenCerts, name: "OpenAttestation document", issuer: "DEMO STORE"},
	}
	w := newFormatsWallet(t) // one at a time: each case deletes its credential
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := w.Import(context.Background(), tt.file, tt.read(t, tt.file))
			require.NoError(t, err)
			require.Len(t, res, 1)
			require.Nil(t, res[0].Rejected, "%v", res[0].Result)
			require.False(t, res[0].Duplicate)
			defer func() { require.NoError(t, w.Delete(res[0].ID)) }()

			list, err := w.List()
			require.NoError(t, err)
			require.Len(t, list, 1)
			s := list[0]
			require.Equal(t, tt.format, s.Format)
			require.Equal(t, tt.name, s.Name)
			require.Equal(t, tt.issuer, s.IssuerName)
			if !tt.issued.IsZero() {
				require.True(t, tt.issued.Equal(s.ValidFrom), "issued %v, listed %v", tt.issued, s.ValidFrom)
			}
			require.Equal(t, tt.verified, s.Verified)
			anchored := tt.format == verify.FormatBlockcerts || tt.format == verify.FormatOpenCerts
			if anchored {
				require.Equal(t, verify.AnchorUnknown, s.Checks.Anchor)
				require.Equal(t, verify.SigOK, s.Checks.Signature)
			}

			p, err := w.Passport(passport.Options{Now: fixedNow})
			require.NoError(t, err)
			require.Empty(t, p.Skipped())
			b, err := json.Marshal(p) // what `passport --json` prints
			require.NoError(t, err)
			var view struct {
				Skills []struct {
					Key         string            `json:"key"`
					Category    passport.Category `json:"category"`
					Unconfirmed bool              `json:"unconfirmed"`
				} `json:"skills"`
			}
			require.NoError(t, json.Unmarshal(b, &view))
			if tt.skills == nil && tt.format != verify.FormatJAdES {
				require.Empty(t, view.Skills)
				require.Zero(t, p.Len())
				return
			}
			require.Equal(t, 1, p.Len())
			got := map[string]passport.Category{}
			for _, sk := range view.Skills {
				got[sk.Key] = sk.Category
				require.Equal(t, anchored || s.Checks.Status == "unknown", sk.Unconfirmed, sk.Key)
			}
			if tt.format == verify.FormatJAdES {
				require.NotEmpty(t, got) // its ESCO skills: TestImportOtherFormats
				return
			}
			if tt.format == verify.FormatLDP {
				for k, c := range tt.skills { // a CLR: the badge inside among its courses
					require.Equal(t, c, got[k], k)
				}
				return
			}
			require.Equal(t, tt.skills, got)
		})
	}
}

// A credential the verifier refuses is neither listed nor in the passport.
func TestImportedFormatsTampered(t *testing.T) {
	tests := []struct {
		file     string
		rejectAs string
	}{
		{"blockcerts/testdata/certs/v2-ethereum-tampered-2.0.json", "signature invalid"},
		{"blockcerts/testdata/certs/v3-testnet-v3--tampered.json", "signature invalid"},
		{"opencerts/testdata/opencerts-tampered.opencert", "signature invalid"},
		{"opencerts/testdata/opencerts-wrong-merkle-odd-length.opencert", "signature invalid"},
	}
	w := newFormatsWallet(t)
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := w.Import(context.Background(), tt.file, anchoredSample(t, tt.file))
			require.NoError(t, err)
			require.Len(t, res, 1)
			require.NotNil(t, res[0].Rejected)
			require.Contains(t, res[0].Rejected.Reason, tt.rejectAs)
		})
	}
	list, err := w.List()
	require.NoError(t, err)
	require.Empty(t, list)
	p, err := w.Passport(passport.Options{Now: fixedNow})
	require.NoError(t, err)
	require.Zero(t, p.Len())
}
