package passport

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		label string
		value float64
		scale string
		ok    bool
	}{
		{"Bronze", 0.3333, ScaleMedal, true},
		{"silver", 0.6667, ScaleMedal, true},
		{"Gold Level", 1, ScaleMedal, true},
		{"Level 1", 0.3333, ScaleLevel, true},
		{"Level 3", 1, ScaleLevel, true},
		{"Level 2 of 4", 0.5, ScaleLevel, true},
		{"lvl 5", 0.8333, ScaleLevel, true},
		{"Level 8", 0.8, ScaleLevel, true},
		{"3/5", 0.6, ScaleLevel, true},
		{"2 of 8", 0.25, ScaleLevel, true},
		{"Proficiency 4", 0.6667, ScaleProficiency, true},
		{"Proficiency Level 6", 1, ScaleProficiency, true},
		{"PL 3", 0.5, ScaleProficiency, true},
		{"Basic", 0.3333, ScaleTier, true},
		{"Intermediate", 0.6667, ScaleTier, true},
		{"Advanced", 1, ScaleTier, true},
		{"Expert level", 1, ScaleTier, true},
		{"85%", 0.85, ScalePercent, true},
		{"12.5 %", 0.125, ScalePercent, true},
		{"Level 0", 0, "", false},
		{"Level 11", 0, "", false},
		{"Level 3 of 2", 0, "", false},
		{"5/3", 0, "", false},
		{"150%", 0, "", false},
		{"3", 0, "", false},
		{"Teamwork", 0, "", false},
		{"", 0, "", false},
		{"Gold Silver", 0, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			l, ok := ParseLevel(tc.label)
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.value, l.Value)
				require.Equal(t, tc.scale, l.Scale)
				require.Equal(t, tc.label, l.Label, "the source's words are kept")
			}
		})
	}
}

func TestLevelInSkillsFutureContext(t *testing.T) {
	// A bare "Level 3" is a 3-step badge level in general, but proficiency 3
	// of 6 for a SkillsFuture skill.
	l, ok := parseLevel("Level 3", true)
	require.True(t, ok)
	require.Equal(t, 0.5, l.Value)
	require.Equal(t, ScaleProficiency, l.Scale)
	require.Equal(t, Level{Value: 0.6667, Label: "Proficiency 4", Scale: ScaleProficiency}, Proficiency(4))
	require.Equal(t, Proficiency(1), Proficiency(-3), "clamped")
}

func TestSplitLevel(t *testing.T) {
	tests := []struct {
		name, base, label string
		value             float64
		ok                bool
	}{
		{"Python Gold", "Python", "Gold", 1, true},
		{"Python — Silver", "Python", "Silver", 0.6667, true},
		{"Data Analytics (Level 2)", "Data Analytics", "Level 2", 0.6667, true},
		{"Teamwork Bronze Level", "Teamwork", "Bronze Level", 0.3333, true},
		{"Cloud Fundamentals - Level 1 of 4", "Cloud Fundamentals", "Level 1 of 4", 0.25, true},
		{"Level 2: Welding", "Welding", "Level 2", 0.6667, true},
		{"Proficiency 5 Networking", "Networking", "Proficiency 5", 0.8333, true},
		{"Advanced Manufacturing", "Advanced Manufacturing", "", 0, false},
		{"Gold", "Gold", "", 0, false},
		{"Module 3/5", "Module 3/5", "", 0, false},
		{"Teamwork", "Teamwork", "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, l, ok := splitLevel(tc.name)
			require.Equal(t, tc.ok, ok)
			require.Equal(t, tc.base, base)
			if ok {
				require.Equal(t, tc.label, l.Label)
				require.Equal(t, tc.value, l.Value)
			}
		})
	}
}

// achievementWithResult builds an achievement whose one result is aligned to
// a skill, so the skill's level is the result's.
func resultSkillLevel(t *testing.T, rds []map[string]any, result map[string]any) Level {
	t.Helper()
	result["alignment"] = []any{align("Final Project", "Catalog", "project", "")}
	result["type"] = []any{"Result"}
	b := badge{name: "Degree", rds: rds, results: []map[string]any{result}}
	rec, err := Normalize(b.cred(t, "r"))
	require.NoError(t, err)
	for _, s := range rec.Achievements[0].Skills {
		if s.Ref.Code == "project" {
			return s.Level
		}
	}
	require.Fail(t, "no project skill")
	return Level{}
}

func rubric(levels ...map[string]any) map[string]any {
	return map[string]any{"id": "urn:rd:rubric", "type": []any{"ResultDescription"}, "name": "Project",
		"resultType": "RubricCriterionLevel", "rubricCriterionLevel": mapsAny(levels)}
}

func rl(id, name, level, points string) map[string]any {
	m := map[string]any{"id": id, "type": []any{"RubricCriterionLevel"}, "name": name}
	if level != "" {
		m["level"] = level
	}
	if points != "" {
		m["points"] = points
	}
	return m
}

