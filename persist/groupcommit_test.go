package persist

import (
	"bytes"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// gatedFile is a segment file whose Sync the test controls: each Sync (once
// armed) announces itself on started and waits for a value on release — nil
// to sync, or the error to fail with. It keeps what was written and how much
// of it the last completed Sync made durable.
type gatedFile struct {
	f segmentFile
	g *gate
}

type gate struct {
	mu      sync.Mutex
	armed   bool
	data    []byte
	durable int // len(data) when the last successful Sync started
	syncs   int
	started chan struct{}
	release chan error
}

func (f *gatedFile) Write(p []byte) (int, error) {
	f.g.mu.Lock()
	f.g.data = append(f.g.data, p...)
	f.g.mu.Unlock()
	return f.f.Write(p)
}

func (f *gatedFile) Sync() error {
	f.g.mu.Lock()
	armed, upto := f.g.armed, len(f.g.data)
	f.g.mu.Unlock()
	if armed {
		f.g.started <- struct{}{}
		if err := <-f.g.release; err != nil {
			return err
		}
	}
	if err := f.f.Sync(); err != nil {
		return err
	}
	f.g.mu.Lock()
	f.g.durable = max(f.g.durable, upto)
	f.g.syncs++
	f.g.mu.Unlock()
	return nil
}

func (f *gatedFile) Close() error { return f.f.Close() }

// gateSegments makes the segments Open creates gated files; undone at the
// end of the test.
func gateSegments(t *testing.T) *gate {
	g := &gate{started: make(chan struct{}), release: make(chan error)}
	orig := openSegmentFile
	openSegmentFile = func(path string, create bool) (segmentFile, error) {
		f, err := orig(path, create)
		if err != nil {
			return nil, err
		}
		return &gatedFile{f: f, g: g}, nil
	}
	t.Cleanup(func() { openSegmentFile = orig })
	return g
}

func (g *gate) durableHas(rec []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return bytes.Contains(g.data[:g.durable], rec)
}

// TestGroupCommit checks appendfsync always: while an fsync is held, every
// other writer's record is still appended (the owner never waits on the
// disk) and a read is answered; no writer is answered before an fsync that
// began after its record was written has completed; and one fsync serves
// every record written while the previous one ran.
func TestGroupCommit(t *testing.T) {
	g := gateSegments(t)
	db := openDir(t, t.TempDir(), nil, FsyncAlways)
	defer func() {
		g.mu.Lock()
		g.armed = false
		g.mu.Unlock()
		db.Close()
	}()
	g.mu.Lock()
	g.armed = true
	g.mu.Unlock()

	const writers = 20
	var mu sync.Mutex
	answered := map[int]bool{}
	var wg sync.WaitGroup
	var bad []string
	write := func(i int) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "k" + strconv.Itoa(i)
			err := db.Set(bg, key, "v", 0)
			// The caller was answered: its record must be durable now.
			rec := appendUnit(nil, [][]string{{"SET", key, "v"}})
			mu.Lock()
			defer mu.Unlock()
			answered[i] = true
			if err != nil {
				bad = append(bad, key+": "+err.Error())
			} else if !g.durableHas(rec) {
				bad = append(bad, key+" answered before its record was fsynced")
			}
		}()
	}
	// The first writer's fsync is held: every other writer gets its
	// record appended meanwhile, and reads go on. (The others start once
	// it is held: started together, they would all be gathered into the
	// first write: TestGroupCommitGathers.)
	write(0)
	<-g.started
	for i := 1; i < writers; i++ {
		write(i)
	}
	for {
		db.log.mu.Lock()
		n := db.log.appended
		db.log.mu.Unlock()
		if n == writers {
			break
		}
		if _, err := db.Get(bg, "k0"); err != nil && !errors.Is(err, embedis.ErrNotFound) {
			t.Fatal(err)
		}
	}
	mu.Lock()
	if len(answered) != 0 {
		t.Errorf("%d writers answered while the first fsync was held", len(answered))
	}
	mu.Unlock()
	g.release <- nil
	// The second fsync covers every record left.
	<-g.started
	g.release <- nil
	wg.Wait()
	if len(bad) > 0 {
		t.Fatal(bad)
	}
	g.mu.Lock()
	syncs := g.syncs
	g.mu.Unlock()
	if syncs != 2 {
		t.Fatalf("%d fsyncs for %d writers, want 2 (one held, one for all the rest)", syncs, writers)
	}
	t.Logf("%d writers, %d fsyncs", writers, syncs)
}

