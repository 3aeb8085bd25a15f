package ui

import (
	"context"
	"errors"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
)

// The inbox's "Requests" section: verifiers' present-proof requests as the
// agent keeps them. A pending request shows who asks, what each input
// descriptor asks for, and which of the learner's credentials match it (a
// choice where several do). "Review and share…" shows the consent view
// (what goes to whom, bound to the verifier's challenge) with Share and
// Back; "Decline…" shows the decline view with an optional reason.
// Answered requests show their outcome. What a share would send is the
// agent's to work out (Agent.PreviewShare, the plan Share runs): the
// screens only present it.

// requestsPart holds the widgets and state of the requests section and of
// its consent and decline views.
type requestsPart struct {
	view   *fyne.Container // the section in the inbox's main view
	result *widget.Label   // what became of the last request answered
	rows   []*RequestRow
	// picked keeps the learner's choices (request id -> descriptor id ->
	// credential id) across reloads; pickMu guards it (the reload reads it
	// off the UI goroutine).
	pickMu sync.Mutex
	picked map[string]map[string]string

	stage    *fyne.Container // the inbox's content: main, consent or decline view
	mainView fyne.CanvasObject

	// The consent view.
	consentView  fyne.CanvasObject
	consent      *widget.Label
	shareB       *widget.Button
	shareBackB   *widget.Button
	shareBusy    *widget.ProgressBarInfinite
	shareStatus  *widget.Label
	reviewing    agent.Request   // the request under review
	reviewingSel agent.Selection // the choices it is shared with: every descriptor answered, as reviewed
	reviewingFP  string          // the fingerprint of the plan reviewed (SharePreview.Fingerprint)

	// The decline view.
	declineView  fyne.CanvasObject
	declineHead  *widget.Label
	reason       *widget.Entry
	declineB     *widget.Button
	declineBackB *widget.Button
	declining    agent.Request
}

// RequestRow is one presentation request as the inbox shows it. A pending
// request that can be answered has a Review button; every pending request
// has a Decline button.
type RequestRow struct {
	// Request is the request as read, with the matches of each descriptor
	// when it is pending.
	Request agent.Request
	labels  []*widget.Label
	items   []fyne.CanvasObject       // the labels and choices, in the order shown
	selects map[string]*widget.Select // by descriptor id, where several credentials match
	// options maps each Select's option text to its credential id, by
	// descriptor id.
	options map[string]map[string]string
	review  *widget.Button
	decline *widget.Button
}

// Text returns the row's text as shown.
func (row *RequestRow) Text() string {
	var parts []string
	for _, l := range row.labels {
		parts = append(parts, l.Text)
	}
	return strings.Join(parts, "\n")
}

// ReviewButton returns the row's "Review and share…" button (nil unless
// the request is pending).
func (row *RequestRow) ReviewButton() *widget.Button { return row.review }

// DeclineButton returns the row's "Decline…" button (nil unless the
// request is pending).
func (row *RequestRow) DeclineButton() *widget.Button { return row.decline }

// Choice returns the choice of credential for input descriptor id (nil
// unless several of the learner's credentials can answer it).
func (row *RequestRow) Choice(id string) *widget.Select { return row.selects[id] }

// requestView is a request as read for the inbox: with its matches when
// pending, or the error that kept them from being read, and whether the
// agent can answer it as chosen (shareErr is its PreviewShare error).
type requestView struct {
	req      agent.Request
	err      error
	shareErr error
}

// readRequests reads every request the agent has, newest first, the
// pending ones with their matches and whether the agent can answer them
// with the learner's choices (picks); it runs off the UI goroutine.
func readRequests(ag Agent, picks func(id string) map[string]string) ([]requestView, error) {
	all, err := ag.AllRequests()
	if err != nil {
		return nil, err
	}
	out := make([]requestView, 0, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		v := requestView{req: all[i]}
		if v.req.State == agent.RequestPending {
			full, err := ag.Request(v.req.ID)
			if errors.Is(err, wallet.ErrLocked) {
				return nil, err
			}
			if err == nil {
				v.req = *full
				_, v.shareErr = ag.PreviewShare(full.ID, choiceSelection(*full, picks(full.ID)))
				if errors.Is(v.shareErr, wallet.ErrLocked) {
					return nil, v.shareErr
				}
			}
			v.err = err
		}
		out = append(out, v)
	}
	return out, nil
}

