package store

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

var testKey = bytes.Repeat([]byte{0x42}, KeySize)

// testCryptor returns a cryptor for testKey.
func testCryptor(t *testing.T) *cryptor {
	t.Helper()
	k, err := deriveKeys(testKey)
	require.NoError(t, err)
	c, err := newCryptor(k)
	require.NoError(t, err)
	return c
}

// raw gives a test direct bbolt access to a closed store file, as an
// attacker with the file would have.
func raw(t *testing.T, path string, fn func(btx *bolt.Tx, c *cryptor)) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	defer bdb.Close()
	c := testCryptor(t)
	require.NoError(t, bdb.Update(func(btx *bolt.Tx) error {
		fn(btx, c)
		return nil
	}))
}

// loc returns the bbolt bucket and on-disk key of a wallet record.
func loc(btx *bolt.Tx, c *cryptor, bucket, key string) (*bolt.Bucket, []byte) {
	bid := c.bucketID(walletName(bucket))
	return btx.Bucket(bid[:]), idSlice(c.recordID(walletName(bucket), key))
}

func TestTamperDetected(t *testing.T) {
	tests := []struct {
		name string
		// tamper edits the file; then reading bucket/key must fail.
		tamper      func(t *testing.T, btx *bolt.Tx, c *cryptor)
		bucket, key string
		intact      [][2]string // records that must still read fine
	}{
		{
			name: "ciphertext byte flipped",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k := loc(btx, c, "creds", "c1")
				v := bytes.Clone(b.Get(k))
				v[len(v)-20] ^= 1
				require.NoError(t, b.Put(k, v))
			},
			bucket: "creds", key: "c1", intact: [][2]string{{"creds", "c2"}},
		},
		{
			name: "nonce byte flipped",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k := loc(btx, c, "creds", "c1")
				v := bytes.Clone(b.Get(k))
				v[3] ^= 0x80
				require.NoError(t, b.Put(k, v))
			},
			bucket: "creds", key: "c1",
		},
		{
			name: "version byte changed",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k := loc(btx, c, "creds", "c1")
				v := bytes.Clone(b.Get(k))
				v[0] = 2
				require.NoError(t, b.Put(k, v))
			},
			bucket: "creds", key: "c1",
		},
		{
			name: "value truncated",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k := loc(btx, c, "creds", "c1")
				require.NoError(t, b.Put(k, bytes.Clone(b.Get(k)[:10])))
			},
			bucket: "creds", key: "c1",
		},
		{
			name: "two values swapped",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k1 := loc(btx, c, "creds", "c1")
				_, k2 := loc(btx, c, "creds", "c2")
				v1, v2 := bytes.Clone(b.Get(k1)), bytes.Clone(b.Get(k2))
				require.NoError(t, b.Put(k1, v2))
				require.NoError(t, b.Put(k2, v1))
			},
			bucket: "creds", key: "c2", intact: [][2]string{{"index", "c1"}},
		},
		{
			name: "value copied to another key",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k1 := loc(btx, c, "creds", "c1")
				_, k3 := loc(btx, c, "creds", "c3")
				require.NoError(t, b.Put(k3, bytes.Clone(b.Get(k1))))
			},
			bucket: "creds", key: "c3", intact: [][2]string{{"creds", "c1"}},
		},
		{
			name: "value moved to another bucket",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				b, k := loc(btx, c, "creds", "c1")
				ib, ik := loc(btx, c, "index", "c1")
				require.NoError(t, ib.Put(ik, bytes.Clone(b.Get(k))))
			},
			bucket: "index", key: "c1", intact: [][2]string{{"creds", "c1"}},
		},
		{
			name: "whole bucket renamed",
			tamper: func(t *testing.T, btx *bolt.Tx, c *cryptor) {
				src, _ := loc(btx, c, "creds", "")
				dstID := c.bucketID(walletName("other"))
				dst, err := btx.CreateBucket(dstID[:])
				require.NoError(t, err)
				require.NoError(t, src.ForEach(func(k, v []byte) error {
					// Keep the record keys other's names would have.
					it, err := c.openRecord(walletName("creds"), idSlice(c.bucketID(walletName("creds"))), k, v)
					require.NoError(t, err)
					return dst.Put(idSlice(c.recordID(walletName("other"), it.key)), bytes.Clone(v))
				}))
			},
			bucket: "other", key: "c1",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.db")
			db, err := Open(path, Options{})
			require.NoError(t, err)
			require.NoError(t, db.Unlock(testKey))
			for _, k := range []string{"c1", "c2"} {
				require.NoError(t, db.Put("creds", k, []byte("value of "+k)))
				require.NoError(t, db.Put("index", k, []byte("index of "+k)))
			}
			require.NoError(t, db.Close())

			raw(t, path, func(btx *bolt.Tx, c *cryptor) { tc.tamper(t, btx, c) })

			db, err = Open(path, Options{})
			require.NoError(t, err)
			defer db.Close()
			require.NoError(t, db.Unlock(testKey), "the check value is untouched")
			_, err = db.Get(tc.bucket, tc.key)
			require.ErrorIs(t, err, ErrTampered)
			require.Contains(t, err.Error(), `"`+tc.bucket+`"`, "the error names the bucket")
			err = db.ForEach(tc.bucket, func(string, []byte) error { return nil })
			require.ErrorIs(t, err, ErrTampered)
			for _, r := range tc.intact {
				_, err := db.Get(r[0], r[1])
				require.NoError(t, err, "%s/%s", r[0], r[1])
			}
			require.Error(t, db.Rekey(bytes.Repeat([]byte{1}, KeySize), nil),
				"Rekey must not launder a tampered record")
			for _, r := range tc.intact {
				_, err := db.Get(r[0], r[1])
				require.NoError(t, err, "a failed Rekey changes nothing")
			}
		})
	}
}

