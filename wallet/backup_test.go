package wallet

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/hyperledger/aries-framework-go/pkg/crypto/tinkcrypto"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/did"
)

const backupPass = "a different backup passphrase"

// fastScrypt lowers age's scrypt work factor for the test: the cost is the
// same code path, only smaller.
func fastScrypt(t testing.TB) {
	t.Helper()
	old := backupWorkFactor
	backupWorkFactor = 10
	t.Cleanup(func() { backupWorkFactor = old })
}

// fillWallet gives w something of every kind a backup must carry:
// credentials (JSON-LD from two issuers), an aries store with tags and a
// configuration, a settings record and an activity log with a rejection
// and a deletion. It returns the ids of the stored credentials.
func fillWallet(t *testing.T, w *Wallet, badges [][]byte) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for _, f := range []string{"simple.json", "complete.json", "simple_v1.json"} {
		res, err := w.Import(ctx, f, fixture(t, f))
		require.NoError(t, err)
		require.Nil(t, res[0].Rejected)
		ids = append(ids, res[0].ID)
	}
	for i, b := range badges {
		res, err := w.Import(ctx, fmt.Sprintf("badge%d.json", i), b)
		require.NoError(t, err)
		require.Nil(t, res[0].Rejected)
		ids = append(ids, res[0].ID)
	}
	res, err := w.Import(ctx, "forged.json", fixture(t, "simple-err-proof-value.json"))
	require.NoError(t, err)
	require.NotNil(t, res[0].Rejected)
	// One credential comes and goes, so the log holds a deletion.
	res, err = w.Import(ctx, "expired.json", fixture(t, "simple-err-expired.json"))
	require.NoError(t, err)
	require.NoError(t, w.Delete(res[0].ID))

	prov := w.db.Provider()
	st, err := prov.OpenStore("Connections")
	require.NoError(t, err)
	require.NoError(t, prov.SetStoreConfig("connections", storage.StoreConfiguration{TagNames: []string{"theirDID"}}))
	require.NoError(t, st.Put("conn-1", []byte(`{"state":"completed"}`), storage.Tag{Name: "theirDID", Value: "did_example_1"}))
	_, err = prov.OpenStore("empty-store")
	require.NoError(t, err)
	require.NoError(t, w.db.Put("settings", "freshness", []byte(`{"months":24}`)))
	return ids
}

// withoutActivity returns the content hashes but for the activity log.
func withoutActivity(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		if k != "wallet/"+bucketActivity && k != "wallet/"+bucketActivityHead {
			out[k] = v
		}
	}
	return out
}

