package embedis

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/quicklist"
)

//go:generate go run ./internal/gen/wrappers

// Options configure a Store. The zero value gives a working in-memory store
// with 16 databases on the wall clock.
type Options struct {
	// Clock is where the store gets its time. Nil means the wall clock.
	Clock Clock

	// Databases is the number of logical databases (Redis's "databases"
	// directive). Zero means 16.
	Databases int

	// OnEffects, if set, receives the write-effect stream: for every atomic unit
	// that changed data (one command, one Atomic closure, one Pipeline), the
	// effects of the unit as commands in deterministic form. Relative expiries
	// are absolute (PEXPIREAT, SET ... PXAT), INCRBYFLOAT is a SET, expired keys
	// are DELs, and a SELECT precedes commands whenever the database differs
	// from the stream's previous one. Replaying the stream with Apply into a
	// fresh store gives the same data.
	//
	// It is called in unit order while the owner role is held: it must be
	// quick, must not call the Store, and may keep the slice it is given.
	OnEffects func(unit [][]string)

	// Eviction, if set, is the memory limit and eviction policy
	// (maxmemory and its settings, see EvictionConfig); nil means
	// DefaultEviction: no limit. Invalid settings make Open fail.
	Eviction *EvictionConfig

	// Limits, if set, bounds string lengths and sparse HyperLogLogs
	// (proto-max-bulk-len, hll-sparse-max-bytes; see Limits); nil means
	// DefaultLimits. Invalid limits make Open fail.
	Limits *Limits

	// Log, if set, receives the same units as OnEffects (after it, when both
	// are set) and decides when the caller whose call made a unit is
	// answered: package persist's append-only log sets it. See EffectLog.
	Log EffectLog

	// SubscriptionBuffer bounds the messages a Subscription (Subscribe,
	// PSubscribe, SSubscribe) holds for its reader: a subscription whose
	// reader falls this many messages behind stops receiving, counts what it
	// misses (Dropped), and is closed with ErrSlowSubscriber once the reader
	// has taken the messages held. Zero means DefaultSubscriptionBuffer;
	// negative is an error.
	SubscriptionBuffer int

	// OnEvicted and OnExpired, if set, are called for every key the
	// maxmemory policy evicts and every key removed because its deadline
	// passed (lazily, when a command finds it, or by active expiry): the
	// database and the key. They are the keyspace path's own hooks (the
	// same removals INFO's evicted_keys and expired_keys count and the
	// "evicted" and "expired" events announce), for a cache that counts or
	// writes back.
	//
	// They never hold up the owner: the keys of a unit are gathered while
	// it runs and handed over after it has released the owner role, on the
	// goroutine that ran the unit (the caller whose command evicted or
	// found the key, or the engine's expiry goroutine), before that call
	// returns. So they may call the Store (to count, or to store the key
	// elsewhere); they may not see the value, which is gone. Calls from
	// different units may run at the same time and in any order, so a hook
	// must be safe for concurrent use; a slow hook delays only the call
	// that ran the unit. A unit that panics (see the package documentation)
	// calls none.
	OnEvicted func(db int, key string)
	OnExpired func(db int, key string)

	// NotifyKeyspaceEvents selects the keyspace events published, as Redis's
	// notify-keyspace-events (see SetNotifyKeyspaceEvents). "" publishes
	// none.
	NotifyKeyspaceEvents string
}

// DefaultSubscriptionBuffer is the number of messages a Subscription holds
// for a slow reader when Options.SubscriptionBuffer is zero.
const DefaultSubscriptionBuffer = 10000

