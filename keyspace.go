package embedis

import "github.com/embedis/embedis/internal/hll"

// The one path into the keyspace, as Redis's db.c and notify.c. Every
// command reaches a key through it, so the side effects of reading and
// writing live here and nowhere else:
//
//   - reading: lookupRead (Redis's lookupKeyRead: read commands; it also
//     notes the key for the unit's client-side-caching tracker, tracking.go)
//     and lookupWrite (lookupKeyWrite: commands that go on to write the key), or
//     their typed forms readString, writeList, …. Both expire a key found past
//     its deadline (the "expired" event, the DEL effect, expired_keys); a
//     read also counts the keyspace hit or miss and raises "keymiss". The
//     typed forms add the type check (ErrWrongType). Access metadata (the
//     LRU clock, the LFU counter) is updated in touch, the one place a live
//     key is found.
//
//   - writing: the storage primitives (setValue, deleteKey, setDeadline,
//     clearDeadline) change data only, raising no more than Redis's dbAdd
//     does ("new", and waking the callers blocked on the key); a command
//     then announces each change once with wrote(key, event), which
//     invalidates the WATCHes on the key and the client-side caches that
//     hold it (tracking.go), raises the keyspace event, and returns whether
//     the write effect is to be recorded, so the effect is built only when
//     someone listens:
//
//	if tx.wrote(key, evIncrBy) {
//		tx.emit("INCRBY", key, strconv.FormatInt(delta, 10))
//	}
//
//     The effect is the command's deterministic form (SPOP becomes SREM,
//     INCRBYFLOAT a SET KEEPTTL, an expiry a DEL), so it is written next to
//     the announcement rather than derived from the event: one effect can
//     cover several announcements (MSET, RENAME) and one announcement several
//     effects (a *STORE).
//
//   - counting changes: wrote also counts the write in the engine's change
//     count (Stats.Changes: INFO's rdb_changes_since_last_save, what save
//     points compare), which is Redis 7.0's server.dirty exactly. Redis
//     counts changes per command, not per key announced, so a command that
//     changes several elements, or announces a key as part of a change
//     already counted, says how many with wroteN(key, ev, n) (RPUSH of three
//     elements counts 3, RENAME's "rename_to" 0); the whole-database
//     commands count with dirty. Expiries count nothing, as in Redis. The
//     rules, command by command, are on wroteN.
//
//   - snapshots: every primitive that changes or removes a key or its
//     deadline, and lookupWrite (whose caller may change the value in
//     place), first calls beforeChange, which hands the key as it is to a
//     snapshot in progress that has not had it yet (the copy on write of
//     snapshot.go). With no snapshot running it is one predictable branch.
//
// Events are Redis 7.0's (see keyspace notifications in Redis's
// documentation): the same names, on the same keys, in the same order, which
// TestKeyspaceEvents checks against a real redis-server. They go to the
// engine's onKeyEvent hook and, for the classes notify-keyspace-events
// selects, to the subscribers of the keyspace and keyevent channels
// (notify.go); with neither an event costs a nil check and a table lookup.

// eventClass is the class of a keyspace event, the letter
// notify-keyspace-events selects it by.
type eventClass byte

// The classes of Redis 7.0.
const (
	classGeneric eventClass = 'g' // DEL, EXPIRE, RENAME, …
	classString  eventClass = '$'
	classList    eventClass = 'l'
	classSet     eventClass = 's'
	classHash    eventClass = 'h'
	classZSet    eventClass = 'z'
	classExpired eventClass = 'x' // a key removed because its deadline passed
	classEvicted eventClass = 'e' // a key removed by maxmemory eviction
	classStream  eventClass = 't'
	classKeyMiss eventClass = 'm' // a read of a key that does not exist
	classNew     eventClass = 'n' // a key added to the database
)

// keyEvent is one keyspace event: its class and Redis's name for it.
type keyEvent struct {
	class eventClass
	name  string
}

