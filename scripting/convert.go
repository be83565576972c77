package scripting

import (
	"errors"
	"strings"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/number"
	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"
)

// The conversions between replies and Lua values, both ways, as Redis 7.0's
// script_lua.c makes them (see the package comment for the table).

// luaReply is the ReplyWriter of redis.call: it builds the Lua value of a
// command's reply, in RESP2 or RESP3 form (redis.setresp).
type luaReply struct {
	L       *lua.LState
	resp    int
	stack   []luaFrame
	top     lua.LValue
	isError bool // the reply is an error (redis.call raises it)
}

// luaFrame is an aggregate being filled: its table, what it is, how many
// elements it still expects, and for a map the key waiting for its value.
type luaFrame struct {
	t      *lua.LTable // the elements (for a RESP3 map or set, the inner table)
	outer  lua.LValue  // what the aggregate is as a value ({map=t}, {set=t}, or t)
	kind   byte        // '*' array, '%' map, '~' set
	left   int
	n      int
	key    lua.LValue
	hasKey bool
}

func (r *luaReply) put(v lua.LValue) {
	for {
		if len(r.stack) == 0 {
			r.top = v
			return
		}
		f := &r.stack[len(r.stack)-1]
		switch f.kind {
		case '*':
			f.n++
			f.t.RawSetInt(f.n, v)
			f.left--
		case '~':
			if v != lua.LNil {
				f.t.RawSet(v, lua.LTrue)
			}
			f.left--
		case '%':
			if !f.hasKey {
				f.key, f.hasKey = v, true
				return
			}
			if f.key != lua.LNil {
				f.t.RawSet(f.key, v)
			}
			f.hasKey = false
			f.left--
		}
		if f.left > 0 {
			return
		}
		v = f.outer
		r.stack = r.stack[:len(r.stack)-1]
	}
}

func (r *luaReply) open(kind byte, n int) {
	if n <= 0 {
		t := r.L.NewTable()
		r.put(r.wrap(kind, t))
		return
	}
	t := r.L.CreateTable(0, 0)
	if kind == '*' {
		t = r.L.CreateTable(min(n, 1024), 0)
	}
	r.stack = append(r.stack, luaFrame{t: t, outer: r.wrap(kind, t), kind: kind, left: n})
}

// wrap returns the value of an aggregate whose elements are in t: a RESP3
// map or set is {map=t} or {set=t}.
func (r *luaReply) wrap(kind byte, t *lua.LTable) lua.LValue {
	switch kind {
	case '%':
		w := r.L.CreateTable(0, 1)
		w.RawSetString("map", t)
		return w
	case '~':
		w := r.L.CreateTable(0, 1)
		w.RawSetString("set", t)
		return w
	}
	return t
}

func (r *luaReply) WriteStatus(s string) {
	t := r.L.CreateTable(0, 1)
	t.RawSetString("ok", lua.LString(s))
	r.put(t)
}

func (r *luaReply) WriteError(err error) {
	if len(r.stack) == 0 {
		r.isError = true
	}
	r.put(errorTable(r.L, "-"+err.Error()))
}

func (r *luaReply) WriteInt(n int64)   { r.put(lua.LNumber(n)) }
func (r *luaReply) WriteBulk(s string) { r.put(lua.LString(s)) }

func (r *luaReply) WriteNull() {
	if r.resp == 3 {
		r.put(lua.LNil)
	} else {
		r.put(lua.LFalse)
	}
}

func (r *luaReply) WriteNullArray() { r.WriteNull() }

func (r *luaReply) WriteArrayLen(n int) { r.open('*', n) }

func (r *luaReply) WriteMapLen(n int) {
	if r.resp == 3 {
		r.open('%', n)
	} else {
		r.open('*', 2*n)
	}
}

func (r *luaReply) WriteSetLen(n int) {
	if r.resp == 3 {
		r.open('~', n)
	} else {
		r.open('*', n)
	}
}

func (r *luaReply) WriteDouble(f float64) {
	if r.resp == 3 {
		t := r.L.CreateTable(0, 1)
		t.RawSetString("double", lua.LNumber(f))
		r.put(t)
		return
	}
	r.put(lua.LString(number.FormatDouble(f)))
}

func (r *luaReply) result() lua.LValue {
	if r.top == nil {
		return lua.LNil
	}
	return r.top
}

