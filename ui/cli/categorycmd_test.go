package cli

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control"
)

// passportSkill reads one skill of `passport --json` by name.
func passportSkill(t *testing.T, env map[string]string, dir, name string) passport.SkillView {
	t.Helper()
	r := runCLI(t, env, "", "--wallet", dir, "passport", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var v passport.View
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
	for _, s := range v.Skills {
		if s.Name == name {
			return s
		}
	}
	require.Failf(t, "no such skill", "%s in %s", name, r.stdout)
	return passport.SkillView{}
}

// TestPassportCategoryCommand: `passport category SKILL CATEGORY` moves a
// skill by each short category name, `--clear` moves it back, `passport
// categories` lists the moves; mistakes are usage errors that say what to
// give; while an agent holds the wallet the commands say it is busy.
func TestPassportCategoryCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", dir, "init").code)
	r := runCLI(t, env, "", "--wallet", dir, "import", fixture("simple.json"))
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	derived := passportSkill(t, env, dir, "Teamwork")
	require.NotEqual(t, "override", derived.CategoryRule)

	for _, tc := range []struct {
		args     []string
		want     string
		wantHint string
	}{
		{[]string{"passport", "category"}, msgCategoryUsage, msgCategoryUsageHint},
		{[]string{"passport", "category", "Teamwork"}, msgCategoryUsage, msgCategoryUsageHint},
		{[]string{"passport", "category", "Teamwork", "leadership", "extra"}, msgCategoryUsage, msgCategoryUsageHint},
		{[]string{"passport", "category", "Teamwork", "leadership", "--clear"}, msgCategoryClearExtra, msgCategoryUsageHint},
		{[]string{"passport", "category", "Teamwork", "managerial"}, `unknown category "managerial": give one of ` + msgCategoryNames, msgCategoryUsageHint},
		{[]string{"passport", "categories", "extra"}, "passport categories takes no more arguments", msgUnknownCommandH},
		{[]string{"passport", "category", "Temwork", "leadership"}, `no such skill in the passport: "Temwork"; near matches: Teamwork (` + derived.Key + ")", msgCategorySkillHint},
		{[]string{"passport", "category", "Teamwork", "--clear"}, "no category override for that skill", msgCategoryNoOverHint},
	} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, tc.args...)...)
		require.Equal(t, ExitUsage, r.code, tc.args)
		require.True(t, strings.HasPrefix(r.stderr, msgErrPrefix), r.stderr)
		require.Contains(t, r.stderr, tc.want, tc.args)
		require.Contains(t, r.stderr, msgHintPrefix+tc.wantHint, tc.args)
	}
	r = runCLI(t, env, "", "--wallet", dir, "passport", "categories")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, msgCategoriesNone, r.stdout)

	before := derived.CategoryLabel
	for _, tc := range []struct {
		name string
		want passport.Category
	}{
		{"foundational", passport.Foundational},
		{"technical", passport.Functional},
		{"application", passport.Performance},
		{"Behavioural", passport.Leadership},
	} {
		r := runCLI(t, env, "", "--wallet", dir, "passport", "category", "teamwork", tc.name)
		require.Equal(t, ExitOK, r.code, r.stderr)
		require.Contains(t, r.stdout, "Put Teamwork under "+tc.want.Label()+" (it was under "+before+")")
		got := passportSkill(t, env, dir, "Teamwork")
		require.Equal(t, tc.want, got.Category, tc.name)
		require.Equal(t, "override", got.CategoryRule, tc.name)
		before = got.CategoryLabel
	}

	// The last move stands; the list shows it with what the credentials say.
	target := passport.Foundational
	if derived.Category == target {
		target = passport.Functional
	}
	r = runCLI(t, env, "", "--wallet", dir, "passport", "category", derived.Key, string(target))
	require.Equal(t, ExitOK, r.code, r.stderr)
	r = runCLI(t, env, "", "--wallet", dir, "passport", "categories", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var list []categoryOverride
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	require.Equal(t, []categoryOverride{{Key: derived.Key, Name: "Teamwork", Category: target, CategoryLabel: target.Label(),
		Derived: derived.Category, DerivedLabel: derived.CategoryLabel, Held: true}}, list)
	r = runCLI(t, env, "", "--wallet", dir, "passport", "categories")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Regexp(t, `Teamwork +`+regexp.QuoteMeta(target.Label())+` +`+regexp.QuoteMeta(derived.CategoryLabel)+
		` +`+regexp.QuoteMeta(derived.Key), r.stdout)

	// The activity log names the change.
	r = runCLI(t, env, "", "--wallet", dir, "activity", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `"action":"settings"`)

	// While an agent holds the wallet, the passport it serves has the move;
	// the category commands say the wallet is busy.
	w, err := wallet.Open(dir, []byte(pass), wallet.Options{})
	require.NoError(t, err)
	srv, err := control.Listen(w, nil, control.Options{})
	require.NoError(t, err)
	r = runCLI(t, nil, "", "--wallet", dir, "passport")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, target.Label())
	for _, args := range [][]string{
		{"passport", "category", "Teamwork", "leadership"},
		{"passport", "category", "Teamwork", "--clear"},
		{"passport", "categories"},
	} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, args...)...)
		require.Equal(t, ExitUsage, r.code, args)
		require.Contains(t, r.stderr, msgHintPrefix+msgBusyHint, args)
	}
	require.NoError(t, srv.Close())
	require.NoError(t, w.Close())

	r = runCLI(t, env, "", "--wallet", dir, "passport", "category", "Teamwork", "--clear")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "Teamwork is back under "+derived.CategoryLabel+", as its credentials give it.\n", r.stdout)
	got := passportSkill(t, env, dir, "Teamwork")
	require.Equal(t, derived.Category, got.Category)
	require.Equal(t, derived.CategoryRule, got.CategoryRule)
}
