package embedis

import (
	"unsafe"

	"github.com/embedis/embedis/internal/memsize"
	"math"
	"strconv"
	"strings"

	"github.com/embedis/embedis/internal/number"
	"github.com/embedis/embedis/internal/stream"
)

// Streams: XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XREAD (BLOCK
// included), XSETID and XINFO STREAM, as Redis 7.0. The entries live in
// internal/stream, in Redis's own nodes (listpacks of up to 100 entries),
// so that approximate trims ("~", which remove whole nodes) remove what
// redis-server removes. Consumer groups (XGROUP, XREADGROUP, XACK, XPENDING,
// XCLAIM, XAUTOCLAIM, XINFO GROUPS and CONSUMERS) are in stream_groups.go.
//
// Unlike the other types, a stream is not deleted when its last entry goes:
// an empty stream keeps its last ID, as in Redis.
//
// IDs are "<ms>-<seq>" strings in the Go API, as go-redis has them; an ID
// argument is parsed as Redis parses it (a missing sequence is 0 at the
// start of a range and the largest at its end; "-" and "+" are the
// smallest and largest IDs where a range is asked for).

// streamValue is a Redis stream.
type streamValue struct {
	objMeta
	s *stream.Stream
}

func (v *streamValue) memUsage() int64 {
	return memsize.Alloc(int(unsafe.Sizeof(*v))) + memsize.Alloc(int(unsafe.Sizeof(*v.s))) + v.s.MemUsage()
}

func (*streamValue) typeName() string { return "stream" }

func (v *streamValue) clone() value { return &streamValue{s: v.s.Clone()} }

// dump lists the entries and the counters.
func (v *streamValue) dump() string {
	var b strings.Builder
	b.WriteString("stream{last " + v.s.LastID.String() + " maxdel " + v.s.MaxDeletedID.String() +
		" added " + strconv.FormatInt(v.s.EntriesAdded, 10) + " nodes " + strconv.Itoa(v.s.Nodes()))
	v.s.Range(stream.ID{}, stream.MaxID, false, func(e stream.Entry) bool {
		b.WriteString(" " + e.ID.String() + ":")
		for _, f := range e.Fields {
			b.WriteString(" " + strconv.Quote(f))
		}
		return true
	})
	for _, g := range v.s.Groups() {
		b.WriteString(" group " + strconv.Quote(g.Name) + " last " + g.LastID.String() + " read " + strconv.FormatInt(g.EntriesRead, 10))
		for cur := g.Seek(stream.ID{}); cur.Valid(); cur = cur.Next() {
			p := cur.Pending()
			b.WriteString(" pel " + p.ID.String() + " " + strconv.Quote(p.Consumer.Name) + " " + strconv.FormatInt(p.DeliveryTime, 10) + " " + strconv.FormatInt(p.DeliveryCount, 10))
		}
		for _, c := range g.Consumers() {
			b.WriteString(" consumer " + strconv.Quote(c.Name) + " " + strconv.FormatInt(c.PendingLen(), 10))
		}
	}
	b.WriteString("}")
	return b.String()
}

func (tx *Tx) readStream(key string) (*streamValue, error) {
	return keyAs[*streamValue](tx.lookupRead(key))
}

func (tx *Tx) writeStream(key string) (*streamValue, error) {
	return keyAs[*streamValue](tx.lookupWrite(key))
}

// XMessage is one stream entry: its ID and its fields and values,
// alternating, in the order they were added (a field may repeat, as Redis
// allows).
type XMessage struct {
	ID     string
	Values []string
}

// Map returns the entry's fields and values as a map (a repeated field
// keeps its last value).
func (m XMessage) Map() map[string]string {
	out := make(map[string]string, len(m.Values)/2)
	for i := 0; i+1 < len(m.Values); i += 2 {
		out[m.Values[i]] = m.Values[i+1]
	}
	return out
}

func toXMessage(e stream.Entry) XMessage { return XMessage{ID: e.ID.String(), Values: e.Fields} }

// XStream is the entries XREAD returns for one stream.
type XStream struct {
	Stream   string
	Messages []XMessage
}

