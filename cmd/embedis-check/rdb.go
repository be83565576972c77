package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/klauspost/compress/zstd"

	"github.com/embedis/embedis/internal/rdb"
)

// The verdicts.
const (
	statusOK          = "ok"
	statusDamaged     = "damaged"
	statusUnsupported = "unsupported"
)

// rdbReport is what embedis-check found in a snapshot file; --json prints
// it as is.
type rdbReport struct {
	File string `json:"file"`
	// FileSize is the file's size in bytes; RDBSize is the size of the RDB
	// data, up to its checksum (decompressed for a zstd file), when it was
	// read to its end. Bytes after the checksum are ignored by redis-server
	// and embedis when they load a file: the report mentions them.
	FileSize int64 `json:"fileSize"`
	Zstd     bool  `json:"zstd"`
	RDBSize  int64 `json:"rdbSize,omitempty"`
	// Version is the RDB version of the header; 0 when the header is
	// damaged.
	Version int               `json:"rdbVersion"`
	Aux     map[string]string `json:"aux"`
	// Databases are the databases holding keys (read before the damage,
	// if any), in the order of their numbers.
	Databases []*dbReport `json:"databases"`
	Keys      int         `json:"keys"`
	Deadlines int         `json:"keysWithDeadline"`
	// Types counts keys by type (string, list, set, zset, hash).
	Types map[string]int `json:"types"`
	// MinDatabases is the number of databases a store needs to open the
	// file: its highest database number (of a key or a RESIZEDB size hint)
	// plus one; 0 for a file with neither.
	MinDatabases int `json:"minDatabases"`
	// EmptySkipped counts empty aggregates, which Redis and embedis skip
	// when they load a file.
	EmptySkipped int `json:"emptySkipped"`
	// Status is "ok", "damaged" or "unsupported".
	Status string  `json:"status"`
	Damage *damage `json:"damage,omitempty"`
}

// dbReport counts the keys of one database.
type dbReport struct {
	DB        int            `json:"db"`
	Keys      int            `json:"keys"`
	Deadlines int            `json:"keysWithDeadline"`
	Types     map[string]int `json:"types"`
	// Encodings counts keys by the encoding of their value in the file
	// (its type byte: hash-listpack, list-quicklist2, set-intset, …).
	Encodings map[string]int `json:"encodings"`

	names map[string]struct{}
}

// damage is where and why the file cannot be loaded.
type damage struct {
	// Offset is the byte offset in the RDB data where the damaged piece
	// starts (or where the data ends, for a file cut short).
	Offset int64 `json:"offset"`
	// Kind is "truncated", "checksum", "corrupt" or "unsupported".
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// DB, Key and Type say what was being read, when known: the database,
	// the key whose value is damaged, and its encoding.
	DB   *int    `json:"db,omitempty"`
	Key  *string `json:"key,omitempty"`
	Type string  `json:"type,omitempty"`
	// After is the last key read whole before the damage, when there is one.
	After *string `json:"after,omitempty"`
	// Entry is the offset where the piece being read started: a key's
	// entry (its expiry and type opcodes), or the opcodes between keys.
	// A file cut short is reported at its end, Offset; Entry says where
	// the piece it cut began. -1 when the header could not be read.
	Entry int64 `json:"entryOffset"`
}

// checkRDBFile checks the snapshot file at path. An error means no verdict:
// the file could not be opened.
func checkRDBFile(path string) (*rdbReport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	rep := checkRDB(f)
	rep.File, rep.FileSize = path, st.Size()
	return rep, nil
}

// isZstd reports whether head starts a zstd frame or a skippable frame, as
// persist.OpenSnapshot recognises them.
func isZstd(head []byte) bool {
	if len(head) < 4 {
		return false
	}
	m := binary.LittleEndian.Uint32(head)
	return m == 0xfd2fb528 || m&0xfffffff0 == 0x184d2a50
}

// maxZstdWindow is persist's bound on a zstd frame's window (128 MiB).
const maxZstdWindow = 1 << 27

