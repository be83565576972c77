package embedis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Codec turns values of type V into the bytes a Cache stores and back.
// Implementations must be safe for concurrent use. Unmarshal gets a fresh
// slice it may keep.
type Codec[V any] interface {
	Marshal(v V) ([]byte, error)
	Unmarshal(data []byte, v *V) error
}

// JSONCodec is the Codec of encoding/json, the default of a Cache whose V
// is not string or []byte.
type JSONCodec[V any] struct{}

// Marshal returns v as JSON.
func (JSONCodec[V]) Marshal(v V) ([]byte, error) { return json.Marshal(v) }

// Unmarshal decodes JSON data into v.
func (JSONCodec[V]) Unmarshal(data []byte, v *V) error { return json.Unmarshal(data, v) }

// CacheOptions configure a Cache.
type CacheOptions[V any] struct {
	// TTL is how long a stored value lives: at least a millisecond (TTLs
	// are kept in whole milliseconds, rounded up). Required.
	TTL time.Duration

	// Jitter spreads expiries so that values stored together do not all
	// expire together: each value's time to live is drawn uniformly from
	// [TTL, TTL×(1+Jitter)] (and likewise for NegativeTTL). Between 0 (no
	// jitter, the default) and 1.
	Jitter float64

	// NegativeTTL is how long a loader's "not found" (ErrCacheNotFound) is
	// cached, usually much shorter than TTL. Zero (the default) caches no
	// negative answers; otherwise at least a millisecond.
	NegativeTTL time.Duration

	// LockTTL bounds how long one caller's load holds the key's lock: other
	// processes wait for its value at most about this long before one of
	// them loads in its place, and the late load's value is not stored.
	// Make it longer than a load takes. Zero means 5 seconds; otherwise at
	// least a millisecond.
	LockTTL time.Duration

	// Codec encodes values. Nil means JSON (JSONCodec), except for a V that
	// is exactly string or []byte, which is stored as it is.
	Codec Codec[V]
}

// CacheStats are a Cache value's counts since it was made (of this Cache
// value in this process, not of every process sharing its name).
type CacheStats struct {
	// Hits counts Get and GetOrLoad calls that found a value.
	Hits int64
	// NegativeHits counts calls that found a cached "not found".
	NegativeHits int64
	// Misses counts calls that found neither.
	Misses int64
	// Loads counts the loader's calls.
	Loads int64
}

// Cache is the read-through cache pattern as a typed helper: it keeps
// encoded values of type V under a name, on either backend
// (Embedded(store) or goredis.New(client)), and GetOrLoad fills a miss by
// calling a loader — once per key, however many callers miss at once:
//
//   - In one process, the callers that miss the same key while a load runs
//     wait for that load (single flight) instead of calling the loader too.
//   - Across processes (or several Cache values of one name), the loading
//     caller holds a short lock key, taken in the same atomic step that saw
//     the miss. The others poll for the value (1 ms, doubling up to 50 ms,
//     with jitter) until it appears, the lock expires (LockTTL) and one of
//     them takes it over, or their context ends.
//
// Values are stored encoded, as strings, so the keyspace can be read with
// redis-cli and persists with the store: a Get decodes each time (there is
// no second, decoded copy in memory to keep coherent).
//
// A loaded value is stored only if nothing wrote the key while the loader
// ran: Set, Delete and the invalidations remove the lock, and the loader's
// result is then handed to its callers but not cached. So "write the source
// of truth, then Delete the key" never leaves a value read before the write
// in the cache.
//
// Keys: for a Cache named name and a key k (the hash tag is {k}, so a key's
// entries share one Cluster slot):
//
//	name:{k}          the encoded value, with a PX of TTL (plus jitter)
//	name:{k}:missing  "1" while k is cached as not found (NegativeTTL)
//	name:{k}:lock     a random token while a caller loads k (LockTTL)
//	name:{t}:tag      for tag t, a set of the keys tagged t; each tagging
//	                  extends its TTL to outlast the value tagged:
//	                  TTL×(1+Jitter) + LockTTL + 1 s
//
// A name may not contain '{' or '}', and a key may be neither empty nor
// start with '}' (either would move the hash tag and split a key's entries
// across slots): both are ErrCacheArg.
//
// Tags and prefixes on a Cluster: a key's entries share a slot, but
// different keys, and a tag's set, do not. So a Set with tags is one step
// per tag and one for the value (tags first, so that a value is never
// stored untagged; GetOrLoad records its tags before its loader runs), and
// InvalidateTag and InvalidatePrefix delete key by key, one step each.
// They are not atomic as a whole: a value Set while an invalidation runs
// may or may not survive it; the invalidation is complete once it
// returns. InvalidatePrefix lists keys with SCAN on every node (see
// KeyScanner): a pass over the whole keyspace, so prefer tags for
// frequent use. On the embedded store a Set is one turn and an
// invalidation one turn per batch of 256 keys.
//
// A key once tagged stays in the tag's set until the set expires or the
// tag is invalidated, even if the key is later Set without that tag; an
// InvalidateTag then deletes it too.
//
// Make one with NewCache; it is safe for concurrent use.
type Cache[V any] struct {
	b       Backend
	s       *Store
	name    string
	prefix  string // name + ":{"
	ttl     time.Duration
	negTTL  time.Duration
	lockTTL time.Duration
	jitter  float64
	encode  func(V) (string, error)
	decode  func(string) (V, error)

	mu      sync.Mutex
	flights map[string]*cacheFlight[V]

	hits, negHits, misses, loads paddedCounter
}

