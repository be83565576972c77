// Command embedis-check checks a snapshot file without loading it, as
// redis-check-rdb does, and reports what it holds or where it is damaged.
//
// Usage:
//
//	embedis-check [--json] <file.rdb>
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
//   - the number of empty aggregates skipped (redis-server and embedis
//     skip them when they load a file);
//   - on the last line, "OK" for a sound file, or "DAMAGED" followed by the
//     byte offset and the reason; the lines before it say what was being
//     read: the database, and the key name and type when the damage lies in
//     a key's value.
//
// Offsets count bytes from the start of the RDB data: for a zstd file, in
// the decompressed data (a damaged zstd frame is reported at the offset of
// the RDB data where decompression failed).
//
// Besides the format's checks (structure of every value and embedded
// listpack, ziplist or intset, the CRC-64 trailer), embedis-check reports
// what would make embedis refuse the file: a key stored twice in one
// database, and module data, streams or functions, which embedis cannot
// load (reported as UNSUPPORTED rather than DAMAGED). To find keys stored
// twice it holds every key name of the file in memory.
//
// With --json the same report is one JSON object on standard output (see
// the rdbReport type for its fields), the verdict in its "status" field:
// "ok", "damaged" or "unsupported". JSON strings hold text: bytes of key
// names or AUX values that are not UTF-8 are replaced by U+FFFD there,
// while the text report quotes every byte (as Go string literals).
//
// Exit status: 0 for a sound file, 1 for a damaged (or unsupported) one, 2
// for a usage error or a file that cannot be opened (no verdict). --help
// prints this text and exits 0.
package main
