package agent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// invitationDoc is a well-formed out-of-band invitation with an inline
// service.
func invitationDoc() map[string]any {
	return map[string]any{
		"@id":                 "8f3e9a52-1c7d-4b0e-9a6f-2d5c8e1b7a34",
		"@type":               oobInvitationType,
		"label":               "Example Training",
		"goal":                "Issue your badge",
		"handshake_protocols": []any{didExchangeProtocol},
		"services": []any{map[string]any{
			"id":              "#inline-1",
			"type":            "did-communication",
			"recipientKeys":   []any{"did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn"},
			"serviceEndpoint": "http://127.0.0.1:9/didcomm",
		}},
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestParseInvitationForms(t *testing.T) {
	raw := mustJSON(t, invitationDoc())
	link := "https://issuer.example/invite?oob=" + base64.RawURLEncoding.EncodeToString(raw)
	qrPNG, _, err := qr.PNG(link)
	require.NoError(t, err)
	tests := []struct {
		name string
		in   []byte
	}{
		{"json", raw},
		{"json with spaces around", append(append([]byte("\n  "), raw...), "\n"...)},
		{"oob link base64url", []byte(link)},
		{"c_i link standard base64 padded", []byte("https://issuer.example/?c_i=" + base64.StdEncoding.EncodeToString(raw))},
		{"didcomm scheme", []byte("didcomm://invite?oob=" + base64.URLEncoding.EncodeToString(raw))},
		{"qr image of the link", qrPNG},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := ParseInvitation(tc.in)
			require.NoError(t, err)
			require.Equal(t, "8f3e9a52-1c7d-4b0e-9a6f-2d5c8e1b7a34", inv.ID)
			require.Equal(t, "Example Training", inv.Label)
			require.Equal(t, "Issue your badge", inv.Goal)
			require.Equal(t, []string{"http://127.0.0.1:9/didcomm"}, inv.Endpoints)
		})
	}
}

func TestDecodeBase64QueryPlus(t *testing.T) {
	// Standard base64 has '+', which a query string turns into ' '.
	want := []byte{0xfb, 0xef, 0xbe, 0x7b}
	enc := base64.StdEncoding.EncodeToString(want)
	require.Contains(t, enc, "+")
	got, err := decodeBase64(strings.ReplaceAll(enc, "+", " "))
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestParseInvitationMalformed(t *testing.T) {
	with := func(change func(m map[string]any)) []byte {
		m := invitationDoc()
		change(m)
		return mustJSON(t, m)
	}
	service := func(change func(s map[string]any)) []byte {
		return with(func(m map[string]any) { change(m["services"].([]any)[0].(map[string]any)) })
	}
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	tests := []struct {
		name string
		in   []byte
		says string
	}{
		{"empty", nil, "empty"},
		{"blank", []byte(" \n\t"), "empty"},
		{"plain words", []byte("hello there"), "neither a link nor invitation JSON"},
		{"link without invitation", []byte("https://issuer.example/invite?x=1"), "no oob= or c_i="},
		{"bad query", []byte("https://issuer.example/?oob=%%%%"), "query cannot be read"},
		{"base64 junk", []byte("https://issuer.example/?oob=!!!!"), "not valid base64url"},
		{"base64 of text", []byte("https://issuer.example/?oob=" + b64([]byte("hello"))), "not JSON"},
		{"broken json", []byte(`{"@type": `), "does not parse"},
		{"no type", []byte(`{"@id":"x"}`), "no @type"},
		{"other type", []byte(`{"@type":"https://didcomm.org/basicmessage/1.0/message"}`), "not an out-of-band invitation"},
		{"rfc 0160", with(func(m map[string]any) { m["@type"] = connInvitationType }), "RFC 0160"},
		{"oob 2.0", with(func(m map[string]any) { m["@type"] = oobV2InvitationType }), "DIDComm v2"},
		{"wrong shape", with(func(m map[string]any) { m["services"] = "everywhere" }), "shape"},
		{"no id", with(func(m map[string]any) { delete(m, "@id") }), "no @id"},
		{"no handshake", with(func(m map[string]any) { delete(m, "handshake_protocols") }), "no handshake protocol"},
		{"connections only", with(func(m map[string]any) {
			m["handshake_protocols"] = []any{"https://didcomm.org/connections/1.0"}
		}), "DID Exchange 1.0"},
		{"no services", with(func(m map[string]any) { m["services"] = []any{} }), "no service"},
		{"service not a DID", with(func(m map[string]any) { m["services"] = []any{"example.com"} }), "neither a DID nor a service"},
		{"service a number", with(func(m map[string]any) { m["services"] = []any{7} }), "neither a DID nor a service"},
		{"no recipient keys", service(func(s map[string]any) { delete(s, "recipientKeys") }), "no recipientKeys"},
		{"empty recipient key", service(func(s map[string]any) { s["recipientKeys"] = []any{""} }), "recipient key"},
		{"no endpoint", service(func(s map[string]any) { delete(s, "serviceEndpoint") }), "no serviceEndpoint"},
		{"endpoint not a URL", service(func(s map[string]any) { s["serviceEndpoint"] = "somewhere" }), "not a URL"},
		{"ftp endpoint", service(func(s map[string]any) { s["serviceEndpoint"] = "ftp://issuer.example/" }), "not an http or https URL"},
		{"too large", bytes.Repeat([]byte("a"), MaxInvitationBytes+1), "at most"},
		{"image without a code", blankPNG(t), "no readable QR code"},
		{"qr of junk", qrOf(t, "hello there"), "neither a link"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := ParseInvitation(tc.in)
			require.ErrorIs(t, err, ErrInvalidInvitation)
			require.Nil(t, inv)
			require.Contains(t, err.Error(), tc.says)
		})
	}
}

// blankPNG is a white 64×64 PNG.
func blankPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

// qrOf is a QR code PNG holding text.
func qrOf(t testing.TB, text string) []byte {
	t.Helper()
	b, _, err := qr.PNG(text)
	require.NoError(t, err)
	return b
}

// FuzzParseInvitation checks that no input makes ParseInvitation panic and
// that what it accepts has an id and services.
func FuzzParseInvitation(f *testing.F) {
	raw, _ := json.Marshal(invitationDoc())
	f.Add(raw)
	f.Add([]byte("https://issuer.example/?oob=" + base64.RawURLEncoding.EncodeToString(raw)))
	f.Add([]byte(`{"@type":"https://didcomm.org/out-of-band/1.0/invitation","services":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := ParseInvitation(data)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidInvitation)
			return
		}
		require.NotEmpty(t, inv.ID)
		require.NotEmpty(t, inv.inv.Services)
	})
}
