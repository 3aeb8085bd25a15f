package verify

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

func TestParseDateTime(t *testing.T) {
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		require.NoError(t, err)
		return tm
	}
	tests := []struct {
		in   any
		want time.Time
		ok   bool
	}{
		{"2010-01-01T00:00:00Z", utc("2010-01-01T00:00:00Z"), true},
		{"2022-11-10T07:38:00-08:00", utc("2022-11-10T15:38:00Z"), true},
		{"2024-02-29T23:59:59.123456Z", utc("2024-02-29T23:59:59.123456Z"), true},
		{"2024-01-31t12:00:00z", utc("2024-01-31T12:00:00Z"), true},
		{"2024-01-31T12:00:00", utc("2024-01-31T12:00:00Z"), true}, // no offset: UTC
		{map[string]any{"@value": "2024-01-31T12:00:00Z", "@type": "xsd:dateTime"}, utc("2024-01-31T12:00:00Z"), true},
		{"2024-01-31", time.Time{}, false},
		{"2024-01-31 12:00:00Z", time.Time{}, false},
		{" 2024-01-31T12:00:00Z", time.Time{}, false},
		{"2024-02-30T12:00:00Z", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{float64(1262304000), time.Time{}, false},
		{nil, time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := parseDateTime(tt.in)
		require.Equal(t, tt.ok, ok, "%v", tt.in)
		require.True(t, got.Equal(tt.want), "%v: got %v", tt.in, got)
	}
}

// TestValidity covers the validity period of credentials signed in the test.
func TestValidity(t *testing.T) {
	v := newVerifier(t, Options{})
	k := newEdKey(t, 71)
	v2 := func(set map[string]any, drop ...string) map[string]any {
		doc := credV2(k.did)
		for key, val := range set {
			doc[key] = val
		}
		for _, key := range drop {
			delete(doc, key)
		}
		return signDI(t, v, doc, k, k.vm, dataintegrity.ProofOptions{})
	}
	noIssuance := credV1(k.did, ctxEd2020)
	delete(noIssuance, "issuanceDate")
	expiredV1 := credV1(k.did, ctxEd2020)
	expiredV1["expirationDate"] = "2025-01-01T00:00:00Z"

	tests := []struct {
		name     string
		doc      map[string]any
		validity string
		errs     []string
	}{
		{"VC 2.0 without dates", v2(nil, "validFrom"), ValidOK, nil},
		{"VC 2.0 valid until later", v2(map[string]any{"validUntil": "2027-01-01T00:00:00Z"}), ValidOK, nil},
		{"VC 2.0 valid from later", v2(map[string]any{"validFrom": "2027-01-01T00:00:00Z"}), ValidNotYet, []string{"valid only from 2027-01-01T00:00:00Z (validFrom)"}},
		{"VC 2.0 expired", v2(map[string]any{"validUntil": "2026-01-01T00:00:00+01:00"}), ValidExpired, []string{"expired on 2025-12-31T23:00:00Z (validUntil)"}},
		{"VC 2.0 unreadable validFrom", v2(map[string]any{"validFrom": "last spring"}), ValidNotYet, []string{`validFrom "last spring" is not a date`}},
		{"VC 2.0 unreadable validUntil", v2(map[string]any{"validUntil": "2027-13-01T00:00:00Z"}), ValidExpired, []string{"validUntil"}},
		{"VC 1.1 without issuanceDate", ed2020(k).sign(t, noIssuance), ValidNotYet, []string{"no issuanceDate"}},
		{"VC 1.1 expired", ed2020(k).sign(t, expiredV1), ValidExpired, []string{"(expirationDate)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := verifyDoc(t, v, tt.doc)
			require.Equal(t, SigOK, r.Checks.Signature, "errors: %q", r.Errors)
			require.Equal(t, tt.validity, r.Checks.Validity, "errors: %q", r.Errors)
			require.Equal(t, tt.validity == ValidOK, r.Verified)
			errorsContain(t, r, tt.errs...)
		})
	}
}

// TestNotCredential: data that is no credential or presentation is an
// error, never a verdict.
func TestNotCredential(t *testing.T) {
	v := newVerifier(t, Options{})
	for _, in := range []string{
		"", "   ", "hello", "{", "[]", "{}", `{"type": "Thing"}`, `"just a string"`,
		"a.b.c", "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln",
	} {
		r, err := v.Verify(context.Background(), []byte(in))
		require.ErrorIs(t, err, ErrNotCredential, "%q", in)
		require.Nil(t, r)
	}
}

// TestResultShape: the JSON of a result follows the verify --json contract,
// results are deterministic and inputs are left alone.
func TestResultShape(t *testing.T) {
	v := newVerifier(t, Options{})
	doc := mustMap(t, fixture(t, "simple-err-proof-value.json"))
	before := copyDoc(doc)

	r1 := v.VerifyCredential(context.Background(), doc)
	r2 := v.VerifyCredential(context.Background(), doc)
	require.Equal(t, r1, r2)
	require.True(t, reflect.DeepEqual(before, doc), "VerifyCredential changed its input")

	var got map[string]any
	require.NoError(t, json.Unmarshal(mustJSON(t, r1), &got))
	require.Equal(t, false, got["verified"])
	require.Equal(t, "credential", got["kind"])
	require.Equal(t, map[string]any{"signature": "invalid", "validity": "ok", "status": "none", "issuer": "unconfirmed"}, got["checks"])
	require.NotContains(t, got, "credentials")
	require.NotContains(t, got, "file")

	ok := verifyBytes(t, v, fixture(t, "simple.json"))
	require.NoError(t, json.Unmarshal(mustJSON(t, ok), &got))
	require.IsType(t, []any{}, got["errors"])
}
