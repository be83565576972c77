package embedistest

import (
	"io"
	"net"
	"os"
	"sync"
	"time"
)

// memPipe returns the two ends of an in-memory, full-duplex connection.
// Unlike net.Pipe its writes are buffered and never wait for the reader, so
// a pipelining client and the server cannot block each other; deadlines work
// as on a socket.
func memPipe() (client, server net.Conn) {
	a, b := newMemBuffer(), newMemBuffer()
	client = &memConn{in: a, out: b, local: memAddr("client"), remote: memAddr("embedis")}
	server = &memConn{in: b, out: a, local: memAddr("embedis"), remote: memAddr("client")}
	return client, server
}

type memAddr string

func (a memAddr) Network() string { return "memory" }
func (a memAddr) String() string  { return string(a) }

// memBuffer is one direction of a memConn.
type memBuffer struct {
	mu       sync.Mutex
	data     []byte
	closed   bool
	deadline time.Time
	wake     chan struct{} // closed when data, close or a new deadline arrive
}

func newMemBuffer() *memBuffer { return &memBuffer{wake: make(chan struct{})} }

// signal wakes every waiting reader; mu must be held.
func (b *memBuffer) signal() {
	close(b.wake)
	b.wake = make(chan struct{})
}

func (b *memBuffer) read(p []byte) (int, error) {
	for {
		b.mu.Lock()
		if len(b.data) > 0 {
			n := copy(p, b.data)
			b.data = b.data[n:]
			if len(b.data) == 0 {
				b.data = nil
			}
			b.mu.Unlock()
			return n, nil
		}
		if b.closed {
			b.mu.Unlock()
			return 0, io.EOF
		}
		deadline, wake := b.deadline, b.wake
		b.mu.Unlock()
		if deadline.IsZero() {
			<-wake
			continue
		}
		d := time.Until(deadline)
		if d <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		t := time.NewTimer(d)
		select {
		case <-wake:
			t.Stop()
		case <-t.C:
		}
	}
}

func (b *memBuffer) write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, io.ErrClosedPipe
	}
	b.data = append(b.data, p...)
	b.signal()
	return len(p), nil
}

func (b *memBuffer) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed {
		b.closed = true
		b.signal()
	}
}

func (b *memBuffer) setDeadline(t time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.deadline = t
	b.signal()
}

// memConn is one end: it reads from in and writes to out.
type memConn struct {
	in, out       *memBuffer
	local, remote net.Addr
	once          sync.Once
}

func (c *memConn) Read(p []byte) (int, error) {
	n, err := c.in.read(p)
	if err == io.ErrClosedPipe {
		err = net.ErrClosed
	}
	return n, err
}

func (c *memConn) Write(p []byte) (int, error) { return c.out.write(p) }

// Close ends both directions: the peer reads EOF, and writes fail.
func (c *memConn) Close() error {
	c.once.Do(func() {
		c.in.close()
		c.out.close()
	})
	return nil
}

func (c *memConn) LocalAddr() net.Addr  { return c.local }
func (c *memConn) RemoteAddr() net.Addr { return c.remote }

func (c *memConn) SetDeadline(t time.Time) error {
	c.in.setDeadline(t)
	return nil
}

func (c *memConn) SetReadDeadline(t time.Time) error {
	c.in.setDeadline(t)
	return nil
}

// SetWriteDeadline is accepted and has no effect: writes never wait.
func (c *memConn) SetWriteDeadline(t time.Time) error { return nil }
