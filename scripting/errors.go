package scripting

// The messages of the Lua side of scripting, word for word as Redis 7.0
// raises them inside a script (they reach the client with "ERR " and the
// script's SHA-1 and line). The errors a client gets from the commands
// themselves are package embedis's (errors.go there).
const (
	msgNoGlobal        = "Script attempted to access nonexistent global variable '%s'"
	msgReadonly        = "Attempt to modify a readonly table"
	msgNoArgs          = "Please specify at least one argument for this redis lib call"
	msgBadArgs         = "Lua redis lib command arguments must be strings or integers"
	msgUnknownCommand  = "Unknown Redis command called from script"
	msgWrongArgs       = "Wrong number of args calling Redis command from script"
	msgNoScript        = "This Redis command is not allowed from script"
	msgWriteInReadOnly = "Write commands are not allowed from read-only scripts."
	msgWrongArgsOrType = "wrong number or type of arguments"
	msgWrongArgCount   = "wrong number of arguments"
	msgLogArgs         = "redis.log() requires two arguments or more."
	msgLogLevelType    = "First argument must be a number (log level)."
	msgLogLevel        = "Invalid debug level."
	msgSetRespArgs     = "redis.setresp() requires one argument."
	msgSetRespVersion  = "RESP version must be 2 or 3."
	msgSetReplArgs     = "redis.set_repl() requires two arguments."
	msgSetReplFlags    = "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE."
	msgShebangInvalid  = "Invalid script shebang"
	msgShebangEngine   = "Unexpected engine in script shebang: "
	msgShebangOption   = "Unknown lua shebang option: "
	msgShebangFlag     = "Unexpected flag in script shebang: "
	msgACLCheckCmd     = "Invalid command passed to redis.acl_check_cmd()"
	msgACLCheckArgs    = "Wrong number of args calling Redis command from script"

	// embedis's own.
	msgSetReplNoAOF    = "redis.set_repl: REPL_NONE and REPL_REPLICA are not supported by embedis (a script's effects always go to the write-effect stream)"
	msgNotInScript     = "redis.call and redis.pcall can only be called inside a script invocation"
	msgCommandPanicked = "a command called from the script panicked"
	msgNoMemory        = "not enough memory"
	msgVMFailed        = "the Lua state failed while unwinding an error (the value stack was full)"
	msgReplyTooDeep    = "reached lua stack limit"
	errUnknown         = "unknown error" // a script raised a table without an err field
)

// The messages of the libraries Redis ships (cjson, cmsgpack, bit, struct),
// word for word as Redis 7.0's C code raises them; the %-verbs are its
// printf arguments.
const (
	// lauxlib's argument errors.
	msgBadArgument = "bad argument #%d to '%s' (%s)"
	msgTypeError   = "%s expected, got %s"

	// struct
	msgStructSizeOverflow = "integral size overflow"
	msgStructIntTooLarge  = "integral size %d is larger than limit of %d"
	msgStructAlignment    = "alignment %d is not a power of 2"
	msgStructBadOption    = "invalid format option '%s'" // one byte, as C's %c writes it
	msgStructShortString  = "string too short"
	msgStructOffset       = "offset must be 1 or greater"
	msgStructShortData    = "data string too short"
	msgStructTooMany      = "stack overflow (too many results)"
	msgStructC0NoSize     = "format 'c0' needs a previous size"
	msgStructUnfinished   = "unfinished string in data"
	msgStructSizeS        = "option 's' has no fixed size"
	msgStructSizeC0       = "option 'c0' has no fixed size"

	// cjson
	msgJSONTooManyArgs  = "found too many arguments"
	msgJSONIntRange     = "expected integer between %d and %d"
	msgJSONBadOption    = "invalid option '%s'"
	msgJSONOneArg       = "expected 1 argument"
	msgJSONCannot       = "Cannot serialise %s: %s"
	msgJSONUnsupported  = "type not supported"
	msgJSONBadNumber    = "must not be NaN or Inf"
	msgJSONSparse       = "excessively sparse array"
	msgJSONBadKey       = "table key must be a number or string"
	msgJSONEncodeDepth  = "Cannot serialise, excessive nesting (%d)"
	msgJSONUTF16        = "JSON parser does not support UTF-16 or UTF-32"
	msgJSONExpected     = "Expected %s but found %s at character %d"
	msgJSONDecodeDepth  = "Found too many nested data structures (%d) at character %d"
	msgJSONInvalidToken = "invalid token"
	msgJSONInvalidNum   = "invalid number"
	msgJSONUnterminated = "unexpected end of string"
	msgJSONBadEscape    = "invalid escape code"
	msgJSONBadUnicode   = "invalid unicode escape code"

	// cmsgpack, and the Lua VM's own errors it meets
	msgMsgpackNoInput    = "MessagePack pack needs input."
	msgMsgpackBadRequest = "Invalid request to unpack with offset of %d and limit of %d."
	msgMsgpackOffset     = "Start offset %d greater than input length %d."
	msgMsgpackEOF        = "Missing bytes in input."
	msgMsgpackBadFormat  = "Bad data format in input."
	msgMsgpackTooMany    = "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)"
	msgMsgpackArrayStack = "stack overflow (in function mp_decode_to_lua_array)"
	msgTableIndexNil     = "table index is nil"
	msgTableIndexNaN     = "table index is NaN"
)
