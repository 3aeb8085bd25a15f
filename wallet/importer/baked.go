package importer

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// baked adds the one credential baked into an image: the JSON of a credential
// or a VC-JWT (Open Badges 3.0 allows nothing else). where names the baked
// text in messages.
func (p *parser) baked(text []byte, format Format, where string) error {
	text = trimSpace(bytes.TrimPrefix(text, utf8BOM))
	if len(text) == 0 {
		return p.fail(ErrNoCredential, where+" is empty", hintExport, nil)
	}
	if !utf8.Valid(text) {
		return p.fail(ErrCorrupt, where+" is not valid UTF-8 text", hintExport, nil)
	}
	if text[0] == '{' {
		if err := p.checkJSON(text, where); err != nil {
			return err
		}
		o, ok := decodeObject(text)
		if !ok {
			return p.fail(ErrCorrupt, where+" is not a JSON object", hintExport, nil)
		}
		switch o.classify() {
		case kindCredential:
			return p.add(Item{Format: format, Encoding: EncodingJSON, Raw: bytes.Clone(text)})
		case kindEnvelopedCredential:
			jws, err := p.enveloped(o, where)
			if err != nil {
				return err
			}
			return p.jwtCredential(jws, Item{Format: format}, where)
		case kindOpenBadges2:
			return p.add(Item{Format: format, Encoding: EncodingJSON, Family: FamilyOB2, Raw: bytes.Clone(text)})
		case kindPresentation, kindEnvelopedPresentation:
			return p.fail(ErrNoCredential, where+" is a presentation; a badge image carries exactly one credential", hintExport, nil)
		}
		return p.fail(ErrNoCredential, where+" is JSON but not a verifiable credential", hintExport, nil)
	}
	if looksLikeJWS(text) {
		return p.jwtCredential(text, Item{Format: format}, where)
	}
	if bytes.HasPrefix(text, []byte("http://")) || bytes.HasPrefix(text, []byte("https://")) {
		return p.fail(ErrOpenBadges2, where+" is only the web address of a hosted Open Badges 2.0 assertion ("+
			string(text[:min(len(text), 200)])+")", "download the assertion from that address and import it, or "+hintOB2, nil)
	}
	return p.fail(ErrNoCredential, where+" is neither credential JSON nor a VC-JWT", hintExport, nil)
}

// bakedOB2 handles the text of an Open Badges 2.0 baking slot (PNG keyword
// "openbadges", SVG <openbadges:assertion>): an Open Badges 2.0 assertion
// (JSON or signed JWS), or an Open Badges 3.0 credential some tools bake there.
func (p *parser) bakedOB2(text []byte, format Format, where string) error {
	sub := &parser{name: p.name, lim: p.lim}
	err := sub.baked(text, format, where)
	if err == nil {
		for _, it := range sub.items {
			if err := p.add(it); err != nil {
				return err
			}
		}
		return nil
	}
	if errors.Is(err, ErrTooLarge) || errors.Is(err, ErrTooDeep) || errors.Is(err, ErrOpenBadges2) {
		return err
	}
	// The inner problem is told, not wrapped: the error is of one kind
	// (ErrOpenBadges2), whatever made the inner parse fail.
	detail := errors.New(err.Error())
	var inner *Error
	if errors.As(err, &inner) {
		detail = errors.New(inner.Problem)
	}
	return p.fail(ErrOpenBadges2, "image carries an Open Badges 2.0 badge ("+where+") that is neither an assertion nor a credential",
		hintOB2, detail)
}

// bakeable checks that credential is exactly one credential, as JSON or a
// VC-JWT, and returns it as it will be baked.
func bakeable(credential []byte) (Item, error) {
	items, err := Parse("credential", credential, DefaultLimits())
	if err != nil {
		return Item{}, err
	}
	if len(items) != 1 || items[0].FromPresentation || (items[0].Format != FormatJSON && items[0].Format != FormatJWT) {
		return Item{}, &Error{Name: "credential", Kind: ErrNoCredential,
			Problem: "a badge image carries exactly one credential (JSON or VC-JWT), not a presentation, list or image"}
	}
	return items[0], nil
}

// checkBaked parses a freshly baked image and checks that it gives back
// exactly the credential that was baked.
func checkBaked(name string, out []byte, want Item) error {
	items, err := Parse(name, out, DefaultLimits())
	if err != nil {
		return err
	}
	if len(items) != 1 || items[0].Encoding != want.Encoding || !bytes.Equal(items[0].Raw, want.Raw) {
		return &Error{Name: name, Kind: ErrCorrupt, Problem: "baked image does not give back the credential"}
	}
	return nil
}
