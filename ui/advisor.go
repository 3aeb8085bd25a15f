package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
)

// AdvisorVault is what advisor mode needs of the advisor's own wallet: it
// verifies learners' passport files and keeps private notes on them.
type AdvisorVault interface {
	OpenPassportFile(ctx context.Context, name string, data []byte, opts passport.Options) (*wallet.SharedPassport, error)
	AddNote(holder, text string) (*wallet.Note, error)
	Notes(holder string) ([]wallet.Note, error)
	FrameworkRole(query string) (wallet.FrameworkRole, error)
}

var _ AdvisorVault = (*wallet.Wallet)(nil)

// maxPassportFile bounds a passport file the advisor opens.
const maxPassportFile = 32 << 20

// AdvisorScreen is advisor mode: open a passport file a learner shared,
// see whether it verifies, the learner's skills from what counts, the gaps
// against a target role, and private notes on that learner.
type AdvisorScreen struct {
	app   *App
	vault AdvisorVault

	openB     *widget.Button
	roleEntry *widget.Entry
	roleB     *widget.Button
	roleFileB *widget.Button
	roleLabel *widget.Label
	status    *widget.Label
	holder    *widget.Label
	verdict   *widget.Label
	skills    *fyne.Container
	gaps      *widget.Label
	creds     *widget.Label
	notes     *widget.Label
	noteEntry *widget.Entry
	noteB     *widget.Button
	review    *fyne.Container // the file's review and the notes: hidden until a file is open
	content   fyne.CanvasObject

	role   *passport.Role
	path   string // the file shown
	shared *wallet.SharedPassport
}

func newAdvisorScreen(a *App, v Vault) *AdvisorScreen {
	s := &AdvisorScreen{app: a}
	s.vault, _ = v.(AdvisorVault)
	s.openB = widget.NewButton(lang.L("Open a learner's passport file…"), s.onOpenDialog)
	s.openB.Importance = widget.HighImportance
	s.roleEntry = widget.NewEntry()
	s.roleEntry.SetPlaceHolder(lang.L("Target role: a framework role code or title"))
	s.roleEntry.OnSubmitted = func(string) { s.onRole() }
	s.roleB = widget.NewButton(lang.L("Compare"), s.onRole)
	s.roleFileB = widget.NewButton(lang.L("Open a role file…"), s.onRoleFileDialog)
	s.roleLabel = wrapped(lang.L("No target role: the skills are shown without a gap analysis."))
	s.status = wrapped(lang.L("Open a passport file a learner shared with you (Skillpass: Export passport)."))
	s.holder = wrapped("")
	s.verdict = wrapped("")
	s.verdict.TextStyle = fyne.TextStyle{Bold: true}
	s.skills = container.NewVBox()
	s.gaps = wrapped("")
	s.creds = wrapped("")
	s.notes = wrapped("")
	s.noteEntry = widget.NewMultiLineEntry()
	s.noteEntry.SetPlaceHolder(lang.L("A private note on this learner (kept only in your wallet)"))
	s.noteEntry.Wrapping = fyne.TextWrapWord
	s.noteB = widget.NewButton(lang.L("Add note"), s.onAddNote)
	s.noteB.Disable()
	if s.vault == nil {
		s.openB.Disable()
		s.status.SetText(lang.L("Advisor mode needs a Skillpass wallet file."))
	}
	s.review = container.NewVBox(
		widget.NewSeparator(),
		s.holder, s.verdict,
		bold(lang.L("Skills")), s.skills,
		bold(lang.L("Gaps against the role")), s.gaps,
		bold(lang.L("Credentials in the file")), s.creds,
		widget.NewSeparator(),
		bold(lang.L("Private notes")), s.notes, s.noteEntry, container.NewHBox(s.noteB),
	)
	s.review.Hide()
	s.content = container.NewVScroll(container.NewVBox(
		container.NewHBox(s.openB),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.roleB, s.roleFileB), s.roleEntry),
		s.roleLabel,
		s.status,
		s.review,
	))
	return s
}

// Status returns the screen's message line.
func (s *AdvisorScreen) Status() string { return s.status.Text }

// Holder returns the line naming the learner.
func (s *AdvisorScreen) Holder() string { return s.holder.Text }

// Verdict returns the verdict on the file, in plain words.
func (s *AdvisorScreen) Verdict() string { return s.verdict.Text }

// Gaps returns the gap analysis as shown.
func (s *AdvisorScreen) Gaps() string { return s.gaps.Text }

// CredentialsText returns the list of the file's credentials as shown.
func (s *AdvisorScreen) CredentialsText() string { return s.creds.Text }

