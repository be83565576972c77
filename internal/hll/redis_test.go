package hll

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// The oracle: a real redis-server 7.0 is given the same PFADDs, PFCOUNTs and
// PFMERGEs, and its value (GET) must equal ours byte for byte.

// elements returns n distinct-ish elements of varied lengths (0 to 40
// bytes, binary included) from seed.
func elements(seed int64, n int) []string {
	r := rand.New(rand.NewSource(seed))
	out := make([]string, n)
	for i := range out {
		switch r.Intn(4) {
		case 0:
			b := make([]byte, r.Intn(41))
			r.Read(b)
			out[i] = string(b)
		case 1:
			out[i] = strconv.Itoa(r.Intn(1 << 30))
		default:
			out[i] = fmt.Sprintf("user:%d:%d", seed, i)
		}
	}
	return out
}

// redisBytes is the value of key on the server.
func redisBytes(t *testing.T, c *redistest.Client, key string) string {
	t.Helper()
	v, ok := c.MustDo(t, "GET", key).(string)
	if !ok {
		t.Fatalf("GET %s: not a string", key)
	}
	return v
}

func sameBytes(t *testing.T, what string, ours []byte, theirs string) {
	t.Helper()
	if !bytes.Equal(ours, []byte(theirs)) {
		i := 0
		for i < len(ours) && i < len(theirs) && ours[i] == theirs[i] {
			i++
		}
		t.Fatalf("%s: values differ at byte %d (ours %d bytes, redis %d)\nours  %x\nredis %x", what, i, len(ours), len(theirs),
			ours[max(0, i-8):min(len(ours), i+16)], theirs[max(0, i-8):min(len(theirs), i+16)])
	}
}

// pfadd adds elems to ours as PFADD does and returns the new value and the
// reply.
func pfadd(t *testing.T, h []byte, elems []string, sparseMax int) ([]byte, int64) {
	t.Helper()
	if h == nil {
		h = New()
		out, _, corrupt := Add(string(h), elems, sparseMax)
		if corrupt {
			t.Fatal("corrupt")
		}
		if out == nil { // a new key counts as updated even with no change
			Invalidate(h)
			return h, 1
		}
		return out, 1
	}
	out, changed, corrupt := Add(string(h), elems, sparseMax)
	if corrupt {
		t.Fatal("corrupt")
	}
	if changed == 0 {
		return h, 0
	}
	return out, 1
}

// pfcount counts ours as single-key PFCOUNT does, writing the cache back.
func pfcount(t *testing.T, h []byte) int64 {
	t.Helper()
	if c, ok := Cached(h); ok {
		return int64(c)
	}
	c, ok := Count(h)
	if !ok {
		t.Fatal("corrupt")
	}
	SetCached(h, c)
	return int64(c)
}

func TestBytesAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	for _, tc := range []struct {
		name      string
		seed      int64
		n         int
		sparseMax int
	}{
		{"sparse", 1, 300, DefaultSparseMaxBytes},
		{"promotion", 2, 3000, DefaultSparseMaxBytes},
		{"dense", 3, 40000, DefaultSparseMaxBytes},
		{"small-limit", 4, 600, 200},
		{"zero-limit", 5, 50, 0},
		{"large-limit", 6, 12000, 16000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "hll:" + tc.name
			c.MustDo(t, "CONFIG", "SET", "hll-sparse-max-bytes", strconv.Itoa(tc.sparseMax))
			defer c.MustDo(t, "CONFIG", "SET", "hll-sparse-max-bytes", strconv.Itoa(DefaultSparseMaxBytes))
			elems := elements(tc.seed, tc.n)
			r := rand.New(rand.NewSource(tc.seed))
			var ours []byte
			wasDense := false
			for i := 0; i < len(elems); {
				// Batches of 1 to 20 (1 to 400 once dense), repeating some
				// elements, with a PFCOUNT now and then.
				n := 1 + r.Intn(20)
				if wasDense {
					n = 1 + r.Intn(400)
				}
				batch := append([]string(nil), elems[i:min(i+n, len(elems))]...)
				if i > 0 && r.Intn(3) == 0 {
					batch = append(batch, elems[r.Intn(i)])
				}
				i += n
				var reply int64
				ours, reply = pfadd(t, ours, batch, tc.sparseMax)
				theirs := c.MustDo(t, append([]string{"PFADD", key}, batch...)...)
				if theirs != reply {
					t.Fatalf("after %d: PFADD = %d, redis %v", i, reply, theirs)
				}
				if r.Intn(4) == 0 {
					n, want := pfcount(t, ours), c.MustDo(t, "PFCOUNT", key)
					if n != want {
						t.Fatalf("after %d: PFCOUNT = %d, redis %v", i, n, want)
					}
				}
				sameBytes(t, fmt.Sprintf("after %d elements", i), ours, redisBytes(t, c, key))
				wasDense = IsDense(ours)
			}
			n, want := pfcount(t, ours), c.MustDo(t, "PFCOUNT", key)
			if n != want {
				t.Fatalf("PFCOUNT = %d, redis %v", n, want)
			}
			sameBytes(t, "after the last PFCOUNT", ours, redisBytes(t, c, key))
			if dense := IsDense(ours); dense != (tc.n >= 3000) && tc.sparseMax == DefaultSparseMaxBytes {
				t.Errorf("%d elements: dense = %v", tc.n, dense)
			}
			// PFDEBUG TODENSE agrees with ToDense.
			if !IsDense(ours) {
				d, ok := ToDense(ours)
				if !ok {
					t.Fatal("ToDense refused a valid value")
				}
				c.MustDo(t, "PFDEBUG", "TODENSE", key)
				sameBytes(t, "TODENSE", d, redisBytes(t, c, key))
			}
		})
	}
}

