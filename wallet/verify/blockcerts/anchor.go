package blockcerts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/skillpass/skillpass/did"
)

// Block explorers whose answers the anchor check reads. With
// `--offline-dir DIR` a copy of the answer is read from DIR/<host>/<path>
// instead, for example DIR/blockstream.info/api/tx/<txid>/hex for a Bitcoin
// transaction.
const (
	btcMainnetURL = "https://blockstream.info/api/tx/%s/hex"
	btcTestnetURL = "https://blockstream.info/testnet/api/tx/%s/hex"
	ethMainnetURL = "https://eth.blockscout.com/api/v2/transactions/%s"
	ethSepoliaURL = "https://eth-sepolia.blockscout.com/api/v2/transactions/%s"
)

// TxURLs returns the URLs the anchor check reads the transaction of a from,
// in the order tried, and whether the chain can be checked at all. A
// Bitcoin transaction is read as raw hex (Blockstream's /api/tx/<txid>/hex);
// an Ethereum transaction as JSON with its input data in "raw_input" or
// "input" (Blockscout's /api/v2/transactions/<hash>, or an
// eth_getTransactionByHash answer, also inside "result"). A version 2
// anchor that names no chain is tried on Bitcoin mainnet, then testnet.
func TxURLs(a Anchor) ([]string, bool) {
	tx := a.TxID
	if h := strings.TrimPrefix(tx, "0x"); h == "" || len(h) > 128 || strings.Trim(h, "0123456789abcdefABCDEF") != "" {
		return nil, false // not a transaction id
	}
	switch a.Chain {
	case "bitcoinMainnet":
		return []string{fmt.Sprintf(btcMainnetURL, tx)}, true
	case "bitcoinTestnet":
		return []string{fmt.Sprintf(btcTestnetURL, tx)}, true
	case "bitcoin":
		return []string{fmt.Sprintf(btcMainnetURL, tx), fmt.Sprintf(btcTestnetURL, tx)}, true
	case "ethereumMainnet":
		return []string{fmt.Sprintf(ethMainnetURL, tx)}, true
	case "ethereumSepolia":
		return []string{fmt.Sprintf(ethSepoliaURL, tx)}, true
	}
	return nil, false
}

// checkAnchor sets r.Anchor from the first anchor whose transaction can be
// read.
func (v *Verifier) checkAnchor(ctx context.Context, rc *Receipt, r *Result) {
	r.Anchor = AnchorUnknown
	if len(rc.Anchors) == 0 {
		r.Errors = append(r.Errors, "anchor: the proof names no blockchain transaction, so nothing shows the Merkle root was ever published")
		return
	}
	root, err := hex.DecodeString(rc.MerkleRoot)
	if err != nil {
		r.Errors = append(r.Errors, "anchor: the Merkle root is not hex, so no transaction can carry it")
		return
	}
	var notes []string
	for _, a := range rc.Anchors {
		verdict, note, senders := v.anchor(ctx, a, root)
		if verdict != AnchorUnknown {
			r.Anchor = verdict
			r.senders = senders
			if note != "" {
				r.Errors = append(r.Errors, note)
			}
			return
		}
		notes = append(notes, note)
	}
	r.Errors = append(r.Errors, notes...)
}

