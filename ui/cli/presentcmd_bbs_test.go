package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hyperledger/aries-framework-go/pkg/crypto/primitive/bbs12381g2pub"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/jsonld"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/proof"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/signer"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite"
	"github.com/hyperledger/aries-framework-go/pkg/doc/signature/suite/bbsblssignature2020"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/qr"
	"github.com/skillpass/skillpass/wallet/verify"
)

// bbsSigner signs BbsBlsSignature2020 proofs with a BLS12-381 G2 key.
type bbsSigner struct{ priv []byte }

// Sign signs canonical N-Quads, one message per line.
func (s bbsSigner) Sign(data []byte) ([]byte, error) {
	var msgs [][]byte
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			msgs = append(msgs, []byte(line))
		}
	}
	return bbs12381g2pub.New().Sign(msgs, s.priv)
}

// Alg is unused by the BBS+ suite.
func (s bbsSigner) Alg() string { return "" }

// bbsBadgeFile writes a BBS+ signed Open Badge with six claims about its
// subject (every object with an id) and returns its path. (Each claim left
// undisclosed adds 32 bytes to a derived proof: three hidden claims keep
// the presentation within one scannable QR code; wallet/qr measures the
// larger cases.)
func bbsBadgeFile(t *testing.T) string {
	t.Helper()
	pub, priv, err := bbs12381g2pub.GenerateKeyPair(sha256.New, bytes.Repeat([]byte{31}, 32))
	require.NoError(t, err)
	pubRaw, err := pub.Marshal()
	require.NoError(t, err)
	privRaw, err := priv.Marshal()
	require.NoError(t, err)
	issuer, err := did.NewKey(did.BLS12381G2, pubRaw)
	require.NoError(t, err)
	learner, err := did.NewKey(did.Ed25519, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{32}, 32)).Public().(ed25519.PublicKey))
	require.NoError(t, err)
	doc := map[string]any{
		"@context":     []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":           "urn:uuid:0d3b1f6e-2c4a-4e8b-9a7d-5f1e3c2b4a69",
		"type":         []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":       issuer,
		"issuanceDate": "2025-09-01T09:00:00Z",
		"credentialSubject": map[string]any{
			"id":   learner,
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "urn:uuid:6a1e4c2d-8b3f-4d7a-9c5e-1f2a3b4c5d6e", "type": []any{"Achievement"}, "name": "Forklift Operation",
			},
			"creditsEarned":     6,
			"activityStartDate": "2025-05-05T00:00:00Z",
			"activityEndDate":   "2025-06-27T00:00:00Z",
			"licenseNumber":     "FL-2025-0042",
			"role":              "Warehouse operative",
		},
	}
	l, err := ld.NewLoader()
	require.NoError(t, err)
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	created := time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC)
	unlock := verify.LockBBS()
	signed, err := signer.New(bbsblssignature2020.New(suite.WithSigner(bbsSigner{privRaw}))).Sign(&signer.Context{
		SignatureType: "BbsBlsSignature2020", SignatureRepresentation: proof.SignatureProofValue, Created: &created,
		VerificationMethod: issuer + "#" + strings.TrimPrefix(issuer, "did:key:"), Purpose: "assertionMethod",
	}, raw, jsonld.WithDocumentLoader(l))
	unlock()
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "forklift.json")
	require.NoError(t, os.WriteFile(file, signed, 0o600))
	return file
}

// TestPresentDisclose: three of a BBS+ badge's six claims as a QR code,
// read by skillpass-cli verify and by zbarimg; the undisclosed values are
// nowhere in it; a claim the badge does not have is a usage error.
func TestPresentDisclose(t *testing.T) {
	dir, env, _ := presentSetup(t)
	file := bbsBadgeFile(t)
	r := runCLI(t, env, "", "--wallet", dir, "import", file)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	id := wallet.RecordID(data)

	const challenge = "4RT-9QX"
	out := filepath.Join(t.TempDir(), "forklift.png")
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", id,
		"--disclose", "achievement.name", "--disclose", "creditsEarned", "--disclose", "credentialSubject.activityEndDate",
		"--challenge", challenge, "--qr", out, "--text")
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stdout, "only the claims below")
	require.Contains(t, r.stdout, "claims: achievement.id, achievement.name, achievement.type, activityEndDate, creditsEarned, id, type\n")
	require.Contains(t, r.stdout, "with:   id, issuanceDate, issuer, type\n")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	text := lines[len(lines)-1]
	require.True(t, strings.HasPrefix(text, qr.Prefix))
	vp, err := qr.Decode(text)
	require.NoError(t, err)
	for _, hidden := range []string{"2025-05-05", "FL-2025-0042", "Warehouse operative"} {
		require.NotContains(t, string(vp), hidden)
	}

	later := cliNow.Add(5 * time.Minute)
	r = runAt(t, later, nil, "", "verify", "--json", "--offline", "--challenge", challenge, out)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	v := parseVerdict(t, r.stdout)
	require.True(t, v.Verified)
	require.Len(t, v.Credentials, 1)
	require.True(t, v.Credentials[0].Verified, "%q", v.Credentials[0].Errors)
	r = runAt(t, later, nil, "", "verify", "--json", "--offline", "--challenge", "9ZZ-0A1", out)
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)

	if zbar, err := exec.LookPath("zbarimg"); err == nil {
		got, err := exec.Command(zbar, "--raw", "-q", out).Output()
		require.NoError(t, err)
		require.Equal(t, text, strings.TrimRight(string(got), "\n"))
	} else {
		t.Log("zbarimg not installed (Debian package zbar-tools): skipped the second decoder")
	}

	tmp := t.TempDir()
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", id, "--disclose", "achievement.grade", "--qr", filepath.Join(tmp, "x.png"))
	require.Equal(t, ExitUsage, r.code, r.stdout+r.stderr)
	require.Contains(t, r.stderr, "no such claim")
	require.NoFileExists(t, filepath.Join(tmp, "x.png"))
}
