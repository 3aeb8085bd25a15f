package wallet

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/store"
	"github.com/skillpass/skillpass/wallet/verify"
)

// Advisor mode
//
// A career advisor opens the passport files learners shared with them
// (ExportPassport makes one), verifies each, and sees the learner's skills
// passport built from the credentials inside, optionally against a target
// role, beside private notes the advisor keeps in their own wallet.
//
// What counts: a file is first judged whole by the verifier `verify` uses
// (the presentation, the holder's signature, every credential inside). When
// the holder's signature does not hold (the file was edited: a claim, a
// skill, a date, anything the learner signed), or the presentation has
// expired, or the signing key is not the holder's, nothing in the file is
// counted: the advisor cannot tell what the learner shared from what was
// changed. Otherwise each credential counts by the passport's own rule
// (passport.Verdict.Counts: verified; or genuine but expired, or with a
// status that could not be checked), and revoked, suspended or unverified
// credentials are listed as not counted with the reason.

// bucketAdvisorNotes holds the advisor's private notes, keyed by the
// learner's holder DID, a time stamp and a random suffix.
const bucketAdvisorNotes = "advisor-notes"

// Limits on a note.
const (
	// MaxNoteRunes is the longest note text, in characters.
	MaxNoteRunes = 4000
	// maxHolderLen bounds a holder DID used as a note key.
	maxHolderLen = 2048
)

var (
	// ErrNotPassportFile is returned (wrapped) by ReadPassportFile for data
	// that is not a JSON-LD verifiable presentation: a lone credential, a
	// JWT, or not a credential at all.
	ErrNotPassportFile = errors.New("not a passport file (a presentation shared from a wallet)")
	// ErrBadNote is returned (wrapped) by AddNote for a note without text,
	// with a text that is too long or holds control characters, or for a
	// holder that is not a DID.
	ErrBadNote = errors.New("invalid note")
)

// SharedPassport is one learner's passport file as an advisor sees it.
type SharedPassport struct {
	// File names the file it was read from (as the caller gave it).
	File string `json:"file,omitempty"`
	// Holder is the learner's DID, as the presentation names it.
	Holder string `json:"holder"`
	// PresentationID is the presentation's id.
	PresentationID string `json:"presentationId,omitempty"`
	// Audience is whom the learner made the file for (the proof's domain),
	// when named.
	Audience string `json:"audience,omitempty"`
	// Expires is when the learner's signature stops holding (the proof's
	// expires), when given.
	Expires time.Time `json:"expires,omitzero"`
	// Verified is the verifier's verdict on the whole file, as `verify`
	// gives it: the holder's signature and every credential inside.
	Verified bool `json:"verified"`
	// HolderSigned is true when the holder's signature verifies with the
	// holder's key and the presentation is within its validity: only then
	// are the credentials inside counted.
	HolderSigned bool `json:"holderSigned"`
	// Credentials says, per credential in the file, whether it was counted.
	Credentials []SharedCredential `json:"credentials"`
	// Counted is the number of credentials counted.
	Counted int `json:"counted"`
	// Passport is the skills passport of the counted credentials.
	Passport passport.View `json:"passport"`
	// Notes are the advisor's notes on this holder (OpenPassportFile only).
	Notes []Note `json:"notes,omitempty"`
	// Result is the verifier's full verdict.
	Result *verify.Result `json:"result"`
}

// SharedCredential is one credential of a passport file.
type SharedCredential struct {
	// Index is the credential's position in the file, from 0.
	Index int `json:"index"`
	// RecordID is the id the learner's wallet knows the credential by.
	RecordID string `json:"record,omitempty"`
	// Name is the credential's name.
	Name string `json:"name,omitempty"`
	// IssuerID and IssuerName name the issuer as the credential does.
	IssuerID   string `json:"issuerId,omitempty"`
	IssuerName string `json:"issuerName,omitempty"`
	// Verified is the verifier's verdict on this credential.
	Verified bool `json:"verified"`
	// Counted is true when its skills are in the passport view.
	Counted bool `json:"counted"`
	// Reason says why it was not counted.
	Reason string `json:"reason,omitempty"`
}

// Reasons a credential of a passport file is not counted.
const (
	reasonHolder   = "the learner's signature on the file does not hold"
	reasonNoSkills = "it shows no achievement"
)

