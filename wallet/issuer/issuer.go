package issuer

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hyperledger/aries-framework-go/pkg/client/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/client/outofband"
	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/common/service"
	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/issuecredential"
	"github.com/hyperledger/aries-framework-go/pkg/framework/aries"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/didcomm"
	"github.com/skillpass/skillpass/wallet/ld"
)

var (
	// ErrPortTaken is returned by Start when the listen address is in use.
	// It is didcomm.ErrPortTaken.
	ErrPortTaken = didcomm.ErrPortTaken
	// ErrUnknownAchievement is returned by Offer for an achievement id the
	// catalogue does not list.
	ErrUnknownAchievement = errors.New("no such achievement in the catalogue")
	// ErrNoConnection is returned by Offer for a connection that does not
	// exist or is not complete.
	ErrNoConnection = errors.New("no such completed connection")
	// ErrClosed is returned by calls on a closed Issuer.
	ErrClosed = errors.New("issuer is closed")
)

// Options configures Start.
type Options struct {
	// Listen is the TCP address of the HTTP listener (DIDComm inbound and
	// the status list), for example "127.0.0.1:8700". Required: credentials
	// point at the status list there, so it must stay the same across runs.
	Listen string
	// Endpoint is the public base URL learners reach the issuer at (default
	// http://<the listener's address>). Set it behind a proxy.
	Endpoint string
	// Catalog is what the issuer offers. Required.
	Catalog *Catalog
	// AutoOffer offers the catalogue's first achievement to every new
	// connection.
	AutoOffer bool
	// Label is the name in the invitation (default the catalogue's issuer
	// name).
	Label string
	// HTTPClient sends outbound messages (default: a client of its own,
	// never http.DefaultClient).
	HTTPClient *http.Client
	// Loader loads JSON-LD contexts (default ld.NewLoader(): the embedded
	// contexts only, never the network).
	Loader *ld.Loader
	// Now is the clock for issuance dates (default time.Now).
	Now func() time.Time
	// Proof is how credentials are signed unless the catalogue's
	// achievement names its own proof (default ProofEd25519).
	Proof Proof
	// Logf, when set, receives one line per event (connection, offer,
	// issue, decline).
	Logf func(format string, args ...any)
}

// Issuer is a running issuer agent. Its methods are safe for concurrent
// use.
type Issuer struct {
	w      *wallet.Wallet
	opts   Options
	rec    records
	did    string // the Ed25519 did:key
	didBBS string // the BLS12-381 G2 did:key, or "" when the wallet has none
	// signers sign credentials, by proof (ProofBBS only with didBBS).
	signers map[Proof]*ldSigner

	fw     *aries.Aries
	in     *didcomm.Inbound
	client *http.Client
	oob    *outofband.Client
	didex  *didexchange.Client
	ic     *issuecredential.Service

	invitation    []byte
	invitationURL string

	icActions  chan service.DIDCommAction
	didActions chan service.DIDCommAction
	didStates  chan service.StateMsg
	icStates   chan service.StateMsg
	done       chan struct{}
	wg         sync.WaitGroup

	offerMu sync.Mutex // serialises changes of offer and issued records

	listMu    sync.Mutex
	listCache map[string][]byte    // the signed status list credentials by list id, until one changes
	listDate  map[string]time.Time // their issuanceDate: when their content last changed

	mu     sync.Mutex
	closed bool
}

