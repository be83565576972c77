// Command worker runs a job queue on embedis's StreamWorker: a web service
// enqueues thumbnail jobs, three workers (goroutines here, standing for
// three processes) share them through one consumer group, and the program
// shows what the worker does when things go wrong:
//
//   - The worker that takes img-007.png dies in the middle of it (its
//     context is cancelled): the job stays pending, and once it has been
//     idle for ClaimAfter another worker claims it and does it.
//   - One job fails for a while (the image store is busy): it is retried
//     after ClaimAfter, counted, until it succeeds.
//   - One job can never succeed (a corrupt upload): after MaxDeliveries
//     deliveries it is moved to the dead-letter stream, with its origin ID
//     and delivery count, for a person to look at.
//   - The other workers stop gracefully: what they hold and did not do is
//     handed back to the group.
//
// Run it with:
//
//	go run ./examples/worker
//
// Every printed line is a count or a job's name, never which worker won a
// race, so the output is the same on every run. On several machines, build
// the workers on goredis.New(client) instead of embedis.Embedded(store):
// the rest of the code is the same.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// thumbnails is what the jobs produce: the set of images done.
type thumbnails struct {
	mu   sync.Mutex
	done map[string]int
}

func (t *thumbnails) save(image string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done[image]++
}

func (t *thumbnails) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.done)
}

func main() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	backend := embedis.Embedded(s)

	const jobs = 100
	out := &thumbnails{done: map[string]int{}}
	var busy atomic.Int64         // failures of the job that fails for a while
	dying := make(chan string, 1) // the worker that takes img-007.png first dies

	handler := func(name string) embedis.StreamHandler {
		return func(ctx context.Context, d embedis.StreamDelivery) error {
			image := d.Map()["image"]
			switch {
			case image == "img-007.png" && d.Deliveries == 1:
				// This worker dies in the middle of the job: it waits until
				// its context ends, as a process does not return from a
				// crash.
				dying <- name
				<-ctx.Done()
				return ctx.Err()
			case image == "img-042.png" && d.Deliveries < 3:
				busy.Add(1)
				return errors.New("image store busy")
			case image == "corrupt.png":
				return errors.New("not an image")
			}
			out.save(image)
			return nil
		}
	}
	newWorker := func(name string) *embedis.StreamWorker {
		w, err := embedis.NewStreamWorker(backend, "thumbs", embedis.StreamWorkerOptions{
			Streams:       []string{"uploads"},
			Consumer:      name,
			Batch:         5,
			ClaimAfter:    200 * time.Millisecond,
			MaxDeliveries: 4,
			Handler:       handler(name),
		})
		if err != nil {
			log.Fatal(err)
		}
		return w
	}

	// The web service's side: enqueue the jobs.
	producer := newWorker("producer") // Add only; never run
	for i := 0; i < jobs; i++ {
		if _, err := producer.Add(ctx, "uploads", "image", fmt.Sprintf("img-%03d.png", i)); err != nil {
			log.Fatal(err)
		}
	}
	if _, err := producer.Add(ctx, "uploads", "image", "corrupt.png"); err != nil {
		log.Fatal(err)
	}

	// Three workers, each on a context that is cancelled if it dies.
	names := []string{"w1", "w2", "w3"}
	workers := map[string]*embedis.StreamWorker{}
	results := map[string]chan error{}
	kill := map[string]context.CancelFunc{}
	for _, name := range names {
		w := newWorker(name)
		workers[name] = w
		result := make(chan error, 1)
		results[name] = result
		var runCtx context.Context
		runCtx, kill[name] = context.WithCancel(ctx)
		go func() { result <- w.Run(runCtx) }()
	}
	died := <-dying
	kill[died]()
	fmt.Println("a worker died:", <-results[died])

	// Wait until every job is done or dead-lettered.
	dead := producer.DeadLetterKey("uploads")
	for {
		n, _ := s.XLen(ctx, dead)
		if out.count() == jobs && n == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, name := range names {
		if name == died {
			continue
		}
		stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := workers[name].Stop(stopCtx)
		cancel()
		kill[name]()
		fmt.Printf("a worker stopped: %v, Run returned %v\n", err, <-results[name])
	}

	fmt.Println("thumbnails made:", out.count(), "of", jobs)
	fmt.Println("img-042.png failed", busy.Load(), "times before it succeeded")
	letters, err := s.XRange(ctx, dead, "-", "+")
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range letters {
		m := l.Map()
		fmt.Printf("dead letter: %s after %s deliveries\n", m["image"], m[embedis.DeadLetterDeliveriesField])
	}
	pending, err := s.XPending(ctx, producer.Key("uploads"), producer.Group())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("still pending:", pending.Count)
	var twice []string
	for image, n := range out.done {
		if n > 1 {
			twice = append(twice, image)
		}
	}
	sort.Strings(twice)
	// At-least-once: a job is done twice only if its handler outlived
	// ClaimAfter, which these never do.
	fmt.Println("done twice:", twice)
}
