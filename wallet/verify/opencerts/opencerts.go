// Package opencerts verifies OpenAttestation v2 documents, the format of
// OpenCerts (.opencert files from Singapore's universities and
// polytechnics) and TradeTrust: a JSON object with "version"
// https://schema.openattestation.com/2.0/schema.json, salted "data" (every
// value written "<uuid v4>:<type>:<value>"), a "signature" of type
// SHA3MerkleProof and, when the holder hid fields, "privacy.obfuscatedData".
//
// What is checked offline, and how (after the OpenAttestation library's
// digestDocument and checkProof):
//
//   - target hash: "data" is flattened into "a.b.0.c" paths (an empty object
//     or array is a value of its own); each path and its value are written
//     as the one-member JSON object {"path":value} the way JavaScript's
//     JSON.stringify writes it and hashed with Keccak-256; these hashes and
//     those of privacy.obfuscatedData (fields the holder removed) are sorted
//     and written as a JSON array of hex strings, and the Keccak-256 of that
//     text must equal signature.targetHash. Obfuscating a field therefore
//     leaves the target hash unchanged, and changing any visible value
//     breaks it.
//   - Merkle proof: starting from the target hash, each proof element is
//     combined with the running hash by Keccak-256 of the two 32-byte values
//     concatenated in ascending byte order; the result must equal
//     signature.merkleRoot.
//
// What is not checked offline: that the Merkle root was issued on the
// issuer's document store (or token registry) contract on Ethereum or
// Polygon, and that the issuer's DNS-TXT record names that contract. The
// first is the Anchor check (always AnchorUnknown here), the second the
// Identity check (always IdentityUnconfirmed here). Revocation lives on the
// same contract, so it is unknown too.
package opencerts

import (
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/sha3"
)

// SchemaV2 is the "version" of an OpenAttestation v2 document.
const SchemaV2 = "https://schema.openattestation.com/2.0/schema.json"

// ProofType is the only signature type of OpenAttestation v2 documents that
// this package checks.
const ProofType = "SHA3MerkleProof"

// Check values, spelled as in the `verify --json` contract.
const (
	// SigOK means the target hash and the Merkle proof hold.
	SigOK = "ok"
	// SigInvalid means the target hash or the Merkle proof does not hold,
	// or the document is malformed.
	SigInvalid = "invalid"
	// SigUnsupported means the signature is of a type this package does
	// not check (for example an OpenAttestation DID-signed proof).
	SigUnsupported = "unsupported"
	// AnchorUnknown means the document store was not consulted.
	AnchorUnknown = "unknown"
	// IdentityUnconfirmed means the issuer's DNS-TXT identity was not
	// consulted.
	IdentityUnconfirmed = "unconfirmed"
)

// ErrNotOpenAttestation is returned by Verify and Reveal for documents that
// Detect does not accept.
var ErrNotOpenAttestation = errors.New("not an OpenAttestation v2 document")

// ErrMalformed is returned by Reveal when the data cannot be un-salted.
var ErrMalformed = errors.New("malformed OpenAttestation document")

// Date is a validity date found in the document, un-salted.
type Date struct {
	// Field names the date in messages ("issuedOn").
	Field string
	// Value is the date as written (a date without time is given as
	// midnight UTC of that day).
	Value string
	// End is true for a date until which the document holds.
	End bool
}

// Result is the verdict on one OpenAttestation v2 document.
type Result struct {
	// Signature is SigOK, SigInvalid or SigUnsupported.
	Signature string
	// Anchor is AnchorUnknown: the document store is not consulted.
	Anchor string
	// Identity is IdentityUnconfirmed: DNS-TXT is not consulted.
	Identity string
	// Proof labels the proof, e.g. "SHA3MerkleProof".
	Proof string
	// IssuerID names the first issuer: "ethereum:<document store>" (or
	// token registry, certificate store), else its name.
	IssuerID string
	// Dates are the validity dates found (issuedOn, expiresOn).
	Dates []Date
	// Obfuscated is the number of fields the holder hid.
	Obfuscated int
	// Errors says what failed and what could not be checked.
	Errors []string
}

