package dataintegrity_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

var sdVectorsDir = filepath.Join(ecdsaVectorsDir, "ecdsa-sd-2023")

// sdVectorSets are the two ecdsa-sd-2023 examples of the specification.
var sdVectorSets = []string{"prc", "employ"}

// sdDerived reads a vector set's derived (selectively disclosed) document.
func sdDerived(t testing.TB, set string) map[string]any {
	t.Helper()
	return readJSON(t, filepath.Join(sdVectorsDir, set, "derivedRevealDocument.json"))
}

// sdKeys returns the base (issuer) key and the proof-scoped key of the
// vectors.
func sdKeys(t testing.TB) (base, proofKey *ecdsa.PublicKey) {
	t.Helper()
	m := readJSON(t, filepath.Join(sdVectorsDir, "SDKeyMaterial.json"))
	base = ecMultikey(t, m["baseKeyPair"].(map[string]any)["publicKeyMultibase"].(string))
	proofKey = ecMultikey(t, m["proofKeyPair"].(map[string]any)["publicKeyMultibase"].(string))
	return base, proofKey
}

// sdComponents is a derived proof value's content, as the test encodes it
// (independently of the package's decoder).
type sdComponents struct {
	base, pub  []byte
	sigs       [][]byte
	labels     map[int][]byte
	mandatory  []int
	rawHeader  []byte // default: 0xd9 0x5d 0x01
	extraItems []any  // appended to the CBOR array
}

// encode writes c as a derived proofValue: "u" + base64url(header || CBOR).
func (c sdComponents) encode(t testing.TB) string {
	t.Helper()
	em, err := cbor.EncOptions{Sort: cbor.SortCoreDeterministic}.EncMode()
	require.NoError(t, err)
	items := []any{c.base, c.pub, c.sigs, c.labels, c.mandatory}
	items = append(items, c.extraItems...)
	body, err := em.Marshal(items)
	require.NoError(t, err)
	header := c.rawHeader
	if header == nil {
		header = []byte{0xd9, 0x5d, 0x01}
	}
	return "u" + base64.RawURLEncoding.EncodeToString(append(append([]byte{}, header...), body...))
}

// componentsOf turns a parsed proof back into sdComponents.
func componentsOf(t testing.TB, d *dataintegrity.DerivedProof) sdComponents {
	t.Helper()
	c := sdComponents{base: d.BaseSignature, pub: d.PublicKey, sigs: d.Signatures, labels: map[int][]byte{}, mandatory: d.MandatoryIndexes}
	for k, v := range d.LabelMap {
		n, err := strconv.Atoi(strings.TrimPrefix(k, "c14n"))
		require.NoError(t, err)
		b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(v, "u"))
		require.NoError(t, err)
		c.labels[n] = b
	}
	return c
}

// TestSDDerivedVectors parses the vectors' derived proofs, recomputes their
// verify data (N-Quads, hashes) and verifies them.
func TestSDDerivedVectors(t *testing.T) {
	p := processor(t)
	baseKey, proofKey := sdKeys(t)
	for _, set := range sdVectorSets {
		t.Run(set, func(t *testing.T) {
			dir := filepath.Join(sdVectorsDir, set)
			doc := sdDerived(t, set)
			proof := doc["proof"].(map[string]any)
			pv := proof["proofValue"].(string)

			// parseDerivedProofValue
			want := readJSON(t, filepath.Join(dir, "verifyDerivedProofValue.json"))
			d, err := dataintegrity.ParseDerivedProofValue(pv)
			require.NoError(t, err)
			require.Equal(t, want["baseSignature"], hex.EncodeToString(d.BaseSignature))
			require.Equal(t, want["publicKey"], "z"+base58.Encode(d.PublicKey))
			require.Equal(t, proofKey, ecMultikey(t, "z"+base58.Encode(d.PublicKey)))
			var sigs []any
			for _, s := range d.Signatures {
				sigs = append(sigs, hex.EncodeToString(s))
			}
			require.Equal(t, want["signatures"], sigs)
			labels := map[string]string{}
			for _, pair := range want["labelMap"].([]any) {
				kv := pair.([]any)
				labels[kv[0].(string)] = kv[1].(string)
			}
			require.Equal(t, labels, d.LabelMap)
			require.Equal(t, normalized(t, d.MandatoryIndexes), want["mandatoryIndexes"])
			// The test's own encoder reproduces the vector byte for byte.
			require.Equal(t, pv, componentsOf(t, d).encode(t))

			// createVerifyData
			before := clone(t, doc)
			v, err := dataintegrity.CreateSDVerifyData(p, doc, proof)
			require.NoError(t, err)
			require.Equal(t, before, doc, "CreateSDVerifyData modified its input")
			var nquads []string
			for _, x := range readJSON(t, filepath.Join(dir, "verifyCreateVerifyData.json"))["nonMandatory"].([]any) {
				nquads = append(nquads, x.(string))
			}
			vd := readJSON(t, filepath.Join(dir, "verifyCreateVerifyData.json"))
			require.Equal(t, vd["proofHash"], hex.EncodeToString(v.ProofHash[:]))
			require.Equal(t, vd["mandatoryHash"], hex.EncodeToString(v.MandatoryHash[:]))
			require.Equal(t, nquads, v.NonMandatory)
			require.Equal(t, normalized(t, readJSONList(t, filepath.Join(dir, "verifyNQuads.json"))), normalized(t, v.NQuads))
			require.Len(t, v.Mandatory, len(d.MandatoryIndexes))
			// The proof hash is the base proof's: the proof options are the same.
			require.Equal(t, readJSON(t, filepath.Join(dir, "addHashData.json"))["proofHash"], hex.EncodeToString(v.ProofHash[:]))

			// Verify Derived Proof
			require.NoError(t, dataintegrity.VerifyECDSA(p, doc, proof, baseKey))
			require.Equal(t, before, doc, "VerifyECDSA modified its input")
			require.Equal(t, baseKey, ecKeyOf(t, proof["verificationMethod"].(string)))
		})
	}
}

