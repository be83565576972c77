package embedis

import "errors"

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

func newError(msg string) *Error { return &Error{msg: msg} }

// withCommand returns the form of sentinel e whose text names the command, as
// Redis does: the sentinel's text must contain "%s" exactly once.
func (e *Error) forCommand(text string) *Error { return &Error{msg: text, kind: e} }

// Sentinel errors. Each carries Redis 7.0's exact error text.
var (
	// ErrNotFound is returned by commands that reply with a single value when
	// there is no value: the key (or field) does not exist. Redis replies nil.
	ErrNotFound = errors.New("embedis: not found")

	// ErrClosed is returned by every call on a Store after Close. After a
	// command panicked, calls return a *PanicError, which matches ErrClosed.
	ErrClosed = errors.New("embedis: store is closed")

	// ErrReentrant is returned by a call on a Store made from inside one of
	// that store's own Atomic closures, which holds the owner role the call
	// would wait for: the closure must use its Tx instead.
	ErrReentrant = errors.New("embedis: Store called from inside its own Atomic closure; use the closure's Tx")

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
	// ErrDBIndex: a database number outside 0..15.
	ErrDBIndex = newError("ERR DB index is out of range")
	// ErrSameObject: reserved for commands where source and destination must differ.
	ErrSameObject = newError("ERR source and destination objects are the same")
	// ErrExpireOptions: NX together with XX, GT or LT on an EXPIRE command.
	ErrExpireOptions = newError("ERR NX and XX, GT or LT options at the same time are not compatible")
	// ErrGTAndLT: GT together with LT.
	ErrGTAndLT = newError("ERR GT and LT options at the same time are not compatible")
	// ErrInvalidCursor: a SCAN cursor that is not an unsigned integer.
	ErrInvalidCursor = newError("ERR invalid cursor")
)

// ErrArity: a command given the wrong number of arguments. The text names
// the command, e.g. "ERR wrong number of arguments for 'mset' command".
var ErrArity = newError("ERR wrong number of arguments")

// ArityError returns Redis's error for a command given the wrong number of
// arguments; cmd is the command's name as Redis prints it (e.g. "get" or
// "client|setname").
func ArityError(cmd string) error {
	return ErrArity.forCommand("ERR wrong number of arguments for '" + cmd + "' command")
}

func invalidExpire(cmd string) error {
	return ErrInvalidExpire.forCommand("ERR invalid expire time in '" + cmd + "' command")
}
