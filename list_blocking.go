package embedis

import "context"

// The blocking list pops of the Go API. They take a context instead of
// Redis's timeout: the call returns ctx's error when it ends first. Waiters
// are served in the order they blocked (see blocking.go). Inside Atomic use
// the non-blocking forms (LPop, LMove, LMPop).

// BLPop pops the first element of the first non-empty list among keys,
// waiting until one has an element. It returns the key and the element;
// ErrWrongType if a key checked before data was found holds another type.
func (s *Store) BLPop(ctx context.Context, keys ...string) (key, value string, err error) {
	return s.blockingPop(ctx, true, keys)
}

// BRPop is BLPop popping the last element.
func (s *Store) BRPop(ctx context.Context, keys ...string) (key, value string, err error) {
	return s.blockingPop(ctx, false, keys)
}

func (s *Store) blockingPop(ctx context.Context, left bool, keys []string) (key, value string, err error) {
	err = s.blockingCall(ctx, keys, func(tx *Tx, k string) (bool, error) {
		lv, err := tx.writeList(k)
		if err != nil || lv == nil {
			return false, err
		}
		key, value = k, tx.popFrom(k, lv, left, 1)[0]
		return true, nil
	})
	return key, value, err
}

// BLMove is LMove waiting until the list at source has an element.
func (s *Store) BLMove(ctx context.Context, source, destination, srcpos, destpos string) (string, error) {
	from, err := listEnd(srcpos)
	if err != nil {
		return "", err
	}
	to, err := listEnd(destpos)
	if err != nil {
		return "", err
	}
	var v string
	err = s.blockingCall(ctx, []string{source}, func(tx *Tx, k string) (bool, error) {
		var err error
		v, err = tx.lmove(source, destination, from, to)
		if err == ErrNotFound {
			return false, nil
		}
		return err == nil, err
	})
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
	var key string
	var vals []string
	err = s.blockingCall(ctx, keys, func(tx *Tx, k string) (bool, error) {
		lv, err := tx.writeList(k)
		if err != nil || lv == nil {
			return false, err
		}
		key, vals = k, tx.popFrom(k, lv, left, int(min(count, int64(lv.d.Len()))))
		return true, nil
	})
	return key, vals, err
}
