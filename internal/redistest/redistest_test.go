package redistest

import (
	"bufio"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// wire holds one reply of every RESP2 type, with its decoded and text forms.
var wire = []struct {
	resp    string
	decoded any
	text    string
}{
	{"+OK\r\n", "OK", "+OK"},
	{"-ERR bad\r\n", ReplyError("ERR bad"), "-ERR bad"},
	{":-42\r\n", int64(-42), ":-42"},
	{"$5\r\na\r\nb\n\r\n", "a\r\nb\n", "$a\r\nb\n"},
	{"$0\r\n\r\n", "", "$"},
	{"$-1\r\n", nil, "$nil"},
	{"*-1\r\n", nil, "*-1"},
	{"*0\r\n", []any{}, "*0"},
	{"*3\r\n:1\r\n*2\r\n+x\r\n$-1\r\n$1\r\ny\r\n", []any{int64(1), []any{"x", nil}, "y"}, "*3|:1|*2|+x|$nil|$y"},
}

func TestReadReply(t *testing.T) {
	for _, w := range wire {
		for _, text := range []bool{false, true} {
			r := bufio.NewReader(strings.NewReader(w.resp + ":7\r\n"))
			v, err := readReply(r, text)
			want := w.decoded
			if text {
				want = w.text
			}
			if err != nil || !reflect.DeepEqual(v, want) {
				t.Errorf("readReply(%q, text=%v) = %#v, %v; want %#v", w.resp, text, v, err, want)
			}
			if next, err := readReply(r, false); next != int64(7) {
				t.Errorf("after %q: next reply %#v, %v", w.resp, next, err)
			}
		}
	}
	for _, bad := range []string{"", "+OK\n", "\r\n", "?x\r\n", ":x\r\n", "$x\r\n", "$3\r\nab", "*2\r\n:1\r\n"} {
		if v, err := readReply(bufio.NewReader(strings.NewReader(bad)), false); err == nil {
			t.Errorf("readReply(%q) = %#v, want an error", bad, v)
		}
	}
}

func TestClient(t *testing.T) {
	c := Start(t).Dial(t)
	if v := c.Do(t, "PING"); v != "PONG" {
		t.Fatalf("PING = %#v", v)
	}
	c.MustDo(t, "SET", "k", "v\r\n")
	if v := c.Do(t, "GET", "k"); v != "v\r\n" {
		t.Errorf("GET = %#v", v)
	}
	if v := c.Do(t, "GET", "missing"); v != nil {
		t.Errorf("GET missing = %#v", v)
	}
	if v, ok := c.Do(t, "INCR", "k").(ReplyError); !ok || !strings.HasPrefix(string(v), "ERR ") {
		t.Errorf("INCR on text = %#v", v)
	}

	c.Send("SET", "n", "1")
	c.Send("INCR", "n")
	c.Send("GET", "n")
	c.Send("GET", "missing")
	c.Send("BLPOP", "missing", "0.01")
	c.Send("INCR", "k")
	c.Send("MGET", "n", "missing")
	for _, want := range []string{"+OK", ":2", "$2", "$nil", "*-1", "-ERR value is not an integer or out of range", "*2|$2|$nil"} {
		if got := c.ReceiveText(t); got != want {
			t.Errorf("ReceiveText = %q, want %q", got, want)
		}
	}
}

func TestPipeline(t *testing.T) {
	c := Start(t).Dial(t)
	// Enough commands, with long enough arguments, to fill the socket
	// buffers both ways before the first reply is read.
	const n = 20000
	long := strings.Repeat("x", 200)
	var cmds [][]string
	for i := 0; i < n; i++ {
		cmds = append(cmds, []string{"SET", "k" + strconv.Itoa(i), long}, []string{"INCR", "c"})
	}
	got := c.Pipeline(t, cmds)
	for i := 0; i < n; i++ {
		if got[2*i] != "OK" || got[2*i+1] != int64(i+1) {
			t.Fatalf("replies %d: %#v, %#v", i, got[2*i], got[2*i+1])
		}
	}
	text := c.PipelineText(t, [][]string{{"GET", "c"}, {"GET", "k0"}, {"INCR", "k0"}})
	if want := []string{"$" + strconv.Itoa(n), "$" + long, "-ERR value is not an integer or out of range"}; !reflect.DeepEqual(text, want) {
		t.Errorf("PipelineText = %q, want %q", text, want)
	}
	// The connection stays usable after a pipeline.
	if v := c.Do(t, "GET", "c"); v != strconv.Itoa(n) {
		t.Errorf("GET c = %#v", v)
	}
}

func TestSeed(t *testing.T) {
	t.Setenv("REDISTEST_TEST_SEED", "-12345")
	if s := Seed(t, "REDISTEST_TEST_SEED"); s != -12345 {
		t.Errorf("Seed = %d, want the environment's -12345", s)
	}
	t.Setenv("REDISTEST_TEST_SEED", "")
	if a, b := Seed(t, "REDISTEST_TEST_SEED"), Seed(t, "REDISTEST_TEST_SEED"); a == b {
		t.Errorf("two clock seeds are both %d", a)
	}
}

func TestStartConfigDirAndSave(t *testing.T) {
	dir := t.TempDir()
	a := StartConfig(t, Config{Dir: dir, DBFilename: "first.rdb"})
	if a.RDBPath() != filepath.Join(dir, "first.rdb") {
		t.Fatalf("RDBPath = %q", a.RDBPath())
	}
	c := a.Dial(t)
	c.MustDo(t, "SET", "k", "v")
	c.MustDo(t, "SELECT", "5")
	c.MustDo(t, "RPUSH", "l", "a", "b")
	path := a.Save(t)
	if path != a.RDBPath() {
		t.Fatalf("Save = %q, want %q", path, a.RDBPath())
	}
	a.Stop()
	a.Stop() // a second Stop is harmless

	// A server started on a directory that holds the file loads it; one
	// told another file name does not.
	b := StartConfig(t, Config{Dir: dir, DBFilename: "first.rdb"}).Dial(t)
	if v := b.Do(t, "GET", "k"); v != "v" {
		t.Errorf("after loading: GET k = %#v", v)
	}
	b.MustDo(t, "SELECT", "5")
	if v := b.Do(t, "LRANGE", "l", "0", "-1"); !reflect.DeepEqual(v, []any{"a", "b"}) {
		t.Errorf("after loading: LRANGE l = %#v", v)
	}
	other := StartConfig(t, Config{Dir: dir, DBFilename: "other.rdb"})
	if v := other.Dial(t).Do(t, "DBSIZE"); v != int64(0) {
		t.Errorf("other file name: DBSIZE = %#v", v)
	}
	if _, err := os.Stat(filepath.Join(dir, "other.rdb")); !os.IsNotExist(err) {
		t.Errorf("other.rdb exists before any SAVE: %v", err)
	}
}

// A server still loading answers LOADING; StartConfig waits until it is
// done. Two hidden Redis settings make a small file load slowly enough to
// be seen: key-load-delay (microseconds per key: 300 keys take about 0.3 s)
// and loading-process-events-interval-bytes (how often loading stops to
// answer clients; 2 MB by default, more than this whole file).
func TestStartConfigWaitsForLoading(t *testing.T) {
	dir := t.TempDir()
	a := StartConfig(t, Config{Dir: dir, Args: []string{"--enable-debug-command", "yes"}})
	a.Dial(t).MustDo(t, "DEBUG", "POPULATE", "300", "key", "100")
	a.Save(t)
	a.Stop()
	b := StartConfig(t, Config{Dir: dir, Args: []string{"--key-load-delay", "1000",
		"--loading-process-events-interval-bytes", "1024", "--loglevel", "notice"}})
	if v := b.Dial(t).Do(t, "DBSIZE"); v != int64(300) {
		t.Errorf("DBSIZE = %#v right after StartConfig returned", v)
	}
	if log := b.Log(); !strings.Contains(log, "DB loaded from disk") {
		t.Errorf("the log at notice level does not say the file was loaded:\n%s", log)
	}
}

// StartCluster's cluster serves all 16384 slots on three nodes, each of
// which knows the other two, and answers MOVED for a key of another node's
// slot.
func TestStartCluster(t *testing.T) {
	c := StartCluster(t)
	if len(c.Addrs) != 3 || len(c.Nodes) != 3 {
		t.Fatalf("%d addresses, %d nodes; want 3", len(c.Addrs), len(c.Nodes))
	}
	moved := 0
	for i, s := range c.Nodes {
		cl := s.Dial(t)
		nodes, _ := cl.Do(t, "CLUSTER", "NODES").(string)
		for _, addr := range c.Addrs {
			if !strings.Contains(nodes, addr+"@") {
				t.Errorf("node %d's CLUSTER NODES does not list %s:\n%s", i, addr, nodes)
			}
		}
		if strings.Count(nodes, "master") != 3 {
			t.Errorf("node %d's CLUSTER NODES: want 3 masters:\n%s", i, nodes)
		}
		// Each node owns a third of the slots, so of three keys in
		// different thirds ("{a}" is slot 15495, "{b}" 3300, "{c}" 7365)
		// exactly two are another node's.
		for _, key := range []string{"{a}", "{b}", "{c}"} {
			switch v := cl.Do(t, "SET", key, "v").(type) {
			case ReplyError:
				if !strings.HasPrefix(string(v), "MOVED ") {
					t.Errorf("node %d: SET %s = %q", i, key, v)
				}
				moved++
			default:
				if v != "OK" {
					t.Errorf("node %d: SET %s = %#v", i, key, v)
				}
			}
		}
	}
	if moved != 6 {
		t.Errorf("%d MOVED replies from 3 nodes × 3 keys in different thirds, want 6", moved)
	}
	c.Stop()
	c.Stop() // a second Stop is harmless
	for _, s := range c.Nodes {
		if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
			t.Errorf("node directory %s left after Stop: %v", s.Dir, err)
		}
	}
}
