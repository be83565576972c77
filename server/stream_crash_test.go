package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis/embedistest"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/streamcrash"
)

// TestStreamGroupCrashWire is the consumer-group crash test of the root
// package (internal/streamcrash) over embedis-server's wire: each consumer
// incarnation has a connection of its own, and a kill closes it — in the
// middle of a batch's acks, or while an XREADGROUP … BLOCK waits. 10,000
// entries (2,000 under -race or -short); the server's manual clock follows
// real time so that BLOCK timeouts pass.
func TestStreamGroupCrashWire(t *testing.T) {
	srv := embedistest.Run(t)
	n := 10_000
	if raceEnabled || testing.Short() {
		n = 2_000
	}
	stopClock := make(chan struct{})
	var clockDone sync.WaitGroup
	clockDone.Add(1)
	go func() {
		defer clockDone.Done()
		for {
			select {
			case <-stopClock:
				return
			case <-time.After(time.Millisecond):
				srv.Clock.Advance(time.Millisecond)
			}
		}
	}()
	defer func() { close(stopClock); clockDone.Wait() }()
	env := &wireEnv{addr: srv.Addr}
	ctx := context.Background()
	admin, err := env.dial(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	env.admin = admin
	if _, err := admin.do("XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"); err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rep, err := streamcrash.Run(ctx, env, streamcrash.Config{Consumers: 5, Entries: n, Seed: seed, MinIdle: 20 * time.Millisecond})
	t.Log(rep)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Kills == 0 || rep.Reclaimed == 0 {
		t.Fatalf("the run killed %d consumers and reclaimed %d entries: it tested no crash", rep.Kills, rep.Reclaimed)
	}
	if r, err := admin.do("XPENDING", "q", "g"); err != nil || len(r.Elems) != 4 || r.Elems[0].Int != 0 {
		t.Fatalf("after the drain XPENDING = %v, %v", r, err)
	}
}

// wireEnv is streamcrash's Env on a server: stream "q", group "g". The
// producer and the checks share the admin connection (one at a time).
type wireEnv struct {
	addr  string
	mu    sync.Mutex
	admin *wireConn
}

func (e *wireEnv) dial(ctx context.Context) (*wireConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", e.addr)
	if err != nil {
		return nil, err
	}
	return &wireConn{c: c, r: bufio.NewReader(c)}, nil
}

func (e *wireEnv) Add(ctx context.Context, n int) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := e.admin.do("XADD", "q", "*", "n", strconv.Itoa(n))
	return r.Str, err
}

func (e *wireEnv) Conn(ctx context.Context) (streamcrash.Conn, error) { return e.dial(ctx) }

func (e *wireEnv) Pending(ctx context.Context) ([]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := e.admin.do("XPENDING", "q", "g", "-", "+", "1000000000")
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(r.Elems))
	for i, p := range r.Elems {
		if len(p.Elems) != 4 {
			return nil, fmt.Errorf("XPENDING entry %v", p)
		}
		ids[i] = p.Elems[0].Str
	}
	return ids, nil
}

func (e *wireEnv) LastDelivered(ctx context.Context) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r, err := e.admin.do("XINFO", "GROUPS", "q")
	if err != nil {
		return "", err
	}
	if len(r.Elems) != 1 {
		return "", fmt.Errorf("XINFO GROUPS: %v", r)
	}
	g := r.Elems[0].Elems
	for i := 0; i+1 < len(g); i += 2 {
		if g[i].Str == "last-delivered-id" {
			return g[i+1].Str, nil
		}
	}
	return "", fmt.Errorf("XINFO GROUPS: no last-delivered-id in %v", r)
}

// wireConn is one connection; a context that ends while a command waits
// closes it (the crash of a consumer blocked in XREADGROUP).
type wireConn struct {
	c net.Conn
	r *bufio.Reader
}

func (w *wireConn) Close() error { return w.c.Close() }

func (w *wireConn) do(args ...string) (resp.Reply, error) {
	return w.doCtx(context.Background(), args...)
}

func (w *wireConn) doCtx(ctx context.Context, args ...string) (resp.Reply, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := w.c.Write([]byte(b.String())); err != nil {
		return resp.Reply{}, err
	}
	stop := context.AfterFunc(ctx, func() { w.c.Close() })
	r, err := resp.ReadReply(w.r)
	if !stop() {
		// Closed by the kill, even if the reply came in before: the
		// connection is gone (the driver never kills an XACK, whose fate
		// would then be unknown).
		return resp.Reply{}, ctx.Err()
	}
	if err == nil && r.Kind == '-' {
		err = errors.New(r.Str)
	}
	return r, err
}

// wireEntries reads entries [id, [n, <n>]] (a null for one deleted is an
// error here: the test deletes none).
func wireEntries(r resp.Reply) ([]streamcrash.Entry, error) {
	out := make([]streamcrash.Entry, len(r.Elems))
	for i, e := range r.Elems {
		if len(e.Elems) != 2 || len(e.Elems[1].Elems) != 2 || e.Elems[1].Elems[0].Str != "n" {
			return nil, fmt.Errorf("malformed entry %v", e)
		}
		n, err := strconv.Atoi(e.Elems[1].Elems[1].Str)
		if err != nil {
			return nil, err
		}
		out[i] = streamcrash.Entry{ID: e.Elems[0].Str, N: n}
	}
	return out, nil
}

func (w *wireConn) Read(ctx context.Context, consumer, id string, count int, block time.Duration) ([]streamcrash.Entry, error) {
	args := []string{"XREADGROUP", "GROUP", "g", consumer, "COUNT", strconv.Itoa(count)}
	if block >= 0 {
		args = append(args, "BLOCK", strconv.FormatInt(block.Milliseconds(), 10))
	}
	r, err := w.doCtx(ctx, append(args, "STREAMS", "q", id)...)
	if err != nil || r.Null {
		return nil, err
	}
	if len(r.Elems) != 1 || len(r.Elems[0].Elems) != 2 {
		return nil, fmt.Errorf("XREADGROUP reply %v", r)
	}
	return wireEntries(r.Elems[0].Elems[1])
}

func (w *wireConn) AutoClaim(ctx context.Context, consumer string, minIdle time.Duration, start string, count int) (string, []streamcrash.Entry, []string, error) {
	r, err := w.doCtx(ctx, "XAUTOCLAIM", "q", "g", consumer, strconv.FormatInt(minIdle.Milliseconds(), 10), start, "COUNT", strconv.Itoa(count))
	if err != nil {
		return "", nil, nil, err
	}
	if len(r.Elems) != 3 {
		return "", nil, nil, fmt.Errorf("XAUTOCLAIM reply %v", r)
	}
	es, err := wireEntries(r.Elems[1])
	var deleted []string
	for _, d := range r.Elems[2].Elems {
		deleted = append(deleted, d.Str)
	}
	return r.Elems[0].Str, es, deleted, err
}

func (w *wireConn) Ack(ctx context.Context, id string) (int64, error) {
	r, err := w.doCtx(ctx, "XACK", "q", "g", id)
	return r.Int, err
}
