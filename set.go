package embedis

import (
	"cmp"
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

// Sets: SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP,
// SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE,
// SDIFF, SDIFFSTORE and SSCAN, as Redis 7.0.
//
// # Encodings
//
// A set has one of three representations, chosen as Redis chooses them
// (Redis 7.0 has the first and the last; 7.2 added the middle one):
//
//   - intset: every member is the canonical decimal spelling of an int64 and
//     there are at most setMaxIntsetEntries (512) of them. The members are a
//     sorted []int64: 8 bytes a member and no string headers, binary search
//     for membership. Iteration is in ascending numeric order, which is what
//     Redis's intset gives SMEMBERS and SSCAN.
//   - small: at most setMaxSmallEntries (32) members, each at most
//     setMaxSmallValue (64) bytes, in a flat []string searched linearly (Redis
//     7.2's listpack). 16 bytes of header a member instead of a 24-byte node
//     plus a bucket slot and the dict's fixed cost.
//   - dict: internal/dict with empty values. Only this one keeps SSCAN's
//     guarantee across calls and makes SRANDMEMBER and SPOP O(1), so every
//     set past the thresholds uses it.
//
// A set only moves up (intset → small → dict, or intset → dict), never back,
// as in Redis: a set that was large once is likely to be large again, and
// converting back and forth around a threshold would cost O(n) each time.
// The figures behind the thresholds come from set_test.go
// (TestSetEncodingMemory, BenchmarkSetEncodingIsMember; 2-core amd64, Go
// 1.26). Bytes per member besides the member strings themselves:
//
//	members   intset   small    dict
//	      4     24.0    32.0    76.0
//	     16     12.0    20.0    43.0
//	     64      9.0    19.0    34.8
//	    128      8.5    18.5    34.4
//	    512      8.1    18.6    33.8
//
// and SISMEMBER (half hits, half misses), ns: intset 11 (16 members) to 22
// (512); dict 17-22 at every size; small 39 at 16 members, 80 at 32, 196 at
// 128, 1028 at 512. The intset is both the smallest and as fast as the dict
// up to Redis's 512 (and needs no member strings at all), so its threshold
// is Redis's. The flat string slice halves the overhead, but its linear
// search costs 1.5 ns a member: at Redis 7.2's 128 a membership test is 9
// times the dict's, at 32 it is 4 times (still under 100 ns), so the small
// encoding stops at 32 members.
//
// A set never exists empty: the command that removes its last member
// removes the key.

const (
	setMaxIntsetEntries = 512 // Redis's set-max-intset-entries
	setMaxSmallEntries  = 32  // Redis 7.2's set-max-listpack-entries is 128: see below
	setMaxSmallValue    = 64  // Redis 7.2's set-max-listpack-value
)

type setEncoding uint8

const (
	setIntset setEncoding = iota
	setSmall
	setDict
)

// setValue is a Redis set. Exactly one of ints, strs and d is in use, as enc
// says.
type setValue struct {
	enc setEncoding
	// width is the size in bytes (2, 4 or 8) of an integer in Redis's
	// intset for this set, 0 while it is empty: the smallest that holds
	// every member ever added, since Redis widens an intset when a member
	// needs it and never narrows it again. DUMP writes the intset at this
	// width, so that its bytes are Redis's.
	width uint8
	ints  []int64              // setIntset: sorted ascending, no duplicates
	strs  []string             // setSmall: insertion order, no duplicates
	d     *dict.Dict[struct{}] // setDict
	// strs counts the members' bytes for memUsage (memory.go) while
	// counted: add and remove keep it; a set built some other way, or
	// converted, is counted once, when first asked.
	strBytes int64
	counted  bool
	objMeta
}

func (*setValue) typeName() string { return "set" }

func (v *setValue) clone() value {
	c := &setValue{enc: v.enc, width: v.width}
	switch v.enc {
	case setIntset:
		c.ints = slices.Clone(v.ints)
	case setSmall:
		c.strs = slices.Clone(v.strs)
	default:
		c.d = dict.New[struct{}]()
		v.d.Range(func(k string, _ struct{}) bool { c.d.Set(k, struct{}{}); return true })
	}
	return c
}

// dump lists the members sorted as strings, whatever the encoding.
func (v *setValue) dump() string {
	ms := v.members()
	sort.Strings(ms)
	for i, m := range ms {
		ms[i] = strconv.Quote(m)
	}
	return "{" + strings.Join(ms, " ") + "}"
}

// newSetFor returns an empty set in the encoding Redis would create for a
// first member m: an intset if m is an integer.
func newSetFor(m string) *setValue {
	if _, ok := number.ParseInt(m); ok {
		return &setValue{enc: setIntset}
	}
	if len(m) <= setMaxSmallValue {
		return &setValue{enc: setSmall}
	}
	return &setValue{enc: setDict, d: dict.New[struct{}]()}
}

func (v *setValue) card() int {
	switch v.enc {
	case setIntset:
		return len(v.ints)
	case setSmall:
		return len(v.strs)
	default:
		return v.d.Len()
	}
}

func (v *setValue) has(m string) bool {
	switch v.enc {
	case setIntset:
		n, ok := number.ParseInt(m)
		if !ok {
			return false
		}
		_, found := slices.BinarySearch(v.ints, n)
		return found
	case setSmall:
		return slices.Contains(v.strs, m)
	default:
		_, ok := v.d.Get(m)
		return ok
	}
}

// add adds m and reports whether it was new, converting the encoding when m
// does not fit the current one.
func (v *setValue) add(m string) bool {
	switch v.enc {
	case setIntset:
		if n, ok := number.ParseInt(m); ok {
			i, found := slices.BinarySearch(v.ints, n)
			if found {
				return false
			}
			v.ints = slices.Insert(v.ints, i, n)
			v.width = max(v.width, intsetWidth(n))
			if len(v.ints) > setMaxIntsetEntries {
				v.convert(setDict)
			}
			return true
		}
		if len(v.ints) < setMaxSmallEntries && len(m) <= setMaxSmallValue {
			v.convert(setSmall)
		} else {
			v.convert(setDict)
		}
		return v.add(m)
	case setSmall:
		if slices.Contains(v.strs, m) {
			return false
		}
		if len(v.strs) >= setMaxSmallEntries || len(m) > setMaxSmallValue {
			v.convert(setDict)
			return v.add(m)
		}
		v.strs = append(v.strs, m)
		if v.counted {
			v.strBytes += memsize.String(len(m))
		}
		return true
	default:
		added := v.d.Set(m, struct{}{})
		if added && v.counted {
			v.strBytes += memsize.String(len(m))
		}
		return added
	}
}

// intsetWidth returns the size in bytes of the smallest integer of Redis's
// intset that holds n: 2, 4 or 8.
func intsetWidth(n int64) uint8 {
	switch {
	case n >= math.MinInt16 && n <= math.MaxInt16:
		return 2
	case n >= math.MinInt32 && n <= math.MaxInt32:
		return 4
	}
	return 8
}

// convert moves the members to encoding enc (small or dict).
func (v *setValue) convert(enc setEncoding) {
	ms := v.members()
	v.ints, v.strs, v.d = nil, nil, nil
	v.enc = enc
	v.counted = false // the members may be new strings (from an intset)
	if enc == setSmall {
		v.strs = make([]string, len(ms), setMaxSmallEntries)
		copy(v.strs, ms)
		return
	}
	v.d = dict.New[struct{}]()
	for _, m := range ms {
		v.d.Set(m, struct{}{})
	}
}

// remove removes m and reports whether it was there.
func (v *setValue) remove(m string) bool {
	switch v.enc {
	case setIntset:
		n, ok := number.ParseInt(m)
		if !ok {
			return false
		}
		i, found := slices.BinarySearch(v.ints, n)
		if found {
			v.ints = slices.Delete(v.ints, i, i+1)
		}
		return found
	case setSmall:
		i := slices.Index(v.strs, m)
		if i < 0 {
			return false
		}
		last := len(v.strs) - 1
		copy(v.strs[i:], v.strs[i+1:])
		v.strs[last] = ""
		v.strs = v.strs[:last]
		if v.counted {
			v.strBytes -= memsize.String(len(m))
		}
		return true
	default:
		_, ok := v.d.Delete(m)
		if ok && v.counted {
			v.strBytes -= memsize.String(len(m))
		}
		return ok
	}
}

// each calls fn for every member in the encoding's order (ascending for an
// intset) until fn returns false. fn must not modify the set.
func (v *setValue) each(fn func(m string) bool) {
	switch v.enc {
	case setIntset:
		for _, n := range v.ints {
			if !fn(strconv.FormatInt(n, 10)) {
				return
			}
		}
	case setSmall:
		for _, m := range v.strs {
			if !fn(m) {
				return
			}
		}
	default:
		v.d.Range(func(k string, _ struct{}) bool { return fn(k) })
	}
}

// members returns every member in the encoding's order.
func (v *setValue) members() []string {
	out := make([]string, 0, v.card())
	v.each(func(m string) bool { out = append(out, m); return true })
	return out
}

// random returns a member of the non-empty set drawn uniformly with r, in
// every encoding (IntN has no modulo bias; see dict.RandomKey for the dict).
func (v *setValue) random(r *rand.Rand) string {
	switch v.enc {
	case setIntset:
		return strconv.FormatInt(v.ints[r.IntN(len(v.ints))], 10)
	case setSmall:
		return v.strs[r.IntN(len(v.strs))]
	default:
		k, _, _ := v.d.RandomKey(r.Uint64)
		return k
	}
}

// lookupSets returns the sets at keys, nil where a key does not exist, or
// ErrWrongType if any key holds another type.
func (tx *Tx) lookupSets(keys []string) ([]*setValue, error) {
	out := make([]*setValue, len(keys))
	for i, k := range keys {
		sv, err := tx.readSet(k)
		if err != nil {
			return nil, err
		}
		out[i] = sv
	}
	return out, nil
}

// setChanged announces a write of n changes (wroteN) to the set at key as
// ev and deletes the key if the write emptied the set; it reports whether
// the write effect is to be recorded.
func (tx *Tx) setChanged(key string, sv *setValue, ev keyEvent, n int) bool {
	rec := tx.wroteN(key, ev, n)
	if sv.card() == 0 {
		tx.emptied(key)
	}
	return rec
}

// SAdd adds the members to the set at key, creating it if needed, and returns
// how many were not already there. It returns ErrWrongType (adding nothing)
// if the key holds another type; with no members it returns 0 and creates
// nothing.
func (tx *Tx) SAdd(key string, members ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	sv, err := tx.writeSet(key)
	if err != nil || len(members) == 0 {
		return 0, err
	}
	created := sv == nil
	if created {
		sv = newSetFor(members[0])
	}
	var n int64
	for _, m := range members {
		if sv.add(m) {
			n++
		}
	}
	if created {
		tx.setValue(key, sv, true)
	}
	if n > 0 && tx.wroteN(key, evSAdd, int(n)) {
		tx.emit(append([]string{"SADD", key}, members...)...)
	}
	return n, nil
}

// SRem removes the members from the set at key and returns how many were
// there. A set left empty is deleted. A missing key gives 0; another type
// ErrWrongType.
func (tx *Tx) SRem(key string, members ...string) (int64, error) {
	sv, err := tx.writeSet(key)
	if err != nil || sv == nil {
		return 0, err
	}
	var n int64
	for _, m := range members {
		if sv.remove(m) {
			n++
		}
	}
	if n > 0 && tx.setChanged(key, sv, evSRem, int(n)) {
		tx.emit(append([]string{"SREM", key}, members...)...)
	}
	return n, nil
}

// SMembers returns every member of the set at key, in no particular order
// (ascending for a set of at most 512 integers, as Redis). A missing key
// gives an empty slice; another type ErrWrongType.
func (tx *Tx) SMembers(key string) ([]string, error) {
	sv, err := tx.readSet(key)
	if err != nil || sv == nil {
		return []string{}, err
	}
	return sv.members(), nil
}

// SIsMember reports whether member is in the set at key; false for a missing
// key, ErrWrongType for another type.
func (tx *Tx) SIsMember(key, member string) (bool, error) {
	sv, err := tx.readSet(key)
	if err != nil || sv == nil {
		return false, err
	}
	return sv.has(member), nil
}

// SMIsMember reports, for each of members, whether it is in the set at key;
// all false for a missing key, ErrWrongType for another type.
func (tx *Tx) SMIsMember(key string, members ...string) ([]bool, error) {
	sv, err := tx.readSet(key)
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(members))
	if sv != nil {
		for i, m := range members {
			out[i] = sv.has(m)
		}
	}
	return out, nil
}

