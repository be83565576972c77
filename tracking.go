package embedis

import (
	"context"
	"sort"
	"strings"
	"sync"
)

// Client-side caching, as Redis 7.0's tracking.c: the engine remembers which
// keys each tracking client has read and tells it when one of them may have
// changed, so that the client can keep the values in a local cache and drop
// them at the right time.
//
// The table is fed by the one keyspace path (keyspace.go): a read lookup
// (lookupKey without lookupForWrite) records the key for the unit's tracker
// while the running command is a read-only one (Do says which; a Tracking's
// Atomic records every read), and every announcement of a write (modified:
// wrote, an expiry, an eviction) invalidates the key, so that no command can
// forget either. FLUSHDB and FLUSHALL send every tracking client a flush
// (a nil key list) and empty the table.
//
// As in Redis:
//   - the table maps a key name to the trackers that read it, whatever the
//     database (a write to "k" in db 1 invalidates "k" read in db 0); an
//     entry is removed when its key is invalidated, so each read is
//     invalidated once;
//   - a tracker turned off stays in the entries it had (Redis removes them
//     lazily): turned on again, it is told about them;
//   - NOLOOP: a tracker is not told about its own writes (the unit's tracker,
//     Tracker.Bind);
//   - OPTIN records only the reads of a command run after CLIENT CACHING YES,
//     OPTOUT all but those after CLIENT CACHING NO (Tracker.SetCaching);
//   - BCAST: no table; every key written that starts with one of the
//     tracker's prefixes ("" for every key) is collected per prefix, and at
//     the end of the unit (Redis: before the event loop sleeps) each prefix's
//     keys, sorted, go in one message to each of its trackers;
//   - tracking-table-max-keys: when the table holds more keys than that, keys
//     picked at random are invalidated (their trackers told) until it fits
//     (LimitTrackingTable, before each command of a client, as Redis's
//     processCommand).

// DefaultTrackingTableMaxKeys is the default of tracking-table-max-keys, as
// Redis's.
const DefaultTrackingTableMaxKeys = 1000000

// TrackingOptions are CLIENT TRACKING ON's options.
type TrackingOptions struct {
	// BCast: broadcasting mode. The tracker is told about every key written
	// that starts with one of Prefixes (every key if there are none),
	// whether it read it or not, in one message per prefix per unit.
	BCast bool
	// Prefixes, with BCast only. Two prefixes of one tracker may not overlap
	// (one a prefix of the other), with each other or with the ones it
	// already has.
	Prefixes []string
	// OptIn: record only the reads of a command run after SetCaching(true).
	OptIn bool
	// OptOut: record every read but those of a command run after
	// SetCaching(false).
	OptOut bool
	// NoLoop: not told about the tracker's own writes.
	NoLoop bool
	// OverlapQuirk reproduces Redis 7.0's check of the new prefixes among
	// themselves, which a server speaking for redis-server wants: an overlap
	// found past the first new prefix is reported (Enable returns a form of
	// ErrTrackingOverlapApplied) but the options are applied anyway, every
	// prefix included, as redis-server answers the error and then OK.
	// Without it any overlap leaves the tracker as it was.
	OverlapQuirk bool
}

// TrackingInfo is what CLIENT TRACKINGINFO reports of a tracker, without the
// redirection (a server's concern).
type TrackingInfo struct {
	On, BCast, OptIn, OptOut, NoLoop bool
	// Caching: SetCaching was called for the next command (caching-yes in
	// OPTIN mode, caching-no in OPTOUT mode).
	Caching bool
	// Prefixes, sorted (BCAST mode).
	Prefixes []string
}

// Tracker is one client of the engine's tracking table: a connection of the
// server keeps one, and a Tracking wraps one. Its methods taking a *Tx must
// be called as the owner.
type Tracker struct {
	// invalidate is told, as the owner, that keys may have changed (nil:
	// everything, a flush). It must not block nor call the Store; the slice
	// is the tracker's to keep.
	invalidate func(keys []string)

	on, bcast, optin, optout, noloop bool
	caching                          bool
	prefixes                         []string // sorted
}

// NewTracker returns a tracker, off, whose invalidations go to invalidate.
// invalidate is called by the owner during the unit that wrote: it must
// return at once, never block and never call the Store. Its keys are in the
// order they were written (in BCAST mode, sorted per prefix); nil keys mean
// that everything may have changed (FLUSHDB, FLUSHALL).
func NewTracker(invalidate func(keys []string)) *Tracker {
	return &Tracker{invalidate: invalidate}
}

