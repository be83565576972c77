package embedis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func openPubSub(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// recv takes the next message, failing after a generous wait (a hang is a
// failure, not a timing assertion).
func recv(t *testing.T, sn *Subscription) Message {
	t.Helper()
	select {
	case m, ok := <-sn.Channel():
		if !ok {
			t.Fatalf("subscription closed: %v", sn.Err())
		}
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message after 10 s")
	}
	return Message{}
}

// closedWith waits for the subscription's channel to close and returns Err.
func closedWith(t *testing.T, sn *Subscription) error {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-sn.Channel():
			if !ok {
				return sn.Err()
			}
		case <-deadline:
			t.Fatal("subscription still open after 10 s")
		}
	}
}

func TestPubSubOrderAndFanOut(t *testing.T) {
	s := openPubSub(t, Options{})
	const subs, msgs = 5, 2000
	var list []*Subscription
	for i := 0; i < subs; i++ {
		sn, err := s.Subscribe(ctx, "news", "other")
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, sn)
	}
	var wg sync.WaitGroup
	for _, sn := range list {
		wg.Add(1)
		go func(sn *Subscription) {
			defer wg.Done()
			for i := 0; i < msgs; i++ {
				m := <-sn.Channel()
				if m.Channel != "news" || m.Payload != strconv.Itoa(i) || m.Pattern != "" {
					t.Errorf("message %d: %+v", i, m)
					return
				}
			}
		}(sn)
	}
	for i := 0; i < msgs; i++ {
		n, err := s.Publish(ctx, "news", strconv.Itoa(i))
		if err != nil || n != subs {
			t.Fatalf("Publish = %d, %v; want %d receivers", n, err, subs)
		}
	}
	wg.Wait()
	if n, _ := s.Publish(ctx, "nobody", "x"); n != 0 {
		t.Errorf("Publish to a channel without subscribers = %d", n)
	}
	// Channels are the engine's, not a database's.
	if n, _ := s.DB(3).Publish(ctx, "news", "db3"); n != subs {
		t.Errorf("Publish from database 3 = %d, want %d", n, subs)
	}
	for _, sn := range list {
		if m := recv(t, sn); m.Payload != "db3" {
			t.Errorf("got %+v", m)
		}
	}
}

