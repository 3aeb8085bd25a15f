package unwrap

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/qr"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

func blankPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

func TestDocument(t *testing.T) {
	cred, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ob30", "simple.json"))
	require.NoError(t, err)
	blank := blankPNG(t)
	baked, err := importer.BakePNG(blank, cred)
	require.NoError(t, err)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>`)
	bakedSVG, err := importer.BakeSVG(svg, cred)
	require.NoError(t, err)
	text, err := qr.Encode(cred)
	require.NoError(t, err)
	code, _, err := qr.PNG(text)
	require.NoError(t, err)

	tests := []struct {
		name    string
		data    []byte
		wantErr error // nil: the credential comes back
		same    bool  // the input itself comes back
	}{
		{"plain JSON", cred, nil, true},
		{"baked PNG", baked, nil, false},
		{"baked SVG", bakedSVG, nil, false},
		{"QR code PNG", code, nil, false},
		{"QR text", []byte(text), nil, false},
		{"QR text with white space", []byte("\n  " + text + "\n"), nil, false},
		{"PNG without a code or badge", blank, qr.ErrNoCode, false},
		{"SVG that is no badge", svg, ErrNotImage, false},
		{"QR text of another app", []byte("SP1:" + "NOTBASE45!!"), qr.ErrCorrupt, false},
		{"QR text of a newer Skillpass", []byte("SP9:AAAA"), qr.ErrUnsupportedVersion, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Document("input", tc.data)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Contains(t, err.Error(), "input")
				return
			}
			require.NoError(t, err)
			if tc.same {
				require.Equal(t, tc.data, got)
				return
			}
			var a, b any
			require.NoError(t, json.Unmarshal(cred, &a))
			require.NoError(t, json.Unmarshal(got, &b))
			require.Equal(t, a, b, "the credential inside comes back unchanged")
		})
	}
}

func TestIsQRText(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"SP1:ABC", true},
		{"  SP12:ABC\n", true},
		{"SP:ABC", false},
		{"SP1", false},
		{"SP1:", true}, // empty payload: Decode reports it damaged
		{"SPX:1", false},
		{"{\"SP1:\": 1}", false},
		{"", false},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, IsQRText([]byte(tc.in)), tc.in)
	}
}
