package embedis

import (
	"context"
	"time"

	"github.com/embedis/embedis/internal/stream"
)

// XREAD, and its BLOCK form through the blocking machinery of blocking.go:
// a reader with nothing to read parks a waiter on its streams; an XADD
// marks its key ready, and at the end of the unit each waiter whose stream
// now has entries after its ID is answered with them, in the order the
// waiters blocked. A read consumes nothing, so every waiter of the key gets
// the same entries.

// XReadArgs are XREAD's arguments, as go-redis names them.
type XReadArgs struct {
	// Streams lists the keys, then one ID per key: entries after that ID
	// are returned; "$" means the stream's last ID when the call starts
	// (only entries added later).
	Streams []string
	// Count, if above 0, bounds the entries returned per stream.
	Count int64
	// Block, as go-redis: below 0 the call does not wait; 0 waits until an
	// entry comes (or ctx ends); above 0 waits at most that long (then the
	// result is ErrNotFound). Only Store.XRead waits: Tx.XRead, inside a
	// unit, answers at once.
	Block time.Duration
}

// xreadReq is a parsed XREAD: keys, the ID to read after for each, COUNT.
type xreadReq struct {
	keys  []string
	ids   []stream.ID
	count int64
}

// XRead returns, for each stream in a.Streams with entries after its ID,
// those entries (up to a.Count), in the order the streams are named; no
// stream having any is ErrNotFound (Redis's null reply). It never waits
// (see Store.XRead). ErrSyntax's form when the keys and IDs do not pair up;
// ErrStreamID for a malformed ID; ErrWrongType if a key holds another type.
func (tx *Tx) XRead(a XReadArgs) ([]XStream, error) {
	if len(a.Streams) == 0 || len(a.Streams)%2 != 0 {
		return nil, errXReadUnbalanced
	}
	n := len(a.Streams) / 2
	r, err := tx.xreadResolve(a.Streams[:n], a.Streams[n:], max(a.Count, 0))
	if err != nil {
		return nil, err
	}
	out := tx.xreadServe(r)
	if len(out) == 0 {
		return nil, ErrNotFound
	}
	return out, nil
}

// xreadResolve checks the keys' types and reads the IDs, "$" being a
// stream's last ID now, as Redis's first pass over the streams.
func (tx *Tx) xreadResolve(keys, ids []string, count int64) (xreadReq, error) {
	r := xreadReq{keys: keys, ids: make([]stream.ID, len(keys)), count: count}
	for i, k := range keys {
		sv, err := tx.readStream(k)
		if err != nil {
			return r, err
		}
		switch ids[i] {
		case "$":
			if sv != nil {
				r.ids[i] = sv.s.LastID
			}
			continue
		case ">":
			return r, errXReadGreater
		}
		if r.ids[i], _, err = parseStreamID(ids[i], 0, true, false); err != nil {
			return r, err
		}
	}
	return r, nil
}

// xreadServe returns the entries each stream has after its ID, as Redis's
// second pass (which looks each key up again).
func (tx *Tx) xreadServe(r xreadReq) []XStream {
	var out []XStream
	for i, k := range r.keys {
		sv, _ := tx.readStream(k)
		if msgs, ok := xreadAfter(sv, r.ids[i], r.count); ok {
			out = append(out, XStream{Stream: k, Messages: msgs})
		}
	}
	return out
}

// xreadAfter returns up to count (0: all) entries of sv after id, and
// whether the stream has any.
func xreadAfter(sv *streamValue, id stream.ID, count int64) ([]XMessage, bool) {
	if sv == nil || sv.s.Len() == 0 || !id.Less(sv.s.LastLiveID()) {
		return nil, false
	}
	start, _ := id.Next()
	return streamRange(sv, start, stream.MaxID, count, false), true
}

// xreadAttempt is the attempt of a blocked XREAD (see blocking.go): the
// entries of the stream at key after the waiter's ID for it.
func xreadAttempt(r xreadReq) attempt[[]XMessage] {
	return func(tx *Tx, key string) ([]XMessage, bool, error) {
		sv, err := keyAs[*streamValue](tx.live(key))
		if err != nil || sv == nil {
			return nil, false, nil
		}
		for i, k := range r.keys {
			if k == key {
				msgs, ok := xreadAfter(sv, r.ids[i], r.count)
				return msgs, ok, nil
			}
		}
		return nil, false, nil
	}
}

// XRead is Tx.XRead that, with a.Block ≥ 0 and nothing to read, waits
// until an entry is added to one of the streams after its ID (then returns
// that stream's entries alone), a.Block passes (ErrNotFound; 0 waits for
// ever), ctx ends (ctx's error) or the store closes. "$" is resolved when
// the call starts. Waiting readers are served in the order they came.
func (s *Store) XRead(ctx context.Context, a XReadArgs) ([]XStream, error) {
	return s.streamRead(ctx, a.Block, func(tx *Tx) ([]XStream, []string, attempt[[]XMessage], error) {
		if len(a.Streams) == 0 || len(a.Streams)%2 != 0 {
			return nil, nil, nil, errXReadUnbalanced
		}
		n := len(a.Streams) / 2
		r, err := tx.xreadResolve(a.Streams[:n], a.Streams[n:], max(a.Count, 0))
		if err != nil {
			return nil, nil, nil, err
		}
		return tx.xreadServe(r), r.keys, xreadAttempt(r), nil
	})
}

// streamRead is the Go side of XREAD and XREADGROUP: in one turn as the
// owner, read resolves the arguments and serves what is there; when it
// serves nothing and block ≥ 0 a waiter is parked on its keys with its
// attempt, and streamRead waits for the answer (ErrNotFound when block
// passes; the attempt's error, such as a group destroyed meanwhile; ctx's
// error; the store closing).
func (s *Store) streamRead(ctx context.Context, block time.Duration, read func(tx *Tx) ([]XStream, []string, attempt[[]XMessage], error)) ([]XStream, error) {
	var out []XStream
	var answerErr error
	w, err := s.streamReadOrPark(ctx, block, read, &out, &answerErr)
	if err != nil || w == nil {
		return out, err
	}
	timedOut, err := s.e.wait(ctx, w)
	switch {
	case err != nil:
		return nil, err
	case timedOut:
		return nil, ErrNotFound
	case answerErr != nil:
		return nil, answerErr
	}
	return out, nil
}

// streamReadOrPark is streamRead's turn as the owner: it reads, or parks a
// waiter that fills out (or answerErr) when served.
func (s *Store) streamReadOrPark(ctx context.Context, block time.Duration, read func(tx *Tx) ([]XStream, []string, attempt[[]XMessage], error),
	out *[]XStream, answerErr *error) (w *waiter, err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer s.end(tx, &err)
	got, keys, try, err := read(tx)
	if err != nil {
		return nil, err
	}
	if *out = got; len(got) > 0 {
		return nil, nil
	}
	if block < 0 {
		return nil, ErrNotFound
	}
	var deadline time.Time
	if block > 0 {
		deadline = tx.e.clock.Now().Add(block)
	}
	keys = append([]string(nil), keys...)
	return parkAttempt(tx, keys, "stream", deadline, try, func(key string, msgs []XMessage, err error) {
		if err != nil {
			*answerErr = err
			return
		}
		*out = []XStream{{Stream: key, Messages: msgs}}
	}), nil
}
