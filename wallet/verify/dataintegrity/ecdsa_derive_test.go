package dataintegrity_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/mr-tron/base58"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// sdBase is what a holder keeps from the prc vector's base proof: the
// issuer's signatures and the HMAC-labelled statements they cover.
type sdBase struct {
	doc        map[string]any // the signed base document
	statements []string       // HMAC-labelled canonical N-Quads, sorted
	mandatory  map[int]bool   // indexes into statements
	baseSig    []byte
	pub        []byte   // proof-scoped multikey
	sigs       [][]byte // one per non-mandatory statement, in order
}

func loadSDBase(t *testing.T, p *ld.Processor) *sdBase {
	t.Helper()
	dir := filepath.Join(sdVectorsDir, "prc")
	doc := readJSON(t, filepath.Join(dir, "addSignedSDBase.json"))
	b := &sdBase{doc: doc, mandatory: map[int]bool{}}

	// The statements: the document canonicalized, its labels replaced by
	// base64url HMAC-SHA-256 digests (createHmacIdLabelMapFunction), as
	// in the vectors.
	hmacKey, err := hex.DecodeString(readJSON(t, filepath.Join(sdVectorsDir, "SDKeyMaterial.json"))["hmacKeyString"].(string))
	require.NoError(t, err)
	unsecured := clone(t, doc)
	delete(unsecured, "proof")
	canonical, err := p.Canonize(unsecured)
	require.NoError(t, err)
	hmacLabel := func(label string) string {
		m := hmac.New(sha256.New, hmacKey)
		m.Write([]byte(label))
		return "_:u" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	}
	relabelled := regexp.MustCompile(`_:c14n[0-9]+`).ReplaceAllStringFunc(canonical, func(l string) string { return hmacLabel(l[2:]) })
	b.statements = sortedStatements(relabelled)
	var want []string
	for _, x := range readJSONList(t, filepath.Join(dir, "addBaseDocHMACCanon.json")) {
		want = append(want, x.(string))
	}
	require.Equal(t, want, b.statements)

	for _, pair := range readJSON(t, filepath.Join(dir, "addBaseTransform.json"))["mandatory"].(map[string]any)["value"].([]any) {
		b.mandatory[int(pair.([]any)[0].(float64))] = true
	}
	raw := readJSON(t, filepath.Join(dir, "addRawBaseSignatureInfo.json"))
	b.baseSig, err = hex.DecodeString(raw["baseSignature"].(string))
	require.NoError(t, err)
	b.pub, err = base58.Decode(strings.TrimPrefix(raw["publicKey"].(string), "z"))
	require.NoError(t, err)
	for _, s := range raw["signatures"].([]any) {
		sig, err := hex.DecodeString(s.(string))
		require.NoError(t, err)
		b.sigs = append(b.sigs, sig)
	}
	require.Len(t, b.sigs, len(b.statements)-len(b.mandatory))
	return b
}

func sortedStatements(nquads string) []string {
	out := strings.SplitAfter(nquads, "\n")
	out = out[:len(out)-1]
	sort.Strings(out)
	return out
}

