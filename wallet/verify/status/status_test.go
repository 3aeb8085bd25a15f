package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
)

// world is the published state the checker sees in one test case: lists by
// URL, signed by their issuers.
type world struct {
	t       *testing.T
	fetcher *mapFetcher
	clock   *clock
	alice   issuer // the credential's issuer
	mallory issuer // someone else
}

func newWorld(t *testing.T) *world {
	return &world{
		t:       t,
		fetcher: newMapFetcher(),
		clock:   &clock{t: testNow},
		alice:   newIssuer("alice"),
		mallory: newIssuer("mallory"),
	}
}

// publish signs doc by iss and serves it at url.
func (w *world) publish(url string, iss issuer, doc map[string]any) {
	w.fetcher.put(url, sign(w.t, iss, doc))
}

// list publishes a list of format f by Alice with the given purpose, size and
// set entries at url.
func (w *world) list(f Format, url, purpose string, size int, set ...int) {
	w.publish(url, w.alice, listDocument(f, w.alice, url, purpose, encodeList(w.t, f, size, set...)))
}

func (w *world) checker(opts ...Option) *Checker {
	return NewChecker(w.fetcher, ariesVerifier, append([]Option{WithClock(w.clock.now)}, opts...)...)
}

const (
	sl2021URL = "https://status.example.edu/lists/2021/1"
	bslRevURL = "https://status.example.edu/lists/bsl/rev"
	bslSusURL = "https://status.example.edu/lists/bsl/sus"
)

