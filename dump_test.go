package embedis

import (
	"encoding/binary"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/crc64"
	"github.com/embedis/embedis/internal/workload"
)

// valueOf returns the deterministic description of key's value and its
// encoding, or "" if the key does not exist.
func valueOf(t testing.TB, s *Store, key string) (desc, enc string) {
	t.Helper()
	s.Atomic(ctx, func(tx *Tx) error {
		if v := tx.lookupKey(key, lookupNoTouch|lookupNoNotify); v != nil {
			desc, enc = v.typeName()+" "+v.dump(), encodingName(v)
		}
		return nil
	})
	return desc, enc
}

// TestDumpRestoreRoundTrip dumps a value of every type and encoding and
// restores it into another store: the same value, the same encoding, and
// (but for hash tables, whose order is their dict's) the same payload.
func TestDumpRestoreRoundTrip(t *testing.T) {
	s, _ := openTest(t)
	fillStore(t, s, everyEncoding())
	dst, _ := openTest(t)
	keys, _ := s.Keys(ctx, "*")
	if len(keys) < 15 {
		t.Fatalf("only %d keys in the fixture", len(keys))
	}
	for _, k := range keys {
		p, ok, err := s.Dump(ctx, k)
		if err != nil || !ok {
			t.Fatalf("Dump %s = %v, %v", k, ok, err)
		}
		if err := dst.Restore(ctx, k, p, RestoreArgs{}); err != nil {
			t.Fatalf("Restore %s: %v", k, err)
		}
		wantDesc, wantEnc := valueOf(t, s, k)
		gotDesc, gotEnc := valueOf(t, dst, k)
		if gotDesc != wantDesc || gotEnc != wantEnc {
			t.Errorf("%s: dumped %s (%s), restored %s (%s)", k, wantDesc, wantEnc, gotDesc, gotEnc)
		}
		if p2, _, _ := dst.Dump(ctx, k); wantEnc != "hashtable" && p2 != p {
			t.Errorf("%s: DUMP after RESTORE gives other bytes", k)
		}
	}
	if _, ok, err := s.Dump(ctx, "nosuch"); ok || err != nil {
		t.Errorf("Dump of a missing key = %v, %v", ok, err)
	}
}

