// Package ob2 verifies Open Badges 2.0 assertions: hosted assertions (JSON
// whose verification.type is "hosted"), signed assertions (a compact JWS
// whose payload is the assertion, verification.type "signed") and the same
// assertions baked into badge images (the importer unbakes them).
//
// Open Badges 2.0 has no embedded proof: a hosted assertion is verified by
// fetching it from its id URL and comparing, a signed one by checking its JWS
// against the key document named by verification.creator (or the issuer
// profile's publicKey). Badge class, issuer profile, key and revocation list
// may be URLs. Everything is fetched through Options.Fetcher only, and only
// when the caller has the learner's consent (a nil Fetcher means nothing is
// fetched). An http URL is always fetched as its https form: nothing goes over
// cleartext.
//
// What each check means for Open Badges 2.0:
//
//   - signature: "ok" when the signed assertion's JWS verifies with the
//     issuer's key, or the hosted copy fetched from the assertion's id is the
//     same assertion; "invalid" when the JWS does not verify, the hosted copy
//     differs, or the assertion is malformed; "unsupported" when it could not
//     be checked: offline (no Fetcher, or no local copy of the hosted
//     assertion or of the key), or an algorithm Skillpass does not accept.
//   - validity: issuedOn must be a date not in the future; expires, when
//     present, must be later than now.
//   - status: "revoked" when the hosted copy says revoked, or the issuer's
//     revocationList lists the assertion; "ok" when the issuer's revocation
//     list was read and does not list it; "none" when the issuer profile was
//     read and names no revocation list; "unknown" when the issuer profile
//     or its revocation list could not be obtained.
//   - issuer: "confirmed" when the signing key's document names the issuer as
//     its owner and the issuer profile lists that key (signed), or the hosted
//     assertion lives on the issuer's origin or one of its allowedOrigins
//     (hosted); "unconfirmed" when the issuer profile or key could not be
//     obtained; "mismatch" when the key belongs to someone else, or the
//     hosted assertion lives on another origin.
package ob2

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/skillpass/skillpass/did"
)

// Check values, spelled as in the verify --json contract.
const (
	SigOK          = "ok"
	SigInvalid     = "invalid"
	SigUnsupported = "unsupported"

	ValidOK      = "ok"
	ValidExpired = "expired"
	ValidNotYet  = "not-yet-valid"

	StatusOK      = "ok"
	StatusRevoked = "revoked"
	StatusUnknown = "unknown"
	StatusNone    = "none"

	IssuerConfirmed   = "confirmed"
	IssuerUnconfirmed = "unconfirmed"
	IssuerMismatch    = "mismatch"
)

// Recipient check values (Verdict.Recipient).
const (
	// RecipientMatch means the given email (or url, telephone) is the
	// assertion's recipient identity.
	RecipientMatch = "match"
	// RecipientMismatch means it is not.
	RecipientMismatch = "mismatch"
)

// ErrNotAssertion means the data is not an Open Badges 2.0 assertion.
var ErrNotAssertion = errors.New("not an open badges 2.0 assertion")

// Options configures Verify.
type Options struct {
	// Fetcher obtains hosted assertions, badge classes, issuer profiles,
	// keys and revocation lists. Nil means nothing is fetched (the learner
	// did not consent, or the verifier is offline).
	Fetcher did.Fetcher
	// Now returns the verification time; nil means time.Now.
	Now func() time.Time
	// Recipient, when set, is checked against the assertion's recipient
	// identity (hashed or plain).
	Recipient string
}

// Verdict is the outcome for one assertion.
type Verdict struct {
	Signature, Validity, Status, Issuer string
	// Errors says what failed or could not be checked, each prefixed with
	// the check it concerns.
	Errors []string
	// Proof is "OpenBadges2/hosted" or "OpenBadges2/signed/<alg>".
	Proof string
	// IssuerID is the issuer profile's id (or URL), when known.
	IssuerID string
	// VerificationMethod is the key document's URL (signed) or the
	// assertion's URL (hosted).
	VerificationMethod string
	// Recipient is RecipientMatch or RecipientMismatch when
	// Options.Recipient was given, else "".
	Recipient string
	// Assertion is the assertion as read (the JWS payload for a signed
	// one), with the badge class and issuer profile embedded where they
	// were obtained.
	Assertion map[string]any
	// Expanded is true when Assertion embeds a badge class or issuer
	// profile that the assertion itself names only by URL.
	Expanded bool
}

