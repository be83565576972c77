package embedis

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/embedis/embedis/internal/redistest"
)

// The bit-by-bit model of BITCOUNT and BITPOS, written from Redis 7.0's
// documented rules rather than from bitmap.go: a range of bytes or bits,
// negative indexes from the end, clamped; BITPOS of a 0 without an end
// answers the first bit past the string.

func modelBit(p []byte, i int64) int {
	return int(p[i>>3]>>(7-i&7)) & 1
}

// modelBounds returns the range of bits [lo, hi] that start and end
// select in p, or ok false when it is empty.
func modelBounds(p []byte, start, end int64, isBit bool) (lo, hi int64, ok bool) {
	units := int64(len(p))
	if isBit {
		units *= 8
	}
	if start < 0 {
		start = max(start+units, 0)
	}
	if end < 0 {
		end = max(end+units, 0)
	}
	end = min(end, units-1)
	if start > end {
		return 0, 0, false
	}
	if isBit {
		return start, end, true
	}
	return start * 8, end*8 + 7, true
}

func modelBitCount(p []byte, r *BitCount) int64 {
	lo, hi, ok := int64(0), int64(len(p))*8-1, true
	if r != nil {
		if r.Start < 0 && r.End < 0 && r.Start > r.End {
			return 0 // Redis answers before it clamps: both from the end, crossed
		}
		lo, hi, ok = modelBounds(p, r.Start, r.End, r.Unit == BitCountIndexBit)
	}
	var n int64
	for i := lo; ok && i <= hi; i++ {
		n += int64(modelBit(p, i))
	}
	return n
}

func modelBitPos(p []byte, bit int, pos []int64, unit string) int64 {
	lo, hi, ok := int64(0), int64(len(p))*8-1, len(p) > 0
	if len(pos) > 0 {
		end := int64(math.MaxInt64)
		if len(pos) > 1 {
			end = pos[1]
		}
		lo, hi, ok = modelBounds(p, pos[0], end, unit == BitCountIndexBit)
	}
	if !ok {
		return -1
	}
	for i := lo; i <= hi; i++ {
		if modelBit(p, i) == bit {
			return i
		}
	}
	if bit == 0 && len(pos) < 2 {
		return hi + 1
	}
	return -1
}

func randomBitmap(r *rand.Rand) []byte {
	p := make([]byte, r.IntN(24))
	for i := range p {
		switch r.IntN(3) {
		case 0:
			p[i] = byte(r.Uint32())
		case 1:
			p[i] = 0xff
		}
	}
	return p
}

func randomIndex(r *rand.Rand, n int) int64 {
	switch r.IntN(12) {
	case 0:
		return math.MaxInt64
	case 1:
		return math.MinInt64
	}
	return int64(r.IntN(4*n+20) - 2*n - 10)
}

// TestBitRangesMatchTheModel checks BitCount, BitPos and BitPosSpan on
// random strings and ranges against the bit-by-bit model.
func TestBitRangesMatchTheModel(t *testing.T) {
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(11, 12))
	for iter := 0; iter < 3000; iter++ {
		p := randomBitmap(r)
		noErr(t, s.Set(ctx, "k", string(p), 0))
		start, end := randomIndex(r, len(p)*8), randomIndex(r, len(p)*8)
		unit := []string{"", BitCountIndexByte, BitCountIndexBit}[r.IntN(3)]
		rg := &BitCount{Start: start, End: end, Unit: unit}
		if iter%5 == 0 {
			rg = nil
		}
		if got, err := s.BitCount(ctx, "k", rg); err != nil || got != modelBitCount(p, rg) {
			t.Fatalf("BitCount(%x, %+v) = %d, %v; model %d", p, rg, got, err, modelBitCount(p, rg))
		}
		for bit := 0; bit < 2; bit++ {
			pos := [][]int64{nil, {start}, {start, end}}[r.IntN(3)]
			if got, err := s.BitPos(ctx, "k", int64(bit), pos...); err != nil || got != modelBitPos(p, bit, pos, "") {
				t.Fatalf("BitPos(%x, %d, %v) = %d, %v; model %d", p, bit, pos, got, err, modelBitPos(p, bit, pos, ""))
			}
			if unit == "" {
				continue
			}
			want := modelBitPos(p, bit, []int64{start, end}, unit)
			if got, err := s.BitPosSpan(ctx, "k", int8(bit), start, end, unit); err != nil || got != want {
				t.Fatalf("BitPosSpan(%x, %d, %d, %d, %s) = %d, %v; model %d", p, bit, start, end, unit, got, err, want)
			}
		}
	}
}

