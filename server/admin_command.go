package server

import (
	"sort"
	"strings"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/glob"
)

// COMMAND describes the commands of embedis's one table (embedis.Commands)
// in Redis 7.0's formats: name, arity, flags and key positions come from the
// table; the ACL categories are those the flags imply plus those Redis
// declares for the command (admin_command_docs.go); the documentation is
// Redis's. Tips and key specs are empty. The container commands this
// package implements (CLIENT, CONFIG, COMMAND) list their subcommands.

// commandDoc is what COMMAND DOCS reports of a command, and the ACL
// categories its Redis table entry declares.
type commandDoc struct {
	group, since, summary, complexity string
	acl                               string // space-separated, e.g. "@string"
}

// aclCategories are Redis's ACL categories in Redis's order, which is the
// order COMMAND INFO lists them in.
var aclCategories = []string{
	"keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog",
	"geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection",
	"transaction", "scripting",
}

// subcommandsOf returns the subcommands of a container command (nil for
// another command).
func subcommandsOf(container string) map[string]*subcommand {
	switch container {
	case "client":
		return clientSubcommands
	case "config":
		return configSubcommands
	case "command":
		return commandSubcommands
	}
	return nil
}

var commandSubcommands map[string]*subcommand

func init() {
	flags := []string{"loading", "stale"}
	const acl = "@connection"
	commandSubcommands = map[string]*subcommand{
		"count": {name: "command|count", arity: 2, flags: flags, acl: acl, since: "2.8.13",
			summary: "Get total number of Redis commands", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) { c.w.WriteInt(int64(len(embedis.Commands()))) }},
		"list": {name: "command|list", arity: -2, flags: flags, acl: acl, tips: []string{"nondeterministic_output_order"}, since: "7.0.0",
			summary: "Get an array of Redis command names", complexity: "O(N) where N is the total number of Redis commands",
			run: cmdCommandList},
		"info": {name: "command|info", arity: -2, flags: flags, acl: acl, tips: []string{"nondeterministic_output_order"}, since: "2.8.13",
			summary:    "Get array of specific Redis command details, or all when no argument is given.",
			complexity: "O(N) where N is the number of commands to look up", run: cmdCommandInfo},
		"docs": {name: "command|docs", arity: -2, flags: flags, acl: acl, tips: []string{"nondeterministic_output_order"}, since: "7.0.0",
			summary: "Get array of specific Redis command documentation", complexity: "O(N) where N is the number of commands to look up",
			run: cmdCommandDocs},
		"getkeys": {name: "command|getkeys", arity: -4, flags: flags, acl: acl, since: "2.8.13",
			summary: "Extract keys given a full Redis command", complexity: "O(N) where N is the number of arguments to the command",
			run: cmdCommandGetKeys},
		"help": {name: "command|help", arity: 2, flags: flags, acl: acl, since: "5.0.0",
			summary: "Show helpful text about the different subcommands", complexity: "O(1)",
			run: func(c *conn, tx *embedis.Tx, args []string) {
				writeHelp(c, "COMMAND", []string{
					"(no subcommand)",
					"    Return details about all Redis commands.",
					"COUNT",
					"    Return the total number of commands in this Redis server.",
					"LIST",
					"    Return a list of all commands in this Redis server.",
					"INFO [<command-name> ...]",
					"    Return details about multiple Redis commands.",
					"    If no command names are given, documentation details for all",
					"    commands are returned.",
					"DOCS [<command-name> ...]",
					"    Return documentation details about multiple Redis commands.",
					"    If no command names are given, documentation details for all",
					"    commands are returned.",
					"GETKEYS <full-command>",
					"    Return the keys from a full Redis command.",
					"GETKEYSANDFLAGS <full-command>",
					"    Return the keys and the access flags from a full Redis command.",
				})
			}},
	}
}

func cmdCommand(c *conn, tx *embedis.Tx, args []string) {
	if len(args) == 1 {
		cmds := sortedCommands()
		c.w.WriteArrayLen(len(cmds))
		for _, cmd := range cmds {
			writeCommandInfo(c, cmd)
		}
		return
	}
	runSubcommand(c, tx, args, commandSubcommands)
}

func sortedCommands() []*embedis.Command {
	cmds := embedis.Commands()
	sort.Slice(cmds, func(i, j int) bool { return cmds[i].Name < cmds[j].Name })
	return cmds
}

