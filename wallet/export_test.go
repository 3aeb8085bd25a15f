package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
)

// TestExportPassport: the default file holds every current verified
// credential for 90 days, bound to the audience; explicit choices and
// expiries are honoured; each export is logged as a presentation.
func TestExportPassport(t *testing.T) {
	learner, ids := learnerWallet(t)
	ctx := context.Background()
	shareable, err := learner.Shareable()
	require.NoError(t, err)
	require.ElementsMatch(t, ids[:3], shareable, "the expired credential is not shareable")

	tests := []struct {
		name     string
		req      ExportRequest
		ids      []string
		expires  time.Time
		audience string
	}{
		{name: "default", ids: ids[:3], expires: fixedNow().Add(DefaultPassportFileTTL)},
		{
			name: "chosen, with expiry and audience",
			req: ExportRequest{
				Credentials: []string{ids[3], ids[1][:6]}, Expires: fixedNow().Add(7 * 24 * time.Hour),
				Audience: "J. Tan, careers office",
			},
			ids: []string{ids[3], ids[1]}, expires: fixedNow().Add(7 * 24 * time.Hour), audience: "J. Tan, careers office",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := learner.Activity()
			require.NoError(t, err)
			p, file, err := learner.ExportPassport(ctx, tc.req)
			require.NoError(t, err)
			var shown []string
			for _, c := range p.Preview.Credentials {
				shown = append(shown, c.ID)
			}
			require.ElementsMatch(t, tc.ids, shown)
			require.Equal(t, tc.expires, p.Preview.Expires)

			require.True(t, bytes.HasSuffix(file, []byte("}\n")))
			require.Contains(t, string(file), "\n  \"", "the file is indented")
			var fromFile, signed map[string]any
			require.NoError(t, json.Unmarshal(file, &fromFile))
			require.NoError(t, json.Unmarshal(p.JSON, &signed))
			require.Equal(t, signed, fromFile, "the file is the signed presentation")
			proof := fromFile["proof"].(map[string]any)
			require.Equal(t, tc.expires.Format(time.RFC3339), proof["expires"])
			if tc.audience != "" {
				require.Equal(t, tc.audience, proof["domain"])
			} else {
				require.NotContains(t, proof, "domain")
			}

			// An employer's verifier a day later accepts the holder's
			// signature (the embedded credentials keep their own verdicts).
			r := mustVerify(t, employer(t, fixedNow().Add(24*time.Hour), "", ""), file)
			require.Equal(t, "ok", r.Checks.Signature, "%q", r.Errors)
			require.Equal(t, "ok", r.Checks.Validity, "%q", r.Errors)
			require.Len(t, r.Credentials, len(tc.ids))

			after, err := learner.Activity()
			require.NoError(t, err)
			added := after[len(before):]
			require.Len(t, added, len(tc.ids), "one log entry per credential")
			for _, e := range added {
				require.Equal(t, ActionPresent, e.Action)
				require.Contains(t, e.Detail, p.ID)
			}
		})
	}
}

func TestExportPassportRefuses(t *testing.T) {
	learner, ids := learnerWallet(t)
	empty, _ := newWallet(t)
	ctx := context.Background()
	tests := []struct {
		name string
		w    *Wallet
		req  ExportRequest
		is   error
	}{
		{"nothing to share", empty, ExportRequest{}, ErrNothingChosen},
		{"expiry in the past", learner, ExportRequest{Expires: fixedNow().Add(-time.Hour)}, ErrBadExpiry},
		{"unknown credential", learner, ExportRequest{Credentials: []string{"ffffffffffff"}}, ErrNotFound},
		{"chosen twice", learner, ExportRequest{Credentials: []string{ids[0], ids[0]}}, ErrBadRequest},
		{"audience with a control character", learner, ExportRequest{Audience: "advisor\n"}, ErrBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before, err := tc.w.Activity()
			require.NoError(t, err)
			_, _, err = tc.w.ExportPassport(ctx, tc.req)
			require.ErrorIs(t, err, tc.is)
			after, err := tc.w.Activity()
			require.NoError(t, err)
			require.Len(t, after, len(before), "nothing logged")
		})
	}
}

func TestExportPassportSummary(t *testing.T) {
	learner, _ := learnerWallet(t)
	s, err := learner.PassportSummary(passport.Options{})
	require.NoError(t, err)
	ident, err := learner.Identity(did.Ed25519)
	require.NoError(t, err)
	require.Equal(t, ident.DID, s.HolderDID)
	require.True(t, strings.HasPrefix(s.HolderDID, "did:key:"))
	require.Equal(t, fixedNow(), s.View.GeneratedAt, "the wallet's clock")
	require.Equal(t, 4, s.View.Credentials)
	require.NotEmpty(t, s.View.Skills)
}
