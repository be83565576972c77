package embedis

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/rdb"
	"github.com/embedis/embedis/internal/zset"
)

// DUMP and RESTORE: one value moved to or from Redis in Redis's own form.
//
// A payload is what Redis 7.0's DUMP replies: the value's RDB type byte and
// body, exactly as in an RDB file (internal/rdb), then the RDB version (10,
// two bytes little-endian) and the CRC-64 of everything before it. A payload
// from redis-server 7.0 restores into embedis and one from embedis into
// redis-server 7.0 (or any later version).
//
// Each value is written in the encoding OBJECT ENCODING reports for it:
// strings as strings (integers in 32 bits as integers, longer strings LZF-
// compressed when that saves space), lists as a quicklist of listpacks,
// sets as an intset (at the intset's width, which like Redis's only ever
// grows) or as a plain set, hashes and sorted sets as a listpack or as a
// plain hash / a ZSET_2. Where Redis's own bytes are fixed by the value's
// history — every string, list, intset, listpack hash and sorted set, and
// skiplist sorted set — the payload is byte-identical to
// redis-server's after the same commands. Where they are not, because Redis
// walks a hash table in an order set by its random seed (a "hashtable" set
// or hash), the elements come in embedis's own order and the bytes differ
// from any one redis-server's run; the value they stand for is the same.
//
// A list's quicklist nodes are where Redis 7.0 has them (8 KB listpacks,
// list-max-listpack-size -2): each list follows its nodes through every
// list command, and a restored or loaded list keeps the nodes of its
// payload (see quicklist.go).
//
// RESTORE re-decides the encoding as Redis does when it loads a value: a
// plain set of at most 512 integers becomes an intset, a plain hash of at
// most 512 short fields a listpack, a ZSET_2 of at most 128 short members a
// listpack; a listpack or intset of more entries than Redis's limits is
// converted; OBJECT ENCODING then answers what redis-server answers after
// the same RESTORE.

// evRestore is RESTORE's keyspace event.
var evRestore = keyEvent{class: classGeneric, name: "restore"}

// RestoreArgs are RESTORE's options. The zero value restores a key with no
// time to live that must not exist yet.
type RestoreArgs struct {
	// TTL, if positive, gives the key a time to live, at millisecond
	// resolution (a positive TTL under a millisecond counts as one). A
	// negative TTL is ErrInvalidTTL. A TTL so long that its deadline would
	// pass the int64 range of Unix milliseconds wraps around as in Redis:
	// the deadline is in the past and nothing is restored.
	TTL time.Duration
	// ExpireAt, if not zero, is the key's absolute deadline (RESTORE …
	// ABSTTL). A deadline not after the store's time restores nothing: the
	// command succeeds, and with Replace an existing key is deleted. An
	// ExpireAt before 1970 is ErrInvalidTTL; ExpireAt together with TTL is
	// ErrSyntax.
	ExpireAt time.Time
	// Replace overwrites an existing key (REPLACE); without it, a key that
	// exists is ErrBusyKey.
	Replace bool
	// IdleTime, if positive, is IDLETIME in whole seconds: how long ago the
	// key is to look last used; a negative IdleTime is ErrInvalidIdleTime.
	// Freq, if positive, is FREQ: the key's LFU counter, at most 255 (a
	// value outside 0..255 is ErrInvalidFreq). Both together are ErrSyntax,
	// as in Redis. They are checked as Redis checks them and kept in the
	// write effect, but embedis does not keep access metadata yet (OBJECT
	// IDLETIME and FREQ; issue 15), so they have no other effect. (Zero is
	// "not given": FREQ 0 has no form here, and means what no FREQ means
	// while there is no LFU counter.)
	IdleTime time.Duration
	Freq     int
}

// restoreSpec is RESTORE's options as parsed from the command or from
// RestoreArgs.
type restoreSpec struct {
	hasTTL  bool
	ttl     int64 // ms: relative, or an absolute Unix-ms deadline with abs
	abs     bool
	ttlErr  error // a bad TTL argument, reported after the BUSYKEY check as Redis does
	replace bool
	idle    int64 // seconds; -1: none
	freq    int64 // -1: none
}

