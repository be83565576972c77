package embedis

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strings"
)

// Backends: where the typed helpers (Leaderboard, Cache, RateLimiter, Lock,
// Sessions, Counter) keep their state. A helper is built on a Backend, and
// the same helper code runs on either of two:
//
//   - Embedded(store): the state lives in this process's Store. Each step
//     of a helper runs as the owner, in one Atomic turn, calling the Tx
//     methods directly: no script, no encoding, tens of nanoseconds.
//   - goredis.New(client) (package github.com/embedis/embedis/goredis, a
//     module of its own so that this one does not depend on go-redis): the
//     state lives in a real Redis or Valkey, standalone or Cluster. Each
//     step is one Lua script (Script), run with EVALSHA and loaded with EVAL
//     on the server's NOSCRIPT, so it is atomic on the server too. A helper
//     names all the keys of one step with one hash tag ("{...}"), so each
//     step touches a single Cluster slot.
//
// Moving an application from one process to a Redis Cluster is a change of
// the constructor's first argument, not of the code that uses the helper.
// The helpers' conformance suites run unchanged against the embedded store,
// a real redis-server and a 3-node Redis Cluster.

// Backend is the store a helper keeps its state in. Exactly one of its two
// methods is used by a helper: Store when it returns a Store, Run when it
// returns nil. Implementations other than Embedded's and goredis.New's are
// possible (a test double, another client library) as long as Run keeps
// the contract below.
type Backend interface {
	// Store returns the embedded store the helpers run on, or nil when
	// the backend is a remote Redis.
	Store() *Store

	// Run runs script atomically on the remote Redis with the given keys
	// (KEYS) and arguments (ARGV): EVALSHA with script.Hash(), then EVAL
	// with script.Source() if the server answers NOSCRIPT. The keys of
	// one call share one hash tag. The reply is converted as a Lua reply
	// is: an integer is an int64, a bulk or status string a string, a nil
	// bulk (Lua false) nil with a nil error, an array []any of these; an
	// error reply is returned as an error whose text is the server's.
	// Embedded's Run returns ErrNotRemote.
	Run(ctx context.Context, script *Script, keys []string, args ...any) (any, error)
}

// Embedded returns the Backend of an in-process store: helpers built on it
// run each step as one Atomic turn on s. It panics if s is nil.
func Embedded(s *Store) Backend {
	if s == nil {
		panic("embedis: Embedded(nil)")
	}
	return embedded{s}
}

type embedded struct{ s *Store }

func (b embedded) Store() *Store { return b.s }

func (embedded) Run(context.Context, *Script, []string, ...any) (any, error) {
	return nil, ErrNotRemote
}

// Script is one atomic step of a helper as a Lua script for a remote Redis.
// It is immutable and safe to share; helpers make theirs once, at package
// initialisation.
type Script struct {
	src, sha string
}

// NewScript returns the Script whose Lua source is src, with its SHA-1 (the
// name EVALSHA knows it by) computed once.
func NewScript(src string) *Script {
	sum := sha1.Sum([]byte(src))
	return &Script{src: src, sha: hex.EncodeToString(sum[:])}
}

// Source returns the script's Lua source, for EVAL and SCRIPT LOAD.
func (s *Script) Source() string { return s.src }

// Hash returns the lowercase hex SHA-1 of the source, for EVALSHA.
func (s *Script) Hash() string { return s.sha }

// remoteError returns the engine's own error value for an error a remote
// Redis replied with the same text (ErrWrongType, ErrOverflow, …), so that
// a helper's errors match the same sentinels with errors.Is on either
// backend; other errors (transport, context, a script's own) are returned
// as they are. A command's error that a script did not catch (redis.call
// rather than redis.pcall) reaches the client with Redis 7's suffix
// " script: <sha1>, on @user_script:<line>.", which is not part of the
// command's error and is ignored here.
func remoteError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*Error); ok {
		return err
	}
	text := err.Error()
	if i := strings.LastIndex(text, " script: "); i >= 0 && strings.Contains(text[i:], ", on @user_script:") {
		text = text[:i]
	}
	for _, e := range catalogue {
		if e.msg == text {
			return e
		}
	}
	return err
}
