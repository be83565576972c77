// Command embedis-server serves an in-memory embedis Store over the Redis
// protocol, so that any Redis client or tool can use it:
//
//	go run ./cmd/embedis-server --port 6379
//	redis-cli -p 6379 set greeting hello
//
// Flags are named after redis.conf's directives; --help lists them. Only
// directives embedis honours are flags: the others (maxmemory, ...) fail at
// start, as CONFIG SET refuses them. The server stops cleanly
// on SIGINT, SIGTERM or a client's SHUTDOWN.
//
// As redis-server, it starts with the data of the RDB snapshot file
// --dir/--dbfilename (dump.rdb in the working directory unless told), or
// empty when there is none, and refuses to start (exit status 1, the error
// and its offset on stderr) on a file it cannot load whole. SAVE, BGSAVE and
// SHUTDOWN SAVE write that file, in Redis 7.0's format.
//
// Save points are redis-server's: without --save, those redis-server uses
// when its configuration names none, "3600 1 300 100 60 10000" (a BGSAVE
// after an hour if a key changed, after 5 minutes if 100 did, after a
// minute if 10,000 did), and SIGTERM, SIGINT, SHUTDOWN and FLUSHALL save
// the file. A Redis user expects exactly this of a server that loads
// dump.rdb at start: data written before a clean stop is there after the
// restart. --save "" (or --save=) turns them off, as on redis-server: then
// only SAVE, BGSAVE and SHUTDOWN SAVE write the file. As on redis-server's
// command line, --save takes its pairs in one argument ("60 1 300 10") or
// in several (--save 60 1 300 10), and is repeatable: the first --save
// replaces the default, the next ones add to it, "" clears.
//
// --appendonly yes keeps the data in an append-only log, as redis-server's
// appendonly yes: the store is the data directory --dir/--appenddirname
// (persist.Open: a base snapshot and checksummed log segments, listed by a
// manifest), every write is appended to the log, and --appendfsync says
// when it is fsynced (always: no client is answered before its write is on
// disk; everysec, the default; no). As redis-server, the server then starts
// from that directory, not from dump.rdb (which SAVE and BGSAVE still
// write); a record cut off at the end of the log (a crash during a write)
// is dropped with a warning, and any other damage refuses the start (exit
// status 1, the file, byte offset and reason on stderr). BGREWRITEAOF
// compacts the directory; automatic compaction uses redis-server's defaults
// (auto-aof-rewrite-percentage 100, auto-aof-rewrite-min-size 64mb). The
// log is flushed and fsynced when the server stops. CONFIG SET appendonly
// and appendfsync switch the log at run time, as on redis-server:
// appendonly yes on a server started without it writes --appenddirname
// from the data in memory (a rewrite) and logs from then on.
//
// --bigkeys and --memkeys serve nothing: they load the data the server would
// start with under the same flags (--dir/--dbfilename, or the append-only
// directory with --appendonly yes), print the report redis-cli --bigkeys or
// --memkeys would print for a server holding it (database 0, as redis-cli
// without -n; the summary byte for byte as redis-cli 7.0's, see
// embedis.Store.BigKeys) and exit. They write no file, and refuse an
// append-only directory that a running server holds: redis-cli --bigkeys
// against that server reports on it. With both, --bigkeys wins, as in
// redis-cli.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/persist"
	"github.com/embedis/embedis/server"
)

func main() { os.Exit(exitCode(os.Args[1:], os.Stdout, os.Stderr)) }

// exitCode runs the server and returns the process's exit status: 0 after a
// clean stop or --help (-h), 2 for flags it does not take (with the usage on
// stderr), 1 for any other failure.
func exitCode(argv []string, stdout, stderr io.Writer) int {
	err := run(argv, stdout)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(*usageError)):
		fmt.Fprint(stderr, err)
		return 2
	default:
		fmt.Fprintln(stderr, "embedis-server:", err)
		return 1
	}
}

// usageError is a flag the server does not take: the flag package's message
// and the usage.
type usageError struct{ text string }

