package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/agent"
	"github.com/skillpass/skillpass/wallet/control"
)

// TestAgentCommands: without an agent the DIDComm commands say what to
// start; with a server holding the wallet, list and passport go through it
// and the writers say who holds the wallet. (The whole flow with a real
// issuer is cmd/skillpass-cli's end-to-end test.)
func TestAgentCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, 0, runCLI(t, env, "", "--wallet", dir, "init").code)

	for _, args := range [][]string{{"inbox"}, {"connections"}, {"accept", "abcd"}, {"decline", "abcd", "--reason", "no"}} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, args...)...)
		require.Equal(t, ExitUsage, r.code, args)
		require.Contains(t, r.stderr, msgErrPrefix+args[0]+" needs the wallet's agent", args)
		require.Contains(t, r.stderr, msgHintPrefix+msgNeedAgentHint, args)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"connect"}, msgConnectUsage},
		{[]string{"connect", "a", "b"}, msgConnectUsage},
		{[]string{"connect", "https://issuer.example/?oob=%%%"}, "not a usable invitation"},
		{[]string{"accept"}, "accept needs one offer id"},
		{[]string{"decline"}, "decline needs one offer id"},
		{[]string{"inbox", "extra"}, "inbox takes no more arguments"},
	} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, tc.args...)...)
		require.Equal(t, ExitUsage, r.code, tc.args)
		require.Contains(t, r.stderr, tc.want, tc.args)
	}
	r := runCLI(t, env, "", "--wallet", filepath.Join(t.TempDir(), "none"), "inbox")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, msgNoWalletHint)

	w, err := wallet.Open(dir, []byte(pass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	srv, err := control.Listen(w, nil, control.Options{})
	require.NoError(t, err)
	defer srv.Close()

	r = runCLI(t, nil, "", "--wallet", dir, "list", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Equal(t, "[]\n", r.stdout, "no passphrase needed: the holder of the wallet answers")
	r = runCLI(t, nil, "", "--wallet", dir, "list")
	require.Equal(t, msgListEmpty, r.stdout)
	r = runCLI(t, nil, "", "--wallet", dir, "passport")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Skills passport: 0 credentials, 0 skills (as of 2026-06-01)")
	r = runCLI(t, nil, "", "--wallet", dir, "show", "abcd")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "no such credential")
	require.Contains(t, r.stderr, msgNeedIDHint)

	r = runCLI(t, nil, "", "--wallet", dir, "inbox")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "without a DIDComm agent")
	r = runCLI(t, env, "", "--wallet", dir, "agent")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "an agent already holds the wallet")

	r = runCLI(t, env, "", "--wallet", dir, "import", fixture("simple.json"))
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, msgHintPrefix+msgBusyHint)
}

func TestInvitationInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "inv.txt")
	require.NoError(t, os.WriteFile(file, []byte("from the file"), 0o600))
	big := filepath.Join(dir, "big.png")
	require.NoError(t, os.WriteFile(big, make([]byte, agent.MaxInvitationBytes+1), 0o600))
	for _, tc := range []struct {
		arg, stdin, want string
		err              error
	}{
		{arg: "https://issuer.example/?oob=abc", want: "https://issuer.example/?oob=abc"},
		{arg: `{"@type":"x"}`, want: `{"@type":"x"}`},
		{arg: file, want: "from the file"},
		{arg: "-", stdin: "from stdin", want: "from stdin"},
		{arg: dir, want: dir}, // a folder is not read: taken as text, and the parser says no
		{arg: big, err: agent.ErrInvalidInvitation},
	} {
		got, err := invitationInput(tc.arg, strings.NewReader(tc.stdin))
		if tc.err != nil {
			require.ErrorIs(t, err, tc.err, tc.arg)
			continue
		}
		require.NoError(t, err, tc.arg)
		require.Equal(t, tc.want, string(got), tc.arg)
	}
}

// TestBusyWalletLockedApp: a wallet that another Skillpass holds with no
// control socket (the app, locked) refuses the commands with a hint that
// says to unlock the app or close it.
func TestBusyWalletLockedApp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, 0, runCLI(t, env, "", "--wallet", dir, "init").code)
	w, err := wallet.Open(dir, []byte(pass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	w.Lock() // the app locked: its agent and control socket stopped

	for _, args := range [][]string{{"list"}, {"passport"}, {"import", fixture("simple.json")}} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, args...)...)
		require.Equal(t, ExitUsage, r.code, args)
		require.Contains(t, r.stderr, msgHintPrefix+msgBusyHint, args)
		require.Contains(t, r.stderr, "unlock the app, or close it", args)
	}
}