// Start runs the issuer on its open wallet w (its DID and keys are the
// wallet's Ed25519 identity; aries' stores and the issuer's records live in
// the wallet file) and serves on opts.Listen. A taken port gives an error
// wrapping ErrPortTaken. Close the Issuer before the wallet.
func Start(w *wallet.Wallet, opts Options) (*Issuer, error) {
	if w == nil {
		return nil, errors.New("start issuer: no wallet")
	}
	if opts.Catalog == nil {
		return nil, errors.New("start issuer: no catalogue")
	}
	if err := opts.Catalog.Validate(); err != nil {
		return nil, fmt.Errorf("start issuer: %w", err)
	}
	if opts.Listen == "" {
		return nil, errors.New("start issuer: no listen address")
	}
	if opts.Label == "" {
		opts.Label = opts.Catalog.Issuer.Name
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	proofKind, err := ParseProof(string(opts.Proof))
	if err != nil {
		return nil, fmt.Errorf("start issuer: %w", err)
	}
	opts.Proof = proofKind
	if opts.Logf == nil {
		opts.Logf = func(string, ...any) {}
	}
	if opts.Loader == nil {
		l, err := ld.NewLoader()
		if err != nil {
			return nil, fmt.Errorf("start issuer: %w", err)
		}
		opts.Loader = l
	}
	id, err := w.Identity(did.Ed25519)
	if err != nil {
		return nil, fmt.Errorf("start issuer: %w", err)
	}
	cr, err := tinkcrypto.New()
	if err != nil {
		return nil, fmt.Errorf("start issuer: crypto: %w", err)
	}
	client := opts.HTTPClient
	if client == nil {
		client = didcomm.NewHTTPClient()
	}
	ed := kmsSigner{km: w.KeyManager(), cr: cr, keyID: id.KeyID}
	edSigner := &ldSigner{proof: ProofEd25519, ed: ed, vm: verificationMethod(id.DID), loader: opts.Loader}
	signers := map[Proof]*ldSigner{
		ProofEd25519: edSigner,
		ProofEdDSA2022: {proof: ProofEdDSA2022, ed: ed, vm: verificationMethod(id.DID), loader: opts.Loader,
			proc: ld.NewProcessor(opts.Loader)},
	}
	didBBS := ""
	if bls, err := w.Identity(did.BLS12381G2); err == nil {
		didBBS = bls.DID
		signers[ProofBBS] = &ldSigner{proof: ProofBBS, bbs: bbsSigner{km: w.KeyManager(), cr: cr, keyID: bls.KeyID},
			vm: verificationMethod(bls.DID), loader: opts.Loader}
	} else if usesProof(opts, ProofBBS) {
		return nil, fmt.Errorf("start issuer: BBS+ proofs need a BLS12-381 G2 key: %w", err)
	}
	is := &Issuer{
		w: w, opts: opts, rec: records{w: w}, did: id.DID, didBBS: didBBS, client: client,
		signers:   signers,
		listCache: map[string][]byte{}, listDate: map[string]time.Time{},
		icActions:  make(chan service.DIDCommAction, 16),
		didActions: make(chan service.DIDCommAction, 16),
		didStates:  make(chan service.StateMsg, 64),
		icStates:   make(chan service.StateMsg, 64),
		done:       make(chan struct{}),
	}
	in, err := listen(opts.Listen, opts.Endpoint, http.HandlerFunc(is.serveGet))
	if err != nil {
		return nil, fmt.Errorf("start issuer: %w", err)
	}
	is.in = in
	if err := is.start(); err != nil {
		_ = in.Stop()
		close(is.done)
		is.wg.Wait()
		if is.fw != nil {
			_ = is.fw.Close()
		}
		return nil, fmt.Errorf("start issuer: %w", err)
	}
	return is, nil
}

// start builds the framework, registers for events, creates the
// invitation and starts serving.
func (is *Issuer) start() error {
	var err error
	is.fw, err = didcomm.NewFramework(didcomm.Config{
		Wallet: is.w, StatePrefix: stateStorePrefix, Inbound: is.in, Client: is.client, Loader: is.opts.Loader,
		Guard: didcomm.GuardOptions{Threads: is.offerThread},
	})
	if err != nil {
		return err
	}
	ctx, err := is.fw.Context()
	if err != nil {
		return fmt.Errorf("aries context: %w", err)
	}
	if is.oob, err = outofband.New(ctx); err != nil {
		return fmt.Errorf("out-of-band client: %w", err)
	}
	if is.didex, err = didexchange.New(ctx); err != nil {
		return fmt.Errorf("did exchange client: %w", err)
	}
	svc, err := ctx.Service(issuecredential.Name)
	if err != nil {
		return fmt.Errorf("issue-credential service: %w", err)
	}
	ic, ok := svc.(*issuecredential.Service)
	if !ok {
		return fmt.Errorf("issue-credential service has type %T", svc)
	}
	is.ic = ic
	if err := is.didex.RegisterActionEvent(is.didActions); err != nil {
		return fmt.Errorf("did exchange events: %w", err)
	}
	if err := is.didex.RegisterMsgEvent(is.didStates); err != nil {
		return fmt.Errorf("did exchange events: %w", err)
	}
	if err := is.ic.RegisterActionEvent(is.icActions); err != nil {
		return fmt.Errorf("issue-credential events: %w", err)
	}
	if err := is.ic.RegisterMsgEvent(is.icStates); err != nil {
		return fmt.Errorf("issue-credential events: %w", err)
	}
	if err := is.makeInvitation(); err != nil {
		return err
	}
	// Requests a previous run left undecided.
	if actions, err := is.ic.Actions(); err == nil {
		for _, a := range actions {
			is.opts.Logf("offer %s: a message from the previous run is left undecided", a.PIID)
		}
	}
	is.wg.Add(3)
	go is.actionLoop()
	go is.didStateLoop()
	go is.icStateLoop()
	return is.in.Serve()
}

// savedInvitation is the invitation a previous run made, kept so that a
// restart on the same endpoint reuses it (printed QR codes keep working).
type savedInvitation struct {
	Endpoint   string          `json:"endpoint"`
	Label      string          `json:"label"`
	Invitation json.RawMessage `json:"invitation"`
}

// makeInvitation sets the out-of-band invitation learners connect with:
// the one saved by an earlier run when it was made for the same endpoint
// and label and aries still knows it, else a new one (then saved).
func (is *Issuer) makeInvitation() error {
	if raw, ok := is.savedInvitation(); ok {
		return is.setInvitation(raw)
	}
	inv, err := is.oob.CreateInvitation(nil,
		outofband.WithLabel(is.opts.Label),
		outofband.WithGoal("receive Open Badges from "+is.opts.Catalog.Issuer.Name, "issue-vc"),
		outofband.WithHandshakeProtocols(didexsvc.PIURI))
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	raw, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("create invitation: %w", err)
	}
	if err := is.setInvitation(raw); err != nil {
		return err
	}
	if err := is.rec.put(bucketConfig, configInvite, savedInvitation{
		Endpoint: is.in.Endpoint(), Label: is.opts.Label, Invitation: raw,
	}); err != nil {
		// The invitation works; only the next run makes another one.
		is.opts.Logf("the invitation is not saved, the next start makes a new one: %v", err)
	}
	return nil
}

