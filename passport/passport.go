package passport

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// Options shape a passport. The zero value works: wall clock, default
// half-lives, a 90-day expiry window, no pathways file, no role.
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
	// Catalog completes framework items (names, TSC/CCS, sectors).
	Catalog Catalog
	// HalfLives of fast, standard and durable fields; zero fields take
	// DefaultHalfLives.
	HalfLives HalfLives
	// ExpiryWindow is how far ahead credentials count as expiring; zero
	// means 90 days.
	ExpiryWindow time.Duration
	// Workers bounds the goroutines Build parses with; 0 means GOMAXPROCS.
	Workers int
}

// DefaultExpiryWindow is how far ahead Expiring looks unless told otherwise.
const DefaultExpiryWindow = 90 * day

// Passport is the picture of what a learner can do, built from verified
// credentials. Build makes one; Add takes one more credential in amortised
// constant time (it does not revisit the credentials already in). A
// Passport is not safe for concurrent use.
type Passport struct {
	opts      Options
	overrides map[string]Category

	seen         map[string]struct{}
	skills       map[string]*skill
	achievements []achRec
	// aliases joins achievement ids that name the same achievement (OB 3.0
	// related[], CLR exactMatchOf / replacedBy) — a union-find forest.
	aliases map[string]string
	// stacks are CLR parents with their children, in first-seen order.
	stacks     map[string]*clrStack
	stackOrder []string
	precedes   map[string][]string
	described  map[string]string
	creds      []credRec
	skipped    []Skipped
	// jp and x read the credentials Add (and a small Build) takes; the
	// parser's arena and the extractor's interner and memo persist.
	jp jparser
	x  extractor
}

type skill struct {
	ref      SkillRef
	best     Level
	bestAt   time.Time
	last     time.Time
	cat      Category
	rule     string
	fast     bool
	override Category
	issuers  []Issuer
	ev       []evidence
}

// category is the override when there is one, else the rule's.
func (s *skill) category() Category {
	if s.override != "" {
		return s.override
	}
	return s.cat
}

type evidence struct {
	record  string
	ach     int32
	date    time.Time
	level   Level
	expired bool
}

type achRec struct {
	id, name, typ string
	record        string
	issuer        Issuer
	earned        time.Time
	level         *Level
	expired       bool
}

type credRec struct {
	record, name string
	issuer       Issuer
	validUntil   time.Time
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

// Build makes a passport from credentials. Credentials that cannot count
// (unverified, revoked, unreadable, no achievement, a repeated record id)
// are listed by Skipped, not returned as errors. Parsing runs on up to
// Options.Workers goroutines; the result is the same as adding the
// credentials one by one in order.
func Build(creds []Credential, opts Options) *Passport {
	p := newPassport(opts, len(creds))
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	const minPerWorker = 256
	workers = min(workers, (len(creds)+minPerWorker-1)/minPerWorker)
	if workers <= 1 {
		for i := range creds {
			p.add(&creds[i])
		}
		return p
	}
	// Workers normalise chunks in parallel; the merge is in input order, so
	// the result does not depend on scheduling.
	type result struct {
		rec Record
		err error
	}
	results := make([]result, len(creds))
	chunk := (len(creds) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(creds))
		if lo >= hi {
			break
		}
		wg.Go(func() {
			var jp jparser
			x := extractor{cat: opts.Catalog, in: interner{}}
			for i := lo; i < hi; i++ {
				c := &creds[i]
				if err := c.Counts(); err != nil {
					results[i].err = err
					continue
				}
				rec, err := normalize(&jp, c, &x)
				results[i] = result{rec, err}
			}
		})
	}
	wg.Wait()
	for i := range creds {
		if results[i].err != nil {
			p.skip(creds[i].RecordID, results[i].err)
			continue
		}
		if err := p.merge(&results[i].rec); err != nil {
			p.skip(creds[i].RecordID, err)
		}
		results[i] = result{}
	}
	return p
}

func newPassport(opts Options, n int) *Passport {
	p := &Passport{
		opts:      opts,
		overrides: map[string]Category{},
		seen:      make(map[string]struct{}, n),
		// Most credentials show one achievement; room to spare for Add.
		achievements: make([]achRec, 0, n+n/8+16),
		skills:       map[string]*skill{},
		aliases:      map[string]string{},
		stacks:       map[string]*clrStack{},
		precedes:     map[string][]string{},
		described:    map[string]string{},
		x:            extractor{cat: opts.Catalog, in: interner{}},
	}
	for k, c := range opts.Overrides {
		if c.order() < len(Categories) {
			p.overrides[k] = c
		}
	}
	return p
}