// anchor checks one anchor: AnchorOK, AnchorMismatch, or AnchorUnknown with
// the reason; for a transaction that was read, also the addresses that
// paid for it.
func (v *Verifier) anchor(ctx context.Context, a Anchor, root []byte) (string, string, []string) {
	urls, ok := TxURLs(a)
	if !ok {
		if strings.HasPrefix(a.Chain, "mock") {
			return AnchorUnknown, fmt.Sprintf("anchor: the certificate is anchored on %q, a test chain that publishes nothing", a.Chain), nil
		}
		return AnchorUnknown, fmt.Sprintf("anchor: transaction %s on %q cannot be checked by Skillpass", a.TxID, a.Chain), nil
	}
	if v.fetcher == nil {
		return AnchorUnknown, fmt.Sprintf("anchor: transaction %s on %s was not checked (offline); to check it, run the verifier with --offline-dir DIR holding the answer of %s as DIR/<host>/<path>, or allow it to use the network", a.TxID, a.Chain, urls[0]), nil
	}
	var lastErr error
	for _, u := range urls {
		body, err := v.fetcher.Fetch(ctx, u)
		if err != nil {
			lastErr = err
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			break
		}
		data, senders, err := txData(a, body, !strings.Contains(u, "/testnet/"))
		if err != nil {
			return AnchorUnknown, fmt.Sprintf("anchor: %s does not hold transaction %s (%v)", u, a.TxID, err), nil
		}
		for _, d := range data {
			if bytes.Equal(d, root) {
				return AnchorOK, "", senders
			}
		}
		return AnchorMismatch, fmt.Sprintf("anchor: transaction %s on %s does not carry the certificate's Merkle root %x: the certificate was not issued in that transaction", a.TxID, a.Chain, root), nil
	}
	if errors.Is(lastErr, did.ErrOffline) {
		return AnchorUnknown, fmt.Sprintf("anchor: transaction %s on %s was not checked (offline)", a.TxID, a.Chain), nil
	}
	return AnchorUnknown, fmt.Sprintf("anchor: transaction %s on %s could not be read (%v)", a.TxID, a.Chain, lastErr), nil
}

// txData returns the data a transaction carries — the OP_RETURN pushes of a
// Bitcoin transaction (whose id must be a.TxID), or the input data of an
// Ethereum transaction — and the addresses that paid for it: the P2PKH
// addresses of a Bitcoin transaction's inputs (on mainnet when mainnet is
// true, else testnet), the "from" of an Ethereum transaction.
func txData(a Anchor, body []byte, mainnet bool) ([][]byte, []string, error) {
	if strings.HasPrefix(a.Chain, "bitcoin") {
		raw, err := hex.DecodeString(string(bytes.TrimSpace(body)))
		if err != nil {
			return nil, nil, errors.New("the answer is not a raw transaction in hex")
		}
		tx, err := parseBitcoinTx(raw)
		if err != nil {
			return nil, nil, err
		}
		if !strings.EqualFold(tx.id, a.TxID) {
			return nil, nil, fmt.Errorf("it is transaction %s", tx.id)
		}
		var senders []string
		for _, k := range tx.pubKeys {
			senders = append(senders, p2pkhAddress(k, mainnet))
		}
		return tx.opReturns, senders, nil
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, nil, errors.New("the answer is not JSON")
	}
	if res, ok := m["result"].(map[string]any); ok {
		m = res
	}
	if h := str(m["hash"]); h != "" && !strings.EqualFold(strings.TrimPrefix(h, "0x"), strings.TrimPrefix(a.TxID, "0x")) {
		return nil, nil, fmt.Errorf("it is transaction %s", h)
	}
	in := str(m["raw_input"])
	if in == "" {
		in = str(m["input"])
	}
	d, err := hex.DecodeString(strings.TrimPrefix(in, "0x"))
	if err != nil || len(d) == 0 {
		return nil, nil, errors.New("the answer has no input data in hex")
	}
	from := str(m["from"])
	if f, ok := m["from"].(map[string]any); ok { // Blockscout: {"from": {"hash": ...}}
		from = str(f["hash"])
	}
	var senders []string
	if from != "" {
		senders = append(senders, from)
	}
	return [][]byte{d}, senders, nil
}

// bitcoinTx is what the anchor check needs of a Bitcoin transaction.
type bitcoinTx struct {
	id        string   // txid, as block explorers show it (byte-reversed double SHA-256)
	opReturns [][]byte // data pushed by OP_RETURN outputs
	pubKeys   [][]byte // the public key of each P2PKH-spending input (sig, key)
}

