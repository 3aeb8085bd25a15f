package wallet

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/skillpass/skillpass/wallet/ld"
)

// Claims a learner can choose
//
// Claims lists what of a BBS+ credential the share screen offers, one
// entry per choice, each named by the path Choice.Disclose takes. The
// list is judged by planDisclosure itself: a claim is offered only when a
// request for it alone plans, and marked Unavailable when planning refuses
// it for want of ids (ErrNeedsIDs), so the screen never offers what
// Present would refuse.

// MaxClaims bounds how many claims Claims lists for one credential (the
// always-shown ones included); a credential with more lists the first
// MaxClaims in Claims' order.
const MaxClaims = 200

// MaxClaimValue bounds a claim's value preview, in runes (an ellipsis
// included).
const MaxClaimValue = 60

// Claim is one statement of a credential the learner can show or keep
// back.
type Claim struct {
	// Path names the claim for Choice.Disclose: a dotted path from the
	// credential's root ("credentialSubject.achievement.name", "name").
	Path string `json:"path"`
	// Label names the claim for people: the property names on its path
	// (under the subject for the subject's claims), camelCase split into
	// words, joined by " › " ("achievement › name", "credits earned"); the
	// ids and types read "credential id", "subject id" and so on.
	Label string `json:"label"`
	// Value is a short, one-line preview of the claim's value (at most
	// MaxClaimValue runes): a text or number, an object's name or id, a
	// list's first entries.
	Value string `json:"value"`
	// Always is set for the claims every derived credential shows (the
	// credential's id, type, issuer, dates and status, the subject's id
	// and type: see planDisclosure); they need not be chosen and cannot be
	// left out.
	Always bool `json:"always,omitempty"`
	// Unavailable is set for a claim that cannot be shown on its own
	// because it holds an object without an id (ErrNeedsIDs): only the
	// whole credential shows it.
	Unavailable bool `json:"unavailable,omitempty"`
}

// Claims lists the claims of the credential id (a record id or unique
// prefix) that a presentation can show one by one: first those always
// shown, then the subject's claims, then the credential's other
// properties, each in path order. Choose among those neither Always nor
// Unavailable; their paths, with any of the Always ones, make a valid
// Choice.Disclose.
//
// A credential whose proof cannot show single claims (anything but
// BbsBlsSignature2020, a VC-JWT) gives ErrWholeOnly (wrapped); so does a
// BBS+ credential of which nothing can be shown in part (it has no id, or
// an always-shown part has an object without one: then ErrNeedsIDs is
// wrapped too).
func (w *Wallet) Claims(id string) ([]Claim, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	rec, err := w.get(id)
	if err != nil {
		return nil, fmt.Errorf("list claims: %w", err)
	}
	raw := strings.TrimSpace(rec.Raw)
	if !strings.HasPrefix(raw, "{") {
		return nil, fmt.Errorf("list claims of %s: %w: its VC-JWT signature covers it whole", rec.ID, ErrWholeOnly)
	}
	doc, err := ld.Decode([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("list claims of %s: %w: %w", rec.ID, ErrCannotPresent, err)
	}
	claims, err := claimsOf(doc)
	if err != nil {
		return nil, fmt.Errorf("list claims of %s: %w", rec.ID, err)
	}
	return claims, nil
}

// claimsOf lists the claims of a decoded JSON-LD credential (see Claims).
func claimsOf(vc map[string]any) ([]Claim, error) {
	if !isBBS(vc) {
		return nil, fmt.Errorf("%w: its proof (%s) cannot show single claims", ErrWholeOnly, proofName(vc))
	}
	// The smallest request: if it does not plan, nothing does.
	if _, err := planDisclosure(vc, []string{"id"}); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrWholeOnly, err)
	}
	var out []Claim
	add := func(c Claim) bool {
		if len(out) >= MaxClaims {
			return false
		}
		out = append(out, c)
		return true
	}

	// Always shown.
	for _, k := range append([]string{"id", "type"}, alwaysShown...) {
		if v, ok := vc[k]; ok {
			add(Claim{Path: k, Label: topLabel(k), Value: preview(v), Always: true})
		}
	}
	subjects := objects(vc["credentialSubject"])
	for _, k := range []string{"id", "type"} {
		var vals []any
		for _, s := range subjects {
			if v, ok := s[k]; ok {
				vals = append(vals, v)
			}
		}
		if len(vals) > 0 {
			add(Claim{Path: "credentialSubject." + k, Label: "subject " + k, Value: preview(oneOrList(vals)), Always: true})
		}
	}

	// Candidates, judged by the planner.
	var cands []Claim
	for _, k := range choosableKeys(subjects...) {
		vals := childValues(vc["credentialSubject"], k)
		kids := descend(vals)
		if len(kids) == 0 {
			cands = append(cands, Claim{Path: "credentialSubject." + k, Label: humanize(k), Value: preview(vals)})
			continue
		}
		for _, ck := range kids {
			cands = append(cands, Claim{
				Path: "credentialSubject." + k + "." + ck, Label: humanize(k) + " › " + humanize(ck),
				Value: preview(childValues(vals, ck)),
			})
		}
	}
	for _, k := range choosableKeys(vc) {
		switch k {
		case "credentialSubject", "id", "type":
			continue
		}
		if slices.Contains(alwaysShown, k) {
			continue
		}
		cands = append(cands, Claim{Path: k, Label: topLabel(k), Value: preview(vc[k])})
	}
	for _, c := range cands {
		if len(out) >= MaxClaims {
			break
		}
		_, err := planDisclosure(vc, []string{c.Path})
		switch {
		case err == nil:
		case errors.Is(err, ErrNeedsIDs):
			c.Unavailable = true
		default:
			continue // a path the planner cannot name (an odd key)
		}
		add(c)
	}
	return out, nil
}

