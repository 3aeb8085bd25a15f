package dataintegrity

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/fxamacker/cbor/v2"

	"github.com/skillpass/skillpass/wallet/ld"
)

// Headers of ecdsa-sd-2023 proof values (after multibase decoding).
var (
	sdBaseHeader    = []byte{0xd9, 0x5d, 0x00}
	sdDerivedHeader = []byte{0xd9, 0x5d, 0x01}
)

// p256MultikeyPrefix is the multicodec p256-pub (0x1200) as a varint.
var p256MultikeyPrefix = []byte{0x80, 0x24}

// Sizes of derived proof components (Data Integrity ECDSA Cryptosuites
// v1.0, section 3.5.8). The specification says 36 bytes for the public key,
// but the multikey it describes (0x80 0x24 and a 33-byte compressed P-256
// point) has 35, which is what its test vectors and implementations carry.
const (
	sdSignatureSize = 64
	sdPublicKeySize = 2 + 33
	sdHMACLabelSize = 32
)

// sdDecMode returns the decoder of derived proof components: no tags (the
// specification forbids them), no duplicate map keys, and sizes bounded by
// the ld package's limits.
var sdDecMode = sync.OnceValues(func() (cbor.DecMode, error) {
	return cbor.DecOptions{
		TagsMd:           cbor.TagsForbidden,
		DupMapKey:        cbor.DupMapKeyEnforcedAPF,
		MaxNestedLevels:  4,
		MaxArrayElements: ld.MaxQuads,
		MaxMapPairs:      ld.MaxBlankNodes,
	}.DecMode()
})

// derivedComponents is the CBOR array of a derived proof value.
type derivedComponents struct {
	_                struct{} `cbor:",toarray"`
	BaseSignature    []byte
	PublicKey        []byte
	Signatures       [][]byte
	LabelMap         map[int64][]byte
	MandatoryIndexes []int64
}

// DerivedProof is a parsed ecdsa-sd-2023 derived proofValue.
type DerivedProof struct {
	// BaseSignature is the issuer's P-256 signature (r || s, 64 bytes) over
	// proofHash || PublicKey || mandatoryHash.
	BaseSignature []byte
	// PublicKey is the proof-scoped (ephemeral) P-256 key as a multikey:
	// 0x80 0x24 and the 33-byte compressed point.
	PublicKey []byte
	// Signatures holds one 64-byte signature by PublicKey per disclosed
	// non-mandatory N-Quad, in N-Quad order.
	Signatures [][]byte
	// LabelMap maps the verifier's canonical blank node labels ("c14n0")
	// to the labels the issuer signed ("u" and base64url-no-pad of an
	// HMAC-SHA-256 digest).
	LabelMap map[string]string
	// MandatoryIndexes lists, in increasing order, the positions among the
	// disclosed N-Quads of those the base signature covers.
	MandatoryIndexes []int
}

// ParseDerivedProofValue decodes an ecdsa-sd-2023 derived proofValue: "u"
// and base64url-no-pad of the header 0xd9 0x5d 0x01 and a CBOR array of the
// five components (section 3.5.8 parseDerivedProofValue). It checks every
// size the specification fixes, that the public key is a P-256 multikey on
// the curve, that the label map's keys are non-negative and its labels
// distinct, and that the mandatory indexes increase strictly. A base proof
// value (header 0xd9 0x5d 0x00) is refused with an error wrapping
// ErrBaseProof. Every error wraps ErrInvalid.
func ParseDerivedProofValue(proofValue string) (*DerivedProof, error) {
	d, err := parseDerived(proofValue)
	if err != nil {
		return nil, fmt.Errorf("parse ecdsa-sd-2023 derived proof: %w: %w", ErrInvalid, err)
	}
	return d, nil
}