// Notes returns the notes on the learner as shown.
func (s *AdvisorScreen) Notes() string { return s.notes.Text }

// Shared returns the passport file shown (nil before one was opened).
func (s *AdvisorScreen) Shared() *wallet.SharedPassport { return s.shared }

// RoleEntry returns the target role entry; NoteEntry and NoteButton the
// note form (tests type and tap).
func (s *AdvisorScreen) RoleEntry() *widget.Entry { return s.roleEntry }

// RoleButton returns the button that compares with the typed role.
func (s *AdvisorScreen) RoleButton() *widget.Button { return s.roleB }

// NoteEntry returns the note entry.
func (s *AdvisorScreen) NoteEntry() *widget.Entry { return s.noteEntry }

// NoteButton returns the "Add note" button.
func (s *AdvisorScreen) NoteButton() *widget.Button { return s.noteB }

func (s *AdvisorScreen) onOpenDialog() {
	s.app.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.OpenFile(path)
	}, s.app.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json", ".jsonld"}))
	d.Show()
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is larger than %d MB", filepath.Base(path), limit>>20)
	}
	return os.ReadFile(path)
}

// OpenFile verifies the passport file at path off the UI goroutine and
// shows it.
func (s *AdvisorScreen) OpenFile(path string) {
	s.app.touch()
	if s.vault == nil {
		return
	}
	s.path = path
	role, v, now := s.role, s.vault, s.app.now
	s.openB.Disable()
	s.status.SetText(lang.L("Checking {{.File}}…", map[string]any{"File": filepath.Base(path)}))
	s.app.background(func() {
		data, err := readLimited(path, maxPassportFile)
		var sp *wallet.SharedPassport
		if err == nil {
			sp, err = v.OpenPassportFile(context.Background(), filepath.Base(path), data, passport.Options{Now: now, Role: role})
		}
		fyne.Do(func() {
			s.openB.Enable()
			s.show(sp, err)
		})
	})
}

