package passport

import (
	"fmt"
	"slices"
	"time"
)

// Options shape a passport. The zero value works: wall clock, default
// half-lives, a 90-day expiry window, no pathways file, no role, no catalog.
type Options struct {
	// Now is the clock the freshness, expiry and gap views read; nil means
	// time.Now. Nothing else in the package reads the time.
	Now func() time.Time
	// Pathways are stacks from a pathway file (ParsePathways); CLR
	// associations add their own.
	Pathways []Pathway
	// Role, when set, adds a gap analysis to the view.
	Role *Role
	// Overrides are the learner's categories by skill key; they beat every
	// rule. Values other than the four categories are ignored.
	Overrides map[string]Category
	// Catalog completes framework items (names, TSC/CCS types, sectors).
	// It is applied when records are added, not when they are normalised,
	// so a catalog imported later applies to every record.
	Catalog Catalog
	// HalfLives of fast, standard and durable fields; zero fields take
	// DefaultHalfLives.
	HalfLives HalfLives
	// ExpiryWindow is how far ahead credentials count as expiring; zero
	// means 90 days.
	ExpiryWindow time.Duration
}

// DefaultExpiryWindow is how far ahead Expiring looks unless told otherwise.
const DefaultExpiryWindow = 90 * day

// Entry is one credential as the passport takes it: its normalised Record
// and the wallet's current verdict on it.
type Entry struct {
	// Record is the credential normalised (Normalize, or DecodeRecord of a
	// stored one). The passport keeps the pointer and reads the record
	// later (views, Remove): do not modify a Record once it is in a
	// passport.
	Record  *Record
	Verdict Verdict
}

// Passport is the picture of what a learner can do, built from verified
// credentials' Records. Build makes one; Add takes one more record and
// Remove takes one out, each touching only the skills that record evidences
// (see Remove for the one case that costs more). A Passport is not safe for
// concurrent use.
type Passport struct {
	opts      Options
	overrides map[string]Category
	cls       classifier

	// recs are the records counted, by record id.
	recs   map[string]*recState
	skills map[string]*skill
	// achievements are every counted achievement in the order records were
	// added; those of removed records stay (marked by their record) until
	// compact drops them.
	achievements []achRef
	deadAchs     int
	// graph are the records that relate achievements (related editions,
	// CLR associations and stacks), in the order they were added; the
	// structures below are built from them.
	graph []*recState
	// aliases joins achievement ids that name the same achievement (OB 3.0
	// related[], CLR exactMatchOf / replacedBy) — a union-find forest.
	aliases map[string]string
	// stacks are CLR parents with their children, in first-seen order.
	stacks     map[string]*clrStack
	stackOrder []string
	precedes   map[string][]string
	described  map[string]string
	skipped    []Skipped
	// slab backs the record states Build makes, in one allocation.
	slab []recState
}

// recState is a counted record.
type recState struct {
	rec         *Record
	expired     bool
	unconfirmed bool
	removed     bool
}

// achRef is one counted achievement.
type achRef struct {
	rs *recState
	a  *Achievement
}

type skill struct {
	key string
	// ev is the skill's evidence in the order it was added.
	ev []evidence
	// Aggregates of ev, kept by fold: the index of the best evidence, the
	// newest date, the category of the strongest rule, whether any piece
	// is in a fast field, the first framework type, every issuer.
	best     int
	last     time.Time
	cat      Category
	rule     string
	fast     bool
	typ      string
	issuers  []Issuer
	override Category
}

// evidence is one achievement's evidence of a skill. se points into the
// record, or to the passport's own copy completed from the catalog.
type evidence struct {
	rs *recState
	a  *Achievement
	se *SkillEvidence
}

// category is the override when there is one, else the rule's.
func (s *skill) category() Category {
	if s.override != "" {
		return s.override
	}
	return s.cat
}

// level is the level of the skill's best evidence.
func (s *skill) level() Level { return s.ev[s.best].se.Level }

// ref is the skill's reference as its best evidence gives it (the code and
// name of the level the learner holds), with the first framework type any
// evidence gives when the best gives none.
func (s *skill) ref() SkillRef {
	r := s.ev[s.best].se.Ref
	r.Key = s.key
	r.Type = orDefault(r.Type, s.typ)
	return r
}

