package embedis

import (
	"math"
	"strconv"
	"time"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/glob"
)

// Del removes the keys and returns how many existed.
func (tx *Tx) Del(keys ...string) (int64, error) {
	var n int64
	for _, k := range keys {
		if tx.deleteKey(k) {
			n++
			if tx.wrote(k, evDel) {
				tx.emit("DEL", k)
			}
		}
	}
	return n, nil
}

// Unlink removes the keys and returns how many existed. Memory is reclaimed
// by Go's collector either way, so Unlink is Del under Redis's other name.
func (tx *Tx) Unlink(keys ...string) (int64, error) { return tx.Del(keys...) }

// Exists returns how many of keys exist; a key named twice counts twice.
func (tx *Tx) Exists(keys ...string) (int64, error) {
	var n int64
	for _, k := range keys {
		if tx.lookupReadNoTouch(k) != nil {
			n++
		}
	}
	return n, nil
}

// Type returns the type of the value at key: "string", "list", "set", "zset",
// "hash" or "stream", and "none" if the key does not exist.
func (tx *Tx) Type(key string) (string, error) {
	v := tx.lookupReadNoTouch(key)
	if v == nil {
		return "none", nil
	}
	return v.typeName(), nil
}

// Rename moves the value and time to live of key to newkey, replacing
// whatever newkey held. It returns ErrNoSuchKey if key does not exist.
func (tx *Tx) Rename(key, newkey string) error {
	_, err := tx.rename(key, newkey, false)
	return err
}

// RenameNX renames key to newkey only if newkey does not exist, and reports
// whether it did. It returns ErrNoSuchKey if key does not exist.
func (tx *Tx) RenameNX(key, newkey string) (bool, error) {
	return tx.rename(key, newkey, true)
}

func (tx *Tx) rename(key, newkey string, nx bool) (bool, error) {
	v := tx.lookupWrite(key)
	if v == nil {
		return false, ErrNoSuchKey
	}
	if key == newkey {
		return !nx, nil
	}
	if nx && tx.lookupWrite(newkey) != nil {
		return false, nil
	}
	at := tx.deadlineOf(key)
	tx.deleteKey(key)
	tx.deleteKey(newkey)
	tx.setValue(newkey, v, true)
	if at != 0 {
		tx.setDeadline(newkey, at)
	}
	tx.wrote(key, evRenameFr)
	if tx.wroteN(newkey, evRenameTo, 0) { // one change, counted with rename_from
		tx.emit("RENAME", key, newkey)
	}
	return true, nil
}

// Copy copies the value and time to live of src to dst in database db (the
// index a Store handle was opened on with DB, 0 by default; Tx.DBIndex inside
// a unit). With replace, an existing dst is overwritten;
// without it, Copy does nothing and returns false when dst exists. It
// returns false if src does not exist, ErrDBIndex for a bad db and
// ErrSameObject when src and dst are the same key of the same database.
func (tx *Tx) Copy(src, dst string, db int, replace bool) (bool, error) {
	if tx.refuseOOM() {
		return false, ErrOOM
	}
	if db < 0 || db >= len(tx.e.dbs) {
		return false, ErrDBIndex
	}
	if src == dst && db == tx.dbIndex {
		return false, ErrSameObject
	}
	v := tx.lookupRead(src)
	if v == nil {
		return false, nil
	}
	at := tx.deadlineOf(src)
	from, fromIndex := tx.db, tx.dbIndex
	tx.db, tx.dbIndex = tx.e.dbs[db], db
	defer func() { tx.db, tx.dbIndex = from, fromIndex }()
	if tx.lookupWrite(dst) != nil {
		if !replace {
			return false, nil
		}
		tx.deleteKey(dst)
	}
	tx.setValue(dst, v.clone(), true)
	if at != 0 {
		tx.setDeadline(dst, at)
	}
	if tx.wrote(dst, evCopyTo) {
		tx.db, tx.dbIndex = from, fromIndex
		tx.emit("COPY", src, dst, "DB", strconv.Itoa(db), "REPLACE")
	}
	return true, nil
}

// Touch returns how many of keys exist, updating their access time as a
// read does (for eviction, once it exists).
func (tx *Tx) Touch(keys ...string) (int64, error) {
	var n int64
	for _, k := range keys {
		if tx.lookupRead(k) != nil {
			n++
		}
	}
	return n, nil
}

// expireCond holds the NX/XX/GT/LT options of the EXPIRE family, which
// combine as in Redis (XX with GT or LT; NX alone).
type expireCond uint8

const (
	expireNX expireCond = 1 << iota // only if the key has no deadline
	expireXX                        // only if it has one
	expireGT                        // only if the new deadline is later (no deadline = infinitely late)
	expireLT                        // only if the new deadline is earlier

	expireAlways expireCond = 0
)

