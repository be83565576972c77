package resp

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// writeCase is one reply written in RESP2 and RESP3.
type writeCase struct {
	name   string
	write  func(w *Writer)
	resp2  string
	resp3  string // "" means the same as resp2
	parsed string // the rendering of the RESP2 reply by ReadReply
	pars3  string // "" means the same as parsed
}

var negZero = math.Copysign(0, -1)

var writeCases = []writeCase{
	{"status", func(w *Writer) { w.WriteStatus("OK") }, "+OK\r\n", "", `+"OK"`, ""},
	{"status newlines", func(w *Writer) { w.WriteStatus("a\r\nb") }, "+a  b\r\n", "", `+"a  b"`, ""},
	{"error", func(w *Writer) { w.WriteError("ERR syntax error") }, "-ERR syntax error\r\n", "", `-"ERR syntax error"`, ""},
	{"error newlines", func(w *Writer) { w.WriteError("\nERR a\nb\r\n") }, "-ERR a b\r\n", "", `-"ERR a b"`, ""},
	{"error empty", func(w *Writer) { w.WriteError("") }, "-\r\n", "", `-""`, ""},
	{"int 0", func(w *Writer) { w.WriteInt(0) }, ":0\r\n", "", ":0", ""},
	{"int 9", func(w *Writer) { w.WriteInt(9) }, ":9\r\n", "", ":9", ""},
	{"int 10", func(w *Writer) { w.WriteInt(10) }, ":10\r\n", "", ":10", ""},
	{"int -1", func(w *Writer) { w.WriteInt(-1) }, ":-1\r\n", "", ":-1", ""},
	{"int max", func(w *Writer) { w.WriteInt(math.MaxInt64) }, ":9223372036854775807\r\n", "", ":9223372036854775807", ""},
	{"int min", func(w *Writer) { w.WriteInt(math.MinInt64) }, ":-9223372036854775808\r\n", "", ":-9223372036854775808", ""},
	{"bulk", func(w *Writer) { w.WriteBulk("hello") }, "$5\r\nhello\r\n", "", `$"hello"`, ""},
	{"bulk empty", func(w *Writer) { w.WriteBulk("") }, "$0\r\n\r\n", "", `$""`, ""},
	{"bulk binary", func(w *Writer) { w.WriteBulk("a\r\n\x00b") }, "$5\r\na\r\n\x00b\r\n", "", `$"a\r\n\x00b"`, ""},
	{"bulk 12 bytes", func(w *Writer) { w.WriteBulk("0123456789ab") }, "$12\r\n0123456789ab\r\n", "", `$"0123456789ab"`, ""},
	{"bulk bytes", func(w *Writer) { w.WriteBulkBytes([]byte("xy")) }, "$2\r\nxy\r\n", "", `$"xy"`, ""},
	{"null", func(w *Writer) { w.WriteNull() }, "$-1\r\n", "_\r\n", "$-1", "_"},
	{"null array", func(w *Writer) { w.WriteNullArray() }, "*-1\r\n", "_\r\n", "*-1", "_"},
	{"empty array", func(w *Writer) { w.WriteArrayLen(0) }, "*0\r\n", "", "*[]", ""},
	{"array", func(w *Writer) { w.WriteArrayLen(2); w.WriteInt(1); w.WriteBulk("a") },
		"*2\r\n:1\r\n$1\r\na\r\n", "", `*[:1, $"a"]`, ""},
	{"map", func(w *Writer) { w.WriteMapLen(2); w.WriteBulk("a"); w.WriteInt(1); w.WriteBulk("b"); w.WriteNull() },
		"*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$-1\r\n", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n",
		`*[$"a", :1, $"b", $-1]`, `%{$"a": :1, $"b": _}`},
	{"set", func(w *Writer) { w.WriteSetLen(1); w.WriteBulk("m") }, "*1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n", `*[$"m"]`, `~{$"m"}`},
	{"push", func(w *Writer) { w.WritePushLen(2); w.WriteBulk("message"); w.WriteBulk("x") },
		"*2\r\n$7\r\nmessage\r\n$1\r\nx\r\n", ">2\r\n$7\r\nmessage\r\n$1\r\nx\r\n",
		`*[$"message", $"x"]`, `>[$"message", $"x"]`},
	{"nested", func(w *Writer) { w.WriteArrayLen(2); w.WriteArrayLen(1); w.WriteMapLen(0); w.WriteSetLen(0) },
		"*2\r\n*1\r\n*0\r\n*0\r\n", "*2\r\n*1\r\n%0\r\n~0\r\n", "*[*[*[]], *[]]", "*[*[%{}], ~{}]"},
	{"double 1.5", func(w *Writer) { w.WriteDouble(1.5) }, "$3\r\n1.5\r\n", ",1.5\r\n", `$"1.5"`, ",1.5"},
	{"double 0.1", func(w *Writer) { w.WriteDouble(0.1) }, "$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n", `$"0.10000000000000001"`, ",0.10000000000000001"},
	{"double inf", func(w *Writer) { w.WriteDouble(math.Inf(1)) }, "$3\r\ninf\r\n", ",inf\r\n", `$"inf"`, ",inf"},
	{"double -inf", func(w *Writer) { w.WriteDouble(math.Inf(-1)) }, "$4\r\n-inf\r\n", ",-inf\r\n", `$"-inf"`, ",-inf"},
	{"double nan", func(w *Writer) { w.WriteDouble(math.NaN()) }, "$3\r\nnan\r\n", ",nan\r\n", `$"nan"`, ",nan"},
	{"double -nan", func(w *Writer) { w.WriteDouble(-math.NaN()) }, "$4\r\n-nan\r\n", ",-nan\r\n", `$"-nan"`, ",-nan"},
	{"double -0", func(w *Writer) { w.WriteDouble(negZero) }, "$2\r\n-0\r\n", ",-0\r\n", `$"-0"`, ",-0"},
	{"double 3", func(w *Writer) { w.WriteDouble(3) }, "$1\r\n3\r\n", ",3\r\n", `$"3"`, ",3"},
	{"double 1e20", func(w *Writer) { w.WriteDouble(1e20) }, "$5\r\n1e+20\r\n", ",1e+20\r\n", `$"1e+20"`, ",1e+20"},
	{"double 1e-5", func(w *Writer) { w.WriteDouble(1e-5) }, "$22\r\n1.0000000000000001e-05\r\n", ",1.0000000000000001e-05\r\n", `$"1.0000000000000001e-05"`, ",1.0000000000000001e-05"},
	{"bool true", func(w *Writer) { w.WriteBool(true) }, ":1\r\n", "#t\r\n", ":1", "#t"},
	{"bool false", func(w *Writer) { w.WriteBool(false) }, ":0\r\n", "#f\r\n", ":0", "#f"},
	{"verbatim", func(w *Writer) { w.WriteVerbatim("txt", "Some string") }, "$11\r\nSome string\r\n", "=15\r\ntxt:Some string\r\n", `$"Some string"`, `="txt:Some string"`},
	{"verbatim empty", func(w *Writer) { w.WriteVerbatim("mkd", "") }, "$0\r\n\r\n", "=4\r\nmkd:\r\n", `$""`, `="mkd:"`},
	{"big number", func(w *Writer) { w.WriteBigNumber("-3492890328409238509324850943850943825024385") },
		"$44\r\n-3492890328409238509324850943850943825024385\r\n", "(-3492890328409238509324850943850943825024385\r\n",
		`$"-3492890328409238509324850943850943825024385"`, "(-3492890328409238509324850943850943825024385"},
}

