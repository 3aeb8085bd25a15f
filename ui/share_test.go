package ui

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
)

// TestShareFlow picks one credential, reads the consent screen, makes the
// QR code and checks that a verifier reads from the image exactly the
// credential consented to, bound to the verifier's code; then saves and
// copies it and finds it in the presentation log.
func TestShareFlow(t *testing.T) {
	a, ap := openApp(t, "simple.json", "simple-did-key-method.json", "simple-err-expired.json")
	var verified []wallet.Summary
	for _, c := range ap.Credentials().Shown() {
		if c.Verified {
			verified = append(verified, c)
		}
	}
	require.Len(t, ap.Credentials().Shown(), 3)
	require.Len(t, verified, 2, "the expired badge is kept but not verified")

	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), len(verified), "only verified credentials can be picked")
	require.Equal(t, "Nothing shared yet.", s.Log())

	test.Tap(s.reviewB)
	require.Equal(t, "Tick at least one credential to share.", s.Status())

	// Pick the second verified credential only.
	chosen, other := verified[1], verified[0]
	require.Equal(t, chosen.ID, s.Choices()[1].ID)
	row, ticked := s.PickText(1)
	require.Contains(t, row, chosen.Name)
	require.False(t, ticked)
	s.PickList().Select(1) // a tap on the row, or Space on it, ticks it
	ap.Wait()              // the credential's claims are read
	require.Equal(t, "whole credential only", s.PickNote(1), "an Ed25519 badge is shown whole")
	_, ticked = s.PickText(1)
	require.True(t, ticked)
	require.True(t, s.Picked(1))
	require.False(t, s.Picked(0))
	test.Type(s.domain, "jobs.example.com")
	test.Type(s.challenge, "n-4711")
	test.Tap(s.reviewB)
	ap.Wait()
	require.Equal(t, s.consentView, s.stage.Objects[0], s.Status())

	consent := s.Consent()
	pv, err := ap.vault.PreviewPresentation(wallet.PresentRequest{
		Credentials: []wallet.Choice{{ID: chosen.ID}}, Challenge: "n-4711", Domain: "jobs.example.com",
	})
	require.NoError(t, err)
	require.Contains(t, consent, "You are about to show 1 credential(s) to jobs.example.com.")
	require.Contains(t, consent, "n-4711")
	require.Contains(t, consent, fixtureNow().Add(wallet.DefaultPresentationTTL).Local().Format("2006-01-02 15:04"), "15 minutes by default")
	require.Contains(t, consent, chosen.Name)
	require.NotContains(t, consent, other.Name)
	require.Contains(t, consent, pv.Holder)
	for _, claim := range pv.Credentials[0].Claims {
		require.Contains(t, consent, claim)
	}
	for _, f := range pv.Credentials[0].Fields {
		require.Contains(t, consent, f)
	}
	require.Contains(t, consent, "shown whole, exactly as the issuer signed it")
	require.NotContains(t, consent, "Hidden")

	test.Tap(s.makeB)
	ap.Wait()
	require.Equal(t, s.resultView, s.stage.Objects[0], s.Status())
	require.NotEmpty(t, s.QRImage())

	// The image on screen is a scannable code of the presentation.
	text, err := qr.ReadPNG(s.QRImage())
	require.NoError(t, err)
	require.Equal(t, s.QRText(), text)
	version, err := qr.Version(text)
	require.NoError(t, err)
	modules := float32(4*version + 17 + 2*qr.QuietZone)
	require.GreaterOrEqual(t, s.qrImage.MinSize().Width/modules, float32(4), "at least 4 px per module")
	doc, err := qr.Decode(text)
	require.NoError(t, err)
	v, err := verify.New(verify.Options{Now: fixtureNow, Challenge: "n-4711", Domain: "jobs.example.com"})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), doc)
	require.NoError(t, err)
	require.True(t, res.Verified, "%+v", res)
	require.Equal(t, verify.KindPresentation, res.Kind)
	require.Len(t, res.Credentials, 1)
	require.Contains(t, string(doc), chosen.IssuerID)

	out := filepath.Join(t.TempDir(), "code.png")
	require.NoError(t, s.SavePNG(out))
	saved, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Equal(t, s.QRImage(), saved)

	test.Tap(s.copyB)
	require.Equal(t, s.QRText(), a.Clipboard().Content())

	require.Contains(t, s.Log(), chosen.Name+" shown to jobs.example.com")
	require.Equal(t, 1, strings.Count(s.Log(), "\n")+1, "one credential shown, one line")

	test.Tap(s.doneB)
	require.Equal(t, s.pickView, s.stage.Objects[0])
}

