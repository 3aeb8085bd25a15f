package importer

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
)

func isBase64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// looksLikeJWS reports whether b has the shape of a compact JWS: three
// non-empty base64url segments separated by two dots, nothing else.
func looksLikeJWS(b []byte) bool {
	dots, seg := 0, 0
	for _, c := range b {
		switch {
		case c == '.':
			if seg == 0 {
				return false
			}
			dots++
			seg = 0
		case isBase64URL(c):
			seg++
		default:
			return false
		}
	}
	return dots == 2 && seg > 0
}

// decodeJWS decodes the header and payload of a compact JWS (already known to
// look like one) as JSON objects, within the limits. The signature is checked
// for shape only: verifying it is the wallet's job.
func (p *parser) decodeJWS(b []byte, where string) (header, payload object, err error) {
	parts := bytes.Split(b, []byte("."))
	if len(parts) != 3 {
		return nil, nil, p.fail(ErrUnrecognised, where+" is not a compact JWS", hintAccepted, nil)
	}
	header, err = p.jwsPart(parts[0], where+" header")
	if err != nil {
		return nil, nil, err
	}
	payload, err = p.jwsPart(parts[1], where+" payload")
	if err != nil {
		return nil, nil, err
	}
	var alg string
	if json.Unmarshal(header["alg"], &alg) != nil || alg == "" {
		return nil, nil, p.fail(ErrCorrupt, where+" header has no signature algorithm (alg)", hintExport, nil)
	}
	if strings.EqualFold(alg, "none") {
		return nil, nil, p.fail(ErrNoCredential, where+" is unsigned (alg none)", "ask your issuer for a signed credential", nil)
	}
	if _, err := base64.RawURLEncoding.DecodeString(string(parts[2])); err != nil {
		return nil, nil, p.fail(ErrCorrupt, where+" signature is not valid base64url", hintExport, err)
	}
	return header, payload, nil
}

func (p *parser) jwsPart(seg []byte, what string) (object, error) {
	dec, err := base64.RawURLEncoding.DecodeString(string(seg))
	if err != nil {
		return nil, p.fail(ErrCorrupt, what+" is not valid base64url", hintExport, err)
	}
	dec = trimSpace(dec)
	if len(dec) == 0 || dec[0] != '{' {
		return nil, p.fail(ErrUnrecognised, what+" is not a JSON object", hintAccepted, nil)
	}
	if err := p.checkJSON(dec, what); err != nil {
		return nil, err
	}
	o, ok := decodeObject(dec)
	if !ok {
		return nil, p.fail(ErrCorrupt, what+" is not a JSON object", hintExport, nil)
	}
	return o, nil
}

// jwtKind tells whether a decoded JWS carries a credential or a presentation.
// A plain typ "JWT" (or none) is not enough: the payload must show it, through
// a "vc"/"vp" claim or by being a VC 2.0 credential or presentation itself.
func jwtKind(header, payload object) kind {
	var typ string
	_ = json.Unmarshal(header["typ"], &typ)
	typ = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(typ)), "application/")
	if _, ok := decodeObject(payload["vp"]); ok || typ == "vp+jwt" || typ == "vp+ld+jwt" ||
		payload.classify() == kindPresentation {
		return kindPresentation
	}
	if _, ok := decodeObject(payload["vc"]); ok || typ == "vc+jwt" || typ == "vc+ld+jwt" ||
		payload.classify() == kindCredential {
		return kindCredential
	}
	if payload.isOpenBadges2() {
		return kindOpenBadges2
	}
	return kindOther
}

// jwtDocument handles a whole input (or a baked or enveloped payload) that is
// a compact JWS: a VC-JWT gives one item, a VP-JWT its credentials.
func (p *parser) jwtDocument(b []byte) error {
	header, payload, err := p.decodeJWS(b, "JWT")
	if err != nil {
		return err
	}
	switch jwtKind(header, payload) {
	case kindCredential:
		return p.add(Item{Format: FormatJWT, Encoding: EncodingJWT, Raw: bytes.Clone(b)})
	case kindPresentation:
		vp, ok := decodeObject(payload["vp"])
		if !ok {
			vp = payload
		}
		return p.presentation(vp, "presentation (VP-JWT)")
	case kindOpenBadges2:
		return p.add(Item{Format: FormatJWT, Encoding: EncodingJWT, Family: FamilyOB2, Raw: bytes.Clone(b)})
	}
	return p.fail(ErrNoCredential,
		"JWT does not carry a verifiable credential (no vc claim, no credential payload, typ is not vc+jwt)",
		hintAccepted, nil)
}

// jwtCredential adds a VC-JWT found inside a container; a presentation is
// refused there.
// tmpl gives Format, Index and FromPresentation of the item.
func (p *parser) jwtCredential(b []byte, tmpl Item, where string) error {
	header, payload, err := p.decodeJWS(b, where)
	if err != nil {
		return err
	}
	switch jwtKind(header, payload) {
	case kindCredential:
		tmpl.Encoding = EncodingJWT
		tmpl.Raw = bytes.Clone(b)
		return p.add(tmpl)
	case kindPresentation:
		return p.fail(ErrNoCredential, where+" is a VP-JWT; nested presentations are not supported",
			"import that presentation on its own", nil)
	case kindOpenBadges2:
		if tmpl.FromPresentation {
			return p.fail(ErrOpenBadges2, where+" is a signed Open Badges 2.0 assertion, which a presentation cannot carry", hintOB2, nil)
		}
		tmpl.Encoding, tmpl.Family = EncodingJWT, FamilyOB2
		tmpl.Raw = bytes.Clone(b)
		return p.add(tmpl)
	}
	return p.fail(ErrNoCredential, where+" is a JWT that does not carry a verifiable credential", "", nil)
}
