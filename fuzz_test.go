package embedis

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/embedis/embedis/internal/workload"
)

// FuzzDo feeds arbitrary commands through the command table: no input may
// panic, every reply is a value or an *Error with Redis's "ERR"/"WRONGTYPE"
// prefix, and the keyspace stays consistent (DBSIZE equals the keys KEYS *
// lists once no key has a deadline in the past).
func FuzzDo(f *testing.F) {
	for _, seed := range []string{
		"SET k v EX 10", "SET k v PX 0", "INCRBYFLOAT k 1e400", "GETRANGE k -1 -9223372036854775808",
		"SETRANGE k 536870911 x", "LCS k k IDX MINMATCHLEN 1 WITHMATCHLEN", "SCAN 18446744073709551615 COUNT 1",
		"EXPIRE k 9223372036854775807", "COPY k k DB 15", "KEYS [", "MSET a", "GETEX k PXAT 1",
		"RENAME k k", "DECRBY k -9223372036854775808", "INCR k", "APPEND k \x00",
		"HSET h f v", "HRANDFIELD h -5 WITHVALUES", "HINCRBYFLOAT h f 1e308", "HSCAN h 0 COUNT 1",
		"LPUSH l a b c", "LPOS l a RANK -1 COUNT 0 MAXLEN 2", "LINSERT l BEFORE b x", "LMPOP 2 l k LEFT COUNT 3",
		"BLMOVE l l LEFT RIGHT 0", "SADD s 1 2 x", "SPOP s 2", "SRANDMEMBER s -3", "SINTERCARD 2 s l LIMIT 1",
		"SMOVE s l 1", "SSCAN s 0 MATCH *",
		"ZADD z 1 a 2 b", "ZADD z INCR NX 1 a", "ZADD z GT CH -inf a +inf b", "ZINCRBY z -inf b",
		"ZRANGE z (1 +inf BYSCORE REV LIMIT 0 -1 WITHSCORES", "ZRANGEBYLEX z [a (c LIMIT 1 1",
		"ZRANGESTORE d z 0 -1 BYLEX LIMIT 1 1", "ZREMRANGEBYSCORE z (0 inf", "ZREMRANGEBYLEX z - +",
		"ZUNIONSTORE d 2 z s WEIGHTS 0 inf AGGREGATE MIN", "ZINTER 2 z s WITHSCORES", "ZDIFFSTORE d 2 z s",
		"ZINTERCARD 2 z s LIMIT 1", "ZRANDMEMBER z -3 WITHSCORES", "ZMPOP 1 z MAX COUNT 2", "ZPOPMIN z -1",
		"BZPOPMIN z 0", "BZMPOP 0.01 2 z s MIN COUNT 1", "ZSCAN z 0 MATCH *", "ZMSCORE z a x",
		"GEOADD g 13.36 38.11 a", "GEOSEARCH g FROMMEMBER a BYBOX 10 10 km ASC COUNT 1 ANY WITHCOORD WITHDIST WITHHASH",
		"GEORADIUS g 15 37 200 km STORE d",
		"SETBIT b 4294967296 1", "SETBIT b 7 2", "GETBIT b -1", "BITCOUNT k -1 -9223372036854775808 BIT",
		"BITPOS k 0 9223372036854775807 -9223372036854775808 BIT", "BITPOS n 0 -1", "BITOP NOT d k k", "BITOP XOR d k n other",
		"BITFIELD b OVERFLOW FAIL INCRBY i64 #3 -9223372036854775808 GET u63 #2305843009213693952",
		"BITFIELD b GET i64 4294967232 OVERFLOW SAT INCRBY i1 0 -1", "BITFIELD_RO k GET i64 -1 SET u1 0 1",
	} {
		f.Add(seed)
	}
	// Every command of the table with an example invocation, and with a
	// boundary integer in its last position.
	for _, c := range Commands() {
		base := workload.HostileBases(hostileSpec(c))[0]
		f.Add(strings.Join(base, " "))
		if len(base) > 1 {
			f.Add(strings.Join(append(base[:len(base)-1:len(base)-1], "-9223372036854775808"), " "))
		}
	}
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s, err := Open(Options{Clock: clock})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Fields(line)
		if len(args) == 0 {
			return
		}
		s.Set(ctx, "k", "value", 0)
		s.Set(ctx, "n", "41", time.Hour)
		s.Atomic(ctx, func(tx *Tx) error { tx.setValue("other", &fakeValue{}, false); return nil })
		if fuzzHuge(args) {
			return
		}
		// A blocking command may wait for ever (on the manual clock): its
		// context ends the wait.
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		_, err := s.Do(cctx, args...)
		if err != nil && errors.Is(err, context.DeadlineExceeded) {
			if c := LookupCommand(args[0]); c != nil && slices.Contains(c.Flags, "blocking") {
				err = nil
			}
		}
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("%q: error %T %v is not an *Error", args, err, err)
			}
			// BUSYKEY is RESTORE's onto an existing key (a seed before it
			// may have created the key); NOSCRIPT is EVALSHA's for a script
			// not loaded; NOGROUP and BUSYGROUP are the consumer groups'.
			if msg := e.Error(); !strings.HasPrefix(msg, "ERR ") && !strings.HasPrefix(msg, "WRONGTYPE ") && !strings.HasPrefix(msg, "BUSYKEY ") && !strings.HasPrefix(msg, "NOSCRIPT ") &&
				!strings.HasPrefix(msg, "NOGROUP ") && !strings.HasPrefix(msg, "BUSYGROUP ") && e != ErrCorruptHLL {
				t.Fatalf("%q: error text %q has no Redis prefix", args, msg)
			}
		}
		n, _ := s.DBSize(ctx)
		keys, _ := s.Keys(ctx, "*")
		if int64(len(keys)) > n {
			t.Fatalf("KEYS lists %d keys but DBSIZE is %d", len(keys), n)
		}
	})
}

