package wallet

// # Backup file format (version 1)
//
// A backup is an age file (https://age-encryption.org/v1) encrypted to one
// scrypt passphrase recipient, so it can also be opened with the age tool
// (`age -d backup.age`). Its plaintext is a CBOR sequence (RFC 8742): CBOR
// data items one after another, each a map with text keys, encoded in
// CBOR's core deterministic form (RFC 8949 §4.2), so the same wallet content
// always gives the same plaintext. The items are:
//
//  1. the header: {"format": "skillpass-backup", "version": 1,
//     "created": RFC 3339 time};
//  2. zero or more records, each {"kind": K, "bucket": NAME, "key": KEY,
//     "tags": [[NAME, VALUE]...], "value": BYTES} (empty fields omitted),
//     in this order: wallet buckets by name, then aries stores by name, each
//     bucket's records by key. K is one of
//     - "wallet": a record of the wallet bucket NAME (credentials,
//     credential-index, identities, activity, activity-head and any bucket
//     added later, such as settings), value as stored (JSON);
//     - "store": declares the aries store NAME (it may be empty); value is
//     its aries StoreConfiguration as JSON, or absent;
//     - "aries": a record of the aries store NAME, with its tags;
//     - "keyset": a key of aries' local KMS (store "kmsdb"): key is the
//     keyset id, value the keyset in clear as Tink's binary Keyset protobuf.
//     In the wallet each keyset is sealed by the secret lock, which is bound
//     to the wallet's passphrase; the backup carries it in clear (inside
//     age) and restore seals it again under the target wallet's lock;
//  3. the trailer: {"kind": "end", "count": N}, N the number of records.
//
// Nothing may follow the trailer. CBOR rather than JSON Lines because the
// values are bytes (keysets, aries values) that CBOR carries as they are,
// with length-prefixed framing and no escaping, and because
// github.com/fxamacker/cbor decodes with hard limits on nesting, sizes and
// duplicate keys (the backup is input like any other).

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/fxamacker/cbor/v2"
	"github.com/google/tink/go/aead"
	"github.com/google/tink/go/insecurecleartextkeyset"
	"github.com/google/tink/go/keyset"
	tinkpb "github.com/google/tink/go/proto/tink_go_proto"
	"github.com/google/tink/go/tink"
	"github.com/hyperledger/aries-framework-go/pkg/kms"
	"github.com/hyperledger/aries-framework-go/spi/secretlock"
	"github.com/hyperledger/aries-framework-go/spi/storage"
	"google.golang.org/protobuf/proto"

	"github.com/skillpass/skillpass/wallet/store"
)

const (
	backupFormat  = "skillpass-backup"
	backupVersion = 1

	kindWallet = "wallet"
	kindStore  = "store"
	kindAries  = "aries"
	kindKeyset = "keyset"
	kindEnd    = "end"

	// kmsStore is the aries store where localkms keeps its keysets.
	kmsStore = kms.AriesWrapperStoreName
)

// MaxBackupSize is the largest backup plaintext Restore reads (it holds the
// whole backup in memory to check it before changing anything).
const MaxBackupSize = 512 << 20

// backupWorkFactor is the scrypt work factor (log2 N) of new backups: age's
// default, about a second on a laptop. Tests lower it.
var backupWorkFactor = 18

var (
	// ErrBackupPassphrase is returned by Restore when the passphrase does not
	// open the backup (or the file is not passphrase-encrypted).
	ErrBackupPassphrase = errors.New("wrong backup passphrase")
	// ErrBackupDamaged is returned by Restore for a backup that was truncated,
	// edited or is not a Skillpass backup at all.
	ErrBackupDamaged = errors.New("the backup is damaged or was changed")
	// ErrBackupVersion is returned by Restore for a backup written by a newer
	// Skillpass.
	ErrBackupVersion = errors.New("the backup was made by a newer Skillpass")
	// ErrBackupTooLarge is returned by Restore for a backup over
	// MaxBackupSize.
	ErrBackupTooLarge = errors.New("the backup is too large")
)

// backupHeader is the first item of a backup.
type backupHeader struct {
	Format  string `cbor:"format"`
	Version int    `cbor:"version"`
	Created string `cbor:"created"`
}

