package agent

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/client/issuecredential/rfc0593"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/decorator"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/store"
)

// offersBucket is the agent bucket in the wallet file that holds the inbox.
const offersBucket = "offers"

// minOfferPrefix is the shortest offer id prefix Accept, Decline and Offer
// take.
const minOfferPrefix = 4

// OfferState is where an offer stands.
type OfferState string

// Offer states.
const (
	// OfferPending: in the inbox, waiting for the learner.
	OfferPending OfferState = "pending"
	// OfferAccepted: the learner accepted, the request went out, the
	// credential has not arrived yet.
	OfferAccepted OfferState = "accepted"
	// OfferStored: the credential arrived, verified and is in the wallet
	// (CredentialID).
	OfferStored OfferState = "stored"
	// OfferDeclined: the learner declined; the issuer was told.
	OfferDeclined OfferState = "declined"
	// OfferRejected: the credential arrived but was refused (Problem says
	// why); nothing was stored and the issuer was told.
	OfferRejected OfferState = "rejected"
	// OfferWithdrawn: the issuer ended the exchange (Problem has its words).
	OfferWithdrawn OfferState = "withdrawn"
	// OfferFailed: the exchange broke down (Problem says how): an offer in a
	// form Skillpass cannot take, or a message that could not be sent.
	OfferFailed OfferState = "failed"
)

// final reports whether an offer in state s will not change any more.
func (s OfferState) final() bool {
	return s != OfferPending && s != OfferAccepted
}

// Attribute is one entry of an offer's credential preview.
type Attribute struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	MimeType string `json:"mimeType,omitempty"`
}

// Offer is a credential an issuer offered the learner, as the inbox shows it.
type Offer struct {
	ID           string      `json:"id"` // the protocol instance (thread) id
	State        OfferState  `json:"state"`
	Received     time.Time   `json:"received"`
	Updated      time.Time   `json:"updated"`
	ConnectionID string      `json:"connectionId,omitempty"`
	From         string      `json:"from,omitempty"`        // the connection's label
	Comment      string      `json:"comment,omitempty"`     // the issuer's words
	Name         string      `json:"name,omitempty"`        // the credential's name
	Issuer       string      `json:"issuer,omitempty"`      // the issuer's id (a DID or URL)
	IssuerName   string      `json:"issuerName,omitempty"`  // the issuer's name, if the credential gives one
	Types        []string    `json:"types,omitempty"`       // the credential's types
	Achievement  string      `json:"achievement,omitempty"` // Open Badges: the achievement's name
	Description  string      `json:"description,omitempty"` // Open Badges: the achievement's description
	Attributes   []Attribute `json:"attributes,omitempty"`  // the credential preview
	ProofType    string      `json:"proofType,omitempty"`   // the signature the issuer will use
	CredentialID string      `json:"credentialId,omitempty"`
	Problem      string      `json:"problem,omitempty"`
}

// offerRecord is what the inbox keeps of an offer.
type offerRecord struct {
	Offer
	Thread    string          `json:"thread"`
	MyDID     string          `json:"myDid,omitempty"`
	TheirDID  string          `json:"theirDid,omitempty"`
	Spec      json.RawMessage `json:"spec,omitempty"`      // the RFC 0593 detail as offered
	Requested json.RawMessage `json:"requested,omitempty"` // and as requested
}

// incoming is an issue-credential message waiting for our decision, from a
// live event or from aries' store after a restart.
type incoming struct {
	piid     string
	msg      service.DIDCommMsgMap
	myDID    string
	theirDID string
}

// fromEvent turns an action event into an incoming message.
func fromEvent(act service.DIDCommAction) incoming {
	in := incoming{}
	if act.Message != nil {
		in.msg = act.Message.Clone()
	}
	if p, ok := act.Properties.(interface {
		PIID() string
		MyDID() string
		TheirDID() string
	}); ok {
		in.piid, in.myDID, in.theirDID = p.PIID(), p.MyDID(), p.TheirDID()
	}
	return in
}

