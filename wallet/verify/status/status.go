// Package status judges a credential's credentialStatus: it fetches the
// status list credential an entry points to, has it verified, checks that it
// belongs to the credential's issuer, serves the same purpose and is still
// valid, and reads the credential's entry from the bitstring.
//
// Two status methods are understood:
//   - StatusList2021Entry / StatusList2021Credential (W3C CCG Status List
//     2021): encodedList is base64url of a GZIP bitstring (standard base64 is
//     accepted too).
//   - BitstringStatusListEntry / BitstringStatusListCredential (W3C Bitstring
//     Status List v1.0): encodedList is multibase base64url ('u') of a GZIP
//     bitstring; statusSize above 1 with statusMessage is supported.
//
// In both, entry 0 is the left-most bit of the first byte. Lists smaller than
// the 16KB the specifications ask for are read and noted, not rejected.
//
// Everything fetched is untrusted: fetched documents, encoded lists and
// decompressed bitstrings are size-capped, and indexes are range-checked, so
// that hostile input yields Unknown with a reason rather than a crash or an
// exhausted memory.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// State is the verdict for a credential's status.
type State string

// The verdicts, as printed by `skillpass-cli verify --json` under
// checks.status.
const (
	// OK means every status entry was read and none is set.
	OK State = "ok"
	// Revoked means the issuer revoked the credential; this is final.
	Revoked State = "revoked"
	// Suspended means the issuer suspended the credential; this may be lifted.
	Suspended State = "suspended"
	// Unknown means at least one status entry could not be judged.
	Unknown State = "unknown"
	// None means the credential has no credentialStatus.
	None State = "none"
)

// rank orders states for combining several entries: Revoked beats Suspended
// beats Unknown beats OK.
func (s State) rank() int {
	switch s {
	case Revoked:
		return 4
	case Suspended:
		return 3
	case Unknown:
		return 2
	case OK:
		return 1
	default:
		return 0
	}
}

// Fetcher gets the document at a URL. did.Fetcher satisfies it.
type Fetcher interface {
	Fetch(ctx context.Context, url string) ([]byte, error)
}

// ListVerifier verifies a fetched status list credential (signature,
// validity, issuer) and returns its parsed JSON, or for a VC-JWT the decoded
// payload's vc claim. A list whose credential fails verification makes the
// entry Unknown with the verifier's error as the reason.
type ListVerifier func(ctx context.Context, raw []byte) (map[string]any, error)

// Errors that explain an Unknown entry; EntryResult.Err wraps one of them
// (or ErrMalformed, ErrListTooLarge, ErrIndexOutOfRange). Their text is meant
// to be read by a learner.
var (
	// ErrOffline reports that no Fetcher was configured.
	ErrOffline = errors.New("status list not available offline")
	// ErrFetch reports that the status list could not be retrieved.
	ErrFetch = errors.New("could not get the status list")
	// ErrListNotVerified reports that the status list credential failed
	// verification.
	ErrListNotVerified = errors.New("the status list could not be verified")
	// ErrIssuerMismatch reports a status list issued by someone other than
	// the credential's issuer.
	ErrIssuerMismatch = errors.New("status list issued by someone else")
	// ErrPurposeMismatch reports a status list that serves another purpose
	// than the entry.
	ErrPurposeMismatch = errors.New("status list serves another purpose")
	// ErrWrongList reports a status list of another method, or one whose id
	// names another list.
	ErrWrongList = errors.New("status list is not the one the credential names")
	// ErrListExpired reports a status list past its validUntil or
	// expirationDate.
	ErrListExpired = errors.New("status list has expired")
	// ErrListNotYetValid reports a status list before its validFrom or
	// issuanceDate.
	ErrListNotYetValid = errors.New("status list is not valid yet")
	// ErrUnsupported reports a status method or purpose this package does not
	// understand.
	ErrUnsupported = errors.New("this kind of status check is not supported")
)

