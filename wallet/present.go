package wallet

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// Presentations
//
// The wallet makes a W3C Verifiable Presentation holding whole credentials
// exactly as they were received or, for BBS+ credentials the learner shows
// in part, credentials derived to show only the chosen claims (see
// disclose.go), signed by the learner's Ed25519 did:key
// (the wallet's first Ed25519 identity) with a DataIntegrityProof of
// cryptosuite eddsa-rdfc-2022, proofPurpose "authentication". The private
// key never leaves aries' KMS: the wallet asks the KMS for the key handle and
// signs through aries' tinkcrypto.
//
// Data model: when every credential is a VC 1.1 one (its first @context is
// https://www.w3.org/2018/credentials/v1) the presentation is VC 1.1
// (context [v1, data-integrity/v2], the second defining the proof's terms),
// which verifiers of either generation read. Otherwise it is VC 2.0 (context
// [v2]): a VC 2.0 presentation can carry VC 1.1 credentials beside VC 2.0
// ones (each keeps its own @context), while the VC 1.1 context cannot carry
// VC 2.0 credentials (their protected terms clash). A VC-JWT credential is
// carried as a VC 2.0 EnvelopedVerifiableCredential, so it makes the
// presentation VC 2.0.
//
// Expiry: the proof carries "expires" (both data models define it through
// the Data Integrity vocabulary and package verify checks it on every
// presentation proof); the presentation itself has no validUntil, so there
// is one expiry, signed, in one place. The presentation gets a fresh
// urn:uuid id, so two presentations of the same credentials, even made in
// the same second with the same challenge, carry different holder
// signatures.
//
// Presentation Exchange: a request may carry a Submission (the DIF
// Presentation Exchange presentation_submission, mapping each input
// descriptor of a verifier's presentation definition to one credential of
// the presentation). It is put into the presentation before the holder
// signs, so the holder's proof covers it: the presentation then also has
// the type PresentationSubmission and the submission context
// (https://identity.foundation/presentation-exchange/submission/v1, one of
// aries' embedded contexts), under which presentation_submission is a JSON
// literal (@json) whose canonical JSON is signed. This is the form the
// Presentation Exchange specification shows for a Verifiable Presentation
// and the one aries' PresentationDefinition.Match requires. A request
// without a Submission makes exactly the presentation it made before
// submissions existed (same context, type and properties), so QR codes of
// such presentations do not grow.

// Context URLs a presentation is made with.
const (
	contextV2 = "https://www.w3.org/ns/credentials/v2"
	contextV1 = "https://www.w3.org/2018/credentials/v1"
	contextDI = "https://w3id.org/security/data-integrity/v2"
	// contextPE is the DIF Presentation Exchange submission context: it
	// defines the type PresentationSubmission and, under it,
	// presentation_submission as a JSON literal.
	contextPE = "https://identity.foundation/presentation-exchange/submission/v1"
)

// typeSubmission is the presentation type that goes with contextPE.
const typeSubmission = "PresentationSubmission"

// Presentation Exchange Claim Format Designations a submission's
// descriptor map may give for the credentials the wallet presents.
const (
	// FormatLDPVC is a JSON-LD credential with a linked data or Data
	// Integrity proof ("ldp_vc").
	FormatLDPVC = "ldp_vc"
	// FormatJWTVC is a VC-JWT credential ("jwt_vc"); in the presentation it
	// is carried as a VC 2.0 EnvelopedVerifiableCredential.
	FormatJWTVC = "jwt_vc"
)

// maxDescriptorMap bounds the entries of a submission's descriptor map.
const maxDescriptorMap = 64

// Data model versions a presentation can be made in.
const (
	// VCDM2 is the W3C Verifiable Credentials Data Model 2.0.
	VCDM2 = "VC 2.0"
	// VCDM11 is the W3C Verifiable Credentials Data Model 1.1.
	VCDM11 = "VC 1.1"
)

