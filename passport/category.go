package passport

import (
	"fmt"
	"strings"
)

// Category is one of the four groups of the micro-credential taxonomy the
// passport sorts skills into.
type Category string

// The categories, in the order the passport lists them.
const (
	// Foundational is knowledge: what a person knows.
	Foundational Category = "foundational"
	// Functional is functional and technical skill: what a person can do.
	Functional Category = "functional"
	// Performance is performance and application: what a person has done.
	Performance Category = "performance"
	// Leadership is leadership and behaviour: how a person works with others.
	Leadership Category = "leadership"
)

// Categories lists the categories in display order.
var Categories = []Category{Foundational, Functional, Performance, Leadership}

// Label returns the category's display name.
func (c Category) Label() string {
	switch c {
	case Foundational:
		return "Foundational (knowledge)"
	case Functional:
		return "Functional / Technical"
	case Performance:
		return "Performance & Application"
	case Leadership:
		return "Leadership & Behavioural"
	}
	return string(c)
}

// order is the category's place in Categories, or len(Categories) for
// none of the four.
func (c Category) order() int {
	switch c {
	case Foundational:
		return 0
	case Functional:
		return 1
	case Performance:
		return 2
	case Leadership:
		return 3
	}
	return len(Categories)
}

// ErrUnknownCategory is returned by ParseCategory for a name that is none of
// the four categories.
var ErrUnknownCategory = fmt.Errorf("unknown category (want one of %s, %s, %s, %s)",
	Foundational, Functional, Performance, Leadership)

// ParseCategory reads a category from its id ("functional") or a word of its
// label ("technical", "knowledge", "behavioural", "experience"), as a learner
// override may give it.
func ParseCategory(s string) (Category, error) {
	switch normName(s) {
	case "foundational", "knowledge", "foundational knowledge":
		return Foundational, nil
	case "functional", "technical", "functional technical", "skills":
		return Functional, nil
	case "performance", "application", "experience", "performance application":
		return Performance, nil
	case "leadership", "behavioural", "behavioral", "leadership behavioural", "leadership behavioral":
		return Leadership, nil
	}
	return "", fmt.Errorf("category %q: %w", s, ErrUnknownCategory)
}

// Rule names, as SkillView.CategoryRule reports them.
const (
	ruleOverride  = "override"
	ruleFramework = "framework"
	ruleTag       = "tag"
	ruleName      = "name"
	ruleType      = "achievementType"
	ruleDefault   = "default"
)

// knownRule reports whether a record may carry the rule (every rule but the
// learner's override, which the passport applies).
func knownRule(rule string) bool {
	switch rule {
	case ruleFramework, ruleTag, ruleName, ruleType, ruleDefault:
		return true
	}
	return false
}

func ruleRank(rule string) int {
	switch rule {
	case ruleOverride:
		return 0
	case ruleFramework:
		return 1
	case ruleTag:
		return 2
	case ruleName:
		return 3
	case ruleType:
		return 4
	}
	return 5
}

var categoryKeywords = []struct {
	cat   Category
	words map[string]bool
}{
	{Leadership, set("leadership", "leader", "teamwork", "team", "collaboration", "communication", "interpersonal",
		"negotiation", "mentoring", "coaching", "ethics", "integrity", "resilience", "adaptability", "empathy",
		"emotional intelligence", "critical thinking", "creative thinking", "problem solving", "decision making",
		"self management", "people management", "customer orientation")},
	{Performance, set("project", "capstone", "internship", "apprenticeship", "practicum", "placement", "fieldwork",
		"work experience", "experience", "portfolio", "hackathon", "volunteering", "volunteer", "community service",
		"residency", "on the job")},
	{Foundational, set("fundamentals", "foundations", "introduction", "intro", "principles", "theory", "knowledge",
		"literacy", "basics", "numeracy", "concepts", "101")},
	{Functional, set("programming", "coding", "software", "engineering", "analytics", "technical", "technician",
		"machining", "welding", "sql", "python", "java", "javascript", "excel", "cloud", "devops", "cybersecurity")},
}

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// typeCategory maps an Open Badges 3.0 achievementType.
func typeCategory(t string) (Category, bool) {
	t = strings.TrimPrefix(t, "ext:")
	switch t {
	case "Course", "Degree", "AssociateDegree", "BachelorDegree", "MasterDegree", "DoctoralDegree",
		"ResearchDoctorate", "ProfessionalDoctorate", "Diploma", "SecondarySchoolDiploma",
		"GeneralEducationDevelopment", "LearningProgram", "CertificateOfCompletion":
		return Foundational, true
	case "Certificate", "Certification", "License", "Competency", "MicroCredential", "Assessment",
		"JourneymanCertificate", "MasterCertificate", "QualityAssuranceCredential":
		return Functional, true
	case "Assignment", "Fieldwork", "ApprenticeshipCertificate", "CommunityService", "CoCurricular", "Award":
		return Performance, true
	case "Membership":
		return Leadership, true
	}
	return "", false
}

// frameworkCategory maps a framework's own kind of item.
func frameworkCategory(framework, typ string) (Category, bool) {
	switch framework {
	case FrameworkSkillsFuture:
		switch typ {
		case "TSC":
			return Functional, true
		case "CCS":
			return Leadership, true
		}
	case FrameworkESCO:
		switch typ {
		case "knowledge":
			return Foundational, true
		case "skill/competence":
			return Functional, true
		case "transversal":
			return Leadership, true
		}
	case FrameworkONET:
		switch typ {
		case "2.C", "2.A", "1.A":
			return Foundational, true
		case "2.B.2", "2.B.3", "2.B.4":
			return Functional, true
		case "2.B.1", "2.B.5", "1.C":
			return Leadership, true
		case "4.A", "3.1", "3.2", "3.3":
			return Performance, true
		}
	}
	return "", false
}
