package store_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hyperledger/aries-framework-go/spi/storage"
	"github.com/stretchr/testify/require"

	"github.com/skillpass/skillpass/wallet/store"
)

// result is one iterator entry.
type result struct {
	Key   string
	Value string
	Tags  []storage.Tag
}

// drain reads an iterator to the end and closes it.
func drain(t *testing.T, it storage.Iterator) ([]result, int) {
	t.Helper()
	var out []result
	for {
		ok, err := it.Next()
		require.NoError(t, err)
		if !ok {
			break
		}
		k, err := it.Key()
		require.NoError(t, err)
		v, err := it.Value()
		require.NoError(t, err)
		tags, err := it.Tags()
		require.NoError(t, err)
		out = append(out, result{k, string(v), tags})
	}
	total, err := it.TotalItems()
	require.NoError(t, err)
	require.NoError(t, it.Close())
	return out, total
}

func keysOf(rs []result) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Key)
	}
	return out
}

func TestProviderStores(t *testing.T) {
	db := openDB(t)
	p := db.Provider()
	require.Same(t, p, db.Provider())
	require.Empty(t, p.GetOpenStores())

	_, err := p.OpenStore("")
	require.Error(t, err)

	a, err := p.OpenStore("Mediator")
	require.NoError(t, err)
	a2, err := p.OpenStore("MEDIATOR")
	require.NoError(t, err)
	require.Same(t, a, a2, "store names are case-insensitive")
	b, err := p.OpenStore("didexchange")
	require.NoError(t, err)
	require.Len(t, p.GetOpenStores(), 2)

	require.NoError(t, a.Put("k", []byte("v")))
	got, err := b.Get("k")
	require.ErrorIs(t, err, storage.ErrDataNotFound, "stores are disjoint")
	require.Nil(t, got)

	require.NoError(t, a.Close())
	require.NoError(t, a.Close(), "closing twice")
	require.Len(t, p.GetOpenStores(), 1)
	// A closed handle still reaches the data (aries shares handles).
	v, err := a.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", string(v))

	require.NoError(t, p.Close())
	require.Empty(t, p.GetOpenStores())
	// The data outlives the provider's Close and the DB.
	db = reopen(t, db, key(1))
	a3, err := db.Provider().OpenStore("mediator")
	require.NoError(t, err)
	v, err = a3.Get("k")
	require.NoError(t, err)
	require.Equal(t, "v", string(v))
}

func TestAriesStoresDoNotCollideWithWalletBuckets(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("creds")
	require.NoError(t, err)
	require.NoError(t, st.Put("k", []byte("aries")))
	require.NoError(t, db.Put("creds", "k", []byte("wallet")))
	v, err := st.Get("k")
	require.NoError(t, err)
	require.Equal(t, "aries", string(v))
	v, err = db.Get("creds", "k")
	require.NoError(t, err)
	require.Equal(t, "wallet", string(v))
	n, err := db.Count("creds")
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestStoreConfig(t *testing.T) {
	db := openDB(t)
	p := db.Provider()

	err := p.SetStoreConfig("never-opened", storage.StoreConfiguration{})
	require.ErrorIs(t, err, storage.ErrStoreNotFound)
	cfg, err := p.GetStoreConfig("never-opened")
	require.ErrorIs(t, err, storage.ErrStoreNotFound)
	require.Empty(t, cfg)
	_, err = p.GetStoreConfig("")
	require.Error(t, err)
	require.Error(t, p.SetStoreConfig("", storage.StoreConfiguration{}))

	_, err = p.OpenStore("Credentials")
	require.NoError(t, err)
	cfg, err = p.GetStoreConfig("credentials")
	require.NoError(t, err)
	require.Empty(t, cfg.TagNames, "a new store has an empty config")

	require.NoError(t, p.SetStoreConfig("CREDENTIALS", storage.StoreConfiguration{TagNames: []string{"a", "b"}}))
	cfg, err = p.GetStoreConfig("credentials")
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, cfg.TagNames)

	err = p.SetStoreConfig("credentials", storage.StoreConfiguration{TagNames: []string{"ok", "bad:name"}})
	require.ErrorIs(t, err, store.ErrInvalidTag)
	cfg, err = p.GetStoreConfig("credentials")
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, cfg.TagNames, "a rejected config changes nothing")

	require.NoError(t, p.SetStoreConfig("credentials", storage.StoreConfiguration{}))
	cfg, err = p.GetStoreConfig("credentials")
	require.NoError(t, err)
	require.Empty(t, cfg.TagNames)

	// GetStoreConfig looks at the file, not at the open stores.
	require.NoError(t, p.SetStoreConfig("credentials", storage.StoreConfiguration{TagNames: []string{"c"}}))
	db = reopen(t, db, key(1))
	cfg, err = db.Provider().GetStoreConfig("Credentials")
	require.NoError(t, err)
	require.Equal(t, []string{"c"}, cfg.TagNames)
}

