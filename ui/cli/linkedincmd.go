package cli

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/skillpass/skillpass/wallet"
)

// linkedInAddURL is LinkedIn's "Add licence or certification" link (Add to
// Profile for Certifications).
const linkedInAddURL = "https://www.linkedin.com/profile/add"

// cmdLinkedIn prints the LinkedIn "Add licence or certification" link for a
// stored credential and, with --ob2 OUT.json, writes an Open Badges 2.0 style
// export of it.
func cmdLinkedIn(o *opts, env Env) error {
	if len(o.args) != 1 {
		return &usageError{msg: msgLinkedInNeedID, hint: msgNeedIDHint}
	}
	w, err := openWallet(o, env)
	if err != nil {
		return err
	}
	defer w.Close()
	rec, err := w.Get(o.args[0])
	if err != nil {
		return err
	}
	doc := credentialDoc([]byte(rec.Raw))
	if len(rec.Result.Expanded) > 0 {
		// An Open Badges 2.0 badge class and issuer, as the verifier obtained them.
		doc = credentialDoc(rec.Result.Expanded)
	}
	link := linkedInLink(rec, doc)
	if o.json {
		out := map[string]any{"id": rec.ID, "linkedin": link}
		if o.ob2Out != "" {
			out["ob2"] = o.ob2Out
		}
		if err := writeOB2(o.ob2Out, rec, doc); err != nil {
			return err
		}
		return writeJSON(env.Stdout, out)
	}
	if err := writeOB2(o.ob2Out, rec, doc); err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, link)
	if !rec.Verified {
		fmt.Fprintf(env.Stderr, msgLinkedInUnverified+"\n", rec.ID)
	}
	if o.ob2Out != "" {
		fmt.Fprintf(env.Stderr, msgLinkedInOB2Written+"\n", o.ob2Out)
	}
	return nil
}

func writeOB2(path string, rec *wallet.Record, doc map[string]any) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(ob2Export(rec, doc), "", "  ")
	if err != nil {
		return fmt.Errorf("build open badges 2.0 export: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write open badges 2.0 export: %w", err)
	}
	return nil
}

// linkedInLink builds the Add to Profile link: name, issuing organisation,
// issue and expiry month, a link where the credential can be verified (its
// id, when that is a web address) and its id.
func linkedInLink(rec *wallet.Record, doc map[string]any) string {
	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", orStr(rec.Name, rec.Achievement, "Credential "+rec.ID))
	if org := orStr(rec.IssuerName, issuerName(doc), rec.IssuerID); org != "" {
		q.Set("organizationName", org)
	}
	if !rec.ValidFrom.IsZero() {
		q.Set("issueYear", strconv.Itoa(rec.ValidFrom.Year()))
		q.Set("issueMonth", strconv.Itoa(int(rec.ValidFrom.Month())))
	}
	if !rec.ValidUntil.IsZero() {
		q.Set("expirationYear", strconv.Itoa(rec.ValidUntil.Year()))
		q.Set("expirationMonth", strconv.Itoa(int(rec.ValidUntil.Month())))
	}
	if u := verifyURL(rec); u != "" {
		q.Set("certUrl", u)
	}
	q.Set("certId", orStr(rec.CredentialID, rec.ID))
	// LinkedIn documents its parameters in this order; url.Values sorts
	// them, which it accepts as well.
	return linkedInAddURL + "?" + q.Encode()
}

// verifyURL is a web address where the credential can be looked at: its id,
// when that is an https (or http) URL.
func verifyURL(rec *wallet.Record) string {
	for _, s := range []string{rec.CredentialID} {
		if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			return s
		}
	}
	return ""
}

