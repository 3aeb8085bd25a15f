package passport

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

// Level is a position on the passport's one comparable scale, from 0 (none)
// to 1 (the top of the source's scale), with the source's own words kept in
// Label and the kind of source in Scale.
//
// How sources map onto the scale:
//
//	source (Scale)                               example label       value
//	medal (medal)                                Bronze/Silver/Gold  1/3, 2/3, 1
//	level of a stated range (level)              "Level 2 of 4", 2/4 N/M
//	level without a range (level)                "Level 2"           N/3 for N ≤ 3 (the common 3-level badge
//	                                                                 ladder); N/6 for 4–6, or any N in a
//	                                                                 SkillsFuture context; N/10 for 7–10
//	SkillsFuture proficiency (proficiency)       "Proficiency 4"     N/6 (also the level digit of a TSC code)
//	tier words (tier)                            Basic/Intermediate/ 1/3, 2/3, 1 (beginner, novice, foundation
//	                                             Advanced            ≈ basic; competent, proficient,
//	                                                                 practitioner ≈ intermediate; expert,
//	                                                                 master ≈ advanced)
//	percentage (percent)                         "85%"               0.85
//	OB rubric: result.achievedLevel among a      "Mastered"          rank/count; ranked by points when all
//	  resultDescription's rubricCriterionLevel                       are distinct numbers, else by their
//	  (rubric)                                                       words (basic < developing < proficient
//	                                                                 < mastered), else in list order
//	OB result value in allowedValue (grade)      "A" of D,C,B,A      (index+1)/count (the spec orders
//	                                                                 allowedValue from low to high)
//	OB numeric result with valueMin/valueMax,    "42" of 0–50        (v−min)/(max−min), clamped to 0–1
//	  or resultType Percent (score, percent)
//	transcript letter grade, OpenCerts (grade)   "B+" of D … A+      (index+1)/11 on D, D+, C-, C, C+, B-, B, B+,
//	                                                                 A-, A, A+ (see gradeLevel)
//	awarded, with no level anywhere (awarded)    "Awarded"           0.5: it proves the skill, not its depth
//
// Values are rounded to 4 decimal places so that equal levels compare equal.
type Level struct {
	Value float64 `json:"value"`
	Label string  `json:"label"`
	Scale string  `json:"scale"`
}

// Scales of Level.
const (
	ScaleMedal       = "medal"
	ScaleLevel       = "level"
	ScaleProficiency = "proficiency"
	ScaleTier        = "tier"
	ScalePercent     = "percent"
	ScaleRubric      = "rubric"
	ScaleGrade       = "grade"
	ScaleScore       = "score"
	ScaleAwarded     = "awarded"
)

// AwardedValue is the level of a skill evidenced without any level
// information.
const AwardedValue = 0.5

// Awarded is the level of a skill evidenced without any level information.
var Awarded = Level{Value: AwardedValue, Label: "Awarded", Scale: ScaleAwarded}

func newLevel(v float64, label, scale string) Level {
	if math.IsNaN(v) || v < 0 {
		v = 0
	}
	if v > 1 {
		v = 1
	}
	return Level{Value: math.Round(v*1e4) / 1e4, Label: label, Scale: scale}
}

// Proficiency returns SkillsFuture proficiency level n (1–6) on the scale;
// n outside 1–6 is clamped.
func Proficiency(n int) Level {
	return proficiencies[min(max(n, 1), 6)-1]
}

var proficiencies, codeProficiencies [6]Level

func init() {
	for i := range proficiencies {
		n := i + 1
		proficiencies[i] = newLevel(float64(n)/6, "Proficiency "+strconv.Itoa(n), ScaleProficiency)
		codeProficiencies[i] = proficiencies[i]
		codeProficiencies[i].Label += " (from code)"
	}
}

// ParseLevel reads a level label such as "Gold", "Level 2", "Level 3 of 5",
// "3/5", "Proficiency 4", "Advanced" or "85%" (see Level for the mapping). ok
// is false when the label is not a level this package knows.
func ParseLevel(label string) (Level, bool) { return parseLevel(label, false) }

