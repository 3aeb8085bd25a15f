package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control"
)

// Agent is what the inbox needs of the learner's DIDComm agent
// (*agent.Agent, with the control socket that StartWalletAgent adds).
type Agent interface {
	Connect(ctx context.Context, invitation []byte) (string, error)
	Connections() ([]agent.Connection, error)
	Offers() ([]agent.Offer, error)
	Accept(ctx context.Context, id string) (*agent.Offer, error)
	Decline(ctx context.Context, id, reason string) error
	// AllRequests, Request, PreviewShare, Share and DeclineRequest are the
	// verifiers' presentation requests (present-proof 2.0) and the
	// learner's answers. PreviewShare says what Share would send, for the
	// consent view; it sends nothing.
	AllRequests() ([]agent.Request, error)
	Request(id string) (*agent.Request, error)
	PreviewShare(id string, sel agent.Selection) (*agent.SharePreview, error)
	Share(ctx context.Context, id string, sel agent.Selection) (*agent.Request, error)
	// ShareExpecting shares only the plan the learner reviewed: it refuses
	// (agent.ErrPlanChanged) when the plan is no longer the previewed one.
	ShareExpecting(ctx context.Context, id string, sel agent.Selection, fingerprint string) (*agent.Request, error)
	DeclineRequest(ctx context.Context, id, reason string) error
	Endpoint() string
	Close() error
}

// AgentOptions are what the app passes an AgentStarter.
type AgentOptions struct {
	// Listen is the address the agent listens on ("" lets the agent choose:
	// the address of its last run, else 127.0.0.1 and a free port).
	Listen string
	// OnChange is called, from any goroutine and quickly, whenever an offer
	// or a presentation request arrives or changes state.
	OnChange func()
}

// AgentStarter starts the learner's agent on an unlocked wallet.
type AgentStarter func(v Vault, o AgentOptions) (Agent, error)

// ErrNoAgentWallet is returned by StartWalletAgent for a vault that is not
// a *wallet.Wallet (the agent keeps its state in the wallet file).
var ErrNoAgentWallet = errors.New("start agent: the wallet is not a Skillpass wallet file")

// errNoAgent is an AgentStarter's answer with neither an agent nor an
// error.
var errNoAgent = errors.New("start agent: no agent and no error")

// walletAgent is the DIDComm agent with the control socket that lets
// skillpass-cli reach the app's wallet.
type walletAgent struct {
	*agent.Agent
	server *control.Server
}

// Close stops the control socket, then the agent.
func (w walletAgent) Close() error {
	var errs []error
	if w.server != nil {
		errs = append(errs, w.server.Close())
	}
	errs = append(errs, w.Agent.Close())
	return errors.Join(errs...)
}

// StartWalletAgent starts the learner's DIDComm agent (package
// wallet/agent) on v and serves the wallet control socket (package
// wallet/control), so that skillpass-cli commands on the same wallet reach
// the app. A control socket that cannot be served is logged and the agent
// runs without it.
func StartWalletAgent(v Vault, o AgentOptions) (Agent, error) {
	w, ok := v.(*wallet.Wallet)
	if !ok {
		return nil, ErrNoAgentWallet
	}
	onChange := o.OnChange
	changed := func() {
		if onChange != nil {
			onChange()
		}
	}
	a, err := agent.New(w, agent.Options{
		Listen:    o.Listen,
		OnOffer:   func(agent.Offer) { changed() },
		OnRequest: func(agent.Request) { changed() },
	})
	if err != nil {
		return nil, err
	}
	srv, err := control.Listen(w, a, control.Options{})
	if err != nil {
		fyne.LogError("serve the wallet control socket", err)
	}
	return walletAgent{Agent: a, server: srv}, nil
}

