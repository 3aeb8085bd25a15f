package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
)

var (
	chainLoaderOnce sync.Once
	chainLoader     *ld.Loader
	chainLoaderErr  error
)

// blockcertsLoader returns the shipped loader (the Blockcerts contexts are in assets/).
func blockcertsLoader(t testing.TB) *ld.Loader {
	t.Helper()
	chainLoaderOnce.Do(func() { chainLoader, chainLoaderErr = ld.NewLoader() })
	require.NoError(t, chainLoaderErr)
	return chainLoader
}

func chainFile(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(rel))
	require.NoError(t, err)
	return b
}

// btcTx serializes a one-input Bitcoin transaction whose only output is an
// OP_RETURN of data, and returns its hex and txid.
func btcTx(data []byte) (string, string) {
	var b bytes.Buffer
	b.Write([]byte{1, 0, 0, 0, 1})
	b.Write(make([]byte, 36))
	b.Write([]byte{0, 0xff, 0xff, 0xff, 0xff, 1})
	b.Write(make([]byte, 8))
	b.Write([]byte{byte(len(data) + 2), 0x6a, byte(len(data))})
	b.Write(data)
	b.Write([]byte{0, 0, 0, 0})
	first := sha256.Sum256(b.Bytes())
	id := sha256.Sum256(first[:])
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		id[i], id[j] = id[j], id[i]
	}
	return hex.EncodeToString(b.Bytes()), hex.EncodeToString(id[:])
}

func TestBlockcertsVerdicts(t *testing.T) {
	v := newVerifier(t, Options{Loader: blockcertsLoader(t)})
	tests := []struct {
		file      string
		signature string
		status    string
		errPart   string
	}{
		{"blockcerts/testdata/certs/v2-mainnet-valid-2.0.json", SigOK, "unknown", "anchor: transaction"},
		{"blockcerts/testdata/certs/v3-testnet-v3-did.json", SigOK, "none", "was not checked (offline)"},
		{"blockcerts/testdata/certs/v2-testnet-tampered-hashes-2.0.json", SigInvalid, "unknown", "does not match its targetHash"},
		{"blockcerts/testdata/certs/v3-testnet-v3--tampered.json", SigInvalid, "none", "does not match its targetHash"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r := verifyBytes(t, v, chainFile(t, tt.file))
			require.Equal(t, FormatBlockcerts, r.Format)
			require.Equal(t, KindCredential, r.Kind)
			require.Equal(t, tt.signature, r.Checks.Signature, r.Errors)
			require.Equal(t, ValidOK, r.Checks.Validity)
			require.Equal(t, tt.status, r.Checks.Status)
			require.Equal(t, IssuerUnconfirmed, r.Checks.Issuer)
			require.Equal(t, AnchorUnknown, r.Checks.Anchor)
			require.False(t, r.Verified, "a Merkle proof without its anchor proves nothing")
			errorsContain(t, r, tt.errPart)
			out := mustMap(t, mustJSON(t, r))
			require.Equal(t, "unknown", out["checks"].(map[string]any)["anchor"])
		})
	}
}

// TestBlockcertsAnchored gives the verifier, through --offline-dir, the
// transaction, the issuer profile and its revocation list of a version 2
// certificate whose anchor is pointed at a transaction made here (the
// anchor is outside the hashed document).
func TestBlockcertsAnchored(t *testing.T) {
	doc := mustMap(t, chainFile(t, "blockcerts/testdata/certs/v2-mainnet-valid-2.0.json"))
	sig := doc["signature"].(map[string]any)
	root, err := hex.DecodeString(sig["merkleRoot"].(string))
	require.NoError(t, err)
	good, goodID := btcTx(root)
	bad, badID := btcTx(make([]byte, 32))

	dir := t.TempDir()
	writeFile(t, dir, "blockstream.info/api/tx/"+goodID+"/hex", []byte(good))
	writeFile(t, dir, "blockstream.info/api/tx/"+badID+"/hex", []byte(bad))
	writeFile(t, dir, "blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json",
		[]byte(`{"revocationList":"https://blockcerts.learningmachine.com/issuer/revocation.json"}`))
	writeFile(t, dir, "blockcerts.learningmachine.com/issuer/revocation.json", []byte(`{"revokedAssertions":[]}`))
	v := newVerifier(t, Options{Loader: blockcertsLoader(t), Fetcher: did.DirFetcher(dir)})

	sig["anchors"] = []any{map[string]any{"sourceId": goodID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}}
	r := verifyDoc(t, v, doc)
	require.Equal(t, Checks{Signature: SigOK, Validity: ValidOK, Status: "ok", Issuer: IssuerUnconfirmed, Anchor: AnchorOK}, r.Checks, r.Errors)
	require.True(t, r.Verified)
	require.Equal(t, []string{"MerkleProof2017"}, r.Proofs)
	require.Equal(t, "https://blockcerts.learningmachine.com/issuer/5a4fe9931f607f0f3452a65e.json", r.IssuerID)

	sig["anchors"] = []any{map[string]any{"sourceId": badID, "type": "BTCOpReturn", "chain": "bitcoinMainnet"}}
	r = verifyDoc(t, v, doc)
	require.Equal(t, AnchorMismatch, r.Checks.Anchor)
	require.Equal(t, SigOK, r.Checks.Signature)
	require.False(t, r.Verified)
	errorsContain(t, r, "was not issued in that transaction")
}

func TestOpenCertsVerdicts(t *testing.T) {
	v := newVerifier(t, Options{})
	tests := []struct {
		file      string
		signature string
		errPart   string
	}{
		{"opencerts/testdata/opencerts-homestead.opencert", SigOK, "document store"},
		{"opencerts/testdata/opencerts-homestead-obfuscated.opencert", SigOK, "DNS-TXT"},
		{"opencerts/testdata/opencerts-tampered.opencert", SigInvalid, "does not match its target hash"},
		{"opencerts/testdata/oa-batch-0.json", SigOK, "revocation"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r := verifyBytes(t, v, chainFile(t, tt.file))
			require.Equal(t, FormatOpenCerts, r.Format)
			require.Equal(t, tt.signature, r.Checks.Signature, r.Errors)
			require.Equal(t, ValidOK, r.Checks.Validity)
			require.Equal(t, "unknown", r.Checks.Status)
			require.Equal(t, IssuerUnconfirmed, r.Checks.Issuer)
			require.Equal(t, AnchorUnknown, r.Checks.Anchor)
			require.False(t, r.Verified)
			errorsContain(t, r, tt.errPart)
			require.Equal(t, []string{"SHA3MerkleProof"}, r.Proofs)
		})
	}
}

// TestOtherFormatsHaveNoAnchor checks that credentials that are not
// blockchain-anchored keep the four checks of the contract.
func TestOtherFormatsHaveNoAnchor(t *testing.T) {
	r := verifyBytes(t, newVerifier(t, Options{}), fixture(t, "simple.json"))
	require.Empty(t, r.Checks.Anchor)
	var out struct {
		Checks map[string]any `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(mustJSON(t, r), &out))
	require.NotContains(t, out.Checks, "anchor")
	require.Len(t, out.Checks, 4)
}
