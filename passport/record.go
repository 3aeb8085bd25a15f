package passport

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// RecordVersion is the version of the Record format this package writes and
// reads. It changes whenever the shape of a Record or the rules that fill it
// (levels, categories, keys, freshness keywords) change: a record of another
// version is refused (ErrRecordVersion) and must be normalised again from
// its credential.
const RecordVersion = 2

// Formats of Record.
const (
	FormatOB3 = "ob3" // Open Badges 3.0 (OpenBadgeCredential / AchievementCredential)
	FormatCLR = "clr" // CLR 2.0 (ClrCredential)
	FormatVC  = "vc"  // any other verifiable credential
)

// Sentinel errors about records.
var (
	// ErrRecordVersion: the record was written by another version of this
	// package; normalise its credential again.
	ErrRecordVersion = errors.New("record of another format version")
	// ErrInvalidRecord: the record is damaged or incomplete.
	ErrInvalidRecord = errors.New("invalid record")
)

// Issuer names an issuer.
type Issuer struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Record is one credential, normalised: the achievements it shows, the
// skills each evidences and, for a CLR, the relations between them. Normalize
// makes one from a credential; the wallet keeps it next to the credential
// (EncodeRecord, DecodeRecord) so that building a passport never reads
// credential JSON again.
//
// A Record holds what the credential itself says. It does not hold the
// wallet's verdict (which changes: a credential expires or is revoked), nor
// anything from a Catalog (which the learner may import later): Build and
// Add take both at build time.
//
// The JSON shape (times are RFC 3339 in UTC; empty fields are left out):
//
//	{
//	  "version": 2,                               RecordVersion
//	  "record": "…",                              the wallet's id for the credential
//	  "credentialId": "urn:uuid:…",               the credential's own id
//	  "format": "ob3",                            ob3 | clr | vc | ob2 | europass | opencerts | blockcerts
//	  "name": "…",                                the credential's name
//	  "issuer": {"id": "did:web:…", "name": "…"},
//	  "validFrom": "…", "validUntil": "…",
//	  "achievements": [{
//	    "id": "…", "name": "…", "type": "Certificate",    OB 3.0 achievementType
//	    "credentialId": "…",                      the (inner, for a CLR) credential's id
//	    "issuer": {…}, "earned": "…", "validUntil": "…",
//	    "level": {"value": 0.6667, "label": "Silver", "scale": "medal"},   its own level, if any
//	    "tags": ["…"], "fieldOfStudy": "…", "specialization": "…",
//	    "related": ["…"],                         ids of other editions
//	    "evidenceCount": 2,
//	    "skills": [{
//	      "ref": {"key": "sfw:ICT-DIT-010", "name": "…", "framework": "SkillsFuture",
//	              "code": "ICT-DIT-4010-1.1", "type": "TSC"},
//	      "level": {…},
//	      "category": "functional", "categoryRule": "framework",
//	      "fast": true                            names a fast-decaying field
//	    }]
//	  }],
//	  "associations": [{"type": "isChildOf", "source": "…", "target": "…"}],   CLR only
//	  "described": {"<achievement id>": "<name>"}                               CLR only
//	}
type Record struct {
	// Version is RecordVersion for records this package made.
	Version int `json:"version"`
	// RecordID is the wallet's id for the credential; the passport refers
	// to evidence by it, and it must be unique and not empty.
	RecordID     string    `json:"record"`
	CredentialID string    `json:"credentialId,omitempty"`
	Format       string    `json:"format"`
	Name         string    `json:"name,omitempty"`
	Issuer       Issuer    `json:"issuer"`
	ValidFrom    time.Time `json:"validFrom,omitzero"`
	ValidUntil   time.Time `json:"validUntil,omitzero"`
	// Achievements are what the credential awards; never empty.
	Achievements []Achievement `json:"achievements"`
	// Associations are a CLR's relations between achievements.
	Associations []Association `json:"associations,omitempty"`
	// Described are achievements a CLR describes without awarding them
	// (ClrSubject.achievement), by id: the names of the stacks its
	// associations build.
	Described map[string]string `json:"described,omitempty"`
}

// Achievement is one earned achievement.
type Achievement struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type,omitempty"` // OB 3.0 achievementType, "" when not given
	CredentialID string `json:"credentialId,omitempty"`
	Issuer       Issuer `json:"issuer"`
	// Earned is when the achievement was evidenced: the subject's
	// activityEndDate, else the credential's awardedDate, validFrom or
	// issuanceDate.
	Earned     time.Time `json:"earned,omitzero"`
	ValidUntil time.Time `json:"validUntil,omitzero"`
	// Level is the achievement's own level (results not aligned to a
	// skill, or a level in its name or tags); nil when it has none.
	Level          *Level   `json:"level,omitempty"`
	Tags           []string `json:"tags,omitempty"`
	FieldOfStudy   string   `json:"fieldOfStudy,omitempty"`
	Specialization string   `json:"specialization,omitempty"`
	// Related are ids of other editions of the same achievement (OB 3.0
	// related[]).
	Related []string `json:"related,omitempty"`
	// EvidenceCount counts the credential's evidence[] entries.
	EvidenceCount int `json:"evidenceCount,omitempty"`
	// Skills are the skills the achievement evidences, one per key; never
	// empty.
	Skills []SkillEvidence `json:"skills"`
}

