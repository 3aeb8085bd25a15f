package wallet

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// checkListURL is where the revocable test badges' status list lives.
const checkListURL = "https://status.example.org/lists/1"

// revocableBadges returns n Open Badges 3.0 credentials signed by a did:key
// issuer, each with a revocation entry (index i) in checkListURL, and a
// function that writes that list, with the given indexes revoked, into
// dir/status.example.org/lists/1 (a DirFetcher's layout).
func revocableBadges(t *testing.T, n int) ([][]byte, func(dir string, revoked ...int)) {
	t.Helper()
	is := newStatusIssuer(t)
	out := make([][]byte, n)
	for i := range out {
		doc := badge(is.did, i)
		doc["credentialStatus"] = statusEntry(checkListURL, "revocation", i)
		out[i] = is.sign(doc)
	}
	write := func(dir string, revoked ...int) { is.writeList(dir, checkListURL, "revocation", revoked...) }
	return out, write
}

// statusIssuer signs test credentials and their status lists with one
// did:key (Ed25519) issuer.
type statusIssuer struct {
	t    *testing.T
	did  string
	priv ed25519.PrivateKey
	proc *ld.Processor
}

// newStatusIssuer returns the test issuer (the same key every time).
func newStatusIssuer(t *testing.T) *statusIssuer {
	t.Helper()
	priv := ed25519.NewKeyFromSeed([]byte(strings.Repeat("r", ed25519.SeedSize)))
	issuer, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	loader, err := ld.NewLoader()
	require.NoError(t, err)
	return &statusIssuer{t: t, did: issuer, priv: priv, proc: ld.NewProcessor(loader)}
}

// sign signs doc with an eddsa-rdfc-2022 proof and returns its JSON.
func (is *statusIssuer) sign(doc map[string]any) []byte {
	is.t.Helper()
	signed, err := dataintegrity.Sign(is.proc, doc, dataintegrity.ProofOptions{
		VerificationMethod: is.did + "#" + strings.TrimPrefix(is.did, "did:key:"),
		Created:            time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}, is.priv)
	require.NoError(is.t, err)
	b, err := json.Marshal(signed)
	require.NoError(is.t, err)
	return b
}

// statusEntry is a BitstringStatusListEntry for index i of the list at
// listURL.
func statusEntry(listURL, purpose string, i int) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("%s#%d", listURL, i), "type": "BitstringStatusListEntry", "statusPurpose": purpose,
		"statusListIndex": fmt.Sprint(i), "statusListCredential": listURL,
	}
}

// writeList writes the signed status list listURL (for purpose, with the
// given indexes set) where a DirFetcher on dir finds it: dir/<host>/<path>.
func (is *statusIssuer) writeList(dir, listURL, purpose string, set ...int) {
	t := is.t
	t.Helper()
	l, err := status.NewList(status.MinListEntries)
	require.NoError(t, err)
	for _, i := range set {
		require.NoError(t, l.Set(i))
	}
	enc, err := l.Encode(status.BitstringStatusList)
	require.NoError(t, err)
	list := is.sign(map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        listURL,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    is.did,
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": listURL + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": enc,
		},
	})
	u, err := url.Parse(listURL)
	require.NoError(t, err)
	p := filepath.Join(dir, u.Host, filepath.FromSlash(u.Path))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, list, 0o600))
}

// importAll imports each credential and returns the record ids in order.
func importAll(t *testing.T, w *Wallet, creds [][]byte) []string {
	t.Helper()
	ids := make([]string, len(creds))
	for i, c := range creds {
		res, err := w.Import(context.Background(), fmt.Sprintf("c%d.json", i), c)
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Nil(t, res[0].Rejected, "%+v", res[0].Rejected)
		ids[i] = res[0].ID
	}
	return ids
}

// checkEntries returns the activity log's re-check entries.
func checkEntries(t *testing.T, w *Wallet) []Entry {
	t.Helper()
	log, err := w.Activity()
	require.NoError(t, err)
	var out []Entry
	for _, e := range log {
		if e.Action == ActionCheck {
			out = append(out, e)
		}
	}
	return out
}

