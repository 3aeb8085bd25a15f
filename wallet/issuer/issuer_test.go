package issuer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/ld"
)

const testPass = "correct horse battery staple"

var (
	loaderOnce sync.Once
	loaderVal  *ld.Loader
	loaderErr  error
)

func testLoader(t testing.TB) *ld.Loader {
	t.Helper()
	loaderOnce.Do(func() { loaderVal, loaderErr = ld.NewLoader() })
	require.NoError(t, loaderErr)
	return loaderVal
}

func testCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := LoadCatalog(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	return c
}

// clock is a settable clock for the learner's wallet (validity and the
// status list cache).
type clock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.d += d
	c.mu.Unlock()
}

// loopbackFetcher fetches http://127.0.0.1 URLs (the issuer's status list)
// with a client of its own; did.HTTPFetcher takes https only.
func loopbackFetcher() did.Fetcher {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{}}
	return did.FetcherFunc(func(ctx context.Context, url string) ([]byte, error) {
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			return nil, fmt.Errorf("fetch %s: only http://127.0.0.1 in tests: %w", url, did.ErrOffline)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fetch %s: %s", url, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, did.MaxFetchSize))
	})
}

// startIssuer creates an issuer wallet in a temporary folder and starts
// the issuer on it.
func startIssuer(t testing.TB, opts Options) *Issuer {
	t.Helper()
	w, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	if opts.Catalog == nil {
		opts.Catalog = testCatalog(t)
	}
	if opts.Loader == nil {
		opts.Loader = testLoader(t)
	}
	opts.Logf = t.Logf
	is, err := Start(w, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = is.Close() })
	return is
}

// learner is a learner's wallet with its agent.
type learner struct {
	w   *wallet.Wallet
	a   *agent.Agent
	clk *clock
}

func newLearner(t testing.TB) *learner {
	t.Helper()
	clk := &clock{}
	w, err := wallet.Create(filepath.Join(t.TempDir(), "learner"), []byte(testPass),
		wallet.Options{Fetcher: loopbackFetcher(), Now: clk.now})
	require.NoError(t, err)
	a, err := agent.New(w, agent.Options{Loader: testLoader(t), Timeout: 15 * time.Second})
	require.NoError(t, err)
	t.Cleanup(func() {
		_ = a.Close()
		_ = w.Close()
	})
	return &learner{w: w, a: a, clk: clk}
}

// waitInbox waits until the learner's inbox holds n offers.
func waitInbox(t testing.TB, l *learner, n int) []agent.Offer {
	t.Helper()
	var got []agent.Offer
	require.Eventually(t, func() bool {
		in, err := l.a.Inbox()
		if err != nil {
			return false
		}
		got = in
		return len(in) == n
	}, 15*time.Second, 20*time.Millisecond, "inbox never held %d offers (last: %+v)", n, got)
	return got
}

