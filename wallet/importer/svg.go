package importer

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// XML namespaces of baked badges.
const (
	// nsOB3 is the namespace of <openbadges:credential> in the Open Badges 3.0 baking rules.
	nsOB3 = "https://purl.imsglobal.org/ob/v3p0"
	// nsOB3Alt is a namespace some issuers use instead (the spec's URL prefix).
	nsOB3Alt = "https://purl.imsglobal.org/spec/ob/v3p0"
	// nsOB2 is the namespace of <openbadges:assertion> in Open Badges 2.0.
	nsOB2 = "http://openbadges.org"
	// prefixOB is the prefix the baking rules use; an SVG that uses it without
	// declaring it is still read.
	prefixOB = "openbadges"
)

func isOB3Namespace(ns string) bool {
	ns = strings.TrimSuffix(ns, "/")
	return ns == nsOB3 || ns == nsOB3Alt || ns == prefixOB
}

func isOB2Namespace(ns string) bool {
	ns = strings.TrimSuffix(ns, "/")
	return ns == nsOB2 || ns == "https://openbadges.org" || ns == prefixOB
}

// svgElement is a baking element found in an SVG.
type svgElement struct {
	start, end int64 // byte range of the element, tags included
	verify     []byte
	text       []byte // character data directly inside the element (CDATA included)
}

// svgScan is what scanSVG learns about an SVG document.
type svgScan struct {
	rootStart, rootEnd int64  // byte range of the root start tag
	rootName           string // the root element's name as written (prefix included)
	selfClosing        bool   // the root is written <svg .../>
	obDeclared         bool   // the root declares xmlns:openbadges
	obNamespace        string // ... with this value
	creds              []svgElement
	ob2                []svgElement
}

// svgError is a failure of scanSVG, with the sentinel kind it maps to.
type svgError struct {
	kind    error
	problem string
	hint    string
	err     error
}

func (e *svgError) Error() string { return e.problem }

func (e *svgError) toError(name string) *Error {
	return &Error{Name: name, Kind: e.kind, Problem: e.problem, Hint: e.hint, Err: e.err}
}

func xmlCharset(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "us-ascii", "ascii":
		return in, nil
	}
	return nil, fmt.Errorf("character encoding %q is not supported (use UTF-8)", label)
}

// scanSVG walks an SVG document with encoding/xml (strict, no entity
// expansion, nesting at most maxDepth) and records its root tag and baking
// elements. The whole document is read, so a malformed SVG is refused even
// when the credential comes first.
func scanSVG(text []byte, maxDepth int) (*svgScan, error) {
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = true
	d.CharsetReader = xmlCharset
	s := &svgScan{}
	var (
		depth     int
		rootSeen  bool
		rootDone  bool
		cur       *svgElement // element whose text is being collected
		curDepth  int
		curIsOB3  bool
		prevOff   int64
		collected []svgElement
	)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !rootSeen {
				return nil, &svgError{kind: ErrUnrecognised, problem: "file starts with '<' but is not an SVG image (not well-formed XML)",
					hint: hintAccepted, err: err}
			}
			return nil, &svgError{kind: ErrCorrupt, problem: "SVG is not well-formed XML", hint: "get the badge image again from your issuer", err: err}
		}
		off := d.InputOffset()
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, &svgError{kind: ErrTooDeep, problem: fmt.Sprintf("SVG nests elements more than %d levels deep", maxDepth),
					hint: "the image may be damaged or crafted; " + hintExport}
			}
			if depth == 1 {
				if rootDone {
					return nil, &svgError{kind: ErrCorrupt, problem: "SVG has more than one root element", hint: hintExport}
				}
				if t.Name.Local != "svg" {
					return nil, &svgError{kind: ErrUnrecognised,
						problem: fmt.Sprintf("file is XML but not an SVG image (root element <%s>)", t.Name.Local), hint: hintAccepted}
				}
				rootSeen = true
				s.rootStart, s.rootEnd = prevOff, off
				s.rootName = rawTagName(text[prevOff:off])
				s.selfClosing = bytes.HasSuffix(text[prevOff:off], []byte("/>"))
				for _, a := range t.Attr {
					if a.Name.Space == "xmlns" && a.Name.Local == prefixOB {
						s.obDeclared, s.obNamespace = true, a.Value
					}
				}
			}
			if cur != nil {
				break // elements inside a baking element are ignored
			}
			ob3 := t.Name.Local == "credential" && isOB3Namespace(t.Name.Space)
			ob2 := t.Name.Local == "assertion" && isOB2Namespace(t.Name.Space)
			if !ob3 && !ob2 {
				break
			}
			cur = &svgElement{start: prevOff}
			curDepth, curIsOB3 = depth, ob3
			for _, a := range t.Attr {
				if a.Name.Local == "verify" && (a.Name.Space == "" || isOB3Namespace(a.Name.Space) || isOB2Namespace(a.Name.Space)) {
					cur.verify = []byte(a.Value)
				}
			}
		case xml.EndElement:
			if cur != nil && depth == curDepth {
				cur.end = off
				if curIsOB3 {
					s.creds = append(s.creds, *cur)
				} else {
					collected = append(collected, *cur)
				}
				cur = nil
			}
			depth--
			if depth == 0 {
				rootDone = true
			}
		case xml.CharData:
			if cur != nil && depth == curDepth {
				cur.text = append(cur.text, t...)
			}
		}
		prevOff = off
	}
	if !rootSeen {
		return nil, &svgError{kind: ErrUnrecognised, problem: "file starts with '<' but holds no SVG image", hint: hintAccepted}
	}
	s.ob2 = collected
	return s, nil
}

