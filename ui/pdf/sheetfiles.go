package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/skillpass/skillpass/wallet/qr"
)

// CompanionPath is the presentation file handed over with the sheet at
// pdfPath when its code does not fit: the sheet's name with ".json" for
// its extension (pdfPath with ".json" added when it already ends so).
func CompanionPath(pdfPath string) string {
	out := strings.TrimSuffix(pdfPath, filepath.Ext(pdfPath)) + ".json"
	if out == pdfPath {
		out += ".json"
	}
	return out
}

// WriteSheetFiles writes s as a printable sheet (WriteSheet) to the file
// pdfPath, and returns its layout and the path of the presentation file
// it wrote beside it ("" when none).
//
// When the code does not fit a sheet (more than SheetMaxVersion) and
// s.File is empty, presentation (the presentation's JSON) is written to
// CompanionPath(pdfPath), which the sheet names. An existing companion is
// never replaced, and the sheet replaces an existing file only when
// replace is true: otherwise the error is an *fs.PathError wrapping
// fs.ErrExist, naming the file. With s.File set, the caller has handed the
// presentation over already: the sheet names it and only the sheet is
// written.
//
// The page is made before any file is touched; the sheet is written to a
// temporary file in its folder and moved into place complete (created new
// when replace is false), and on failure no file this call created is
// left.
func WriteSheetFiles(pdfPath string, s Sheet, presentation []byte, replace bool, opts Options) (SheetLayout, string, error) {
	companion := ""
	if _, err := qr.Version(s.Code); err != nil && s.File == "" && s.Code != "" {
		companion = CompanionPath(pdfPath)
		s.File = filepath.Base(companion)
	}
	var buf bytes.Buffer
	l, err := WriteSheet(&buf, s, opts)
	if err != nil {
		return l, "", fmt.Errorf("make the printable sheet: %w", err)
	}
	if companion != "" {
		if len(presentation) == 0 {
			return l, "", errors.New("make the printable sheet: the code does not fit and there is no presentation file to hand over")
		}
		b := presentation
		if b[len(b)-1] != '\n' {
			b = append(append([]byte{}, b...), '\n')
		}
		if err := writeNewFile(companion, b); err != nil {
			return l, "", err
		}
	}
	if replace {
		err = replaceFile(pdfPath, buf.Bytes())
	} else {
		err = writeNewFile(pdfPath, buf.Bytes())
	}
	if err != nil {
		if companion != "" {
			_ = os.Remove(companion)
		}
		return l, "", err
	}
	return l, companion, nil
}

// writeNewFile creates the file name with b, refusing (fs.ErrExist) to
// replace one; a file it could not complete is removed.
func writeNewFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &fs.PathError{Op: "write", Path: name, Err: pe.Err}
		}
		return fmt.Errorf("write %s: %w", name, err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// replaceFile writes b to a temporary file beside name and moves it over
// name once complete.
func replaceFile(name string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".skillpass-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
