// Command embedis-check checks a snapshot file or a data directory without
// loading it, as redis-check-rdb and redis-check-aof do, reports what it
// holds or where it is damaged, and cuts a torn tail off a log on request.
//
// Usage:
//
//	embedis-check [--json] <file.rdb>
//	embedis-check [--json] [--fix] <data-dir>
//	embedis-check [--json] --log <segment>
//
// # Snapshot files
//
// The file is an RDB file (written by embedis or by redis-server, RDB
// versions 1 to 10) or one compressed with zstd (dump.rdb.zst), which is
// recognised by its magic number whatever the file's name, as
// persist.OpenSnapshot does. The whole file is read and decoded, every value
// included, with the decoder persist.OpenSnapshot uses, but no store is
// built. The report gives
//
//   - the RDB version and the AUX fields (redis-ver, ctime, …), by name;
//   - per database, the number of keys, of keys with a deadline, keys by
//     type (string, list, set, zset, hash) and by the encoding the file
//     used (hash-listpack, list-quicklist2, …);
//   - when the file uses a database beyond the default 16, the number of
//     databases a store needs to open it (Options.Databases,
//     embedis-server --databases);
//   - the number of empty aggregates skipped (redis-server and embedis
//     skip them when they load a file);
//   - bytes after the checksum, if any (loading ignores them);
//   - on the last line, "OK" for a sound file, or "DAMAGED" followed by the
//     byte offset and the reason and, on the line before it, what was being
//     read: the offset where that entry starts, its key, type and database
//     when the damage lies in a key's value, and the last key read whole.
//     The keys and databases counted are those read before the damage.
//
// Offsets count bytes from the start of the RDB data: for a zstd file, in
// the decompressed data (a damaged zstd frame is reported at the offset of
// the RDB data where decompression failed). A file cut short is reported
// at its end, where the data ran out ("data ends inside …"), and the entry
// offset says where the piece it cut began.
//
// Besides the format's checks (structure of every value and embedded
// listpack, ziplist or intset, the CRC-64 trailer), embedis-check reports
// what would make embedis refuse the file: a key stored twice in one
// database, and module data, streams or functions, which embedis cannot
// load (reported as UNSUPPORTED rather than DAMAGED). To find keys stored
// twice it holds every key name of the file in memory. The check does not
// depend on the time: a key stored twice is damage even when one of the
// two has expired (redis-server and embedis skip expired keys while they
// load, and may then open such a file).
//
// # Data directories
//
// Given a directory, embedis-check reads it as persist.Open would load it:
// the manifest (embedis.manifest), the base snapshot it names (checked as a
// snapshot file, above), and every log segment it names — each record's
// length check, CRC-32C and payload, the seal that must end every segment
// before the last one holding records. It reports, per segment, its size,
// whole records and commands, and whether it is sealed; then "OK", the
// first damage ("DAMAGED", with the file, byte offset and reason), or a
// torn tail ("TORN"): a record cut off at the end of the last segment, by
// a crash during a write. Loading drops a torn tail with a warning, so it
// loses nothing that was acknowledged; any other damage makes
// persist.Open refuse the directory.
//
// --fix cuts a torn tail off, as redis-check-aof --fix does, without
// asking: the segment is truncated after its last whole record (and
// fsynced), and the verdict is "FIXED". It repairs nothing else: any other
// damage is reported, every file is left as it was, and the exit status is
// 1. --fix takes the directory's lock, so it refuses (leaving the files
// alone) while a process has the directory open; without --fix nothing is
// locked or written, and a record being written by such a process may look
// torn.
//
// --log checks one segment file alone, as the last segment of a log (a
// torn tail allowed, no seal needed); --fix needs the directory.
//
// # Output
//
// With --json the same report is one JSON object on standard output (the
// rdbReport and logReport types list its fields), the verdict in its
// "status" field: "ok", "damaged" or "unsupported", and for directories
// also "torn" and "fixed". JSON strings hold text: bytes of key
// names or AUX values that are not UTF-8 are replaced by U+FFFD there,
// while the text report quotes every byte (as Go string literals).
//
// Exit status: 0 for a sound file or directory (or one whose torn tail
// --fix has just cut off), 1 for a damaged, unsupported or torn one, 2 for
// a usage error or a file that cannot be opened (no verdict). --help prints
// this text and exits 0.
package main
