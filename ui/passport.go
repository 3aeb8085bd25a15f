package ui

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
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

// CatalogVault is what the passport home needs to show the skills of the
// imported frameworks under the frameworks' names and categories, as the
// CLI's `passport` does (a wallet.Wallet has it).
type CatalogVault interface {
	FrameworkCatalog(prefer string) (passport.Catalog, error)
}

var _ CatalogVault = (*wallet.Wallet)(nil)

// overrideRule is the passport.SkillView.CategoryRule of a skill the
// learner put in a category.
const overrideRule = "override"

// PassportScreen is the passport home: skills grouped by category with
// level, issuers, freshness and evidence count; pathways with progress; and
// credentials expiring soon. The lines are a virtualised list: a wallet of
// 10,000 credentials may hold as many skills. Each skill's line offers
// "Change category…" (tapping the line does too), and marks a category the
// learner chose.
type PassportScreen struct {
	app   *App
	vault Vault

	summary *widget.Label
	empty   *widget.Label
	list    *widget.List
	content fyne.CanvasObject
	view    passport.View
	rows    []homeRow
	// derived is, for each skill the learner put in a category, the
	// category its credentials give it.
	derived map[string]passport.Category

	catDialog *categoryDialog // the open "Change category" dialog, or nil
	catErr    string          // the last category error shown

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
	skill   string // the skill's key, on a skill's line
	mine    bool   // the learner chose the skill's category
}

