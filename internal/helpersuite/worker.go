package helpersuite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

func init() { Register("StreamWorker", workerSuite) }

// workerSuite checks StreamWorker: the key layout and options, handling
// and acknowledging across streams, retries after ClaimAfter and the move
// to the dead-letter stream after MaxDeliveries, Stop's hand-back, and a
// cancelled worker's entries recovered by another.
func workerSuite(t *testing.T, newEnv NewEnv) {
	ctx := context.Background()
	ok := func(context.Context, embedis.StreamDelivery) error { return nil }

	t.Run("Options", func(t *testing.T) {
		env := newEnv(t)
		for _, c := range []struct {
			name string
			opts embedis.StreamWorkerOptions
		}{
			{"a{b", embedis.StreamWorkerOptions{Streams: []string{"s"}, Handler: ok}},
			{"w", embedis.StreamWorkerOptions{Handler: ok}},
			{"w", embedis.StreamWorkerOptions{Streams: []string{"}s"}, Handler: ok}},
			{"w", embedis.StreamWorkerOptions{Streams: []string{"s"}}},
			{"w", embedis.StreamWorkerOptions{Streams: []string{"s"}, Handler: ok, ClaimAfter: time.Microsecond}},
			{"w", embedis.StreamWorkerOptions{Streams: []string{"s"}, Handler: ok, MaxDeliveries: -1}},
		} {
			if _, err := embedis.NewStreamWorker(env.Backend, c.name, c.opts); !errors.Is(err, embedis.ErrStreamWorkerArg) {
				t.Errorf("NewStreamWorker(%q, %+v): err = %v, want ErrStreamWorkerArg", c.name, c.opts, err)
			}
		}
		w := newStreamWorker(t, env, embedis.StreamWorkerOptions{Streams: []string{"s"}, Handler: ok})
		if got, want := w.Key("s"), env.Prefix+"w:{s}"; got != want {
			t.Errorf("Key = %q, want %q", got, want)
		}
		if got, want := w.DeadLetterKey("s"), env.Prefix+"w:{s}:dead"; got != want {
			t.Errorf("DeadLetterKey = %q, want %q", got, want)
		}
		if _, err := w.Add(ctx, "s", "odd"); !errors.Is(err, embedis.ErrStreamWorkerArg) {
			t.Errorf("Add with odd values: err = %v", err)
		}
		// A stream's key holding another type fails Run with the engine's
		// error, on either backend.
		Do(t, env, w.Key("s"), "SET", w.Key("s"), "x")
		if err := w.Run(ctx); !errors.Is(err, embedis.ErrWrongType) {
			t.Errorf("Run on a string key = %v, want ErrWrongType", err)
		}
	})

	t.Run("HandleAndAck", func(t *testing.T) {
		env := newEnv(t)
		var mu sync.Mutex
		got := map[string][]string{}
		w := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"a", "b"}, Concurrency: 2, Batch: 3,
			Handler: func(_ context.Context, d embedis.StreamDelivery) error {
				if d.Deliveries != 1 {
					t.Errorf("delivery %+v, want the first", d)
				}
				mu.Lock()
				got[d.Stream] = append(got[d.Stream], d.Map()["n"])
				mu.Unlock()
				return nil
			},
		})
		add := func(from, to int) {
			for i := from; i < to; i++ {
				for _, st := range []string{"a", "b"} {
					if _, err := w.Add(ctx, st, "n", strconv.Itoa(i)); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		add(0, 10) // before Run: the group starts at 0
		done := workerRun(t, ctx, w)
		add(10, 20)
		workerEventually(t, env, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(got["a"]) == 20 && len(got["b"]) == 20
		})
		if err := w.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := workerWait(t, done); err != nil {
			t.Fatalf("Run = %v", err)
		}
		for _, st := range []string{"a", "b"} {
			ns := got[st]
			sort.Slice(ns, func(i, j int) bool { a, _ := strconv.Atoi(ns[i]); b, _ := strconv.Atoi(ns[j]); return a < b })
			for i, n := range ns {
				if n != strconv.Itoa(i) {
					t.Fatalf("%s: handled %v, want 0..19 once each", st, ns)
				}
			}
			if p := workerPendingCount(t, env, w.Key(st), w.Group()); p != 0 {
				t.Errorf("%s: %d pending after handling", st, p)
			}
		}
	})

	t.Run("RetryAndDeadLetter", func(t *testing.T) {
		env := newEnv(t)
		var mu sync.Mutex
		var bad []int64
		var good int
		w := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"s"}, ClaimAfter: 150 * time.Millisecond, MaxDeliveries: 2,
			Handler: func(_ context.Context, d embedis.StreamDelivery) error {
				mu.Lock()
				defer mu.Unlock()
				if d.Map()["kind"] == "bad" {
					bad = append(bad, d.Deliveries)
					return errors.New("refused")
				}
				good++
				return nil
			},
		})
		badID, err := w.Add(ctx, "s", "kind", "bad", "n", "1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Add(ctx, "s", "kind", "good"); err != nil {
			t.Fatal(err)
		}
		done := workerRun(t, ctx, w)
		workerEventually(t, env, func() bool {
			return Do(t, env, w.DeadLetterKey("s"), "XLEN", w.DeadLetterKey("s")) == int64(1) &&
				workerPendingCount(t, env, w.Key("s"), w.Group()) == 0
		})
		if err := w.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		if err := workerWait(t, done); err != nil {
			t.Fatalf("Run = %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(bad) != "[1 2]" || good != 1 {
			t.Errorf("the failing entry was delivered %v (want [1 2]), the good one %d times (want 1)", bad, good)
		}
		entries := Do(t, env, w.DeadLetterKey("s"), "XRANGE", w.DeadLetterKey("s"), "-", "+")
		want := fmt.Sprint([]any{"kind", "bad", "n", "1", embedis.DeadLetterIDField, badID, embedis.DeadLetterDeliveriesField, "2"})
		if es, _ := entries.([]any); len(es) != 1 || fmt.Sprint(es[0].([]any)[1]) != want {
			t.Errorf("dead letters %v, want one entry %s", entries, want)
		}
		if n := Do(t, env, w.Key("s"), "XLEN", w.Key("s")); n != int64(2) {
			t.Errorf("XLEN of the stream = %v, want 2 (dead-lettering copies, it does not delete)", n)
		}
	})

	t.Run("StopHandsBack", func(t *testing.T) {
		env := newEnv(t)
		const claimAfter = 10 * time.Second
		started := make(chan string, 3)
		a := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"s"}, Consumer: "a", Batch: 3, ClaimAfter: claimAfter,
			Handler: func(ctx context.Context, d embedis.StreamDelivery) error {
				started <- d.ID
				<-ctx.Done()
				return ctx.Err()
			},
		})
		var ids []string
		for i := 0; i < 3; i++ {
			id, err := a.Add(ctx, "s", "n", strconv.Itoa(i))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		done := workerRun(t, ctx, a)
		if id := workerWait(t, started); id != ids[0] {
			t.Fatalf("first handled %s, want %s", id, ids[0])
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		if err := a.Stop(cancelled); !errors.Is(err, context.Canceled) {
			t.Fatalf("Stop with an ended context = %v, want context.Canceled", err)
		}
		if err := workerWait(t, done); err != nil {
			t.Fatalf("Run = %v", err)
		}
		pending := workerPendingExt(t, env, a.Key("s"), a.Group())
		if len(pending) != 3 {
			t.Fatalf("pending %v, want the 3 entries", pending)
		}
		for i, p := range pending {
			// The first was delivered and cut off; the others were read and
			// never started: their delivery is not counted.
			want := int64(0)
			if i == 0 {
				want = 1
			}
			if p.id != ids[i] || p.consumer != "a" || p.count != want || p.idle < claimAfter || p.idle > claimAfter+5*time.Second {
				t.Errorf("pending %+v, want %s of a delivered %d times, idle about %v", p, ids[i], want, claimAfter)
			}
		}
		// Handed back: another worker claims them at its start.
		var mu sync.Mutex
		var got []string
		b := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"s"}, Consumer: "b", ClaimAfter: claimAfter,
			Handler: func(_ context.Context, d embedis.StreamDelivery) error {
				mu.Lock()
				got = append(got, fmt.Sprintf("%s:%d", d.ID, d.Deliveries))
				mu.Unlock()
				return nil
			},
		})
		done = workerRun(t, ctx, b)
		workerEventuallyNoAdvance(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
		b.Stop(ctx)
		if err := workerWait(t, done); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint([]string{ids[0] + ":2", ids[1] + ":1", ids[2] + ":1"})
		if fmt.Sprint(got) != want {
			t.Errorf("second worker handled %v, want %v", got, want)
		}
	})

	t.Run("Crashes", func(t *testing.T) { WorkerCrashes(t, newEnv, 2000, 5, 30) })

	t.Run("CancelledWorkerRecovered", func(t *testing.T) {
		env := newEnv(t)
		const claimAfter = 150 * time.Millisecond
		started := make(chan struct{}, 1)
		runCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		a := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"s"}, Consumer: "a", ClaimAfter: claimAfter,
			Handler: func(ctx context.Context, d embedis.StreamDelivery) error {
				started <- struct{}{}
				<-ctx.Done()
				return ctx.Err()
			},
		})
		id, err := a.Add(ctx, "s", "n", "1")
		if err != nil {
			t.Fatal(err)
		}
		done := workerRun(t, runCtx, a)
		workerWait(t, started)
		cancel()
		if err := workerWait(t, done); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run = %v, want context.Canceled", err)
		}
		if p := workerPendingExt(t, env, a.Key("s"), a.Group()); len(p) != 1 || p[0].consumer != "a" || p[0].count != 1 {
			t.Fatalf("pending %+v, want the entry left with a", p)
		}
		got := make(chan embedis.StreamDelivery, 1)
		b := newStreamWorker(t, env, embedis.StreamWorkerOptions{
			Streams: []string{"s"}, Consumer: "b", ClaimAfter: claimAfter,
			Handler: func(_ context.Context, d embedis.StreamDelivery) error {
				got <- d
				return nil
			},
		})
		done = workerRun(t, ctx, b)
		var d embedis.StreamDelivery
		workerEventually(t, env, func() bool {
			select {
			case d = <-got:
				return true
			default:
				return false
			}
		})
		if d.ID != id || d.Deliveries != 2 {
			t.Errorf("recovered %+v, want %s delivered a second time", d, id)
		}
		workerEventually(t, env, func() bool { return workerPendingCount(t, env, b.Key("s"), b.Group()) == 0 })
		b.Stop(ctx)
		if err := workerWait(t, done); err != nil {
			t.Fatal(err)
		}
	})
}

