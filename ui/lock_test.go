package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// TestLockClosesOverlays: whatever shows over the screens (a check
// summary, a confirmation, a pop-up) leaves with them when the wallet
// locks, by Ctrl+L or for idleness, so that credential names do not stay
// over the lock screen; dialogs still show after the unlock.
func TestLockClosesOverlays(t *testing.T) {
	for _, tc := range []struct {
		name string
		lock func(*App, *fakeClock)
	}{
		{"lock now", func(ap *App, _ *fakeClock) { ap.LockNow() }},
		{"idle lock", func(_ *App, c *fakeClock) { c.advance(6 * time.Minute) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestApp(t)
			clock := &fakeClock{now: time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)}
			ap := New(a, WalletOpener{Options: wallet.Options{Now: fixtureNow}}, filepath.Join(t.TempDir(), "wallet"))
			ap.IdleTimeout = 5 * time.Minute
			ap.Clock = clock
			t.Cleanup(func() { ap.Wait(); ap.Window().Close() })
			u := createWallet(t, ap)
			w := ap.Window()
			dialog.ShowInformation("Check all again", "Data Analysis from Academy: revoked", w)
			dialog.ShowConfirm("Share", "Show Data Analysis to Employer?", func(bool) {}, w)
			widget.ShowPopUp(widget.NewLabel("Data Analysis"), w.Canvas())
			require.Len(t, w.Canvas().Overlays().List(), 3)

			tc.lock(ap, clock)
			require.True(t, ap.Locked())
			require.Empty(t, w.Canvas().Overlays().List(), "nothing shows over the lock screen")
			require.Equal(t, u.content, w.Content())
			require.Equal(t, u.pass, w.Canvas().Focused(), "the passphrase is typed at once")

			test.Type(u.pass, testPassphrase)
			test.Tap(u.button)
			ap.Wait()
			require.False(t, ap.Locked(), u.Status())
			dialog.ShowInformation("Check all again", "nothing changed", w)
			require.Len(t, w.Canvas().Overlays().List(), 1, "dialogs show again after the unlock")
		})
	}
}

// TestLockClosesAgentOffUIGoroutine: the lock does not wait for the
// agent's Close (a server's shutdown can take seconds); the unlock does not
// start the next agent, at the same address, before the old one has
// closed; and the window's close closes the agent before the wallet. The
// agents are real, with their Close held; the offer comes from a real
// issuer.
func TestLockClosesAgentOffUIGoroutine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts DIDComm agents")
	}
	is, _ := startIssuer(t)
	st := &gatedStarter{log: &events{}, holdClose: newGate()}
	ap := openAgentApp(t, st, nil)
	in := ap.Inbox()
	connectToIssuer(t, ap, is)
	first := st.started()[0]

	locked := make(chan struct{})
	go func() {
		ap.quiet(ap.LockNow)
		close(locked)
	}()
	select {
	case <-locked:
	case <-time.After(5 * time.Second):
		t.Fatal("LockNow waits for the agent's Close")
	}
	ap.quiet(func() {
		require.True(t, ap.Locked())
		require.Nil(t, in.agent)
		require.Equal(t, stoppedStatus, in.Status())
	})
	require.False(t, first.isClosed(), "its Close is still under way")
	ap.quiet(func() {
		row := in.Rows()[0]
		require.True(t, row.AcceptButton().Disabled(), "no answer without an agent")
		require.True(t, row.DeclineButton().Disabled())
		in.onAccept(row) // a tap that came before the lock: nothing happens
		in.onDecline(row)
		require.False(t, in.result.Visible())
	})

	unlockAgain(t, ap)
	time.Sleep(300 * time.Millisecond) // time enough to start too early
	require.Equal(t, 1, st.starts(), "no second agent while the first one closes")
	require.Len(t, st.started(), 1)
	ap.quiet(func() { require.Equal(t, "Starting your DIDComm agent…", in.Status()) })

	second := newGate()
	st.setCloseGate(second)
	first.holdClose.open()
	ap.Wait() // counts the close and the start
	ap.quiet(func() {
		require.Len(t, st.started(), 2)
		require.Equal(t, Agent(st.started()[1]), in.agent)
		require.Equal(t, first.Endpoint(), in.agent.Endpoint(), "at the same address")
		require.Empty(t, in.Status())
	})

	closedWindow := make(chan struct{})
	go func() {
		ap.quiet(ap.Window().Close)
		close(closedWindow)
	}()
	time.Sleep(200 * time.Millisecond)
	require.NotContains(t, st.log.get(), "wallet closed", "the wallet waits for its agent")
	second.open()
	select {
	case <-closedWindow:
	case <-time.After(20 * time.Second):
		t.Fatal("the window's close does not finish")
	}
	require.Equal(t, []string{"agent 1 started", "agent 1 closed", "agent 2 started", "agent 2 closed", "wallet closed"}, st.log.get())
}

