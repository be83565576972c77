package resp

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math"
	"math/rand"
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/redistest"
)

// rawConn is a connection to redis-server that keeps the raw bytes of the
// replies it reads.
type rawConn struct {
	t    testing.TB
	conn net.Conn
	rec  bytes.Buffer
	br   *bufio.Reader
}

func dialRaw(t testing.TB, sock string) *rawConn {
	t.Helper()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c := &rawConn{t: t, conn: conn}
	c.br = bufio.NewReader(io.TeeReader(conn, &c.rec))
	return c
}

func (c *rawConn) Close() { c.conn.Close() }

// do sends a command and returns the raw bytes of its reply.
func (c *rawConn) do(args ...string) string {
	c.t.Helper()
	c.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.conn.Write([]byte(mb(args...))); err != nil {
		c.t.Fatal(err)
	}
	c.rec.Reset()
	if _, err := ReadReply(c.br); err != nil {
		c.t.Fatalf("%q: %v", args, err)
	}
	if c.br.Buffered() != 0 {
		c.t.Fatalf("%q: more than one reply", args)
	}
	return c.rec.String()
}

// isClosed reports whether err says the peer closed the connection.
func isClosed(err error) bool {
	return err == io.EOF || errors.Is(err, syscall.ECONNRESET)
}

// exchange sends in on a fresh connection and reads the replies to n
// commands, then checks how the connection ends: with the error reply to
// the protocol error end and a close, or, when end is "" or partial, with
// the server still waiting for input.
func exchange(t *testing.T, sock, in string, n int, end string) []string {
	t.Helper()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		conn.Write([]byte(in)) // fails when Redis closes first
	}()
	defer func() { conn.Close(); <-wrote }()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	br := bufio.NewReader(conn)
	var replies []string
	for i := 0; i < n; i++ {
		rep, err := ReadReply(br)
		if err != nil {
			t.Fatalf("reply %d of %d: %v", i+1, n, err)
		}
		replies = append(replies, rep.String())
	}
	if end != "" && end != partial {
		rep, err := ReadReply(br)
		if err != nil || rep.Kind != '-' || rep.Str != "ERR "+end {
			t.Fatalf("after %d replies: %s, %v; want the error %q", n, rep, err, end)
		}
		if _, err := br.ReadByte(); !isClosed(err) {
			t.Fatalf("Redis did not close after the protocol error: %v", err)
		}
		return replies
	}
	conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if rep, err := ReadReply(br); err == nil {
		t.Fatalf("after %d replies, one more: %s", n, rep)
	} else if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("after %d replies: %v; want Redis to wait for more input", n, err)
	}
	return replies
}

// TestRedisReadCases replays every readCase against redis-server: Redis
// must reply to the raw input as it replies to the commands Reader found,
// sent on another connection in canonical form, and must end the
// connection as the case says.
func TestRedisReadCases(t *testing.T) {
	srv := redistest.Start(t)
	ctl := dialRaw(t, srv.Socket)
	defer ctl.Close()
	t.Logf("redis-server %s", redisVersion(ctl))
	for _, tc := range readCases {
		if tc.local || tc.lim != (Limits{}) {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			ctl.do("FLUSHALL")
			raw := exchange(t, srv.Socket, tc.in, len(tc.cmds), tc.end)
			var canon strings.Builder
			for _, c := range tc.cmds {
				canon.WriteString(mb(c...))
			}
			ctl.do("FLUSHALL")
			want := exchange(t, srv.Socket, canon.String(), len(tc.cmds), "")
			for i := range want {
				if raw[i] != want[i] {
					t.Errorf("reply %d: raw input gets %s, the commands Reader read get %s", i+1, short(raw[i]), short(want[i]))
				}
			}
		})
	}
}

// redisVersion returns the server's version.
func redisVersion(c *rawConn) string {
	info := c.do("INFO", "server")
	if i := strings.Index(info, "redis_version:"); i >= 0 {
		v := info[i+len("redis_version:"):]
		return v[:strings.IndexByte(v, '\r')]
	}
	return "unknown"
}

