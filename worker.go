package embedis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Stream workers: a consumer group's member that reads entries of streams,
// hands each to a handler, and acknowledges the ones handled, on the
// embedded store or on a real Redis (see Backend). Several StreamWorkers
// with the same name and group — goroutines, or processes sharing a Redis —
// share the work: each entry goes to one of them.
//
// # Delivery
//
// Delivery is at least once. An entry is read with XREADGROUP (">": entries
// no member of the group has had) and becomes pending for the worker's
// consumer; the handler's success acknowledges it (XACK). A handler that
// returns an error, or panics (recovered, and reported as an error wrapping
// ErrStreamWorkerPanic), leaves the entry pending: once it has been idle for
// ClaimAfter, a worker of the group claims it (XAUTOCLAIM) and hands it to
// its handler again. The worker looks for such entries when it starts and
// then every ClaimAfter/2, so an entry that failed is retried between
// ClaimAfter and 1.5×ClaimAfter after its last delivery, by whichever
// worker looks first. Entries of a worker that crashed are recovered the
// same way. A handler that runs longer than ClaimAfter may see its entry
// claimed by another worker meanwhile (the worker that holds it skips it):
// choose ClaimAfter above the longest handling time.
//
// With MaxDeliveries set, an entry claimed after it has been delivered
// MaxDeliveries times is not handed to the handler again: in the same
// atomic step as the claim (one Atomic turn embedded, one script on
// Redis), it is appended to the dead-letter stream — its fields and values
// as they were, followed by the fields DeadLetterIDField (its ID in the
// stream) and DeadLetterDeliveriesField (how many times it was delivered) —
// and acknowledged. The dead-letter stream is bounded by DeadLetterMaxLen
// if set (exact trimming: the oldest go first).
//
// Within one stream, a worker with Concurrency 1 handles entries in their
// order in the stream; retried entries come when they are claimed, after
// later ones. With Concurrency above 1, handlers run at once and finish in
// any order.
//
// # Stopping
//
// Run works until its context ends or Stop is called. Stop is graceful: the
// worker reads nothing more, lets the handlers that run finish until Stop's
// context ends, then cancels their contexts and waits for them to return.
// It then hands back, in one step per stream, the entries it holds and did
// not handle: those it had read but not yet started (their delivery is not
// counted) and those whose handler was cut off by the cancellation and
// failed. Handing back makes them claimable at once by another worker of
// the group (XCLAIM with IDLE ClaimAfter, to the worker's own consumer, and
// only while the entry is still its own). When Run's context ends instead,
// handlers' contexts are cancelled at once and nothing is handed back (the
// backend may be gone): the entries stay pending and are claimed after
// ClaimAfter, as a crashed worker's are. A handler that returns nil is
// acknowledged even when the context has ended meanwhile (the XACK is sent
// on the context without its cancellation: on Redis it waits at most the
// client's own timeouts), so that work done is not done again; only a
// crash between the handler's return and the XACK makes an entry be handled
// twice.
//
// # Reading
//
// Embedded, a worker waits for entries in the store's blocking XREADGROUP
// (an XADD wakes it in the same instant), on the store's Clock, so tests
// with a ManualClock drive claims by advancing it. On Redis a script cannot
// block, so a worker reads with a script that returns at once, and waits
// PollInterval after a read that found nothing; its timers there run on the
// wall clock, and idle times are the server's.
//
// # Keys
//
// A StreamWorker named name consumes, for each stream s of its options, the
// stream key name:{s}; its dead-letter stream is name:{s}:dead, in the same
// Cluster slot, so a claim and a dead-lettering are one step. Add appends to
// name:{s}; other producers use Key(s). The streams have no TTL (a queue
// must not expire with its entries): their group's PEL holds what is
// pending, and the stream keeps every entry until something trims it —
// XTRIM or XADD's MAXLEN from the producer, typically by MINID below the
// oldest pending entry. The group is created at Run with start ID 0 (the
// stream's existing entries are work too) and MKSTREAM; a group that exists
// is used as it is.
type StreamWorker struct {
	b     Backend
	s     *Store // b.Store(); nil on a remote backend
	name  string
	opts  StreamWorkerOptions
	clock Clock // the store's clock, or the wall clock

	mu      sync.Mutex
	started bool
	stopped bool // Stop was called before Run
	run     *workerRun
}