// maxDoc bounds a fetched document.
const maxDoc = 2 << 20

// IsAssertion reports whether doc is an Open Badges 2.0 (or 1.x) assertion:
// an Open Badges context and type Assertion, or recipient and badge members
// without a VerifiableCredential type.
func IsAssertion(doc map[string]any) bool {
	if doc == nil {
		return false
	}
	for _, t := range strs(doc["type"]) {
		if t == "VerifiableCredential" {
			return false
		}
	}
	ctx := false
	for _, c := range strs(doc["@context"]) {
		if strings.Contains(c, "w3id.org/openbadges/v2") || strings.Contains(c, "openbadgespec.org/v2") ||
			strings.Contains(c, "w3id.org/openbadges/v1") {
			ctx = true
		}
	}
	typed := false
	for _, t := range strs(doc["type"]) {
		if t == "Assertion" || t == "obi:Assertion" || t == "https://w3id.org/openbadges#Assertion" {
			typed = true
		}
	}
	_, rec := doc["recipient"]
	_, badge := doc["badge"]
	return (ctx && typed) || (rec && badge)
}

// Parse reads data, a JSON assertion or a compact JWS whose payload is one,
// and returns the assertion and, for a JWS, its parts.
func Parse(data []byte) (map[string]any, bool, error) {
	b := bytes.TrimSpace(data)
	if len(b) == 0 {
		return nil, false, ErrNotAssertion
	}
	signed := false
	if b[0] != '{' {
		parts := strings.Split(string(b), ".")
		if len(parts) != 3 {
			return nil, false, ErrNotAssertion
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil {
			return nil, false, ErrNotAssertion
		}
		b, signed = payload, true
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil || !IsAssertion(doc) {
		return nil, false, ErrNotAssertion
	}
	return doc, signed, nil
}

// verifier holds one verification's state.
type verifier struct {
	ctx  context.Context
	opts Options
	now  time.Time
	v    *Verdict
}

// Verify judges an Open Badges 2.0 assertion: JSON (hosted) or a compact JWS
// (signed). It returns ErrNotAssertion when data is neither.
func Verify(ctx context.Context, data []byte, opts Options) (*Verdict, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	doc, signed, err := Parse(data)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	x := &verifier{ctx: ctx, opts: opts, now: now, v: &Verdict{Assertion: doc}}
	x.run(doc, signed, strings.TrimSpace(string(data)))
	if x.v.Errors == nil {
		x.v.Errors = []string{}
	}
	return x.v, nil
}

func (x *verifier) errf(format string, args ...any) {
	x.v.Errors = append(x.v.Errors, fmt.Sprintf(format, args...))
}

func (x *verifier) run(doc map[string]any, signed bool, token string) {
	v := x.v
	vtype := strings.ToLower(str(obj(doc["verification"])["type"]))
	if strings.HasPrefix(vtype, "obi:") {
		vtype = strings.TrimPrefix(vtype, "obi:")
	}
	switch {
	case signed:
		vtype = "signed"
	case vtype == "signedbadge":
		vtype = "signed"
	case vtype == "hostedbadge" || vtype == "":
		vtype = "hosted"
	}

	// Badge class and issuer profile.
	_, embedded := doc["badge"].(map[string]any)
	badge := x.resolve(doc["badge"], "badge class")
	issuer := map[string]any(nil)
	issuerRef := ""
	if badge != nil {
		issuerRef = ref(badge["issuer"])
		_, issuerEmbedded := badge["issuer"].(map[string]any)
		issuer = x.resolve(badge["issuer"], "issuer profile")
		if issuer != nil {
			badge["issuer"] = issuer
			v.Expanded = v.Expanded || !issuerEmbedded
		}
		doc["badge"] = badge
		v.Expanded = v.Expanded || !embedded
	}
	if issuer != nil && str(issuer["id"]) != "" {
		issuerRef = str(issuer["id"])
	}
	v.IssuerID = issuerRef

	x.validity(doc)
	x.recipient(doc)

	var hostedCopy map[string]any
	switch vtype {
	case "signed":
		x.signed(doc, token, issuer)
	case "hosted":
		hostedCopy = x.hosted(doc, issuer, signed)
	default:
		v.Signature, v.Issuer = SigUnsupported, IssuerUnconfirmed
		x.errf("signature: verification type %q is not an Open Badges 2.0 method (hosted or signed); ask the issuer for a fresh copy", vtype)
	}
	x.status(doc, issuer, hostedCopy)
}

// resolve returns an embedded object, or the document at a URL when a
// fetcher is available; nil otherwise (with an error message for a URL that
// could not be fetched).
func (x *verifier) resolve(v any, what string) map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return t
	case string:
		if t == "" {
			return nil
		}
		if x.opts.Fetcher == nil {
			return nil
		}
		doc, err := x.fetchJSON(t)
		if err != nil {
			x.errf("issuer: the %s at %s could not be obtained (%v)", what, t, err)
			return nil
		}
		return doc
	}
	return nil
}

