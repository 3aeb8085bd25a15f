package importer

import (
	"bytes"
	"compress/zlib"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// credentials to bake: JSON with an embedded proof, a VC-JWT, a large JSON
// credential, and one whose JSON holds the CDATA terminator.
func bakeCredentials(t *testing.T) map[string][]byte {
	simple := bytes.TrimSpace(ob30(t, "simple.json"))
	tricky := bytes.Replace(simple, []byte(`"Teamwork Badge"`), []byte(`"Teamwork ]]> Badge <b>&amp;</b>"`), 1)
	require.NotEqual(t, simple, tricky)
	return map[string][]byte{
		"simple.json":   simple,
		"simple.jwt":    bytes.TrimSpace(ob30(t, "simple.jwt")),
		"complete.json": bytes.TrimSpace(ob30(t, "complete.json")),
		"cdata-end":     tricky,
	}
}

func encodingOf(cred []byte) Encoding {
	if cred[0] == '{' {
		return EncodingJSON
	}
	return EncodingJWT
}

func TestBakePNGRoundTrip(t *testing.T) {
	plain := encodePNG(t)
	for name, cred := range bakeCredentials(t) {
		t.Run(name, func(t *testing.T) {
			// Surrounding whitespace in the credential given is not baked.
			out, err := BakePNG(plain, append(append([]byte("\n "), cred...), '\n'))
			require.NoError(t, err)

			items, err := Parse("baked.png", out, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, FormatPNG, items[0].Format)
			require.Equal(t, encodingOf(cred), items[0].Encoding)
			require.Equal(t, string(cred), string(items[0].Raw))

			// Baked as the spec says: one uncompressed iTXt chunk right before IEND.
			iend := pngChunkBytes("IEND", nil)
			require.True(t, bytes.HasSuffix(out, append(mustITXt(t, keywordOB3, cred), iend...)))
			require.Equal(t, 1, bytes.Count(out, []byte("iTXtopenbadgecredential\x00\x00\x00\x00\x00")))

			// The picture is untouched.
			img, err := png.Decode(bytes.NewReader(out))
			require.NoError(t, err)
			want := testImage()
			require.Equal(t, want.Bounds(), img.Bounds())
			for y := 0; y < want.Bounds().Dy(); y++ {
				for x := 0; x < want.Bounds().Dx(); x++ {
					r0, g0, b0, a0 := want.At(x, y).RGBA()
					r1, g1, b1, a1 := img.At(x, y).RGBA()
					require.Equal(t, [4]uint32{r0, g0, b0, a0}, [4]uint32{r1, g1, b1, a1}, "pixel %d,%d", x, y)
				}
			}
		})
	}
}

func TestBakePNGReplacesBakedCredential(t *testing.T) {
	creds := bakeCredentials(t)
	tests := []struct {
		name string
		img  []byte
	}{
		{"our own baked PNG", func() []byte {
			b, err := BakePNG(encodePNG(t), creds["complete.json"])
			require.NoError(t, err)
			return b
		}()},
		{"1EdTech baked PNG", vector(t, "ob30-simple-json.png")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakePNG(tt.img, creds["simple.jwt"])
			require.NoError(t, err)
			require.Equal(t, 1, bytes.Count(out, []byte(keywordOB3)))
			items, err := Parse("rebaked.png", out, DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, string(creds["simple.jwt"]), string(items[0].Raw))
		})
	}
}

func TestParseCompressedITXt(t *testing.T) {
	for name, cred := range bakeCredentials(t) {
		t.Run(name, func(t *testing.T) {
			chunk, err := itxtChunk(keywordOB3, cred, true)
			require.NoError(t, err)
			require.NotContains(t, string(chunk), string(cred[:20]), "the text must really be compressed")
			items, err := Parse("compressed.png", insertBeforeIEND(t, encodePNG(t), chunk), DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, string(cred), string(items[0].Raw))
		})
	}
}

func TestParseDamagedCompressedITXt(t *testing.T) {
	cred := bakeCredentials(t)["complete.json"]
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write(cred)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	stream := z.Bytes()
	stream[len(stream)/2] ^= 0xff // damage the deflate data, keep the chunk CRC right
	body := append([]byte(keywordOB3+"\x00\x01\x00\x00\x00"), stream...)
	img := insertBeforeIEND(t, encodePNG(t), pngChunkBytes("iTXt", body))
	_, err = Parse("damaged.png", img, DefaultLimits())
	require.ErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "compressed iTXt chunk is damaged")
}

