package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/skillpass/skillpass/wallet/agent"
)

// useFlag collects --use DESCRIPTOR=CREDENTIAL (repeatable).
type useFlag struct{ m *map[string]string }

func (f useFlag) String() string { return "" }

func (f useFlag) Set(v string) error {
	d, cred, ok := strings.Cut(v, "=")
	d, cred = strings.TrimSpace(d), strings.TrimSpace(cred)
	if !ok || d == "" || cred == "" {
		return fmt.Errorf(msgShareUseForm, v)
	}
	if *f.m == nil {
		*f.m = map[string]string{}
	}
	if prev, dup := (*f.m)[d]; dup && prev != cred {
		return fmt.Errorf(msgShareUseTwice, d)
	}
	(*f.m)[d] = cred
	return nil
}

// requestErr adds the hint that fits an error of the request commands.
func requestErr(err error) error {
	switch {
	case errors.Is(err, agent.ErrNoRequest), errors.Is(err, agent.ErrAmbiguous):
		return &hinted{err: err, hint: msgNoRequestHint}
	case errors.Is(err, agent.ErrRequestAnswered):
		return &hinted{err: err, hint: msgRequestAnsweredHint}
	case errors.Is(err, agent.ErrCannotAnswer):
		return &refusedError{&hinted{err: err, hint: msgCannotAnswerHint}}
	}
	return agentErr(err)
}

func requestFrom(r agent.Request) string {
	return firstNonEmpty(r.From, r.Domain, msgRequestUnnamed)
}

func requestWhat(r agent.Request) string {
	what := firstNonEmpty(r.Name, r.Purpose, r.Comment)
	if what == "" {
		var names []string
		for _, d := range r.Descriptors {
			names = append(names, firstNonEmpty(d.Name, d.ID))
		}
		what = strings.Join(names, ", ")
	}
	return firstNonEmpty(what, "-")
}

func cmdRequests(o *opts, env Env) error {
	if err := noArgs("requests", o); err != nil {
		return err
	}
	c, err := needAgent("requests", o)
	if err != nil {
		return err
	}
	list, err := c.Requests(ctx(), o.all)
	if err != nil {
		return requestErr(err)
	}
	if o.json {
		if list == nil {
			list = []agent.Request{}
		}
		return writeJSON(env.Stdout, list)
	}
	if len(list) == 0 {
		if o.all {
			fmt.Fprint(env.Stdout, msgRequestsNone)
		} else {
			fmt.Fprint(env.Stdout, msgRequestsEmpty)
		}
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
	if o.all {
		fmt.Fprintln(tw, "ID\tSTATE\tFROM\tASKS FOR\tRECEIVED")
	} else {
		fmt.Fprintln(tw, "ID\tFROM\tASKS FOR\tRECEIVED")
	}
	for _, r := range list {
		when := r.Received.Local().Format("2006-01-02 15:04")
		if o.all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.State, clip(requestFrom(r), 32), clip(requestWhat(r), 40), when)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, clip(requestFrom(r), 32), clip(requestWhat(r), 40), when)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !o.all {
		fmt.Fprint(env.Stdout, msgRequestsHint)
	}
	return nil
}

func cmdRequest(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedRequestID, "request"), hint: msgNoRequestHint}
	}
	c, err := needAgent("request", o)
	if err != nil {
		return err
	}
	r, err := c.Request(ctx(), o.args[0])
	if err != nil {
		return requestErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, r)
	}
	printRequest(env.Stdout, r)
	return nil
}

// printRequest says what a request asks, in plain words.
func printRequest(out io.Writer, r *agent.Request) {
	fmt.Fprintf(out, msgRequestHead, r.ID, requestFrom(*r), r.State, r.Received.Local().Format("2006-01-02 15:04"))
	if r.Comment != "" {
		fmt.Fprintf(out, msgRequestComment, r.Comment)
	}
	if r.Name != "" || r.Purpose != "" {
		fmt.Fprintf(out, msgRequestPurpose, firstNonEmpty(r.Name, "-"), firstNonEmpty(r.Purpose, "-"))
	}
	if r.Challenge != "" {
		fmt.Fprintf(out, msgRequestChallenge, r.Challenge)
	}
	if r.Domain != "" {
		fmt.Fprintf(out, msgRequestDomain, r.Domain)
	}
	for _, rule := range r.Rules {
		fmt.Fprintf(out, msgRequestRule, rule)
	}
	if r.Problem != "" {
		fmt.Fprintf(out, msgRequestProblem, r.Problem)
	}
	for _, d := range r.Descriptors {
		fmt.Fprintf(out, msgRequestDescriptor, d.ID, firstNonEmpty(d.Name, d.ID))
		if d.Purpose != "" {
			fmt.Fprintf(out, msgRequestWhy, d.Purpose)
		}
		for _, f := range d.Fields {
			fmt.Fprintf(out, msgRequestField, fieldWords(f))
		}
		switch d.LimitDisclosure {
		case "required":
			fmt.Fprint(out, msgRequestLimitRequired)
		case "preferred":
			fmt.Fprint(out, msgRequestLimitPreferred)
		default:
			fmt.Fprint(out, msgRequestLimitNone)
		}
		if d.Problem != "" {
			fmt.Fprintf(out, msgRequestDescProblem, d.Problem)
		}
		if len(d.Matches) == 0 {
			fmt.Fprint(out, msgRequestNoMatch)
		}
		for _, m := range d.Matches {
			fmt.Fprintf(out, msgRequestMatch, m.CredentialID, m.Name, firstNonEmpty(m.IssuerName, m.IssuerID, "?"), matchWords(m))
		}
	}
	if r.State == agent.RequestPending {
		fmt.Fprintf(out, msgRequestNext, shortID(r.ID), shortID(r.ID))
	}
}

