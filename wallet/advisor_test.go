package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
	"github.com/skillpass/skillpass/passport"
	"github.com/skillpass/skillpass/wallet/ld"
	"github.com/skillpass/skillpass/wallet/verify"
	"github.com/skillpass/skillpass/wallet/verify/dataintegrity"
)

// learnerWallet is a wallet holding the 1EdTech complete.json, simple.json
// and simple_v1.json badges and the expired simple-err-expired.json; it
// returns the record ids in that order.
func learnerWallet(t *testing.T) (*Wallet, []string) {
	t.Helper()
	w, _ := newWallet(t)
	var ids []string
	for _, f := range []string{"complete.json", "simple.json", "simple_v1.json", "simple-err-expired.json"} {
		res, err := w.Import(context.Background(), f, fixture(t, f))
		require.NoError(t, err)
		require.Len(t, res, 1)
		require.Nil(t, res[0].Rejected, f)
		ids = append(ids, res[0].ID)
	}
	return w, ids
}

// advisorVerifier is an advisor's verifier (offline) a day after fixedNow.
func advisorVerifier(t *testing.T, at time.Time) *verify.Verifier {
	t.Helper()
	v, err := verify.New(verify.Options{Now: func() time.Time { return at }})
	require.NoError(t, err)
	return v
}

// skillLine is what must be the same in the learner's and the advisor's
// view of a skill.
type skillLine struct {
	Key, Name, Category, Level string
	Evidence                   int
	Records, Issuers           string
}

func skillLines(v passport.View) []skillLine {
	var out []skillLine
	for _, s := range v.Skills {
		var recs []string
		for _, e := range s.Evidence {
			recs = append(recs, e.RecordID)
		}
		out = append(out, skillLine{
			Key: s.Key, Name: s.Name, Category: string(s.Category), Level: s.Level.Label,
			Evidence: s.EvidenceCount, Records: strings.Join(recs, ","), Issuers: strings.Join(s.IssuerNames(), ","),
		})
	}
	return out
}

// TestAdvisorRoundTrip: the learner exports a passport file, the advisor
// opens it, it verifies, and the advisor sees the same skills the learner
// sees (from the same credentials, by the same record ids).
func TestAdvisorRoundTrip(t *testing.T) {
	learner, ids := learnerWallet(t)
	ctx := context.Background()
	p, file, err := learner.ExportPassport(ctx, ExportRequest{Audience: "Career advice, Riverside College"})
	require.NoError(t, err)
	require.Len(t, p.Preview.Credentials, 3, "the expired credential is not shared by default")

	// The learner's own view, without the credential not shared.
	require.NoError(t, learner.Delete(ids[3]))
	mine, err := learner.Passport(passport.Options{Now: fixedNow})
	require.NoError(t, err)
	want := skillLines(mine.View())
	require.NotEmpty(t, want)

	at := fixedNow().Add(24 * time.Hour)
	sp, err := ReadPassportFile(ctx, advisorVerifier(t, at), "learner.json", file, passport.Options{Now: fixedNow})
	require.NoError(t, err)
	ident, err := learner.Identity(did.Ed25519)
	require.NoError(t, err)
	require.Equal(t, ident.DID, sp.Holder)
	// complete.json names a status list of a type Skillpass cannot read
	// (status unknown): the file is not verified as a whole, yet the
	// credential counts, as it does in the learner's own passport.
	require.False(t, sp.Verified)
	require.True(t, sp.HolderSigned, "%q", sp.Result.Errors)
	require.Equal(t, "Career advice, Riverside College", sp.Audience)
	require.Equal(t, fixedNow().Add(DefaultPassportFileTTL), sp.Expires)
	require.Equal(t, p.ID, sp.PresentationID)
	require.Equal(t, 3, sp.Counted)
	var gotIDs []string
	for _, c := range sp.Credentials {
		require.True(t, c.Counted, c.Name)
		gotIDs = append(gotIDs, c.RecordID)
	}
	require.ElementsMatch(t, ids[:3], gotIDs, "the advisor knows each credential by the learner's record id")
	require.Equal(t, want, skillLines(sp.Passport))
	require.Equal(t, 3, sp.Passport.Credentials)

	// The advisor's wallet opens it the same way and adds the notes.
	adv, _ := newWallet(t)
	_, err = adv.AddNote(sp.Holder, "Strong on data; suggest the analytics pathway.")
	require.NoError(t, err)
	sp2, err := adv.OpenPassportFile(ctx, "learner.json", file, passport.Options{})
	require.NoError(t, err)
	require.True(t, sp2.HolderSigned)
	require.Equal(t, want, skillLines(sp2.Passport))
	require.Len(t, sp2.Notes, 1)
	require.Equal(t, "Strong on data; suggest the analytics pathway.", sp2.Notes[0].Text)

	// Against a role: the gap analysis is that of the shared skills.
	role, err := passport.ParseRole(strings.NewReader(`{"role": "Team lead", "skills": [{"name": "Teamwork"}, {"name": "Negotiation"}]}`))
	require.NoError(t, err)
	sp3, err := ReadPassportFile(ctx, advisorVerifier(t, at), "learner.json", file, passport.Options{Now: fixedNow, Role: &role})
	require.NoError(t, err)
	require.NotNil(t, sp3.Passport.Gaps)
	g := sp3.Passport.Gaps
	require.Len(t, g.Skills, 2)
	require.Equal(t, passport.GapStale, g.Skills[0].Status, "Teamwork is held, last evidenced in 2010")
	require.Equal(t, passport.GapMissing, g.Skills[1].Status)
	require.Equal(t, 25, g.Percent)
}

