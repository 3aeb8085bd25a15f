package verify

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// Proof types and cryptosuites this package checks.
const (
	typeDataIntegrity    = "DataIntegrityProof"
	suiteEdDSARDFC2022   = "eddsa-rdfc-2022"
	typeEd25519Sig2018   = "Ed25519Signature2018"
	typeEd25519Sig2020   = "Ed25519Signature2020"
	typeJSONWebSig2020   = "JsonWebSignature2020"
	typeBBSSig2020       = "BbsBlsSignature2020"
	typeBBSSigProof2020  = "BbsBlsSignatureProof2020"
	labelDataIntegrityDI = typeDataIntegrity + "/" + suiteEdDSARDFC2022
)

// proofOutcome is the verdict on one proof of a proof set.
type proofOutcome struct {
	label string     // proof type, with the cryptosuite for DataIntegrityProof
	sig   string     // SigOK, SigInvalid or SigUnsupported
	vm    string     // verificationMethod as written
	key   *methodKey // the key, when it was obtained
	msg   string     // why, unless ok
}

// proofCheck is what a document's proofs must satisfy.
type proofCheck struct {
	what      string // "credential" or "presentation", for messages
	purpose   string // relAssertion or relAuthentication
	challenge string // required challenge ("" = none required)
	domain    string // required domain ("" = none required)
}

// proofVerdict is the signature verdict on a whole proof set.
type proofVerdict struct {
	sig      string
	outcomes []proofOutcome
	errs     []string
}

// labels returns the proof labels seen, in order.
func (pv *proofVerdict) labels() []string {
	var out []string
	for _, o := range pv.outcomes {
		out = append(out, o.label)
	}
	return out
}

// checkLDProofs judges every proof of doc separately and combines them: ok
// when at least one supported proof verifies and none fails; invalid when
// any supported proof fails or the document is not strict JSON-LD;
// unsupported when no proof could be checked; missing without proofs.
func (v *Verifier) checkLDProofs(ctx context.Context, doc map[string]any, pc proofCheck) *proofVerdict {
	pv := &proofVerdict{}
	raw, ok := doc["proof"]
	var proofs []any
	switch t := raw.(type) {
	case nil:
	case map[string]any:
		proofs = []any{t}
	case []any:
		proofs = t
	default:
		pv.sig = SigInvalid
		pv.errs = append(pv.errs, msgProofList())
		return pv
	}
	if !ok || len(proofs) == 0 {
		pv.sig = SigMissing
		pv.errs = append(pv.errs, msgNoProof(pc.what))
		return pv
	}

	for i, p := range proofs {
		pv.outcomes = append(pv.outcomes, v.checkOneProof(ctx, doc, p, i, pc))
	}

	// A signature covers only what canonicalization keeps: the document
	// without its proofs must be strict JSON-LD, every term defined and
	// every context shipped, or the reader would see claims nobody signed.
	// (Checked once a proof holds; a document none of whose proofs hold is
	// invalid or unchecked anyway, and the check costs a full expansion.)
	if combineSig(pv.outcomes) == SigOK {
		bare := make(map[string]any, len(doc))
		for k, x := range doc {
			if k != "proof" {
				bare[k] = x
			}
		}
		if msg := v.strictJSONLD(bare); msg != "" {
			for i := range pv.outcomes {
				if pv.outcomes[i].sig == SigOK {
					pv.outcomes[i].sig, pv.outcomes[i].msg = SigInvalid, msg
				}
			}
		}
	}
	for _, o := range pv.outcomes {
		if o.msg != "" && !contains(pv.errs, o.msg) {
			pv.errs = append(pv.errs, o.msg)
		}
	}
	pv.sig = combineSig(pv.outcomes)
	return pv
}

// combineSig folds per-proof verdicts.
func combineSig(outcomes []proofOutcome) string {
	anyOK := false
	for _, o := range outcomes {
		switch o.sig {
		case SigInvalid:
			return SigInvalid
		case SigOK:
			anyOK = true
		}
	}
	if anyOK {
		return SigOK
	}
	if len(outcomes) == 0 {
		return SigMissing
	}
	return SigUnsupported
}

