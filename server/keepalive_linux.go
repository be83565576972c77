package server

import (
	"net"
	"syscall"
	"time"
)

// setKeepAlive gives a client's TCP connection tcp-keepalive's probes as
// Redis sets them: the first after secs of silence, then every secs/3
// (at least 1), and the peer is dropped after 3 unanswered; 0 turns them
// off.
func setKeepAlive(tc *net.TCPConn, secs int) error {
	if secs <= 0 {
		return tc.SetKeepAlive(false)
	}
	if err := tc.SetKeepAlive(true); err != nil {
		return err
	}
	if err := tc.SetKeepAlivePeriod(time.Duration(secs) * time.Second); err != nil {
		return err
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL, max(secs/3, 1))
		if serr == nil {
			serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT, 3)
		}
	})
	if err != nil {
		return err
	}
	return serr
}
