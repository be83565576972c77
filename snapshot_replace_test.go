package embedis

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// ReplaceFromSnapshot empties every database, loads the file in one turn,
// invalidates WATCHes, indexes the loaded deadlines for active expiry, and
// on a truncated file fails naming the offset without panicking.
func TestReplaceFromSnapshot(t *testing.T) {
	src, _ := openTest(t)
	fillStore(t, src, [][]string{{"SET", "a", "1"}, {"RPUSH", "l", "x", "y"}, {"SADD", "s", "1", "2"},
		{"HSET", "h", "f", "v"}, {"ZADD", "z", "1", "m"}, {"SET", "t", "v", "PX", "50"}})
	src.DB(5).Set(ctx, "five", "5", 0)
	file := writeSnapshot(t, src)

	dst, clock := openTest(t)
	dst.Set(ctx, "old", "x", 0)
	dst.DB(9).Set(ctx, "old9", "x", 0)
	var w Watch
	dst.Atomic(ctx, func(tx *Tx) error { tx.Watch(&w, "old"); return nil })
	if err := dst.ReplaceFromSnapshot(ctx, bytes.NewReader(file)); err != nil {
		t.Fatal(err)
	}
	if n, _ := dst.Exists(ctx, "old"); n != 0 {
		t.Error("old key kept")
	}
	if n, _ := dst.DB(9).DBSize(ctx); n != 0 {
		t.Error("database 9 not emptied")
	}
	if n, _ := dst.DBSize(ctx); n != 6 {
		t.Errorf("DBSIZE = %d, want 6", n)
	}
	if v, _ := dst.DB(5).Get(ctx, "five"); v != "5" {
		t.Errorf("db 5 five = %q", v)
	}
	dirty := false
	dst.Atomic(ctx, func(tx *Tx) error { dirty = tx.WatchBroken(&w); tx.Unwatch(&w); return nil })
	if !dirty {
		t.Error("WATCH on a flushed key not invalidated")
	}
	// Active expiry acts on the loaded deadline without any read.
	clock.Advance(100 * time.Millisecond)
	if st, _ := dst.Stats(ctx); st.ExpiredKeys != 1 {
		t.Errorf("expired keys after the loaded deadline = %d, want 1", st.ExpiredKeys)
	}

	// A truncated file: an error naming the offset, the store usable.
	err := dst.ReplaceFromSnapshot(ctx, bytes.NewReader(file[:len(file)/2]))
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("byte ")) {
		t.Errorf("truncated file: %v", err)
	}
	if err := dst.Set(ctx, "after", "1", 0); err != nil {
		t.Errorf("store after a failed replace: %v", err)
	}
	// A context already ended: nothing happens.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := dst.ReplaceFromSnapshot(cctx, bytes.NewReader(file)); !errors.Is(err, context.Canceled) {
		t.Errorf("ended context: %v", err)
	}
	if v, _ := dst.Get(ctx, "after"); v != "1" {
		t.Error("an ended context's call changed the store")
	}
}
