package scripting

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/embedis/embedis"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// Redis 7.0 functions: the library loader (FUNCTION LOAD's engine side)
// and FCALL.
//
// As in Redis, functions live in a Lua state of their own, apart from the
// one EVAL's scripts run in (made the same way, with the same libraries),
// and every library's code runs in one environment table whose lookups go,
// while a library loads, to the load API — a redis table with
// register_function, log, the LOG_* levels and the version fields, and
// nothing else: math, string, redis.call and the others are "nonexistent
// global variable" errors there — and, while a function runs, to the full
// API of scripts (without KEYS and ARGV: a function gets its keys and
// arguments as its two parameters). The callbacks a library registers are
// closures over that environment, so the same function sees the load API
// while its library loads and the full one when FCALL calls it.
//
// A library's load runs for at most loadTimeout (Redis's 500 ms), then
// fails with Redis's "FUNCTION LOAD timeout".
//
// The engine's store keeps the libraries (embedis/function.go); each
// function's handle here is its library's code and its callback in the
// function state. If that state must be dropped (gopher-lua failed while
// unwinding an error: see Run), a new one is made and each library's code
// is run again in it the next time one of its functions is called.

// loadTimeout bounds the run of a library's code at load, as Redis's
// LOAD_TIMEOUT_MS.
const loadTimeout = 500 * time.Millisecond

// functionChunk is the chunk name libraries are compiled under: Lua's
// messages say "user_function:1:", Redis's suffix "on @user_function:1.".
const functionChunk = "user_function"

// The messages of the library loader, word for word as Redis 7.0 raises
// them.
const (
	msgCompileFunction   = "Error compiling function: "
	msgRegisterFunctions = "Error registering functions: "
	msgLoadTimeout       = "FUNCTION LOAD timeout"
	msgRegisterOutside   = "redis.register_function can only be called on FUNCTION LOAD command"
	msgRegisterArgs      = "wrong number of arguments to redis.register_function"
	msgRegisterTable     = "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments)."
	msgRegisterKey       = "named argument key given to redis.register_function is not a string"
	msgRegisterNameArg   = "function_name argument given to redis.register_function must be a string"
	msgRegisterDescArg   = "description argument given to redis.register_function must be a string"
	msgRegisterCallback  = "callback argument given to redis.register_function must be a function"
	msgRegisterFlagsArg  = "flags argument to redis.register_function must be a table representing function flags"
	msgRegisterFlag      = "unknown flag given"
	msgRegisterUnknown   = "unknown argument given to redis.register_function"
	msgRegisterNoName    = "redis.register_function must get a function name argument"
	msgRegisterNoCB      = "redis.register_function must get a callback argument"
	msgRegisterFirst     = "first argument to redis.register_function must be a string"
	msgRegisterSecond    = "second argument to redis.register_function must be a function"
	// Redis 7.0.15 words a bad function name as a bad library name.
	msgFunctionName   = "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
	msgFunctionExists = "Function already exists in the library"
)

// functionVM is the Lua state functions run in.
type functionVM struct {
	L       *lua.LState
	handler *lua.LFunction
	globals *lua.LTable // the state's globals: the API functions see when they run
	load    *lua.LTable // the load API
	meta    *lua.LTable // env's metatable: its __index is globals or load
	env     *lua.LTable // every library's environment
	gen     int         // which state this is (luaLibrary.gen)
}

// luaLibrary is a library's code and its callbacks in the function state
// of generation gen.
type luaLibrary struct {
	body string
	gen  int
	fns  map[string]*lua.LFunction // by registered name
}

// luaFunction is the handle of a function (embedis.FunctionDef.Callback).
type luaFunction struct {
	lib  *luaLibrary
	name string
}

// loadCtx is the library being loaded: the functions registered so far.
type loadCtx struct {
	defs []embedis.FunctionDef
	fns  map[string]*lua.LFunction
}