// TestShareRefusals shows the wallet's refusals in words and stays on the
// picker.
func TestShareRefusals(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), 1)
	s.Pick(0, true)
	ap.Wait()
	test.Type(s.challenge, strings.Repeat("x", 300))
	test.Tap(s.reviewB)
	ap.Wait()
	require.Equal(t, "The verifier's code or address is too long or holds control characters.", s.Status())
	require.Equal(t, s.pickView, s.stage.Objects[0])

	// A longer expiry goes into the consent.
	s.challenge.SetText("")
	s.expiry.SetSelectedIndex(2)
	test.Tap(s.reviewB)
	ap.Wait()
	require.Contains(t, s.Consent(), "Valid until "+fixtureNow().Add(24*time.Hour).Local().Format("2006-01-02 15:04"))
	require.Contains(t, s.Consent(), "anyone who scans the code")
	test.Tap(s.backB)
	require.Equal(t, s.pickView, s.stage.Objects[0])
}

// Values of the BBS+ badge the share tests choose from: three the tests
// show, three they keep hidden.
const (
	bbsAchievement = "Forklift Operation"
	bbsEndDate     = "2025-06-27T00:00:00Z"
	bbsCredits     = 6
)

// bbsKept are the values of the claims the share tests keep hidden.
var bbsKept = []string{"2025-05-05", "FL-2025-0042", "Warehouse operative"}

// bbsBadgeFile writes a BBS+ signed Open Badge with six claims about its
// subject (every object with an id) and returns its path.
func bbsBadgeFile(t *testing.T) string {
	t.Helper()
	issuer := controltest.NewBBSIssuer(t, 51)
	learner, err := did.NewKey(did.Ed25519, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{52}, 32)).Public().(ed25519.PublicKey))
	require.NoError(t, err)
	doc := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":           "urn:uuid:7c1d3e5f-2a4b-4c6d-8e0f-1a2b3c4d5e6f",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       issuer.DID,
		"issuanceDate": "2025-09-01T09:00:00Z",
		"credentialSubject": map[string]any{
			"id":   learner,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "urn:uuid:2b4d6f8a-1c3e-4a5b-9d7f-0e2c4a6b8d1f", "type": []any{"Achievement"}, "name": bbsAchievement,
			},
			"creditsEarned":     bbsCredits,
			"activityStartDate": "2025-05-05T00:00:00Z",
			"activityEndDate":   bbsEndDate,
			"licenseNumber":     "FL-2025-0042",
			"role":              "Warehouse operative",
		},
	}
	signed := issuer.Sign(t, doc)
	file := filepath.Join(t.TempDir(), "forklift.json")
	require.NoError(t, os.WriteFile(file, signed, 0o600))
	return file
}

// choiceIndex is the index in s.Choices() of the credential with record
// id.
func choiceIndex(t *testing.T, s *ShareScreen, id string) int {
	t.Helper()
	for i, c := range s.Choices() {
		if c.ID == id {
			return i
		}
	}
	t.Fatalf("credential %s is not offered", id)
	return -1
}

