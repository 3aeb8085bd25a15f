package wallet

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
)

// Status list URLs of the sticky-status tests, one per purpose.
const (
	revocationListURL = "https://status.example.org/lists/revocation"
	suspensionListURL = "https://status.example.org/lists/suspension"
)

// stickyIndex is the credential's index in both lists.
const stickyIndex = 7

// A list's state in one step of TestStickyStatus.
const (
	listAbsent = iota // the fetcher is there but the list is not
	listClear         // the list does not set the credential's bit
	listSet           // the list sets it
)

// stickyStep is one re-check in TestStickyStatus.
type stickyStep struct {
	name string
	// lists gives the state of each purpose's list; nil means offline
	// (no fetcher at all).
	lists map[string]int
	// own re-checks with Reverify (the wallet's own, offline verifier)
	// instead of ReverifyAll; lists must then be nil.
	own     bool
	want    string // stored status afterwards
	kept    bool   // the stored status was kept with a note
	changed bool
	// detail, when set, is in the one new check entry for the credential;
	// otherwise no such entry is expected.
	detail string
}

// A revoked or suspended status learnt from the issuer's list survives a
// re-check that cannot read the list (offline, the list gone), with the
// reason, the time it was learnt and a note of the failed check; a
// definite answer from the list replaces it; "ok" does not stick. Each case
// is one credential in a fresh wallet, re-checked step by step an hour
// apart.
func TestStickyStatus(t *testing.T) {
	is := newStatusIssuer(t)
	tests := []struct {
		name     string
		purposes []string
		steps    []stickyStep
	}{
		{"revocation", []string{"revocation"}, []stickyStep{
			{name: "online, revoked", lists: map[string]int{"revocation": listSet},
				want: "revoked", changed: true, detail: "status unknown→revoked"},
			{name: "offline show", own: true, want: "revoked", kept: true},
			{name: "offline check", want: "revoked", kept: true},
			{name: "list gone", lists: map[string]int{}, want: "revoked", kept: true},
			{name: "online, still revoked", lists: map[string]int{"revocation": listSet}, want: "revoked"},
			{name: "offline again", own: true, want: "revoked", kept: true},
			{name: "online, list clears it", lists: map[string]int{"revocation": listClear},
				want: "ok", changed: true, detail: "status revoked→ok (the issuer's list no longer marks it revoked"},
			{name: "offline after ok", own: true, want: "unknown", changed: true, detail: "status ok→unknown"},
		}},
		{"suspension", []string{"suspension"}, []stickyStep{
			{name: "online, suspended", lists: map[string]int{"suspension": listSet},
				want: "suspended", changed: true, detail: "status unknown→suspended"},
			{name: "offline show", own: true, want: "suspended", kept: true},
			{name: "list gone", lists: map[string]int{}, want: "suspended", kept: true},
			{name: "online, lifted", lists: map[string]int{"suspension": listClear},
				want: "ok", changed: true, detail: "status suspended→ok"},
			{name: "online, suspended again", lists: map[string]int{"suspension": listSet},
				want: "suspended", changed: true, detail: "status ok→suspended"},
			{name: "online, lifted again", lists: map[string]int{"suspension": listClear}, want: "ok", changed: true,
				detail: "status suspended→ok"},
		}},
		{"both purposes", []string{"revocation", "suspension"}, []stickyStep{
			{name: "online, revoked", lists: map[string]int{"revocation": listSet, "suspension": listClear},
				want: "revoked", changed: true, detail: "status unknown→revoked"},
			{name: "only the suspension list, suspended", lists: map[string]int{"suspension": listSet},
				want: "revoked", kept: true},
			{name: "only the suspension list, clear", lists: map[string]int{"suspension": listClear},
				want: "revoked", kept: true},
			{name: "both lists, suspended", lists: map[string]int{"revocation": listSet, "suspension": listSet},
				want: "revoked"},
			{name: "both lists clear", lists: map[string]int{"revocation": listClear, "suspension": listClear},
				want: "ok", changed: true, detail: "status revoked→ok"},
			{name: "online, suspended", lists: map[string]int{"revocation": listClear, "suspension": listSet},
				want: "suspended", changed: true, detail: "status ok→suspended"},
			{name: "revocation list gone", lists: map[string]int{"suspension": listSet}, want: "suspended"},
			{name: "offline", own: true, want: "suspended", kept: true},
			{name: "now revoked", lists: map[string]int{"revocation": listSet, "suspension": listSet},
				want: "revoked", changed: true, detail: "status suspended→revoked"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := badge(is.did, stickyIndex)
			var entries []any
			urls := map[string]string{"revocation": revocationListURL, "suspension": suspensionListURL}
			for _, p := range tc.purposes {
				entries = append(entries, statusEntry(urls[p], p, stickyIndex))
			}
			doc["credentialStatus"] = entries
			cred := is.sign(doc)

			now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
			w, err := Create(filepath.Join(t.TempDir(), "w"), []byte(testPass), Options{Now: func() time.Time { return now }})
			require.NoError(t, err)
			t.Cleanup(func() { _ = w.Close() })
			id := importAll(t, w, [][]byte{cred})[0]

			found := "" // when the stored status was learnt
			for i, st := range tc.steps {
				now = now.Add(time.Hour)
				before, err := w.Get(id)
				require.NoError(t, err)
				logBefore := credentialChecks(t, w, id)

				var changed, kept bool
				if st.own {
					require.Nil(t, st.lists)
					rec, err := w.Reverify(context.Background(), id)
					require.NoError(t, err)
					changed = rec.Checks != before.Checks
				} else {
					o := CheckOptions{}
					if st.lists != nil {
						dir := t.TempDir()
						for p, state := range st.lists {
							switch state {
							case listClear:
								is.writeList(dir, urls[p], p)
							case listSet:
								is.writeList(dir, urls[p], p, stickyIndex)
							}
						}
						o.Fetcher = did.DirFetcher(dir)
					}
					rep, err := w.ReverifyAll(context.Background(), o, nil)
					require.NoError(t, err)
					require.Equal(t, 1, rep.Checked)
					changed = len(rep.Changed) == 1
					if changed {
						kept = rep.Changed[0].StatusKept
					}
				}
				msg := "step %d %q"
				rec, err := w.Get(id)
				require.NoError(t, err)
				require.Equal(t, st.want, rec.Checks.Status, msg+": %q", i, st.name, rec.Result.Errors)
				require.Equal(t, st.want, rec.Result.Checks.Status, msg, i, st.name)
				require.Equal(t, st.changed, changed, msg, i, st.name)
				require.Equal(t, st.want == "ok", rec.Verified, msg, i, st.name)
				require.Equal(t, rec.Verified, rec.Result.Verified, msg, i, st.name)
				require.Equal(t, "ok", rec.Checks.Signature, msg, i, st.name)
				if changed {
					require.Equal(t, st.kept, kept, msg, i, st.name)
				}

				stamp := now.Format(checkTime)
				keptLines, foundLines := 0, 0
				for _, e := range rec.Result.Errors {
					if strings.Contains(e, keptMark) {
						keptLines++
						require.True(t, strings.HasPrefix(e, "status: "+st.want+" kept: the check of "+stamp), "%s", e)
					}
					if strings.Contains(e, foundMark) {
						foundLines++
						if st.changed {
							found = stamp
						}
						require.Equal(t, "status: "+st.want+foundMark+found, e, msg, i, st.name)
					}
				}
				negative := st.want == "revoked" || st.want == "suspended"
				require.Equal(t, st.kept, keptLines == 1, msg+": %q", i, st.name, rec.Result.Errors)
				require.LessOrEqual(t, keptLines, 1, "a later note replaces an earlier one")
				if negative && (st.changed || found != "") {
					require.Equal(t, 1, foundLines, msg+": %q", i, st.name, rec.Result.Errors)
				} else {
					require.Zero(t, foundLines, msg, i, st.name)
				}
				if negative {
					// How it was learnt: the verifier's own line naming the list.
					require.True(t, hasLine(rec.Result.Errors, "status: "+st.want+": the issuer has"), msg+": %q", i, st.name, rec.Result.Errors)
				}
				if st.kept {
					if !st.own && st.lists != nil && st.lists["suspension"] == listSet {
						require.True(t, hasLine(rec.Result.Errors, "status: revoked kept: the check of "+stamp+" found it suspended"), "%q", rec.Result.Errors)
					} else {
						require.True(t, hasLine(rec.Result.Errors, "status: "+st.want+" kept: the check of "+stamp+" could not read the status ("), "%q", rec.Result.Errors)
					}
				}

				logAfter := credentialChecks(t, w, id)
				if st.detail == "" {
					require.Equal(t, logBefore, logAfter, msg+": an unchanged verdict logs nothing", i, st.name)
					continue
				}
				require.Len(t, logAfter, len(logBefore)+1, msg, i, st.name)
				require.True(t, strings.HasPrefix(logAfter[len(logAfter)-1].Detail, st.detail), "%q", logAfter[len(logAfter)-1].Detail)
			}
		})
	}
}

// A revoked credential re-checked with ReverifyWith while its list cannot
// be read keeps "revoked", reports StatusKept, and the check (allowed the
// network, so logged) says the status was kept.
func TestStickyStatusReverifyWith(t *testing.T) {
	is := newStatusIssuer(t)
	doc := badge(is.did, stickyIndex)
	doc["credentialStatus"] = statusEntry(revocationListURL, "revocation", stickyIndex)
	w, _ := newWallet(t)
	id := importAll(t, w, [][]byte{is.sign(doc)})[0]
	dir := t.TempDir()
	is.writeList(dir, revocationListURL, "revocation", stickyIndex)
	rc, err := w.ReverifyWith(context.Background(), id, CheckOptions{Fetcher: did.DirFetcher(dir)})
	require.NoError(t, err)
	require.True(t, rc.Changed)
	require.False(t, rc.StatusKept)
	require.Equal(t, "revoked", rc.Record.Checks.Status)

	tests := []struct {
		name string
		o    CheckOptions
		log  int
	}{
		{"offline", CheckOptions{}, 0},
		{"list gone", CheckOptions{Fetcher: did.DirFetcher(t.TempDir())}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := credentialChecks(t, w, id)
			rc, err := w.ReverifyWith(context.Background(), id, tc.o)
			require.NoError(t, err)
			require.False(t, rc.Changed)
			require.True(t, rc.StatusKept)
			require.Equal(t, "revoked", rc.Record.Checks.Status)
			require.False(t, rc.Record.Verified)
			after := credentialChecks(t, w, id)
			require.Len(t, after, len(before)+tc.log)
			if tc.log > 0 {
				require.Equal(t, "no change; status revoked kept (this check could not confirm it)", after[len(after)-1].Detail)
			}
		})
	}
}

