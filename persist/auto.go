package persist

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// SaveRule is one of redis.conf's save points: Save runs once at least
// Changes key changes were made and at least After has passed (on the
// store's clock) since the last save. `save 3600 1 300 100 60 10000` is
//
//	[]persist.SaveRule{{time.Hour, 1}, {5 * time.Minute, 100}, {time.Minute, 10000}}
type SaveRule struct {
	After   time.Duration
	Changes int64
}

// autoTick returns the ticks of the automatic saves and a function that
// stops them; tests replace it to send ticks themselves.
var autoTick = func() (<-chan time.Time, func()) {
	t := time.NewTicker(time.Second)
	return t.C, t.Stop
}

// autoSaves runs while the DB is open when it has save rules or automatic
// compaction: once a second (on the wall clock, as Redis's serverCron) it
// checks them and Saves when one is met. A failed automatic Save is logged
// and tried again at the next tick.
func (db *DB) autoSaves(tick <-chan time.Time, stop func()) {
	defer close(db.autoDone)
	defer stop()
	for {
		select {
		case <-db.autoStop:
			return
		case <-tick:
		}
		why := db.autoDue()
		if why == "" {
			continue
		}
		if err := db.Save(context.Background()); err != nil {
			db.logger.Error("automatic save failed", "reason", why, "err", err)
		} else {
			db.logger.Info("automatic save done", "reason", why)
		}
	}
}

// autoDue returns why a Save is due ("" if none): a save rule met, or a log
// grown past AutoCompactPercent of the base snapshot.
func (db *DB) autoDue() string {
	db.mu.Lock()
	lastAt, lastChanges, man, logOn := db.lastSaveAt, db.lastChanges, db.man, db.logOn.Load()
	db.mu.Unlock()
	if len(db.opts.SaveRules) > 0 {
		st, err := db.Store.Stats(context.Background())
		if err != nil {
			return ""
		}
		changes := st.Changes - lastChanges
		since := db.Store.Now().Sub(lastAt)
		for _, r := range db.opts.SaveRules {
			if changes >= r.Changes && changes > 0 && since >= r.After {
				return "save rule: " + r.After.String() + " and " + itoa(r.Changes) + " changes"
			}
		}
	}
	if db.opts.AutoCompactPercent > 0 && logOn {
		base, log := db.sizes(&man)
		log += db.BufferedBytes() // records not yet written count too
		if log >= db.opts.AutoCompactMinSize && log > 0 && log*100 >= base*int64(db.opts.AutoCompactPercent) {
			return "log grown to " + itoa(log) + " bytes, base " + itoa(base)
		}
	}
	return ""
}

// Sizes returns the size in bytes of the base snapshot the manifest names
// (0 for none) and of the records in the log segments after it (their
// headers not counted): what automatic compaction compares, and what a
// server shows as INFO's aof_base_size and aof_current_size (their sum).
// A file that cannot be read (one a Save is replacing) counts as empty.
// Sizes never waits for a Save: it may be called as the store's owner.
func (db *DB) Sizes() (base, log int64) {
	man := db.shown.Load()
	if man == nil {
		return 0, 0
	}
	return db.sizes(man)
}

func (db *DB) sizes(man *manifest) (base, log int64) {
	if man.base != "" {
		if st, err := os.Stat(filepath.Join(db.dir, man.base)); err == nil {
			base = st.Size()
		}
	}
	for _, s := range man.segments {
		if st, err := os.Stat(filepath.Join(db.dir, s)); err == nil {
			log += max(st.Size()-segmentHeaderSize, 0)
		}
	}
	return base, log
}

// BufferedBytes returns the bytes of records appended to the log and not
// yet written to the OS (everysec and no write them within about 10 ms,
// or at once past 1 MiB): what a server shows as INFO's
// aof_buffer_length. It never waits for a Save.
func (db *DB) BufferedBytes() int64 {
	db.log.mu.Lock()
	defer db.log.mu.Unlock()
	return int64(db.log.buffered)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
