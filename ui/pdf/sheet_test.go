package pdf

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet"
	"github.com/skillpass/skillpass/wallet/qr"
)

// envNoGS names the environment variable that lets the sheet tests skip
// when Ghostscript is not installed. Without it a missing gs fails them:
// a sheet nobody rendered is a sheet nobody proved scannable.
const envNoGS = "SKILLPASS_NO_GS"

// scanDPI is the resolution the tests render pages at, as a scanner would.
const scanDPI = 300

// renderPage renders the first page of a PDF to a grey PNG at scanDPI with
// Ghostscript and returns the PNG's path.
func renderPage(t *testing.T, pdf []byte) string {
	t.Helper()
	gs, err := exec.LookPath("gs")
	if err != nil {
		if os.Getenv(envNoGS) != "" {
			t.Skipf("Ghostscript (gs) not installed and %s set: skipped rendering the sheet", envNoGS)
		}
		t.Fatalf("Ghostscript (gs) is needed to render the printable sheet: install the Debian package ghostscript (or set %s=1 to skip)", envNoGS)
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "sheet.pdf"), filepath.Join(dir, "sheet.png")
	require.NoError(t, os.WriteFile(in, pdf, 0o600))
	msg, err := exec.Command(gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dFirstPage=1", "-dLastPage=1",
		"-sDEVICE=pnggray", fmt.Sprintf("-r%d", scanDPI), "-o", out, in).CombinedOutput()
	require.NoError(t, err, "gs: %s", msg)
	return out
}

// alnum is the QR alphanumeric alphabet (base45's), which SP1 text uses.
const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

// code returns SP1-like text of n characters, random but repeatable.
func code(n int, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := []byte(qr.Prefix)
	for len(b) < n {
		b = append(b, alnum[rng.IntN(len(alnum))])
	}
	return string(b)
}

// preview is a consent summary of a BBS+ credential shown in part and
// an Ed25519 one shown whole.
func preview() wallet.Preview {
	return wallet.Preview{
		Holder:    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		Domain:    "https://jobs.employer.example",
		Challenge: "7KQ-2M4",
		Expires:   time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC),
		Credentials: []wallet.DisclosedCredential{
			{ID: "3f1c", Name: "Customer Service Fundamentals Badge", IssuerName: "Riverside College",
				Claims: []string{"achievement.name", "activityEndDate", "creditsEarned"}},
			{ID: "9a2b", Name: "Forklift Operation", IssuerID: "did:web:training.example", Whole: true,
				Claims: []string{"achievement.criteria.narrative", "achievement.description", "achievement.name"}},
		},
	}
}

// finderRun measures, in the scan, the top row of the code's top-left
// finder pattern (seven modules, all dark): it returns the run's length
// in pixels, searching below top millimetres.
func finderRun(t *testing.T, img image.Image, top float64) int {
	t.Helper()
	b := img.Bounds()
	dark := func(x, y int) bool {
		r, _, _, _ := img.At(x, y).RGBA()
		return r < 0x8000
	}
	for y := int(math.Ceil(top / 25.4 * scanDPI)); y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if !dark(x, y) {
				continue
			}
			n := 0
			for x+n < b.Max.X && dark(x+n, y) {
				n++
			}
			return n
		}
	}
	t.Fatal("no code on the page")
	return 0
}

