package issuer

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/skillpass/skillpass/wallet"
)

// Buckets of the issuer's wallet (agent buckets, apart from the learner
// agent's own names).
const (
	bucketConfig  = "issuer-config"
	bucketOffers  = "issuer-offers"
	bucketIssued  = "issuer-issued"
	bucketIndexes = "issuer-status-index"
	configInvite  = "invitation"
	configStatus  = "status-list-changed"
)

// StatusListSize is the number of entries of the issuer's status list: the
// 16KB (131,072 one-bit entries) both status list specifications ask for.
const StatusListSize = 131072

// StatusListID is the number of the issuer's status list of its Ed25519
// DID (the credentials signed with ProofEd25519 and ProofEdDSA2022); it is
// served at /status/<StatusListID>.
const StatusListID = "1"

// StatusListBBS is the number of the status list of the issuer's BBS+
// credentials, issued and signed (BbsBlsSignature2020) by its BLS12-381
// G2 DID, since a status list must have the credential's issuer; it is
// served at /status/<StatusListBBS>. Both lists share one index space.
const StatusListBBS = "2"

var (
	// ErrNotIssued is returned when a credential id matches no credential
	// the issuer issued.
	ErrNotIssued = errors.New("no credential with this id was issued here")
	// ErrAmbiguous is returned when a credential id prefix matches several
	// issued credentials.
	ErrAmbiguous = errors.New("credential id prefix matches several issued credentials")
	// ErrListFull is returned when every entry of the status list is taken.
	ErrListFull = errors.New("the status list is full")
)

// OfferState is where an offer the issuer sent stands.
type OfferState string

// Offer states.
const (
	// OfferSent: the offer went out; the learner has not answered.
	OfferSent OfferState = "sent"
	// OfferIssued: the learner asked and the credential went out.
	OfferIssued OfferState = "issued"
	// OfferDone: the learner acknowledged the credential.
	OfferDone OfferState = "done"
	// OfferDeclined: the learner declined or refused (Problem says why).
	OfferDeclined OfferState = "declined"
)

// OfferRecord is what the issuer keeps of an offer it sent.
type OfferRecord struct {
	ID            string          `json:"id"` // the protocol instance (thread) id
	ConnectionID  string          `json:"connectionId"`
	AchievementID string          `json:"achievementId"`
	State         OfferState      `json:"state"`
	Sent          time.Time       `json:"sent"`
	Updated       time.Time       `json:"updated"`
	CredentialID  string          `json:"credentialId,omitempty"`
	Problem       string          `json:"problem,omitempty"`
	Template      json.RawMessage `json:"template"` // the credential offered, unsigned
	// Date is the issuance date (YYYY-MM-DD) the offer fixed, for offers
	// of a batch; empty means the time of issue.
	Date string `json:"date,omitempty"`
	// Result is the result text the offer carries, if any.
	Result string `json:"result,omitempty"`
	// Proof is how the credential is signed; empty means ProofEd25519.
	Proof Proof `json:"proof,omitempty"`
}

// Issued is a credential the issuer signed and sent.
type Issued struct {
	ID            string `json:"id"` // the credential's id (urn:uuid:…)
	OfferID       string `json:"offerId,omitempty"`
	ConnectionID  string `json:"connectionId,omitempty"`
	AchievementID string `json:"achievementId"`
	Subject       string `json:"subject"` // the learner's DID
	StatusIndex   int    `json:"statusIndex"`
	// List is the status list (StatusListBBS) of the entry; empty means
	// StatusListID.
	List    string     `json:"list,omitempty"`
	Issued  time.Time  `json:"issued"`
	Revoked *time.Time `json:"revoked,omitempty"`
}

// records is the issuer's bookkeeping in its wallet.
type records struct{ w *wallet.Wallet }

func (r records) put(bucket, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return r.w.AgentPut(bucket, key, raw)
}

