package passport

import (
	"fmt"
	"strings"
)

// Formats of Record for blockchain-anchored credentials.
const (
	FormatOpenCerts  = "opencerts"  // OpenCerts / OpenAttestation v2 document, un-salted
	FormatBlockcerts = "blockcerts" // Blockcerts version 2 (an OB 2.0 assertion) or 3 (a VC)
)

// openAttestationStores are the members that name an OpenAttestation
// issuer's contract on chain.
var openAttestationStores = []string{"documentStore", "certificateStore", "tokenRegistry"}

// isOpenAttestation reports whether a decoded document is the data of an
// OpenAttestation v2 document (OpenCerts) with its salts taken off: a JSON
// object, not a verifiable credential, whose issuers[] name a document
// store, certificate store, token registry or identity proof. Salted
// documents (values written "<uuid>:string:…") are not read: the wallet
// passes the revealed data.
func isOpenAttestation(root node) bool {
	if root.hasType("VerifiableCredential") || root.get("data").object() != nil {
		return false
	}
	for iss := range root.get("issuers").items() {
		if iss.object() == nil {
			continue
		}
		for _, k := range openAttestationStores {
			if iss.get(k).text() != "" {
				return true
			}
		}
		if iss.get("identityProof").object() != nil {
			return true
		}
	}
	return false
}

// isBlockcerts2 reports whether an Open Badges 2.0 shaped assertion is a
// Blockcerts version 2 certificate (a MerkleProof2017 signature, or the
// Blockcerts context).
func isBlockcerts2(root node) bool {
	for t := range root.get("signature").get("type").items() {
		if t.text() == "MerkleProof2017" {
			return true
		}
	}
	return hasContext(root, "w3id.org/blockcerts")
}

// isBlockcerts3 reports whether a verifiable credential is a Blockcerts
// version 3 certificate.
func isBlockcerts3(root node) bool {
	return root.hasType("BlockcertsCredential") || hasContext(root, "w3id.org/blockcerts")
}

func hasContext(root node, part string) bool {
	for c := range root.get("@context").items() {
		if strings.Contains(c.text(), part) {
			return true
		}
	}
	return false
}

// openCerts reads the revealed data of an OpenCerts certificate: the
// certificate itself is one achievement (type Degree or Diploma when its
// name says so), and each course of its transcript is another, of type
// Course, at the level of its grade (see gradeLevel); failed courses
// evidence nothing. Each achievement is itself the skill, named by its
// name; the category rules then apply as for any achievement (a course
// named by a keyword takes the keyword's category, any other course is
// Foundational by its type).
func (x *extractor) openCerts(root node, c *Credential, rec *Record) {
	rec.Format = FormatOpenCerts
	var first node
	for iss := range root.get("issuers").items() {
		first = iss
		break
	}
	docIssuer := Issuer{ID: openAttestationIssuerID(first), Name: first.get("name").text()}
	rec.Issuer = fillIssuer(rec.Issuer, docIssuer, c)
	issued := parseTime(root.get("issuedOn").text())
	if rec.ValidFrom.IsZero() {
		rec.ValidFrom = issued
	}
	if rec.ValidUntil.IsZero() {
		rec.ValidUntil = parseTime(root.get("expiresOn").text())
	}
	if issued.IsZero() {
		issued = rec.ValidFrom
	}
	credID := root.get("id").text()
	rec.CredentialID = credID
	name := root.get("name").text()
	rec.Name = name
	common := Achievement{CredentialID: credID, Issuer: rec.Issuer, Earned: issued, ValidUntil: rec.ValidUntil}
	if name != "" {
		ach := common
		ach.ID = orDefault(credID, rec.RecordID)
		ach.Name = name
		ach.Type = certificateType(name)
		x.named(&ach, rec)
	}
	base := orDefault(credID, rec.RecordID)
	for course := range root.get("transcript").items() {
		if course.object() == nil {
			continue
		}
		code := course.get("courseCode").text()
		cname := orDefault(course.get("name").text(), code)
		if cname == "" {
			continue
		}
		l, passed := gradeLevel(course.get("grade").text())
		if p, ok := course.get("passed").v.(bool); !passed || (ok && !p) {
			continue
		}
		ach := common
		ach.ID = base + "#" + orDefault(code, cname)
		ach.Name = cname
		ach.Type = "Course"
		if d := parseTime(course.get("examinationDate").text()); !d.IsZero() {
			ach.Earned = d
		}
		ach.Level = &l
		ref := NameRef(cname)
		x.finish(&ach, []SkillEvidence{{Ref: ref, Level: l}}, rec)
	}
}

