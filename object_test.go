package embedis

import (
	"errors"
	"testing"
	"time"
)

func TestObjectGoAPI(t *testing.T) {
	s, clock := openTest(t)
	s.Set(ctx, "n", "42", 0)
	s.Set(ctx, "big", "123456", 0)
	s.Append(ctx, "app", "abc")
	s.Append(ctx, "app", "d")
	s.RPush(ctx, "l", "a")
	s.SAdd(ctx, "s", "1")
	s.ZAdd(ctx, "z", Z{Score: 1, Member: "a"})
	s.HSet(ctx, "h", "f", "v")
	for key, want := range map[string]string{"n": "int", "big": "int", "app": "raw", "l": "quicklist", "s": "intset", "z": "listpack", "h": "listpack"} {
		if enc, err := s.ObjectEncoding(ctx, key); enc != want || err != nil {
			t.Errorf("ObjectEncoding(%s) = %q, %v; want %q", key, enc, err, want)
		}
	}
	for key, want := range map[string]int64{"n": 2147483647, "big": 1, "l": 1} {
		if n, err := s.ObjectRefCount(ctx, key); n != want || err != nil {
			t.Errorf("ObjectRefCount(%s) = %d, %v; want %d", key, n, err, want)
		}
	}
	if _, err := s.ObjectEncoding(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ObjectEncoding of a missing key = %v", err)
	}
	if _, err := s.ObjectFreq(ctx, "n"); !errors.Is(err, ErrNoLFU) {
		t.Errorf("ObjectFreq = %v", err)
	}
	// IDLETIME: the seconds since the last access, OBJECT itself not one.
	if n, err := s.ObjectIdleTime(ctx, "n"); n != 0 || err != nil {
		t.Errorf("ObjectIdleTime = %d, %v; want 0", n, err)
	}
	clock.mu.Lock()
	clock.now = clock.now.Add(5 * time.Second)
	clock.mu.Unlock()
	if v, err := s.Do(ctx, "OBJECT", "IDLETIME", "n"); v != int64(5) || err != nil {
		t.Errorf("OBJECT IDLETIME 5 s later = %v, %v", v, err)
	}
	s.Get(ctx, "n")
	if n, err := s.ObjectIdleTime(ctx, "n"); n != 0 || err != nil {
		t.Errorf("ObjectIdleTime after a GET = %d, %v; want 0", n, err)
	}
	if _, err := s.ObjectIdleTime(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ObjectIdleTime of a missing key = %v", err)
	}
	// A key past its deadline is gone for OBJECT too.
	s.Set(ctx, "tmp", "1", time.Second)
	clock.mu.Lock()
	clock.now = clock.now.Add(2 * time.Second)
	clock.mu.Unlock()
	if _, err := s.ObjectEncoding(ctx, "tmp"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ObjectEncoding of an expired key = %v", err)
	}
}

// The hash keeps Redis's encoding apart from its own compact form: Redis
// never converts a hash back to a listpack, embedis compacts small dicts.
func TestObjectEncodingOfHashIsSticky(t *testing.T) {
	s, _ := openTest(t)
	long := string(make([]byte, hashMaxListpackValue+1))
	s.HSet(ctx, "h", "a", "1", "b", long)
	s.HDel(ctx, "h", "b")
	s.HSet(ctx, "h", "c", "3")
	if enc, _ := s.ObjectEncoding(ctx, "h"); enc != "hashtable" {
		t.Fatalf("after a long value was removed: %q, want hashtable", enc)
	}
	s.Copy(ctx, "h", "h2", 0, false)
	if enc, _ := s.ObjectEncoding(ctx, "h2"); enc != "hashtable" {
		t.Fatalf("COPY of a hashtable hash: %q", enc)
	}
}