// Result is the detailed verdict of Evaluate.
type Result struct {
	// State combines the entries: Revoked beats Suspended beats Unknown
	// beats OK; None when there are no entries.
	State State
	// Reason explains a Revoked, Suspended or Unknown state in plain words;
	// it is empty for OK and None.
	Reason string
	// Entries holds one result per credentialStatus entry, in order.
	Entries []EntryResult
}

// Notes returns the notes of every entry (small lists, missing multibase
// prefix, status messages), for display next to an OK verdict.
func (r Result) Notes() []string {
	var out []string
	for _, e := range r.Entries {
		out = append(out, e.Notes...)
	}
	return out
}

// EntryResult is the verdict for one credentialStatus entry.
type EntryResult struct {
	// Type is the entry's type, e.g. "BitstringStatusListEntry".
	Type string
	// Purpose is the entry's statusPurpose.
	Purpose string
	// ListURL is the entry's statusListCredential.
	ListURL string
	// Index is the entry's statusListIndex as given.
	Index string
	// State is the verdict for this entry.
	State State
	// Value is the entry's value read from the list (0 when it could not be
	// read).
	Value uint64
	// Message is the statusMessage text for Value, if the entry has one
	// (for statusSize 1 without statusMessage: "set" or "unset").
	Message string
	// Reason explains Revoked, Suspended and Unknown in plain words.
	Reason string
	// Err is the error behind an Unknown state; use errors.Is with the
	// package's Err values.
	Err error
	// Notes are observations that do not change the verdict.
	Notes []string
}

// Option configures a Checker.
type Option func(*config)

type config struct {
	ttl           time.Duration
	failureTTL    time.Duration
	maxLists      int
	maxCacheBytes int64
	maxFetchBytes int
	maxListBytes  int64
	now           func() time.Time
	sameIssuer    func(credentialIssuer, listIssuer string) bool
}

// Defaults for the Checker's limits.
const (
	// DefaultTTL is how long a fetched, verified list is reused.
	DefaultTTL = 5 * time.Minute
	// DefaultFailureTTL is how long a failed fetch or verification is
	// remembered before the list is tried again.
	DefaultFailureTTL = 30 * time.Second
	// DefaultMaxLists is how many lists the cache holds at most.
	DefaultMaxLists = 64
	// DefaultMaxCacheBytes caps the decompressed bitstrings held in the cache.
	DefaultMaxCacheBytes = 64 << 20
	// DefaultMaxFetchBytes caps a fetched status list credential.
	DefaultMaxFetchBytes = 1 << 20
	// MaxEntries caps the credentialStatus entries of one credential, so that
	// a hostile credential cannot make the verifier fetch without end.
	MaxEntries = 32
)

// WithTTL sets how long a verified list is reused (default DefaultTTL). A
// list's own credentialSubject.ttl, when shorter, wins. Zero or less disables
// caching of verified lists.
func WithTTL(d time.Duration) Option { return func(c *config) { c.ttl = d } }

// WithFailureTTL sets how long a failed fetch, verification or decoding of a
// list is remembered (default DefaultFailureTTL); zero or less disables it.
// Cancelled or timed-out fetches are never remembered.
func WithFailureTTL(d time.Duration) Option { return func(c *config) { c.failureTTL = d } }

// WithMaxLists caps the number of cached lists (default DefaultMaxLists);
// zero or less disables the cache.
func WithMaxLists(n int) Option { return func(c *config) { c.maxLists = n } }

// WithMaxCacheBytes caps the total size of the cached decompressed
// bitstrings (default DefaultMaxCacheBytes). A list larger than the cap is
// not cached.
func WithMaxCacheBytes(n int64) Option { return func(c *config) { c.maxCacheBytes = n } }

// WithMaxFetchBytes caps the size of a fetched status list credential
// (default DefaultMaxFetchBytes); larger lists are Unknown.
func WithMaxFetchBytes(n int) Option { return func(c *config) { c.maxFetchBytes = n } }