// savedInvitation returns the saved invitation when it fits this run.
func (is *Issuer) savedInvitation() ([]byte, bool) {
	var saved savedInvitation
	if err := is.rec.get(bucketConfig, configInvite, &saved); err != nil {
		return nil, false
	}
	if saved.Endpoint != is.in.Endpoint() || saved.Label != is.opts.Label {
		return nil, false
	}
	var inv struct {
		ID string `json:"@id"`
	}
	if err := json.Unmarshal(saved.Invitation, &inv); err != nil || inv.ID == "" {
		return nil, false
	}
	// aries answers a DID Exchange request on the invitation only while
	// its own record of it is there.
	lookup, err := connectionLookup(is.w)
	if err != nil {
		return nil, false
	}
	var known map[string]any
	if err := lookup.GetInvitation(inv.ID, &known); err != nil {
		return nil, false
	}
	return saved.Invitation, true
}

// setInvitation checks the invitation JSON raw as the learner's wallet
// will and makes it the issuer's.
func (is *Issuer) setInvitation(raw []byte) error {
	link := is.in.Endpoint() + "/?oob=" + base64.RawURLEncoding.EncodeToString(raw)
	if _, err := agent.ParseInvitation([]byte(link)); err != nil {
		return fmt.Errorf("invitation: %w", err)
	}
	is.invitation, is.invitationURL = raw, link
	return nil
}

// DID returns the issuer's DID (did:key, Ed25519), the issuer and signer of
// every credential but the BBS+ ones, and of the status list they use.
func (is *Issuer) DID() string { return is.did }

// BBSDID returns the issuer's BLS12-381 G2 did:key, the issuer and signer
// of its BBS+ credentials and of the status list they use ("" when the
// issuer's wallet has no such key).
func (is *Issuer) BBSDID() string { return is.didBBS }

// usesProof reports whether p is the default proof of opts or the proof of
// an achievement of its catalogue.
func usesProof(opts Options, p Proof) bool {
	if opts.Proof == p {
		return true
	}
	for _, a := range opts.Catalog.Achievements {
		if k, err := ParseProof(a.Proof); err == nil && a.Proof != "" && k == p {
			return true
		}
	}
	return false
}

