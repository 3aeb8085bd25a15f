package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

// expiryChoice is one entry of the share screen's expiry menu.
type expiryChoice struct {
	label string
	d     time.Duration // 0: the wallet's default (15 minutes)
}

// expiryChoices are the expiries the share screen offers, the wallet's
// default first.
func expiryChoices() []expiryChoice {
	return []expiryChoice{
		{lang.L("15 minutes (for a screen)"), 0},
		{lang.L("1 hour"), time.Hour},
		{lang.L("1 day"), 24 * time.Hour},
		{lang.L("30 days (for a printed CV)"), 30 * 24 * time.Hour},
	}
}

// ShareScreen lets the learner pick verified credentials (and, of a BBS+
// credential, the claims to show), shows exactly what a presentation of
// them would disclose and keep hidden, and to whom, and after consent
// shows the signed presentation as a QR code, which can also be saved as a
// printable sheet; below the picker, the log of presentations made.
type ShareScreen struct {
	app   *App
	vault Vault

	creds     []wallet.Summary        // verified credentials, as listed
	chosen    map[string]bool         // record ids ticked
	parts     map[string]*claimChoice // by record id, once read
	picks     *widget.List            // virtualised: a wallet may hold 10,000
	empty     *widget.Label
	challenge *widget.Entry
	domain    *widget.Entry
	expiry    *widget.Select
	reviewB   *widget.Button
	status    *widget.Label
	claimsMsg string // the failure to read claims that status says, if it does
	log       *widget.Label

	consent *widget.Label
	makeB   *widget.Button
	backB   *widget.Button

	qrImage *canvas.Image
	qrInfo  *widget.Label
	saveB   *widget.Button
	copyB   *widget.Button
	doneB   *widget.Button

	sheetB    *widget.Button
	sheetBusy *widget.ProgressBarInfinite
	sheetMsg  *widget.Label

	// The claim chooser of one credential.
	claimsFor    string // record id
	claimsHead   *widget.Label
	claimsNote   *widget.Label
	claimsBox    *fyne.Container
	claimChecks  []*widget.Check // parallel to parts[claimsFor].claims
	useClaimsB   *widget.Button
	wholeB       *widget.Button
	claimsBackB  *widget.Button
	claimsScroll *container.Scroll

	pickView, consentView, resultView, claimsView fyne.CanvasObject
	stage                                         *fyne.Container
	content                                       fyne.CanvasObject

	request wallet.PresentRequest
	preview *wallet.Preview
	pres    *wallet.Presentation
	text    string // the QR code's text
	png     []byte // the QR code image
}

