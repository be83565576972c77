package embedis

import "strconv"

// Commands of the connection and the server. PING, ECHO and TIME need no
// connection and run anywhere (TIME reads the store's clock, so a test on a
// ManualClock sees its own time). The others act on a client connection or
// on the server's files (SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF): the table lists them so
// that arity errors and COMMAND cover them, and the server package runs
// them.

func init() {
	fast, stale, loading, noscript := "fast", "stale", "loading", "noscript"
	serverOnly := func(name string, arity int, flags ...string) *Command {
		return &Command{Name: name, Arity: arity, Flags: flags, serverOnly: true}
	}
	register(
		&Command{Name: "ping", Arity: -1, Flags: []string{fast}, run: cmdPing},
		&Command{Name: "echo", Arity: 2, Flags: []string{loading, stale, fast}, run: cmdEcho},
		&Command{Name: "time", Arity: 1, Flags: []string{loading, stale, fast}, run: cmdTime},
		serverOnly("auth", -2, noscript, loading, stale, fast, "no_auth", "allow_busy"),
		serverOnly("hello", -1, noscript, loading, stale, fast, "no_auth", "allow_busy"),
		serverOnly("quit", -1, noscript, loading, stale, fast, "no_auth", "allow_busy"),
		serverOnly("reset", 1, noscript, loading, stale, fast, "no_auth", "allow_busy"),
		serverOnly("client", -2),
		serverOnly("command", -1, loading, stale),
		serverOnly("info", -1, loading, stale),
		serverOnly("config", -2),
		serverOnly("multi", 1, noscript, loading, stale, fast, "allow_busy"),
		serverOnly("exec", 1, noscript, loading, stale, "skip_slowlog"),
		serverOnly("discard", 1, noscript, loading, stale, fast, "allow_busy"),
		&Command{Name: "watch", Arity: -2, Flags: []string{noscript, loading, stale, fast, "allow_busy"}, FirstKey: 1, LastKey: -1, KeyStep: 1, serverOnly: true},
		serverOnly("unwatch", 1, noscript, loading, stale, fast, "allow_busy"),
		serverOnly("shutdown", -1, "admin", noscript, loading, stale, "no_multi", "allow_busy"),
		serverOnly("save", 1, "admin", noscript, "no_async_loading", "no_multi"),
		serverOnly("bgsave", -1, "admin", noscript, "no_async_loading"),
		serverOnly("lastsave", 1, loading, stale, fast),
		serverOnly("bgrewriteaof", 1, "admin", noscript, "no_async_loading"),
		serverOnly("replicaof", 3, "admin", noscript, stale, "no_async_loading"),
		serverOnly("slaveof", 3, "admin", noscript, stale, "no_async_loading"),
		serverOnly("role", 1, noscript, loading, stale, fast),
		serverOnly("monitor", 1, "admin", noscript, loading, stale),
	)
}

func cmdPing(tx *Tx, args []string, w ReplyWriter) {
	switch len(args) {
	case 1:
		w.WriteStatus("PONG")
	case 2:
		w.WriteBulk(args[1])
	default:
		w.WriteError(ArityError("ping"))
	}
}

func cmdEcho(tx *Tx, args []string, w ReplyWriter) { w.WriteBulk(args[1]) }

func cmdTime(tx *Tx, args []string, w ReplyWriter) {
	now := tx.e.clock.Now()
	w.WriteArrayLen(2)
	w.WriteBulk(strconv.FormatInt(now.Unix(), 10))
	w.WriteBulk(strconv.FormatInt(int64(now.Nanosecond()/1000), 10))
}

// Databases returns the number of logical databases.
func (tx *Tx) Databases() int { return len(tx.e.dbs) }

// Changes returns the store's count of key changes (Stats.Changes) without
// Stats's walk over the databases: a server checks it often, to decide when
// its save points call for a snapshot.
func (tx *Tx) Changes() int64 { return tx.e.stats.changes }

