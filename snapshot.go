package embedis

import (
	"container/heap"
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/embedis/embedis/internal/dict"
	"github.com/embedis/embedis/internal/memsize"
	"github.com/embedis/embedis/internal/rdb"
)

// Whole-store snapshots in Redis 7.0's RDB file format (version 10), taken
// without stopping the world.
//
// # The epoch and the hand-out
//
// Redis forks: the child writes the parent's memory as it was, and the
// kernel copies a page when the parent writes it. We copy per key instead.
// Starting a snapshot marks an epoch, in one short owner turn that records
// the time, the change count and, per database, the keyspace dict and
// deadline map themselves (the objects: SWAPDB, which swaps them between
// database numbers, and FLUSHDB, which replaces them, need nothing more).
// The keys are then handed out in slices: a walker takes the owner role as
// any caller does (queued fairly, failing when the store closes or its
// context ends), visits up to snapshotSliceWork of work with the dict's
// SCAN cursor, copies what it visits (a string's header, a clone of a
// list, set, hash or sorted set, the deadline), and releases the role.
// Encoding, compression and writing happen off the owner, pipelined with
// the hand-out through a bounded queue (snapshotQueue batches), so a slow
// writer holds the walker back instead of letting copies pile up.
//
// Copy on write: a key about to be changed, or removed, or to have its
// deadline changed, that the walker has not reached is handed out first, as
// it was. The hook is in keyspace.go's one path (lookupWrite and the typed
// writeX forms, setValue, deleteKey, setDeadline, clearDeadline,
// removeExpired: lazy and active expiry), so no command knows about
// snapshots; with none running it costs one predictable branch. Such keys
// wait, per database, for the walker to reach their database, which keeps
// the file's keys grouped by database. FLUSHDB and FLUSHALL copy nothing:
// the dict they replace is referenced by the snapshot only, which goes on
// walking it.
//
// Each key exactly once: every keyspace entry carries the epoch of the last
// snapshot that has it (slot.mark, in the dict node's slack: no memory per
// key). A key is handed out, by the walker or on write, only when its mark
// is below the running epoch, and the mark is raised as it is; a key added
// during the snapshot gets the running epoch, so it is not part of it. The
// SCAN cursor visits every key present throughout at least once however the
// dict grows, shrinks or rehashes between slices; the marks make it exactly
// once. Keys already past their deadline at the epoch are left out.
//
// Costs: the epoch's turn is O(databases). A slice costs well under a
// millisecond (snapshotSliceWork; BenchmarkSnapshotSlice), except that a
// single aggregate is cloned in one slice whatever its size: a list of a
// million 15-byte elements took 131 ms in one slice on the loaded machine
// of snapshotSliceWork (BenchmarkSnapshotBigList). A key copied on write
// costs its copy once, in the writing caller's turn (the same clone). Memory
// while writing: up to snapshotQueue slices in the queue, plus the keys
// copied on write until the walker passes them on; Store.Snapshot keeps the
// whole copy, as a Snapshot must.
//
// Two snapshots at once: Store.Snapshot and Store.WriteSnapshot wait (without
// the role, honouring their context) for the one in progress to end. A
// snapshot started inside a turn (Tx.StartSnapshot, Tx.Snapshot), which
// cannot wait, first hands out the rest of the one in progress in that turn
// (it keeps the older one's point in time; that turn then costs as much as
// a whole copy).
//
// # The file
//
// The file is what redis-server 7.0.15 writes on SAVE: the REDIS0010
// header; the AUX fields redis-ver (7.0.15), redis-bits, ctime, used-mem and
// aof-base; per database non-empty at the epoch SELECTDB and RESIZEDB (its
// counts of keys and deadlines at the epoch, as Redis writes them: keys past
// their deadline that no one has removed yet are counted, though left out);
// each key with its EXPIRETIME_MS if it has a deadline, its type byte and
// value in the encoding Dump writes (see dump.go); EOF and the CRC-64. The
// keys of a database come in the order the walker and the writes handed
// them out. redis-server 7.0 starts on it; OpenSnapshot opens it and the
// dump.rdb files Redis writes (versions 1 to 10; see internal/rdb for what
// is refused).

