package ui

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
)

// TestVerifyScreen opens a QR image, a tampered credential, pasted QR text
// and junk, and reads the verdicts: they are exactly those of package
// verify (the layer skillpass-cli verify uses), in words.
func TestVerifyScreen(t *testing.T) {
	_, ap := openApp(t, "simple.json")
	p, err := ap.vault.Present(context.Background(), wallet.PresentRequest{
		Credentials: []wallet.Choice{{ID: ap.Credentials().Shown()[0].ID}}, Challenge: "c-1",
	})
	require.NoError(t, err)
	text, err := qr.Encode(p.JSON)
	require.NoError(t, err)
	img, _, err := qr.PNG(text)
	require.NoError(t, err)
	dir := t.TempDir()
	pngPath := filepath.Join(dir, "shared.png")
	require.NoError(t, os.WriteFile(pngPath, img, 0o600))

	expect := func(challenge string, doc []byte) *verify.Result {
		v, err := verify.New(verify.Options{Now: fixtureNow, Challenge: challenge})
		require.NoError(t, err)
		r, err := v.Verify(context.Background(), doc)
		require.NoError(t, err)
		return r
	}
	tampered, err := os.ReadFile(fixturePath("simple-err-proof-value.json"))
	require.NoError(t, err)

	ap.SelectTab(TabVerify)
	s := ap.Verify()
	for _, tc := range []struct {
		name      string
		challenge string
		run       func()
		want      *verify.Result
		head      string
		details   []string
	}{
		{
			name: "qr image", challenge: "c-1", run: func() { s.VerifyFile(pngPath) },
			want: expect("c-1", p.JSON), head: "shared.png: verified presentation",
			details: []string{"✔ Signature: exactly as it was signed: nothing changed since", "Credential 1: verified", "    ✔ Validity: within its validity dates", "Presented by did:key:"},
		},
		{
			name: "tampered file", run: func() { s.VerifyFile(fixturePath("simple-err-proof-value.json")) },
			want: expect("", tampered), head: "simple-err-proof-value.json: NOT verified credential",
			details: []string{"✘ Signature: the signature does not match"},
		},
		{
			name: "pasted text, wrong code", challenge: "other", run: func() { s.Paste().SetText(text); test.Tap(s.verifyB) },
			want: expect("other", p.JSON), head: "the pasted text: NOT verified presentation",
			details: []string{"Credential 1: verified"},
		},
		{
			name: "pasted text", challenge: "c-1", run: func() { s.Paste().SetText(text); test.Tap(s.verifyB) },
			want: expect("c-1", p.JSON), head: "the pasted text: verified presentation",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.Challenge().SetText(tc.challenge)
			tc.run()
			ap.Wait()
			head, details := s.Verdict()
			require.Equal(t, tc.head, head, details)
			require.Equal(t, tc.want, s.Result())
			for _, d := range tc.details {
				require.Contains(t, details, d)
			}
		})
	}

	for _, tc := range []struct{ name, paste, want string }{
		{"junk", "hello", "This is not a credential, a presentation or a Skillpass QR code."},
		{"damaged code", text[:len(text)-9], "The code was damaged or changed."},
		{"nothing", "  ", "Paste the text first, or open a file."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.Paste().SetText(tc.paste)
			test.Tap(s.verifyB)
			ap.Wait()
			head, details := s.Verdict()
			require.Contains(t, head+"\n"+details, tc.want)
			require.Nil(t, s.Result())
		})
	}

	// A picture without a code.
	blank := filepath.Join(dir, "blank.png")
	b, _, err := qr.PNG("x")
	require.NoError(t, err)
	for i := 60; i < len(b)-20; i++ { // damage the image data, keep the header
		b[i] = 0
	}
	require.NoError(t, os.WriteFile(blank, b, 0o600))
	s.VerifyFile(blank)
	ap.Wait()
	head, _ := s.Verdict()
	require.Equal(t, "blank.png could not be checked", head)
}

// TestVerifyWithoutWallet reaches the verifier from the unlock screen, as
// an employer without a wallet would, and comes back.
func TestVerifyWithoutWallet(t *testing.T) {
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "none")
	ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, dir)
	ap.Now = fixtureNow
	defer ap.Window().Close()
	u := ap.Unlock()
	test.Tap(u.verifyB)
	s := ap.Standalone()
	require.NotNil(t, s)
	require.Equal(t, s.content, ap.Window().Content())
	s.VerifyFile(fixturePath("simple.json"))
	ap.Wait()
	head, details := s.Verdict()
	require.Equal(t, "simple.json: verified credential", head, details)
	require.Contains(t, details, "? Issuer: signed, but nothing ties the key to the named issuer")
	require.Contains(t, details, "Issued by https://example.com/issuers/876543")
	require.NoDirExists(t, dir, "no wallet made")
	test.Tap(s.back)
	require.Equal(t, u.content, ap.Window().Content())
	require.Equal(t, u.pass, ap.Window().Canvas().Focused())
}