// startAgent starts the agent off the UI goroutine after each unlock (the
// lock stops it: see stopAgent), once the agent before it has finished
// closing (the new one listens at the same address), then connects to
// App.Invitation when one is set. A start that a lock or the window's close
// overtook closes its agent again and says nothing; the invitation then
// waits for the next start.
func (a *App) startAgent(v Vault) {
	if a.StartAgent == nil {
		return
	}
	a.agentMu.Lock()
	if a.agent != nil {
		a.agentMu.Unlock()
		return
	}
	a.agentGen++
	gen := a.agentGen
	a.agentMu.Unlock()
	prev, gone := a.agentGone, make(chan struct{})
	a.agentGone = gone
	start, listen := a.StartAgent, a.fyneApp.Preferences().String(prefAgentListen)
	a.inbox.starting()
	a.goTracked(func() {
		if prev != nil {
			<-prev // the agent before this one is still closing
		}
		if !a.agentCurrent(gen) {
			close(gone) // locked or closed meanwhile: nothing to start
			return
		}
		ag, err := start(v, AgentOptions{Listen: listen, OnChange: a.agentChanged})
		if err == nil && ag == nil {
			err = errNoAgent
		}
		switch {
		case err != nil:
			close(gone)
		case !a.takeAgent(gen, ag, gone):
			a.closeAgent(ag) // locked or closed while it started
			close(gone)
		}
		a.background(func() {
			fyne.Do(func() { a.agentStarted(gen, ag, err) })
		})
	})
}

// agentStarted tells the inbox what became of the start of generation gen
// (UI goroutine), unless a lock overtook it: the inbox then says the agent
// stopped, and keeps saying so.
func (a *App) agentStarted(gen uint64, ag Agent, err error) {
	if err != nil {
		if a.agentCurrent(gen) {
			a.inbox.started(nil, err)
		}
		return
	}
	if !a.isAgent(ag) {
		return
	}
	a.inbox.started(ag, nil)
	if len(a.Invitation) > 0 && a.inbox.connect(string(a.Invitation)) {
		a.Invitation = nil // used once, and only once Connect really had it
	}
}

// takeAgent makes ag the running agent if no lock or close came after the
// start of generation gen; closed is closed once ag has closed.
func (a *App) takeAgent(gen uint64, ag Agent, closed chan struct{}) bool {
	a.agentMu.Lock()
	defer a.agentMu.Unlock()
	if a.agentGen != gen || a.agent != nil {
		return false
	}
	a.agent, a.agentDone, a.agentClosed = ag, make(chan struct{}), closed
	go a.watchAgent(ag, a.agentDone)
	return true
}

// agentCurrent reports whether no lock, close or other start came after
// the start of generation gen.
func (a *App) agentCurrent(gen uint64) bool {
	a.agentMu.Lock()
	defer a.agentMu.Unlock()
	return a.agentGen == gen
}

// isAgent reports whether ag is the running agent.
func (a *App) isAgent(ag Agent) bool {
	a.agentMu.Lock()
	defer a.agentMu.Unlock()
	return ag != nil && a.agent == ag
}

// closeAgent closes an agent, logging what failed.
func (a *App) closeAgent(ag Agent) {
	if err := ag.Close(); err != nil {
		fyne.LogError("stop the agent", err)
	}
}

// agentChanged is the agent's change notification: it runs on the agent's
// goroutines, so it only marks the inbox for a reload.
func (a *App) agentChanged() {
	select {
	case a.changes <- struct{}{}:
	default:
	}
}

// watchAgent reloads the inbox whenever the agent reports a change, until
// done is closed (the agent stops).
func (a *App) watchAgent(ag Agent, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-a.changes:
			a.background(func() { a.inbox.load(ag) })
		}
	}
}

// stopAgent stops the agent: the lock stops it (the agent holds the
// wallet's key manager, which must not outlive the keys, and a locked
// wallet answers nobody) and so does the window's close. The agent leaves
// the App at once and closes off the UI goroutine (a server's shutdown can
// take seconds); closeVault waits for that before it closes the wallet, and
// the next start waits for it before listening at the same address. A
// start still under way gives its agent up. The agent starts again on
// unlock (offers sent meanwhile wait at a mediator, if one is used).
func (a *App) stopAgent() {
	a.agentMu.Lock()
	a.agentGen++
	ag, done, closed := a.agent, a.agentDone, a.agentClosed
	a.agent, a.agentDone, a.agentClosed = nil, nil, nil
	a.agentMu.Unlock()
	if a.inbox != nil && a.StartAgent != nil {
		a.inbox.stopped() // also when a start is under way: it gives up
	}
	if ag == nil {
		return
	}
	close(done)
	a.goTracked(func() {
		a.closeAgent(ag)
		close(closed)
	})
}

