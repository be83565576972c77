package embedis

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Counters: how many times something happened, per key (a page, a user, an
// API route), in total and per time bucket (the last 60 minutes, the last
// 48 hours, the last 30 days), each bucket a key of its own that expires
// by itself once it falls out of the window it is read in.
//
// Unique counts (how many distinct visitors, not visits) are HyperLogLogs
// (PFADD, PFCOUNT), kept beside the counts with the same buckets: AddUnique
// records members, Unique and UniqueSum estimate how many distinct ones
// were seen (0.81% standard error, at most 12 KB a key, values
// bit-identical to Redis's).

// CounterBucket is one size of time bucket a Counter counts in.
type CounterBucket struct {
	// Size is the bucket's length: time.Minute, time.Hour, 24*time.Hour,
	// or any whole number of milliseconds. Buckets are aligned on
	// multiples of Size since the Unix epoch, so hours start on the hour
	// and days at midnight UTC.
	Size time.Duration

	// Keep is how many buckets of this size stay readable, the current one
	// included: Sum and Series read at most Keep of them, and a bucket's
	// key expires when it is Keep buckets old (Keep*Size after its
	// start). It must be 1 to MaxCounterKeep (a million minutes is almost
	// two years); Reset visits every readable bucket, so its cost grows
	// with Keep.
	Keep int
}

// MaxCounterKeep is the most buckets of one size a Counter keeps
// readable: it bounds what Series allocates and what Reset deletes.
const MaxCounterKeep = 1_000_000

// CounterOptions configure a Counter. The zero value counts totals only,
// kept until deleted.
type CounterOptions struct {
	// Buckets are the bucket sizes counted besides the total, each size
	// at most once: {{time.Minute, 60}, {time.Hour, 48}} counts the last
	// hour by minute and the last two days by hour.
	Buckets []CounterBucket

	// TotalTTL is how long a key's total lives after its last increment
	// (renewed by each Incr). Zero keeps totals until Reset: the total is
	// the one key of a Counter without a deadline, because an all-time
	// count is meant to last. It must not be negative and must be a whole
	// number of milliseconds.
	TotalTTL time.Duration
}

// CounterCount is the count of one time bucket.
type CounterCount struct {
	// Start is when the bucket began (UTC); it ends at Start + Size.
	Start time.Time
	Count int64
}

// Counter counts events per key, in total and per time bucket, on a
// Backend: the embedded Store (each step one Atomic turn, in Go) or a
// remote Redis or Redis Cluster (each step one Lua script). Create one with
// NewCounter; it is safe for concurrent use, and several processes sharing
// one Redis share its counts.
//
// # Keys
//
// For a counter called name, key's total is the string key name:{key}, and
// its bucket of size Size starting at Start is name:{key}:<size>:<start>,
// where <size> is the size as "1m", "1h", "1d", "30s" or "250ms" and
// <start> is Start in Unix milliseconds: views:{/home}:1h:1796652000000 is
// the hour of /home's views that began at that instant. Unique counts are
// HyperLogLogs at name:{key}:uniq (all time, with TotalTTL like the total)
// and name:{key}:uniq:<size>:<start> (per bucket, with the bucket's
// deadline). All of one key's
// counts share the hash tag {key}, so they sit in one Cluster slot and one
// step touches one slot. (On Redis the step's script builds the bucket
// keys from the total's key and the server's clock, so it names only the
// total in KEYS; the buckets are in the same slot.)
//
// # Time
//
// The current bucket is the one containing the store's clock reading
// (embedded) or the Redis server's TIME (remote), at the step, so several
// processes on one Redis agree on it whatever their own clocks say.
type Counter struct {
	b        Backend
	name     string
	buckets  []counterBucket
	totalTTL time.Duration
	ttlArg   string // totalTTL in ms, for the script
}

type counterBucket struct {
	size, keep int64  // ms, buckets
	label      string // the size as it appears in the key
}

// NewCounter returns the counter called name (the first part of its keys;
// see Counter) on b. Several Counter values with the same name share their
// counts; they should have the same options. Invalid options — a bucket
// Size that is not a positive whole number of milliseconds, a size given
// twice, a Keep outside 1..MaxCounterKeep, a window (Size × Keep) past
// 2^53 ms, a negative or fractional-millisecond TotalTTL — and a name whose
// first "{" is followed by "}" (its keys' hash tag would be empty) are
// ErrCounterArg.
func NewCounter(b Backend, name string, opts CounterOptions) (*Counter, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrCounterArg)
	}
	if !hasHashTag(name + ":{x}") {
		return nil, fmt.Errorf("%w: name %q puts an empty hash tag before the key's", ErrCounterArg, name)
	}
	if opts.TotalTTL < 0 || opts.TotalTTL%time.Millisecond != 0 {
		return nil, fmt.Errorf("%w: TotalTTL %v is not a whole, non-negative number of milliseconds", ErrCounterArg, opts.TotalTTL)
	}
	c := &Counter{b: b, name: name, totalTTL: opts.TotalTTL,
		ttlArg: strconv.FormatInt(opts.TotalTTL.Milliseconds(), 10)}
	for _, bk := range opts.Buckets {
		if bk.Size <= 0 || bk.Size%time.Millisecond != 0 {
			return nil, fmt.Errorf("%w: bucket Size %v is not a positive whole number of milliseconds", ErrCounterArg, bk.Size)
		}
		size := bk.Size.Milliseconds()
		if bk.Keep < 1 || bk.Keep > MaxCounterKeep || int64(bk.Keep) > (1<<53)/size {
			return nil, fmt.Errorf("%w: bucket of %v: Keep %d is not 1 to %d, or the window is past 2^53 ms",
				ErrCounterArg, bk.Size, bk.Keep, MaxCounterKeep)
		}
		for _, prev := range c.buckets {
			if prev.size == size {
				return nil, fmt.Errorf("%w: bucket Size %v given twice", ErrCounterArg, bk.Size)
			}
		}
		c.buckets = append(c.buckets, counterBucket{size: size, keep: int64(bk.Keep), label: sizeLabel(size)})
	}
	return c, nil
}

