// Package blockcerts verifies Blockcerts certificates: version 2 (an Open
// Badges 2.0 assertion with a MerkleProof2017 "signature") and version 3 (a
// W3C Verifiable Credential with a MerkleProof2019 "proof", alone or as the
// chainedProofType of a ChainedProof2021).
//
// What each check establishes, offline:
//
//   - signature: the certificate without its Merkle proof is canonicalized
//     (URDNA2015 N-Quads, with Skillpass' embedded JSON-LD contexts; nothing
//     is downloaded), its SHA-256 must equal the proof's targetHash, and the
//     proof's path (SHA-256 of left||node or node||right, as bytes) must
//     lead from the targetHash to the merkleRoot. "ok" when both hold and
//     every term of the certificate is defined by its contexts (a term the
//     contexts do not define would not be covered by the hash, so it could
//     be changed unnoticed); "invalid" when either fails or a term is
//     undefined; "unsupported" when a context the certificate names is not
//     embedded or the proof is of a kind this package does not read.
//   - anchor: the Merkle root must be the data the blockchain transaction
//     named in the proof's anchors carries (a Bitcoin OP_RETURN output, or
//     the data of an Ethereum transaction). The transaction is read through
//     the Fetcher from a block explorer URL (see TxURL), so with
//     `--offline-dir DIR` a local copy is read from DIR/<host>/<path>.
//     "ok" when it carries the root, "mismatch" when it carries something
//     else, "unknown" when it could not be obtained (offline), the chain is
//     a test chain (mocknet) or a retired one, or the copy is not that
//     transaction. Whether the transaction is confirmed in the chain, and
//     how deep, is not checked: a Bitcoin transaction's id commits to its
//     content, so a local copy that hashes to the id is that transaction,
//     but not proof that miners accepted it.
//   - issuer: a Merkle proof carries no signature of its own; the issuer is
//     bound to the certificate by the address that paid for the anchoring
//     transaction. Once the anchor holds, the issuer's profile (an https
//     issuer id, or the proof's verificationMethod) is read through the
//     Fetcher: "confirmed" when its publicKey list names that address (a
//     Bitcoin P2PKH input's address, an Ethereum transaction's "from") and
//     the key was not revoked or expired at issuance; "mismatch" when it
//     does not, or when a version 3 proof's verificationMethod is a DID
//     other than the issuer's; "unconfirmed" otherwise (offline, a DID
//     issuer, an input that is not P2PKH).
//   - status (version 2): the revocation list named by the badge's issuer
//     (or by the issuer's profile) is read through the Fetcher: "revoked"
//     when it lists the certificate, "ok" when it does not, "unknown" when
//     it cannot be read (offline). Version 3 certificates use the W3C
//     credentialStatus, which the caller checks like any credential's.
package blockcerts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
)

// Proof types.
const (
	// TypeMerkleProof2017 is the signature type of Blockcerts version 2.
	TypeMerkleProof2017 = "MerkleProof2017"
	// TypeMerkleProof2019 is the proof type of Blockcerts version 3.
	TypeMerkleProof2019 = "MerkleProof2019"
	// TypeChainedProof2021 wraps a MerkleProof2019 after another proof.
	TypeChainedProof2021 = "ChainedProof2021"
)

// Check values, spelled as in the `verify --json` contract.
const (
	// SigOK means the document hash and the Merkle path hold.
	SigOK = "ok"
	// SigInvalid means the document hash or the Merkle path fails, or the
	// certificate holds terms its hash does not cover.
	SigInvalid = "invalid"
	// SigUnsupported means the proof could not be checked.
	SigUnsupported = "unsupported"
	// AnchorOK means the transaction carries the Merkle root.
	AnchorOK = "ok"
	// AnchorUnknown means the transaction was not checked.
	AnchorUnknown = "unknown"
	// AnchorMismatch means the transaction carries other data.
	AnchorMismatch = "mismatch"
	// IssuerConfirmed means the issuer's profile lists the address that
	// paid for the anchoring transaction as its key.
	IssuerConfirmed = "confirmed"
	// IssuerUnconfirmed means nothing ties the certificate to its issuer.
	IssuerUnconfirmed = "unconfirmed"
	// IssuerMismatch means the proof names another party than the issuer.
	IssuerMismatch = "mismatch"
	// StatusOK means the revocation list does not list the certificate.
	StatusOK = "ok"
	// StatusRevoked means the revocation list lists the certificate.
	StatusRevoked = "revoked"
	// StatusUnknown means the revocation list could not be read.
	StatusUnknown = "unknown"
	// StatusNone means the certificate names no revocation list.
	StatusNone = "none"
)