// SkillEvidence is one skill an achievement evidences, with what the
// credential says about it: the level, the category its rules give (see the
// package documentation) and whether it names a fast-decaying field.
type SkillEvidence struct {
	Ref          SkillRef `json:"ref"`
	Level        Level    `json:"level"`
	Category     Category `json:"category"`
	CategoryRule string   `json:"categoryRule"`
	// Fast is true when something about the evidence names a fast field.
	Fast bool `json:"fast,omitempty"`
}

// Association is a relation between two achievements (CLR 2.0).
// Type is one of exactMatchOf, isChildOf, isParentOf, isPartOf, isPeerOf,
// isRelatedTo, precedes, replacedBy (others are kept but have no effect).
type Association struct {
	Type   string `json:"type"`
	Source string `json:"source"`
	Target string `json:"target"`
}

// EncodeRecord writes a record in its JSON shape (see Record). It refuses a
// record Validate refuses.
func EncodeRecord(rec *Record) ([]byte, error) {
	if err := rec.Validate(); err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return nil, fmt.Errorf("encode record %s: %w", rec.RecordID, err)
	}
	return b, nil
}

// DecodeRecord reads a record EncodeRecord wrote. It returns an error
// wrapping ErrRecordVersion for a record of another version (normalise the
// credential again), and ErrInvalidRecord or ErrNoAchievement for one that
// is damaged.
func DecodeRecord(b []byte) (Record, error) {
	var rec Record
	if err := json.Unmarshal(b, &rec); err != nil {
		var v struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(b, &v) == nil && v.Version != RecordVersion {
			return Record{}, fmt.Errorf("decode record: %w: version %d, want %d", ErrRecordVersion, v.Version,
				RecordVersion)
		}
		return Record{}, fmt.Errorf("decode record: %w: %w", ErrInvalidRecord, err)
	}
	if err := rec.Validate(); err != nil {
		return Record{}, fmt.Errorf("decode record: %w", err)
	}
	return rec, nil
}

// Validate checks what the passport relies on: the version, a record id, at
// least one achievement, and in every achievement at least one skill, each
// with a key, one of the four categories, a known category rule and levels
// from 0 to 1. Records Normalize makes always pass.
func (r *Record) Validate() error {
	if r.Version != RecordVersion {
		return fmt.Errorf("record %s: %w: version %d, want %d", r.RecordID, ErrRecordVersion, r.Version, RecordVersion)
	}
	if r.RecordID == "" {
		return fmt.Errorf("%w: no record id", ErrInvalidRecord)
	}
	if len(r.Achievements) == 0 {
		return fmt.Errorf("record %s: %w", r.RecordID, ErrNoAchievement)
	}
	for i := range r.Achievements {
		a := &r.Achievements[i]
		if len(a.Skills) == 0 {
			return fmt.Errorf("record %s: %w: achievement %d evidences no skill", r.RecordID, ErrInvalidRecord, i+1)
		}
		if a.Level != nil && !a.Level.valid() {
			return fmt.Errorf("record %s: %w: achievement %d: level %v out of range", r.RecordID, ErrInvalidRecord, i+1,
				a.Level.Value)
		}
		for j := range a.Skills {
			s := &a.Skills[j]
			var problem string
			switch {
			case s.Ref.Key == "":
				problem = "no key"
			case s.Category.order() == len(Categories):
				problem = fmt.Sprintf("category %q", s.Category)
			case !knownRule(s.CategoryRule):
				problem = fmt.Sprintf("category rule %q", s.CategoryRule)
			case !s.Level.valid():
				problem = fmt.Sprintf("level %v out of range", s.Level.Value)
			}
			if problem != "" {
				return fmt.Errorf("record %s: %w: achievement %d, skill %d: %s", r.RecordID, ErrInvalidRecord, i+1, j+1,
					problem)
			}
		}
	}
	return nil
}

// valid reports whether the level's value is on the scale.
func (l Level) valid() bool { return !math.IsNaN(l.Value) && l.Value >= 0 && l.Value <= 1 }

// hasGraph reports whether the record relates achievements to each other
// (related editions, CLR associations or described stacks).
func (r *Record) hasGraph() bool {
	if len(r.Associations) > 0 || len(r.Described) > 0 {
		return true
	}
	for i := range r.Achievements {
		if len(r.Achievements[i].Related) > 0 {
			return true
		}
	}
	return false
}