// Detect reports whether doc is an OpenAttestation v2 wrapped document: it
// has a "data" object and a "signature" object, and its version is SchemaV2
// (or, for OpenCerts issued before OpenAttestation v2, its "schema" starts
// with "opencerts/" and its signature is a SHA3MerkleProof).
func Detect(doc map[string]any) bool {
	if doc == nil {
		return false
	}
	_, hasData := doc["data"].(map[string]any)
	sig, hasSig := doc["signature"].(map[string]any)
	if !hasData || !hasSig {
		return false
	}
	if v, _ := doc["version"].(string); v == SchemaV2 {
		return true
	}
	// OpenCerts issued before OpenAttestation v2 (2019) name their schema
	// "opencerts/v1.x" and are wrapped the same way.
	s, _ := doc["schema"].(string)
	t, _ := sig["type"].(string)
	return strings.HasPrefix(s, "opencerts/") && t == ProofType
}

// Verify checks doc's target hash and Merkle proof. It returns an error
// wrapping ErrNotOpenAttestation when Detect(doc) is false; everything about
// the document's truth is in the Result. doc is not modified.
func Verify(doc map[string]any) (*Result, error) {
	if !Detect(doc) {
		return nil, ErrNotOpenAttestation
	}
	r := &Result{Anchor: AnchorUnknown, Identity: IdentityUnconfirmed}
	data := doc["data"].(map[string]any)
	sig := doc["signature"].(map[string]any)
	typ, _ := sig["type"].(string)
	r.Proof = typ
	if typ == "" {
		r.Proof = "(no type)"
	}
	r.IssuerID = issuerID(data)
	r.Dates = dates(data)
	if typ != ProofType {
		r.Signature = SigUnsupported
		r.Errors = append(r.Errors, fmt.Sprintf("signature: OpenAttestation proof type %q is not supported; Skillpass checks %s documents", typ, ProofType))
		return r, nil
	}
	if err := check(doc, data, sig, r); err != nil {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, "signature: "+err.Error()+"; ask the issuer for a fresh copy")
	} else {
		r.Signature = SigOK
	}
	r.Errors = append(r.Errors,
		"anchor: whether the issuer's document store on the blockchain issued (and has not revoked) this document was not checked offline",
		"issuer: the issuer's DNS-TXT identity proof was not checked offline")
	return r, nil
}

// check verifies the target hash and the Merkle proof; r.Obfuscated is set.
func check(doc, data, sig map[string]any, r *Result) error {
	hidden, err := obfuscated(doc)
	if err != nil {
		return err
	}
	r.Obfuscated = len(hidden)
	target, _ := sig["targetHash"].(string)
	digest, err := Digest(data, hidden)
	if err != nil {
		return err
	}
	if target != digest {
		return fmt.Errorf("the document's content does not match its target hash (computed %s, signed %q): it was changed after issuing", digest, target)
	}
	root, err := hash32(sig["merkleRoot"], "merkleRoot")
	if err != nil {
		return err
	}
	node, _ := hex.DecodeString(digest)
	var proof []any
	switch p := sig["proof"].(type) {
	case nil:
	case []any:
		proof = p
	default:
		return errors.New("the signature's proof is not a list")
	}
	for i, e := range proof {
		sib, err := hash32(e, fmt.Sprintf("proof[%d]", i))
		if err != nil {
			return err
		}
		node = combine(node, sib)
	}
	if !slices.Equal(node, root) {
		return fmt.Errorf("the Merkle proof does not lead from the target hash to the Merkle root (computed %x, signed %x)", node, root)
	}
	return nil
}

