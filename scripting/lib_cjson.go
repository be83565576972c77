package scripting

import (
	"context"
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// The cjson library of Redis's Lua (lua-cjson 2.1.0 as Redis 7.0 ships it):
// cjson.encode(value), cjson.decode(text), cjson.null, cjson.new() and the
// settings functions, whose values last — as in Redis — until SCRIPT FLUSH
// makes a new Lua state.
//
// Encoding: numbers with "%.14g" (encode_number_precision changes the 14),
// NaN and infinities refused unless encode_invalid_numbers says otherwise;
// strings with '"', '\\', '/', DEL and the control characters escaped, other
// bytes as they are; a table whose keys are all positive integers is an
// array (nil holes become null) unless it is excessively sparse (largest
// index above 10 and above twice the number of items: an error, or an
// object after encode_sparse_array(true)); any other table, and an empty
// one, is an object whose number keys are written as strings. Nesting
// deeper than encode_max_depth (1000) is an error. Objects list their keys
// in the order the Lua table yields them, which for tables of more than one
// key is gopher-lua's, not Lua 5.1's.
//
// Decoding: as lua-cjson, which reads numbers with C's strtod (so "+1",
// "0x10", "1.", "Infinity" and "nan" decode while decode_invalid_numbers is
// on, as it is by default), null as cjson.null, stops at the first NUL
// byte, and reports errors as "Expected value but found invalid token at
// character 1". Nesting deeper than decode_max_depth (1000) is an error.

// cjsonConfig is one cjson table's settings (json_config_t).
type cjsonConfig struct {
	sparseConvert  bool
	sparseRatio    int32
	sparseSafe     int32
	encodeMaxDepth int32
	decodeMaxDepth int32
	encodeInvalid  int // 0 off, 1 on, 2 null
	precision      int32
	keepBuffer     bool
	decodeInvalid  bool
}

func defaultCJSONConfig() *cjsonConfig {
	return &cjsonConfig{
		sparseRatio: 2, sparseSafe: 10, encodeMaxDepth: 1000, decodeMaxDepth: 1000,
		precision: 14, keepBuffer: true, decodeInvalid: true,
	}
}

// newCJSON returns a cjson table with its own settings; null is cjson.null,
// shared by every table of one Lua state (Lua's NULL light userdata).
func newCJSON(L *lua.LState, null *lua.LUserData) *lua.LTable {
	cfg := defaultCJSONConfig()
	boolOpts := []string{"off", "on"}
	t := libTable(L, map[string]lua.LGFunction{
		"encode": func(L *lua.LState) int { return cjsonEncode(L, cfg, null) },
		"decode": func(L *lua.LState) int { return cjsonDecode(L, cfg, null) },
		"encode_sparse_array": func(L *lua.LState) int {
			jsonArgs(L, 3)
			var c int
			if cfg.sparseConvert {
				c = 1
			}
			jsonEnumOption(L, 1, &c, boolOpts)
			cfg.sparseConvert = c == 1
			jsonIntOption(L, 2, &cfg.sparseRatio, 0, math.MaxInt32)
			jsonIntOption(L, 3, &cfg.sparseSafe, 0, math.MaxInt32)
			return 3
		},
		"encode_max_depth": func(L *lua.LState) int {
			jsonArgs(L, 1)
			return jsonIntOption(L, 1, &cfg.encodeMaxDepth, 1, math.MaxInt32)
		},
		"decode_max_depth": func(L *lua.LState) int {
			jsonArgs(L, 1)
			return jsonIntOption(L, 1, &cfg.decodeMaxDepth, 1, math.MaxInt32)
		},
		"encode_number_precision": func(L *lua.LState) int {
			jsonArgs(L, 1)
			return jsonIntOption(L, 1, &cfg.precision, 1, 14)
		},
		"encode_keep_buffer": func(L *lua.LState) int {
			jsonArgs(L, 1)
			var c int
			if cfg.keepBuffer {
				c = 1
			}
			n := jsonEnumOption(L, 1, &c, boolOpts)
			cfg.keepBuffer = c == 1
			return n
		},
		"encode_invalid_numbers": func(L *lua.LState) int {
			jsonArgs(L, 1)
			return jsonEnumOption(L, 1, &cfg.encodeInvalid, []string{"off", "on", "null"})
		},
		"decode_invalid_numbers": func(L *lua.LState) int {
			jsonArgs(L, 1)
			var c int
			if cfg.decodeInvalid {
				c = 1
			}
			n := jsonEnumOption(L, 1, &c, boolOpts)
			cfg.decodeInvalid = c == 1
			return n
		},
		"new": func(L *lua.LState) int {
			L.Push(newCJSON(L, null))
			return 1
		},
	})
	t.RawSetString("null", null)
	t.RawSetString("_NAME", lua.LString("cjson"))
	t.RawSetString("_VERSION", lua.LString("2.1.0"))
	return t
}

// jsonArgs is json_arg_init: at most n arguments, the missing ones nil (so
// that the values the function pushes come after them).
func jsonArgs(L *lua.LState, n int) {
	if L.GetTop() > n {
		argError(L, n+1, msgJSONTooManyArgs)
	}
	for L.GetTop() < n {
		L.Push(lua.LNil)
	}
}

// jsonIntOption sets *v from argument i when given (an integer in
// [lo, hi]) and returns its value. lua-cjson reports a bad value as
// argument #1 whichever argument it is.
func jsonIntOption(L *lua.LState, i int, v *int32, lo, hi int32) int {
	if L.Get(i) != lua.LNil {
		n := int32(checkInteger(L, i))
		if n < lo || n > hi {
			argError(L, 1, fmt.Sprintf(msgJSONIntRange, lo, hi))
		}
		*v = n
	}
	L.Push(lua.LNumber(*v))
	return 1
}

// jsonEnumOption sets *v from argument i when given (a boolean, or one of
// opts by name) and returns its value: a boolean for off and on, the name
// otherwise.
func jsonEnumOption(L *lua.LState, i int, v *int, opts []string) int {
	switch a := L.Get(i).(type) {
	case *lua.LNilType:
	case lua.LBool:
		*v = 0
		if a {
			*v = 1
		}
	default:
		name := checkString(L, i)
		found := false
		for k, o := range opts {
			if o == name {
				*v, found = k, true
				break
			}
		}
		if !found {
			argError(L, i, fmt.Sprintf(msgJSONBadOption, name))
		}
	}
	if *v <= 1 {
		L.Push(lua.LBool(*v == 1))
	} else {
		L.Push(lua.LString(opts[*v]))
	}
	return 1
}

// jsonEncoder is one cjson.encode.
type jsonEncoder struct {
	L     *lua.LState
	cfg   *cjsonConfig
	null  *lua.LUserData
	out   []byte
	slots int // the C function's Lua stack use, for lua_checkstack's limit
	steps int
	ctx   context.Context
}

func cjsonEncode(L *lua.LState, cfg *cjsonConfig, null *lua.LUserData) int {
	if L.GetTop() != 1 {
		argError(L, 1, msgJSONOneArg)
	}
	e := &jsonEncoder{L: L, cfg: cfg, null: null, slots: 1, ctx: L.Context()}
	e.value(L.Get(1), 0)
	L.Push(lua.LString(e.out))
	return 1
}

// fail is json_encode_exception: "Cannot serialise <type>: <reason>".
func (e *jsonEncoder) fail(v lua.LValue, reason string) {
	raise(e.L, fmt.Sprintf(msgJSONCannot, luaTypeName(v), reason))
}

// luaTypeName is lua_typename of a value.
func luaTypeName(v lua.LValue) string {
	switch v.Type() {
	case lua.LTNil:
		return "nil"
	case lua.LTBool:
		return "boolean"
	case lua.LTNumber:
		return "number"
	case lua.LTString:
		return "string"
	case lua.LTTable:
		return "table"
	case lua.LTFunction:
		return "function"
	case lua.LTThread:
		return "thread"
	}
	return "userdata"
}

// grow checks the output's size and, now and then, whether the script was
// stopped (a sparse array of two billion nulls takes a while).
func (e *jsonEncoder) grow() {
	if len(e.out) > maxStringBytes {
		raise(e.L, msgNoMemory)
	}
	e.steps++
	if e.steps&0xffff == 0 && e.ctx != nil && e.ctx.Err() != nil {
		raise(e.L, e.ctx.Err().Error())
	}
}

func (e *jsonEncoder) value(v lua.LValue, depth int32) {
	e.grow()
	switch v := v.(type) {
	case lua.LString:
		e.str(string(v))
	case lua.LNumber:
		e.number(v)
	case lua.LBool:
		if v {
			e.out = append(e.out, "true"...)
		} else {
			e.out = append(e.out, "false"...)
		}
	case *lua.LNilType:
		e.out = append(e.out, "null"...)
	case *lua.LTable:
		depth++
		if depth > e.cfg.encodeMaxDepth || e.slots+3 > luaMaxCStack {
			raise(e.L, fmt.Sprintf(msgJSONEncodeDepth, depth))
		}
		if n := e.arrayLength(v); n > 0 {
			e.array(v, n, depth)
		} else {
			e.object(v, depth)
		}
	case *lua.LUserData:
		if v == e.null {
			e.out = append(e.out, "null"...)
			return
		}
		e.fail(v, msgJSONUnsupported)
	default:
		e.fail(v, msgJSONUnsupported)
	}
}

// jsonEscapes is lua-cjson's char2escape: the bytes written escaped.
var jsonEscapes = func() [256]string {
	var t [256]string
	const hex = "0123456789abcdef"
	for c := 0; c < 0x20; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'], t[0x7f] = `\"`, `\\`, `\/`, `\u007f`
	return t
}()

func (e *jsonEncoder) str(s string) {
	e.out = append(e.out, '"')
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			e.out = append(e.out, esc...)
		} else {
			e.out = append(e.out, s[i])
		}
	}
	e.out = append(e.out, '"')
}

