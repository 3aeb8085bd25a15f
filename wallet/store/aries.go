package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"

	"github.com/hyperledger/aries-framework-go/spi/storage"
)

var (
	// ErrInvalidTag is returned when an aries tag name or value contains ':'
	// (reserved by the query syntax) or a record has two tags with one name.
	ErrInvalidTag = errors.New("invalid tag")
	// ErrInvalidQuery is returned by Store.Query for a malformed expression
	// or invalid query options.
	ErrInvalidQuery = errors.New("invalid query")

	errEmptyStoreName = errors.New("store name cannot be empty")
	errEmptyKey       = errors.New("key cannot be empty")
	errIterClosed     = errors.New("iterator is closed")
	errIterNoEntry    = errors.New("iterator is not on an entry (call Next first, and only while it returns true)")
)

// DefaultPageSize is the page size Store.Query uses when the caller sets none;
// it matters only with storage.WithInitialPageNum.
const DefaultPageSize = 25

// provider implements storage.Provider over a DB.
type provider struct {
	db   *DB
	mu   sync.Mutex
	open map[string]*ariesStore // by lower-cased name
}

var (
	_ storage.Provider = (*provider)(nil)
	_ storage.Store    = (*ariesStore)(nil)
	_ storage.Iterator = (*iterator)(nil)
)

