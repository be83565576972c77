package number

// Differential test against a real redis-server: the replies (or error
// texts) of INCR, INCRBY, DECRBY, INCRBYFLOAT, HINCRBYFLOAT, ZADD+ZSCORE,
// ZINCRBY and ZCOUNT for thousands of random inputs must match, byte for byte, what this
// package predicts.

import (
	"errors"
	"math"
	"math/rand"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// startRedis runs a private redis-server for the duration of the test and
// returns a connection to it.
func startRedis(t *testing.T) *redistest.Client {
	t.Helper()
	c := redistest.Start(t).Dial(t)
	c.Send("INFO", "server")
	if info := c.ReceiveText(t); !strings.Contains(info, "redis_version:7.0.") {
		t.Logf("warning: the expectations were established with Redis 7.0; this server says:\n%.200s", info)
	}
	return c
}

// check sends cmds in one pipeline and compares every reply, rendered by
// PipelineText ("+OK", "-ERR ...", ":42", "$text", "$nil", ...), with want
// ("" means don't care).
func check(t *testing.T, c *redistest.Client, cmds [][]string, want []string) {
	t.Helper()
	got := c.PipelineText(t, cmds)
	bad := 0
	for i := range cmds {
		if want[i] != "" && got[i] != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("%.200q:\n redis: %.300q\n   ours: %.300q", cmds[i], got[i], want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d replies differ", bad, len(cmds))
	}
}

const (
	errNotInt       = "-ERR value is not an integer or out of range"
	errIncrOverflow = "-ERR increment or decrement would overflow"
	errDecrOverflow = "-ERR decrement would overflow"
	errNotFloat     = "-ERR value is not a valid float"
	errRange        = "-ERR min or max is not a float"
)

func TestRedisDifferential(t *testing.T) {
	c := startRedis(t)
	r := rand.New(rand.NewSource(redistest.Seed(t, "NUMBER_SEED")))
	const n = 3000

	t.Run("INCR/INCRBY/DECRBY", func(t *testing.T) {
		var cmds [][]string
		var want []string
		add := func(cmd []string, w string) { cmds = append(cmds, cmd); want = append(want, w) }
		incr := func(cur string, delta int64) string {
			v, ok := ParseInt(cur)
			if !ok {
				return errNotInt
			}
			sum, ok := addInt64(v, delta)
			if !ok {
				return errIncrOverflow
			}
			return ":" + strconv.FormatInt(sum, 10)
		}
		for i := 0; i < n; i++ {
			cur, arg := randIntString(r), randIntString(r)
			if r.Intn(4) == 0 {
				// Put the sum near the int64 limits.
				if v, ok := ParseInt(cur); ok {
					arg = strconv.FormatInt(math.MaxInt64-v+int64(r.Intn(3)-1), 10)
				}
			}
			add([]string{"SET", "i", cur}, "+OK")
			add([]string{"INCR", "i"}, incr(cur, 1))
			add([]string{"SET", "i", cur}, "+OK")
			delta, ok := ParseInt(arg)
			w := errNotInt
			if ok {
				w = incr(cur, delta)
			}
			add([]string{"INCRBY", "i", arg}, w)
			add([]string{"SET", "i", cur}, "+OK")
			switch {
			case !ok:
				w = errNotInt
			case delta == math.MinInt64:
				w = errDecrOverflow
			default:
				w = incr(cur, -delta)
			}
			add([]string{"DECRBY", "i", arg}, w)
		}
		check(t, c, cmds, want)
	})

	t.Run("INCRBYFLOAT", func(t *testing.T) {
		var cmds [][]string
		var want []string
		add := func(cmd []string, w string) { cmds = append(cmds, cmd); want = append(want, w) }
		for i := 0; i < n; i++ {
			cur, incr := randFloatString(r), randFloatString(r)
			if r.Intn(4) == 0 {
				add([]string{"DEL", "f"}, "")
				cur = "0" // a missing key counts as 0
			} else {
				add([]string{"SET", "f", cur}, "+OK")
			}
			res, err := IncrByFloat(cur, incr)
			switch {
			case errors.Is(err, ErrNotFloat):
				add([]string{"INCRBYFLOAT", "f", incr}, errNotFloat)
			case errors.Is(err, ErrNaNOrInf):
				add([]string{"INCRBYFLOAT", "f", incr}, "-ERR increment would produce NaN or Infinity")
			case err != nil:
				t.Fatalf("IncrByFloat(%q, %q): unexpected error %v", cur, incr, err)
			default:
				add([]string{"INCRBYFLOAT", "f", incr}, "$"+res)
				add([]string{"GET", "f"}, "$"+res)
			}
		}
		check(t, c, cmds, want)
	})

	t.Run("INCRBYFLOAT sequences", func(t *testing.T) {
		var cmds [][]string
		var want []string
		for s := 0; s < 100; s++ {
			key := "seq" + strconv.Itoa(s)
			cmds = append(cmds, []string{"DEL", key})
			want = append(want, "")
			cur := "0"
			for step := 0; step < 30; step++ {
				var incr string
				switch r.Intn(4) {
				case 0:
					incr = randFloatString(r)
				case 1:
					incr = "0.1"
				default:
					incr = strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.Intn(9)-4)), 'g', 1+r.Intn(10), 64)
				}
				cmds = append(cmds, []string{"INCRBYFLOAT", key, incr})
				res, err := IncrByFloat(cur, incr)
				switch {
				case errors.Is(err, ErrNotFloat):
					want = append(want, errNotFloat)
				case errors.Is(err, ErrNaNOrInf):
					want = append(want, "-ERR increment would produce NaN or Infinity")
				default:
					want = append(want, "$"+res)
					cur = res
				}
			}
			cmds = append(cmds, []string{"GET", key})
			if cur == "0" {
				want = append(want, "") // may be missing or "0"
			} else {
				want = append(want, "$"+cur)
			}
		}
		check(t, c, cmds, want)
	})

	t.Run("HINCRBYFLOAT", func(t *testing.T) {
		// The order of checks documented on IncrByFloat.
		hincr := func(cur string, missing bool, incr string) string {
			b, ok := ParseLongDouble(incr)
			if !ok {
				return errNotFloat
			}
			if b.IsInf() {
				return "-ERR value is NaN or Infinity"
			}
			var a LongDouble
			if !missing {
				if a, ok = ParseLongDouble(cur); !ok {
					return "-ERR hash value is not a float"
				}
			}
			sum, ok := a.Add(b)
			if !ok {
				return "-ERR increment would produce NaN or Infinity"
			}
			return "$" + sum.FormatHuman()
		}
		var cmds [][]string
		var want []string
		for i := 0; i < n/3; i++ {
			cur, incr := randFloatString(r), randFloatString(r)
			missing := r.Intn(4) == 0
			if missing {
				cmds = append(cmds, []string{"HDEL", "h", "f"})
			} else {
				cmds = append(cmds, []string{"HSET", "h", "f", cur})
			}
			want = append(want, "")
			cmds = append(cmds, []string{"HINCRBYFLOAT", "h", "f", incr})
			want = append(want, hincr(cur, missing, incr))
		}
		check(t, c, cmds, want)
	})

	t.Run("ZADD/ZSCORE/ZINCRBY", func(t *testing.T) {
		var cmds [][]string
		var want []string
		add := func(cmd []string, w string) { cmds = append(cmds, cmd); want = append(want, w) }
		add([]string{"DEL", "zi"}, "")
		for i := 0; i < n; i++ {
			s := randFloatString(r)
			add([]string{"DEL", "z"}, "")
			f, ok := ParseDouble(s)
			if !ok {
				add([]string{"ZADD", "z", s, "m"}, errNotFloat)
				add([]string{"ZINCRBY", "zi", s, "m" + strconv.Itoa(i)}, errNotFloat)
				continue
			}
			add([]string{"ZADD", "z", s, "m"}, ":1")
			// A small sorted set is a listpack, which stores the score
			// as text and writes -0 as "0".
			add([]string{"ZSCORE", "z", "m"}, "$"+FormatDouble(f+0))
			// A new member's ZINCRBY reply is the increment itself.
			add([]string{"ZINCRBY", "zi", s, "m" + strconv.Itoa(i)}, "$"+FormatDouble(f))
		}
		check(t, c, cmds, want)
	})

	t.Run("ZCOUNT bounds", func(t *testing.T) {
		scores := []string{"-inf", "-1e300", "-2.5", "-1", "-0.5", "0", "1e-300", "0.5", "1", "1.5", "2", "10", "1e20", "1e300", "inf"}
		setup := [][]string{{"DEL", "zc"}}
		for i, s := range scores {
			setup = append(setup, []string{"ZADD", "zc", s, "m" + strconv.Itoa(i)})
		}
		c.PipelineText(t, setup)
		count := func(min, max string) string {
			lo, loEx, ok1 := ParseScoreBound(min)
			hi, hiEx, ok2 := ParseScoreBound(max)
			if !ok1 || !ok2 {
				return errRange
			}
			k := 0
			for _, s := range scores {
				v, _ := ParseDouble(s)
				if (v > lo || !loEx && v == lo) && (v < hi || !hiEx && v == hi) {
					k++
				}
			}
			return ":" + strconv.Itoa(k)
		}
		bound := func() string {
			s := randFloatString(r)
			switch r.Intn(8) {
			case 0:
				s = "(" + s
			case 1:
				s = " " + s
			case 2:
				s = scores[r.Intn(len(scores))]
				if r.Intn(2) == 0 {
					s = "(" + s
				}
			}
			return s
		}
		var cmds [][]string
		var want []string
		for i := 0; i < n/3; i++ {
			min, max := bound(), "+inf"
			if r.Intn(2) == 0 {
				min, max = "-inf", bound()
			}
			if r.Intn(3) == 0 {
				min, max = bound(), bound()
			}
			cmds = append(cmds, []string{"ZCOUNT", "zc", min, max})
			want = append(want, count(min, max))
		}
		check(t, c, cmds, want)
	})
}

// addInt64 returns a+b and whether the sum fits in an int64, the model of
// Redis's "increment or decrement would overflow" that the INCRBY test
// checks against redis-server.
func addInt64(a, b int64) (int64, bool) {
	sum := a + b
	// Overflow happened iff both operands have the same sign and the sum's
	// sign differs from it.
	if (a >= 0) == (b >= 0) && (sum >= 0) != (a >= 0) {
		return 0, false
	}
	return sum, true
}