// TestRedisReplies compares Writer's bytes with Redis's replies of each
// kind, in RESP2 and RESP3.
func TestRedisReplies(t *testing.T) {
	srv := redistest.Start(t)
	for _, proto := range []int{2, 3} {
		c := dialRaw(t, srv.Socket)
		defer c.Close()
		if proto == 3 {
			c.do("HELLO", "3")
		}
		check := func(args []string, write func(w *Writer)) {
			t.Helper()
			got := c.do(args...)
			var out bytes.Buffer
			w := NewWriter(&out)
			w.SetProtocol(proto)
			write(w)
			w.Flush()
			if out.String() != got {
				t.Errorf("RESP%d %q: Redis %q, Writer %q", proto, args, got, out.String())
			}
		}
		c.do("FLUSHALL")
		check([]string{"SET", "k", "v\r\n"}, func(w *Writer) { w.WriteStatus("OK") })
		check([]string{"GET", "k"}, func(w *Writer) { w.WriteBulk("v\r\n") })
		check([]string{"GET", "nosuch"}, func(w *Writer) { w.WriteNull() })
		check([]string{"BLPOP", "nosuch", "0.01"}, func(w *Writer) { w.WriteNullArray() })
		check([]string{"LRANGE", "nosuch", "0", "-1"}, func(w *Writer) { w.WriteArrayLen(0) })
		for _, n := range []int64{0, 1, 9, 10, -1, -10, 99, 100, 9999, 10000, -123456, math.MaxInt64, math.MinInt64} {
			c.do("SET", "n", "0")
			check([]string{"INCRBY", "n", strconv.FormatInt(n, 10)}, func(w *Writer) { w.WriteInt(n) })
		}
		c.do("HSET", "h", "f", "v")
		check([]string{"HGETALL", "h"}, func(w *Writer) { w.WriteMapLen(1); w.WriteBulk("f"); w.WriteBulk("v") })
		c.do("SADD", "s", "m")
		check([]string{"SMEMBERS", "s"}, func(w *Writer) { w.WriteSetLen(1); w.WriteBulk("m") })
		check([]string{"ZINCRBY", "z", "1.5", "m"}, func(w *Writer) { w.WriteDouble(1.5) })
		check([]string{"ZINCRBY", "z", "0.1", "m"}, func(w *Writer) { w.WriteDouble(1.6) })
		check([]string{"ZINCRBY", "z", "inf", "m"}, func(w *Writer) { w.WriteDouble(math.Inf(1)) })
		check([]string{"EVAL", "redis.setresp(3); return true", "0"}, func(w *Writer) { w.WriteBool(true) })
		check([]string{"EVAL", "redis.setresp(3); return {big_number='-12345678901234567890123'}", "0"},
			func(w *Writer) { w.WriteBigNumber("-12345678901234567890123") })
		doc := c.do("MEMORY", "DOCTOR")
		rep, err := ReadReply(bufio.NewReader(strings.NewReader(doc)))
		if err != nil {
			t.Fatal(err)
		}
		text := strings.TrimPrefix(rep.Str, "txt:")
		check([]string{"MEMORY", "DOCTOR"}, func(w *Writer) { w.WriteVerbatim("txt", text) })

		// Doubles, formatted by Redis from values Lua reads back exactly.
		rng := rand.New(rand.NewSource(1))
		vals := []float64{0, negZero, 1, -1, 0.1, 1.0 / 3, 1e15, 1e16, 1e17, 1e20, 1e-4, 1e-5, 5e-324,
			math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789012345678}
		for i := 0; i < 200; i++ {
			f := math.Float64frombits(rng.Uint64())
			if math.IsNaN(f) || math.IsInf(f, 0) {
				continue
			}
			vals = append(vals, f, float64(rng.Int63n(1<<53))/float64(int64(1)<<rng.Intn(60)))
		}
		for _, f := range vals {
			lit := strconv.FormatFloat(f, 'g', -1, 64)
			check([]string{"EVAL", "redis.setresp(3); return {double=tonumber(ARGV[1])}", "0", lit},
				func(w *Writer) { w.WriteDouble(f) })
		}
		check([]string{"EVAL", "redis.setresp(3); return {double=-1/0}", "0"}, func(w *Writer) { w.WriteDouble(math.Inf(-1)) })

		// A push message comes last: the connection is then subscribed.
		check([]string{"SUBSCRIBE", "ch"}, func(w *Writer) {
			w.WritePushLen(3)
			w.WriteBulk("subscribe")
			w.WriteBulk("ch")
			w.WriteInt(1)
		})
	}
}
