package passport

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Credential is one credential as the wallet holds it: the credential JSON
// (JSON-LD, or a VC-JWT in compact form) and the wallet's verdict on it.
// Only verified credentials contribute (see Credential.Counts).
type Credential struct {
	// RecordID is the wallet's id for the credential; the passport refers to
	// evidence by it and refuses a second credential with the same id.
	RecordID string
	// JSON is the credential as received. Doc, when not nil, is used instead
	// (the credential already decoded by encoding/json).
	JSON []byte
	Doc  map[string]any

	// The verdict, as the wallet's verifier gave it.
	Verified bool
	// Signature, Validity, Status and IssuerCheck are the verifier's checks:
	// "ok|invalid|missing|unsupported", "ok|expired|not-yet-valid",
	// "ok|revoked|suspended|unknown|none", "confirmed|unconfirmed|mismatch".
	Signature, Validity, Status, IssuerCheck string

	// IssuerID and IssuerName name the issuer as the wallet established it;
	// when empty they are read from the credential.
	IssuerID, IssuerName string
	// ValidFrom and ValidUntil as the wallet read them; when zero they are
	// read from the credential (validFrom/issuanceDate,
	// validUntil/expirationDate).
	ValidFrom, ValidUntil time.Time
}

// Sentinel errors of Normalize and Passport.Add.
var (
	// ErrNotJSON: the credential is neither a JSON object nor a VC-JWT.
	ErrNotJSON = errors.New("credential is not a JSON object or a VC-JWT")
	// ErrUnverified: the verdict does not let the credential count.
	ErrUnverified = errors.New("credential is not verified")
	// ErrRevoked: the issuer revoked or suspended the credential.
	ErrRevoked = errors.New("credential is revoked or suspended")
	// ErrNoAchievement: the credential shows nothing a learner achieved
	// (an endorsement, or an empty subject).
	ErrNoAchievement = errors.New("credential shows no achievement")
	// ErrDuplicate: a credential with the same record id is already counted.
	ErrDuplicate = errors.New("credential already in the passport")
)

// Counts reports whether the verdict lets the credential contribute, and
// why not. A credential counts when it verified; an expired one also counts
// (its skills were evidenced, only the credential lapsed) when its signature
// is ok, its status is ok or none, and its issuer is not a mismatch. Revoked
// and suspended credentials never count.
func (c *Credential) Counts() error {
	switch c.Status {
	case "revoked", "suspended":
		return ErrRevoked
	}
	if c.Verified {
		return nil
	}
	if c.Validity == "expired" && c.Signature == "ok" && (c.Status == "ok" || c.Status == "none") &&
		c.IssuerCheck != "mismatch" {
		return nil
	}
	return ErrUnverified
}

// Formats of Record.
const (
	FormatOB3 = "ob3" // Open Badges 3.0 (OpenBadgeCredential / AchievementCredential)
	FormatCLR = "clr" // CLR 2.0 (ClrCredential)
	FormatVC  = "vc"  // any other verifiable credential
)

// Issuer names an issuer.
type Issuer struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Record is one credential, normalised: the achievements it shows and, for a
// CLR, the relations between them.
type Record struct {
	RecordID     string
	CredentialID string
	Format       string
	Name         string
	Issuer       Issuer
	ValidFrom    time.Time
	ValidUntil   time.Time
	Expired      bool
	Achievements []Achievement
	// Associations are a CLR's relations between achievements.
	Associations []Association
	// Described are achievements a CLR describes without awarding them
	// (ClrSubject.achievement), by id: the names of the stacks its
	// associations build.
	Described map[string]string
}

// Achievement is one earned achievement.
type Achievement struct {
	ID           string
	Name         string
	Type         string // OB 3.0 achievementType, "" when not given
	CredentialID string
	Issuer       Issuer
	// Earned is when the achievement was evidenced: the subject's
	// activityEndDate, else the credential's awardedDate, validFrom or
	// issuanceDate.
	Earned     time.Time
	ValidUntil time.Time
	// Level is the achievement's own level (results not aligned to a
	// skill, or a level in its name or tags); nil when it has none.
	Level        *Level
	Tags         []string
	FieldOfStudy string
	// Related are ids of other editions of the same achievement (OB 3.0
	// related[]).
	Related []string
	// EvidenceCount counts the credential's evidence[] entries.
	EvidenceCount int
	Skills        []SkillEvidence
}

