package agent

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/didcomm/dispatcher"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/presentproof"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries/api"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/didcomm"
)

// Present proof 2.0 (RFC 0454) with Presentation Exchange (RFC 0510)
//
// A verifier's request-presentation lands in the request inbox (Requests,
// Request), kept in the wallet file; nothing is sent until the learner
// answers. Request shows what is asked (each input descriptor's name,
// purpose and fields, and whether only those may be shown) and which of
// the learner's credentials satisfy each descriptor (presexch.go has the
// matching). Share answers with a presentation the wallet makes and the
// learner's did:key signs (wallet.Present), bound to the verifier's
// challenge and domain; PreviewShare shows beforehand exactly what Share
// would send (the same plan, previewed by the wallet), for the learner's
// consent, and ShareExpecting sends only that plan (its Selection and
// Fingerprint; ErrPlanChanged otherwise). Where a descriptor limits disclosure, a BBS+
// credential is derived to show only the fields asked (the wallet's
// selective disclosure); a credential that can only be shown whole is
// refused for a descriptor that requires limited disclosure. DeclineRequest
// tells the verifier (problem report "rejected" with the learner's reason).
//
// The presentation carries a Presentation Exchange presentation_submission
// built from the same matching: one descriptor_map entry per input
// descriptor answered, with the path $.verifiableCredential[i] of the
// credential that answers it (several descriptors may share one) and the
// format ldp_vc (jwt_vc for a VC-JWT, which travels enveloped). The wallet
// puts it into the presentation before the learner's key signs
// (wallet.PresentRequest.Submission), so the holder's proof covers it and a
// verifier following Presentation Exchange (aries'
// PresentationDefinition.Match among them) can rely on it. A definition
// without an id gets a presentation without a submission (the submission
// must name the definition it answers).
//
// Like issue-credential, the service is our own instance with no
// middleware (aries' default one for verifiers parses presentations with
// its own verifier, which knows no Data Integrity proofs), driven through
// ActionContinue/ActionStop by protocol instance id.

// requestsBucket is the agent bucket in the wallet file that holds the
// request inbox.
const requestsBucket = "requests"

// RequestState is where a presentation request stands.
type RequestState string

// Request states.
const (
	// RequestPending: in the inbox, waiting for the learner.
	RequestPending RequestState = "pending"
	// RequestShared: the learner shared a presentation (PresentationID).
	RequestShared RequestState = "shared"
	// RequestDeclined: the learner declined; the verifier was told.
	RequestDeclined RequestState = "declined"
	// RequestWithdrawn: the verifier ended the exchange (Problem has its
	// words).
	RequestWithdrawn RequestState = "withdrawn"
	// RequestFailed: a request Skillpass cannot read, or a presentation that
	// could not be sent (Problem says which).
	RequestFailed RequestState = "failed"
)

var (
	// ErrNoRequest is returned when a request id matches nothing.
	ErrNoRequest = errors.New("no such presentation request")
	// ErrRequestAnswered is returned by Share, PreviewShare and
	// DeclineRequest for a request that was already answered.
	ErrRequestAnswered = errors.New("the presentation request was already answered")
	// ErrCannotAnswer is returned (wrapped, with the reason) by Share and
	// PreviewShare when the wallet holds nothing that satisfies the request
	// as chosen, or when a credential can only be shown whole and the
	// verifier requires limited disclosure. Nothing was sent.
	ErrCannotAnswer = errors.New("the request cannot be answered")
	// ErrPlanChanged is returned by ShareExpecting when what Share would
	// send now differs from the plan the learner reviewed (its
	// fingerprint, SharePreview.Fingerprint), for instance because a
	// credential was imported or re-verified since. Nothing was sent and
	// the request stays pending: review it again.
	ErrPlanChanged = errors.New("what would be shared changed since it was reviewed")
)

