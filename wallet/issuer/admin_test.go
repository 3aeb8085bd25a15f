package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	didexsvc "github.com/hyperledger/aries-framework-go/pkg/didcomm/protocol/didexchange"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
)

// serveAdmin starts the admin endpoint of is in its wallet's folder.
func serveAdmin(t testing.TB, is *Issuer) string {
	t.Helper()
	dir := is.w.Dir()
	s, err := ServeAdmin(dir, is)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return dir
}

// connect connects the learner to the issuer and returns the learner's DID
// on the connection and the issuer's id of it, once both sides completed.
func connect(t testing.TB, is *Issuer, l *learner) (theirDID, connID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	lconn, err := l.a.Connect(ctx, []byte(is.InvitationURL()))
	require.NoError(t, err)
	conns, err := l.a.Connections()
	require.NoError(t, err)
	for _, c := range conns {
		if c.ID == lconn {
			theirDID = c.MyDID
		}
	}
	require.NotEmpty(t, theirDID)
	require.Eventually(t, func() bool {
		list, err := is.Connections()
		if err != nil {
			return false
		}
		for _, c := range list {
			if c.TheirDID == theirDID && c.State == didexsvc.StateIDCompleted {
				connID = c.ID
				return true
			}
		}
		return false
	}, 15*time.Second, 20*time.Millisecond)
	return theirDID, connID
}

