package server

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/persist"
)

// The diskless form's reader stops exactly at the mark, wherever the reads
// split the stream, and leaves what follows to the command stream. A file
// ending with the mark's first bytes is read whole when the reader sees the
// run of overlapping marks at once.
func TestEOFReader(t *testing.T) {
	mark := []byte(strings.Repeat("M", 40))
	const next = "*1\r\n$4\r\nPING\r\n"
	for _, c := range []struct {
		body    []byte
		oneByte bool
		size    int
	}{
		{bytes.Repeat([]byte("0123456789"), 1000), true, 41},
		{bytes.Repeat([]byte("0123456789"), 1000), true, 100},
		{bytes.Repeat([]byte("0123456789"), 1000), false, 4096},
		{bytes.Repeat([]byte("0123456789MMMM"), 1000), false, 4096},
		{bytes.Repeat([]byte("0123456789MMMM"), 1000), false, 1 << 16},
	} {
		stream := append(append(append([]byte{}, c.body...), mark...), next...)
		var src io.Reader = bytes.NewReader(stream)
		if c.oneByte {
			src = &oneByteReader{src}
		}
		br := bufio.NewReaderSize(src, c.size)
		got, err := io.ReadAll(&eofReader{br: br, mark: mark})
		if err != nil || !bytes.Equal(got, c.body) {
			t.Fatalf("%d-byte body, buffer %d: %d bytes, %v", len(c.body), c.size, len(got), err)
		}
		rest, _ := io.ReadAll(br)
		if string(rest) != next {
			t.Fatalf("buffer %d: rest %q", c.size, rest)
		}
	}
	br := bufio.NewReader(bytes.NewReader(bytes.Repeat([]byte("x"), 1000)))
	if _, err := io.ReadAll(&eofReader{br: br, mark: mark}); err != io.ErrUnexpectedEOF {
		t.Errorf("no mark: %v", err)
	}
}

// FuzzEOFReader: any bytes give the file up to the mark's first
// occurrence (or a later overlapping one) or an error, never a panic.
func FuzzEOFReader(f *testing.F) {
	f.Add([]byte("abcMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMrest"), uint8(50))
	f.Add([]byte("no mark"), uint8(16))
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		mark := []byte(strings.Repeat("M", 40))
		br := bufio.NewReaderSize(bytes.NewReader(data), int(size)+40)
		got, err := io.ReadAll(&eofReader{br: br, mark: mark})
		if err == nil && !bytes.HasPrefix(data, append(got, mark...)) {
			t.Fatalf("read %q, not followed by the mark in %q", got, data)
		}
	})
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return o.r.Read(p)
}

// A replica with appendonly yes rewrites its log after the full sync, so
// that the data directory reopens with the master's keys (the log alone
// holds only the sync's FLUSHALL and the stream).
func TestReplicaAppendOnlyKeepsTheSync(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	ms := redistest.StartArgs(t, "--port", port, "--bind", "127.0.0.1", "--repl-diskless-sync", "no")
	mc := ms.Dial(t)
	mc.MustDo(t, "SET", "a", "1")
	mc.MustDo(t, "RPUSH", "l", "x", "y")
	dir := t.TempDir()
	s, stop := aofStart(t, dir, persist.FsyncEverysec)
	c := s.dial(t)
	c.do("REPLICAOF", "127.0.0.1", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		f := infoFields(c, "replication")
		if f["master_link_status"] == "up" && infoFields(c, "persistence")["aof_rewrites"] == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sync and rewrite: %v", f)
		}
		time.Sleep(20 * time.Millisecond)
	}
	mc.MustDo(t, "SET", "b", "2")
	for {
		if c.do("GET", "b").Str == "2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("b never arrived")
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitRewriteEnds(t, c)
	stop()
	db, err := persist.Open(filepath.Join(dir, "appendonlydir"), persist.Options{AppendOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	a, _ := db.Store.Get(ctx, "a")
	b, _ := db.Store.Get(ctx, "b")
	list, _ := db.Store.LRange(ctx, "l", 0, -1)
	if a != "1" || b != "2" || len(list) != 2 {
		t.Errorf("reopened: a=%q b=%q l=%q", a, b, list)
	}
}
