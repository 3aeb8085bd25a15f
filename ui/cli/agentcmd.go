package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"text/tabwriter"

	arieslog "github.com/hyperledger/aries-framework-go/pkg/common/log"
	spilog "github.com/hyperledger/aries-framework-go/spi/log"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control"
	"github.com/skillpass/skillpass/wallet/framework"
)

// cmdAgent runs the wallet's DIDComm agent in the foreground and serves the
// control socket until SIGINT or SIGTERM.
func cmdAgent(o *opts, env Env) error {
	if err := noArgs("agent", o); err != nil {
		return err
	}
	if c, st, err := control.Dial(ctx(), o.walletDir()); err == nil && c != nil {
		return &hinted{err: fmt.Errorf(msgAgentRunning, o.walletDir(), st.PID), hint: msgAgentRunningHint}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	// From here on Ctrl-C stops the agent cleanly (socket removed, wallet closed).
	stop, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	arieslog.SetLevel("", spilog.ERROR) // aries logs every protocol step otherwise
	// The endpoint is the first line on stdout: offers that arrive while
	// the agent starts are counted after it.
	out := &offerPrinter{w: env.Stdout}
	a, err := agent.New(w, agent.Options{
		Listen: o.listen, Endpoint: o.endpoint,
		OnOffer: out.offer, OnRequest: out.request, OnPickup: out.pickup,
	})
	if err != nil {
		if errors.Is(err, agent.ErrPortTaken) {
			return &hinted{err: err, hint: msgPortTakenHint}
		}
		return err
	}
	defer a.Close()
	srv, err := control.Listen(w, a, control.Options{
		Logf: func(format string, args ...any) { fmt.Fprintf(env.Stderr, format+"\n", args...) },
	})
	if err != nil {
		if errors.Is(err, control.ErrUnsafeDir) {
			return &hinted{err: err, hint: fmt.Sprintf(msgUnsafeDirHint, w.Dir())}
		}
		return err
	}
	defer srv.Close()
	out.start(func(w io.Writer) {
		fmt.Fprintln(w, a.Endpoint())
		fmt.Fprintf(w, msgAgentStarted, o.walletDir(), a.Addr(), srv.Path())
		if waiting, err := a.Inbox(); err == nil && len(waiting) > 0 {
			fmt.Fprintf(w, msgAgentWaiting, len(waiting))
		}
	})
	<-stop.Done()
	cancel()
	if err := srv.Close(); err != nil {
		return err
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("stop the agent: %w", err)
	}
	out.print(msgAgentStopped)
	return nil
}

// offerPrinter prints the offers that arrive while the agent runs. It
// never blocks the agent for long: until start, offers are only noted
// (start counts the inbox instead).
type offerPrinter struct {
	mu      sync.Mutex
	w       io.Writer
	started bool
	later   []string // lines noted before start
}

// offer is the agent's OnOffer.
func (p *offerPrinter) offer(off agent.Offer) {
	if off.State != agent.OfferPending {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		fmt.Fprintf(p.w, msgAgentOffer, off.ID, offerFrom(off), offerName(off), off.ID)
	}
}

// request is the agent's OnRequest: a verifier's request that waits.
func (p *offerPrinter) request(r agent.Request) {
	if r.State != agent.RequestPending {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		fmt.Fprintf(p.w, msgAgentRequest, r.ID, firstNonEmpty(r.From, "a verifier"), firstNonEmpty(r.Name, r.Purpose, "a presentation"), r.ID)
	}
}

// pickup is the agent's OnPickup: what the mediator held at start.
func (p *offerPrinter) pickup(n int, err error) {
	var line string
	switch {
	case err != nil:
		line = fmt.Sprintf(msgAgentPickupFailed, err)
	case n > 0:
		line = fmt.Sprintf(msgAgentPickedUp, n)
	default:
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.started {
		p.later = append(p.later, line) // the endpoint stays the first line
		return
	}
	fmt.Fprint(p.w, line)
}

// start prints the header and lets later offers through.
func (p *offerPrinter) start(header func(io.Writer)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	header(p.w)
	for _, line := range p.later {
		fmt.Fprint(p.w, line)
	}
	p.later = nil
	p.started = true
}

func (p *offerPrinter) print(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, s)
}

func offerFrom(off agent.Offer) string {
	return firstNonEmpty(off.From, off.IssuerName, off.Issuer, "an unnamed issuer")
}

func offerName(off agent.Offer) string {
	return firstNonEmpty(off.Name, off.Achievement, "a credential")
}

// agentClient returns a client of the agent that holds the wallet, or nil
// when none runs.
func agentClient(o *opts) (*control.Client, error) {
	c, _, err := control.Dial(ctx(), o.walletDir())
	if errors.Is(err, control.ErrNoServer) {
		return nil, nil
	}
	if err != nil {
		return nil, agentErr(err)
	}
	return c, nil
}

// needAgent is agentClient for the commands that only an agent can run.
func needAgent(cmd string, o *opts) (*control.Client, error) {
	if !wallet.Exists(o.walletDir()) {
		return nil, fmt.Errorf("open wallet in %s: %w", o.walletDir(), wallet.ErrNoWallet)
	}
	c, err := agentClient(o)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, &hinted{err: fmt.Errorf(msgNeedAgent, cmd, o.walletDir()), hint: msgNeedAgentHint}
	}
	return c, nil
}

