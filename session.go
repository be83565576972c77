package embedis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Sessions: server-side web sessions with idle and absolute timeouts, a
// per-user index (list a user's sessions, log out everywhere) and tokens
// that the keyspace never holds, on either backend (see Backend).

// SessionOptions configure Sessions. The zero value is valid: a 30-minute
// idle timeout, a 24-hour absolute timeout, and a touch at most every 3
// minutes (a tenth of the idle timeout).
type SessionOptions struct {
	// IdleTimeout ends a session that has not been used (Get or Update)
	// for this long. Zero means 30 minutes.
	IdleTimeout time.Duration

	// AbsoluteTimeout ends a session this long after Create, however
	// busy it is; Rotate does not restart it. Zero means 24 hours. An
	// AbsoluteTimeout shorter than IdleTimeout makes the idle timeout
	// moot: every session ends AbsoluteTimeout after its creation.
	AbsoluteTimeout time.Duration

	// TouchInterval throttles Get's writes: Get pushes the idle deadline
	// forward only when the session was last touched at least this long
	// ago, so a burst of reads writes once. A session may therefore end
	// up to TouchInterval before IdleTimeout has passed since its last
	// read. Zero means IdleTimeout/10; it must be less than IdleTimeout.
	TouchInterval time.Duration
}

// Session is one session as Get, Create and List return it.
type Session struct {
	// Token is the secret the client presents (a cookie's value): set by
	// Create and Get, empty in List's results (the store keeps only its
	// hash, ID).
	Token string

	// ID is the hex SHA-256 of the token: a handle that names the session
	// in List's results and in Revoke without being able to open it; safe
	// to show and to log.
	ID string

	// User is the user the session belongs to; empty for an anonymous
	// session.
	User string

	// Values are the session's data: string fields, set and removed one by
	// one with Update. Never nil.
	Values map[string]string

	// Created is when Create made the session.
	Created time.Time

	// LastSeen is the last touch: Create, Update, or a Get that was not
	// throttled (see SessionOptions.TouchInterval).
	LastSeen time.Time

	// Expires is when the session ends unless it is touched again: the
	// earlier of LastSeen plus the idle timeout and AbsoluteExpires. As
	// any Redis key, the session is gone once the time is past this
	// instant.
	Expires time.Time

	// AbsoluteExpires is Created plus the absolute timeout: the session
	// ends then whatever happens.
	AbsoluteExpires time.Time
}