// expireAt is the one implementation of the EXPIRE family: it gives key the
// absolute deadline at (Unix ms) if cond allows, deleting the key at once if
// the deadline is not in the future, and reports whether it acted.
func (tx *Tx) expireAt(key string, at int64, cond expireCond) (bool, error) {
	if tx.lookupWrite(key) == nil {
		return false, nil
	}
	cur, has := tx.db.expires[key]
	if !has {
		cur = math.MaxInt64
	}
	if (cond&expireNX != 0 && has) || (cond&expireXX != 0 && !has) ||
		(cond&expireGT != 0 && at <= cur) || (cond&expireLT != 0 && at >= cur) {
		return false, nil
	}
	if at <= tx.nowMs() && !tx.loading {
		tx.deleteKey(key)
		if tx.wrote(key, evDel) {
			tx.emit("DEL", key)
		}
		return true, nil
	}
	tx.setDeadline(key, at)
	if tx.wrote(key, evExpire) {
		tx.emit("PEXPIREAT", key, strconv.FormatInt(at, 10))
	}
	return true, nil
}

// seconds converts a duration to whole seconds as go-redis sends it: a
// positive duration under a second counts as one.
func seconds(d time.Duration) int64 {
	if d > 0 && d < time.Second {
		return 1
	}
	return int64(d / time.Second)
}

func (tx *Tx) expireIn(key string, d time.Duration, cond expireCond) (bool, error) {
	return tx.expireAt(key, tx.nowMs()+seconds(d)*1000, cond)
}

// Expire gives key a time to live of d in whole seconds (EXPIRE; a positive d
// under a second counts as one second). A d of zero or less deletes the key.
// It reports false if the key does not exist.
func (tx *Tx) Expire(key string, d time.Duration) (bool, error) {
	return tx.expireIn(key, d, expireAlways)
}

// ExpireNX is Expire only if the key has no time to live.
func (tx *Tx) ExpireNX(key string, d time.Duration) (bool, error) {
	return tx.expireIn(key, d, expireNX)
}

// ExpireXX is Expire only if the key has a time to live.
func (tx *Tx) ExpireXX(key string, d time.Duration) (bool, error) {
	return tx.expireIn(key, d, expireXX)
}

// ExpireGT is Expire only if the new deadline is later than the current one;
// a key without a time to live counts as never expiring, so it is unchanged.
func (tx *Tx) ExpireGT(key string, d time.Duration) (bool, error) {
	return tx.expireIn(key, d, expireGT)
}

// ExpireLT is Expire only if the new deadline is earlier than the current
// one; a key without a time to live counts as never expiring, so it gets one.
func (tx *Tx) ExpireLT(key string, d time.Duration) (bool, error) {
	return tx.expireIn(key, d, expireLT)
}

// PExpire gives key a time to live of d in milliseconds (PEXPIRE; a positive
// d under a millisecond counts as one). A d of zero or less deletes the key.
// It reports false if the key does not exist.
func (tx *Tx) PExpire(key string, d time.Duration) (bool, error) {
	ms := d.Milliseconds()
	if d > 0 && ms == 0 {
		ms = 1
	}
	return tx.expireAt(key, tx.nowMs()+ms, expireAlways)
}

// ExpireAt gives key the deadline t, truncated to the second (EXPIREAT). A
// deadline not in the future deletes the key. It reports false if the key
// does not exist.
func (tx *Tx) ExpireAt(key string, t time.Time) (bool, error) {
	return tx.expireAt(key, t.Unix()*1000, expireAlways)
}

// PExpireAt gives key the deadline t, truncated to the millisecond
// (PEXPIREAT), as ExpireAt.
func (tx *Tx) PExpireAt(key string, t time.Time) (bool, error) {
	return tx.expireAt(key, t.UnixMilli(), expireAlways)
}

// TTLMissing and TTLPersistent are what TTL and PTTL return for a key that
// does not exist and for a key without a time to live (Redis's -2 and -1).
const (
	TTLMissing    time.Duration = -2
	TTLPersistent time.Duration = -1
)

// ttlMs returns key's remaining time to live in ms, or -2 (missing) or -1
// (no deadline).
func (tx *Tx) ttlMs(key string) int64 {
	if tx.lookupReadNoTouch(key) == nil {
		return -2
	}
	at, ok := tx.db.expires[key]
	if !ok {
		return -1
	}
	ttl := at - tx.nowMs()
	if ttl < 0 {
		ttl = 0
	}
	return ttl
}

