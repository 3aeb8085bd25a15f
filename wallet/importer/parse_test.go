package importer

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		encoding Encoding
	}{
		{"simple.json", FormatJSON, EncodingJSON},
		{"complete.json", FormatJSON, EncodingJSON},
		{"simple-did-key-method.json", FormatJSON, EncodingJSON},
		{"simple-err-expired.json", FormatJSON, EncodingJSON},
		{"simple-err-proof-value.json", FormatJSON, EncodingJSON},
		{"simple-noproof.json", FormatJSON, EncodingJSON},
		{"simple_v1.json", FormatJSON, EncodingJSON},
		{"simple.jwt", FormatJWT, EncodingJWT},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := ob30(t, tt.file)
			items, err := Parse(tt.file, data, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			it := items[0]
			require.Equal(t, tt.format, it.Format)
			require.Equal(t, tt.encoding, it.Encoding)
			require.Equal(t, 0, it.Index)
			require.False(t, it.FromPresentation)
			// Raw is the credential as found: the file minus surrounding whitespace.
			require.Equal(t, string(bytes.TrimSpace(data)), string(it.Raw))
		})
	}
}

func TestParseDetectsByContentNotName(t *testing.T) {
	img, err := BakePNG(encodePNG(t), ob30(t, "simple.json"))
	require.NoError(t, err)
	tests := []struct {
		name   string
		data   []byte
		format Format
	}{
		{"badge.png", ob30(t, "simple.json"), FormatJSON},
		{"credential.json", ob30(t, "simple.jwt"), FormatJWT},
		{"credential.json", img, FormatPNG},
		{"", ob30(t, "simple.json"), FormatJSON},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s as %s", tt.format, tt.name), func(t *testing.T) {
			items, err := Parse(tt.name, tt.data, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, tt.format, items[0].Format)
		})
	}
}

func TestParseTolerantOfWrapping(t *testing.T) {
	jwt := bytes.TrimSpace(ob30(t, "simple.jwt"))
	cred := bytes.TrimSpace(ob30(t, "simple.json"))
	tests := []struct {
		name string
		data []byte
		want []byte
	}{
		{"JWT with CRLF and spaces", append(append([]byte(" \r\n"), jwt...), "\r\n\r\n"...), jwt},
		{"JWT as a JSON string", []byte(`"` + string(jwt) + `"`), jwt},
		{"JSON with a UTF-8 BOM", append([]byte("\xef\xbb\xbf"), cred...), cred},
		{"JSON with trailing newlines", append(append([]byte{}, cred...), "\n\n"...), cred},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("x", tt.data, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, string(tt.want), string(items[0].Raw))
		})
	}
}

func TestParseRawDoesNotAliasInput(t *testing.T) {
	data := ob30(t, "simple.json")
	items, err := Parse("simple.json", data, DefaultLimits())
	require.NoError(t, err)
	want := string(items[0].Raw)
	for i := range data {
		data[i] = 'x'
	}
	require.Equal(t, want, string(items[0].Raw))
}

