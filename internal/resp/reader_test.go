package resp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// chunkReader returns the data of r at most 1..max bytes per Read, the
// counts drawn from rng.
type chunkReader struct {
	r   io.Reader
	rng *rand.Rand
	max int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	n := 1 + c.rng.Intn(c.max)
	if n < len(p) {
		p = p[:n]
	}
	return c.r.Read(p)
}

// countReader counts the Read calls made on it.
type countReader struct {
	r     io.Reader
	reads int
}

func (c *countReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

// endText renders how a request stream ended as readCase.end does; an
// unexpected error is rendered with a marker that no case expects.
func endText(err error) string {
	var pe *ProtocolError
	switch {
	case err == io.EOF:
		return ""
	case err == io.ErrUnexpectedEOF:
		return partial
	case errors.As(err, &pe):
		return pe.Msg
	}
	return "unexpected error: " + err.Error()
}

// readAll reads every command from rd and how the stream ends.
func readAll(rd io.Reader, lim Limits) ([][]string, string) {
	r := NewReader(rd, lim)
	var got [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			// The error is sticky.
			if _, err2 := r.ReadCommand(); err2 != err {
				return got, fmt.Sprintf("error not sticky: %v then %v", err, err2)
			}
			return got, endText(err)
		}
		if len(args) == 0 {
			return got, "empty command returned"
		}
		got = append(got, args)
	}
}

// readers returns the ways the table tests feed input to a Reader.
func readers(in string) map[string]io.Reader {
	m := map[string]io.Reader{
		"whole":    strings.NewReader(in),
		"half":     iotest.HalfReader(strings.NewReader(in)),
		"data+EOF": iotest.DataErrReader(strings.NewReader(in)),
		"chunks":   &chunkReader{r: strings.NewReader(in), rng: rand.New(rand.NewSource(int64(len(in)))), max: 37},
		"big":      &chunkReader{r: strings.NewReader(in), rng: rand.New(rand.NewSource(1)), max: 100000},
	}
	if len(in) < 1<<20 {
		m["bytes"] = iotest.OneByteReader(strings.NewReader(in))
	}
	return m
}

// short abbreviates long test data in failure messages.
func short(v any) string {
	s := fmt.Sprintf("%q", v)
	if len(s) > 300 {
		s = s[:300] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return s
}

func TestReadCommand(t *testing.T) {
	for _, tc := range readCases {
		t.Run(tc.name, func(t *testing.T) {
			for how, rd := range readers(tc.in) {
				got, end := readAll(rd, tc.lim)
				if !reflect.DeepEqual(got, tc.cmds) && !(len(got) == 0 && len(tc.cmds) == 0) {
					t.Errorf("%s: commands %s, want %s", how, short(got), short(tc.cmds))
				}
				if end != tc.end {
					t.Errorf("%s: end %q, want %q", how, end, tc.end)
				}
			}
			// The reference parser agrees with the table.
			got, end := refParse([]byte(tc.in), tc.lim)
			if !reflect.DeepEqual(got, tc.cmds) && !(len(got) == 0 && len(tc.cmds) == 0) {
				t.Errorf("reference: commands %s, want %s", short(got), short(tc.cmds))
			}
			if end != tc.end {
				t.Errorf("reference: end %q, want %q", end, tc.end)
			}
		})
	}
}

func TestProtocolErrorText(t *testing.T) {
	_, err := NewReader(strings.NewReader("*x\r\n"), Limits{}).ReadCommand()
	var pe *ProtocolError
	if !errors.As(err, &pe) || err.Error() != errMultibulkLen || pe.Msg != errMultibulkLen {
		t.Fatalf("got %#v", err)
	}
}

// TestBuffered checks what Buffered reports after the first command of
// input that arrives in one read.
func TestBuffered(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"PING\r\n", false},
		{"PING\r\nPING\r\n", true},
		{"PING\r\nPI", false},
		{"PING\r\n\r\n", false},
		{"PING\r\n\r\n  \nPING\n", true},
		{"PING\r\n*0\r\n", false},
		{"PING\r\n*-1\r\n*0\r\n" + mb("GET", "k"), true},
		{"PING\r\n*1\r\n", false},
		{"PING\r\n*1\r\n$3\r\nab", false},
		{"PING\r\n*1\r\n$3\r\nabc\r", false},
		{"PING\r\n*1\r\n$3\r\nabc\r\n", true},
		{"PING\r\n*1\r\n$3\r\nabc..", true},
		{"PING\r\n*1\r\nx\r\n", true},
		{"PING\r\n*1\r\nx\r", false},
		{"PING\r\n*x\r\n", true},
		{"PING\r\nECHO \"a\r\n", true},
		{"PING\r\n*1\r\n$-1\r\n", true},
		{"PING\r\nPING\x00\r\n", false},
	} {
		cr := &countReader{r: strings.NewReader(tc.in)}
		r := NewReader(cr, Limits{})
		if _, err := r.ReadCommand(); err != nil {
			t.Fatalf("%q: %v", tc.in, err)
		}
		if got := r.Buffered(); got != tc.want {
			t.Errorf("%q: Buffered() = %v, want %v", tc.in, got, tc.want)
		}
		reads := cr.reads
		r.ReadCommand()
		if read := cr.reads > reads; read == tc.want {
			t.Errorf("%q: Buffered() = %v, but the next ReadCommand read: %v", tc.in, tc.want, read)
		}
	}
}

