package main

import (
	"encoding/binary"
	"strconv"

	"github.com/embedis/embedis/internal/lzf"
	"github.com/embedis/embedis/internal/rdb"
)

// entryInfo is what could be read of the entry in which the damage lies:
// the database it is in and, when its type byte and key were read whole
// before the damage, its type and key.
type entryInfo struct {
	db      int
	typ     byte
	hasType bool
	key     string
	hasKey  bool
}

// readEntryStart reads the opcodes, type byte and key at the start of an
// entry's bytes b, which the Reader has already read (and accepted) up to
// limit (relative to b); db is the database selected before it. Only bytes
// before limit are used: what lies after it may be the damage. It never
// fails: it stops at the first thing it cannot read, with what it has.
//
// This repeats a little of internal/rdb's format (opcodes and string
// encodings) because the Reader does not say what it was reading when it
// failed; the decoding itself, and every check, is the Reader's.
func readEntryStart(b []byte, limit int, db int) entryInfo {
	info := entryInfo{db: db}
	if limit < len(b) {
		b = b[:max(limit, 0)]
	}
	p := &parser{b: b}
	for {
		op, ok := p.byte()
		if !ok {
			return info
		}
		switch op {
		case 252: // EXPIRETIME_MS
			ok = p.skip(8)
		case 253: // EXPIRETIME
			ok = p.skip(4)
		case 249: // FREQ
			ok = p.skip(1)
		case 248: // IDLE
			_, ok = p.length()
		case 254: // SELECTDB
			var n uint64
			if n, ok = p.length(); ok && n <= 1<<31-1 {
				info.db = int(n)
			}
		case 251: // RESIZEDB
			if _, ok = p.length(); ok {
				_, ok = p.length()
			}
		case 250: // AUX
			if _, ok = p.str(); ok {
				_, ok = p.str()
			}
		default:
			if !knownType(op) {
				return info
			}
			info.typ, info.hasType = op, true
			info.key, info.hasKey = p.str()
			return info
		}
		if !ok {
			return info
		}
	}
}

func knownType(t byte) bool { return t <= 7 || (t >= 9 && t <= 19) }

// parser reads RDB lengths and strings from an in-memory slice.
type parser struct {
	b   []byte
	pos int
}

func (p *parser) byte() (byte, bool) {
	if p.pos >= len(p.b) {
		return 0, false
	}
	p.pos++
	return p.b[p.pos-1], true
}

func (p *parser) skip(n int) bool {
	if len(p.b)-p.pos < n {
		return false
	}
	p.pos += n
	return true
}

// rawLength reads a length; enc reports the special string encoding.
func (p *parser) rawLength() (n uint64, enc bool, ok bool) {
	b, ok := p.byte()
	if !ok {
		return 0, false, false
	}
	switch b >> 6 {
	case 0:
		return uint64(b & 63), false, true
	case 1:
		c, ok := p.byte()
		return uint64(b&63)<<8 | uint64(c), false, ok
	case 3:
		return uint64(b & 63), true, true
	}
	var width int
	switch b {
	case 0x80:
		width = 4
	case 0x81:
		width = 8
	default:
		return 0, false, false
	}
	if !p.skip(width) {
		return 0, false, false
	}
	for _, c := range p.b[p.pos-width : p.pos] {
		n = n<<8 | uint64(c)
	}
	return n, false, true
}

func (p *parser) length() (uint64, bool) {
	n, enc, ok := p.rawLength()
	return n, ok && !enc
}

// str reads a string: raw, integer-encoded or LZF-compressed.
func (p *parser) str() (string, bool) {
	n, enc, ok := p.rawLength()
	if !ok {
		return "", false
	}
	if !enc {
		if uint64(len(p.b)-p.pos) < n {
			return "", false
		}
		s := string(p.b[p.pos : p.pos+int(n)])
		p.pos += int(n)
		return s, true
	}
	switch n {
	case 0, 1, 2:
		w := 1 << n
		if !p.skip(w) {
			return "", false
		}
		var v int64
		switch w {
		case 1:
			v = int64(int8(p.b[p.pos-1]))
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p.b[p.pos-2:])))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p.b[p.pos-4:])))
		}
		return strconv.FormatInt(v, 10), true
	case 3:
		clen, ok1 := p.length()
		ulen, ok2 := p.length()
		if !ok1 || !ok2 || clen == 0 || ulen == 0 || ulen/100 > clen || uint64(len(p.b)-p.pos) < clen {
			return "", false
		}
		out := make([]byte, ulen)
		m, err := lzf.Decompress(out, p.b[p.pos:p.pos+int(clen)])
		if err != nil || m != len(out) {
			return "", false
		}
		p.pos += int(clen)
		return string(out), true
	}
	return "", false
}

// encodingName names a value type byte as the report shows it.
func encodingName(t byte) string {
	switch t {
	case rdb.TypeString:
		return "string"
	case rdb.TypeList:
		return "list-linked"
	case rdb.TypeSet:
		return "set-hashtable"
	case rdb.TypeZSet:
		return "zset-skiplist"
	case rdb.TypeHash:
		return "hash-hashtable"
	case rdb.TypeZSet2:
		return "zset2-skiplist"
	case rdb.TypeModule, rdb.TypeModule2:
		return "module"
	case rdb.TypeHashZipmap:
		return "hash-zipmap"
	case rdb.TypeListZiplist:
		return "list-ziplist"
	case rdb.TypeSetIntset:
		return "set-intset"
	case rdb.TypeZSetZiplist:
		return "zset-ziplist"
	case rdb.TypeHashZiplist:
		return "hash-ziplist"
	case rdb.TypeListQuicklist:
		return "list-quicklist"
	case rdb.TypeStreamListpacks, rdb.TypeStreamListpacks2:
		return "stream"
	case rdb.TypeHashListpack:
		return "hash-listpack"
	case rdb.TypeZSetListpack:
		return "zset-listpack"
	case rdb.TypeListQuicklist2:
		return "list-quicklist2"
	}
	return "type-" + strconv.Itoa(int(t))
}
