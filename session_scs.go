package embedis

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SCSStore keeps the sessions of github.com/alexedwards/scs/v2 in a Backend:
// it has the methods of scs's Store, CtxStore, IterableStore and
// IterableCtxStore interfaces (Find, Commit, Delete, All and their …Ctx
// forms), so
//
//	sessionManager.Store, err = embedis.NewSCSStore(backend, "scs")
//
// is all an scs application changes; this package imports nothing of scs.
// scs makes its own tokens and decides expiry itself (its Lifetime and
// IdleTimeout), so SCSStore stores what Commit gives it, until the expiry
// Commit gives it; the idle, absolute and touch settings of Sessions do not
// apply here.
//
// # Keys
//
//	<name>:{scs}:s:<id>   string: scs's encoded session; PEXPIREAT at its expiry
//	<name>:{scs}:all      sorted set: every session's id scored by its expiry
//	                      (Unix ms), for All; PEXPIREAT at the latest
//
// where id is the hex SHA-256 of scs's token: as with Sessions, the keyspace
// never holds a token. scs's All must see every session, so all of one
// SCSStore's sessions share one hash tag, hence one Cluster slot, and each
// Commit updates the session and the index in one step. On a Cluster that
// puts one store's sessions on one node; an application that needs them
// spread uses Sessions, whose per-user tags spread them.
//
// # All and iteration
//
// All cannot return the tokens, which are not stored. It returns each
// session under the name "sha256:<id>" instead: a handle that Commit and
// Delete accept (so scs's Iterate can update or destroy the sessions it
// visits) but Find refuses, so that a handle read from the keyspace, a
// backup or All cannot be presented as a cookie. Commit through a handle
// updates a live session and never creates one.
type SCSStore struct {
	b    Backend
	s    *Store
	name string
}

// scsHandlePrefix starts the names All gives sessions in place of tokens.
const scsHandlePrefix = "sha256:"

// NewSCSStore returns the scs store called name on b (the prefix of its
// keys). A name containing '{' or '}' is ErrSessionOptions.
func NewSCSStore(b Backend, name string) (*SCSStore, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrSessionOptions)
	}
	if strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("%w: name %q contains a hash-tag brace", ErrSessionOptions, name)
	}
	return &SCSStore{b: b, s: b.Store(), name: name}, nil
}

func (st *SCSStore) key(id string) string { return st.name + ":{scs}:s:" + id }
func (st *SCSStore) index() string        { return st.name + ":{scs}:all" }

// scsHandle returns the id named by an All handle, or false.
func scsHandle(token string) (string, bool) {
	id, ok := strings.CutPrefix(token, scsHandlePrefix)
	if !ok || len(id) != 64 {
		return "", false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", false
		}
	}
	return id, true
}

