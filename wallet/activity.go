package wallet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/skillpass/skillpass/wallet/importer"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify"
)

// The activity log lives in two wallet buckets: one record per entry, keyed
// by its sequence number in 20 decimal digits (so that byte order is
// numeric order), and a head record holding the sequence number and hash of
// the last entry, so that a removed last entry is detected too.
const (
	bucketActivity     = "activity"
	bucketActivityHead = "activity-head"
	activityHeadKey    = "head"
)

// Action names what an activity entry records.
type Action string

// Actions the wallet records.
const (
	ActionImport  Action = "import"
	ActionDelete  Action = "delete"
	ActionBackup  Action = "backup"
	ActionRestore Action = "restore"
	// ActionSettings is a change to the learner's settings (a skill's
	// passport category); the entry names the setting, never a claim.
	ActionSettings Action = "settings"
)

// Outcomes of an action.
const (
	OutcomeStored    = "stored"    // an import kept the credential
	OutcomeDuplicate = "duplicate" // an import found it already there
	OutcomeRejected  = "rejected"  // an import refused it (Detail names the failed check)
	OutcomeFailed    = "failed"    // the attempt failed (Detail says how)
	OutcomeDone      = "done"      // a deletion, backup, restore or settings change happened
)

// ErrActivityBroken is wrapped by the error Activity returns when the
// hash chain does not hold: an entry was edited, removed, reordered or added
// outside the wallet.
var ErrActivityBroken = errors.New("the activity log's hash chain is broken")

// Entry is one line of the activity log. It names who and what (the
// counterparty's id, the credential's name, types and claim names) but never
// a claim's value. Prev is the SHA-256, in hex, of the previous entry's
// canonical bytes (its JSON encoding as stored, which is also its line in the
// JSON Lines export); the first entry has none.
type Entry struct {
	Seq          uint64    `json:"seq"`
	Time         time.Time `json:"time"`
	Action       Action    `json:"action"`
	Outcome      string    `json:"outcome"`
	Counterparty string    `json:"counterparty,omitempty"`
	Credential   string    `json:"credential,omitempty"`
	Name         string    `json:"name,omitempty"`
	Types        []string  `json:"types,omitempty"`
	Claims       []string  `json:"claims,omitempty"`
	Source       string    `json:"source,omitempty"`
	Detail       string    `json:"detail,omitempty"`
	// Origin is set on an entry restored from a backup whose history had
	// diverged from this wallet's: the hash of the entry as it was in the
	// backup. The copy keeps the original's time and content.
	Origin string `json:"origin,omitempty"`
	Prev   string `json:"prev"`
}

// BrokenLinkError reports the first place where the activity log's chain
// does not hold. It wraps ErrActivityBroken.
type BrokenLinkError struct {
	Seq    uint64 // the sequence number where the chain breaks
	Reason string
}

func (e *BrokenLinkError) Error() string {
	return fmt.Sprintf("%s at entry %d: %s", ErrActivityBroken, e.Seq, e.Reason)
}

// Unwrap returns ErrActivityBroken.
func (e *BrokenLinkError) Unwrap() error { return ErrActivityBroken }

// activityHead is the head record: the last entry's number and hash.
type activityHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// seqKey is the record key of entry seq.
func seqKey(seq uint64) string { return fmt.Sprintf("%020d", seq) }

// entryHash is the hex SHA-256 of an entry's canonical bytes.
func entryHash(canonical []byte) string {
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// canonical returns the bytes an entry is stored, hashed and exported as.
func (e *Entry) canonical() ([]byte, error) {
	return json.Marshal(e)
}

// readHead returns the head record, or a zero head for an empty log.
func readHead(tx *store.Tx) (activityHead, bool, error) {
	var h activityHead
	raw, err := tx.Get(bucketActivityHead, activityHeadKey)
	if errors.Is(err, store.ErrNotFound) {
		return h, false, nil
	}
	if err != nil {
		return h, false, err
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		return h, false, fmt.Errorf("read activity head: %w", err)
	}
	return h, true, nil
}

// appendActivity adds e at the end of the log inside tx, filling in Seq and
// Prev, and returns it as stored.
func appendActivity(tx *store.Tx, e Entry) (Entry, error) {
	h, _, err := readHead(tx)
	if err != nil {
		return e, fmt.Errorf("append to activity log: %w", err)
	}
	e.Seq = h.Seq + 1
	e.Prev = h.Hash
	e.Time = e.Time.UTC()
	b, err := e.canonical()
	if err != nil {
		return e, fmt.Errorf("append to activity log: %w", err)
	}
	if err := tx.Put(bucketActivity, seqKey(e.Seq), b); err != nil {
		return e, fmt.Errorf("append to activity log: %w", err)
	}
	head, err := json.Marshal(activityHead{Seq: e.Seq, Hash: entryHash(b)})
	if err != nil {
		return e, err
	}
	if err := tx.Put(bucketActivityHead, activityHeadKey, head); err != nil {
		return e, fmt.Errorf("append to activity log: %w", err)
	}
	return e, nil
}

// logActivity appends e in its own transaction, stamping the time.
func (w *Wallet) logActivity(e Entry) error {
	if e.Time.IsZero() {
		e.Time = w.now()
	}
	return w.db.Update(func(tx *store.Tx) error {
		_, err := appendActivity(tx, e)
		return err
	})
}

// RecordActivity appends e to the activity log (Seq and Prev are filled in;
// a zero Time becomes now). It is for the parts of Skillpass that act on the
// learner's behalf outside this package (issuance, presentations): give
// names, never claim values.
func (w *Wallet) RecordActivity(e Entry) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	if e.Action == "" || e.Outcome == "" {
		return errors.New("record activity: an entry needs an action and an outcome")
	}
	return w.logActivity(e)
}