func TestBakePNGRefuses(t *testing.T) {
	creds := bakeCredentials(t)
	plain := encodePNG(t)
	badCRC := bytes.Clone(plain)
	badCRC[len(badCRC)-13] ^= 1 // last byte of the CRC before IEND
	vp := []byte(`{"type":"VerifiablePresentation","verifiableCredential":[` + string(creds["simple.json"]) + `]}`)
	bakedPNG, err := BakePNG(plain, creds["simple.json"])
	require.NoError(t, err)
	tests := []struct {
		name       string
		img, cred  []byte
		kind       error
		message    string
		wantPrefix string
	}{
		{"JPEG image", jpegBytes(t), creds["simple.json"], ErrCorrupt, "damaged PNG", "PNG image: "},
		{"bad checksum", badCRC, creds["simple.json"], ErrCorrupt, "fails its checksum", "PNG image: "},
		{"presentation", plain, vp, ErrNoCredential, "exactly one credential", "credential: "},
		{"baked image as credential", plain, bakedPNG, ErrNoCredential, "exactly one credential", "credential: "},
		{"not a credential", plain, []byte("hello"), ErrUnrecognised, "not a format", "credential: "},
		{"empty credential", plain, nil, ErrEmpty, "empty", "credential: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakePNG(tt.img, tt.cred)
			require.Nil(t, out)
			require.ErrorIs(t, err, tt.kind)
			require.Contains(t, err.Error(), tt.message)
			require.True(t, strings.HasPrefix(err.Error(), tt.wantPrefix), err.Error())
		})
	}
}

// wellFormed checks that an SVG is well-formed XML with an independent full decode.
func wellFormed(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(svg, utf8BOM)))
	d.Strict = true
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err)
	}
}

func TestBakeSVGRoundTrip(t *testing.T) {
	svgs := map[string]struct {
		svg  string
		keep string // a part of the picture that must survive
	}{
		"plain": {`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4"/></svg>`, `<circle r="4"/></svg>`},
		"self-closing":       {`<svg xmlns="http://www.w3.org/2000/svg" width="1" />`, `width="1"`},
		"prefixed root":      {`<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:rect/></s:svg>`, `<s:rect/></s:svg>`},
		"declares namespace": {`<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><g/></svg>`, `<g/></svg>`},
		"prefix bound to OB 2.0": {`<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a.json"/></svg>`,
			`<openbadges:assertion verify="https://example.org/a.json"/>`},
		"BOM and doctype": {"\xef\xbb\xbf<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n" +
			`<svg><!-- art --><path d="M0 0"/></svg>`, `<!-- art --><path d="M0 0"/>`},
		"1EdTech baked SVG": {string(vector(t, "ob30-simple-json.svg")), `<circle cx="418.3" cy="357.1" r="40.8" />`},
	}
	for svgName, s := range svgs {
		for credName, cred := range bakeCredentials(t) {
			t.Run(svgName+"/"+credName, func(t *testing.T) {
				out, err := BakeSVG([]byte(s.svg), cred)
				require.NoError(t, err)
				wellFormed(t, out)
				require.Contains(t, string(out), s.keep)
				require.Equal(t, 1, strings.Count(string(out), "<openbadges:credential"))

				items, err := Parse("baked.svg", out, DefaultLimits())
				require.NoError(t, err)
				require.Len(t, items, 1)
				require.Equal(t, FormatSVG, items[0].Format)
				require.Equal(t, encodingOf(cred), items[0].Encoding)
				// XML reads every line break as LF, so JSON comes back with LF line ends.
				want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(string(cred))
				require.Equal(t, want, string(items[0].Raw))

				if encodingOf(cred) == EncodingJWT {
					require.Contains(t, string(out), `verify="`+string(cred)+`"`)
				} else {
					require.Contains(t, string(out), "<![CDATA[")
				}
			})
		}
	}
}