// tamper returns the passport file with f applied to its decoded JSON.
func tamper(t *testing.T, file []byte, f func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	require.NoError(t, json.Unmarshal(file, &doc))
	f(doc)
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	return b
}

// achievementOf returns the achievement object of the member i.
func achievementOf(doc map[string]any, i int) map[string]any {
	m := doc["verifiableCredential"].([]any)[i].(map[string]any)
	return firstObject(m["credentialSubject"])["achievement"].(map[string]any)
}

// resign signs doc again as a presentation of a new holder (a learner who
// edited a credential and signed the result with a key of their own).
func resign(t *testing.T, doc map[string]any) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	holder, err := did.NewKey(did.Ed25519, pub)
	require.NoError(t, err)
	delete(doc, "proof")
	doc["holder"] = holder
	l, err := ld.NewLoader()
	require.NoError(t, err)
	signed, err := dataintegrity.Sign(ld.NewProcessor(l), doc, dataintegrity.ProofOptions{
		VerificationMethod: keyMethod(holder), ProofPurpose: "authentication",
		Created: fixedNow(), Expires: fixedNow().Add(30 * 24 * time.Hour),
	}, priv)
	require.NoError(t, err)
	for k := range doc {
		delete(doc, k)
	}
	for k, v := range signed {
		doc[k] = v
	}
}

