// Package persist keeps a Store's data in files: whole-store snapshots in
// Redis's own RDB format, optionally zstd-compressed, always replaced
// atomically. (The append-only log joins it in issue 13.)
//
//	err := persist.SaveSnapshot(ctx, store, "/var/lib/app/dump.rdb")
//	...
//	store, err := persist.OpenSnapshot("/var/lib/app/dump.rdb", embedis.Options{})
//
// SaveSnapshot takes the snapshot and writes it; WriteSnapshotFile writes a
// snapshot taken earlier with Store.Snapshot (to write it later, elsewhere,
// or to several files). OpenSnapshot returns a new Store holding a file's
// data. The io.Writer and io.Reader forms are in package embedis
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