// picks returns a copy of the learner's choices for request id; safe off
// the UI goroutine.
func (p *requestsPart) picks(id string) map[string]string {
	p.pickMu.Lock()
	defer p.pickMu.Unlock()
	out := map[string]string{}
	for d, c := range p.picked[id] {
		out[d] = c
	}
	return out
}

// pick records the learner's choice of credential cred for descriptor d
// of request id.
func (p *requestsPart) pick(id, d, cred string) {
	p.pickMu.Lock()
	defer p.pickMu.Unlock()
	if p.picked[id] == nil {
		p.picked[id] = map[string]string{}
	}
	p.picked[id][d] = cred
}

// newRequestsPart makes the requests section and its views.
func (s *InboxScreen) newRequestsPart() {
	p := &s.req
	p.view = container.NewVBox()
	p.result = wrapped("")
	p.result.TextStyle = fyne.TextStyle{Bold: true}
	p.result.Hide()
	p.picked = map[string]map[string]string{}

	p.consent = wrapped("")
	p.shareB = widget.NewButton(lang.L("Share"), s.onShareRequest)
	p.shareB.Importance = widget.HighImportance
	p.shareBackB = widget.NewButton(lang.L("Back"), s.backToInbox)
	p.shareBusy = widget.NewProgressBarInfinite()
	p.shareBusy.Stop()
	p.shareBusy.Hide()
	p.shareStatus = wrapped("")
	p.consentView = container.NewBorder(
		bold(lang.L("Check what you share")),
		container.NewVBox(p.shareBusy, p.shareStatus, container.NewHBox(p.shareBackB, p.shareB)), nil, nil,
		container.NewVScroll(p.consent))

	p.declineHead = wrapped("")
	p.reason = widget.NewEntry()
	p.reason.SetPlaceHolder(lang.L("Reason for the verifier (optional)"))
	p.reason.OnSubmitted = func(string) { s.onDeclineRequest() } // Enter declines
	p.declineB = widget.NewButton(lang.L("Decline"), s.onDeclineRequest)
	p.declineB.Importance = widget.DangerImportance
	p.declineBackB = widget.NewButton(lang.L("Back"), s.backToInbox)
	p.declineView = container.NewBorder(
		bold(lang.L("Decline the request")),
		container.NewHBox(p.declineBackB, p.declineB), nil, nil,
		container.NewVBox(p.declineHead, p.reason))
}

// showView puts one of the inbox's views on screen.
func (s *InboxScreen) showView(view fyne.CanvasObject) {
	s.req.stage.Objects = []fyne.CanvasObject{view}
	s.req.stage.Refresh()
}

// backToInbox returns from the consent or decline view.
func (s *InboxScreen) backToInbox() {
	s.app.touch()
	s.showView(s.req.mainView)
}

// RequestRows returns the presentation requests as shown, newest first.
func (s *InboxScreen) RequestRows() []*RequestRow { return s.req.rows }

// RequestResult returns what became of the last request shared or
// declined, in plain words.
func (s *InboxScreen) RequestResult() string { return s.req.result.Text }

// RequestConsent returns the consent summary of the request under review.
func (s *InboxScreen) RequestConsent() string { return s.req.consent.Text }

// ShareRequestButton returns the consent view's Share button.
func (s *InboxScreen) ShareRequestButton() *widget.Button { return s.req.shareB }

// DeclineReason returns the decline view's reason entry.
func (s *InboxScreen) DeclineReason() *widget.Entry { return s.req.reason }

// DeclineRequestButton returns the decline view's Decline button.
func (s *InboxScreen) DeclineRequestButton() *widget.Button { return s.req.declineB }

// Showing reports which view the inbox shows: "inbox", "consent" or
// "decline".
func (s *InboxScreen) Showing() string {
	switch {
	case len(s.req.stage.Objects) == 1 && s.req.stage.Objects[0] == s.req.consentView:
		return "consent"
	case len(s.req.stage.Objects) == 1 && s.req.stage.Objects[0] == s.req.declineView:
		return "decline"
	}
	return "inbox"
}

// sayRequest shows what became of the last request answered.
func (s *InboxScreen) sayRequest(text string) {
	s.req.result.SetText(text)
	s.req.result.Show()
}