// ReadPassportFile verifies a passport file with v and builds the learner's
// passport from the credentials that count (see "Advisor mode"), with opts
// (its clock, role, pathways). name labels the file. It returns an error
// only for data that is not a JSON-LD presentation (wrapping
// ErrNotPassportFile); a file that does not verify is a SharedPassport with
// HolderSigned or Verified false.
func ReadPassportFile(ctx context.Context, v *verify.Verifier, name string, data []byte, opts passport.Options) (*SharedPassport, error) {
	if v == nil {
		return nil, errors.New("read passport file: no verifier")
	}
	res, err := v.Verify(ctxOrBackground(ctx), data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrNotPassportFile, err)
	}
	if res.Kind != verify.KindPresentation || res.Format != verify.FormatLDP {
		return nil, fmt.Errorf("%s: %w: it is a %s (%s)", name, ErrNotPassportFile, res.Kind, res.Format)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w: %w", name, ErrNotPassportFile, err)
	}
	sp := &SharedPassport{
		File: name, Holder: res.IssuerID, PresentationID: str(doc["id"]),
		Verified: res.Verified, Result: res,
	}
	if proof, ok := doc["proof"].(map[string]any); ok {
		sp.Audience = strings.Join(strs(proof["domain"]), ", ")
		sp.Expires = firstTime(proof["expires"])
	}
	sp.HolderSigned = res.Checks.Signature == verify.SigOK && res.Checks.Validity == verify.ValidOK &&
		res.Checks.Issuer != verify.IssuerMismatch
	members := presentationMembers(doc["verifiableCredential"])
	var entries []passport.Entry
	seen := map[string]bool{}
	for i, m := range members {
		sc, cred := sharedMember(i, m)
		var cr *verify.Result
		if i < len(res.Credentials) {
			cr = &res.Credentials[i]
			sc.Verified = cr.Verified
			if cr.IssuerID != "" {
				sc.IssuerID = cr.IssuerID
			}
		}
		switch {
		case !sp.HolderSigned:
			sc.Reason = reasonHolder
		case cr == nil || cred == nil:
			sc.Reason = "it cannot be read"
		case seen[sc.RecordID]:
			sc.Reason = "it appears twice in the file"
		default:
			verdict := passport.Verdict{
				Verified: cr.Verified, Signature: cr.Checks.Signature, Validity: cr.Checks.Validity,
				Status: cr.Checks.Status, IssuerCheck: cr.Checks.Issuer, Anchor: cr.Checks.Anchor,
			}
			if err := verdict.Counts(); err != nil {
				sc.Reason = notCountedReason(cr)
				break
			}
			cred.Verdict = verdict
			rec, err := passport.Normalize(*cred)
			if err != nil {
				sc.Reason = reasonNoSkills
				if !errors.Is(err, passport.ErrNoAchievement) {
					sc.Reason = "it cannot be read: " + err.Error()
				}
				break
			}
			entries = append(entries, passport.Entry{Record: &rec, Verdict: verdict})
			seen[sc.RecordID] = true
			sc.Counted = true
			sp.Counted++
		}
		sp.Credentials = append(sp.Credentials, sc)
	}
	if sp.Credentials == nil {
		sp.Credentials = []SharedCredential{}
	}
	p := passport.Build(entries, opts)
	for _, sk := range p.Skipped() {
		for i := range sp.Credentials {
			if c := &sp.Credentials[i]; c.Counted && c.RecordID == sk.RecordID {
				c.Counted, c.Reason = false, sk.Reason
				sp.Counted--
			}
		}
	}
	sp.Passport = p.View()
	return sp, nil
}

// OpenPassportFile is ReadPassportFile with the wallet's verifier and clock
// (when opts.Now is nil), adding the advisor's notes on the file's holder.
func (w *Wallet) OpenPassportFile(ctx context.Context, name string, data []byte, opts passport.Options) (*SharedPassport, error) {
	if opts.Now == nil {
		opts.Now = w.now
	}
	sp, err := ReadPassportFile(ctx, w.verifier, name, data, opts)
	if err != nil {
		return nil, err
	}
	if sp.Holder != "" {
		if sp.Notes, err = w.Notes(sp.Holder); err != nil {
			return nil, err
		}
	}
	return sp, nil
}

// presentationMembers returns a presentation's verifiableCredential as a
// list (one object, a list, or nothing).
func presentationMembers(raw any) []any {
	switch t := raw.(type) {
	case nil:
		return nil
	case []any:
		return t
	default:
		return []any{t}
	}
}

// sharedMember reads one member of a passport file: what it names, and the
// credential as the passport takes it (nil when it cannot be read).
func sharedMember(i int, m any) (SharedCredential, *passport.Credential) {
	sc := SharedCredential{Index: i}
	var vc map[string]any
	var cred passport.Credential
	switch t := m.(type) {
	case string:
		cred.JSON = []byte(strings.TrimSpace(t))
	case map[string]any:
		if slices.Contains(strs(t["type"]), "EnvelopedVerifiableCredential") {
			id := str(t["id"])
			_, token, ok := strings.Cut(id, ",")
			if !ok || !strings.HasPrefix(id, "data:") {
				return sc, nil
			}
			cred.JSON = []byte(token)
		} else {
			b, err := json.Marshal(t)
			if err != nil {
				return sc, nil
			}
			cred.Doc, vc = t, t
			sc.RecordID = RecordID(b)
		}
	default:
		return sc, nil
	}
	if vc == nil {
		var err error
		if vc, err = credentialJSON(cred.JSON); err != nil {
			return sc, nil
		}
		sc.RecordID = RecordID(cred.JSON)
	}
	s := summarise(vc)
	sc.Name, sc.IssuerID, sc.IssuerName = s.Name, s.IssuerID, s.IssuerName
	cred.RecordID = sc.RecordID
	return sc, &cred
}

