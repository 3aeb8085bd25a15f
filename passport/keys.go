package passport

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Framework names as they appear in SkillRef.Framework and the JSON output.
const (
	FrameworkSkillsFuture = "SkillsFuture"
	FrameworkESCO         = "ESCO"
	FrameworkONET         = "O*NET"
)

// SkillRef names a skill: by framework code when the source aligns it to a
// framework, else by name. Key is what the passport groups evidence by.
//
// Keys, in the order they are tried:
//
//	source                                         key
//	SkillsFuture TSC/CCS code (framework,          sfw:ICT-DIT-010        (code ICT-DIT-3010-1.1: the first digit
//	  URL host skillsfuture.gov.sg, or the code      of the number is the proficiency level and the
//	  shape SEC-CAT-LNNN-V.V)                         suffix the version; both are dropped so that
//	                                                 levels 3, 4 and 5 of one TSC are one skill)
//	ESCO concept URI (data.europa.eu/esco/…)        esco:http://data.europa.eu/esco/skill/<uuid>
//	O*NET element id (framework O*NET, or a         onet:2.B.3.e
//	  URL on onetonline.org / onetcenter.org)
//	any other framework with a targetCode          fw:<framework, normalised>#<code>
//	a targetUrl alone                               url:<url without scheme, query or trailing slash>
//	a name alone                                    name:<name, lower case, punctuation as spaces>
type SkillRef struct {
	Key       string `json:"key"`
	Name      string `json:"name"`
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
	// Type is the framework's own kind of the item when known: "TSC" or
	// "CCS" for SkillsFuture, "knowledge", "skill/competence" or
	// "transversal" for ESCO, the O*NET content-model branch for O*NET.
	Type string `json:"type,omitempty"`
	// ImpliedLevel is set when the code itself carries a level (SkillsFuture
	// TSC codes); zero otherwise.
	ImpliedLevel int `json:"-"`
}

// Alignment is the part of an Open Badges 3.0 Alignment that identifies a
// skill.
type Alignment struct {
	TargetName      string
	TargetCode      string
	TargetFramework string
	TargetURL       string
	TargetType      string
}

// RefFromAlignment recognises the framework of an alignment and returns the
// skill it names. ok is false when the alignment names nothing usable (no
// code, URL or name) or describes a rubric level rather than a skill.
func RefFromAlignment(a Alignment) (ref SkillRef, ok bool) {
	switch a.TargetType {
	case "CFRubric", "CFRubricCriterion", "CFRubricCriterionLevel":
		return SkillRef{}, false
	}
	name := strings.TrimSpace(a.TargetName)
	code := strings.TrimSpace(a.TargetCode)
	fw := strings.TrimSpace(a.TargetFramework)
	u := strings.TrimSpace(a.TargetURL)
	host := urlHost(u)

	// ESCO: the concept URI is the identifier, in targetUrl or targetCode.
	for _, s := range [2]string{code, u} {
		if key, ok := escoKey(s); ok {
			uri := key[len("esco:"):]
			return SkillRef{Key: key, Name: orDefault(name, lastSegment(uri)), Framework: FrameworkESCO,
				Code: uri, Type: escoType(a.TargetType)}, true
		}
	}
	// O*NET element ids.
	if containsFold(fw, "o*net") || containsFold(fw, "onet") ||
		hasSuffixFold(host, "onetonline.org") || hasSuffixFold(host, "onetcenter.org") {
		id := code
		if !onetID(id) {
			id = lastSegment(u)
		}
		if onetID(id) {
			return SkillRef{Key: "onet:" + id, Name: orDefault(name, id), Framework: FrameworkONET, Code: id,
				Type: onetBranch(id)}, true
		}
	}
	// SkillsFuture.
	if code != "" {
		isSFw := containsFold(fw, "skillsfuture") || containsFold(fw, "skills framework") ||
			strings.EqualFold(fw, "sfw") || hasSuffixFold(host, "skillsfuture.gov.sg")
		if _, _, _, sfwShape := sfwFamily(strings.ToUpper(code)); isSFw || sfwShape {
			return SFwRef(code, name, a.TargetType), true
		}
	}
	switch {
	case code != "" && fw != "":
		return SkillRef{Key: "fw:" + normName(fw) + "#" + strings.ToLower(code), Name: orDefault(name, code),
			Framework: fw, Code: code}, true
	case u != "":
		return SkillRef{Key: "url:" + normURL(u), Name: orDefault(name, lastSegment(u)), Framework: fw, Code: code}, true
	case code != "":
		return SkillRef{Key: "fw:#" + strings.ToLower(code), Name: orDefault(name, code), Code: code}, true
	case name != "":
		return NameRef(name), true
	}
	return SkillRef{}, false
}

// containsFold is strings.Contains for an ASCII lower-case sub, ignoring
// case, without allocating.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// NameRef returns the reference for a skill known only by its name.
func NameRef(name string) SkillRef {
	name = strings.TrimSpace(name)
	return SkillRef{Key: nameKey(name), Name: name}
}

// nameKey is "name:" and the folded name, in one allocation.
func nameKey(name string) string {
	if len(name) <= 128 {
		var f folded
		f.fold(name)
		if !f.trunc {
			var b [133]byte
			n := copy(b[:], "name:")
			n += copy(b[n:], f.text())
			return string(b[:n])
		}
	}
	return "name:" + normName(name)
}

