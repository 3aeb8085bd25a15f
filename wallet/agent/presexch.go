package agent

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DIF Presentation Exchange (1.0 and 2.0), the parts Skillpass reads
//
// A presentation definition lists input descriptors; each asks for one
// credential whose fields (JSONPath expressions, the first that resolves
// counts) hold values passing an optional JSON Schema filter. Skillpass
// reads:
//
//   - paths in the form $.a.b, $['a']['b'], $.a[0].b, $.a[*].b (no
//     recursive descent, slices or filter expressions: a field with one
//     of those cannot be matched, and the request says why);
//   - filter keywords type, const, enum, pattern, minimum, maximum,
//     exclusiveMinimum, exclusiveMaximum, minLength, maxLength, contains,
//     items, format (checked for date and date-time), formatMinimum,
//     formatMaximum (dates), not; any other keyword makes the field
//     unmatchable rather than ignored (a match must never be claimed that
//     the verifier would refuse);
//   - Presentation Exchange 1.0 "schema" entries: a credential matches when
//     one of its types or contexts is one of the URIs, or a URI ends in
//     #Type or /Type for one of its types;
//   - constraints.limit_disclosure ("required" or "preferred");
//   - submission_requirements with rule "all" or "pick" (count, min, max)
//     over groups ("from"); "from_nested" is not read: such a request
//     cannot be answered.
//
// A filter applied to a list value that does not itself ask for an array
// is tried on each element too ($.type against {"const": "X"}), as
// verifiers commonly write it.

// Presentation Exchange attachment formats (RFC 0510).
const (
	pexDefinitionFormat = "dif/presentation-exchange/definitions@v1.0"
	pexSubmissionFormat = "dif/presentation-exchange/submission@v1.0"
)

// Limits on what a presentation definition may hold.
const (
	maxDescriptors = 64
	maxFields      = 64
	maxPathLen     = 512
	maxFilterDepth = 16
)

// pexDefinition is a presentation definition.
type pexDefinition struct {
	ID                     string           `json:"id"`
	Name                   string           `json:"name,omitempty"`
	Purpose                string           `json:"purpose,omitempty"`
	InputDescriptors       []pexDescriptor  `json:"input_descriptors"`
	SubmissionRequirements []pexRequirement `json:"submission_requirements,omitempty"`
}

