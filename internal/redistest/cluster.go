package redistest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A Redis Cluster on loopback, for the tests that run embedis's helpers on
// a cluster through go-redis.
//
// The nodes are Debian's redis-server with cluster mode on, each listening
// on a TCP port of 127.0.0.1 (the cluster's clients and its redirections
// speak host:port, not Unix sockets) and, for the test's own connections
// (Dial), on a Unix socket. Redis opens a second port, the cluster bus, at
// the client port + 10000; both must be free. The ports are drawn from
// 10000–22767 (bus 20000–32767), below Linux's ephemeral range
// (32768–60999 by default), so the outgoing connections of everything else
// on the machine never take one between our check and the server's bind; a
// node that still loses the race (another listener) is retried on fresh
// ports.

// Cluster is a running Redis Cluster of master nodes with no replicas.
type Cluster struct {
	// Addrs are the nodes' client addresses ("127.0.0.1:port"), in the
	// order of Nodes: what a cluster client is given as seeds.
	Addrs []string
	// Nodes are the node processes; each one's Socket takes Dial.
	Nodes []*Server
}

// clusterNodes is how many masters StartCluster creates: the fewest
// redis-cli --cluster create accepts.
const clusterNodes = 3

// StartCluster starts a 3-node Redis Cluster (three masters, no replicas,
// the 16384 slots split as redis-cli --cluster create splits them) on
// loopback, each node with its own temporary directory and nodes file and
// no persistence, and stops it (SIGKILL to each node) when the test ends.
// It returns once every node reports cluster_state:ok and all of them
// agree on which node serves which slots. Starting takes about two
// seconds, so tests share one cluster across their subtests (a key prefix
// per subtest), or one per test binary with NewCluster.
//
// Without redis-server or redis-cli on PATH it skips the test; under
// CI=true it fails it instead, as Start does.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := NewCluster()
	if err != nil {
		SkipUnlessCI(t, err)
	}
	t.Cleanup(c.Stop)
	return c
}

// ErrNotInstalled is wrapped by NewCluster's error when redis-server or
// redis-cli is not on PATH.
var ErrNotInstalled = errors.New("not on PATH (./test.sh installs redis-server and redis-cli)")

// SkipUnlessCI ends t because of err, a failure to start Redis: it skips t
// when err wraps ErrNotInstalled and CI is not "true", and fails it
// otherwise.
func SkipUnlessCI(t testing.TB, err error) {
	t.Helper()
	if errors.Is(err, ErrNotInstalled) && os.Getenv("CI") != "true" {
		t.Skipf("skipping the Redis test: %v", err)
	}
	t.Fatal(err)
}

