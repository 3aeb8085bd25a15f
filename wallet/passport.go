package wallet

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/opencerts"
)

// bucketPassport holds each stored credential normalised for the skills
// passport (passport.Record), so the passport is built without reading any
// credential JSON again.
const bucketPassport = "passport-records"

// passportRecord normalises a stored credential for the passport.
func passportRecord(rec *Record) ([]byte, error) {
	raw := []byte(rec.Raw)
	switch {
	case len(rec.Result.Expanded) > 0:
		// An Open Badges 2.0 badge class and issuer, as the verifier obtained them.
		raw = rec.Result.Expanded
	case rec.Format == verify.FormatOpenCerts:
		// The passport reads an OpenCerts certificate's data without its
		// salts (passport imports nothing of ours).
		revealed, err := revealOpenCerts(raw)
		if err != nil {
			return nil, err
		}
		raw = revealed
	}
	pr, err := passport.Normalize(passport.Credential{
		RecordID:   rec.ID,
		JSON:       raw,
		IssuerID:   rec.IssuerID,
		IssuerName: rec.IssuerName,
		ValidFrom:  rec.ValidFrom,
		ValidUntil: rec.ValidUntil,
	})
	if err != nil {
		return nil, err
	}
	return passport.EncodeRecord(&pr)
}

// putPassportRecord stores rec's passport record in tx. A credential the
// passport cannot read is still kept: the passport lists it as skipped.
func putPassportRecord(tx *store.Tx, rec *Record) error {
	b, err := passportRecord(rec)
	if err != nil {
		return nil //nolint:nilerr // not every credential describes skills
	}
	if err := tx.Put(bucketPassport, rec.ID, b); err != nil {
		return fmt.Errorf("store passport record: %w", err)
	}
	return nil
}

func verdictOf(s Summary) passport.Verdict {
	return passport.Verdict{
		Verified:    s.Verified,
		Signature:   s.Checks.Signature,
		Validity:    s.Checks.Validity,
		Status:      s.Checks.Status,
		IssuerCheck: s.Checks.Issuer,
		Anchor:      s.Checks.Anchor,
	}
}

// revealOpenCerts returns the data of an OpenCerts (OpenAttestation v2)
// document with its salts taken off, as JSON; fields the holder obfuscated
// are absent.
func revealOpenCerts(raw []byte) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("read opencerts document: %w", err)
	}
	data, err := opencerts.Reveal(doc)
	if err != nil {
		return nil, fmt.Errorf("reveal opencerts document: %w", err)
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("reveal opencerts document: %w", err)
	}
	return b, nil
}

// Passport builds the learner's skills passport from every stored
// credential, with each credential's latest verdict. Records stored by an
// older Skillpass (another passport.RecordVersion) are normalised again from
// the credential. The learner's stored category overrides (SetCategory)
// apply, under opts.Overrides: where both name a skill, opts wins.
func (w *Wallet) Passport(opts passport.Options) (*passport.Passport, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var entries []passport.Entry
	var stored map[string]passport.Category
	err = w.db.View(func(tx *store.Tx) error {
		var err error
		if stored, err = categoryOverridesIn(tx); err != nil {
			return err
		}
		return tx.ForEach(bucketIndex, func(id string, v []byte) error {
			var s Summary
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("read credential index: %w", err)
			}
			rec, err := w.passportRecordIn(tx, id)
			if err != nil || rec == nil {
				return err
			}
			entries = append(entries, passport.Entry{Record: rec, Verdict: verdictOf(s)})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("build passport: %w", err)
	}
	opts.Overrides = withOverrides(stored, opts.Overrides)
	return passport.Build(entries, opts), nil
}

// passportRecordIn reads id's passport record, normalising the credential
// again when the stored record is missing or of another version. It returns
// nil for a credential that describes no skills.
func (w *Wallet) passportRecordIn(tx *store.Tx, id string) (*passport.Record, error) {
	b, err := tx.Get(bucketPassport, id)
	if err == nil {
		rec, err := passport.DecodeRecord(b)
		if err == nil {
			return &rec, nil
		}
		if !errors.Is(err, passport.ErrRecordVersion) {
			return nil, fmt.Errorf("read passport record %s: %w", id, err)
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	v, err := tx.Get(bucketCredentials, id)
	if err != nil {
		return nil, fmt.Errorf("read credential %s: %w", id, err)
	}
	var rec Record
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("read credential %s: %w", id, err)
	}
	pb, err := passportRecord(&rec)
	if err != nil {
		return nil, nil //nolint:nilerr // describes no skills
	}
	pr, err := passport.DecodeRecord(pb)
	if err != nil {
		return nil, err
	}
	return &pr, nil
}
