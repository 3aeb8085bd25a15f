package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/skillpass/skillpass/wallet/verify/opencerts"
)

var (
	errJSONDepth    = errors.New("nesting deeper than allowed")
	errJSONTrailing = errors.New("more data after the JSON value")
)

// walkJSON checks that data is exactly one JSON value nested at most max
// levels deep. It streams tokens and keeps no stack of its own beyond a
// counter, so hostile nesting is refused before anything is unmarshalled.
func walkJSON(data []byte, max int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
				if depth > max {
					return errJSONDepth
				}
			default:
				depth--
			}
		}
		if depth == 0 {
			break
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errJSONTrailing
	}
	return nil
}

// checkJSON validates text as one UTF-8 JSON value within the depth limit.
// what names the text in messages ("file", "JWT payload", ...).
func (p *parser) checkJSON(text []byte, what string) error {
	if !utf8.Valid(text) {
		return p.fail(ErrCorrupt, what+" is not valid UTF-8 text", hintExport, nil)
	}
	err := walkJSON(text, p.lim.MaxDepth)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errJSONDepth):
		return p.fail(ErrTooDeep, fmt.Sprintf("%s nests JSON more than %d levels deep", what, p.lim.MaxDepth),
			"no credential is built like this; the file may be damaged or crafted", nil)
	default:
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return p.fail(ErrCorrupt, fmt.Sprintf("%s is not valid JSON (at byte %d)", what, se.Offset), hintExport, err)
		}
		return p.fail(ErrCorrupt, what+" is not valid JSON", hintExport, err)
	}
}

// kind is what a JSON object is.
type kind int

const (
	kindOther kind = iota
	kindCredential
	kindPresentation
	kindEnvelopedCredential
	kindEnvelopedPresentation
	kindOpenBadges2
	kindJAdES
	kindWrapped
	kindOB2Other // an Open Badges 2.0 badge class, issuer profile, key...
)

// object is a JSON object whose members are kept as found.
type object map[string]json.RawMessage

func (o object) has(key string) bool {
	v, ok := o[key]
	return ok && !bytes.Equal(trimSpace(v), []byte("null"))
}