// TestShareClaims: of a BBS+ badge the learner ticks three of six claims
// in the chooser (the always-shown ones fixed); the consent names the
// claims shown and those hidden; the QR code on screen, read back from its
// image, verifies for the employer and holds the chosen values and none of
// the hidden ones; the printable sheet is a real PDF whose code reads
// back; an Ed25519 badge is offered whole only.
func TestShareClaims(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	file := bbsBadgeFile(t)
	ap.Credentials().ImportFiles([]string{file})
	ap.Wait()
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	bbsID := wallet.RecordID(data)

	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), 2, "both badges verified")
	bbs := choiceIndex(t, s, bbsID)
	ed := 1 - bbs

	// Unticked rows offer nothing; ticked, the BBS+ badge offers its
	// claims and the Ed25519 one says it is shown whole.
	require.Empty(t, s.PickNote(bbs))
	s.PickList().Select(ed)
	ap.Wait()
	require.Equal(t, "whole credential only", s.PickNote(ed))
	s.ChooseClaims(ed)
	require.Equal(t, s.pickView, s.stage.Objects[0], "no chooser for a whole-only credential")
	s.Pick(ed, false)
	require.Empty(t, s.PickNote(ed))
	s.PickList().Select(bbs)
	ap.Wait()
	require.Equal(t, "Choose what to show…", s.PickNote(bbs))

	// The row's button opens the chooser.
	row := s.pickRow(bbs)
	test.Tap(row.Objects[2].(*fyne.Container).Objects[0].(*widget.Button))
	require.Equal(t, s.claimsView, s.stage.Objects[0])
	claims, err := ap.vault.Claims(bbsID)
	require.NoError(t, err)
	checks := s.ClaimChecks()
	require.Len(t, checks, len(claims))
	byPath := map[string]*widget.Check{}
	for i, c := range claims {
		byPath[c.Path] = checks[i]
		require.True(t, checks[i].Checked, "%s: all ticked at first", c.Path)
		require.Equal(t, c.Always, checks[i].Disabled(), c.Path)
		if c.Always {
			require.Contains(t, checks[i].Text, "(always shown)")
		}
		require.Contains(t, checks[i].Text, c.Label)
	}
	require.Contains(t, s.claimsNote.Text, "its id, type, issuer, dates and status")
	require.Contains(t, byPath["credentialSubject.achievement.name"].Text, "achievement › name: "+bbsAchievement)
	require.Contains(t, byPath["issuer"].Text, "did:key:")

	// Untick three claims; a tap on a fixed one changes nothing.
	for _, p := range []string{"credentialSubject.activityStartDate", "credentialSubject.licenseNumber", "credentialSubject.role"} {
		require.NotNil(t, byPath[p], p)
		test.Tap(byPath[p])
		require.False(t, byPath[p].Checked, p)
	}
	test.Tap(byPath["issuer"])
	require.True(t, byPath["issuer"].Checked)
	test.Tap(s.useClaimsB)
	require.Equal(t, s.pickView, s.stage.Objects[0])
	text, ticked := s.PickText(bbs)
	require.True(t, ticked)
	require.Contains(t, text, "(shows 3 of 6 claims)")

	// Back from the chooser keeps the choice; it opens as chosen.
	s.ChooseClaims(bbs)
	require.False(t, s.ClaimChecks()[slices.IndexFunc(claims, func(c wallet.Claim) bool { return c.Path == "credentialSubject.role" })].Checked)
	test.Tap(s.claimsBackB)
	text, _ = s.PickText(bbs)
	require.Contains(t, text, "(shows 3 of 6 claims)")

	test.Type(s.challenge, "Q-77")
	test.Tap(s.reviewB)
	ap.Wait()
	require.Equal(t, s.consentView, s.stage.Objects[0], s.Status())
	consent := s.Consent()
	require.Contains(t, consent, "only the claims below, with a proof derived from the issuer's signature")
	require.Contains(t, consent, "Claims: achievement.id, achievement.name, achievement.type, activityEndDate, creditsEarned, id, type\n")
	require.Contains(t, consent, "Hidden, not in the code: activityStartDate, licenseNumber, role\n")
	require.NotContains(t, consent, "shown whole")
	for _, v := range append([]string{bbsAchievement + ":"}, bbsKept...) {
		require.NotContains(t, consent, v, "the consent names claims, never values")
	}

	test.Tap(s.makeB)
	ap.Wait()
	require.Equal(t, s.resultView, s.stage.Objects[0], s.Status())
	require.NotEmpty(t, s.QRImage(), s.qrInfo.Text)
	read, err := qr.ReadPNG(s.QRImage())
	require.NoError(t, err)
	require.Equal(t, s.QRText(), read)
	doc, err := qr.Decode(read)
	require.NoError(t, err)
	for _, v := range []string{bbsAchievement, bbsEndDate, `"creditsEarned":6`} {
		require.Contains(t, string(doc), v, "a chosen claim is in the presentation")
	}
	for _, v := range bbsKept {
		require.NotContains(t, string(doc), v, "a hidden claim is in the presentation")
	}
	v, err := verify.New(verify.Options{Now: fixtureNow, Challenge: "Q-77"})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), doc)
	require.NoError(t, err)
	require.True(t, res.Verified, "%+v", res)
	require.Len(t, res.Credentials, 1)
	require.True(t, res.Credentials[0].Verified, "%q", res.Credentials[0].Errors)

	// The printable sheet, through the method the save dialog calls.
	require.False(t, s.sheetB.Disabled())
	out := filepath.Join(t.TempDir(), "sheet.pdf")
	s.SaveSheet(out)
	ap.Wait()
	require.Contains(t, s.SheetStatus(), "Saved "+out+": QR version ")
	require.False(t, s.sheetBusy.Visible())
	pdfData, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdfData, []byte("%PDF-")), "%q", pdfData[:min(len(pdfData), 8)])
	require.Greater(t, len(pdfData), 4096)
	require.Contains(t, string(pdfData[len(pdfData)-64:]), "%%EOF")
	if gs, err := exec.LookPath("gs"); err == nil {
		scan := filepath.Join(t.TempDir(), "scan.png")
		msg, err := exec.Command(gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r300", "-o", scan, out).CombinedOutput()
		require.NoError(t, err, "gs: %s", msg)
		img, err := os.ReadFile(scan)
		require.NoError(t, err)
		got, err := qr.ReadPNG(img)
		require.NoError(t, err, "the code on the printed sheet reads")
		require.Equal(t, s.QRText(), got)
	} else {
		t.Log("Ghostscript (gs) not installed: the sheet's code was not read back")
	}

	// A sheet that cannot be written: a dialog with a hint, no file.
	bad := filepath.Join(t.TempDir(), "no-such-folder", "sheet.pdf")
	s.SaveSheet(bad)
	ap.Wait()
	require.Contains(t, s.SheetStatus(), "Could not save the printable sheet")
	require.NotNil(t, ap.Window().Canvas().Overlays().Top(), "the failure shows in a dialog")
	require.NoFileExists(t, bad)
	require.False(t, s.sheetB.Disabled())

	// The whole credential again.
	test.Tap(s.doneB)
	s.ChooseClaims(bbs)
	test.Tap(s.wholeB)
	text, _ = s.PickText(bbs)
	require.NotContains(t, text, "claims)")
	test.Tap(s.reviewB)
	ap.Wait()
	require.Contains(t, s.Consent(), "shown whole, exactly as the issuer signed it")
	require.NotContains(t, s.Consent(), "Hidden")
}