// ActionPresent is the activity log's action for a presentation made. One
// entry is written per credential presented, all in one transaction; their
// Detail names the presentation so they can be grouped.
const ActionPresent Action = "present"

// DefaultPresentationTTL is how long a presentation holds when the request
// gives no expiry: long enough to show it on a screen and have it scanned.
const DefaultPresentationTTL = 15 * time.Minute

// maxChallengeLen bounds a verifier's challenge and domain.
const maxChallengeLen = 256

var (
	// ErrNothingChosen is returned when a presentation request names no
	// credential.
	ErrNothingChosen = errors.New("no credential chosen to present")
	// ErrWholeOnly is returned when a request names claims to disclose on a
	// credential whose proof cannot disclose single claims: such a credential
	// can only be shown whole.
	ErrWholeOnly = errors.New("this credential can only be shown whole")
	// ErrCannotPresent is returned (wrapped) when a stored credential cannot
	// be put in a presentation (it cannot be read, or names neither VC data
	// model).
	ErrCannotPresent = errors.New("cannot present this credential")
	// ErrBadExpiry is returned when the requested expiry is not in the
	// future.
	ErrBadExpiry = errors.New("the expiry is not in the future")
	// ErrBadRequest is returned (wrapped) for a challenge or domain that is
	// too long or holds control characters, or a credential named twice.
	ErrBadRequest = errors.New("invalid presentation request")
)

// Choice is one credential the learner picked, by record id (or unique
// prefix), and optionally the claims of it to disclose.
type Choice struct {
	// ID is the record id or a unique prefix of it (see List).
	ID string
	// Disclose names the claims to show, as dotted paths from the
	// credential's root ("credentialSubject.achievement.name", "name") or,
	// when the first step is not a top-level property of the credential,
	// under credentialSubject ("achievement.name"); a path to an object
	// shows all of it, a path through a list applies to each element.
	// Empty means the whole credential. Only a BBS+ (BbsBlsSignature2020)
	// credential can show single claims (see planDisclosure for what is
	// always shown); for any other, a non-empty Disclose gives ErrWholeOnly.
	Disclose []string
}

// PresentRequest is what the learner chose to show, and to whom.
type PresentRequest struct {
	// Credentials are the chosen credentials, in the order they are shown.
	Credentials []Choice
	// Challenge is the verifier's one-time code (optional), bound into the
	// holder's signature so the presentation cannot be replayed elsewhere.
	Challenge string
	// Domain names the verifier (optional), bound into the signature too.
	Domain string
	// Expires is when the presentation stops being valid; zero means
	// DefaultPresentationTTL from now (use a later date for a printed CV
	// code).
	Expires time.Time
	// Submission, when set, is put into the presentation as its
	// Presentation Exchange presentation_submission before the holder
	// signs (see Submission for what it must hold). Nil makes a
	// presentation without one, as for a QR code.
	Submission *Submission
}

// Submission is a DIF Presentation Exchange presentation_submission: it
// tells a verifier which credential of the presentation answers which
// input descriptor of its presentation definition. Present checks it
// against the credentials chosen and refuses (ErrBadRequest) one that does
// not fit them.
type Submission struct {
	// ID identifies the submission; empty gets a fresh urn:uuid.
	ID string `json:"id"`
	// DefinitionID is the id of the presentation definition answered
	// (required).
	DefinitionID string `json:"definition_id"`
	// DescriptorMap has one entry per input descriptor answered (at least
	// one, at most 64, each descriptor once).
	DescriptorMap []DescriptorMapping `json:"descriptor_map"`
}

// DescriptorMapping maps one input descriptor to one credential of the
// presentation.
type DescriptorMapping struct {
	// ID is the input descriptor's id (required).
	ID string `json:"id"`
	// Format is the credential's Claim Format Designation: FormatLDPVC
	// ("ldp_vc"; "ldp" and "di_vc" are taken too) for a JSON-LD
	// credential, FormatJWTVC ("jwt_vc"; or "jwt_vc_json") for a VC-JWT.
	Format string `json:"format"`
	// Path is the JSONPath of the credential in the presentation:
	// "$.verifiableCredential[i]", i being the credential's position in
	// PresentRequest.Credentials (from 0). No other form is taken.
	Path string `json:"path"`
}

