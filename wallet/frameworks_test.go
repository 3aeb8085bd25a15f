package wallet

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/framework"
	"github.com/skillpass/skillpass/wallet/framework/frameworktest"
)

// readFramework reads a workbook written by frameworktest.
func readFramework(t *testing.T, rows [][]any) *framework.Framework {
	t.Helper()
	b, err := frameworktest.Workbook(framework.SheetName, rows)
	require.NoError(t, err)
	fw, err := framework.Read(bytes.NewReader(b), framework.Limits{})
	require.NoError(t, err)
	return fw
}

// otherFramework is a second, smaller framework with one role of the
// sample's codes and titles in another shape.
func otherFramework(t *testing.T) *framework.Framework {
	return readFramework(t, [][]any{frameworktest.Header,
		{"Infocomm Technology", "Data", "Data Engineer", "", "Data Engineering (renamed)", "ICT-DIT-5005-1.1", "TSC", 5},
		{"Infocomm Technology", "Data", "Chief Data Officer", "", "Data Governance", "ICT-DIT-6001-1.1", "TSC", 6},
	})
}

func TestFrameworkImportListReplace(t *testing.T) {
	w, _ := newWallet(t)
	list, err := w.Frameworks()
	require.NoError(t, err)
	require.Empty(t, list)

	sample := readFramework(t, frameworktest.Sample())
	info, replaced, err := w.ImportFramework("SFw test", "sfw.xlsx", sample)
	require.NoError(t, err)
	require.False(t, replaced)
	require.Equal(t, FrameworkInfo{Name: "SFw test", Source: "sfw.xlsx", SHA256: sample.SHA256, Imported: fixedNow(),
		Roles: 3, Skills: 6, Rows: 6, Sectors: []string{"Financial Services", "Infocomm Technology"}}, info)

	_, _, err = w.ImportFramework("Other", "other.xlsx", otherFramework(t))
	require.NoError(t, err)
	list, err = w.Frameworks()
	require.NoError(t, err)
	require.Equal(t, []string{"Other", "SFw test"}, []string{list[0].Name, list[1].Name})
	require.Equal(t, info, list[1])

	// The same name again replaces the framework, roles and all.
	info, replaced, err = w.ImportFramework("SFw test", "newer.xlsx", otherFramework(t))
	require.NoError(t, err)
	require.True(t, replaced)
	require.Equal(t, 2, info.Roles)
	list, err = w.Frameworks()
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "newer.xlsx", list[1].Source)
	fw, err := w.Framework("SFw test")
	require.NoError(t, err)
	require.Equal(t, otherFramework(t).Roles, fw.Roles)

	log, err := w.Activity()
	require.NoError(t, err)
	last := log[len(log)-1]
	require.Equal(t, ActionImport, last.Action)
	require.Equal(t, "newer.xlsx", last.Source)
	require.Contains(t, last.Detail, `skills framework "SFw test": 2 job roles, 2 skills (replaced the one of that name)`)

	require.NoError(t, w.DeleteFramework("Other"))
	require.ErrorIs(t, w.DeleteFramework("Other"), ErrNoFramework)
	_, err = w.Framework("Other")
	require.ErrorIs(t, err, ErrNoFramework)

	for _, name := range []string{"", "  ", "bad\nname", strings.Repeat("x", 101)} {
		_, _, err = w.ImportFramework(name, "f.xlsx", sample)
		require.ErrorIs(t, err, ErrFrameworkName, "%q", name)
	}
	_, _, err = w.ImportFramework("empty", "f.xlsx", &framework.Framework{})
	require.ErrorIs(t, err, framework.ErrEmpty)

	w.Lock()
	_, err = w.Frameworks()
	require.ErrorIs(t, err, ErrLocked)
	_, err = w.FrameworkRole("ICT-DATA-ANALYST")
	require.ErrorIs(t, err, ErrLocked)
}