// The events, by class, with Redis 7.0's names.
var (
	evNew       = keyEvent{class: classNew, name: "new"}
	evKeyMiss   = keyEvent{class: classKeyMiss, name: "keymiss"}
	evExpired   = keyEvent{class: classExpired, name: "expired"}
	evEvicted   = keyEvent{class: classEvicted, name: "evicted"}
	evDel       = keyEvent{class: classGeneric, name: "del"}
	evExpire    = keyEvent{class: classGeneric, name: "expire"}
	evPersist   = keyEvent{class: classGeneric, name: "persist"}
	evRenameFr  = keyEvent{class: classGeneric, name: "rename_from"}
	evRenameTo  = keyEvent{class: classGeneric, name: "rename_to"}
	evCopyTo    = keyEvent{class: classGeneric, name: "copy_to"}
	evMoveFrom  = keyEvent{class: classGeneric, name: "move_from"}
	evMoveTo    = keyEvent{class: classGeneric, name: "move_to"}
	evSet       = keyEvent{class: classString, name: "set"}
	evSetRange  = keyEvent{class: classString, name: "setrange"}
	evIncrBy    = keyEvent{class: classString, name: "incrby"}
	evIncrFloat = keyEvent{class: classString, name: "incrbyfloat"}
	evAppend    = keyEvent{class: classString, name: "append"}
	evSetBit    = keyEvent{class: classString, name: "setbit"}
	evLPush     = keyEvent{class: classList, name: "lpush"}
	evRPush     = keyEvent{class: classList, name: "rpush"}
	evLPop      = keyEvent{class: classList, name: "lpop"}
	evRPop      = keyEvent{class: classList, name: "rpop"}
	evLInsert   = keyEvent{class: classList, name: "linsert"}
	evLSet      = keyEvent{class: classList, name: "lset"}
	evLRem      = keyEvent{class: classList, name: "lrem"}
	evLTrim     = keyEvent{class: classList, name: "ltrim"}
	evSortStore = keyEvent{class: classList, name: "sortstore"}
	evHSet      = keyEvent{class: classHash, name: "hset"}
	evHDel      = keyEvent{class: classHash, name: "hdel"}
	evHIncrBy   = keyEvent{class: classHash, name: "hincrby"}
	evHIncrFlt  = keyEvent{class: classHash, name: "hincrbyfloat"}
	evSAdd      = keyEvent{class: classSet, name: "sadd"}
	evSRem      = keyEvent{class: classSet, name: "srem"}
	evSPop      = keyEvent{class: classSet, name: "spop"}
	evSInterSt  = keyEvent{class: classSet, name: "sinterstore"}
	evSUnionSt  = keyEvent{class: classSet, name: "sunionstore"}
	evSDiffSt   = keyEvent{class: classSet, name: "sdiffstore"}
	evZAdd      = keyEvent{class: classZSet, name: "zadd"}
	evZIncr     = keyEvent{class: classZSet, name: "zincr"}
	evZRem      = keyEvent{class: classZSet, name: "zrem"}
	evZRemRank  = keyEvent{class: classZSet, name: "zremrangebyrank"}
	evZRemScore = keyEvent{class: classZSet, name: "zremrangebyscore"}
	evZRemLex   = keyEvent{class: classZSet, name: "zremrangebylex"}
	evZPopMin   = keyEvent{class: classZSet, name: "zpopmin"}
	evZPopMax   = keyEvent{class: classZSet, name: "zpopmax"}
	evZUnionSt  = keyEvent{class: classZSet, name: "zunionstore"}
	evZInterSt  = keyEvent{class: classZSet, name: "zinterstore"}
	evZDiffSt   = keyEvent{class: classZSet, name: "zdiffstore"}
	evZRangeSt  = keyEvent{class: classZSet, name: "zrangestore"}
	evGeoRadSt  = keyEvent{class: classZSet, name: "georadiusstore"}
	evGeoSrchSt = keyEvent{class: classZSet, name: "geosearchstore"}
	evPFAdd     = keyEvent{class: classString, name: "pfadd"} // PFADD, and PFMERGE as Redis raises it
	evXAdd      = keyEvent{class: classStream, name: "xadd"}
	evXTrim     = keyEvent{class: classStream, name: "xtrim"}
	evXDel      = keyEvent{class: classStream, name: "xdel"}
	evXSetID    = keyEvent{class: classStream, name: "xsetid"}
)