// Importing a credential already in the wallet stores nothing: an offline
// import of a credential known to be revoked leaves "revoked" in place
// (the result reports the duplicate with the import's own verdict).
func TestImportDuplicateKeepsStoredStatus(t *testing.T) {
	creds, writeList := revocableBadges(t, 1)
	w, _ := newWallet(t)
	id := importAll(t, w, creds)[0]
	dir := t.TempDir()
	writeList(dir, 0)
	_, err := w.ReverifyAll(context.Background(), CheckOptions{Fetcher: did.DirFetcher(dir)}, nil)
	require.NoError(t, err)
	stored, err := w.Get(id)
	require.NoError(t, err)
	require.Equal(t, "revoked", stored.Checks.Status)

	res, err := w.Import(context.Background(), "again.json", creds[0])
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.True(t, res[0].Duplicate)
	require.Equal(t, "unknown", res[0].Result.Checks.Status, "the offline import's own verdict")
	after, err := w.Get(id)
	require.NoError(t, err)
	require.Equal(t, stored, after)
}

// credentialChecks returns the activity log's re-check entries for one
// credential.
func credentialChecks(t *testing.T, w *Wallet, id string) []Entry {
	t.Helper()
	var out []Entry
	for _, e := range checkEntries(t, w) {
		if e.Credential == id {
			out = append(out, e)
		}
	}
	return out
}

// hasLine reports whether some line of errs starts with prefix.
func hasLine(errs []string, prefix string) bool {
	for _, e := range errs {
		if strings.HasPrefix(e, prefix) {
			return true
		}
	}
	return false
}
