package passport

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// View is the passport as the CLI's `passport --json` prints it and the
// desktop app shows it, at the passport's clock. The JSON shape:
//
//	{
//	  "generatedAt": "2026-05-01T00:00:00Z",      the clock's time
//	  "credentials": 12,                          credentials counted
//	  "skills": [{                                by category (display order), then level (highest
//	                                              first), name, key
//	    "key": "sfw:ICT-DIT-010", "name": "Quality Assurance",   name, framework and code of the
//	    "framework": "SkillsFuture", "code": "ICT-DIT-4010-1.1", best evidence (the level shown)
//	    "type": "TSC",
//	    "category": "functional", "categoryLabel": "Functional / Technical",
//	    "categoryRule": "framework",              override|framework|tag|name|achievementType|default
//	    "level": {"value": 0.6667, "label": "Proficiency 4", "scale": "proficiency"},
//	    "issuers": [{"id": "did:web:…", "name": "…"}],
//	    "evidenceCount": 2,
//	    "lastEvidenced": "2025-11-02T00:00:00Z",
//	    "freshness": {"state": "fresh", "field": "fast", "halfLifeDays": 365, "ageDays": 180, "score": 0.7105},
//	    "unconfirmed": true,                      only when no evidence is fully verified
//	    "evidence": [{"record": "…", "achievement": "…", "achievementId": "…", "issuer": {…},
//	                  "code": "…", "date": "…", "level": {…}, "expired": false,
//	                  "unconfirmed": true}]       oldest first; unconfirmed: counted, not fully
//	                                              verified (status or blockchain anchor unknown)
//	  }],
//	  "achievements": [{"id", "name", "type", "record", "issuer", "earned", "level", "expired",
//	                    "unconfirmed"}],
//	                                              in the order credentials were added
//	  "pathways": [Progress…],                    file pathways in file order, then CLR stacks
//	  "completed": ["cdp"],                       ids of complete pathways
//	  "expiring": [{"record", "name", "issuer", "validUntil", "daysLeft"}],   soonest first
//	  "gaps": GapReport,                          only when a role is given
//	  "skipped": [{"record", "reason"}]           only when some credential did not count
//	}
type View struct {
	GeneratedAt  time.Time         `json:"generatedAt"`
	Credentials  int               `json:"credentials"`
	Skills       []SkillView       `json:"skills"`
	Achievements []AchievementView `json:"achievements"`
	Pathways     []Progress        `json:"pathways"`
	Completed    []string          `json:"completed"`
	Expiring     []Expiring        `json:"expiring"`
	Gaps         *GapReport        `json:"gaps,omitempty"`
	Skipped      []Skipped         `json:"skipped,omitempty"`
}

// SkillView is one skill with all its evidence. Name, Framework, Code and
// Level are those of the skill's best evidence (the highest level, the
// newest of equals, the first of those): a SkillsFuture skill held at
// proficiency 3 and 5 shows the level-5 code and label.
type SkillView struct {
	Key           string    `json:"key"`
	Name          string    `json:"name"`
	Framework     string    `json:"framework,omitempty"`
	Code          string    `json:"code,omitempty"`
	Type          string    `json:"type,omitempty"`
	Category      Category  `json:"category"`
	CategoryLabel string    `json:"categoryLabel"`
	CategoryRule  string    `json:"categoryRule"`
	Level         Level     `json:"level"`
	Issuers       []Issuer  `json:"issuers"`
	EvidenceCount int       `json:"evidenceCount"`
	LastEvidenced time.Time `json:"lastEvidenced,omitzero"`
	Freshness     Freshness `json:"freshness"`
	// Unconfirmed is true when none of the skill's evidence is fully
	// verified (every piece is Unconfirmed).
	Unconfirmed bool           `json:"unconfirmed,omitempty"`
	Evidence    []EvidenceView `json:"evidence"`
}

// EvidenceView is one credential's evidence of a skill.
type EvidenceView struct {
	RecordID      string `json:"record"`
	Achievement   string `json:"achievement"`
	AchievementID string `json:"achievementId,omitempty"`
	Issuer        Issuer `json:"issuer"`
	// Code is the framework code this piece of evidence aligns to (for
	// SkillsFuture, the code of the level it evidences).
	Code    string    `json:"code,omitempty"`
	Date    time.Time `json:"date,omitzero"`
	Level   Level     `json:"level"`
	Expired bool      `json:"expired,omitempty"`
	// Unconfirmed is true when the credential counts but was not fully
	// verified (Verdict.Unconfirmed: status or blockchain anchor unknown).
	Unconfirmed bool `json:"unconfirmed,omitempty"`
}

