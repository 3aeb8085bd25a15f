package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/format"
	"strconv"

	"github.com/mr-tron/base58"

	"github.com/skillpass/skillpass/wallet/qr"
)

// maxFlateDict bounds the DEFLATE dictionary (the window is 32 KiB; a short
// dictionary keeps match distances, and so their codes, short).
const maxFlateDict = 8 << 10

// commonText is credential text that stays literal in SP1 (it is not in the
// term dictionary): URL pieces, DID methods and words of badge descriptions.
const commonText = "https://http://www.example.com/.org/.edu/did:web:did:example:" +
	"/issuers//credentials//achievements//badges//profiles//status/" +
	"#key-1#key-0/images/.png.svg.jpg" +
	"This badge recognizes the ability to Awarded for successfully completing the course " +
	"Demonstrated competency in Earners of this badge have completed a Certificate of Completion " +
	"University College Academy Institute Training School of Department of Team work skills " +
	"Learners who earn this credential have shown and of the in for with to on by a "

// Zero-filled keys and signatures: their lengths and multicodec prefixes
// are representative, their bytes are not (real ones are random and cannot be
// predicted).
var (
	edKey   = didKey([]byte{0xed, 0x01}, 32)
	edKey2  = didKey([]byte{0xed, 0x01, 0x01}, 31)
	blsKey  = didKey([]byte{0xeb, 0x01}, 96)
	edSig   = "z" + base58.Encode(bytes.Repeat([]byte{1}, 64))
	bbsSig  = base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{2}, 240))
	bbsNone = base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))
)

// didKey returns a did:key of prefix followed by n zero bytes.
func didKey(prefix []byte, n int) string {
	return "did:key:z" + base58.Encode(append(append([]byte{}, prefix...), make([]byte, n)...))
}

func vm(did string) string { return did + "#" + did[len("did:key:"):] }

// samples are representative documents, least typical first (DEFLATE codes
// for near matches are shorter, so the most typical come last).
func samples() []map[string]any {
	v2cred := map[string]any{
		"@context": []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       "urn:uuid:00000000-0000-4000-8000-000000000000",
		"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer": map[string]any{
			"id": edKey2, "type": []any{"Profile"}, "name": "Example University",
			"url": "https://www.example.edu/", "email": "badges@example.edu",
		},
		"validFrom":  "2025-01-01T00:00:00Z",
		"validUntil": "2030-01-01T00:00:00Z",
		"name":       "Data Analysis Certificate",
		"credentialSubject": map[string]any{
			"id":   edKey,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id":              "https://www.example.edu/achievements/data-analysis",
				"type":            []any{"Achievement"},
				"achievementType": "Certificate",
				"name":            "Data Analysis",
				"description":     "Awarded for successfully completing the course.",
				"criteria":        map[string]any{"narrative": "Complete every module and the final project."},
				"image":           map[string]any{"id": "https://www.example.edu/images/data-analysis.png", "type": "Image"},
			},
		},
		"credentialStatus": map[string]any{
			"id": "https://www.example.edu/status/1#94567", "type": "BitstringStatusListEntry",
			"statusPurpose": "revocation", "statusListIndex": "94567",
			"statusListCredential": "https://www.example.edu/status/1",
		},
		"proof": map[string]any{
			"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
			"created": "2025-01-01T00:00:00Z", "verificationMethod": vm(edKey2),
			"proofPurpose": "assertionMethod", "proofValue": edSig,
		},
	}
	bbsCred := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":           "urn:uuid:00000000-0000-4000-8000-000000000001",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       blsKey,
		"issuanceDate": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":            edKey,
			"type":          []any{"AchievementSubject"},
			"creditsEarned": 3,
			"role":          "Team lead",
			"achievement": map[string]any{
				"id": "urn:uuid:00000000-0000-4000-8000-000000000002", "type": []any{"Achievement"},
				"name": "Project Management", "description": "Demonstrated competency in planning a project.",
				"criteria": map[string]any{"id": "urn:uuid:00000000-0000-4000-8000-000000000003", "narrative": "Lead a team project."},
			},
		},
		"proof": map[string]any{
			"type": "BbsBlsSignatureProof2020", "created": "2025-01-01T00:00:00Z",
			"nonce": bbsNone, "proofPurpose": "assertionMethod",
			"proofValue": bbsSig, "verificationMethod": vm(blsKey),
		},
	}
	v1cred := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/suites/ed25519-2020/v1"},
		"id":           "urn:uuid:00000000-0000-4000-8000-000000000004",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       edKey2,
		"issuanceDate": "2025-01-01T00:00:00Z",
		"name":         "Team Work Badge",
		"credentialSubject": map[string]any{
			"id":   edKey,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "urn:uuid:00000000-0000-4000-8000-000000000005", "type": []any{"Achievement"},
				"name": "Team Work", "description": "This badge recognizes the ability to work in a team.",
				"criteria": map[string]any{"id": "urn:uuid:00000000-0000-4000-8000-000000000006", "narrative": "Earners of this badge have completed a team project."},
			},
		},
		"proof": map[string]any{
			"type": "Ed25519Signature2020", "created": "2025-01-01T00:00:00Z",
			"proofPurpose": "assertionMethod", "proofValue": edSig, "verificationMethod": vm(edKey2),
		},
	}
	pres := func(ctx []any, cred map[string]any) map[string]any {
		return map[string]any{
			"@context":             ctx,
			"type":                 []any{"VerifiablePresentation"},
			"holder":               edKey,
			"verifiableCredential": []any{cred},
			"proof": map[string]any{
				"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
				"created": "2025-01-01T00:00:00Z", "expires": "2025-01-01T00:15:00Z",
				"verificationMethod": vm(edKey), "proofPurpose": "authentication",
				"challenge": "ABC123", "domain": "https://employer.example.com",
				"proofValue": edSig,
			},
		}
	}
	v1 := []any{"https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/data-integrity/v2"}
	return []map[string]any{
		pres([]any{"https://www.w3.org/ns/credentials/v2"}, v2cred),
		pres(v1, bbsCred),
		pres(v1, v1cred),
	}
}

// buildFlateDict returns commonText followed by the SP1 CBOR of each sample.
func buildFlateDict() ([]byte, error) {
	dict := []byte(commonText)
	for i, s := range samples() {
		j, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("sample %d: %w", i, err)
		}
		c, err := qr.EncodeCBOR(j)
		if err != nil {
			return nil, fmt.Errorf("sample %d: %w", i, err)
		}
		dict = append(dict, c...)
	}
	if len(dict) > maxFlateDict {
		return nil, fmt.Errorf("dictionary of %d bytes exceeds %d", len(dict), maxFlateDict)
	}
	return dict, nil
}

// renderFlateDict returns the Go source of flatedict_gen.go.
func renderFlateDict(dict []byte) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	b.WriteString("// sp1FlateDict is the SP1 preset DEFLATE dictionary: common credential\n")
	b.WriteString("// text and the SP1 CBOR of representative presentations. It is part of\n")
	b.WriteString("// the SP1 format and must never change.\n")
	b.WriteString("const sp1FlateDict = \"\"")
	for len(dict) > 0 {
		n := min(48, len(dict))
		fmt.Fprintf(&b, " +\n\t%s", strconv.Quote(string(dict[:n])))
		dict = dict[n:]
	}
	b.WriteString("\n")
	return format.Source(b.Bytes())
}
