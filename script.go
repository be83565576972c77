package embedis

import "strings"

// Scripting: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT as Redis 7.0 runs
// them. The Lua virtual machine (github.com/yuin/gopher-lua, Lua 5.1 as Redis
// embeds it) lives in package scripting, which registers itself here from its
// init function through RegisterScriptEngine: this package does not import
// it, so that a program that never scripts does not link a Lua VM. Import it
// for its effect to run scripts from Go:
//
//	import _ "github.com/embedis/embedis/scripting"
//
// The server (package server, cmd/embedis-server) imports it. Without it,
// every scripting command fails with ErrScriptingNotLinked.
//
// A script runs as the owner, inside the turn of the command that runs it,
// so it is atomic as in Redis. The commands it calls (redis.call) go through
// the command table like any other, so their write effects, WATCH
// invalidations and keyspace events are those of the commands: the
// write-effect stream holds the commands a script ran, never the script, and
// replaying it never runs Lua.

// ScriptEngine runs the scripts of one Store. Package scripting implements
// it; a Store makes its engine on its first scripting command, with the
// constructor given to RegisterScriptEngine. Every method is called by the
// owner, during its turn.
type ScriptEngine interface {
	// Run runs a script and writes its reply (or its error) to w. It
	// compiles and caches call.Source (EVAL), or, with call.Cached, runs
	// the cached script call.SHA (EVALSHA; an unknown one replies
	// ErrNoScript).
	Run(tx *Tx, w ReplyWriter, call ScriptCall)
	// Load compiles script, caches it and returns its SHA-1 in lower-case
	// hex (SCRIPT LOAD); a script that does not compile is an error.
	Load(script string) (sha string, err error)
	// Exists reports whether a script with the SHA-1 sha (any case) is
	// cached.
	Exists(sha string) bool
	// Flush empties the cache.
	Flush()
	// LoadLibrary runs the code of a library of functions (FUNCTION LOAD;
	// body is the code after its shebang line, from the line's newline on,
	// so that line numbers count the shebang's) and returns the functions
	// it registered, or its failure as a FunctionLoadError with Redis's
	// text. The functions of a library loaded and then dropped by the
	// caller are simply never called.
	LoadLibrary(body string) ([]FunctionDef, error)
	// CallFunction calls a function LoadLibrary returned (FCALL) and
	// writes its reply, or its error, to w.
	CallFunction(tx *Tx, w ReplyWriter, call FunctionCall)
}

// ScriptCall is one run of a script: its source or SHA-1, its KEYS and ARGV,
// and whether it may write (EVAL_RO, EVALSHA_RO).
type ScriptCall struct {
	Source   string // the script (EVAL)
	SHA      string // the SHA-1 of a cached script (EVALSHA)
	Cached   bool   // run the cached script SHA (EVALSHA) rather than Source
	Keys     []string
	Args     []string
	ReadOnly bool
	// Run is the run as other goroutines see it (script_busy.go): the
	// script's Lua state runs with Run.Context(), the script calls
	// Run.Write() before each write command, and a script stopped by
	// SCRIPT KILL or its caller's context fails with Run.Stopped().
	Run *ScriptRun
}

// newScriptEngine makes a Store's script engine; nil until package scripting
// is linked.
var newScriptEngine func() ScriptEngine

// RegisterScriptEngine installs the constructor of every Store's script
// engine. Package scripting calls it from its init function; it is not meant
// to be called otherwise, and a second call replaces the first for the
// Stores that have not scripted yet.
func RegisterScriptEngine(newEngine func() ScriptEngine) { newScriptEngine = newEngine }

// scripts returns the store's script engine, made on first use, or nil when
// package scripting is not linked.
func (tx *Tx) scripts() ScriptEngine {
	if tx.e.scripts == nil && newScriptEngine != nil {
		tx.e.scripts = newScriptEngine()
	}
	return tx.e.scripts
}

func init() {
	flags := []string{"noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"}
	ro := append([]string{"readonly"}, flags...)
	register(
		&Command{Name: "eval", Arity: -3, Flags: flags, run: cmdEval},
		&Command{Name: "evalsha", Arity: -3, Flags: flags, run: cmdEval},
		&Command{Name: "eval_ro", Arity: -3, Flags: ro, run: cmdEval},
		&Command{Name: "evalsha_ro", Arity: -3, Flags: ro, run: cmdEval},
		&Command{Name: "script", Arity: -2, run: cmdScript},
	)
}