// TestAdvisorTampered: a file whose claims, skills or holder signature were
// changed is not verified and none of its credentials count; a file the
// "learner" re-signed after editing a credential counts only the credentials
// that still verify; an expired file counts nothing.
func TestAdvisorTampered(t *testing.T) {
	learner, ids := learnerWallet(t)
	ctx := context.Background()
	_, file, err := learner.ExportPassport(ctx, ExportRequest{Credentials: []string{ids[1], ids[2]}})
	require.NoError(t, err)
	at := fixedNow().Add(time.Hour)

	tests := []struct {
		name         string
		file         []byte
		at           time.Time
		holderSigned bool
		verified     bool // the verifier's verdict on the whole file
		counted      int
		uncounted    string // reason of the first credential not counted
		members      int    // credentials in the file, when not 2
	}{
		{name: "untouched", file: file, at: at, holderSigned: true, verified: true, counted: 2},
		{
			name: "skill renamed", at: at, uncounted: reasonHolder,
			file: tamper(t, file, func(d map[string]any) { achievementOf(d, 0)["name"] = "Brain surgery" }),
		},
		{
			name: "claim added", at: at, uncounted: reasonHolder,
			file: tamper(t, file, func(d map[string]any) {
				m := d["verifiableCredential"].([]any)[1].(map[string]any)
				firstObject(m["credentialSubject"])["result"] = []any{map[string]any{"type": []any{"Result"}, "value": "Gold"}}
			}),
		},
		{
			name: "holder signature broken", at: at, uncounted: reasonHolder,
			file: tamper(t, file, func(d map[string]any) {
				p := d["proof"].(map[string]any)
				v := p["proofValue"].(string)
				p["proofValue"] = v[:len(v)-4] + strings.Repeat("z", 4)
			}),
		},
		{
			name: "holder replaced", at: at, uncounted: reasonHolder,
			file: tamper(t, file, func(d map[string]any) { d["holder"] = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" }),
		},
		{
			name: "proof removed", at: at, uncounted: reasonHolder,
			file: tamper(t, file, func(d map[string]any) { delete(d, "proof") }),
		},
		{name: "expired file", file: file, at: fixedNow().Add(DefaultPassportFileTTL + time.Second), uncounted: reasonHolder},
		{
			name: "re-signed after an edit", at: at, holderSigned: true, counted: 1, uncounted: "signature invalid",
			file: tamper(t, file, func(d map[string]any) {
				achievementOf(d, 0)["name"] = "Brain surgery"
				resign(t, d)
			}),
		},
		{
			name: "re-signed with a credential twice", at: at, holderSigned: true, verified: true, counted: 2, members: 3,
			uncounted: "appears twice",
			file: tamper(t, file, func(d map[string]any) {
				vcs := d["verifiableCredential"].([]any)
				d["verifiableCredential"] = append(vcs, vcs[0])
				resign(t, d)
			}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp, err := ReadPassportFile(ctx, advisorVerifier(t, tc.at), "f.json", tc.file, passport.Options{Now: fixedNow})
			require.NoError(t, err)
			require.Equal(t, tc.holderSigned, sp.HolderSigned, "%q", sp.Result.Errors)
			members := tc.members
			if members == 0 {
				members = 2
			}
			require.Equal(t, tc.verified, sp.Verified)
			require.Equal(t, tc.counted, sp.Counted)
			require.Equal(t, tc.counted, sp.Passport.Credentials)
			require.Len(t, sp.Credentials, members)
			if tc.counted == 0 {
				require.Empty(t, sp.Passport.Skills, "nothing of a tampered file counts")
			}
			if tc.uncounted != "" {
				var reasons []string
				for _, c := range sp.Credentials {
					if !c.Counted {
						reasons = append(reasons, c.Reason)
					}
				}
				require.NotEmpty(t, reasons)
				require.Contains(t, reasons[0], tc.uncounted)
			}
			for _, s := range sp.Passport.Skills {
				require.NotEqual(t, "Brain surgery", s.Name)
			}
		})
	}
}

// TestAdvisorNotPassportFile: a lone credential, a JWT, and text that is no
// credential are refused as passport files.
func TestAdvisorNotPassportFile(t *testing.T) {
	v := advisorVerifier(t, fixedNow())
	for name, data := range map[string][]byte{
		"credential": fixture(t, "simple.json"),
		"jwt":        []byte(badgeJWT(t)),
		"text":       []byte("hello"),
		"empty":      nil,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadPassportFile(context.Background(), v, name, data, passport.Options{})
			require.ErrorIs(t, err, ErrNotPassportFile)
		})
	}
	_, err := ReadPassportFile(context.Background(), nil, "x", []byte("{}"), passport.Options{})
	require.Error(t, err)
}

