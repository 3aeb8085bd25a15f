package status

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCacheFetchesOnceWithinTTL(t *testing.T) {
	w := newWorld(t)
	w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 5)
	ch := w.checker()
	ctx := context.Background()

	for _, c := range []struct {
		index   string
		advance time.Duration
		want    State
		fetches int
	}{
		{"5", 0, Revoked, 1},
		{"5", 0, Revoked, 1},
		{"6", time.Minute, OK, 1}, // another entry of the same list
		{"5", DefaultTTL, Revoked, 2},
		{"6", 0, OK, 2},
	} {
		w.clock.advance(c.advance)
		st, reason := ch.Check(ctx, w.alice.did, roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", c.index)))
		require.Equal(t, c.want, st, reason)
		require.Equal(t, c.fetches, w.fetcher.count(bslRevURL))
	}
}

// TestCacheSeesNewListAfterTTL: a revocation published later is seen once the
// cached list expires, not before.
func TestCacheSeesNewListAfterTTL(t *testing.T) {
	w := newWorld(t)
	w.list(StatusList2021, sl2021URL, "revocation", MinListEntries)
	ch := w.checker(WithTTL(time.Minute))
	cs := roundTrip(t, entry(StatusList2021, sl2021URL, "revocation", "42"))

	st, _ := ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, OK, st)
	w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 42)
	st, _ = ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, OK, st, "cached list still used")
	w.clock.advance(time.Minute + time.Second)
	st, _ = ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Revoked, st)
	require.Equal(t, 2, w.fetcher.count(sl2021URL))
}

// TestCacheHonoursListTTL: credentialSubject.ttl (milliseconds) shorter than
// the Checker's TTL wins.
func TestCacheHonoursListTTL(t *testing.T) {
	w := newWorld(t)
	doc := listDocument(BitstringStatusList, w.alice, bslRevURL, "revocation", encodeList(t, BitstringStatusList, MinListEntries))
	doc["credentialSubject"].(map[string]any)["ttl"] = 2000
	w.publish(bslRevURL, w.alice, doc)
	ch := w.checker()
	cs := roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", "1"))

	for _, c := range []struct {
		advance time.Duration
		fetches int
	}{{0, 1}, {time.Second, 1}, {1500 * time.Millisecond, 2}} {
		w.clock.advance(c.advance)
		st, reason := ch.Check(context.Background(), w.alice.did, cs)
		require.Equal(t, OK, st, reason)
		require.Equal(t, c.fetches, w.fetcher.count(bslRevURL))
	}
}

func TestCacheRemembersFailuresBriefly(t *testing.T) {
	w := newWorld(t)
	ch := w.checker()
	cs := roundTrip(t, entry(StatusList2021, sl2021URL, "revocation", "3"))

	st, _ := ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Unknown, st)
	w.list(StatusList2021, sl2021URL, "revocation", MinListEntries, 3) // published now
	st, _ = ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Unknown, st, "failure remembered")
	require.Equal(t, 1, w.fetcher.count(sl2021URL))

	w.clock.advance(DefaultFailureTTL + time.Second)
	st, _ = ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Revoked, st)
	require.Equal(t, 2, w.fetcher.count(sl2021URL))

	// Without failure caching every check tries again.
	w2 := newWorld(t)
	ch2 := w2.checker(WithFailureTTL(0))
	for i := 1; i <= 2; i++ {
		st, _ := ch2.Check(context.Background(), w2.alice.did, cs)
		require.Equal(t, Unknown, st)
		require.Equal(t, i, w2.fetcher.count(sl2021URL))
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	w := newWorld(t)
	urls := []string{sl2021URL + "/a", sl2021URL + "/b", sl2021URL + "/c"}
	for _, u := range urls {
		w.list(StatusList2021, u, "revocation", MinListEntries)
	}
	ch := w.checker(WithMaxLists(2))
	check := func(u string) {
		st, reason := ch.Check(context.Background(), w.alice.did, roundTrip(t, entry(StatusList2021, u, "revocation", "1")))
		require.Equal(t, OK, st, reason)
	}
	check(urls[0])
	check(urls[1])
	check(urls[0]) // a is now the most recent
	check(urls[2]) // evicts b
	require.Equal(t, 2, ch.cache.len())
	check(urls[0])
	require.Equal(t, 1, w.fetcher.count(urls[0]))
	check(urls[1])
	require.Equal(t, 2, w.fetcher.count(urls[1]))

	// The byte budget evicts too: each list is 16KB.
	chb := w.checker(WithMaxCacheBytes(20 << 10))
	for _, u := range urls {
		st, _ := chb.Check(context.Background(), w.alice.did, roundTrip(t, entry(StatusList2021, u, "revocation", "1")))
		require.Equal(t, OK, st)
	}
	require.Equal(t, 1, chb.cache.len())
}

// TestCacheSharesConcurrentLoads: many goroutines checking the same list at
// once cause one fetch. Run with -race.
func TestCacheSharesConcurrentLoads(t *testing.T) {
	w := newWorld(t)
	w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 5)
	w.fetcher.delay = 100 * time.Millisecond
	ch := w.checker()

	cs := roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", "5"))
	var wg sync.WaitGroup
	states := make([]State, 16)
	for i := range states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			states[i], _ = ch.Check(context.Background(), w.alice.did, cs)
		}()
	}
	wg.Wait()
	for _, st := range states {
		require.Equal(t, Revoked, st)
	}
	require.Equal(t, 1, w.fetcher.count(bslRevURL))
}

// TestCacheDoesNotKeepCancelledLoads: a check whose context ends is Unknown,
// and the next check fetches again.
func TestCacheDoesNotKeepCancelledLoads(t *testing.T) {
	w := newWorld(t)
	w.list(BitstringStatusList, bslRevURL, "revocation", MinListEntries, 5)
	ch := w.checker()
	cs := roundTrip(t, entry(BitstringStatusList, bslRevURL, "revocation", "5"))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r := ch.Evaluate(ctx, w.alice.did, cs)
	require.Equal(t, Unknown, r.State)
	require.True(t, errors.Is(r.Entries[0].Err, context.Canceled), "%v", r.Entries[0].Err)

	st, _ := ch.Check(context.Background(), w.alice.did, cs)
	require.Equal(t, Revoked, st)
	require.Equal(t, 2, w.fetcher.count(bslRevURL))
}