// tracking is the engine's tracking state.
type tracking struct {
	table    map[string]map[*Tracker]struct{} // key -> trackers that read it
	items    int64                            // the sum of the table's sets
	on       []*Tracker                       // trackers on, in the order turned on
	prefixes map[string]*bcastPrefix          // BCAST prefix -> its state
	dirty    bool                             // a prefix has keys to send
	maxKeys  int64                            // tracking-table-max-keys; 0: no limit
	effort   int64                            // LimitTrackingTable's calls that could not finish
	closers  []*Tracking                      // the Go API's feeds, ended when the store closes
}

// bcastPrefix is one prefix of the BCAST trackers: the trackers that hold
// it, and the keys written since the last broadcast, with the tracker that
// wrote each last (nil: none, or the engine), for NOLOOP.
type bcastPrefix struct {
	trackers map[*Tracker]struct{}
	keys     map[string]*Tracker
}

// Enable turns tracking on with opts (CLIENT TRACKING ON), or changes the
// options of a tracker already on: the options given replace the others, and
// BCAST prefixes are added to the ones it has. The errors are Redis's:
// ErrTrackingPrefixNoBCast, ErrTrackingBCastSwitch (BCAST on a tracker
// already on without it, or the reverse), ErrTrackingOptBCast,
// ErrTrackingOptInOut, ErrTrackingOptSwitch (OPTIN on a tracker on in OPTOUT
// mode, or the reverse), and a form of ErrTrackingPrefixOverlap; the tracker
// is then left as it was.
func (t *Tracker) Enable(tx *Tx, opts TrackingOptions) error {
	if !opts.BCast && len(opts.Prefixes) > 0 {
		return ErrTrackingPrefixNoBCast
	}
	if t.on && t.bcast != opts.BCast {
		return ErrTrackingBCastSwitch
	}
	if opts.BCast && (opts.OptIn || opts.OptOut) {
		return ErrTrackingOptBCast
	}
	if opts.OptIn && opts.OptOut {
		return ErrTrackingOptInOut
	}
	if (opts.OptIn && t.optout) || (opts.OptOut && t.optin) {
		return ErrTrackingOptSwitch
	}
	var quirk error
	if opts.BCast {
		applied, err := t.checkPrefixes(opts.Prefixes)
		if err != nil && !(applied && opts.OverlapQuirk) {
			return err
		}
		if err != nil {
			p, q, _ := overlapPair(opts.Prefixes)
			quirk = trackingOverlapError(p, q, false, true)
		}
	}
	tr := &tx.e.track
	if !t.on {
		tr.on = append(tr.on, t)
	}
	t.on = true
	t.bcast = opts.BCast
	t.optin, t.optout, t.noloop = opts.OptIn, opts.OptOut, opts.NoLoop
	if opts.BCast {
		ps := opts.Prefixes
		if len(ps) == 0 {
			ps = []string{""}
		}
		for _, p := range ps {
			t.addPrefix(tr, p)
		}
	}
	return quirk
}

// checkPrefixes is Redis's checkPrefixCollisionsOrReply: the first overlap
// of a new prefix with one the tracker has or with a later new one. Redis
// returns the index of the prefix at fault for the second kind, which it
// takes as success past index 0: applied reports that case.
func (t *Tracker) checkPrefixes(ps []string) (applied bool, err error) {
	overlap := func(a, b string) bool {
		n := min(len(a), len(b))
		return a[:n] == b[:n]
	}
	for i, p := range ps {
		for _, q := range t.prefixes {
			if overlap(q, p) {
				return false, trackingOverlapError(p, q, true, false)
			}
		}
		for _, q := range ps[i+1:] {
			if overlap(p, q) {
				return i > 0, trackingOverlapError(p, q, false, false)
			}
		}
	}
	return false, nil
}

// overlapPair returns the first two of ps that overlap, as checkPrefixes
// finds them.
func overlapPair(ps []string) (p, q string, ok bool) {
	for i, p := range ps {
		for _, q := range ps[i+1:] {
			n := min(len(p), len(q))
			if p[:n] == q[:n] {
				return p, q, true
			}
		}
	}
	return "", "", false
}

