package pdf

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWriteSheetFiles: a sheet whose code fits is written alone; one whose
// code does not fit gets the presentation beside it (named like the sheet,
// and named on the sheet), never replacing a file there; the sheet
// replaces a file only when asked; on any failure no file the call made is
// left, and existing files are untouched.
func TestWriteSheetFiles(t *testing.T) {
	small, huge := code(400, 11), code(5000, 12)
	pres := []byte(`{"type":["VerifiablePresentation"]}`)
	tests := []struct {
		name    string
		code    string
		file    string            // Sheet.File
		before  map[string]string // files already in the folder
		sheet   string            // the sheet's name
		replace bool
		// want
		companion string
		err       error
		after     map[string]string // "" content: a PDF
	}{
		{name: "fits", code: small, sheet: "cv.pdf", after: map[string]string{"cv.pdf": ""}},
		{name: "too large: the presentation beside it", code: huge, sheet: "cv.pdf", companion: "cv.json",
			after: map[string]string{"cv.pdf": "", "cv.json": string(pres) + "\n"}},
		{name: "too large, named .json", code: huge, sheet: "cv.json", companion: "cv.json.json",
			after: map[string]string{"cv.json": "", "cv.json.json": string(pres) + "\n"}},
		{name: "too large, the caller's file", code: huge, file: "code.json", sheet: "cv.pdf",
			after: map[string]string{"cv.pdf": ""}},
		{name: "an existing companion is not replaced", code: huge, sheet: "cv.pdf", replace: true,
			before: map[string]string{"cv.json": "mine"}, err: fs.ErrExist,
			after: map[string]string{"cv.json": "mine"}},
		{name: "an existing sheet is not replaced", code: huge, sheet: "cv.pdf",
			before: map[string]string{"cv.pdf": "mine"}, err: fs.ErrExist,
			after: map[string]string{"cv.pdf": "mine"}},
		{name: "an existing sheet is replaced when asked", code: small, sheet: "cv.pdf", replace: true,
			before: map[string]string{"cv.pdf": "mine"}, after: map[string]string{"cv.pdf": ""}},
		{name: "no code", sheet: "cv.pdf", err: ErrNoCode, after: map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.before {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
			}
			l, companion, err := WriteSheetFiles(filepath.Join(dir, tc.sheet), Sheet{Code: tc.code, Preview: preview(), File: tc.file}, pres, tc.replace, Options{Uncompressed: true})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.Empty(t, companion)
			} else {
				require.NoError(t, err)
				require.Equal(t, tc.code == small, l.Fits)
				if tc.companion == "" {
					require.Empty(t, companion)
				} else {
					require.Equal(t, filepath.Join(dir, tc.companion), companion)
				}
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names, want []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			for name, text := range tc.after {
				want = append(want, name)
				got, err := os.ReadFile(filepath.Join(dir, name))
				require.NoError(t, err)
				if text == "" {
					require.True(t, strings.HasPrefix(string(got), "%PDF-"), name)
					if named := tc.file + tc.companion; named != "" {
						require.Contains(t, string(got), named, "the sheet names the presentation file")
					}
				} else {
					require.Equal(t, text, string(got), name)
				}
			}
			sort.Strings(want)
			require.Equal(t, want, names, "no other file, no temporary file")
		})
	}

	// The sheet cannot be written: the companion made for it is removed.
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "cv.pdf"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cv.pdf", "x"), []byte("x"), 0o600))
	_, _, err := WriteSheetFiles(filepath.Join(dir, "cv.pdf"), Sheet{Code: huge, Preview: preview()}, pres, true, Options{})
	require.Error(t, err)
	require.NoFileExists(t, filepath.Join(dir, "cv.json"))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the folder that was in the way")
}
