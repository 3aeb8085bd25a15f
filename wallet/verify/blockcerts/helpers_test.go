package blockcerts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did/fetchtest"
	"github.com/skillpass/skillpass/wallet/ld"
)

func TestMain(m *testing.M) { fetchtest.Main(m) }

func testProcessor(t testing.TB) *ld.Processor {
	t.Helper()
	l, err := ld.NewLoader()
	require.NoError(t, err)
	return ld.NewProcessor(l)
}

func loadCert(t testing.TB, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "certs", name))
	require.NoError(t, err)
	doc, err := ld.Decode(b)
	require.NoError(t, err)
	return doc
}

// rawTx serializes a Bitcoin transaction with one input and the given
// output scripts, optionally in segwit form with one witness item, and
// returns it with its txid as block explorers show it.
func rawTx(t testing.TB, segwit bool, scripts ...[]byte) ([]byte, string) {
	t.Helper()
	return rawTxFrom(t, segwit, []byte{0xab, 0xcd}, scripts...)
}

// rawTxFrom is rawTx with the given input script (scriptSig).
func rawTxFrom(t testing.TB, segwit bool, scriptSig []byte, scripts ...[]byte) ([]byte, string) {
	t.Helper()
	var ins, outs bytes.Buffer
	ins.WriteByte(1)                       // one input
	ins.Write(bytes.Repeat([]byte{7}, 32)) // previous txid
	ins.Write([]byte{0, 0, 0, 0})          // previous index
	ins.WriteByte(byte(len(scriptSig)))
	ins.Write(scriptSig)
	ins.Write([]byte{0xff, 0xff, 0xff, 0xff})
	outs.WriteByte(byte(len(scripts)))
	for _, s := range scripts {
		outs.Write([]byte{0, 0, 0, 0, 0, 0, 0, 0}) // value
		outs.WriteByte(byte(len(s)))
		outs.Write(s)
	}
	version := []byte{1, 0, 0, 0}
	lock := []byte{0, 0, 0, 0}
	stripped := bytes.Join([][]byte{version, ins.Bytes(), outs.Bytes(), lock}, nil)
	first := sha256.Sum256(stripped)
	id := sha256.Sum256(first[:])
	for i, j := 0, 31; i < j; i, j = i+1, j-1 {
		id[i], id[j] = id[j], id[i]
	}
	if !segwit {
		return stripped, hex.EncodeToString(id[:])
	}
	witness := []byte{1, 3, 1, 2, 3} // one item of three bytes
	full := bytes.Join([][]byte{version, {0, 1}, ins.Bytes(), outs.Bytes(), witness, lock}, nil)
	return full, hex.EncodeToString(id[:])
}

// opReturn is an OP_RETURN script pushing data.
func opReturn(data []byte) []byte {
	return append([]byte{0x6a, byte(len(data))}, data...)
}

// writeFile writes b to dir/rel, creating folders.
func writeFile(t testing.TB, dir, rel string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, b, 0o644))
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