// InboxScreen is where credentials offered over DIDComm arrive: paste an
// issuer's or verifier's invitation (or open its QR image) to connect,
// see the connections, and accept or decline each offer. Verifiers' presentation
// requests arrive here too: each shows who asks, what, and which of the
// learner's credentials match; the learner reviews and shares, or
// declines (inbox_requests.go).
type InboxScreen struct {
	app   *App
	vault Vault
	agent Agent

	invitation  *widget.Entry
	connectB    *widget.Button
	openQRB     *widget.Button
	status      *widget.Label
	result      *widget.Label
	connections *widget.Label
	endpoint    *widget.Label
	offerBox    *fyne.Container
	content     fyne.CanvasObject

	offers []agent.Offer
	rows   []*OfferRow

	req requestsPart // the presentation requests
}

// OfferRow is one offer as the inbox shows it; a pending offer has Accept
// and Decline buttons.
type OfferRow struct {
	Offer   agent.Offer
	label   *widget.Label
	accept  *widget.Button
	decline *widget.Button
}

// Text returns the row's text.
func (r *OfferRow) Text() string { return r.label.Text }

// AcceptButton returns the row's Accept button (nil unless the offer is
// pending).
func (r *OfferRow) AcceptButton() *widget.Button { return r.accept }

// DeclineButton returns the row's Decline button (nil unless the offer is
// pending).
func (r *OfferRow) DeclineButton() *widget.Button { return r.decline }

func newInboxScreen(a *App, v Vault) *InboxScreen {
	s := &InboxScreen{app: a, vault: v}
	s.invitation = widget.NewMultiLineEntry()
	s.invitation.SetPlaceHolder(lang.L("Paste the invitation link or text an issuer or verifier gave you"))
	s.invitation.Wrapping = fyne.TextWrapBreak
	s.invitation.SetMinRowsVisible(3)
	s.connectB = widget.NewButton(lang.L("Connect"), s.onConnect)
	s.connectB.Importance = widget.HighImportance
	s.openQRB = widget.NewButton(lang.L("Open QR image…"), s.onOpenQRDialog)
	s.status = wrapped("")
	s.result = wrapped("")
	s.result.TextStyle = fyne.TextStyle{Bold: true}
	s.result.Hide() // until an offer was answered
	s.connections = wrapped("")
	s.endpoint = wrapped("")
	s.offerBox = container.NewVBox()
	if a.StartAgent == nil {
		s.status.SetText(lang.L("No DIDComm agent runs in this window: offers cannot arrive."))
		s.connectB.Disable()
		s.openQRB.Disable()
	}
	s.newRequestsPart()
	main := container.NewVScroll(container.NewVBox(
		bold(lang.L("Connect to an issuer or verifier")),
		s.invitation,
		container.NewHBox(s.connectB, s.openQRB),
		s.status,
		widget.NewSeparator(),
		bold(lang.L("Offers")),
		s.result,
		s.offerBox,
		widget.NewSeparator(),
		bold(lang.L("Requests")),
		s.req.view,
		widget.NewSeparator(),
		bold(lang.L("Connections")),
		s.connections,
		s.endpoint,
	))
	s.req.mainView = main
	s.req.stage = container.NewStack(main)
	s.content = s.req.stage
	s.showOffers(nil)
	s.showRequests(nil, nil)
	s.connections.SetText(lang.L("No connection yet."))
	return s
}

// starting says the agent is on its way.
func (s *InboxScreen) starting() {
	s.status.SetText(lang.L("Starting your DIDComm agent…"))
	s.connectB.Disable()
	s.openQRB.Disable()
}

// stopped forgets the agent, stopped while the wallet is locked. What an
// answer under way was saying leaves with it: the agent's own answer is
// not shown (the offers show where each stands once it runs again).
func (s *InboxScreen) stopped() {
	s.agent = nil
	s.result.Hide()
	for _, row := range s.rows { // the agent that listed them is gone
		if row.accept != nil {
			row.accept.Disable()
			row.decline.Disable()
		}
	}
	s.connectB.Disable()
	s.openQRB.Disable()
	s.endpoint.SetText("")
	s.status.SetText(lang.L("Your DIDComm agent stopped while the wallet is locked; it starts again when you unlock."))
	// A request under review or being declined was the old agent's: back
	// to the list, which the new agent fills again.
	p := &s.req
	p.reviewing, p.declining = agent.Request{}, agent.Request{}
	p.shareBusy.Stop()
	p.shareBusy.Hide()
	p.consent.SetText("")
	s.showView(p.mainView)
}

