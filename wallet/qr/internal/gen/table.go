package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"slices"
	"strconv"
	"strings"
)

// sourceContexts are the JSON-LD contexts whose term names make up the SP1
// dictionary, after hotTerms. The list is part of SP1: it names URLs, not
// files, and must never change (a later context goes into SP2).
var sourceContexts = []string{
	"https://www.w3.org/2018/credentials/v1",
	"https://www.w3.org/ns/credentials/v2",
	"https://w3id.org/security/data-integrity/v1",
	"https://w3id.org/security/data-integrity/v2",
	"https://w3id.org/security/suites/ed25519-2020/v1",
	"https://w3id.org/security/bbs/v1",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
	"https://www.w3.org/ns/credentials/status/v1",
}

// hotTerms come first, in this order, so that the most frequent keys and
// values of a presentation of an Open Badge get the one-byte codes (0-23)
// and the next most frequent the two-byte ones (24-255).
var hotTerms = []string{
	// 0-23: one byte.
	"id", "type", "name", "description", "@context", "proof", "created",
	"verificationMethod", "proofPurpose", "proofValue", "credentialSubject",
	"issuer", "achievement", "criteria", "narrative", "VerifiableCredential",
	"OpenBadgeCredential", "assertionMethod", "authentication", "issuanceDate",
	"validFrom", "image", "verifiableCredential", "holder",
	// 24 on: two bytes.
	"VerifiablePresentation", "AchievementSubject", "Achievement", "Profile",
	"Image", "challenge", "domain", "expires", "cryptosuite", "nonce",
	"DataIntegrityProof", "Ed25519Signature2020", "eddsa-rdfc-2022",
	"BbsBlsSignature2020", "BbsBlsSignatureProof2020", "expirationDate",
	"validUntil", "url", "email", "achievementType", "credentialStatus",
	"credentialSchema", "evidence", "alignment", "result", "resultDescription",
	"creditsEarned", "activityStartDate", "activityEndDate", "licenseNumber",
	"role", "term", "source", "identifier", "awardedDate", "endorsement",
	"caption", "Criteria", "Evidence", "Alignment", "Result",
	"ResultDescription", "IdentityObject", "identityHash", "identityType",
	"hashed", "salt", "statusPurpose", "statusListIndex",
	"statusListCredential", "BitstringStatusListEntry", "StatusList2021Entry",
	"revocation", "suspension", "AchievementCredential", "Ed25519Signature2018",
	"JsonWebSignature2020", "jws", "EnvelopedVerifiableCredential",
	"@id", "@type", "@value", "@language", "@explicit", "@vocab", "@graph",
	// Context URLs: one occurrence each per document, but long.
	"https://www.w3.org/2018/credentials/v1",
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.0.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/ob_v3p0.jsonld",
	"https://w3id.org/security/suites/ed25519-2020/v1",
	"https://w3id.org/security/data-integrity/v1",
	"https://w3id.org/security/data-integrity/v2",
	"https://w3id.org/security/bbs/v1",
	"https://www.w3.org/ns/credentials/status/v1",
	"https://w3id.org/vc/status-list/2021/v1",
	"https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
	"https://purl.imsglobal.org/spec/clr/v2p0/context.json",
	"https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
	"https://w3id.org/security/suites/jws-2020/v1",
	"https://w3id.org/security/suites/ed25519-2018/v1",
	"https://w3id.org/security/suites/secp256k1-2019/v1",
	"https://w3id.org/security/multikey/v1",
	"https://w3id.org/security/v1",
	"https://w3id.org/security/v2",
	"https://www.w3.org/ns/did/v1",
	"https://www.w3.org/2018/credentials/examples/v1",
	"https://www.w3.org/ns/credentials/examples/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
	"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json",
	"1EdTechJsonSchemaValidator2019",
	// Cryptosuites and proof purposes that are not terms.
	"eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023",
	"bbs-2023", "eddsa-2022", "Multikey", "Bls12381G2Key2020",
	"Ed25519VerificationKey2020", "Ed25519VerificationKey2018",
	"JsonWebKey2020", "capabilityInvocation", "capabilityDelegation",
	"keyAgreement",
}