func (t *Tracker) addPrefix(tr *tracking, p string) {
	i := sort.SearchStrings(t.prefixes, p)
	if i < len(t.prefixes) && t.prefixes[i] == p {
		return
	}
	t.prefixes = append(t.prefixes, "")
	copy(t.prefixes[i+1:], t.prefixes[i:])
	t.prefixes[i] = p
	bp := tr.prefixes[p]
	if bp == nil {
		if tr.prefixes == nil {
			tr.prefixes = make(map[string]*bcastPrefix)
		}
		bp = &bcastPrefix{trackers: make(map[*Tracker]struct{}), keys: make(map[string]*Tracker)}
		tr.prefixes[p] = bp
	}
	bp.trackers[t] = struct{}{}
}

// Disable turns tracking off (CLIENT TRACKING OFF, or the connection
// closing): the tracker leaves its BCAST prefixes and loses its options. The
// keys it read stay in the table, as in Redis.
func (t *Tracker) Disable(tx *Tx) {
	if !t.on {
		return
	}
	tr := &tx.e.track
	for _, p := range t.prefixes {
		if bp := tr.prefixes[p]; bp != nil {
			delete(bp.trackers, t)
			if len(bp.trackers) == 0 {
				delete(tr.prefixes, p)
			}
		}
	}
	t.prefixes = nil
	t.on, t.bcast, t.optin, t.optout, t.noloop, t.caching = false, false, false, false, false, false
	for i, x := range tr.on {
		if x == t {
			tr.on = append(tr.on[:i], tr.on[i+1:]...)
			break
		}
	}
}

// SetCaching is CLIENT CACHING YES (yes) or NO: in OPTIN mode YES makes the
// next command's reads recorded, in OPTOUT mode NO makes them not recorded.
// ErrTrackingCachingOff when the tracker is off or in neither mode,
// ErrTrackingCachingYes for YES outside OPTIN mode, ErrTrackingCachingNo for
// NO outside OPTOUT mode. The server clears it after the next command
// (ClearCaching).
func (t *Tracker) SetCaching(yes bool) error {
	if !t.on {
		return ErrTrackingCachingOff
	}
	if yes && !t.optin {
		return ErrTrackingCachingYes
	}
	if !yes && !t.optout {
		return ErrTrackingCachingNo
	}
	t.caching = true
	return nil
}

// ClearCaching forgets SetCaching: Redis does so after every command but
// CLIENT's, outside MULTI.
func (t *Tracker) ClearCaching() { t.caching = false }

// Info returns the tracker's state (CLIENT TRACKINGINFO).
func (t *Tracker) Info() TrackingInfo {
	return TrackingInfo{On: t.on, BCast: t.bcast, OptIn: t.optin, OptOut: t.optout, NoLoop: t.noloop,
		Caching: t.caching, Prefixes: append([]string(nil), t.prefixes...)}
}

// Bind makes t the unit's tracker, the client running the commands: the
// keys read by its read-only commands (Do) are recorded for it, and with
// NOLOOP it is not told about the unit's writes. The binding ends with the
// unit.
func (t *Tracker) Bind(tx *Tx) { tx.tracker = t }

// remember notes key as read by the unit's tracker, if the running command
// records reads (lookupKey calls it). The keys are entered in the table by
// commitReads once the command is done, as Redis records a command's keys
// after running it (a key a read-only command both reads and signals, as
// PFCOUNT does, stays tracked).
func (tx *Tx) remember(key string) {
	if tx.tracker != nil && tx.trackReads {
		tx.readKeys = append(tx.readKeys, key)
	}
}

// commitReads enters the keys the command read (remember) in the table for
// the unit's tracker, if it records them now: on, not in BCAST mode, and as
// OPTIN/OPTOUT and CLIENT CACHING say.
func (tx *Tx) commitReads() {
	keys := tx.readKeys
	tx.readKeys = tx.readKeys[:0]
	t := tx.tracker
	if t == nil || len(keys) == 0 || !t.on || t.bcast {
		return
	}
	if (t.optin && !t.caching) || (t.optout && t.caching) {
		return
	}
	for _, k := range keys {
		tx.track(t, k)
	}
}

func (tx *Tx) track(t *Tracker, key string) {
	tr := &tx.e.track
	set := tr.table[key]
	if set == nil {
		if tr.table == nil {
			tr.table = make(map[string]map[*Tracker]struct{})
		}
		set = make(map[*Tracker]struct{}, 1)
		tr.table[key] = set
	}
	if _, ok := set[t]; !ok {
		set[t] = struct{}{}
		tr.items++
	}
}