// EffectLog is the hook through which a durable log sees the write-effect
// stream and holds each caller's answer until its unit is as durable as the
// log promises (package persist: appendfsync always, everysec, no).
//
// Append is called by the owner, in unit order, while the owner role is held,
// for every unit that changed data — the units of callers and the background
// ones (active expiry) alike. It must not block on I/O or call the Store, and
// may keep unit. It returns a ticket for Wait; 0 means there is nothing to
// wait for.
//
// Wait is called by the caller whose unit got the ticket, after the owner
// role is released and before its call returns: Store methods, Do, Apply,
// Atomic, Pipeline.Exec and a blocking command that a later unit served
// (Store's blocking methods and Blocked.Wait, which wait for the ticket of
// the unit that served them or a later one). A non-nil error from Wait
// becomes the call's error (joined with the call's own error, if any): the
// unit's changes are made in memory, but the log does not vouch for them.
// Background units are never waited for; a unit's ticket is not waited for
// when the call panics.
type EffectLog interface {
	Append(unit [][]string) (ticket uint64)
	Wait(ctx context.Context, ticket uint64) error
}

// Store is an in-process Redis: Redis's data types and commands, called as Go
// methods. It is safe for concurrent use; every call is atomic.
//
// A Store value is a handle on one logical database of the engine; DB returns
// handles on the others. All handles share the data, and Close on any of them
// closes the engine.
type Store struct {
	e  *engine
	db int // -1: out of range, every call fails with ErrDBIndex
}

// engine holds all data. Exactly one goroutine at a time acts as its owner,
// under mu: a caller takes the lock, runs its command through tx, and releases
// it. A lock and not an owner goroutine fed by a channel, because the
// hand-off measured about 45 ns under a lock and 12 times that through a
// channel, for the same serialisation.
type engine struct {
	mu     ownerLock
	closed bool
	broken *PanicError // why the store stopped, if a command panicked (closed is then true)
	clock  Clock
	dbs    []*db // nil after Close
	ndb    int   // number of databases; never changes
	tx     Tx    // the owner's Tx, reused for every unit

	deadlines deadlineIndex
	wakeAt    int64 // deadline the expiry timer is set for; 0 when none
	timer     Timer
	replica   bool // expiry as on a replica (Tx.SetReplicaExpiry, expire.go)

	onEffects func(unit [][]string)
	log       EffectLog // Options.Log; nil when none
	logTicket uint64    // the ticket the log gave the last unit appended
	streamDB  int       // database the effect stream last selected; -1 before any

	// onKeyEvent, if set, receives every keyspace event (see keyspace.go):
	// the database, Redis's class letter, the event's name and the key. It is
	// called by the owner; tests set it.
	onKeyEvent func(db int, class eventClass, event, key string)

	pubsub        pubsub    // subscriptions (pubsub.go)
	notifyClasses [256]bool // notify-keyspace-events: the event classes published, by letter
	notifyKeys    bool      // K: events go to __keyspace@<db>__:<key>
	notifyEvents  bool      // E: events go to __keyevent@<db>__:<event>
	notifyFlags   string    // the classes in canonical form, as set
	subBuffer     int       // Options.SubscriptionBuffer, with the default applied
	track         tracking  // client-side caching (tracking.go)

	// snap is the snapshot whose keys are being handed out (nil when none);
	// epoch is the last snapshot's epoch, the mark of keys added since
	// (see snapshot.go).
	snap  *snapshotRun
	epoch uint64

	blocked int // callers waiting in blocking commands
	rnd     *rand.Rand

	stats  stats
	ev     eviction // maxmemory and the eviction policy (evict.go)
	limits Limits   // proto-max-bulk-len, hll-sparse-max-bytes (limits.go)
	// maxStringLen mirrors limits.MaxStringLength for readers that do not
	// hold the owner role (Store.MaxStringLength).
	maxStringLen atomic.Int64

	// onEvicted and onExpired are Options.OnEvicted and OnExpired.
	onEvicted, onExpired func(db int, key string)

	// startupMemory is what the store accounted when it opened, empty;
	// peakMemory the highest total seen (memory_stats.go).
	startupMemory, peakMemory int64

	// listFill is list-max-listpack-size as set (quicklist.go): the
	// lists created from now on cut their nodes by it.
	listFill int

	scripts   ScriptEngine // the Lua scripts' engine (script.go); nil until the first scripting command
	functions *functionSet // the libraries of functions (function.go); nil until first used
	// serverCommands runs a server-only command for Do (a script's
	// redis.call); nil without a server (SetServerCommandHandler).
	serverCommands func(tx *Tx, w ReplyWriter, args []string)
	// scriptCommands sees each command a script ran (MONITOR's "lua"
	// lines); nil unless a server installed it (SetScriptCommandObserver).
	scriptCommands func(tx *Tx, args []string)

	// The running script, for BUSY and SCRIPT KILL (script_busy.go).
	busyMu        sync.Mutex
	running       *ScriptRun  // under busyMu; nil when no script runs
	busyTimer     *time.Timer // fires when the running script reaches the threshold
	busyThreshold atomic.Int64

	atomicTurns uint64        // Atomic closures started; numbers each one
	atomicTurn  atomic.Uint64 // the running Atomic closure's number; 0 when none (see heldByCaller)
}