// notify hands ev on key of the unit's database to the engine's hook.
func (tx *Tx) notify(ev keyEvent, key string) {
	if h := tx.e.onKeyEvent; h != nil {
		h(tx.dbIndex, ev.class, ev.name, key)
	}
	if tx.e.notifyClasses[ev.class] {
		tx.publishKeyEvent(ev, key) // notify.go
	}
}

// wrote announces that the command changed key: the one write path. It
// invalidates the WATCHes on key and the client-side caches that hold it
// (tracking.go), raises ev, counts one change (see wroteN), and reports
// whether the unit records effects (the caller then emits the write's deterministic
// effect). Callers blocked on key are woken by setValue: a caller blocks
// only on a key that holds no data, so data reaches it only by the key being
// added, as in Redis, where dbAdd signals the key ready. Lock waiters, who
// wait for a key to go, are woken by deleteKey and removeExpired.
func (tx *Tx) wrote(key string, ev keyEvent) bool { return tx.wroteN(key, ev, 1) }

// wroteN is wrote counting n changes rather than one: the engine's change
// count (Stats.Changes, INFO's rdb_changes_since_last_save, what the save
// points compare) is Redis 7.0's server.dirty, which each command raises by
// its own number of changes, not by the keys it announces:
//
//   - one per element or field for the commands that change several:
//     RPUSH/LPUSH the elements pushed, HSET the field pairs given (new or
//     not), HDEL/SREM/ZREM/LREM the ones removed, SADD the ones added, ZADD
//     added plus updated, the pops with COUNT the ones popped, LTRIM the
//     ones trimmed (0 when it trims nothing, though it still announces the
//     key), SORT … STORE, GEORADIUS … STORE and GEOSEARCHSTORE the elements
//     stored;
//   - one for a command that changes one thing, whatever it announces:
//     RENAME, MOVE and LMOVE announce two keys and count one (the second
//     announcement is wroteN(…, 0)); SET with an expiry announces "set" and
//     "expire" and counts one; SMOVE counts one more when the member was
//     new in the destination; the *STORE commands of sets and sorted sets
//     count one, or one for deleting the destination when the result is
//     empty;
//   - none for a BLPOP, BRPOP, BLMOVE or BRPOPLPUSH served after waiting
//     (Redis's serveClientBlockedOnList counts nothing for them, though it
//     counts a waiting BLMPOP's pops, and BZPOPMIN's: list_blocking.go);
//   - none for the "del" that follows a command's removal of the last
//     element (emptied), for a failed or no-op command (which announces
//     nothing), and for a key expired, lazily or actively (removeExpired):
//     Redis 7.0 does not count expiries as changes.
//
// FLUSHDB and FLUSHALL count the keys they remove and SWAPDB one (dirty);
// MULTI/EXEC, an Atomic closure and a Pipeline count the sum of their
// commands'. TestDiffKeyspaceStats compares the count with redis-server's
// after every command of the random workload.
func (tx *Tx) wroteN(key string, ev keyEvent, n int) bool {
	tx.dirty(n)
	tx.modified(key)
	tx.notify(ev, key)
	return tx.rec
}

// wroteQuiet is wroteN for the changes Redis raises no event for (XACK,
// XCLAIM, XAUTOCLAIM, XREADGROUP's deliveries): it counts n changes and
// invalidates the WATCHes on key.
func (tx *Tx) wroteQuiet(key string, n int) bool {
	tx.dirty(n)
	tx.modified(key)
	return tx.rec
}

// dirty adds n to the engine's change count (see wroteN).
func (tx *Tx) dirty(n int) { tx.e.stats.changes += int64(n) }

// emptied deletes key after a command removed its last element, as Redis
// does, announcing the deletion ("del") after the command's own event; the
// deletion is part of the command's change and counts none of its own.
func (tx *Tx) emptied(key string) {
	tx.deleteKey(key)
	tx.wroteN(key, evDel, 0)
}

// modified records that key of the unit's database changed: it invalidates
// the WATCHes on it and the client-side caches that hold it (tracking.go).
// Only wroteN, removeExpired, evictKey and PFCOUNT's cache update call it;
// it counts no change (wroteN and dirty do).
func (tx *Tx) modified(key string) { tx.touched(key, tx.tracker) }

