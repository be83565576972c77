package embedis

import "strings"

// Handlers of FUNCTION and FCALL, FCALL_RO: argument parsing in Redis's
// order of checks around the Tx methods of function.go.

func init() {
	flags := []string{"noscript", "stale", "skip_monitor", "no_mandatory_keys", "movablekeys"}
	register(
		// FUNCTION is a container: Redis flags its subcommands (LOAD,
		// DELETE, FLUSH, RESTORE write; all noscript), not itself.
		&Command{Name: "function", Arity: -2, run: cmdFunction, denyOOMSubs: map[string]int{"load": functionArity["load"], "restore": functionArity["restore"]}},
		&Command{Name: "fcall", Arity: -3, Flags: flags, run: cmdFCall},
		&Command{Name: "fcall_ro", Arity: -3, Flags: append([]string{"readonly"}, flags...), run: cmdFCall},
	)
}

// functionHelp is FUNCTION HELP's text between its first line and the
// closing HELP entry, as Redis 7.0 writes it.
var functionHelp = []string{
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Library description",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
}

// functionArity is the arity of each FUNCTION subcommand, as Redis's
// table has it (counting FUNCTION and the subcommand).
var functionArity = map[string]int{
	"load": -3, "delete": 3, "list": -2, "flush": -2, "dump": 2,
	"restore": -3, "stats": 2, "kill": 2, "help": 2,
}

// functionArityOK reports whether n arguments (FUNCTION, the
// subcommand, …) are a number of arguments the subcommand takes; false for
// a subcommand FUNCTION does not have.
func functionArityOK(sub string, n int) bool {
	a, ok := functionArity[sub]
	return ok && ((a > 0 && n == a) || (a < 0 && n >= -a))
}

