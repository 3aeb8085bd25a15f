package dataintegrity_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// vectorComponents returns the prc vector's derived proof as sdComponents.
func vectorComponents(t testing.TB) sdComponents {
	t.Helper()
	d, err := dataintegrity.ParseDerivedProofValue(sdDerived(t, "prc")["proof"].(map[string]any)["proofValue"].(string))
	require.NoError(t, err)
	return componentsOf(t, d)
}

// rawValue encodes header || CBOR(items) as a proofValue.
func rawValue(t testing.TB, items any, trailer ...byte) string {
	t.Helper()
	body, err := cbor.Marshal(items)
	require.NoError(t, err)
	raw := append([]byte{0xd9, 0x5d, 0x01}, body...)
	return "u" + base64.RawURLEncoding.EncodeToString(append(raw, trailer...))
}

func TestParseDerivedProofValueRejects(t *testing.T) {
	c := vectorComponents(t)
	valid := c.encode(t)
	with := func(f func(c *sdComponents)) string {
		x := vectorComponents(t)
		f(&x)
		return x.encode(t)
	}
	items := func(f func(items []any) []any) string {
		return rawValue(t, f([]any{c.base, c.pub, c.sigs, c.labels, c.mandatory}))
	}
	tests := []struct{ name, value string }{
		{"empty", ""},
		{"multibase only", "u"},
		{"base58btc", "z" + valid[1:]},
		{"padded base64url", valid + "=="},
		{"standard base64", "u" + base64.RawStdEncoding.EncodeToString([]byte{0xd9, 0x5d, 0x01, 0xfb, 0xff})},
		{"header only", "u" + base64.RawURLEncoding.EncodeToString([]byte{0xd9, 0x5d, 0x01})},
		{"other header", with(func(c *sdComponents) { c.rawHeader = []byte{0xd9, 0x5d, 0x02} })},
		{"base proof header", with(func(c *sdComponents) { c.rawHeader = []byte{0xd9, 0x5d, 0x00} })},
		{"trailing bytes", rawValue(t, []any{c.base, c.pub, c.sigs, c.labels, c.mandatory}, 0x00)},
		{"four components", items(func(i []any) []any { return i[:4] })},
		{"six components", items(func(i []any) []any { return append(i, 1) })},
		{"not an array", rawValue(t, map[string]any{"baseSignature": c.base})},
		{"tagged base signature", items(func(i []any) []any { i[0] = cbor.Tag{Number: 64, Content: c.base}; return i })},
		{"text base signature", items(func(i []any) []any { i[0] = strings.Repeat("a", 64); return i })},
		{"short base signature", with(func(c *sdComponents) { c.base = c.base[:63] })},
		{"long base signature", with(func(c *sdComponents) { c.base = append(c.base, 0) })},
		{"public key without multikey header", with(func(c *sdComponents) { c.pub = c.pub[2:] })},
		{"P-384 multikey header", with(func(c *sdComponents) { c.pub = append([]byte{0x81, 0x24}, c.pub[2:]...) })},
		{"public key 36 bytes", with(func(c *sdComponents) { c.pub = append(c.pub, 0) })},
		{"public key uncompressed tag", with(func(c *sdComponents) { c.pub = append([]byte{0x80, 0x24, 0x04}, c.pub[3:]...) })},
		{"public key x beyond p", with(func(c *sdComponents) {
			c.pub = append([]byte{0x80, 0x24, 0x02}, bytes.Repeat([]byte{0xff}, 32)...)
		})},
		{"short signature", with(func(c *sdComponents) { c.sigs = append([][]byte{c.sigs[0][:32]}, c.sigs[1:]...) })},
		{"signatures not an array", items(func(i []any) []any { i[2] = c.sigs[0]; return i })},
		{"label map: negative key", with(func(c *sdComponents) { c.labels[-1] = c.labels[0]; delete(c.labels, 0) })},
		{"label map: text key", items(func(i []any) []any {
			i[3] = map[string][]byte{"c14n0": c.labels[0], "c14n1": c.labels[1]}
			return i
		})},
		{"label map: text label", items(func(i []any) []any { i[3] = map[int]string{0: "u3Lv2QpFgo", 1: "uVkUuBrlOa"}; return i })},
		{"label map: short label", with(func(c *sdComponents) { c.labels[0] = c.labels[0][:31] })},
		{"label map: same label twice", with(func(c *sdComponents) { c.labels[1] = c.labels[0] })},
		{"label map: a list", items(func(i []any) []any { i[3] = [][]byte{c.labels[0], c.labels[1]}; return i })},
		{"mandatory indexes: negative", with(func(c *sdComponents) { c.mandatory = []int{-1, 0} })},
		{"mandatory indexes: repeated", with(func(c *sdComponents) { c.mandatory = []int{0, 4, 4, 7} })},
		{"mandatory indexes: decreasing", with(func(c *sdComponents) { c.mandatory = []int{7, 5} })},
		{"mandatory indexes: huge", with(func(c *sdComponents) { c.mandatory = []int{1 << 40} })},
		{"mandatory indexes: text", items(func(i []any) []any { i[4] = []string{"0"}; return i })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := dataintegrity.ParseDerivedProofValue(tc.value)
			require.ErrorIs(t, err, dataintegrity.ErrInvalid)
			require.Nil(t, d)
		})
	}

	// Duplicate map keys, which Go maps cannot express, written by hand:
	// the label map {0: label, 0: label}.
	body, err := cbor.Marshal([]any{c.base, c.pub, c.sigs, cbor.RawMessage{0xa0}, c.mandatory})
	require.NoError(t, err)
	label := append([]byte{0x58, 0x20}, c.labels[0]...)
	dup := append([]byte{0xa2, 0x00}, label...)
	dup = append(append(dup, 0x00), label...)
	body = bytes.Replace(body, []byte{0xa0}, dup, 1)
	_, err = dataintegrity.ParseDerivedProofValue("u" + base64.RawURLEncoding.EncodeToString(append([]byte{0xd9, 0x5d, 0x01}, body...)))
	require.ErrorIs(t, err, dataintegrity.ErrInvalid)

	// The unmodified components parse.
	_, err = dataintegrity.ParseDerivedProofValue(valid)
	require.NoError(t, err)
}

