package compat

import (
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/redis/go-redis/v9"
)

// TestGoRedisPubSub: go-redis's PubSub against embedis-server, in RESP2,
// RESP3 and through the in-memory dialer: channel and pattern
// subscriptions (a message matching both arrives twice), keyspace
// notifications, and the reconnect go-redis makes after the server cuts
// the subscriber off (CLIENT KILL TYPE pubsub), resubscribing on its own.
func TestGoRedisPubSub(t *testing.T) {
	srv := embedistest.Run(t)
	for name, rdb := range clients(t, srv) {
		t.Run(name, func(t *testing.T) {
			news := "news:" + name // the subtests' subscribers, closed, may linger a moment
			ps := rdb.Subscribe(ctx, news)
			defer ps.Close()
			if err := ps.PSubscribe(ctx, news+"*", "__keyevent@0__:*"); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 3; i++ { // the confirmations
				if _, err := ps.Receive(ctx); err != nil {
					t.Fatal(err)
				}
			}
			ch := ps.Channel()
			next := func() *redis.Message {
				t.Helper()
				select {
				case m := <-ch:
					return m
				case <-time.After(10 * time.Second):
					t.Fatal("no message after 10 s")
				}
				return nil
			}
			if n, err := rdb.Publish(ctx, news, "hello").Result(); err != nil || n != 2 {
				t.Fatalf("PUBLISH = %d, %v", n, err)
			}
			if m := next(); m.Channel != news || m.Pattern != "" || m.Payload != "hello" {
				t.Errorf("message: %+v", m)
			}
			if m := next(); m.Channel != news || m.Pattern != news+"*" || m.Payload != "hello" {
				t.Errorf("pattern message: %+v", m)
			}
			if err := rdb.ConfigSet(ctx, "notify-keyspace-events", "E$").Err(); err != nil {
				t.Fatal(err)
			}
			rdb.Set(ctx, "k", "v", 0)
			if m := next(); m.Channel != "__keyevent@0__:set" || m.Payload != "k" {
				t.Errorf("keyspace notification: %+v", m)
			}
			rdb.ConfigSet(ctx, "notify-keyspace-events", "")
			// Cut off: go-redis reconnects and subscribes again.
			if err := rdb.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
				t.Fatal(err)
			}
			// Publish until the new connection is subscribed and gets one;
			// its pattern twin follows.
			deadline := time.Now().Add(20 * time.Second)
			for i := 0; ; i++ {
				payload := "again " + strconv.Itoa(i)
				if err := rdb.Publish(ctx, news, payload).Err(); err != nil {
					t.Fatal(err)
				}
				var m *redis.Message
				select {
				case m = <-ch:
				case <-time.After(100 * time.Millisecond):
				}
				if m == nil {
					if time.Now().After(deadline) {
						t.Fatal("go-redis did not resubscribe")
					}
					continue
				}
				if m.Payload != payload {
					t.Fatalf("after the reconnect: %+v, want %q", m, payload)
				}
				if m2 := next(); m2.Payload != payload || m2.Channel != news || (m.Pattern == "") == (m2.Pattern == "") {
					t.Errorf("after the reconnect: %+v then %+v", m, m2)
				}
				break
			}
			if n, err := rdb.Publish(ctx, news, "last").Result(); err != nil || n != 2 {
				t.Errorf("PUBLISH after the reconnect = %d, %v", n, err)
			}
		})
	}
}
