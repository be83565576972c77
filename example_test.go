package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

func Example() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		panic(err)
	}
	defer s.Close()

	s.Set(ctx, "greeting", "hello", 0)
	v, _ := s.Get(ctx, "greeting")
	n, _ := s.IncrBy(ctx, "visits", 3)
	_, err = s.Get(ctx, "nobody")
	fmt.Println(v, n, errors.Is(err, embedis.ErrNotFound))
	// Output: hello 3 true
}

func ExampleStore_Incr() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.Incr(ctx, "hits")
	n, _ := s.Incr(ctx, "hits")
	fmt.Println(n)

	s.Set(ctx, "name", "alice", 0)
	_, err := s.Incr(ctx, "name")
	fmt.Println(err, errors.Is(err, embedis.ErrNotInteger))
	// Output:
	// 2
	// ERR value is not an integer or out of range true
}

func ExampleStore_SetArgs() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	r, _ := s.SetArgs(ctx, "lock", "owner-1", embedis.SetArgs{Mode: "NX", TTL: 10 * time.Second})
	fmt.Println("first:", r.Written)
	r, _ = s.SetArgs(ctx, "lock", "owner-2", embedis.SetArgs{Mode: "NX", TTL: 10 * time.Second})
	fmt.Println("second:", r.Written)
	r, _ = s.SetArgs(ctx, "lock", "owner-3", embedis.SetArgs{Get: true, KeepTTL: true})
	fmt.Println("replaced:", r.Old)
	// Output:
	// first: true
	// second: false
	// replaced: owner-1
}

func ExampleManualClock() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()

	s.Set(ctx, "session", "alice", time.Minute)
	clock.Advance(time.Minute + time.Millisecond) // expires the key by itself
	n, _ := s.DBSize(ctx)
	fmt.Println(n)
	// Output: 0
}

func ExampleStore_Pipeline() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	p := s.Pipeline()
	a := p.Incr("a")
	b := p.IncrBy("b", 10)
	g := p.Get("missing")
	if err := p.Exec(ctx); err != nil {
		panic(err)
	}
	fmt.Println(a.Val(), b.Val(), errors.Is(g.Err(), embedis.ErrNotFound))
	// Output: 1 10 true
}

func ExampleStore_Atomic() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.Set(ctx, "balance:alice", "100", 0)

	// Move 30 from alice to bob: no other caller sees one half without the other.
	err := s.Atomic(ctx, func(tx *embedis.Tx) error {
		if _, err := tx.DecrBy("balance:alice", 30); err != nil {
			return err
		}
		_, err := tx.IncrBy("balance:bob", 30)
		return err
	})
	alice, _ := s.Get(ctx, "balance:alice")
	bob, _ := s.Get(ctx, "balance:bob")
	fmt.Println(err, alice, bob)
	// Output: <nil> 70 30
}

func ExampleStore_Do() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.Do(ctx, "SET", "k", "v")
	reply, err := s.Do(ctx, "GETEX", "k", "PX", "1500")
	fmt.Println(reply, err)
	_, err = s.Do(ctx, "GET")
	fmt.Println(err)
	// Output:
	// v <nil>
	// ERR wrong number of arguments for 'get' command
}

func ExampleStore_DB() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	s.DB(1).Set(ctx, "k", "in db 1", 0)
	_, err := s.Get(ctx, "k")
	v, _ := s.DB(1).Get(ctx, "k")
	fmt.Println(errors.Is(err, embedis.ErrNotFound), v)
	// Output: true in db 1
}

func ExampleOptions_onEffects() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.UnixMilli(1_700_000_000_000))
	s, _ := embedis.Open(embedis.Options{Clock: clock, OnEffects: func(unit [][]string) {
		fmt.Println(unit)
	}})
	defer s.Close()

	s.Set(ctx, "k", "v", time.Second) // the relative TTL is recorded as an absolute deadline
	s.IncrByFloat(ctx, "f", 0.5)      // recorded as the SET of its result
	clock.Advance(2 * time.Second)    // the expiry is recorded as a DEL
	// Output:
	// [[SELECT 0] [SET k v PXAT 1700000001000]]
	// [[SET f 0.5 KEEPTTL]]
	// [[DEL k]]
}