// FuzzParseDerivedProofValue: no input panics; every error wraps ErrInvalid;
// what parses has the sizes the specification fixes and verifies against
// the vector document only if it carries the vector's components.
func FuzzParseDerivedProofValue(f *testing.F) {
	for _, set := range sdVectorSets {
		f.Add(sdDerived(f, set)["proof"].(map[string]any)["proofValue"].(string))
		f.Add(readJSON(f, filepath.Join(sdVectorsDir, set, "addSignedSDBase.json"))["proof"].(map[string]any)["proofValue"].(string))
	}
	f.Add("u2V0BhQ")
	p := processor(f)
	doc := sdDerived(f, "prc")
	want := vectorComponents(f)
	baseKey, _ := sdKeys(f)
	f.Fuzz(func(t *testing.T, value string) {
		d, err := dataintegrity.ParseDerivedProofValue(value)
		if err != nil {
			require.ErrorIs(t, err, dataintegrity.ErrInvalid)
			require.Nil(t, d)
			return
		}
		require.Len(t, d.BaseSignature, 64)
		require.Len(t, d.PublicKey, 35)
		for _, s := range d.Signatures {
			require.Len(t, s, 64)
		}
		for i := 1; i < len(d.MandatoryIndexes); i++ {
			require.Less(t, d.MandatoryIndexes[i-1], d.MandatoryIndexes[i])
		}
		// Re-encoded, the components parse to the same proof.
		again, err := dataintegrity.ParseDerivedProofValue(componentsOf(t, d).encode(t))
		require.NoError(t, err)
		require.Equal(t, d, again)

		cp := clone(t, doc)
		proof := cp["proof"].(map[string]any)
		proof["proofValue"] = value
		err = dataintegrity.VerifyECDSA(p, cp, proof, baseKey)
		if err == nil {
			got := componentsOf(t, d)
			require.True(t, reflect.DeepEqual(want, got), "a proof with other components verified: %q", value)
		} else if !errors.Is(err, dataintegrity.ErrInvalid) {
			t.Fatalf("error not wrapping ErrInvalid: %v", err)
		}
	})
}
