package embedis

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// requireUnchanged checks that key still holds want after a failed command.
func requireUnchanged(t *testing.T, s *Store, key, want string) {
	t.Helper()
	got, err := s.Get(ctx, key)
	if err != nil || got != want {
		t.Fatalf("%s = %q, %v after a failed command; want %q unchanged", key, got, err, want)
	}
}

func TestGetMissingIsErrNotFound(t *testing.T) {
	s, _ := openTest(t)
	if _, err := s.Get(ctx, "nope"); err != ErrNotFound {
		t.Fatalf("Get missing = %v", err)
	}
	if _, err := s.GetDel(ctx, "nope"); err != ErrNotFound {
		t.Fatalf("GetDel missing = %v", err)
	}
	if _, err := s.GetSet(ctx, "nope", "v"); err != ErrNotFound {
		t.Fatalf("GetSet missing = %v", err)
	}
	requireUnchanged(t, s, "nope", "v") // GetSet stored it anyway
	vals := must[[]*string](t)(s.MGet(ctx, "nope", "missing-too", "nope"))
	if len(vals) != 3 || vals[0] == nil || *vals[0] != "v" || vals[1] != nil {
		t.Fatalf("MGet = %v", vals)
	}
}

func TestIncrErrorsLeaveValueUnchanged(t *testing.T) {
	s, _ := openTest(t)
	for _, tc := range []struct {
		name, start string
		op          func() (int64, error)
		want        error
	}{
		{"not an integer", "abc", func() (int64, error) { return s.Incr(ctx, "k") }, ErrNotInteger},
		{"leading zero", "007", func() (int64, error) { return s.Incr(ctx, "k") }, ErrNotInteger},
		{"leading plus", "+1", func() (int64, error) { return s.IncrBy(ctx, "k", 1) }, ErrNotInteger},
		{"space", " 1", func() (int64, error) { return s.Decr(ctx, "k") }, ErrNotInteger},
		{"float", "1.5", func() (int64, error) { return s.Incr(ctx, "k") }, ErrNotInteger},
		{"overflow", "9223372036854775807", func() (int64, error) { return s.Incr(ctx, "k") }, ErrOverflow},
		{"underflow", "-9223372036854775808", func() (int64, error) { return s.Decr(ctx, "k") }, ErrOverflow},
		{"big delta", "1", func() (int64, error) { return s.IncrBy(ctx, "k", math.MaxInt64) }, ErrOverflow},
		{"decrby min", "1", func() (int64, error) { return s.DecrBy(ctx, "k", math.MinInt64) }, ErrOverflow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.Set(ctx, "k", tc.start, time.Minute)
			if _, err := tc.op(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			requireUnchanged(t, s, "k", tc.start)
			if d, _ := s.PTTL(ctx, "k"); d != time.Minute {
				t.Fatalf("TTL changed by a failed command: %v", d)
			}
		})
	}
	// The decrement error text is Redis's own.
	_, err := s.DecrBy(ctx, "k", math.MinInt64)
	if err.Error() != "ERR decrement would overflow" {
		t.Fatalf("text = %q", err)
	}
}

func TestWrongTypeLeavesValueUnchanged(t *testing.T) {
	s, _ := openTest(t)
	// Until other types exist, plant a value of an unknown type directly.
	s.Atomic(ctx, func(tx *Tx) error {
		tx.setValue("other", &fakeValue{}, false)
		return nil
	})
	calls := map[string]func() error{
		"Get":         func() error { _, err := s.Get(ctx, "other"); return err },
		"Incr":        func() error { _, err := s.Incr(ctx, "other"); return err },
		"IncrByFloat": func() error { _, err := s.IncrByFloat(ctx, "other", 1); return err },
		"Append":      func() error { _, err := s.Append(ctx, "other", "x"); return err },
		"SetRange":    func() error { _, err := s.SetRange(ctx, "other", 0, "x"); return err },
		"GetRange":    func() error { _, err := s.GetRange(ctx, "other", 0, 1); return err },
		"StrLen":      func() error { _, err := s.StrLen(ctx, "other"); return err },
		"GetDel":      func() error { _, err := s.GetDel(ctx, "other"); return err },
		"GetEx":       func() error { _, err := s.GetEx(ctx, "other", time.Second); return err },
		"GetSet":      func() error { _, err := s.GetSet(ctx, "other", "x"); return err },
		"SetArgsGet":  func() error { _, err := s.SetArgs(ctx, "other", "x", SetArgs{Get: true}); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrWrongType) {
			t.Errorf("%s on a non-string = %v, want ErrWrongType", name, err)
		}
		if typ, _ := s.Type(ctx, "other"); typ != "fake" {
			t.Fatalf("%s changed the value: type now %q", name, typ)
		}
	}
	if ttl, _ := s.TTL(ctx, "other"); ttl != TTLPersistent {
		t.Fatal("GetEx gave a wrong-type key a TTL")
	}
	// SET without GET replaces any type, as in Redis.
	if err := s.Set(ctx, "other", "now a string", 0); err != nil {
		t.Fatal(err)
	}
	requireUnchanged(t, s, "other", "now a string")
	if _, err := s.LCS(ctx, "other", "nope"); err != nil {
		t.Fatal(err)
	}
}

type fakeValue struct{ objMeta }