// obfuscated returns privacy.obfuscatedData (nil when absent); each entry
// must be a 64-digit hex string.
func obfuscated(doc map[string]any) ([]string, error) {
	priv, ok := doc["privacy"]
	if !ok || priv == nil {
		return nil, nil
	}
	pm, ok := priv.(map[string]any)
	if !ok {
		return nil, errors.New(`"privacy" is not an object`)
	}
	raw, ok := pm["obfuscatedData"]
	if !ok || raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, errors.New(`"privacy.obfuscatedData" is not a list`)
	}
	out := make([]string, 0, len(list))
	for i, v := range list {
		s, ok := v.(string)
		if !ok || len(s) != 64 || !isHex(s) {
			return nil, fmt.Errorf("privacy.obfuscatedData[%d] is not a 32-byte hex hash", i)
		}
		out = append(out, s)
	}
	return out, nil
}

// Digest returns the target hash of salted data with the hashes of hidden
// (obfuscated) fields: the lowercase hex Keccak-256 of the sorted field
// hashes written as a JSON array.
func Digest(data map[string]any, hidden []string) (string, error) {
	hashes := slices.Clone(hidden)
	err := flatten(data, "", func(path string, v any) error {
		h, err := FieldHash(path, v)
		if err != nil {
			return err
		}
		hashes = append(hashes, h)
		return nil
	})
	if err != nil {
		return "", err
	}
	slices.Sort(hashes)
	var b strings.Builder
	b.WriteByte('[')
	for i, h := range hashes {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSString(&b, h)
	}
	b.WriteByte(']')
	return keccakHex([]byte(b.String())), nil
}

// FieldHash returns the hash of one flattened field as OpenAttestation
// computes it (and as privacy.obfuscatedData lists it once the field is
// hidden): the lowercase hex Keccak-256 of {"path":value} as JavaScript's
// JSON.stringify writes it.
func FieldHash(path string, v any) (string, error) {
	var b strings.Builder
	b.WriteByte('{')
	writeJSString(&b, path)
	b.WriteByte(':')
	if err := writeJSValue(&b, v); err != nil {
		return "", fmt.Errorf("field %s: %w", path, err)
	}
	b.WriteByte('}')
	return keccakHex([]byte(b.String())), nil
}

// flatten calls f for every leaf of v with its dotted path, the way the
// "flatley" library OpenAttestation uses does: objects and arrays with
// members are descended into (array elements by index), empty ones and
// scalars are leaves. A key containing "." is refused, as OpenAttestation
// refuses it.
func flatten(v any, prefix string, f func(string, any) error) error {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 && prefix != "" {
			return f(prefix, t)
		}
		for k, x := range t {
			if strings.Contains(k, ".") {
				return fmt.Errorf("key %q contains a '.', which OpenAttestation does not allow", k)
			}
			if err := flatten(x, join(k), f); err != nil {
				return err
			}
		}
		return nil
	case []any:
		if len(t) == 0 && prefix != "" {
			return f(prefix, t)
		}
		for i, x := range t {
			if err := flatten(x, join(fmt.Sprint(i)), f); err != nil {
				return err
			}
		}
		return nil
	default:
		if prefix == "" {
			return errors.New(`"data" is not an object`)
		}
		return f(prefix, v)
	}
}

// combine hashes two Merkle nodes in ascending byte order.
func combine(a, b []byte) []byte {
	h := sha3.NewLegacyKeccak256()
	if bytesLess(b, a) {
		a, b = b, a
	}
	h.Write(a)
	h.Write(b)
	return h.Sum(nil)
}

func bytesLess(a, b []byte) bool {
	return strings.Compare(string(a), string(b)) < 0
}

func keccakHex(b []byte) string {
	h := sha3.NewLegacyKeccak256()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// hash32 reads a 32-byte hex hash (upper or lower case, optional 0x).
func hash32(v any, name string) ([]byte, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("the signature's %s is not a string", name)
	}
	s = strings.TrimPrefix(s, "0x")
	if len(s) != 64 || !isHex(s) {
		return nil, fmt.Errorf("the signature's %s %q is not a 32-byte hex hash", name, s)
	}
	b, _ := hex.DecodeString(s)
	return b, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