func TestBackupRoundTripIntoNewWallet(t *testing.T) {
	fastScrypt(t)
	src, _ := newWallet(t)
	ids := fillWallet(t, src, signedBadges(t, 3))
	srcBefore, err := src.ContentHashes()
	require.NoError(t, err)
	srcLog, err := src.Activity()
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, src.Backup(&buf, []byte(backupPass)))
	require.True(t, bytes.HasPrefix(buf.Bytes(), []byte("age-encryption.org/v1\n")), "an age file")
	for _, needle := range []string{"Teamwork", "Example Corp", ids[0], "did:key:"} {
		require.NotContains(t, buf.String(), needle, "the backup is encrypted")
	}
	// Backup reads, it does not change the content (it only logs itself).
	srcAfter, err := src.ContentHashes()
	require.NoError(t, err)
	require.Equal(t, withoutActivity(srcBefore), withoutActivity(srcAfter))
	srcLogAfter, err := src.Activity()
	require.NoError(t, err)
	require.Len(t, srcLogAfter, len(srcLog)+1)
	last := srcLogAfter[len(srcLogAfter)-1]
	require.Equal(t, ActionBackup, last.Action)
	require.Equal(t, OutcomeDone, last.Outcome)

	dir := filepath.Join(t.TempDir(), "restored")
	const newPass = "the restored wallet's own passphrase"
	dst, rep, err := CreateFromBackup(dir, []byte(newPass), bytes.NewReader(buf.Bytes()), []byte(backupPass), Options{Now: fixedNow})
	require.NoError(t, err)
	t.Cleanup(func() { _ = dst.Close() })
	require.Equal(t, RestoreCount{Added: len(ids)}, rep.Credentials)
	require.Equal(t, RestoreCount{Added: 2}, rep.Identities)
	require.Equal(t, RestoreCount{Added: 2}, rep.Keys)
	require.Equal(t, len(srcLog), rep.Activity)

	got, err := dst.ContentHashes()
	require.NoError(t, err)
	require.Equal(t, withoutActivity(srcBefore), withoutActivity(got), "same content, bucket by bucket, keys in clear")
	require.Contains(t, got, "aries/"+kmsStore)
	require.Contains(t, got, "aries/connections")
	require.Contains(t, got, "aries/empty-store")
	require.Contains(t, got, "wallet/settings")

	// The log is the source's (as backed up) plus the restore, chain intact.
	dstLog, err := dst.Activity()
	require.NoError(t, err)
	require.Equal(t, srcLog, dstLog[:len(srcLog)])
	require.Len(t, dstLog, len(srcLog)+1)
	require.Equal(t, ActionRestore, dstLog[len(srcLog)].Action)

	// Record by record.
	for _, id := range ids {
		a, err := src.Get(id)
		require.NoError(t, err)
		b, err := dst.Get(id)
		require.NoError(t, err)
		require.Equal(t, a, b)
	}
	srcIDs, err := src.Identities()
	require.NoError(t, err)
	dstIDs, err := dst.Identities()
	require.NoError(t, err)
	require.Equal(t, srcIDs, dstIDs)

	// The restored keys still sign, under the new passphrase, after a
	// reopen: the Ed25519 signature verifies against the did:key.
	require.NoError(t, dst.Close())
	dst, err = Open(dir, []byte(newPass), Options{Now: fixedNow})
	require.NoError(t, err)
	requireSigns(t, dst)
	bls, err := dst.Identity(did.BLS12381G2)
	require.NoError(t, err)
	pub, _, err := dst.KeyManager().ExportPubKeyBytes(bls.KeyID)
	require.NoError(t, err)
	_, want, err := did.ParseKey(bls.DID)
	require.NoError(t, err)
	require.Equal(t, want, pub, "the BLS12-381 key behind the restored did:key")
}

// requireSigns signs with the wallet's Ed25519 identity through the KMS and
// aries' tinkcrypto and checks the signature against its did:key.
func requireSigns(t *testing.T, w *Wallet) {
	t.Helper()
	id, err := w.Identity(did.Ed25519)
	require.NoError(t, err)
	kh, err := w.KeyManager().Get(id.KeyID)
	require.NoError(t, err)
	c, err := tinkcrypto.New()
	require.NoError(t, err)
	msg := []byte("sign me after a restore")
	sig, err := c.Sign(msg, kh)
	require.NoError(t, err)
	_, pub, err := did.ParseKey(id.DID)
	require.NoError(t, err)
	require.True(t, ed25519.Verify(ed25519.PublicKey(pub), msg, sig), "signature must verify against %s", id.DID)
	require.False(t, ed25519.Verify(ed25519.PublicKey(pub), []byte("another message"), sig))
}

