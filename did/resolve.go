package did

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mr-tron/base58"
)

// Verification method types this package reads.
const (
	// TypeEd25519VerificationKey2018 carries an Ed25519 key, usually as
	// publicKeyBase58.
	TypeEd25519VerificationKey2018 = "Ed25519VerificationKey2018"
	// TypeEd25519VerificationKey2020 carries an Ed25519 key as
	// multicodec-prefixed publicKeyMultibase; did:key uses it for Ed25519.
	TypeEd25519VerificationKey2020 = "Ed25519VerificationKey2020"
	// TypeBls12381G2Key2020 carries a BLS12-381 G2 key (BBS+); did:key uses
	// it for BLS12-381 G2.
	TypeBls12381G2Key2020 = "Bls12381G2Key2020"
	// TypeMultikey carries any supported key as multicodec-prefixed
	// publicKeyMultibase; did:key uses it for P-256.
	TypeMultikey = "Multikey"
	// TypeJSONWebKey2020 carries any supported key as publicKeyJwk.
	TypeJSONWebKey2020 = "JsonWebKey2020"
)

// VerificationMethod is a public key from a DID document, decoded and
// validated.
type VerificationMethod struct {
	// ID is the full DID URL of the method (did:...#fragment).
	ID string
	// Type is the verification method type as the document states it
	// (Ed25519VerificationKey2020, Multikey, JsonWebKey2020, ...).
	Type string
	// Controller is the DID that controls the key (the document's id when
	// the document leaves it out).
	Controller string
	// KeyType is the kind of key in PublicKey.
	KeyType KeyType
	// PublicKey is the raw key: 32 bytes for Ed25519, 96 bytes (compressed)
	// for BLS12-381 G2, 65 bytes SEC 1 uncompressed (0x04 || X || Y) for
	// P-256, ready for crypto/ecdsa.ParseUncompressedPublicKey.
	PublicKey []byte
}

// Document is the part of a DID document that verification needs.
type Document struct {
	// ID is the DID the document describes.
	ID string
	// VerificationMethod lists the usable keys: those of the document's
	// verificationMethod (and legacy publicKey) lists and those embedded in
	// its relationships. Methods of unsupported types or with bad keys are
	// left out; VerificationMethod on a Resolver reports why.
	VerificationMethod []VerificationMethod
	// AssertionMethod holds the full ids of the methods allowed to issue
	// credentials; relative references ("#key-1") are resolved against ID.
	AssertionMethod []string
	// Authentication holds the full ids of the methods allowed to
	// authenticate (sign presentations), resolved like AssertionMethod.
	Authentication []string

	// unusable maps the ids of left-out methods to the reason.
	unusable map[string]error
}

// Method returns the verification method with the given full id, or nil.
func (d *Document) Method(id string) *VerificationMethod {
	for i := range d.VerificationMethod {
		if d.VerificationMethod[i].ID == id {
			return &d.VerificationMethod[i]
		}
	}
	return nil
}

// IsAssertionMethod reports whether the method id is listed under
// assertionMethod.
func (d *Document) IsAssertionMethod(id string) bool { return contains(d.AssertionMethod, id) }

// IsAuthentication reports whether the method id is listed under
// authentication.
func (d *Document) IsAuthentication(id string) bool { return contains(d.Authentication, id) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// clone returns a deep copy, so cached documents cannot be changed by callers.
func (d *Document) clone() *Document {
	c := &Document{
		ID:              d.ID,
		AssertionMethod: append([]string(nil), d.AssertionMethod...),
		Authentication:  append([]string(nil), d.Authentication...),
		unusable:        d.unusable, // never written after parsing
	}
	c.VerificationMethod = make([]VerificationMethod, len(d.VerificationMethod))
	for i, vm := range d.VerificationMethod {
		vm.PublicKey = clone(vm.PublicKey)
		c.VerificationMethod[i] = vm
	}
	return c
}

// WebCacheTTL is how long a Resolver reuses a did:web document it fetched.
const WebCacheTTL = 5 * time.Minute

// Resolver resolves did:key and did:web. It is safe for concurrent use.
// did:web documents are fetched through the Fetcher given to NewResolver and
// kept for WebCacheTTL; did:key documents are computed and kept.
type Resolver struct {
	fetcher Fetcher
	now     func() time.Time

	mu    sync.Mutex
	cache map[string]cacheEntry
}

type cacheEntry struct {
	doc *Document
	at  time.Time
	web bool
}

// maxCacheEntries bounds the Resolver's memory; the cache is emptied when
// it is reached.
const maxCacheEntries = 4096

// NewResolver returns a Resolver that fetches did:web documents with f.
// f may be nil: did:key still resolves and did:web returns an error
// wrapping ErrOffline.
func NewResolver(f Fetcher) *Resolver {
	return &Resolver{fetcher: f, now: time.Now, cache: map[string]cacheEntry{}}
}

// Resolve resolves a DID (without fragment, query or path).
//
// For did:key it generates the document: one verification method with id
// did:key:z...#z..., of type Ed25519VerificationKey2020, Bls12381G2Key2020 or
// Multikey (P-256), listed in assertionMethod and authentication.
//
// For did:web it fetches did.json from the URL WebURL gives, refuses a
// document whose id is not the DID (ErrIDMismatch), and decodes the
// verification methods of types Ed25519VerificationKey2018/2020, Multikey,
// JsonWebKey2020 and Bls12381G2Key2020 that carry publicKeyMultibase
// (base58btc, multicodec-prefixed), publicKeyBase58 (raw key, for the
// Ed25519 and BLS types) or publicKeyJwk (OKP Ed25519, EC P-256, EC
// BLS12381_G2; a JWK with a private part is refused).
//
// The returned document is the caller's to change.
func (r *Resolver) Resolve(ctx context.Context, did string) (*Document, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	doc, err := r.resolve(ctx, did)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", shorten(did), err)
	}
	return doc.clone(), nil
}