// TestPubSubPatternAndChannelTwice: a subscriber of a channel and of a
// pattern matching it gets the message twice, channel first, and Publish
// counts both; a second matching pattern adds a third delivery.
func TestPubSubPatternAndChannelTwice(t *testing.T) {
	s := openPubSub(t, Options{})
	ch, err := s.Subscribe(ctx, "user.1")
	if err != nil {
		t.Fatal(err)
	}
	pat, err := s.PSubscribe(ctx, "user.*", "user.?", "nomatch*")
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Publish(ctx, "user.1", "hello")
	if err != nil || n != 3 {
		t.Fatalf("Publish = %d, %v; want 3", n, err)
	}
	if m := recv(t, ch); m != (Message{Channel: "user.1", Payload: "hello"}) {
		t.Errorf("channel subscription got %+v", m)
	}
	got := []Message{recv(t, pat), recv(t, pat)}
	want := []Message{{Channel: "user.1", Pattern: "user.*", Payload: "hello"}, {Channel: "user.1", Pattern: "user.?", Payload: "hello"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pattern subscription got %+v, want %+v", got, want)
	}
	if n, _ := s.Publish(ctx, "user.10", "x"); n != 1 {
		t.Errorf("Publish to user.10 = %d, want 1 (user.* only)", n)
	}
	if m := recv(t, pat); m.Pattern != "user.*" || m.Channel != "user.10" {
		t.Errorf("got %+v", m)
	}
}

func TestPubSubShardChannelsApart(t *testing.T) {
	s := openPubSub(t, Options{})
	sh, err := s.SSubscribe(ctx, "orders")
	if err != nil {
		t.Fatal(err)
	}
	pat, err := s.PSubscribe(ctx, "*")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := s.SPublish(ctx, "orders", "o1"); n != 1 {
		t.Errorf("SPublish = %d, want 1 (patterns do not see shard channels)", n)
	}
	if n, _ := s.Publish(ctx, "orders", "o2"); n != 1 {
		t.Errorf("Publish = %d, want 1 (only the pattern)", n)
	}
	if m := recv(t, sh); m != (Message{Channel: "orders", Payload: "o1"}) {
		t.Errorf("shard subscription got %+v", m)
	}
	if m := recv(t, pat); m.Payload != "o2" {
		t.Errorf("pattern subscription got %+v", m)
	}
	chs, _ := s.PubSubShardChannels(ctx, "")
	nums, _ := s.PubSubShardNumSub(ctx, "orders", "x")
	if !reflect.DeepEqual(chs, []string{"orders"}) || !reflect.DeepEqual(nums, []int64{1, 0}) {
		t.Errorf("shard introspection: %q %v", chs, nums)
	}
}

func TestPubSubIntrospectionAndClose(t *testing.T) {
	s := openPubSub(t, Options{})
	a, _ := s.Subscribe(ctx, "a", "b")
	b, _ := s.Subscribe(ctx, "b", "b") // twice: subscribed once
	p1, _ := s.PSubscribe(ctx, "x*")
	p2, _ := s.PSubscribe(ctx, "x*", "y*")
	chs, _ := s.PubSubChannels(ctx, "")
	if !reflect.DeepEqual(chs, []string{"a", "b"}) {
		t.Errorf("PubSubChannels = %q", chs)
	}
	if chs, _ := s.PubSubChannels(ctx, "[a]"); !reflect.DeepEqual(chs, []string{"a"}) {
		t.Errorf("PubSubChannels([a]) = %q", chs)
	}
	if n, _ := s.PubSubNumSub(ctx, "a", "b", "c"); !reflect.DeepEqual(n, []int64{1, 2, 0}) {
		t.Errorf("PubSubNumSub = %v", n)
	}
	if n, _ := s.PubSubNumPat(ctx); n != 2 {
		t.Errorf("PubSubNumPat = %d, want 2 distinct patterns", n)
	}
	for _, sn := range []*Subscription{a, b, p1} {
		if err := sn.Close(); err != nil {
			t.Fatal(err)
		}
		if err := sn.Close(); err != nil { // idempotent
			t.Fatal(err)
		}
		if _, ok := <-sn.Channel(); ok {
			t.Error("channel open after Close")
		}
		if !errors.Is(sn.Err(), ErrSubscriptionClosed) {
			t.Errorf("Err after Close = %v", sn.Err())
		}
	}
	if chs, _ := s.PubSubChannels(ctx, "*"); len(chs) != 0 {
		t.Errorf("channels after Close: %q", chs)
	}
	if n, _ := s.PubSubNumPat(ctx); n != 2 {
		t.Errorf("PubSubNumPat = %d, want 2 (p2 holds both)", n)
	}
	if n, _ := s.Publish(ctx, "xx", "m"); n != 1 {
		t.Errorf("Publish after Close = %d, want 1", n)
	}
	if p2.Err() != nil {
		t.Errorf("open subscription's Err = %v", p2.Err())
	}
	if _, err := s.Subscribe(ctx); !errors.Is(err, ErrArity) {
		t.Errorf("Subscribe of nothing: %v", err)
	}
}

func TestPubSubContextEnds(t *testing.T) {
	s := openPubSub(t, Options{})
	c, cancel := context.WithCancel(ctx)
	sn, err := s.Subscribe(c, "ch")
	if err != nil {
		t.Fatal(err)
	}
	s.Publish(ctx, "ch", "before")
	if m := recv(t, sn); m.Payload != "before" {
		t.Fatalf("got %+v", m)
	}
	cancel()
	if err := closedWith(t, sn); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after cancel = %v", err)
	}
	// Unsubscribed by the time the channel closes.
	waitFor(t, func() bool { n, _ := s.PubSubNumSub(ctx, "ch"); return n[0] == 0 })
	if n, _ := s.Publish(ctx, "ch", "after"); n != 0 {
		t.Errorf("Publish after cancel = %d", n)
	}
	// A context already ended: no subscription.
	if _, err := s.Subscribe(c, "ch"); !errors.Is(err, context.Canceled) {
		t.Errorf("Subscribe with an ended context: %v", err)
	}
}