// AchievementView is one earned achievement.
type AchievementView struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Type     string    `json:"type,omitempty"`
	RecordID string    `json:"record"`
	Issuer   Issuer    `json:"issuer"`
	Earned   time.Time `json:"earned,omitzero"`
	Level    *Level    `json:"level,omitempty"`
	Expired  bool      `json:"expired,omitempty"`
	// Unconfirmed: see EvidenceView.Unconfirmed.
	Unconfirmed bool `json:"unconfirmed,omitempty"`
}

// Expiring is a credential whose validity ends within the expiry window.
type Expiring struct {
	RecordID   string    `json:"record"`
	Name       string    `json:"name"`
	Issuer     Issuer    `json:"issuer"`
	ValidUntil time.Time `json:"validUntil"`
	DaysLeft   int       `json:"daysLeft"`
}

// MarshalJSON prints the passport's View.
func (p *Passport) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.View())
}

// View computes the whole picture at the passport's clock.
func (p *Passport) View() View {
	now := p.now()
	v := View{
		GeneratedAt:  now,
		Credentials:  len(p.recs),
		Skills:       p.Skills(),
		Achievements: p.Achievements(),
		Pathways:     p.Pathways(),
		Completed:    []string{},
		Expiring:     p.Expiring(),
		Skipped:      p.Skipped(),
	}
	for _, pr := range v.Pathways {
		if pr.Complete {
			v.Completed = append(v.Completed, pr.ID)
		}
	}
	if p.opts.Role != nil {
		g := p.Gaps(*p.opts.Role)
		v.Gaps = &g
	}
	return v
}

// Skills lists every skill, sorted by category, level (highest first), name
// and key.
func (p *Passport) Skills() []SkillView {
	now := p.now()
	hl := p.halfLives()
	out := make([]SkillView, 0, len(p.skills))
	for _, s := range p.skills {
		c := s.category()
		rule := s.rule
		if s.override != "" {
			rule = ruleOverride
		}
		ref := s.ref()
		sv := SkillView{
			Key: ref.Key, Name: ref.Name, Framework: ref.Framework, Code: ref.Code, Type: ref.Type,
			Category: c, CategoryLabel: c.Label(), CategoryRule: rule,
			Level: s.level(), Issuers: slices.Clone(s.issuers), EvidenceCount: len(s.ev), LastEvidenced: s.last,
			Freshness: FreshnessAt(s.last, now, fieldOf(s.fast, c), hl),
			Evidence:  make([]EvidenceView, len(s.ev)),
		}
		for i, e := range s.ev {
			sv.Evidence[i] = EvidenceView{RecordID: e.rs.rec.RecordID, Achievement: e.a.Name, AchievementID: e.a.ID,
				Issuer: e.a.Issuer, Code: e.se.Ref.Code, Date: e.a.Earned, Level: e.se.Level, Expired: e.rs.expired,
				Unconfirmed: e.rs.unconfirmed}
		}
		sv.Unconfirmed = len(s.ev) > 0
		for _, e := range s.ev {
			if !e.rs.unconfirmed {
				sv.Unconfirmed = false
				break
			}
		}
		slices.SortStableFunc(sv.Evidence, func(a, b EvidenceView) int {
			return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.RecordID, b.RecordID))
		})
		out = append(out, sv)
	}
	slices.SortFunc(out, func(a, b SkillView) int {
		return cmp.Or(
			cmp.Compare(a.Category.order(), b.Category.order()),
			-cmp.Compare(a.Level.Value, b.Level.Value),
			cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Key, b.Key))
	})
	return out
}

// Achievements lists the earned achievements in the order they were added.
func (p *Passport) Achievements() []AchievementView {
	out := make([]AchievementView, 0, len(p.achievements)-p.deadAchs)
	var levels []Level // the caller's copies, not the records'
	for _, ar := range p.achievements {
		if ar.rs.removed {
			continue
		}
		a := ar.a
		var l *Level
		if a.Level != nil {
			if len(levels) == cap(levels) {
				levels = make([]Level, 0, 256)
			}
			levels = append(levels, *a.Level)
			l = &levels[len(levels)-1]
		}
		out = append(out, AchievementView{ID: a.ID, Name: a.Name, Type: a.Type, RecordID: ar.rs.rec.RecordID,
			Issuer: a.Issuer, Earned: a.Earned, Level: l, Expired: ar.rs.expired, Unconfirmed: ar.rs.unconfirmed})
	}
	return out
}

