// Package server serves an embedis Store over the Redis protocol (RESP2 and
// RESP3, inline commands and pipelining included), so that any Redis client
// can use it.
//
//	store, _ := embedis.Open(embedis.Options{})
//	srv := server.New(store, server.Options{})
//	l, _ := net.Listen("tcp", "127.0.0.1:6379")
//	go srv.Serve(l)
//	defer srv.Close()
//
// Each connection has its own goroutine that reads requests, and every
// request already received is handed to the store's owner in one turn: a
// pipeline of N commands costs one hand-off, not N. Replies are encoded
// into the connection's buffer during the turn and written to the socket
// after it, so a slow reader never holds up the owner; a reader that falls
// further behind than the output-buffer limit is disconnected.
//
// Data commands come from embedis's one command table and run through
// Tx.Do, the same code the Go API runs; this package adds the commands of
// the connection (AUTH, HELLO, SELECT's memory, MULTI/EXEC/WATCH, CLIENT,
// CONFIG, INFO, COMMAND, RESET, QUIT, SHUTDOWN) and those of the snapshot
// file (SAVE, BGSAVE, LASTSAVE: persistence.go), whose save points
// (Options.SavePoints, redis.conf's save) start BGSAVEs on their own
// (savepoints.go). Close abandons a BGSAVE and saves nothing; Shutdown
// stops as redis-server does on SIGTERM, saving first when there are save
// points. REPLICAOF host port makes the server follow a redis-server master
// as a read-only replica (replica.go).
package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/persist"
	// Scripting (EVAL, EVALSHA, SCRIPT) on the server's store: its Lua VM
	// registers itself with the command table.
	_ "github.com/embedis/embedis/scripting"
)

// Options configure a Server. The zero value serves without a password, with
// Redis's protocol limits, up to 10,000 clients.
type Options struct {
	// RequirePass, if set, makes clients AUTH before any other command
	// (redis.conf's requirepass).
	RequirePass string
	// MaxClients caps simultaneous connections (maxclients); 0 means 10,000.
	MaxClients int
	// OutputBufferLimit is the most reply bytes a connection may have waiting
	// before it is disconnected (client-output-buffer-limit's hard limit);
	// 0 means 256 MB.
	OutputBufferLimit int
	// ProtoMaxBulkLen is proto-max-bulk-len: it caps one argument's length
	// and New makes it the store's Limits.MaxStringLength (the longest
	// string a command may build), so both follow CONFIG SET. 0 keeps the
	// store's limit (512 MB unless Options.Limits says otherwise); below
	// 1 MB, Redis's minimum, counts as 1 MB.
	ProtoMaxBulkLen int64
	// Logger receives the server's log lines; nil discards them.
	Logger *slog.Logger
	// Dir is the directory of the snapshot file (redis.conf's dir); ""
	// means the process's working directory when New runs. CONFIG GET dir
	// shows it as an absolute path.
	Dir string
	// DBFilename is the snapshot file's name in Dir (dbfilename); ""
	// means "dump.rdb". It must be a file name, not a path: SAVE and
	// BGSAVE fail with a name that has a directory in it. A name ending in
	// ".zst" is written zstd-compressed (an embedis extension: zstd -d
	// gives the RDB file redis-server loads).
	DBFilename string
	// SavePoints are redis.conf's save points (save 3600 1 300 100): a
	// BGSAVE starts on its own once one is reached, and SHUTDOWN, Shutdown
	// and FLUSHALL save, as in Redis (savepoints.go). nil means none, as
	// redis-server --save "": the snapshot file is written only by SAVE,
	// BGSAVE and SHUTDOWN SAVE. CONFIG SET save changes them.
	// DefaultSavePoints returns redis-server's default.
	SavePoints []SavePoint
	// Loaded describes the snapshot the store was opened from (OpenStore),
	// for INFO persistence; the zero value says none was.
	Loaded LoadStats
	// AppendOnly is the data directory the store was opened from
	// (persist.Open; its Store must be the one New serves). With its
	// append-only log on (redis.conf's appendonly yes), BGREWRITEAOF
	// compacts it and INFO persistence shows aof_enabled:1 and its sizes
	// (aof.go); CONFIG SET appendonly and appendfsync switch its log at run
	// time (persist.DB.SetAppendOnly, SetAppendFsync). The server does not
	// close it: its owner does, after the server (DB.Close flushes and
	// fsyncs the log). nil, with AppendLog nil too, is appendonly no for
	// good: BGREWRITEAOF and CONFIG SET appendonly yes are refused.
	AppendOnly *persist.DB
	// AppendLog is the persist.Log the store was opened with when
	// AppendOnly is nil (embedis-server --appendonly no opens its dump.rdb
	// so): CONFIG SET appendonly yes then makes Dir/AppendDirName the
	// store's data directory (persist.Attach, Redis's rewrite on
	// appendonly yes) and starts its log. The server closes the DB it made
	// so in Close — and with it the store.
	AppendLog *persist.Log
	// AppendFsync is the fsync policy AppendOnly was opened with, shown by
	// CONFIG GET appendfsync (everysec, the zero value, is Redis's default)
	// and changed by CONFIG SET appendfsync.
	AppendFsync persist.Fsync
	// AppendDirName is what CONFIG GET appenddirname shows: the name of
	// AppendOnly's directory in Dir; "" means "appendonlydir".
	AppendDirName string
}