// Sessions keeps server-side sessions in a Backend. Create one with
// NewSessions; it is safe for concurrent use, and every method is one
// atomic step on the backend (one Atomic turn on an embedded store, one Lua
// script on Redis), so a Rotate, Destroy or DestroyAll never leaves a
// session half changed or an index out of step with its sessions.
//
// # Tokens
//
// A token is "<tag>.<secret>": a 16-hex-digit routing tag, a dot and 43
// characters of base64url carrying 256 bits from crypto/rand. The keyspace
// holds only the SHA-256 of the whole token (a session's ID), so whoever
// reads the keyspace, a backup or a replica cannot present a token. A
// malformed token is a session that does not exist (ErrSessionNotFound),
// never an error of another kind.
//
// # Keys and Cluster slots
//
//	<name>:{<tag>}:s:<id>   hash: user, created, absolute, touched (Unix ms),
//	                        and the values as fields "v:<field>"; PEXPIREAT
//	                        at the session's end
//	<name>:{<tag>}:u:<user> sorted set: the IDs of the user's sessions
//	                        scored by their end (Unix ms); PEXPIREAT at the
//	                        latest of them
//
// The tag of a user's sessions is the first 8 bytes, in hex, of the
// SHA-256 of the name, a NUL byte and the user, so all of a user's sessions and their index share one Cluster
// slot: Create, Rotate, Destroy, DestroyAll and List each touch a single
// slot and stay atomic on a Cluster. The cost of that choice: one user's
// sessions all live on one node (a user has few), and the token carries the
// tag, a stable pseudonym of the user (not the user's ID, but whoever can
// guess user IDs can test them against it). An anonymous session (user "")
// gets a random tag and no index.
//
// The index is kept consistent in every step: a session's score is moved
// with its deadline at each touch, and members whose deadline has passed
// are pruned whenever the index is written or listed, so List and
// DestroyAll cost O(k) in the user's live sessions.
//
// # Values
//
// A session's data is a map of string fields (Session.Values), each a field
// of the session's hash, not one encoded blob: Update sets and removes
// fields one by one, so concurrent requests that change different fields
// (a cart, a CSRF token, a flash message) never undo each other, and the
// fields read plainly in redis-cli. Values are binary-safe strings;
// structured data goes in a field encoded as the application likes (JSON,
// gob). The adapters, whose libraries hand over one encoded blob, keep it
// in one field (gorillasessions) or one string key (SCSStore).
//
// # Adapters
//
// Applications written for another session library keep their code:
// SCSStore is the store of github.com/alexedwards/scs/v2, and the module
// github.com/embedis/embedis/gorillasessions is a github.com/gorilla/sessions
// Store on Sessions.
//
// # Time
//
// On an embedded store the times are the store's clock (Options.Clock); on
// Redis the server's (TIME), so that several processes agree. Times have
// millisecond resolution, as Redis's deadlines.
type Sessions struct {
	b     Backend
	s     *Store
	name  string
	idle  int64 // ms
	abs   int64 // ms
	touch int64 // ms
}

// Session field names in the hash; values are stored under valuePrefix.
const (
	sessFieldUser     = "user"
	sessFieldCreated  = "created"
	sessFieldAbsolute = "absolute"
	sessFieldTouched  = "touched"
	sessValuePrefix   = "v:"
	sessSecretBytes   = 32
	sessTagLen        = 16
	sessTokenLen      = sessTagLen + 1 + 43 // tag, '.', base64url of 32 bytes
)

// NewSessions returns the sessions called name on b (the prefix of every
// key they write; see Sessions). Several Sessions values with the same
// name on the same backend share their sessions. A name containing '{' or
// '}' (which would move the Cluster hash tag), a negative timeout or
// interval, one below a millisecond, or a TouchInterval not less than the
// idle timeout is ErrSessionOptions.
func NewSessions(b Backend, name string, opts SessionOptions) (*Sessions, error) {
	if b == nil {
		return nil, fmt.Errorf("%w: nil Backend", ErrSessionOptions)
	}
	if strings.ContainsAny(name, "{}") {
		return nil, fmt.Errorf("%w: name %q contains a hash-tag brace", ErrSessionOptions, name)
	}
	ms := func(what string, d, def time.Duration) (int64, error) {
		if d == 0 {
			d = def
		}
		if d < time.Millisecond {
			return 0, fmt.Errorf("%w: %s %v is below a millisecond", ErrSessionOptions, what, d)
		}
		return d.Milliseconds(), nil
	}
	idle, err := ms("IdleTimeout", opts.IdleTimeout, 30*time.Minute)
	if err != nil {
		return nil, err
	}
	abs, err := ms("AbsoluteTimeout", opts.AbsoluteTimeout, 24*time.Hour)
	if err != nil {
		return nil, err
	}
	touch := idle / 10
	if opts.TouchInterval != 0 {
		if touch, err = ms("TouchInterval", opts.TouchInterval, 0); err != nil {
			return nil, err
		}
	}
	if touch >= idle {
		return nil, fmt.Errorf("%w: TouchInterval %v is not less than IdleTimeout %v",
			ErrSessionOptions, time.Duration(touch)*time.Millisecond, time.Duration(idle)*time.Millisecond)
	}
	return &Sessions{b: b, s: b.Store(), name: name, idle: idle, abs: abs, touch: touch}, nil
}

