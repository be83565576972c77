package persist

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// segmentsIn lists the log segments in dir.
func segmentsIn(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var segs []string
	for _, e := range es {
		if strings.HasSuffix(e.Name(), ".seg") {
			segs = append(segs, e.Name())
		}
	}
	return segs
}

// TestSetAppendOnlyOffOn turns the log off and on while the DB is open:
// the writes before the stop reopen; the writes while off are in the
// base snapshot that turning it on writes; the writes after are logged.
func TestSetAppendOnlyOffOn(t *testing.T) {
	dir := t.TempDir()
	db := openDir(t, dir, nil, FsyncAlways)
	db.Store.DB(3).Set(bg, "before", "1", 0)
	if err := db.SetAppendOnly(bg, false); err != nil {
		t.Fatal(err)
	}
	if db.AppendOnly() {
		t.Fatal("AppendOnly() after SetAppendOnly(false)")
	}
	db.Store.DB(3).Set(bg, "while-off", "2", 0)
	// A copy of the directory now: the log stopped, nothing else written.
	off := t.TempDir()
	copyDir(t, dir, off)
	if err := db.SetAppendOnly(bg, true); err != nil {
		t.Fatal(err)
	}
	if !db.AppendOnly() {
		t.Fatal("AppendOnly() false after SetAppendOnly(true)")
	}
	db.Store.DB(3).Set(bg, "after", "3", 0)
	if err := db.SetAppendOnly(bg, true); err != nil { // in effect: nothing
		t.Fatal(err)
	}
	db.Close()
	if segs := segmentsIn(t, dir); len(segs) != 1 {
		t.Errorf("segments after the rewrite of appendonly yes: %v, want one", segs)
	}

	re, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	got := keyspaceOf(t, re.Store, 16)
	re.Close()
	want := map[string]string{`3/"before"`: `string "1" @-1`, `3/"while-off"`: `string "2" @-1`, `3/"after"`: `string "3" @-1`}
	sameKeyspace(t, "after off and on", want, got)

	re, err = Open(off, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	got = keyspaceOf(t, re.Store, 16)
	re.Close()
	sameKeyspace(t, "the directory while off", map[string]string{`3/"before"`: `string "1" @-1`}, got)
}

// copyDir copies the regular files of src to dst (the lock file too: it is
// only a name).
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	es, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSetAppendOnlyUnderWrites turns the log on and off and changes its
// policy while writers run, ending with it on: the directory reopens to
// exactly what the store held at Close (each rewrite's base holds what the
// log missed while off; nothing is lost or applied twice at the switches).
func TestSetAppendOnlyUnderWrites(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.Incr(bg, fmt.Sprintf("w%d", w)); err != nil {
					t.Error(err)
					return
				}
				if _, err := db.RPush(bg, "list", fmt.Sprint(w, i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	policies := []Fsync{FsyncAlways, FsyncNo, FsyncEverysec}
	for i := 0; i < 12; i++ {
		if err := db.SetAppendFsync(policies[i%3]); err != nil {
			t.Fatal(err)
		}
		if err := db.SetAppendOnly(bg, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetAppendOnly(bg, true); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	want := keyspaceOf(t, db.Store, 1)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	re, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	sameKeyspace(t, "after switching under writes", want, keyspaceOf(t, re.Store, 1))
	if err := db.SetAppendOnly(bg, false); err != ErrClosed {
		t.Errorf("SetAppendOnly after Close = %v, want ErrClosed", err)
	}
	if err := re.SetAppendFsync(Fsync(9)); err == nil {
		t.Error("SetAppendFsync(9): no error")
	}
}

// TestSetAppendFsyncAnswersWaiters: while one caller's fsync under always
// is held, a second caller waits for the next one; switching the policy to
// no (with a write delay) answers it at once, its record buffered, and the
// first once its fsync ends.
func TestSetAppendFsyncAnswersWaiters(t *testing.T) {
	g := gateSegments(t)
	dir := t.TempDir()
	db := openDelayed(t, dir, FsyncAlways, 10*time.Millisecond)
	defer db.Close()
	g.Arm(true)
	first := make(chan error, 1)
	go func() { first <- db.Set(bg, "k1", "v", 0) }()
	<-g.Started() // the fsync of k1's record is held
	g.Arm(false)
	second := make(chan error, 1)
	go func() { second <- db.Set(bg, "k2", "v", 0) }()
	if err := db.SetAppendFsync(FsyncNo); err != nil {
		t.Fatal(err)
	}
	if db.AppendFsync() != FsyncNo {
		t.Errorf("AppendFsync() = %v, want no", db.AppendFsync())
	}
	if err := <-second; err != nil { // answered while k1's fsync is held
		t.Fatal(err)
	}
	select {
	case err := <-first:
		t.Fatalf("the caller whose fsync is held was answered (%v)", err)
	default:
	}
	g.Release(nil)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
}

// heldWrites makes the segments Open creates files whose Write waits, once
// armed, until release is closed; entered receives once when a Write
// starts waiting.
type heldWrites struct {
	mu      sync.Mutex
	armed   bool
	entered chan struct{}
	release chan struct{}
}

type heldFile struct {
	segmentFile
	h *heldWrites
}

func (f *heldFile) Write(p []byte) (int, error) {
	f.h.mu.Lock()
	armed := f.h.armed
	f.h.armed = false
	f.h.mu.Unlock()
	if armed {
		f.h.entered <- struct{}{}
		<-f.h.release
	}
	return f.segmentFile.Write(p)
}

func holdWrites(t *testing.T) *heldWrites {
	h := &heldWrites{entered: make(chan struct{}, 1), release: make(chan struct{})}
	orig := openSegmentFile
	openSegmentFile = func(path string, create bool) (segmentFile, error) {
		f, err := orig(path, create)
		if err != nil {
			return nil, err
		}
		return &heldFile{segmentFile: f, h: h}, nil
	}
	t.Cleanup(func() { openSegmentFile = orig })
	return h
}

// openDelayed opens dir append-only under fsync with a write delay.
func openDelayed(t *testing.T, dir string, fsync Fsync, delay time.Duration) *DB {
	t.Helper()
	db, err := Open(dir, Options{AppendOnly: true, AppendFsync: fsync, WriteDelay: delay, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestWrittenBeforeAnswer: under everysec and no without a write delay
// (the default), a caller is answered only once its record is written to
// the OS, as redis-server writes its AOF buffer before replying: the value
// is in the segment file the moment Set returns, so a crash of the process
// cannot lose it.
func TestWrittenBeforeAnswer(t *testing.T) {
	for _, f := range []Fsync{FsyncNo, FsyncEverysec} {
		dir := t.TempDir()
		db := openDir(t, dir, nil, f)
		for i := 0; i < 20; i++ {
			needle := fmt.Sprintf("needle-%d-%v", i, f)
			if err := db.Set(bg, "k", needle, 0); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, s := range segmentsIn(t, dir) {
				b, _ := os.ReadFile(filepath.Join(dir, s))
				found = found || strings.Contains(string(b), needle)
			}
			if !found {
				t.Fatalf("%v: Set returned before its record reached the segment file", f)
			}
		}
		if b := db.BufferedBytes(); b != 0 {
			t.Errorf("%v: %d bytes buffered after every caller was answered", f, b)
		}
		db.Close()
	}
}

// TestWriteDelayRefused: a write delay below zero or above a second is
// refused.
func TestWriteDelayRefused(t *testing.T) {
	for _, d := range []time.Duration{-time.Millisecond, time.Second + 1} {
		if db, err := Open(t.TempDir(), Options{AppendOnly: true, WriteDelay: d, Logger: quietLogger()}); err == nil {
			db.Close()
			t.Errorf("WriteDelay %v accepted", d)
		}
	}
}

// TestBufferBound: under no with a write delay, callers are answered with
// their records in memory, but not past maxBuffered bytes: with the writer stuck in a write,
// the caller whose record takes the buffer past the bound waits until the
// write ends; then every record reaches the file.
func TestBufferBound(t *testing.T) {
	h := holdWrites(t)
	dir := t.TempDir()
	db := openDelayed(t, dir, FsyncNo, 10*time.Millisecond)
	h.mu.Lock()
	h.armed = true
	h.mu.Unlock()
	value := strings.Repeat("v", 64<<10)
	const n = 400 // 25 MiB in all: past maxBuffered
	var started, returned atomic.Int64
	done := make(chan error, 1)
	go func() {
		for i := 0; i < n; i++ {
			started.Add(1)
			if err := db.Set(bg, fmt.Sprint("k", i), value, 0); err != nil {
				done <- err
				return
			}
			returned.Add(1)
		}
		done <- nil
	}()
	<-h.entered // the first write is stuck
	deadline := time.Now().Add(30 * time.Second)
	for db.BufferedBytes() <= maxBuffered {
		if time.Now().After(deadline) {
			t.Fatalf("the buffer did not pass its bound: %d bytes, %d calls returned", db.BufferedBytes(), returned.Load())
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // room for a caller that should wait not to
	if s, r := started.Load(), returned.Load(); s != r+1 || r >= n {
		t.Errorf("with %d bytes buffered past the bound, %d calls started and %d returned: want the last one waiting", db.BufferedBytes(), s, r)
	}
	if b := db.BufferedBytes(); b > maxBuffered+int64(len(value))+1024 {
		t.Errorf("buffered %d bytes: more than the bound and one record", b)
	}
	close(h.release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	re, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if k, _ := re.DBSize(bg); k != n {
		t.Errorf("%d keys after reopening, want %d", k, n)
	}
}

// TestBufferedRecordReachesFile: under no and everysec with a write delay,
// a record buffered reaches the segment file on its own (within about the
// delay), with no later write, Save or Close to push it.
func TestBufferedRecordReachesFile(t *testing.T) {
	for _, f := range []Fsync{FsyncNo, FsyncEverysec} {
		dir := t.TempDir()
		db := openDelayed(t, dir, f, 10*time.Millisecond)
		if err := db.Set(bg, "needle-key", "needle-value", 0); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			found := false
			for _, s := range segmentsIn(t, dir) {
				b, _ := os.ReadFile(filepath.Join(dir, s))
				found = found || strings.Contains(string(b), "needle-value")
			}
			if found {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%v: the record is not in the file 10 s after its write", f)
			}
			time.Sleep(time.Millisecond)
		}
		// The writer counts the bytes as written once its write call
		// returns, a moment after they are in the file: wait for that.
		for db.BufferedBytes() != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%v: %d bytes still buffered 10 s after the write reached the file", f, db.BufferedBytes())
			}
			time.Sleep(time.Millisecond)
		}
		db.Close()
	}
}

// TestAttach opens a store from nothing with a Log, writes, attaches a
// directory holding older data (replaced), writes more, and reopens.
func TestAttach(t *testing.T) {
	dir := t.TempDir()
	old := openDir(t, dir, nil, FsyncNo)
	old.Set(bg, "stale", "x", 0)
	old.Close()

	lg := NewLog()
	store, err := embedis.Open(embedis.Options{Log: lg})
	if err != nil {
		t.Fatal(err)
	}
	store.DB(2).Set(bg, "early", "1", 0)
	db, err := Attach(bg, dir, store, lg, Options{AppendOnly: true, AppendFsync: FsyncAlways, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(bg, t.TempDir(), store, lg, Options{}); err == nil {
		t.Error("a second Attach of the same Log: no error")
	}
	if _, err := Open(dir, Options{Logger: quietLogger()}); !errors.Is(err, ErrLocked) {
		t.Errorf("Open of an attached directory = %v, want ErrLocked", err)
	}
	store.DB(2).Set(bg, "late", "2", 0)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(bg, "x"); err != embedis.ErrClosed {
		t.Errorf("the store after the DB's Close: %v, want ErrClosed", err)
	}
	re, err := Open(dir, Options{Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	want := map[string]string{`2/"early"`: `string "1" @-1`, `2/"late"`: `string "2" @-1`}
	sameKeyspace(t, "attached", want, keyspaceOf(t, re.Store, 16))
	if _, err := Attach(context.Background(), dir, nil, lg, Options{}); err == nil {
		t.Error("Attach without a store: no error")
	}
}
