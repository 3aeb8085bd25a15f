package verify

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

const listURL = "https://status.school.example/lists/1"

// statusListCredential is a signed BitstringStatusListCredential of issuer
// k with the given entries set.
func statusListCredential(t *testing.T, v *Verifier, k *edKey, set ...int) map[string]any {
	t.Helper()
	l, err := status.NewList(status.MinListEntries)
	require.NoError(t, err)
	for _, i := range set {
		require.NoError(t, l.Set(i))
	}
	enc, err := l.Encode(status.BitstringStatusList)
	require.NoError(t, err)
	list := map[string]any{
		"@context":  []any{contextV2},
		"id":        listURL,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    k.did,
		"validFrom": "2024-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": listURL + "#list", "type": "BitstringStatusList",
			"statusPurpose": "revocation", "encodedList": enc,
		},
	}
	return signDI(t, v, list, k, k.vm, dataintegrity.ProofOptions{})
}

// withStatus is credV2 with a revocation entry at index, signed by k.
func withStatus(t *testing.T, v *Verifier, k *edKey, index string) map[string]any {
	t.Helper()
	doc := credV2(k.did)
	doc["credentialStatus"] = map[string]any{
		"id": listURL + "#" + index, "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": index, "statusListCredential": listURL,
	}
	return signDI(t, v, doc, k, k.vm, dataintegrity.ProofOptions{})
}

// TestStatus reads a BitstringStatusList from a temporary offline folder.
func TestStatus(t *testing.T) {
	k, other := newEdKey(t, 51), newEdKey(t, 52)
	dir := t.TempDir()
	v := newVerifier(t, Options{Fetcher: did.DirFetcher(dir)})
	writeFile(t, dir, "status.school.example/lists/1", mustJSON(t, statusListCredential(t, v, k, 42)))

	forgedDir := t.TempDir()
	forgedList := statusListCredential(t, v, k)
	forgedList["credentialSubject"].(map[string]any)["encodedList"] = statusListCredential(t, v, k, 7)["credentialSubject"].(map[string]any)["encodedList"]
	writeFile(t, forgedDir, "status.school.example/lists/1", mustJSON(t, forgedList))

	otherDir := t.TempDir()
	writeFile(t, otherDir, "status.school.example/lists/1", mustJSON(t, statusListCredential(t, v, other, 7)))

	tests := []struct {
		name     string
		v        *Verifier
		doc      map[string]any
		status   string
		verified bool
		errs     []string
	}{
		{"revoked", v, withStatus(t, v, k, "42"), "revoked", false, []string{"revoked"}},
		{"not revoked", v, withStatus(t, v, k, "7"), "ok", true, nil},
		{"offline", newVerifier(t, Options{}), withStatus(t, v, k, "7"), "unknown", false, []string{"offline"}},
		{"list changed after signing", newVerifier(t, Options{Fetcher: did.DirFetcher(forgedDir)}), withStatus(t, v, k, "7"), "unknown", false, []string{"could not be verified"}},
		{"list by another issuer", newVerifier(t, Options{Fetcher: did.DirFetcher(otherDir)}), withStatus(t, v, k, "7"), "unknown", false, []string{"issued by someone else"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, tt.v, tt.doc)
			require.Equal(t, SigOK, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, IssuerConfirmed, r.Checks.Issuer)
			require.Equal(t, tt.status, r.Checks.Status, "errors: %q", r.Errors)
			require.Equal(t, tt.verified, r.Verified)
			errorsContain(t, r, tt.errs...)
		})
	}
}