// pexDescriptor is an input descriptor.
type pexDescriptor struct {
	ID          string          `json:"id"`
	Name        string          `json:"name,omitempty"`
	Purpose     string          `json:"purpose,omitempty"`
	Group       []string        `json:"group,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Constraints *struct {
		LimitDisclosure string     `json:"limit_disclosure,omitempty"`
		Fields          []pexField `json:"fields,omitempty"`
	} `json:"constraints,omitempty"`
}

// pexField is one field constraint.
type pexField struct {
	ID       string         `json:"id,omitempty"`
	Name     string         `json:"name,omitempty"`
	Path     []string       `json:"path"`
	Purpose  string         `json:"purpose,omitempty"`
	Filter   map[string]any `json:"filter,omitempty"`
	Optional bool           `json:"optional,omitempty"`
}

// pexRequirement is a submission requirement.
type pexRequirement struct {
	Name       string            `json:"name,omitempty"`
	Purpose    string            `json:"purpose,omitempty"`
	Rule       string            `json:"rule"`
	Count      *int              `json:"count,omitempty"`
	Min        *int              `json:"min,omitempty"`
	Max        *int              `json:"max,omitempty"`
	From       string            `json:"from,omitempty"`
	FromNested []json.RawMessage `json:"from_nested,omitempty"`
}

// pexRequest is a request attachment: the definition and the proof
// options (RFC 0510 puts challenge and domain under "options"; aries'
// own middleware puts them beside the definition).
type pexRequest struct {
	Options *struct {
		Challenge string `json:"challenge,omitempty"`
		Domain    string `json:"domain,omitempty"`
	} `json:"options,omitempty"`
	Challenge  string         `json:"challenge,omitempty"`
	Domain     string         `json:"domain,omitempty"`
	Definition *pexDefinition `json:"presentation_definition"`
}

// parsePEXRequest reads a request attachment and checks its definition.
func parsePEXRequest(raw []byte) (def *pexDefinition, challenge, domain string, err error) {
	var req pexRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, "", "", fmt.Errorf("the request cannot be read: %w", err)
	}
	if req.Definition == nil {
		// A bare definition.
		var d pexDefinition
		if err := json.Unmarshal(raw, &d); err != nil || len(d.InputDescriptors) == 0 {
			return nil, "", "", errors.New("the request holds no presentation_definition")
		}
		req.Definition = &d
	}
	challenge, domain = req.Challenge, req.Domain
	if req.Options != nil {
		if req.Options.Challenge != "" {
			challenge = req.Options.Challenge
		}
		if req.Options.Domain != "" {
			domain = req.Options.Domain
		}
	}
	if err := req.Definition.check(); err != nil {
		return nil, "", "", err
	}
	return req.Definition, challenge, domain, nil
}

// check refuses definitions Skillpass cannot show a learner.
func (d *pexDefinition) check() error {
	switch n := len(d.InputDescriptors); {
	case n == 0:
		return errors.New("the presentation definition asks for nothing (no input_descriptors)")
	case n > maxDescriptors:
		return fmt.Errorf("the presentation definition has %d input descriptors (at most %d are taken)", n, maxDescriptors)
	}
	seen := map[string]bool{}
	for i, in := range d.InputDescriptors {
		if in.ID == "" {
			return fmt.Errorf("input descriptor %d has no id", i+1)
		}
		if seen[in.ID] {
			return fmt.Errorf("input descriptor id %q is used twice", in.ID)
		}
		seen[in.ID] = true
		if in.Constraints != nil {
			if len(in.Constraints.Fields) > maxFields {
				return fmt.Errorf("input descriptor %q has %d fields (at most %d are taken)", in.ID, len(in.Constraints.Fields), maxFields)
			}
			switch in.Constraints.LimitDisclosure {
			case "", "required", "preferred":
			default:
				return fmt.Errorf("input descriptor %q: limit_disclosure %q is neither required nor preferred", in.ID, in.Constraints.LimitDisclosure)
			}
		}
	}
	return nil
}

// limit returns the descriptor's limit_disclosure.
func (in *pexDescriptor) limit() string {
	if in.Constraints == nil {
		return ""
	}
	return in.Constraints.LimitDisclosure
}

// fields returns the descriptor's field constraints.
func (in *pexDescriptor) fields() []pexField {
	if in.Constraints == nil {
		return nil
	}
	return in.Constraints.Fields
}

// schemaURIs reads Presentation Exchange 1.0 "schema": a list of
// {"uri": ...} (or a single such object).
func (in *pexDescriptor) schemaURIs() []string {
	if len(in.Schema) == 0 {
		return nil
	}
	var list []struct {
		URI string `json:"uri"`
	}
	if err := json.Unmarshal(in.Schema, &list); err != nil {
		var one struct {
			URI string `json:"uri"`
		}
		if json.Unmarshal(in.Schema, &one) == nil && one.URI != "" {
			return []string{one.URI}
		}
		return []string{"(unreadable schema)"}
	}
	var out []string
	for _, s := range list {
		if s.URI != "" {
			out = append(out, s.URI)
		}
	}
	return out
}

// fieldMatch is how one field constraint matched a credential.
type fieldMatch struct {
	claim string // the dotted path of the value that matched ("" if optional and absent)
}

// matchDescriptor reports whether the credential vc satisfies in, and the
// claims (dotted paths from the credential's root) its fields matched.
func matchDescriptor(in *pexDescriptor, vc map[string]any) (bool, []string, error) {
	if uris := in.schemaURIs(); len(uris) > 0 && !schemaMatches(uris, vc) {
		return false, nil, nil
	}
	var claims []string
	for _, f := range in.fields() {
		m, ok, err := matchField(f, vc)
		if err != nil {
			return false, nil, err
		}
		if !ok {
			if f.Optional {
				continue
			}
			return false, nil, nil
		}
		if m.claim != "" && !contains(claims, m.claim) {
			claims = append(claims, m.claim)
		}
	}
	return true, claims, nil
}

// schemaMatches reports whether one of vc's types or contexts is one of
// uris (or a URI ends in #Type or /Type).
func schemaMatches(uris []string, vc map[string]any) bool {
	types := stringList(vc["type"])
	ctxs := stringList(vc["@context"])
	for _, u := range uris {
		if contains(types, u) || contains(ctxs, u) {
			return true
		}
		for _, t := range types {
			if strings.HasSuffix(u, "#"+t) || strings.HasSuffix(u, "/"+t) {
				return true
			}
		}
	}
	return false
}

// matchField tries the field's paths in order: the first that resolves to
// a value passing the filter matches.
func matchField(f pexField, vc map[string]any) (fieldMatch, bool, error) {
	if len(f.Path) == 0 {
		return fieldMatch{}, false, errors.New("a field has no path")
	}
	for _, p := range f.Path {
		steps, err := parsePath(p)
		if err != nil {
			return fieldMatch{}, false, err
		}
		for _, hit := range evalPath(vc, steps, nil) {
			ok, err := passes(f.Filter, hit.value, 0)
			if err != nil {
				return fieldMatch{}, false, err
			}
			if ok {
				return fieldMatch{claim: strings.Join(hit.names, ".")}, true, nil
			}
		}
	}
	return fieldMatch{}, false, nil
}

// pathStep is one step of a JSONPath: a property name, an index, or every
// element (index -1).
type pathStep struct {
	name  string
	index int
	all   bool
}

var errPathUnsupported = errors.New("unsupported JSONPath")

// parsePath reads the JSONPath subset Skillpass takes.
func parsePath(p string) ([]pathStep, error) {
	if len(p) > maxPathLen {
		return nil, fmt.Errorf("%w: a path of %d bytes", errPathUnsupported, len(p))
	}
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("%w: %q does not start at $", errPathUnsupported, p)
	}
	var steps []pathStep
	s := p[1:]
	for s != "" {
		switch {
		case strings.HasPrefix(s, ".."):
			return nil, fmt.Errorf("%w: %q uses recursive descent", errPathUnsupported, p)
		case strings.HasPrefix(s, ".*"):
			steps = append(steps, pathStep{all: true})
			s = s[2:]
		case s[0] == '.':
			end := strings.IndexAny(s[1:], ".[")
			if end < 0 {
				end = len(s) - 1
			}
			name := s[1 : 1+end]
			if name == "" {
				return nil, fmt.Errorf("%w: %q has an empty step", errPathUnsupported, p)
			}
			steps = append(steps, pathStep{name: name})
			s = s[1+end:]
		case s[0] == '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				return nil, fmt.Errorf("%w: %q has an unclosed [", errPathUnsupported, p)
			}
			in := strings.TrimSpace(s[1:end])
			switch {
			case in == "*":
				steps = append(steps, pathStep{all: true})
			case len(in) >= 2 && (in[0] == '\'' || in[0] == '"') && in[len(in)-1] == in[0]:
				name := in[1 : len(in)-1]
				if name == "" || strings.ContainsAny(name, `'"`) {
					return nil, fmt.Errorf("%w: %q has a quoted step Skillpass cannot read", errPathUnsupported, p)
				}
				steps = append(steps, pathStep{name: name})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("%w: %q has the step [%s]", errPathUnsupported, p, in)
				}
				steps = append(steps, pathStep{index: n})
			}
			s = s[end+1:]
		default:
			return nil, fmt.Errorf("%w: %q", errPathUnsupported, p)
		}
	}
	return steps, nil
}