// started takes the agent (or says why it did not start).
func (s *InboxScreen) started(ag Agent, err error) {
	if err != nil {
		s.status.SetText(lang.L("Your DIDComm agent did not start, so offers cannot arrive: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.agent = ag
	s.connectB.Enable()
	s.openQRB.Enable()
	s.status.SetText("")
	s.endpoint.SetText(lang.L("Issuers and verifiers reach this wallet at {{.URL}} while the app is open.", map[string]any{"URL": ag.Endpoint()}))
	s.reload()
}

// say shows what became of the last offer answered.
func (s *InboxScreen) say(text string) {
	s.result.SetText(text)
	s.result.Show()
}

// Status returns the message under the connect button.
func (s *InboxScreen) Status() string { return s.status.Text }

// Result returns what became of the last offer accepted or declined, in
// plain words.
func (s *InboxScreen) Result() string { return s.result.Text }

// Connections returns the connection list as shown.
func (s *InboxScreen) Connections() string { return s.connections.Text }

// Rows returns the offers as shown, newest first.
func (s *InboxScreen) Rows() []*OfferRow { return s.rows }

// Invitation returns the invitation entry (tests type into it).
func (s *InboxScreen) Invitation() *widget.Entry { return s.invitation }

// ConnectButton returns the Connect button.
func (s *InboxScreen) ConnectButton() *widget.Button { return s.connectB }

// reload reads the connections and offers off the UI goroutine.
func (s *InboxScreen) reload() {
	ag := s.agent
	if ag == nil {
		return
	}
	s.app.background(func() { s.load(ag) })
}

// load reads the agent and shows what it read; it runs as a background job.
func (s *InboxScreen) load(ag Agent) {
	conns, cerr := ag.Connections()
	offers, oerr := ag.Offers()
	reqs, rerr := readRequests(ag, s.req.picks)
	if errors.Is(cerr, wallet.ErrLocked) || errors.Is(oerr, wallet.ErrLocked) || errors.Is(rerr, wallet.ErrLocked) {
		return // the inbox is read again when the wallet is unlocked and the tab shown
	}
	fyne.Do(func() {
		if !s.current(ag) {
			return // stopped meanwhile: what a closing agent read is not shown
		}
		s.showRequests(reqs, rerr)
		if cerr != nil {
			s.connections.SetText(lang.L("Could not read the connections: {{.Err}}", map[string]any{"Err": cerr.Error()}))
		} else {
			s.showConnections(conns)
		}
		if oerr != nil {
			s.status.SetText(lang.L("Could not read the offers: {{.Err}}", map[string]any{"Err": oerr.Error()}))
			return
		}
		s.showOffers(offers)
	})
}

func (s *InboxScreen) showConnections(conns []agent.Connection) {
	if len(conns) == 0 {
		s.connections.SetText(lang.L("No connection yet."))
		return
	}
	var lines []string
	for _, c := range conns {
		name := c.TheirLabel
		if name == "" {
			name = c.TheirDID
		}
		state := lang.L("connected")
		if c.State != "completed" {
			state = lang.L("connecting ({{.State}})", map[string]any{"State": c.State})
		}
		lines = append(lines, "• "+name+" — "+state)
	}
	s.connections.SetText(strings.Join(lines, "\n"))
}

// showOffers lists the offers, newest first: pending ones with Accept and
// Decline.
func (s *InboxScreen) showOffers(offers []agent.Offer) {
	s.offers = offers
	s.rows = s.rows[:0]
	s.offerBox.RemoveAll()
	if len(offers) == 0 {
		s.offerBox.Add(wrapped(lang.L("No offers yet. Connect to an issuer: their offers appear here.")))
		return
	}
	for i := len(offers) - 1; i >= 0; i-- {
		o := offers[i]
		row := &OfferRow{Offer: o, label: wrapped(OfferText(o))}
		s.rows = append(s.rows, row)
		if o.State != agent.OfferPending {
			s.offerBox.Add(row.label)
			continue
		}
		row.accept = widget.NewButton(lang.L("Accept"), func() { s.onAccept(row) })
		row.accept.Importance = widget.HighImportance
		row.decline = widget.NewButton(lang.L("Decline"), func() { s.onDecline(row) })
		s.offerBox.Add(container.NewBorder(nil, nil, nil, container.NewHBox(row.accept, row.decline), row.label))
	}
}

// OfferText is an offer in plain words: what, from whom, and where it
// stands.
func OfferText(o agent.Offer) string {
	name := o.Name
	if name == "" {
		name = o.Achievement
	}
	if name == "" {
		name = lang.L("A credential")
	}
	from := o.From
	if from == "" {
		from = o.IssuerName
	}
	if from == "" {
		from = o.Issuer
	}
	text := lang.L("{{.Name}} from {{.From}}: {{.State}}", map[string]any{"Name": name, "From": from, "State": offerState(o)})
	if o.Comment != "" {
		text += "\n“" + o.Comment + "”"
	}
	return text
}

// offerState says where an offer stands.
func offerState(o agent.Offer) string {
	switch o.State {
	case agent.OfferPending:
		return lang.L("waiting for your answer")
	case agent.OfferAccepted:
		return lang.L("accepted, waiting for the credential")
	case agent.OfferStored:
		return lang.L("stored in your wallet")
	case agent.OfferDeclined:
		return lang.L("declined")
	case agent.OfferRejected:
		return lang.L("refused: {{.Reason}}", map[string]any{"Reason": o.Problem})
	case agent.OfferWithdrawn:
		return lang.L("withdrawn by the issuer: {{.Reason}}", map[string]any{"Reason": o.Problem})
	case agent.OfferFailed:
		return lang.L("failed: {{.Reason}}", map[string]any{"Reason": o.Problem})
	}
	return string(o.State)
}

func (s *InboxScreen) onConnect() { s.Connect(s.invitation.Text) }

// Connect connects to the issuer or verifier of invitation (a link, the
// invitation JSON, or a QR image's bytes) off the UI goroutine.
func (s *InboxScreen) Connect(invitation string) { s.connect(invitation) }

// current reports whether ag, the agent an answer under way used, is still
// the inbox's agent: a lock stops it, and what it answers afterwards must
// not undo the stopped state (nor re-enable the buttons).
func (s *InboxScreen) current(ag Agent) bool { return ag != nil && s.agent == ag }

// connect is Connect, reporting whether it asked the agent to connect.
func (s *InboxScreen) connect(invitation string) bool {
	s.app.touch()
	ag := s.agent
	if ag == nil {
		return false
	}
	if strings.TrimSpace(invitation) == "" {
		s.status.SetText(lang.L("Paste an invitation first, or open its QR image."))
		return false
	}
	s.connectB.Disable()
	s.openQRB.Disable()
	s.status.SetText(lang.L("Connecting…"))
	s.app.background(func() {
		_, err := ag.Connect(context.Background(), []byte(invitation))
		fyne.Do(func() {
			if !s.current(ag) {
				return // locked meanwhile: the inbox says the agent stopped
			}
			s.connectB.Enable()
			s.openQRB.Enable()
			if err != nil {
				s.status.SetText(connectFailure(err))
				return
			}
			s.invitation.SetText("")
			s.status.SetText(lang.L("Connected. Their offers and requests will appear below."))
		})
		s.load(ag)
	})
	return true
}

// connectFailure words a failed connection.
func connectFailure(err error) string {
	switch {
	case errors.Is(err, agent.ErrInvalidInvitation):
		return lang.L("This is not an invitation Skillpass can use: {{.Err}}", map[string]any{"Err": err.Error()})
	case errors.Is(err, agent.ErrTimeout):
		return lang.L("The issuer or verifier did not answer in time. Check that their service is running and try again.")
	case errors.Is(err, wallet.ErrLocked):
		return lang.L("The wallet is locked. Unlock it and try again.")
	}
	return lang.L("Could not connect: {{.Err}}", map[string]any{"Err": err.Error()})
}

func (s *InboxScreen) onOpenQRDialog() {
	s.app.touch()
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close()
		s.ConnectFile(path)
	}, s.app.window)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".txt", ".json"}))
	d.Show()
}