// notCountedReason names the checks that keep a credential out of the
// passport.
func notCountedReason(r *verify.Result) string {
	var out []string
	switch r.Checks.Status {
	case "revoked", "suspended":
		out = append(out, "status "+r.Checks.Status)
	}
	if r.Checks.Signature != verify.SigOK {
		out = append(out, "signature "+r.Checks.Signature)
	}
	if r.Checks.Validity == verify.ValidNotYet {
		out = append(out, "validity "+r.Checks.Validity)
	}
	if r.Checks.Issuer == verify.IssuerMismatch {
		out = append(out, "issuer "+r.Checks.Issuer)
	}
	if len(out) == 0 {
		return "not verified"
	}
	return strings.Join(out, ", ")
}

// Note is an advisor's private note on a learner, kept in the advisor's
// wallet (encrypted like everything in it, and in its backups).
type Note struct {
	// Holder is the learner's holder DID the note is about.
	Holder string `json:"holder"`
	// Time is when the note was written (the wallet's clock, UTC).
	Time time.Time `json:"time"`
	// Text is the note.
	Text string `json:"text"`
}

// AddNote keeps a private note on the learner whose holder DID is holder.
// The text is trimmed; it must not be empty, must be at most MaxNoteRunes
// characters and hold no control characters other than new lines and
// tabs; holder must be a DID. Errors for bad input wrap ErrBadNote.
func (w *Wallet) AddNote(holder, text string) (*Note, error) {
	holder = strings.TrimSpace(holder)
	text = strings.TrimSpace(text)
	if err := checkNote(holder, text); err != nil {
		return nil, err
	}
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	n := Note{Holder: holder, Time: w.now().UTC(), Text: text}
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return nil, fmt.Errorf("add note: %w", err)
	}
	key := fmt.Sprintf("%s %020d %s", holder, n.Time.UnixNano(), hex.EncodeToString(suffix[:]))
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("add note: %w", err)
	}
	if err := w.db.Update(func(tx *store.Tx) error { return tx.Put(bucketAdvisorNotes, key, b) }); err != nil {
		return nil, fmt.Errorf("add note: %w", err)
	}
	return &n, nil
}

// Notes returns the advisor's notes on holder, oldest first, or every note
// (by holder, then oldest first) when holder is empty.
func (w *Wallet) Notes(holder string) ([]Note, error) {
	holder = strings.TrimSpace(holder)
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	type keyed struct {
		key  string
		note Note
	}
	var all []keyed
	err = w.db.ForEach(bucketAdvisorNotes, func(k string, v []byte) error {
		var n Note
		if err := json.Unmarshal(v, &n); err != nil {
			return fmt.Errorf("read note: %w", err)
		}
		if holder == "" || n.Holder == holder {
			all = append(all, keyed{k, n})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list notes: %w", err)
	}
	slices.SortFunc(all, func(a, b keyed) int {
		if c := strings.Compare(a.note.Holder, b.note.Holder); c != 0 {
			return c
		}
		if c := a.note.Time.Compare(b.note.Time); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	out := make([]Note, len(all))
	for i, k := range all {
		out[i] = k.note
	}
	return out, nil
}

// checkNote refuses a note the advisor could not read back as written.
func checkNote(holder, text string) error {
	switch {
	case !strings.HasPrefix(holder, "did:") || len(holder) <= len("did:"):
		return fmt.Errorf("%w: the holder %q is not a DID", ErrBadNote, holder)
	case len(holder) > maxHolderLen || strings.IndexFunc(holder, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return fmt.Errorf("%w: the holder is not a DID (too long, or holds spaces)", ErrBadNote)
	case text == "":
		return fmt.Errorf("%w: the note is empty", ErrBadNote)
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: the note is not valid UTF-8 text", ErrBadNote)
	case utf8.RuneCountInString(text) > MaxNoteRunes:
		return fmt.Errorf("%w: the note is %d characters (at most %d)", ErrBadNote, utf8.RuneCountInString(text), MaxNoteRunes)
	case strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return fmt.Errorf("%w: the note holds control characters", ErrBadNote)
	}
	return nil
}
