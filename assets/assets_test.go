package assets

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

func TestContextsAreValidJSONAndCoverOpenBadges(t *testing.T) {
	ctxs, err := Contexts()
	require.NoError(t, err)
	for _, u := range []string{
		"https://www.w3.org/ns/credentials/v2",
		"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		"https://w3id.org/security/data-integrity/v2",
		"https://www.w3.org/ns/credentials/status/v1",
	} {
		require.Contains(t, ctxs, u)
	}
	for u, doc := range ctxs {
		var v map[string]any
		require.NoError(t, json.Unmarshal(doc, &v), u)
		require.Contains(t, v, "@context", u)
	}
}
