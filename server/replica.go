package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedis/embedis"
)

// Following a master: REPLICAOF host port makes the server a replica of a
// redis-server (or of anything that speaks its replication protocol), as
// redis-server 7.0 is one:
//
//   - The link's goroutine connects and shakes hands as redis-server does:
//     PING, AUTH [masteruser] masterauth when masterauth is set (a PING
//     answered NOAUTH or NOPERM is taken as "authenticate first", as Redis
//     takes it; a refused AUTH keeps the link down and is logged as
//     "Unable to AUTH to MASTER"), REPLCONF listening-port <port>, REPLCONF
//     capa eof capa psync2, PSYNC ? -1.
//   - The master answers +FULLRESYNC <replid> <offset> and sends its RDB
//     file, either sized ($<len>\r\n and the bytes) or diskless
//     ($EOF:<40-byte mark>\r\n, the bytes, then the mark). The file is
//     spooled to a temporary file first, so that the owner role is not
//     held while the network is slow, then loaded in one owner turn by
//     Store.ReplaceFromSnapshot, which empties every database first. With
//     appendonly yes the log is then rewritten (BGREWRITEAOF), as Redis
//     restarts its AOF after a sync: until the rewrite ends, the log holds
//     the sync's FLUSHALL but not the loaded keys.
//   - The command stream follows: each command (a MULTI … EXEC block as a
//     whole) is applied with Store.Apply, the path the write-effect stream
//     is replayed through, after a SELECT of the database the stream has
//     selected. The replication offset counts the stream's bytes; the
//     master's PINGs only move it, REPLCONF GETACK is answered with
//     REPLCONF ACK <offset>, and an ACK goes to the master every second.
//   - When the link drops (the master closes it, repl-timeout seconds (60)
//     without a byte from it, a reply or a byte the protocol does not
//     allow, a file that does not load), the link is reported down and the
//     goroutine connects again a second later, asking for a partial resync
//     with the master's replication ID and the offset after the last unit
//     applied (PSYNC <replid> <offset+1>). On +CONTINUE (or +CONTINUE
//     <new replid>, taken on) the data stays and the stream resumes in the
//     database it had selected; on +FULLRESYNC a full sync replaces the
//     data. A sync that fails while loading forgets the replication ID, so
//     the next attempt is a full sync. REPLICAOF of another master starts
//     over with PSYNC ? -1.
//
// Clients' write commands are refused with READONLY while the server is a
// replica and replica-read-only is yes (Redis's default; with no, they run,
// and the master's stream may overwrite what they wrote, as in Redis);
// reads are served. Expiry is a Redis replica's (Tx.SetReplicaExpiry, on
// while the server follows a master): keys go only by the master's DELs; a
// read of a key past its deadline answers as if it were missing, without
// deleting it (DBSIZE still counts it); a write to one (replica-read-only
// no) deletes it first; active expiry pauses until REPLICAOF NO ONE.

// Redis's replies of REPLICAOF and the errors of a replica.
const (
	errReadOnly          = "READONLY You can't write against a read only replica."
	errInvalidMasterPort = "ERR Invalid master port"
	replyAlreadyFollows  = "OK Already connected to specified master"
)

// replTimeout is repl-timeout: the link is dropped after this long without
// a byte from the master (or with a write to it blocked).
func (r *replication) replTimeout() time.Duration {
	n, err := strconv.Atoi(r.srv.cfg.get("repl-timeout"))
	if err != nil || n < 1 {
		n = 60
	}
	return time.Duration(n) * time.Second
}

