package opencerts

import "fmt"

// Description is what a person reads on an OpenCerts certificate, un-salted,
// for the passport and the wallet's lists.
type Description struct {
	// Name is the certificate's name ("Bachelor of Computing").
	Name string
	// Description is its description.
	Description string
	// IssuerName is the first issuer's name.
	IssuerName string
	// IssuerDomain is the domain of the first issuer's DNS-TXT identity
	// proof (unchecked).
	IssuerDomain string
	// Recipient is the recipient's name, unless obfuscated.
	Recipient string
	// IssuedOn and ExpiresOn are the dates as written.
	IssuedOn, ExpiresOn string
	// Transcript lists the courses of the transcript, if any.
	Transcript []Course
}

// Course is one line of an OpenCerts transcript.
type Course struct {
	Name, Code, Grade, Credit, Semester, ExaminationDate string
}

// Describe returns the readable fields of doc (fields the holder obfuscated
// are empty). It returns the errors of Reveal.
func Describe(doc map[string]any) (*Description, error) {
	data, err := Reveal(doc)
	if err != nil {
		return nil, err
	}
	d := &Description{
		Name:        text(data["name"]),
		Description: text(data["description"]),
		IssuedOn:    text(data["issuedOn"]),
		ExpiresOn:   text(data["expiresOn"]),
	}
	if rec, ok := data["recipient"].(map[string]any); ok {
		d.Recipient = text(rec["name"])
	}
	if list, ok := data["issuers"].([]any); ok && len(list) > 0 {
		if iss, ok := list[0].(map[string]any); ok {
			d.IssuerName = text(iss["name"])
			if ip, ok := iss["identityProof"].(map[string]any); ok {
				d.IssuerDomain = text(ip["location"])
			}
		}
	}
	if list, ok := data["transcript"].([]any); ok {
		for _, x := range list {
			c, ok := x.(map[string]any)
			if !ok {
				continue
			}
			d.Transcript = append(d.Transcript, Course{
				Name: text(c["name"]), Code: text(c["courseCode"]), Grade: text(c["grade"]),
				Credit: text(c["courseCredit"]), Semester: text(c["semester"]),
				ExaminationDate: text(c["examinationDate"]),
			})
		}
	}
	return d, nil
}

// text renders an un-salted scalar as text ("" for objects, lists and nil).
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return jsNumber(t)
	case bool:
		return fmt.Sprint(t)
	}
	return ""
}