// TestIssueVerifyRevoke runs the issuer and the learner's agent against
// each other on 127.0.0.1: invitation, auto-offer, accept, verified and
// stored with status ok; then revocation shows on re-verification.
func TestIssueVerifyRevoke(t *testing.T) {
	cat := testCatalog(t)
	is := startIssuer(t, Options{AutoOffer: true, Catalog: cat})
	l := newLearner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	link := is.InvitationURL()
	require.True(t, strings.HasPrefix(link, "http://"+is.Addr()+"/?oob="), link)
	inv, err := agent.ParseInvitation([]byte(link))
	require.NoError(t, err)
	require.Equal(t, cat.Issuer.Name, inv.Label)
	require.Equal(t, []string{"http://" + is.Addr()}, inv.Endpoints)

	connID, err := l.a.Connect(ctx, []byte(link))
	require.NoError(t, err)
	offers := waitInbox(t, l, 1)
	o := offers[0]
	first := cat.Achievements[0]
	require.Equal(t, connID, o.ConnectionID)
	require.Equal(t, first.Name, o.Achievement)
	require.Equal(t, first.Description, o.Description)
	require.Equal(t, is.DID(), o.Issuer)
	require.Equal(t, cat.Issuer.Name, o.IssuerName)
	require.Equal(t, ProofType, o.ProofType)
	n, err := l.w.Count()
	require.NoError(t, err)
	require.Zero(t, n, "nothing is stored before the learner accepts")

	got, err := l.a.Accept(ctx, o.ID)
	require.NoError(t, err)
	require.Equal(t, agent.OfferStored, got.State)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified, "%+v", rec.Result)
	require.Equal(t, "ok", rec.Result.Checks.Signature)
	require.Equal(t, "ok", rec.Result.Checks.Validity)
	require.Equal(t, "confirmed", rec.Result.Checks.Issuer)
	require.Equal(t, "ok", rec.Result.Checks.Status, "%+v", rec.Result)

	me, err := l.w.Identity(did.Ed25519)
	require.NoError(t, err)
	issued, err := is.Issued()
	require.NoError(t, err)
	require.Len(t, issued, 1)
	require.Equal(t, me.DID, issued[0].Subject)
	require.Equal(t, first.ID, issued[0].AchievementID)
	require.Nil(t, issued[0].Revoked)

	var vc map[string]any
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.Equal(t, issued[0].ID, vc["id"])
	cs := vc["credentialSubject"].(map[string]any)
	require.Equal(t, me.DID, cs["id"])
	ach := cs["achievement"].(map[string]any)
	require.Equal(t, first.ID, ach["id"])
	require.Equal(t, first.AchievementType, ach["achievementType"])
	al := ach["alignment"].([]any)[0].(map[string]any)
	require.Equal(t, first.Alignments[0].TargetCode, al["targetCode"])
	st := vc["credentialStatus"].(map[string]any)
	require.Equal(t, is.StatusListURL(), st["statusListCredential"])
	require.Equal(t, fmt.Sprint(issued[0].StatusIndex), st["statusListIndex"])

	// The issuer learns that the learner has the credential.
	require.Eventually(t, func() bool {
		offers, err := is.Offers()
		return err == nil && len(offers) == 1 && offers[0].State == OfferDone
	}, 10*time.Second, 20*time.Millisecond)

	// Revocation: the served list changes; once the learner's cached copy
	// is stale (5 minutes), re-verification says revoked.
	before := fetchList(t, is)
	_, err = is.Revoke(strings.TrimPrefix(issued[0].ID, "urn:uuid:")[:8])
	require.NoError(t, err)
	after := fetchList(t, is)
	require.NotEqual(t, before, after)
	l.clk.advance(6 * time.Minute)
	rec, err = l.w.Reverify(ctx, got.CredentialID)
	require.NoError(t, err)
	require.Equal(t, "revoked", rec.Result.Checks.Status, "%+v", rec.Result)
	require.False(t, rec.Verified)
}

// fetchList returns the encodedList of the served status list.
func fetchList(t testing.TB, is *Issuer) string {
	t.Helper()
	raw, err := loopbackFetcher().Fetch(context.Background(), is.StatusListURL())
	require.NoError(t, err)
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.CredentialSubject.EncodedList)
	return doc.CredentialSubject.EncodedList
}

