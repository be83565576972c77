package embedis

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/hll"
)

// This file is the catalogue of the errors the engine replies with: each
// Redis error text appears here once, as one value (TestErrorCatalogue fails
// when two values share a text or an error value is made elsewhere).
//
// A sentinel (newError) is one kind of error; errors.Is matches it. A form
// (newForm) is a variant of a kind with its own Redis text, for example
// "ERR min or max is not a float" is a form of ErrNotFloat: errors.Is(err,
// ErrNotFloat) holds for it, and errors.Is tells two forms apart. Texts that
// depend on an argument (the command's name, a value) are built by the
// functions at the end of the file, as forms of their kind.

// Error is an error that Redis itself would reply with. Its text is Redis's own,
// word for word (including the "ERR " or "WRONGTYPE " prefix), so a server can put
// it on the wire unchanged. Errors that Redis phrases per command (for example
// "ERR invalid expire time in 'set' command") are distinct values that still match
// their sentinel with errors.Is.
type Error struct {
	msg  string
	kind *Error // the sentinel this error is a form of; nil for a sentinel itself
}

// Error returns Redis's text for the error.
func (e *Error) Error() string { return e.msg }

// Is reports whether target is e or the sentinel e is a form of.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return e == t || (e.kind != nil && e.kind == t)
}

// catalogue lists every sentinel and package-level form, for the test that
// checks that no two share a text.
var catalogue []*Error

// newError makes a sentinel: one kind of error with Redis's text.
func newError(msg string) *Error {
	e := &Error{msg: msg}
	catalogue = append(catalogue, e)
	return e
}

// newForm makes a package-level form of kind with its own Redis text.
func newForm(kind *Error, msg string) *Error {
	e := kind.forCommand(msg)
	catalogue = append(catalogue, e)
	return e
}

// forCommand returns a form of sentinel e with the given text, for texts
// built at run time (they name a command or an argument).
func (e *Error) forCommand(text string) *Error { return &Error{msg: text, kind: e} }

// Errors that are not Redis replies: ErrNotFound (Redis replies nil where a
// Store returns it), ErrClosed, ErrReentrant and the others are embedis's own.
var (
	// ErrNotFound is returned by commands that reply with a single value when
	// there is no value: the key (or field) does not exist. Redis replies nil.
	ErrNotFound = errors.New("embedis: not found")

	// ErrClosed is returned by every call on a Store after Close. After a
	// command panicked, calls return a *PanicError, which matches ErrClosed.
	ErrClosed = errors.New("embedis: store is closed")

	// ErrNotRemote is returned by the Run method of Embedded's backend: the
	// embedded store runs helper steps in Go, not Lua (scripting is not built
	// yet).
	ErrNotRemote = errors.New("embedis: Backend.Run is for a remote Redis; the embedded store runs helper steps as Go code")

	// ErrNotExecuted is the error of a pipelined command whose Exec has not run
	// (or could not run) it.
	ErrNotExecuted = errors.New("embedis: pipelined command not executed")

	// ErrStaleResult is the error of a Result read after its pipeline went on
	// to queue the next batch, which reuses the memory the result was in.
	ErrStaleResult = errors.New("embedis: result of an earlier batch of a reused pipeline")

	// ErrLeaderboardArg is returned (wrapped, with the offending value) for a
	// negative count or a page or page size below 1.
	ErrLeaderboardArg = errors.New("embedis: invalid leaderboard argument")

	// ErrLeaderboardExpired is returned by Submit on a board pinned by At to a
	// period whose key has already expired (its period plus Keep periods are
	// over): the write would vanish at once.
	ErrLeaderboardExpired = errors.New("embedis: leaderboard period has expired")

	// ErrReentrant is returned by a call on a Store made from inside one of
	// that store's own Atomic closures, which holds the owner role the call
	// would wait for: the closure must use its Tx instead.
	ErrReentrant = errors.New("embedis: Store called from inside its own Atomic closure; use the closure's Tx")

	// ErrSnapshotDatabases is returned by OpenSnapshot for a file with a
	// database beyond the store's Options.Databases, which redis-server
	// refuses to load as well.
	ErrSnapshotDatabases = errors.New("embedis: snapshot has more databases than the store")

	// ErrSnapshotDuplicateKey is returned by OpenSnapshot for a file that
	// holds the same key twice in one database, which redis-server refuses
	// as well.
	ErrSnapshotDuplicateKey = errors.New("embedis: snapshot holds a key twice")

	// ErrSnapshotUsed is returned by PendingSnapshot.WriteTo when the
	// snapshot has already been written or closed: its keys are handed out
	// once, as they are written.
	ErrSnapshotUsed = errors.New("embedis: snapshot already written or closed")

	// errSnapshotStopped: a snapshot's writer stopped its walker (the
	// writer's own error is the one returned).
	errSnapshotStopped = errors.New("embedis: snapshot stopped by its writer")
	// errOwnerBusy: what the owner lock answers a busy-aware caller while
	// the role is held by a script past busy-reply-threshold (owner.go);
	// begin turns it into the BUSY error of the running script's kind.
	errOwnerBusy = errors.New("embedis: owner busy")

	// errNoRDBForm: a value of a type that has no RDB encoding yet. Every
	// type embedis has is encoded; a new type must be added to appendValue
	// (dump.go).
	errNoRDBForm = errors.New("embedis: value type has no RDB encoding")
)

