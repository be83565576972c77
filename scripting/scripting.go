// Package scripting runs Redis's Lua scripts (EVAL, EVALSHA, EVAL_RO,
// EVALSHA_RO, SCRIPT) on an embedis Store, as Redis 7.0 runs them. Import it
// for its effect, and Store.Eval, Store.EvalSha and the wire commands work:
//
//	import _ "github.com/embedis/embedis/scripting"
//
//	n, err := store.Eval(ctx, "return redis.call('INCRBY', KEYS[1], ARGV[1])", []string{"hits"}, "5")
//
// The Lua virtual machine is github.com/yuin/gopher-lua, a Lua 5.1 written in
// Go (Redis embeds Lua 5.1): the module's second dependency, kept in this
// package so that a program that never scripts does not link it (the
// embedis package registers this one through embedis.RegisterScriptEngine
// and does not import it).
//
// # How a script runs
//
// A script runs as the store's owner, inside the turn of the command that
// runs it: atomic, as in Redis. redis.call and redis.pcall run commands
// through embedis's one command table (Tx.Do), so their write effects, WATCH
// invalidations and keyspace events are those of the commands: the
// write-effect stream (the append-only log) holds the commands a script ran,
// and replaying it never runs Lua. A SELECT inside a script changes the
// database of the script's later calls only. Blocking commands are refused
// (Redis flags them noscript), and so are the others flagged noscript
// (MULTI, WATCH, EVAL, …); XREAD BLOCK and the like answer at once. A
// script run by EVAL_RO or EVALSHA_RO may not call a write command.
//
// Each store has one Lua state, made on its first script and reused by
// every later one (only the owner runs scripts, one at a time), and a cache
// of compiled scripts by SHA-1: a script is parsed and compiled once, and
// EVALSHA of a cached script only binds KEYS and ARGV and runs it. The cache
// is not bounded (Redis 7.0's is not either); SCRIPT FLUSH empties it.
//
// # Conversions
//
// Replies of redis.call become Lua values as in Redis 7.0 with RESP2 (the
// default): an integer a number, a bulk string a string, a null false, a
// status reply {ok=s}, an error {err=s}, an array a table. After
// redis.setresp(3) they follow RESP3: a null is nil, a map {map={k=v,…}}, a
// set {set={m=true,…}}, a double {double=n}. A script's return value becomes
// the reply: a number an integer (truncated toward zero), a string a bulk
// string, a table an array that stops at its first nil, {ok=s} a status,
// {err=s} an error, {double=n}, {map=t}, {set=t}, {big_number=s} and
// {verbatim_string={format=f, string=s}} their RESP3 types (RESP2 clients get
// them as Redis sends them), true 1 and false a null (with RESP3 set in the
// script: the booleans), nil and other values a null.
//
// # The Lua environment
//
// As in Redis: the base library without print, loadfile, dofile, setfenv,
// getfenv, module, require and newproxy; table, string, math and coroutine;
// no os, io, debug or package. Globals are read-only: reading a global that
// does not exist fails with "Script attempted to access nonexistent global
// variable", writing one with "Attempt to modify a readonly table", and the
// library tables (redis, string, math, table, …) are read-only too.
// math.random and math.randomseed use Redis's rand48 generator, one per
// store, in the state Redis 7.0 starts it in and never reseeds (SCRIPT
// FLUSH does not either): a fresh store draws the numbers a fresh
// redis-server draws.
// The redis table holds call, pcall, error_reply, status_reply, sha1hex,
// log with LOG_DEBUG, LOG_VERBOSE, LOG_NOTICE and LOG_WARNING (written to
// log/slog's default logger), setresp, set_repl with REPL_* (only REPL_ALL
// and REPL_AOF are accepted: the effects always go to the write-effect
// stream), replicate_commands (true), breakpoint and debug (no-ops, as
// outside a debugging session), acl_check_cmd, REDIS_VERSION and
// REDIS_VERSION_NUM.
//
// # Scripts that run long
//
// As in Redis, a script that has run for busy-reply-threshold
// (Store.SetBusyReplyThreshold; lua-time-limit on the server; 5 s by
// default) makes the store busy: other callers fail at once with
// embedis.ErrBusy (Redis's BUSY text) rather than wait, and SCRIPT KILL
// (Store.ScriptKill) stops the script if it has not written — it fails
// with Redis's "Script killed by user with SCRIPT KILL..." error — or
// answers UNKILLABLE if it has, and the script runs to its end. The Lua
// state runs with a context that the kill cancels (gopher-lua checks it
// before every instruction, so pcall cannot catch the kill for long); the
// caller's own context is honoured the same way: when it ends before the
// script has written, the script stops and the call returns the context's
// error.
//
// The libraries Redis ships are there too, read-only like the others:
// cjson, cmsgpack, bit and struct, with Redis 7.0's semantics and error
// texts (lib_cjson.go, lib_cmsgpack.go, lib_bit.go and lib_struct.go say
// what each does). Where they list a table's keys (cjson objects and
// cmsgpack maps of more than one key) the order is gopher-lua's, not Lua
// 5.1's. cjson's settings, as in Redis, last until SCRIPT FLUSH, which
// starts a new Lua state.
//
// Not built yet: Redis 7.0 functions (FUNCTION, FCALL); the Lua debugger
// (SCRIPT DEBUG YES).
package scripting

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/embedis/embedis"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

