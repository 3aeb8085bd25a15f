package passport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Role is a target role: the skills it requires, each at a minimum level and
// evidenced recently enough.
type Role struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name"`
	Sector string `json:"sector,omitempty"`
	// MaxAge applies to skills that set none; zero means a skill is stale
	// when its freshness state is stale.
	MaxAge time.Duration `json:"-"`
	Skills []RoleSkill   `json:"skills"`
}

// RoleSkill is one skill a role requires.
type RoleSkill struct {
	Ref      SkillRef `json:"ref"`
	MinLevel *Level   `json:"minLevel,omitempty"`
	// MaxAge is how long ago the skill may last have been evidenced; zero
	// means the role's.
	MaxAge time.Duration `json:"-"`
	// Weight counts the skill in the match score (default 1).
	Weight float64 `json:"weight"`
}

// ErrInvalidRole is wrapped by every error of ParseRole.
var ErrInvalidRole = errors.New("invalid role profile")

// maxRoleSkills bounds the skills of a role.
const maxRoleSkills = 1000

// roleJSON is the JSON role profile:
//
//	{
//	  "role": "Data Analyst",                   required
//	  "id": "sfw:ICT/Data Analyst",              optional
//	  "sector": "Infocomm Technology",          optional
//	  "maxAge": "3y",                           optional default for every skill: y, m, w or d
//	  "skills": [                               1 to 1000, each naming a skill like SkillSpec
//	    {"framework": "SkillsFuture", "code": "ICT-DIT-3002-1.1", "name": "Data Analytics",
//	     "minLevel": "Proficiency 3", "maxAge": "2y", "weight": 2},
//	    {"url": "http://data.europa.eu/esco/skill/…", "name": "use spreadsheets software"},
//	    {"name": "Teamwork", "minLevel": "Silver"}
//	  ]
//	}
//
// minLevel is a number from 0 to 1 or a label (see ParseLevel; for a
// SkillsFuture skill a bare "Level 3" is proficiency 3 of 6). weight is a
// number above 0 and at most 100.
type roleJSON struct {
	Role   string          `json:"role"`
	ID     string          `json:"id"`
	Sector string          `json:"sector"`
	MaxAge string          `json:"maxAge"`
	Skills []roleSkillJSON `json:"skills"`
}

type roleSkillJSON struct {
	SkillSpec
	MinLevel json.RawMessage `json:"minLevel"`
	MaxAge   string          `json:"maxAge"`
	Weight   *float64        `json:"weight"`
}

// ParseRole reads a JSON role profile (the format is in the package
// documentation). Every error wraps ErrInvalidRole and says
// which skill is wrong.
func ParseRole(r io.Reader) (Role, error) {
	var rj roleJSON
	if err := readDefinition(r, &rj); err != nil {
		return Role{}, fmt.Errorf("%w: %w", ErrInvalidRole, err)
	}
	role := Role{ID: strings.TrimSpace(rj.ID), Name: strings.TrimSpace(rj.Role), Sector: strings.TrimSpace(rj.Sector)}
	if role.Name == "" {
		return Role{}, fmt.Errorf("%w: \"role\" (the role's name) is missing", ErrInvalidRole)
	}
	var err error
	if role.MaxAge, err = ParseAge(rj.MaxAge); err != nil {
		return Role{}, fmt.Errorf("%w: maxAge: %w", ErrInvalidRole, err)
	}
	if len(rj.Skills) == 0 {
		return Role{}, fmt.Errorf("%w: \"skills\" is empty", ErrInvalidRole)
	}
	if len(rj.Skills) > maxRoleSkills {
		return Role{}, fmt.Errorf("%w: %d skills, more than %d", ErrInvalidRole, len(rj.Skills), maxRoleSkills)
	}
	seen := map[string]int{}
	for i, sj := range rj.Skills {
		rs, err := sj.skill()
		if err != nil {
			return Role{}, fmt.Errorf("%w: skill %d (%s): %w", ErrInvalidRole, i+1, sj.describe(), err)
		}
		if j, dup := seen[rs.Ref.Key]; dup {
			return Role{}, fmt.Errorf("%w: skill %d (%s): same skill as skill %d", ErrInvalidRole, i+1, sj.describe(), j+1)
		}
		seen[rs.Ref.Key] = i
		role.Skills = append(role.Skills, rs)
	}
	return role, nil
}

func (sj roleSkillJSON) describe() string {
	return fmt.Sprintf("%q", orDefault(sj.Name, orDefault(sj.Code, sj.URL)))
}