// show puts an opened passport file on screen (or says why there is none).
func (s *AdvisorScreen) show(sp *wallet.SharedPassport, err error) {
	s.skills.RemoveAll()
	if err != nil {
		s.shared = nil
		s.review.Hide()
		s.noteB.Disable()
		for _, l := range []*widget.Label{s.holder, s.verdict, s.gaps, s.creds, s.notes} {
			l.SetText("")
		}
		if errors.Is(err, wallet.ErrNotPassportFile) {
			s.status.SetText(lang.L("This is not a passport file: ask the learner for the file Skillpass exports (a signed presentation). {{.Err}}", map[string]any{"Err": err.Error()}))
		} else {
			s.status.SetText(lang.L("Could not open the file: {{.Err}}", map[string]any{"Err": err.Error()}))
		}
		return
	}
	s.shared = sp
	s.review.Show()
	s.status.SetText(lang.L("{{.File}}: {{.Counted}} of {{.All}} credentials count.", map[string]any{"File": sp.File, "Counted": sp.Counted, "All": len(sp.Credentials)}))
	s.holder.SetText(lang.L("Learner: {{.Holder}}", map[string]any{"Holder": orDash(sp.Holder)}))
	s.verdict.SetText(AdvisorVerdict(sp))
	if len(sp.Passport.Skills) == 0 {
		s.skills.Add(wrapped(lang.L("No skill counts from this file.")))
	}
	var category passport.Category
	for i, sk := range sp.Passport.Skills {
		if i == 0 || sk.Category != category {
			category = sk.Category
			s.skills.Add(widget.NewLabelWithStyle(categoryLabel(category), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		}
		s.skills.Add(wrapped(SkillLine(sk)))
	}
	s.gaps.SetText(GapText(sp.Passport.Gaps))
	var lines []string
	for _, c := range sp.Credentials {
		name := c.Name
		if name == "" {
			name = lang.L("(unnamed credential)")
		}
		if c.Counted {
			lines = append(lines, lang.L("✓ {{.Name}} — counted", map[string]any{"Name": name}))
		} else {
			lines = append(lines, lang.L("✗ {{.Name}} — not counted: {{.Reason}}", map[string]any{"Name": name, "Reason": c.Reason}))
		}
	}
	s.creds.SetText(strings.Join(lines, "\n"))
	s.showNotes(sp.Notes)
	if sp.Holder != "" {
		s.noteB.Enable()
	} else {
		s.noteB.Disable()
	}
}

// AdvisorVerdict is the verdict on a passport file in plain words.
func AdvisorVerdict(sp *wallet.SharedPassport) string {
	switch {
	case !sp.HolderSigned:
		return lang.L("Not verified: the learner's signature on this file does not hold (it was changed after signing, has expired, or was signed by someone else). Nothing in it is counted.")
	case sp.Verified:
		return lang.L("Verified: signed by the learner, and every credential in it checks out.")
	default:
		return lang.L("Signed by the learner, but not every credential in it checks out: only those that do are counted.")
	}
}

// GapText is a gap analysis in plain words ("" without a role).
func GapText(g *passport.GapReport) string {
	if g == nil {
		return lang.L("Choose a target role to see the gaps.")
	}
	var b strings.Builder
	b.WriteString(lang.L("{{.Role}}: {{.Percent}}% match — {{.Met}} met, {{.Stale}} out of date, {{.Below}} below the level, {{.Missing}} missing.",
		map[string]any{"Role": g.Role, "Percent": g.Percent, "Met": g.Met, "Stale": g.Stale, "Below": g.Below, "Missing": g.Missing}))
	for _, sk := range g.Skills {
		b.WriteString("\n• " + sk.Name + ": " + gapStatus(sk.Status))
	}
	return b.String()
}

// gapStatus words one skill's gap.
func gapStatus(st passport.GapStatus) string {
	switch st {
	case passport.GapMet:
		return lang.L("met")
	case passport.GapStale:
		return lang.L("evidence out of date")
	case passport.GapBelow:
		return lang.L("below the level the role asks")
	case passport.GapMissing:
		return lang.L("missing")
	}
	return string(st)
}

func (s *AdvisorScreen) showNotes(notes []wallet.Note) {
	if len(notes) == 0 {
		s.notes.SetText(lang.L("No notes on this learner yet."))
		return
	}
	var lines []string
	for _, n := range notes {
		lines = append(lines, n.Time.Local().Format("2006-01-02 15:04")+": "+n.Text)
	}
	s.notes.SetText(strings.Join(lines, "\n"))
}

func (s *AdvisorScreen) onAddNote() {
	s.app.touch()
	if s.shared == nil || s.vault == nil {
		return
	}
	holder, text, v := s.shared.Holder, s.noteEntry.Text, s.vault
	s.noteB.Disable()
	s.app.background(func() {
		_, err := v.AddNote(holder, text)
		var notes []wallet.Note
		if err == nil {
			notes, err = v.Notes(holder)
		}
		fyne.Do(func() {
			s.noteB.Enable()
			if err != nil {
				if errors.Is(err, wallet.ErrBadNote) {
					s.status.SetText(lang.L("The note was not kept: {{.Err}}", map[string]any{"Err": err.Error()}))
				} else {
					s.status.SetText(lang.L("Could not keep the note: {{.Err}}", map[string]any{"Err": err.Error()}))
				}
				return
			}
			s.noteEntry.SetText("")
			s.showNotes(notes)
		})
	})
}

// onRole looks the typed role up in the imported frameworks and shows the
// file again against it (an empty entry drops the role).
func (s *AdvisorScreen) onRole() {
	s.app.touch()
	if s.vault == nil {
		return
	}
	q := strings.TrimSpace(s.roleEntry.Text)
	if q == "" {
		s.setRole(nil, "")
		return
	}
	fr, err := s.vault.FrameworkRole(q)
	if err != nil {
		s.roleLabel.SetText(lang.L("No such role in your imported frameworks: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	role := fr.Profile
	s.setRole(&role, fr.Framework)
}

// onRoleFileDialog asks for a role file and compares with it.
func (s *AdvisorScreen) onRoleFileDialog() { s.app.showRoleFileDialog(s.UseRoleFile) }

// UseRoleFile reads a role profile (JSON, see passport.ParseRole) and shows
// the file again against it.
func (s *AdvisorScreen) UseRoleFile(path string) {
	data, err := readLimited(path, maxRoleFile)
	var role passport.Role
	if err == nil {
		role, err = passport.ParseRole(bytes.NewReader(data))
	}
	if err != nil {
		s.roleLabel.SetText(lang.L("Could not read the role file: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.setRole(&role, filepath.Base(path))
}

// setRole sets the target role and re-reads the file shown.
func (s *AdvisorScreen) setRole(role *passport.Role, source string) {
	s.role = role
	if role == nil {
		s.roleLabel.SetText(lang.L("No target role: the skills are shown without a gap analysis."))
	} else {
		s.roleLabel.SetText(lang.L("Target role: {{.Role}} ({{.Source}})", map[string]any{"Role": role.Name, "Source": source}))
	}
	if s.path != "" {
		s.OpenFile(s.path)
	}
}

// orDash is s, or a dash when s is empty.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