func (e *jsonEncoder) number(n lua.LNumber) {
	f := float64(n)
	bad := math.IsInf(f, 0) || math.IsNaN(f)
	switch {
	case bad && e.cfg.encodeInvalid == 0:
		e.fail(n, msgJSONBadNumber)
	case bad && e.cfg.encodeInvalid == 2:
		e.out = append(e.out, "null"...)
	case math.IsNaN(f):
		e.out = append(e.out, "nan"...)
	case math.IsInf(f, 1):
		e.out = append(e.out, "inf"...)
	case math.IsInf(f, -1):
		e.out = append(e.out, "-inf"...)
	default:
		e.out = strconv.AppendFloat(e.out, f, 'g', int(e.cfg.precision), 64)
	}
}

// arrayLength is lua_array_length: the largest index of a table whose keys
// are all positive integers, -1 for any other table (an object), with the
// C code's int conversions.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int32 {
	var max, items int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n, ok := k.(lua.LNumber)
		f := float64(n)
		if !ok || f == 0 || math.Floor(f) != f || f < 1 {
			return -1
		}
		if f > float64(max) {
			max = cInt(f)
		}
		items++
	}
	if e.cfg.sparseRatio > 0 && max > items*e.cfg.sparseRatio && max > e.cfg.sparseSafe {
		if !e.cfg.sparseConvert {
			e.fail(t, msgJSONSparse)
		}
		return -1
	}
	return max
}