// StreamHandler handles one delivered entry. Returning nil acknowledges it;
// an error leaves it pending, to be claimed again after ClaimAfter. ctx ends
// when Run's context ends or when a Stop's grace period runs out; a handler
// must return soon after.
type StreamHandler func(ctx context.Context, d StreamDelivery) error

// StreamDelivery is one delivery of an entry to a StreamHandler.
type StreamDelivery struct {
	// Stream is the stream's name as given in StreamWorkerOptions.Streams
	// (its key is StreamWorker.Key(Stream)).
	Stream string
	// XMessage is the entry: its ID and fields.
	XMessage
	// Deliveries counts the deliveries of the entry, this one included: 1
	// the first time.
	Deliveries int64
}

// The fields a dead-lettered entry carries after its own.
const (
	// DeadLetterIDField holds the entry's ID in the stream it came from.
	DeadLetterIDField = "x-origin-id"
	// DeadLetterDeliveriesField holds how many times the entry was
	// delivered before it was moved (MaxDeliveries).
	DeadLetterDeliveriesField = "x-deliveries"
)

// StreamWorkerOptions configure a StreamWorker. Streams and Handler are
// required; the rest have defaults.
type StreamWorkerOptions struct {
	// Streams names the streams the worker consumes (their keys are
	// name:{stream}). At least one; none empty or starting with '}'; no
	// duplicates.
	Streams []string

	// Group is the consumer group. Empty means the worker's name.
	Group string

	// Consumer is the worker's consumer name in the group. Empty means
	// "<hostname>-<pid>-<8 random hex digits>", unique to this worker.
	// Two workers running with one consumer name would hand back each
	// other's entries; give each its own.
	Consumer string

	// Handler handles each entry. Required.
	Handler StreamHandler

	// Concurrency is how many handlers run at once, across the streams.
	// Zero means 1.
	Concurrency int

	// Batch is how many entries one read or one claim step takes from a
	// stream (XREADGROUP's and XAUTOCLAIM's COUNT); the worker reads again
	// once the batch's last entry has started. Zero means 10; at most 1000.
	Batch int

	// ClaimAfter is how long an entry stays pending, undelivered since,
	// before a worker claims it (XAUTOCLAIM's min-idle-time): the retry
	// delay after a handler's error, and the time a crashed worker's
	// entries wait. Zero means 30 seconds; at least a millisecond;
	// truncated to the millisecond.
	ClaimAfter time.Duration

	// MaxDeliveries, if above 0, is how many times an entry is delivered
	// before a claim moves it to the dead-letter stream instead. Zero
	// means entries are retried until handled.
	MaxDeliveries int64

	// DeadLetterMaxLen, if above 0, trims each dead-letter stream to that
	// many entries (XADD MAXLEN, exact) as entries are moved to it. Zero
	// means no bound.
	DeadLetterMaxLen int64

	// PollInterval is how long a worker on a remote backend waits after a
	// read that found nothing (a script cannot block). Zero means 100 ms;
	// at least a millisecond. The embedded store's reads block instead
	// and do not use it.
	PollInterval time.Duration

	// OnError, if set, is called with each failed delivery and its error:
	// the handler's error, a recovered panic (wrapping
	// ErrStreamWorkerPanic), or the acknowledgement's error. It is called
	// after the entry has been released by the worker, on the goroutine
	// that ran the handler; it must be safe for concurrent use when
	// Concurrency is above 1 or the worker has several streams.
	OnError func(d StreamDelivery, err error)
}