// TestSDBaseProofRefused: a base proof is for the holder, never accepted.
func TestSDBaseProofRefused(t *testing.T) {
	p := processor(t)
	baseKey, _ := sdKeys(t)
	for _, set := range sdVectorSets {
		t.Run(set, func(t *testing.T) {
			doc := readJSON(t, filepath.Join(sdVectorsDir, set, "addSignedSDBase.json"))
			err := dataintegrity.VerifyECDSA(p, doc, doc["proof"].(map[string]any), baseKey)
			require.ErrorIs(t, err, dataintegrity.ErrInvalid)
			require.ErrorIs(t, err, dataintegrity.ErrBaseProof)
			_, err = dataintegrity.ParseDerivedProofValue(doc["proof"].(map[string]any)["proofValue"].(string))
			require.ErrorIs(t, err, dataintegrity.ErrBaseProof)
		})
	}
}

// mutateString changes one character of s, keeping its kind (digit, letter),
// so the value stays well-formed where it has a syntax (dates, DIDs).
func mutateString(s string) string {
	b := []byte(s)
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c >= '0' && c <= '8', c >= 'a' && c <= 'y', c >= 'A' && c <= 'Y':
			b[i]++
			return string(b)
		case c == '9':
			b[i] = '0'
			return string(b)
		}
	}
	return s + "x"
}

// sdLeafPaths lists the paths of the string values of v (outside proof and
// @context).
func sdLeafPaths(v any, path []any) [][]any {
	var out [][]any
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if k == "proof" || k == "@context" {
				continue
			}
			out = append(out, sdLeafPaths(x, append(append([]any{}, path...), k))...)
		}
	case []any:
		for i, x := range t {
			out = append(out, sdLeafPaths(x, append(append([]any{}, path...), i))...)
		}
	case string:
		out = append(out, path)
	}
	return out
}

// setLeaf applies f to the string at path.
func setLeaf(v any, path []any, f func(string) string) {
	for i, step := range path {
		last := i == len(path)-1
		switch s := step.(type) {
		case string:
			m := v.(map[string]any)
			if last {
				m[s] = f(m[s].(string))
				return
			}
			v = m[s]
		case int:
			l := v.([]any)
			if last {
				l[s] = f(l[s].(string))
				return
			}
			v = l[s]
		}
	}
}

// TestSDTamperDisclosedValues changes every disclosed value of the derived
// vectors, one at a time.
func TestSDTamperDisclosedValues(t *testing.T) {
	p := processor(t)
	baseKey, _ := sdKeys(t)
	for _, set := range sdVectorSets {
		paths := sdLeafPaths(sdDerived(t, set), nil)
		require.GreaterOrEqual(t, len(paths), 8)
		for _, path := range paths {
			t.Run(set+"/"+pathString(path), func(t *testing.T) {
				doc := sdDerived(t, set)
				setLeaf(doc, path, mutateString)
				require.NotEqual(t, sdDerived(t, set), doc)
				err := dataintegrity.VerifyECDSA(p, doc, doc["proof"].(map[string]any), baseKey)
				require.ErrorIs(t, err, dataintegrity.ErrInvalid)
			})
		}
	}
}

