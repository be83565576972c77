// Package persist keeps a Store's data in files: whole-store snapshots in
// Redis's own RDB format, optionally zstd-compressed, always replaced
// atomically; and data directories (Open) that keep a store durable with a
// checksummed append-only log.
//
//	err := persist.SaveSnapshot(ctx, store, "/var/lib/app/dump.rdb")
//	...
//	store, err := persist.OpenSnapshot("/var/lib/app/dump.rdb", embedis.Options{})
//
// SaveSnapshot takes the snapshot and writes it; WriteSnapshotFile writes a
// snapshot taken earlier with Store.Snapshot (to write it later, elsewhere,
// or to several files), and WriteSnapshotFileContext does so until its
// context ends (a background save that can be abandoned). OpenSnapshot
// returns a new Store holding a file's data. The io.Writer and io.Reader forms are in package embedis
// (Store.WriteSnapshot, Snapshot.WriteTo, embedis.OpenSnapshot); this package
// adds files: their names, compression and durability.
//
// # File formats
//
// A snapshot file is an RDB file, version 10, as redis-server 7.0 writes it
// (header "REDIS0010", AUX fields, one section per non-empty database, values
// in Redis 7.0's encodings, a CRC-64 trailer): redis-server starts on a file
// we wrote, and OpenSnapshot opens the dump.rdb of redis-server 2.6 to 7.0.
// In this issue the point-in-time view is copied under the owner role (every
// other call waits while the keys are copied, not while they are encoded or
// written); see embedis.Snapshot.
//
// A snapshot saved to a path ending in ".zst" is compressed with zstd
// (RFC 8878) — a wrapper around the same RDB bytes, never a different format:
// `zstd -d dump.rdb.zst` gives the dump.rdb that redis-server loads. It is
// written as one zstd frame with a content checksum, at the default level
// (about the zstd tool's level 3). OpenSnapshot recognises zstd by its magic
// number, whatever the file's name, and reads any zstd file (one or several
// frames, any level) whose window is at most 128 MiB (`zstd --long` included),
// so that a hostile header cannot make it reserve more. RDB files of many
// small keys shrink several times; BENCHMARKS.md has sizes and speeds.
//
// # Data directories
//
//	db, err := persist.Open("/var/lib/app", persist.Options{AppendOnly: true, AppendFsync: persist.FsyncAlways})
//	...
//	db.Set(ctx, "k", "v", 0) // answered once its record is on disk
//	db.Save(ctx)            // new base snapshot, new log segment (compaction)
//	db.Close()
//
// A data directory holds, as Redis 7.0's appenddirname does:
//
//	embedis.manifest  names the base snapshot and the log segments after it
//	base.<n>.rdb      the base snapshot: an RDB file redis-server can load
//	log.<n>.seg       log segments, oldest first
//	embedis.lock      locked (flock) while a DB has the directory open
//
// The manifest is a short text file ending in its CRC-32C, replaced with
// WriteFileAtomic. A segment is a 16-byte header ("EMBDSLOG", version 1, a
// CRC-32C of the header) and records; each record is one atomic unit of the
// store's write-effect stream (one command, one Atomic closure, one
// MULTI/EXEC, one Pipeline): a 4-byte length, a CRC-32C of the length, a
// CRC-32C of the payload, and the payload — the unit's commands as RESP
// arrays of bulk strings, in the deterministic form of
// embedis.Options.OnEffects (absolute deadlines, expiries as DELs), readable
// with any RESP tool. A unit is replayed whole or not at all. A segment the
// log has moved on from ends with a seal record, so a segment that lost
// records at its end is told from one that ended there. Redis's AOF has no
// checksums; here every byte is checked.
//
// Loading replays the base and the segments with Store.Apply, with no key
// expiring meanwhile (keys past their deadline are removed, and logged as
// DELs, once the load is done). A record cut off at the end of the log (or
// turned to zeros from some byte to the end of the file, as a power loss
// can leave it) is dropped with a warning and cut off the file (Redis's aof-load-truncated
// yes); any other damage refuses to open with a *CorruptError naming the
// file, the byte offset and the reason; nothing is half-loaded. Check (and
// the embedis-check command) verifies a directory without loading it and
// cuts a torn tail off on request, as redis-check-aof --fix does.
//
// The fsync policy is redis.conf's appendfsync: always (group commit: no
// caller is answered before its record is fsynced, one fsync serves every
// record written while the previous one ran, and the store's owner never
// waits on the disk: see embedis.EffectLog), everysec (the default) and no.
// Under everysec and no a caller is answered once its record is written to
// the OS (one write call serves every caller waiting meanwhile), as
// redis-server writes its AOF buffer before it replies, and everysec fsyncs
// once a second: a crash of the process loses no acknowledged write, a
// crash of the machine about the last second. Options.WriteDelay answers
// callers before the write instead (records written together within the
// delay): fewer write calls, and up to the delay's writes lost in a crash
// of the process. Close writes and fsyncs everything. A failed write or fsync makes
// every later write fail with ErrLogFailed.
//
// The log is switched while the DB is open, as redis-server's CONFIG SET
// does: SetAppendOnly turns it on (a Save whose switch point starts it:
// Redis's rewrite on appendonly yes) or off; SetAppendFsync changes the
// policy of the running log. A store opened elsewhere (from an RDB file)
// with a NewLog as its embedis.Options.Log gets a data directory later with
// Attach.
//
// Save runs on demand, and automatically with Options.SaveRules (redis.conf's
// save points) and Options.AutoCompactPercent and AutoCompactMinSize
// (auto-aof-rewrite-percentage and -min-size). In this release the snapshot
// is copied under the owner role (see embedis.Snapshot).
//
// # Crash testing
//
// TestCrashKills (persist/crash_test.go) runs a writer process with
// appendfsync always — Atomic closures, Pipelines and single commands over
// every data type, deletes, SET PX and PEXPIREAT on the store's clock, Saves
// and automatic compaction — and kills it with SIGKILL at random moments,
// during compactions and around snapshot and manifest renames too; after
// each kill the reopened directory must hold every acknowledged unit and no
// unit in part. A normal test run makes 200 kills; set EMBEDIS_CRASH_KILLS
// for a longer run:
//
//	EMBEDIS_CRASH_KILLS=10000 go test -run TestCrashKills -v -timeout 2h ./persist
//
// TestAOFCrashKillsExec (server/aof_crash_test.go) does the same over the
// wire: a server process with appendonly yes and appendfsync always gets
// MULTI/EXEC blocks over every type (deadlines included) and BGREWRITEAOF,
// and is killed at random moments; every acknowledged EXEC must be there
// after the reopen and none in part. 200 kills by default, the same
// variable for more:
//
//	EMBEDIS_CRASH_KILLS=10000 go test -run TestAOFCrashKillsExec -v -timeout 3h ./server
//
// TestPowerLoss (powerloss_test.go) cuts the power instead: of each segment
// only what an fsync made durable survives, plus any part of the bytes
// written after it, cut anywhere and now and then turned to zeros or to
// random bytes. Every acknowledged unit must be there after the reopen and
// none in part; a tail turned to zeros is a torn tail (dropped with a
// warning), random bytes are damage, reported past the durable bytes. 100
// cuts by default:
//
//	EMBEDIS_POWER_CUTS=10000 go test -run TestPowerLoss -v -timeout 1h ./persist
//
// A load can be given up (OpenContext) and reports its progress through
// Options.Logger; a Save reports its own.
//
// # Atomic writes
//
// WriteFileAtomic is the one way this package replaces a file: it writes a
// temporary file in the same directory, fsyncs it, renames it over the target
// and fsyncs the directory. At every instant, and after a crash or a power
// loss at any point, the target path names either the complete old file or
// the complete new one; on any error before the rename (the snapshot's
// context ending included) the temporary file is removed and the old file is
// untouched.
//
// # The zstd dependency
//
// github.com/klauspost/compress earns its place as the project's one module
// outside the standard library: the standard library has no zstd, writing
// one is a project of its own, and klauspost/compress is the pure-Go
// implementation the Go ecosystem relies on (no cgo, so embedis still builds
// everywhere Go does). Only this package imports it, so a program that does
// not import persist does not link it.
package persist