// WorkerCrashes is the consumer-group crash test: workers killed (their
// Run's context cancelled, mid-handler or not) and restarted under the same
// consumer name at random while they work through the entries; at the end
// every entry has been handled and nothing is pending — none lost. The
// suite runs it small on every backend; the root package's tests run it
// with the 100,000 entries on the embedded store.
func WorkerCrashes(t *testing.T, newEnv NewEnv, entries, workers, kills int) {
	ctx := context.Background()
	env := newEnv(t)
	var mu sync.Mutex
	handled := map[string]int{}
	opts := embedis.StreamWorkerOptions{
		Streams: []string{"s"}, Batch: 20, ClaimAfter: 100 * time.Millisecond,
		Handler: func(ctx context.Context, d embedis.StreamDelivery) error {
			if err := ctx.Err(); err != nil {
				return err // killed: the entry is not done
			}
			mu.Lock()
			handled[d.ID]++
			mu.Unlock()
			return nil
		},
	}
	producer := newStreamWorker(t, env, opts)
	ids := map[string]bool{}
	for i := 0; i < entries; i++ {
		id, err := producer.Add(ctx, "s", "n", strconv.Itoa(i))
		if err != nil {
			t.Fatal(err)
		}
		ids[id] = true
	}
	type running struct {
		w    *embedis.StreamWorker
		kill context.CancelFunc
		done <-chan error
	}
	start := func(i int) running {
		o := opts
		o.Consumer = "c" + strconv.Itoa(i)
		w := newStreamWorker(t, env, o)
		runCtx, kill := context.WithCancel(ctx)
		return running{w, kill, workerRun(t, runCtx, w)}
	}
	pool := make([]running, workers)
	for i := range pool {
		pool[i] = start(i)
	}
	for k := 0; k < kills; k++ {
		time.Sleep(time.Millisecond)
		i := rand.IntN(workers)
		pool[i].kill()
		if err := workerWait(t, pool[i].done); err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("killed worker's Run = %v", err)
		}
		pool[i] = start(i)
		env.Advance(10 * time.Millisecond)
	}
	workerEventually(t, env, func() bool {
		mu.Lock()
		n := len(handled)
		mu.Unlock()
		return n == entries && workerPendingCount(t, env, producer.Key("s"), producer.Group()) == 0
	})
	for _, r := range pool {
		r.w.Stop(ctx)
		if err := workerWait(t, r.done); err != nil {
			t.Fatalf("Run = %v", err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	twice := 0
	for id, n := range handled {
		if !ids[id] {
			t.Fatalf("handled %s, never added", id)
		}
		if n > 1 {
			twice++
		}
	}
	if n := Do(t, env, producer.Key("s"), "XLEN", producer.Key("s")); n != int64(entries) {
		t.Errorf("XLEN = %v, want %d", n, entries)
	}
	t.Logf("%d entries, %d workers, %d kills: %d entries handled twice (a kill between handling and XACK)", entries, workers, kills, twice)
}

// newStreamWorker builds a StreamWorker named Prefix+"w" on env, polling a
// remote backend every 5 ms.
func newStreamWorker(t *testing.T, env Env, opts embedis.StreamWorkerOptions) *embedis.StreamWorker {
	t.Helper()
	if opts.PollInterval == 0 {
		opts.PollInterval = 5 * time.Millisecond
	}
	w, err := embedis.NewStreamWorker(env.Backend, env.Prefix+"w", opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// workerRun runs w in a goroutine; the channel gets Run's result. The test's
// cleanup stops a worker still running.
func workerRun(t *testing.T, ctx context.Context, w *embedis.StreamWorker) <-chan error {
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		w.Stop(ctx)
	})
	return done
}

// workerWait returns what ch receives, failing the test after ten seconds (a
// stuck worker; not a timing claim).
func workerWait[T any](t *testing.T, ch <-chan T) T {
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

// workerEventually waits for cond, moving env's time on by 25 ms steps between
// looks (a worker's claims are driven by the clock); it fails the test
// after ten seconds of real time.
func workerEventually(t *testing.T, env Env, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		env.Advance(25 * time.Millisecond)
		time.Sleep(time.Millisecond)
	}
}

// workerEventuallyNoAdvance waits for cond without moving the clock.
func workerEventuallyNoAdvance(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10s")
		}
		time.Sleep(time.Millisecond)
	}
}

// workerPendingCount is XPENDING's count of key's group.
func workerPendingCount(t *testing.T, env Env, key, group string) int64 {
	t.Helper()
	r, _ := Do(t, env, key, "XPENDING", key, group).([]any)
	if len(r) != 4 {
		t.Fatalf("XPENDING %s %s = %#v", key, group, r)
	}
	n, _ := r[0].(int64)
	return n
}

type workerPending struct {
	id, consumer string
	idle         time.Duration
	count        int64
}

// workerPendingExt is XPENDING's extended form over all of key's group.
func workerPendingExt(t *testing.T, env Env, key, group string) []workerPending {
	t.Helper()
	r, _ := Do(t, env, key, "XPENDING", key, group, "-", "+", "100").([]any)
	var out []workerPending
	for _, e := range r {
		f, _ := e.([]any)
		if len(f) != 4 {
			t.Fatalf("XPENDING entry %#v", e)
		}
		p := workerPending{}
		p.id, _ = f[0].(string)
		p.consumer, _ = f[1].(string)
		idle, _ := f[2].(int64)
		p.idle = time.Duration(idle) * time.Millisecond
		p.count, _ = f[3].(int64)
		out = append(out, p)
	}
	return out
}