// An offline wallet stores revocable badges with status unknown; checking
// all again with a fetcher that serves the list finds one revoked and the
// others fine, keeps those verdicts, reports exactly the changes, and
// logs them by name. A second check changes nothing.
func TestReverifyAllFindsRevoked(t *testing.T) {
	w, _ := newWallet(t)
	creds, writeList := revocableBadges(t, 3)
	ids := importAll(t, w, creds)
	for _, id := range ids {
		rec, err := w.Get(id)
		require.NoError(t, err)
		require.Equal(t, "unknown", rec.Checks.Status)
	}
	dir := t.TempDir()
	writeList(dir, 1)
	var calls [][2]int
	rep, err := w.ReverifyAll(context.Background(), CheckOptions{Fetcher: did.DirFetcher(dir)}, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	require.NoError(t, err)
	require.Equal(t, [][2]int{{1, 3}, {2, 3}, {3, 3}}, calls)
	require.Equal(t, 3, rep.Total)
	require.Equal(t, 3, rep.Checked)
	require.Len(t, rep.Changed, 3)
	require.Empty(t, rep.NotChecked)
	require.Empty(t, rep.Failed)
	want := map[string]string{ids[0]: "ok", ids[1]: "revoked", ids[2]: "ok"}
	for _, c := range rep.Changed {
		require.Equal(t, "unknown", c.Before.Checks.Status)
		require.Equal(t, want[c.Record.ID], c.Record.Checks.Status, "%q", c.Record.Result.Errors)
		rec, err := w.Get(c.Record.ID)
		require.NoError(t, err)
		require.Equal(t, want[c.Record.ID], rec.Checks.Status, "stored")
		require.Equal(t, want[c.Record.ID] == "ok", rec.Verified)
	}

	entries := checkEntries(t, w)
	require.Len(t, entries, 4, "one per change and one for the check")
	revoked := 0
	for _, e := range entries[:3] {
		require.True(t, strings.HasPrefix(e.Name, "Data skills "), e.Name)
		require.True(t, strings.HasPrefix(e.Counterparty, "did:key:"), e.Counterparty)
		if e.Credential == ids[1] {
			revoked++
			require.Equal(t, "status unknown→revoked", e.Detail)
		}
		raw, err := json.Marshal(e)
		require.NoError(t, err)
		require.NotContains(t, string(raw), "Cleans, joins", "a claim's value")
		require.Contains(t, e.Claims, "achievement")
	}
	require.Equal(t, 1, revoked)
	require.Equal(t, "3 of 3 checked, 3 changed, network allowed", entries[3].Detail)

	rep, err = w.ReverifyAll(context.Background(), CheckOptions{Fetcher: did.DirFetcher(dir)}, nil)
	require.NoError(t, err)
	require.Equal(t, 3, rep.Checked)
	require.Empty(t, rep.Changed)
}

// Cancelling stops between credentials: what was checked is kept, the rest
// keeps its old verdict, and the error says the check was cancelled.
func TestReverifyAllCancel(t *testing.T) {
	w, _ := newWallet(t)
	creds, writeList := revocableBadges(t, 3)
	importAll(t, w, creds)
	dir := t.TempDir()
	writeList(dir)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := w.ReverifyAll(ctx, CheckOptions{Fetcher: did.DirFetcher(dir)}, nil)
	require.ErrorIs(t, err, context.Canceled)
	require.Zero(t, rep.Checked)

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	rep, err = w.ReverifyAll(ctx, CheckOptions{Fetcher: did.DirFetcher(dir)}, func(done, _ int) {
		if done == 1 {
			cancel()
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, rep.Checked)
	require.Len(t, rep.Changed, 1)
	list, err := w.List()
	require.NoError(t, err)
	statuses := map[string]int{}
	for _, s := range list {
		statuses[s.Checks.Status]++
	}
	require.Equal(t, map[string]int{"ok": 1, "unknown": 2}, statuses)
	entries := checkEntries(t, w)
	require.Equal(t, OutcomeFailed, entries[len(entries)-1].Outcome)
}

// ob2Offline copies testdata/ob20/offline into a temporary folder so that a
// test may change the issuer's documents.
func ob2Offline(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "testdata", "ob20", "offline")
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(dst, os.DirFS(src)))
	return dst
}

// An Open Badges 2.0 badge cannot be checked without the learner's consent
// to fetch it: the import says so (and which hosts it would contact),
// ImportWith with consent stores it, a re-check without consent keeps its
// verdict, and one with consent sees the issuer's revocation.
func TestReverifyWithBadgeFetch(t *testing.T) {
	w, _ := newWallet(t)
	raw := sample(t, "ob20/simple-not-revoked.jwt")
	res, err := w.Import(context.Background(), "badge.jwt", raw)
	require.NoError(t, err)
	require.Len(t, res, 1)
	require.NotNil(t, res[0].Rejected)
	require.True(t, NeedsBadgeFetch(res[0].Result))
	require.Equal(t, []string{"example.org"}, BadgeHosts(raw))

	dir := ob2Offline(t)
	consent := CheckOptions{Fetcher: did.DirFetcher(dir), BadgeFetch: true}
	res, err = w.ImportWith(context.Background(), "badge.jwt", raw, consent)
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	require.False(t, NeedsBadgeFetch(res[0].Result))
	require.True(t, res[0].Summary.Verified)
	id := res[0].ID

	tests := []struct {
		name       string
		o          CheckOptions
		notChecked bool
		status     string
		changed    bool
	}{
		{"no consent", CheckOptions{Fetcher: did.DirFetcher(dir)}, true, "ok", false},
		{"offline", CheckOptions{}, true, "ok", false},
		{"consent, unchanged", consent, false, "ok", false},
		{"consent, revoked since", consent, false, "revoked", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.status == "revoked" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "example.org", "empty-revocation-list.json"),
					[]byte(`{"@context":"https://w3id.org/openbadges/v2","type":"RevocationList",
					"id":"http://example.org/empty-revocation-list.json",
					"revokedAssertions":["https://example.org/beths-robotics-badge.json"]}`), 0o600))
			}
			before := len(checkEntries(t, w))
			rc, err := w.ReverifyWith(context.Background(), id, tc.o)
			require.NoError(t, err)
			require.Equal(t, tc.notChecked, rc.NotChecked != nil, "%q", rc.NotChecked)
			require.Equal(t, tc.changed, rc.Changed)
			rec, err := w.Get(id)
			require.NoError(t, err)
			require.Equal(t, tc.status, rec.Checks.Status, "%q", rec.Result.Errors)
			require.Equal(t, "ok", rec.Checks.Signature, "a check that judged nothing keeps the verdict")
			wantLog := 0
			if tc.o.Fetcher != nil {
				wantLog = 1 // the learner allowed the network: recorded
			}
			require.Len(t, checkEntries(t, w), before+wantLog)
		})
	}
}

