package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// learnerFile makes a passport file the way a learner does: a real wallet
// imports the simple Open Badge and exports its passport.
func learnerFile(t *testing.T) []byte {
	t.Helper()
	w, err := wallet.Create(filepath.Join(t.TempDir(), "learner"), []byte(testPassphrase), wallet.Options{Now: fixtureNow})
	require.NoError(t, err)
	defer w.Close()
	data, err := os.ReadFile(fixturePath("simple.json"))
	require.NoError(t, err)
	res, err := w.Import(context.Background(), "simple.json", data)
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	_, file, err := w.ExportPassport(context.Background(), wallet.ExportRequest{Audience: "careers.example"})
	require.NoError(t, err)
	return file
}

// TestAdvisorReviewsPassportFile opens a learner's passport file (verified,
// its skill counted), compares it with a role, keeps a note that is still
// there after the app is closed and unlocked again, and opens a tampered
// copy that counts nothing.
func TestAdvisorReviewsPassportFile(t *testing.T) {
	file := learnerFile(t)
	files := t.TempDir()
	good := filepath.Join(files, "learner.json")
	require.NoError(t, os.WriteFile(good, file, 0o600))
	require.True(t, bytes.Contains(file, []byte(`"Teamwork`)))
	tampered := filepath.Join(files, "tampered.json")
	require.NoError(t, os.WriteFile(tampered, bytes.Replace(file, []byte(`"Teamwork`), []byte(`"Leadership`), 1), 0o600))
	notJSON := filepath.Join(files, "notes.txt")
	require.NoError(t, os.WriteFile(notJSON, []byte("hello"), 0o600))

	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "advisor")
	opener := WalletOpener{Options: wallet.Options{Now: fixtureNow}}
	ap := New(a, opener, dir)
	ap.Now = fixtureNow
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	ap.SelectTab(TabAdvisor)
	s := ap.Advisor()
	require.NotNil(t, s, u.Status())

	s.OpenFile(good)
	ap.Wait()
	sp := s.Shared()
	require.NotNil(t, sp, s.Status())
	require.True(t, sp.Verified)
	require.Equal(t, 1, sp.Counted)
	require.Equal(t, "Verified: signed by the learner, and every credential in it checks out.", s.Verdict())
	require.Equal(t, "Learner: "+sp.Holder, s.Holder())
	require.Equal(t, "learner.json: 1 of 1 credentials count.", s.Status())
	require.Contains(t, s.CredentialsText(), "✓ ")
	require.Equal(t, "Choose a target role to see the gaps.", s.Gaps())
	require.Equal(t, "No notes on this learner yet.", s.Notes())

	// A role file: the gaps against it.
	s.UseRoleFile(filepath.Join("testdata", "role-team-lead.json"))
	ap.Wait()
	g := s.Shared().Passport.Gaps
	require.NotNil(t, g)
	require.Equal(t, "Team lead", g.Role)
	require.Equal(t, 1, g.Missing, "Negotiation is in no credential")
	require.Equal(t, GapText(g), s.Gaps())
	require.Contains(t, s.Gaps(), "• Negotiation: missing")
	require.NotContains(t, s.Gaps(), "• Teamwork: missing", "the badge evidences Teamwork")
	// A framework role code, with no framework imported.
	test.Type(s.RoleEntry(), "ICT-DIT-3002")
	test.Tap(s.RoleButton())
	require.Contains(t, s.roleLabel.Text, "No such role in your imported frameworks")

	test.Type(s.NoteEntry(), "Strong teamwork; suggest a negotiation course.")
	test.Tap(s.NoteButton())
	ap.Wait()
	require.Contains(t, s.Notes(), ": Strong teamwork; suggest a negotiation course.")
	require.Empty(t, s.NoteEntry().Text)
	test.Tap(s.NoteButton()) // an empty note is refused
	ap.Wait()
	require.Contains(t, s.Status(), "The note was not kept")

	s.OpenFile(tampered)
	ap.Wait()
	require.NotNil(t, s.Shared())
	require.False(t, s.Shared().HolderSigned)
	require.Zero(t, s.Shared().Counted)
	require.Contains(t, s.Verdict(), "Not verified")
	require.Equal(t, "tampered.json: 0 of 1 credentials count.", s.Status())
	require.Contains(t, s.CredentialsText(), "not counted: ")
	require.Contains(t, s.Gaps(), "0 met")

	s.OpenFile(notJSON)
	ap.Wait()
	require.Nil(t, s.Shared())
	require.Contains(t, s.Status(), "This is not a passport file")

	// The note is kept in the advisor's wallet.
	ap.Window().Close()
	ap2 := New(a, opener, dir)
	ap2.Now = fixtureNow
	t.Cleanup(func() { ap2.Wait(); ap2.Window().Close() })
	u2 := ap2.Unlock()
	test.Type(u2.pass, testPassphrase)
	test.Tap(u2.button)
	ap2.Wait()
	require.NotNil(t, ap2.Advisor(), u2.Status())
	ap2.Advisor().OpenFile(good)
	ap2.Wait()
	require.Contains(t, ap2.Advisor().Notes(), ": Strong teamwork; suggest a negotiation course.")
}
