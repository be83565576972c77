package bench

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// Publish fan-out: one publisher, PUBLISH of a 64-byte message on one
// channel with 1, 100 and 1,000 subscribers that all read every message.
// Each op is one PUBLISH; the benchmark waits until every subscriber has
// received every message, and reports deliveries/s (messages received, all
// subscribers together, per second) next to ns/op. Three ways side by side:
// embedis in process (Store.Publish, Store.Subscribe), embedis-server and
// redis-server, each over go-redis on a Unix socket (PubSub.Channel per
// subscriber). The servers' pubsub output limit is lifted (CONFIG SET
// client-output-buffer-limit "pubsub 0 0 0"), and the in-process
// subscriptions buffer as much, so that no subscriber is cut off: what is
// measured is delivery, not the limit.
//
//	cd bench && go test -run '^$' -bench 'PublishFanOut' -benchtime 20000x -count 3
func BenchmarkPublishFanOut(b *testing.B) {
	payload := string(make([]byte, 64))
	for _, subs := range []int{1, 100, 1000} {
		name := "subs=" + strconv.Itoa(subs)
		b.Run(name+"/embedded", func(b *testing.B) {
			s, err := embedis.Open(embedis.Options{SubscriptionBuffer: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			var got atomic.Int64
			var wg sync.WaitGroup
			for i := 0; i < subs; i++ {
				sn, err := s.Subscribe(ctx, "ch")
				if err != nil {
					b.Fatal(err)
				}
				defer sn.Close()
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; n < b.N; n++ {
						if _, ok := <-sn.Channel(); !ok {
							b.Errorf("subscription ended: %v", sn.Err())
							return
						}
						got.Add(1)
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.Publish(ctx, "ch", payload); err != nil {
					b.Fatal(err)
				}
			}
			wg.Wait()
			reportDeliveries(b, got.Load())
		})
		b.Run(name+"/embedis-server", func(b *testing.B) {
			p := startEmbedisServer(b)
			fanOutOverGoRedis(b, p.sock, subs, payload)
		})
		b.Run(name+"/redis", func(b *testing.B) {
			srv := redistest.Start(b)
			fanOutOverGoRedis(b, srv.Socket, subs, payload)
		})
	}
}

// fanOutOverGoRedis runs the benchmark's loop against a server on a Unix
// socket: subs go-redis PubSubs reading their channels, one client
// publishing.
func fanOutOverGoRedis(b *testing.B, sock string, subs int, payload string) {
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer rc.Close()
	if err := rc.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 0 0 0").Err(); err != nil {
		b.Fatal(err)
	}
	var got atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < subs; i++ {
		ps := rc.Subscribe(ctx, "ch")
		if _, err := ps.Receive(ctx); err != nil { // the confirmation
			b.Fatal(err)
		}
		defer ps.Close()
		ch := ps.Channel(redis.WithChannelSize(1000), redis.WithChannelSendTimeout(time.Minute))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < b.N; n++ {
				select {
				case <-ch:
					got.Add(1)
				case <-time.After(time.Minute):
					b.Errorf("a subscriber got %d of %d messages", n, b.N)
					return
				}
			}
		}()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n, err := rc.Publish(ctx, "ch", payload).Result()
		if err != nil {
			b.Fatal(err)
		}
		if n != int64(subs) {
			b.Fatalf("PUBLISH reached %d of %d subscribers", n, subs)
		}
	}
	wg.Wait()
	reportDeliveries(b, got.Load())
}

func reportDeliveries(b *testing.B, n int64) {
	b.StopTimer()
	if sec := b.Elapsed().Seconds(); sec > 0 {
		b.ReportMetric(float64(n)/sec, "deliveries/s")
	}
}

// BenchmarkSetNotify: the cost of keyspace notifications on SET throughput:
// notify-keyspace-events off, "KEA" with nobody listening (each SET
// publishes two messages, to no subscriber), and "KEA" with one subscriber
// to "__key*@*__:*" that reads every message (the benchmark waits for the
// last one). Three ways side by side: embedded (Store.Set, a Go
// PSubscribe), embedis-server and redis-server over go-redis on a Unix
// socket (one client sending SETs one at a time). The subscriber's output
// limit is lifted, as in BenchmarkPublishFanOut.
//
//	cd bench && go test -run '^$' -bench 'SetNotify' -benchtime 1s -count 3
func BenchmarkSetNotify(b *testing.B) {
	for _, mode := range []struct {
		name, classes string
		listen        bool
	}{{"notify=off", "", false}, {"notify=KEA", "KEA", false}, {"notify=KEA+subscriber", "KEA", true}} {
		b.Run(mode.name+"/embedded", func(b *testing.B) {
			s, err := embedis.Open(embedis.Options{NotifyKeyspaceEvents: mode.classes, SubscriptionBuffer: 1 << 30})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			var done chan struct{}
			if mode.listen {
				sn, err := s.PSubscribe(ctx, "__key*@*__:*")
				if err != nil {
					b.Fatal(err)
				}
				defer sn.Close()
				done = make(chan struct{})
				go func() {
					defer close(done)
					for n := 0; n < 2*b.N; n++ {
						if _, ok := <-sn.Channel(); !ok {
							b.Errorf("subscription ended after %d messages: %v", n, sn.Err())
							return
						}
					}
				}()
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := s.Set(ctx, keys[i%nKeys], value16, 0); err != nil {
					b.Fatal(err)
				}
			}
			if done != nil {
				<-done
			}
		})
		b.Run(mode.name+"/embedis-server", func(b *testing.B) {
			p := startEmbedisServer(b)
			setNotifyOverGoRedis(b, p.sock, mode.classes, mode.listen)
		})
		b.Run(mode.name+"/redis", func(b *testing.B) {
			srv := redistest.Start(b)
			setNotifyOverGoRedis(b, srv.Socket, mode.classes, mode.listen)
		})
	}
}

// setNotifyOverGoRedis runs BenchmarkSetNotify's loop against a server on a
// Unix socket, with a go-redis pattern subscriber reading every
// notification if listen is set.
func setNotifyOverGoRedis(b *testing.B, sock, classes string, listen bool) {
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: sock})
	defer rc.Close()
	if err := rc.ConfigSet(ctx, "notify-keyspace-events", classes).Err(); err != nil {
		b.Fatal(err)
	}
	if err := rc.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 0 0 0").Err(); err != nil {
		b.Fatal(err)
	}
	var done chan struct{}
	if listen {
		ps := rc.PSubscribe(ctx, "__key*@*__:*")
		if _, err := ps.Receive(ctx); err != nil { // the confirmation
			b.Fatal(err)
		}
		defer ps.Close()
		ch := ps.Channel(redis.WithChannelSize(1000), redis.WithChannelSendTimeout(time.Minute))
		done = make(chan struct{})
		go func() {
			defer close(done)
			for n := 0; n < 2*b.N; n++ {
				select {
				case <-ch:
				case <-time.After(time.Minute):
					b.Errorf("the subscriber got %d of %d messages", n, 2*b.N)
					return
				}
			}
		}()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := rc.Set(ctx, keys[i%nKeys], value16, 0).Err(); err != nil {
			b.Fatal(err)
		}
	}
	if done != nil {
		<-done
	}
}
