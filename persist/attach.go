package persist

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/embedis/embedis"
)

// Log is an append-only log for a store opened before it has a data
// directory — from an RDB file, as a redis-server started with appendonly
// no loads its dump.rdb — so that Attach can turn the log on later, as
// CONFIG SET appendonly yes does. Pass it as the store's
// embedis.Options.Log. Until Attach, it keeps nothing (it only follows the
// store's database selections) and answers every caller at once.
//
// A Log serves one store and is attached at most once. The zero value is
// not usable: call NewLog.
type Log struct {
	l *appendLog
}

// NewLog returns a Log that keeps nothing until Attach; its fsync policy
// is then Attach's Options.AppendFsync.
func NewLog() *Log {
	return &Log{l: newAppendLog(FsyncEverysec, slog.Default())}
}

// Append is embedis.EffectLog's Append.
func (lg *Log) Append(unit [][]string) uint64 { return lg.l.Append(unit) }

// Wait is embedis.EffectLog's Wait.
func (lg *Log) Wait(ctx context.Context, ticket uint64) error { return lg.l.Wait(ctx, ticket) }

// Attach makes dir (created if needed) the data directory of store, which
// must have been opened with log as its embedis.Options.Log, and returns
// the DB that keeps it from now on. It locks dir (ErrLocked if another DB
// has it) and Saves the store's data there as the directory's new base
// snapshot, replacing whatever the directory held — Redis's rewrite when
// CONFIG SET appendonly yes turns the AOF on. With opts.AppendOnly the
// log starts at the Save's switch point: every later unit is appended to
// a new segment (see DB.SetAppendOnly for what a crash before Attach
// returns keeps). opts.Store is ignored: the store is already open.
// opts.SaveRules and the automatic compaction apply as with Open.
//
// The DB owns store from then on: its Close closes the store. On an error
// the directory is unlocked, the store left open and the log off; Attach
// may be tried again. ctx bounds the wait for the store's owner role.
func Attach(ctx context.Context, dir string, store *embedis.Store, log *Log, opts Options) (*DB, error) {
	if store == nil || log == nil || log.l == nil {
		return nil, errors.New("persist: Attach needs a store and the Log (NewLog) it was opened with")
	}
	if err := opts.checkLog(); err != nil {
		return nil, err
	}
	l := log.l
	l.mu.Lock()
	taken := l.attached
	l.attached = true
	l.mu.Unlock()
	if taken {
		return nil, errors.New("persist: Attach: the Log is attached to a data directory already")
	}
	detach := func() {
		l.mu.Lock()
		l.attached = false
		l.mu.Unlock()
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		detach()
		return nil, fmt.Errorf("persist: attach %s: %w", dir, err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		detach()
		return nil, err
	}
	m, _, err := readManifest(dir)
	if err != nil {
		// The Save replaces the directory's data, but its files are named
		// by the manifest: a damaged one is not overwritten blindly.
		unlock()
		detach()
		return nil, err
	}
	l.mu.Lock()
	l.policy, l.delay, l.logger = opts.AppendFsync, opts.WriteDelay, logger
	l.mu.Unlock()
	db := &DB{Store: store, dir: dir, opts: opts, logger: logger, log: l, unlock: unlock}
	if m != nil {
		db.man = *m
	}
	db.mu.Lock()
	err = db.save(ctx, opts.AppendOnly)
	db.mu.Unlock()
	if err != nil {
		unlock()
		detach()
		return nil, err
	}
	removeOrphans(dir, &db.man, logger)
	db.startAuto()
	return db, nil
}
