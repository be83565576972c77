package scripting_test

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/embedis/embedis"
)

// runBusy starts script in the background on s and waits until the store
// is busy with it (another caller gets ErrBusy). It returns the channel the
// script's error arrives on.
func runBusy(t *testing.T, s *embedis.Store, script string, keys ...string) <-chan error {
	t.Helper()
	return runBusyAfter(t, s, time.Millisecond, script, keys...)
}

// runBusyAfter is runBusy with a busy threshold of its own.
func runBusyAfter(t *testing.T, s *embedis.Store, threshold time.Duration, script string, keys ...string) <-chan error {
	t.Helper()
	s.SetBusyReplyThreshold(threshold)
	done := make(chan error, 1)
	go func() {
		_, err := s.Eval(ctx, script, keys)
		done <- err
	}()
	// Should the test fail with the script running, stop it before the
	// store is closed (Close waits for it).
	t.Cleanup(func() { s.ScriptKill(ctx) })
	for {
		_, err := s.Get(ctx, "probe")
		if errors.Is(err, embedis.ErrBusy) {
			return done
		}
		if err != nil && err != embedis.ErrNotFound {
			t.Fatalf("Get while waiting for busy: %v", err)
		}
		select {
		case err := <-done:
			t.Fatalf("script ended before it was busy: %v", err)
		default:
		}
		time.Sleep(time.Millisecond)
	}
}

var killedText = regexp.MustCompile(`^ERR Script killed by user with SCRIPT KILL\.\.\. script: [0-9a-f]{40}, on @user_script:1\.$`)

// TestBusyScriptKill: past the threshold other callers get ErrBusy with
// Redis's text, SCRIPT KILL stops a script that has not written, and the
// script fails with Redis's killed text; the store then serves again.
func TestBusyScriptKill(t *testing.T) {
	s := open(t, embedis.Options{})
	done := runBusy(t, s, "local i = 0 while true do i = i + 1 end")
	_, err := s.Get(ctx, "k")
	if err == nil || err.Error() != "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE." {
		t.Fatalf("Get while busy: %v", err)
	}
	if _, err := s.Do(ctx, "SET", "k", "v"); !errors.Is(err, embedis.ErrBusy) {
		t.Fatalf("Do while busy: %v", err)
	}
	if err := s.Atomic(ctx, func(*embedis.Tx) error { return nil }); !errors.Is(err, embedis.ErrBusy) {
		t.Fatalf("Atomic while busy: %v", err)
	}
	if err := s.FunctionKill(ctx); err != embedis.ErrBusy {
		t.Fatalf("FunctionKill of an EVAL script = %v, want ErrBusy", err)
	}
	if err := s.ScriptKill(ctx); err != nil {
		t.Fatalf("ScriptKill: %v", err)
	}
	err = <-done
	if !errors.Is(err, embedis.ErrScriptKilled) || !killedText.MatchString(err.Error()) {
		t.Fatalf("killed script's error = %v", err)
	}
	if err := s.ScriptKill(ctx); err != embedis.ErrNotBusy {
		t.Fatalf("ScriptKill with none running = %v", err)
	}
	if err := s.Set(ctx, "k", "v", 0); err != nil {
		t.Fatalf("Set after the kill: %v", err)
	}
}

// TestBusyKillCannotBeCaught: a script that catches errors with pcall in a
// loop is stopped all the same.
func TestBusyKillCannotBeCaught(t *testing.T) {
	s := open(t, embedis.Options{})
	done := runBusy(t, s, "while true do pcall(function() while true do end end) end")
	if err := s.ScriptKill(ctx); err != nil {
		t.Fatalf("ScriptKill: %v", err)
	}
	if err := <-done; !errors.Is(err, embedis.ErrScriptKilled) {
		t.Fatalf("killed script's error = %v", err)
	}
}

// untilMs is a script body that loops for about ms milliseconds of the
// server's time, so that it ends by itself without any other caller.
func untilMs(ms int) string {
	return `local t = redis.call('TIME')
local stop = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ` + itoa(ms) + `
repeat t = redis.call('TIME') until tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) >= stop
`
}