// stats are counters kept by the owner, read by INFO through Tx.Stats.
type stats struct {
	evictedKeys int64
	expiredKeys int64
	hits        int64
	misses      int64
	changes     int64 // changes since the store opened, as Redis's server.dirty (keyspace.go's wroteN)
	// loadedKeys and loadExpired count the keys OpenSnapshot loaded and
	// the keys it skipped as past their deadline (engine.load).
	loadedKeys  int64
	loadExpired int64
}

// db is one logical database: the keyspace and the deadlines of its volatile keys.
type db struct {
	keys    *dict.Dict[slot]
	expires map[string]int64         // absolute deadline in Unix milliseconds
	watched map[string][]*watchEntry // WATCHes on keys of this database; nil when none
	waiters map[string][]*waiter     // callers blocked on keys of this database, in arrival order
	mem     memCounters              // the keys' and values' bytes (memory.go)
}

// slot is what the keyspace holds for a key: its value, and the epoch of the
// last snapshot that has handed the key out or that the key is newer than
// (see snapshot.go: a key whose mark is below the running snapshot's epoch
// has not been handed out yet). The mark fills the dict node's slack: a node
// of the keyspace is 48 bytes with it, as without it (the 48-byte size class
// held a 40-byte node).
type slot struct {
	v    value
	mark uint64
}

func newDB() *db {
	return &db{keys: dict.New[slot](), expires: make(map[string]int64)}
}

// Open returns a new Store configured by opts. The zero Options give an
// in-memory store with 16 databases on the wall clock.
func Open(opts Options) (*Store, error) {
	n := opts.Databases
	if n == 0 {
		n = 16
	}
	if n < 0 {
		return nil, ErrDBIndex
	}
	subBuffer := opts.SubscriptionBuffer
	if subBuffer == 0 {
		subBuffer = DefaultSubscriptionBuffer
	}
	if subBuffer < 0 {
		return nil, ErrSubscriptionBuffer
	}
	clock := opts.Clock
	if clock == nil {
		clock = wallClock{}
	}
	evc := DefaultEviction()
	if opts.Eviction != nil {
		evc = *opts.Eviction
	}
	pol, err := evc.check()
	if err != nil {
		return nil, err
	}
	limits := DefaultLimits()
	if opts.Limits != nil {
		limits = *opts.Limits
	}
	if err := limits.check(); err != nil {
		return nil, err
	}
	e := &engine{
		clock:     clock,
		dbs:       make([]*db, n),
		ndb:       n,
		onEffects: opts.OnEffects,
		log:       opts.Log,
		streamDB:  -1,
		rnd:       rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
		subBuffer: subBuffer,
		listFill:  quicklist.DefaultFill,
		track:     tracking{maxKeys: DefaultTrackingTableMaxKeys},
		onEvicted: opts.OnEvicted,
		onExpired: opts.OnExpired,
		limits:    limits,
	}
	e.maxStringLen.Store(limits.MaxStringLength)
	if err := e.setNotify(opts.NotifyKeyspaceEvents); err != nil {
		return nil, err
	}
	for i := range e.dbs {
		e.dbs[i] = newDB()
	}
	e.ev.cfg, e.ev.policy = evc, pol
	e.busyThreshold.Store(int64(DefaultBusyReplyThreshold))
	e.tx.e = e
	e.startupMemory = e.usedMemory()
	e.peakMemory = e.startupMemory
	return &Store{e: e}, nil
}

