// Package verify is Skillpass' verifier: given the bytes of a W3C Verifiable
// Credential (JSON-LD with embedded proofs, or a compact VC-JWT) or of a
// Verifiable Presentation, it returns one verdict per check — signature,
// validity period, status and issuer — in the shape of the `verify --json`
// contract in DESIGN.md.
//
// What each check establishes:
//
//   - signature: every proof of a proof set is judged on its own. "ok" when at
//     least one supported proof verifies and no supported proof fails;
//     "invalid" when any supported proof fails (including a JSON-LD term that
//     no context defines, a context Skillpass does not ship, or a proof with
//     the wrong proofPurpose); "unsupported" when no proof could be checked
//     (unknown proof types or algorithms, or a key that cannot be obtained —
//     for example a did:web issuer while offline); "missing" when there is
//     no proof at all.
//   - validity: VC 1.1 issuanceDate/expirationDate, VC 2.0 validFrom/
//     validUntil, JWT nbf/exp, presentation expirationDate/validUntil/expires
//     and a proof's expires. A VC 1.1 credential without issuanceDate (and
//     without nbf when it is a JWT) is "not-yet-valid": VC 1.1 requires the
//     date and without it nobody can tell from when the claims hold. Dates
//     that cannot be read count against the credential ("not-yet-valid" for a
//     start date, "expired" for an end date). Dates without a time zone are
//     read as UTC.
//   - status: from package status; "none" when the credential names no
//     status entry. Presentations carry no status of their own ("none").
//   - issuer: "confirmed" when the key that made a verifying proof belongs to
//     the issuer's DID and is listed in that DID document's assertionMethod
//     (authentication for a presentation's holder); "unconfirmed" when the
//     signature holds but nothing ties the key to the issuer (a key written
//     in the method's fragment, a did:key key for an https or urn issuer, a
//     JWT carrying its own key); "mismatch" when the key belongs to another
//     DID or party, is not listed for that purpose, or the credential names
//     no issuer at all.
//   - anchor (Blockcerts and OpenCerts only; see chain.go and packages
//     blockcerts and opencerts): whether the blockchain carries the
//     credential's Merkle root. Their "signature" is the document hash and
//     Merkle path, which anyone can make agree; without "anchor": "ok" such
//     a credential is not verified.
//
// Credentials that are not W3C verifiable credentials get the same four
// checks, with these meanings:
//
//   - Open Badges 2.0 (package ob2; Format "ob2"): a hosted assertion's
//     signature is "ok" when the copy at its id, fetched, holds every member
//     of the one given unchanged; a signed assertion's when its JWS (RS256 or
//     ES256) verifies with the key document named by verification.creator.
//     Fetching tells the issuer the badge is being looked at, so it happens
//     only with Options.BadgeFetch (the learner's consent; the CLI's
//     --fetch-badges, or --offline-dir's local copies). Without it, or
//     without a copy, the signature is "unsupported" and status "unknown":
//     nothing could be checked, nothing was found wrong. Issuer "confirmed"
//     means the key's owner is the issuer and its profile lists the key
//     (signed), or the assertion is hosted on the issuer's origin or one it
//     allows (hosted). Status comes from the hosted copy's revoked flag and
//     the issuer profile's revocationList ("none" when the profile names
//     none). Validity reads issuedOn and expires. Options.Recipient checks
//     the (hashed) recipient email, Result.Recipient.
//   - Europass Digital Credentials sealed with JAdES (package edc; Format
//     "jades"): signature "ok" when the seal verifies over the credential
//     with the certificate it carries; issuer is never "confirmed", since
//     the EU trusted lists are not consulted. An unsealed Europass credential
//     is a plain VC whose signature is "missing".
//   - CLR 2.0 transcripts: the transcript is judged as a credential, and
//     each credential inside it (credentialSubject.verifiableCredential) on
//     its own, in Result.Credentials; the transcript is verified only when
//     all of them are.
//
// Nothing here downloads a JSON-LD context. The network is used only through
// Options.Fetcher (did:web documents, status lists and, with BadgeFetch, the
// parts of an Open Badges 2.0 badge).
package verify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// Signature check values.
const (
	// SigOK means at least one supported proof verified and none failed.
	SigOK = "ok"
	// SigInvalid means a supported proof failed or the document cannot be
	// read unambiguously (undefined terms, unknown contexts).
	SigInvalid = "invalid"
	// SigMissing means the credential or presentation carries no proof.
	SigMissing = "missing"
	// SigUnsupported means no proof could be checked: unknown proof types or
	// algorithms, or keys that cannot be obtained.
	SigUnsupported = "unsupported"
)

