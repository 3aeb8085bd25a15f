package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/unwrap"
	"github.com/skillpass/skillpass/wallet/verify"
)

// maxVerifyFile bounds the files the verify screen reads.
const maxVerifyFile = 32 << 20

// VerifyScreen is the employer's verifier: open a QR image or a credential
// or presentation file, or paste its text, and read a verdict per check in
// plain words. It works offline and needs nothing of the wallet.
type VerifyScreen struct {
	app *App

	openB     *widget.Button
	paste     *pasteEntry
	challenge *widget.Entry
	verifyB   *widget.Button
	progress  *widget.ProgressBarInfinite
	verdict   *widget.Label
	details   *widget.Label
	back      *widget.Button // to the unlock screen, when reached from there
	content   fyne.CanvasObject

	loaderOnce sync.Once
	loader     *ld.Loader
	loaderErr  error
	result     *verify.Result
}

func newVerifyScreen(a *App) *VerifyScreen {
	s := &VerifyScreen{app: a}
	s.openB = widget.NewButton(lang.L("Open a QR image or file…"), s.onOpenDialog)
	s.openB.Importance = widget.HighImportance
	s.paste = newPasteEntry()
	s.paste.SetPlaceHolder(lang.L("…or paste the code's text (SP1:…) or a credential here"))
	s.paste.SetMinRowsVisible(4)
	s.challenge = widget.NewEntry()
	s.challenge.SetPlaceHolder(lang.L("The code you gave the learner (optional)"))
	s.verifyB = widget.NewButton(lang.L("Verify the text"), s.onVerifyText)
	s.progress = widget.NewProgressBarInfinite()
	s.progress.Stop()
	s.progress.Hide()
	s.verdict = widget.NewLabelWithStyle(lang.L("Open or paste what a learner shared with you."), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.verdict.Wrapping = fyne.TextWrapWord
	s.details = wrapped("")
	form := widget.NewForm(widget.NewFormItem(lang.L("Your code"), s.challenge))
	top := container.NewVBox(s.openB, s.paste, form, s.verifyB, s.progress)
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(s.verdict, s.details)))
	return s
}

// Verdict returns the headline and the per-check text the screen shows.
func (s *VerifyScreen) Verdict() (string, string) { return s.verdict.Text, s.details.Text }

// Result returns the last verdict (nil before one, or after input that was
// not a credential).
func (s *VerifyScreen) Result() *verify.Result { return s.result }

// Paste returns the text entry (tests type into it).
func (s *VerifyScreen) Paste() *widget.Entry { return &s.paste.Entry }

// pasteEntry is a multi-line entry that leaves the Tab key to focus
// navigation: what is pasted into it never needs a tab character.
type pasteEntry struct{ widget.Entry }

func newPasteEntry() *pasteEntry {
	e := &pasteEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab reports false: Tab moves the focus on.
func (e *pasteEntry) AcceptsTab() bool { return false }

// Challenge returns the entry of the code the employer expects.
func (s *VerifyScreen) Challenge() *widget.Entry { return s.challenge }

func (s *VerifyScreen) onOpenDialog() {
	s.app.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.VerifyFile(path)
	}, s.app.window)
	d.Show()
}

func (s *VerifyScreen) onVerifyText() {
	s.app.touch()
	text := strings.TrimSpace(s.paste.Text)
	if text == "" {
		s.verdict.SetText(lang.L("Paste the text first, or open a file."))
		s.details.SetText("")
		s.result = nil
		return
	}
	s.run(lang.L("the pasted text"), func() ([]byte, error) { return []byte(text), nil })
}

// VerifyFile verifies a QR code image, a baked badge, or a credential or
// presentation file, off the UI goroutine, and shows the verdict.
func (s *VerifyScreen) VerifyFile(path string) {
	s.app.touch()
	s.run(filepath.Base(path), func() ([]byte, error) {
		st, err := os.Stat(path)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		if st.Size() > maxVerifyFile {
			return nil, fmt.Errorf("read %s: the file is larger than %d MB", filepath.Base(path), maxVerifyFile>>20)
		}
		return os.ReadFile(path)
	})
}

// run reads the input, opens it and verifies it in the background.
func (s *VerifyScreen) run(name string, read func() ([]byte, error)) {
	challenge := strings.TrimSpace(s.challenge.Text)
	s.openB.Disable()
	s.verifyB.Disable()
	s.progress.Show()
	s.progress.Start()
	s.verdict.SetText(lang.L("Checking…"))
	s.details.SetText("")
	s.result = nil
	now := s.app.now
	s.app.background(func() {
		var res *verify.Result
		data, err := read()
		if err == nil {
			data, err = unwrap.Document(name, data)
		}
		var v *verify.Verifier
		if err == nil {
			v, err = s.verifier(challenge, now)
		}
		if err == nil {
			res, err = v.Verify(context.Background(), data)
		}
		fyne.Do(func() { s.showResult(name, res, err) })
	})
}

