package embedis

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/glob"
	"github.com/embedis/embedis/internal/memsize"
	"github.com/embedis/embedis/internal/number"
)

// Hashes.
//
// A hash has two encodings, as in Redis. A small hash is a flat slice of
// field, value, field, value, … searched linearly, in insertion order (the
// order of Redis's listpack, so HGETALL, HKEYS, HVALS, HSCAN and HRANDFIELD
// with a count at least the size reply in the same order as redis-server).
// It costs two string headers (32 bytes) per field plus the bytes of the
// strings; a dict entry costs about 56 to 64 bytes before the strings (a
// 48-byte node and 8 to 16 bytes of bucket array).
//
// Measured (BenchmarkHashEncoding, structure only, strings shared): 36-38
// bytes per field compact against 58-70 in a dict, for 8 to 128 fields. The
// price is the linear search: a lookup in 128 fields takes about 90 ns (in
// 512, about four times that)
// against 12 ns in a dict, and HSET on hashes of 100 fields about 120 ns
// against 75 ns (bench/hash_bench_test.go). Like Redis with its listpack,
// embedis takes the memory: most hashes are small records, read and written
// a field at a time.
//
// A hash becomes a dict when it passes hashMaxListpackEntries fields or
// receives a field or value longer than hashMaxListpackValue bytes: Redis
// 7.0's built-in hash-max-listpack-entries (512; its sample redis.conf says
// 128, but a server started without it holds 512) and
// hash-max-listpack-value. Up to 512 fields the compact form keeps Redis's
// listpack order, which HGETALL, HSCAN (everything at once) and HRANDFIELD
// show. Unlike
// Redis, a dict that shrinks to hashShrinkEntries fields, all short, goes
// back to the compact form: the gap between the two sizes keeps a hash that
// hovers around one size from converting back and forth. An HSCAN that meets
// the conversion is still complete: a compact hash returns every field at
// once with cursor 0.
const (
	hashMaxListpackEntries = 512
	hashMaxListpackValue   = 64
	hashShrinkEntries      = 32
)

// hashValue is a Redis hash: exactly one of pairs (compact) and d is in use.
type hashValue struct {
	pairs []string
	d     *dict.Dict[string]
	// hashtable: Redis would hold this hash as a hashtable (OBJECT
	// ENCODING): it once had more than hashMaxListpackEntries fields
	// or a field or value longer than hashMaxListpackValue, and Redis never
	// converts back.
	hashtable bool
	// strs counts the fields' and values' bytes for memUsage (memory.go),
	// while counted: set and del keep it; a hash built some other way is
	// counted once, when first asked.
	strs    int64
	counted bool
	objMeta
}

func (*hashValue) typeName() string { return "hash" }

func (h *hashValue) clone() value {
	if h.d == nil {
		return &hashValue{pairs: append([]string(nil), h.pairs...), hashtable: h.hashtable}
	}
	d := dict.New[string]()
	h.d.Range(func(f, v string) bool { d.Set(f, v); return true })
	return &hashValue{d: d, hashtable: h.hashtable}
}

func (h *hashValue) dump() string {
	var ps [][2]string
	h.each(func(f, v string) bool { ps = append(ps, [2]string{f, v}); return true })
	sort.Slice(ps, func(i, j int) bool { return ps[i][0] < ps[j][0] })
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(p[0]))
		b.WriteByte(':')
		b.WriteString(strconv.Quote(p[1]))
	}
	b.WriteByte('}')
	return b.String()
}

func (h *hashValue) len() int {
	if h.d == nil {
		return len(h.pairs) / 2
	}
	return h.d.Len()
}

// index returns the position of field's name in pairs, or -1. Fields often
// share a length and a prefix ("f:1", "f:2", …), so it compares the length
// and the last byte inline before calling the full comparison.
func (h *hashValue) index(field string) int {
	n := len(field)
	if n == 0 {
		for i := 0; i < len(h.pairs); i += 2 {
			if h.pairs[i] == "" {
				return i
			}
		}
		return -1
	}
	last := field[n-1]
	pairs := h.pairs
	for i := 0; i+1 < len(pairs); i += 2 {
		if f := pairs[i]; len(f) == n && f[n-1] == last && f == field {
			return i
		}
	}
	return -1
}

func (h *hashValue) get(field string) (string, bool) {
	if h.d != nil {
		return h.d.Get(field)
	}
	if i := h.index(field); i >= 0 {
		return h.pairs[i+1], true
	}
	return "", false
}

