package verify

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFixtures gives every 1EdTech Open Badges 3.0 vector its verdict.
func TestFixtures(t *testing.T) {
	v := newVerifier(t, Options{})
	tests := []struct {
		file     string
		verified bool
		checks   Checks
		format   string
		proofs   []string
		issuerID string
		errs     []string // substrings some error must contain
	}{
		{
			file: "simple.json", verified: true,
			checks: Checks{Signature: SigOK, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{labelDataIntegrityDI}, issuerID: "https://example.com/issuers/876543",
			errs: []string{"written into the key id itself"},
		},
		{
			// Its credentialStatus is a 1EdTechRevocationList, which no
			// status method Skillpass knows can read: status unknown, so by
			// the verify --json contract it is not verified.
			file: "complete.json", verified: false,
			checks: Checks{Signature: SigOK, Validity: ValidOK, Status: "unknown", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{labelDataIntegrityDI}, issuerID: "https://1edtech.edu/issuers/565049",
			errs: []string{"status: unknown", "1EdTechRevocationList"},
		},
		{
			// The key is a did:key, the issuer a urn:uuid: nothing ties
			// them, nothing contradicts.
			file: "simple-did-key-method.json", verified: true,
			checks: Checks{Signature: SigOK, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{labelDataIntegrityDI}, issuerID: "urn:uuid:6f2e33e5-7a29-4155-840a-59483ba10164",
			errs: []string{"is not a DID"},
		},
		{
			file: "simple_v1.json", verified: true,
			checks: Checks{Signature: SigOK, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{typeEd25519Sig2020}, issuerID: "https://example.com/issuers/876543",
		},
		{
			file: "simple-noproof.json", verified: false,
			checks: Checks{Signature: SigMissing, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, issuerID: "https://example.edu/issuers/565049",
			errs: []string{"carries no proof"},
		},
		{
			file: "simple-err-proof-value.json", verified: false,
			checks: Checks{Signature: SigInvalid, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{labelDataIntegrityDI}, issuerID: "https://example.com/issuers/876543",
			errs: []string{"does not match the document"},
		},
		{
			file: "simple-err-expired.json", verified: false,
			checks: Checks{Signature: SigOK, Validity: ValidExpired, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatLDP, proofs: []string{labelDataIntegrityDI}, issuerID: "https://example.com/issuers/876543",
			errs: []string{"expired on 2010-01-01T00:00:00Z"},
		},
		{
			// RS256 with neither kid nor jwk, and an https issuer: no key
			// can be had, offline or not.
			file: "simple.jwt", verified: false,
			checks: Checks{Signature: SigUnsupported, Validity: ValidOK, Status: "none", Issuer: IssuerUnconfirmed},
			format: FormatJWT, proofs: []string{"JWS/RS256"}, issuerID: "https://example.edu/issuers/565049",
			errs: []string{"names no key", "is not a DID"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := verifyBytes(t, v, fixture(t, tt.file))
			require.Equal(t, tt.checks, r.Checks, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			require.Equal(t, KindCredential, r.Kind)
			require.Equal(t, tt.format, r.Format)
			require.Equal(t, tt.proofs, r.Proofs)
			require.Equal(t, tt.issuerID, r.IssuerID)
			errorsContain(t, r, tt.errs...)
			if tt.verified && tt.checks.Issuer == IssuerConfirmed {
				require.Empty(t, r.Errors)
			}
			if !tt.verified {
				require.NotEmpty(t, r.Errors, "a credential that is not verified says why")
			}
			b, err := json.Marshal(r)
			require.NoError(t, err)
			require.Contains(t, string(b), `"errors":[`)
		})
	}
}