// pathHit is a value a path reached, with the property names on the way
// (indexes left out: the wallet discloses a property of every element).
type pathHit struct {
	value any
	names []string
}

// evalPath returns the values steps reach in v.
func evalPath(v any, steps []pathStep, names []string) []pathHit {
	if len(steps) == 0 {
		return []pathHit{{value: v, names: append([]string(nil), names...)}}
	}
	st := steps[0]
	switch {
	case st.name != "":
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		next, ok := m[st.name]
		if !ok {
			return nil
		}
		return evalPath(next, steps[1:], append(names, st.name))
	case st.all:
		var out []pathHit
		switch t := v.(type) {
		case []any:
			for _, e := range t {
				out = append(out, evalPath(e, steps[1:], names)...)
			}
		case map[string]any:
			for _, k := range orderedKeys(t) {
				out = append(out, evalPath(t[k], steps[1:], append(names, k))...)
			}
		}
		return out
	default:
		list, ok := v.([]any)
		if !ok {
			if st.index == 0 {
				// A single value stands for a list of one in JSON-LD.
				return evalPath(v, steps[1:], names)
			}
			return nil
		}
		if st.index >= len(list) {
			return nil
		}
		return evalPath(list[st.index], steps[1:], names)
	}
}

// orderedKeys returns m's keys in sorted order.
func orderedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// dateLayouts are the forms a date filter takes.
var dateLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"}

// parseDate reads an XML Schema date or date-time.
func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

var errFilterUnsupported = errors.New("unsupported filter")

// passes reports whether v passes the JSON Schema filter f (nil passes
// everything). A list value is also tried element by element when the
// filter does not ask for an array.
func passes(f map[string]any, v any, depth int) (bool, error) {
	if f == nil {
		return true, nil
	}
	ok, err := passesOne(f, v, depth)
	if err != nil || ok {
		return ok, err
	}
	if list, isList := v.([]any); isList && f["type"] != "array" {
		for _, e := range list {
			if ok, err := passesOne(f, e, depth); err != nil || ok {
				return ok, err
			}
		}
	}
	return false, nil
}