// viaAgent runs remote when an agent holds the wallet, else local.
func viaAgent(o *opts, env Env, remote func(*control.Client, *opts, Env) error, local func(*opts, Env) error) error {
	c, err := agentClient(o)
	if err != nil {
		return err
	}
	if c == nil {
		return local(o, env)
	}
	return remote(c, o, env)
}

// agentErr adds the hint that fits an error of the agent or its socket.
func agentErr(err error) error {
	hint := ""
	switch {
	case errors.Is(err, agent.ErrInvalidInvitation):
		hint = msgInvitationHint
	case errors.Is(err, agent.ErrTimeout):
		hint = msgAgentTimeoutHint
	case errors.Is(err, agent.ErrNoOffer), errors.Is(err, agent.ErrAmbiguous):
		hint = msgNoOfferHint
	case errors.Is(err, agent.ErrNotPending):
		hint = msgNotPendingHint
	case errors.Is(err, agent.ErrRejected):
		return &refusedError{&hinted{err: err, hint: msgRejectedHint}}
	case errors.Is(err, agent.ErrWithdrawn):
		return &refusedError{err}
	case errors.Is(err, control.ErrVersion):
		hint = msgAgentVersionHint
	case errors.Is(err, control.ErrNotSocket), errors.Is(err, control.ErrUnsafeDir):
		hint = msgSocketHint
	}
	if hint == "" {
		return err
	}
	return &hinted{err: err, hint: hint}
}

func cmdConnect(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgConnectUsage, hint: msgInvitationHint}
	}
	data, err := invitationInput(o.args[0], env.Stdin)
	if err != nil {
		return err
	}
	if _, err := agent.ParseInvitation(data); err != nil {
		return agentErr(err) // say what is wrong before asking for the agent
	}
	c, err := needAgent("connect", o)
	if err != nil {
		return err
	}
	id, err := c.Connect(ctx(), data)
	if err != nil {
		return agentErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, map[string]string{"connectionId": id})
	}
	fmt.Fprintln(env.Stdout, id)
	return nil
}

// invitationInput reads an invitation argument: "-" for standard input, a
// file (a QR code PNG, or text), or else the link or JSON itself.
func invitationInput(arg string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	switch st, err := os.Stat(arg); {
	case arg == "-":
		r = stdin
	case err == nil && st.Mode().IsRegular():
		f, err := os.Open(arg)
		if err != nil {
			return nil, fmt.Errorf(msgReadFile, arg, err)
		}
		defer f.Close()
		r = f
	default:
		return []byte(arg), nil
	}
	data, err := io.ReadAll(io.LimitReader(r, agent.MaxInvitationBytes+1))
	if err != nil {
		return nil, fmt.Errorf(msgReadFile, arg, err)
	}
	if len(data) > agent.MaxInvitationBytes {
		return nil, &hinted{err: fmt.Errorf("%s is larger than %d MiB: %w", arg, agent.MaxInvitationBytes>>20, agent.ErrInvalidInvitation), hint: msgInvitationHint}
	}
	return data, nil
}