// invalidate tells the trackers of key that it may have changed (touched
// calls it for every write, expiry and eviction) but the unit's own tracker
// in NOLOOP mode, and collects the key for the BCAST prefixes it starts with,
// noting by (the writer: nil for an expiry or eviction, as Redis) for
// NOLOOP. bcast is false for the table's own evictions, as in Redis.
func (tx *Tx) invalidate(key string, bcast bool, by *Tracker) {
	tr := &tx.e.track
	if bcast && len(tr.prefixes) > 0 {
		for p, bp := range tr.prefixes {
			if strings.HasPrefix(key, p) {
				bp.keys[key] = by
				tr.dirty = true
			}
		}
	}
	set, ok := tr.table[key]
	if !ok {
		return
	}
	delete(tr.table, key)
	tr.items -= int64(len(set))
	for t := range set {
		if !t.on || t.bcast || (t.noloop && t == tx.tracker) {
			continue
		}
		t.invalidate([]string{key})
	}
}

// flushTracking tells every tracker that is on that everything may have
// changed, and empties the table (FLUSHDB, FLUSHALL).
func (tx *Tx) flushTracking() {
	tr := &tx.e.track
	for _, t := range tr.on {
		t.invalidate(nil)
	}
	tr.table = nil
	tr.items = 0
}

// broadcast sends each BCAST prefix's keys written during the unit to the
// prefix's trackers (Redis's trackingBroadcastInvalidationMessages, before
// the event loop sleeps); finish calls it.
func (e *engine) broadcast() {
	tr := &e.track
	tr.dirty = false
	ps := make([]string, 0, len(tr.prefixes))
	for p, bp := range tr.prefixes {
		if len(bp.keys) > 0 {
			ps = append(ps, p)
		}
	}
	sort.Strings(ps)
	for _, p := range ps {
		bp := tr.prefixes[p]
		keys := make([]string, 0, len(bp.keys))
		for k := range bp.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for t := range bp.trackers {
			send := keys
			if t.noloop {
				send = nil
				for _, k := range keys {
					if bp.keys[k] != t {
						send = append(send, k)
					}
				}
				if len(send) == 0 {
					continue
				}
			}
			t.invalidate(append([]string(nil), send...))
		}
		clear(bp.keys)
	}
}

// LimitTrackingTable invalidates keys of the tracking table, picked at
// random, until it holds no more than tracking-table-max-keys, as Redis's
// trackingLimitUsedSlots does before each command: with a bounded effort per
// call (100 keys, more on each call that could not finish), so that a large
// table shrinks over several commands. A Store call does it when its unit
// begins; the server calls it before each command of a client.
func LimitTrackingTable(tx *Tx) {
	tr := &tx.e.track
	if tr.maxKeys == 0 || int64(len(tr.table)) <= tr.maxKeys {
		tr.effort = 0
		return
	}
	effort := 100 * (tr.effort + 1)
	for k := range tr.table { // Go's map order: a random pick
		if effort == 0 {
			break
		}
		effort--
		tx.invalidate(k, false, nil)
		if int64(len(tr.table)) <= tr.maxKeys {
			tr.effort = 0
			return
		}
	}
	tr.effort++
}

// SetTrackingTableMaxKeys sets tracking-table-max-keys: the most keys the
// tracking table holds before keys are invalidated to make room (0: no
// limit). A negative n is ErrTrackingMaxKeys.
func (tx *Tx) SetTrackingTableMaxKeys(n int64) error {
	if n < 0 {
		return ErrTrackingMaxKeys
	}
	tx.e.track.maxKeys = n
	return nil
}

// TrackingTableMaxKeys returns tracking-table-max-keys.
func (tx *Tx) TrackingTableMaxKeys() (int64, error) { return tx.e.track.maxKeys, nil }

// Invalidation is one message of a Tracking: the keys that may have
// changed, or, when Flush is set, everything (FLUSHDB, FLUSHALL, or a
// reader that fell too far behind).
type Invalidation struct {
	Keys  []string
	Flush bool
}