func TestCheck(t *testing.T) {
	type tc struct {
		name string
		// setup publishes what the case needs and returns credentialStatus.
		setup   func(w *world) any
		noFetch bool // true: a nil Fetcher (offline)
		want    State
		wantErr error  // for Unknown: the sentinel behind it
		reason  string // a substring of the reason
		note    string // a substring of one note
		message string // EntryResult.Message of the first entry
	}
	cases := []tc{
		{
			name:  "no credentialStatus",
			setup: func(*world) any { return nil },
			want:  None,
		},
		{
			name:  "empty array",
			setup: func(*world) any { return []any{} },
			want:  None,
		},
		{
			name: "StatusList2021 revoked",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 94567)
				return entry(StatusList2021, sl2021URL, "revocation", "94567")
			},
			want:   Revoked,
			reason: "the issuer has revoked this credential",
		},
		{
			name: "StatusList2021 ok, neighbours set",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 94566, 94568)
				return entry(StatusList2021, sl2021URL, "revocation", "94567")
			},
			want:    OK,
			message: "unset",
		},
		{
			name: "StatusList2021 suspended",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "suspension", MinListEntries, 7)
				return entry(StatusList2021, sl2021URL, "suspension", "7")
			},
			want:   Suspended,
			reason: "suspended this credential for now",
		},
		{
			name: "Bitstring revoked at the last index",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, MinListEntries-1)
				return entry(BitstringStatusList, bslRevURL, "revocation", strconv.Itoa(MinListEntries-1))
			},
			want:    Revoked,
			reason:  "entry 131071",
			message: "set",
		},
		{
			name: "Bitstring suspended at index 0",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslSusURL, "suspension", MinListEntries, 0)
				return entry(BitstringStatusList, bslSusURL, "suspension", "0")
			},
			want: Suspended,
		},
		{
			name: "Bitstring ok",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 1, 3)
				return entry(BitstringStatusList, bslRevURL, "revocation", "2")
			},
			want: OK,
		},
		{
			name: "index just past the end",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries)
				return entry(BitstringStatusList, bslRevURL, "revocation", strconv.Itoa(MinListEntries))
			},
			want:    Unknown,
			wantErr: ErrIndexOutOfRange,
			reason:  "131072 entries",
		},
		{
			name: "index beyond 64 bits",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries)
				return entry(BitstringStatusList, bslRevURL, "revocation", "99999999999999999999999999")
			},
			want:    Unknown,
			wantErr: ErrIndexOutOfRange,
		},
		{
			name: "index whose bit offset overflows with statusSize 2",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries)
				e := entry(BitstringStatusList, bslRevURL, "revocation", "9223372036854775808")
				e["statusSize"] = 2
				e["statusMessage"] = messages("valid", "revoked", "revoked", "revoked")
				return e
			},
			want:    Unknown,
			wantErr: ErrIndexOutOfRange,
		},
		{
			name: "negative index",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries)
				return entry(BitstringStatusList, bslRevURL, "revocation", "-1")
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "index with a sign",
			setup: func(w *world) any {
				return entry(BitstringStatusList, bslRevURL, "revocation", "+5")
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "index in hex",
			setup: func(w *world) any {
				return entry(BitstringStatusList, bslRevURL, "revocation", "0x10")
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "index as a JSON number is tolerated",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 12)
				e := entry(StatusList2021, sl2021URL, "revocation", "")
				e["statusListIndex"] = 12
				return e
			},
			want: Revoked,
		},
		{
			name: "fractional JSON number index",
			setup: func(w *world) any {
				e := entry(StatusList2021, sl2021URL, "revocation", "")
				e["statusListIndex"] = 1.5
				return e
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "status list issued by someone else",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.mallory, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				w.publish(sl2021URL, w.mallory, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrIssuerMismatch,
			reason:  "status list issued by someone else",
		},
		{
			name: "list naming Alice but signed by Mallory fails verification",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				w.publish(sl2021URL, w.mallory, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListNotVerified,
		},
		{
			name: "tampered list fails verification",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 5)
				var doc map[string]any
				require.NoError(w.t, json.Unmarshal(w.fetcher.docs[sl2021URL], &doc))
				doc["credentialSubject"].(map[string]any)["encodedList"] = encodeList(w.t, StatusList2021, MinListEntries)
				b, err := json.Marshal(doc)
				require.NoError(w.t, err)
				w.fetcher.put(sl2021URL, b)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListNotVerified,
			reason:  "could not be verified",
		},
		{
			name: "unsigned list fails verification",
			setup: func(w *world) any {
				b, err := json.Marshal(listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries)))
				require.NoError(w.t, err)
				w.fetcher.put(sl2021URL, b)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: errNoProof,
		},
		{
			name: "purpose mismatch",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 5)
				return entry(BitstringStatusList, bslRevURL, "suspension", "5")
			},
			want:    Unknown,
			wantErr: ErrPurposeMismatch,
			reason:  `is for "revocation"`,
		},
		{
			name: "list with several purposes",
			setup: func(w *world) any {
				doc := listDocument(BitstringStatusList, w.alice, bslRevURL, "", encodeList(w.t, BitstringStatusList, MinListEntries, 5))
				doc["credentialSubject"].(map[string]any)["statusPurpose"] = []any{"revocation", "suspension"}
				w.publish(bslRevURL, w.alice, doc)
				return entry(BitstringStatusList, bslRevURL, "suspension", "5")
			},
			want: Suspended,
		},
		{
			name: "fetch error",
			setup: func(w *world) any {
				return entry(BitstringStatusList, "https://status.example.edu/missing", "revocation", "5")
			},
			want:    Unknown,
			wantErr: errNotFound,
			reason:  "could not get the status list https://status.example.edu/missing",
		},
		{
			name:    "offline",
			noFetch: true,
			setup: func(w *world) any {
				return entry(BitstringStatusList, bslRevURL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrOffline,
			reason:  "status list not available offline: " + bslRevURL,
		},
		{
			name: "gzip bomb",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", gzipBomb(w.t, 64<<20))
				w.publish(sl2021URL, w.alice, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListTooLarge,
			reason:  "it unpacks to more than 16 MiB",
		},
		{
			name: "fetched document above the size cap",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				doc["description"] = strings.Repeat("x", DefaultMaxFetchBytes)
				b, err := json.Marshal(doc)
				require.NoError(w.t, err)
				w.fetcher.put(sl2021URL, b)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListTooLarge,
		},
		{
			name: "expired list",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				doc["expirationDate"] = testNow.Add(-time.Hour).Format(time.RFC3339)
				w.publish(sl2021URL, w.alice, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListExpired,
			reason:  "expired on 2025-06-01T11:00:00Z",
		},
		{
			name: "expired Bitstring list (validUntil)",
			setup: func(w *world) any {
				doc := listDocument(BitstringStatusList, w.alice, bslRevURL, "revocation", encodeList(w.t, BitstringStatusList, MinListEntries))
				// validUntil is a VC 2.0 term; define it inline so that aries
				// (VC 1.1 only) signs it.
				doc["@context"] = append(doc["@context"].([]any), map[string]any{
					"validUntil": map[string]any{"@id": "https://www.w3.org/2018/credentials#validUntil", "@type": "http://www.w3.org/2001/XMLSchema#dateTime"},
				})
				doc["validUntil"] = testNow.Add(-time.Minute).Format(time.RFC3339)
				w.publish(bslRevURL, w.alice, doc)
				return entry(BitstringStatusList, bslRevURL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListExpired,
			reason:  "expired on 2025-06-01T11:59:00Z",
		},
		{
			name: "list not valid yet",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				doc["issuanceDate"] = testNow.Add(time.Hour).Format(time.RFC3339)
				w.publish(sl2021URL, w.alice, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrListNotYetValid,
		},
		{
			name: "list still valid",
			setup: func(w *world) any {
				doc := listDocument(StatusList2021, w.alice, sl2021URL, "revocation", encodeList(w.t, StatusList2021, MinListEntries, 5))
				doc["expirationDate"] = testNow.Add(time.Hour).Format(time.RFC3339)
				w.publish(sl2021URL, w.alice, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want: Revoked,
		},
		{
			name: "unsupported status method",
			setup: func(*world) any {
				return map[string]any{"id": "https://example.edu/status/1", "type": "1EdTechRevocationList"}
			},
			want:    Unknown,
			wantErr: ErrUnsupported,
			reason:  "1EdTechRevocationList",
		},
		{
			name: "entry without type",
			setup: func(*world) any {
				return map[string]any{"statusListCredential": sl2021URL}
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "entry that is not an object",
			setup: func(*world) any {
				return []any{"https://example.edu/status/1"}
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "too many entries",
			setup: func(*world) any {
				var es []any
				for i := range MaxEntries + 1 {
					es = append(es, entry(StatusList2021, sl2021URL+"/"+strconv.Itoa(i), "revocation", "1"))
				}
				return es
			},
			want:    Unknown,
			wantErr: ErrMalformed,
			reason:  "more than the 32",
		},
		{
			name: "entry without purpose",
			setup: func(*world) any {
				e := entry(StatusList2021, sl2021URL, "", "5")
				delete(e, "statusPurpose")
				return e
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "Bitstring entry pointing at a StatusList2021 list",
			setup: func(w *world) any {
				w.list(StatusList2021, sl2021URL, "revocation", MinListEntries)
				return entry(BitstringStatusList, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrWrongList,
		},
		{
			name: "list whose id names another list",
			setup: func(w *world) any {
				// Alice's genuine list 2, served where the credential expects list 1.
				doc := listDocument(StatusList2021, w.alice, sl2021URL+"-other", "revocation", encodeList(w.t, StatusList2021, MinListEntries))
				w.publish(sl2021URL, w.alice, doc)
				return entry(StatusList2021, sl2021URL, "revocation", "5")
			},
			want:    Unknown,
			wantErr: ErrWrongList,
		},
		{
			name: "unknown purpose",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "cancellation", MinListEntries)
				return entry(BitstringStatusList, bslRevURL, "cancellation", "5")
			},
			want:    Unknown,
			wantErr: ErrUnsupported,
		},
		{
			name: "small list is read and noted",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", 1024, 1023)
				return entry(BitstringStatusList, bslRevURL, "revocation", "1023")
			},
			want: Revoked,
			note: "has 1024 entries, fewer than the 131072",
		},
		{
			name: "Bitstring list without the multibase prefix is read and noted",
			setup: func(w *world) any {
				enc := strings.TrimPrefix(encodeList(w.t, BitstringStatusList, MinListEntries, 9), "u")
				w.publish(bslRevURL, w.alice, listDocument(BitstringStatusList, w.alice, bslRevURL, "revocation", enc))
				return entry(BitstringStatusList, bslRevURL, "revocation", "9")
			},
			want: Revoked,
			note: "lacks the multibase 'u' prefix",
		},
		{
			name: "malformed encodedList",
			setup: func(w *world) any {
				w.publish(bslRevURL, w.alice, listDocument(BitstringStatusList, w.alice, bslRevURL, "revocation", "u!!!!"))
				return entry(BitstringStatusList, bslRevURL, "revocation", "9")
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "two-bit message entry (Python vector)",
			setup: func(w *world) any {
				v := pythonVectors(w.t)
				w.publish(bslRevURL, w.alice, listDocument(BitstringStatusList, w.alice, bslRevURL, "message", "u"+v.TwoBit.EncodedList))
				e := entry(BitstringStatusList, bslRevURL, "message", "94567")
				e["statusSize"] = 2
				e["statusMessage"] = messages("pending_review", "accepted", "rejected", "undefined")
				return e
			},
			want:    OK,
			message: "rejected",
			note:    `status message from the issuer: "rejected"`,
		},
		{
			name: "two-bit revocation entry (Python vector)",
			setup: func(w *world) any {
				v := pythonVectors(w.t)
				w.publish(bslRevURL, w.alice, listDocument(BitstringStatusList, w.alice, bslRevURL, "revocation", "u"+v.TwoBit.EncodedList))
				e := entry(BitstringStatusList, bslRevURL, "revocation", "2")
				e["statusSize"] = 2
				e["statusMessage"] = messages("valid", "revoked by registrar", "revoked for fraud", "revoked at holder's request")
				return e
			},
			want:    Revoked,
			message: "revoked at holder's request",
			reason:  `"revoked at holder's request"`,
		},
		{
			name: "statusSize 2 without statusMessage",
			setup: func(*world) any {
				e := entry(BitstringStatusList, bslRevURL, "revocation", "2")
				e["statusSize"] = 2
				return e
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "statusMessage of the wrong length",
			setup: func(*world) any {
				e := entry(BitstringStatusList, bslRevURL, "revocation", "2")
				e["statusSize"] = 2
				e["statusMessage"] = messages("a", "b", "c")
				return e
			},
			want:    Unknown,
			wantErr: ErrMalformed,
		},
		{
			name: "several entries: revoked beats suspended",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 5)
				w.list(BitstringStatusList, bslSusURL, "suspension", MinListEntries, 5)
				return []any{entry(BitstringStatusList, bslSusURL, "suspension", "5"), entry(BitstringStatusList, bslRevURL, "revocation", "5")}
			},
			want:   Revoked,
			reason: "revoked",
		},
		{
			name: "several entries: suspended beats unknown",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslSusURL, "suspension", MinListEntries, 5)
				return []any{entry(BitstringStatusList, "https://status.example.edu/missing", "revocation", "5"), entry(BitstringStatusList, bslSusURL, "suspension", "5")}
			},
			want:   Suspended,
			reason: "suspended",
		},
		{
			name: "several entries: unknown beats ok",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslSusURL, "suspension", MinListEntries)
				return []any{entry(BitstringStatusList, bslSusURL, "suspension", "5"), entry(BitstringStatusList, "https://status.example.edu/missing", "revocation", "5")}
			},
			want:    Unknown,
			wantErr: ErrFetch,
		},
		{
			name: "several entries: all ok",
			setup: func(w *world) any {
				w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 4)
				w.list(BitstringStatusList, bslSusURL, "suspension", MinListEntries, 6)
				return []any{entry(BitstringStatusList, bslRevURL, "revocation", "5"), entry(BitstringStatusList, bslSusURL, "suspension", "5")}
			},
			want: OK,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			cs := roundTrip(t, c.setup(w))
			var f Fetcher = w.fetcher
			if c.noFetch {
				f = nil
			}
			ch := NewChecker(f, ariesVerifier, WithClock(w.clock.now))
			iss := w.alice.did
			r := ch.Evaluate(context.Background(), iss, cs)
			st, reason := ch.Check(context.Background(), iss, cs)
			require.Equal(t, r.State, st, "Check and Evaluate agree")
			require.Equal(t, r.Reason, reason)
			require.Equal(t, c.want, st, "reason: %s", reason)
			t.Logf("%s: %s; notes: %q", st, reason, r.Notes())

			switch st {
			case OK, None:
				require.Empty(t, reason)
			default:
				require.NotEmpty(t, reason)
			}
			if c.reason != "" {
				require.Contains(t, reason, c.reason)
			}
			if c.wantErr != nil {
				var found bool
				for _, e := range r.Entries {
					found = found || errors.Is(e.Err, c.wantErr)
				}
				require.True(t, found, "want an entry error wrapping %v; got %+v", c.wantErr, r.Entries)
			}
			if c.note != "" {
				require.Contains(t, strings.Join(r.Notes(), "\n"), c.note)
			}
			if c.message != "" {
				require.Equal(t, c.message, r.Entries[0].Message)
			}
		})
	}
}

func messages(msgs ...string) []any {
	out := make([]any, len(msgs))
	for i, m := range msgs {
		out[i] = map[string]any{"status": fmt.Sprintf("0x%x", i), "message": m}
	}
	return out
}

// TestCheckNilVerifier: without a verifier no list can be trusted.
func TestCheckNilVerifier(t *testing.T) {
	w := newWorld(t)
	w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 5)
	ch := NewChecker(w.fetcher, nil)
	r := ch.Evaluate(context.Background(), w.alice.did, roundTrip(t, entry(StatusList2021, sl2021URL, "revocation", "5")))
	require.Equal(t, Unknown, r.State)
	require.ErrorIs(t, r.Entries[0].Err, ErrListNotVerified)
}

// TestCheckIssuerMatchOption: a verifier can accept a delegated status
// issuer, as Bitstring Status List v1.0 allows.
func TestCheckIssuerMatchOption(t *testing.T) {
	w := newWorld(t)
	doc := listDocument(BitstringStatusList, w.mallory, bslRevURL, "revocation", encodeList(t, BitstringStatusList, MinListEntries, 5))
	w.publish(bslRevURL, w.mallory, doc)
	cs := roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", "5"))

	st, _ := w.checker().Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Unknown, st)

	delegated := func(cred, list string) bool { return cred == w.alice.did && list == w.mallory.did }
	st, reason := w.checker(WithIssuerMatch(delegated)).Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Revoked, st, reason)
}