func (r records) get(bucket, key string, v any) error {
	raw, err := r.w.AgentGet(bucket, key)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

func (r records) offer(id string) (*OfferRecord, error) {
	var o OfferRecord
	if err := r.get(bucketOffers, id, &o); err != nil {
		return nil, fmt.Errorf("read offer %s: %w", id, err)
	}
	return &o, nil
}

func (r records) saveOffer(o *OfferRecord) error {
	if err := r.put(bucketOffers, o.ID, o); err != nil {
		return fmt.Errorf("save offer %s: %w", o.ID, err)
	}
	return nil
}

// issued lists every issued credential, oldest first.
func (r records) issued() ([]Issued, error) {
	var out []Issued
	err := r.w.AgentForEach(bucketIssued, func(_ string, v []byte) error {
		var is Issued
		if err := json.Unmarshal(v, &is); err != nil {
			return fmt.Errorf("read issued credential: %w", err)
		}
		out = append(out, is)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list issued credentials: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Issued.Equal(out[j].Issued) {
			return out[i].Issued.Before(out[j].Issued)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// find resolves a credential id, with or without its urn:uuid: prefix, or a
// unique prefix of at least 4 characters of the uuid.
func (r records) find(id string) (*Issued, error) {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil, fmt.Errorf("credential id is empty: %w", ErrNotIssued)
	}
	var is Issued
	if err := r.get(bucketIssued, id, &is); err == nil {
		return &is, nil
	} else if !errors.Is(err, wallet.ErrAgentRecordNotFound) {
		return nil, err
	}
	want := strings.TrimPrefix(id, "urn:uuid:")
	if len(want) < 4 {
		return nil, fmt.Errorf("credential %q: %w", id, ErrNotIssued)
	}
	all, err := r.issued()
	if err != nil {
		return nil, err
	}
	var found []Issued
	for _, x := range all {
		if strings.HasPrefix(strings.TrimPrefix(x.ID, "urn:uuid:"), want) {
			found = append(found, x)
		}
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("credential %q: %w", id, ErrNotIssued)
	case 1:
		return &found[0], nil
	default:
		return nil, fmt.Errorf("credential %q: %w", id, ErrAmbiguous)
	}
}

// allocateIndex picks a free status list entry at random (so that the
// index says nothing about the order of issue) and reserves it for credID.
func (r records) allocateIndex(credID string) (int, error) {
	for range 64 {
		var b [4]byte
		if _, err := rand.Read(b[:]); err != nil {
			return 0, fmt.Errorf("allocate status entry: %w", err)
		}
		idx := int(binary.BigEndian.Uint32(b[:]) % StatusListSize)
		key := strconv.Itoa(idx)
		_, err := r.w.AgentGet(bucketIndexes, key)
		if err == nil {
			continue
		}
		if !errors.Is(err, wallet.ErrAgentRecordNotFound) {
			return 0, fmt.Errorf("allocate status entry: %w", err)
		}
		if err := r.w.AgentPut(bucketIndexes, key, []byte(credID)); err != nil {
			return 0, fmt.Errorf("allocate status entry: %w", err)
		}
		return idx, nil
	}
	return 0, fmt.Errorf("allocate status entry: %w", ErrListFull)
}

// revoke marks the credential id revoked (at now) and returns its record;
// revoking it again changes nothing. The status list's change time becomes
// now.
func (r records) revoke(id string, now time.Time) (*Issued, error) {
	is, err := r.find(id)
	if err != nil {
		return nil, fmt.Errorf("revoke: %w", err)
	}
	if is.Revoked != nil {
		return is, nil
	}
	t := now.UTC()
	is.Revoked = &t
	if err := r.put(bucketIssued, is.ID, is); err != nil {
		return nil, fmt.Errorf("revoke %s: %w", is.ID, err)
	}
	if err := r.setListChanged(t); err != nil {
		return nil, fmt.Errorf("revoke %s: %w", is.ID, err)
	}
	return is, nil
}

// listChanged returns when the status list last changed (a revocation),
// recording since as that time when nothing is recorded yet: the date the
// served list carries, the same across restarts until the next change.
func (r records) listChanged(since time.Time) (time.Time, error) {
	raw, err := r.w.AgentGet(bucketConfig, configStatus)
	switch {
	case err == nil:
		t, perr := time.Parse(time.RFC3339, string(raw))
		if perr == nil {
			return t.UTC(), nil
		}
	case !errors.Is(err, wallet.ErrAgentRecordNotFound):
		return time.Time{}, fmt.Errorf("status list date: %w", err)
	}
	t := since.UTC().Truncate(time.Second)
	if err := r.setListChanged(t); err != nil {
		return time.Time{}, err
	}
	return t, nil
}

// setListChanged records t (to the second) as the status list's change
// time. It never moves the time back: a change made within the same
// second, or under a clock set back, keeps the recorded date, so that a
// list's date never goes backwards and is never in the future.
func (r records) setListChanged(t time.Time) error {
	t = t.UTC().Truncate(time.Second)
	if raw, err := r.w.AgentGet(bucketConfig, configStatus); err == nil {
		if old, perr := time.Parse(time.RFC3339, string(raw)); perr == nil && !t.After(old) {
			return nil
		}
	}
	if err := r.w.AgentPut(bucketConfig, configStatus, []byte(t.Format(time.RFC3339))); err != nil {
		return fmt.Errorf("status list date: %w", err)
	}
	return nil
}

// Revoke marks the credential id (or a unique prefix of its uuid) revoked in
// the issuer's wallet w, for use while the issuer is not serving: the next
// serve publishes it in the status list. It returns the credential's record.
func Revoke(w *wallet.Wallet, id string) (*Issued, error) {
	return records{w: w}.revoke(id, time.Now())
}

// IssuedCredentials lists the credentials recorded in the issuer's wallet w,
// oldest first.
func IssuedCredentials(w *wallet.Wallet) ([]Issued, error) {
	return records{w: w}.issued()
}
