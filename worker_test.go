package embedis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The embedded StreamWorker, on a manual clock: order, retries, dead
// letters, stopping and cancellation. The behaviour shared with Redis is
// in internal/helpersuite/worker.go.

func newWorkerStore(t *testing.T) (*Store, *ManualClock) {
	t.Helper()
	clock := NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := Open(Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

func newTestWorker(t *testing.T, s *Store, opts StreamWorkerOptions) *StreamWorker {
	t.Helper()
	if opts.Streams == nil {
		opts.Streams = []string{"jobs"}
	}
	if opts.ClaimAfter == 0 {
		opts.ClaimAfter = time.Second
	}
	w, err := NewStreamWorker(Embedded(s), "w", opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// runWorker runs w on ctx in a goroutine; the channel receives Run's
// result. The test's cleanup stops a worker still running.
func runWorker(t *testing.T, ctx context.Context, w *StreamWorker) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w.Stop(ctx)
	})
	return done
}

// result returns what ch receives, failing the test after ten seconds (a
// stuck worker; not a timing claim).
func result[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("nothing in 10s")
		var zero T
		return zero
	}
}

func addJobs(t *testing.T, s *Store, key string, from, to int) []string {
	t.Helper()
	var ids []string
	for i := from; i < to; i++ {
		id, err := s.XAdd(context.Background(), XAddArgs{Stream: key, Values: []string{"n", strconv.Itoa(i)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func pendingCount(t *testing.T, s *Store, key, group string) int64 {
	t.Helper()
	p, err := s.XPending(context.Background(), key, group)
	if err != nil {
		t.Fatal(err)
	}
	return p.Count
}

func TestStreamWorkerOptions(t *testing.T) {
	s, _ := newWorkerStore(t)
	h := func(context.Context, StreamDelivery) error { return nil }
	for _, c := range []struct {
		name string
		opts StreamWorkerOptions
	}{
		{"", StreamWorkerOptions{Streams: []string{"a"}, Handler: h}},
		{"a{b", StreamWorkerOptions{Streams: []string{"a"}, Handler: h}},
		{"a}b", StreamWorkerOptions{Streams: []string{"a"}, Handler: h}},
		{"w", StreamWorkerOptions{Handler: h}},
		{"w", StreamWorkerOptions{Streams: []string{""}, Handler: h}},
		{"w", StreamWorkerOptions{Streams: []string{"}a"}, Handler: h}},
		{"w", StreamWorkerOptions{Streams: []string{"a", "a"}, Handler: h}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, Concurrency: -1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, Batch: -1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, Batch: maxWorkerBatch + 1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, MaxDeliveries: -1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, DeadLetterMaxLen: -1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, ClaimAfter: -time.Second}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, ClaimAfter: time.Microsecond}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, PollInterval: -1}},
		{"w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h, PollInterval: time.Microsecond}},
	} {
		if _, err := NewStreamWorker(Embedded(s), c.name, c.opts); !errors.Is(err, ErrStreamWorkerArg) {
			t.Errorf("NewStreamWorker(%q, %+v): err = %v, want ErrStreamWorkerArg", c.name, c.opts, err)
		}
	}
	if _, err := NewStreamWorker(nil, "w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h}); !errors.Is(err, ErrStreamWorkerArg) {
		t.Errorf("nil Backend: err = %v", err)
	}
	w, err := NewStreamWorker(Embedded(s), "w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h})
	if err != nil {
		t.Fatal(err)
	}
	if w.Group() != "w" || w.Consumer() == "" || w.opts.Concurrency != 1 || w.opts.Batch != 10 ||
		w.opts.ClaimAfter != 30*time.Second || w.opts.PollInterval != 100*time.Millisecond {
		t.Errorf("defaults: group %q consumer %q %+v", w.Group(), w.Consumer(), w.opts)
	}
	w2, _ := NewStreamWorker(Embedded(s), "w", StreamWorkerOptions{Streams: []string{"a"}, Handler: h})
	if w2.Consumer() == w.Consumer() {
		t.Errorf("two workers got one default consumer name %q", w.Consumer())
	}
	if got := w.Key("a"); got != "w:{a}" {
		t.Errorf("Key = %q", got)
	}
	if got := w.DeadLetterKey("a"); got != "w:{a}:dead" {
		t.Errorf("DeadLetterKey = %q", got)
	}
	ctx := context.Background()
	for _, c := range []struct {
		stream string
		values []string
	}{{"", []string{"f", "v"}}, {"}x", []string{"f", "v"}}, {"a", nil}, {"a", []string{"f"}}} {
		if _, err := w.Add(ctx, c.stream, c.values...); !errors.Is(err, ErrStreamWorkerArg) {
			t.Errorf("Add(%q, %q): err = %v, want ErrStreamWorkerArg", c.stream, c.values, err)
		}
	}
	// A worker runs once; Stop before Run makes Run return at once.
	if err := w.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Run(ctx); err != nil {
		t.Fatalf("Run after Stop = %v, want nil", err)
	}
	if err := w.Run(ctx); !errors.Is(err, ErrStreamWorkerStarted) {
		t.Fatalf("second Run = %v, want ErrStreamWorkerStarted", err)
	}
	if n, _ := s.Exists(ctx, "w:{a}"); n != 0 {
		t.Errorf("a worker stopped before Run created its stream")
	}
}

// With Concurrency 1 a worker handles a stream's entries in order: those
// there before Run (the group starts at 0) and those added while it runs.
func TestStreamWorkerOrder(t *testing.T) {
	ctx := context.Background()
	s, _ := newWorkerStore(t)
	var mu sync.Mutex
	var got []string
	handled := make(chan struct{}, 100)
	w := newTestWorker(t, s, StreamWorkerOptions{Batch: 7, Handler: func(_ context.Context, d StreamDelivery) error {
		mu.Lock()
		got = append(got, d.ID)
		mu.Unlock()
		if d.Deliveries != 1 || d.Stream != "jobs" || d.Map()["n"] == "" {
			t.Errorf("delivery %+v", d)
		}
		handled <- struct{}{}
		return nil
	}})
	want := addJobs(t, s, w.Key("jobs"), 0, 40)
	done := runWorker(t, ctx, w)
	for i := 0; i < 40; i++ {
		result(t, handled)
	}
	more := addJobs(t, s, w.Key("jobs"), 40, 60)
	for i := 0; i < 20; i++ {
		result(t, handled)
	}
	want = append(want, more...)
	if err := w.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if err := result(t, done); err != nil {
		t.Fatalf("Run = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("handled %v\nwant      %v", got, want)
	}
	if n := pendingCount(t, s, w.Key("jobs"), "w"); n != 0 {
		t.Errorf("%d entries still pending", n)
	}
}

// A handler's error leaves the entry pending; once idle for ClaimAfter the
// worker claims it and hands it over again, counted.
func TestStreamWorkerRetry(t *testing.T) {
	ctx := context.Background()
	s, clock := newWorkerStore(t)
	deliveries := make(chan StreamDelivery, 10)
	failed := make(chan error, 10)
	w := newTestWorker(t, s, StreamWorkerOptions{
		Handler: func(_ context.Context, d StreamDelivery) error {
			deliveries <- d
			if d.Deliveries == 1 {
				return errors.New("not yet")
			}
			return nil
		},
		OnError: func(d StreamDelivery, err error) { failed <- err },
	})
	done := runWorker(t, ctx, w)
	waitBlocked(t, s, 1)
	ids := addJobs(t, s, w.Key("jobs"), 0, 1)
	if d := result(t, deliveries); d.ID != ids[0] || d.Deliveries != 1 {
		t.Fatalf("first delivery %+v", d)
	}
	if err := result(t, failed); err == nil || err.Error() != "not yet" {
		t.Fatalf("OnError got %v", err)
	}
	waitBlocked(t, s, 1)
	if n := pendingCount(t, s, w.Key("jobs"), "w"); n != 1 {
		t.Fatalf("pending after a failure = %d, want 1", n)
	}
	clock.Advance(time.Second / 2) // a claim pass runs; the entry is not idle long enough
	waitBlocked(t, s, 1)
	select {
	case d := <-deliveries:
		t.Fatalf("delivered again before ClaimAfter: %+v", d)
	default:
	}
	clock.Advance(time.Second / 2)
	if d := result(t, deliveries); d.ID != ids[0] || d.Deliveries != 2 || d.Map()["n"] != "0" {
		t.Fatalf("retry %+v", d)
	}
	waitFor(t, func() bool { return pendingCount(t, s, w.Key("jobs"), "w") == 0 })
	w.Stop(ctx)
	if err := result(t, done); err != nil {
		t.Fatal(err)
	}
}

// After MaxDeliveries deliveries, the claim moves the entry to the
// dead-letter stream, with its origin and count, and acknowledges it; the
// dead-letter stream is trimmed to DeadLetterMaxLen.
func TestStreamWorkerDeadLetter(t *testing.T) {
	ctx := context.Background()
	s, clock := newWorkerStore(t)
	var calls atomic.Int64
	failed := make(chan struct{}, 10)
	w := newTestWorker(t, s, StreamWorkerOptions{
		MaxDeliveries: 2, DeadLetterMaxLen: 1, Batch: 1,
		Handler: func(_ context.Context, d StreamDelivery) error {
			calls.Add(1)
			if d.Deliveries > 2 {
				t.Errorf("delivered %d times", d.Deliveries)
			}
			panic("boom")
		},
		OnError: func(d StreamDelivery, err error) {
			if !errors.Is(err, ErrStreamWorkerPanic) {
				t.Errorf("OnError(%v), want ErrStreamWorkerPanic", err)
			}
			failed <- struct{}{}
		},
	})
	key, dead := w.Key("jobs"), w.DeadLetterKey("jobs")
	ids := addJobs(t, s, key, 0, 2)
	done := runWorker(t, ctx, w)
	for round := 0; round < 2; round++ {
		for range ids {
			result(t, failed)
		}
		waitBlocked(t, s, 1)
		clock.Advance(time.Second)
	}
	waitFor(t, func() bool { n, _ := s.XLen(ctx, dead); return n == 1 && pendingCount(t, s, key, "w") == 0 })
	msgs, err := s.XRange(ctx, dead, "-", "+")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]string{"n", "1", DeadLetterIDField, ids[1], DeadLetterDeliveriesField, "2"})
	if len(msgs) != 1 || fmt.Sprint(msgs[0].Values) != want {
		t.Fatalf("dead letters %+v, want one with %s", msgs, want)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("handler called %d times, want 4 (2 entries × 2 deliveries)", n)
	}
	if n, _ := s.XLen(ctx, key); n != 2 {
		t.Errorf("the stream lost entries: XLEN %d", n)
	}
	w.Stop(ctx)
	if err := result(t, done); err != nil {
		t.Fatal(err)
	}
}

// Stop lets a running handler finish and hands back the entries read and
// not started: idle ClaimAfter, their delivery not counted, so another
// worker claims them at once.
func TestStreamWorkerStopGraceful(t *testing.T) {
	ctx := context.Background()
	s, _ := newWorkerStore(t)
	started := make(chan string, 10)
	release := make(chan struct{})
	w := newTestWorker(t, s, StreamWorkerOptions{Consumer: "a", Batch: 4, Handler: func(ctx context.Context, d StreamDelivery) error {
		started <- d.ID
		<-release
		return nil
	}})
	key := w.Key("jobs")
	ids := addJobs(t, s, key, 0, 4)
	done := runWorker(t, ctx, w)
	if id := result(t, started); id != ids[0] {
		t.Fatalf("started %s, want %s", id, ids[0])
	}
	stopped := make(chan error, 1)
	go func() { stopped <- w.Stop(ctx) }()
	w.mu.Lock()
	r := w.run
	w.mu.Unlock()
	result(t, r.readCtx.Done()) // Stop has begun: nothing more is started
	close(release)
	if err := result(t, stopped); err != nil {
		t.Fatalf("Stop = %v", err)
	}
	if err := result(t, done); err != nil {
		t.Fatalf("Run = %v", err)
	}
	p, err := s.XPendingExt(ctx, XPendingExtArgs{Stream: key, Group: "w", Start: "-", End: "+", Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 3 {
		t.Fatalf("pending %+v, want the 3 entries not started", p)
	}
	for i, e := range p {
		if e.ID != ids[i+1] || e.Consumer != "a" || e.RetryCount != 0 || e.Idle != time.Second {
			t.Errorf("pending %+v, want %s of a, not counted, idle 1s", e, ids[i+1])
		}
	}
	got := make(chan StreamDelivery, 10)
	w2 := newTestWorker(t, s, StreamWorkerOptions{Consumer: "b", Handler: func(_ context.Context, d StreamDelivery) error {
		got <- d
		return nil
	}})
	runWorker(t, ctx, w2)
	for i := 1; i < 4; i++ {
		if d := result(t, got); d.ID != ids[i] || d.Deliveries != 1 {
			t.Errorf("second worker got %+v, want %s delivered once", d, ids[i])
		}
	}
}

// Stop's context ending cuts the handlers off: their contexts end, and an
// entry whose handler then fails is handed back with its delivery counted.
func TestStreamWorkerStopDeadline(t *testing.T) {
	ctx := context.Background()
	s, _ := newWorkerStore(t)
	started := make(chan struct{}, 1)
	w := newTestWorker(t, s, StreamWorkerOptions{Consumer: "a", Handler: func(ctx context.Context, d StreamDelivery) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}})
	key := w.Key("jobs")
	ids := addJobs(t, s, key, 0, 1)
	done := runWorker(t, ctx, w)
	result(t, started)
	stopCtx, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.Stop(stopCtx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stop = %v, want context.Canceled", err)
	}
	if err := result(t, done); err != nil {
		t.Fatalf("Run = %v", err)
	}
	p, err := s.XPendingExt(ctx, XPendingExtArgs{Stream: key, Group: "w", Start: "-", End: "+", Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || p[0].ID != ids[0] || p[0].RetryCount != 1 || p[0].Idle != time.Second {
		t.Fatalf("pending %+v, want %s delivered once, idle 1s", p, ids[0])
	}
}

// Run's context ending stops the worker at once, waiting in XREADGROUP or
// in a handler (whose context ends too); nothing is handed back.
func TestStreamWorkerContextCancel(t *testing.T) {
	s, clock := newWorkerStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	w := newTestWorker(t, s, StreamWorkerOptions{Handler: func(context.Context, StreamDelivery) error { return nil }})
	done := runWorker(t, ctx, w)
	waitBlocked(t, s, 1)
	cancel()
	if err := result(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	waitBlocked(t, s, 0)

	ctx, cancel = context.WithCancel(context.Background())
	started := make(chan struct{}, 1)
	w = newTestWorker(t, s, StreamWorkerOptions{Handler: func(ctx context.Context, d StreamDelivery) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}})
	addJobs(t, s, w.Key("jobs"), 0, 1)
	done = runWorker(t, ctx, w)
	result(t, started)
	cancel()
	if err := result(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	p, err := s.XPendingExt(context.Background(), XPendingExtArgs{Stream: w.Key("jobs"), Group: "w", Start: "-", End: "+", Count: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(p) != 1 || p[0].RetryCount != 1 || p[0].Idle != 0 {
		t.Fatalf("pending %+v, want the entry left as it was (idle 0 on the unmoved clock)", p)
	}
	_ = clock
}

// Concurrency handlers run at once, never more, across the streams.
func TestStreamWorkerConcurrency(t *testing.T) {
	ctx := context.Background()
	s, _ := newWorkerStore(t)
	const n = 3
	var running, most atomic.Int64
	gate := make(chan struct{})
	var handled atomic.Int64
	w := newTestWorker(t, s, StreamWorkerOptions{Streams: []string{"a", "b"}, Concurrency: n, Handler: func(ctx context.Context, d StreamDelivery) error {
		r := running.Add(1)
		defer running.Add(-1)
		for {
			m := most.Load()
			if r <= m || most.CompareAndSwap(m, r) {
				break
			}
		}
		<-gate
		handled.Add(1)
		return nil
	}})
	addJobs(t, s, w.Key("a"), 0, 10)
	addJobs(t, s, w.Key("b"), 0, 10)
	done := runWorker(t, ctx, w)
	waitFor(t, func() bool { return running.Load() == n })
	close(gate)
	waitFor(t, func() bool { return handled.Load() == 20 })
	if m := most.Load(); m != n {
		t.Errorf("at most %d handlers ran at once, want %d", m, n)
	}
	w.Stop(ctx)
	if err := result(t, done); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"a", "b"} {
		if c := pendingCount(t, s, w.Key(st), "w"); c != 0 {
			t.Errorf("%s: %d pending", st, c)
		}
	}
}

// A backend step's failure ends Run with its error: here the stream's key
// holds a string.
func TestStreamWorkerBackendError(t *testing.T) {
	ctx := context.Background()
	s, _ := newWorkerStore(t)
	w := newTestWorker(t, s, StreamWorkerOptions{Handler: func(context.Context, StreamDelivery) error { return nil }})
	if err := s.Set(ctx, w.Key("jobs"), "x", 0); err != nil {
		t.Fatal(err)
	}
	if err := w.Run(ctx); !errors.Is(err, ErrWrongType) {
		t.Fatalf("Run = %v, want ErrWrongType", err)
	}
}

// StreamWorkerCrashEntries is how many entries TestStreamWorkerCrashes
// (package embedis_test) works through: the 100,000, a tenth under
// the race detector.
func StreamWorkerCrashEntries() int {
	if raceEnabled {
		return 10_000
	}
	return 100_000
}

// cannedBackend is a remote Backend whose every script replies reply.
type cannedBackend struct{ reply any }

func (cannedBackend) Store() *Store { return nil }

func (b cannedBackend) Run(context.Context, *Script, []string, ...any) (any, error) {
	return b.reply, nil
}

// A remote reply of a shape the worker's scripts never return is
// ErrBackendReply, never a panic.
func TestStreamWorkerRemoteReplies(t *testing.T) {
	ctx := context.Background()
	h := func(context.Context, StreamDelivery) error { return nil }
	for _, reply := range []any{
		nil, int64(1), "x", []any{nil}, []any{"x"}, []any{[]any{}}, []any{[]any{"1-1"}},
		[]any{[]any{"1-1", "f"}}, []any{[]any{"1-1", []any{int64(1)}}}, []any{[]any{int64(1), []any{"f", "v"}}},
		[]any{"0-0"}, []any{"0-0", "x"}, []any{int64(0), []any{}}, []any{"0-0", []any{[]any{"1-1", []any{"f", "v"}}}},
		[]any{"0-0", []any{[]any{"1-1", []any{"f", "v"}, "2"}}}, []any{"0-0", []any{nil}},
	} {
		w, err := NewStreamWorker(cannedBackend{reply}, "w", StreamWorkerOptions{Streams: []string{"s"}, Handler: h})
		if err != nil {
			t.Fatal(err)
		}
		st := newWorkerRun(ctx, w).streams[0]
		if _, err := w.read(ctx, st, 0); err != nil && !errors.Is(err, ErrBackendReply) {
			t.Errorf("read of %#v: %v", reply, err)
		}
		if _, _, err := w.claim(ctx, st); !errors.Is(err, ErrBackendReply) {
			t.Errorf("claim of %#v: err = %v, want ErrBackendReply", reply, err)
		}
		if _, err := w.Add(ctx, "s", "f", "v"); !errors.Is(err, ErrBackendReply) && reply != "x" {
			t.Errorf("Add of %#v: err = %v, want ErrBackendReply", reply, err)
		}
	}
	// The shapes the scripts do return.
	w, _ := NewStreamWorker(cannedBackend{[]any{"0-0", []any{[]any{"1-1", []any{"f", "v"}, int64(3)}}}}, "w",
		StreamWorkerOptions{Streams: []string{"s"}, Handler: h})
	st := newWorkerRun(ctx, w).streams[0]
	ds, next, err := w.claim(ctx, st)
	if err != nil || next != "0-0" || len(ds) != 1 || ds[0].ID != "1-1" || ds[0].Deliveries != 3 || ds[0].Stream != "s" {
		t.Errorf("claim = %+v, %q, %v", ds, next, err)
	}
	w, _ = NewStreamWorker(cannedBackend{[]any{[]any{"1-1", []any{"f", "v"}}}}, "w", StreamWorkerOptions{Streams: []string{"s"}, Handler: h})
	ds, err = w.read(ctx, newWorkerRun(ctx, w).streams[0], 0)
	if err != nil || len(ds) != 1 || ds[0].Map()["f"] != "v" || ds[0].Deliveries != 1 {
		t.Errorf("read = %+v, %v", ds, err)
	}
}