// paddedCounter is a counter on a cache line of its own, so that parallel
// Gets bumping Hits do not also slow the other counters' readers.
type paddedCounter struct {
	atomic.Int64
	_ [56]byte
}

// cacheFlight is one load of a key in this process; the callers that miss
// the key meanwhile wait for done and share its result.
type cacheFlight[V any] struct {
	done chan struct{}
	val  V
	err  error
	// retry: the loading caller's context ended, so its error is not the
	// waiters' answer; they start a load of their own.
	retry bool
}

// NewCache returns the Cache named name on b. It returns an error matching
// ErrCacheArg for an empty name or one with '{' or '}', and for options out
// of range (a TTL under a millisecond, a Jitter outside [0, 1], a negative
// NegativeTTL or LockTTL).
func NewCache[V any](b Backend, name string, opts CacheOptions[V]) (*Cache[V], error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrCacheArg)
	}
	if name == "" || strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("%w: name %q (must be non-empty, without '{' or '}')", ErrCacheArg, name)
	}
	// A tag's TTL, TTL×(1+Jitter) + LockTTL + 1 s, must fit a Duration.
	const maxTTL = time.Duration(math.MaxInt64 / 4)
	checkTTL := func(what string, d time.Duration, zeroOK bool) error {
		if (d == 0 && zeroOK) || (d >= time.Millisecond && d <= maxTTL) {
			return nil
		}
		return fmt.Errorf("%w: %s %v (must be at least 1ms and at most %v)", ErrCacheArg, what, d, maxTTL)
	}
	if err := checkTTL("TTL", opts.TTL, false); err != nil {
		return nil, err
	}
	if err := checkTTL("NegativeTTL", opts.NegativeTTL, true); err != nil {
		return nil, err
	}
	if err := checkTTL("LockTTL", opts.LockTTL, true); err != nil {
		return nil, err
	}
	if !(opts.Jitter >= 0 && opts.Jitter <= 1) {
		return nil, fmt.Errorf("%w: Jitter %v (must be between 0 and 1)", ErrCacheArg, opts.Jitter)
	}
	c := &Cache[V]{
		b:       b,
		s:       b.Store(),
		name:    name,
		prefix:  name + ":{",
		ttl:     opts.TTL,
		negTTL:  opts.NegativeTTL,
		lockTTL: opts.LockTTL,
		jitter:  opts.Jitter,
		flights: map[string]*cacheFlight[V]{},
	}
	if c.lockTTL == 0 {
		c.lockTTL = 5 * time.Second
	}
	c.encode, c.decode = cacheCodec(opts.Codec)
	return c, nil
}