// TestCheckInputShapes: credentialStatus may arrive as raw JSON, as typed Go
// values, or with json.Number indexes.
func TestCheckInputShapes(t *testing.T) {
	w := newWorld(t)
	w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 5)
	ch := w.checker()
	e := entry(StatusList2021, sl2021URL, "revocation", "5")
	raw, err := json.Marshal([]any{e})
	require.NoError(t, err)

	type typedEntry struct {
		Type                 string `json:"type"`
		StatusPurpose        string `json:"statusPurpose"`
		StatusListIndex      string `json:"statusListIndex"`
		StatusListCredential string `json:"statusListCredential"`
	}
	withNumber := map[string]any{}
	for k, v := range e {
		withNumber[k] = v
	}
	withNumber["statusListIndex"] = json.Number("5")

	for name, in := range map[string]any{
		"json.RawMessage":    json.RawMessage(raw),
		"[]byte":             raw,
		"[]map[string]any":   []map[string]any{e},
		"typed struct":       typedEntry{"StatusList2021Entry", "revocation", "5", sl2021URL},
		"json.Number index":  withNumber,
		"pointer to struct":  &typedEntry{"StatusList2021Entry", "revocation", "5", sl2021URL},
		"type as JSON array": map[string]any{"type": []any{"StatusList2021Entry"}, "statusPurpose": "revocation", "statusListIndex": "5", "statusListCredential": sl2021URL},
	} {
		st, reason := ch.Check(context.Background(), w.alice.did, in)
		require.Equal(t, Revoked, st, "%s: %s", name, reason)
	}
	for name, in := range map[string]any{
		"bare string":    "https://example.edu/status",
		"JSON number":    json.RawMessage("42"),
		"broken JSON":    []byte("{"),
		"unmarshallable": func() {},
		"bool index":     map[string]any{"type": "StatusList2021Entry", "statusPurpose": "revocation", "statusListIndex": true, "statusListCredential": sl2021URL},
	} {
		st, reason := ch.Check(context.Background(), w.alice.did, in)
		require.Equal(t, Unknown, st, name)
		require.NotEmpty(t, reason, name)
	}
	require.Equal(t, 1, w.fetcher.count(sl2021URL))
}