// sessRef is where one token's session lives.
type sessRef struct {
	tag, id string
}

// newToken returns a fresh token with the given tag.
func newToken(tag string) (string, error) {
	var secret [sessSecretBytes]byte
	if _, err := rand.Read(secret[:]); err != nil {
		return "", err
	}
	return tag + "." + base64.RawURLEncoding.EncodeToString(secret[:]), nil
}

// tokenID returns the hex SHA-256 of token.
func tokenID(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// parseToken returns the tag and ID of a well-formed token.
func parseToken(token string) (sessRef, bool) {
	if len(token) != sessTokenLen || token[sessTagLen] != '.' {
		return sessRef{}, false
	}
	for i := 0; i < sessTagLen; i++ {
		c := token[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return sessRef{}, false
		}
	}
	return sessRef{tag: token[:sessTagLen], id: tokenID(token)}, true
}

// userTag returns the routing tag of user's sessions.
func (m *Sessions) userTag(user string) string {
	sum := sha256.Sum256([]byte(m.name + "\x00" + user))
	return hex.EncodeToString(sum[:sessTagLen/2])
}

// randomTag returns the routing tag of an anonymous session.
func randomTag() (string, error) {
	var b [sessTagLen / 2]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func (m *Sessions) slot(tag string) string      { return m.name + ":{" + tag + "}:" }
func (m *Sessions) sessionKey(r sessRef) string { return m.slot(r.tag) + "s:" + r.id }
func (m *Sessions) indexKey(tag, user string) string {
	return m.slot(tag) + "u:" + user
}

// Key returns the key of the session that token names ("" for a malformed
// token), for looking at it in redis-cli or a test.
func (m *Sessions) Key(token string) string {
	r, ok := parseToken(token)
	if !ok {
		return ""
	}
	return m.sessionKey(r)
}

// IndexKey returns the key of user's session index (see Sessions).
func (m *Sessions) IndexKey(user string) string {
	return m.indexKey(m.userTag(user), user)
}

// The Lua steps of Sessions, one per method. Each reads the server's time
// once (TIME) and keeps the index as the Go steps do. A step that learns the
// user only from the session's hash (Get, Update, Rotate, Destroy) names
// the index from ARGV rather than KEYS: the index shares the declared
// session key's hash tag, hence its slot, which Redis 7's Cluster checks
// and allows (the Cluster conformance run proves it).
var (
	// sessLuaPrelude: now in ms, and indexAdd (score a member, prune the
	// members past their deadline, deadline the index at its latest
	// member).
	sessLuaPrelude = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function indexAdd(idx, id, score)
  redis.call('ZADD', idx, score, id)
  redis.call('ZREMRANGEBYSCORE', idx, '-inf', string.format('(%d', now))
  local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
  if top[2] then redis.call('PEXPIREAT', idx, top[2]) end
end
`
	// KEYS: session, index. ARGV: id, user, idle, abs, field, value, …
	sessCreateScript = NewScript(sessLuaPrelude + `
local abs = now + tonumber(ARGV[4])
local exp = math.min(abs, now + tonumber(ARGV[3]))
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'user', ARGV[2], 'created', now, 'absolute', abs, 'touched', now)
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIREAT', KEYS[1], exp)
if ARGV[2] ~= '' then indexAdd(KEYS[2], ARGV[1], exp) end
return {now, abs, exp}
`)
	// KEYS: session. ARGV: id, index prefix, idle, touch interval.
	// Returns false, or {expires, hash pairs…} after any touch.
	sessGetScript = NewScript(sessLuaPrelude + `
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return false end
local ti, user, abs
for i = 1, #h, 2 do
  if h[i] == 'touched' then ti = i + 1
  elseif h[i] == 'user' then user = h[i + 1]
  elseif h[i] == 'absolute' then abs = tonumber(h[i + 1]) end
end
if now - tonumber(h[ti]) >= tonumber(ARGV[4]) then
  local exp = math.min(abs, now + tonumber(ARGV[3]))
  redis.call('HSET', KEYS[1], 'touched', now)
  redis.call('PEXPIREAT', KEYS[1], exp)
  if user ~= '' then indexAdd(ARGV[2] .. user, ARGV[1], exp) end
  h[ti] = tostring(now)
end
return {redis.call('PEXPIRETIME', KEYS[1]), h}
`)
	// KEYS: session. ARGV: id, index prefix, idle, number of fields to
	// delete, those fields, then field, value, … to set.
	sessUpdateScript = NewScript(sessLuaPrelude + `
local meta = redis.call('HMGET', KEYS[1], 'user', 'absolute')
if not meta[1] then return false end
local ndel = tonumber(ARGV[4])
for i = 5, 4 + ndel do redis.call('HDEL', KEYS[1], ARGV[i]) end
for i = 5 + ndel, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
local exp = math.min(tonumber(meta[2]), now + tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'touched', now)
redis.call('PEXPIREAT', KEYS[1], exp)
if meta[1] ~= '' then indexAdd(ARGV[2] .. meta[1], ARGV[1], exp) end
return 1
`)
	// KEYS: old session, new session. ARGV: old id, new id, index prefix.
	sessRotateScript = NewScript(sessLuaPrelude + `
local user = redis.call('HGET', KEYS[1], 'user')
if not user then return false end
redis.call('RENAME', KEYS[1], KEYS[2])
if user ~= '' then
  local idx = ARGV[3] .. user
  redis.call('ZREM', idx, ARGV[1])
  indexAdd(idx, ARGV[2], redis.call('PEXPIRETIME', KEYS[2]))
end
return 1
`)
	// KEYS: session. ARGV: id, index prefix.
	sessDestroyScript = NewScript(`
local user = redis.call('HGET', KEYS[1], 'user')
if not user then return 0 end
redis.call('DEL', KEYS[1])
if user ~= '' then redis.call('ZREM', ARGV[2] .. user, ARGV[1]) end
return 1
`)
	// KEYS: index. ARGV: session key prefix.
	sessDestroyAllScript = NewScript(`
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local n = 0
for _, id in ipairs(ids) do n = n + redis.call('DEL', ARGV[1] .. id) end
redis.call('DEL', KEYS[1])
return n
`)
	// KEYS: index. ARGV: session key prefix, id.
	sessRevokeScript = NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
return redis.call('DEL', ARGV[1] .. ARGV[2])
`)
	// KEYS: index. ARGV: session key prefix. Returns id, expires, hash
	// pairs for each live session.
	sessListScript = NewScript(sessLuaPrelude + `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('(%d', now))
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local k = ARGV[1] .. id
  local h = redis.call('HGETALL', k)
  if #h == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    out[#out + 1] = id
    out[#out + 1] = redis.call('PEXPIRETIME', k)
    out[#out + 1] = h
  end
end
return out
`)
)