func newPassportScreen(a *App, v Vault) *PassportScreen {
	s := &PassportScreen{app: a, vault: v}
	s.summary = widget.NewLabelWithStyle(lang.L("Building your passport…"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.empty = wrapped(lang.L("Your skills appear here once you add credentials: open the Credentials tab and import a badge or certificate."))
	s.empty.Hide()
	s.list = widget.NewList(func() int { return len(s.rows) }, newHomeItem, s.updateHomeItem)
	// Tapping a skill's line (or Space on it, the list focused) opens its
	// category dialog.
	s.list.OnSelected = func(id widget.ListItemID) {
		s.list.Unselect(id)
		if id >= 0 && id < len(s.rows) && s.rows[id].skill != "" {
			s.ShowCategoryDialog(s.rows[id].skill)
		}
	}
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

// onRoleFileDialog asks for a role file and makes it the target role.
func (s *PassportScreen) onRoleFileDialog() { s.app.showRoleFileDialog(s.UseRoleFile) }

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

// Lines returns the lines the screen lists (headings and entries). The line
// of a skill the learner put in a category ends with " · your category", as
// its mark shows.
func (s *PassportScreen) Lines() []string {
	out := make([]string, len(s.rows))
	for i, r := range s.rows {
		out[i] = r.text
		if r.mine {
			out[i] += " · " + yourCategory()
		}
	}
	return out
}

// refresh builds the passport off the UI goroutine and shows it.
func (s *PassportScreen) refresh() {
	role, restored, v := s.role, s.restored, s.vault
	pref := s.app.fyneApp.Preferences().String(prefHomeRole)
	prefer := "" // the framework whose names win: the target role's
	if strings.HasPrefix(pref, "framework:") {
		prefer = s.roleSource
	}
	s.restored = true
	s.app.background(func() {
		queries := frameworkRoles(v)
		source := ""
		if !restored && role == nil && pref != "" {
			role, source = restoreRole(v, pref)
			if strings.HasPrefix(pref, "framework:") {
				prefer = source
			}
		}
		view, derived, err := buildHome(v, passport.Options{Now: s.app.now, Role: role}, prefer)
		var rows []homeRow
		if err == nil {
			rows = homeRows(view)
		}
		fyne.Do(func() {
			s.setRoleOptions(queries)
			if source != "" && s.role == nil {
				s.role, s.roleSource = role, source
			}
			s.showRole()
			if err == nil {
				s.derived = derived
			}
			s.show(view, rows, err)
		})
	})
}

// buildHome builds the passport the home shows (the imported frameworks'
// names and categories applied, prefer's first) and, for each skill the
// learner put in a category, the category its credentials give it.
func buildHome(v Vault, opts passport.Options, prefer string) (passport.View, map[string]passport.Category, error) {
	if cv, ok := v.(CatalogVault); ok {
		cat, err := cv.FrameworkCatalog(prefer)
		if err != nil {
			return passport.View{}, nil, err
		}
		opts.Catalog = cat
	}
	p, err := v.Passport(opts)
	if err != nil {
		return passport.View{}, nil, err
	}
	view := p.View()
	var mine []string
	for _, sk := range view.Skills {
		if sk.CategoryRule == overrideRule {
			mine = append(mine, sk.Key)
		}
	}
	derived := map[string]passport.Category{}
	if len(mine) == 0 {
		return view, derived, nil
	}
	// The same passport with the learner's categories taken off shows what
	// the credentials give.
	for _, k := range mine {
		if err := p.SetCategory(k, ""); err != nil {
			return passport.View{}, nil, err
		}
	}
	for _, sk := range p.Skills() {
		if slices.Contains(mine, sk.Key) {
			derived[sk.Key] = sk.Category
		}
	}
	return view, derived, nil
}

// homeRows lays the passport out as lines: skills under their category,
// then pathways, then what expires soon.
func homeRows(v passport.View) []homeRow {
	rows := make([]homeRow, 0, len(v.Skills)+len(v.Pathways)+len(v.Expiring)+8)
	var category passport.Category
	for i, sk := range v.Skills {
		if i == 0 || sk.Category != category {
			category = sk.Category
			rows = append(rows, homeRow{text: categoryLabel(category), heading: true})
		}
		rows = append(rows, homeRow{text: SkillLine(sk), skill: sk.Key, mine: sk.CategoryRule == overrideRule})
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
			rows = append(rows, homeRow{text: PathwayLine(p)})
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
	line := fmt.Sprintf("%s — %s · %s · %s · %s", sk.Name, sk.Level.Label, strings.Join(sk.IssuerNames(), ", "), lang.L(string(sk.Freshness.State)), credentialCount(sk.EvidenceCount))
	if sk.Unconfirmed {
		line += " · " + lang.L("not fully checked")
	}
	return line
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

// newHomeItem is the template of a passport home line: the text, and for a
// skill the mark of a category the learner chose and the button that
// changes it.
func newHomeItem() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	mark := widget.NewLabelWithStyle(yourCategory(), fyne.TextAlignTrailing, fyne.TextStyle{Italic: true})
	mark.SizeName = theme.SizeNameCaptionText
	mark.Importance = widget.HighImportance
	change := widget.NewButton(lang.L("Change category…"), nil)
	change.Importance = widget.LowImportance
	return container.NewBorder(nil, nil, nil, container.NewHBox(mark, change), l)
}

// updateHomeItem shows line i in a newHomeItem.
func (s *PassportScreen) updateHomeItem(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(s.rows) {
		return
	}
	row := s.rows[i]
	item := o.(*fyne.Container)
	l := item.Objects[0].(*widget.Label)
	side := item.Objects[1].(*fyne.Container)
	mark, change := side.Objects[0].(*widget.Label), side.Objects[1].(*widget.Button)
	l.TextStyle = fyne.TextStyle{Bold: row.heading}
	l.SetText(row.text)
	if row.mine {
		mark.Show()
	} else {
		mark.Hide()
	}
	if row.skill == "" {
		change.OnTapped = nil
		side.Hide() // the text takes the whole line
		return
	}
	key := row.skill
	change.OnTapped = func() { s.ShowCategoryDialog(key) }
	side.Show()
}

// yourCategory is the mark of a skill the learner put in a category.
func yourCategory() string { return lang.L("your category") }

// categoryLabel is a category's name in the app's language.
func categoryLabel(c passport.Category) string {
	switch c {
	case passport.Foundational:
		return lang.L("Foundational (knowledge)")
	case passport.Functional:
		return lang.L("Functional / Technical")
	case passport.Performance:
		return lang.L("Performance & Application")
	case passport.Leadership:
		return lang.L("Leadership & Behavioural")
	}
	return c.Label()
}

// PathwayLine is one pathway as the passport home shows it: how far the
// learner has come, and the next steps (or what is missing).
func PathwayLine(p passport.Progress) string {
	if p.Complete {
		return lang.L("{{.Name}}: completed", map[string]any{"Name": p.Name})
	}
	pct := 0
	if p.Needed > 0 {
		pct = p.Met * 100 / p.Needed
	}
	line := lang.L("{{.Name}}: {{.Met}} of {{.Needed}} done ({{.Percent}}%)", map[string]any{"Name": p.Name, "Met": p.Met, "Needed": p.Needed, "Percent": pct})
	steps := slices.Clone(p.Next)
	if len(steps) == 0 {
		for _, r := range p.Missing {
			steps = append(steps, requirementName(r))
		}
	}
	if len(steps) > 3 {
		steps = append(steps[:3:3], "…")
	}
	if len(steps) > 0 {
		line += " — " + lang.L("next: {{.Steps}}", map[string]any{"Steps": strings.Join(steps, ", ")})
	}
	return line
}

// requirementName is how a pathway requirement reads in a list.
func requirementName(r passport.Requirement) string {
	for _, n := range []string{r.Name, r.Achievement, r.Skill, r.Pathway} {
		if n != "" {
			return n
		}
	}
	return "?"
}

// categoryDialog is the open "Change category" dialog of one skill.
type categoryDialog struct {
	key, name string
	current   passport.Category
	mine      bool
	sel       *widget.Select
	back      string // the option that clears the learner's category ("" without one)
	form      *dialog.FormDialog
}

// ShowCategoryDialog opens the dialog that puts the skill with that key in
// another category, or back in the one its credentials give it. Choosing
// and confirming saves the choice in the wallet (and its activity log) and
// shows the passport again.
func (s *PassportScreen) ShowCategoryDialog(key string) {
	s.app.touch()
	i := slices.IndexFunc(s.view.Skills, func(sk passport.SkillView) bool { return sk.Key == key })
	if i < 0 {
		return
	}
	sk := s.view.Skills[i]
	cd := &categoryDialog{key: key, name: sk.Name, current: sk.Category, mine: sk.CategoryRule == overrideRule}
	opts := make([]string, 0, len(passport.Categories)+1)
	for _, c := range passport.Categories {
		opts = append(opts, categoryLabel(c))
	}
	if cd.mine {
		cd.back = lang.L("Back to the issuer's / framework's category: {{.Category}}", map[string]any{"Category": categoryLabel(s.derived[key])})
		opts = append(opts, cd.back)
	}
	cd.sel = widget.NewSelect(opts, nil)
	cd.sel.SetSelected(categoryLabel(sk.Category))
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Skill"), widget.NewLabel(sk.Name)),
		widget.NewFormItem(lang.L("Category"), cd.sel),
	}
	cd.form = dialog.NewForm(lang.L("Change category"), lang.L("Save"), lang.L("Cancel"), items, func(ok bool) {
		if s.catDialog == cd {
			s.catDialog = nil
		}
		if ok {
			s.saveCategory(cd)
		}
	}, s.app.window)
	s.catDialog = cd
	cd.form.Resize(fyne.NewSize(520, 220))
	cd.form.Show()
	s.app.window.Canvas().Focus(cd.sel) // arrows choose, Tab reaches the buttons
}

// saveCategory stores the category chosen in cd off the UI goroutine and
// shows the passport again; a refusal is shown in a dialog with a hint.
func (s *PassportScreen) saveCategory(cd *categoryDialog) {
	s.app.touch()
	chosen := cd.sel.Selected
	toRules := cd.back != "" && chosen == cd.back
	var cat passport.Category
	if !toRules {
		i := slices.IndexFunc(passport.Categories, func(c passport.Category) bool { return categoryLabel(c) == chosen })
		if i < 0 || passport.Categories[i] == cd.current {
			return // nothing chosen, or no change
		}
		cat = passport.Categories[i]
	}
	v, key := s.vault, cd.key
	s.app.background(func() {
		var err error
		if toRules {
			err = v.ClearCategory(key)
		} else {
			err = v.SetCategory(key, cat)
		}
		fyne.Do(func() {
			s.catErr = ""
			if err != nil {
				s.catErr = categoryErrorText(cd.name, err)
				dialog.ShowError(errors.New(s.catErr), s.app.window)
			}
			s.refresh()
		})
	})
}

// categoryErrorText says why a skill's category was not changed, and what
// to do.
func categoryErrorText(name string, err error) string {
	var hint string
	switch {
	case errors.Is(err, wallet.ErrUnknownSkill):
		hint = lang.L("The skill is no longer in your passport (its credential may have been removed); the passport is shown again.")
	case errors.Is(err, wallet.ErrNoOverride):
		hint = lang.L("The skill already has the category its credentials give it; the passport is shown again.")
	case errors.Is(err, wallet.ErrLocked):
		hint = lang.L("The wallet is locked. Unlock it and try again.")
	default:
		hint = lang.L("Nothing was changed. Try again; if it keeps failing, restart Skillpass.")
	}
	return lang.L("Could not change the category of {{.Skill}}: {{.Err}}", map[string]any{"Skill": name, "Err": err.Error()}) + "\n\n" + hint
}