// backupTag is an aries tag, encoded as a two-element array.
type backupTag struct {
	_     struct{} `cbor:",toarray"`
	Name  string
	Value string
}

// backupItem is a record or the trailer of a backup.
type backupItem struct {
	Kind   string      `cbor:"kind"`
	Bucket string      `cbor:"bucket,omitempty"`
	Key    string      `cbor:"key,omitempty"`
	Tags   []backupTag `cbor:"tags,omitempty"`
	Value  []byte      `cbor:"value,omitempty"`
	Count  uint64      `cbor:"count,omitempty"`
}

var (
	backupEnc cbor.EncMode
	backupDec cbor.DecMode
)

func init() {
	var err error
	if backupEnc, err = cbor.CoreDetEncOptions().EncMode(); err != nil {
		panic(err) // fixed options: cannot fail
	}
	backupDec, err = cbor.DecOptions{
		MaxNestedLevels:   4,
		MaxArrayElements:  1 << 16,
		MaxMapPairs:       16,
		DupMapKey:         cbor.DupMapKeyEnforcedAPF,
		IndefLength:       cbor.IndefLengthForbidden,
		ExtraReturnErrors: cbor.ExtraDecErrorUnknownField,
	}.DecMode()
	if err != nil {
		panic(err) // fixed options: cannot fail
	}
}

// RestoreCount says how many records of one kind a restore added and how
// many were already in the wallet.
type RestoreCount struct {
	Added   int `json:"added"`
	Present int `json:"present"`
}

// RestoreReport is what Restore did.
type RestoreReport struct {
	Credentials RestoreCount `json:"credentials"`
	Identities  RestoreCount `json:"identities"`
	Keys        RestoreCount `json:"keys"`
	// Other counts the remaining records: aries stores (connections and the
	// like), settings, and any bucket added later.
	Other RestoreCount `json:"other"`
	// Activity is the number of activity-log entries added.
	Activity int `json:"activity"`
}

// kmsAEAD is the secret lock as aries' localkms uses it (its internal
// keywrapper): the data and associated data go to the lock as padded
// base64url text, for the key URI without its scheme.
type kmsAEAD struct {
	lock   secretlock.Service
	keyURI string
}

var _ tink.AEAD = kmsAEAD{}

// keysetAEAD returns the AEAD that seals localkms' keysets under lock: as in
// localkms, a Tink envelope whose AES-256-GCM data keys are wrapped by the
// secret lock.
func keysetAEAD(lock secretlock.Service) tink.AEAD {
	_, uri, _ := strings.Cut(primaryKeyURI, "://")
	return aead.NewKMSEnvelopeAEAD2(aead.AES256GCMKeyTemplate(), kmsAEAD{lock: lock, keyURI: uri})
}

// Encrypt seals a serialized keyset.
func (a kmsAEAD) Encrypt(plaintext, additionalData []byte) ([]byte, error) {
	resp, err := a.lock.Encrypt(a.keyURI, &secretlock.EncryptRequest{
		Plaintext:                   base64.URLEncoding.EncodeToString(plaintext),
		AdditionalAuthenticatedData: base64.URLEncoding.EncodeToString(additionalData),
	})
	if err != nil {
		return nil, err
	}
	return base64.URLEncoding.DecodeString(resp.Ciphertext)
}

// Decrypt opens a sealed keyset.
func (a kmsAEAD) Decrypt(ciphertext, additionalData []byte) ([]byte, error) {
	resp, err := a.lock.Decrypt(a.keyURI, &secretlock.DecryptRequest{
		Ciphertext:                  base64.URLEncoding.EncodeToString(ciphertext),
		AdditionalAuthenticatedData: base64.URLEncoding.EncodeToString(additionalData),
	})
	if err != nil {
		return nil, err
	}
	return base64.URLEncoding.DecodeString(resp.Plaintext)
}

// unwrapKeyset opens a keyset as localkms stores it and returns it in clear
// (Tink's binary Keyset, deterministically encoded).
func unwrapKeyset(sealed []byte, ka tink.AEAD) ([]byte, error) {
	h, err := keyset.Read(keyset.NewJSONReader(bytes.NewReader(sealed)), ka)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(insecurecleartextkeyset.KeysetMaterial(h))
}