// proofFor returns how achievement a is signed: its own proof, else the
// default one.
func (is *Issuer) proofFor(a *Achievement) Proof {
	if a.Proof != "" {
		if k, err := ParseProof(a.Proof); err == nil {
			return k
		}
	}
	return is.opts.Proof
}

// issuerDID returns the issuer (and signer) of credentials signed with p.
func (is *Issuer) issuerDID(p Proof) string {
	if p == ProofBBS {
		return is.didBBS
	}
	return is.did
}

// InvitationURL returns the out-of-band 1.0 invitation as a link:
// <endpoint>/?oob=<base64url of the invitation JSON>.
func (is *Issuer) InvitationURL() string { return is.invitationURL }

// Invitation returns the invitation JSON.
func (is *Issuer) Invitation() []byte { return append([]byte(nil), is.invitation...) }

// Addr returns the address the listener is bound to.
func (is *Issuer) Addr() string { return is.in.Addr() }

// Endpoint returns the issuer's base URL.
func (is *Issuer) Endpoint() string { return is.in.Endpoint() }

// StatusListURL returns the URL of the issuer's status list credential
// (the one of its Ed25519 DID).
func (is *Issuer) StatusListURL() string { return is.listURL(StatusListID) }

// BBSStatusListURL returns the URL of the status list credential of the
// issuer's BBS+ credentials (issued and signed by its BLS12-381 G2 DID).
func (is *Issuer) BBSStatusListURL() string { return is.listURL(StatusListBBS) }

// listURL returns the URL of status list id.
func (is *Issuer) listURL(id string) string { return is.in.Endpoint() + "/status/" + id }

// Close stops serving and the agent. It does not close the wallet. Calling
// it again returns nil.
func (is *Issuer) Close() error {
	is.mu.Lock()
	if is.closed {
		is.mu.Unlock()
		return nil
	}
	is.closed = true
	is.mu.Unlock()
	errIn := is.in.Stop()
	close(is.done)
	is.wg.Wait()
	_ = is.ic.UnregisterActionEvent(is.icActions)
	_ = is.ic.UnregisterMsgEvent(is.icStates)
	_ = is.didex.UnregisterActionEvent(is.didActions)
	_ = is.didex.UnregisterMsgEvent(is.didStates)
	errFw := is.fw.Close()
	is.client.CloseIdleConnections()
	if err := errors.Join(errIn, errFw); err != nil {
		return fmt.Errorf("close issuer: %w", err)
	}
	return nil
}

func (is *Issuer) isClosed() bool {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.closed
}

// didStateLoop accepts nothing itself; it offers on completed connections.
func (is *Issuer) didStateLoop() {
	defer is.wg.Done()
	for {
		select {
		case <-is.done:
			return
		case act := <-is.didActions:
			// A public issuer accepts every DID Exchange request.
			act.Continue(nil)
		case st := <-is.didStates:
			if st.Type != service.PostState || st.StateID != didexsvc.StateIDCompleted {
				continue
			}
			p, ok := st.Properties.(interface{ ConnectionID() string })
			if !ok {
				continue
			}
			connID := p.ConnectionID()
			is.opts.Logf("connection %s completed", connID)
			if is.opts.AutoOffer {
				is.wg.Add(1)
				go func() {
					defer is.wg.Done()
					first := &is.opts.Catalog.Achievements[0]
					if _, err := is.send(connID, first, OfferOptions{}); err != nil {
						is.opts.Logf("auto-offer on connection %s: %v", connID, err)
					}
				}()
			}
		}
	}
}

// icStateLoop records acknowledged credentials.
func (is *Issuer) icStateLoop() {
	defer is.wg.Done()
	for {
		select {
		case <-is.done:
			return
		case st := <-is.icStates:
			if st.Type != service.PostState || st.StateID != "done" {
				continue
			}
			p, ok := st.Properties.(interface{ PIID() string })
			if !ok {
				continue
			}
			is.offerMu.Lock()
			if rec, err := is.rec.offer(p.PIID()); err == nil && rec.State == OfferIssued {
				rec.State, rec.Updated = OfferDone, is.opts.Now().UTC()
				if err := is.rec.saveOffer(rec); err != nil {
					is.opts.Logf("offer %s: %v", rec.ID, err)
				}
				is.opts.Logf("offer %s: the learner acknowledged %s", rec.ID, rec.CredentialID)
			}
			is.offerMu.Unlock()
		}
	}
}

