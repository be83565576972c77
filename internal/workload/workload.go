// Package workload generates seeded random Redis command sequences for the
// tests: the write-effect replay test, and the differential tests that send
// the same sequence to redis-server and to embedis. Each data type adds its
// generator here, so every test covers it.
package workload

import (
	"math/rand/v2"
	"strconv"
)

// Gen is a random command generator over a few keys, so that commands
// collide, overwrite, expire and fail on each other's values.
type Gen struct {
	r      *rand.Rand
	keys   []string
	minTTL int // added to every positive relative TTL, in ms: long TTLs keep timing out of differential runs
}

// ms returns a relative TTL of n milliseconds plus minTTL.
func (w *Gen) ms(n int) string { return strconv.Itoa(n + w.minTTL) }

// sec returns a relative TTL of n seconds plus minTTL.
func (w *Gen) sec(n int) string { return strconv.Itoa(n + w.minTTL/1000) }

func (w *Gen) key() string { return w.keys[w.r.IntN(len(w.keys))] }

func (w *Gen) num() string {
	switch w.r.IntN(6) {
	case 0:
		return strconv.FormatInt(w.r.Int64(), 10) // may overflow on add
	case 1:
		return "x" + strconv.Itoa(w.r.IntN(10)) // not a number
	default:
		return strconv.Itoa(w.r.IntN(200) - 100)
	}
}

func (w *Gen) str() string {
	return string("abcxyz"[w.r.IntN(6)]) + strconv.Itoa(w.r.IntN(5))
}

// StringCommand returns a random string or keyspace command.
func (w *Gen) StringCommand() []string {
	k := w.key()
	switch w.r.IntN(32) {
	case 0:
		return []string{"SET", k, w.str()}
	case 1:
		return []string{"SET", k, w.str(), "PX", w.ms(1 + w.r.IntN(3000))}
	case 2:
		opts := [][]string{{"NX"}, {"XX"}, {"GET"}, {"KEEPTTL"}, {"EX", w.sec(2)}, {"XX", "GET", "PX", w.ms(500)}}
		return append([]string{"SET", k, w.str()}, opts[w.r.IntN(len(opts))]...)
	case 3:
		return []string{"SETNX", k, w.str()}
	case 4:
		return []string{"SETEX", k, w.sec(1 + w.r.IntN(3)), w.str()}
	case 5:
		return []string{"PSETEX", k, w.ms(1 + w.r.IntN(3000)), w.str()}
	case 6:
		return []string{"GETSET", k, w.str()}
	case 7:
		return []string{"GETDEL", k}
	case 8:
		opts := [][]string{{"PX", w.ms(1500)}, {"PERSIST"}, {"EX", w.sec(1)}, {}}
		return append([]string{"GETEX", k}, opts[w.r.IntN(len(opts))]...)
	case 9:
		return []string{"MSET", k, w.str(), w.key(), w.str()}
	case 10:
		return []string{"MSETNX", k, w.str(), w.key(), w.str()}
	case 11:
		return []string{"APPEND", k, w.str()}
	case 12:
		return []string{"SETRANGE", k, strconv.Itoa(w.r.IntN(8)), w.str()}
	case 13:
		return []string{"INCR", k}
	case 14:
		return []string{[]string{"INCR", "DECR"}[w.r.IntN(2)], k}
	case 15:
		return []string{"DECRBY", k, w.num()}
	case 16:
		return []string{"INCRBY", k, w.num()}
	case 17:
		return []string{"INCRBYFLOAT", k, []string{"0.1", "-2.5", "1e3", "3"}[w.r.IntN(4)]}
	case 18:
		return []string{"DEL", k, w.key()}
	case 19:
		return []string{"RENAME", k, w.key()}
	case 20:
		return []string{"RENAMENX", k, w.key()}
	case 21:
		return []string{"COPY", k, w.key(), "DB", strconv.Itoa(w.r.IntN(3)), "REPLACE"}
	case 22:
		if n := w.r.IntN(4) - 1; n > 0 {
			return []string{"EXPIRE", k, w.sec(n)}
		}
		return []string{"EXPIRE", k, strconv.Itoa(w.r.IntN(2) - 1)}
	case 23:
		return []string{"PEXPIRE", k, w.ms(1 + w.r.IntN(3000)), []string{"NX", "XX", "GT", "LT"}[w.r.IntN(4)]}
	case 24:
		return []string{"PERSIST", k}
	case 25:
		return []string{"SELECT", strconv.Itoa(w.r.IntN(3))}
	case 26:
		return []string{"UNLINK", k}
	case 27:
		switch w.r.IntN(8) {
		case 0, 3: // FLUSHDB and FLUSHALL twice: the other families' share leaves them rare
			return []string{"FLUSHDB"}
		case 1:
			return []string{"SWAPDB", strconv.Itoa(w.r.IntN(3)), strconv.Itoa(w.r.IntN(3))}
		case 2, 4:
			return []string{"FLUSHALL"}
		}
		return []string{"GET", k}
	case 28:
		// In the past: deletes.
		if w.r.IntN(2) == 0 {
			return []string{"PEXPIREAT", k, strconv.Itoa(w.r.IntN(2000))}
		}
		return []string{"EXPIREAT", k, strconv.Itoa(w.r.IntN(2))}
	case 29:
		return []string{"MOVE", k, strconv.Itoa(w.r.IntN(3))}
	case 30:
		return w.restoreCommand(k)
	default:
		return []string{"TTL", k}
	}
}

// New returns a generator seeded with (seed, stream) over keys. minTTL (ms)
// is added to every positive relative TTL it generates: differential runs
// against a real server use long TTLs so that timing never decides a reply.
func New(seed, stream uint64, keys []string, minTTL int) *Gen {
	return &Gen{r: rand.New(rand.NewPCG(seed, stream)), keys: keys, minTTL: minTTL}
}

// A family is the random command generator of one data type. Each data type
// registers its family in an init function of its file here.
type family struct {
	name string
	gen  func(w *Gen) []string
}

var families = []family{{"strings", (*Gen).StringCommand}}

// Register adds the random command generator of a data type; Command picks
// among all registered families.
func Register(name string, gen func(w *Gen) []string) {
	families = append(families, family{name, gen})
}

// Command returns a random command of a random registered data type (the
// keyspace commands come with every family, through the strings family).
func (w *Gen) Command() []string {
	return families[w.r.IntN(len(families))].gen(w)
}

// Families returns the names of the registered families, in registration
// order.
func Families() []string {
	out := make([]string, len(families))
	for i, f := range families {
		out[i] = f.name
	}
	return out
}

// FamilyCommand returns a random command of the named family, or of the
// strings family (with the keyspace commands) one time in eight, so that a
// run of one family still meets expiries, deletions and other types.
func (w *Gen) FamilyCommand(name string) []string {
	if w.r.IntN(8) == 0 {
		return families[0].gen(w)
	}
	for _, f := range families {
		if f.name == name {
			return f.gen(w)
		}
	}
	panic("workload: no family " + name)
}

// IntN returns a random int in [0, n).
func (w *Gen) IntN(n int) int { return w.r.IntN(n) }
