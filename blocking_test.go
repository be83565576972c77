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

// blockedCount returns how many callers wait in blocking commands.
func blockedCount(t *testing.T, s *Store) int64 {
	t.Helper()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return st.Blocked
}

// waitBlocked waits until n callers are blocked.
func waitBlocked(t *testing.T, s *Store, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for blockedCount(t, s) != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d callers blocked, want %d", blockedCount(t, s), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestBLPopServesWaitersInOrder(t *testing.T) {
	s, _ := openTest(t)
	type got struct{ key, val string }
	results := make([]chan got, 3)
	for i := range results {
		results[i] = make(chan got, 1)
		go func(ch chan got) {
			k, v, err := s.BLPop(ctx, "q1", "q2")
			if err != nil {
				t.Error(err)
			}
			ch <- got{k, v}
		}(results[i])
		waitBlocked(t, s, int64(i+1)) // each blocks before the next
	}
	if _, err := s.RPush(ctx, "q2", "a", "b", "c"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"a", "b", "c"} {
		if g := <-results[i]; g.key != "q2" || g.val != want {
			t.Fatalf("waiter %d got %v, want q2/%s", i, g, want)
		}
	}
	if n, _ := s.Exists(ctx, "q2"); n != 0 {
		t.Fatal("the emptied list still exists")
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
}

func TestBlockingPopImmediateAndWrongType(t *testing.T) {
	s, _ := openTest(t)
	s.RPush(ctx, "l", "x")
	if k, v, err := s.BRPop(ctx, "missing", "l"); err != nil || k != "l" || v != "x" {
		t.Fatalf("BRPop with data = %q %q %v", k, v, err)
	}
	s.Set(ctx, "str", "v", 0)
	if _, _, err := s.BLPop(ctx, "str"); !errors.Is(err, ErrWrongType) {
		t.Fatalf("BLPop on a string = %v", err)
	}
}

// TestPushInsideAUnitWakesAfterIt: a waiter whose list is filled and emptied
// again inside one Atomic unit gets nothing and stays blocked.
func TestPushInsideAUnitWakesAfterIt(t *testing.T) {
	s, _ := openTest(t)
	done := make(chan string, 1)
	go func() {
		_, v, err := s.BLPop(ctx, "k")
		if err != nil {
			t.Error(err)
		}
		done <- v
	}()
	waitBlocked(t, s, 1)
	err := s.Atomic(ctx, func(tx *Tx) error {
		tx.LPush("k", "stolen")
		_, err := tx.LPop("k")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := blockedCount(t, s); n != 1 {
		t.Fatalf("the waiter was woken for an element popped in the same unit (%d blocked)", n)
	}
	err = s.Atomic(ctx, func(tx *Tx) error {
		tx.LPush("k", "first")
		if st, _ := tx.Stats(); st.Blocked != 1 {
			return fmt.Errorf("served before the unit ended")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := <-done; v != "first" {
		t.Fatalf("waiter got %q", v)
	}
}

func TestBlockingPopContextAndClose(t *testing.T) {
	s, _ := openTest(t)
	c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, _, err := s.BLPop(c, "k"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("BLPop past its deadline = %v", err)
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("canceled waiter still registered: %d", n)
	}
	s.LPush(ctx, "k", "v") // nobody waits: the element stays
	if n, _ := s.LLen(ctx, "k"); n != 1 {
		t.Fatal("a canceled waiter took the element")
	}
	errs := make(chan error, 1)
	go func() { _, err := s.BLMove(ctx, "empty", "dst", "LEFT", "RIGHT"); errs <- err }()
	waitBlocked(t, s, 1)
	s.Close()
	if err := <-errs; !errors.Is(err, ErrClosed) {
		t.Fatalf("BLMove when the store closed = %v", err)
	}
}

func TestBlockingMoveAndMPopRecordPlainCommands(t *testing.T) {
	var units [][][]string
	var mu sync.Mutex
	s, err := Open(Options{OnEffects: func(u [][]string) { mu.Lock(); units = append(units, u); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := make(chan string, 1)
	go func() {
		v, err := s.BLMove(ctx, "src", "dst", "RIGHT", "LEFT")
		if err != nil {
			t.Error(err)
		}
		got <- v
	}()
	waitBlocked(t, s, 1)
	s.RPush(ctx, "src", "a", "b")
	if v := <-got; v != "b" {
		t.Fatalf("BLMove = %q", v)
	}
	k, vals, err := s.BLMPop(ctx, "LEFT", 5, "none", "src")
	if err != nil || k != "src" || len(vals) != 1 || vals[0] != "a" {
		t.Fatalf("BLMPop = %q %q %v", k, vals, err)
	}
	mu.Lock()
	defer mu.Unlock()
	last := fmt.Sprint(units[len(units)-2])
	if last != "[[SELECT 0] [RPUSH src a b] [LMOVE src dst RIGHT LEFT]]" {
		t.Fatalf("the push and the served move are recorded as %s", last)
	}
}

// TestBlockingStress: 50 goroutines doing blocking pops and pushes on 10
// lists; every pushed element is popped exactly once.
func TestBlockingStress(t *testing.T) {
	s, _ := openTest(t)
	const workers, perWorker, lists = 50, 200, 10
	keys := make([]string, lists)
	for i := range keys {
		keys[i] = "list:" + strconv.Itoa(i)
	}
	var popped sync.Map
	var pops atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				if w%2 == 0 { // pushers
					v := fmt.Sprintf("%d:%d", w, i)
					if _, err := s.RPush(ctx, keys[(w+i)%lists], v); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				// poppers wait on every list, starting at a different one
				ks := make([]string, lists)
				for j := range ks {
					ks[j] = keys[(w+i+j)%lists]
				}
				c, cancel := context.WithTimeout(ctx, 30*time.Second)
				_, v, err := s.BLPop(c, ks...)
				cancel()
				if err != nil {
					t.Error(err)
					return
				}
				if _, dup := popped.LoadOrStore(v, true); dup {
					t.Errorf("%s popped twice", v)
				}
				pops.Add(1)
			}
		}(w)
	}
	wg.Wait()
	// Pushes and pops are equal in number, so every element was popped.
	if got, want := pops.Load(), int64(workers/2*perWorker); got != want {
		t.Fatalf("%d pops, want %d", got, want)
	}
	n, _ := s.DBSize(ctx)
	if n != 0 {
		t.Fatalf("%d lists left with elements", n)
	}
}

// TestBlockedMoveOntoWrongTypeFails: a BRPOPLPUSH blocked while its
// destination holds a string gets ErrWrongType when an element arrives, and
// the element stays in the source for the next waiter (Redis 7.0 answers the
// blocked client with WRONGTYPE).
func TestBlockedMoveOntoWrongTypeFails(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "dst", "str", 0)
	moved := make(chan error, 1)
	go func() { _, err := s.BRPopLPush(ctx, "src", "dst"); moved <- err }()
	waitBlocked(t, s, 1)
	popped := make(chan string, 1)
	go func() {
		_, v, err := s.BLPop(ctx, "src")
		if err != nil {
			t.Error(err)
		}
		popped <- v
	}()
	waitBlocked(t, s, 2)
	if err := s.Atomic(ctx, func(tx *Tx) error {
		_, err := tx.RPush("src", "foo", "bar")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := <-moved; !errors.Is(err, ErrWrongType) {
		t.Fatalf("blocked BRPopLPush onto a string = %v, want ErrWrongType", err)
	}
	if v := <-popped; v != "foo" {
		t.Fatalf("the waiter behind it got %q, want foo", v)
	}
	if l, _ := s.LRange(ctx, "src", 0, -1); fmt.Sprint(l) != "[bar]" {
		t.Fatalf("src = %q, want [bar]", l)
	}
	if v, _ := s.Get(ctx, "dst"); v != "str" {
		t.Fatalf("dst = %q", v)
	}
	if n := blockedCount(t, s); n != 0 {
		t.Fatalf("%d callers still blocked", n)
	}
}

// TestBlockedWaiterOfferedOnlyItsType: a key is offered only to the waiters
// of the type it holds, in the order they blocked; a key replaced by another
// type, or gone again, within the unit that filled it serves nobody.
func TestBlockedWaiterOfferedOnlyItsType(t *testing.T) {
	s, _ := openTest(t)
	zgot := make(chan ZWithKey, 1)
	go func() {
		z, err := s.BZPopMin(ctx, "k")
		if err != nil {
			t.Error(err)
		}
		zgot <- z
	}()
	waitBlocked(t, s, 1)
	lgot := make(chan string, 1)
	go func() {
		_, v, err := s.BLPop(ctx, "k")
		if err != nil {
			t.Error(err)
		}
		lgot <- v
	}()
	waitBlocked(t, s, 2)
	s.RPush(ctx, "k", "a") // skips the BZPopMin waiter, serves the BLPop one
	if v := <-lgot; v != "a" {
		t.Fatalf("BLPop behind a BZPopMin waiter got %q", v)
	}
	waitBlocked(t, s, 1)
	for _, unit := range []func(tx *Tx) error{
		func(tx *Tx) error { // added, then overwritten by a string
			tx.ZAdd("k", Z{Score: 1, Member: "m"})
			return tx.Set("k", "str", 0)
		},
		func(tx *Tx) error { // a list renamed onto the key
			if _, err := tx.Del("k"); err != nil {
				return err
			}
			tx.RPush("l", "x")
			return tx.Rename("l", "k")
		},
		func(tx *Tx) error { // added, then deleted
			if _, err := tx.Del("k"); err != nil {
				return err
			}
			tx.ZAdd("k", Z{Score: 1, Member: "m"})
			_, err := tx.Del("k")
			return err
		},
	} {
		if err := s.Atomic(ctx, unit); err != nil {
			t.Fatal(err)
		}
		if n := blockedCount(t, s); n != 1 {
			t.Fatalf("BZPopMin served by data unusable at the end of the unit (%d blocked)", n)
		}
	}
	s.ZAdd(ctx, "k", Z{Score: 2, Member: "n"}, Z{Score: 3, Member: "o"})
	if z := <-zgot; z.Key != "k" || z.Member != "n" || z.Score != 2 {
		t.Fatalf("BZPopMin = %+v", z)
	}
	if zs, _ := s.ZRange(ctx, "k", 0, -1); fmt.Sprint(zs) != "[o]" {
		t.Fatalf("k = %q", zs)
	}
}