// fold takes evidence i into the aggregates; folding every piece in order
// from a zero aggregate gives what adding them one by one gave.
func (s *skill) fold(i int) {
	e := &s.ev[i]
	if i == 0 {
		s.best, s.last, s.cat, s.rule, s.fast, s.typ = 0, time.Time{}, "", "", false, ""
		s.issuers = s.issuers[:0]
	}
	date := e.a.Earned
	if i > 0 {
		b := &s.ev[s.best]
		if lv, bv := e.se.Level.Value, b.se.Level.Value; lv > bv || (lv == bv && date.After(b.a.Earned)) {
			s.best = i
		}
	}
	if date.After(s.last) {
		s.last = date
	}
	if r := ruleRank(e.se.CategoryRule); i == 0 || r < ruleRank(s.rule) ||
		(r == ruleRank(s.rule) && e.se.Category.order() < s.cat.order()) {
		s.cat, s.rule = e.se.Category, e.se.CategoryRule
	}
	s.fast = s.fast || e.se.Fast
	if s.typ == "" {
		s.typ = e.se.Ref.Type
	}
	if !hasIssuer(s.issuers, e.a.Issuer) {
		s.issuers = append(s.issuers, e.a.Issuer)
	}
}

type clrStack struct {
	children []string
	has      map[string]bool
}

// Skipped is a credential that contributed nothing, and why.
type Skipped struct {
	RecordID string `json:"record"`
	Reason   string `json:"reason"`
}

// Build makes a passport from normalised records; it reads no JSON.
// Entries that cannot count (unverified, revoked, an invalid or empty
// record, a repeated record id) are listed by Skipped, not returned as
// errors. The result is the same as adding the entries one by one in
// order.
func Build(entries []Entry, opts Options) *Passport {
	p := newPassport(opts, len(entries))
	p.slab = make([]recState, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		if err := p.add(e.Record, e.Verdict); err != nil {
			id := ""
			if e.Record != nil {
				id = e.Record.RecordID
			}
			p.skip(id, err)
		}
	}
	return p
}

// BuildCredentials is Build for callers that hold only credentials (an
// advisor opening shared files, tests): it normalises each credential that
// counts (Normalize, encoding/json) and builds from the records. A wallet
// keeps the records instead and calls Build. Credentials that cannot be read
// are listed by Skipped.
func BuildCredentials(creds []Credential, opts Options) *Passport {
	p := newPassport(opts, len(creds))
	for i := range creds {
		c := &creds[i]
		if err := c.Counts(); err != nil {
			p.skip(c.RecordID, err)
			continue
		}
		rec, err := Normalize(*c)
		if err == nil {
			err = p.add(&rec, c.Verdict)
		}
		if err != nil {
			p.skip(c.RecordID, err)
		}
	}
	return p
}

func newPassport(opts Options, n int) *Passport {
	p := &Passport{
		opts:      opts,
		overrides: map[string]Category{},
		cls:       classifier{memo: true},
		recs:      make(map[string]*recState, n),
		// Most credentials show one achievement; room to spare for Add.
		achievements: make([]achRef, 0, n+n/8+16),
		skills:       map[string]*skill{},
	}
	p.resetGraph()
	for k, c := range opts.Overrides {
		if c.order() < len(Categories) {
			p.overrides[k] = c
		}
	}
	return p
}

// Add takes one more record into the passport; it reads no JSON. It
// returns an error wrapping ErrUnverified, ErrRevoked, ErrRecordVersion,
// ErrInvalidRecord, ErrNoAchievement or ErrDuplicate when the record
// contributes nothing (the passport is then unchanged). The passport keeps
// e.Record (see Entry).
func (p *Passport) Add(e Entry) error {
	if err := p.add(e.Record, e.Verdict); err != nil {
		id := ""
		if e.Record != nil {
			id = e.Record.RecordID
		}
		return fmt.Errorf("add %s: %w", id, err)
	}
	return nil
}

// add checks an entry and merges it.
func (p *Passport) add(rec *Record, v Verdict) error {
	if rec == nil {
		return fmt.Errorf("%w: no record", ErrInvalidRecord)
	}
	if err := v.Counts(); err != nil {
		return err
	}
	if err := rec.Validate(); err != nil {
		return err
	}
	if _, dup := p.recs[rec.RecordID]; dup {
		return ErrDuplicate
	}
	p.merge(rec, v)
	return nil
}