// DB returns a handle on database n of the same engine (SELECT n). Every call
// on a handle for an n outside 0..Databases-1 returns ErrDBIndex.
func (s *Store) DB(n int) *Store {
	if n < 0 || n >= s.e.ndb {
		return &Store{e: s.e, db: -1}
	}
	return &Store{e: s.e, db: n}
}

// Close releases the store. It is idempotent; every call after it, on any
// handle, returns ErrClosed.
func (s *Store) Close() error {
	e := s.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.shutdown()
	return nil
}

// shutdown closes the engine: waiters are woken, the timer stopped and the
// data dropped. The owner role is held.
func (e *engine) shutdown() {
	e.closed = true
	if e.snap != nil {
		e.endSnapshot(e.snap, e.closedErr())
	}
	e.wakeAllClosed()
	e.dropSubscribers(e.closedErr())
	e.dropTrackings()
	if e.timer != nil {
		e.timer.Stop()
		e.timer = nil
	}
	e.dbs = nil
	e.deadlines = deadlineIndex{}
}

// closedErr is what a call on the closed engine returns: ErrClosed, or the
// *PanicError that stopped it.
func (e *engine) closedErr() error {
	if e.broken != nil {
		return e.broken
	}
	return ErrClosed
}

// begin takes the owner role for one unit on the handle's database. A
// caller whose context ends while it waits for the role returns the
// context's error without running; a caller that already holds the role
// (a Store call inside an Atomic closure) gets ErrReentrant.
func (s *Store) begin(ctx context.Context) (*Tx, error) {
	return s.beginUnit(ctx, true)
}

// beginUnit is begin; evict false skips the eviction a unit starts with
// (Apply: a replayed stream holds its source's evictions as DELs).
func (s *Store) beginUnit(ctx context.Context, evict bool) (*Tx, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e := s.e
	if !e.mu.state.CompareAndSwap(0, 1) && !e.mu.spin() {
		if e.heldByCaller() {
			return nil, ErrReentrant
		}
		if err := e.mu.lockQueued(ctx, busyAware(ctx)); err != nil {
			if err == errOwnerBusy {
				return nil, e.busyError()
			}
			return nil, err
		}
	}
	if e.closed {
		e.mu.Unlock()
		return nil, e.closedErr()
	}
	if s.db < 0 {
		e.mu.Unlock()
		return nil, ErrDBIndex
	}
	tx := &e.tx
	tx.start(s.db)
	tx.ctx = ctx
	if e.ev.cfg.MaxMemory > 0 && !e.ev.cfg.Suspended && evict {
		tx.oom = !tx.performEvictions()
		tx.changesAtStart = e.stats.changes
	}
	if e.track.table != nil {
		LimitTrackingTable(tx)
	}
	return tx, nil
}

// end finishes the unit: it hands the unit's effects to the stream and
// releases the owner role. Deferred by every Store call, it also catches a
// command's panic: the store stops (see stop) and *errp is set to the
// *PanicError.
func (s *Store) end(tx *Tx, errp *error) {
	if r := recover(); r != nil {
		*errp = s.e.stop(tx, r)
		return
	}
	ctx := tx.ctx
	s.e.waitLog(ctx, s.e.finish(tx), errp)
}

