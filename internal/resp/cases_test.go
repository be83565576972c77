package resp

import (
	"strconv"
	"strings"
)

// readCase is a request stream and how Redis 7.0 reads it: the commands it
// runs, then how the stream ends. The differential test replays every case
// against redis-server.
type readCase struct {
	name string
	in   string
	cmds [][]string
	// end is "" when the input ends cleanly at a request boundary (io.EOF),
	// "partial" when it ends within a request (io.ErrUnexpectedEOF; Redis
	// keeps waiting), or the text of the protocol error.
	end string
	// lim is the Reader's limits; cases with non-default limits are not
	// replayed against Redis.
	lim Limits
	// local marks cases whose Redis outcome depends on how its 16 KB reads
	// cut the input (lines near the 64 KB limit); Reader behaves as Redis
	// does when bytes arrive one at a time. They are not replayed.
	local bool
}

const partial = "partial"

// Protocol error texts.
const (
	errMultibulkLen = "Protocol error: invalid multibulk length"
	errBulkLen      = "Protocol error: invalid bulk length"
	errBigInline    = "Protocol error: too big inline request"
	errBigCount     = "Protocol error: too big mbulk count string"
	errBigBulkCount = "Protocol error: too big bulk count string"
	errQuotes       = "Protocol error: unbalanced quotes in request"
)

func errExpected(c string) string { return "Protocol error: expected '$', got '" + c + "'" }

// mb encodes args as a multibulk request.
func mb(args ...string) string {
	var sb strings.Builder
	sb.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		sb.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return sb.String()
}

func cmds(c ...[]string) [][]string { return c }

func args(a ...string) []string { return a }

// manyArgs is RPUSH l followed by n-2 values.
func manyArgs(n int) []string {
	a := make([]string, n)
	a[0], a[1] = "RPUSH", "l"
	for i := 2; i < n; i++ {
		a[i] = strconv.Itoa(i % 10)
	}
	return a
}

var (
	big100K   = strings.Repeat("v", 100*1024)
	inline60K = strings.Repeat("a", 60*1024)
	over1M    = manyArgs(1024*1024 + 1)
	args1100  = manyArgs(1100)
)

