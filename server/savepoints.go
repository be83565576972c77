package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/embedis/embedis"
)

// Save points: redis.conf's save directive ("save 3600 1 300 100 60
// 10000"), as redis-server 7.0 keeps it.
//
// Every cronInterval (Redis's serverCron runs every 100 ms at hz 10) the
// server checks, as serverCron does, whether some save point is reached:
// at least Changes changes since the last successful save, and more than
// Seconds whole seconds since it. Then it starts a BGSAVE through the same
// machinery as the command (persistence.go), unless one runs already.
// After a failed BGSAVE the next automatic one waits until more than
// bgsaveRetryDelay seconds have passed since the failed one started
// (Redis's CONFIG_BGSAVE_RETRY_DELAY), so that a full disk is not retried
// ten times a second.
//
// The check reads the time off the owner and takes the owner role only
// when some save point's time has come: for the change count and, when a
// save is due, the snapshot's epoch (Tx.StartSnapshot), nothing longer.
//
// As Redis, after a failed BGSAVE while there are save points, write
// commands and PING are refused with MISCONF until a save succeeds, unless
// stop-writes-on-bgsave-error is no.
//
// With save points, as in Redis: SHUTDOWN without NOSAVE saves (and fails,
// "ERR Errors trying to SHUTDOWN. Check logs.", when it cannot); Shutdown
// (SIGTERM, SIGINT) saves and keeps serving when it cannot; FLUSHALL
// saves the emptied store.

// SavePoint is one save point: a snapshot is saved in the background once
// at least Changes changes were made (as rdb_changes_since_last_save counts
// them: one per key written) and more than Seconds seconds passed since the
// last successful save.
type SavePoint struct {
	Seconds int64 // at least 1
	Changes int64 // may be negative only as Redis's C int wraps it: then always reached
}

// cronInterval is how often the save points are checked.
const cronInterval = 100 * time.Millisecond

// bgsaveRetryDelay is Redis's CONFIG_BGSAVE_RETRY_DELAY, in seconds.
const bgsaveRetryDelay = 5

// errInvalidSave is CONFIG SET save's and ParseSavePoints's error text.
const errInvalidSave = "Invalid save parameters"

// DefaultSavePoints returns redis-server's save points when its
// configuration names none: "3600 1 300 100 60 10000" (a new slice each
// time).
func DefaultSavePoints() []SavePoint { return []SavePoint{{3600, 1}, {300, 100}, {60, 10000}} }

// ParseSavePoints parses save points as redis.conf's save directive and
// CONFIG SET save take them: pairs of seconds (at least 1) and changes (at
// least 0; a number beyond a C int wraps as in Redis), separated by single
// spaces. "" means none (save ""). A malformed value is an error whose text
// is Redis's: "Invalid save parameters".
func ParseSavePoints(s string) ([]SavePoint, error) {
	v, msg := parseSaveParams(s)
	if msg != "" {
		return nil, errors.New(msg)
	}
	return savePointsOf(v), nil
}

// savePointsOf returns the save points of a value parseSaveParams
// accepted.
func savePointsOf(v string) []SavePoint {
	words := splitConfigArgs(v)
	ps := make([]SavePoint, 0, len(words)/2)
	for j := 0; j+1 < len(words); j += 2 {
		sec, _ := strconv.ParseInt(words[j], 10, 64)
		ch, _ := strconv.ParseInt(words[j+1], 10, 64)
		ps = append(ps, SavePoint{sec, ch})
	}
	return ps
}

// FormatSavePoints formats save points as CONFIG GET save shows them:
// "3600 1 300 100", or "" for none.
func FormatSavePoints(ps []SavePoint) string {
	parts := make([]string, 0, 2*len(ps))
	for _, p := range ps {
		parts = append(parts, strconv.FormatInt(p.Seconds, 10), strconv.FormatInt(p.Changes, 10))
	}
	return strings.Join(parts, " ")
}

// errMisconf is Redis's refusal of writes after a failed BGSAVE.
const errMisconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."

// setSavePoints replaces the save points (CONFIG SET save).
func (p *persistence) setSavePoints(ps []SavePoint) {
	p.mu.Lock()
	p.points = ps
	p.refreshDeny()
	p.mu.Unlock()
}

// setStopWritesOnError is CONFIG SET stop-writes-on-bgsave-error.
func (p *persistence) setStopWritesOnError(stop bool) {
	p.mu.Lock()
	p.keepWritesOnErr = !stop
	p.refreshDeny()
	p.mu.Unlock()
}

// refreshDeny recomputes denyWrites as Redis's rule says: with
// stop-writes-on-bgsave-error yes, save points and the last BGSAVE failed,
// write commands and PING are refused with MISCONF until a save succeeds
// (or the save points or the setting change). Called with mu held.
func (p *persistence) refreshDeny() {
	p.denyWrites.Store(!p.keepWritesOnErr && len(p.points) > 0 && !p.lastBgOK)
}

