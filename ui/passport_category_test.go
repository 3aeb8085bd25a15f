package ui

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/framework"
)

// unlockApp starts the app on the wallet in dir (creating it when there is
// none) and unlocks it through the unlock screen. The returned func closes
// the app's window (at the end of the test unless called before).
func unlockApp(t *testing.T, a fyne.App, dir string) (*App, func()) {
	t.Helper()
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.Now = fixtureNow
	var once sync.Once
	closeApp := func() { once.Do(func() { ap.Wait(); ap.Window().Close() }) }
	t.Cleanup(closeApp)
	u := ap.Unlock()
	creating := u.Creating()
	test.Type(u.pass, testPassphrase)
	if creating {
		test.Type(u.confirm, testPassphrase)
	}
	test.Tap(u.button)
	ap.Wait()
	require.NotNil(t, ap.Passport(), u.Status())
	return ap, closeApp
}

// rowOf returns the index of the home line that starts with prefix.
func rowOf(t *testing.T, s *PassportScreen, prefix string) int {
	t.Helper()
	i := slices.IndexFunc(s.Lines(), func(l string) bool { return len(l) >= len(prefix) && l[:len(prefix)] == prefix })
	require.GreaterOrEqual(t, i, 0, "no line %q in %q", prefix, s.Lines())
	return i
}

// homeItem fills a fresh list line with row i, as the list does when it
// shows it, and returns its mark and button, and whether they show.
func homeItem(s *PassportScreen, i int) (mark *widget.Label, change *widget.Button, shown bool) {
	o := newHomeItem()
	s.updateHomeItem(i, o)
	side := o.(*fyne.Container).Objects[1].(*fyne.Container)
	return side.Objects[0].(*widget.Label), side.Objects[1].(*widget.Button), side.Visible()
}

// TestPassportCategoryOverride puts the badge's skill in another category
// through the home's dialog: the home shows it under that category, marked
// as the learner's, the wallet keeps it (and logs it), a restart of the app
// still shows it, and "back" returns the skill to the category its
// credential gives it.
func TestPassportCategoryOverride(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "wallet")
	ap, closeApp := unlockApp(t, a, dir)
	ap.Credentials().ImportFiles([]string{fixturePath("simple.json")})
	ap.Wait()
	s := ap.Passport()
	require.Len(t, s.View().Skills, 1, s.Summary())
	sk := s.View().Skills[0]
	require.Equal(t, "Teamwork", sk.Name)
	require.Equal(t, passport.Leadership, sk.Category, "teamwork is a behavioural skill by its name")
	key := sk.Key

	// The skill's line: no mark, a button; the heading: neither.
	row := rowOf(t, s, "Teamwork — ")
	require.Equal(t, "Leadership & Behavioural", s.Lines()[row-1])
	require.Equal(t, SkillLine(sk), s.Lines()[row], "no mark before the learner chooses")
	mark, change, shown := homeItem(s, row)
	require.True(t, shown)
	require.False(t, mark.Visible())
	require.True(t, change.Visible())
	_, _, shown = homeItem(s, row-1)
	require.False(t, shown, "a heading offers no category change")

	// Cancelling changes nothing.
	test.Tap(change)
	cd := s.catDialog
	require.NotNil(t, cd, "the button opens the dialog")
	require.Equal(t, key, cd.key)
	require.Equal(t, []string{"Foundational (knowledge)", "Functional / Technical", "Performance & Application", "Leadership & Behavioural"},
		cd.sel.Options, "no way back without a category of the learner's")
	require.Equal(t, "Leadership & Behavioural", cd.sel.Selected, "the current category is chosen")
	require.Equal(t, cd.sel, ap.Window().Canvas().Focused(), "the keyboard starts on the choice")
	cd.sel.SetSelected("Performance & Application")
	cd.form.Hide()
	ap.Wait()
	require.Nil(t, s.catDialog)
	w := ap.vault.(*wallet.Wallet)
	got, err := w.CategoryOverrides()
	require.NoError(t, err)
	require.Empty(t, got)

	// Tapping the line opens the dialog too; saving moves the skill.
	s.list.Select(row)
	cd = s.catDialog
	require.NotNil(t, cd, "tapping the line opens the dialog")
	cd.sel.SetSelected("Functional / Technical")
	cd.form.Submit()
	ap.Wait()
	require.Equal(t, passport.Functional, s.View().Skills[0].Category)
	row = rowOf(t, s, "Teamwork — ")
	require.Equal(t, "Functional / Technical", s.Lines()[row-1])
	require.Equal(t, SkillLine(s.View().Skills[0])+" · your category", s.Lines()[row])
	require.NotContains(t, s.Lines(), "Leadership & Behavioural")
	mark, _, _ = homeItem(s, row)
	require.True(t, mark.Visible())
	require.Equal(t, "your category", mark.Text)
	got, err = w.CategoryOverrides()
	require.NoError(t, err)
	require.Equal(t, map[string]passport.Category{key: passport.Functional}, got)
	log, err := w.Activity()
	require.NoError(t, err)
	require.NotEmpty(t, log)
	require.Contains(t, log[len(log)-1].Detail, "passport category of skill "+key+": functional")

	// Another app on the same wallet folder shows the learner's category.
	closeApp()
	ap2, _ := unlockApp(t, a, dir)
	s2 := ap2.Passport()
	row = rowOf(t, s2, "Teamwork — ")
	require.Equal(t, "Functional / Technical", s2.Lines()[row-1])
	require.Contains(t, s2.Lines()[row], " · your category")

	// Back to the category the credential gives.
	s2.ShowCategoryDialog(key)
	cd = s2.catDialog
	require.NotNil(t, cd)
	back := "Back to the issuer's / framework's category: Leadership & Behavioural"
	require.Contains(t, cd.sel.Options, back)
	require.Equal(t, "Functional / Technical", cd.sel.Selected)
	cd.sel.SetSelected(back)
	cd.form.Submit()
	ap2.Wait()
	require.Empty(t, s2.catErr)
	require.Equal(t, passport.Leadership, s2.View().Skills[0].Category)
	row = rowOf(t, s2, "Teamwork — ")
	require.Equal(t, "Leadership & Behavioural", s2.Lines()[row-1])
	require.Equal(t, SkillLine(s2.View().Skills[0]), s2.Lines()[row], "the mark is gone")
	got, err = ap2.vault.(*wallet.Wallet).CategoryOverrides()
	require.NoError(t, err)
	require.Empty(t, got)
}