// actionLoop answers the learners' issue-credential messages.
func (is *Issuer) actionLoop() {
	defer is.wg.Done()
	for {
		select {
		case <-is.done:
			return
		case act := <-is.icActions:
			is.handleAction(act)
		}
	}
}

func (is *Issuer) handleAction(act service.DIDCommAction) {
	piid := ""
	if p, ok := act.Properties.(interface{ PIID() string }); ok {
		piid = p.PIID()
	}
	if act.Message == nil {
		act.Stop(errors.New("empty message"))
		return
	}
	switch act.Message.Type() {
	case issuecredential.RequestCredentialMsgTypeV2:
		msg, err := is.issue(piid, act.Message)
		if err != nil {
			is.opts.Logf("offer %s: refused the request: %v", piid, err)
			act.Stop(err)
			return
		}
		act.Continue(issuecredential.WithIssueCredentialV2(msg))
	case issuecredential.ProblemReportMsgTypeV2:
		is.receiveProblem(piid, act.Message)
		act.Continue(nil)
	default:
		act.Stop(fmt.Errorf("this issuer does not take %s messages; accept one of its offers instead", act.Message.Type()))
	}
}

// receiveProblem records that the learner declined or refused an offer.
func (is *Issuer) receiveProblem(piid string, msg service.DIDCommMsg) {
	var pr struct {
		Description struct {
			Code string `json:"code"`
			En   string `json:"en"`
		} `json:"description"`
	}
	_ = msg.Decode(&pr)
	words := pr.Description.En
	if words == "" {
		words = pr.Description.Code
	}
	is.offerMu.Lock()
	defer is.offerMu.Unlock()
	rec, err := is.rec.offer(piid)
	if err != nil {
		return
	}
	rec.State, rec.Problem, rec.Updated = OfferDeclined, words, is.opts.Now().UTC()
	if err := is.rec.saveOffer(rec); err != nil {
		is.opts.Logf("offer %s: %v", piid, err)
	}
	is.opts.Logf("offer %s: the learner ended the exchange: %s", piid, words)
}

// OfferOptions adds to an offer what the catalogue does not say.
type OfferOptions struct {
	// SubjectName is the learner's name, put in the credential as an Open
	// Badges 3.0 identifier (IdentityObject, identityType "name", not
	// hashed). Empty: none.
	SubjectName string
	// Date fixes the credential's issuance date (the day, at 00:00 UTC);
	// zero: the time the learner's request is answered.
	Date time.Time
	// Result is a result text or score (for example "87%" or "Merit"),
	// put in the credential as an Open Badges 3.0 Result. Empty: none.
	Result string
}

// Limits of OfferOptions' texts, in bytes.
const (
	MaxSubjectName = 200
	MaxResult      = 256
)

// ErrBadOffer is wrapped by Offer's errors about OfferOptions.
var ErrBadOffer = errors.New("invalid offer")

// check checks o against the limits and the clock now.
func (o OfferOptions) check(now time.Time) error {
	if err := checkText("subject name", o.SubjectName, MaxSubjectName); err != nil {
		return err
	}
	if err := checkText("result", o.Result, MaxResult); err != nil {
		return err
	}
	if !o.Date.IsZero() {
		today := now.UTC().Truncate(24 * time.Hour)
		if o.Date.UTC().After(today) {
			return fmt.Errorf("%w: the date %s is in the future", ErrBadOffer, o.Date.UTC().Format(time.DateOnly))
		}
		if o.Date.Year() < 1900 {
			return fmt.Errorf("%w: the date %s is before 1900", ErrBadOffer, o.Date.UTC().Format(time.DateOnly))
		}
	}
	return nil
}

// checkText refuses control characters and texts longer than max bytes or
// that are not UTF-8.
func checkText(what, s string, max int) error {
	switch {
	case len(s) > max:
		return fmt.Errorf("%w: the %s is longer than %d bytes", ErrBadOffer, what, max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: the %s is not UTF-8 text", ErrBadOffer, what)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: the %s holds control characters", ErrBadOffer, what)
	case s != strings.TrimSpace(s):
		return fmt.Errorf("%w: the %s starts or ends with spaces", ErrBadOffer, what)
	}
	return nil
}