func TestPubSubStoreClose(t *testing.T) {
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	sn, _ := s.PSubscribe(ctx, "*")
	s.Close()
	if err := closedWith(t, sn); !errors.Is(err, ErrClosed) {
		t.Errorf("Err after the store closed = %v", err)
	}
	if err := sn.Close(); err != nil {
		t.Errorf("Close after the store closed: %v", err)
	}
	if _, err := s.Subscribe(ctx, "x"); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe on a closed store: %v", err)
	}
}

// TestPubSubSlowSubscriber: one subscriber that never reads, 100 that do,
// 1 million messages (issue 16's figures; 100 million deliveries). Publish
// never waits for any of them (the test paces the publisher so that the
// readers, which share the machine's cores with it, stay within half the
// buffer, as the readers of a publisher that keep up do; the one that never
// reads gains nothing from it); the fast ones get every message in order,
// and the slow one gets its buffer's worth, counts the rest as dropped and
// ends with ErrSlowSubscriber, while the others go on. Under the race
// detector (several times slower) and with -short it publishes 20,000
// messages with a buffer of 1,000: the same path, scaled.
func TestPubSubSlowSubscriber(t *testing.T) {
	const fast = 100
	buffer, msgs := DefaultSubscriptionBuffer, 1_000_000
	if raceEnabled || testing.Short() {
		buffer, msgs = 1000, 20_000
	}
	round := buffer / 2
	s := openPubSub(t, Options{SubscriptionBuffer: buffer})
	slow, err := s.Subscribe(ctx, "ch")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var progress [fast]atomic.Int64
	for i := 0; i < fast; i++ {
		sn, _ := s.Subscribe(ctx, "ch")
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer sn.Close()
			for j := 0; j < msgs; j++ {
				m := <-sn.Channel()
				if n, err := strconv.Atoi(m.Payload); err != nil || n != j {
					t.Errorf("fast subscriber: message %d is %+v (err %v)", j, m, sn.Err())
					return
				}
				progress[i].Store(int64(j + 1))
			}
		}()
	}
	for i := 0; i < msgs; i++ {
		if i%round == 0 { // wait for the readers to be within a round
			for j := range progress {
				waitFor(t, func() bool { return progress[j].Load() >= int64(i-round) })
			}
		}
		n, err := s.Publish(ctx, "ch", strconv.Itoa(i))
		if err != nil || n < fast || n > fast+1 {
			t.Fatalf("Publish %d = %d, %v", i, n, err)
		}
	}
	wg.Wait()
	// The slow reader now reads: what was held, in order, then the end.
	got := 0
	for m := range slow.Channel() {
		if m.Payload != strconv.Itoa(got) {
			t.Fatalf("slow subscriber: message %d is %+v", got, m)
		}
		got++
	}
	if !errors.Is(slow.Err(), ErrSlowSubscriber) {
		t.Errorf("Err = %v, want ErrSlowSubscriber", slow.Err())
	}
	// The goroutine of the subscription may hold one message beyond the
	// buffer, on its way to the channel.
	if got < buffer || got > buffer+1 || int64(got)+slow.Dropped() != int64(msgs) {
		t.Errorf("slow subscriber got %d messages and dropped %d, of %d (buffer %d)", got, slow.Dropped(), msgs, buffer)
	}
	if n, _ := s.PubSubNumSub(ctx, "ch"); n[0] != 0 {
		t.Errorf("%d subscribers left", n[0])
	}
	t.Logf("%d messages to %d readers; the one that did not read got %d and dropped %d", msgs, fast, got, slow.Dropped())
}

func TestPubSubOptions(t *testing.T) {
	if _, err := Open(Options{SubscriptionBuffer: -1}); !errors.Is(err, ErrSubscriptionBuffer) {
		t.Errorf("negative buffer: %v", err)
	}
	if _, err := Open(Options{NotifyKeyspaceEvents: "KEx?"}); !errors.Is(err, ErrNotifyKeyspaceEvents) {
		t.Errorf("bad class: %v", err)
	}
}

