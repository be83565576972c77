package embedis

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/glob"
	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/zset"
)

// Sorted sets: ZADD, ZINCRBY, ZREM, ZCARD, ZCOUNT, ZLEXCOUNT, ZSCORE,
// ZMSCORE, ZRANK, ZREVRANK, ZRANGE and its older forms, ZRANGESTORE,
// ZREMRANGEBY*, ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZUNION, ZINTER, ZDIFF
// and their STORE forms, ZINTERCARD and ZSCAN, as Redis 7.0. The blocking
// pops are in zset_blocking.go.
//
// Members are ordered by score, then by member bytes; a score is a float64
// and never NaN (an increment that would make one fails). The structure is
// internal/zset: a counted B+tree for rank and range questions in O(log n)
// and a hash table from member to score.
//
// Redis keeps a small sorted set (at most 128 members of at most 64 bytes)
// as a listpack and switches it to a skiplist for good when it grows past
// either limit. We keep one structure for every size, but remember which
// one Redis would be using (listpack), because two replies depend on it:
// ZSCAN of a small set returns everything at once, in order, and the lex
// range commands scan a small set linearly (which matters only when its
// members do not all have the same score).

const (
	zsetMaxListpackEntries = 128 // Redis's zset-max-listpack-entries
	zsetMaxListpackValue   = 64  // Redis's zset-max-listpack-value
)

// Z is a sorted-set member with its score.
type Z struct {
	Score  float64
	Member string
}

// ZWithKey is a member popped by BZPopMin or BZPopMax, with the key it came
// from.
type ZWithKey struct {
	Z
	Key string
}

// ZAddArgs are ZADD's options and members. NX adds only new members, XX only
// updates existing ones; GT and LT update only when the new score is
// greater (less) than the current one, and still add new members; Ch counts
// updated members as well as added ones in the reply.
type ZAddArgs struct {
	NX, XX, LT, GT, Ch bool
	Members            []Z
}

// ZRangeBy is a score or lex range for ZRangeByScore, ZRangeByLex and their
// reverse forms: Min and Max as Redis spells them ("-inf", "(1.5", "[a",
// "+"), and an optional LIMIT (Offset, Count; Count < 0 means all, and both
// 0 means no LIMIT).
type ZRangeBy struct {
	Min, Max      string
	Offset, Count int64
}

// ZRangeArgs are ZRANGE's arguments: Start and Stop are ranks ("0", "-1"),
// scores ("(1", "+inf") with ByScore, or lex bounds ("[a", "-") with ByLex;
// Rev reverses the order (and, as in Redis, Start is then the higher
// bound). Offset and Count are the LIMIT, only with ByScore or ByLex (both
// 0 means no LIMIT; a negative Count means all).
type ZRangeArgs struct {
	Key           string
	Start, Stop   string
	ByScore       bool
	ByLex         bool
	Rev           bool
	Offset, Count int64
}

// ZStore are the inputs of ZUnion, ZInter and their STORE forms: the keys
// (sorted sets, or sets whose members count with score 1), a weight per key
// (all 1 when empty) and how scores of a member present in several inputs
// combine: "SUM" (default), "MIN" or "MAX".
type ZStore struct {
	Keys      []string
	Weights   []float64
	Aggregate string
}

// zsetValue is a Redis sorted set.
type zsetValue struct {
	s *zset.Set
	// listpack: Redis would still hold this set as a listpack (see above).
	listpack bool
	objMeta
}

func (*zsetValue) typeName() string { return "zset" }

func (v *zsetValue) clone() value { return &zsetValue{s: v.s.Clone(), listpack: v.listpack} }

// dump lists the members in order with their scores.
func (v *zsetValue) dump() string {
	var b strings.Builder
	b.WriteByte('{')
	v.s.Range(func(m string, sc float64) bool {
		if b.Len() > 1 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Quote(m))
		b.WriteByte(':')
		b.WriteString(number.FormatDouble(sc))
		return true
	})
	b.WriteByte('}')
	return b.String()
}

// newZSet returns an empty sorted set in the encoding Redis 7.0's ZADD
// creates for a first member of length firstLen.
func newZSet(firstLen int) *zsetValue {
	return &zsetValue{s: zset.New(), listpack: firstLen <= zsetMaxListpackValue}
}

// newZSetFor returns a sorted set holding a result computed elsewhere (a
// *STORE destination), in the encoding Redis converts such results to.
func newZSetFor(s *zset.Set) *zsetValue {
	v := &zsetValue{s: s, listpack: s.Len() <= zsetMaxListpackEntries}
	var negZero []string
	if v.listpack {
		s.Range(func(m string, sc float64) bool {
			if sc == 0 && math.Signbit(sc) {
				negZero = append(negZero, m)
			}
			v.listpack = len(m) <= zsetMaxListpackValue
			return v.listpack
		})
	}
	if v.listpack {
		for _, m := range negZero { // see add
			s.Remove(m)
			s.Add(m, 0)
		}
	}
	return v
}

// add sets m's score (adding m if new) and reports whether it was added.
// A listpack stores scores as text, where -0 reads back as 0: so does ours
// while Redis would hold the set as one.
func (v *zsetValue) add(m string, score float64) bool {
	if v.listpack && (len(m) > zsetMaxListpackValue || v.s.Len() >= zsetMaxListpackEntries) {
		if _, exists := v.s.Score(m); !exists {
			v.listpack = false
		}
	}
	if v.listpack && score == 0 {
		score = 0
	}
	return v.s.Add(m, score)
}

// update changes the score of m, held at ref (zset.Set.ScoreRef), to score:
// the member table is not searched again.
func (v *zsetValue) update(m string, ref *float64, score float64) {
	if v.listpack && score == 0 {
		score = 0 // see add
	}
	v.s.UpdateRef(m, ref, score)
}

// listpackScore formats a score as a listpack holds it: integers (up to
// 2^62 in magnitude) as integers, anything else as %.17g.
func listpackScore(sc float64) string {
	if sc >= -(1<<62) && sc <= 1<<62 && sc == math.Trunc(sc) {
		return strconv.FormatInt(int64(sc), 10)
	}
	return number.FormatDouble(sc)
}