// replication is the server's replica state. Its fields are guarded by mu;
// the link's counters are atomics that INFO reads at any time.
type replication struct {
	srv *Server

	mu     sync.Mutex
	host   string // "" while the server is a master
	port   int
	cancel context.CancelFunc // ends the current link's goroutine
	gen    int64              // the current link; a stale goroutine's updates are ignored

	// Link state, as ROLE reports it: connect, connecting, handshake, sync,
	// connected.
	state     string
	linkUp    bool
	downSince time.Time // zero: the link was never up
	replID    string    // the master's replication ID, from FULLRESYNC
	conn      net.Conn  // the current link's connection, nil while none
	syncing   bool
	syncTotal int64 // bytes of the RDB file, -1 for the diskless form

	offset   atomic.Int64 // the stream's bytes applied (slave_repl_offset)
	read     atomic.Int64 // the stream's bytes read (slave_read_repl_offset)
	lastIO   atomic.Int64 // Unix ms of the last byte from the master
	syncRead atomic.Int64 // bytes of the RDB file received so far
}

// following reports whether the server is a replica.
func (r *replication) following() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.host != ""
}

// refusesWrite reports whether a client's command is refused with READONLY:
// a write command, or EXEC of a transaction that queued one, on a replica.
func (c *conn) refusesWrite(cmd *embedis.Command) bool {
	if !hasFlag(cmd, "write") && !(cmd.Name == "exec" && c.multi && queuedWrite(c.queue)) {
		return false
	}
	return c.srv.repl.following() && c.srv.cfg.get("replica-read-only") == "yes"
}

func queuedWrite(queue [][]string) bool {
	for _, args := range queue {
		if q := embedis.LookupCommand(args[0]); q != nil && hasFlag(q, "write") {
			return true
		}
	}
	return false
}

// cmdReplicaof is REPLICAOF host port, REPLICAOF NO ONE, and SLAVEOF.
func cmdReplicaof(c *conn, tx *embedis.Tx, args []string) {
	r := c.srv.repl
	if strings.EqualFold(args[1], "no") && strings.EqualFold(args[2], "one") {
		r.mu.Lock()
		if r.host != "" {
			c.srv.log.Info("MASTER MODE enabled", "was", net.JoinHostPort(r.host, strconv.Itoa(r.port)))
			r.stopLocked()
			r.host, r.port = "", 0
			c.srv.cfg.newReplID()
		}
		r.mu.Unlock()
		c.srv.syncIgnoreMaxMemory(tx)
		c.w.WriteStatus("OK")
		return
	}
	port, err := strconv.ParseInt(args[2], 10, 64)
	if err != nil || port < 0 || port > 65535 {
		c.w.writeErrorText(errInvalidMasterPort)
		return
	}
	host := args[1]
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.host == host && r.port == int(port) {
		c.w.WriteStatus(replyAlreadyFollows)
		return
	}
	r.stopLocked()
	r.host, r.port = host, int(port)
	r.start()
	c.srv.log.Info("REPLICAOF enabled", "master", net.JoinHostPort(host, strconv.Itoa(int(port))))
	c.srv.applyIgnoreMaxMemory(tx, true)
	c.w.WriteStatus("OK")
}

// syncIgnoreMaxMemory puts replica-ignore-maxmemory into effect: while the
// server follows a master and the setting is yes (Redis's default), the
// store neither evicts nor refuses writes for memory
// (EvictionConfig.Suspended), as Redis's isSafeToPerformEvictions: the
// master's evictions arrive as DELs. With no, the replica evicts on its
// own, between the master's commands too (see masterLink.stream).
func (s *Server) syncIgnoreMaxMemory(tx *embedis.Tx) {
	s.applyIgnoreMaxMemory(tx, s.repl.following())
}

func (s *Server) applyIgnoreMaxMemory(tx *embedis.Tx, following bool) {
	// Expiry follows the master too while the server follows one.
	tx.SetReplicaExpiry(following)
	want := following && s.cfg.get("replica-ignore-maxmemory") == "yes"
	if ec, _ := tx.Eviction(); ec.Suspended != want {
		ec.Suspended = want
		tx.ConfigureEviction(ec)
	}
}