// strictJSONLD returns a message when doc uses a term no context defines or
// a context Skillpass does not ship.
func (v *Verifier) strictJSONLD(doc map[string]any) string {
	err := v.proc.CheckDefined(doc)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ld.ErrUnknownContext):
		return msgUnknownContext(err)
	case errors.Is(err, ld.ErrUndefinedTerm):
		return msgUndefined(err)
	case errors.Is(err, ld.ErrDroppedValue):
		return msgDropped(err)
	default:
		return msgJSONLD(err)
	}
}

// proofLabel names a proof: its type, and for DataIntegrityProof its
// cryptosuite.
func proofLabel(p map[string]any, i int) string {
	if p == nil {
		return fmt.Sprintf("proof %d (not an object)", i+1)
	}
	t := str(p["type"])
	if t == "" {
		t = "(no type)"
	}
	if t == typeDataIntegrity {
		cs := str(p["cryptosuite"])
		if cs == "" {
			cs = "(no cryptosuite)"
		}
		return t + "/" + cs
	}
	return t
}

// ariesProofKeys are the proof properties aries' verifier signs over (or
// that carry the signature); any other property would be left unsigned.
var ariesProofKeys = map[string]bool{
	"@context": true, "type": true, "created": true, "creator": true, "verificationMethod": true,
	"proofValue": true, "jws": true, "proofPurpose": true, "domain": true, "nonce": true,
	"challenge": true, "capabilityChain": true,
}

// checkOneProof judges proof i of doc on its own.
func (v *Verifier) checkOneProof(ctx context.Context, doc map[string]any, raw any, i int, pc proofCheck) proofOutcome {
	p, ok := raw.(map[string]any)
	if !ok {
		return proofOutcome{label: proofLabel(nil, i), sig: SigInvalid, msg: msgProofShape(i)}
	}
	o := proofOutcome{label: proofLabel(p, i), vm: str(p["verificationMethod"])}
	fail := func(sig, msg string) proofOutcome {
		o.sig, o.msg = sig, msg
		return o
	}
	typ := str(p["type"])
	switch typ {
	case typeDataIntegrity:
		if _, ok := dataIntegritySuites[str(p["cryptosuite"])]; !ok {
			return fail(SigUnsupported, msgProofUnsupported(o.label))
		}
	case typeEd25519Sig2018, typeEd25519Sig2020, typeJSONWebSig2020, typeBBSSig2020, typeBBSSigProof2020:
		for k := range p {
			if !ariesProofKeys[k] {
				return fail(SigInvalid, msgProofMalformed(o.label, fmt.Sprintf("has a property %q that its signature does not cover", k)))
			}
		}
		for _, k := range []string{"type", "created", "verificationMethod", "proofPurpose", "domain", "challenge", "nonce", "proofValue", "jws", "creator"} {
			if x, ok := p[k]; ok {
				if _, isStr := x.(string); !isStr {
					return fail(SigInvalid, msgProofMalformed(o.label, fmt.Sprintf("has a %s that is not a string", k)))
				}
			}
		}
	default:
		return fail(SigUnsupported, msgProofUnsupported(o.label))
	}

	// The proof's own terms must be defined too (checked in the document's
	// context and type, which may scope the proof term).
	if msg := v.strictJSONLD(map[string]any{"@context": doc["@context"], "type": doc["type"], "proof": p}); msg != "" {
		return fail(SigInvalid, msg)
	}
	if got := str(p["proofPurpose"]); got != pc.purpose {
		return fail(SigInvalid, msgPurpose(o.label, got, pc.purpose))
	}
	if pc.challenge != "" {
		if got := str(p["challenge"]); got != pc.challenge {
			return fail(SigInvalid, msgChallenge(got, pc.challenge))
		}
	}
	if pc.domain != "" {
		// A Data Integrity domain may be a list of domains.
		if got := stringsOf(p["domain"]); !contains(got, pc.domain) {
			return fail(SigInvalid, msgDomain(strings.Join(got, ", "), pc.domain))
		}
	}
	if typ == typeBBSSigProof2020 {
		if path := blankNode(doc, ""); path != "" {
			return fail(SigInvalid, msgBBSNoID(path))
		}
	}
	if o.vm == "" {
		return fail(SigInvalid, msgKeyNone(o.label))
	}
	key, kerr := v.resolveKey(ctx, o.vm)
	if kerr != nil {
		return fail(kerr.sig, kerr.msg)
	}
	o.key = key
	if !keyFits(typ, str(p["cryptosuite"]), key.keyType) {
		return fail(SigInvalid, msgKeyType(o.label, o.vm, keyName(key)))
	}

	var err error
	if typ == typeDataIntegrity {
		err = v.verifyDataIntegrity(doc, p, key)
		if errors.Is(err, dataintegrity.ErrUnsupported) {
			return fail(SigUnsupported, msgProofUnsupported(fmt.Sprintf("%s (%v)", o.label, err)))
		}
	} else {
		// aries canonicalizes with json-gold, which has no limits of its
		// own: the document passes ours first (a poison graph would
		// otherwise hang it).
		if lerr := v.proc.CheckLimits(doc); lerr != nil {
			return fail(SigInvalid, msgTooMuchWork(lerr))
		}
		err = v.verifyAries(doc, p, typ, key)
	}
	switch {
	case err == nil:
	case errors.Is(err, ld.ErrTooLarge):
		return fail(SigInvalid, msgTooMuchWork(err))
	case errors.Is(err, dataintegrity.ErrBaseProof):
		return fail(SigInvalid, msgBaseProof(o.label))
	case errors.Is(err, ld.ErrUnknownContext):
		return fail(SigInvalid, msgUnknownContext(err))
	default:
		return fail(SigInvalid, msgProofFailed(o.label, o.vm, err))
	}
	o.sig = SigOK
	return o
}