func parseDerived(proofValue string) (*DerivedProof, error) {
	if len(proofValue) > ld.MaxDocumentBytes {
		return nil, fmt.Errorf("proofValue of %d characters is too long", len(proofValue))
	}
	rest, ok := strings.CutPrefix(proofValue, "u")
	if !ok {
		return nil, errors.New("proofValue is not multibase base64url-no-pad ('u')")
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("proofValue is not base64url-no-pad: %w", err)
	}
	switch {
	case bytes.HasPrefix(raw, sdBaseHeader):
		return nil, ErrBaseProof
	case !bytes.HasPrefix(raw, sdDerivedHeader):
		return nil, errors.New("proofValue does not start with the derived proof header 0xd9 0x5d 0x01")
	}
	dm, err := sdDecMode()
	if err != nil {
		return nil, fmt.Errorf("cbor decoder: %w", err)
	}
	var c derivedComponents
	if err := dm.Unmarshal(raw[len(sdDerivedHeader):], &c); err != nil {
		return nil, fmt.Errorf("proofValue components: %w", err)
	}
	if len(c.BaseSignature) != sdSignatureSize {
		return nil, fmt.Errorf("base signature is %d bytes, want %d", len(c.BaseSignature), sdSignatureSize)
	}
	if _, err := p256Multikey(c.PublicKey); err != nil {
		return nil, err
	}
	for i, s := range c.Signatures {
		if len(s) != sdSignatureSize {
			return nil, fmt.Errorf("signature %d is %d bytes, want %d", i, len(s), sdSignatureSize)
		}
	}
	d := &DerivedProof{
		BaseSignature:    c.BaseSignature,
		PublicKey:        c.PublicKey,
		Signatures:       c.Signatures,
		LabelMap:         make(map[string]string, len(c.LabelMap)),
		MandatoryIndexes: make([]int, 0, len(c.MandatoryIndexes)),
	}
	seen := make(map[string]bool, len(c.LabelMap))
	for k, v := range c.LabelMap {
		if k < 0 {
			return nil, fmt.Errorf("label map key %d is negative", k)
		}
		if len(v) != sdHMACLabelSize {
			return nil, fmt.Errorf("label map value for %d is %d bytes, want %d", k, len(v), sdHMACLabelSize)
		}
		label := "u" + base64.RawURLEncoding.EncodeToString(v)
		if seen[label] {
			return nil, fmt.Errorf("label map gives label %s to two blank nodes", label)
		}
		seen[label] = true
		d.LabelMap["c14n"+strconv.FormatInt(k, 10)] = label
	}
	for i, x := range c.MandatoryIndexes {
		if x < 0 || x > int64(ld.MaxQuads) {
			return nil, fmt.Errorf("mandatory index %d out of range", x)
		}
		if i > 0 && x <= c.MandatoryIndexes[i-1] {
			return nil, errors.New("mandatory indexes do not increase strictly")
		}
		d.MandatoryIndexes = append(d.MandatoryIndexes, int(x))
	}
	return d, nil
}

// p256Multikey decodes a P-256 multikey (0x80 0x24 and a compressed point).
func p256Multikey(b []byte) (*ecdsa.PublicKey, error) {
	if len(b) != sdPublicKeySize || !bytes.HasPrefix(b, p256MultikeyPrefix) {
		return nil, fmt.Errorf("public key is not a P-256 multikey (%d bytes starting 0x80 0x24; got %d bytes starting %x)",
			sdPublicKeySize, len(b), b[:min(2, len(b))])
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b[2:])
	if x == nil {
		return nil, errors.New("public key is not a point on P-256")
	}
	point := make([]byte, 65)
	point[0] = 4
	x.FillBytes(point[1:33])
	y.FillBytes(point[33:])
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pub, nil
}

// SDVerifyData holds the values ecdsa-sd-2023 verification computes for a
// derived proof (section 3.5.9 createVerifyData), with the parsed proof.
type SDVerifyData struct {
	// Proof is the parsed proofValue.
	Proof *DerivedProof
	// ProofHash is the SHA-256 of the canonical proof configuration.
	ProofHash [sha256.Size]byte
	// NQuads are the disclosed document's canonical N-Quads with the label
	// map applied, sorted.
	NQuads []string
	// Mandatory and NonMandatory split NQuads by Proof.MandatoryIndexes.
	Mandatory, NonMandatory []string
	// MandatoryHash is the SHA-256 of the concatenated Mandatory N-Quads.
	MandatoryHash [sha256.Size]byte
}

// SignData returns what the base signature covers: ProofHash, the
// proof-scoped public key (multikey bytes) and MandatoryHash.
func (v *SDVerifyData) SignData() []byte {
	out := make([]byte, 0, 2*sha256.Size+len(v.Proof.PublicKey))
	out = append(out, v.ProofHash[:]...)
	out = append(out, v.Proof.PublicKey...)
	return append(out, v.MandatoryHash[:]...)
}