// stopLocked ends the current link's goroutine without waiting for it (it
// may be waiting for the owner role, which the caller may hold).
func (r *replication) stopLocked() {
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	r.gen++
	r.state, r.linkUp, r.syncing, r.replID, r.conn = "", false, false, "", nil
	r.downSince = time.Time{}
	r.offset.Store(0)
	r.read.Store(0)
	r.lastIO.Store(0)
}

// start begins a link to r.host:r.port; r.mu is held.
func (r *replication) start() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	r.gen++
	r.state = "connect"
	gen, addr := r.gen, net.JoinHostPort(r.host, strconv.Itoa(r.port))
	r.srv.wg.Add(1)
	go func() {
		defer r.srv.wg.Done()
		r.follow(ctx, gen, addr)
	}()
}

// dropLink closes the connection to the master, as CLIENT KILL TYPE master
// does on a Redis replica: the link is retried (with a partial resync) a
// second later. It reports how many connections it closed (0 or 1): only
// a link past its handshake counts, as Redis's master client exists only
// then.
func (r *replication) dropLink() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.conn == nil || !r.linkUp {
		return 0
	}
	r.conn.Close()
	return 1
}

// close ends the link when the server closes.
func (r *replication) close() {
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	r.mu.Unlock()
}

// update changes the link state if gen is still the current link.
func (r *replication) update(gen int64, f func()) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gen != gen {
		return false
	}
	f()
	return true
}

// follow keeps a link to the master at addr until ctx ends: each failed or
// dropped link is reported down and retried a second later.
func (r *replication) follow(ctx context.Context, gen int64, addr string) {
	db := 0 // the database the master's stream selected, kept for a partial resync
	for ctx.Err() == nil {
		err := r.link(ctx, gen, addr, &db)
		r.update(gen, func() {
			if r.linkUp {
				r.downSince = time.Now()
			}
			r.state, r.linkUp, r.syncing = "connect", false, false
		})
		if ctx.Err() != nil {
			return
		}
		r.srv.log.Warn("replication link to master down, retrying in 1 second", "master", addr, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-r.srv.done:
			return
		case <-time.After(time.Second):
		}
	}
}

// masterLink is one connection to the master.
type masterLink struct {
	r   *replication
	gen int64
	nc  net.Conn
	br  *bufio.Reader

	wmu sync.Mutex // serialises writes: the ACK ticker and GETACK answers
}

// errProtocol is a reply or byte from the master the protocol does not
// allow there.
var errProtocol = errors.New("replication: protocol error from master")

// errMasterAuth: the master refused masterauth, or wants it and it is not
// set.
var errMasterAuth = errors.New("replication: authentication with the master failed")

// link runs one connection: handshake, full sync, command stream.
func (r *replication) link(ctx context.Context, gen int64, addr string, db *int) error {
	r.update(gen, func() { r.state = "connecting" })
	d := net.Dialer{Timeout: 10 * time.Second}
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	defer nc.Close()
	select {
	case <-r.srv.done:
		return ErrServerClosed
	default:
	}
	r.update(gen, func() { r.conn = nc })
	defer r.update(gen, func() { r.conn = nil })
	l := &masterLink{r: r, gen: gen, nc: nc}
	l.br = bufio.NewReaderSize(&masterReader{nc: nc, r: r}, 64<<10)
	r.update(gen, func() { r.state = "handshake" })
	if err := l.handshake(); err != nil {
		return err
	}
	full, replID, offset, err := l.psync()
	if err != nil {
		return err
	}
	if full {
		*db = 0
		if err := l.fullSync(ctx, replID, offset); err != nil {
			return err
		}
	} else {
		r.srv.log.Info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization", "offset", r.offset.Load())
		if err := l.ack(); err != nil {
			return err
		}
	}
	ackDone := make(chan struct{})
	defer close(ackDone)
	go l.ackEverySecond(ackDone)
	return l.stream(ctx, db)
}

// masterReader reads the master's bytes with repl-timeout as a deadline and
// notes the time of the last byte for master_last_io_seconds_ago.
type masterReader struct {
	nc net.Conn
	r  *replication
}