// TestBufferedLimits checks Buffered with a line too long for the limits.
func TestBufferedLimits(t *testing.T) {
	r := NewReader(strings.NewReader("PING\r\n12345678"), Limits{MaxInline: 8})
	r.ReadCommand()
	if r.Buffered() {
		t.Fatal("Buffered with 8 bytes of a line that may still end")
	}
	r = NewReader(strings.NewReader("PING\r\n123456789"), Limits{MaxInline: 8})
	r.ReadCommand()
	if !r.Buffered() {
		t.Fatal("not Buffered with a line that is already too long")
	}
}

// TestReadAfterTimeout checks that a read error other than EOF keeps the
// request in progress.
func TestReadAfterTimeout(t *testing.T) {
	in := mb("SET", "key", "value")
	rd := io.MultiReader(strings.NewReader(in[:15]), iotest.TimeoutReader(strings.NewReader(in[15:])))
	r := NewReader(iotest.OneByteReader(rd), Limits{})
	// OneByteReader over TimeoutReader: the second Read of the tail times out.
	var got []string
	var errs int
	for i := 0; i < 100 && got == nil; i++ {
		args, err := r.ReadCommand()
		if err != nil {
			if err != iotest.ErrTimeout {
				t.Fatalf("error %v", err)
			}
			errs++
			continue
		}
		got = args
	}
	if errs != 1 || !reflect.DeepEqual(got, []string{"SET", "key", "value"}) {
		t.Fatalf("got %q after %d timeouts", got, errs)
	}
}

