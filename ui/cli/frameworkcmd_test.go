package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gojose "github.com/go-jose/go-jose/v3"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/wallet/framework"
	"github.com/skillpass/skillpass/wallet/framework/frameworktest"
)

// writeWorkbook writes a workbook with rows on sheet into dir/name.
func writeWorkbook(t *testing.T, dir, name, sheet string, rows [][]any) string {
	t.Helper()
	b, err := frameworktest.Workbook(sheet, rows)
	require.NoError(t, err)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// sfwBadge is an Open Badge as a VC-JWT signed in the test by a did:key
// issuer, aligned to SkillsFuture TSCs by code alone (no titles).
func sfwBadge(t *testing.T, codes ...string) []byte {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	issuer, err := did.NewKey(did.Ed25519, priv.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	var align []any
	for _, c := range codes {
		align = append(align, map[string]any{"type": []any{"Alignment"}, "targetCode": c,
			"targetFramework": "SkillsFuture", "targetName": c, "targetUrl": "https://www.skillsfuture.gov.sg/skills-framework"})
	}
	payload := map[string]any{
		"iss": issuer,
		"nbf": float64(time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC).Unix()),
		"sub": "did:example:learner",
		"vc": map[string]any{
			"@context": []any{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context.json"},
			"type":     []any{"VerifiableCredential", "OpenBadgeCredential"},
			"name":     "Dashboards with data",
			"credentialSubject": map[string]any{
				"type": []any{"AchievementSubject"},
				"achievement": map[string]any{
					"id": "urn:uuid:6a1f1d0c-1f4e-4d59-9a51-4f4f6d7b2c10", "type": []any{"Achievement"},
					"name": "Dashboards with data", "description": "Builds dashboards.",
					"criteria":  map[string]any{"narrative": "Built three dashboards."},
					"alignment": align,
				},
			},
		},
	}
	body, err := json.Marshal(payload)
	require.NoError(t, err)
	kid := issuer + "#" + strings.TrimPrefix(issuer, "did:key:")
	s, err := gojose.NewSigner(gojose.SigningKey{Algorithm: gojose.EdDSA, Key: priv},
		(&gojose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	require.NoError(t, err)
	obj, err := s.Sign(body)
	require.NoError(t, err)
	jwt, err := obj.CompactSerialize()
	require.NoError(t, err)
	return []byte(jwt)
}

// TestFrameworkCommands: import a workbook, list, roles by sector, and
// the round trip to `passport --role CODE --json` with its gaps.
func TestFrameworkCommands(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "w")
	env := map[string]string{EnvPassphrase: pass}
	book := writeWorkbook(t, tmp, "SFw-test.xlsx", framework.SheetName, frameworktest.Sample())

	r := runCLI(t, env, "", "--wallet", dir, "framework", "list")
	require.Equal(t, ExitUsage, r.code, "no wallet yet")
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", dir, "init").code)

	r = runCLI(t, env, "", "--wallet", dir, "framework", "list")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "No skills framework imported yet")

	r = runCLI(t, env, "", "--wallet", dir, "framework", "import", book)
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `Imported skills framework "SFw-test" from `+book+`: 3 job roles in 2 sectors, 6 skills`)
	require.NotContains(t, r.stdout, "replaces")

	r = runCLI(t, env, "", "--wallet", dir, "framework", "import", book, "SFw-test")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "it replaces the framework of that name")

	r = runCLI(t, env, "", "--wallet", dir, "framework", "list", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var list []struct {
		Name    string   `json:"name"`
		Source  string   `json:"source"`
		Roles   int      `json:"roles"`
		Sectors []string `json:"sectors"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &list))
	require.Len(t, list, 1)
	require.Equal(t, "SFw-test", list[0].Name)
	require.Equal(t, "SFw-test.xlsx", list[0].Source)
	require.Equal(t, 3, list[0].Roles)

	r = runCLI(t, env, "", "--wallet", dir, "framework", "roles", "--sector", "INFOCOMM", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var roles []struct {
		Framework string `json:"framework"`
		Code      string `json:"code"`
		Title     string `json:"title"`
		Sector    string `json:"sector"`
		Skills    []struct {
			Code  string `json:"code"`
			Level string `json:"level"`
		} `json:"skills"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &roles))
	require.Len(t, roles, 2, "the Financial Services role is filtered out")
	require.Equal(t, "ICT-DATA-ENGINEER", roles[0].Code)
	require.Equal(t, "ICT-DATA-ANALYST", roles[1].Code)
	require.Equal(t, "SFw-test", roles[1].Framework)
	require.Len(t, roles[1].Skills, 3)

	r = runCLI(t, env, "", "--wallet", dir, "framework", "roles")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "CODE")
	require.Contains(t, r.stdout, "FSE-DATA-ANALYST")
	r = runCLI(t, env, "", "--wallet", dir, "framework", "roles", "--sector", "aviation")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, `No job role in a sector whose name contains "aviation". The sectors: Financial Services; Infocomm Technology`)
	r = runCLI(t, env, "", "--wallet", dir, "framework", "roles", "Nope")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "hint: run `skillpass-cli framework list`")

	// A badge aligned by code alone: proficiency 4 of Data Visualisation, 2
	// of Quality Assurance.
	badge := filepath.Join(tmp, "badge.jwt")
	require.NoError(t, os.WriteFile(badge, sfwBadge(t, "ICT-DIT-4007-1.1", "ICT-DIT-2010-1.1"), 0o600))
	r = runCLI(t, env, "", "--wallet", dir, "import", badge)
	require.Equal(t, ExitOK, r.code, r.stdout+r.stderr)

	r = runCLI(t, env, "", "--wallet", dir, "passport", "--role", "ict-data-analyst", "--json")
	require.Equal(t, ExitOK, r.code, r.stderr)
	var view struct {
		Skills []struct {
			Key  string `json:"key"`
			Name string `json:"name"`
		} `json:"skills"`
		Gaps struct {
			Role    string `json:"role"`
			Percent int    `json:"percent"`
			Skills  []struct {
				Name   string `json:"name"`
				Status string `json:"status"`
			} `json:"skills"`
		} `json:"gaps"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &view))
	names := map[string]string{}
	for _, s := range view.Skills {
		names[s.Key] = s.Name
	}
	require.Equal(t, "Data Visualisation", names["sfw:ICT-DIT-007"], "named by the framework's title, not the bare code")
	require.Equal(t, "Quality Assurance", names["sfw:ICT-DIT-010"])
	require.Equal(t, "Data Analyst", view.Gaps.Role)
	require.Equal(t, 50, view.Gaps.Percent, "met 1 + below ½ + missing 0, of 3")
	var gaps []string
	for _, g := range view.Gaps.Skills {
		gaps = append(gaps, g.Status+" "+g.Name)
	}
	require.Equal(t, []string{"met Data Visualisation", "below Quality Assurance", "missing Communication"}, gaps)

	// The human form, by title.
	r = runCLI(t, env, "", "--wallet", dir, "passport", "--role", "Infocomm Technology / Data Analyst")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Against Data Analyst: 50% match (1 met, 0 stale, 1 below level, 1 missing)")

	// Without --role the catalogue still names the skills.
	r = runCLI(t, env, "", "--wallet", dir, "passport")
	require.Equal(t, ExitOK, r.code, r.stderr)
	require.Contains(t, r.stdout, "Data Visualisation")

	tests := []struct {
		role, msg, hint string
	}{
		{"data analyst", "job role title names several roles: Data Analyst (FSE-DATA-ANALYST", "hint: give the role's code"},
		{"Data Analsyt", `no such job role "Data Analsyt"; near matches: Data Analyst (FSE-DATA-ANALYST`, "hint: `skillpass-cli framework roles` lists"},
		{"roles/analyst.json", `no such job role "roles/analyst.json"`, "there is no file roles/analyst.json"},
	}
	for _, tc := range tests {
		r = runCLI(t, env, "", "--wallet", dir, "passport", "--role", tc.role)
		require.Equal(t, ExitUsage, r.code, tc.role)
		require.Contains(t, r.stderr, tc.msg, tc.role)
		require.Contains(t, r.stderr, tc.hint, tc.role)
	}
}

// TestFrameworkImportRefusals: workbooks that cannot be read fail with the
// sheet, row and column named and a hint, before the passphrase is asked.
func TestFrameworkImportRefusals(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "w")
	env := map[string]string{EnvPassphrase: pass}
	require.Equal(t, ExitOK, runCLI(t, env, "", "--wallet", dir, "init").code)
	row := []any{"Infocomm Technology", "Data", "Data Analyst", "", "Data Visualisation", "ICT-DIT-3007-1.1", "TSC"}
	empty := filepath.Join(tmp, "empty.xlsx")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))

	tests := []struct {
		name string
		file string
		msg  string
		hint string
	}{
		{"missing sheet", writeWorkbook(t, tmp, "a.xlsx", "Job Role_CWF_KT", frameworktest.Sample()),
			`workbook has no sheet Job Role_TCS_CCS (it has "Read Me", "Job Role_CWF_KT")`, "hint: the job roles and their skills are on the sheet Job Role_TCS_CCS"},
		{"missing column", writeWorkbook(t, tmp, "b.xlsx", framework.SheetName, [][]any{frameworktest.Header[:7], row}),
			`the header (row 1) has no column "Proficiency Level"`, "hint: the sheet's header row must name"},
		{"level 9", writeWorkbook(t, tmp, "c.xlsx", framework.SheetName, [][]any{frameworktest.Header, append(row, 9)}),
			`sheet "Job Role_TCS_CCS" row 2 column H (Proficiency Level): "9"`, "hint: fix that cell"},
		{"text level", writeWorkbook(t, tmp, "d.xlsx", framework.SheetName, [][]any{frameworktest.Header, append(row, "senior")}),
			`row 2 column H (Proficiency Level): "senior"`, "hint: fix that cell"},
		{"0-byte file", empty, "not an xlsx workbook: the file is empty", "hint: give the Skills Framework workbook (.xlsx)"},
		{"absent file", filepath.Join(tmp, "absent.xlsx"), "open workbook", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// No passphrase in the environment: the workbook fails first.
			r := runCLI(t, map[string]string{}, "", "--wallet", dir, "framework", "import", tc.file)
			require.Equal(t, ExitUsage, r.code)
			require.Contains(t, r.stderr, "skillpass: error: ")
			require.Contains(t, r.stderr, tc.msg)
			require.Contains(t, r.stderr, tc.hint)
		})
	}
	for _, args := range [][]string{{"framework"}, {"framework", "frob"}, {"framework", "import"}, {"framework", "list", "x"}} {
		r := runCLI(t, env, "", append([]string{"--wallet", dir}, args...)...)
		require.Equal(t, ExitUsage, r.code, args)
		require.Contains(t, r.stderr, "hint: for example: skillpass-cli framework import", args)
	}
	r := runCLI(t, env, "", "--wallet", dir, "passport", "--role", "ICT-DATA-ANALYST")
	require.Equal(t, ExitUsage, r.code)
	require.Contains(t, r.stderr, "no such skills framework")
	require.Contains(t, r.stderr, "import one with `skillpass-cli framework import FILE.xlsx`")
}
