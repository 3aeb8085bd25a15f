package qr_test

import (
	"bytes"
	"compress/flate"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// singleRun is SP1 text made with one DEFLATE run over the whole CBOR item
// (as Encode did before it stored random byte strings in blocks of their
// own).
func singleRun(t *testing.T, doc []byte) string {
	t.Helper()
	c, err := qr.EncodeCBOR(doc)
	require.NoError(t, err)
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte(qr.FlateDict))
	require.NoError(t, err)
	_, err = w.Write(c)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return qr.Prefix + qr.Base45Encode(buf.Bytes())
}

// TestEncodeStoresRandomBytes: Encode puts a derived BBS+ proof in a
// DEFLATE block of its own, which makes the text never longer than one
// DEFLATE run (with Go 1.26's compress/flate it is 17-25 characters shorter
// for BBS+; Go 1.27's already stores such bytes and the two come out equal);
// both decode to the same document, so the format is unchanged.
func TestEncodeStoresRandomBytes(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
	}{
		{"BBS+ derived, short texts", bbsPresentation(t, shortBadge)},
		{"BBS+ derived, long texts", bbsPresentation(t, longBadge)},
		{"Ed25519", ed25519Presentation(t, shortBadge)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, err := qr.Encode(tt.doc)
			require.NoError(t, err)
			one := singleRun(t, tt.doc)
			require.LessOrEqual(t, len(text), len(one))
			t.Logf("%d characters (one DEFLATE run: %d)", len(text), len(one))
			for _, s := range []string{text, one} {
				back, err := qr.Decode(s)
				require.NoError(t, err)
				require.Equal(t, parseExact(t, tt.doc), parseExact(t, back))
			}
		})
	}
}