// NewCluster starts a cluster as StartCluster does, for a cluster that
// outlives one test: the caller stops it (Stop), typically in TestMain
// after m.Run, so that every test of the binary shares it. Its error wraps
// ErrNotInstalled when redis-server or redis-cli is missing, and carries
// the nodes' logs otherwise.
func NewCluster() (*Cluster, error) {
	server, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server: %w", ErrNotInstalled)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		return nil, fmt.Errorf("redis-cli: %w", ErrNotInstalled)
	}
	c := &Cluster{}
	for attempt := 1; ; attempt++ {
		err := c.startNodes(server)
		if err == nil {
			break
		}
		c.Stop()
		c.Nodes, c.Addrs = nil, nil
		if !errors.Is(err, errPortTaken) || attempt == 5 {
			return nil, fmt.Errorf("start the cluster's nodes: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		c.Stop()
		return nil, fmt.Errorf("redis-cli %s: %v\n%s%s", strings.Join(args, " "), err, out, c.logs())
	}
	if err := c.waitReady(time.Now().Add(30 * time.Second)); err != nil {
		c.Stop()
		return nil, fmt.Errorf("the cluster did not become ready: %v\nredis-cli said:\n%s%s", err, out, c.logs())
	}
	return c, nil
}

// errPortTaken marks a node that could not bind its ports.
var errPortTaken = errors.New("port taken")

// startNodes starts the nodes on fresh ports and waits until each answers
// PING on its Unix socket.
func (c *Cluster) startNodes(server string) error {
	ports := freePortPairs(clusterNodes)
	if ports == nil {
		return fmt.Errorf("no free ports below the ephemeral range: %w", errPortTaken)
	}
	for _, p := range ports {
		dir, err := os.MkdirTemp("", "redistest-cluster-")
		if err != nil {
			return err
		}
		sock := filepath.Join(dir, "redis.sock")
		cmd := exec.Command(server, "--port", strconv.Itoa(p), "--bind", "127.0.0.1",
			"--unixsocket", sock, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning")
		s := &Server{Socket: sock, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), Dir: dir,
			DBFilename: "dump.rdb", cmd: cmd, logs: new(syncBuffer), exited: make(chan struct{}), tempDir: dir}
		cmd.Stdout, cmd.Stderr = s.logs, s.logs
		if err := cmd.Start(); err != nil {
			os.RemoveAll(dir)
			return fmt.Errorf("start redis-server: %v", err)
		}
		go func() { cmd.Wait(); close(s.exited) }()
		c.Nodes = append(c.Nodes, s)
		c.Addrs = append(c.Addrs, s.Addr)
	}
	for _, s := range c.Nodes {
		if err := s.waitPing(time.Now().Add(10 * time.Second)); err != nil {
			if strings.Contains(s.Log(), "Address already in use") {
				err = fmt.Errorf("%w: %v", errPortTaken, err)
			}
			return fmt.Errorf("node %s: %w\n%s", s.Addr, err, s.Log())
		}
	}
	return nil
}

// waitPing waits until the server answers PING on its socket, it exits, or
// deadline passes.
func (s *Server) waitPing(deadline time.Time) error {
	for {
		select {
		case <-s.exited:
			return errors.New("redis-server exited")
		default:
		}
		conn, err := net.Dial("unix", s.Socket)
		if err == nil {
			pong, err := ping(conn)
			conn.Close()
			if err != nil || pong != "PONG" {
				return fmt.Errorf("PING = %#v, %v", pong, err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer on %s: %v", s.Socket, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitReady waits until every node says cluster_state:ok and every node's
// CLUSTER SLOTS reply names the same owner for the same slot ranges, which
// together cover all 16384 slots.
func (c *Cluster) waitReady(deadline time.Time) error {
	var clients []*Client
	defer func() {
		for _, cl := range clients {
			cl.conn.Close()
		}
	}()
	for _, s := range c.Nodes {
		conn, err := net.Dial("unix", s.Socket)
		if err != nil {
			return err
		}
		clients = append(clients, &Client{conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)})
	}
	for {
		why, err := c.notReady(clients)
		if err != nil {
			return err
		}
		if why == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New(why)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// notReady says why the cluster is not ready yet, or "" when it is.
func (c *Cluster) notReady(clients []*Client) (string, error) {
	var first []string
	for i, cl := range clients {
		v, err := cl.do("CLUSTER", "INFO")
		if err != nil {
			return "", err
		}
		if info, _ := v.(string); !strings.Contains(info, "cluster_state:ok\r\n") {
			return fmt.Sprintf("node %s: CLUSTER INFO:\n%s", c.Addrs[i], info), nil
		}
		if v, err = cl.do("CLUSTER", "SLOTS"); err != nil {
			return "", err
		}
		slots, covered, err := slotOwners(v)
		if err != nil {
			return fmt.Sprintf("node %s: CLUSTER SLOTS: %v", c.Addrs[i], err), nil
		}
		if covered != 16384 {
			return fmt.Sprintf("node %s: CLUSTER SLOTS covers %d slots: %q", c.Addrs[i], covered, slots), nil
		}
		if i == 0 {
			first = slots
		} else if !reflect.DeepEqual(slots, first) {
			return fmt.Sprintf("node %s sees the slots as %q, node %s as %q", c.Addrs[i], slots, c.Addrs[0], first), nil
		}
	}
	return "", nil
}

// do sends one command and reads its reply, with a 10-second deadline,
// returning transport errors instead of failing a test.
func (c *Client) do(args ...string) (any, error) {
	c.conn.SetDeadline(time.Now().Add(10 * time.Second))
	c.Send(args...)
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	return readReply(c.r, false)
}

// slotOwners renders a CLUSTER SLOTS reply as sorted "first-last host:port"
// lines (the master of each range) and counts the slots it covers.
func slotOwners(reply any) (ranges []string, covered int, err error) {
	rows, ok := reply.([]any)
	if !ok {
		return nil, 0, fmt.Errorf("reply %#v", reply)
	}
	for _, row := range rows {
		r, ok := row.([]any)
		if !ok || len(r) < 3 {
			return nil, 0, fmt.Errorf("row %#v", row)
		}
		lo, ok1 := r[0].(int64)
		hi, ok2 := r[1].(int64)
		master, ok3 := r[2].([]any)
		if !ok1 || !ok2 || !ok3 || len(master) < 2 {
			return nil, 0, fmt.Errorf("row %#v", row)
		}
		host, _ := master[0].(string)
		port, _ := master[1].(int64)
		ranges = append(ranges, fmt.Sprintf("%d-%d %s:%d", lo, hi, host, port))
		covered += int(hi - lo + 1)
	}
	sort.Strings(ranges)
	return ranges, covered, nil
}

// freePortPairs picks n distinct ports p in 10000–22767 such that p and
// p+10000 (its cluster bus) can both be bound on 127.0.0.1 now, and no
// port of one node is the bus of another. It returns nil if it finds none
// in many tries.
func freePortPairs(n int) []int {
	used := map[int]bool{}
	var ports []int
	for tries := 0; len(ports) < n && tries < 1000; tries++ {
		p := 10000 + rand.IntN(12768)
		if used[p] || used[p+10000] || !canListen(p) || !canListen(p+10000) {
			continue
		}
		used[p], used[p+10000] = true, true
		ports = append(ports, p)
	}
	if len(ports) < n {
		return nil
	}
	return ports
}

// canListen reports whether 127.0.0.1:port can be bound now.
func canListen(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// Stop kills every node (SIGKILL) and removes their directories. It may be
// called more than once; the test's end calls it too.
func (c *Cluster) Stop() {
	for _, s := range c.Nodes {
		s.Stop()
		if s.tempDir != "" {
			os.RemoveAll(s.tempDir)
		}
	}
}

// logs is every node's log, for a failure message.
func (c *Cluster) logs() string {
	var b strings.Builder
	for _, s := range c.Nodes {
		fmt.Fprintf(&b, "\n--- node %s log:\n%s", s.Addr, s.Log())
	}
	return b.String()
}