func newShareScreen(a *App, v Vault) *ShareScreen {
	s := &ShareScreen{app: a, vault: v, chosen: map[string]bool{}, parts: map[string]*claimChoice{}}
	s.picks = widget.NewList(
		func() int { return len(s.creds) },
		func() fyne.CanvasObject {
			// An icon and a label, not a Check: the list is the one keyboard
			// stop (arrows move, Space ticks) and a tap on a row ticks it.
			// A ticked BBS+ credential gets a button to choose its
			// claims; any other ticked one says it is shown whole.
			name := widget.NewLabel("")
			name.Truncation = fyne.TextTruncateEllipsis
			choose := widget.NewButton(lang.L("Choose what to show…"), nil)
			whole := widget.NewLabel(lang.L("whole credential only"))
			return container.NewBorder(nil, nil, widget.NewIcon(theme.CheckButtonIcon()), container.NewHBox(choose, whole), name)
		},
		s.updatePick,
	)
	s.picks.OnSelected = func(id widget.ListItemID) {
		// Selecting a row (keyboard: arrows and Space) ticks or unticks it.
		s.picks.Unselect(id)
		if id >= 0 && id < len(s.creds) {
			s.Pick(id, !s.chosen[s.creds[id].ID])
		}
	}
	s.empty = wrapped(lang.L("No verified credential to share yet. Import one on the Credentials tab."))
	s.empty.Hide()
	s.challenge = widget.NewEntry()
	s.challenge.SetPlaceHolder(lang.L("Verifier's code (optional)"))
	s.domain = widget.NewEntry()
	s.domain.SetPlaceHolder(lang.L("Shown to (optional, e.g. the employer's web address)"))
	var labels []string
	for _, c := range expiryChoices() {
		labels = append(labels, c.label)
	}
	s.expiry = widget.NewSelect(labels, func(string) { a.touch() })
	s.expiry.SetSelectedIndex(0)
	s.reviewB = widget.NewButton(lang.L("Review what will be shared…"), s.onReview)
	s.reviewB.Importance = widget.HighImportance
	s.status = wrapped("")
	s.log = wrapped("")
	form := widget.NewForm(
		widget.NewFormItem(lang.L("Shown to"), s.domain),
		widget.NewFormItem(lang.L("Verifier's code"), s.challenge),
		widget.NewFormItem(lang.L("Valid for"), s.expiry),
	)
	s.pickView = container.NewBorder(
		container.NewVBox(bold(lang.L("Choose the credentials to share")), s.empty), nil, nil, nil,
		container.NewVSplit(s.picks, container.NewVScroll(container.NewVBox(
			form, s.reviewB, s.status,
			widget.NewSeparator(),
			bold(lang.L("Presentation log")), s.log,
		))))

	s.consent = wrapped("")
	s.makeB = widget.NewButton(lang.L("Share: make the QR code"), s.onMake)
	s.makeB.Importance = widget.HighImportance
	s.backB = widget.NewButton(lang.L("Back"), s.onBack)
	s.consentView = container.NewBorder(
		bold(lang.L("Check what you share")), container.NewHBox(s.backB, s.makeB), nil, nil,
		container.NewVScroll(s.consent))

	s.qrImage = canvas.NewImageFromResource(nil)
	s.qrImage.FillMode = canvas.ImageFillContain
	s.qrImage.ScaleMode = canvas.ImageScalePixels
	s.qrInfo = wrapped("")
	s.saveB = widget.NewButton(lang.L("Save PNG…"), s.onSaveDialog)
	s.sheetB = widget.NewButton(lang.L("Save printable sheet (PDF)…"), s.onSheetDialog)
	s.copyB = widget.NewButton(lang.L("Copy text"), s.onCopy)
	s.doneB = widget.NewButton(lang.L("Done"), s.onBack)
	s.sheetBusy = widget.NewProgressBarInfinite()
	s.sheetBusy.Stop()
	s.sheetBusy.Hide()
	s.sheetMsg = wrapped("")
	s.resultView = container.NewBorder(nil,
		container.NewVBox(s.qrInfo, s.sheetBusy, s.sheetMsg, container.NewHBox(s.saveB, s.sheetB, s.copyB, s.doneB)), nil, nil,
		container.NewScroll(container.NewCenter(s.qrImage)))

	s.claimsHead = bold("")
	s.claimsNote = wrapped("")
	s.claimsBox = container.NewVBox()
	s.useClaimsB = widget.NewButton(lang.L("Show the ticked claims"), s.onUseClaims)
	s.useClaimsB.Importance = widget.HighImportance
	s.wholeB = widget.NewButton(lang.L("Show the whole credential"), s.onWholeCredential)
	s.claimsBackB = widget.NewButton(lang.L("Back"), s.onBack)
	s.claimsScroll = container.NewVScroll(container.NewVBox(s.claimsNote, s.claimsBox))
	s.claimsView = container.NewBorder(s.claimsHead, container.NewHBox(s.claimsBackB, s.wholeB, s.useClaimsB), nil, nil,
		s.claimsScroll)

	s.stage = container.NewStack(s.pickView)
	s.content = s.stage
	return s
}

// show puts one of the screen's views on screen.
func (s *ShareScreen) show(view fyne.CanvasObject) {
	s.stage.Objects = []fyne.CanvasObject{view}
	s.stage.Refresh()
}

