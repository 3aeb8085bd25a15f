package verify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/skillpass/skillpass/did"
)

// keySource says where a key came from, which decides what it can prove
// about the issuer.
type keySource int

const (
	// fromDID: the key was resolved from a DID document (did:key, did:web).
	fromDID keySource = iota + 1
	// fromFragment: the key is written in the method id's fragment, e.g.
	// https://example.com/issuers/1#z6Mk... (integrity only).
	fromFragment
	// fromJWK: the key travels in the JWT's own jwk header (integrity only).
	fromJWK
)

// methodKey is a public key found for a verification method.
type methodKey struct {
	id      string      // the verification method id, as resolved
	keyType did.KeyType // Ed25519, BLS12381G2, P-256; "" for a JWK
	pub     []byte      // raw public key bytes
	jwk     any         // public key of a JWK header (fromJWK)
	source  keySource
	owner   string        // the DID (fromDID) or URL (fromFragment) the key belongs to
	doc     *did.Document // the owner's DID document (fromDID)
}

// keyError is why a key could not be had; sig is the signature verdict it
// leads to (SigInvalid or SigUnsupported) and msg the sentence to show.
type keyError struct {
	sig string
	msg string
}

func (e *keyError) Error() string { return e.msg }

// resolveKey finds the public key of verification method vm.
func (v *Verifier) resolveKey(ctx context.Context, vm string) (*methodKey, *keyError) {
	if strings.HasPrefix(vm, "did:") {
		return v.resolveDIDKey(ctx, vm)
	}
	u, err := url.Parse(vm)
	if err != nil || u.Scheme == "" {
		return nil, &keyError{SigInvalid, msgKeyInvalid(vm, errors.New("not a DID or URL"))}
	}
	frag := u.Fragment
	if !strings.HasPrefix(frag, "z") {
		return nil, &keyError{SigUnsupported, msgKeyUnsupported(vm, errors.New("a key published at a web address that is not a DID"))}
	}
	kt, pub, err := did.ParseKey("did:key:" + frag)
	if err != nil {
		if errors.Is(err, did.ErrUnsupported) {
			return nil, &keyError{SigUnsupported, msgKeyUnsupported(vm, err)}
		}
		return nil, &keyError{SigInvalid, msgKeyInvalid(vm, err)}
	}
	owner := vm[:len(vm)-len(u.Fragment)-1]
	return &methodKey{id: vm, keyType: kt, pub: pub, source: fromFragment, owner: owner}, nil
}

// resolveDIDKey resolves a DID URL through the did package.
func (v *Verifier) resolveDIDKey(ctx context.Context, vm string) (*methodKey, *keyError) {
	ref := vm
	// A bare did:key names its only key.
	if strings.HasPrefix(ref, "did:key:") && !strings.Contains(ref, "#") {
		ref += "#" + strings.TrimPrefix(ref, "did:key:")
	}
	m, doc, err := v.resolver.VerificationMethod(ctx, ref)
	if err != nil {
		return nil, classifyDIDError(vm, err)
	}
	if m == nil || doc == nil {
		return nil, &keyError{SigInvalid, msgKeyInvalid(vm, errors.New("the DID document has no such key"))}
	}
	owner := didOf(m.ID)
	if owner == "" {
		owner = doc.ID
	}
	return &methodKey{id: m.ID, keyType: m.KeyType, pub: m.PublicKey, source: fromDID, owner: owner, doc: doc}, nil
}

// classifyDIDError turns a did package error into a verdict and a message.
func classifyDIDError(vm string, err error) *keyError {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return &keyError{SigUnsupported, msgKeyUnavailable(vm, err)}
	case errors.Is(err, did.ErrOffline):
		return &keyError{SigUnsupported, msgKeyOffline(vm)}
	case errors.Is(err, did.ErrUnsupported):
		return &keyError{SigUnsupported, msgKeyUnsupported(vm, err)}
	case errors.Is(err, did.ErrNotFound), errors.Is(err, did.ErrInvalidDID), errors.Is(err, did.ErrInvalidKey),
		errors.Is(err, did.ErrInvalidDocument), errors.Is(err, did.ErrIDMismatch):
		return &keyError{SigInvalid, msgKeyInvalid(vm, err)}
	default: // fetch failures: not found on disk, network errors, too large
		return &keyError{SigUnsupported, msgKeyUnavailable(vm, err)}
	}
}

// didOf returns the DID part of a DID URL ("" if s is not a DID URL).
func didOf(s string) string {
	if !strings.HasPrefix(s, "did:") {
		return ""
	}
	if i := strings.IndexAny(s, "#?/"); i >= 0 {
		// did:web paths use ':' not '/', so the first of #?/ ends the DID.
		return s[:i]
	}
	return s
}

// keyName describes a key type for messages.
func keyName(k *methodKey) string {
	if k.keyType != "" {
		return string(k.keyType)
	}
	return fmt.Sprintf("%T", k.jwk)
}