func TestParsePresentations(t *testing.T) {
	simple := bytes.TrimSpace(ob30(t, "simple.json"))
	complete := bytes.TrimSpace(ob30(t, "complete.json"))
	jwt := bytes.TrimSpace(ob30(t, "simple.jwt"))
	vcJOSE := signJWS(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt"}, map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"},
		"type":     []string{"VerifiableCredential"},
		"issuer":   "did:example:issuer", "credentialSubject": map[string]any{"id": "did:example:me"},
	})
	vp := func(elements string) []byte {
		return []byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],` +
			`"holder":"did:example:me","verifiableCredential":` + elements + `,"proof":{"type":"DataIntegrityProof"}}`)
	}
	enveloped := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"EnvelopedVerifiableCredential",` +
		`"id":"data:application/vc+jwt,` + string(vcJOSE) + `"}`

	type want struct {
		format   Format
		encoding Encoding
		raw      []byte
	}
	tests := []struct {
		name string
		data []byte
		want []want
	}{
		{
			name: "JSON presentation with objects and a JWT",
			data: vp("[\n  " + string(simple) + ",\n  \"" + string(jwt) + "\",\n  " + string(complete) + "\n]"),
			want: []want{{FormatJSON, EncodingJSON, simple}, {FormatJWT, EncodingJWT, jwt}, {FormatJSON, EncodingJSON, complete}},
		},
		{
			name: "JSON presentation with a single credential object",
			data: vp(string(simple)),
			want: []want{{FormatJSON, EncodingJSON, simple}},
		},
		{
			name: "JSON presentation with an enveloped credential",
			data: vp("[" + enveloped + "]"),
			want: []want{{FormatJWT, EncodingJWT, vcJOSE}},
		},
		{
			name: "VP-JWT with a vp claim",
			data: signJWS(t, map[string]any{"alg": "EdDSA", "typ": "JWT"}, map[string]any{
				"iss": "did:example:me",
				"vp": map[string]any{
					"@context":             []string{"https://www.w3.org/2018/credentials/v1"},
					"type":                 []string{"VerifiablePresentation"},
					"verifiableCredential": []string{string(jwt), string(vcJOSE)},
				},
			}),
			want: []want{{FormatJWT, EncodingJWT, jwt}, {FormatJWT, EncodingJWT, vcJOSE}},
		},
		{
			name: "VC-JOSE 2.0 presentation (typ vp+jwt)",
			data: signJWS(t, map[string]any{"alg": "EdDSA", "typ": "vp+jwt"}, map[string]any{
				"@context":             []string{"https://www.w3.org/ns/credentials/v2"},
				"type":                 "VerifiablePresentation",
				"verifiableCredential": []any{map[string]any{"id": "data:application/vc+jwt," + string(vcJOSE), "type": "EnvelopedVerifiableCredential"}},
			}),
			want: []want{{FormatJWT, EncodingJWT, vcJOSE}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("shared.json", tt.data, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, len(tt.want))
			for i, w := range tt.want {
				require.Equal(t, w.format, items[i].Format, "item %d", i)
				require.Equal(t, w.encoding, items[i].Encoding, "item %d", i)
				require.Equal(t, string(w.raw), string(items[i].Raw), "item %d", i)
				require.Equal(t, i, items[i].Index)
				require.True(t, items[i].FromPresentation)
			}
		})
	}
}

func TestParseLists(t *testing.T) {
	simple := bytes.TrimSpace(ob30(t, "simple.json"))
	v1 := bytes.TrimSpace(ob30(t, "simple_v1.json"))
	jwt := bytes.TrimSpace(ob30(t, "simple.jwt"))
	data := []byte("[" + string(simple) + ", \"" + string(jwt) + "\",\n" + string(v1) + "]\n")
	items, err := Parse("export.json", data, DefaultLimits())
	require.NoError(t, err)
	want := [][]byte{simple, jwt, v1}
	require.Len(t, items, len(want))
	for i, w := range want {
		require.Equal(t, string(w), string(items[i].Raw))
		require.Equal(t, i, items[i].Index)
		require.False(t, items[i].FromPresentation)
	}
	require.Equal(t, FormatJWT, items[1].Format)

	// Three credentials where two are allowed.
	_, err = Parse("export.json", data, Limits{MaxCredentials: 2})
	require.ErrorIs(t, err, ErrTooLarge)
	require.Contains(t, err.Error(), "more than 2 credentials")
}

func TestParseEnvelopedCredential(t *testing.T) {
	jws := signJWS(t, map[string]any{"alg": "EdDSA"}, map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiableCredential",
		"credentialSubject": map[string]any{"id": "did:example:me"},
	})
	data := []byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,` + string(jws) + `"}`)
	items, err := Parse("enveloped.json", data, DefaultLimits())
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, FormatJWT, items[0].Format)
	require.Equal(t, string(jws), string(items[0].Raw))
}