// CreateSDVerifyData parses the derived proof's proofValue, canonicalizes
// doc without its proof, replaces the canonical blank node labels with the
// proof's label map and groups the N-Quads. doc is the whole secured
// document and proof its ecdsa-sd-2023 proof; neither is modified. Errors
// wrap ErrInvalid when the proof or its label map does not fit the document
// (ErrBaseProof too for a base proof); others, such as an unknown context,
// mean the document could not be processed.
func CreateSDVerifyData(p *ld.Processor, doc, proof map[string]any) (*SDVerifyData, error) {
	const suite = CryptosuiteECDSASD2023
	if _, ok := proof["previousProof"]; ok {
		return nil, fmt.Errorf("create %s verify data: %w: previousProof with %s", suite, ErrUnsupported, suite)
	}
	if err := checkProofOptions(doc, proof); err != nil {
		return nil, fmt.Errorf("create %s verify data: %w: %w", suite, ErrInvalid, err)
	}
	pv, _ := proof["proofValue"].(string)
	dp, err := ParseDerivedProofValue(pv)
	if err != nil {
		return nil, fmt.Errorf("create %s verify data: %w", suite, err)
	}
	unsecured, err := unsecuredDocument(doc, nil)
	if err != nil {
		return nil, fmt.Errorf("create %s verify data: %w: %w", suite, ErrInvalid, err)
	}
	d, err := ComputeDigest(p, unsecured, proof)
	if err != nil {
		if errors.Is(err, ld.ErrUndefinedTerm) || errors.Is(err, ld.ErrDroppedValue) {
			return nil, fmt.Errorf("create %s verify data: %w: %w", suite, ErrInvalid, err)
		}
		return nil, fmt.Errorf("create %s verify data: %w", suite, err)
	}
	nquads, err := relabelNQuads(d.CanonicalDocument, dp.LabelMap)
	if err != nil {
		return nil, fmt.Errorf("create %s verify data: %w: %w", suite, ErrInvalid, err)
	}
	v := &SDVerifyData{Proof: dp, ProofHash: d.ProofConfigHash, NQuads: nquads}
	next := 0
	for i, nq := range nquads {
		if next < len(dp.MandatoryIndexes) && dp.MandatoryIndexes[next] == i {
			v.Mandatory = append(v.Mandatory, nq)
			next++
		} else {
			v.NonMandatory = append(v.NonMandatory, nq)
		}
	}
	if next < len(dp.MandatoryIndexes) {
		return nil, fmt.Errorf("create %s verify data: %w: mandatory index %d beyond the %d disclosed statements",
			suite, ErrInvalid, dp.MandatoryIndexes[next], len(nquads))
	}
	v.MandatoryHash = sha256.Sum256([]byte(strings.Join(v.Mandatory, "")))
	return v, nil
}

// verifySD verifies an ecdsa-sd-2023 derived proof (section 3.6.7) with the
// issuer's key pub.
func verifySD(p *ld.Processor, doc, proof map[string]any, pub *ecdsa.PublicKey) error {
	const suite = CryptosuiteECDSASD2023
	if pub.Curve != elliptic.P256() {
		return fmt.Errorf("verify %s proof: %w: the key is on %s; %s base signatures are P-256",
			suite, ErrInvalid, curveName(pub.Curve), suite)
	}
	v, err := CreateSDVerifyData(p, doc, proof)
	if err != nil {
		return fmt.Errorf("verify %s proof: %w", suite, err)
	}
	if len(v.Proof.Signatures) != len(v.NonMandatory) {
		return fmt.Errorf("verify %s proof: %w: %d signatures for %d non-mandatory statements",
			suite, ErrInvalid, len(v.Proof.Signatures), len(v.NonMandatory))
	}
	if !verifyP1363(pub, v.SignData(), v.Proof.BaseSignature) {
		return fmt.Errorf("verify %s proof: %w: the base signature does not match the mandatory statements, proof options and proof key",
			suite, ErrInvalid)
	}
	ephemeral, err := p256Multikey(v.Proof.PublicKey)
	if err != nil { // checked when parsing
		return fmt.Errorf("verify %s proof: %w: %w", suite, ErrInvalid, err)
	}
	for i, nq := range v.NonMandatory {
		if !verifyP1363(ephemeral, []byte(nq), v.Proof.Signatures[i]) {
			return fmt.Errorf("verify %s proof: %w: signature %d does not match the statement %q",
				suite, ErrInvalid, i, shortQuad(nq))
		}
	}
	return nil
}

// shortQuad trims a statement for error messages.
func shortQuad(nq string) string {
	nq = strings.TrimSuffix(nq, "\n")
	if len(nq) > 120 {
		return nq[:117] + "..."
	}
	return nq
}