// httpsForm returns u with an http scheme turned into https.
func httpsForm(u string) string {
	if rest, ok := strings.CutPrefix(u, "http://"); ok {
		return "https://" + rest
	}
	return u
}

func (x *verifier) fetchJSON(u string) (map[string]any, error) {
	b, err := x.opts.Fetcher.Fetch(x.ctx, httpsForm(u))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDoc {
		return nil, fmt.Errorf("document at %s is larger than %d bytes", u, maxDoc)
	}
	var doc map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(b), &doc); err != nil {
		// A hosted signed assertion may be served as its JWS.
		if d, _, perr := Parse(b); perr == nil {
			return d, nil
		}
		return nil, fmt.Errorf("document at %s is not JSON: %w", u, err)
	}
	return doc, nil
}

func (x *verifier) validity(doc map[string]any) {
	v := x.v
	v.Validity = ValidOK
	issued, ok := parseTime(doc["issuedOn"])
	switch {
	case !ok:
		v.Validity = ValidNotYet
		x.errf("validity: issuedOn %s is not a date, so nobody can tell from when the badge holds; ask the issuer for a fresh copy", short(doc["issuedOn"]))
	case issued.After(x.now):
		v.Validity = ValidNotYet
		x.errf("validity: the badge is issued only from %s (issuedOn); check the date of this device", issued.UTC().Format(time.RFC3339))
	}
	if e, has := doc["expires"]; has && e != nil {
		exp, ok := parseTime(e)
		switch {
		case !ok:
			v.Validity = ValidExpired
			x.errf("validity: expires %s is not a date, so the end of the badge's validity cannot be known; ask the issuer for a fresh copy", short(e))
		case !exp.After(x.now):
			v.Validity = ValidExpired
			x.errf("validity: the badge expired on %s (expires); ask the issuer whether a renewed one exists", exp.UTC().Format(time.RFC3339))
		}
	}
}

// recipient checks Options.Recipient against the recipient identity.
func (x *verifier) recipient(doc map[string]any) {
	want := strings.TrimSpace(x.opts.Recipient)
	if want == "" {
		return
	}
	if MatchRecipient(obj(doc["recipient"]), want) {
		x.v.Recipient = RecipientMatch
		return
	}
	x.v.Recipient = RecipientMismatch
	x.errf("recipient: the badge was not issued to %s; do not rely on it for this person", want)
}

