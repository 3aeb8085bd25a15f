package wallet

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/skillpass/skillpass/wallet/verify/blockcerts"
	"github.com/skillpass/skillpass/wallet/verify/opencerts"
)

// Summary is what a list of credentials shows about one credential without
// opening the whole record.
type Summary struct {
	ID           string    `json:"id"`
	CredentialID string    `json:"credentialId,omitempty"`
	Name         string    `json:"name"`
	Achievement  string    `json:"achievement,omitempty"`
	IssuerID     string    `json:"issuerId,omitempty"`
	IssuerName   string    `json:"issuerName,omitempty"`
	SubjectID    string    `json:"subjectId,omitempty"`
	Types        []string  `json:"types,omitempty"`
	ValidFrom    time.Time `json:"validFrom,omitempty"`
	ValidUntil   time.Time `json:"validUntil,omitempty"`
	Format       string    `json:"format"`
	Added        time.Time `json:"added"`
	Verified     bool      `json:"verified"`
	Checks       Checks    `json:"checks"`
}

// Checks mirrors the verifier's per-check verdict in a summary.
type Checks struct {
	Signature string `json:"signature"`
	Validity  string `json:"validity"`
	Status    string `json:"status"`
	Issuer    string `json:"issuer"`
	// Anchor is set for blockchain-anchored credentials (Blockcerts,
	// OpenCerts) only: see verify.Checks.
	Anchor string `json:"anchor,omitempty"`
}

// credentialJSON returns the credential object of a JSON-LD credential or the
// VC inside a VC-JWT payload.
func credentialJSON(raw []byte) (map[string]any, error) {
	s := strings.TrimSpace(string(raw))
	if strings.HasPrefix(s, "{") {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			return nil, err
		}
		return m, nil
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, errors.New("neither JSON nor a compact JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, err
	}
	vc, ok := claims["vc"].(map[string]any)
	if !ok {
		return claims, nil // VC-JOSE 2.0: the payload is the credential
	}
	// VC-JWT 1.1: registered claims stand for credential properties.
	setIfAbsent(vc, "id", claims["jti"])
	setIfAbsent(vc, "issuer", claims["iss"])
	if nbf, ok := claims["nbf"].(float64); ok {
		setIfAbsent(vc, "issuanceDate", time.Unix(int64(nbf), 0).UTC().Format(time.RFC3339))
	}
	if exp, ok := claims["exp"].(float64); ok {
		setIfAbsent(vc, "expirationDate", time.Unix(int64(exp), 0).UTC().Format(time.RFC3339))
	}
	if sub, ok := claims["sub"].(string); ok {
		if cs, ok := vc["credentialSubject"].(map[string]any); ok {
			setIfAbsent(cs, "id", sub)
		}
	}
	return vc, nil
}

func setIfAbsent(m map[string]any, k string, v any) {
	if v == nil {
		return
	}
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// summarise reads the fields a list shows from a credential object.
func summarise(vc map[string]any) Summary {
	if opencerts.Detect(vc) {
		return summariseOpenCerts(vc)
	}
	var s Summary
	s.CredentialID = str(vc["id"])
	s.Types = strs(vc["type"])
	switch iss := vc["issuer"].(type) {
	case string:
		s.IssuerID = iss
	case map[string]any:
		s.IssuerID = str(iss["id"])
		s.IssuerName = langStr(iss["name"])
	}
	subj := firstObject(vc["credentialSubject"])
	s.SubjectID = str(subj["id"])
	if ach, ok := subj["achievement"].(map[string]any); ok {
		s.Achievement = langStr(ach["name"])
	}
	s.Name = langStr(vc["name"])
	if s.Name == "" {
		s.Name = s.Achievement
	}
	if s.Name == "" && len(s.Types) > 0 {
		s.Name = s.Types[len(s.Types)-1]
	}
	s.ValidFrom = firstTime(vc["validFrom"], vc["issuanceDate"], vc["issued"])
	s.ValidUntil = firstTime(vc["validUntil"], vc["expirationDate"])
	if blockcerts.Detect(vc) {
		describeBlockcerts(&s, vc)
	}
	return s
}

// describeBlockcerts completes a summary of a Blockcerts certificate: its
// badge (version 2) or claim (version 3) names it (else it is a "Blockcerts
// certificate"), and a version 2 certificate names its issuer and dates in
// its badge and assertion.
func describeBlockcerts(s *Summary, vc map[string]any) {
	d := blockcerts.Describe(vc)
	if d == nil {
		return
	}
	s.Name = "Blockcerts certificate" // one that names only its recipient
	if d.Name != "" {
		s.Name, s.Achievement = d.Name, d.Name
	}
	if s.IssuerID == "" {
		s.IssuerID = d.IssuerID
	}
	if s.IssuerName == "" {
		s.IssuerName = d.IssuerName
	}
	if s.ValidFrom.IsZero() {
		s.ValidFrom = firstTime(d.Issued)
	}
	if s.ValidUntil.IsZero() {
		s.ValidUntil = firstTime(d.Expires)
	}
}

// summariseOpenCerts reads the fields a list shows from an OpenCerts
// (OpenAttestation v2) document, un-salted: its name (or, for a document
// without one, "OpenAttestation document"), the first issuer's name, issuedOn
// and expiresOn. The issuer's id is the verifier's (its document store).
func summariseOpenCerts(doc map[string]any) Summary {
	s := Summary{Name: "OpenAttestation document"}
	d, err := opencerts.Describe(doc)
	if err != nil {
		return s
	}
	if d.Name != "" {
		s.Name, s.Achievement = d.Name, d.Name
	}
	s.IssuerName = d.IssuerName
	s.ValidFrom = firstTime(d.IssuedOn)
	s.ValidUntil = firstTime(d.ExpiresOn)
	if data, err := opencerts.Reveal(doc); err == nil {
		s.CredentialID = str(data["id"])
	}
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// langStr reads a plain string or a JSON-LD language map / value object.
func langStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if s := str(t["@value"]); s != "" {
			return s
		}
		if s := str(t["en"]); s != "" {
			return s
		}
		for _, x := range t {
			if s, ok := x.(string); ok {
				return s
			}
		}
	case []any:
		if len(t) > 0 {
			return langStr(t[0])
		}
	}
	return ""
}

func strs(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func firstObject(v any) map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return t
	case []any:
		for _, x := range t {
			if m, ok := x.(map[string]any); ok {
				return m
			}
		}
	}
	return map[string]any{}
}

func firstTime(vs ...any) time.Time {
	for _, v := range vs {
		s, ok := v.(string)
		if !ok || s == "" {
			continue
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC()
			}
		}
	}
	return time.Time{}
}