// touched is modified naming the tracker that wrote the key: nil for an
// expiry or an eviction, which no client made (BCAST's NOLOOP tells by it).
func (tx *Tx) touched(key string, by *Tracker) {
	if tx.db.watched != nil {
		tx.db.touchWatch(key)
	}
	if tr := &tx.e.track; tr.table != nil || len(tr.prefixes) > 0 {
		tx.invalidate(key, true, by)
	}
}

// lookupFlags adjust lookupKey, as Redis's LOOKUP_* flags.
type lookupFlags uint8

const (
	lookupForWrite lookupFlags = 1 << iota // the command writes the key: no hit/miss count, no keymiss
	lookupNoTouch                          // leave the access metadata alone
	lookupNoNotify                         // no keymiss event
	// lookupReadChange is a read (hits and misses counted) by a command
	// that may change the value: Redis's lookupKeyRead in XACK, XCLAIM,
	// XAUTOCLAIM and XREADGROUP. The value is opened for writing.
	lookupReadChange
)

// lookupKey is the read path: it returns the live value of key, or nil. A
// key past its deadline is expired on the spot. A read (no lookupForWrite)
// counts a keyspace hit or miss and raises "keymiss" on a miss; a key found
// has its access metadata updated (touch) unless lookupNoTouch.
func (tx *Tx) lookupKey(key string, flags lookupFlags) value {
	v := tx.liveFor(key, flags&lookupForWrite != 0)
	if flags&lookupForWrite == 0 && tx.tracker != nil {
		tx.remember(key) // client-side caching (tracking.go)
	}
	if tx.e.snap != nil && flags&(lookupForWrite|lookupReadChange) != 0 && v != nil {
		tx.e.snap.keep(tx.db, key)
	}
	if v == nil {
		if flags&lookupForWrite == 0 {
			tx.e.stats.misses++
			if flags&lookupNoNotify == 0 {
				tx.notify(evKeyMiss, key)
			}
		}
		return nil
	}
	if flags&lookupForWrite == 0 {
		tx.e.stats.hits++
	}
	if flags&lookupNoTouch == 0 {
		tx.touch(v)
	}
	if flags&(lookupForWrite|lookupReadChange) != 0 {
		tx.openWrite(v)
	}
	return v
}

// lookupRead is lookupKey for a command that reads key (Redis's
// lookupKeyRead).
func (tx *Tx) lookupRead(key string) value { return tx.lookupKey(key, 0) }

// lookupWrite is lookupKey for a command that may write key (Redis's
// lookupKeyWrite): no hit or miss is counted.
func (tx *Tx) lookupWrite(key string) value { return tx.lookupKey(key, lookupForWrite) }

// lookupReadNoTouch is lookupRead for commands that look at a key without
// using its value (EXISTS, TYPE, TTL and its relatives).
func (tx *Tx) lookupReadNoTouch(key string) value { return tx.lookupKey(key, lookupNoTouch) }

// touch is where a key's access metadata is updated when a command finds it:
// the LRU clock or LFU counter that OBJECT IDLETIME/FREQ report and eviction
// reads (evict.go), kept here and only here.
func (tx *Tx) touch(v value) {
	m := v.meta()
	now := tx.nowMs()
	if tx.e.ev.policy.lfu() {
		m.access = lfuMinutes(now)<<8 | tx.e.lfuIncr(tx.e.lfuDecayed(m.access, now))
		return
	}
	m.access = max(lruClock(now), 1)
}

// live returns the value of key if it is live, expiring it if it is past its
// deadline; it counts nothing (KEYS, SCAN, RANDOMKEY use it directly). On a
// replica (SetReplicaExpiry) a key past its deadline is only hidden.
func (tx *Tx) live(key string) value { return tx.liveFor(key, false) }

// liveFor is live for a read or, with write, for a command that goes on to
// write key: on a replica, a write deletes a key past its deadline, as a
// writable Redis replica does, where a read only hides it.
func (tx *Tx) liveFor(key string, write bool) value {
	sl, ok := tx.db.keys.Get(key)
	if !ok {
		return nil
	}
	if len(tx.db.expires) > 0 && !tx.loading && tx.expireIfDue(key, write) {
		return nil
	}
	return sl.v
}