// MatchRecipient reports whether identity (an email, url or telephone) is the
// recipient of an assertion: the plain identity, or its salted sha256 or md5
// hash written as "sha256$<hex>" / "md5$<hex>". Emails compare without regard
// to case.
func MatchRecipient(recipient map[string]any, identity string) bool {
	got := str(recipient["identity"])
	if got == "" || identity == "" {
		return false
	}
	salt := str(recipient["salt"])
	cands := []string{identity}
	if strings.Contains(identity, "@") {
		if l := strings.ToLower(identity); l != identity {
			cands = append(cands, l)
		}
	}
	hashed, _ := recipient["hashed"].(bool)
	alg, digest, isHash := strings.Cut(got, "$")
	for _, c := range cands {
		if !hashed || !isHash {
			if strings.EqualFold(got, c) {
				return true
			}
			continue
		}
		var sum []byte
		switch strings.ToLower(alg) {
		case "sha256":
			s := sha256.Sum256([]byte(c + salt))
			sum = s[:]
		case "md5":
			s := md5.Sum([]byte(c + salt))
			sum = s[:]
		default:
			return false
		}
		if strings.EqualFold(hex.EncodeToString(sum), digest) {
			return true
		}
	}
	return false
}

// hosted verifies a hosted assertion: its copy at its id must be the same.
func (x *verifier) hosted(doc, issuer map[string]any, signed bool) map[string]any {
	v := x.v
	v.Proof = "OpenBadges2/hosted"
	id := str(doc["id"])
	if id == "" || strings.HasPrefix(id, "urn:") {
		id = str(obj(doc["verify"])["url"]) // Open Badges 1.0
	}
	v.VerificationMethod = id
	v.Issuer = IssuerUnconfirmed
	u, err := url.Parse(id)
	if id == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		v.Signature = SigInvalid
		x.errf("signature: a hosted assertion must have its web address as its id, and this one has %q; ask the issuer for a fresh copy", id)
		return nil
	}
	if x.opts.Fetcher == nil {
		v.Signature = SigUnsupported
		x.errf("signature: this Open Badges 2.0 badge is verified by fetching it from %s, and nothing may be fetched (offline, or not allowed); allow Skillpass to fetch it, or give --offline-dir DIR holding a copy as DIR/<host>/<path>", id)
		return nil
	}
	hosted, err := x.fetchJSON(id)
	if err != nil {
		v.Signature = SigUnsupported
		x.errf("signature: the hosted copy of the badge at %s could not be obtained (%v), so it could not be checked; try again later or ask the issuer", id, err)
		return nil
	}
	if !sameAssertion(doc, hosted) {
		v.Signature = SigInvalid
		x.errf("signature: the badge differs from the copy its issuer hosts at %s: it was changed; ask the issuer for a fresh copy", id)
		return hosted
	}
	v.Signature = SigOK
	// The hosted copy is the authority: an expiry only it states counts.
	if _, held := doc["expires"]; !held && hosted["expires"] != nil {
		x.validity(hosted)
	}
	// The assertion must live on the issuer's origin (or an allowed one).
	if issuer == nil {
		x.errf("issuer: the issuer profile could not be obtained, so nothing ties %s to the issuer; allow Skillpass to fetch it or give a copy with --offline-dir", id)
		return hosted
	}
	allowed := strs(obj(issuer["verification"])["allowedOrigins"])
	issuerID := str(issuer["id"])
	if iu, err := url.Parse(issuerID); err == nil && iu.Host != "" {
		allowed = append(allowed, iu.Host)
	}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), u.Host) {
			v.Issuer = IssuerConfirmed
			return hosted
		}
	}
	v.Issuer = IssuerMismatch
	x.errf("issuer: the badge is hosted at %s, which is not the issuer %s's web site nor one it allows; do not rely on it", u.Host, issuerID)
	return hosted
}

// sameAssertion reports whether every member of a held assertion is in its
// hosted copy, unchanged: the hosted copy, the issuer's authoritative one,
// may carry more (evidence added later, revoked, revocationReason). The
// badge may be embedded in one and a URL in the other; their ids must agree.
func sameAssertion(held, hosted map[string]any) bool {
	for k, val := range held {
		if k == "badge" {
			if ref(val) != ref(hosted["badge"]) {
				return false
			}
			continue
		}
		hv, ok := hosted[k]
		if !ok || !reflect.DeepEqual(val, hv) {
			return false
		}
	}
	return true
}