// TestSheetScans: sheets with codes from a screen-sized one to version 40
// print every module at least MinModuleMM wide, measured in a 300 dpi
// rendering of the page by Ghostscript, and the code in that rendering
// reads back exactly with gozxing and with zbarimg.
func TestSheetScans(t *testing.T) {
	tests := []struct {
		name       string
		chars      int
		minVersion int
	}{
		{"screen size", 600, 10},
		{"just over a screen code", 1500, qr.MaxVersion + 1},
		{"BBS+ presentation size", 1800, 29},
		{"version 40", 3300, 40},
	}
	zbar, zbarErr := exec.LookPath("zbarimg")
	if zbarErr != nil {
		t.Log("zbarimg not installed (Debian package zbar-tools): skipped the second decoder")
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := code(tc.chars, uint64(i))
			version, err := qr.Version(text)
			require.NoError(t, err)
			require.GreaterOrEqual(t, version, tc.minVersion)
			var buf bytes.Buffer
			l, err := WriteSheet(&buf, Sheet{Code: text, Preview: preview(), Created: at}, Options{})
			require.NoError(t, err)
			require.True(t, l.Fits)
			require.Equal(t, version, l.Version)
			require.Equal(t, 17+4*version, l.Modules)
			require.GreaterOrEqual(t, l.ModuleMM, MinModuleMM)
			require.LessOrEqual(t, l.ModuleMM, MaxModuleMM)
			require.InDelta(t, float64(l.Modules+2*qr.QuietZone)*l.ModuleMM, l.SideMM, 1e-9)
			require.LessOrEqual(t, l.SideMM, contentW)
			require.Equal(t, 2, l.Credentials)

			scan := renderPage(t, buf.Bytes())
			b, err := os.ReadFile(scan)
			require.NoError(t, err)
			img, err := png.Decode(bytes.NewReader(b))
			require.NoError(t, err)
			run := finderRun(t, img, sheetQRTop)
			printed := float64(run) / 7 / scanDPI * 25.4
			t.Logf("version %d: %.3f mm a module planned, %.3f mm in the scan (%d pixels for 7 modules)", version, l.ModuleMM, printed, run)
			require.InDelta(t, l.ModuleMM, printed, 25.4/scanDPI/7+1e-9)
			require.GreaterOrEqual(t, printed, MinModuleMM)

			read, err := qr.ReadPNG(b)
			require.NoError(t, err, "gozxing")
			require.Equal(t, text, read)
			if zbarErr == nil {
				out, err := exec.Command(zbar, "-Sdisable", "-Sqrcode.enable", "--raw", "-q", scan).Output()
				require.NoError(t, err, "zbarimg")
				require.Equal(t, text, strings.TrimRight(string(out), "\n"))
			}
		})
	}
}

// TestSheetText: the page names the holder, to whom, the challenge, the
// validity, each credential with its issuer and its claim names, and how
// to verify; a code too large for version 40 is not printed and the page
// names the file instead.
func TestSheetText(t *testing.T) {
	pv := preview()
	tests := []struct {
		name    string
		text    string
		file    string
		fits    bool
		want    []string
		notWant []string
	}{
		{
			name: "code", text: code(900, 1), fits: true,
			want: []string{
				pv.Holder, "https://jobs.employer.example", "7KQ-2M4", "2026-12-31 23:59 UTC", "2026-06-01 00:00 UTC",
				"Customer Service Fundamentals Badge, from Riverside College", "Forklift Operation, from did:web:training.example",
				"achievement.name, activityEndDate, creditsEarned", "Only these claims", "Shown whole",
				"skillpass-cli verify --challenge 7KQ-2M4 --domain https://jobs.employer.example scan.png",
				"/Subtype /Image",
			},
			notWant: []string{"No QR code"},
		},
		{
			name: "too large for version 40", text: code(4500, 2), file: "cv.json",
			want: []string{
				"No QR code", "the file cv.json", "more than version 40", "4500 characters",
				"skillpass-cli verify --challenge 7KQ-2M4 --domain https://jobs.employer.example FILE",
				"Customer Service Fundamentals Badge, from Riverside College",
			},
			notWant: []string{"/Subtype /Image", "scan.png"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			l, err := WriteSheet(&buf, Sheet{Code: tc.text, Preview: pv, Created: at, File: tc.file}, Options{Uncompressed: true})
			require.NoError(t, err)
			require.Equal(t, tc.fits, l.Fits)
			planned, err := PlanSheet(Sheet{Code: tc.text, Preview: pv, Created: at, File: tc.file})
			require.NoError(t, err)
			require.Equal(t, l, planned, "PlanSheet tells what WriteSheet prints")
			out := buf.String()
			require.True(t, strings.HasPrefix(out, "%PDF-"))
			require.Contains(t, out, "/Count 1", "one page")
			for _, w := range tc.want {
				require.Contains(t, out, w)
			}
			for _, w := range tc.notWant {
				require.NotContains(t, out, w)
			}
			if !tc.fits {
				require.Zero(t, l.Version)
				require.Zero(t, l.ModuleMM)
			}
		})
	}
}

