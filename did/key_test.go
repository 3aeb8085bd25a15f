package did

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	bls12381 "github.com/kilic/bls12-381"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"
)

// vectors is testdata/didkey-vectors.json (W3C CCG did:key test vectors).
type vectors struct {
	Ed25519 []struct {
		DID             string `json:"did"`
		Seed            string `json:"seed"`
		PublicKeyBase58 string `json:"publicKeyBase58"`
	} `json:"ed25519"`
	BLS []struct {
		DID              string `json:"did"`
		PublicKeyBase58  string `json:"publicKeyBase58"`
		PrivateKeyBase58 string `json:"privateKeyBase58"`
	} `json:"bls12381g2"`
	P256 []struct {
		DID string `json:"did"`
		X   string `json:"x"`
		Y   string `json:"y"`
		D   string `json:"d"`
	} `json:"p256"`
	Unsupported []struct {
		DID   string `json:"did"`
		Codec string `json:"codec"`
	} `json:"unsupported"`
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	b, err := os.ReadFile("testdata/didkey-vectors.json")
	require.NoError(t, err)
	var v vectors
	require.NoError(t, json.Unmarshal(b, &v))
	require.NotEmpty(t, v.Ed25519)
	require.NotEmpty(t, v.BLS)
	require.NotEmpty(t, v.P256)
	require.NotEmpty(t, v.Unsupported)
	return v
}

func b64u(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// keyCase is one published vector: the did:key and the public key derived
// independently of the code under test (from the seed, private key or JWK).
type keyCase struct {
	name string
	did  string
	kt   KeyType
	pub  []byte
}

func vectorCases(t *testing.T) []keyCase {
	t.Helper()
	v := loadVectors(t)
	var cases []keyCase
	for _, e := range v.Ed25519 {
		seed, err := hex.DecodeString(e.Seed)
		require.NoError(t, err)
		pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
		b58, err := base58.Decode(e.PublicKeyBase58)
		require.NoError(t, err)
		require.Equal(t, []byte(pub), b58, "vector file: seed and publicKeyBase58 disagree")
		cases = append(cases, keyCase{"ed25519 seed " + e.Seed[len(e.Seed)-2:], e.DID, Ed25519, pub})
	}
	for i, e := range v.BLS {
		sk, err := base58.Decode(e.PrivateKeyBase58)
		require.NoError(t, err)
		g2 := bls12381.NewG2()
		p := g2.MulScalarBig(g2.New(), g2.One(), new(big.Int).SetBytes(sk))
		pub := g2.ToCompressed(p)
		b58, err := base58.Decode(e.PublicKeyBase58)
		require.NoError(t, err)
		require.Equal(t, pub, b58, "vector file: BLS private and public key disagree")
		cases = append(cases, keyCase{"bls12381g2 #" + string(rune('0'+i)), e.DID, BLS12381G2, pub})
	}
	for i, e := range v.P256 {
		priv, err := ecdh.P256().NewPrivateKey(b64u(t, e.D))
		require.NoError(t, err)
		pub := priv.PublicKey().Bytes() // uncompressed 0x04||X||Y
		want := append(append([]byte{4}, b64u(t, e.X)...), b64u(t, e.Y)...)
		require.Equal(t, want, pub, "vector file: P-256 d and x,y disagree")
		cases = append(cases, keyCase{"p256 #" + string(rune('0'+i)), e.DID, P256, pub})
	}
	return cases
}

func TestKeyVectors(t *testing.T) {
	for _, c := range vectorCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := NewKey(c.kt, c.pub)
			require.NoError(t, err)
			require.Equal(t, c.did, got)

			for _, in := range []string{c.did, c.did + "#" + strings.TrimPrefix(c.did, "did:key:")} {
				kt, pub, err := ParseKey(in)
				require.NoError(t, err, in)
				require.Equal(t, c.kt, kt)
				require.Equal(t, c.pub, pub)
			}
		})
	}
}

func TestNewKeyP256AcceptsCompressed(t *testing.T) {
	for _, c := range vectorCases(t) {
		if c.kt != P256 {
			continue
		}
		x, y := new(big.Int).SetBytes(c.pub[1:33]), new(big.Int).SetBytes(c.pub[33:])
		got, err := NewKey(P256, elliptic.MarshalCompressed(elliptic.P256(), x, y))
		require.NoError(t, err)
		require.Equal(t, c.did, got)
	}
}

