// Package embedis is Redis's data structures inside a Go process: an
// in-process Store with Redis 7.0's commands and semantics, called as Go
// methods, with no network round trip.
//
// Open a store and call commands on it:
//
//	s, err := embedis.Open(embedis.Options{}) // in memory, 16 databases, wall clock
//	if err != nil { ... }
//	defer s.Close()
//	s.Set(ctx, "greeting", "hello", time.Minute)
//	n, err := s.Incr(ctx, "visits")
//
// Method names follow Redis's command names as go-redis spells them (Get,
// SetNX, GetEx, IncrBy, PExpireAt, …), and every method takes a
// context.Context first and returns Go values and an error.
//
// # Commands by family
//
// The Store methods, each one Redis command (or one form of one) named as
// go-redis names it; each family's methods are in its file (strings.go,
// keys.go, hash.go, …) and each has a Pipeline counterpart unless it
// blocks or is about the Store itself.
//
//   - Strings: Get, Set, SetArgs, SetNX, SetXX, SetEx, GetSet, GetDel, GetEx,
//     MGet, MSet, MSetNX, Append, StrLen, GetRange, SetRange, Incr, IncrBy,
//     Decr, DecrBy, IncrByFloat, LCS, LCSLen, LCSIdx.
//   - Bitmaps (bitmap.go), on strings: SetBit, GetBit, BitCount (with a
//     BitCount range, in bytes or bits), BitPos, BitPosSpan, BitOpAnd,
//     BitOpOr, BitOpXor, BitOpNot, BitField and BitFieldRO (typed
//     operations: BitFieldGet, BitFieldSet, BitFieldIncrBy,
//     BitFieldOverflow).
//   - Keys and expiry: Del, Unlink, Exists, Touch, Type, Rename, RenameNX,
//     Copy, Keys, Scan, ScanType, RandomKey, DBSize, FlushDB, FlushAll,
//     SwapDB, Expire, ExpireNX, ExpireXX, ExpireGT, ExpireLT, ExpireAt,
//     PExpire, PExpireAt, Persist, TTL, PTTL, ExpireTime, PExpireTime, Move,
//     ObjectEncoding, ObjectRefCount, ObjectFreq, ObjectIdleTime.
//   - Memory (memory.go, memory_stats.go, evict.go): MemoryUsage (MEMORY
//     USAGE: one key's bytes), UsedMemory (what the data holds in all, INFO's
//     used_memory), MemoryStats (MEMORY STATS), MemoryDoctor (MEMORY
//     DOCTOR), MemoryPurge (MEMORY PURGE), ConfigureEviction and Eviction
//     (maxmemory and its policy at run time; at open, Options.Eviction;
//     Options.OnEvicted and OnExpired are called for each key evicted or
//     expired); BigKeys (bigkeys.go: redis-cli --bigkeys and --memkeys, the
//     biggest key of each type and the totals, walked in SCAN-sized turns).
//   - Replicas (expire.go): SetReplicaExpiry and ReplicaExpiry (expiry
//     as on a Redis replica: keys go only by the master's DELs, reads hide
//     those past their deadline).
//   - Limits (limits.go): SetLimits and Limits (proto-max-bulk-len, the
//     longest string a command may build, and hll-sparse-max-bytes; at
//     open, Options.Limits); MaxStringLength reads the first without the
//     owner role, for a server checking what it reads.
//   - Sorting: Sort (SORT and SORT_RO), SortStore (SORT … STORE), over
//     lists, sets and sorted sets.
//   - Hashes: HSet, HSetNX, HMSet, HGet, HMGet, HGetAll, HKeys, HVals, HLen,
//     HExists, HStrLen, HDel, HIncrBy, HIncrByFloat, HRandField,
//     HRandFieldWithValues, HScan.
//   - Lists: LPush, RPush, LPushX, RPushX, LPop, RPop, LPopCount, RPopCount,
//     LLen, LIndex, LRange, LPos, LPosCount, LSet, LInsert, LRem, LTrim,
//     LMove, RPopLPush, LMPop; blocking: BLPop, BRPop, BLMove, BRPopLPush,
//     BLMPop; SetListMaxListpackSize and ListMaxListpackSize
//     (list-max-listpack-size: how new lists cut their nodes).
//   - Sets: SAdd, SRem, SCard, SIsMember, SMIsMember, SMembers, SRandMember,
//     SRandMemberN, SPop, SPopN, SMove, SInter, SInterCard, SInterStore,
//     SUnion, SUnionStore, SDiff, SDiffStore, SScan.
//   - Sorted sets: ZAdd, ZAddArgs, ZAddArgsIncr, ZIncrBy, ZRem, ZCard,
//     ZCount, ZLexCount, ZScore, ZMScore, ZRank, ZRevRank, ZRange,
//     ZRangeWithScores, ZRevRange, ZRevRangeWithScores, ZRangeByScore,
//     ZRangeByScoreWithScores, ZRevRangeByScore, ZRevRangeByScoreWithScores,
//     ZRangeByLex, ZRevRangeByLex, ZRangeArgs, ZRangeArgsWithScores,
//     ZRangeStore, ZRemRangeByRank, ZRemRangeByScore, ZRemRangeByLex,
//     ZPopMin, ZPopMax, ZMPop, ZRandMember, ZRandMemberWithScores, ZUnion,
//     ZUnionWithScores, ZUnionStore, ZInter, ZInterWithScores, ZInterCard,
//     ZInterStore, ZDiff, ZDiffWithScores, ZDiffStore, ZScan; blocking:
//     BZPopMin, BZPopMax, BZMPop.
//   - Geo: GeoAdd, GeoAddArgs, GeoPos, GeoHash, GeoDist, GeoSearch,
//     GeoSearchLocation, GeoSearchStore, GeoRadius, GeoRadiusStore,
//     GeoRadiusByMember, GeoRadiusByMemberStore.
//   - Scripting (Lua, with package scripting imported: see script.go):
//     Eval, EvalRO, EvalSha, EvalShaRO, ScriptLoad, ScriptExists,
//     ScriptFlush; SetServerCommandHandler lets scripts reach a
//     server's own commands (INFO, CONFIG GET, …), and
//     SetScriptCommandObserver shows it the commands scripts run. A script past
//     busy-reply-threshold (SetBusyReplyThreshold, BusyReplyThreshold;
//     script_busy.go) makes other callers fail with ErrBusy; ScriptKill
//     and FunctionKill stop one that has not written; WaitWhenBusy makes
//     a context whose calls wait for it instead.
//   - Functions (Redis 7.0; function.go): FunctionLoad, FunctionDelete,
//     FunctionFlush, FunctionList, FunctionDump, FunctionRestore,
//     FunctionStats, FCall, FCallRO (BusyFunctionStats answers FUNCTION
//     STATS while a function is busy); the libraries are in snapshots
//     (FUNCTION2 records) and in the write-effect stream.
//   - HyperLogLog: PFAdd, PFCount (one key, or the union of several),
//     PFMerge; values byte-identical to redis-server's (GET them, SET them).
//     PFSELFTEST and PFDEBUG run through Do.
//   - Streams: XAdd, XLen, XRange, XRangeN, XRevRange, XRevRangeN, XDel,
//     XTrimMaxLen, XTrimMaxLenApprox, XTrimMinID, XTrimMinIDApprox, XRead
//     (blocking with Block ≥ 0), XSetID, XInfoStream, XInfoStreamFull.
//   - Stream consumer groups: XGroupCreate, XGroupCreateMkStream,
//     XGroupSetID, XGroupDestroy, XGroupCreateConsumer, XGroupDelConsumer,
//     XReadGroup (blocking with Block ≥ 0), XAck, XPending, XPendingExt,
//     XClaim, XClaimJustID, XAutoClaim, XAutoClaimJustID, XInfoGroups,
//     XInfoConsumers.
//   - Moving data to and from Redis: Dump and Restore (DUMP and RESTORE,
//     payloads byte-compatible with redis-server 7.0's); Snapshot (a
//     point-in-time copy of every database, written as an RDB version 10
//     file by Snapshot.WriteTo), WriteSnapshot (both in one call) and
//     OpenSnapshot (a new Store from an RDB file, such as the dump.rdb of
//     redis-server). Neither stops the other callers: the point in time is
//     marked in one short turn and the keys are handed out in slices, a key
//     about to be written being copied first (see snapshot.go); inside an
//     Atomic closure, Tx.StartSnapshot marks it in the closure's turn and
//     PendingSnapshot.WriteTo writes it afterwards. ReplaceFromSnapshot
//     empties the store and loads an RDB file in its place in one turn (a
//     replica's full sync).
//   - Publish/subscribe (pubsub.go, subscription.go): Publish, SPublish,
//     Subscribe, PSubscribe and SSubscribe (a Subscription delivering on a Go
//     channel, closed by Close or its context, cut off with
//     ErrSlowSubscriber when its reader falls Options.SubscriptionBuffer
//     messages behind), PubSubChannels, PubSubNumSub, PubSubNumPat,
//     PubSubShardChannels, PubSubShardNumSub. Keyspace notifications
//     (notify.go): SetNotifyKeyspaceEvents and NotifyKeyspaceEvents
//     (Options.NotifyKeyspaceEvents), published on __keyspace@<db>__:<key>
//     and __keyevent@<db>__:<event> to Subscriptions and server clients.
//   - Client-side caching (tracking.go): Track (a Tracking: the keys read
//     through its Atomic, or every key of its BCAST prefixes, invalidated on
//     Invalidations when written, expired, evicted or flushed), Tracker (a
//     server connection's CLIENT TRACKING), SetTrackingTableMaxKeys and
//     TrackingTableMaxKeys (tracking-table-max-keys), LimitTrackingTable.
//   - Server and connection: Open, DB (SELECT), Close, Now, Stats (INFO's
//     counters), Do (any command from its Redis arguments).
//   - Transactions and pipelines: Atomic (MULTI/EXEC and scripts in one
//     closure), Pipeline, Apply (replays the write-effect stream).
//   - Cache (cache.go): Cache[V] (NewCache) on a Backend: Get, Set,
//     GetOrLoad (one load per key however many callers miss, in one process
//     or several), Delete, InvalidatePrefix, InvalidateTag, Stats; values
//     through a Codec (JSONCodec by default); KeyScanner is what
//     InvalidatePrefix needs of a remote Backend.
//   - Lock (lock.go): Locker (NewLocker) on a Backend: TryLock and Lock
//     (embedded: waiters woken in order when the lock frees) return a Lease
//     with a fencing Token, Extend, Release, TTL and KeepAlive.
//   - Sessions (NewSessions, session.go): server-side sessions with idle and
//     absolute timeouts, a throttled touch, Rotate, per-user List, Revoke
//     and DestroyAll, hashed tokens; on the embedded store or on Redis
//     (Backend). SCSStore (NewSCSStore, session_scs.go) is the store of
//     alexedwards/scs on the same backends.
//   - Rate limiting (ratelimit.go): RateLimiter (NewRateLimiter) on a
//     Backend: GCRA, TokenBucket, FixedWindow, SlidingWindowLog and
//     SlidingWindowCounter; Allow, AllowN (n = 0 peeks), Reset, Wait, and
//     net/http Middleware with the RateLimit-* headers.
//   - Stream worker (worker.go): StreamWorker (NewStreamWorker) on a
//     Backend: a consumer group's member that reads, handles and
//     acknowledges stream entries, claims what stays pending past
//     ClaimAfter (XAUTOCLAIM), moves an entry to a dead-letter stream after
//     MaxDeliveries, and stops gracefully (Stop), handing back what it held;
//     Add enqueues.
//
// # Helpers
//
// Typed helpers over a Backend — Embedded(store), or a Redis or Redis
// Cluster through the goredis module — with one conformance suite that runs
// on both:
//
//   - Counter (NewCounter): counts per key, in total and per time bucket
//     that expires; Sum and Series over the last buckets; distinct members
//     on HyperLogLog: AddUnique, Unique, UniqueSum.
//   - Leaderboard (NewLeaderboard): ranks by score, all-time or per day,
//     ISO week or month; Submit, Entry, Top, Around, Page, Remove, Len.
//
// Not there yet, to come: streams, pub/sub and keyspace notifications,
// scripting, eviction (the append-only log is package
// persist).
//
// # Missing keys
//
// One convention throughout: a command returns ErrNotFound exactly where
// Redis replies nil — Get, GetDel, GetSet and RandomKey on a missing key,
// for instance. Where Redis replies a number or a status for a missing key
// (StrLen 0, Exists 0, Type "none", TTL -2) the method returns that value
// and no error. Multi-key commands that may have holes (MGet) return nil
// pointers at the holes.
//
// # Errors
//
// Redis's error replies are *Error values with Redis's exact text, tested
// with errors.Is against the sentinels: ErrWrongType, ErrNotInteger,
// ErrOverflow, ErrNotFloat, ErrSyntax, ErrInvalidExpire, …. A command that
// fails changes nothing.
//
// # Atomicity
//
// Every command runs as the engine's single owner, one at a time, so each
// call is atomic, as in Redis's single-threaded core. Atomic runs a closure
// as the owner (isolated, like MULTI or a script, with no rollback), and
// Pipeline runs a batch of commands in one turn. Each command is implemented
// once, as a method of Tx; the Store and Pipeline methods are generated
// wrappers around it, and Store.Do runs it from Redis arguments.
//
// # Waiting for the owner role
//
// A call whose context ends while it waits for its turn returns the
// context's error and does not run. A call on a store from inside one of
// its own Atomic closures would wait for the role the closure holds; it
// fails at once with ErrReentrant (the closure must use its Tx).
//
// # When a command panics
//
// No argument, and no byte on the wire, makes a command panic: arguments
// are checked before arithmetic that could overflow and before allocations
// sized from them. If a panic is ever left — a bug of embedis, with the data
// it was changing possibly half changed — Redis would print a bug report
// and exit. A library must not take its caller's process down, and must not
// go on serving data that may be damaged. So the panic is caught at the edge
// of the store: the call returns a *PanicError (with the panic's value and
// stack), and the store stops: every later call on any of its handles
// returns the same error, which matches ErrClosed; blocked callers are woken
// with it; the failed unit's effects never reach OnEffects, so a log of the
// stream holds whole units and rebuilds the data as it was before the
// failure. The server answers the error and goes on running. A panic in the
// caller's own Atomic closure is the caller's: the role is released and the
// panic continues in the caller.
//
// # Blocking commands
//
// BLPop, BRPop, BLMove, BRPopLPush and BLMPop wait until a list has data,
// and BZPopMin, BZPopMax and BZMPop until a sorted set has members, taking a
// context instead of Redis's timeout; they never hold the owner
// role while they wait. Waiters are served in the order they blocked, when
// the unit that pushed (a command, an Atomic closure, a MULTI) ends.
// Locker.Lock waits in the same way, in order, for a lock's key to be
// deleted or to expire.
//
// # Sorted sets and geo
//
// Sorted sets (ZAdd, ZRank, ZRangeArgs, …) answer rank and range questions
// in O(log n) from a counted B+tree (internal/zset). Geo sets are sorted
// sets whose scores are Redis's 52-bit geohashes, so their scores, GeoHash
// strings, positions and distances are identical to Redis's. Leaderboard
// (NewLeaderboard) is the leaderboard pattern on top of them.
//
// # Time
//
// Time comes from Options.Clock. Keys expire at absolute millisecond
// deadlines, as in Redis: a key is gone once the time is past its deadline.
// With a ManualClock, Advance removes due keys itself before it returns.
//
// # The write-effect stream
//
// Options.OnEffects receives every write as commands in deterministic form
// (absolute deadlines, INCRBYFLOAT as SET, expiries as DEL); Store.Apply
// replays them. This is the feed of the append-only log and of replication.
package embedis
