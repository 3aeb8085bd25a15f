package wallet

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
)

// overrideWallet is a wallet holding the 1EdTech simple.json (the skill
// Teamwork) and one signed badge of the tests' own issuer; it returns the
// badge's record id.
func overrideWallet(t *testing.T) (*Wallet, string, string) {
	t.Helper()
	w, dir := newWallet(t)
	ctx := context.Background()
	res, err := w.Import(ctx, "simple.json", fixture(t, "simple.json"))
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	res, err = w.Import(ctx, "badge.json", signedBadges(t, 1)[0])
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	return w, dir, res[0].ID
}

// skillsByName reads the wallet's passport view by skill name.
func skillsByName(t *testing.T, w *Wallet, opts passport.Options) map[string]passport.SkillView {
	t.Helper()
	opts.Now = fixedNow
	p, err := w.Passport(opts)
	require.NoError(t, err)
	out := map[string]passport.SkillView{}
	for _, s := range p.View().Skills {
		out[s.Name] = s
	}
	return out
}

// otherCategory is a category other than c.
func otherCategory(c passport.Category) passport.Category {
	for _, o := range passport.Categories {
		if o != c {
			return o
		}
	}
	return ""
}

// TestCategoryOverride: an override moves a skill to another category in
// the view (by key or by name), beats the derived one until cleared, is
// logged, and bad skills and categories are refused with a clear error.
func TestCategoryOverride(t *testing.T) {
	w, _, _ := overrideWallet(t)
	derived := skillsByName(t, w, passport.Options{})
	team, ok := derived["Teamwork"]
	require.True(t, ok, "simple.json evidences Teamwork: %v", derived)
	require.NotEqual(t, "override", team.CategoryRule)
	target := otherCategory(team.Category)

	for _, tc := range []struct {
		name    string
		skill   string
		cat     passport.Category
		wantErr error
		want    string // an error text
	}{
		{name: "by key", skill: team.Key, cat: target},
		{name: "by name, any case", skill: "  teamWORK ", cat: target},
		{name: "unknown category", skill: team.Key, cat: "managerial", wantErr: passport.ErrUnknownCategory, want: "managerial"},
		{name: "empty category", skill: team.Key, cat: "", wantErr: passport.ErrUnknownCategory},
		{name: "typo lists the near match", skill: "Temwork", cat: target, wantErr: ErrUnknownSkill,
			want: "near matches: Teamwork (" + team.Key + ")"},
		{name: "part of a name lists it", skill: "team", cat: target, wantErr: ErrUnknownSkill, want: "Teamwork ("},
		{name: "nothing near", skill: "Underwater basket weaving", cat: target, wantErr: ErrUnknownSkill},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := w.SetCategory(tc.skill, tc.cat)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Contains(t, err.Error(), tc.want)
				if tc.name == "nothing near" {
					require.NotContains(t, err.Error(), "near matches")
				}
				return
			}
			require.NoError(t, err)
			got := skillsByName(t, w, passport.Options{})["Teamwork"]
			require.Equal(t, tc.cat, got.Category)
			require.Equal(t, tc.cat.Label(), got.CategoryLabel)
			require.Equal(t, "override", got.CategoryRule)
			ov, err := w.CategoryOverrides()
			require.NoError(t, err)
			require.Equal(t, map[string]passport.Category{team.Key: tc.cat}, ov)
		})
	}

	// Options.Overrides given by the caller win over the stored ones.
	third := otherCategory(target)
	if third == team.Category {
		third = passport.Categories[len(passport.Categories)-1]
	}
	got := skillsByName(t, w, passport.Options{Overrides: map[string]passport.Category{team.Key: third}})["Teamwork"]
	require.Equal(t, third, got.Category)

	// Setting it twice logged once; clearing restores the derived category.
	log, err := w.Activity()
	require.NoError(t, err)
	var settings []Entry
	for _, e := range log {
		if e.Action == ActionSettings {
			settings = append(settings, e)
		}
	}
	require.Len(t, settings, 1, "the second, identical change is no change")
	require.Equal(t, "Teamwork", settings[0].Name)
	require.Equal(t, OutcomeDone, settings[0].Outcome)
	require.Contains(t, settings[0].Detail, team.Key)
	require.Contains(t, settings[0].Detail, string(target))

	require.NoError(t, w.ClearCategory("Teamwork"))
	got = skillsByName(t, w, passport.Options{})["Teamwork"]
	require.Equal(t, team.Category, got.Category)
	require.Equal(t, team.CategoryRule, got.CategoryRule)
	ov, err := w.CategoryOverrides()
	require.NoError(t, err)
	require.Empty(t, ov)
	log, err = w.Activity()
	require.NoError(t, err)
	last := log[len(log)-1]
	require.Equal(t, ActionSettings, last.Action)
	require.Contains(t, last.Detail, "cleared")

	err = w.ClearCategory(team.Key)
	require.ErrorIs(t, err, ErrNoOverride)
	require.Contains(t, err.Error(), "there are none")
}

