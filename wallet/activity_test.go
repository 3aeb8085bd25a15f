package wallet

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestActivityRecordsEveryOutcome(t *testing.T) {
	fastScrypt(t)
	w, _ := newWallet(t)
	ctx := context.Background()
	imp := func(name, file string) []ImportResult {
		t.Helper()
		res, err := w.Import(ctx, name, fixture(t, file))
		require.NoError(t, err)
		return res
	}
	stored := imp("simple.json", "simple.json")
	imp("again.json", "simple.json")
	imp("forged.json", "simple-err-proof-value.json")
	imp("noproof.json", "simple-noproof.json")
	_, err := w.Import(ctx, "notes.txt", []byte("hello"))
	require.Error(t, err)
	require.NoError(t, w.Delete(stored[0].ID))
	require.NoError(t, w.Backup(&bytes.Buffer{}, []byte(backupPass)))

	const issuer = "https://example.com/issuers/876543"
	types := []string{"VerifiableCredential", "OpenBadgeCredential"}
	claims := []string{"achievement", "id", "type"}
	id := stored[0].ID
	want := []Entry{
		{Action: ActionImport, Outcome: OutcomeStored, Counterparty: issuer, Credential: id, Name: "Teamwork Badge", Types: types, Claims: claims, Source: "simple.json"},
		{Action: ActionImport, Outcome: OutcomeDuplicate, Counterparty: issuer, Credential: id, Name: "Teamwork Badge", Types: types, Claims: claims, Source: "again.json"},
		{Action: ActionImport, Outcome: OutcomeRejected, Counterparty: issuer, Name: "Teamwork Badge", Types: types, Claims: claims, Source: "forged.json", Detail: "signature invalid"},
		{Action: ActionImport, Outcome: OutcomeRejected, Counterparty: "https://example.edu/issuers/565049", Name: "Example University Degree", Types: types, Claims: []string{"id", "type"}, Source: "noproof.json", Detail: "signature missing"},
		{Action: ActionImport, Outcome: OutcomeFailed, Source: "notes.txt", Detail: "not a credential file"},
		{Action: ActionDelete, Outcome: OutcomeDone, Counterparty: issuer, Credential: id, Name: "Teamwork Badge", Types: types, Claims: claims},
		{Action: ActionBackup, Outcome: OutcomeDone, Detail: "0 credentials"},
	}
	got, err := w.Activity()
	require.NoError(t, err)
	require.Len(t, got, len(want))
	prev := ""
	for i := range want {
		want[i].Seq = uint64(i) + 1
		want[i].Time = fixedNow()
		want[i].Prev = prev
		require.Equal(t, want[i], got[i], "entry %d", i+1)
		b, err := json.Marshal(got[i])
		require.NoError(t, err)
		prev = entryHash(b)
	}

	// The export is JSON Lines whose hashes chain, and it names but never
	// tells: no claim value of the credential is in it.
	var out bytes.Buffer
	require.NoError(t, w.ExportActivity(&out))
	sc := bufio.NewScanner(&out)
	prev, n := "", 0
	for sc.Scan() {
		var e Entry
		require.NoError(t, json.Unmarshal(sc.Bytes(), &e))
		require.Equal(t, prev, e.Prev, "line %d", n+1)
		sum := sha256.Sum256(sc.Bytes())
		prev = hex.EncodeToString(sum[:])
		n++
	}
	require.Equal(t, len(want), n)
	for _, value := range []string{
		"did:example:ebfeb1f712ebc6f1c276e12ec21", // the subject
		"Team members are nominated",              // criteria
		"recognizes the development",              // description
		"https://example.com/achievements/21st-century-skills/teamwork",
		"2010-01-01", "z41ZsNkz78FHSGkAD5J4b8EN", "hello",
	} {
		require.NotContains(t, out.String(), value)
	}
}

// logTemplate makes, once per test, a closed wallet whose log holds five
// entries, and returns its folder and master key; copies of it open without
// the KDF.
func logTemplate(t *testing.T) (string, []byte) {
	t.Helper()
	w, dir := newWallet(t)
	for i, f := range []string{"simple.json", "simple.json", "simple-noproof.json", "simple_v1.json", "simple-err-proof-value.json"} {
		_, err := w.Import(context.Background(), f+strings.Repeat("'", i), fixture(t, f))
		require.NoError(t, err)
	}
	log, err := w.Activity()
	require.NoError(t, err)
	require.Len(t, log, 5)
	require.NoError(t, w.Close())
	key, err := DeriveKey(dir, []byte(testPass))
	require.NoError(t, err)
	return dir, key
}