// shortID is the first characters of an id, enough to name it.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// fieldWords describes a field constraint.
func fieldWords(f agent.Field) string {
	path := "?"
	if len(f.Path) > 0 {
		path = strings.TrimPrefix(strings.TrimPrefix(f.Path[0], "$."), "$")
	}
	s := path
	if f.Name != "" {
		s = f.Name + " (" + path + ")"
	}
	if f.Filter != "" {
		s += ", " + fmt.Sprintf(msgRequestFilter, clip(f.Filter, 80))
	}
	if f.Optional {
		s += ", " + msgRequestOptional
	}
	if f.Purpose != "" {
		s += ": " + f.Purpose
	}
	return s
}

// matchWords says whether a match is verified and how it would be shown.
func matchWords(m agent.Match) string {
	v := msgVerified
	if !m.Verified {
		v = msgNotVerified
	}
	switch {
	case m.Problem != "":
		return v + "; " + fmt.Sprintf(msgMatchCannot, m.Problem)
	case m.Selective:
		return v + "; " + fmt.Sprintf(msgMatchSelective, strings.Join(m.Claims, ", "))
	default:
		return v + "; " + msgMatchWhole
	}
}

func cmdShare(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedRequestID, "share"), hint: msgShareUsageHint}
	}
	c, err := needAgent("share", o)
	if err != nil {
		return err
	}
	sel := agent.Selection(o.use)
	id := o.args[0]
	if !o.json {
		// The agent's own plan, exactly what Share sends with the same
		// selection: shown first, and a share that cannot go ahead stops
		// here with Share's own error, nothing sent.
		pv, err := c.PreviewShare(ctx(), id, sel)
		if err != nil {
			return requestErr(err)
		}
		printShareConsent(env.Stdout, pv)
		id = pv.Request.ID
	}
	shared, err := c.Share(ctx(), id, sel)
	if err != nil {
		if shared != nil && shared.Problem != "" && !o.json {
			fmt.Fprintf(env.Stdout, msgShareProblem, shared.ID, shared.State, shared.Problem)
		}
		return requestErr(err)
	}
	if o.json {
		return writeJSON(env.Stdout, shared)
	}
	fmt.Fprintf(env.Stdout, msgShared, shared.PresentationID, requestFrom(*shared))
	return nil
}

// printShareConsent shows what a share discloses, to whom, as the agent
// previewed it (pv) and as present's consent summary does: the verifier,
// the learner's signing identity, the domain and challenge the
// presentation is bound to, and for each credential whether it is shown
// whole or derived, the names of its claims and other fields (never their
// values) and the parts of the request it answers; then the parts the
// verifier's rules let the agent leave out.
func printShareConsent(out io.Writer, pv *agent.SharePreview) {
	fmt.Fprintf(out, msgShareHead, requestFrom(pv.Request), pv.Preview.Holder)
	if pv.Preview.Domain != "" {
		fmt.Fprintf(out, msgRequestDomain, pv.Preview.Domain)
	}
	if pv.Preview.Challenge != "" {
		fmt.Fprintf(out, msgPresentChallenge, pv.Preview.Challenge)
	}
	answered := map[string]bool{}
	for i, c := range pv.Preview.Credentials {
		head := msgPresentCred
		if !c.Whole {
			head = msgPresentCredPart
		}
		fmt.Fprintf(out, head, c.ID, c.Name, firstNonEmpty(c.IssuerName, c.IssuerID, "?"))
		if len(c.Claims) > 0 {
			fmt.Fprintf(out, msgPresentClaims, strings.Join(c.Claims, ", "))
		}
		if len(c.Fields) > 0 {
			fmt.Fprintf(out, msgPresentFields, strings.Join(c.Fields, ", "))
		}
		if i < len(pv.Answers) && len(pv.Answers[i]) > 0 {
			fmt.Fprintf(out, msgShareFor, strings.Join(pv.Answers[i], ", "))
			for _, name := range pv.Answers[i] {
				answered[name] = true
			}
		}
	}
	var left []string
	for _, d := range pv.Request.Descriptors {
		if name := firstNonEmpty(d.Name, d.ID); !answered[name] {
			left = append(left, name)
		}
	}
	if len(left) > 0 {
		fmt.Fprintf(out, msgShareLeftOut, strings.Join(left, ", "))
	}
}

func cmdDeclineRequest(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedRequestID, "decline-request"), hint: msgNoRequestHint}
	}
	c, err := needAgent("decline-request", o)
	if err != nil {
		return err
	}
	if err := c.DeclineRequest(ctx(), o.args[0], o.reason); err != nil {
		return requestErr(err)
	}
	fmt.Fprintf(env.Stdout, msgDeclinedRequest, o.args[0])
	return nil
}
