package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/qr"
)

// envNoGS names the environment variable that lets the sheet tests skip
// when Ghostscript is not installed. Without it a missing gs fails them:
// a sheet nobody rendered is a sheet nobody proved scannable.
const envNoGS = "SKILLPASS_NO_GS"

// pageImage renders the first page of the PDF file to a 300 dpi grey PNG
// file with Ghostscript, as a scanner would, and returns its path.
func pageImage(t *testing.T, pdfFile string) string {
	t.Helper()
	gs, err := exec.LookPath("gs")
	if err != nil {
		if os.Getenv(envNoGS) != "" {
			t.Skipf("Ghostscript (gs) not installed and %s set: skipped rendering the sheet", envNoGS)
		}
		t.Fatalf("Ghostscript (gs) is needed to render the printable sheet: install the Debian package ghostscript (or set %s=1 to skip)", envNoGS)
	}
	out := strings.TrimSuffix(pdfFile, filepath.Ext(pdfFile)) + "-scan.png"
	cmd := exec.Command(gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dFirstPage=1", "-dLastPage=1",
		"-sDEVICE=pnggray", "-r300", "-o", out, pdfFile)
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "gs: %s", msg)
	return out
}

// zbarRead decodes the QR code in a PNG file with zbarimg, a second,
// independent decoder; ok is false when zbarimg is not installed.
func zbarRead(t *testing.T, file string) (text string, ok bool) {
	t.Helper()
	zbar, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Log("zbarimg not installed (Debian package zbar-tools): skipped the second decoder")
		return "", false
	}
	out, err := exec.Command(zbar, "-Sdisable", "-Sqrcode.enable", "--raw", "-q", file).Output()
	require.NoError(t, err, "zbarimg found no code in %s", file)
	return strings.TrimRight(string(out), "\n"), true
}

// bbsEightClaimsFile writes a BBS+ signed Open Badge with eight claims
// about its subject (the achievement and seven more, every object with an
// id) and returns its path.
func bbsEightClaimsFile(t *testing.T) string {
	t.Helper()
	return bbsBadge{
		file: "customer-service.json", issuerSeed: 41, learnerSeed: 42,
		id:   "urn:uuid:5b2e8c1a-7d4f-4a39-b6e0-2c9d8f1a3e57",
		name: "Customer Service Fundamentals Badge",
		subject: map[string]any{
			"achievement": map[string]any{
				"id": "urn:uuid:9c4d2e6f-1a3b-4c5d-8e7f-0a1b2c3d4e5f", "type": []any{"Achievement"},
				"achievementType": "Certificate", "name": "Customer Service Fundamentals",
				"description": "Handles customer enquiries by phone and in person, resolves complaints and records outcomes.",
				"criteria": map[string]any{
					"id":        "urn:uuid:1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
					"narrative": "Passed the 40-hour course and a supervised assessment with real customers.",
				},
			},
			"creditsEarned":     12,
			"activityStartDate": "2025-05-05T00:00:00Z",
			"activityEndDate":   "2025-06-27T00:00:00Z",
			"licenseNumber":     "CS-2025-004711",
			"role":              "Shift supervisor",
			"term":              "Summer 2025",
			"narrative":         "Completed the course while working part time at the Riverside store.",
		},
	}.write(t)
}

// sheetWrote reads the version and module size from present's "Wrote
// OUT.pdf (A4 sheet: ...)" line.
var sheetWrote = regexp.MustCompile(`\(A4 sheet: QR version (\d+), ([0-9.]+) mm per module, (\d+) mm wide\)`)

