package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateSeeds = flag.Bool("update-seeds", false, "rewrite the named seed files of FuzzParse under testdata/fuzz/FuzzParse")

// fuzzLimits are smaller than the defaults so the fuzzer explores limits too.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxDepth: 32, MaxCredentials: 64}

// sentinels are the kinds every error must wrap.
var sentinels = []error{ErrEmpty, ErrTooLarge, ErrUnrecognised, ErrNoCredential, ErrTooDeep, ErrCorrupt}

// checkParse runs Parse on data and checks the invariants that hold for every
// input: no panic, an *Error wrapping a sentinel or a non-empty list of
// well-formed items, items that do not alias the input, and every item's Raw
// parsing back as exactly itself.
func checkParse(t *testing.T, data []byte) {
	input := bytes.Clone(data)
	items, err := Parse("fuzz", input, fuzzLimits)
	if err != nil {
		require.Nil(t, items)
		var e *Error
		require.ErrorAs(t, err, &e)
		matched := 0
		for _, s := range sentinels {
			if errors.Is(err, s) {
				matched++
			}
		}
		require.Equal(t, 1, matched, "error must wrap exactly one sentinel: %v", err)
		require.True(t, strings.HasPrefix(err.Error(), "fuzz: "), err.Error())
		return
	}
	require.NotEmpty(t, items)
	require.LessOrEqual(t, len(items), fuzzLimits.MaxCredentials)
	raws := make([][]byte, len(items))
	for i, it := range items {
		raws[i] = bytes.Clone(it.Raw)
		require.NotEmpty(t, it.Raw)
		require.LessOrEqual(t, int64(len(it.Raw)), fuzzLimits.MaxBytes)
		switch it.Format {
		case FormatJSON, FormatJWT:
		case FormatPNG, FormatSVG:
			require.False(t, it.FromPresentation)
		default:
			t.Fatalf("item %d has format %q", i, it.Format)
		}
		switch it.Encoding {
		case EncodingJSON:
			require.NotEqual(t, FormatJWT, it.Format)
			require.Equal(t, byte('{'), it.Raw[0])
			require.True(t, json.Valid(it.Raw), "item %d is not valid JSON", i)
		case EncodingJWT:
			require.NotEqual(t, FormatJSON, it.Format)
			require.True(t, looksLikeJWS(it.Raw), "item %d is not a compact JWS", i)
		default:
			t.Fatalf("item %d has encoding %q", i, it.Encoding)
		}
		require.GreaterOrEqual(t, it.Index, 0)

		again, err := Parse("again", it.Raw, fuzzLimits)
		require.NoError(t, err, "item %d does not parse on its own", i)
		require.Len(t, again, 1)
		require.Equal(t, it.Encoding, again[0].Encoding)
		require.Equal(t, string(it.Raw), string(again[0].Raw))
	}
	for i := range input {
		input[i] = 0
	}
	for i, it := range items {
		require.Equal(t, raws[i], it.Raw, "item %d aliases the input", i)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"simple.json", "simple.jwt", "simple_v1.json", "simple-noproof.json"} {
		f.Add(ob30(f, name))
	}
	f.Fuzz(checkParse)
}

// fuzzSeeds builds the named seeds of the committed corpus: the fixtures and
// every container around them, baked images included.
func fuzzSeeds(t testing.TB) map[string][]byte {
	simple := bytes.TrimSpace(ob30(t, "simple.json"))
	noproof := bytes.TrimSpace(ob30(t, "simple-noproof.json"))
	jwt := bytes.TrimSpace(ob30(t, "simple.jwt"))
	plain := encodePNG(t)
	bake := func(b []byte, err error) []byte {
		require.NoError(t, err)
		return b
	}
	compressed := bake(itxtChunk(keywordOB3, noproof, true))
	ob2Slot := bake(itxtChunk(keywordOB2, jwt, false))
	svg := []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>`)
	vcJOSE := signJWS(t, map[string]any{"alg": "EdDSA", "typ": "vc+jwt"}, map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2"}, "type": "VerifiableCredential",
		"credentialSubject": map[string]any{"id": "did:example:me"},
	})
	return map[string][]byte{
		"json-simple":           simple,
		"json-noproof":          noproof,
		"json-v1":               bytes.TrimSpace(ob30(t, "simple_v1.json")),
		"jwt-simple":            jwt,
		"jwt-vc-jose":           vcJOSE,
		"jwt-string":            []byte(`"` + string(jwt) + `"`),
		"jwt-vp":                signJWS(t, map[string]any{"alg": "EdDSA"}, map[string]any{"vp": map[string]any{"type": "VerifiablePresentation", "verifiableCredential": []string{string(jwt)}}}),
		"jwt-ob2":               vector(t, "ob20-simple.jwt"),
		"vp-json":               []byte(`{"type":["VerifiablePresentation"],"verifiableCredential":[` + string(noproof) + `,"` + string(jwt) + `"]}`),
		"vp-enveloped":          []byte(`{"type":"VerifiablePresentation","verifiableCredential":{"type":"EnvelopedVerifiableCredential","id":"data:application/vc+jwt,` + string(vcJOSE) + `"}}`),
		"list-json":             []byte(`[` + string(noproof) + `,"` + string(jwt) + `"]`),
		"json-ob2":              []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion","recipient":{},"badge":"b"}`),
		"json-deep":             nested(40, "[", "", "]"),
		"png-plain":             plain,
		"png-baked-json":        bake(BakePNG(plain, noproof)),
		"png-baked-jwt":         bake(BakePNG(plain, jwt)),
		"png-compressed":        insertBeforeIEND(t, plain, compressed),
		"png-ob2-keyword":       insertBeforeIEND(t, plain, ob2Slot),
		"png-ob2":               vector(t, "ob20-simple-badge.png"),
		"svg-plain":             svg,
		"svg-baked-json":        bake(BakeSVG(svg, noproof)),
		"svg-baked-jwt":         bake(BakeSVG(svg, jwt)),
		"svg-jwt-text":          []byte(`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>` + string(jwt) + `</openbadges:credential></svg>`),
		"svg-ob2":               []byte(`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"/></svg>`),
		"jpeg-header":           []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
		"text-hello":            []byte("hello"),
		"json-not-a-credential": []byte(`{"name":"x"}`),
	}
}