// wrapKeyset seals a keyset in clear the way localkms stores it.
func wrapKeyset(plain []byte, ka tink.AEAD) ([]byte, error) {
	ks := new(tinkpb.Keyset)
	if err := proto.Unmarshal(plain, ks); err != nil {
		return nil, fmt.Errorf("keyset: %w", err)
	}
	h, err := insecurecleartextkeyset.Read(&keyset.MemReaderWriter{Keyset: ks})
	if err != nil {
		return nil, fmt.Errorf("keyset: %w", err)
	}
	var buf bytes.Buffer
	if err := h.Write(keyset.NewJSONWriter(&buf), ka); err != nil {
		return nil, fmt.Errorf("keyset: %w", err)
	}
	return buf.Bytes(), nil
}

// snapshot reads the whole wallet, in one read transaction, as backup
// records in their canonical order, keysets in clear.
func (w *Wallet) snapshot() ([]backupItem, error) {
	ka := keysetAEAD(w.lock)
	var items []backupItem
	err := w.db.View(func(tx *store.Tx) error {
		buckets, err := tx.Buckets()
		if err != nil {
			return err
		}
		for _, b := range buckets {
			if b.Space == store.SpaceAries {
				it := backupItem{Kind: kindStore, Bucket: b.Name}
				if cfg, ok, err := tx.AriesStoreConfig(b.Name); err != nil {
					return err
				} else if ok {
					it.Value = cfg
				}
				items = append(items, it)
			}
			entries, err := tx.Entries(b)
			if err != nil {
				return err
			}
			for _, e := range entries {
				it := backupItem{Kind: kindWallet, Bucket: b.Name, Key: e.Key, Value: e.Value}
				switch {
				case b.Space == store.SpaceAries && b.Name == kmsStore:
					plain, err := unwrapKeyset(e.Value, ka)
					if err != nil {
						return fmt.Errorf("open key %s: %w", e.Key, err)
					}
					it = backupItem{Kind: kindKeyset, Bucket: b.Name, Key: e.Key, Value: plain}
				case b.Space == store.SpaceAries:
					it.Kind = kindAries
					for _, t := range e.Tags {
						it.Tags = append(it.Tags, backupTag{Name: t.Name, Value: t.Value})
					}
				}
				items = append(items, it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read wallet: %w", err)
	}
	return items, nil
}

// Backup writes the whole wallet (keys, credentials, identities, aries
// stores, settings and the activity log) to out as one age file encrypted
// with passphrase (see the format at the top of backup.go). The wallet is
// read in one transaction, so the backup is a consistent picture. The
// backup, or its failure, goes into the activity log afterwards.
func (w *Wallet) Backup(out io.Writer, passphrase []byte) error {
	release, err := w.use()
	if err != nil {
		return err
	}
	defer release()
	if len(passphrase) == 0 {
		return errors.New("backup: the backup passphrase is empty")
	}
	items, err := w.snapshot()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := writeBackup(out, passphrase, items, w.now()); err != nil {
		logErr := w.logActivity(Entry{Action: ActionBackup, Outcome: OutcomeFailed, Detail: "could not write the backup"})
		return errors.Join(fmt.Errorf("backup: %w", err), logErr)
	}
	n := 0
	for _, it := range items {
		if it.Kind == kindWallet && it.Bucket == bucketCredentials {
			n++
		}
	}
	return w.logActivity(Entry{Action: ActionBackup, Outcome: OutcomeDone, Detail: countDetail(n, "credentials")})
}

// writeBackup encrypts the header, items and trailer to out.
func writeBackup(out io.Writer, passphrase []byte, items []backupItem, now time.Time) error {
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return err
	}
	r.SetWorkFactor(backupWorkFactor)
	wc, err := age.Encrypt(out, r)
	if err != nil {
		return err
	}
	enc := backupEnc.NewEncoder(wc)
	if err := enc.Encode(backupHeader{Format: backupFormat, Version: backupVersion, Created: now.UTC().Format(time.RFC3339)}); err != nil {
		return err
	}
	for i := range items {
		if err := enc.Encode(&items[i]); err != nil {
			return err
		}
	}
	if err := enc.Encode(backupItem{Kind: kindEnd, Count: uint64(len(items))}); err != nil {
		return err
	}
	return wc.Close()
}

// readBackup decrypts and checks a whole backup before anything is written:
// it returns its records, or an error wrapping ErrBackupPassphrase,
// ErrBackupDamaged, ErrBackupVersion or ErrBackupTooLarge.
func readBackup(in io.Reader, passphrase []byte) ([]backupItem, error) {
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%w: the backup passphrase is empty", ErrBackupPassphrase)
	}
	id, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBackupPassphrase, err)
	}
	pr, err := age.Decrypt(in, id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, ErrBackupPassphrase
		}
		return nil, fmt.Errorf("%w: %w", ErrBackupDamaged, err)
	}
	payload, err := io.ReadAll(io.LimitReader(pr, MaxBackupSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBackupDamaged, err)
	}
	if len(payload) > MaxBackupSize {
		return nil, fmt.Errorf("%w (over %d MiB)", ErrBackupTooLarge, MaxBackupSize>>20)
	}
	return parseBackup(payload)
}

