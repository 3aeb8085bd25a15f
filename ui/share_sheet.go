package ui

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"github.com/skillpass/skillpass/ui/pdf"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

func (s *ShareScreen) onSheetDialog() {
	s.app.touch()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		s.SaveSheet(path)
	}, s.app.window)
	d.SetFileName("skillpass-presentation.pdf")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
	d.Show()
}

// SaveSheet writes, off the UI goroutine, the presentation shown as a
// printable A4 sheet (PDF) to path: its QR code printed large (paper holds
// codes up to version 40), what it discloses and how to verify it. When
// even that is too small for the code, the presentation is saved beside it
// as a JSON file, which the sheet names. Failures show in a dialog with a
// hint.
func (s *ShareScreen) SaveSheet(path string) {
	s.app.touch()
	p, text := s.pres, s.text
	if p == nil || text == "" {
		return
	}
	s.sheetB.Disable()
	s.sheetBusy.Show()
	s.sheetBusy.Start()
	s.sheetMsg.SetText(lang.L("Making the printable sheet…"))
	s.app.background(func() {
		l, jsonFile, err := writeSheet(path, p, text)
		fyne.Do(func() {
			s.sheetBusy.Stop()
			s.sheetBusy.Hide()
			s.sheetB.Enable()
			switch {
			case err != nil:
				msg := lang.L("Could not save the printable sheet: {{.Err}}", map[string]any{"Err": err.Error()})
				s.sheetMsg.SetText(msg)
				dialog.ShowError(errors.New(msg+"\n"+lang.L("Choose a folder you may write to, on a disk with free space, and try again.")), s.app.window)
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
// printable sheet to path, and, when the code does not fit even the
// sheet, p's JSON beside it (returned by name). Each file is written
// beside its place and moved there complete, so a failure leaves no half
// file.
func writeSheet(path string, p *wallet.Presentation, text string) (pdf.SheetLayout, string, error) {
	sheet := pdf.Sheet{Code: text, Preview: p.Preview, Created: p.Created}
	if _, err := qr.Version(text); err != nil {
		sheet.File = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)) + ".json"
	}
	var buf bytes.Buffer
	l, err := pdf.WriteSheet(&buf, sheet, pdf.Options{})
	if err != nil {
		return l, "", fmt.Errorf("make the printable sheet: %w", err)
	}
	if sheet.File != "" {
		if err := writeFileAtomic(filepath.Join(filepath.Dir(path), sheet.File), append(p.JSON, '\n')); err != nil {
			return l, "", err
		}
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return l, "", err
	}
	return l, sheet.File, nil
}

// writeFileAtomic writes b to a new file beside path and moves it into
// place once complete.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".skillpass-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