// TestBitRangesMatchRedis sends BITCOUNT and BITPOS over random strings and
// ranges, in bytes and in bits, to redis-server 7.0 and to a Store, and
// compares the replies: the end rule of BITPOS and the masks of the BIT
// unit are Redis's own, and this is where they are pinned down.
func TestBitRangesMatchRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(13, 14))
	for iter := 0; iter < 1500; iter++ {
		p := randomBitmap(r)
		c.MustDo(t, "SET", "k", string(p))
		noErr(t, s.Set(ctx, "k", string(p), 0))
		n := len(p) * 8
		idx := func() string { return strconv.FormatInt(randomIndex(r, n), 10) }
		var cmds [][]string
		cmds = append(cmds, []string{"BITCOUNT", "k"}, []string{"BITCOUNT", "k", idx(), idx()},
			[]string{"BITCOUNT", "k", idx(), idx(), "BIT"}, []string{"BITCOUNT", "k", idx(), idx(), "BYTE"})
		for _, bit := range []string{"0", "1"} {
			cmds = append(cmds, []string{"BITPOS", "k", bit}, []string{"BITPOS", "k", bit, idx()},
				[]string{"BITPOS", "k", bit, idx(), idx()}, []string{"BITPOS", "k", bit, idx(), idx(), "BIT"},
				[]string{"BITPOS", "k", bit, idx(), idx(), "BYTE"})
		}
		for _, args := range cmds {
			want := c.Do(t, args...)
			got, err := s.Do(ctx, args...)
			if err != nil || got != want {
				t.Fatalf("%q on %x:\n redis:   %#v\n embedis: %#v %v", args, p, want, got, err)
			}
		}
	}
}

// TestBitFieldMatchesRedis sends random BITFIELD calls (every width, both
// signs, the three overflow modes, offsets past the end) to redis-server
// and a Store, then compares the strings.
func TestBitFieldMatchesRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := srv.Dial(t)
	s, _ := openTest(t)
	r := rand.New(rand.NewPCG(15, 16))
	vals := []int64{0, 1, -1, 2, -2, 127, 128, -128, -129, 255, 256, math.MaxInt64, math.MinInt64, math.MaxInt64 - 1, math.MinInt64 + 1, 1 << 62, -(1 << 62)}
	for iter := 0; iter < 1500; iter++ {
		args := []string{"BITFIELD", "k"}
		for n := 1 + r.IntN(6); n > 0; n-- {
			signed := r.IntN(2) == 0
			bits := 1 + r.IntN(63)
			typ := "u"
			if signed {
				typ, bits = "i", 1+r.IntN(64)
			}
			typ += strconv.Itoa(bits)
			off := strconv.Itoa(r.IntN(200))
			v := vals[r.IntN(len(vals))]
			if r.IntN(3) == 0 {
				v = r.Int64() >> r.IntN(64)
			}
			switch r.IntN(4) {
			case 0:
				args = append(args, "GET", typ, off)
			case 1:
				args = append(args, "SET", typ, off, strconv.FormatInt(v, 10))
			case 2:
				args = append(args, "INCRBY", typ, off, strconv.FormatInt(v, 10))
			default:
				args = append(args, "OVERFLOW", []string{"WRAP", "SAT", "FAIL"}[r.IntN(3)])
			}
		}
		want := c.Do(t, args...)
		got, err := s.Do(ctx, args...)
		if err != nil || !equalReplies(got, want) {
			t.Fatalf("%q:\n redis:   %#v\n embedis: %#v %v", args, want, got, err)
		}
		if iter%100 == 99 {
			want, got := c.Do(t, "GET", "k"), mustDo(t, s, "GET", "k")
			if got != want {
				t.Fatalf("after %d calls: redis %q, embedis %q", iter+1, want, got)
			}
			c.MustDo(t, "DEL", "k")
			mustDo(t, s, "DEL", "k")
		}
	}
}