// parseBackup decodes and checks a backup's plaintext.
func parseBackup(payload []byte) ([]backupItem, error) {
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBackupDamaged, fmt.Sprintf(format, args...))
	}
	dec := backupDec.NewDecoder(bytes.NewReader(payload))
	var h backupHeader
	if err := dec.Decode(&h); err != nil || h.Format != backupFormat {
		return nil, damaged("not a Skillpass backup")
	}
	if h.Version != backupVersion {
		return nil, fmt.Errorf("%w (format version %d; this Skillpass reads %d): update Skillpass", ErrBackupVersion, h.Version, backupVersion)
	}
	var items []backupItem
	for {
		var it backupItem
		if err := dec.Decode(&it); err != nil {
			if errors.Is(err, io.EOF) {
				return nil, damaged("it ends before its last record")
			}
			return nil, damaged("record %d: %v", len(items)+1, err)
		}
		if it.Kind == kindEnd {
			if it.Count != uint64(len(items)) {
				return nil, damaged("it says %d records but holds %d", it.Count, len(items))
			}
			break
		}
		if err := checkItem(&it); err != nil {
			return nil, damaged("record %d: %v", len(items)+1, err)
		}
		items = append(items, it)
	}
	if dec.NumBytesRead() != len(payload) {
		return nil, damaged("data after its last record")
	}
	return items, nil
}

// checkItem refuses records that restore could not write faithfully.
func checkItem(it *backupItem) error {
	switch it.Kind {
	case kindWallet, kindStore:
	case kindAries:
		if it.Key == "" {
			return errors.New("an aries record without a key")
		}
		for _, t := range it.Tags {
			if strings.Contains(t.Name, ":") || strings.Contains(t.Value, ":") {
				return errors.New("an aries tag with ':'")
			}
		}
	case kindKeyset:
		if it.Key == "" || it.Bucket != kmsStore {
			return errors.New("a key outside the key store")
		}
		if err := proto.Unmarshal(it.Value, new(tinkpb.Keyset)); err != nil {
			return fmt.Errorf("a key that does not parse: %w", err)
		}
	default:
		return fmt.Errorf("unknown kind %q", it.Kind)
	}
	if it.Bucket == "" {
		return errors.New("a record without a bucket")
	}
	if len(it.Tags) > 0 && it.Kind != kindAries {
		return errors.New("tags outside an aries store")
	}
	return nil
}

