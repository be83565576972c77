package embedis

import (
	"context"
	"math"
)

// The blocking sorted-set pops of the Go API. Like the list ones
// (list_blocking.go) they take a context instead of Redis's timeout and
// return its error when it ends first; waiters are served in the order they
// blocked. Inside Atomic use ZPopMin, ZPopMax and ZMPop.

// BZPopMin pops the lowest-scored member of the first non-empty sorted set
// among keys, waiting until one has a member. ErrWrongType if a key checked
// before data was found holds another type.
func (s *Store) BZPopMin(ctx context.Context, keys ...string) (ZWithKey, error) {
	return s.bzpop(ctx, false, keys)
}

// BZPopMax is BZPopMin popping the highest-scored member.
func (s *Store) BZPopMax(ctx context.Context, keys ...string) (ZWithKey, error) {
	return s.bzpop(ctx, true, keys)
}

func (s *Store) bzpop(ctx context.Context, max bool, keys []string) (ZWithKey, error) {
	var out ZWithKey
	err := s.blockingCall(ctx, keys, func(tx *Tx, k string) (bool, error) {
		zv, err := tx.writeZSet(k)
		if err != nil || zv == nil {
			return false, err
		}
		out = ZWithKey{Z: tx.zpop(k, zv, max, 1)[0], Key: k}
		return true, nil
	})
	return out, err
}

// BZMPop is ZMPop waiting until one of the sorted sets has members: it
// returns the key popped from and up to count members from the "MIN" or
// "MAX" end.
func (s *Store) BZMPop(ctx context.Context, order string, count int64, keys ...string) (string, []Z, error) {
	max, err := mpopArgs(zsetEnd, order, count, keys)
	if err != nil {
		return "", nil, err
	}
	var key string
	var zs []Z
	err = s.blockingCall(ctx, keys, func(tx *Tx, k string) (bool, error) {
		zv, err := tx.writeZSet(k)
		if err != nil || zv == nil {
			return false, err
		}
		key, zs = k, tx.zpop(k, zv, max, int(min(count, math.MaxInt32)))
		return true, nil
	})
	return key, zs, err
}
