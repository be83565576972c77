package rdb

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"unsafe"

	"github.com/embedis/embedis/internal/stream"
)

// readValue decodes the body of a value of type typ into v.
func (in *input) readValue(typ byte, v *Value) error {
	start := in.off() - 1 // the type byte
	*v = Value{Type: typ}
	switch typ {
	case TypeString:
		v.Kind = KindString
		s, err := in.readString("a string value")
		v.Str = s
		return err
	case TypeList:
		v.Kind = KindList
		items, err := in.readStrings(1, "a list")
		v.List = items
		return err
	case TypeSet:
		v.Kind = KindSet
		items, err := in.readStrings(1, "a set")
		if err == nil {
			err = in.checkDups(items, 1, start, "set member")
		}
		v.Set = items
		return err
	case TypeHash:
		v.Kind = KindHash
		items, err := in.readStrings(2, "a hash")
		if err == nil {
			err = in.checkDups(items, 2, start, "hash field")
		}
		v.Hash = items
		return err
	case TypeZSet, TypeZSet2:
		v.Kind = KindZSet
		return in.readZSet(typ, v, start)
	case TypeListQuicklist, TypeListQuicklist2:
		v.Kind = KindList
		return in.readQuicklist(typ, v, start)
	case TypeSetIntset:
		v.Kind = KindSet
		b, err := in.readBlob("an intset")
		if err != nil {
			return err
		}
		ints, reason := intsetDecode(b)
		if reason != "" {
			return newError(ErrCorrupt, start, "%s", reason)
		}
		v.SetInts = ints
		v.IntsetWidth = int(binary.LittleEndian.Uint32(b))
		return nil
	case TypeHashZipmap, TypeListZiplist, TypeZSetZiplist, TypeHashZiplist, TypeHashListpack, TypeZSetListpack:
		return in.readPacked(typ, v, start)
	case TypeStreamListpacks, TypeStreamListpacks2:
		v.Kind = KindStream
		return in.readStream(v, start, typ == TypeStreamListpacks2)
	}
	return newError(ErrUnsupported, start, "%s is not supported", typeName(typ))
}

// readStrings reads a count (of groups of stride strings) and the strings.
func (in *input) readStrings(stride int, what string) ([]string, error) {
	at := in.off()
	n, err := in.readCount(what)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, newError(ErrEmpty, at, "%s with no elements", what)
	}
	if n > math.MaxInt64/uint64(stride) {
		return nil, newError(ErrCorrupt, at, "%s of length %d", what, n)
	}
	n *= uint64(stride)
	items := make([]string, 0, in.capHint(n, 1))
	for i := uint64(0); i < n; i++ {
		s, err := in.readString(what)
		if err != nil {
			return nil, err
		}
		items = append(items, s)
	}
	return items, nil
}

// checkDups refuses a value in which two of items[0], items[stride], … are equal.
func (in *input) checkDups(items []string, stride int, at int64, what string) error {
	if dup, ok := findDup(items, stride); ok {
		return newError(ErrCorrupt, at, "duplicate %s %q", what, dup)
	}
	return nil
}