func (m *masterReader) Read(p []byte) (int, error) {
	m.nc.SetReadDeadline(time.Now().Add(m.r.replTimeout()))
	n, err := m.nc.Read(p)
	if n > 0 {
		m.r.lastIO.Store(time.Now().UnixMilli())
	}
	return n, err
}

func (l *masterLink) send(args ...string) error {
	var b []byte
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	l.wmu.Lock()
	defer l.wmu.Unlock()
	l.nc.SetWriteDeadline(time.Now().Add(l.r.replTimeout()))
	_, err := l.nc.Write(b)
	return err
}

// maxReplyLine bounds a reply line of the handshake.
const maxReplyLine = 4096

// readLine reads one reply line of the handshake, skipping the bare
// newlines a master sends to keep the link alive while it prepares the
// file; the line comes back without its CRLF.
func (l *masterLink) readLine() (string, error) {
	for {
		var line []byte
		for {
			frag, err := l.br.ReadSlice('\n')
			line = append(line, frag...)
			if err == nil {
				break
			}
			if err != bufio.ErrBufferFull {
				return "", err
			}
			if len(line) > maxReplyLine {
				return "", fmt.Errorf("%w: a line longer than %d bytes", errProtocol, maxReplyLine)
			}
		}
		if len(line) > maxReplyLine {
			return "", fmt.Errorf("%w: a line longer than %d bytes", errProtocol, maxReplyLine)
		}
		s := strings.TrimRight(string(line), "\r\n")
		if s != "" {
			return s, nil
		}
	}
}

// handshake is PING, AUTH and the REPLCONFs, as redis-server sends them.
func (l *masterLink) handshake() error {
	if err := l.send("PING"); err != nil {
		return err
	}
	line, err := l.readLine()
	if err != nil {
		return err
	}
	// Besides +PONG, Redis accepts the errors of a master that wants AUTH
	// first (the AUTH below then decides).
	if line != "+PONG" && !strings.HasPrefix(line, "-NOAUTH") && !strings.HasPrefix(line, "-NOPERM") &&
		!strings.HasPrefix(line, "-ERR operation not permitted") {
		return fmt.Errorf("%w: PING answered %q", errProtocol, line)
	}
	if pass := l.r.srv.cfg.get("masterauth"); pass != "" {
		args := []string{"AUTH", pass}
		if user := l.r.srv.cfg.get("masteruser"); user != "" {
			args = []string{"AUTH", user, pass}
		}
		if err := l.send(args...); err != nil {
			return err
		}
		line, err := l.readLine()
		if err != nil {
			return err
		}
		if line != "+OK" {
			return fmt.Errorf("%w: Unable to AUTH to MASTER: %s", errMasterAuth, strings.TrimPrefix(line, "-"))
		}
	} else if line != "+PONG" {
		return fmt.Errorf("%w: the master wants AUTH (%s) and masterauth is not set", errMasterAuth, strings.TrimPrefix(line, "-"))
	}
	port := "0"
	if p := l.r.srv.listenPort(); p > 0 {
		port = strconv.Itoa(p)
	}
	// Redis goes on when the master refuses a REPLCONF (an older master):
	// so does embedis, but an answer must come.
	for _, args := range [][]string{{"REPLCONF", "listening-port", port}, {"REPLCONF", "capa", "eof", "capa", "psync2"}} {
		if err := l.send(args...); err != nil {
			return err
		}
		line, err := l.readLine()
		if err != nil {
			return err
		}
		if line != "+OK" {
			l.r.srv.log.Warn("master refused "+strings.Join(args[:2], " "), "reply", line)
		}
	}
	return nil
}