func TestResultLevels(t *testing.T) {
	grades := map[string]any{"id": "urn:rd:grade", "type": []any{"ResultDescription"}, "name": "Grade",
		"resultType": "LetterGrade", "allowedValue": []any{"D", "C", "B", "A"}}
	score := map[string]any{"id": "urn:rd:score", "type": []any{"ResultDescription"}, "resultType": "RawScore",
		"valueMin": "10", "valueMax": "60"}
	percent := map[string]any{"id": "urn:rd:pct", "type": []any{"ResultDescription"}, "resultType": "Percent"}
	tests := []struct {
		name   string
		rds    []map[string]any
		result map[string]any
		want   Level
	}{
		{"allowedValue is ordered low to high", []map[string]any{grades},
			map[string]any{"resultDescription": "urn:rd:grade", "value": "B"}, Level{0.75, "B", ScaleGrade}},
		{"rubric ordered by distinct points", []map[string]any{rubric(rl("urn:l:3", "Exemplary", "", "3"),
			rl("urn:l:1", "Beginning", "", "1"), rl("urn:l:2", "Developing", "", "2"))},
			map[string]any{"achievedLevel": "urn:l:2"}, Level{0.6667, "Developing", ScaleRubric}},
		{"rubric ordered by words when points tie (the 1EdTech fixture's case)", []map[string]any{rubric(
			rl("urn:l:m", "Mastery", "Mastered", "4"), rl("urn:l:b", "Basic", "Basic", "4"))},
			map[string]any{"achievedLevel": "urn:l:b"}, Level{0.5, "Basic", ScaleRubric}},
		{"rubric in list order when nothing else tells", []map[string]any{rubric(rl("urn:l:x", "X", "", ""),
			rl("urn:l:y", "Y", "", ""), rl("urn:l:z", "Z", "", ""), rl("urn:l:w", "W", "", ""))},
			map[string]any{"achievedLevel": "urn:l:y"}, Level{0.5, "Y", ScaleRubric}},
		{"achievedLevel found in another result description", []map[string]any{grades,
			rubric(rl("urn:l:m", "Mastery", "Mastered", "4"), rl("urn:l:b", "Basic", "Basic", "4"))},
			map[string]any{"resultDescription": "urn:rd:grade", "achievedLevel": "urn:l:m"}, Level{1, "Mastered", ScaleRubric}},
		{"score between valueMin and valueMax", []map[string]any{score},
			map[string]any{"resultDescription": "urn:rd:score", "value": "35"}, Level{0.5, "35", ScaleScore}},
		{"score clamped", []map[string]any{score},
			map[string]any{"resultDescription": "urn:rd:score", "value": "90"}, Level{1, "90", ScaleScore}},
		{"percent result type", []map[string]any{percent},
			map[string]any{"resultDescription": "urn:rd:pct", "value": "72"}, Level{0.72, "72", ScalePercent}},
		{"a label in the value", nil, map[string]any{"value": "Silver"}, Level{0.6667, "Silver", ScaleMedal}},
		{"no level: awarded", nil, map[string]any{"status": "Completed"}, Awarded},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, resultSkillLevel(t, tc.rds, tc.result))
		})
	}
}

func TestSkillsFutureLevels(t *testing.T) {
	tests := []struct {
		name   string
		b      badge
		want   Level
		ownLvl bool
	}{
		{"from the code's level digit", badge{name: "QA course", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-4010-1.1")}},
			Level{0.6667, "Proficiency 4 (from code)", ScaleProficiency}, false},
		{"a result's Level N is proficiency N of 6", badge{name: "QA course", results: []map[string]any{{
			"alignment": []any{sfwAlign("Quality Assurance", "ICT-DIT-4010-1.1")}, "value": "Level 5"}}},
			Level{0.8333, "Level 5", ScaleProficiency}, false},
		{"the achievement's level in its name applies, read as proficiency", badge{name: "Quality Assurance Level 3",
			align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-4010-1.1")}},
			Level{0.5, "Level 3", ScaleProficiency}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Normalize(tc.b.cred(t, "r"))
			require.NoError(t, err)
			a := rec.Achievements[0]
			require.Len(t, a.Skills, 1)
			require.Equal(t, "sfw:ICT-DIT-010", a.Skills[0].Ref.Key)
			require.Equal(t, tc.want, a.Skills[0].Level)
			require.Equal(t, tc.ownLvl, a.Level != nil)
		})
	}
}

func ExampleParseLevel() {
	for _, label := range []string{"Silver", "Level 2 of 4", "Proficiency 3", "Advanced", "Teamwork"} {
		l, ok := ParseLevel(label)
		fmt.Printf("%-14s %v %.4f %s\n", label, ok, l.Value, l.Scale)
	}
	// Output:
	// Silver         true 0.6667 medal
	// Level 2 of 4   true 0.5000 level
	// Proficiency 3  true 0.5000 proficiency
	// Advanced       true 1.0000 tier
	// Teamwork       false 0.0000
}
