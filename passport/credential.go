package passport

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Verdict is the wallet's verdict on a credential, as its verifier gave it.
// It is not part of a Record: it changes over time (a credential expires,
// its issuer revokes it), so the passport takes it with each Entry.
type Verdict struct {
	// Verified is the verifier's overall verdict.
	Verified bool
	// Signature, Validity, Status and IssuerCheck are the verifier's checks:
	// "ok|invalid|missing|unsupported", "ok|expired|not-yet-valid",
	// "ok|revoked|suspended|unknown|none", "confirmed|unconfirmed|mismatch".
	Signature, Validity, Status, IssuerCheck string
	// Anchor is the verifier's anchor check, for blockchain-anchored
	// credentials only (Blockcerts, OpenCerts): "ok|unknown|mismatch"; ""
	// for every other credential.
	Anchor string
}

// Counts reports whether the verdict lets the credential contribute, and
// why not. A credential counts when it verified, and also when the only
// shortfall is one the passport can live with: it expired (its skills were
// evidenced, only the credential lapsed) or its status list could not be
// checked (status unknown: offline, or a status method Skillpass cannot read;
// the credential itself says so), or its blockchain anchor could not be
// checked (anchor unknown: offline without a copy of the transaction, or a
// chain or document store Skillpass does not read). Either way its
// signature must be ok, its issuer not a mismatch, its anchor not a
// mismatch, and its validity must have begun. Revoked and suspended
// credentials never count. Unconfirmed tells which counted credentials
// were not fully verified.
func (v Verdict) Counts() error {
	switch v.Status {
	case "revoked", "suspended":
		return ErrRevoked
	}
	if v.Anchor == "mismatch" {
		return ErrUnverified
	}
	if v.Verified {
		return nil
	}
	genuine := v.Signature == "ok" && v.IssuerCheck != "mismatch"
	started := v.Validity == "ok" || v.Validity == "expired"
	knownOrUnknown := v.Status == "ok" || v.Status == "none" || v.Status == "unknown"
	if genuine && started && knownOrUnknown {
		return nil
	}
	return ErrUnverified
}

// Unconfirmed reports whether a credential that counts was not fully
// verified: its status list could not be checked (status unknown), or it is
// blockchain-anchored and its anchor was not confirmed (anything but
// "ok"). For Blockcerts and OpenCerts the signature check covers only the
// document hash and the Merkle proof, which anyone can make agree; only the
// anchor shows the issuer published the credential. The passport counts
// such credentials and marks their evidence "unconfirmed". An expired
// credential is not unconfirmed for having expired (Expired says that).
func (v Verdict) Unconfirmed() bool {
	return v.Status == "unknown" || (v.Anchor != "" && v.Anchor != "ok")
}

// Expired reports whether the credential has lapsed (its evidence is then
// shown as expired).
func (v Verdict) Expired() bool { return v.Validity == "expired" }

// Credential is one credential as the wallet holds it: the credential JSON
// (JSON-LD, or a VC-JWT in compact form) and the wallet's verdict on it.
// Normalize reads it into a Record; BuildCredentials does that for callers
// that hold only credentials.
type Credential struct {
	// RecordID is the wallet's id for the credential (Record.RecordID).
	RecordID string
	// JSON is the credential as received. Doc, when not nil, is used instead:
	// the credential already decoded by encoding/json (numbers as float64 or
	// json.Number).
	JSON []byte
	Doc  map[string]any

	// Verdict is the wallet's verdict on the credential.
	Verdict

	// IssuerID and IssuerName name the issuer as the wallet established it;
	// when empty they are read from the credential.
	IssuerID, IssuerName string
	// ValidFrom and ValidUntil as the wallet read them; when zero they are
	// read from the credential (validFrom/issuanceDate,
	// validUntil/expirationDate).
	ValidFrom, ValidUntil time.Time
}

// Sentinel errors of Normalize and of the passport's Build, Add and Remove.
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
	// ErrNotInPassport: Remove was given a record id the passport does not
	// know.
	ErrNotInPassport = errors.New("credential not in the passport")
)

// Normalize reads one credential into a Record, with encoding/json. The
// wallet calls it once, when it stores the credential, and keeps the Record
// (EncodeRecord) next to it. It does not look at the verdict. The Record
// shares no memory with c. Errors wrap ErrNotJSON, ErrNoAchievement, or say
// where the JSON is broken.
func Normalize(c Credential) (Record, error) {
	root, err := decodeCredential(&c)
	if err != nil {
		return Record{}, err
	}
	rec := Record{Version: RecordVersion, RecordID: c.RecordID}
	x := extractor{}
	if err := x.credential(root, &c, &rec, 0); err != nil {
		return Record{}, err
	}
	if len(rec.Achievements) == 0 {
		return Record{}, ErrNoAchievement
	}
	return rec, nil
}