func (r *Resolver) resolve(ctx context.Context, did string) (*Document, error) {
	if strings.ContainsAny(did, "#?/") {
		return nil, fmt.Errorf("%w: a did has no fragment, query or path (use VerificationMethod for did urls)", ErrInvalidDID)
	}
	if doc := r.cached(did); doc != nil {
		return doc, nil
	}
	var (
		doc *Document
		err error
		web bool
	)
	switch {
	case strings.HasPrefix(did, keyPrefix):
		doc, err = keyDocument(did)
	case strings.HasPrefix(did, webPrefix):
		web = true
		doc, err = r.resolveWeb(ctx, did)
	case strings.HasPrefix(did, "did:"):
		method, _, _ := strings.Cut(strings.TrimPrefix(did, "did:"), ":")
		return nil, fmt.Errorf("did method %q: %w", shorten(method), ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: does not start with \"did:\"", ErrInvalidDID)
	}
	if err != nil {
		return nil, err
	}
	r.store(did, doc, web)
	return doc, nil
}

func (r *Resolver) cached(did string) *Document {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.cache[did]
	if !ok {
		return nil
	}
	if e.web && r.now().Sub(e.at) >= WebCacheTTL {
		delete(r.cache, did)
		return nil
	}
	return e.doc
}

func (r *Resolver) store(did string, doc *Document, web bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.cache) >= maxCacheEntries {
		clear(r.cache)
	}
	r.cache[did] = cacheEntry{doc: doc, at: r.now(), web: web}
}

// VerificationMethod resolves a DID URL (did:...#fragment) to the verification
// method it names and the document it came from. It returns an error
// wrapping ErrNotFound if the document has no such method, and one wrapping
// ErrUnsupported or ErrInvalidKey if the document has it but it could not be
// used. A did:key URL without fragment yields the key's only method.
func (r *Resolver) VerificationMethod(ctx context.Context, didURL string) (*VerificationMethod, *Document, error) {
	vm, doc, err := r.verificationMethod(ctx, didURL)
	if err != nil {
		return nil, nil, fmt.Errorf("verification method %s: %w", shorten(didURL), err)
	}
	return vm, doc, nil
}

func (r *Resolver) verificationMethod(ctx context.Context, didURL string) (*VerificationMethod, *Document, error) {
	did, frag, hasFrag := strings.Cut(didURL, "#")
	if strings.ContainsAny(did, "?/") {
		return nil, nil, fmt.Errorf("%w: did urls with a path or query are not supported", ErrInvalidDID)
	}
	doc, err := r.Resolve(ctx, did)
	if err != nil {
		return nil, nil, err
	}
	if !hasFrag {
		if strings.HasPrefix(did, keyPrefix) && len(doc.VerificationMethod) == 1 {
			return &doc.VerificationMethod[0], doc, nil
		}
		return nil, nil, fmt.Errorf("%w: did url has no #fragment naming a verification method", ErrInvalidDID)
	}
	if frag == "" {
		return nil, nil, fmt.Errorf("%w: empty fragment", ErrInvalidDID)
	}
	id := doc.ID + "#" + frag
	if vm := doc.Method(id); vm != nil {
		return vm, doc, nil
	}
	if why, ok := doc.unusable[id]; ok {
		return nil, nil, fmt.Errorf("present in the document but unusable: %w", why)
	}
	return nil, nil, fmt.Errorf("%w in the document of %s", ErrNotFound, shorten(doc.ID))
}

