package did

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"

	bls12381 "github.com/kilic/bls12-381"
	"github.com/mr-tron/base58"
)

// KeyType names the kind of public key behind a did:key or a verification
// method.
type KeyType string

// Key types this package encodes, decodes and validates.
const (
	// Ed25519 is an Ed25519 public key: 32 bytes (RFC 8032 encoding).
	Ed25519 KeyType = "Ed25519"
	// BLS12381G2 is a BLS12-381 G2 public key (BBS+): 96 bytes, compressed.
	BLS12381G2 KeyType = "BLS12381G2"
	// P256 is a NIST P-256 public key: 65 bytes, SEC 1 uncompressed
	// (0x04 || X || Y), as crypto/ecdsa.ParseUncompressedPublicKey takes it.
	P256 KeyType = "P-256"
)

// Multicodec codes of the public key types (https://github.com/multiformats/multicodec).
const (
	codecEd25519 uint64 = 0xed
	codecBLSG2   uint64 = 0xeb
	codecP256    uint64 = 0x1200
)

// otherCodecs names public key multicodecs that are known but not supported,
// for clearer errors.
var otherCodecs = map[uint64]string{
	0xe7:   "secp256k1-pub",
	0xea:   "bls12_381-g1-pub",
	0xec:   "x25519-pub",
	0xee:   "bls12_381-g1g2-pub",
	0x1201: "p384-pub",
	0x1202: "p521-pub",
	0x1205: "rsa-pub",
}

const (
	keyPrefix = "did:key:"
	// maxMultibaseLen bounds base58 input: base58 decoding is quadratic, and
	// no supported key needs more than about 140 characters.
	maxMultibaseLen = 256
)

// codecOf returns the multicodec of a key type.
func codecOf(t KeyType) (uint64, error) {
	switch t {
	case Ed25519:
		return codecEd25519, nil
	case BLS12381G2:
		return codecBLSG2, nil
	case P256:
		return codecP256, nil
	default:
		return 0, fmt.Errorf("key type %q: %w", string(t), ErrUnsupported)
	}
}

// NewKey returns the did:key for a public key of type t.
//
// pub is a 32-byte Ed25519 key, a 96-byte compressed BLS12-381 G2 point, or a
// P-256 point either uncompressed (65 bytes) or compressed (33 bytes). The key
// is validated first (length, point on the curve, not of small order or
// outside the prime-order subgroup). P-256 keys are encoded compressed, as
// the did:key spec asks.
func NewKey(t KeyType, pub []byte) (string, error) {
	code, err := codecOf(t)
	if err != nil {
		return "", fmt.Errorf("new did:key: %w", err)
	}
	norm, err := normalizeKey(t, pub)
	if err != nil {
		return "", fmt.Errorf("new did:key: %w", err)
	}
	body := norm
	if t == P256 {
		body = compressP256(norm)
	}
	return keyPrefix + multibaseKey(code, body), nil
}

// multibaseKey encodes multicodec(code) || body as base58btc multibase.
func multibaseKey(code uint64, body []byte) string {
	buf := binary.AppendUvarint(make([]byte, 0, 3+len(body)), code)
	buf = append(buf, body...)
	return "z" + base58.Encode(buf)
}

// ParseKey decodes a did:key, with or without a #fragment, into its key type
// and raw public key bytes. A fragment must repeat the multibase value, as
// in the key's own verification method id.
//
// The returned bytes are in the form documented on [KeyType]: P-256 keys come
// back uncompressed (65 bytes) although did:key carries them compressed.
// The key is validated as in [NewKey].
func ParseKey(didKey string) (KeyType, []byte, error) {
	t, pub, err := parseKey(didKey)
	if err != nil {
		return "", nil, fmt.Errorf("parse did:key %q: %w", shorten(didKey), err)
	}
	return t, pub, nil
}

func parseKey(didKey string) (KeyType, []byte, error) {
	msid, ok := strings.CutPrefix(didKey, keyPrefix)
	if !ok {
		return "", nil, fmt.Errorf("%w: does not start with %q", ErrInvalidDID, keyPrefix)
	}
	if i := strings.IndexAny(msid, "?/"); i >= 0 {
		return "", nil, fmt.Errorf("%w: did:key with path or query is not supported", ErrInvalidDID)
	}
	if id, frag, found := strings.Cut(msid, "#"); found {
		if frag != id {
			return "", nil, fmt.Errorf("%w: fragment %q is not the key's own id", ErrInvalidDID, shorten(frag))
		}
		msid = id
	}
	return decodeMultibaseKey(msid)
}

