package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestParseOpenCerts checks that an .opencert file (an OpenAttestation v2
// document, not a W3C credential) is taken whole for the verifier.
func TestParseOpenCerts(t *testing.T) {
	for _, name := range []string{"opencerts-sepolia.opencert", "opencerts-tampered.opencert", "oa-batch-0.json"} {
		data, err := os.ReadFile(filepath.Join("..", "verify", "opencerts", "testdata", name))
		require.NoError(t, err)
		items, err := Parse(name, data, DefaultLimits())
		require.NoError(t, err, name)
		require.Len(t, items, 1)
		require.Equal(t, FormatJSON, items[0].Format)
		require.Equal(t, EncodingJSON, items[0].Encoding)
		require.Equal(t, bytes.TrimSpace(data), items[0].Raw)
	}
	// A JSON object with "data" and "signature" that is not OpenAttestation
	// is still refused.
	_, err := Parse("x.json", []byte(`{"data":{},"signature":{"type":"x"}}`), DefaultLimits())
	require.ErrorIs(t, err, ErrNoCredential)
}