// ErrNotBlockcerts is returned by Verify for documents Detect does not
// accept.
var ErrNotBlockcerts = errors.New("not a Blockcerts certificate")

// Date is a validity date of the certificate.
type Date struct {
	// Field is the JSON name of the date ("issuedOn", "issuanceDate", ...).
	Field string
	// Value is the date as written.
	Value any
	// End is true for a date until which the certificate holds.
	End bool
}

// Anchor is one blockchain anchor of a Merkle root.
type Anchor struct {
	// Chain is the Blockcerts chain name: bitcoinMainnet, bitcoinTestnet,
	// ethereumMainnet, ethereumSepolia, ethereumRopsten, ethereumGoerli,
	// mockchain, ...
	Chain string
	// TxID is the transaction id, as written.
	TxID string
}

// Receipt is a decoded Merkle proof.
type Receipt struct {
	// TargetHash is the hex SHA-256 of the canonical certificate.
	TargetHash string
	// MerkleRoot is the hex root of the issuing batch.
	MerkleRoot string
	// Path is the list of sibling hashes from the target to the root.
	Path []Step
	// Anchors are where the root was published.
	Anchors []Anchor
}

// Step is one node of a Merkle path: Hash goes to the left of the running
// hash when Left is true, else to its right.
type Step struct {
	Left bool
	Hash string
}

// Result is the verdict on one certificate.
type Result struct {
	// Version is 2 or 3.
	Version int
	// Signature is SigOK, SigInvalid or SigUnsupported.
	Signature string
	// Anchor is AnchorOK, AnchorUnknown or AnchorMismatch.
	Anchor string
	// Issuer is IssuerConfirmed, IssuerUnconfirmed or IssuerMismatch.
	Issuer string
	// Status is the version 2 revocation verdict (StatusNone for version
	// 3, whose credentialStatus the caller checks).
	Status string
	// Proof labels the proof ("MerkleProof2017", "MerkleProof2019",
	// "ChainedProof2021/MerkleProof2019").
	Proof string
	// IssuerID is the issuer's id (a profile URL or a DID).
	IssuerID string
	// VerificationMethod is the version 3 proof's verificationMethod.
	VerificationMethod string
	// Receipt is the decoded proof (nil when it could not be read).
	Receipt *Receipt
	// Dates are the validity dates found.
	Dates []Date
	// Errors says what failed and what could not be checked.
	Errors []string

	senders []string // who paid for the anchoring transaction, when read
}

// Verifier checks Blockcerts certificates. It is safe for concurrent use.
type Verifier struct {
	proc    *ld.Processor
	fetcher did.Fetcher
}

// New returns a Verifier that canonicalizes with proc (whose Loader must
// hold the Blockcerts contexts) and reads transactions, revocation lists
// and issuer profiles through f; a nil f means offline.
func New(proc *ld.Processor, f did.Fetcher) *Verifier {
	return &Verifier{proc: proc, fetcher: f}
}

// Detect reports whether doc is a Blockcerts certificate: a "signature"
// object whose type includes MerkleProof2017 (version 2), or a "proof" (an
// object or a list) with type MerkleProof2019 or a ChainedProof2021 whose
// chainedProofType is MerkleProof2019 (version 3).
func Detect(doc map[string]any) bool {
	return version(doc) != 0
}

func version(doc map[string]any) int {
	if doc == nil {
		return 0
	}
	if sig, ok := doc["signature"].(map[string]any); ok && hasType(sig["type"], TypeMerkleProof2017) {
		return 2
	}
	if _, _, ok := merkleProof2019(doc["proof"]); ok {
		return 3
	}
	return 0
}

