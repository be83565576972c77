package server_test

import (
	"testing"
	"time"
)

// TestDiffBlockingXRead compares XREAD BLOCK with redis-server over the
// wire: its timeout (the manual clock on embedis's side), readers of "$"
// served by another client's XADD in the order they blocked (each gets the
// same entries: a read consumes nothing), COUNT on a served reader, a key
// of another type that leaves readers waiting, and a pipelined command run
// once the reader is served.
func TestDiffBlockingXRead(t *testing.T) {
	s := startBoth(t)
	p, q, r := s.pair(t), s.pair(t), s.pair(t)
	q.do("XADD", "xs", "1-1", "f", "old")

	p.sendBoth("XREAD", "BLOCK", "50", "STREAMS", "xs", "$")
	s.waitBlocked(t, q, 1)
	s.embed.Clock.Advance(100 * time.Millisecond)
	p.compareNext("XREAD BLOCK after its timeout")

	p.sendBoth("XREAD", "BLOCK", "0", "STREAMS", "xs", "$")
	s.waitBlocked(t, q, 1)
	r.sendBoth("XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "none", "xs", "0", "1-1")
	s.waitBlocked(t, q, 2)
	q.do("MULTI")
	q.do("XADD", "xs", "2-1", "f", "new")
	q.do("XADD", "xs", "3-1", "f", "newer")
	q.do("EXEC")
	p.compareNext("first reader of $")
	r.compareNext("second reader, COUNT 1")

	// A string at the key leaves the reader waiting; a stream serves it.
	p.redis.sendRaw("XREAD BLOCK 0 STREAMS k 0\r\nPING\r\n")
	p.embed.sendRaw("XREAD BLOCK 0 STREAMS k 0\r\nPING\r\n")
	s.waitBlocked(t, q, 1)
	q.do("SET", "k", "str")
	q.do("DEL", "k")
	q.do("XADD", "k", "7-7", "a", "1")
	p.compareNext("XREAD served after the key changed type")
	p.compareNext("the command pipelined after XREAD")

	// BLOCK's argument errors.
	for _, c := range [][]string{
		{"XREAD", "BLOCK", "-1", "STREAMS", "xs", "$"}, {"XREAD", "BLOCK", "x", "STREAMS", "xs", "$"},
		{"XREAD", "BLOCK", "9223372036854775807", "STREAMS", "xs", "0"}, {"XREAD", "BLOCK", "0", "STREAMS", "xs", "0"},
	} {
		p.do(c...)
	}
}