// parseLevel is ParseLevel; sfw says the label comes from a SkillsFuture
// context, where a bare "Level N" is a proficiency level of 6.
func parseLevel(label string, sfw bool) (Level, bool) {
	label = strings.TrimSpace(label)
	if label == "" || len(label) > 64 {
		return Level{}, false
	}
	if num, ok := strings.CutSuffix(label, "%"); ok {
		return percentLevel(num, label)
	}
	var f folded
	f.fold(label)
	n := f.n()
	if n == 0 {
		return Level{}, false
	}
	// Drop a trailing "level" ("Gold level", "Advanced level").
	if n > 1 && string(f.word(n-1)) == "level" {
		n--
	}
	if n == 1 {
		switch string(f.word(0)) {
		case "bronze":
			return newLevel(1.0/3, label, ScaleMedal), true
		case "silver":
			return newLevel(2.0/3, label, ScaleMedal), true
		case "gold":
			return newLevel(1, label, ScaleMedal), true
		}
		if r := tierRank(string(f.word(0))); r > 0 {
			return newLevel(tierValue(r), label, ScaleTier), true
		}
	}
	// "N/M", "N of M".
	if num, den, ok := fraction(label); ok {
		return newLevel(float64(num)/float64(den), label, ScaleLevel), true
	}
	// "level N", "lvl N", "level N of M", "proficiency (level) N", "PL N".
	i := 1
	prof := false
	switch string(f.word(0)) {
	case "proficiency":
		prof = true
		if i < n && string(f.word(i)) == "level" {
			i++
		}
	case "pl":
		prof = true
	case "level", "lvl", "l":
	default:
		return Level{}, false
	}
	rest := n - i
	if rest != 1 && rest != 3 {
		return Level{}, false
	}
	num, err := strconv.Atoi(string(f.word(i)))
	if err != nil || num < 1 {
		return Level{}, false
	}
	if rest == 3 {
		if string(f.word(i+1)) != "of" {
			return Level{}, false
		}
		den, err := strconv.Atoi(string(f.word(i + 2)))
		if err != nil || den < num || den > 100 {
			return Level{}, false
		}
		return newLevel(float64(num)/float64(den), label, ScaleLevel), true
	}
	switch {
	case (prof || sfw) && num <= 6:
		return newLevel(float64(num)/6, label, ScaleProficiency), true
	case num <= 3:
		return newLevel(float64(num)/3, label, ScaleLevel), true
	case num <= 6:
		return newLevel(float64(num)/6, label, ScaleLevel), true
	case num <= 10:
		return newLevel(float64(num)/10, label, ScaleLevel), true
	}
	return Level{}, false
}

func percentLevel(num, label string) (Level, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || f < 0 || f > 100 {
		return Level{}, false
	}
	return newLevel(f/100, label, ScalePercent), true
}

// fraction reads "N/M" or "N of M" with 1 ≤ N ≤ M ≤ 100.
func fraction(s string) (n, m int, ok bool) {
	a, b, found := strings.Cut(s, "/")
	if !found {
		a, b, found = strings.Cut(strings.ToLower(s), " of ")
	}
	if !found {
		return 0, 0, false
	}
	n, err1 := strconv.Atoi(strings.TrimSpace(a))
	m, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || n < 1 || m < n || m > 100 {
		return 0, 0, false
	}
	return n, m, true
}

// tierRank orders the words rubrics and tiers use, 1 (lowest) to 4.
func tierRank(w string) int {
	switch w {
	case "novice", "beginner", "basic", "foundation", "foundational", "emerging", "entry", "elementary",
		"introductory", "awareness", "beginning":
		return 1
	case "developing", "intermediate", "practitioner", "approaching", "competent", "working":
		return 2
	case "proficient", "accomplished", "skilled", "meets", "secure":
		return 3
	case "advanced", "expert", "mastery", "mastered", "master", "exemplary", "distinguished", "exceeds",
		"outstanding":
		return 4
	}
	return 0
}

// tierValue places a tier word on the 3-step Basic/Intermediate/Advanced
// scale.
func tierValue(rank int) float64 {
	switch rank {
	case 1:
		return 1.0 / 3
	case 2, 3:
		return 2.0 / 3
	default:
		return 1
	}
}

