package benchrun

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	ariesld "github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/ed25519signature2020"

	"github.com/skillpass/skillpass/assets"
	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
	"github.com/skillpass/skillpass/wallet/verify/status"
)

// JSON-LD contexts the generated credentials use; all are shipped in
// assets/contexts.
const (
	ctxV1       = "https://www.w3.org/2018/credentials/v1"
	ctxV2       = "https://www.w3.org/ns/credentials/v2"
	ctxOB300    = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ctxOB303    = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	ctxEd2020   = "https://w3id.org/security/suites/ed25519-2020/v1"
	ctxStatusV1 = "https://www.w3.org/ns/credentials/status/v1"
	ctxDIDv1    = "https://www.w3.org/ns/did/v1"
)

// entryBitstring is the status entry type of the corpus (W3C Bitstring
// Status List v1.0).
const entryBitstring = "BitstringStatusListEntry"

// registriesURL is the DCC known-registries list the peer asks for at start;
// the corpus serves an empty list there so that the peer neither waits on
// retries for it nor checks registries (which do not change its verdicts).
const registriesURL = "https://digitalcredentials.github.io/dcc-known-registries/known-did-registries.json"

// Fixed dates keep the corpus byte-for-byte the same on every run.
var (
	proofCreated = time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	validFrom    = "2025-01-01T00:00:00Z"
	longValid    = "2030-01-01T00:00:00Z"
	expiredFrom  = "2024-01-01T00:00:00Z"
	expiredUntil = "2025-06-30T00:00:00Z"
)

// fixtureVerdicts is what testdata/ob30/README-1edtech.md says of each
// 1EdTech vector: simple, simple-did-key-method, complete and simple_v1 are
// valid; noproof, err-proof-value and err-expired must be rejected.
var fixtureVerdicts = map[string]bool{
	"simple.json":                 true,
	"simple-did-key-method.json":  true,
	"complete.json":               true,
	"simple_v1.json":              true,
	"simple-noproof.json":         false,
	"simple-err-proof-value.json": false,
	"simple-err-expired.json":     false,
}

// corpusFile is one credential of the corpus and the verdict it was built to
// get.
type corpusFile struct {
	// Name is the file name inside the corpus folder.
	Name string `json:"name"`
	// Group is the generated family (e.g. "v2-di-didweb") or "1edtech".
	Group string `json:"group"`
	// Case says what the file is: valid, status-ok, revoked, expired,
	// tampered, or the 1EdTech vector's name.
	Case string `json:"case"`
	// Expect is the verdict a correct verifier gives; nil when not known.
	Expect *bool `json:"expected,omitempty"`
}

// corpus is a folder of credentials plus the offline folder that answers
// every https URL they lead to.
type corpus struct {
	Dir string `json:"dir"`
	// GeneratedDir holds copies of the generated files only (no 1EdTech
	// vectors), for a second whole-folder run.
	GeneratedDir string       `json:"generatedDir,omitempty"`
	Offline      string       `json:"offline"`
	Files        []corpusFile `json:"files"`
	Contexts     int          `json:"contextsMirrored"`
	Notes        []string     `json:"notes,omitempty"`
}

// paths returns the absolute path of every corpus file, sorted by name.
func (c *corpus) paths() []string {
	out := make([]string, len(c.Files))
	for i, f := range c.Files {
		out[i] = filepath.Join(c.Dir, f.Name)
	}
	return out
}

// generatedOnly returns the corpus restricted to the generated files, in
// GeneratedDir.
func (c *corpus) generatedOnly() *corpus {
	g := &corpus{Dir: c.GeneratedDir, Offline: c.Offline, Contexts: c.Contexts}
	for _, f := range c.Files {
		if f.Group != "1edtech" {
			g.Files = append(g.Files, f)
		}
	}
	return g
}

// issuer is a signing party of the corpus with its keys and status lists.
type issuer struct {
	name string
	did  string
	vm   string
	priv ed25519.PrivateKey
	host string // did:web host, "" for did:key
	// lists maps a status list URL to its entry type and the indexes set
	// (revoked) in it.
	lists map[string]*statusList
}

type statusList struct {
	entryType string
	revoked   []int
}

// newIssuer derives an Ed25519 key from a one-byte seed. host selects
// did:web:host; empty means did:key.
func newIssuer(seed byte, name, host string) (*issuer, error) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	key, err := did.NewKey(did.Ed25519, pub)
	if err != nil {
		return nil, fmt.Errorf("issuer %s: %w", name, err)
	}
	is := &issuer{name: name, priv: priv, host: host, lists: map[string]*statusList{}}
	if host == "" {
		is.did = key
		is.vm = key + "#" + strings.TrimPrefix(key, "did:key:")
	} else {
		is.did = "did:web:" + host
		is.vm = is.did + "#key-1"
	}
	return is, nil
}