// SFwRef returns the reference for a SkillsFuture TSC or CCS code. typ is
// "TSC" or "CCS" when known (the workbook's TSC_CCS Type column, or an
// alignment's targetType); otherwise a code with a "CCS" part is a CCS and
// any other a TSC.
func SFwRef(code, name, typ string) SkillRef {
	code = strings.ToUpper(strings.TrimSpace(code))
	prefix, num, lvl, ok := sfwFamily(code)
	key := "sfw:" + code
	if ok {
		key = "sfw:" + prefix + "-" + num
	}
	switch {
	case strings.EqualFold(typ, "TSC"):
		typ = "TSC"
	case strings.EqualFold(typ, "CCS"):
		typ = "CCS"
	default:
		typ = "TSC"
		if strings.HasPrefix(code, "CCS") || strings.Contains(code, "-CCS-") {
			typ = "CCS"
		}
	}
	return SkillRef{Key: key, Name: orDefault(strings.TrimSpace(name), code), Framework: FrameworkSkillsFuture,
		Code: code, Type: typ, ImpliedLevel: lvl}
}

// sfwFamily splits a code of the shape SEC-CAT-LNNN-V.V (for example
// ICT-DIT-3010-1.1) into the prefix SEC-CAT, the number without its level
// digit (010) and the level L (1–6). A first digit outside 1–6 is kept in
// num and level is 0.
func sfwFamily(code string) (prefix, num string, level int, ok bool) {
	i := strings.LastIndexByte(code, '-')
	if i < 0 || !isVersion(code[i+1:]) {
		return "", "", 0, false
	}
	j := strings.LastIndexByte(code[:i], '-')
	if j < 0 {
		return "", "", 0, false
	}
	digits := code[j+1 : i]
	if len(digits) != 4 || !allDigits(digits) {
		return "", "", 0, false
	}
	prefix = code[:j]
	parts := 0
	for p := range strings.SplitSeq(prefix, "-") {
		if p == "" || len(p) > 6 || !allUpperAlnum(p) {
			return "", "", 0, false
		}
		parts++
	}
	if parts < 2 {
		return "", "", 0, false
	}
	l := int(digits[0] - '0')
	if l < 1 || l > 6 {
		return prefix, digits, 0, true
	}
	return prefix, digits[1:], l, true
}

func isVersion(s string) bool {
	a, b, ok := strings.Cut(s, ".")
	return ok && a != "" && b != "" && allDigits(a) && allDigits(b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func allUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// escoKey recognises an ESCO concept URI and returns its key: "esco:" and
// the URI with an http scheme (ESCO's canonical form), without a trailing
// slash, query or fragment.
func escoKey(s string) (string, bool) {
	rest, ok := strings.CutPrefix(s, "http://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "https://"); !ok {
			return "", false
		}
	}
	if !strings.HasPrefix(rest, "data.europa.eu/esco/") {
		return "", false
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimRight(rest, "/")
	return "esco:http://" + rest, true
}

// escoType reads an ESCO skill type from an alignment's targetType, which
// issuers aligning to ESCO fill with the concept's skill type.
func escoType(targetType string) string {
	t := strings.ToLower(targetType)
	switch {
	case strings.Contains(t, "knowledge"):
		return "knowledge"
	case strings.Contains(t, "transversal"):
		return "transversal"
	case strings.Contains(t, "skill") || strings.Contains(t, "competenc"):
		return "skill/competence"
	}
	return ""
}

// onetID reports whether s looks like an O*NET content-model element id:
// a digit followed by dot-separated parts, such as 2.B.3.e or 4.A.2.a.4.
func onetID(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts[0]) != 1 || parts[0][0] < '1' || parts[0][0] > '9' {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 {
			return false
		}
		for _, r := range p {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

// onetBranch returns the O*NET content-model branch of an element id, such
// as "2.C" (Knowledge) or "2.B.1" (Social Skills).
func onetBranch(id string) string {
	parts := strings.Split(id, ".")
	if len(parts) >= 3 && parts[0] == "2" && parts[1] == "B" {
		return "2.B." + parts[2]
	}
	return parts[0] + "." + parts[1]
}

// urlHost returns a URL's host as written (compare it with hasSuffixFold).
func urlHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// normURL drops the scheme, query, fragment and trailing slash, and lower-
// cases the host, so that http/https and cosmetic variants key alike.
func normURL(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimRight(u, "/")
	host, path, _ := strings.Cut(u, "/")
	if path == "" {
		return strings.ToLower(host)
	}
	return strings.ToLower(host) + "/" + path
}

func lastSegment(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	u = strings.TrimRight(u, "/")
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// normName folds a name for comparison: lower case, letters and digits
// kept, every run of anything else a single space.
func normName(s string) string {
	if len(s) <= 128 {
		var f folded
		f.fold(s)
		if !f.trunc {
			if string(f.text()) == s {
				return s
			}
			return string(f.text())
		}
	}
	// Fast path: already normal ASCII.
	normal := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') ||
			(c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' ')) ||
			(c != ' ' && (c < 'a' || c > 'z') && (c < '0' || c > '9')) {
			normal = false
			break
		}
	}
	if normal {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		} else {
			space = true
		}
	}
	return b.String()
}
