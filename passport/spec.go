package passport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Shared pieces of the two definition files the passport reads (role
// profiles and pathways).

// maxDefinitionSize bounds a role-profile or pathway file.
const maxDefinitionSize = 1 << 20

// SkillSpec names a skill in a definition file: by framework code, URL or
// name, exactly as an alignment would.
//
//	{"framework": "SkillsFuture", "code": "ICT-DIT-3002-1.1", "name": "Data Analytics"}
//	{"url": "http://data.europa.eu/esco/skill/…", "name": "use spreadsheets software"}
//	{"framework": "O*NET", "code": "2.B.3.e", "name": "Programming"}
//	{"name": "Teamwork"}
type SkillSpec struct {
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
	URL       string `json:"url,omitempty"`
	Name      string `json:"name,omitempty"`
	Type      string `json:"type,omitempty"`
}

// Ref returns the skill reference the spec names.
func (s SkillSpec) Ref() (SkillRef, error) {
	if strings.TrimSpace(s.Code) == "" && strings.TrimSpace(s.URL) == "" {
		if strings.TrimSpace(s.Name) == "" {
			return SkillRef{}, errors.New("skill needs a code, url or name")
		}
		if s.Framework != "" {
			return SkillRef{}, errors.New("skill with a framework needs a code or url")
		}
		return NameRef(s.Name), nil
	}
	ref, ok := RefFromAlignment(Alignment{TargetName: s.Name, TargetCode: s.Code, TargetFramework: s.Framework,
		TargetURL: s.URL, TargetType: s.Type})
	if !ok {
		return SkillRef{}, errors.New("skill names nothing usable")
	}
	return ref, nil
}

// parseMinLevel reads a minimum level given as a number from 0 to 1 or as a
// label ParseLevel understands. sfw reads a bare "Level N" as proficiency.
func parseMinLevel(raw json.RawMessage, sfw bool) (*Level, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		if f < 0 || f > 1 {
			return nil, fmt.Errorf("minLevel %v: a number must be from 0 to 1 (or write a label such as \"Proficiency 3\" or \"Level 2 of 3\")", f)
		}
		l := newLevel(f, strconv.FormatFloat(f, 'g', -1, 64), ScaleLevel)
		return &l, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("minLevel must be a number or a label, not %s", raw)
	}
	l, ok := parseLevel(s, sfw)
	if !ok {
		return nil, fmt.Errorf("minLevel %q is not a level this passport knows (try \"Gold\", \"Level 2 of 3\", \"Proficiency 4\", \"Advanced\" or 0.5)", s)
	}
	return &l, nil
}

// ParseAge reads a maximum age: a whole number followed by y (years of 365
// days), m (months of 30 days), w or d, such as "2y" or "18m"; or a Go
// duration such as "8760h". The empty string is zero.
func ParseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	unit := s[len(s)-1]
	var per time.Duration
	switch unit {
	case 'y':
		per = 365 * day
	case 'm':
		per = 30 * day
	case 'w':
		per = 7 * day
	case 'd':
		per = day
	}
	if per != 0 {
		n, err := strconv.Atoi(s[:len(s)-1])
		if err != nil || n <= 0 || n > 100*365 || time.Duration(n)*per > 100*365*day {
			return 0, fmt.Errorf("age %q: want a whole number of y, m, w or d up to 100 years", s)
		}
		return time.Duration(n) * per, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > 100*365*day {
		return 0, fmt.Errorf("age %q: want such as \"2y\", \"18m\", \"90d\"", s)
	}
	return d, nil
}

// readDefinition reads a definition file into v with unknown fields refused
// (a misspelt field is an error, not a silent default).
func readDefinition(r io.Reader, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, maxDefinitionSize+1))
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if len(b) > maxDefinitionSize {
		return fmt.Errorf("larger than %d bytes", maxDefinitionSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("not valid JSON at byte %d: %w", se.Offset, err)
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return errors.New("not valid JSON: it ends too early")
		case errors.As(err, &te):
			return fmt.Errorf("%s: want %s, not a JSON %s", orDefault(te.Field, "the document"), kindName(te.Type), te.Value)
		}
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// kindName says in JSON terms what a Go type wants.
func kindName(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Float64, reflect.Float32, reflect.Int32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.Pointer:
		return kindName(t.Elem())
	}
	return "another value"
}
