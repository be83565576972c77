package embedis

import "context"

// Pipeline queues commands and runs them all in one turn of the owner role,
// in order, when Exec is called: one hand-off instead of one per command.
// Each queued command returns a *Result that holds its value and error once
// Exec has run. Commands do not stop at an error: each has its own.
//
// A Pipeline is not safe for concurrent use; after Exec it is empty and can
// be reused.
type Pipeline struct {
	s   *Store
	ops []func(tx *Tx)
}

// Pipeline returns an empty pipeline on the handle's database.
func (s *Store) Pipeline() *Pipeline { return &Pipeline{s: s} }

// Len returns the number of queued commands.
func (p *Pipeline) Len() int { return len(p.ops) }

func (p *Pipeline) add(op func(tx *Tx)) { p.ops = append(p.ops, op) }

// Exec runs the queued commands in one turn and empties the pipeline. It
// returns an error (ErrClosed, ErrDBIndex, the context's error) only when the
// commands could not run at all; each command's own error is in its Result.
func (p *Pipeline) Exec(ctx context.Context) error {
	ops := p.ops
	p.ops = p.ops[:0]
	if len(ops) == 0 {
		return nil
	}
	tx, err := p.s.begin(ctx)
	if err != nil {
		clear(ops) // their Results stay unset and report ErrNotExecuted
		return err
	}
	defer p.s.end(tx)
	for i, op := range ops {
		op(tx)
		ops[i] = nil
	}
	return nil
}

// Result is the outcome of one pipelined command, filled in by Exec.
type Result[T any] struct {
	val T
	err error
	ran bool
}

// Val returns the command's value (the zero value if it failed or has not run).
func (r *Result[T]) Val() T { return r.val }

// Err returns the command's error, or ErrNotExecuted before Exec has run it.
func (r *Result[T]) Err() error {
	if !r.ran {
		return ErrNotExecuted
	}
	return r.err
}

// Result returns the value and the error.
func (r *Result[T]) Result() (T, error) { return r.val, r.Err() }

func (r *Result[T]) set(v T, err error) { r.val, r.err, r.ran = v, err, true }

// ErrNotExecuted is the error of a pipelined command whose Exec has not run
// (or could not run) it.
var ErrNotExecuted = errNotExecuted{}

type errNotExecuted struct{}

func (errNotExecuted) Error() string { return "embedis: pipelined command not executed" }
