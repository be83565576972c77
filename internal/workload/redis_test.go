package workload

import (
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// TestCasesKnownToRedis runs every registered list of cases, and a short
// random sequence of every family, against a real redis-server, and checks
// that each command gets a reply and that none is a command Redis does not
// know (but the deliberate NOSUCHCOMMAND cases): a misspelt command in a
// case would otherwise only compare two identical errors.
func TestCasesKnownToRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	check := func(what string, args []string) {
		t.Helper()
		if e, ok := c.Do(t, args...).(redistest.ReplyError); ok && strings.HasPrefix(string(e), "ERR unknown command") &&
			!strings.HasPrefix(strings.ToUpper(args[0]), "NOSUCH") {
			t.Errorf("%s: %q: %s", what, args, e)
		}
	}
	for name, cases := range Cases() {
		c.Do(t, "FLUSHALL")
		for _, args := range cases {
			check(name, args)
			if strings.EqualFold(args[0], "QUIT") {
				c = srv.Dial(t) // QUIT closed the connection
			}
		}
	}
	for _, f := range families {
		c.Do(t, "FLUSHALL")
		w := New(1, 1, []string{"a", "b", "c"}, 100_000)
		for i := 0; i < 300; i++ {
			check(f.name, f.gen(w))
		}
	}
}
