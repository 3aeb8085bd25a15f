package passport

import (
	"math"
	"strings"
	"time"
)

// FreshnessState says how current a skill's evidence is.
type FreshnessState string

// Freshness states. With age the time since the skill was last evidenced
// and h its field's half-life: fresh while age ≤ h, ageing while age ≤ 2h,
// stale after.
const (
	Fresh  FreshnessState = "fresh"
	Ageing FreshnessState = "ageing"
	Stale  FreshnessState = "stale"
)

// Fields of knowledge by how fast they decay.
const (
	FieldFast     = "fast"     // technology, fintech: half-life 1 year
	FieldStandard = "standard" // most technical and applied skills: 3 years
	FieldDurable  = "durable"  // knowledge and behaviour: 5 years
)

const day = 24 * time.Hour

// HalfLives sets the half-life of each field.
type HalfLives struct {
	Fast, Standard, Durable time.Duration
}

// DefaultHalfLives are 1 year (fast), 3 years (standard) and 5 years
// (durable).
var DefaultHalfLives = HalfLives{Fast: 365 * day, Standard: 3 * 365 * day, Durable: 5 * 365 * day}

func (h HalfLives) of(field string) time.Duration {
	var d time.Duration
	switch field {
	case FieldFast:
		d = h.Fast
	case FieldDurable:
		d = h.Durable
	default:
		d = h.Standard
	}
	if d <= 0 {
		return DefaultHalfLives.of(field)
	}
	return d
}

// Freshness is a skill's freshness at the passport's clock.
type Freshness struct {
	State        FreshnessState `json:"state"`
	Field        string         `json:"field"`
	HalfLifeDays int            `json:"halfLifeDays"`
	AgeDays      int            `json:"ageDays"`
	// Score is 0.5^(age/half-life): 1 when just evidenced, 0.5 at one
	// half-life.
	Score float64 `json:"score"`
}

// FreshnessAt rates evidence last seen at last, as of now, for a skill in
// field (FieldFast, FieldStandard or FieldDurable) with the given
// half-lives. Evidence dated in the future counts as new; a zero last counts
// as stale.
func FreshnessAt(last, now time.Time, field string, h HalfLives) Freshness {
	hl := h.of(field)
	f := Freshness{Field: field, HalfLifeDays: int(hl / day)}
	if f.Field == "" {
		f.Field = FieldStandard
	}
	if last.IsZero() {
		f.State = Stale
		return f
	}
	age := max(now.Sub(last), 0)
	f.AgeDays = int(age / day)
	f.Score = math.Round(math.Pow(0.5, float64(age)/float64(hl))*1e4) / 1e4
	switch {
	case age <= hl:
		f.State = Fresh
	case age <= 2*hl:
		f.State = Ageing
	default:
		f.State = Stale
	}
	return f
}

// How the passport knows a skill's field: a skill is in a fast field when any
// piece of its evidence mentions a fast-field keyword (below) in the skill's
// name or framework, the achievement's name, tags, fieldOfStudy or
// specialization, or the catalog's sector for the skill; or when it is a
// SkillsFuture skill of the Infocomm Technology sector (code prefix ICT).
// Otherwise Foundational and Leadership & Behavioural skills are durable and
// the rest standard.
var fastKeywords = set(
	"software", "programming", "coding", "computing", "computer science", "information technology", "infocomm",
	"ict", "cloud", "cybersecurity", "cyber security", "devops", "data science", "data analytics", "analytics",
	"machine learning", "artificial intelligence", "ai", "generative ai", "blockchain", "cryptocurrency",
	"web development", "javascript", "typescript", "python", "java", "golang", "kubernetes", "docker", "sql",
	"digital marketing", "fintech", "financial technology", "digital banking", "digital payments", "regtech",
	"insurtech", "robotic process automation", "rpa", "iot", "internet of things", "mobile app", "app development",
	"user experience", "ux", "ui design", "network security", "penetration testing", "big data")

// fastSector reports whether a SkillsFuture sector or code prefix is a fast
// field.
func fastSector(s string) bool {
	s = strings.ToLower(s)
	return strings.HasPrefix(s, "ict") || strings.Contains(s, "infocomm") || strings.Contains(s, "fintech") ||
		strings.Contains(s, "information and communications")
}

// fieldOf decides a skill's field from its fast flag and category.
func fieldOf(fast bool, c Category) string {
	switch {
	case fast:
		return FieldFast
	case c == Foundational || c == Leadership:
		return FieldDurable
	}
	return FieldStandard
}
