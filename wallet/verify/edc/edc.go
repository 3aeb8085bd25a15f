// Package edc checks European Digital Credentials (Europass, ELM 3) sealed
// as JAdES: a JWS in JSON serialization whose payload is the credential and
// whose key comes as an X.509 certificate chain (x5c) in the protected header.
//
// What is checked offline, and what is not:
//
//   - signature: "ok" when the seal's signature (RS256, PS256 or ES256)
//     verifies over the exact payload with the key of the first certificate
//     in x5c and the signing time lies within that certificate's validity;
//     "invalid" when it does not; "unsupported" when the seal cannot be
//     checked (no x5c, another algorithm, an XAdES seal) and "missing" when
//     the credential carries no seal at all (an unsigned Europass file).
//   - issuer: never "confirmed". Whether the certificate is a qualified
//     electronic seal of the issuer needs the EU trusted lists and the
//     certificate's revocation status, which Skillpass does not consult:
//     "unconfirmed", and the errors name the certificate's subject.
//   - validity: the credential's issuanceDate/validFrom and expirationDate.
//   - status: "none" without credentialStatus, else "unknown" (Europass
//     status methods are not read).
package edc

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// ErrNotSealed means the data is not a JAdES-sealed JSON document.
var ErrNotSealed = errors.New("not a jades-sealed document")

// Verdict is the outcome for one sealed credential; the check values are
// those of the verify --json contract.
type Verdict struct {
	Signature, Validity, Status, Issuer string
	Errors                              []string
	// Proof is "JAdES/<alg>".
	Proof string
	// IssuerID is the credential's issuer id.
	IssuerID string
	// Subject names the sealing certificate's subject.
	Subject string
	// Credential is the payload, decoded.
	Credential map[string]any
}

// sealed is the JSON serialization of a JWS.
type sealed struct {
	Payload    string `json:"payload"`
	Signatures []struct {
		Protected string `json:"protected"`
		Signature string `json:"signature"`
	} `json:"signatures"`
	Protected string `json:"protected"`
	Signature string `json:"signature"`
}

// Payload returns the credential bytes inside a JAdES-sealed document, or
// ErrNotSealed.
func Payload(data []byte) ([]byte, error) {
	s, hdr, err := parse(data)
	if err != nil {
		return nil, err
	}
	return payloadBytes(s, hdr)
}

func parse(data []byte) (*sealed, map[string]any, error) {
	var s sealed
	if err := json.Unmarshal(bytes.TrimSpace(data), &s); err != nil || s.Payload == "" {
		return nil, nil, ErrNotSealed
	}
	if len(s.Signatures) > 0 {
		s.Protected, s.Signature = s.Signatures[0].Protected, s.Signatures[0].Signature
	}
	if s.Protected == "" {
		return nil, nil, ErrNotSealed
	}
	hb, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s.Protected, "="))
	if err != nil {
		return nil, nil, ErrNotSealed
	}
	var hdr map[string]any
	if json.Unmarshal(hb, &hdr) != nil {
		return nil, nil, ErrNotSealed
	}
	return &s, hdr, nil
}

func payloadBytes(s *sealed, hdr map[string]any) ([]byte, error) {
	if b64, ok := hdr["b64"].(bool); ok && !b64 {
		return []byte(s.Payload), nil
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s.Payload, "="))
	if err != nil {
		return nil, fmt.Errorf("%w: payload is not base64url", ErrNotSealed)
	}
	return b, nil
}

// Verify checks a JAdES-sealed credential at time now.
func Verify(data []byte, now time.Time) (*Verdict, error) {
	s, hdr, err := parse(data)
	if err != nil {
		return nil, err
	}
	pb, err := payloadBytes(s, hdr)
	if err != nil {
		return nil, err
	}
	var cred map[string]any
	if err := json.Unmarshal(pb, &cred); err != nil {
		return nil, fmt.Errorf("%w: payload is not a JSON credential", ErrNotSealed)
	}
	v := &Verdict{Credential: cred, Issuer: "unconfirmed"}
	v.IssuerID = ref(cred["issuer"])
	alg := str(hdr["alg"])
	v.Proof = "JAdES/" + alg
	v.Signature = seal(v, s, hdr, alg, now)
	CredentialChecks(v, cred, now)
	if v.Errors == nil {
		v.Errors = []string{}
	}
	return v, nil
}

// CredentialChecks fills validity and status from a Europass credential, and
// adds the note that the issuer is not confirmed.
func CredentialChecks(v *Verdict, cred map[string]any, now time.Time) {
	v.Validity = "ok"
	start := firstStr(cred["validFrom"], cred["issuanceDate"], cred["issued"])
	if t, ok := parseTime(start); !ok {
		v.Validity = "not-yet-valid"
		v.Errors = append(v.Errors, "validity: the credential has no readable issuanceDate or validFrom, so nobody can tell from when it holds; ask the issuer for a fresh copy")
	} else if t.After(now) {
		v.Validity = "not-yet-valid"
		v.Errors = append(v.Errors, fmt.Sprintf("validity: the credential is valid only from %s; check the date of this device", t.UTC().Format(time.RFC3339)))
	}
	if e := firstStr(cred["expirationDate"], cred["validUntil"]); e != "" {
		if t, ok := parseTime(e); !ok || !t.After(now) {
			v.Validity = "expired"
			v.Errors = append(v.Errors, fmt.Sprintf("validity: the credential expired (%s); ask the issuer whether a renewed one exists", e))
		}
	}
	v.Status = "none"
	if _, ok := cred["credentialStatus"]; ok {
		v.Status = "unknown"
		v.Errors = append(v.Errors, "status: unknown: Skillpass does not read Europass status methods; ask the issuer whether the credential still stands")
	}
	if v.Issuer == "" {
		v.Issuer = "unconfirmed"
	}
}

