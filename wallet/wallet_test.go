package wallet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/tink/go/insecurecleartextkeyset"
	"github.com/google/tink/go/keyset"
	ed25519pb "github.com/google/tink/go/proto/ed25519_go_proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/skillpass/skillpass/did"
)

const testPass = "correct horse battery staple"

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "ob30", name))
	require.NoError(t, err)
	return b
}

// fixedNow is a date at which the 1EdTech fixtures are within their validity
// (except the one that is meant to be expired).
var fixedNow = func() time.Time { return time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) }

func newWallet(t testing.TB) (*Wallet, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "w")
	w, err := Create(dir, []byte(testPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	return w, dir
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return sha256.Sum256(b)
}

func TestCreateOpenWrongPassphrase(t *testing.T) {
	w, dir := newWallet(t)
	ids, err := w.Identities()
	require.NoError(t, err)
	require.Len(t, ids, 2)
	require.True(t, strings.HasPrefix(ids[0].DID, "did:key:z6Mk"), ids[0].DID)
	require.Equal(t, did.BLS12381G2, ids[1].KeyType)
	require.NoError(t, w.Close())

	_, err = Create(dir, []byte(testPass), Options{})
	require.ErrorIs(t, err, ErrExists)

	before := fileHash(t, filepath.Join(dir, FileName))
	_, err = Open(dir, []byte("not the passphrase"), Options{})
	require.ErrorIs(t, err, ErrWrongPassphrase)
	require.Equal(t, before, fileHash(t, filepath.Join(dir, FileName)), "a wrong passphrase must change nothing")

	w2, err := Open(dir, []byte(testPass), Options{})
	require.NoError(t, err)
	ids2, err := w2.Identities()
	require.NoError(t, err)
	require.Equal(t, ids, ids2)
	require.NoError(t, w2.Close())

	_, err = Open(filepath.Join(t.TempDir(), "nothing"), []byte(testPass), Options{})
	require.ErrorIs(t, err, ErrNoWallet)
}

func TestSecondOpenIsBusy(t *testing.T) {
	_, dir := newWallet(t)
	start := time.Now()
	_, err := Open(dir, []byte(testPass), Options{LockTimeout: 200 * time.Millisecond})
	require.ErrorIs(t, err, ErrBusy)
	require.Less(t, time.Since(start), 10*time.Second)
}

func TestImportVerdicts(t *testing.T) {
	w, _ := newWallet(t)
	ctx := context.Background()
	tests := []struct {
		file      string
		stored    bool
		validity  string
		rejectHas string
	}{
		{file: "simple.json", stored: true, validity: "ok"},
		{file: "complete.json", stored: true, validity: "ok"},
		{file: "simple_v1.json", stored: true, validity: "ok"},
		{file: "simple-did-key-method.json", stored: true, validity: "ok"},
		{file: "simple-err-expired.json", stored: true, validity: "expired"},
		{file: "simple-noproof.json", rejectHas: "signature missing"},
		{file: "simple-err-proof-value.json", rejectHas: "signature invalid"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			res, err := w.Import(ctx, tc.file, fixture(t, tc.file))
			require.NoError(t, err)
			require.Len(t, res, 1)
			r := res[0]
			if !tc.stored {
				require.NotNil(t, r.Rejected, "must be rejected")
				require.Contains(t, r.Rejected.Reason, tc.rejectHas)
				require.Contains(t, r.Rejected.Reason+r.Rejected.Hint, "ask", "a rejection says what the learner can do")
				_, err := w.Get(r.ID)
				require.ErrorIs(t, err, ErrNotFound, "a rejected credential is not stored")
				return
			}
			require.Nil(t, r.Rejected, "unexpected rejection: %+v", r.Rejected)
			rec, err := w.Get(r.ID[:6])
			require.NoError(t, err)
			require.Equal(t, tc.validity, rec.Checks.Validity)
			require.Equal(t, string(bytes.TrimSpace(fixture(t, tc.file))), strings.TrimSpace(rec.Raw))
			require.NotEmpty(t, rec.Name)
		})
	}
	list, err := w.List()
	require.NoError(t, err)
	require.Len(t, list, 5)

	// The same credential again is recognised, not stored twice.
	res, err := w.Import(ctx, "again.json", fixture(t, "simple.json"))
	require.NoError(t, err)
	require.True(t, res[0].Duplicate)
	n, err := w.Count()
	require.NoError(t, err)
	require.Equal(t, 5, n)

	_, err = w.Import(ctx, "notes.txt", []byte("hello"))
	require.Error(t, err)
	n, err = w.Count()
	require.NoError(t, err)
	require.Equal(t, 5, n, "bad input loses nothing")

	require.NoError(t, w.Delete(res[0].ID))
	_, err = w.Get(res[0].ID)
	require.ErrorIs(t, err, ErrNotFound)
}

// TestNothingReadableAtRest imports credentials, closes the wallet and reads
// the raw file: none of the credentials' strings and none of the key bytes
// may be there.
func TestNothingReadableAtRest(t *testing.T) {
	w, dir := newWallet(t)
	var needles []string
	for _, f := range []string{"complete.json", "simple_v1.json"} {
		raw := fixture(t, f)
		res, err := w.Import(context.Background(), f, raw)
		require.NoError(t, err)
		require.Nil(t, res[0].Rejected)
		var doc map[string]any
		require.NoError(t, json.Unmarshal(raw, &doc))
		walkStrings(doc, func(s string) {
			if len(s) >= 8 && !isContextURL(s) {
				needles = append(needles, s)
			}
		})
		needles = append(needles, res[0].ID)
	}
	// Key material: the public and private bytes of every identity key.
	ids, err := w.Identities()
	require.NoError(t, err)
	var keyBytes [][]byte
	for _, id := range ids {
		needles = append(needles, id.DID, id.KeyID)
		_, pub, err := did.ParseKey(id.DID)
		require.NoError(t, err)
		keyBytes = append(keyBytes, pub)
		kh, err := w.kms.Get(id.KeyID)
		require.NoError(t, err)
		ks := insecurecleartextkeyset.KeysetMaterial(kh.(*keyset.Handle))
		for _, k := range ks.Key {
			keyBytes = append(keyBytes, k.KeyData.Value)
			if id.KeyType == did.Ed25519 {
				var pk ed25519pb.Ed25519PrivateKey
				require.NoError(t, proto.Unmarshal(k.KeyData.Value, &pk))
				require.Len(t, pk.KeyValue, 32)
				keyBytes = append(keyBytes, pk.KeyValue)
			}
		}
	}
	require.NoError(t, w.Close())
	file, err := os.ReadFile(filepath.Join(dir, FileName))
	require.NoError(t, err)
	require.Greater(t, len(needles), 30)
	for _, n := range needles {
		require.False(t, bytes.Contains(file, []byte(n)), "plaintext %q found in the wallet file", n)
	}
	for _, k := range keyBytes {
		require.False(t, bytes.Contains(file, k), "key bytes found in the wallet file")
	}
}

func isContextURL(s string) bool {
	return strings.HasPrefix(s, "https://www.w3.org/") || strings.HasPrefix(s, "https://purl.imsglobal.org/spec/") || strings.HasPrefix(s, "https://w3id.org/")
}

func walkStrings(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		fn(t)
	case map[string]any:
		for k, x := range t {
			if k == "@context" {
				continue
			}
			walkStrings(x, fn)
		}
	case []any:
		for _, x := range t {
			walkStrings(x, fn)
		}
	}
}
