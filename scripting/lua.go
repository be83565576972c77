package scripting

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"strings"

	"github.com/embedis/embedis"
	lua "github.com/yuin/gopher-lua"
)

// chunkName is the name scripts are compiled under: Lua's messages say
// "user_script:1:", Redis's suffix "on @user_script:1.".
const chunkName = "user_script"

// Limits of the Lua state, so that a hostile script fails with a Lua error
// rather than exhausting the process: the call depth (Lua functions calling
// each other), the value stack's growth, a reply's nesting and a string's
// size.
const (
	maxCallDepth   = 200
	registrySize   = 1024 * 20
	registryMax    = 1024 * 1024
	maxReplyDepth  = 1000
	maxStringBytes = 512 << 20 // proto-max-bulk-len
	maxResults     = 8000      // Lua 5.1's LUAI_MAXCSTACK
)

// open makes the Lua state with the libraries and sandbox Redis sets up.
func (e *engine) open() {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    maxCallDepth,
		RegistrySize:     registrySize,
		RegistryMaxSize:  registryMax,
		RegistryGrowStep: 64 * 1024,
	})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	G := L.G.Global
	for _, name := range []string{"print", "loadfile", "dofile", "setfenv", "getfenv", "module", "require", "newproxy", "_printregs"} {
		G.RawSetString(name, lua.LNil)
	}
	G.RawSetString("error", L.NewFunction(luaError))
	G.RawSetString("pcall", L.NewFunction(e.pcall))
	G.RawSetString("unpack", L.NewFunction(unpack))
	G.RawSetString("gcinfo", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(0))
		return 1
	}))
	str := G.RawGetString("string").(*lua.LTable)
	str.RawSetString("rep", L.NewFunction(stringRep))
	mathLib := G.RawGetString("math").(*lua.LTable)
	mathLib.RawSetString("random", L.NewFunction(e.mathRandom))
	mathLib.RawSetString("randomseed", L.NewFunction(e.mathRandomSeed))
	G.RawSetString("redis", e.redisLib(L))
	openLibs(L, G)

	// The sandbox: scripts run in env, an empty table whose reads go to
	// the globals (a missing one is an error) and whose writes fail; the
	// library tables are read-only views too.
	readonly := L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s", msgReadonly)
		return 0
	})
	views := map[*lua.LTable]*lua.LTable{} // view -> the table it shows
	view := func(t *lua.LTable) *lua.LTable {
		p := L.NewTable()
		views[p] = t
		m := L.NewTable()
		m.RawSetString("__index", t)
		m.RawSetString("__newindex", readonly)
		m.RawSetString("__metatable", lua.LFalse)
		L.SetMetatable(p, m)
		return p
	}
	for _, name := range []string{"string", "table", "math", "coroutine", "redis", "cjson", "cmsgpack", "bit", "struct"} {
		G.RawSetString(name, view(G.RawGetString(name).(*lua.LTable)))
	}
	missing := L.NewTable()
	missing.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgNoGlobal, lua.LVAsString(L.Get(2)))
		return 0
	}))
	L.SetMetatable(G, missing)
	e.env = view(G)
	// The functions gopher-lua makes from now on (load, loadstring)
	// run in the sandbox too.
	L.Env = e.env
	// rawset would bypass a view's __newindex: it refuses them as Redis's
	// read-only tables refuse it.
	G.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		if views[t] != nil {
			L.Error(lua.LString(msgReadonly), 0)
		}
		k := L.CheckAny(2)
		v := L.CheckAny(3)
		if k == lua.LNil {
			L.ArgError(2, "table index is nil")
		}
		t.RawSet(k, v)
		L.Push(t)
		return 1
	}))
	// next and pairs walk the table a view shows, as they walk Redis's
	// read-only tables (pairs(cjson) lists its functions).
	next := L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		if u := views[t]; u != nil {
			t = u
		}
		k, v := t.Next(L.Get(2))
		if k == lua.LNil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(k)
		L.Push(v)
		return 2
	})
	G.RawSetString("next", next)
	G.RawSetString("pairs", L.NewFunction(func(L *lua.LState) int {
		L.Push(next)
		L.Push(L.CheckTable(1))
		L.Push(lua.LNil)
		return 3
	}))
	G.RawSetString("_G", e.env)
	e.globals = G
	e.handler = L.NewFunction(e.onError)
	e.L = L
}