// TestShareClaimsAllTicked: ticking every claim of a badge whose claims
// can all be shown is the whole credential; ticking none still hides
// every claim but the always-shown ones.
func TestShareClaimsAllTicked(t *testing.T) {
	_, ap := openApp(t)
	file := bbsBadgeFile(t)
	ap.Credentials().ImportFiles([]string{file})
	ap.Wait()
	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), 1)
	s.Pick(0, true)
	ap.Wait()
	s.ChooseClaims(0)
	test.Tap(s.useClaimsB)
	require.Nil(t, s.buildRequest().Credentials[0].Disclose, "all ticked: whole")

	s.ChooseClaims(0)
	for _, c := range s.ClaimChecks() {
		if !c.Disabled() {
			test.Tap(c)
		}
	}
	test.Tap(s.useClaimsB)
	text, _ := s.PickText(0)
	require.Contains(t, text, "(shows 0 of 6 claims)")
	test.Tap(s.reviewB)
	ap.Wait()
	require.Contains(t, s.Consent(), "Claims: id, type\n")
	require.Contains(t, s.Consent(), "Hidden, not in the code: achievement.name, activityEndDate, activityStartDate, creditsEarned, licenseNumber, role\n")
}

// TestShareSheetTooLarge: three credentials whole are too many for a QR
// code on a screen, but the printable sheet carries them and reads back
// from a 300 dpi rendering; a code too large even for paper gives a sheet
// without one and the presentation's JSON file beside it.
func TestShareSheetTooLarge(t *testing.T) {
	_, ap := openApp(t, "simple.json", "simple_v1.json", "simple-did-key-method.json")
	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), 3)
	for i := range s.Choices() {
		s.Pick(i, true)
		ap.Wait()
		require.Equal(t, "whole credential only", s.PickNote(i))
	}
	s.expiry.SetSelectedIndex(3)
	test.Tap(s.reviewB)
	ap.Wait()
	test.Tap(s.makeB)
	ap.Wait()
	require.Equal(t, s.resultView, s.stage.Objects[0], s.Status())
	version, err := qr.Version(s.QRText())
	require.NoError(t, err)
	require.Greater(t, version, qr.MaxVersion, "the case needs a presentation too large for a screen")
	require.Nil(t, s.QRImage())
	require.True(t, s.saveB.Disabled())
	require.False(t, s.sheetB.Disabled())
	require.Contains(t, s.qrInfo.Text, "a printed sheet holds it")

	dir := t.TempDir()
	out := filepath.Join(dir, "cv.pdf")
	s.SaveSheet(out)
	ap.Wait()
	require.Contains(t, s.SheetStatus(), fmt.Sprintf("Saved %s: QR version %d, ", out, version))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "the sheet only: no JSON file, no temporary file")
	if gs, err := exec.LookPath("gs"); err == nil {
		scan := filepath.Join(t.TempDir(), "scan.png")
		msg, err := exec.Command(gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pnggray", "-r300", "-o", scan, out).CombinedOutput()
		require.NoError(t, err, "gs: %s", msg)
		img, err := os.ReadFile(scan)
		require.NoError(t, err)
		got, err := qr.ReadPNG(img)
		require.NoError(t, err, "the code on the printed sheet reads")
		require.Equal(t, s.QRText(), got)
	} else {
		t.Log("Ghostscript (gs) not installed: the sheet's code was not read back")
	}

	// Beyond version 40 (a text longer than any code holds): the sheet
	// says so and the JSON file beside it carries the presentation.
	huge := filepath.Join(dir, "huge.pdf")
	l, jsonFile, err := writeSheet(huge, s.pres, s.QRText()+strings.Repeat("A", 4000), false)
	require.NoError(t, err)
	require.False(t, l.Fits)
	require.Equal(t, "huge.json", jsonFile)
	doc, err := os.ReadFile(filepath.Join(dir, jsonFile))
	require.NoError(t, err)
	require.Equal(t, string(s.pres.JSON)+"\n", string(doc))
	pdfData, err := os.ReadFile(huge)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdfData, []byte("%PDF-")))
	v, err := verify.New(verify.Options{Now: fixtureNow})
	require.NoError(t, err)
	res, err := v.Verify(context.Background(), doc)
	require.NoError(t, err)
	require.True(t, res.Verified, "%q", res.Errors)
	require.Len(t, res.Credentials, 3)
}