// lastLine is the last line of out (where --text prints the code).
func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// TestPresentSheet: presentations printed on an A4 sheet are read back
// from a 300 dpi rendering of the page by gozxing (through skillpass-cli
// verify, the employer's path) and by zbarimg, and verify. The BBS+
// presentation of 3 of 8 claims is too dense for a screen code: --qr
// writes the JSON file and offers the sheet, which carries the code.
func TestPresentSheet(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json")
	bbsID := importCredential(t, env, dir, bbsEightClaimsFile(t))

	const challenge, domain = "4RT-9QX", "https://jobs.employer.example"
	tests := []struct {
		name string
		args []string
		// screen is whether the code also fits a screen QR code (--qr).
		screen bool
		// hidden are values the presentation must not carry.
		hidden []string
	}{
		{
			name:   "Ed25519 badge shown whole",
			args:   []string{"--credential", ids[0]},
			screen: true,
		},
		{
			name: "BBS+ badge, 3 of 8 claims",
			args: []string{"--credential", bbsID, "--disclose", "achievement.name", "--disclose", "creditsEarned",
				"--disclose", "activityEndDate"},
			hidden: []string{"CS-2025-004711", "Shift supervisor", "Summer 2025", "Riverside store", "2025-05-05"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			png, sheet := filepath.Join(tmp, "code.png"), filepath.Join(tmp, "code.pdf")
			args := append([]string{"--wallet", dir, "present", "--challenge", challenge, "--domain", domain,
				"--expires", "30d", "--qr", png, "--sheet", sheet, "--text"}, tc.args...)
			r := runCLI(t, env, "", args...)
			text := lastLine(r.stdout)
			require.True(t, strings.HasPrefix(text, qr.Prefix), r.stdout+r.stderr)
			version, err := qr.Version(text)
			require.NoError(t, err)
			require.Equal(t, tc.screen, version <= qr.MaxVersion, "QR version %d", version)
			if tc.screen {
				require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
				require.FileExists(t, png)
				require.NoFileExists(t, filepath.Join(tmp, "code.json"))
			} else {
				// The screen code was not made: the file and the sheet instead.
				require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
				require.Contains(t, r.stderr, "too large for one scannable QR code")
				require.Contains(t, r.stderr, "print the sheet "+sheet)
				require.NoFileExists(t, png)
				require.FileExists(t, filepath.Join(tmp, "code.json"))
			}
			require.NotContains(t, r.stdout, "Note:", "--expires was given")
			m := sheetWrote.FindStringSubmatch(r.stdout)
			require.NotNil(t, m, r.stdout)
			require.Equal(t, strconv.Itoa(version), m[1])
			mm, err := strconv.ParseFloat(m[2], 64)
			require.NoError(t, err)
			require.GreaterOrEqual(t, mm, 0.5)
			t.Logf("%s: SP1 %d characters, QR version %d, %s mm per module, code %s mm wide",
				tc.name, len(text), version, m[2], m[3])

			vp, err := qr.Decode(text)
			require.NoError(t, err)
			for _, h := range tc.hidden {
				require.NotContains(t, string(vp), h)
			}

			scan := pageImage(t, sheet)
			img, err := os.ReadFile(scan)
			require.NoError(t, err)
			read, err := qr.ReadPNG(img)
			require.NoError(t, err, "gozxing reads the code on the rendered page")
			require.Equal(t, text, read)
			if got, ok := zbarRead(t, scan); ok {
				require.Equal(t, text, got)
			}

			later := cliNow.Add(24 * time.Hour)
			r = runAt(t, later, nil, "", "verify", "--json", "--offline", "--challenge", challenge, "--domain", domain, scan)
			require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
			v := parseVerdict(t, r.stdout)
			require.True(t, v.Verified, "%q", v.Errors)
			require.Equal(t, "presentation", v.Kind)
			require.Len(t, v.Credentials, 1)
			require.True(t, v.Credentials[0].Verified, "%q", v.Credentials[0].Errors)
			r = runAt(t, later, nil, "", "verify", "--json", "--offline", "--challenge", "9ZZ-0A1", "--domain", domain, scan)
			require.Equal(t, ExitRefused, r.code, "a scan of the sheet is bound to its challenge")
		})
	}
}