// Add takes one more credential into the passport. It returns an error
// wrapping ErrUnverified, ErrRevoked, ErrNotJSON, ErrNoAchievement or
// ErrDuplicate when the credential contributes nothing (the passport is then
// unchanged).
func (p *Passport) Add(c Credential) error {
	if err := c.Counts(); err != nil {
		return fmt.Errorf("add %s: %w", c.RecordID, err)
	}
	if _, dup := p.seen[c.RecordID]; dup && c.RecordID != "" {
		return fmt.Errorf("add %s: %w", c.RecordID, ErrDuplicate)
	}
	rec, err := normalize(&p.jp, &c, &p.x)
	if err != nil {
		return fmt.Errorf("add %s: %w", c.RecordID, err)
	}
	if err := p.merge(&rec); err != nil {
		return fmt.Errorf("add %s: %w", c.RecordID, err)
	}
	return nil
}

// add is Add for Build's sequential path: failures are recorded.
func (p *Passport) add(c *Credential) {
	if err := c.Counts(); err != nil {
		p.skip(c.RecordID, err)
		return
	}
	if _, dup := p.seen[c.RecordID]; dup && c.RecordID != "" {
		p.skip(c.RecordID, ErrDuplicate)
		return
	}
	rec, err := normalize(&p.jp, c, &p.x)
	if err != nil {
		p.skip(c.RecordID, err)
		return
	}
	if err := p.merge(&rec); err != nil {
		p.skip(c.RecordID, err)
	}
}

func (p *Passport) skip(record string, err error) {
	p.skipped = append(p.skipped, Skipped{RecordID: record, Reason: err.Error()})
}

// Skipped lists the credentials that contributed nothing, in input order.
func (p *Passport) Skipped() []Skipped { return append([]Skipped(nil), p.skipped...) }

// Len is the number of credentials the passport counts.
func (p *Passport) Len() int { return len(p.seen) }

// merge folds a normalised record into the passport.
func (p *Passport) merge(rec *Record) error {
	if _, dup := p.seen[rec.RecordID]; dup && rec.RecordID != "" {
		return ErrDuplicate
	}
	if len(rec.Achievements) == 0 {
		return ErrNoAchievement
	}
	if len(p.achievements)+len(rec.Achievements) > 1<<31-1 {
		return errors.New("passport is full")
	}
	// Every string of rec is interned (normalize): the passport keeps them
	// as they are.
	record := rec.RecordID
	p.seen[record] = struct{}{}
	if !rec.ValidUntil.IsZero() {
		p.creds = append(p.creds, credRec{record: record, name: orDefault(rec.Name, rec.Achievements[0].Name),
			issuer: rec.Issuer, validUntil: rec.ValidUntil})
	}
	for i := range rec.Achievements {
		a := &rec.Achievements[i]
		ai := int32(len(p.achievements))
		p.achievements = append(p.achievements, achRec{id: a.ID, name: a.Name, typ: a.Type, record: record,
			issuer: a.Issuer, earned: a.Earned, level: a.Level, expired: rec.Expired})
		ar := &p.achievements[ai]
		for _, rel := range a.Related {
			p.union(ar.id, rel)
		}
		for j := range a.Skills {
			p.mergeSkill(&a.Skills[j], ai, ar)
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
			if !contains(p.precedes[dst], src) {
				p.precedes[dst] = append(p.precedes[dst], src)
			}
		}
	}
	for id, name := range rec.Described {
		if _, ok := p.described[id]; !ok {
			p.described[id] = name
		}
	}
	return nil
}

func (p *Passport) mergeSkill(se *SkillEvidence, ai int32, ar *achRec) {
	key := se.Ref.Key
	s, ok := p.skills[key]
	if !ok {
		s = &skill{ref: se.Ref, cat: se.Category, rule: se.CategoryRule, override: p.overrides[key]}
		p.skills[key] = s
	} else {
		if r := ruleRank(se.CategoryRule); r < ruleRank(s.rule) ||
			(r == ruleRank(s.rule) && se.Category.order() < s.cat.order()) {
			s.cat, s.rule = se.Category, se.CategoryRule
		}
		if s.ref.Type == "" && se.Ref.Type != "" {
			s.ref.Type = se.Ref.Type
		}
	}
	lvl := se.Level
	date := ar.earned
	if len(s.ev) == 0 || lvl.Value > s.best.Value || (lvl.Value == s.best.Value && date.After(s.bestAt)) {
		s.best, s.bestAt = lvl, date
	}
	if date.After(s.last) {
		s.last = date
	}
	s.fast = s.fast || se.Fast
	if !hasIssuer(s.issuers, ar.issuer) {
		s.issuers = append(s.issuers, ar.issuer)
	}
	s.ev = append(s.ev, evidence{record: ar.record, ach: ai, date: date, level: lvl, expired: ar.expired})
}

func hasIssuer(is []Issuer, x Issuer) bool {
	for _, i := range is {
		if i.ID == x.ID && (x.ID != "" || i.Name == x.Name) {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
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
