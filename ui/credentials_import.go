package ui

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/importer"
)

// MaxFolderFiles bounds how many files one folder import (or drop) reads.
const MaxFolderFiles = 10000

// importFile is one file to import and the name the report gives it.
type importFile struct{ path, label string }

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
	files := make([]importFile, len(paths))
	for i, p := range paths {
		files[i] = importFile{path: p, label: filepath.Base(p)}
	}
	s.importFiles(files, nil, wallet.CheckOptions{}, false)
}

// setBusy disables the buttons that start work on the credentials while
// an import or check runs, and enables them again after.
func (s *CredentialsScreen) setBusy(busy bool) {
	for _, b := range []*widget.Button{s.importB, s.folderB, s.checkB, s.fetchB} {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if !busy && !s.canCheck() {
		s.checkB.Disable()
	}
	if busy {
		s.progress.SetValue(0)
		s.progress.Show()
	} else {
		s.progress.Hide()
		s.cancelB.Hide()
	}
}

// importFiles imports files off the UI goroutine; notes open the report
// (what a folder import skipped). With consent, the import may fetch Open
// Badges 2.0 badges through o.
func (s *CredentialsScreen) importFiles(files []importFile, notes []string, o wallet.CheckOptions, consent bool) {
	s.app.touch()
	s.lastReport.Store(nil)
	s.setBusy(true)
	cv, _ := s.vault.(CheckVault)
	s.app.background(func() {
		var report strings.Builder
		for _, n := range notes {
			report.WriteString(n + "\n")
		}
		var pending []importFile
		for i, f := range files {
			data, err := os.ReadFile(f.path)
			if err == nil {
				var results []wallet.ImportResult
				if consent && cv != nil {
					results, err = cv.ImportWith(context.Background(), filepath.Base(f.path), data, o)
				} else {
					results, err = s.vault.Import(context.Background(), filepath.Base(f.path), data)
				}
				needsFetch := false
				for _, r := range results {
					switch {
					case r.Rejected != nil && !consent && wallet.NeedsBadgeFetch(r.Result):
						needsFetch = true
						report.WriteString(lang.L("{{.File}}: an Open Badges 2.0 badge: checking it means fetching it from its issuer's web site ({{.Hosts}}), so it was not added yet. Use \"Fetch from issuer…\" below to check and add it.",
							map[string]any{"File": f.label, "Hosts": hostList(wallet.BadgeHosts(data))}) + "\n")
					case r.Rejected != nil:
						report.WriteString(lang.L("{{.File}}: not added — {{.Reason}}", map[string]any{"File": f.label, "Reason": r.Rejected.Reason}) + "\n" + r.Rejected.Hint + "\n")
					case r.Duplicate:
						report.WriteString(lang.L("{{.Name}}: already in your wallet", map[string]any{"Name": r.Summary.Name}) + "\n")
					default:
						report.WriteString(lang.L("{{.Name}}: added ({{.Verdict}})", map[string]any{"Name": r.Summary.Name, "Verdict": lang.L(r.Summary.Verdict())}) + "\n")
					}
				}
				if needsFetch {
					pending = append(pending, f)
				}
			}
			if err != nil {
				fmt.Fprintf(&report, "%s: %v\n", f.label, err)
			}
			done := float64(i+1) / float64(len(files))
			fyne.Do(func() { s.progress.SetValue(done) })
		}
		fyne.Do(func() {
			s.setBusy(false)
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			s.pending = nil
			if cv != nil && s.app.Fetcher != nil {
				s.pending = pending
			}
			s.showReport(report.String())
			// Last, so that whoever waits for the report sees a settled screen.
			text := report.String()
			s.lastReport.Store(&text)
		})
	})
}

// showReport shows an import report; when badges wait for the learner's
// consent to be fetched, it offers "Fetch from issuer…" for them.
func (s *CredentialsScreen) showReport(text string) {
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	content := fyne.CanvasObject(container.NewVScroll(body))
	var d dialog.Dialog
	if len(s.pending) > 0 {
		s.pendingB = widget.NewButton(lang.L("Fetch from issuer…"), func() {
			d.Hide()
			s.onFetchPending()
		})
		content = container.NewBorder(nil, container.NewHBox(s.pendingB), nil, nil, content)
	} else {
		s.pendingB = nil
	}
	d = dialog.NewCustom(lang.L("Import"), lang.L("Close"), content, s.app.window)
	d.Resize(fyne.NewSize(560, 360))
	d.Show()
}

// PendingFetch returns the import report's "Fetch from issuer…" button, or
// nil when the last import left no badge waiting for consent.
func (s *CredentialsScreen) PendingFetch() *widget.Button { return s.pendingB }

// hostList writes hosts for a sentence ("example.org, badges.example.net").
func hostList(hosts []string) string {
	if len(hosts) == 0 {
		return lang.L("the addresses the badge names")
	}
	return strings.Join(hosts, ", ")
}

// fetchConsent is the confirmation's text before fetching Open Badges 2.0
// badges from hosts.
func fetchConsent(hosts []string) string {
	return lang.L("Skillpass will fetch the badge (or its issuer's key, badge description and revocation list) from: {{.Hosts}}.\n\nThe issuer can tell from this that the badge is being looked at, and from which internet address. Nothing else leaves this computer: no other credential and none of your data is sent.",
		map[string]any{"Hosts": hostList(hosts)})
}

// onFetchPending asks for consent, then imports the badges of the last
// import that need fetching, fetching them from their issuers.
func (s *CredentialsScreen) onFetchPending() {
	files := s.pending
	if len(files) == 0 || s.app.Fetcher == nil {
		return
	}
	var hosts []string
	for _, f := range files {
		if data, err := os.ReadFile(f.path); err == nil {
			for _, h := range wallet.BadgeHosts(data) {
				if !slices.Contains(hosts, h) {
					hosts = append(hosts, h)
				}
			}
		}
	}
	slices.Sort(hosts)
	s.confirmMsg = fetchConsent(hosts)
	s.confirm = dialog.NewConfirm(lang.L("Fetch from issuer?"), s.confirmMsg, func(ok bool) {
		if !ok {
			return
		}
		s.pending = nil
		s.importFiles(files, nil, wallet.CheckOptions{Fetcher: s.app.Fetcher, BadgeFetch: true}, true)
	}, s.app.window)
	s.confirm.SetConfirmText(lang.L("Fetch"))
	s.confirm.Show()
}

// onImportFolderDialog lets the learner pick a folder and imports every
// file under it.
func (s *CredentialsScreen) onImportFolderDialog() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.ImportPaths([]string{u.Path()})
	}, s.app.window)
	d.Show()
}

