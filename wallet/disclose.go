package wallet

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignatureproof2020"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/verifier"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify"
)

// Selective disclosure
//
// A credential signed with BbsBlsSignature2020 can be shown in part: the
// wallet derives from it, with aries' BbsBlsSignatureProof2020 suite, a
// credential that holds only the chosen claims and a zero-knowledge proof
// that the issuer signed them. A presentation request names the claims by
// path (Choice.Disclose); the wallet turns the paths into a JSON-LD frame,
// derives, checks that the derived credential verifies and shows exactly
// the planned claims, and only then puts it into the holder-signed
// presentation.
//
// Always disclosed, whatever the request: the credential's @context, id,
// type, issuer, issuanceDate, expirationDate (validFrom and validUntil
// where present) and credentialStatus, the subject's id and type, and the
// id and type of every object on the path to a chosen claim. These are the
// statements that make a derived credential mean something (who issued it,
// when, to whom, whether it was revoked), and the verifier relies on the
// ids to bind them (see below).
//
// Ids: aries' BBS+ derivation and verification do not bind statements
// about objects without an id (blank nodes): a derived credential without
// an id still verifies with its issuer or dates changed, and package verify
// refuses any derived credential holding an object without one. So the
// wallet refuses, before deriving, a request whose disclosed part would
// hold an object without an id (ErrNeedsIDs), naming it: the learner can
// leave that claim out, or show the credential whole.
//
// Each derivation uses a fresh random nonce (and aries draws fresh
// blinding factors), so two presentations of the same credential share no
// proof bytes.

// Selective disclosure errors.
var (
	// ErrUnknownClaim is returned (wrapped) when a path to disclose names
	// nothing in the credential, or names something that cannot be chosen
	// (@context, proof).
	ErrUnknownClaim = errors.New("no such claim in this credential")
	// ErrNeedsIDs is returned (wrapped) when the part of a BBS+ credential
	// to disclose holds an object without an id, which a derived credential
	// cannot show soundly.
	ErrNeedsIDs = errors.New("this part of the credential cannot be shown on its own")
)

// bbsNonceLen is the length of the random nonce of each derivation.
const bbsNonceLen = 16

// alwaysShown are the top-level properties of a credential every derived
// credential discloses (when the credential has them), besides @context,
// id, type and the subjects' ids and types.
var alwaysShown = []string{
	"issuer", "issuanceDate", "expirationDate", "validFrom", "validUntil", "credentialStatus",
}

// discloseNode is one step of the chosen paths: whole means the value
// there is shown entire; kids are the chosen properties below it.
type discloseNode struct {
	whole bool
	kids  map[string]*discloseNode
}

// disclosure is what to show of one BBS+ credential.
type disclosure struct {
	frame map[string]any // the JSON-LD frame aries derives with
	shown map[string]any // the credential as the derived one will read (no proof)
}

// planDisclosure checks the paths against vc and works out the frame and
// what the derived credential will show. It derives nothing.
func planDisclosure(vc map[string]any, paths []string) (*disclosure, error) {
	if str(vc["id"]) == "" {
		return nil, fmt.Errorf("%w: the credential has no id, and without one a changed issuer or date would go unnoticed in a derived credential; show it whole", ErrNeedsIDs)
	}
	root := &discloseNode{kids: map[string]*discloseNode{}}
	for _, p := range paths {
		segs, err := resolvePath(vc, p)
		if err != nil {
			return nil, err
		}
		n := root
		for i, s := range segs {
			if n.whole {
				break
			}
			// An object's id and type are shown with it anyway: a path to
			// them chooses the object's node only (framing them as values
			// of their own would replace the type the frame matches on,
			// and the derived proof would not verify).
			if i == len(segs)-1 && (s == "id" || s == "type") {
				break
			}
			k := n.kids[s]
			if k == nil {
				k = &discloseNode{kids: map[string]*discloseNode{}}
				n.kids[s] = k
			}
			if i == len(segs)-1 {
				k.whole, k.kids = true, nil
			}
			n = k
		}
	}
	// The subject is always framed (its id and type are always shown).
	if _, ok := vc["credentialSubject"]; ok && root.kids["credentialSubject"] == nil {
		root.kids["credentialSubject"] = &discloseNode{kids: map[string]*discloseNode{}}
	}
	for _, k := range alwaysShown {
		if _, ok := vc[k]; ok {
			root.kids[k] = &discloseNode{whole: true}
		}
	}
	// The id and type are written into the frame and the view below.
	delete(root.kids, "id")
	delete(root.kids, "type")

	frame := map[string]any{"@context": vc["@context"], "@explicit": true}
	if t, ok := vc["type"]; ok {
		frame["type"] = t
	}
	shown := map[string]any{"@context": vc["@context"], "id": vc["id"]}
	if t, ok := vc["type"]; ok {
		shown["type"] = t
	}
	for _, k := range orderedKeys(root.kids) {
		frame[k] = frameOf(vc[k], root.kids[k])
		shown[k] = project(vc[k], root.kids[k])
	}
	if path := blankPath(shown, ""); path != "" {
		return nil, fmt.Errorf("%w: %s has no id, and a derived credential can only show objects that have one; leave it out, or show the credential whole", ErrNeedsIDs, path)
	}
	return &disclosure{frame: frame, shown: shown}, nil
}