// openAttestationIssuerID names an OpenAttestation issuer as the verifier
// does: "ethereum:<contract>", else its name.
func openAttestationIssuerID(iss node) string {
	for _, k := range openAttestationStores {
		if a := iss.get(k).text(); a != "" {
			return "ethereum:" + a
		}
	}
	return iss.get("name").text()
}

// fillIssuer returns the issuer the wallet gave (c), with its name taken from
// the document when the wallet gave none and the ids agree; the document's
// issuer when the wallet gave nothing.
func fillIssuer(cur, doc Issuer, c *Credential) Issuer {
	if c.IssuerID == "" && c.IssuerName == "" {
		return doc
	}
	if cur.Name == "" && (cur.ID == "" || cur.ID == doc.ID) {
		cur.Name = doc.Name
	}
	return cur
}

// certificateType is the achievementType an OpenCerts certificate's name
// implies: Degree for a bachelor's, master's or doctor's degree, Diploma for
// a diploma, "" otherwise.
func certificateType(name string) string {
	var f folded
	f.fold(name)
	for i := range f.n() {
		switch string(f.word(i)) {
		case "bachelor", "bachelors", "master", "masters", "doctor", "doctorate", "phd", "degree":
			return "Degree"
		case "diploma":
			return "Diploma"
		}
	}
	return ""
}

// letterGrades is the letter-grade ladder of Singapore's universities and
// polytechnics (and most others), lowest pass first.
var letterGrades = []string{"D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"}

// gradeLevel reads a transcript grade. A letter grade on letterGrades is
// (index+1)/11 (A+ is 1, A 0.9091, B 0.6364, D 0.0909) on scale grade; a
// percentage is read as such; F, E, U, CU, Fail and Failed are not a pass
// (passed false); any other grade (Pass, S, CS, Distinction, none) is
// Awarded.
func gradeLevel(grade string) (l Level, passed bool) {
	g := strings.TrimSpace(grade)
	for i, lg := range letterGrades {
		if strings.EqualFold(g, lg) {
			return newLevel(float64(i+1)/float64(len(letterGrades)), g, ScaleGrade), true
		}
	}
	switch strings.ToLower(g) {
	case "f", "e", "u", "cu", "fail", "failed":
		return Level{}, false
	}
	if num, ok := strings.CutSuffix(g, "%"); ok {
		if pl, ok := percentLevel(num, g); ok {
			return pl, true
		}
	}
	return Awarded, true
}

// blockcerts3 reads a Blockcerts version 3 certificate: its
// credentialSubject.claim (name, id) is the achievement and itself the
// skill; without a claim, the credential's name. A certificate that names
// neither (a test certificate that only names its recipient) shows no
// achievement. A subject holding an Open Badges 3.0 achievement is read as
// any badge; ok is false then.
func (x *extractor) blockcerts3(root node, c *Credential, rec *Record) (ok bool) {
	rec.Format = FormatBlockcerts
	if iss := root.get("issuer"); c.IssuerName == "" && (c.IssuerID == "" || c.IssuerID == iss.ref()) {
		rec.Issuer.Name = iss.get("name").text()
	}
	for subj := range root.get("credentialSubject").items() {
		if subj.get("achievement").ok() {
			return false
		}
	}
	credID := root.get("id").text()
	i := 0
	for subj := range root.get("credentialSubject").items() {
		claim := subj.get("claim")
		name := orDefault(claim.get("name").text(), root.get("name").text())
		if name == "" {
			continue
		}
		i++
		ach := Achievement{CredentialID: credID, Issuer: rec.Issuer, Earned: rec.ValidFrom, ValidUntil: rec.ValidUntil}
		ach.ID = orDefault(claim.get("id").text(), orDefault(credID, rec.RecordID))
		if i > 1 {
			ach.ID = fmt.Sprintf("%s#%d", ach.ID, i)
		}
		ach.Name = name
		for range root.get("evidence").items() {
			ach.EvidenceCount++
		}
		x.named(&ach, rec)
	}
	return true
}

// named adds an achievement that is itself its one skill, named by its name
// with any level suffix taken off.
func (x *extractor) named(ach *Achievement, rec *Record) {
	baseName, lvl, ok := splitLevel(ach.Name)
	if ok {
		ach.Level = &lvl
	}
	ref := NameRef(baseName)
	x.finish(ach, []SkillEvidence{{Ref: ref, Level: ownLevel(ach.Level, ref)}}, rec)
}
