package ui

import (
	"context"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control"
	"github.com/skillpass/skillpass/wallet/issuer"
	"github.com/skillpass/skillpass/wallet/qr"
)

// eventually waits (up to 30 s) until cond holds, reading the screens only
// while no background job runs: the agent's notifications start jobs at
// any time.
func eventually(t *testing.T, ap *App, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ap.Wait()
		var ok bool
		ap.quiet(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startIssuer starts a real issuer agent (package wallet/issuer) with the
// sample catalogue, offering its first achievement to every learner that
// connects.
func startIssuer(t *testing.T) (*issuer.Issuer, *issuer.Catalog) {
	t.Helper()
	cat, err := issuer.LoadCatalog(filepath.Join("..", "testdata", "catalog.json"))
	require.NoError(t, err)
	iw, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(testPassphrase), wallet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = iw.Close() })
	is, err := issuer.Start(iw, issuer.Options{Listen: "127.0.0.1:0", Catalog: cat, AutoOffer: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = is.Close() })
	return is, cat
}

// agentApp creates a wallet in a temp folder through the unlock screen of
// an app that runs the real DIDComm agent (StartWalletAgent), opened with
// opts (and its clock), and waits until the agent runs.
func agentApp(t *testing.T, opts wallet.Options) (*App, *InboxScreen, *UnlockScreen) {
	t.Helper()
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "w") // unix socket paths are short
	ap := New(a, WalletOpener{Options: opts}, dir)
	if opts.Now != nil {
		ap.Now = opts.Now
	}
	ap.StartAgent = StartWalletAgent
	t.Cleanup(func() { ap.Wait(); ap.quiet(ap.Window().Close) })
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	in := ap.Inbox()
	require.NotNil(t, in, u.Status())
	eventually(t, ap, "the agent starts", func() bool { return in.agent != nil })
	return ap, in, u
}

