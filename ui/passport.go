package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/passport"
)

// PassportScreen is the passport home: skills grouped by category with
// level, issuers, freshness and evidence count; pathways with progress; and
// credentials expiring soon.
type PassportScreen struct {
	app   *App
	vault Vault

	summary *widget.Label
	body    *fyne.Container
	content fyne.CanvasObject
	view    passport.View
}

func newPassportScreen(a *App, v Vault) *PassportScreen {
	s := &PassportScreen{app: a, vault: v}
	s.summary = widget.NewLabelWithStyle(lang.L("Building your passport…"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.body = container.NewVBox()
	s.content = container.NewBorder(s.summary, nil, nil, nil, container.NewVScroll(s.body))
	return s
}

// Summary returns the headline the screen shows.
func (s *PassportScreen) Summary() string { return s.summary.Text }

// View returns the passport the screen shows.
func (s *PassportScreen) View() passport.View { return s.view }

// refresh builds the passport off the UI goroutine and shows it.
func (s *PassportScreen) refresh() {
	s.app.background(func() {
		p, err := s.vault.Passport(passport.Options{Now: s.app.now})
		var v passport.View
		if err == nil {
			v = p.View()
		}
		fyne.Do(func() { s.show(v, err) })
	})
}

func (s *PassportScreen) show(v passport.View, err error) {
	s.body.RemoveAll()
	if err != nil {
		s.summary.SetText(lang.L("Could not build the passport: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.view = v
	s.summary.SetText(lang.L("{{.Skills}} from {{.Credentials}}", map[string]any{"Skills": skills(len(v.Skills)), "Credentials": credentialCount(v.Credentials)}))
	if len(v.Skills) == 0 {
		s.body.Add(wrapped(lang.L("Your skills appear here once you add credentials: open the Credentials tab and import a badge or certificate.")))
		return
	}
	category := ""
	for _, sk := range v.Skills {
		if sk.CategoryLabel != category {
			category = sk.CategoryLabel
			s.body.Add(widget.NewLabelWithStyle(category, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		s.body.Add(wrapped(SkillLine(sk)))
	}
	if len(v.Pathways) > 0 {
		s.body.Add(widget.NewSeparator())
		s.body.Add(widget.NewLabelWithStyle(lang.L("Pathways"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, p := range v.Pathways {
			s.body.Add(wrapped(p.Summary))
		}
	}
	if len(v.Expiring) > 0 {
		s.body.Add(widget.NewSeparator())
		s.body.Add(widget.NewLabelWithStyle(lang.L("Expiring soon"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, e := range v.Expiring {
			s.body.Add(wrapped(lang.L("{{.Name}}: in {{.Days}} days ({{.Date}})", map[string]any{"Name": e.Name, "Days": e.DaysLeft, "Date": e.ValidUntil.Format("2006-01-02")})))
		}
	}
}

// SkillLine is one skill as the passport home shows it.
func SkillLine(sk passport.SkillView) string {
	return fmt.Sprintf("%s — %s · %s · %s · %s", sk.Name, sk.Level.Label, strings.Join(sk.IssuerNames(), ", "), lang.L(string(sk.Freshness.State)), credentialCount(sk.EvidenceCount))
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// skills writes "1 skill", "2 skills".
func skills(n int) string {
	if n == 1 {
		return lang.L("1 skill")
	}
	return lang.L("{{.N}} skills", map[string]any{"N": n})
}

// credentialCount writes "1 credential", "2 credentials".
func credentialCount(n int) string {
	if n == 1 {
		return lang.L("1 credential")
	}
	return lang.L("{{.N}} credentials", map[string]any{"N": n})
}