// SCard returns the number of members of the set at key; 0 for a missing
// key, ErrWrongType for another type.
func (tx *Tx) SCard(key string) (int64, error) {
	sv, err := tx.readSet(key)
	if err != nil || sv == nil {
		return 0, err
	}
	return int64(sv.card()), nil
}

// SPop removes and returns a random member of the set at key, deleting the
// set if it is left empty. It returns ErrNotFound if the key does not exist
// and ErrWrongType if it holds another type. The write-effect stream records
// an SREM of the member popped.
func (tx *Tx) SPop(key string) (string, error) {
	sv, err := tx.writeSet(key)
	if err != nil {
		return "", err
	}
	if sv == nil {
		return "", ErrNotFound
	}
	m := sv.random(tx.e.rnd)
	sv.remove(m)
	if tx.setChanged(key, sv, evSPop, 1) {
		tx.emit("SREM", key, m)
	}
	return m, nil
}

// SPopN removes and returns count distinct random members of the set at key
// (all of them, deleting the key, if count is at least its size), in no
// particular order. A count of 0 or a missing key gives an empty slice; a
// negative count is an error ("value is out of range, must be positive")
// and another type ErrWrongType. The write-effect stream records an SREM of
// the members popped.
func (tx *Tx) SPopN(key string, count int64) ([]string, error) {
	if count < 0 {
		return nil, ErrNotPositive
	}
	sv, err := tx.writeSet(key)
	if err != nil {
		return nil, err
	}
	if sv == nil || count == 0 {
		return []string{}, nil
	}
	var out []string
	var rec bool
	if count >= int64(sv.card()) {
		// Redis reads the whole set as SMEMBERS does, counting a keyspace hit.
		tx.lookupRead(key)
		out = sv.members()
		rec = tx.wroteN(key, evSPop, len(out))
		tx.emptied(key)
	} else {
		// Redis pops most of a set (what stays, times 5, at most count) by
		// moving the rest to a new set, and replies with the members popped
		// in the set's own order: ascending for an intset.
		sorted := sv.enc == setIntset && (int64(sv.card())-count)*5 <= count
		out = make([]string, 0, count)
		for int64(len(out)) < count {
			m := sv.random(tx.e.rnd)
			sv.remove(m)
			out = append(out, m)
		}
		if sorted {
			slices.SortFunc(out, func(a, b string) int {
				x, _ := strconv.ParseInt(a, 10, 64)
				y, _ := strconv.ParseInt(b, 10, 64)
				return cmp.Compare(x, y)
			})
			// Redis builds a new intset of what stays, as narrow as its
			// members allow.
			sv.width = 0
			for _, n := range sv.ints {
				sv.width = max(sv.width, intsetWidth(n))
			}
		}
		rec = tx.setChanged(key, sv, evSPop, len(out))
	}
	if rec {
		tx.emit(append([]string{"SREM", key}, out...)...)
	}
	return out, nil
}

