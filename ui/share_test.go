package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
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
