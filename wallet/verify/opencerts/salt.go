package opencerts

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Reveal returns doc's data with every salted value "<uuid v4>:<type>:<value>"
// turned back into its value (a string, number, boolean or nil); values
// without a salt are kept as they are, as OpenAttestation keeps them. Fields
// the holder obfuscated are simply absent. It returns an error wrapping
// ErrNotOpenAttestation when Detect(doc) is false and one wrapping
// ErrMalformed for a salted value of an unknown type. doc is not modified.
func Reveal(doc map[string]any) (map[string]any, error) {
	if !Detect(doc) {
		return nil, ErrNotOpenAttestation
	}
	out, err := unsaltValue(doc["data"], "data")
	if err != nil {
		return nil, err
	}
	m, _ := out.(map[string]any)
	return m, nil
}

func unsaltValue(v any, path string) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, x := range t {
			u, err := unsaltValue(x, path+"."+k)
			if err != nil {
				return nil, err
			}
			m[k] = u
		}
		return m, nil
	case []any:
		l := make([]any, len(t))
		for i, x := range t {
			u, err := unsaltValue(x, fmt.Sprintf("%s.%d", path, i))
			if err != nil {
				return nil, err
			}
			l[i] = u
		}
		return l, nil
	case string:
		u, err := Unsalt(t)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrMalformed, path, err)
		}
		return u, nil
	default:
		return v, nil
	}
}

// Unsalt returns the value of one salted string "<uuid v4>:<type>:<value>"
// (type string, number, boolean, null or undefined; undefined gives nil).
// A string that does not start with a version 4 UUID is returned as it is.
func Unsalt(s string) (any, error) {
	if len(s) < 37 || s[36] != ':' || !isUUIDv4(s[:36]) {
		return s, nil
	}
	rest := strings.TrimSpace(s[37:])
	typ, val, _ := strings.Cut(rest, ":")
	switch typ {
	case "string":
		return val, nil
	case "number":
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Errorf("salted number %q cannot be read", val)
		}
		return f, nil
	case "boolean":
		return val == "true", nil
	case "null", "undefined":
		return nil, nil
	}
	return nil, fmt.Errorf("salted value has unknown type %q", typ)
}

// isUUIDv4 reports whether s is a version 4 UUID
// (xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, either case).
func isUUIDv4(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		case 14:
			if c != '4' {
				return false
			}
		case 19:
			if !strings.ContainsRune("89abAB", rune(c)) {
				return false
			}
		default:
			if !isHex(string(c)) {
				return false
			}
		}
	}
	return true
}

// str returns the un-salted string value of v, or "".
func str(v any) string {
	s, ok := v.(string)
	if !ok {
		return ""
	}
	u, err := Unsalt(s)
	if err != nil {
		return ""
	}
	out, _ := u.(string)
	return out
}

// issuerID names the first issuer by its contract, else by its name.
func issuerID(data map[string]any) string {
	list, _ := data["issuers"].([]any)
	if len(list) == 0 {
		return ""
	}
	iss, _ := list[0].(map[string]any)
	for _, k := range []string{"documentStore", "tokenRegistry", "certificateStore"} {
		if a := str(iss[k]); a != "" {
			return "ethereum:" + a
		}
	}
	return str(iss["name"])
}

// dates returns issuedOn and expiresOn, un-salted.
func dates(data map[string]any) []Date {
	var out []Date
	for _, d := range []Date{{Field: "issuedOn"}, {Field: "expiresOn", End: true}} {
		v, ok := data[d.Field]
		if !ok {
			continue
		}
		s := str(v)
		if len(s) == len("2006-01-02") {
			s += "T00:00:00Z"
		}
		d.Value = s
		out = append(out, d)
	}
	return out
}

// errNotJSON is returned for Go values JSON decoding cannot produce.
var errNotJSON = errors.New("value is not JSON")

// writeJSValue writes a leaf value as JavaScript's JSON.stringify does:
// strings escaped as in writeJSString, numbers as Number.prototype.toString,
// and empty objects and arrays as {} and [].
func writeJSValue(b *strings.Builder, v any) error {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case string:
		writeJSString(b, t)
	case float64:
		b.WriteString(jsNumber(t))
	case map[string]any:
		if len(t) != 0 {
			return errNotJSON
		}
		b.WriteString("{}")
	case []any:
		if len(t) != 0 {
			return errNotJSON
		}
		b.WriteString("[]")
	default:
		return errNotJSON
	}
	return nil
}

// writeJSString writes s as a JSON string the way JavaScript's
// JSON.stringify does: only '"', '\\' and control characters are escaped
// (with \b \f \n \r \t where they exist, else \u00xx in lower case);
// everything else, "<", ">", "&" and U+2028 included, is written as is.
func writeJSString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			// Ranging over a Go string yields no surrogates (invalid
			// UTF-8 reads as U+FFFD), so only control characters remain.
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// jsNumber formats f as JavaScript's Number.prototype.toString (and so
// JSON.stringify) does: the shortest digits that read back as f, in plain
// notation for exponents from -7 to 20 and as d.ddde±x beyond; NaN and
// infinities (which JSON cannot hold) as null.
func jsNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	if f == 0 {
		return "0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±xx
	neg := strings.HasPrefix(e, "-")
	e = strings.TrimPrefix(e, "-")
	mant, expS, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expS)
	digits := strings.Replace(mant, ".", "", 1)
	k := len(digits)
	n := exp + 1 // position of the decimal point relative to the digits
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		sign := "+"
		if n-1 < 0 {
			sign = "-"
		}
		x := n - 1
		if x < 0 {
			x = -x
		}
		if k == 1 {
			out = digits + "e" + sign + strconv.Itoa(x)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(x)
		}
	}
	if neg {
		return "-" + out
	}
	return out
}
