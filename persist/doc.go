// Package persist keeps a Store's data in files: whole-store snapshots in
// Redis's RDB format, optionally zstd-compressed, written atomically. (The
// append-only log joins it in issue 13.)
//
// # Atomic writes
//
// WriteFileAtomic is the one way this package replaces a file: it writes a
// temporary file in the same directory, fsyncs it, renames it over the
// target and fsyncs the directory. At every instant, and after a crash or a
// power loss at any point, the target path names either the complete old
// file or the complete new one; on any error before the rename the temporary
// file is removed and the old file is untouched.
//
// # zstd-compressed snapshots
//
// A snapshot file may be compressed with zstd (RFC 8878) as a wrapper around
// the RDB bytes, never a different format: `zstd -d dump.rdb.zst` gives the
// dump.rdb that redis-server loads. Files are written as one zstd frame with
// a content checksum at the default level (about the zstd tool's level 3),
// and any zstd file is read, from one or several frames, with windows up to
// 128 MiB (`zstd --long`); a file is recognised as zstd by its magic number,
// whatever its name. RDB files of mostly small keys shrink several times
// (BENCHMARKS.md has the numbers).
//
// github.com/klauspost/compress earns its place as the project's one
// dependency outside the standard library: the standard library has no zstd,
// writing one is a project of its own, and klauspost/compress is the pure-Go
// implementation the Go ecosystem relies on (no cgo, so embedis still builds
// everywhere Go does). Only this package imports it.
package persist
