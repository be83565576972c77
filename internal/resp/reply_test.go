package resp

import (
	"bufio"
	"bytes"
	"io"
	"reflect"
	"strings"
	"testing"
)

// TestRoundTrip writes every writeCase with Writer, in RESP2 and RESP3,
// as one stream, and reads the replies back with ReadReply.
func TestRoundTrip(t *testing.T) {
	for _, proto := range []int{2, 3} {
		var out bytes.Buffer
		w := NewWriter(&out)
		w.SetProtocol(proto)
		for _, tc := range writeCases {
			tc.write(w)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(&out)
		for _, tc := range writeCases {
			want := tc.parsed
			if proto == 3 && tc.pars3 != "" {
				want = tc.pars3
			}
			rep, err := ReadReply(r)
			if err != nil {
				t.Fatalf("%s RESP%d: %v", tc.name, proto, err)
			}
			if rep.String() != want {
				t.Errorf("%s RESP%d: read back %s, want %s", tc.name, proto, rep, want)
			}
		}
		if _, err := ReadReply(r); err != io.EOF {
			t.Fatalf("RESP%d: at the end: %v", proto, err)
		}
	}
}

// TestReadReplyValues checks the fields of parsed replies.
func TestReadReplyValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Reply
	}{
		{"+OK\r\n", Reply{Kind: '+', Str: "OK"}},
		{"-ERR x\r\n", Reply{Kind: '-', Str: "ERR x"}},
		{":-42\r\n", Reply{Kind: ':', Int: -42}},
		{"$3\r\na\r\n\r\n", Reply{Kind: '$', Str: "a\r\n"}},
		{"$-1\r\n", Reply{Kind: '$', Null: true}},
		{"*-1\r\n", Reply{Kind: '*', Null: true}},
		{"_\r\n", Reply{Kind: '_', Null: true}},
		{"#t\r\n", Reply{Kind: '#', Int: 1}},
		{"#f\r\n", Reply{Kind: '#'}},
		{",1.5\r\n", Reply{Kind: ',', Str: "1.5"}},
		{"(123\r\n", Reply{Kind: '(', Str: "123"}},
		{"=7\r\ntxt:abc\r\n", Reply{Kind: '=', Str: "txt:abc"}},
		{"!8\r\nERR x\r\ny\r\n", Reply{Kind: '!', Str: "ERR x\r\ny"}},
		{"*1\r\n:1\r\n", Reply{Kind: '*', Elems: []Reply{{Kind: ':', Int: 1}}}},
		{"%1\r\n+k\r\n:1\r\n", Reply{Kind: '%', Elems: []Reply{{Kind: '+', Str: "k"}, {Kind: ':', Int: 1}}}},
		{"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n", Reply{Kind: '$', Str: "v", Attrs: []Reply{{Kind: '+', Str: "ttl"}, {Kind: ':', Int: 3}}}},
		{"$?\r\n;2\r\nab\r\n;1\r\nc\r\n;0\r\n", Reply{Kind: '$', Str: "abc"}},
		{"*?\r\n:1\r\n.\r\n", Reply{Kind: '*', Elems: []Reply{{Kind: ':', Int: 1}}}},
	} {
		got, err := ReadReply(bufio.NewReader(strings.NewReader(tc.in)))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: got %#v, %v; want %#v", tc.in, got, err, tc.want)
		}
	}
}

// TestReadReplyString checks renderings of replies the Writer does not
// produce.
func TestReadReplyString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"!21\r\nSYNTAX invalid syntax\r\n", `!"SYNTAX invalid syntax"`},
		{"|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
			`|{+"key-popularity": %{$"a": ,0.1923, $"b": ,0.0012}} *[:2039123, :9543892]`},
		{"*2\r\n|1\r\n+a\r\n:1\r\n:2\r\n:3\r\n", `*[|{+"a": :1} :2, :3]`},
		{"$?\r\n;4\r\nHell\r\n;5\r\no wor\r\n;1\r\nd\r\n;0\r\n", `$"Hello word"`},
		{"~?\r\n+a\r\n:1\r\n.\r\n", `~{+"a", :1}`},
		{"%?\r\n+a\r\n:1\r\n+b\r\n:2\r\n.\r\n", `%{+"a": :1, +"b": :2}`},
		{">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n", `>[$"message", $"ch", $"m"]`},
		{",-1.5e-3\r\n", ",-1.5e-3"},
		{",-nan\r\n", ",-nan"},
		{"*3\r\n$1\r\n,\r\n+, \r\n$2\r\n]\"\r\n", `*[$",", +", ", $"]\""]`},
	} {
		got, err := ReadReply(bufio.NewReader(strings.NewReader(tc.in)))
		if err != nil || got.String() != tc.want {
			t.Errorf("%q: got %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestReadReplyErrors(t *testing.T) {
	for _, tc := range []struct {
		in  string
		eof error // nil: any error but EOF
	}{
		{"", io.EOF},
		{"+OK", io.ErrUnexpectedEOF},
		{"$5\r\nab", io.ErrUnexpectedEOF},
		{"$2\r\nab", io.ErrUnexpectedEOF},
		{"*2\r\n:1\r\n", io.ErrUnexpectedEOF},
		{"$?\r\n;2\r\nab\r\n", io.ErrUnexpectedEOF},
		{"*?\r\n:1\r\n", io.ErrUnexpectedEOF},
		{"+OK\n", nil},
		{"\r\n", nil},
		{"?x\r\n", nil},
		{":x\r\n", nil},
		{":\r\n", nil},
		{"$x\r\n", nil},
		{"$-2\r\n", nil},
		{"$2\r\nabc\r\n", nil},
		{"*-2\r\n", nil},
		{"%-1\r\n", nil},
		{"!-1\r\n", nil},
		{"_x\r\n", nil},
		{"#x\r\n", nil},
		{",x\r\n", nil},
		{",1,2\r\n", nil},
		{"(1a\r\n", nil},
		{"(\r\n", nil},
		{"=2\r\nab\r\n", nil},
		{"$?\r\n;x\r\n", nil},
		{"*?\r\n.x\r\n", nil},
		{"%?\r\n:1\r\n.\r\n", nil},
		{".\r\n", nil},
		{strings.Repeat("*1\r\n", 2000) + ":1\r\n", nil},
	} {
		_, err := ReadReply(bufio.NewReader(strings.NewReader(tc.in)))
		if err == nil || (tc.eof != nil && err != tc.eof) || (tc.eof == nil && (err == io.EOF || err == io.ErrUnexpectedEOF)) {
			t.Errorf("%q: error %v, want %v", tc.in, err, tc.eof)
		}
	}
}