// Restore reads a backup made by Backup and adds what this wallet lacks:
// records already here (same credential, identity, key or record key) are
// kept as they are, so restoring twice, or into a wallet that has part of
// the backup, stores nothing twice. Keys are sealed again under this
// wallet's passphrase. The whole backup is decrypted and checked first and
// then written in one transaction: a wrong passphrase
// (ErrBackupPassphrase), a truncated or edited file (ErrBackupDamaged) or
// any other failure changes nothing. The restore goes into the activity
// log in the same transaction. The backup's activity log is added too: in
// full when this wallet's log is empty or a beginning of it, else as
// entries marked with their Origin after this wallet's own.
func (w *Wallet) Restore(in io.Reader, passphrase []byte) (RestoreReport, error) {
	items, err := readBackup(in, passphrase)
	if err != nil {
		return RestoreReport{}, fmt.Errorf("restore: %w", err)
	}
	release, err := w.use()
	if err != nil {
		return RestoreReport{}, err
	}
	defer release()
	rep, err := w.apply(items)
	if err != nil {
		return RestoreReport{}, fmt.Errorf("restore: %w", err)
	}
	return rep, nil
}

// CreateFromBackup makes a new wallet in dir, protected by passphrase, from
// a backup opened with backupPassphrase: unlike Create it makes no keys of
// its own, so the new wallet holds exactly what the backup holds (plus the
// restore in its activity log). The backup is checked before the wallet is
// created: if it cannot be restored, dir is left without a wallet.
func CreateFromBackup(dir string, passphrase []byte, in io.Reader, backupPassphrase []byte, opts Options) (*Wallet, RestoreReport, error) {
	items, err := readBackup(in, backupPassphrase)
	if err != nil {
		return nil, RestoreReport{}, fmt.Errorf("restore: %w", err)
	}
	var rep RestoreReport
	w, err := create(dir, passphrase, opts, func(w *Wallet) error {
		var err error
		rep, err = w.apply(items)
		return err
	})
	if err != nil {
		return nil, RestoreReport{}, fmt.Errorf("restore: %w", err)
	}
	return w, rep, nil
}

