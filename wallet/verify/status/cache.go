package status

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// listCache holds loaded lists by URL, least recently used first out, and
// lets concurrent requests for one URL share a single load.
type listCache struct {
	cfg  *config
	load func(ctx context.Context, url string) (*listDoc, error)

	mu      sync.Mutex
	lru     *list.List // of *cacheItem, most recent at the front
	entries map[string]*list.Element
	calls   map[string]*loadCall
	total   int64 // bytes of cached bitstrings
}

type cacheItem struct {
	url     string
	doc     *listDoc
	err     error
	expires time.Time
	size    int64
}

type loadCall struct {
	done chan struct{}
	doc  *listDoc
	err  error
}

var errLoadAborted = errors.New("loading the status list was interrupted")

func newListCache(cfg *config, load func(context.Context, string) (*listDoc, error)) *listCache {
	return &listCache{
		cfg:     cfg,
		load:    load,
		lru:     list.New(),
		entries: make(map[string]*list.Element),
		calls:   make(map[string]*loadCall),
	}
}

// get returns the list at url from the cache, or loads it.
func (c *listCache) get(ctx context.Context, url string) (*listDoc, error) {
	for {
		c.mu.Lock()
		if el, ok := c.entries[url]; ok {
			it := el.Value.(*cacheItem)
			if c.cfg.now().Before(it.expires) {
				c.lru.MoveToFront(el)
				c.mu.Unlock()
				return it.doc, it.err
			}
			c.removeLocked(el)
		}
		if cl, ok := c.calls[url]; ok {
			c.mu.Unlock()
			select {
			case <-cl.done:
			case <-ctx.Done():
				return nil, fmt.Errorf("%w %s: %w", ErrFetch, url, ctx.Err())
			}
			if isContextErr(cl.err) || errors.Is(cl.err, errLoadAborted) {
				// The loader gave up on its own context; try with ours.
				if ctx.Err() != nil {
					return nil, fmt.Errorf("%w %s: %w", ErrFetch, url, ctx.Err())
				}
				continue
			}
			return cl.doc, cl.err
		}
		cl := &loadCall{done: make(chan struct{}), err: errLoadAborted}
		c.calls[url] = cl
		c.mu.Unlock()
		c.run(ctx, url, cl)
		return cl.doc, cl.err
	}
}

// run loads url for cl, stores the outcome, and wakes the waiters, even if
// the loader panics.
func (c *listCache) run(ctx context.Context, url string, cl *loadCall) {
	defer func() {
		c.mu.Lock()
		delete(c.calls, url)
		if !errors.Is(cl.err, errLoadAborted) {
			c.storeLocked(url, cl.doc, cl.err)
		}
		c.mu.Unlock()
		close(cl.done)
	}()
	cl.doc, cl.err = c.load(ctx, url)
}

// storeLocked caches an outcome: a list for the configured TTL (or the
// list's own shorter ttl), a failure for the failure TTL. Cancelled loads are
// not cached.
func (c *listCache) storeLocked(url string, doc *listDoc, err error) {
	if c.cfg.maxLists <= 0 {
		return
	}
	ttl := c.cfg.ttl
	var size int64
	switch {
	case err != nil:
		if isContextErr(err) {
			return
		}
		ttl = c.cfg.failureTTL
	case doc != nil:
		if doc.ttl > 0 && doc.ttl < ttl {
			ttl = doc.ttl
		}
		size = int64(len(doc.bits))
	}
	if ttl <= 0 || size > c.cfg.maxCacheBytes {
		return
	}
	if el, ok := c.entries[url]; ok {
		c.removeLocked(el)
	}
	it := &cacheItem{url: url, doc: doc, err: err, expires: c.cfg.now().Add(ttl), size: size}
	c.entries[url] = c.lru.PushFront(it)
	c.total += size
	for c.lru.Len() > 0 && (c.lru.Len() > c.cfg.maxLists || c.total > c.cfg.maxCacheBytes) {
		c.removeLocked(c.lru.Back())
	}
}

func (c *listCache) removeLocked(el *list.Element) {
	it := c.lru.Remove(el).(*cacheItem)
	delete(c.entries, it.url)
	c.total -= it.size
}

// len returns the number of cached outcomes.
func (c *listCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