func (sj roleSkillJSON) skill() (RoleSkill, error) {
	ref, err := sj.SkillSpec.Ref()
	if err != nil {
		return RoleSkill{}, err
	}
	rs := RoleSkill{Ref: ref, Weight: 1}
	if rs.MinLevel, err = parseMinLevel(sj.MinLevel, ref.Framework == FrameworkSkillsFuture); err != nil {
		return RoleSkill{}, err
	}
	if rs.MaxAge, err = ParseAge(sj.MaxAge); err != nil {
		return RoleSkill{}, fmt.Errorf("maxAge: %w", err)
	}
	if sj.Weight != nil {
		w := *sj.Weight
		if !(w > 0 && w <= 100) {
			return RoleSkill{}, fmt.Errorf("weight %v: want more than 0 and at most 100", w)
		}
		rs.Weight = w
	}
	return rs, nil
}

// GapStatus is how a learner stands on one skill a role requires.
type GapStatus string

// Gap statuses, from best to worst: met (held at the level, recently
// enough), stale (held at the level but last evidenced too long ago), below
// (held under the level; Stale tells whether it is also old), missing (not
// held).
const (
	GapMet     GapStatus = "met"
	GapStale   GapStatus = "stale"
	GapBelow   GapStatus = "below"
	GapMissing GapStatus = "missing"
)

// Gap is the learner's standing on one required skill.
type Gap struct {
	Key      string    `json:"key"`
	Name     string    `json:"name"`
	Status   GapStatus `json:"status"`
	Required *Level    `json:"required,omitempty"`
	Have     *Level    `json:"have,omitempty"`
	// Stale is true when the evidence is too old, whatever the level.
	Stale         bool      `json:"stale,omitempty"`
	LastEvidenced time.Time `json:"lastEvidenced,omitzero"`
	// MatchedBy is "key" when the skill matched by framework code or key,
	// "name" when only its name matched a passport skill.
	MatchedBy string  `json:"matchedBy,omitempty"`
	Weight    float64 `json:"weight"`
	// Credit is this skill's share of the score before weighting, 0 to 1.
	Credit float64 `json:"credit"`
}

// GapReport is a gap analysis against a role.
//
// The match score is the weighted mean of each required skill's credit:
//
//	score = Σ weightᵢ · creditᵢ / Σ weightᵢ
//
//	status    credit
//	met       1
//	below     have / required                  (the share of the level reached;
//	                                            halved when also stale)
//	stale     ½                                (held at the level, but too long ago to count fully)
//	missing   0
//
// Credits are rounded to 3 decimal places, the score to 4.
//
// A skill with no minimum level requires only that it is held (any level
// meets it). Percent is the score as a whole percentage.
type GapReport struct {
	Role    string  `json:"role"`
	RoleID  string  `json:"roleId,omitempty"`
	Score   float64 `json:"score"`
	Percent int     `json:"percent"`
	Met     int     `json:"met"`
	Stale   int     `json:"stale"`
	Below   int     `json:"below"`
	Missing int     `json:"missing"`
	Skills  []Gap   `json:"skills"`
}

// gap rates one required skill against what the learner holds (s may be
// nil).
func gapFor(rs RoleSkill, s *skill, matchedBy string, now time.Time, roleMaxAge time.Duration, hl HalfLives) Gap {
	g := Gap{Key: rs.Ref.Key, Name: rs.Ref.Name, Required: rs.MinLevel, Weight: rs.Weight}
	if g.Weight <= 0 {
		g.Weight = 1
	}
	if s == nil {
		g.Status = GapMissing
		return g
	}
	g.MatchedBy = matchedBy
	have := s.level()
	g.Have = &have
	g.LastEvidenced = s.last
	maxAge := rs.MaxAge
	if maxAge == 0 {
		maxAge = roleMaxAge
	}
	if maxAge > 0 {
		g.Stale = s.last.IsZero() || now.Sub(s.last) > maxAge
	} else {
		g.Stale = FreshnessAt(s.last, now, fieldOf(s.fast, s.category()), hl).State == Stale
	}
	ratio := 1.0
	if rs.MinLevel != nil && rs.MinLevel.Value > 0 && have.Value < rs.MinLevel.Value {
		// Levels are rounded to 4 places; 3 places keep 1/3 of 2/3 a half.
		ratio = math.Round(have.Value/rs.MinLevel.Value*1e3) / 1e3
	}
	switch {
	case ratio < 1:
		g.Status = GapBelow
		g.Credit = ratio
		if g.Stale {
			g.Credit = ratio / 2
		}
	case g.Stale:
		g.Status = GapStale
		g.Credit = 0.5
	default:
		g.Status = GapMet
		g.Credit = 1
	}
	g.Credit = math.Round(g.Credit*1e3) / 1e3
	return g
}
