package wallet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
)

// TestPassportFromWallet imports the 1EdTech complete.json and simple.json
// and reads the passport the wallet builds: skills with category, level,
// issuer and freshness; deleting a credential takes its skills away.
func TestPassportFromWallet(t *testing.T) {
	w, _ := newWallet(t)
	ctx := context.Background()
	var ids []string
	for _, f := range []string{"complete.json", "simple.json"} {
		res, err := w.Import(ctx, f, fixture(t, f))
		require.NoError(t, err)
		require.Nil(t, res[0].Rejected)
		ids = append(ids, res[0].ID)
	}
	p, err := w.Passport(passport.Options{Now: fixedNow})
	require.NoError(t, err)
	v := p.View()
	require.NotEmpty(t, v.Skills)
	byName := map[string]passport.SkillView{}
	for _, s := range v.Skills {
		byName[s.Name] = s
		require.NotEmpty(t, s.CategoryLabel, s.Name)
		require.NotEmpty(t, s.Level.Label, s.Name)
		require.NotEmpty(t, s.Issuers, s.Name)
		require.NotEmpty(t, s.Freshness.State, s.Name)
	}
	require.Contains(t, byName, "Teamwork")
	require.Equal(t, "Example Corp", byName["Teamwork"].Issuers[0].Name)

	require.NoError(t, w.Delete(ids[1]))
	p, err = w.Passport(passport.Options{Now: fixedNow})
	require.NoError(t, err)
	for _, s := range p.View().Skills {
		require.NotEqual(t, "Teamwork", s.Name, "a deleted credential's skills leave the passport")
	}
}