// runCLI runs skillpass-issuer with args and returns its exit code, stdout
// and stderr.
func runCLI(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := Run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestAdminOffer: offers sent through the admin socket (by the learner's
// DID and by connection id, as the command does) arrive in the learner
// agent's inbox, and the credential carries the name and the result.
func TestAdminOffer(t *testing.T) {
	cat := testCatalog(t)
	is := startIssuer(t, Options{Catalog: cat})
	dir := serveAdmin(t, is)
	l := newLearner(t)
	theirDID, connID := connect(t, is, l)

	second := cat.Achievements[1]
	code, stdout, stderr := runCLI(t, "--dir", dir, "offer", "--connection", theirDID,
		"--achievement", second.ID, "--subject-name", "Ada Lovelace", "--result", "87%")
	require.Equal(t, 0, code, stderr)
	offerID := strings.TrimSpace(stdout)
	require.NotEmpty(t, offerID)

	offers := waitInbox(t, l, 1)
	require.Equal(t, offerID, offers[0].ID)
	require.Equal(t, second.Name, offers[0].Achievement)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := l.a.Accept(ctx, offers[0].ID)
	require.NoError(t, err)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified, "%+v", rec.Result)
	var vc struct {
		CredentialSubject struct {
			Identifier []map[string]any `json:"identifier"`
			Result     []map[string]any `json:"result"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.Len(t, vc.CredentialSubject.Identifier, 1)
	require.Equal(t, "Ada Lovelace", vc.CredentialSubject.Identifier[0]["identityHash"])
	require.Equal(t, "name", vc.CredentialSubject.Identifier[0]["identityType"])
	var values []any
	for _, r := range vc.CredentialSubject.Result {
		values = append(values, r["value"])
	}
	require.Contains(t, values, "87%")

	// By the issuer's connection id, through the client.
	id2, err := NewAdminClient(dir).Offer(ctx, connID, cat.Achievements[2].ID, OfferOptions{})
	require.NoError(t, err)
	offers = waitInbox(t, l, 1)
	require.Equal(t, id2, offers[0].ID)

	// Refusals come back as the sentinel errors, with exit code 1.
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown achievement", []string{"--connection", connID, "--achievement", "https://academy.example/none"}, ErrUnknownAchievement.Error()},
		{"unknown learner", []string{"--connection", "did:peer:nobody", "--achievement", second.ID}, ErrNoConnection.Error()},
		{"future date", []string{"--connection", connID, "--achievement", second.ID, "--date", "2999-01-01"}, "is in the future"},
		{"control character", []string{"--connection", connID, "--achievement", second.ID, "--subject-name", "Ada\x07"}, "control characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"--dir", dir, "offer"}, tc.args...)...)
			require.Equal(t, 1, code, stderr)
			require.Empty(t, stdout)
			require.Contains(t, stderr, tc.want)
		})
	}
	_, err = NewAdminClient(dir).Offer(ctx, "did:peer:nobody", second.ID, OfferOptions{})
	require.ErrorIs(t, err, ErrNoConnection)

	// connections lists the learner's connection.
	code, stdout, stderr = runCLI(t, "--dir", dir, "connections", "--json")
	require.Equal(t, 0, code, stderr)
	var conns []Connection
	require.NoError(t, json.Unmarshal([]byte(stdout), &conns))
	require.Len(t, conns, 1)
	require.Equal(t, connID, conns[0].ID)
	require.Equal(t, theirDID, conns[0].TheirDID)
	require.Equal(t, didexsvc.StateIDCompleted, conns[0].State)
	me, err := l.w.Identities()
	require.NoError(t, err)
	require.Len(t, conns[0].Subjects, 1)
	var mine []string
	for _, id := range me {
		mine = append(mine, id.DID)
	}
	require.Contains(t, mine, conns[0].Subjects[0])
}

// TestIssueBatch: a CSV of three rows, one for an unknown learner, is
// checked whole: nothing is sent and each row is reported; with
// --skip-invalid the two good rows are offered (and arrive), and sending
// the file again offers nothing twice.
func TestIssueBatch(t *testing.T) {
	cat := testCatalog(t)
	is := startIssuer(t, Options{Catalog: cat})
	dir := serveAdmin(t, is)
	l := newLearner(t)
	theirDID, connID := connect(t, is, l)

	csvPath := filepath.Join(t.TempDir(), "export.csv")
	body := "Learner,Achievement,Date,Result,Email\n" +
		connID + "," + cat.Achievements[0].ID + ",2025-06-30,Merit,a@example.org\n" +
		"did:peer:unknown-learner," + cat.Achievements[1].ID + ",2025-06-30,,b@example.org\n" +
		theirDID + "," + cat.Achievements[1].ID + ",2025-07-01,91%,a@example.org\n"
	require.NoError(t, os.WriteFile(csvPath, []byte(body), 0o600))

	code, stdout, stderr := runCLI(t, "--dir", dir, "issue-batch", "--json", csvPath)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "nothing was sent")
	require.Contains(t, stderr, "columns not read: Email")
	var rep BatchReport
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	require.Len(t, rep.Rows, 3)
	require.Equal(t, []int{2, 3, 4}, []int{rep.Rows[0].Line, rep.Rows[1].Line, rep.Rows[2].Line})
	require.Equal(t, []RowStatus{RowNotSent, RowInvalid, RowNotSent},
		[]RowStatus{rep.Rows[0].Status, rep.Rows[1].Status, rep.Rows[2].Status})
	require.Contains(t, rep.Rows[1].Problem, "did:peer:unknown-learner")
	require.Contains(t, rep.Rows[1].Problem, ErrNoConnection.Error())
	offers, err := is.Offers()
	require.NoError(t, err)
	require.Empty(t, offers, "a batch with an invalid row sends nothing")

	code, stdout, stderr = runCLI(t, "--dir", dir, "issue-batch", "--skip-invalid", csvPath)
	require.Equal(t, 1, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, 3)
	require.True(t, strings.HasPrefix(lines[0], "line 2\toffered\t"), lines[0])
	require.True(t, strings.HasPrefix(lines[1], "line 3\tinvalid\t"), lines[1])
	require.True(t, strings.HasPrefix(lines[2], "line 4\toffered\t"), lines[2])
	require.Contains(t, stderr, "2 offered")
	inbox := waitInbox(t, l, 2)

	// Accepted: the credential has the row's date and result.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var pick agent.Offer
	for _, o := range inbox {
		if o.Achievement == cat.Achievements[1].Name {
			pick = o
		}
	}
	got, err := l.a.Accept(ctx, pick.ID)
	require.NoError(t, err)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.True(t, rec.Verified, "%+v", rec.Result)
	var vc map[string]any
	require.NoError(t, json.Unmarshal([]byte(rec.Raw), &vc))
	require.Equal(t, "2025-07-01T00:00:00Z", vc["issuanceDate"])
	require.Contains(t, rec.Raw, `"91%"`)

	// Again: the good rows were offered before and are not sent twice.
	rep2, err := NewAdminClient(dir).IssueBatch(ctx, []byte(body), BatchOptions{SkipInvalid: true})
	require.NoError(t, err)
	require.Equal(t, 2, rep2.Count(RowAlreadyOffered))
	require.Equal(t, 1, rep2.Count(RowInvalid))
	offers, err = is.Offers()
	require.NoError(t, err)
	require.Len(t, offers, 2)

	// A file-level problem is refused with exit code 1.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("name,email\nx,y\n"), 0o600))
	code, _, stderr = runCLI(t, "--dir", dir, "issue-batch", bad)
	require.Equal(t, 1, code, stderr)
	require.Contains(t, stderr, "line 1: the header row has no learner, achievement, date column")
}

// TestParseBatch: the header is found by name in any order; each row's
// problems say what is wrong; whole-file problems wrap ErrInvalidBatch.
func TestParseBatch(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
		rows    []BatchRow
	}{
		{"bom, order, aliases, blank line", "\ufeffAchievement ID, connection_id ,Issued On\nA,c1,2025-01-02\n\nB,c2,2025-01-03\n", "",
			[]BatchRow{{Line: 2, Learner: "c1", Achievement: "A", Date: "2025-01-02"}, {Line: 4, Learner: "c2", Achievement: "B", Date: "2025-01-03"}}},
		{"field count", "learner,achievement,date\nc1,A\n", "",
			[]BatchRow{{Line: 2, Learner: "c1", Achievement: "A", Status: RowInvalid, Problem: "has 2 fields; the header has 3"}}},
		{"broken quote", "learner,achievement,date\nc1,\"A,2025-01-02\n", "",
			[]BatchRow{{Line: 2, Status: RowInvalid, Problem: `not readable as CSV: extraneous or missing " in quoted-field`}}},
		{"empty", "", "the file is empty", nil},
		{"no rows", "learner,achievement,date\n", "no rows after the header", nil},
		{"no header", "c1,A,2025-01-02\n", "line 1: the header row has no learner, achievement, date column", nil},
		{"two learner columns", "did,connection,achievement,date\n", `line 1: columns 1 ("did") and 2 ("connection") both name the learner`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, _, err := ParseBatch(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidBatch)
				require.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.rows, rows)
		})
	}
	big := "learner,achievement,date\n" + strings.Repeat("c,A,2025-01-01\n", MaxBatchRows+1)
	_, _, err := ParseBatch(strings.NewReader(big))
	require.ErrorIs(t, err, ErrInvalidBatch)
	require.Contains(t, err.Error(), "rows; split it")
}