// Optional writers of the RESP3 types a ReplyWriter may also write (the
// server's does); without them the value goes as RESP2 writes it.
type (
	boolWriter      interface{ WriteBool(bool) }
	bigNumberWriter interface{ WriteBigNumber(string) }
	verbatimWriter  interface{ WriteVerbatim(format, s string) }
)

// writeLuaReply writes a script's return value v as its reply; resp is the
// script's protocol (redis.setresp), which decides how booleans go.
func writeLuaReply(w embedis.ReplyWriter, v lua.LValue, resp int) {
	writeLua(w, v, resp, 0)
}

func writeLua(w embedis.ReplyWriter, v lua.LValue, resp, depth int) {
	if depth > maxReplyDepth {
		w.WriteError(embedis.ScriptError("ERR " + msgReplyTooDeep))
		return
	}
	switch v := v.(type) {
	case lua.LString:
		w.WriteBulk(string(v))
	case lua.LNumber:
		w.WriteInt(truncate(float64(v)))
	case lua.LBool:
		switch {
		case resp == 3:
			if bw, ok := w.(boolWriter); ok {
				bw.WriteBool(bool(v))
			} else if v {
				w.WriteInt(1)
			} else {
				w.WriteInt(0)
			}
		case bool(v):
			w.WriteInt(1)
		default:
			w.WriteNull()
		}
	case *lua.LTable:
		writeTable(w, v, resp, depth)
	default:
		w.WriteNull()
	}
}

// truncate converts a Lua number to an integer as C's (long long) cast does
// on the machines Redis runs on: toward zero, and NaN or out of range to
// the minimum.
func truncate(f float64) int64 {
	if f != f || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return -1 << 63
	}
	return int64(f)
}

func writeTable(w embedis.ReplyWriter, t *lua.LTable, resp, depth int) {
	if s, ok := t.RawGetString("err").(lua.LString); ok {
		w.WriteError(embedis.ScriptError(sanitize(string(s))))
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.WriteStatus(sanitize(string(s)))
		return
	}
	if n, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.WriteDouble(float64(n))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		if bw, ok := w.(bigNumberWriter); ok {
			bw.WriteBigNumber(sanitize(string(s)))
		} else {
			w.WriteBulk(string(s))
		}
		return
	}
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		n := 0
		m.ForEach(func(_, _ lua.LValue) { n++ })
		w.WriteMapLen(n)
		m.ForEach(func(k, v lua.LValue) {
			writeLua(w, k, resp, depth+1)
			writeLua(w, v, resp, depth+1)
		})
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		n := 0
		s.ForEach(func(_, _ lua.LValue) { n++ })
		w.WriteSetLen(n)
		s.ForEach(func(k, _ lua.LValue) { writeLua(w, k, resp, depth+1) })
		return
	}
	if vs, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, ok1 := vs.RawGetString("format").(lua.LString)
		str, ok2 := vs.RawGetString("string").(lua.LString)
		if ok1 && ok2 {
			if vw, ok := w.(verbatimWriter); ok {
				vw.WriteVerbatim(string(format), string(str))
			} else {
				w.WriteBulk(string(str))
			}
			return
		}
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.WriteArrayLen(n)
	for i := 1; i <= n; i++ {
		writeLua(w, t.RawGetInt(i), resp, depth+1)
	}
}

// compileError is Redis's reply for a script that does not compile. Lua's
// parser and gopher-lua's word their messages differently: a syntax error
// at the end of the script is written as Lua writes it ("unexpected symbol
// near '<eof>'", on the last line), others in gopher-lua's words in Lua's
// "user_script:N: message near 'token'" form.
func compileError(src string, err error) error {
	return embedis.ScriptError(sanitize("ERR Error compiling script (new function): " + compileMessage(src, chunkName, err)))
}

// compileMessage is Lua's message for a chunk named chunk that does not
// compile.
func compileMessage(src, chunk string, err error) string {
	msg := err.Error()
	var pe *parse.Error
	if errors.As(err, &pe) {
		line, m, token := pe.Pos.Line, pe.Message, pe.Token
		if m == "syntax error" {
			m = "unexpected symbol"
		}
		if line < 0 {
			line, token = strings.Count(src, "\n")+1, "<eof>"
		}
		msg = chunk + ":" + itoa(line) + ": " + m
		if token != "" {
			msg += " near '" + token + "'"
		}
	}
	return strings.TrimSpace(msg)
}