// snapshotSliceWork bounds one slice of the hand-out: a key costs one, and
// an aggregate one more per snapshotElemsPerWork elements cloned. A slice of
// 256 string keys (10% with a deadline) took 0.29 ms on a 2-core amd64 shared
// at a load average of 20 (BenchmarkSnapshotSlice), so well under a
// millisecond on a quiet one.
const (
	snapshotSliceWork    = 256
	snapshotElemsPerWork = 32
	snapshotQueue        = 4 // batches between the walker and the writer
)

// Snapshot is a point-in-time copy of every database of a store, ready to
// be written as an RDB file with WriteTo, any number of times. It is
// immutable and safe to use from any goroutine; it shares no memory the
// store can change.
type Snapshot struct {
	dbs     []snapshotDB // by database number
	keys    int
	changes int64
	now     int64 // the store's time at the epoch, Unix ms
	// functions are the codes of the libraries of functions at the epoch
	// (function.go), written as FUNCTION2 records.
	functions []string
}

// snapshotDB is one database of a Snapshot.
type snapshotDB struct {
	entries []snapshotEntry
	// keys and expires are the database's counts at the epoch, the
	// RESIZEDB hints; keys == 0: the database is not written.
	keys, expires int
}

// snapshotEntry is one key handed out: a string's value itself, or a clone
// of any other value, and the deadline.
type snapshotEntry struct {
	key string
	str string // the value of a string key (v nil)
	v   value  // a private copy of an aggregate; nil for a string
	exp int64  // the deadline in Unix ms; -1 for none
}

// snapshotBatch is a slice of the hand-out: keys of one database.
type snapshotBatch struct {
	db      int
	entries []snapshotEntry
}

// snapshotRun is a snapshot whose keys are being handed out. Its fields
// belong to the owner.
type snapshotRun struct {
	epoch     uint64
	now       int64
	changes   int64
	functions []string          // the libraries' codes at the epoch
	dbs       []runDB           // by database number at the epoch
	cow       [][]snapshotEntry // per database: keys handed out on write, not yet passed on
	db        int               // the database the walker is in
	cursor    uint64            // the walker's SCAN cursor in db
	walked    bool              // every key has been handed out (a later snapshot drained this one)
	ended     bool
	err       error         // why it ended early (store closed), read after done
	done      chan struct{} // closed when the run has ended
	// detached is set once a later snapshot has drained this one: every
	// key is in cow, the owner no longer touches the run, and its walker
	// goes on without the role (it must: that later snapshot's turn may be
	// waiting for this one's file, as SHUTDOWN SAVE waits for the saves
	// queued before it). detach is closed at the same moment, to wake a
	// walker waiting for the role.
	detached atomic.Bool
	detach   chan struct{}
}

// runDB is one database captured at the epoch.
type runDB struct {
	keys          *dict.Dict[slot]
	expires       map[string]int64
	nkeys, nexpir int // its counts at the epoch
}

// startSnapshot marks a new epoch (the owner role is held). A snapshot
// still running is drained first: its remaining keys are handed out now.
func (e *engine) startSnapshot(tx *Tx) *snapshotRun {
	if p := e.snap; p != nil {
		p.drain()
	}
	e.epoch++
	r := &snapshotRun{
		epoch:   e.epoch,
		now:     tx.nowMs(),
		changes: e.stats.changes,
		dbs:     make([]runDB, len(e.dbs)),
		cow:     make([][]snapshotEntry, len(e.dbs)),
		done:    make(chan struct{}),
		detach:  make(chan struct{}),
	}
	if e.functions != nil {
		r.functions = e.functions.codes()
	}
	for i, db := range e.dbs {
		r.dbs[i] = runDB{keys: db.keys, expires: db.expires, nkeys: db.keys.Len(), nexpir: len(db.expires)}
	}
	e.snap = r
	if snapshotEpochHook != nil {
		snapshotEpochHook(tx)
	}
	return r
}

// snapshotEpochHook, set by tests, runs in the turn that marks an epoch,
// right after it: a test reads the keyspace at the epoch there.
var snapshotEpochHook func(tx *Tx)

// endSnapshot ends r (the owner role is held): finished, abandoned, or
// stopped with err by Close.
func (e *engine) endSnapshot(r *snapshotRun, err error) {
	if r.ended {
		return
	}
	if e.snap == r {
		e.snap = nil
	}
	r.end(err)
}

