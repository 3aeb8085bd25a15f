package didcomm

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/hyperledger/aries-framework-go/spi/storage"
)

// seenTag tags every record of the seen store (to list them for pruning).
const seenTag = "seen"

// pruneEvery is how many persisted ids pass between two prunings.
const pruneEvery = 256

// replayKey is the key a message is remembered by: its sender's key (empty
// for anoncrypt) and its id, hashed so that the store key is short and
// fixed-size whatever the sender put in the id.
func replayKey(fromKey []byte, id string) string {
	h := sha256.New()
	h.Write(fromKey)
	h.Write([]byte{0})
	h.Write([]byte(id))
	return hex.EncodeToString(h.Sum(nil))
}

// replayCache remembers message keys until a time: in memory (bounded,
// oldest first out) and, for the messages it is told to persist, in store.
type replayCache struct {
	store storage.Store
	max   int

	mu      sync.Mutex
	mem     map[string]time.Time // key -> remembered until
	order   []string             // keys in the order they were added
	pending map[string]bool      // keys whose message is being handled
	puts    int                  // persisted ids since the last pruning
}

func newReplayCache(store storage.Store, max int) *replayCache {
	return &replayCache{store: store, max: max, mem: map[string]time.Time{}, pending: map[string]bool{}}
}

// reserve returns ErrReplay if key was seen (and is still remembered at
// now) or is being handled; otherwise it marks key as being handled. A
// failure to read the store is returned as it is (the guard refuses).
func (c *replayCache) reserve(key string, now time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending[key] {
		return ErrReplay
	}
	if until, ok := c.mem[key]; ok && now.Before(until) {
		return ErrReplay
	}
	if c.store != nil {
		v, err := c.store.Get(key)
		switch {
		case errors.Is(err, storage.ErrDataNotFound):
		case err != nil:
			return err
		default:
			if until, ok := parseUntil(v); !ok || now.Before(until) {
				return ErrReplay
			}
		}
	}
	c.pending[key] = true
	return nil
}

// release forgets a reservation whose message was not handled.
func (c *replayCache) release(key string) {
	c.mu.Lock()
	delete(c.pending, key)
	c.mu.Unlock()
}

// commit remembers key until the given time, in the store too when persist
// is set. A store failure leaves the key remembered in memory only.
func (c *replayCache) commit(key string, until time.Time, persist bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, key)
	if _, ok := c.mem[key]; !ok {
		c.order = append(c.order, key)
	}
	c.mem[key] = until
	for len(c.mem) > c.max && len(c.order) > 0 {
		delete(c.mem, c.order[0])
		c.order = c.order[1:]
	}
	if len(c.order) > 2*c.max { // keys evicted twice leave stale entries
		c.compact()
	}
	if !persist || c.store == nil {
		return
	}
	v := []byte(strconv.FormatInt(until.UnixNano(), 10))
	if err := c.store.Put(key, v, storage.Tag{Name: seenTag}); err != nil {
		return
	}
	c.puts++
	if c.puts >= pruneEvery {
		c.puts = 0
		c.pruneLocked(now)
	}
}

// compact rebuilds order from the keys still in memory.
func (c *replayCache) compact() {
	kept := make([]string, 0, len(c.mem))
	seen := make(map[string]bool, len(c.mem))
	for _, k := range c.order {
		if _, ok := c.mem[k]; ok && !seen[k] {
			kept = append(kept, k)
			seen[k] = true
		}
	}
	c.order = kept
}

// prune deletes the stored ids no longer remembered at now.
func (c *replayCache) prune(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.pruneLocked(now)
}

func (c *replayCache) pruneLocked(now time.Time) {
	if c.store == nil {
		return
	}
	it, err := c.store.Query(seenTag)
	if err != nil {
		return
	}
	var old []string
	for {
		more, err := it.Next()
		if err != nil || !more {
			break
		}
		k, errK := it.Key()
		v, errV := it.Value()
		if errK != nil || errV != nil {
			continue
		}
		if until, ok := parseUntil(v); ok && !now.Before(until) {
			old = append(old, k)
		}
	}
	_ = it.Close()
	for _, k := range old {
		_ = c.store.Delete(k)
	}
	for k, until := range c.mem {
		if !now.Before(until) {
			delete(c.mem, k)
		}
	}
	c.compact()
}

// parseUntil reads a stored time (nanoseconds since the epoch).
func parseUntil(v []byte) (time.Time, bool) {
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}
