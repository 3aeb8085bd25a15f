package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// readTranslations reads ui/translations/<code>.json.
func readTranslations(t *testing.T, code string) map[string]string {
	t.Helper()
	b, err := translations.ReadFile("translations/" + code + ".json")
	require.NoError(t, err)
	var m map[string]string
	require.NoError(t, json.Unmarshal(b, &m), code)
	return m
}

// sourceKeys parses the package's Go files and returns the literal message
// ids passed to lang.L, and the visible texts passed to widgets without
// going through it.
func sourceKeys(t *testing.T) (keys []string, bare []string) {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	visible := map[string]bool{
		"NewLabel": true, "NewLabelWithStyle": true, "NewButton": true, "SetText": true, "SetPlaceHolder": true,
		"NewCheck": true, "NewTabItem": true, "NewMenuItem": true, "NewMenu": true, "NewFormItem": true,
		"ShowInformation": true, "wrapped": true, "bold": true,
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			lit, isLit := call.Args[0].(*ast.BasicLit)
			var text string
			if isLit && lit.Kind == token.STRING {
				text, err = strconv.Unquote(lit.Value)
				require.NoError(t, err)
			}
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "lang" && fn.Sel.Name == "L" {
					if isLit {
						keys = append(keys, text)
					}
					return true
				}
				if visible[fn.Sel.Name] && text != "" {
					bare = append(bare, fset.Position(call.Pos()).String()+": "+text)
				}
			case *ast.Ident:
				if visible[fn.Name] && text != "" {
					bare = append(bare, fset.Position(call.Pos()).String()+": "+text)
				}
			}
			return true
		})
	}
	return keys, bare
}

// dynamicKeys are the wallet's and the passport's words the screens
// translate: every check meaning, every verdict a summary can have, and the
// freshness states.
func dynamicKeys() []string {
	values := map[string][]string{
		"signature": {verify.SigOK, verify.SigInvalid, verify.SigMissing, verify.SigUnsupported},
		"validity":  {verify.ValidOK, verify.ValidExpired, verify.ValidNotYet},
		"status":    {string(status.OK), string(status.Revoked), string(status.Suspended), string(status.Unknown), string(status.None)},
		"issuer":    {verify.IssuerConfirmed, verify.IssuerUnconfirmed, verify.IssuerMismatch},
		"anchor":    {verify.AnchorOK, verify.AnchorUnknown, verify.AnchorMismatch},
	}
	var keys []string
	for _, name := range wallet.CheckNames {
		for _, v := range values[name] {
			keys = append(keys, wallet.CheckMeaning(name, v))
		}
	}
	for _, sig := range values["signature"] {
		for _, val := range values["validity"] {
			for _, st := range values["status"] {
				for _, is := range values["issuer"] {
					for _, an := range append([]string{""}, values["anchor"]...) {
						for _, ok := range []bool{true, false} {
							s := wallet.Summary{Verified: ok, Checks: wallet.Checks{Signature: sig, Validity: val, Status: st, Issuer: is, Anchor: an}}
							keys = append(keys, s.Verdict())
						}
					}
				}
			}
		}
	}
	for _, f := range []passport.FreshnessState{passport.Fresh, passport.Ageing, passport.Stale} {
		keys = append(keys, string(f))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestTranslationsComplete checks that every message the screens show has
// an English and a German text with the same placeholders, that no visible
// text bypasses translation, and that the files hold no unused message.
func TestTranslationsComplete(t *testing.T) {
	en, de := readTranslations(t, "en"), readTranslations(t, "de")
	keys, bare := sourceKeys(t)
	require.NotEmpty(t, keys)
	require.Empty(t, bare, "visible texts not passed through lang.L")
	want := append(slices.Clone(keys), dynamicKeys()...)
	slices.Sort(want)
	want = slices.Compact(want)
	for _, k := range want {
		require.Contains(t, en, k, "English text missing")
		require.Contains(t, de, k, "German text missing")
	}
	for k, v := range en {
		require.Contains(t, want, k, "message no screen uses")
		require.Equal(t, k, v, "the English text is the id")
		require.Contains(t, de, k)
	}
	for k, v := range de {
		require.Contains(t, en, k, "German message without English")
		require.NotEmpty(t, strings.TrimSpace(v), k)
		require.Equal(t, placeholders(k), placeholders(v), "placeholders of %q", k)
	}
}

// TestGermanScreens starts the app with German chosen in the settings and
// finds the screens in German, the wallet's words included.
func TestGermanScreens(t *testing.T) {
	t.Cleanup(func() { require.NoError(t, SetupLanguage("en")) })
	a := newTestApp(t)
	a.Preferences().SetString(prefLanguage, "de")
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, filepath.Join(t.TempDir(), "wallet"))
	ap.Now = fixtureNow
	defer ap.Window().Close()
	u := ap.Unlock()
	require.Equal(t, "Legen Sie Ihre Skillpass-Wallet an", u.title.Text)
	require.Equal(t, "Wallet anlegen", u.button.Text)
	test.Type(u.pass, "kurz")
	require.Equal(t, "Stärke: zu kurz (mindestens 8 Zeichen)", u.strength.Text)
	u.pass.SetText("")
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	require.NotNil(t, ap.Credentials(), u.Status())
	var titles []string
	for _, it := range ap.tabs.Items {
		titles = append(titles, it.Text)
	}
	require.Equal(t, []string{"Kompetenzpass", "Nachweise", "Posteingang", "Teilen", "Prüfen", "Beratung", "Einstellungen"}, titles)
	ap.Credentials().ImportFiles([]string{fixturePath("simple.json")})
	ap.Wait()
	require.Contains(t, ap.Credentials().LastReport(), "hinzugefügt (bestätigt, Aussteller nicht bestätigt)")
	ap.Credentials().List().Select(0)
	_, checks := ap.Credentials().Detail()
	require.Contains(t, checks, "• Signatur: ok — genau wie signiert: seither nichts verändert")
	ap.Wait()
	require.Equal(t, "1 Kompetenz aus 1 Nachweis", ap.Passport().Summary())
	sk := ap.Passport().View().Skills[0]
	german := map[passport.FreshnessState]string{passport.Fresh: "aktuell", passport.Ageing: "älter", passport.Stale: "veraltet"}
	require.Contains(t, SkillLine(sk), " · "+german[sk.Freshness.State]+" · 1 Nachweis")
}