// Create starts a session for user ("" for an anonymous session, which no
// index lists) holding values (nil for none) and returns it with its token.
// A value's field may be any string.
func (m *Sessions) Create(ctx context.Context, user string, values map[string]string) (Session, error) {
	tag := m.userTag(user)
	if user == "" {
		var err error
		if tag, err = randomTag(); err != nil {
			return Session{}, err
		}
	}
	token, err := newToken(tag)
	if err != nil {
		return Session{}, err
	}
	r := sessRef{tag: tag, id: tokenID(token)}
	key, idx := m.sessionKey(r), m.indexKey(tag, user)
	out := Session{Token: token, ID: r.id, User: user, Values: make(map[string]string, len(values))}
	for f, v := range values {
		out.Values[f] = v
	}
	var now, abs, exp int64
	if m.s != nil {
		err = m.s.Atomic(ctx, func(tx *Tx) error {
			now = tx.nowMs()
			abs, exp = now+m.abs, min(now+m.abs, now+m.idle)
			if _, err := tx.Del(key); err != nil {
				return err
			}
			pairs := make([]string, 0, 8+2*len(values))
			pairs = append(pairs, sessFieldUser, user, sessFieldCreated, strconv.FormatInt(now, 10),
				sessFieldAbsolute, strconv.FormatInt(abs, 10), sessFieldTouched, strconv.FormatInt(now, 10))
			for f, v := range values {
				pairs = append(pairs, sessValuePrefix+f, v)
			}
			if _, err := tx.HSet(key, pairs...); err != nil {
				return err
			}
			if _, err := tx.PExpireAt(key, time.UnixMilli(exp)); err != nil {
				return err
			}
			if user != "" {
				return sessIndexAdd(tx, idx, r.id, exp, now)
			}
			return nil
		})
	} else {
		args := make([]any, 0, 4+2*len(values))
		args = append(args, r.id, user, m.idle, m.abs)
		for f, v := range values {
			args = append(args, sessValuePrefix+f, v)
		}
		var reply any
		reply, err = m.b.Run(ctx, sessCreateScript, []string{key, idx}, args...)
		if err == nil {
			a, ok := reply.([]any)
			if !ok || len(a) != 3 {
				return Session{}, fmt.Errorf("%w: Create: %#v", ErrBackendReply, reply)
			}
			now, abs, exp = replyInt(a[0]), replyInt(a[1]), replyInt(a[2])
		}
	}
	if err != nil {
		return Session{}, err
	}
	out.Created, out.LastSeen = time.UnixMilli(now), time.UnixMilli(now)
	out.AbsoluteExpires, out.Expires = time.UnixMilli(abs), time.UnixMilli(exp)
	return out, nil
}