// showRequests lists the requests (newest first): pending ones with what
// they ask, the matching credentials and the buttons; answered ones with
// their outcome.
func (s *InboxScreen) showRequests(reqs []requestView, err error) {
	p := &s.req
	p.rows = nil // not reused: a caller may hold the last list
	p.view.RemoveAll()
	p.view.Add(p.result)
	if err != nil {
		p.view.Add(wrapped(lang.L("Could not read the requests: {{.Err}}", map[string]any{"Err": err.Error()})))
		return
	}
	if len(reqs) == 0 {
		p.view.Add(wrapped(lang.L("No requests yet. When a verifier you are connected to asks for credentials, the request appears here.")))
		return
	}
	pending := map[string]bool{}
	for _, v := range reqs {
		row := s.requestRow(v)
		p.rows = append(p.rows, row)
		box := container.NewVBox(row.items...)
		if row.decline != nil {
			buttons := container.NewHBox()
			if row.review != nil {
				buttons.Add(row.review)
			}
			buttons.Add(row.decline)
			box.Add(buttons)
			pending[row.Request.ID] = true
		}
		p.view.Add(box)
	}
	p.pickMu.Lock()
	for id := range p.picked {
		if !pending[id] {
			delete(p.picked, id)
		}
	}
	p.pickMu.Unlock()
}

// addLabel adds a label with text to the row.
func (row *RequestRow) addLabel(text string) {
	l := wrapped(text)
	row.labels = append(row.labels, l)
	row.items = append(row.items, l)
}

// requestRow builds the row of one request: its head; when pending, what
// each descriptor asks with the matching credentials (a choice under it
// where several match) and any closing note.
func (s *InboxScreen) requestRow(v requestView) *RequestRow {
	r := v.req
	row := &RequestRow{Request: r, selects: map[string]*widget.Select{}, options: map[string]map[string]string{}}
	row.addLabel(RequestText(r))
	if r.State != agent.RequestPending {
		return row
	}
	row.decline = widget.NewButton(lang.L("Decline…"), func() { s.onDeclineAsk(row) })
	if v.err != nil {
		row.addLabel(lang.L("Could not read what is asked: {{.Err}}", map[string]any{"Err": v.err.Error()}))
		return row
	}
	picked := s.req.picks(r.ID)
	for _, d := range r.Descriptors {
		row.addLabel(descriptorText(d))
		usable := usableMatches(d)
		if len(usable) < 2 {
			continue
		}
		opts := map[string]string{}
		var labels []string
		chosen := ""
		for _, m := range usable {
			text := matchText(m)
			for opts[text] != "" { // two credentials that read the same
				text += " "
			}
			opts[text] = m.CredentialID
			labels = append(labels, text)
			if picked[d.ID] == m.CredentialID {
				chosen = text
			}
		}
		id := d.ID
		sel := widget.NewSelect(labels, func(text string) {
			s.app.touch()
			if cred := opts[text]; cred != "" {
				s.req.pick(r.ID, id, cred)
			}
		})
		if chosen == "" {
			chosen = labels[0] // the agent's own first choice
		}
		sel.Selected = chosen // not SetSelected: that would count as the learner's pick
		row.selects[d.ID] = sel
		row.options[d.ID] = opts
		row.items = append(row.items, sel)
	}
	if len(r.Rules) > 0 {
		row.addLabel(lang.L("The verifier's rules: {{.List}}. Skillpass answers the items needed to meet them.", map[string]any{"List": strings.Join(r.Rules, "; ")}))
	}
	if !errors.Is(v.shareErr, agent.ErrCannotAnswer) { // other errors: Review says them
		row.review = widget.NewButton(lang.L("Review and share…"), func() { s.onReview(row) })
		row.review.Importance = widget.HighImportance
	} else {
		row.addLabel(lang.L("Nothing in your wallet can answer this request as the verifier asks, so it cannot be shared. You can decline it."))
	}
	return row
}

// RequestText is a request in plain words: who asks, for what, and where
// it stands.
func RequestText(r agent.Request) string {
	from := r.From
	if from == "" {
		from = r.Domain
	}
	if from == "" {
		from = lang.L("A verifier")
	}
	what := r.Name
	if what == "" {
		what = lang.L("your credentials")
	}
	text := lang.L("{{.From}} asks for {{.What}}: {{.State}}", map[string]any{"From": from, "What": what, "State": requestState(r)})
	if r.Purpose != "" {
		text += "\n" + lang.L("Why: {{.Purpose}}", map[string]any{"Purpose": r.Purpose})
	}
	if r.Comment != "" {
		text += "\n“" + r.Comment + "”"
	}
	return text
}

