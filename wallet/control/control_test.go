package control

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/issuer"
)

const testPass = "correct horse battery staple"

// newWallet creates a wallet in a short temporary folder (unix socket paths
// are short).
func newWallet(t *testing.T) *wallet.Wallet {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "w")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func listen(t *testing.T, w *wallet.Wallet, a *agent.Agent) *Server {
	t.Helper()
	s, err := Listen(w, a, Options{Logf: t.Logf})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func dial(t *testing.T, dir string) (*Client, *Status) {
	t.Helper()
	c, st, err := Dial(context.Background(), dir)
	require.NoError(t, err)
	return c, st
}

// TestSocket runs the tests of the socket without an agent on one wallet
// (each wallet costs an Argon2id run); each test closes its server.
func TestSocket(t *testing.T) {
	w := newWallet(t)
	t.Run("wallet over the socket", func(t *testing.T) { testWalletOverSocket(t, w) })
	t.Run("locked wallet", func(t *testing.T) { testLockedWallet(t, w) })
	t.Run("listen refuses", func(t *testing.T) { testListenRefuses(t, w) })
	t.Run("bad requests", func(t *testing.T) { testBadRequests(t, w) })
}

// testWalletOverSocket: the read-only wallet operations answer as the
// wallet does, the DIDComm ones say there is no agent, and Close removes
// the socket so that the next Dial finds no server.
func testWalletOverSocket(t *testing.T, w *wallet.Wallet) {
	s := listen(t, w, nil)
	fi, err := os.Lstat(s.Path())
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	require.Equal(t, SocketPath(w.Dir()), s.Path())

	c, st := dial(t, w.Dir())
	require.Equal(t, Version, st.Version)
	require.Equal(t, os.Getpid(), st.PID)
	require.False(t, st.Locked)
	require.Empty(t, st.Endpoint)

	ctx := context.Background()
	list, err := c.List(ctx)
	require.NoError(t, err)
	require.Empty(t, list)

	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	raw, err := c.Passport(ctx, PassportRequest{Now: now})
	require.NoError(t, err)
	var view struct {
		GeneratedAt time.Time `json:"generatedAt"`
		Credentials int       `json:"credentials"`
	}
	require.NoError(t, json.Unmarshal(raw, &view))
	require.True(t, now.Equal(view.GeneratedAt), "the passport is computed at the client's clock")
	require.Zero(t, view.Credentials)

	_, err = c.Passport(ctx, PassportRequest{Role: []byte(`{"skills": 1}`), Now: now})
	require.ErrorIs(t, err, ErrBadRequest)
	_, err = c.Passport(ctx, PassportRequest{RoleCode: "2511.1", Now: now})
	require.ErrorIs(t, err, wallet.ErrNoFramework, "no framework is imported")

	_, err = c.Show(ctx, "abcd")
	require.ErrorIs(t, err, wallet.ErrNotFound)

	_, err = c.Connect(ctx, []byte("https://example.org/?oob=x"))
	require.ErrorIs(t, err, ErrNoAgent)
	_, err = c.Inbox(ctx)
	require.ErrorIs(t, err, ErrNoAgent)

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "a second Close is harmless")
	_, err = os.Lstat(s.Path())
	require.ErrorIs(t, err, os.ErrNotExist)
	_, _, err = Dial(ctx, w.Dir())
	require.ErrorIs(t, err, ErrNoServer)
	_, err = c.List(ctx)
	require.ErrorIs(t, err, ErrNoServer)
}

// testLockedWallet: while the wallet is locked every operation but status
// says so, and after Unlock they work again.
func testLockedWallet(t *testing.T, w *wallet.Wallet) {
	s := listen(t, w, nil)
	defer s.Close()
	c, _ := dial(t, w.Dir())
	ctx := context.Background()

	w.Lock()
	st, err := c.Status(ctx)
	require.NoError(t, err)
	require.True(t, st.Locked)
	for name, call := range map[string]func() error{
		"list":     func() error { _, err := c.List(ctx); return err },
		"passport": func() error { _, err := c.Passport(ctx, PassportRequest{}); return err },
		"show":     func() error { _, err := c.Show(ctx, "abcd"); return err },
		"inbox":    func() error { _, err := c.Inbox(ctx); return err },
	} {
		err := call()
		require.ErrorIs(t, err, wallet.ErrLocked, name)
		require.Contains(t, err.Error(), "locked", name)
	}

	require.NoError(t, w.Unlock([]byte(testPass)))
	_, err = c.List(ctx)
	require.NoError(t, err)
}

// testListenRefuses: an unsafe folder, something that is not a socket, a
// live server; a stale socket is replaced.
func testListenRefuses(t *testing.T, w *wallet.Wallet) {
	path := SocketPath(w.Dir())

	t.Run("group-writable folder", func(t *testing.T) {
		require.NoError(t, os.Chmod(w.Dir(), 0o770))
		defer os.Chmod(w.Dir(), 0o700)
		_, err := Listen(w, nil, Options{})
		require.ErrorIs(t, err, ErrUnsafeDir)
		_, err = os.Lstat(path)
		require.ErrorIs(t, err, os.ErrNotExist)
	})

	t.Run("a file that is not a socket", func(t *testing.T) {
		require.NoError(t, os.WriteFile(path, []byte("mine"), 0o600))
		defer os.Remove(path)
		_, err := Listen(w, nil, Options{})
		require.ErrorIs(t, err, ErrNotSocket)
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, "mine", string(b), "the file is left alone")
		_, _, err = Dial(context.Background(), w.Dir())
		require.ErrorIs(t, err, ErrNotSocket)
	})

	t.Run("stale socket", func(t *testing.T) {
		ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
		require.NoError(t, err)
		ln.SetUnlinkOnClose(false)
		require.NoError(t, ln.Close())
		_, err = os.Lstat(path)
		require.NoError(t, err, "the dead socket file stays behind")
		_, _, err = Dial(context.Background(), w.Dir())
		require.ErrorIs(t, err, ErrNoServer)

		s, err := Listen(w, nil, Options{})
		require.NoError(t, err)
		defer s.Close()
		dial(t, w.Dir())

		_, err = Listen(w, nil, Options{})
		require.ErrorIs(t, err, ErrAlreadyServing, "only one server")
		dial(t, w.Dir()) // the first one still serves
	})

	entries, err := os.ReadDir(w.Dir())
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasPrefix(e.Name(), ".s"), "no private bind folder is left: %s", e.Name())
	}
}