// TestCheckRow: every problem of a row is named, with the row's values.
func TestCheckRow(t *testing.T) {
	cat := testCatalog(t)
	is := &Issuer{opts: Options{Catalog: cat}}
	conns := []Connection{
		{ID: "c1", TheirDID: "did:peer:1", State: didexsvc.StateIDCompleted, Subjects: []string{"did:key:z6Mk1"}},
		{ID: "c2", TheirDID: "did:peer:2", State: "requested"},
	}
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	ach := cat.Achievements[0].ID
	tests := []struct {
		name, learner, achievement, date, result string
		conn, want                               string
	}{
		{"by connection id", "c1", ach, "2026-03-10", "", "c1", ""},
		{"by their DID", "did:peer:1", ach, "2026-03-10", "Pass", "c1", ""},
		{"by subject DID", "did:key:z6Mk1", ach, "2026-03-09", "", "c1", ""},
		{"not completed", "c2", ach, "2026-03-10", "", "", `"c2": no such completed connection (the connection is requested, not completed)`},
		{"unknown", "c3", ach, "2026-03-10", "", "", `"c3": no such completed connection`},
		{"empty learner", "", ach, "2026-03-10", "", "", "the learner is empty"},
		{"bad achievement", "c1", "sql", "2026-03-10", "", "c1", `the achievement "sql" is not in the catalogue`},
		{"bad date", "c1", ach, "10/03/2026", "", "c1", `the date "10/03/2026" is not YYYY-MM-DD`},
		{"future date", "c1", ach, "2026-03-11", "", "c1", "the date 2026-03-11 is in the future"},
		{"no date", "c1", ach, "", "", "c1", "the date is empty (want YYYY-MM-DD)"},
		{"long result", "c1", ach, "2026-03-10", strings.Repeat("x", MaxResult+1), "c1", "the result is longer than 256 bytes"},
		{"two problems", "c3", "sql", "2026-03-10", "", "", `"c3": no such completed connection (not a connection id, nor the DID of a connection or of a learner issued to here); the achievement "sql" is not in the catalogue`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			row := &BatchRow{Learner: tc.learner, Achievement: tc.achievement, Date: tc.date, Result: tc.result}
			o, problem := is.checkRow(row, conns, now)
			require.Equal(t, tc.conn, row.Connection)
			if tc.want == "" {
				require.Empty(t, problem)
				require.Equal(t, tc.date, o.Date.Format(time.DateOnly))
				require.Equal(t, tc.result, o.Result)
				return
			}
			require.Contains(t, problem, tc.want)
		})
	}
}