func equalReplies(a, b any) bool {
	x, ok1 := a.([]any)
	y, ok2 := b.([]any)
	if !ok1 || !ok2 {
		return a == b
	}
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if !equalReplies(x[i], y[i]) {
			return false
		}
	}
	return true
}

func noErr(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func mustDo(t *testing.T, s *Store, args ...string) any {
	t.Helper()
	v, err := s.Do(ctx, args...)
	if err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return v
}

// TestBitmapStringsHandedOutNeverChange: a string read by GET (or copied by
// COPY, or dumped) before a SETBIT keeps its bytes: SETBIT changes bits in
// place only in a buffer no one else holds.
func TestBitmapStringsHandedOutNeverChange(t *testing.T) {
	s, _ := openTest(t)
	for i := int64(0); i < 64; i += 2 {
		if _, err := s.SetBit(ctx, "b", i, 1); err != nil {
			t.Fatal(err)
		}
	}
	before, err := s.Get(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	saved := string([]byte(before)) // a copy to compare with
	if _, err := s.Copy(ctx, "b", "c", 0, false); err != nil {
		t.Fatal(err)
	}
	dump, _, err := s.Dump(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	savedDump := string([]byte(dump))
	for i := int64(0); i < 64; i++ {
		s.SetBit(ctx, "b", i, 1)
	}
	s.BitField(ctx, "b", BitFieldSet("u8", "#0", 0), BitFieldIncrBy("i16", "100", 5))
	if before != saved {
		t.Fatalf("a string returned by GET changed under its caller: %x, was %x", before, saved)
	}
	if dump != savedDump {
		t.Fatal("a DUMP payload changed under its caller")
	}
	if c, _ := s.Get(ctx, "c"); c != saved {
		t.Fatalf("COPY's destination changed with its source: %x", c)
	}
	after, _ := s.Get(ctx, "b")
	if after[:8] != "\x00\xff\xff\xff\xff\xff\xff\xff" {
		t.Fatalf("after SETBIT and BITFIELD: %x", after)
	}
	// Reading and writing in turn keeps both right.
	for i := int64(0); i < 200; i++ {
		s.SetBit(ctx, "t", i, int(i%3)&1)
		got, _ := s.Get(ctx, "t")
		if n, _ := s.BitCount(ctx, "t", nil); n != countOnes(got) || int64(len(got)) != i/8+1 {
			t.Fatalf("after SETBIT %d: GET %x, BITCOUNT %d", i, got, n)
		}
	}
}

func countOnes(s string) int64 {
	var n int64
	for i := 0; i < len(s)*8; i++ {
		n += int64(modelBit([]byte(s), int64(i)))
	}
	return n
}

// TestSetBitGrowth: SETBIT grows a string as Redis's sdsgrowzero (double
// below 1 MB), so sequential SETBITs cost amortised O(1), and a new key
// gets exactly the bytes it needs.
func TestSetBitGrowth(t *testing.T) {
	s, _ := openTest(t)
	s.SetBit(ctx, "new", 8*1000-1, 1)
	var capNew, capGrown int
	s.Atomic(ctx, func(tx *Tx) error {
		capNew = cap(tx.live("new").(*stringValue).buf)
		return nil
	})
	if capNew != 1000 {
		t.Fatalf("a new key of 1000 bytes has a buffer of %d", capNew)
	}
	s.SetBit(ctx, "new", 8*1000, 1)
	s.Atomic(ctx, func(tx *Tx) error {
		capGrown = cap(tx.live("new").(*stringValue).buf)
		return nil
	})
	if capGrown != 2002 {
		t.Fatalf("grown to 1001 bytes, the buffer holds %d; Redis's sdsgrowzero gives 2002", capGrown)
	}
}

// TestSetBitHugeOffset: SETBIT at offset 4,000,000,000 succeeds, as in
// Redis (its byte, 500,000,000, is below proto-max-bulk-len), and allocates
// the 500 MB string once, not a copy of it; 4,294,967,296 (byte 512 MB) is
// refused without allocating.
func TestSetBitHugeOffset(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 500 MB")
	}
	s, _ := openTest(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := s.SetBit(ctx, "k", 4294967296, 1); !errors.Is(err, ErrBitOffset) {
		t.Fatalf("SETBIT at 2^32: %v", err)
	}
	runtime.ReadMemStats(&after)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("a refused SETBIT allocated %d bytes", d)
	}
	runtime.ReadMemStats(&before)
	if old, err := s.SetBit(ctx, "k", 4_000_000_000, 1); err != nil || old != 0 {
		t.Fatalf("SETBIT at 4e9: %d, %v", old, err)
	}
	n, _ := s.BitCount(ctx, "k", nil)
	pos, _ := s.BitPos(ctx, "k", 1)
	runtime.ReadMemStats(&after)
	if n != 1 || pos != 4_000_000_000 {
		t.Fatalf("BITCOUNT %d, BITPOS %d", n, pos)
	}
	const want = 500_000_001
	if d := after.TotalAlloc - before.TotalAlloc; d < want || d > want+1<<20 {
		t.Fatalf("SETBIT at 4e9 allocated %d bytes; Redis allocates %d", d, want)
	}
	if l, _ := s.StrLen(ctx, "k"); l != want {
		t.Fatalf("STRLEN %d", l)
	}
	s.Del(ctx, "k")
}

// TestBitFieldTyped checks the typed API: results, FAIL's Failed, and the
// errors of bad operations in order.
func TestBitFieldTyped(t *testing.T) {
	s, _ := openTest(t)
	res, err := s.BitField(ctx, "f",
		BitFieldSet("u8", "#0", 200),
		BitFieldIncrBy("u8", "#0", 100),
		BitFieldOverflow("FAIL"),
		BitFieldIncrBy("u8", "#0", 300),
		BitFieldOverflow("sat"),
		BitFieldIncrBy("i8", "#1", -1000),
		BitFieldGet("i8", "8"),
	)
	want := []BitFieldResult{{Value: 0}, {Value: 44}, {Failed: true}, {Value: -128}, {Value: -128}}
	if err != nil || len(res) != len(want) {
		t.Fatalf("BitField: %v, %v", res, err)
	}
	for i := range want {
		if res[i] != want[i] {
			t.Fatalf("BitField result %d: %+v, want %+v", i, res[i], want[i])
		}
	}
	for _, c := range []struct {
		ops []BitFieldOp
		err error
	}{
		{[]BitFieldOp{BitFieldGet("u64", "0")}, ErrBitFieldType},
		{[]BitFieldOp{BitFieldGet("i65", "0")}, ErrBitFieldType},
		{[]BitFieldOp{BitFieldGet("u8", "-1")}, ErrBitOffset},
		{[]BitFieldOp{BitFieldOverflow("x"), BitFieldGet("u99", "0")}, ErrBitFieldOverflow},
		{[]BitFieldOp{BitFieldGet("u99", "0"), BitFieldOverflow("x")}, ErrBitFieldType},
	} {
		if _, err := s.BitField(ctx, "f", c.ops...); !errors.Is(err, c.err) {
			t.Errorf("BitField(%+v): %v, want %v", c.ops, err, c.err)
		}
	}
	if _, err := s.BitFieldRO(ctx, "f", BitFieldGet("u8", "0"), BitFieldSet("u8", "0", 1)); !errors.Is(err, ErrBitFieldRO) {
		t.Errorf("BitFieldRO with SET: %v", err)
	}
	if r, err := s.BitFieldRO(ctx, "f", BitFieldGet("u8", "0")); err != nil || r[0].Value != 44 {
		t.Errorf("BitFieldRO: %v, %v", r, err)
	}
}

// TestBitOpAPI: the four operations through the Store, the destination
// deleted by an empty result, and the errors.
func TestBitOpAPI(t *testing.T) {
	s, _ := openTest(t)
	noErr(t, s.Set(ctx, "a", "\x0f\xf0", 0))
	noErr(t, s.Set(ctx, "b", "\xff", 0))
	for _, c := range []struct {
		run  func() (int64, error)
		want string
	}{
		{func() (int64, error) { return s.BitOpAnd(ctx, "d", "a", "b") }, "\x0f\x00"},
		{func() (int64, error) { return s.BitOpOr(ctx, "d", "a", "b") }, "\xff\xf0"},
		{func() (int64, error) { return s.BitOpXor(ctx, "d", "a", "b") }, "\xf0\xf0"},
		{func() (int64, error) { return s.BitOpNot(ctx, "d", "a") }, "\xf0\x0f"},
	} {
		n, err := c.run()
		got, _ := s.Get(ctx, "d")
		if err != nil || n != int64(len(c.want)) || got != c.want {
			t.Errorf("BitOp: %d, %v, %x; want %x", n, err, got, c.want)
		}
	}
	if n, err := s.BitOpAnd(ctx, "d", "nokey"); n != 0 || err != nil {
		t.Fatalf("BitOpAnd of a missing key: %d, %v", n, err)
	}
	if _, err := s.Get(ctx, "d"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an empty result left the destination: %v", err)
	}
	if _, err := s.BitOpAnd(ctx, "d"); !errors.Is(err, ErrArity) {
		t.Errorf("BitOpAnd with no key: %v", err)
	}
	s.RPush(ctx, "l", "x")
	if _, err := s.BitOpOr(ctx, "d", "a", "l"); !errors.Is(err, ErrWrongType) {
		t.Errorf("BitOpOr over a list: %v", err)
	}
	if _, err := s.BitPos(ctx, "a", 1, 0, 1, 2); !errors.Is(err, ErrSyntax) {
		t.Errorf("BitPos with three positions: %v", err)
	}
	if _, err := s.BitPos(ctx, "a", 2); !errors.Is(err, ErrBitArg) {
		t.Errorf("BitPos of bit 2: %v", err)
	}
	if _, err := s.BitCount(ctx, "a", &BitCount{Unit: "bits"}); !errors.Is(err, ErrSyntax) {
		t.Errorf("BitCount in bits: %v", err)
	}
	if _, err := s.SetBit(ctx, "a", 0, 2); !errors.Is(err, ErrBitValue) {
		t.Errorf("SetBit of 2: %v", err)
	}
	if _, err := s.GetBit(ctx, "a", -1); !errors.Is(err, ErrBitOffset) {
		t.Errorf("GetBit at -1: %v", err)
	}
}

// TestBitmapReplay: the effects of the bitmap commands, replayed on a new
// store, give the same strings, including a key that BITFIELD created for
// writes that OVERFLOW FAIL all refused (Redis raises no event for it).
func TestBitmapReplay(t *testing.T) {
	var units [][][]string
	s, err := Open(Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetBit(ctx, "a", 100, 1)
	s.SetBit(ctx, "a", 3, 1)
	s.SetBit(ctx, "a", 3, 1)
	s.BitField(ctx, "f", BitFieldOverflow("FAIL"), BitFieldIncrBy("u8", "#3", 300))
	s.BitField(ctx, "g", BitFieldSet("i16", "#2", -3), BitFieldGet("u8", "0"), BitFieldIncrBy("u4", "1", 20))
	s.BitOpXor(ctx, "x", "a", "g")
	s.BitOpNot(ctx, "y", "nokey")
	r, err := Open(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := r.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a", "f", "g", "x", "y"} {
		want, err1 := s.Get(ctx, k)
		got, err2 := r.Get(ctx, k)
		if want != got || !errors.Is(err1, err2) && err1 != err2 {
			t.Errorf("%s: recorded %x (%v), replayed %x (%v)", k, want, err1, got, err2)
		}
	}
	if got, _ := r.Get(ctx, "f"); got != "\x00\x00\x00\x00" {
		t.Errorf("the key created by a refused BITFIELD replays as %x", got)
	}
	if !bytes.Contains([]byte(strconv.Quote(joinUnits(units))), []byte("BITFIELD")) {
		t.Error("no BITFIELD effect recorded")
	}
}

func joinUnits(units [][][]string) string {
	var b bytes.Buffer
	for _, u := range units {
		for _, c := range u {
			for _, a := range c {
				b.WriteString(a)
				b.WriteByte(' ')
			}
		}
	}
	return b.String()
}

// modelBitField runs parsed BITFIELD operations on p one bit at a time,
// with exact (math/big) arithmetic for overflow: WRAP reduces the exact
// result modulo 2^bits (two's complement for signed types), SAT clamps it,
// FAIL leaves the field and answers Failed. It returns the results and the
// string after.
func modelBitField(p []byte, ops []bitFieldOp) ([]BitFieldResult, []byte) {
	p = bytes.Clone(p)
	need := len(p)
	for _, op := range ops {
		if op.kind != bfGet {
			need = max(need, int((op.offset+uint64(op.bits)-1)>>3)+1)
		}
	}
	p = append(p, make([]byte, need-len(p))...)
	get := func(op bitFieldOp) *big.Int {
		v := new(big.Int)
		for i := 0; i < op.bits; i++ {
			b := op.offset + uint64(i)
			bit := uint(0)
			if b>>3 < uint64(len(p)) {
				bit = uint(p[b>>3]>>(7-b&7)) & 1
			}
			v.Lsh(v, 1)
			v.Or(v, big.NewInt(int64(bit)))
		}
		if op.signed && v.Bit(op.bits-1) == 1 {
			v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(op.bits)))
		}
		return v
	}
	set := func(op bitFieldOp, v *big.Int) {
		m := new(big.Int).Lsh(big.NewInt(1), uint(op.bits))
		u := new(big.Int).Mod(v, m) // non-negative
		for i := op.bits - 1; i >= 0; i-- {
			b := op.offset + uint64(op.bits-1-i)
			if u.Bit(i) == 1 {
				p[b>>3] |= 0x80 >> (b & 7)
			} else {
				p[b>>3] &^= 0x80 >> (b & 7)
			}
		}
	}
	out := make([]BitFieldResult, len(ops))
	for i, op := range ops {
		old := get(op)
		if op.kind == bfGet {
			out[i].Value = old.Int64()
			continue
		}
		exact := big.NewInt(op.value)
		if !op.signed && op.kind == bfSet {
			exact.SetUint64(uint64(op.value)) // Redis reads a SET's value as unsigned for u types
		}
		if op.kind == bfIncrBy {
			exact.Add(exact, old)
		}
		lo, hi := big.NewInt(0), new(big.Int).Lsh(big.NewInt(1), uint(op.bits))
		if op.signed {
			lo = new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(op.bits-1)))
			hi = new(big.Int).Lsh(big.NewInt(1), uint(op.bits-1))
		}
		hi.Sub(hi, big.NewInt(1))
		result := exact
		if exact.Cmp(lo) < 0 || exact.Cmp(hi) > 0 {
			switch op.overflow {
			case overflowFail:
				out[i].Failed = true
				continue
			case overflowSat:
				if exact.Cmp(lo) < 0 {
					result = lo
				} else {
					result = hi
				}
			default:
				m := new(big.Int).Lsh(big.NewInt(1), uint(op.bits))
				result = new(big.Int).Mod(exact, m)
				if op.signed && result.Cmp(hi) > 0 {
					result.Sub(result, m)
				}
			}
		}
		set(op, result)
		if op.kind == bfSet {
			out[i].Value = old.Int64()
		} else {
			out[i].Value = result.Int64()
		}
	}
	return out, p
}