// splitLevel takes a level off the end of an achievement name ("Python —
// Gold", "Data Analytics (Level 2)", "Teamwork Silver Level") or a leading
// "Level N:" and returns the rest as the skill's name. Only medals, "Level
// N" and "Proficiency N" are taken: tier words such as "Advanced" are often
// part of a name ("Advanced Manufacturing").
func splitLevel(name string) (base string, lvl Level, ok bool) {
	trimmed := strings.TrimSpace(name)
	var f folded
	f.fold(trimmed)
	if !f.trunc && !f.hit(levelWords) {
		return trimmed, Level{}, false
	}
	const seps = " -–—:,|(["
	// Trailing: the last 1–5 space-separated tokens, shortest first.
	end := len(trimmed)
	start := end
	for n := 1; n <= 5; n++ {
		start = strings.LastIndexAny(strings.TrimRight(trimmed[:start], " \t"), " \t") + 1
		if start <= 0 {
			break
		}
		t := strings.TrimSpace(strings.Trim(trimmed[start:end], "()[]-–—:,|"))
		l, ok := parseLevel(t, false)
		if !ok || l.Scale == ScaleTier || l.Scale == ScalePercent {
			continue
		}
		lt := strings.ToLower(t)
		if l.Scale == ScaleLevel && !strings.Contains(lt, "level") && !strings.Contains(lt, "lvl") {
			continue // a bare "3/5" at the end of a name is not a level
		}
		b := strings.TrimRight(trimmed[:start], seps)
		if b == "" {
			continue
		}
		l.Label = t
		return b, l, true
	}
	// Leading "Level N:" / "Level N -".
	if i := strings.IndexAny(trimmed, " \t"); i > 0 {
		if j := strings.IndexAny(strings.TrimLeft(trimmed[i:], " \t"), " \t"); j > 0 {
			k := len(trimmed) - len(strings.TrimLeft(trimmed[i:], " \t")) + j
			head := strings.TrimRight(trimmed[:k], ":-–—,|")
			if l, ok := parseLevel(head, false); ok && (l.Scale == ScaleLevel || l.Scale == ScaleProficiency) {
				if b := strings.TrimLeft(trimmed[k:], seps); b != "" {
					l.Label = head
					return b, l, true
				}
			}
		}
	}
	return trimmed, Level{}, false
}

// levelWords are the words splitLevel looks for.
var levelWords = set("bronze", "silver", "gold", "level", "lvl", "proficiency", "pl", "l")

// rubricLevels orders a resultDescription's rubric levels from lowest to
// highest and returns each level id's place on the scale.
func rubricLevels(levels []node) map[string]Level {
	n := len(levels)
	if n == 0 {
		return nil
	}
	type lv struct {
		id, label string
		points    float64
		rank      int
		pos       int
	}
	ls := make([]lv, 0, n)
	pointsOK, ranksOK := true, true
	seenPts := map[float64]bool{}
	seenRank := map[int]bool{}
	for i, l := range levels {
		x := lv{id: l.get("id").text(), pos: i}
		x.label = orDefault(l.get("level").text(), l.get("name").text())
		if p, err := strconv.ParseFloat(l.get("points").text(), 64); err == nil && !seenPts[p] {
			x.points = p
			seenPts[p] = true
		} else {
			pointsOK = false
		}
		for _, t := range [2]string{x.label, l.get("name").text()} {
			var f folded
			f.fold(t)
			for i := 0; i < f.n() && x.rank == 0; i++ {
				x.rank = tierRank(string(f.word(i)))
			}
		}
		if x.rank == 0 || seenRank[x.rank] {
			ranksOK = false
		}
		seenRank[x.rank] = true
		ls = append(ls, x)
	}
	switch {
	case pointsOK:
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].points < ls[j].points })
	case ranksOK:
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].rank < ls[j].rank })
	}
	out := make(map[string]Level, n)
	for i, x := range ls {
		if x.id == "" {
			continue
		}
		out[x.id] = newLevel(float64(i+1)/float64(n), orDefault(x.label, x.id), ScaleRubric)
	}
	return out
}

// resultLevel places an Open Badges Result on the scale. rd is the
// ResultDescription it points to (may be nil); rubric maps every rubric level
// id in the achievement to its level; sfw says the result is for a
// SkillsFuture skill.
func resultLevel(res, rd node, rubric map[string]Level, sfw bool) (Level, bool) {
	if id := res.get("achievedLevel").text(); id != "" {
		if l, ok := rubric[id]; ok {
			return l, true
		}
	}
	val := strings.TrimSpace(res.get("value").text())
	if val == "" {
		return Level{}, false
	}
	if rd.ok() {
		allowed := rd.get("allowedValue").strs()
		for i, a := range allowed {
			if strings.EqualFold(a, val) {
				return newLevel(float64(i+1)/float64(len(allowed)), val, ScaleGrade), true
			}
		}
		f, err := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
		if err == nil {
			if rd.get("resultType").text() == "Percent" || strings.HasSuffix(val, "%") {
				return newLevel(f/100, val, ScalePercent), true
			}
			lo, errLo := strconv.ParseFloat(rd.get("valueMin").text(), 64)
			hi, errHi := strconv.ParseFloat(rd.get("valueMax").text(), 64)
			if errHi == nil {
				if errLo != nil {
					lo = 0
				}
				if hi > lo {
					return newLevel((f-lo)/(hi-lo), val, ScaleScore), true
				}
			}
		}
	}
	return parseLevel(val, sfw)
}