// TestInboxAcceptsOffer drives the inbox against a real issuer in this
// process: paste the invitation, the offer appears without a reload, tap
// Accept, and the credential is listed on the Credentials tab, stored and
// verified; skillpass-cli reaches the same wallet over the control socket.
func TestInboxAcceptsOffer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	is, cat := startIssuer(t)
	ap, in, _ := agentApp(t, wallet.Options{})
	ap.quiet(func() {
		require.Empty(t, in.Status())
		require.Equal(t, "No connection yet.", in.Connections())
		ap.SelectTab(TabInbox)
		test.Tap(in.ConnectButton())
		require.Equal(t, "Paste an invitation first, or open its QR image.", in.Status())
		in.Invitation().SetText("https://academy.example/invite") // pasted
		test.Tap(in.ConnectButton())
	})
	eventually(t, ap, "a bad invitation is refused", func() bool { return in.Status() != "Connecting…" })
	require.Contains(t, in.Status(), "This is not an invitation Skillpass can use")

	ap.quiet(func() {
		in.Invitation().SetText(is.InvitationURL())
		test.Tap(in.ConnectButton())
	})
	// The issuer offers on its own once connected: the offer arrives
	// through the agent's notification, with no reload asked for.
	var row *OfferRow
	eventually(t, ap, "the offer appears", func() bool {
		if rows := in.Rows(); len(rows) == 1 && rows[0].AcceptButton() != nil {
			row = rows[0]
			return true
		}
		return false
	})
	ap.quiet(func() {
		require.Equal(t, "Connected. Their offers and requests will appear below.", in.Status())
		require.Contains(t, in.Connections(), "connected")
		require.Contains(t, row.Text(), cat.Achievements[0].Name)
		require.Contains(t, row.Text(), "waiting for your answer")
		test.Tap(row.AcceptButton())
	})
	eventually(t, ap, "the credential is stored", func() bool {
		return len(in.Rows()) == 1 && in.Rows()[0].AcceptButton() == nil
	})
	require.Contains(t, in.Rows()[0].Text(), "stored in your wallet")
	ap.SelectTab(TabCredentials)
	shown := ap.Credentials().Shown()
	require.Len(t, shown, 1)
	require.Equal(t, cat.Achievements[0].Name, shown[0].Achievement)
	require.Equal(t, "ok", shown[0].Checks.Signature)
	// The app works offline: the issuer's status list is not fetched, and
	// the result says so in the wallet's words.
	require.Equal(t, cat.Achievements[0].Name+" is in your wallet: "+shown[0].Verdict()+".", in.Result())

	// The invitation's QR image, opened again, finds the connection it
	// made (no second connection to the same issuer); the issuer offers
	// again, and this time the learner declines.
	png, _, err := qr.RenderPNG(is.InvitationURL(), qr.ModulePixels, 40)
	require.NoError(t, err)
	qrPath := filepath.Join(t.TempDir(), "invitation.png")
	require.NoError(t, os.WriteFile(qrPath, png, 0o600))
	ap.quiet(func() {
		ap.SelectTab(TabInbox)
		in.ConnectFile(qrPath)
	})
	eventually(t, ap, "the QR image connects", func() bool {
		return in.Status() == "Connected. Their offers and requests will appear below."
	})
	var first Agent
	ap.quiet(func() { first = in.agent })
	conns, err := first.Connections()
	require.NoError(t, err)
	require.Len(t, conns, 1, "the same connection, not a second one")
	_, err = is.Offer(conns[0].MyDID, cat.Achievements[0].ID, issuer.OfferOptions{})
	require.NoError(t, err)
	eventually(t, ap, "the second offer appears", func() bool {
		if rows := in.Rows(); len(rows) == 2 && rows[0].DeclineButton() != nil {
			row = rows[0] // newest first
			return true
		}
		return false
	})
	ap.quiet(func() { test.Tap(row.DeclineButton()) })
	eventually(t, ap, "the offer is declined", func() bool {
		return len(in.Rows()) == 2 && in.Rows()[0].DeclineButton() == nil
	})
	require.Equal(t, cat.Achievements[0].Name+" declined; the issuer was told.", in.Result())
	require.Contains(t, in.Rows()[0].Text(), ": declined")
	require.Contains(t, in.Rows()[1].Text(), "stored in your wallet")
	require.Len(t, ap.Credentials().Shown(), 1, "nothing stored for the declined offer")

	// An offer the issuer sends later, with nothing done in the app,
	// appears through the agent's change notification.
	later := cat.Achievements[len(cat.Achievements)-1]
	_, err = is.Offer(conns[0].MyDID, later.ID, issuer.OfferOptions{})
	require.NoError(t, err)
	eventually(t, ap, "the later offer appears", func() bool {
		rows := in.Rows()
		return len(rows) == 3 && rows[0].AcceptButton() != nil && strings.HasPrefix(rows[0].Text(), later.Name+" from ")
	})

	// skillpass-cli commands on this wallet reach the app's wallet.
	c, st, err := control.Dial(context.Background(), ap.dir)
	require.NoError(t, err)
	require.NotEmpty(t, st.Endpoint)
	list, err := c.List(context.Background())
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, shown[0].ID, list[0].ID)
}

// TestLockStopsAgent: locking the wallet stops its DIDComm agent (it holds
// the wallet's key manager, which must not outlive the keys): its address
// no longer answers and the inbox says why; unlocking starts it again at the
// same address.
func TestLockStopsAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a DIDComm agent twice")
	}
	ap, in, u := agentApp(t, wallet.Options{})
	var endpoint string
	ap.quiet(func() { endpoint = in.agent.Endpoint() })
	// Whether anything accepts a connection at the agent's address (a
	// plain TCP dial: the test's HTTP client refuses every request).
	answers := func() bool {
		u, err := url.Parse(endpoint)
		require.NoError(t, err)
		c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
		if err != nil {
			return false
		}
		_ = c.Close()
		return true
	}
	require.True(t, answers(), "the agent listens at %s", endpoint)

	ap.quiet(ap.LockNow)
	ap.quiet(func() {
		require.True(t, ap.Locked())
		require.Nil(t, in.agent)
		require.Contains(t, in.Status(), "stopped while the wallet is locked")
	})
	ap.Wait() // the agent closes off the UI goroutine
	require.False(t, answers(), "nothing listens while locked")

	test.Type(u.pass, testPassphrase)
	test.Tap(u.button)
	ap.Wait()
	eventually(t, ap, "the agent starts again", func() bool { return in.agent != nil })
	ap.quiet(func() {
		require.Equal(t, endpoint, in.agent.Endpoint(), "the same address as before the lock")
		require.Empty(t, in.Status())
	})
	require.True(t, answers())
}