// BadgeHosts names the hosts an Open Badges 2.0 badge would be fetched
// from, and none for other credentials.
func TestBadgeHosts(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
		want []string
	}{
		{"hosted", sample(t, "ob20/basic-assertion.json"), []string{"example.org"}},
		{"signed", sample(t, "ob20/simple.jwt"), []string{"example.org"}},
		{"embedded parts on two hosts", []byte(`{"@context":"https://w3id.org/openbadges/v2","type":"Assertion",
			"id":"https://badges.School.example/a/1","recipient":{},"verification":{"type":"hosted"},
			"badge":{"id":"https://classes.example.net/b","issuer":"http://profiles.example.net/i"}}`),
			[]string{"badges.school.example", "classes.example.net", "profiles.example.net"}},
		{"open badges 3.0", fixture(t, "simple.json"), nil},
		{"not json", []byte("hello"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { require.Equal(t, tc.want, BadgeHosts(tc.raw)) })
	}
}

// A plain Reverify records nothing when the verdict stays; ReverifyWith of
// an unknown id fails with ErrNotFound; a locked wallet refuses both.
func TestReverifyErrors(t *testing.T) {
	w, _ := newWallet(t)
	ids := importAll(t, w, [][]byte{fixture(t, "simple.json")})
	_, err := w.Reverify(context.Background(), ids[0])
	require.NoError(t, err)
	require.Empty(t, checkEntries(t, w))
	_, err = w.ReverifyWith(context.Background(), "ffffffffffffffff", CheckOptions{})
	require.ErrorIs(t, err, ErrNotFound)
	w.Lock()
	_, err = w.ReverifyWith(context.Background(), ids[0], CheckOptions{})
	require.ErrorIs(t, err, ErrLocked)
	_, err = w.ReverifyAll(context.Background(), CheckOptions{}, nil)
	require.True(t, errors.Is(err, ErrLocked))
}

