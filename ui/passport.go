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
// credentials expiring soon. The lines are a virtualised list: a wallet of
// 10,000 credentials may hold as many skills.
type PassportScreen struct {
	app   *App
	vault Vault

	summary *widget.Label
	empty   *widget.Label
	list    *widget.List
	content fyne.CanvasObject
	view    passport.View
	rows    []homeRow
}

// homeRow is one line of the passport home: a heading or an entry.
type homeRow struct {
	text    string
	heading bool
}

func newPassportScreen(a *App, v Vault) *PassportScreen {
	s := &PassportScreen{app: a, vault: v}
	s.summary = widget.NewLabelWithStyle(lang.L("Building your passport…"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.empty = wrapped(lang.L("Your skills appear here once you add credentials: open the Credentials tab and import a badge or certificate."))
	s.empty.Hide()
	s.list = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(s.rows) {
				return
			}
			l := o.(*widget.Label)
			l.TextStyle = fyne.TextStyle{Bold: s.rows[i].heading}
			l.SetText(s.rows[i].text)
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) { s.list.Unselect(id) }
	s.content = container.NewBorder(container.NewVBox(s.summary, s.empty), nil, nil, nil, s.list)
	return s
}

// Summary returns the headline the screen shows.
func (s *PassportScreen) Summary() string { return s.summary.Text }

// View returns the passport the screen shows.
func (s *PassportScreen) View() passport.View { return s.view }

// Lines returns the lines the screen lists (headings and entries).
func (s *PassportScreen) Lines() []string {
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = r.text
	}
	return out
}

// refresh builds the passport off the UI goroutine and shows it.
func (s *PassportScreen) refresh() {
	s.app.background(func() {
		p, err := s.vault.Passport(passport.Options{Now: s.app.now})
		var v passport.View
		var rows []homeRow
		if err == nil {
			v = p.View()
			rows = homeRows(v)
		}
		fyne.Do(func() { s.show(v, rows, err) })
	})
}

// homeRows lays the passport out as lines: skills under their category,
// then pathways, then what expires soon.
func homeRows(v passport.View) []homeRow {
	rows := make([]homeRow, 0, len(v.Skills)+len(v.Pathways)+len(v.Expiring)+8)
	category := ""
	for i, sk := range v.Skills {
		if i == 0 || sk.CategoryLabel != category {
			category = sk.CategoryLabel
			rows = append(rows, homeRow{text: category, heading: true})
		}
		rows = append(rows, homeRow{text: SkillLine(sk)})
	}
	if len(v.Pathways) > 0 {
		rows = append(rows, homeRow{text: lang.L("Pathways"), heading: true})
		for _, p := range v.Pathways {
			rows = append(rows, homeRow{text: p.Summary})
		}
	}
	if len(v.Expiring) > 0 {
		rows = append(rows, homeRow{text: lang.L("Expiring soon"), heading: true})
		for _, e := range v.Expiring {
			rows = append(rows, homeRow{text: lang.L("{{.Name}}: in {{.Days}} days ({{.Date}})", map[string]any{"Name": e.Name, "Days": e.DaysLeft, "Date": e.ValidUntil.Format("2006-01-02")})})
		}
	}
	return rows
}

func (s *PassportScreen) show(v passport.View, rows []homeRow, err error) {
	if err != nil {
		s.rows = nil
		s.list.Refresh()
		s.summary.SetText(lang.L("Could not build the passport: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.view = v
	s.rows = rows
	s.summary.SetText(lang.L("{{.Skills}} from {{.Credentials}}", map[string]any{"Skills": skills(len(v.Skills)), "Credentials": credentialCount(v.Credentials)}))
	if len(v.Skills) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	s.list.Refresh()
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
