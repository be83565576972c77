package workload

import "strconv"

func init() { RegisterCases("functions", FunctionCases) }

// FunctionCases returns the cases of Redis 7.0 functions: FUNCTION LOAD
// (the shebang, the names, the load API and every error of
// redis.register_function), LIST, DELETE, FLUSH, DUMP, RESTORE, STATS,
// KILL, HELP, and FCALL, FCALL_RO with the function flags. Redis lists
// libraries and functions in hash-table order: the LIST and DUMP cases
// run with one library of one function, so that the order is the only
// one. FLUSHALL does not remove libraries: the list starts with FUNCTION
// FLUSH.
func FunctionCases() [][]string {
	lib := func(name, body string) string { return "#!lua name=" + name + "\n" + body }
	load := func(name, body string) []string { return []string{"FUNCTION", "LOAD", lib(name, body)} }
	reg := func(body string) []string { return load("bad", body) }
	// FUNCTION DUMP payloads redis-server 7.0.15 wrote: library one
	// (compressed) and library two, each registering "only".
	one := "\xf5\xc3@\xb4@\xcd\x1f#!lua name=one\nredis.register_fu\x06nction{\xc0\x08\x00_`)\x10'only', callback=\xc0\x1e\x1f() return 1 end, flags={'no-writ\x01es 5\x00' 5\x05ow-oom\xe0\x01\x0c\x04stale@\x0e (\x02clu@|@\x0d\x80)\x19cross-slot-keys'}, descrip@\x9b\x05='the  \xbc\x01'}\n\x00\xf8\x18A\x95\xe7\xa9\"\x10"
	two := "\xf5@G#!lua name=two\nredis.register_function('only', function() return 2 end)\n\x00\xa2)\x16\x9a\xb7\x06\xc2P"
	return [][]string{
		{"FUNCTION", "FLUSH"}, {"FUNCTION", "LIST"}, {"FUNCTION", "STATS"}, {"FUNCTION", "DUMP"},
		// The shebang and the library's name.
		{"FUNCTION", "LOAD", "return 1"}, {"FUNCTION", "LOAD", "#!lua"}, {"FUNCTION", "LOAD", "#!lua\nreturn 1"},
		{"FUNCTION", "LOAD", "#!lua name=a b=c\nreturn 1"}, {"FUNCTION", "LOAD", "#!lua name=a name=b\nreturn 1"},
		{"FUNCTION", "LOAD", "#!lua NAME=a Name=b\nreturn 1"},
		{"FUNCTION", "LOAD", "#!lua name=a-b\nreturn 1"}, {"FUNCTION", "LOAD", "#!lua name=\nreturn 1"},
		{"FUNCTION", "LOAD", "#!foo name=a\nreturn 1"}, {"FUNCTION", "LOAD", "#! name=a\nreturn 1"},
		{"FUNCTION", "LOAD", "#!lua \"name=lib 6\"\nreturn 1"}, {"FUNCTION", "LOAD", "#!lua \"name=lib\nreturn 1"},
		{"FUNCTION", "LOAD", "#!lua name=a\r\nreturn 1"},
		{"FUNCTION", "LOAD", "#!LUA   name=lib1  \nredis.register_function('f1', function(k, a) return 1 end)"},
		{"FCALL", "f1", "0"}, {"FCALL", "F1", "0"},
		load("lib2", "return 1"), load("lib2", "local t = {} t[1] = 2"),
		load("lib2", "redis.register_function('f1', function() return 2 end)"),
		load("lib1", "redis.register_function('f9', function() return 2 end)"),
		// What a library may call while it loads, and its errors.
		reg("redis.register_function('f-1', function() end)"), reg("redis.register_function('', function() end)"),
		reg("redis.register_function('f2', function() end)\nredis.register_function('f2', function() end)"),
		reg("redis.call('PING')"), reg("redis.pcall('PING')"), reg("redis.setresp(3)"), reg("redis.set_repl(redis.REPL_ALL)"),
		reg("math.random()"), reg("string.format('x')"), reg("error('boom')"), reg("x = 5"), reg("redis.foo = 1"),
		reg("return KEYS"), reg("local x = \n"), reg("while true do end"),
		reg("redis.register_function('f2')"), reg("redis.register_function(1, 2)"), reg("redis.register_function({}, 2)"),
		reg("redis.register_function('x', 2)"), reg("redis.register_function(1, function() end, 3)"), reg("redis.register_function()"),
		reg("redis.register_function({function_name='x'})"), reg("redis.register_function({callback=function() end})"),
		reg("redis.register_function({callback=function() end, function_name='f5', flags={'bad'}})"),
		reg("redis.register_function({callback=function() end, function_name='f5', flags='x'})"),
		reg("redis.register_function({callback=function() end, function_name='f5', foo=1})"),
		reg("redis.register_function({callback=1, function_name='f5'})"),
		reg("redis.register_function({callback=function() end, function_name={}})"),
		reg("redis.register_function({callback=function() end, function_name='f5', description={}})"),
		reg("redis.register_function({[1]=2})"), reg("redis.register_function({[true]=2})"),
		reg("redis.register_function({callback=function() end, function_name='f5', flags={1}})"),
		reg("redis.register_function({callback=function() end, function_name='f5', flags={'no-writes', {}}})"),
		reg("redis.register_function({callback=function() end, function_name='f-5'})"),
		{"FUNCTION", "LIST", "LIBRARYNAME", "bad"},
		load("logs", "redis.log(redis.LOG_WARNING, 'loading') redis.register_function('ver', function() return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM} end)"),
		{"FCALL", "ver", "0"},
		// LOAD's options.
		load("lib3", "redis.register_function('h', function() return 1 end)"),
		{"FUNCTION", "LOAD", "REPLACE", lib("lib3", "redis.register_function('h', function() return 2 end)")}, {"FCALL", "h", "0"},
		{"FUNCTION", "LOAD", "replace", "REPLACE", lib("lib3", "redis.register_function('h', function() return 3 end)")}, {"FCALL", "h", "0"},
		{"FUNCTION", "LOAD", "REPLACE", lib("lib3", "redis.register_function('f1', function() return 3 end)")}, {"FCALL", "h", "0"},
		{"FUNCTION", "LOAD", "REPLACE", lib("lib3", "return 1")}, {"FCALL", "h", "0"},
		{"FUNCTION", "LOAD", "foo", lib("lib3", "redis.register_function('h', function() return 3 end)")},
		{"FUNCTION", "LOAD", "replace"}, {"FUNCTION", "LOAD"},
		// FCALL and the flags.
		{"FUNCTION", "FLUSH", "SYNC"},
		load("lib", "redis.register_function('w', function(k, a) return redis.call('SET', k[1], a[1]) end)\n"+
			"redis.register_function{function_name='ro', callback=function(k, a) return redis.call('SET', k[1], a[1]) end, flags={'no-writes'}, description='read only'}\n"+
			"redis.register_function{function_name='rg', callback=function(k, a) return redis.call('GET', k[1]) end, flags={'NO-WRITES', 'allow-oom'}}\n"+
			"redis.register_function('err', function(k, a) return error('bad') end)\n"+
			"redis.register_function('err2', function(k, a) return redis.call('nosuch') end)\n"+
			"redis.register_function('glob', function(k, a) return KEYS end)\n"+
			"redis.register_function('m', function(k, a) return {#k, #a, k[1], a[1]} end)\n"+
			"redis.register_function('mr', function(k, a) return math.random(100) end)\n"+
			"redis.register_function('x7', function() return {1, {ok='fine'}, redis.error_reply('E1 inner')} end)\n"+
			"redis.register_function('x8', function() return redis.error_reply('MYERR outer') end)\n"+
			"redis.register_function('x9', function() return {err='plain'} end)\n"+
			"redis.register_function('x10', function() return redis.pcall('INCR', 'str') end)\n"+
			"redis.register_function('x11', function(k, a) return redis.call('INCR', k[1]) end)\n"+
			"redis.register_function('fl', function(k, a) return redis.call('FUNCTION', 'LIST') end)\n"+
			"redis.register_function('fh', function(k, a) return redis.call('FUNCTION', 'STATS') end)\n"+
			"redis.register_function('fc', function(k, a) return redis.call('FCALL', 'w', 0) end)\n"+
			"redis.register_function('gw', function(k, a) x = 1 end)\n"+
			"redis.register_function('hm', function(k, a) redis.setresp(3) return redis.call('HGETALL', k[1]) end)\n"+
			"redis.register_function('sel', function(k, a) redis.call('SELECT', 1) return redis.call('SET', k[1], 'in1') end)\n"+
			"redis.register_function('partial', function(k, a) redis.call('SET', k[1], '1') error('after a write') end)\n"+
			"redis.register_function{function_name='d', callback=function() return 1 end, flags={'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description=5}\n"+
			"redis.register_function{function_name='e', callback=function() return 1 end, description=''}"),
		{"SET", "str", "abc"}, {"HSET", "h", "f", "v"},
		{"FCALL", "w", "1", "k", "v"}, {"GET", "k"}, {"FCALL_RO", "w", "1", "k", "v"}, {"FCALL", "ro", "1", "k", "v"}, {"FCALL_RO", "ro", "1", "k", "v"},
		{"FCALL_RO", "rg", "1", "k"}, {"FCALL", "RG", "1", "k"}, {"FCALL", "err", "0"}, {"FCALL", "err2", "0"}, {"FCALL", "glob", "0"},
		{"FCALL", "m", "1", "a", "b", "c"}, {"FCALL", "m", "0"}, {"FCALL", "mr", "0"}, {"FCALL", "nosuch", "0"}, {"FCALL", "w", "x"},
		{"FCALL", "w", "-1"}, {"FCALL", "w", "5", "a"}, {"FCALL", "w", "1"}, {"FCALL_RO", "nosuch", "0"}, {"FCALL", "nosuch", "x"},
		{"FCALL", "w", "1.5", "a"}, {"FCALL"}, {"FCALL", "w"},
		{"FCALL", "x7", "0"}, {"FCALL", "x8", "0"}, {"FCALL", "x9", "0"}, {"FCALL", "x10", "0"}, {"FCALL", "x11", "1", "str"},
		{"FCALL", "fl", "0"}, {"FCALL", "fh", "0"}, {"FCALL", "fc", "0"}, {"FCALL", "gw", "0"}, {"FCALL", "hm", "1", "h"},
		{"FCALL", "sel", "1", "s1"}, {"GET", "s1"}, {"SELECT", "1"}, {"GET", "s1"}, {"SELECT", "0"},
		{"FCALL", "partial", "1", "p"}, {"GET", "p"}, {"FCALL", "d", "0"}, {"FCALL", "e", "0"},
		{"EVAL", "return redis.call('FCALL', 'w', 0)", "0"}, {"EVAL", "return redis.call('FUNCTION', 'FLUSH')", "0"},
		{"EVAL", "return redis.call('FUNCTION', 'HELP')[1]", "0"},
		{"FUNCTION", "STATS"},
		// LIST's options on one library of one function at a time.
		{"FUNCTION", "LIST", "LIBRARYNAME", "nomatch*"},
		{"FUNCTION", "LIST", "LIBRARYNAME"}, {"FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"}, {"FUNCTION", "LIST", "foo"},
		{"FUNCTION", "LIST", "WITHCODE", "WITHCODE"}, {"FUNCTION", "LIST", "libraryname", ""},
		{"FUNCTION", "FLUSH", "ASYNC"},
		load("one", "redis.register_function{function_name='only', callback=function() return 1 end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'}, description='the one'}"),
		{"FUNCTION", "LIST"}, {"FUNCTION", "LIST", "WITHCODE"}, {"FUNCTION", "LIST", "withcode", "libraryname", "o*"},
		{"FUNCTION", "LIST", "LIBRARYNAME", "[a-z]ne", "WITHCODE"}, {"FUNCTION", "STATS"},
		// DUMP and RESTORE with their policies.
		{"FUNCTION", "DUMP"}, {"FUNCTION", "DUMP", "x"},
		{"FUNCTION", "RESTORE", one}, {"FUNCTION", "RESTORE", one, "APPEND"}, {"FUNCTION", "RESTORE", one, "replace"}, {"FCALL", "only", "0"},
		{"FUNCTION", "RESTORE", two}, {"FUNCTION", "RESTORE", two, "REPLACE"}, {"FUNCTION", "RESTORE", two, "FLUSH"}, {"FCALL", "only", "0"},
		{"FUNCTION", "LIST"}, {"FUNCTION", "RESTORE", one, "FLUSH"}, {"FCALL", "only", "0"}, {"FUNCTION", "DUMP"},
		{"FUNCTION", "DELETE", "one"}, {"FUNCTION", "RESTORE", two}, {"FCALL", "only", "0"}, {"FUNCTION", "DELETE", "two"},
		{"FUNCTION", "RESTORE", one}, {"FUNCTION", "RESTORE", one[:len(one)-1] + "x"}, {"FUNCTION", "RESTORE", "\x00\x03abc" + one[len(one)-10:]},
		{"FUNCTION", "DELETE", "one"}, {"FUNCTION", "DELETE", "one"}, {"FUNCTION", "DELETE"}, {"FUNCTION", "DELETE", "a", "b"},
		{"FUNCTION", "RESTORE", "abc"}, {"FUNCTION", "RESTORE", "abc", "foo"}, {"FUNCTION", "RESTORE", "abc", "append", "x"},
		{"FUNCTION", "RESTORE", "\n\x00]\x9b\\@\x0f\x7f\xa2\xda"}, {"FUNCTION", "RESTORE", "\x0b\x00]\x9b\\@\x0f\x7f\xa2\xda"},
		{"FUNCTION", "RESTORE", "short"}, {"FUNCTION", "RESTORE", ""}, {"FUNCTION", "RESTORE"},
		// Other subcommands and their arities.
		{"FUNCTION", "FLUSH", "foo"}, {"FUNCTION", "FLUSH", "sync", "x"}, {"FUNCTION", "STATS", "x"}, {"FUNCTION", "KILL"},
		{"FUNCTION", "KILL", "x"}, {"FUNCTION", "foo"}, {"FUNCTION"}, {"FUNCTION", "HELP"}, {"FUNCTION", "help", "x"},
		{"FUNCTION", "FLUSH"}, {"FUNCTION", "DUMP"}, {"FUNCTION", "STATS"},
	}
}

