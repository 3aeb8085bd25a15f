package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/issuer"
)

// gate holds calls until the test opens it; a nil gate holds nothing.
type gate struct {
	once sync.Once
	c    chan struct{}

	mu      sync.Mutex
	waiters int // calls that reached the gate
}

func newGate() *gate { return &gate{c: make(chan struct{})} }

func (g *gate) wait() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.waiters++
	g.mu.Unlock()
	<-g.c
}

func (g *gate) open() {
	if g != nil {
		g.once.Do(func() { close(g.c) })
	}
}

// reached reports how many calls have reached the gate.
func (g *gate) reached() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.waiters
}

// events records what happened, in order, across goroutines.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.list...)
}

// gatedAgent is the real agent (StartWalletAgent's) with the calls a test
// must hold gated: Connect, Accept and Decline wait for the starter's
// answer gate when one is set, Close for the close gate the agent started
// with; each then calls the real agent. AllRequests (the inbox's last
// read) calls the real agent first, then waits for the read gate. Every
// other call is the real agent's.
type gatedAgent struct {
	Agent
	n         int
	st        *gatedStarter
	holdClose *gate

	mu       sync.Mutex
	closed   bool     // the real Close has returned
	connects []string // the invitations Connect was given
}

func (g *gatedAgent) isClosed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

func (g *gatedAgent) invitations() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.connects...)
}

func (g *gatedAgent) Connect(ctx context.Context, inv []byte) (string, error) {
	g.mu.Lock()
	g.connects = append(g.connects, string(inv))
	g.mu.Unlock()
	g.st.answerGate().wait()
	return g.Agent.Connect(ctx, inv)
}

func (g *gatedAgent) Accept(ctx context.Context, id string) (*agent.Offer, error) {
	g.st.answerGate().wait()
	return g.Agent.Accept(ctx, id)
}

func (g *gatedAgent) Decline(ctx context.Context, id, reason string) error {
	g.st.answerGate().wait()
	return g.Agent.Decline(ctx, id, reason)
}

func (g *gatedAgent) AllRequests() ([]agent.Request, error) {
	reqs, err := g.Agent.AllRequests()
	g.st.readGate().wait()
	return reqs, err
}

func (g *gatedAgent) Close() error {
	g.holdClose.wait()
	err := g.Agent.Close()
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	g.st.log.add(fmt.Sprintf("agent %d closed", g.n))
	return err
}

// gatedStarter is an AgentStarter that starts the real agent
// (StartWalletAgent) and hands out gatedAgents: holdStart holds the
// handing over of a started agent, holdClose the Close of the agents
// started next, setAnswerGate the answers (Connect, Accept, Decline) of
// every agent from then on, and setReadGate their AllRequests.
type gatedStarter struct {
	log *events

	mu        sync.Mutex
	agents    []*gatedAgent
	attempts  int
	holdStart *gate
	holdClose *gate
	hold      *gate
	holdRead  *gate
}

func (s *gatedStarter) start(v Vault, o AgentOptions) (Agent, error) {
	if lv, ok := v.(logVault); ok {
		v = lv.Vault // StartWalletAgent needs the wallet itself
	}
	s.mu.Lock()
	s.attempts++
	s.mu.Unlock()
	real, err := StartWalletAgent(v, o)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	ag := &gatedAgent{Agent: real, n: len(s.agents) + 1, st: s, holdClose: s.holdClose}
	s.agents = append(s.agents, ag)
	s.log.add(fmt.Sprintf("agent %d started", ag.n))
	g := s.holdStart
	s.mu.Unlock()
	g.wait()
	return ag, nil
}

// started returns the agents that started, in order.
func (s *gatedStarter) started() []*gatedAgent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*gatedAgent(nil), s.agents...)
}

// starts returns how many starts were asked for.
func (s *gatedStarter) starts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

func (s *gatedStarter) setAnswerGate(g *gate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = g
}

func (s *gatedStarter) setReadGate(g *gate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdRead = g
}

func (s *gatedStarter) readGate() *gate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.holdRead
}

