package passport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Pathway modes.
const (
	AllOf = "all" // every requirement
	AnyOf = "any" // any K of the requirements
)

// Pathway sources.
const (
	SourceFile = "file" // a pathway file (ParsePathways)
	SourceCLR  = "clr"  // a CLR's isChildOf / isParentOf / isPartOf associations
)

// Pathway is a stack: credentials that together lead to a bigger one.
type Pathway struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Mode is AllOf or AnyOf; K is how many of Requires an AnyOf pathway
	// needs.
	Mode string `json:"mode"`
	K    int    `json:"k,omitempty"`
	// Award is the id of the achievement the pathway leads to; holding it
	// completes the pathway whatever else is held.
	Award    string        `json:"award,omitempty"`
	Requires []Requirement `json:"requires"`
	Source   string        `json:"source"`
}

// Requirement is one step of a pathway: exactly one of an achievement (by
// id, or by name when no id is given), a skill (by key) or another pathway,
// optionally at a minimum level.
type Requirement struct {
	Achievement string `json:"achievement,omitempty"`
	Skill       string `json:"skill,omitempty"`
	Pathway     string `json:"pathway,omitempty"`
	Name        string `json:"name,omitempty"`
	MinLevel    *Level `json:"minLevel,omitempty"`
}

// label is how a requirement reads in a list of what is missing.
func (r Requirement) label() string {
	return orDefault(r.Name, orDefault(r.Achievement, orDefault(r.Skill, r.Pathway)))
}

// ErrInvalidPathways is wrapped by every error of ParsePathways.
var ErrInvalidPathways = errors.New("invalid pathway file")

// Limits of a pathway file.
const (
	maxPathways     = 1000
	maxRequirements = 1000
)

// pathwayFile is the JSON pathway file:
//
//	{
//	  "pathways": [
//	    {
//	      "id": "cdp",                              required, unique in the file
//	      "name": "Certified Data Practitioner",    default: the id
//	      "mode": "all",                            "all" (default) or "any"
//	      "k": 2,                                   "any" only: how many (default 1)
//	      "minLevel": "Level 2",                    default minimum for every requirement
//	      "award": "https://example.edu/achievements/cdp",   optional
//	      "requires": [                             1 to 1000 steps, each exactly one of:
//	        {"achievement": "https://example.edu/achievements/sql", "name": "SQL Basics"},
//	        {"name": "Python Gold"},                an achievement by name
//	        {"skill": {"framework": "SkillsFuture", "code": "ICT-DIT-3002-1.1"}, "minLevel": "Proficiency 3"},
//	        {"pathway": "another-id"}               another pathway of the file (no cycles)
//	      ]
//	    }
//	  ]
//	}
//
// minLevel is a number from 0 to 1 or a label (see ParseLevel).
type pathwayFile struct {
	Pathways []pathwayJSON `json:"pathways"`
}

type pathwayJSON struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	Mode     string            `json:"mode"`
	K        int               `json:"k"`
	MinLevel json.RawMessage   `json:"minLevel"`
	Award    string            `json:"award"`
	Requires []requirementJSON `json:"requires"`
}

type requirementJSON struct {
	Achievement string          `json:"achievement"`
	Name        string          `json:"name"`
	Skill       *SkillSpec      `json:"skill"`
	Pathway     string          `json:"pathway"`
	MinLevel    json.RawMessage `json:"minLevel"`
}

// ParsePathways reads a pathway file (the format is in the package
// documentation). Every error
// wraps ErrInvalidPathways and says which pathway and step is wrong.
func ParsePathways(r io.Reader) ([]Pathway, error) {
	var f pathwayFile
	if err := readDefinition(r, &f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPathways, err)
	}
	if len(f.Pathways) == 0 {
		return nil, fmt.Errorf("%w: no pathways (want {\"pathways\": [...]})", ErrInvalidPathways)
	}
	if len(f.Pathways) > maxPathways {
		return nil, fmt.Errorf("%w: %d pathways, more than %d", ErrInvalidPathways, len(f.Pathways), maxPathways)
	}
	out := make([]Pathway, 0, len(f.Pathways))
	ids := map[string]int{}
	for i, pj := range f.Pathways {
		p, err := pj.pathway()
		if err != nil {
			return nil, fmt.Errorf("%w: pathway %d (%q): %w", ErrInvalidPathways, i+1, pj.ID, err)
		}
		if j, dup := ids[p.ID]; dup {
			return nil, fmt.Errorf("%w: pathway %d: id %q already used by pathway %d", ErrInvalidPathways, i+1, p.ID, j+1)
		}
		ids[p.ID] = i
		out = append(out, p)
	}
	for i, p := range out {
		for j, rq := range p.Requires {
			if rq.Pathway != "" {
				if _, ok := ids[rq.Pathway]; !ok {
					return nil, fmt.Errorf("%w: pathway %d (%q): requirement %d: no pathway %q in the file",
						ErrInvalidPathways, i+1, p.ID, j+1, rq.Pathway)
				}
			}
		}
	}
	if cyc := pathwayCycle(out); cyc != "" {
		return nil, fmt.Errorf("%w: pathways require each other in a circle: %s", ErrInvalidPathways, cyc)
	}
	return out, nil
}