// onDropped imports the files and folders dropped onto the window while
// the wallet is open and unlocked.
func (s *CredentialsScreen) onDropped(_ fyne.Position, uris []fyne.URI) {
	if s.app.vault == nil || s.app.Locked() || len(uris) == 0 {
		return
	}
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) > 0 {
		s.ImportPaths(paths)
	}
}

// ImportPaths imports files and, recursively, every file under folders:
// hidden files and folders are skipped, as are files larger than the
// importer takes and anything past MaxFolderFiles files, each said in the
// report. Listing runs off the UI goroutine; the import is ImportFiles'.
func (s *CredentialsScreen) ImportPaths(paths []string) {
	s.app.touch()
	s.lastReport.Store(nil)
	s.setBusy(true)
	s.app.background(func() {
		files, notes := collectFiles(paths, importer.DefaultLimits().MaxBytes, MaxFolderFiles)
		fyne.Do(func() {
			s.setBusy(false)
			if len(files) == 0 {
				notes = append(notes, lang.L("No files to import were found."))
			}
			s.importFiles(files, notes, wallet.CheckOptions{}, false)
		})
	})
}

// collectFiles lists the files to import under paths (files as given,
// folders walked), and notes for what it skipped.
func collectFiles(paths []string, maxBytes int64, maxFiles int) ([]importFile, []string) {
	var files []importFile
	var notes []string
	tooMany := false
	add := func(path, label string) bool {
		if len(files) >= maxFiles {
			tooMany = true
			return false
		}
		files = append(files, importFile{path: path, label: label})
		return true
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v", filepath.Base(root), err))
			continue
		}
		if !st.IsDir() {
			if st.Size() > maxBytes {
				notes = append(notes, tooLarge(filepath.Base(root), maxBytes))
				continue
			}
			if !add(root, filepath.Base(root)) {
				break
			}
			continue
		}
		base := filepath.Dir(root)
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			label, _ := filepath.Rel(base, p)
			if err != nil {
				notes = append(notes, fmt.Sprintf("%s: %v", label, err))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil // folders are walked; links and devices are not followed
			}
			info, err := d.Info()
			if err != nil {
				notes = append(notes, fmt.Sprintf("%s: %v", label, err))
				return nil
			}
			if info.Size() > maxBytes {
				notes = append(notes, tooLarge(label, maxBytes))
				return nil
			}
			if !add(p, label) {
				return fs.SkipAll
			}
			return nil
		})
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v", filepath.Base(root), err))
		}
		if tooMany {
			break
		}
	}
	if tooMany {
		notes = append(notes, lang.L("Only the first {{.N}} files were imported: import the rest from smaller folders.", map[string]any{"N": maxFiles}))
	}
	return files, notes
}

// tooLarge is the report line of a file skipped for its size.
func tooLarge(label string, maxBytes int64) string {
	return lang.L("{{.File}}: skipped — larger than {{.MB}} MB, more than any credential file", map[string]any{"File": label, "MB": maxBytes >> 20})
}