func (s *gatedStarter) setCloseGate(g *gate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdClose = g
}

func (s *gatedStarter) answerGate() *gate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hold
}

// gates returns every gate the starter holds calls with.
func (s *gatedStarter) gates() []*gate {
	s.mu.Lock()
	defer s.mu.Unlock()
	gs := []*gate{s.holdStart, s.holdClose, s.hold, s.holdRead}
	for _, ag := range s.agents {
		gs = append(gs, ag.holdClose)
	}
	return gs
}

// logVault is a Vault that records when it closes.
type logVault struct {
	Vault
	log *events
}

func (v logVault) Close() error {
	v.log.add("wallet closed")
	return v.Vault.Close()
}

// logOpener opens logVaults.
type logOpener struct {
	WalletOpener
	log *events
}

func (o logOpener) Create(dir string, pass []byte) (Vault, error) {
	v, err := o.WalletOpener.Create(dir, pass)
	if err != nil {
		return nil, err
	}
	return logVault{Vault: v, log: o.log}, nil
}

func (o logOpener) Open(dir string, pass []byte) (Vault, error) {
	v, err := o.WalletOpener.Open(dir, pass)
	if err != nil {
		return nil, err
	}
	return logVault{Vault: v, log: o.log}, nil
}

// within waits (up to 30 s) until cond holds, reading the screens while no
// background job runs, without waiting for every job to end (a held start
// or close keeps one running).
func within(t *testing.T, ap *App, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok bool
		ap.quiet(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitHeld waits (up to 30 s) until cond holds, without reading the
// screens: a job held in the agent keeps the screens' jobs (and quiet)
// waiting.
func waitHeld(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 30*time.Second, 10*time.Millisecond, what)
}

// openAgentApp creates a wallet through the unlock screen of an app whose
// agents st starts, and waits until the inbox exists.
func openAgentApp(t *testing.T, st *gatedStarter, configure func(*App)) *App {
	t.Helper()
	a := newTestApp(t)
	dir := filepath.Join(t.TempDir(), "w") // unix socket paths are short
	ap := New(a, logOpener{log: st.log}, dir)
	ap.StartAgent = st.start
	if configure != nil {
		configure(ap)
	}
	t.Cleanup(func() {
		for _, g := range st.gates() {
			g.open()
		}
		ap.Wait()
		ap.quiet(func() {
			for _, w := range a.Driver().AllWindows() {
				if w == ap.Window() { // not closed by the test
					w.Close()
				}
			}
		})
	})
	u := ap.Unlock()
	test.Type(u.pass, testPassphrase)
	test.Type(u.confirm, testPassphrase)
	test.Tap(u.button)
	within(t, ap, "the wallet opens", func() bool { return ap.Inbox() != nil })
	return ap
}

// connectToIssuer connects the inbox to the real issuer is, as the learner
// does (paste its invitation, tap Connect), and waits until the offer the
// issuer sends on connecting is listed, pending.
func connectToIssuer(t *testing.T, ap *App, is *issuer.Issuer) {
	t.Helper()
	in := ap.Inbox()
	eventually(t, ap, "the agent starts", func() bool { return in.agent != nil })
	ap.quiet(func() {
		in.Invitation().SetText(is.InvitationURL())
		test.Tap(in.ConnectButton())
	})
	eventually(t, ap, "the issuer's offer is listed", func() bool {
		rows := in.Rows()
		return len(rows) == 1 && rows[0].AcceptButton() != nil
	})
}

// unlockAgain types the passphrase on the lock screen and waits until the
// wallet is open again.
func unlockAgain(t *testing.T, ap *App) {
	t.Helper()
	ap.quiet(func() {
		require.True(t, ap.Locked())
		test.Type(ap.Unlock().pass, testPassphrase)
		test.Tap(ap.Unlock().button)
	})
	within(t, ap, "the wallet unlocks", func() bool { return !ap.Locked() })
}

const stoppedStatus = "Your DIDComm agent stopped while the wallet is locked; it starts again when you unlock."