// keyAs returns v as a V: the zero V if v is nil, ErrWrongType if v holds
// another type.
func keyAs[V value](v value) (V, error) {
	var zero V
	if v == nil {
		return zero, nil
	}
	x, ok := v.(V)
	if !ok {
		return zero, ErrWrongType
	}
	return x, nil
}

// The typed lookups: lookupRead or lookupWrite followed by the type check.
// Each returns nil when the key does not exist and ErrWrongType when it
// holds another type.

func (tx *Tx) readString(key string) (*stringValue, error) {
	return keyAs[*stringValue](tx.lookupRead(key))
}
func (tx *Tx) writeString(key string) (*stringValue, error) {
	return keyAs[*stringValue](tx.lookupWrite(key))
}
func (tx *Tx) readHash(key string) (*hashValue, error) { return keyAs[*hashValue](tx.lookupRead(key)) }
func (tx *Tx) writeHash(key string) (*hashValue, error) {
	return keyAs[*hashValue](tx.lookupWrite(key))
}
func (tx *Tx) readList(key string) (*listValue, error) { return keyAs[*listValue](tx.lookupRead(key)) }
func (tx *Tx) writeList(key string) (*listValue, error) {
	return keyAs[*listValue](tx.lookupWrite(key))
}
func (tx *Tx) readSet(key string) (*setValue, error)  { return keyAs[*setValue](tx.lookupRead(key)) }
func (tx *Tx) writeSet(key string) (*setValue, error) { return keyAs[*setValue](tx.lookupWrite(key)) }
func (tx *Tx) readZSet(key string) (*zsetValue, error) {
	return keyAs[*zsetValue](tx.lookupRead(key))
}
func (tx *Tx) writeZSet(key string) (*zsetValue, error) {
	return keyAs[*zsetValue](tx.lookupWrite(key))
}

// hllAs returns v as a HyperLogLog: a string that hll.Valid accepts. A
// string that is not one is ErrNotHLL, another type ErrWrongType.
func hllAs(v value) (*stringValue, error) {
	sv, err := keyAs[*stringValue](v)
	if err != nil || sv == nil {
		return nil, err
	}
	if !hll.Valid(sv.peek()) {
		return nil, ErrNotHLL
	}
	return sv, nil
}
func (tx *Tx) readHLL(key string) (*stringValue, error)  { return hllAs(tx.lookupRead(key)) }
func (tx *Tx) writeHLL(key string) (*stringValue, error) { return hllAs(tx.lookupWrite(key)) }

// expireIfDue deletes key if its deadline has passed and reports whether it
// did. On a replica it deletes only for a write (write), and reports a key
// past its deadline for a read without deleting it (Redis's expireIfNeeded
// with a master set).
func (tx *Tx) expireIfDue(key string, write bool) bool {
	at, ok := tx.db.expires[key]
	if !ok || at >= tx.nowMs() {
		return false
	}
	if tx.e.replica && !write {
		return true
	}
	tx.removeExpired(key)
	tx.e.noteStale() // its heap entry is still queued
	return true
}

// removeExpired deletes a key whose deadline has passed, lazily or actively:
// it invalidates WATCHes, counts expired_keys, records a DEL, raises
// "expired" and makes the key ready for the lock waiters blocked on it.
func (tx *Tx) removeExpired(key string) {
	tx.beforeChange(key)
	if old, ok := tx.db.keys.Delete(key); ok {
		tx.removed(key, old.v)
	}
	delete(tx.db.expires, key)
	tx.touched(key, nil)
	tx.e.stats.expiredKeys++
	if tx.e.onExpired != nil {
		tx.removedKeys = append(tx.removedKeys, removedKey{db: tx.dbIndex, key: key})
	}
	if tx.rec {
		tx.emit("DEL", key)
	}
	tx.notify(evExpired, key)
	tx.keyReady(key)
}