// requestState says where a request stands.
func requestState(r agent.Request) string {
	switch r.State {
	case agent.RequestPending:
		return lang.L("waiting for your answer")
	case agent.RequestShared:
		return lang.L("shared")
	case agent.RequestDeclined:
		if r.Problem != "" {
			return lang.L("declined ({{.Reason}})", map[string]any{"Reason": r.Problem})
		}
		return lang.L("declined")
	case agent.RequestWithdrawn:
		return lang.L("withdrawn: {{.Reason}}", map[string]any{"Reason": r.Problem})
	case agent.RequestFailed:
		return lang.L("failed: {{.Reason}}", map[string]any{"Reason": r.Problem})
	}
	return string(r.State)
}

// descriptorText says what one input descriptor asks for and which of the
// learner's credentials answer it (a choice of several shows below it).
func descriptorText(d agent.Descriptor) string {
	name := d.Name
	if name == "" {
		name = d.ID
	}
	lines := []string{"• " + name}
	if d.Purpose != "" {
		lines[0] += " — " + d.Purpose
	}
	var fields []string
	for _, f := range d.Fields {
		fields = append(fields, fieldText(f))
	}
	if len(fields) > 0 {
		lines = append(lines, "  "+lang.L("Fields asked: {{.List}}", map[string]any{"List": strings.Join(fields, "; ")}))
	}
	switch d.LimitDisclosure {
	case "required":
		lines = append(lines, "  "+lang.L("Only these fields may be shown."))
	case "preferred":
		lines = append(lines, "  "+lang.L("Only these fields, where your credential allows it."))
	}
	usable := usableMatches(d)
	switch {
	case len(d.Matches) == 0:
		lines = append(lines, "  "+lang.L("None of your credentials matches this."))
	case len(usable) == 1:
		lines = append(lines, "  "+lang.L("Your matching credential: {{.Cred}}", map[string]any{"Cred": matchText(usable[0])}))
	case len(usable) > 1:
		lines = append(lines, "  "+lang.L("{{.N}} of your credentials match; choose the one to share:", map[string]any{"N": len(usable)}))
	}
	for _, m := range d.Matches {
		if m.Problem != "" {
			lines = append(lines, "  "+lang.L("{{.Cred}} matches but cannot be used: {{.Reason}}", map[string]any{"Cred": matchText(m), "Reason": m.Problem}))
		}
	}
	if d.Problem != "" {
		lines = append(lines, "  "+d.Problem)
	}
	return strings.Join(lines, "\n")
}

// fieldText names a field asked for: the verifier's name for it, else
// its path; why, when the verifier says.
func fieldText(f agent.Field) string {
	name := f.Name
	if name == "" && len(f.Path) > 0 {
		name = strings.TrimPrefix(strings.TrimPrefix(f.Path[0], "$."), "$")
	}
	if f.Optional {
		name = lang.L("{{.Field}} (optional)", map[string]any{"Field": name})
	}
	if f.Purpose != "" {
		name += " (" + f.Purpose + ")"
	}
	return name
}

// matchText names one of the learner's credentials that answers a
// descriptor.
func matchText(m agent.Match) string {
	issuer := m.IssuerName
	if issuer == "" {
		issuer = m.IssuerID
	}
	text := lang.L("{{.Name}} — from {{.Issuer}}", map[string]any{"Name": m.Name, "Issuer": issuer})
	if !m.Verified {
		text = lang.L("{{.Cred}} (not verified)", map[string]any{"Cred": text})
	}
	return text
}

// usableMatches are the matches that can be shown as the verifier asks.
func usableMatches(d agent.Descriptor) []agent.Match {
	var out []agent.Match
	for _, m := range d.Matches {
		if m.Problem == "" {
			out = append(out, m)
		}
	}
	return out
}

// choiceSelection is the learner's picks (descriptor id -> credential id)
// that the agent should follow for request r: those of descriptors with a
// choice of credentials, where the pick is still among them. Nil when
// the agent's own first choices stand.
func choiceSelection(r agent.Request, picked map[string]string) agent.Selection {
	sel := agent.Selection{}
	for _, d := range r.Descriptors {
		usable := usableMatches(d)
		if len(usable) < 2 {
			continue
		}
		for _, m := range usable {
			if m.CredentialID == picked[d.ID] {
				sel[d.ID] = m.CredentialID
			}
		}
	}
	if len(sel) == 0 {
		return nil
	}
	return sel
}