// Eval runs the Lua script with KEYS and ARGV (EVAL script numkeys key...
// arg...) and returns its reply as Store.Do returns replies: a Lua number is
// an int64 (truncated toward zero, as Redis converts it), a string a string,
// a table an []any stopping at its first nil, true is int64 1 and false nil,
// {ok=s} the string s; a script that fails or returns {err=s} is an error
// with Redis's text (a form of ErrScript, or the error of the command
// redis.call ran, with the script's SHA-1 and line appended as Redis appends
// them); an {err=s} nested in a table is an error value in the []any. The
// script is compiled once and cached under its SHA-1 (see EvalSha). It
// returns ErrScriptingNotLinked unless package scripting is imported.
func (tx *Tx) Eval(script string, keys []string, args ...string) (any, error) {
	return tx.runScript(ScriptCall{Source: script, Keys: keys, Args: args})
}

// EvalRO is Eval for a script that may not write (EVAL_RO): a write command
// called from it fails with Redis's "Write commands are not allowed from
// read-only scripts." error.
func (tx *Tx) EvalRO(script string, keys []string, args ...string) (any, error) {
	return tx.runScript(ScriptCall{Source: script, Keys: keys, Args: args, ReadOnly: true})
}

// EvalSha runs the cached script whose SHA-1 is sha1 (any case), as Eval
// runs it; ErrNoScript when no such script is cached (load it with
// ScriptLoad, or run it once with Eval).
func (tx *Tx) EvalSha(sha1 string, keys []string, args ...string) (any, error) {
	return tx.runScript(ScriptCall{SHA: sha1, Cached: true, Keys: keys, Args: args})
}

// EvalShaRO is EvalSha for a script that may not write (EVALSHA_RO).
func (tx *Tx) EvalShaRO(sha1 string, keys []string, args ...string) (any, error) {
	return tx.runScript(ScriptCall{SHA: sha1, Cached: true, Keys: keys, Args: args, ReadOnly: true})
}

func (tx *Tx) runScript(call ScriptCall) (any, error) {
	sc := tx.scripts()
	if sc == nil {
		return nil, ErrScriptingNotLinked
	}
	var r valueReply
	tx.runScriptCall(sc, &r, call, false)
	return r.result()
}

// runScriptCall runs a script with its run noted for BUSY and SCRIPT KILL.
func (tx *Tx) runScriptCall(sc ScriptEngine, w ReplyWriter, call ScriptCall, function bool) {
	call.Run = tx.startScript(function)
	defer tx.endScript(call.Run)
	sc.Run(tx, w, call)
}

// ScriptLoad compiles script, caches it and returns its SHA-1 in lower-case
// hex, for EvalSha (SCRIPT LOAD). A script that does not compile is an error
// with Redis's "Error compiling script" text.
func (tx *Tx) ScriptLoad(script string) (string, error) {
	sc := tx.scripts()
	if sc == nil {
		return "", ErrScriptingNotLinked
	}
	return sc.Load(script)
}

// ScriptExists reports for each SHA-1 (any case) whether its script is cached
// (SCRIPT EXISTS).
func (tx *Tx) ScriptExists(sha1s ...string) ([]bool, error) {
	sc := tx.scripts()
	if sc == nil {
		return nil, ErrScriptingNotLinked
	}
	found := make([]bool, len(sha1s))
	for i, s := range sha1s {
		found[i] = sc.Exists(s)
	}
	return found, nil
}

// ScriptFlush empties the script cache (SCRIPT FLUSH; ASYNC and SYNC both
// empty it at once: the cache is dropped, and Go's collector frees it).
func (tx *Tx) ScriptFlush() error {
	sc := tx.scripts()
	if sc == nil {
		return ErrScriptingNotLinked
	}
	sc.Flush()
	return nil
}