// cacheCodec returns the encode and decode functions of codec: codec's
// own, the raw fast path for string and []byte when codec is nil, or
// JSON's.
func cacheCodec[V any](codec Codec[V]) (func(V) (string, error), func(string) (V, error)) {
	if codec == nil {
		var zero V
		switch any(zero).(type) {
		case string:
			// V is string: the value is the stored string itself (the
			// conversions through any compile to no allocation).
			return func(v V) (string, error) { return any(v).(string), nil },
				func(s string) (V, error) { return any(s).(V), nil }
		case []byte:
			return func(v V) (string, error) { return string(any(v).([]byte)), nil },
				func(s string) (V, error) { return any([]byte(s)).(V), nil }
		}
		codec = JSONCodec[V]{}
	}
	return func(v V) (string, error) {
			b, err := codec.Marshal(v)
			return string(b), err
		}, func(s string) (V, error) {
			var v V
			err := codec.Unmarshal([]byte(s), &v)
			return v, err
		}
}

// Name returns the cache's name, the first part of its keys.
func (c *Cache[V]) Name() string { return c.name }

// Stats returns the counts of this Cache value.
func (c *Cache[V]) Stats() CacheStats {
	return CacheStats{
		Hits:         c.hits.Load(),
		NegativeHits: c.negHits.Load(),
		Misses:       c.misses.Load(),
		Loads:        c.loads.Load(),
	}
}

// checkKey refuses the keys that would move the hash tag: empty, or
// starting with '}'.
func checkCacheKey(key string) error {
	if key == "" || key[0] == '}' {
		return fmt.Errorf("%w: key %q (must be non-empty and not start with '}')", ErrCacheArg, key)
	}
	return nil
}

func (c *Cache[V]) valueKey(key string) string   { return c.prefix + key + "}" }
func (c *Cache[V]) missingKey(key string) string { return c.prefix + key + "}:missing" }
func (c *Cache[V]) lockKey(key string) string    { return c.prefix + key + "}:lock" }
func (c *Cache[V]) tagKey(tag string) string     { return c.prefix + tag + "}:tag" }

// entryKeys returns the value, missing and lock keys of key.
func (c *Cache[V]) entryKeys(key string) []string {
	return []string{c.valueKey(key), c.missingKey(key), c.lockKey(key)}
}

// jittered returns d stretched by a uniform draw from [0, Jitter×d],
// rounded up to whole milliseconds.
func (c *Cache[V]) jittered(d time.Duration) time.Duration {
	if c.jitter > 0 {
		d += time.Duration(float64(d) * c.jitter * rand.Float64())
	}
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d
}

// maxTTL is the longest time to live jittered can return for TTL.
func (c *Cache[V]) maxTTL() time.Duration {
	d := c.ttl + time.Duration(float64(c.ttl)*c.jitter)
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d
}

// lookupState is what a key holds.
type lookupState int

const (
	stateMiss     lookupState = iota // no entry
	stateHit                         // a value
	stateNegative                    // a cached "not found"
	stateLocked                      // no entry; this caller took the lock
	stateBusy                        // no entry; another caller holds the lock
)

// Get returns the value cached at key. It returns ErrCacheMiss if the key
// has no entry, ErrCacheNotFound if it is cached as not found, an error
// matching ErrCacheArg for a key that is empty or starts with '}', and the
// codec's error (wrapped) if the stored value does not decode as a V.
func (c *Cache[V]) Get(ctx context.Context, key string) (V, error) {
	var zero V
	if err := checkCacheKey(key); err != nil {
		return zero, err
	}
	st, enc, err := c.lookup(ctx, key)
	if err != nil {
		return zero, err
	}
	switch st {
	case stateHit:
		return c.decodeValue(key, enc)
	case stateNegative:
		return zero, ErrCacheNotFound
	}
	return zero, ErrCacheMiss
}

func (c *Cache[V]) decodeValue(key, enc string) (V, error) {
	v, err := c.decode(enc)
	if err != nil {
		return v, fmt.Errorf("embedis: cache %s: decode the value of %q: %w", c.name, key, err)
	}
	return v, nil
}

