// Command embedis-server serves an in-memory embedis Store over the Redis
// protocol, so that any Redis client or tool can use it:
//
//	go run ./cmd/embedis-server --port 6379
//	redis-cli -p 6379 set greeting hello
//
// Flags are named after redis.conf's directives. The server stops cleanly on
// SIGINT, SIGTERM or a client's SHUTDOWN.
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/server"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "embedis-server:", err)
		os.Exit(1)
	}
}

func run(argv []string) error {
	fs := flag.NewFlagSet("embedis-server", flag.ContinueOnError)
	port := fs.Int("port", 6379, "TCP port to listen on (0 disables TCP)")
	bind := fs.String("bind", "127.0.0.1", "address to listen on")
	unixSocket := fs.String("unixsocket", "", "also listen on this Unix socket path")
	requirePass := fs.String("requirepass", "", "password clients must AUTH with")
	databases := fs.Int("databases", 16, "number of databases")
	maxClients := fs.Int("maxclients", 10000, "maximum simultaneous clients")
	maxBulk := fs.Int64("proto-max-bulk-len", 512<<20, "longest argument accepted, in bytes")
	logLevel := fs.String("loglevel", "notice", "debug, verbose, notice or warning")
	ioThreads := fs.Int("io-threads", 1, "OS threads running Go code (GOMAXPROCS); 1, as Redis's default, serves best where clients share the machine")
	if err := fs.Parse(argv); err != nil {
		return err
	}
	// Every command runs as the store's single owner, so more threads only
	// parallelise socket reads and writes; on a small machine they mostly
	// add scheduling between threads (measured in BENCHMARKS.md).
	if *ioThreads < 1 {
		return fmt.Errorf("--io-threads must be at least 1")
	}
	runtime.GOMAXPROCS(*ioThreads)
	level := slog.LevelInfo
	switch *logLevel {
	case "debug", "verbose":
		level = slog.LevelDebug
	case "warning":
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	store, err := embedis.Open(embedis.Options{Databases: *databases})
	if err != nil {
		return err
	}
	defer store.Close()
	srv := server.New(store, server.Options{
		RequirePass:     *requirePass,
		MaxClients:      *maxClients,
		ProtoMaxBulkLen: *maxBulk,
		Logger:          logger,
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
	if len(listeners) == 0 {
		return fmt.Errorf("nothing to listen on: give --port or --unixsocket")
	}
	for _, l := range listeners {
		logger.Info("ready to accept connections", "addr", l.Addr().String())
		go srv.Serve(l)
	}

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	select {
	case sig := <-signals:
		logger.Info("received signal, shutting down", "signal", sig.String())
	case <-srv.Done():
		logger.Info("SHUTDOWN received, shutting down")
	}
	return srv.Close()
}