// TestRevokeWhileServing: revoke through the admin socket changes the
// served status list at once, dated at the revocation; the learner's
// re-verification says revoked once its cached list is stale.
func TestRevokeWhileServing(t *testing.T) {
	clk := &clock{}
	is := startIssuer(t, Options{AutoOffer: true, Now: clk.now})
	dir := serveAdmin(t, is)
	l := newLearner(t)
	connect(t, is, l)
	offers := waitInbox(t, l, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, err := l.a.Accept(ctx, offers[0].ID)
	require.NoError(t, err)
	rec, err := l.w.Get(got.CredentialID)
	require.NoError(t, err)
	require.Equal(t, "ok", rec.Result.Checks.Status, "%+v", rec.Result)

	before := fetchListDoc(t, is)
	// The list is not re-dated while nothing changes.
	clk.advance(time.Hour)
	require.Equal(t, before, fetchListDoc(t, is))
	issued, err := is.Issued()
	require.NoError(t, err)
	require.Len(t, issued, 1)
	clk.advance(time.Hour)
	code, stdout, stderr := runCLI(t, "--dir", dir, "revoke", issued[0].ID)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "shows it now")

	after := fetchListDoc(t, is)
	require.NotEqual(t, before["encodedList"], after["encodedList"])
	issued, err = is.Issued()
	require.NoError(t, err)
	require.NotNil(t, issued[0].Revoked)
	require.Equal(t, issued[0].Revoked.Truncate(time.Second).Format(time.RFC3339), after["issuanceDate"])
	require.Equal(t, clk.now().UTC().Truncate(time.Second).Format(time.RFC3339), after["issuanceDate"])

	// Revoking again through the socket changes nothing.
	code, _, stderr = runCLI(t, "--dir", dir, "revoke", issued[0].ID)
	require.Equal(t, 0, code, stderr)
	require.Equal(t, after, fetchListDoc(t, is))
	code, _, stderr = runCLI(t, "--dir", dir, "revoke", "urn:uuid:00000000-0000-4000-8000-000000000000")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, ErrNotIssued.Error())

	// The learner's clock: past the revocation (the issuer's clock moved
	// two hours) and past its cached copy of the list (5 minutes).
	l.clk.advance(2*time.Hour + 6*time.Minute)
	rec, err = l.w.Reverify(ctx, got.CredentialID)
	require.NoError(t, err)
	require.Equal(t, "revoked", rec.Result.Checks.Status, "%+v", rec.Result)

	code, stdout, stderr = runCLI(t, "--dir", dir, "issued")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, issued[0].ID+"\t")
	require.Contains(t, stdout, "\trevoked\t")
}