// end marks r ended; the owner role is held, or r is detached and this is
// its walker (or Close, which excludes the walker).
func (r *snapshotRun) end(err error) {
	if r.ended {
		return
	}
	r.ended, r.err, r.cow = true, err, nil
	close(r.done)
}

// keep hands key of db to the snapshot before a write changes it, if it has
// not been handed out (see the overview above).
func (r *snapshotRun) keep(db *db, key string) {
	sl := db.keys.Ref(key)
	if sl == nil || sl.mark >= r.epoch {
		return
	}
	sl.mark = r.epoch
	for i := range r.dbs {
		if d := &r.dbs[i]; d.keys == db.keys {
			if en, ok := r.entry(key, sl.v, d.expires); ok {
				r.cow[i] = append(r.cow[i], en)
			}
			return
		}
	}
}

// entry copies key with value v and its deadline from expires; ok is false
// for a key past its deadline at the epoch.
func (r *snapshotRun) entry(key string, v value, expires map[string]int64) (en snapshotEntry, ok bool) {
	en.key, en.exp = key, -1
	if len(expires) > 0 {
		if at, has := expires[key]; has {
			if at < r.now {
				return en, false
			}
			en.exp = at
		}
	}
	if sv, isStr := v.(*stringValue); isStr {
		en.str = sv.str()
	} else {
		en.v = v.clone()
	}
	return en, true
}

// elements is the number of elements a clone of v copies.
func elements(v value) int {
	switch x := v.(type) {
	case *listValue:
		return x.len()
	case *hashValue:
		return x.len()
	case *setValue:
		return x.card()
	case *zsetValue:
		return x.s.Len()
	}
	return 0
}

// step hands out one slice (the owner role is held): the keys copied on
// write of the walker's database and up to work of its keys. It returns
// ok false when nothing is left; a database non-empty at the epoch always
// gives at least one batch, so that the writer writes its SELECTDB.
func (r *snapshotRun) step(work int) (b snapshotBatch, ok bool) {
	for r.db < len(r.dbs) && r.dbs[r.db].nkeys == 0 {
		r.db++
	}
	if r.db >= len(r.dbs) {
		return b, false
	}
	i := r.db
	d := &r.dbs[i]
	b.db, b.entries = i, r.cow[i]
	r.cow[i] = nil
	if !r.walked {
		// Room for the slice's keys, so that appending never copies.
		if room := len(b.entries) + min(work, d.nkeys) + 8; cap(b.entries) < room {
			b.entries = append(make([]snapshotEntry, 0, room), b.entries...)
		}
	}
	if !r.walked {
		spent := 0
		visit := func(k string, sl *slot) {
			spent++
			if sl.mark >= r.epoch {
				return
			}
			sl.mark = r.epoch
			if en, ok := r.entry(k, sl.v, d.expires); ok {
				b.entries = append(b.entries, en)
				if en.v != nil {
					spent += elements(en.v) / snapshotElemsPerWork
				}
			}
		}
		for spent < work {
			r.cursor = d.keys.ScanRef(r.cursor, visit)
			if r.cursor == 0 {
				break
			}
		}
		if r.cursor != 0 {
			return b, true
		}
	}
	r.db, r.cursor = i+1, 0
	return b, true
}

// drain hands out every key the walker has not reached, into the per
// database lists the walker passes on, and detaches r from the engine (the
// owner role is held).
func (r *snapshotRun) drain() {
	if r.walked {
		return
	}
	defer func() {
		r.walked = true
		r.detached.Store(true)
		close(r.detach)
	}()
	for i := r.db; i < len(r.dbs); i++ {
		d := &r.dbs[i]
		if d.nkeys == 0 {
			continue
		}
		c := uint64(0)
		if i == r.db {
			c = r.cursor
		}
		for {
			c = d.keys.ScanRef(c, func(k string, sl *slot) {
				if sl.mark >= r.epoch {
					return
				}
				sl.mark = r.epoch
				if en, ok := r.entry(k, sl.v, d.expires); ok {
					r.cow[i] = append(r.cow[i], en)
				}
			})
			if c == 0 {
				break
			}
		}
	}
}