// stringList returns the member as a list of strings: a string gives one, an
// array gives its string elements, anything else none.
func (o object) stringList(key string) []string {
	v, ok := o[key]
	if !ok {
		return nil
	}
	var one string
	if json.Unmarshal(v, &one) == nil {
		return []string{one}
	}
	var many []json.RawMessage
	if json.Unmarshal(v, &many) != nil {
		return nil
	}
	out := make([]string, 0, len(many))
	for _, m := range many {
		if json.Unmarshal(m, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

func (o object) hasType(t string) bool {
	for _, s := range o.stringList("type") {
		if s == t {
			return true
		}
	}
	return false
}

func (o object) classify() kind {
	switch {
	case o.hasType("VerifiablePresentation"):
		return kindPresentation
	case o.hasType("EnvelopedVerifiableCredential"):
		return kindEnvelopedCredential
	case o.hasType("EnvelopedVerifiablePresentation"):
		return kindEnvelopedPresentation
	case o.hasType("VerifiableCredential"):
		return kindCredential
	case o.has("@context") && o.has("credentialSubject"):
		return kindCredential
	case o.isOpenBadges2():
		if o.hasType("Assertion") || (o.has("recipient") && o.has("badge")) {
			return kindOpenBadges2
		}
		return kindOB2Other
	case o.isJAdES():
		return kindJAdES
	case len(o) == 1 && o.has("credential"):
		if inner, ok := decodeObject(o["credential"]); ok && inner.classify() == kindCredential {
			return kindWrapped
		}
	}
	return kindOther
}

// isOpenBadges2 recognises an Open Badges 1.0/2.0 assertion.
func (o object) isOpenBadges2() bool {
	for _, c := range o.stringList("@context") {
		if strings.Contains(c, "w3id.org/openbadges") || strings.Contains(c, "openbadges.org") {
			return true
		}
	}
	return o.has("recipient") && o.has("badge")
}

// isJAdES recognises a JWS in JSON serialization (JAdES) whose payload, a
// JSON string (b64 false) or base64url, is a credential.
func (o object) isJAdES() bool {
	if !o.has("payload") || !(o.has("signatures") || o.has("protected")) {
		return false
	}
	var payload string
	if json.Unmarshal(o["payload"], &payload) != nil {
		return false
	}
	inner, ok := decodeObject([]byte(payload))
	if !ok {
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payload, "="))
		if err != nil {
			return false
		}
		if inner, ok = decodeObject(b); !ok {
			return false
		}
	}
	return inner.classify() == kindCredential
}

func decodeObject(raw []byte) (object, bool) {
	var o object
	if json.Unmarshal(raw, &o) != nil || o == nil {
		return nil, false
	}
	return o, true
}

// jsonDocument handles a whole input that starts like JSON.
func (p *parser) jsonDocument(text []byte) error {
	if err := p.checkJSON(text, "file"); err != nil {
		return err
	}
	switch text[0] {
	case '"':
		var s string
		if err := json.Unmarshal(text, &s); err != nil {
			return p.fail(ErrCorrupt, "file is not valid JSON", hintExport, err)
		}
		jws := trimSpace([]byte(s))
		if !looksLikeJWS(jws) {
			return p.fail(ErrNoCredential, "file holds a JSON string that is not a VC-JWT", hintAccepted, nil)
		}
		return p.jwtDocument(jws)
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(text, &list); err != nil {
			return p.fail(ErrCorrupt, "file is not valid JSON", hintExport, err)
		}
		if len(list) == 0 {
			return p.fail(ErrNoCredential, "file holds an empty JSON list", hintExport, nil)
		}
		for i, el := range list {
			if err := p.element(el, i, false, "list"); err != nil {
				return err
			}
		}
		return nil
	}
	o, ok := decodeObject(text)
	if !ok {
		return p.fail(ErrNoCredential, "file holds JSON that is not an object or list", hintAccepted, nil)
	}
	// An OpenCerts / OpenAttestation v2 document (.opencert) is taken whole;
	// the verifier recognises it (Blockcerts pass as credentials or
	// Open Badges 2.0 assertions already).
	if o.has("data") && o.has("signature") {
		var generic map[string]any
		if json.Unmarshal(text, &generic) == nil && opencerts.Detect(generic) {
			return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Raw: bytes.Clone(text)})
		}
	}
	switch o.classify() {
	case kindCredential:
		return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Raw: bytes.Clone(text)})
	case kindPresentation:
		return p.presentation(o, "presentation")
	case kindEnvelopedCredential:
		jws, err := p.enveloped(o, "enveloped credential")
		if err != nil {
			return err
		}
		return p.jwtCredential(jws, Item{Format: FormatJWT}, "enveloped credential")
	case kindEnvelopedPresentation:
		jws, err := p.enveloped(o, "enveloped presentation")
		if err != nil {
			return err
		}
		return p.jwtDocument(jws)
	case kindOpenBadges2:
		return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Family: FamilyOB2, Raw: bytes.Clone(text)})
	case kindJAdES:
		return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Family: FamilyJAdES, Raw: bytes.Clone(text)})
	case kindWrapped:
		return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Raw: bytes.Clone(trimSpace(o["credential"]))})
	case kindOB2Other:
		return p.fail(ErrNoCredential, "file is an Open Badges 2.0 "+strings.Join(o.stringList("type"), ", ")+
			", not an assertion (the badge awarded to someone)", hintOB2, nil)
	}
	return p.fail(ErrNoCredential,
		"file is JSON but not a verifiable credential (no type VerifiableCredential, no @context with credentialSubject)",
		hintAccepted, nil)
}