func (pj pathwayJSON) pathway() (Pathway, error) {
	p := Pathway{ID: strings.TrimSpace(pj.ID), Name: strings.TrimSpace(pj.Name), Mode: pj.Mode, K: pj.K,
		Award: strings.TrimSpace(pj.Award), Source: SourceFile}
	if p.ID == "" {
		return Pathway{}, errors.New("id is missing")
	}
	if p.Name == "" {
		p.Name = p.ID
	}
	n := len(pj.Requires)
	if n == 0 {
		return Pathway{}, errors.New("requires is empty")
	}
	if n > maxRequirements {
		return Pathway{}, fmt.Errorf("%d requirements, more than %d", n, maxRequirements)
	}
	switch p.Mode {
	case "", AllOf:
		p.Mode = AllOf
		if p.K != 0 {
			return Pathway{}, errors.New(`k is only for mode "any"`)
		}
	case AnyOf:
		if p.K == 0 {
			p.K = 1
		}
		if p.K < 1 || p.K > n {
			return Pathway{}, fmt.Errorf("k is %d: want 1 to %d (the number of requirements)", p.K, n)
		}
	default:
		return Pathway{}, fmt.Errorf(`mode %q: want "all" or "any"`, p.Mode)
	}
	def, err := parseMinLevel(pj.MinLevel, false)
	if err != nil {
		return Pathway{}, err
	}
	for j, rj := range pj.Requires {
		rq, err := rj.requirement(def)
		if err != nil {
			return Pathway{}, fmt.Errorf("requirement %d: %w", j+1, err)
		}
		if rq.Pathway == p.ID {
			return Pathway{}, fmt.Errorf("requirement %d: requires itself", j+1)
		}
		p.Requires = append(p.Requires, rq)
	}
	return p, nil
}

func (rj requirementJSON) requirement(def *Level) (Requirement, error) {
	rq := Requirement{Achievement: strings.TrimSpace(rj.Achievement), Name: strings.TrimSpace(rj.Name),
		Pathway: strings.TrimSpace(rj.Pathway)}
	kinds := 0
	if rq.Achievement != "" || (rq.Name != "" && rj.Skill == nil && rq.Pathway == "") {
		kinds++
	}
	sfw := false
	if rj.Skill != nil {
		kinds++
		ref, err := rj.Skill.Ref()
		if err != nil {
			return Requirement{}, err
		}
		rq.Skill = ref.Key
		sfw = ref.Framework == FrameworkSkillsFuture
		if rq.Name == "" {
			rq.Name = ref.Name
		}
	}
	if rq.Pathway != "" {
		kinds++
	}
	switch kinds {
	case 0:
		return Requirement{}, errors.New("needs one of achievement, name, skill or pathway")
	case 1:
	default:
		return Requirement{}, errors.New("give only one of achievement, skill or pathway")
	}
	lvl, err := parseMinLevel(rj.MinLevel, sfw)
	if err != nil {
		return Requirement{}, err
	}
	if lvl == nil {
		lvl = def
	}
	if lvl != nil && rq.Pathway != "" {
		return Requirement{}, errors.New("a pathway step has no level")
	}
	rq.MinLevel = lvl
	return rq, nil
}

// pathwayCycle returns a description of a cycle among pathway references,
// or "".
func pathwayCycle(ps []Pathway) string {
	byID := make(map[string]*Pathway, len(ps))
	for i := range ps {
		byID[ps[i].ID] = &ps[i]
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	var visit func(id string) string
	visit = func(id string) string {
		switch color[id] {
		case grey:
			return strings.Join(append(path, id), " → ")
		case black:
			return ""
		}
		color[id] = grey
		path = append(path, id)
		if p := byID[id]; p != nil {
			for _, rq := range p.Requires {
				if rq.Pathway != "" {
					if c := visit(rq.Pathway); c != "" {
						return c
					}
				}
			}
		}
		path = path[:len(path)-1]
		color[id] = black
		return ""
	}
	for i := range ps {
		if c := visit(ps[i].ID); c != "" {
			return c
		}
	}
	return ""
}

// Progress is how far the learner is along one pathway.
type Progress struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Source string `json:"source"`
	Mode   string `json:"mode"`
	// Met counts requirements met (at most Needed); Needed is how many the
	// pathway needs (all of them, or K); Total is how many it lists.
	Met    int `json:"met"`
	Needed int `json:"needed"`
	Total  int `json:"total"`
	// Complete is true when Met reaches Needed or the award is held.
	Complete  bool `json:"complete"`
	AwardHeld bool `json:"awardHeld,omitempty"`
	// Summary reads "3 of 4 toward Certified Data Practitioner".
	Summary string `json:"summary"`
	// Missing lists the requirements not met (for an AnyOf pathway, the
	// options still open); empty when complete.
	Missing []Requirement `json:"missing,omitempty"`
	// Next lists the missing steps that no other missing step precedes (CLR
	// precedes associations); empty when nothing orders them.
	Next []string `json:"next,omitempty"`
}
