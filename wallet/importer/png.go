package importer

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// PNG keywords of baked badges.
const (
	// keywordOB3 is the iTXt keyword of an Open Badges 3.0 baked credential.
	keywordOB3 = "openbadgecredential"
	// keywordOB2 is the iTXt (or OB 1.0 tEXt) keyword of an Open Badges 2.0 baked assertion.
	keywordOB2 = "openbadges"
)

// pngChunk is one chunk of a PNG datastream.
type pngChunk struct {
	typ        string
	data       []byte
	start, end int // the whole chunk (length field to CRC) in the datastream
}

// pngStructureError describes a PNG that breaks the format's rules.
type pngStructureError struct{ msg string }

func (e *pngStructureError) Error() string { return e.msg }

func pngBroken(format string, args ...any) error {
	return &pngStructureError{msg: fmt.Sprintf(format, args...)}
}

func isChunkType(t []byte) bool {
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

// walkPNG calls fn for each chunk of a PNG datastream up to and including
// IEND, checking the signature, every chunk's CRC, that IHDR comes first and
// that IEND is present. Bytes after IEND are ignored. An error from fn stops
// the walk and is returned as is.
func walkPNG(data []byte, fn func(c pngChunk) error) error {
	if !bytes.HasPrefix(data, pngSignature) {
		return pngBroken("PNG signature is damaged or the file is truncated")
	}
	off := len(pngSignature)
	for n := 0; ; n++ {
		if len(data)-off < 12 {
			return pngBroken("PNG is truncated (no IEND chunk)")
		}
		length := binary.BigEndian.Uint32(data[off:])
		typ := data[off+4 : off+8]
		if length > 1<<31-1 || uint64(length) > uint64(len(data)-off-12) {
			return pngBroken("PNG chunk %d is truncated", n)
		}
		if !isChunkType(typ) {
			return pngBroken("PNG chunk %d has an invalid type", n)
		}
		end := off + 12 + int(length)
		body := data[off+8 : off+8+int(length)]
		want := binary.BigEndian.Uint32(data[end-4:])
		crc := crc32.Update(crc32.ChecksumIEEE(typ), crc32.IEEETable, body)
		if crc != want {
			return pngBroken("PNG chunk %d (%s) fails its checksum", n, typ)
		}
		if n == 0 && string(typ) != "IHDR" {
			return pngBroken("PNG does not start with an IHDR chunk")
		}
		c := pngChunk{typ: string(typ), data: body, start: off, end: end}
		if err := fn(c); err != nil {
			return err
		}
		if c.typ == "IEND" {
			return nil
		}
		off = end
	}
}

// textKeyword splits the keyword off an iTXt, tEXt or zTXt chunk body.
func textKeyword(body []byte) (keyword string, rest []byte, ok bool) {
	kw, rest, ok := bytes.Cut(body, []byte{0})
	if !ok || len(kw) == 0 || len(kw) > 79 {
		return "", nil, false
	}
	return string(kw), rest, true
}

// itxtText returns the text of an iTXt chunk (the part after its keyword),
// inflating it when compressed, up to max bytes.
func itxtText(rest []byte, max int64) ([]byte, error) {
	if len(rest) < 2 {
		return nil, pngBroken("iTXt chunk is truncated")
	}
	flag, method := rest[0], rest[1]
	rest = rest[2:]
	var ok bool
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // language tag
		return nil, pngBroken("iTXt chunk has no language tag")
	}
	if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok { // translated keyword
		return nil, pngBroken("iTXt chunk has no translated keyword")
	}
	switch flag {
	case 0:
		return rest, nil
	case 1:
		if method != 0 {
			return nil, pngBroken("iTXt chunk uses unknown compression method %d", method)
		}
		return inflate(rest, max, "iTXt")
	}
	return nil, pngBroken("iTXt chunk has invalid compression flag %d", flag)
}

// ztxtText returns the text of a zTXt chunk (the part after its keyword), up to max bytes.
func ztxtText(rest []byte, max int64) ([]byte, error) {
	if len(rest) < 1 || rest[0] != 0 {
		return nil, pngBroken("zTXt chunk uses an unknown compression method")
	}
	return inflate(rest[1:], max, "zTXt")
}

// inflate decompresses a zlib stream, refusing more than max bytes of output.
func inflate(stream []byte, max int64, chunk string) ([]byte, error) {
	zr, err := zlib.NewReader(bytes.NewReader(stream))
	if err != nil {
		return nil, pngBroken("compressed %s chunk is damaged: %v", chunk, err)
	}
	text, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil {
		return nil, pngBroken("compressed %s chunk is damaged: %v", chunk, err)
	}
	if int64(len(text)) > max {
		return nil, errInflateLimit
	}
	return text, nil
}

var errInflateLimit = errors.New("decompressed text exceeds the size limit")