// XAddArgs are XADD's arguments, as go-redis names them.
type XAddArgs struct {
	Stream string
	// NoMkStream leaves a missing stream missing (XAdd returns ErrNotFound).
	NoMkStream bool
	// MaxLen, if above 0, trims the stream to that many entries after the
	// addition (MAXLEN); MinID, if set, trims the entries before that ID
	// (MINID). At most one of them may be set.
	MaxLen int64
	MinID  string
	// Approx trims whole nodes only ("~"): cheaper, and may leave a few
	// entries more. Limit, with Approx, bounds the entries one trim removes
	// (0: Redis's default, 10,000).
	Approx bool
	Limit  int64
	// ID is the new entry's ID: "" or "*" to generate one from the store's
	// clock, "<ms>-*" for the next sequence of that millisecond, or
	// "<ms>-<seq>".
	ID string
	// Values are the entry's fields and values, alternating: at least one
	// pair.
	Values []string
}

// trimArgs are XADD's and XTRIM's trimming options.
type trimArgs struct {
	strategy   byte // 0 none, 'M' MAXLEN, 'I' MINID
	approx     bool
	limit      int64
	limitGiven bool
	maxLen     int64
	minID      stream.ID
}

// xaddArgs are XADD's parsed options.
type xaddArgs struct {
	noMkStream bool
	trim       trimArgs
	id         stream.ID
	idGiven    bool // not "*"
	seqGiven   bool // not "<ms>-*"
}

// defaultTrimLimit is the LIMIT of an approximate trim that gives none:
// 100 nodes' worth, as Redis.
const defaultTrimLimit = 100 * stream.NodeMaxEntries

// finish applies Redis's rules on LIMIT once the options are read.
func (t *trimArgs) finish(xtrim bool, loading bool) error {
	if t.limit != 0 && t.strategy == 0 {
		return errStreamLimitNoTrim
	}
	if xtrim && t.strategy == 0 {
		return errStreamXTrimNoTrim
	}
	switch {
	case loading:
		t.limit = 0
	case t.limitGiven:
		if !t.approx {
			return errStreamLimitExact
		}
	case t.approx:
		t.limit = defaultTrimLimit
	default:
		t.limit = 0
	}
	return nil
}

// parseAddTrim reads XADD's (xadd) or XTRIM's options from args[2:], as
// Redis's streamParseAddOrTrimArgsOrReply; for XADD it returns the
// position of the ID argument.
func parseAddTrim(args []string, xadd, loading bool) (a xaddArgs, idPos int, err error) {
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && opt == "*":
			return a, i, a.trim.finish(!xadd, loading)
		case strings.EqualFold(opt, "MAXLEN") && more > 0, strings.EqualFold(opt, "MINID") && more > 0:
			if a.trim.strategy != 0 {
				return a, 0, errStreamTrimBoth
			}
			a.trim.approx = false
			if more >= 2 && (args[i+1] == "~" || args[i+1] == "=") {
				a.trim.approx = args[i+1] == "~"
				i++
			}
			if strings.EqualFold(opt, "MAXLEN") {
				n, ok := number.ParseInt(args[i+1])
				if !ok {
					return a, 0, ErrNotInteger
				}
				if n < 0 {
					return a, 0, errStreamMaxLenNegative
				}
				a.trim.strategy, a.trim.maxLen = 'M', n
			} else {
				id, _, err := parseStreamID(args[i+1], 0, true, false)
				if err != nil {
					return a, 0, err
				}
				a.trim.strategy, a.trim.minID = 'I', id
			}
			i++
		case strings.EqualFold(opt, "LIMIT") && more > 0:
			n, ok := number.ParseInt(args[i+1])
			if !ok {
				return a, 0, ErrNotInteger
			}
			if n < 0 {
				return a, 0, errStreamLimitNegative
			}
			a.trim.limit, a.trim.limitGiven = n, true
			i++
		case xadd && strings.EqualFold(opt, "NOMKSTREAM"):
			a.noMkStream = true
		case xadd:
			id, seqGiven, err := parseStreamID(opt, 0, true, true)
			if err != nil {
				return a, 0, err
			}
			a.id, a.idGiven, a.seqGiven = id, true, seqGiven
			return a, i, a.trim.finish(false, loading)
		default:
			return a, 0, ErrSyntax
		}
	}
	return a, i, a.trim.finish(!xadd, loading)
}