// fuzzHuge reports the inputs that ask, as they would ask Redis, for a
// value or reply of hundreds of MB or more: a SETRANGE offset past 1 MB, or
// a negative random-member count below -2²⁰ (see workload.HostileSkip).
func fuzzHuge(args []string) bool {
	if len(args) < 3 {
		return false
	}
	n, err := strconv.ParseInt(args[2], 10, 64)
	if err != nil {
		return false
	}
	switch strings.ToUpper(args[0]) {
	case "SETRANGE":
		return n >= 1<<20 && n <= 512<<20
	case "SRANDMEMBER", "ZRANDMEMBER", "HRANDFIELD":
		return n < -1<<20
	}
	return false
}

// FuzzNotifyKeyspaceEvents: any notify-keyspace-events string is taken or
// refused with ErrNotifyKeyspaceEvents and the setting left as it was; what
// is taken shows in a canonical form that, set again, shows the same, and
// publishing a keyspace event under it never fails.
func FuzzNotifyKeyspaceEvents(f *testing.F) {
	for _, seed := range []string{"", "KEA", "AKE", "Ex", "KEAnm", "g$lshzxetdn", "K", "E", "Q", "KE\x00", "AAAAKKKK"} {
		f.Add(seed)
	}
	s, err := Open(Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	sub, err := s.PSubscribe(context.Background(), "*")
	if err != nil {
		f.Fatal(err)
	}
	defer sub.Close()
	go func() {
		for range sub.Channel() {
		}
	}()
	f.Fuzz(func(t *testing.T, classes string) {
		ctx := context.Background()
		before, _ := s.NotifyKeyspaceEvents(ctx)
		if err := s.SetNotifyKeyspaceEvents(ctx, classes); err != nil {
			if !errors.Is(err, ErrNotifyKeyspaceEvents) {
				t.Fatalf("%q: %v", classes, err)
			}
			if after, _ := s.NotifyKeyspaceEvents(ctx); after != before {
				t.Fatalf("%q refused, but the setting changed from %q to %q", classes, before, after)
			}
			return
		}
		canon, _ := s.NotifyKeyspaceEvents(ctx)
		if err := s.SetNotifyKeyspaceEvents(ctx, canon); err != nil {
			t.Fatalf("canonical %q of %q refused: %v", canon, classes, err)
		}
		if again, _ := s.NotifyKeyspaceEvents(ctx); again != canon {
			t.Fatalf("%q shows %q, which shows %q", classes, canon, again)
		}
		if err := s.Set(ctx, "k", "v", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Del(ctx, "k", "nosuch"); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzFunctionPayload feeds arbitrary FUNCTION RESTORE payloads and
// library codes to the payload reader and the shebang parser: no input may
// panic, an error is one of the catalogue's, and the codes read are no
// longer than the payload.
func FuzzFunctionPayload(f *testing.F) {
	f.Add([]byte("\xf5@G#!lua name=two\nredis.register_function('only', function() return 2 end)\n\x00\xa2)\x16\x9a\xb7\x06\xc2P"))
	f.Add([]byte("\n\x00]\x9b\\@\x0f\x7f\xa2\xda"))
	f.Add([]byte("#!lua name=x \"y\nreturn 1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		codes, err := functionPayloadCodes(string(data))
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("payload error %v is not an *Error", err)
		}
		n := 0
		for _, c := range codes {
			n += len(c)
		}
		if n > 8*len(data)+64 {
			t.Fatalf("%d bytes of code from a payload of %d", n, len(data))
		}
		if _, _, _, err := parseShebang(string(data)); err != nil && !errors.As(err, &e) {
			t.Fatalf("shebang error %v is not an *Error", err)
		}
	})
}
