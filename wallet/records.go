package wallet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify"
)

const (
	// bucketCredentials holds whole records: the credential as received and
	// its last verdict.
	bucketCredentials = "credentials"
	// bucketIndex holds the summaries that lists show, so that listing never
	// decrypts or parses whole credentials.
	bucketIndex = "credential-index"
)

// idLen is the number of hex digits of a record id.
const idLen = 16

// minPrefix is the shortest id prefix that Get accepts.
const minPrefix = 4

// Record is one stored credential: the bytes exactly as received (what the
// signature covers), where they came from, and the last verdict.
type Record struct {
	Summary
	Raw    string        `json:"raw"`
	Source string        `json:"source,omitempty"`
	Result verify.Result `json:"result"`
}

// Rejection explains why an imported credential was not stored.
type Rejection struct {
	Reason string // which check failed, in plain words
	Hint   string // what the learner can do; empty when Reason already says it
}

func (r *Rejection) Error() string { return r.Reason }

// ImportResult is the outcome for one credential found in an imported file.
type ImportResult struct {
	Source    string         // file name or other label
	Index     int            // position inside the file
	ID        string         // record id, when stored (or already there)
	Summary   Summary        // what was found
	Result    *verify.Result // the verdict
	Duplicate bool           // already in the wallet: nothing stored twice
	Rejected  *Rejection     // non-nil when the credential was not stored
	// NeedsConsent lists the hosts the check needed but was not allowed to
	// contact (CheckOptions.Hosts of ImportWith), sorted; the credential is
	// then rejected, not stored: import it again once the learner agrees.
	NeedsConsent []string
}

// RecordID returns the wallet's id for a credential: the first 16 hex digits
// of the SHA-256 of its JSON with keys sorted (or of the JWT), so the same
// credential imported twice gets the same id.
func RecordID(raw []byte) string {
	b := bytes.TrimSpace(raw)
	if len(b) > 0 && b[0] == '{' {
		var v any
		if err := json.Unmarshal(b, &v); err == nil {
			if norm, err := json.Marshal(v); err == nil {
				b = norm
			}
		}
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:idLen]
}

// Import reads the credentials in data (JSON, presentation, VC-JWT, baked
// PNG or SVG), verifies each and stores those that pass. A credential whose
// signature does not verify, or whose key belongs to someone other than its
// issuer, is rejected and not stored; expired or revoked credentials are kept
// with their verdict. The error is for a file that holds no credential at all.
// Every outcome, a failure included, goes into the activity log. The wallet
// is not held while a credential is verified (which may fetch from the
// network): locking it meanwhile stops the import with ErrLocked before the
// next credential is stored.
func (w *Wallet) Import(ctx context.Context, name string, data []byte) ([]ImportResult, error) {
	return w.importUsing(ctx, w.verifier, name, data)
}