// onError is the message handler of a script's call: it notes the error's
// message and the script line it came from, as Redis's handler does (the
// function that raised it or, when that is a Go function such as error or
// redis.call, its caller).
func (e *engine) onError(L *lua.LState) int {
	v := L.Get(1)
	f := &failure{}
	if t, ok := v.(*lua.LTable); ok {
		if s, ok := t.RawGetString("err").(lua.LString); ok {
			f.msg = string(s)
		} else {
			f.msg = "ERR " + errUnknown
		}
	} else {
		f.msg = "ERR " + tostring(v)
	}
	for level := 1; level <= 2; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			break
		}
		if dbg.What != "G" {
			f.source, f.line = "@"+dbg.Source, dbg.CurrentLine
			break
		}
	}
	e.failure = f
	L.Push(v)
	return 1
}

// tostring converts v as Lua's tostring does for an error message.
func tostring(v lua.LValue) string {
	switch v := v.(type) {
	case lua.LNumber:
		return formatNumber(v)
	case *lua.LNilType:
		return "nil"
	}
	return v.String()
}

// formatNumber writes n as Lua 5.1 does ("%.14g").
func formatNumber(n lua.LNumber) string {
	f := float64(n)
	if f == math.Trunc(f) && math.Abs(f) < 1e14 {
		return strconv.FormatInt(int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// argNumber writes a number argument of redis.call as Redis 7.0 does, with
// C's "%.17g" (glibc's "-nan" for the NaN of 0/0).
func argNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 17, 64)
}

// where returns "user_script:N: " for the Lua function level levels up
// the stack, as Lua's luaL_where, or "" if there is none.
func where(L *lua.LState, level int) string {
	dbg, ok := L.GetStack(level)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" || dbg.CurrentLine < 0 {
		return ""
	}
	return dbg.Source + ":" + itoa(dbg.CurrentLine) + ": "
}

func itoa(n int) string { return strconv.Itoa(n) }

// luaError is Lua 5.1's error: a string or number message gets the position
// of the function level levels up (1 by default) in front.
func luaError(L *lua.LState) int {
	v := L.CheckAny(1)
	level := L.OptInt(2, 1)
	if level > 0 {
		switch m := v.(type) {
		case lua.LString:
			v = lua.LString(where(L, level) + string(m))
		case lua.LNumber:
			v = lua.LString(where(L, level) + formatNumber(m))
		}
	}
	L.Error(v, 0)
	return 0
}

// pcall is Redis 7.0's pcall: Lua's, except that an error table with an
// err string (what redis.call raises) is returned as that string.
func (e *engine) pcall(L *lua.LState) int {
	L.CheckAny(1)
	v := L.Get(1)
	if v.Type() != lua.LTFunction && L.GetMetaField(v, "__call").Type() != lua.LTFunction {
		L.Push(lua.LFalse)
		L.Push(lua.LString("attempt to call a " + v.Type().String() + " value"))
		return 2
	}
	if err := L.PCall(L.GetTop()-1, lua.MultRet, nil); err != nil {
		if e.panicked != nil {
			L.RaiseError("%s", msgCommandPanicked)
		}
		var obj lua.LValue = lua.LString(err.Error())
		if aerr, ok := err.(*lua.ApiError); ok {
			obj = aerr.Object
		}
		if t, ok := obj.(*lua.LTable); ok {
			if s, ok := luaString(t.RawGetString("err")); ok {
				obj = lua.LString(s)
			}
		}
		L.Push(lua.LFalse)
		L.Push(obj)
		return 2
	}
	L.Insert(lua.LTrue, 1)
	return L.GetTop()
}

// unpack is Lua 5.1's, with its limit: more results than the C stack
// holds (LUAI_MAXCSTACK, 8000) is "too many results to unpack".
func unpack(L *lua.LState) int {
	t := L.CheckTable(1)
	i := L.OptInt64(2, 1)
	j := L.OptInt64(3, int64(t.Len()))
	if i > j {
		return 0
	}
	if j-i >= maxResults {
		L.RaiseError("too many results to unpack")
	}
	for k := i; k <= j; k++ {
		L.Push(t.RawGetInt(int(k)))
	}
	return int(j - i + 1)
}

// stringRep is string.rep with the result bounded by Redis's largest
// string, so that a script cannot ask for terabytes.
func stringRep(L *lua.LState) int {
	s := L.CheckString(1)
	n := L.CheckInt(2)
	if n <= 0 || s == "" {
		L.Push(lua.LString(""))
		return 1
	}
	if int64(len(s))*int64(n) > maxStringBytes {
		L.RaiseError("%s", msgNoMemory)
	}
	L.Push(lua.LString(strings.Repeat(s, n)))
	return 1
}

