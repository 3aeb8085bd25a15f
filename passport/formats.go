package passport

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Formats of Record for credentials that are not Open Badges 3.0 or CLR.
const (
	FormatOB2      = "ob2"      // Open Badges 2.0 (or 1.x) assertion
	FormatEuropass = "europass" // European Digital Credential (ELM 3, EDC)
)

// isOpenBadges2 reports whether a decoded credential is an Open Badges 2.0
// (or 1.x) assertion rather than a verifiable credential.
func isOpenBadges2(root node) bool {
	if root.hasType("VerifiableCredential") {
		return false
	}
	return root.hasType("Assertion") || (root.get("recipient").ok() && root.get("badge").ok())
}

// isEuropass reports whether a credential is a European Digital Credential.
func isEuropass(root node) bool {
	if root.hasType("EuropeanDigitalCredential") {
		return true
	}
	for c := range root.get("@context").items() {
		if strings.Contains(c.text(), "data.europa.eu/snb/model/context") {
			return true
		}
	}
	return false
}

// unsealed returns the credential inside a JAdES-sealed document (JWS JSON
// serialization with the credential as its payload, as Europass issues it),
// or n itself.
func unsealed(n node) node {
	payload := n.get("payload")
	if !payload.isString() || !(n.get("signatures").ok() || n.get("protected").ok()) {
		return n
	}
	b := []byte(payload.text())
	if len(b) == 0 || b[0] != '{' {
		p, ok := jwtPayload([]byte("x." + payload.text() + ".x"))
		if !ok {
			return n
		}
		b = p
	}
	v, err := decodeJSON(b)
	if err != nil {
		return n
	}
	if inner := (node{v}); inner.object() != nil {
		return inner
	}
	return n
}

// langText reads a plain string or a language map ({"en": "..."}),
// preferring English.
func langText(n node) string {
	if s := n.text(); s != "" {
		return s
	}
	m := n.object()
	if m == nil {
		for x := range n.items() {
			if s := langText(x); s != "" {
				return s
			}
			break
		}
		return ""
	}
	if s := (node{m["@value"]}).text(); s != "" {
		return s
	}
	if s := (node{m["en"]}).text(); s != "" {
		return s
	}
	for _, k := range sortedKeys(m) {
		if s := (node{m[k]}).text(); s != "" {
			return s
		}
	}
	return ""
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// openBadges2 reads an Open Badges 2.0 assertion: its badge class (embedded,
// or only a URL) is the achievement, the badge class's alignments its skills.
func (x *extractor) openBadges2(root node, c *Credential, rec *Record) {
	rec.Format = FormatOB2
	badge := root.get("badge")
	issuer := badge.get("issuer")
	rec.Issuer = fillIssuer(rec.Issuer, Issuer{ID: issuer.ref(), Name: issuer.get("name").text()}, c)
	issued := parseTime(root.get("issuedOn").text())
	if rec.ValidFrom.IsZero() {
		rec.ValidFrom = issued
	}
	if rec.ValidUntil.IsZero() {
		rec.ValidUntil = parseTime(root.get("expires").text())
	}
	ach := Achievement{CredentialID: root.get("id").text(), Issuer: rec.Issuer, Earned: issued, ValidUntil: rec.ValidUntil}
	for range root.get("evidence").items() {
		ach.EvidenceCount++
	}
	ach.ID = badge.ref()
	ach.Name = badge.get("name").text()
	if ach.Name == "" && ach.ID != "" {
		ach.Name = nameFromURL(ach.ID)
	}
	if ach.ID == "" {
		ach.ID = orDefault(ach.CredentialID, rec.RecordID)
	}
	if ach.Name == "" {
		return
	}
	rec.Name = orDefault(rec.Name, ach.Name)
	ach.Tags = badge.get("tags").strs()
	baseName, lvl, hasLevel := splitLevel(ach.Name)
	if hasLevel {
		ach.Level = &lvl
	}
	var skills skillSet
	for _, ref := range alignments(badge.get("alignment")) {
		skills.add(ref, ownLevel(ach.Level, ref))
	}
	if len(skills) == 0 {
		ref := NameRef(baseName)
		skills.add(ref, ownLevel(ach.Level, ref))
	}
	x.finish(&ach, skills, rec)
}

// maxEuropassDepth bounds hasPart nesting in a Europass credential.
const maxEuropassDepth = 4

// europass reads a European Digital Credential: each claim (learning
// achievement, activity, assessment, entitlement, and their parts) is an
// achievement; the ESCO skills related to its learning outcomes are its
// skills, keyed by ESCO URI; outcomes without ESCO references become skills
// by name.
func (x *extractor) europass(root node, c *Credential, rec *Record) {
	rec.Format = FormatEuropass
	if c.IssuerID == "" && c.IssuerName == "" {
		iss := root.get("issuer")
		rec.Issuer = Issuer{ID: iss.ref(), Name: orDefault(langText(iss.get("legalName")), langText(iss.get("name")))}
	}
	if rec.Name == "" {
		rec.Name = langText(root.get("displayParameter").get("title"))
	}
	credID := root.get("id").text()
	for subj := range root.get("credentialSubject").items() {
		for claim := range subj.get("hasClaim").items() {
			x.europassClaim(claim, credID, rec, 0)
		}
	}
}

func (x *extractor) europassClaim(claim node, credID string, rec *Record, depth int) {
	if claim.object() == nil || depth > maxEuropassDepth {
		return
	}
	spec := claim.get("specifiedBy")
	ach := Achievement{CredentialID: credID, Issuer: rec.Issuer, ValidUntil: rec.ValidUntil}
	ach.Name = orDefault(langText(claim.get("title")), langText(spec.get("title")))
	ach.ID = spec.ref()
	if !strings.HasPrefix(ach.ID, "http") {
		ach.ID = credID + "#" + claim.ref()
	}
	ach.Earned = parseTime(claim.get("awardedBy").get("awardingDate").text())
	if ach.Earned.IsZero() {
		ach.Earned = rec.ValidFrom
	}
	for t := range spec.get("thematicArea").items() {
		if s := langText(t.get("prefLabel")); s != "" {
			ach.Tags = append(ach.Tags, s)
		}
	}
	if ach.Name != "" {
		var skills skillSet
		for lo := range spec.get("learningOutcome").items() {
			found := false
			for _, field := range []string{"relatedESCOSkill", "relatedSkill"} {
				for s := range lo.get(field).items() {
					ref, ok := RefFromAlignment(Alignment{TargetName: langText(s.get("prefLabel")), TargetURL: s.ref(),
						TargetType: s.get("notation").text()})
					if ok && ref.Key != "" {
						skills.add(ref, Awarded)
						found = true
					}
				}
			}
			if !found {
				if name := langText(lo.get("title")); name != "" {
					skills.add(NameRef(name), Awarded)
				}
			}
		}
		if len(skills) == 0 {
			skills.add(NameRef(ach.Name), Awarded)
		}
		x.finish(&ach, skills, rec)
	}
	for part := range claim.get("hasPart").items() {
		x.europassClaim(part, credID, rec, depth+1)
	}
}

// nameFromURL makes a name from the last segment of a badge class URL, for a
// badge whose class could not be read: "robotics-badge.json" gives
// "Robotics Badge".
func nameFromURL(u string) string {
	seg := lastSegment(strings.TrimRight(u, "/"))
	if i := strings.LastIndexByte(seg, '.'); i > 0 {
		seg = seg[:i]
	}
	words := strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '+' || r == ' ' })
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[n:]
	}
	return strings.Join(words, " ")
}
