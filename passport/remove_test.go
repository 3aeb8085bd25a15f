package passport

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRemoveEqualsRebuild removes credentials one by one from a passport and
// checks after each batch that it is the passport built without them: the
// skills (levels, best evidence, categories, issuers, freshness), the
// achievements, the stacks (CLR and file pathways), the expiring list and
// the gap analysis.
func TestRemoveEqualsRebuild(t *testing.T) {
	creds := corpus(t, 1200, 4)
	creds = append(creds, clrCorpus(t, 12)...)
	creds = append(creds,
		badge{id: "https://x.example/ach/stats-2025", name: "Statistics (2025 edition)",
			related: []string{"https://x.example/ach/stats"}}.cred(t, "related"),
		badge{name: "Teamwork Silver", validUntil: "2026-07-01T00:00:00Z"}.cred(t, "expiring"))
	in := entries(t, creds)
	defs, err := ParsePathways(strings.NewReader(pathwayFileJSON))
	require.NoError(t, err)
	role, err := ParseRole(strings.NewReader(roleJSONText))
	require.NoError(t, err)
	opts := Options{Now: clock(2026, 6, 1), Pathways: defs, Role: &role,
		Overrides: map[string]Category{"name:teamwork": Performance}}

	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprint("order ", seed), func(t *testing.T) {
			p := Build(in, opts)
			gone := map[string]bool{}
			order := removalOrder(len(in), seed)
			checkAt := map[int]bool{1: true, 10: true, 100: true, 600: true, len(in) - 1: true, len(in): true}
			for n, i := range order {
				id := in[i].Record.RecordID
				require.NoError(t, p.Remove(id))
				gone[id] = true
				if !checkAt[n+1] {
					continue
				}
				var rest []Entry
				for _, e := range in {
					if !gone[e.Record.RecordID] {
						rest = append(rest, e)
					}
				}
				require.Equal(t, len(rest), p.Len())
				require.JSONEq(t, viewJSON(t, Build(rest, opts)), viewJSON(t, p), "after %d removals", n+1)
			}
		})
	}
}

func TestRemoveBestEvidence(t *testing.T) {
	// The level-5 evidence goes: the skill shows the level-4 code and
	// label; the level-4 one goes too: level 3; the last goes: no skill.
	qa := func(code string) badge {
		return badge{name: "QA " + code, align: []map[string]any{sfwAlign("Quality Assurance", code)}}
	}
	p := Build([]Entry{qa("ICT-DIT-3010-1.1").entry(t, "p3"), qa("ICT-DIT-5010-1.1").entry(t, "p5"),
		qa("ICT-DIT-4010-1.1").entry(t, "p4")}, Options{Now: clock(2026, 1, 1)})
	tests := []struct {
		remove string
		code   string
		label  string
		count  int
	}{
		{"p5", "ICT-DIT-4010-1.1", "Proficiency 4 (from code)", 2},
		{"p4", "ICT-DIT-3010-1.1", "Proficiency 3 (from code)", 1},
		{"p3", "", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.remove, func(t *testing.T) {
			require.NoError(t, p.Remove(tc.remove))
			v := p.Skills()
			if tc.count == 0 {
				require.Empty(t, v)
				require.Empty(t, p.Achievements())
				return
			}
			require.Len(t, v, 1)
			require.Equal(t, tc.code, v[0].Code)
			require.Equal(t, tc.label, v[0].Level.Label)
			require.Equal(t, tc.count, v[0].EvidenceCount)
		})
	}
}

func TestRemoveThenAdd(t *testing.T) {
	// A credential is found revoked, then reinstated as expired: Remove,
	// then Add with the new verdict.
	e := badge{name: "Forklift", achType: "License"}.entry(t, "fl")
	p := Build([]Entry{e, badge{name: "Welding"}.entry(t, "w")}, Options{Now: clock(2026, 1, 1)})
	require.NoError(t, p.Remove("fl"))
	require.Equal(t, 1, p.Len())
	e.Verdict = Verdict{Signature: "ok", Validity: "expired", Status: "ok"}
	require.NoError(t, p.Add(e))
	s := skillByKey(t, p.Skills(), "name:forklift")
	require.True(t, s.Evidence[0].Expired)
	require.Equal(t, []string{"w", "fl"}, []string{p.Achievements()[0].RecordID, p.Achievements()[1].RecordID},
		"a credential added again comes last")
}

func TestRemoveErrors(t *testing.T) {
	p := Build([]Entry{badge{name: "SQL"}.entry(t, "1"), {Record: new(badge{name: "Rigging"}.record(t, "revoked")),
		Verdict: Verdict{Verified: true, Status: "revoked"}}}, Options{Now: clock(2026, 1, 1)})
	require.Equal(t, []string{"revoked"}, skippedIDs(p))
	tests := []struct {
		name string
		id   string
		want error
		len  int
	}{
		{"counted", "1", nil, 0},
		{"twice", "1", ErrNotInPassport, 0},
		{"unknown", "nope", ErrNotInPassport, 0},
		{"skipped: dropped from Skipped", "revoked", nil, 0},
		{"skipped, twice", "revoked", ErrNotInPassport, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Remove(tc.id)
			if tc.want == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tc.want)
				require.ErrorContains(t, err, "remove "+tc.id+": ")
			}
			require.Equal(t, tc.len, p.Len())
		})
	}
	require.Empty(t, p.Skipped())
}