// Request is a verifier's presentation request, as the inbox shows it.
type Request struct {
	ID           string       `json:"id"` // the protocol instance (thread) id
	State        RequestState `json:"state"`
	Received     time.Time    `json:"received"`
	Updated      time.Time    `json:"updated"`
	ConnectionID string       `json:"connectionId,omitempty"`
	From         string       `json:"from,omitempty"`    // the connection's label
	Comment      string       `json:"comment,omitempty"` // the verifier's words
	// Name and Purpose are the presentation definition's.
	Name    string `json:"name,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	// Challenge and Domain bind the presentation to this request.
	Challenge string `json:"challenge,omitempty"`
	Domain    string `json:"domain,omitempty"`
	// Descriptors are what is asked, one credential each.
	Descriptors []Descriptor `json:"descriptors,omitempty"`
	// Rules says which descriptors must be answered, in words, when the
	// definition has submission requirements ("all of A", "1 of B").
	Rules          []string `json:"rules,omitempty"`
	PresentationID string   `json:"presentationId,omitempty"`
	Problem        string   `json:"problem,omitempty"`
}

// Descriptor is one input descriptor of a request.
type Descriptor struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	// LimitDisclosure is "required" (only the fields asked may be shown),
	// "preferred", or empty.
	LimitDisclosure string   `json:"limitDisclosure,omitempty"`
	Schemas         []string `json:"schemas,omitempty"`
	Fields          []Field  `json:"fields,omitempty"`
	// Matches are the learner's credentials that satisfy it, the verified
	// ones first. Request fills them; Requests leaves them empty.
	Matches []Match `json:"matches,omitempty"`
	// Problem says why no credential can match (a path or filter Skillpass
	// cannot read), when that is so.
	Problem string `json:"problem,omitempty"`
}

// Field is one field constraint of a descriptor.
type Field struct {
	Path     []string `json:"path"`               // JSONPath expressions, the first that resolves counts
	Name     string   `json:"name,omitempty"`     // the verifier's name for it
	Purpose  string   `json:"purpose,omitempty"`  // why it is asked
	Filter   string   `json:"filter,omitempty"`   // the JSON Schema its value must pass, as JSON
	Optional bool     `json:"optional,omitempty"` // true when it may be left out
}

// Match is a credential of the learner's that satisfies a descriptor.
type Match struct {
	CredentialID string   `json:"credentialId"`
	Name         string   `json:"name"`
	IssuerName   string   `json:"issuerName,omitempty"`
	IssuerID     string   `json:"issuerId,omitempty"`
	Types        []string `json:"types,omitempty"`
	Verified     bool     `json:"verified"`
	// Selective is true when only the fields asked would be shown (a BBS+
	// credential, for a descriptor that limits disclosure); otherwise the
	// credential is shown whole.
	Selective bool `json:"selective"`
	// Claims are the credential's claims the fields matched (paths from
	// its root, such as "credentialSubject.achievement.name").
	Claims []string `json:"claims,omitempty"`
	// Problem is set when the credential matches but cannot be shown as
	// the verifier asks (whole-only, and limited disclosure required).
	Problem string `json:"problem,omitempty"`
}

// Selection maps input descriptor ids to the credential (record id or a
// unique prefix) the learner picked for each. Descriptors left out get
// their first match; a descriptor a "pick" rule leaves optional is
// answered only when selected, or when needed to meet the rule.
type Selection map[string]string

// requestRecord is what the request inbox keeps.
type requestRecord struct {
	Request
	Thread     string          `json:"thread"`
	MyDID      string          `json:"myDid,omitempty"`
	TheirDID   string          `json:"theirDid,omitempty"`
	Definition json.RawMessage `json:"definition,omitempty"`
}

// presentProofService registers our own present-proof service: no
// middleware, and our Messenger wrapper (the learner's reason in problem
// reports; outcomes of sends).
func (a *Agent) presentProofService() api.ProtocolSvcCreator {
	return api.ProtocolSvcCreator{
		Create: func(api.Provider) (dispatcher.ProtocolService, error) {
			return &presentproof.Service{}, nil
		},
		Init: func(svc dispatcher.ProtocolService, prv api.Provider) error {
			pp, ok := svc.(*presentproof.Service)
			if !ok {
				return fmt.Errorf("present-proof service has type %T", svc)
			}
			m := &messenger{Messenger: prv.Messenger(), a: a}
			if err := pp.Initialize(withMessenger{Provider: prv, m: m}); err != nil {
				return fmt.Errorf("present-proof service: %w", err)
			}
			a.pp = pp
			return nil
		},
	}
}

// reconcileRequests takes up the present-proof messages a previous run left
// undecided.
func (a *Agent) reconcileRequests() error {
	actions, err := a.pp.Actions()
	if err != nil {
		return fmt.Errorf("read pending present-proof messages: %w", err)
	}
	for _, act := range actions {
		a.handleProofAction(incoming{piid: act.PIID, msg: act.Msg, myDID: act.MyDID, theirDID: act.TheirDID})
	}
	return nil
}

// handleProofAction decides what to do with a present-proof message.
func (a *Agent) handleProofAction(in incoming) {
	if in.piid == "" || in.msg == nil {
		return
	}
	switch in.msg.Type() {
	case presentproof.RequestPresentationMsgTypeV2:
		a.receiveRequest(in)
	case presentproof.ProblemReportMsgTypeV2:
		a.receiveProofProblem(in)
	default:
		a.stopProof(in, fmt.Sprintf("Skillpass does not take %s messages", in.msg.Type()))
	}
}

// stopProof ends the present-proof instance of in with a problem report
// giving reason.
func (a *Agent) stopProof(in incoming, reason string) {
	a.stopWith(func(piid string, cause error) error { return a.pp.ActionStop(piid, cause) }, in, reason)
}

// receiveRequest puts a presentation request in the inbox. Nothing is
// sent.
func (a *Agent) receiveRequest(in incoming) {
	a.requestMu.Lock()
	defer a.requestMu.Unlock()
	now := a.opts.Now().UTC()
	if rec, err := a.loadRequest(in.piid); err == nil {
		// Seen before a restart. A pending one stays; one answered here
		// whose answer never left is ended now.
		switch rec.State {
		case RequestPending:
		case RequestShared:
			problem := "the presentation did not leave before Skillpass stopped; ask again if you still need it"
			rec.State, rec.Problem, rec.Updated = RequestFailed, problem, now
			_ = a.saveRequest(rec) // the verifier is told either way
			a.stopProof(in, problem)
		default:
			a.stopProof(in, orDefault(rec.Problem, "the learner declined the request"))
		}
		return
	}
	thid, _ := in.msg.ThreadID()
	rec := &requestRecord{
		Request: Request{ID: in.piid, State: RequestPending, Received: now, Updated: now},
		Thread:  thid, MyDID: in.myDID, TheirDID: in.theirDID,
	}
	if c, err := a.conns.GetConnectionRecordByDIDs(in.myDID, in.theirDID); err == nil {
		rec.ConnectionID, rec.From = c.ConnectionID, c.TheirLabel
	}
	var req presentproof.RequestPresentationV2
	err := in.msg.Decode(&req)
	if err == nil {
		rec.Comment = req.Comment
		err = rec.setDefinition(&req)
	}
	if err != nil {
		rec.State, rec.Problem = RequestFailed, "the request cannot be taken: "+err.Error()
		_ = a.saveRequest(rec) // the learner's record of it; the verifier is told either way
		a.stopProof(in, "Skillpass takes presentation requests as DIF Presentation Exchange definitions ("+pexDefinitionFormat+"): "+err.Error())
		return
	}
	// A record that cannot be written leaves the request in aries' store,
	// taken up at the next start.
	_ = a.saveRequest(rec)
}

// setDefinition reads the request's Presentation Exchange attachment.
func (rec *requestRecord) setDefinition(req *presentproof.RequestPresentationV2) error {
	var att *decorator.Attachment
	for _, f := range req.Formats {
		if f.Format != pexDefinitionFormat {
			continue
		}
		for i := range req.RequestPresentationsAttach {
			if req.RequestPresentationsAttach[i].ID == f.AttachID {
				att = &req.RequestPresentationsAttach[i]
			}
		}
	}
	if att == nil && len(req.Formats) == 0 && len(req.RequestPresentationsAttach) == 1 {
		att = &req.RequestPresentationsAttach[0]
	}
	if att == nil {
		return fmt.Errorf("it has no %s attachment", pexDefinitionFormat)
	}
	raw, err := att.Data.Fetch()
	if err != nil {
		return fmt.Errorf("its attachment cannot be read: %w", err)
	}
	def, challenge, domain, err := parsePEXRequest(raw)
	if err != nil {
		return err
	}
	if rec.Definition, err = json.Marshal(def); err != nil {
		return fmt.Errorf("keep the definition: %w", err)
	}
	rec.Name, rec.Purpose, rec.Challenge, rec.Domain = def.Name, def.Purpose, challenge, domain
	return nil
}

// definition returns the record's presentation definition.
func (rec *requestRecord) definition() (*pexDefinition, error) {
	var def pexDefinition
	if err := json.Unmarshal(rec.Definition, &def); err != nil {
		return nil, fmt.Errorf("read the request's definition: %w", err)
	}
	return &def, nil
}

// receiveProofProblem records that the verifier ended the exchange.
func (a *Agent) receiveProofProblem(in incoming) {
	a.requestMu.Lock()
	defer a.requestMu.Unlock()
	var pr struct {
		Description struct {
			Code string `json:"code"`
			En   string `json:"en"`
		} `json:"description"`
	}
	_ = in.msg.Decode(&pr)
	words := orDefault(pr.Description.En, pr.Description.Code)
	if rec, err := a.loadRequest(in.piid); err == nil && rec.State == RequestPending {
		rec.State, rec.Updated = RequestWithdrawn, a.opts.Now().UTC()
		rec.Problem = "the verifier ended the exchange"
		if words != "" {
			rec.Problem += ": " + words
		}
		_ = a.saveRequest(rec) // the exchange is over either way
	}
	_ = a.pp.ActionContinue(in.piid) // ends the instance; no reply to a problem report
}

// Requests returns the presentation requests waiting for the learner,
// oldest first, without their matches (see Request).
func (a *Agent) Requests() ([]Request, error) {
	all, err := a.AllRequests()
	if err != nil {
		return nil, err
	}
	return only(all, func(r Request) bool { return r.State == RequestPending }), nil
}

// AllRequests returns every presentation request the agent has seen,
// whatever its state, oldest first, without their matches.
func (a *Agent) AllRequests() ([]Request, error) {
	return listRecords(a, requestsBucket, "request",
		func(r requestRecord) Request { return r.Request },
		func(r Request) (time.Time, string) { return r.Received, r.ID })
}

// Request returns the request with id (or a unique prefix of at least 4
// characters), with the learner's credentials that match each descriptor.
func (a *Agent) Request(id string) (*Request, error) {
	rec, err := a.findRequest(id)
	if err != nil {
		return nil, err
	}
	creds, err := a.candidates()
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", rec.ID, err)
	}
	return a.view(rec, creds)
}

// candidate is a credential of the wallet's, read for matching.
type candidate struct {
	sum wallet.Summary
	vc  map[string]any
	bbs bool
	jwt bool // a VC-JWT (else JSON-LD)
}

// candidates reads the wallet's credentials for matching (a VC-JWT by its
// payload's credential; anything unreadable is skipped).
func (a *Agent) candidates() ([]candidate, error) {
	list, err := a.w.List()
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	var out []candidate
	for _, s := range list {
		rec, err := a.w.Get(s.ID)
		if err != nil {
			return nil, fmt.Errorf("read credential %s: %w", s.ID, err)
		}
		vc := credentialObject(rec.Raw)
		if vc == nil {
			continue
		}
		bbs := false
		for _, p := range proofs(vc["proof"]) {
			if p["type"] == "BbsBlsSignature2020" {
				bbs = true
			}
		}
		jwt := !strings.HasPrefix(strings.TrimSpace(rec.Raw), "{")
		out = append(out, candidate{sum: s, vc: vc, bbs: bbs, jwt: jwt})
	}
	return out, nil
}

// credentialObject returns the credential of a stored JSON-LD credential,
// or of a VC-JWT (its "vc" claim, or the payload for VC-JOSE 2.0).
func credentialObject(raw string) map[string]any {
	raw = strings.TrimSpace(raw)
	var vc map[string]any
	if strings.HasPrefix(raw, "{") {
		if json.Unmarshal([]byte(raw), &vc) != nil {
			return nil
		}
		return vc
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil || json.Unmarshal(payload, &vc) != nil {
		return nil
	}
	if inner, ok := vc["vc"].(map[string]any); ok {
		return inner
	}
	return vc
}

// view builds the request as the learner sees it, matched against creds.
func (a *Agent) view(rec *requestRecord, creds []candidate) (*Request, error) {
	def, err := rec.definition()
	if err != nil {
		return nil, fmt.Errorf("request %s: %w", rec.ID, err)
	}
	out := rec.Request
	out.Descriptors = nil
	out.Rules = rules(def)
	for i := range def.InputDescriptors {
		in := &def.InputDescriptors[i]
		d := Descriptor{ID: in.ID, Name: in.Name, Purpose: in.Purpose, LimitDisclosure: in.limit(), Schemas: in.schemaURIs()}
		for _, f := range in.fields() {
			fl := Field{Path: f.Path, Name: f.Name, Purpose: f.Purpose, Optional: f.Optional}
			if f.Filter != nil {
				if b, err := json.Marshal(f.Filter); err == nil {
					fl.Filter = string(b)
				}
			}
			d.Fields = append(d.Fields, fl)
		}
		for _, c := range creds {
			ok, claims, err := matchDescriptor(in, c.vc)
			if err != nil {
				d.Problem = "Skillpass cannot check this: " + err.Error()
				d.Matches = nil
				break
			}
			if !ok {
				continue
			}
			m := Match{
				CredentialID: c.sum.ID, Name: c.sum.Name, IssuerName: c.sum.IssuerName, IssuerID: c.sum.IssuerID,
				Types: c.sum.Types, Verified: c.sum.Verified, Claims: claims,
				Selective: c.bbs && d.LimitDisclosure != "",
			}
			if d.LimitDisclosure == "required" && !c.bbs {
				m.Problem = "the verifier asks to see only the fields it names, and this credential can only be shown whole"
			}
			d.Matches = append(d.Matches, m)
		}
		sort.SliceStable(d.Matches, func(i, j int) bool {
			mi, mj := d.Matches[i], d.Matches[j]
			if (mi.Problem == "") != (mj.Problem == "") {
				return mi.Problem == ""
			}
			return mi.Verified && !mj.Verified
		})
		out.Descriptors = append(out.Descriptors, d)
	}
	return &out, nil
}

// rules describes the definition's submission requirements in words.
func rules(def *pexDefinition) []string {
	var out []string
	for _, r := range def.SubmissionRequirements {
		what := orDefault(r.Name, "group "+r.From)
		switch {
		case len(r.FromNested) > 0:
			out = append(out, what+": nested requirements (Skillpass cannot answer these)")
		case r.Rule == "all":
			out = append(out, "all of "+what)
		case r.Rule == "pick" && r.Count != nil:
			out = append(out, fmt.Sprintf("%d of %s", *r.Count, what))
		case r.Rule == "pick":
			lo, hi := 1, -1
			if r.Min != nil {
				lo = *r.Min
			}
			if r.Max != nil {
				hi = *r.Max
			}
			if hi >= 0 {
				out = append(out, fmt.Sprintf("%d to %d of %s", lo, hi, what))
			} else {
				out = append(out, fmt.Sprintf("at least %d of %s", lo, what))
			}
		default:
			out = append(out, fmt.Sprintf("%s: rule %q (Skillpass cannot answer this)", what, r.Rule))
		}
	}
	return out
}

// answered is one input descriptor answered, by the position of its
// credential among the wallet's choices (and so in the presentation).
type answered struct {
	descriptor string
	choice     int
}

// answerPlan works out which descriptors to answer with which credential,
// and the wallet's choices for them.
func answerPlan(req *Request, def *pexDefinition, sel Selection) ([]wallet.Choice, error) {
	choices, _, err := planAnswer(req, def, sel)
	return choices, err
}

// planAnswer is answerPlan that also says which choice answers which
// descriptor, in the order the descriptors were answered.
func planAnswer(req *Request, def *pexDefinition, sel Selection) ([]wallet.Choice, []answered, error) {
	byID := map[string]*Descriptor{}
	for i := range req.Descriptors {
		byID[req.Descriptors[i].ID] = &req.Descriptors[i]
	}
	for id := range sel {
		if byID[id] == nil {
			return nil, nil, fmt.Errorf("%w: the request has no input descriptor %q", ErrCannotAnswer, id)
		}
	}
	// pick returns the credential for descriptor d: the selected one
	// (which must match) or the first usable match.
	pick := func(d *Descriptor) (*Match, error) {
		label := orDefault(d.Name, d.ID)
		if want := strings.TrimSpace(sel[d.ID]); want != "" {
			var found []*Match
			for i := range d.Matches {
				if d.Matches[i].CredentialID == want { // a full id, even if it prefixes another
					found = []*Match{&d.Matches[i]}
					break
				}
				if len(want) >= minOfferPrefix && strings.HasPrefix(d.Matches[i].CredentialID, want) {
					found = append(found, &d.Matches[i])
				}
			}
			switch {
			case len(found) == 0:
				return nil, fmt.Errorf("%w: credential %q does not satisfy %q", ErrCannotAnswer, want, label)
			case len(found) > 1:
				return nil, fmt.Errorf("%w: %q matches several credentials for %q", ErrCannotAnswer, want, label)
			case found[0].Problem != "":
				return nil, fmt.Errorf("%w: %q: %s", ErrCannotAnswer, label, found[0].Problem)
			}
			return found[0], nil
		}
		if d.Problem != "" {
			return nil, fmt.Errorf("%w: %q: %s", ErrCannotAnswer, label, d.Problem)
		}
		for i := range d.Matches {
			if d.Matches[i].Problem == "" {
				return &d.Matches[i], nil
			}
		}
		if len(d.Matches) > 0 {
			return nil, fmt.Errorf("%w: %q: %s", ErrCannotAnswer, label, d.Matches[0].Problem)
		}
		return nil, fmt.Errorf("%w: no credential in the wallet satisfies %q", ErrCannotAnswer, label)
	}
	answer := map[string]*Match{}
	var order []string
	add := func(d *Descriptor) error {
		if answer[d.ID] != nil {
			return nil
		}
		m, err := pick(d)
		if err != nil {
			return err
		}
		answer[d.ID] = m
		order = append(order, d.ID)
		return nil
	}
	if len(def.SubmissionRequirements) == 0 {
		for i := range req.Descriptors {
			if err := add(&req.Descriptors[i]); err != nil {
				return nil, nil, err
			}
		}
	}
	for _, r := range def.SubmissionRequirements {
		if len(r.FromNested) > 0 {
			return nil, nil, fmt.Errorf("%w: nested submission requirements are not supported", ErrCannotAnswer)
		}
		var group []*Descriptor
		for i := range def.InputDescriptors {
			if contains(def.InputDescriptors[i].Group, r.From) {
				group = append(group, byID[def.InputDescriptors[i].ID])
			}
		}
		what := orDefault(r.Name, "group "+r.From)
		switch r.Rule {
		case "all":
			for _, d := range group {
				if err := add(d); err != nil {
					return nil, nil, err
				}
			}
		case "pick":
			lo, hi := 1, len(group)
			if r.Count != nil {
				lo, hi = *r.Count, *r.Count
			}
			if r.Min != nil {
				lo = *r.Min
			}
			if r.Max != nil {
				hi = *r.Max
			}
			// Selected descriptors first, then any that can be answered,
			// until the minimum is met.
			n := 0
			for _, d := range group {
				if sel[d.ID] != "" || answer[d.ID] != nil {
					if err := add(d); err != nil {
						return nil, nil, err
					}
					n++
				}
			}
			for _, d := range group {
				if n >= lo {
					break
				}
				if answer[d.ID] == nil {
					if add(d) == nil {
						n++
					}
				}
			}
			if n < lo {
				return nil, nil, fmt.Errorf("%w: %s needs %d, the wallet can answer %d", ErrCannotAnswer, what, lo, n)
			}
			if n > hi {
				return nil, nil, fmt.Errorf("%w: %s takes at most %d, %d were chosen", ErrCannotAnswer, what, hi, n)
			}
		default:
			return nil, nil, fmt.Errorf("%w: submission rule %q is not supported", ErrCannotAnswer, r.Rule)
		}
	}
	if len(order) == 0 {
		return nil, nil, fmt.Errorf("%w: nothing is asked", ErrCannotAnswer)
	}
	// One choice per credential: the fields of every descriptor it
	// answers; shown whole when any of them does not limit disclosure.
	idx := map[string]int{}
	var choices []wallet.Choice
	var answers []answered
	whole := map[string]bool{}
	for _, id := range order {
		d, m := byID[id], answer[id]
		i, seen := idx[m.CredentialID]
		if !seen {
			i = len(choices)
			idx[m.CredentialID] = i
			choices = append(choices, wallet.Choice{ID: m.CredentialID})
		}
		answers = append(answers, answered{descriptor: id, choice: i})
		if !m.Selective || len(m.Claims) == 0 {
			if d.LimitDisclosure == "required" && m.Selective {
				return nil, nil, fmt.Errorf("%w: %q limits disclosure but names no field to show", ErrCannotAnswer, orDefault(d.Name, d.ID))
			}
			whole[m.CredentialID] = true
			continue
		}
		for _, c := range m.Claims {
			if !contains(choices[i].Disclose, c) {
				choices[i].Disclose = append(choices[i].Disclose, c)
			}
		}
	}
	for i := range choices {
		if whole[choices[i].ID] {
			choices[i].Disclose = nil
		}
	}
	return choices, answers, nil
}

// submission is the presentation_submission for a presentation of choices
// answering def as answers say; nil when the definition has no id to name.
// creds says which credentials are VC-JWTs.
func submission(def *pexDefinition, choices []wallet.Choice, answers []answered, creds []candidate) *wallet.Submission {
	if def.ID == "" {
		return nil
	}
	jwt := map[string]bool{}
	for _, c := range creds {
		jwt[c.sum.ID] = c.jwt
	}
	sub := &wallet.Submission{DefinitionID: def.ID}
	for _, an := range answers {
		format := wallet.FormatLDPVC
		if jwt[choices[an.choice].ID] {
			format = wallet.FormatJWTVC
		}
		sub.DescriptorMap = append(sub.DescriptorMap, wallet.DescriptorMapping{
			ID: an.descriptor, Format: format, Path: fmt.Sprintf("$.verifiableCredential[%d]", an.choice),
		})
	}
	return sub
}

// Share answers request id with a presentation of the chosen credentials
// (see Selection; nil takes the first match of each descriptor), signed by
// the learner and bound to the request's challenge and domain, and waits
// until it has left (Options.Timeout). It returns the request as answered.
// A request that cannot be answered as chosen gives ErrCannotAnswer and
// stays in the inbox; nothing is sent. PreviewShare shows what Share
// would send.
func (a *Agent) Share(ctx context.Context, id string, sel Selection) (*Request, error) {
	return a.ShareExpecting(ctx, id, sel, "")
}

// ShareExpecting is Share that sends only the plan the learner reviewed:
// fingerprint is the SharePreview.Fingerprint of that review (pass its
// Selection as sel too, so that the same credentials are chosen). When
// the plan Share works out now has another fingerprint, it returns
// ErrPlanChanged, sends nothing and leaves the request pending. An empty
// fingerprint expects nothing (Share).
func (a *Agent) ShareExpecting(ctx context.Context, id string, sel Selection, fingerprint string) (*Request, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return nil, fmt.Errorf("share: %w", ErrClosed)
	}
	a.requestMu.Lock()
	rec, err := a.findRequest(id)
	if err != nil {
		a.requestMu.Unlock()
		return nil, fmt.Errorf("share: %w", err)
	}
	if rec.State != RequestPending {
		a.requestMu.Unlock()
		r := rec.Request
		return &r, fmt.Errorf("share %s: %w (it is %s)", rec.ID, ErrRequestAnswered, rec.State)
	}
	params, presID, err := a.answer(ctx, rec, sel, fingerprint)
	if err != nil {
		a.requestMu.Unlock()
		return nil, fmt.Errorf("share %s: %w", rec.ID, err)
	}
	rec.State, rec.PresentationID, rec.Updated = RequestShared, presID, a.opts.Now().UTC()
	if err := a.saveRequest(rec); err != nil {
		a.requestMu.Unlock()
		return nil, fmt.Errorf("share: %w", err)
	}
	sent := a.expectSend(rec.Thread, "")
	a.requestMu.Unlock()

	if err := a.pp.ActionContinue(rec.ID, presentproof.WithPresentation(params)); err != nil {
		a.cancelSend(rec.Thread, sent)
		return a.failRequest(rec.ID, "the request can no longer be answered: "+err.Error())
	}
	timer := time.NewTimer(a.opts.Timeout)
	defer timer.Stop()
	select {
	case err := <-sent:
		if err != nil {
			return a.failRequest(rec.ID, "the presentation could not be sent to the verifier: "+err.Error())
		}
		r := rec.Request
		return &r, nil
	case <-ctx.Done():
		return a.currentRequest(rec.ID, fmt.Errorf("share %s: %w", rec.ID, ctx.Err()))
	case <-a.done:
		return a.currentRequest(rec.ID, fmt.Errorf("share %s: %w", rec.ID, ErrClosed))
	case <-timer.C:
		return a.currentRequest(rec.ID, fmt.Errorf("share %s: %w: the presentation is still on its way to the verifier", rec.ID, ErrTimeout))
	}
}

// SharePreview is what Share would send for a request with the same
// selection, worked out by the same plan: PreviewShare makes it without
// signing or sending anything, and the request stays pending.
type SharePreview struct {
	// Request is the request with the learner's credentials that match
	// each descriptor, as Request returns it.
	Request Request
	// Present is exactly what Share asks the wallet to sign: the chosen
	// credentials in the order of the presentation, each with the paths
	// it discloses (none: shown whole), the verifier's challenge and
	// domain, and the presentation_submission (nil when the definition
	// has no id). Its Expires is zero: the wallet's default from the time
	// of signing.
	Present wallet.PresentRequest
	// Preview is the wallet's consent summary of Present: the identity
	// that signs, until when, and for each credential (in Present's order)
	// whether it is shown whole or derived, with the names of the claims
	// and other fields shown, never their values.
	Preview wallet.Preview
	// Answers has, for each credential of Present (same position), the
	// input descriptors it answers by name (the id where unnamed), in the
	// order they are answered.
	Answers [][]string
	// Selection is every input descriptor answered, by id, with the record
	// id of the credential that answers it: passed to ShareExpecting, it
	// pins the choices the learner reviewed.
	Selection Selection
	// Fingerprint is a short hash of the plan (the credentials, the paths
	// each discloses, the challenge and domain, and which credential
	// answers which descriptor), for ShareExpecting.
	Fingerprint string
}

// PreviewShare returns what Share(ctx, id, sel) would send now: the
// credentials, what of each is disclosed, the descriptors each answers,
// and the challenge and domain the presentation is bound to. It runs the
// plan Share runs and fails where Share would fail before signing, with
// the same errors (ErrNoRequest, ErrRequestAnswered, ErrCannotAnswer,
// ErrClosed, the wallet's); it signs nothing, sends nothing and changes
// nothing.
func (a *Agent) PreviewShare(id string, sel Selection) (*SharePreview, error) {
	if a.isClosed() {
		return nil, fmt.Errorf("preview share: %w", ErrClosed)
	}
	rec, err := a.findRequest(id)
	if err != nil {
		return nil, fmt.Errorf("preview share: %w", err)
	}
	if rec.State != RequestPending {
		return nil, fmt.Errorf("preview share %s: %w (it is %s)", rec.ID, ErrRequestAnswered, rec.State)
	}
	plan, err := a.planShare(rec, sel)
	if err != nil {
		return nil, fmt.Errorf("preview share %s: %w", rec.ID, err)
	}
	pv, err := a.w.PreviewPresentation(plan.present)
	if err != nil {
		return nil, fmt.Errorf("preview share %s: %w", rec.ID, presentError(err))
	}
	return &SharePreview{
		Request: *plan.view, Present: plan.present, Preview: *pv, Answers: plan.answers,
		Selection: plan.selection, Fingerprint: plan.fingerprint(),
	}, nil
}

// sharePlan is the answer to a request: the request as matched, the
// wallet request to sign, and the descriptors each credential answers.
type sharePlan struct {
	view    *Request
	present wallet.PresentRequest
	answers [][]string // by position in present.Credentials
	// selection is every descriptor answered -> the credential's record id.
	selection Selection
}

// fingerprint is a short hash of what the plan shares: the credentials
// with the paths each discloses, the challenge and domain, and the
// submission (descriptor -> credential and format). It does not depend on
// the order of the credentials or of their paths.
func (p *sharePlan) fingerprint() string {
	type choice struct {
		ID       string   `json:"id"`
		Disclose []string `json:"disclose"` // nil: whole
	}
	type mapping struct {
		Descriptor string `json:"descriptor"`
		Credential string `json:"credential"`
		Format     string `json:"format"`
	}
	var canon struct {
		Choices    []choice  `json:"choices"`
		Challenge  string    `json:"challenge"`
		Domain     string    `json:"domain"`
		Definition string    `json:"definition,omitempty"`
		Map        []mapping `json:"map,omitempty"`
	}
	for _, c := range p.present.Credentials {
		ch := choice{ID: c.ID}
		if c.Disclose != nil {
			ch.Disclose = append([]string{}, c.Disclose...)
			sort.Strings(ch.Disclose)
		}
		canon.Choices = append(canon.Choices, ch)
	}
	sort.Slice(canon.Choices, func(i, j int) bool { return canon.Choices[i].ID < canon.Choices[j].ID })
	canon.Challenge, canon.Domain = p.present.Challenge, p.present.Domain
	if sub := p.present.Submission; sub != nil {
		canon.Definition = sub.DefinitionID
		for _, m := range sub.DescriptorMap {
			cred := ""
			var i int
			if _, err := fmt.Sscanf(m.Path, "$.verifiableCredential[%d]", &i); err == nil && i >= 0 && i < len(p.present.Credentials) {
				cred = p.present.Credentials[i].ID
			}
			canon.Map = append(canon.Map, mapping{Descriptor: m.ID, Credential: cred, Format: m.Format})
		}
		sort.Slice(canon.Map, func(i, j int) bool { return canon.Map[i].Descriptor < canon.Map[j].Descriptor })
	}
	b, _ := json.Marshal(canon) // plain strings and slices: cannot fail
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// planShare works out the answer to rec with sel: the one plan that Share
// signs and PreviewShare shows.
func (a *Agent) planShare(rec *requestRecord, sel Selection) (*sharePlan, error) {
	def, err := rec.definition()
	if err != nil {
		return nil, err
	}
	creds, err := a.candidates()
	if err != nil {
		return nil, err
	}
	view, err := a.view(rec, creds)
	if err != nil {
		return nil, err
	}
	choices, answers, err := planAnswer(view, def, sel)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, d := range view.Descriptors {
		names[d.ID] = orDefault(d.Name, d.ID)
	}
	byChoice := make([][]string, len(choices))
	selection := Selection{}
	for _, an := range answers {
		byChoice[an.choice] = append(byChoice[an.choice], names[an.descriptor])
		selection[an.descriptor] = choices[an.choice].ID
	}
	return &sharePlan{
		view: view,
		present: wallet.PresentRequest{
			Credentials: choices, Challenge: rec.Challenge, Domain: rec.Domain,
			Submission: submission(def, choices, answers, creds),
		},
		answers:   byChoice,
		selection: selection,
	}, nil
}

// presentError words a wallet error from making (or previewing) the
// presentation: a credential that can only be shown whole where the plan
// discloses part of it means the request cannot be answered.
func presentError(err error) error {
	if errors.Is(err, wallet.ErrWholeOnly) {
		return fmt.Errorf("%w: %w", ErrCannotAnswer, err)
	}
	return fmt.Errorf("make the presentation: %w", err)
}

// answer makes the presentation for rec and the message that carries it;
// with a fingerprint, only when the plan has that fingerprint
// (ErrPlanChanged).
func (a *Agent) answer(ctx context.Context, rec *requestRecord, sel Selection, fingerprint string) (*presentproof.PresentationParams, string, error) {
	plan, err := a.planShare(rec, sel)
	if err != nil {
		return nil, "", err
	}
	if fingerprint != "" && plan.fingerprint() != fingerprint {
		return nil, "", ErrPlanChanged
	}
	pres, err := a.w.Present(ctx, plan.present)
	if err != nil {
		return nil, "", presentError(err)
	}
	var vp map[string]any
	if err := json.Unmarshal(pres.JSON, &vp); err != nil {
		return nil, "", fmt.Errorf("read the presentation: %w", err)
	}
	attachID, err := randomID()
	if err != nil {
		return nil, "", fmt.Errorf("make the message: %w", err)
	}
	return &presentproof.PresentationParams{
		Formats: []presentproof.Format{{AttachID: attachID, Format: pexSubmissionFormat}},
		Attachments: []decorator.GenericAttachment{{
			ID: attachID, MediaType: "application/ld+json",
			Data: decorator.AttachmentData{JSON: vp},
		}},
	}, pres.ID, nil
}

// DeclineRequest refuses request id and tells the verifier with a problem
// report (code "rejected") carrying reason. The request leaves the inbox
// even when the verifier cannot be reached; the error then says so.
func (a *Agent) DeclineRequest(ctx context.Context, id, reason string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return fmt.Errorf("decline request: %w", ErrClosed)
	}
	reason = strings.TrimSpace(reason)
	told := orDefault(reason, "the learner declined the request")
	a.requestMu.Lock()
	rec, err := a.findRequest(id)
	if err != nil {
		a.requestMu.Unlock()
		return fmt.Errorf("decline request: %w", err)
	}
	if rec.State != RequestPending {
		a.requestMu.Unlock()
		return fmt.Errorf("decline request %s: %w (it is %s)", rec.ID, ErrRequestAnswered, rec.State)
	}
	rec.State, rec.Problem, rec.Updated = RequestDeclined, reason, a.opts.Now().UTC()
	if err := a.saveRequest(rec); err != nil {
		a.requestMu.Unlock()
		return fmt.Errorf("decline request: %w", err)
	}
	sent := a.expectSend(rec.Thread, told)
	a.requestMu.Unlock()

	return a.tellDeclined(ctx, "request", "verifier", rec.ID, rec.Thread, sent,
		func() error { return a.pp.ActionStop(rec.ID, errors.New(told)) })
}

// currentRequest returns the request as it stands now, with err.
func (a *Agent) currentRequest(piid string, err error) (*Request, error) {
	rec, e := a.loadRequest(piid)
	if e != nil {
		return nil, err
	}
	r := rec.Request
	return &r, err
}

// failRequest marks request piid failed with problem.
func (a *Agent) failRequest(piid, problem string) (*Request, error) {
	a.requestMu.Lock()
	defer a.requestMu.Unlock()
	rec, err := a.loadRequest(piid)
	if err != nil {
		return nil, fmt.Errorf("request %s: %s", piid, problem)
	}
	rec.State, rec.Problem, rec.Updated = RequestFailed, problem, a.opts.Now().UTC()
	_ = a.saveRequest(rec) // the error below says it all
	r := rec.Request
	return &r, fmt.Errorf("request %s: %s", piid, problem)
}

// findRequest resolves a full id or a unique prefix.
func (a *Agent) findRequest(id string) (*requestRecord, error) {
	var rec requestRecord
	if err := a.findRecord(requestsBucket, "request", id, ErrNoRequest, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// loadRequest reads the record of request piid.
func (a *Agent) loadRequest(piid string) (*requestRecord, error) {
	var rec requestRecord
	if err := a.getRecord(requestsBucket, "request", piid, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// saveRequest writes rec and, once written, tells whoever waits.
func (a *Agent) saveRequest(rec *requestRecord) error {
	if err := a.putRecord(requestsBucket, "request", rec.ID, rec); err != nil {
		return err
	}
	if a.opts.OnRequest != nil {
		a.opts.OnRequest(rec.Request)
	}
	return nil
}

// requestThread binds a request's protocol instance to the connection it
// arrived on, as its record keeps it (see offerThread).
func (a *Agent) requestThread(piid string) (didcomm.Pair, bool, error) {
	return recordThread(piid, a.loadRequest, func(r *requestRecord) (string, string) { return r.MyDID, r.TheirDID })
}