// merkleProof2019 finds the MerkleProof2019 in a proof value: the proof
// itself, its index in a list (-1 for a single object) and whether one was
// found.
func merkleProof2019(v any) (map[string]any, int, bool) {
	is := func(p map[string]any) bool {
		return hasType(p["type"], TypeMerkleProof2019) ||
			hasType(p["type"], TypeChainedProof2021) && str(p["chainedProofType"]) == TypeMerkleProof2019
	}
	switch t := v.(type) {
	case map[string]any:
		if is(t) {
			return t, -1, true
		}
	case []any:
		for i, x := range t {
			if p, ok := x.(map[string]any); ok && is(p) {
				return p, i, true
			}
		}
	}
	return nil, 0, false
}

// Verify judges doc. It returns an error wrapping ErrNotBlockcerts when
// Detect(doc) is false; everything about the certificate's truth is in the
// Result. doc is not modified.
func (v *Verifier) Verify(ctx context.Context, doc map[string]any) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	r := &Result{Version: version(doc), Anchor: AnchorUnknown, Issuer: IssuerUnconfirmed, Status: StatusNone}
	switch r.Version {
	case 2:
		v.verifyV2(ctx, doc, r)
	case 3:
		v.verifyV3(ctx, doc, r)
	default:
		return nil, ErrNotBlockcerts
	}
	if r.Errors == nil {
		r.Errors = []string{}
	}
	return r, nil
}

func (v *Verifier) verifyV2(ctx context.Context, doc map[string]any, r *Result) {
	r.Proof = TypeMerkleProof2017
	badge, _ := doc["badge"].(map[string]any)
	issuer, _ := badge["issuer"].(map[string]any)
	r.IssuerID = idOf(badge["issuer"])
	r.Dates = collectDates(doc, []string{"issuedOn"}, []string{"expires"})
	for i, d := range r.Dates {
		// Open Badges 2.0 allows a date without time: midnight UTC.
		if s, ok := d.Value.(string); ok && len(s) == len("2006-01-02") {
			r.Dates[i].Value = s + "T00:00:00Z"
		}
	}
	sig := doc["signature"].(map[string]any)
	rc, err := receipt2017(sig)
	if err != nil {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(err))
		return
	}
	r.Receipt = rc
	unsigned := copyWithout(doc, "signature")
	v.checkHash(unsigned, rc, r)
	v.checkAnchor(ctx, rc, r)
	v.checkRevocation(ctx, doc, issuer, r)
	if !v.checkIssuerKey(ctx, r.IssuerID, r.dateValue("issuedOn"), r) {
		r.Errors = append(r.Errors, msgIssuerUnconfirmed())
	}
}

// dateValue returns the value of the named date, nil when absent.
func (r *Result) dateValue(field string) any {
	for _, d := range r.Dates {
		if d.Field == field {
			return d.Value
		}
	}
	return nil
}

func (v *Verifier) verifyV3(ctx context.Context, doc map[string]any, r *Result) {
	p, idx, _ := merkleProof2019(doc["proof"])
	r.Proof = TypeMerkleProof2019
	if hasType(p["type"], TypeChainedProof2021) {
		r.Proof = TypeChainedProof2021 + "/" + TypeMerkleProof2019
	}
	r.IssuerID = idOf(doc["issuer"])
	r.VerificationMethod = str(p["verificationMethod"])
	r.Dates = collectDates(doc, []string{"issuanceDate", "validFrom"}, []string{"expirationDate", "validUntil"})
	if iss, msg := issuerOfMethod(r.IssuerID, r.VerificationMethod); iss != "" {
		r.Issuer = iss
		r.Errors = append(r.Errors, msg)
	}
	if purpose := str(p["proofPurpose"]); purpose != "" && purpose != "assertionMethod" {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, fmt.Sprintf("signature: the Merkle proof is for %q, not \"assertionMethod\": it does not vouch for the certificate's claims; ask the issuer for a fresh copy", purpose))
		return
	}
	rc, err := DecodeProofValue(str(p["proofValue"]))
	if err != nil {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(err))
		return
	}
	r.Receipt = rc
	unsigned, err := unsignedV3(doc, idx)
	if err != nil {
		r.Signature = SigUnsupported
		r.Errors = append(r.Errors, "signature: "+err.Error())
		return
	}
	v.checkHash(unsigned, rc, r)
	if others := otherProofs(doc["proof"]); others != "" {
		r.Errors = append(r.Errors, "signature: the certificate's other proofs ("+others+") were not checked; the Merkle proof covers them as part of the certificate")
	}
	v.checkAnchor(ctx, rc, r)
	if r.Issuer != IssuerMismatch {
		profile := r.IssuerID
		if !strings.HasPrefix(profile, "https://") {
			profile = r.VerificationMethod
		}
		issued := r.dateValue("issuanceDate")
		if issued == nil {
			issued = r.dateValue("validFrom")
		}
		if !v.checkIssuerKey(ctx, profile, issued, r) {
			r.Errors = append(r.Errors, msgIssuerUnconfirmed())
		}
	}
}

