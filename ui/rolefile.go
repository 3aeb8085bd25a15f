package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// showRoleFileDialog asks for a role profile file (JSON) and passes the
// path chosen to use; cancelling, or a file the dialog cannot open, calls
// nothing. The passport home and advisor mode share it.
func (a *App) showRoleFileDialog(use func(path string)) {
	a.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		use(path)
	}, a.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}
