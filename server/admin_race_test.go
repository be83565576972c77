package server

import (
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestAdminConcurrent runs the administrative commands on many connections
// at once, with ordinary traffic and connections killing each other, for
// the race detector.
func TestAdminConcurrent(t *testing.T) {
	s := admStart(t, Options{})
	const workers, rounds = 8, 60
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var nc net.Conn
			var c *admConn
			connect := func() {
				var err error
				if nc, err = net.Dial("tcp", s.addr); err != nil {
					t.Error(err)
					return
				}
				c = &admConn{t: t, nc: nc, r: newAdmReader(nc)}
			}
			connect()
			defer func() { nc.Close() }()
			for i := 0; i < rounds && c != nil; i++ {
				key := "k" + strconv.Itoa(w)
				cmds := [][]string{
					{"SET", key, strconv.Itoa(i)},
					{"CLIENT", "SETNAME", "w" + strconv.Itoa(w)},
					{"CLIENT", "LIST"},
					{"INFO", "everything"},
					{"CONFIG", "SET", "maxclients", strconv.Itoa(1000 + i), "proto-max-bulk-len", "512mb"},
					{"CONFIG", "SET", "client-output-buffer-limit", "normal " + strconv.Itoa(64+i) + "mb 0 0"},
					{"CONFIG", "GET", "*"},
					{"COMMAND", "INFO", "get", "client|list"},
					{"CLIENT", "KILL", "ID", strconv.Itoa(1 + (i*7+w)%(workers*2))},
				}
				if i%20 == 0 {
					cmds = append(cmds, []string{"CONFIG", "RESETSTAT"})
				}
				var buf []byte
				for _, args := range cmds {
					buf = append(buf, "*"+strconv.Itoa(len(args))+"\r\n"...)
					for _, a := range args {
						buf = append(buf, "$"+strconv.Itoa(len(a))+"\r\n"+a+"\r\n"...)
					}
				}
				nc.Write(buf) // a killed connection fails below
				nc.SetReadDeadline(time.Now().Add(10 * time.Second))
				for range cmds {
					if _, err := readAdmReply(c); err != nil {
						// Killed by another worker: come back.
						nc.Close()
						connect()
						break
					}
				}
			}
		}(w)
	}
	wg.Wait()
	c := s.dial(t)
	c.expect(`+"PONG"`, "PING")
}