// checkRDB reads the whole snapshot in r and reports on it.
func checkRDB(r io.Reader) *rdbReport {
	rep := &rdbReport{Aux: map[string]string{}, Types: map[string]int{}, Databases: []*dbReport{}}
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4)
	src := io.Reader(br)
	if isZstd(head) {
		rep.Zstd = true
		dec, err := zstd.NewReader(br, zstd.WithDecoderMaxWindow(maxZstdWindow), zstd.WithDecoderConcurrency(1))
		if err != nil {
			rep.fail(&rdb.Error{Offset: 0, Reason: "zstd: " + err.Error()}, entryInfo{}, nil, -1)
			return rep
		}
		defer dec.Close()
		src = dec
	}
	rec := &recorder{r: src}
	rd, err := rdb.NewReader(rec)
	if err != nil {
		rep.fail(err, entryInfo{}, nil, -1)
		return rep
	}
	rep.Version = rd.Version()
	rd.OnResizeDB = func(db int, keys, expires uint64) { rep.MinDatabases = max(rep.MinDatabases, db+1) }
	rd.OnFunction = func(string) error { return nil } // libraries of functions: read, run on load
	dbs := map[int]*dbReport{}
	var (
		e       rdb.Entry
		db      int     // database of the last key
		lastKey *string // the last key read
	)
	for {
		at := rd.Offset()
		rec.mark(at)
		err := rd.Next(&e)
		if err == io.EOF {
			break
		}
		if err != nil {
			var info entryInfo
			if b := rec.entryBytes(at); b != nil {
				limit := int64(len(b))
				var re *rdb.Error
				if errors.As(err, &re) {
					limit = min(limit, re.Offset-at)
				}
				info = readEntryStart(b, int(limit), db)
			} else {
				info = entryInfo{db: db}
			}
			rep.fail(err, info, lastKey, at)
			rep.finish(rd, dbs)
			return rep
		}
		db = e.DB
		d := dbs[e.DB]
		if d == nil {
			d = &dbReport{DB: e.DB, Types: map[string]int{}, Encodings: map[string]int{}, names: map[string]struct{}{}}
			dbs[e.DB] = d
		}
		if _, dup := d.names[e.Key]; dup {
			key := e.Key
			rep.fail(&rdb.Error{Offset: at, Reason: fmt.Sprintf("key %q is stored twice in database %d", e.Key, e.DB)}, entryInfo{db: e.DB, typ: e.Value.Type, hasType: true, key: key, hasKey: true}, lastKey, at)
			rep.finish(rd, dbs)
			return rep
		}
		d.names[e.Key] = struct{}{}
		key := e.Key
		lastKey = &key
		d.Keys++
		rep.Keys++
		if e.ExpireMs >= 0 {
			d.Deadlines++
			rep.Deadlines++
		}
		d.Types[e.Value.Kind.String()]++
		rep.Types[e.Value.Kind.String()]++
		d.Encodings[encodingName(e.Value.Type)]++
	}
	rep.Status = statusOK
	rep.RDBSize = rd.Offset()
	rep.finish(rd, dbs)
	return rep
}

// finish copies what the reader gathered into the report.
func (rep *rdbReport) finish(rd *rdb.Reader, dbs map[int]*dbReport) {
	for k, v := range rd.Aux() {
		rep.Aux[k] = v
	}
	rep.EmptySkipped = rd.Skipped()
	for _, d := range dbs {
		rep.Databases = append(rep.Databases, d)
	}
	sortDBs(rep.Databases)
	if n := len(rep.Databases); n > 0 {
		rep.MinDatabases = max(rep.MinDatabases, rep.Databases[n-1].DB+1)
	}
}

func sortDBs(ds []*dbReport) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j].DB < ds[j-1].DB; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// fail records the damage err, found while reading the entry that starts
// at offset entry, of which info could be read; after is the last key read
// whole before it.
func (rep *rdbReport) fail(err error, info entryInfo, after *string, entry int64) {
	d := &damage{Kind: "corrupt", Reason: err.Error(), After: after, Entry: entry}
	var re *rdb.Error
	if errors.As(err, &re) {
		d.Offset, d.Reason = re.Offset, re.Reason
	}
	switch {
	case errors.Is(err, rdb.ErrTruncated):
		d.Kind = "truncated"
	case errors.Is(err, rdb.ErrChecksum):
		d.Kind = "checksum"
	case errors.Is(err, rdb.ErrUnsupported):
		d.Kind = "unsupported"
	}
	if info.hasType {
		db := info.db
		d.DB, d.Type = &db, encodingName(info.typ)
		if info.hasKey {
			d.Key = &info.key
		}
	}
	rep.Damage = d
	rep.Status = statusDamaged
	if d.Kind == "unsupported" {
		rep.Status = statusUnsupported
	}
}