// Choose returns a request for whole credentials by id.
func Choose(ids ...string) PresentRequest {
	r := PresentRequest{}
	for _, id := range ids {
		r.Credentials = append(r.Credentials, Choice{ID: id})
	}
	return r
}

// DisclosedCredential is what a presentation shows of one credential.
type DisclosedCredential struct {
	ID         string   `json:"id"`                   // record id
	Name       string   `json:"name"`                 // the credential's name
	IssuerID   string   `json:"issuerId,omitempty"`   // the issuer's id
	IssuerName string   `json:"issuerName,omitempty"` // the issuer's name
	Types      []string `json:"types,omitempty"`      // the credential's types
	Format     string   `json:"format"`               // ldp or jwt
	// Whole is true when the credential is shown entire, with its issuer,
	// dates, id and every property, as the issuer signed it.
	Whole bool `json:"whole"`
	// Claims are the names (paths under credentialSubject, such as
	// "achievement.name") of the claims shown; never their values.
	Claims []string `json:"claims"`
	// Fields are the credential's other top-level properties shown (issuer,
	// validFrom, name, ...), by name.
	Fields []string `json:"fields,omitempty"`
}

// Preview is the consent summary of a presentation request: exactly what
// would be disclosed, to whom, until when. Making a preview changes nothing
// and signs nothing.
type Preview struct {
	Holder      string                `json:"holder"`              // the learner's DID that signs
	Domain      string                `json:"domain,omitempty"`    // to whom, if named
	Challenge   string                `json:"challenge,omitempty"` // the verifier's code, if any
	Expires     time.Time             `json:"expires"`             // when the presentation stops being valid
	DataModel   string                `json:"dataModel"`           // VCDM2 or VCDM11
	Credentials []DisclosedCredential `json:"credentials"`
}

// Presentation is a signed presentation and what it discloses.
type Presentation struct {
	// ID is the presentation's id (urn:uuid:...).
	ID string
	// JSON is the signed presentation, compact JSON.
	JSON []byte
	// Created is when it was signed (whole seconds, UTC).
	Created time.Time
	// Preview is what it discloses, to whom, until when.
	Preview Preview
	// Submission is the presentation_submission the presentation carries
	// (with its id filled in), nil when it carries none.
	Submission *Submission
}

// planned is one chosen credential, read and judged.
type planned struct {
	rec     *Record
	member  any    // what goes into verifiableCredential
	version string // VCDM2 or VCDM11
	shown   DisclosedCredential
	// part is set when only part of a BBS+ credential is shown: member is
	// then replaced by the derived credential when presenting.
	part *disclosure
}

// presentationLD is the JSON-LD processor presentations are signed with
// (contexts are embedded and never change, so one serves every wallet).
var presentationLD struct {
	once sync.Once
	proc *ld.Processor
	err  error
}

func presentationProcessor() (*ld.Processor, error) {
	presentationLD.once.Do(func() {
		l, err := ld.NewLoader()
		if err != nil {
			presentationLD.err = err
			return
		}
		presentationLD.proc = ld.NewProcessor(l)
	})
	return presentationLD.proc, presentationLD.err
}

// PreviewPresentation returns the consent summary for req without making
// anything: the credentials, the names of the claims they disclose, the
// issuers, the expiry and the verifier's domain and challenge. It fails
// exactly where Present would fail before signing.
func (w *Wallet) PreviewPresentation(req PresentRequest) (*Preview, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	pv, _, err := w.planPresentation(req)
	if err != nil {
		return nil, err
	}
	return pv, nil
}