// zsetShrunk announces that n members were removed from the sorted set at
// key as ev (n changes: wroteN), deleting the key if it is empty; it
// reports whether the write effect is to be recorded.
func (tx *Tx) zsetShrunk(key string, zv *zsetValue, ev keyEvent, n int) bool {
	rec := tx.wroteN(key, ev, n)
	if zv.s.Len() == 0 {
		tx.emptied(key)
	}
	return rec
}

// emitZAdd records the final scores of members of the set at key.
func (tx *Tx) emitZAdd(key string, zv *zsetValue, members []string) {
	if len(members) == 0 {
		return
	}
	args := make([]string, 0, 2+2*len(members))
	args = append(args, "ZADD", key)
	for _, m := range members {
		sc, _ := zv.s.Score(m)
		args = append(args, number.FormatDouble(sc), m)
	}
	tx.emit(args...)
}

// ZAdd adds members with their scores to the sorted set at key, creating it
// if needed, and updates the scores of members already there. It returns
// the number of members added. ErrWrongType if the key holds another type;
// ErrNotFloat for a NaN score.
func (tx *Tx) ZAdd(key string, members ...Z) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.ZAddArgs(key, ZAddArgs{Members: members})
}

// ZAddArgs is ZADD with options (see ZAddArgs): it returns the number of
// members added, or with Ch added plus updated. Incompatible options (NX
// with XX, GT or LT; GT with LT) are errors with Redis's texts; with XX a
// missing key stays missing.
func (tx *Tx) ZAddArgs(key string, args ZAddArgs) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	n, _, _, err := tx.zadd(key, args, false)
	return n, err
}

// ZAddArgsIncr is ZADD ... INCR: it adds the one member's score to its
// current score (0 for a new member) and returns the new score. It returns
// ErrNotFound when the options prevent the update (NX on an existing member,
// XX on a missing one, GT or LT not met), ErrScoreNaN if the sum is NaN.
func (tx *Tx) ZAddArgsIncr(key string, args ZAddArgs) (float64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	if len(args.Members) != 1 {
		return 0, errZAddIncrPair
	}
	_, sc, ok, err := tx.zadd(key, args, true)
	if err == nil && !ok {
		err = ErrNotFound
	}
	return sc, err
}

// ZIncrBy adds increment to member's score in the sorted set at key (0 for
// a new member, creating the key if needed) and returns the new score;
// ErrScoreNaN if the sum is NaN, ErrWrongType for another type.
func (tx *Tx) ZIncrBy(key string, increment float64, member string) (float64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	_, sc, _, err := tx.zadd(key, ZAddArgs{Members: []Z{{increment, member}}}, true)
	return sc, err
}

// zadd is ZADD and ZINCRBY. It returns the reply count (added, or added plus
// updated with Ch), and with incr the member's score and whether it was
// processed.
func (tx *Tx) zadd(key string, a ZAddArgs, incr bool) (int64, float64, bool, error) {
	if incr && len(a.Members) > 1 {
		return 0, 0, false, errZAddIncrPair
	}
	if a.NX && a.XX {
		return 0, 0, false, errZAddXXNX
	}
	if a.GT && a.NX || a.LT && a.NX || a.GT && a.LT {
		return 0, 0, false, errZAddGTLTNX
	}
	for _, z := range a.Members {
		if math.IsNaN(z.Score) {
			return 0, 0, false, ErrNotFloat
		}
	}
	zv, err := tx.writeZSet(key)
	if err != nil || len(a.Members) == 0 {
		return 0, 0, false, err
	}
	if zv == nil {
		if a.XX {
			return 0, 0, false, nil
		}
		zv = newZSet(len(a.Members[0].Member))
		tx.setValue(key, zv, true)
	}
	var added, updated int64
	var changed []string
	var score float64
	processed := false
	for _, z := range a.Members {
		if ref := zv.s.ScoreRef(z.Member); ref != nil {
			cur := *ref
			if a.NX {
				continue
			}
			next := z.Score
			if incr {
				next = cur + z.Score
				if math.IsNaN(next) {
					tx.zaddDone(key, zv, incr, added+updated > 0, changed)
					return 0, 0, false, ErrScoreNaN
				}
			}
			if a.LT && next >= cur || a.GT && next <= cur {
				continue
			}
			processed, score = true, next
			if next != cur {
				zv.update(z.Member, ref, next)
				updated++
				changed = append(changed, z.Member)
			}
			continue
		}
		if a.XX {
			continue
		}
		zv.add(z.Member, z.Score)
		processed, score = true, z.Score
		added++
		changed = append(changed, z.Member)
	}
	tx.zaddDone(key, zv, incr, added+updated > 0, changed)
	if a.Ch {
		return added + updated, score, processed, nil
	}
	return added, score, processed, nil
}

// zaddDone records what a ZADD changed. (A set it creates is never left
// empty: every member of a new set is new, and only XX, which returns
// before creating the key, refuses new members.)
func (tx *Tx) zaddDone(key string, zv *zsetValue, incr, changed bool, members []string) {
	if !changed {
		return
	}
	ev := evZAdd
	if incr {
		ev = evZIncr
	}
	if tx.wroteN(key, ev, len(members)) { // added plus updated
		tx.emitZAdd(key, zv, members)
	}
}

// ZRem removes members from the sorted set at key and returns how many were
// there; a set left empty is deleted. 0 for a missing key, ErrWrongType for
// another type.
func (tx *Tx) ZRem(key string, members ...string) (int64, error) {
	zv, err := tx.writeZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	var n int64
	for _, m := range members {
		if zv.s.Remove(m) {
			n++
		}
	}
	if n > 0 && tx.zsetShrunk(key, zv, evZRem, int(n)) {
		tx.emit(append([]string{"ZREM", key}, members...)...)
	}
	return n, nil
}