// multibase returns the issuer's public key as an Ed25519 multikey
// (z6Mk...), the spelling did:key uses.
func (is *issuer) multibase() string {
	key, _ := did.NewKey(did.Ed25519, is.priv.Public().(ed25519.PublicKey))
	return strings.TrimPrefix(key, "did:key:")
}

// didDocument is the did:web document of the issuer: one
// Ed25519VerificationKey2020 listed for assertion and authentication.
func (is *issuer) didDocument() map[string]any {
	return map[string]any{
		"@context": []any{ctxDIDv1, ctxEd2020},
		"id":       is.did,
		"verificationMethod": []any{map[string]any{
			"id": is.vm, "type": "Ed25519VerificationKey2020", "controller": is.did,
			"publicKeyMultibase": is.multibase(),
		}},
		"assertionMethod": []any{is.vm},
		"authentication":  []any{is.vm},
	}
}

// statusURL is where the issuer's status list of the given entry type
// lives.
func (is *issuer) statusURL(entryType string) string {
	slug := strings.ToLower(strings.TrimSuffix(entryType, "Entry"))
	if is.host != "" {
		return fmt.Sprintf("https://%s/status/%s/1", is.host, slug)
	}
	return fmt.Sprintf("https://status.skillpass-bench.example/%s/%s/1", is.name, slug)
}

// family is a group of generated credentials sharing a data model, a proof
// suite, an issuer and a status method.
type family struct {
	id     string
	vc11   bool // VC 1.1 + Ed25519Signature2020 (aries); else VC 2.0 + eddsa-rdfc-2022 (ours)
	iss    *issuer
	status string // entry type of the status-carrying cases
	cases  []variant
}

// variant is a kind of credential and how many of it a family holds.
type variant struct {
	name   string
	n      int
	expect bool
}

// standardCases is the mix of every main family: mostly valid credentials,
// some with a status entry (a few revoked), a few expired, one tampered.
var standardCases = []variant{
	{"valid", 12, true},
	{"status-ok", 4, true},
	{"revoked", 2, false},
	{"expired", 2, false},
	{"tampered", 1, false},
}

// skills name the achievements of the generated badges.
var skills = []string{
	"Data cleaning", "SQL joins", "Charting", "Spreadsheet modelling", "Python basics", "Statistics I",
	"Customer care", "Teamwork", "Public speaking", "Project planning", "First aid", "Food hygiene",
	"Forklift safety", "Welding (MIG)", "Electrical safety", "Bookkeeping", "Payroll", "Git workflow",
	"Web accessibility", "Cloud fundamentals", "Network basics",
}

// signers holds what signing needs: the JSON-LD loader and processor.
type signers struct {
	loader *ld.Loader
	proc   *ld.Processor
}

// edSigner signs for aries' Ed25519Signature2020 suite.
type edSigner struct{ priv ed25519.PrivateKey }

func (s edSigner) Sign(data []byte) ([]byte, error) { return ed25519.Sign(s.priv, data), nil }
func (s edSigner) Alg() string                      { return "EdDSA" }

// signDI adds a DataIntegrityProof (eddsa-rdfc-2022) made by is.
func (s *signers) signDI(is *issuer, doc map[string]any) (map[string]any, error) {
	out, err := dataintegrity.Sign(s.proc, doc, dataintegrity.ProofOptions{VerificationMethod: is.vm, Created: proofCreated}, is.priv)
	if err != nil {
		return nil, fmt.Errorf("sign eddsa-rdfc-2022: %w", err)
	}
	return out, nil
}

// signEd2020 adds an Ed25519Signature2020 proof made by is with aries'
// signer.
func (s *signers) signEd2020(is *issuer, doc map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("sign Ed25519Signature2020: %w", err)
	}
	created := proofCreated
	signed, err := signer.New(ed25519signature2020.New(suite.WithSigner(edSigner{is.priv}))).Sign(&signer.Context{
		SignatureType:           "Ed25519Signature2020",
		SignatureRepresentation: proof.SignatureProofValue,
		Created:                 &created,
		VerificationMethod:      is.vm,
		Purpose:                 "assertionMethod",
	}, raw, ariesld.WithDocumentLoader(s.loader))
	if err != nil {
		return nil, fmt.Errorf("sign Ed25519Signature2020: %w", err)
	}
	var out map[string]any
	if err := json.Unmarshal(signed, &out); err != nil {
		return nil, fmt.Errorf("sign Ed25519Signature2020: %w", err)
	}
	return out, nil
}