// OpenStore opens (creating if needed) the store name; names are
// case-insensitive. Opening an open store returns the same Store. The DB
// must be unlocked.
func (p *provider) OpenStore(name string) (storage.Store, error) {
	if name == "" {
		return nil, fmt.Errorf("open store: %w", errEmptyStoreName)
	}
	if !p.db.unlocked() {
		return nil, fmt.Errorf("open store %q: %w", name, ErrLocked)
	}
	lower := strings.ToLower(name)
	p.mu.Lock()
	s := p.open[lower]
	p.mu.Unlock()
	if s != nil {
		return s, nil
	}
	internal := ariesPrefix + lower
	var exists bool
	err := p.db.View(func(tx *Tx) error {
		exists = tx.btx.Bucket(idSlice(tx.c.bucketID(internal))) != nil
		return nil
	})
	if err == nil && !exists && !p.db.readOnly {
		err = p.db.Update(func(tx *Tx) error {
			_, _, err := tx.ensureBucket(internal)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("open store %q: %w", name, err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s := p.open[lower]; s != nil {
		return s, nil
	}
	s = &ariesStore{p: p, name: lower, internal: internal}
	p.open[lower] = s
	return s, nil
}

// SetStoreConfig records config for the store name, which must exist in the
// file (OpenStore creates it), else the error wraps storage.ErrStoreNotFound.
// Tag names must not contain ':'. The configuration is kept (sealed) but not
// needed: queries scan the store whether or not a tag name is listed.
func (p *provider) SetStoreConfig(name string, config storage.StoreConfiguration) error {
	if name == "" {
		return fmt.Errorf("set store config: %w", errEmptyStoreName)
	}
	for _, t := range config.TagNames {
		if strings.Contains(t, ":") {
			return fmt.Errorf("set store config %q: tag name %q contains ':': %w", name, t, ErrInvalidTag)
		}
	}
	if p.db.readOnly {
		return fmt.Errorf("set store config %q: %w", name, ErrReadOnly)
	}
	raw, err := json.Marshal(config)
	if err != nil {
		return fmt.Errorf("set store config %q: %w", name, err)
	}
	lower := strings.ToLower(name)
	err = p.db.Update(func(tx *Tx) error {
		if tx.btx.Bucket(idSlice(tx.c.bucketID(ariesPrefix+lower))) == nil {
			return storage.ErrStoreNotFound
		}
		return tx.putRecord(configBucket, lower, nil, raw)
	})
	if err != nil {
		return fmt.Errorf("set store config %q: %w", name, err)
	}
	return nil
}

// GetStoreConfig returns the configuration of the store name as last set, or
// an empty one. If the store does not exist in the file the error wraps
// storage.ErrStoreNotFound.
func (p *provider) GetStoreConfig(name string) (storage.StoreConfiguration, error) {
	var config storage.StoreConfiguration
	if name == "" {
		return config, fmt.Errorf("get store config: %w", errEmptyStoreName)
	}
	lower := strings.ToLower(name)
	err := p.db.View(func(tx *Tx) error {
		if tx.btx.Bucket(idSlice(tx.c.bucketID(ariesPrefix+lower))) == nil {
			return storage.ErrStoreNotFound
		}
		it, err := tx.getRecord(configBucket, lower)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(it.value, &config)
	})
	if err != nil {
		return storage.StoreConfiguration{}, fmt.Errorf("get store config %q: %w", name, err)
	}
	return config, nil
}

// GetOpenStores returns the stores opened through this provider and not
// closed since, ordered by name.
func (p *provider) GetOpenStores() []storage.Store {
	p.mu.Lock()
	defer p.mu.Unlock()
	names := make([]string, 0, len(p.open))
	for n := range p.open {
		names = append(names, n)
	}
	slices.Sort(names)
	stores := make([]storage.Store, len(names))
	for i, n := range names {
		stores[i] = p.open[n]
	}
	return stores
}

// Close forgets all open stores. It closes neither the data nor the DB.
func (p *provider) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.open)
	return nil
}

// ariesStore implements storage.Store as one logical bucket. Closing it only
// removes it from the provider's open stores: the handle keeps working, as
// aries may share one handle between services.
type ariesStore struct {
	p        *provider
	name     string
	internal string
}

// validateTags checks the spi's rules on tags.
func validateTags(tags []storage.Tag) error {
	for i, t := range tags {
		if strings.Contains(t.Name, ":") {
			return fmt.Errorf("tag name %q contains ':': %w", t.Name, ErrInvalidTag)
		}
		if strings.Contains(t.Value, ":") {
			return fmt.Errorf("value of tag %q contains ':': %w", t.Name, ErrInvalidTag)
		}
		for _, u := range tags[:i] {
			if u.Name == t.Name {
				return fmt.Errorf("tag name %q appears twice: %w", t.Name, ErrInvalidTag)
			}
		}
	}
	return nil
}

// validatePut checks the arguments of a put.
func validatePut(key string, value []byte, tags []storage.Tag) error {
	if key == "" {
		return errEmptyKey
	}
	if value == nil {
		return errors.New("value cannot be nil")
	}
	return validateTags(tags)
}

// Put stores value and tags under key, replacing any previous value and
// tags. The key must not be empty, value not nil, tags valid (no ':' in names
// or values, no repeated name).
func (s *ariesStore) Put(key string, value []byte, tags ...storage.Tag) error {
	if err := validatePut(key, value, tags); err != nil {
		return fmt.Errorf("put in store %q: %w", s.name, err)
	}
	err := s.p.db.Update(func(tx *Tx) error {
		return tx.putRecord(s.internal, key, slices.Clone(tags), value)
	})
	if err != nil {
		return fmt.Errorf("put in store %q: %w", s.name, err)
	}
	return nil
}

// get opens one record, mapping ErrNotFound to storage.ErrDataNotFound.
func (s *ariesStore) get(op, key string) (item, error) {
	if key == "" {
		return item{}, fmt.Errorf("%s from store %q: %w", op, s.name, errEmptyKey)
	}
	var it item
	err := s.p.db.View(func(tx *Tx) error {
		var err error
		it, err = tx.getRecord(s.internal, key)
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return item{}, fmt.Errorf("%s from store %q: %w", op, s.name, storage.ErrDataNotFound)
	}
	if err != nil {
		return item{}, fmt.Errorf("%s from store %q: %w", op, s.name, err)
	}
	return it, nil
}

// Get returns the value stored under key; the error wraps
// storage.ErrDataNotFound if there is none.
func (s *ariesStore) Get(key string) ([]byte, error) {
	it, err := s.get("get", key)
	if err != nil {
		return nil, err
	}
	return it.value, nil
}

// GetTags returns the tags stored with key; the error wraps
// storage.ErrDataNotFound if there is no such key.
func (s *ariesStore) GetTags(key string) ([]storage.Tag, error) {
	it, err := s.get("get tags", key)
	if err != nil {
		return nil, err
	}
	return it.tags, nil
}

// GetBulk returns the values of keys, in order, with nil for missing keys.
// keys must not be empty nor contain an empty key.
func (s *ariesStore) GetBulk(keys ...string) ([][]byte, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("get bulk from store %q: no keys", s.name)
	}
	if slices.Contains(keys, "") {
		return nil, fmt.Errorf("get bulk from store %q: %w", s.name, errEmptyKey)
	}
	values := make([][]byte, len(keys))
	err := s.p.db.View(func(tx *Tx) error {
		for i, k := range keys {
			it, err := tx.getRecord(s.internal, k)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			values[i] = it.value
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get bulk from store %q: %w", s.name, err)
	}
	return values, nil
}

// Delete removes key and its tags; a missing key is not an error.
func (s *ariesStore) Delete(key string) error {
	if key == "" {
		return fmt.Errorf("delete from store %q: %w", s.name, errEmptyKey)
	}
	err := s.p.db.Update(func(tx *Tx) error { return tx.deleteRecord(s.internal, key) })
	if err != nil {
		return fmt.Errorf("delete from store %q: %w", s.name, err)
	}
	return nil
}

// Batch applies operations in order in one transaction: all or none. An
// operation with a nil Value deletes its key. With PutOptions.IsNewKey set,
// a key that already exists (including one put earlier in the batch) fails
// the batch with an error wrapping storage.ErrDuplicateKey.
func (s *ariesStore) Batch(operations []storage.Operation) error {
	if len(operations) == 0 {
		return fmt.Errorf("batch in store %q: no operations", s.name)
	}
	for i, op := range operations {
		if op.Key == "" {
			return fmt.Errorf("batch in store %q: operation %d: %w", s.name, i, errEmptyKey)
		}
		if op.Value != nil {
			if err := validateTags(op.Tags); err != nil {
				return fmt.Errorf("batch in store %q: operation %d: %w", s.name, i, err)
			}
		}
	}
	err := s.p.db.Update(func(tx *Tx) error {
		for i, op := range operations {
			if op.Value == nil {
				if err := tx.deleteRecord(s.internal, op.Key); err != nil {
					return fmt.Errorf("operation %d: %w", i, err)
				}
				continue
			}
			if op.PutOptions != nil && op.PutOptions.IsNewKey && tx.hasRecord(s.internal, op.Key) {
				return fmt.Errorf("operation %d: %w", i, storage.ErrDuplicateKey)
			}
			if err := tx.putRecord(s.internal, op.Key, slices.Clone(op.Tags), op.Value); err != nil {
				return fmt.Errorf("operation %d: %w", i, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("batch in store %q: %w", s.name, err)
	}
	return nil
}

// Flush does nothing: every write is committed (and fsynced) when it returns.
func (s *ariesStore) Flush() error { return nil }

// Close removes the store from the provider's open stores. The handle stays
// usable, and closing it again is not an error.
func (s *ariesStore) Close() error {
	s.p.mu.Lock()
	defer s.p.mu.Unlock()
	if s.p.open[s.name] == s {
		delete(s.p.open, s.name)
	}
	return nil
}

// criterion is one TagName[:TagValue] term of a query.
type criterion struct {
	name, value string
	anyValue    bool
}

// parseQuery parses "c1&&c2||c3" into OR-ed groups of AND-ed criteria.
// A criterion is TagName or TagName:TagValue; "TagName:" matches any value.
func parseQuery(expr string) ([][]criterion, error) {
	if expr == "" {
		return nil, fmt.Errorf("%w: empty expression", ErrInvalidQuery)
	}
	var groups [][]criterion
	for or := range strings.SplitSeq(expr, "||") {
		var group []criterion
		for term := range strings.SplitSeq(or, "&&") {
			parts := strings.Split(term, ":")
			if len(parts) > 2 || parts[0] == "" {
				return nil, fmt.Errorf("%w: %q is not TagName or TagName:TagValue", ErrInvalidQuery, term)
			}
			c := criterion{name: parts[0], anyValue: true}
			if len(parts) == 2 && parts[1] != "" {
				c.value, c.anyValue = parts[1], false
			}
			group = append(group, c)
		}
		groups = append(groups, group)
	}
	return groups, nil
}

// matches reports whether tags satisfy the parsed query.
func matches(groups [][]criterion, tags []storage.Tag) bool {
	return slices.ContainsFunc(groups, func(group []criterion) bool {
		for _, c := range group {
			if !slices.ContainsFunc(tags, func(t storage.Tag) bool {
				return t.Name == c.name && (c.anyValue || t.Value == c.value)
			}) {
				return false
			}
		}
		return true
	})
}

// Query returns the records whose tags satisfy expression: TagName,
// TagName:TagValue, or such criteria joined by "&&" and "||" (AND binds
// tighter). It decrypts every record of the store in one read transaction
// (tags are sealed; aries' stores are small) and the iterator holds a
// snapshot of the matches.
//
// Order: without storage.WithSortOrder, ascending plaintext key. With it, by
// the value of the sort tag: values that are decimal numbers (an optional
// sign, digits, an optional fraction) compare numerically and come before
// other values, which compare as strings; descending reverses both;
// records without the tag come last either way; ties go by key.
//
// storage.WithInitialPageNum(n) skips the first n pages of the page size
// (storage.WithPageSize, default DefaultPageSize); the iterator then runs to
// the end. TotalItems counts every match, whatever the page settings.
func (s *ariesStore) Query(expression string, options ...storage.QueryOption) (storage.Iterator, error) {
	groups, err := parseQuery(expression)
	if err != nil {
		return nil, fmt.Errorf("query store %q: %w", s.name, err)
	}
	var opts storage.QueryOptions
	for _, o := range options {
		if o != nil {
			o(&opts)
		}
	}
	if opts.PageSize < 0 {
		return nil, fmt.Errorf("query store %q: %w: negative page size", s.name, ErrInvalidQuery)
	}
	if opts.InitialPageNum < 0 {
		return nil, fmt.Errorf("query store %q: %w: negative initial page", s.name, ErrInvalidQuery)
	}
	if opts.SortOptions != nil && opts.SortOptions.TagName == "" {
		return nil, fmt.Errorf("query store %q: %w: sort tag name is empty", s.name, ErrInvalidQuery)
	}
	var found []item
	err = s.p.db.View(func(tx *Tx) error {
		all, err := tx.allRecords(s.internal)
		if err != nil {
			return err
		}
		for _, it := range all {
			if matches(groups, it.tags) {
				found = append(found, it)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("query store %q: %w", s.name, err)
	}
	if opts.SortOptions != nil {
		sortItems(found, opts.SortOptions)
	}
	total := len(found)
	pageSize := opts.PageSize
	if pageSize == 0 {
		pageSize = DefaultPageSize
	}
	skip := total
	if opts.InitialPageNum <= total/pageSize { // avoids overflow of the product
		skip = min(total, opts.InitialPageNum*pageSize)
	}
	return &iterator{items: found[skip:], pos: -1, total: total}, nil
}

// sortKey is a record's position under a sort option.
type sortKey struct {
	class int      // 0 number, 1 other string, 2 tag missing
	num   *big.Rat // for class 0
	str   string   // for class 1
}

// isDecimal reports whether s is an optional sign, digits, and an optional
// '.' followed by digits.
func isDecimal(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	digits := func(d string) bool {
		return d != "" && strings.Trim(d, "0123456789") == ""
	}
	return digits(intPart) && (!hasDot || digits(frac))
}

// makeSortKey classifies the value of tag name in tags.
func makeSortKey(tags []storage.Tag, name string) sortKey {
	i := slices.IndexFunc(tags, func(t storage.Tag) bool { return t.Name == name })
	if i < 0 {
		return sortKey{class: 2}
	}
	v := tags[i].Value
	if isDecimal(v) {
		if r, ok := new(big.Rat).SetString(v); ok {
			return sortKey{class: 0, num: r}
		}
	}
	return sortKey{class: 1, str: v}
}

// sortItems orders items as documented on Query.
func sortItems(items []item, so *storage.SortOptions) {
	keys := make(map[string]sortKey, len(items))
	for _, it := range items {
		keys[it.key] = makeSortKey(it.tags, so.TagName)
	}
	desc := so.Order == storage.SortDescending
	slices.SortStableFunc(items, func(a, b item) int {
		if c := compareSortKeys(keys[a.key], keys[b.key], desc); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
}

// compareSortKeys orders two sort keys: numbers, then strings, ascending or
// both reversed when desc; a missing tag sorts last either way.
func compareSortKeys(a, b sortKey, desc bool) int {
	if a.class == 2 || b.class == 2 {
		return cmp.Compare(a.class/2, b.class/2)
	}
	c := cmp.Compare(a.class, b.class)
	if c == 0 && a.class == 0 {
		c = a.num.Cmp(b.num)
	} else if c == 0 {
		c = cmp.Compare(a.str, b.str)
	}
	if desc {
		c = -c
	}
	return c
}

// iterator walks a snapshot of query results.
type iterator struct {
	items  []item
	pos    int
	total  int
	closed bool
}

// Next moves to the next entry; it must be called before the first. It
// returns false when there are no more entries.
func (it *iterator) Next() (bool, error) {
	if it.closed {
		return false, errIterClosed
	}
	if it.pos < len(it.items) {
		it.pos++
	}
	return it.pos < len(it.items), nil
}

// current returns the entry Next moved to.
func (it *iterator) current() (*item, error) {
	if it.closed {
		return nil, errIterClosed
	}
	if it.pos < 0 || it.pos >= len(it.items) {
		return nil, errIterNoEntry
	}
	return &it.items[it.pos], nil
}

// Key returns the key of the current entry.
func (it *iterator) Key() (string, error) {
	cur, err := it.current()
	if err != nil {
		return "", err
	}
	return cur.key, nil
}

// Value returns the value of the current entry.
func (it *iterator) Value() ([]byte, error) {
	cur, err := it.current()
	if err != nil {
		return nil, err
	}
	return cur.value, nil
}

// Tags returns the tags of the current entry.
func (it *iterator) Tags() ([]storage.Tag, error) {
	cur, err := it.current()
	if err != nil {
		return nil, err
	}
	return slices.Clone(cur.tags), nil
}

// TotalItems returns the number of records the query matched, regardless of
// the page settings.
func (it *iterator) TotalItems() (int, error) {
	return it.total, nil
}

// Close releases the snapshot; further calls except TotalItems and Close
// return an error. Closing again is not an error.
func (it *iterator) Close() error {
	it.closed = true
	it.items = nil
	return nil
}