func init() { Register("functions", (*Gen).FunctionCommand) }

// functionLibs are the libraries the random workload loads: each registers
// one function that writes and one that reads, over the keys it is given.
var functionLibs = []string{
	"#!lua name=wl1\nredis.register_function('wl1_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)\n" +
		"redis.register_function{function_name='wl1_get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}",
	"#!lua name=wl2\nredis.register_function('wl2_incr', function(keys, args) return redis.call('INCR', keys[1]) end)",
	"#!lua name=wl2\nredis.register_function('wl2_incr', function(keys, args) return redis.call('INCRBY', keys[1], 2) end)",
}

// FunctionCommand returns a random command of Redis 7.0 functions:
// FUNCTION LOAD (REPLACE), DELETE, FLUSH and LIST of one library, and
// FCALL, FCALL_RO of their functions (which may not be loaded).
func (w *Gen) FunctionCommand() []string {
	k := w.key()
	switch w.r.IntN(12) {
	case 0, 1:
		return []string{"FUNCTION", "LOAD", functionLibs[w.r.IntN(len(functionLibs))]}
	case 2:
		return []string{"FUNCTION", "LOAD", "REPLACE", functionLibs[w.r.IntN(len(functionLibs))]}
	case 3:
		return []string{"FUNCTION", "DELETE", []string{"wl1", "wl2"}[w.r.IntN(2)]}
	case 4:
		if w.r.IntN(4) == 0 {
			return []string{"FUNCTION", "FLUSH"}
		}
		return []string{"FUNCTION", "LIST", "LIBRARYNAME", "wl2"}
	case 5, 6:
		return []string{"FCALL", "wl1_set", "1", k, strconv.Itoa(w.r.IntN(100))}
	case 7:
		return []string{"FCALL_RO", "wl1_get", "1", k}
	case 8:
		return []string{"FCALL_RO", "wl1_set", "1", k, "x"}
	default:
		return []string{"FCALL", "wl2_incr", "1", k}
	}
}