// sessIndexAdd is the Go twin of the scripts' indexAdd: score id at
// deadline exp in the index, prune the members already past theirs, and
// give the index the deadline of its latest member.
func sessIndexAdd(tx *Tx, idx, id string, exp, now int64) error {
	if _, err := tx.ZAdd(idx, Z{Score: float64(exp), Member: id}); err != nil {
		return err
	}
	if _, err := tx.ZRemRangeByScore(idx, "-inf", "("+strconv.FormatInt(now, 10)); err != nil {
		return err
	}
	top, err := tx.ZRevRangeWithScores(idx, 0, 0)
	if err != nil || len(top) == 0 {
		return err
	}
	_, err = tx.PExpireAt(idx, time.UnixMilli(int64(top[0].Score)))
	return err
}

// Get returns the session that token names, or ErrSessionNotFound if there
// is none (never created, expired, destroyed, rotated away, or a malformed
// token). It touches the session — pushes its idle deadline forward — when
// the last touch is at least TouchInterval old, so most reads do not write.
func (m *Sessions) Get(ctx context.Context, token string) (Session, error) {
	r, ok := parseToken(token)
	if !ok {
		return Session{}, ErrSessionNotFound
	}
	key := m.sessionKey(r)
	var fields map[string]string
	var exp int64
	if m.s != nil {
		err := m.s.Atomic(ctx, func(tx *Tx) error {
			h, err := tx.HGetAll(key)
			if err != nil || len(h) == 0 {
				return err
			}
			fields = h
			now := tx.nowMs()
			touched, _ := strconv.ParseInt(h[sessFieldTouched], 10, 64)
			if now-touched >= m.touch {
				abs, _ := strconv.ParseInt(h[sessFieldAbsolute], 10, 64)
				e := min(abs, now+m.idle)
				if _, err := tx.HSet(key, sessFieldTouched, strconv.FormatInt(now, 10)); err != nil {
					return err
				}
				if _, err := tx.PExpireAt(key, time.UnixMilli(e)); err != nil {
					return err
				}
				if u := h[sessFieldUser]; u != "" {
					if err := sessIndexAdd(tx, m.indexKey(r.tag, u), r.id, e, now); err != nil {
						return err
					}
				}
				h[sessFieldTouched] = strconv.FormatInt(now, 10)
			}
			exp, err = tx.PExpireTime(key)
			return err
		})
		if err != nil {
			return Session{}, err
		}
	} else {
		reply, err := m.b.Run(ctx, sessGetScript, []string{key}, r.id, m.slot(r.tag)+"u:", m.idle, m.touch)
		if err != nil {
			return Session{}, err
		}
		if reply == nil {
			return Session{}, ErrSessionNotFound
		}
		a, ok := reply.([]any)
		if !ok || len(a) != 2 {
			return Session{}, fmt.Errorf("%w: Get: %#v", ErrBackendReply, reply)
		}
		exp = replyInt(a[0])
		if fields, err = replyPairs(a[1]); err != nil {
			return Session{}, err
		}
	}
	// exp < 0: the touch fell on the absolute deadline's millisecond and
	// ended the session.
	if fields == nil || exp < 0 {
		return Session{}, ErrSessionNotFound
	}
	out := sessionFromFields(r.id, fields, exp)
	out.Token = token
	return out, nil
}