func init() {
	embedis.RegisterScriptEngine(func() embedis.ScriptEngine {
		return &engine{scripts: map[string]*script{}, rand: newRand48()}
	})
}

// engine is one store's scripts: its Lua state, the compiled scripts by
// SHA-1, and the state of the script running now.
type engine struct {
	L       *lua.LState
	globals *lua.LTable // the real globals; scripts see them through env
	env     *lua.LTable // the read-only view of globals that scripts run in
	handler *lua.LFunction
	scripts map[string]*script

	// The running script.
	tx       *embedis.Tx
	run      *embedis.ScriptRun // for SCRIPT KILL and the caller's context
	sha      string
	readOnly bool
	resp     int // the protocol of redis.call's replies: 2 or 3 (redis.setresp)
	rand     rand48
	failure  *failure // how the script failed, set by the error handler
	panicked any      // a command that panicked inside the script: re-raised after it
}

// failure is what the error handler learnt of a script's error: the
// message, and where it was raised (source "" when unknown).
type failure struct {
	msg    string
	source string
	line   int
}

// shaOf returns the lower-case hex SHA-1 of s.
func shaOf(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// script is a compiled script and the flags of its shebang.
type script struct {
	proto    *lua.FunctionProto
	noWrites bool // #!lua flags=no-writes
}

// compile parses and compiles a script as the chunk "@user_script", after
// its shebang line, if any (Redis 7.0's "#!lua flags=no-writes,…", made a
// comment so that line numbers stay).
func compile(src string) (*script, error) {
	sc := &script{}
	body := src
	if strings.HasPrefix(src, "#!") {
		line, _, ok := strings.Cut(src, "\n")
		if !ok {
			return nil, embedis.ScriptError("ERR " + msgShebangInvalid)
		}
		parts := strings.Fields(line)
		if parts[0] != "#!lua" {
			return nil, embedis.ScriptError("ERR " + msgShebangEngine + parts[0])
		}
		for _, p := range parts[1:] {
			flags, ok := strings.CutPrefix(p, "flags=")
			if !ok {
				return nil, embedis.ScriptError("ERR " + msgShebangOption + p)
			}
			for _, f := range strings.Split(flags, ",") {
				switch f {
				case "no-writes":
					sc.noWrites = true
				case "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys":
					// Nothing to allow: no maxmemory refusals in
					// scripts, no replicas, no cluster.
				default:
					return nil, embedis.ScriptError("ERR " + msgShebangFlag + f)
				}
			}
		}
		body = "--" + src[2:]
	}
	chunk, err := parse.Parse(strings.NewReader(body), chunkName)
	if err != nil {
		return nil, compileError(body, err)
	}
	if sc.proto, err = lua.Compile(chunk, chunkName); err != nil {
		return nil, compileError(body, err)
	}
	return sc, nil
}

// Load compiles and caches script (SCRIPT LOAD).
func (e *engine) Load(script string) (string, error) {
	sha := shaOf(script)
	if _, ok := e.scripts[sha]; ok {
		return sha, nil
	}
	sc, err := compile(script)
	if err != nil {
		return "", err
	}
	e.scripts[sha] = sc
	return sha, nil
}

// Exists reports whether sha's script is cached.
func (e *engine) Exists(sha string) bool {
	_, ok := e.scripts[strings.ToLower(sha)]
	return ok
}

// Flush empties the cache (SCRIPT FLUSH) and, as Redis does, drops the Lua
// state: the next script gets a fresh one (the cjson settings a script
// changed go back to their defaults).
func (e *engine) Flush() {
	clear(e.scripts)
	if e.L != nil {
		e.L.Close()
		e.L = nil
	}
}

// Run runs a script as EVAL or EVALSHA and writes its reply to w.
func (e *engine) Run(tx *embedis.Tx, w embedis.ReplyWriter, call embedis.ScriptCall) {
	var sc *script
	var sha string
	if call.Cached {
		sha = strings.ToLower(call.SHA)
		sc = e.scripts[sha]
		if sc == nil {
			w.WriteError(embedis.ErrNoScript)
			return
		}
	} else {
		var err error
		if sha, err = e.Load(call.Source); err != nil {
			w.WriteError(err)
			return
		}
		sc = e.scripts[sha]
	}
	if e.L == nil {
		e.open()
	}
	L := e.L
	e.globals.RawSetString("KEYS", stringTable(L, call.Keys))
	e.globals.RawSetString("ARGV", stringTable(L, call.Args))
	e.tx, e.sha, e.readOnly, e.resp = tx, sha, call.ReadOnly || sc.noWrites, 2
	e.run = call.Run
	if call.Run != nil {
		// gopher-lua checks the context at every instruction: SCRIPT
		// KILL and the caller's context stop the script there.
		L.SetContext(call.Run.Context())
	}
	e.failure, e.panicked = nil, nil
	db := tx.DBIndex()
	tx.AllowBlocking(false)

	fn := L.NewFunctionFromProto(sc.proto)
	fn.Env = e.env
	L.Push(fn)
	err, escaped := e.pcall0(L)
	e.tx, e.run = nil, nil
	if call.Run != nil {
		L.RemoveContext()
	}
	tx.Select(db)
	if p := e.panicked; p != nil {
		// A command panicked: the store's own recovery decides (it
		// stops the store), as it would outside a script.
		e.panicked = nil
		L.SetTop(0)
		panic(p)
	}
	if escaped {
		// gopher-lua failed while unwinding (the value stack was full
		// when the error handler was pushed): the state may be
		// inconsistent, so the next script gets a new one.
		e.L = nil
		w.WriteError(embedis.ScriptError("ERR " + msgVMFailed + " script: " + sha + "."))
		return
	}
	if err != nil {
		L.SetTop(0)
		if call.Run != nil {
			if stop := call.Run.Stopped(); stop != nil {
				w.WriteError(e.stoppedError(stop))
				return
			}
		}
		w.WriteError(e.scriptError())
		return
	}
	writeLuaReply(w, L.Get(-1), e.resp)
	L.SetTop(0)
}

// pcall0 calls the function on top of L's stack with the error handler,
// reporting a panic that gopher-lua let escape its PCall as escaped.
func (e *engine) pcall0(L *lua.LState) (err error, escaped bool) {
	defer func() {
		if p := recover(); p != nil {
			escaped = true
		}
	}()
	return L.PCall(0, 1, e.handler), false
}

// stringTable returns ss as a Lua array.
func stringTable(L *lua.LState, ss []string) *lua.LTable {
	t := L.CreateTable(len(ss), 0)
	for _, s := range ss {
		t.Append(lua.LString(s))
	}
	return t
}

// scriptError is the reply of a script that failed, as Redis 7.0 words it:
// the message, then " script: <sha>, on @user_script:<line>.".
func (e *engine) scriptError() error {
	f := e.failure
	if f == nil {
		f = &failure{msg: "ERR " + errUnknown}
	}
	text := f.msg
	if f.source != "" {
		text += " script: " + e.sha + ", on " + f.source + ":" + itoa(f.line) + "."
	} else {
		text += " script: " + e.sha + "."
	}
	return embedis.ScriptError(sanitize(text))
}

// stoppedError is the reply of a script stopped by SCRIPT KILL (Redis's
// text, with the SHA-1 and the line it was stopped on) or by its caller's
// context (the context's error).
func (e *engine) stoppedError(stop error) error {
	if !errors.Is(stop, embedis.ErrScriptKilled) {
		return stop
	}
	text := stop.Error() + " script: " + e.sha + "."
	if f := e.failure; f != nil && f.source != "" {
		text = stop.Error() + " script: " + e.sha + ", on " + f.source + ":" + itoa(f.line) + "."
	}
	return embedis.ScriptKilledError(text)
}

// sanitize makes a reply's text one line, as Redis writes error and status
// replies: CR and LF become spaces.
func sanitize(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