// psync asks for a partial resync when an earlier link of this master
// left a replication ID (PSYNC <replid> <offset+1>), for a full sync
// otherwise (PSYNC ? -1). It reports whether the master starts a full sync
// (+FULLRESYNC, with its replication ID and the offset the stream starts
// at) or continues the stream where the replica's data ends (+CONTINUE,
// maybe with a new replication ID, which the replica takes on: the
// master was promoted and keeps its history).
func (l *masterLink) psync() (full bool, replID string, offset int64, err error) {
	r := l.r
	r.mu.Lock()
	known := r.replID
	r.mu.Unlock()
	if known != "" {
		err = l.send("PSYNC", known, strconv.FormatInt(r.offset.Load()+1, 10))
	} else {
		err = l.send("PSYNC", "?", "-1")
	}
	if err != nil {
		return false, "", 0, err
	}
	line, err := l.readLine()
	if err != nil {
		return false, "", 0, err
	}
	f := strings.Fields(line)
	if known != "" && len(f) >= 1 && len(f) <= 2 && f[0] == "+CONTINUE" {
		if len(f) == 2 {
			if len(f[1]) != 40 {
				return false, "", 0, fmt.Errorf("%w: PSYNC answered %q", errProtocol, line)
			}
			known = f[1]
		}
		// The bytes read past the last whole unit were dropped with the
		// old link: the stream resumes after the last unit applied.
		r.read.Store(r.offset.Load())
		r.update(l.gen, func() {
			r.state, r.linkUp, r.replID = "connected", true, known
		})
		return false, known, r.offset.Load(), nil
	}
	if len(f) != 3 || f[0] != "+FULLRESYNC" || len(f[1]) != 40 {
		return false, "", 0, fmt.Errorf("%w: PSYNC answered %q", errProtocol, line)
	}
	off, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || off < 0 {
		return false, "", 0, fmt.Errorf("%w: PSYNC answered %q", errProtocol, line)
	}
	return true, f[1], off, nil
}

// eofMarkLen is the length of the diskless form's end mark.
const eofMarkLen = 40

// fullSync receives the RDB file into a temporary file, then loads it.
func (l *masterLink) fullSync(ctx context.Context, replID string, offset int64) error {
	line, err := l.readLine()
	if err != nil {
		return err
	}
	var body io.Reader
	total := int64(-1)
	switch {
	case strings.HasPrefix(line, "$EOF:") && len(line) == 5+eofMarkLen:
		body = &eofReader{br: l.br, mark: []byte(line[5:])}
	case strings.HasPrefix(line, "$"):
		n, err := strconv.ParseInt(line[1:], 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%w: RDB preamble %q", errProtocol, line)
		}
		total = n
		body = io.LimitReader(l.br, n)
	default:
		return fmt.Errorf("%w: RDB preamble %q", errProtocol, line)
	}
	r := l.r
	r.syncRead.Store(0)
	r.update(l.gen, func() {
		// The data is being replaced: until the file is loaded, no
		// partial resync may continue it.
		r.state, r.syncing, r.syncTotal, r.replID = "sync", true, total, ""
	})
	f, err := os.CreateTemp("", "embedis-replica-*.rdb")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	n, err := io.Copy(f, &syncCounter{body, &r.syncRead})
	if err != nil {
		return fmt.Errorf("replication: receiving the RDB file: %w", err)
	}
	if total >= 0 && n < total {
		return fmt.Errorf("replication: receiving the RDB file: %w", io.ErrUnexpectedEOF)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r.srv.log.Info("MASTER <-> REPLICA sync: loading the RDB file", "bytes", n)
	// A stale link must not load: REPLICAOF changed the master meanwhile.
	if !r.update(l.gen, func() {}) {
		return context.Canceled
	}
	if err := r.srv.store.ReplaceFromSnapshot(embedis.WaitWhenBusy(ctx), bufio.NewReaderSize(f, 256<<10)); err != nil {
		return fmt.Errorf("replication: loading the master's RDB file: %w", err)
	}
	r.offset.Store(offset)
	r.read.Store(offset)
	r.update(l.gen, func() {
		r.state, r.linkUp, r.syncing, r.replID = "connected", true, false, replID
	})
	r.srv.log.Info("MASTER <-> REPLICA sync: finished with success", "bytes", n)
	// The append-only log holds a FLUSHALL but not the loaded keys: a
	// rewrite compacts it into a snapshot that has them, as Redis restarts
	// its AOF after a sync.
	r.srv.persist.rewriteAfterSync()
	// The first ACK at once, as Redis: a master that sent the file
	// diskless puts the replica online only when it acknowledges.
	return l.ack()
}

// syncCounter counts the file's bytes received, for INFO.
type syncCounter struct {
	r io.Reader
	n *atomic.Int64
}

func (s *syncCounter) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n.Add(int64(n))
	return n, err
}