// Server serves one Store to network clients.
type Server struct {
	store   *embedis.Store
	opts    Options
	log     *slog.Logger
	cfg     *config
	persist *persistence
	repl    *replication // replica.go

	handlers map[string]serverHandler // serverCommands; read-only

	mu        sync.Mutex // guards the fields below; never held while taking the store's owner role
	listeners map[net.Listener]struct{}
	clients   map[int64]*conn
	closed    bool
	wg        sync.WaitGroup

	done     chan struct{} // closed by Close (and SHUTDOWN)
	doneOnce sync.Once
	idleOnce sync.Once // starts the idle check (timeout)

	nextID  atomic.Int64
	started time.Time
	stats   serverStats

	// The monitoring connections (monitor.go): the list is the owner's,
	// the count says without the role whether there are any.
	monitors     []*conn
	monitorCount atomic.Int32
}

// serverStats are the counters INFO reports; all updated atomically.
type serverStats struct {
	connectionsReceived atomic.Int64
	rejectedConnections atomic.Int64
	commandsProcessed   atomic.Int64
	errorReplies        atomic.Int64
	netInput            atomic.Int64
	netOutput           atomic.Int64
	cmd                 sync.Map // command name -> *cmdStat
	errMu               sync.Mutex
	errors              map[string]int64 // error prefix ("ERR", "WRONGTYPE") -> count
}

type cmdStat struct {
	name                    string // "get", "client|list"
	calls, rejected, failed atomic.Int64
	nsec                    atomic.Int64 // time spent, reported in µs by INFO
}

