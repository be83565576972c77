package embedis

import (
	"context"
	"math"
	"time"
)

// Pipeline queues commands and runs them all in one turn of the owner role,
// in order, when Exec is called: one hand-off instead of one per command.
// Each queued command returns a Result that holds its value and error once
// Exec has run. Commands do not stop at an error: each has its own.
//
// A Pipeline reuses its memory: queuing allocates nothing per command once
// the pipeline has run a batch of the same size. The price is that the
// Results of a batch are valid until the next command is queued on the same
// pipeline; after that they report ErrStaleResult. Use a new Pipeline to
// keep results across batches. A Pipeline is not safe for concurrent use.
type Pipeline struct {
	s     *Store
	batch pipeBatch
}

// pipeBatch is the commands of one Exec with their results. gen counts the
// batches run on its memory, so that Results of an earlier one know it.
type pipeBatch struct {
	cmds []pipeCmd
	ran  bool
	gen  uint64
}

// pipeCmd is one queued command: the generated function that runs it and
// its arguments by kind (see internal/gen/wrappers; a third and fourth string
// go in ss). Running it replaces the
// first argument field of the result's kind with the result: a string result
// in s0, a number in n0, anything else in x.
type pipeCmd struct {
	run    func(tx *Tx, c *pipeCmd)
	s0, s1 string
	n0, n1 int64
	ss     []string
	x      any
	err    error
}

// Pipeline returns an empty pipeline on the handle's database.
func (s *Store) Pipeline() *Pipeline { return &Pipeline{s: s} }

// Len returns the number of queued commands.
func (p *Pipeline) Len() int {
	if p.batch.ran {
		return 0
	}
	return len(p.batch.cmds)
}

// add queues c and returns where its result will be.
func (p *Pipeline) add(c pipeCmd) resultRef {
	b := &p.batch
	if b.ran { // the first command after an Exec starts the next batch
		clear(b.cmds)
		b.cmds = b.cmds[:0]
		b.ran = false
		b.gen++
	}
	b.cmds = append(b.cmds, c)
	return resultRef{b: b, i: len(b.cmds) - 1, gen: b.gen}
}

// Exec runs the queued commands in one turn and empties the pipeline. Under
// maxmemory each command is prepared as Redis prepares each command of a
// pipeline (Tx.BeforeCommand): keys are evicted before it while the store is
// over the limit, and a command that may add data (flagged denyoom) fails
// with ErrOOM when nothing is left to evict. (An Atomic closure, as a Redis
// MULTI/EXEC or script, evicts once, before it runs.) It
// returns an error (ErrClosed, ErrDBIndex, the context's error) only when the
// commands could not run at all; each command's own error is in its Result.
func (p *Pipeline) Exec(ctx context.Context) (err error) {
	b := &p.batch
	if b.ran || len(b.cmds) == 0 {
		return nil
	}
	tx, err := p.s.begin(ctx)
	if err != nil {
		// The batch is dropped; its Results report ErrNotExecuted.
		clear(b.cmds)
		b.cmds = b.cmds[:0]
		b.gen++
		return err
	}
	defer p.s.end(tx, &err)
	for i := range b.cmds {
		if i > 0 {
			// Each command is prepared as Redis prepares each command of
			// a pipeline: keys are evicted while over maxmemory, and the
			// denyoom commands are refused when nothing is left to evict
			// (begin did this for the first).
			tx.BeforeCommand()
		}
		c := &b.cmds[i]
		c.run(tx, c)
	}
	b.ran = true
	return nil
}

// Result is the outcome of one pipelined command, filled in by Exec. It is a
// small value: copy it freely.
type Result[T any] struct{ ref resultRef }

// resultRef locates a command's result: its batch, index and generation.
type resultRef struct {
	b   *pipeBatch
	i   int
	gen uint64
}

// Val returns the command's value (the zero value if it failed or has not run).
func (r Result[T]) Val() T {
	v, _ := r.Result()
	return v
}

// Err returns the command's error, or ErrNotExecuted before Exec has run it.
func (r Result[T]) Err() error {
	_, err := r.Result()
	return err
}

// Result returns the value and the error.
func (r Result[T]) Result() (T, error) {
	var v T
	b := r.ref.b
	switch {
	case b == nil:
		return v, ErrNotExecuted
	case b.gen != r.ref.gen:
		if b.gen == r.ref.gen+1 && !b.ran && len(b.cmds) == 0 {
			return v, ErrNotExecuted // its Exec failed
		}
		return v, ErrStaleResult
	case !b.ran:
		return v, ErrNotExecuted
	}
	c := &b.cmds[r.ref.i]
	switch p := any(&v).(type) {
	case *string:
		*p = c.s0
	case *int64:
		*p = c.n0
	case *bool:
		*p = c.n0 != 0
	case *time.Duration:
		*p = time.Duration(c.n0)
	case *float64:
		*p = math.Float64frombits(uint64(c.n0))
	case *struct{}:
	default:
		if c.x != nil {
			v = c.x.(T)
		}
	}
	return v, c.err
}

// ScanPage is the result of a pipelined SCAN-like command (Scan, ScanType,
// HScan, SScan, ZScan): the items the call returned (keys; fields each
// followed by its value; members; members each followed by its score) and
// the cursor to pass next, 0 when the iteration is over.
type ScanPage struct {
	Items  []string
	Cursor uint64
}

// ListPop is the result of a pipelined LMPop: the key of the list popped
// from and the elements popped.
type ListPop struct {
	Key      string
	Elements []string
}

// ZSetPop is the result of a pipelined ZMPop: the key of the sorted set
// popped from and the members popped with their scores.
type ZSetPop struct {
	Key     string
	Members []Z
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// DumpPayload is the result of a pipelined Dump: the serialized value, and
// whether the key existed (OK false: no key, Payload empty).
type DumpPayload struct {
	Payload string
	OK      bool
}
