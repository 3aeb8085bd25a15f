package cli

import (
	"errors"
	"fmt"
	"io"
	"sort"
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

// minIDPrefix is the shortest prefix the agent takes for an id.
const minIDPrefix = 4

// shareLine is one credential a share would disclose.
type shareLine struct {
	m       agent.Match
	whole   bool
	claims  []string
	answers []string // descriptor names it answers
}

// sharePlan works out, from the request as the agent shows it, which
// credential answers each descriptor (the one chosen with --use, else the
// first usable match) and what of it is shown. The agent decides for
// itself when it shares; with submission rules (r.Rules) it may leave
// optional descriptors out. ok is false when the plan cannot be worked
// out here; Share then says why.
func sharePlan(r *agent.Request, sel map[string]string) ([]shareLine, bool) {
	known := map[string]bool{}
	for _, d := range r.Descriptors {
		known[d.ID] = true
	}
	for id := range sel {
		if !known[id] {
			return nil, false
		}
	}
	idx := map[string]int{}
	var lines []shareLine
	for _, d := range r.Descriptors {
		var pick *agent.Match
		if want := sel[d.ID]; want != "" {
			for i := range d.Matches {
				id := d.Matches[i].CredentialID
				if id == want || (len(want) >= minIDPrefix && strings.HasPrefix(id, want)) {
					if pick != nil {
						return nil, false
					}
					pick = &d.Matches[i]
				}
			}
		} else {
			for i := range d.Matches {
				if d.Matches[i].Problem == "" {
					pick = &d.Matches[i]
					break
				}
			}
		}
		if pick == nil || pick.Problem != "" {
			if len(r.Rules) > 0 && sel[d.ID] == "" {
				continue // a rule may leave it out
			}
			return nil, false
		}
		i, seen := idx[pick.CredentialID]
		if !seen {
			i = len(lines)
			idx[pick.CredentialID] = i
			lines = append(lines, shareLine{m: *pick})
		}
		l := &lines[i]
		l.answers = append(l.answers, firstNonEmpty(d.Name, d.ID))
		if !pick.Selective || len(pick.Claims) == 0 {
			l.whole = true
		}
		for _, c := range pick.Claims {
			if !containsString(l.claims, c) {
				l.claims = append(l.claims, c)
			}
		}
	}
	for i := range lines {
		sort.Strings(lines[i].claims)
	}
	return lines, len(lines) > 0
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cmdShare(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: fmt.Sprintf(msgNeedRequestID, "share"), hint: msgShareUsageHint}
	}
	c, err := needAgent("share", o)
	if err != nil {
		return err
	}
	r, err := c.Request(ctx(), o.args[0])
	if err != nil {
		return requestErr(err)
	}
	if r.State == agent.RequestPending && !o.json {
		if lines, ok := sharePlan(r, o.use); ok {
			printShareConsent(env.Stdout, r, lines)
		}
	}
	shared, err := c.Share(ctx(), r.ID, agent.Selection(o.use))
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

// printShareConsent shows what a share discloses, to whom, as present's
// consent summary does.
func printShareConsent(out io.Writer, r *agent.Request, lines []shareLine) {
	fmt.Fprintf(out, msgShareHead, requestFrom(*r))
	if r.Domain != "" {
		fmt.Fprintf(out, msgRequestDomain, r.Domain)
	}
	if r.Challenge != "" {
		fmt.Fprintf(out, msgPresentChallenge, r.Challenge)
	}
	for _, l := range lines {
		head := msgPresentCred
		if !l.whole {
			head = msgPresentCredPart
		}
		fmt.Fprintf(out, head, l.m.CredentialID, l.m.Name, firstNonEmpty(l.m.IssuerName, l.m.IssuerID, "?"))
		if !l.whole {
			fmt.Fprintf(out, msgPresentClaims, strings.Join(l.claims, ", "))
		}
		fmt.Fprintf(out, msgShareFor, strings.Join(l.answers, ", "))
	}
	if len(r.Rules) > 0 {
		fmt.Fprint(out, msgShareRules)
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
