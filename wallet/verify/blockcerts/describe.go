package blockcerts

// Description is what a person reads on a Blockcerts certificate, for the
// passport and the wallet's lists.
type Description struct {
	// Name is the certificate's (badge's, claim's) name.
	Name string
	// Description is its description.
	Description string
	// Criteria is the narrative of what was required, if given.
	Criteria string
	// IssuerName and IssuerID name the issuer.
	IssuerName, IssuerID string
	// Recipient is the recipient's name.
	Recipient string
	// Issued and Expires are the dates as written.
	Issued, Expires string
}

// Describe returns the readable fields of a certificate Detect accepts:
// for version 2 the badge (name, description, criteria, issuer), the
// recipientProfile's name and issuedOn/expires; for version 3 the
// credentialSubject's claim (or the credential's own name), the issuer and
// issuanceDate/validFrom, expirationDate/validUntil. It returns nil for
// other documents.
func Describe(doc map[string]any) *Description {
	switch version(doc) {
	case 2:
		badge, _ := doc["badge"].(map[string]any)
		issuer, _ := badge["issuer"].(map[string]any)
		rp, _ := doc["recipientProfile"].(map[string]any)
		return &Description{
			Name: str(badge["name"]), Description: str(badge["description"]), Criteria: narrative(badge["criteria"]),
			IssuerName: str(issuer["name"]), IssuerID: idOf(badge["issuer"]),
			Recipient: str(rp["name"]), Issued: str(doc["issuedOn"]), Expires: str(doc["expires"]),
		}
	case 3:
		subj, _ := doc["credentialSubject"].(map[string]any)
		claim, _ := subj["claim"].(map[string]any)
		issuer, _ := doc["issuer"].(map[string]any)
		d := &Description{
			Name: first(str(claim["name"]), str(doc["name"])), Description: first(str(claim["description"]), str(doc["description"])),
			Criteria: narrative(claim["criteria"]), IssuerName: str(issuer["name"]), IssuerID: idOf(doc["issuer"]),
			Recipient: str(subj["name"]), Issued: first(str(doc["issuanceDate"]), str(doc["validFrom"])),
			Expires: first(str(doc["expirationDate"]), str(doc["validUntil"])),
		}
		return d
	}
	return nil
}

// narrative reads criteria given as text or as {"narrative": text}.
func narrative(v any) string {
	if m, ok := v.(map[string]any); ok {
		return str(m["narrative"])
	}
	return str(v)
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