// mathRandom is Redis's math.random: rand48, one sequence per store.
func (e *engine) mathRandom(L *lua.LState) int {
	r := float64(e.rand.next()%math.MaxInt32) / float64(math.MaxInt32)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := L.CheckInt(1)
		if u < 1 {
			L.RaiseError("bad argument #1 to 'random' (interval is empty)")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l, u := L.CheckInt(1), L.CheckInt(2)
		if l > u {
			L.RaiseError("bad argument #2 to 'random' (interval is empty)")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (e *engine) mathRandomSeed(L *lua.LState) int {
	e.rand.seed(int32(L.CheckInt(1)))
	return 0
}

// rand48 is the generator of Redis's rand.c (the POSIX drand48 family):
// X(n+1) = (a·X(n) + c) mod 2^48, and lrand48 is the top 31 bits. Redis
// 7.0 leaves it in its initial state, X = 0x1234ABCD330E, until a script
// calls math.randomseed.
type rand48 struct{ x uint64 }

func newRand48() rand48 { return rand48{x: 0x1234ABCD330E} }

func (r *rand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

func (r *rand48) next() int32 {
	r.x = (0x5DEECE66D*r.x + 0xB) & (1<<48 - 1)
	return int32(r.x >> 17)
}

// redisLib builds the redis table.
func (e *engine) redisLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":               func(L *lua.LState) int { return e.call(L, true) },
		"pcall":              func(L *lua.LState) int { return e.call(L, false) },
		"error_reply":        errorReply,
		"status_reply":       statusReply,
		"sha1hex":            sha1hex,
		"log":                redisLog,
		"setresp":            e.setResp,
		"set_repl":           setRepl,
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":         func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":              func(L *lua.LState) int { return 0 },
		"acl_check_cmd":      aclCheckCmd,
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	for name, n := range map[string]int{
		"LOG_DEBUG": 0, "LOG_VERBOSE": 1, "LOG_NOTICE": 2, "LOG_WARNING": 3,
		"REPL_NONE": 0, "REPL_AOF": 1, "REPL_SLAVE": 2, "REPL_REPLICA": 2, "REPL_ALL": 3,
		"REDIS_VERSION_NUM": 0x07000f,
	} {
		t.RawSetString(name, lua.LNumber(n))
	}
	t.RawSetString("REDIS_VERSION", lua.LString("7.0.15"))
	return t
}

// errorTable returns Redis's error table for a message, as luaPushErrorBuff
// builds it: "-CODE msg" keeps its code, a message without one gets ERR.
func errorTable(L *lua.LState, msg string) *lua.LTable {
	var text string
	if rest, ok := strings.CutPrefix(msg, "-"); ok {
		if code, m, ok := strings.Cut(rest, " "); ok {
			text = code + " " + strings.Trim(m, "\r\n")
		} else {
			text = "ERR " + strings.Trim(rest, "\r\n")
		}
	} else {
		text = "ERR " + strings.Trim(msg, "\r\n")
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(text))
	return t
}

// fail answers a redis.call or redis.pcall that cannot run the command:
// call raises the error, pcall returns it.
func fail(L *lua.LState, raise bool, msg string) int {
	t := errorTable(L, msg)
	if raise {
		L.Error(t, 0)
	}
	L.Push(t)
	return 1
}

// call is redis.call (raise) and redis.pcall: it runs one command through
// the command table, as the script's owner, and returns its reply as a Lua
// value.
func (e *engine) call(L *lua.LState, raise bool) int {
	n := L.GetTop()
	if n == 0 {
		return fail(L, raise, msgNoArgs)
	}
	if e.tx == nil {
		return fail(L, raise, msgNotInScript)
	}
	args := make([]string, n)
	for i := range args {
		switch v := L.Get(i + 1).(type) {
		case lua.LString:
			args[i] = string(v)
		case lua.LNumber:
			args[i] = argNumber(float64(v))
		default:
			return fail(L, raise, msgBadArgs)
		}
	}
	cmd := embedis.LookupCommand(args[0])
	switch {
	case cmd == nil:
		return fail(L, raise, msgUnknownCommand)
	case !cmd.ArityOK(n):
		return fail(L, raise, msgWrongArgs)
	case hasFlag(cmd, "noscript"):
		return fail(L, raise, msgNoScript)
	case e.readOnly && hasFlag(cmd, "write"):
		return fail(L, raise, msgWriteInReadOnly)
	}
	if e.run != nil && hasFlag(cmd, "write") {
		// A write makes the script unkillable; a script killed (or
		// whose caller gave up) before it wrote must not write now.
		if err := e.run.Write(); err != nil {
			L.RaiseError("%s", err.Error())
		}
	}
	w := &luaReply{L: L, resp: e.resp}
	if !e.runCommand(w, args) {
		L.RaiseError("%s", msgCommandPanicked)
	}
	v := w.result()
	if raise {
		if t, ok := v.(*lua.LTable); ok && w.isError {
			L.Error(t, 0)
		}
	}
	L.Push(v)
	return 1
}

// runCommand runs one command, noting a panic for Run to re-raise once the script
// is unwound (the store's recovery then stops the store, as it would for
// the command outside a script).
func (e *engine) runCommand(w *luaReply, args []string) (ok bool) {
	defer func() {
		if p := recover(); p != nil {
			e.panicked = p
			ok = false
		}
	}()
	e.tx.Do(w, args...)
	return true
}

func hasFlag(c *embedis.Command, flag string) bool {
	for _, f := range c.Flags {
		if f == flag {
			return true
		}
	}
	return false
}

// errorReply is redis.error_reply: it returns {err=msg}, msg as
// luaPushErrorBuff makes it.
func errorReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, msgWrongArgsOrType))
		return 1
	}
	msg := string(s)
	if !strings.HasPrefix(msg, "-") {
		msg = "-" + msg
	}
	L.Push(errorTable(L, msg))
	return 1
}