// set stores field's value and reports whether the field is new.
func (h *hashValue) set(field, val string) bool {
	long := len(field) > hashMaxListpackValue || len(val) > hashMaxListpackValue
	if long {
		h.hashtable = true
	}
	if h.d == nil && long {
		h.toDict()
	}
	if h.d != nil {
		old, replaced := h.d.Swap(field, val)
		if h.counted {
			if replaced {
				h.strs += memsize.String(len(val)) - memsize.String(len(old))
			} else {
				h.strs += memsize.String(len(field)) + memsize.String(len(val))
			}
		}
		if h.d.Len() > hashMaxListpackEntries {
			h.hashtable = true
		}
		return !replaced
	}
	if i := h.index(field); i >= 0 {
		if h.counted {
			h.strs += memsize.String(len(val)) - memsize.String(len(h.pairs[i+1]))
		}
		h.pairs[i+1] = val
		return false
	}
	if h.counted {
		h.strs += memsize.String(len(field)) + memsize.String(len(val))
	}
	h.pairs = append(h.pairs, field, val)
	if len(h.pairs)/2 > hashMaxListpackEntries {
		h.hashtable = true
		h.toDict()
	}
	return true
}

// del removes field and reports whether it was there.
func (h *hashValue) del(field string) bool {
	if h.d != nil {
		old, ok := h.d.Delete(field)
		if !ok {
			return false
		}
		if h.counted {
			h.strs -= memsize.String(len(field)) + memsize.String(len(old))
		}
		if h.d.Len() == hashShrinkEntries {
			h.maybeCompact()
		}
		return true
	}
	i := h.index(field)
	if i < 0 {
		return false
	}
	if h.counted {
		h.strs -= memsize.String(len(field)) + memsize.String(len(h.pairs[i+1]))
	}
	n := copy(h.pairs[i:], h.pairs[i+2:])
	clear(h.pairs[i+n:]) // let the removed strings go
	h.pairs = h.pairs[:i+n]
	return true
}

func (h *hashValue) toDict() {
	d := dict.New[string]()
	for i := 0; i < len(h.pairs); i += 2 {
		d.Set(h.pairs[i], h.pairs[i+1])
	}
	h.d, h.pairs = d, nil
}

// maybeCompact turns a small dict back into the compact form if every field
// and value is short enough.
func (h *hashValue) maybeCompact() {
	pairs := make([]string, 0, 2*h.d.Len())
	ok := true
	h.d.Range(func(f, v string) bool {
		if len(f) > hashMaxListpackValue || len(v) > hashMaxListpackValue {
			ok = false
			return false
		}
		pairs = append(pairs, f, v)
		return true
	})
	if ok {
		h.pairs, h.d = pairs, nil
	}
}

// each calls fn for every field in the hash's order until fn returns false.
func (h *hashValue) each(fn func(f, v string) bool) {
	if h.d != nil {
		h.d.Range(fn)
		return
	}
	for i := 0; i < len(h.pairs); i += 2 {
		if !fn(h.pairs[i], h.pairs[i+1]) {
			return
		}
	}
}

// random returns a field drawn uniformly with r, and its value; the hash
// must not be empty. (IntN has no modulo bias; see dict.RandomKey for the
// dict.)
func (h *hashValue) random(r *rand.Rand) (string, string) {
	if h.d != nil {
		f, v, _ := h.d.RandomKey(r.Uint64)
		return f, v
	}
	i := 2 * r.IntN(len(h.pairs)/2)
	return h.pairs[i], h.pairs[i+1]
}

// hashForWrite returns the hash at key for a write, creating an empty one
// (not yet stored) if the key does not exist; created reports that case.
func (tx *Tx) hashForWrite(key string) (h *hashValue, created bool, err error) {
	h, err = tx.writeHash(key)
	if err != nil || h != nil {
		return h, false, err
	}
	return &hashValue{}, true, nil
}

// storeHash finishes a write of n changes (wroteN) to h: it stores a new
// hash, announces the write as ev, and deletes the hash if the write emptied
// it. It reports whether the write effect is to be recorded.
func (tx *Tx) storeHash(key string, h *hashValue, created bool, ev keyEvent, n int) bool {
	if created {
		tx.setValue(key, h, true)
	}
	rec := tx.wroteN(key, ev, n)
	if h.len() == 0 {
		tx.emptied(key)
	}
	return rec
}