// TestCategoryOverrideOfGoneSkill: an override outlives its skill's
// credential (it applies when the skill comes back), can still be cleared by
// key, and is refused for a skill never held.
func TestCategoryOverrideOfGoneSkill(t *testing.T) {
	w, _, badgeID := overrideWallet(t)
	var badge passport.SkillView
	for _, s := range skillsByName(t, w, passport.Options{}) {
		if len(s.Evidence) > 0 && s.Evidence[0].RecordID == badgeID {
			badge = s
		}
	}
	require.NotEmpty(t, badge.Key, "the badge evidences a skill")
	target := otherCategory(badge.Category)
	require.NoError(t, w.SetCategory(badge.Key, target))
	require.NoError(t, w.Delete(badgeID))
	_, held := skillsByName(t, w, passport.Options{})[badge.Name]
	require.False(t, held)

	ov, err := w.CategoryOverrides()
	require.NoError(t, err)
	require.Equal(t, map[string]passport.Category{badge.Key: target}, ov)
	err = w.SetCategory(badge.Key, target)
	require.ErrorIs(t, err, ErrUnknownSkill, "only a skill the passport holds gets a new override")
	err = w.ClearCategory("no:such")
	require.ErrorIs(t, err, ErrNoOverride)
	require.Contains(t, err.Error(), badge.Key, "the error names what is overridden")
	require.NoError(t, w.ClearCategory(badge.Key))
	ov, err = w.CategoryOverrides()
	require.NoError(t, err)
	require.Empty(t, ov)
}

// TestCategoryOverrideSurvivesReopenAndBackup: the override is in the
// wallet file, and a backup restored into a new wallet carries it.
func TestCategoryOverrideSurvivesReopenAndBackup(t *testing.T) {
	fastScrypt(t)
	w, dir, _ := overrideWallet(t)
	team := skillsByName(t, w, passport.Options{})["Teamwork"]
	target := otherCategory(team.Category)
	require.NoError(t, w.SetCategory(team.Key, target))
	require.NoError(t, w.Close())

	w, err := Open(dir, []byte(testPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	for _, tc := range []struct {
		name string
		w    func(t *testing.T) *Wallet
	}{
		{name: "reopened", w: func(*testing.T) *Wallet { return w }},
		{name: "restored into a new wallet", w: func(t *testing.T) *Wallet {
			var buf bytes.Buffer
			require.NoError(t, w.Backup(&buf, []byte(backupPass)))
			dst, _, err := CreateFromBackup(filepath.Join(t.TempDir(), "r"), []byte("another passphrase"),
				&buf, []byte(backupPass), Options{Now: fixedNow})
			require.NoError(t, err)
			t.Cleanup(func() { _ = dst.Close() })
			return dst
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.w(t)
			ov, err := x.CategoryOverrides()
			require.NoError(t, err)
			require.Equal(t, map[string]passport.Category{team.Key: target}, ov)
			got := skillsByName(t, x, passport.Options{})["Teamwork"]
			require.Equal(t, target, got.Category)
			require.Equal(t, "override", got.CategoryRule)
			hashes, err := x.ContentHashes()
			require.NoError(t, err)
			require.Contains(t, hashes, "wallet/"+bucketPassportSettings)
		})
	}

	w.Lock()
	require.ErrorIs(t, w.SetCategory(team.Key, target), ErrLocked)
	_, err = w.CategoryOverrides()
	require.ErrorIs(t, err, ErrLocked)
}

// TestCategorySkillResolution: keys match exactly, names ignoring case and spaces; a
// name two skills share is ambiguous; near matches come closest first.
func TestCategorySkillResolution(t *testing.T) {
	skills := []passport.SkillView{
		{Key: "name:teamwork", Name: "Teamwork"},
		{Key: "sfw:ICT-DIT-010", Name: "Data Analytics"},
		{Key: "esco:abc", Name: "Data Analytics"},
		{Key: "name:python", Name: "Python"},
	}
	for _, tc := range []struct {
		ref     string
		wantKey string
		wantErr error
		near    []string
	}{
		{ref: "name:teamwork", wantKey: "name:teamwork"},
		{ref: "TEAMWORK", wantKey: "name:teamwork"},
		{ref: "sfw:ICT-DIT-010", wantKey: "sfw:ICT-DIT-010"},
		{ref: "data analytics", wantErr: ErrAmbiguousSkill},
		{ref: "Pythn", wantErr: ErrUnknownSkill, near: []string{"name:python"}},
		{ref: "sfw:ict-dit-01", wantErr: ErrUnknownSkill, near: []string{"sfw:ICT-DIT-010"}},
		{ref: "Cooking", wantErr: ErrUnknownSkill},
		{ref: "", wantErr: ErrUnknownSkill},
	} {
		t.Run(tc.ref, func(t *testing.T) {
			s, err := resolveSkill(tc.ref, skills)
			if tc.wantErr == nil {
				require.NoError(t, err)
				require.Equal(t, tc.wantKey, s.Key)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			if tc.wantErr == ErrAmbiguousSkill {
				require.Contains(t, err.Error(), "sfw:ICT-DIT-010")
				require.Contains(t, err.Error(), "esco:abc")
				return
			}
			var ue *UnknownSkillError
			require.ErrorAs(t, err, &ue)
			var keys []string
			for _, n := range ue.Near {
				keys = append(keys, n.Key)
			}
			require.Equal(t, tc.near, keys)
			if len(tc.near) > 0 {
				require.True(t, strings.Contains(err.Error(), "near matches: "), err.Error())
			}
		})
	}
}