// TestAdvisorNotes: notes are kept per holder, listed oldest first, refused
// when invalid, and persist when the wallet is closed and opened again and
// through a backup.
func TestAdvisorNotes(t *testing.T) {
	fastScrypt(t)
	clock := fixedNow()
	dir := filepath.Join(t.TempDir(), "advisor")
	w, err := Create(dir, []byte(testPass), Options{Now: func() time.Time { return clock }})
	require.NoError(t, err)
	const alice, bob = "did:key:z6MkAlice", "did:key:z6MkBob"
	for _, n := range []struct{ holder, text string }{
		{bob, "Bob: wants a role in logistics."},
		{alice, "  Alice: first meeting.\nFollow up in May.  "},
		{alice, "Alice: sent the pathway list."},
	} {
		_, err := w.AddNote(n.holder, n.text)
		require.NoError(t, err)
		clock = clock.Add(time.Minute)
	}

	bad := []struct{ name, holder, text string }{
		{"empty", alice, "   "},
		{"not a DID", "alice@example.com", "x"},
		{"DID with a space", "did:key:z6Mk Alice", "x"},
		{"bare did:", "did:", "x"},
		{"control character", alice, "bell\a"},
		{"too long", alice, strings.Repeat("é", MaxNoteRunes+1)},
		{"invalid UTF-8", alice, "\xff\xfe"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.AddNote(tc.holder, tc.text)
			require.ErrorIs(t, err, ErrBadNote)
		})
	}

	check := func(t *testing.T, w *Wallet) {
		t.Helper()
		got, err := w.Notes(alice)
		require.NoError(t, err)
		require.Len(t, got, 2)
		require.Equal(t, "Alice: first meeting.\nFollow up in May.", got[0].Text, "trimmed")
		require.Equal(t, fixedNow().Add(time.Minute), got[0].Time)
		require.Equal(t, "Alice: sent the pathway list.", got[1].Text)
		all, err := w.Notes("")
		require.NoError(t, err)
		require.Len(t, all, 3)
		require.Equal(t, []string{alice, alice, bob}, []string{all[0].Holder, all[1].Holder, all[2].Holder})
		none, err := w.Notes("did:key:z6MkNobody")
		require.NoError(t, err)
		require.Empty(t, none)
	}
	check(t, w)

	var backup bytes.Buffer
	require.NoError(t, w.Backup(&backup, []byte(backupPass)))
	require.NotContains(t, backup.String(), "Follow up in May", "notes are encrypted in a backup")
	require.NoError(t, w.Close())

	w2, err := Open(dir, []byte(testPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w2.Close() })
	check(t, w2)

	restored, _, err := CreateFromBackup(filepath.Join(t.TempDir(), "restored"), []byte(testPass),
		bytes.NewReader(backup.Bytes()), []byte(backupPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = restored.Close() })
	check(t, restored)

	w2.Lock()
	_, err = w2.AddNote(alice, "locked")
	require.ErrorIs(t, err, ErrLocked)
	_, err = w2.Notes(alice)
	require.ErrorIs(t, err, ErrLocked)
}

// TestAdvisorOddFiles: presentations of odd shapes are judged, never a
// panic, and count nothing unless signed.
func TestAdvisorOddFiles(t *testing.T) {
	v := advisorVerifier(t, fixedNow())
	base := `{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiablePresentation"],"holder":"did:key:z6MkX",`
	for name, members := range map[string]string{
		"a number":           `"verifiableCredential":42}`,
		"a list of odd ones": `"verifiableCredential":[42,"text",{"type":"EnvelopedVerifiableCredential","id":"data:x"},{}]}`,
		"none":               `"verifiableCredential":[]}`,
		"absent":             `"id":"urn:uuid:1"}`,
	} {
		t.Run(name, func(t *testing.T) {
			sp, err := ReadPassportFile(context.Background(), v, name, []byte(base+members), passport.Options{Now: fixedNow})
			require.NoError(t, err)
			require.False(t, sp.HolderSigned)
			require.False(t, sp.Verified)
			require.Zero(t, sp.Counted)
			require.NotNil(t, sp.Credentials)
			for _, c := range sp.Credentials {
				require.False(t, c.Counted)
				require.NotEmpty(t, c.Reason)
			}
		})
	}
}