// sizeLabel writes a bucket size (ms) in the largest unit that divides it.
func sizeLabel(ms int64) string {
	for _, u := range []struct {
		ms   int64
		unit string
	}{{86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}} {
		if ms%u.ms == 0 {
			return strconv.FormatInt(ms/u.ms, 10) + u.unit
		}
	}
	return strconv.FormatInt(ms, 10) + "ms"
}

// hasHashTag reports whether Redis Cluster hashes key by a hash tag: its
// first "{" is followed by a "}" later, with text between them. A key
// name:{key} always has a "}" after its first "{"; without text between
// them (an empty key, a name containing "{}", a key starting with "}"),
// Cluster would hash the whole key and the bucket keys would fall in other
// slots than the total.
func hasHashTag(key string) bool {
	i := strings.IndexByte(key, '{')
	return i >= 0 && strings.IndexByte(key[i+1:], '}') > 0
}

// total returns key's total key, name:{key}; ErrCounterArg if its keys
// would have no hash tag, and not share a slot.
func (c *Counter) total(key string) (string, error) {
	total := c.name + ":{" + key + "}"
	if !hasHashTag(total) {
		return "", fmt.Errorf("%w: key %q leaves the hash tag of %q empty", ErrCounterArg, key, total)
	}
	return total, nil
}

// bucketKey returns the key of the bucket of b starting at start (ms).
func (b *counterBucket) bucketKey(total string, start int64) string {
	var digits [20]byte
	n := strconv.AppendInt(digits[:0], start, 10)
	var k strings.Builder // one allocation: String does not copy
	k.Grow(len(total) + len(b.label) + 2 + len(n))
	k.WriteString(total)
	k.WriteByte(':')
	k.WriteString(b.label)
	k.WriteByte(':')
	k.Write(n)
	return k.String()
}

// start returns the start of the bucket of b containing now (ms).
func (b *counterBucket) start(now int64) int64 {
	m := now % b.size
	if m < 0 {
		m += b.size
	}
	return now - m
}

// bucket returns the configured bucket of size d; ErrCounterArg if there is
// none.
func (c *Counter) bucket(d time.Duration) (*counterBucket, error) {
	for i := range c.buckets {
		if time.Duration(c.buckets[i].size)*time.Millisecond == d {
			return &c.buckets[i], nil
		}
	}
	return nil, fmt.Errorf("%w: no bucket of size %v", ErrCounterArg, d)
}

