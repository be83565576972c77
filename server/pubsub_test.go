package server_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/resp"
)

// TestDiffPubSub compares pub/sub across connections with redis-server, in
// RESP2 and RESP3: the confirmation replies and their counts, messages,
// pattern messages (a channel and a matching pattern: two deliveries),
// shard messages, PUBLISH's counts, PUBSUB's introspection, unsubscribing
// with and without arguments, a RESP3 subscriber's replies mixed with its
// pushes (a message to itself comes before the reply of the PUBLISH that
// sent it), and the subscriptions dropped when a subscriber goes away.
func TestDiffPubSub(t *testing.T) {
	s := startBoth(t)
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			sub, pub := s.pair(t), s.pair(t)
			for _, p := range []*pair{sub, pub} {
				p.sendBoth("HELLO", proto)
				p.redis.read(t)
				p.embed.read(t)
			}
			// expect sends args on p and compares n replies.
			expect := func(p *pair, n int, args ...string) {
				t.Helper()
				p.sendBoth(args...)
				for i := 0; i < n; i++ {
					p.compareNext(fmt.Sprintf("%q reply %d", args, i))
				}
			}
			// publish publishes on pub and compares the reply, then the n
			// messages sub receives, compared sorted: Redis leaves the order
			// of the patterns' messages unspecified (it walks a dict; the
			// channel's comes first, which the root package's tests check).
			publish := func(n int, args ...string) {
				t.Helper()
				expect(pub, 1, args...)
				var want, got []string
				for i := 0; i < n; i++ {
					w, g := sub.redis.read(t).String(), sub.embed.read(t).String()
					compared.Add(1)
					want, got = append(want, w), append(got, g)
				}
				sort.Strings(want)
				sort.Strings(got)
				if !slices.Equal(want, got) {
					t.Fatalf("messages of %q:\n redis:   %q\n embedis: %q", args, want, got)
				}
			}
			expect(sub, 3, "SUBSCRIBE", "a", "b", "a")
			expect(sub, 2, "PSUBSCRIBE", "a*", "a?")
			expect(sub, 1, "PSUBSCRIBE", "a*")
			expect(sub, 2, "SSUBSCRIBE", "s1", "s2")
			publish(2, "PUBLISH", "a", "hello")          // channel, then a*
			publish(1, "PUBLISH", "b", "")               // channel only
			publish(2, "PUBLISH", "ax", "x")             // both patterns
			publish(1, "PUBLISH", "abc", "x")            // a* only
			publish(0, "PUBLISH", "zzz", "x")            // nobody
			publish(1, "SPUBLISH", "s1", "shard")        // shard
			publish(0, "SPUBLISH", "a", "not a channel") // shard channels are apart
			publish(2, "PUBLISH", "ab", "bin\r\nary\x00")
			expect(pub, 1, "PUBSUB", "NUMSUB", "a", "b", "c", "s1")
			expect(pub, 1, "PUBSUB", "SHARDNUMSUB", "s1", "a")
			expect(pub, 1, "PUBSUB", "NUMPAT")
			pub.sorted["PUBSUB"] = true
			pub.do("PUBSUB", "CHANNELS")
			pub.do("PUBSUB", "CHANNELS", "?")
			pub.do("PUBSUB", "SHARDCHANNELS")
			// A second subscriber of a: counted by PUBLISH.
			other := s.pair(t)
			expect(other, 1, "SUBSCRIBE", "a")
			publish(2, "PUBLISH", "a", "two subscribers")
			other.compareNext("other's message")
			if proto == "3" {
				// Replies and pushes on one connection, in order.
				expect(sub, 1, "SET", "k", "v")
				expect(sub, 2, "PUBLISH", "b", "to myself")
				expect(sub, 1, "GET", "k")
			}
			expect(sub, 1, "UNSUBSCRIBE", "a")
			expect(sub, 2, "UNSUBSCRIBE", "nosuch", "b")
			expect(sub, 1, "UNSUBSCRIBE") // none left: a null channel
			expect(sub, 1, "PUNSUBSCRIBE", "a?")
			publish(1, "PUBLISH", "a", "pattern left")
			expect(sub, 1, "PUNSUBSCRIBE")
			expect(sub, 1, "PUNSUBSCRIBE")
			expect(sub, 1, "SUNSUBSCRIBE", "s2")
			expect(sub, 1, "SUNSUBSCRIBE")
			expect(sub, 1, "PING") // out of subscribed mode
			expect(sub, 1, "SUBSCRIBE", "gone")
			expect(pub, 1, "PUBSUB", "NUMSUB", "gone", "a")
			// A subscriber that goes away holds nothing.
			sub.redis.c.Close()
			sub.embed.c.Close()
			other.redis.c.Close()
			other.embed.c.Close()
			deadline := time.Now().Add(10 * time.Second)
			for {
				pub.sendBoth("PUBSUB", "NUMSUB", "gone", "a")
				want, got := pub.redis.read(t), pub.embed.read(t)
				if want.String() == got.String() && strings.HasSuffix(want.String(), ":0]") && strings.Count(want.String(), ":0") == 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("subscriptions left after the subscribers closed: redis %s, embedis %s", want, got)
				}
				time.Sleep(5 * time.Millisecond)
			}
			expect(pub, 1, "PUBLISH", "gone", "x")
		})
	}
}