// keyDocument generates the DID document of a did:key.
func keyDocument(did string) (*Document, error) {
	t, pub, err := parseKey(did)
	if err != nil {
		return nil, err
	}
	vmType := TypeMultikey
	switch t {
	case Ed25519:
		vmType = TypeEd25519VerificationKey2020
	case BLS12381G2:
		vmType = TypeBls12381G2Key2020
	}
	id := did + "#" + strings.TrimPrefix(did, keyPrefix)
	return &Document{
		ID: did,
		VerificationMethod: []VerificationMethod{{
			ID: id, Type: vmType, Controller: did, KeyType: t, PublicKey: pub,
		}},
		AssertionMethod: []string{id},
		Authentication:  []string{id},
	}, nil
}

const webPrefix = "did:web:"

// idSegment is one colon-separated part of a did:web method-specific id:
// idchar (ALPHA / DIGIT / "." / "-" / "_") or pct-encoded.
var idSegment = regexp.MustCompile(`^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$`)

// WebURL maps a did:web to the URL of its DID document, per the did:web
// spec: did:web:example.com -> https://example.com/.well-known/did.json,
// did:web:example.com:a:b -> https://example.com/a/b/did.json, and a
// percent-encoded port, did:web:example.com%3A3000 ->
// https://example.com:3000/.well-known/did.json. It refuses fragments,
// queries, empty parts, "." and ".." path parts and characters the DID
// syntax does not allow.
func WebURL(didWeb string) (string, error) {
	u, err := webURL(didWeb)
	if err != nil {
		return "", fmt.Errorf("did:web url of %q: %w", shorten(didWeb), err)
	}
	return u, nil
}

func webURL(didWeb string) (string, error) {
	msid, ok := strings.CutPrefix(didWeb, webPrefix)
	if !ok {
		return "", fmt.Errorf("%w: does not start with %q", ErrInvalidDID, webPrefix)
	}
	if msid == "" {
		return "", fmt.Errorf("%w: no domain", ErrInvalidDID)
	}
	segs := strings.Split(msid, ":")
	dec := make([]string, len(segs))
	for i, s := range segs {
		if !idSegment.MatchString(s) {
			if s == "" {
				return "", fmt.Errorf("%w: empty part in %q", ErrInvalidDID, shorten(msid))
			}
			return "", fmt.Errorf("%w: part %q has characters a did cannot hold (percent-encode them)", ErrInvalidDID, shorten(s))
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", fmt.Errorf("%w: part %q: %v", ErrInvalidDID, shorten(s), err)
		}
		dec[i] = d
	}
	host, err := webHost(dec[0])
	if err != nil {
		return "", err
	}
	p := "/.well-known/did.json"
	if len(dec) > 1 {
		for _, s := range dec[1:] {
			if s == "." || s == ".." || strings.ContainsAny(s, "/\\\x00") {
				return "", fmt.Errorf("%w: path part %q is not allowed", ErrInvalidDID, shorten(s))
			}
		}
		p = "/" + strings.Join(dec[1:], "/") + "/did.json"
	}
	u := url.URL{Scheme: "https", Host: host, Path: p}
	return u.String(), nil
}

// webHost checks a decoded did:web domain part: a host name or IPv4
// address, optionally with ":port".
func webHost(h string) (string, error) {
	name, port, hasPort := strings.Cut(h, ":")
	if !validHostname(name) {
		return "", fmt.Errorf("%w: bad domain %q", ErrInvalidDID, shorten(h))
	}
	if hasPort {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "", fmt.Errorf("%w: bad port %q", ErrInvalidDID, shorten(port))
		}
	}
	return h, nil
}