// deniesWrite reports whether MISCONF refuses cmd now: a write command, PING,
// or EXEC of a transaction that queued a write.
func (c *conn) deniesWrite(cmd *embedis.Command) bool {
	if !c.srv.persist.denyWrites.Load() {
		return false
	}
	switch {
	case hasFlag(cmd, "write"), cmd.Name == "ping":
		return true
	case cmd.Name == "exec" && c.multi:
		for _, args := range c.queue {
			if q := embedis.LookupCommand(args[0]); q != nil && hasFlag(q, "write") {
				return true
			}
		}
	}
	return false
}

// savePoints returns the save points in effect (CONFIG GET save).
func (p *persistence) savePoints() []SavePoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.points
}

// hasSavePoints reports whether any save point is configured.
func (p *persistence) hasSavePoints() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.points) > 0
}

// dueLocked returns the save point reached with changes unsaved changes at
// now, or nil. Called with mu held.
func (p *persistence) dueLocked(changes int64, now time.Time) *SavePoint {
	if p.bg != nil || p.stopped || p.aof.rewriting {
		return nil
	}
	sinceSave := now.Unix() - p.lastSave.Unix()
	retryOK := p.lastBgOK || now.Unix()-p.lastBgTry.Unix() > bgsaveRetryDelay
	if !retryOK {
		return nil
	}
	for i := range p.points {
		sp := &p.points[i]
		if changes >= sp.Changes && sinceSave > sp.Seconds {
			return sp
		}
	}
	return nil
}

// cron checks the save points every cronInterval until stop.
func (p *persistence) cron() {
	defer close(p.cronDone)
	t := time.NewTicker(cronInterval)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
		}
		p.checkSavePoints(time.Now())
	}
}

// checkSavePoints starts a BGSAVE if a save point is reached at now. The
// owner role is taken only once some save point's time has come (assuming
// every change made): then the change count decides.
func (p *persistence) checkSavePoints(now time.Time) {
	p.mu.Lock()
	timeHasCome := p.dueLocked(1<<62, now) != nil
	p.mu.Unlock()
	if !timeHasCome {
		return
	}
	p.srv.store.Atomic(embedis.WaitWhenBusy(context.Background()), func(tx *embedis.Tx) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		sp := p.dueLocked(tx.Changes()-p.savedChanges, now)
		if sp == nil {
			return nil
		}
		p.srv.log.Info(fmt.Sprintf("%d changes in %d seconds. Saving...", sp.Changes, sp.Seconds))
		p.startBackground(tx)
		return nil
	})
}

// flushAllSave is FLUSHALL's save with save points, as Redis 7.0 saves
// the emptied store at once (its rdbSave in FLUSHALL): the snapshot is
// taken now, as the owner, and written by the returned function, which
// the connection runs off the owner before it answers. It returns nil
// without save points. A failed write is logged; FLUSHALL still answers
// OK, as Redis's does.
func (p *persistence) flushAllSave(tx *embedis.Tx) func() {
	p.mu.Lock()
	if len(p.points) == 0 || p.stopped {
		p.mu.Unlock()
		return nil
	}
	sn, prev, done := p.queue(tx)
	p.mu.Unlock()
	return func() {
		if p.write(context.Background(), sn, prev, done) == nil {
			p.srv.log.Info("DB saved on disk")
		}
	}
}

// Shutdown stops the server as redis-server stops on SIGTERM (sigint false)
// or SIGINT (sigint true): with save points (Options.SavePoints, CONFIG SET
// save), it saves the snapshot file first, during a turn as the owner, so
// that no client is answered after the snapshot. CONFIG SET
// shutdown-on-sigterm (shutdown-on-sigint) changes that as in Redis: save
// saves even without save points, nosave skips the save, force stops even
// if it fails (now changes nothing: there are no replicas to wait for). When the save fails (and force is not set) Shutdown logs why,
// returns the error and the server goes on serving, as Redis does ("Errors
// trying to shut down the server"). Otherwise it closes the server, as
// Close does, and returns nil. After Close it saves nothing.
func (s *Server) Shutdown(sigint bool) error {
	select {
	case <-s.done: // closed already (Close, SHUTDOWN): nothing to save
		return s.Close()
	default:
	}
	name := "shutdown-on-sigterm"
	if sigint {
		name = "shutdown-on-sigint"
	}
	flags := strings.Fields(s.cfg.get(name))
	has := func(f string) bool {
		for _, g := range flags {
			if g == f {
				return true
			}
		}
		return false
	}
	save := has("save") || (s.persist.hasSavePoints() && !has("nosave"))
	if save {
		var err error
		s.store.Atomic(embedis.WaitWhenBusy(context.Background()), func(tx *embedis.Tx) error {
			err = s.persist.shutdownSave(tx)
			return nil
		})
		if err != nil {
			if !has("force") {
				s.log.Error("Error trying to save the DB, can't exit.", "err", err)
				s.log.Warn("Errors trying to shut down the server. Check the logs for more information.")
				return err
			}
			s.log.Warn("Error trying to save the DB. Exit anyway.", "err", err)
		}
	}
	return s.Close()
}