// openCopy copies the wallet file of dir into a new folder and opens it.
func openCopy(t *testing.T, dir string, key []byte) *Wallet {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	require.NoError(t, err)
	cp := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(cp, FileName), b, 0o600))
	w, err := OpenWithKey(cp, key, Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func TestActivityDetectsTampering(t *testing.T) {
	get := func(t *testing.T, w *Wallet, seq uint64) []byte {
		v, err := w.db.Get(bucketActivity, seqKey(seq))
		require.NoError(t, err)
		return v
	}
	put := func(t *testing.T, w *Wallet, seq uint64, v []byte) {
		require.NoError(t, w.db.Put(bucketActivity, seqKey(seq), v))
	}
	edit := func(t *testing.T, w *Wallet, seq uint64) {
		var e Entry
		require.NoError(t, json.Unmarshal(get(t, w, seq), &e))
		e.Detail = "nothing to see here"
		b, err := json.Marshal(e)
		require.NoError(t, err)
		put(t, w, seq, b)
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, w *Wallet)
		seq    uint64
	}{
		{"edit a middle entry", func(t *testing.T, w *Wallet) { edit(t, w, 3) }, 4},
		{"edit the first entry", func(t *testing.T, w *Wallet) { edit(t, w, 1) }, 2},
		{"edit the last entry", func(t *testing.T, w *Wallet) { edit(t, w, 5) }, 5},
		{"edit the bytes only", func(t *testing.T, w *Wallet) {
			put(t, w, 2, bytes.Replace(get(t, w, 2), []byte(`"action"`), []byte(` "action"`), 1))
		}, 2},
		{"remove a middle entry", func(t *testing.T, w *Wallet) {
			require.NoError(t, w.db.Delete(bucketActivity, seqKey(3)))
		}, 3},
		{"remove the last entry", func(t *testing.T, w *Wallet) {
			require.NoError(t, w.db.Delete(bucketActivity, seqKey(5)))
		}, 5},
		{"remove the head record", func(t *testing.T, w *Wallet) {
			require.NoError(t, w.db.Delete(bucketActivityHead, activityHeadKey))
		}, 5},
		{"swap two entries", func(t *testing.T, w *Wallet) {
			a, b := get(t, w, 2), get(t, w, 3)
			put(t, w, 2, b)
			put(t, w, 3, a)
		}, 2},
		{"add an entry at the end", func(t *testing.T, w *Wallet) {
			var e Entry
			require.NoError(t, json.Unmarshal(get(t, w, 5), &e))
			e.Seq, e.Prev = 6, entryHash(get(t, w, 5))
			b, err := json.Marshal(e)
			require.NoError(t, err)
			put(t, w, 6, b)
		}, 6},
		{"not JSON", func(t *testing.T, w *Wallet) { put(t, w, 4, []byte("{")) }, 4},
	}
	dir, key := logTemplate(t)
	_, err := openCopy(t, dir, key).Activity()
	require.NoError(t, err, "the untouched copy verifies")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := openCopy(t, dir, key)
			tc.tamper(t, w)
			entries, err := w.Activity()
			require.ErrorIs(t, err, ErrActivityBroken)
			var bl *BrokenLinkError
			require.ErrorAs(t, err, &bl)
			require.Equal(t, tc.seq, bl.Seq, bl.Reason)
			require.NotEmpty(t, entries, "the readable entries are still shown")
			var out bytes.Buffer
			require.ErrorIs(t, w.ExportActivity(&out), ErrActivityBroken)
			require.NotZero(t, out.Len())
		})
	}
}

func TestRecordActivity(t *testing.T) {
	w, _ := newWallet(t)
	require.Error(t, w.RecordActivity(Entry{Action: "present"}), "an outcome is needed")
	require.NoError(t, w.RecordActivity(Entry{Action: "present", Outcome: OutcomeDone, Counterparty: "did:web:employer.example", Claims: []string{"achievement"}}))
	require.NoError(t, w.RecordActivity(Entry{Action: "issue", Outcome: OutcomeFailed, Seq: 99, Prev: "forged"}))
	log, err := w.Activity()
	require.NoError(t, err)
	require.Len(t, log, 2)
	require.Equal(t, uint64(2), log[1].Seq, "the wallet numbers and chains entries itself")
	require.Equal(t, fixedNow(), log[0].Time)
	w.Lock()
	_, err = w.Activity()
	require.ErrorIs(t, err, ErrLocked)
	require.ErrorIs(t, w.RecordActivity(Entry{Action: "present", Outcome: OutcomeDone}), ErrLocked)
}