func TestNotifyKeyspaceEventsFlags(t *testing.T) {
	s := openPubSub(t, Options{NotifyKeyspaceEvents: "KEA"})
	for in, want := range map[string]string{
		"KEA": "AKE", "": "", "A": "A", "g$lshzxetd": "A", "Eg": "gE", "nKm": "nKm", "AnKE": "AnKE", "x$": "$x", "EKlt": "ltKE",
	} {
		if err := s.SetNotifyKeyspaceEvents(ctx, in); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.NotifyKeyspaceEvents(ctx); got != want {
			t.Errorf("%q shown as %q, want %q", in, got, want)
		}
	}
	s.SetNotifyKeyspaceEvents(ctx, "EKlt")
	if err := s.SetNotifyKeyspaceEvents(ctx, "KEQ"); !errors.Is(err, ErrNotifyKeyspaceEvents) {
		t.Errorf("bad class: %v", err)
	}
	if got, _ := s.NotifyKeyspaceEvents(ctx); got != "ltKE" {
		t.Errorf("a refused setting changed it to %q", got)
	}
}

// TestKeyspaceNotificationsToGo: the events reach a Go subscription on both
// channels, keyspace first, with the database in the name; an expiry by the
// store's own timer (active expiry) is published too.
func TestKeyspaceNotificationsToGo(t *testing.T) {
	clock := NewManualClock(time.Unix(1_700_000_000, 0))
	s := openPubSub(t, Options{Clock: clock, NotifyKeyspaceEvents: "KEA"})
	sn, err := s.PSubscribe(ctx, "__key*@*__:*")
	if err != nil {
		t.Fatal(err)
	}
	s.DB(2).Set(ctx, "k", "v", time.Second)
	s.DB(2).Del(ctx, "nosuch") // no event
	s.DB(2).Get(ctx, "nosuch") // keymiss: not in A
	want := []string{
		"__keyspace@2__:k set", "__keyevent@2__:set k",
		"__keyspace@2__:k expire", "__keyevent@2__:expire k",
	}
	for _, w := range want {
		m := recv(t, sn)
		if got := m.Channel + " " + m.Payload; got != w || m.Pattern != "__key*@*__:*" {
			t.Errorf("got %q (pattern %q), want %q", got, m.Pattern, w)
		}
	}
	clock.Advance(2 * time.Second) // the store's timer expires k
	for _, w := range []string{"__keyspace@2__:k expired", "__keyevent@2__:expired k"} {
		if m := recv(t, sn); m.Channel+" "+m.Payload != w {
			t.Errorf("got %q, want %q", m.Channel+" "+m.Payload, w)
		}
	}
	s.SetNotifyKeyspaceEvents(ctx, "")
	s.Set(ctx, "k2", "v", 0)
	if n, _ := s.Publish(ctx, "__keyevent@9__:mark", "m"); n != 1 {
		t.Fatal(n)
	}
	if m := recv(t, sn); m.Payload != "m" {
		t.Errorf("events still published after turning them off: %+v", m)
	}
}

func ExampleStore_Subscribe() {
	s, _ := Open(Options{})
	defer s.Close()
	ctx := context.Background()
	sub, _ := s.Subscribe(ctx, "news")
	defer sub.Close()
	n, _ := s.Publish(ctx, "news", "hello")
	fmt.Println("receivers:", n)
	m := <-sub.Channel()
	fmt.Println(m.Channel, m.Payload)
	// Output:
	// receivers: 1
	// news hello
}

func ExampleStore_PSubscribe_keyspaceNotifications() {
	s, _ := Open(Options{NotifyKeyspaceEvents: "KEA"})
	defer s.Close()
	ctx := context.Background()
	sub, _ := s.PSubscribe(ctx, "__keyevent@0__:*")
	defer sub.Close()
	s.Set(ctx, "greeting", "hi", 0)
	s.Del(ctx, "greeting")
	for i := 0; i < 2; i++ {
		m := <-sub.Channel()
		fmt.Println(m.Channel, m.Payload)
	}
	// Output:
	// __keyevent@0__:set greeting
	// __keyevent@0__:del greeting
}
