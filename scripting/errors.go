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