// reconcile takes up the messages a previous run left undecided (aries keeps
// them in the wallet file until they are continued or stopped).
func (a *Agent) reconcile() error {
	actions, err := a.ic.Actions()
	if err != nil {
		return fmt.Errorf("read pending issue-credential messages: %w", err)
	}
	for _, act := range actions {
		a.handleAction(incoming{piid: act.PIID, msg: act.Msg, myDID: act.MyDID, theirDID: act.TheirDID})
	}
	return nil
}

// handleAction decides what to do with an incoming issue-credential message.
func (a *Agent) handleAction(in incoming) {
	if in.piid == "" || in.msg == nil {
		return // nothing aries could continue or stop
	}
	switch in.msg.Type() {
	case issuecredential.OfferCredentialMsgTypeV2:
		a.receiveOffer(in)
	case issuecredential.IssueCredentialMsgTypeV2:
		a.receiveCredential(in)
	case issuecredential.ProblemReportMsgTypeV2:
		a.receiveProblem(in)
	default:
		a.stop(in, fmt.Sprintf("Skillpass does not take %s messages", in.msg.Type()))
	}
}

// stop ends the issue-credential instance of in with a problem report
// giving reason.
func (a *Agent) stop(in incoming, reason string) {
	a.stopWith(func(piid string, cause error) error { return a.ic.ActionStop(piid, cause) }, in, reason)
}

// stopWith ends the protocol instance of in through actionStop (the
// ActionStop of the service that runs it) with a problem report giving
// reason, and has expectSend wait for that report on the thread of in
// when it has one.
func (a *Agent) stopWith(actionStop func(piid string, cause error) error, in incoming, reason string) {
	thid, err := in.msg.ThreadID()
	if err != nil {
		_ = actionStop(in.piid, errors.New(reason))
		return
	}
	ch := a.expectSend(thid, reason)
	if err := actionStop(in.piid, errors.New(reason)); err != nil {
		a.cancelSend(thid, ch)
	}
}

// receiveOffer puts an offer in the inbox. Nothing is sent.
func (a *Agent) receiveOffer(in incoming) {
	a.offerMu.Lock()
	defer a.offerMu.Unlock()
	now := a.opts.Now().UTC()
	if rec, err := a.loadOffer(in.piid); err == nil {
		// Seen before a restart that came between our record and aries'
		// step. An offer marked accepted whose request never left goes back
		// to the inbox; one declined or failed is ended now.
		switch {
		case rec.State == OfferAccepted:
			rec.State, rec.Updated = OfferPending, now
			_ = a.saveOffer(rec) // else it stays accepted and is taken up again next time
		case rec.State.final():
			a.stop(in, orDefault(rec.Problem, "the learner declined the offer"))
		}
		return
	}
	thid, _ := in.msg.ThreadID()
	rec := &offerRecord{
		Offer:  Offer{ID: in.piid, State: OfferPending, Received: now, Updated: now},
		Thread: thid, MyDID: in.myDID, TheirDID: in.theirDID,
	}
	if c, err := a.conns.GetConnectionRecordByDIDs(in.myDID, in.theirDID); err == nil {
		rec.ConnectionID, rec.From = c.ConnectionID, c.TheirLabel
	}
	var offer issuecredential.OfferCredentialV2
	err := in.msg.Decode(&offer)
	if err == nil {
		rec.Comment = offer.Comment
		for _, at := range offer.CredentialPreview.Attributes {
			rec.Attributes = append(rec.Attributes, Attribute{Name: at.Name, Value: at.Value, MimeType: at.MimeType})
		}
		err = rec.setSpec(&offer)
	}
	if err != nil {
		rec.State, rec.Problem = OfferFailed, "the offer cannot be taken: "+err.Error()
		_ = a.saveOffer(rec) // the learner's record of it; the issuer is told either way
		a.stop(in, "Skillpass takes credentials offered as RFC 0593 JSON-LD (aries/ld-proof-vc-detail@v1.0): "+err.Error())
		return
	}
	// A record that cannot be written leaves the offer in aries' store,
	// taken up at the next start.
	_ = a.saveOffer(rec)
}