// resolveWeb fetches and parses a did:web document.
func (r *Resolver) resolveWeb(ctx context.Context, did string) (*Document, error) {
	u, err := webURL(did)
	if err != nil {
		return nil, err
	}
	if r.fetcher == nil {
		return nil, fmt.Errorf("fetch %s: %w", u, ErrOffline)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := r.fetcher.Fetch(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("fetch did document: %w", err)
	}
	if len(b) > MaxFetchSize {
		return nil, fmt.Errorf("did document from %s: %w: %d bytes", u, ErrTooLarge, len(b))
	}
	doc, err := parseDocument(did, b)
	if err != nil {
		return nil, fmt.Errorf("did document from %s: %w", u, err)
	}
	return doc, nil
}

// rawDocument is the JSON shape of the DID document fields we read.
type rawDocument struct {
	ID                 string            `json:"id"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	PublicKey          []json.RawMessage `json:"publicKey"` // pre-DID-core name
	AssertionMethod    []json.RawMessage `json:"assertionMethod"`
	Authentication     []json.RawMessage `json:"authentication"`
}

type rawMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyMultibase *string         `json:"publicKeyMultibase"`
	PublicKeyBase58    *string         `json:"publicKeyBase58"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk"`
}

type rawJWK struct {
	Kty string  `json:"kty"`
	Crv string  `json:"crv"`
	X   string  `json:"x"`
	Y   string  `json:"y"`
	D   *string `json:"d"`
}

// maxMethods bounds the verification methods and references in a did:web
// document, since each key costs a curve check (about a millisecond for
// BLS12-381 G2).
const maxMethods = 256

// parseDocument parses a DID document and checks it is the document of did.
func parseDocument(did string, b []byte) (*Document, error) {
	var raw rawDocument
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidDocument, err)
	}
	if raw.ID == "" {
		return nil, fmt.Errorf("%w: no id", ErrInvalidDocument)
	}
	if raw.ID != did {
		return nil, fmt.Errorf("%w: document id is %q", ErrIDMismatch, shorten(raw.ID))
	}
	if n := len(raw.VerificationMethod) + len(raw.PublicKey) + len(raw.AssertionMethod) + len(raw.Authentication); n > maxMethods {
		return nil, fmt.Errorf("%w: %d verification methods and references, at most %d", ErrInvalidDocument, n, maxMethods)
	}
	doc := &Document{ID: raw.ID, unusable: map[string]error{}}
	seen := map[string]bool{}
	add := func(m json.RawMessage) (string, error) {
		vm, id, err := parseMethod(doc.ID, m)
		if id == "" {
			return "", err
		}
		if seen[id] {
			return "", fmt.Errorf("%w: verification method %q appears twice", ErrInvalidDocument, shorten(id))
		}
		seen[id] = true
		if err != nil {
			doc.unusable[id] = err
		} else {
			doc.VerificationMethod = append(doc.VerificationMethod, *vm)
		}
		return id, nil
	}
	for _, list := range [][]json.RawMessage{raw.VerificationMethod, raw.PublicKey} {
		for _, m := range list {
			if _, err := add(m); err != nil {
				return nil, err
			}
		}
	}
	rel := func(name string, list []json.RawMessage) ([]string, error) {
		var out []string
		for _, m := range list {
			m = bytes.TrimSpace(m)
			if len(m) > 0 && m[0] == '"' {
				var ref string
				if err := json.Unmarshal(m, &ref); err != nil {
					return nil, fmt.Errorf("%w: %s: %v", ErrInvalidDocument, name, err)
				}
				id, err := absoluteRef(doc.ID, ref)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
				out = append(out, id)
				continue
			}
			id, err := add(m) // embedded verification method
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out = append(out, id)
		}
		return out, nil
	}
	var err error
	if doc.AssertionMethod, err = rel("assertionMethod", raw.AssertionMethod); err != nil {
		return nil, err
	}
	if doc.Authentication, err = rel("authentication", raw.Authentication); err != nil {
		return nil, err
	}
	return doc, nil
}

// absoluteRef resolves a verification method reference against the DID.
func absoluteRef(did, ref string) (string, error) {
	switch {
	case strings.HasPrefix(ref, "#") && len(ref) > 1:
		return did + ref, nil
	case strings.HasPrefix(ref, "did:"):
		return ref, nil
	default:
		return "", fmt.Errorf("%w: reference %q is neither a did url nor a #fragment", ErrInvalidDocument, shorten(ref))
	}
}

// parseMethod decodes one verification method. It returns the method's id
// whenever it could be read, with a nil method and an error saying why when
// the method cannot be used. An empty id means the document is malformed.
func parseMethod(did string, m json.RawMessage) (*VerificationMethod, string, error) {
	var raw rawMethod
	if err := json.Unmarshal(m, &raw); err != nil {
		return nil, "", fmt.Errorf("%w: verification method: %v", ErrInvalidDocument, err)
	}
	if raw.ID == "" {
		return nil, "", fmt.Errorf("%w: verification method without id", ErrInvalidDocument)
	}
	id, err := absoluteRef(did, raw.ID)
	if err != nil {
		return nil, "", fmt.Errorf("verification method id: %w", err)
	}
	controller := raw.Controller
	if controller == "" {
		controller = did
	}
	t, pub, err := methodKey(&raw)
	if err != nil {
		return nil, id, fmt.Errorf("verification method %s (%s): %w", shorten(id), shorten(raw.Type), err)
	}
	return &VerificationMethod{ID: id, Type: raw.Type, Controller: controller, KeyType: t, PublicKey: pub}, id, nil
}