// unsignedV3 returns the document the Merkle proof at index idx (-1: the
// only proof) was made over: without the proof, or, for a ChainedProof2021
// in a list, with "proof" set to the proof it was chained to (the first
// proof in the list that is not a ChainedProof2021, as Blockcerts issues
// them).
func unsignedV3(doc map[string]any, idx int) (map[string]any, error) {
	if idx < 0 {
		return copyWithout(doc, "proof"), nil
	}
	list := doc["proof"].([]any)
	if len(list) == 1 {
		return copyWithout(doc, "proof"), nil
	}
	for _, x := range list {
		p, ok := x.(map[string]any)
		if ok && !hasType(p["type"], TypeChainedProof2021) {
			out := copyWithout(doc, "proof")
			out["proof"] = ld.Copy(p)
			return out, nil
		}
	}
	return nil, errors.New("a proof chain without an initial proof is not supported")
}

// otherProofs names the proofs of a proof list that are not Merkle proofs.
func otherProofs(v any) string {
	list, _ := v.([]any)
	var names []string
	for _, x := range list {
		p, _ := x.(map[string]any)
		if p == nil || hasType(p["type"], TypeMerkleProof2019) || hasType(p["type"], TypeChainedProof2021) {
			continue
		}
		t := str(p["type"])
		if t == "" {
			t = "(no type)"
		}
		names = append(names, t)
	}
	return strings.Join(names, ", ")
}

// checkHash sets r.Signature from the document hash and the Merkle path.
func (v *Verifier) checkHash(unsigned map[string]any, rc *Receipt, r *Result) {
	nq, err := v.proc.Canonize(unsigned)
	if err != nil {
		if errors.Is(err, ld.ErrUnknownContext) {
			r.Signature = SigUnsupported
			r.Errors = append(r.Errors, fmt.Sprintf("signature: the certificate's document hash cannot be computed: %v; Skillpass needs this JSON-LD context embedded to check Blockcerts", err))
			return
		}
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(fmt.Errorf("the certificate cannot be read as JSON-LD (%w)", err)))
		return
	}
	sum := sha256.Sum256([]byte(nq))
	got := hex.EncodeToString(sum[:])
	if !strings.EqualFold(got, rc.TargetHash) {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(fmt.Errorf("the certificate's content does not match its targetHash (computed %s, anchored %s): it was changed after issuing", got, rc.TargetHash)))
		return
	}
	if err := CheckPath(rc); err != nil {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(err))
		return
	}
	if err := v.proc.CheckDefined(unsigned); err != nil {
		r.Signature = SigInvalid
		r.Errors = append(r.Errors, msgSig(fmt.Errorf("the certificate holds data its hash does not cover, which could be changed unnoticed (%w)", err)))
		return
	}
	r.Signature = SigOK
}

// CheckPath checks that rc's path leads from its target hash to its Merkle
// root: each step hashes (with SHA-256) the sibling's bytes and the running
// hash's bytes, the sibling first when it is on the left.
func CheckPath(rc *Receipt) error {
	node, err := hash32(rc.TargetHash, "targetHash")
	if err != nil {
		return err
	}
	root, err := hash32(rc.MerkleRoot, "merkleRoot")
	if err != nil {
		return err
	}
	for i, s := range rc.Path {
		sib, err := hash32(s.Hash, fmt.Sprintf("proof step %d", i+1))
		if err != nil {
			return err
		}
		var buf []byte
		if s.Left {
			buf = append(append(buf, sib...), node...)
		} else {
			buf = append(append(buf, node...), sib...)
		}
		sum := sha256.Sum256(buf)
		node = sum[:]
	}
	if !bytes.Equal(node, root) {
		return fmt.Errorf("the Merkle proof does not lead from the targetHash to the merkleRoot (computed %x, anchored %x)", node, root)
	}
	return nil
}

