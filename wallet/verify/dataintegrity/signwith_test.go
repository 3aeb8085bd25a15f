package dataintegrity_test

import (
	"crypto/ed25519"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// TestSignWith: a signer function makes the same proof Sign makes with the
// key itself (Ed25519 is deterministic), expires is written and signed, and
// a failing or malformed signer is reported.
func TestSignWith(t *testing.T) {
	p := processor(t)
	pub, priv, vm := testKey(t)
	doc := readJSON(t, filepath.Join(ob30Dir, "simple.json"))
	delete(doc, "proof")
	at := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	opts := dataintegrity.ProofOptions{
		VerificationMethod: vm, ProofPurpose: "authentication", Created: at,
		Expires: at.Add(15*time.Minute + 500*time.Millisecond), Challenge: "7KQ-2M4",
	}

	var seen []byte
	signed, err := dataintegrity.SignWith(p, doc, opts, func(msg []byte) ([]byte, error) {
		seen = append([]byte(nil), msg...)
		return ed25519.Sign(priv, msg), nil
	})
	require.NoError(t, err)
	require.Len(t, seen, 64, "the signer gets proofHash || documentHash")
	direct, err := dataintegrity.Sign(p, doc, opts, priv)
	require.NoError(t, err)
	require.Equal(t, direct, signed)

	proof := signed["proof"].(map[string]any)
	require.Equal(t, "2026-03-02T10:45:00Z", proof["expires"])
	require.NoError(t, dataintegrity.Verify(p, signed, proof, pub))
	moved := clone(t, signed)
	moved["proof"].(map[string]any)["expires"] = "2027-03-02T10:45:00Z"
	require.ErrorIs(t, dataintegrity.Verify(p, moved, moved["proof"].(map[string]any), pub), dataintegrity.ErrInvalid,
		"expires must be covered by the signature")

	boom := errors.New("token removed")
	tests := []struct {
		name string
		sign func([]byte) ([]byte, error)
		want string
	}{
		{"nil signer", nil, "no signer"},
		{"signer fails", func([]byte) ([]byte, error) { return nil, boom }, "token removed"},
		{"short signature", func([]byte) ([]byte, error) { return make([]byte, 10), nil }, "returned 10 bytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dataintegrity.SignWith(p, doc, opts, tc.sign)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