// walk hands out r's keys in slices, each in its own owner turn taken
// through st (as a caller's, honouring ctx), passing each batch to deliver
// off the owner; deliver returns false to stop. walk ends r whatever
// happens, and returns the error that stopped it: ctx's, the store's
// closing (ErrClosed or the *PanicError), or errSnapshotStopped when
// deliver stopped it.
func (st *Store) walkSnapshot(ctx context.Context, r *snapshotRun, deliver func(snapshotBatch) bool) error {
	// Waiting for the role ends when ctx does or when r is detached.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-r.detach:
			cancel()
		case <-wctx.Done():
		}
	}()
	for {
		b, ok, err := st.snapshotSlice(wctx, r)
		if err != nil {
			st.abandonSnapshot(r, err)
			return err
		}
		if !ok {
			return nil
		}
		if !deliver(b) {
			st.abandonSnapshot(r, nil)
			return errSnapshotStopped
		}
	}
}

// snapshotSlice is one turn of the walker.
func (st *Store) snapshotSlice(ctx context.Context, r *snapshotRun) (b snapshotBatch, ok bool, err error) {
	if r.detached.Load() {
		return r.detachedSlice()
	}
	tx, err := st.begin(ctx)
	if err != nil {
		if r.detached.Load() {
			return r.detachedSlice()
		}
		return b, false, err
	}
	defer st.end(tx, &err)
	if r.ended {
		if r.err != nil {
			return b, false, r.err
		}
		return b, false, ErrClosed
	}
	b, ok = r.step(snapshotSliceWork)
	if !ok {
		st.e.endSnapshot(r, nil)
	}
	return b, ok, nil
}

// detachedSlice is a slice of a detached run, taken without the role.
func (r *snapshotRun) detachedSlice() (b snapshotBatch, ok bool, err error) {
	if r.ended {
		if r.err != nil {
			return b, false, r.err
		}
		return b, false, ErrClosed
	}
	b, ok = r.step(snapshotSliceWork)
	if !ok {
		r.end(nil)
	}
	return b, ok, nil
}

// abandonSnapshot ends r early, taking the role whatever ctx says (the turn
// is short) unless r is or gets detached; a closed store has ended it
// already.
func (st *Store) abandonSnapshot(r *snapshotRun, err error) {
	e := st.e
	if !r.detached.Load() && e.heldByCaller() { // Close inside an Atomic closure
		e.endSnapshot(r, err)
		return
	}
	if !r.detached.Load() && (e.mu.state.CompareAndSwap(0, 1) || e.mu.lockSlow(r.detach)) {
		defer e.mu.Unlock()
		if !r.detached.Load() {
			e.endSnapshot(r, err)
			return
		}
	}
	r.end(err)
}

