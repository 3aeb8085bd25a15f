package verify

import (
	"math"
	"strings"
	"time"
)

// period accumulates the validity verdict of one credential or
// presentation from its dates.
type period struct {
	now     time.Time
	what    string // "credential" or "presentation", for messages
	expired bool
	notYet  bool
	errs    []string
}

// start checks a date from which the document holds (issuanceDate,
// validFrom). A missing field (v == nil and !present) is ignored.
func (p *period) start(field string, v any, present bool) {
	p.bound(field, v, present, parseDateTime, false)
}

// end checks a date until which the document holds (expirationDate,
// validUntil, expires).
func (p *period) end(field string, v any, present bool) {
	p.bound(field, v, present, parseDateTime, true)
}

// startUnix and endUnix check JWT NumericDate claims (nbf, exp).
func (p *period) startUnix(field string, v any, present bool) {
	p.bound(field, v, present, numericDate, false)
}

func (p *period) endUnix(field string, v any, present bool) {
	p.bound(field, v, present, numericDate, true)
}

// bound checks one start (isEnd false) or end date read by parse. A date
// that cannot be read counts against the document: an unreadable start as
// not yet valid, an unreadable end as expired.
func (p *period) bound(field string, v any, present bool, parse func(any) (time.Time, bool), isEnd bool) {
	if !present {
		return
	}
	t, ok := parse(v)
	switch {
	case !ok:
		p.errs = append(p.errs, msgBadDate(field, v))
	case isEnd && p.now.After(t):
		p.errs = append(p.errs, msgExpired(p.what, field, t))
	case !isEnd && p.now.Before(t):
		p.errs = append(p.errs, msgNotYet(p.what, field, t))
	default:
		return
	}
	if isEnd {
		p.expired = true
	} else {
		p.notYet = true
	}
}

// missingStart records a required start date that is absent.
func (p *period) missingStart(msg string) {
	p.notYet = true
	p.errs = append(p.errs, msg)
}

// verdict returns the Validity check value: expired wins over
// not-yet-valid.
func (p *period) verdict() string {
	switch {
	case p.expired:
		return ValidExpired
	case p.notYet:
		return ValidNotYet
	}
	return ValidOK
}

// field returns doc[name] and whether it is present.
func field(doc map[string]any, name string) (any, bool) {
	v, ok := doc[name]
	return v, ok
}

// parseDateTime reads an XML Schema dateTime (which RFC 3339 date-times
// are): 2010-01-01T00:00:00Z, with optional fractional seconds and offset.
// A dateTime without offset is read as UTC. A JSON-LD value object
// {"@value": "...", "@type": "..."} is accepted too.
func parseDateTime(v any) (time.Time, bool) {
	if m, ok := v.(map[string]any); ok {
		v = m["@value"]
	}
	s, ok := v.(string)
	if !ok || len(s) < len("2006-01-02T15:04:05") || len(s) > 64 {
		return time.Time{}, false
	}
	if s != strings.TrimSpace(s) {
		return time.Time{}, false
	}
	// RFC 3339 allows lower-case t and z; Go's parser wants them upper-case.
	s = strings.Map(func(r rune) rune {
		switch r {
		case 't':
			return 'T'
		case 'z':
			return 'Z'
		}
		return r
	}, s)
	if s[10] != 'T' {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// numericDate reads a JWT NumericDate: seconds since the epoch, possibly
// fractional.
func numericDate(v any) (time.Time, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}
