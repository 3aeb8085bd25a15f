package ui

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/framework"
)

// prefHomeRole remembers the passport home's target role: "framework:QUERY"
// (a wallet.Wallet.FrameworkRole query) or "file:PATH" (a role profile).
const prefHomeRole = "homeRole"

// maxRoleFile bounds a role profile file.
const maxRoleFile = 4 << 20

// RoleVault is what the passport home needs to offer the roles of the
// frameworks imported into the wallet (a wallet.Wallet has it; a Vault
// without it offers role files only).
type RoleVault interface {
	Frameworks() ([]wallet.FrameworkInfo, error)
	Framework(name string) (*framework.Framework, error)
	FrameworkRole(query string) (wallet.FrameworkRole, error)
}

var _ RoleVault = (*wallet.Wallet)(nil)

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

	roleSel     *widget.Select
	roleLabel   *widget.Label
	roleQueries map[string]string // option -> FrameworkRole query
	role        *passport.Role
	roleSource  string
	restored    bool
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
	s.roleLabel = wrapped(lang.L("No target role: the skills are shown without a gap analysis."))
	s.roleSel = widget.NewSelect(nil, s.onRoleChosen)
	s.roleSel.PlaceHolder = lang.L("Choose a target role")
	s.setRoleOptions(nil)
	roleRow := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Target role")), nil, s.roleSel)
	s.content = container.NewBorder(container.NewVBox(s.summary, s.empty, roleRow, s.roleLabel), nil, nil, nil, s.list)
	return s
}

// noRoleOption and openRoleOption are the fixed choices of the role select.
func noRoleOption() string   { return lang.L("No target role") }
func openRoleOption() string { return lang.L("Open a role file…") }

// RoleSelect returns the target role select.
func (s *PassportScreen) RoleSelect() *widget.Select { return s.roleSel }

// RoleText returns the line that names the target role.
func (s *PassportScreen) RoleText() string { return s.roleLabel.Text }

// Role returns the target role (nil when none is chosen).
func (s *PassportScreen) Role() *passport.Role { return s.role }

// setRoleOptions offers no role, the framework roles (option -> query) and
// a role file.
func (s *PassportScreen) setRoleOptions(queries map[string]string) {
	s.roleQueries = queries
	opts := []string{noRoleOption()}
	names := make([]string, 0, len(queries))
	for o := range queries {
		names = append(names, o)
	}
	sort.Strings(names)
	opts = append(opts, names...)
	s.roleSel.SetOptions(append(opts, openRoleOption()))
}

// frameworkRoles lists the roles of the imported frameworks as select
// options, each with its FrameworkRole query.
func frameworkRoles(v Vault) map[string]string {
	rv, ok := v.(RoleVault)
	if !ok {
		return nil
	}
	infos, err := rv.Frameworks()
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, info := range infos {
		fw, err := rv.Framework(info.Name)
		if err != nil || fw == nil {
			continue
		}
		for _, r := range fw.Roles {
			out[fmt.Sprintf("%s (%s, %s)", r.Title, r.Code, info.Name)] = info.Name + ":" + r.Code
		}
	}
	return out
}

// onRoleChosen reacts to the role select.
func (s *PassportScreen) onRoleChosen(opt string) {
	switch opt {
	case "":
		return
	case noRoleOption():
		s.setRole(nil, "", "")
		s.refresh()
	case openRoleOption():
		s.showSelected()
		s.onRoleFileDialog()
	default:
		q, ok := s.roleQueries[opt]
		if !ok {
			return
		}
		s.UseFrameworkRole(q)
	}
}

func (s *PassportScreen) onRoleFileDialog() {
	s.app.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.UseRoleFile(path)
	}, s.app.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// UseFrameworkRole makes the role that query finds in the imported
// frameworks (see wallet.Wallet.FrameworkRole) the target role, remembers
// it and shows the gaps.
func (s *PassportScreen) UseFrameworkRole(query string) {
	rv, ok := s.vault.(RoleVault)
	if !ok {
		return
	}
	s.app.background(func() {
		fr, err := rv.FrameworkRole(query)
		fyne.Do(func() {
			if err != nil {
				s.roleLabel.SetText(lang.L("No such role in your imported frameworks: {{.Err}}", map[string]any{"Err": err.Error()}))
				s.showSelected()
				return
			}
			role := fr.Profile
			s.setRole(&role, fr.Framework, "framework:"+query)
			s.refresh()
		})
	})
}