func (p *Passport) skip(record string, err error) {
	p.skipped = append(p.skipped, Skipped{RecordID: record, Reason: err.Error()})
}

// Skipped lists the credentials that contributed nothing, in input order.
func (p *Passport) Skipped() []Skipped { return slices.Clone(p.skipped) }

// Len is the number of credentials the passport counts.
func (p *Passport) Len() int { return len(p.recs) }

// merge folds a valid record into the passport.
func (p *Passport) merge(rec *Record, v Verdict) {
	var rs *recState
	if len(p.slab) < cap(p.slab) {
		p.slab = append(p.slab, recState{rec: rec, expired: v.Expired(), unconfirmed: v.Unconfirmed()})
		rs = &p.slab[len(p.slab)-1]
	} else {
		rs = &recState{rec: rec, expired: v.Expired(), unconfirmed: v.Unconfirmed()}
	}
	p.recs[rec.RecordID] = rs
	for i := range rec.Achievements {
		a := &rec.Achievements[i]
		p.achievements = append(p.achievements, achRef{rs: rs, a: a})
		achFast := -1 // worked out once, if the catalog needs it
		for j := range a.Skills {
			se := p.complete(&a.Skills[j], a, &achFast)
			p.mergeSkill(evidence{rs: rs, a: a, se: se})
		}
	}
	if rec.hasGraph() {
		p.graph = append(p.graph, rs)
		p.addGraph(rec)
	}
}

// complete returns the evidence with its reference completed from the
// catalog and its category and field worked out again from the completed
// reference (a name or TSC/CCS type the alignment left out); evidence the
// catalog does not know is returned as it is.
func (p *Passport) complete(se *SkillEvidence, a *Achievement, achFast *int) *SkillEvidence {
	if len(p.opts.Catalog) == 0 {
		return se
	}
	entry, ok := p.opts.Catalog[se.Ref.Key]
	if !ok {
		return se
	}
	if *achFast < 0 {
		*achFast = 0
		if p.cls.achievementFast(a) {
			*achFast = 1
		}
	}
	c := *se
	c.Ref = p.opts.Catalog.complete(se.Ref)
	p.cls.classify(&c, a, *achFast == 1)
	c.Fast = c.Fast || fastSector(entry.Sector)
	return &c
}

func (p *Passport) mergeSkill(e evidence) {
	key := e.se.Ref.Key
	s, ok := p.skills[key]
	if !ok {
		s = &skill{key: key, override: p.overrides[key]}
		p.skills[key] = s
	}
	s.ev = append(s.ev, e)
	s.fold(len(s.ev) - 1)
}

// Remove takes a credential out of the passport (the wallet deleted it, or
// found it revoked): its achievements, its evidence and what it added to
// stacks. The result is the same as building the passport without it.
//
// Cost: the evidence of the skills the record evidences is folded again
// (no other skill is touched), and its achievements are dropped from the
// list lazily (the list is compacted when half of it is dropped). A record
// that relates achievements — related editions, CLR associations or
// described stacks — also makes the passport replay the relations of every
// other such record (not their skills); those are few.
//
// A record id the passport skipped is dropped from Skipped. Remove returns
// an error wrapping ErrNotInPassport when the passport neither counts nor
// skipped the id.
func (p *Passport) Remove(recordID string) error {
	dropped := p.dropSkipped(recordID)
	rs, ok := p.recs[recordID]
	if !ok {
		if dropped {
			return nil
		}
		return fmt.Errorf("remove %s: %w", recordID, ErrNotInPassport)
	}
	delete(p.recs, recordID)
	rs.removed = true
	rec := rs.rec
	for i := range rec.Achievements {
		a := &rec.Achievements[i]
		p.deadAchs++
		for j := range a.Skills {
			p.dropEvidence(a.Skills[j].Ref.Key, rs)
		}
	}
	if p.deadAchs > 64 && 2*p.deadAchs > len(p.achievements) {
		p.achievements = slices.DeleteFunc(p.achievements, func(ar achRef) bool { return ar.rs.removed })
		p.deadAchs = 0
	}
	if i := slices.Index(p.graph, rs); i >= 0 {
		p.graph = slices.Delete(p.graph, i, i+1)
		p.resetGraph()
		for _, g := range p.graph {
			p.addGraph(g.rec)
		}
	}
	return nil
}

