package blockcerts

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/fxamacker/cbor/v2"
	"github.com/mr-tron/base58"
)

// maxProofValue bounds the proofValue DecodeProofValue reads; a Merkle path
// of a batch of a billion certificates takes about 2 KB.
const maxProofValue = 16 << 10

// Keys of the MerkleProof2019 CBOR encoding (lds-merkle-proof-2019).
const (
	keyMerkleRoot = 0
	keyTargetHash = 1
	keyAnchors    = 2
	keyPath       = 3

	anchorKeyChain   = 0
	anchorKeyNetwork = 1
)

// chains maps the encoding's chain and network numbers to Blockcerts chain
// names.
var chains = map[[2]int64]string{
	{0, 1}:        "bitcoinMainnet",
	{0, 3}:        "bitcoinTestnet",
	{1, 1}:        "ethereumMainnet",
	{1, 3}:        "ethereumRopsten",
	{1, 4}:        "ethereumRinkeby",
	{1, 5}:        "ethereumGoerli",
	{1, 11155111}: "ethereumSepolia",
	{2, 137}:      "polygonMainnet",
	{2, 80001}:    "polygonMumbai",
	{3, 8453}:     "baseMainnet",
	{3, 84532}:    "baseSepolia",
	{-1, -1}:      "mockchain",
}

// DecodeProofValue decodes the proofValue of a MerkleProof2019: "z" (multibase
// base58btc) followed by the base58 of a CBOR list of [key, value] pairs —
// 0 merkleRoot, 1 targetHash, 2 anchors, 3 path — where hashes are byte
// strings holding a CBOR-encoded hex string, an anchor is a list of [key,
// value] pairs (0 chain, 1 network, 2 transaction id) and a path step is
// [0 (left) or 1 (right), hash].
func DecodeProofValue(pv string) (*Receipt, error) {
	if len(pv) > maxProofValue {
		return nil, fmt.Errorf("the MerkleProof2019 proofValue is %d characters, more than any Merkle proof needs", len(pv))
	}
	if !strings.HasPrefix(pv, "z") || len(pv) < 2 {
		return nil, errors.New("the MerkleProof2019 proofValue is not multibase base58btc (it must start with 'z')")
	}
	raw, err := base58.Decode(pv[1:])
	if err != nil {
		return nil, fmt.Errorf("the MerkleProof2019 proofValue is not base58: %w", err)
	}
	var pairs []cbor.RawMessage
	if err := decMode.Unmarshal(raw, &pairs); err != nil {
		return nil, fmt.Errorf("the MerkleProof2019 proofValue is not a CBOR list: %w", err)
	}
	rc := &Receipt{}
	for _, p := range pairs {
		key, val, err := pair(p)
		if err != nil {
			return nil, err
		}
		switch key {
		case keyMerkleRoot:
			rc.MerkleRoot, err = wrappedText(val)
		case keyTargetHash:
			rc.TargetHash, err = wrappedText(val)
		case keyAnchors:
			rc.Anchors, err = anchors(val)
		case keyPath:
			rc.Path, err = path(val)
		}
		if err != nil {
			return nil, fmt.Errorf("the MerkleProof2019 proofValue: %w", err)
		}
	}
	if rc.TargetHash == "" || rc.MerkleRoot == "" {
		return nil, errors.New("the MerkleProof2019 proofValue has no targetHash or merkleRoot")
	}
	return rc, nil
}

// decMode bounds nesting and sizes of the untrusted CBOR. The options are
// within fxamacker/cbor's accepted ranges; should a future version refuse
// them, its default mode (which bounds them too) is used.
var decMode = func() cbor.DecMode {
	dm, err := cbor.DecOptions{MaxNestedLevels: 8, MaxArrayElements: 4096, MaxMapPairs: 64}.DecMode()
	if err != nil {
		dm, _ = cbor.DecOptions{}.DecMode()
	}
	return dm
}()

// pair reads a [key, value] pair.
func pair(raw cbor.RawMessage) (int64, cbor.RawMessage, error) {
	var kv []cbor.RawMessage
	if err := decMode.Unmarshal(raw, &kv); err != nil || len(kv) != 2 {
		return 0, nil, errors.New("the MerkleProof2019 proofValue holds an entry that is not a [key, value] pair")
	}
	var k int64
	if err := decMode.Unmarshal(kv[0], &k); err != nil {
		return 0, nil, errors.New("the MerkleProof2019 proofValue holds a key that is not a number")
	}
	return k, kv[1], nil
}

// wrappedText reads a byte string holding a CBOR text string (a hex hash or
// transaction id) or a CBOR byte string (returned as hex).
func wrappedText(raw cbor.RawMessage) (string, error) {
	var b []byte
	if err := decMode.Unmarshal(raw, &b); err != nil {
		return "", errors.New("a hash is not a CBOR byte string")
	}
	var s string
	if err := decMode.Unmarshal(b, &s); err == nil {
		return s, nil
	}
	var inner []byte
	if err := decMode.Unmarshal(b, &inner); err == nil {
		return hex.EncodeToString(inner), nil
	}
	return "", errors.New("a hash holds neither a CBOR text string nor a CBOR byte string")
}

func anchors(raw cbor.RawMessage) ([]Anchor, error) {
	var list []cbor.RawMessage
	if err := decMode.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("the anchors are not a list")
	}
	out := make([]Anchor, 0, len(list))
	for _, a := range list {
		var entries []cbor.RawMessage
		if err := decMode.Unmarshal(a, &entries); err != nil {
			return nil, errors.New("an anchor is not a list")
		}
		chain, network := int64(0), int64(0)
		var hasChain, hasNet bool
		var tx string
		for _, e := range entries {
			k, v, err := pair(e)
			if err != nil {
				return nil, err
			}
			switch k {
			case anchorKeyChain:
				hasChain = decMode.Unmarshal(v, &chain) == nil
			case anchorKeyNetwork:
				hasNet = decMode.Unmarshal(v, &network) == nil
			default:
				if tx, err = wrappedText(v); err != nil {
					return nil, err
				}
			}
		}
		name, ok := chains[[2]int64{chain, network}]
		if !hasChain || !hasNet || !ok {
			name = fmt.Sprintf("chain %d network %d", chain, network)
		}
		out = append(out, Anchor{Chain: name, TxID: tx})
	}
	return out, nil
}

func path(raw cbor.RawMessage) ([]Step, error) {
	var list []cbor.RawMessage
	if err := decMode.Unmarshal(raw, &list); err != nil {
		return nil, errors.New("the path is not a list")
	}
	out := make([]Step, 0, len(list))
	for _, p := range list {
		k, v, err := pair(p)
		if err != nil {
			return nil, err
		}
		if k != 0 && k != 1 {
			return nil, fmt.Errorf("a path step has side %d (0 left or 1 right)", k)
		}
		h, err := wrappedText(v)
		if err != nil {
			return nil, err
		}
		out = append(out, Step{Left: k == 0, Hash: h})
	}
	return out, nil
}
