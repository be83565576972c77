package rdb

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestFunctionRecords writes libraries as FUNCTION2 records and reads them
// back, in order, with OnFunction; an error of OnFunction stops the read.
func TestFunctionRecords(t *testing.T) {
	codes := []string{"#!lua name=a\nredis.register_function('f', function() return 1 end)", "#!lua name=b\n" + strings.Repeat("-- pad\n", 50)}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Header()
	w.AuxRedis(0, 0)
	for _, c := range codes {
		w.Function(c)
	}
	w.SelectDB(0)
	w.ResizeDB(1, 0)
	w.String("k", -1, "v")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rd, err := NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	rd.OnFunction = func(code string) error { got = append(got, code); return nil }
	var e Entry
	if err := rd.Next(&e); err != nil || e.Key != "k" {
		t.Fatalf("Next = %v, %q", err, e.Key)
	}
	if err := rd.Next(&e); err != io.EOF {
		t.Fatalf("Next at the end = %v", err)
	}
	if len(got) != 2 || got[0] != codes[0] || got[1] != codes[1] {
		t.Errorf("libraries read %q", got)
	}
	stop := errors.New("stop")
	rd, _ = NewReader(bytes.NewReader(buf.Bytes()))
	rd.OnFunction = func(string) error { return stop }
	if err := rd.Next(&e); !errors.Is(err, stop) {
		t.Errorf("OnFunction's error: %v", err)
	}
}

// TestDecodeString decodes the strings an Encoder writes, plain and
// compressed, and refuses a cut one.
func TestDecodeString(t *testing.T) {
	e := Encoder{Compress: true}
	for _, s := range []string{"", "abc", "12345", strings.Repeat("abcd", 100)} {
		p := e.AppendString(nil, s)
		p = append(p, 0xff)
		got, n, err := DecodeString(p)
		if err != nil || got != s || n != len(p)-1 {
			t.Errorf("DecodeString(%q) = %q, %d, %v", s, got, n, err)
		}
		if len(p) > 2 {
			if _, _, err := DecodeString(p[:len(p)-2]); err == nil {
				t.Errorf("DecodeString of a cut %q: no error", s)
			}
		}
	}
	if PayloadChecksumOK([]byte("short")) {
		t.Error("PayloadChecksumOK of 5 bytes")
	}
	if !PayloadChecksumOK(AppendPayloadTrailer(nil)) {
		t.Error("PayloadChecksumOK of a trailer alone")
	}
}