// lookup reads key's entry and counts a hit, negative hit or miss.
func (c *Cache[V]) lookup(ctx context.Context, key string) (lookupState, string, error) {
	st, enc, err := c.read(ctx, key)
	if err != nil {
		return st, "", err
	}
	switch st {
	case stateHit:
		c.hits.Add(1)
	case stateNegative:
		c.negHits.Add(1)
	default:
		c.misses.Add(1)
	}
	return st, enc, nil
}

var cacheGetScript = NewScript(`
local v = redis.call('GET', KEYS[1])
if v then return v end
return redis.call('EXISTS', KEYS[2])`)

func (c *Cache[V]) read(ctx context.Context, key string) (lookupState, string, error) {
	if c.s != nil {
		// Two turns on a miss rather than one Atomic on every call: the
		// hit, the common case, is then a plain GET.
		v, err := c.s.Get(ctx, c.valueKey(key))
		if err == nil {
			return stateHit, v, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return stateMiss, "", err
		}
		n, err := c.s.Exists(ctx, c.missingKey(key))
		if err != nil || n == 0 {
			return stateMiss, "", err
		}
		return stateNegative, "", nil
	}
	r, err := c.b.Run(ctx, cacheGetScript, []string{c.valueKey(key), c.missingKey(key)})
	return c.readReply(r, err)
}

// readReply turns the reply of the get and get-or-lock scripts into a
// state: a string is the value, 0 a miss (get) or the lock taken
// (get-or-lock), 1 a cached "not found", 2 the lock held by another caller.
func (c *Cache[V]) readReply(r any, err error) (lookupState, string, error) {
	if err != nil {
		return stateMiss, "", err
	}
	switch r := r.(type) {
	case string:
		return stateHit, r, nil
	case int64:
		switch r {
		case 0:
			return stateMiss, "", nil
		case 1:
			return stateNegative, "", nil
		case 2:
			return stateBusy, "", nil
		}
	}
	return stateMiss, "", fmt.Errorf("%w: %#v", ErrBackendReply, r)
}

// Set stores v at key for TTL (with jitter), replacing any value or cached
// "not found", and adds key to each tag's set. A load of key in flight
// when Set runs does not overwrite v. It returns the codec's error if v
// does not encode, and an error matching ErrCacheArg for a bad key.
func (c *Cache[V]) Set(ctx context.Context, key string, v V, tags ...string) error {
	if err := checkCacheKey(key); err != nil {
		return err
	}
	enc, err := c.encode(v)
	if err != nil {
		return fmt.Errorf("embedis: cache %s: encode the value of %q: %w", c.name, key, err)
	}
	_, err = c.store(ctx, key, enc, "", c.jittered(c.ttl), tags, false)
	return err
}

var (
	cacheTagScript = NewScript(`
redis.call('SADD', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`)

	// cacheSetScript stores a value (ARGV[4] "v") or a "not found" ("n");
	// with a token (ARGV[3]), only if that token still holds the lock.
	cacheSetScript = NewScript(`
if ARGV[3] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[3] then return 0 end
if ARGV[4] == 'n' then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('DEL', KEYS[1], KEYS[3])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('DEL', KEYS[2], KEYS[3])
end
return 1`)
)

// store writes key's entry: the value enc (or, with missing, a "not
// found"), for ttl, removing the other entry and the lock. With a token it
// writes only while that token holds the lock, and reports whether it
// wrote. The tags are recorded first.
func (c *Cache[V]) store(ctx context.Context, key, enc, token string, ttl time.Duration, tags []string, missing bool) (bool, error) {
	if c.s != nil {
		written := false
		err := c.s.Atomic(ctx, func(tx *Tx) error {
			keys := c.entryKeys(key)
			if token != "" {
				if cur, err := tx.Get(keys[2]); err != nil || cur != token {
					return nil
				}
			}
			if err := c.tagTx(tx, key, tags); err != nil {
				return err
			}
			set, del := keys[0], keys[1]
			if missing {
				set, del, enc = keys[1], keys[0], "1"
			}
			if err := tx.Set(set, enc, ttl); err != nil {
				return err
			}
			_, err := tx.Del(del, keys[2])
			written = err == nil
			return err
		})
		return written, err
	}
	if err := c.tag(ctx, key, tags); err != nil {
		return false, err
	}
	mode := "v"
	if missing {
		mode = "n"
	}
	r, err := c.b.Run(ctx, cacheSetScript, c.entryKeys(key), enc, ttl.Milliseconds(), token, mode)
	if err != nil {
		return false, err
	}
	n, ok := r.(int64)
	if !ok {
		return false, fmt.Errorf("%w: %#v", ErrBackendReply, r)
	}
	return n == 1, nil
}

