package embedis

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/embedis/embedis/internal/hll"
)

func TestHLLGoAPI(t *testing.T) {
	s, _ := openTest(t)
	if n := must[int64](t)(s.PFAdd(ctx, "h", "a", "b", "c")); n != 1 {
		t.Fatalf("PFAdd = %d", n)
	}
	if n := must[int64](t)(s.PFAdd(ctx, "h", "a")); n != 0 {
		t.Fatalf("PFAdd again = %d", n)
	}
	if n := must[int64](t)(s.PFAdd(ctx, "empty")); n != 1 {
		t.Fatalf("PFAdd creating = %d", n)
	}
	if n := must[int64](t)(s.PFCount(ctx, "h")); n != 3 {
		t.Fatalf("PFCount = %d", n)
	}
	if n := must[int64](t)(s.PFCount(ctx, "nokey")); n != 0 {
		t.Fatalf("PFCount missing = %d", n)
	}
	if _, err := s.PFCount(ctx); !errors.Is(err, ErrArity) {
		t.Fatalf("PFCount() = %v", err)
	}
	must[int64](t)(s.PFAdd(ctx, "h2", "c", "d"))
	if n := must[int64](t)(s.PFCount(ctx, "h", "h2", "nokey")); n != 4 {
		t.Fatalf("PFCount union = %d", n)
	}
	if err := s.PFMerge(ctx, "u", "h", "h2"); err != nil {
		t.Fatal(err)
	}
	if n := must[int64](t)(s.PFCount(ctx, "u")); n != 4 {
		t.Fatalf("merged count = %d", n)
	}
	// The value is a string of Redis's layout.
	v := must[string](t)(s.Get(ctx, "u"))
	if !hll.Valid(v) || v[:4] != "HYLL" {
		t.Fatalf("GET = %q", v)
	}
	// Errors: another type, a string that is not an HLL, a corrupted one.
	must[int64](t)(s.SAdd(ctx, "set", "x"))
	if err := s.Set(ctx, "str", "hello", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(ctx, "bad", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe", 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err       error
		wrongType bool
		call      func() error
	}{
		{ErrWrongType, true, func() error { _, err := s.PFAdd(ctx, "set", "x"); return err }},
		{ErrNotHLL, true, func() error { _, err := s.PFAdd(ctx, "str", "x"); return err }},
		{ErrNotHLL, true, func() error { _, err := s.PFCount(ctx, "h", "str"); return err }},
		{ErrNotHLL, true, func() error { return s.PFMerge(ctx, "h", "str") }},
		{ErrCorruptHLL, false, func() error { _, err := s.PFCount(ctx, "bad"); return err }},
		{ErrCorruptHLL, false, func() error { return s.PFMerge(ctx, "x", "bad") }},
	} {
		err := tc.call()
		if !errors.Is(err, tc.err) || errors.Is(err, ErrWrongType) != tc.wrongType {
			t.Errorf("got %v, want %v", err, tc.err)
		}
	}
	if n, _ := s.Exists(ctx, "x"); n != 0 {
		t.Fatal("a failed PFMERGE created its destination")
	}
}

// TestHLLCountWritesCache: PFCOUNT writes the estimate into the value once a
// write invalidated it: WATCH sees the change and the effect stream replays
// it; a second PFCOUNT, with the cache valid, changes nothing.
func TestHLLCountWritesCache(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	elems := make([]string, 5000)
	for i := range elems {
		elems[i] = "e" + strconv.Itoa(i)
	}
	must[int64](t)(s.PFAdd(ctx, "h", elems...))
	before := must[string](t)(s.Get(ctx, "h"))
	n := len(units)
	c := must[int64](t)(s.PFCount(ctx, "h"))
	after := must[string](t)(s.Get(ctx, "h"))
	if before == after || after[8:16] != string([]byte{byte(c), byte(c >> 8), 0, 0, 0, 0, 0, 0}) {
		t.Fatalf("cache bytes %x for count %d", after[8:16], c)
	}
	if len(units) != n+1 {
		t.Fatalf("PFCOUNT recorded %d units", len(units)-n)
	}
	must[int64](t)(s.PFCount(ctx, "h"))
	if len(units) != n+1 {
		t.Fatal("a PFCOUNT with a valid cache recorded an effect")
	}
	// Replaying the stream gives the same bytes.
	r, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	if got := must[string](t)(r.Get(ctx, "h")); got != after {
		t.Fatal("replayed value differs")
	}
}

// TestHLLPartialAddOnCorruptValue: Redis keeps the registers a PFADD set
// before it found the value corrupted; so do we, and the effect stream
// carries the value, so a replay (which cannot replay an error) agrees.
func TestHLLPartialAddOnCorruptValue(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// 16,383 registers: every element but one whose register is the last
	// is added; find one that is not and one that is.
	var ok, last string
	for i := 0; ok == "" || last == ""; i++ {
		e := strconv.Itoa(i)
		if idx, _ := hll.Hash(e); idx == hll.Registers-1 {
			last = e
		} else if ok == "" {
			ok = e
		}
	}
	bad := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe"
	if err := s.Set(ctx, "bad", bad, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PFAdd(ctx, "bad", ok, last); !errors.Is(err, ErrCorruptHLL) {
		t.Fatalf("PFAdd = %v", err)
	}
	got := must[string](t)(s.Get(ctx, "bad"))
	if got == bad {
		t.Fatal("the element before the corruption was not added")
	}
	r, _ := Open(Options{})
	defer r.Close()
	if err := r.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	if v := must[string](t)(r.Get(ctx, "bad")); v != got {
		t.Fatal("replay differs")
	}
}

// TestHLLDenseAddCopiesOnlyOnChange: a PFADD that changes no register of a
// dense value leaves its string as it was (no 12 KB copy).
func TestHLLDenseAddCopiesOnlyOnChange(t *testing.T) {
	s, _ := openTest(t)
	elems := make([]string, 5000)
	for i := range elems {
		elems[i] = "e" + strconv.Itoa(i)
	}
	must[int64](t)(s.PFAdd(ctx, "h", elems...))
	var p1, p2 *byte
	s.Atomic(ctx, func(tx *Tx) error {
		p1 = unsafe.StringData(tx.live("h").(*stringValue).peek())
		return nil
	})
	if n := must[int64](t)(s.PFAdd(ctx, "h", elems[:100]...)); n != 0 {
		t.Fatal("re-adding changed a register")
	}
	s.Atomic(ctx, func(tx *Tx) error {
		p2 = unsafe.StringData(tx.live("h").(*stringValue).peek())
		return nil
	})
	if p1 != p2 {
		t.Fatal("an unchanged dense value was copied")
	}
}

func TestPFDebugAndSelfTest(t *testing.T) {
	s, _ := openTest(t)
	must[int64](t)(s.PFAdd(ctx, "h", "a"))
	for _, tc := range []struct {
		args []string
		want any
	}{
		{[]string{"PFDEBUG", "ENCODING", "h"}, "sparse"},
		{[]string{"PFDEBUG", "TODENSE", "h"}, int64(1)},
		{[]string{"PFDEBUG", "TODENSE", "h"}, int64(0)},
		{[]string{"PFDEBUG", "ENCODING", "h"}, "dense"},
		{[]string{"PFSELFTEST"}, "OK"},
	} {
		got, err := s.Do(ctx, tc.args...)
		if err != nil || got != tc.want {
			t.Errorf("%q = %v, %v; want %v", tc.args, got, err, tc.want)
		}
	}
	regs, err := s.Do(ctx, "PFDEBUG", "GETREG", "h")
	if err != nil || len(regs.([]any)) != hll.Registers {
		t.Fatalf("GETREG: %v", err)
	}
	if _, err := s.Do(ctx, "PFDEBUG", "NOPE", "h"); err == nil || err.Error() != "ERR Unknown PFDEBUG subcommand 'NOPE'" {
		t.Fatalf("unknown subcommand: %v", err)
	}
}

// FuzzHLLCommands gives every HyperLogLog command an arbitrary string value
// (SET first, as a user or a corrupted file could): none may panic, each
// error is ErrNotHLL, ErrCorruptHLL or the PFDEBUG ones, and a value the
// commands accept stays one they accept.
func FuzzHLLCommands(f *testing.F) {
	dense, _ := hll.ToDense(hll.New())
	for _, v := range []string{
		string(hll.New()), string(dense), "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xfe",
		"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7e\xfe\x41", "HYLL\x01\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00",
		"HYLL\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff", "hello",
	} {
		f.Add(v, "a b c")
	}
	s, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v, elems string) {
		s.Do(ctx, "FLUSHALL")
		s.Set(ctx, "h", v, 0)
		s.PFAdd(ctx, "d", "x", "y")
		s.Do(ctx, "PFDEBUG", "TODENSE", "d")
		add := append([]string{"PFADD", "h"}, strings.Fields(elems)...)
		for _, args := range [][]string{
			add, {"PFCOUNT", "h"}, {"PFCOUNT", "h", "d"}, {"PFMERGE", "d", "h"}, {"PFMERGE", "m", "h"},
			{"PFDEBUG", "DECODE", "h"}, {"PFDEBUG", "ENCODING", "h"}, {"PFDEBUG", "GETREG", "h"}, add,
			{"PFMERGE", "h", "d"}, {"PFCOUNT", "h"}, {"PFCOUNT", "d"}, {"PFCOUNT", "m"},
		} {
			_, err := s.Do(ctx, args...)
			if err != nil && !errors.Is(err, ErrNotHLL) && !errors.Is(err, ErrCorruptHLL) &&
				!errors.Is(err, errPFDebugNotSparse) {
				t.Fatalf("%q: %v", args, err)
			}
		}
		if _, err := s.PFCount(ctx, "d"); err != nil {
			t.Fatalf("the dense destination broke: %v", err)
		}
	})
}

// TestHLLRDBRoundTrip: HyperLogLogs (sparse, dense, with a cached count,
// merged) through both RDB files and DUMP/RESTORE both ways, compared with
// redis-server's by rdbRoundTrip: the same values (GET) after every move,
// and files and payloads of the same bytes.
func TestHLLRDBRoundTrip(t *testing.T) {
	big := []string{"PFADD", "dense"}
	for i := 0; i < 5000; i++ {
		big = append(big, "d"+strconv.Itoa(i))
	}
	rdbRoundTrip(t, [][]string{
		{"PFADD", "sparse", "a", "b", "c"}, big, {"PFCOUNT", "dense"}, {"PFADD", "dense", "new"},
		{"PFMERGE", "merged", "sparse", "dense"}, {"PFCOUNT", "merged"}, {"PFADD", "empty"},
	}, false)
}