// presentation adds each element of a presentation's verifiableCredential.
// what names the presentation in messages.
func (p *parser) presentation(o object, what string) error {
	v := trimSpace(o["verifiableCredential"])
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return p.fail(ErrNoCredential, what+" holds no credentials (verifiableCredential is missing)",
			"ask whoever shared it to include the credentials", nil)
	}
	if v[0] != '[' {
		return p.element(v, 0, true, what)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		return p.fail(ErrCorrupt, what+" has a malformed verifiableCredential list", "", err)
	}
	if len(list) == 0 {
		return p.fail(ErrNoCredential, what+" holds no credentials (verifiableCredential is empty)",
			"ask whoever shared it to include the credentials", nil)
	}
	for i, el := range list {
		if err := p.element(el, i, true, what); err != nil {
			return err
		}
	}
	return nil
}

// element adds one element of a list or presentation: a credential object,
// an enveloped credential, or a VC-JWT string.
func (p *parser) element(raw json.RawMessage, i int, fromVP bool, container string) error {
	raw = trimSpace(raw)
	where := fmt.Sprintf("element %d of the %s", i, container)
	if len(raw) == 0 {
		return p.fail(ErrNoCredential, where+" is empty", "", nil)
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return p.fail(ErrCorrupt, where+" is not a valid JSON string", "", err)
		}
		jws := trimSpace([]byte(s))
		if !looksLikeJWS(jws) {
			return p.fail(ErrNoCredential, where+" is a string but not a VC-JWT", "", nil)
		}
		return p.jwtCredential(jws, Item{Format: FormatJWT, Index: i, FromPresentation: fromVP}, where)
	case '{':
		o, ok := decodeObject(raw)
		if !ok {
			return p.fail(ErrCorrupt, where+" is not a valid JSON object", "", nil)
		}
		switch o.classify() {
		case kindCredential:
			return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Raw: bytes.Clone(raw), Index: i, FromPresentation: fromVP})
		case kindEnvelopedCredential:
			jws, err := p.enveloped(o, where)
			if err != nil {
				return err
			}
			return p.jwtCredential(jws, Item{Format: FormatJWT, Index: i, FromPresentation: fromVP}, where)
		case kindPresentation, kindEnvelopedPresentation:
			return p.fail(ErrNoCredential, where+" is a presentation; presentations inside a "+container+" are not supported",
				"import that presentation on its own", nil)
		case kindOpenBadges2:
			if fromVP {
				return p.fail(ErrOpenBadges2, where+" is an Open Badges 2.0 assertion, which a presentation cannot carry", hintOB2, nil)
			}
			return p.add(Item{Format: FormatJSON, Encoding: EncodingJSON, Family: FamilyOB2, Raw: bytes.Clone(raw), Index: i})
		}
		return p.fail(ErrNoCredential, where+" is not a verifiable credential", "", nil)
	}
	return p.fail(ErrNoCredential, where+" is not a credential (neither a JSON object nor a VC-JWT string)", "", nil)
}

// envelopedMediaTypes are the data: URL media types of an enveloped
// credential or presentation that hold a compact JWS.
var envelopedMediaTypes = []string{
	"application/vc+jwt", "application/vc-ld+jwt", "application/vp+jwt", "application/vp-ld+jwt", "application/jwt",
}

// enveloped returns the compact JWS inside a VC 2.0 enveloped credential or
// presentation, whose id is a data: URL.
func (p *parser) enveloped(o object, where string) ([]byte, error) {
	var id string
	if err := json.Unmarshal(o["id"], &id); err != nil {
		return nil, p.fail(ErrNoCredential, where+" has no data: URL in its id", "", nil)
	}
	rest, ok := strings.CutPrefix(id, "data:")
	if !ok {
		return nil, p.fail(ErrNoCredential, where+" has no data: URL in its id", "", nil)
	}
	media, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, p.fail(ErrCorrupt, where+" has a malformed data: URL", "", nil)
	}
	media = strings.ToLower(strings.TrimSpace(media))
	for _, m := range envelopedMediaTypes {
		if media == m {
			jws := trimSpace([]byte(payload))
			if !looksLikeJWS(jws) {
				return nil, p.fail(ErrCorrupt, where+" does not hold a compact JWS", "", nil)
			}
			return jws, nil
		}
	}
	return nil, p.fail(ErrUnrecognised, fmt.Sprintf("%s uses media type %q, which the wallet does not import", where, media),
		hintAccepted, nil)
}