// ZCard returns the number of members of the sorted set at key; 0 for a
// missing key, ErrWrongType for another type.
func (tx *Tx) ZCard(key string) (int64, error) {
	zv, err := tx.readZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	return int64(zv.s.Len()), nil
}

// ZScore returns member's score in the sorted set at key; ErrNotFound if
// the key or the member does not exist, ErrWrongType for another type.
func (tx *Tx) ZScore(key, member string) (float64, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return 0, err
	}
	if zv != nil {
		if sc, ok := zv.s.Score(member); ok {
			return sc, nil
		}
	}
	return 0, ErrNotFound
}

// ZMScore returns the score of each of members in the sorted set at key,
// nil where a member (or the key) does not exist; ErrWrongType for another
// type.
func (tx *Tx) ZMScore(key string, members ...string) ([]*float64, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return nil, err
	}
	out := make([]*float64, len(members))
	if zv != nil {
		for i, m := range members {
			if sc, ok := zv.s.Score(m); ok {
				out[i] = &sc
			}
		}
	}
	return out, nil
}

// ZRank returns member's 0-based rank in the sorted set at key, lowest
// score first (ties in member byte order); ErrNotFound if the key or the
// member does not exist, ErrWrongType for another type.
func (tx *Tx) ZRank(key, member string) (int64, error) {
	return tx.zrank(key, member, false)
}

// ZRevRank is ZRank counting from the highest score.
func (tx *Tx) ZRevRank(key, member string) (int64, error) {
	return tx.zrank(key, member, true)
}

func (tx *Tx) zrank(key, member string, rev bool) (int64, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return 0, err
	}
	if zv != nil {
		if r, ok := zv.s.Rank(member); ok {
			if rev {
				r = zv.s.Len() - 1 - r
			}
			return int64(r), nil
		}
	}
	return 0, ErrNotFound
}

// parseScoreRange parses a ZRANGEBYSCORE-style min and max.
func parseScoreRange(min, max string) (zset.ScoreRange, error) {
	var r zset.ScoreRange
	var ok1, ok2 bool
	r.Min, r.MinEx, ok1 = number.ParseScoreBound(min)
	r.Max, r.MaxEx, ok2 = number.ParseScoreBound(max)
	if !ok1 || !ok2 {
		return r, errMinMaxNotFloat
	}
	return r, nil
}

func parseLexBound(s string) (zset.LexBound, bool) {
	switch {
	case s == "+":
		return zset.LexBound{Inf: 1}, true
	case s == "-":
		return zset.LexBound{Inf: -1}, true
	case strings.HasPrefix(s, "("):
		return zset.LexBound{Value: s[1:], Exclusive: true}, true
	case strings.HasPrefix(s, "["):
		return zset.LexBound{Value: s[1:]}, true
	}
	return zset.LexBound{}, false
}

// parseLexRange parses a ZRANGEBYLEX-style min and max.
func parseLexRange(min, max string) (zset.LexRange, error) {
	a, ok1 := parseLexBound(min)
	b, ok2 := parseLexBound(max)
	if !ok1 || !ok2 {
		return zset.LexRange{}, errLexRange
	}
	return zset.LexRange{Min: a, Max: b}, nil
}

// scoreSpan returns the ranks [first, last] of the members of zv with
// scores in r (first > last when none).
func (zv *zsetValue) scoreSpan(r zset.ScoreRange) (int, int) {
	first := zv.s.FirstInScoreRange(r)
	if first < 0 {
		return 0, -1
	}
	return first, zv.s.LastInScoreRange(r)
}

// lexFirst and lexLast find where a lex range starts (from the low or the
// high end) as Redis does: by a linear scan in a listpack, by the tree
// otherwise. -1 when nothing is in range.
func (zv *zsetValue) lexFirst(r zset.LexRange) int {
	if zv.listpack {
		return zv.s.FirstInLexRangeLinear(r)
	}
	return zv.s.FirstInLexRange(r)
}

func (zv *zsetValue) lexLast(r zset.LexRange) int {
	if zv.listpack {
		return zv.s.LastInLexRangeLinear(r)
	}
	return zv.s.LastInLexRange(r)
}

// lexWalk returns the ranks [first, last] that ZREMRANGEBYLEX (and
// ZLEXCOUNT on a listpack) cover: from the start of the range, walking on
// while members stay at or below max. When members are in lex order (all
// scores equal) that is exactly the members in range.
func (zv *zsetValue) lexWalk(r zset.LexRange) (int, int) {
	first := zv.lexFirst(r)
	if first < 0 {
		return 0, -1
	}
	last := first
	for it := zv.s.At(first + 1); it.Valid() && r.LteMax(it.Member()); it.Next() {
		last++
	}
	return first, last
}

// lexCount is ZLEXCOUNT: on a listpack the walk, otherwise the ranks of both
// ends of the range, as Redis counts.
func (zv *zsetValue) lexCount(r zset.LexRange) int {
	if zv.listpack {
		first, last := zv.lexWalk(r)
		return last - first + 1
	}
	first := zv.s.FirstInLexRange(r)
	if first < 0 {
		return 0
	}
	last := zv.s.LastInLexRange(r)
	if last < 0 {
		return zv.s.Len() - first
	}
	return last - first + 1
}

// ZCount returns the number of members of the sorted set at key whose
// scores are between min and max ("-inf", "(1", "+inf"); 0 for a missing
// key, ErrWrongType for another type, an error for a bound that is not a
// float.
func (tx *Tx) ZCount(key, min, max string) (int64, error) {
	r, err := parseScoreRange(min, max)
	if err != nil {
		return 0, err
	}
	zv, err := tx.readZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	first, last := zv.scoreSpan(r)
	return int64(last - first + 1), nil
}

// ZLexCount returns the number of members of the sorted set at key between
// the lex bounds min and max ("-", "[a", "(b", "+"); meaningful when all
// scores are equal. 0 for a missing key.
func (tx *Tx) ZLexCount(key, min, max string) (int64, error) {
	r, err := parseLexRange(min, max)
	if err != nil {
		return 0, err
	}
	zv, err := tx.readZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	return int64(zv.lexCount(r)), nil
}

