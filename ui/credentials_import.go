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
// hint). While another import or check runs it only says so.
func (s *CredentialsScreen) ImportFiles(paths []string) {
	files := make([]importFile, len(paths))
	for i, p := range paths {
		files[i] = importFile{path: p, label: filepath.Base(p)}
	}
	ctx, ok := s.startJob(jobImport)
	if !ok {
		return
	}
	s.importFiles(ctx, files, nil, wallet.CheckOptions{}, false)
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
	}
	s.cancelB.Hide()
}

// importFiles imports files as the job started with ctx (see startJob),
// off the UI goroutine; notes open the report (what a folder import
// skipped). With consent, the import may fetch Open Badges 2.0 badges
// through o, on its own goroutine (App.goTracked); a badge that needs hosts
// beyond o.Hosts is not added, and the learner is asked about them.
func (s *CredentialsScreen) importFiles(ctx context.Context, files []importFile, notes []string, o wallet.CheckOptions, consent bool) {
	s.app.touch()
	s.lastReport.Store(nil)
	cv, _ := s.vault.(CheckVault)
	run, do := s.app.background, fyne.Do
	if consent {
		run, do = s.goNet, s.do
	}
	run(func() {
		var report strings.Builder
		for _, n := range notes {
			report.WriteString(n + "\n")
		}
		var pending, more []importFile
		var moreHosts []string
		for i, f := range files {
			if ctx.Err() != nil {
				fmt.Fprintf(&report, "%s: %s\n", f.label, lang.L("not imported: the wallet was locked"))
				continue
			}
			data, err := os.ReadFile(f.path)
			if err == nil {
				var results []wallet.ImportResult
				if consent && cv != nil {
					results, err = cv.ImportWith(ctx, filepath.Base(f.path), data, o)
				} else {
					results, err = s.vault.Import(ctx, filepath.Base(f.path), data)
				}
				needsFetch, needsMore := false, false
				for _, r := range results {
					switch {
					case r.NeedsConsent != nil:
						needsMore = true
						for _, h := range r.NeedsConsent {
							if !slices.Contains(moreHosts, h) {
								moreHosts = append(moreHosts, h)
							}
						}
						report.WriteString(lang.L("{{.File}}: not added yet — checking it also needs {{.Hosts}}, which you were not asked about.",
							map[string]any{"File": f.label, "Hosts": strings.Join(r.NeedsConsent, ", ")}) + "\n")
					case r.Rejected != nil && !consent && wallet.NeedsBadgeFetch(r.Result):
						needsFetch = true
						report.WriteString(lang.L("{{.File}}: an Open Badges 2.0 badge: checking it means fetching it from its issuer's web site ({{.Hosts}}), so it was not added yet. Use \"Fetch from issuer…\" below to check and add it.",
							map[string]any{"File": f.label, "Hosts": hostList(wallet.BadgeFileHosts(filepath.Base(f.path), data))}) + "\n")
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
				if needsMore {
					more = append(more, f)
				}
			}
			if err != nil {
				fmt.Fprintf(&report, "%s: %v\n", f.label, err)
			}
			done := float64(i+1) / float64(len(files))
			do(func() { s.progress.SetValue(done) })
		}
		do(func() {
			s.endJob()
			text := report.String()
			if s.app.Locked() {
				// The report names credentials: keep it for after the unlock.
				s.pending = nil
				s.hold(lang.L("Import"), text)
				s.lastReport.Store(&text)
				return
			}
			s.refresh()
			if s.app.home != nil {
				s.app.home.refresh()
			}
			s.pending = nil
			if cv != nil && s.app.Fetcher != nil {
				s.pending = pending
			}
			if len(more) > 0 {
				slices.Sort(moreHosts)
				all := append(slices.Clone(o.Hosts), moreHosts...)
				slices.Sort(all)
				all = slices.Compact(all)
				s.askMoreHosts(moreHosts, all, func() {
					if ctx, ok := s.startJob(jobImport); ok {
						s.importFiles(ctx, more, nil, wallet.CheckOptions{Fetcher: o.Fetcher, BadgeFetch: true, Hosts: all}, true)
					}
				})
			} else {
				s.showReport(text)
			}
			// Last, so that whoever waits for the report sees a settled screen.
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
	s.track(d)
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

// askMoreHosts asks again when a check needed hosts (more) that the
// learner was not asked about; all are the hosts the retry may contact
// (more included). then runs if the learner agrees.
func (s *CredentialsScreen) askMoreHosts(more, all []string, then func()) {
	msg := lang.L("Checking the badge also needs {{.Hosts}}: the badge's own documents name it, so Skillpass did not contact it without asking you.",
		map[string]any{"Hosts": strings.Join(more, ", ")}) + "\n\n" + fetchConsent(all)
	s.ask(lang.L("Fetch from more sites?"), msg, lang.L("Fetch"), func(ok bool) {
		if ok {
			then()
		}
	})
}

// onFetchPending asks for consent, then imports the badges of the last
// import that need fetching, fetching them from their issuers (only from
// the hosts named in the consent).
func (s *CredentialsScreen) onFetchPending() {
	files := s.pending
	if len(files) == 0 || s.app.Fetcher == nil {
		return
	}
	hosts := []string{}
	for _, f := range files {
		if data, err := os.ReadFile(f.path); err == nil {
			for _, h := range wallet.BadgeFileHosts(filepath.Base(f.path), data) {
				if !slices.Contains(hosts, h) {
					hosts = append(hosts, h)
				}
			}
		}
	}
	slices.Sort(hosts)
	s.ask(lang.L("Fetch from issuer?"), fetchConsent(hosts), lang.L("Fetch"), func(ok bool) {
		if !ok {
			return
		}
		ctx, started := s.startJob(jobImport)
		if !started {
			return
		}
		s.pending = nil
		s.importFiles(ctx, files, nil, wallet.CheckOptions{Fetcher: s.app.Fetcher, BadgeFetch: true, Hosts: hosts}, true)
	})
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
// the wallet is open and unlocked and the Credentials tab is shown (drops
// elsewhere are ignored), after asking "Import N files into your wallet?".
// While an import or check runs it says so and imports nothing.
func (s *CredentialsScreen) onDropped(_ fyne.Position, uris []fyne.URI) {
	if s.app.vault == nil || s.app.Locked() || len(uris) == 0 || s.app.tabs == nil ||
		s.app.tabs.SelectedIndex() != TabCredentials {
		return
	}
	var paths []string
	for _, u := range uris {
		if u != nil && u.Scheme() == "file" {
			paths = append(paths, u.Path())
		}
	}
	if len(paths) > 0 {
		s.importPaths(paths, true)
	}
}

// ImportPaths imports files and, recursively, every file under folders:
// hidden files and folders are skipped, as are symbolic links and devices
// inside folders (a folder given as a link is followed), files larger than
// the importer takes and anything past MaxFolderFiles files, each said in
// the report. Listing runs off the UI goroutine; the import is
// ImportFiles'.
func (s *CredentialsScreen) ImportPaths(paths []string) { s.importPaths(paths, false) }

// importPaths is ImportPaths; with ask, the learner confirms the number of
// files found first.
func (s *CredentialsScreen) importPaths(paths []string, ask bool) {
	s.app.touch()
	ctx, ok := s.startJob(jobImport)
	if !ok {
		return
	}
	s.lastReport.Store(nil)
	s.app.background(func() {
		files, notes := collectFiles(paths, importer.DefaultLimits().MaxBytes, MaxFolderFiles)
		fyne.Do(func() {
			if ctx.Err() != nil || s.app.Locked() {
				s.endJob()
				return
			}
			if len(files) == 0 {
				notes = append(notes, lang.L("No files to import were found."))
			}
			if !ask || len(files) == 0 {
				s.importFiles(ctx, files, notes, wallet.CheckOptions{}, false)
				return
			}
			q := lang.L("Import {{.N}} files into your wallet?", map[string]any{"N": len(files)})
			if len(files) == 1 {
				q = lang.L("Import 1 file into your wallet?")
			}
			s.ask(lang.L("Import"), q, lang.L("Import"), func(ok bool) {
				if !ok || ctx.Err() != nil {
					s.endJob()
					return
				}
				s.importFiles(ctx, files, notes, wallet.CheckOptions{}, false)
			})
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
	for _, given := range paths {
		// A file or folder given as a symbolic link is read where it leads
		// (labelled with the name given); links inside a folder stay skipped.
		root := given
		if r, err := filepath.EvalSymlinks(given); err == nil {
			root = r
		}
		name := filepath.Base(given)
		st, err := os.Stat(root)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		if !st.IsDir() {
			if st.Size() > maxBytes {
				notes = append(notes, tooLarge(name, maxBytes))
				continue
			}
			if !add(root, name) {
				break
			}
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			rel, _ := filepath.Rel(root, p)
			label := filepath.Join(name, rel)
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
			if d.Type()&fs.ModeSymlink != 0 {
				notes = append(notes, lang.L("{{.File}}: skipped — a link inside the folder (links are not followed there)", map[string]any{"File": label}))
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil // folders are walked; devices and the like are not read
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
			notes = append(notes, fmt.Sprintf("%s: %v", name, err))
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