// recordingFetcher fetches through f and records every URL asked for.
type recordingFetcher struct {
	f    did.Fetcher
	mu   sync.Mutex
	urls []string
}

func (r *recordingFetcher) Fetch(ctx context.Context, u string) ([]byte, error) {
	r.mu.Lock()
	r.urls = append(r.urls, u)
	r.mu.Unlock()
	return r.f.Fetch(ctx, u)
}

// asked reports whether any URL on host was asked for.
func (r *recordingFetcher) asked(host string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range r.urls {
		if p, err := url.Parse(u); err == nil && p.Host == host {
			return true
		}
	}
	return false
}

// moveIssuer makes the offline copy's badge class name its issuer profile
// on tracker.example.net, a host the badge itself does not name.
func moveIssuer(t *testing.T, dir string) {
	t.Helper()
	class := filepath.Join(dir, "example.org", "badge-from-organization-with-empty-revocation-list.json")
	b, err := os.ReadFile(class)
	require.NoError(t, err)
	moved := strings.Replace(string(b), `"issuer": "https://example.org/`, `"issuer": "https://tracker.example.net/`, 1)
	require.NotEqual(t, string(b), moved)
	require.NoError(t, os.WriteFile(class, []byte(moved), 0o600))
	org, err := os.ReadFile(filepath.Join(dir, "example.org", "organization-with-empty-revocation-list.json"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "tracker.example.net"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "tracker.example.net", "organization-with-empty-revocation-list.json"), org, 0o600))
}

// A check of an Open Badges 2.0 badge contacts only the hosts the learner
// agreed to: a badge class that names its issuer on another host gets the
// check refused there (nothing is fetched from it), the verdict kept and the
// host named; adding the host lets the check through. The same holds for
// ImportWith, which then stores nothing.
func TestCheckOptionsHosts(t *testing.T) {
	raw := sample(t, "ob20/simple-not-revoked.jwt")
	tests := []struct {
		name    string
		hosts   []string
		refused []string
	}{
		{"the badge's own hosts", nil, []string{"tracker.example.net"}},
		{"hosts given", []string{"example.org"}, []string{"tracker.example.net"}},
		{"tracker added", []string{"example.org", "tracker.example.net"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := newWallet(t)
			dir := ob2Offline(t)
			res, err := w.ImportWith(context.Background(), "badge.jwt", raw, CheckOptions{Fetcher: did.DirFetcher(dir), BadgeFetch: true})
			require.NoError(t, err)
			require.Nil(t, res[0].Rejected)
			id := res[0].ID
			moveIssuer(t, dir)

			rf := &recordingFetcher{f: did.DirFetcher(dir)}
			o := CheckOptions{Fetcher: rf, BadgeFetch: true, Hosts: tc.hosts}
			before := len(checkEntries(t, w))
			rc, err := w.ReverifyWith(context.Background(), id, o)
			require.NoError(t, err)
			require.Equal(t, tc.refused, rc.NeedsConsent)
			require.Equal(t, tc.refused == nil, rf.asked("tracker.example.net"), "%q", rf.urls)
			log := checkEntries(t, w)
			require.Len(t, log, before+1)
			rec, err := w.Get(id)
			require.NoError(t, err)
			if tc.refused != nil {
				require.NotNil(t, rc.NotChecked)
				require.Contains(t, rc.NotChecked[0], "tracker.example.net")
				require.False(t, rc.Changed)
				require.True(t, rec.Verified, "the stored verdict is kept")
				require.Equal(t, "ok", rec.Checks.Status)
				require.Contains(t, log[len(log)-1].Detail, "tracker.example.net")
			} else {
				require.Nil(t, rc.NotChecked)
				require.Equal(t, "ok", rec.Checks.Signature)
			}

			// Importing the badge into another wallet follows the same rule.
			w2, _ := newWallet(t)
			rf2 := &recordingFetcher{f: did.DirFetcher(dir)}
			res, err = w2.ImportWith(context.Background(), "badge.jwt", raw, CheckOptions{Fetcher: rf2, BadgeFetch: true, Hosts: tc.hosts})
			require.NoError(t, err)
			require.Equal(t, tc.refused, res[0].NeedsConsent)
			require.Equal(t, tc.refused == nil, rf2.asked("tracker.example.net"))
			n, err := w2.Count()
			require.NoError(t, err)
			if tc.refused != nil {
				require.NotNil(t, res[0].Rejected)
				require.Contains(t, res[0].Rejected.Reason, "tracker.example.net")
				require.Zero(t, n, "nothing is stored")
			} else {
				require.Nil(t, res[0].Rejected)
				require.Equal(t, 1, n)
			}
		})
	}
}