// HSet sets each field to its value in the hash at key (pairs field, value,
// field, value, …), creating the hash if needed, and returns the number of
// fields that were new. An empty or odd list of pairs stores nothing and
// returns an arity error; a key of another type is ErrWrongType.
func (tx *Tx) HSet(key string, fieldsAndValues ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.hset(key, fieldsAndValues, "hset")
}

// HMSet is HSet replying as Redis's HMSET: true once the fields are set.
func (tx *Tx) HMSet(key string, fieldsAndValues ...string) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	_, err := tx.hset(key, fieldsAndValues, "hmset")
	return err == nil, err
}

func (tx *Tx) hset(key string, fv []string, cmd string) (int64, error) {
	if len(fv) == 0 || len(fv)%2 != 0 {
		return 0, ArityError(cmd)
	}
	h, created, err := tx.hashForWrite(key)
	if err != nil {
		return 0, err
	}
	var added int64
	for i := 0; i < len(fv); i += 2 {
		if h.set(fv[i], fv[i+1]) {
			added++
		}
	}
	if tx.storeHash(key, h, created, evHSet, len(fv)/2) { // every pair counts, new or not
		tx.emit(append([]string{"HSET", key}, fv...)...)
	}
	return added, nil
}

// HSetNX sets field to value in the hash at key only if the field does not
// exist (creating the hash if needed) and reports whether it did.
func (tx *Tx) HSetNX(key, field, value string) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	h, created, err := tx.hashForWrite(key)
	if err != nil {
		return false, err
	}
	if _, ok := h.get(field); ok {
		return false, nil
	}
	h.set(field, value)
	if tx.storeHash(key, h, created, evHSet, 1) {
		tx.emit("HSET", key, field, value)
	}
	return true, nil
}

// HGet returns the value of field in the hash at key. It returns ErrNotFound
// if the key or the field does not exist and ErrWrongType if the key holds
// another type.
func (tx *Tx) HGet(key, field string) (string, error) {
	h, err := tx.readHash(key)
	if err != nil {
		return "", err
	}
	if h == nil {
		return "", ErrNotFound
	}
	v, ok := h.get(field)
	if !ok {
		return "", ErrNotFound
	}
	return v, nil
}

// HMGet returns the values of fields in the hash at key, in order; an entry
// is nil where the field does not exist (every entry, if the key does not).
// A key of another type is ErrWrongType.
func (tx *Tx) HMGet(key string, fields ...string) ([]*string, error) {
	h, err := tx.readHash(key)
	if err != nil {
		return nil, err
	}
	out := make([]*string, len(fields))
	if h == nil {
		return out, nil
	}
	for i, f := range fields {
		if v, ok := h.get(f); ok {
			out[i] = &v
		}
	}
	return out, nil
}

// HDel removes fields from the hash at key and returns how many existed. A
// hash left empty is deleted; a missing key gives 0.
func (tx *Tx) HDel(key string, fields ...string) (int64, error) {
	h, err := tx.writeHash(key)
	if err != nil || h == nil {
		return 0, err
	}
	var n int64
	var gone []string
	for _, f := range fields {
		if h.del(f) {
			n++
			if tx.rec {
				gone = append(gone, f)
			}
		}
	}
	if n == 0 {
		return 0, nil
	}
	if tx.storeHash(key, h, false, evHDel, int(n)) {
		tx.emit(append([]string{"HDEL", key}, gone...)...)
	}
	return n, nil
}

// HExists reports whether field exists in the hash at key (false if the key
// does not exist).
func (tx *Tx) HExists(key, field string) (bool, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return false, err
	}
	_, ok := h.get(field)
	return ok, nil
}

// HLen returns the number of fields of the hash at key, 0 if the key does
// not exist.
func (tx *Tx) HLen(key string) (int64, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return 0, err
	}
	return int64(h.len()), nil
}

// HStrLen returns the length of the value of field in the hash at key, 0 if
// the key or the field does not exist.
func (tx *Tx) HStrLen(key, field string) (int64, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return 0, err
	}
	v, _ := h.get(field)
	return int64(len(v)), nil
}

// HKeys returns the fields of the hash at key (empty if the key does not
// exist). A small hash gives them in insertion order, as Redis does; a large
// one in no particular order.
func (tx *Tx) HKeys(key string) ([]string, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return []string{}, err
	}
	out := make([]string, 0, h.len())
	h.each(func(f, _ string) bool { out = append(out, f); return true })
	return out, nil
}