// Present makes a presentation of the chosen credentials signed by the
// learner's Ed25519 identity, bound to req's challenge and domain and
// expiring at req.Expires (DefaultPresentationTTL from now when zero), and
// records it in the activity log (credential and claim names, never
// values). Nothing is returned, and nothing logged, unless both the
// signature and the log entry were made.
func (w *Wallet) Present(ctx context.Context, req PresentRequest) (*Presentation, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	if err := ctxOrBackground(ctx).Err(); err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	pv, plan, err := w.planPresentation(req)
	if err != nil {
		return nil, err
	}
	ident, err := w.Identity(did.Ed25519)
	if err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	proc, err := presentationProcessor()
	if err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	id, err := newUUID()
	if err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	members := make([]any, len(plan))
	for i, p := range plan {
		members[i] = p.member
		if p.part != nil {
			if members[i], err = derive(ctxOrBackground(ctx), w.verifier, p.member.(map[string]any), p.part); err != nil {
				return nil, fmt.Errorf("present %s: %w", p.rec.ID, err)
			}
		}
	}
	vp := map[string]any{
		"@context":             presentationContext(pv.DataModel),
		"id":                   id,
		"type":                 []any{"VerifiablePresentation"},
		"holder":               ident.DID,
		"verifiableCredential": members,
	}
	var sub *Submission
	if req.Submission != nil {
		if sub, err = withSubmissionID(req.Submission); err != nil {
			return nil, fmt.Errorf("present: %w", err)
		}
		vp["@context"] = append(vp["@context"].([]any), contextPE)
		vp["type"] = []any{"VerifiablePresentation", typeSubmission}
		vp["presentation_submission"] = sub.jsonValue()
	}
	created := w.now().UTC().Truncate(time.Second)
	opts := dataintegrity.ProofOptions{
		VerificationMethod: keyMethod(ident.DID),
		ProofPurpose:       "authentication",
		Created:            created,
		Expires:            pv.Expires,
		Challenge:          req.Challenge,
		Domain:             req.Domain,
	}
	signed, err := dataintegrity.SignWith(proc, vp, opts, w.kmsSigner(ident.KeyID))
	if err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	// The KMS signed: check that it signed with the key the proof names.
	pub, _, err := w.kms.ExportPubKeyBytes(ident.KeyID)
	if err != nil {
		return nil, fmt.Errorf("present: read the holder's public key: %w", err)
	}
	if err := dataintegrity.Verify(proc, signed, signed["proof"].(map[string]any), pub); err != nil {
		return nil, fmt.Errorf("present: the holder's signature does not verify: %w", err)
	}
	out, err := compactJSON(signed)
	if err != nil {
		return nil, fmt.Errorf("present: %w", err)
	}
	if err := w.logPresentation(id, created, pv); err != nil {
		return nil, fmt.Errorf("present: record in the activity log: %w", err)
	}
	return &Presentation{ID: id, JSON: out, Created: created, Preview: *pv, Submission: sub}, nil
}

// withSubmissionID returns a copy of s with its id set (a fresh urn:uuid
// when empty).
func withSubmissionID(s *Submission) (*Submission, error) {
	c := *s
	c.DescriptorMap = slices.Clone(s.DescriptorMap)
	if c.ID == "" {
		id, err := newUUID()
		if err != nil {
			return nil, fmt.Errorf("submission id: %w", err)
		}
		c.ID = id
	}
	return &c, nil
}

// jsonValue is s as decoded JSON (maps and lists), the form the JSON-LD
// processor signs.
func (s *Submission) jsonValue() map[string]any {
	entries := make([]any, len(s.DescriptorMap))
	for i, d := range s.DescriptorMap {
		entries[i] = map[string]any{"id": d.ID, "format": d.Format, "path": d.Path}
	}
	return map[string]any{"id": s.ID, "definition_id": s.DefinitionID, "descriptor_map": entries}
}