// tag adds key to the set of each tag, whose time to live it extends to
// tagTTL if shorter: one turn on the embedded store, one step per tag on a
// remote one.
func (c *Cache[V]) tag(ctx context.Context, key string, tags []string) error {
	if len(tags) == 0 {
		return nil
	}
	if c.s != nil {
		return c.s.Atomic(ctx, func(tx *Tx) error { return c.tagTx(tx, key, tags) })
	}
	ms := c.tagTTL().Milliseconds()
	for _, t := range tags {
		if _, err := c.b.Run(ctx, cacheTagScript, []string{c.tagKey(t)}, ms, key); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cache[V]) tagTx(tx *Tx, key string, tags []string) error {
	ttl := c.tagTTL()
	for _, t := range tags {
		tk := c.tagKey(t)
		if _, err := tx.SAdd(tk, key); err != nil {
			return err
		}
		if d, _ := tx.PTTL(tk); d < ttl {
			if _, err := tx.PExpire(tk, ttl); err != nil {
				return err
			}
		}
	}
	return nil
}

// tagTTL is how long a tag's set outlives its last tagging: past the
// longest TTL of a value stored after it. A Set stores its value right
// after its tags; a load stores its value while it holds the lock, which
// it took before recording its tags and which lasts LockTTL; a second
// covers the steps' round trips.
func (c *Cache[V]) tagTTL() time.Duration {
	return c.maxTTL() + c.lockTTL + time.Second
}

// Loader loads the value of key for GetOrLoad on a miss. It returns an
// error matching ErrCacheNotFound when key has no value (cached for
// NegativeTTL); any other error is returned to the callers and not cached.
type Loader[V any] func(ctx context.Context, key string) (V, error)

// GetOrLoad returns the value cached at key, or, on a miss, the value
// loader returns, which it stores for TTL with the given tags. However
// many callers miss the same key at once — in this process, and in every
// process (or Cache value) sharing the cache's name — loader runs once
// and they all get its result (see Cache). The tags of the
// caller whose loader runs are recorded before it runs, so that an
// InvalidateTag during the load keeps its result out of the cache.
//
// A loader error matching ErrCacheNotFound is cached for NegativeTTL (when
// set) and returned; later calls return ErrCacheNotFound without loading
// until it expires. Another loader error is returned to the callers that
// waited for that load and not cached; if the loading caller's own
// context ended, the others (whose contexts have not) load anew. A value
// that no longer decodes as a V (the type changed) is deleted and
// reloaded. If the value loads but cannot be stored, GetOrLoad returns it
// together with the store's error. If loader panics, the panic goes on in
// its caller and the callers waiting for it get ErrCacheLoaderPanic.
//
// Waiting for another caller's load honours ctx. It returns an error
// matching ErrCacheArg for a bad key or a nil loader.
func (c *Cache[V]) GetOrLoad(ctx context.Context, key string, loader Loader[V], tags ...string) (V, error) {
	var zero V
	if err := checkCacheKey(key); err != nil {
		return zero, err
	}
	if loader == nil {
		return zero, fmt.Errorf("%w: nil loader", ErrCacheArg)
	}
	st, enc, err := c.lookup(ctx, key)
	if err != nil {
		return zero, err
	}
	switch st {
	case stateHit:
		if v, err := c.decode(enc); err == nil {
			return v, nil
		}
	case stateNegative:
		return zero, ErrCacheNotFound
	}
	for {
		c.mu.Lock()
		if f := c.flights[key]; f != nil {
			c.mu.Unlock()
			select {
			case <-f.done:
			case <-ctx.Done():
				return zero, ctx.Err()
			}
			if f.retry {
				continue
			}
			return f.val, f.err
		}
		f := &cacheFlight[V]{done: make(chan struct{})}
		c.flights[key] = f
		c.mu.Unlock()
		c.lead(ctx, key, f, loader, tags)
		return f.val, f.err
	}
}

// lead runs the load of key for the flight f: it takes the key's lock (or
// finds the value another caller stored meanwhile), calls loader, stores
// its result, and wakes f's waiters.
func (c *Cache[V]) lead(ctx context.Context, key string, f *cacheFlight[V], loader Loader[V], tags []string) {
	token := strconv.FormatUint(rand.Uint64(), 36)
	locked := false
	// Cleanup outlives the caller's context: a lock left behind would make
	// other processes wait for LockTTL.
	bg := context.WithoutCancel(ctx)
	finished := false
	defer func() {
		if !finished { // the loader panicked
			if locked {
				c.unlock(bg, key, token)
			}
			f.err = ErrCacheLoaderPanic
		}
		if f.err != nil && ctx.Err() != nil {
			f.retry = true
		}
		c.mu.Lock()
		delete(c.flights, key)
		c.mu.Unlock()
		close(f.done)
	}()
	f.val, locked, f.err = c.acquire(ctx, key, token)
	if f.err != nil || !locked {
		finished = true
		return
	}
	// The tags are recorded before the load, so that an InvalidateTag
	// while it runs finds the key and keeps its result out of the cache
	// (one between the lock and this step comes before the loader reads).
	if f.err = c.tag(ctx, key, tags); f.err != nil {
		finished = true
		c.unlock(bg, key, token)
		return
	}
	c.loads.Add(1)
	v, err := loader(ctx, key)
	finished = true
	switch {
	case err == nil:
		f.val = v
		enc, err := c.encode(v)
		if err != nil {
			c.unlock(bg, key, token)
			f.err = fmt.Errorf("embedis: cache %s: encode the value of %q: %w", c.name, key, err)
			return
		}
		_, f.err = c.store(bg, key, enc, token, c.jittered(c.ttl), nil, false)
	case errors.Is(err, ErrCacheNotFound) && c.negTTL > 0:
		f.err = err
		if _, err := c.store(bg, key, "", token, c.jittered(c.negTTL), nil, true); err != nil {
			f.err = errors.Join(f.err, err)
		}
	default:
		f.err = err
		c.unlock(bg, key, token)
	}
}

var cacheGetOrLockScript = NewScript(`
local v = redis.call('GET', KEYS[1])
if v then return v end
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
if redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then return 0 end
return 2`)

// acquire takes key's lock with token, polling while another caller holds
// it. It returns locked true once this caller must load, or the value (or
// ErrCacheNotFound) if one appeared first.
func (c *Cache[V]) acquire(ctx context.Context, key, token string) (v V, locked bool, err error) {
	wait := time.Millisecond
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	undecodable := false
	for {
		st, enc, err := c.getOrLock(ctx, key, token)
		if err != nil {
			return v, false, err
		}
		switch st {
		case stateHit:
			v, err := c.decodeValue(key, enc)
			if err == nil || undecodable {
				return v, false, err
			}
			// Written with another shape of V: delete it and load once.
			undecodable = true
			if _, err := c.del(ctx, key); err != nil {
				return v, false, err
			}
			continue
		case stateNegative:
			return v, false, ErrCacheNotFound
		case stateLocked:
			return v, true, nil
		}
		// Another process (or Cache value) loads: wait for its value.
		d := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-timer.C:
		case <-ctx.Done():
			return v, false, ctx.Err()
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// getOrLock reads key's entry and, when it has none, takes its lock with
// token if no one holds it.
func (c *Cache[V]) getOrLock(ctx context.Context, key, token string) (lookupState, string, error) {
	if c.s == nil {
		r, err := c.b.Run(ctx, cacheGetOrLockScript, c.entryKeys(key), token, c.lockTTL.Milliseconds())
		st, enc, err := c.readReply(r, err)
		if st == stateMiss && err == nil {
			st = stateLocked // the script's 0 means it took the lock
		}
		return st, enc, err
	}
	st, enc := stateMiss, ""
	err := c.s.Atomic(ctx, func(tx *Tx) error {
		keys := c.entryKeys(key)
		v, err := tx.Get(keys[0])
		if err == nil {
			st, enc = stateHit, v
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if n, err := tx.Exists(keys[1]); err != nil || n == 1 {
			st = stateNegative
			return err
		}
		ok, err := tx.SetNX(keys[2], token, c.lockTTL)
		if ok {
			st = stateLocked
		} else {
			st = stateBusy
		}
		return err
	})
	return st, enc, err
}

var cacheUnlockScript = NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

// unlock releases key's lock if token still holds it. Its errors are
// dropped: the lock expires by itself after LockTTL.
func (c *Cache[V]) unlock(ctx context.Context, key, token string) {
	lk := c.lockKey(key)
	if c.s == nil {
		_, _ = c.b.Run(ctx, cacheUnlockScript, []string{lk}, token)
		return
	}
	_ = c.s.Atomic(ctx, func(tx *Tx) error {
		if cur, err := tx.Get(lk); err == nil && cur == token {
			_, err = tx.Del(lk)
			return err
		}
		return nil
	})
}

var cacheDeleteScript = NewScript(`
local n = redis.call('DEL', KEYS[1], KEYS[2])
redis.call('DEL', KEYS[3])
return n`)

// Delete removes key's value or cached "not found", and its lock, so that
// a load in flight does not store its result. Deleting a key with no entry
// is not an error. It returns an error matching ErrCacheArg for a bad key.
func (c *Cache[V]) Delete(ctx context.Context, key string) error {
	if err := checkCacheKey(key); err != nil {
		return err
	}
	_, err := c.del(ctx, key)
	return err
}

// del removes key's entries and lock and returns how many entries (value
// or "not found") it removed.
func (c *Cache[V]) del(ctx context.Context, key string) (int64, error) {
	keys := c.entryKeys(key)
	if c.s != nil {
		var n int64
		err := c.s.Atomic(ctx, func(tx *Tx) (err error) {
			n, err = tx.Del(keys[0], keys[1])
			if err == nil {
				_, err = tx.Del(keys[2])
			}
			return err
		})
		return n, err
	}
	r, err := c.b.Run(ctx, cacheDeleteScript, keys)
	if err != nil {
		return 0, err
	}
	n, ok := r.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: %#v", ErrBackendReply, r)
	}
	return n, nil
}

// cacheBatch is how many keys one step of an invalidation handles.
const cacheBatch = 256

var (
	cacheTagMembersScript = NewScript(`return redis.call('SRANDMEMBER', KEYS[1], ARGV[1])`)
	cacheUntagScript      = NewScript(`return redis.call('SREM', KEYS[1], unpack(ARGV))`)
)

// InvalidateTag deletes every key tagged with one of tags (their values,
// cached "not found"s and locks) and the tags' sets, and returns how many
// entries it deleted. Keys are deleted before they leave the tag's set, so
// an invalidation cut short (an error, a crash) is finished by the next.
// On a remote backend it takes one step per key (see Cache);
// on the embedded store, one turn per batch of keys.
func (c *Cache[V]) InvalidateTag(ctx context.Context, tags ...string) (int64, error) {
	var total int64
	for _, t := range tags {
		tk := c.tagKey(t)
		for {
			members, err := c.tagMembers(ctx, tk)
			if err != nil || len(members) == 0 {
				return total, err
			}
			n, err := c.delKeys(ctx, members)
			total += n
			if err != nil {
				return total, err
			}
			if err := c.untag(ctx, tk, members); err != nil {
				return total, err
			}
		}
	}
	return total, nil
}

func (c *Cache[V]) tagMembers(ctx context.Context, tk string) ([]string, error) {
	if c.s != nil {
		return c.s.SRandMemberN(ctx, tk, cacheBatch)
	}
	r, err := c.b.Run(ctx, cacheTagMembersScript, []string{tk}, cacheBatch)
	if err != nil {
		return nil, err
	}
	return stringsReply(r)
}

func (c *Cache[V]) untag(ctx context.Context, tk string, members []string) error {
	if c.s != nil {
		_, err := c.s.SRem(ctx, tk, members...)
		return err
	}
	args := make([]any, len(members))
	for i, m := range members {
		args[i] = m
	}
	_, err := c.b.Run(ctx, cacheUntagScript, []string{tk}, args...)
	return err
}

// delKeys deletes the entries of keys: in one turn on the embedded store,
// one step per key on a remote one.
func (c *Cache[V]) delKeys(ctx context.Context, keys []string) (int64, error) {
	var total int64
	if c.s != nil {
		err := c.s.Atomic(ctx, func(tx *Tx) error {
			for _, k := range keys {
				n, err := tx.Del(c.valueKey(k), c.missingKey(k), c.lockKey(k))
				if err != nil {
					return err
				}
				total += n
			}
			return nil
		})
		return total, err
	}
	for _, k := range keys {
		n, err := c.del(ctx, k)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// stringsReply converts an array reply of strings.
func stringsReply(r any) ([]string, error) {
	arr, ok := r.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: %#v", ErrBackendReply, r)
	}
	out := make([]string, len(arr))
	for i, v := range arr {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%w: %#v", ErrBackendReply, r)
		}
		out[i] = s
	}
	return out, nil
}

// KeyScanner is what Cache.InvalidatePrefix needs of a remote Backend: a
// way to list keys on every node (every master of a Cluster), which a
// script, running on one node, cannot. goredis.New's backend implements
// it. ScanKeys calls fn with batches of the keys matching the glob pattern
// match (SCAN MATCH), one call at a time; a key present for the whole scan
// is passed at least once, and may be passed more than once. An error from
// fn stops the scan and is returned.
type KeyScanner interface {
	ScanKeys(ctx context.Context, match string, fn func(keys []string) error) error
}

// InvalidatePrefix deletes the entry (value or cached "not found") and the
// lock of every key that starts with prefix ("" for all of them), and
// returns how many entries it deleted. It walks the keyspace with SCAN: on
// the embedded store one turn per batch, on a remote backend through its
// KeyScanner (every node of a Cluster) with one step per key deleted. A
// remote backend without ScanKeys gets ErrCacheNoScan.
func (c *Cache[V]) InvalidatePrefix(ctx context.Context, prefix string) (int64, error) {
	match := globEscape(c.prefix+prefix) + "*"
	var total int64
	if c.s == nil {
		sc, ok := c.b.(KeyScanner)
		if !ok {
			return 0, ErrCacheNoScan
		}
		err := sc.ScanKeys(ctx, match, func(found []string) error {
			n, err := c.delKeys(ctx, c.entryOwners(found, prefix))
			total += n
			return err
		})
		return total, err
	}
	var cursor uint64
	for {
		err := c.s.Atomic(ctx, func(tx *Tx) error {
			found, next, err := tx.Scan(cursor, match, cacheBatch)
			if err != nil {
				return err
			}
			cursor = next
			for _, k := range c.entryOwners(found, prefix) {
				n, err := tx.Del(c.valueKey(k), c.missingKey(k), c.lockKey(k))
				if err != nil {
					return err
				}
				total += n
			}
			return nil
		})
		if err != nil || cursor == 0 {
			return total, err
		}
	}
}

// entryOwners returns the cache keys starting with prefix whose value,
// "not found" or lock keys are among found (tag sets are skipped), each
// once. (The pattern also matches the entries of shorter keys: prefix
// "a}" matches "name:{a}:lock", the lock of "a".)
func (c *Cache[V]) entryOwners(found []string, prefix string) []string {
	var keys []string
	seen := map[string]bool{}
	for _, f := range found {
		rest, ok := strings.CutPrefix(f, c.prefix)
		if !ok {
			continue
		}
		var key string
		switch {
		case strings.HasSuffix(rest, "}"):
			key = rest[:len(rest)-1]
		case strings.HasSuffix(rest, "}:missing"):
			key = strings.TrimSuffix(rest, "}:missing")
		case strings.HasSuffix(rest, "}:lock"):
			key = strings.TrimSuffix(rest, "}:lock")
		default:
			continue
		}
		if strings.HasPrefix(key, prefix) && !seen[key] {
			seen[key] = true
			keys = append(keys, key)
		}
	}
	return keys
}

// globEscape escapes the characters special to Redis's glob patterns.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