// objects returns v's objects: v itself, or the objects in a list.
func objects(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// oneOrList is vals[0] when there is one, else vals as a list.
func oneOrList(vals []any) any {
	if len(vals) == 1 {
		return vals[0]
	}
	return vals
}

// choosableKeys returns the keys of the objects, sorted, that a path can
// name as a claim: not id or type (always shown), not @-keywords or proof
// (never chosen), and spelled so that a dotted path names them.
func choosableKeys(objs ...map[string]any) []string {
	seen := map[string]bool{}
	for _, o := range objs {
		for k := range o {
			switch {
			case k == "id", k == "type", k == "proof", k == "", strings.HasPrefix(k, "@"),
				strings.Contains(k, "."), strings.TrimSpace(k) != k:
				continue
			}
			seen[k] = true
		}
	}
	return orderedKeys(seen)
}

// descend returns the properties a claim whose value is v splits into:
// when v is an object with an id, or a list of only such objects, their
// choosable properties; otherwise none (the claim is chosen whole).
func descend(v any) []string {
	var objs []map[string]any
	switch t := v.(type) {
	case map[string]any:
		objs = []map[string]any{t}
	case []any:
		for _, x := range t {
			m, ok := x.(map[string]any)
			if !ok {
				return nil
			}
			objs = append(objs, m)
		}
	}
	if len(objs) == 0 {
		return nil
	}
	for _, o := range objs {
		if str(o["id"]) == "" {
			return nil
		}
	}
	return choosableKeys(objs...)
}

// topLabel labels a top-level property of the credential.
func topLabel(k string) string {
	switch k {
	case "id", "type":
		return "credential " + k
	}
	return humanize(k)
}

// humanize splits a camelCase property name into lower-case words
// ("activityEndDate" becomes "activity end date"); runs of capitals
// (acronyms) stay as they are.
func humanize(k string) string {
	var b strings.Builder
	rs := []rune(k)
	for i, r := range rs {
		if unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]) {
			b.WriteByte(' ')
			if i+1 >= len(rs) || !unicode.IsUpper(rs[i+1]) {
				r = unicode.ToLower(r)
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// preview is a one-line preview of v of at most MaxClaimValue runes.
func preview(v any) string {
	return clip(previewOf(v, 0))
}

// previewOf words v: a text or number as it is, an object by its name
// (or value, or first other property, or id), a list by its first
// entries.
func previewOf(v any, depth int) string {
	if depth > 2 {
		return "…"
	}
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case map[string]any:
		for _, k := range []string{"name", "@value"} {
			if s := previewOf(t[k], depth+1); strings.TrimSpace(s) != "" {
				return s
			}
		}
		for _, k := range orderedKeys(t) {
			if k == "id" || k == "type" || strings.HasPrefix(k, "@") {
				continue
			}
			if s := previewOf(t[k], depth+1); strings.TrimSpace(s) != "" {
				return k + ": " + s
			}
		}
		for _, k := range []string{"id", "@id"} {
			if s := previewOf(t[k], depth+1); strings.TrimSpace(s) != "" {
				return s
			}
		}
		return ""
	case []any:
		const shown = 3
		var parts []string
		for _, x := range t {
			if len(parts) == shown {
				break
			}
			if s := previewOf(x, depth+1); strings.TrimSpace(s) != "" {
				parts = append(parts, s)
			}
		}
		s := strings.Join(parts, ", ")
		if len(t) > shown {
			s += fmt.Sprintf(" (+%d more)", len(t)-shown)
		}
		return s
	}
	return ""
}

// clip makes s one line (control characters and runs of white space
// become one space, invalid UTF-8 becomes U+FFFD) of at most
// MaxClaimValue runes, ending in "…" when cut.
func clip(s string) string {
	var rs []rune
	space := false
	for _, r := range strings.ToValidUTF8(s, string(utf8.RuneError)) {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			space = len(rs) > 0
			continue
		}
		if space {
			rs = append(rs, ' ')
			space = false
		}
		rs = append(rs, r)
		if len(rs) > MaxClaimValue {
			break
		}
	}
	if len(rs) > MaxClaimValue {
		rs = append([]rune(strings.TrimRight(string(rs[:MaxClaimValue-1]), " ")), '…')
	}
	return string(rs)
}
