package store_test

import (
	"testing"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/store"
)

// TestWalkListsAndCopiesEverything writes through the wallet and aries
// interfaces, then reads it all back through Buckets and Entries and copies
// it into another store with PutEntry: the copy reads the same through the
// ordinary interfaces, and survives a reopen.
func TestWalkListsAndCopiesEverything(t *testing.T) {
	src := openDB(t)
	require.NoError(t, src.Put("credentials", "b", []byte("two")))
	require.NoError(t, src.Put("credentials", "a", []byte("one")))
	require.NoError(t, src.Put("settings", "", []byte{}))
	prov := src.Provider()
	st, err := prov.OpenStore("Connections")
	require.NoError(t, err)
	require.NoError(t, st.Put("c1", []byte("conn"), storage.Tag{Name: "state", Value: "done"}))
	_, err = prov.OpenStore("empty")
	require.NoError(t, err)
	require.NoError(t, prov.SetStoreConfig("connections", storage.StoreConfiguration{TagNames: []string{"state"}}))

	var buckets []store.Bucket
	all := map[store.Bucket][]store.Entry{}
	cfg := map[string][]byte{}
	require.NoError(t, src.View(func(tx *store.Tx) error {
		var err error
		if buckets, err = tx.Buckets(); err != nil {
			return err
		}
		for _, b := range buckets {
			if all[b], err = tx.Entries(b); err != nil {
				return err
			}
			if b.Space == store.SpaceAries {
				if c, ok, err := tx.AriesStoreConfig(b.Name); err != nil {
					return err
				} else if ok {
					cfg[b.Name] = c
				}
			}
		}
		return nil
	}))
	require.Equal(t, []store.Bucket{
		{Space: store.SpaceWallet, Name: "credentials"},
		{Space: store.SpaceWallet, Name: "settings"},
		{Space: store.SpaceAries, Name: "connections"},
		{Space: store.SpaceAries, Name: "empty"},
	}, buckets)
	require.Equal(t, []store.Entry{{Key: "a", Value: []byte("one")}, {Key: "b", Value: []byte("two")}}, all[buckets[0]])
	require.Equal(t, []store.Entry{{Key: "c1", Tags: []storage.Tag{{Name: "state", Value: "done"}}, Value: []byte("conn")}}, all[buckets[2]])
	require.Empty(t, all[buckets[3]])
	require.Contains(t, cfg, "connections")

	dst := openDB(t)
	require.NoError(t, dst.Update(func(tx *store.Tx) error {
		for _, b := range buckets {
			if err := tx.CreateBucket(b); err != nil {
				return err
			}
			for _, e := range all[b] {
				if err := tx.PutEntry(b, e); err != nil {
					return err
				}
			}
		}
		return tx.SetAriesStoreConfig("connections", cfg["connections"])
	}))
	dst = reopen(t, dst, key(1))
	v, err := dst.Get("credentials", "b")
	require.NoError(t, err)
	require.Equal(t, []byte("two"), v)
	cst, err := dst.Provider().OpenStore("connections")
	require.NoError(t, err)
	tags, err := cst.GetTags("c1")
	require.NoError(t, err)
	require.Equal(t, []storage.Tag{{Name: "state", Value: "done"}}, tags)
	got, err := dst.Provider().GetStoreConfig("connections")
	require.NoError(t, err)
	require.Equal(t, []string{"state"}, got.TagNames)
	_, err = dst.Provider().GetStoreConfig("empty")
	require.NoError(t, err, "the empty store exists in the copy")
	require.NoError(t, dst.View(func(tx *store.Tx) error {
		e, err := tx.GetEntry(store.Bucket{Space: store.SpaceAries, Name: "CONNECTIONS"}, "c1")
		require.NoError(t, err, "aries store names are case-insensitive")
		require.Equal(t, []byte("conn"), e.Value)
		_, err = tx.GetEntry(store.Bucket{Space: store.SpaceWallet, Name: "credentials"}, "zzz")
		require.ErrorIs(t, err, store.ErrNotFound)
		return nil
	}))
}

func TestPutEntryRefuses(t *testing.T) {
	db := openDB(t)
	tests := []struct {
		name string
		b    store.Bucket
		e    store.Entry
		want error
	}{
		{"tags in a wallet bucket", store.Bucket{Space: store.SpaceWallet, Name: "w"}, store.Entry{Key: "k", Tags: []storage.Tag{{Name: "t"}}}, store.ErrInvalidTag},
		{"colon in an aries tag", store.Bucket{Space: store.SpaceAries, Name: "a"}, store.Entry{Key: "k", Tags: []storage.Tag{{Name: "t:x"}}}, store.ErrInvalidTag},
		{"repeated aries tag", store.Bucket{Space: store.SpaceAries, Name: "a"}, store.Entry{Key: "k", Tags: []storage.Tag{{Name: "t"}, {Name: "t"}}}, store.ErrInvalidTag},
		{"empty aries key", store.Bucket{Space: store.SpaceAries, Name: "a"}, store.Entry{}, nil},
		{"unknown space", store.Bucket{Space: 9, Name: "x"}, store.Entry{Key: "k"}, nil},
		{"empty bucket name", store.Bucket{Space: store.SpaceWallet}, store.Entry{Key: "k"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := db.Update(func(tx *store.Tx) error { return tx.PutEntry(tc.b, tc.e) })
			require.Error(t, err)
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			}
			require.NoError(t, db.View(func(tx *store.Tx) error {
				bs, err := tx.Buckets()
				require.Empty(t, bs, "nothing was written")
				return err
			}))
		})
	}
	require.ErrorIs(t, db.View(func(tx *store.Tx) error {
		return tx.PutEntry(store.Bucket{Space: store.SpaceWallet, Name: "w"}, store.Entry{Key: "k"})
	}), store.ErrReadOnly)
	db.Lock()
	require.ErrorIs(t, db.View(func(tx *store.Tx) error { _, err := tx.Buckets(); return err }), store.ErrLocked)
}