// TestPresentSheetOnly: --sheet alone (no --qr) for a code that fits,
// with the default expiry, which present warns about; and the sheet for a
// presentation too large even for version 40, which says so beside the
// JSON file.
func TestPresentSheetOnly(t *testing.T) {
	dir, env, ids := presentSetup(t, "simple.json", "complete.json", "simple_v1.json")
	tmp := t.TempDir()

	sheet := filepath.Join(tmp, "one.pdf")
	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--sheet", sheet)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	require.Regexp(t, sheetWrote, r.stdout)
	require.Contains(t, r.stdout, "Note: the code stops verifying after the default 15 minutes")
	require.NoFileExists(t, filepath.Join(tmp, "one.json"))

	// Never overwrite the sheet.
	before, err := os.ReadFile(sheet)
	require.NoError(t, err)
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--sheet", sheet)
	require.Equal(t, ExitRefused, r.code)
	require.Contains(t, r.stderr, "already exists")
	after, err := os.ReadFile(sheet)
	require.NoError(t, err)
	require.Equal(t, before, after)

	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--qr", filepath.Join(tmp, "x"), "--sheet", filepath.Join(tmp, "x"))
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "the same file")

	// All three credentials whole: more than a version 40 code holds.
	big := filepath.Join(tmp, "all.pdf")
	r = runCLI(t, env, "", "--wallet", dir, "present", "--credential", ids[0], "--credential", ids[1], "--credential", ids[2],
		"--expires", "30d", "--sheet", big, "--text")
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
	_, err = qr.Version(lastLine(r.stdout))
	require.ErrorIs(t, err, qr.ErrTooLarge, "the case needs a presentation beyond version 40")
	require.Contains(t, r.stderr, "too large even for a printed QR code")
	require.Contains(t, r.stdout, "A4 sheet without a code")
	require.FileExists(t, big)
	jsonFile := filepath.Join(tmp, "all.json")
	r = runCLI(t, nil, "", "verify", "--json", "--offline", jsonFile)
	v := parseVerdict(t, r.stdout)
	require.Equal(t, "ok", v.Checks["signature"], r.stdout)
	require.Len(t, v.Credentials, 3)

	// Rendered (last: without Ghostscript and with SKILLPASS_NO_GS set the
	// test stops here): the first sheet verifies; the second has no code.
	scan := pageImage(t, sheet)
	r = runAt(t, cliNow.Add(5*time.Minute), nil, "", "verify", "--json", "--offline", scan)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)
	img, err := os.ReadFile(pageImage(t, big))
	require.NoError(t, err)
	_, err = qr.ReadPNG(img)
	require.ErrorIs(t, err, qr.ErrNoCode)
}

// TestPresentQRTooLargeOffersSheet: --qr alone for a code over version
// 25 but within 40 writes the JSON file and points to --sheet.
func TestPresentQRTooLargeOffersSheet(t *testing.T) {
	dir, env, _ := presentSetup(t)
	id := importCredential(t, env, dir, bbsEightClaimsFile(t))
	tmp := t.TempDir()
	r := runCLI(t, env, "", "--wallet", dir, "present", "--credential", id,
		"--disclose", "achievement.name", "--disclose", "creditsEarned", "--disclose", "activityEndDate",
		"--challenge", "4RT-9QX", "--domain", "https://jobs.employer.example", "--qr", filepath.Join(tmp, "c.png"), "--text")
	require.Equal(t, ExitRefused, r.code, r.stdout+r.stderr)
	version, err := qr.Version(lastLine(r.stdout))
	require.NoError(t, err)
	require.Greater(t, version, qr.MaxVersion)
	require.Contains(t, r.stderr, "wrote "+filepath.Join(tmp, "c.json")+" instead")
	require.Contains(t, r.stderr, "add --sheet OUT.pdf")
	require.FileExists(t, filepath.Join(tmp, "c.json"))
	require.NoFileExists(t, filepath.Join(tmp, "c.png"))
}