// HVals returns the values of the hash at key, in the order of HKeys (empty
// if the key does not exist).
func (tx *Tx) HVals(key string) ([]string, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return []string{}, err
	}
	out := make([]string, 0, h.len())
	h.each(func(_, v string) bool { out = append(out, v); return true })
	return out, nil
}

// HGetAll returns the fields and values of the hash at key (an empty map if
// the key does not exist).
func (tx *Tx) HGetAll(key string) (map[string]string, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return map[string]string{}, err
	}
	out := make(map[string]string, h.len())
	h.each(func(f, v string) bool { out[f] = v; return true })
	return out, nil
}

// hgetAll returns the fields and values of the hash at key as pairs in the
// hash's order, for the HGETALL reply.
func (tx *Tx) hgetAll(key string) ([]string, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return nil, err
	}
	out := make([]string, 0, 2*h.len())
	h.each(func(f, v string) bool { out = append(out, f, v); return true })
	return out, nil
}

// HIncrBy adds incr to the integer value of field in the hash at key (0 if
// the key or field does not exist, which creates it) and returns the result.
// It returns ErrHashNotInteger if the value is not a base-10 int64,
// ErrOverflow if the result would overflow, and ErrWrongType for another
// type; nothing changes on error.
func (tx *Tx) HIncrBy(key, field string, incr int64) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	h, created, err := tx.hashForWrite(key)
	if err != nil {
		return 0, err
	}
	var cur int64
	if s, ok := h.get(field); ok {
		if cur, ok = number.ParseInt(s); !ok {
			return 0, ErrHashNotInteger
		}
	}
	if (incr > 0 && cur > math.MaxInt64-incr) || (incr < 0 && cur < math.MinInt64-incr) {
		return 0, ErrOverflow
	}
	cur += incr
	s := strconv.FormatInt(cur, 10)
	h.set(field, s)
	if tx.storeHash(key, h, created, evHIncrBy, 1) {
		tx.emit("HSET", key, field, s)
	}
	return cur, nil
}

// HIncrByFloat adds incr to the numeric value of field in the hash at key (0
// if the key or field does not exist, which creates it) with Redis's long
// double arithmetic and formatting, stores the result as a string and
// returns it as a float64. It returns ErrHashNaNOrInfinity for an infinite or
// NaN incr, ErrHashNotFloat if the value is not a number, ErrNaNOrInfinity
// if the result would be infinite, and ErrWrongType for another type;
// nothing changes on error.
func (tx *Tx) HIncrByFloat(key, field string, incr float64) (float64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if math.IsNaN(incr) || math.IsInf(incr, 0) {
		return 0, ErrHashNaNOrInfinity
	}
	d, ok := number.ParseLongDouble(strconv.FormatFloat(incr, 'g', -1, 64))
	if !ok {
		return 0, ErrNotFloat
	}
	s, err := tx.hincrByFloat(key, field, d)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(s, 64)
}

// hincrByFloat is the one implementation of HINCRBYFLOAT, after the
// increment is parsed and checked to be finite. It returns the new value as
// Redis formats it.
func (tx *Tx) hincrByFloat(key, field string, incr number.LongDouble) (string, error) {
	h, created, err := tx.hashForWrite(key)
	if err != nil {
		return "", err
	}
	cur := number.LongDoubleFromFloat64(0)
	if s, ok := h.get(field); ok {
		if cur, ok = number.ParseLongDouble(s); !ok {
			return "", ErrHashNotFloat
		}
	}
	sum, ok := cur.Add(incr)
	if !ok {
		return "", ErrNaNOrInfinity
	}
	res := sum.FormatHuman()
	h.set(field, res)
	if tx.storeHash(key, h, created, evHIncrFlt, 1) {
		tx.emit("HSET", key, field, res)
	}
	return res, nil
}

// KeyValue is a field of a hash with its value.
type KeyValue struct {
	Key   string
	Value string
}

// HRandField returns random fields of the hash at key, as Redis's HRANDFIELD
// with a count: for a positive count, min(count, HLen) distinct fields,
// every subset of that size equally likely (the whole hash, in its order,
// when count is at least its size; in insertion order too when the hash is
// compact and count at most a third of its size, as Redis samples a
// listpack); for a negative
// count, -count fields that may repeat (a count below -maxRandRepeats,
// -2^24, is ErrValueOutOfRange, where Redis would try to allocate the reply). A missing key or a count of 0 gives an empty
// slice; a key of another type is ErrWrongType.
func (tx *Tx) HRandField(key string, count int64) ([]string, error) {
	kvs, err := tx.hrandField(key, count)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(kvs))
	for i, kv := range kvs {
		out[i] = kv.Key
	}
	return out, nil
}