// SkillEvidence is one skill an achievement evidences.
type SkillEvidence struct {
	Ref          SkillRef
	Level        Level
	Category     Category
	CategoryRule string
	// Fast is true when something about the evidence names a fast field.
	Fast bool
}

// Association is a relation between two achievements (CLR 2.0).
// Type is one of exactMatchOf, isChildOf, isParentOf, isPartOf, isPeerOf,
// isRelatedTo, precedes, replacedBy (others are kept but have no effect).
type Association struct {
	Type   string `json:"type"`
	Source string `json:"source"`
	Target string `json:"target"`
}

// Normalize reads one credential into the passport's model. cat may be nil.
// The Record shares no memory with c.
func Normalize(c Credential, cat Catalog) (Record, error) {
	var p jparser
	return normalize(&p, &c, &extractor{cat: cat, in: interner{}, full: true})
}

// maxCLRDepth bounds CLRs nested in CLRs.
const maxCLRDepth = 2

// normalize is Normalize with a reusable parser and extractor (whose
// interner and memo carry over from one credential to the next).
func normalize(p *jparser, c *Credential, x *extractor) (Record, error) {
	root, err := decodeCredential(p, c)
	if err != nil {
		return Record{}, err
	}
	rec := Record{RecordID: c.RecordID}
	if err := x.credential(root, c, &rec, 0); err != nil {
		return Record{}, err
	}
	if len(rec.Achievements) == 0 {
		return Record{}, ErrNoAchievement
	}
	x.in.record(&rec, x.full)
	if len(x.in) > internLimit {
		x.in = interner{}
	}
	return rec, nil
}

// internLimit bounds an extractor's interner; past it, it starts afresh
// (strings already handed out stay valid).
const internLimit = 1 << 16

// interner keeps one copy of each string. Records hold interned strings
// only, so a passport never keeps a credential's JSON alive and equal
// strings from many credentials share memory.
type interner map[string]string

func (m interner) in(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := m[s]; ok {
		return v
	}
	v := strings.Clone(s)
	m[v] = v
	return v
}

func (m interner) issuer(i *Issuer) {
	i.ID, i.Name = m.in(i.ID), m.in(i.Name)
}

func (m interner) level(l *Level) {
	l.Label = m.in(l.Label)
}

func (m interner) all(ss []string) {
	for i := range ss {
		ss[i] = m.in(ss[i])
	}
}

// record interns the strings of rec (the record id is the caller's own).
// Unless full, it leaves out those the passport does not keep (credential
// ids, tags, field of study): they are cleared instead, so that nothing
// keeps the credential's text alive.
func (m interner) record(rec *Record, full bool) {
	if full {
		rec.CredentialID = strings.Clone(rec.CredentialID)
	} else {
		rec.CredentialID = ""
	}
	rec.Name = m.in(rec.Name)
	m.issuer(&rec.Issuer)
	for i := range rec.Achievements {
		a := &rec.Achievements[i]
		a.ID, a.Name, a.Type = m.in(a.ID), m.in(a.Name), m.in(a.Type)
		if full {
			a.CredentialID, a.FieldOfStudy = strings.Clone(a.CredentialID), m.in(a.FieldOfStudy)
			m.all(a.Tags)
		} else {
			a.CredentialID, a.FieldOfStudy, a.Tags = "", "", nil
		}
		m.issuer(&a.Issuer)
		if a.Level != nil {
			m.level(a.Level)
		}
		m.all(a.Related)
		for j := range a.Skills {
			// Skill references are interned when made (extractor.ref).
			m.level(&a.Skills[j].Level)
		}
	}
	for i := range rec.Associations {
		as := &rec.Associations[i]
		as.Type, as.Source, as.Target = m.in(as.Type), m.in(as.Source), m.in(as.Target)
	}
	if rec.Described != nil {
		d := make(map[string]string, len(rec.Described))
		for k, v := range rec.Described {
			d[m.in(k)] = m.in(v)
		}
		rec.Described = d
	}
}

