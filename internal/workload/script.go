package workload

func init() { RegisterCases("scripting", ScriptCases) }

// ScriptCases returns the cases of EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and
// SCRIPT: the conversions of replies both ways (RESP2, and RESP3 after
// redis.setresp(3)), the redis library, the sandbox's refusals and the
// errors with their script line. Maps and sets hold one element, so that
// Lua's table order does not decide the reply. math.random draws from one
// sequence per server that nothing reseeds, so these cases draw in the same
// order on both sides.
func ScriptCases() [][]string {
	e := func(script string, rest ...string) []string {
		return append([]string{"EVAL", script}, rest...)
	}
	return [][]string{
		// Lua values to replies.
		e("return 1", "0"), e("return -7", "0"), e("return 3.99", "0"), e("return -3.99", "0"), e("return 'str'", "0"),
		e("return true", "0"), e("return false", "0"), e("return nil", "0"), e("", "0"), e("return", "0"),
		e("return {1, 'two', 3.7, {4, {5}}, true, false}", "0"), e("return {1, 2, nil, 4}", "0"), e("return {}", "0"),
		e("return {ok='fine'}", "0"), e("return {err='bad thing'}", "0"), e("return {err='ERR my error'}", "0"),
		e("return {1, {err='NESTED boom'}, {ok='OK'}}", "0"), e("return {ok='line\\r\\nbreak'}", "0"),
		e("return redis.error_reply('x y')", "0"), e("return redis.error_reply('My')", "0"), e("return redis.error_reply('-CODE msg')", "0"),
		e("return redis.error_reply(1)", "0"), e("return redis.error_reply()", "0"),
		e("return redis.status_reply('st')", "0"), e("return redis.status_reply()", "0"), e("return redis.status_reply({})", "0"),
		e("return {double=3.5}", "0"), e("return {double=1e300}", "0"), e("return {map={a=1}}", "0"), e("return {set={x=true}}", "0"),
		e("return {big_number='123456789012345678901234567890'}", "0"), e("return {verbatim_string={format='txt', string='hi'}}", "0"),
		e("return {map={}}", "0"), e("return {set={}}", "0"),
		e("return 1e20", "0"), e("return -1e20", "0"), e("return 0/0", "0"), e("return 2^53+1", "0"),
		// Replies to Lua values, RESP2.
		{"SET", "str", "abc"}, {"RPUSH", "list", "a", "b"}, {"HSET", "h", "f", "v"}, {"ZADD", "z", "1.5", "m"}, {"SADD", "s", "only"},
		e("return redis.call('GET', KEYS[1])", "1", "str"), e("return redis.call('GET', 'missing')", "0"),
		e("return type(redis.call('GET', 'missing'))", "0"), e("return redis.call('SET', 'k', 'v')", "0"),
		e("return redis.call('SET', 'k', 'v')['ok']", "0"), e("return redis.call('INCR', 'n')", "0"),
		e("return redis.call('LRANGE', 'list', 0, -1)", "0"), e("return redis.call('HGETALL', 'h')", "0"),
		e("return redis.call('ZSCORE', 'z', 'm')", "0"), e("return redis.call('SMEMBERS', 's')", "0"),
		e("return redis.call('SET', 'n2', 42) and redis.call('GET', 'n2')", "0"), e("redis.call('SET', 'f', 3.5) return redis.call('GET', 'f')", "0"),
		e("redis.call('SET', 'f', 1e15) return redis.call('GET', 'f')", "0"),
		e("return redis.call('MGET', 'str', 'missing')", "0"), e("return redis.call('LPOP', 'missing', 2)", "0"),
		// RESP3 in the script.
		e("redis.setresp(3) return redis.call('HGETALL', 'h')", "0"), e("redis.setresp(3) return redis.call('HGETALL', 'h')['map']['f']", "0"),
		e("redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')", "0"), e("redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')['double']", "0"),
		e("redis.setresp(3) return redis.call('SMEMBERS', 's')", "0"), e("redis.setresp(3) return redis.call('GET', 'missing')", "0"),
		e("redis.setresp(3) return type(redis.call('GET', 'missing'))", "0"), e("redis.setresp(3) return true", "0"),
		e("redis.setresp(3) return false", "0"), e("redis.setresp(3) return {true, false}", "0"),
		e("redis.setresp(4)", "0"), e("redis.setresp()", "0"), e("return redis.setresp(2)", "0"),
		// KEYS, ARGV and the number of keys.
		e("return {KEYS[1], KEYS[2], ARGV[1], ARGV[2], #KEYS, #ARGV}", "2", "k1", "k2", "a1", "a2"),
		e("return #ARGV", "0", "a", "b", "c"), e("return 1", "-1"), e("return 1", "2", "a"), e("return 1", "x"),
		e("return 1", "1"), {"EVAL"}, {"EVAL", "return 1"},
		// The cache: SCRIPT LOAD, EVALSHA, EXISTS, FLUSH.
		{"SCRIPT", "LOAD", "return 'loaded'"}, {"EVALSHA", "e0c2d5b6c33e4f04d6a6f3b7f6a7e4f5c2d7a8b9", "0"},
		{"EVALSHA", "4f72c4d0a4a0c1f3c68e7b8e1e21ba7b0f55d1a1", "0"}, {"EVALSHA", "abc", "0"}, {"EVALSHA", "", "0"},
		{"SCRIPT", "EXISTS", "4f72c4d0a4a0c1f3c68e7b8e1e21ba7b0f55d1a1", "nope"},
		{"SCRIPT", "LOAD", "return redis.call('GET', KEYS[1])"}, {"EVALSHA", "d09cc9ba3c1d2c2c2b6e6e56ea3ca8e4b5d3a94a", "1", "str"},
		{"SCRIPT", "LOAD", "return 1 +"}, {"SCRIPT", "LOAD"}, {"SCRIPT", "FLUSH"}, {"SCRIPT", "FLUSH", "ASYNC"}, {"SCRIPT", "FLUSH", "SYNC"},
		{"SCRIPT", "FLUSH", "BOTH"}, {"SCRIPT", "FLUSH", "SYNC", "ASYNC"}, {"SCRIPT", "KILL"}, {"SCRIPT", "KILL", "x"}, {"SCRIPT", "HELP"},
		{"SCRIPT", "NOPE"}, {"SCRIPT"}, {"SCRIPT", "EXISTS"}, {"SCRIPT", "DEBUG", "NO"}, {"SCRIPT", "DEBUG", "MAYBE"},
		// Read-only scripts.
		{"EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "str"}, {"EVAL_RO", "return redis.call('SET', 'a', 'b')", "0"},
		{"EVAL_RO", "return redis.pcall('DEL', 'a')", "0"}, {"EVAL_RO", "return 1", "-1"},
		{"SCRIPT", "LOAD", "return redis.call('DEL', 'str')"}, {"EVALSHA_RO", "2dbb4ef1ab1c9eff1d4d0b4f1a8dd93be1b0a1de", "0"},
		// Commands scripts may not call, and bad calls.
		e("return redis.call('MULTI')", "0"), e("return redis.call('BLPOP', 'list', 0)", "0"), e("return redis.call('EVAL', 'return 1', 0)", "0"),
		e("return redis.call('WATCH', 'k')", "0"), e("return redis.pcall('MULTI')", "0"),
		e("return redis.call('nosuch')", "0"), e("return redis.call('GET')", "0"), e("return redis.call()", "0"),
		e("return redis.call({})", "0"), e("return redis.call('GET', {})", "0"), e("return redis.pcall()", "0"), e("return redis.pcall('nosuch')", "0"),
		e("return redis.call('INCR', 'str')", "0"), e("return redis.pcall('INCR', 'str')", "0"), e("return redis.call('LPUSH', 'str', 'x')", "0"),
		e("local ok, err = pcall(redis.call, 'INCR', 'str') return {tostring(ok), err['err']}", "0"),
		e("return redis.pcall('INCR', 'str')['err']", "0"),
		// Errors and their lines.
		e("error('boom')", "0"), e("error({err='MY x'})", "0"), e("error(12)", "0"), e("error('lvl0', 0)", "0"),
		e("local function f()\n error('deep')\nend\nf()", "0"), e("\n\nreturn redis.call('INCR', 'str')", "0"),
		e("return 1 +", "0"),
		// The sandbox.
		e("x = 1", "0"), e("return y", "0"), e("redis.call = nil", "0"), e("string.x = 1", "0"), e("_G.x = 1", "0"),
		e("rawset(_G, 'x', 1)", "0"), e("return os", "0"), e("return io", "0"), e("return loadfile", "0"), e("return dofile", "0"),
		e("return print", "0"), e("return debug", "0"), e("return require", "0"), e("return setfenv", "0"),
		e("return {type(loadstring), type(coroutine), type(unpack), type(table.concat), type(string.format), type(math.floor)}", "0"),
		e("local t = {} t.x = 1 return t.x", "0"), e("KEYS[1] = 'changed' return KEYS[1]", "1", "orig"),
		// The redis library.
		e("return redis.sha1hex('')", "0"), e("return redis.sha1hex('abc')", "0"), e("return redis.sha1hex()", "0"),
		e("return redis.REDIS_VERSION", "0"), e("return redis.REDIS_VERSION_NUM", "0"),
		e("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}", "0"),
		e("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL}", "0"),
		e("return redis.set_repl(redis.REPL_ALL)", "0"), e("return redis.set_repl(redis.REPL_AOF)", "0"), e("return redis.set_repl(9)", "0"),
		e("return redis.set_repl()", "0"), e("return redis.replicate_commands()", "0"),
		e("return redis.breakpoint()", "0"), e("return redis.debug('x')", "0"),
		e("return redis.log(redis.LOG_WARNING, 'from a script')", "0"), e("return redis.log(redis.LOG_DEBUG)", "0"),
		e("return redis.log('x', 'y')", "0"), e("return redis.log(9, 'y')", "0"),
		e("return redis.acl_check_cmd('GET', 'k')", "0"), e("return redis.acl_check_cmd('nosuch')", "0"),
		// math.random: one sequence, as Redis draws it.
		e("return math.random(1000)", "0"), e("return {math.random(10, 20), math.random(5)}", "0"),
		e("math.randomseed(7) return math.random(1000)", "0"), e("return math.random(1000)", "0"),
		e("return math.random(0)", "0"),
		// The shebang of Redis 7.0 scripts.
		e("#!lua", "0"), e("#!lua\nreturn 1", "0"), e("#!python\nreturn 1", "0"),
		e("#!lua flags=no-writes\nreturn redis.call('SET', 'a', 'b')", "0"), e("#!lua flags=bad\nreturn 1", "0"),
		e("#!lua foo=bar\nreturn 1", "0"), e("#!lua flags=no-writes,allow-oom\nerror('x')", "0"),
		e("#!lua flags=allow-cross-slot-keys,no-cluster,allow-stale\nreturn redis.call('SET', KEYS[1], 1)", "1", "sb"),
		e("#!lua flags=no-writes\nreturn redis.call('GET', KEYS[1])", "1", "sb"),
		// Databases and effects.
		e("redis.call('SELECT', 1) redis.call('SET', 'in1', 'x') return redis.call('GET', 'in1')", "0"),
		{"GET", "in1"}, {"SELECT", "1"}, {"GET", "in1"}, {"SELECT", "0"},
		e("redis.call('SET', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], 100) return redis.call('TTL', KEYS[1])", "1", "w", "val"),
		{"GET", "w"}, {"TTL", "w"},
		e("redis.call('SET', 'partial', '1') error('after a write')", "0"), {"GET", "partial"},
	}
}
