package embedis

import (
	"context"
	"errors"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/streamcrash"
)

// The consumer-group crash test on the Store: five consumers of one group,
// killed and restarted at random while a producer adds 100,000 entries
// (internal/streamcrash says what a kill and a restart are). Every entry
// must end acknowledged exactly once or pending, and after a drain
// acknowledged exactly once.

// crashStore is streamcrash's Env on a Store: stream "q", group "g".
type crashStore struct{ s *Store }

func (e crashStore) Add(ctx context.Context, n int) (string, error) {
	return e.s.XAdd(ctx, XAddArgs{Stream: "q", Values: []string{"n", strconv.Itoa(n)}})
}

func (e crashStore) Conn(context.Context) (streamcrash.Conn, error) { return crashConn(e), nil }

func (e crashStore) Pending(ctx context.Context) ([]string, error) {
	ps, err := e.s.XPendingExt(ctx, XPendingExtArgs{Stream: "q", Group: "g", Start: "-", End: "+", Count: 1 << 40})
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids, err
}

func (e crashStore) LastDelivered(ctx context.Context) (string, error) {
	gs, err := e.s.XInfoGroups(ctx, "q")
	if err != nil || len(gs) != 1 {
		return "", errors.Join(err, errors.New("XINFO GROUPS: not one group"))
	}
	return gs[0].LastDeliveredID, nil
}

// crashConn is a consumer's way to the Store: the Store itself (a kill is
// the goroutine stopping, or its context ending while it waits).
type crashConn crashStore

func crashEntries(ms []XMessage) ([]streamcrash.Entry, error) {
	out := make([]streamcrash.Entry, len(ms))
	for i, m := range ms {
		if len(m.Values) != 2 || m.Values[0] != "n" {
			return nil, errors.New("entry " + m.ID + " has lost its fields")
		}
		n, err := strconv.Atoi(m.Values[1])
		if err != nil {
			return nil, err
		}
		out[i] = streamcrash.Entry{ID: m.ID, N: n}
	}
	return out, nil
}

func (c crashConn) Read(ctx context.Context, consumer, id string, count int, block time.Duration) ([]streamcrash.Entry, error) {
	ss, err := c.s.XReadGroup(ctx, XReadGroupArgs{Group: "g", Consumer: consumer, Streams: []string{"q", id}, Count: int64(count), Block: block})
	if errors.Is(err, ErrNotFound) || err == nil && len(ss) == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return crashEntries(ss[0].Messages)
}

func (c crashConn) AutoClaim(ctx context.Context, consumer string, minIdle time.Duration, start string, count int) (string, []streamcrash.Entry, []string, error) {
	res, err := c.s.XAutoClaim(ctx, XAutoClaimArgs{Stream: "q", Group: "g", Consumer: consumer, MinIdle: minIdle, Start: start, Count: int64(count)})
	if err != nil {
		return "", nil, nil, err
	}
	es, err := crashEntries(res.Messages)
	return res.Next, es, res.Deleted, err
}

func (c crashConn) Ack(ctx context.Context, id string) (int64, error) {
	return c.s.XAck(ctx, "q", "g", id)
}

func (crashConn) Close() error { return nil }

// crashEntriesFor is the size of the run: 100,000 entries, a tenth under
// the race detector or -short.
func crashEntriesFor() int {
	if raceEnabled || testing.Short() {
		return 10_000
	}
	return 100_000
}

func newCrashStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.XGroupCreateMkStream(context.Background(), "q", "g", "$"); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStreamGroupCrash(t *testing.T) {
	s := newCrashStore(t)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rep, err := streamcrash.Run(context.Background(), crashStore{s}, streamcrash.Config{
		Consumers: 5, Entries: crashEntriesFor(), Seed: seed, MinIdle: 20 * time.Millisecond,
	})
	t.Log(rep)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kills == 0 || rep.Reclaimed == 0 {
		t.Fatalf("the run killed %d consumers and reclaimed %d entries: it tested no crash", rep.Kills, rep.Reclaimed)
	}
	if xp, err := s.XPending(context.Background(), "q", "g"); err != nil || xp.Count != 0 {
		t.Fatalf("after the drain XPENDING = %+v, %v", xp, err)
	}
}

// TestStreamGroupCrashCheckFails shows the check can fail: a Store whose
// XACK now and then answers 1 without acknowledging (the entry stays
// pending) is caught.
func TestStreamGroupCrashCheckFails(t *testing.T) {
	s := newCrashStore(t)
	var calls atomic.Int64
	_, err := streamcrash.Run(context.Background(), crashStore{s}.withAck(func(ctx context.Context, id string) (int64, error) {
		if calls.Add(1)%500 == 0 {
			return 1, nil // a lie: the entry stays pending
		}
		return s.XAck(ctx, "q", "g", id)
	}), streamcrash.Config{Consumers: 5, Entries: 5_000, Seed: 1, MinIdle: 20 * time.Millisecond})
	if err == nil {
		t.Fatal("an XACK that answers 1 and acknowledges nothing went unnoticed")
	}
	t.Log(err)
}

// withAck is e with XACK replaced by ack.
func (e crashStore) withAck(ack func(ctx context.Context, id string) (int64, error)) streamcrash.Env {
	return lyingStore{e, ack}
}

type lyingStore struct {
	crashStore
	ack func(ctx context.Context, id string) (int64, error)
}

func (e lyingStore) Conn(context.Context) (streamcrash.Conn, error) {
	return lyingConn{crashConn(e.crashStore), e.ack}, nil
}

type lyingConn struct {
	crashConn
	ack func(ctx context.Context, id string) (int64, error)
}

func (c lyingConn) Ack(ctx context.Context, id string) (int64, error) { return c.ack(ctx, id) }