// UseRoleFile reads a role profile (JSON, see passport.ParseRole), makes it
// the target role, remembers it and shows the gaps.
func (s *PassportScreen) UseRoleFile(path string) {
	role, err := readRoleFile(path)
	if err != nil {
		s.roleLabel.SetText(lang.L("Could not read the role file: {{.Err}}", map[string]any{"Err": err.Error()}))
		s.showSelected()
		return
	}
	s.setRole(&role, filepath.Base(path), "file:"+path)
	s.refresh()
}

// readRoleFile reads and parses a role profile file.
func readRoleFile(path string) (passport.Role, error) {
	data, err := readLimited(path, maxRoleFile)
	if err != nil {
		return passport.Role{}, fmt.Errorf("read role file: %w", err)
	}
	return passport.ParseRole(bytes.NewReader(data))
}

// setRole sets the target role, its source as shown, and the preference
// that remembers it ("" forgets it).
func (s *PassportScreen) setRole(role *passport.Role, source, pref string) {
	s.role, s.roleSource = role, source
	s.restored = true
	s.app.fyneApp.Preferences().SetString(prefHomeRole, pref)
	s.showRole()
}

// showRole writes the role line and the select's choice.
func (s *PassportScreen) showRole() {
	if s.role == nil {
		s.roleLabel.SetText(lang.L("No target role: the skills are shown without a gap analysis."))
	} else {
		s.roleLabel.SetText(lang.L("Target role: {{.Role}} ({{.Source}})", map[string]any{"Role": s.role.Name, "Source": s.roleSource}))
	}
	s.showSelected()
}

// showSelected shows the chosen role in the select without firing it.
func (s *PassportScreen) showSelected() {
	sel := ""
	if s.role != nil {
		sel = s.role.Name
		for o, q := range s.roleQueries {
			if "framework:"+q == s.app.fyneApp.Preferences().String(prefHomeRole) {
				sel = o
			}
		}
	}
	s.roleSel.Selected = sel
	s.roleSel.Refresh()
}

// restoreRole finds the remembered role again (off the UI goroutine).
func restoreRole(v Vault, pref string) (*passport.Role, string) {
	kind, arg, _ := strings.Cut(pref, ":")
	switch kind {
	case "file":
		role, err := readRoleFile(arg)
		if err != nil {
			return nil, ""
		}
		return &role, filepath.Base(arg)
	case "framework":
		rv, ok := v.(RoleVault)
		if !ok {
			return nil, ""
		}
		fr, err := rv.FrameworkRole(arg)
		if err != nil {
			return nil, ""
		}
		return &fr.Profile, fr.Framework
	}
	return nil, ""
}

// Summary returns the headline the screen shows.
func (s *PassportScreen) Summary() string { return s.summary.Text }

// Gaps returns the gap analysis as shown ("" without a target role).
func (s *PassportScreen) Gaps() string {
	if s.view.Gaps == nil {
		return ""
	}
	return GapText(s.view.Gaps)
}

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
	role, restored, v := s.role, s.restored, s.vault
	pref := s.app.fyneApp.Preferences().String(prefHomeRole)
	s.restored = true
	s.app.background(func() {
		queries := frameworkRoles(v)
		source := ""
		if !restored && role == nil && pref != "" {
			role, source = restoreRole(v, pref)
		}
		p, err := v.Passport(passport.Options{Now: s.app.now, Role: role})
		var view passport.View
		var rows []homeRow
		if err == nil {
			view = p.View()
			rows = homeRows(view)
		}
		fyne.Do(func() {
			s.setRoleOptions(queries)
			if source != "" && s.role == nil {
				s.role, s.roleSource = role, source
			}
			s.showRole()
			s.show(view, rows, err)
		})
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
	if v.Gaps != nil {
		rows = append(rows, homeRow{text: lang.L("Gaps against the role"), heading: true})
		for _, line := range strings.Split(GapText(v.Gaps), "\n") {
			rows = append(rows, homeRow{text: line})
		}
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