// TestCheckVCJWTPayload: a ListVerifier for VC-JWT lists may return the
// decoded payload; the checker reads its vc claim and takes iss as issuer.
func TestCheckVCJWTPayload(t *testing.T) {
	w := newWorld(t)
	enc := encodeList(t, BitstringStatusList, MinListEntries, 77)
	payload := map[string]any{
		"iss": w.alice.did,
		"vc": map[string]any{
			"id":   bslRevURL,
			"type": []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"credentialSubject": map[string]any{
				"type": "BitstringStatusList", "statusPurpose": "revocation", "encodedList": enc,
			},
		},
	}
	w.fetcher.put(bslRevURL, []byte("eyJhbGciOiJFZERTQSJ9.payload.signature"))
	jwtVerifier := func(_ context.Context, raw []byte) (map[string]any, error) {
		if !strings.HasPrefix(string(raw), "eyJ") {
			return nil, errors.New("not a JWT")
		}
		return payload, nil
	}
	ch := NewChecker(w.fetcher, jwtVerifier, WithClock(w.clock.now))
	st, reason := ch.Check(context.Background(), w.alice.did, roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", "77")))
	require.Equal(t, Revoked, st, reason)
}

// TestNetworkGuardInstalled: TestMain replaced the default transports.
func TestNetworkGuardInstalled(t *testing.T) {
	_, ok := http.DefaultTransport.(*fetchtest.Guard)
	require.True(t, ok)
	_, ok = http.DefaultClient.Transport.(*fetchtest.Guard)
	require.True(t, ok)
}