// TestPassportCategoryRefused: the learner's category is cleared elsewhere
// while the dialog is open; going "back" then is refused in an error dialog
// with a hint, and the home shows the wallet as it is.
func TestPassportCategoryRefused(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	s := ap.Passport()
	ap.Wait()
	key := s.View().Skills[0].Key
	w := ap.vault.(*wallet.Wallet)
	require.NoError(t, w.SetCategory(key, passport.Foundational))
	s.refresh()
	ap.Wait()
	require.Equal(t, "Foundational (knowledge)", s.Lines()[0])

	s.ShowCategoryDialog(key)
	cd := s.catDialog
	require.NotNil(t, cd)
	require.NoError(t, w.ClearCategory(key)) // behind the dialog's back
	cd.sel.SetSelected(cd.back)
	cd.form.Submit()
	ap.Wait()
	require.Contains(t, s.catErr, "Could not change the category of Teamwork: ")
	require.Contains(t, s.catErr, wallet.ErrNoOverride.Error())
	require.Contains(t, s.catErr, "The skill already has the category its credentials give it")
	require.NotNil(t, ap.Window().Canvas().Overlays().Top(), "the error is shown in a dialog")
	require.Equal(t, "Leadership & Behavioural", s.Lines()[0], "the home shows the wallet as it is")
	require.NotContains(t, s.Lines()[1], "your category")

	// Choosing the category the skill has already changes nothing.
	s.ShowCategoryDialog(key)
	s.catDialog.form.Submit()
	ap.Wait()
	got, err := w.CategoryOverrides()
	require.NoError(t, err)
	require.Empty(t, got)
}

// TestPathwayLine: a pathway's progress as the home words it.
func TestPathwayLine(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    passport.Progress
		want string
	}{
		{"complete", passport.Progress{Name: "Data Diploma", Met: 3, Needed: 3, Complete: true}, "Data Diploma: completed"},
		{"next steps", passport.Progress{Name: "Cloud", Met: 1, Needed: 3, Next: []string{"Storage"},
			Missing: []passport.Requirement{{Name: "Storage"}, {Name: "Networks"}}}, "Cloud: 1 of 3 done (33%) — next: Storage"},
		{"missing, unordered", passport.Progress{Name: "People", Met: 1, Needed: 2,
			Missing: []passport.Requirement{{Achievement: "urn:a"}, {Skill: "Negotiation"}}}, "People: 1 of 2 done (50%) — next: urn:a, Negotiation"},
		{"many missing", passport.Progress{Name: "Lead", Met: 0, Needed: 4,
			Missing: []passport.Requirement{{Name: "A"}, {Name: "B"}, {Name: "C"}, {Name: "D"}}}, "Lead: 0 of 4 done (0%) — next: A, B, C, …"},
		{"nothing needed", passport.Progress{Name: "Empty"}, "Empty: 0 of 0 done (0%)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, PathwayLine(tc.p))
		})
	}
}