// Validity check values.
const (
	// ValidOK means the validity period includes the verification time.
	ValidOK = "ok"
	// ValidExpired means the validity period ended before the verification
	// time (or its end date cannot be read).
	ValidExpired = "expired"
	// ValidNotYet means the validity period starts after the verification
	// time (or its start date cannot be read or is missing where required).
	ValidNotYet = "not-yet-valid"
)

// Issuer check values.
const (
	// IssuerConfirmed means the signing key is listed for the issuer's DID.
	IssuerConfirmed = "confirmed"
	// IssuerUnconfirmed means the signature holds but nothing ties the key to
	// the issuer.
	IssuerUnconfirmed = "unconfirmed"
	// IssuerMismatch means the signing key belongs to someone else.
	IssuerMismatch = "mismatch"
)

// Kinds and formats reported in Result.
const (
	// KindCredential is the Kind of a verifiable credential.
	KindCredential = "credential"
	// KindPresentation is the Kind of a verifiable presentation.
	KindPresentation = "presentation"
	// FormatLDP is the Format of JSON-LD documents with embedded proofs.
	FormatLDP = "ldp"
	// FormatJWT is the Format of compact JWS (VC-JWT, VC-JOSE-COSE).
	FormatJWT = "jwt"
)

// ErrNotCredential is returned by Verify when the data is neither a
// credential nor a presentation (not JSON, not a JWT, no
// VerifiableCredential or VerifiablePresentation type).
var ErrNotCredential = errors.New("not a verifiable credential or presentation")

// Checks holds one verdict per check. Status values are those of package
// status (ok, revoked, suspended, unknown, none).
type Checks struct {
	Signature string `json:"signature"`
	Validity  string `json:"validity"`
	Status    string `json:"status"`
	Issuer    string `json:"issuer"`
	// Anchor is set only for blockchain-anchored formats (Blockcerts,
	// OpenCerts): AnchorOK, AnchorUnknown or AnchorMismatch.
	Anchor string `json:"anchor,omitempty"`
}

// Result is the verdict on one credential or presentation.
type Result struct {
	// File is set by callers that verify several files.
	File string `json:"file,omitempty"`
	// Verified is true only when the signature is ok, validity ok, status ok
	// or none, the issuer not mismatch, and (for blockchain-anchored formats)
	// the anchor ok; for a presentation also every embedded credential must
	// be verified.
	Verified bool   `json:"verified"`
	Checks   Checks `json:"checks"`
	// Kind is KindCredential or KindPresentation.
	Kind string `json:"kind"`
	// Errors says, in plain words, what failed and what the learner or the
	// employer can do. Never nil.
	Errors []string `json:"errors"`
	// Credentials holds, for a presentation, one Result per embedded
	// credential, in order.
	Credentials []Result `json:"credentials,omitempty"`
	// Format is FormatLDP or FormatJWT.
	Format string `json:"format,omitempty"`
	// Proofs lists the proof types seen, e.g.
	// "DataIntegrityProof/eddsa-rdfc-2022" or "JWS/EdDSA".
	Proofs []string `json:"proofs,omitempty"`
	// IssuerID is the issuer's id (the holder's for a presentation).
	IssuerID string `json:"issuerId,omitempty"`
	// VerificationMethod names the key of the proof the verdict rests on.
	VerificationMethod string `json:"verificationMethod,omitempty"`
	// Recipient is RecipientMatch or RecipientMismatch when
	// Options.Recipient was given and the credential is an Open Badges 2.0
	// assertion; a mismatch makes Verified false.
	Recipient string `json:"recipient,omitempty"`
	// Expanded is, for an Open Badges 2.0 assertion whose badge class or
	// issuer profile is named by URL, the assertion with the parts the
	// verifier obtained embedded (what a reader such as the passport needs
	// to name the badge and its skills). It is not what the signature
	// covers: that stays the credential as received.
	Expanded json.RawMessage `json:"expanded,omitempty"`
}