func TestKeyRoundTrip(t *testing.T) {
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPub, err := ecKey.PublicKey.Bytes()
	require.NoError(t, err)
	g2 := bls12381.NewG2()
	sk, err := bls12381.NewFr().Rand(rand.Reader)
	require.NoError(t, err)
	blsPub := g2.ToCompressed(g2.MulScalar(g2.New(), g2.One(), sk))

	for _, c := range []struct {
		kt  KeyType
		pub []byte
	}{{Ed25519, edPub}, {P256, ecPub}, {BLS12381G2, blsPub}} {
		t.Run(string(c.kt), func(t *testing.T) {
			d, err := NewKey(c.kt, c.pub)
			require.NoError(t, err)
			kt, pub, err := ParseKey(d)
			require.NoError(t, err)
			require.Equal(t, c.kt, kt)
			require.Equal(t, c.pub, pub)
			if c.kt == P256 {
				parsed, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub)
				require.NoError(t, err)
				require.True(t, parsed.Equal(&ecKey.PublicKey))
			}
		})
	}
}

// encodeKey builds a did:key from a raw multicodec code and body, bypassing
// NewKey's checks.
func encodeKey(code uint64, body []byte) string {
	return "did:key:z" + base58.Encode(append(binary.AppendUvarint(nil, code), body...))
}

// leY encodes an edwards25519 y coordinate (and x sign bit) as RFC 8032 does.
func leY(y *big.Int, sign byte) []byte {
	be := y.FillBytes(make([]byte, 32))
	le := make([]byte, 32)
	for i := range be {
		le[i] = be[31-i]
	}
	le[31] |= sign << 7
	return le
}

// nonSquareY finds a y for which (y^2-1)/(d y^2+1) has no square root mod p,
// using the Jacobi symbol (independent of the ModSqrt the code uses).
func nonSquareY(t *testing.T) *big.Int {
	t.Helper()
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	d := new(big.Int).Mul(big.NewInt(-121665), new(big.Int).ModInverse(big.NewInt(121666), p))
	d.Mod(d, p)
	for i := int64(2); i < 100; i++ {
		y := big.NewInt(i)
		y2 := new(big.Int).Mul(y, y)
		u := new(big.Int).Sub(y2, big.NewInt(1))
		v := new(big.Int).Add(new(big.Int).Mul(d, y2), big.NewInt(1))
		uv := new(big.Int).Mul(u, v) // u/v is a square iff u*v is
		uv.Mod(uv, p)
		if big.Jacobi(uv, p) == -1 {
			return y
		}
	}
	t.Fatal("no non-square y found")
	return nil
}