// dropEvidence removes a record's evidence from a skill and folds the rest
// again; a skill left without evidence is gone (its override stays).
func (p *Passport) dropEvidence(key string, rs *recState) {
	s, ok := p.skills[key]
	if !ok {
		return
	}
	n := len(s.ev)
	s.ev = slices.DeleteFunc(s.ev, func(e evidence) bool { return e.rs == rs })
	switch {
	case len(s.ev) == n:
		// Already dropped (two achievements of the record evidence it).
	case len(s.ev) == 0:
		delete(p.skills, key)
	default:
		for i := range s.ev {
			s.fold(i)
		}
	}
}

func (p *Passport) dropSkipped(recordID string) bool {
	n := len(p.skipped)
	p.skipped = slices.DeleteFunc(p.skipped, func(s Skipped) bool { return s.RecordID == recordID })
	return len(p.skipped) < n
}

// resetGraph empties the structures built from related achievements.
func (p *Passport) resetGraph() {
	p.aliases = map[string]string{}
	p.stacks = map[string]*clrStack{}
	p.stackOrder = nil
	p.precedes = map[string][]string{}
	p.described = map[string]string{}
}

// addGraph takes a record's relations between achievements.
func (p *Passport) addGraph(rec *Record) {
	for i := range rec.Achievements {
		a := &rec.Achievements[i]
		for _, rel := range a.Related {
			p.union(a.ID, rel)
		}
	}
	for _, as := range rec.Associations {
		src, dst := as.Source, as.Target
		switch as.Type {
		case "isChildOf", "isPartOf":
			p.stack(dst, src)
		case "isParentOf":
			p.stack(src, dst)
		case "exactMatchOf", "replacedBy":
			p.union(src, dst)
		case "precedes":
			if !slices.Contains(p.precedes[dst], src) {
				p.precedes[dst] = append(p.precedes[dst], src)
			}
		}
	}
	for id, name := range rec.Described {
		if _, ok := p.described[id]; !ok {
			p.described[id] = name
		}
	}
}

func hasIssuer(is []Issuer, x Issuer) bool {
	for _, i := range is {
		if i.ID == x.ID && (x.ID != "" || i.Name == x.Name) {
			return true
		}
	}
	return false
}

func (p *Passport) stack(parent, child string) {
	st, ok := p.stacks[parent]
	if !ok {
		st = &clrStack{has: map[string]bool{}}
		p.stacks[parent] = st
		p.stackOrder = append(p.stackOrder, parent)
	}
	if !st.has[child] {
		st.has[child] = true
		st.children = append(st.children, child)
	}
}

// find returns the representative of an achievement id's alias class.
func (p *Passport) find(id string) string {
	root := id
	for {
		next, ok := p.aliases[root]
		if !ok || next == root {
			break
		}
		root = next
	}
	for id != root {
		next := p.aliases[id]
		p.aliases[id] = root
		id = next
	}
	return root
}

func (p *Passport) union(a, b string) {
	if a == "" || b == "" {
		return
	}
	ra, rb := p.find(a), p.find(b)
	if ra == rb {
		return
	}
	// Keep the smaller string as the root so that the forest does not
	// depend on the order associations arrive in.
	if rb < ra {
		ra, rb = rb, ra
	}
	p.aliases[rb] = ra
	if _, ok := p.aliases[ra]; !ok {
		p.aliases[ra] = ra
	}
}

// SetCategory records the learner's category for a skill key (it beats
// every rule), for a skill held now or later; the empty category removes the
// override. A category other than the four is refused with
// ErrUnknownCategory.
func (p *Passport) SetCategory(key string, c Category) error {
	if c != "" && c.order() == len(Categories) {
		return fmt.Errorf("set category of %s: %w", key, ErrUnknownCategory)
	}
	if c == "" {
		delete(p.overrides, key)
	} else {
		p.overrides[key] = c
	}
	if s, ok := p.skills[key]; ok {
		s.override = c
	}
	return nil
}

func (p *Passport) now() time.Time {
	if p.opts.Now != nil {
		return p.opts.Now()
	}
	return time.Now()
}

func (p *Passport) halfLives() HalfLives {
	h := p.opts.HalfLives
	if h.Fast <= 0 {
		h.Fast = DefaultHalfLives.Fast
	}
	if h.Standard <= 0 {
		h.Standard = DefaultHalfLives.Standard
	}
	if h.Durable <= 0 {
		h.Durable = DefaultHalfLives.Durable
	}
	return h
}
