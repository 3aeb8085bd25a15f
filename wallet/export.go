package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
)

// Passport files
//
// A passport file is what a learner hands a career advisor: a presentation
// (see Present) of chosen credentials, signed by the learner's holder key,
// written as indented JSON. It is a presentation like any other: the
// advisor verifies it with `verify` or opens it in advisor mode
// (OpenPassportFile), and the learner's activity log records it. What sets
// it apart is its lifetime: an advisor reads it over weeks, so it holds for
// DefaultPassportFileTTL unless the learner chooses another expiry.

// DefaultPassportFileTTL is how long a passport file holds when the learner
// gives no expiry: long enough for a course of advice.
const DefaultPassportFileTTL = 90 * 24 * time.Hour

// ExportRequest is what the learner puts in a passport file.
type ExportRequest struct {
	// Credentials are record ids (or unique prefixes); empty means every
	// credential that is shareable now (see Shareable).
	Credentials []string
	// Expires is when the file stops being valid; zero means
	// DefaultPassportFileTTL from now.
	Expires time.Time
	// Audience names whom the file is for (an advisor, a service); it is
	// bound into the holder's signature as the proof's domain. Optional.
	Audience string
}

// Shareable returns the ids of the credentials a passport file holds by
// default: those whose last verdict is verified (or genuine with a status
// that could not be checked), that are not revoked or suspended, and whose
// validity has not ended by the wallet's clock. The order is List's.
func (w *Wallet) Shareable() ([]string, error) {
	all, err := w.List()
	if err != nil {
		return nil, err
	}
	now := w.now()
	var ids []string
	for _, s := range all {
		v := verdictOf(s)
		if v.Counts() != nil || v.Expired() {
			continue
		}
		if !s.ValidUntil.IsZero() && !s.ValidUntil.After(now) {
			continue
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

// ExportPassport makes a passport file: a presentation of the chosen
// credentials (every shareable one when req names none) signed by the
// learner's holder key, expiring at req.Expires (DefaultPassportFileTTL from
// now when zero), bound to req.Audience, and recorded in the activity log
// as a presentation. It returns the presentation (its JSON compact) and the
// file's bytes (the same JSON indented, with a final newline). With nothing
// to share it returns an error wrapping ErrNothingChosen; the errors of
// Present apply otherwise.
func (w *Wallet) ExportPassport(ctx context.Context, req ExportRequest) (*Presentation, []byte, error) {
	ids := req.Credentials
	if len(ids) == 0 {
		var err error
		if ids, err = w.Shareable(); err != nil {
			return nil, nil, fmt.Errorf("export passport: %w", err)
		}
		if len(ids) == 0 {
			return nil, nil, fmt.Errorf("export passport: %w: no credential in the wallet is verified and current", ErrNothingChosen)
		}
	}
	expires := req.Expires
	if expires.IsZero() {
		expires = w.now().Add(DefaultPassportFileTTL)
	}
	pr := Choose(ids...)
	pr.Expires = expires
	pr.Domain = req.Audience
	p, err := w.Present(ctx, pr)
	if err != nil {
		return nil, nil, fmt.Errorf("export passport: %w", err)
	}
	var file bytes.Buffer
	if err := json.Indent(&file, p.JSON, "", "  "); err != nil {
		return nil, nil, fmt.Errorf("export passport: %w", err)
	}
	file.WriteByte('\n')
	return p, file.Bytes(), nil
}

// PassportSummary is what a printed passport shows: the learner's passport
// view and who holds it.
type PassportSummary struct {
	// HolderDID is the learner's holder DID (the Ed25519 identity that signs
	// presentations).
	HolderDID string
	// View is the learner's passport at the wallet's clock.
	View passport.View
}

// PassportSummary builds the learner's passport with opts (the wallet's
// clock when opts.Now is nil) and names the holder DID, for a printed
// summary.
func (w *Wallet) PassportSummary(opts passport.Options) (*PassportSummary, error) {
	if opts.Now == nil {
		opts.Now = w.now
	}
	p, err := w.Passport(opts)
	if err != nil {
		return nil, err
	}
	ident, err := w.Identity(did.Ed25519)
	if err != nil {
		return nil, fmt.Errorf("passport summary: %w", err)
	}
	return &PassportSummary{HolderDID: ident.DID, View: p.View()}, nil
}