func TestStorePutGetTagsBulkDelete(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("s")
	require.NoError(t, err)

	bad := []struct {
		name string
		key  string
		val  []byte
		tags []storage.Tag
	}{
		{"empty key", "", []byte("v"), nil},
		{"nil value", "k", nil, nil},
		{"colon in tag name", "k", []byte("v"), []storage.Tag{{Name: "a:b"}}},
		{"colon in tag value", "k", []byte("v"), []storage.Tag{{Name: "ok"}, {Name: "a", Value: "did:key:z6Mk"}}},
		{"repeated tag name", "k", []byte("v"), []storage.Tag{{Name: "a", Value: "1"}, {Name: "a", Value: "2"}}},
	}
	for _, tc := range bad {
		require.Error(t, st.Put(tc.key, tc.val, tc.tags...), tc.name)
	}
	_, err = st.Get("k")
	require.ErrorIs(t, err, storage.ErrDataNotFound, "rejected puts store nothing")

	tags := []storage.Tag{{Name: "type", Value: "vc"}, {Name: "flag"}}
	require.NoError(t, st.Put("https://example.com/cred/1", []byte(`{"a":1}`), tags...))
	require.NoError(t, st.Put("k2", []byte{}))

	v, err := st.Get("https://example.com/cred/1")
	require.NoError(t, err)
	require.Equal(t, `{"a":1}`, string(v))
	gotTags, err := st.GetTags("https://example.com/cred/1")
	require.NoError(t, err)
	require.Equal(t, tags, gotTags)
	gotTags, err = st.GetTags("k2")
	require.NoError(t, err)
	require.Empty(t, gotTags)
	v, err = st.Get("k2")
	require.NoError(t, err)
	require.Equal(t, []byte{}, v)

	_, err = st.Get("")
	require.Error(t, err)
	_, err = st.GetTags("")
	require.Error(t, err)
	_, err = st.GetTags("missing")
	require.ErrorIs(t, err, storage.ErrDataNotFound)

	// Overwrite replaces value and tags.
	require.NoError(t, st.Put("k2", []byte("new"), storage.Tag{Name: "t", Value: "1"}))
	gotTags, err = st.GetTags("k2")
	require.NoError(t, err)
	require.Equal(t, []storage.Tag{{Name: "t", Value: "1"}}, gotTags)

	values, err := st.GetBulk("k2", "missing", "https://example.com/cred/1")
	require.NoError(t, err)
	require.Equal(t, [][]byte{[]byte("new"), nil, []byte(`{"a":1}`)}, values)
	_, err = st.GetBulk()
	require.Error(t, err)
	_, err = st.GetBulk("k2", "")
	require.Error(t, err)

	require.NoError(t, st.Delete("k2"))
	_, err = st.Get("k2")
	require.ErrorIs(t, err, storage.ErrDataNotFound)
	require.NoError(t, st.Delete("k2"), "deleting a missing key")
	require.Error(t, st.Delete(""))
	require.NoError(t, st.Flush())
}