// WithMaxListBytes caps a decompressed bitstring (default
// DefaultMaxListBytes); larger lists are Unknown.
func WithMaxListBytes(n int64) Option { return func(c *config) { c.maxListBytes = n } }

// WithClock sets the clock used for the lists' validity and the cache
// (default time.Now).
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithIssuerMatch replaces the rule that a status list must be issued by the
// credential's issuer (default: the two identifiers are equal). Bitstring
// Status List v1.0 allows another issuer; a verifier that trusts a delegated
// status issuer can say so here.
func WithIssuerMatch(match func(credentialIssuer, listIssuer string) bool) Option {
	return func(c *config) { c.sameIssuer = match }
}

// Checker judges credentialStatus values. It caches verified lists by URL and
// is safe for concurrent use.
type Checker struct {
	fetcher  Fetcher
	verifier ListVerifier
	cfg      config
	cache    *listCache
}

// NewChecker returns a Checker that fetches lists with f and verifies them
// with v. With a nil Fetcher every list is Unknown ("status list not
// available offline: ..."); with a nil ListVerifier every list is Unknown
// because it cannot be verified.
func NewChecker(f Fetcher, v ListVerifier, opts ...Option) *Checker {
	cfg := config{
		ttl:           DefaultTTL,
		failureTTL:    DefaultFailureTTL,
		maxLists:      DefaultMaxLists,
		maxCacheBytes: DefaultMaxCacheBytes,
		maxFetchBytes: DefaultMaxFetchBytes,
		maxListBytes:  DefaultMaxListBytes,
		now:           time.Now,
		sameIssuer:    func(a, b string) bool { return a == b },
	}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.sameIssuer == nil {
		cfg.sameIssuer = func(a, b string) bool { return a == b }
	}
	if cfg.maxFetchBytes <= 0 {
		cfg.maxFetchBytes = DefaultMaxFetchBytes
	}
	if cfg.maxListBytes <= 0 {
		cfg.maxListBytes = DefaultMaxListBytes
	}
	c := &Checker{fetcher: f, verifier: v, cfg: cfg}
	c.cache = newListCache(&c.cfg, c.load)
	return c
}

// Check returns the state for the credentialStatus value (an object or an
// array of objects, as decoded by encoding/json; other Go values are
// round-tripped through JSON) of a credential issued by issuerID, and a
// plain-words reason for Revoked, Suspended and Unknown.
func (c *Checker) Check(ctx context.Context, issuerID string, credentialStatus any) (State, string) {
	r := c.Evaluate(ctx, issuerID, credentialStatus)
	return r.State, r.Reason
}

// Evaluate is Check with the verdict of every entry.
func (c *Checker) Evaluate(ctx context.Context, issuerID string, credentialStatus any) Result {
	entries, err := entryList(credentialStatus)
	if err != nil {
		return Result{State: Unknown, Reason: err.Error(), Entries: []EntryResult{{State: Unknown, Reason: err.Error(), Err: err}}}
	}
	if len(entries) == 0 {
		return Result{State: None}
	}
	if len(entries) > MaxEntries {
		err := fmt.Errorf("%w: %d credentialStatus entries, more than the %d a credential may have here", ErrMalformed, len(entries), MaxEntries)
		return Result{State: Unknown, Reason: err.Error(), Entries: []EntryResult{{State: Unknown, Reason: err.Error(), Err: err}}}
	}
	res := Result{Entries: make([]EntryResult, 0, len(entries))}
	for _, e := range entries {
		er := c.checkEntry(ctx, issuerID, e)
		if er.State == Unknown && er.Reason == "" && er.Err != nil {
			er.Reason = er.Err.Error()
		}
		res.Entries = append(res.Entries, er)
		if er.State.rank() > res.State.rank() {
			res.State = er.State
		}
	}
	if res.State != OK {
		var reasons []string
		for _, e := range res.Entries {
			if e.State == res.State && e.Reason != "" {
				reasons = append(reasons, e.Reason)
			}
		}
		res.Reason = strings.Join(reasons, "; ")
	}
	return res
}

