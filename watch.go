package embedis

// WATCH, the optimistic lock of Redis transactions: a connection watches
// keys, and its EXEC runs only if none of them was written (or expired) since.
// Every write goes through Tx.modified, which marks the Watches on the key
// dirty; FLUSHDB, FLUSHALL and SWAPDB mark those on keys they change.

// Watch is one client's set of watched keys. The zero value watches nothing.
// It is read and changed only by the owner, through the Tx methods Watch,
// Unwatch and WatchBroken.
type Watch struct {
	keys  []*watchEntry
	dirty bool
}

type watchEntry struct {
	w   *Watch
	db  *db
	key string
	// expired records that the key was already past its deadline when
	// watched: its removal is then no change (Redis 7.0); any other write is.
	expired bool
}

// touchWatch marks every Watch on key dirty, after the key was changed.
func (db *db) touchWatch(key string) {
	for _, we := range db.watched[key] {
		if we.expired {
			if _, present := db.keys.Get(key); !present {
				we.expired = false // the expired key was removed: logically no change
				continue
			}
		}
		we.w.dirty = true
	}
}

// Watch adds keys of the unit's database to w.
func (tx *Tx) Watch(w *Watch, keys ...string) {
	db := tx.db
	for _, k := range keys {
		if w.watches(db, k) {
			continue
		}
		at, has := db.expires[k]
		_, exists := db.keys.Get(k)
		we := &watchEntry{w: w, db: db, key: k, expired: exists && has && at < tx.nowMs()}
		w.keys = append(w.keys, we)
		if db.watched == nil {
			db.watched = make(map[string][]*watchEntry)
		}
		db.watched[k] = append(db.watched[k], we)
	}
}

func (w *Watch) watches(db *db, key string) bool {
	for _, we := range w.keys {
		if we.db == db && we.key == key {
			return true
		}
	}
	return false
}

// Unwatch forgets every key of w and clears its dirty mark.
func (tx *Tx) Unwatch(w *Watch) {
	for _, we := range w.keys {
		list := we.db.watched[we.key]
		for i, x := range list {
			if x == we {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(we.db.watched, we.key)
			if len(we.db.watched) == 0 {
				we.db.watched = nil
			}
		} else {
			we.db.watched[we.key] = list
		}
	}
	clear(w.keys)
	w.keys = w.keys[:0]
	w.dirty = false
}

// WatchBroken reports whether a key of w was written since it was watched,
// or has passed its deadline since (EXEC then aborts).
func (tx *Tx) WatchBroken(w *Watch) bool {
	if w.dirty {
		return true
	}
	for _, we := range w.keys {
		if we.expired {
			continue
		}
		if at, ok := we.db.expires[we.key]; ok && at < tx.nowMs() {
			return true
		}
	}
	return false
}