func (e *jsonEncoder) array(t *lua.LTable, n, depth int32) {
	e.out = append(e.out, '[')
	e.slots++
	for i := int32(1); i <= n; i++ {
		if i > 1 {
			e.out = append(e.out, ',')
		}
		e.value(t.RawGetInt(int(i)), depth)
	}
	e.slots--
	e.out = append(e.out, ']')
}

func (e *jsonEncoder) object(t *lua.LTable, depth int32) {
	e.out = append(e.out, '{')
	e.slots += 2
	first := true
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if !first {
			e.out = append(e.out, ',')
		}
		first = false
		switch k := k.(type) {
		case lua.LNumber:
			e.out = append(e.out, '"')
			e.number(k)
			e.out = append(e.out, '"', ':')
		case lua.LString:
			e.str(string(k))
			e.out = append(e.out, ':')
		default:
			e.fail(k, msgJSONBadKey)
		}
		e.value(v, depth)
	}
	e.slots -= 2
	e.out = append(e.out, '}')
}

// The tokens of lua-cjson's parser, by the names its messages use.
type jsonTokenType int

const (
	tObjBegin jsonTokenType = iota
	tObjEnd
	tArrBegin
	tArrEnd
	tString
	tNumber
	tBoolean
	tNull
	tColon
	tComma
	tEnd
	tWhitespace
	tError
	tUnknown
)

var jsonTokenNames = [...]string{
	"T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN",
	"T_NULL", "T_COLON", "T_COMMA", "T_END", "T_WHITESPACE", "T_ERROR", "T_UNKNOWN",
}

// jsonCharTokens is ch2token: what a byte starts.
var jsonCharTokens = func() [256]jsonTokenType {
	var t [256]jsonTokenType
	for i := range t {
		t[i] = tError
	}
	t['{'], t['}'], t['['], t[']'], t[','], t[':'], t[0] = tObjBegin, tObjEnd, tArrBegin, tArrEnd, tComma, tColon, tEnd
	t[' '], t['\t'], t['\n'], t['\r'] = tWhitespace, tWhitespace, tWhitespace, tWhitespace
	for _, c := range "fiInNt\"+-0123456789" {
		t[c] = tUnknown
	}
	return t
}()