// txReader reads a serialized Bitcoin transaction.
type txReader struct {
	b   []byte
	off int
	err error
}

func (r *txReader) take(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.err = errors.New("the transaction is truncated")
		return nil
	}
	out := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return out
}

func (r *txReader) varint() uint64 {
	p := r.take(1)
	if p == nil {
		return 0
	}
	var n int
	switch p[0] {
	case 0xfd:
		n = 2
	case 0xfe:
		n = 4
	case 0xff:
		n = 8
	default:
		return uint64(p[0])
	}
	var v uint64
	for i, c := range r.take(uint64(n)) {
		v |= uint64(c) << (8 * i)
	}
	return v
}

// parseBitcoinTx reads a serialized transaction (with or without segwit
// data) and computes its id over the serialization without witness data.
func parseBitcoinTx(raw []byte) (*bitcoinTx, error) {
	r := &txReader{b: raw}
	var stripped []byte
	version := r.take(4)
	stripped = append(stripped, version...)
	segwit := false
	if len(raw) > 6 && raw[4] == 0 && raw[5] == 1 {
		segwit = true
		r.take(2)
	}
	startIns := r.off
	nIn := r.varint()
	if nIn > uint64(len(raw)) {
		return nil, errors.New("the transaction is malformed")
	}
	var pubKeys [][]byte
	for i := uint64(0); i < nIn && r.err == nil; i++ {
		r.take(36)
		if k, ok := p2pkhKey(r.take(r.varint())); ok {
			pubKeys = append(pubKeys, k)
		}
		r.take(4)
	}
	nOut := r.varint()
	if nOut > uint64(len(raw)) {
		return nil, errors.New("the transaction is malformed")
	}
	tx := &bitcoinTx{pubKeys: pubKeys}
	for i := uint64(0); i < nOut && r.err == nil; i++ {
		r.take(8)
		script := r.take(r.varint())
		if d, ok := opReturnData(script); ok {
			tx.opReturns = append(tx.opReturns, d)
		}
	}
	endOuts := r.off
	if segwit {
		for i := uint64(0); i < nIn && r.err == nil; i++ {
			items := r.varint()
			for j := uint64(0); j < items && r.err == nil; j++ {
				r.take(r.varint())
			}
		}
	}
	lock := r.take(4)
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(raw) {
		return nil, errors.New("the transaction has trailing data")
	}
	stripped = append(stripped, raw[startIns:endOuts]...)
	stripped = append(stripped, lock...)
	first := sha256.Sum256(stripped)
	second := sha256.Sum256(first[:])
	for i, j := 0, len(second)-1; i < j; i, j = i+1, j-1 {
		second[i], second[j] = second[j], second[i]
	}
	tx.id = hex.EncodeToString(second[:])
	return tx, nil
}

// opReturnData returns the data an OP_RETURN script pushes.
func opReturnData(script []byte) ([]byte, bool) {
	if len(script) < 2 || script[0] != 0x6a {
		return nil, false
	}
	op := script[1]
	rest := script[2:]
	switch {
	case op >= 1 && op <= 75:
		if len(rest) < int(op) {
			return nil, false
		}
		return rest[:op], true
	case op == 0x4c && len(rest) >= 1: // OP_PUSHDATA1
		n := int(rest[0])
		if len(rest) < 1+n {
			return nil, false
		}
		return rest[1 : 1+n], true
	}
	return nil, false
}

// p2pkhKey returns the public key of a P2PKH input script: a push of a
// signature followed by a push of a 33- or 65-byte key.
func p2pkhKey(script []byte) ([]byte, bool) {
	if len(script) < 2 || script[0] < 9 || script[0] > 75 || len(script) < 1+int(script[0])+1 {
		return nil, false
	}
	rest := script[1+int(script[0]):]
	n := int(rest[0])
	if (n != 33 && n != 65) || len(rest) != 1+n {
		return nil, false
	}
	return rest[1:], true
}
