package verify

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/skillpass/skillpass/wallet/verify/blockcerts"
	"github.com/skillpass/skillpass/wallet/verify/opencerts"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// Formats of blockchain-anchored credentials, reported in Result.Format.
const (
	// FormatBlockcerts is a Blockcerts certificate (version 2 or 3).
	FormatBlockcerts = "blockcerts"
	// FormatOpenCerts is an OpenAttestation v2 document (.opencert).
	FormatOpenCerts = "opencerts"
)

// Anchor check values (Checks.Anchor), set only for FormatBlockcerts and
// FormatOpenCerts: whether the blockchain transaction (Blockcerts) or
// document store (OpenCerts) the credential names carries its Merkle root.
const (
	// AnchorOK means the transaction carries the Merkle root.
	AnchorOK = "ok"
	// AnchorUnknown means it was not checked: offline without a local copy
	// of the transaction, a test chain, a chain Skillpass does not read, or
	// (OpenCerts) always, since document stores are not read.
	AnchorUnknown = "unknown"
	// AnchorMismatch means the transaction carries something else.
	AnchorMismatch = "mismatch"
)

// verifyAnchored judges Blockcerts certificates and OpenAttestation
// documents; ok is false when data is neither. A Merkle proof is only as
// good as its anchor: anyone can build a certificate whose hash and Merkle
// path agree, and only the blockchain transaction (or document store) that
// carries the root shows the issuer published it. So such a credential is
// verified only when Checks.Anchor is "ok" (see finish), and a verdict with
// "anchor": "unknown" says what to provide to check it.
func (v *Verifier) verifyAnchored(ctx context.Context, data []byte) (*Result, bool) {
	b := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\xef\xbb\xbf")))
	if len(b) == 0 || b[0] != '{' || len(b) > maxInput {
		return nil, false
	}
	// Every format here names a Merkle proof type (MerkleProof2017,
	// MerkleProof2019, SHA3MerkleProof); other credentials skip the parse.
	if !bytes.Contains(b, []byte("MerkleProof")) {
		return nil, false
	}
	var doc map[string]any
	if json.Unmarshal(b, &doc) != nil {
		return nil, false
	}
	switch {
	case blockcerts.Detect(doc):
		return v.verifyBlockcerts(ctx, doc), true
	case opencerts.Detect(doc):
		return v.verifyOpenCerts(doc), true
	}
	return nil, false
}

// verifyBlockcerts judges a Blockcerts certificate (see package blockcerts
// for what each check means).
func (v *Verifier) verifyBlockcerts(ctx context.Context, doc map[string]any) *Result {
	r := &Result{Kind: KindCredential, Format: FormatBlockcerts}
	bv := blockcerts.New(v.proc, v.opts.Fetcher)
	res, err := bv.Verify(ctx, doc)
	if err != nil { // Detect said yes; cannot happen
		r.Checks = Checks{Signature: SigInvalid, Validity: ValidNotYet, Status: string(status.Unknown), Issuer: IssuerUnconfirmed, Anchor: AnchorUnknown}
		r.Errors = []string{msgJSONLD(err)}
		return finish(r)
	}
	r.Checks = Checks{Signature: res.Signature, Status: res.Status, Issuer: res.Issuer, Anchor: res.Anchor}
	r.Proofs = []string{res.Proof}
	r.IssuerID = res.IssuerID
	r.VerificationMethod = res.VerificationMethod
	r.Errors = append(r.Errors, res.Errors...)
	per := &period{now: v.now(), what: KindCredential}
	for _, d := range res.Dates {
		if d.End {
			per.end(d.Field, d.Value, true)
		} else {
			per.start(d.Field, d.Value, true)
		}
	}
	if res.Version == 3 {
		if isV1(doc) && !has(doc, "issuanceDate") {
			per.missingStart(msgNoIssuanceDate())
		}
		v.checkStatus(ctx, r, res.IssuerID, doc["credentialStatus"])
	}
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)
	return finish(r)
}

// verifyOpenCerts judges an OpenAttestation v2 document (see package
// opencerts for what each check means).
func (v *Verifier) verifyOpenCerts(doc map[string]any) *Result {
	r := &Result{Kind: KindCredential, Format: FormatOpenCerts}
	res, err := opencerts.Verify(doc)
	if err != nil { // Detect said yes; cannot happen
		r.Checks = Checks{Signature: SigInvalid, Validity: ValidNotYet, Status: string(status.Unknown), Issuer: IssuerUnconfirmed, Anchor: AnchorUnknown}
		r.Errors = []string{msgJSONLD(err)}
		return finish(r)
	}
	// Revocation of an OpenAttestation document is recorded on the same
	// document store that issued it, which is not read: unknown.
	r.Checks = Checks{Signature: res.Signature, Status: string(status.Unknown), Issuer: res.Identity, Anchor: res.Anchor}
	r.Proofs = []string{res.Proof}
	r.IssuerID = res.IssuerID
	r.Errors = append(r.Errors, res.Errors...)
	r.Errors = append(r.Errors, "status: revocation is recorded on the issuer's document store, which was not checked")
	per := &period{now: v.now(), what: KindCredential}
	for _, d := range res.Dates {
		if d.End {
			per.end(d.Field, d.Value, true)
		} else {
			per.start(d.Field, d.Value, true)
		}
	}
	r.Checks.Validity = per.verdict()
	r.Errors = append(r.Errors, per.errs...)
	return finish(r)
}
