// Package streamcrash is a crash test for stream consumer groups: a
// producer adds entries to a stream while consumers of one group read,
// handle and acknowledge them, and are killed and restarted at random. A
// kill is what a crashed worker does: the consumer stops mid-work, without
// acknowledging what it read (between a read and its acks, in the middle
// of a batch's acks, or while blocked in a read, whose context is
// cancelled — and on a wire, whose connection is closed). A restarted
// consumer recovers as workers do: under its old name it re-reads its own
// pending entries (XREADGROUP … 0); under a new name it claims the
// entries left idle (XAUTOCLAIM); and every consumer claims idle entries
// now and then, so that a slow one's entries move on.
//
// The check is the one a queue must pass: every entry is acknowledged
// exactly once (XACK answering 1 for it once: a second 1 is an entry
// acknowledged twice) or is still pending — none lost, none acknowledged
// and pending again. After the consumers are stopped, Run checks the
// group's pending list against the acknowledgements, then drains the
// pending entries and checks that all are acknowledged exactly once.
//
// The same driver runs on the Store in Go (the root package's test) and on
// embedis-server's wire (the server package's): each gives it an Env.
package streamcrash

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is an entry as a consumer got it: its ID and the number the
// producer wrote in it (field "n").
type Entry struct {
	ID string
	N  int
}

// Conn is one consumer incarnation's way to the group. On a wire it is a
// connection of its own; Close is then the crash (a blocked read ends).
type Conn interface {
	// Read is XREADGROUP … COUNT count [BLOCK block] STREAMS key id as
	// consumer: id ">" for new entries, "0" for the consumer's own pending
	// ones; block < 0 does not wait. Nothing to read is a nil slice.
	Read(ctx context.Context, consumer, id string, count int, block time.Duration) ([]Entry, error)
	// AutoClaim is XAUTOCLAIM key group consumer minIdle start COUNT
	// count: the next cursor, the entries claimed and the IDs deleted.
	AutoClaim(ctx context.Context, consumer string, minIdle time.Duration, start string, count int) (next string, claimed []Entry, deleted []string, err error)
	// Ack is XACK key group id: 1 if it was pending, else 0.
	Ack(ctx context.Context, id string) (int64, error)
	// Close ends the incarnation.
	Close() error
}

// Env is the store under test, with a stream and a group created.
type Env interface {
	// Add adds entry n (XADD key * n <n>) and returns its ID.
	Add(ctx context.Context, n int) (string, error)
	// Conn opens a connection for a consumer incarnation.
	Conn(ctx context.Context) (Conn, error)
	// Pending lists the IDs of every pending entry of the group.
	Pending(ctx context.Context) ([]string, error)
	// LastDelivered is the group's last-delivered ID.
	LastDelivered(ctx context.Context) (string, error)
}

// Config sizes a run.
type Config struct {
	Consumers int           // consumers running at once (5)
	Entries   int           // entries added (100,000)
	Seed      uint64        // seeds the kills and the batch sizes
	MinIdle   time.Duration // XAUTOCLAIM's min-idle on periodic claims
	// StopAt is the fraction of entries acknowledged after which the
	// consumers are all killed and the check runs (0.97 if 0): the rest
	// is pending or not yet delivered.
	StopAt float64
	// Timeout bounds the run (a stuck group fails instead of hanging).
	Timeout time.Duration
}

// Report counts what happened.
type Report struct {
	Incarnations int64 // consumer incarnations started
	Kills        int64 // incarnations killed mid-work
	BlockedKills int64 // of them, killed while blocked in a read
	Deliveries   int64 // entries delivered (reads and claims)
	Reclaimed    int64 // entries claimed by XAUTOCLAIM or re-read from a PEL
	LostRaces    int64 // XACKs answering 0: the entry was claimed and acked by another
	PendingAtEnd int   // entries pending when the consumers were stopped
	Undelivered  int   // entries never delivered when they were stopped
}

func (r Report) String() string {
	return fmt.Sprintf("%d incarnations, %d kills (%d while blocked), %d deliveries, %d reclaimed, %d acks lost to another consumer, %d pending and %d undelivered at the stop",
		r.Incarnations, r.Kills, r.BlockedKills, r.Deliveries, r.Reclaimed, r.LostRaces, r.PendingAtEnd, r.Undelivered)
}

// run is one Run's shared state.
type run struct {
	cfg   Config
	env   Env
	acks  []atomic.Int32 // XACK replies of 1, per entry
	acked atomic.Int64
	// ackCtx is the run's context: an XACK is never cut off by a kill
	// (over a wire its fate would be unknown: it may have acknowledged
	// with its reply lost), the kills come between operations.
	ackCtx context.Context
	rep    Report
	mu     sync.Mutex
	ids    []string // entry n's ID, as the producer got it
	faults []string
}

func (r *run) fault(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.faults) < 20 {
		r.faults = append(r.faults, fmt.Sprintf(format, a...))
	}
}