func cmdFunction(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	if _, ok := functionArity[sub]; !ok {
		w.WriteError(unknownSubcommand(args[1], "FUNCTION"))
		return
	}
	if !functionArityOK(sub, len(args)) {
		w.WriteError(ArityError("function|" + sub))
		return
	}
	if tx.e.running != nil && sub != "help" {
		// Redis flags every subcommand but HELP noscript.
		w.WriteError(ErrFunctionFromScript)
		return
	}
	// LOAD and RESTORE are denyoom: refused before their arguments are read.
	if (sub == "load" || sub == "restore") && tx.refuseOOM() {
		w.WriteError(ErrOOM)
		return
	}
	switch sub {
	case "help":
		w.WriteArrayLen(len(functionHelp) + 3)
		w.WriteStatus("FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range functionHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
	case "kill":
		// Run as the owner, no function is running: a FUNCTION KILL that
		// must reach a running one is Store.FunctionKill (the server calls
		// it while the store is busy).
		w.WriteError(ErrNotBusy)
	case "load":
		replace := false
		i := 2
		for ; i < len(args)-1; i++ {
			if !strings.EqualFold(args[i], "replace") {
				w.WriteError(functionOptionError(args[i]))
				return
			}
			replace = true
		}
		name, err := tx.FunctionLoad(args[i], replace)
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteBulk(name)
	case "delete":
		writeOKOrError(w, tx.FunctionDelete(args[2]))
	case "flush":
		if len(args) > 3 {
			w.WriteError(functionArgsError(args[1]))
			return
		}
		if len(args) == 3 && !strings.EqualFold(args[2], "sync") && !strings.EqualFold(args[2], "async") {
			w.WriteError(ErrFunctionFlushOption)
			return
		}
		writeOKOrError(w, tx.FunctionFlush())
	case "dump":
		p, err := tx.FunctionDump()
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteBulk(p)
	case "restore":
		if len(args) > 4 {
			w.WriteError(functionArgsError(args[1]))
			return
		}
		policy := FunctionRestoreAppend
		if len(args) == 4 {
			switch strings.ToLower(args[3]) {
			case "append":
			case "replace":
				policy = FunctionRestoreReplace
			case "flush":
				policy = FunctionRestoreFlush
			default:
				w.WriteError(ErrFunctionRestorePolicy)
				return
			}
		}
		writeOKOrError(w, tx.FunctionRestore(args[2], policy))
	case "list":
		var la FunctionListArgs
		hasName := false
		for i := 2; i < len(args); i++ {
			switch {
			case !la.WithCode && strings.EqualFold(args[i], "withcode"):
				la.WithCode = true
				continue
			case !hasName && strings.EqualFold(args[i], "libraryname"):
				if i >= len(args)-1 {
					w.WriteError(ErrFunctionListNoName)
					return
				}
				i++
				la.LibraryName, hasName = args[i], true
				continue
			}
			w.WriteError(functionListArgError(args[i]))
			return
		}
		libs, err := tx.FunctionList(la)
		if err != nil {
			w.WriteError(err)
			return
		}
		if hasName && la.LibraryName == "" {
			libs = libs[:0] // an empty pattern matches no library name
		}
		writeFunctionList(w, libs, la.WithCode)
	case "stats":
		st, err := tx.FunctionStats()
		if err != nil {
			w.WriteError(err)
			return
		}
		WriteFunctionStats(w, st, nil)
	}
}

// writeFunctionList writes FUNCTION LIST's reply.
func writeFunctionList(w ReplyWriter, libs []FunctionLibrary, withCode bool) {
	w.WriteArrayLen(len(libs))
	for _, lib := range libs {
		n := 3
		if withCode {
			n = 4
		}
		w.WriteMapLen(n)
		w.WriteBulk("library_name")
		w.WriteBulk(lib.Name)
		w.WriteBulk("engine")
		w.WriteBulk(lib.Engine)
		w.WriteBulk("functions")
		w.WriteArrayLen(len(lib.Functions))
		for _, f := range lib.Functions {
			w.WriteMapLen(3)
			w.WriteBulk("name")
			w.WriteBulk(f.Name)
			w.WriteBulk("description")
			if f.HasDescription {
				w.WriteBulk(f.Description)
			} else {
				w.WriteNull()
			}
			w.WriteBulk("flags")
			w.WriteSetLen(len(f.Flags))
			for _, fl := range f.Flags {
				w.WriteStatus(fl)
			}
		}
		if withCode {
			w.WriteBulk("library_code")
			w.WriteBulk(lib.Code)
		}
	}
}

// RunningFunction is the function FUNCTION STATS reports as running: its
// name, the command that runs it (its arguments) and how long it has run.
type RunningFunction struct {
	Name       string
	Command    []string
	DurationMs int64
}

// WriteFunctionStats writes FUNCTION STATS's reply: the function running
// (nil: none) and the counts of the LUA engine. The server writes it for a
// FUNCTION STATS that comes while a function is busy.
func WriteFunctionStats(w ReplyWriter, st FunctionStats, running *RunningFunction) {
	w.WriteMapLen(2)
	w.WriteBulk("running_script")
	if running == nil {
		w.WriteNull()
	} else {
		w.WriteMapLen(3)
		w.WriteBulk("name")
		w.WriteBulk(running.Name)
		w.WriteBulk("command")
		w.WriteArrayLen(len(running.Command))
		for _, a := range running.Command {
			w.WriteBulk(a)
		}
		w.WriteBulk("duration_ms")
		w.WriteInt(running.DurationMs)
	}
	w.WriteBulk("engines")
	w.WriteMapLen(1)
	w.WriteBulk("LUA")
	w.WriteMapLen(2)
	w.WriteBulk("libraries_count")
	w.WriteInt(int64(st.Libraries))
	w.WriteBulk("functions_count")
	w.WriteInt(int64(st.Functions))
}

// cmdFCall is FCALL and FCALL_RO: function numkeys key... arg....
func cmdFCall(tx *Tx, args []string, w ReplyWriter) {
	ro := commandName(args) == "fcall_ro"
	s := tx.e.functionSet()
	if s.funcs[args[1]] == nil && s.funcs[strings.ToLower(args[1])] == nil {
		w.WriteError(ErrFunctionNotFound)
		return
	}
	n, err := parseIntArg(args[2])
	switch {
	case err != nil:
		w.WriteError(ErrFunctionNumKeys)
		return
	case n > int64(len(args)-3):
		w.WriteError(ErrNumKeysArgs)
		return
	case n < 0:
		w.WriteError(ErrNumKeysNegative)
		return
	}
	tx.fcall(w, args[1], args[3:3+n], args[3+n:], ro)
}