// Expiring lists credentials whose validity ends after now and within the
// expiry window, soonest first.
func (p *Passport) Expiring() []Expiring {
	now := p.now()
	win := p.opts.ExpiryWindow
	if win <= 0 {
		win = DefaultExpiryWindow
	}
	out := []Expiring{}
	for _, rs := range p.recs {
		r := rs.rec
		if u := r.ValidUntil; u.After(now) && !u.After(now.Add(win)) {
			out = append(out, Expiring{RecordID: r.RecordID, Name: orDefault(r.Name, r.Achievements[0].Name),
				Issuer: r.Issuer, ValidUntil: u, DaysLeft: int(math.Ceil(float64(u.Sub(now)) / float64(day)))})
		}
	}
	slices.SortStableFunc(out, func(a, b Expiring) int {
		return cmp.Or(a.ValidUntil.Compare(b.ValidUntil), cmp.Compare(a.RecordID, b.RecordID))
	})
	return out
}

// holdings indexes what the learner holds for pathway evaluation: the best
// level per achievement alias class and per achievement name.
type holdings struct {
	byID   map[string]Level
	byName map[string]Level
}

func (p *Passport) holdings() holdings {
	h := holdings{byID: make(map[string]Level, len(p.achievements)), byName: make(map[string]Level, len(p.achievements))}
	for _, ar := range p.achievements {
		if ar.rs.removed {
			continue
		}
		a := ar.a
		l := Awarded
		if a.Level != nil {
			l = *a.Level
		}
		if a.ID != "" {
			root := p.find(a.ID)
			if old, ok := h.byID[root]; !ok || l.Value > old.Value {
				h.byID[root] = l
			}
		}
		n := normName(a.Name)
		if old, ok := h.byName[n]; !ok || l.Value > old.Value {
			h.byName[n] = l
		}
	}
	return h
}

// Pathways evaluates every pathway: those of Options.Pathways in order, then
// the stacks CLR associations describe, in the order they were first seen.
func (p *Passport) Pathways() []Progress {
	defs := p.pathwayDefs()
	if len(defs) == 0 {
		return []Progress{}
	}
	h := p.holdings()
	byID := make(map[string]*Pathway, len(defs))
	for i := range defs {
		byID[defs[i].ID] = &defs[i]
	}
	memo := map[string]*Progress{}
	out := make([]Progress, 0, len(defs))
	for i := range defs {
		out = append(out, *p.progress(&defs[i], h, byID, memo, map[string]bool{}))
	}
	return out
}

