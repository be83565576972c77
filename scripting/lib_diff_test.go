package scripting_test

import (
	"fmt"
	"testing"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/internal/redistest"
	"github.com/embedis/embedis/internal/workload"
)

// TestLibsDiff runs the cases of the cjson, cmsgpack, bit and struct
// libraries (internal/workload's ScriptLibCases) on redis-server and on a
// Store and reports every reply that differs (the differential suites of
// the root and server packages run them too, stopping at the first).
func TestLibsDiff(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	c.Do(t, "FLUSHALL")
	c.Do(t, "SCRIPT", "FLUSH")
	s := open(t, embedis.Options{})
	var show func(v any) string
	show = func(v any) string {
		switch v := v.(type) {
		case redistest.ReplyError:
			return "ERROR " + string(v)
		case error:
			return "ERROR " + v.Error()
		case []any:
			out := "["
			for i, x := range v {
				if i > 0 {
					out += ", "
				}
				out += show(x)
			}
			return out + "]"
		}
		return fmt.Sprintf("%#v", v)
	}
	cases := workload.ScriptLibCases()
	for _, args := range cases {
		want := show(c.Do(t, args...))
		v, err := s.Do(ctx, args...)
		got := show(v)
		if err != nil {
			got = show(err)
		}
		if want != got {
			t.Errorf("%q:\n redis:   %s\n embedis: %s", args, want, got)
		}
	}
	t.Logf("%d cases compared", len(cases))
}
