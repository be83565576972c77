package server

import (
	"bufio"
	"bytes"
	"strings"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
)

// Scripts reach the server's own commands (redis.call('INFO', 'server'))
// through the store's server-command hook: the command runs on a connection
// of the script's own, its reply written to a buffer and handed to the
// script as RESP values. Only the commands that read the server's state are
// offered; the others act on a client connection a script does not have
// (Redis flags most of them noscript).

// scriptCommands are the server commands a script may call, and for CONFIG
// the one subcommand.
var scriptCommands = map[string]string{"info": "", "lastsave": "", "command": "", "config": "get"}

// runForScript runs a server-only command that a script (or Store.Do)
// called.
func (s *Server) runForScript(tx *embedis.Tx, w embedis.ReplyWriter, args []string) {
	cmd := embedis.LookupCommand(args[0])
	sub, ok := scriptCommands[cmd.Name]
	h := s.handlers[cmd.Name]
	if !ok || h == nil || (sub != "" && (len(args) < 2 || !strings.EqualFold(args[1], sub))) {
		w.WriteError(errScriptServerCommand)
		return
	}
	var buf bytes.Buffer
	c := &conn{srv: s, authed: true, proto: 2, db: tx.DBIndex(), created: time.Now(), stats: map[*embedis.Command]*cmdStat{}}
	c.name.Store("")
	c.w = &replies{Writer: resp.NewWriter(&buf), srv: s}
	h(c, tx, args)
	c.w.Flush()
	r, err := resp.ReadReply(bufio.NewReader(&buf))
	if err != nil {
		w.WriteError(errScriptServerCommand)
		return
	}
	writeReply(w, r)
}

// writeReply writes a parsed reply to w.
func writeReply(w embedis.ReplyWriter, r resp.Reply) {
	switch {
	case r.Null:
		w.WriteNull()
		return
	}
	switch r.Kind {
	case '+':
		w.WriteStatus(r.Str)
	case '-', '!':
		w.WriteError(scriptReplyError(r.Str))
	case ':', '#':
		w.WriteInt(r.Int)
	case '*', '>':
		w.WriteArrayLen(len(r.Elems))
		for _, e := range r.Elems {
			writeReply(w, e)
		}
	case '~':
		w.WriteSetLen(len(r.Elems))
		for _, e := range r.Elems {
			writeReply(w, e)
		}
	case '%':
		w.WriteMapLen(len(r.Elems) / 2)
		for _, e := range r.Elems {
			writeReply(w, e)
		}
	default:
		w.WriteBulk(r.Str)
	}
}

// errScriptServerCommand refuses a server command that a script may not
// call, with Redis's text for the commands it flags noscript.
const errScriptServerCommand = scriptReplyError("ERR This Redis command is not allowed from script")

// scriptReplyError is an error reply's text as an error.
type scriptReplyError string

func (e scriptReplyError) Error() string { return string(e) }
