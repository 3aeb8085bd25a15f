package edc

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

func TestMain(m *testing.M) { fetchtest.Main(m) }

// The samples are the European Commission's ELM 3 example credentials
// (testdata/europass, EUPL-1.2): one sealed with JAdES by a test seal
// certificate, the same with a changed issuanceDate, and an unsealed one.
const samples = "../../../testdata/europass"

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples, name))
	require.NoError(t, err)
	return b
}

var now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestVerifySamples(t *testing.T) {
	tests := []struct {
		file   string
		want   [4]string
		errHas string
	}{
		{"Sample-MC-Annex1-signed.jsonld", [4]string{"ok", "ok", "none", "unconfirmed"}, "does not check that certificate against the EU trusted lists"},
		{"Sample-MC-Annex1-tampered.jsonld", [4]string{"invalid", "ok", "none", "unconfirmed"}, "changed after sealing"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			v, err := Verify(sample(t, tt.file), now)
			require.NoError(t, err)
			require.Equal(t, tt.want, [4]string{v.Signature, v.Validity, v.Status, v.Issuer}, "%v", v.Errors)
			require.Equal(t, "JAdES/RS256", v.Proof)
			require.Contains(t, strings.Join(v.Errors, "\n"), tt.errHas)
			require.Equal(t, "urn:epass:org:1f0de2587-9348-4fa9-b4d7-a77e34a9ac8a", v.IssuerID)
			require.True(t, IsEuropass(v.Credential))
		})
	}
}

// A seal whose signature bytes were replaced does not verify.
func TestVerifyCorruptSignature(t *testing.T) {
	var doc map[string]any
	require.NoError(t, json.Unmarshal(sample(t, "Sample-MC-Annex1-signed.jsonld"), &doc))
	sig := doc["signatures"].([]any)[0].(map[string]any)
	sig["signature"] = strings.Repeat("A", len(sig["signature"].(string)))
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	v, err := Verify(b, now)
	require.NoError(t, err)
	require.Equal(t, "invalid", v.Signature)
}

func TestPayloadAndRefusals(t *testing.T) {
	p, err := Payload(sample(t, "Sample-MC-Annex1-signed.jsonld"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(p), `{"id":"urn:credential:`))
	for _, in := range []string{"", "{}", `{"payload":"x"}`, `{"payload":"{}","signatures":[{"protected":"!!"}]}`, "[1]"} {
		_, err := Verify([]byte(in), now)
		require.ErrorIs(t, err, ErrNotSealed, in)
	}
	// An unsealed Europass credential is still recognised as Europass.
	var wrapped map[string]map[string]any
	require.NoError(t, json.Unmarshal(sample(t, "Sample-CertOfPart-unsigned-uploadable.json"), &wrapped))
	require.True(t, IsEuropass(wrapped["credential"]))
}

func TestCredentialChecks(t *testing.T) {
	tests := []struct {
		name string
		cred map[string]any
		want [2]string
	}{
		{"valid", map[string]any{"issuanceDate": "2024-01-01T00:00:00Z"}, [2]string{"ok", "none"}},
		{"no date", map[string]any{}, [2]string{"not-yet-valid", "none"}},
		{"future", map[string]any{"validFrom": "2030-01-01T00:00:00Z"}, [2]string{"not-yet-valid", "none"}},
		{"expired", map[string]any{"validFrom": "2020-01-01T00:00:00Z", "expirationDate": "2021-01-01T00:00:00Z"}, [2]string{"expired", "none"}},
		{"status", map[string]any{"validFrom": "2020-01-01T00:00:00Z", "credentialStatus": map[string]any{}}, [2]string{"ok", "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &Verdict{}
			CredentialChecks(v, tt.cred, now)
			require.Equal(t, tt.want, [2]string{v.Validity, v.Status})
			require.Equal(t, "unconfirmed", v.Issuer)
		})
	}
}

// FuzzVerify: no input makes Verify panic.
func FuzzVerify(f *testing.F) {
	b, err := os.ReadFile(filepath.Join(samples, "Sample-MC-Annex1-signed.jsonld"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"payload":"{\"issuer\":{}}","signatures":[{"protected":"eyJhbGciOiJSUzI1NiIsIng1YyI6WyJBQUFBIl19","signature":"AA"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Verify(data, now)
		if err == nil && v.Signature == "" {
			t.Fatal("no signature verdict")
		}
	})
}
