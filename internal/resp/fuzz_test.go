package resp

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// refParse is a reference parser, written apart from Reader for the fuzz
// tests: it reads the whole input at once, as Redis 7.0 reads requests
// that arrive one byte at a time, and returns the commands and how the
// input ends (as readCase.end).
func refParse(data []byte, lim Limits) ([][]string, string) {
	lim = NewReader(nil, lim).lim // the defaults
	limit := lim.MaxInline + 1
	// line returns the offset from p of the terminator of the line at p,
	// or -1 and what stops it from ending.
	line := func(p int, term byte, tooBig string) (int, string) {
		for i := p; i < len(data) && i-p < limit; i++ {
			if data[i] == 0 {
				break
			}
			if data[i] == term {
				return i - p, ""
			}
		}
		if len(data)-p >= limit {
			return -1, tooBig
		}
		return -1, partial
	}
	var cmds [][]string
	p := 0
	for p < len(data) {
		if data[p] != '*' {
			i, end := line(p, '\n', errBigInline)
			if i < 0 {
				return cmds, end
			}
			l := data[p : p+i]
			if i > 0 && l[i-1] == '\r' {
				l = l[:i-1]
			}
			p += i + 1
			a, ok := refSplit(l)
			if !ok {
				return cmds, errQuotes
			}
			if len(a) > 0 {
				cmds = append(cmds, a)
			}
			continue
		}
		i, end := line(p, '\r', errBigCount)
		if i < 0 {
			return cmds, end
		}
		if p+i+2 > len(data) {
			return cmds, partial
		}
		n, ok := refInt(data[p+1 : p+i])
		if !ok || n > int64(lim.MaxMultibulk) {
			return cmds, errMultibulkLen
		}
		p += i + 2
		var a []string
		for ; n > 0; n-- {
			j, end := line(p, '\r', errBigBulkCount)
			if j < 0 {
				return cmds, end
			}
			if p+j+2 > len(data) {
				return cmds, partial
			}
			if c := data[p]; c != '$' {
				if c == '\r' || c == '\n' {
					c = ' '
				}
				return cmds, errExpected(string([]byte{c}))
			}
			l, ok := refInt(data[p+1 : p+j])
			if !ok || l < 0 || l > lim.MaxBulkLen {
				return cmds, errBulkLen
			}
			p += j + 2
			if int64(len(data)-p) < l+2 {
				return cmds, partial
			}
			a = append(a, string(data[p:p+int(l)]))
			p += int(l) + 2
		}
		if a != nil {
			cmds = append(cmds, a)
		}
	}
	return cmds, ""
}

// refInt is string2ll's grammar checked with strconv.
func refInt(b []byte) (int64, bool) {
	s := string(b)
	digits := strings.TrimPrefix(s, "-")
	if len(s) > 20 || digits == "" || strings.Trim(digits, "0123456789") != "" ||
		(digits[0] == '0' && s != "0") {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// refSplit is sdssplitargs transcribed with a NUL-terminated copy of the
// line, the way the C code walks it.
func refSplit(line []byte) ([]string, bool) {
	s := append(append([]byte{}, line...), 0)
	at := func(i int) byte { return s[i] } // s ends with a NUL
	out := []string{}
	p := 0
	for {
		for at(p) != 0 && isSpace(at(p)) {
			p++
		}
		if at(p) == 0 {
			return out, true
		}
		var cur []byte
		inq, insq, done := false, false, false
		for !done {
			c := at(p)
			switch {
			case inq:
				switch {
				case c == '\\' && at(p+1) == 'x' && isHex(at(p+2)) && isHex(at(p+3)):
					v, _ := strconv.ParseUint(string(s[p+2:p+4]), 16, 8)
					cur = append(cur, byte(v))
					p += 3
				case c == '\\' && at(p+1) != 0:
					p++
					e := map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'a': '\a'}[at(p)]
					if e == 0 {
						e = at(p)
					}
					cur = append(cur, e)
				case c == '"':
					if at(p+1) != 0 && !isSpace(at(p+1)) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			case insq:
				switch {
				case c == '\\' && at(p+1) == '\'':
					p++
					cur = append(cur, '\'')
				case c == '\'':
					if at(p+1) != 0 && !isSpace(at(p+1)) {
						return nil, false
					}
					done = true
				case c == 0:
					return nil, false
				default:
					cur = append(cur, c)
				}
			default:
				switch c {
				case ' ', '\n', '\r', '\t', 0:
					done = true
				case '"':
					inq = true
				case '\'':
					insq = true
				default:
					cur = append(cur, c)
				}
			}
			if at(p) != 0 {
				p++
			}
		}
		out = append(out, string(cur))
	}
}

// fuzzLimits are the limits FuzzReader tries: the defaults, and small ones
// that short inputs can reach.
var fuzzLimits = []Limits{{}, {MaxBulkLen: 16, MaxMultibulk: 4, MaxInline: 12}}

// FuzzReader feeds arbitrary bytes to ReadCommand in several ways of
// splitting them, and checks that every way gives the reference parser's
// commands and end, that Buffered tells exactly whether ReadCommand will
// read, and that the buffer never grows past twice the input.
func FuzzReader(f *testing.F) {
	for _, tc := range readCases {
		if len(tc.in) < 4096 {
			f.Add([]byte(tc.in), uint8(3))
		}
	}
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n\r\n*0\r\nPING\r\n"), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, k uint8) {
		for _, lim := range fuzzLimits {
			wantCmds, wantEnd := refParse(data, lim)
			for how, rd := range map[string]io.Reader{
				"whole":  bytes.NewReader(data),
				"bytes":  iotest.OneByteReader(bytes.NewReader(data)),
				"chunks": &chunkReader{r: bytes.NewReader(data), rng: rand.New(rand.NewSource(int64(k))), max: 1 + int(k)},
			} {
				cr := &countReader{r: rd}
				r := NewReader(cr, lim)
				var got [][]string
				var end string
				for {
					buffered := r.Buffered()
					reads := cr.reads
					args, err := r.ReadCommand()
					if read := cr.reads > reads; read == buffered {
						t.Fatalf("%s %+v: Buffered() = %v before a ReadCommand that read: %v", how, lim, buffered, read)
					}
					if len(r.buf) > max(bufSize, 2*len(data)) {
						t.Fatalf("%s %+v: buffer of %d bytes for %d bytes of input", how, lim, len(r.buf), len(data))
					}
					if err != nil {
						end = endText(err)
						break
					}
					got = append(got, args)
				}
				if !reflect.DeepEqual(got, wantCmds) || end != wantEnd {
					t.Fatalf("%s %+v: got %s, %q; reference %s, %q", how, lim, short(got), end, short(wantCmds), wantEnd)
				}
			}
		}
	})
}