// ob2Export is an Open Badges 2.0 style Assertion describing a stored
// credential, with its BadgeClass and Issuer embedded. It is unsigned and
// says so: it helps systems that read only Open Badges 2.0 show the
// achievement, and proves nothing by itself.
func ob2Export(rec *wallet.Record, doc map[string]any) map[string]any {
	subj := firstMap(doc["credentialSubject"])
	ach := firstMap(subj["achievement"])
	if ach == nil {
		ach = firstMap(badgeOf(doc))
	}
	issuer := map[string]any{"type": "Issuer", "id": orStr(rec.IssuerID, "urn:skillpass:issuer:unknown"),
		"name": orStr(rec.IssuerName, issuerName(doc), rec.IssuerID)}
	if u := strOf(firstMap(doc["issuer"])["url"]); u != "" {
		issuer["url"] = u
	}
	badge := map[string]any{
		"type":        "BadgeClass",
		"id":          orStr(strOf(ach["id"]), "urn:skillpass:badge:"+rec.ID),
		"name":        orStr(rec.Achievement, rec.Name, "Credential "+rec.ID),
		"description": orStr(langOf(ach["description"]), langOf(doc["description"]), rec.Name),
		"issuer":      issuer,
	}
	if c := firstMap(ach["criteria"]); c != nil {
		crit := map[string]any{}
		if n := langOf(c["narrative"]); n != "" {
			crit["narrative"] = n
		}
		if id := strOf(c["id"]); id != "" {
			crit["id"] = id
		}
		if len(crit) > 0 {
			badge["criteria"] = crit
		}
	} else if s := strOf(ach["criteria"]); s != "" {
		badge["criteria"] = s
	}
	if img := orStr(strOf(ach["image"]), strOf(firstMap(ach["image"])["id"])); img != "" {
		badge["image"] = img
	}
	if tags, ok := ach["tag"].([]any); ok && len(tags) > 0 {
		badge["tags"] = tags
	}
	recipient := map[string]any{"type": "url", "hashed": false, "identity": orStr(rec.SubjectID, "urn:skillpass:subject:unknown")}
	if r := firstMap(doc["recipient"]); r != nil {
		recipient = r // an Open Badges 2.0 assertion keeps its own recipient
	}
	out := map[string]any{
		"@context":  "https://w3id.org/openbadges/v2",
		"type":      "Assertion",
		"id":        "urn:skillpass:export:" + rec.ID,
		"recipient": recipient,
		"badge":     badge,
		"issuedOn":  rec.ValidFrom.UTC().Format(time.RFC3339),
		"evidence": []any{map[string]any{
			"type":      "Evidence",
			"name":      "Original credential",
			"narrative": fmt.Sprintf(msgOB2ExportNote, rec.Format, orStr(rec.CredentialID, rec.ID), orStr(rec.IssuerName, rec.IssuerID)),
		}},
		// No "verification": an export carries no signature, and "hosted"
		// would claim a copy at its id that does not exist.
	}
	if u := verifyURL(rec); u != "" {
		out["evidence"].([]any)[0].(map[string]any)["id"] = u
	}
	if rec.ValidFrom.IsZero() {
		delete(out, "issuedOn")
	}
	if !rec.ValidUntil.IsZero() {
		out["expires"] = rec.ValidUntil.UTC().Format(time.RFC3339)
	}
	return out
}

// credentialDoc decodes a stored credential: JSON, a JWS payload (its vc
// claim, for a VC-JWT 1.1), or the payload of a JAdES seal.
func credentialDoc(raw []byte) map[string]any {
	b := bytes.TrimSpace(raw)
	var doc map[string]any
	if len(b) > 0 && b[0] == '{' {
		if json.Unmarshal(b, &doc) != nil {
			return map[string]any{}
		}
		if p, ok := doc["payload"].(string); ok && doc["signatures"] != nil {
			var inner map[string]any
			if json.Unmarshal([]byte(p), &inner) == nil {
				return inner
			}
		}
		return doc
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 {
		return map[string]any{}
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil || json.Unmarshal(payload, &doc) != nil {
		return map[string]any{}
	}
	if vc, ok := doc["vc"].(map[string]any); ok {
		return vc
	}
	return doc
}

func badgeOf(doc map[string]any) any { return doc["badge"] }

func issuerName(doc map[string]any) string {
	if n := langOf(firstMap(doc["issuer"])["name"]); n != "" {
		return n
	}
	if n := langOf(firstMap(doc["issuer"])["legalName"]); n != "" {
		return n
	}
	return langOf(firstMap(firstMap(doc["badge"])["issuer"])["name"])
}

func firstMap(v any) map[string]any {
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
	return nil
}

func strOf(v any) string {
	s, _ := v.(string)
	return s
}

// langOf reads a string or a language map, preferring English.
func langOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if s := strOf(t["en"]); s != "" {
			return s
		}
		if s := strOf(t["@value"]); s != "" {
			return s
		}
		for _, x := range t {
			if s, ok := x.(string); ok && s != "" {
				return s
			}
		}
	}
	return ""
}

func orStr(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}
