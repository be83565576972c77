package embedis

import (
	"errors"
	"strings"
	"testing"
)

func TestLimitsRefuseOutOfRange(t *testing.T) {
	for _, l := range []Limits{{}, {MaxStringLength: 1<<20 - 1, HLLSparseMaxBytes: 3000}, {MaxStringLength: 1 << 20, HLLSparseMaxBytes: -1}} {
		if _, err := Open(Options{Limits: &l}); !errors.Is(err, ErrLimitsConfig) {
			t.Errorf("Open with %+v: %v", l, err)
		}
	}
	s, _ := openTest(t)
	if err := s.SetLimits(ctx, Limits{MaxStringLength: 100}); !errors.Is(err, ErrLimitsConfig) {
		t.Fatalf("SetLimits below 1 MB: %v", err)
	}
	if got := must[Limits](t)(s.Limits(ctx)); got != DefaultLimits() {
		t.Fatalf("a refused SetLimits changed the limits: %+v", got)
	}
}

// TestLimitsMaxStringLength lowers proto-max-bulk-len to 1 MB: every
// command that grows a string stops at it, a bit offset whose byte reaches
// it is refused, and raising it again lets the same calls through.
func TestLimitsMaxStringLength(t *testing.T) {
	const mb = 1 << 20
	s, _ := openTest(t)
	a600 := strings.Repeat("a", 600)
	must[struct{}](t)(struct{}{}, s.MSet(ctx, "a", a600, "b", a600))
	must[struct{}](t)(struct{}{}, s.SetLimits(ctx, Limits{MaxStringLength: mb, HLLSparseMaxBytes: 3000}))

	if _, err := s.SetBit(ctx, "k", 8*mb, 1); !errors.Is(err, ErrBitOffset) {
		t.Errorf("SetBit at byte 1 MB: %v", err)
	}
	if _, err := s.GetBit(ctx, "k", 8*mb); !errors.Is(err, ErrBitOffset) {
		t.Errorf("GetBit at byte 1 MB: %v", err)
	}
	must[int64](t)(s.SetBit(ctx, "k", 8*mb-1, 1))
	if n := must[int64](t)(s.StrLen(ctx, "k")); n != mb {
		t.Errorf("StrLen after the last bit = %d", n)
	}
	if _, err := s.SetRange(ctx, "r", mb-6, "abcdefg"); !errors.Is(err, ErrStringTooLong) {
		t.Errorf("SetRange past 1 MB: %v", err)
	}
	must[int64](t)(s.SetRange(ctx, "r", mb-6, "abcdef"))
	if _, err := s.Append(ctx, "r", "x"); !errors.Is(err, ErrStringTooLong) {
		t.Errorf("Append past 1 MB: %v", err)
	}
	if err := s.Set(ctx, "big", strings.Repeat("x", mb+1), 0); !errors.Is(err, ErrStringTooLong) {
		t.Errorf("Set of 1 MB + 1: %v", err)
	}
	if err := s.MSet(ctx, "ok", "1", "big", strings.Repeat("x", mb+1)); !errors.Is(err, ErrStringTooLong) {
		t.Errorf("MSet of 1 MB + 1: %v", err)
	}
	if n := must[int64](t)(s.Exists(ctx, "ok", "big")); n != 0 {
		t.Errorf("a refused MSet stored %d keys", n)
	}
	if _, err := s.LCSLen(ctx, "a", "b"); !errors.Is(err, ErrLCSTooLarge) {
		t.Errorf("LCS with a 1.4 MB table: %v", err)
	}
	// A field that starts below the limit may end past it, as in Redis.
	must[[]BitFieldResult](t)(s.BitField(ctx, "f", BitFieldSet("u8", "8388607", 255)))
	if n := must[int64](t)(s.StrLen(ctx, "f")); n != mb+1 {
		t.Errorf("StrLen after a field across the limit = %d", n)
	}
	if _, err := s.BitField(ctx, "f", BitFieldGet("u8", "#1048576")); !errors.Is(err, ErrBitOffset) {
		t.Errorf("BitField at byte 1 MB: %v", err)
	}

	// A replayed unit is not refused: it was accepted under the limit of
	// its time (Redis exempts its AOF and master clients).
	long := strings.Repeat("y", mb+10)
	if err := s.Apply(ctx, [][]string{{"SET", "replayed", long}}); err != nil {
		t.Fatalf("Apply of a value over the lowered limit: %v", err)
	}
	if n := must[int64](t)(s.StrLen(ctx, "replayed")); n != mb+10 {
		t.Errorf("replayed StrLen = %d", n)
	}

	must[struct{}](t)(struct{}{}, s.SetLimits(ctx, DefaultLimits()))
	must[int64](t)(s.SetRange(ctx, "r", mb-6, "abcdefg"))
	must[int64](t)(s.Append(ctx, "r", "x"))
	if n := must[int64](t)(s.LCSLen(ctx, "a", "b")); n != 600 {
		t.Errorf("LCSLen under the default limit = %d", n)
	}
}

// TestLimitsHLLSparseMaxBytes: 0 makes a HyperLogLog dense at its first
// PFADD; a high limit keeps it sparse past 3000 bytes; lowering the limit
// promotes it at its next growth. The counts never change.
func TestLimitsHLLSparseMaxBytes(t *testing.T) {
	s, _ := openTest(t)
	encoding := func(key string) string {
		t.Helper()
		r, err := s.Do(ctx, "PFDEBUG", "ENCODING", key)
		if err != nil {
			t.Fatal(err)
		}
		return r.(string)
	}
	must[struct{}](t)(struct{}{}, s.SetLimits(ctx, Limits{MaxStringLength: MaxStringLength, HLLSparseMaxBytes: 0}))
	must[int64](t)(s.PFAdd(ctx, "h0", "a"))
	if e := encoding("h0"); e != "dense" {
		t.Errorf("limit 0: encoding %q", e)
	}
	must[struct{}](t)(struct{}{}, s.SetLimits(ctx, Limits{MaxStringLength: MaxStringLength, HLLSparseMaxBytes: 100_000}))
	var elems []string
	for i := 0; i < 2000; i++ {
		elems = append(elems, "e"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("z", i/26))
	}
	must[int64](t)(s.PFAdd(ctx, "h1", elems...))
	if e, n := encoding("h1"), must[int64](t)(s.StrLen(ctx, "h1")); e != "sparse" || n <= 3000 {
		t.Errorf("limit 100000: encoding %q, %d bytes; want sparse past 3000", e, n)
	}
	before := must[int64](t)(s.PFCount(ctx, "h1"))
	must[struct{}](t)(struct{}{}, s.SetLimits(ctx, DefaultLimits()))
	must[int64](t)(s.PFAdd(ctx, "h1", "new1", "new2", "new3", "new4"))
	if e := encoding("h1"); e != "dense" {
		t.Errorf("after lowering: encoding %q", e)
	}
	if after := must[int64](t)(s.PFCount(ctx, "h1")); after < before {
		t.Errorf("PFCount fell from %d to %d on promotion", before, after)
	}
}