// importUsing is Import with the verifier v (ImportWith passes one made for
// its CheckOptions).
func (w *Wallet) importUsing(ctx context.Context, v *verify.Verifier, name string, data []byte) ([]ImportResult, error) {
	if w.Locked() {
		return nil, lockedError{}
	}
	ctx = ctxOrBackground(ctx)
	items, err := importer.Parse(name, data, importer.DefaultLimits())
	if err != nil {
		logErr := w.logLocked(Entry{Action: ActionImport, Outcome: OutcomeFailed, Source: name, Detail: importFailure(err)})
		return nil, errors.Join(fmt.Errorf("import: %w", err), logErr) // the importer's error names the file
	}
	out := make([]ImportResult, 0, len(items))
	for _, it := range items {
		r, err := w.importOne(ctx, v, name, it)
		if err != nil {
			return out, fmt.Errorf("import %s: %w", name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// logLocked is logActivity for callers that do not hold use().
func (w *Wallet) logLocked(e Entry) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	return w.logActivity(e)
}

// importOne verifies one credential of a file without holding the wallet,
// then stores it (or logs its rejection) under use().
func (w *Wallet) importOne(ctx context.Context, v *verify.Verifier, name string, it importer.Item) (ImportResult, error) {
	res := ImportResult{Source: name, Index: it.Index, ID: RecordID(it.Raw)}
	vc, err := credentialJSON(it.Raw)
	if err == nil {
		res.Summary = summarise(vc)
	}
	vctx, refused := withRefusals(ctx)
	vr, err := v.Verify(vctx, it.Raw)
	if err != nil {
		res.Rejected = &Rejection{Reason: err.Error(), Hint: "only W3C Verifiable Credentials (JSON-LD or VC-JWT) can be imported"}
		e := credentialEntry(ActionImport, OutcomeRejected, res, it.Raw)
		e.Credential, e.Detail = "", failedCheck(nil)
		return res, w.logLocked(e)
	}
	if err := ctx.Err(); err != nil {
		return res, err // fetches cut short: nothing to judge by
	}
	res.Result = vr
	completeSummary(&res.Summary, it.Raw, vr)
	if hosts := refused.list(); hosts != nil {
		res.NeedsConsent = hosts
		res.Rejected = &Rejection{Reason: "not added: checking it needs " + strings.Join(hosts, ", ") + ", which you did not agree to contact", Hint: "agree to contact these hosts too, or ask the issuer for a fresh copy"}
		e := credentialEntry(ActionImport, OutcomeRejected, res, it.Raw)
		e.Credential, e.Detail = "", "not checked: needs "+strings.Join(hosts, ", ")+", not agreed to"
		return res, w.logLocked(e)
	}
	if rej := rejection(vr); rej != nil {
		res.Rejected = rej
		e := credentialEntry(ActionImport, OutcomeRejected, res, it.Raw)
		e.Credential, e.Detail = "", failedCheck(vr)
		return res, w.logLocked(e)
	}
	release, err := w.use()
	if err != nil {
		return res, err
	}
	defer release()
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, err := w.db.Get(bucketIndex, res.ID); err == nil {
		res.Duplicate = true
		return res, w.logActivity(credentialEntry(ActionImport, OutcomeDuplicate, res, it.Raw))
	} else if !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	rec := Record{Summary: res.Summary, Raw: string(it.Raw), Source: name, Result: *vr}
	rec.ID = res.ID
	rec.Format = vr.Format
	rec.Added = w.now().UTC()
	setChecks(&rec.Summary, vr)
	res.Summary = rec.Summary
	e := credentialEntry(ActionImport, OutcomeStored, res, it.Raw)
	e.Time = rec.Added
	if err := w.put(&rec, &e); err != nil {
		return res, err
	}
	return res, nil
}

// completeSummary fills what a summary lacks for credentials that are not
// W3C verifiable credentials (an Open Badges 2.0 assertion names its badge
// and issuer inside its badge class; a sealed Europass credential is inside
// its seal) from the passport's reading of the credential and the verdict.
func completeSummary(s *Summary, raw []byte, vr *verify.Result) {
	if s.IssuerID == "" {
		s.IssuerID = vr.IssuerID
	}
	if vr.Format != verify.FormatOB2 && vr.Format != verify.FormatJAdES {
		return
	}
	if len(vr.Expanded) > 0 {
		raw = vr.Expanded // the badge class and issuer the verifier obtained
	}
	pr, err := passport.Normalize(passport.Credential{JSON: raw})
	if err != nil {
		return
	}
	if pr.Name != "" {
		s.Name = pr.Name
	}
	if pr.Issuer.Name != "" {
		s.IssuerName = pr.Issuer.Name
	}
	if len(pr.Achievements) > 0 && s.Achievement == "" {
		s.Achievement = pr.Achievements[0].Name
	}
	if s.IssuerID == "" {
		s.IssuerID = pr.Issuer.ID
	}
	if s.IssuerName == "" {
		s.IssuerName = pr.Issuer.Name
	}
	if s.CredentialID == "" {
		s.CredentialID = pr.CredentialID
	}
	if s.ValidFrom.IsZero() {
		s.ValidFrom = pr.ValidFrom
	}
	if s.ValidUntil.IsZero() {
		s.ValidUntil = pr.ValidUntil
	}
	if len(s.Types) == 0 || vr.Format == verify.FormatOB2 {
		s.Types = []string{pr.Format}
	}
}

// rejection decides whether a verdict keeps a credential out of the wallet.
func rejection(vr *verify.Result) *Rejection {
	switch {
	case vr.Checks.Signature != verify.SigOK:
		reason := "signature " + vr.Checks.Signature
		if len(vr.Errors) > 0 {
			// The verifier's own words already say what to do.
			return &Rejection{Reason: reason + ": " + strings.TrimPrefix(strings.Join(vr.Errors, "; "), "signature: ")}
		}
		hint := "the credential was changed after it was issued or is not signed; ask the issuer for a fresh copy"
		switch vr.Checks.Signature {
		case verify.SigMissing:
			hint = "this credential carries no proof, so nobody can check it; ask the issuer for a signed copy"
		case verify.SigUnsupported:
			hint = "Skillpass cannot check this kind of proof yet; keep the original file and ask the issuer for an Ed25519 or eddsa-rdfc-2022 signed copy"
		}
		return &Rejection{Reason: reason, Hint: hint}
	case vr.Checks.Issuer == verify.IssuerMismatch:
		return &Rejection{
			Reason: "issuer mismatch: the signing key belongs to someone other than the named issuer",
			Hint:   "do not trust this credential; report it to the issuer it names",
		}
	case vr.Checks.Anchor == verify.AnchorMismatch:
		return &Rejection{
			Reason: "anchor mismatch: the blockchain transaction the credential names records something else",
			Hint:   "do not trust this credential; report it to the issuer it names",
		}
	}
	return nil
}

func setChecks(s *Summary, vr *verify.Result) {
	s.Verified = vr.Verified
	s.Checks = Checks(vr.Checks)
}

// put stores rec, its index entry and its passport record and, when log is not nil, appends log
// to the activity log, all in one transaction.
func (w *Wallet) put(rec *Record, log *Entry) error {
	full, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	sum, err := json.Marshal(rec.Summary)
	if err != nil {
		return err
	}
	return w.db.Update(func(tx *store.Tx) error {
		if err := tx.Put(bucketCredentials, rec.ID, full); err != nil {
			return fmt.Errorf("store credential: %w", err)
		}
		if err := tx.Put(bucketIndex, rec.ID, sum); err != nil {
			return fmt.Errorf("store credential index: %w", err)
		}
		if err := putPassportRecord(tx, rec); err != nil {
			return err
		}
		if log != nil {
			if _, err := appendActivity(tx, *log); err != nil {
				return err
			}
		}
		return nil
	})
}

// List returns the summaries of every stored credential, newest first.
func (w *Wallet) List() ([]Summary, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var out []Summary
	err = w.db.ForEach(bucketIndex, func(_ string, v []byte) error {
		var s Summary
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("read credential index: %w", err)
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].ValidFrom.Equal(out[j].ValidFrom) {
			return out[i].ValidFrom.After(out[j].ValidFrom)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// Count returns the number of stored credentials.
func (w *Wallet) Count() (int, error) {
	release, err := w.use()
	if err != nil {
		return 0, err
	}
	defer release()
	return w.db.Count(bucketIndex)
}

// resolveID turns a full id or a unique prefix of at least 4 characters into
// a record id.
func (w *Wallet) resolveID(id string) (string, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if len(id) == idLen {
		if _, err := w.db.Get(bucketIndex, id); err == nil {
			return id, nil
		}
	}
	if len(id) < minPrefix {
		return "", fmt.Errorf("credential id %q is too short: give at least %d characters (see `list`)", id, minPrefix)
	}
	var found []string
	err := w.db.ForEach(bucketIndex, func(k string, _ []byte) error {
		if strings.HasPrefix(k, id) {
			found = append(found, k)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("%q: %w", id, ErrNotFound)
	case 1:
		return found[0], nil
	default:
		return "", fmt.Errorf("%q: %w (%s)", id, ErrAmbiguous, strings.Join(found, ", "))
	}
}

// Get returns the whole record for an id or unique id prefix.
func (w *Wallet) Get(id string) (*Record, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	return w.get(id)
}

// get is Get for callers that already hold use().
func (w *Wallet) get(id string) (*Record, error) {
	full, err := w.resolveID(id)
	if err != nil {
		return nil, err
	}
	v, err := w.db.Get(bucketCredentials, full)
	if err != nil {
		return nil, fmt.Errorf("read credential %s: %w", full, err)
	}
	var rec Record
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("read credential %s: %w", full, err)
	}
	return &rec, nil
}

// Reverify verifies a stored credential again (dates and status change over
// time) with the wallet's own verifier and keeps the new verdict; see
// ReverifyWith for what is kept when nothing could be checked and what the
// activity log records (here only a changed verdict).
func (w *Wallet) Reverify(ctx context.Context, id string) (*Record, error) {
	rc, err := w.reverify(ctx, w.verifier, id, false)
	if err != nil {
		return nil, err
	}
	return rc.Record, nil
}

// Delete removes a credential from the wallet and records the deletion in
// the activity log, in one transaction.
func (w *Wallet) Delete(id string) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	full, err := w.resolveID(id)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.db.Update(func(tx *store.Tx) error {
		e := Entry{Action: ActionDelete, Outcome: OutcomeDone, Credential: full, Time: w.now()}
		if v, err := tx.Get(bucketIndex, full); err == nil {
			var s Summary
			if json.Unmarshal(v, &s) == nil {
				e.Counterparty, e.Name, e.Types = s.IssuerID, s.Name, s.Types
			}
		}
		if v, err := tx.Get(bucketCredentials, full); err == nil {
			var rec Record
			if json.Unmarshal(v, &rec) == nil {
				if vc, err := credentialJSON([]byte(rec.Raw)); err == nil {
					e.Claims = claimNames(vc)
				}
			}
		}
		if err := tx.Delete(bucketCredentials, full); err != nil {
			return fmt.Errorf("delete credential %s: %w", full, err)
		}
		if err := tx.Delete(bucketIndex, full); err != nil {
			return fmt.Errorf("delete credential %s: %w", full, err)
		}
		if err := tx.Delete(bucketPassport, full); err != nil {
			return fmt.Errorf("delete credential %s: %w", full, err)
		}
		_, err := appendActivity(tx, e)
		return err
	})
}