// functionState returns the function state, made on first use.
func (e *engine) functionState() *functionVM {
	if e.fvm != nil {
		return e.fvm
	}
	// The state is made as EVAL's is (open), then kept apart.
	L, globals, env, handler := e.L, e.globals, e.env, e.handler
	e.open()
	vm := &functionVM{L: e.L, handler: e.handler, globals: e.globals, gen: e.fgen + 1}
	e.fgen++
	e.L, e.globals, e.env, e.handler = L, globals, env, handler

	FL := vm.L
	readonly := FL.NewFunction(func(L *lua.LState) int {
		L.RaiseError("%s", msgReadonly)
		return 0
	})
	// strict is a read-only view of t whose missing fields are errors,
	// as Redis's tables with the error metatable.
	strict := func(t *lua.LTable) *lua.LTable {
		p := FL.NewTable()
		m := FL.NewTable()
		m.RawSetString("__index", FL.NewFunction(func(L *lua.LState) int {
			k := L.Get(2)
			if v := t.RawGet(k); v != lua.LNil {
				L.Push(v)
				return 1
			}
			L.RaiseError(msgNoGlobal, lua.LVAsString(k))
			return 0
		}))
		m.RawSetString("__newindex", readonly)
		m.RawSetString("__metatable", lua.LFalse)
		FL.SetMetatable(p, m)
		return p
	}
	redis := FL.NewTable()
	redis.RawSetString("register_function", FL.NewFunction(e.registerFunction))
	redis.RawSetString("log", FL.NewFunction(redisLog))
	for name, n := range map[string]int{"LOG_DEBUG": 0, "LOG_VERBOSE": 1, "LOG_NOTICE": 2, "LOG_WARNING": 3, "REDIS_VERSION_NUM": 0x07000f} {
		redis.RawSetString(name, lua.LNumber(n))
	}
	redis.RawSetString("REDIS_VERSION", lua.LString("7.0.15"))
	load := FL.NewTable()
	load.RawSetString("redis", strict(redis))
	vm.load = strict(load)

	vm.env = FL.NewTable()
	vm.meta = FL.NewTable()
	vm.meta.RawSetString("__index", vm.globals)
	vm.meta.RawSetString("__newindex", readonly)
	vm.meta.RawSetString("__metatable", lua.LFalse)
	FL.SetMetatable(vm.env, vm.meta)
	e.fvm = vm
	return vm
}

// LoadLibrary compiles a library's code and runs it with the load API,
// returning the functions it registered.
func (e *engine) LoadLibrary(body string) ([]embedis.FunctionDef, error) {
	lib := &luaLibrary{body: body}
	defs, err := e.loadLibrary(lib)
	if err != nil {
		return nil, err
	}
	return defs, nil
}

// loadLibrary runs lib's code in the function state and sets lib's
// callbacks.
func (e *engine) loadLibrary(lib *luaLibrary) ([]embedis.FunctionDef, error) {
	vm := e.functionState()
	chunk, err := parse.Parse(strings.NewReader(lib.body), functionChunk)
	var proto *lua.FunctionProto
	if err == nil {
		proto, err = lua.Compile(chunk, functionChunk)
	}
	if err != nil {
		return nil, embedis.FunctionLoadError(sanitize("ERR " + msgCompileFunction + compileMessage(lib.body, functionChunk, err)))
	}
	L := vm.L
	fn := L.NewFunctionFromProto(proto)
	fn.Env = vm.env
	ld := &loadCtx{fns: map[string]*lua.LFunction{}}
	e.loading = ld
	vm.meta.RawSetString("__index", vm.load)
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	L.SetContext(ctx)
	e.failure = nil
	L.Push(fn)
	perr, escaped := e.pcall0(L, 0, vm.handler)
	L.RemoveContext()
	cancel()
	vm.meta.RawSetString("__index", vm.globals)
	e.loading = nil
	L.SetTop(0)
	if escaped {
		e.fvm = nil
		return nil, embedis.FunctionLoadError("ERR " + msgRegisterFunctions + "ERR " + msgVMFailed)
	}
	if perr != nil {
		msg := "ERR " + errUnknown
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			msg = "ERR " + msgLoadTimeout
		} else if e.failure != nil {
			msg = e.failure.msg
		}
		return nil, embedis.FunctionLoadError(sanitize("ERR " + msgRegisterFunctions + msg))
	}
	lib.gen, lib.fns = vm.gen, ld.fns
	for i := range ld.defs {
		ld.defs[i].Callback = &luaFunction{lib: lib, name: ld.defs[i].Name}
	}
	return ld.defs, nil
}