// checkSubmission refuses a submission that does not fit the planned
// credentials: every field is required (the id may be empty), text is
// bounded and printable, each descriptor is mapped once, every path is
// $.verifiableCredential[i] of a chosen credential, and every format names
// that credential's kind.
func checkSubmission(s *Submission, plan []planned) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("present: %w: presentation_submission: %s", ErrBadRequest, fmt.Sprintf(format, args...))
	}
	if s.ID != "" {
		if err := checkRequestText("submission id", s.ID); err != nil {
			return err
		}
	}
	if s.DefinitionID == "" {
		return bad("no definition_id")
	}
	if err := checkRequestText("submission definition_id", s.DefinitionID); err != nil {
		return err
	}
	switch n := len(s.DescriptorMap); {
	case n == 0:
		return bad("the descriptor_map is empty")
	case n > maxDescriptorMap:
		return bad("the descriptor_map has %d entries (at most %d)", n, maxDescriptorMap)
	}
	seen := map[string]bool{}
	for i, d := range s.DescriptorMap {
		if d.ID == "" {
			return bad("descriptor_map entry %d has no id", i+1)
		}
		if err := checkRequestText("descriptor id", d.ID); err != nil {
			return err
		}
		if seen[d.ID] {
			return bad("input descriptor %q is mapped twice", d.ID)
		}
		seen[d.ID] = true
		at, ok := credentialIndex(d.Path)
		if !ok {
			return bad("descriptor %q: path %q is not $.verifiableCredential[i]", d.ID, d.Path)
		}
		if at >= len(plan) {
			return bad("descriptor %q: path %q points past the %d credentials chosen", d.ID, d.Path, len(plan))
		}
		var formats []string
		if plan[at].shown.Format == "jwt" {
			formats = []string{FormatJWTVC, "jwt_vc_json"}
		} else {
			formats = []string{FormatLDPVC, "ldp", "di_vc"}
		}
		if !slices.Contains(formats, d.Format) {
			return bad("descriptor %q: format %q does not fit credential %s (%s)", d.ID, d.Format, plan[at].rec.ID, strings.Join(formats, ", "))
		}
	}
	return nil
}