func TestTamperedAriesRecord(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.Unlock(testKey))
	st, err := db.Provider().OpenStore("didexchange")
	require.NoError(t, err)
	require.NoError(t, st.Put("k1", []byte("v1"), storage.Tag{Name: "t", Value: "1"}))
	require.NoError(t, st.Put("k2", []byte("v2"), storage.Tag{Name: "t", Value: "2"}))
	require.NoError(t, db.Close())

	raw(t, path, func(btx *bolt.Tx, c *cryptor) {
		bid := c.bucketID(ariesPrefix + "didexchange")
		b := btx.Bucket(bid[:])
		k1, k2 := idSlice(c.recordID(ariesPrefix+"didexchange", "k1")), idSlice(c.recordID(ariesPrefix+"didexchange", "k2"))
		v1, v2 := bytes.Clone(b.Get(k1)), bytes.Clone(b.Get(k2))
		require.NoError(t, b.Put(k1, v2))
		require.NoError(t, b.Put(k2, v1))
	})

	db, err = Open(path, Options{})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Unlock(testKey))
	st, err = db.Provider().OpenStore("didexchange")
	require.NoError(t, err)
	_, err = st.Get("k1")
	require.ErrorIs(t, err, ErrTampered)
	require.Contains(t, err.Error(), "didexchange")
	_, err = st.Query("t")
	require.ErrorIs(t, err, ErrTampered)
	_, err = st.GetBulk("k2")
	require.ErrorIs(t, err, ErrTampered)
}

func TestTamperedCheckValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.Unlock(testKey))
	require.NoError(t, db.Close())
	raw(t, path, func(btx *bolt.Tx, _ *cryptor) {
		m := btx.Bucket(metaBucket)
		v := bytes.Clone(m.Get(metaCheck))
		v[len(v)-1] ^= 1
		require.NoError(t, m.Put(metaCheck, v))
	})
	db, err = Open(path, Options{})
	require.NoError(t, err)
	defer db.Close()
	require.ErrorIs(t, db.Unlock(testKey), ErrWrongKey)
}

func TestUnsupportedFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.Close())
	raw(t, path, func(btx *bolt.Tx, _ *cryptor) {
		require.NoError(t, btx.Bucket(metaBucket).Put(metaFormat, []byte{9}))
	})
	_, err = Open(path, Options{})
	require.ErrorContains(t, err, "unsupported store format")
}

func TestRekeyRefusesUnknownBucket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(path, Options{})
	require.NoError(t, err)
	require.NoError(t, db.Unlock(testKey))
	require.NoError(t, db.Put("creds", "c1", []byte("v")))
	require.NoError(t, db.Close())
	raw(t, path, func(btx *bolt.Tx, _ *cryptor) {
		_, err := btx.CreateBucket(bytes.Repeat([]byte{7}, idSize))
		require.NoError(t, err)
	})
	db, err = Open(path, Options{})
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Unlock(testKey))
	require.ErrorContains(t, db.Rekey(bytes.Repeat([]byte{1}, KeySize), nil), "unknown bucket")
	// Nothing changed: the old key still works.
	v, err := db.Get("creds", "c1")
	require.NoError(t, err)
	require.Equal(t, "v", string(v))
}

func TestRecordCodecRoundTrip(t *testing.T) {
	tests := []struct {
		key   string
		tags  []storage.Tag
		value []byte
	}{
		{"", nil, []byte{}},
		{"k", nil, []byte("v")},
		{"urn:uuid:1", []storage.Tag{{Name: "a"}, {Name: "b", Value: "c"}}, []byte(`{"x":1}`)},
		{string(make([]byte, 300)), []storage.Tag{{Name: string(make([]byte, 200)), Value: "v"}}, make([]byte, 70000)},
	}
	for _, tc := range tests {
		b := encodeRecord(tc.key, tc.tags, tc.value)
		k, tags, v, err := decodeRecord(b)
		require.NoError(t, err)
		require.Equal(t, tc.key, k)
		require.Equal(t, tc.tags, tags)
		require.Equal(t, tc.value, v)
		require.Equal(t, len(v), cap(v), "value must not alias spare capacity")
	}
}

