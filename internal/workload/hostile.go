package workload

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The hostile-argument generator: for every command of the table, argument
// vectors that start from a valid example invocation (taken from the
// hand-written cases, its keys rewritten to the keys of a fixed fixture) and
// put a hostile value in one position at a time, and in a few pairs of
// adjacent positions: boundary integers (where offsets, counts and products
// overflow), doubles Redis parses specially, empty, huge and binary strings,
// keys of every type and a missing key, and the command's own option words
// out of place or repeated. The differential tests (hostile_test.go and
// server/hostile_test.go) run each vector on a fresh fixture against
// redis-server and embedis; a vector must never panic or hang, and its reply
// must be Redis's.

// CommandSpec is what the generator needs to know of a command of the table:
// the tests build it from embedis.Commands(), which this package cannot
// import.
type CommandSpec struct {
	Name     string // lower case
	Arity    int
	FirstKey int
	LastKey  int
	KeyStep  int
	Write    bool
	Blocking bool
}

// HugeString is the pool's large value: 100 KB, well past any small-value
// encoding limit and any fixed buffer.
var HugeString = strings.Repeat("x", 100<<10)

// HostileIntegers are the pool's boundary integers: 0, ±1, ±2³¹, 2³², 2⁵³+1
// (the first integer a double cannot hold), ±2⁶³ (the int64 limits and one
// past the top), 2⁶⁴, and the 512 MB string limit and its neighbours.
var HostileIntegers = []string{
	"0", "1", "-1", "2", "2147483647", "2147483648", "-2147483648", "4294967296", "9007199254740993",
	"9223372036854775807", "-9223372036854775807", "-9223372036854775808", "9223372036854775808",
	"18446744073709551616", "536870912", "536870911", "536870913", "-536870912",
}

// HostileDoubles are the pool's doubles and range bounds: infinities in their
// spellings, NaN, the largest and smallest doubles, exclusive and lexical
// range bounds.
var HostileDoubles = []string{
	"inf", "-inf", "+inf", "nan", "1e308", "-1e308", "1e400", "5e-324", "(1", "(inf", "(-inf", "[a", "(a", "-", "+",
}

// HostileStrings are the pool's odd strings: empty, huge, binary.
var HostileStrings = []string{"", HugeString, "a\x00b", "\xff\xfe\x00", " 1", "1 "}

// FixtureKeys are the fixture's keys: two of each type (see HostileFixture)
// and one that never exists.
var FixtureKeys = []string{"str", "str2", "hash", "hash2", "list", "list2", "set", "set2", "zset", "zset2", "geo", "geo2", "hll", "hll2", "stream", "stream2", "missing"}