// Dump returns the value at key serialized as Redis 7.0's DUMP does (see
// the overview in dump.go: RDB encoding, RDB version 10, CRC-64), with ok
// false if the key does not exist. It is a read: it counts a keyspace hit
// or miss. The payload restores into redis-server with RESTORE and into
// embedis with Restore.
func (tx *Tx) Dump(key string) (payload string, ok bool, err error) {
	v := tx.lookupRead(key)
	if v == nil {
		return "", false, nil
	}
	var e rdb.Encoder
	e.Compress = true
	p, err := appendPayload(&e, nil, v)
	if err != nil {
		return "", false, err
	}
	return string(p), true, nil
}

// appendPayload appends v's DUMP payload to dst.
func appendPayload(e *rdb.Encoder, dst []byte, v value) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0)
	dst, typ, err := appendValue(e, dst, v)
	if err != nil {
		return dst[:start], err
	}
	dst[start] = typ
	return rdb.AppendPayloadTrailer(dst), nil
}

// appendValue appends v's RDB body in the encoding Redis would write for it
// and returns its RDB type byte.
func appendValue(e *rdb.Encoder, dst []byte, v value) ([]byte, byte, error) {
	switch v := v.(type) {
	case *stringValue:
		return e.AppendString(dst, v.str()), rdb.TypeString, nil
	case *listValue:
		items := make([]string, 0, v.d.Len())
		v.d.Range(0, false, func(_ int, s string) bool { items = append(items, s); return true })
		if counts := v.nodeCounts(); counts != nil {
			return e.AppendListNodes(dst, items, counts), rdb.TypeListQuicklist2, nil
		}
		return e.AppendList(dst, items), rdb.TypeListQuicklist2, nil
	case *setValue:
		if v.enc == setIntset {
			return e.AppendIntset(dst, v.ints, int(v.width)), rdb.TypeSetIntset, nil
		}
		return e.AppendSet(dst, v.members()), rdb.TypeSet, nil
	case *hashValue:
		pairs := v.pairs
		if v.d != nil {
			pairs = make([]string, 0, 2*v.len())
			v.each(func(f, val string) bool { pairs = append(pairs, f, val); return true })
		}
		if v.hashtable {
			return e.AppendHash(dst, pairs), rdb.TypeHash, nil
		}
		return e.AppendHashListpack(dst, pairs), rdb.TypeHashListpack, nil
	case *zsetValue:
		ms := make([]rdb.ZMember, 0, v.s.Len())
		v.s.Range(func(m string, sc float64) bool {
			ms = append(ms, rdb.ZMember{Member: m, Score: sc})
			return true
		})
		if v.listpack {
			return e.AppendZSetListpack(dst, ms), rdb.TypeZSetListpack, nil
		}
		return e.AppendZSet2(dst, ms), rdb.TypeZSet2, nil
	case *streamValue:
		return e.AppendStream(dst, v.s), rdb.TypeStreamListpacks2, nil
	}
	return dst, 0, errNoRDBForm
}

// Restore creates key holding the value serialized in payload (RESTORE), as
// Dump or Redis's DUMP wrote it, with the options in args (see RestoreArgs).
// It fails with ErrBusyKey if the key exists and args.Replace is not set,
// ErrDumpPayload if the payload's RDB version is newer than 10 or its
// checksum is wrong, and ErrBadDataFormat if the value cannot be decoded
// (damaged, empty, or a type embedis does not have, such as a stream or a
// module value). The checks come in Redis's order: options, then the
// existing key, then the TTL, then the payload. The value's encoding (OBJECT
// ENCODING) is decided as Redis decides it when it loads a value; see the
// overview in dump.go.
func (tx *Tx) Restore(key string, payload string, args RestoreArgs) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	sp := restoreSpec{replace: args.Replace, idle: -1, freq: -1}
	if args.IdleTime > 0 && args.Freq > 0 {
		return ErrSyntax
	}
	if args.IdleTime < 0 {
		return ErrInvalidIdleTime
	}
	if args.Freq < 0 || args.Freq > 255 {
		return ErrInvalidFreq
	}
	if args.IdleTime > 0 {
		sp.idle = int64(args.IdleTime / time.Second)
	}
	if args.Freq > 0 {
		sp.freq = int64(args.Freq)
	}
	switch {
	case args.TTL != 0 && !args.ExpireAt.IsZero():
		return ErrSyntax
	case args.TTL < 0:
		sp.ttlErr = ErrInvalidTTL
	case args.TTL > 0:
		sp.hasTTL, sp.ttl = true, max(1, args.TTL.Milliseconds())
	case !args.ExpireAt.IsZero():
		if ms := args.ExpireAt.UnixMilli(); ms < 0 {
			sp.ttlErr = ErrInvalidTTL
		} else {
			sp.hasTTL, sp.ttl, sp.abs = true, ms, true
		}
	}
	return tx.restore(key, payload, sp)
}