var readCases = []readCase{
	// Multibulk requests.
	{name: "ping", in: mb("PING"), cmds: cmds(args("PING"))},
	{name: "pipeline", in: mb("SET", "k", "v") + mb("GET", "k") + mb("ECHO", "x"),
		cmds: cmds(args("SET", "k", "v"), args("GET", "k"), args("ECHO", "x"))},
	{name: "binary arg", in: mb("ECHO", "a\x00\r\nb\xff"), cmds: cmds(args("ECHO", "a\x00\r\nb\xff"))},
	{name: "empty arg", in: mb("ECHO", ""), cmds: cmds(args("ECHO", ""))},
	{name: "empty command name", in: "*1\r\n$0\r\n\r\n", cmds: cmds(args(""))},
	{name: "unknown command shows args", in: mb("NOSUCH", "a", "b c"), cmds: cmds(args("NOSUCH", "a", "b c"))},
	{name: "zero and negative counts are no command", in: "*0\r\n*-1\r\n*-5\r\n" + mb("PING"), cmds: cmds(args("PING"))},
	{name: "most negative count", in: "*-9223372036854775808\r\n" + mb("PING"), cmds: cmds(args("PING"))},
	{name: "bytes after data unchecked", in: "*1\r\n$4\r\nPINGxx" + mb("PING"), cmds: cmds(args("PING"), args("PING"))},
	{name: "byte after count CR unchecked", in: "*1\rX$4\r\nPING\r\n", cmds: cmds(args("PING"))},
	{name: "byte after length CR unchecked", in: "*1\r\n$4\rXPING\r\n", cmds: cmds(args("PING"))},
	{name: "big value", in: mb("SET", "k", big100K) + mb("GET", "k"), cmds: cmds(args("SET", "k", big100K), args("GET", "k"))},
	{name: "1100 args", in: mb(args1100...), cmds: cmds(args1100)},
	{name: "count above 1024*1024 accepted", in: mb(over1M...), cmds: cmds(over1M)},
	{name: "count INT_MAX waits", in: "*2147483647\r\n", end: partial},
	{name: "largest bulk waits", in: "*1\r\n$536870912\r\n", end: partial},
	{name: "NUL in count line never ends", in: "*1\x00\r\n$4\r\nPING\r\n", end: partial},
	{name: "NUL before length line", in: "*1\r\n\x00$4\r\nPING\r\n", end: partial},
	{name: "NUL in length line", in: "*1\r\n$4\x00\r\nPING\r\n", end: partial},
	{name: "NUL in data is fine", in: mb("ECHO", "\x00"), cmds: cmds(args("ECHO", "\x00"))},
	{name: "only count", in: "*1\r\n", end: partial},
	{name: "count CR", in: "*1\r", end: partial},
	{name: "partial data", in: "*1\r\n$4\r\nPI", end: partial},
	{name: "data without CRLF", in: "*1\r\n$4\r\nPING", end: partial},
	{name: "empty input", in: ""},

	// Multibulk protocol errors.
	{name: "count -0", in: "*-0\r\n", end: errMultibulkLen},
	{name: "count +1", in: "*+1\r\n$4\r\nPING\r\n", end: errMultibulkLen},
	{name: "count leading zero", in: "*01\r\n$4\r\nPING\r\n", end: errMultibulkLen},
	{name: "count space", in: "* 1\r\n", end: errMultibulkLen},
	{name: "count empty", in: "*\r\n", end: errMultibulkLen},
	{name: "count junk", in: "*1x\r\n", end: errMultibulkLen},
	{name: "count above INT_MAX", in: "*2147483648\r\n", end: errMultibulkLen},
	{name: "count int64 overflow", in: "*9223372036854775808\r\n", end: errMultibulkLen},
	{name: "count int64 underflow", in: "*-9223372036854775809\r\n", end: errMultibulkLen},
	{name: "count 20 digits", in: "*99999999999999999999\r\n", end: errMultibulkLen},
	{name: "count 21 digits", in: "*000000000000000000001\r\n", end: errMultibulkLen},
	{name: "count ended by LF only", in: "*1\n$4\r\nPING\r\n", end: errMultibulkLen},
	{name: "bulk -1", in: "*1\r\n$-1\r\n", end: errBulkLen},
	{name: "bulk -0", in: "*1\r\n$-0\r\n", end: errBulkLen},
	{name: "bulk empty", in: "*1\r\n$\r\n", end: errBulkLen},
	{name: "bulk leading zero", in: "*1\r\n$01\r\nx\r\n", end: errBulkLen},
	{name: "bulk trailing space", in: "*1\r\n$4 \r\nPING\r\n", end: errBulkLen},
	{name: "bulk plus", in: "*1\r\n$+4\r\nPING\r\n", end: errBulkLen},
	{name: "bulk above proto-max-bulk-len", in: "*1\r\n$536870913\r\n", end: errBulkLen},
	{name: "bulk 20 digits", in: "*1\r\n$99999999999999999999\r\n", end: errBulkLen},
	{name: "bulk 21 digits", in: "*1\r\n$999999999999999999999\r\n", end: errBulkLen},
	{name: "expected $ got P", in: "*1\r\nPING\r\n", end: errExpected("P")},
	{name: "expected $ got CR", in: "*1\r\n\r\n", end: errExpected(" ")},
	{name: "expected $ got LF", in: "*1\r\n\n\r\nPING\r\n", end: errExpected(" ")},
	{name: "expected $ got colon", in: "*1\r\n:4\r\nPING\r\n", end: errExpected(":")},
	{name: "expected $ got 0xff", in: "*1\r\n\xff\r\nPING\r\n", end: errExpected("\xff")},
	{name: "expected $ got star", in: "*2\r\n$4\r\nECHO\r\n*1\r\n$1\r\nx\r\n", end: errExpected("*")},
	{name: "error after a command", in: "PING\r\n*1\r\nx\r\n", cmds: cmds(args("PING")), end: errExpected("x")},
	{name: "too big count", in: "*" + strings.Repeat("1", 100*1024), end: errBigCount},
	{name: "too big count after NUL", in: "*1\x00" + strings.Repeat("\r\n", 50*1024), end: errBigCount},
	{name: "too big length", in: "*1\r\n$" + strings.Repeat("1", 100*1024), end: errBigBulkCount},
	{name: "long length line ended", in: "*1\r\n$" + strings.Repeat("1", 40*1024) + "\r\n", end: errBulkLen},
	{name: "count line at the limit", in: "*" + strings.Repeat("1", 65535) + "\r\n", end: errMultibulkLen, local: true},
	{name: "count line over the limit", in: "*" + strings.Repeat("1", 65536) + "\r\n", end: errBigCount, local: true},

	// Inline requests.
	{name: "inline CRLF", in: "PING\r\n", cmds: cmds(args("PING"))},
	{name: "inline LF", in: "PING\n", cmds: cmds(args("PING"))},
	{name: "inline CR CR LF", in: "PING\r\r\n", cmds: cmds(args("PING"))},
	{name: "inline spaces", in: "  PING  \n", cmds: cmds(args("PING"))},
	{name: "empty lines skipped", in: "\r\n\n   \r\n\r\r\n\t\x0b\x0c\n" + "PING\r\n", cmds: cmds(args("PING"))},
	{name: "inline args", in: "SET k v\r\nGET k\r\n", cmds: cmds(args("SET", "k", "v"), args("GET", "k"))},
	{name: "inline mixed with multibulk", in: "PING\r\n" + mb("ECHO", "a") + "ECHO b\n",
		cmds: cmds(args("PING"), args("ECHO", "a"), args("ECHO", "b"))},
	{name: "double quote escapes", in: `ECHO "a\x41\x4g\n\r\t\b\a\\\"\z"` + "\r\n", cmds: cmds(args("ECHO", "aAx4g\n\r\t\b\a\\\"z"))},
	{name: "hex escapes", in: `ECHO "\xff\x00\xAb"` + "\r\n", cmds: cmds(args("ECHO", "\xff\x00\xab"))},
	{name: "short hex escape", in: `ECHO "\x4"` + "\r\n", cmds: cmds(args("ECHO", "x4"))},
	{name: "bad hex escape", in: `ECHO "\xZZ"` + "\r\n", cmds: cmds(args("ECHO", "xZZ"))},
	{name: "single quote escapes", in: `ECHO 'a\'b\n'` + "\r\n", cmds: cmds(args("ECHO", `a'b\n`))},
	{name: "single quote backslashes", in: `ECHO 'a\\b'` + "\r\n", cmds: cmds(args("ECHO", `a\\b`))},
	{name: "quoted followed by space", in: "ECHO 'ab' \r\n", cmds: cmds(args("ECHO", "ab"))},
	{name: "quoted followed by tab", in: "ECHO \"ab\"\t\r\n", cmds: cmds(args("ECHO", "ab"))},
	{name: "quoted followed by VT", in: "ECHO \"ab\"\x0b\r\n", cmds: cmds(args("ECHO", "ab"))},
	{name: "empty quoted", in: "ECHO \"\"\r\n", cmds: cmds(args("ECHO", ""))},
	{name: "empty single quoted", in: "ECHO ''\r\n", cmds: cmds(args("ECHO", ""))},
	{name: "quotes in the middle", in: `ECHO a"b c"` + "\r\n", cmds: cmds(args("ECHO", "ab c"))},
	{name: "quoted command name", in: "\"PING\"\r\n", cmds: cmds(args("PING"))},
	{name: "quoted args with spaces", in: `SET "a b" 'c d'` + "\r\n" + `GET "a b"` + "\r\n",
		cmds: cmds(args("SET", "a b", "c d"), args("GET", "a b"))},
	{name: "high bytes", in: "ECHO \xff\xfe\r\n", cmds: cmds(args("ECHO", "\xff\xfe"))},
	{name: "CR splits", in: "ECHO a\rb\r\n", cmds: cmds(args("ECHO", "a", "b"))},
	{name: "VT does not split", in: "ECHO\x0ba\r\n", cmds: cmds(args("ECHO\x0ba"))},
	{name: "VT and FF lead", in: "ECHO \x0b\x0cab\r\n", cmds: cmds(args("ECHO", "ab"))},
	{name: "60K inline", in: "ECHO " + inline60K + "\r\n", cmds: cmds(args("ECHO", inline60K))},
	{name: "inline without newline", in: "PING", end: partial},
	{name: "NUL in inline never ends", in: "PING\x00\r\n", end: partial},
	{name: "unterminated double quote", in: "ECHO \"abc\r\n", end: errQuotes},
	{name: "escaped closing single quote", in: `ECHO 'ab\'` + "\r\n", end: errQuotes},
	{name: "double quote then letter", in: `ECHO "a"b` + "\r\n", end: errQuotes},
	{name: "single quote then letter", in: `ECHO 'a'b` + "\r\n", end: errQuotes},
	{name: "inner quotes then letter", in: `ECHO a"b c"d` + "\r\n", end: errQuotes},
	{name: "backslash at end", in: `ECHO "a\` + "\r\n", end: errQuotes},
	{name: "single quotes inside", in: `ECHO a'b'c` + "\r\n", end: errQuotes},
	{name: "two quoted parts", in: `ECHO a"b""c"` + "\r\n", end: errQuotes},
	{name: "too big inline", in: "ECHO " + strings.Repeat("a", 100*1024), end: errBigInline},
	{name: "too big inline after NUL", in: "PING\x00" + strings.Repeat("\r\n", 50*1024), end: errBigInline},
	{name: "inline at the limit", in: "ECHO " + strings.Repeat("a", 65536-5) + "\n",
		cmds: cmds(args("ECHO", strings.Repeat("a", 65536-5))), local: true},
	{name: "inline over the limit", in: "ECHO " + strings.Repeat("a", 65536-4) + "\n", end: errBigInline, local: true},

	// Custom limits.
	{name: "MaxBulkLen", in: mb("ECHO", "0123456789") + mb("ECHO", "0123456789a"),
		cmds: cmds(args("ECHO", "0123456789")), end: errBulkLen, lim: Limits{MaxBulkLen: 10}},
	{name: "MaxMultibulk", in: mb("a", "b") + mb("a", "b", "c"),
		cmds: cmds(args("a", "b")), end: errMultibulkLen, lim: Limits{MaxMultibulk: 2}},
	{name: "MaxInline inline", in: "12345678\n123456789", cmds: cmds(args("12345678")), end: errBigInline, lim: Limits{MaxInline: 8}},
	{name: "MaxInline count", in: "*" + "0000000", end: partial, lim: Limits{MaxInline: 8}},
	{name: "MaxInline count over", in: "*" + "00000000", end: errBigCount, lim: Limits{MaxInline: 8}},
	{name: "MaxInline count CR last", in: "*" + "0000000\r", end: partial, lim: Limits{MaxInline: 8}},
	{name: "MaxInline bulk", in: "*1\r\n$" + "00000000", end: errBigBulkCount, lim: Limits{MaxInline: 8}},
}