func TestStoreQuery(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("q")
	require.NoError(t, err)
	data := []struct {
		key  string
		tags []storage.Tag
	}{
		{"conn-1", []storage.Tag{{Name: "conn", Value: "a"}, {Name: "state", Value: "completed"}, {Name: "n", Value: "10"}}},
		{"conn-2", []storage.Tag{{Name: "conn", Value: "b"}, {Name: "state", Value: "invited"}, {Name: "n", Value: "9"}}},
		{"conn-3", []storage.Tag{{Name: "conn", Value: "c"}, {Name: "state", Value: "completed"}, {Name: "n", Value: "100"}}},
		{"conn-4", []storage.Tag{{Name: "conn"}, {Name: "n", Value: "-2"}}},
		{"other", []storage.Tag{{Name: "misc", Value: "x"}}},
	}
	for _, d := range data {
		require.NoError(t, st.Put(d.key, []byte("value of "+d.key), d.tags...))
	}

	tests := []struct {
		expr  string
		opts  []storage.QueryOption
		want  []string
		total int
	}{
		{expr: "conn", want: []string{"conn-1", "conn-2", "conn-3", "conn-4"}, total: 4},
		{expr: "conn:", want: []string{"conn-1", "conn-2", "conn-3", "conn-4"}, total: 4},
		{expr: "state:completed", want: []string{"conn-1", "conn-3"}, total: 2},
		{expr: "state:Completed", want: []string{}, total: 0},
		{expr: "missing", want: []string{}, total: 0},
		{expr: "conn&&state:invited", want: []string{"conn-2"}, total: 1},
		{expr: "state:invited||misc", want: []string{"conn-2", "other"}, total: 2},
		{expr: "misc:x||conn:a&&state:completed", want: []string{"conn-1", "other"}, total: 2},
		{
			expr:  "conn",
			opts:  []storage.QueryOption{storage.WithSortOrder(&storage.SortOptions{TagName: "n"})},
			want:  []string{"conn-4", "conn-2", "conn-1", "conn-3"}, // numeric: -2 < 9 < 10 < 100
			total: 4,
		},
		{
			expr: "conn",
			opts: []storage.QueryOption{storage.WithSortOrder(&storage.SortOptions{
				TagName: "n", Order: storage.SortDescending,
			})},
			want:  []string{"conn-3", "conn-1", "conn-2", "conn-4"},
			total: 4,
		},
		{
			expr:  "conn",
			opts:  []storage.QueryOption{storage.WithSortOrder(&storage.SortOptions{TagName: "state"})},
			want:  []string{"conn-1", "conn-3", "conn-2", "conn-4"}, // strings; untagged last, ties by key
			total: 4,
		},
		{
			expr: "conn",
			opts: []storage.QueryOption{
				storage.WithSortOrder(&storage.SortOptions{TagName: "n"}),
				storage.WithPageSize(3), storage.WithInitialPageNum(1),
			},
			want:  []string{"conn-3"},
			total: 4,
		},
		{
			expr: "conn",
			opts: []storage.QueryOption{
				storage.WithSortOrder(&storage.SortOptions{TagName: "n"}),
				storage.WithPageSize(1), storage.WithInitialPageNum(2),
			},
			want:  []string{"conn-1", "conn-3"},
			total: 4,
		},
		{
			expr:  "conn",
			opts:  []storage.QueryOption{storage.WithPageSize(2), storage.WithInitialPageNum(2)},
			want:  []string{},
			total: 4,
		},
		{
			expr:  "conn",
			opts:  []storage.QueryOption{storage.WithInitialPageNum(1 << 62)},
			want:  []string{},
			total: 4,
		},
		{
			expr:  "conn",
			opts:  []storage.QueryOption{storage.WithPageSize(1)},
			want:  []string{"conn-1", "conn-2", "conn-3", "conn-4"},
			total: 4,
		},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%d opts", tc.expr, len(tc.opts)), func(t *testing.T) {
			it, err := st.Query(tc.expr, tc.opts...)
			require.NoError(t, err)
			got, total := drain(t, it)
			require.Equal(t, tc.want, keysOf(got))
			require.Equal(t, tc.total, total)
			for _, r := range got {
				require.Equal(t, "value of "+r.Key, r.Value)
				require.NotEmpty(t, r.Tags)
			}
		})
	}

	invalid := []struct {
		expr string
		opts []storage.QueryOption
	}{
		{expr: ""},
		{expr: "a:b:c"},
		{expr: ":b"},
		{expr: "a&&"},
		{expr: "a", opts: []storage.QueryOption{storage.WithSortOrder(&storage.SortOptions{})}},
		{expr: "a", opts: []storage.QueryOption{storage.WithPageSize(-1)}},
		{expr: "a", opts: []storage.QueryOption{storage.WithInitialPageNum(-1)}},
	}
	for _, tc := range invalid {
		it, err := st.Query(tc.expr, tc.opts...)
		require.ErrorIs(t, err, store.ErrInvalidQuery, "%q", tc.expr)
		require.Nil(t, it)
	}
}

