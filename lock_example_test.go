package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

// A Locker on the embedded store: TryLock fails while another lease holds
// the lock, Lock waits for it, and each acquisition gets a larger fencing
// token. goredis.New(client) in place of embedis.Embedded(s) puts the same
// locks on a Redis server or Cluster.
func ExampleLocker() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	locks, err := embedis.NewLocker(embedis.Embedded(s), "jobs", embedis.LockerOptions{TTL: 30 * time.Second})
	if err != nil {
		panic(err)
	}

	first, err := locks.TryLock(ctx, "invoices")
	fmt.Println("first:", first.Token(), err)
	_, err = locks.TryLock(ctx, "invoices")
	fmt.Println("second:", err)

	got := make(chan *embedis.Lease)
	go func() {
		lease, err := locks.Lock(ctx, "invoices") // waits for the release below
		if err != nil {
			panic(err)
		}
		got <- lease
	}()
	time.Sleep(10 * time.Millisecond) // let it queue (it would also work without)
	fmt.Println("release:", first.Release(ctx))
	third := <-got
	fmt.Println("waiter:", third.Token())
	fmt.Println("release again:", first.Release(ctx))
	fmt.Println("key:", locks.Key("invoices"))
	third.Release(ctx)
	// Output:
	// first: 1 <nil>
	// second: embedis: lock is held by another owner
	// release: <nil>
	// waiter: 2
	// release again: <nil>
	// key: jobs:{invoices}
}

// A lease lost while its holder was paused: Extend and Release report
// ErrNotHeld, and the fencing token lets the protected store refuse the
// stale holder's write.
func ExampleLease_Token() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()
	locks, _ := embedis.NewLocker(embedis.Embedded(s), "jobs", embedis.LockerOptions{TTL: 10 * time.Second})

	highest := int64(0) // kept by the protected store
	write := func(token int64) error {
		if token < highest {
			return fmt.Errorf("refused: token %d < %d", token, highest)
		}
		highest = token
		return nil
	}

	a, _ := locks.TryLock(ctx, "export")
	clock.Advance(15 * time.Second) // a pauses past its lease
	b, _ := locks.TryLock(ctx, "export")
	fmt.Println("b writes:", write(b.Token()))
	fmt.Println("a writes:", write(a.Token()))
	fmt.Println("a extends:", errors.Is(a.Extend(ctx, 0), embedis.ErrNotHeld))
	fmt.Println("a releases:", a.Release(ctx))
	// Output:
	// b writes: <nil>
	// a writes: refused: token 1 < 2
	// a extends: true
	// a releases: embedis: lock not held
}

// KeepAlive renews a lease every third of its TTL until Release (or its
// context) stops it; its channel reports a lost lease.
func ExampleLease_KeepAlive() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	s, _ := embedis.Open(embedis.Options{Clock: clock})
	defer s.Close()
	locks, _ := embedis.NewLocker(embedis.Embedded(s), "jobs", embedis.LockerOptions{TTL: 30 * time.Second})

	lease, _ := locks.TryLock(ctx, "reindex")
	lost := lease.KeepAlive(ctx)
	for i := 0; i < 12; i++ {
		clock.Advance(10 * time.Second) // two minutes of work
	}
	ttl, err := lease.TTL(ctx)
	fmt.Println("after 2m:", ttl, err)

	s.Del(ctx, locks.Key("reindex")) // someone deletes the lock
	clock.Advance(10 * time.Second)  // the next renewal finds out
	fmt.Println("lost:", <-lost)
	// Output:
	// after 2m: 30s <nil>
	// lost: embedis: lock not held
}