// Options configures a Verifier.
type Options struct {
	// Fetcher obtains did:web documents and status lists. Nil means offline:
	// did:web keys cannot be obtained (such proofs are "unsupported", with an
	// error saying the key is not available offline and how to provide it)
	// and status lists cannot be checked (status "unknown").
	Fetcher did.Fetcher
	// Now returns the verification time; nil means time.Now.
	Now func() time.Time
	// Loader resolves JSON-LD contexts offline; nil means ld.NewLoader().
	Loader *ld.Loader
	// Challenge and Domain, when set, must appear in a presentation's proof.
	Challenge, Domain string
	// BadgeFetch is the learner's consent to fetch, through Fetcher, what an
	// Open Badges 2.0 assertion only names by URL: the hosted assertion
	// itself (which tells its issuer that the badge is being looked at), its
	// badge class, issuer profile, signing key and revocation list. False
	// means nothing of an Open Badges 2.0 badge is fetched: a hosted or
	// signed assertion's signature is then "unsupported".
	BadgeFetch bool
	// Recipient, when set, is checked against an Open Badges 2.0
	// assertion's recipient identity (an email, hashed or plain); a
	// mismatch makes the badge not verified (Result.Recipient).
	Recipient string
}

// Verifier judges credentials and presentations. It is safe for concurrent
// use.
type Verifier struct {
	opts     Options
	now      func() time.Time
	loader   *ld.Loader
	proc     *ld.Processor
	resolver *did.Resolver
	status   *status.Checker
}

// New returns a Verifier for opts.
func New(opts Options) (*Verifier, error) {
	v := &Verifier{opts: opts, now: opts.Now, loader: opts.Loader}
	if v.now == nil {
		v.now = time.Now
	}
	if v.loader == nil {
		l, err := ld.NewLoader()
		if err != nil {
			return nil, fmt.Errorf("new verifier: %w", err)
		}
		v.loader = l
	}
	v.proc = ld.NewProcessor(v.loader)
	v.resolver = did.NewResolver(opts.Fetcher)
	v.status = newStatusChecker(v, opts.Fetcher)
	return v, nil
}

// Verify judges data: a JSON-LD credential or presentation, a compact JWS
// (VC-JWT 1.1 or VC-JOSE-COSE 2.0, credential or presentation), or a JSON
// string holding such a JWS. It returns an error only when data is not a
// credential or presentation at all (wrapping ErrNotCredential);
// everything about a credential's truth is in the Result.
func (v *Verifier) Verify(ctx context.Context, data []byte) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if r, ok := v.verifyAnchored(ctx, data); ok {
		return r, nil
	}
	if r, ok := v.verifyOther(ctx, data); ok {
		return r, nil
	}
	in, err := classify(data)
	if err != nil {
		return nil, err
	}
	switch {
	case in.jwt != "":
		j, err := v.verifyJWTToken(ctx, in.jwt, true)
		if err != nil {
			return nil, err
		}
		return j.result, nil
	case in.kind == KindPresentation:
		return v.verifyLDPresentation(ctx, in.doc), nil
	default:
		return v.verifyLDCredential(ctx, in.doc, true), nil
	}
}

// VerifyCredential judges an already parsed JSON-LD credential (as
// encoding/json decodes it into a map). It does not modify cred.
func (v *Verifier) VerifyCredential(ctx context.Context, cred map[string]any) *Result {
	if ctx == nil {
		ctx = context.Background()
	}
	return v.verifyLDCredential(ctx, cred, true)
}

// finish sets Verified from the checks (and the embedded credentials) and
// makes Errors non-nil.
func finish(r *Result) *Result {
	c := r.Checks
	r.Verified = c.Signature == SigOK && c.Validity == ValidOK &&
		(c.Status == string(status.OK) || c.Status == string(status.None)) && c.Issuer != IssuerMismatch &&
		(c.Anchor == "" || c.Anchor == AnchorOK)
	for i := range r.Credentials {
		if !r.Credentials[i].Verified {
			r.Verified = false
		}
	}
	if r.Errors == nil {
		r.Errors = []string{}
	}
	return r
}
