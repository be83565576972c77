package embedis

import (
	"context"
	"io"
)

// ReplaceFromSnapshot empties every database and loads the RDB file r
// (Redis 7.0's format, as OpenSnapshot reads it) in their place, in one turn
// of the owner role: no command sees the store half loaded. A replica does
// this with the file its master sends in a full sync.
//
// The libraries of functions are replaced by the file's (none if it has
// none). The emptying is FLUSHALL's: WATCHes on the keys the store held are
// invalidated, blocked callers stay blocked, and the effect stream
// (Options.OnEffects, Options.Log) receives FLUSHALL — but not the loaded
// keys, as OpenSnapshot emits nothing for them: a store with a Log should
// be compacted after it so that its log holds them. Keys whose deadline has
// passed are skipped, and databases numbered beyond the store's are an
// error (ErrSnapshotDatabases), as OpenSnapshot does.
//
// r is read in the turn, so a slow reader holds the owner role while it
// reads: hand it a file or a buffered stream. On an error (a damaged or
// truncated file, r's error, ctx ending before the turn began) the store
// keeps what was loaded up to the error after the emptying — Redis too
// is left with a partial data set when a full sync fails midway — and the
// error names the byte offset where the file went wrong.
func (s *Store) ReplaceFromSnapshot(ctx context.Context, r io.Reader) (err error) {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer s.end(tx, &err)
	tx.FlushAll()
	return s.e.loadOwned(r)
}