// codeBadge is an Open Badge (VC-JWT, did:key issuer) aligned to a
// SkillsFuture code alone: it names the skill by its code.
func codeBadge(t *testing.T, code string) []byte {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	issuer, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	body, err := json.Marshal(map[string]any{
		"iss": issuer,
		"sub": "did:example:learner",
		"nbf": time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC).Unix(),
		"vc": map[string]any{
			"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json"},
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"name":     "Dashboards",
			"credentialSubject": map[string]any{
				"type": []any{"AchievementSubject"},
				"achievement": map[string]any{
					"id": "urn:uuid:0b7f3c2e-5d1a-4e8b-9c6d-2f4a1e3b5c70", "type": []any{"Achievement"},
					"name": "Dashboards", "description": "Builds dashboards.",
					"criteria": map[string]any{"narrative": "Built three dashboards."},
					"alignment": []any{map[string]any{"type": []any{"Alignment"}, "targetCode": code,
						"targetFramework": "SkillsFuture", "targetName": code}},
				},
			},
		},
	})
	require.NoError(t, err)
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	signer, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: priv},
		(&gojose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	require.NoError(t, err)
	obj, err := signer.Sign(body)
	require.NoError(t, err)
	jwt, err := obj.CompactSerialize()
	require.NoError(t, err)
	return []byte(jwt)
}

// TestPassportHomeFrameworkNames: once a framework is imported, the home
// names a skill a badge gives by code alone as the framework does (as the
// CLI's passport does), and the category dialog works on it.
func TestPassportHomeFrameworkNames(t *testing.T) {
	_, ap := openApp(t)
	w := ap.vault.(*wallet.Wallet)
	res, err := w.Import(context.Background(), "badge.jwt", codeBadge(t, "ICT-DIT-4007-1.1"))
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	s := ap.Passport()
	s.refresh()
	ap.Wait()
	require.Len(t, s.View().Skills, 1, s.Summary())
	require.Equal(t, "ICT-DIT-4007-1.1", s.View().Skills[0].Name, "no framework: the code is the name")

	dv := framework.Skill{Code: "ICT-DIT-4007-1.1", Title: "Data Visualisation", Type: "TSC", Sector: "Infocomm Technology"}
	fw := &framework.Framework{
		Roles:  []framework.Role{{Code: "DA-1", Title: "Data analyst", Sector: "Infocomm Technology", Skills: []framework.Skill{dv}}},
		Skills: []framework.Skill{dv},
		Rows:   1,
	}
	_, _, err = w.ImportFramework("SFw", "sfw.xlsx", fw)
	require.NoError(t, err)
	s.refresh()
	ap.Wait()
	sk := s.View().Skills[0]
	require.Equal(t, "Data Visualisation", sk.Name)
	require.Equal(t, SkillLine(sk), s.Lines()[rowOf(t, s, "Data Visualisation — ")])

	s.ShowCategoryDialog(sk.Key)
	require.NotNil(t, s.catDialog)
	s.catDialog.sel.SetSelected("Performance & Application")
	s.catDialog.form.Submit()
	ap.Wait()
	require.Empty(t, s.catErr)
	require.Equal(t, passport.Performance, s.View().Skills[0].Category)
	require.Equal(t, "Data Visualisation", s.View().Skills[0].Name)
}

// TestPassportWordsGerman: the category names, the mark and the pathway
// lines the home shows follow the app's language.
func TestPassportWordsGerman(t *testing.T) {
	t.Cleanup(func() { require.NoError(t, SetupLanguage("en")) })
	require.NoError(t, SetupLanguage("de"))
	var labels []string
	for _, c := range passport.Categories {
		labels = append(labels, categoryLabel(c))
	}
	require.Equal(t, []string{"Grundlagen (Wissen)", "Fachlich / Technisch", "Leistung & Anwendung", "Führung & Verhalten"}, labels)
	require.Equal(t, "Ihre Kategorie", yourCategory())
	require.Equal(t, "Cloud: 1 von 3 erledigt (33 %) — als Nächstes: Storage",
		PathwayLine(passport.Progress{Name: "Cloud", Met: 1, Needed: 3, Next: []string{"Storage"}}))
	require.Equal(t, "Data Diploma: abgeschlossen", PathwayLine(passport.Progress{Name: "Data Diploma", Complete: true}))
}

// TestPassportUnconfirmedSkill: a Blockcerts certificate whose blockchain
// record is not read offline counts in the passport, and its skill's line
// says it was not fully checked; a fully verified badge's line does not.
func TestPassportUnconfirmedSkill(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	ap.Credentials().ImportFiles([]string{filepath.Join("..", "wallet", "verify", "blockcerts", "testdata", "certs", "v2-testnet-valid-2.0.json")})
	ap.Wait()
	require.Contains(t, ap.Credentials().LastReport(), "Certificate of Accomplishment: added")
	s := ap.Passport()
	cert := s.Lines()[rowOf(t, s, "Certificate of Accomplishment — ")]
	require.True(t, strings.HasSuffix(cert, " · not fully checked"), cert)
	team := s.Lines()[rowOf(t, s, "Teamwork — ")]
	require.NotContains(t, team, "not fully checked")
}
