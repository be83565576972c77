package embedis

import "strings"

// Handlers of PUBLISH, SPUBLISH and PUBSUB around the Tx methods of
// pubsub.go. SUBSCRIBE and its relatives act on a connection: the table
// lists them for arity and COMMAND, and the server runs them (a Go caller
// uses Store.Subscribe, PSubscribe, SSubscribe).

func init() {
	ps, loading, stale, fast, noscript := "pubsub", "loading", "stale", "fast", "noscript"
	sub := func(name string, arity int) *Command {
		return &Command{Name: name, Arity: arity, Flags: []string{ps, noscript, loading, stale}, serverOnly: true}
	}
	register(
		&Command{Name: "publish", Arity: 3, Flags: []string{ps, loading, stale, fast}, run: cmdPublish},
		&Command{Name: "spublish", Arity: 3, Flags: []string{ps, loading, stale, fast}, FirstKey: 1, LastKey: 1, KeyStep: 1, run: cmdSPublish},
		&Command{Name: "pubsub", Arity: -2, run: cmdPubSub},
		sub("subscribe", -2),
		sub("unsubscribe", -1),
		sub("psubscribe", -2),
		sub("punsubscribe", -1),
		&Command{Name: "ssubscribe", Arity: -2, Flags: []string{ps, noscript, loading, stale}, FirstKey: 1, LastKey: -1, KeyStep: 1, serverOnly: true},
		&Command{Name: "sunsubscribe", Arity: -1, Flags: []string{ps, noscript, loading, stale}, FirstKey: 1, LastKey: -1, KeyStep: 1, serverOnly: true},
	)
}

func cmdPublish(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.Publish(args[1], args[2])
	writeIntOrError(w, n, err)
}

func cmdSPublish(tx *Tx, args []string, w ReplyWriter) {
	n, err := tx.SPublish(args[1], args[2])
	writeIntOrError(w, n, err)
}

// pubsubHelp is PUBSUB HELP's text between its first line and the closing
// HELP entry, as Redis 7.0 writes it.
var pubsubHelp = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

func cmdPubSub(tx *Tx, args []string, w ReplyWriter) {
	sub := strings.ToLower(args[1])
	switch sub {
	case "help", "numpat":
		if len(args) != 2 {
			w.WriteError(ArityError("pubsub|" + sub))
			return
		}
	case "channels", "shardchannels":
		if len(args) > 3 {
			w.WriteError(pubsubArgsError(args[1]))
			return
		}
	case "numsub", "shardnumsub":
	default:
		w.WriteError(unknownSubcommand(args[1], "PUBSUB"))
		return
	}
	switch sub {
	case "help":
		w.WriteArrayLen(len(pubsubHelp) + 3)
		w.WriteStatus("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
		for _, l := range pubsubHelp {
			w.WriteStatus(l)
		}
		w.WriteStatus("HELP")
		w.WriteStatus("    Prints this help.")
	case "numpat":
		n, err := tx.PubSubNumPat()
		writeIntOrError(w, n, err)
	case "channels", "shardchannels":
		pattern := ""
		if len(args) == 3 {
			pattern = args[2]
		}
		var chs []string
		var err error
		if sub == "channels" {
			chs, err = tx.PubSubChannels(pattern)
		} else {
			chs, err = tx.PubSubShardChannels(pattern)
		}
		if err != nil {
			w.WriteError(err)
			return
		}
		w.WriteArrayLen(len(chs))
		for _, c := range chs {
			w.WriteBulk(c)
		}
	default:
		var ns []int64
		if sub == "numsub" {
			ns, _ = tx.PubSubNumSub(args[2:]...)
		} else {
			ns, _ = tx.PubSubShardNumSub(args[2:]...)
		}
		// The pairs in a flat array, in RESP3 too (not a map), as Redis 7.0.
		w.WriteArrayLen(2 * len(ns))
		for i, n := range ns {
			w.WriteBulk(args[2+i])
			w.WriteInt(n)
		}
	}
}