// rankSpan turns ZRANGE's start and stop ranks (negative from the end) into
// [first, last] ranks, first > last when empty.
func rankSpan(start, stop int64, n int) (int, int) {
	size := int64(n)
	if start < 0 {
		start += size
	}
	if stop < 0 {
		stop += size
	}
	if start < 0 {
		start = 0
	}
	if start > stop || start >= size {
		return 0, -1
	}
	if stop >= size {
		stop = size - 1
	}
	return int(start), int(stop)
}

// zrangeQuery is a parsed ZRANGE of any form.
type zrangeQuery struct {
	kind          byte // 'r' rank, 's' score, 'l' lex
	rev           bool
	start, stop   int64
	score         zset.ScoreRange
	lex           zset.LexRange
	offset, limit int64 // limit < 0: no limit
}

// parseZRange builds a query from ZRangeArgs.
func parseZRange(a ZRangeArgs) (zrangeQuery, error) {
	kind := byte('r')
	switch {
	case a.ByScore && a.ByLex:
		return zrangeQuery{}, ErrSyntax
	case a.ByScore:
		kind = 's'
	case a.ByLex:
		kind = 'l'
	}
	limit := int64(-1)
	if a.Offset != 0 || a.Count != 0 {
		limit = a.Count
	}
	return newZRangeQuery(kind, a.Rev, a.Start, a.Stop, a.Offset, limit)
}

// newZRangeQuery parses a ZRANGE of kind 'r' (rank), 's' (score) or 'l'
// (lex); limit < 0 with offset 0 means no LIMIT. With rev, start is the
// higher bound of a score or lex range.
func newZRangeQuery(kind byte, rev bool, start, stop string, offset, limit int64) (zrangeQuery, error) {
	q := zrangeQuery{kind: kind, rev: rev, offset: offset, limit: limit}
	if kind == 'r' && limit != -1 {
		return q, errLimitOnlyByScore
	}
	min, max := start, stop
	if rev && kind != 'r' {
		min, max = max, min
	}
	var err error
	switch kind {
	case 'r':
		q.start, q.stop, err = parseTwoInts(start, stop)
	case 's':
		q.score, err = parseScoreRange(min, max)
	default:
		q.lex, err = parseLexRange(min, max)
	}
	return q, err
}

// run returns the members the query selects, in reply order.
func (q *zrangeQuery) run(zv *zsetValue) []Z {
	if zv == nil {
		return []Z{}
	}
	n := zv.s.Len()
	var first, last int
	switch q.kind {
	case 'r':
		first, last = rankSpan(q.start, q.stop, n)
		if q.rev {
			first, last = n-1-last, n-1-first
		}
	case 's':
		first, last = zv.scoreSpan(q.score)
	default:
		return q.runLex(zv)
	}
	if first > last {
		return []Z{}
	}
	count := int64(last - first + 1)
	if q.kind != 'r' && (q.offset != 0 || q.limit >= 0) {
		if q.offset < 0 || q.offset >= count {
			return []Z{}
		}
		count -= q.offset
		if q.limit >= 0 && q.limit < count {
			count = q.limit
		}
		if q.rev {
			last -= int(q.offset)
		} else {
			first += int(q.offset)
		}
	}
	out := make([]Z, 0, count)
	if q.rev {
		for it := zv.s.At(last); it.Valid() && int64(len(out)) < count; it.Prev() {
			out = append(out, Z{it.Score(), it.Member()})
		}
	} else {
		for it := zv.s.At(first); it.Valid() && int64(len(out)) < count; it.Next() {
			out = append(out, Z{it.Score(), it.Member()})
		}
	}
	return out
}

// runLex walks a lex range as Redis does: from the first member in range
// (the last with rev), skipping offset members whatever they are, then
// taking members while they stay within the far bound. With members in lex
// order that is the range with its LIMIT; otherwise it is what Redis
// answers for a listpack.
func (q *zrangeQuery) runLex(zv *zsetValue) []Z {
	out := []Z{}
	var it zset.Iter
	if q.rev {
		it = zv.s.At(zv.lexLast(q.lex))
	} else {
		it = zv.s.At(zv.lexFirst(q.lex))
	}
	if q.offset < 0 {
		return out
	}
	for i := int64(0); i < q.offset && it.Valid(); i++ {
		it = step(it, q.rev)
	}
	for ; it.Valid() && (q.limit < 0 || int64(len(out)) < q.limit); it = step(it, q.rev) {
		m := it.Member()
		if q.rev && !q.lex.GteMin(m) || !q.rev && !q.lex.LteMax(m) {
			break
		}
		out = append(out, Z{it.Score(), m})
	}
	return out
}

func (tx *Tx) zrange(a ZRangeArgs) ([]Z, error) {
	q, err := parseZRange(a)
	if err != nil {
		return nil, err
	}
	return tx.zrangeRun(a.Key, &q)
}

func (tx *Tx) zrangeRun(key string, q *zrangeQuery) ([]Z, error) {
	zv, err := tx.readZSet(key)
	if err != nil {
		return nil, err
	}
	return q.run(zv), nil
}

func members(zs []Z) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = z.Member
	}
	return out
}

func membersOrError(zs []Z, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	return members(zs), nil
}

// ZRangeArgs returns the members ZRANGE selects (see ZRangeArgs): by rank,
// score or lex range, in either direction, with LIMIT. A missing key gives
// an empty slice; ErrWrongType for another type; Redis's errors for bad
// ranges and option combinations.
func (tx *Tx) ZRangeArgs(args ZRangeArgs) ([]string, error) {
	return membersOrError(tx.zrange(args))
}

// ZRangeArgsWithScores is ZRangeArgs with the scores.
func (tx *Tx) ZRangeArgsWithScores(args ZRangeArgs) ([]Z, error) {
	return tx.zrange(args)
}

// ZRange returns the members of the sorted set at key with ranks start to
// stop inclusive (negative ranks count from the end), lowest score first.
func (tx *Tx) ZRange(key string, start, stop int64) ([]string, error) {
	return tx.ZRangeArgs(ZRangeArgs{Key: key, Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10)})
}