// template is the unsigned Open Badge for achievement a, to be signed
// with p: no id or subject id yet, and no date unless o fixes one.
func (is *Issuer) template(a *Achievement, o OfferOptions, p Proof) map[string]any {
	prof := is.opts.Catalog.Issuer
	issuer := map[string]any{"id": is.issuerDID(p), "type": []any{"Profile"}, "name": prof.Name}
	if prof.URL != "" {
		issuer["url"] = prof.URL
	}
	if prof.Email != "" {
		issuer["email"] = prof.Email
	}
	ach := a.openBadge()
	subject := map[string]any{
		"type":        []any{"AchievementSubject"},
		"achievement": ach,
	}
	var results []any
	if a.Level != "" {
		results = append(results, map[string]any{"type": []any{"Result"}, "value": a.Level})
	}
	if o.Result != "" {
		// A Result points at a ResultDescription of its achievement.
		rdID := a.ID + "#result"
		rtype := "Result"
		if strings.HasSuffix(o.Result, "%") {
			rtype = "Percent"
		}
		ach["resultDescription"] = []any{map[string]any{
			"id": rdID, "type": []any{"ResultDescription"}, "name": "Result", "resultType": rtype,
		}}
		results = append(results, map[string]any{"type": []any{"Result"}, "resultDescription": rdID, "value": o.Result})
	}
	if len(results) > 0 {
		subject["result"] = results
	}
	if o.SubjectName != "" {
		subject["identifier"] = []any{map[string]any{
			"type": "IdentityObject", "identityHash": o.SubjectName, "identityType": "name", "hashed": false,
		}}
	}
	vc := map[string]any{
		"@context":          p.contexts(),
		"type":              []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":            issuer,
		"name":              a.Name,
		"credentialSubject": subject,
	}
	if !o.Date.IsZero() {
		vc[p.dateKey()] = o.Date.UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
	}
	return vc
}

// Offer offers achievement achievementID to a learner (RFC 0593 JSON-LD
// detail, subject left open for the learner's DID) and returns the offer's
// id (its protocol instance id). learner is a connection id, the learner's
// DID on a connection, or a DID the issuer issued to on one; the
// connection must be completed (else an error wrapping ErrNoConnection).
func (is *Issuer) Offer(learner, achievementID string, o OfferOptions) (string, error) {
	if is.isClosed() {
		return "", fmt.Errorf("offer: %w", ErrClosed)
	}
	a := is.opts.Catalog.Achievement(achievementID)
	if a == nil {
		return "", fmt.Errorf("offer %q: %w", achievementID, ErrUnknownAchievement)
	}
	if err := o.check(is.opts.Now()); err != nil {
		return "", fmt.Errorf("offer: %w", err)
	}
	conns, err := is.Connections()
	if err != nil {
		return "", fmt.Errorf("offer: %w", err)
	}
	c, err := resolveLearner(conns, learner)
	if err != nil {
		return "", fmt.Errorf("offer: %w", err)
	}
	return is.send(c.ID, a, o)
}

// send sends the offer of a on the completed connection connID and
// records it.
func (is *Issuer) send(connID string, a *Achievement, o OfferOptions) (string, error) {
	conn, err := is.didex.GetConnection(connID)
	if err != nil {
		return "", fmt.Errorf("offer on connection %q: %w (%v)", connID, ErrNoConnection, err)
	}
	if conn.State != didexsvc.StateIDCompleted {
		return "", fmt.Errorf("offer on connection %q: %w (it is %s)", connID, ErrNoConnection, conn.State)
	}
	kind := is.proofFor(a)
	if is.signers[kind] == nil {
		return "", fmt.Errorf("offer %s: the issuer's wallet has no key for %s proofs", a.Name, kind)
	}
	tmpl := is.template(a, o, kind)
	raw, err := json.Marshal(tmpl)
	if err != nil {
		return "", fmt.Errorf("offer: %w", err)
	}
	msg, err := offerMessage(is.opts.Catalog.Issuer.Name, a, tmpl, kind)
	if err != nil {
		return "", fmt.Errorf("offer: %w", err)
	}
	is.offerMu.Lock()
	defer is.offerMu.Unlock()
	piid, err := is.ic.HandleOutbound(msg, conn.MyDID, conn.TheirDID)
	if err != nil {
		return "", fmt.Errorf("offer %s on connection %s: %w", a.Name, connID, err)
	}
	now := is.opts.Now().UTC()
	rec := &OfferRecord{
		ID: piid, ConnectionID: connID, AchievementID: a.ID, State: OfferSent,
		Sent: now, Updated: now, Template: raw, Result: o.Result,
	}
	if kind != ProofEd25519 {
		rec.Proof = kind
	}
	if !o.Date.IsZero() {
		rec.Date = o.Date.UTC().Format(time.DateOnly)
	}
	if err := is.rec.saveOffer(rec); err != nil {
		return piid, fmt.Errorf("offer sent, but not recorded (the learner's request will be refused): %w", err)
	}
	is.opts.Logf("offer %s sent on connection %s (%s)", piid, connID, a.ID)
	return piid, nil
}

