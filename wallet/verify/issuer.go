package verify

import (
	"strings"

	"github.com/skillpass/skillpass/did"
)

// Verification relationships a key must be listed under.
const (
	relAssertion      = "assertionMethod"
	relAuthentication = "authentication"
)

// relation judges whether key k, which made a verifying proof, belongs to
// controller — the issuer, or the holder when rel is relAuthentication —
// and is listed for rel. It returns an Issuer check value and, unless
// confirmed, a message.
func relation(controller string, k *methodKey, rel string) (string, string) {
	holder := rel == relAuthentication
	if controller == "" {
		if holder {
			return IssuerUnconfirmed, msgHolderUnnamed(k.id)
		}
		return IssuerMismatch, msgNoIssuer()
	}
	mismatch := func() (string, string) {
		if holder {
			return IssuerMismatch, msgHolderMismatch(k.id, k.owner, controller)
		}
		return IssuerMismatch, msgIssuerMismatch(k.id, k.owner, controller)
	}
	switch k.source {
	case fromDID:
		switch {
		case k.owner == controller:
			if listed(k.doc, k.id, rel) {
				return IssuerConfirmed, ""
			}
			return IssuerMismatch, msgNotListed(k.id, k.owner, rel)
		case strings.HasPrefix(controller, "did:"):
			return mismatch()
		default:
			return IssuerUnconfirmed, msgUnconfirmed(k.id, controller, "the key belongs to "+k.owner+", and "+controller+" is not a DID that could list it")
		}
	case fromFragment:
		if k.owner == controller {
			return IssuerUnconfirmed, msgUnconfirmed(k.id, controller, "the key is written into the key id itself, and anyone can write such an id")
		}
		return mismatch()
	default: // fromJWK
		return IssuerUnconfirmed, msgUnconfirmed("in the JWT header", controller, "the JWT carries its own key")
	}
}

// listed reports whether verification method id is listed under rel in doc.
// Relative references ("#key-1") are resolved against the document's id.
func listed(doc *did.Document, id, rel string) bool {
	if doc == nil {
		return false
	}
	list := doc.AssertionMethod
	if rel == relAuthentication {
		list = doc.Authentication
	}
	for _, ref := range list {
		if strings.HasPrefix(ref, "#") {
			ref = doc.ID + ref
		}
		if ref == id {
			return true
		}
	}
	return false
}

// combineIssuer folds per-proof issuer verdicts: any mismatch wins, then any
// confirmation; otherwise unconfirmed.
func combineIssuer(verdicts []string) string {
	out := IssuerUnconfirmed
	for _, v := range verdicts {
		switch v {
		case IssuerMismatch:
			return IssuerMismatch
		case IssuerConfirmed:
			out = IssuerConfirmed
		}
	}
	return out
}