// rawCall sends line as it is and returns the decoded answer.
func rawCall(t *testing.T, path string, line []byte) response {
	t.Helper()
	c, err := net.Dial("unix", path)
	require.NoError(t, err)
	defer c.Close()
	go func() { _, _ = c.Write(line); _ = c.(*net.UnixConn).CloseWrite() }()
	b, err := bufio.NewReader(c).ReadBytes('\n')
	require.NoError(t, err)
	var resp response
	require.NoError(t, json.Unmarshal(b, &resp))
	return resp
}

// testBadRequests: the server answers every malformed request with an
// error code and keeps serving.
func testBadRequests(t *testing.T, w *wallet.Wallet) {
	s := listen(t, w, nil)
	defer s.Close()
	huge := append([]byte(`{"v":1,"op":"connect","invitation":"`), []byte(strings.Repeat("A", MaxRequestBytes))...)
	for _, tc := range []struct {
		name string
		line []byte
		code string
	}{
		{"not JSON", []byte("list\n"), "bad_request"},
		{"another version", []byte(`{"v":2,"op":"list"}` + "\n"), "version"},
		{"no version", []byte(`{"op":"list"}` + "\n"), "version"},
		{"unknown operation", []byte(`{"v":1,"op":"format-disk"}` + "\n"), "bad_request"},
		{"show without id", []byte(`{"v":1,"op":"show"}` + "\n"), "bad_request"},
		{"too large", huge, "bad_request"},
		{"empty", nil, "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := rawCall(t, s.Path(), tc.line)
			require.False(t, resp.OK)
			require.NotNil(t, resp.Error)
			require.Equal(t, tc.code, resp.Error.Code, resp.Error.Message)
			require.Equal(t, Version, resp.V)
		})
	}
	resp := rawCall(t, s.Path(), []byte(`{"v":1,"op":"list"}`+"\n"))
	require.True(t, resp.OK)
	require.JSONEq(t, `[]`, string(resp.Result))
}

// TestAgentOverSocket: connect to a real issuer agent, find its offer in
// the inbox, accept it and see the credential stored, all through the
// socket; then the errors a learner meets.
func TestAgentOverSocket(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two DIDComm agents")
	}
	cat, err := issuer.LoadCatalog(filepath.Join("..", "..", "testdata", "catalog.json"))
	require.NoError(t, err)
	iw, err := wallet.Create(filepath.Join(t.TempDir(), "issuer"), []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer iw.Close()
	is, err := issuer.Start(iw, issuer.Options{Listen: "127.0.0.1:0", Catalog: cat, AutoOffer: true})
	require.NoError(t, err)
	defer is.Close()

	w := newWallet(t)
	a, err := agent.New(w, agent.Options{Timeout: 15 * time.Second})
	require.NoError(t, err)
	defer a.Close()
	s := listen(t, w, a)
	c, st := dial(t, w.Dir())
	require.Equal(t, a.Endpoint(), st.Endpoint)
	ctx := context.Background()

	_, err = c.Connect(ctx, []byte("https://issuer.example/?oob=not-base64!"))
	require.ErrorIs(t, err, agent.ErrInvalidInvitation)

	connID, err := c.Connect(ctx, []byte(is.InvitationURL()))
	require.NoError(t, err)
	require.NotEmpty(t, connID)
	conns, err := c.Connections(ctx)
	require.NoError(t, err)
	require.Len(t, conns, 1)
	require.Equal(t, connID, conns[0].ID)
	require.Equal(t, "completed", conns[0].State)

	var offers []agent.Offer
	require.Eventually(t, func() bool {
		offers, err = c.Inbox(ctx)
		return err == nil && len(offers) == 1
	}, 15*time.Second, 50*time.Millisecond)
	require.Equal(t, agent.OfferPending, offers[0].State)
	require.Equal(t, connID, offers[0].ConnectionID)

	_, err = c.Accept(ctx, "ffffffff-0000")
	require.ErrorIs(t, err, agent.ErrNoOffer)

	off, err := c.Accept(ctx, offers[0].ID)
	require.NoError(t, err)
	require.Equal(t, agent.OfferStored, off.State)
	list, err := c.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, off.CredentialID, list[0].ID)
	require.Equal(t, cat.Achievements[0].Name, list[0].Achievement)

	rec, err := c.Show(ctx, off.CredentialID)
	require.NoError(t, err)
	require.Equal(t, off.CredentialID, rec.ID)
	require.True(t, rec.Result.Verified == list[0].Verified)

	err = c.Decline(ctx, offers[0].ID, "changed my mind")
	require.ErrorIs(t, err, agent.ErrNotPending)
	offers, err = c.Inbox(ctx)
	require.NoError(t, err)
	require.Empty(t, offers)
	all, err := c.Offers(ctx)
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.NoError(t, s.Close())
}