// Run runs the crash test and returns what happened, or an error naming
// the entries lost or acknowledged twice.
func Run(ctx context.Context, env Env, cfg Config) (Report, error) {
	if cfg.StopAt == 0 {
		cfg.StopAt = 0.97
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Minute
	}
	r := &run{cfg: cfg, env: env, acks: make([]atomic.Int32, cfg.Entries), ids: make([]string, cfg.Entries)}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	r.ackCtx = ctx
	chaos, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var prodErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := 0; n < cfg.Entries; n++ {
			id, err := env.Add(ctx, n)
			if err != nil {
				prodErr = fmt.Errorf("XADD of entry %d: %w", n, err)
				stop()
				return
			}
			r.mu.Lock()
			r.ids[n] = id
			r.mu.Unlock()
		}
	}()
	for slot := 0; slot < cfg.Consumers; slot++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.supervise(chaos, slot)
		}()
	}
	// Stop once enough is acknowledged (the producer is done by then).
	target := int64(cfg.StopAt * float64(cfg.Entries))
	for r.acked.Load() < target && chaos.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if prodErr != nil {
		return r.rep, prodErr
	}
	if err := ctx.Err(); err != nil {
		return r.rep, fmt.Errorf("the group did not get %d of %d entries acknowledged in %v (%d were): %w", target, cfg.Entries, cfg.Timeout, r.acked.Load(), err)
	}
	if err := r.check(ctx, false); err != nil {
		return r.rep, err
	}
	if err := r.drain(ctx); err != nil {
		return r.rep, err
	}
	return r.rep, r.check(ctx, true)
}

// supervise runs incarnations of one consumer slot until ctx ends.
func (r *run) supervise(ctx context.Context, slot int) {
	rng := rand.New(rand.NewPCG(r.cfg.Seed, uint64(slot)))
	name := fmt.Sprintf("c%d", slot)
	for gen := 0; ctx.Err() == nil; gen++ {
		fresh := gen > 0 && rng.IntN(2) == 0
		if fresh {
			name = fmt.Sprintf("c%d-%d", slot, gen)
		}
		r.incarnation(ctx, rng, name, gen > 0 && !fresh, fresh)
	}
}

var errKilled = errors.New("killed")

// incarnation is one life of a consumer: recover, then read, handle and
// ack until its kill (after a random number of operations) or ctx's end.
func (r *run) incarnation(ctx context.Context, rng *rand.Rand, name string, rereadOwn, claim bool) {
	atomic.AddInt64(&r.rep.Incarnations, 1)
	c, err := r.env.Conn(ctx)
	if err != nil {
		if ctx.Err() == nil {
			r.fault("%s: connect: %v", name, err)
		}
		return
	}
	defer c.Close()
	life := 1 + rng.IntN(400) // operations before the kill
	err = r.live(ctx, c, rng, name, life, rereadOwn, claim)
	switch {
	case errors.Is(err, errKilled):
		atomic.AddInt64(&r.rep.Kills, 1)
	case err != nil && ctx.Err() == nil:
		r.fault("%s: %v", name, err)
	}
}

func (r *run) live(ctx context.Context, c Conn, rng *rand.Rand, name string, life int, rereadOwn, claim bool) error {
	ops := 0
	// handle acks es one by one; the kill may come in the middle.
	handle := func(es []Entry) error {
		atomic.AddInt64(&r.rep.Deliveries, int64(len(es)))
		for _, e := range es {
			if ops++; ops >= life || ctx.Err() != nil {
				return errKilled
			}
			if err := r.ack(ctx, c, e); err != nil {
				return err
			}
		}
		return nil
	}
	if rereadOwn {
		// The restart of a consumer under its old name: its own PEL first.
		for {
			es, err := c.Read(ctx, name, "0", 1+rng.IntN(20), -1)
			if err != nil || len(es) == 0 {
				return err
			}
			atomic.AddInt64(&r.rep.Reclaimed, int64(len(es)))
			if err := handle(es); err != nil {
				return err
			}
		}
	}
	cursor := "0-0"
	for reads := 0; ; reads++ {
		if claim || reads%50 == 49 {
			// A fresh consumer claims what was left idle; every consumer
			// does now and then.
			minIdle := r.cfg.MinIdle
			if claim {
				minIdle = 0
			}
			next, es, deleted, err := c.AutoClaim(ctx, name, minIdle, cursor, 1+rng.IntN(20))
			if err != nil {
				return err
			}
			if len(deleted) > 0 {
				r.fault("%s: XAUTOCLAIM reported deleted entries %v, and none was deleted", name, deleted)
			}
			cursor = next
			if next == "0-0" {
				claim = false
			}
			atomic.AddInt64(&r.rep.Reclaimed, int64(len(es)))
			if err := handle(es); err != nil {
				return err
			}
			continue
		}
		count := 1 + rng.IntN(20)
		if rng.IntN(8) == 0 {
			// A blocking read, killed while it waits now and then.
			bctx, cancel := context.WithCancel(ctx)
			kill := rng.IntN(3) == 0
			if kill {
				after := time.Duration(rng.IntN(500)) * time.Microsecond
				go func() {
					time.Sleep(after)
					cancel()
				}()
			}
			es, err := c.Read(bctx, name, ">", count, 20*time.Millisecond)
			cancel()
			if err != nil && kill && ctx.Err() == nil {
				// Anything delivered at the moment of the kill stays
				// pending for this consumer.
				atomic.AddInt64(&r.rep.BlockedKills, 1)
				return errKilled
			}
			if err != nil {
				return err
			}
			if err := handle(es); err != nil {
				return err
			}
			continue
		}
		es, err := c.Read(ctx, name, ">", count, -1)
		if err != nil {
			return err
		}
		if ops++; ops >= life {
			atomic.AddInt64(&r.rep.Deliveries, int64(len(es)))
			return errKilled // read, never acked
		}
		if err := handle(es); err != nil {
			return err
		}
		if len(es) == 0 {
			time.Sleep(100 * time.Microsecond) // the producer is behind
		}
	}
}

