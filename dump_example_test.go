package embedis_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embedis/embedis"
)

// A value moves from one store to another (or to and from a real Redis,
// whose DUMP and RESTORE use the same payloads).
func ExampleStore_Dump() {
	ctx := context.Background()
	src, _ := embedis.Open(embedis.Options{})
	defer src.Close()
	dst, _ := embedis.Open(embedis.Options{})
	defer dst.Close()

	src.RPush(ctx, "queue", "a", "b", "c")
	payload, ok, _ := src.Dump(ctx, "queue")
	fmt.Printf("%v %q\n", ok, payload[:1]) // RDB type 18: a quicklist of listpacks

	dst.Restore(ctx, "queue", payload, embedis.RestoreArgs{TTL: time.Minute})
	items, _ := dst.LRange(ctx, "queue", 0, -1)
	enc, _ := dst.ObjectEncoding(ctx, "queue")
	fmt.Println(items, enc)

	err := dst.Restore(ctx, "queue", payload, embedis.RestoreArgs{})
	fmt.Println(errors.Is(err, embedis.ErrBusyKey), err)
	err = dst.Restore(ctx, "other", payload[:len(payload)-1], embedis.RestoreArgs{})
	fmt.Println(err)
	// Output:
	// true "\x12"
	// [a b c] quicklist
	// true BUSYKEY Target key name already exists.
	// ERR DUMP payload version or checksum are wrong
}

// A snapshot is an RDB file, as redis-server's dump.rdb.
func ExampleStore_WriteSnapshot() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.Set(ctx, "greeting", "hello", 0)
	s.DB(3).SAdd(ctx, "ids", "1", "2", "3")

	var file bytes.Buffer
	if err := s.WriteSnapshot(ctx, &file); err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", file.Bytes()[:9])
	// Output: REDIS0010
}

func ExampleOpenSnapshot() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	s.Set(ctx, "greeting", "hello", time.Hour)
	s.DB(3).SAdd(ctx, "ids", "1", "2", "3")
	sn, _ := s.Snapshot(ctx) // the point-in-time copy
	s.Close()

	var file bytes.Buffer
	sn.WriteTo(&file) // encoding and writing need no owner
	fmt.Println(sn.Keys(), "keys")

	loaded, err := embedis.OpenSnapshot(&file, embedis.Options{})
	if err != nil {
		panic(err)
	}
	defer loaded.Close()
	v, _ := loaded.Get(ctx, "greeting")
	ttl, _ := loaded.TTL(ctx, "greeting")
	ids, _ := loaded.DB(3).SMembers(ctx, "ids")
	enc, _ := loaded.DB(3).ObjectEncoding(ctx, "ids")
	fmt.Println(v, ttl > 59*time.Minute, ids, enc)
	// Output:
	// 2 keys
	// hello true [1 2 3] intset
}

// A snapshot whose point in time is the end of an Atomic closure's turn (a
// durable store marks it in the same turn as it switches to a new log
// segment), written afterwards while the store goes on serving: a write
// after the turn is not in it.
func ExampleTx_StartSnapshot() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.Set(ctx, "counter", "1", 0)

	var sn *embedis.PendingSnapshot
	s.Atomic(ctx, func(tx *embedis.Tx) error {
		tx.Incr("counter")
		sn = tx.StartSnapshot() // counter is 2 in the snapshot
		return nil
	})
	defer sn.Close()       // abandons it if it is never written
	s.Incr(ctx, "counter") // 3 in the store, copied first for the snapshot

	var file bytes.Buffer
	if _, err := sn.WriteTo(&file); err != nil {
		panic(err)
	}
	loaded, err := embedis.OpenSnapshot(&file, embedis.Options{})
	if err != nil {
		panic(err)
	}
	defer loaded.Close()
	then, _ := loaded.Get(ctx, "counter")
	now, _ := s.Get(ctx, "counter")
	fmt.Println(then, now)
	// Output: 2 3
}

// A replica's full sync: the master's RDB file replaces the whole data set
// in one turn.
func ExampleStore_ReplaceFromSnapshot() {
	ctx := context.Background()
	master, _ := embedis.Open(embedis.Options{})
	defer master.Close()
	master.Set(ctx, "greeting", "hello", 0)
	var file bytes.Buffer
	master.WriteSnapshot(ctx, &file)

	replica, _ := embedis.Open(embedis.Options{})
	defer replica.Close()
	replica.Set(ctx, "stale", "x", 0)
	if err := replica.ReplaceFromSnapshot(ctx, &file); err != nil {
		panic(err)
	}
	keys, _ := replica.Keys(ctx, "*")
	fmt.Println(keys)
	// Output: [greeting]
}