func TestRestoreAddsOnlyWhatIsMissing(t *testing.T) {
	fastScrypt(t)
	ctx := context.Background()
	src, _ := newWallet(t)
	ids := fillWallet(t, src, signedBadges(t, 2))
	var buf bytes.Buffer
	require.NoError(t, src.Backup(&buf, []byte(backupPass)))

	// The target has two of the credentials already, and keys of its own.
	dst, _ := newWallet(t)
	for _, f := range []string{"simple.json", "complete.json"} {
		res, err := dst.Import(ctx, "mine-"+f, fixture(t, f))
		require.NoError(t, err)
		require.Nil(t, res[0].Rejected)
	}
	ownIDs, err := dst.Identities()
	require.NoError(t, err)
	ownRec, err := dst.Get(ids[0])
	require.NoError(t, err)

	rep, err := dst.Restore(bytes.NewReader(buf.Bytes()), []byte(backupPass))
	require.NoError(t, err)
	require.Equal(t, RestoreCount{Added: len(ids) - 2, Present: 2}, rep.Credentials)
	require.Equal(t, RestoreCount{Added: 2}, rep.Identities)
	require.Equal(t, RestoreCount{Added: 2}, rep.Keys)
	n, err := dst.Count()
	require.NoError(t, err)
	require.Equal(t, len(ids), n, "every credential once")
	kept, err := dst.Get(ids[0])
	require.NoError(t, err)
	require.Equal(t, ownRec, kept, "a credential already there is kept as it was")
	for _, id := range ids {
		_, err := dst.Get(id)
		require.NoError(t, err)
	}
	all, err := dst.Identities()
	require.NoError(t, err)
	require.Len(t, all, len(ownIDs)+2, "its own identities and the backup's")
	log1, err := dst.Activity()
	require.NoError(t, err)
	srcLog, err := src.Activity()
	require.NoError(t, err)
	var copied int
	for _, e := range log1 {
		if e.Origin != "" {
			copied++
		}
	}
	require.Equal(t, len(srcLog)-1, copied, "the source's log (but for the backup itself) is carried over, marked")

	// Again: nothing new, not even in the log but for the restore itself.
	hashes, err := dst.ContentHashes()
	require.NoError(t, err)
	rep, err = dst.Restore(bytes.NewReader(buf.Bytes()), []byte(backupPass))
	require.NoError(t, err)
	require.Equal(t, RestoreReport{
		Credentials: RestoreCount{Present: len(ids)},
		Identities:  RestoreCount{Present: 2},
		Keys:        RestoreCount{Present: 2},
		Other:       rep.Other,
	}, rep)
	require.Zero(t, rep.Other.Added)
	again, err := dst.ContentHashes()
	require.NoError(t, err)
	require.Equal(t, withoutActivity(hashes), withoutActivity(again))
	log2, err := dst.Activity()
	require.NoError(t, err)
	require.Len(t, log2, len(log1)+1)
	require.Equal(t, ActionRestore, log2[len(log2)-1].Action)

	// A backup of the same wallet restored into itself adds nothing either.
	var self bytes.Buffer
	require.NoError(t, dst.Backup(&self, []byte(backupPass)))
	rep, err = dst.Restore(bytes.NewReader(self.Bytes()), []byte(backupPass))
	require.NoError(t, err)
	require.Zero(t, rep.Credentials.Added+rep.Identities.Added+rep.Keys.Added+rep.Other.Added+rep.Activity)
	requireSigns(t, dst)
}

// corrupt returns a copy of b with f applied.
func corrupt(b []byte, f func([]byte) []byte) []byte { return f(bytes.Clone(b)) }