// TestCountAgainstRedis compares PFCOUNT over a range of cardinalities,
// where the estimator's two corrections (sigma for empty registers, tau
// for saturated ones) weigh differently.
func TestCountAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	h := New()
	added := 0
	for _, target := range []int{1, 2, 10, 100, 1000, 5000, 20000, 100000, 300000} {
		var batch []string
		for ; added < target; added++ {
			batch = append(batch, "e"+strconv.Itoa(added))
		}
		sent := 0
		for len(batch) > 0 {
			k := min(len(batch), 1000)
			sent++
			c.Send(append([]string{"PFADD", "k"}, batch[:k]...)...)
			out, _, _ := Add(string(h), batch[:k], DefaultSparseMaxBytes)
			if out != nil {
				h = out
			}
			batch = batch[k:]
		}
		for range sent {
			c.Receive(t)
		}
		got, ok := Count(h)
		if !ok {
			t.Fatal("corrupt")
		}
		if want := c.MustDo(t, "PFCOUNT", "k"); int64(got) != want {
			t.Fatalf("%d elements: Count = %d, redis %v", target, got, want)
		}
		SetCached(h, got)
		sameBytes(t, fmt.Sprintf("%d elements", target), h, redisBytes(t, c, "k"))
	}
}

// TestMergeAgainstRedis merges sparse with sparse, sparse with dense and
// dense with dense, into missing, sparse and dense destinations, and
// counts unions of several keys.
func TestMergeAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	sizes := map[string]int{"s1": 50, "s2": 400, "d1": 5000, "d2": 9000}
	ours := map[string][]byte{}
	for k, n := range sizes {
		elems := elements(int64(n), n)
		h, _ := pfadd(t, nil, elems, DefaultSparseMaxBytes)
		ours[k] = h
		for len(elems) > 0 {
			m := min(len(elems), 500)
			c.MustDo(t, append([]string{"PFADD", k}, elems[:m]...)...)
			elems = elems[m:]
		}
		sameBytes(t, k, h, redisBytes(t, c, k))
	}
	for _, keys := range [][]string{
		{"m1", "s1"}, {"m2", "s1", "s2"}, {"m3", "s2", "d1"}, {"s1", "s2"}, {"s2", "d2"},
		{"d1", "s1"}, {"d1", "d2"}, {"m4"}, {"m5", "missing", "s1"},
	} {
		// The union, as pfmerge computes it.
		var u Union
		dense := false
		for _, k := range keys {
			h, ok := ours[k]
			if !ok {
				continue
			}
			if IsDense(h) {
				dense = true
			}
			if !u.Merge(string(h)) {
				t.Fatal("corrupt")
			}
		}
		dst := ours[keys[0]]
		if dst == nil {
			dst = New()
		} else {
			dst = append([]byte(nil), dst...)
		}
		dst, ok := u.Store(dst, dense, DefaultSparseMaxBytes)
		if !ok {
			t.Fatal("corrupt")
		}
		ours[keys[0]] = dst
		c.MustDo(t, append([]string{"PFMERGE"}, keys...)...)
		sameBytes(t, fmt.Sprint("PFMERGE ", keys), dst, redisBytes(t, c, keys[0]))

		// Multi-key PFCOUNT: the same union counted.
		var u2 Union
		for _, k := range []string{"s1", keys[0], "d2"} {
			u2.Merge(string(ours[k]))
		}
		if got, want := int64(u2.Count()), c.MustDo(t, "PFCOUNT", "s1", keys[0], "d2"); got != want {
			t.Fatalf("PFCOUNT s1 %s d2 = %d, redis %v", keys[0], got, want)
		}
	}
}

// TestDecodeAgainstRedis compares PFDEBUG DECODE's rendering.
func TestDecodeAgainstRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	h, _ := pfadd(t, nil, elements(9, 200), DefaultSparseMaxBytes)
	c.MustDo(t, append([]string{"PFADD", "k"}, elements(9, 200)...)...)
	if got, want := Decode(string(h)), c.MustDo(t, "PFDEBUG", "DECODE", "k"); got != want {
		t.Fatalf("Decode = %q\nredis    %q", got, want)
	}
	// An empty value, and a hand-made one using all three opcodes.
	empty := New()
	c.MustDo(t, "SET", "e", string(empty))
	if got, want := Decode(string(empty)), c.MustDo(t, "PFDEBUG", "DECODE", "e"); got != want {
		t.Fatalf("Decode = %q, redis %q", got, want)
	}
}
