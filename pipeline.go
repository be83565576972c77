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
// Queuing allocates nothing per command: commands and their results live in
// one slice per batch. A Pipeline is not safe for concurrent use; after Exec
// it is empty and can be reused, and the Results of earlier batches stay
// valid.
type Pipeline struct {
	s     *Store
	batch *pipeBatch
}

// pipeBatch is the commands of one Exec with their results.
type pipeBatch struct {
	cmds []pipeCmd
	ran  bool
}

// pipeCmd is one queued command: the generated function that runs it, its
// arguments by kind, and its result by kind (see internal/gen/wrappers).
type pipeCmd struct {
	run    func(tx *Tx, c *pipeCmd)
	s0, s1 string
	n0, n1 int64
	ss     []string
	x      any

	rs  string
	rn  int64
	rx  any
	err error
}

// Pipeline returns an empty pipeline on the handle's database.
func (s *Store) Pipeline() *Pipeline { return &Pipeline{s: s} }

// Len returns the number of queued commands.
func (p *Pipeline) Len() int {
	if p.batch == nil {
		return 0
	}
	return len(p.batch.cmds)
}

// add queues c and returns its index in the batch.
func (p *Pipeline) add(c pipeCmd) (*pipeBatch, int) {
	if p.batch == nil {
		p.batch = &pipeBatch{cmds: make([]pipeCmd, 0, 16)}
	}
	p.batch.cmds = append(p.batch.cmds, c)
	return p.batch, len(p.batch.cmds) - 1
}

// Exec runs the queued commands in one turn and empties the pipeline. It
// returns an error (ErrClosed, ErrDBIndex, the context's error) only when the
// commands could not run at all; each command's own error is in its Result.
func (p *Pipeline) Exec(ctx context.Context) error {
	b := p.batch
	p.batch = nil
	if b == nil {
		return nil
	}
	tx, err := p.s.begin(ctx)
	if err != nil {
		return err // the Results report ErrNotExecuted
	}
	defer p.s.end(tx)
	for i := range b.cmds {
		c := &b.cmds[i]
		c.run(tx, c)
	}
	b.ran = true
	return nil
}

// Result is the outcome of one pipelined command, filled in by Exec. It is a
// small value: copy it freely.
type Result[T any] struct {
	b *pipeBatch
	i int
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
	if r.b == nil || !r.b.ran {
		return v, ErrNotExecuted
	}
	c := &r.b.cmds[r.i]
	switch p := any(&v).(type) {
	case *string:
		*p = c.rs
	case *int64:
		*p = c.rn
	case *bool:
		*p = c.rn != 0
	case *time.Duration:
		*p = time.Duration(c.rn)
	case *float64:
		*p = math.Float64frombits(uint64(c.rn))
	case *struct{}:
	default:
		if c.rx != nil {
			v = c.rx.(T)
		}
	}
	return v, c.err
}

// ErrNotExecuted is the error of a pipelined command whose Exec has not run
// (or could not run) it.
var ErrNotExecuted = errNotExecuted{}

type errNotExecuted struct{}

func (errNotExecuted) Error() string { return "embedis: pipelined command not executed" }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