// apply writes a checked backup into the wallet in one transaction. The
// caller holds use().
func (w *Wallet) apply(items []backupItem) (RestoreReport, error) {
	var rep RestoreReport
	ka := keysetAEAD(w.lock)
	// Seal the keys for this wallet before the transaction.
	sealed := make(map[int][]byte)
	for i, it := range items {
		if it.Kind != kindKeyset {
			continue
		}
		v, err := wrapKeyset(it.Value, ka)
		if err != nil {
			return rep, fmt.Errorf("key %s: %w", it.Key, err)
		}
		sealed[i] = v
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.db.Update(func(tx *store.Tx) error {
		var logItems []backupItem
		for i, it := range items {
			var b store.Bucket
			e := store.Entry{Key: it.Key, Value: it.Value}
			count := &rep.Other
			switch it.Kind {
			case kindStore:
				b = store.Bucket{Space: store.SpaceAries, Name: it.Bucket}
				if err := tx.CreateBucket(b); err != nil {
					return err
				}
				if len(it.Value) > 0 {
					if _, ok, err := tx.AriesStoreConfig(it.Bucket); err != nil {
						return err
					} else if !ok {
						if err := tx.SetAriesStoreConfig(it.Bucket, it.Value); err != nil {
							return err
						}
					}
				}
				continue
			case kindWallet:
				if it.Bucket == bucketActivity || it.Bucket == bucketActivityHead {
					logItems = append(logItems, it)
					continue
				}
				b = store.Bucket{Space: store.SpaceWallet, Name: it.Bucket}
				switch it.Bucket {
				case bucketCredentials:
					count = &rep.Credentials
				case bucketIndex:
					count = nil
				case bucketIdentities:
					count = &rep.Identities
				}
			case kindAries:
				b = store.Bucket{Space: store.SpaceAries, Name: it.Bucket}
				for _, t := range it.Tags {
					e.Tags = append(e.Tags, storage.Tag{Name: t.Name, Value: t.Value})
				}
			case kindKeyset:
				b = store.Bucket{Space: store.SpaceAries, Name: it.Bucket}
				e.Value = sealed[i]
				count = &rep.Keys
			}
			_, err := tx.GetEntry(b, it.Key)
			switch {
			case err == nil:
				if count != nil {
					count.Present++
				}
				continue
			case !errors.Is(err, store.ErrNotFound):
				return err
			}
			if err := tx.PutEntry(b, e); err != nil {
				return err
			}
			if count != nil {
				count.Added++
			}
		}
		n, err := mergeActivity(tx, logItems)
		if err != nil {
			return err
		}
		rep.Activity = n
		_, err = appendActivity(tx, Entry{
			Time: w.now(), Action: ActionRestore, Outcome: OutcomeDone,
			Detail: fmt.Sprintf("%d credentials added, %d already here; %d identities and %d keys added",
				rep.Credentials.Added, rep.Credentials.Present, rep.Identities.Added, rep.Keys.Added),
		})
		return err
	})
	if err != nil {
		return RestoreReport{}, err
	}
	return rep, nil
}

// mergeActivity adds a backup's activity log (its "activity" and
// "activity-head" records) to the wallet's and returns how many entries it
// added. When the wallet's log is empty or a beginning of the backup's, the
// missing entries are copied as they are, with the backup's head, so the
// chain is the backup's. When the two histories differ, the backup's entries
// after their common beginning are appended with Origin set and chained
// anew, except those the wallet already has (itself or as such a copy).
func mergeActivity(tx *store.Tx, items []backupItem) (int, error) {
	var backup [][]byte
	var head []byte
	for _, it := range items {
		switch {
		case it.Bucket == bucketActivityHead && it.Key == activityHeadKey:
			head = it.Value
		case it.Bucket == bucketActivity:
			backup = append(backup, it.Value)
		}
	}
	var mine [][]byte
	if err := tx.ForEach(bucketActivity, func(_ string, v []byte) error {
		mine = append(mine, v)
		return nil
	}); err != nil {
		return 0, err
	}
	common := 0
	for common < len(mine) && common < len(backup) && bytes.Equal(mine[common], backup[common]) {
		common++
	}
	if common == len(backup) {
		return 0, nil
	}
	if common == len(mine) {
		for i := common; i < len(backup); i++ {
			if err := tx.Put(bucketActivity, seqKey(uint64(i)+1), backup[i]); err != nil {
				return 0, err
			}
		}
		if head == nil {
			return 0, fmt.Errorf("%w: its activity log has no head record", ErrBackupDamaged)
		}
		if err := tx.Put(bucketActivityHead, activityHeadKey, head); err != nil {
			return 0, err
		}
		return len(backup) - common, nil
	}
	have := map[string]bool{}
	for _, raw := range mine {
		have[entryHash(raw)] = true
		var e Entry
		if json.Unmarshal(raw, &e) == nil && e.Origin != "" {
			have[e.Origin] = true
		}
	}
	n := 0
	for _, raw := range backup[common:] {
		var e Entry
		if err := json.Unmarshal(raw, &e); err != nil {
			continue // an unreadable entry of a broken log: nothing to carry over
		}
		if e.Origin == "" {
			e.Origin = entryHash(raw)
		}
		if have[e.Origin] {
			continue
		}
		have[e.Origin] = true
		if _, err := appendActivity(tx, e); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// ContentHashes returns, for every wallet bucket and aries store, the
// SHA-256 (hex) of its content in the backup encoding, keys in clear, keyed
// "wallet/NAME" or "aries/NAME". Two wallets with the same content give the
// same hashes whatever their passphrases: a backup restored into a new
// wallet gives the original's hashes, but for the activity log, which
// gains the restore.
func (w *Wallet) ContentHashes() (map[string]string, error) {
	release, err := w.use()
	if err != nil {
		return nil, err
	}
	defer release()
	items, err := w.snapshot()
	if err != nil {
		return nil, fmt.Errorf("content hashes: %w", err)
	}
	return contentHashes(items)
}

// contentHashes hashes items per bucket.
func contentHashes(items []backupItem) (map[string]string, error) {
	sums := map[string]hash.Hash{}
	for i := range items {
		it := &items[i]
		group := "wallet/" + it.Bucket
		if it.Kind != kindWallet {
			group = "aries/" + it.Bucket
		}
		b, err := backupEnc.Marshal(it)
		if err != nil {
			return nil, err
		}
		if sums[group] == nil {
			sums[group] = sha256.New()
		}
		sums[group].Write(b)
	}
	out := make(map[string]string, len(sums))
	for g, h := range sums {
		out[g] = hex.EncodeToString(h.Sum(nil))
	}
	return out, nil
}