func TestParseSVGForms(t *testing.T) {
	jwt := string(bytes.TrimSpace(ob30(t, "simple.jwt")))
	simple := strings.ReplaceAll(string(bytes.TrimSpace(ob30(t, "simple.json"))), "\r\n", "\n")
	tests := []struct {
		name, svg, want string
	}{
		{"JWT as element text", `<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>` + "\n  " + jwt + "\n" + `</openbadges:credential></svg>`, jwt},
		{"JSON without CDATA", `<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>` + simple + `</openbadges:credential></svg>`, simple},
		{"namespace with spec/ in its path", `<svg xmlns:openbadges="https://purl.imsglobal.org/spec/ob/v3p0"><openbadges:credential verify="` + jwt + `"/></svg>`, jwt},
		{"undeclared prefix", `<svg><openbadges:credential verify="` + jwt + `"></openbadges:credential></svg>`, jwt},
		{"other prefix, right namespace", `<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><g><ob:credential><![CDATA[` + simple + `]]></ob:credential></g></svg>`, simple},
		{"empty verify and CDATA", `<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify=""><![CDATA[` + simple + `]]></openbadges:credential></svg>`, simple},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse("badge.svg", []byte(tt.svg), DefaultLimits())
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, FormatSVG, items[0].Format)
			require.Equal(t, tt.want, string(items[0].Raw))
		})
	}
}

func TestBakeSVGRefuses(t *testing.T) {
	cred := bakeCredentials(t)["simple.json"]
	tests := []struct {
		name     string
		svg      string
		cred     []byte
		kind     error
		message  string
		fromName string
	}{
		{"HTML", `<html><body/></html>`, cred, ErrUnrecognised, "not an SVG image", "SVG image: "},
		{"not well-formed", `<svg><g></svg>`, cred, ErrCorrupt, "not well-formed", "SVG image: "},
		{"list of credentials", `<svg/>`, []byte("[" + string(cred) + "," + string(cred) + "]"), ErrNoCredential, "exactly one credential", "credential: "},
		{"JWT that is not a credential", `<svg/>`, signJWS(t, map[string]any{"alg": "EdDSA"}, map[string]any{"sub": "x"}), ErrNoCredential, "does not carry", "credential: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := BakeSVG([]byte(tt.svg), tt.cred)
			require.Nil(t, out)
			require.ErrorIs(t, err, tt.kind)
			require.Contains(t, err.Error(), tt.message)
			require.True(t, strings.HasPrefix(err.Error(), tt.fromName), err.Error())
		})
	}
}

// ztxtChunk encodes a zTXt chunk: keyword, NUL, method 0, zlib stream.
func ztxtChunk(t *testing.T, keyword string, text []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, err := zw.Write(text)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return pngChunkBytes("zTXt", append([]byte(keyword+"\x00\x00"), z.Bytes()...))
}

func TestParseOtherTextChunks(t *testing.T) {
	// Some tools write the credential as tEXt or zTXt instead of iTXt.
	cred := bakeCredentials(t)["simple.json"]
	jwt := bakeCredentials(t)["simple.jwt"]
	plain := encodePNG(t)
	text := pngChunkBytes("tEXt", append([]byte(keywordOB3+"\x00"), cred...))
	tests := []struct {
		name  string
		img   []byte
		want  []byte
		kind  error
		inErr string
	}{
		{"tEXt", insertBeforeIEND(t, plain, text), cred, nil, ""},
		{"zTXt", insertBeforeIEND(t, plain, ztxtChunk(t, keywordOB3, jwt)), jwt, nil, ""},
		{"iTXt and tEXt", insertBeforeIEND(t, insertBeforeIEND(t, plain, text), mustITXt(t, keywordOB3, jwt)), nil, ErrCorrupt, "more than one baked credential"},
		{"zTXt bomb", insertBeforeIEND(t, plain, ztxtChunk(t, keywordOB3, bytes.Repeat([]byte("{"), 2<<20))), nil, ErrTooLarge, "inflates to more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, err := Parse(tt.name+".png", tt.img, Limits{MaxBytes: 1 << 20})
			if tt.kind != nil {
				require.ErrorIs(t, err, tt.kind)
				require.Contains(t, err.Error(), tt.inErr)
				return
			}
			require.NoError(t, err)
			require.Len(t, items, 1)
			require.Equal(t, FormatPNG, items[0].Format)
			require.Equal(t, string(tt.want), string(items[0].Raw))
		})
	}

	// Baking over such an image leaves a single credential, in an iTXt chunk.
	out, err := BakePNG(insertBeforeIEND(t, plain, text), jwt)
	require.NoError(t, err)
	require.Equal(t, 1, bytes.Count(out, []byte(keywordOB3)))
	require.Contains(t, string(out), "iTXt"+keywordOB3)
}
