package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/verify"
)

// selectHint is what the detail pane says before a credential is selected.
func selectHint() string { return lang.L("Select a credential to see its checks.") }

// emptyWallet is what the detail pane says while the wallet is empty.
func emptyWallet() string {
	return lang.L("Your wallet holds no credentials yet.\n\nUse \"Import credential…\" to add a badge or certificate your issuer gave you: a JSON or JWT file, or a baked PNG or SVG badge. Skillpass verifies each one before it keeps it.")
}

// CredentialsScreen lists the wallet's credentials with their verdicts and
// shows the checks of the one selected.
type CredentialsScreen struct {
	app   *App
	vault Vault

	all     []wallet.Summary
	shown   []wallet.Summary
	search  *widget.Entry
	sortSel *widget.Select
	issuerF *widget.Select
	catF    *widget.Select
	statusF *widget.Select
	// cats maps a record id to the passport categories (labels) its
	// evidence counts towards.
	cats     map[string][]string
	count    *widget.Label
	list     *widget.List
	detail   *widget.Label
	checks   *widget.Label
	importB  *widget.Button
	folderB  *widget.Button
	checkB   *widget.Button
	fetchB   *widget.Button // "Fetch from issuer…" of the Open Badges 2.0 badge shown
	progress *widget.ProgressBar
	cancelB  *widget.Button // cancels the running check
	content  fyne.CanvasObject

	// shownID is the record the detail pane shows ("" for none).
	shownID string
	// job is the import or check running (jobNone for none), and cancel
	// stops it; locking the wallet cancels it (UI goroutine only).
	job    jobKind
	cancel context.CancelFunc
	// netJobs counts the jobs running on their own goroutine (App.goTracked),
	// guarded by app.jobsMu: loadCategories does not wait for them.
	netJobs int
	// held are the reports of jobs that finished while the wallet was
	// locked: they name credentials, so they are shown after the unlock.
	held []heldReport
	// reports are the job reports shown (they name credentials: hidden
	// when the wallet locks).
	reports []dialog.Dialog
	// confirm is the confirmation dialog shown last (tests confirm it), and
	// confirmMsg its message.
	confirm    *dialog.ConfirmDialog
	confirmMsg string
	// pending are the files of the last import whose Open Badges 2.0 badges
	// need the learner's consent to be fetched before they can be added.
	pending []importFile
	// pendingB is the import report's "Fetch from issuer…" button.
	pendingB *widget.Button

	// catPending is set while a loadCategories job waits to run.
	catPending atomic.Bool

	lastReport atomic.Pointer[string]
	lastCheck  atomic.Pointer[string]
}

// LastReport returns the text of the last import report.
// It is empty until the first import has finished and the list shows its
// result.
func (s *CredentialsScreen) LastReport() string {
	if p := s.lastReport.Load(); p != nil {
		return *p
	}
	return ""
}