// statusReply is redis.status_reply: {ok=s}.
func statusReply(L *lua.LState) int {
	s, ok := L.Get(1).(lua.LString)
	if L.GetTop() != 1 || !ok {
		L.Push(errorTable(L, msgWrongArgsOrType))
		return 1
	}
	t := L.CreateTable(0, 1)
	t.RawSetString("ok", s)
	L.Push(t)
	return 1
}

// luaString returns v as lua_tolstring does: strings and numbers, ok false
// for other values.
func luaString(v lua.LValue) (string, bool) {
	switch v := v.(type) {
	case lua.LString:
		return string(v), true
	case lua.LNumber:
		return formatNumber(v), true
	}
	return "", false
}

func sha1hex(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.Error(errorTable(L, msgWrongArgCount), 0)
	}
	s, _ := luaString(L.Get(1))
	L.Push(lua.LString(shaOf(s)))
	return 1
}

// redisLog is redis.log(level, message...): the parts joined with spaces,
// to log/slog's default logger at the level's counterpart.
func redisLog(L *lua.LState) int {
	n := L.GetTop()
	if n < 2 {
		L.Error(errorTable(L, msgLogArgs), 0)
	}
	lv, ok := L.Get(1).(lua.LNumber)
	if !ok {
		if s, isStr := L.Get(1).(lua.LString); isStr {
			if f, err := strconv.ParseFloat(strings.TrimSpace(string(s)), 64); err == nil {
				lv, ok = lua.LNumber(f), true
			}
		}
	}
	if !ok {
		L.Error(errorTable(L, msgLogLevelType), 0)
	}
	level := int(lv)
	if level < 0 || level > 3 {
		L.Error(errorTable(L, msgLogLevel), 0)
	}
	var b strings.Builder
	for i := 2; i <= n; i++ {
		if s, ok := luaString(L.Get(i)); ok {
			if i > 2 {
				b.WriteByte(' ')
			}
			b.WriteString(s)
		}
	}
	slog.Default().Log(context.Background(), []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelInfo, slog.LevelWarn}[level], b.String(), "source", "lua script")
	return 0
}

// setResp is redis.setresp: the protocol of redis.call's replies.
func (e *engine) setResp(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.Error(errorTable(L, msgSetRespArgs), 0)
	}
	n, _ := L.Get(1).(lua.LNumber)
	if n != 2 && n != 3 {
		L.Error(errorTable(L, msgSetRespVersion), 0)
	}
	e.resp = int(n)
	return 0
}

// setRepl is redis.set_repl. Redis 7.0 always replicates a script's effects;
// set_repl picks where they go. embedis has one destination, the
// write-effect stream (the append-only log): REPL_ALL and REPL_AOF are
// what happens, and the flags that would keep effects out of it are
// refused rather than ignored.
func setRepl(L *lua.LState) int {
	if L.GetTop() != 1 {
		L.Error(errorTable(L, msgSetReplArgs), 0)
	}
	n, _ := L.Get(1).(lua.LNumber)
	flags := int64(n)
	if flags&^3 != 0 || float64(flags) != float64(n) {
		L.Error(errorTable(L, msgSetReplFlags), 0)
	}
	if flags&1 == 0 {
		L.Error(errorTable(L, msgSetReplNoAOF), 0)
	}
	return 0
}

// aclCheckCmd is redis.acl_check_cmd: the default user may run every
// command, so it is true for every command that exists.
func aclCheckCmd(L *lua.LState) int {
	if L.GetTop() == 0 {
		L.Error(errorTable(L, msgNoArgs), 0)
	}
	name, _ := luaString(L.Get(1))
	cmd := embedis.LookupCommand(name)
	if cmd == nil {
		L.Error(errorTable(L, msgACLCheckCmd), 0)
	}
	if !cmd.ArityOK(L.GetTop()) {
		L.Error(errorTable(L, msgACLCheckArgs), 0)
	}
	L.Push(lua.LTrue)
	return 1
}