// TestDemoInvitationWaitsForAgent: a lock that overtakes the agent's start
// keeps the demo invitation; the next start connects with it, once. The
// agents are real (the first one's handing over is held until after the
// lock) and the invitation is a real issuer's.
func TestDemoInvitationWaitsForAgent(t *testing.T) {
	if testing.Short() {
		t.Skip("starts DIDComm agents")
	}
	is, _ := startIssuer(t)
	inv := is.InvitationURL()
	st := &gatedStarter{log: &events{}, holdStart: newGate()}
	ap := openAgentApp(t, st, func(ap *App) { ap.Invitation = []byte(inv) })
	in := ap.Inbox()
	waitHeld(t, "the first agent starts", func() bool { return len(st.started()) == 1 })
	ap.quiet(func() {
		require.Equal(t, "Starting your DIDComm agent…", in.Status())
		ap.LockNow()
		require.Equal(t, stoppedStatus, in.Status())
	})
	st.holdStart.open()
	ap.Wait()
	ags := st.started()
	require.Len(t, ags, 1)
	require.True(t, ags[0].isClosed(), "the agent a lock overtook is closed again")
	require.Empty(t, ags[0].invitations())
	ap.quiet(func() {
		require.Nil(t, in.agent)
		require.Equal(t, stoppedStatus, in.Status(), "an overtaken start says nothing")
		require.Equal(t, inv, string(ap.Invitation), "kept for the next start")
	})

	unlockAgain(t, ap)
	ap.Wait()
	ags = st.started()
	require.Len(t, ags, 2)
	require.Equal(t, []string{inv}, ags[1].invitations())
	ap.quiet(func() {
		require.Nil(t, ap.Invitation, "used once")
		require.Equal(t, "Connected. Their offers and requests will appear below.", in.Status())
	})
}

// TestLockDuringInboxAnswer: an answer under way when the wallet locks
// (connect, accept, decline), or a reading of the inbox, does not touch
// the inbox when it returns: the Connect and Open QR buttons stay
// disabled, the offers listed take no answer, the inbox keeps saying that
// the agent stopped, and the closed agent's errors (or what it read just
// before) do not show. The agents are real, with the answer (or the
// reading, after it read the wallet) held until the agent has closed; the
// offer and the invitation are a real issuer's.
func TestLockDuringInboxAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts DIDComm agents")
	}
	is, _ := startIssuer(t)
	for _, tc := range []struct {
		name  string
		reads bool // hold the inbox's reading rather than an answer
		act   func(in *InboxScreen)
	}{
		{"connect", false, func(in *InboxScreen) {
			in.Invitation().SetText(is.InvitationURL())
			test.Tap(in.ConnectButton())
		}},
		{"accept", false, func(in *InboxScreen) { test.Tap(in.Rows()[0].AcceptButton()) }},
		{"decline", false, func(in *InboxScreen) { test.Tap(in.Rows()[0].DeclineButton()) }},
		{"reload", true, func(in *InboxScreen) { in.reload() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &gatedStarter{log: &events{}}
			ap := openAgentApp(t, st, nil)
			in := ap.Inbox()
			connectToIssuer(t, ap, is)
			first := st.started()[0]
			hold := newGate()
			if tc.reads {
				st.setReadGate(hold)
			} else {
				st.setAnswerGate(hold)
			}
			ap.quiet(func() {
				require.NotNil(t, in.agent)
				require.Len(t, in.Rows(), 1)
				tc.act(in)
			})
			// The job waits in the agent, holding no widget (and keeping
			// every other job waiting).
			waitHeld(t, "the job reaches the agent", func() bool { return hold.reached() == 1 })
			ap.LockNow()
			require.Equal(t, stoppedStatus, in.Status())
			waitHeld(t, "the agent closes", first.isClosed)
			hold.open() // the closed agent answers, or the reading goes on
			ap.Wait()
			ap.quiet(func() {
				require.True(t, ap.Locked())
				require.True(t, in.ConnectButton().Disabled())
				require.True(t, in.openQRB.Disabled())
				require.Equal(t, stoppedStatus, in.Status())
				require.False(t, in.result.Visible(), in.Result())
				require.Len(t, in.Rows(), 1)
				require.True(t, in.Rows()[0].AcceptButton().Disabled(), "the closed agent's offer takes no answer")
			})

			unlockAgain(t, ap)
			ap.Wait()
			ap.quiet(func() {
				require.Len(t, st.started(), 2)
				require.Equal(t, Agent(st.started()[1]), in.agent)
				require.False(t, in.ConnectButton().Disabled(), "the new agent's inbox works")
				require.Empty(t, in.Status())
			})
		})
	}
}