// sessionFromFields builds a Session (without its token) from the fields of
// its hash and its key's deadline.
func sessionFromFields(id string, h map[string]string, exp int64) Session {
	ms := func(f string) time.Time {
		v, _ := strconv.ParseInt(h[f], 10, 64)
		return time.UnixMilli(v)
	}
	out := Session{ID: id, User: h[sessFieldUser], Values: map[string]string{},
		Created: ms(sessFieldCreated), LastSeen: ms(sessFieldTouched),
		AbsoluteExpires: ms(sessFieldAbsolute), Expires: time.UnixMilli(exp)}
	for f, v := range h {
		if strings.HasPrefix(f, sessValuePrefix) {
			out.Values[f[len(sessValuePrefix):]] = v
		}
	}
	return out
}

// Update changes the values of the session that token names in one step:
// it removes the fields in del, then sets those in set (a field in both is
// set), and touches the session. Fields it does not name keep their values,
// so two requests updating different fields do not undo each other. It
// returns ErrSessionNotFound if there is no such session.
func (m *Sessions) Update(ctx context.Context, token string, set map[string]string, del ...string) error {
	r, ok := parseToken(token)
	if !ok {
		return ErrSessionNotFound
	}
	key := m.sessionKey(r)
	if m.s != nil {
		found := false
		err := m.s.Atomic(ctx, func(tx *Tx) error {
			meta, err := tx.HMGet(key, sessFieldUser, sessFieldAbsolute)
			if err != nil || meta[0] == nil {
				return err
			}
			found = true
			for _, f := range del {
				if _, err := tx.HDel(key, sessValuePrefix+f); err != nil {
					return err
				}
			}
			now := tx.nowMs()
			pairs := make([]string, 0, 2+2*len(set))
			for f, v := range set {
				pairs = append(pairs, sessValuePrefix+f, v)
			}
			pairs = append(pairs, sessFieldTouched, strconv.FormatInt(now, 10))
			if _, err := tx.HSet(key, pairs...); err != nil {
				return err
			}
			abs, _ := strconv.ParseInt(*meta[1], 10, 64)
			exp := min(abs, now+m.idle)
			if _, err := tx.PExpireAt(key, time.UnixMilli(exp)); err != nil {
				return err
			}
			if u := *meta[0]; u != "" {
				return sessIndexAdd(tx, m.indexKey(r.tag, u), r.id, exp, now)
			}
			return nil
		})
		if err == nil && !found {
			err = ErrSessionNotFound
		}
		return err
	}
	args := make([]any, 0, 4+len(del)+2*len(set))
	args = append(args, r.id, m.slot(r.tag)+"u:", m.idle, len(del))
	for _, f := range del {
		args = append(args, sessValuePrefix+f)
	}
	for f, v := range set {
		args = append(args, sessValuePrefix+f, v)
	}
	reply, err := m.b.Run(ctx, sessUpdateScript, []string{key}, args...)
	if err == nil && reply == nil {
		err = ErrSessionNotFound
	}
	return err
}