// NewStreamWorker returns the StreamWorker called name on b, configured by
// opts; Run starts it. name starts every key the worker uses (see
// StreamWorker); it must not be empty nor contain '{' or '}'. It returns an
// error wrapping ErrStreamWorkerArg for such a name or for invalid options:
// no stream, an empty or duplicate stream or one starting with '}', no
// Handler, negative Concurrency, Batch, MaxDeliveries or DeadLetterMaxLen, a
// Batch above 1000, a ClaimAfter or PollInterval negative or below a
// millisecond.
func NewStreamWorker(b Backend, name string, opts StreamWorkerOptions) (*StreamWorker, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrStreamWorkerArg)
	}
	if name == "" || strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("%w: name %q is empty or contains '{' or '}'", ErrStreamWorkerArg, name)
	}
	if len(opts.Streams) == 0 {
		return nil, fmt.Errorf("%w: no stream", ErrStreamWorkerArg)
	}
	seen := make(map[string]bool, len(opts.Streams))
	for _, st := range opts.Streams {
		if st == "" || st[0] == '}' {
			return nil, fmt.Errorf("%w: stream %q is empty or starts with '}'", ErrStreamWorkerArg, st)
		}
		if seen[st] {
			return nil, fmt.Errorf("%w: stream %q named twice", ErrStreamWorkerArg, st)
		}
		seen[st] = true
	}
	opts.Streams = append([]string(nil), opts.Streams...)
	if opts.Handler == nil {
		return nil, fmt.Errorf("%w: no Handler", ErrStreamWorkerArg)
	}
	if opts.Concurrency < 0 || opts.Batch < 0 || opts.MaxDeliveries < 0 || opts.DeadLetterMaxLen < 0 {
		return nil, fmt.Errorf("%w: negative Concurrency, Batch, MaxDeliveries or DeadLetterMaxLen (%d, %d, %d, %d)",
			ErrStreamWorkerArg, opts.Concurrency, opts.Batch, opts.MaxDeliveries, opts.DeadLetterMaxLen)
	}
	if opts.Batch > maxWorkerBatch {
		return nil, fmt.Errorf("%w: Batch %d is above %d", ErrStreamWorkerArg, opts.Batch, maxWorkerBatch)
	}
	if opts.Concurrency == 0 {
		opts.Concurrency = 1
	}
	if opts.Batch == 0 {
		opts.Batch = 10
	}
	switch {
	case opts.ClaimAfter == 0:
		opts.ClaimAfter = 30 * time.Second
	case opts.ClaimAfter < time.Millisecond:
		return nil, fmt.Errorf("%w: ClaimAfter %v is below a millisecond", ErrStreamWorkerArg, opts.ClaimAfter)
	}
	opts.ClaimAfter = opts.ClaimAfter.Truncate(time.Millisecond)
	switch {
	case opts.PollInterval == 0:
		opts.PollInterval = 100 * time.Millisecond
	case opts.PollInterval < time.Millisecond:
		return nil, fmt.Errorf("%w: PollInterval %v is below a millisecond", ErrStreamWorkerArg, opts.PollInterval)
	}
	if opts.Group == "" {
		opts.Group = name
	}
	if opts.Consumer == "" {
		opts.Consumer = defaultConsumer()
	}
	w := &StreamWorker{b: b, s: b.Store(), name: name, opts: opts, clock: wallClock{}}
	if w.s != nil {
		w.clock = w.s.e.clock
	}
	return w, nil
}

// maxWorkerBatch bounds Batch: a claim step's XAUTOCLAIM scans up to ten
// times as many entries, and the whole step is one turn of the store or of
// the server.
const maxWorkerBatch = 1000

// defaultConsumer is "<hostname>-<pid>-<8 random hex digits>".
func defaultConsumer() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "worker"
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("embedis: crypto/rand: " + err.Error()) // as ownerValue
	}
	return host + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// Key returns the key of stream: name:{stream}.
func (w *StreamWorker) Key(stream string) string { return w.name + ":{" + stream + "}" }

// DeadLetterKey returns the key of stream's dead-letter stream:
// name:{stream}:dead.
func (w *StreamWorker) DeadLetterKey(stream string) string { return w.Key(stream) + ":dead" }

// Group returns the worker's consumer group.
func (w *StreamWorker) Group() string { return w.opts.Group }