// decodeMultibaseKey decodes 'z' base58btc(multicodec || key) and validates
// the key.
func decodeMultibaseKey(mb string) (KeyType, []byte, error) {
	raw, err := decodeMultibase(mb)
	if err != nil {
		return "", nil, err
	}
	code, n := binary.Uvarint(raw)
	if n <= 0 {
		return "", nil, fmt.Errorf("%w: bad multicodec varint", ErrInvalidDID)
	}
	if n != len(binary.AppendUvarint(nil, code)) {
		return "", nil, fmt.Errorf("%w: multicodec varint is not minimally encoded", ErrInvalidDID)
	}
	body := raw[n:]
	var t KeyType
	switch code {
	case codecEd25519:
		t = Ed25519
	case codecBLSG2:
		t = BLS12381G2
	case codecP256:
		t = P256
	default:
		if name, ok := otherCodecs[code]; ok {
			return "", nil, fmt.Errorf("key multicodec %s (0x%x): %w", name, code, ErrUnsupported)
		}
		return "", nil, fmt.Errorf("unknown multicodec 0x%x: %w", code, ErrUnsupported)
	}
	if t == P256 && len(body) != 33 {
		return "", nil, fmt.Errorf("%w: p256-pub in did:key must be 33 bytes compressed, got %d", ErrInvalidKey, len(body))
	}
	pub, err := normalizeKey(t, body)
	if err != nil {
		return "", nil, err
	}
	return t, pub, nil
}

// decodeMultibase decodes a base58btc ('z') multibase string.
func decodeMultibase(mb string) ([]byte, error) {
	if mb == "" {
		return nil, fmt.Errorf("%w: empty multibase value", ErrInvalidDID)
	}
	if mb[0] != 'z' {
		return nil, fmt.Errorf("%w: multibase prefix %q is not supported (only 'z', base58btc)", ErrInvalidDID, mb[:1])
	}
	if len(mb) > maxMultibaseLen {
		return nil, fmt.Errorf("%w: multibase value of %d characters is too long", ErrInvalidDID, len(mb))
	}
	raw, err := base58.Decode(mb[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: bad base58btc: %v", ErrInvalidDID, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: empty multibase value", ErrInvalidDID)
	}
	return raw, nil
}

// normalizeKey validates pub as a key of type t and returns it in the form
// documented on KeyType (a fresh copy).
func normalizeKey(t KeyType, pub []byte) ([]byte, error) {
	switch t {
	case Ed25519:
		if len(pub) != 32 {
			return nil, fmt.Errorf("%w: ed25519 key must be 32 bytes, got %d", ErrInvalidKey, len(pub))
		}
		if err := checkEd25519(pub); err != nil {
			return nil, fmt.Errorf("%w: ed25519: %v", ErrInvalidKey, err)
		}
		return clone(pub), nil
	case BLS12381G2:
		if len(pub) != 96 {
			return nil, fmt.Errorf("%w: bls12-381 g2 key must be 96 bytes (compressed), got %d", ErrInvalidKey, len(pub))
		}
		g2 := bls12381.NewG2()
		p, err := g2.FromCompressed(pub)
		if err != nil {
			return nil, fmt.Errorf("%w: bls12-381 g2: %v", ErrInvalidKey, err)
		}
		if g2.IsZero(p) {
			return nil, fmt.Errorf("%w: bls12-381 g2: point at infinity", ErrInvalidKey)
		}
		return clone(pub), nil
	case P256:
		return normalizeP256(pub)
	default:
		return nil, fmt.Errorf("key type %q: %w", string(t), ErrUnsupported)
	}
}

// normalizeP256 accepts a compressed or uncompressed P-256 point and returns
// it uncompressed.
func normalizeP256(pub []byte) ([]byte, error) {
	switch {
	case len(pub) == 33 && (pub[0] == 2 || pub[0] == 3):
		x, y := elliptic.UnmarshalCompressed(elliptic.P256(), pub)
		if x == nil {
			return nil, fmt.Errorf("%w: p-256: compressed point is not on the curve", ErrInvalidKey)
		}
		out := make([]byte, 65)
		out[0] = 4
		x.FillBytes(out[1:33])
		y.FillBytes(out[33:])
		return out, nil
	case len(pub) == 65 && pub[0] == 4:
		if _, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pub); err != nil {
			return nil, fmt.Errorf("%w: p-256: %v", ErrInvalidKey, err)
		}
		return clone(pub), nil
	default:
		return nil, fmt.Errorf("%w: p-256 key must be 33 bytes compressed or 65 bytes uncompressed SEC 1, got %d", ErrInvalidKey, len(pub))
	}
}