// TestDiffPubSubConfig: CONFIG SET and GET of client-output-buffer-limit's
// pubsub class, as redis-server parses and shows it.
func TestDiffPubSubConfig(t *testing.T) {
	s := startBoth(t)
	p := s.pair(t)
	for _, c := range [][]string{
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 30"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub x 512kb 30"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1 2 -1"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsob 1 2 3"},
		{"CONFIG", "SET", "client-output-buffer-limit", "PubSub 0 0 0"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
		{"CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60"},
		{"CONFIG", "GET", "client-output-buffer-limit"},
	} {
		p.do(c...)
	}
}

// TestPubSubSlowSubscriberDisconnected: a subscriber over the wire that
// never reads is disconnected when its pending messages pass the pubsub
// hard limit, as Redis does; the publisher is never held up (every PUBLISH
// is answered), the 100 subscribers that read (10 under the race detector
// or -short) get every message in order, and the slow one's subscriptions
// are gone. (The million messages of issue 16 are TestPubSubSlowSubscriber's,
// through the Store: over the wire each reader would parse a gigabyte.)
func TestPubSubSlowSubscriberDisconnected(t *testing.T) {
	srv := embedistest.Run(t)
	pub := dialWire(t, "tcp", srv.Addr)
	pub.send("CONFIG", "SET", "client-output-buffer-limit", "pubsub 256kb 0 0")
	if r := pub.read(t); r.Str != "OK" {
		t.Fatalf("CONFIG SET: %s", r)
	}
	slowConn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer slowConn.Close()
	slowConn.(*net.TCPConn).SetReadBuffer(4096)
	slow := &wire{c: slowConn, r: bufio.NewReader(slowConn)}
	slow.send("SUBSCRIBE", "ch")
	slow.read(t)
	// The slow one also holds 15 patterns that match "ch", so that it is
	// sent 16 copies of each message: 32 MB, far more than the kernel's
	// socket buffers hold, while each reader parses 2 MB.
	patterns := []string{"c*", "*h", "ch*", "*ch", "?h", "c?", "[c]h", "c[h]", "*", "**", "?*", "*?", "[a-z]h", "c[a-z]", "[c-d][h-i]"}
	slow.send(append([]string{"PSUBSCRIBE"}, patterns...)...)
	for range patterns {
		slow.read(t)
	}
	copies := int64(1 + len(patterns))

	// Issue 16 asks for 100 readers; under the race detector and with
	// -short, 10.
	const msgs, round = 2_000, 64
	fast := 100
	if raceEnabled || testing.Short() {
		fast = 10
	}
	payload := strings.Repeat("x", 1000)
	progress := make([]atomic.Int64, fast)
	var wg sync.WaitGroup
	errs := make(chan error, fast)
	for i := 0; i < fast; i++ {
		w := dialWire(t, "tcp", srv.Addr)
		w.send("SUBSCRIBE", "ch")
		w.read(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < msgs; j++ {
				w.c.SetReadDeadline(time.Now().Add(30 * time.Second))
				r, err := resp.ReadReply(w.r)
				if err != nil {
					errs <- err
					return
				}
				if len(r.Elems) != 3 || r.Elems[2].Str != strconv.Itoa(j)+payload {
					errs <- fmt.Errorf("message %d: %.60s", j, r)
					return
				}
				progress[i].Store(int64(j + 1))
			}
		}()
	}
	minCount, maxCount := int64(1<<62), int64(0)
	for i := 0; i < msgs; i++ {
		// The readers share the machine with the publisher and parse five
		// times what it sends: the test lets them stay within a round of
		// 64 KB (a quarter of the limit), as readers that keep up do.
		for j := range progress {
			for i%round == 0 && progress[j].Load() < int64(i-round) {
				time.Sleep(100 * time.Microsecond)
			}
		}
		pub.send("PUBLISH", "ch", strconv.Itoa(i)+payload)
		r := pub.read(t)
		minCount, maxCount = min(minCount, r.Int), max(maxCount, r.Int)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if maxCount != int64(fast)+copies || minCount != int64(fast) {
		t.Errorf("PUBLISH counted %d to %d receivers; want %d, then %d once the slow one is cut off", maxCount, minCount, int64(fast)+copies, fast)
	}
	// The slow one is gone on the server's side: not a client any more,
	// not a subscriber. (What reaches it of the bytes its kernel buffers
	// held when it was closed is the kernel's business.)
	pub.send("CLIENT", "LIST")
	list := pub.read(t).Str
	if strings.Count(list, "flags=P") != fast || strings.Count(list, "\n") != fast+1 {
		t.Errorf("CLIENT LIST after the cut:\n%s", list)
	}
	pub.send("PUBSUB", "NUMSUB", "ch")
	if r := pub.read(t); r.String() != fmt.Sprintf(`*[$"ch", :%d]`, fast) {
		t.Errorf("NUMSUB after the cut: %s", r)
	}
	pub.send("PUBSUB", "NUMPAT")
	if r := pub.read(t); r.Int != 0 {
		t.Errorf("NUMPAT after the cut: %s", r)
	}
	t.Logf("%d messages of 1 KB: %d readers got all, the slow one was disconnected", msgs, fast)
}

// TestPubSubSoftLimitSeconds: over the soft limit (and under the hard one)
// for less than its seconds, a subscriber stays connected; with 0 seconds,
// a message over the soft limit in a later second than the first one over
// it cuts it off, as Redis counts.
func TestPubSubSoftLimitSeconds(t *testing.T) {
	for _, c := range []struct {
		limit string
		cut   bool
	}{{"pubsub 0 64kb 3600", false}, {"pubsub 0 64kb 0", true}} {
		t.Run(c.limit, func(t *testing.T) {
			srv := embedistest.Run(t)
			pub := dialWire(t, "tcp", srv.Addr)
			pub.send("CONFIG", "SET", "client-output-buffer-limit", c.limit)
			pub.read(t)
			slowConn, err := net.Dial("tcp", srv.Addr)
			if err != nil {
				t.Fatal(err)
			}
			defer slowConn.Close()
			slowConn.(*net.TCPConn).SetReadBuffer(4096)
			slow := &wire{c: slowConn, r: bufio.NewReader(slowConn)}
			slow.send("SUBSCRIBE", "ch")
			slow.read(t)
			payload := strings.Repeat("y", 10_000)
			start := time.Now()
			for i := 0; ; i++ {
				pub.send("PUBLISH", "ch", payload)
				n := pub.read(t).Int
				if n == 0 {
					if !c.cut {
						t.Fatalf("cut off after %d messages of 10 KB", i)
					}
					break
				}
				// Redis counts the soft limit's seconds on the clock: a
				// second and a bit is past any 0-second allowance.
				if elapsed := time.Since(start); !c.cut && i >= 3000 && elapsed > 1100*time.Millisecond {
					break // 30 MB, far past any socket buffer, and still connected
				} else if c.cut && elapsed > 30*time.Second {
					t.Fatalf("still connected after %d messages of 10 KB over %v", i, elapsed)
				}
			}
			slow.c.Close()
		})
	}
}

// TestPubSubResetAndQuit: RESET leaves subscribed mode and drops the
// subscriptions; the server's store sees them come and go.
func TestPubSubResetAndQuit(t *testing.T) {
	srv := embedistest.Run(t)
	w := dialWire(t, "tcp", srv.Addr)
	w.send("PSUBSCRIBE", "x*")
	w.read(t)
	if n, _ := srv.Store.PubSubNumPat(context.Background()); n != 1 {
		t.Fatalf("NUMPAT = %d", n)
	}
	w.send("RESET")
	if r := w.read(t); r.Str != "RESET" {
		t.Fatalf("RESET: %s", r)
	}
	if n, _ := srv.Store.PubSubNumPat(context.Background()); n != 0 {
		t.Errorf("NUMPAT after RESET = %d", n)
	}
	// A Go subscriber and a wire publisher meet.
	sn, err := srv.Store.Subscribe(context.Background(), "go")
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	w.send("PUBLISH", "go", "from the wire")
	if r := w.read(t); r.Int != 1 {
		t.Errorf("PUBLISH = %s", r)
	}
	if m := <-sn.Channel(); m.Payload != "from the wire" {
		t.Errorf("Go subscriber got %+v", m)
	}
}

// TestDiffKeyspaceNotifications: CONFIG SET notify-keyspace-events on both
// servers, a subscriber to "__key*@*__:*" on each, in RESP2 and RESP3, and
// a run of commands over several databases: the message streams are
// compared exactly (a "mark" published after each command ends its
// stream). Then a key expired by each server's own active expiry (embedis's
// clock advanced, redis-server's real time) is published as "expired" to
// both subscribers.
func TestDiffKeyspaceNotifications(t *testing.T) {
	s := startBoth(t)
	for _, proto := range []string{"2", "3"} {
		t.Run("RESP"+proto, func(t *testing.T) {
			sub, cmd := s.pair(t), s.pair(t)
			sub.sendBoth("HELLO", proto)
			sub.redis.read(t)
			sub.embed.read(t)
			cmd.do("FLUSHALL")
			cmd.do("CONFIG", "SET", "notify-keyspace-events", "KEA")
			cmd.do("CONFIG", "GET", "notify-keyspace-events")
			sub.sendBoth("PSUBSCRIBE", "__key*@*__:*", "mark")
			sub.compareNext("PSUBSCRIBE 1")
			sub.compareNext("PSUBSCRIBE 2")
			messages := func(w *wire) []string {
				var out []string
				for {
					r := w.read(t)
					if len(r.Elems) == 4 && r.Elems[2].Str == "mark" {
						return out
					}
					out = append(out, r.String())
				}
			}
			total := 0
			for i, c := range [][]string{
				{"SET", "k", "v"}, {"APPEND", "k", "x"}, {"EXPIRE", "k", "100"}, {"PERSIST", "k"}, {"RENAME", "k", "k2"},
				{"LPUSH", "l", "a", "b"}, {"RPOP", "l", "2"}, {"SELECT", "1"}, {"SET", "x", "1"}, {"INCRBY", "x", "2"},
				{"HSET", "h", "f", "v"}, {"HDEL", "h", "f"}, {"SADD", "s", "a"}, {"ZADD", "z", "1", "m"}, {"MOVE", "x", "0"},
				{"DEL", "nosuch"}, {"GET", "nosuch"}, {"FLUSHDB"}, {"SELECT", "0"},
			} {
				cmd.do(c...)
				cmd.do("PUBLISH", "mark", strconv.Itoa(i))
				want, got := messages(sub.redis), messages(sub.embed)
				compared.Add(int64(len(want)))
				if !slices.Equal(want, got) {
					t.Fatalf("%q: messages\n redis:   %q\n embedis: %q", c, want, got)
				}
				total += len(want)
			}
			// Active expiry.
			cmd.do("SET", "e", "v", "PX", "20")
			want, got := readN(t, sub.redis, 4), readN(t, sub.embed, 4) // set, expire
			if !slices.Equal(want, got) {
				t.Fatalf("SET e: messages\n redis:   %q\n embedis: %q", want, got)
			}
			time.Sleep(200 * time.Millisecond) // redis-server's active expiry runs 10 times a second
			s.embed.Clock.Advance(time.Second)
			want, got = readN(t, sub.redis, 2), readN(t, sub.embed, 2)
			if !slices.Equal(want, got) || !strings.Contains(want[0], "expired") {
				t.Fatalf("active expiry: messages\n redis:   %q\n embedis: %q", want, got)
			}
			cmd.do("CONFIG", "SET", "notify-keyspace-events", "")
			sub.sendBoth("PUNSUBSCRIBE")
			sub.compareNext("PUNSUBSCRIBE 1")
			sub.compareNext("PUNSUBSCRIBE 2")
			t.Logf("%d keyspace messages compared", total+6)
		})
	}
}

// readN reads n replies or messages (each within 10 s), as text.
func readN(t *testing.T, w *wire, n int) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, w.read(t).String())
	}
	return out
}