// Rotate gives the session that token names a new token and returns it:
// in one step the session moves to the new token's key with its values,
// creation time and deadlines unchanged, and the old token stops working.
// Call it when the session's privilege changes (after a log-in, a password
// change), so that a token an attacker planted or saw before is worthless.
// It returns ErrSessionNotFound if there is no such session. The new token
// keeps the old one's tag, so a session cannot change user by rotating: to
// log an anonymous visitor in, Create a session for the user and Destroy
// the anonymous one.
func (m *Sessions) Rotate(ctx context.Context, token string) (string, error) {
	r, ok := parseToken(token)
	if !ok {
		return "", ErrSessionNotFound
	}
	fresh, err := newToken(r.tag)
	if err != nil {
		return "", err
	}
	nr := sessRef{tag: r.tag, id: tokenID(fresh)}
	oldKey, newKey := m.sessionKey(r), m.sessionKey(nr)
	if m.s != nil {
		found := false
		err = m.s.Atomic(ctx, func(tx *Tx) error {
			user, err := tx.HGet(oldKey, sessFieldUser)
			if err == ErrNotFound {
				return nil
			}
			if err != nil {
				return err
			}
			found = true
			if err := tx.Rename(oldKey, newKey); err != nil {
				return err
			}
			if user == "" {
				return nil
			}
			idx := m.indexKey(r.tag, user)
			if _, err := tx.ZRem(idx, r.id); err != nil {
				return err
			}
			exp, err := tx.PExpireTime(newKey)
			if err != nil {
				return err
			}
			return sessIndexAdd(tx, idx, nr.id, exp, tx.nowMs())
		})
		if err == nil && !found {
			err = ErrSessionNotFound
		}
	} else {
		var reply any
		reply, err = m.b.Run(ctx, sessRotateScript, []string{oldKey, newKey}, r.id, nr.id, m.slot(r.tag)+"u:")
		if err == nil && reply == nil {
			err = ErrSessionNotFound
		}
	}
	if err != nil {
		return "", err
	}
	return fresh, nil
}

// Destroy ends the session that token names (a log-out) and removes it
// from its user's index. Destroying a session that does not exist is not
// an error: logging out twice is harmless.
func (m *Sessions) Destroy(ctx context.Context, token string) error {
	r, ok := parseToken(token)
	if !ok {
		return nil
	}
	key := m.sessionKey(r)
	if m.s != nil {
		return m.s.Atomic(ctx, func(tx *Tx) error {
			user, err := tx.HGet(key, sessFieldUser)
			if err == ErrNotFound {
				return nil
			}
			if err != nil {
				return err
			}
			if _, err := tx.Del(key); err != nil {
				return err
			}
			if user != "" {
				_, err = tx.ZRem(m.indexKey(r.tag, user), r.id)
			}
			return err
		})
	}
	_, err := m.b.Run(ctx, sessDestroyScript, []string{key}, r.id, m.slot(r.tag)+"u:")
	return err
}

// DestroyAll ends every session of user (log out everywhere) in one step
// and returns how many were live. It costs O(k) in the user's sessions.
// An empty user (anonymous sessions, which have no index) ends none.
func (m *Sessions) DestroyAll(ctx context.Context, user string) (int64, error) {
	if user == "" {
		return 0, nil
	}
	tag := m.userTag(user)
	idx, prefix := m.indexKey(tag, user), m.slot(tag)+"s:"
	if m.s != nil {
		var n int64
		err := m.s.Atomic(ctx, func(tx *Tx) error {
			ids, err := tx.ZRange(idx, 0, -1)
			if err != nil {
				return err
			}
			for _, id := range ids {
				d, err := tx.Del(prefix + id)
				if err != nil {
					return err
				}
				n += d
			}
			_, err = tx.Del(idx)
			return err
		})
		return n, err
	}
	reply, err := m.b.Run(ctx, sessDestroyAllScript, []string{idx}, prefix)
	if err != nil {
		return 0, err
	}
	return replyInt(reply), nil
}