// beginSnapshot starts a snapshot in a turn of its own, after waiting
// (without the role, honouring ctx) for one in progress to end.
func (s *Store) beginSnapshot(ctx context.Context) (r *snapshotRun, err error) {
	for {
		tx, err := s.begin(ctx)
		if err != nil {
			return nil, err
		}
		busy := s.e.snap
		if busy == nil {
			r = s.e.startSnapshot(tx)
		}
		s.end(tx, &err)
		if err != nil || r != nil {
			return r, err
		}
		select {
		case <-busy.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Snapshot returns a point-in-time copy of every database (all of them,
// whichever the unit has selected): every live key with its value and
// deadline; keys already past their deadline are left out. The copy is made
// in the unit's turn, so no command runs meanwhile: a string's header per
// string key and a clone of every aggregate, for every key at once
// (BenchmarkSnapshotTake; about as long as the in-turn copy that
// Store.Snapshot made before it was sliced). Use it only where the copy must
// be complete before the turn ends (a server writing its last snapshot
// while it holds the role); outside a unit Store.Snapshot gives the same
// copy without stopping the others, and StartSnapshot gives a snapshot
// taken in the turn but copied after it.
func (tx *Tx) Snapshot() *Snapshot {
	r := tx.e.startSnapshot(tx)
	sn := newSnapshot(r)
	for {
		b, ok := r.step(math.MaxInt)
		if !ok {
			break
		}
		sn.add(b)
	}
	tx.e.endSnapshot(r, nil)
	return sn
}

func newSnapshot(r *snapshotRun) *Snapshot {
	sn := &Snapshot{dbs: make([]snapshotDB, len(r.dbs)), changes: r.changes, now: r.now, functions: r.functions}
	for i, d := range r.dbs {
		sn.dbs[i].keys, sn.dbs[i].expires = d.nkeys, d.nexpir
	}
	return sn
}

func (sn *Snapshot) add(b snapshotBatch) {
	sd := &sn.dbs[b.db]
	if sd.entries == nil {
		sd.entries = b.entries
	} else {
		sd.entries = append(sd.entries, b.entries...)
	}
	sn.keys += len(b.entries)
}

// Snapshot returns a point-in-time copy of every database of the store, as
// Tx.Snapshot, without stopping the other callers: the epoch is marked in
// one short turn and the keys are copied in slices of well under a
// millisecond each, a key that a caller is about to change being copied
// first (see the overview in snapshot.go). It waits for a snapshot in
// progress to end first. It fails when the store is closed or ctx ends
// first, leaving nothing running. The copy holds every key in memory; to
// write a file with bounded memory use WriteSnapshot.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	r, err := s.beginSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	sn := newSnapshot(r)
	err = (&Store{e: s.e}).walkSnapshot(ctx, r, func(b snapshotBatch) bool { sn.add(b); return true })
	if err != nil {
		return nil, err
	}
	return sn, nil
}

// Keys returns the number of keys in the snapshot, over all databases.
func (sn *Snapshot) Keys() int { return sn.keys }

// Changes returns the store's count of key changes when the snapshot was
// taken (every write of a key counts one, since the store opened). A server
// subtracts it from the current count for INFO's
// rdb_changes_since_last_save.
func (sn *Snapshot) Changes() int64 { return sn.changes }

// redisVersion is the redis-ver AUX field: the Redis version whose files
// ours are, so that tools reading it know what to expect.
const redisVersion = "7.0.15"

// WriteTo writes the snapshot to w as an RDB version 10 file (see the
// overview in snapshot.go) and returns the number of bytes written. It
// encodes as it goes, off the owner, buffered; it does not close w. An
// error of w is returned as it is, wrapped.
func (sn *Snapshot) WriteTo(w io.Writer) (int64, error) {
	cw := &countingWriter{w: w}
	err := sn.write(cw)
	return cw.n, err
}

func (sn *Snapshot) write(w io.Writer) error {
	fw, err := newSnapshotFileWriter(w, sn.now, sn.functions)
	if err != nil {
		return err
	}
	for i := range sn.dbs {
		sd := &sn.dbs[i]
		if sd.keys == 0 {
			continue
		}
		if err := fw.selectDB(i, sd.keys, sd.expires); err != nil {
			return err
		}
		for j := range sd.entries {
			if err := fw.entry(&sd.entries[j]); err != nil {
				return err
			}
		}
	}
	return fw.close()
}

// snapshotFileWriter encodes the parts of a snapshot file.
type snapshotFileWriter struct {
	rw   *rdb.Writer
	e    rdb.Encoder
	body []byte
}

// newSnapshotFileWriter writes the header, the AUX fields and the
// libraries of functions, as Redis 7.0 writes them before the databases.
func newSnapshotFileWriter(w io.Writer, now int64, functions []string) (*snapshotFileWriter, error) {
	fw := &snapshotFileWriter{rw: rdb.NewWriter(w), e: rdb.Encoder{Compress: true}}
	if err := fw.rw.Header(); err != nil {
		return nil, err
	}
	aux := [][2]string{
		{"redis-ver", redisVersion},
		{"redis-bits", "64"},
		{"ctime", strconv.FormatInt(now/1000, 10)},
		{"used-mem", strconv.FormatUint(usedMem(), 10)},
		{"aof-base", "0"},
	}
	for _, a := range aux {
		if err := fw.rw.Aux(a[0], a[1]); err != nil {
			return nil, err
		}
	}
	for _, code := range functions {
		if err := fw.rw.Function(code); err != nil {
			return nil, err
		}
	}
	return fw, nil
}

func (fw *snapshotFileWriter) selectDB(i, keys, expires int) error {
	if err := fw.rw.SelectDB(i); err != nil {
		return err
	}
	return fw.rw.ResizeDB(uint64(keys), uint64(expires))
}

func (fw *snapshotFileWriter) entry(en *snapshotEntry) error {
	var typ byte
	if en.v == nil {
		fw.body, typ = fw.e.AppendString(fw.body[:0], en.str), rdb.TypeString
	} else {
		var err error
		if fw.body, typ, err = appendValue(&fw.e, fw.body[:0], en.v); err != nil {
			return err
		}
	}
	return fw.rw.Entry(en.key, en.exp, typ, fw.body)
}

func (fw *snapshotFileWriter) close() error { return fw.rw.Close() }

// usedMem is the used-mem AUX field (a variable so that tests comparing
// files byte for byte can fix it).
var usedMem = heapBytes

// heapBytes is the used-mem AUX field: the bytes of the Go heap's live and
// not yet swept objects, read without stopping the world. Redis writes its
// own used memory there and only logs it on load.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// PendingSnapshot is a snapshot whose point in time is fixed (its epoch,
// marked by Tx.StartSnapshot in the caller's turn) and whose keys are still
// in the store: WriteTo hands them out in slices and writes them, while the
// store goes on serving, keys about to be changed being handed out first
// (see the overview in snapshot.go). It is written once; Close abandons it
// if it is not to be written. It is safe to use from any goroutine.
type PendingSnapshot struct {
	st      *Store
	run     *snapshotRun
	changes int64
	keys    int
	once    sync.Once // WriteTo or Close
}

// StartSnapshot marks a snapshot's point in time in the unit's turn, at
// the cost of a few words per database, and returns it: its keys are handed
// out and written later, by PendingSnapshot.WriteTo, without stopping the
// store. Until it is written or closed, every key changed for the first
// time since is copied first (a string's header, an aggregate's clone), so
// it must be written or closed soon. A snapshot still being written is
// first handed out whole in this turn (see the overview in snapshot.go).
func (tx *Tx) StartSnapshot() *PendingSnapshot {
	r := tx.e.startSnapshot(tx)
	ps := &PendingSnapshot{st: &Store{e: tx.e}, run: r, changes: r.changes}
	for _, d := range r.dbs {
		ps.keys += d.nkeys
	}
	return ps
}

// Changes is Snapshot.Changes: the store's count of key changes at the
// snapshot's point in time.
func (ps *PendingSnapshot) Changes() int64 { return ps.changes }

// Keys returns the number of keys the databases held at the snapshot's point
// in time, counting keys past their deadline that were not removed yet
// (they are left out of the file): the count Redis reports as INFO's
// current_save_keys_total.
func (ps *PendingSnapshot) Keys() int { return ps.keys }

// Close abandons the snapshot if it has not been written, so that the store
// stops copying keys for it. It is idempotent and returns nil; it may be
// called inside an Atomic closure of the store.
func (ps *PendingSnapshot) Close() error {
	ps.once.Do(func() { ps.st.abandonSnapshot(ps.run, nil) })
	return nil
}

// WriteTo writes the snapshot to w as an RDB version 10 file (as
// Snapshot.WriteTo writes it) and returns the number of bytes written. The
// keys are handed out by a goroutine of its own, a slice per owner turn,
// and encoded and written on the calling goroutine, up to snapshotQueue
// slices behind: memory stays bounded however slow w is. An error of w, or
// the store closing, stops it (the file is then left without its end and
// checksum, so no loader takes it for whole) and no goroutine is left
// behind. A second call, or one after Close, returns ErrSnapshotUsed; a
// call inside an Atomic closure of the store returns ErrReentrant (the
// hand-out needs the role the closure holds), unless a snapshot started
// since has handed this one out whole (see the overview in snapshot.go).
func (ps *PendingSnapshot) WriteTo(w io.Writer) (int64, error) {
	return ps.write(context.Background(), w)
}

func (ps *PendingSnapshot) write(ctx context.Context, w io.Writer) (int64, error) {
	if !ps.run.detached.Load() && ps.st.e.heldByCaller() {
		return 0, ErrReentrant // the hand-out needs the role the caller holds
	}
	first := false
	ps.once.Do(func() { first = true })
	if !first {
		return 0, ErrSnapshotUsed
	}
	return ps.st.streamSnapshot(ctx, ps.run, w)
}

// streamSnapshot writes r to w: the walker on a goroutine of its own, the
// encoding and writing on the caller's.
func (st *Store) streamSnapshot(ctx context.Context, r *snapshotRun, w io.Writer) (int64, error) {
	batches := make(chan snapshotBatch, snapshotQueue)
	stop := make(chan struct{})
	walked := make(chan error, 1)
	go func() {
		defer close(batches)
		walked <- st.walkSnapshot(ctx, r, func(b snapshotBatch) bool {
			select {
			case batches <- b:
				return true
			case <-stop:
				return false
			}
		})
	}()
	cw := &countingWriter{w: w}
	fw, err := writeBatches(cw, r, batches)
	if err != nil {
		close(stop)
		for range batches { // until the walker has ended
		}
	}
	werr := <-walked
	switch {
	case err != nil:
	case werr != nil:
		err = werr
	default:
		err = fw.close()
	}
	return cw.n, err
}

// writeBatches encodes the batches as they come, until the walker closes
// the queue; on an error it returns at once, leaving the rest to the
// caller. It does not end the file: only a walk that finished may.
func writeBatches(w io.Writer, r *snapshotRun, batches <-chan snapshotBatch) (*snapshotFileWriter, error) {
	fw, err := newSnapshotFileWriter(w, r.now, r.functions)
	if err != nil {
		return nil, err
	}
	cur := -1
	for b := range batches {
		if b.db != cur {
			cur = b.db
			d := &r.dbs[cur]
			if err := fw.selectDB(cur, d.nkeys, d.nexpir); err != nil {
				return nil, err
			}
		}
		for j := range b.entries {
			if err := fw.entry(&b.entries[j]); err != nil {
				return nil, err
			}
		}
		// Encoding is CPU-bound and the queue rarely runs dry: without a
		// yield per batch this goroutine keeps its processor for a whole
		// scheduler slice (10 ms), and a caller or the walker made
		// runnable meanwhile waits for it (BenchmarkSnapshotLatency).
		runtime.Gosched()
	}
	return fw, nil
}

// WriteSnapshot takes a snapshot of the store and writes it to w as an RDB
// file (as Snapshot.WriteTo writes it), without stopping the other callers
// and with bounded memory: the epoch is marked in one short turn, and the
// keys are handed out in slices, encoded and written as they come (see
// PendingSnapshot.WriteTo). It waits for a snapshot in progress to end
// first. ctx is honoured while waiting for the owner and before every write
// to w; on any error w has received no complete file.
func (s *Store) WriteSnapshot(ctx context.Context, w io.Writer) error {
	r, err := s.beginSnapshot(ctx)
	if err != nil {
		return err
	}
	_, err = (&Store{e: s.e}).streamSnapshot(ctx, r, &contextWriter{ctx: ctx, w: w})
	return err
}

// contextWriter fails every write once ctx has ended.
type contextWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *contextWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// OpenSnapshot returns a new Store, configured by opts, holding the data of
// the RDB file read from r (a dump.rdb written by redis-server 2.6 to 7.0,
// or by WriteTo). Keys whose deadline has already passed on opts' clock are
// skipped, as redis-server skips them when it loads a file as a master; the
// store's Stats count the keys loaded and the keys skipped so
// (LoadKeysLoaded, LoadKeysExpired: redis-server's
// rdb_last_load_keys_loaded and rdb_last_load_keys_expired).
// Each value gets the encoding redis-server would give it on loading (see
// dump.go). The file's RESIZEDB hints size the databases ahead.
//
// The whole file is read and checked, up to its CRC-64, before the store is
// returned. Any error leaves no store behind: a damaged or truncated file,
// a type embedis does not have (streams, modules), a database number not
// below opts.Databases (ErrSnapshotDatabases), a key twice
// (ErrSnapshotDuplicateKey), an error of r. Each error but r's names the
// byte offset where the file went wrong ("byte 1234"). opts.OnEffects, if
// set, receives nothing for the loaded data.
func OpenSnapshot(r io.Reader, opts Options) (*Store, error) {
	s, err := Open(opts)
	if err != nil {
		return nil, err
	}
	if err := s.e.load(r); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// A RESIZEDB hint is a number in the file: a damaged or hostile one must
// not allocate much before the keys it announces are there. So a database
// is sized for at most firstResize keys at the hint, and each time it fills
// that room, for up to resizeStep times the keys it holds, never more than
// the hint: the room allocated stays within a constant factor of the keys
// read, and a real file's database is resized a few times instead of
// doubling (and rehashing) twenty times.
const (
	firstResize = 1 << 14
	resizeStep  = 16
)

// load reads an RDB file into the engine's (empty) databases, as the owner.
func (e *engine) load(r io.Reader) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.loadOwned(r)
}

// loadOwned is load for a caller that holds the owner role.
func (e *engine) loadOwned(r io.Reader) error {
	rd, err := rdb.NewReader(r)
	if err != nil {
		return fmt.Errorf("embedis: open snapshot: %w", err)
	}
	var badDB error
	hint := make([]int, e.ndb) // keys announced by RESIZEDB, per database
	room := make([]int, e.ndb) // keys the database was last sized for
	rd.OnResizeDB = func(n int, keys, expires uint64) {
		if n < 0 || n >= e.ndb {
			badDB = fmt.Errorf("embedis: open snapshot: byte %d: database %d, the store has %d: %w", rd.Offset(), n, e.ndb, ErrSnapshotDatabases)
			return
		}
		if db := e.dbs[n]; db.keys.Len() == 0 {
			hint[n] = int(min(keys, math.MaxInt32))
			room[n] = min(hint[n], firstResize)
			db.keys = dict.NewSized[slot](room[n])
			db.expires = make(map[string]int64, min(expires, firstResize))
		}
	}
	// The libraries of functions (FUNCTION2 records) are loaded once the
	// whole file has been read, replacing the store's (ReplaceFromSnapshot
	// leaves the file's libraries only, as a replica's full sync).
	var functions []string
	rd.OnFunction = func(code string) error {
		functions = append(functions, code)
		return nil
	}
	now := e.clock.Now().UnixMilli()
	var ent rdb.Entry
	var deadlines deadlineHeap
	// The deadlines of the keys loaded, even when the file fails later
	// (ReplaceFromSnapshot keeps them), are indexed for active expiry.
	defer func() {
		if len(deadlines) > 0 {
			e.deadlines.h = append(e.deadlines.h, deadlines...)
			heap.Init(&e.deadlines.h)
			e.schedule(e.deadlines.h[0].at)
		}
	}()
	for {
		err := rd.Next(&ent)
		if badDB != nil {
			return badDB
		}
		if err == io.EOF {
			if err := (&Tx{e: e}).loadFunctions(functions); err != nil {
				return fmt.Errorf("embedis: open snapshot: a library of functions: %w", err)
			}
			break
		}
		if err != nil {
			return fmt.Errorf("embedis: open snapshot: %w", err)
		}
		if ent.DB < 0 || ent.DB >= e.ndb {
			return fmt.Errorf("embedis: open snapshot: byte %d: database %d, the store has %d: %w", rd.Offset(), ent.DB, e.ndb, ErrSnapshotDatabases)
		}
		if ent.ExpireMs >= 0 && ent.ExpireMs < now {
			e.stats.loadExpired++
			continue
		}
		v := valueFromRDB(&ent.Value, e.listFill)
		if v == nil {
			continue // an empty aggregate: Redis skips it too, counting it neither way
		}
		db := e.dbs[ent.DB]
		if !db.keys.Set(ent.Key, slot{v: v}) {
			return fmt.Errorf("embedis: open snapshot: byte %d: key %q in database %d: %w", rd.Offset(), ent.Key, ent.DB, ErrSnapshotDuplicateKey)
		}
		db.mem.keys += memsize.String(len(ent.Key))
		db.mem.values += v.memUsage()
		if n := db.keys.Len(); n == room[ent.DB] && n < hint[ent.DB] {
			room[ent.DB] = min(hint[ent.DB], n*resizeStep)
			db.keys.Grow(room[ent.DB])
		}
		if ent.ExpireMs >= 0 {
			db.expires[ent.Key] = ent.ExpireMs
			deadlines = append(deadlines, deadline{at: ent.ExpireMs, db: ent.DB, key: ent.Key})
		}
		e.stats.loadedKeys++
	}
	return nil
}
