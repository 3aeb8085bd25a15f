package status

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// listDoc is what the Checker keeps of a fetched, verified status list
// credential.
type listDoc struct {
	id           string
	types        []string
	issuer       string
	subjectTypes []string
	purposes     []string
	validFrom    time.Time // zero if absent
	validUntil   time.Time // zero if absent
	ttl          time.Duration
	bits         []byte
	prefixed     bool // encodedList carried a multibase prefix
}

var errNoVerifier = errors.New("no verifier is configured for status lists")

// load fetches, verifies and decodes the list at url.
func (c *Checker) load(ctx context.Context, url string) (*listDoc, error) {
	if c.fetcher == nil {
		return nil, fmt.Errorf("%w: %s", ErrOffline, url)
	}
	raw, err := c.fetcher.Fetch(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrFetch, url, err)
	}
	if len(raw) > c.cfg.maxFetchBytes {
		return nil, fmt.Errorf("%w: %s is %d bytes, more than the %s allowed", ErrListTooLarge, url, len(raw), byteSize(int64(c.cfg.maxFetchBytes)))
	}
	if c.verifier == nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrListNotVerified, url, errNoVerifier)
	}
	doc, err := c.verifier(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrListNotVerified, url, err)
	}
	l, err := parseListDoc(doc, c.cfg.maxListBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return l, nil
}

// parseListDoc reads the fields the Checker needs from a verified status list
// credential, and decodes its bitstring.
func parseListDoc(doc map[string]any, maxListBytes int64) (*listDoc, error) {
	if doc == nil {
		return nil, fmt.Errorf("%w: the verifier returned no credential", ErrMalformed)
	}
	if vc, ok := doc["vc"].(map[string]any); ok && doc["credentialSubject"] == nil {
		// A decoded VC-JWT payload: the credential is its vc claim.
		if vc["issuer"] == nil && doc["iss"] != nil {
			vc = shallowCopy(vc)
			vc["issuer"] = doc["iss"]
		}
		doc = vc
	}
	l := &listDoc{id: str(doc["id"]), types: stringsOf(doc["type"])}
	switch iss := doc["issuer"].(type) {
	case string:
		l.issuer = iss
	case map[string]any:
		l.issuer = str(iss["id"])
	}
	if l.issuer == "" {
		return nil, fmt.Errorf("%w: the status list names no issuer", ErrMalformed)
	}
	var err error
	for _, k := range []string{"validFrom", "issuanceDate"} {
		if l.validFrom, err = laterDate(doc, k, l.validFrom); err != nil {
			return nil, err
		}
	}
	for _, k := range []string{"validUntil", "expirationDate"} {
		if l.validUntil, err = earlierDate(doc, k, l.validUntil); err != nil {
			return nil, err
		}
	}

	subject := listSubject(doc["credentialSubject"])
	if subject == nil {
		return nil, fmt.Errorf("%w: the status list credential has no credentialSubject with an encodedList", ErrMalformed)
	}
	l.subjectTypes = stringsOf(subject["type"])
	l.purposes = stringsOf(subject["statusPurpose"])
	if ms, ok := wholeNumber(subject["ttl"]); ok && ms > 0 && ms < math.MaxInt64/int64(time.Millisecond) {
		l.ttl = time.Duration(ms) * time.Millisecond
	}
	encoded, ok := subject["encodedList"].(string)
	if !ok {
		return nil, fmt.Errorf("%w: encodedList is not a string", ErrMalformed)
	}
	list, prefixed, err := decodeList(encoded, 1, maxListBytes)
	if err != nil {
		return nil, err
	}
	l.bits, l.prefixed = list.bits, prefixed
	return l, nil
}

// listSubject returns the credentialSubject object that carries the list.
func listSubject(v any) map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return t
	case []any:
		for _, x := range t {
			if m, ok := x.(map[string]any); ok && m["encodedList"] != nil {
				return m
			}
		}
	}
	return nil
}

func shallowCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// laterDate returns the later of cur and the date in doc[key].
func laterDate(doc map[string]any, key string, cur time.Time) (time.Time, error) {
	t, err := dateField(doc, key)
	if err != nil || t.IsZero() {
		return cur, err
	}
	if cur.IsZero() || t.After(cur) {
		return t, nil
	}
	return cur, nil
}

// earlierDate returns the earlier of cur and the date in doc[key].
func earlierDate(doc map[string]any, key string, cur time.Time) (time.Time, error) {
	t, err := dateField(doc, key)
	if err != nil || t.IsZero() {
		return cur, err
	}
	if cur.IsZero() || t.Before(cur) {
		return t, nil
	}
	return cur, nil
}

// dateField parses an XML Schema dateTime; without a time zone it is taken
// as UTC. An absent field gives the zero time.
func dateField(doc map[string]any, key string) (time.Time, error) {
	raw, ok := doc[key]
	if !ok || raw == nil {
		return time.Time{}, nil
	}
	s, ok := raw.(string)
	if !ok {
		return time.Time{}, fmt.Errorf("%w: the status list's %s is not a date", ErrMalformed, key)
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: the status list's %s %q is not a date", ErrMalformed, key, s)
}