// TestNormalSoftLimitSeconds: client-output-buffer-limit's normal class is
// honoured with its soft limit and seconds: replies over the soft limit in
// batches spread over more than its seconds disconnect the client; under a
// soft limit of an hour, they do not.
func TestNormalSoftLimitSeconds(t *testing.T) {
	for _, c := range []struct {
		limit string
		cut   bool
	}{{"normal 0 64kb 3600", false}, {"normal 0 64kb 0", true}} {
		t.Run(c.limit, func(t *testing.T) {
			srv := embedistest.Run(t)
			w := dialWire(t, "tcp", srv.Addr)
			w.send("SET", "big", strings.Repeat("z", 100_000))
			w.read(t)
			w.send("CONFIG", "SET", "client-output-buffer-limit", c.limit)
			w.read(t)
			start := time.Now()
			for i := 0; ; i++ {
				w.send("GET", "big")
				w.c.SetReadDeadline(time.Now().Add(10 * time.Second))
				_, err := resp.ReadReply(w.r)
				if err != nil {
					if !c.cut {
						t.Fatalf("disconnected after %d replies of 100 KB: %v", i, err)
					}
					return
				}
				// Redis counts the seconds on the clock: two of them have
				// passed once a second and a bit has.
				if elapsed := time.Since(start); !c.cut && (i >= 50 && elapsed > 1100*time.Millisecond) {
					return
				} else if c.cut && elapsed > 30*time.Second {
					t.Fatalf("still connected after %d replies of 100 KB over %v", i, elapsed)
				}
			}
		})
	}
}