// registerFunction is redis.register_function, in the load API: (name,
// callback) or one table of named arguments (function_name, callback,
// flags, description).
func (e *engine) registerFunction(L *lua.LState) int {
	ld := e.loading
	if ld == nil {
		L.Error(errorTable(L, msgRegisterOutside), 0)
	}
	var def embedis.FunctionDef
	var cb *lua.LFunction
	raise := func(msg string) { L.Error(errorTable(L, msg), 0) }
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(msgRegisterTable)
		}
		hasName := false
		t.ForEach(func(k, v lua.LValue) {
			key, ok := luaString(k)
			if !ok {
				raise(msgRegisterKey)
			}
			switch strings.ToLower(key) {
			case "function_name":
				if def.Name, ok = luaString(v); !ok {
					raise(msgRegisterNameArg)
				}
				hasName = true
			case "description":
				if def.Description, ok = luaString(v); !ok {
					raise(msgRegisterDescArg)
				}
				def.HasDescription = true
			case "callback":
				if cb, ok = v.(*lua.LFunction); !ok {
					raise(msgRegisterCallback)
				}
			case "flags":
				ft, ok := v.(*lua.LTable)
				if !ok {
					raise(msgRegisterFlagsArg)
				}
				for i := 1; ; i++ {
					fv := ft.RawGetInt(i)
					if fv == lua.LNil {
						break
					}
					name, ok := luaString(fv)
					if !ok {
						raise(msgRegisterFlag)
					}
					flag, ok := embedis.ParseFunctionFlag(name)
					if !ok {
						raise(msgRegisterFlag)
					}
					def.Flags |= flag
				}
			default:
				raise(msgRegisterUnknown)
			}
		})
		if !hasName {
			raise(msgRegisterNoName)
		}
		if cb == nil {
			raise(msgRegisterNoCB)
		}
	case 2:
		var ok bool
		if def.Name, ok = luaString(L.Get(1)); !ok {
			raise(msgRegisterFirst)
		}
		if cb, ok = L.Get(2).(*lua.LFunction); !ok {
			raise(msgRegisterSecond)
		}
	default:
		raise(msgRegisterArgs)
	}
	if !validFunctionName(def.Name) {
		raise(msgFunctionName)
	}
	if ld.fns[def.Name] != nil {
		raise(msgFunctionExists)
	}
	ld.fns[def.Name] = cb
	ld.defs = append(ld.defs, def)
	return 0
}

// validFunctionName reports whether s is letters, digits and underscores,
// at least one.
func validFunctionName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// CallFunction runs a function (FCALL) with its keys and arguments as its
// two parameters.
func (e *engine) CallFunction(tx *embedis.Tx, w embedis.ReplyWriter, call embedis.FunctionCall) {
	lf, ok := call.Callback.(*luaFunction)
	if !ok {
		w.WriteError(embedis.ErrFunctionNotFound)
		return
	}
	vm := e.functionState()
	if lf.lib.gen != vm.gen {
		// The state was made anew: run the library's code again in it.
		if _, err := e.loadLibrary(lf.lib); err != nil {
			w.WriteError(err)
			return
		}
	}
	fn := lf.lib.fns[lf.name]
	L := vm.L
	args := []lua.LValue{stringTable(L, call.Keys), stringTable(L, call.Args)}
	if e.invoke(tx, w, L, vm.handler, fn, args, call.Name, call.ReadOnly, call.Run) {
		e.fvm = nil
	}
}
