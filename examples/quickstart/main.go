// Command quickstart shows embedis's main calls: strings and counters, keys
// with time to live, a pipeline, an atomic closure, and raw commands.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/embedis/embedis"
)

func main() {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{}) // in memory, 16 databases
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	// Strings and counters.
	if err := s.Set(ctx, "greeting", "hello", 0); err != nil {
		log.Fatal(err)
	}
	greeting, _ := s.Get(ctx, "greeting")
	s.Incr(ctx, "visits")
	visits, _ := s.IncrBy(ctx, "visits", 41)
	fmt.Println(greeting, "visit number", visits)

	// A missing key is ErrNotFound, where Redis replies nil.
	if _, err := s.Get(ctx, "nobody"); errors.Is(err, embedis.ErrNotFound) {
		fmt.Println("nobody: not found")
	}

	// Keys with a time to live.
	s.Set(ctx, "session:42", "alice", 30*time.Minute)
	ttl, _ := s.TTL(ctx, "session:42")
	fmt.Println("session:42 expires in", ttl)

	// Bad input is a typed error, and the value is left alone.
	if _, err := s.Incr(ctx, "greeting"); errors.Is(err, embedis.ErrNotInteger) {
		fmt.Println("INCR greeting:", err)
	}

	// Many commands in one turn.
	p := s.Pipeline()
	a := p.Incr("page:home")
	b := p.Incr("page:about")
	if err := p.Exec(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("pages:", a.Val(), b.Val())

	// A read-modify-write no other caller can interleave with.
	err = s.Atomic(ctx, func(tx *embedis.Tx) error {
		if _, err := tx.SetNX("stock", "10", 0); err != nil {
			return err
		}
		left, err := tx.Decr("stock")
		if err != nil {
			return err
		}
		if left < 0 {
			return errors.New("sold out") // no rollback: check before writing in real code
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	stock, _ := s.Get(ctx, "stock")
	fmt.Println("stock after:", stock)

	// Any command by its Redis arguments.
	reply, err := s.Do(ctx, "SET", "color", "blue", "GET")
	fmt.Printf("SET color blue GET -> %v (%v)\n", reply, err)

	// Database 1.
	db1 := s.DB(1)
	db1.Set(ctx, "greeting", "hallo", 0)
	g1, _ := db1.Get(ctx, "greeting")
	fmt.Println("db 1 greeting:", g1)
}