// FuzzBitField feeds BITFIELD arguments (space-separated) to its parser and,
// when they parse, runs them on a Store and on the big-integer model: no
// input panics, every parse error is one of Redis's, and results and bytes
// agree.
func FuzzBitField(f *testing.F) {
	for _, seed := range []string{
		"GET u8 0", "SET i64 0 -9223372036854775808 INCRBY i64 0 -1", "OVERFLOW SAT INCRBY u63 1 9223372036854775807",
		"OVERFLOW FAIL INCRBY i1 0 1 GET i1 0", "SET u8 #2305843009213693952 1", "GET i64 #67108863", "OVERFLOW wrap SET u5 3 -1",
		"get u8 0 overflow fail incrby u8 0 1", "GET u64 0", "GET u8", "OVERFLOW", "SET u8 0 x", "INCRBY i7 # 1",
		"SET u1 7 1 SET i3 5 -4 INCRBY u63 70 -1 GET i64 60", "GET u8\x00x 0", "OVERFLOW sat\x00 INCRBY i8 0 200",
	} {
		f.Add([]byte{0x5a, 0xff, 0x00, 0x81}, seed)
	}
	s, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, start []byte, line string) {
		args := strings.Split(line, " ")
		ops, err := parseBitField(args, MaxStringLength*8-1)
		if err != nil {
			for _, e := range []error{ErrSyntax, ErrBitFieldType, ErrBitOffset, ErrBitFieldOverflow, ErrNotInteger} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("%q: error %v is none of BITFIELD's", args, err)
		}
		for _, op := range ops {
			if op.offset > 1<<16 && op.kind != bfGet {
				return // a string of hundreds of MB: Redis allocates it too
			}
		}
		noErr(t, s.Set(ctx, "k", string(start), 0))
		got, err := s.Do(ctx, append([]string{"BITFIELD", "k"}, args...)...)
		if err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		want, after := modelBitField(start, ops)
		arr := got.([]any)
		if len(arr) != len(want) {
			t.Fatalf("%q: %d results, model %d", args, len(arr), len(want))
		}
		for i, w := range want {
			if (arr[i] == nil) != w.Failed || (!w.Failed && arr[i] != w.Value) {
				t.Fatalf("%q: result %d is %v, model %+v", args, i, arr[i], w)
			}
		}
		if v, _ := s.Get(ctx, "k"); v != string(after) {
			t.Fatalf("%q on %x: string %x, model %x", args, start, v, after)
		}
	})
}