// Offers lists the offers the issuer sent, in id order.
func (is *Issuer) Offers() ([]OfferRecord, error) {
	var out []OfferRecord
	err := is.w.AgentForEach(bucketOffers, func(_ string, v []byte) error {
		var o OfferRecord
		if err := json.Unmarshal(v, &o); err != nil {
			return fmt.Errorf("read offer: %w", err)
		}
		out = append(out, o)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list offers: %w", err)
	}
	return out, nil
}

// Issued lists the credentials the issuer issued, oldest first.
func (is *Issuer) Issued() ([]Issued, error) { return is.rec.issued() }

// Revoke revokes the credential id (or a unique prefix of its uuid): its
// entry in the served status list is set from now on. Revoking it again
// changes nothing.
func (is *Issuer) Revoke(id string) (*Issued, error) {
	is.offerMu.Lock()
	defer is.offerMu.Unlock()
	rec, err := is.rec.revoke(id, is.opts.Now())
	if err != nil {
		return nil, err
	}
	is.listMu.Lock()
	clear(is.listCache)
	clear(is.listDate)
	is.listMu.Unlock()
	is.opts.Logf("credential %s revoked (status entry %d)", rec.ID, rec.StatusIndex)
	return rec, nil
}

// maxSubjectLen bounds the subject DID a request may name.
const maxSubjectLen = 2048

// offerThread binds an offer's protocol instance to the connection it was
// sent on (the DIDComm guard's rule 2): a request or problem report on that
// thread from another connection is dropped before it is handled. Threads
// the issuer did not start bind nothing; a record that cannot be read fails
// the check.
func (is *Issuer) offerThread(piid string) (didcomm.Pair, bool, error) {
	rec, err := is.rec.offer(piid)
	if errors.Is(err, wallet.ErrAgentRecordNotFound) {
		return didcomm.Pair{}, false, nil
	}
	if err != nil {
		return didcomm.Pair{}, false, err
	}
	if rec.ConnectionID == "" {
		return didcomm.Pair{}, false, nil
	}
	return didcomm.Pair{ConnectionID: rec.ConnectionID}, true, nil
}

// issue answers a learner's request on offer piid: the offered credential,
// about the DID the request names, with a status entry, signed.
func (is *Issuer) issue(piid string, msg service.DIDCommMsg) (*issuecredential.IssueCredentialV2, error) {
	is.offerMu.Lock()
	defer is.offerMu.Unlock()
	rec, err := is.rec.offer(piid)
	if err != nil {
		return nil, errors.New("no offer of this issuer asks for this request")
	}
	if rec.State != OfferSent {
		return nil, fmt.Errorf("the offer was already answered (it is %s)", rec.State)
	}
	kind, err := ParseProof(string(rec.Proof))
	if err != nil {
		return nil, fmt.Errorf("the offer's record names an %w", err)
	}
	sig := is.signers[kind]
	if sig == nil {
		return nil, fmt.Errorf("the issuer's wallet has no key for %s proofs", kind)
	}
	subject, err := requestedSubject(msg, kind.proofType())
	if err != nil {
		return nil, err
	}
	var vc map[string]any
	if err := json.Unmarshal(rec.Template, &vc); err != nil {
		return nil, errors.New("the offer's record cannot be read")
	}
	now := is.opts.Now().UTC()
	credID, err := newCredentialID()
	if err != nil {
		return nil, err
	}
	idx, err := is.rec.allocateIndex(credID)
	if err != nil {
		return nil, err
	}
	listID := StatusListID
	if kind == ProofBBS {
		listID = StatusListBBS
	}
	listURL := is.listURL(listID)
	vc["id"] = credID
	if _, fixed := vc[kind.dateKey()].(string); !fixed {
		vc[kind.dateKey()] = now.Truncate(time.Second).Format(time.RFC3339)
	}
	if cs, ok := vc["credentialSubject"].(map[string]any); ok {
		cs["id"] = subject
	}
	vc["credentialStatus"] = map[string]any{
		"id":                   fmt.Sprintf("%s#%d", listURL, idx),
		"type":                 "StatusList2021Entry",
		"statusPurpose":        "revocation",
		"statusListIndex":      fmt.Sprint(idx),
		"statusListCredential": listURL,
	}
	if kind == ProofBBS {
		if err := addIDs(vc); err != nil {
			return nil, err
		}
	}
	signed, err := sig.sign(vc, now)
	if err != nil {
		return nil, fmt.Errorf("the credential could not be signed: %w", err)
	}
	issued := &Issued{
		ID: credID, OfferID: piid, ConnectionID: rec.ConnectionID, AchievementID: rec.AchievementID,
		Subject: subject, StatusIndex: idx, Issued: now,
	}
	if listID != StatusListID {
		issued.List = listID
	}
	if err := is.rec.put(bucketIssued, credID, issued); err != nil {
		return nil, fmt.Errorf("the credential could not be recorded: %w", err)
	}
	rec.State, rec.CredentialID, rec.Updated = OfferIssued, credID, now
	if err := is.rec.saveOffer(rec); err != nil {
		is.opts.Logf("offer %s: %v", piid, err)
	}
	is.opts.Logf("offer %s: issued %s to %s", piid, credID, subject)
	return issueMessage(signed), nil
}

// requestedSubject reads the learner's DID from an RFC 0593 request and
// checks that the proof type asked for, if any, is proofType.
func requestedSubject(msg service.DIDCommMsg, proofType string) (string, error) {
	var req issuecredential.RequestCredentialV2
	if err := msg.Decode(&req); err != nil {
		return "", fmt.Errorf("the request cannot be read: %w", err)
	}
	spec, err := detail(req.Formats, req.RequestsAttach)
	if err != nil {
		return "", fmt.Errorf("the request %w", err)
	}
	if spec.Options != nil && spec.Options.ProofType != "" && spec.Options.ProofType != proofType {
		return "", fmt.Errorf("the request asks for a %s proof; this offer is signed with %s", spec.Options.ProofType, proofType)
	}
	cs, _ := spec.Credential["credentialSubject"].(map[string]any)
	subject, _ := cs["id"].(string)
	switch {
	case subject == "":
		return "", errors.New("the request names no credentialSubject.id (the learner's DID)")
	case len(subject) > maxSubjectLen || !strings.HasPrefix(subject, "did:") || strings.ContainsAny(subject, " \t\r\n#"):
		return "", fmt.Errorf("the request's credentialSubject.id %.80q is not a DID", subject)
	}
	return subject, nil
}

// addIDs gives every object of vc below its root that has no id (outside
// @context and proof) a fresh urn:uuid: id, so that a learner can disclose
// it on its own from a BBS+ credential (a derived credential can only show
// objects with ids soundly).
func addIDs(vc map[string]any) error {
	var walk func(v any, root bool) error
	walk = func(v any, root bool) error {
		switch t := v.(type) {
		case map[string]any:
			if _, isValue := t["@value"]; isValue {
				return nil
			}
			if id, _ := t["id"].(string); !root && id == "" {
				id, err := newCredentialID()
				if err != nil {
					return err
				}
				t["id"] = id
			}
			for k, x := range t {
				if k == "@context" || k == "proof" {
					continue
				}
				if err := walk(x, false); err != nil {
					return err
				}
			}
		case []any:
			for _, x := range t {
				if err := walk(x, false); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(vc, true); err != nil {
		return fmt.Errorf("the credential's ids could not be made: %w", err)
	}
	return nil
}
