package embedis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"
)

// Locks: a lease on a named resource, held by one owner at a time, on the
// embedded store or on a real Redis (see Backend). A Locker is a namespace
// of locks; TryLock and Lock take the lock of one resource and return a
// Lease, which Extend, Release, TTL and KeepAlive work on.
//
// # What a lease guarantees, and what it does not
//
// While the lock's key holds the lease's owner value, no other TryLock or
// Lock of the same resource succeeds: acquisitions are atomic steps on the
// backend (one Atomic turn embedded, one Lua script on Redis), and Extend
// and Release compare the owner value in the same step as they act, so a
// lease can never extend or release a lock that another owner took.
//
// A lease is a lease, not a mutex: it ends by itself when its TTL passes
// without an Extend. A process that pauses longer than the TTL (a garbage
// collection, a stopped VM, a slow disk, a network partition) goes on
// believing it holds the lock while another owner has taken it. No client
// can detect that in time: the only protection is the fencing token. Each
// acquisition of a resource gets a token (Lease.Token) larger than every
// token handed out for that resource before, kept by the backend in a
// counter key next to the lock that has no TTL, so it keeps growing across
// expiries and, with persistence (package persist, or Redis's RDB/AOF),
// across restarts. Pass the token with every write the lock protects, and
// have the protected store refuse a token smaller than the largest it has
// seen: the stale holder's writes are then refused.
//
// A lease's time is the backend's: the embedded store's Clock, or the
// Redis server's (PX). A holder that wants to stop work before its lease
// ends must leave a margin for the time its own messages take.
//
// On Redis the lock is as safe as that server's durability: a failover to a
// replica that had not received the lock's key (replication is
// asynchronous) lets a second owner in. The fencing counter is in the same
// slot and can go back the same way; the protected store's check then still
// refuses the smaller tokens (safety holds, and those writes fail until the
// counter passes the largest token it saw). This is a single-instance lock,
// not Redlock.
//
// # Waiting
//
// Lock waits for the lock. On the embedded store the waiters queue on the
// lock's key, in the store's blocking machinery (blocking.go), and are
// handed the lock in the order they called Lock, in the turn that frees it:
// a Release, a DEL of the key, or its expiry (found lazily by any command,
// or by the store's active expiry on its clock). Nothing polls. While
// callers wait, TryLock does not take the lock from under them even at the
// instant it frees.
//
// On Redis, Lock retries TryLock with capped exponential back-off and full
// jitter (LockerOptions.RetryMin, RetryMax, Retries): the wait before the
// n-th retry (n from 0) is drawn uniformly between 100µs and
// min(RetryMin·2ⁿ, RetryMax), and is never more than a millisecond past the
// holder's remaining TTL (the failed attempt reports it), so a lock freed
// by expiry is retried promptly. Retries stop when ctx ends or, with
// Retries set, after that many (ErrLockHeld). Waiters are not ordered
// there, and a Release does not wake them: the next retry finds the lock
// free.
//
// # Keys
//
// A Locker named name keeps the lock of resource r in two keys sharing the
// hash tag {r}, so both are in one Cluster slot:
//
//	name:{r}        a string: the current lease's owner value (128 random
//	                bits in hex), with the lease's TTL
//	name:{r}:fence  a string: the last fencing token handed out (an
//	                integer, INCR'd by each acquisition), with no TTL
//
// The fence key is the one piece of state without a TTL: it is what makes
// tokens grow for ever, and costs one small key per resource ever locked.
// Delete it only when no holder of an old token can still write.
type Locker struct {
	b        Backend
	s        *Store // b.Store(); nil on a remote backend
	name     string
	ttl      time.Duration
	retryMin time.Duration
	retryMax time.Duration
	retries  int

	clock Clock // where KeepAlive's timers run: the store's clock, or the wall clock
}