// New returns a Server for store. It does not listen until Serve.
func New(store *embedis.Store, opts Options) *Server {
	if opts.MaxClients <= 0 {
		opts.MaxClients = 10000
	}
	if opts.OutputBufferLimit <= 0 {
		opts.OutputBufferLimit = 256 << 20
	}
	if lim, err := store.Limits(context.Background()); err == nil {
		switch {
		case opts.ProtoMaxBulkLen <= 0:
			opts.ProtoMaxBulkLen = lim.MaxStringLength
		default:
			opts.ProtoMaxBulkLen = max(opts.ProtoMaxBulkLen, 1<<20)
			lim.MaxStringLength = opts.ProtoMaxBulkLen
			store.SetLimits(context.Background(), lim)
		}
	} else if opts.ProtoMaxBulkLen <= 0 {
		opts.ProtoMaxBulkLen = embedis.MaxStringLength // the store is closed: it will refuse everything
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{
		store:     store,
		handlers:  serverCommands,
		opts:      opts,
		log:       logger,
		listeners: make(map[net.Listener]struct{}),
		clients:   make(map[int64]*conn),
		done:      make(chan struct{}),
		started:   time.Now(),
	}
	s.stats.errors = make(map[string]int64)
	s.cfg = newConfig(s)
	s.persist = newPersistence(s)
	s.repl = &replication{srv: s}
	store.SetServerCommandHandler(s.runForScript)      // server/script.go
	store.SetScriptCommandObserver(s.seeScriptCommand) // server/monitor.go
	return s
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("server: closed")

// Serve accepts connections on l until Close and serves each in its own
// goroutine. It returns ErrServerClosed after Close, or the listener's error.
// TCP connections get keepalive probes as CONFIG's tcp-keepalive says
// (300 seconds unless set), whatever the listener set.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		l.Close()
		return ErrServerClosed
	}
	s.listeners[l] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.listeners, l)
		s.mu.Unlock()
	}()
	var backoff time.Duration
	for {
		nc, err := l.Accept()
		if err != nil {
			select {
			case <-s.done:
				return ErrServerClosed
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		if tc, ok := nc.(*net.TCPConn); ok {
			// As Redis, whatever keepalive the listener set.
			if err := setKeepAlive(tc, s.cfg.keepAlive()); err != nil {
				s.log.Warn("setting TCP keepalive", "err", err)
			}
		}
		if !s.startConn(nc) {
			continue
		}
	}
}

// ServeConn serves one already-connected client (for example one end of a
// net.Pipe) until it disconnects. It returns at once if the server is closed.
func (s *Server) ServeConn(nc net.Conn) {
	c := s.register(nc)
	if c == nil {
		return
	}
	c.serve()
}

func (s *Server) startConn(nc net.Conn) bool {
	c := s.register(nc)
	if c == nil {
		return false
	}
	go c.serve()
	return true
}

// register admits a connection, or refuses it when closed or full.
func (s *Server) register(nc net.Conn) *conn {
	s.stats.connectionsReceived.Add(1)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		nc.Close()
		return nil
	}
	if len(s.clients) >= s.opts.MaxClients {
		s.mu.Unlock()
		s.stats.rejectedConnections.Add(1)
		nc.Write([]byte("-ERR max number of clients reached\r\n"))
		nc.Close()
		return nil
	}
	c := newConn(s, nc)
	s.clients[c.id] = c
	s.wg.Add(1)
	s.mu.Unlock()
	return c
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	delete(s.clients, c.id)
	s.mu.Unlock()
	s.wg.Done()
}

// Close stops every listener, disconnects every client and waits for their
// goroutines to end. A BGSAVE in progress is abandoned, as Redis kills its
// saving child at shutdown: Close waits for its write to stop, which
// leaves the snapshot file as it was and no temporary file behind. It does
// not close the Store. It is idempotent.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		s.persist.stop()
		return nil
	}
	s.closed = true
	for l := range s.listeners {
		l.Close()
	}
	for _, c := range s.clients {
		c.kill()
	}
	s.mu.Unlock()
	s.repl.close()
	s.doneOnce.Do(func() { close(s.done) })
	s.wg.Wait()
	s.persist.stop()
	return s.persist.closeAttached()
}

// Done is closed when the server is closed, by Close or by a client's
// SHUTDOWN.
func (s *Server) Done() <-chan struct{} { return s.done }

// shutdown is SHUTDOWN: close the server from a connection goroutine,
// without waiting for that connection itself.
func (s *Server) shutdown() {
	go s.Close()
}

// countError records an error reply by its prefix (the text up to the first
// space, as Redis's errorstats).
func (s *Server) countError(msg string) {
	s.stats.errorReplies.Add(1)
	prefix := msg
	for i := 0; i < len(msg); i++ {
		if msg[i] == ' ' {
			prefix = msg[:i]
			break
		}
	}
	s.stats.errMu.Lock()
	s.stats.errors[prefix]++
	s.stats.errMu.Unlock()
}

func (s *Server) cmdStat(name string) *cmdStat {
	if v, ok := s.stats.cmd.Load(name); ok {
		return v.(*cmdStat)
	}
	v, _ := s.stats.cmd.LoadOrStore(name, &cmdStat{name: name})
	return v.(*cmdStat)
}

// limits are a new connection's protocol limits; proto-max-bulk-len is
// the store's Limits.MaxStringLength, read again before every batch.
func (s *Server) limits() resp.Limits {
	return resp.Limits{MaxBulkLen: s.store.MaxStringLength()}
}
