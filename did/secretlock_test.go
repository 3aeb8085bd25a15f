package did

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/tink/go/insecurecleartextkeyset"
	"github.com/google/tink/go/keyset"
	ed25519pb "github.com/google/tink/go/proto/ed25519_go_proto"
	tinkpb "github.com/google/tink/go/proto/tink_go_proto"
	"github.com/hyperledger/aries-framework-go/component/kmscrypto/crypto/tinkcrypto/primitive/proto/bbs_go_proto"
	"github.com/hyperledger/aries-framework-go/component/storageutil/mem"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/pkg/kms/localkms"
	"github.com/hyperledger/aries-framework-go/pkg/secretlock/noop"
	kmsapi "github.com/hyperledger/aries-framework-go/spi/kms"
	"github.com/hyperledger/aries-framework-go/spi/secretlock"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
)

func randomKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, 32)
	_, err := rand.Read(k)
	require.NoError(t, err)
	return k
}

func newLock(t *testing.T, key []byte) secretlock.Service {
	t.Helper()
	l, err := NewSecretLock(key)
	require.NoError(t, err)
	return l
}

func TestNewSecretLockKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		l, err := NewSecretLock(make([]byte, n))
		require.Error(t, err, n)
		require.ErrorContains(t, err, "32 bytes")
		require.Nil(t, l)
	}
}

func TestSecretLockRoundTrip(t *testing.T) {
	key := randomKey(t)
	lock := newLock(t, key)
	// localkms passes base64url text; any string must survive.
	for _, pt := range []string{"", "a", base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{7}, 100)), strings.Repeat("\x00\xff", 500)} {
		enc, err := lock.Encrypt("primary/key", &secretlock.EncryptRequest{Plaintext: pt, AdditionalAuthenticatedData: "aad"})
		require.NoError(t, err)
		ct, err := base64.URLEncoding.DecodeString(enc.Ciphertext)
		require.NoError(t, err, "ciphertext is padded base64url")
		require.Len(t, ct, 24+len(pt)+16, "nonce || sealed plaintext")
		if len(pt) >= 16 {
			require.NotContains(t, enc.Ciphertext, pt[:16])
		}

		// A second lock made from the same key opens it (as after a restart).
		dec, err := newLock(t, key).Decrypt("primary/key", &secretlock.DecryptRequest{Ciphertext: enc.Ciphertext, AdditionalAuthenticatedData: "aad"})
		require.NoError(t, err)
		require.Equal(t, pt, dec.Plaintext)

		// Unpadded base64url is accepted too.
		dec, err = lock.Decrypt("primary/key", &secretlock.DecryptRequest{Ciphertext: strings.TrimRight(enc.Ciphertext, "="), AdditionalAuthenticatedData: "aad"})
		require.NoError(t, err)
		require.Equal(t, pt, dec.Plaintext)
	}

	a, err := lock.Encrypt("k", &secretlock.EncryptRequest{Plaintext: "same"})
	require.NoError(t, err)
	b, err := lock.Encrypt("k", &secretlock.EncryptRequest{Plaintext: "same"})
	require.NoError(t, err)
	require.NotEqual(t, a.Ciphertext, b.Ciphertext, "random nonce")
}