func TestDecodeRecordRejectsGarbage(t *testing.T) {
	good := encodeRecord("key", []storage.Tag{{Name: "n", Value: "v"}}, []byte("value"))
	inputs := [][]byte{
		nil,
		{0x80},                         // unterminated varint
		{0x05, 'a'},                    // key longer than input
		{0x00, 0xff, 0xff, 0xff, 0x0f}, // absurd tag count
		good[:5],                       // cut inside the tags
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, // max uint64 length
	}
	for i, in := range inputs {
		_, _, _, err := decodeRecord(in)
		require.ErrorIs(t, err, errMalformed, "input %d", i)
	}
}

func FuzzDecodeRecord(f *testing.F) {
	f.Add(encodeRecord("k", []storage.Tag{{Name: "n", Value: "v"}}, []byte("value")))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		k, tags, v, err := decodeRecord(b)
		if err != nil {
			return
		}
		require.Equal(t, b, encodeRecord(k, tags, v), "decode then encode must give the input back")
	})
}

func TestIsDecimal(t *testing.T) {
	tests := map[string]bool{
		"0": true, "10": true, "-3": true, "+7": true, "1.5": true, "92147483647": true,
		"": false, "-": false, "1.": false, ".5": false, "1e3": false, "0x10": false,
		"1/2": false, "abc": false, "1.2.3": false, " 1": false, "١": false,
	}
	for in, want := range tests {
		require.Equal(t, want, isDecimal(in), "%q", in)
	}
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		expr string
		want [][]criterion
		bad  bool
	}{
		{expr: "name", want: [][]criterion{{{name: "name", anyValue: true}}}},
		{expr: "name:", want: [][]criterion{{{name: "name", anyValue: true}}}},
		{expr: "name:value", want: [][]criterion{{{name: "name", value: "value"}}}},
		{expr: "a:1&&b||c:3", want: [][]criterion{
			{{name: "a", value: "1"}, {name: "b", anyValue: true}},
			{{name: "c", value: "3"}},
		}},
		{expr: "", bad: true},
		{expr: "a:b:c", bad: true},
		{expr: ":value", bad: true},
		{expr: "a&&", bad: true},
		{expr: "||a", bad: true},
	}
	for _, tc := range tests {
		got, err := parseQuery(tc.expr)
		if tc.bad {
			require.ErrorIs(t, err, ErrInvalidQuery, "%q", tc.expr)
			continue
		}
		require.NoError(t, err, "%q", tc.expr)
		require.Equal(t, tc.want, got, "%q", tc.expr)
	}
}

func TestSortItems(t *testing.T) {
	mk := func(key string, tags ...storage.Tag) item { return item{key: key, tags: tags} }
	n := func(v string) storage.Tag { return storage.Tag{Name: "n", Value: v} }
	items := []item{
		mk("k-b", n("b")), mk("k-10", n("10")), mk("k-none"), mk("k-2", n("2")), mk("k-neg", n("-1.5")),
		mk("k-a", n("a")), mk("k-2bis", n("2.0")), mk("k-big", n("92147483647")),
	}
	keys := func(items []item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.key)
		}
		return out
	}
	asc := slices.Clone(items)
	sortItems(asc, &storage.SortOptions{TagName: "n", Order: storage.SortAscending})
	require.Equal(t, []string{"k-neg", "k-2", "k-2bis", "k-10", "k-big", "k-a", "k-b", "k-none"}, keys(asc))
	desc := slices.Clone(items)
	sortItems(desc, &storage.SortOptions{TagName: "n", Order: storage.SortDescending})
	require.Equal(t, []string{"k-b", "k-a", "k-big", "k-10", "k-2", "k-2bis", "k-neg", "k-none"}, keys(desc))
}

func TestKeyDerivation(t *testing.T) {
	a, err := deriveKeys(testKey)
	require.NoError(t, err)
	b, err := deriveKeys(bytes.Repeat([]byte{0x43}, KeySize))
	require.NoError(t, err)
	require.NotEqual(t, a.seal, a.name, "sub-keys must differ")
	require.NotEqual(t, a.seal, b.seal)
	require.False(t, a.equal(b))
	a2, err := deriveKeys(testKey)
	require.NoError(t, err)
	require.True(t, a.equal(a2))
	require.NotEqual(t, testKey, a.seal[:])
	a.wipe()
	require.Equal(t, [32]byte{}, a.seal)
	require.Equal(t, [32]byte{}, a.name)

	c := testCryptor(t)
	require.NotEqual(t, c.bucketID("w:x"), c.bucketID("a:x"), "name spaces must not collide")
	require.NotEqual(t, c.recordID("w:ab", "c"), c.recordID("w:a", "bc"), "record ids are unambiguous")
}