// refresh lists the verified credentials (keeping the ticks of those still
// there) and reloads the presentation log.
func (s *ShareScreen) refresh() {
	all, err := s.vault.List()
	if err != nil {
		s.status.SetText(lang.L("Could not read the credentials: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.creds = s.creds[:0]
	kept, listed := map[string]bool{}, map[string]bool{}
	for _, c := range all {
		if !c.Verified {
			continue
		}
		s.creds = append(s.creds, c)
		listed[c.ID] = true
		if s.chosen[c.ID] {
			kept[c.ID] = true
		}
	}
	s.chosen = kept
	for id := range s.parts {
		if !listed[id] {
			delete(s.parts, id)
		}
	}
	if len(s.creds) == 0 {
		s.empty.Show()
	} else {
		s.empty.Hide()
	}
	s.picks.Refresh()
	s.refreshLog()
}

// updatePick shows credential i in a row of the picker, ticked or not;
// a ticked one with the claims chosen of it, and a button to choose them
// (BBS+) or a note that it is shown whole.
func (s *ShareScreen) updatePick(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(s.creds) {
		return
	}
	c := s.creds[i]
	issuer := c.IssuerName
	if issuer == "" {
		issuer = c.IssuerID
	}
	row := o.(*fyne.Container)
	text := lang.L("{{.Name}} — from {{.Issuer}}", map[string]any{"Name": c.Name, "Issuer": issuer})
	part := s.parts[c.ID]
	if s.chosen[c.ID] && part.partial() {
		n, of := part.counts()
		text = lang.L("{{.Row}} (shows {{.N}} of {{.Of}} claims)", map[string]any{"Row": text, "N": n, "Of": of})
	}
	row.Objects[0].(*widget.Label).SetText(text)
	icon := theme.CheckButtonIcon()
	if s.chosen[c.ID] {
		icon = theme.CheckButtonCheckedIcon()
	}
	row.Objects[1].(*widget.Icon).SetResource(icon)
	trail := row.Objects[2].(*fyne.Container)
	choose, whole := trail.Objects[0].(*widget.Button), trail.Objects[1].(*widget.Label)
	id := c.ID
	choose.OnTapped = func() { s.chooseClaims(id) }
	choose.Hide()
	whole.Hide()
	if s.chosen[c.ID] && part != nil {
		switch {
		case part.selective():
			choose.Show()
		case errors.Is(part.whole, wallet.ErrWholeOnly):
			whole.SetText(lang.L("whole credential only"))
			whole.Show()
		default: // not read: the wallet locked, or an I/O error
			whole.SetText(lang.L("claims not read: untick and tick it to try again"))
			whole.Show()
		}
	}
}

// pickRow returns row i of the picker as drawn (a fresh copy: tests read
// and tap it).
func (s *ShareScreen) pickRow(i int) *fyne.Container {
	row := s.picks.CreateItem().(*fyne.Container)
	s.updatePick(i, row)
	return row
}

// PickText returns the text of row i of the picker as drawn (tests read
// it), and whether it shows ticked.
func (s *ShareScreen) PickText(i int) (string, bool) {
	row := s.pickRow(i)
	return row.Objects[0].(*widget.Label).Text, row.Objects[1].(*widget.Icon).Resource == theme.CheckButtonCheckedIcon()
}

// PickNote returns what row i of the picker offers beside the credential:
// the text of the button that chooses its claims, the note that it is
// shown whole, or the note that its claims could not be read ("" when
// none shows: unticked, or still being read).
func (s *ShareScreen) PickNote(i int) string {
	trail := s.pickRow(i).Objects[2].(*fyne.Container)
	if b := trail.Objects[0].(*widget.Button); b.Visible() {
		return b.Text
	}
	if l := trail.Objects[1].(*widget.Label); l.Visible() {
		return l.Text
	}
	return ""
}

// Choices returns the verified credentials the picker offers, in list
// order.
func (s *ShareScreen) Choices() []wallet.Summary { return s.creds }

// Pick ticks (on) or unticks credential i of Choices, as tapping its row
// does.
func (s *ShareScreen) Pick(i int, on bool) {
	if i < 0 || i >= len(s.creds) {
		return
	}
	s.app.touch()
	id := s.creds[i].ID
	s.chosen[id] = on
	s.picks.RefreshItem(i)
	// Read once; again only after a failure to read (a locked wallet).
	if part := s.parts[id]; on && (part == nil || part.whole != nil && !errors.Is(part.whole, wallet.ErrWholeOnly)) {
		s.readClaims(id)
	}
}

// Picked reports whether credential i of Choices is ticked.
func (s *ShareScreen) Picked(i int) bool {
	return i >= 0 && i < len(s.creds) && s.chosen[s.creds[i].ID]
}

// PickList returns the picker (a virtualised list of check boxes).
func (s *ShareScreen) PickList() *widget.List { return s.picks }

// Status returns the message under the review button.
func (s *ShareScreen) Status() string { return s.status.Text }

// Consent returns the consent summary the screen shows.
func (s *ShareScreen) Consent() string { return s.consent.Text }

// QRText returns the text of the QR code shown ("" before one was made).
func (s *ShareScreen) QRText() string { return s.text }

// QRImage returns the QR code image shown (nil before one was made).
func (s *ShareScreen) QRImage() []byte { return s.png }

// Log returns the presentation log as shown.
func (s *ShareScreen) Log() string { return s.log.Text }

// buildRequest builds the presentation request from the form.
func (s *ShareScreen) buildRequest() wallet.PresentRequest {
	var req wallet.PresentRequest
	for _, c := range s.creds {
		if s.chosen[c.ID] {
			req.Credentials = append(req.Credentials, wallet.Choice{ID: c.ID, Disclose: s.parts[c.ID].disclose()})
		}
	}
	req.Challenge = strings.TrimSpace(s.challenge.Text)
	req.Domain = strings.TrimSpace(s.domain.Text)
	if i := s.expiry.SelectedIndex(); i > 0 {
		req.Expires = s.app.now().Add(expiryChoices()[i].d)
	}
	return req
}

func (s *ShareScreen) onReview() {
	s.app.touch()
	req := s.buildRequest()
	if len(req.Credentials) == 0 {
		s.status.SetText(lang.L("Tick at least one credential to share."))
		return
	}
	s.reviewB.Disable()
	s.status.SetText(lang.L("Preparing…"))
	s.app.background(func() {
		pv, err := s.vault.PreviewPresentation(req)
		fyne.Do(func() {
			s.reviewB.Enable()
			if err != nil {
				s.status.SetText(presentFailure(err))
				return
			}
			s.status.SetText("")
			s.request, s.preview = req, pv
			hidden := map[string][]string{}
			for _, c := range req.Credentials {
				if part := s.parts[c.ID]; part.partial() {
					hidden[c.ID] = part.hidden()
				}
			}
			s.consent.SetText(consentText(pv, hidden))
			s.show(s.consentView)
			s.app.window.Canvas().Focus(s.makeB) // Space shares, Tab reaches Back
		})
	})
}

// ConsentText says exactly what a presentation discloses, to whom and until
// when: each credential with its issuer, the names of its claims and of its
// other fields (never their values).
func ConsentText(pv *wallet.Preview) string { return consentText(pv, nil) }

// consentText is ConsentText that also names, for each credential shown
// in part that hidden has (by record id), the claims that stay hidden
// (names under the subject, as the claim list names them).
func consentText(pv *wallet.Preview, hidden map[string][]string) string {
	var b strings.Builder
	to := pv.Domain
	if to == "" {
		to = lang.L("anyone who scans the code")
	}
	b.WriteString(lang.L("You are about to show {{.N}} credential(s) to {{.To}}.", map[string]any{"N": len(pv.Credentials), "To": to}))
	b.WriteString("\n")
	b.WriteString(lang.L("Valid until {{.When}}; signed by your identity {{.Holder}}.", map[string]any{"When": pv.Expires.Local().Format("2006-01-02 15:04 MST"), "Holder": pv.Holder}))
	b.WriteString("\n")
	if pv.Challenge != "" {
		b.WriteString(lang.L("Bound to the verifier's code {{.Code}}: it cannot be reused elsewhere.", map[string]any{"Code": pv.Challenge}))
		b.WriteString("\n")
	}
	for _, c := range pv.Credentials {
		writeConsentCredential(&b, c)
		if h, ok := hidden[c.ID]; ok && !c.Whole {
			list := lang.L("none")
			if len(h) > 0 {
				list = strings.Join(h, ", ")
			}
			b.WriteString("  " + lang.L("Hidden, not in the code: {{.List}}", map[string]any{"List": list}))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// writeConsentCredential writes what a consent view says of one
// credential shown: its name and issuer, whether it is shown whole or in
// part, and the names of its claims and other fields (never their values).
// The share screen and the request inbox both use it.
func writeConsentCredential(b *strings.Builder, c wallet.DisclosedCredential) {
	issuer := strings.TrimSpace(c.IssuerName)
	if c.IssuerID != "" {
		issuer = strings.TrimSpace(issuer + " (" + c.IssuerID + ")")
	}
	b.WriteString("\n")
	b.WriteString(lang.L("• {{.Name}}, issued by {{.Issuer}}", map[string]any{"Name": c.Name, "Issuer": issuer}))
	b.WriteString("\n")
	if c.Whole {
		b.WriteString("  " + lang.L("shown whole, exactly as the issuer signed it"))
	} else {
		b.WriteString("  " + lang.L("only the claims below, with a proof derived from the issuer's signature"))
	}
	b.WriteString("\n")
	b.WriteString("  " + lang.L("Claims: {{.List}}", map[string]any{"List": strings.Join(c.Claims, ", ")}))
	b.WriteString("\n")
	if len(c.Fields) > 0 {
		b.WriteString("  " + lang.L("Also: {{.List}}", map[string]any{"List": strings.Join(c.Fields, ", ")}))
		b.WriteString("\n")
	}
}

func (s *ShareScreen) onBack() {
	s.app.touch()
	s.show(s.pickView)
}

func (s *ShareScreen) onMake() {
	s.app.touch()
	req := s.request
	s.makeB.Disable()
	s.app.background(func() {
		p, err := s.vault.Present(context.Background(), req)
		var text string
		var img []byte
		var version int
		if err == nil {
			text, err = qr.Encode(p.JSON)
		}
		if err == nil {
			img, version, err = qr.PNG(text)
		}
		fyne.Do(func() {
			s.makeB.Enable()
			s.shown(p, text, img, version, err)
		})
	})
}

// shown puts the made presentation on screen (or says why there is none).
func (s *ShareScreen) shown(p *wallet.Presentation, text string, img []byte, version int, err error) {
	s.refreshLog()
	if err != nil && !errors.Is(err, qr.ErrTooLarge) {
		s.status.SetText(presentFailure(err))
		s.show(s.pickView)
		return
	}
	s.pres, s.text, s.png = p, text, img
	s.sheetMsg.SetText("")
	if text != "" {
		s.sheetB.Enable()
	} else {
		s.sheetB.Disable()
	}
	if errors.Is(err, qr.ErrTooLarge) {
		s.qrImage.Resource = nil
		s.qrImage.Refresh()
		s.saveB.Disable()
		if _, perr := qr.Version(text); perr == nil {
			// Paper holds denser codes than a screen.
			s.qrInfo.SetText(lang.L("This presentation is too large for a QR code on a screen, but a printed sheet holds it: use \"Save printable sheet (PDF)…\", or \"Copy text\" and send the text."))
			s.show(s.resultView)
			s.app.window.Canvas().Focus(s.sheetB)
			return
		}
		s.qrInfo.SetText(lang.L("These credentials are too many for one QR code. Share fewer at a time, or use \"Copy text\" and send the text."))
		s.show(s.resultView)
		return
	}
	s.saveB.Enable()
	s.qrImage.Resource = fyne.NewStaticResource("presentation-qr.png", img)
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err == nil {
		s.qrImage.SetMinSize(fyne.NewSize(float32(cfg.Width), float32(cfg.Height)))
	}
	s.qrImage.Refresh()
	s.qrInfo.SetText(lang.L("Show this code to the verifier. It holds {{.N}} credential(s), version {{.V}}, valid until {{.When}}.",
		map[string]any{"N": len(p.Preview.Credentials), "V": version, "When": p.Preview.Expires.Local().Format("2006-01-02 15:04 MST")}))
	s.show(s.resultView)
	s.app.window.Canvas().Focus(s.saveB)
}

// presentFailure words the wallet's refusal of a presentation.
func presentFailure(err error) string {
	switch {
	case errors.Is(err, wallet.ErrBadExpiry):
		return lang.L("The expiry is not in the future: choose a longer time.")
	case errors.Is(err, wallet.ErrBadRequest):
		return lang.L("The verifier's code or address is too long or holds control characters.")
	case errors.Is(err, wallet.ErrWholeOnly), errors.Is(err, wallet.ErrNeedsIDs), errors.Is(err, wallet.ErrUnknownClaim):
		return lang.L("The claims chosen of a credential cannot be shown that way: {{.Err}} Choose again, or show the whole credential.", map[string]any{"Err": err.Error()})
	case errors.Is(err, wallet.ErrCannotPresent):
		return lang.L("A chosen credential cannot be shared: {{.Err}}", map[string]any{"Err": err.Error()})
	}
	return lang.L("Could not make the presentation: {{.Err}}", map[string]any{"Err": err.Error()})
}

func (s *ShareScreen) onSaveDialog() {
	s.app.touch()
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close()
		if err := s.SavePNG(path); err != nil {
			dialog.ShowError(err, s.app.window)
		}
	}, s.app.window)
	d.SetFileName("skillpass-presentation.png")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// SavePNG writes the QR code image to path.
func (s *ShareScreen) SavePNG(path string) error {
	if s.png == nil {
		return errors.New("save qr code: no QR code made yet")
	}
	img := s.png
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := w.Write(img); return err }); err != nil {
		return fmt.Errorf("save qr code: %w", err)
	}
	return nil
}

func (s *ShareScreen) onCopy() {
	s.app.touch()
	if s.text == "" {
		return
	}
	s.app.fyneApp.Clipboard().SetContent(s.text)
	s.qrInfo.SetText(lang.L("The code's text is on the clipboard."))
}

// refreshLog reloads the presentation log from the wallet's activity log:
// the newest presentation first, one line per credential shown.
func (s *ShareScreen) refreshLog() {
	entries, err := s.vault.Activity()
	if err != nil {
		s.log.SetText(lang.L("Could not read the activity log: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	var lines []string
	for _, e := range entries {
		if e.Action != wallet.ActionPresent {
			continue
		}
		to := e.Counterparty
		if to == "" {
			to = lang.L("anyone")
		}
		lines = append(lines, lang.L("{{.When}}: {{.Name}} shown to {{.To}} (claims: {{.Claims}})", map[string]any{
			"When": e.Time.Local().Format("2006-01-02 15:04"), "Name": e.Name, "To": to, "Claims": strings.Join(e.Claims, ", "),
		}))
	}
	slices.Reverse(lines)
	if len(lines) == 0 {
		s.log.SetText(lang.L("Nothing shared yet."))
		return
	}
	s.log.SetText(strings.Join(lines, "\n"))
}

// bold is a bold heading label.
func bold(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}
