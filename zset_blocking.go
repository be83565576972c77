package embedis

import (
	"context"
	"math"
)

// The sorted-set family's blocking commands: the attempt that serves them
// (see blocking.go) and their Go API. Like the list ones (list_blocking.go)
// they take a context instead of Redis's timeout and return its error when
// it ends first; waiters are served in the order they blocked. Inside
// Atomic use ZPopMin, ZPopMax and ZMPop. The handlers are in
// zset_commands.go.

// zsetPop is the attempt of BZPOPMIN, BZPOPMAX, ZMPOP and BZMPOP: up to
// count members from the low (max false) or high end of the sorted set at
// key.
func zsetPop(max bool, count int64) attempt[[]Z] {
	return func(tx *Tx, key string) ([]Z, bool, error) {
		zv, err := tx.writeZSet(key)
		if err != nil || zv == nil {
			return nil, false, err
		}
		return tx.zpop(key, zv, max, int(min(count, math.MaxInt32))), true, nil
	}
}

// BZPopMin pops the lowest-scored member of the first non-empty sorted set
// among keys, waiting until one has a member. ErrWrongType if a key checked
// before data was found holds another type. While it waits, only a sorted
// set arriving at one of the keys serves it: a key set to another type
// leaves it waiting.
func (s *Store) BZPopMin(ctx context.Context, keys ...string) (ZWithKey, error) {
	return s.bzpop(ctx, false, keys)
}

// BZPopMax is BZPopMin popping the highest-scored member.
func (s *Store) BZPopMax(ctx context.Context, keys ...string) (ZWithKey, error) {
	return s.bzpop(ctx, true, keys)
}

func (s *Store) bzpop(ctx context.Context, max bool, keys []string) (ZWithKey, error) {
	key, zs, err := blockingCall(ctx, s, keys, "zset", zsetPop(max, 1))
	if err != nil {
		return ZWithKey{}, err
	}
	return ZWithKey{Z: zs[0], Key: key}, nil
}

// BZMPop is ZMPop waiting until one of the sorted sets has members: it
// returns the key popped from and up to count members from the "MIN" or
// "MAX" end.
func (s *Store) BZMPop(ctx context.Context, order string, count int64, keys ...string) (string, []Z, error) {
	max, err := mpopArgs(zsetEnd, order, count, keys)
	if err != nil {
		return "", nil, err
	}
	return blockingCall(ctx, s, keys, "zset", zsetPop(max, count))
}