// fuzzCommands cuts data into commands of arguments, their counts and
// lengths drawn from rng; every command has at least one argument.
func fuzzCommands(data []byte, rng *rand.Rand) [][]string {
	var cmds [][]string
	for len(data) > 0 || cmds == nil {
		n := 1 + rng.Intn(5)
		if rng.Intn(20) == 0 {
			n = 1 + rng.Intn(2000)
		}
		cmd := make([]string, n)
		for i := range cmd {
			l := rng.Intn(min(len(data), 40) + 1)
			if rng.Intn(10) == 0 {
				l = len(data)
			}
			cmd[i] = string(data[:l])
			data = data[l:]
		}
		cmds = append(cmds, cmd)
	}
	return cmds
}

// quoteInline encodes args as an inline request that splits back into
// them: every argument in double quotes, with bytes other than printable
// ASCII as \xHH.
func quoteInline(args []string) string {
	var sb strings.Builder
	for i, a := range args {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteByte('"')
		for j := 0; j < len(a); j++ {
			c := a[j]
			switch {
			case c == '"' || c == '\\':
				sb.WriteByte('\\')
				sb.WriteByte(c)
			case c < ' ' || c > '~':
				fmt.Fprintf(&sb, `\x%02x`, c)
			default:
				sb.WriteByte(c)
			}
		}
		sb.WriteByte('"')
	}
	sb.WriteString("\r\n")
	return sb.String()
}

// FuzzRoundTrip encodes random commands as multibulk requests, and as
// quoted inline requests, and checks that they are read back identically,
// whole and when split at random points.
func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("SETkeyvalue"), int64(1), uint8(5))
	f.Add([]byte("\x00\r\n\"'\\ \xff"), int64(2), uint8(1))
	f.Add(bytes.Repeat([]byte("0123456789"), 3000), int64(3), uint8(200))
	f.Fuzz(func(t *testing.T, data []byte, seed int64, k uint8) {
		rng := rand.New(rand.NewSource(seed))
		cmds := fuzzCommands(data, rng)
		var multi, inline strings.Builder
		longest := 0
		for _, c := range cmds {
			multi.WriteString(mb(c...))
			l := quoteInline(c)
			inline.WriteString(l)
			longest = max(longest, len(l))
		}
		check := func(name, in string) {
			for how, rd := range map[string]io.Reader{
				"whole":  strings.NewReader(in),
				"chunks": &chunkReader{r: strings.NewReader(in), rng: rng, max: 1 + int(k)},
			} {
				got, end := readAll(rd, Limits{})
				if end != "" || !reflect.DeepEqual(got, cmds) {
					t.Fatalf("%s %s: got %s, %q; want %s", name, how, short(got), end, short(cmds))
				}
			}
		}
		check("multibulk", multi.String())
		if longest <= DefaultMaxInline {
			check("inline", inline.String())
		}
	})
}