// jsonUnescapes is escape2char: what a byte after a backslash stands for
// (0: not an escape; 'u': a \uXXXX escape).
var jsonUnescapes = func() [256]byte {
	var t [256]byte
	t['"'], t['\\'], t['/'], t['b'], t['t'], t['n'], t['f'], t['r'], t['u'] = '"', '\\', '/', '\b', '\t', '\n', '\f', '\r', 'u'
	return t
}()

type jsonToken struct {
	typ   jsonTokenType
	index int
	str   string // a string's value, or an error's description
	num   float64
	b     bool
}

// jsonParser is one cjson.decode.
type jsonParser struct {
	L     *lua.LState
	cfg   *cjsonConfig
	null  *lua.LUserData
	data  string
	pos   int
	depth int32
	slots int
	buf   []byte
}

func cjsonDecode(L *lua.LState, cfg *cjsonConfig, null *lua.LUserData) int {
	if L.GetTop() != 1 {
		argError(L, 1, msgJSONOneArg)
	}
	data := checkString(L, 1)
	if len(data) >= 2 && (data[0] == 0 || data[1] == 0) {
		raise(L, msgJSONUTF16)
	}
	p := &jsonParser{L: L, cfg: cfg, null: null, data: cString(data), slots: 1}
	var tok jsonToken
	p.next(&tok)
	v := p.value(&tok)
	p.next(&tok)
	if tok.typ != tEnd {
		p.fail("the end", &tok)
	}
	L.Push(v)
	return 1
}