// FuzzBitRange compares BITCOUNT, BITPOS and BITPOS ... BIT on arbitrary
// strings and ranges with the bit-by-bit model.
func FuzzBitRange(f *testing.F) {
	f.Add([]byte("foobar"), int64(1), int64(-1), uint8(0))
	f.Add([]byte{0xff, 0xff, 0xf0}, int64(-9223372036854775808), int64(9223372036854775807), uint8(7))
	f.Add([]byte{0, 0, 1}, int64(-3), int64(-40), uint8(5))
	f.Add([]byte{}, int64(0), int64(-1), uint8(2))
	s, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, p []byte, start, end int64, mode uint8) {
		noErr(t, s.Set(ctx, "k", string(p), 0))
		unit := []string{"", BitCountIndexByte, BitCountIndexBit}[mode%3]
		var r *BitCount
		if mode&4 == 0 {
			r = &BitCount{Start: start, End: end, Unit: unit}
		}
		if got, err := s.BitCount(ctx, "k", r); err != nil || got != modelBitCount(p, r) {
			t.Fatalf("BitCount(%x, %+v) = %d, %v; model %d", p, r, got, err, modelBitCount(p, r))
		}
		bit := int(mode>>3) & 1
		pos := [][]int64{nil, {start}, {start, end}}[int(mode>>4)%3]
		if got, err := s.BitPos(ctx, "k", int64(bit), pos...); err != nil || got != modelBitPos(p, bit, pos, "") {
			t.Fatalf("BitPos(%x, %d, %v) = %d, %v; model %d", p, bit, pos, got, err, modelBitPos(p, bit, pos, ""))
		}
		if unit != "" {
			want := modelBitPos(p, bit, []int64{start, end}, unit)
			if got, err := s.BitPosSpan(ctx, "k", int8(bit), start, end, unit); err != nil || got != want {
				t.Fatalf("BitPosSpan(%x, %d, %d, %d, %s) = %d, %v; model %d", p, bit, start, end, unit, got, err, want)
			}
		}
	})
}