// TestTemplatesStrict: every term of every achievement's credential, for
// each proof, and of both status lists is defined by its contexts
// (undefined terms would be silently left out of the signature).
func TestTemplatesStrict(t *testing.T) {
	is := startIssuer(t, Options{})
	p := ld.NewProcessor(testLoader(t))
	full := OfferOptions{SubjectName: "Ada Lovelace", Result: "87%", Date: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}
	for _, kind := range []Proof{ProofEd25519, ProofBBS, ProofEdDSA2022} {
		for i, a := range is.opts.Catalog.Achievements {
			t.Run(string(kind)+"/"+a.Name, func(t *testing.T) {
				o := OfferOptions{}
				if i%2 == 1 {
					o = full
				}
				vc := is.template(&a, o, kind)
				vc["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
				date := kind.dateKey()
				if o.Date.IsZero() {
					vc[date] = "2025-01-01T00:00:00Z"
				} else {
					require.Equal(t, "2025-06-30T00:00:00Z", vc[date])
					cs := vc["credentialSubject"].(map[string]any)
					require.Len(t, cs["identifier"], 1)
					require.Len(t, cs["result"], 1+boolInt(a.Level != ""))
				}
				vc["credentialSubject"].(map[string]any)["id"] = "did:example:learner"
				vc["credentialStatus"] = map[string]any{
					"id": is.StatusListURL() + "#1", "type": "StatusList2021Entry", "statusPurpose": "revocation",
					"statusListIndex": "1", "statusListCredential": is.StatusListURL(),
				}
				if kind == ProofBBS {
					require.NoError(t, addIDs(vc))
				}
				require.NoError(t, p.CheckDefined(vc))
			})
		}
	}
	for _, list := range []string{StatusListID, StatusListBBS} {
		raw, _, err := is.statusList(list)
		require.NoError(t, err)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		require.NoError(t, p.CheckDefined(doc))
	}
}

func TestPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	w, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	_, err = Start(w, Options{Listen: ln.Addr().String(), Catalog: testCatalog(t), Loader: testLoader(t)})
	require.ErrorIs(t, err, ErrPortTaken)
	require.Contains(t, err.Error(), ln.Addr().String())
}

func TestCatalogErrors(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	// edit returns the sample catalogue changed by fn.
	edit := func(fn func(m map[string]any)) string {
		var m map[string]any
		require.NoError(t, json.Unmarshal(good, &m))
		fn(m)
		raw, err := json.Marshal(m)
		require.NoError(t, err)
		return string(raw)
	}
	first := func(m map[string]any) map[string]any {
		return m["achievements"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name, in, want string
	}{
		{"not json", "{", "unexpected EOF"},
		{"empty", "{}", "issuer: name is missing"},
		{"unknown field", edit(func(m map[string]any) { first(m)["nmae"] = "x" }), `unknown field "nmae"`},
		{"no achievements", edit(func(m map[string]any) { m["achievements"] = []any{} }), "lists no achievement"},
		{"relative id", edit(func(m map[string]any) { first(m)["id"] = "sql" }), `achievements[0] (SQL for Data Analysis): id "sql" is not an absolute URI`},
		{"no name", edit(func(m map[string]any) { delete(first(m), "name") }), "achievements[0]: name is missing"},
		{"no criteria", edit(func(m map[string]any) { first(m)["criteria"] = map[string]any{} }), "criteria needs a narrative"},
		{"bad type", edit(func(m map[string]any) { first(m)["achievementType"] = "Trophy" }), `achievementType "Trophy"`},
		{"bad level", edit(func(m map[string]any) { first(m)["level"] = "very good" }), `level "very good"`},
		{"bad proof", edit(func(m map[string]any) { first(m)["proof"] = "BBS+" }), `achievements[0] (SQL for Data Analysis): proof: unknown proof "BBS+"`},
		{"bad category", edit(func(m map[string]any) { first(m)["category"] = "fun" }), `category "fun"`},
		{"alignment without url", edit(func(m map[string]any) {
			delete(first(m)["alignments"].([]any)[0].(map[string]any), "targetUrl")
		}), "alignments[0]: targetUrl"},
		{"duplicate id", edit(func(m map[string]any) {
			a := m["achievements"].([]any)
			a[1].(map[string]any)["id"] = a[0].(map[string]any)["id"]
		}), "is used twice"},
		{"pathway to nowhere", edit(func(m map[string]any) {
			m["pathways"].([]any)[0].(map[string]any)["requires"] = []any{"https://academy.example/achievements/none"}
		}), `requires "https://academy.example/achievements/none", which is not an achievement`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCatalog(strings.NewReader(tc.in))
			require.ErrorIs(t, err, ErrInvalidCatalog)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	c, err := ParseCatalog(strings.NewReader(string(good)))
	require.NoError(t, err)
	require.Len(t, c.Achievements, 4)
	require.Len(t, c.Pathways, 1)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
