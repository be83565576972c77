package resp

import (
	"bytes"
	"io"
	"math"
	"strings"
)

// Default limits, as in Redis 7.0.
const (
	// DefaultMaxBulkLen is Redis's default proto-max-bulk-len, 512 MB.
	DefaultMaxBulkLen = 512 << 20
	// DefaultMaxMultibulk is the largest multibulk count Redis 7.0
	// accepts: INT_MAX. (Redis 6.2 and older refused counts above
	// 1024*1024; 7.0 does not.)
	DefaultMaxMultibulk = math.MaxInt32
	// DefaultMaxInline is Redis's PROTO_INLINE_MAX_SIZE, 64 KB: the longest
	// inline request, multibulk count line or bulk length line.
	DefaultMaxInline = 64 * 1024
)

const (
	// bufSize is the size a Reader's buffer starts with and shrinks back to.
	bufSize = 16 * 1024
	// packLimit is the largest total size of a command's arguments that
	// share one allocation.
	packLimit = 1024
	// fastMaxArgs is the most arguments a command may have to be parsed by
	// the fast path.
	fastMaxArgs = 1024
	// nameCacheLen is the longest first argument remembered for reuse.
	nameCacheLen = 32
	// maxEmptyReads is how many reads returning no data and no error in a
	// row make ReadCommand give up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Limits bounds what a Reader accepts. A zero (or negative) field means
// its default.
type Limits struct {
	// MaxBulkLen is the longest bulk argument (Redis's proto-max-bulk-len);
	// default DefaultMaxBulkLen. A longer one is "invalid bulk length".
	MaxBulkLen int64
	// MaxMultibulk is the most arguments of a multibulk request; default
	// DefaultMaxMultibulk. More is "invalid multibulk length".
	MaxMultibulk int
	// MaxInline is the longest inline request and the longest count line;
	// default DefaultMaxInline. A line that has not ended within
	// MaxInline+1 bytes is "too big inline request", "too big mbulk count
	// string" or "too big bulk count string".
	MaxInline int
}

// ProtocolError is a request that breaks the protocol. Redis replies to it
// with "-ERR " followed by the error's text and closes the connection.
type ProtocolError struct {
	// Msg is Redis's whole text, such as
	// "Protocol error: invalid multibulk length".
	Msg string
}

// Error returns Redis's text of the error, without the "ERR " prefix that
// goes on the wire.
func (e *ProtocolError) Error() string { return e.Msg }

func protocolError(msg string) error { return &ProtocolError{Msg: "Protocol error: " + msg} }

// Reader reads client requests from an io.Reader through its own buffer,
// which starts at 16 KB, grows as the data of a long request arrives and
// shrinks back once the reader is idle between requests.
//
// Each command gets a slice of its own, which the caller may keep (the
// commands of a batch do not overwrite each other), and its arguments are
// immutable strings that the caller may keep too. To allocate at most once
// per argument, the arguments of a command whose arguments total at most
// 1 KB share one allocation, and a command name that repeats the previous
// command's is the same string. A Reader is not safe for concurrent use.
type Reader struct {
	rd  io.Reader
	lim Limits
	buf []byte
	r   int // unread input is buf[r:w]
	w   int

	err  error // sticky: a *ProtocolError, io.EOF or io.ErrUnexpectedEOF
	rerr error // an error rd returned with data, reported by the next fill
	need int   // bytes from r that the parser waits for; 0 if unknown

	// State of the search for the end of the line that starts at r: the
	// first scanned bytes hold neither the terminator nor a NUL; if nul
	// is set, a NUL came first and the line never ends.
	scanned int
	nul     bool

	// A multibulk request in progress.
	pending int      // bulk arguments still to read; 0 at a request boundary
	bulk    int      // length of the next bulk argument; -1 before its header
	args    []string // arguments read so far

	name  string // the last first argument, shared by commands that repeat it
	spans []int  // fast path: offset and length of each argument
	tmp   []byte // inline requests: the decoded arguments
	ends  []int  // inline requests: where each argument ends in tmp

	// arena holds the argument slices of the fast path once the caller has
	// called RecycleArgs: they are carved from it instead of allocated.
	arena    []string
	useArena bool

	// unauth applies Redis's limits for clients that have not yet
	// authenticated: at most 10 arguments, each at most 16 KB.
	unauth bool
	// bulkLimit, if set, is MaxBulkLen's source (FollowMaxBulkLen).
	bulkLimit func() int64
}

// Limits for a client that must still authenticate, as Redis 7.0 applies
// them when requirepass is set.
const (
	unauthMaxMultibulk = 10
	unauthMaxBulkLen   = 16384
)

// SetUnauthenticated turns on (or off) Redis's protocol limits for a client
// that has not authenticated yet: a request of more than 10 arguments is
// "Protocol error: unauthenticated multibulk length", an argument over 16 KB
// "Protocol error: unauthenticated bulk length". The server sets it while
// AUTH is required.
func (r *Reader) SetUnauthenticated(on bool) { r.unauth = on }

// RecycleArgs tells the reader that the caller no longer uses the argument
// slices ReadCommand returned so far (the strings in them stay valid and may
// be kept): their memory is reused for the next requests. A server calls it
// before reading each batch, and copies the slices it keeps (MULTI's queue).
func (r *Reader) RecycleArgs() {
	clear(r.arena)
	r.arena = r.arena[:0]
	r.useArena = true
}

// argSlice returns a slice for n arguments: from the arena if the caller
// recycles them, else newly allocated.
func (r *Reader) argSlice(n int) []string {
	if !r.useArena {
		return make([]string, n)
	}
	if len(r.arena)+n > cap(r.arena) {
		r.arena = make([]string, 0, max(256, 2*cap(r.arena), n))
	}
	i := len(r.arena)
	r.arena = r.arena[:i+n]
	return r.arena[i : i+n : i+n]
}

// NewReader returns a Reader of requests from rd within lim; zero fields
// of lim mean the defaults.
func NewReader(rd io.Reader, lim Limits) *Reader {
	lim.MaxBulkLen = maxBulkLen(lim.MaxBulkLen)
	if lim.MaxMultibulk <= 0 {
		lim.MaxMultibulk = DefaultMaxMultibulk
	}
	if lim.MaxInline <= 0 {
		lim.MaxInline = DefaultMaxInline
	}
	if lim.MaxInline > math.MaxInt32 {
		lim.MaxInline = math.MaxInt32
	}
	return &Reader{rd: rd, lim: lim, buf: make([]byte, bufSize), bulk: -1}
}

// maxBulkLen is n as a limit: the default for 0 or less, at most what an
// int can index.
func maxBulkLen(n int64) int64 {
	if n <= 0 {
		return DefaultMaxBulkLen
	}
	return min(n, math.MaxInt-2)
}

// FollowMaxBulkLen makes Limits.MaxBulkLen follow f: the reader calls it
// after every read from the underlying reader, so an argument is checked
// against the limit as it is when its length arrives (0 or less means the
// default), as Redis checks proto-max-bulk-len for every client, idle
// ones included, from the moment it changes.
func (r *Reader) FollowMaxBulkLen(f func() int64) {
	r.bulkLimit = f
	r.lim.MaxBulkLen = maxBulkLen(f())
}

// ReadCommand returns the arguments of the next request, reading from the
// underlying reader until one is complete. Requests without arguments (an
// empty inline line, *0 or a negative multibulk count) are skipped, as
// Redis does.
//
// A request that breaks the protocol returns a *ProtocolError; the reader
// is unusable afterwards and returns the same error again. io.EOF at a
// request boundary returns io.EOF, in the middle of a request
// io.ErrUnexpectedEOF; both are sticky too. Other errors of the underlying
// reader are returned as they are and the request in progress is kept, so
// a call after a timeout resumes it.
func (r *Reader) ReadCommand() ([]string, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		if r.pending == 0 {
			if args := r.fast(); args != nil {
				return args, nil
			}
		}
		args, skip, err := r.parse()
		if err != nil {
			r.err = err
			r.args = nil
			return nil, err
		}
		if args != nil {
			return args, nil
		}
		if skip {
			continue
		}
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}

// Buffered reports whether ReadCommand will return without reading from
// the underlying reader: another complete request (or a protocol error) is
// already buffered. The server hands off the commands of a batch while
// Buffered is true. Buffered requests that hold no command, such as empty
// lines, are consumed and do not count, so that a server never waits for
// input while replies are held back.
func (r *Reader) Buffered() bool {
	if r.err != nil || r.rerr != nil {
		return true
	}
	if r.pending != 0 {
		return false
	}
	for {
		st, n := r.scan(r.buf[r.r:r.w])
		switch st {
		case scanMore:
			return false
		case scanSkip:
			r.consume(n)
		default:
			return true
		}
	}
}

// consume drops n bytes of unread input.
func (r *Reader) consume(n int) {
	r.r += n
	r.scanned = 0
	r.nul = false
}

// fill reads more input into the buffer: after sliding the unread bytes to
// its start, and growing it if it is full, by doubling up to what the
// parser waits for.
func (r *Reader) fill() error {
	if r.rerr != nil {
		err := r.rerr
		r.rerr = nil
		return r.readError(err)
	}
	if r.pending == 0 && len(r.buf) > bufSize && r.w-r.r <= bufSize/2 {
		// Between requests: give back the memory of a long request.
		buf := make([]byte, bufSize)
		r.w = copy(buf, r.buf[r.r:r.w])
		r.r = 0
		r.buf = buf
	} else if r.r > 0 {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	if r.w == len(r.buf) {
		n := 2 * len(r.buf)
		if r.need > len(r.buf) && r.need < n {
			n = r.need
		}
		buf := make([]byte, n)
		copy(buf, r.buf[:r.w])
		r.buf = buf
	}
	for i := 0; i < maxEmptyReads; i++ {
		n, err := r.rd.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			panic("resp: reader returned an invalid count")
		}
		if r.bulkLimit != nil {
			r.lim.MaxBulkLen = maxBulkLen(r.bulkLimit())
		}
		r.w += n
		if err != nil {
			if n > 0 {
				r.rerr = err
				return nil
			}
			return r.readError(err)
		}
		if n > 0 {
			return nil
		}
	}
	return io.ErrNoProgress
}

// readError turns io.EOF into the sticky io.EOF or io.ErrUnexpectedEOF.
func (r *Reader) readError(err error) error {
	if err != io.EOF {
		return err
	}
	if r.pending == 0 && r.r == r.w {
		r.err = io.EOF
	} else {
		r.err = io.ErrUnexpectedEOF
	}
	return r.err
}

// fast parses a multibulk request that is entirely buffered and valid,
// with short count and length lines, and returns its arguments; anything
// else returns nil and is left to parse. Arguments that total at most
// packLimit bytes share one allocation.
func (r *Reader) fast() []string {
	b := r.buf[r.r:r.w]
	if len(b) < 4 || b[0] != '*' || b[1] < '1' || b[1] > '9' {
		return nil
	}
	n, p := 0, 1
	for ; p < len(b) && p < 6; p++ {
		c := b[p]
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	if p >= len(b) || b[p] != '\r' || n > fastMaxArgs || n > r.lim.MaxMultibulk || (r.unauth && n > unauthMaxMultibulk) {
		return nil
	}
	p += 2
	spans := r.spans[:0]
	total := 0
	for k := 0; k < n; k++ {
		if p >= len(b) || b[p] != '$' {
			return nil
		}
		p++
		l, q := 0, p
		for ; q < len(b) && q-p < 9; q++ {
			c := b[q]
			if c < '0' || c > '9' {
				break
			}
			l = l*10 + int(c-'0')
		}
		if q == p || q >= len(b) || b[q] != '\r' || (b[p] == '0' && q > p+1) || int64(l) > r.lim.MaxBulkLen || (r.unauth && l > unauthMaxBulkLen) {
			return nil
		}
		p = q + 2
		if p+l+2 > len(b) {
			return nil
		}
		spans = append(spans, p, l)
		total += l
		p += l + 2
	}
	r.spans = spans

	args := r.argSlice(n)
	first := 0
	if l := spans[1]; l <= nameCacheLen && string(b[spans[0]:spans[0]+l]) == r.name {
		args[0] = r.name
		first = 1
		total -= l
	}
	if total <= packLimit {
		var sb strings.Builder
		sb.Grow(total)
		for k := first; k < n; k++ {
			off := spans[2*k]
			sb.Write(b[off : off+spans[2*k+1]])
		}
		s := sb.String()
		pos := 0
		for k := first; k < n; k++ {
			l := spans[2*k+1]
			args[k] = s[pos : pos+l]
			pos += l
		}
	} else {
		for k := first; k < n; k++ {
			off := spans[2*k]
			args[k] = string(b[off : off+spans[2*k+1]])
		}
	}
	if first == 0 && len(args[0]) <= nameCacheLen {
		r.name = args[0]
	}
	if cap(spans) > 64 {
		r.spans = nil // keep no big scratch for a rare long command
	}
	r.consume(p)
	return args
}

// parse consumes what it can of the buffered input, from a request
// boundary or within the multibulk request in progress. It returns the
// arguments of a completed command, or skip for a consumed request without
// a command, or neither when it needs more input.
func (r *Reader) parse() (args []string, skip bool, err error) {
	r.need = 0
	if r.pending == 0 {
		if r.r == r.w {
			return nil, false, nil
		}
		if r.buf[r.r] != '*' {
			return r.inline()
		}
		i, tooBig := r.line('\r')
		if i < 0 {
			if tooBig {
				return nil, false, protocolError("too big mbulk count string")
			}
			return nil, false, nil
		}
		if r.w-r.r < i+2 {
			return nil, false, nil // Redis skips the byte after '\r' unseen
		}
		n, ok := parseInt(r.buf[r.r+1 : r.r+i])
		if !ok || n > int64(r.lim.MaxMultibulk) {
			return nil, false, protocolError("invalid multibulk length")
		}
		if r.unauth && n > unauthMaxMultibulk {
			return nil, false, protocolError("unauthenticated multibulk length")
		}
		r.consume(i + 2)
		if n <= 0 {
			return nil, true, nil
		}
		r.pending = int(n)
		r.bulk = -1
		r.args = make([]string, 0, min(r.pending, 1024))
	}
	for r.pending > 0 {
		if r.bulk < 0 {
			i, tooBig := r.line('\r')
			if i < 0 {
				if tooBig {
					return nil, false, protocolError("too big bulk count string")
				}
				return nil, false, nil
			}
			if r.w-r.r < i+2 {
				return nil, false, nil
			}
			if c := r.buf[r.r]; c != '$' {
				if c == '\r' || c == '\n' {
					c = ' ' // Redis turns newlines in error texts into spaces
				}
				return nil, false, protocolError("expected '$', got '" + string([]byte{c}) + "'")
			}
			n, ok := parseInt(r.buf[r.r+1 : r.r+i])
			if !ok || n < 0 || n > r.lim.MaxBulkLen {
				return nil, false, protocolError("invalid bulk length")
			}
			if r.unauth && n > unauthMaxBulkLen {
				return nil, false, protocolError("unauthenticated bulk length")
			}
			r.consume(i + 2)
			r.bulk = int(n)
		}
		if r.w-r.r < r.bulk+2 {
			r.need = r.bulk + 2
			return nil, false, nil
		}
		b := r.buf[r.r : r.r+r.bulk]
		if len(r.args) == 0 && len(b) <= nameCacheLen && string(b) == r.name {
			r.args = append(r.args, r.name)
		} else {
			r.args = append(r.args, string(b))
		}
		r.consume(r.bulk + 2) // Redis skips the two bytes after the data unseen
		r.bulk = -1
		r.pending--
	}
	args, r.args = r.args, nil
	return args, false, nil
}

// inline parses an inline request: a line ended by "\n" or "\r\n", split
// into arguments as Redis's sdssplitargs does.
func (r *Reader) inline() (args []string, skip bool, err error) {
	i, tooBig := r.line('\n')
	if i < 0 {
		if tooBig {
			return nil, false, protocolError("too big inline request")
		}
		return nil, false, nil
	}
	line := r.buf[r.r : r.r+i]
	if i > 0 && line[i-1] == '\r' {
		line = line[:i-1]
	}
	tmp, ends, ok := splitArgs(line, r.tmp[:0], r.ends[:0])
	r.consume(i + 1)
	if !ok {
		return nil, false, protocolError("unbalanced quotes in request")
	}
	if len(ends) == 0 {
		return nil, true, nil
	}
	args = make([]string, len(ends))
	if len(tmp) <= packLimit {
		s := string(tmp)
		start := 0
		for k, e := range ends {
			args[k] = s[start:e]
			start = e
		}
	} else {
		start := 0
		for k, e := range ends {
			args[k] = string(tmp[start:e])
			start = e
		}
	}
	if cap(tmp) > 4*packLimit {
		tmp = nil
	}
	r.tmp, r.ends = tmp, ends[:0]
	return args, false, nil
}

// line finds the end of the line that starts at r.r as Redis does with
// strchr: the first byte term, unless a NUL comes before it. It returns
// the offset of term from r.r, or -1 and whether the line can no longer end
// within the limit: MaxInline+1 bytes are buffered and hold no end. The
// search resumes where the previous call for the same line stopped.
func (r *Reader) line(term byte) (int, bool) {
	avail := r.w - r.r
	limit := r.lim.MaxInline + 1
	if !r.nul {
		end := min(avail, limit)
		if r.scanned < end {
			seg := r.buf[r.r+r.scanned : r.r+end]
			i := bytes.IndexByte(seg, term)
			if i >= 0 {
				seg = seg[:i]
			}
			switch {
			case bytes.IndexByte(seg, 0) >= 0:
				r.nul = true
			case i >= 0:
				r.scanned += i
				return r.scanned, false
			default:
				r.scanned = end
			}
		}
	}
	return -1, avail >= limit
}

// findLine is line without the resumed search, for scan.
func findLine(b []byte, term byte, limit int) (int, bool) {
	seg := b[:min(len(b), limit)]
	i := bytes.IndexByte(seg, term)
	if i >= 0 && bytes.IndexByte(seg[:i], 0) < 0 {
		return i, false
	}
	return -1, len(b) >= limit
}

// Results of scan.
const (
	scanMore = iota // the request is incomplete
	scanSkip        // a request without a command
	scanDone        // a complete command, or a protocol error
)

// scan tells, without consuming or allocating, whether b starts with a
// complete request, and for one without a command its length.
func (r *Reader) scan(b []byte) (int, int) {
	if len(b) == 0 {
		return scanMore, 0
	}
	limit := r.lim.MaxInline + 1
	if b[0] != '*' {
		i, tooBig := findLine(b, '\n', limit)
		if i < 0 {
			if tooBig {
				return scanDone, 0
			}
			return scanMore, 0
		}
		for _, c := range b[:i] {
			if !isSpace(c) {
				return scanDone, 0
			}
		}
		return scanSkip, i + 1
	}
	i, tooBig := findLine(b, '\r', limit)
	if i < 0 {
		if tooBig {
			return scanDone, 0
		}
		return scanMore, 0
	}
	if len(b) < i+2 {
		return scanMore, 0
	}
	n, ok := parseInt(b[1:i])
	if !ok || n > int64(r.lim.MaxMultibulk) {
		return scanDone, 0
	}
	if n <= 0 {
		return scanSkip, i + 2
	}
	p := i + 2
	for ; n > 0; n-- {
		h := b[p:]
		j, tooBig := findLine(h, '\r', limit)
		if j < 0 {
			if tooBig {
				return scanDone, 0
			}
			return scanMore, 0
		}
		if len(h) < j+2 {
			return scanMore, 0
		}
		if h[0] != '$' {
			return scanDone, 0
		}
		l, ok := parseInt(h[1:j])
		if !ok || l < 0 || l > r.lim.MaxBulkLen {
			return scanDone, 0
		}
		p += j + 2
		if int64(len(b)-p) < l+2 {
			return scanMore, 0
		}
		p += int(l) + 2
	}
	return scanDone, 0
}

// parseInt parses a decimal integer with Redis's string2ll rules: no sign
// but an optional '-', no leading zeros, no "-0", at most 20 bytes, and no
// overflow of int64.
func parseInt(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	if len(b) == 1 && b[0] == '0' {
		return 0, true
	}
	i := 0
	neg := b[0] == '-'
	if neg {
		i = 1
	}
	if i == len(b) || b[i] < '1' || b[i] > '9' {
		return 0, false
	}
	var v uint64
	for ; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-9)/10 && (v > math.MaxUint64/10 || v*10 > math.MaxUint64-uint64(c-'0')) {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return int64(-v), true
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