// TestSheetCrowded: a presentation of many credentials with many claims
// stays on one page: the code keeps at least MinModuleMM a module, each
// credential's claim names take at most three lines, and the credentials
// that do not fit are counted.
func TestSheetCrowded(t *testing.T) {
	pv := preview()
	pv.Credentials = nil
	var claims []string
	for i := range 60 {
		claims = append(claims, fmt.Sprintf("achievement.alignment.targetName%02d", i))
	}
	for i := range 40 {
		pv.Credentials = append(pv.Credentials, wallet.DisclosedCredential{
			Name: fmt.Sprintf("Credential number %02d with a long name that goes on", i), IssuerName: "Riverside College",
			Whole: true, Claims: claims,
		})
	}
	text := code(3300, 3)
	var buf bytes.Buffer
	l, err := WriteSheet(&buf, Sheet{Code: text, Preview: pv}, Options{Uncompressed: true})
	require.NoError(t, err)
	require.True(t, l.Fits)
	require.GreaterOrEqual(t, l.ModuleMM, MinModuleMM)
	require.Less(t, l.Credentials, len(pv.Credentials))
	require.Positive(t, l.Credentials)
	out := buf.String()
	require.Contains(t, out, "/Count 1")
	require.Contains(t, out, fmt.Sprintf("and %d more credentials", len(pv.Credentials)-l.Credentials))
	require.Contains(t, out, "more")
	require.NotContains(t, out, "targetName59", "the last claim names are counted, not printed")

	// The block ends above the verification notes.
	sh, err := newSheetPage(Sheet{Code: text, Preview: pv}, Options{})
	require.NoError(t, err)
	bottom := sheetQRTop + sh.layout.SideMM + 6 + sheetLineH // the "and N more" line
	for _, r := range sh.info {
		bottom += r.height()
		require.LessOrEqual(t, len(r.lines), sheetClaimMax, "a row of claim names is cut to three lines")
	}
	require.LessOrEqual(t, bottom, sheetHowTop)
}

// TestSheetOddInput: empty, control and non-Latin text, and a missing
// code, never panic; a missing code is ErrNoCode.
func TestSheetOddInput(t *testing.T) {
	tests := []struct {
		name string
		s    Sheet
		err  error
	}{
		{"no code", Sheet{Preview: preview()}, ErrNoCode},
		{"blank code", Sheet{Code: " \n"}, ErrNoCode},
		{"empty preview", Sheet{Code: code(100, 4)}, nil},
		{"control and non-Latin text", Sheet{Code: code(100, 5), File: "résumé\x00.json", Preview: wallet.Preview{
			Holder: "did:key:\x1b[31m", Domain: "例え.jp", Challenge: "\t\n",
			Credentials: []wallet.DisclosedCredential{{Name: strings.Repeat("Ж", 500), Claims: []string{"", "\u202e"}}},
		}}, nil},
		{"a long unbroken name", Sheet{Code: code(100, 6), Preview: wallet.Preview{
			Holder: strings.Repeat("z", 2000), Credentials: []wallet.DisclosedCredential{{Name: strings.Repeat("x", 3000)}},
		}}, nil},
		{"text that is not SP1", Sheet{Code: "https://example.com/é"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := WriteSheet(&buf, tc.s, Options{})
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.Zero(t, buf.Len())
				return
			}
			require.NoError(t, err)
			require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")))
			require.Contains(t, buf.String(), "/Count 1")
		})
	}
}

// TestSheetShrinks: the code is printed smaller than MaxModuleMM only when
// that lets every credential be listed, never below MinModuleMM; when the
// list is cut anyway the code stays large.
func TestSheetShrinks(t *testing.T) {
	text := code(3300, 8)
	shrunk, cut := false, false
	for n := 1; n <= 16; n++ {
		pv := preview()
		pv.Credentials = nil
		for i := range n {
			pv.Credentials = append(pv.Credentials, wallet.DisclosedCredential{
				Name: fmt.Sprintf("Credential %d", i), IssuerName: "Riverside College", Claims: []string{"achievement.name"},
			})
		}
		l, err := PlanSheet(Sheet{Code: text, Preview: pv})
		require.NoError(t, err)
		require.GreaterOrEqual(t, l.ModuleMM, MinModuleMM)
		require.LessOrEqual(t, l.ModuleMM, MaxModuleMM)
		full := l.ModuleMM == math.Floor(MaxModuleMM/dotMM)*dotMM
		if !full {
			shrunk = true
			require.Equal(t, n, l.Credentials, "%d credentials: shrunk although the list is cut", n)
		}
		if l.Credentials < n {
			cut = true
			require.True(t, full, "%d credentials: the list is cut, the code stays large", n)
		}
	}
	require.True(t, shrunk, "some count of credentials shrinks the code")
	require.True(t, cut, "some count of credentials is cut")
}
