package embedis_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

// A StreamWorker on the embedded store: orders are handled in turn, one
// whose handler fails is retried once it has been pending for ClaimAfter,
// and one that keeps failing goes to the dead-letter stream after
// MaxDeliveries. goredis.New(client) in place of embedis.Embedded(s) runs
// the same worker on a Redis server or Cluster.
func ExampleStreamWorker() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	paid := make(chan struct{})
	w, err := embedis.NewStreamWorker(embedis.Embedded(s), "orders", embedis.StreamWorkerOptions{
		Streams:       []string{"eu"},
		ClaimAfter:    20 * time.Millisecond,
		MaxDeliveries: 2,
		Handler: func(ctx context.Context, d embedis.StreamDelivery) error {
			order := d.Map()["order"]
			fmt.Printf("order %s, delivery %d\n", order, d.Deliveries)
			switch {
			case order == "2" && d.Deliveries == 1:
				return errors.New("payment service busy") // retried
			case order == "4":
				return errors.New("no such customer") // dead-lettered
			case order == "2":
				close(paid)
			}
			return nil
		},
	})
	if err != nil {
		panic(err)
	}
	for _, order := range []string{"1", "2", "3", "4"} {
		if _, err := w.Add(ctx, "eu", "order", order); err != nil {
			panic(err)
		}
	}
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	<-paid
	for n := int64(0); n == 0; n, _ = s.XLen(ctx, w.DeadLetterKey("eu")) {
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("stop:", w.Stop(ctx), <-done)
	dead, _ := s.XRange(ctx, w.DeadLetterKey("eu"), "-", "+")
	m := dead[0].Map()
	fmt.Println("dead letter: order", m["order"], "after", m[embedis.DeadLetterDeliveriesField], "deliveries")
	pending, _ := s.XPending(ctx, w.Key("eu"), w.Group())
	fmt.Println("pending:", pending.Count)
	// Output:
	// order 1, delivery 1
	// order 2, delivery 1
	// order 3, delivery 1
	// order 4, delivery 1
	// order 2, delivery 2
	// order 4, delivery 2
	// stop: <nil> <nil>
	// dead letter: order 4 after 2 deliveries
	// pending: 0
}