func TestWriter(t *testing.T) {
	for _, tc := range writeCases {
		for _, proto := range []int{2, 3} {
			var out bytes.Buffer
			w := NewWriter(&out)
			w.SetProtocol(proto)
			if w.Protocol() != proto {
				t.Fatalf("Protocol() = %d after SetProtocol(%d)", w.Protocol(), proto)
			}
			tc.write(w)
			want := tc.resp2
			if proto == 3 && tc.resp3 != "" {
				want = tc.resp3
			}
			if w.Buffered() != len(want) {
				t.Errorf("%s RESP%d: Buffered() = %d, want %d", tc.name, proto, w.Buffered(), len(want))
			}
			if out.Len() != 0 {
				t.Errorf("%s RESP%d: wrote before Flush", tc.name, proto)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if out.String() != want {
				t.Errorf("%s RESP%d: wrote %q, want %q", tc.name, proto, out.String(), want)
			}
			if w.Buffered() != 0 {
				t.Errorf("%s RESP%d: Buffered() = %d after Flush", tc.name, proto, w.Buffered())
			}
		}
	}
}

func TestSetProtocol(t *testing.T) {
	w := NewWriter(nil)
	if w.Protocol() != 2 {
		t.Fatalf("default protocol %d", w.Protocol())
	}
	w.SetProtocol(3)
	w.SetProtocol(7)
	if w.Protocol() != 2 {
		t.Fatalf("protocol %d after SetProtocol(7)", w.Protocol())
	}
}

// TestAppendDouble compares with Redis 7.0's replies (recorded from
// redis-server 7.0.15 with Lua's {double=...} in RESP3).
func TestAppendDouble(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{1.5, "1.5"}, {0.1, "0.10000000000000001"}, {1e20, "1e+20"}, {1e16, "10000000000000000"},
		{1e17, "1e+17"}, {123456789012345678, "1.2345678901234568e+17"}, {1e-5, "1.0000000000000001e-05"},
		{1e-4, "0.0001"}, {negZero, "-0"}, {3, "3"}, {9007199254740993, "9007199254740992"},
		{math.MaxFloat64, "1.7976931348623157e+308"}, {5e-324, "4.9406564584124654e-324"},
		{100000, "100000"}, {1e15, "1000000000000000"}, {0.3, "0.29999999999999999"},
		{1.0 / 3, "0.33333333333333331"}, {math.Inf(1), "inf"}, {math.Inf(-1), "-inf"},
		{math.NaN(), "nan"}, {-math.NaN(), "-nan"},
	} {
		if got := string(AppendDouble(nil, tc.f)); got != tc.want {
			t.Errorf("AppendDouble(%v) = %q, want %q", tc.f, got, tc.want)
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	n := min(f.n, len(p))
	f.n -= n
	return n, errors.New("broken")
}

func TestFlushError(t *testing.T) {
	w := NewWriter(&failWriter{n: 3})
	w.WriteBulk("hello")
	if err := w.Flush(); err == nil {
		t.Fatal("no error")
	}
	if string(w.buf) != "\nhello\r\n" { // "$5\r" went out
		t.Fatalf("kept %q", w.buf)
	}
}

func TestFlushShrinks(t *testing.T) {
	var out bytes.Buffer
	w := NewWriter(&out)
	w.WriteBulk(string(make([]byte, 2*writeBufKeep)))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if cap(w.buf) != writeBufSize || out.Len() != 2*writeBufKeep+len("$2097152\r\n\r\n") {
		t.Fatalf("cap %d after flushing %d bytes", cap(w.buf), out.Len())
	}
}

// TestWriterAllocs checks that no reply allocates.
func TestWriterAllocs(t *testing.T) {
	b := []byte("bytes")
	for _, proto := range []int{2, 3} {
		w := NewWriter(discard{})
		w.SetProtocol(proto)
		allocs := testing.AllocsPerRun(100, func() {
			w.WriteStatus("OK")
			w.WriteError("ERR x")
			w.WriteInt(7)
			w.WriteInt(123456789)
			w.WriteBulk("value")
			w.WriteBulkBytes(b)
			w.WriteNull()
			w.WriteNullArray()
			w.WriteArrayLen(3)
			w.WriteMapLen(3)
			w.WriteSetLen(3)
			w.WritePushLen(3)
			w.WriteDouble(0.1)
			w.WriteDouble(math.Inf(1))
			w.WriteBool(true)
			w.WriteVerbatim("txt", "v")
			w.WriteBigNumber("12345678901234567890")
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("RESP%d: %v allocations", proto, allocs)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