// ZRangeWithScores is ZRange with the scores.
func (tx *Tx) ZRangeWithScores(key string, start, stop int64) ([]Z, error) {
	return tx.zrange(ZRangeArgs{Key: key, Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10)})
}

// ZRevRange is ZRange from the highest score down.
func (tx *Tx) ZRevRange(key string, start, stop int64) ([]string, error) {
	return tx.ZRangeArgs(ZRangeArgs{Key: key, Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10), Rev: true})
}

// ZRevRangeWithScores is ZRevRange with the scores.
func (tx *Tx) ZRevRangeWithScores(key string, start, stop int64) ([]Z, error) {
	return tx.zrange(ZRangeArgs{Key: key, Start: strconv.FormatInt(start, 10), Stop: strconv.FormatInt(stop, 10), Rev: true})
}

func rangeByArgs(key string, by ZRangeBy, score, rev bool) ZRangeArgs {
	a := ZRangeArgs{Key: key, Start: by.Min, Stop: by.Max, ByScore: score, ByLex: !score, Rev: rev, Offset: by.Offset, Count: by.Count}
	if rev {
		a.Start, a.Stop = by.Max, by.Min
	}
	return a
}

// ZRangeByScore returns the members of the sorted set at key with scores
// between by.Min and by.Max, lowest first, with by's LIMIT.
func (tx *Tx) ZRangeByScore(key string, by ZRangeBy) ([]string, error) {
	return tx.ZRangeArgs(rangeByArgs(key, by, true, false))
}

// ZRangeByScoreWithScores is ZRangeByScore with the scores.
func (tx *Tx) ZRangeByScoreWithScores(key string, by ZRangeBy) ([]Z, error) {
	return tx.zrange(rangeByArgs(key, by, true, false))
}

// ZRevRangeByScore is ZRangeByScore from the highest score down.
func (tx *Tx) ZRevRangeByScore(key string, by ZRangeBy) ([]string, error) {
	return tx.ZRangeArgs(rangeByArgs(key, by, true, true))
}

// ZRevRangeByScoreWithScores is ZRevRangeByScore with the scores.
func (tx *Tx) ZRevRangeByScoreWithScores(key string, by ZRangeBy) ([]Z, error) {
	return tx.zrange(rangeByArgs(key, by, true, true))
}

// ZRangeByLex returns the members of the sorted set at key between the lex
// bounds by.Min and by.Max, with by's LIMIT (for sets whose scores are all
// equal).
func (tx *Tx) ZRangeByLex(key string, by ZRangeBy) ([]string, error) {
	return tx.ZRangeArgs(rangeByArgs(key, by, false, false))
}

// ZRevRangeByLex is ZRangeByLex in reverse order.
func (tx *Tx) ZRevRangeByLex(key string, by ZRangeBy) ([]string, error) {
	return tx.ZRangeArgs(rangeByArgs(key, by, false, true))
}

// ZRangeStore stores the members ZRANGE selects from args.Key at dst,
// replacing it, and returns their number; an empty selection deletes dst.
func (tx *Tx) ZRangeStore(dst string, args ZRangeArgs) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	zs, err := tx.zrange(args)
	if err != nil {
		return 0, err
	}
	s := zset.New()
	for _, z := range zs {
		s.Add(z.Member, z.Score)
	}
	return tx.storeZSet(dst, s, evZRangeSt, 1), nil
}

// storeZSet writes the result of a *STORE command to dst: an empty result
// deletes dst (one change, if dst existed), anything else replaces dst (of
// any type) and its time to live, counting changes changes (wroteN: one for
// ZUNIONSTORE and its relatives, one per member for the geo searches, as
// Redis counts). The write-effect stream records DEL dst and a ZADD of the
// result.
//
// One detail needs more: a ZADD replayed into a new key starts a small set
// (a listpack in Redis), where a score of -0 becomes 0, while a large
// result holds -0 as it is. When a result Redis would not keep as a
// listpack has a -0 score, the stream first adds a member too long for a
// listpack (and removes it after), so that the replayed set is large from
// its first ZADD, as the original is.
func (tx *Tx) storeZSet(dst string, s *zset.Set, ev keyEvent, changes int) int64 {
	n := s.Len()
	if n == 0 {
		if tx.deleteKey(dst) && tx.wrote(dst, evDel) {
			tx.emit("DEL", dst)
		}
		return 0
	}
	zv := newZSetFor(s)
	tx.setValue(dst, zv, false)
	if tx.wroteN(dst, ev, changes) {
		args := make([]string, 0, 2+2*n)
		args = append(args, "ZADD", dst)
		negZero := false
		s.Range(func(m string, sc float64) bool {
			negZero = negZero || sc == 0 && math.Signbit(sc)
			args = append(args, number.FormatDouble(sc), m)
			return true
		})
		tx.emit("DEL", dst)
		if negZero && !zv.listpack {
			long := strings.Repeat("\x00", zsetMaxListpackValue+1)
			for _, ok := s.Score(long); ok; _, ok = s.Score(long) {
				long += "\x00"
			}
			tx.emit("ZADD", dst, "0", long)
			tx.emit(args...)
			tx.emit("ZREM", dst, long)
		} else {
			tx.emit(args...)
		}
	}
	return int64(n)
}

// zremRange removes the members with ranks [first, last] and records them;
// ev is the command's event.
func (tx *Tx) zremRange(key string, zv *zsetValue, first, last int, ev keyEvent) int64 {
	if first > last {
		return 0
	}
	removed := make([]string, 0, last-first+1)
	for it := zv.s.At(first); it.Valid() && len(removed) < last-first+1; it.Next() {
		removed = append(removed, it.Member())
	}
	for _, m := range removed {
		zv.s.Remove(m)
	}
	if tx.zsetShrunk(key, zv, ev, len(removed)) {
		tx.emit(append([]string{"ZREM", key}, removed...)...)
	}
	return int64(len(removed))
}