// evictKey deletes key, chosen by the maxmemory policy (evict.go): it
// invalidates WATCHes, counts evicted_keys, records a DEL, raises
// "evicted" and makes the key ready for the lock waiters blocked on it.
func (tx *Tx) evictKey(key string) {
	tx.beforeChange(key)
	if old, ok := tx.db.keys.Delete(key); ok {
		tx.removed(key, old.v)
	}
	if _, had := tx.db.expires[key]; had {
		delete(tx.db.expires, key)
		tx.e.noteStale()
	}
	tx.touched(key, nil)
	tx.e.stats.evictedKeys++
	if tx.e.onEvicted != nil {
		tx.removedKeys = append(tx.removedKeys, removedKey{db: tx.dbIndex, key: key, evicted: true})
	}
	if tx.rec {
		tx.emit("DEL", key)
	}
	tx.notify(evEvicted, key)
	tx.keyReady(key)
}

// beforeChange hands key, about to be changed or removed (its value or its
// deadline), to the snapshot in progress if it has not had it yet, as it
// is: the copy on write of snapshot.go. Every primitive below that changes a
// key calls it first, and lookupWrite for the commands that change a value
// in place; with no snapshot running it is one predictable branch.
func (tx *Tx) beforeChange(key string) {
	if r := tx.e.snap; r != nil {
		r.keep(tx.db, key)
	}
}

// setValue stores v at key and clears any deadline (as Redis's SET does),
// unless keepTTL. A key found past its deadline is expired first, as Redis's
// setKey looks the key up for writing; a key that did not exist raises "new"
// and is ready for the callers blocked on it, as Redis's dbAdd. The command
// announces the write with wrote.
func (tx *Tx) setValue(key string, v value, keepTTL bool) {
	if len(tx.db.expires) > 0 && !tx.loading {
		tx.expireIfDue(key, true)
	}
	tx.beforeChange(key)
	if m := v.meta(); m.access == 0 {
		m.access = tx.freshMeta() // new to the keyspace (a moved value keeps its own)
	}
	if old, replaced := tx.db.keys.Swap(key, slot{v: v, mark: tx.e.epoch}); replaced {
		tx.replaced(old.v, v)
	} else {
		tx.added(key, v)
		tx.notify(evNew, key)
	}
	if !keepTTL && len(tx.db.expires) > 0 {
		tx.clearDeadline(key)
	}
	tx.keyReady(key)
}

// deleteKey removes key; it reports whether the key was live. A key removed
// is ready for the callers blocked on it (a lock waiter waits for its key to
// go; the others are offered only keys holding their type). The command
// announces the deletion with wrote.
//
// On a replica a key past its deadline is deleted and reported, as Redis
// 7.0's DEL on a writable replica (its expireIfNeeded leaves the key, the
// deletion that follows finds it).
func (tx *Tx) deleteKey(key string) bool {
	if tx.e.replica {
		if _, ok := tx.db.keys.Get(key); !ok {
			return false
		}
	} else if tx.live(key) == nil {
		return false
	}
	tx.beforeChange(key)
	if old, ok := tx.db.keys.Delete(key); ok {
		tx.removed(key, old.v)
	}
	if len(tx.db.expires) > 0 {
		tx.clearDeadline(key)
	}
	tx.keyReady(key) // for lock waiters, who wait for the key to go
	return true
}

// setDeadline gives the live key an absolute deadline in Unix ms.
func (tx *Tx) setDeadline(key string, at int64) {
	tx.beforeChange(key)
	if _, had := tx.db.expires[key]; had {
		tx.e.noteStale()
	}
	tx.db.expires[key] = at
	tx.e.deadlines.push(deadline{at: at, db: tx.dbIndex, key: key})
	if tx.scheduleAt == 0 || at < tx.scheduleAt {
		tx.scheduleAt = at
	}
}

// deadlineOf returns key's deadline, or 0 if it has none.
func (tx *Tx) deadlineOf(key string) int64 { return tx.db.expires[key] }

// clearDeadline removes key's deadline; it reports whether there was one.
func (tx *Tx) clearDeadline(key string) bool {
	if _, ok := tx.db.expires[key]; !ok {
		return false
	}
	tx.beforeChange(key)
	delete(tx.db.expires, key)
	tx.e.noteStale()
	return true
}