// restore is RESTORE.
func (tx *Tx) restore(key, payload string, sp restoreSpec) error {
	if !sp.replace && tx.lookupWrite(key) != nil {
		return ErrBusyKey
	}
	if sp.ttlErr != nil {
		return sp.ttlErr
	}
	v, err := decodePayload(payload)
	if err != nil {
		return err
	}
	var at int64
	if sp.hasTTL {
		at = sp.ttl
		if !sp.abs {
			at += tx.nowMs() // wraps around on overflow, as in Redis: the deadline is then past
		}
	}
	deleted := sp.replace && tx.deleteKey(key)
	if sp.hasTTL && at <= tx.nowMs() && !tx.loading {
		if deleted && tx.wrote(key, evDel) {
			tx.emit("DEL", key)
		}
		return nil
	}
	tx.setValue(key, v, false)
	if sp.hasTTL {
		tx.setDeadline(key, at)
	}
	if tx.wrote(key, evRestore) {
		eff := []string{"RESTORE", key, "0", payload, "REPLACE"}
		if sp.hasTTL {
			eff[2] = strconv.FormatInt(at, 10)
			eff = append(eff, "ABSTTL")
		}
		if sp.idle >= 0 {
			eff = append(eff, "IDLETIME", strconv.FormatInt(sp.idle, 10))
		}
		if sp.freq >= 0 {
			eff = append(eff, "FREQ", strconv.FormatInt(sp.freq, 10))
		}
		tx.emit(eff...)
	}
	return nil
}

// decodePayload checks a DUMP payload and decodes its value.
func decodePayload(payload string) (value, error) {
	rv, err := rdb.DecodePayload([]byte(payload))
	if err != nil {
		if errors.Is(err, rdb.ErrPayload) {
			return nil, ErrDumpPayload
		}
		return nil, ErrBadDataFormat
	}
	v := valueFromRDB(&rv)
	if v == nil {
		return nil, ErrBadDataFormat
	}
	return v, nil
}

// Redis 7.0's limits, as it applies them when it loads a value.
const (
	loadMaxIntsetEntries   = setMaxIntsetEntries    // set-max-intset-entries
	loadMaxListpackEntries = hashMaxListpackEntries // hash-max-listpack-entries
	loadMaxListpackValue   = hashMaxListpackValue   // hash-max-listpack-value
)

// valueFromRDB turns a decoded value into an embedis value with the
// encoding Redis 7.0 gives it when it loads the same bytes (rdbLoadObject):
//
//   - a plain set of at most 512 members, all integers, becomes an intset;
//     any other plain set a hash table; an intset of more than 512 members
//     a hash table;
//   - a plain hash of at most 512 fields becomes a listpack (in file order)
//     unless a field or value is longer than 64 bytes; a listpack or
//     ziplist hash stays one unless it has more than 512 fields (Redis
//     checks only the length there); a zipmap checks both;
//   - a ZSET or ZSET_2 of at most 128 members of at most 64 bytes becomes a
//     listpack; a listpack or ziplist sorted set stays one unless it has
//     more than 128 members.
//
// It returns nil for an empty aggregate, which Redis refuses as well.
func valueFromRDB(rv *rdb.Value) value {
	switch rv.Kind {
	case rdb.KindString:
		return &stringValue{text: rv.Str}
	case rdb.KindList:
		if len(rv.List) == 0 {
			return nil
		}
		return listFromNodes(rv.List, rv.ListNodes)
	case rdb.KindSet:
		return setFromRDB(rv)
	case rdb.KindHash:
		return hashFromRDB(rv)
	case rdb.KindZSet:
		return zsetFromRDB(rv)
	case rdb.KindStream:
		return &streamValue{s: rv.Stream} // an empty stream is a value too
	}
	return nil
}