// TestShareSheetFiles: the printable sheet as the save dialog hands it
// over (the file chosen already created, empty): a name without .pdf gets
// it added and the dialog's empty file is removed; a presentation file
// beside the sheet never replaces one already there (a dialog with a
// hint says to choose another name), and then no empty sheet is left.
func TestShareSheetFiles(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	ap.SelectTab(TabShare)
	s := ap.Share()
	s.Pick(0, true)
	ap.Wait()
	test.Tap(s.reviewB)
	ap.Wait()
	test.Tap(s.makeB)
	ap.Wait()
	require.Equal(t, s.resultView, s.stage.Objects[0], s.Status())
	fits := s.text

	tests := []struct {
		name   string
		text   string            // the code's text
		before map[string]string // files in the folder; the dialog's choice empty
		chosen string
		status string
		after  map[string]string // "%PDF-": a sheet
	}{
		{
			name: "a .pdf name", text: fits, before: map[string]string{"cv.pdf": ""}, chosen: "cv.pdf",
			status: "Saved ", after: map[string]string{"cv.pdf": "%PDF-"},
		},
		{
			name: "a name without .pdf", text: fits, before: map[string]string{"cv.json": ""}, chosen: "cv.json",
			status: "Saved ", after: map[string]string{"cv.json.pdf": "%PDF-"},
		},
		{
			name: "too large for paper, the presentation file beside it", text: fits + strings.Repeat("A", 4000),
			before: map[string]string{"cv.pdf": ""}, chosen: "cv.pdf",
			status: "names cv.json, saved beside it", after: map[string]string{"cv.pdf": "%PDF-", "cv.json": "{"},
		},
		{
			name: "too large for paper, a file of the presentation file's name there", text: fits + strings.Repeat("A", 4000),
			before: map[string]string{"cv.pdf": "", "cv.json": "mine"}, chosen: "cv.pdf",
			status: "Could not save the printable sheet", after: map[string]string{"cv.json": "mine"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.before {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600))
			}
			s.text = tc.text
			s.sheetChosen(filepath.Join(dir, tc.chosen))
			ap.Wait()
			require.Contains(t, s.SheetStatus(), tc.status)
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			want := slices.Sorted(func(yield func(string) bool) {
				for name := range tc.after {
					if !yield(name) {
						return
					}
				}
			})
			require.Equal(t, want, names, "no other file: no empty sheet, no temporary file")
			for name, prefix := range tc.after {
				got, err := os.ReadFile(filepath.Join(dir, name))
				require.NoError(t, err)
				require.True(t, strings.HasPrefix(string(got), prefix), "%s: %q", name, got[:min(len(got), 8)])
				if prefix == "mine" {
					require.Equal(t, "mine", string(got))
				}
			}
			if strings.HasPrefix(tc.status, "Could not") {
				top := ap.Window().Canvas().Overlays().Top()
				require.NotNil(t, top, "the failure shows in a dialog")
				require.True(t, canvasHasText(top, "choose another name"), "the dialog has the hint")
				top.Hide()
			}
		})
	}
	s.text = fits
}