func decodeCredential(p *jparser, c *Credential) (jv, error) {
	if c.Doc != nil {
		n, err := fromAny(c.Doc)
		if err != nil {
			return absent, fmt.Errorf("read credential: %w", err)
		}
		return n, nil
	}
	b := bytes.TrimSpace(c.JSON)
	if len(b) == 0 {
		return absent, ErrNotJSON
	}
	if b[0] != '{' {
		payload, ok := jwtPayload(b)
		if !ok {
			return absent, ErrNotJSON
		}
		b = payload
	}
	n, err := p.parse(string(b))
	if err != nil {
		return absent, fmt.Errorf("read credential: %w", err)
	}
	if n.kind() != jObj {
		return absent, ErrNotJSON
	}
	if vc := n.get("vc"); vc.kind() == jObj {
		// VC-JWT 1.1: the credential is the vc claim.
		return vc, nil
	}
	return n, nil
}

// jwtPayload decodes the payload of a compact JWS.
func jwtPayload(b []byte) ([]byte, bool) {
	parts := bytes.Split(b, []byte("."))
	if len(parts) != 3 {
		return nil, false
	}
	out := make([]byte, base64.RawURLEncoding.DecodedLen(len(parts[1])))
	n, err := base64.RawURLEncoding.Decode(out, bytes.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	out = bytes.TrimSpace(out[:n])
	return out, len(out) > 0 && out[0] == '{'
}

// extractor reads credentials into records. It keeps an interner and a memo
// of what it worked out for alignments and texts, which recur across a
// learner's credentials; both are bounded.
type extractor struct {
	cat Catalog
	in  interner
	// full keeps every string of the record (Normalize); the passport
	// needs fewer.
	full bool
	refs map[Alignment]SkillRef
	kw   map[string]uint8
	// scratch backs the slice alignments returns.
	scratch []SkillRef
}

// memoLimit bounds each memo; past it the memo starts afresh.
const memoLimit = 1 << 14

// ref completes a reference from the catalog and interns it.
func (x *extractor) ref(r SkillRef) SkillRef {
	r = x.cat.complete(r)
	r.Key, r.Name, r.Framework, r.Code, r.Type = x.in.in(r.Key), x.in.in(r.Name), x.in.in(r.Framework),
		x.in.in(r.Code), x.in.in(r.Type)
	return r
}

// Keyword facts about a text, as kept in extractor.kw.
const (
	kwFast   = 1 << 3 // names a fast field
	kwCatMax = 7      // low bits: 1 + index in categoryKeywords, 0 for none
)

// facts returns the keyword category of text (if any) and whether it names a
// fast field.
func (x *extractor) facts(text string) (c Category, hasCat, fast bool) {
	if text == "" {
		return "", false, false
	}
	f, ok := x.kw[text]
	if !ok {
		var fo folded
		fo.fold(text)
		for i, kc := range categoryKeywords {
			if fo.hit(kc.words) {
				f = uint8(i + 1)
				break
			}
		}
		if fo.hit(fastKeywords) {
			f |= kwFast
		}
		if x.kw == nil || len(x.kw) >= memoLimit {
			x.kw = make(map[string]uint8)
		}
		x.kw[x.in.in(text)] = f
	}
	if i := int(f & kwCatMax); i > 0 {
		return categoryKeywords[i-1].cat, true, f&kwFast != 0
	}
	return "", false, f&kwFast != 0
}

func (x *extractor) fast(text string) bool {
	_, _, f := x.facts(text)
	return f
}

// categorise applies the category rules (all but the override) to one piece
// of evidence.
func (x *extractor) categorise(ref SkillRef, tags jv, achievementType string) (Category, string) {
	if c, ok := frameworkCategory(ref.Framework, ref.Type); ok {
		return c, ruleFramework
	}
	for t := range tags.items() {
		if c, ok, _ := x.facts(t.text()); ok {
			return c, ruleTag
		}
	}
	if c, ok, _ := x.facts(ref.Name); ok {
		return c, ruleName
	}
	if c, ok := typeCategory(achievementType); ok {
		return c, ruleType
	}
	return Functional, ruleDefault
}

func (x *extractor) credential(root jv, c *Credential, rec *Record, depth int) error {
	issuer := Issuer{ID: root.get("issuer").ref(), Name: root.get("issuer").get("name").text()}
	validFrom := parseTime(orDefault(root.get("validFrom").text(), root.get("issuanceDate").text()))
	validUntil := parseTime(orDefault(root.get("validUntil").text(), root.get("expirationDate").text()))
	if depth == 0 {
		rec.CredentialID = root.get("id").text()
		rec.Name = root.get("name").text()
		if c.IssuerID != "" || c.IssuerName != "" {
			issuer = Issuer{ID: c.IssuerID, Name: c.IssuerName}
		}
		if !c.ValidFrom.IsZero() {
			validFrom = c.ValidFrom
		}
		if !c.ValidUntil.IsZero() {
			validUntil = c.ValidUntil
		}
		rec.Issuer, rec.ValidFrom, rec.ValidUntil = issuer, validFrom, validUntil
		rec.Expired = c.Validity == "expired"
	}
	switch {
	case root.hasType("EndorsementCredential"):
		return ErrNoAchievement
	case root.hasType("ClrCredential"):
		if depth == 0 {
			rec.Format = FormatCLR
		}
		if depth >= maxCLRDepth {
			return nil
		}
		for subj := range root.get("credentialSubject").items() {
			x.clr(subj, c, rec, depth)
		}
		return nil
	}
	credID := root.get("id").text()
	earnedBase := orDefault(root.get("awardedDate").text(), "")
	base := parseTime(earnedBase)
	if base.IsZero() {
		base = validFrom
	}
	evidence := 0
	for range root.get("evidence").items() {
		evidence++
	}
	ob := root.hasType("OpenBadgeCredential") || root.hasType("AchievementCredential")
	if depth == 0 && rec.Format == "" {
		rec.Format = FormatVC
		if ob {
			rec.Format = FormatOB3
		}
	}
	i := 0
	for subj := range root.get("credentialSubject").items() {
		i++
		if subj.kind() != jObj {
			continue
		}
		earned := parseTime(subj.get("activityEndDate").text())
		if earned.IsZero() {
			earned = base
		}
		common := Achievement{CredentialID: credID, Issuer: issuer, Earned: earned, ValidUntil: validUntil,
			EvidenceCount: evidence}
		if ach := subj.get("achievement"); ach.kind() != jNull {
			for a := range ach.items() {
				x.achievement(a, subj, root, common, rec)
			}
			continue
		}
		if ob {
			continue
		}
		x.plain(subj, root, common, c, i, rec)
	}
	return nil
}

// clr unpacks a ClrSubject: the credentials inside, its associations, and
// the achievements it describes.
func (x *extractor) clr(subj jv, c *Credential, rec *Record, depth int) {
	for vc := range subj.get("verifiableCredential").items() {
		inner := vc
		if vc.kind() == jStr {
			payload, ok := jwtPayload([]byte(vc.text()))
			if !ok {
				continue
			}
			var p jparser
			n, err := p.parse(string(payload))
			if err != nil || n.kind() != jObj {
				continue
			}
			if v := n.get("vc"); v.kind() == jObj {
				n = v
			}
			inner = n
		}
		if inner.kind() != jObj {
			continue
		}
		// Errors of one inner credential (an endorsement, say) do not spoil
		// the others.
		_ = x.credential(inner, c, rec, depth+1)
	}
	for a := range subj.get("association").items() {
		as := Association{Type: a.get("associationType").text(), Source: a.get("sourceId").text(),
			Target: a.get("targetId").text()}
		if as.Type != "" && as.Source != "" && as.Target != "" {
			rec.Associations = append(rec.Associations, as)
		}
	}
	for a := range subj.get("achievement").items() {
		id, name := a.get("id").text(), a.get("name").text()
		if id == "" {
			continue
		}
		if rec.Described == nil {
			rec.Described = map[string]string{}
		}
		rec.Described[id] = orDefault(name, id)
	}
}

// failedStatus lists OB 3.0 result statuses that evidence nothing.
func failedStatus(s string) bool {
	switch s {
	case "Failed", "Withdrew", "Enrolled", "InProgress", "OnHold":
		return true
	}
	return false
}

// achievement reads an OB 3.0 Achievement and the subject's results.
func (x *extractor) achievement(a, subj, root jv, common Achievement, rec *Record) {
	ach := common
	if a.kind() == jStr {
		ach.ID = a.text()
		ach.Name = orDefault(root.get("name").text(), a.text())
	} else if a.kind() == jObj {
		ach.ID = a.get("id").text()
		ach.Name = orDefault(a.get("name").text(), root.get("name").text())
		ach.Type = a.get("achievementType").text()
		if x.full {
			ach.Tags = a.get("tag").strs()
		}
		ach.FieldOfStudy = a.get("fieldOfStudy").text()
		for r := range a.get("related").items() {
			if id := r.ref(); id != "" {
				ach.Related = append(ach.Related, id)
			}
		}
	} else {
		return
	}
	if ach.ID == "" {
		ach.ID = orDefault(common.CredentialID, rec.RecordID)
	}
	if ach.Name == "" {
		ach.Name = ach.ID
	}
	baseName, nameLevel, hasNameLevel := splitLevel(ach.Name)

	// Result descriptions and every rubric level, by id.
	var rds map[string]jv
	var rubric map[string]Level
	for rd := range a.get("resultDescription").items() {
		if id := rd.get("id").text(); id != "" {
			if rds == nil {
				rds = map[string]jv{}
			}
			rds[id] = rd
		}
		var levels []jv
		for l := range rd.get("rubricCriterionLevel").items() {
			levels = append(levels, l)
		}
		for id, l := range rubricLevels(levels) {
			if rubric == nil {
				rubric = map[string]Level{}
			}
			rubric[id] = l
		}
	}

	spec := a.get("specialization").text()
	tags := a.get("tag")
	achFast := x.fast(ach.Name) || x.fast(ach.FieldOfStudy) || x.fast(spec)
	for t := range tags.items() {
		achFast = achFast || x.fast(t.text())
	}
	var skills skillSet

	// Results: aligned ones evidence their skills; the others are the
	// achievement's own level.
	var own Level
	hasOwn := false
	for res := range subj.get("result").items() {
		if failedStatus(res.get("status").text()) {
			continue
		}
		rd := rds[res.get("resultDescription").text()]
		refs := x.alignments(res.get("alignment"))
		if len(refs) == 0 && rd.ok() {
			refs = x.alignments(rd.get("alignment"))
		}
		if len(refs) == 0 {
			if l, ok := resultLevel(res, rd, rubric, false); ok && (!hasOwn || l.Value > own.Value) {
				own, hasOwn = l, true
			}
			continue
		}
		for _, ref := range refs {
			l, ok := resultLevel(res, rd, rubric, ref.Framework == FrameworkSkillsFuture)
			if !ok {
				l = impliedLevel(ref)
			}
			skills.add(ref, l)
		}
	}
	if !hasOwn && hasNameLevel {
		own, hasOwn = nameLevel, true
	}
	for t := range tags.items() {
		if hasOwn {
			break
		}
		own, hasOwn = parseLevel(t.text(), false)
	}
	var ownp *Level
	if hasOwn {
		ownp = new(own)
	}
	ach.Level = ownp

	for _, ref := range x.alignments(a.get("alignment")) {
		skills.add(ref, x.ownLevel(ownp, ref))
	}
	if len(skills) == 0 {
		ref := x.ref(NameRef(baseName))
		skills.add(ref, x.ownLevel(ownp, ref))
	}
	for i := range skills {
		se := &skills[i]
		ref := se.Ref
		se.Category, se.CategoryRule = x.categorise(ref, tags, ach.Type)
		se.Fast = achFast || x.fast(ref.Name) || x.fast(ref.Framework) ||
			(ref.Framework == FrameworkSkillsFuture && fastSector(ref.Code))
		if e, ok := x.cat[ref.Key]; ok && fastSector(e.Sector) {
			se.Fast = true
		}
	}
	ach.Skills = skills
	rec.Achievements = append(rec.Achievements, ach)
}

// ownLevel is the level an achievement gives a skill aligned to it.
func (x *extractor) ownLevel(own *Level, ref SkillRef) Level {
	if own == nil {
		return impliedLevel(ref)
	}
	l := *own
	if ref.Framework == FrameworkSkillsFuture && l.Scale == ScaleLevel {
		if l2, ok := parseLevel(l.Label, true); ok {
			return l2
		}
	}
	return l
}

// impliedLevel is the level a reference carries by itself (a SkillsFuture
// code's level digit), else Awarded.
func impliedLevel(ref SkillRef) Level {
	if ref.ImpliedLevel >= 1 && ref.ImpliedLevel <= 6 {
		return codeProficiencies[ref.ImpliedLevel-1]
	}
	return Awarded
}

// alignments reads alignment[] into skill references, completed from the
// catalog and interned. The result is valid until the next call.
func (x *extractor) alignments(n jv) []SkillRef {
	out := x.scratch[:0]
	defer func() { x.scratch = out[:0] }()
	for al := range n.items() {
		if al.kind() != jObj {
			continue
		}
		a := Alignment{
			TargetName:      al.get("targetName").text(),
			TargetCode:      al.get("targetCode").text(),
			TargetFramework: al.get("targetFramework").text(),
			TargetURL:       al.get("targetUrl").text(),
			TargetType:      al.get("targetType").text(),
		}
		ref, ok := x.refs[a]
		if !ok {
			r, usable := RefFromAlignment(a)
			if usable {
				ref = x.ref(r)
			}
			if x.refs == nil || len(x.refs) >= memoLimit {
				x.refs = make(map[Alignment]SkillRef)
			}
			// The memo's key must not keep the credential's text alive.
			a = Alignment{x.in.in(a.TargetName), x.in.in(a.TargetCode), x.in.in(a.TargetFramework),
				x.in.in(a.TargetURL), x.in.in(a.TargetType)}
			x.refs[a] = ref
		}
		if ref.Key != "" {
			out = append(out, ref)
		}
	}
	return out
}

// plain reads a verifiable credential that is not a badge: its subject's
// claims become one generic achievement, named by the credential's name, a
// claim object's name (a degree, say), or its type.
func (x *extractor) plain(subj, root jv, common Achievement, c *Credential, i int, rec *Record) {
	ach := common
	ach.ID = orDefault(common.CredentialID, c.RecordID)
	if i > 1 {
		ach.ID = fmt.Sprintf("%s#%d", ach.ID, i)
	}
	ach.Name = root.get("name").text()
	claims := 0
	for m := range subj.children() {
		if k := m.key(); k == "id" || k == "type" || k == "@context" {
			continue
		}
		claims++
		if m.kind() == jObj {
			if ach.Name == "" {
				ach.Name = m.get("name").text()
			}
			if ach.Type == "" {
				if t := m.get("type").text(); t != "" {
					if _, ok := typeCategory(t); ok {
						ach.Type = t
					}
				}
			}
		}
	}
	if claims == 0 {
		return
	}
	if ach.Name == "" {
		for t := range root.get("type").items() {
			if s := t.text(); s != "" && s != "VerifiableCredential" {
				ach.Name = humanize(s)
				break
			}
		}
	}
	if ach.Name == "" {
		return
	}
	baseName, lvl, ok := splitLevel(ach.Name)
	if ok {
		ach.Level = &lvl
	}
	ref := x.ref(NameRef(baseName))
	l := x.ownLevel(ach.Level, ref)
	cat, rule := x.categorise(ref, absent, ach.Type)
	ach.Skills = []SkillEvidence{{Ref: ref, Level: l, Category: cat, CategoryRule: rule,
		Fast: x.fast(ach.Name) || x.fast(ref.Name)}}
	rec.Achievements = append(rec.Achievements, ach)
}

// humanize turns a type name such as UniversityDegreeCredential into
// "University Degree".
func humanize(t string) string {
	t = strings.TrimSuffix(t, "Credential")
	var b strings.Builder
	for i, r := range t {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.TrimSpace(b.String())
}

// skillSet collects an achievement's skills, one per key, keeping the best
// level.
type skillSet []SkillEvidence

func (s *skillSet) add(ref SkillRef, l Level) {
	for i := range *s {
		if (*s)[i].Ref.Key == ref.Key {
			if l.Value > (*s)[i].Level.Value {
				(*s)[i].Level = l
			}
			return
		}
	}
	if *s == nil {
		*s = make(skillSet, 0, 2)
	}
	*s = append(*s, SkillEvidence{Ref: ref, Level: l})
}

// parseTime reads the date forms credentials use; zero when none fits.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