func TestSecretLockRefuses(t *testing.T) {
	key := randomKey(t)
	lock := newLock(t, key)
	enc, err := lock.Encrypt("primary/key", &secretlock.EncryptRequest{Plaintext: "c2VjcmV0LWtleS1tYXRlcmlhbA==", AdditionalAuthenticatedData: "aad"})
	require.NoError(t, err)
	raw, err := base64.URLEncoding.DecodeString(enc.Ciphertext)
	require.NoError(t, err)

	wrongKey := bytes.Clone(key)
	wrongKey[0] ^= 1

	tests := []struct {
		name   string
		lock   secretlock.Service
		keyURI string
		req    *secretlock.DecryptRequest
		locked bool // the AEAD refused it (ErrLocked)
	}{
		{"wrong key", newLock(t, wrongKey), "primary/key", &secretlock.DecryptRequest{Ciphertext: enc.Ciphertext, AdditionalAuthenticatedData: "aad"}, true},
		{"wrong key uri", lock, "primary/other", &secretlock.DecryptRequest{Ciphertext: enc.Ciphertext, AdditionalAuthenticatedData: "aad"}, true},
		{"wrong aad", lock, "primary/key", &secretlock.DecryptRequest{Ciphertext: enc.Ciphertext, AdditionalAuthenticatedData: "aae"}, true},
		{"aad moved into uri", lock, "primary/keyaad", &secretlock.DecryptRequest{Ciphertext: enc.Ciphertext}, true},
		{"not base64", lock, "primary/key", &secretlock.DecryptRequest{Ciphertext: "!!!", AdditionalAuthenticatedData: "aad"}, false},
		{"empty", lock, "primary/key", &secretlock.DecryptRequest{AdditionalAuthenticatedData: "aad"}, false},
		{"too short", lock, "primary/key", &secretlock.DecryptRequest{Ciphertext: base64.URLEncoding.EncodeToString(raw[:39]), AdditionalAuthenticatedData: "aad"}, false},
		{"truncated", lock, "primary/key", &secretlock.DecryptRequest{Ciphertext: base64.URLEncoding.EncodeToString(raw[:len(raw)-1]), AdditionalAuthenticatedData: "aad"}, true},
		{"nil request", lock, "primary/key", nil, false},
	}
	// Every single-bit edit, in nonce, ciphertext and tag, is refused.
	for i := range raw {
		edited := bytes.Clone(raw)
		edited[i] ^= 0x80
		tests = append(tests, struct {
			name   string
			lock   secretlock.Service
			keyURI string
			req    *secretlock.DecryptRequest
			locked bool
		}{"edited byte " + hex.EncodeToString([]byte{byte(i)}), lock, "primary/key", &secretlock.DecryptRequest{Ciphertext: base64.URLEncoding.EncodeToString(edited), AdditionalAuthenticatedData: "aad"}, true})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dec, err := tc.lock.Decrypt(tc.keyURI, tc.req)
			require.Error(t, err)
			require.Nil(t, dec)
			require.Equal(t, tc.locked, err != nil && strings.Contains(err.Error(), ErrLocked.Error()))
		})
	}

	_, err = lock.Encrypt("k", nil)
	require.Error(t, err)
}

// kmsProvider is the real glue localkms needs: a store and a secret lock.
type kmsProvider struct {
	store kmsapi.Store
	lock  secretlock.Service
}

func (p kmsProvider) StorageProvider() kmsapi.Store  { return p.store }
func (p kmsProvider) SecretLock() secretlock.Service { return p.lock }

const primaryKeyURI = "local-lock://skillpass/primary"

func openKMS(t *testing.T, store kmsapi.Store, lock secretlock.Service) *localkms.LocalKMS {
	t.Helper()
	k, err := localkms.New(primaryKeyURI, kmsProvider{store: store, lock: lock})
	require.NoError(t, err)
	return k
}

// privateKeyBytes pulls the private scalar out of a keyset handle, the way an
// attacker with the cleartext keyset would.
func privateKeyBytes(t *testing.T, kh any) []byte {
	t.Helper()
	h, ok := kh.(*keyset.Handle)
	require.True(t, ok, "localkms returns a tink keyset handle, got %T", kh)
	var buf bytes.Buffer
	require.NoError(t, insecurecleartextkeyset.Write(h, keyset.NewBinaryWriter(&buf)))
	var ks tinkpb.Keyset
	require.NoError(t, proto.Unmarshal(buf.Bytes(), &ks))
	require.Len(t, ks.Key, 1)
	kd := ks.Key[0].KeyData
	switch {
	case strings.HasSuffix(kd.TypeUrl, "Ed25519PrivateKey"):
		var pk ed25519pb.Ed25519PrivateKey
		require.NoError(t, proto.Unmarshal(kd.Value, &pk))
		require.Len(t, pk.KeyValue, 32)
		return pk.KeyValue
	case strings.HasSuffix(kd.TypeUrl, "BBSPrivateKey"):
		var pk bbs_go_proto.BBSPrivateKey
		require.NoError(t, proto.Unmarshal(kd.Value, &pk))
		require.Len(t, pk.KeyValue, 32)
		return pk.KeyValue
	default:
		t.Fatalf("unexpected key type %s", kd.TypeUrl)
		return nil
	}
}