// SRandMember returns a random member of the set at key without removing
// it. It returns ErrNotFound if the key does not exist and ErrWrongType if
// it holds another type.
func (tx *Tx) SRandMember(key string) (string, error) {
	sv, err := tx.readSet(key)
	if err != nil {
		return "", err
	}
	if sv == nil {
		return "", ErrNotFound
	}
	return sv.random(tx.e.rnd), nil
}

// maxRandRepeats bounds a negative count of SRANDMEMBER, ZRANDMEMBER and
// HRANDFIELD, which asks for -count draws with repetition. Redis tries to
// build a reply of any size and is killed when memory runs out (a count of
// -2^40 does it); in Go an allocation that fails ends the whole process, so
// embedis refuses counts below -maxRandRepeats with Redis's "value is out of
// range" (16.7 million draws: a few hundred megabytes of reply).
const maxRandRepeats = 1 << 24

// SRandMemberN returns random members of the set at key without removing
// them, as Redis: with a positive count, min(count, size) distinct members;
// with a negative count, exactly -count members that may repeat. A count of 0
// or a missing key gives an empty slice; math.MinInt64 is an out-of-range
// error and another type ErrWrongType. A count below -maxRandRepeats on an
// existing set is ErrValueOutOfRange, where Redis would try to allocate the
// reply.
func (tx *Tx) SRandMemberN(key string, count int64) ([]string, error) {
	if count == math.MinInt64 {
		return nil, ErrRandCountRange
	}
	sv, err := tx.readSet(key)
	if err != nil {
		return nil, err
	}
	if sv == nil || count == 0 {
		return []string{}, nil
	}
	rnd := tx.e.rnd
	if count < -maxRandRepeats {
		return nil, ErrValueOutOfRange
	}
	if count < 0 {
		out := make([]string, 0, min(-count, 1<<16))
		for i := int64(0); i < -count; i++ {
			out = append(out, sv.random(rnd))
		}
		return out, nil
	}
	size := int64(sv.card())
	if count >= size {
		return sv.members(), nil
	}
	if count*3 > size {
		// Close to the whole set: drop random members from a copy (Redis's
		// case 3), rather than drawing until count distinct ones come up.
		all := sv.members()
		for int64(len(all)) > count {
			i := rnd.IntN(len(all))
			all[i] = all[len(all)-1]
			all = all[:len(all)-1]
		}
		return all, nil
	}
	seen := make(map[string]struct{}, count)
	out := make([]string, 0, count)
	for int64(len(out)) < count {
		m := sv.random(rnd)
		if _, dup := seen[m]; dup {
			continue
		}
		seen[m] = struct{}{}
		out = append(out, m)
	}
	return out, nil
}