func TestRestoreRefusesAndChangesNothing(t *testing.T) {
	fastScrypt(t)
	src, _ := newWallet(t)
	fillWallet(t, src, nil)
	var buf bytes.Buffer
	require.NoError(t, src.Backup(&buf, []byte(backupPass)))
	good := buf.Bytes()
	hdrEnd := bytes.Index(good, []byte("\n---"))
	require.Positive(t, hdrEnd)

	var notOurs bytes.Buffer
	r, err := age.NewScryptRecipient(backupPass)
	require.NoError(t, err)
	r.SetWorkFactor(10)
	wc, err := age.Encrypt(&notOurs, r)
	require.NoError(t, err)
	_, err = wc.Write([]byte("just some secret notes"))
	require.NoError(t, err)
	require.NoError(t, wc.Close())

	flip := func(at int) func([]byte) []byte {
		return func(b []byte) []byte { b[at] ^= 0x01; return b }
	}
	// otherBase64 swaps one base64 character for another valid one, so the
	// salt still parses and only its value changes (flipping a bit can give a
	// character outside the alphabet, which reads as damage instead).
	otherBase64 := func(at int) func([]byte) []byte {
		return func(b []byte) []byte {
			if b[at] == 'A' {
				b[at] = 'B'
			} else {
				b[at] = 'A'
			}
			return b
		}
	}
	tests := []struct {
		name string
		data []byte
		pass string
		want error
	}{
		{"wrong passphrase", good, "not the backup passphrase", ErrBackupPassphrase},
		{"truncated to the header", good[:hdrEnd+10], backupPass, ErrBackupDamaged},
		{"truncated by half", good[:len(good)/2], backupPass, ErrBackupDamaged},
		{"last byte missing", good[:len(good)-1], backupPass, ErrBackupDamaged},
		{"bytes appended", append(bytes.Clone(good), 0), backupPass, ErrBackupDamaged},
		{"edited scrypt salt", corrupt(good, otherBase64(bytes.Index(good, []byte("scrypt "))+8)), backupPass, ErrBackupPassphrase},
		{"edited header MAC", corrupt(good, flip(hdrEnd+6)), backupPass, ErrBackupDamaged},
		{"edited first chunk", corrupt(good, flip(hdrEnd+60)), backupPass, ErrBackupDamaged},
		{"edited middle", corrupt(good, flip(len(good)/2)), backupPass, ErrBackupDamaged},
		{"edited last byte", corrupt(good, flip(len(good)-1)), backupPass, ErrBackupDamaged},
		{"empty file", nil, backupPass, ErrBackupDamaged},
		{"not an age file", []byte(`{"credentials": []}`), backupPass, ErrBackupDamaged},
		{"age file that is not a backup", notOurs.Bytes(), backupPass, ErrBackupDamaged},
		{"empty passphrase", good, "", ErrBackupPassphrase},
	}
	dst, dir := newWallet(t)
	fillWallet(t, dst, signedBadges(t, 1))
	path := filepath.Join(dir, FileName)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := fileHash(t, path)
			_, err := dst.Restore(bytes.NewReader(tc.data), []byte(tc.pass))
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, before, fileHash(t, path), "a refused restore changes nothing")

			newDir := filepath.Join(t.TempDir(), "new")
			_, _, err = CreateFromBackup(newDir, []byte(testPass), bytes.NewReader(tc.data), []byte(tc.pass), Options{})
			require.ErrorIs(t, err, tc.want)
			require.False(t, Exists(newDir), "no wallet is made from a refused backup")
		})
	}
	// And the good one is accepted, so the cases above fail for their reason.
	_, err = dst.Restore(bytes.NewReader(good), []byte(backupPass))
	require.NoError(t, err)
}

// TestBackupPayloadChecks feeds hand-made plaintexts to the parser: each
// breaks one rule of the format.
func TestBackupPayloadChecks(t *testing.T) {
	enc := func(items ...any) []byte {
		var b bytes.Buffer
		e := backupEnc.NewEncoder(&b)
		for _, it := range items {
			require.NoError(t, e.Encode(it))
		}
		return b.Bytes()
	}
	hdr := backupHeader{Format: backupFormat, Version: backupVersion, Created: "2026-06-01T00:00:00Z"}
	rec := backupItem{Kind: kindWallet, Bucket: "settings", Key: "k", Value: []byte("{}")}
	tests := []struct {
		name    string
		payload []byte
		want    error
		wantMsg string
	}{
		{"valid", enc(hdr, rec, backupItem{Kind: kindEnd, Count: 1}), nil, ""},
		{"no trailer", enc(hdr, rec), ErrBackupDamaged, "ends before"},
		{"wrong count", enc(hdr, rec, backupItem{Kind: kindEnd, Count: 2}), ErrBackupDamaged, "says 2 records"},
		{"data after trailer", enc(hdr, backupItem{Kind: kindEnd}, rec), ErrBackupDamaged, "after its last record"},
		{"newer version", enc(backupHeader{Format: backupFormat, Version: 2}), ErrBackupVersion, "version 2"},
		{"other format", enc(backupHeader{Format: "something", Version: 1}), ErrBackupDamaged, "not a Skillpass backup"},
		{"unknown kind", enc(hdr, backupItem{Kind: "magic", Bucket: "b"}, backupItem{Kind: kindEnd, Count: 1}), ErrBackupDamaged, "unknown kind"},
		{"no bucket", enc(hdr, backupItem{Kind: kindWallet, Key: "k"}, backupItem{Kind: kindEnd, Count: 1}), ErrBackupDamaged, "without a bucket"},
		{"bad key", enc(hdr, backupItem{Kind: kindKeyset, Bucket: kmsStore, Key: "k", Value: []byte{0xff, 0xff}}, backupItem{Kind: kindEnd, Count: 1}), ErrBackupDamaged, "does not parse"},
		{"key elsewhere", enc(hdr, backupItem{Kind: kindKeyset, Bucket: "other", Key: "k"}, backupItem{Kind: kindEnd, Count: 1}), ErrBackupDamaged, "outside the key store"},
		{"tag with colon", enc(hdr, backupItem{Kind: kindAries, Bucket: "s", Key: "k", Tags: []backupTag{{Name: "a:b"}}}, backupItem{Kind: kindEnd, Count: 1}), ErrBackupDamaged, "':'"},
		{"unknown field", enc(hdr, map[string]any{"kind": kindWallet, "bucket": "b", "extra": 1}), ErrBackupDamaged, "record 1"},
		{"garbage", []byte{0xff, 0x00, 0x13}, ErrBackupDamaged, "not a Skillpass backup"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseBackup(tc.payload)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), tc.wantMsg)
		})
	}
}