func newCredentialsScreen(a *App, v Vault) *CredentialsScreen {
	s := &CredentialsScreen{app: a, vault: v}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("Search by name or issuer"))
	s.search.OnChanged = func(string) { a.touch(); s.applyFilter() }
	s.count = widget.NewLabel("")
	s.sortSel = widget.NewSelect(sortOptions(), nil)
	s.issuerF = widget.NewSelect([]string{allIssuers()}, nil)
	s.catF = widget.NewSelect([]string{allCategories()}, nil)
	s.statusF = widget.NewSelect(statusOptions(), nil)
	for _, sel := range []*widget.Select{s.sortSel, s.issuerF, s.catF, s.statusF} {
		sel.SetSelectedIndex(0)
		sel.OnChanged = func(string) { a.touch(); s.applyFilter() }
	}
	s.importB = widget.NewButton(lang.L("Import credential…"), s.onImportDialog)
	s.folderB = widget.NewButton(lang.L("Import folder…"), s.onImportFolderDialog)
	s.checkB = widget.NewButton(lang.L("Check all again…"), s.onCheckAll)
	s.fetchB = widget.NewButton(lang.L("Fetch from issuer…"), s.onFetchBadge)
	s.fetchB.Hide()
	if !s.canCheck() {
		s.checkB.Disable()
	}
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.cancelB = widget.NewButton(lang.L("Cancel"), s.onCancelCheck)
	s.cancelB.Hide()
	s.list = widget.NewList(
		func() int { return len(s.shown) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("")
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(name, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < 0 || i >= len(s.shown) {
				return
			}
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(s.shown[i].Name)
			c.Objects[1].(*widget.Label).SetText(RowSubtitle(s.shown[i]))
		},
	)
	s.list.OnSelected = s.onSelect
	s.detail = widget.NewLabel(selectHint())
	s.detail.Wrapping = fyne.TextWrapWord
	s.checks = widget.NewLabel("")
	s.checks.Wrapping = fyne.TextWrapWord
	filters := container.NewGridWithColumns(4, s.sortSel, s.issuerF, s.catF, s.statusF)
	bar := container.NewBorder(nil, nil, nil, s.cancelB, s.progress)
	top := container.NewBorder(nil, container.NewVBox(filters, bar), nil, container.NewHBox(s.count, s.importB, s.folderB, s.checkB), s.search)
	right := container.NewVScroll(container.NewVBox(s.detail, widget.NewSeparator(), s.checks, container.NewHBox(s.fetchB)))
	split := container.NewHSplit(s.list, right)
	split.Offset = 0.45
	s.content = container.NewBorder(top, nil, nil, nil, split)
	a.window.SetOnDropped(s.onDropped)
	return s
}

// Status groups a credential's verdict for the status filter.
const (
	StatusVerified = iota + 1
	StatusNotVerified
	StatusRevokedExpired
	StatusUnknown
)

func sortOptions() []string {
	return []string{lang.L("Newest first"), lang.L("Oldest first"), lang.L("Name (A–Z)"), lang.L("Issuer (A–Z)")}
}

func allIssuers() string    { return lang.L("All issuers") }
func allCategories() string { return lang.L("All categories") }

func statusOptions() []string {
	return []string{lang.L("Any status"), lang.L("Verified"), lang.L("Not verified"), lang.L("Revoked or expired"), lang.L("Status unknown")}
}

// StatusGroup says which status filter a credential falls under: one of
// StatusVerified, StatusNotVerified, StatusRevokedExpired, StatusUnknown.
func StatusGroup(c wallet.Summary) int {
	switch {
	case c.Checks.Validity == "expired" || c.Checks.Status == "revoked" || c.Checks.Status == "suspended":
		return StatusRevokedExpired
	case c.Checks.Signature != "" && c.Checks.Signature != "ok", c.Checks.Issuer == "mismatch":
		return StatusNotVerified
	case c.Checks.Status == "unknown":
		return StatusUnknown
	case c.Verified:
		return StatusVerified
	default:
		return StatusNotVerified
	}
}

func issuerOf(c wallet.Summary) string {
	if c.IssuerName != "" {
		return c.IssuerName
	}
	return c.IssuerID
}

// Sort returns the sort select (newest first by default).
func (s *CredentialsScreen) Sort() *widget.Select { return s.sortSel }

// IssuerFilter returns the issuer filter select; its first option is all
// issuers.
func (s *CredentialsScreen) IssuerFilter() *widget.Select { return s.issuerF }

// CategoryFilter returns the passport category filter select; its first
// option is all categories.
func (s *CredentialsScreen) CategoryFilter() *widget.Select { return s.catF }

// StatusFilter returns the status filter select: any, then the groups of
// StatusGroup in order.
func (s *CredentialsScreen) StatusFilter() *widget.Select { return s.statusF }

// Categories returns the passport category labels a listed credential's
// skills count towards.
func (s *CredentialsScreen) Categories(id string) []string { return s.cats[id] }

// Shown returns the summaries currently listed (after the search filter).
func (s *CredentialsScreen) Shown() []wallet.Summary { return s.shown }

// Detail returns the text of the detail pane and of its checks.
func (s *CredentialsScreen) Detail() (string, string) { return s.detail.Text, s.checks.Text }

// Search returns the search entry (tests type into it).
func (s *CredentialsScreen) Search() *widget.Entry { return s.search }