// onReview asks the agent what sharing the request with the learner's
// choices would send (off the UI goroutine) and shows it in the consent
// view; Share then sends that plan and nothing else (see onShareRequest).
func (s *InboxScreen) onReview(row *RequestRow) {
	s.app.touch()
	ag, r := s.agent, row.Request
	if ag == nil {
		return
	}
	sel := choiceSelection(r, s.req.picks(r.ID))
	row.review.Disable()
	s.sayRequest(lang.L("Preparing…"))
	s.app.background(func() {
		pv, err := ag.PreviewShare(r.ID, sel)
		text := ""
		if err != nil {
			text = shareResult(r, nil, err) // the errors Share would give
		}
		fyne.Do(func() {
			if !s.current(ag) {
				return // the wallet was locked meanwhile: stopped() reset the inbox
			}
			row.review.Enable()
			if err != nil {
				s.sayRequest(text)
				return
			}
			s.req.result.Hide()
			s.showConsent(r, pv, "")
		})
	})
}

// showConsent shows the consent view for request r with what the agent
// previewed (pv) and status under it; Share sends pv's plan.
func (s *InboxScreen) showConsent(r agent.Request, pv *agent.SharePreview, status string) {
	p := &s.req
	p.reviewing, p.reviewingSel, p.reviewingFP = r, pv.Selection, pv.Fingerprint
	p.consent.SetText(requestConsentText(pv))
	p.shareStatus.SetText(status)
	p.shareB.Enable()
	p.shareBackB.Enable()
	s.showView(p.consentView)
	s.app.window.Canvas().Focus(p.shareB)
}

// reviewAgain previews request id anew with the learner's picks, after
// the plan changed under the consent view; off the UI goroutine.
func reviewAgain(ag Agent, id string, picks map[string]string) (*agent.SharePreview, error) {
	full, err := ag.Request(id)
	if err != nil {
		return nil, err
	}
	return ag.PreviewShare(id, choiceSelection(*full, picks))
}

// requestConsentText says exactly what the share the agent previewed (pv)
// discloses, to whom, and that the verifier's challenge binds it: each
// credential with its issuer, whether it is shown whole or derived, the
// names of its claims and other fields (never their values), and the
// items of the request it answers.
func requestConsentText(pv *agent.SharePreview) string {
	var b strings.Builder
	to := pv.Request.From
	if to == "" {
		to = lang.L("A verifier")
	}
	if pv.Present.Domain != "" {
		to += " (" + pv.Present.Domain + ")"
	}
	b.WriteString(lang.L("You are about to show {{.N}} credential(s) to {{.To}}.", map[string]any{"N": len(pv.Preview.Credentials), "To": to}))
	b.WriteString("\n")
	b.WriteString(lang.L("Signed by your identity {{.Holder}} and sent to them over your connection; nothing leaves your wallet before you tap Share.", map[string]any{"Holder": pv.Preview.Holder}))
	b.WriteString("\n")
	if pv.Present.Challenge != "" {
		b.WriteString(lang.L("Bound to the verifier's code {{.Code}}: it cannot be reused elsewhere.", map[string]any{"Code": pv.Present.Challenge}))
		b.WriteString("\n")
	}
	for i, c := range pv.Preview.Credentials {
		writeConsentCredential(&b, c)
		if i < len(pv.Answers) && len(pv.Answers[i]) > 0 {
			b.WriteString("  " + lang.L("Answers: {{.List}}", map[string]any{"List": strings.Join(pv.Answers[i], ", ")}))
			b.WriteString("\n")
		}
	}
	if len(pv.Request.Rules) > 0 {
		b.WriteString("\n")
		b.WriteString(lang.L("The verifier's rules decide which items must be answered: Skillpass may leave out an item the rules do not need."))
		b.WriteString("\n")
	}
	return b.String()
}