func (e *usageError) Error() string { return e.text }

// run parses the flags and serves until a signal or SHUTDOWN. Every flag is
// one embedis honours: a redis.conf directive for something embedis does
// not do (appendonly, maxmemory, ...) is not a flag, so it fails at start.
// --help prints the usage on stdout and returns flag.ErrHelp.
func run(argv []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("embedis-server", flag.ContinueOnError)
	var usage bytes.Buffer
	fs.SetOutput(&usage)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: embedis-server [flags]\n\n"+
			"Serves an in-memory embedis store over the Redis protocol. At start it loads\n"+
			"the RDB snapshot --dir/--dbfilename if there is one (a file written by\n"+
			"redis-server or by embedis); SAVE, BGSAVE and SHUTDOWN SAVE write it. As\n"+
			"redis-server, it has save points unless --save \"\" turns them off: a BGSAVE\n"+
			"runs once one is reached, and SIGTERM, SIGINT, SHUTDOWN and FLUSHALL save.\n"+
			"With --appendonly yes it keeps every write in an append-only log in\n"+
			"--dir/--appenddirname and starts from there instead (BGREWRITEAOF compacts it);\n"+
			"CONFIG SET appendonly and appendfsync switch it at run time, as on redis-server.\n"+
			"With --bigkeys or --memkeys it prints redis-cli's report of that data and exits.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	port := fs.Int("port", 6379, "TCP port to listen on (0 disables TCP)")
	bind := fs.String("bind", "127.0.0.1", "address to listen on")
	unixSocket := fs.String("unixsocket", "", "also listen on this Unix socket path")
	requirePass := fs.String("requirepass", "", "password clients must AUTH with")
	databases := fs.Int("databases", 16, "number of databases")
	maxClients := fs.Int("maxclients", 10000, "maximum simultaneous clients")
	maxBulk := fs.Int64("proto-max-bulk-len", 512<<20, "longest argument accepted, in bytes")
	logLevel := fs.String("loglevel", "notice", "debug, verbose, notice or warning")
	dir := fs.String("dir", ".", "directory of the snapshot file; it must exist")
	dbFilename := fs.String("dbfilename", "dump.rdb", "snapshot file's name in --dir: loaded at start, written by SAVE and BGSAVE (\".zst\" at the end: zstd-compressed)")
	save := &saveFlag{}
	fs.Var(save, "save", "save points: pairs of seconds and changes, as redis.conf's save (\"\": none); repeatable (default, as redis-server's: \"3600 1 300 100 60 10000\")")
	appendOnly := fs.String("appendonly", "no", "yes: keep every write in the append-only log in --dir/--appenddirname and start from it (not from --dbfilename)")
	appendFsync := fs.String("appendfsync", "everysec", "when the append-only log is fsynced: always (before a write is answered), everysec or no")
	appendDirName := fs.String("appenddirname", "appendonlydir", "the append-only log's directory in --dir (created if needed)")
	bigKeys := fs.Bool("bigkeys", false, "print redis-cli --bigkeys's report (biggest key per type, by size) on database 0 of the data the server would load with these flags, and exit without serving")
	memKeys := fs.Bool("memkeys", false, "as --bigkeys, by MEMORY USAGE (redis-cli --memkeys)")
	ioThreads := fs.Int("io-threads", 1, "OS threads running Go code (GOMAXPROCS); 1, as Redis's default, serves best where clients share the machine")
	if err := fs.Parse(joinSaveWords(argv)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			stdout.Write(usage.Bytes())
			return err
		}
		return &usageError{usage.String()}
	}
	if fs.NArg() > 0 {
		return &usageError{fmt.Sprintf("unexpected argument %q\n", fs.Arg(0))}
	}
	// Every command runs as the store's single owner, so more threads only
	// parallelise socket reads and writes; on a small machine they mostly
	// add scheduling between threads (measured in BENCHMARKS.md).
	if *ioThreads < 1 {
		return fmt.Errorf("--io-threads must be at least 1")
	}
	if *maxBulk < 1<<20 {
		return fmt.Errorf("--proto-max-bulk-len %d: argument must be between 1048576 and 9223372036854775807 inclusive", *maxBulk)
	}
	savePoints, err := save.points()
	if err != nil {
		return err
	}
	var aof bool
	switch strings.ToLower(*appendOnly) {
	case "yes":
		aof = true
	case "no":
	default:
		return fmt.Errorf("--appendonly %q: argument must be 'yes' or 'no'", *appendOnly)
	}
	fsync, err := persist.ParseFsync(strings.ToLower(*appendFsync))
	if err != nil {
		return fmt.Errorf("--appendfsync %q: argument(s) must be one of the following: always, everysec, no", *appendFsync)
	}
	// As redis-server, which refuses an appenddirname that is a path.
	if _, err := server.SnapshotPath(".", *appendDirName); err != nil {
		return fmt.Errorf("--appenddirname %q: appenddirname can't be a path, just a dirname", *appendDirName)
	}
	runtime.GOMAXPROCS(*ioThreads)
	level := slog.LevelInfo
	switch *logLevel {
	case "debug", "verbose":
		level = slog.LevelDebug
	case "notice":
	case "warning":
		level = slog.LevelWarn
	default:
		return fmt.Errorf("--loglevel %q: want debug, verbose, notice or warning", *logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// As redis-server, which chdirs to dir and refuses to start when it
	// cannot, and refuses a dbfilename that is a path.
	if st, err := os.Stat(*dir); err != nil {
		return fmt.Errorf("--dir: %w", err)
	} else if !st.IsDir() {
		return fmt.Errorf("--dir %s: not a directory", *dir)
	}
	path, err := server.SnapshotPath(*dir, *dbFilename)
	if err != nil {
		return fmt.Errorf("--dbfilename %q: %w", *dbFilename, err)
	}
	if *bigKeys || *memKeys {
		// As redis-cli, where --bigkeys wins over --memkeys.
		return printBigKeys(bigKeysData{
			memory:    !*bigKeys,
			databases: *databases,
			aof:       aof,
			appendDir: filepath.Join(*dir, *appendDirName),
			rdbPath:   path,
			logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: max(level, slog.LevelWarn)})),
		}, stdout)
	}
	if *port == 0 && *unixSocket == "" {
		return fmt.Errorf("nothing to listen on: give --port or --unixsocket")
	}
	var (
		store  *embedis.Store
		loaded server.LoadStats
		db     *persist.DB
		hook   *persist.Log
	)
	if aof {
		// As redis-server with appendonly yes: the data comes from the
		// append-only directory, and dump.rdb is not read.
		// As redis-server, which a SIGTERM or SIGINT stops while it loads.
		loadCtx, stopLoad := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		start := time.Now()
		db, err = persist.OpenContext(loadCtx, filepath.Join(*dir, *appendDirName), persist.Options{
			Store:              embedis.Options{Databases: *databases},
			AppendOnly:         true,
			AppendFsync:        fsync,
			Logger:             logger,
			AutoCompactPercent: 100,
			AutoCompactMinSize: 64 << 20,
		})
		stopLoad()
		if err != nil {
			return err
		}
		store = db.Store
		logger.Info(fmt.Sprintf("DB loaded from append only file: %.3f seconds", time.Since(start).Seconds()))
		// As redis-server, whose rdb_last_load_keys_loaded counts the keys
		// of its AOF's RDB base.
		if li := db.Loaded(); li.BaseKeys > 0 {
			loaded = server.LoadStats{Loaded: true, KeysLoaded: li.BaseKeys, Elapsed: li.Elapsed}
		}
		// Closed after the server: every record flushed and fsynced.
		defer func() {
			if cerr := db.Close(); cerr != nil {
				logger.Error("closing the append-only log failed", "err", cerr)
			}
		}()
	} else {
		// The log that CONFIG SET appendonly yes turns on (it keeps
		// nothing until then): the server attaches the append-only
		// directory to it, and closes that in Close.
		hook = persist.NewLog()
		store, loaded, err = server.OpenStore(path, embedis.Options{Databases: *databases, Log: hook}, logger)
		if err != nil {
			return err
		}
		defer store.Close()
	}
	srv := server.New(store, server.Options{
		AppendOnly:      db,
		AppendLog:       hook,
		AppendFsync:     fsync,
		AppendDirName:   *appendDirName,
		RequirePass:     *requirePass,
		MaxClients:      *maxClients,
		ProtoMaxBulkLen: *maxBulk,
		Logger:          logger,
		Dir:             *dir,
		DBFilename:      *dbFilename,
		Loaded:          loaded,
		SavePoints:      savePoints,
	})

	var listeners []net.Listener
	if *port != 0 {
		l, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*port)))
		if err != nil {
			return err
		}
		listeners = append(listeners, l)
	}
	if *unixSocket != "" {
		os.Remove(*unixSocket)
		l, err := net.Listen("unix", *unixSocket)
		if err != nil {
			return err
		}
		defer os.Remove(*unixSocket)
		listeners = append(listeners, l)
	}
	for _, l := range listeners {
		logger.Info("ready to accept connections", "addr", l.Addr().String())
		go srv.Serve(l)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	for {
		select {
		case sig := <-signals:
			// As redis-server: with save points the data is saved first;
			// when that fails the server goes on serving (the log says
			// why), and SHUTDOWN NOSAVE or another signal stops it.
			logger.Info("received signal, shutting down", "signal", sig.String())
			if err := srv.Shutdown(sig == syscall.SIGINT); err != nil {
				logger.Warn("signal received but errors trying to shut down the server, check the logs for more information", "signal", sig.String())
				continue
			}
			return nil
		case <-srv.Done():
			logger.Info("SHUTDOWN received, shutting down")
			return srv.Close()
		}
	}
}