// maxInvitationFile bounds an invitation file (a QR image or text).
const maxInvitationFile = 8 << 20

// ConnectFile connects with the invitation in a file: a QR image of it, or
// its text.
func (s *InboxScreen) ConnectFile(path string) {
	fi, err := os.Stat(path)
	if err == nil && fi.Size() > maxInvitationFile {
		err = fmt.Errorf("the file is larger than %d MB", maxInvitationFile>>20)
	}
	var data []byte
	if err == nil {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		s.status.SetText(lang.L("Could not read the file: {{.Err}}", map[string]any{"Err": err.Error()}))
		return
	}
	s.Connect(string(data))
}

// onAccept accepts an offer off the UI goroutine and says what became of
// it: stored and verified, or refused with the reason.
func (s *InboxScreen) onAccept(row *OfferRow) {
	s.app.touch()
	ag, id := s.agent, row.Offer.ID
	if ag == nil {
		return // stopped: the offers are listed again when it runs
	}
	row.accept.Disable()
	row.decline.Disable()
	s.say(lang.L("Accepting {{.Name}}: asking the issuer for the credential…", map[string]any{"Name": offerName(row.Offer)}))
	s.app.background(func() {
		off, err := ag.Accept(context.Background(), id)
		text := s.acceptResult(row.Offer, off, err)
		fyne.Do(func() {
			if !s.current(ag) {
				return // locked meanwhile: the credentials are read again on unlock
			}
			s.say(text)
			if s.app.credentials != nil {
				s.app.credentials.refresh()
			}
			if s.app.home != nil {
				s.app.home.refresh()
			}
		})
		s.load(ag)
	})
}