// TestBusyUnkillable: a script that has written cannot be killed; it runs
// to its end and its writes stay.
func TestBusyUnkillable(t *testing.T) {
	s := open(t, embedis.Options{})
	// The threshold leaves the script time to write before the store is
	// busy (1 ms could pass before its first line on a loaded machine under
	// -race, and a script killed before it wrote is killable).
	done := runBusyAfter(t, s, 200*time.Millisecond, "redis.call('SET', KEYS[1], 'x')\n"+untilMs(1500)+"return 'finished'", "k")
	err := s.ScriptKill(ctx)
	if err != embedis.ErrUnkillable || err.Error() != "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command." {
		t.Fatalf("ScriptKill of a script that wrote = %v", err)
	}
	if err := s.FunctionKill(ctx); err != embedis.ErrUnkillable {
		t.Fatalf("FunctionKill of a script that wrote = %v", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the unkillable script failed: %v", err)
	}
	if v, err := s.Get(ctx, "k"); err != nil || v != "x" {
		t.Fatalf("its write: %q, %v", v, err)
	}
}

// TestBusyWaitWhenBusy: a caller whose context is made by WaitWhenBusy
// waits through the busy script and runs after it.
func TestBusyWaitWhenBusy(t *testing.T) {
	s := open(t, embedis.Options{})
	done := runBusy(t, s, "while true do end")
	served := make(chan error, 1)
	go func() { served <- s.Set(embedis.WaitWhenBusy(ctx), "after", "1", 0) }()
	if err := s.ScriptKill(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, embedis.ErrScriptKilled) {
		t.Fatalf("script: %v", err)
	}
	if err := <-served; err != nil {
		t.Fatalf("the waiting caller: %v", err)
	}
	if v, _ := s.Get(ctx, "after"); v != "1" {
		t.Fatalf("after = %q", v)
	}
}

// TestBusyThresholdNever: with the threshold at zero (Redis's 0: never) a
// long script is never busy; callers wait for it, and SCRIPT KILL waits for
// it to end and finds none running.
func TestBusyThresholdNever(t *testing.T) {
	s := open(t, embedis.Options{})
	if s.BusyReplyThreshold() != embedis.DefaultBusyReplyThreshold {
		t.Fatalf("default threshold %v", s.BusyReplyThreshold())
	}
	s.SetBusyReplyThreshold(0)
	started := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		close(started)
		_, err := s.Eval(ctx, untilMs(100)+"return 1", nil)
		done <- err
	}()
	<-started
	if err := s.Set(ctx, "k", "v", 0); err != nil {
		t.Fatalf("Set with the threshold at never: %v", err)
	}
	if err := s.ScriptKill(ctx); err != embedis.ErrNotBusy {
		t.Fatalf("ScriptKill = %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestScriptCallerContext: a script whose caller's context ends before it
// has written stops, and the call returns the context's error; one that
// has written runs to its end.
func TestScriptCallerContext(t *testing.T) {
	s := open(t, embedis.Options{})
	s.SetBusyReplyThreshold(0)
	c, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	_, err := s.Eval(c, "while true do end", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Eval past its deadline = %v", err)
	}
	c, cancel = context.WithCancel(ctx)
	go func() {
		// Whether the script has started or not when the context is
		// cancelled, the call ends with the context's error.
		time.Sleep(5 * time.Millisecond)
		cancel()
	}()
	_, err = s.Eval(c, "while true do end", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Eval cancelled = %v", err)
	}
	// A script that wrote is left to finish, its context ended or not.
	c, cancel = context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	got, err := s.Eval(c, "redis.call('SET', KEYS[1], 'w')\n"+untilMs(100)+"return 'done'", []string{"w"})
	if err != nil || got != "done" {
		t.Fatalf("a script that wrote, its context ended: %v, %v", got, err)
	}
	if v, _ := s.Get(ctx, "w"); v != "w" {
		t.Fatalf("w = %q", v)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