// png handles a PNG image: the credential is the text of its iTXt chunk
// "openbadgecredential". A tEXt or zTXt chunk with that keyword, which some
// tools write instead, is read too. The Open Badges 2.0 keyword "openbadges"
// is read only to tell the learner what the image holds.
func (p *parser) png(data []byte) error {
	var (
		cred, ob2         []byte
		credFound, ob2Set bool
		ob2Where          string
	)
	err := walkPNG(data, func(c pngChunk) error {
		if c.typ != "iTXt" && c.typ != "tEXt" && c.typ != "zTXt" {
			return nil
		}
		kw, rest, ok := textKeyword(c.data)
		if !ok || (kw != keywordOB3 && kw != keywordOB2) {
			return nil
		}
		if kw == keywordOB3 && credFound {
			return p.fail(ErrCorrupt, `PNG has more than one baked credential (chunk "openbadgecredential")`,
				"the image is ambiguous; "+hintExport, nil)
		}
		if kw == keywordOB2 && ob2Set {
			return nil
		}
		var text []byte
		var err error
		switch c.typ {
		case "iTXt":
			text, err = itxtText(rest, p.lim.MaxBytes)
		case "zTXt":
			text, err = ztxtText(rest, p.lim.MaxBytes)
		default:
			text = rest
		}
		if errors.Is(err, errInflateLimit) {
			return p.fail(ErrTooLarge, fmt.Sprintf("baked text in the PNG inflates to more than %d bytes", p.lim.MaxBytes),
				"the image may be crafted; "+hintExport, nil)
		}
		if err != nil {
			return p.fail(ErrCorrupt, "PNG is damaged", hintExport, err)
		}
		if kw == keywordOB3 {
			cred, credFound = text, true
		} else {
			ob2, ob2Set, ob2Where = text, true, c.typ+` chunk "openbadges"`
		}
		return nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return err
		}
		return p.fail(ErrCorrupt, "PNG is damaged", "get the badge image again from your issuer", err)
	}
	switch {
	case credFound:
		return p.baked(cred, FormatPNG, `baked credential (PNG chunk "openbadgecredential")`)
	case ob2Set:
		return p.bakedOB2(ob2, FormatPNG, ob2Where)
	}
	return p.fail(ErrNoCredential, `PNG has no baked Open Badges credential (iTXt chunk "openbadgecredential")`, hintExport, nil)
}

// pngChunkBytes encodes one PNG chunk.
func pngChunkBytes(typ string, data []byte) []byte {
	out := make([]byte, 0, 12+len(data))
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	out = append(out, typ...)
	out = append(out, data...)
	crc := crc32.Update(crc32.ChecksumIEEE([]byte(typ)), crc32.IEEETable, data)
	return binary.BigEndian.AppendUint32(out, crc)
}

// itxtChunk encodes an iTXt chunk with an empty language tag and translated
// keyword. Open Badges 3.0 forbids compression when baking; compress exists so
// tests can check that such images are still read.
func itxtChunk(keyword string, text []byte, compress bool) ([]byte, error) {
	var body bytes.Buffer
	body.WriteString(keyword)
	body.WriteByte(0)
	if compress {
		body.Write([]byte{1, 0, 0, 0})
		zw := zlib.NewWriter(&body)
		if _, err := zw.Write(text); err != nil {
			return nil, fmt.Errorf("compress iTXt text: %w", err)
		}
		if err := zw.Close(); err != nil {
			return nil, fmt.Errorf("compress iTXt text: %w", err)
		}
	} else {
		body.Write([]byte{0, 0, 0, 0})
		body.Write(text)
	}
	return pngChunkBytes("iTXt", body.Bytes()), nil
}

// BakePNG returns a copy of the PNG image png with credential baked in, as the
// Open Badges 3.0 baking rules say: an uncompressed iTXt chunk with keyword
// "openbadgecredential", written just before IEND. A credential already baked
// into the image is replaced; bytes after IEND are dropped.
//
// credential must be exactly one credential, as JSON (baked as given, trimmed
// of surrounding whitespace) or as a VC-JWT. The result is parsed back before
// it is returned, so it is always importable with DefaultLimits.
func BakePNG(png []byte, credential []byte) ([]byte, error) {
	const name = "PNG image"
	cred, err := bakeable(credential)
	if err != nil {
		return nil, err
	}
	chunk, err := itxtChunk(keywordOB3, cred.Raw, false)
	if err != nil {
		return nil, &Error{Name: name, Kind: ErrCorrupt, Problem: "cannot build the iTXt chunk", Err: err}
	}
	out := make([]byte, 0, len(png)+len(chunk))
	out = append(out, pngSignature...)
	err = walkPNG(png, func(c pngChunk) error {
		if c.typ == "IEND" {
			out = append(out, chunk...)
		}
		if c.typ == "iTXt" || c.typ == "tEXt" || c.typ == "zTXt" {
			if kw, _, ok := textKeyword(c.data); ok && kw == keywordOB3 {
				return nil // replaced by the new credential
			}
		}
		out = append(out, png[c.start:c.end]...)
		return nil
	})
	if err != nil {
		return nil, &Error{Name: name, Kind: ErrCorrupt, Problem: "cannot bake into a damaged PNG", Err: err}
	}
	if err := checkBaked(name, out, cred); err != nil {
		return nil, err
	}
	return out, nil
}