// leaks reports whether secret shows up in blob raw, as hex, or in any
// base64 alphabet at any of the three byte alignments; it also looks inside
// every base64 string of a JSON blob, decoded.
func leaks(secret, blob []byte) bool {
	if bytes.Contains(blob, secret) {
		return true
	}
	lower := bytes.ToLower(blob)
	if bytes.Contains(lower, []byte(hex.EncodeToString(secret))) {
		return true
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for shift := range 3 {
			padded := append(make([]byte, shift), secret...)
			s := enc.EncodeToString(padded)
			// Keep only the characters that depend on the secret alone.
			start := (shift*8 + 5) / 6
			core := strings.TrimRight(s[start:], "=")
			core = core[:len(core)-1]
			if bytes.Contains(blob, []byte(core)) {
				return true
			}
		}
	}
	var v any
	if json.Unmarshal(blob, &v) == nil {
		found := false
		var walk func(any)
		walk = func(x any) {
			switch x := x.(type) {
			case string:
				for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
					if d, err := enc.DecodeString(x); err == nil && leaks(secret, d) {
						found = true
					}
				}
			case map[string]any:
				for _, e := range x {
					walk(e)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
		return found
	}
	return false
}

func TestLeaksDetector(t *testing.T) {
	secret := randomKey(t)
	clean := randomKey(t)
	for _, blob := range [][]byte{
		append([]byte("xx"), secret...),
		[]byte("id:" + hex.EncodeToString(secret)),
		[]byte(`{"k":"` + base64.StdEncoding.EncodeToString(append([]byte{1}, secret...)) + `"}`),
		[]byte(`{"a":{"b":["` + base64.URLEncoding.EncodeToString(append([]byte("prefix!"), secret...)) + `"]}}`),
	} {
		require.True(t, leaks(secret, blob), "%q", blob)
	}
	require.False(t, leaks(secret, clean))
}

func TestSecretLockWithLocalKMS(t *testing.T) {
	p, err := NewKDFParams()
	require.NoError(t, err)
	key, err := DeriveKey([]byte("learner passphrase"), p)
	require.NoError(t, err)

	provider := mem.NewProvider()
	store, err := kms.NewAriesProviderWrapper(provider)
	require.NoError(t, err)
	rawStore, err := provider.OpenStore(localkms.Namespace)
	require.NoError(t, err)

	km := openKMS(t, store, newLock(t, key))
	type created struct {
		id   string
		kt   kmsapi.KeyType
		did  KeyType
		pub  []byte
		priv []byte
	}
	var keys []created
	for _, c := range []struct {
		kt  kmsapi.KeyType
		did KeyType
	}{{kmsapi.ED25519Type, Ed25519}, {kmsapi.BLS12381G2Type, BLS12381G2}} {
		id, kh, err := km.Create(c.kt)
		require.NoError(t, err, c.kt)
		pub, kt, err := km.ExportPubKeyBytes(id)
		require.NoError(t, err)
		require.Equal(t, c.kt, kt)
		keys = append(keys, created{id: id, kt: c.kt, did: c.did, pub: pub, priv: privateKeyBytes(t, kh)})
	}

	for _, k := range keys {
		t.Run(string(k.kt), func(t *testing.T) {
			// The exported public key makes a valid did:key.
			d, err := NewKey(k.did, k.pub)
			require.NoError(t, err)
			kt, pub, err := ParseKey(d)
			require.NoError(t, err)
			require.Equal(t, k.did, kt)
			require.Equal(t, k.pub, pub)

			// The stored record holds no private key bytes in any encoding.
			stored, err := rawStore.Get(k.id)
			require.NoError(t, err)
			require.NotEmpty(t, stored)
			require.False(t, leaks(k.priv, stored), "private key found in the store")
			// ...while the detector does see it in the cleartext keyset.
			clear, err := json.Marshal(map[string][]byte{"k": append([]byte{9, 9}, k.priv...)})
			require.NoError(t, err)
			require.True(t, leaks(k.priv, clear))

			// Reopening with the same passphrase-derived key works.
			again, err := DeriveKey([]byte("learner passphrase"), p)
			require.NoError(t, err)
			re := openKMS(t, store, newLock(t, again))
			kh, err := re.Get(k.id)
			require.NoError(t, err)
			require.Equal(t, k.priv, privateKeyBytes(t, kh))
			pub2, _, err := re.ExportPubKeyBytes(k.id)
			require.NoError(t, err)
			require.Equal(t, k.pub, pub2)

			// A wrong passphrase, and no lock at all, open nothing.
			wrong, err := DeriveKey([]byte("learner passphrasE"), p)
			require.NoError(t, err)
			for name, l := range map[string]secretlock.Service{
				"wrong passphrase": newLock(t, wrong),
				"noop lock":        &noop.NoLock{},
			} {
				bad := openKMS(t, store, l)
				kh, err := bad.Get(k.id)
				require.Error(t, err, name)
				require.Nil(t, kh, name)
				pub, _, err := bad.ExportPubKeyBytes(k.id)
				require.Error(t, err, name)
				require.Nil(t, pub, name)
			}
		})
	}
}

// TestNoopLockControl shows the store test above can fail: with aries'
// default noop lock, anyone holding the store opens the keys.
func TestNoopLockControl(t *testing.T) {
	store, err := kms.NewAriesProviderWrapper(mem.NewProvider())
	require.NoError(t, err)
	km := openKMS(t, store, &noop.NoLock{})
	id, kh, err := km.Create(kmsapi.ED25519Type)
	require.NoError(t, err)
	attacker := openKMS(t, store, &noop.NoLock{})
	got, err := attacker.Get(id)
	require.NoError(t, err)
	require.Equal(t, privateKeyBytes(t, kh), privateKeyBytes(t, got))
}
