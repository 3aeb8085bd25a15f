package importer

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// TestMain fails the test binary if any test touches the network.
func TestMain(m *testing.M) { fetchtest.Main(m) }

// ob30 reads a 1EdTech Open Badges 3.0 fixture from the repository's testdata.
func ob30(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "ob30", name))
	require.NoError(t, err)
	return b
}

// vector reads one of the baked 1EdTech vectors kept in this package's testdata.
func vector(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "1edtech", name))
	require.NoError(t, err)
	return b
}

// testImage is a small picture with some variety in it.
func testImage() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 12, 9))
	for y := 0; y < 9; y++ {
		for x := 0; x < 12; x++ {
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(20 * x), G: uint8(28 * y), B: uint8(x * y), A: 255})
		}
	}
	return img
}

// encodePNG encodes testImage with image/png.
func encodePNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, testImage()))
	return buf.Bytes()
}

// insertBeforeIEND puts a raw chunk just before the IEND chunk of a PNG
// (IEND is always the last 12 bytes of the PNGs the tests build).
func insertBeforeIEND(t testing.TB, img, chunk []byte) []byte {
	t.Helper()
	require.True(t, bytes.HasSuffix(img, pngChunkBytes("IEND", nil)))
	out := append([]byte{}, img[:len(img)-12]...)
	out = append(out, chunk...)
	return append(out, img[len(img)-12:]...)
}

// signJWS builds a compact JWS signed with a fixed Ed25519 test key.
func signJWS(t testing.TB, header, payload any) []byte {
	t.Helper()
	seg := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := seg(header) + "." + seg(payload)
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	sig := ed25519.Sign(key, []byte(input))
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(sig))
}

// jwsPayload decodes the payload of a compact JWS for assertions.
func jwsPayload(t testing.TB, jws []byte) map[string]any {
	t.Helper()
	parts := bytes.Split(jws, []byte("."))
	require.Len(t, parts, 3)
	raw, err := base64.RawURLEncoding.DecodeString(string(parts[1]))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// jsonField decodes a top-level string field of a JSON object for assertions.
func jsonField(t testing.TB, raw []byte, field string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	s, _ := m[field].(string)
	return s
}
