package server

import (
	"strconv"
	"time"
)

// timeout: a client that has sent nothing for longer than CONFIG's timeout
// (seconds; 0, the default, never) is disconnected, as Redis does — except
// while a blocking command waits, which has its own timeout. The check runs
// four times a second from the first CONFIG SET of a non-zero timeout until
// the server closes; Redis checks at its hz (10 times a second), with whole
// seconds of idleness, so both close an idle client within a second after
// its time is up.

// idleCheckEvery is how often the idle check looks at the clients.
const idleCheckEvery = 250 * time.Millisecond

// startIdleCheck starts the idle check, once.
func (s *Server) startIdleCheck() {
	s.idleOnce.Do(func() {
		go func() {
			tick := time.NewTicker(idleCheckEvery)
			defer tick.Stop()
			for {
				select {
				case <-s.done:
					return
				case now := <-tick.C:
					s.closeIdle(now)
				}
			}
		}()
	})
}

// closeIdle disconnects the clients idle for longer than timeout at now.
func (s *Server) closeIdle(now time.Time) {
	secs, _ := strconv.ParseInt(s.cfg.get("timeout"), 10, 64)
	if secs <= 0 {
		return
	}
	limit := now.UnixMilli() - secs*1000
	var idle []*conn
	s.mu.Lock()
	for _, c := range s.clients {
		last := max(c.created.UnixMilli(), c.lastAt.Load(), c.lastRead.Load())
		if last < limit && !c.waiting.Load() {
			idle = append(idle, c)
		}
	}
	s.mu.Unlock()
	for _, c := range idle {
		s.log.Debug("closing idle client", "id", c.id)
		c.kill()
	}
}