// fetchListDoc returns the served status list's issuanceDate and
// encodedList.
func fetchListDoc(t testing.TB, is *Issuer) map[string]string {
	t.Helper()
	raw, err := loopbackFetcher().Fetch(context.Background(), is.StatusListURL())
	require.NoError(t, err)
	var doc struct {
		IssuanceDate      string `json:"issuanceDate"`
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	return map[string]string{"issuanceDate": doc.IssuanceDate, "encodedList": doc.CredentialSubject.EncodedList, "raw": string(raw)}
}

// TestAdminSocket: the socket is owner-only, an unsafe folder is refused,
// a stale socket is replaced, a live one or a file in its place is
// refused, and Close removes it.
func TestAdminSocket(t *testing.T) {
	is := &Issuer{} // no request reaches it here
	mkdir := func(t *testing.T, mode os.FileMode) string {
		dir := filepath.Join(t.TempDir(), "i")
		require.NoError(t, os.Mkdir(dir, 0o700))
		require.NoError(t, os.Chmod(dir, mode))
		return dir
	}
	tests := []struct {
		name    string
		mode    os.FileMode
		prepare func(t *testing.T, path string)
		wantErr error
		wantMsg string
	}{
		{"fresh", 0o700, nil, nil, ""},
		{"readable by others is fine", 0o755, nil, nil, ""},
		{"group-writable", 0o770, nil, ErrUnsafeDir, "run chmod go-w"},
		{"world-writable", 0o703, nil, ErrUnsafeDir, ""},
		{"stale socket", 0o700, func(t *testing.T, path string) {
			ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
			require.NoError(t, err)
			ln.SetUnlinkOnClose(false)
			require.NoError(t, ln.Close())
			_, err = os.Lstat(path)
			require.NoError(t, err, "the stale socket file stays")
		}, nil, ""},
		{"live socket", 0o700, func(t *testing.T, path string) {
			ln, err := net.Listen("unix", path)
			require.NoError(t, err)
			t.Cleanup(func() { _ = ln.Close() })
		}, ErrAdminInUse, ""},
		{"a file in its place", 0o700, func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("x"), 0o600))
		}, nil, "exists and is not a socket"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := mkdir(t, tc.mode)
			path := filepath.Join(dir, AdminSocket)
			if tc.prepare != nil {
				tc.prepare(t, path)
			}
			s, err := ServeAdmin(dir, is)
			if tc.wantErr != nil || tc.wantMsg != "" {
				require.Error(t, err)
				if tc.wantErr != nil {
					require.ErrorIs(t, err, tc.wantErr)
				}
				require.Contains(t, err.Error(), tc.wantMsg)
				return
			}
			require.NoError(t, err)
			fi, err := os.Lstat(path)
			require.NoError(t, err)
			require.NotZero(t, fi.Mode()&os.ModeSocket)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
			// An unknown request is answered, not dropped.
			err = NewAdminClient(dir).call(context.Background(), adminRequest{Op: "format-disk"}, nil)
			require.ErrorIs(t, err, errBadRequest)
			require.NoError(t, s.Close())
			_, err = os.Lstat(path)
			require.ErrorIs(t, err, os.ErrNotExist, "Close removes the socket")
			_, err = NewAdminClient(dir).Issued(context.Background())
			require.ErrorIs(t, err, ErrNotServing)
		})
	}
}

// TestAdminBounds: a request larger than MaxAdminRequest or not JSON is
// refused with an answer.
func TestAdminBounds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "i")
	require.NoError(t, os.Mkdir(dir, 0o700))
	s, err := ServeAdmin(dir, &Issuer{})
	require.NoError(t, err)
	defer s.Close()
	for _, in := range []string{"not json", `{"op":"issued","csv":"` + strings.Repeat("A", MaxAdminRequest) + `"}`} {
		c, err := net.Dial("unix", s.Path())
		require.NoError(t, err)
		go func() { _, _ = c.Write([]byte(in)); _ = c.(*net.UnixConn).CloseWrite() }()
		var resp adminResponse
		require.NoError(t, json.NewDecoder(c).Decode(&resp))
		require.Equal(t, "bad-request", resp.Code)
		require.Contains(t, resp.Error, "at most")
		_ = c.Close()
	}
}

