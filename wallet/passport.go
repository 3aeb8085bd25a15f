package wallet

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/store"
)

// bucketPassport holds each stored credential normalised for the skills
// passport (passport.Record), so the passport is built without reading any
// credential JSON again.
const bucketPassport = "passport-records"

// passportRecord normalises a stored credential for the passport.
func passportRecord(rec *Record) ([]byte, error) {
	raw := []byte(rec.Raw)
	if len(rec.Result.Expanded) > 0 {
		// An Open Badges 2.0 badge class and issuer, as the verifier obtained them.
		raw = rec.Result.Expanded
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
	}
}

// Passport builds the learner's skills passport from every stored
// credential, with each credential's latest verdict. Records stored by an
// older Skillpass (another passport.RecordVersion) are normalised again from
// the credential.
func (w *Wallet) Passport(opts passport.Options) (*passport.Passport, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	var entries []passport.Entry
	err = w.db.View(func(tx *store.Tx) error {
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