func TestRestoreArgs(t *testing.T) {
	s, clock := openTest(t)
	p := workload.RedisPayload("s") // "hello"
	restore := func(key string, a RestoreArgs) error { return s.Restore(ctx, key, p, a) }

	if err := restore("k", RestoreArgs{}); err != nil {
		t.Fatal(err)
	}
	if err := restore("k", RestoreArgs{}); !errors.Is(err, ErrBusyKey) {
		t.Errorf("existing key: %v", err)
	}
	if err := restore("k", RestoreArgs{TTL: -1}); !errors.Is(err, ErrBusyKey) {
		t.Errorf("existing key and a bad TTL: %v, want BUSYKEY first as in Redis", err)
	}
	if err := restore("k", RestoreArgs{Replace: true, TTL: 1500 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.PTTL(ctx, "k"); d != 1500*time.Millisecond {
		t.Errorf("PTTL = %v", d)
	}
	restore("sub", RestoreArgs{TTL: time.Nanosecond})
	if d, _ := s.PTTL(ctx, "sub"); d != time.Millisecond {
		t.Errorf("a TTL under a millisecond: PTTL = %v, want 1ms", d)
	}
	at := clock.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := restore("abs", RestoreArgs{ExpireAt: at}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PExpireTime(ctx, "abs"); got != at.UnixMilli() {
		t.Errorf("PExpireTime = %v, want %v", got, at)
	}
	// A deadline in the past restores nothing; with Replace it deletes.
	past := clock.Now().Add(-time.Second)
	if err := restore("gone", RestoreArgs{ExpireAt: past}); err != nil {
		t.Fatal(err)
	}
	if err := restore("abs", RestoreArgs{ExpireAt: past, Replace: true}); err != nil {
		t.Fatal(err)
	}
	if err := restore("epoch", RestoreArgs{ExpireAt: time.UnixMilli(0)}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Exists(ctx, "gone", "abs", "epoch"); n != 0 {
		t.Errorf("%d keys restored with a past deadline", n)
	}
	for _, c := range []struct {
		name string
		args RestoreArgs
		want error
	}{
		{"negative TTL", RestoreArgs{TTL: -time.Second}, ErrInvalidTTL},
		{"before 1970", RestoreArgs{ExpireAt: time.Unix(-10, 0)}, ErrInvalidTTL},
		{"TTL and ExpireAt", RestoreArgs{TTL: time.Second, ExpireAt: at}, ErrSyntax},
		{"IdleTime and Freq", RestoreArgs{IdleTime: time.Second, Freq: 1}, ErrSyntax},
		{"negative IdleTime", RestoreArgs{IdleTime: -time.Second}, ErrInvalidIdleTime},
		{"Freq 256", RestoreArgs{Freq: 256}, ErrInvalidFreq},
		{"Freq -1", RestoreArgs{Freq: -1}, ErrInvalidFreq},
	} {
		if err := restore("x", c.args); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if err := restore("x", RestoreArgs{IdleTime: 5 * time.Second}); err != nil {
		t.Errorf("IdleTime: %v", err)
	}
	if err := restore("y", RestoreArgs{Freq: 255}); err != nil {
		t.Errorf("Freq: %v", err)
	}
	// Payload errors.
	bad := p[:len(p)-1] + string(p[len(p)-1]^1)
	if err := s.Restore(ctx, "z", bad, RestoreArgs{}); !errors.Is(err, ErrDumpPayload) {
		t.Errorf("wrong checksum: %v", err)
	}
	b := []byte{0, 0x3f, 'x'} // a string of 63 bytes with one
	b = binary.LittleEndian.AppendUint16(b, 10)
	b = binary.LittleEndian.AppendUint64(b, crc64.Update(0, b))
	if err := s.Restore(ctx, "z", string(b), RestoreArgs{}); !errors.Is(err, ErrBadDataFormat) {
		t.Errorf("truncated value behind a right checksum: %v", err)
	}
	if n, _ := s.Exists(ctx, "z"); n != 0 {
		t.Error("a failed RESTORE created the key")
	}
}

// TestRestoreWriteEffect: RESTORE records a deterministic effect (absolute
// deadline, REPLACE) that replays to the same data, breaks WATCHes on the
// key, and a RESTORE whose deadline has passed records the deletion.
func TestRestoreWriteEffect(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	var units [][][]string
	s, err := Open(Options{Clock: clock, OnEffects: func(u [][]string) { units = append(units, u) }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := workload.RedisPayload("z")
	var w Watch
	watch(s, &w, "k")
	if err := s.Restore(ctx, "k", p, RestoreArgs{TTL: time.Minute, Freq: 3}); err != nil {
		t.Fatal(err)
	}
	if !watchBroken(t, s, &w) {
		t.Error("RESTORE did not break the WATCH")
	}
	s.Restore(ctx, "k2", p, RestoreArgs{})
	s.Restore(ctx, "k2", p, RestoreArgs{Replace: true, ExpireAt: clock.Now().Add(-time.Second)})
	deadline := clock.Now().Add(time.Minute).UnixMilli()
	want := [][][]string{
		{{"SELECT", "0"}, {"RESTORE", "k", strconv.FormatInt(deadline, 10), p, "REPLACE", "ABSTTL", "FREQ", "3"}},
		{{"RESTORE", "k2", "0", p, "REPLACE"}},
		{{"DEL", "k2"}},
	}
	if !reflect.DeepEqual(units, want) {
		t.Errorf("effects\n got  %q\n want %q", units, want)
	}
	replica, _ := Open(Options{Clock: NewManualClock(clock.Now().Add(10 * time.Second))})
	defer replica.Close()
	if err := replica.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	compareSnapshots(t, snapshot(t, s), snapshot(t, replica))
}

// TestRestoreNeverPanics restores every truncation of the payloads of every
// type and encoding, and every single-byte change of them with the
// checksum made right again (so the value's decoder sees the damage): each
// is an error or a value that reads back, never a panic.
func TestRestoreNeverPanics(t *testing.T) {
	s, _ := openTest(t)
	fillStore(t, s, everyEncoding())
	keys, _ := s.Keys(ctx, "*")
	dst, _ := openTest(t)
	tried, restored := 0, 0
	try := func(p string) {
		tried++
		if err := dst.Restore(ctx, "x", p, RestoreArgs{Replace: true}); err == nil {
			restored++
			if _, ok, err := dst.Dump(ctx, "x"); !ok || err != nil {
				t.Fatalf("a restored value does not dump: %v", err)
			}
		} else if !errors.Is(err, ErrDumpPayload) && !errors.Is(err, ErrBadDataFormat) {
			t.Fatalf("RESTORE error %v", err)
		}
	}
	for _, k := range keys {
		p, _, _ := s.Dump(ctx, k)
		if len(p) > 2000 {
			continue
		}
		for n := 0; n < len(p); n++ {
			try(p[:n])
		}
		body := []byte(p[:len(p)-8])
		for i := range body[:len(body)-2] {
			for _, d := range []byte{1, 0x80, 0xff} {
				b := append([]byte(nil), body...)
				b[i] ^= d
				try(string(binary.LittleEndian.AppendUint64(b, crc64.Update(0, b))))
			}
		}
	}
	t.Logf("%d damaged payloads, %d restored as another valid value", tried, restored)
}

// FuzzRestore restores arbitrary payloads (seeded with redis-server's and
// with embedis's DUMP of every encoding): never a panic; an error is one of
// RESTORE's, and a value restored dumps and restores again to the same
// value.
func FuzzRestore(f *testing.F) {
	for _, k := range []string{"s", "i", "l", "si", "ss", "h", "z"} {
		f.Add(workload.RedisPayload(k))
	}
	src, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	fillStore(f, src, everyEncoding())
	keys, _ := src.Keys(ctx, "*")
	for _, k := range keys {
		if p, _, _ := src.Dump(ctx, k); len(p) < 4096 {
			f.Add(p)
		}
	}
	src.Close()
	s, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := s.Restore(ctx, "k", p, RestoreArgs{Replace: true})
		if err != nil {
			if !errors.Is(err, ErrDumpPayload) && !errors.Is(err, ErrBadDataFormat) {
				t.Fatalf("RESTORE error %v", err)
			}
			return
		}
		desc, _ := valueOf(t, s, "k")
		again, ok, err := s.Dump(ctx, "k")
		if !ok || err != nil {
			t.Fatalf("DUMP of a restored value: %v, %v", ok, err)
		}
		if err := s.Restore(ctx, "k2", again, RestoreArgs{Replace: true}); err != nil {
			t.Fatalf("RESTORE of embedis's DUMP: %v", err)
		}
		if desc2, _ := valueOf(t, s, "k2"); desc2 != desc {
			t.Fatalf("restored %s, dumped and restored again %s", desc, desc2)
		}
	})
}