func findDup(items []string, stride int) (string, bool) {
	n := (len(items) + stride - 1) / stride
	if n <= 16 {
		for i := 0; i < len(items); i += stride {
			for j := i + stride; j < len(items); j += stride {
				if items[i] == items[j] {
					return items[i], true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]struct{}, n)
	for i := 0; i < len(items); i += stride {
		if _, ok := seen[items[i]]; ok {
			return items[i], true
		}
		seen[items[i]] = struct{}{}
	}
	return "", false
}

func (in *input) readZSet(typ byte, v *Value, start int64) error {
	at := in.off()
	n, err := in.readCount("a sorted set")
	if err != nil {
		return err
	}
	if n == 0 {
		return newError(ErrEmpty, at, "empty sorted set")
	}
	minSize := 2 // a member's length and a score's
	if typ == TypeZSet2 {
		minSize = 9
	}
	ms := make([]ZMember, 0, in.capHint(n, minSize))
	for i := uint64(0); i < n; i++ {
		m, err := in.readString("a sorted set member")
		if err != nil {
			return err
		}
		at := in.off()
		var score float64
		if typ == TypeZSet2 {
			p, err := in.next(8, "a sorted set score")
			if err != nil {
				return err
			}
			score = math.Float64frombits(binary.LittleEndian.Uint64(p))
		} else {
			l, err := in.readByte("a sorted set score")
			if err != nil {
				return err
			}
			switch l {
			case 253:
				score = math.NaN()
			case 254:
				score = math.Inf(1)
			case 255:
				score = math.Inf(-1)
			default:
				p, err := in.next(int(l), "a sorted set score")
				if err != nil {
					return err
				}
				f, ok := parseScore(p)
				if !ok {
					return newError(ErrCorrupt, at, "sorted set score %q is not a number", p)
				}
				score = f
			}
		}
		if math.IsNaN(score) {
			return newError(ErrCorrupt, at, "sorted set score is NaN")
		}
		ms = append(ms, ZMember{Member: m, Score: score})
	}
	v.ZSet = ms
	return checkZDups(ms, start)
}

func checkZDups(ms []ZMember, at int64) error {
	if len(ms) <= 16 {
		for i := range ms {
			for j := i + 1; j < len(ms); j++ {
				if ms[i].Member == ms[j].Member {
					return newError(ErrCorrupt, at, "duplicate sorted set member %q", ms[i].Member)
				}
			}
		}
		return nil
	}
	seen := make(map[string]struct{}, len(ms))
	for _, m := range ms {
		if _, ok := seen[m.Member]; ok {
			return newError(ErrCorrupt, at, "duplicate sorted set member %q", m.Member)
		}
		seen[m.Member] = struct{}{}
	}
	return nil
}

// parseScore parses a score written as text (strtod's job in Redis): a
// decimal or exponent number, or inf/-inf; out-of-range values become ±inf
// as strtod makes them.
func parseScore(p []byte) (float64, bool) {
	if len(p) == 0 {
		return 0, false
	}
	// ParseFloat does not keep its argument (its errors hold a copy).
	f, err := strconv.ParseFloat(unsafe.String(&p[0], len(p)), 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

// readQuicklist reads a quicklist: a count of nodes, each a ziplist
// (quicklist 1) or a container kind and a listpack or a plain element
// (quicklist 2). Empty nodes are skipped, as Redis does.
func (in *input) readQuicklist(typ byte, v *Value, start int64) error {
	nodes, err := in.readCount("a quicklist")
	if err != nil {
		return err
	}
	var items []string
	var counts []int // elements of each non-empty node read so far
	done := 0        // elements in counts
	for i := uint64(0); i < nodes; i++ {
		if len(items) > done {
			counts = append(counts, len(items)-done)
			done = len(items)
		}
		container := uint64(quicklistNodePacked)
		if typ == TypeListQuicklist2 {
			at := in.off()
			container, err = in.readCount("a quicklist node")
			if err != nil {
				return err
			}
			if container != quicklistNodePlain && container != quicklistNodePacked {
				return newError(ErrCorrupt, at, "quicklist node container %d", container)
			}
		}
		if container == quicklistNodePlain {
			s, err := in.readString("a quicklist node")
			if err != nil {
				return err
			}
			items = append(items, s)
			continue
		}
		at := in.off()
		b, err := in.readBlob("a quicklist node")
		if err != nil {
			return err
		}
		var reason string
		if typ == TypeListQuicklist {
			items, reason = zlAppendStrings(items, b)
		} else {
			items, reason = lpAppendStrings(items, b)
		}
		if reason != "" {
			return newError(ErrCorrupt, at, "%s", reason)
		}
	}
	if len(items) == 0 {
		return newError(ErrEmpty, start, "empty list")
	}
	if len(items) > done {
		counts = append(counts, len(items)-done)
	}
	v.List = items
	v.ListNodes = counts
	return nil
}

// lpAppendStrings checks the listpack b and appends its elements to dst.
func lpAppendStrings(dst []string, b []byte) ([]string, string) {
	it, reason := lpCheckHeader(b)
	if reason != "" {
		return dst, reason
	}
	if n := int(binary.LittleEndian.Uint16(b[4:])); n != lpCountUnknown && n <= len(b) && cap(dst)-len(dst) < n {
		dst = append(make([]string, 0, len(dst)+n), dst...)
	}
	for {
		s, done, reason := it.nextString()
		if reason != "" {
			return dst, reason
		}
		if done {
			return dst, ""
		}
		dst = append(dst, string(s))
	}
}

// readPacked reads the single-blob encodings: zipmap, ziplists and
// listpacks of lists, hashes and sorted sets.
func (in *input) readPacked(typ byte, v *Value, start int64) error {
	at := in.off()
	b, err := in.readBlob("an encoded value")
	if err != nil {
		return err
	}
	if typ == TypeZSetListpack {
		v.Kind = KindZSet
		return readZSetListpack(v, b, at, start)
	}
	var items []string
	var reason string
	switch typ {
	case TypeHashZipmap:
		items, reason = zmAppendStrings(nil, b)
	case TypeListZiplist, TypeZSetZiplist, TypeHashZiplist:
		items, reason = zlAppendStrings(nil, b)
	default:
		items, reason = lpAppendStrings(nil, b)
	}
	if reason != "" {
		return newError(ErrCorrupt, at, "%s", reason)
	}
	if len(items) == 0 {
		return newError(ErrEmpty, start, "empty %s", typeName(typ))
	}
	switch typ {
	case TypeListZiplist:
		v.Kind, v.List = KindList, items
		return nil
	case TypeHashZipmap, TypeHashZiplist, TypeHashListpack:
		v.Kind = KindHash
		if len(items)%2 != 0 {
			return newError(ErrCorrupt, at, "hash with an odd number of elements")
		}
		v.Hash = items
		return in.checkDups(items, 2, at, "hash field")
	}
	v.Kind = KindZSet
	if len(items)%2 != 0 {
		return newError(ErrCorrupt, at, "sorted set with an odd number of elements")
	}
	ms := make([]ZMember, len(items)/2)
	for i := range ms {
		f, ok := parseScore(unsafe.Slice(unsafe.StringData(items[2*i+1]), len(items[2*i+1])))
		if !ok || math.IsNaN(f) {
			return newError(ErrCorrupt, at, "sorted set score %q is not a number", items[2*i+1])
		}
		ms[i] = ZMember{Member: items[2*i], Score: f}
	}
	v.ZSet = ms
	return checkZDups(ms, at)
}

// readZSetListpack decodes a sorted-set listpack (member, score, …)
// without making strings of the scores.
func readZSetListpack(v *Value, b []byte, at, start int64) error {
	it, reason := lpCheckHeader(b)
	if reason != "" {
		return newError(ErrCorrupt, at, "%s", reason)
	}
	var ms []ZMember
	if n := int(binary.LittleEndian.Uint16(b[4:])); n != lpCountUnknown && n <= len(b) {
		ms = make([]ZMember, 0, n/2)
	}
	for {
		m, done, reason := it.nextString()
		if reason != "" {
			return newError(ErrCorrupt, at, "%s", reason)
		}
		if done {
			break
		}
		member := string(m)
		s, iv, isInt, done, reason := it.next()
		if reason != "" {
			return newError(ErrCorrupt, at, "%s", reason)
		}
		if done {
			return newError(ErrCorrupt, at, "sorted set with an odd number of elements")
		}
		score := float64(iv)
		if !isInt {
			f, ok := parseScore(s)
			if !ok || math.IsNaN(f) {
				return newError(ErrCorrupt, at, "sorted set score %q is not a number", s)
			}
			score = f
		}
		ms = append(ms, ZMember{Member: member, Score: score})
	}
	if len(ms) == 0 {
		return newError(ErrEmpty, start, "empty sorted set listpack")
	}
	v.ZSet = ms
	return checkZDups(ms, at)
}

// readStream reads a TypeStreamListpacks2 body (v2) or a
// TypeStreamListpacks one: the nodes (each a 16-byte key and a listpack),
// the length, the last ID, (v2) the first and largest deleted IDs and the
// count of entries added, then the consumer groups (see
// Encoder.AppendStream; a TypeStreamListpacks group has no entries-read,
// which is estimated as Redis does). stream.Load checks the nodes; the
// groups are checked here: no name twice, no PEL entry twice, every
// consumer's entry in the group's PEL and owned by one consumer only, and
// every PEL entry owned.
func (in *input) readStream(v *Value, start int64, v2 bool) error {
	n, err := in.readCount("a stream's node count")
	if err != nil {
		return err
	}
	masters := make([]stream.ID, 0, in.capHint(n, 2))
	lps := make([][]byte, 0, in.capHint(n, 2))
	for i := uint64(0); i < n; i++ {
		at := in.off()
		key, err := in.readString("a stream node key")
		if err != nil {
			return err
		}
		id, ok := stream.DecodeID([]byte(key))
		if !ok {
			return newError(ErrCorrupt, at, "stream node key of %d bytes", len(key))
		}
		lp, err := in.readBlob("a stream node")
		if err != nil {
			return err
		}
		masters = append(masters, id)
		lps = append(lps, append([]byte(nil), lp...))
	}
	nums := make([]uint64, 3, 8)
	if v2 {
		nums = nums[:8]
	}
	for i := range nums {
		if nums[i], err = in.readCount("a stream's counters"); err != nil {
			return err
		}
	}
	meta := stream.Meta{Length: nums[0], LastID: stream.ID{Ms: nums[1], Seq: nums[2]}}
	if v2 {
		meta.FirstID, meta.MaxDeletedID, meta.EntriesAdded = stream.ID{Ms: nums[3], Seq: nums[4]}, stream.ID{Ms: nums[5], Seq: nums[6]}, nums[7]
	} else {
		meta.EntriesAdded = nums[0]
	}
	s, err := stream.Load(masters, lps, meta)
	if err != nil {
		return newError(ErrCorrupt, start, "%s", err.Error())
	}
	groups, err := in.readCount("a stream's group count")
	if err != nil {
		return err
	}
	for i := uint64(0); i < groups; i++ {
		if err := in.readGroup(s, v2); err != nil {
			return err
		}
	}
	v.Stream = s
	return nil
}

// readGroup reads one consumer group of a stream body into s.
func (in *input) readGroup(s *stream.Stream, v2 bool) error {
	at := in.off()
	name, err := in.readString("a stream group name")
	if err != nil {
		return err
	}
	var ms, seq uint64
	if ms, err = in.readCount("a stream group's last ID"); err != nil {
		return err
	}
	if seq, err = in.readCount("a stream group's last ID"); err != nil {
		return err
	}
	last := stream.ID{Ms: ms, Seq: seq}
	read := int64(stream.InvalidEntriesRead)
	if v2 {
		r, err := in.readCount("a stream group's entries-read")
		if err != nil {
			return err
		}
		if int64(r) < stream.InvalidEntriesRead {
			return newError(ErrCorrupt, at, "stream group entries-read %d", int64(r))
		}
		read = int64(r)
	} else {
		read = s.EntriesReadAt(last)
	}
	g := s.CreateGroup(name, last, read)
	if g == nil {
		return newError(ErrCorrupt, at, "stream group %q twice", name)
	}
	npel, err := in.readCount("a stream group's PEL size")
	if err != nil {
		return err
	}
	for j := uint64(0); j < npel; j++ {
		at := in.off()
		id, err := in.readRawID("a stream PEL entry")
		if err != nil {
			return err
		}
		b, err := in.readRaw(nil, 8, "a stream PEL delivery time")
		if err != nil {
			return err
		}
		count, err := in.readCount("a stream PEL delivery count")
		if err != nil {
			return err
		}
		if g.Pending(id) != nil {
			return newError(ErrCorrupt, at, "stream PEL entry %v twice", id)
		}
		if count > 1<<62 {
			return newError(ErrCorrupt, at, "stream PEL delivery count %d", count)
		}
		p := g.AddOrphan(id)
		p.DeliveryTime, p.DeliveryCount = int64(binary.LittleEndian.Uint64(b)), int64(count)
	}
	ncons, err := in.readCount("a stream group's consumer count")
	if err != nil {
		return err
	}
	var owned uint64
	for j := uint64(0); j < ncons; j++ {
		at := in.off()
		cname, err := in.readString("a stream consumer name")
		if err != nil {
			return err
		}
		b, err := in.readRaw(nil, 8, "a stream consumer seen-time")
		if err != nil {
			return err
		}
		c := g.CreateConsumer(cname, int64(binary.LittleEndian.Uint64(b)))
		if c == nil {
			return newError(ErrCorrupt, at, "stream consumer %q twice", cname)
		}
		n, err := in.readCount("a stream consumer's PEL size")
		if err != nil {
			return err
		}
		for k := uint64(0); k < n; k++ {
			at := in.off()
			id, err := in.readRawID("a stream consumer PEL entry")
			if err != nil {
				return err
			}
			p := g.Pending(id)
			if p == nil || p.Consumer != nil {
				return newError(ErrCorrupt, at, "stream consumer PEL entry %v not in the group's PEL or owned twice", id)
			}
			g.Assign(p, c)
			owned++
		}
	}
	if owned != npel {
		return newError(ErrCorrupt, at, "stream group %q has PEL entries with no consumer", name)
	}
	return nil
}

// readRawID reads a raw 16-byte big-endian stream ID.
func (in *input) readRawID(what string) (stream.ID, error) {
	b, err := in.readRaw(nil, 16, what)
	if err != nil {
		return stream.ID{}, err
	}
	id, _ := stream.DecodeID(b)
	return id, nil
}