// HostileFixture returns the commands that build the fixture on an empty
// server: small values (in Redis's compact encodings, whose order embedis
// shares), the second key of each type overlapping the first.
func HostileFixture() [][]string {
	return [][]string{
		{"SET", "str", "4242424242"},
		{"SET", "str2", "hello world"},
		{"HSET", "hash", "f1", "v1", "f2", "2", "f3", "3.5"},
		{"HSET", "hash2", "f1", "x", "f4", "-7"},
		{"RPUSH", "list", "a", "b", "c", "a", "1", "2"},
		{"RPUSH", "list2", "b", "x"},
		{"SADD", "set", "a", "b", "c", "1", "2"},
		{"SADD", "set2", "b", "c", "d"},
		{"ZADD", "zset", "1", "a", "2", "b", "3", "c", "3", "d"},
		{"ZADD", "zset2", "2", "b", "5", "e", "-1", "a"},
		{"GEOADD", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"},
		{"GEOADD", "geo2", "13.361389", "38.115556", "Palermo", "2.352222", "48.856613", "Paris"},
		{"PFADD", "hll", "a", "b", "c"},
		{"PFADD", "hll2", "b", "c", "d", "e"},
		{"XADD", "stream", "1-1", "f", "v", "g", "2"},
		{"XADD", "stream", "2-1", "f", "w"},
		{"XADD", "stream", "3-0", "h", "-1"},
		{"XADD", "stream2", "1-5", "a", "1"},
		// A consumer group with two pending entries, and an empty one, so
		// that the group commands' vectors reach past NOGROUP.
		{"XGROUP", "CREATE", "stream", "g", "0"},
		{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "stream", ">"},
		// Delivered an hour ago on both sides: a vector's small
		// min-idle-time (XAUTOCLAIM/XCLAIM ... 1) would otherwise compare
		// how many milliseconds each server took since the XREADGROUP.
		{"XCLAIM", "stream", "g", "c1", "0", "1-1", "2-1", "IDLE", "3600000", "JUSTID"},
		{"XGROUP", "CREATE", "stream2", "g", "$"},
	}
}

// familyKey is the fixture key whose type a family's commands work on.
func familyKey(family string) string {
	switch family {
	case "hashes":
		return "hash"
	case "lists":
		return "list"
	case "sets":
		return "set"
	case "zsets":
		return "zset"
	case "geo":
		return "geo"
	case "sort":
		return "list"
	case "hll":
		return "hll"
	case "streams", "groups":
		return "stream"
	}
	return "str"
}

// KeyPositions returns the positions of the key arguments in args, from the
// command's key specification, or for the commands with movable keys, from
// their numkeys argument or STORE option.
func KeyPositions(c CommandSpec, args []string) []int {
	numkeysAt := map[string]int{
		"zunion": 1, "zinter": 1, "zdiff": 1, "zintercard": 1, "sintercard": 1, "lmpop": 1, "zmpop": 1,
		"zunionstore": 2, "zinterstore": 2, "zdiffstore": 2, "blmpop": 2, "bzmpop": 2,
	}
	var out []int
	switch c.Name {
	case "xgroup", "xinfo":
		// Container commands: the key follows the subcommand.
		if len(args) > 2 && !strings.EqualFold(args[1], "HELP") {
			return []int{2}
		}
		return nil
	}
	if c.Name == "xread" || c.Name == "xreadgroup" {
		// The keys are the first half of what follows STREAMS.
		for i := 1; i < len(args); i++ {
			if strings.EqualFold(args[i], "STREAMS") {
				n := (len(args) - i - 1) / 2
				for j := 0; j < n; j++ {
					out = append(out, i+1+j)
				}
				break
			}
		}
		return out
	}
	if at, ok := numkeysAt[c.Name]; ok {
		if c.Name == "zunionstore" || c.Name == "zinterstore" || c.Name == "zdiffstore" {
			out = append(out, 1)
		}
		if at < len(args) {
			n, err := strconv.Atoi(args[at])
			for i := 0; err == nil && i < n && at+1+i < len(args); i++ {
				out = append(out, at+1+i)
			}
		}
		return out
	}
	if c.FirstKey > 0 {
		last := c.LastKey
		if last < 0 {
			last += len(args)
		}
		step := max(c.KeyStep, 1)
		for i := c.FirstKey; i <= last && i < len(args); i += step {
			out = append(out, i)
		}
	}
	switch c.Name {
	case "georadius", "georadiusbymember", "sort":
		for i := 2; i+1 < len(args); i++ {
			if u := strings.ToUpper(args[i]); u == "STORE" || u == "STOREDIST" && c.Name != "sort" {
				out = append(out, i+1)
			}
		}
	case "object":
		if len(args) > 2 {
			out = append(out, 2) // OBJECT subcommand key
		}
	}
	return out
}

// TimeoutPosition returns the position of a blocking command's timeout, or
// -1 for a command that does not block.
func TimeoutPosition(c CommandSpec, args []string) int {
	switch {
	case !c.Blocking || len(args) < 2:
		return -1
	case c.Name == "blmpop" || c.Name == "bzmpop":
		return 1
	case c.Name == "xread" || c.Name == "xreadgroup":
		// BLOCK's argument, in milliseconds, if it comes before STREAMS.
		for i := 1; i+1 < len(args); i++ {
			if strings.EqualFold(args[i], "STREAMS") {
				break
			}
			if strings.EqualFold(args[i], "BLOCK") {
				return i + 1
			}
		}
		return -1
	}
	return len(args) - 1
}

// ShortTimeout rewrites the timeout of a blocking command that could block
// for more than a few milliseconds (0, meaning forever, or any valid timeout
// over 10 ms) to 0.01 s, so that no vector waits long; timeouts Redis
// rejects or rounds to a millisecond are kept. It returns args unchanged
// for commands that do not block.
func ShortTimeout(c CommandSpec, args []string) []string {
	i := TimeoutPosition(c, args)
	if i < 0 {
		return args
	}
	if c.Name == "xread" || c.Name == "xreadgroup" {
		// Milliseconds, an integer: 0 (forever) or more than 10 become 10
		// (Redis 7.0 waits for ever past the int64 range too).
		if n, err := strconv.ParseInt(args[i], 10, 64); err == nil && (n == 0 || n > 10) {
			out := append([]string(nil), args...)
			out[i] = "10"
			return out
		}
		return args
	}
	f, err := strconv.ParseFloat(args[i], 64)
	// Redis accepts a timeout up to LLONG_MAX ms minus the current time
	// (about 1.8e12 ms): stay 1e13 ms clear of that edge, past which it
	// answers "timeout is out of range" (or "is negative", where the
	// conversion to a long long overflows).
	if err != nil || f != f || f < 0 || f*1000 > math.MaxInt64-1e13 || (f > 0 && f <= 0.01) {
		return args
	}
	out := append([]string(nil), args...)
	out[i] = "0.01"
	return out
}

// HostileBases returns the candidate base invocations of a command, best
// first: the hand-written cases' invocations of it with a suitable number of
// arguments, from the families that use it most, their keys rewritten to
// fixture keys of the family's type (alternating between the type's two
// keys). The tests take the first candidate that Redis answers without an
// error on the fixture. A command no case uses gets one made from its arity.
func HostileBases(c CommandSpec) [][]string {
	type fam struct {
		name string
		uses [][]string
	}
	var fams []fam
	for name, cs := range Cases() {
		f := fam{name: name}
		for _, args := range cs {
			if strings.EqualFold(args[0], c.Name) && arityOK(c.Arity, len(args)) {
				f.uses = append(f.uses, args)
			}
		}
		if len(f.uses) > 0 {
			fams = append(fams, f)
		}
	}
	sort.Slice(fams, func(i, j int) bool {
		if len(fams[i].uses) != len(fams[j].uses) {
			return len(fams[i].uses) > len(fams[j].uses)
		}
		return fams[i].name < fams[j].name
	})
	var out [][]string
	seen := map[string]bool{}
	for _, f := range fams {
		for _, use := range f.uses {
			args := append([]string(nil), use...)
			args[0] = strings.ToUpper(c.Name)
			for i, pos := range KeyPositions(c, args) {
				args[pos] = familyKey(f.name)
				if i%2 == 1 {
					args[pos] += "2"
				}
			}
			if k := strings.Join(args, "\x00"); !seen[k] {
				seen[k] = true
				out = append(out, args)
			}
		}
	}
	if len(out) == 0 {
		n := c.Arity
		if n < 0 {
			n = -n
		}
		args := []string{strings.ToUpper(c.Name)}
		for len(args) < n {
			args = append(args, "1")
		}
		for _, pos := range KeyPositions(c, args) {
			args[pos] = "str"
		}
		out = append(out, args)
	}
	return out
}

// ChooseBases picks the bases of a command's vectors among its candidates
// (HostileBases, their timeouts shortened): those that valid reports valid
// (Redis answers them without an error on the fixture), the one with the
// most arguments first, as it reaches the most options. The default keeps
// one, of at most 7 arguments where there is such a valid one (every
// position of a base multiplies the vectors); full keeps up to four, of at
// most 16. With none valid, it keeps the first candidate.
func ChooseBases(c CommandSpec, full bool, valid func(args []string) bool) [][]string {
	cands := HostileBases(c)
	var ok [][]string
	for _, cand := range cands {
		cand = ShortTimeout(c, cand)
		if valid(cand) {
			ok = append(ok, cand)
		}
	}
	if len(ok) == 0 {
		return [][]string{ShortTimeout(c, cands[0])}
	}
	sort.SliceStable(ok, func(i, j int) bool { return len(ok[i]) > len(ok[j]) })
	limit, n := 7, 1
	if full {
		limit, n = 16, 4
	}
	var out [][]string
	for _, b := range ok {
		if len(b) <= limit && len(out) < n {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		out = ok[len(ok)-1:]
	}
	return out
}

func arityOK(arity, n int) bool {
	return (arity > 0 && n == arity) || (arity < 0 && n >= -arity)
}

// OptionWords returns the option words of a command: the upper-case words
// that its invocations in the hand-written cases use outside key positions.
func OptionWords(c CommandSpec) []string {
	set := map[string]bool{}
	for _, cs := range Cases() {
		for _, args := range cs {
			if !strings.EqualFold(args[0], c.Name) {
				continue
			}
			keys := map[int]bool{}
			for _, p := range KeyPositions(c, args) {
				keys[p] = true
			}
			for i, a := range args[1:] {
				if !keys[i+1] && isOptionWord(a) && a == strings.ToUpper(a) {
					set[strings.ToUpper(a)] = true
				}
			}
		}
	}
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

func isOptionWord(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	switch strings.ToUpper(s) {
	case "FOO", "UP", "MIDDLE", "NOPE", "BAR":
		return false // the cases' deliberately unknown words
	}
	return true
}

// hostilePairs are the values put in two adjacent positions together: the
// ranges whose ends overflow together.
var hostilePairs = [][2]string{
	{"-9223372036854775808", "9223372036854775807"}, {"9223372036854775807", "9223372036854775807"},
	{"-9223372036854775808", "-9223372036854775808"}, {"9223372036854775807", "-9223372036854775808"},
	{"0", "-9223372036854775808"}, {"536870911", "536870913"}, {"-inf", "+inf"}, {"(1", "(1"},
	{"1", "9223372036854775807"}, {"-9223372036854775807", "-1"},
}

// HostileVectors returns the argument vectors of a command built on base:
// every pool value and option word in every position, the hostile pairs in
// every pair of adjacent positions, and each option word appended alone,
// twice, and with each boundary integer. full adds every pair of boundary
// integers in adjacent positions.
func HostileVectors(c CommandSpec, base []string, full bool) [][]string {
	words := OptionWords(c)
	var pool []string
	pool = append(pool, HostileIntegers...)
	pool = append(pool, HostileDoubles...)
	pool = append(pool, HostileStrings...)
	pool = append(pool, FixtureKeys...)
	pool = append(pool, words...)
	var out [][]string
	with := func(edits ...any) {
		args := append([]string(nil), base...)
		for i := 0; i < len(edits); i += 2 {
			args[edits[i].(int)] = edits[i+1].(string)
		}
		out = append(out, args)
	}
	for pos := 1; pos < len(base); pos++ {
		for _, v := range pool {
			if v != base[pos] {
				with(pos, v)
			}
		}
	}
	for pos := 1; pos+1 < len(base); pos++ {
		for _, p := range hostilePairs {
			with(pos, p[0], pos+1, p[1])
		}
		if full {
			for _, a := range HostileIntegers {
				for _, b := range HostileIntegers {
					with(pos, a, pos+1, b)
				}
			}
		}
	}
	appended := func(extra ...string) {
		out = append(out, append(append([]string(nil), base...), extra...))
	}
	for _, w := range words {
		appended(w)
		appended(w, w)
		for _, v := range []string{"0", "-1", "9223372036854775807", "-9223372036854775808", "536870912", "inf"} {
			appended(w, v)
		}
	}
	// The base's own options repeated: the last of a repeated option wins
	// in Redis, or the repetition is a syntax error.
	for i := 1; i < len(base); i++ {
		if isOptionWord(base[i]) && contains(words, strings.ToUpper(base[i])) {
			appended(base[i:]...)
			break
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// HostileSkip returns why a vector is run on neither side, or "": the
// vector makes redis-server attempt an allocation the test machine cannot
// afford, and embedis, answering as Redis does, attempts it too.
func HostileSkip(args []string) string {
	name := strings.ToUpper(args[0])
	if name == "BITFIELD" && bitFieldGrowsPast1MB(args) {
		return "BITFIELD writing past 1 MB: Redis allocates the string (up to 512 MB)"
	}
	n, err := int64(0), error(nil)
	if len(args) > 2 {
		n, err = strconv.ParseInt(args[2], 10, 64)
	}
	if err != nil {
		return ""
	}
	switch name {
	case "SETRANGE":
		// Redis grows the string to offset+len(value) bytes, up to 512 MB.
		if len(args) == 4 && args[3] != "" && n >= 1<<20 && n <= 512<<20-int64(len(args[3])) {
			return "SETRANGE with an offset past 1 MB: Redis allocates the string (up to 512 MB)"
		}
	case "SETBIT":
		// Redis grows the string to the offset's byte, up to 512 MB.
		if n >= 8<<20 && n < 512<<23 {
			return "SETBIT with an offset past 1 MB: Redis allocates the string (up to 512 MB)"
		}
	case "SRANDMEMBER", "ZRANDMEMBER", "HRANDFIELD":
		// A negative count asks for -count members, repeats allowed, and
		// Redis builds the whole reply (minutes and many GB for -2³¹);
		// WITHSCORES/WITHVALUES counts below -2⁶² are a range error.
		// embedis refuses counts below -2²⁴ ("value is out of range", see
		// maxRandRepeats), since a failed allocation would end its process.
		types := map[string][]string{"SRANDMEMBER": {"set", "set2"}, "HRANDFIELD": {"hash", "hash2"}, "ZRANDMEMBER": {"zset", "zset2", "geo", "geo2"}}
		if n < -1<<20 && (len(args) == 3 || name == "SRANDMEMBER" || n >= -(1<<62)) && contains(types[name], args[1]) {
			return name + " with a count below -2²⁰ on an existing key: Redis builds a reply of -count elements (embedis refuses below -2²⁴)"
		}
	}
	return ""
}

// HostileUncompared returns why the reply to a vector is not compared, or
// "": where Redis's reply depends on its hash seed (SSCAN pages and
// unsorted SORT and DUMP of the fixture's hash-table sets) or on its clock
// (DUMP of the stream with pending entries), and the one known
// difference (OBJECT IDLETIME). failed says whether Redis answered with an error (errors are
// always compared).
func HostileUncompared(args []string, failed bool) string {
	if n := strings.ToUpper(args[0]); (n == "EVAL" || n == "EVAL_RO") && len(args) > 1 {
		// The hostile scripts ("inf", "(1", …) do not compile, and Lua's
		// parser and gopher-lua's word the error differently; the
		// numkeys errors are compared in the scripting cases.
		return "EVAL of a script that does not compile: the parse error is gopher-lua's wording (see scripting/convert.go)"
	}
	if failed {
		return ""
	}
	if strings.EqualFold(args[0], "MEMORY") && len(args) > 1 && strings.EqualFold(args[1], "USAGE") {
		return "MEMORY USAGE of an existing key: the bytes are embedis's estimate of its Go heap, not redis-server's (memory.go)"
	}
	if strings.EqualFold(args[0], "OBJECT") && strings.EqualFold(args[1], "IDLETIME") {
		return "OBJECT IDLETIME of an existing key: embedis does not track idle time (a known difference, see object.go's cases)"
	}
	if strings.EqualFold(args[0], "DUMP") && len(args) == 2 && args[1] == "stream" {
		return "DUMP of the fixture's stream with pending entries: the PEL's delivery times and the consumer's seen time are each server's clock"
	}
	if strings.EqualFold(args[0], "DUMP") && len(args) == 2 && (args[1] == "set" || args[1] == "set2") {
		return "DUMP of a hash-table set: the members come in Redis's hash-table order (see dump.go)"
	}
	if (strings.EqualFold(args[0], "SORT") || strings.EqualFold(args[0], "SORT_RO")) && (args[1] == "set" || args[1] == "set2") {
		for i := 2; i+1 < len(args); i++ {
			if strings.EqualFold(args[i], "BY") && !strings.Contains(args[i+1], "*") {
				return "SORT of a hash-table set BY a pattern with no *: the elements stay in Redis's hash-table order"
			}
		}
	}
	if !strings.EqualFold(args[0], "SSCAN") || (args[1] != "set" && args[1] != "set2") {
		return ""
	}
	// The fixture's sets are hash tables in Redis 7.0 (their members are
	// not all integers).
	if args[2] != "0" {
		return "SSCAN of a hash-table set from a cursor other than 0: which buckets the cursor skips depends on Redis's hash seed"
	}
	count := int64(10)
	for i := 3; i+1 < len(args); i += 2 {
		if strings.EqualFold(args[i], "COUNT") {
			count, _ = strconv.ParseInt(args[i+1], 10, 64)
		}
	}
	if count < 6 {
		return "SSCAN of a hash-table set with a COUNT below its size: where the page ends depends on Redis's hash seed"
	}
	return ""
}

// HostileShow prints args for a failure report, with a huge string
// abbreviated.
func HostileShow(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if len(a) > 64 {
			a = fmt.Sprintf("%.16s…(%d bytes)", a, len(a))
		}
		out[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(out, " ") + "]"
}

// bitFieldGrowsPast1MB reports whether a BITFIELD's SET or INCRBY writes at
// an offset past 1 MB (a "#n" offset counted at the widest type, 64 bits).
func bitFieldGrowsPast1MB(args []string) bool {
	for i := 2; i+2 < len(args); i++ {
		if u := strings.ToUpper(args[i]); u != "SET" && u != "INCRBY" {
			continue
		}
		off, scale := args[i+2], int64(1)
		if strings.HasPrefix(off, "#") {
			off, scale = off[1:], 64
		}
		if n, err := strconv.ParseInt(off, 10, 64); err == nil && n >= 0 && n <= math.MaxInt64/64 && n*scale >= 8<<20 {
			return true
		}
	}
	return false
}