func TestIteratorMisuse(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("s")
	require.NoError(t, err)
	require.NoError(t, st.Put("k", []byte("v"), storage.Tag{Name: "t"}))

	it, err := st.Query("t")
	require.NoError(t, err)
	_, err = it.Key()
	require.Error(t, err, "Key before Next")
	_, err = it.Value()
	require.Error(t, err)
	_, err = it.Tags()
	require.Error(t, err)
	ok, err := it.Next()
	require.NoError(t, err)
	require.True(t, ok)
	tags, err := it.Tags()
	require.NoError(t, err)
	tags[0].Name = "changed" // the caller's copy
	tags, err = it.Tags()
	require.NoError(t, err)
	require.Equal(t, "t", tags[0].Name)
	for range 3 {
		ok, err = it.Next()
		require.NoError(t, err)
		require.False(t, ok, "exhausted iterator stays exhausted")
	}
	_, err = it.Key()
	require.Error(t, err, "Key after the end")
	require.NoError(t, it.Close())
	require.NoError(t, it.Close())
	_, err = it.Next()
	require.Error(t, err, "Next after Close")
	n, err := it.TotalItems()
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestQueryIsASnapshot(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("s")
	require.NoError(t, err)
	require.NoError(t, st.Put("k1", []byte("v1"), storage.Tag{Name: "t"}))
	it, err := st.Query("t")
	require.NoError(t, err)
	require.NoError(t, st.Delete("k1"))
	require.NoError(t, st.Put("k2", []byte("v2"), storage.Tag{Name: "t"}))
	got, total := drain(t, it)
	require.Equal(t, []string{"k1"}, keysOf(got))
	require.Equal(t, 1, total)
}

func TestBatch(t *testing.T) {
	db := openDB(t)
	st, err := db.Provider().OpenStore("b")
	require.NoError(t, err)
	require.NoError(t, st.Put("keep", []byte("old"), storage.Tag{Name: "t", Value: "old"}))
	require.NoError(t, st.Put("gone", []byte("x")))

	newKey := &storage.PutOptions{IsNewKey: true}
	require.NoError(t, st.Batch([]storage.Operation{
		{Key: "a", Value: []byte("1"), Tags: []storage.Tag{{Name: "t", Value: "a"}}, PutOptions: newKey},
		{Key: "keep", Value: []byte("new"), Tags: []storage.Tag{{Name: "t", Value: "new"}}},
		{Key: "gone"},
		{Key: "never-existed"},
		{Key: "b", Value: []byte("1")},
		{Key: "b"},
		{Key: "c", Value: []byte("1")},
		{Key: "c", Value: []byte("2"), Tags: []storage.Tag{{Name: "u"}}},
	}))
	values, err := st.GetBulk("a", "keep", "gone", "b", "c")
	require.NoError(t, err)
	require.Equal(t, [][]byte{[]byte("1"), []byte("new"), nil, nil, []byte("2")}, values)
	tags, err := st.GetTags("c")
	require.NoError(t, err)
	require.Equal(t, []storage.Tag{{Name: "u"}}, tags)

	snapshot := func() [][]byte {
		v, err := st.GetBulk("a", "keep", "c", "z")
		require.NoError(t, err)
		return v
	}
	before := snapshot()

	failing := []struct {
		name string
		ops  []storage.Operation
		is   error
	}{
		{"duplicate new key fails the whole batch", []storage.Operation{
			{Key: "z", Value: []byte("z")},
			{Key: "c"},
			{Key: "keep", Value: []byte("changed")},
			{Key: "a", Value: []byte("dup"), PutOptions: newKey},
		}, storage.ErrDuplicateKey},
		{"new key put twice in one batch", []storage.Operation{
			{Key: "z", Value: []byte("z"), PutOptions: newKey},
			{Key: "z", Value: []byte("z2"), PutOptions: newKey},
		}, storage.ErrDuplicateKey},
		{"empty key at the end", []storage.Operation{
			{Key: "z", Value: []byte("z")},
			{Key: "", Value: []byte("v")},
		}, nil},
		{"bad tag at the end", []storage.Operation{
			{Key: "z", Value: []byte("z")},
			{Key: "c", Value: []byte("v"), Tags: []storage.Tag{{Name: "x", Value: "a:b"}}},
		}, store.ErrInvalidTag},
		{"nil operations", nil, nil},
		{"empty operations", []storage.Operation{}, nil},
	}
	for _, tc := range failing {
		err := st.Batch(tc.ops)
		require.Error(t, err, tc.name)
		if tc.is != nil {
			require.ErrorIs(t, err, tc.is, tc.name)
		}
		require.Equal(t, before, snapshot(), "%s: nothing applied", tc.name)
	}
}

func TestAriesLocked(t *testing.T) {
	db := openDB(t)
	p := db.Provider()
	st, err := p.OpenStore("s")
	require.NoError(t, err)
	require.NoError(t, st.Put("k", []byte("v"), storage.Tag{Name: "t"}))
	db.Lock()

	calls := map[string]error{
		"Put":  st.Put("k", []byte("v")),
		"Get":  func() error { _, err := st.Get("k"); return err }(),
		"Tags": func() error { _, err := st.GetTags("k"); return err }(),
		"Bulk": func() error { _, err := st.GetBulk("k"); return err }(),
		"Query": func() error {
			_, err := st.Query("t")
			return err
		}(),
		"Delete":    st.Delete("k"),
		"Batch":     st.Batch([]storage.Operation{{Key: "k"}}),
		"SetConfig": p.SetStoreConfig("s", storage.StoreConfiguration{}),
		"GetConfig": func() error { _, err := p.GetStoreConfig("s"); return err }(),
		"OpenStore": func() error { _, err := p.OpenStore("s"); return err }(),
	}
	for name, err := range calls {
		require.True(t, errors.Is(err, store.ErrLocked), "%s: %v", name, err)
	}
}