// Consumer returns the worker's consumer name.
func (w *StreamWorker) Consumer() string { return w.opts.Consumer }

// Add appends an entry with the given fields and values (alternating, at
// least one pair) to stream's key, with an ID from the backend's clock, and
// returns the ID. Any stream name may be given, not only the worker's
// (other workers may consume it). It returns an error wrapping
// ErrStreamWorkerArg for an empty stream name, one starting with '}', or
// values that are not pairs.
func (w *StreamWorker) Add(ctx context.Context, stream string, values ...string) (string, error) {
	if stream == "" || stream[0] == '}' {
		return "", fmt.Errorf("%w: stream %q is empty or starts with '}'", ErrStreamWorkerArg, stream)
	}
	if len(values) == 0 || len(values)%2 != 0 {
		return "", fmt.Errorf("%w: %d values, want fields and values in pairs", ErrStreamWorkerArg, len(values))
	}
	key := w.Key(stream)
	if w.s != nil {
		return w.s.XAdd(ctx, XAddArgs{Stream: key, Values: values})
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	reply, err := w.b.Run(ctx, workerAddScript, []string{key}, args...)
	if err != nil {
		return "", remoteError(err)
	}
	id, ok := reply.(string)
	if !ok {
		return "", fmt.Errorf("%w: stream worker %s: XADD replied %#v", ErrBackendReply, key, reply)
	}
	return id, nil
}

// The remote steps, one script each; KEYS[1] is a stream's key, KEYS[2]
// its dead-letter stream's.
var (
	// workerAddScript: ARGV fields and values. Replies the new ID.
	workerAddScript = NewScript(`return redis.call('XADD', KEYS[1], '*', unpack(ARGV))`)

	// workerCreateScript: ARGV group. Creates the group at 0 with
	// MKSTREAM; replies 1, or 0 if it exists.
	workerCreateScript = NewScript(`local r = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if type(r) == 'table' and r.err then
  if string.sub(r.err, 1, 10) == 'BUSYGROUP ' then return 0 end
  return r
end
return 1`)

	// workerReadScript: ARGV group, consumer, count. Replies the entries
	// read with ">" ({id, {field, value, ...}} each), maybe none.
	workerReadScript = NewScript(`local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
if not r then return {} end
return r[1][2]`)

	// workerClaimScript: ARGV group, consumer, min-idle ms, cursor,
	// count, max deliveries (0: none), dead-letter max length (0: none).
	// Claims with XAUTOCLAIM; an entry now delivered more than max times
	// goes to KEYS[2] with its origin ID and deliveries, and is acked.
	// Replies {next cursor, {{id, fields, deliveries}, ...}}.
	workerClaimScript = NewScript(`local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], 'COUNT', ARGV[5])
local max = tonumber(ARGV[6])
local out = {}
for _, e in ipairs(r[2]) do
  local n = redis.call('XPENDING', KEYS[1], ARGV[1], e[1], e[1], 1)[1][4]
  if max > 0 and n > max then
    local f = e[2]
    f[#f+1] = '` + DeadLetterIDField + `'
    f[#f+1] = e[1]
    f[#f+1] = '` + DeadLetterDeliveriesField + `'
    f[#f+1] = tostring(n - 1)
    if ARGV[7] ~= '0' then
      redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[7], '*', unpack(f))
    else
      redis.call('XADD', KEYS[2], '*', unpack(f))
    end
    redis.call('XACK', KEYS[1], ARGV[1], e[1])
  else
    out[#out+1] = {e[1], e[2], n}
  end
end
return {r[1], out}`)

	// workerAckScript: ARGV group, id. Replies XACK's count.
	workerAckScript = NewScript(`return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])`)

	// workerHandBackScript: ARGV group, consumer, idle ms, then pairs of
	// id and delivery count. Each entry still pending for consumer gets
	// that idle time and count. Replies how many did.
	workerHandBackScript = NewScript(`local n = 0
for i = 4, #ARGV, 2 do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'RETRYCOUNT', ARGV[i+1], 'JUSTID')
    n = n + 1
  end
end
return n`)
)

// Run creates the group on each stream (see StreamWorker) and works: reads,
// handles, acknowledges, claims, until ctx ends (it returns ctx's error) or
// Stop is called (it returns nil once Stop's work is done), or a backend
// step fails (it returns that error, after stopping as Stop does with no
// grace period). It returns only when every handler it started has
// returned. A worker runs once: Run called again returns
// ErrStreamWorkerStarted; Run after a Stop that came first returns nil at
// once.
func (w *StreamWorker) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.started {
		w.mu.Unlock()
		return ErrStreamWorkerStarted
	}
	w.started = true
	if w.stopped {
		w.mu.Unlock()
		return nil
	}
	r := newWorkerRun(ctx, w)
	w.run = r
	w.mu.Unlock()
	defer close(r.done)

	for _, st := range r.streams {
		if err := w.createGroup(ctx, st.key); err != nil {
			r.fail(err)
			break
		}
	}
	for _, st := range r.streams {
		if r.readCtx.Err() != nil {
			break
		}
		r.loops.Add(1)
		go r.loop(st)
	}
	r.loops.Wait()
	r.handlers.Wait()
	r.cancelRead()
	r.cancelHandlers()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.err(); err != nil {
		r.handBackAll(ctx)
		return err
	}
	if err := r.handBackAll(ctx); err != nil {
		return err
	}
	return nil
}