// encodeSeed writes data in the format of a go test fuzz corpus file.
func encodeSeed(data []byte) []byte {
	return []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(data))))
}

// decodeSeed reads a one-argument []byte corpus file.
func decodeSeed(t *testing.T, file []byte) []byte {
	t.Helper()
	header, body, ok := strings.Cut(string(file), "\n")
	require.True(t, ok)
	require.Equal(t, "go test fuzz v1", header)
	body = strings.TrimSpace(body)
	require.True(t, strings.HasPrefix(body, "[]byte(") && strings.HasSuffix(body, ")"), "not a []byte seed")
	s, err := strconv.Unquote(body[len("[]byte(") : len(body)-1])
	require.NoError(t, err)
	return []byte(s)
}

// outcome summarises a Parse result so seeds can be compared across Go
// versions (image/png output may differ in bytes, not in what it parses to).
func outcome(data []byte) string {
	items, err := Parse("seed", data, fuzzLimits)
	if err != nil {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return "error: " + s.Error()
			}
		}
		return "error: " + err.Error()
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = fmt.Sprintf("%s/%s/%d/%t", it.Format, it.Encoding, it.Index, it.FromPresentation)
	}
	return strings.Join(parts, " ")
}

// TestFuzzSeedCorpus keeps the committed corpus in step with fuzzSeeds (run
// with -update-seeds to rewrite it). Plain go test runs FuzzParse over every
// file of the corpus, regression inputs found by the fuzzer included.
func TestFuzzSeedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	seeds := fuzzSeeds(t)
	names := make([]string, 0, len(seeds))
	for name := range seeds {
		names = append(names, name)
	}
	sort.Strings(names)
	if *updateSeeds {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, name := range names {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "seed-"+name), encodeSeed(seeds[name]), 0o644))
		}
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			file, err := os.ReadFile(filepath.Join(dir, "seed-"+name))
			require.NoError(t, err, "seed missing: run go test -run TestFuzzSeedCorpus -update-seeds")
			require.Equal(t, outcome(seeds[name]), outcome(decodeSeed(t, file)))
		})
	}
}

// FuzzBake bakes a fixed credential into arbitrary images: baking either
// fails with an *Error or gives a well-formed image that parses back to the
// credential, with the credential element or chunk present exactly once.
func FuzzBake(f *testing.F) {
	seeds := fuzzSeeds(f)
	for _, name := range []string{"png-plain", "png-baked-json", "png-compressed", "svg-plain", "svg-baked-jwt", "svg-ob2", "svg-jwt-text"} {
		f.Add(seeds[name])
	}
	f.Add([]byte(`<svg/>`))
	f.Add([]byte(`<s:svg xmlns:s="http://www.w3.org/2000/svg" xmlns:openbadges="x"><![CDATA[a]]></s:svg>`))
	creds := [][]byte{bytes.TrimSpace(ob30(f, "simple-noproof.json")), bytes.TrimSpace(ob30(f, "simple.jwt"))}
	f.Fuzz(func(t *testing.T, img []byte) {
		for _, cred := range creds {
			bake, kind := BakeSVG, "svg"
			if bytes.HasPrefix(img, pngSignature[:4]) {
				bake, kind = BakePNG, "png"
			}
			out, err := bake(img, cred)
			if err != nil {
				require.Nil(t, out)
				var e *Error
				require.ErrorAs(t, err, &e)
				continue
			}
			items, err := Parse("baked", out, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			want := cred
			if kind == "svg" {
				wellFormed(t, out)
				want = xmlNewlines(cred)
				scan, err := scanSVG(bytes.TrimPrefix(out, utf8BOM), DefaultLimits().MaxDepth)
				require.NoError(t, err)
				require.Len(t, scan.creds, 1)
			} else {
				chunks := 0
				require.NoError(t, walkPNG(out, func(c pngChunk) error {
					if kw, _, ok := textKeyword(c.data); ok && kw == keywordOB3 && strings.HasSuffix(c.typ, "Xt") {
						chunks++
					}
					return nil
				}))
				require.Equal(t, 1, chunks)
			}
			require.Equal(t, string(want), string(items[0].Raw))
		}
	})
}
