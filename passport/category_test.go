package passport

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCategoryRules(t *testing.T) {
	tests := []struct {
		name string
		b    badge
		cat  Category
		rule string
	}{
		{"SkillsFuture TSC", badge{name: "Course", achType: "Course", align: []map[string]any{sfwAlign("Data Engineering", "ICT-DIT-3005-1.1")}},
			Functional, ruleFramework},
		{"SkillsFuture CCS (type given)", badge{name: "Workshop", align: []map[string]any{{"targetName": "Communication",
			"targetCode": "CCS-COM-I", "targetFramework": "SkillsFuture", "targetType": "CCS"}}}, Leadership, ruleFramework},
		{"ESCO knowledge", badge{name: "Course", achType: "Certificate", align: []map[string]any{{"targetName": "statistics",
			"targetUrl": "http://data.europa.eu/esco/skill/k1", "targetType": "knowledge"}}}, Foundational, ruleFramework},
		{"ESCO skill/competence", badge{name: "Course", achType: "Course", align: []map[string]any{{"targetName": "use databases",
			"targetUrl": "http://data.europa.eu/esco/skill/s1", "targetType": "skill/competence"}}}, Functional, ruleFramework},
		{"ESCO transversal", badge{name: "Course", align: []map[string]any{{"targetName": "work in teams",
			"targetUrl": "http://data.europa.eu/esco/skill/t1", "targetType": "transversal skill"}}}, Leadership, ruleFramework},
		{"O*NET knowledge", badge{name: "Course", align: []map[string]any{align("Mathematics", "O*NET", "2.C.4.a", "")}},
			Foundational, ruleFramework},
		{"O*NET social skill", badge{name: "Course", align: []map[string]any{align("Coordination", "O*NET", "2.B.1.b", "")}},
			Leadership, ruleFramework},
		{"O*NET work activity", badge{name: "Course", align: []map[string]any{align("Repairing", "O*NET", "4.A.3.b.4", "")}},
			Performance, ruleFramework},
		{"tag beats name and type", badge{name: "Python Programming", achType: "Course", tags: []string{"leadership"}},
			Leadership, ruleTag},
		{"name keyword beats type", badge{name: "Capstone Project", achType: "Course"}, Performance, ruleName},
		{"name phrase", badge{name: "Critical Thinking", achType: "Certificate"}, Leadership, ruleName},
		{"type Course", badge{name: "Bookkeeping", achType: "Course"}, Foundational, ruleType},
		{"type License", badge{name: "Forklift", achType: "License"}, Functional, ruleType},
		{"type Fieldwork", badge{name: "Coastal survey", achType: "Fieldwork"}, Performance, ruleType},
		{"type Membership", badge{name: "IEEE", achType: "Membership"}, Leadership, ruleType},
		{"extension type prefix", badge{name: "Bookkeeping", achType: "ext:Course"}, Foundational, ruleType},
		{"default", badge{name: "Bookkeeping", achType: "Badge"}, Functional, ruleDefault},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Normalize(tc.b.cred(t, "r"))
			require.NoError(t, err)
			s := rec.Achievements[0].Skills
			require.Len(t, s, 1)
			require.Equal(t, tc.cat, s[0].Category)
			require.Equal(t, tc.rule, s[0].CategoryRule)
		})
	}
}

