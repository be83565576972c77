package embedis

import "context"

// The list family's blocking commands: the attempts that serve them (see
// blocking.go) and their Go API. The Go API takes a context instead of
// Redis's timeout: the call returns ctx's error when it ends first. Waiters
// are served in the order they blocked. Inside Atomic use the non-blocking
// forms (LPop, LMove, LMPop). The handlers are in list_commands.go.

// listPop is the attempt of BLPOP, BRPOP and BLMPOP: up to count elements
// from the left or right end of the list at key.
//
// The pops count as changes (Stats.Changes) as Redis 7.0 counts them: a
// BLMPOP's always, a BLPOP's or BRPOP's (mpop false) only when it is served
// at once: Redis serves a waiting BLPOP without counting its pop as a
// change (nor a waiting BLMOVE's move: listMove), though it counts a
// waiting BLMPOP's and BZPOPMIN's.
func listPop(left bool, count int64, mpop bool) attempt[[]string] {
	return func(tx *Tx, key string) ([]string, bool, error) {
		lv, err := tx.writeList(key)
		if err != nil || lv == nil {
			return nil, false, err
		}
		// Clamped before the conversion: int may be 32 bits.
		return tx.popFrom(key, lv, left, int(min(count, int64(lv.d.Len()))), mpop || !tx.serving), true, nil
	}
}

// listMove is the attempt of BLMOVE and BRPOPLPUSH: the element moved from
// the list at the waited key to destination. A destination of another type
// fails the command with ErrWrongType and leaves the element where it is,
// also when a waiter is served (Redis 7.0 answers the blocked client with
// WRONGTYPE).
func listMove(destination string, from, to bool) attempt[string] {
	return func(tx *Tx, source string) (string, bool, error) {
		if !tx.serving && tx.refuseOOM() {
			// BLMOVE is denyoom: refused when called over maxmemory with
			// nothing to evict, as LMOVE (a waiter served later is not,
			// as Redis serves a blocked client without the check).
			return "", false, ErrOOM
		}
		v, err := tx.lmove(source, destination, from, to, !tx.serving) // see listPop
		if err == ErrNotFound {
			return "", false, nil
		}
		return v, err == nil, err
	}
}

// BLPop pops the first element of the first non-empty list among keys,
// waiting until one has an element. It returns the key and the element;
// ErrWrongType if a key checked before data was found holds another type.
// While it waits, only a list arriving at one of the keys serves it: a key
// set to another type leaves it waiting.
func (s *Store) BLPop(ctx context.Context, keys ...string) (key, value string, err error) {
	return s.blockingPop(ctx, true, keys)
}

// BRPop is BLPop popping the last element.
func (s *Store) BRPop(ctx context.Context, keys ...string) (key, value string, err error) {
	return s.blockingPop(ctx, false, keys)
}

func (s *Store) blockingPop(ctx context.Context, left bool, keys []string) (string, string, error) {
	key, vals, err := blockingCall(ctx, s, keys, "list", listPop(left, 1, false))
	if err != nil {
		return "", "", err
	}
	return key, vals[0], nil
}

// BLMove is LMove waiting until the list at source has an element.
// ErrWrongType if source holds another type when called, or if destination
// does when an element is there to move — also after waiting: the call then
// returns ErrWrongType and the element stays in source, as Redis answers a
// blocked BLMOVE.
func (s *Store) BLMove(ctx context.Context, source, destination, srcpos, destpos string) (string, error) {
	from, err := listEnd(srcpos)
	if err != nil {
		return "", err
	}
	to, err := listEnd(destpos)
	if err != nil {
		return "", err
	}
	_, v, err := blockingCall(ctx, s, []string{source}, "list", listMove(destination, from, to))
	return v, err
}

// BRPopLPush is BLMove with "RIGHT", "LEFT".
func (s *Store) BRPopLPush(ctx context.Context, source, destination string) (string, error) {
	return s.BLMove(ctx, source, destination, "RIGHT", "LEFT")
}

// BLMPop is LMPop waiting until one of the lists has elements; it returns
// the key popped from and up to count elements.
func (s *Store) BLMPop(ctx context.Context, direction string, count int64, keys ...string) (string, []string, error) {
	left, err := mpopArgs(listEnd, direction, count, keys)
	if err != nil {
		return "", nil, err
	}
	return blockingCall(ctx, s, keys, "list", listPop(left, count, true))
}