// at is the byte at i, 0 past the end (the C string's terminator).
func (p *jsonParser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

func (p *jsonParser) hasPrefix(s string) bool {
	return len(p.data)-p.pos >= len(s) && p.data[p.pos:p.pos+len(s)] == s
}

func (p *jsonParser) tokenError(tok *jsonToken, what string) {
	tok.typ, tok.index, tok.str = tError, p.pos, what
}

// next is json_next_token.
func (p *jsonParser) next(tok *jsonToken) {
	var c byte
	for {
		c = p.at(p.pos)
		tok.typ = jsonCharTokens[c]
		if tok.typ != tWhitespace {
			break
		}
		p.pos++
	}
	tok.index = p.pos
	switch {
	case tok.typ == tError:
		p.tokenError(tok, msgJSONInvalidToken)
		return
	case tok.typ == tEnd:
		return
	case tok.typ != tUnknown:
		p.pos++
		return
	}
	switch {
	case c == '"':
		p.string(tok)
	case c == '-' || isDigit(c):
		if !p.cfg.decodeInvalid && p.invalidNumber() {
			p.tokenError(tok, msgJSONInvalidNum)
			return
		}
		p.number(tok)
	case p.hasPrefix("true"):
		tok.typ, tok.b = tBoolean, true
		p.pos += 4
	case p.hasPrefix("false"):
		tok.typ, tok.b = tBoolean, false
		p.pos += 5
	case p.hasPrefix("null"):
		tok.typ = tNull
		p.pos += 4
	case p.cfg.decodeInvalid && p.invalidNumber():
		p.number(tok)
	default:
		p.tokenError(tok, msgJSONInvalidToken)
	}
}

// invalidNumber is json_is_invalid_number: what strtod reads but JSON does
// not allow (a '+', a hex or leading zero, inf, nan).
func (p *jsonParser) invalidNumber() bool {
	i := p.pos
	if p.at(i) == '+' {
		return true
	}
	if p.at(i) == '-' {
		i++
	}
	c := p.at(i)
	if c == '0' {
		c2 := p.at(i + 1)
		return c2|0x20 == 'x' || isDigit(c2)
	}
	if c <= '9' || c >= 0x80 { // C compares a signed char
		return false
	}
	return p.hasCasePrefix(i, "inf") || p.hasCasePrefix(i, "nan")
}

func (p *jsonParser) hasCasePrefix(i int, s string) bool {
	for k := 0; k < len(s); k++ {
		if p.at(i+k)|0x20 != s[k] {
			return false
		}
	}
	return true
}

func (p *jsonParser) number(tok *jsonToken) {
	tok.typ = tNumber
	f, n := strtod(p.data[p.pos:])
	if n == 0 {
		p.tokenError(tok, msgJSONInvalidNum)
		return
	}
	tok.num = f
	p.pos += n
}

// string is json_next_string_token.
func (p *jsonParser) string(tok *jsonToken) {
	p.pos++
	p.buf = p.buf[:0]
	for {
		c := p.at(p.pos)
		if c == '"' {
			break
		}
		if c == 0 {
			p.tokenError(tok, msgJSONUnterminated)
			return
		}
		if c == '\\' {
			c = jsonUnescapes[p.at(p.pos+1)]
			if c == 'u' {
				if p.unicodeEscape() {
					continue
				}
				p.tokenError(tok, msgJSONBadUnicode)
				return
			}
			if c == 0 {
				p.tokenError(tok, msgJSONBadEscape)
				return
			}
			p.pos++
		}
		p.buf = append(p.buf, c)
		p.pos++
	}
	p.pos++
	tok.typ, tok.str = tString, string(p.buf)
}

func (p *jsonParser) hex4(i int) int {
	v := 0
	for k := 0; k < 4; k++ {
		c := p.at(i + k)
		var d int
		switch {
		case isDigit(c):
			d = int(c - '0')
		case c|0x20 >= 'a' && c|0x20 <= 'f':
			d = int(c|0x20-'a') + 10
		default:
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// unicodeEscape is json_append_unicode_escape: \uXXXX, or a surrogate pair
// of two, as UTF-8.
func (p *jsonParser) unicodeEscape() bool {
	cp := p.hex4(p.pos + 2)
	if cp < 0 {
		return false
	}
	n := 6
	if cp&0xF800 == 0xD800 {
		if cp&0x400 != 0 || p.at(p.pos+6) != '\\' || p.at(p.pos+7) != 'u' {
			return false
		}
		low := p.hex4(p.pos + 8)
		if low < 0 || low&0xFC00 != 0xDC00 {
			return false
		}
		cp = ((cp&0x3FF)<<10 | low&0x3FF) + 0x10000
		n = 12
	}
	switch {
	case cp <= 0x7F:
		p.buf = append(p.buf, byte(cp))
	case cp <= 0x7FF:
		p.buf = append(p.buf, byte(cp>>6)|0xC0, byte(cp&0x3F)|0x80)
	case cp <= 0xFFFF:
		p.buf = append(p.buf, byte(cp>>12)|0xE0, byte(cp>>6&0x3F)|0x80, byte(cp&0x3F)|0x80)
	default:
		p.buf = append(p.buf, byte(cp>>18)|0xF0, byte(cp>>12&0x3F)|0x80, byte(cp>>6&0x3F)|0x80, byte(cp&0x3F)|0x80)
	}
	p.pos += n
	return true
}

// fail is json_throw_parse_error.
func (p *jsonParser) fail(expected string, tok *jsonToken) {
	found := jsonTokenNames[tok.typ]
	if tok.typ == tError {
		found = tok.str
	}
	raise(p.L, fmt.Sprintf(msgJSONExpected, expected, found, tok.index+1))
}

// descend is json_decode_descend: one level deeper, within the limits.
func (p *jsonParser) descend(slots int) {
	p.depth++
	if p.depth <= p.cfg.decodeMaxDepth && p.slots+slots <= luaMaxCStack {
		return
	}
	raise(p.L, fmt.Sprintf(msgJSONDecodeDepth, p.depth, p.pos))
}

func (p *jsonParser) value(tok *jsonToken) lua.LValue {
	switch tok.typ {
	case tString:
		return lua.LString(tok.str)
	case tNumber:
		return lua.LNumber(tok.num)
	case tBoolean:
		return lua.LBool(tok.b)
	case tNull:
		return p.null
	case tObjBegin:
		return p.object()
	case tArrBegin:
		return p.array()
	}
	p.fail("value", tok)
	return nil
}

func (p *jsonParser) object() lua.LValue {
	p.descend(3)
	t := p.L.NewTable()
	p.slots++
	defer func() { p.slots-- }()
	var tok jsonToken
	p.next(&tok)
	if tok.typ == tObjEnd {
		p.depth--
		return t
	}
	for {
		if tok.typ != tString {
			p.fail("object key string", &tok)
		}
		key := tok.str
		p.next(&tok)
		if tok.typ != tColon {
			p.fail("colon", &tok)
		}
		p.next(&tok)
		p.slots++
		v := p.value(&tok)
		p.slots--
		t.RawSetString(key, v)
		p.next(&tok)
		if tok.typ == tObjEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or object end", &tok)
		}
		p.next(&tok)
	}
}

func (p *jsonParser) array() lua.LValue {
	p.descend(2)
	t := p.L.NewTable()
	p.slots++
	defer func() { p.slots-- }()
	var tok jsonToken
	p.next(&tok)
	if tok.typ == tArrEnd {
		p.depth--
		return t
	}
	for i := 1; ; i++ {
		t.RawSetInt(i, p.value(&tok))
		p.next(&tok)
		if tok.typ == tArrEnd {
			p.depth--
			return t
		}
		if tok.typ != tComma {
			p.fail("comma or array end", &tok)
		}
		p.next(&tok)
	}
}
