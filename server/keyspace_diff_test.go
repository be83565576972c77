package server_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/resp"
	"github.com/embedis/embedis/internal/workload"
)

// keyspaceDiffSeed is the seed TestDiffKeyspaceRandom runs with unless
// EMBEDIS_SEED is set: fixed, so that CI runs the same workload every time
// and a failure replays as it is.
const keyspaceDiffSeed = 20261208

// TestDiffKeyspaceRandom compares the keyspace notifications of the two
// servers for a random workload over every data family and three
// databases: on each side a client subscribed to "__key*@*__:*" (and to
// "mark"), another one running the workload. After each command a PUBLISH
// on "mark" ends the command's messages, and the (pattern, channel,
// message) triples each subscriber received for it are compared, exactly
// and in order; a Go subscription (PSubscribe) on embedis's store gets
// what embedis's wire subscriber gets. It runs once per class selection: everything (KEA, with n
// and m), keyspace channels of a few classes (Kgx$), keyevent channels of
// the others (Elshzt). One command in thirty runs in a script (EVAL with
// redis.pcall), one in forty starts a MULTI of three.
func TestDiffKeyspaceRandom(t *testing.T) {
	seed := uint64(keyspaceDiffSeed)
	if v := os.Getenv("EMBEDIS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("bad EMBEDIS_SEED: %v", err)
		}
		seed = n
	}
	steps := 3000
	if testing.Short() {
		steps = 500
	}
	s := startBoth(t)
	for _, classes := range []string{"KEAnm", "Kgx$", "Elshzt"} {
		t.Run(classes, func(t *testing.T) {
			sub, cmd := s.pair(t), s.pair(t)
			cmd.do("FLUSHALL")
			cmd.do("CONFIG", "SET", "notify-keyspace-events", classes)
			t.Cleanup(func() { cmd.do("CONFIG", "SET", "notify-keyspace-events", "") })
			sub.sendBoth("PSUBSCRIBE", "__key*@*__:*", "mark")
			sub.compareNext("PSUBSCRIBE 1")
			sub.compareNext("PSUBSCRIBE 2")
			// And a Go subscriber on embedis's store, which must see what
			// its wire subscriber sees.
			gosub, err := s.embed.Store.PSubscribe(context.Background(), "__key*@*__:*", "mark")
			if err != nil {
				t.Fatal(err)
			}
			defer gosub.Close()
			cmd.realTime = true
			w := workload.New(seed, 9, []string{"a", "b", "c", "d", "e"}, 100_000)
			var history [][]string
			total := 0
			for i := 0; i < steps; i++ {
				args := w.Command()
				// SORT looks up its BY keys in the order it loads the
				// elements: that of the hash table of a set (not an intset)
				// or a sorted set, which Redis leaves unspecified. The messages of a step with a SORT are
				// compared sorted.
				unordered := isSort(args)
				if w.IntN(30) == 0 && scriptable(args) {
					// The command run by a script: its events are raised
					// inside EVAL's.
					args = append([]string{"EVAL", "return redis.pcall(unpack(ARGV))", "0"}, args...)
				} else if w.IntN(40) == 0 {
					// A transaction: its commands' events come at EXEC.
					cmd.do("MULTI")
					history = append(history, []string{"MULTI"})
					for j := 0; j < 3; j++ {
						if j > 0 {
							args = w.Command()
							unordered = unordered || isSort(args)
						}
						history = append(history, args)
						cmd.do(args...)
					}
					args = []string{"EXEC"}
				}
				history = append(history, args)
				cmd.do(args...)
				// The mark reaches one subscriber on redis-server, two on
				// embedis (the Go one too).
				cmd.sendBoth("PUBLISH", "mark", strconv.Itoa(i))
				if rn, en := cmd.redis.read(t), cmd.embed.read(t); rn.Int != 1 || en.Int != 2 {
					t.Fatalf("PUBLISH mark reached %s on redis-server and %s on embedis, want 1 and 2", rn, en)
				}
				want, got := untilMark(t, sub.redis), untilMark(t, sub.embed)
				if inGo := goUntilMark(t, gosub); !slices.Equal(got, inGo) {
					t.Fatalf("seed %d, step %d, %q: embedis's subscribers\n wire: %q\n Go:   %q", seed, i, args, got, inGo)
				}
				if unordered {
					slices.Sort(want)
					slices.Sort(got)
				}
				compared.Add(int64(len(want)))
				if !slices.Equal(want, got) {
					from := max(0, len(history)-8)
					var last []string
					for _, h := range history[from:] {
						last = append(last, strings.Join(h, " "))
					}
					t.Fatalf("seed %d (EMBEDIS_SEED to replay), step %d, %q: messages\n redis:   %q\n embedis: %q\nlast commands: %q",
						seed, i, args, want, got, last)
				}
				total += len(want)
			}
			if total < steps/30 {
				t.Errorf("only %d messages for %d commands: the workload lost its writes", total, steps)
			}
			t.Logf("seed %d: %d commands, %d keyspace messages compared", seed, steps, total)
		})
	}
}

// scriptable reports whether a script may run the command as a client
// does: not a blocking one (which does not block in a script), not
// SELECT (whose database is the script's own), not one Redis refuses in
// scripts.
func scriptable(args []string) bool {
	c := embedis.LookupCommand(args[0])
	return c != nil && !slices.Contains(c.Flags, "blocking") && !slices.Contains(c.Flags, "noscript") &&
		!strings.EqualFold(args[0], "SELECT")
}

func isSort(args []string) bool {
	return strings.EqualFold(args[0], "SORT") || strings.EqualFold(args[0], "SORT_RO")
}

// untilMark reads a pattern subscriber's messages up to the one on "mark",
// as "pattern channel message" lines.
func untilMark(t *testing.T, w *wire) []string {
	t.Helper()
	var out []string
	for {
		r := w.read(t)
		if len(r.Elems) != 4 || r.Elems[0].Str != "pmessage" {
			t.Fatalf("subscriber got %s", r)
		}
		if r.Elems[2].Str == "mark" {
			return out
		}
		out = append(out, triple(r.Elems[1:]))
	}
}

// goUntilMark is untilMark for a Go subscription.
func goUntilMark(t *testing.T, sn *embedis.Subscription) []string {
	t.Helper()
	var out []string
	for {
		select {
		case m, ok := <-sn.Channel():
			if !ok {
				t.Fatalf("Go subscription ended: %v", sn.Err())
			}
			if m.Channel == "mark" {
				return out
			}
			out = append(out, strconv.Quote(m.Pattern)+" "+strconv.Quote(m.Channel)+" "+strconv.Quote(m.Payload))
		case <-time.After(10 * time.Second):
			t.Fatal("the Go subscription got no mark in 10 s")
		}
	}
}

func triple(e []resp.Reply) string {
	return strconv.Quote(e[0].Str) + " " + strconv.Quote(e[1].Str) + " " + strconv.Quote(e[2].Str)
}