// parseStreamID parses an ID argument as Redis's
// streamGenericParseIDOrReply: "<ms>" (the sequence is missingSeq),
// "<ms>-<seq>", "-" and "+" unless strict, and "<ms>-*" if autoSeq (then
// seqGiven is false). Each part is read as C's strtoull after a strict
// integer parse fails, as Redis's string2ull: leading blanks, a sign, and
// leading zeros pass; a negative number wraps unless it fits an int64.
func parseStreamID(s string, missingSeq uint64, strict, autoSeq bool) (id stream.ID, seqGiven bool, err error) {
	if len(s) > 127 {
		return id, false, ErrStreamID
	}
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i] // Redis reads the argument as a C string
	}
	if s == "-" || s == "+" {
		if strict {
			return id, false, ErrStreamID
		}
		if s == "-" {
			return stream.ID{}, true, nil
		}
		return stream.MaxID, true, nil
	}
	msPart, seqPart, hasSeq := strings.Cut(s, "-")
	ms, ok := string2ull(msPart)
	if !ok {
		return id, false, ErrStreamID
	}
	if !hasSeq {
		return stream.ID{Ms: ms, Seq: missingSeq}, true, nil
	}
	if autoSeq && seqPart == "*" {
		return stream.ID{Ms: ms}, false, nil
	}
	seq, ok := string2ull(seqPart)
	if !ok {
		return id, false, ErrStreamID
	}
	return stream.ID{Ms: ms, Seq: seq}, true, nil
}

