// Command singlejob runs a job that only one process may run at a time, on
// embedis's Locker: three processes (goroutines here, standing for three
// copies of a service) wake every night to build the same report, and
// exactly one builds it. It then shows the two things a lease cannot do by
// itself and how the program covers them: a long job keeps its lease with
// KeepAlive, and a holder that was paused past its lease is stopped by the
// fencing token, not by the lock.
//
//	go run ./examples/singlejob
//
// The clock is a manual one and every printed line is a count or a token,
// never which goroutine won a race, so the output is the same on every run.
// On several machines, build the Locker on goredis.New(client) instead of
// embedis.Embedded(store): the rest of the code is the same.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// reports is the store the job writes to. It is the protected resource, so
// it checks the fencing token: a write with a token below the largest it has
// seen comes from a holder whose lease has ended, and is refused.
type reports struct {
	mu      sync.Mutex
	highest int64
	saved   []string
}

var errStale = errors.New("stale fencing token")

func (r *reports) save(token int64, report string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if token < r.highest {
		return fmt.Errorf("%w: %d < %d", errStale, token, r.highest)
	}
	r.highest = token
	r.saved = append(r.saved, report)
	return nil
}

func main() {
	ctx := context.Background()
	clock := embedis.NewManualClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	s, err := embedis.Open(embedis.Options{Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	locks, err := embedis.NewLocker(embedis.Embedded(s), "jobs", embedis.LockerOptions{TTL: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	store := &reports{}

	// Three nights: each night three processes race for the lock; the one
	// that gets it builds the report, the others see ErrLockHeld and skip.
	for night := 1; night <= 3; night++ {
		var ran, skipped atomic.Int32
		var wg sync.WaitGroup
		var mu sync.Mutex
		var held *embedis.Lease
		for p := 0; p < 3; p++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lease, err := locks.TryLock(ctx, "nightly-report")
				switch {
				case errors.Is(err, embedis.ErrLockHeld):
					skipped.Add(1)
					return
				case err != nil:
					log.Fatal(err)
				}
				ran.Add(1)
				if err := store.save(lease.Token(), fmt.Sprintf("report of night %d", night)); err != nil {
					log.Fatal(err)
				}
				mu.Lock()
				held = lease
				mu.Unlock()
			}()
		}
		wg.Wait()
		fmt.Printf("night %d: %d process built the report (token %d), %d skipped\n", night, ran.Load(), held.Token(), skipped.Load())
		// The winner releases after its work; the lease would expire by
		// itself 30 s later if the process had died instead.
		if err := held.Release(ctx); err != nil {
			log.Fatal(err)
		}
		clock.Advance(24 * time.Hour)
	}

	// A long job: two minutes of work under a 30 s lease. KeepAlive renews it
	// every 10 s (a third of the TTL); the other processes keep skipping.
	lease, err := locks.TryLock(ctx, "nightly-report")
	if err != nil {
		log.Fatal(err)
	}
	lost := lease.KeepAlive(ctx)
	refused := 0
	for elapsed := 0; elapsed < 120; elapsed += 5 {
		clock.Advance(5 * time.Second)
		if _, err := locks.TryLock(ctx, "nightly-report"); errors.Is(err, embedis.ErrLockHeld) {
			refused++
		}
	}
	ttl, err := lease.TTL(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.save(lease.Token(), "the long report"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("long job: held for 2m under a 30s lease (%d takeovers refused, %v left)\n", refused, ttl)
	if err := lease.Release(ctx); err != nil {
		log.Fatal(err)
	}
	if err, open := <-lost; open {
		log.Fatal(err)
	}
	fmt.Println("long job: released; KeepAlive stopped")

	// A paused holder: the process stalls (a GC pause, a frozen VM) for
	// longer than its lease without KeepAlive running. Another process takes
	// the lock and saves; when the first one resumes it still believes it
	// holds the lock — only the token tells the store it does not.
	slow, err := locks.TryLock(ctx, "nightly-report")
	if err != nil {
		log.Fatal(err)
	}
	clock.Advance(45 * time.Second) // the pause
	fast, err := locks.TryLock(ctx, "nightly-report")
	if err != nil {
		log.Fatal(err)
	}
	if err := store.save(fast.Token(), "report by the second process"); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("pause: the lease (token %d) expired; another process took over with token %d\n", slow.Token(), fast.Token())
	err = store.save(slow.Token(), "report by the paused process")
	fmt.Println("pause: the paused process's write:", err)
	fmt.Println("pause: its Release:", slow.Release(ctx))
	if err := fast.Release(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("saved %d reports\n", len(store.saved))
}