// LockerOptions configure a Locker. The zero value gives locks with a TTL of
// 10 seconds and, on Redis, a Lock that retries every 8 ms to 256 ms (with
// jitter) until its context ends.
type LockerOptions struct {
	// TTL is how long a lease lasts after TryLock, Lock or an Extend without
	// its own TTL. Zero means 10 seconds. It must be at least a millisecond
	// (the resolution of Redis's PX) and is truncated to the millisecond.
	TTL time.Duration

	// RetryMin is the base of Lock's back-off on a remote backend (the
	// first retry waits up to RetryMin). Zero means 8 ms, or RetryMax if
	// that is set and smaller.
	RetryMin time.Duration

	// RetryMax caps each of Lock's waits on a remote backend. Zero means
	// 256 ms, or RetryMin if that is larger. It must not be below RetryMin.
	RetryMax time.Duration

	// Retries bounds the retries of Lock on a remote backend: after the
	// first attempt and Retries more, Lock returns ErrLockHeld. Zero means
	// no bound: Lock retries until its context ends.
	//
	// RetryMin, RetryMax and Retries do not apply to the embedded store,
	// where a waiter is handed the lock when it frees instead of retrying;
	// there Lock waits until it gets the lock or its context ends.
	Retries int
}

// NewLocker returns the Locker called name on b. name starts every key the
// locker writes (see Locker); it must not be empty nor contain '{' or '}'
// (they would move the keys' hash tag). It returns an error wrapping
// ErrLockArg for such a name or for invalid options (a negative or
// sub-millisecond TTL, a negative RetryMin, RetryMax or Retries, a RetryMax
// below RetryMin).
func NewLocker(b Backend, name string, opts LockerOptions) (*Locker, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrLockArg)
	}
	if name == "" || strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("%w: name %q is empty or contains '{' or '}'", ErrLockArg, name)
	}
	l := &Locker{b: b, s: b.Store(), name: name, ttl: opts.TTL, retryMin: opts.RetryMin, retryMax: opts.RetryMax, retries: opts.Retries}
	switch {
	case l.ttl == 0:
		l.ttl = 10 * time.Second
	case l.ttl < time.Millisecond:
		return nil, fmt.Errorf("%w: TTL %v is below a millisecond", ErrLockArg, opts.TTL)
	}
	l.ttl = l.ttl.Truncate(time.Millisecond)
	if l.retryMin < 0 || l.retryMax < 0 || l.retries < 0 {
		return nil, fmt.Errorf("%w: negative RetryMin, RetryMax or Retries (%v, %v, %d)", ErrLockArg, opts.RetryMin, opts.RetryMax, opts.Retries)
	}
	if l.retryMin == 0 {
		l.retryMin = 8 * time.Millisecond
		if l.retryMax > 0 {
			l.retryMin = min(l.retryMin, l.retryMax)
		}
	}
	if l.retryMax == 0 {
		l.retryMax = max(256*time.Millisecond, l.retryMin)
	}
	if l.retryMax < l.retryMin {
		return nil, fmt.Errorf("%w: RetryMax %v is below RetryMin %v", ErrLockArg, l.retryMax, l.retryMin)
	}
	l.clock = wallClock{}
	if l.s != nil {
		l.clock = l.s.e.clock
	}
	return l, nil
}

// Key returns the key that holds resource's lock (name:{resource}); its
// fencing counter is Key(resource)+":fence".
func (l *Locker) Key(resource string) string {
	return l.name + ":{" + resource + "}"
}

// checkResource refuses a resource whose keys would not share a hash tag:
// an empty one, or one starting with '}' ("{}" hashes the whole key).
func checkResource(resource string) error {
	if resource == "" || resource[0] == '}' {
		return fmt.Errorf("%w: resource %q is empty or starts with '}'", ErrLockArg, resource)
	}
	return nil
}

// Lease is one acquisition of a lock, returned by TryLock and Lock. Its
// methods are safe for concurrent use.
type Lease struct {
	l        *Locker
	resource string
	key      string
	owner    string
	token    int64

	mu      sync.Mutex
	ttl     time.Duration // the TTL the lease was last given
	expires time.Time     // when the lease ends, on l.clock: exact embedded; remote, the start of the last successful acquire or extend plus ttl
	done    error         // after Release: nil once released, ErrNotHeld once found lost
	ended   bool          // done is set
	keep    *keepAlive    // the running KeepAlive, if any
}