func TestCategoryCatalogType(t *testing.T) {
	// An alignment with only a code: the catalog says it is a CCS.
	ref := SFwRef("XYZ-COM-2001-1.1", "", "")
	cat := Catalog{}
	cat.Add(CatalogEntry{Ref: SkillRef{Key: ref.Key, Name: "Communication", Framework: FrameworkSkillsFuture,
		Code: "XYZ-COM-2001-1.1", Type: "CCS"}})
	b := badge{name: "Workshop", align: []map[string]any{{"targetCode": "XYZ-COM-2001-1.1", "targetFramework": "SkillsFuture"}}}
	// The record holds what the credential says: a code, read as a TSC.
	rec := b.record(t, "r")
	se := rec.Achievements[0].Skills[0]
	require.Equal(t, "XYZ-COM-2001-1.1", se.Ref.Name)
	require.Equal(t, Functional, se.Category)

	// The catalog applies when the passport is built, to records stored
	// before it was imported too.
	tests := []struct {
		name     string
		cat      Catalog
		skill    string
		category Category
	}{
		{"without the catalog", nil, "XYZ-COM-2001-1.1", Functional},
		{"with the catalog: its name and CCS type", cat, "Communication", Leadership},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Build([]Entry{{Record: &rec, Verdict: verified}}, Options{Now: clock(2026, 1, 1), Catalog: tc.cat})
			s := skillByKey(t, p.Skills(), ref.Key)
			require.Equal(t, tc.skill, s.Name)
			require.Equal(t, tc.category, s.Category)
			require.Equal(t, ruleFramework, s.CategoryRule)
		})
	}
	require.Equal(t, Functional, rec.Achievements[0].Skills[0].Category, "the record is not changed")
}

func TestStrongestRuleWinsAcrossEvidence(t *testing.T) {
	// Two issuers, one skill "Data Storytelling": one only says Course
	// (achievementType rule), the other tags it as leadership (tag rule).
	// The tag is the stronger rule, whatever the order.
	course := badge{name: "Data Storytelling", achType: "Course", issuerID: "did:web:a"}
	tagged := badge{name: "Data Storytelling", achType: "Badge", issuerID: "did:web:b", tags: []string{"communication"}}
	for _, order := range [][]badge{{course, tagged}, {tagged, course}} {
		p := Build([]Entry{order[0].entry(t, "1"), order[1].entry(t, "2")}, Options{Now: clock(2026, 1, 1)})
		s := skillByKey(t, p.Skills(), "name:data storytelling")
		require.Equal(t, Leadership, s.Category)
		require.Equal(t, ruleTag, s.CategoryRule)
		require.Len(t, s.Issuers, 2)
	}
}

func TestLearnerOverride(t *testing.T) {
	b := badge{name: "Bookkeeping", achType: "Course"}
	p := Build([]Entry{b.entry(t, "1")}, Options{Now: clock(2026, 1, 1),
		Overrides: map[string]Category{"name:bookkeeping": Functional, "name:x": "bogus"}})
	s := skillByKey(t, p.Skills(), "name:bookkeeping")
	require.Equal(t, Functional, s.Category)
	require.Equal(t, ruleOverride, s.CategoryRule)

	require.NoError(t, p.SetCategory("name:bookkeeping", Performance))
	require.Equal(t, Performance, skillByKey(t, p.Skills(), "name:bookkeeping").Category)
	require.ErrorIs(t, p.SetCategory("name:bookkeeping", "hobbies"), ErrUnknownCategory)
	require.Equal(t, Performance, skillByKey(t, p.Skills(), "name:bookkeeping").Category)

	// An override for a skill not yet in the passport applies when it comes.
	require.NoError(t, p.SetCategory("name:welding", Leadership))
	require.NoError(t, p.Add(badge{name: "Welding", achType: "License"}.entry(t, "2")))
	require.Equal(t, Leadership, skillByKey(t, p.Skills(), "name:welding").Category)

	// Removing it restores the rules' category.
	require.NoError(t, p.SetCategory("name:bookkeeping", ""))
	s = skillByKey(t, p.Skills(), "name:bookkeeping")
	require.Equal(t, Foundational, s.Category)
	require.Equal(t, ruleType, s.CategoryRule)
}

func TestParseCategory(t *testing.T) {
	for in, want := range map[string]Category{
		"functional": Functional, "Technical": Functional, "knowledge": Foundational,
		"Performance & Application": Performance, "experience": Performance,
		"Leadership & Behavioural": Leadership, "behavioral": Leadership,
	} {
		got, err := ParseCategory(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := ParseCategory("hobbies")
	require.ErrorIs(t, err, ErrUnknownCategory)
	require.Equal(t, "Functional / Technical", Functional.Label())
}