// uuidFor returns a deterministic version-4-shaped urn:uuid for name.
func uuidFor(name string) string {
	h := sha256.Sum256([]byte("skillpass-bench/" + name))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// badge builds an unsigned Open Badges 3.0 credential.
func badge(f *family, name, kind string, n int, statusIndex int) map[string]any {
	skill := skills[n%len(skills)]
	issuerHost := f.iss.host
	if issuerHost == "" {
		issuerHost = "skillpass-bench.example"
	}
	doc := map[string]any{
		"id":   uuidFor(name),
		"type": []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": map[string]any{
			"id": f.iss.did, "type": []any{"Profile"}, "name": "Training provider " + strings.ToUpper(f.iss.name),
		},
		"name": skill + " badge",
		"credentialSubject": map[string]any{
			"id":   fmt.Sprintf("did:example:learner-%03d", n),
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":          fmt.Sprintf("https://%s/achievements/%s", issuerHost, strings.ReplaceAll(strings.ToLower(skill), " ", "-")),
				"type":        []any{"Achievement"},
				"name":        skill,
				"description": "Demonstrated " + strings.ToLower(skill) + " in an assessed practical task.",
				"criteria":    map[string]any{"narrative": "Passed the practical assessment and a review by an assessor."},
			},
		},
	}
	ctx := []any{ctxV2, ctxOB303}
	from, until := validFrom, ""
	if n%3 == 0 {
		until = longValid
	}
	if kind == "expired" {
		from, until = expiredFrom, expiredUntil
	}
	if f.vc11 {
		ctx = []any{ctxV1, ctxOB300, ctxEd2020}
		doc["issuanceDate"] = from
		if until != "" {
			doc["expirationDate"] = until
		}
	} else {
		doc["validFrom"] = from
		if until != "" {
			doc["validUntil"] = until
		}
	}
	if statusIndex >= 0 {
		listURL := f.iss.statusURL(f.status)
		doc["credentialStatus"] = map[string]any{
			"id":                   fmt.Sprintf("%s#%d", listURL, statusIndex),
			"type":                 f.status,
			"statusPurpose":        "revocation",
			"statusListIndex":      fmt.Sprint(statusIndex),
			"statusListCredential": listURL,
		}
		if f.vc11 {
			ctx = []any{ctxV1, ctxOB300, ctxStatusV1, ctxEd2020}
		}
	}
	doc["@context"] = ctx
	return doc
}