// Resource returns the resource the lease locks.
func (ls *Lease) Resource() string { return ls.resource }

// Token returns the lease's fencing token: larger than the token of every
// earlier acquisition of the same resource, across expiries and restarts
// (see Locker). Tokens start at 1.
func (ls *Lease) Token() int64 { return ls.token }

// Owner returns the lease's owner value, the random string the lock's key
// holds while the lease is held.
func (ls *Lease) Owner() string { return ls.owner }

// TryLock takes resource's lock if it is free, for the Locker's TTL, and
// returns its Lease. It returns ErrLockHeld if another owner holds the lock
// (or, on the embedded store, callers are waiting for it in Lock), and an
// error wrapping ErrLockArg for an empty resource or one starting with '}'.
func (l *Locker) TryLock(ctx context.Context, resource string) (*Lease, error) {
	if err := checkResource(resource); err != nil {
		return nil, err
	}
	ls := l.newLease(resource)
	if l.s == nil {
		_, err := l.tryRemote(ctx, ls)
		if err != nil {
			return nil, err
		}
		return ls, nil
	}
	var ok bool
	err := l.s.Atomic(ctx, func(tx *Tx) error {
		if lockQueued(tx, ls.key) {
			return nil
		}
		var err error
		ls.token, ok, err = ls.acquire(tx, ls.key)
		return err
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrLockHeld
	}
	return ls, nil
}

// Lock takes resource's lock, waiting until it is free, and returns its
// Lease. It returns ctx's error if ctx ends first, and ErrLockHeld on a
// remote backend whose LockerOptions.Retries ran out. Waiting is described
// on Locker: embedded, waiters get the lock in the order they called Lock,
// when it is released or expires; remote, Lock retries with jittered
// back-off.
func (l *Locker) Lock(ctx context.Context, resource string) (*Lease, error) {
	if err := checkResource(resource); err != nil {
		return nil, err
	}
	ls := l.newLease(resource)
	if l.s == nil {
		if err := l.lockRemote(ctx, ls); err != nil {
			return nil, err
		}
		return ls, nil
	}
	try := func(tx *Tx, key string) (int64, bool, error) { return ls.acquire(tx, key) }
	var served struct {
		token int64
		err   error
	}
	w, err := func() (w *waiter, err error) {
		tx, err := l.s.begin(ctx)
		if err != nil {
			return nil, err
		}
		defer l.s.end(tx, &err)
		if !lockQueued(tx, ls.key) {
			token, ok, err := try(tx, ls.key)
			if ok || err != nil {
				ls.token = token
				return nil, err
			}
		}
		return parkAttempt(tx, []string{ls.key}, "", time.Time{}, try, func(_ string, token int64, err error) {
			served.token, served.err = token, err
		}), nil
	}()
	if err != nil {
		return nil, err
	}
	if w != nil {
		if _, err := l.s.e.wait(ctx, w); err != nil {
			return nil, err
		}
		if served.err != nil {
			return nil, served.err
		}
		ls.token = served.token
	}
	return ls, nil
}

func (l *Locker) newLease(resource string) *Lease {
	return &Lease{l: l, resource: resource, key: l.Key(resource), owner: ownerValue(), ttl: l.ttl}
}

// ownerValue returns a fresh owner value: 128 random bits, in hex.
func ownerValue() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// Only a system without an entropy source gets here (Go 1.24 and
		// later crash in Read itself): a guessable owner value would let
		// another caller release the lock.
		panic("embedis: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// lockQueued reports whether callers wait in Lock for key: TryLock and a
// new Lock then leave the lock to them, even when it is free for the rest
// of this unit (it expired lazily in it: the unit's end hands it to the
// first of them).
func lockQueued(tx *Tx, key string) bool {
	for _, w := range tx.db.waiters[key] {
		if w.wants == "" && !w.served {
			return true
		}
	}
	return false
}

// acquire is the embedded acquisition step, and the attempt of a waiting
// Lock (see blocking.go): if key holds nothing, it increments the fencing
// counter and stores the owner value with the lease's TTL. A lock key that
// holds anything, of any type, is held. A waiter's attempt runs in the unit
// that freed the lock, so the lease's TTL runs from that unit's time, which
// expires records exactly.
func (ls *Lease) acquire(tx *Tx, key string) (int64, bool, error) {
	if tx.lookupWrite(key) != nil {
		return 0, false, nil
	}
	token, err := tx.IncrBy(key+":fence", 1)
	if err != nil {
		return 0, false, fmt.Errorf("embedis: lock %s: fencing counter: %w", key, err)
	}
	if err := tx.Set(key, ls.owner, ls.ttl); err != nil {
		return 0, false, err
	}
	ls.expires = time.UnixMilli(tx.deadlineOf(key))
	return token, true, nil
}

// The remote steps. Each compares or sets the owner value in the same script
// as it acts. PX keeps the server's time: every process agrees on expiry.
// The comparisons GET with pcall: a lock key holding another type (an error
// table) is not the owner's, as the embedded step finds.
var (
	// lockAcquireScript: KEYS lock, fence; ARGV owner, ttl ms. Replies
	// {1, token} when taken, {0, pttl} when held.
	lockAcquireScript = NewScript(`if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('PTTL', KEYS[1])}
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, token}`)

	// lockExtendScript: KEYS lock; ARGV owner, ttl ms. Replies 1 or 0.
	lockExtendScript = NewScript(`if redis.pcall('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

	// lockReleaseScript: KEYS lock; ARGV owner. Replies 1 or 0.
	lockReleaseScript = NewScript(`if redis.pcall('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

	// lockTTLScript: KEYS lock; ARGV owner. Replies the PTTL, or -3 when
	// the key does not hold the owner.
	lockTTLScript = NewScript(`if redis.pcall('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PTTL', KEYS[1])
end
return -3`)
)

// tryRemote runs the acquisition script once. It returns ErrLockHeld with
// the holder's remaining TTL when the lock is held.
func (l *Locker) tryRemote(ctx context.Context, ls *Lease) (time.Duration, error) {
	start := l.clock.Now()
	reply, err := l.b.Run(ctx, lockAcquireScript, []string{ls.key, ls.key + ":fence"}, ls.owner, ls.ttl.Milliseconds())
	if err != nil {
		return 0, err
	}
	pair, ok := reply.([]any)
	if !ok || len(pair) != 2 {
		return 0, fmt.Errorf("embedis: lock %s: unexpected reply %#v", ls.key, reply)
	}
	taken, ok1 := pair[0].(int64)
	n, ok2 := pair[1].(int64)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("embedis: lock %s: unexpected reply %#v", ls.key, reply)
	}
	if taken == 0 {
		return time.Duration(n) * time.Millisecond, ErrLockHeld
	}
	ls.token = n
	ls.expires = start.Add(ls.ttl)
	return 0, nil
}

// lockRemote is Lock on a remote backend: TryLock retried with capped
// exponential back-off and full jitter, each wait capped by the holder's
// remaining TTL.
func (l *Locker) lockRemote(ctx context.Context, ls *Lease) error {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for attempt := 0; ; attempt++ {
		pttl, err := l.tryRemote(ctx, ls)
		if !errors.Is(err, ErrLockHeld) {
			return err
		}
		if l.retries > 0 && attempt >= l.retries {
			return err
		}
		d := l.retryDelay(attempt, pttl)
		if timer == nil {
			timer = time.NewTimer(d)
		} else {
			timer.Reset(d)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// retryDelay is the wait before retry attempt+1: uniform in
// [0, min(RetryMin·2^attempt, RetryMax)], at most pttl+1ms when the holder
// has a TTL (a negative pttl: none, or the key just went), and at least
// 100µs so that a run of small draws does not spin.
func (l *Locker) retryDelay(attempt int, pttl time.Duration) time.Duration {
	ceil := l.retryMax
	if attempt < 32 && l.retryMin<<attempt < l.retryMax && l.retryMin<<attempt > 0 {
		ceil = l.retryMin << attempt
	}
	d := time.Duration(mrand.Int64N(int64(ceil) + 1))
	if pttl >= 0 && d > pttl+time.Millisecond {
		d = pttl + time.Millisecond
	}
	return max(d, 100*time.Microsecond)
}

// Extend gives the lease a new TTL, counted from now: ttl, or the Locker's
// TTL if ttl is zero (truncated to the millisecond). It returns ErrNotHeld
// if the lease was released or lost (it expired, or another owner holds the
// lock now: the owner value is compared in the same step), and an error
// wrapping ErrLockArg for a negative or sub-millisecond ttl. Later Extends
// and KeepAlive renew by the new TTL.
func (ls *Lease) Extend(ctx context.Context, ttl time.Duration) error {
	switch {
	case ttl == 0:
		ttl = ls.l.ttl
	case ttl < time.Millisecond:
		return fmt.Errorf("%w: TTL %v is below a millisecond", ErrLockArg, ttl)
	}
	ttl = ttl.Truncate(time.Millisecond)
	ls.mu.Lock()
	ended := ls.ended
	ls.mu.Unlock()
	if ended {
		return ErrNotHeld
	}
	start := ls.l.clock.Now()
	held, err := ls.extend(ctx, ttl)
	if err != nil {
		return err
	}
	if !held {
		return ErrNotHeld
	}
	ls.mu.Lock()
	ls.ttl = ttl
	ls.expires = start.Add(ttl)
	ls.mu.Unlock()
	return nil
}

func (ls *Lease) extend(ctx context.Context, ttl time.Duration) (bool, error) {
	if ls.l.s == nil {
		reply, err := ls.l.b.Run(ctx, lockExtendScript, []string{ls.key}, ls.owner, ttl.Milliseconds())
		return reply == int64(1), err
	}
	var held bool
	err := ls.l.s.Atomic(ctx, func(tx *Tx) error {
		if !ls.holds(tx) {
			return nil
		}
		held = true
		_, err := tx.PExpire(ls.key, ttl)
		return err
	})
	return held, err
}

// holds reports whether the lock's key holds the lease's owner value.
func (ls *Lease) holds(tx *Tx) bool {
	v, err := tx.Get(ls.key)
	return err == nil && v == ls.owner
}

// Release frees the lock if the lease still holds it, waking the next
// waiter. It returns ErrNotHeld if the lease was lost (it expired, or
// another owner holds the lock now; that owner's lock is left alone). It is
// idempotent: once it has returned nil or ErrNotHeld, later calls return
// the same at once. It stops the lease's KeepAlive. An error of the backend
// (a network error) leaves the lease as it was: Release may be called again.
func (ls *Lease) Release(ctx context.Context) error {
	ls.mu.Lock()
	if ls.ended {
		ls.mu.Unlock()
		return ls.done
	}
	k := ls.keep
	ls.keep = nil
	ls.mu.Unlock()
	if k != nil {
		k.stop()
	}
	var released bool
	var err error
	if ls.l.s == nil {
		var reply any
		reply, err = ls.l.b.Run(ctx, lockReleaseScript, []string{ls.key}, ls.owner)
		released = reply == int64(1)
	} else {
		err = ls.l.s.Atomic(ctx, func(tx *Tx) error {
			if !ls.holds(tx) {
				return nil
			}
			released = true
			_, err := tx.Del(ls.key)
			return err
		})
	}
	if err != nil {
		return err
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if !ls.ended {
		ls.ended = true
		if !released {
			ls.done = ErrNotHeld
		}
	}
	return ls.done
}

// TTL returns the time the lease has left on the backend's clock, or
// ErrNotHeld if it was released or lost.
func (ls *Lease) TTL(ctx context.Context) (time.Duration, error) {
	ls.mu.Lock()
	ended := ls.ended
	ls.mu.Unlock()
	if ended {
		return 0, ErrNotHeld
	}
	if ls.l.s == nil {
		reply, err := ls.l.b.Run(ctx, lockTTLScript, []string{ls.key}, ls.owner)
		if err != nil {
			return 0, err
		}
		ms, ok := reply.(int64)
		if !ok {
			return 0, fmt.Errorf("embedis: lock %s: unexpected reply %#v", ls.key, reply)
		}
		if ms < 0 {
			return 0, ErrNotHeld
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	var ttl time.Duration = -1
	err := ls.l.s.Atomic(ctx, func(tx *Tx) error {
		if ls.holds(tx) {
			ttl, _ = tx.PTTL(ls.key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if ttl < 0 {
		return 0, ErrNotHeld
	}
	return ttl, nil
}

// KeepAlive renews the lease in the background until ctx ends or Release is
// called: every third of its TTL it extends the lease by its TTL (the
// Locker's, or the last one Extend gave it), on the store's clock embedded
// and the wall clock remote. It returns a channel that is closed when
// KeepAlive stops; when it stops because the lease is lost, the channel
// first receives the error: ErrNotHeld when a renewal found another owner or
// no lock, or ErrNotHeld joined with the backend's last error when renewals
// failed (a network error) until the lease's time was up. A renewal that
// fails with a backend error is retried at the next third of the TTL while
// the lease may still be alive.
//
// The loss is reported at the first renewal after it, up to a third of the
// TTL late: until then the holder believes it holds the lock. That is the
// limit every lease has (see Locker): guard the protected writes with the
// fencing token. A second KeepAlive on the same lease stops the first
// (whose channel is closed), and KeepAlive on a released or lost lease
// returns a channel that receives ErrNotHeld.
func (ls *Lease) KeepAlive(ctx context.Context) <-chan error {
	k := &keepAlive{ls: ls, ch: make(chan error, 1)}
	ls.mu.Lock()
	if ls.ended {
		ls.mu.Unlock()
		k.ch <- ErrNotHeld
		close(k.ch)
		return k.ch
	}
	prev := ls.keep
	ls.keep = k
	ttl := ls.ttl
	ls.mu.Unlock()
	if prev != nil {
		prev.stop()
	}
	var cancel context.CancelFunc
	k.ctx, cancel = context.WithCancel(ctx)
	k.cancel = cancel
	k.mu.Lock()
	k.schedule(ttl / 3)
	k.mu.Unlock()
	context.AfterFunc(k.ctx, k.stop)
	return k.ch
}

// keepAlive is one running KeepAlive.
type keepAlive struct {
	ls     *Lease
	ch     chan error
	ctx    context.Context // ends when KeepAlive's context does, or k stops
	cancel context.CancelFunc

	mu      sync.Mutex
	timer   Timer
	stopped bool
}

// schedule sets the next renewal d from now; k.mu is held.
func (k *keepAlive) schedule(d time.Duration) {
	if k.stopped {
		return
	}
	k.timer = k.ls.l.clock.AfterFunc(max(d, time.Millisecond), k.renew)
}

// renew is one renewal, run by the timer.
func (k *keepAlive) renew() {
	k.mu.Lock()
	if k.stopped {
		k.mu.Unlock()
		return
	}
	k.mu.Unlock()
	ls := k.ls
	ls.mu.Lock()
	ttl, expires := ls.ttl, ls.expires
	ls.mu.Unlock()
	err := ls.Extend(k.ctx, ttl)
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.stopped {
		return
	}
	switch {
	case err == nil:
		k.schedule(ttl / 3)
	case errors.Is(err, ErrNotHeld):
		k.end(ErrNotHeld)
	default:
		left := expires.Sub(ls.l.clock.Now())
		if left <= 0 {
			k.end(errors.Join(ErrNotHeld, err))
			return
		}
		k.schedule(min(ttl/3, left))
	}
}

// end stops k, sending err first if it is not nil; k.mu is held.
func (k *keepAlive) end(err error) {
	if k.stopped {
		return
	}
	k.stopped = true
	if k.timer != nil {
		k.timer.Stop()
	}
	if err != nil {
		k.ch <- err
	}
	close(k.ch)
	k.cancel()
}

// stop ends k without an error: its context ended, Release was called, or
// another KeepAlive replaced it.
func (k *keepAlive) stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.end(nil)
}