// Revoke ends one of user's sessions by its ID (as List shows it), to log
// out one device from a list of them, and reports whether it was live. The
// ID cannot open the session; only its user's index can name it here.
func (m *Sessions) Revoke(ctx context.Context, user, id string) (bool, error) {
	if user == "" {
		return false, nil
	}
	tag := m.userTag(user)
	idx, prefix := m.indexKey(tag, user), m.slot(tag)+"s:"
	if m.s != nil {
		var n int64
		err := m.s.Atomic(ctx, func(tx *Tx) error {
			removed, err := tx.ZRem(idx, id)
			if err != nil || removed == 0 {
				return err
			}
			n, err = tx.Del(prefix + id)
			return err
		})
		return n == 1, err
	}
	reply, err := m.b.Run(ctx, sessRevokeScript, []string{idx}, prefix, id)
	return err == nil && replyInt(reply) == 1, err
}

// List returns user's live sessions, oldest first (by Created, then ID),
// without their tokens, and prunes the index of sessions that have ended.
// It costs O(k) in the user's sessions. An empty user lists none.
func (m *Sessions) List(ctx context.Context, user string) ([]Session, error) {
	if user == "" {
		return nil, nil
	}
	tag := m.userTag(user)
	idx, prefix := m.indexKey(tag, user), m.slot(tag)+"s:"
	var out []Session
	if m.s != nil {
		err := m.s.Atomic(ctx, func(tx *Tx) error {
			now := tx.nowMs()
			if _, err := tx.ZRemRangeByScore(idx, "-inf", "("+strconv.FormatInt(now, 10)); err != nil {
				return err
			}
			ids, err := tx.ZRange(idx, 0, -1)
			if err != nil {
				return err
			}
			for _, id := range ids {
				h, err := tx.HGetAll(prefix + id)
				if err != nil {
					return err
				}
				if len(h) == 0 {
					if _, err := tx.ZRem(idx, id); err != nil {
						return err
					}
					continue
				}
				exp, err := tx.PExpireTime(prefix + id)
				if err != nil {
					return err
				}
				out = append(out, sessionFromFields(id, h, exp))
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	} else {
		reply, err := m.b.Run(ctx, sessListScript, []string{idx}, prefix)
		if err != nil {
			return nil, err
		}
		a, ok := reply.([]any)
		if !ok || len(a)%3 != 0 {
			return nil, fmt.Errorf("%w: List: %#v", ErrBackendReply, reply)
		}
		for i := 0; i < len(a); i += 3 {
			id, _ := a[i].(string)
			h, err := replyPairs(a[i+2])
			if err != nil {
				return nil, err
			}
			out = append(out, sessionFromFields(id, h, replyInt(a[i+1])))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// replyInt returns a script's integer reply (0 for anything else).
func replyInt(v any) int64 {
	n, _ := v.(int64)
	return n
}

// replyPairs turns a script's HGETALL reply into a map.
func replyPairs(v any) (map[string]string, error) {
	a, ok := v.([]any)
	if !ok || len(a)%2 != 0 {
		return nil, fmt.Errorf("%w: hash %#v", ErrBackendReply, v)
	}
	h := make(map[string]string, len(a)/2)
	for i := 0; i < len(a); i += 2 {
		f, ok1 := a[i].(string)
		val, ok2 := a[i+1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("%w: hash %#v", ErrBackendReply, v)
		}
		h[f] = val
	}
	return h, nil
}