// Stop stops the running worker gracefully (see StreamWorker): it reads no
// more, waits for the running handlers until ctx ends, then cancels their
// contexts and waits for them, hands back what the worker held and did not
// handle, and returns when Run has returned. It returns ctx's error if ctx
// ended before the handlers did, nil otherwise. Stop before Run makes Run
// return at once; Stop after Run has returned returns nil.
func (w *StreamWorker) Stop(ctx context.Context) error {
	w.mu.Lock()
	r := w.run
	if r == nil {
		w.stopped = true
		w.mu.Unlock()
		return nil
	}
	w.mu.Unlock()
	r.stopping()
	select {
	case <-r.done:
		return nil
	case <-ctx.Done():
	}
	r.cancelHandlers()
	<-r.done
	return ctx.Err()
}

func (w *StreamWorker) createGroup(ctx context.Context, key string) error {
	if w.s != nil {
		err := w.s.XGroupCreateMkStream(ctx, key, w.opts.Group, "0")
		if errors.Is(err, ErrBusyGroup) {
			return nil
		}
		return err
	}
	_, err := w.b.Run(ctx, workerCreateScript, []string{key}, w.opts.Group)
	return remoteError(err)
}

// workerRun is one Run's state.
type workerRun struct {
	w       *StreamWorker
	ctx     context.Context // Run's: hand-backs
	ackCtx  context.Context // Run's without its cancellation: acknowledgements
	streams []*workerStream
	slots   chan struct{} // one per running handler

	readCtx        context.Context // ends at Stop, at a failure, with ctx
	cancelRead     context.CancelFunc
	handlerCtx     context.Context // ends at Stop's deadline, at a failure, with ctx
	cancelHandlers context.CancelFunc

	loops    sync.WaitGroup
	handlers sync.WaitGroup
	done     chan struct{} // closed when Run returns

	mu       sync.Mutex
	firstErr error
}

// workerStream is one stream of a run, with what the worker holds of it.
type workerStream struct {
	name, key, dead string
	cursor          string    // the claim cursor: "0-0" starts a pass
	nextClaim       time.Time // when the next claim pass is due

	mu       sync.Mutex
	inFlight map[string]bool  // entries dispatched and not finished
	handBack map[string]int64 // entries to hand back, with their delivery count
}