// maxCLRDepth bounds CLRs nested in CLRs.
const maxCLRDepth = 2

// extractor reads a decoded credential into a record.
type extractor struct {
	cls classifier
}

// classifier applies the category and fast-field rules. With memo set it
// remembers what it worked out for each text (names and tags recur across
// a learner's credentials); the memo is bounded.
type classifier struct {
	memo bool
	kw   map[string]uint8
}

// memoLimit bounds the classifier's memo; past it the memo starts afresh.
// Texts longer than memoText are not remembered.
const (
	memoLimit = 1 << 14
	memoText  = 256
)

// Keyword facts about a text, as kept in classifier.kw.
const (
	kwFast   = 1 << 3 // names a fast field
	kwCatMax = 7      // low bits: 1 + index in categoryKeywords, 0 for none
)

// facts returns the keyword category of text (if any) and whether it names a
// fast field.
func (c *classifier) facts(text string) (cat Category, hasCat, fast bool) {
	if text == "" {
		return "", false, false
	}
	f, ok := c.kw[text]
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
		if c.memo && len(text) <= memoText {
			if c.kw == nil || len(c.kw) >= memoLimit {
				c.kw = make(map[string]uint8)
			}
			c.kw[text] = f
		}
	}
	if i := int(f & kwCatMax); i > 0 {
		return categoryKeywords[i-1].cat, true, f&kwFast != 0
	}
	return "", false, f&kwFast != 0
}

func (c *classifier) fast(text string) bool {
	_, _, f := c.facts(text)
	return f
}

// categorise applies the category rules (all but the override) to one piece
// of evidence.
func (c *classifier) categorise(ref SkillRef, tags []string, achievementType string) (Category, string) {
	if cat, ok := frameworkCategory(ref.Framework, ref.Type); ok {
		return cat, ruleFramework
	}
	for _, t := range tags {
		if cat, ok, _ := c.facts(t); ok {
			return cat, ruleTag
		}
	}
	if cat, ok, _ := c.facts(ref.Name); ok {
		return cat, ruleName
	}
	if cat, ok := typeCategory(achievementType); ok {
		return cat, ruleType
	}
	return Functional, ruleDefault
}

// achievementFast reports whether an achievement names a fast field: its
// name, field of study, specialization or a tag.
func (c *classifier) achievementFast(a *Achievement) bool {
	if c.fast(a.Name) || c.fast(a.FieldOfStudy) || c.fast(a.Specialization) {
		return true
	}
	for _, t := range a.Tags {
		if c.fast(t) {
			return true
		}
	}
	return false
}

// skillFast reports whether a skill evidenced by an achievement (achFast:
// the achievement names a fast field) is in a fast field.
func (c *classifier) skillFast(ref SkillRef, achFast bool) bool {
	return achFast || c.fast(ref.Name) || c.fast(ref.Framework) ||
		(ref.Framework == FrameworkSkillsFuture && fastSector(ref.Code))
}

// classify fills a piece of evidence's category, rule and fast flag.
func (c *classifier) classify(se *SkillEvidence, a *Achievement, achFast bool) {
	se.Category, se.CategoryRule = c.categorise(se.Ref, a.Tags, a.Type)
	se.Fast = c.skillFast(se.Ref, achFast)
}