// signed verifies a signed assertion's JWS with its creator key.
func (x *verifier) signed(doc map[string]any, token string, issuer map[string]any) {
	v := x.v
	v.Issuer = IssuerUnconfirmed
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		v.Signature = SigInvalid
		x.errf("signature: a signed Open Badges 2.0 assertion must be a compact JWS; ask the issuer for a fresh copy")
		return
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	var hdr map[string]any
	if err != nil || json.Unmarshal(hb, &hdr) != nil {
		v.Signature = SigInvalid
		x.errf("signature: the JWS header cannot be read; ask the issuer for a fresh copy")
		return
	}
	alg := str(hdr["alg"])
	v.Proof = "OpenBadges2/signed/" + alg
	switch alg {
	case "RS256", "ES256":
	default:
		v.Signature = SigUnsupported
		x.errf("signature: the badge is signed with alg %q; Skillpass checks Open Badges 2.0 signatures made with RS256 or ES256", alg)
		return
	}
	creator := str(obj(doc["verification"])["creator"])
	if creator == "" && issuer != nil {
		creator = ref(issuer["publicKey"])
	}
	v.VerificationMethod = creator
	if creator == "" {
		v.Signature = SigUnsupported
		x.errf("signature: the badge names no key (verification.creator) and the issuer profile (publicKey) could not be read; allow Skillpass to fetch the issuer profile, or give a copy with --offline-dir")
		return
	}
	if x.opts.Fetcher == nil {
		v.Signature = SigUnsupported
		x.errf("signature: the issuer's key is published at %s and nothing may be fetched (offline, or not allowed), so the signature could not be checked; give --offline-dir DIR holding a copy as DIR/<host>/<path>, or allow Skillpass to fetch it", creator)
		return
	}
	keyDoc, err := x.fetchJSON(creator)
	if err != nil {
		v.Signature = SigUnsupported
		x.errf("signature: the issuer's key at %s could not be obtained (%v), so the signature could not be checked", creator, err)
		return
	}
	pub, err := parsePEM(str(keyDoc["publicKeyPem"]))
	if err != nil {
		v.Signature = SigInvalid
		x.errf("signature: the key document at %s holds no usable public key (%v); tell the issuer", creator, err)
		return
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[2], "="))
	if err != nil {
		v.Signature = SigInvalid
		x.errf("signature: the JWS signature is not base64url; ask the issuer for a fresh copy")
		return
	}
	if err := checkSig(alg, pub, []byte(parts[0]+"."+parts[1]), sig); err != nil {
		v.Signature = SigInvalid
		x.errf("signature: the badge's %s signature made with key %s does not match its content (%v): it was changed after signing or signed with another key; ask the issuer for a fresh copy", alg, creator, err)
		return
	}
	v.Signature = SigOK
	// Whose key is it?
	owner := str(keyDoc["owner"])
	if issuer == nil {
		x.errf("issuer: the signature holds, but the issuer profile could not be obtained, so nothing ties key %s to the issuer; allow Skillpass to fetch it or give a copy with --offline-dir", creator)
		return
	}
	issuerID := str(issuer["id"])
	if owner != "" && !sameURL(owner, issuerID) {
		v.Issuer = IssuerMismatch
		x.errf("issuer: the key %s belongs to %s, not to the issuer %s: someone other than the named issuer signed this; do not rely on it", creator, owner, issuerID)
		return
	}
	for _, k := range refs(issuer["publicKey"]) {
		if sameURL(k, creator) || sameURL(k, str(keyDoc["id"])) {
			v.Issuer = IssuerConfirmed
			return
		}
	}
	v.Issuer = IssuerMismatch
	x.errf("issuer: the issuer profile %s does not list the key %s (publicKey), so it may not sign for them; do not rely on it", issuerID, creator)
}