// ZRemRangeByRank removes the members with ranks start to stop (negative
// from the end) and returns how many; a set left empty is deleted.
func (tx *Tx) ZRemRangeByRank(key string, start, stop int64) (int64, error) {
	zv, err := tx.writeZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	first, last := rankSpan(start, stop, zv.s.Len())
	return tx.zremRange(key, zv, first, last, evZRemRank), nil
}

// ZRemRangeByScore removes the members with scores between min and max and
// returns how many.
func (tx *Tx) ZRemRangeByScore(key, min, max string) (int64, error) {
	r, err := parseScoreRange(min, max)
	if err != nil {
		return 0, err
	}
	zv, err := tx.writeZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	first, last := zv.scoreSpan(r)
	return tx.zremRange(key, zv, first, last, evZRemScore), nil
}

// ZRemRangeByLex removes the members between the lex bounds min and max
// and returns how many.
func (tx *Tx) ZRemRangeByLex(key, min, max string) (int64, error) {
	r, err := parseLexRange(min, max)
	if err != nil {
		return 0, err
	}
	zv, err := tx.writeZSet(key)
	if err != nil || zv == nil {
		return 0, err
	}
	first, last := zv.lexWalk(r)
	return tx.zremRange(key, zv, first, last, evZRemLex), nil
}

// zpop removes up to count members from the low (max false) or high end of
// the non-empty set at key and returns them in pop order.
func (tx *Tx) zpop(key string, zv *zsetValue, max bool, count int) []Z {
	n := min(count, zv.s.Len())
	out := make([]Z, 0, n)
	it := zv.s.At(0)
	if max {
		it = zv.s.At(zv.s.Len() - 1)
	}
	for ; it.Valid() && len(out) < n; it = step(it, max) {
		out = append(out, Z{it.Score(), it.Member()})
	}
	for _, z := range out {
		zv.s.Remove(z.Member)
	}
	ev := evZPopMin
	if max {
		ev = evZPopMax
	}
	if len(out) > 0 && tx.zsetShrunk(key, zv, ev, len(out)) {
		tx.emit(append([]string{"ZREM", key}, members(out)...)...)
	}
	return out
}

func step(it zset.Iter, back bool) zset.Iter {
	if back {
		it.Prev()
	} else {
		it.Next()
	}
	return it
}

// ZPopMin removes and returns the count members with the lowest scores of
// the sorted set at key (fewer if the set is smaller), lowest first; a set
// left empty is deleted. A missing key or a count of 0 gives an empty
// slice, a negative count an error.
func (tx *Tx) ZPopMin(key string, count int64) ([]Z, error) {
	return tx.zpopCmd(key, false, count)
}

// ZPopMax is ZPopMin from the highest score down.
func (tx *Tx) ZPopMax(key string, count int64) ([]Z, error) {
	return tx.zpopCmd(key, true, count)
}

func (tx *Tx) zpopCmd(key string, max bool, c int64) ([]Z, error) {
	if c < 0 {
		return nil, ErrNotPositive
	}
	zv, err := tx.writeZSet(key)
	if err != nil || zv == nil || c == 0 {
		return []Z{}, err
	}
	return tx.zpop(key, zv, max, int(min(c, math.MaxInt32))), nil
}

// zsetEnd parses ZMPOP's MIN or MAX: it reports whether it is MAX.
func zsetEnd(s string) (bool, error) {
	switch {
	case strings.EqualFold(s, "MIN"):
		return false, nil
	case strings.EqualFold(s, "MAX"):
		return true, nil
	}
	return false, ErrSyntax
}

// ZMPop pops up to count members from the first non-empty sorted set among
// keys, from the "MIN" or "MAX" end, and returns its key and the members.
// ErrNotFound when every key is missing; ErrWrongType when a key checked
// holds another type.
func (tx *Tx) ZMPop(order string, count int64, keys ...string) (key string, members []Z, err error) {
	max, err := mpopArgs(zsetEnd, order, count, keys)
	if err != nil {
		return "", nil, err
	}
	for _, k := range keys {
		zv, err := tx.writeZSet(k)
		if err != nil {
			return "", nil, err
		}
		if zv != nil {
			return k, tx.zpop(k, zv, max, int(min(count, math.MaxInt32))), nil
		}
	}
	return "", nil, ErrNotFound
}

// zrandCount is ZRANDMEMBER's count check.
func (tx *Tx) zrandmember(key string, count int64) ([]Z, error) {
	if count == math.MinInt64 {
		return nil, ErrRandCountRange
	}
	zv, err := tx.readZSet(key)
	if err != nil {
		return nil, err
	}
	if zv == nil || count == 0 {
		return []Z{}, nil
	}
	// A member drawn by rank: the tree counts its leaves, so this is
	// uniform and O(log n), with no hash table in the way.
	draw := func() Z {
		it := zv.s.At(tx.e.rnd.IntN(zv.s.Len()))
		return Z{it.Score(), it.Member()}
	}
	if count < -maxRandRepeats {
		return nil, ErrValueOutOfRange // see maxRandRepeats
	}
	if count < 0 {
		out := make([]Z, 0, min(-count, 1<<16))
		for i := int64(0); i < -count; i++ {
			out = append(out, draw())
		}
		return out, nil
	}
	size := int64(zv.s.Len())
	if count >= size {
		// The whole set, highest score first, as Redis 7.0 replies.
		out := make([]Z, 0, size)
		for it := zv.s.At(int(size) - 1); it.Valid(); it.Prev() {
			out = append(out, Z{it.Score(), it.Member()})
		}
		return out, nil
	}
	out := make([]Z, 0, count)
	if count*3 > size || zv.listpack {
		// Close to the whole set, or small: the first count ranks of a
		// partial Fisher–Yates shuffle, rather than drawing until count
		// distinct members come up (Redis's third case copies and removes
		// instead).
		ranks := make([]int, size)
		for i := range ranks {
			ranks[i] = i
		}
		for i := range int(count) {
			j := i + tx.e.rnd.IntN(int(size)-i)
			ranks[i], ranks[j] = ranks[j], ranks[i]
		}
		chosen := ranks[:count]
		if zv.listpack && count*3 <= size {
			// Redis samples a listpack in its own order when the count is
			// at most a third of the size: lowest score first.
			slices.Sort(chosen)
		}
		for _, r := range chosen {
			it := zv.s.At(r)
			out = append(out, Z{it.Score(), it.Member()})
		}
		return out, nil
	}
	seen := make(map[string]struct{}, count)
	for int64(len(out)) < count {
		z := draw()
		if _, dup := seen[z.Member]; dup {
			continue
		}
		seen[z.Member] = struct{}{}
		out = append(out, z)
	}
	return out, nil
}