func setFromRDB(rv *rdb.Value) value {
	if n := len(rv.SetInts); n > 0 {
		if n > loadMaxIntsetEntries {
			d := dict.NewSized[struct{}](n)
			for _, x := range rv.SetInts {
				d.Set(strconv.FormatInt(x, 10), struct{}{})
			}
			return &setValue{enc: setDict, d: d}
		}
		ints := rv.SetInts // the value's own (see rdb.Value)
		if !slices.IsSorted(ints) {
			slices.Sort(ints) // decoded ascending already; insurance for the binary searches
		}
		ints = slices.Compact(ints)
		width := uint8(min(max(rv.IntsetWidth, 0), 8))
		for _, x := range ints {
			width = max(width, intsetWidth(x))
		}
		return &setValue{enc: setIntset, ints: ints, width: width}
	}
	n := len(rv.Set)
	if n == 0 {
		return nil
	}
	if n <= loadMaxIntsetEntries {
		ints := make([]int64, 0, n)
		for _, m := range rv.Set {
			x, ok := number.ParseInt(m)
			if !ok {
				ints = nil
				break
			}
			ints = append(ints, x)
		}
		if ints != nil {
			slices.Sort(ints)
			ints = slices.Compact(ints)
			sv := &setValue{enc: setIntset, ints: ints}
			for _, x := range ints {
				sv.width = max(sv.width, intsetWidth(x))
			}
			return sv
		}
	}
	sv := &setValue{enc: setDict, d: dict.NewSized[struct{}](n)}
	if n <= setMaxSmallEntries {
		sv = &setValue{enc: setSmall}
	}
	for _, m := range rv.Set {
		sv.add(m)
	}
	return sv
}

func hashFromRDB(rv *rdb.Value) value {
	pairs := rv.Hash
	n := len(pairs) / 2
	if n == 0 {
		return nil
	}
	table := n > loadMaxListpackEntries
	switch rv.Type {
	case rdb.TypeHashListpack, rdb.TypeHashZiplist:
	default: // a plain hash or a zipmap: the lengths count too
		for _, s := range pairs[:2*n] {
			if len(s) > loadMaxListpackValue {
				table = true
				break
			}
		}
	}
	if !table {
		return &hashValue{pairs: slices.Clip(pairs[:2*n])} // the value's own (see rdb.Value)
	}
	d := dict.NewSized[string](n)
	for i := 0; i+1 < len(pairs); i += 2 {
		d.Set(pairs[i], pairs[i+1])
	}
	return &hashValue{d: d, hashtable: true}
}

func zsetFromRDB(rv *rdb.Value) value {
	n := len(rv.ZSet)
	if n == 0 {
		return nil
	}
	s := zset.NewSized(n)
	for _, m := range rv.ZSet {
		if !math.IsNaN(m.Score) {
			s.Add(m.Member, m.Score)
		}
	}
	switch rv.Type {
	case rdb.TypeZSetListpack, rdb.TypeZSetZiplist:
		zv := &zsetValue{s: s, listpack: s.Len() <= zsetMaxListpackEntries}
		if zv.listpack {
			normalizeNegZero(zv)
		}
		return zv
	}
	return newZSetFor(s)
}

// normalizeNegZero makes the scores -0 of a listpack sorted set 0, as a
// listpack holds them (see zsetValue.add).
func normalizeNegZero(zv *zsetValue) {
	var negZero []string
	zv.s.Range(func(m string, sc float64) bool {
		if sc == 0 && math.Signbit(sc) {
			negZero = append(negZero, m)
		}
		return true
	})
	for _, m := range negZero {
		zv.s.Remove(m)
		zv.s.Add(m, 0)
	}
}