func (x *extractor) credential(root node, c *Credential, rec *Record, depth int) error {
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
			validFrom = utc(c.ValidFrom)
		}
		if !c.ValidUntil.IsZero() {
			validUntil = utc(c.ValidUntil)
		}
		rec.Issuer, rec.ValidFrom, rec.ValidUntil = issuer, validFrom, validUntil
		switch {
		case isOpenAttestation(root):
			x.openCerts(root, c, rec)
			return nil
		case isOpenBadges2(root):
			x.openBadges2(root, c, rec)
			if isBlockcerts2(root) {
				rec.Format = FormatBlockcerts
			}
			return nil
		case isBlockcerts3(root) && x.blockcerts3(root, c, rec):
			return nil
		case isEuropass(root):
			x.europass(root, c, rec)
			return nil
		}
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
	base := parseTime(root.get("awardedDate").text())
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
		if subj.object() == nil {
			continue
		}
		earned := parseTime(subj.get("activityEndDate").text())
		if earned.IsZero() {
			earned = base
		}
		common := Achievement{CredentialID: credID, Issuer: issuer, Earned: earned, ValidUntil: validUntil,
			EvidenceCount: evidence}
		if ach := subj.get("achievement"); ach.ok() {
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
func (x *extractor) clr(subj node, c *Credential, rec *Record, depth int) {
	for vc := range subj.get("verifiableCredential").items() {
		inner := vc
		if vc.isString() {
			payload, ok := jwtPayload([]byte(vc.text()))
			if !ok {
				continue
			}
			v, err := decodeJSON(payload)
			if err != nil {
				continue
			}
			inner = vcClaim(node{v})
		}
		if inner.object() == nil {
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
func (x *extractor) achievement(a, subj, root node, common Achievement, rec *Record) {
	ach := common
	switch {
	case a.isString():
		ach.ID = a.text()
		ach.Name = orDefault(root.get("name").text(), a.text())
	case a.object() != nil:
		ach.ID = a.get("id").text()
		ach.Name = orDefault(a.get("name").text(), root.get("name").text())
		ach.Type = a.get("achievementType").text()
		ach.Tags = a.get("tag").strs()
		ach.FieldOfStudy = a.get("fieldOfStudy").text()
		ach.Specialization = a.get("specialization").text()
		for r := range a.get("related").items() {
			if id := r.ref(); id != "" {
				ach.Related = append(ach.Related, id)
			}
		}
	default:
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
	var rds map[string]node
	var rubric map[string]Level
	for rd := range a.get("resultDescription").items() {
		if id := rd.get("id").text(); id != "" {
			if rds == nil {
				rds = map[string]node{}
			}
			rds[id] = rd
		}
		var levels []node
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
		refs := alignments(res.get("alignment"))
		if len(refs) == 0 && rd.ok() {
			refs = alignments(rd.get("alignment"))
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
	for _, t := range ach.Tags {
		if hasOwn {
			break
		}
		own, hasOwn = parseLevel(t, false)
	}
	if hasOwn {
		ach.Level = new(own)
	}

	for _, ref := range alignments(a.get("alignment")) {
		skills.add(ref, ownLevel(ach.Level, ref))
	}
	if len(skills) == 0 {
		ref := NameRef(baseName)
		skills.add(ref, ownLevel(ach.Level, ref))
	}
	x.finish(&ach, skills, rec)
}

// finish classifies an achievement's skills and adds it to the record.
func (x *extractor) finish(ach *Achievement, skills []SkillEvidence, rec *Record) {
	achFast := x.cls.achievementFast(ach)
	for i := range skills {
		se := &skills[i]
		// The code's level has been read into se.Level; the record keeps
		// the reference only.
		se.Ref.ImpliedLevel = 0
		x.cls.classify(se, ach, achFast)
	}
	ach.Skills = skills
	rec.Achievements = append(rec.Achievements, *ach)
}

// ownLevel is the level an achievement gives a skill aligned to it.
func ownLevel(own *Level, ref SkillRef) Level {
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

// alignments reads alignment[] into skill references.
func alignments(n node) []SkillRef {
	var out []SkillRef
	for al := range n.items() {
		if al.object() == nil {
			continue
		}
		ref, ok := RefFromAlignment(Alignment{
			TargetName:      al.get("targetName").text(),
			TargetCode:      al.get("targetCode").text(),
			TargetFramework: al.get("targetFramework").text(),
			TargetURL:       al.get("targetUrl").text(),
			TargetType:      al.get("targetType").text(),
		})
		if ok && ref.Key != "" {
			out = append(out, ref)
		}
	}
	return out
}

// plain reads a verifiable credential that is not a badge: its subject's
// claims become one generic achievement, named by the credential's name, a
// claim object's name (a degree, say; the first such claim in the order of
// the claims' names), or its type.
func (x *extractor) plain(subj, root node, common Achievement, c *Credential, i int, rec *Record) {
	ach := common
	ach.ID = orDefault(common.CredentialID, c.RecordID)
	if i > 1 {
		ach.ID = fmt.Sprintf("%s#%d", ach.ID, i)
	}
	ach.Name = root.get("name").text()
	claims := 0
	for k, m := range subj.members() {
		if k == "id" || k == "type" || k == "@context" {
			continue
		}
		claims++
		if m.object() != nil {
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
	ref := NameRef(baseName)
	x.finish(&ach, []SkillEvidence{{Ref: ref, Level: ownLevel(ach.Level, ref)}}, rec)
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
	*s = append(*s, SkillEvidence{Ref: ref, Level: l})
}

// parseTime reads the date forms credentials use, in UTC; zero when none
// fits.
func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return utc(t)
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return utc(t)
		}
	}
	return time.Time{}
}

// utc returns t in UTC, or zero when its year is outside 1–9999 (a Record
// must stay writable as RFC 3339).
func utc(t time.Time) time.Time {
	t = t.UTC()
	if y := t.Year(); y < 1 || y > 9999 {
		return time.Time{}
	}
	return t
}