// status reads the revocation list named by the issuer profile.
func (x *verifier) status(doc, issuer, hosted map[string]any) {
	v := x.v
	if b, _ := hosted["revoked"].(bool); b {
		v.Status = StatusRevoked
		x.errf("status: revoked: the issuer marks this badge revoked%s; ask the issuer about it", reason(hosted["revocationReason"]))
		return
	}
	if issuer == nil {
		v.Status = StatusUnknown
		x.errf("status: unknown: the issuer profile could not be obtained, so whether the badge was revoked cannot be told; allow Skillpass to fetch it, or give a copy with --offline-dir")
		return
	}
	listURL := ref(issuer["revocationList"])
	if listURL == "" {
		v.Status = StatusNone
		return
	}
	list := x.resolve(issuer["revocationList"], "revocation list")
	if list == nil {
		v.Status = StatusUnknown
		x.errf("status: unknown: the revocation list at %s could not be obtained; allow Skillpass to fetch it, or give a copy with --offline-dir", listURL)
		return
	}
	id, uid := str(doc["id"]), str(doc["uid"])
	entries, _ := list["revokedAssertions"].([]any)
	for _, e := range entries {
		eid, why := "", any(nil)
		switch t := e.(type) {
		case string:
			eid = t
		case map[string]any:
			eid, why = str(t["id"]), t["revocationReason"]
			if eid == "" {
				eid = str(t["uid"])
			}
		}
		if eid != "" && (eid == id || (uid != "" && eid == uid)) {
			v.Status = StatusRevoked
			x.errf("status: revoked: the issuer's revocation list names this badge%s; ask the issuer about it", reason(why))
			return
		}
	}
	v.Status = StatusOK
}

func reason(v any) string {
	if s := str(v); s != "" {
		return fmt.Sprintf(" (%q)", s)
	}
	return ""
}

func parsePEM(s string) (crypto.PublicKey, error) {
	blk, _ := pem.Decode([]byte(s))
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	if pub, err := x509.ParsePKIXPublicKey(blk.Bytes); err == nil {
		return pub, nil
	}
	if pub, err := x509.ParsePKCS1PublicKey(blk.Bytes); err == nil {
		return pub, nil
	}
	return nil, errors.New("not a PKIX or PKCS #1 public key")
}

func checkSig(alg string, pub crypto.PublicKey, input, sig []byte) error {
	h := sha256.Sum256(input)
	switch alg {
	case "RS256":
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errors.New("RS256 needs an RSA key")
		}
		if k.N.BitLen() < 2048 {
			return errors.New("RSA key shorter than 2048 bits")
		}
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig)
	case "ES256":
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || len(sig) != 64 {
			return errors.New("ES256 needs a P-256 key and a 64-byte signature")
		}
		r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, h[:], r, s) {
			return errors.New("signature mismatch")
		}
		return nil
	}
	return fmt.Errorf("unsupported alg %q", alg)
}

func sameURL(a, b string) bool {
	return a != "" && httpsForm(strings.TrimSuffix(a, "/")) == httpsForm(strings.TrimSuffix(b, "/"))
}

func parseTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if tm, err := time.Parse(layout, strings.TrimSpace(t)); err == nil {
				return tm, true
			}
		}
	case float64: // Open Badges 1.0 Unix timestamps
		if t > 0 && t < 1e11 {
			return time.Unix(int64(t), 0), true
		}
	}
	return time.Time{}, false
}

func short(v any) string {
	s := fmt.Sprintf("%q", fmt.Sprint(v))
	if v == nil {
		s = "(missing)"
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// ref returns a string value or an object's id.
func ref(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}

func refs(v any) []string {
	if l, ok := v.([]any); ok {
		var out []string
		for _, x := range l {
			if r := ref(x); r != "" {
				out = append(out, r)
			}
		}
		return out
	}
	if r := ref(v); r != "" {
		return []string{r}
	}
	return nil
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