// Sentinel errors of every family. Each carries Redis 7.0's exact error text.
var (
	// ErrWrongType: the key holds a value of another type than the command needs.
	ErrWrongType = newError("WRONGTYPE Operation against a key holding the wrong kind of value")
	// ErrNotInteger: a value or argument is not a base-10 int64.
	ErrNotInteger = newError("ERR value is not an integer or out of range")
	// ErrNotFloat: a value or argument is not a valid floating point number.
	ErrNotFloat = newError("ERR value is not a valid float")
	// ErrOverflow: an increment or decrement would leave the int64 range.
	ErrOverflow = newError("ERR increment or decrement would overflow")
	// ErrNaNOrInfinity: a floating point increment would produce NaN or ±Inf.
	ErrNaNOrInfinity = newError("ERR increment would produce NaN or Infinity")
	// ErrSyntax: the options given do not form a valid command.
	ErrSyntax = newError("ERR syntax error")
	// ErrNoSuchKey: RENAME of a key that does not exist.
	ErrNoSuchKey = newError("ERR no such key")
	// ErrStringTooLong: the result would exceed the 512 MB string limit.
	ErrStringTooLong = newError("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
	// ErrOffsetOutOfRange: SETRANGE with a negative offset.
	ErrOffsetOutOfRange = newError("ERR offset is out of range")
	// ErrInvalidExpire: an expire time that is not positive or overflows.
	// The text names the command, e.g. "ERR invalid expire time in 'set' command".
	ErrInvalidExpire = newError("ERR invalid expire time in command")
	// ErrDBIndex: a database number outside 0..Options.Databases-1 (0..15
	// by default).
	ErrDBIndex = newError("ERR DB index is out of range")
	// ErrSameObject: COPY of a key onto itself in the same database.
	ErrSameObject = newError("ERR source and destination objects are the same")
	// ErrExpireOptions: NX together with XX, GT or LT on an EXPIRE command.
	ErrExpireOptions = newError("ERR NX and XX, GT or LT options at the same time are not compatible")
	// ErrGTAndLT: GT together with LT.
	ErrGTAndLT = newError("ERR GT and LT options at the same time are not compatible")
	// ErrInvalidCursor: a SCAN cursor that is not an unsigned integer.
	ErrInvalidCursor = newError("ERR invalid cursor")
	// ErrArity: a command given the wrong number of arguments. The text names
	// the command, e.g. "ERR wrong number of arguments for 'mset' command".
	ErrArity = newError("ERR wrong number of arguments")
	// ErrServerOnly: a connection command (AUTH, MULTI, CLIENT, …) run on a Store.
	ErrServerOnly = newError("ERR server-only command")
	// ErrUnknownCommand: a command embedis does not implement.
	ErrUnknownCommand = newError("ERR unknown command")
	// ErrValueOutOfRange: a count whose derived size overflows (HRANDFIELD
	// WITHVALUES, ZRANDMEMBER WITHSCORES with a huge negative count). It is a
	// form of ErrNotInteger, as are ErrNotPositive and ErrRandCountRange.
	ErrValueOutOfRange = newForm(ErrNotInteger, "ERR value is out of range")
	// ErrNotPositive: a count that must not be negative (LPOP, SPOP, ZPOPMIN
	// key count).
	ErrNotPositive = newForm(ErrNotInteger, "ERR value is out of range, must be positive")
	// ErrRandCountRange: SRANDMEMBER, HRANDFIELD or ZRANDMEMBER with a count
	// whose magnitude does not fit (math.MinInt64).
	ErrRandCountRange = newForm(ErrNotInteger, "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
	// ErrNumKeys: LMPOP, ZMPOP, SINTERCARD or ZINTER with a number of keys below 1.
	ErrNumKeys = newError("ERR numkeys should be greater than 0")
	// ErrNumKeysArgs: a numkeys larger than the arguments that follow it.
	ErrNumKeysArgs = newForm(ErrSyntax, "ERR Number of keys can't be greater than number of args")
	// ErrLimitNegative: SINTERCARD or ZINTERCARD with a negative LIMIT. It is
	// a form of ErrSyntax, as is ErrNumKeysArgs.
	ErrLimitNegative = newForm(ErrSyntax, "ERR LIMIT can't be negative")
	// ErrCountNotPositive: LMPOP or ZMPOP with a COUNT below 1.
	ErrCountNotPositive = newError("ERR count should be greater than 0")
)

// Errors of the string commands.
var (
	// ErrLCSNotString: LCS on a key that holds something other than a string.
	ErrLCSNotString = newError("ERR The specified keys must contain string values")
	// ErrLCSTooLarge: the LCS table of the two strings (4 bytes per pair of
	// positions) would pass MaxStringLength, Redis's limit on its transient memory.
	ErrLCSTooLarge = newError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")

	errDecrementOverflow = newForm(ErrOverflow, "ERR decrement would overflow")
	errLCSLenAndIdx      = newForm(ErrSyntax, "ERR If you want both the length and indexes, please just use IDX.")
)

// Errors of the keyspace commands.
var (
	errSwapDBFirst  = newForm(ErrNotInteger, "ERR invalid first DB index")
	errSwapDBSecond = newForm(ErrNotInteger, "ERR invalid second DB index")
	// errIntRange: an argument Redis reads as a C int (a database number)
	// that is an integer outside the int32 range.
	errIntRange = newForm(ErrNotInteger, "ERR value is out of range, value must between -2147483648 and 2147483647")
)

// Errors of the list commands.
var (
	// ErrIndexOutOfRange: LSET at an index the list does not have.
	ErrIndexOutOfRange = newError("ERR index out of range")
	// ErrRankZero: LPOS with RANK 0.
	ErrRankZero = newError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
	// ErrNegativeCount: LPOS with a negative COUNT.
	ErrNegativeCount = newError("ERR COUNT can't be negative")
	// ErrNegativeMaxLen: LPOS with a negative MAXLEN.
	ErrNegativeMaxLen = newError("ERR MAXLEN can't be negative")

	errTimeoutNotFloat   = newForm(ErrNotFloat, "ERR timeout is not a float or out of range")
	errTimeoutOutOfRange = newForm(ErrNotFloat, "ERR timeout is out of range")
	errTimeoutNegative   = newForm(ErrNotFloat, "ERR timeout is negative")
)

// Errors of the hash commands.
var (
	// ErrHashNotInteger: HINCRBY on a field whose value is not a base-10 int64.
	ErrHashNotInteger = newError("ERR hash value is not an integer")
	// ErrHashNotFloat: HINCRBYFLOAT on a field whose value is not a number.
	ErrHashNotFloat = newError("ERR hash value is not a float")
	// ErrHashNaNOrInfinity: HINCRBYFLOAT with an infinite (or NaN) increment.
	ErrHashNaNOrInfinity = newError("ERR value is NaN or Infinity")
)

// Errors of the sorted-set commands.
var (
	// ErrScoreNaN: an increment would make a score NaN (+inf plus -inf).
	ErrScoreNaN = newError("ERR resulting score is not a number (NaN)")

	errZAddXXNX         = newForm(ErrSyntax, "ERR XX and NX options at the same time are not compatible")
	errZAddGTLTNX       = newForm(ErrSyntax, "ERR GT, LT, and/or NX options at the same time are not compatible")
	errZAddIncrPair     = newForm(ErrSyntax, "ERR INCR option supports a single increment-element pair")
	errMinMaxNotFloat   = newForm(ErrNotFloat, "ERR min or max is not a float")
	errLexRange         = newForm(ErrSyntax, "ERR min or max not valid string range item")
	errLimitOnlyByScore = newForm(ErrSyntax, "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
	errWithScoresByLex  = newForm(ErrSyntax, "ERR syntax error, WITHSCORES not supported in combination with BYLEX")
	errWeightNotFloat   = newForm(ErrNotFloat, "ERR weight value is not a float")
)

// Errors of the geo commands.
var (
	// ErrGeoMember: a search or GEORADIUSBYMEMBER from a member that is not
	// in the set.
	ErrGeoMember = newError("ERR could not decode requested zset member")

	errUnsupportedUnit = newForm(ErrSyntax, "ERR unsupported unit provided. please use M, KM, FT, MI")
	errRadiusNegative  = newForm(ErrSyntax, "ERR radius cannot be negative")
	errBoxNegative     = newForm(ErrSyntax, "ERR height or width cannot be negative")
	errGeoCount        = newForm(ErrSyntax, "ERR COUNT must be > 0")
	errGeoAny          = newForm(ErrSyntax, "ERR the ANY argument requires COUNT argument")
	errGeoNeedWidth    = newForm(ErrNotFloat, "ERR need numeric width")
	errGeoNeedHeight   = newForm(ErrNotFloat, "ERR need numeric height")
)

// Errors whose text depends on an argument.

// ArityError returns Redis's error for a command given the wrong number of
// arguments; cmd is the command's name as Redis prints it (e.g. "get" or
// "client|setname").
func ArityError(cmd string) error {
	return ErrArity.forCommand("ERR wrong number of arguments for '" + cmd + "' command")
}

func invalidExpire(cmd string) error {
	return ErrInvalidExpire.forCommand("ERR invalid expire time in '" + cmd + "' command")
}

// UnknownCommandError returns Redis's error for an unknown command.
func UnknownCommandError(args []string) error {
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	// As Redis formats it: each argument printed with C's "%.*s" (cut at
	// a NUL byte), the list of arguments cut once it reaches 128 bytes,
	// line breaks made spaces.
	var list strings.Builder
	for _, a := range args[min(1, len(args)):] {
		if list.Len() >= 128 {
			break
		}
		list.WriteString("'")
		list.WriteString(truncate(errorArg(a), 128-list.Len()+1))
		list.WriteString("' ")
	}
	msg := "ERR unknown command '" + truncate(errorArg(name), 128) + "', with args beginning with: " + list.String()
	return ErrUnknownCommand.forCommand(msg)
}

// unknownSubcommand is the error of a container command (OBJECT) given a
// subcommand it does not have; cmd is the container's name in capitals.
func unknownSubcommand(sub, cmd string) error {
	return ErrUnknownCommand.forCommand("ERR unknown subcommand '" + truncate(errorArg(sub), 128) + "'. Try " + cmd + " HELP.")
}

// xinfoSyntaxError is XINFO's error for options its subcommand sub does
// not take.
func xinfoSyntaxError(sub string) error {
	return ErrSyntax.forCommand(subcommandArgsText(sub, "XINFO"))
}

// subcommandArgsText is Redis's text for a container command's subcommand
// given arguments it does not take (XINFO, PUBSUB); cmd is the container's
// name in capitals.
func subcommandArgsText(sub, cmd string) string {
	return "ERR unknown subcommand or wrong number of arguments for '" + truncate(errorArg(sub), 128) + "'. Try " + cmd + " HELP."
}

// serverOnlyError is ErrServerOnly naming the command.
func serverOnlyError(name string) error {
	return ErrServerOnly.forCommand("ERR '" + name + "' is a command of the server, not of an embedded Store")
}

// unsupportedOption is SCAN's error for an option it does not know.
func unsupportedOption(o string) error {
	return ErrSyntax.forCommand("ERR Unsupported option " + errorArg(o))
}

// needInputKey is the error of ZUNION/ZINTER/ZDIFF/ZINTERCARD (and their
// STORE forms) given numkeys 0.
func needInputKey(name string) error {
	return ErrSyntax.forCommand("ERR at least 1 input key is needed for '" + name + "' command")
}

// geoNeedNumeric is the error for a GEO distance or coordinate argument that
// is not a number; what names it ("radius", "longitude", …).
func geoNeedNumeric(what string) error {
	return ErrNotFloat.forCommand("ERR need numeric " + what)
}

// geoStoreIncompatible is GEORADIUS's error for STORE or STOREDIST (what)
// combined with the WITH* options.
func geoStoreIncompatible(what string) error {
	return ErrSyntax.forCommand("ERR " + what + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
}

// geoOneOfFrom and geoOneOfBy are GEOSEARCH's errors for a missing or doubled
// origin or shape; cmd is the command as given.
func geoOneOfFrom(cmd string) error {
	return ErrSyntax.forCommand("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + cmd)
}

func geoOneOfBy(cmd string) error {
	return ErrSyntax.forCommand("ERR exactly one of BYRADIUS and BYBOX can be specified for " + cmd)
}

// errInvalidLonLat is GEOADD's error for coordinates outside the limits,
// which prints them as C's "%f" does.
func errInvalidLonLat(lon, lat float64) error {
	f := func(x float64) string {
		switch {
		case math.IsInf(x, 1):
			return "inf"
		case math.IsInf(x, -1):
			return "-inf"
		}
		return strconv.FormatFloat(x, 'f', 6, 64)
	}
	return ErrSyntax.forCommand("ERR invalid longitude,latitude pair " + f(lon) + "," + f(lat))
}

// Errors of SORT.
var (
	// ErrSortScore: SORT without ALPHA met a weight that is not a number.
	ErrSortScore = newError("ERR One or more scores can't be converted into double")
)

// Errors of OBJECT.
var (
	// ErrNoLFU: OBJECT FREQ, which Redis answers only under an LFU
	// maxmemory policy (allkeys-lfu, volatile-lfu).
	ErrNoLFU = newError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
	// ErrIdleTimeNotTracked: OBJECT IDLETIME under an LFU maxmemory
	// policy, which keeps access counts instead of times, as Redis answers.
	ErrIdleTimeNotTracked = newError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
)

// Errors of DUMP and RESTORE.
var (
	// ErrBusyKey: RESTORE without REPLACE of a key that exists.
	ErrBusyKey = newError("BUSYKEY Target key name already exists.")
	// ErrInvalidTTL: RESTORE with a negative TTL (or, from Go, a negative
	// RestoreArgs.TTL or an ExpireAt before 1970).
	ErrInvalidTTL = newError("ERR Invalid TTL value, must be >= 0")
	// ErrInvalidIdleTime: RESTORE with a negative IDLETIME.
	ErrInvalidIdleTime = newError("ERR Invalid IDLETIME value, must be >= 0")
	// ErrInvalidFreq: RESTORE with a FREQ outside 0..255.
	ErrInvalidFreq = newError("ERR Invalid FREQ value, must be >= 0 and <= 255")
	// ErrDumpPayload: a RESTORE payload whose trailer is wrong: shorter than
	// a trailer, written by a newer RDB version than 10, or with a CRC-64
	// that does not match its bytes.
	ErrDumpPayload = newError("ERR DUMP payload version or checksum are wrong")
	// ErrBadDataFormat: a RESTORE payload whose trailer is right but whose
	// value cannot be decoded (a damaged or empty value, or a type embedis
	// does not have: streams, modules).
	ErrBadDataFormat = newError("ERR Bad data format")
)

// errorArg returns s as Redis prints an argument into an error reply with
// C's "%s": cut at its first NUL byte (cString), with the line breaks that
// would end the reply made spaces.
func errorArg(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(cString(s))
}

// Errors of Counter.
var (
	// ErrCounterArg is returned (wrapped, with the offending value) for
	// invalid CounterOptions, an empty key, a bucket size the Counter does
	// not count, or a number of buckets outside 1..Keep.
	ErrCounterArg = errors.New("embedis: invalid counter argument")

	// ErrBackendReply is returned (wrapped, with the reply) by every helper
	// (Cache, Counter, Leaderboard, RateLimiter, Sessions) when a remote
	// backend's script replies with a value of a shape the helper's script
	// never returns: a Backend implementation that does not convert replies
	// as Backend.Run documents, or a key of the helper's name holding
	// something the helper did not write.
	ErrBackendReply = errors.New("embedis: unexpected reply from a backend's script")
)

// Errors of Cache.
var (
	// ErrCacheArg is wrapped by the errors of NewCache for bad options and
	// of Cache's methods for a bad key or a nil loader.
	ErrCacheArg = errors.New("embedis: invalid cache argument")
	// ErrCacheMiss is returned by Cache.Get for a key with no entry.
	ErrCacheMiss = errors.New("embedis: cache miss")
	// ErrCacheNotFound is what a Loader returns (or wraps) when a key has no
	// value; the cache keeps that answer for NegativeTTL, and Get and
	// GetOrLoad return ErrCacheNotFound while it lasts.
	ErrCacheNotFound = errors.New("embedis: not found (cached)")
	// ErrCacheLoaderPanic is returned to the callers that waited for a load
	// whose loader panicked (the panic itself goes on in the loader's caller).
	ErrCacheLoaderPanic = errors.New("embedis: cache loader panicked")
	// ErrCacheNoScan is returned by Cache.InvalidatePrefix on a remote
	// Backend that does not implement KeyScanner.
	ErrCacheNoScan = errors.New("embedis: Cache.InvalidatePrefix needs a Backend that implements KeyScanner")
)

// Errors of the lock helper (lock.go).
var (
	// ErrLockArg is returned (wrapped, with the offending value) by
	// NewLocker for an invalid name or options, by TryLock and Lock for an
	// empty resource or one starting with '}', and by Extend for a
	// negative or sub-millisecond TTL.
	ErrLockArg = errors.New("embedis: invalid lock argument")

	// ErrLockHeld is returned by TryLock when another owner holds the lock
	// (or, embedded, callers wait for it in Lock), and by Lock on a remote
	// backend when its retries ran out.
	ErrLockHeld = errors.New("embedis: lock is held by another owner")

	// ErrNotHeld is returned by a Lease's Extend, Release and TTL, and sent
	// by its KeepAlive, when the lease no longer holds its lock: it was
	// released, it expired, or another owner took the lock.
	ErrNotHeld = errors.New("embedis: lock not held")
)

// Errors of Sessions.
var (
	// ErrSessionNotFound is returned by Sessions.Get, Update and Rotate for
	// a token that names no live session: never created, expired (idle or
	// absolute timeout), destroyed, rotated away, or malformed.
	ErrSessionNotFound = errors.New("embedis: session not found")

	// ErrSessionOptions is returned (wrapped, with the offending setting)
	// by NewSessions for options it cannot honour.
	ErrSessionOptions = errors.New("embedis: invalid session options")
)

// Errors of the rate limiter (ratelimit.go).
var (
	// ErrRateLimitOptions is returned (wrapped, naming the field and its
	// value) by NewRateLimiter for options out of range: a Rate, Burst or
	// Period zero or negative, a Period that is not whole milliseconds, a
	// window algorithm's Burst other than 0 or Rate, Rate×Period or
	// Burst×Period above 2^50 ms, a SlidingWindowLog Rate above 2^20, an
	// unknown Algorithm, a nil Backend.
	ErrRateLimitOptions = errors.New("embedis: invalid rate limiter options")
	// ErrRateLimitN is returned (wrapped, with n) by AllowN and WaitN for n
	// below 0 or above the limiter's Limit: a call that could never pass.
	ErrRateLimitN = errors.New("embedis: rate limiter: n out of range")
	// ErrRateLimitDeadline is returned by Wait and WaitN, at once, when the
	// context's deadline comes before the limiter would admit the call; the
	// error matches context.DeadlineExceeded too.
	ErrRateLimitDeadline = errors.New("embedis: rate limiter: the context's deadline comes before admission")
)

// Errors of maxmemory and eviction (evict.go).
var (
	// ErrOOM: a command that may add data, while the accounted memory is
	// over maxmemory and nothing can be evicted (noeviction, or a volatile
	// policy with no key with a deadline).
	ErrOOM = newError("OOM command not allowed when used memory > 'maxmemory'.")
	// ErrEvictionPolicy: an EvictionConfig.Policy that is not one of the
	// eight.
	ErrEvictionPolicy = errors.New("embedis: unknown maxmemory policy")
	// ErrEvictionConfig: an EvictionConfig value out of its range.
	ErrEvictionConfig = errors.New("embedis: eviction setting out of range")
	// ErrLimitsConfig: a Limits value out of its range.
	ErrLimitsConfig = errors.New("embedis: limit out of range")
)

// Errors of publish/subscribe and keyspace notifications (pubsub.go,
// subscription.go, notify.go).
var (
	// ErrSlowSubscriber is a Subscription's Err after its reader fell
	// Options.SubscriptionBuffer messages behind: the subscription stopped
	// receiving (Dropped counts what it missed) and was closed once its
	// reader had taken the messages it held, as Redis disconnects a client
	// over client-output-buffer-limit pubsub.
	ErrSlowSubscriber = errors.New("embedis: subscription closed: its reader fell behind by more than the subscription buffer (Options.SubscriptionBuffer)")
	// ErrSubscriptionBuffer is returned by Open for a negative
	// Options.SubscriptionBuffer.
	ErrSubscriptionBuffer = errors.New("embedis: invalid Options.SubscriptionBuffer: negative")
	// ErrNotifyKeyspaceEvents is returned (wrapped, with the character) by
	// Open and SetNotifyKeyspaceEvents for a class character that is not
	// one of Redis 7.0's "Ag$lshzxeKEtmdn".
	ErrNotifyKeyspaceEvents = errors.New("embedis: invalid notify-keyspace-events class character")
	// ErrSubscriptionClosed is the Err of a Subscription closed by Close.
	ErrSubscriptionClosed = errors.New("embedis: subscription closed")
)

// pubsubArgsError is PUBSUB's error for a subcommand given the wrong
// number of arguments that its arity does not catch.
func pubsubArgsError(sub string) error {
	return ErrArity.forCommand(subcommandArgsText(sub, "PUBSUB"))
}

// Errors of scripting (script.go and package scripting).
var (
	// ErrScriptingNotLinked: a scripting command on a Store of a program that
	// does not import package scripting.
	ErrScriptingNotLinked = newError("ERR scripting is not linked into this program: import github.com/embedis/embedis/scripting")
	// ErrNoScript: EVALSHA of a SHA-1 that is not in the script cache.
	ErrNoScript = newError("NOSCRIPT No matching script. Please use EVAL.")
	// ErrScript is the kind of every error a script fails with (ScriptError
	// makes them, with Redis's text: the message, the script's SHA-1 and
	// line).
	ErrScript = newError("ERR script error")
	// EVAL's numkeys larger than the arguments that follow it is
	// ErrNumKeysArgs.
	// ErrNumKeysNegative: EVAL's numkeys is negative.
	ErrNumKeysNegative = newError("ERR Number of keys can't be negative")
	// ErrNotBusy: SCRIPT KILL or FUNCTION KILL with no script running past
	// busy-reply-threshold.
	ErrNotBusy = newError("NOTBUSY No scripts in execution right now.")
	// ErrBusy: a call while a script run by EVAL has run past
	// busy-reply-threshold (Store.SetBusyReplyThreshold); FUNCTION KILL of
	// such a script.
	ErrBusy = newError("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.")
	// ErrBusyFunction: the same while a function (FCALL) runs; SCRIPT KILL
	// of a function. A form of ErrBusy.
	ErrBusyFunction = newForm(ErrBusy, "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.")
	// ErrUnkillable: SCRIPT KILL or FUNCTION KILL of a script that has
	// already written.
	ErrUnkillable = newError("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
	// ErrScriptKilled: the failure of a script stopped by SCRIPT KILL or
	// FUNCTION KILL (ScriptKilledError adds the script's SHA-1 and line, as
	// Redis).
	ErrScriptKilled = newError("ERR Script killed by user with SCRIPT KILL...")
	// ErrScriptFlushOption: SCRIPT FLUSH with an option other than SYNC or
	// ASYNC.
	ErrScriptFlushOption = newError("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
	// ErrScriptDebugMode: SCRIPT DEBUG with a mode other than YES, SYNC, NO.
	ErrScriptDebugMode = newError("ERR Use SCRIPT DEBUG YES/SYNC/NO")
	// ErrScriptDebug: SCRIPT DEBUG YES or SYNC; the Lua debugger is not built.
	ErrScriptDebug = newError("ERR SCRIPT DEBUG YES and SYNC (the Lua debugger) are not supported by embedis")
)

// ScriptError returns an error with the text of a script's failure, as
// Redis replies it (for example "ERR user_script:1: boom script: <sha>, on
// @user_script:1."): a form of ErrScript. Package scripting makes its
// errors with it.
func ScriptError(text string) error { return ErrScript.forCommand(text) }

// ScriptKilledError returns the error of a script stopped by SCRIPT KILL
// with Redis's text (ErrScriptKilled's, the script's SHA-1 and line): a form
// of ErrScriptKilled. Package scripting makes it.
func ScriptKilledError(text string) error { return ErrScriptKilled.forCommand(text) }

// Errors of the HyperLogLog commands (hll.go).
var (
	// ErrNotHLL: PFADD, PFCOUNT, PFMERGE or PFDEBUG on a string that is not
	// a HyperLogLog (too short, no "HYLL" magic, an unknown encoding, a
	// dense value of the wrong length). A form of ErrWrongType, as Redis
	// replies WRONGTYPE: errors.Is matches both.
	ErrNotHLL = newForm(ErrWrongType, "WRONGTYPE Key is not a valid HyperLogLog string value.")
	// ErrCorruptHLL: a sparse HyperLogLog whose opcodes do not cover its
	// 16,384 registers exactly.
	ErrCorruptHLL = newError("INVALIDOBJ Corrupted HLL object detected")
	// ErrHLLSelfTest: PFSELFTEST found the implementation wrong; the
	// error's text says where.
	ErrHLLSelfTest = newError("ERR TESTFAILED")

	errPFDebugNoKey     = newError("ERR The specified key does not exist")
	errPFDebugNotSparse = newError("ERR HLL encoding is not sparse")
)

// pfDebugUnknown is PFDEBUG's error for a subcommand it does not have.
func pfDebugUnknown(sub string) error {
	return ErrSyntax.forCommand("ERR Unknown PFDEBUG subcommand '" + errorArg(sub) + "'")
}

// hllSelfTestFailed is ErrHLLSelfTest with what failed: internal/hll's
// "TESTFAILED: <what>" as "ERR TESTFAILED: <what>".
func hllSelfTestFailed(err error) error {
	return ErrHLLSelfTest.forCommand(strings.Replace(err.Error(), hll.ErrSelfTest.Error(), ErrHLLSelfTest.msg, 1))
}

// Errors of the stream commands (stream.go).
var (
	// ErrStreamID: an argument that is not a stream ID where one is due.
	ErrStreamID = newError("ERR Invalid stream ID specified as stream command argument")
	// ErrStreamIDTooSmall: XADD with an ID not after the stream's last ID.
	ErrStreamIDTooSmall = newError("ERR The ID specified in XADD is equal or smaller than the target stream top item")
	// ErrStreamIDZero: XADD with the ID 0-0.
	ErrStreamIDZero = newError("ERR The ID specified in XADD must be greater than 0-0")
	// ErrStreamExhausted: XADD to a stream whose last ID is the largest.
	ErrStreamExhausted = newError("ERR The stream has exhausted the last possible ID, unable to add more items")
	// ErrStreamTooLarge: XADD of an entry past a listpack's 1 GB.
	ErrStreamTooLarge = newError("ERR Elements are too large to be stored")

	errStreamMaxLenNegative = newForm(ErrSyntax, "ERR The MAXLEN argument must be >= 0.")
	errStreamLimitNegative  = newForm(ErrSyntax, "ERR The LIMIT argument must be >= 0.")
	errStreamTrimBoth       = newForm(ErrSyntax, "ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
	errStreamLimitNoTrim    = newForm(ErrSyntax, "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
	errStreamLimitExact     = newForm(ErrSyntax, "ERR syntax error, LIMIT cannot be used without the special ~ option")
	errStreamXTrimNoTrim    = newForm(ErrSyntax, "ERR syntax error, XTRIM must be called with a trimming strategy")
	errStreamStartInterval  = newForm(ErrStreamID, "ERR invalid start ID for the interval")
	errStreamEndInterval    = newForm(ErrStreamID, "ERR invalid end ID for the interval")
	errXReadUnbalanced      = newForm(ErrSyntax, "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
	errXReadGroupOption     = newForm(ErrSyntax, "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
	errXReadNoAck           = newForm(ErrSyntax, "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
	errXReadGreater         = newForm(ErrStreamID, "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
	errTimeoutNotInteger    = newForm(ErrNotInteger, "ERR timeout is not an integer or out of range")
	errXSetIDEntriesAdded   = newForm(ErrSyntax, "ERR entries_added must be positive")
	errXSetIDMaxDeleted     = newForm(ErrStreamID, "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
	errXSetIDSmaller        = newForm(ErrStreamID, "ERR The ID specified in XSETID is smaller than the target stream top item")
	errXSetIDEntriesSmaller = newForm(ErrSyntax, "ERR The entries_added specified in XSETID is smaller than the target stream length")
)

// Errors of the bitmap commands (bitmap.go).
var (
	// ErrBitOffset: a bit offset that is not an integer, is negative, or
	// addresses a byte at or past MaxStringLength (SETBIT, GETBIT,
	// BITFIELD).
	ErrBitOffset = newError("ERR bit offset is not an integer or out of range")
	// ErrBitValue: SETBIT's value is not 0 or 1.
	ErrBitValue = newError("ERR bit is not an integer or out of range")
	// ErrBitArg: BITPOS's bit is not 0 or 1.
	ErrBitArg = newError("ERR The bit argument must be 1 or 0.")
	// ErrBitOpNotArgs: BITOP NOT with more than one source key.
	ErrBitOpNotArgs = newError("ERR BITOP NOT must be called with a single source key.")
	// ErrBitFieldType: a BITFIELD type other than i1-i64 or u1-u63.
	ErrBitFieldType = newError("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	// ErrBitFieldOverflow: an OVERFLOW mode other than WRAP, SAT or FAIL.
	ErrBitFieldOverflow = newError("ERR Invalid OVERFLOW type specified")
	// ErrBitFieldRO: BITFIELD_RO with a SET or INCRBY.
	ErrBitFieldRO = newError("ERR BITFIELD_RO only supports the GET subcommand")
)

// Lists (quicklist.go).
var (
	// ErrListMaxListpackSize: SetListMaxListpackSize outside Redis's
	// bounds for list-max-listpack-size, in the error CONFIG SET gives.
	ErrListMaxListpackSize = newError("ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument must be between -2147483648 and 2147483647 inclusive")
)

// Errors of the stream consumer groups (stream_groups.go).
var (
	// ErrNoGroup: a consumer group (or its stream) that does not exist;
	// the texts name the key and the group, as Redis's do.
	ErrNoGroup = newError("NOGROUP No such key or consumer group")
	// ErrBusyGroup: XGROUP CREATE of a group that exists.
	ErrBusyGroup = newError("BUSYGROUP Consumer Group name already exists")

	errXGroupNoKey        = newForm(ErrNoSuchKey, "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
	errEntriesRead        = newForm(ErrSyntax, "ERR value for ENTRIESREAD must be positive or -1")
	errXReadGroupDollar   = newForm(ErrStreamID, "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
	errXReadGroupMissing  = newForm(ErrSyntax, "ERR Missing GROUP option for XREADGROUP")
	errXClaimMinIdle      = newForm(ErrNotInteger, "ERR Invalid min-idle-time argument for XCLAIM")
	errXClaimIdle         = newForm(ErrNotInteger, "ERR Invalid IDLE option argument for XCLAIM")
	errXClaimTime         = newForm(ErrNotInteger, "ERR Invalid TIME option argument for XCLAIM")
	errXClaimRetryCount   = newForm(ErrNotInteger, "ERR Invalid RETRYCOUNT option argument for XCLAIM")
	errXAutoClaimMinIdle  = newForm(ErrNotInteger, "ERR Invalid min-idle-time argument for XAUTOCLAIM")
	errXAutoClaimMemory   = newForm(ErrSyntax, "ERR Insufficient memory, failed allocating transient memory, COUNT too high.")
	errNoGroupBlockedGone = newForm(ErrNoGroup, "NOGROUP the consumer group this client was blocked on no longer exists")
)

// noGroupError is XPENDING's, XCLAIM's and XAUTOCLAIM's NOGROUP text.
func noGroupError(key, group string) error {
	return ErrNoGroup.forCommand("NOGROUP No such key '" + errorArg(key) + "' or consumer group '" + errorArg(group) + "'")
}

// noGroupReadError is XREADGROUP's NOGROUP text.
func noGroupReadError(key, group string) error {
	return ErrNoGroup.forCommand("NOGROUP No such key '" + errorArg(key) + "' or consumer group '" + errorArg(group) + "' in XREADGROUP with GROUP option")
}

// noGroupForKeyError is XGROUP's and XINFO CONSUMERS' NOGROUP text.
func noGroupForKeyError(key, group string) error {
	return ErrNoGroup.forCommand("NOGROUP No such consumer group '" + errorArg(group) + "' for key name '" + errorArg(key) + "'")
}

// xgroupSyntaxError is XGROUP's error for options its subcommand sub does
// not take.
func xgroupSyntaxError(sub string) error {
	return ErrSyntax.forCommand(subcommandArgsText(sub, "XGROUP"))
}

// xclaimOptionError is XCLAIM's text for an option it does not know.
func xclaimOptionError(opt string) error {
	return ErrSyntax.forCommand("ERR Unrecognized XCLAIM option '" + errorArg(opt) + "'")
}

// Errors of client-side caching (tracking.go): CLIENT TRACKING and CLIENT
// CACHING, as Redis 7.0 words them.
var (
	// ErrTrackingPrefixNoBCast: PREFIX without BCAST.
	ErrTrackingPrefixNoBCast = newError("ERR PREFIX option requires BCAST mode to be enabled")
	// ErrTrackingBCastSwitch: BCAST turned on or off on a tracker that is on.
	ErrTrackingBCastSwitch = newError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
	// ErrTrackingOptBCast: OPTIN or OPTOUT with BCAST.
	ErrTrackingOptBCast = newError("ERR OPTIN and OPTOUT are not compatible with BCAST")
	// ErrTrackingOptInOut: OPTIN and OPTOUT together.
	ErrTrackingOptInOut = newError("ERR You can't specify both OPTIN mode and OPTOUT mode")
	// ErrTrackingOptSwitch: OPTIN on a tracker on in OPTOUT mode, or the
	// reverse.
	ErrTrackingOptSwitch = newError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
	// ErrTrackingPrefixOverlap: two BCAST prefixes of one tracker overlap
	// (one is a prefix of the other). Its forms name the prefixes.
	ErrTrackingPrefixOverlap = newError("ERR Prefixes for a single client must not overlap.")
	// ErrTrackingOverlapApplied: with TrackingOptions.OverlapQuirk, the
	// overlap among the new prefixes that Redis 7.0 reports and then applies
	// anyway; the tracker is on with every prefix given. Its forms carry
	// Redis's text for the overlap.
	ErrTrackingOverlapApplied = newError("ERR Prefixes for a single client must not overlap (applied as Redis 7.0 does).")
	// ErrTrackingCachingOff: CLIENT CACHING on a tracker that is off.
	ErrTrackingCachingOff = newError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
	// ErrTrackingCachingYes: CLIENT CACHING YES outside OPTIN mode.
	ErrTrackingCachingYes = newError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
	// ErrTrackingCachingNo: CLIENT CACHING NO outside OPTOUT mode.
	ErrTrackingCachingNo = newError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
	// ErrTrackingMaxKeys: a negative tracking-table-max-keys.
	ErrTrackingMaxKeys = newError("ERR tracking-table-max-keys must be between 0 and 9223372036854775807")
	// ErrTrackingOptGo: Store.Track with OptIn or OptOut (a Tracking's
	// Atomic says which reads are remembered).
	ErrTrackingOptGo = newError("ERR OPTIN and OPTOUT are not available to a Tracking: remember reads with its Atomic")
)

// trackingOverlapError is ErrTrackingPrefixOverlap naming the prefixes:
// p overlaps q, one of the tracker's (existing) or another given.
func trackingOverlapError(p, q string, existing, applied bool) error {
	which := "another provided"
	if existing {
		which = "an existing"
	}
	kind := ErrTrackingPrefixOverlap
	if applied {
		kind = ErrTrackingOverlapApplied
	}
	return newForm(kind, "ERR Prefix '"+cString(p)+"' overlaps with "+which+" prefix '"+cString(q)+"'. Prefixes for a single client must not overlap.")
}

// Errors of Redis 7.0 functions (function.go, function_commands.go and
// package scripting's library loader).
var (
	// ErrFunctionNoMetadata: FUNCTION LOAD of code without a shebang line.
	ErrFunctionNoMetadata = newError("ERR Missing library metadata")
	// ErrFunctionBadMetadata: a shebang line without an end, or that does
	// not split (unbalanced quotes).
	ErrFunctionBadMetadata = newError("ERR Invalid library metadata")
	// ErrFunctionMetadataValue: a shebang argument other than name=; its
	// forms name it.
	ErrFunctionMetadataValue = newError("ERR Invalid metadata value given")
	// ErrFunctionNameTwice: a shebang with two name= arguments.
	ErrFunctionNameTwice = newError("ERR Invalid metadata value, name argument was given multiple times")
	// ErrFunctionNoName: a shebang without name=.
	ErrFunctionNoName = newError("ERR Library name was not given")
	// ErrLibraryName: a library name that is not letters, digits and
	// underscores. Redis 7.0 words a bad function name so too (a form of
	// ErrFunctionLoad).
	ErrLibraryName = newError("ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
	// ErrFunctionEngine: a shebang naming an engine other than lua; its
	// forms name it.
	ErrFunctionEngine = newError("ERR Engine not found")
	// ErrLibraryExists: FUNCTION LOAD without REPLACE, or FUNCTION RESTORE
	// APPEND, of a library that exists; its forms name it.
	ErrLibraryExists = newError("ERR Library already exists")
	// ErrNoFunctions: a library that registers no function.
	ErrNoFunctions = newError("ERR No functions registered")
	// ErrFunctionExists: a library registering a function that another
	// library has; its forms name it.
	ErrFunctionExists = newError("ERR Function already exists")
	// ErrFunctionLoad is the kind of the errors of a library's code as it
	// loads ("Error compiling function: …", "Error registering functions:
	// …"): FunctionLoadError makes them.
	ErrFunctionLoad = newError("ERR Error registering functions")
	// ErrLibraryNotFound: FUNCTION DELETE of a library that does not exist.
	ErrLibraryNotFound = newError("ERR Library not found")
	// ErrNotFunctionPayload: FUNCTION RESTORE of a payload holding
	// something else than libraries.
	ErrNotFunctionPayload = newError("ERR given type is not a function")
	// ErrFunctionPayloadLoad: FUNCTION RESTORE of a payload whose library
	// record cannot be read.
	ErrFunctionPayloadLoad = newError("ERR Failed loading library payload")
	// ErrFunctionNotFound: FCALL of a function no library registered.
	ErrFunctionNotFound = newError("ERR Function not found")
	// ErrFunctionWriteFlag: FCALL_RO of a function without the no-writes
	// flag.
	ErrFunctionWriteFlag = newError("ERR Can not execute a script with write flag using *_ro command.")
	// ErrFunctionNumKeys: FCALL's numkeys is not an integer.
	ErrFunctionNumKeys = newError("ERR Bad number of keys provided")
	// ErrFunctionRestorePolicy: FUNCTION RESTORE with a policy other than
	// APPEND, REPLACE or FLUSH.
	ErrFunctionRestorePolicy = newError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
	// ErrFunctionFlushOption: FUNCTION FLUSH with an option other than
	// SYNC or ASYNC.
	ErrFunctionFlushOption = newError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
	// ErrFunctionOption: FUNCTION LOAD with an option other than REPLACE;
	// its forms name it.
	ErrFunctionOption = newError("ERR Unknown option given")
	// ErrFunctionListArg: FUNCTION LIST with an argument it does not
	// take; its forms name it.
	ErrFunctionListArg = newError("ERR Unknown argument")
	// ErrFunctionListNoName: FUNCTION LIST LIBRARYNAME without a pattern.
	ErrFunctionListNoName = newError("ERR library name argument was not given")
	// ErrFunctionFromScript: FUNCTION called from a script (Redis flags its
	// subcommands noscript).
	ErrFunctionFromScript = newError("ERR This Redis command is not allowed from script")
)

// FunctionLoadError returns the error of a library's code that fails to
// load, with Redis's text: a form of ErrFunctionLoad. Package scripting
// makes its errors with it.
func FunctionLoadError(text string) error { return ErrFunctionLoad.forCommand(text) }

func functionMetadataError(arg string) error {
	return ErrFunctionMetadataValue.forCommand("ERR Invalid metadata value given: " + errorArg(arg))
}

func engineNotFoundError(engine string) error {
	return ErrFunctionEngine.forCommand("ERR Engine '" + errorArg(engine) + "' not found")
}

func libraryExistsError(name string) error {
	return ErrLibraryExists.forCommand("ERR Library '" + name + "' already exists")
}

// restoreLibraryExistsError is FUNCTION RESTORE's wording, without quotes.
func restoreLibraryExistsError(name string) error {
	return ErrLibraryExists.forCommand("ERR Library " + name + " already exists")
}

func functionExistsError(name string) error {
	return ErrFunctionExists.forCommand("ERR Function " + errorArg(name) + " already exists")
}

func functionOptionError(arg string) error {
	return ErrFunctionOption.forCommand("ERR Unknown option given: " + errorArg(arg))
}

func functionListArgError(arg string) error {
	return ErrFunctionListArg.forCommand("ERR Unknown argument " + errorArg(arg))
}

// functionArgsError is FUNCTION's error for a subcommand given more
// arguments than it takes (FLUSH, RESTORE).
func functionArgsError(sub string) error {
	return ErrSyntax.forCommand(subcommandArgsText(sub, "FUNCTION"))
}

// Errors of the stream worker (worker.go).
var (
	// ErrStreamWorkerArg is returned (wrapped, with the offending value) by
	// NewStreamWorker for an invalid name or options, and by
	// StreamWorker.Add for a bad stream name or values.
	ErrStreamWorkerArg = errors.New("embedis: invalid stream worker argument")
	// ErrStreamWorkerPanic is wrapped by the error a StreamWorker reports
	// (StreamWorkerOptions.OnError) for a handler that panicked; the entry
	// is left pending, as for a handler's error.
	ErrStreamWorkerPanic = errors.New("embedis: stream handler panicked")
	// ErrStreamWorkerStarted is returned by StreamWorker.Run on a worker
	// that was already run: a worker runs once.
	ErrStreamWorkerStarted = errors.New("embedis: stream worker already started")
)