// TestSharePickUnreadClaims: a ticked credential whose claims cannot be
// read (the wallet locked under the screen) is not called "whole
// credential only": the row says they were not read and the status says
// why, with a hint; ticking it again once unlocked reads them.
func TestSharePickUnreadClaims(t *testing.T) {
	_, ap := openApp(t)
	ap.Credentials().ImportFiles([]string{bbsBadgeFile(t)})
	ap.Wait()
	ap.SelectTab(TabShare)
	s := ap.Share()
	require.Len(t, s.Choices(), 1)

	ap.vault.Lock()
	s.Pick(0, true)
	ap.Wait()
	require.Equal(t, "claims not read: untick and tick it to try again", s.PickNote(0))
	require.Contains(t, s.Status(), "the wallet is locked. Unlock it, then untick and tick the credential again.")

	require.NoError(t, ap.vault.Unlock([]byte(testPassphrase)))
	s.Pick(0, false)
	s.Pick(0, true)
	ap.Wait()
	require.Equal(t, "Choose what to show…", s.PickNote(0))
	require.Empty(t, s.Status(), "the failure no longer stands")
}

// canvasHasText reports whether a label or text under o (widgets drawn
// through their renderers) holds text.
func canvasHasText(o fyne.CanvasObject, text string) bool {
	switch v := o.(type) {
	case *widget.Label:
		return strings.Contains(v.Text, text)
	case *widget.RichText:
		return strings.Contains(v.String(), text)
	case *canvas.Text:
		return strings.Contains(v.Text, text)
	case *fyne.Container:
		for _, c := range v.Objects {
			if canvasHasText(c, text) {
				return true
			}
		}
		return false
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			if canvasHasText(c, text) {
				return true
			}
		}
	}
	return false
}