// List returns the credentials list widget.
func (s *CredentialsScreen) List() *widget.List { return s.list }

// RowSubtitle is the second line of a credential's row: issuer and verdict.
func RowSubtitle(c wallet.Summary) string {
	issuer := c.IssuerName
	if issuer == "" {
		issuer = c.IssuerID
	}
	return issuer + " · " + lang.L(c.Verdict())
}

func (s *CredentialsScreen) refresh() {
	all, err := s.vault.List()
	if err != nil {
		dialog.ShowError(errors.New(lang.L("Could not read the credentials: {{.Err}}", map[string]any{"Err": err.Error()})), s.app.window)
		return
	}
	s.all = all
	var issuers []string
	for _, c := range all {
		if is := issuerOf(c); is != "" && !slices.Contains(issuers, is) {
			issuers = append(issuers, is)
		}
	}
	slices.Sort(issuers)
	setOptions(s.issuerF, append([]string{allIssuers()}, issuers...))
	s.applyFilter()
	s.loadCategories()
	s.showHeld()
}

// loadCategories offers in the category filter the categories of the
// passport the home screen built (the screens that change credentials
// refresh the credentials and then the home; building the passport a
// second time here would double the work of every unlock and import). It
// runs as a background job that waits until no other job is pending, so
// that the home's build has finished and shown its passport. One such job
// at most is pending (two would each wait for the other).
func (s *CredentialsScreen) loadCategories() {
	if !s.catPending.CompareAndSwap(false, true) {
		return // the pending one reads the home's newest passport
	}
	var try func()
	try = func() {
		s.app.jobsMu.Lock()
		others := s.app.jobCount-s.netJobs > 1 // a network check may run for minutes
		s.app.jobsMu.Unlock()
		if others {
			s.app.background(try) // after the pending jobs (the home's build)
			return
		}
		s.catPending.Store(false)
		fyne.Do(func() {
			if s.app.home != nil {
				s.setCategories(s.app.home.View())
			}
		})
	}
	s.app.background(try)
}

// setCategories learns from the passport v which categories each
// credential counts towards and offers them in the category filter.
func (s *CredentialsScreen) setCategories(v passport.View) {
	cats := map[string][]string{}
	var labels []string
	for _, sk := range v.Skills {
		label := sk.CategoryLabel
		if label == "" {
			label = string(sk.Category)
		}
		if label == "" {
			continue
		}
		if !slices.Contains(labels, label) {
			labels = append(labels, label)
		}
		for _, e := range sk.Evidence {
			if !slices.Contains(cats[e.RecordID], label) {
				cats[e.RecordID] = append(cats[e.RecordID], label)
			}
		}
	}
	slices.Sort(labels)
	s.cats = cats
	if setOptions(s.catF, append([]string{allCategories()}, labels...)) || s.catF.SelectedIndex() > 0 {
		s.applyFilter() // a chosen category may now hold other rows
	}
}

// setOptions replaces sel's options, keeping its choice when it is still
// offered, else choosing the first ("all") without running OnChanged. It
// reports whether the choice changed.
func setOptions(sel *widget.Select, opts []string) bool {
	cur := sel.Selected
	sel.Options = opts
	changed := !slices.Contains(opts, cur)
	if changed {
		on := sel.OnChanged
		sel.OnChanged = nil
		sel.SetSelectedIndex(0)
		sel.OnChanged = on
	}
	sel.Refresh()
	return changed
}

func (s *CredentialsScreen) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	issuer, cat := "", ""
	if s.issuerF.SelectedIndex() > 0 {
		issuer = s.issuerF.Selected
	}
	if s.catF.SelectedIndex() > 0 {
		cat = s.catF.Selected
	}
	status := s.statusF.SelectedIndex()
	s.shown = s.shown[:0]
	for _, c := range s.all {
		if q != "" && !strings.Contains(strings.ToLower(c.Name+" "+c.IssuerName+" "+c.IssuerID+" "+c.Achievement), q) {
			continue
		}
		if issuer != "" && issuerOf(c) != issuer {
			continue
		}
		if cat != "" && !slices.Contains(s.cats[c.ID], cat) {
			continue
		}
		if status > 0 && StatusGroup(c) != status {
			continue
		}
		s.shown = append(s.shown, c)
	}
	s.sortShown()
	s.count.SetText(lang.L("{{.N}} of {{.All}}", map[string]any{"N": len(s.shown), "All": len(s.all)}))
	if len(s.all) == 0 {
		s.detail.SetText(emptyWallet())
		s.checks.SetText("")
		s.fetchB.Hide()
		s.shownID = ""
	} else if s.detail.Text == emptyWallet() {
		s.detail.SetText(selectHint())
	}
	s.list.UnselectAll()
	s.list.Refresh()
}