// Stats are the engine's counters and per-database sizes, for INFO.
type Stats struct {
	EvictedKeys   int64 // keys evicted by the maxmemory policy
	ExpiredKeys   int64
	KeyspaceHits  int64
	KeyspaceMiss  int64
	Databases     []DBStats // one per database
	VolatileTotal int64     // keys with a deadline, all databases
	Blocked       int64     // callers waiting in blocking commands
	// Changes counts the changes to keys since the store opened, as Redis
	// 7.0 counts server.dirty: each command adds its own number of changes
	// (RPUSH the elements pushed, HSET the field pairs given, SADD the
	// members added, DEL the keys deleted, FLUSHALL the keys removed, a
	// failed or no-op command none); expiries add none. Loading a snapshot
	// counts nothing; replaying a log (Apply) counts the commands replayed
	// as they counted. Nothing resets it: a
	// server's INFO shows it less the count of the last snapshot saved
	// (Snapshot.Changes).
	Changes int64
	// UsedMemory is the estimate of the bytes the data holds, all
	// databases (Tx.UsedMemory): INFO memory's used_memory.
	UsedMemory int64
	// PeakMemory is the highest UsedMemory seen (INFO's used_memory_peak,
	// MEMORY STATS's peak.allocated), sampled whenever the total is
	// computed (see MemoryStats.PeakAllocated).
	PeakMemory int64
	// MaxMemory and MaxMemoryPolicy are the limit and the eviction policy
	// in effect (INFO's maxmemory and maxmemory_policy; see
	// EvictionConfig).
	MaxMemory       uint64
	MaxMemoryPolicy string
	// LoadKeysLoaded and LoadKeysExpired describe the RDB file the store
	// was opened from (OpenSnapshot), as redis-server's INFO
	// rdb_last_load_keys_loaded and rdb_last_load_keys_expired: the keys
	// loaded, and the keys skipped because their deadline had already
	// passed on the store's clock. An empty list, set, hash or sorted set in
	// the file, which Redis skips too, counts in neither. Both are 0 for a
	// store that was not opened from a snapshot; nothing changes them after
	// the load.
	LoadKeysLoaded  int64
	LoadKeysExpired int64
	// Client-side caching (tracking.go), INFO's tracking_clients (trackers
	// on), tracking_total_keys (keys in the tracking table),
	// tracking_total_items (key-tracker pairs in it) and
	// tracking_total_prefixes (BCAST prefixes held by a tracker).
	TrackingClients, TrackingKeys, TrackingItems, TrackingPrefixes int64
}

// DBStats describe one database.
type DBStats struct {
	Keys    int64
	Expires int64
	AvgTTL  int64 // average remaining time to live of volatile keys, ms
	Memory  int64 // the estimate of the bytes the database's data holds
}

// Stats returns the engine's counters and the size of every database. It
// never fails.
func (tx *Tx) Stats() (Stats, error) {
	st := Stats{
		EvictedKeys:  tx.e.stats.evictedKeys,
		ExpiredKeys:  tx.e.stats.expiredKeys,
		KeyspaceHits: tx.e.stats.hits,
		KeyspaceMiss: tx.e.stats.misses,
		Databases:    make([]DBStats, len(tx.e.dbs)),
		Blocked:      int64(tx.e.blocked),
		Changes:      tx.e.stats.changes,

		LoadKeysLoaded:  tx.e.stats.loadedKeys,
		LoadKeysExpired: tx.e.stats.loadExpired,

		TrackingClients:  int64(len(tx.e.track.on)),
		TrackingKeys:     int64(len(tx.e.track.table)),
		TrackingItems:    tx.e.track.items,
		TrackingPrefixes: int64(len(tx.e.track.prefixes)),
	}
	now := tx.nowMs()
	tx.settle()
	for i, db := range tx.e.dbs {
		d := DBStats{Keys: int64(db.keys.Len()), Expires: int64(len(db.expires)), Memory: db.usedMemory()}
		st.UsedMemory += d.Memory
		if d.Expires > 0 && d.Expires <= 10000 {
			var sum int64
			for _, at := range db.expires {
				if at > now {
					sum += at - now
				}
			}
			d.AvgTTL = sum / d.Expires
		}
		st.Databases[i] = d
		st.VolatileTotal += d.Expires
	}
	tx.e.notePeak(st.UsedMemory)
	st.PeakMemory = tx.e.peakMemory
	st.MaxMemory, st.MaxMemoryPolicy = tx.e.ev.cfg.MaxMemory, tx.e.ev.cfg.Policy
	return st, nil
}