func (*fakeValue) typeName() string { return "fake" }
func (*fakeValue) clone() value     { return &fakeValue{} }
func (*fakeValue) dump() string     { return "fake" }
func (*fakeValue) memUsage() int64  { return 16 }

func TestIncrByFloatRedisFormatting(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "f", "10.50", 0)
	if v, err := s.IncrByFloat(ctx, "f", 0.1); err != nil || v != 10.6 {
		t.Fatalf("IncrByFloat = %v, %v", v, err)
	}
	requireUnchanged(t, s, "f", "10.6")
	// Redis adds in long double: three times 0.1 is "0.3", not float64's 0.30000000000000004.
	for i := 0; i < 3; i++ {
		s.Do(ctx, "INCRBYFLOAT", "g", "0.1")
	}
	requireUnchanged(t, s, "g", "0.3")
	s.Set(ctx, "h", "abc", 0)
	if _, err := s.IncrByFloat(ctx, "h", 1); !errors.Is(err, ErrNotFloat) {
		t.Fatalf("IncrByFloat on abc = %v", err)
	}
	requireUnchanged(t, s, "h", "abc")
	if _, err := s.IncrByFloat(ctx, "f", math.Inf(1)); !errors.Is(err, ErrNaNOrInfinity) {
		t.Fatalf("IncrByFloat +Inf = %v", err)
	}
	requireUnchanged(t, s, "f", "10.6")
}

func TestSetRangeAndAppendLimits(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "hello", 0)
	if _, err := s.SetRange(ctx, "k", -1, "x"); !errors.Is(err, ErrOffsetOutOfRange) {
		t.Fatalf("negative offset = %v", err)
	}
	if _, err := s.SetRange(ctx, "k", MaxStringLength, "x"); !errors.Is(err, ErrStringTooLong) {
		t.Fatalf("offset past 512MB = %v", err)
	}
	requireUnchanged(t, s, "k", "hello")
	if n, _ := s.SetRange(ctx, "k", 7, "!"); n != 8 {
		t.Fatalf("SetRange = %d", n)
	}
	requireUnchanged(t, s, "k", "hello\x00\x00!")
	if n, _ := s.SetRange(ctx, "empty", 3, ""); n != 0 {
		t.Fatal("SetRange with empty value on missing key")
	}
	if n, _ := s.Exists(ctx, "empty"); n != 0 {
		t.Fatal("SetRange with empty value created the key")
	}
	big := strings.Repeat("x", MaxStringLength-2)
	s.Set(ctx, "big", big, 0)
	if _, err := s.Append(ctx, "big", "xyz"); !errors.Is(err, ErrStringTooLong) {
		t.Fatalf("Append past 512MB = %v", err)
	}
	if n, _ := s.StrLen(ctx, "big"); n != MaxStringLength-2 {
		t.Fatalf("failed Append changed the length to %d", n)
	}
	s.Del(ctx, "big")
}

func TestGetRange(t *testing.T) {
	s, _ := openTest(t)
	s.Set(ctx, "k", "Hello World", 0)
	for _, tc := range []struct {
		start, end int64
		want       string
	}{
		{0, 4, "Hello"}, {-5, -1, "World"}, {0, -1, "Hello World"}, {5, 3, ""},
		{0, 100, "Hello World"}, {-100, 2, "Hel"}, {20, 30, ""}, {-1, -5, ""},
	} {
		if got, _ := s.GetRange(ctx, "k", tc.start, tc.end); got != tc.want {
			t.Errorf("GetRange(%d, %d) = %q, want %q", tc.start, tc.end, got, tc.want)
		}
	}
}

func TestSetArgsModes(t *testing.T) {
	s, clock := openTest(t)
	r := must[SetResult](t)(s.SetArgs(ctx, "k", "1", SetArgs{Mode: "XX"}))
	if r.Written {
		t.Fatal("XX on a missing key wrote")
	}
	r = must[SetResult](t)(s.SetArgs(ctx, "k", "1", SetArgs{Mode: "nx", Get: true}))
	if !r.Written || r.OldExists {
		t.Fatalf("NX GET on missing = %+v", r)
	}
	r = must[SetResult](t)(s.SetArgs(ctx, "k", "2", SetArgs{Get: true, ExpireAt: clock.Now().Add(time.Hour)}))
	if !r.Written || r.Old != "1" {
		t.Fatalf("GET = %+v", r)
	}
	if d, _ := s.PTTL(ctx, "k"); d != time.Hour {
		t.Fatalf("ExpireAt gave PTTL %v", d)
	}
	if _, err := s.SetArgs(ctx, "k", "3", SetArgs{Mode: "YY"}); !errors.Is(err, ErrSyntax) {
		t.Fatalf("Mode YY = %v", err)
	}
	if _, err := s.SetArgs(ctx, "k", "3", SetArgs{TTL: time.Second, KeepTTL: true}); !errors.Is(err, ErrSyntax) {
		t.Fatalf("TTL with KeepTTL = %v", err)
	}
	if err := s.Set(ctx, "k", "3", -5); !errors.Is(err, ErrInvalidExpire) {
		t.Fatalf("negative expiration = %v", err)
	}
	if err := s.SetEx(ctx, "k", "3", 0); !errors.Is(err, ErrInvalidExpire) || err.Error() != "ERR invalid expire time in 'setex' command" {
		t.Fatalf("SetEx 0 = %v", err)
	}
	requireUnchanged(t, s, "k", "2")
}