// sortShown orders the listed rows as the sort select says; ties keep the
// wallet's order.
func (s *CredentialsScreen) sortShown() {
	byName := func(a, b wallet.Summary) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	}
	switch s.sortSel.SelectedIndex() {
	case 1:
		slices.SortStableFunc(s.shown, func(a, b wallet.Summary) int { return a.ValidFrom.Compare(b.ValidFrom) })
	case 2:
		slices.SortStableFunc(s.shown, byName)
	case 3:
		slices.SortStableFunc(s.shown, func(a, b wallet.Summary) int {
			if c := strings.Compare(strings.ToLower(issuerOf(a)), strings.ToLower(issuerOf(b))); c != 0 {
				return c
			}
			return byName(a, b)
		})
	default:
		slices.SortStableFunc(s.shown, func(a, b wallet.Summary) int { return b.ValidFrom.Compare(a.ValidFrom) })
	}
}

func (s *CredentialsScreen) onSelect(id widget.ListItemID) {
	s.app.touch()
	if id < 0 || id >= len(s.shown) {
		return
	}
	rec, err := s.vault.Get(s.shown[id].ID)
	if err != nil {
		dialog.ShowError(err, s.app.window)
		return
	}
	s.showRecord(rec)
}

// showRecord fills the detail pane with rec and its checks, and offers
// "Fetch from issuer…" for an Open Badges 2.0 badge.
func (s *CredentialsScreen) showRecord(rec *wallet.Record) {
	s.shownID = rec.ID
	c := rec.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", c.Name)
	if c.Achievement != "" && c.Achievement != c.Name {
		b.WriteString(lang.L("Achievement: {{.V}}", map[string]any{"V": c.Achievement}) + "\n")
	}
	b.WriteString(lang.L("Issuer: {{.V}}", map[string]any{"V": strings.TrimSpace(c.IssuerName + " " + c.IssuerID)}) + "\n")
	b.WriteString(lang.L("Valid from: {{.V}}", map[string]any{"V": day(c.ValidFrom.String(), c.ValidFrom.IsZero())}) + "\n")
	b.WriteString(lang.L("Valid until: {{.V}}", map[string]any{"V": day(c.ValidUntil.String(), c.ValidUntil.IsZero())}) + "\n")
	b.WriteString(lang.L("Types: {{.V}}", map[string]any{"V": strings.Join(c.Types, ", ")}) + "\n")
	s.detail.SetText(b.String())
	var ch strings.Builder
	if c.Verified {
		ch.WriteString(lang.L("Verified") + "\n")
	} else {
		ch.WriteString(lang.L("Not verified") + "\n")
	}
	for _, name := range wallet.CheckNames {
		v := c.Checks.Value(name)
		if v == "" {
			continue
		}
		fmt.Fprintf(&ch, "• %s: %s — %s\n", checkLabel(name), v, checkMeaning(name, v))
	}
	for _, e := range rec.Result.Errors {
		fmt.Fprintf(&ch, "  %s\n", e)
	}
	if rec.Format == verify.FormatOB2 {
		ch.WriteString("\n" + lang.L("An Open Badges 2.0 badge is checked by fetching it, or its issuer's key, from the issuer's web site. Use \"Fetch from issuer…\" to check it again there.") + "\n")
	}
	s.checks.SetText(ch.String())
	if rec.Format == verify.FormatOB2 && s.canCheck() {
		s.fetchB.Show()
	} else {
		s.fetchB.Hide()
	}
}

func day(s string, zero bool) string {
	if zero {
		return "—"
	}
	return s[:10]
}