// finish ends the unit: it serves blocked callers the unit made ready, hands
// the unit's effects to OnEffects and the Log, schedules expiry and releases
// the owner role. It returns the Log's ticket for the unit (0: none), which
// the caller passes to waitLog once the role is released; background units
// ignore it.
func (e *engine) finish(tx *Tx) (ticket uint64) {
	if len(tx.ready) > 0 {
		e.serveReady(tx)
	}
	tx.settle()
	if e.track.dirty {
		e.broadcast()
	}
	tx.tracker = nil
	if len(tx.effects) > 0 {
		unit := tx.effects
		tx.effects = nil
		if e.onEffects != nil {
			e.onEffects(unit)
		}
		if e.log != nil {
			ticket = e.log.Append(unit)
			if ticket != 0 {
				e.logTicket = ticket
			}
		}
	}
	if tx.scheduleAt != 0 {
		e.schedule(tx.scheduleAt)
		tx.scheduleAt = 0
	}
	tx.db = nil
	tx.ctx = nil
	removed := tx.removedKeys
	tx.removedKeys = nil
	purge := tx.purgeOSMemory
	tx.purgeOSMemory = false
	e.mu.Unlock()
	if purge {
		freeOSMemory()
	}
	for _, r := range removed {
		if r.evicted {
			e.onEvicted(r.db, r.key)
		} else {
			e.onExpired(r.db, r.key)
		}
	}
	return ticket
}

// waitLog waits, without the owner role, until the Log vouches for the unit
// that got ticket (see EffectLog), and adds the Log's error to *errp.
func (e *engine) waitLog(ctx context.Context, ticket uint64, errp *error) {
	if ticket == 0 || e.log == nil {
		return
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := e.log.Wait(ctx, ticket); err != nil {
		*errp = errors.Join(*errp, err)
	}
}

// Atomic runs fn as the owner: no other command runs on the store until fn
// returns, so everything fn does through tx is isolated, as in a Redis MULTI
// or script. There is no rollback: what fn wrote before returning an error
// stays written. Atomic returns fn's error.
//
// Under maxmemory, keys are evicted once, before fn runs, as Redis evicts
// before an EXEC or a script and not between their commands. If the store
// is then still over the limit with nothing to evict, the methods of
// commands that may add data (flagged denyoom: Set, HSet, LPush, …) fail
// with ErrOOM until fn has written something, as redis.call in a script
// does; reads and deletions go on.
//
// fn must use tx, never the Store: a call on the same store from inside fn
// (a Store method, Do, a Pipeline's Exec, another Atomic) would wait for the
// role fn holds, so it fails at once with ErrReentrant. fn must not keep tx
// after it returns, and should be short: every other caller waits while it
// runs.
//
// If fn panics in its own code, the role is released, what fn wrote stays,
// and the panic goes on in the caller. If a command panics inside fn (a bug
// of embedis), the store stops as described in the package documentation
// and Atomic returns the *PanicError.
func (s *Store) Atomic(ctx context.Context, fn func(tx *Tx) error) (err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	e := s.e
	e.atomicTurns++
	atomicsRunning.Add(1)
	e.atomicTurn.Store(e.atomicTurns)
	defer s.endAtomic(tx, &err)
	return fn(tx)
}

func (s *Store) endAtomic(tx *Tx, errp *error) {
	e := s.e
	e.atomicTurn.Store(0)
	atomicsRunning.Add(-1)
	if r := recover(); r != nil {
		if !panickedInEmbedis() {
			e.finish(tx)
			panic(r)
		}
		*errp = e.stop(tx, r)
		return
	}
	ctx := tx.ctx
	e.waitLog(ctx, e.finish(tx), errp)
}

// Now returns the store's clock reading, truncated to the millisecond as the
// store sees it.
func (s *Store) Now() time.Time { return time.UnixMilli(s.e.clock.Now().UnixMilli()) }