// ReverifyAll never fetches an Open Badges 2.0 badge, even when asked to:
// its consent names no badge host.
func TestReverifyAllNeverFetchesBadges(t *testing.T) {
	w, _ := newWallet(t)
	dir := ob2Offline(t)
	res, err := w.ImportWith(context.Background(), "badge.jwt", sample(t, "ob20/simple-not-revoked.jwt"), CheckOptions{Fetcher: did.DirFetcher(dir), BadgeFetch: true})
	require.NoError(t, err)
	require.Nil(t, res[0].Rejected)
	for _, badgeFetch := range []bool{false, true} {
		rf := &recordingFetcher{f: did.DirFetcher(dir)}
		rep, err := w.ReverifyAll(context.Background(), CheckOptions{Fetcher: rf, BadgeFetch: badgeFetch}, nil)
		require.NoError(t, err)
		require.Empty(t, rf.urls, "BadgeFetch %v", badgeFetch)
		require.Len(t, rep.NotChecked, 1)
	}
}

// blockingFetcher serves the status list of dir only once release is
// closed, and signals entered on its first call.
func blockingFetcher(dir string) (f did.Fetcher, entered <-chan struct{}, release chan struct{}) {
	in, rel := make(chan struct{}), make(chan struct{})
	var once sync.Once
	inner := did.DirFetcher(dir)
	return did.FetcherFunc(func(ctx context.Context, u string) ([]byte, error) {
		once.Do(func() { close(in) })
		select {
		case <-rel:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return inner.Fetch(ctx, u)
	}), in, rel
}

// A check or import does not hold the wallet while it fetches: Lock returns
// at once, and the check then fails with ErrLocked storing nothing; a
// credential deleted during its check stays deleted.
func TestCheckDoesNotHoldWallet(t *testing.T) {
	creds, writeList := revocableBadges(t, 1)
	dir := t.TempDir()
	writeList(dir, 0)
	tests := []struct {
		name   string
		during func(t *testing.T, w *Wallet, id string)
		want   error
	}{
		{"lock during check", func(t *testing.T, w *Wallet, _ string) { lockSoon(t, w) }, ErrLocked},
		{"delete during check", func(t *testing.T, w *Wallet, id string) { require.NoError(t, w.Delete(id)) }, ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, _ := newWallet(t)
			id := importAll(t, w, creds)[0]
			f, entered, release := blockingFetcher(dir)
			done := make(chan error, 1)
			go func() {
				_, err := w.ReverifyWith(context.Background(), id, CheckOptions{Fetcher: f})
				done <- err
			}()
			<-entered
			tc.during(t, w, id)
			close(release)
			require.ErrorIs(t, <-done, tc.want)
			if w.Locked() {
				require.NoError(t, w.Unlock([]byte(testPass)))
			}
			rec, err := w.Get(id)
			if tc.want == ErrNotFound {
				require.ErrorIs(t, err, ErrNotFound, "a deleted credential is not stored again")
				return
			}
			require.NoError(t, err)
			require.Equal(t, "unknown", rec.Checks.Status, "nothing stored")
		})
	}
	t.Run("lock during import", func(t *testing.T) {
		w, _ := newWallet(t)
		f, entered, release := blockingFetcher(dir)
		done := make(chan error, 1)
		go func() {
			_, err := w.ImportWith(context.Background(), "c.json", creds[0], CheckOptions{Fetcher: f})
			done <- err
		}()
		<-entered
		lockSoon(t, w)
		close(release)
		require.ErrorIs(t, <-done, ErrLocked)
		require.NoError(t, w.Unlock([]byte(testPass)))
		n, err := w.Count()
		require.NoError(t, err)
		require.Zero(t, n)
	})
}

// lockSoon locks w and fails the test when Lock waits (for a running check).
func lockSoon(t *testing.T, w *Wallet) {
	t.Helper()
	locked := make(chan struct{})
	go func() { w.Lock(); close(locked) }()
	select {
	case <-locked:
	case <-time.After(5 * time.Second):
		t.Fatal("Lock waited for a running check")
	}
}