// resolvePath splits a path to disclose into the properties from the
// credential's root. A path may start at the root
// ("credentialSubject.achievement.name", "name") or under
// credentialSubject ("achievement.name") when its first step is not a
// top-level property of the credential. Every step must exist.
func resolvePath(vc map[string]any, p string) ([]string, error) {
	p = strings.TrimSpace(p)
	segs := strings.Split(p, ".")
	for _, s := range segs {
		if s == "" || strings.HasPrefix(s, "@") || s == "proof" {
			return nil, fmt.Errorf("%w: %q cannot be chosen", ErrUnknownClaim, p)
		}
	}
	if _, top := vc[segs[0]]; !top {
		segs = append([]string{"credentialSubject"}, segs...)
	}
	if !pathExists(vc, segs) {
		return nil, fmt.Errorf("%w: %q (its claims: %s)", ErrUnknownClaim, p, strings.Join(claimPaths(vc), ", "))
	}
	return segs, nil
}

// pathExists reports whether v has the properties segs, looking into every
// element of a list.
func pathExists(v any, segs []string) bool {
	if len(segs) == 0 {
		return true
	}
	switch t := v.(type) {
	case map[string]any:
		x, ok := t[segs[0]]
		return ok && pathExists(x, segs[1:])
	case []any:
		for _, x := range t {
			if pathExists(x, segs) {
				return true
			}
		}
	}
	return false
}

// frameOf is the frame of value v for node n: {} (everything) for a whole
// value, else only the chosen properties and the objects' types (which
// also select the type-scoped contexts Open Badges terms live in).
func frameOf(v any, n *discloseNode) map[string]any {
	if n.whole {
		return map[string]any{}
	}
	f := map[string]any{"@explicit": true}
	if types := typesOf(v); len(types) > 0 {
		f["type"] = types
	}
	for _, k := range orderedKeys(n.kids) {
		f[k] = frameOf(childValues(v, k), n.kids[k])
	}
	return f
}

// project is value v as node n shows it: whole, or each object's id, type
// and chosen properties.
func project(v any, n *discloseNode) any {
	if n.whole {
		return ld.Copy(v)
	}
	switch t := v.(type) {
	case []any:
		out := make([]any, 0, len(t))
		for _, x := range t {
			if _, ok := x.(map[string]any); ok {
				out = append(out, project(x, n))
			}
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for _, k := range []string{"id", "type"} {
			if x, ok := t[k]; ok {
				out[k] = ld.Copy(x)
			}
		}
		for k, kid := range n.kids {
			if x, ok := t[k]; ok {
				out[k] = project(x, kid)
			}
		}
		return out
	}
	return ld.Copy(v)
}

// typesOf collects the types of the objects in v (an object or a list).
func typesOf(v any) []any {
	var out []any
	add := func(s string) {
		if s != "" && !slices.Contains(out, any(s)) {
			out = append(out, s)
		}
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				if m, ok := x.(map[string]any); ok {
					walk(m)
				}
			}
		case map[string]any:
			switch ty := t["type"].(type) {
			case string:
				add(ty)
			case []any:
				for _, x := range ty {
					s, _ := x.(string)
					add(s)
				}
			}
		}
	}
	walk(v)
	return out
}

// childValues is property k of v, or of each object in v, as one list.
func childValues(v any, k string) any {
	switch t := v.(type) {
	case map[string]any:
		return t[k]
	case []any:
		var out []any
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				if c, ok := m[k]; ok {
					if l, isList := c.([]any); isList {
						out = append(out, l...)
					} else {
						out = append(out, c)
					}
				}
			}
		}
		return out
	}
	return nil
}

// blankPath returns the path of the first object in v (outside @context
// and proof) without an id, or "".
func blankPath(v any, path string) string {
	switch t := v.(type) {
	case map[string]any:
		if _, isValue := t["@value"]; isValue {
			return ""
		}
		if str(t["id"]) == "" && str(t["@id"]) == "" {
			if path == "" {
				return "the credential"
			}
			return path
		}
		for _, k := range orderedKeys(t) {
			if k == "proof" || k == "@context" {
				continue
			}
			p := k
			if path != "" {
				p = path + "." + k
			}
			if b := blankPath(t[k], p); b != "" {
				return b
			}
		}
	case []any:
		for _, x := range t {
			if b := blankPath(x, path); b != "" {
				return b
			}
		}
	}
	return ""
}