// TTL returns the remaining time to live of key rounded to the second, as
// Redis's TTL; TTLMissing if the key does not exist and TTLPersistent if it
// has no time to live.
func (tx *Tx) TTL(key string) (time.Duration, error) {
	ms := tx.ttlMs(key)
	if ms < 0 {
		return time.Duration(ms), nil
	}
	return time.Duration((ms+500)/1000) * time.Second, nil
}

// PTTL returns the remaining time to live of key in milliseconds, as TTL.
func (tx *Tx) PTTL(key string) (time.Duration, error) {
	ms := tx.ttlMs(key)
	if ms < 0 {
		return time.Duration(ms), nil
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// ExpireTime returns the deadline of key as Unix seconds; -2 if the key does
// not exist and -1 if it has no time to live.
func (tx *Tx) ExpireTime(key string) (int64, error) {
	at, err := tx.PExpireTime(key)
	if at < 0 {
		return at, err
	}
	return at / 1000, err
}

// PExpireTime returns the deadline of key as Unix milliseconds, as ExpireTime.
func (tx *Tx) PExpireTime(key string) (int64, error) {
	if tx.lookupReadNoTouch(key) == nil {
		return -2, nil
	}
	if at, ok := tx.db.expires[key]; ok {
		return at, nil
	}
	return -1, nil
}

// Persist removes the time to live of key and reports whether it had one.
func (tx *Tx) Persist(key string) (bool, error) {
	if tx.lookupWrite(key) == nil || !tx.clearDeadline(key) {
		return false, nil
	}
	if tx.wrote(key, evPersist) {
		tx.emit("PERSIST", key)
	}
	return true, nil
}

// Scan iterates the keyspace: it returns some keys matching the glob pattern
// match ("" matches all) and the cursor to pass next; a returned cursor of 0
// ends the iteration. count (10 if 0 or less) is a hint of the work per call.
// Every key present for the whole iteration is returned at least once, even
// as the keyspace grows or shrinks; a key may be returned more than once.
func (tx *Tx) Scan(cursor uint64, match string, count int64) (keys []string, nextCursor uint64, err error) {
	return tx.scan(cursor, match, count, "")
}

// ScanType is Scan returning only keys whose TYPE is keyType.
func (tx *Tx) ScanType(cursor uint64, match string, count int64, keyType string) (keys []string, nextCursor uint64, err error) {
	return tx.scan(cursor, match, count, keyType)
}

func (tx *Tx) scan(cursor uint64, match string, count int64, keyType string) ([]string, uint64, error) {
	if count <= 0 {
		count = 10
	}
	var keys []string
	maxSteps := scanSteps(count)
	for {
		cursor = tx.db.keys.Scan(cursor, func(k string, _ slot) { keys = append(keys, k) })
		maxSteps--
		if cursor == 0 || maxSteps <= 0 || int64(len(keys)) >= count {
			break
		}
	}
	out := keys[:0]
	for _, k := range keys {
		if match != "" && match != "*" && !glob.Match(match, k) {
			continue
		}
		v := tx.live(k)
		if v == nil || (keyType != "" && v.typeName() != keyType) {
			continue
		}
		out = append(out, k)
	}
	return out, cursor, nil
}

// Keys returns every key matching the glob pattern, in no particular order.
// It visits the whole keyspace: prefer Scan on large databases.
func (tx *Tx) Keys(pattern string) ([]string, error) {
	var keys []string
	all := pattern == "*"
	now := int64(-1)
	tx.db.keys.Range(func(k string, _ slot) bool {
		if !all && !glob.Match(pattern, k) {
			return true
		}
		if at, ok := tx.db.expires[k]; ok {
			if now < 0 {
				now = tx.nowMs()
			}
			if at < now {
				return true
			}
		}
		keys = append(keys, k)
		return true
	})
	return keys, nil
}

// RandomKey returns a random existing key, or ErrNotFound if the database is
// empty. Keys found past their deadline on the way are removed.
func (tx *Tx) RandomKey() (string, error) {
	// On a replica keys past their deadline stay: when every key has one,
	// all may be past it, and the 100th try is returned anyway, as Redis.
	allVolatile := tx.e.replica && len(tx.db.expires) == tx.db.keys.Len()
	for tries := 1; ; tries++ {
		k, _, ok := tx.db.keys.RandomKey(tx.e.rnd.Uint64)
		if !ok {
			return "", ErrNotFound
		}
		if tx.live(k) != nil || (allVolatile && tries >= 100) {
			return k, nil
		}
	}
}

// DBSize returns the number of keys in the database, including keys past
// their deadline that have not been removed yet, as Redis counts.
func (tx *Tx) DBSize() (int64, error) { return int64(tx.db.keys.Len()), nil }

// FlushDB removes every key of the current database. Each key removed,
// expired or not, counts as a change (Stats.Changes), as Redis counts.
func (tx *Tx) FlushDB() error {
	tx.settle()
	tx.readyWaited(tx.db)
	tx.dirty(tx.db.keys.Len())
	tx.db.flush(tx.e)
	tx.flushTracking()
	if tx.rec {
		tx.emit("FLUSHDB")
	}
	return nil
}

// FlushAll removes every key of every database. Each key removed, expired
// or not, counts as a change (Stats.Changes), as Redis counts.
func (tx *Tx) FlushAll() error {
	tx.settle()
	for _, db := range tx.e.dbs {
		tx.readyWaited(db)
		tx.dirty(db.keys.Len())
		db.flush(tx.e)
	}
	tx.e.deadlines = deadlineIndex{}
	tx.flushTracking()
	if tx.rec {
		tx.emit("FLUSHALL")
	}
	return nil
}

// flush empties the database, invalidating the WATCHes of keys it held.
func (db *db) flush(e *engine) {
	for k := range db.watched {
		if _, ok := db.keys.Get(k); ok {
			db.touchWatch(k)
		}
	}
	e.deadlines.stale += len(db.expires)
	db.keys = dict.New[slot]()
	db.expires = make(map[string]int64)
	db.mem = memCounters{}
}

// SwapDB swaps the contents of databases a and b, as Redis's SWAPDB: every
// handle on a now sees b's keys. WATCHes on keys present in either are
// invalidated.
func (tx *Tx) SwapDB(a, b int) error {
	if a < 0 || a >= len(tx.e.dbs) || b < 0 || b >= len(tx.e.dbs) {
		return ErrDBIndex
	}
	x, y := tx.e.dbs[a], tx.e.dbs[b]
	for _, pair := range [2][2]*db{{x, y}, {y, x}} {
		for k := range pair[0].watched {
			_, in0 := pair[0].keys.Get(k)
			_, in1 := pair[1].keys.Get(k)
			if in0 || in1 {
				pair[0].touchWatch(k)
			}
		}
	}
	// Swap the data, not the db values: WATCH registrations stay with the
	// database number, as in Redis.
	tx.settle()
	x.keys, y.keys = y.keys, x.keys
	x.expires, y.expires = y.expires, x.expires
	x.mem, y.mem = y.mem, x.mem
	tx.e.swapDeadlines(a, b)
	// Callers blocked on keys of a or b stay with their database number, as
	// in Redis: keys that hold data there now are ready for them, and keys
	// that went are ready for lock waiters (offer skips the others).
	tx.readyWaited(x)
	tx.readyWaited(y)
	tx.dirty(1) // one change, as Redis counts, even swapping a database with itself
	if tx.rec {
		tx.emit("SWAPDB", strconv.Itoa(a), strconv.Itoa(b))
	}
	return nil
}

// scanSteps is how many buckets a SCAN-family call visits at most: ten per
// COUNT. Redis computes count*10 in a C long, which wraps for a huge COUNT
// and then never stops the loop early: such a COUNT means no limit here.
func scanSteps(count int64) int64 {
	if count > math.MaxInt64/10 {
		return math.MaxInt64
	}
	return count * 10
}

// Move moves key, with its value and time to live, from the current database
// to database db, and reports whether it did: false if key does not exist,
// or if db already holds a key of that name (neither key changes then). It
// returns ErrDBIndex for a db outside the databases and ErrSameObject when
// db is the current database, even if key does not exist. WATCHes on key
// in both databases are invalidated; callers blocked on key in db are
// served.
func (tx *Tx) Move(key string, db int) (bool, error) {
	if db < 0 || db >= len(tx.e.dbs) {
		return false, ErrDBIndex
	}
	if db == tx.dbIndex {
		return false, ErrSameObject
	}
	v := tx.lookupWrite(key)
	if v == nil {
		return false, nil
	}
	at := tx.deadlineOf(key)
	from, fromIndex := tx.db, tx.dbIndex
	tx.db, tx.dbIndex = tx.e.dbs[db], db
	if tx.lookupWrite(key) != nil {
		tx.db, tx.dbIndex = from, fromIndex
		return false, nil
	}
	tx.setValue(key, v, true)
	if at != 0 {
		tx.setDeadline(key, at)
	}
	tx.db, tx.dbIndex = from, fromIndex
	tx.deleteKey(key)
	rec := tx.wrote(key, evMoveFrom)
	tx.db, tx.dbIndex = tx.e.dbs[db], db
	tx.wroteN(key, evMoveTo, 0) // one change, counted with move_from
	tx.db, tx.dbIndex = from, fromIndex
	if rec {
		tx.emit("MOVE", key, strconv.Itoa(db))
	}
	return true, nil
}