var (
	// KEYS: session.
	scsFindScript = NewScript(`return redis.call('GET', KEYS[1])`)
	// KEYS: session, index. ARGV: id, data, expiry ms, "XX" or "".
	scsCommitScript = NewScript(sessLuaPrelude + `
if ARGV[4] == 'XX' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local exp = tonumber(ARGV[3])
if exp <= now then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3])
indexAdd(KEYS[2], ARGV[1], ARGV[3])
return 1
`)
	// KEYS: session, index. ARGV: id.
	scsDeleteScript = NewScript(`
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`)
	// KEYS: index. ARGV: session key prefix. Returns id, data, … .
	scsAllScript = NewScript(sessLuaPrelude + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now))
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('GET', ARGV[1] .. id)
  if v then
    out[#out + 1] = id
    out[#out + 1] = v
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`)
)

// Find returns the data of the session that token names; found is false
// (with a nil error) for a token that names no live session, including a
// handle from All. It is FindCtx with a background context.
func (st *SCSStore) Find(token string) (b []byte, found bool, err error) {
	return st.FindCtx(context.Background(), token)
}

// FindCtx is Find with a context.
func (st *SCSStore) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	if _, ok := scsHandle(token); ok {
		return nil, false, nil
	}
	key := st.key(tokenID(token))
	if st.s != nil {
		v, err := st.s.Get(ctx, key)
		if err == ErrNotFound {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		return []byte(v), true, nil
	}
	reply, err := st.b.Run(ctx, scsFindScript, []string{key})
	if err != nil || reply == nil {
		return nil, false, err
	}
	v, ok := reply.(string)
	if !ok {
		return nil, false, fmt.Errorf("%w: Find: %#v", ErrBackendReply, reply)
	}
	return []byte(v), true, nil
}

// Commit stores b as the data of the session that token names until
// expiry, replacing any data it had; an expiry not in the future deletes
// the session. Through a handle from All it updates the session only if it
// is still live. It is CommitCtx with a background context.
func (st *SCSStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx is Commit with a context.
func (st *SCSStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	id, handle := scsHandle(token)
	if !handle {
		id = tokenID(token)
	}
	key, idx := st.key(id), st.index()
	exp := expiry.UnixMilli()
	if st.s != nil {
		return st.s.Atomic(ctx, func(tx *Tx) error {
			if handle {
				if n, err := tx.Exists(key); err != nil || n == 0 {
					return err
				}
			}
			now := tx.nowMs()
			if exp <= now {
				if _, err := tx.Del(key); err != nil {
					return err
				}
				_, err := tx.ZRem(idx, id)
				return err
			}
			if _, err := tx.SetArgs(key, string(b), SetArgs{ExpireAt: time.UnixMilli(exp)}); err != nil {
				return err
			}
			return sessIndexAdd(tx, idx, id, exp, now)
		})
	}
	mode := ""
	if handle {
		mode = "XX"
	}
	_, err := st.b.Run(ctx, scsCommitScript, []string{key, idx}, id, b, strconv.FormatInt(exp, 10), mode)
	return err
}

// Delete removes the session that token (or a handle from All) names; a
// session that does not exist is not an error. It is DeleteCtx with a
// background context.
func (st *SCSStore) Delete(token string) error {
	return st.DeleteCtx(context.Background(), token)
}

// DeleteCtx is Delete with a context.
func (st *SCSStore) DeleteCtx(ctx context.Context, token string) error {
	id, handle := scsHandle(token)
	if !handle {
		id = tokenID(token)
	}
	key, idx := st.key(id), st.index()
	if st.s != nil {
		return st.s.Atomic(ctx, func(tx *Tx) error {
			if _, err := tx.Del(key); err != nil {
				return err
			}
			_, err := tx.ZRem(idx, id)
			return err
		})
	}
	_, err := st.b.Run(ctx, scsDeleteScript, []string{key, idx}, id)
	return err
}

// All returns the data of every live session, each under its handle
// "sha256:<id>" (not its token, which is not stored; see SCSStore), and
// prunes the index of ended sessions. It returns an empty, non-nil map when
// there are none. It is AllCtx with a background context.
func (st *SCSStore) All() (map[string][]byte, error) {
	return st.AllCtx(context.Background())
}

// AllCtx is All with a context.
func (st *SCSStore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	idx, prefix := st.index(), st.key("")
	out := map[string][]byte{}
	if st.s != nil {
		err := st.s.Atomic(ctx, func(tx *Tx) error {
			now := tx.nowMs()
			if _, err := tx.ZRemRangeByScore(idx, "-inf", "("+strconv.FormatInt(now, 10)); err != nil {
				return err
			}
			ids, err := tx.ZRange(idx, 0, -1)
			if err != nil {
				return err
			}
			for _, id := range ids {
				v, err := tx.Get(prefix + id)
				if err == ErrNotFound {
					if _, err := tx.ZRem(idx, id); err != nil {
						return err
					}
					continue
				}
				if err != nil {
					return err
				}
				out[scsHandlePrefix+id] = []byte(v)
			}
			return nil
		})
		return out, err
	}
	reply, err := st.b.Run(ctx, scsAllScript, []string{idx}, prefix)
	if err != nil {
		return nil, err
	}
	a, ok := reply.([]any)
	if !ok || len(a)%2 != 0 {
		return nil, fmt.Errorf("%w: All: %#v", ErrBackendReply, reply)
	}
	for i := 0; i < len(a); i += 2 {
		id, ok1 := a[i].(string)
		v, ok2 := a[i+1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: All: %#v", ErrBackendReply, reply)
		}
		out[scsHandlePrefix+id] = []byte(v)
	}
	return out, nil
}