// methodKey decodes and validates the public key of a verification method
// and checks it agrees with the method's type.
func methodKey(m *rawMethod) (KeyType, []byte, error) {
	var want KeyType // "" means any supported key type
	switch m.Type {
	case TypeEd25519VerificationKey2018, TypeEd25519VerificationKey2020:
		want = Ed25519
	case TypeBls12381G2Key2020:
		want = BLS12381G2
	case TypeMultikey, TypeJSONWebKey2020:
	default:
		return "", nil, fmt.Errorf("verification method type %q: %w", shorten(m.Type), ErrUnsupported)
	}
	n := 0
	for _, present := range []bool{m.PublicKeyMultibase != nil, m.PublicKeyBase58 != nil, len(m.PublicKeyJwk) > 0 && string(m.PublicKeyJwk) != "null"} {
		if present {
			n++
		}
	}
	if n == 0 {
		return "", nil, fmt.Errorf("%w: no publicKeyMultibase, publicKeyBase58 or publicKeyJwk", ErrInvalidKey)
	}
	if n > 1 {
		return "", nil, fmt.Errorf("%w: more than one public key property", ErrInvalidKey)
	}
	var (
		t   KeyType
		pub []byte
		err error
	)
	switch {
	case m.PublicKeyMultibase != nil:
		t, pub, err = decodeMultibaseKey(*m.PublicKeyMultibase)
	case m.PublicKeyBase58 != nil:
		if want == "" {
			return "", nil, fmt.Errorf("publicKeyBase58 in a %s method does not say the key type: %w", m.Type, ErrUnsupported)
		}
		t = want
		pub, err = decodeBase58Key(t, *m.PublicKeyBase58)
	default:
		t, pub, err = decodeJWK(m.PublicKeyJwk)
	}
	if err != nil {
		return "", nil, err
	}
	if want != "" && t != want {
		return "", nil, fmt.Errorf("%w: %s key in a %s method", ErrInvalidKey, t, m.Type)
	}
	return t, pub, nil
}

func decodeBase58Key(t KeyType, s string) ([]byte, error) {
	if s == "" || len(s) > maxMultibaseLen {
		return nil, fmt.Errorf("%w: publicKeyBase58 has %d characters", ErrInvalidKey, len(s))
	}
	raw, err := base58.Decode(s)
	if err != nil {
		return nil, fmt.Errorf("%w: publicKeyBase58: %v", ErrInvalidKey, err)
	}
	return normalizeKey(t, raw)
}

// decodeJWK decodes a public JWK: OKP Ed25519, EC P-256 or EC BLS12381_G2
// (x holding the compressed point, as aries writes it).
func decodeJWK(b json.RawMessage) (KeyType, []byte, error) {
	var k rawJWK
	if err := json.Unmarshal(b, &k); err != nil {
		return "", nil, fmt.Errorf("%w: publicKeyJwk: %v", ErrInvalidKey, err)
	}
	if k.D != nil {
		return "", nil, fmt.Errorf("%w: publicKeyJwk holds a private key (\"d\"); refusing it", ErrInvalidKey)
	}
	x, err := b64url("x", k.X)
	if err != nil {
		return "", nil, err
	}
	switch {
	case k.Kty == "OKP" && k.Crv == "Ed25519":
		pub, err := normalizeKey(Ed25519, x)
		return Ed25519, pub, err
	case k.Kty == "EC" && k.Crv == "P-256":
		y, err := b64url("y", k.Y)
		if err != nil {
			return "", nil, err
		}
		if len(x) != 32 || len(y) != 32 {
			return "", nil, fmt.Errorf("%w: p-256 jwk x and y must be 32 bytes, got %d and %d", ErrInvalidKey, len(x), len(y))
		}
		pub, err := normalizeKey(P256, append(append([]byte{4}, x...), y...))
		return P256, pub, err
	case k.Kty == "EC" && k.Crv == "BLS12381_G2":
		pub, err := normalizeKey(BLS12381G2, x)
		return BLS12381G2, pub, err
	default:
		return "", nil, fmt.Errorf("publicKeyJwk kty %q crv %q: %w", shorten(k.Kty), shorten(k.Crv), ErrUnsupported)
	}
}

func b64url(name, s string) ([]byte, error) {
	if s == "" {
		return nil, fmt.Errorf("%w: publicKeyJwk has no %q", ErrInvalidKey, name)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: publicKeyJwk %q: %v", ErrInvalidKey, name, err)
	}
	return b, nil
}
