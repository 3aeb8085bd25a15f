package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
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

	all      []wallet.Summary
	shown    []wallet.Summary
	search   *widget.Entry
	count    *widget.Label
	list     *widget.List
	detail   *widget.Label
	checks   *widget.Label
	importB  *widget.Button
	progress *widget.ProgressBar
	content  fyne.CanvasObject

	lastReport atomic.Pointer[string]
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
	s.importB = widget.NewButton(lang.L("Import credential…"), s.onImportDialog)
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
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
	top := container.NewBorder(nil, s.progress, nil, container.NewHBox(s.count, s.importB), s.search)
	right := container.NewVScroll(container.NewVBox(s.detail, widget.NewSeparator(), s.checks))
	split := container.NewHSplit(s.list, right)
	split.Offset = 0.45
	s.content = container.NewBorder(top, nil, nil, nil, split)
	return s
}

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
	s.applyFilter()
}

func (s *CredentialsScreen) applyFilter() {
	q := strings.ToLower(strings.TrimSpace(s.search.Text))
	s.shown = s.shown[:0]
	for _, c := range s.all {
		if q == "" || strings.Contains(strings.ToLower(c.Name+" "+c.IssuerName+" "+c.IssuerID+" "+c.Achievement), q) {
			s.shown = append(s.shown, c)
		}
	}
	s.count.SetText(lang.L("{{.N}} of {{.All}}", map[string]any{"N": len(s.shown), "All": len(s.all)}))
	if len(s.all) == 0 {
		s.detail.SetText(emptyWallet())
	} else if s.detail.Text == emptyWallet() {
		s.detail.SetText(selectHint())
	}
	s.list.UnselectAll()
	s.list.Refresh()
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
	s.checks.SetText(ch.String())
}

func day(s string, zero bool) string {
	if zero {
		return "—"
	}
	return s[:10]
}

func (s *CredentialsScreen) onImportDialog() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.ImportFiles([]string{path})
	}, s.app.window)
	d.Show()
}

// ImportFiles imports the files off the UI goroutine, with a progress bar,
// and reports what was stored and what was rejected (with the reason and a
// hint).
func (s *CredentialsScreen) ImportFiles(paths []string) {
	s.app.touch()
	s.lastReport.Store(nil)
	s.importB.Disable()
	s.progress.SetValue(0)
	s.progress.Show()
	s.app.background(func() {
		var report strings.Builder
		for i, p := range paths {
			data, err := os.ReadFile(p)
			if err == nil {
				var results []wallet.ImportResult
				results, err = s.vault.Import(context.Background(), filepath.Base(p), data)
				for _, r := range results {
					switch {
					case r.Rejected != nil:
						report.WriteString(lang.L("{{.File}}: not added — {{.Reason}}", map[string]any{"File": filepath.Base(p), "Reason": r.Rejected.Reason}) + "\n" + r.Rejected.Hint + "\n")
					case r.Duplicate:
						report.WriteString(lang.L("{{.Name}}: already in your wallet", map[string]any{"Name": r.Summary.Name}) + "\n")
					default:
						report.WriteString(lang.L("{{.Name}}: added ({{.Verdict}})", map[string]any{"Name": r.Summary.Name, "Verdict": lang.L(r.Summary.Verdict())}) + "\n")
					}
				}
			}
			if err != nil {
				fmt.Fprintf(&report, "%s: %v\n", filepath.Base(p), err)
			}
			done := float64(i+1) / float64(len(paths))
			fyne.Do(func() { s.progress.SetValue(done) })
		}
		fyne.Do(func() {
			s.progress.Hide()
			s.importB.Enable()
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			dialog.ShowInformation(lang.L("Import"), report.String(), s.app.window)
			// Last, so that whoever waits for the report sees a settled screen.
			text := report.String()
			s.lastReport.Store(&text)
		})
	})
}