// verifier returns an offline verifier expecting challenge (when set); the
// JSON-LD contexts are loaded once.
func (s *VerifyScreen) verifier(challenge string, now func() time.Time) (*verify.Verifier, error) {
	s.loaderOnce.Do(func() { s.loader, s.loaderErr = ld.NewLoader() })
	if s.loaderErr != nil {
		return nil, fmt.Errorf("load contexts: %w", s.loaderErr)
	}
	return verify.New(verify.Options{Now: now, Loader: s.loader, Challenge: challenge})
}

func (s *VerifyScreen) showResult(name string, res *verify.Result, err error) {
	s.progress.Stop()
	s.progress.Hide()
	s.openB.Enable()
	s.verifyB.Enable()
	if err != nil {
		s.verdict.SetText(lang.L("{{.Name}} could not be checked", map[string]any{"Name": name}))
		s.details.SetText(inputFailure(err))
		return
	}
	s.result = res
	s.verdict.SetText(VerdictHeadline(name, res))
	s.details.SetText(VerdictText(res))
}

// inputFailure words why an input could not be verified at all.
func inputFailure(err error) string {
	switch {
	case errors.Is(err, verify.ErrNotCredential), errors.Is(err, unwrap.ErrNotImage), errors.Is(err, qr.ErrNotPayload):
		return lang.L("This is not a credential, a presentation or a Skillpass QR code. Ask the learner for the file or code Skillpass made.")
	case errors.Is(err, qr.ErrNoCode):
		return lang.L("No readable QR code in the image. Use a sharper, larger picture of the code.")
	case errors.Is(err, qr.ErrUnsupportedVersion):
		return lang.L("The code was made by a newer Skillpass: update Skillpass to read it.")
	case errors.Is(err, qr.ErrCorrupt), errors.Is(err, qr.ErrNotJSON), errors.Is(err, qr.ErrLimit):
		return lang.L("The code was damaged or changed. Scan it again, or ask for a new one.")
	}
	return err.Error()
}

// VerdictHeadline is the verdict in one line.
func VerdictHeadline(name string, r *verify.Result) string {
	kind := lang.L("credential")
	if r.Kind == verify.KindPresentation {
		kind = lang.L("presentation")
	}
	if r.Verified {
		return lang.L("{{.Name}}: verified {{.Kind}}", map[string]any{"Name": name, "Kind": kind})
	}
	return lang.L("{{.Name}}: NOT verified {{.Kind}}", map[string]any{"Name": name, "Kind": kind})
}

// VerdictText is each check in plain words, then, for a presentation, each
// credential in it.
func VerdictText(r *verify.Result) string {
	var b strings.Builder
	writeVerdict(&b, "", r)
	return b.String()
}

func writeVerdict(b *strings.Builder, indent string, r *verify.Result) {
	checks := wallet.Checks(r.Checks)
	for _, name := range wallet.CheckNames {
		v := checks.Value(name)
		if v == "" {
			continue
		}
		fmt.Fprintf(b, "%s%s %s: %s\n", indent, mark(v), checkLabel(name), checkMeaning(name, v))
	}
	if r.IssuerID != "" {
		if r.Kind == verify.KindPresentation {
			fmt.Fprintf(b, "%s%s\n", indent, lang.L("Presented by {{.ID}}", map[string]any{"ID": r.IssuerID}))
		} else {
			fmt.Fprintf(b, "%s%s\n", indent, lang.L("Issued by {{.ID}}", map[string]any{"ID": r.IssuerID}))
		}
	}
	for _, e := range r.Errors {
		fmt.Fprintf(b, "%s  – %s\n", indent, e)
	}
	for i := range r.Credentials {
		c := &r.Credentials[i]
		head := lang.L("Credential {{.N}}: verified", map[string]any{"N": i + 1})
		if !c.Verified {
			head = lang.L("Credential {{.N}}: NOT verified", map[string]any{"N": i + 1})
		}
		fmt.Fprintf(b, "\n%s%s\n", indent, head)
		writeVerdict(b, indent+"    ", c)
	}
}

// mark is ✔ for a check that holds, ✘ for one that fails, and ? for one
// that could not be made.
func mark(value string) string {
	switch value {
	case verify.SigOK, verify.IssuerConfirmed, "none":
		return "✔"
	case verify.SigUnsupported, verify.IssuerUnconfirmed, "unknown":
		return "?"
	}
	return "✘"
}

// checkLabel is a check's name for people.
func checkLabel(name string) string {
	switch name {
	case "signature":
		return lang.L("Signature")
	case "validity":
		return lang.L("Validity")
	case "status":
		return lang.L("Status")
	case "issuer":
		return lang.L("Issuer")
	case "anchor":
		return lang.L("Blockchain record")
	}
	return name
}

// checkMeaning is wallet.CheckMeaning, translated (the English meaning is
// the message id).
func checkMeaning(name, value string) string {
	m := wallet.CheckMeaning(name, value)
	if m == "" {
		return value
	}
	return lang.L(m)
}