func pathString(path []any) string {
	var parts []string
	for _, s := range path {
		switch x := s.(type) {
		case string:
			parts = append(parts, x)
		case int:
			parts = append(parts, strconv.Itoa(x))
		}
	}
	return strings.Join(parts, ".")
}

// TestSDTamper changes the derived proof's components, its options, the
// document's shape and the key.
func TestSDTamper(t *testing.T) {
	p := processor(t)
	baseKey, proofKey := sdKeys(t)
	otherKey := ecKeyOf(t, "did:key:zDnaeTHxNEBZoKaEo6PdA83fq98ebiFvo3X273Ydu4YmV96rg")
	compressed := func(k *ecdsa.PublicKey) []byte {
		b, err := k.Bytes()
		require.NoError(t, err)
		return append([]byte{0x80, 0x24}, elliptic.MarshalCompressed(elliptic.P256(), new(big.Int).SetBytes(b[1:33]), new(big.Int).SetBytes(b[33:]))...)
	}
	flip := func(b []byte, i int) []byte {
		out := append([]byte{}, b...)
		out[i] ^= 0x01
		return out
	}
	type change struct {
		name  string
		comps func(c *sdComponents)           // edits the proof value
		doc   func(doc, proof map[string]any) // edits the document or proof
		key   *ecdsa.PublicKey                // key to verify with (default: the issuer's)
		ok    bool                            // the proof still verifies
		err   error                           // default: ErrInvalid
		also  error                           // a second error the result wraps
	}
	changes := []change{
		{name: "unchanged (re-encoded)", comps: func(c *sdComponents) {}, ok: true},
		{name: "label map: labels swapped", comps: func(c *sdComponents) { c.labels[0], c.labels[1] = c.labels[1], c.labels[0] }},
		{name: "label map: one label changed", comps: func(c *sdComponents) { c.labels[1] = flip(c.labels[1], 31) }},
		{name: "label map: entry missing", comps: func(c *sdComponents) { delete(c.labels, 1) }},
		{name: "label map: extra entry", comps: func(c *sdComponents) { c.labels[2] = flip(c.labels[0], 0) }},
		{name: "label map: key renumbered", comps: func(c *sdComponents) { c.labels[5] = c.labels[1]; delete(c.labels, 1) }},
		{name: "label map: one label twice", comps: func(c *sdComponents) { c.labels[1] = c.labels[0] }},
		{name: "mandatory indexes: one dropped", comps: func(c *sdComponents) { c.mandatory = c.mandatory[1:] }},
		{name: "mandatory indexes: one added", comps: func(c *sdComponents) { c.mandatory = append([]int{}, append(c.mandatory, 8)...) }},
		{name: "mandatory indexes: one moved", comps: func(c *sdComponents) {
			c.mandatory = append([]int{}, c.mandatory...)
			c.mandatory[0] = 1
		}},
		{name: "mandatory indexes: beyond the statements", comps: func(c *sdComponents) { c.mandatory = append(append([]int{}, c.mandatory...), 1000) }},
		{name: "mandatory indexes: not increasing", comps: func(c *sdComponents) { c.mandatory = []int{4, 0, 5, 7} }},
		{name: "public key: another P-256 key", comps: func(c *sdComponents) { c.pub = compressed(otherKey) }},
		{name: "public key: the issuer's key", comps: func(c *sdComponents) { c.pub = compressed(baseKey) }},
		{name: "public key: not on the curve", comps: func(c *sdComponents) { c.pub = flip(c.pub, 34) }},
		{name: "base signature: one bit", comps: func(c *sdComponents) { c.base = flip(c.base, 40) }},
		{name: "signatures: one bit", comps: func(c *sdComponents) {
			c.sigs = append([][]byte{}, c.sigs...)
			c.sigs[2] = flip(c.sigs[2], 5)
		}},
		{name: "signatures: one dropped", comps: func(c *sdComponents) { c.sigs = c.sigs[:len(c.sigs)-1] }},
		{name: "signatures: two swapped", comps: func(c *sdComponents) {
			c.sigs = append([][]byte{}, c.sigs...)
			c.sigs[0], c.sigs[1] = c.sigs[1], c.sigs[0]
		}},
		{name: "signatures: one duplicated", comps: func(c *sdComponents) { c.sigs = append(append([][]byte{}, c.sigs...), c.sigs[0]) }},
		{name: "base proof header", comps: func(c *sdComponents) { c.rawHeader = []byte{0xd9, 0x5d, 0x00} }, also: dataintegrity.ErrBaseProof},
		{name: "sixth component", comps: func(c *sdComponents) { c.extraItems = []any{[]byte{1}} }},
		{name: "proof created", doc: func(_, pr map[string]any) { pr["created"] = "2023-08-15T23:36:39Z" }},
		{name: "proof verificationMethod", doc: func(_, pr map[string]any) {
			pr["verificationMethod"] = "did:key:zDnaeTHxNEBZoKaEo6PdA83fq98ebiFvo3X273Ydu4YmV96rg#zDnaeTHxNEBZoKaEo6PdA83fq98ebiFvo3X273Ydu4YmV96rg"
		}},
		{name: "proof verificationMethod and its key", key: otherKey, doc: func(_, pr map[string]any) {
			pr["verificationMethod"] = "did:key:zDnaeTHxNEBZoKaEo6PdA83fq98ebiFvo3X273Ydu4YmV96rg#zDnaeTHxNEBZoKaEo6PdA83fq98ebiFvo3X273Ydu4YmV96rg"
		}},
		{name: "proof purpose", doc: func(_, pr map[string]any) { pr["proofPurpose"] = "authentication" }},
		{name: "proof challenge added", doc: func(_, pr map[string]any) { pr["challenge"] = "1234" }},
		{name: "proof previousProof", doc: func(_, pr map[string]any) { pr["previousProof"] = "urn:uuid:1" }, err: dataintegrity.ErrUnsupported},
		{name: "proofValue not base64url", doc: func(_, pr map[string]any) { pr["proofValue"] = "z" + pr["proofValue"].(string)[1:] }},
		{name: "disclosed claim removed", doc: func(d, _ map[string]any) {
			cs := d["credentialSubject"].(map[string]any)
			for k := range cs {
				if k != "type" {
					delete(cs, k)
				}
			}
		}},
		{name: "undisclosed claim added", doc: func(d, _ map[string]any) { d["credentialSubject"].(map[string]any)["gender"] = "Female" }},
		{name: "mandatory issuer removed", doc: func(d, _ map[string]any) { delete(d, "issuer") }},
		{name: "credential id added", doc: func(d, _ map[string]any) { d["id"] = "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33" }},
		{name: "subject split in two", doc: func(d, _ map[string]any) {
			cs := d["credentialSubject"].(map[string]any)
			d["credentialSubject"] = []any{map[string]any{"type": cs["type"]}, cs}
		}},
		{name: "the proof-scoped key as issuer key", key: proofKey},
		{name: "a P-384 key", key: ecMultikey(t, "z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ")},
		{name: "another suite", doc: func(_, pr map[string]any) { pr["cryptosuite"] = "bbs-2023" }, err: dataintegrity.ErrUnsupported},
	}
	for _, set := range sdVectorSets {
		for _, ch := range changes {
			t.Run(set+"/"+ch.name, func(t *testing.T) {
				doc := sdDerived(t, set)
				proof := doc["proof"].(map[string]any)
				if ch.comps != nil {
					d, err := dataintegrity.ParseDerivedProofValue(proof["proofValue"].(string))
					require.NoError(t, err)
					c := componentsOf(t, d)
					ch.comps(&c)
					proof["proofValue"] = c.encode(t)
				}
				if ch.doc != nil {
					ch.doc(doc, proof)
				}
				key := ch.key
				if key == nil {
					key = baseKey
				}
				err := dataintegrity.VerifyECDSA(p, doc, proof, key)
				switch {
				case ch.ok:
					require.NoError(t, err)
				case ch.err != nil:
					require.ErrorIs(t, err, ch.err)
				default:
					require.ErrorIs(t, err, dataintegrity.ErrInvalid)
				}
				if ch.also != nil {
					require.ErrorIs(t, err, ch.also)
				}
			})
		}
	}
}

// readJSONList reads a JSON array.
func readJSONList(t testing.TB, path string) []any {
	t.Helper()
	var out []any
	require.NoError(t, json.Unmarshal([]byte(readText(t, path)), &out))
	return out
}