// TestFsyncFailureIsSticky checks that a failed fsync fails the writer
// waiting for it and every later write, with ErrLogFailed, and Close.
func TestFsyncFailureIsSticky(t *testing.T) {
	g := gateSegments(t)
	db := openDir(t, t.TempDir(), nil, FsyncAlways)
	g.mu.Lock()
	g.armed = true
	g.mu.Unlock()
	done := make(chan error)
	go func() { done <- db.Set(bg, "a", "1", 0) }()
	<-g.started
	g.release <- errors.New("EIO (injected)")
	if err := <-done; !errors.Is(err, ErrLogFailed) {
		t.Fatalf("writer: %v, want ErrLogFailed", err)
	}
	if _, err := db.Incr(bg, "n"); !errors.Is(err, ErrLogFailed) {
		t.Fatalf("later write: %v, want ErrLogFailed", err)
	}
	if _, err := db.Get(bg, "a"); err != nil {
		t.Fatalf("a read after the failure: %v (reads log nothing and go on)", err)
	}
	if err := db.Save(bg); !errors.Is(err, ErrLogFailed) {
		t.Fatalf("Save: %v, want ErrLogFailed", err)
	}
	g.mu.Lock()
	g.armed = false
	g.mu.Unlock()
	if err := db.Close(); !errors.Is(err, ErrLogFailed) {
		t.Fatalf("Close: %v, want ErrLogFailed", err)
	}
}

// TestGroupCommitGathers checks that the writer of a group commit lets the
// callers that are ready to run append their units first, so that one fsync
// serves callers woken together (a server's connections after a batch of
// replies), as redis-server's one fsync per event-loop turn does. With one
// processor and every writer made runnable at once, the first writer's
// gathering yields to all the others before it writes: one fsync for all.
// The log's goroutine, kicked by every Append, must not write while a caller
// gathers (both writing at once would break the log's state: -race sees it).
func TestGroupCommitGathers(t *testing.T) {
	g := gateSegments(t)
	db := openDir(t, t.TempDir(), nil, FsyncAlways)
	defer db.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	const writers = 50
	start := make(chan struct{})
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for i := 0; i < writers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			key := "k" + strconv.Itoa(i)
			if err := db.Set(bg, key, "v", 0); err != nil {
				errs <- err
				return
			}
			if !g.durableHas(appendUnit(nil, [][]string{{"SET", key, "v"}})) {
				errs <- errors.New(key + " answered before its record was fsynced")
			}
		}()
	}
	g.mu.Lock()
	before := g.syncs
	g.mu.Unlock()
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	g.mu.Lock()
	syncs := g.syncs - before
	g.mu.Unlock()
	// One fsync when every writer ran before the first write; a
	// preemption may split them once or twice, never into many.
	if syncs > 3 {
		t.Fatalf("%d fsyncs for %d writers made runnable together, want at most 3", syncs, writers)
	}
	t.Logf("%d writers, %d fsyncs", writers, syncs)
}

// TestBackgroundUnitReachesDisk checks that a unit no caller waits for —
// the DEL of active expiry — is written and fsynced by the log on its own
// (at its tick) under every policy, with no other write to carry it.
func TestBackgroundUnitReachesDisk(t *testing.T) {
	for _, policy := range []Fsync{FsyncAlways, FsyncEverysec, FsyncNo} {
		t.Run(policy.String(), func(t *testing.T) {
			g := gateSegments(t)
			db := openDir(t, t.TempDir(), nil, policy)
			defer db.Close()
			if err := db.Set(bg, "k", "v", 30*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			del := appendUnit(nil, [][]string{{"DEL", "k"}})
			deadline := time.Now().Add(30 * time.Second)
			for {
				g.mu.Lock()
				written := bytes.Contains(g.data, del)
				g.mu.Unlock()
				// Under always and everysec the tick fsyncs too.
				if written && (policy == FsyncNo || g.durableHas(del)) {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("the expiry's DEL was not written (written: %v) 30 s after the key expired", written)
				}
				time.Sleep(10 * time.Millisecond)
			}
		})
	}
}