// saveFlag is --save: each use's raw value, checked after the flags are
// parsed (points), so that a malformed one fails with Redis's text and
// exit status 1 as the other bad values.
type saveFlag struct {
	set    bool
	values []string
}

// String returns the values given, joined (the flag package shows no
// default for "": the usage text names it).
func (f *saveFlag) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(f.values, " ")
}

func (f *saveFlag) Set(v string) error {
	f.set = true
	f.values = append(f.values, v)
	return nil
}

// points returns the save points the flags say, as redis-server reads
// save lines from its command line: redis-server's default without any;
// the first replaces the default, each next one adds its pairs, and ""
// clears those given before it. Words are separated by any blanks.
func (f *saveFlag) points() ([]server.SavePoint, error) {
	if !f.set {
		return server.DefaultSavePoints(), nil
	}
	var ps []server.SavePoint
	for _, v := range f.values {
		if v == "" {
			ps = nil
			continue
		}
		words := strings.Fields(v)
		if len(words) == 0 {
			words = []string{v} // blanks only: one word, as Redis reads it, and invalid
		}
		more, err := server.ParseSavePoints(strings.Join(words, " "))
		if err != nil {
			return nil, fmt.Errorf("--save %q: %w", v, err)
		}
		ps = append(ps, more...)
	}
	if ps == nil {
		ps = []server.SavePoint{} // none, not the default
	}
	return ps, nil
}

// joinSaveWords joins the words after a --save (or -save) that are not
// flags into its one value, so that --save 60 1 300 10 reads as
// --save "60 1 300 10", as on redis-server's command line.
func joinSaveWords(argv []string) []string {
	out := make([]string, 0, len(argv))
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		out = append(out, a)
		if a == "--" {
			return append(out, argv[i+1:]...)
		}
		if (a != "--save" && a != "-save") || i+1 >= len(argv) {
			continue
		}
		words := []string{argv[i+1]}
		i++
		for i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "-") {
			words = append(words, argv[i+1])
			i++
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}