// seal checks the signature and returns the signature check value.
func seal(v *Verdict, s *sealed, hdr map[string]any, alg string, now time.Time) string {
	switch alg {
	case "RS256", "PS256", "ES256":
	default:
		v.Errors = append(v.Errors, fmt.Sprintf("signature: the seal uses alg %q, which Skillpass cannot check; the European Digital Credentials verifier (europass.europa.eu) can", alg))
		return "unsupported"
	}
	x5c, _ := hdr["x5c"].([]any)
	if len(x5c) == 0 {
		v.Errors = append(v.Errors, "signature: the seal carries no certificate (x5c), so its key is unknown offline; the European Digital Credentials verifier (europass.europa.eu) can check it")
		return "unsupported"
	}
	der, err := base64.StdEncoding.DecodeString(str(x5c[0]))
	if err != nil {
		v.Errors = append(v.Errors, "signature: the seal's certificate is not base64; ask the issuer for a fresh copy")
		return "invalid"
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		v.Errors = append(v.Errors, fmt.Sprintf("signature: the seal's certificate cannot be read (%v); ask the issuer for a fresh copy", err))
		return "invalid"
	}
	v.Subject = cert.Subject.String()
	if x5t := str(hdr["x5t#S256"]); x5t != "" {
		sum := sha256.Sum256(der)
		if base64.RawURLEncoding.EncodeToString(sum[:]) != strings.TrimRight(x5t, "=") {
			v.Errors = append(v.Errors, "signature: the seal's certificate does not match its thumbprint (x5t#S256): it was swapped; ask the issuer for a fresh copy")
			return "invalid"
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s.Signature, "="))
	if err != nil {
		v.Errors = append(v.Errors, "signature: the seal's signature is not base64url; ask the issuer for a fresh copy")
		return "invalid"
	}
	input := []byte(s.Protected + "." + s.Payload)
	if err := check(alg, cert.PublicKey, input, sig); err != nil {
		v.Errors = append(v.Errors, fmt.Sprintf("signature: the seal does not match the credential (%v): it was changed after sealing; ask the issuer for a fresh copy", err))
		return "invalid"
	}
	at := now
	if t, ok := parseTime(str(hdr["sigT"])); ok {
		at = t
	}
	if at.Before(cert.NotBefore) || at.After(cert.NotAfter) {
		v.Errors = append(v.Errors, fmt.Sprintf("signature: the seal was made on %s, outside its certificate's validity (%s to %s); ask the issuer for a fresh copy",
			at.UTC().Format(time.RFC3339), cert.NotBefore.UTC().Format(time.RFC3339), cert.NotAfter.UTC().Format(time.RFC3339)))
		return "invalid"
	}
	v.Errors = append(v.Errors, fmt.Sprintf("issuer: the seal is intact and made with the certificate of %q, but Skillpass does not check that certificate against the EU trusted lists or its revocation; the European Digital Credentials verifier (europass.europa.eu) can", v.Subject))
	return "ok"
}

func check(alg string, pub crypto.PublicKey, input, sig []byte) error {
	h := sha256.Sum256(input)
	switch alg {
	case "RS256", "PS256":
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return errors.New("the certificate's key is not an RSA key")
		}
		if alg == "PS256" {
			return rsa.VerifyPSS(k, crypto.SHA256, h[:], sig, nil)
		}
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig)
	case "ES256":
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok || len(sig) != 64 {
			return errors.New("the certificate's key is not a P-256 key")
		}
		if !ecdsa.Verify(k, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return errors.New("signature mismatch")
		}
		return nil
	}
	return fmt.Errorf("unsupported alg %q", alg)
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func firstStr(vs ...any) string {
	for _, v := range vs {
		if s := str(v); s != "" {
			return s
		}
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func ref(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t["id"])
	}
	return ""
}

// IsEuropass reports whether a credential is a European Digital Credential
// (its type or its ELM context).
func IsEuropass(cred map[string]any) bool {
	switch t := cred["type"].(type) {
	case []any:
		for _, x := range t {
			if x == "EuropeanDigitalCredential" {
				return true
			}
		}
	case string:
		if t == "EuropeanDigitalCredential" {
			return true
		}
	}
	var ctxs []any
	switch c := cred["@context"].(type) {
	case []any:
		ctxs = c
	case string:
		ctxs = []any{c}
	}
	for _, c := range ctxs {
		if s, _ := c.(string); strings.Contains(s, "data.europa.eu/snb/model/context") {
			return true
		}
	}
	return false
}