// eofReader reads the diskless form's file: the bytes up to the end mark,
// which it consumes. A mark that is not there is an io.ErrUnexpectedEOF.
type eofReader struct {
	br   *bufio.Reader
	mark []byte
	done bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	if e.done {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	// Look at what is buffered (at least the mark's length): bytes before
	// a mark, or all but the last len(mark)-1 bytes, are the file's.
	want := max(e.br.Buffered(), len(e.mark))
	b, err := e.br.Peek(want)
	if len(b) < len(e.mark) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	if i := bytes.Index(b, e.mark); i >= 0 {
		// A file that ends with the start of the mark shows it
		// overlapping itself: the mark is the last of a run of
		// overlapping occurrences (a master sends nothing after the mark
		// before the replica's first ACK).
		for {
			j := bytes.Index(b[i+1:], e.mark)
			if j < 0 || j >= len(e.mark)-1 {
				break
			}
			i += 1 + j
		}
		if i == 0 {
			e.br.Discard(len(e.mark))
			e.done = true
			return 0, io.EOF
		}
		b = b[:i]
	} else {
		b = b[:len(b)-len(e.mark)+1]
	}
	n := copy(p, b)
	e.br.Discard(n)
	return n, nil
}

// maxStreamArgs and the server's proto-max-bulk-len bound one command of
// the stream; their memory grows only with the bytes received.
const maxStreamArgs = 1 << 20

// readCommand reads one command of the stream (a RESP array of bulk
// strings) and returns it with its length in bytes.
func (l *masterLink) readCommand() ([]string, int64, error) {
	line, err := l.readStreamLine()
	if err != nil {
		return nil, 0, err
	}
	size := int64(len(line)) + 2
	if line[0] != '*' {
		return nil, 0, fmt.Errorf("%w: the stream has %q where a command starts", errProtocol, truncate(line, 64))
	}
	n, err := strconv.ParseInt(line[1:], 10, 64)
	if err != nil || n <= 0 || n > maxStreamArgs {
		return nil, 0, fmt.Errorf("%w: command of %q arguments", errProtocol, truncate(line, 64))
	}
	args := make([]string, 0, min(n, 64))
	var buf bytes.Buffer
	for range n {
		line, err := l.readStreamLine()
		if err != nil {
			return nil, 0, err
		}
		size += int64(len(line)) + 2
		if line[0] != '$' {
			return nil, 0, fmt.Errorf("%w: argument %q", errProtocol, truncate(line, 64))
		}
		blen, err := strconv.ParseInt(line[1:], 10, 64)
		if err != nil || blen < 0 || blen > l.r.srv.store.MaxStringLength() {
			return nil, 0, fmt.Errorf("%w: argument length %q", errProtocol, truncate(line, 64))
		}
		buf.Reset()
		if _, err := io.CopyN(&buf, l.br, blen+2); err != nil {
			return nil, 0, err
		}
		b := buf.Bytes()
		if b[blen] != '\r' || b[blen+1] != '\n' {
			return nil, 0, fmt.Errorf("%w: argument not ended by CRLF", errProtocol)
		}
		size += blen + 2
		args = append(args, string(b[:blen]))
	}
	return args, size, nil
}

// readStreamLine reads one CRLF-ended header line of the stream, without
// its CRLF; it is never empty.
func (l *masterLink) readStreamLine() (string, error) {
	var line []byte
	for {
		frag, err := l.br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > maxReplyLine {
			return "", fmt.Errorf("%w: a line longer than %d bytes", errProtocol, maxReplyLine)
		}
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return "", err
		}
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return "", fmt.Errorf("%w: line %q", errProtocol, truncate(string(line), 64))
	}
	return string(line[:len(line)-2]), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// stream applies the master's command stream until the link fails,
// starting in database *db and leaving there the one the stream selected
// last. The offset (slave_repl_offset) moves past a MULTI … EXEC block
// only once it is applied, as Redis's reploff: a partial resync after a
// link cut inside one asks for the block again.
func (l *masterLink) stream(ctx context.Context, dbp *int) error {
	r := l.r
	db := *dbp
	var pending int64 // the bytes of an open MULTI block
	dbAtMulti := db
	inMulti := false
	defer func() {
		if inMulti {
			db = dbAtMulti // the block is asked for again, SELECTs included
		}
		*dbp = db
	}()
	var databases int
	r.srv.store.Atomic(embedis.WaitWhenBusy(ctx), func(tx *embedis.Tx) error { databases = tx.Databases(); return nil })
	var unit [][]string // the commands of an open MULTI, or of one command
	for {
		args, size, err := l.readCommand()
		if err != nil {
			return err
		}
		r.read.Add(size)
		name := strings.ToLower(args[0])
		switch {
		case name == "ping":
			r.offset.Add(size)
			continue
		case name == "replconf":
			if len(args) >= 2 && strings.EqualFold(args[1], "getack") {
				if err := l.ack(); err != nil {
					return err
				}
			}
			r.offset.Add(size)
			continue
		case name == "multi" && !inMulti:
			inMulti, dbAtMulti = true, db
			unit = append(unit[:0], []string{"SELECT", strconv.Itoa(db)})
			pending = size
			continue
		case name == "select" && len(args) == 2:
			// A SELECT that fails here leaves the database as it was.
			if n, err := strconv.Atoi(args[1]); err == nil && n >= 0 && n < databases {
				db = n
			}
		}
		if !inMulti {
			unit = append(unit[:0], []string{"SELECT", strconv.Itoa(db)})
		}
		if name == "exec" && inMulti {
			inMulti = false
		} else {
			unit = append(unit, args)
		}
		if inMulti {
			pending += size
			continue
		}
		size += pending
		pending = 0
		if err := r.srv.store.Apply(embedis.WaitWhenBusy(ctx), unit); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// As a Redis replica, a command of the master that fails here
			// is logged and the stream goes on.
			r.srv.log.Warn("a command from the master failed on the replica", "err", err)
		}
		if r.srv.cfg.get("replica-ignore-maxmemory") == "no" {
			// Apply does not evict (its units are a history); a replica
			// that does not ignore maxmemory evicts before the next
			// command, as Redis's does for each of its master's. The turn
			// evicts as it begins and does nothing without a limit.
			r.srv.store.Atomic(embedis.WaitWhenBusy(ctx), func(*embedis.Tx) error { return nil })
		}
		r.offset.Add(size)
	}
}