func TestFrameworkRole(t *testing.T) {
	w, _ := newWallet(t)
	_, err := w.FrameworkRole("ICT-DATA-ANALYST")
	require.ErrorIs(t, err, ErrNoFramework, "nothing imported yet")

	_, _, err = w.ImportFramework("SFw", "sfw.xlsx", readFramework(t, frameworktest.Sample()))
	require.NoError(t, err)
	_, _, err = w.ImportFramework("Other", "other.xlsx", otherFramework(t))
	require.NoError(t, err)

	tests := []struct {
		query     string
		framework string
		code      string
		want      error
		msg       string
	}{
		{"ict-data-analyst", "SFw", "ICT-DATA-ANALYST", nil, ""},
		{"Chief Data Officer", "Other", "ICT-CHIEF-DATA-OFFICER", nil, ""},
		{"other:ict-data-engineer", "Other", "ICT-DATA-ENGINEER", nil, ""},
		{"SFw: Data Engineer", "SFw", "ICT-DATA-ENGINEER", nil, ""},
		{"ICT-DATA-ENGINEER", "", "", framework.ErrAmbiguousRole, "(Other:ICT-DATA-ENGINEER, Infocomm Technology / Data); Data Engineer (SFw:ICT-DATA-ENGINEER"},
		{"Data Analyst", "", "", framework.ErrAmbiguousRole, "FSE-DATA-ANALYST"},
		{"Chief Data Oficer", "", "", framework.ErrNoRole, `no such job role "Chief Data Oficer"; near matches: Chief Data Officer (ICT-CHIEF-DATA-OFFICER`},
		{"SFw:Chief Data Officer", "", "", framework.ErrNoRole, `no such job role "Chief Data Officer"`}, // only SFw is searched
		{"Astronaut", "", "", framework.ErrNoRole, ""},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			fr, err := w.FrameworkRole(tc.query)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
				require.ErrorContains(t, err, tc.msg)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.framework, fr.Framework)
			require.Equal(t, tc.code, fr.Role.Code)
			require.Equal(t, fr.Role.Title, fr.Profile.Name)
			require.Len(t, fr.Profile.Skills, len(fr.Role.Skills))
		})
	}
}

func TestFrameworkCatalog(t *testing.T) {
	w, _ := newWallet(t)
	cat, err := w.FrameworkCatalog("")
	require.NoError(t, err)
	require.Nil(t, cat, "no framework, no catalog")

	_, _, err = w.ImportFramework("A sample", "sfw.xlsx", readFramework(t, frameworktest.Sample()))
	require.NoError(t, err)
	_, _, err = w.ImportFramework("B other", "other.xlsx", otherFramework(t))
	require.NoError(t, err)

	cat, err = w.FrameworkCatalog("")
	require.NoError(t, err)
	require.Len(t, cat, 6, "five skill families in the sample, one more in the other")
	require.Equal(t, "Data Engineering", cat["sfw:ICT-DIT-005"].Ref.Name, "the first framework by name wins")
	require.Equal(t, "Data Governance", cat["sfw:ICT-DIT-001"].Ref.Name)

	cat, err = w.FrameworkCatalog("B other")
	require.NoError(t, err)
	require.Equal(t, "Data Engineering (renamed)", cat["sfw:ICT-DIT-005"].Ref.Name, "the preferred framework wins")
	require.Equal(t, passport.FrameworkSkillsFuture, cat["sfw:CCS-COM-I"].Ref.Framework)
}

// TestFrameworkBackup: a backup carries the frameworks (backup walks every
// bucket) and the restored wallet finds roles in them.
func TestFrameworkBackup(t *testing.T) {
	fastScrypt(t)
	src, _ := newWallet(t)
	_, _, err := src.ImportFramework("SFw", "sfw.xlsx", readFramework(t, frameworktest.Sample()))
	require.NoError(t, err)
	hashes, err := src.ContentHashes()
	require.NoError(t, err)
	require.Contains(t, hashes, "wallet/"+bucketFrameworks)
	require.Contains(t, hashes, "wallet/"+bucketFrameworkData)

	var buf bytes.Buffer
	require.NoError(t, src.Backup(&buf, []byte(backupPass)))
	dst, rep, err := CreateFromBackup(filepath.Join(t.TempDir(), "restored"), []byte("another passphrase"),
		bytes.NewReader(buf.Bytes()), []byte(backupPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = dst.Close() })
	require.GreaterOrEqual(t, rep.Other.Added, 2, "the framework's two records")

	want, err := src.Frameworks()
	require.NoError(t, err)
	got, err := dst.Frameworks()
	require.NoError(t, err)
	require.Equal(t, want, got)
	fr, err := dst.FrameworkRole("ICT-DATA-ANALYST")
	require.NoError(t, err)
	require.Len(t, fr.Profile.Skills, 3)
	dstHashes, err := dst.ContentHashes()
	require.NoError(t, err)
	require.Equal(t, hashes["wallet/"+bucketFrameworkData], dstHashes["wallet/"+bucketFrameworkData])
}