func TestParseVectorsFrom1EdTech(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		encoding Encoding
		id       string // the credential id the vector carries
	}{
		{"ob30-simple-json.png", FormatPNG, EncodingJSON, "http://example.com/credentials/3527"},
		{"ob30-simple-jwt.png", FormatPNG, EncodingJWT, "http://example.com/credentials/3527"},
		{"ob30-simple-json.svg", FormatSVG, EncodingJSON, "http://example.com/credentials/3527"},
		{"ob30-simple-jwt.svg", FormatSVG, EncodingJWT, "http://example.com/credentials/3527"},
		{"ob30-simple-jwt_v1.svg", FormatSVG, EncodingJWT, "http://example.edu/credentials/3732"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := Parse(tt.file, vector(t, tt.file), DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			it := items[0]
			require.Equal(t, tt.format, it.Format)
			require.Equal(t, tt.encoding, it.Encoding)
			if it.Encoding == EncodingJSON {
				require.Equal(t, tt.id, jsonField(t, it.Raw, "id"))
				return
			}
			claims := jwsPayload(t, it.Raw)
			if vc, ok := claims["vc"].(map[string]any); ok {
				claims = vc
			}
			require.Equal(t, tt.id, claims["id"])
		})
	}
}

func TestParseOpenBadges2(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		format   Format
		encoding Encoding
	}{
		{"ob20-simple-badge.png", vector(t, "ob20-simple-badge.png"), FormatPNG, EncodingJSON},
		{"ob20-simple.jwt", vector(t, "ob20-simple.jwt"), FormatJWT, EncodingJWT},
		{"assertion.json", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","recipient":{"identity":"a@b.c"},"badge":"https://example.org/b"}`), FormatJSON, EncodingJSON},
		{"list.json", []byte(`[{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","recipient":{"identity":"a@b.c"},"badge":"https://example.org/b"}]`), FormatJSON, EncodingJSON},
		{"signed.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="` +
			strings.TrimSpace(string(vector(t, "ob20-simple.jwt"))) + `"/></svg>`), FormatSVG, EncodingJWT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse(tt.name, tt.data, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, FamilyOB2, items[0].Family)
			require.Equal(t, tt.format, items[0].Format)
			require.Equal(t, tt.encoding, items[0].Encoding)
		})
	}
}