func TestParseKeyErrors(t *testing.T) {
	v := loadVectors(t)
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	validEd := vectorCases(t)[0]

	blsValid, err := base58.Decode(v.BLS[0].PublicKeyBase58)
	require.NoError(t, err)
	blsInfinity := make([]byte, 96)
	blsInfinity[0] = 0xc0
	// A compressed G2 encoding whose x has no point: flip bytes of a valid key
	// until kilic's decoder refuses it.
	var blsOffCurve []byte
	for i := 95; i > 48 && blsOffCurve == nil; i-- {
		b := clone(blsValid)
		b[i] ^= 0x01
		if _, err := bls12381.NewG2().FromCompressed(b); err != nil {
			blsOffCurve = b
		}
	}
	require.NotNil(t, blsOffCurve)

	// P-256: an x with no y on the curve (x^3 - 3x + b not a square).
	var p256Off []byte
	curve := elliptic.P256().Params()
	for i := int64(1); i < 100 && p256Off == nil; i++ {
		x := big.NewInt(i)
		rhs := new(big.Int).Exp(x, big.NewInt(3), curve.P)
		rhs.Sub(rhs, new(big.Int).Mul(big.NewInt(3), x))
		rhs.Add(rhs, curve.B)
		rhs.Mod(rhs, curve.P)
		if big.Jacobi(rhs, curve.P) == -1 {
			p256Off = append([]byte{2}, x.FillBytes(make([]byte, 32))...)
		}
	}
	require.NotNil(t, p256Off)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecUncompressed, err := ecKey.PublicKey.Bytes()
	require.NoError(t, err)

	tests := []struct {
		name string
		in   string
		want error
		msg  string
	}{
		{"empty", "", ErrInvalidDID, "does not start with"},
		{"wrong method", "did:web:example.com", ErrInvalidDID, "does not start with"},
		{"no key", "did:key:", ErrInvalidDID, "empty multibase"},
		{"base64url multibase", "did:key:u7QE", ErrInvalidDID, "only 'z'"},
		{"bad base58", "did:key:z0OIl", ErrInvalidDID, "bad base58btc"},
		{"too long", "did:key:z" + strings.Repeat("2", 300), ErrInvalidDID, "too long"},
		{"foreign fragment", validEd.did + "#key-1", ErrInvalidDID, "not the key's own id"},
		{"path", validEd.did + "/x", ErrInvalidDID, "path or query"},
		{"unknown multicodec", encodeKey(0x1234, make([]byte, 32)), ErrUnsupported, "unknown multicodec 0x1234"},
		{"non-minimal varint", "did:key:z" + base58.Encode(append([]byte{0xed, 0x81, 0x00}, validEd.pub...)), ErrInvalidDID, "minimally"},
		{"truncated varint", "did:key:z" + base58.Encode([]byte{0xed}), ErrInvalidDID, "varint"},
		{"ed25519 31 bytes", encodeKey(0xed, validEd.pub[:31]), ErrInvalidKey, "32 bytes, got 31"},
		{"ed25519 33 bytes", encodeKey(0xed, append(clone(validEd.pub), 0)), ErrInvalidKey, "32 bytes, got 33"},
		{"ed25519 y >= p", encodeKey(0xed, leY(new(big.Int).Add(p, big.NewInt(2)), 0)), ErrInvalidKey, "non-canonical"},
		{"ed25519 x=0 with sign", encodeKey(0xed, leY(big.NewInt(1), 1)), ErrInvalidKey, "non-canonical"},
		{"ed25519 off curve", encodeKey(0xed, leY(nonSquareY(t), 0)), ErrInvalidKey, "not a point"},
		{"ed25519 identity", encodeKey(0xed, leY(big.NewInt(1), 0)), ErrInvalidKey, "small order"},
		{"ed25519 order 2", encodeKey(0xed, leY(new(big.Int).Sub(p, big.NewInt(1)), 0)), ErrInvalidKey, "small order"},
		{"ed25519 order 4", encodeKey(0xed, leY(big.NewInt(0), 0)), ErrInvalidKey, "small order"},
		{"bls 95 bytes", encodeKey(0xeb, blsValid[:95]), ErrInvalidKey, "96 bytes"},
		{"bls infinity", encodeKey(0xeb, blsInfinity), ErrInvalidKey, "infinity"},
		{"bls off curve", encodeKey(0xeb, blsOffCurve), ErrInvalidKey, "bls12-381 g2"},
		{"p256 uncompressed in did:key", encodeKey(0x1200, ecUncompressed), ErrInvalidKey, "33 bytes compressed"},
		{"p256 off curve", encodeKey(0x1200, p256Off), ErrInvalidKey, "not on the curve"},
		{"p256 bad prefix", encodeKey(0x1200, append([]byte{5}, p256Off[1:]...)), ErrInvalidKey, "p-256"},
	}
	for _, u := range v.Unsupported {
		tests = append(tests, struct {
			name string
			in   string
			want error
			msg  string
		}{"vector " + u.Codec, u.DID, ErrUnsupported, u.Codec})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kt, pub, err := ParseKey(tc.in)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)
			require.Contains(t, err.Error(), "parse did:key")
			require.Empty(t, kt)
			require.Nil(t, pub)
		})
	}
}

func TestNewKeyErrors(t *testing.T) {
	tests := []struct {
		name string
		kt   KeyType
		pub  []byte
		want error
	}{
		{"unknown type", KeyType("secp256k1"), make([]byte, 33), ErrUnsupported},
		{"ed25519 nil", Ed25519, nil, ErrInvalidKey},
		{"ed25519 identity", Ed25519, leY(big.NewInt(1), 0), ErrInvalidKey},
		{"bls short", BLS12381G2, make([]byte, 48), ErrInvalidKey},
		{"bls zero bytes", BLS12381G2, make([]byte, 96), ErrInvalidKey},
		{"p256 64 bytes", P256, make([]byte, 64), ErrInvalidKey},
		{"p256 zero point", P256, append([]byte{4}, make([]byte, 64)...), ErrInvalidKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewKey(tc.kt, tc.pub)
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, d)
		})
	}
}

// TestParseKeyCopies checks the returned bytes are the caller's.
func TestParseKeyCopies(t *testing.T) {
	c := vectorCases(t)[0]
	_, pub, err := ParseKey(c.did)
	require.NoError(t, err)
	pub[0] ^= 0xff
	_, again, err := ParseKey(c.did)
	require.NoError(t, err)
	require.Equal(t, c.pub, again)
}