// entryList normalises credentialStatus into a list of entry objects.
func entryList(v any) ([]map[string]any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return []map[string]any{t}, nil
	case []map[string]any:
		return t, nil
	case []any:
		out := make([]map[string]any, 0, len(t))
		for i, x := range t {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%w: credentialStatus entry %d is not an object", ErrMalformed, i)
			}
			out = append(out, m)
		}
		return out, nil
	case json.RawMessage:
		return entryListJSON(t)
	case []byte:
		return entryListJSON(t)
	case string:
		return nil, fmt.Errorf("%w: credentialStatus is a bare string, not a status entry", ErrMalformed)
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return nil, fmt.Errorf("%w: credentialStatus: %v", ErrMalformed, err)
		}
		return entryListJSON(b)
	}
}

func entryListJSON(b []byte) ([]map[string]any, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("%w: credentialStatus: %v", ErrMalformed, err)
	}
	switch v.(type) {
	case nil, map[string]any, []any:
		return entryList(v)
	default:
		return nil, fmt.Errorf("%w: credentialStatus is neither an object nor an array", ErrMalformed)
	}
}

// method describes one supported status method.
type method struct {
	format      Format
	entryType   string
	listType    string
	subjectType string
}

var methods = []method{
	{StatusList2021, "StatusList2021Entry", "StatusList2021Credential", "StatusList2021"},
	{BitstringStatusList, "BitstringStatusListEntry", "BitstringStatusListCredential", "BitstringStatusList"},
}

func (c *Checker) checkEntry(ctx context.Context, issuerID string, e map[string]any) EntryResult {
	types := stringsOf(e["type"])
	er := EntryResult{Type: strings.Join(types, ","), Purpose: str(e["statusPurpose"]), ListURL: str(e["statusListCredential"])}
	unknown := func(err error) EntryResult {
		er.State, er.Err, er.Reason = Unknown, err, err.Error()
		return er
	}
	var m *method
	for i := range methods {
		if contains(types, methods[i].entryType) {
			m = &methods[i]
			break
		}
	}
	if m == nil {
		if len(types) == 0 {
			return unknown(fmt.Errorf("%w: a credentialStatus entry has no type", ErrMalformed))
		}
		return unknown(fmt.Errorf("%w: %q", ErrUnsupported, er.Type))
	}
	er.Type = m.entryType

	if er.Purpose == "" {
		return unknown(fmt.Errorf("%w: %s has no statusPurpose", ErrMalformed, m.entryType))
	}
	if er.ListURL == "" {
		return unknown(fmt.Errorf("%w: %s has no statusListCredential", ErrMalformed, m.entryType))
	}
	idx, idxText, err := parseIndex(e["statusListIndex"])
	er.Index = idxText
	if err != nil {
		return unknown(err)
	}
	size, messages, err := entrySize(m, e)
	if err != nil {
		return unknown(err)
	}

	l, err := c.cache.get(ctx, er.ListURL)
	if err != nil {
		return unknown(err)
	}

	// The list must be the one named, of the same method, by the same
	// issuer, for the same purpose, and valid now.
	if !contains(l.types, m.listType) {
		return unknown(fmt.Errorf("%w: %s is not a %s", ErrWrongList, er.ListURL, m.listType))
	}
	if l.id != "" && l.id != er.ListURL {
		return unknown(fmt.Errorf("%w: the list fetched from %s says it is %s", ErrWrongList, er.ListURL, l.id))
	}
	if len(l.subjectTypes) > 0 && !contains(l.subjectTypes, m.subjectType) {
		return unknown(fmt.Errorf("%w: the list in %s is not a %s", ErrWrongList, er.ListURL, m.subjectType))
	}
	if !c.cfg.sameIssuer(issuerID, l.issuer) {
		return unknown(fmt.Errorf("%w: %s is issued by %q, the credential by %q", ErrIssuerMismatch, er.ListURL, l.issuer, issuerID))
	}
	if !contains(l.purposes, er.Purpose) {
		return unknown(fmt.Errorf("%w: %s is for %s, the credential looks it up for %q", ErrPurposeMismatch, er.ListURL, quoteAll(l.purposes), er.Purpose))
	}
	now := c.cfg.now()
	if !l.validUntil.IsZero() && now.After(l.validUntil) {
		return unknown(fmt.Errorf("%w: %s expired on %s", ErrListExpired, er.ListURL, l.validUntil.UTC().Format(time.RFC3339)))
	}
	if !l.validFrom.IsZero() && now.Before(l.validFrom) {
		return unknown(fmt.Errorf("%w: %s is valid from %s", ErrListNotYetValid, er.ListURL, l.validFrom.UTC().Format(time.RFC3339)))
	}
	if m.format == BitstringStatusList && !l.prefixed {
		er.Notes = append(er.Notes, fmt.Sprintf("the encodedList of %s lacks the multibase 'u' prefix", er.ListURL))
	}

	list := &List{bits: l.bits, statusSize: size}
	if n := list.Len(); n < MinListEntries {
		er.Notes = append(er.Notes, fmt.Sprintf("status list %s has %d entries, fewer than the %d the specification asks for (less privacy for holders)", er.ListURL, n, MinListEntries))
	}
	v, err := list.valueAt(idx)
	if err != nil {
		return unknown(fmt.Errorf("%w: entry %s of %s (%d entries)", ErrIndexOutOfRange, idxText, er.ListURL, list.Len()))
	}
	er.Value = v
	switch {
	case messages != nil:
		er.Message = messages[v]
	case size == 1 && v == 1:
		er.Message = "set"
	case size == 1:
		er.Message = "unset"
	}
	return c.judge(er, size)
}