// generateCorpus writes the corpus into dir/creds and its offline folder into
// dir/offline. fixtures is the folder of 1EdTech vectors (testdata/ob30);
// its *.json files are copied in as they are.
func generateCorpus(dir, fixtures string) (*corpus, error) {
	c := &corpus{Dir: filepath.Join(dir, "creds"), GeneratedDir: filepath.Join(dir, "creds-generated"), Offline: filepath.Join(dir, "offline")}
	for _, d := range []string{c.Dir, c.GeneratedDir, c.Offline} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("generate corpus: %w", err)
		}
	}
	loader, err := ld.NewLoader()
	if err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	s := &signers{loader: loader, proc: ld.NewProcessor(loader)}

	k1, err1 := newIssuer(11, "k1", "")
	k2, err2 := newIssuer(12, "k2", "")
	w1, err3 := newIssuer(13, "w1", "badges.northfield.example")
	w2, err4 := newIssuer(14, "w2", "learn.harbour.example")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	families := []*family{
		{id: "v2-di-didkey", iss: k1, status: entryBitstring, cases: standardCases},
		{id: "v2-di-didweb", iss: w1, status: entryBitstring, cases: standardCases},
		{id: "v1-ed2020-didkey", vc11: true, iss: k2, status: entryBitstring, cases: standardCases},
		{id: "v1-ed2020-didweb", vc11: true, iss: w2, status: entryBitstring, cases: standardCases},
	}
	c.Notes = append(c.Notes,
		"status entries are BitstringStatusListEntry only: no shipped context defines StatusList2021Entry (nor has the shipped VC 2.0 context an @vocab to fall back on), and contexts are not added for the bench")

	n := 0
	for _, f := range families {
		seq := 0
		for _, v := range f.cases {
			for i := 0; i < v.n; i++ {
				seq++
				n++
				name := fmt.Sprintf("%s-%s-%02d.json", f.id, v.name, i+1)
				idx := -1
				if v.name == "status-ok" || v.name == "revoked" {
					idx = 1000 + 37*seq
					l := f.iss.lists[f.iss.statusURL(f.status)]
					if l == nil {
						l = &statusList{entryType: f.status}
						f.iss.lists[f.iss.statusURL(f.status)] = l
					}
					if v.name == "revoked" {
						l.revoked = append(l.revoked, idx)
					}
				}
				doc := badge(f, name, v.name, n, idx)
				var signed map[string]any
				if f.vc11 {
					signed, err = s.signEd2020(f.iss, doc)
				} else {
					signed, err = s.signDI(f.iss, doc)
				}
				if err != nil {
					return nil, fmt.Errorf("generate %s: %w", name, err)
				}
				if v.name == "tampered" {
					if err := tamper(signed); err != nil {
						return nil, fmt.Errorf("generate %s: %w", name, err)
					}
				}
				for _, d := range []string{c.Dir, c.GeneratedDir} {
					if err := writeJSON(filepath.Join(d, name), signed); err != nil {
						return nil, err
					}
				}
				expect := v.expect
				c.Files = append(c.Files, corpusFile{Name: name, Group: f.id, Case: v.name, Expect: &expect})
			}
		}
	}

	// did:web documents, status lists, the empty registry list.
	for _, is := range []*issuer{k1, k2, w1, w2} {
		if is.host != "" {
			if err := writeJSON(offlinePath(c.Offline, "https://"+is.host+"/.well-known/did.json"), is.didDocument()); err != nil {
				return nil, err
			}
		}
		for listURL, l := range is.lists {
			doc, err := statusListCredential(is, listURL, l)
			if err != nil {
				return nil, err
			}
			signed, err := s.signDI(is, doc)
			if err != nil {
				return nil, fmt.Errorf("status list %s: %w", listURL, err)
			}
			if err := writeJSON(offlinePath(c.Offline, listURL), signed); err != nil {
				return nil, err
			}
		}
	}
	if err := writeJSON(offlinePath(c.Offline, registriesURL), []any{}); err != nil {
		return nil, err
	}

	// The shipped contexts, so that the peer can fetch any it does not embed.
	ctxs, err := assets.Contexts()
	if err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	urls := make([]string, 0, len(ctxs))
	for u := range ctxs {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	for _, u := range urls {
		p := offlinePath(c.Offline, u)
		if p == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			c.Notes = append(c.Notes, fmt.Sprintf("context %s not mirrored: %v", u, err))
			continue
		}
		if err := os.WriteFile(p, ctxs[u], 0o644); err != nil {
			c.Notes = append(c.Notes, fmt.Sprintf("context %s not mirrored: %v", u, err))
			continue
		}
		c.Contexts++
	}

	// The 1EdTech vectors, as they are.
	names, err := filepath.Glob(filepath.Join(fixtures, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("generate corpus: %w", err)
	}
	for _, p := range names {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("generate corpus: %w", err)
		}
		base := filepath.Base(p)
		name := "1edtech-" + base
		if err := os.WriteFile(filepath.Join(c.Dir, name), b, 0o644); err != nil {
			return nil, fmt.Errorf("generate corpus: %w", err)
		}
		cf := corpusFile{Name: name, Group: "1edtech", Case: strings.TrimSuffix(base, ".json")}
		if v, ok := fixtureVerdicts[base]; ok {
			cf.Expect = &v
		}
		c.Files = append(c.Files, cf)
	}
	slices.SortFunc(c.Files, func(a, b corpusFile) int { return strings.Compare(a.Name, b.Name) })
	return c, nil
}

// tamper changes the achievement's name of a signed credential, as someone
// upgrading their badge by hand would.
func tamper(doc map[string]any) error {
	subject, _ := doc["credentialSubject"].(map[string]any)
	ach, _ := subject["achievement"].(map[string]any)
	name, ok := ach["name"].(string)
	if !ok {
		return errors.New("tamper: no credentialSubject.achievement.name")
	}
	ach["name"] = name + " (advanced)"
	return nil
}

// statusListCredential is the unsigned list credential at listURL for is.
func statusListCredential(is *issuer, listURL string, l *statusList) (map[string]any, error) {
	list, err := status.NewList(status.MinListEntries)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", listURL, err)
	}
	for _, i := range l.revoked {
		if err := list.Set(i); err != nil {
			return nil, fmt.Errorf("status list %s: %w", listURL, err)
		}
	}
	if l.entryType != entryBitstring {
		return nil, fmt.Errorf("status list %s: unsupported entry type %s", listURL, l.entryType)
	}
	enc, err := list.Encode(status.BitstringStatusList)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", listURL, err)
	}
	return map[string]any{
		"@context":  []any{ctxV2},
		"id":        listURL,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    is.did,
		"validFrom": validFrom,
		"credentialSubject": map[string]any{
			"id": listURL + "#list", "type": "BitstringStatusList",
			"statusPurpose": "revocation", "encodedList": enc,
		},
	}, nil
}

// offlinePath maps an https URL to the file both verifiers read for it:
// DIR/<host>/<path> ("" when the URL cannot be mapped).
func offlinePath(dir, rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return ""
	}
	p := path.Clean("/" + u.Path)
	if p == "/" {
		p = "/index.json"
	}
	return filepath.Join(dir, strings.ToLower(u.Host), filepath.FromSlash(p))
}

// writeJSON writes v as indented JSON to p, creating folders.
func writeJSON(p string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