// credentialIndex reads a path of the form $.verifiableCredential[i]
// (decimal digits, no leading zero).
func credentialIndex(path string) (int, bool) {
	const prefix = "$.verifiableCredential["
	digits, ok := strings.CutPrefix(path, prefix)
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, "]")
	if !ok || digits == "" || len(digits) > 4 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	n := 0
	for _, r := range digits {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// planPresentation reads and judges the chosen credentials and settles the
// data model and expiry. The caller holds use().
func (w *Wallet) planPresentation(req PresentRequest) (*Preview, []planned, error) {
	if len(req.Credentials) == 0 {
		return nil, nil, ErrNothingChosen
	}
	for _, f := range []struct{ name, v string }{{"challenge", req.Challenge}, {"domain", req.Domain}} {
		if err := checkRequestText(f.name, f.v); err != nil {
			return nil, nil, err
		}
	}
	now := w.now()
	expires := req.Expires
	if expires.IsZero() {
		expires = now.Add(DefaultPresentationTTL)
	}
	expires = expires.UTC().Truncate(time.Second)
	if !expires.After(now) {
		return nil, nil, fmt.Errorf("present: %w: %s", ErrBadExpiry, expires.Format(time.RFC3339))
	}
	ident, err := w.Identity(did.Ed25519)
	if err != nil {
		return nil, nil, fmt.Errorf("present: %w", err)
	}
	plan := make([]planned, 0, len(req.Credentials))
	seen := map[string]bool{}
	for _, c := range req.Credentials {
		rec, err := w.get(c.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("present: %w", err)
		}
		if seen[rec.ID] {
			return nil, nil, fmt.Errorf("present: %w: credential %s is chosen twice", ErrBadRequest, rec.ID)
		}
		seen[rec.ID] = true
		p, err := planOne(rec, c)
		if err != nil {
			return nil, nil, fmt.Errorf("present %s: %w", rec.ID, err)
		}
		plan = append(plan, p)
	}
	// VC 1.1 when every credential is (1.1-era verifiers read it), else
	// VC 2.0, which also carries VC 1.1 members (the VC 1.1 presentation
	// context cannot carry VC 2.0 ones: protected terms clash).
	model := VCDM11
	shown := make([]DisclosedCredential, len(plan))
	for i, p := range plan {
		if p.version == VCDM2 {
			model = VCDM2
		}
		shown[i] = p.shown
	}
	if req.Submission != nil {
		if err := checkSubmission(req.Submission, plan); err != nil {
			return nil, nil, err
		}
	}
	pv := &Preview{
		Holder: ident.DID, Domain: req.Domain, Challenge: req.Challenge,
		Expires: expires, DataModel: model, Credentials: shown,
	}
	return pv, plan, nil
}

// planOne reads one stored credential for a presentation.
func planOne(rec *Record, c Choice) (planned, error) {
	p := planned{rec: rec}
	raw := strings.TrimSpace(rec.Raw)
	vc, err := credentialJSON([]byte(raw))
	if err != nil {
		return p, fmt.Errorf("%w: it cannot be read: %w", ErrCannotPresent, err)
	}
	p.shown = DisclosedCredential{
		ID: rec.ID, Name: rec.Name, IssuerID: rec.IssuerID, IssuerName: rec.IssuerName,
		Types: rec.Types, Whole: true, Claims: claimPaths(vc), Fields: topFields(vc),
	}
	if p.shown.Claims == nil {
		p.shown.Claims = []string{}
	}
	if strings.HasPrefix(raw, "{") {
		doc, err := ld.Decode([]byte(raw))
		if err != nil {
			return p, fmt.Errorf("%w: %w", ErrCannotPresent, err)
		}
		p.member = doc
		p.shown.Format = "ldp"
		switch first(doc["@context"]) {
		case contextV2:
			p.version = VCDM2
		case contextV1:
			p.version = VCDM11
		default:
			return p, fmt.Errorf("%w: its @context names neither VC 1.1 nor VC 2.0", ErrCannotPresent)
		}
	} else {
		p.member = map[string]any{
			"@context": contextV2,
			"id":       "data:application/vc+jwt," + raw,
			"type":     "EnvelopedVerifiableCredential",
		}
		p.shown.Format = "jwt"
		p.version = VCDM2
	}
	if len(c.Disclose) > 0 {
		doc, isLD := p.member.(map[string]any)
		if !isLD || !isBBS(doc) {
			return p, fmt.Errorf("%w: its proof (%s) cannot show single claims; leave out the claims to show it whole", ErrWholeOnly, proofName(p.member))
		}
		d, err := planDisclosure(doc, c.Disclose)
		if err != nil {
			return p, err
		}
		p.part = d
		p.shown.Whole = false
		p.shown.Claims = claimPaths(d.shown)
		if p.shown.Claims == nil {
			p.shown.Claims = []string{}
		}
		p.shown.Fields = topFields(d.shown)
	}
	return p, nil
}

// isBBS reports whether a JSON-LD credential carries a BBS+ signature (the
// one proof that could disclose single claims).
func isBBS(member any) bool {
	m, ok := member.(map[string]any)
	if !ok {
		return false
	}
	var proofs []any
	switch t := m["proof"].(type) {
	case []any:
		proofs = t
	case map[string]any:
		proofs = []any{t}
	}
	for _, x := range proofs {
		if p, ok := x.(map[string]any); ok && str(p["type"]) == "BbsBlsSignature2020" {
			return true
		}
	}
	return false
}

// proofName names the proof types of a presentation member, for messages.
func proofName(member any) string {
	m, ok := member.(map[string]any)
	if !ok {
		return "a VC-JWT signature"
	}
	if str(m["type"]) == "EnvelopedVerifiableCredential" {
		return "a VC-JWT signature"
	}
	var names []string
	for _, p := range proofList(m["proof"]) {
		n := str(p["type"])
		if cs := str(p["cryptosuite"]); cs != "" {
			n += " " + cs
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// presentationContext is the @context of a presentation in model.
func presentationContext(model string) []any {
	if model == VCDM2 {
		return []any{contextV2}
	}
	return []any{contextV1, contextDI}
}

// first returns the first entry of a context (a string or a list).
func first(ctx any) string {
	switch t := ctx.(type) {
	case string:
		return t
	case []any:
		if len(t) > 0 {
			s, _ := t[0].(string)
			return s
		}
	}
	return ""
}

// keyMethod is the verification method of a did:key's own key.
func keyMethod(d string) string {
	return d + "#" + strings.TrimPrefix(d, "did:key:")
}

// kmsSigner signs with the KMS key keyID through aries' tinkcrypto; the
// private key stays in the KMS. The caller holds use().
func (w *Wallet) kmsSigner(keyID string) func([]byte) ([]byte, error) {
	return func(msg []byte) ([]byte, error) {
		kh, err := w.kms.Get(keyID)
		if err != nil {
			return nil, fmt.Errorf("holder key: %w", err)
		}
		c, err := tinkcrypto.New()
		if err != nil {
			return nil, fmt.Errorf("holder key: %w", err)
		}
		return c.Sign(msg, kh)
	}
}

// checkRequestText refuses a challenge or domain that could not be shown
// or typed back: too long, or holding control characters.
func checkRequestText(name, v string) error {
	if len(v) > maxChallengeLen {
		return fmt.Errorf("present: %w: the %s is %d characters (at most %d)", ErrBadRequest, name, len(v), maxChallengeLen)
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 || strings.TrimSpace(v) != v {
		return fmt.Errorf("present: %w: the %s holds control characters or surrounding spaces", ErrBadRequest, name)
	}
	return nil
}

// claimPaths names the claims of a credential's subjects as dotted paths
// (achievement.criteria.narrative), leaves only, sorted; list positions are
// not named. Values are never included.
func claimPaths(vc map[string]any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			if len(t) == 0 && prefix != "" {
				out = append(out, prefix)
			}
			for k, x := range t {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				walk(p, x)
			}
		case []any:
			if len(t) == 0 && prefix != "" {
				out = append(out, prefix)
			}
			for _, x := range t {
				walk(prefix, x)
			}
		default:
			if prefix != "" {
				out = append(out, prefix)
			}
		}
	}
	walk("", vc["credentialSubject"])
	slices.Sort(out)
	return slices.Compact(out)
}

// topFields names a credential's top-level properties other than its
// context, proof and subject.
func topFields(vc map[string]any) []string {
	var out []string
	for k := range vc {
		switch k {
		case "@context", "proof", "credentialSubject":
		default:
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// logPresentation records a presentation in the activity log: one entry
// per credential, in one transaction.
func (w *Wallet) logPresentation(id string, at time.Time, pv *Preview) error {
	var detail strings.Builder
	fmt.Fprintf(&detail, "presentation %s", id)
	if pv.Challenge != "" {
		fmt.Fprintf(&detail, ", challenge %s", pv.Challenge)
	}
	fmt.Fprintf(&detail, ", expires %s", pv.Expires.Format(time.RFC3339))
	to := pv.Domain
	if to == "" && pv.Challenge != "" {
		to = "challenge " + pv.Challenge
	}
	return w.db.Update(func(tx *store.Tx) error {
		for i, c := range pv.Credentials {
			e := Entry{
				Time: at, Action: ActionPresent, Outcome: OutcomeDone, Counterparty: to,
				Credential: c.ID, Name: c.Name, Types: c.Types, Claims: c.Claims,
				Detail: fmt.Sprintf("%s (%d of %d)", detail.String(), i+1, len(pv.Credentials)),
			}
			if _, err := appendActivity(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// newUUID returns a random (version 4) urn:uuid.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// compactJSON encodes v without HTML escaping or white space.
func compactJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
