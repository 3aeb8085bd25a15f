package cli

import (
	"bytes"
	"crypto/ed25519"
	"maps"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/control/controltest"
)

// bbsBadge is an Open Badge (VC 1.1) to be signed with BbsBlsSignature2020
// by a did:key issuer on BLS12-381 G2 (controltest.BBSIssuer), about a
// did:key learner on Ed25519; both keys come from fixed seeds, so the DIDs
// are the same in every run.
type bbsBadge struct {
	file        string         // file name in a temporary folder
	issuerSeed  byte           // every byte of the issuer's key seed
	learnerSeed byte           // every byte of the learner's key seed
	id          string         // the credential's id
	name        string         // the credential's name ("" for none)
	subject     map[string]any // the claims about the learner (its id and type are added)
}

// write signs the badge (see controltest.BBSIssuer) and returns the path
// of the file it wrote.
func (b bbsBadge) write(t *testing.T) string {
	t.Helper()
	issuer := controltest.NewBBSIssuer(t, b.issuerSeed)
	learner, err := did.NewKey(did.Ed25519, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{b.learnerSeed}, 32)).Public().(ed25519.PublicKey))
	require.NoError(t, err)
	subject := maps.Clone(b.subject)
	subject["id"], subject["type"] = learner, []any{"AchievementSubject"}
	doc := map[string]any{
		"@context":          []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json", "https://w3id.org/security/bbs/v1"},
		"id":                b.id,
		"type":              []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":            issuer.DID,
		"issuanceDate":      "2025-09-01T09:00:00Z",
		"credentialSubject": subject,
	}
	if b.name != "" {
		doc["name"] = b.name
	}
	file := filepath.Join(t.TempDir(), b.file)
	require.NoError(t, os.WriteFile(file, issuer.Sign(t, doc), 0o600))
	return file
}

// importCredential imports the credential in file into the wallet in dir
// with skillpass-cli import and returns its record id.
func importCredential(t *testing.T, env map[string]string, dir, file string) string {
	t.Helper()
	r := runCLI(t, env, "", "--wallet", dir, "import", file)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	return wallet.RecordID(data)
}