// enumValues are values the Open Badges 3.0 and CLR 2.0 specifications
// enumerate (achievement, result, alignment and identifier types, result
// status) and that their contexts do not define as terms.
var enumValues = []string{
	// AchievementType.
	"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
	"AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
	"CertificateOfCompletion", "Certification", "CommunityService",
	"Competency", "Course", "CoCurricular", "Degree", "Diploma",
	"DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
	"JourneymanCertificate", "LearningProgram", "License", "Membership",
	"ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate",
	"MasterDegree", "MicroCredential", "ResearchDoctorate",
	"SecondarySchoolDiploma",
	// AlignmentTargetType.
	"ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric",
	"CFRubricCriterion", "CFRubricCriterionLevel", "CTDL",
	// ResultType.
	"GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel",
	"PredictedScore", "RawScore", "RubricCriterion", "RubricScore",
	"ScaledScore", "Status",
	// ResultStatusType.
	"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional",
	"Withdrew",
	// IdentifierTypeEnum.
	"sourcedId", "systemId", "productId", "userName", "accountId",
	"emailAddress", "nationalIdentityNumber", "isbn", "issn", "lisSourcedId",
	"oneRosterSourcedId", "sisSourcedId", "ltiContextId", "ltiDeploymentId",
	"ltiToolId", "ltiPlatformId", "ltiUserId",
}

// buildTable returns the SP1 dictionary: hotTerms, then the terms the
// source contexts define (scoped contexts included) in byte order, then
// enumValues, each string once.
func buildTable(contexts map[string][]byte) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, s := range hotTerms {
		add(s)
	}
	terms := map[string]bool{}
	for _, u := range sourceContexts {
		raw, ok := contexts[u]
		if !ok {
			return nil, fmt.Errorf("context %s is not shipped", u)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("context %s: %w", u, err)
		}
		collectTerms(doc["@context"], terms)
	}
	sorted := make([]string, 0, len(terms))
	for t := range terms {
		sorted = append(sorted, t)
	}
	slices.Sort(sorted)
	for _, t := range sorted {
		add(t)
	}
	for _, s := range enumValues {
		add(s)
	}
	return out, nil
}

// collectTerms adds the terms a context value defines, descending into the
// scoped contexts of term definitions. Keywords and prefix definitions
// (values ending in '/', '#' or ':') are left out.
func collectTerms(ctx any, terms map[string]bool) {
	switch c := ctx.(type) {
	case []any:
		for _, e := range c {
			collectTerms(e, terms)
		}
	case map[string]any:
		for k, v := range c {
			if strings.HasPrefix(k, "@") {
				continue
			}
			if iri, ok := v.(string); ok && (strings.HasSuffix(iri, "/") || strings.HasSuffix(iri, "#") || strings.HasSuffix(iri, ":")) {
				continue
			}
			terms[k] = true
			if def, ok := v.(map[string]any); ok {
				collectTerms(def["@context"], terms)
			}
		}
	}
}

// renderTable returns the Go source of table_gen.go.
func renderTable(terms []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("// sp1Terms is the SP1 term and value dictionary: a JSON key or string\n")
	b.WriteString("// value equal to sp1Terms[n] is written as the CBOR unsigned integer n.\n")
	b.WriteString("// It is part of the SP1 format and must never change.\n")
	b.WriteString("var sp1Terms = [...]string{\n")
	for i, t := range terms {
		fmt.Fprintf(&b, "\t%s, // %d\n", strconv.Quote(t), i)
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// header starts every generated file.
const header = "// Code generated by go run ./internal/gen; DO NOT EDIT.\n\npackage qr\n\n"