// acceptResult words what Accept did, in plain words.
func (s *InboxScreen) acceptResult(asked agent.Offer, off *agent.Offer, err error) string {
	name := offerName(asked)
	if err == nil && off != nil && off.State == agent.OfferStored {
		verdict := lang.L("verified")
		if rec, gerr := s.vault.Get(off.CredentialID); gerr == nil {
			verdict = lang.L(rec.Summary.Verdict())
		}
		return lang.L("{{.Name}} is in your wallet: {{.Verdict}}.", map[string]any{"Name": name, "Verdict": verdict})
	}
	problem := ""
	if off != nil {
		problem = off.Problem
	}
	switch {
	case errors.Is(err, agent.ErrRejected) || (off != nil && off.State == agent.OfferRejected):
		if problem == "" && err != nil {
			problem = err.Error()
		}
		return lang.L("{{.Name}} was refused and not stored: {{.Reason}}", map[string]any{"Name": name, "Reason": problem})
	case errors.Is(err, agent.ErrWithdrawn):
		return lang.L("The issuer ended the exchange for {{.Name}}: {{.Reason}}", map[string]any{"Name": name, "Reason": problem})
	case errors.Is(err, agent.ErrNotPending):
		return lang.L("{{.Name}} was already answered.", map[string]any{"Name": name})
	case errors.Is(err, agent.ErrTimeout):
		return lang.L("The issuer did not send {{.Name}} in time. It may still arrive; the inbox shows it when it does.", map[string]any{"Name": name})
	case err != nil:
		return lang.L("Could not accept {{.Name}}: {{.Err}}", map[string]any{"Name": name, "Err": err.Error()})
	}
	return OfferText(*off)
}

// offerName names an offer for a sentence.
func offerName(o agent.Offer) string {
	if o.Name != "" {
		return o.Name
	}
	if o.Achievement != "" {
		return o.Achievement
	}
	return lang.L("The credential")
}

// onDecline declines an offer off the UI goroutine; the issuer is told.
func (s *InboxScreen) onDecline(row *OfferRow) {
	s.app.touch()
	ag, id := s.agent, row.Offer.ID
	if ag == nil {
		return
	}
	row.accept.Disable()
	row.decline.Disable()
	s.app.background(func() {
		err := ag.Decline(context.Background(), id, "declined by the learner")
		fyne.Do(func() {
			if !s.current(ag) {
				return // locked meanwhile
			}
			if err != nil {
				s.say(lang.L("Could not decline {{.Name}}: {{.Err}}", map[string]any{"Name": offerName(row.Offer), "Err": err.Error()}))
				return
			}
			s.say(lang.L("{{.Name}} declined; the issuer was told.", map[string]any{"Name": offerName(row.Offer)}))
		})
		s.load(ag)
	})
}