// judge turns a read value into a verdict according to the entry's purpose.
func (c *Checker) judge(er EntryResult, size int) EntryResult {
	detail := ""
	if size > 1 && er.Message != "" {
		detail = fmt.Sprintf(" (%q)", er.Message)
	}
	switch er.Purpose {
	case "revocation":
		if er.Value != 0 {
			er.State = Revoked
			er.Reason = fmt.Sprintf("the issuer has revoked this credential%s (status list %s, entry %s)", detail, er.ListURL, er.Index)
			return er
		}
	case "suspension":
		if er.Value != 0 {
			er.State = Suspended
			er.Reason = fmt.Sprintf("the issuer has suspended this credential for now%s (status list %s, entry %s)", detail, er.ListURL, er.Index)
			return er
		}
	case "refresh":
		if er.Value != 0 {
			er.Notes = append(er.Notes, "the issuer has an updated version of this credential")
		}
	case "message":
		if er.Message != "" {
			er.Notes = append(er.Notes, fmt.Sprintf("status message from the issuer: %q", er.Message))
		}
	default:
		er.State, er.Err = Unknown, fmt.Errorf("%w: status purpose %q is not understood", ErrUnsupported, er.Purpose)
		er.Reason = er.Err.Error()
		return er
	}
	er.State = OK
	return er
}