// xmlNewlines normalises line breaks as an XML parser does: CR LF and lone CR become LF.
func xmlNewlines(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// rawTagName returns the element name of a start tag as written, "svg" or "x:svg".
func rawTagName(tag []byte) string {
	tag = bytes.TrimPrefix(tag, []byte("<"))
	if i := bytes.IndexAny(tag, " \t\r\n/>"); i >= 0 {
		tag = tag[:i]
	}
	return string(tag)
}

// svg handles an SVG image: the credential is in its <openbadges:credential>
// element, as a VC-JWT in the verify attribute or as JSON in the content.
func (p *parser) svg(text []byte) error {
	s, err := scanSVG(text, p.lim.MaxDepth)
	if err != nil {
		var se *svgError
		if errors.As(err, &se) {
			return se.toError(p.name)
		}
		return p.fail(ErrCorrupt, "SVG cannot be read", hintExport, err)
	}
	if len(s.creds) > 1 {
		return p.fail(ErrCorrupt, "SVG has more than one baked credential (<openbadges:credential> element)",
			"the image is ambiguous; "+hintExport, nil)
	}
	if len(s.creds) == 1 {
		return p.svgElementCredential(s.creds[0], "<openbadges:credential>", false)
	}
	if len(s.ob2) > 0 {
		return p.svgElementCredential(s.ob2[0], "<openbadges:assertion>", true)
	}
	return p.fail(ErrNoCredential, "SVG has no baked Open Badges credential (<openbadges:credential> element)", hintExport, nil)
}

func (p *parser) svgElementCredential(e svgElement, elem string, ob2 bool) error {
	verify, body := trimSpace(e.verify), trimSpace(e.text)
	text, where := body, "baked credential (SVG "+elem+" content)"
	switch {
	case len(verify) > 0 && len(body) > 0:
		return p.fail(ErrCorrupt, "SVG "+elem+" has both a verify attribute and content", "the image is ambiguous; "+hintExport, nil)
	case len(verify) > 0:
		text, where = verify, "baked credential (SVG "+elem+" verify attribute)"
	}
	if ob2 {
		return p.bakedOB2(text, FormatSVG, "SVG "+elem)
	}
	return p.baked(text, FormatSVG, where)
}

// BakeSVG returns a copy of the SVG image svg with credential baked in, as the
// Open Badges 3.0 baking rules say: an <openbadges:credential> element
// directly after the <svg> start tag, holding a VC-JWT in its verify
// attribute, or credential JSON (as given, trimmed, with line breaks turned
// into LF as XML does to all text) in a CDATA section. The
// namespace https://purl.imsglobal.org/ob/v3p0 is declared on the <svg> tag.
// A credential already baked into the image is replaced.
//
// svg must be a well-formed UTF-8 SVG document. The result is parsed back
// before it is returned, so it is always importable with DefaultLimits.
func BakeSVG(svg []byte, credential []byte) ([]byte, error) {
	const name = "SVG image"
	cred, err := bakeable(credential)
	if err != nil {
		return nil, err
	}
	lim := DefaultLimits()
	if int64(len(svg)) > lim.MaxBytes {
		return nil, &Error{Name: name, Kind: ErrTooLarge, Problem: fmt.Sprintf("SVG is larger than %d bytes", lim.MaxBytes)}
	}
	body := bytes.TrimPrefix(svg, utf8BOM)
	bom := svg[:len(svg)-len(body)]
	s, err := scanSVG(body, lim.MaxDepth)
	if err != nil {
		var se *svgError
		if errors.As(err, &se) {
			return nil, se.toError(name)
		}
		return nil, &Error{Name: name, Kind: ErrCorrupt, Problem: "SVG cannot be read", Err: err}
	}

	var elem bytes.Buffer
	elem.WriteString("\n<openbadges:credential")
	if s.obDeclared && s.obNamespace != nsOB3 {
		// The prefix is bound to another namespace on <svg>: rebind it here.
		elem.WriteString(` xmlns:openbadges="` + nsOB3 + `"`)
	}
	if cred.Encoding == EncodingJSON {
		// XML turns every line break into LF; bake what a reader will get back.
		// JSON strings cannot hold a raw CR, so only whitespace changes.
		cred.Raw = xmlNewlines(cred.Raw)
	}
	if cred.Encoding == EncodingJWT {
		elem.WriteString(` verify="`)
		elem.Write(cred.Raw) // base64url and dots: nothing to escape
		elem.WriteString(`"></openbadges:credential>`)
	} else {
		elem.WriteString("><![CDATA[")
		elem.Write(bytes.ReplaceAll(cred.Raw, []byte("]]>"), []byte("]]]]><![CDATA[>")))
		elem.WriteString("]]></openbadges:credential>")
	}

	tag := body[s.rootStart:s.rootEnd]
	closer := []byte(">")
	if s.selfClosing {
		closer = []byte("/>")
	}
	var out bytes.Buffer
	out.Grow(len(svg) + elem.Len() + 64)
	out.Write(bom)
	out.Write(body[:s.rootStart])
	out.Write(tag[:len(tag)-len(closer)])
	if !s.obDeclared {
		out.WriteString(` xmlns:openbadges="` + nsOB3 + `"`)
	}
	out.WriteString(">")
	out.Write(elem.Bytes())
	if s.selfClosing {
		out.WriteString("\n</" + s.rootName + ">")
	}
	rest := s.rootEnd
	for _, c := range s.creds { // drop credentials baked before
		out.Write(body[rest:c.start])
		rest = c.end
	}
	out.Write(body[rest:])

	if err := checkBaked(name, out.Bytes(), cred); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