// derive makes a derived proof for reveal (a part of the base document
// holding every mandatory statement) as a holder would: it finds which
// base blank node each of reveal's canonical blank nodes is (by trying
// every assignment, enough for the vector's three nodes), and keeps the
// signatures of the disclosed statements.
func (b *sdBase) derive(t *testing.T, p *ld.Processor, reveal map[string]any) map[string]any {
	t.Helper()
	unsecured := clone(t, reveal)
	delete(unsecured, "proof")
	canonical, err := p.Canonize(unsecured)
	require.NoError(t, err)
	labelRe := regexp.MustCompile(`_:(c14n[0-9]+)`)
	seen := map[string]bool{}
	var local []string
	for _, m := range labelRe.FindAllStringSubmatch(canonical, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			local = append(local, m[1])
		}
	}
	baseLabels := map[string]bool{}
	for _, m := range regexp.MustCompile(`_:(u[A-Za-z0-9_-]{43})`).FindAllStringSubmatch(strings.Join(b.statements, ""), -1) {
		baseLabels[m[1]] = true
	}
	var candidates []string
	for l := range baseLabels {
		candidates = append(candidates, l)
	}
	sort.Strings(candidates)
	index := map[string]int{}
	for i, s := range b.statements {
		index[s] = i
	}

	var labelMap map[string]string
	var disclosed []string
	var try func(i int, m map[string]string, used map[string]bool) bool
	try = func(i int, m map[string]string, used map[string]bool) bool {
		if i == len(local) {
			out := sortedStatements(labelRe.ReplaceAllStringFunc(canonical, func(l string) string { return "_:" + m[l[2:]] }))
			for _, s := range out {
				if _, ok := index[s]; !ok {
					return false
				}
			}
			labelMap, disclosed = m, out
			return true
		}
		for _, c := range candidates {
			if used[c] {
				continue
			}
			m2 := map[string]string{local[i]: c}
			for k, v := range m {
				m2[k] = v
			}
			used[c] = true
			if try(i+1, m2, used) {
				return true
			}
			used[c] = false
		}
		return false
	}
	require.True(t, try(0, map[string]string{}, map[string]bool{}), "reveal document is not part of the base document")

	// Signatures of the disclosed non-mandatory statements, in order, and
	// the positions of the mandatory ones among the disclosed.
	sigOf := map[int][]byte{}
	for i, n := 0, 0; i < len(b.statements); i++ {
		if !b.mandatory[i] {
			sigOf[i] = b.sigs[n]
			n++
		}
	}
	c := sdComponents{base: b.baseSig, pub: b.pub, labels: map[int][]byte{}, mandatory: []int{}}
	mandatorySeen := 0
	for pos, s := range disclosed {
		if i := index[s]; b.mandatory[i] {
			c.mandatory = append(c.mandatory, pos)
			mandatorySeen++
		} else {
			c.sigs = append(c.sigs, sigOf[i])
		}
	}
	require.Equal(t, len(b.mandatory), mandatorySeen, "reveal document leaves out mandatory statements")
	if c.sigs == nil {
		c.sigs = [][]byte{}
	}
	for k, v := range labelMap {
		n, err := strconv.Atoi(strings.TrimPrefix(k, "c14n"))
		require.NoError(t, err)
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(v, "u"))
		require.NoError(t, err)
		c.labels[n] = raw
	}
	out := clone(t, reveal)
	proof := clone(t, b.doc["proof"].(map[string]any))
	proof["proofValue"] = c.encode(t)
	out["proof"] = proof
	return out
}

// TestSDDeriveOwnSelections derives proofs from the prc base vector for
// selections of our own (the whole credential, only the mandatory issuer, a
// nested object) and verifies them; the vector's own selection reproduces
// the vector's derived proof value.
func TestSDDeriveOwnSelections(t *testing.T) {
	p := processor(t)
	baseKey, _ := sdKeys(t)
	b := loadSDBase(t, p)
	full := clone(t, b.doc)
	delete(full, "proof")
	pick := func(keys ...string) map[string]any {
		out := map[string]any{}
		for _, k := range keys {
			out[k] = clone(t, map[string]any{"v": full[k]})["v"]
		}
		return out
	}
	mandatoryOnly := pick("@context", "type", "issuer")
	nested := pick("@context", "type", "issuer")
	nested["credentialSubject"] = map[string]any{
		"type": []any{"PermanentResident", "Person"},
		"permanentResidentCard": map[string]any{
			"type":      []any{"PermanentResidentCard"},
			"lprNumber": "999-999-999",
		},
	}
	vectorSelection := sdDerived(t, "prc")
	delete(vectorSelection, "proof")

	tests := []struct {
		name       string
		reveal     map[string]any
		signatures int
	}{
		{"everything", full, 20},
		{"mandatory only", mandatoryOnly, 0},
		{"nested card number", nested, 6},
		{"the vector's selection", vectorSelection, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			derived := b.derive(t, p, tc.reveal)
			proof := derived["proof"].(map[string]any)
			d, err := dataintegrity.ParseDerivedProofValue(proof["proofValue"].(string))
			require.NoError(t, err)
			require.Len(t, d.Signatures, tc.signatures)
			require.NoError(t, dataintegrity.VerifyECDSA(p, derived, proof, baseKey))

			// A statement of the base document the proof does not
			// disclose cannot be slipped in.
			if tc.name != "everything" {
				added := clone(t, derived)
				added["name"] = full["name"]
				require.ErrorIs(t, dataintegrity.VerifyECDSA(p, added, added["proof"].(map[string]any), baseKey), dataintegrity.ErrInvalid)
			}
		})
	}
	derived := b.derive(t, p, vectorSelection)
	require.Equal(t, sdDerived(t, "prc")["proof"].(map[string]any)["proofValue"], derived["proof"].(map[string]any)["proofValue"])
}