// parseIndex reads statusListIndex: a string of base-10 digits (a JSON
// integer is tolerated). It returns the index and its text.
func parseIndex(v any) (uint64, string, error) {
	var s string
	switch t := v.(type) {
	case nil:
		return 0, "", fmt.Errorf("%w: the status entry has no statusListIndex", ErrMalformed)
	case string:
		s = t
	case json.Number:
		s = t.String()
	case float64:
		if t < 0 || t != float64(uint64(t)) || t >= 1<<53 {
			return 0, fmt.Sprint(t), fmt.Errorf("%w: statusListIndex %v is not a whole non-negative number", ErrMalformed, t)
		}
		return uint64(t), strconv.FormatUint(uint64(t), 10), nil
	case int:
		if t < 0 {
			return 0, strconv.Itoa(t), fmt.Errorf("%w: statusListIndex %d is negative", ErrMalformed, t)
		}
		return uint64(t), strconv.Itoa(t), nil
	case int64:
		if t < 0 {
			return 0, strconv.FormatInt(t, 10), fmt.Errorf("%w: statusListIndex %d is negative", ErrMalformed, t)
		}
		return uint64(t), strconv.FormatInt(t, 10), nil
	default:
		return 0, "", fmt.Errorf("%w: statusListIndex is a %T, not a string of digits", ErrMalformed, v)
	}
	shown := s
	if len(shown) > 40 {
		shown = shown[:40] + "..."
	}
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, shown, fmt.Errorf("%w: statusListIndex %q is not a string of digits", ErrMalformed, shown)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		// Only digits, so the number is too big for any list we accept.
		return 0, shown, fmt.Errorf("%w: statusListIndex %s is far beyond any status list", ErrIndexOutOfRange, shown)
	}
	return n, s, nil
}

// entrySize returns the entry's statusSize (1 unless a Bitstring entry says
// otherwise) and, when statusMessage is present, the message per value.
func entrySize(m *method, e map[string]any) (int, map[uint64]string, error) {
	size := 1
	if m.format == BitstringStatusList {
		if raw, ok := e["statusSize"]; ok {
			n, ok := wholeNumber(raw)
			if !ok || n < 1 {
				return 0, nil, fmt.Errorf("%w: statusSize %v is not a positive integer", ErrMalformed, raw)
			}
			if n > MaxStatusSize {
				return 0, nil, fmt.Errorf("%w: statusSize %d is wider than the %d bits supported", ErrUnsupported, n, MaxStatusSize)
			}
			size = int(n)
		}
	}
	raw, ok := e["statusMessage"]
	if !ok || m.format != BitstringStatusList {
		if size > 1 {
			return 0, nil, fmt.Errorf("%w: statusSize %d needs a statusMessage list", ErrMalformed, size)
		}
		return size, nil, nil
	}
	arr, ok := raw.([]any)
	if !ok {
		return 0, nil, fmt.Errorf("%w: statusMessage is not an array", ErrMalformed)
	}
	if len(arr) != 1<<size {
		return 0, nil, fmt.Errorf("%w: statusMessage has %d messages, statusSize %d needs %d", ErrMalformed, len(arr), size, 1<<size)
	}
	msgs := make(map[uint64]string, len(arr))
	for i, x := range arr {
		obj, _ := x.(map[string]any)
		st, msg := str(obj["status"]), str(obj["message"])
		hex, ok := strings.CutPrefix(strings.ToLower(st), "0x")
		if !ok {
			return 0, nil, fmt.Errorf("%w: statusMessage %d has status %q, not 0x-prefixed hexadecimal", ErrMalformed, i, st)
		}
		v, err := strconv.ParseUint(hex, 16, 64)
		if err != nil || bits.Len64(v) > size {
			return 0, nil, fmt.Errorf("%w: statusMessage %d has status %q, not a %d-bit value", ErrMalformed, i, st, size)
		}
		if _, dup := msgs[v]; dup {
			return 0, nil, fmt.Errorf("%w: statusMessage lists status %q twice", ErrMalformed, st)
		}
		msgs[v] = msg
	}
	return size, msgs, nil
}

func wholeNumber(v any) (int64, bool) {
	switch t := v.(type) {
	case float64:
		if t != float64(int64(t)) || t > 1<<53 || t < -(1<<53) {
			return 0, false
		}
		return int64(t), true
	case json.Number:
		n, err := t.Int64()
		return n, err == nil
	case int:
		return int64(t), true
	case int64:
		return t, true
	case string:
		n, err := strconv.ParseInt(t, 10, 64)
		return n, err == nil
	default:
		return 0, false
	}
}

// str returns v if it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}

// stringsOf returns the strings of a JSON string or array of strings.
func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return t
	default:
		return nil
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteAll(list []string) string {
	if len(list) == 0 {
		return "no purpose"
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