// string2ull is Redis's string2ull: a strict int64 that is not negative,
// or else what C's strtoull(s, &end, 10) reads when it reads all of s
// without overflow.
func string2ull(s string) (uint64, bool) {
	if n, ok := number.ParseInt(s); ok {
		return uint64(n), n >= 0
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > (math.MaxUint64-uint64(c-'0'))/10 {
			return 0, false // ERANGE
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// XAdd appends an entry to the stream a.Stream, creating it unless
// a.NoMkStream, then trims it if asked, and returns the entry's ID.
// ErrNotFound with NoMkStream and no stream; ErrStreamIDTooSmall for an ID
// not after the stream's last ID (ErrStreamIDZero for 0-0);
// ErrStreamExhausted once the last ID is the largest; ErrStreamID for a
// malformed ID; ErrArity for Values of odd or zero length; ErrWrongType.
func (tx *Tx) XAdd(a XAddArgs) (string, error) {
	if tx.refuseOOM() {
		return "", ErrOOM
	}
	var x xaddArgs
	x.noMkStream = a.NoMkStream
	if a.ID != "" && a.ID != "*" {
		id, seqGiven, err := parseStreamID(a.ID, 0, true, true)
		if err != nil {
			return "", err
		}
		x.id, x.idGiven, x.seqGiven = id, true, seqGiven
	}
	if err := a.trimArgs(&x.trim); err != nil {
		return "", err
	}
	if err := x.trim.finish(false, tx.loading); err != nil {
		return "", err
	}
	if len(a.Values) < 2 || len(a.Values)%2 != 0 {
		return "", ArityError("xadd")
	}
	id, err := tx.xadd(a.Stream, x, a.Values)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

func (a XAddArgs) trimArgs(t *trimArgs) error {
	if a.MaxLen > 0 && a.MinID != "" {
		return errStreamTrimBoth
	}
	switch {
	case a.MaxLen > 0:
		t.strategy, t.maxLen = 'M', a.MaxLen
	case a.MinID != "":
		id, _, err := parseStreamID(a.MinID, 0, true, false)
		if err != nil {
			return err
		}
		t.strategy, t.minID = 'I', id
	}
	t.approx = a.Approx
	if a.Limit < 0 {
		return errStreamLimitNegative
	}
	t.limit, t.limitGiven = a.Limit, a.Limit > 0
	return nil
}

// xadd is XADD on parsed arguments.
func (tx *Tx) xadd(key string, a xaddArgs, fields []string) (stream.ID, error) {
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		return stream.ID{}, ErrStreamIDZero
	}
	sv, err := tx.writeStream(key)
	if err != nil {
		return stream.ID{}, err
	}
	if sv == nil && a.noMkStream {
		return stream.ID{}, ErrNotFound
	}
	var last stream.ID
	if sv != nil {
		last = sv.s.LastID
	}
	if last == stream.MaxID {
		return stream.ID{}, ErrStreamExhausted
	}
	var id stream.ID
	switch {
	case !a.idGiven:
		if ms := uint64(tx.nowMs()); ms > last.Ms {
			id = stream.ID{Ms: ms}
		} else {
			id, _ = last.Next()
		}
	case !a.seqGiven:
		id = a.id
		if last.Ms == a.id.Ms {
			if last.Seq == math.MaxUint64 {
				// Redis 7.0 sets no errno for this one, and reports
				// the other failure's text.
				return stream.ID{}, ErrStreamTooLarge
			}
			id.Seq = last.Seq + 1
		}
	default:
		id = a.id
	}
	if !last.Less(id) {
		return stream.ID{}, ErrStreamIDTooSmall
	}
	if stream.EntryBytes(fields) > stream.MaxEntryBytes {
		return stream.ID{}, ErrStreamTooLarge
	}
	if sv == nil {
		sv = &streamValue{s: &stream.Stream{}}
		tx.setValue(key, sv, false)
	} else {
		tx.keyReady(key)
	}
	sv.s.Append(id, fields)
	rec := tx.wrote(key, evXAdd)
	tx.trimStream(key, sv, a.trim, false)
	if rec {
		effect := []string{"XADD", key}
		if a.trim.strategy != 0 {
			effect = append(effect, trimEffect(sv, a.trim)...)
		}
		effect = append(effect, id.String())
		tx.emit(append(effect, fields...)...)
	}
	return id, nil
}

// trimStream trims sv as t says and announces the trim ("xtrim") if it
// removed entries; it returns how many. XTRIM counts each entry removed as
// a change (count); XADD's trim counts none, as in Redis, whose XADD counts
// one change whatever it trims.
func (tx *Tx) trimStream(key string, sv *streamValue, t trimArgs, count bool) int64 {
	var n int64
	switch t.strategy {
	case 'M':
		n = sv.s.TrimMaxLen(t.maxLen, t.approx, t.limit)
	case 'I':
		n = sv.s.TrimMinID(t.minID, t.approx, t.limit)
	default:
		return 0
	}
	if n > 0 {
		changes := 0
		if count {
			changes = int(n)
		}
		tx.wroteN(key, evXTrim, changes)
	}
	return n
}

// trimEffect returns the trimming options of a write effect: exact ("="),
// with an approximate trim's threshold rewritten to what it left (the
// length, or the first ID), as Redis propagates them, so that replaying
// trims exactly what the command trimmed.
func trimEffect(sv *streamValue, t trimArgs) []string {
	if t.strategy == 'M' {
		n := t.maxLen
		if t.approx {
			n = sv.s.Len()
		}
		return []string{"MAXLEN", "=", strconv.FormatInt(n, 10)}
	}
	id := t.minID
	if t.approx {
		id = stream.MaxID
		if sv.s.Len() > 0 {
			id = sv.s.FirstID()
		}
	}
	return []string{"MINID", "=", id.String()}
}

// XLen returns the number of entries of the stream at key, 0 if it does not
// exist. ErrWrongType if key holds another type.
func (tx *Tx) XLen(key string) (int64, error) {
	sv, err := tx.readStream(key)
	if err != nil || sv == nil {
		return 0, err
	}
	return sv.s.Len(), nil
}

// XRange returns the entries of the stream at key with IDs from start to
// end, inclusive: "-" and "+" are the ends of the stream, "<ms>" means
// "<ms>-0" as a start and "<ms>-<largest>" as an end, and a "(" before an
// ID excludes it. An empty slice if the key does not exist.
// ErrStreamID for a malformed ID; ErrWrongType.
func (tx *Tx) XRange(key, start, end string) ([]XMessage, error) {
	return tx.xrangeArgs(key, start, end, -1, false)
}

// XRangeN is XRange returning at most count entries (none if count ≤ 0).
func (tx *Tx) XRangeN(key, start, end string, count int64) ([]XMessage, error) {
	return tx.xrangeArgs(key, start, end, max(count, 0), false)
}

// XRevRange is XRange in reverse order, from end down to start (Redis's
// argument order).
func (tx *Tx) XRevRange(key, end, start string) ([]XMessage, error) {
	return tx.xrangeArgs(key, start, end, -1, true)
}

// XRevRangeN is XRevRange returning at most count entries (none if count
// ≤ 0).
func (tx *Tx) XRevRangeN(key, end, start string, count int64) ([]XMessage, error) {
	return tx.xrangeArgs(key, start, end, max(count, 0), true)
}

// parseInterval reads XRANGE's start and end, with "(" exclusions, as
// Redis.
func parseInterval(start, end string) (s, e stream.ID, err error) {
	parse := func(arg string, missingSeq uint64) (stream.ID, bool, error) {
		if len(arg) > 1 && arg[0] == '(' {
			id, _, err := parseStreamID(arg[1:], missingSeq, true, false)
			return id, true, err
		}
		id, _, err := parseStreamID(arg, missingSeq, false, false)
		return id, false, err
	}
	s, ex, err := parse(start, 0)
	if err != nil {
		return s, e, err
	}
	if ex {
		var ok bool
		if s, ok = s.Next(); !ok {
			return s, e, errStreamStartInterval
		}
	}
	e, ex, err = parse(end, math.MaxUint64)
	if err != nil {
		return s, e, err
	}
	if ex {
		var ok bool
		if e, ok = e.Prev(); !ok {
			return s, e, errStreamEndInterval
		}
	}
	return s, e, nil
}

// xrangeArgs is XRANGE and XREVRANGE: count -1 for no COUNT, 0 for none.
func (tx *Tx) xrangeArgs(key, start, end string, count int64, rev bool) ([]XMessage, error) {
	s, e, err := parseInterval(start, end)
	if err != nil {
		return nil, err
	}
	return tx.xrange(key, s, e, count, rev)
}

func (tx *Tx) xrange(key string, start, end stream.ID, count int64, rev bool) ([]XMessage, error) {
	sv, err := tx.readStream(key)
	if err != nil || sv == nil || count == 0 {
		return []XMessage{}, err
	}
	return streamRange(sv, start, end, count, rev), nil
}

// streamRange returns up to count (-1 or 0: all) entries from start to end.
func streamRange(sv *streamValue, start, end stream.ID, count int64, rev bool) []XMessage {
	out := []XMessage{}
	sv.s.Range(start, end, rev, func(e stream.Entry) bool {
		out = append(out, toXMessage(e))
		return count <= 0 || int64(len(out)) < count
	})
	return out
}

// XDel deletes the entries with the given IDs from the stream at key and
// returns how many it deleted. 0 if the key does not exist (whatever the
// IDs); ErrStreamID if an ID is malformed (then nothing is deleted);
// ErrWrongType.
func (tx *Tx) XDel(key string, ids ...string) (int64, error) {
	sv, err := tx.writeStream(key)
	if err != nil || sv == nil {
		return 0, err
	}
	parsed := make([]stream.ID, len(ids))
	for i, s := range ids {
		if parsed[i], _, err = parseStreamID(s, 0, true, false); err != nil {
			return 0, err
		}
	}
	var n int64
	var deleted []string
	for _, id := range parsed {
		if sv.s.Delete(id) {
			n++
			if sv.s.MaxDeletedID.Less(id) {
				sv.s.MaxDeletedID = id
			}
			deleted = append(deleted, id.String())
		}
	}
	if n > 0 && tx.wroteN(key, evXDel, int(n)) { // each entry deleted is a change, as in Redis
		tx.emit(append([]string{"XDEL", key}, deleted...)...)
	}
	return n, nil
}

// XTrimMaxLen trims the stream at key to its last maxLen entries and
// returns how many it removed (0 if the key does not exist). ErrWrongType;
// ErrSyntax's form for a negative maxLen.
func (tx *Tx) XTrimMaxLen(key string, maxLen int64) (int64, error) {
	if maxLen < 0 {
		return 0, errStreamMaxLenNegative
	}
	return tx.xtrim(key, trimArgs{strategy: 'M', maxLen: maxLen})
}

// XTrimMaxLenApprox is XTrimMaxLen removing whole nodes only ("~"), so
// that a few more than maxLen entries may remain, and at most limit entries
// (0: Redis's default, 10,000).
func (tx *Tx) XTrimMaxLenApprox(key string, maxLen, limit int64) (int64, error) {
	if maxLen < 0 {
		return 0, errStreamMaxLenNegative
	}
	t := trimArgs{strategy: 'M', maxLen: maxLen, approx: true}
	return tx.xtrimLimit(key, t, limit)
}

// XTrimMinID removes the entries of the stream at key with an ID before
// minID and returns how many (0 if the key does not exist). ErrStreamID,
// ErrWrongType.
func (tx *Tx) XTrimMinID(key, minID string) (int64, error) {
	id, _, err := parseStreamID(minID, 0, true, false)
	if err != nil {
		return 0, err
	}
	return tx.xtrim(key, trimArgs{strategy: 'I', minID: id})
}

// XTrimMinIDApprox is XTrimMinID removing whole nodes only, at most limit
// entries (0: Redis's default).
func (tx *Tx) XTrimMinIDApprox(key, minID string, limit int64) (int64, error) {
	id, _, err := parseStreamID(minID, 0, true, false)
	if err != nil {
		return 0, err
	}
	return tx.xtrimLimit(key, trimArgs{strategy: 'I', minID: id, approx: true}, limit)
}

func (tx *Tx) xtrimLimit(key string, t trimArgs, limit int64) (int64, error) {
	if limit < 0 {
		return 0, errStreamLimitNegative
	}
	t.limit, t.limitGiven = limit, limit > 0
	if err := t.finish(true, tx.loading); err != nil {
		return 0, err
	}
	return tx.xtrim(key, t)
}

// xtrim is XTRIM on parsed, finished options.
func (tx *Tx) xtrim(key string, t trimArgs) (int64, error) {
	sv, err := tx.writeStream(key)
	if err != nil || sv == nil {
		return 0, err
	}
	n := tx.trimStream(key, sv, t, true)
	if n > 0 && tx.rec {
		tx.emit(append([]string{"XTRIM", key}, trimEffect(sv, t)...)...)
	}
	return n, nil
}

// XSetIDArgs are XSETID's arguments.
type XSetIDArgs struct {
	// LastID becomes the stream's last ID: it must not be before its last
	// entry.
	LastID string
	// EntriesAdded, if not nil, sets the count of entries ever added (not
	// below the stream's length).
	EntriesAdded *int64
	// MaxDeletedID, if set, sets the largest deleted ID (not after
	// LastID).
	MaxDeletedID string
}

// XSetID sets the last ID (and the counters) of the stream at key
// (XSETID). ErrNoSuchKey if it does not exist; ErrStreamID and its forms
// for a malformed ID or one before the last entry; ErrSyntax's forms for
// counts out of range; ErrWrongType.
func (tx *Tx) XSetID(key string, a XSetIDArgs) error {
	if tx.refuseOOM() {
		return ErrOOM
	}
	id, _, err := parseStreamID(a.LastID, 0, true, false)
	if err != nil {
		return err
	}
	added := int64(-1)
	if a.EntriesAdded != nil {
		if added = *a.EntriesAdded; added < 0 {
			return errXSetIDEntriesAdded
		}
	}
	var maxDel stream.ID
	if a.MaxDeletedID != "" {
		if maxDel, _, err = parseStreamID(a.MaxDeletedID, 0, true, false); err != nil {
			return err
		}
		if id.Less(maxDel) {
			return errXSetIDMaxDeleted
		}
	}
	return tx.xsetid(key, id, added, maxDel)
}

func (tx *Tx) xsetid(key string, id stream.ID, added int64, maxDel stream.ID) error {
	sv, err := tx.writeStream(key)
	if err != nil {
		return err
	}
	if sv == nil {
		return ErrNoSuchKey
	}
	if sv.s.Len() > 0 {
		if id.Less(sv.s.LastLiveID()) {
			return errXSetIDSmaller
		}
		if added != -1 && sv.s.Len() > added {
			return errXSetIDEntriesSmaller
		}
	}
	sv.s.LastID = id
	if added != -1 {
		sv.s.EntriesAdded = added
	}
	if !maxDel.IsZero() {
		sv.s.MaxDeletedID = maxDel
	}
	if tx.wrote(key, evXSetID) {
		tx.emit("XSETID", key, id.String(), "ENTRIESADDED", strconv.FormatInt(sv.s.EntriesAdded, 10),
			"MAXDELETEDID", sv.s.MaxDeletedID.String())
	}
	return nil
}

// XInfoStream is XINFO STREAM's reply, as go-redis names its fields.
// FirstEntry and LastEntry are zero when the stream is empty.
type XInfoStream struct {
	Length               int64
	RadixTreeKeys        int64
	RadixTreeNodes       int64
	LastGeneratedID      string
	MaxDeletedEntryID    string
	EntriesAdded         int64
	RecordedFirstEntryID string
	Groups               int64
	FirstEntry           XMessage
	LastEntry            XMessage
}

// XInfoStream describes the stream at key. ErrNoSuchKey if it does not
// exist; ErrWrongType.
func (tx *Tx) XInfoStream(key string) (XInfoStream, error) {
	sv, err := tx.readStream(key)
	if err != nil {
		return XInfoStream{}, err
	}
	if sv == nil {
		return XInfoStream{}, ErrNoSuchKey
	}
	return streamInfo(sv), nil
}

func streamInfo(sv *streamValue) XInfoStream {
	info := XInfoStream{
		Length: sv.s.Len(), RadixTreeKeys: int64(sv.s.Nodes()), RadixTreeNodes: int64(sv.s.RaxNodes()),
		LastGeneratedID: sv.s.LastID.String(), MaxDeletedEntryID: sv.s.MaxDeletedID.String(),
		EntriesAdded: sv.s.EntriesAdded, RecordedFirstEntryID: sv.s.FirstID().String(),
		Groups: int64(sv.s.NumGroups()),
	}
	if e, ok := sv.s.First(); ok {
		info.FirstEntry = toXMessage(e)
	}
	if e, ok := sv.s.Last(); ok {
		info.LastEntry = toXMessage(e)
	}
	return info
}

// XInfoStreamFull is XINFO STREAM FULL's reply, as go-redis names its
// fields.
type XInfoStreamFull struct {
	Length               int64
	RadixTreeKeys        int64
	RadixTreeNodes       int64
	LastGeneratedID      string
	MaxDeletedEntryID    string
	EntriesAdded         int64
	RecordedFirstEntryID string
	Entries              []XMessage
	Groups               []XInfoStreamGroup
}

// XInfoStreamFull describes the stream at key with its first count
// entries and, for each group, the first count entries of its PEL and of
// each consumer's (all if count is 0; 10 if count is negative, as Redis).
// ErrNoSuchKey if it does not exist; ErrWrongType.
func (tx *Tx) XInfoStreamFull(key string, count int64) (XInfoStreamFull, error) {
	sv, err := tx.readStream(key)
	if err != nil {
		return XInfoStreamFull{}, err
	}
	if sv == nil {
		return XInfoStreamFull{}, ErrNoSuchKey
	}
	return streamInfoFull(sv, count), nil
}

func streamInfoFull(sv *streamValue, count int64) XInfoStreamFull {
	if count < 0 {
		count = 10
	}
	return XInfoStreamFull{
		Length: sv.s.Len(), RadixTreeKeys: int64(sv.s.Nodes()), RadixTreeNodes: int64(sv.s.RaxNodes()),
		LastGeneratedID: sv.s.LastID.String(), MaxDeletedEntryID: sv.s.MaxDeletedID.String(),
		EntriesAdded: sv.s.EntriesAdded, RecordedFirstEntryID: sv.s.FirstID().String(),
		Entries: streamRange(sv, stream.ID{}, stream.MaxID, count, false),
		Groups:  streamGroupsFull(sv, count),
	}
}