// ack sends REPLCONF ACK with the offset applied.
func (l *masterLink) ack() error {
	return l.send("REPLCONF", "ACK", strconv.FormatInt(l.r.offset.Load(), 10))
}

// ackEverySecond sends REPLCONF ACK every second until done is closed.
func (l *masterLink) ackEverySecond(done <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if l.ack() != nil {
				l.nc.Close() // the stream's read fails and the link is retried
				return
			}
		}
	}
}

// listenPort returns the port of the server's first TCP listener, or 0.
func (s *Server) listenPort() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		if a, ok := l.Addr().(*net.TCPAddr); ok {
			return a.Port
		}
	}
	return 0
}

// cmdRole is ROLE: a master's offset and replicas (none: embedis serves no
// replicas yet), or a replica's master, link state and offset.
func cmdRole(c *conn, tx *embedis.Tx, args []string) {
	r := c.srv.repl
	r.mu.Lock()
	host, port, state, up := r.host, r.port, r.state, r.linkUp
	r.mu.Unlock()
	if host == "" {
		c.w.WriteArrayLen(3)
		c.w.WriteBulk("master")
		c.w.WriteInt(0)
		c.w.WriteArrayLen(0)
		return
	}
	c.w.WriteArrayLen(5)
	c.w.WriteBulk("slave")
	c.w.WriteBulk(host)
	c.w.WriteInt(int64(port))
	c.w.WriteBulk(state)
	if up {
		c.w.WriteInt(r.offset.Load())
	} else {
		c.w.WriteInt(-1)
	}
}