// SMove moves member from the set at source to the set at destination
// (created if needed) and reports whether it did. It returns false if source
// does not exist or does not hold member, ErrWrongType if source, or an
// existing destination, holds another type (unless source is missing: then
// false). Moving to the same key changes nothing and reports membership. A
// source left empty is deleted.
func (tx *Tx) SMove(source, destination, member string) (bool, error) {
	// Both keys are looked up first, as Redis does (so both expire lazily),
	// but a missing source wins over a destination of the wrong type.
	src, err := tx.writeSet(source)
	dst, dstErr := tx.writeSet(destination)
	if err != nil {
		return false, err
	}
	if src == nil {
		return false, nil
	}
	if dstErr != nil {
		return false, dstErr
	}
	if source == destination {
		return src.has(member), nil
	}
	if !src.remove(member) {
		return false, nil
	}
	rec := tx.setChanged(source, src, evSRem, 1)
	added := true
	if dst == nil {
		dst = newSetFor(member)
		dst.add(member)
		tx.setValue(destination, dst, true)
	} else {
		added = dst.add(member)
	}
	if added {
		tx.wrote(destination, evSAdd) // a second change, as Redis counts it
	}
	if rec {
		tx.emit("SMOVE", source, destination, member)
	}
	return true, nil
}

// sinter intersects the sets at keys, stopping after limit members when
// limit > 0. Missing keys are empty sets; any key of another type is
// ErrWrongType. It iterates the smallest set, as Redis does, so the result
// is in that set's order.
func (tx *Tx) sinter(keys []string, limit int) (*setValue, error) {
	sets, err := tx.lookupSets(keys)
	if err != nil {
		return nil, err
	}
	res := &setValue{enc: setIntset}
	for _, s := range sets {
		if s == nil {
			return res, nil
		}
	}
	sets = slices.Clone(sets)
	slices.SortStableFunc(sets, func(a, b *setValue) int { return a.card() - b.card() })
	sets[0].each(func(m string) bool {
		for _, o := range sets[1:] {
			if o != sets[0] && !o.has(m) {
				return true
			}
		}
		res.add(m)
		return limit <= 0 || res.card() < limit
	})
	return res, nil
}