// keyFits reports whether a key of type kt can make a proof of type typ
// (with cryptosuite suite, for DataIntegrityProof).
func keyFits(typ, suite string, kt did.KeyType) bool {
	switch typ {
	case typeDataIntegrity:
		return slices.Contains(dataIntegritySuites[suite], kt)
	case typeEd25519Sig2018, typeEd25519Sig2020:
		return kt == did.Ed25519
	case typeJSONWebSig2020:
		return kt == did.Ed25519 || kt == did.P256
	case typeBBSSig2020, typeBBSSigProof2020:
		return kt == did.BLS12381G2
	}
	return false
}

// bbsNonce decodes a derived BBS+ proof's nonce (standard base64, as aries
// writes it).
func bbsNonce(p map[string]any) ([]byte, error) {
	n, ok := p["nonce"]
	if !ok {
		return []byte{}, nil
	}
	s, _ := n.(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("nonce is not base64: %w", err)
	}
	return b, nil
}

// blankNode returns the JSON path of the first object in doc (outside
// proof and @context) that is a node without an id — "" when every node has
// one, and "(the credential)" when the top-level object has none. aries'
// BbsBlsSignatureProof2020 verification does not bind statements about such
// blank nodes: a derived credential without an id still verifies with its
// issuer and dates changed.
func blankNode(v any, path string) string {
	switch t := v.(type) {
	case map[string]any:
		if _, isValue := t["@value"]; isValue {
			return ""
		}
		if str(t["id"]) == "" && str(t["@id"]) == "" {
			if path == "" {
				return "(the credential)"
			}
			return path
		}
		for _, k := range sortedKeys(t) {
			if k == "proof" || k == "@context" {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if b := blankNode(t[k], p); b != "" {
				return b
			}
		}
	case []any:
		for i, x := range t {
			if b := blankNode(x, fmt.Sprintf("%s[%d]", path, i)); b != "" {
				return b
			}
		}
	}
	return ""
}

// sortedKeys returns the keys of m in order, for deterministic reports.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