// counterIncrScript is Incr's step: add n to the total and to the current
// bucket of each size, give a new bucket its deadline and the total its
// TTL; if one count fails (not an integer, another type, an overflow), take
// n back from those already counted and return the error.
// KEYS[1] is the total; ARGV is n, -n, the total's TTL in ms (0: none), then
// label, size (ms) and keep for each bucket size.
var counterIncrScript = NewScript(`local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local total = redis.pcall('INCRBY', KEYS[1], ARGV[1])
if type(total) == 'table' then return total end
local done = {KEYS[1]}
local n = tonumber(ARGV[1])
for i = 4, #ARGV, 3 do
  local size = tonumber(ARGV[i + 1])
  local start = now - now % size
  local k = KEYS[1] .. ':' .. ARGV[i] .. ':' .. string.format('%d', start)
  local v = redis.pcall('INCRBY', k, ARGV[1])
  if type(v) == 'table' then
    for _, d in ipairs(done) do redis.call('INCRBY', d, ARGV[2]) end
    return v
  end
  done[#done + 1] = k
  if v == n then
    redis.call('PEXPIREAT', k, string.format('%d', start + size * tonumber(ARGV[i + 2])))
  end
end
if ARGV[3] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return total`)

// Incr adds n to key's total and to its current bucket of each size, and
// returns the total after it. n may be negative (to take back a count); n
// = 0 writes nothing and returns the total; math.MinInt64 is ErrCounterArg.
// A new bucket gets its deadline (Keep*Size after its start); the total
// gets TotalTTL again if it has one. If a count cannot take n — it would
// overflow (ErrOverflow), or a key holds a value that is not an integer
// (ErrNotInteger) or another type (ErrWrongType) — Incr returns that error
// and no count changes.
func (c *Counter) Incr(ctx context.Context, key string, n int64) (int64, error) {
	total, err := c.total(key)
	if err != nil {
		return 0, err
	}
	if n == math.MinInt64 {
		return 0, fmt.Errorf("%w: Incr by math.MinInt64", ErrCounterArg)
	}
	if n == 0 {
		return c.Get(ctx, key)
	}
	if s := c.b.Store(); s != nil {
		var sum int64
		err := s.Atomic(ctx, func(tx *Tx) error {
			var err error
			sum, err = c.incr(tx, total, n)
			return err
		})
		return sum, err
	}
	args := make([]any, 0, 3+3*len(c.buckets))
	args = append(args, n, -n, c.ttlArg)
	for _, b := range c.buckets {
		args = append(args, b.label, b.size, b.keep)
	}
	v, err := c.b.Run(ctx, counterIncrScript, []string{total}, args...)
	if err != nil {
		return 0, remoteError(err)
	}
	sum, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	return sum, nil
}

// incr is Incr's step on the embedded store, as counterIncrScript.
func (c *Counter) incr(tx *Tx, total string, n int64) (int64, error) {
	sum, err := tx.IncrBy(total, n)
	if err != nil {
		return 0, err
	}
	now := tx.nowMs()
	var doneBuf [4]string
	done := append(doneBuf[:0], total)
	for i := range c.buckets {
		b := &c.buckets[i]
		start := b.start(now)
		k := b.bucketKey(total, start)
		v, err := tx.IncrBy(k, n)
		if err != nil {
			for _, d := range done {
				tx.IncrBy(d, -n) // cannot fail: it undoes an increment
			}
			return 0, err
		}
		done = append(done, k)
		if v == n {
			if _, err := tx.PExpireAt(k, time.UnixMilli(start+b.size*b.keep)); err != nil {
				return 0, err
			}
		}
	}
	if c.totalTTL > 0 {
		if _, err := tx.PExpire(total, c.totalTTL); err != nil {
			return 0, err
		}
	}
	return sum, nil
}

// counterGetScript reads the total.
var counterGetScript = NewScript(`return redis.call('GET', KEYS[1])`)

// Get returns key's total: 0 if it was never counted (or its TotalTTL ran
// out). ErrNotInteger or ErrWrongType if the key holds something else.
func (c *Counter) Get(ctx context.Context, key string) (int64, error) {
	total, err := c.total(key)
	if err != nil {
		return 0, err
	}
	var v any
	if s := c.b.Store(); s != nil {
		str, err := s.Get(ctx, total)
		if errors.Is(err, ErrNotFound) {
			return 0, nil
		} else if err != nil {
			return 0, err
		}
		v = str
	} else if v, err = c.b.Run(ctx, counterGetScript, []string{total}); err != nil {
		return 0, remoteError(err)
	}
	return counterValue(v)
}