// onShareRequest shares the request under review off the UI goroutine,
// with progress, and says what became of it.
func (s *InboxScreen) onShareRequest() {
	s.app.touch()
	ag, r, sel, fp := s.agent, s.req.reviewing, s.req.reviewingSel, s.req.reviewingFP
	if ag == nil || r.ID == "" {
		return
	}
	picks := s.req.picks(r.ID)
	p := &s.req
	p.shareB.Disable()
	p.shareBackB.Disable()
	p.shareBusy.Show()
	p.shareBusy.Start()
	p.shareStatus.SetText(lang.L("Sending the presentation to {{.To}}…", map[string]any{"To": requestFrom(r)}))
	s.app.background(func() {
		got, err := ag.ShareExpecting(context.Background(), r.ID, sel, fp)
		if errors.Is(err, agent.ErrPlanChanged) {
			// Not what the learner consented to: show the new plan.
			pv, perr := reviewAgain(ag, r.ID, picks)
			fyne.Do(func() {
				if !s.current(ag) {
					return
				}
				p.shareBusy.Stop()
				p.shareBusy.Hide()
				if perr == nil {
					s.showConsent(r, pv, lang.L("What would be shared changed; review it again."))
					return
				}
				p.shareB.Enable()
				p.shareBackB.Enable()
				p.reviewing = agent.Request{}
				s.sayRequest(shareResult(r, nil, perr))
				s.showView(p.mainView)
			})
			s.load(ag)
			return
		}
		text := shareResult(r, got, err)
		fyne.Do(func() {
			if !s.current(ag) {
				return
			}
			p.shareBusy.Stop()
			p.shareBusy.Hide()
			p.shareB.Enable()
			p.shareBackB.Enable()
			p.reviewing = agent.Request{}
			s.sayRequest(text)
			s.showView(p.mainView)
		})
		s.load(ag)
	})
}

// requestFrom names who sent a request.
func requestFrom(r agent.Request) string {
	switch {
	case r.From != "":
		return r.From
	case r.Domain != "":
		return r.Domain
	}
	return lang.L("the verifier")
}

// shareResult words what Share did.
func shareResult(asked agent.Request, got *agent.Request, err error) string {
	from := requestFrom(asked)
	switch {
	case err == nil && got != nil && got.State == agent.RequestShared:
		return lang.L("Shared with {{.From}}.", map[string]any{"From": from})
	case errors.Is(err, agent.ErrCannotAnswer):
		return lang.L("Nothing was sent: {{.Err}}", map[string]any{"Err": err.Error()})
	case errors.Is(err, agent.ErrRequestAnswered):
		return lang.L("This request was already answered.")
	case errors.Is(err, agent.ErrTimeout):
		return lang.L("The presentation is still on its way to {{.From}}; the inbox shows when it has left.", map[string]any{"From": from})
	case errors.Is(err, wallet.ErrLocked):
		return lang.L("The wallet is locked. Unlock it and try again.")
	case err != nil:
		return lang.L("Could not share with {{.From}}: {{.Err}}", map[string]any{"From": from, "Err": err.Error()})
	}
	return RequestText(*got)
}

// onDeclineAsk shows the decline view for the row's request.
func (s *InboxScreen) onDeclineAsk(row *RequestRow) {
	s.app.touch()
	p := &s.req
	p.declining = row.Request
	p.declineHead.SetText(lang.L("Decline the request from {{.From}}? They are told, with your reason if you give one.", map[string]any{"From": requestFrom(row.Request)}))
	p.reason.SetText("")
	p.declineB.Enable()
	p.declineBackB.Enable()
	s.showView(p.declineView)
	s.app.window.Canvas().Focus(p.reason)
}

// onDeclineRequest declines the request off the UI goroutine; the
// verifier is told, with the reason given.
func (s *InboxScreen) onDeclineRequest() {
	s.app.touch()
	ag, r, reason := s.agent, s.req.declining, strings.TrimSpace(s.req.reason.Text)
	if ag == nil || r.ID == "" || s.req.declineB.Disabled() { // Enter again while it is sent
		return
	}
	p := &s.req
	p.declineB.Disable()
	p.declineBackB.Disable()
	s.app.background(func() {
		err := ag.DeclineRequest(context.Background(), r.ID, reason)
		fyne.Do(func() {
			if !s.current(ag) {
				return
			}
			p.declining = agent.Request{}
			switch {
			case errors.Is(err, agent.ErrRequestAnswered):
				s.sayRequest(lang.L("This request was already answered."))
			case errors.Is(err, agent.ErrNoRequest), errors.Is(err, agent.ErrClosed), errors.Is(err, wallet.ErrLocked):
				s.sayRequest(lang.L("Could not decline the request: {{.Err}}", map[string]any{"Err": err.Error()}))
			case err != nil:
				s.sayRequest(lang.L("The request was declined, but {{.From}} may not have been told: {{.Err}}", map[string]any{"From": requestFrom(r), "Err": err.Error()}))
			default:
				s.sayRequest(lang.L("Request from {{.From}} declined; they were told.", map[string]any{"From": requestFrom(r)}))
			}
			s.showView(p.mainView)
		})
		s.load(ag)
	})
}