// rawEntry is one stored entry with its canonical bytes.
type rawEntry struct {
	key string
	raw []byte
}

// Activity returns the activity log, oldest first, after checking its hash
// chain. If the chain is broken it returns the entries it could read and an
// error of type *BrokenLinkError (wrapping ErrActivityBroken) naming the
// first broken link: an edited entry breaks the link to the next one (or to
// the head record, for the last), a removed one leaves a gap.
func (w *Wallet) Activity() ([]Entry, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var raws []rawEntry
	var head activityHead
	var hasHead bool
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		if head, hasHead, err = readHead(tx); err != nil {
			return err
		}
		return tx.ForEach(bucketActivity, func(k string, v []byte) error {
			raws = append(raws, rawEntry{key: k, raw: v})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read activity log: %w", err)
	}
	return checkChain(raws, head, hasHead)
}

// checkChain parses and verifies stored entries against the head record.
func checkChain(raws []rawEntry, head activityHead, hasHead bool) ([]Entry, error) {
	out := make([]Entry, 0, len(raws))
	var first error
	broken := func(seq uint64, format string, args ...any) {
		if first == nil {
			first = &BrokenLinkError{Seq: seq, Reason: fmt.Sprintf(format, args...)}
		}
	}
	prev := ""
	for i, r := range raws {
		want := uint64(i) + 1
		var e Entry
		if err := json.Unmarshal(r.raw, &e); err != nil {
			broken(want, "the entry is not readable")
			prev = entryHash(r.raw)
			continue
		}
		out = append(out, e)
		switch {
		case r.key != seqKey(want) || e.Seq != want:
			broken(want, "entry %d is missing (found %s)", want, r.key)
		case e.Prev != prev:
			broken(want, "it does not follow from entry %d (that entry was changed, or this one was)", want-1)
		default:
			if c, err := e.canonical(); err != nil || !bytes.Equal(c, r.raw) {
				broken(want, "the entry is not in canonical form (it was edited)")
			}
		}
		prev = entryHash(r.raw)
	}
	n := uint64(len(raws))
	switch {
	case !hasHead && n > 0:
		broken(n, "the log's head record is missing")
	case hasHead && head.Seq > n:
		broken(n+1, "the log should end at entry %d but ends at %d (entries were removed)", head.Seq, n)
	case hasHead && head.Seq < n:
		broken(head.Seq+1, "the log should end at entry %d but goes on to %d (entries were added)", head.Seq, n)
	case hasHead && head.Hash != prev:
		broken(n, "the last entry was changed")
	}
	return out, first
}

// ExportActivity writes the activity log as JSON Lines: each line is an
// entry's canonical bytes, so the SHA-256 of a line is the next line's
// "prev" and anyone can check the chain with standard tools. It writes every
// readable entry and returns the chain's error, if any, after them.
func (w *Wallet) ExportActivity(out io.Writer) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	var raws []rawEntry
	var head activityHead
	var hasHead bool
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		if head, hasHead, err = readHead(tx); err != nil {
			return err
		}
		return tx.ForEach(bucketActivity, func(k string, v []byte) error {
			raws = append(raws, rawEntry{key: k, raw: v})
			return nil
		})
	})
	release()
	if err != nil {
		return fmt.Errorf("export activity log: %w", err)
	}
	_, chainErr := checkChain(raws, head, hasHead)
	for _, r := range raws {
		line := append(slices.Clip(r.raw), '\n')
		if _, err := out.Write(line); err != nil {
			return fmt.Errorf("export activity log: %w", err)
		}
	}
	return chainErr
}

// credentialEntry fills the names an entry gives for a credential: the
// issuer as counterparty, the credential's name and types, and the names of
// its subject's claims (never their values).
func credentialEntry(action Action, outcome string, res ImportResult, raw []byte) Entry {
	e := Entry{
		Action:       action,
		Outcome:      outcome,
		Counterparty: res.Summary.IssuerID,
		Credential:   res.ID,
		Name:         res.Summary.Name,
		Types:        res.Summary.Types,
		Source:       res.Source,
	}
	if vc, err := credentialJSON(raw); err == nil {
		e.Claims = claimNames(vc)
	}
	return e
}

// claimNames returns the sorted property names of the credential's
// subjects.
func claimNames(vc map[string]any) []string {
	var names []string
	add := func(v any) {
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				names = append(names, k)
			}
		}
	}
	switch s := vc["credentialSubject"].(type) {
	case []any:
		for _, x := range s {
			add(x)
		}
	default:
		add(s)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// failedCheck names the check that kept a credential out, in the words of
// the verdict (e.g. "signature invalid", "issuer mismatch").
func failedCheck(vr *verify.Result) string {
	switch {
	case vr == nil:
		return "not a verifiable credential"
	case vr.Checks.Signature != verify.SigOK:
		return "signature " + vr.Checks.Signature
	case vr.Checks.Issuer == verify.IssuerMismatch:
		return "issuer " + vr.Checks.Issuer
	}
	return ""
}

// importFailure names why a file could not be read, without quoting it.
func importFailure(err error) string {
	for _, c := range []struct {
		err  error
		what string
	}{
		{importer.ErrEmpty, "empty file"},
		{importer.ErrTooLarge, "file too large"},
		{importer.ErrTooDeep, "nesting too deep"},
		{importer.ErrUnrecognised, "not a credential file"},
		{importer.ErrNoCredential, "no credential in the file"},
		{importer.ErrCorrupt, "damaged file"},
	} {
		if errors.Is(err, c.err) {
			return c.what
		}
	}
	return "unreadable file"
}

// countDetail formats "n word" for report details.
func countDetail(n int, word string) string { return strconv.Itoa(n) + " " + word }
