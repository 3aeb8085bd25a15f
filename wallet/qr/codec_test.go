package qr_test

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// roundTrip encodes doc, decodes the text, and requires the same parsed
// value (numbers as written) and a stable second round.
func roundTrip(t *testing.T, doc []byte) string {
	t.Helper()
	text, err := qr.Encode(doc)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(text, qr.Prefix))
	require.Empty(t, strings.Trim(text, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
		"the payload must be QR alphanumeric")
	out, err := qr.Decode(text)
	require.NoError(t, err)
	require.Equal(t, parseExact(t, doc), parseExact(t, out))

	again, err := qr.Encode(out)
	require.NoError(t, err)
	out2, err := qr.Decode(again)
	require.NoError(t, err)
	require.Equal(t, string(out), string(out2))
	return text
}

// TestRoundTripFixtures round-trips the 1EdTech Open Badges 3.0 vectors.
func TestRoundTripFixtures(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "ob30", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := os.ReadFile(f)
			require.NoError(t, err)
			text := roundTrip(t, doc)
			require.Less(t, len(text), len(doc))
		})
	}
}

// TestRoundTripValues covers every form a value can take, and near misses
// of the binary forms, which must stay text.
func TestRoundTripValues(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"numbers as written", `{"a":1,"b":1.0,"c":-0,"d":1e5,"e":1E-7,"f":123456789012345678901234567890,"g":0.1,"h":-12.50,"i":[0,-1,2.5e+3]}`},
		{"strings that look like numbers", `{"a":"5","b":"1.0","c":"-","d":""}`},
		{"dates", `{"a":"2010-01-01T00:00:00Z","b":"2010-01-01T00:00:00.000Z","c":"2010-01-01T00:00:00.5Z",
			"d":"2010-01-01T00:00:00.123456789Z","e":"1969-07-20T20:17:40Z","f":"0001-01-01T00:00:00Z",
			"g":"9999-12-31T23:59:59.999Z","h":"2010-01-01T00:00:00.050Z",
			"i":"2010-01-01","j":"1969-12-31","k":"0001-01-01","l":"9999-12-31","m":"1970-01-01"}`},
		{"dates that stay text", `{"a":"2010-01-01T00:00:00+01:00","b":"2010-02-30T00:00:00Z","c":"2010-01-01T00:00:00.0000000000Z",
			"d":"2010-01-01t00:00:00z","e":"2010-1-01","f":"2010-01-01T24:00:00Z","g":"2010-01-01T00:00:60Z","h":"2010-01-01T00:00:00.Z",
			"i":"+2010-01-01T00:00:00Z","j":"2010-01-01T00:00:00.-5Z","k":"2010-01-01T00:00:00.+5Z","l":"10000-01-01T00:00:00Z",
			"m":"2010-01-01 ","n":"2010-02-29","o":"10000-01-01","p":"-0001-01-01"}`},
		{"did:key", `{"a":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			"b":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			"c":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#key-1",
			"d":"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doL",
			"e":"did:key:z0OIl","f":"did:key:z","g":"did:key:z11111111","h":"did:key:zABC#zABC#zABC","i":"did:key:z6Mk?x=1"}`},
		{"multibase", `{"a":"z5C4j5hs2Z3MNLwvnHaLLoxrM8hs2QMYiySdpgaDpHqYf","b":"z","c":"zebra","d":"uAQID","e":"u","f":"uAAA=","g":"u+/8","h":"z111"}`},
		{"UUIDs", `{"a":"urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10","b":"urn:uuid:2F7A3C2E-6D0B-4A1E-9F53-1C3F2B8E7D10",
			"c":"urn:uuid:2f7a3c2e6d0b4a1e9f531c3f2b8e7d10","d":"urn:uuid:","e":"urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d1g",
			"f":"urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d1","g":"urn:uuid:2f7a3c2e--d0b-4a1e-9f53-1c3f2b8e7d10"}`},
		{"base64", `{"a":"SGVsbG8gV29ybGQgb2YgY3JlZGVudGlhbHM=","b":"SGVsbG8gV29ybGQgb2YgY3JlZGVudGlhbHM","c":"ABkB_-F_hnJVlWybiIoeC0sEFLsJSJ-t6X2O",
			"d":"ABkB/+F/hnJVlWybiIoeC0sEFLsJSJ+t6X2OcG43iuZRfBcxRFHHiA+hsl5/yl6zO79FTZduoqnCYgifNSOBCBN3n1YcUFQPzErk4xVTXrL5P6Yv490RPC+vPBzUkLVMMMVgBlg8sZR6UEgE4kcyKh19F1ZfaiT0VQ7LY8+PooWCxufyOfNXLaFxIMr29ySFi4vX+5uSAAAAdA==",
			"e":"SGVsbG8=","f":"SGVsbG9=","g":"abcd","h":"ab=="}`},
		{"dictionary terms as keys and values", `{"id":"id","type":["VerifiableCredential","OpenBadgeCredential","NotATerm"],
			"@context":["https://www.w3.org/ns/credentials/v2"],"proofPurpose":"assertionMethod","notATerm":"authentication","":"empty key"}`},
		{"structure", `{"a":[],"b":{},"c":null,"d":true,"e":false,"f":[[[[]]],{"g":[null,{}]}],"h":[1,"1",true,null]}`},
		{"text", `{"a":"naïve ☕ 🎓","b":"<a href=\"x\">&amp;</a>","c":"\u2028\u2029","d":"\u0000\t\n\"\\","e":"\ud83c\udf93"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			roundTrip(t, []byte(tt.doc))
		})
	}
}

// TestBinaryForms: the binary forms make their strings smaller than text
// would be; strings without a binary form cost exactly their text.
func TestBinaryForms(t *testing.T) {
	// textSize is the CBOR size of {"k": s} with s as text: map head, key
	// "k" (2 bytes), text head and s.
	textSize := func(s string) int {
		head := 1
		switch {
		case len(s) >= 24 && len(s) < 256:
			head = 2
		case len(s) >= 256:
			head = 3
		}
		return 1 + 2 + head + len(s)
	}
	size := func(s string) int {
		c, err := qr.EncodeCBOR(mustJSON(t, map[string]string{"k": s}))
		require.NoError(t, err)
		return len(c)
	}
	for _, s := range []string{
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"z41ZsNkz78FHSGkAD5J4b8EN49DkywMMJSL3UdUNffbsCAWmTLPvtnJpd3JGGooYX7TNrzgsTLkXUWiGsRRZ788ML",
		"uZGVyaXZhdGlvbiBub25jZSAxZGVyaXZhdGlvbiBub25jZSAx",
		"urn:uuid:2f7a3c2e-6d0b-4a1e-9f53-1c3f2b8e7d10",
		"2010-01-01T19:23:24Z",
		"2010-01-01T19:23:24.123Z",
		"2010-01-01",
		"ZGVyaXZhdGlvbiBub25jZSAxZGVyaXZhdGlvbiBub25jZSAx",
		"ZGVyaXZhdGlvbiBub25jZSAxZGVyaXZhdGlvbiBub25jZSA=",
	} {
		require.Less(t, size(s), textSize(s), s)
	}
	for _, s := range []string{"Teamwork Badge", "https://example.com/issuers/876543", "did:web:example.com", "abcd"} {
		require.Equal(t, textSize(s), size(s), s)
	}
	// A dictionary value is its number: 1 byte below 24, 2 bytes below 256.
	require.Equal(t, 1+2+1, size(qr.Terms[0]))
	require.Equal(t, 1+2+2, size(qr.Terms[24]))
}

// TestEncodeRefuses: Encode takes exactly one JSON object within the limits.
func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		doc  []byte
		want error
	}{
		{"empty", nil, qr.ErrNotJSON},
		{"array", []byte(`[]`), qr.ErrNotJSON},
		{"string", []byte(`"{}"`), qr.ErrNotJSON},
		{"unterminated", []byte(`{"a":`), qr.ErrNotJSON},
		{"two objects", []byte(`{"a":1}{"b":2}`), qr.ErrNotJSON},
		{"repeated key", []byte(`{"a":{"b":1,"b":2}}`), qr.ErrNotJSON},
		{"bad number", []byte(`{"a":01}`), qr.ErrNotJSON},
		{"too deep", nested(qr.MaxDepth + 1), qr.ErrLimit},
		{"too many values", manyValues(qr.MaxItems + 1), qr.ErrLimit},
		{"too large", append(append([]byte(`{"a":"`), bytes.Repeat([]byte("x"), qr.MaxJSONBytes)...), `"}`...), qr.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := qr.Encode(tt.doc)
			require.ErrorIs(t, err, tt.want)
		})
	}
	// Right at the limits it works.
	roundTrip(t, nested(qr.MaxDepth))
	roundTrip(t, manyValues(qr.MaxItems))
}

// nested returns an object nested depth deep (the document is depth 1),
// with a date at the bottom (dates are CBOR tags, one more level).
func nested(depth int) []byte {
	return []byte(strings.Repeat(`{"a":`, depth-1) + `{"d":"2010-01-01T00:00:00Z"}` + strings.Repeat("}", depth-1))
}

// manyValues returns an object with one key holding an array of n-3
// values (n values in all, counting the object, its key and the array):
// a thousand dates (a CBOR tag and its content count as one item), then
// nulls.
func manyValues(n int) []byte {
	dates := min(n-3, 1000)
	return []byte(`{"a":[` + strings.Repeat(`"2010-01-01T00:00:00Z",`, dates) +
		strings.TrimSuffix(strings.Repeat("null,", n-3-dates), ",") + `]}`)
}

// payload makes SP1 text of raw CBOR, compressed as Encode does.
func payload(t testing.TB, cbor []byte) string {
	t.Helper()
	return qr.Prefix + qr.Base45Encode(deflate(t, cbor))
}

func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriterDict(&buf, flate.BestCompression, []byte(qr.FlateDict))
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// deepCBOR is a map nested depth deep: {0: {0: ... {0: null}}}.
func deepCBOR(depth int) []byte {
	return append(bytes.Repeat([]byte{0xa1, 0x00}, depth), 0xf6)
}

// TestDecodeRefuses: hostile and broken payloads are refused with the
// reason, never with a panic.
func TestDecodeRefuses(t *testing.T) {
	valid, err := qr.Encode([]byte(`{"a":1}`))
	require.NoError(t, err)
	body := deflate(t, []byte{0xa1, 0x61, 'a', 0x42, 0x05, '1'})
	manyNulls := append([]byte{0xa1, 0x00, 0x99, 0xea, 0x60}, bytes.Repeat([]byte{0xf6}, 60000)...)

	tests := []struct {
		name string
		text string
		want error
		msg  string
	}{
		{"empty", "", qr.ErrNotPayload, `does not start with "SP1:"`},
		{"another format", "HC1:6BFOXN%TS3DH0YOJ58S", qr.ErrNotPayload, ""},
		{"lower case prefix", strings.ToLower(valid[:4]) + valid[4:], qr.ErrNotPayload, ""},
		{"a newer version", "SP2:" + valid[4:], qr.ErrUnsupportedVersion, "SP2 (this Skillpass reads SP1); update Skillpass"},
		{"a much newer version", "SP10:ABC", qr.ErrUnsupportedVersion, "SP10"},
		{"no body", qr.Prefix, qr.ErrCorrupt, ""},
		{"bad base45", qr.Prefix + "GGW", qr.ErrCorrupt, "base45"},
		{"lower case base45", qr.Prefix + strings.ToLower(valid[4:]), qr.ErrCorrupt, "base45"},
		{"not DEFLATE", qr.Prefix + qr.Base45Encode([]byte{0xff, 0xff, 0xff, 0xff}), qr.ErrCorrupt, "decompress"},
		{"truncated", valid[:len(valid)-3], qr.ErrCorrupt, ""},
		{"data after the stream", qr.Prefix + qr.Base45Encode(append(body, 0)), qr.ErrCorrupt, "after the compressed data"},
		{"decompression bomb", payload(t, make([]byte, qr.MaxCBORBytes+1)), qr.ErrLimit, "decompresses to more than"},
		{"too long", qr.Prefix + strings.Repeat("0", qr.MaxTextLen), qr.ErrLimit, "characters"},
		{"deep CBOR", payload(t, deepCBOR(qr.MaxDepth+1)), qr.ErrLimit, "nested deeper"},
		{"very deep CBOR", payload(t, deepCBOR(100_000)), qr.ErrLimit, "nested deeper"},
		{"too many CBOR items", payload(t, manyNulls), qr.ErrLimit, "CBOR items"},
		{"expands too much", payload(t, expandsTo(qr.MaxJSONBytes)), qr.ErrLimit, "expands to more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := qr.Decode(tt.text)
			require.ErrorIs(t, err, tt.want)
			require.Nil(t, out)
			require.Contains(t, err.Error(), tt.msg)
		})
	}
	_, err = qr.Decode(payload(t, deepCBOR(qr.MaxDepth)))
	require.NoError(t, err)
	out, err := qr.Decode(valid + "\r\n")
	require.NoError(t, err, "a trailing line break (as in a text file) is ignored")
	require.JSONEq(t, `{"a":1}`, string(out))
}

// expandsTo returns CBOR whose JSON exceeds n bytes: an array of the longest
// dictionary entry, repeated.
func expandsTo(n int) []byte {
	longest := 0
	for i, s := range qr.Terms {
		if len(s) > len(qr.Terms[longest]) {
			longest = i
		}
	}
	count := n/len(qr.Terms[longest]) + 1
	out := []byte{0xa1, 0x00, 0x9a, byte(count >> 24), byte(count >> 16), byte(count >> 8), byte(count)}
	for range count {
		out = append(out, 0x19, byte(longest>>8), byte(longest))
	}
	return out
}

// TestDecodeCBORRefuses: CBOR that is well formed but does not stand for
// JSON in SP1 is refused.
func TestDecodeCBORRefuses(t *testing.T) {
	key := func(v ...byte) []byte { return append([]byte{0xa1, 0x61, 'k'}, v...) }
	tests := []struct {
		name string
		cbor []byte
		want error
	}{
		{"empty", nil, qr.ErrCorrupt},
		{"not a map", []byte{0x80}, qr.ErrCorrupt},
		{"truncated map", []byte{0xa2, 0x61, 'k', 0xf6}, qr.ErrCorrupt},
		{"truncated string", key(0x78, 0x05, 'a'), qr.ErrCorrupt},
		{"two items", append(key(0xf6), 0xf6), qr.ErrCorrupt},
		{"indefinite array", key(0x9f, 0xf6, 0xff), qr.ErrCorrupt},
		{"reserved head", key(0x1c), qr.ErrCorrupt},
		{"tag 0", key(0xc0, 0x74, '2', '0', '1', '0', '-', '0', '1', '-', '0', '1', 'T', '0', '0', ':', '0', '0', ':', '0', '0', 'Z'), qr.ErrCorrupt},
		{"tag 2 (bignum)", key(0xc2, 0x41, 0x01), qr.ErrCorrupt},
		{"tag 1 around text", key(0xc1, 0x61, 'x'), qr.ErrCorrupt},
		{"tag 1 beyond int64", key(0xc1, 0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), qr.ErrCorrupt},
		{"tag 100 around text", key(0xd8, 0x64, 0x61, 'x'), qr.ErrCorrupt},
		{"tag 100 beyond time", key(0xd8, 0x64, 0x1b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), qr.ErrCorrupt},
		{"tag 100 beyond int64", key(0xd8, 0x64, 0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), qr.ErrCorrupt},
		{"float", key(0xf9, 0x3c, 0x00), qr.ErrCorrupt},
		{"double", key(0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0), qr.ErrCorrupt},
		{"undefined", key(0xf7), qr.ErrCorrupt},
		{"simple value 32", key(0xf8, 0x20), qr.ErrCorrupt},
		{"negative integer", key(0x20), qr.ErrCorrupt},
		{"unknown dictionary entry", key(0x19, 0xff, 0xff), qr.ErrCorrupt},
		{"unknown dictionary key", []byte{0xa1, 0x19, 0xff, 0xff, 0xf6}, qr.ErrCorrupt},
		{"byte string key", []byte{0xa1, 0x41, 0x00, 0xf6}, qr.ErrCorrupt},
		{"repeated key", []byte{0xa2, 0x00, 0xf6, 0x00, 0xf5}, qr.ErrCorrupt},
		{"key as number and as text", []byte{0xa2, 0x00, 0xf6, 0x62, 'i', 'd', 0xf5}, qr.ErrCorrupt},
		{"invalid UTF-8", key(0x62, 0xc3, 0x28), qr.ErrCorrupt},
		{"empty byte string", key(0x40), qr.ErrCorrupt},
		{"unknown kind", key(0x42, 0x63, 0x00), qr.ErrCorrupt},
		{"empty did:key", key(0x41, 0x00), qr.ErrCorrupt},
		{"UUID of 15 bytes", key(append([]byte{0x50, 0x04}, make([]byte, 15)...)...), qr.ErrCorrupt},
		{"number with a space", key(0x43, 0x05, '1', ' '), qr.ErrCorrupt},
		{"number that is text", key(0x43, 0x05, 'a', 'b'), qr.ErrCorrupt},
		{"number 01", key(0x43, 0x05, '0', '1'), qr.ErrCorrupt},
		{"empty number", key(0x41, 0x05), qr.ErrCorrupt},
		{"date of 12 bytes", key(append([]byte{0x4d, 0x06, 3}, make([]byte, 11)...)...), qr.ErrCorrupt},
		{"date with 0 digits", key(append([]byte{0x4e, 0x06, 0}, make([]byte, 12)...)...), qr.ErrCorrupt},
		{"date with 10 digits", key(append([]byte{0x4e, 0x06, 10}, make([]byte, 12)...)...), qr.ErrCorrupt},
		{"date fraction too large", key(append(append([]byte{0x4e, 0x06, 3}, make([]byte, 8)...), 0, 0, 0x03, 0xe8)...), qr.ErrCorrupt},
		{"too large", make([]byte, qr.MaxCBORBytes+1), qr.ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := qr.DecodeCBOR(tt.cbor)
			require.ErrorIs(t, err, tt.want)
			require.Nil(t, out)
		})
	}
}

// TestDecodeGolden decodes SP1 texts made when SP1 was frozen: a Skillpass
// of any later version must read them (printed codes live for years).
func TestDecodeGolden(t *testing.T) {
	tests := []struct{ payload, doc string }{
		{"sp1-simple.txt", filepath.Join("..", "..", "testdata", "ob30", "simple.json")},
		{"sp1-values.txt", "sp1-values.json"},
	}
	for _, tt := range tests {
		t.Run(tt.payload, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("testdata", tt.payload))
			require.NoError(t, err)
			docPath := tt.doc
			if !strings.Contains(docPath, string(filepath.Separator)) {
				docPath = filepath.Join("testdata", docPath)
			}
			want, err := os.ReadFile(docPath)
			require.NoError(t, err)
			got, err := qr.Decode(string(text))
			require.NoError(t, err)
			require.Equal(t, parseExact(t, want), parseExact(t, got))
		})
	}
}

// TestFormatFrozen guards the SP1 dictionaries: changing either changes
// what every printed SP1 code means. Make SP2 instead (see the package
// documentation); do not update these hashes.
func TestFormatFrozen(t *testing.T) {
	terms := sha256.Sum256([]byte(strings.Join(qr.Terms, "\n")))
	dict := sha256.Sum256([]byte(qr.FlateDict))
	require.Equal(t, sp1TermsSHA256, hex.EncodeToString(terms[:]), "the SP1 term dictionary changed")
	require.Equal(t, sp1FlateDictSHA256, hex.EncodeToString(dict[:]), "the SP1 DEFLATE dictionary changed")
}

// Hashes of the SP1 dictionaries as released.
const (
	sp1TermsSHA256     = "0f2297f39e9a39496639476003073111c5835e258d5c044ce27d89b143b73515"
	sp1FlateDictSHA256 = "9cf9f9adc663b0c1841fc2035284c3eb742bed3067edcc402dfddedd8c2e634b"
)

// TestDecodeOutput: Decode writes compact JSON with sorted keys and without
// HTML escaping.
func TestDecodeOutput(t *testing.T) {
	text, err := qr.Encode([]byte(`{ "b": "<&>", "a": [1.50, true] }`))
	require.NoError(t, err)
	out, err := qr.Decode(text)
	require.NoError(t, err)
	require.Equal(t, `{"a":[1.50,true],"b":"<&>"}`, string(out))
	require.True(t, json.Valid(out))
}
