package embedis

import (
	"context"
	"sync"
	"sync/atomic"
)

// Subscription receives the messages published on its channels, patterns
// or shard channels, in the order they were published, on the Go channel
// that Channel returns. It ends when Close is called, when the context given
// to Subscribe ends, when the store closes, or when its reader falls behind
// (see below); the channel is then closed and Err says why.
//
// A slow reader never holds up the publisher, the owner or the other
// subscribers: a message is put in the subscription's buffer during the
// publish, and a goroutine of the subscription hands it to the channel.
// When the reader falls Options.SubscriptionBuffer messages behind
// (DefaultSubscriptionBuffer unless set), the subscription stops
// receiving: every later message is counted by Dropped, and once the
// reader has taken the messages held, the channel is closed and Err is
// ErrSlowSubscriber. This is Redis's client-output-buffer-limit pubsub, which
// disconnects such a client, in Go terms. A subscription cut off is still
// counted by the publisher (Publish's count) until it is closed, as Redis
// counts a client it is about to disconnect.
type Subscription struct {
	s     *Store
	sub   *Subscriber
	ch    chan Message
	limit int

	mu       sync.Mutex
	queue    []Message // queue[head:] waits for the reader
	head     int
	overflow bool  // the buffer was full: receive no more
	err      error // why it ended; set once
	ended    bool  // the channel is about to close: Err answers err

	dropped atomic.Int64
	wake    chan struct{} // a message was queued (capacity 1)
	stop    chan struct{} // closed by Close, the store's close
	done    chan struct{} // closed when the channel is
	once    sync.Once
}

// Subscribe subscribes to channels (Redis's SUBSCRIBE): the subscription
// receives every message Publish posts on one of them. The subscription
// lives until Close, the end of ctx, the store's Close or a reader falling
// behind (see Subscription). At least one channel is needed; a channel named
// twice is subscribed once.
func (s *Store) Subscribe(ctx context.Context, channels ...string) (*Subscription, error) {
	return s.subscribe(ctx, PubSubChannel, channels)
}

// PSubscribe subscribes to glob-style patterns (Redis's PSUBSCRIBE, the
// patterns of KEYS): the subscription receives every message Publish posts
// on a channel matching one of them, with Message.Pattern set. A message
// on a channel matching two of its patterns arrives twice, once per
// pattern, as in Redis; keyspace notifications are subscribed to this way
// ("__keyspace@0__:*").
func (s *Store) PSubscribe(ctx context.Context, patterns ...string) (*Subscription, error) {
	return s.subscribe(ctx, PubSubPattern, patterns)
}

// SSubscribe subscribes to shard channels (Redis's SSUBSCRIBE): the
// subscription receives the messages SPublish posts on them (not those of
// Publish).
func (s *Store) SSubscribe(ctx context.Context, shardChannels ...string) (*Subscription, error) {
	return s.subscribe(ctx, PubSubShard, shardChannels)
}

func (s *Store) subscribe(ctx context.Context, kind PubSubKind, names []string) (sn *Subscription, err error) {
	if len(names) == 0 {
		return nil, ErrArity
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer s.end(tx, &err)
	sn = &Subscription{
		s:     s,
		ch:    make(chan Message),
		limit: tx.e.subBuffer,
		wake:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	sn.sub = NewSubscriber(sn.deliver)
	sn.sub.gone = func(err error) { sn.end(err) }
	for _, n := range names {
		sn.sub.Subscribe(tx, kind, n)
	}
	go sn.pump(ctx)
	return sn, nil
}

// Channel returns the channel the messages arrive on. It is closed when
// the subscription ends; Err then says why.
func (sn *Subscription) Channel() <-chan Message { return sn.ch }

// Err returns why the subscription ended, once its channel is closed:
// ErrSubscriptionClosed after Close, the context's error, ErrSlowSubscriber,
// ErrClosed when the store closed. It returns nil while the subscription
// is open.
func (sn *Subscription) Err() error {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if !sn.ended {
		return nil
	}
	return sn.err
}

// Dropped returns the number of messages published to the subscription
// that it did not deliver because its reader had fallen behind.
func (sn *Subscription) Dropped() int64 { return sn.dropped.Load() }

// Close ends the subscription: once it returns, no publish counts or
// reaches it and its channel is closed (messages not yet taken are
// discarded). It is idempotent and returns nil, or ErrReentrant when
// called inside an Atomic closure (the subscription still ends, as soon as
// the closure returns).
func (sn *Subscription) Close() error {
	sn.end(ErrSubscriptionClosed)
	err := sn.unregister()
	if err != nil {
		return err
	}
	<-sn.done
	return nil
}

// end records why the subscription ends and stops its goroutine; it never
// blocks (the owner calls it when the store closes).
func (sn *Subscription) end(err error) {
	sn.once.Do(func() {
		sn.mu.Lock()
		if sn.err == nil {
			sn.err = err
		}
		sn.mu.Unlock()
		close(sn.stop)
	})
}

// unregister removes the subscription from the engine's registry.
func (sn *Subscription) unregister() (err error) {
	tx, err := sn.s.begin(WaitWhenBusy(context.Background()))
	if err != nil {
		if err == ErrReentrant {
			return err
		}
		return nil // the store closed: the registry is gone
	}
	defer sn.s.end(tx, &err)
	sn.sub.UnsubscribeAll(tx)
	return nil
}

// deliver queues a message; the owner calls it during a publish.
func (sn *Subscription) deliver(_ PubSubKind, m Message) {
	sn.mu.Lock()
	if sn.overflow {
		sn.mu.Unlock()
		sn.dropped.Add(1)
		return
	}
	if sn.err != nil { // ending: Close is removing it
		sn.mu.Unlock()
		return
	}
	if len(sn.queue)-sn.head >= sn.limit {
		sn.overflow = true
		sn.mu.Unlock()
		sn.dropped.Add(1)
		sn.signal()
		return
	}
	sn.queue = append(sn.queue, m)
	sn.mu.Unlock()
	sn.signal()
}

func (sn *Subscription) signal() {
	select {
	case sn.wake <- struct{}{}:
	default:
	}
}

// pump hands the queued messages to the channel, in order, until the
// subscription ends.
func (sn *Subscription) pump(ctx context.Context) {
	defer func() {
		sn.unregister()
		// Err must answer as soon as a reader sees the channel closed.
		sn.mu.Lock()
		sn.ended = true
		sn.mu.Unlock()
		close(sn.ch)
		close(sn.done)
	}()
	for {
		sn.mu.Lock()
		for sn.head == len(sn.queue) {
			sn.queue, sn.head = sn.queue[:0], 0
			if sn.overflow && sn.err == nil {
				sn.err = ErrSlowSubscriber
				sn.mu.Unlock()
				return
			}
			sn.mu.Unlock()
			select {
			case <-sn.wake:
			case <-sn.stop:
				return
			case <-ctx.Done():
				sn.end(ctx.Err())
				return
			}
			sn.mu.Lock()
		}
		m := sn.queue[sn.head]
		sn.queue[sn.head] = Message{}
		sn.head++
		if sn.head >= 1024 && sn.head*2 >= len(sn.queue) {
			n := copy(sn.queue, sn.queue[sn.head:])
			clear(sn.queue[n:])
			sn.queue, sn.head = sn.queue[:n], 0
		}
		sn.mu.Unlock()
		select {
		case sn.ch <- m:
		case <-sn.stop:
			return
		case <-ctx.Done():
			sn.end(ctx.Err())
			return
		}
	}
}