func TestParseRefusesOpenBadges2(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"hosted.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/assertion.json"/></svg>`),
			"only the web address of a hosted Open Badges 2.0 assertion"},
		{"vp.json", []byte(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":["VerifiablePresentation"],"verifiableCredential":[{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","recipient":{"identity":"a@b.c"},"badge":"https://example.org/b"}]}`),
			"which a presentation cannot carry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse(tt.name, tt.data, DefaultLimits())
			require.Nil(t, items)
			require.ErrorIs(t, err, ErrOpenBadges2)
			require.ErrorIs(t, err, ErrUnrecognised)
			require.Contains(t, err.Error(), tt.name+": ")
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseOpenBadges2NotAssertion(t *testing.T) {
	_, err := Parse("badge.json", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://example.org/b","name":"B"}`), DefaultLimits())
	require.ErrorIs(t, err, ErrNoCredential)
	require.Contains(t, err.Error(), "not an assertion")
}

func TestParseAcceptsOB3InOB2Slot(t *testing.T) {
	// An Open Badges 3.0 credential under the 2.0 PNG keyword is still a 3.0 credential.
	jwt := bytes.TrimSpace(ob30(t, "simple.jwt"))
	chunk, err := itxtChunk(keywordOB2, jwt, false)
	require.NoError(t, err)
	items, err := Parse("old-keyword.png", insertBeforeIEND(t, encodePNG(t), chunk), DefaultLimits())
	require.NoError(t, err)
	require.Len(t, items, 1)
	require.Equal(t, FormatPNG, items[0].Format)
	require.Equal(t, string(jwt), string(items[0].Raw))
}

// nested returns n opening brackets, a value and n closing brackets.
func nested(n int, open, inner, close string) []byte {
	return []byte(strings.Repeat(open, n) + inner + strings.Repeat(close, n))
}

func jpegBytes(t *testing.T) []byte {
	var buf bytes.Buffer
	require.NoError(t, jpeg.Encode(&buf, testImage(), nil))
	return buf.Bytes()
}

func TestParseRefuses(t *testing.T) {
	plain := encodePNG(t)
	simple := bytes.TrimSpace(ob30(t, "simple.json"))
	baked, err := BakePNG(plain, simple)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(rng.UintN(256))
	}
	garbage[0] = 0x00 // not a PNG, JSON, XML or JPEG start
	deepCred := []byte(`{"@context":[],"type":"VerifiableCredential","credentialSubject":` + string(nested(100, `{"a":`, "1", "}")) + `}`)
	deepChunk, err := itxtChunk(keywordOB3, deepCred, false)
	require.NoError(t, err)
	bomb, err := itxtChunk(keywordOB3, bytes.Repeat([]byte(" "), 3<<20), true)
	require.NoError(t, err)
	twice := insertBeforeIEND(t, baked, mustITXt(t, keywordOB3, simple))
	badCRC := bytes.Clone(baked)
	badCRC[bytes.Index(badCRC, []byte("VerifiableCredential"))] ^= 0x20
	notVC := signJWS(t, map[string]any{"alg": "RS256", "typ": "JWT"}, map[string]any{"iss": "https://id.example", "sub": "me", "aud": "app"})
	unsigned := signJWS(t, map[string]any{"alg": "none"}, map[string]any{"vc": map[string]any{"type": "VerifiableCredential"}})

	tests := []struct {
		name    string
		data    []byte
		lim     Limits
		kind    error
		message string
	}{
		{"empty.json", nil, Limits{}, ErrEmpty, "file is empty"},
		{"blank.json", []byte(" \n\t\r\n"), Limits{}, ErrEmpty, "only whitespace"},
		{"big.json", append(append([]byte{}, simple...), bytes.Repeat([]byte(" "), 1<<20)...), Limits{MaxBytes: 1 << 20}, ErrTooLarge, "bytes allowed"},
		{"deep-arrays.json", nested(10000, "[", "", "]"), Limits{}, ErrTooDeep, "more than 64 levels"},
		{"deep-objects.json", nested(10000, `{"a":`, "1", "}"), Limits{}, ErrTooDeep, "more than 64 levels"},
		{"deep-unclosed.json", []byte(strings.Repeat("[", 1<<20)), Limits{}, ErrTooDeep, "levels deep"},
		{"deep-beyond-decoder.json", nested(200000, "[", "", "]"), Limits{MaxDepth: 1 << 30}, ErrCorrupt, "not valid JSON"},
		{"deep-in-credential.json", deepCred, Limits{MaxDepth: 64}, ErrTooDeep, "levels deep"},
		{"deep-in-png.png", insertBeforeIEND(t, plain, deepChunk), Limits{MaxDepth: 64}, ErrTooDeep, "levels deep"},
		{"deep.jwt", signJWS(t, map[string]any{"alg": "EdDSA"}, map[string]any{"vc": nestedValue(80)}), Limits{}, ErrTooDeep, "JWT payload"},
		{"deep.svg", []byte(`<svg>` + strings.Repeat("<g>", 5000) + strings.Repeat("</g>", 5000) + `</svg>`), Limits{}, ErrTooDeep, "SVG nests"},
		{"garbage.bin", garbage, Limits{}, ErrUnrecognised, "not a format the wallet can import"},
		{"photo.jpg", jpegBytes(t), Limits{}, ErrUnrecognised, "JPEG image"},
		{"scan.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), Limits{}, ErrUnrecognised, "PDF"},
		{"badges.zip", []byte("PK\x03\x04\x14\x00\x00\x00"), Limits{}, ErrUnrecognised, "ZIP archive"},
		{"link.txt", []byte("https://badges.example.org/assertions/123\n"), Limits{}, ErrUnrecognised, "web address"},
		{"photo.png", plain, Limits{}, ErrNoCredential, `PNG has no baked Open Badges credential (iTXt chunk "openbadgecredential")`},
		{"bad-crc.png", badCRC, Limits{}, ErrCorrupt, "fails its checksum"},
		{"truncated.png", baked[:len(baked)-20], Limits{}, ErrCorrupt, "truncated"},
		{"signature-only.png", []byte("\x89PNG\r\n"), Limits{}, ErrCorrupt, "signature"},
		{"twice.png", twice, Limits{}, ErrCorrupt, "more than one baked credential"},
		{"bomb.png", insertBeforeIEND(t, plain, bomb), Limits{MaxBytes: 1 << 20}, ErrTooLarge, "inflates to more than"},
		{"not-vc.json", []byte(`{"name":"Ada","skills":["go"]}`), Limits{}, ErrNoCredential, "not a verifiable credential"},
		{"number.json", []byte(`42`), Limits{}, ErrUnrecognised, "not a format"},
		{"empty-list.json", []byte(`[]`), Limits{}, ErrNoCredential, "empty JSON list"},
		{"list-of-junk.json", []byte(`[` + string(simple) + `, 7]`), Limits{}, ErrNoCredential, "element 1 of the list"},
		{"empty-vp.json", []byte(`{"type":"VerifiablePresentation","verifiableCredential":[]}`), Limits{}, ErrNoCredential, "holds no credentials"},
		{"vp-no-vc.json", []byte(`{"type":["VerifiablePresentation"]}`), Limits{}, ErrNoCredential, "holds no credentials"},
		{"nested-vp.json", []byte(`{"type":"VerifiablePresentation","verifiableCredential":[{"type":"VerifiablePresentation"}]}`), Limits{}, ErrNoCredential, "presentations inside"},
		{"invalid.json", []byte(`{"type": "VerifiableCredential",}`), Limits{}, ErrCorrupt, "not valid JSON"},
		{"two-values.json", append(append([]byte{}, simple...), simple...), Limits{}, ErrCorrupt, "more data after the JSON value"},
		{"latin1.json", []byte("{\"name\":\"caf\xe9\"}"), Limits{}, ErrCorrupt, "not valid UTF-8"},
		{"id-token.jwt", notVC, Limits{}, ErrNoCredential, "does not carry a verifiable credential"},
		{"unsigned.jwt", unsigned, Limits{}, ErrNoCredential, "unsigned"},
		{"not-json.jwt", []byte("aGVsbG8.d29ybGQ.c2ln"), Limits{}, ErrUnrecognised, "not a JSON object"},
		{"sd.jwt", append(append([]byte{}, bytes.TrimSpace(ob30(t, "simple.jwt"))...), "~WyJzYWx0Il0~"...), Limits{}, ErrUnrecognised, "SD-JWT"},
		{"plain.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`), Limits{}, ErrNoCredential, "SVG has no baked Open Badges credential"},
		{"page.html", []byte("<!DOCTYPE html><html><body><p>hi<br></body></html>"), Limits{}, ErrUnrecognised, "not an SVG image"},
		{"feed.xml", []byte(`<?xml version="1.0"?><rss><channel/></rss>`), Limits{}, ErrUnrecognised, "root element <rss>"},
		{"broken.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`), Limits{}, ErrCorrupt, "not well-formed XML"},
		{"entity.svg", []byte(`<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg><openbadges:credential>&a;</openbadges:credential></svg>`), Limits{}, ErrCorrupt, "not well-formed XML"},
		{"two.svg", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="a.b.c"/><openbadges:credential verify="a.b.c"/></svg>`), Limits{}, ErrCorrupt, "more than one baked credential"},
		{"both.svg", []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="a.b.c">{}</openbadges:credential></svg>`), Limits{}, ErrCorrupt, "both a verify attribute and content"},
		{"latin1.svg", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?><svg/>`), Limits{}, ErrUnrecognised, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse(tt.name, tt.data, tt.lim)
			require.Nil(t, items)
			require.ErrorIs(t, err, tt.kind)
			var e *Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.name, e.Name)
			require.True(t, strings.HasPrefix(err.Error(), tt.name+": "), err.Error())
			require.Contains(t, err.Error(), tt.message)
		})
	}
}

// nestedValue is a JSON value nested n levels deep.
func nestedValue(n int) any {
	var v any = 1
	for i := 0; i < n; i++ {
		v = []any{v}
	}
	return v
}

func mustITXt(t *testing.T, keyword string, text []byte) []byte {
	t.Helper()
	c, err := itxtChunk(keyword, text, false)
	require.NoError(t, err)
	return c
}

func TestParseErrorWording(t *testing.T) {
	// The message a learner sees for a photo without a badge, word for word.
	_, err := Parse("photo.png", encodePNG(t), DefaultLimits())
	require.EqualError(t, err, `photo.png: PNG has no baked Open Badges credential (iTXt chunk "openbadgecredential"); `+
		`export the badge from your issuer as a baked PNG, JSON or JWT`)
	_, err = Parse("", nil, DefaultLimits())
	require.EqualError(t, err, "input: file is empty; export the badge from your issuer as a baked PNG, JSON or JWT")
}

func TestParseErrorUnwrapsCause(t *testing.T) {
	_, err := Parse("invalid.json", []byte(`{"a":}`), DefaultLimits())
	require.ErrorIs(t, err, ErrCorrupt)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Error(t, e.Err)
	require.True(t, errors.Is(err, e.Err))
}

func TestLimitsDefaults(t *testing.T) {
	d := DefaultLimits()
	require.Equal(t, Limits{MaxBytes: 8 << 20, MaxDepth: 64, MaxCredentials: 1000}, d)
	require.Equal(t, d, Limits{}.withDefaults())
	require.Equal(t, d, Limits{MaxBytes: -1, MaxDepth: -1, MaxCredentials: -1}.withDefaults())
	require.Equal(t, Limits{MaxBytes: 5, MaxDepth: 64, MaxCredentials: 1000}, Limits{MaxBytes: 5}.withDefaults())

	// A zero Limits really applies the defaults: just over 8 MiB is refused.
	over := append(bytes.TrimSpace(ob30(t, "simple.json")), bytes.Repeat([]byte(" "), 8<<20)...)
	_, err := Parse("over.json", over, Limits{})
	require.ErrorIs(t, err, ErrTooLarge)
	items, err := Parse("over.json", over, Limits{MaxBytes: 9 << 20})
	require.NoError(t, err)
	require.Len(t, items, 1)
}

// sample reads a public sample of /work/main/testdata (ob20, clr20, europass).
func sample(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", filepath.FromSlash(path)))
	require.NoError(t, err)
	return b
}

func TestParseOtherFormatSamples(t *testing.T) {
	tests := []struct {
		file     string
		family   Family
		format   Format
		encoding Encoding
		prefix   string // how Raw starts
	}{
		{"ob20/simple.jwt", FamilyOB2, FormatJWT, EncodingJWT, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9."},
		{"ob20/basic-assertion.json", FamilyOB2, FormatJSON, EncodingJSON, "{"},
		{"ob20/simple-badge.png", FamilyOB2, FormatPNG, EncodingJSON, `{"@context":"https://w3id.org/openbadges/v2"`},
		{"clr20/simple.json", FamilyVC, FormatJSON, EncodingJSON, "{"},
		{"clr20/simple.jwt", FamilyVC, FormatJWT, EncodingJWT, "eyJ"},
		{"europass/Sample-MC-Annex1-signed.jsonld", FamilyJAdES, FormatJSON, EncodingJSON, `{"payload":`},
		// The Europass upload wrapper gives the credential inside.
		{"europass/Sample-CertOfPart-unsigned-uploadable.json", FamilyVC, FormatJSON, EncodingJSON, `{"id":"urn:credential:`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			items, err := Parse(tt.file, sample(t, tt.file), DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			it := items[0]
			require.Equal(t, tt.family, it.Family)
			require.Equal(t, tt.format, it.Format)
			require.Equal(t, tt.encoding, it.Encoding)
			require.True(t, bytes.HasPrefix(it.Raw, []byte(tt.prefix)), "%.80s", it.Raw)
		})
	}
}

func TestParseJAdESNeedsCredentialPayload(t *testing.T) {
	_, err := Parse("seal.json", []byte(`{"payload":"{\"a\":1}","signatures":[{"protected":"e30","signature":"AA"}]}`), DefaultLimits())
	require.ErrorIs(t, err, ErrNoCredential)
}
