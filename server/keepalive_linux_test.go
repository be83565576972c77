package server

import (
	"net"
	"syscall"
	"testing"
)

// keepAliveOf reads the keepalive settings of the server's side of the
// client connection with the given id.
func keepAliveOf(t *testing.T, s *Server, id int64) (on, idle, intvl, cnt int) {
	t.Helper()
	s.mu.Lock()
	c := s.clients[id]
	s.mu.Unlock()
	if c == nil {
		t.Fatalf("no client %d", id)
	}
	raw, err := c.nc.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	raw.Control(func(fd uintptr) {
		get := func(level, opt int) int {
			v, err := syscall.GetsockoptInt(int(fd), level, opt)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		on = get(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
		idle = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
		intvl = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL)
		cnt = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT)
	})
	return
}

// TestTCPKeepAlive: tcp-keepalive is honoured as Redis honours it, for the
// connections accepted after it is set.
func TestTCPKeepAlive(t *testing.T) {
	s := admStart(t, Options{})
	c := s.dial(t)
	id := c.do("CLIENT", "ID").Int
	if on, idle, intvl, cnt := keepAliveOf(t, s.srv, id); on == 0 || idle != 300 || intvl != 100 || cnt != 3 {
		t.Errorf("default keepalive: on %d, idle %d, interval %d, count %d; want 300, 100, 3", on, idle, intvl, cnt)
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "tcp-keepalive", "2")
	d := s.dial(t)
	if on, idle, intvl, cnt := keepAliveOf(t, s.srv, d.do("CLIENT", "ID").Int); on == 0 || idle != 2 || intvl != 1 || cnt != 3 {
		t.Errorf("tcp-keepalive 2: on %d, idle %d, interval %d, count %d; want 2, 1, 3", on, idle, intvl, cnt)
	}
	c.expect(`+"OK"`, "CONFIG", "SET", "tcp-keepalive", "0")
	e := s.dial(t)
	if on, _, _, _ := keepAliveOf(t, s.srv, e.do("CLIENT", "ID").Int); on != 0 {
		t.Errorf("tcp-keepalive 0: keepalive still on")
	}
}