// writeInfo writes INFO replication's fields of a replica and reports
// true, or reports false on a master.
func (r *replication) writeInfo(w *infoWriter, cf *config) bool {
	r.mu.Lock()
	host, port, up, downSince, syncing := r.host, r.port, r.linkUp, r.downSince, r.syncing
	replID, total := r.replID, r.syncTotal
	r.mu.Unlock()
	if host == "" {
		return false
	}
	now := time.Now()
	w.str("role", "slave")
	w.str("master_host", host)
	w.int("master_port", int64(port))
	if up {
		w.str("master_link_status", "up")
	} else {
		w.str("master_link_status", "down")
	}
	if last := r.lastIO.Load(); last > 0 && (up || syncing) {
		w.int("master_last_io_seconds_ago", (now.UnixMilli()-last)/1000)
	} else {
		w.int("master_last_io_seconds_ago", -1)
	}
	if syncing {
		w.int("master_sync_in_progress", 1)
		w.int("master_sync_total_bytes", total)
		read := r.syncRead.Load()
		w.int("master_sync_read_bytes", read)
		w.int("master_sync_left_bytes", max(total-read, -1))
		perc := 0.0
		if total > 0 {
			perc = float64(read) * 100 / float64(total)
		}
		w.str("master_sync_perc", strconv.FormatFloat(perc, 'f', 2, 64))
		w.int("master_sync_last_io_seconds_ago", (now.UnixMilli()-r.lastIO.Load())/1000)
	} else {
		w.int("master_sync_in_progress", 0)
	}
	w.int("slave_read_repl_offset", r.read.Load())
	w.int("slave_repl_offset", r.offset.Load())
	if !up {
		if downSince.IsZero() {
			w.int("master_link_down_since_seconds", -1)
		} else {
			w.int("master_link_down_since_seconds", int64(now.Sub(downSince)/time.Second))
		}
	}
	w.str("slave_priority", "100")
	w.str("slave_read_only", "1")
	w.str("replica_announced", "1")
	w.str("connected_slaves", "0")
	w.str("master_failover_state", "no-failover")
	if replID == "" {
		replID = cf.replID
	}
	w.str("master_replid", replID)
	w.str("master_replid2", strings.Repeat("0", 40))
	w.int("master_repl_offset", r.offset.Load())
	w.str("second_repl_offset", "-1")
	w.str("repl_backlog_active", "0")
	w.str("repl_backlog_size", cf.get("repl-backlog-size"))
	w.zeros("repl_backlog_first_byte_offset", "repl_backlog_histlen")
	return true
}

// newReplID gives the server a new replication ID, as REPLICAOF NO ONE
// does; it runs as the owner, as INFO, which reads it.
func (c *config) newReplID() { c.replID = randomHex(40) }

// rewriteAfterSync starts (or schedules) a rewrite of the append-only log
// when it is on, as BGREWRITEAOF does.
func (p *persistence) rewriteAfterSync() {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := &p.aof
	switch {
	case !a.on || p.stopped:
	case a.rewriting || p.bg != nil:
		a.scheduled = true // the running rewrite's or BGSAVE's end starts it
	default:
		p.startRewrite()
	}
}