// TestNoProgress checks that a reader returning nothing forever is given up.
func TestNoProgress(t *testing.T) {
	_, err := NewReader(emptyReader{}, Limits{}).ReadCommand()
	if err != io.ErrNoProgress {
		t.Fatalf("got %v", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// TestBufferGrowsAndShrinks checks that the buffer grows only as a long
// argument's data arrives and shrinks back afterwards.
func TestBufferGrowsAndShrinks(t *testing.T) {
	// A declared length far beyond the data must not be allocated.
	r := NewReader(strings.NewReader("*1\r\n$536870912\r\n"+strings.Repeat("x", 100)), Limits{})
	if _, err := r.ReadCommand(); err != io.ErrUnexpectedEOF {
		t.Fatalf("got %v", err)
	}
	if len(r.buf) != bufSize {
		t.Fatalf("buffer of %d bytes for 100 bytes of data", len(r.buf))
	}

	val := strings.Repeat("v", 300*1024)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte(mb("SET", "k", val)))
		pw.Write([]byte(mb("GET", "k")))
		pw.Close()
	}()
	r = NewReader(pr, Limits{})
	args, err := r.ReadCommand()
	if err != nil || len(args) != 3 || args[2] != val {
		t.Fatalf("got %d args, %v", len(args), err)
	}
	if len(r.buf) < len(val) || len(r.buf) > 2*len(val) {
		t.Fatalf("buffer of %d bytes for a %d byte argument", len(r.buf), len(val))
	}
	if args, err := r.ReadCommand(); err != nil || args[0] != "GET" {
		t.Fatalf("got %q, %v", args, err)
	}
	if len(r.buf) != bufSize {
		t.Fatalf("buffer of %d bytes after the long request", len(r.buf))
	}
}

// TestReadCommandAllocs checks the allocation budget: at most one
// allocation per argument.
func TestReadCommandAllocs(t *testing.T) {
	for _, c := range [][]string{
		{"PING"},
		{"SET", "key:000000000001", "xxx"},
		{"GET", "key"},
		{"MSET", "a", "1", "b", "2", "c", "3"},
		{"SET", "k", strings.Repeat("v", 5000)},
	} {
		in := strings.Repeat(mb(c...), 1000)
		r := NewReader(&loopReader{data: []byte(in)}, Limits{})
		r.ReadCommand()
		allocs := testing.AllocsPerRun(500, func() {
			if _, err := r.ReadCommand(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs > float64(len(c)) {
			t.Errorf("%q: %v allocations per command", c[:2], allocs)
		}
	}
}

// loopReader returns data over and over, as much as fits in each Read.
type loopReader struct {
	data []byte
	off  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], l.data[l.off:])
		n += c
		l.off = (l.off + c) % len(l.data)
	}
	return n, nil
}

// TestSplitArgs covers the inline splitter directly, beyond the table.
func TestSplitArgs(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string // nil: unbalanced quotes
	}{
		{"", []string{}},
		{"   ", []string{}},
		{"a", []string{"a"}},
		{" a  b ", []string{"a", "b"}},
		{`"a b"`, []string{"a b"}},
		{`"\x41\x4G"`, []string{"Ax4G"}},
		{`"\"`, nil},
		{`"\`, nil},
		{`"`, nil},
		{`'`, nil},
		{`''`, []string{""}},
		{`'\\'`, nil}, // the second backslash escapes the quote
		{`'\\b'`, []string{`\\b`}},
		{`'\''`, []string{`'`}},
		{`a"b"`, []string{"ab"}},
		{`a"b" c`, []string{"ab", "c"}},
		{`"a"'b'`, nil},
		{"\"a\"\x0c", []string{"a"}},
		{"a\x0cb", []string{"a\x0cb"}},
		{`"\x"`, []string{"x"}},
		{`"\xf"`, []string{"xf"}},
	} {
		data, ends, ok := splitArgs([]byte(tc.line), nil, nil)
		if tc.want == nil {
			if ok {
				t.Errorf("%q: ok, want unbalanced quotes", tc.line)
			}
			continue
		}
		got := []string{}
		start := 0
		for _, e := range ends {
			got = append(got, string(data[start:e]))
			start = e
		}
		if !ok || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q %v, want %q", tc.line, got, ok, tc.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		s  string
		v  int64
		ok bool
	}{
		{"0", 0, true}, {"1", 1, true}, {"-1", -1, true}, {"10", 10, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false}, {"-9223372036854775809", 0, false},
		{"18446744073709551615", 0, false}, {"18446744073709551616", 0, false},
		{"99999999999999999999", 0, false}, {"", 0, false}, {"-", 0, false},
		{"-0", 0, false}, {"00", 0, false}, {"01", 0, false}, {"+1", 0, false},
		{" 1", 0, false}, {"1 ", 0, false}, {"1a", 0, false},
	} {
		v, ok := parseInt([]byte(tc.s))
		if v != tc.v || ok != tc.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tc.s, v, ok, tc.v, tc.ok)
		}
	}
}

// TestArgsIndependent checks that commands read in one batch do not share
// argument slices.
func TestArgsIndependent(t *testing.T) {
	r := NewReader(bytes.NewReader([]byte(mb("SET", "a", "1")+mb("SET", "b", "2")+"SET c 3\r\n")), Limits{})
	var all [][]string
	for {
		args, err := r.ReadCommand()
		if err != nil {
			break
		}
		all = append(all, args)
	}
	all[0] = append(all[0], "x")
	want := [][]string{{"SET", "a", "1", "x"}, {"SET", "b", "2"}, {"SET", "c", "3"}}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("got %q", all)
	}
}