func TestBackupNeedsUnlockedWalletAndPassphrase(t *testing.T) {
	fastScrypt(t)
	w, _ := newWallet(t)
	var buf bytes.Buffer
	require.Error(t, w.Backup(&buf, nil))
	require.Zero(t, buf.Len())
	w.Lock()
	require.ErrorIs(t, w.Backup(&buf, []byte(backupPass)), ErrLocked)
	_, err := w.Restore(strings.NewReader(""), []byte(backupPass))
	require.Error(t, err)
}

// TestBackupDefaultWorkFactor checks that real backups use age's scrypt
// work factor of 2^18 (tests elsewhere lower it to save time).
func TestBackupDefaultWorkFactor(t *testing.T) {
	require.Equal(t, 18, backupWorkFactor)
	w, _ := newWallet(t)
	path := filepath.Join(t.TempDir(), "b.age")
	f, err := os.Create(path)
	require.NoError(t, err)
	require.NoError(t, w.Backup(f, []byte(backupPass)))
	require.NoError(t, f.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Regexp(t, `\n-> scrypt \S+ 18\n`, string(b))
}

// FuzzParseBackup feeds arbitrary plaintexts to the backup parser (what a
// backup holds once age has opened it): it never panics, refuses with one
// of its sentinel errors, and lets through only records that pass its
// checks.
func FuzzParseBackup(f *testing.F) {
	var b bytes.Buffer
	e := backupEnc.NewEncoder(&b)
	for _, it := range []any{
		backupHeader{Format: backupFormat, Version: backupVersion, Created: "2026-06-01T00:00:00Z"},
		backupItem{Kind: kindWallet, Bucket: bucketCredentials, Key: "0123456789abcdef", Value: []byte(`{"id":"x"}`)},
		backupItem{Kind: kindStore, Bucket: "connections", Value: []byte(`{"tagNames":["state"]}`)},
		backupItem{Kind: kindAries, Bucket: "connections", Key: "c1", Tags: []backupTag{{Name: "state", Value: "done"}}, Value: []byte("{}")},
		backupItem{Kind: kindEnd, Count: 3},
	} {
		require.NoError(f, e.Encode(it))
	}
	f.Add(b.Bytes())
	f.Add([]byte{})
	f.Add([]byte{0xa1, 0x64, 'k', 'i', 'n', 'd', 0x63, 'e', 'n', 'd'})
	f.Fuzz(func(t *testing.T, payload []byte) {
		items, err := parseBackup(payload)
		if err != nil {
			if !errors.Is(err, ErrBackupDamaged) && !errors.Is(err, ErrBackupVersion) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for i := range items {
			if err := checkItem(&items[i]); err != nil {
				t.Fatalf("record %d passed the parser but not its checks: %v", i, err)
			}
		}
	})
}