// sunionDiff computes the union (diff false) or the difference of the first
// set minus the others (diff true) of the sets at keys, as sinter.
func (tx *Tx) sunionDiff(keys []string, diff bool) (*setValue, error) {
	sets, err := tx.lookupSets(keys)
	if err != nil {
		return nil, err
	}
	res := &setValue{enc: setIntset}
	if !diff {
		for _, s := range sets {
			if s != nil {
				s.each(func(m string) bool { res.add(m); return true })
			}
		}
		return res, nil
	}
	if sets[0] == nil {
		return res, nil
	}
	sets[0].each(func(m string) bool {
		for _, o := range sets[1:] {
			if o != nil && o.has(m) {
				return true
			}
		}
		res.add(m)
		return true
	})
	return res, nil
}

// store writes the result of a *STORE command to dst: an empty result
// deletes dst, anything else replaces dst (of any type) and its time to
// live. The write-effect stream records DEL dst and an SADD of the members
// in sorted order.
func (tx *Tx) storeSet(dst string, res *setValue, ev keyEvent) int64 {
	n := res.card()
	if n == 0 {
		if tx.deleteKey(dst) && tx.wrote(dst, evDel) {
			tx.emit("DEL", dst)
		}
		return 0
	}
	tx.setValue(dst, res, false)
	if tx.wrote(dst, ev) {
		ms := res.members()
		sort.Strings(ms)
		tx.emit("DEL", dst)
		tx.emit(append([]string{"SADD", dst}, ms...)...)
	}
	return int64(n)
}