// relabelNQuads replaces the blank node labels of canonical N-Quads
// (one statement per line, labels _:c14nN) through labelMap and returns the
// statements sorted, each ending in LF. Every blank node must have a label
// and every label must be used: the label map must describe exactly the
// document's blank nodes.
func relabelNQuads(canonical string, labelMap map[string]string) ([]string, error) {
	lines := canonicalLines(canonical)
	used := make(map[string]bool, len(labelMap))
	relabel := func(label string) (string, error) {
		nl, ok := labelMap[label]
		if !ok {
			return "", fmt.Errorf("the label map has no label for blank node _:%s", label)
		}
		used[label] = true
		return nl, nil
	}
	out := make([]string, 0, len(lines))
	var b strings.Builder
	for _, line := range lines {
		b.Reset()
		if err := rewriteQuad(&b, line, relabel); err != nil {
			return nil, err
		}
		out = append(out, b.String())
	}
	if len(used) != len(labelMap) {
		var unused []string
		for k := range labelMap {
			if !used[k] {
				unused = append(unused, k)
			}
		}
		sort.Strings(unused)
		return nil, fmt.Errorf("label map names blank nodes the document does not have: %s", strings.Join(unused, ", "))
	}
	sort.Strings(out)
	for i := 1; i < len(out); i++ {
		if out[i] == out[i-1] {
			return nil, fmt.Errorf("label map makes two statements equal: %q", shortQuad(out[i]))
		}
	}
	return out, nil
}

// rewriteQuad writes one canonical N-Quad statement with each blank node
// label replaced by relabel's result. The statement is in the canonical form
// ld.Processor writes: terms separated by one space, " .\n" at the end.
func rewriteQuad(b *strings.Builder, line string, relabel func(label string) (string, error)) error {
	body, ok := strings.CutSuffix(line, " .\n")
	if !ok {
		return fmt.Errorf("canonical statement %q does not end in \" .\\n\"", shortQuad(line))
	}
	for i, terms := 0, 0; i < len(body); terms++ {
		if terms > 0 {
			if body[i] != ' ' {
				return fmt.Errorf("canonical statement %q: no space between terms", shortQuad(line))
			}
			b.WriteByte(' ')
			i++
		}
		if terms == 4 || i >= len(body) {
			return fmt.Errorf("canonical statement %q: malformed", shortQuad(line))
		}
		end, err := termEnd(body, i)
		if err != nil {
			return fmt.Errorf("canonical statement %q: %w", shortQuad(line), err)
		}
		term := body[i:end]
		if label, isBlank := strings.CutPrefix(term, "_:"); isBlank {
			nl, err := relabel(label)
			if err != nil {
				return err
			}
			term = "_:" + nl
		}
		b.WriteString(term)
		i = end
	}
	b.WriteString(" .\n")
	return nil
}

// canonicalLines splits canonical N-Quads into statements, each ending in LF.
func canonicalLines(canonical string) []string {
	lines := strings.SplitAfter(canonical, "\n")
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	return lines
}

// blankNodeCount returns the number of distinct blank nodes in canonical
// N-Quads.
func blankNodeCount(canonical string) (int, error) {
	seen := make(map[string]bool)
	var b strings.Builder
	for _, line := range canonicalLines(canonical) {
		b.Reset()
		err := rewriteQuad(&b, line, func(label string) (string, error) {
			seen[label] = true
			return label, nil
		})
		if err != nil {
			return 0, err
		}
	}
	return len(seen), nil
}

// termEnd returns the end of the term starting at s[i]: an IRI <...>, a
// blank node _:label, or a literal "..." with an optional ^^<datatype> or
// @language.
func termEnd(s string, i int) (int, error) {
	switch {
	case s[i] == '<':
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			return 0, errors.New("unterminated IRI")
		}
		return i + j + 1, nil
	case strings.HasPrefix(s[i:], "_:"):
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			return len(s), nil
		}
		return i + j, nil
	case s[i] == '"':
		j := i + 1
		for ; j < len(s) && s[j] != '"'; j++ {
			if s[j] == '\\' {
				j++
			}
		}
		if j >= len(s) {
			return 0, errors.New("unterminated literal")
		}
		j++
		switch {
		case strings.HasPrefix(s[j:], "^^<"):
			k := strings.IndexByte(s[j:], '>')
			if k < 0 {
				return 0, errors.New("unterminated datatype IRI")
			}
			return j + k + 1, nil
		case strings.HasPrefix(s[j:], "@"):
			k := strings.IndexByte(s[j:], ' ')
			if k < 0 {
				return len(s), nil
			}
			return j + k, nil
		}
		return j, nil
	}
	return 0, fmt.Errorf("unexpected character %q", s[i])
}
