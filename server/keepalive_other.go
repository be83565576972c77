//go:build !linux

package server

import (
	"net"
	"time"
)

// setKeepAlive gives a client's TCP connection tcp-keepalive's probes: the
// first after secs of silence (the interval and count are the system's
// where Go cannot set them as Redis does on Linux); 0 turns them off.
func setKeepAlive(tc *net.TCPConn, secs int) error {
	if secs <= 0 {
		return tc.SetKeepAlive(false)
	}
	if err := tc.SetKeepAlive(true); err != nil {
		return err
	}
	return tc.SetKeepAlivePeriod(time.Duration(secs) * time.Second)
}