// SInter returns the members common to the sets at keys, in no particular
// order. A missing key counts as an empty set (so the result is empty); any
// key of another type is ErrWrongType.
func (tx *Tx) SInter(keys ...string) ([]string, error) {
	if len(keys) == 0 {
		return nil, ArityError("sinter")
	}
	res, err := tx.sinter(keys, 0)
	if err != nil {
		return nil, err
	}
	return res.members(), nil
}

// SInterCard returns the number of members common to the sets at keys, as
// SInter, counting no further than limit when limit is positive (0 means no
// limit). A negative limit is an error ("LIMIT can't be negative"), and so is
// an empty keys ("numkeys should be greater than 0").
func (tx *Tx) SInterCard(limit int64, keys ...string) (int64, error) {
	if len(keys) == 0 {
		return 0, ErrNumKeys
	}
	if limit < 0 {
		return 0, ErrLimitNegative
	}
	if limit > math.MaxInt32 {
		limit = 0 // no set can hold that many members anyway
	}
	res, err := tx.sinter(keys, int(limit))
	if err != nil {
		return 0, err
	}
	return int64(res.card()), nil
}

// SInterStore stores the intersection of the sets at keys (as SInter) at
// destination, replacing whatever it held and its time to live, and returns
// its size. An empty intersection deletes destination. ErrWrongType for a
// source of another type leaves destination untouched.
func (tx *Tx) SInterStore(destination string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if len(keys) == 0 {
		return 0, ArityError("sinterstore")
	}
	res, err := tx.sinter(keys, 0)
	if err != nil {
		return 0, err
	}
	return tx.storeSet(destination, res, evSInterSt), nil
}