// ZRandMember returns count random members of the sorted set at key
// without removing them, as Redis: with a positive count, min(count, size)
// distinct members, every subset of that size equally likely (a count at
// least the size gives the whole set, highest score first, and a set Redis
// would keep as a listpack sampled with a count at most a third of its size
// gives its members lowest score first, as Redis replies); with a negative
// count, exactly -count members drawn
// independently, so they may repeat (a count below -maxRandRepeats, -2^24,
// is ErrValueOutOfRange, where Redis would try to allocate the reply). A
// missing key or a count of 0 gives an empty slice.
func (tx *Tx) ZRandMember(key string, count int64) ([]string, error) {
	return membersOrError(tx.zrandmember(key, count))
}

// ZRandMemberWithScores is ZRandMember with the scores.
func (tx *Tx) ZRandMemberWithScores(key string, count int64) ([]Z, error) {
	return tx.zrandmember(key, count)
}

// zsetOpSource is one input of ZUNION/ZINTER/ZDIFF: a sorted set, a set
// (score 1) or nothing.
type zsetOpSource struct {
	z      *zsetValue
	s      *setValue
	weight float64
}

func (src *zsetOpSource) card() int {
	switch {
	case src.z != nil:
		return src.z.s.Len()
	case src.s != nil:
		return src.s.card()
	}
	return 0
}

func (src *zsetOpSource) score(m string) (float64, bool) {
	switch {
	case src.z != nil:
		return src.z.s.Score(m)
	case src.s != nil:
		if src.s.has(m) {
			return 1, true
		}
	}
	return 0, false
}

func (src *zsetOpSource) each(fn func(m string, sc float64)) {
	switch {
	case src.z != nil:
		src.z.s.Range(func(m string, sc float64) bool { fn(m, sc); return true })
	case src.s != nil:
		src.s.each(func(m string) bool { fn(m, 1); return true })
	}
}

// zsetOpSources looks up the inputs: sorted sets or sets, ErrWrongType for
// anything else.
func (tx *Tx) zsetOpSources(keys []string, weights []float64) ([]zsetOpSource, error) {
	out := make([]zsetOpSource, len(keys))
	for i, k := range keys {
		out[i].weight = 1
		if weights != nil {
			out[i].weight = weights[i]
		}
		switch v := tx.lookupRead(k).(type) {
		case nil:
		case *zsetValue:
			out[i].z = v
		case *setValue:
			out[i].s = v
		default:
			return nil, ErrWrongType
		}
	}
	return out, nil
}

// aggregate combines a member's weighted scores as Redis does: a NaN sum
// (inf - inf) becomes 0, and MIN and MAX keep the current value when the
// new one is NaN (0 × inf).
func aggregate(agg byte, acc, v float64) float64 {
	switch agg {
	case 'n':
		if v < acc {
			return v
		}
		return acc
	case 'x':
		if v > acc {
			return v
		}
		return acc
	}
	s := acc + v
	if math.IsNaN(s) {
		return 0
	}
	return s
}

func weighted(sc, w float64) float64 {
	v := sc * w
	if math.IsNaN(v) {
		return 0
	}
	return v
}

func parseAggregate(s string) (byte, error) {
	switch {
	case s == "" || strings.EqualFold(s, "SUM"):
		return 's', nil
	case strings.EqualFold(s, "MIN"):
		return 'n', nil
	case strings.EqualFold(s, "MAX"):
		return 'x', nil
	}
	return 0, ErrSyntax
}

// zsetOp computes ZUNION ('u'), ZINTER ('i') or ZDIFF ('d') of the inputs.
func (tx *Tx) zsetOp(op byte, st ZStore) (*zset.Set, error) {
	if len(st.Keys) == 0 {
		return nil, ErrNumKeys
	}
	if st.Weights != nil && len(st.Weights) != len(st.Keys) {
		return nil, ErrSyntax
	}
	agg, err := parseAggregate(st.Aggregate)
	if err != nil {
		return nil, err
	}
	srcs, err := tx.zsetOpSources(st.Keys, st.Weights)
	if err != nil {
		return nil, err
	}
	return zsetOpOn(op, agg, srcs), nil
}

// zsetOpOn computes zsetOp on inputs already looked up.
func zsetOpOn(op byte, agg byte, srcs []zsetOpSource) *zset.Set {
	res := zset.New()
	switch op {
	case 'd':
		first := &srcs[0]
		first.each(func(m string, sc float64) {
			for i := 1; i < len(srcs); i++ {
				if _, ok := srcs[i].score(m); ok {
					return
				}
			}
			res.Add(m, sc)
		})
		return res
	case 'i':
		// Redis walks the smallest input and adds scores in order of
		// increasing size; equal sizes keep their order here.
		slices.SortStableFunc(srcs, func(a, b zsetOpSource) int { return a.card() - b.card() })
		if srcs[0].card() == 0 {
			return res
		}
		srcs[0].each(func(m string, sc float64) {
			acc := weighted(sc, srcs[0].weight)
			for i := 1; i < len(srcs); i++ {
				o, ok := srcs[i].score(m)
				if !ok {
					return
				}
				acc = aggregate(agg, acc, o*srcs[i].weight)
			}
			res.Add(m, acc)
		})
		return res
	}
	slices.SortStableFunc(srcs, func(a, b zsetOpSource) int { return a.card() - b.card() })
	acc := make(map[string]float64)
	var order []string
	for i := range srcs {
		srcs[i].each(func(m string, sc float64) {
			v := weighted(sc, srcs[i].weight)
			if cur, ok := acc[m]; ok {
				acc[m] = aggregate(agg, cur, v)
				return
			}
			acc[m] = v
			order = append(order, m)
		})
	}
	for _, m := range order {
		res.Add(m, acc[m])
	}
	return res
}

