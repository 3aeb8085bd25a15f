package issuer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
)

// TestRunRefusesBadInput: a bad catalogue or a missing passphrase stops
// serve before any wallet is created; revoke of an unknown id is refused.
func TestRunRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"issuer":{"name":"X"},"achievements":[]}`), 0o600))
	good := filepath.Join("..", "..", "testdata", "catalog.json")
	issuerDir := filepath.Join(dir, "issuer")

	tests := []struct {
		name string
		pass string
		args []string
		code int
		want string
	}{
		{"bad catalogue", "pw", []string{"--dir", issuerDir, "serve", "--listen", "127.0.0.1:0", "--catalog", bad}, 2, "invalid catalogue: achievements: the catalogue lists no achievement"},
		{"no passphrase", "", []string{"--dir", issuerDir, "serve", "--listen", "127.0.0.1:0", "--catalog", good}, 2, "set " + PassphraseEnv},
		{"no listen", "pw", []string{"--dir", issuerDir, "serve", "--catalog", good}, 2, "--listen"},
		{"unknown proof", "pw", []string{"--dir", issuerDir, "serve", "--listen", "127.0.0.1:0", "--catalog", good, "--proof", "rsa"}, 2, `--proof: unknown proof "rsa"`},
		{"no dir", "pw", []string{"serve"}, 2, "--dir is required"},
		{"revoke without wallet", "pw", []string{"--dir", issuerDir, "revoke", "abcd"}, 2, "run serve first"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(PassphraseEnv, tc.pass)
			var out, errOut bytes.Buffer
			code := Run(context.Background(), tc.args, &out, &errOut)
			require.Equal(t, tc.code, code, errOut.String())
			require.Contains(t, errOut.String(), tc.want)
			require.Empty(t, out.String())
			require.False(t, wallet.Exists(issuerDir), "nothing is created")
		})
	}
}

// TestStableIdentity: the issuer's DID survives a restart on the same
// wallet; revoking an id that was never issued is refused.
func TestStableIdentity(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "issuer")
	w, err := wallet.Create(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	opts := Options{Listen: "127.0.0.1:0", Catalog: testCatalog(t), Loader: testLoader(t)}
	is, err := Start(w, opts)
	require.NoError(t, err)
	first, firstBBS := is.DID(), is.BBSDID()
	require.True(t, strings.HasPrefix(firstBBS, "did:key:zUC7"), firstBBS)
	require.NoError(t, is.Close())
	require.NoError(t, w.Close())

	w, err = wallet.Open(dir, []byte(testPass), wallet.Options{})
	require.NoError(t, err)
	defer w.Close()
	is, err = Start(w, opts)
	require.NoError(t, err)
	defer is.Close()
	require.Equal(t, first, is.DID())
	require.Equal(t, firstBBS, is.BBSDID())
	_, err = is.Revoke("urn:uuid:00000000-0000-4000-8000-000000000000")
	require.ErrorIs(t, err, ErrNotIssued)
}