// compressP256 turns a validated uncompressed point into its 33-byte form.
func compressP256(uncompressed []byte) []byte {
	out := make([]byte, 33)
	out[0] = 2 | uncompressed[64]&1
	copy(out[1:], uncompressed[1:33])
	return out
}

// Edwards25519 constants: p = 2^255 - 19, d = -121665/121666 mod p.
var (
	edP = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	edD = func() *big.Int {
		inv := new(big.Int).ModInverse(big.NewInt(121666), edP)
		d := new(big.Int).Mul(big.NewInt(-121665), inv)
		return d.Mod(d, edP)
	}()
)

// checkEd25519 decodes an Ed25519 public key as RFC 8032 section 5.1.3 does
// (refusing non-canonical y) and refuses points of small order, for which
// signatures can be forged without the private key.
func checkEd25519(pub []byte) error {
	le := clone(pub)
	sign := le[31] >> 7
	le[31] &= 0x7f
	for i, j := 0, len(le)-1; i < j; i, j = i+1, j-1 {
		le[i], le[j] = le[j], le[i]
	}
	y := new(big.Int).SetBytes(le)
	if y.Cmp(edP) >= 0 {
		return fmt.Errorf("non-canonical encoding (y >= p)")
	}
	// x^2 = (y^2 - 1) / (d y^2 + 1)
	y2 := new(big.Int).Mul(y, y)
	y2.Mod(y2, edP)
	u := new(big.Int).Sub(y2, big.NewInt(1))
	u.Mod(u, edP)
	v := new(big.Int).Mul(edD, y2)
	v.Add(v, big.NewInt(1))
	v.Mod(v, edP)
	vInv := new(big.Int).ModInverse(v, edP)
	if vInv == nil {
		return fmt.Errorf("not a point on the curve")
	}
	x2 := new(big.Int).Mul(u, vInv)
	x2.Mod(x2, edP)
	x := new(big.Int).ModSqrt(x2, edP)
	if x == nil {
		return fmt.Errorf("not a point on the curve")
	}
	if x.Sign() == 0 && sign == 1 {
		return fmt.Errorf("non-canonical encoding (x = 0 with sign bit set)")
	}
	if uint8(x.Bit(0)) != sign {
		x.Sub(edP, x)
	}
	// [8]P is the identity exactly when P has small order.
	px, py := x, y
	for range 3 {
		var ok bool
		if px, py, ok = edAdd(px, py, px, py); !ok {
			return fmt.Errorf("not a point on the curve")
		}
	}
	if px.Sign() == 0 && py.Cmp(big.NewInt(1)) == 0 {
		return fmt.Errorf("point of small order")
	}
	return nil
}

// edAdd adds two affine points of edwards25519 with the complete formulas
// for a = -1 (d is not a square, so the denominators never vanish).
func edAdd(x1, y1, x2, y2 *big.Int) (x3, y3 *big.Int, ok bool) {
	x1y2 := new(big.Int).Mul(x1, y2)
	y1x2 := new(big.Int).Mul(y1, x2)
	x1x2 := new(big.Int).Mul(x1, x2)
	y1y2 := new(big.Int).Mul(y1, y2)
	t := new(big.Int).Mul(x1x2, y1y2)
	t.Mul(t, edD)
	t.Mod(t, edP)
	one := big.NewInt(1)
	dx := new(big.Int).Add(one, t)
	dy := new(big.Int).Sub(one, t)
	dy.Mod(dy, edP)
	ix := new(big.Int).ModInverse(dx, edP)
	iy := new(big.Int).ModInverse(dy, edP)
	if ix == nil || iy == nil {
		return nil, nil, false
	}
	x3 = new(big.Int).Add(x1y2, y1x2)
	x3.Mul(x3, ix).Mod(x3, edP)
	y3 = new(big.Int).Add(y1y2, x1x2)
	y3.Mul(y3, iy).Mod(y3, edP)
	return x3, y3, true
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// shorten keeps error messages readable when given very long input.
func shorten(s string) string {
	const limit = 120
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "..."
}