// Tracking is the invalidation feed of the Go API, on which a near-cache is
// built: the keys read through its Atomic are remembered, and when one of
// them is written (by anyone, the Go API or a server's client), expires or is
// evicted, an Invalidation naming it arrives on Invalidations. A value read
// through Atomic may be cached until then: an Invalidation is queued during
// the unit that wrote, before that write's caller returns, so a cache that
// applies every Invalidation received before it serves a value never serves
// one older than the last write it could know of.
//
// In BCAST mode (TrackingOptions.BCast) nothing is remembered: every write
// to a key with one of the prefixes is sent, one Invalidation per prefix per
// unit.
//
// The feed never blocks the owner: Invalidations are queued for the
// Tracking's goroutine, and when a reader falls Options.SubscriptionBuffer
// invalidations behind, they are replaced by one with Flush set (forget
// everything), which is always correct for a cache. The channel is closed
// when Close is called, the context given to Track ends or the store closes.
type Tracking struct {
	s  *Store
	t  *Tracker
	ch chan Invalidation

	mu    sync.Mutex
	queue []Invalidation
	limit int
	wake  chan struct{}
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// Track starts a tracking client with opts (TrackingOptions; OptIn and OptOut
// are refused: use Atomic for the reads to remember). Its errors are
// Enable's.
func (s *Store) Track(ctx context.Context, opts TrackingOptions) (tk *Tracking, err error) {
	if opts.OptIn || opts.OptOut {
		return nil, ErrTrackingOptGo
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer s.end(tx, &err)
	tk = &Tracking{
		s:     s,
		ch:    make(chan Invalidation),
		limit: tx.e.subBuffer,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	tk.t = NewTracker(tk.queueKeys)
	if err := tk.t.Enable(tx, opts); err != nil {
		return nil, err
	}
	tx.e.track.closers = append(tx.e.track.closers, tk)
	go tk.pump(ctx)
	return tk, nil
}

// Atomic runs fn as one unit on the store (as Store.Atomic), remembering
// every key its reads look up (GET, HGETALL, EXISTS, …; the keys that write
// commands read too) for the Tracking. With NoLoop, the unit's own writes
// are not sent back.
func (tk *Tracking) Atomic(ctx context.Context, fn func(tx *Tx) error) error {
	return tk.s.Atomic(ctx, func(tx *Tx) error {
		tk.t.Bind(tx)
		tx.trackReads = true
		defer func() {
			tx.commitReads()
			tx.trackReads = false
		}()
		return fn(tx)
	})
}

// Invalidations returns the channel the invalidations arrive on, in the
// order the writes were made. It is closed when the Tracking ends.
func (tk *Tracking) Invalidations() <-chan Invalidation { return tk.ch }

// Close ends the tracking: the tracker is turned off and the channel closed
// (invalidations not yet taken are discarded). It is idempotent; inside an
// Atomic closure it returns ErrReentrant.
func (tk *Tracking) Close() error {
	tx, err := tk.s.begin(context.Background())
	if err == ErrReentrant {
		return err
	}
	if err == nil {
		func() {
			defer tk.s.end(tx, &err)
			tk.unregister(tx)
		}()
	}
	tk.end()
	<-tk.done
	return nil
}

func (tk *Tracking) unregister(tx *Tx) {
	tk.t.Disable(tx)
	tr := &tx.e.track
	for i, x := range tr.closers {
		if x == tk {
			tr.closers = append(tr.closers[:i], tr.closers[i+1:]...)
			break
		}
	}
}

func (tk *Tracking) end() { tk.once.Do(func() { close(tk.stop) }) }

// queueKeys is the tracker's invalidate: the owner calls it.
func (tk *Tracking) queueKeys(keys []string) {
	tk.mu.Lock()
	switch {
	case len(tk.queue) > 0 && tk.queue[len(tk.queue)-1].Flush:
		// everything is forgotten already
	case keys == nil || len(tk.queue) >= tk.limit:
		tk.queue = append(tk.queue[:0], Invalidation{Flush: true})
	default:
		tk.queue = append(tk.queue, Invalidation{Keys: keys})
	}
	tk.mu.Unlock()
	select {
	case tk.wake <- struct{}{}:
	default:
	}
}

func (tk *Tracking) pump(ctx context.Context) {
	defer func() {
		if tx, err := tk.s.begin(context.Background()); err == nil {
			func() {
				var err error
				defer tk.s.end(tx, &err)
				tk.unregister(tx)
			}()
		}
		close(tk.ch)
		close(tk.done)
	}()
	for {
		tk.mu.Lock()
		for len(tk.queue) == 0 {
			tk.mu.Unlock()
			select {
			case <-tk.wake:
			case <-tk.stop:
				return
			case <-ctx.Done():
				return
			}
			tk.mu.Lock()
		}
		inv := tk.queue[0]
		tk.queue = tk.queue[1:]
		if len(tk.queue) == 0 {
			tk.queue = nil
		}
		tk.mu.Unlock()
		select {
		case tk.ch <- inv:
		case <-tk.stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// dropTrackings ends every Tracking (the store closes). The owner role is
// held.
func (e *engine) dropTrackings() {
	for _, tk := range e.track.closers {
		tk.end()
	}
	e.track.closers = nil
}
