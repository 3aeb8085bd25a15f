package verify

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
)

// The W3C vc-di-ecdsa vectors and the two contexts they need that Skillpass
// does not ship, from package dataintegrity's test data.
var ecdsaTestdata = filepath.Join("dataintegrity", "testdata")

func ecdsaVector(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ecdsaTestdata, "w3c-vc-di-ecdsa", rel))
	require.NoError(t, err)
	return b
}

// ecdsaVerifier is a Verifier whose loader also has the vectors' contexts,
// at a time inside the vectors' validity periods.
func ecdsaVerifier(t testing.TB) *Verifier {
	t.Helper()
	extra := map[string][]byte{}
	for url, file := range map[string]string{
		"https://www.w3.org/ns/credentials/examples/v2": "credentials-examples-v2.jsonld",
		"https://w3id.org/citizenship/v4rc1":            "citizenship-v4rc1.jsonld",
	} {
		b, err := os.ReadFile(filepath.Join(ecdsaTestdata, "contexts", file))
		require.NoError(t, err)
		extra[url] = b
	}
	l, err := ld.NewLoader(extra)
	require.NoError(t, err)
	return newVerifier(t, Options{Loader: l, Now: func() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }})
}

// TestECDSASuites runs the W3C ECDSA vectors through the Verifier: derived
// ecdsa-sd-2023 credentials and P-256 ecdsa-rdfc-2019 ones verify; base
// proofs and altered documents are invalid; P-384 keys cannot be resolved
// (package did has no P-384) and are unsupported.
func TestECDSASuites(t *testing.T) {
	v := ecdsaVerifier(t)
	derived := func(set string) map[string]any {
		return mustMap(t, ecdsaVector(t, filepath.Join("ecdsa-sd-2023", set, "derivedRevealDocument.json")))
	}
	tampered := derived("prc")
	tampered["credentialSubject"].(map[string]any)["birthCountry"] = "Utopia"
	switched := derived("employ")
	switched["proof"].(map[string]any)["cryptosuite"] = "ecdsa-rdfc-2019"

	tests := []struct {
		name  string
		doc   map[string]any
		sig   string
		label string
		msg   string
	}{
		{"sd derived prc", derived("prc"), SigOK, "DataIntegrityProof/ecdsa-sd-2023", ""},
		{"sd derived employment", derived("employ"), SigOK, "DataIntegrityProof/ecdsa-sd-2023", ""},
		{"sd base proof", mustMap(t, ecdsaVector(t, filepath.Join("ecdsa-sd-2023", "prc", "addSignedSDBase.json"))),
			SigInvalid, "DataIntegrityProof/ecdsa-sd-2023", "derived) copy"},
		{"sd derived, claim changed", tampered, SigInvalid, "DataIntegrityProof/ecdsa-sd-2023", "does not match"},
		{"sd derived, suite switched", switched, SigInvalid, "DataIntegrityProof/ecdsa-rdfc-2019", ""},
		{"rdfc-2019 P-256", mustMap(t, ecdsaVector(t, filepath.Join("ecdsa-rdfc-2019-p256", "signedECDSAP256.json"))),
			SigOK, "DataIntegrityProof/ecdsa-rdfc-2019", ""},
		{"rdfc-2019 P-256 employment", mustMap(t, ecdsaVector(t, filepath.Join("ecdsa-rdfc-2019-p256", "employ", "signedECDSAP256.json"))),
			SigOK, "DataIntegrityProof/ecdsa-rdfc-2019", ""},
		{"rdfc-2019 P-384", mustMap(t, ecdsaVector(t, filepath.Join("ecdsa-rdfc-2019-p384", "signedECDSAP384.json"))),
			SigUnsupported, "DataIntegrityProof/ecdsa-rdfc-2019", "p384"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := verifyDoc(t, v, tc.doc)
			require.Equal(t, tc.sig, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, []string{tc.label}, r.Proofs)
			if tc.msg != "" {
				errorsContain(t, r, tc.msg)
			}
		})
	}
}