// TestRecycleArgs: after RecycleArgs the argument slices come from reused
// memory (no allocation but the strings'), and strings handed out earlier
// keep their values.
func TestRecycleArgs(t *testing.T) {
	in := strings.Repeat(mb("SET", "key:000000000001", "xxx"), 2000)
	r := NewReader(&loopReader{data: []byte(in)}, Limits{})
	r.RecycleArgs()
	first, err := r.ReadCommand()
	if err != nil {
		t.Fatal(err)
	}
	kept := first[1]
	allocs := testing.AllocsPerRun(500, func() {
		r.RecycleArgs()
		if _, err := r.ReadCommand(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations per command with recycled argument slices, want 1 (the strings)", allocs)
	}
	if kept != "key:000000000001" {
		t.Fatalf("a kept argument changed to %q", kept)
	}
	// Without RecycleArgs each command gets its own slice.
	r2 := NewReader(strings.NewReader(mb("GET", "a")+mb("GET", "b")), Limits{})
	a, _ := r2.ReadCommand()
	b, _ := r2.ReadCommand()
	if a[1] != "a" || b[1] != "b" {
		t.Fatalf("slices share memory without RecycleArgs: %q %q", a, b)
	}
}

func TestUnauthenticatedLimits(t *testing.T) {
	big := strings.Repeat("x", unauthMaxBulkLen)
	for _, tc := range []struct {
		in, err string
	}{
		{"*11\r\n", "Protocol error: unauthenticated multibulk length"},
		{"*2\r\n$16385\r\n", "Protocol error: unauthenticated bulk length"},
		{mb(big), ""},
		{mb("A", "B", "C", "D", "E", "F", "G", "H", "I", "J"), ""},
	} {
		for _, oneByte := range []bool{false, true} {
			var src io.Reader = strings.NewReader(tc.in)
			if oneByte {
				src = iotest.OneByteReader(src)
			}
			r := NewReader(src, Limits{})
			r.SetUnauthenticated(true)
			_, err := r.ReadCommand()
			if tc.err == "" {
				if err != nil {
					t.Errorf("%.20q (one byte at a time: %v): %v", tc.in, oneByte, err)
				}
				continue
			}
			var pe *ProtocolError
			if !errors.As(err, &pe) || pe.Error() != tc.err {
				t.Errorf("%.20q (one byte at a time: %v): %v, want %q", tc.in, oneByte, err, tc.err)
			}
		}
	}
	// Off again (after AUTH), the usual limits apply.
	r := NewReader(strings.NewReader("*11\r\n"+strings.Repeat("$1\r\na\r\n", 11)), Limits{})
	r.SetUnauthenticated(false)
	if args, err := r.ReadCommand(); err != nil || len(args) != 11 {
		t.Fatalf("authenticated 11 arguments: %d, %v", len(args), err)
	}
}

// TestFollowMaxBulkLen: the limit is read again after every read of the
// underlying reader, so a request that arrives after the limit changed is
// checked against the new one, though the reader was made (and waiting)
// under the old.
func TestFollowMaxBulkLen(t *testing.T) {
	limit := int64(100)
	pr, pw := io.Pipe()
	r := NewReader(pr, Limits{})
	r.FollowMaxBulkLen(func() int64 { return limit })
	go func() {
		pw.Write([]byte("*2\r\n$3\r\nGET\r\n$50\r\n" + strings.Repeat("x", 50) + "\r\n"))
		pw.Write([]byte("*2\r\n$3\r\nGET\r\n$50\r\n"))
	}()
	if args, err := r.ReadCommand(); err != nil || len(args) != 2 || len(args[1]) != 50 {
		t.Fatalf("under the limit: %q, %v", args, err)
	}
	limit = 10 // before the second request's read (the pipe holds it back)
	_, err := r.ReadCommand()
	var pe *ProtocolError
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "invalid bulk length") {
		t.Fatalf("over the new limit: %v", err)
	}
}
