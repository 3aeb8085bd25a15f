package issuer

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/didcomm"
)

// TestOfferThreadBinding checks the issuer's thread binding the DIDComm
// guard uses: a thread the issuer started belongs to the connection its
// offer went to; other threads bind nothing.
func TestOfferThreadBinding(t *testing.T) {
	is := startIssuer(t, Options{})
	require.NoError(t, is.rec.saveOffer(&OfferRecord{ID: "piid-1", ConnectionID: "conn-a", State: OfferSent}))
	require.NoError(t, is.rec.saveOffer(&OfferRecord{ID: "piid-2", State: OfferSent}))

	tests := []struct {
		piid   string
		want   didcomm.Pair
		wantOK bool
	}{
		{"piid-1", didcomm.Pair{ConnectionID: "conn-a"}, true},
		{"piid-2", didcomm.Pair{}, false}, // no connection recorded
		{"never-sent", didcomm.Pair{}, false},
	}
	for _, tc := range tests {
		got, ok, err := is.offerThread(tc.piid)
		require.NoError(t, err, tc.piid)
		require.Equal(t, tc.wantOK, ok, tc.piid)
		require.Equal(t, tc.want, got, tc.piid)
	}
}
