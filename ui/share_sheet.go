package ui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"github.com/skillpass/skillpass/ui/pdf"
	"github.com/skillpass/skillpass/wallet"
)

func (s *ShareScreen) onSheetDialog() {
	s.app.touch()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		chosen := w.URI().Path()
		_ = w.Close()
		s.sheetChosen(chosen)
	}, s.app.window)
	d.SetFileName("skillpass-presentation.pdf")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
}

// sheetChosen saves the sheet as the save dialog's choice, chosen, which
// the dialog has already created or emptied: the sheet goes there (or,
// for a name without .pdf, beside it with .pdf added), and the empty file
// is removed when the sheet went elsewhere or could not be saved.
func (s *ShareScreen) sheetChosen(chosen string) { s.saveSheet(chosen, true) }

// SaveSheet writes, off the UI goroutine, the presentation shown as a
// printable A4 sheet (PDF) to path (with ".pdf" added when path does not
// end so): its QR code printed large (paper holds codes up to version 40),
// what it discloses and how to verify it. When even that is too small for
// the code, the presentation is saved beside it as a JSON file, which the
// sheet names; an existing file of that name is never replaced. Failures
// show in a dialog with a hint.
func (s *ShareScreen) SaveSheet(path string) { s.saveSheet(path, false) }

// sheetPath is the name a sheet chosen as chosen is saved under: chosen
// when it ends in .pdf, else chosen with ".pdf" added.
func sheetPath(chosen string) string {
	if strings.EqualFold(filepath.Ext(chosen), ".pdf") {
		return chosen
	}
	return chosen + ".pdf"
}

// saveSheet is SaveSheet; dialogMade says that the file chosen was created
// or emptied by the save dialog (which also asked before replacing it).
func (s *ShareScreen) saveSheet(chosen string, dialogMade bool) {
	s.app.touch()
	p, text := s.pres, s.text
	if p == nil || text == "" {
		if dialogMade {
			removeEmpty(chosen)
		}
		return
	}
	path := sheetPath(chosen)
	s.sheetB.Disable()
	s.sheetBusy.Show()
	s.sheetBusy.Start()
	s.sheetMsg.SetText(lang.L("Making the printable sheet…"))
	s.app.background(func() {
		// Replace only the file the learner chose (the dialog asked).
		l, jsonFile, err := writeSheet(path, p, text, path == chosen)
		if dialogMade && (err != nil || path != chosen) {
			removeEmpty(chosen)
		}
		fyne.Do(func() {
			s.sheetBusy.Stop()
			s.sheetBusy.Hide()
			s.sheetB.Enable()
			switch {
			case err != nil:
				msg := lang.L("Could not save the printable sheet: {{.Err}}", map[string]any{"Err": err.Error()})
				hint := lang.L("Choose a folder you may write to, on a disk with free space, and try again.")
				if errors.Is(err, fs.ErrExist) {
					hint = lang.L("A file of that name is already there and is not replaced: choose another name.")
				}
				s.sheetMsg.SetText(msg)
				dialog.ShowError(errors.New(msg+"\n"+hint), s.app.window)
			case !l.Fits:
				s.sheetMsg.SetText(lang.L("Saved {{.Path}}. The code is too large even for paper: the sheet says so and names {{.File}}, saved beside it; hand over both.",
					map[string]any{"Path": path, "File": jsonFile}))
			default:
				s.sheetMsg.SetText(lang.L("Saved {{.Path}}: QR version {{.V}}, {{.MM}} mm per module. Print it at 100% (no \"fit to page\").",
					map[string]any{"Path": path, "V": l.Version, "MM": fmt.Sprintf("%.2f", l.ModuleMM)}))
			}
		})
	})
}

// SheetStatus returns what the result view says about the last printable
// sheet saved ("" before one was asked for).
func (s *ShareScreen) SheetStatus() string { return s.sheetMsg.Text }

// writeSheet writes presentation p, whose QR code text is text, as a
// printable sheet to path (replacing a file there only when replace),
// and, when the code does not fit even the sheet, p's JSON beside it as a
// new file (returned by name). See pdf.WriteSheetFiles.
func writeSheet(path string, p *wallet.Presentation, text string, replace bool) (pdf.SheetLayout, string, error) {
	sheet := pdf.Sheet{Code: text, Preview: p.Preview, Created: p.Created}
	l, companion, err := pdf.WriteSheetFiles(path, sheet, p.JSON, replace, pdf.Options{})
	if err != nil {
		return l, "", err
	}
	if companion != "" {
		companion = filepath.Base(companion)
	}
	return l, companion, nil
}

// removeEmpty removes the file at path if it is an empty regular file
// (one a save dialog created or emptied).
func removeEmpty(path string) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		_ = os.Remove(path)
	}
}