func newWorkerRun(ctx context.Context, w *StreamWorker) *workerRun {
	r := &workerRun{w: w, ctx: ctx, ackCtx: context.WithoutCancel(ctx), slots: make(chan struct{}, w.opts.Concurrency), done: make(chan struct{})}
	r.readCtx, r.cancelRead = context.WithCancel(ctx)
	r.handlerCtx, r.cancelHandlers = context.WithCancel(ctx)
	for _, name := range w.opts.Streams {
		r.streams = append(r.streams, &workerStream{
			name: name, key: w.Key(name), dead: w.DeadLetterKey(name), cursor: "0-0",
			inFlight: map[string]bool{}, handBack: map[string]int64{},
		})
	}
	return r
}

// stopping stops the reading: Stop's first step.
func (r *workerRun) stopping() { r.cancelRead() }

// fail records a backend step's error and stops everything at once.
func (r *workerRun) fail(err error) {
	r.mu.Lock()
	if r.firstErr == nil {
		r.firstErr = err
	}
	r.mu.Unlock()
	r.cancelRead()
	r.cancelHandlers()
}

func (r *workerRun) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.firstErr
}

// loop reads and claims one stream until the reading stops.
func (r *workerRun) loop(st *workerStream) {
	defer r.loops.Done()
	w := r.w
	interval := max(w.opts.ClaimAfter/2, time.Millisecond)
	for r.readCtx.Err() == nil {
		now := w.clock.Now()
		if !now.Before(st.nextClaim) {
			ds, next, err := w.claim(r.readCtx, st)
			if err != nil {
				r.stepFailed(err)
				return
			}
			st.cursor = next
			if next == "0-0" {
				st.nextClaim = now.Add(interval)
			}
			r.dispatch(st, ds)
			continue
		}
		wait := st.nextClaim.Sub(now)
		ds, err := w.read(r.readCtx, st, wait)
		if err != nil {
			r.stepFailed(err)
			return
		}
		if len(ds) == 0 && w.s == nil {
			r.sleep(min(w.opts.PollInterval, wait))
			continue
		}
		r.dispatch(st, ds)
	}
}

// stepFailed fails the run with err, unless err is only the reading's end.
func (r *workerRun) stepFailed(err error) {
	if r.readCtx.Err() != nil {
		return
	}
	r.fail(err)
}

// sleep waits d on the wall clock (remote polls), or until reading stops.
func (r *workerRun) sleep(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.readCtx.Done():
	}
}

// dispatch starts a handler for each of ds as slots free, in order; when
// the reading stops first, the rest are kept to be handed back.
func (r *workerRun) dispatch(st *workerStream, ds []StreamDelivery) {
	for i, d := range ds {
		st.mu.Lock()
		busy := st.inFlight[d.ID]
		st.mu.Unlock()
		if busy {
			continue // claimed again while its handler runs here
		}
		acquired := false
		select {
		case r.slots <- struct{}{}:
			acquired = r.readCtx.Err() == nil
			if !acquired {
				<-r.slots
			}
		case <-r.readCtx.Done():
		}
		if !acquired {
			st.mu.Lock()
			for _, d := range ds[i:] {
				if !st.inFlight[d.ID] {
					st.handBack[d.ID] = d.Deliveries - 1 // never started: not a delivery
				}
			}
			st.mu.Unlock()
			return
		}
		st.mu.Lock()
		st.inFlight[d.ID] = true
		st.mu.Unlock()
		r.handlers.Add(1)
		if r.w.opts.Concurrency == 1 {
			// One handler at a time: run it here, sparing two goroutine
			// hand-offs per entry (the slot still orders the streams).
			r.handle(st, d)
		} else {
			go r.handle(st, d)
		}
	}
}

// handle runs the handler on d and acknowledges it on success.
func (r *workerRun) handle(st *workerStream, d StreamDelivery) {
	defer r.handlers.Done()
	err := r.w.call(r.handlerCtx, d)
	if err == nil {
		if err = r.w.ack(r.ackCtx, st, d.ID); err != nil {
			r.stepFailed(err)
		}
	}
	st.mu.Lock()
	delete(st.inFlight, d.ID)
	if err != nil && r.handlerCtx.Err() != nil {
		st.handBack[d.ID] = d.Deliveries // cut off by the stop
	}
	st.mu.Unlock()
	<-r.slots
	if err != nil && r.w.opts.OnError != nil {
		r.w.opts.OnError(d, err)
	}
}

