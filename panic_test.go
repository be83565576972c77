package embedis_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedis/embedis"
	"github.com/embedis/embedis/embedistest"
)

// What a caller sees when a command panics (the policy is in the package
// documentation): the call returns a *PanicError, the store stops, every
// later call returns the same error (matching ErrClosed), the partial unit
// never reaches OnEffects, blocked callers are woken with the error, and the
// caller's process goes on.
func TestCommandPanicStopsTheStore(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	var units [][][]string
	s, err := embedis.Open(embedis.Options{OnEffects: func(u [][]string) {
		mu.Lock()
		units = append(units, u)
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Set(ctx, "kept", "1", 0); err != nil {
		t.Fatal(err)
	}
	if err := embedis.PlantPanickingValue(s, "bad"); err != nil {
		t.Fatal(err)
	}

	// A caller blocked on a list when the store stops is woken.
	blocked := make(chan error, 1)
	go func() {
		_, _, err := s.BLPop(ctx, "queue")
		blocked <- err
	}()
	for {
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Blocked == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}

	mu.Lock()
	before := len(units)
	mu.Unlock()
	// One unit writes, then a command in it panics.
	err = s.Atomic(ctx, func(tx *embedis.Tx) error {
		if err := tx.Set("partial", "x", 0); err != nil {
			return err
		}
		_, err := tx.Type("bad")
		return err
	})
	var pe *embedis.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("Atomic with a panicking command = %v, want a *PanicError", err)
	}
	if !errors.Is(err, embedis.ErrClosed) || !strings.Contains(pe.Error(), "damaged value") || len(pe.Stack) == 0 {
		t.Fatalf("PanicError = %v (stack %d bytes)", err, len(pe.Stack))
	}
	mu.Lock()
	after := len(units)
	mu.Unlock()
	if after != before {
		t.Fatalf("the failed unit reached OnEffects: %q", units[before:])
	}
	if err := <-blocked; !errors.Is(err, pe) {
		t.Fatalf("blocked BLPop woke with %v, want the PanicError", err)
	}
	// Every later call, on any handle and any path, returns the same error.
	if _, err := s.Get(ctx, "kept"); err != pe {
		t.Fatalf("Get after the panic = %v", err)
	}
	if _, err := s.DB(2).Do(ctx, "PING"); err != pe {
		t.Fatalf("Do on another handle = %v", err)
	}
	p := s.Pipeline()
	p.Get("kept")
	if err := p.Exec(ctx); err != pe {
		t.Fatalf("Pipeline.Exec = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
}

// A panic in a generated Store method and in Store.Do stops the store too.
func TestCommandPanicThroughStoreMethods(t *testing.T) {
	ctx := context.Background()
	for _, call := range []struct {
		name string
		run  func(s *embedis.Store) error
	}{
		{"Type", func(s *embedis.Store) error { _, err := s.Type(ctx, "bad"); return err }},
		{"Do COPY", func(s *embedis.Store) error { _, err := s.Do(ctx, "COPY", "bad", "x"); return err }},
		{"Pipeline", func(s *embedis.Store) error {
			p := s.Pipeline()
			p.Type("bad")
			return p.Exec(ctx)
		}},
	} {
		s, err := embedis.Open(embedis.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := embedis.PlantPanickingValue(s, "bad"); err != nil {
			t.Fatal(err)
		}
		err = call.run(s)
		var pe *embedis.PanicError
		if !errors.As(err, &pe) {
			t.Fatalf("%s = %v, want a *PanicError", call.name, err)
		}
		if _, err := s.Exists(ctx, "bad"); err != pe {
			t.Fatalf("%s: later call = %v", call.name, err)
		}
		s.Close()
	}
}

// A panic in the caller's own Atomic closure is the caller's: the role is
// released, the panic goes on in the caller, and the store keeps working.
func TestClosurePanicIsTheCallers(t *testing.T) {
	ctx := context.Background()
	s, err := embedis.Open(embedis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := func() (r any) {
		defer func() { r = recover() }()
		s.Atomic(ctx, func(tx *embedis.Tx) error {
			tx.Set("a", "1", 0)
			var m map[string]int
			//lint:ignore SA5000 the caller's bug, on purpose: a runtime panic in the closure
			m["x"] = 1
			return nil
		})
		return nil
	}()
	if got == nil {
		t.Fatal("the closure's panic did not reach the caller")
	}
	if v, err := s.Get(ctx, "a"); err != nil || v != "1" {
		t.Fatalf("after the closure's panic: %q, %v", v, err)
	}
}

// Over the wire, a command that panics answers an error, the connection
// ends, and the server process goes on answering (with the error) instead
// of dying.
func TestCommandPanicOverTheWire(t *testing.T) {
	srv := embedistest.Run(t)
	if err := embedis.PlantPanickingValue(srv.Store, "bad"); err != nil {
		t.Fatal(err)
	}
	send := func(cmd string) string {
		c, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := c.Write([]byte(cmd)); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 4096)
		n, _ := c.Read(buf)
		return string(buf[:n])
	}
	if r := send("TYPE bad\r\n"); !strings.HasPrefix(r, "-ERR ") || !strings.Contains(r, "panicked") {
		t.Fatalf("TYPE of a damaged value = %q", r)
	}
	if r := send("PING\r\n"); !strings.HasPrefix(r, "-ERR ") || !strings.Contains(r, "panicked") {
		t.Fatalf("PING after the panic = %q", r)
	}
}