// receipt2017 reads a MerkleProof2017 signature.
func receipt2017(sig map[string]any) (*Receipt, error) {
	rc := &Receipt{TargetHash: str(sig["targetHash"]), MerkleRoot: str(sig["merkleRoot"])}
	switch p := sig["proof"].(type) {
	case nil:
	case []any:
		for i, x := range p {
			m, ok := x.(map[string]any)
			if !ok || len(m) != 1 {
				return nil, fmt.Errorf("proof step %d is not an object with one \"left\" or \"right\"", i+1)
			}
			switch {
			case has(m, "left"):
				rc.Path = append(rc.Path, Step{Left: true, Hash: str(m["left"])})
			case has(m, "right"):
				rc.Path = append(rc.Path, Step{Hash: str(m["right"])})
			default:
				return nil, fmt.Errorf("proof step %d has neither \"left\" nor \"right\"", i+1)
			}
		}
	default:
		return nil, errors.New("the signature's proof is not a list")
	}
	anchors, _ := sig["anchors"].([]any)
	for _, x := range anchors {
		m, _ := x.(map[string]any)
		a := Anchor{TxID: str(m["sourceId"]), Chain: str(m["chain"])}
		if a.Chain == "" {
			// Early version 2 certificates name no chain: BTCOpReturn
			// meant Bitcoin, and they were issued on testnet or mainnet.
			switch str(m["type"]) {
			case "BTCOpReturn":
				a.Chain = "bitcoin"
			case "ETHData":
				a.Chain = "ethereum"
			}
		}
		rc.Anchors = append(rc.Anchors, a)
	}
	return rc, nil
}

// issuerOfMethod returns IssuerMismatch and a message when the proof's
// verificationMethod is a DID URL of another DID than the issuer's DID.
func issuerOfMethod(issuer, vm string) (string, string) {
	if !strings.HasPrefix(vm, "did:") || !strings.HasPrefix(issuer, "did:") {
		return "", ""
	}
	owner, _, _ := strings.Cut(vm, "#")
	if owner == issuer {
		return "", ""
	}
	return IssuerMismatch, fmt.Sprintf("issuer: the Merkle proof names key %s of %s, but the certificate's issuer is %s", vm, owner, issuer)
}

func msgSig(err error) string {
	return "signature: " + err.Error() + "; ask the issuer for a fresh copy"
}

func msgIssuerUnconfirmed() string {
	return "issuer: a Blockcerts Merkle proof is not signed by a key; the issuer is bound to the certificate by the address that paid for the blockchain transaction, which could not be checked against the issuer's profile"
}

// collectDates returns the start and end dates present in doc.
func collectDates(doc map[string]any, starts, ends []string) []Date {
	var out []Date
	for _, f := range starts {
		if v, ok := doc[f]; ok {
			out = append(out, Date{Field: f, Value: v})
		}
	}
	for _, f := range ends {
		if v, ok := doc[f]; ok {
			out = append(out, Date{Field: f, Value: v, End: true})
		}
	}
	return out
}

// copyWithout deep-copies doc without the named member.
func copyWithout(doc map[string]any, name string) map[string]any {
	out := make(map[string]any, len(doc))
	for k, x := range doc {
		if k != name {
			out[k] = ld.Copy(x)
		}
	}
	return out
}

// hash32 reads a 32-byte hex hash.
func hash32(s, name string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return nil, fmt.Errorf("the proof's %s %q is not a 32-byte hex hash", name, s)
	}
	return b, nil
}

func hasType(v any, t string) bool {
	switch x := v.(type) {
	case string:
		return x == t
	case []any:
		for _, e := range x {
			if e == t {
				return true
			}
		}
	}
	return false
}

func has(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}