// SUnion returns the members of any of the sets at keys, in no particular
// order (ascending when they are at most 512 integers). Missing keys count
// as empty sets; any key of another type is ErrWrongType.
func (tx *Tx) SUnion(keys ...string) ([]string, error) {
	if len(keys) == 0 {
		return nil, ArityError("sunion")
	}
	res, err := tx.sunionDiff(keys, false)
	if err != nil {
		return nil, err
	}
	return res.members(), nil
}

// SUnionStore stores the union of the sets at keys at destination, as
// SInterStore.
func (tx *Tx) SUnionStore(destination string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if len(keys) == 0 {
		return 0, ArityError("sunionstore")
	}
	res, err := tx.sunionDiff(keys, false)
	if err != nil {
		return 0, err
	}
	return tx.storeSet(destination, res, evSUnionSt), nil
}

// SDiff returns the members of the set at the first key that are in none of
// the sets at the other keys, in no particular order (ascending when they
// are at most 512 integers). Missing keys count as empty sets; any key of
// another type is ErrWrongType.
func (tx *Tx) SDiff(keys ...string) ([]string, error) {
	if len(keys) == 0 {
		return nil, ArityError("sdiff")
	}
	res, err := tx.sunionDiff(keys, true)
	if err != nil {
		return nil, err
	}
	return res.members(), nil
}

// SDiffStore stores the difference of the sets at keys (as SDiff) at
// destination, as SInterStore.
func (tx *Tx) SDiffStore(destination string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if len(keys) == 0 {
		return 0, ArityError("sdiffstore")
	}
	res, err := tx.sunionDiff(keys, true)
	if err != nil {
		return 0, err
	}
	return tx.storeSet(destination, res, evSDiffSt), nil
}

// SScan iterates the members of the set at key: it returns some members
// matching the glob pattern match ("" matches all) and the cursor to pass
// next; a returned cursor of 0 ends the iteration. count (10 if 0 or less)
// is a hint of the work per call. Every member present for the whole
// iteration is returned at least once, even as the set grows or shrinks; a
// member may be returned more than once. A small set (at most 512 integers,
// or 32 short strings) is returned whole in one call with cursor 0, as
// Redis does. A missing key gives no members and cursor 0; another type
// ErrWrongType.
func (tx *Tx) SScan(key string, cursor uint64, match string, count int64) (members []string, nextCursor uint64, err error) {
	sv, err := tx.readSet(key)
	if err != nil || sv == nil {
		return []string{}, 0, err
	}
	if count <= 0 {
		count = 10
	}
	var ms []string
	next := uint64(0)
	if sv.enc != setDict {
		ms = sv.members()
	} else {
		maxSteps := scanSteps(count)
		next = cursor
		for {
			next = sv.d.Scan(next, func(k string, _ struct{}) { ms = append(ms, k) })
			maxSteps--
			if next == 0 || maxSteps <= 0 || int64(len(ms)) >= count {
				break
			}
		}
	}
	if match != "" && match != "*" {
		out := ms[:0]
		for _, m := range ms {
			if glob.Match(match, m) {
				out = append(out, m)
			}
		}
		ms = out
	}
	if ms == nil {
		ms = []string{}
	}
	return ms, next, nil
}