// passesOne applies filter f to v.
func passesOne(f map[string]any, v any, depth int) (bool, error) {
	if depth > maxFilterDepth {
		return false, fmt.Errorf("%w: nested too deep", errFilterUnsupported)
	}
	for _, k := range orderedKeys(f) {
		want := f[k]
		ok, err := keyword(k, want, v, depth)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// keyword applies one filter keyword.
func keyword(k string, want, v any, depth int) (bool, error) {
	switch k {
	case "$schema", "$id", "title", "description", "$comment":
		return true, nil
	case "type":
		return typeIs(want, v)
	case "const":
		return jsonEqual(want, v), nil
	case "enum":
		list, ok := want.([]any)
		if !ok {
			return false, fmt.Errorf("%w: enum is not a list", errFilterUnsupported)
		}
		for _, e := range list {
			if jsonEqual(e, v) {
				return true, nil
			}
		}
		return false, nil
	case "pattern":
		p, ok := want.(string)
		if !ok {
			return false, fmt.Errorf("%w: pattern is not a string", errFilterUnsupported)
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return false, fmt.Errorf("%w: pattern %q: %v", errFilterUnsupported, p, err)
		}
		s, isStr := v.(string)
		return isStr && re.MatchString(s), nil
	case "minLength", "maxLength":
		n, ok := want.(float64)
		if !ok {
			return false, fmt.Errorf("%w: %s is not a number", errFilterUnsupported, k)
		}
		s, isStr := v.(string)
		if !isStr {
			return false, nil
		}
		l := float64(utf8.RuneCountInString(s))
		if k == "minLength" {
			return l >= n, nil
		}
		return l <= n, nil
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		n, ok := want.(float64)
		if !ok {
			return false, fmt.Errorf("%w: %s is not a number", errFilterUnsupported, k)
		}
		x, isNum := v.(float64)
		if !isNum {
			return false, nil
		}
		switch k {
		case "minimum":
			return x >= n, nil
		case "maximum":
			return x <= n, nil
		case "exclusiveMinimum":
			return x > n, nil
		default:
			return x < n, nil
		}
	case "format":
		f, _ := want.(string)
		s, isStr := v.(string)
		switch f {
		case "date", "date-time":
			_, ok := parseDate(s)
			return isStr && ok, nil
		}
		return false, fmt.Errorf("%w: format %q", errFilterUnsupported, f)
	case "formatMinimum", "formatMaximum", "formatExclusiveMinimum", "formatExclusiveMaximum":
		ws, _ := want.(string)
		bound, ok := parseDate(ws)
		if !ok {
			return false, fmt.Errorf("%w: %s %q is not a date", errFilterUnsupported, k, ws)
		}
		s, _ := v.(string)
		at, ok := parseDate(s)
		if !ok {
			return false, nil
		}
		switch k {
		case "formatMinimum":
			return !at.Before(bound), nil
		case "formatMaximum":
			return !at.After(bound), nil
		case "formatExclusiveMinimum":
			return at.After(bound), nil
		default:
			return at.Before(bound), nil
		}
	case "contains":
		sub, ok := want.(map[string]any)
		if !ok {
			return false, fmt.Errorf("%w: contains is not a schema", errFilterUnsupported)
		}
		list, isList := v.([]any)
		if !isList {
			return false, nil
		}
		for _, e := range list {
			if ok, err := passesOne(sub, e, depth+1); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case "items":
		sub, ok := want.(map[string]any)
		if !ok {
			return false, fmt.Errorf("%w: items is not a schema", errFilterUnsupported)
		}
		list, isList := v.([]any)
		if !isList {
			return true, nil // items constrains arrays only
		}
		for _, e := range list {
			if ok, err := passesOne(sub, e, depth+1); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case "not":
		sub, ok := want.(map[string]any)
		if !ok {
			return false, fmt.Errorf("%w: not is not a schema", errFilterUnsupported)
		}
		ok, err := passesOne(sub, v, depth+1)
		return !ok, err
	}
	return false, fmt.Errorf("%w: keyword %q", errFilterUnsupported, k)
}

// typeIs checks the JSON Schema "type" keyword (a name or a list).
func typeIs(want, v any) (bool, error) {
	var names []string
	switch t := want.(type) {
	case string:
		names = []string{t}
	case []any:
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return false, fmt.Errorf("%w: type list holds a non-string", errFilterUnsupported)
			}
			names = append(names, s)
		}
	default:
		return false, fmt.Errorf("%w: type is neither a name nor a list", errFilterUnsupported)
	}
	for _, n := range names {
		switch n {
		case "string":
			if _, ok := v.(string); ok {
				return true, nil
			}
		case "number":
			if _, ok := v.(float64); ok {
				return true, nil
			}
		case "integer":
			if x, ok := v.(float64); ok && x == math.Trunc(x) {
				return true, nil
			}
		case "boolean":
			if _, ok := v.(bool); ok {
				return true, nil
			}
		case "array":
			if _, ok := v.([]any); ok {
				return true, nil
			}
		case "object":
			if _, ok := v.(map[string]any); ok {
				return true, nil
			}
		case "null":
			if v == nil {
				return true, nil
			}
		default:
			return false, fmt.Errorf("%w: type %q", errFilterUnsupported, n)
		}
	}
	return false, nil
}

// jsonEqual compares two decoded JSON values.
func jsonEqual(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