func cmdEval(tx *Tx, args []string, w ReplyWriter) {
	name := commandName(args)
	bySHA := strings.HasPrefix(name, "evalsha")
	if bySHA && len(args[1]) != 40 {
		// As Redis: a SHA-1 that cannot be one is NOSCRIPT before the
		// number of keys is looked at.
		w.WriteError(ErrNoScript)
		return
	}
	n, ok := parseNumKeys(args, w)
	if !ok {
		return
	}
	sc := tx.scripts()
	if sc == nil {
		w.WriteError(ErrScriptingNotLinked)
		return
	}
	call := ScriptCall{Keys: args[3 : 3+n], Args: args[3+n:], ReadOnly: strings.HasSuffix(name, "_ro")}
	if bySHA {
		call.SHA, call.Cached = args[1], true
	} else {
		call.Source = args[1]
	}
	tx.runScriptCall(sc, w, call, false)
}

// parseNumKeys checks EVAL's numkeys argument as Redis does.
func parseNumKeys(args []string, w ReplyWriter) (int, bool) {
	n, err := parseIntArg(args[2])
	switch {
	case err != nil:
		w.WriteError(err)
		return 0, false
	case n > int64(len(args)-3):
		w.WriteError(ErrNumKeysArgs)
		return 0, false
	case n < 0:
		w.WriteError(ErrNumKeysNegative)
		return 0, false
	}
	return int(n), true
}

// scriptHelp is SCRIPT HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var scriptHelp = []string{
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
}

func cmdScript(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	arityOK := false
	switch sub {
	case "help", "kill":
		arityOK = len(args) == 2
	case "load", "debug":
		arityOK = len(args) == 3
	case "exists":
		arityOK = len(args) >= 3
	case "flush":
		arityOK = len(args) >= 2
	default:
		w.WriteError(unknownSubcommand(args[1], "SCRIPT"))
		return
	}
	if !arityOK {
		w.WriteError(ArityError("script|" + sub))
		return
	}
	switch sub {
	case "help":
		w.WriteArrayLen(len(scriptHelp) + 3)
		w.WriteStatus("SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range scriptHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
		return
	case "kill":
		// Run as the owner, no script is running: a SCRIPT KILL that
		// must reach a running one is Store.ScriptKill (the server
		// calls it while the store is busy).
		w.WriteError(ErrNotBusy)
		return
	case "debug":
		// Lua debugging (ldb) is an interactive session on the client's
		// connection: not built. NO, debugging off, is what already holds.
		switch strings.ToLower(args[2]) {
		case "no":
			writeOK(w)
		case "yes", "sync":
			w.WriteError(ErrScriptDebug)
		default:
			w.WriteError(ErrScriptDebugMode)
		}
		return
	}
	switch sub {
	case "load":
		sha, err := tx.ScriptLoad(args[2])
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteBulk(sha)
	case "exists":
		found, err := tx.ScriptExists(args[2:]...)
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteArrayLen(len(found))
		for _, f := range found {
			writeBool(w, f)
		}
	case "flush":
		if len(args) > 3 || (len(args) == 3 && !strings.EqualFold(args[2], "sync") && !strings.EqualFold(args[2], "async")) {
			w.WriteError(ErrScriptFlushOption)
			return
		}
		writeOKOrError(w, tx.ScriptFlush())
	}
}

// SetServerCommandHandler installs run as the way a command of the server
// (INFO, CONFIG GET, COMMAND, LASTSAVE: the commands ServerOnly reports)
// runs when a script calls it, or Do is given one: a server serving the
// store installs it (package server does), so that scripts reach those
// commands as on redis-server. Without one they fail with ErrServerOnly.
// run is called by the owner; it must write exactly one reply to w.
func (s *Store) SetServerCommandHandler(run func(tx *Tx, w ReplyWriter, args []string)) {
	s.e.mu.Lock()
	s.e.serverCommands = run
	s.e.mu.Unlock()
}

// SetScriptCommandObserver installs see, called by the owner after each
// command a running script (EVAL, EVALSHA and their _RO forms) ran through
// redis.call or redis.pcall, with the command's arguments as the script gave
// them: a server serving the store installs it for MONITOR's "lua" lines. A
// command refused before it ran (an unknown name, a wrong number of
// arguments, out of memory) is not seen; one that ran and answered an error
// is. see must not keep args after it returns, nor call Store methods; nil
// removes the observer.
func (s *Store) SetScriptCommandObserver(see func(tx *Tx, args []string)) {
	s.e.mu.Lock()
	s.e.scriptCommands = see
	s.e.mu.Unlock()
}