// setSpec keeps the offer's RFC 0593 detail and fills the preview from it.
func (rec *offerRecord) setSpec(offer *issuecredential.OfferCredentialV2) error {
	att, err := rfc0593.FindAttachment(rfc0593.ProofVCDetailFormat, offer.Formats, offer.OffersAttach)
	if errors.Is(err, rfc0593.ErrRFC0593NotApplicable) {
		return errors.New("it has no aries/ld-proof-vc-detail@v1.0 attachment")
	}
	if err != nil {
		return err
	}
	raw, err := att.Data.Fetch()
	if err != nil {
		return fmt.Errorf("its attachment cannot be read: %w", err)
	}
	var spec struct {
		Credential map[string]any                 `json:"credential"`
		Options    *rfc0593.CredentialSpecOptions `json:"options"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("its attachment is not a credential detail: %w", err)
	}
	vc := spec.Credential
	if vc == nil {
		return errors.New("its attachment holds no credential")
	}
	types := stringList(vc["type"])
	if !contains(types, "VerifiableCredential") {
		return errors.New("what it offers is not a VerifiableCredential")
	}
	rec.Spec = raw
	rec.Types = types
	rec.Name, _ = vc["name"].(string)
	rec.Issuer = idOf(vc["issuer"])
	if m, ok := vc["issuer"].(map[string]any); ok {
		rec.IssuerName, _ = m["name"].(string)
	}
	if spec.Options != nil {
		rec.ProofType = spec.Options.ProofType
	}
	if cs, ok := vc["credentialSubject"].(map[string]any); ok {
		if ach, ok := cs["achievement"].(map[string]any); ok {
			rec.Achievement, _ = ach["name"].(string)
			rec.Description, _ = ach["description"].(string)
		}
	}
	if rec.Description == "" {
		rec.Description, _ = vc["description"].(string)
	}
	return nil
}

// Inbox returns the offers waiting for the learner, oldest first.
func (a *Agent) Inbox() ([]Offer, error) {
	all, err := a.Offers()
	if err != nil {
		return nil, err
	}
	return only(all, func(o Offer) bool { return o.State == OfferPending }), nil
}

// Offers returns every offer the agent has seen, whatever its state, oldest
// first.
func (a *Agent) Offers() ([]Offer, error) {
	return listRecords(a, offersBucket, "offer",
		func(r offerRecord) Offer { return r.Offer },
		func(o Offer) (time.Time, string) { return o.Received, o.ID })
}

// Offer returns the offer with id, or the one whose id starts with id (at
// least 4 characters).
func (a *Agent) Offer(id string) (*Offer, error) {
	rec, err := a.findOffer(id)
	if err != nil {
		return nil, err
	}
	o := rec.Offer
	return &o, nil
}

// findOffer resolves a full id or a unique prefix.
func (a *Agent) findOffer(id string) (*offerRecord, error) {
	var rec offerRecord
	if err := a.findRecord(offersBucket, "offer", id, ErrNoOffer, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// loadOffer reads the record of offer piid.
func (a *Agent) loadOffer(piid string) (*offerRecord, error) {
	var rec offerRecord
	if err := a.getRecord(offersBucket, "offer", piid, &rec); err != nil {
		return nil, err
	}
	return &rec, nil
}

// saveOffer writes rec and, once written, tells whoever waits.
func (a *Agent) saveOffer(rec *offerRecord) error {
	if err := a.putRecord(offersBucket, "offer", rec.ID, rec); err != nil {
		return err
	}
	if a.opts.OnOffer != nil {
		a.opts.OnOffer(rec.Offer)
	}
	return nil
}

// Accept asks the issuer for the offered credential and waits until it has
// arrived and been verified and stored (the offer's state is then
// OfferStored and CredentialID names the wallet record), or refused
// (ErrRejected, nothing stored), or until Options.Timeout or ctx ends the
// wait (ErrTimeout; a credential that arrives later is still handled while
// the agent runs). id may be a unique prefix of at least 4 characters.
func (a *Agent) Accept(ctx context.Context, id string) (*Offer, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return nil, fmt.Errorf("accept offer: %w", ErrClosed)
	}
	deadline := time.Now().Add(a.opts.Timeout)
	a.offerMu.Lock()
	rec, err := a.findOffer(id)
	if err != nil {
		a.offerMu.Unlock()
		return nil, fmt.Errorf("accept offer: %w", err)
	}
	if rec.State != OfferPending {
		a.offerMu.Unlock()
		o := rec.Offer
		return &o, fmt.Errorf("accept offer %s: %w (it is %s)", rec.ID, ErrNotPending, rec.State)
	}
	req, requested, err := a.request(rec)
	if err != nil {
		a.offerMu.Unlock()
		return nil, fmt.Errorf("accept offer %s: %w", rec.ID, err)
	}
	rec.State, rec.Updated, rec.Requested = OfferAccepted, a.opts.Now().UTC(), requested
	if err := a.saveOffer(rec); err != nil {
		a.offerMu.Unlock()
		return nil, fmt.Errorf("accept offer: %w", err)
	}
	sent := a.expectSend(rec.Thread, "")
	a.offerMu.Unlock()

	if err := a.ic.ActionContinue(rec.ID, issuecredential.WithRequestCredentialV2(req)); err != nil {
		a.cancelSend(rec.Thread, sent)
		return a.fail(rec.ID, "the offer can no longer be accepted: "+err.Error())
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case err := <-sent:
		if err != nil {
			return a.fail(rec.ID, "the request could not be sent to the issuer: "+err.Error())
		}
	case <-ctx.Done():
		return a.current(rec.ID, fmt.Errorf("accept offer %s: %w", rec.ID, ctx.Err()))
	case <-a.done:
		return a.current(rec.ID, fmt.Errorf("accept offer %s: %w", rec.ID, ErrClosed))
	case <-timer.C:
		return a.current(rec.ID, fmt.Errorf("accept offer %s: %w: the request is still on its way to the issuer", rec.ID, ErrTimeout))
	}
	var final *offerRecord
	err = a.waitUntil(ctx, deadline, func() (bool, error) {
		r, err := a.loadOffer(rec.ID)
		if err != nil {
			return false, err
		}
		final = r
		return r.State.final(), nil
	})
	if errors.Is(err, ErrTimeout) {
		return a.current(rec.ID, fmt.Errorf("accept offer %s: %w: the issuer has not sent the credential yet; it is stored when it arrives while the agent runs", rec.ID, err))
	}
	if err != nil {
		return a.current(rec.ID, fmt.Errorf("accept offer %s: %w", rec.ID, err))
	}
	o := final.Offer
	switch final.State {
	case OfferStored:
		return &o, nil
	case OfferRejected:
		return &o, fmt.Errorf("accept offer %s: %w: %s", rec.ID, ErrRejected, final.Problem)
	case OfferWithdrawn:
		return &o, fmt.Errorf("accept offer %s: %w: %s", rec.ID, ErrWithdrawn, final.Problem)
	default:
		return &o, fmt.Errorf("accept offer %s: %s", rec.ID, final.Problem)
	}
}

// current returns the offer as it stands now, with err.
func (a *Agent) current(piid string, err error) (*Offer, error) {
	rec, e := a.loadOffer(piid)
	if e != nil {
		return nil, err
	}
	o := rec.Offer
	return &o, err
}

// fail marks offer piid failed with problem and returns it with an error.
func (a *Agent) fail(piid, problem string) (*Offer, error) {
	a.offerMu.Lock()
	rec, err := a.loadOffer(piid)
	if err != nil {
		a.offerMu.Unlock()
		return nil, fmt.Errorf("offer %s: %s", piid, problem)
	}
	if !rec.State.final() {
		rec.State, rec.Problem, rec.Updated = OfferFailed, problem, a.opts.Now().UTC()
		_ = a.saveOffer(rec) // the error below says it all
	}
	a.offerMu.Unlock()
	o := rec.Offer
	return &o, fmt.Errorf("offer %s: %s", piid, problem)
}

// request builds the RFC 0593 request for rec: the offered detail, with the
// credential bound to the learner's Ed25519 did:key when the offer leaves the
// subject's id open.
func (a *Agent) request(rec *offerRecord) (*issuecredential.RequestCredentialV2, json.RawMessage, error) {
	var spec map[string]any
	if err := json.Unmarshal(rec.Spec, &spec); err != nil {
		return nil, nil, fmt.Errorf("read the offered credential: %w", err)
	}
	if vc, ok := spec["credential"].(map[string]any); ok {
		if cs, ok := vc["credentialSubject"].(map[string]any); ok {
			if _, has := cs["id"]; !has {
				if me, err := a.w.Identity(did.Ed25519); err == nil {
					cs["id"] = me.DID
				}
			}
		}
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, nil, fmt.Errorf("build the request: %w", err)
	}
	attachID, err := randomID()
	if err != nil {
		return nil, nil, fmt.Errorf("build the request: %w", err)
	}
	req := &issuecredential.RequestCredentialV2{
		Type:    issuecredential.RequestCredentialMsgTypeV2,
		Formats: []issuecredential.Format{{AttachID: attachID, Format: rfc0593.ProofVCDetailFormat}},
		RequestsAttach: []decorator.Attachment{{
			ID: attachID, MimeType: "application/json",
			Data: decorator.AttachmentData{JSON: spec},
		}},
	}
	return req, raw, nil
}

// randomID returns 16 random bytes in hex.
func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// Decline refuses the offer and tells the issuer with a problem report
// (code "rejected") carrying reason. The offer leaves the inbox even when
// the issuer cannot be reached; the error then says so.
func (a *Agent) Decline(ctx context.Context, id, reason string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if a.isClosed() {
		return fmt.Errorf("decline offer: %w", ErrClosed)
	}
	reason = strings.TrimSpace(reason)
	told := reason
	if told == "" {
		told = "the learner declined the offer"
	}
	a.offerMu.Lock()
	rec, err := a.findOffer(id)
	if err != nil {
		a.offerMu.Unlock()
		return fmt.Errorf("decline offer: %w", err)
	}
	if rec.State != OfferPending {
		a.offerMu.Unlock()
		return fmt.Errorf("decline offer %s: %w (it is %s)", rec.ID, ErrNotPending, rec.State)
	}
	rec.State, rec.Problem, rec.Updated = OfferDeclined, reason, a.opts.Now().UTC()
	if err := a.saveOffer(rec); err != nil {
		a.offerMu.Unlock()
		return fmt.Errorf("decline offer: %w", err)
	}
	sent := a.expectSend(rec.Thread, told)
	a.offerMu.Unlock()

	return a.tellDeclined(ctx, "offer", "issuer", rec.ID, rec.Thread, sent,
		func() error { return a.ic.ActionStop(rec.ID, errors.New(told)) })
}

// tellDeclined ends protocol instance id with stop (whose problem report
// expectSend is waiting for on sent) and waits until the other side
// (whom: "issuer", "verifier") was told, the context ends, the agent
// closes or the agent's timeout passes. The learner's decision already
// stands: every error says so.
func (a *Agent) tellDeclined(ctx context.Context, what, whom, id, thread string, sent <-chan error, stop func() error) error {
	if err := stop(); err != nil {
		a.cancelSend(thread, sent)
		return fmt.Errorf("decline %s %s: declined here, but the %s could not be told: %w", what, id, whom, err)
	}
	timer := time.NewTimer(a.opts.Timeout)
	defer timer.Stop()
	select {
	case err := <-sent:
		if err != nil {
			return fmt.Errorf("decline %s %s: declined here, but the %s could not be told: %w", what, id, whom, err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("decline %s %s: declined here; telling the %s: %w", what, id, whom, ctx.Err())
	case <-a.done:
		return fmt.Errorf("decline %s %s: declined here; telling the %s: %w", what, id, whom, ErrClosed)
	case <-timer.C:
		return fmt.Errorf("decline %s %s: declined here; telling the %s: %w", what, id, whom, ErrTimeout)
	}
}

// receiveCredential takes the credential answering an accepted offer: it
// must match the offer and pass the wallet's import (verification); then it
// is stored once and acknowledged. Anything else is refused with a problem
// report and nothing is stored.
func (a *Agent) receiveCredential(in incoming) {
	a.offerMu.Lock()
	defer a.offerMu.Unlock()
	rec, err := a.loadOffer(in.piid)
	switch {
	case err == nil && rec.State == OfferAccepted:
	case err == nil && rec.State == OfferStored:
		// Stored before a restart that came before the ack.
		a.continueWithReply(in)
		return
	case err == nil && rec.State == OfferRejected:
		a.stop(in, rec.Problem)
		return
	default:
		a.stop(in, "no offer the learner accepted asks for this credential")
		return
	}
	reject := func(reason string) {
		rec.State, rec.Problem, rec.Updated = OfferRejected, reason, a.opts.Now().UTC()
		_ = a.saveOffer(rec) // nothing was stored; the issuer is told either way
		a.stop(in, reason)
	}
	raw, err := attachedCredential(in.msg)
	if err != nil {
		reject(err.Error())
		return
	}
	spec := rec.Requested
	if len(spec) == 0 {
		spec = rec.Spec
	}
	if err := matchOffer(raw, spec); err != nil {
		reject("the credential does not match the offer: " + err.Error())
		return
	}
	source := "DIDComm"
	if rec.From != "" {
		source += " from " + rec.From
	}
	res, err := a.w.Import(context.Background(), source, raw)
	switch {
	case errors.Is(err, store.ErrLocked):
		// Not the credential's fault: aries keeps the message, and the
		// next start takes it up (reconcile).
		return
	case err != nil:
		reject("the credential cannot be read: " + err.Error())
		return
	case len(res) != 1:
		reject(fmt.Sprintf("one credential was expected, the message holds %d", len(res)))
		return
	case res[0].Rejected != nil:
		reject("the credential failed verification: " + res[0].Rejected.Reason)
		return
	}
	rec.State, rec.CredentialID, rec.Problem, rec.Updated = OfferStored, res[0].ID, "", a.opts.Now().UTC()
	if err := a.saveOffer(rec); err != nil {
		// The credential is in the wallet; aries keeps the message, and the
		// next start finds it there (a duplicate) and acknowledges it.
		return
	}
	a.continueWithReply(in) // sends the ack
}

// continueWithReply continues the protocol instance of in, which makes
// aries reply on its thread (an ack to a credential).
func (a *Agent) continueWithReply(in incoming) {
	thid, err := in.msg.ThreadID()
	if err != nil {
		_ = a.ic.ActionContinue(in.piid)
		return
	}
	ch := a.expectSend(thid, "")
	if err := a.ic.ActionContinue(in.piid); err != nil {
		a.cancelSend(thid, ch)
	}
}

// receiveProblem records that the issuer ended the exchange.
func (a *Agent) receiveProblem(in incoming) {
	a.offerMu.Lock()
	defer a.offerMu.Unlock()
	var pr struct {
		Description struct {
			Code string `json:"code"`
			En   string `json:"en"`
		} `json:"description"`
	}
	_ = in.msg.Decode(&pr)
	words := pr.Description.En
	if words == "" {
		words = pr.Description.Code
	}
	if rec, err := a.loadOffer(in.piid); err == nil && !rec.State.final() {
		rec.State, rec.Updated = OfferWithdrawn, a.opts.Now().UTC()
		rec.Problem = "the issuer ended the exchange"
		if words != "" {
			rec.Problem += ": " + words
		}
		_ = a.saveOffer(rec) // the exchange is over either way
	}
	_ = a.ic.ActionContinue(in.piid) // ends the instance; no reply to a problem report
}

// attachedCredential returns the JSON-LD credential of an issue-credential
// message: the aries/ld-proof-vc@v1.0 attachment, or the only attachment.
func attachedCredential(msg service.DIDCommMsgMap) ([]byte, error) {
	var ic issuecredential.IssueCredentialV2
	if err := msg.Decode(&ic); err != nil {
		return nil, fmt.Errorf("the message cannot be read: %w", err)
	}
	att, err := rfc0593.FindAttachment(rfc0593.ProofVCFormat, ic.Formats, ic.CredentialsAttach)
	if errors.Is(err, rfc0593.ErrRFC0593NotApplicable) && len(ic.CredentialsAttach) == 1 {
		att, err = &ic.CredentialsAttach[0], nil
	}
	if errors.Is(err, rfc0593.ErrRFC0593NotApplicable) {
		return nil, errors.New("the message holds no aries/ld-proof-vc@v1.0 credential")
	}
	if err != nil {
		return nil, err
	}
	raw, err := att.Data.Fetch()
	if err != nil {
		return nil, fmt.Errorf("the credential attachment cannot be read: %w", err)
	}
	return raw, nil
}

// matchOffer checks that the credential vcRaw is what the RFC 0593 detail
// spec asked for: one credential (not a presentation), of every type asked,
// from the issuer named, about the subject named, with the proof type (and
// domain and challenge, where set) asked. Empty options ask nothing: this is
// where aries' own check (rfc0593.ValidateVCMatchesSpecOptions) fails.
func matchOffer(vcRaw, spec []byte) error {
	var vc map[string]any
	if err := json.Unmarshal(vcRaw, &vc); err != nil {
		return fmt.Errorf("it is not a JSON object: %w", err)
	}
	var want struct {
		Credential map[string]any                 `json:"credential"`
		Options    *rfc0593.CredentialSpecOptions `json:"options"`
	}
	if err := json.Unmarshal(spec, &want); err != nil || want.Credential == nil {
		return errors.New("the offer's detail cannot be read")
	}
	types := stringList(vc["type"])
	if contains(types, "VerifiablePresentation") || !contains(types, "VerifiableCredential") {
		return errors.New("it is not a single VerifiableCredential")
	}
	for _, t := range stringList(want.Credential["type"]) {
		if !contains(types, t) {
			return fmt.Errorf("it is not of type %s", t)
		}
	}
	if w := idOf(want.Credential["issuer"]); w != "" {
		if got := idOf(vc["issuer"]); got != w {
			return fmt.Errorf("its issuer is %q, the offer named %q", got, w)
		}
	}
	if ws, ok := want.Credential["credentialSubject"].(map[string]any); ok {
		if w, _ := ws["id"].(string); w != "" {
			gs, _ := vc["credentialSubject"].(map[string]any)
			if got, _ := gs["id"].(string); got != w {
				return fmt.Errorf("it is about %q, not %q", got, w)
			}
		}
	}
	if o := want.Options; o != nil && (o.ProofType != "" || o.Domain != "" || o.Challenge != "") {
		ok := false
		for _, p := range proofs(vc["proof"]) {
			if (o.ProofType == "" || p["type"] == o.ProofType) &&
				(o.Domain == "" || p["domain"] == o.Domain) &&
				(o.Challenge == "" || p["challenge"] == o.Challenge) {
				ok = true
				break
			}
		}
		if !ok {
			return fmt.Errorf("it has no %s proof with the domain and challenge asked", orDefault(o.ProofType, "such"))
		}
	}
	return nil
}

// proofs returns the proof objects of a credential's proof value.
func proofs(v any) []map[string]any {
	switch p := v.(type) {
	case map[string]any:
		return []map[string]any{p}
	case []any:
		var out []map[string]any
		for _, e := range p {
			if m, ok := e.(map[string]any); ok {
				out = append(out, m)
			}
		}
		return out
	}
	return nil
}

// stringList reads a JSON-LD value that is a string or a list of strings.
func stringList(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// idOf reads an id that is a string or an object's "id".
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		s, _ := t["id"].(string)
		return s
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