// TestNoServer: offer and issue-batch say that serve must run; revoke,
// connections and issued open the wallet themselves.
func TestNoServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "issuer")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	t.Setenv(PassphraseEnv, testPass)
	csvPath := filepath.Join(t.TempDir(), "b.csv")
	require.NoError(t, os.WriteFile(csvPath, []byte("learner,achievement,date\nc,a,2025-01-01\n"), 0o600))

	tests := []struct {
		name       string
		args       []string
		code       int
		wantErr    string
		wantStdout string
	}{
		{"offer", []string{"offer", "--connection", "c", "--achievement", "a"}, 2, "offer needs a running `skillpass-issuer serve`: ", ""},
		{"issue-batch", []string{"issue-batch", csvPath}, 2, "issue-batch needs a running `skillpass-issuer serve`: ", ""},
		{"revoke", []string{"revoke", "abcdef"}, 1, ErrNotIssued.Error(), ""},
		{"connections json", []string{"connections", "--json"}, 0, "", "[]\n"},
		{"issued", []string{"issued"}, 0, "", ""},
		{"offer without flags", []string{"offer"}, 2, "offer needs --connection C and --achievement A", ""},
		{"issue-batch two files", []string{"issue-batch", "a.csv", "b.csv"}, 2, "issue-batch takes one CSV file", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, append([]string{"--dir", dir}, tc.args...)...)
			require.Equal(t, tc.code, code, stderr)
			require.Equal(t, tc.wantStdout, stdout)
			if tc.wantErr == "" {
				require.Empty(t, stderr)
				return
			}
			require.Contains(t, stderr, tc.wantErr)
			if tc.code == 2 && strings.Contains(tc.wantErr, "running") {
				require.Contains(t, stderr, "hint: start the issuer first")
			}
		})
	}
}

// TestInvitationReuse: a restart on the same address serves the same
// invitation, which still connects, and the same status list, byte for
// byte; another address gets a new invitation.
func TestInvitationReuse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "issuer")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	opts := Options{Listen: "127.0.0.1:0", Catalog: testCatalog(t), Loader: testLoader(t), AutoOffer: true, Logf: t.Logf}
	is, err := Start(w, opts)
	require.NoError(t, err)
	link, addr := is.InvitationURL(), is.Addr()
	list := fetchListDoc(t, is)
	require.NoError(t, is.Close())
	require.NoError(t, w.Close())

	w, err = wallet.Open(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	opts.Listen = addr
	is, err = Start(w, opts)
	require.NoError(t, err)
	require.Equal(t, link, is.InvitationURL())
	require.Equal(t, list["raw"], fetchListDoc(t, is)["raw"])

	// The printed invitation still works: connect and get the auto-offer.
	l := newLearner(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = l.a.Connect(ctx, []byte(link))
	require.NoError(t, err)
	waitInbox(t, l, 1)
	require.NoError(t, is.Close())

	opts.Listen = "127.0.0.1:0"
	is, err = Start(w, opts)
	require.NoError(t, err)
	defer is.Close()
	require.NotEqual(t, link, is.InvitationURL())
}

// TestStatusListDate: a revocation made while the issuer is stopped is
// published by the next serve dated at the revocation, not at the start;
// the recorded date never goes back.
func TestStatusListDate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "issuer")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	r := records{w: w}
	issued := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	require.NoError(t, r.put(bucketIssued, "urn:uuid:11111111-1111-4111-8111-111111111111",
		&Issued{ID: "urn:uuid:11111111-1111-4111-8111-111111111111", AchievementID: "a", Subject: "did:example:x", StatusIndex: 5, Issued: issued}))

	before := time.Now().UTC().Truncate(time.Second)
	rec, err := Revoke(w, "11111111")
	require.NoError(t, err)
	require.NotNil(t, rec.Revoked)
	revoked := rec.Revoked.Truncate(time.Second)
	require.False(t, revoked.Before(before))

	// Later revocations under a clock set back do not move the date back.
	require.NoError(t, r.setListChanged(revoked.Add(-time.Hour)))
	got, err := r.listChanged(time.Now())
	require.NoError(t, err)
	require.Equal(t, revoked, got)

	later := func() time.Time { return revoked.Add(3 * time.Hour) }
	is, err := Start(w, Options{Listen: "127.0.0.1:0", Catalog: testCatalog(t), Loader: testLoader(t), Now: later})
	require.NoError(t, err)
	defer is.Close()
	doc := fetchListDoc(t, is)
	require.Equal(t, revoked.Format(time.RFC3339), doc["issuanceDate"])

	// The HTTP answer carries Last-Modified and an ETag, and a conditional
	// request with them gets 304 Not Modified.
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := client.Get(is.StatusListURL())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, revoked.Format(http.TimeFormat), resp.Header.Get("Last-Modified"))
	etag := resp.Header.Get("ETag")
	require.NotEmpty(t, etag)
	req, err := http.NewRequest(http.MethodGet, is.StatusListURL(), nil)
	require.NoError(t, err)
	req.Header.Set("If-None-Match", etag)
	resp, err = client.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotModified, resp.StatusCode)
}
