package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/framework"
)

// TestPassportHomeRoleFile chooses a role file on the passport home of a
// real wallet: the skill the badge evidences is met, the other missing, the
// score is shown, and the role is remembered for the next screen.
func TestPassportHomeRoleFile(t *testing.T) {
	a, ap := openApp(t, "simple.json")
	// The badge (valid from 2010) is fresh half a year on.
	ap.Now = func() time.Time { return time.Date(2010, 6, 1, 0, 0, 0, 0, time.UTC) }
	s := ap.Passport()
	require.NotNil(t, s)
	ap.Wait()
	require.Empty(t, s.Gaps(), "no role chosen yet")
	require.Contains(t, s.RoleSelect().Options, "Open a role file…")

	s.UseRoleFile(filepath.Join("testdata", "role-team-lead.json"))
	ap.Wait()
	g := s.View().Gaps
	require.NotNil(t, g, s.RoleText())
	require.Equal(t, 1, g.Met)
	require.Equal(t, 1, g.Missing)
	require.Greater(t, g.Percent, 0)
	require.Less(t, g.Percent, 100)
	lines := s.Lines()
	require.Contains(t, lines, "• Teamwork: met")
	require.Contains(t, lines, "• Negotiation: missing")
	require.Contains(t, lines, fmt.Sprintf("Team lead: %d%% match — 1 met, 0 out of date, 0 below the level, 1 missing.", g.Percent))
	require.Contains(t, s.RoleText(), "Team lead (role-team-lead.json)")
	require.Equal(t, "Team lead", s.RoleSelect().Selected)

	// A new home screen on the same preferences finds the role again.
	require.Contains(t, a.Preferences().String(prefHomeRole), "role-team-lead.json")
	s2 := newPassportScreen(ap, ap.vault)
	s2.refresh()
	ap.Wait()
	require.NotNil(t, s2.View().Gaps)
	require.Contains(t, s2.Lines(), "• Negotiation: missing")

	// "No target role" drops the analysis and the preference.
	// The select's own handler, as a tap calls it. (SetSelected would go on
	// refreshing the widget after the handler started the background build,
	// whose fyne.Do runs on that goroutine under the test driver: a race
	// the real app, which runs fyne.Do on the main goroutine, does not have.)
	s.RoleSelect().OnChanged("No target role")
	ap.Wait()
	require.Nil(t, s.View().Gaps)
	require.Empty(t, a.Preferences().String(prefHomeRole))
}

// TestPassportHomeRoleRefusals: a role file that is not a role profile, or
// that is missing, leaves the home without a role and says why.
func TestPassportHomeRoleRefusals(t *testing.T) {
	_, ap := openApp(t)
	s := ap.Passport()
	ap.Wait()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"role": "X", "skills": []}`), 0o600))
	for _, tc := range []struct{ name, path, want string }{
		{"empty skills", bad, "\"skills\" is empty"},
		{"no file", filepath.Join(dir, "none.json"), "Could not read the role file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.UseRoleFile(tc.path)
			ap.Wait()
			require.Nil(t, s.Role())
			require.Contains(t, s.RoleText(), tc.want)
			require.Nil(t, s.View().Gaps)
		})
	}
}

// TestPassportHomeFrameworkRole offers the roles of a framework imported
// into the wallet and shows the gaps against the one chosen.
func TestPassportHomeFrameworkRole(t *testing.T) {
	a, ap := openApp(t, "simple.json")
	w, ok := ap.vault.(*wallet.Wallet)
	require.True(t, ok)
	fw := &framework.Framework{
		Roles: []framework.Role{{Code: "TL-1", Title: "Squad lead", Sector: "Testing",
			Skills: []framework.Skill{{Code: "TST-NEG-3001", Title: "Negotiation", Level: "3"}}}},
		Skills: []framework.Skill{{Code: "TST-NEG-3001", Title: "Negotiation", Sector: "Testing"}},
		Rows:   1,
	}
	_, _, err := w.ImportFramework("TestFw", "test.xlsx", fw)
	require.NoError(t, err)
	s := ap.Passport()
	s.refresh()
	ap.Wait()
	opt := "Squad lead (TL-1, TestFw)"
	require.Contains(t, s.RoleSelect().Options, opt)
	s.RoleSelect().OnChanged(opt) // as a tap does; see TestPassportHomeRoleFile
	ap.Wait()
	g := s.View().Gaps
	require.NotNil(t, g, s.RoleText())
	require.Equal(t, 1, g.Missing)
	require.Equal(t, 0, g.Percent)
	require.Contains(t, s.Lines(), "• Negotiation: missing")
	require.Equal(t, opt, s.RoleSelect().Selected)
	require.Equal(t, "framework:TestFw:TL-1", a.Preferences().String(prefHomeRole))
}

// TestRoleFileDialogBothScreens: "Open a role file…" on the passport home
// and in advisor mode opens the (shared) file dialog over the window.
func TestRoleFileDialogBothScreens(t *testing.T) {
	_, ap := openApp(t)
	overlays := ap.Window().Canvas().Overlays()
	for o := overlays.Top(); o != nil; o = overlays.Top() {
		overlays.Remove(o)
	}
	ap.Passport().RoleSelect().OnChanged("Open a role file…") // as a tap does; see TestPassportHomeRoleFile
	require.NotNil(t, overlays.Top(), "the passport home opens a file dialog")
	require.Empty(t, ap.Passport().RoleSelect().Selected, "no role until a file is chosen")
	overlays.Remove(overlays.Top())
	ap.SelectTab(TabAdvisor)
	test.Tap(ap.Advisor().roleFileB)
	require.NotNil(t, overlays.Top(), "advisor mode opens a file dialog")
	overlays.Remove(overlays.Top())
}