// sortedSubcommands returns a container's subcommands by name.
func sortedSubcommands(container string) []*subcommand {
	m := subcommandsOf(container)
	subs := make([]*subcommand, 0, len(m))
	for _, s := range m {
		subs = append(subs, s)
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
	return subs
}

// lookupAny finds a command ("get") or a subcommand ("client|list") by
// name, in any case.
func lookupAny(name string) (*embedis.Command, *subcommand) {
	if i := strings.IndexByte(name, '|'); i >= 0 {
		subs := subcommandsOf(strings.ToLower(name[:i]))
		if sub := subs[strings.ToLower(name[i+1:])]; sub != nil && embedis.LookupCommand(name[:i]) != nil {
			return nil, sub
		}
		return nil, nil
	}
	return embedis.LookupCommand(name), nil
}

// categories returns the ACL categories (without '@') of a command with
// these flags and declared categories, in Redis's order.
func categories(flags []string, declared string) []string {
	has := make(map[string]bool)
	fast := false
	for _, f := range flags {
		switch f {
		case "write":
			has["write"] = true
		case "readonly":
			// As Redis's setImplicitACLCategories: a read-only script
			// command (EVAL_RO, FCALL_RO) is not @read.
			if !strings.Contains(declared, "@scripting") {
				has["read"] = true
			}
		case "admin":
			has["admin"], has["dangerous"] = true, true
		case "pubsub":
			has["pubsub"] = true
		case "fast":
			has["fast"], fast = true, true
		case "blocking":
			has["blocking"] = true
		}
	}
	if !fast {
		has["slow"] = true
	}
	for _, c := range strings.Fields(declared) {
		has[strings.TrimPrefix(c, "@")] = true
	}
	var out []string
	for _, c := range aclCategories {
		if has[c] {
			out = append(out, c)
		}
	}
	return out
}

func commandCategories(cmd *embedis.Command) []string {
	return categories(cmd.Flags, commandDocs[cmd.Name].acl)
}

func writeCommandInfo(c *conn, cmd *embedis.Command) {
	subs := sortedSubcommands(cmd.Name)
	writeInfoEntry(c, cmd.Name, cmd.Arity, cmd.Flags, cmd.FirstKey, cmd.LastKey, cmd.KeyStep,
		commandCategories(cmd), nil, len(subs))
	for _, s := range subs {
		writeSubcommandInfo(c, s)
	}
}

func writeSubcommandInfo(c *conn, s *subcommand) {
	writeInfoEntry(c, s.name, s.arity, s.flags, 0, 0, 0, categories(s.flags, s.acl), s.tips, 0)
}

// writeInfoEntry writes the ten elements of a COMMAND INFO entry up to the
// subcommands' array header; nsubs entries must follow.
func writeInfoEntry(c *conn, name string, arity int, flags []string, first, last, step int,
	cats, tips []string, nsubs int) {
	w := c.w
	w.WriteArrayLen(10)
	w.WriteBulk(name)
	w.WriteInt(int64(arity))
	w.WriteSetLen(len(flags))
	for _, f := range flags {
		w.WriteStatus(f)
	}
	w.WriteInt(int64(first))
	w.WriteInt(int64(last))
	w.WriteInt(int64(step))
	w.WriteSetLen(len(cats))
	for _, cat := range cats {
		w.WriteStatus("@" + cat)
	}
	w.WriteSetLen(len(tips))
	for _, t := range tips {
		w.WriteBulk(t)
	}
	w.WriteSetLen(0) // key specs
	w.WriteArrayLen(nsubs)
}

// cmdCommandInfo is COMMAND INFO [name ...]: all commands without names, a
// null for a name that is no command.
func cmdCommandInfo(c *conn, tx *embedis.Tx, args []string) {
	if len(args) == 2 {
		cmdCommand(c, tx, args[:1])
		return
	}
	c.w.WriteArrayLen(len(args) - 2)
	for _, name := range args[2:] {
		cmd, sub := lookupAny(name)
		switch {
		case cmd != nil:
			writeCommandInfo(c, cmd)
		case sub != nil:
			writeSubcommandInfo(c, sub)
		default:
			c.w.WriteNull()
		}
	}
}

// cmdCommandDocs is COMMAND DOCS [name ...]: a map of each command found to
// its documentation.
func cmdCommandDocs(c *conn, tx *embedis.Tx, args []string) {
	type entry struct {
		cmd *embedis.Command
		sub *subcommand
	}
	var entries []entry
	if len(args) == 2 {
		for _, cmd := range sortedCommands() {
			entries = append(entries, entry{cmd: cmd})
		}
	} else {
		for _, name := range args[2:] {
			if cmd, sub := lookupAny(name); cmd != nil || sub != nil {
				entries = append(entries, entry{cmd, sub})
			}
		}
	}
	c.w.WriteMapLen(len(entries))
	for _, e := range entries {
		if e.sub != nil {
			c.w.WriteBulk(e.sub.name)
			writeSubcommandDoc(c, e.sub)
			continue
		}
		c.w.WriteBulk(e.cmd.Name)
		writeCommandDoc(c, e.cmd)
	}
}

// groupOf returns the COMMAND DOCS group of a command missing from
// commandDocs.
func groupOf(cmd *embedis.Command) string {
	if cmd.ServerOnly() {
		return "connection"
	}
	if cmd.FirstKey == 0 {
		return "server"
	}
	return "generic"
}

func writeCommandDoc(c *conn, cmd *embedis.Command) {
	d, ok := commandDocs[cmd.Name]
	if !ok {
		d.group = groupOf(cmd)
	}
	subs := sortedSubcommands(cmd.Name)
	fields := [][2]string{{"summary", d.summary}, {"since", d.since}, {"group", d.group}, {"complexity", d.complexity}}
	n := len(subs)
	if n > 0 {
		n = 1
	}
	for _, f := range fields {
		if f[1] != "" {
			n++
		}
	}
	c.w.WriteMapLen(n)
	for _, f := range fields {
		if f[1] != "" {
			c.w.WriteBulk(f[0])
			c.w.WriteBulk(f[1])
		}
	}
	if len(subs) > 0 {
		c.w.WriteBulk("subcommands")
		c.w.WriteMapLen(len(subs))
		for _, s := range subs {
			c.w.WriteBulk(s.name)
			writeSubcommandDoc(c, s)
		}
	}
}

func writeSubcommandDoc(c *conn, s *subcommand) {
	group := commandDocs[s.name[:strings.IndexByte(s.name, '|')]].group
	c.w.WriteMapLen(4)
	c.w.WriteBulk("summary")
	c.w.WriteBulk(s.summary)
	c.w.WriteBulk("since")
	c.w.WriteBulk(s.since)
	c.w.WriteBulk("group")
	c.w.WriteBulk(group)
	c.w.WriteBulk("complexity")
	c.w.WriteBulk(s.complexity)
}

// cmdCommandList is COMMAND LIST [FILTERBY MODULE name | ACLCAT category |
// PATTERN pattern]: the names of the commands and subcommands.
func cmdCommandList(c *conn, tx *embedis.Tx, args []string) {
	keep := func(name string, cats []string) bool { return true }
	switch {
	case len(args) == 2:
	case len(args) == 5 && strings.EqualFold(args[2], "filterby"):
		arg := args[4]
		switch {
		case strings.EqualFold(args[3], "module"):
			keep = func(string, []string) bool { return false } // no modules
		case strings.EqualFold(args[3], "aclcat"):
			keep = func(_ string, cats []string) bool {
				for _, cat := range cats {
					if strings.EqualFold(cat, arg) {
						return true
					}
				}
				return false
			}
		case strings.EqualFold(args[3], "pattern"):
			g := glob.CompileFold(arg)
			keep = func(name string, _ []string) bool { return g.Match(name) }
		default:
			c.w.WriteError(embedis.ErrSyntax)
			return
		}
	default:
		c.w.WriteError(embedis.ErrSyntax)
		return
	}
	var names []string
	for _, cmd := range sortedCommands() {
		if keep(cmd.Name, commandCategories(cmd)) {
			names = append(names, cmd.Name)
		}
		for _, s := range sortedSubcommands(cmd.Name) {
			if keep(s.name, categories(s.flags, s.acl)) {
				names = append(names, s.name)
			}
		}
	}
	c.w.WriteArrayLen(len(names))
	for _, n := range names {
		c.w.WriteBulk(n)
	}
}

// cmdCommandGetKeys is COMMAND GETKEYS command arg ...: the key arguments,
// from the command's key positions.
func cmdCommandGetKeys(c *conn, tx *embedis.Tx, args []string) {
	argv := args[2:]
	cmd := embedis.LookupCommand(argv[0])
	if cmd == nil {
		c.w.writeErrorText("ERR Invalid command specified")
		return
	}
	if subs := subcommandsOf(cmd.Name); subs != nil {
		if len(argv) < 2 || subs[strings.ToLower(argv[1])] == nil {
			c.w.writeErrorText("ERR Invalid command specified")
			return
		}
		c.w.writeErrorText("ERR The command has no key arguments")
		return
	}
	if cmd.FirstKey <= 0 {
		c.w.writeErrorText("ERR The command has no key arguments")
		return
	}
	if !cmd.ArityOK(len(argv)) {
		c.w.writeErrorText("ERR Invalid number of arguments specified for command")
		return
	}
	last := cmd.LastKey
	if last < 0 {
		last += len(argv)
	}
	step := max(cmd.KeyStep, 1)
	var keys []string
	for i := cmd.FirstKey; i <= last && i < len(argv); i += step {
		keys = append(keys, argv[i])
	}
	if len(keys) == 0 {
		c.w.writeErrorText("ERR Invalid arguments specified for command")
		return
	}
	c.w.WriteArrayLen(len(keys))
	for _, k := range keys {
		c.w.WriteBulk(k)
	}
}