func cmdConnections(o *opts, env Env) error {
	if err := noArgs("connections", o); err != nil {
		return err
	}
	c, err := needAgent("connections", o)
	if err != nil {
		return err
	}
	list, err := c.Connections(ctx())
	if err != nil {
		return agentErr(err)
	}
	if o.json {
		if list == nil {
			list = []agent.Connection{}
		}
		return writeJSON(env.Stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprint(env.Stdout, msgNoConnections)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tWITH\tTHEIR DID")
	for _, k := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.ID, k.State, clip(firstNonEmpty(k.TheirLabel, "-"), 32), clip(k.TheirDID, 48))
	}
	return tw.Flush()
}

func cmdInbox(o *opts, env Env) error {
	if err := noArgs("inbox", o); err != nil {
		return err
	}
	c, err := needAgent("inbox", o)
	if err != nil {
		return err
	}
	list, err := c.Inbox(ctx())
	if err != nil {
		return agentErr(err)
	}
	if o.json {
		if list == nil {
			list = []agent.Offer{}
		}
		return writeJSON(env.Stdout, list)
	}
	if len(list) == 0 {
		fmt.Fprint(env.Stdout, msgInboxEmpty)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFROM\tCREDENTIAL\tRECEIVED")
	for _, off := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", off.ID, clip(offerFrom(off), 32), clip(offerName(off), 40), off.Received.Local().Format("2006-01-02 15:04"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, msgInboxHint)
	return nil
}

func cmdAccept(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedOfferID, "accept"), hint: msgNoOfferHint}
	}
	c, err := needAgent("accept", o)
	if err != nil {
		return err
	}
	off, err := c.Accept(ctx(), o.args[0])
	if err != nil {
		if off != nil && off.Problem != "" && !o.json {
			fmt.Fprintf(env.Stdout, msgAcceptProblem, off.ID, off.State, off.Problem)
		}
		return agentErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, off)
	}
	verdict := string(off.State)
	if list, err := c.List(ctx()); err == nil {
		for _, s := range list {
			if s.ID == off.CredentialID {
				verdict = s.Verdict()
			}
		}
	}
	fmt.Fprintf(env.Stdout, msgAccepted, off.CredentialID, offerName(*off), offerFrom(*off), verdict)
	return nil
}

func cmdDecline(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedOfferID, "decline"), hint: msgNoOfferHint}
	}
	c, err := needAgent("decline", o)
	if err != nil {
		return err
	}
	if err := c.Decline(ctx(), o.args[0], o.reason); err != nil {
		return agentErr(err)
	}
	fmt.Fprintf(env.Stdout, msgDeclined, o.args[0])
	return nil
}

// agentList is list through the agent.
func agentList(c *control.Client, o *opts, env Env) error {
	if err := noArgs("list", o); err != nil {
		return err
	}
	list, err := c.List(ctx())
	if err != nil {
		return agentErr(err)
	}
	return printList(env.Stdout, list, o.json)
}

// agentPassport is passport through the agent.
func agentPassport(c *control.Client, o *opts, env Env) error {
	if err := noArgs("passport", o); err != nil {
		return err
	}
	req := control.PassportRequest{Now: env.Now()}
	if o.role != "" && !isRoleFile(o.role) {
		req.RoleCode = o.role
	} else if o.role != "" {
		b, err := os.ReadFile(o.role)
		if err != nil {
			return fmt.Errorf(msgReadFile, o.role, err)
		}
		if _, err := passport.ParseRole(bytes.NewReader(b)); err != nil {
			return &hinted{err: fmt.Errorf("%s: %w", o.role, err), hint: msgRoleHint}
		}
		req.Role = b
	}
	raw, err := c.Passport(ctx(), req)
	if err != nil {
		if req.RoleCode != "" && (errors.Is(err, wallet.ErrNoFramework) || errors.Is(err, framework.ErrNoRole) || errors.Is(err, framework.ErrAmbiguousRole)) {
			return roleError(req.RoleCode, err)
		}
		return agentErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, raw)
	}
	var view passport.View
	if err := json.Unmarshal(raw, &view); err != nil {
		return fmt.Errorf("the agent's passport: %w", err)
	}
	printPassport(env.Stdout, view)
	return nil
}

// agentShow is show through the agent.
func agentShow(c *control.Client, o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgNeedID, hint: msgNeedIDHint}
	}
	rec, err := c.Show(ctx(), o.args[0])
	if err != nil {
		return agentErr(err)
	}
	return printRecord(env.Stdout, rec, o.json)
}