// HRandFieldWithValues is HRandField returning each field with its value
// (HRANDFIELD ... WITHVALUES).
func (tx *Tx) HRandFieldWithValues(key string, count int64) ([]KeyValue, error) {
	return tx.hrandField(key, count)
}

// hrandField is the one implementation of HRANDFIELD with a count. It
// follows Redis's cases: repeats allowed (negative count, or a count of 1)
// pick independently; a count at least the size returns the whole hash in
// its order; otherwise distinct fields are drawn at random.
func (tx *Tx) hrandField(key string, count int64) ([]KeyValue, error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil || count == 0 {
		return []KeyValue{}, err
	}
	rnd := tx.e.rnd
	size := int64(h.len())
	if count < 0 || count == 1 {
		n := count
		if n < 0 {
			if n < -maxRandRepeats {
				return nil, ErrValueOutOfRange
			}
			n = -n
		}
		out := make([]KeyValue, n)
		for i := range out {
			out[i].Key, out[i].Value = h.random(rnd)
		}
		return out, nil
	}
	all := make([]KeyValue, 0, size)
	if count >= size || h.d == nil || count*3 > size {
		h.each(func(f, v string) bool { all = append(all, KeyValue{f, v}); return true })
		if count >= size {
			return all, nil
		}
		// A partial Fisher-Yates shuffle of the positions: the first count
		// are a uniformly random subset.
		pos := make([]int, size)
		for i := range pos {
			pos[i] = i
		}
		for i := range int(count) {
			j := i + rnd.IntN(int(size)-i)
			pos[i], pos[j] = pos[j], pos[i]
		}
		chosen := pos[:count]
		if h.d == nil && count*3 <= size {
			// Redis samples a compact (listpack) hash in its own order when
			// the count is at most a third of the size: the fields come
			// back in insertion order.
			slices.Sort(chosen)
		}
		out := make([]KeyValue, count)
		for i, p := range chosen {
			out[i] = all[p]
		}
		return out, nil
	}
	// A large dict and a small count: draw random fields until count are
	// distinct, as Redis's fourth case does.
	seen := make(map[string]bool, count)
	for int64(len(all)) < count {
		f, v := h.random(rnd)
		if !seen[f] {
			seen[f] = true
			all = append(all, KeyValue{f, v})
		}
	}
	return all, nil
}

// hrandOne returns one random field and its value (HRANDFIELD without a
// count): ErrNotFound if the key does not exist.
func (tx *Tx) hrandOne(key string) (string, error) {
	h, err := tx.readHash(key)
	if err != nil {
		return "", err
	}
	if h == nil {
		return "", ErrNotFound
	}
	f, _ := h.random(tx.e.rnd)
	return f, nil
}

// HScan iterates the hash at key as Redis's HSCAN: it returns some fields
// matching the glob pattern match ("" matches all), each followed by its
// value, and the cursor to pass next; a returned cursor of 0 ends the
// iteration. count (10 if 0 or less) is a hint of the work per call. A small
// hash returns all its fields in one call with cursor 0, whatever the cursor
// given. Every field present for the whole iteration is returned at least
// once, even as the hash grows or shrinks; a field may be returned more than
// once. A missing key gives no fields and cursor 0.
func (tx *Tx) HScan(key string, cursor uint64, match string, count int64) (fieldsValues []string, nextCursor uint64, err error) {
	h, err := tx.readHash(key)
	if err != nil || h == nil {
		return []string{}, 0, err
	}
	if count <= 0 {
		count = 10
	}
	matches := func(f string) bool { return match == "" || match == "*" || glob.Match(match, f) }
	out := []string{}
	if h.d == nil {
		for i := 0; i < len(h.pairs); i += 2 {
			if matches(h.pairs[i]) {
				out = append(out, h.pairs[i], h.pairs[i+1])
			}
		}
		return out, 0, nil
	}
	// As in Redis, count is compared with the number of replies gathered
	// before MATCH filters them, a field and its value counting as two.
	maxSteps := scanSteps(count)
	seen := int64(0)
	for {
		cursor = h.d.Scan(cursor, func(f, v string) {
			seen += 2
			if matches(f) {
				out = append(out, f, v)
			}
		})
		maxSteps--
		if cursor == 0 || maxSteps <= 0 || seen >= count {
			break
		}
	}
	return out, cursor, nil
}