// TestBitmapPipeline runs the bitmap commands through a Pipeline (the
// generated wrappers, BitPos's variadic positions included).
func TestBitmapPipeline(t *testing.T) {
	s, _ := openTest(t)
	p := s.Pipeline()
	set := p.SetBit("b", 9, 1)
	get := p.GetBit("b", 9)
	count := p.BitCount("b", &BitCount{Start: 8, End: 15, Unit: BitCountIndexBit})
	pos := p.BitPos("b", 1, 1, -1)
	span := p.BitPosSpan("b", 0, 8, 15, BitCountIndexBit)
	field := p.BitField("b", BitFieldIncrBy("u4", "#3", 7), BitFieldGet("u8", "8"))
	ro := p.BitFieldRO("b", BitFieldGet("u16", "0"))
	op := p.BitOpNot("n", "b")
	if err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	f := field.Val()
	got := []int64{set.Val(), get.Val(), count.Val(), pos.Val(), span.Val(), f[0].Value, f[1].Value, ro.Val()[0].Value, op.Val()}
	want := []int64{0, 1, 1, 9, 8, 7, 0x47, 0x47, 2}
	if !slices.Equal(got, want) {
		t.Fatalf("pipelined: %v, want %v", got, want)
	}
}

// TestSetBitHugeOffsetMatchesRedis runs SETBIT at offset 4,000,000,000 on
// redis-server and a Store: both accept it with the same replies, and the
// Store allocates no more than redis-server's used_memory grows by.
func TestSetBitHugeOffsetMatchesRedis(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 500 MB on each side")
	}
	srv := redistest.Start(t)
	c := srv.Dial(t)
	usedMemory := func() int64 {
		info, _ := c.Do(t, "INFO", "memory").(string)
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		t.Fatal("no used_memory in INFO")
		return 0
	}
	s, _ := openTest(t)
	redisBefore := usedMemory()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, args := range [][]string{
		{"SETBIT", "k", "4000000000", "1"}, {"STRLEN", "k"}, {"BITCOUNT", "k"}, {"BITPOS", "k", "1"},
		{"GETBIT", "k", "4000000000"}, {"SETBIT", "k", "4294967296", "1"}, {"BITPOS", "k", "0", "-1"},
	} {
		want := c.Do(t, args...)
		got, err := s.Do(ctx, args...)
		if e, ok := want.(redistest.ReplyError); ok {
			if err == nil || err.Error() != string(e) {
				t.Fatalf("%q: redis %q, embedis %v %v", args, e, got, err)
			}
			continue
		}
		if err != nil || got != want {
			t.Fatalf("%q: redis %#v, embedis %#v %v", args, want, got, err)
		}
	}
	runtime.ReadMemStats(&after)
	redisGrew := usedMemory() - redisBefore
	grew := int64(after.TotalAlloc - before.TotalAlloc)
	if grew > redisGrew+1<<20 {
		t.Fatalf("embedis allocated %d bytes, redis-server's memory grew by %d", grew, redisGrew)
	}
	t.Logf("embedis allocated %d bytes, redis-server's used_memory grew by %d", grew, redisGrew)
	c.Do(t, "DEL", "k")
}