// orderedKeys returns m's keys, sorted.
func orderedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// deriveLD is the JSON-LD loader derivations use (embedded contexts only).
var deriveLD struct {
	once   sync.Once
	loader *ld.Loader
	err    error
}

func deriveLoader() (*ld.Loader, error) {
	deriveLD.once.Do(func() { deriveLD.loader, deriveLD.err = ld.NewLoader() })
	return deriveLD.loader, deriveLD.err
}

// derive makes the derived credential of vc that d plans, with a fresh
// nonce, and checks it: it must show exactly d.shown and its derived proof
// must verify with v. The BBS+ work holds verify.LockBBS.
func derive(ctx context.Context, v *verify.Verifier, vc map[string]any, d *disclosure) (map[string]any, error) {
	pub, err := bbsIssuerKey(vc)
	if err != nil {
		return nil, err
	}
	loader, err := deriveLoader()
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	nonce := make([]byte, bbsNonceLen)
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	doc, ok := ld.Copy(vc).(map[string]any)
	if !ok {
		return nil, errors.New("derive: the credential is not an object")
	}
	frame, _ := ld.Copy(d.frame).(map[string]any)
	var out map[string]any
	err = func() (err error) {
		unlock := verify.LockBBS()
		defer unlock()
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the BBS+ library failed: %v", r)
			}
		}()
		s := bbsblssignatureproof2020.New()
		out, err = s.SelectiveDisclosure(doc, frame, nonce, fixedBBSKey{pub}, jsonld.WithDocumentLoader(loader))
		return err
	}()
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	// The derived credential is the planned view of the credential with
	// aries' derived proofs: aries' own framed document says the same
	// statements, but its compaction may spell keys differently from the
	// credential (Open Badges maps both "achievement" and "Achievement" to
	// one IRI, and compaction picks the latter). The proof covers the
	// canonical statements, not the spelling: the check below proves the
	// view states exactly the revealed statements.
	rawProofs, err := json.Marshal(out["proof"])
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	var proofs []any
	if err := json.Unmarshal(rawProofs, &proofs); err != nil || len(proofs) == 0 {
		return nil, errors.New("derive: aries returned no derived proof")
	}
	derived, _ := ld.Copy(d.shown).(map[string]any)
	if len(proofs) == 1 {
		derived["proof"] = proofs[0]
	} else {
		derived["proof"] = proofs
	}
	raw, err := compactJSON(derived)
	if err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	if derived, err = ld.Decode(raw); err != nil {
		return nil, fmt.Errorf("derive: %w", err)
	}
	r := v.VerifyCredential(ctx, ld.Copy(derived).(map[string]any))
	if r.Checks.Signature != verify.SigOK {
		return nil, fmt.Errorf("derive: the derived credential does not verify: %s", strings.Join(r.Errors, "; "))
	}
	return derived, nil
}

// fixedBBSKey answers aries' key resolution with the issuer's BLS12-381
// G2 key.
type fixedBBSKey struct{ pub []byte }

// Resolve returns the key whatever id is asked.
func (k fixedBBSKey) Resolve(string) (*verifier.PublicKey, error) {
	return &verifier.PublicKey{Type: "Bls12381G2Key2020", Value: k.pub}, nil
}

// bbsIssuerKey reads the issuer's BLS12-381 G2 public key from the
// verification method of vc's BBS+ proof: a did:key, or a URL whose
// fragment is a did:key key (the wallet derives offline; the derived proof
// is checked afterwards with the wallet's verifier, which resolves
// methods in full).
func bbsIssuerKey(vc map[string]any) ([]byte, error) {
	var vm string
	for _, p := range proofList(vc["proof"]) {
		if str(p["type"]) == "BbsBlsSignature2020" {
			vm = str(p["verificationMethod"])
			break
		}
	}
	var key string
	switch {
	case strings.HasPrefix(vm, "did:key:"):
		key, _, _ = strings.Cut(vm, "#")
	case vm != "":
		if u, err := url.Parse(vm); err == nil && strings.HasPrefix(u.Fragment, "z") {
			key = "did:key:" + u.Fragment
		}
	}
	if key == "" {
		return nil, fmt.Errorf("%w: the issuer's BBS+ key %q is not a did:key, which the wallet needs to derive offline; show the credential whole", ErrCannotPresent, vm)
	}
	kt, pub, err := did.ParseKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: the issuer's BBS+ key: %w", ErrCannotPresent, err)
	}
	if kt != did.BLS12381G2 {
		return nil, fmt.Errorf("%w: the issuer's BBS+ proof names a %s key", ErrCannotPresent, kt)
	}
	return pub, nil
}

// proofList returns a credential's proofs (one object or a list).
func proofList(v any) []map[string]any {
	var out []map[string]any
	switch t := v.(type) {
	case map[string]any:
		out = append(out, t)
	case []any:
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	return out
}