// ack acknowledges e and counts XACK's reply.
func (r *run) ack(ctx context.Context, c Conn, e Entry) error {
	if e.N < 0 || e.N >= r.cfg.Entries {
		r.fault("entry %s carries n=%d, out of range", e.ID, e.N)
		return nil
	}
	n, err := c.Ack(r.ackCtx, e.ID)
	if err != nil {
		return err
	}
	switch n {
	case 1:
		if r.acks[e.N].Add(1) > 1 {
			r.fault("entry %d (%s) acknowledged twice: XACK answered 1 again", e.N, e.ID)
		}
		r.acked.Add(1)
	case 0:
		atomic.AddInt64(&r.rep.LostRaces, 1)
	default:
		r.fault("XACK of one ID answered %d", n)
	}
	return nil
}

// drain claims every pending entry and acknowledges it.
func (r *run) drain(ctx context.Context) error {
	c, err := r.env.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	cursor := "0-0"
	for {
		next, es, _, err := c.AutoClaim(ctx, "drain", 0, cursor, 100)
		if err != nil {
			return err
		}
		for _, e := range es {
			if err := r.ack(ctx, c, e); err != nil {
				return err
			}
		}
		if cursor = next; cursor == "0-0" {
			break
		}
	}
	for {
		es, err := c.Read(ctx, "drain", ">", 100, -1)
		if err != nil {
			return err
		}
		if len(es) == 0 {
			return nil
		}
		for _, e := range es {
			if err := r.ack(ctx, c, e); err != nil {
				return err
			}
		}
	}
}

// check compares the acknowledgements with the group's pending list: each
// entry delivered is acknowledged exactly once or pending (after the
// drain: acknowledged, and nothing pending).
func (r *run) check(ctx context.Context, drained bool) error {
	pending, err := r.env.Pending(ctx)
	if err != nil {
		return err
	}
	last, err := r.env.LastDelivered(ctx)
	if err != nil {
		return err
	}
	lastID, err := parseID(last)
	if err != nil {
		return err
	}
	isPending := make(map[string]bool, len(pending))
	for _, id := range pending {
		isPending[id] = true
	}
	if !drained {
		r.rep.PendingAtEnd = len(pending)
	}
	lost, twice, both := 0, 0, 0
	for n := range r.acks {
		id := r.ids[n]
		a, p := r.acks[n].Load(), isPending[id]
		eid, err := parseID(id)
		if err != nil {
			return fmt.Errorf("entry %d: %w", n, err)
		}
		delivered := !lastID.less(eid)
		switch {
		case a > 1:
			twice++
		case a == 1 && p:
			both++
			r.fault("entry %d (%s) acknowledged and pending", n, id)
		case a == 0 && !p && (delivered || drained):
			lost++
			r.fault("entry %d (%s) lost: delivered, not acknowledged, not pending", n, id)
		case a == 0 && !p && !drained:
			r.rep.Undelivered++
		}
	}
	if drained && len(pending) > 0 {
		r.fault("%d entries pending after the drain", len(pending))
	}
	if len(r.faults) > 0 {
		stage := "at the stop"
		if drained {
			stage = "after the drain"
		}
		return fmt.Errorf("%s: %d lost, %d acknowledged twice, %d acknowledged and pending; first faults:\n%s",
			stage, lost, twice, both, strings.Join(r.faults, "\n"))
	}
	return nil
}

type streamID struct{ ms, seq uint64 }

func (a streamID) less(b streamID) bool { return a.ms < b.ms || a.ms == b.ms && a.seq < b.seq }

func parseID(s string) (streamID, error) {
	ms, seq, ok := strings.Cut(s, "-")
	a, err1 := strconv.ParseUint(ms, 10, 64)
	b, err2 := strconv.ParseUint(seq, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return streamID{}, fmt.Errorf("malformed stream ID %q", s)
	}
	return streamID{a, b}, nil
}
