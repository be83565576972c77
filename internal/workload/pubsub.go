package workload

// The publish/subscribe commands: hand-written cases in which every command
// gets exactly one reply (a SUBSCRIBE of one channel, an UNSUBSCRIBE of the
// one held), so that the differential tests compare them reply by reply;
// the subscribed mode's refusals and its PING in RESP2, their absence in
// RESP3, and every error path. The wire tests run them all; the Store-level
// test skips the SUBSCRIBE family, which needs a connection. Messages,
// fan-out and counts over several connections are compared by the
// server's pub/sub tests.

func init() {
	RegisterCases("pubsub", PubSubCases)
}

// PubSubCases returns the cases of the pub/sub commands.
func PubSubCases() [][]string {
	return [][]string{
		{"PUBLISH"}, {"PUBLISH", "ch"}, {"PUBLISH", "ch", "m", "x"}, {"PUBLISH", "ch", "m"}, {"PUBLISH", "", ""},
		{"SPUBLISH"}, {"SPUBLISH", "ch"}, {"SPUBLISH", "ch", "m"}, {"SPUBLISH", "ch", "m", "x"},
		{"PUBSUB"}, {"PUBSUB", "FOO"}, {"PUBSUB", "HELP"}, {"PUBSUB", "help", "x"}, {"PUBSUB", "NUMPAT"}, {"PUBSUB", "NUMPAT", "x"},
		{"PUBSUB", "CHANNELS"}, {"PUBSUB", "CHANNELS", "*"}, {"PUBSUB", "CHANNELS", "a", "b"}, {"PUBSUB", "NUMSUB"},
		{"PUBSUB", "NUMSUB", "a", "b", "a"}, {"PUBSUB", "SHARDCHANNELS"}, {"PUBSUB", "SHARDCHANNELS", "x*"},
		{"PUBSUB", "SHARDCHANNELS", "a", "b"}, {"PUBSUB", "SHARDNUMSUB"}, {"PUBSUB", "SHARDNUMSUB", "a", "b"},
		{"SUBSCRIBE"}, {"PSUBSCRIBE"}, {"SSUBSCRIBE"},
		{"UNSUBSCRIBE"}, {"PUNSUBSCRIBE"}, {"SUNSUBSCRIBE"}, {"UNSUBSCRIBE", "x"}, {"PUNSUBSCRIBE", "x*"}, {"SUNSUBSCRIBE", "x"},
		// Subscribed mode: RESP2 refuses all but a few commands, RESP3 runs
		// them; PING answers differently in RESP2.
		{"SUBSCRIBE", "ch"}, {"SUBSCRIBE", "ch"}, {"GET", "k"}, {"SET", "k", "v"}, {"PING"}, {"PING", "hello"}, {"PING", "a", "b"},
		{"PUBSUB", "NUMSUB", "ch"}, {"PUBSUB", "CHANNELS"}, {"CLIENT", "ID", "x"}, {"CONFIG", "GET", "x"}, {"HELLO", "x"}, {"NOSUCH"},
		{"GET"}, {"MULTI"}, {"EXEC"}, {"PSUBSCRIBE", "c*"}, {"PUBSUB", "NUMPAT"}, {"UNSUBSCRIBE", "nosuch"}, {"UNSUBSCRIBE"},
		{"PING"}, {"GET", "k"}, {"PUNSUBSCRIBE"}, {"PING"}, {"GET", "k"}, {"PUBSUB", "NUMSUB", "ch"},
		{"SSUBSCRIBE", "sh"}, {"PING"}, {"GET", "k"}, {"SUBSCRIBE", "ch"}, {"SUNSUBSCRIBE"}, {"PING"}, {"UNSUBSCRIBE", "ch"},
		{"PING"}, {"PUNSUBSCRIBE", "x"},
		// RESET leaves subscribed mode.
		{"PSUBSCRIBE", "a*"}, {"GET", "k"}, {"RESET"}, {"GET", "k"}, {"PUBSUB", "NUMPAT"}, {"PING"},
		// Inside a transaction: SUBSCRIBE runs at EXEC, SSUBSCRIBE is refused.
		{"MULTI"}, {"SSUBSCRIBE", "sh"}, {"EXEC"}, {"MULTI"}, {"PUBLISH", "ch", "m"}, {"EXEC"},
		{"UNSUBSCRIBE"}, {"PUBSUB", "CHANNELS"},
	}
}