// pathwayDefs returns the file pathways and one all-of pathway per CLR
// parent: its children are the requirements, and holding the parent itself
// completes it.
func (p *Passport) pathwayDefs() []Pathway {
	defs := slices.Clone(p.opts.Pathways)
	ids := map[string]bool{}
	for _, d := range defs {
		ids[d.ID] = true
	}
	names := map[string]string{}
	for _, ar := range p.achievements {
		if _, ok := names[ar.a.ID]; !ok && !ar.rs.removed {
			names[ar.a.ID] = ar.a.Name
		}
	}
	nameOf := func(id string) string {
		if n, ok := p.described[id]; ok {
			return n
		}
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	for _, parent := range p.stackOrder {
		st := p.stacks[parent]
		id := "clr:" + parent
		if ids[id] {
			continue
		}
		pw := Pathway{ID: id, Name: nameOf(parent), Mode: AllOf, Award: parent, Source: SourceCLR}
		for _, c := range st.children {
			pw.Requires = append(pw.Requires, Requirement{Achievement: c, Name: nameOf(c)})
		}
		defs = append(defs, pw)
	}
	return defs
}

func (p *Passport) progress(pw *Pathway, h holdings, byID map[string]*Pathway, memo map[string]*Progress,
	visiting map[string]bool) *Progress {
	if pr, ok := memo[pw.ID]; ok {
		return pr
	}
	visiting[pw.ID] = true
	defer delete(visiting, pw.ID)
	pr := &Progress{ID: pw.ID, Name: pw.Name, Source: pw.Source, Mode: pw.Mode, Total: len(pw.Requires)}
	pr.Needed = pr.Total
	if pw.Mode == AnyOf {
		pr.Needed = min(max(pw.K, 1), pr.Total)
	}
	met := 0
	var missing []Requirement
	for _, rq := range pw.Requires {
		if p.meets(rq, h, byID, memo, visiting) {
			met++
		} else {
			missing = append(missing, rq)
		}
	}
	if pw.Award != "" {
		_, pr.AwardHeld = h.byID[p.find(pw.Award)]
	}
	pr.Met = min(met, pr.Needed)
	pr.Complete = met >= pr.Needed || pr.AwardHeld
	if !pr.Complete {
		pr.Missing = missing
		pr.Next = p.nextSteps(missing)
	}
	pr.Summary = fmt.Sprintf("%d of %d toward %s", pr.Met, pr.Needed, pr.Name)
	if pr.Complete {
		pr.Summary = fmt.Sprintf("completed %s", pr.Name)
	}
	memo[pw.ID] = pr
	return pr
}

func (p *Passport) meets(rq Requirement, h holdings, byID map[string]*Pathway, memo map[string]*Progress,
	visiting map[string]bool) bool {
	atLeast := func(l Level) bool { return rq.MinLevel == nil || l.Value >= rq.MinLevel.Value }
	switch {
	case rq.Pathway != "":
		sub, ok := byID[rq.Pathway]
		if !ok || visiting[rq.Pathway] {
			return false
		}
		return p.progress(sub, h, byID, memo, visiting).Complete
	case rq.Skill != "":
		s, ok := p.skills[rq.Skill]
		return ok && atLeast(s.level())
	case rq.Achievement != "":
		l, ok := h.byID[p.find(rq.Achievement)]
		return ok && atLeast(l)
	case rq.Name != "":
		l, ok := h.byName[normName(rq.Name)]
		return ok && atLeast(l)
	}
	return false
}

// nextSteps returns the labels of missing achievement steps that no other
// missing step precedes; nil when precedes says nothing about them.
func (p *Passport) nextSteps(missing []Requirement) []string {
	if len(p.precedes) == 0 {
		return nil
	}
	miss := map[string]bool{}
	for _, rq := range missing {
		if rq.Achievement != "" {
			miss[p.find(rq.Achievement)] = true
		}
	}
	ordered := false
	var next []string
	for _, rq := range missing {
		if rq.Achievement == "" {
			continue
		}
		blocked := false
		for _, before := range p.precedes[rq.Achievement] {
			ordered = true
			if miss[p.find(before)] {
				blocked = true
			}
		}
		if !blocked {
			next = append(next, rq.label())
		}
	}
	if !ordered {
		return nil
	}
	return next
}

// Gaps analyses the passport against a role (see GapReport for the score).
func (p *Passport) Gaps(r Role) GapReport {
	now := p.now()
	hl := p.halfLives()
	rep := GapReport{Role: r.Name, RoleID: r.ID, Skills: make([]Gap, 0, len(r.Skills))}
	var byName map[string]*skill
	var sumW, sum float64
	for _, rs := range r.Skills {
		s, by := p.skills[rs.Ref.Key], "key"
		if s == nil && rs.Ref.Name != "" {
			if byName == nil {
				byName = make(map[string]*skill, len(p.skills))
				for _, sk := range p.skills {
					n := normName(sk.ref().Name)
					if old, ok := byName[n]; !ok || sk.level().Value > old.level().Value ||
						(sk.level().Value == old.level().Value && sk.key < old.key) {
						byName[n] = sk
					}
				}
			}
			s, by = byName[normName(rs.Ref.Name)], "name"
		}
		g := gapFor(rs, s, by, now, r.MaxAge, hl)
		switch g.Status {
		case GapMet:
			rep.Met++
		case GapStale:
			rep.Stale++
		case GapBelow:
			rep.Below++
		case GapMissing:
			rep.Missing++
		}
		sumW += g.Weight
		sum += g.Weight * g.Credit
		rep.Skills = append(rep.Skills, g)
	}
	if sumW > 0 {
		rep.Score = math.Round(sum/sumW*1e4) / 1e4
	}
	rep.Percent = int(math.Round(rep.Score * 100))
	return rep
}

// IssuerNames lists the skill's issuers for people: each issuer's name (its
// id when it has none), each name once, in the order of Issuers.
func (s SkillView) IssuerNames() []string {
	seen := make(map[string]bool, len(s.Issuers))
	out := make([]string, 0, len(s.Issuers))
	for _, i := range s.Issuers {
		name := i.Name
		if name == "" {
			name = i.ID
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}