func setToZs(s *zset.Set) []Z {
	out := make([]Z, 0, s.Len())
	s.Range(func(m string, sc float64) bool { out = append(out, Z{sc, m}); return true })
	return out
}

// zsetOpZs returns the result of zsetOp in score order.
func (tx *Tx) zsetOpZs(op byte, st ZStore) ([]Z, error) {
	s, err := tx.zsetOp(op, st)
	if err != nil {
		return nil, err
	}
	return setToZs(s), nil
}

// zsetOpStore stores the result of zsetOp at dst and returns its size.
func (tx *Tx) zsetOpStore(op byte, dst string, st ZStore) (int64, error) {
	s, err := tx.zsetOp(op, st)
	if err != nil {
		return 0, err
	}
	return tx.storeZSet(dst, s, zsetStoreEvent(op), 1), nil
}

// zsetStoreEvent is the event of ZUNIONSTORE ('u'), ZINTERSTORE ('i') or
// ZDIFFSTORE ('d').
func zsetStoreEvent(op byte) keyEvent {
	switch op {
	case 'i':
		return evZInterSt
	case 'd':
		return evZDiffSt
	}
	return evZUnionSt
}

// ZUnion returns the union of the inputs (see ZStore) in score order.
// Missing keys are empty; a key of another type than sorted set or set is
// ErrWrongType.
func (tx *Tx) ZUnion(store ZStore) ([]string, error) {
	zs, err := tx.ZUnionWithScores(store)
	return membersOrError(zs, err)
}

// ZUnionWithScores is ZUnion with the aggregated scores.
func (tx *Tx) ZUnionWithScores(store ZStore) ([]Z, error) {
	return tx.zsetOpZs('u', store)
}

// ZUnionStore stores the union at destination (deleting it when empty) and
// returns its size.
func (tx *Tx) ZUnionStore(destination string, store ZStore) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.zsetOpStore('u', destination, store)
}

// ZInter returns the members present in every input, with aggregated
// scores, in score order; a missing key makes it empty.
func (tx *Tx) ZInter(store ZStore) ([]string, error) {
	zs, err := tx.ZInterWithScores(store)
	return membersOrError(zs, err)
}

// ZInterWithScores is ZInter with the aggregated scores.
func (tx *Tx) ZInterWithScores(store ZStore) ([]Z, error) {
	return tx.zsetOpZs('i', store)
}

// ZInterStore stores the intersection at destination (deleting it when
// empty) and returns its size.
func (tx *Tx) ZInterStore(destination string, store ZStore) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.zsetOpStore('i', destination, store)
}

// ZInterCard returns the size of the intersection of the inputs, counting
// no further than limit when limit > 0.
func (tx *Tx) ZInterCard(limit int64, keys ...string) (int64, error) {
	if limit < 0 {
		return 0, ErrLimitNegative
	}
	if len(keys) == 0 {
		return 0, ErrNumKeys
	}
	srcs, err := tx.zsetOpSources(keys, nil)
	if err != nil {
		return 0, err
	}
	return zinterCard(srcs, limit), nil
}

// zinterCard is ZINTERCARD on inputs already looked up.
func zinterCard(srcs []zsetOpSource, limit int64) int64 {
	n := int64(zsetOpOn('i', 's', srcs).Len())
	if limit > 0 && n > limit {
		n = limit
	}
	return n
}

// ZDiff returns the members of the first input that are in none of the
// others, with their scores from the first, in score order.
func (tx *Tx) ZDiff(keys ...string) ([]string, error) {
	zs, err := tx.ZDiffWithScores(keys...)
	return membersOrError(zs, err)
}

// ZDiffWithScores is ZDiff with the scores.
func (tx *Tx) ZDiffWithScores(keys ...string) ([]Z, error) {
	return tx.zsetOpZs('d', ZStore{Keys: keys})
}

// ZDiffStore stores the difference at destination (deleting it when empty)
// and returns its size.
func (tx *Tx) ZDiffStore(destination string, keys ...string) (int64, error) {
	if tx.refuseOOM() {
		return 0, ErrOOM
	}
	return tx.zsetOpStore('d', destination, ZStore{Keys: keys})
}

// ZScan iterates the sorted set at key as Redis's ZSCAN: it returns some
// members matching the glob pattern match ("" matches all), each followed by
// its score (formatted as Redis formats it), and the cursor to pass next; 0
// ends the iteration. A small set (one Redis keeps as a listpack) returns
// everything at once, in order, with cursor 0. Every member present for the
// whole iteration is returned at least once. A missing key gives nothing
// and cursor 0.
func (tx *Tx) ZScan(key string, cursor uint64, match string, count int64) (membersScores []string, nextCursor uint64, err error) {
	zv, err := tx.readZSet(key)
	if err != nil || zv == nil {
		return []string{}, 0, err
	}
	if count <= 0 {
		count = 10
	}
	matches := func(m string) bool { return match == "" || match == "*" || glob.Match(match, m) }
	out := []string{}
	if zv.listpack {
		zv.s.Range(func(m string, sc float64) bool {
			if matches(m) {
				out = append(out, m, listpackScore(sc))
			}
			return true
		})
		return out, 0, nil
	}
	maxSteps := scanSteps(count)
	seen := int64(0)
	for {
		cursor = zv.s.Scan(cursor, func(m string, sc float64) {
			seen += 2
			if matches(m) {
				out = append(out, m, number.FormatDouble(sc))
			}
		})
		maxSteps--
		if cursor == 0 || maxSteps <= 0 || seen >= count {
			return out, cursor, nil
		}
	}
}
