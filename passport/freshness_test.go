package passport

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFreshnessAt(t *testing.T) {
	now := date(2026, 6, 1)
	tests := []struct {
		name  string
		last  time.Time
		field string
		state FreshnessState
		score float64
		hl    int
	}{
		{"just evidenced", now, FieldFast, Fresh, 1, 365},
		{"one half-life: still fresh", now.Add(-365 * day), FieldFast, Fresh, 0.5, 365},
		{"past one half-life: ageing", now.Add(-366 * day), FieldFast, Ageing, 0.4990, 365},
		{"two half-lives: ageing", now.Add(-730 * day), FieldFast, Ageing, 0.25, 365},
		{"past two half-lives: stale", now.Add(-731 * day), FieldFast, Stale, 0.2496, 365},
		{"standard field, 2 years: fresh", now.Add(-730 * day), FieldStandard, Fresh, 0.6300, 1095},
		{"durable field, 6 years: ageing", now.Add(-6 * 365 * day), FieldDurable, Ageing, 0.4353, 1825},
		{"unknown field counts as standard", now.Add(-4 * 365 * day), "", Ageing, 0.3969, 1095},
		{"future evidence counts as new", now.Add(48 * time.Hour), FieldFast, Fresh, 1, 365},
		{"no date at all is stale", time.Time{}, FieldStandard, Stale, 0, 1095},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := FreshnessAt(tc.last, now, tc.field, DefaultHalfLives)
			require.Equal(t, tc.state, f.State)
			require.InDelta(t, tc.score, f.Score, 0.00011)
			require.Equal(t, tc.hl, f.HalfLifeDays)
		})
	}
	// Half-lives can be changed.
	f := FreshnessAt(now.Add(-100*day), now, FieldFast, HalfLives{Fast: 90 * day})
	require.Equal(t, Ageing, f.State)
	require.Equal(t, 90, f.HalfLifeDays)
}

func TestFieldOfSkills(t *testing.T) {
	cat := Catalog{}
	cat.Add(CatalogEntry{Ref: SFwRef("FSE-TEC-3001-1.1", "Payments Technology", "TSC"), Sector: "FinTech"})
	tests := []struct {
		name  string
		b     badge
		field string
	}{
		{"tag names a fast field", badge{name: "Thesis", achType: "Degree", tags: []string{"computer science"}}, FieldFast},
		{"skill name names one", badge{name: "Kubernetes Administration", achType: "Certification"}, FieldFast},
		{"field of study", badge{name: "Bachelor of Science", achType: "BachelorDegree", field: "Information Technology"}, FieldFast},
		{"SkillsFuture Infocomm Technology code", badge{name: "Course", align: []map[string]any{sfwAlign("Quality Assurance", "ICT-DIT-3010-1.1")}}, FieldFast},
		{"catalog sector", badge{name: "Course", align: []map[string]any{sfwAlign("", "FSE-TEC-3001-1.1")}}, FieldFast},
		{"fintech keyword", badge{name: "Fintech Essentials", achType: "Badge"}, FieldFast},
		{"knowledge lasts: durable", badge{name: "Bookkeeping", achType: "Course"}, FieldDurable},
		{"behaviour lasts: durable", badge{name: "Teamwork"}, FieldDurable},
		{"other skills: standard", badge{name: "Forklift Operation", achType: "License"}, FieldStandard},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Build([]Entry{tc.b.entry(t, "1")}, Options{Now: clock(2026, 1, 1), Catalog: cat})
			v := p.Skills()
			require.Len(t, v, 1)
			require.Equal(t, tc.field, v[0].Freshness.Field)
		})
	}
}

func TestLastEvidencedIsNewestEvidence(t *testing.T) {
	// The same skill from three issuers at three dates: last evidenced is the
	// newest; activityEndDate beats validFrom.
	creds := []Credential{
		badge{name: "SQL", issuerID: "did:web:a", validFrom: "2021-03-01T00:00:00Z"}.cred(t, "1"),
		badge{name: "SQL", issuerID: "did:web:b", validFrom: "2025-09-01T00:00:00Z", activityEnd: "2025-06-30T00:00:00Z"}.cred(t, "2"),
		badge{name: "SQL", issuerID: "did:web:c", validFrom: "2023-01-01T00:00:00Z"}.cred(t, "3"),
	}
	p := Build(entries(t, creds), Options{Now: clock(2026, 6, 1)})
	s := skillByKey(t, p.Skills(), "name:sql")
	require.Equal(t, date(2025, 6, 30), s.LastEvidenced)
	require.Equal(t, 3, s.EvidenceCount)
	require.Equal(t, FieldFast, s.Freshness.Field)
	require.Equal(t, Fresh, s.Freshness.State)
	require.Equal(t, 336, s.Freshness.AgeDays)
	// Evidence is listed oldest first.
	require.Equal(t, []string{"1", "3", "2"}, []string{s.Evidence[0].RecordID, s.Evidence[1].RecordID, s.Evidence[2].RecordID})
}

func TestExpiring(t *testing.T) {
	creds := []Credential{
		badge{name: "First Aid", validUntil: "2026-07-15T00:00:00Z"}.cred(t, "soon"),
		badge{name: "Forklift", validUntil: "2026-06-10T00:00:00Z"}.cred(t, "sooner"),
		badge{name: "Crane", validUntil: "2026-12-01T00:00:00Z"}.cred(t, "later"),
		badge{name: "Welding", validUntil: "2026-05-01T00:00:00Z"}.cred(t, "gone"),
		badge{name: "Rigging"}.cred(t, "never"),
	}
	// The wallet's own dates win over the JSON's.
	c := badge{name: "Scaffolding", validUntil: "2030-01-01T00:00:00Z"}.cred(t, "wallet-date")
	c.ValidUntil = date(2026, 8, 1)
	creds = append(creds, c)

	p := Build(entries(t, creds), Options{Now: clock(2026, 6, 1)})
	var got []string
	for _, e := range p.Expiring() {
		got = append(got, e.RecordID)
	}
	require.Equal(t, []string{"sooner", "soon", "wallet-date"}, got)
	require.Equal(t, 9, p.Expiring()[0].DaysLeft)
	require.Equal(t, "Forklift", p.Expiring()[0].Name)

	p = Build(entries(t, creds), Options{Now: clock(2026, 6, 1), ExpiryWindow: 14 * day})
	require.Len(t, p.Expiring(), 1)
}
