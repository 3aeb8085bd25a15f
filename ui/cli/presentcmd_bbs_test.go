package cli

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// bbsBadgeFile writes a BBS+ signed Open Badge with six claims about its
// subject (every object with an id) and returns its path. (Each claim left
// undisclosed adds 32 bytes to a derived proof: three hidden claims keep
// the presentation within one scannable QR code; wallet/qr measures the
// larger cases.)
func bbsBadgeFile(t *testing.T) string {
	t.Helper()
	return bbsBadge{
		file: "forklift.json", issuerSeed: 31, learnerSeed: 32,
		id: "urn:uuid:0d3b1f6e-2c4a-4e8b-9a7d-5f1e3c2b4a69",
		subject: map[string]any{
			"achievement": map[string]any{
				"id": "urn:uuid:6a1e4c2d-8b3f-4d7a-9c5e-1f2a3b4c5d6e", "type": []any{"Achievement"}, "name": "Forklift Operation",
			},
			"creditsEarned":     6,
			"activityStartDate": "2025-05-05T00:00:00Z",
			"activityEndDate":   "2025-06-27T00:00:00Z",
			"licenseNumber":     "FL-2025-0042",
			"role":              "Warehouse operative",
		},
	}.write(t)
}

// TestPresentDisclose: three of a BBS+ badge's six claims as a QR code,
// read by skillpass-cli verify and by zbarimg; the undisclosed values are
// nowhere in it; a claim the badge does not have is a usage error.
func TestPresentDisclose(t *testing.T) {
	dir, env, _ := presentSetup(t)
	id := importCredential(t, env, dir, bbsBadgeFile(t))

	const challenge = "4RT-9QX"
	out := filepath.Join(t.TempDir(), "forklift.png")
	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", id,
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
		got, err := exec.Command(zbar, "-Sdisable", "-Sqrcode.enable", "--raw", "-q", out).Output()
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