// counterValue converts a count read with GET: nil (no key) is 0, a string
// must be an integer.
func counterValue(v any) (int64, error) {
	switch v := v.(type) {
	case nil:
		return 0, nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, ErrNotInteger
		}
		return n, nil
	}
	return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
}

// counterSeriesScript reads the last ARGV[3] buckets of size ARGV[2] ms,
// labelled ARGV[1], oldest first, after the server's time in ms.
var counterSeriesScript = NewScript(`local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local size = tonumber(ARGV[2])
local cur = now - now % size
local out = {now}
for i = tonumber(ARGV[3]) - 1, 0, -1 do
  local v = redis.pcall('GET', KEYS[1] .. ':' .. ARGV[1] .. ':' .. string.format('%d', cur - i * size))
  if type(v) == 'table' then return v end
  out[#out + 1] = v
end
return out`)

// Series returns the counts of key's last n buckets of the given size,
// oldest first, the current (still counting) bucket last; a bucket with no
// count has Count 0. A size that is not one of the Counter's bucket sizes,
// or n outside 1..Keep, is ErrCounterArg; ErrNotInteger or ErrWrongType if
// a bucket's key holds something else.
func (c *Counter) Series(ctx context.Context, key string, size time.Duration, n int) ([]CounterCount, error) {
	total, err := c.total(key)
	if err != nil {
		return nil, err
	}
	b, err := c.bucket(size)
	if err != nil {
		return nil, err
	}
	if n < 1 || int64(n) > b.keep {
		return nil, fmt.Errorf("%w: Series of %d buckets of %v: keeps 1 to %d", ErrCounterArg, n, size, b.keep)
	}
	out := make([]CounterCount, n)
	if s := c.b.Store(); s != nil {
		err := s.Atomic(ctx, func(tx *Tx) error {
			cur := b.start(tx.nowMs())
			for i := range out {
				start := cur - int64(n-1-i)*b.size
				out[i].Start = time.UnixMilli(start).UTC()
				v, err := tx.Get(b.bucketKey(total, start))
				if errors.Is(err, ErrNotFound) {
					continue
				} else if err != nil {
					return err
				}
				if out[i].Count, err = counterValue(v); err != nil {
					return err
				}
			}
			return nil
		})
		return out, err
	}
	v, err := c.b.Run(ctx, counterSeriesScript, []string{total}, b.label, b.size, n)
	if err != nil {
		return nil, remoteError(err)
	}
	reply, _ := v.([]any)
	var now int64
	ok := len(reply) == n+1
	if ok {
		now, ok = reply[0].(int64)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	cur := b.start(now)
	for i := range out {
		out[i].Start = time.UnixMilli(cur - int64(n-1-i)*b.size).UTC()
		if out[i].Count, err = counterValue(reply[1+i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Sum returns the sum of key's last n buckets of the given size, the
// current one included: Sum(ctx, key, time.Hour, 24) is the count of the
// last 24 hours (23 whole ones and the one under way). Its arguments and
// errors are Series's; a sum past the int64 range is ErrOverflow.
func (c *Counter) Sum(ctx context.Context, key string, size time.Duration, n int) (int64, error) {
	counts, err := c.Series(ctx, key, size, n)
	if err != nil {
		return 0, err
	}
	var sum int64
	for _, b := range counts {
		if (b.Count > 0 && sum > math.MaxInt64-b.Count) || (b.Count < 0 && sum < math.MinInt64-b.Count) {
			return 0, ErrOverflow
		}
		sum += b.Count
	}
	return sum, nil
}

// counterResetScript deletes the total, the all-time unique count and the
// readable buckets of both; ARGV as counterIncrScript's from ARGV[4] on.
var counterResetScript = NewScript(`local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = redis.call('DEL', KEYS[1], KEYS[1] .. ':uniq')
for i = 1, #ARGV, 3 do
  local size = tonumber(ARGV[i + 1])
  local cur = now - now % size
  for j = 0, tonumber(ARGV[i + 2]) - 1 do
    local start = string.format('%d', cur - j * size)
    n = n + redis.call('DEL', KEYS[1] .. ':' .. ARGV[i] .. ':' .. start, KEYS[1] .. ':uniq:' .. ARGV[i] .. ':' .. start)
  end
end
return n`)

// Reset deletes key's total, its all-time unique count, and every bucket of
// both still readable (Keep buckets of each size back from now), in one
// step, and returns how many keys it deleted (0 if the key was never
// counted).
func (c *Counter) Reset(ctx context.Context, key string) (int64, error) {
	total, err := c.total(key)
	if err != nil {
		return 0, err
	}
	if s := c.b.Store(); s != nil {
		var deleted int64
		err := s.Atomic(ctx, func(tx *Tx) error {
			uk := uniqueKey(total)
			keys := []string{total, uk}
			now := tx.nowMs()
			for i := range c.buckets {
				b := &c.buckets[i]
				cur := b.start(now)
				for j := int64(0); j < b.keep; j++ {
					keys = append(keys, b.bucketKey(total, cur-j*b.size), b.bucketKey(uk, cur-j*b.size))
				}
			}
			var err error
			deleted, err = tx.Del(keys...)
			return err
		})
		return deleted, err
	}
	args := make([]any, 0, 3*len(c.buckets))
	for _, b := range c.buckets {
		args = append(args, b.label, b.size, b.keep)
	}
	v, err := c.b.Run(ctx, counterResetScript, []string{total}, args...)
	if err != nil {
		return 0, remoteError(err)
	}
	deleted, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	return deleted, nil
}

// MaxCounterUniqueSpan is the most buckets UniqueSum reads at once: it
// counts their union with one PFCOUNT, which Redis's Lua passes all the
// keys to.
const MaxCounterUniqueSpan = 1000

// uniqueKey returns the all-time unique-count key of the total key total.
func uniqueKey(total string) string { return total + ":uniq" }

// counterAddUniqueScript is AddUnique's step: check that every key it will
// add to is a HyperLogLog (or missing), then PFADD the members to the
// all-time key and to the current bucket of each size, give each bucket its
// deadline and the all-time key its TTL. KEYS[1] is the all-time key; ARGV
// is the TTL in ms (0: none), the number of bucket sizes, label, size (ms)
// and keep for each, then the members.
var counterAddUniqueScript = NewScript(`local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nb = tonumber(ARGV[2])
local first = 3 + 3 * nb
local keys = {KEYS[1]}
local deadlines = {0}
for i = 3, first - 1, 3 do
  local size = tonumber(ARGV[i + 1])
  local start = now - now % size
  keys[#keys + 1] = KEYS[1] .. ':' .. ARGV[i] .. ':' .. string.format('%d', start)
  deadlines[#deadlines + 1] = start + size * tonumber(ARGV[i + 2])
end
for _, k in ipairs(keys) do
  if redis.call('EXISTS', k) == 1 then
    local r = redis.pcall('PFADD', k)
    if type(r) == 'table' then return r end
  end
end
for j, k in ipairs(keys) do
  for i = first, #ARGV, 1000 do
    local r = redis.pcall('PFADD', k, unpack(ARGV, i, math.min(i + 999, #ARGV)))
    if type(r) == 'table' then return r end
  end
  if j > 1 then
    redis.call('PEXPIREAT', k, string.format('%d', deadlines[j]))
  elseif ARGV[1] ~= '0' then
    redis.call('PEXPIRE', k, ARGV[1])
  end
end
return 0`)

// AddUnique records that members were seen for key: it adds them to key's
// all-time unique count and to its current bucket of each size (creating
// them; a new bucket gets the deadline of Incr's buckets, the all-time key
// TotalTTL again if there is one). Adding a member seen before changes no
// estimate. With no members it does nothing. If a key holds something else
// than a HyperLogLog (ErrWrongType, ErrNotHLL), nothing changes; a corrupted
// HyperLogLog (ErrCorruptHLL) is found while adding, after the keys before
// it were added to.
func (c *Counter) AddUnique(ctx context.Context, key string, members ...string) error {
	total, err := c.total(key)
	if err != nil {
		return err
	}
	if len(members) == 0 {
		return nil
	}
	uk := uniqueKey(total)
	if s := c.b.Store(); s != nil {
		return s.Atomic(ctx, func(tx *Tx) error { return c.addUnique(tx, uk, members) })
	}
	args := make([]any, 0, 2+3*len(c.buckets)+len(members))
	args = append(args, c.ttlArg, len(c.buckets))
	for _, b := range c.buckets {
		args = append(args, b.label, b.size, b.keep)
	}
	for _, m := range members {
		args = append(args, m)
	}
	if _, err := c.b.Run(ctx, counterAddUniqueScript, []string{uk}, args...); err != nil {
		return remoteError(err)
	}
	return nil
}

// addUnique is AddUnique's step on the embedded store, as
// counterAddUniqueScript.
func (c *Counter) addUnique(tx *Tx, uk string, members []string) error {
	now := tx.nowMs()
	var keysBuf [4]string
	keys := append(keysBuf[:0], uk)
	for i := range c.buckets {
		keys = append(keys, c.buckets[i].bucketKey(uk, c.buckets[i].start(now)))
	}
	for _, k := range keys {
		if _, err := tx.writeHLL(k); err != nil {
			return err
		}
	}
	for j, k := range keys {
		if _, err := tx.PFAdd(k, members...); err != nil {
			return err
		}
		if j == 0 {
			if c.totalTTL > 0 {
				if _, err := tx.PExpire(k, c.totalTTL); err != nil {
					return err
				}
			}
			continue
		}
		b := &c.buckets[j-1]
		if _, err := tx.PExpireAt(k, time.UnixMilli(b.start(now)+b.size*b.keep)); err != nil {
			return err
		}
	}
	return nil
}

// counterUniqueScript counts the all-time unique key.
var counterUniqueScript = NewScript(`return redis.call('PFCOUNT', KEYS[1])`)

// Unique returns the estimated number of distinct members AddUnique
// recorded for key, all time (0 if none, or once TotalTTL ran out).
// ErrWrongType or ErrNotHLL if the key holds something else.
func (c *Counter) Unique(ctx context.Context, key string) (int64, error) {
	total, err := c.total(key)
	if err != nil {
		return 0, err
	}
	uk := uniqueKey(total)
	if s := c.b.Store(); s != nil {
		return s.PFCount(ctx, uk)
	}
	v, err := c.b.Run(ctx, counterUniqueScript, []string{uk})
	if err != nil {
		return 0, remoteError(err)
	}
	n, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	return n, nil
}

// counterUniqueSumScript counts the union of the last ARGV[3] buckets of
// size ARGV[2] ms, labelled ARGV[1], after the server's time.
var counterUniqueSumScript = NewScript(`local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local size = tonumber(ARGV[2])
local cur = now - now % size
local keys = {}
for i = 0, tonumber(ARGV[3]) - 1 do
  keys[#keys + 1] = KEYS[1] .. ':' .. ARGV[1] .. ':' .. string.format('%d', cur - i * size)
end
return redis.call('PFCOUNT', unpack(keys))`)

// UniqueSum returns the estimated number of distinct members recorded for
// key in its last n buckets of the given size, the current one included: a
// member seen in several of them counts once (the PFCOUNT of their union).
// A size that is not one of the Counter's, or n outside 1..Keep or above
// MaxCounterUniqueSpan, is ErrCounterArg; ErrWrongType or ErrNotHLL if a
// bucket's key holds something else.
func (c *Counter) UniqueSum(ctx context.Context, key string, size time.Duration, n int) (int64, error) {
	total, err := c.total(key)
	if err != nil {
		return 0, err
	}
	b, err := c.bucket(size)
	if err != nil {
		return 0, err
	}
	if n < 1 || int64(n) > b.keep || n > MaxCounterUniqueSpan {
		return 0, fmt.Errorf("%w: UniqueSum of %d buckets of %v: 1 to %d", ErrCounterArg, n, size, min(b.keep, MaxCounterUniqueSpan))
	}
	uk := uniqueKey(total)
	if s := c.b.Store(); s != nil {
		var count int64
		err := s.Atomic(ctx, func(tx *Tx) error {
			cur := b.start(tx.nowMs())
			keys := make([]string, n)
			for i := range keys {
				keys[i] = b.bucketKey(uk, cur-int64(i)*b.size)
			}
			var err error
			count, err = tx.PFCount(keys...)
			return err
		})
		return count, err
	}
	v, err := c.b.Run(ctx, counterUniqueSumScript, []string{uk}, b.label, b.size, n)
	if err != nil {
		return 0, remoteError(err)
	}
	count, ok := v.(int64)
	if !ok {
		return 0, fmt.Errorf("%w: %#v", ErrBackendReply, v)
	}
	return count, nil
}