// call runs the handler, turning a panic into an error.
func (w *StreamWorker) call(ctx context.Context, d StreamDelivery) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: stream %s entry %s: %v", ErrStreamWorkerPanic, d.Stream, d.ID, p)
		}
	}()
	return w.opts.Handler(ctx, d)
}

// handBackAll hands back, stream by stream, what the run kept to hand
// back. It returns the first error.
func (r *workerRun) handBackAll(ctx context.Context) error {
	var first error
	for _, st := range r.streams {
		st.mu.Lock()
		hb := st.handBack
		st.handBack = map[string]int64{}
		st.mu.Unlock()
		if len(hb) == 0 {
			continue
		}
		if err := r.w.handBack(ctx, st, hb); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// read reads new entries of st with ">": embedded, waiting up to wait for
// them; remote, at once.
func (w *StreamWorker) read(ctx context.Context, st *workerStream, wait time.Duration) ([]StreamDelivery, error) {
	count := int64(w.opts.Batch)
	if w.s != nil {
		res, err := w.s.XReadGroup(ctx, XReadGroupArgs{
			Group: w.opts.Group, Consumer: w.opts.Consumer,
			Streams: []string{st.key, ">"}, Count: count, Block: max(wait, time.Millisecond),
		})
		if errors.Is(err, ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		var ds []StreamDelivery
		for _, xs := range res {
			for _, m := range xs.Messages {
				ds = append(ds, StreamDelivery{Stream: st.name, XMessage: m, Deliveries: 1})
			}
		}
		return ds, nil
	}
	reply, err := w.b.Run(ctx, workerReadScript, []string{st.key}, w.opts.Group, w.opts.Consumer, count)
	if err != nil {
		return nil, remoteError(err)
	}
	entries, ok := reply.([]any)
	if !ok {
		return nil, fmt.Errorf("%w: stream worker %s: read replied %#v", ErrBackendReply, st.key, reply)
	}
	ds := make([]StreamDelivery, 0, len(entries))
	for _, e := range entries {
		m, ok := remoteXMessage(e, 2)
		if !ok {
			return nil, fmt.Errorf("%w: stream worker %s: read replied entry %#v", ErrBackendReply, st.key, e)
		}
		ds = append(ds, StreamDelivery{Stream: st.name, XMessage: m, Deliveries: 1})
	}
	return ds, nil
}

// remoteXMessage reads a script's {id, {field, value, ...}, ...} entry of
// n elements at least.
func remoteXMessage(v any, n int) (XMessage, bool) {
	e, ok := v.([]any)
	if !ok || len(e) < n {
		return XMessage{}, false
	}
	id, ok := e[0].(string)
	if !ok {
		return XMessage{}, false
	}
	fv, ok := e[1].([]any)
	if !ok {
		return XMessage{}, false
	}
	m := XMessage{ID: id, Values: make([]string, len(fv))}
	for i, x := range fv {
		if m.Values[i], ok = x.(string); !ok {
			return XMessage{}, false
		}
	}
	return m, true
}

// claim is one claim step on st from its cursor: XAUTOCLAIM of the entries
// idle for ClaimAfter, dead-lettering those delivered MaxDeliveries times.
// It returns the deliveries and the next cursor.
func (w *StreamWorker) claim(ctx context.Context, st *workerStream) ([]StreamDelivery, string, error) {
	o := &w.opts
	if w.s == nil {
		reply, err := w.b.Run(ctx, workerClaimScript, []string{st.key, st.dead},
			o.Group, o.Consumer, o.ClaimAfter.Milliseconds(), st.cursor, o.Batch, o.MaxDeliveries, o.DeadLetterMaxLen)
		if err != nil {
			return nil, "", remoteError(err)
		}
		return claimReply(st, reply)
	}
	var ds []StreamDelivery
	var next string
	err := w.s.Atomic(ctx, func(tx *Tx) error {
		res, err := tx.XAutoClaim(XAutoClaimArgs{Stream: st.key, Group: o.Group, Consumer: o.Consumer,
			MinIdle: o.ClaimAfter, Start: st.cursor, Count: int64(o.Batch)})
		if err != nil {
			return err
		}
		next = res.Next
		for _, m := range res.Messages {
			p, err := tx.XPendingExt(XPendingExtArgs{Stream: st.key, Group: o.Group, Start: m.ID, End: m.ID, Count: 1})
			if err != nil {
				return err
			}
			n := int64(1)
			if len(p) == 1 {
				n = p[0].RetryCount
			}
			if o.MaxDeliveries > 0 && n > o.MaxDeliveries {
				vals := make([]string, 0, len(m.Values)+4)
				vals = append(vals, m.Values...)
				vals = append(vals, DeadLetterIDField, m.ID, DeadLetterDeliveriesField, strconv.FormatInt(n-1, 10))
				if _, err := tx.XAdd(XAddArgs{Stream: st.dead, MaxLen: o.DeadLetterMaxLen, Values: vals}); err != nil {
					return err
				}
				if _, err := tx.XAck(st.key, o.Group, m.ID); err != nil {
					return err
				}
				continue
			}
			ds = append(ds, StreamDelivery{Stream: st.name, XMessage: m, Deliveries: n})
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return ds, next, nil
}

// claimReply reads workerClaimScript's reply.
func claimReply(st *workerStream, reply any) ([]StreamDelivery, string, error) {
	bad := func() ([]StreamDelivery, string, error) {
		return nil, "", fmt.Errorf("%w: stream worker %s: claim replied %#v", ErrBackendReply, st.key, reply)
	}
	r, ok := reply.([]any)
	if !ok || len(r) != 2 {
		return bad()
	}
	next, ok := r[0].(string)
	entries, ok2 := r[1].([]any)
	if !ok || !ok2 {
		return bad()
	}
	ds := make([]StreamDelivery, 0, len(entries))
	for _, e := range entries {
		m, ok := remoteXMessage(e, 3)
		if !ok {
			return bad()
		}
		n, ok := e.([]any)[2].(int64)
		if !ok {
			return bad()
		}
		ds = append(ds, StreamDelivery{Stream: st.name, XMessage: m, Deliveries: n})
	}
	return ds, next, nil
}

// ack acknowledges id of st.
func (w *StreamWorker) ack(ctx context.Context, st *workerStream, id string) error {
	if w.s != nil {
		_, err := w.s.XAck(ctx, st.key, w.opts.Group, id)
		return err
	}
	_, err := w.b.Run(ctx, workerAckScript, []string{st.key}, w.opts.Group, id)
	return remoteError(err)
}

// handBack gives the entries of hb (ID → delivery count to leave) the idle
// time ClaimAfter, so that any worker's next claim takes them, if they are
// still pending for this worker's consumer; one step.
func (w *StreamWorker) handBack(ctx context.Context, st *workerStream, hb map[string]int64) error {
	o := &w.opts
	if w.s == nil {
		args := make([]any, 0, 3+2*len(hb))
		args = append(args, o.Group, o.Consumer, o.ClaimAfter.Milliseconds())
		for id, n := range hb {
			args = append(args, id, max(n, 0))
		}
		_, err := w.b.Run(ctx, workerHandBackScript, []string{st.key}, args...)
		return remoteError(err)
	}
	return w.s.Atomic(ctx, func(tx *Tx) error {
		for id, n := range hb {
			p, err := tx.XPendingExt(XPendingExtArgs{Stream: st.key, Group: o.Group, Start: id, End: id, Count: 1})
			if err != nil {
				return err
			}
			if len(p) != 1 || p[0].Consumer != o.Consumer {
				continue
			}
			idle := o.ClaimAfter
			count := max(n, 0)
			if _, err := tx.XClaimJustID(XClaimArgs{Stream: st.key, Group: o.Group, Consumer: o.Consumer,
				Messages: []string{id}, Idle: &idle, RetryCount: &count}); err != nil {
				return err
			}
		}
		return nil
	})
}
