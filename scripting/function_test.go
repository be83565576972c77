package scripting_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/embedis/embedis"
)

const testLib = "#!lua name=mylib\n" +
	"redis.register_function('incr', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n" +
	"redis.register_function{function_name='get', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}\n" +
	"redis.register_function{function_name='roset', callback=function(keys) return redis.call('SET', keys[1], 'x') end, flags={'no-writes'}}\n" +
	"redis.register_function{function_name='oomset', callback=function(keys) return redis.call('SET', keys[1], 'x') end, flags={'allow-oom'}}\n"

// TestFunctionLoadAndCall loads a library and calls its functions with
// FCall and FCallRO, with the flags' refusals.
func TestFunctionLoadAndCall(t *testing.T) {
	s := open(t, embedis.Options{})
	name, err := s.FunctionLoad(ctx, testLib, false)
	if err != nil || name != "mylib" {
		t.Fatalf("FunctionLoad = %q, %v", name, err)
	}
	if _, err := s.FunctionLoad(ctx, testLib, false); !errors.Is(err, embedis.ErrLibraryExists) || err.Error() != "ERR Library 'mylib' already exists" {
		t.Errorf("second load: %v", err)
	}
	if _, err := s.FunctionLoad(ctx, testLib, true); err != nil {
		t.Errorf("load REPLACE: %v", err)
	}
	if v, err := s.FCall(ctx, "incr", []string{"n"}, "5"); err != nil || v != int64(5) {
		t.Errorf("FCall incr = %#v, %v", v, err)
	}
	if v, err := s.FCall(ctx, "INCR", []string{"n"}, "1"); err != nil || v != int64(6) {
		t.Errorf("FCall INCR (any case) = %#v, %v", v, err)
	}
	if v, err := s.FCallRO(ctx, "get", []string{"n"}); err != nil || v != "6" {
		t.Errorf("FCallRO get = %#v, %v", v, err)
	}
	if _, err := s.FCallRO(ctx, "incr", []string{"n"}, "1"); !errors.Is(err, embedis.ErrFunctionWriteFlag) {
		t.Errorf("FCallRO of a writing function: %v", err)
	}
	if _, err := s.FCall(ctx, "roset", []string{"k"}); !errors.Is(err, embedis.ErrScript) ||
		err.Error() != "ERR Write commands are not allowed from read-only scripts. script: roset, on @user_function:4." {
		t.Errorf("no-writes function writing: %v", err)
	}
	if _, err := s.FCall(ctx, "nosuch", nil); !errors.Is(err, embedis.ErrFunctionNotFound) {
		t.Errorf("FCall nosuch: %v", err)
	}
	libs, err := s.FunctionList(ctx, embedis.FunctionListArgs{WithCode: true})
	if err != nil || len(libs) != 1 || libs[0].Name != "mylib" || libs[0].Code != testLib || len(libs[0].Functions) != 4 {
		t.Fatalf("FunctionList = %+v, %v", libs, err)
	}
	if f := libs[0].Functions[0]; f.Name != "get" || f.Description != "reads" || !f.HasDescription || !reflect.DeepEqual(f.Flags, []string{"no-writes"}) {
		t.Errorf("function get listed as %+v", f)
	}
	if st, err := s.FunctionStats(ctx); err != nil || st != (embedis.FunctionStats{Libraries: 1, Functions: 4}) {
		t.Errorf("FunctionStats = %+v, %v", st, err)
	}
	if err := s.FunctionDelete(ctx, "mylib"); err != nil {
		t.Fatal(err)
	}
	if err := s.FunctionDelete(ctx, "mylib"); !errors.Is(err, embedis.ErrLibraryNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := s.FCall(ctx, "incr", []string{"n"}, "1"); !errors.Is(err, embedis.ErrFunctionNotFound) {
		t.Errorf("FCall after delete: %v", err)
	}
}

// TestFunctionLoadErrors checks the loader's errors are typed.
func TestFunctionLoadErrors(t *testing.T) {
	s := open(t, embedis.Options{})
	for _, c := range []struct {
		code string
		kind error
		text string
	}{
		{"return 1", embedis.ErrFunctionNoMetadata, "ERR Missing library metadata"},
		{"#!lua name=x", embedis.ErrFunctionBadMetadata, "ERR Invalid library metadata"},
		{"#!lua name=x y=z\n", embedis.ErrFunctionMetadataValue, "ERR Invalid metadata value given: y=z"},
		{"#!js name=x\n", embedis.ErrFunctionEngine, "ERR Engine 'js' not found"},
		{"#!lua name=x\nreturn 1", embedis.ErrNoFunctions, "ERR No functions registered"},
		{"#!lua name=x\nlocal", embedis.ErrFunctionLoad, "ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'"},
		{"#!lua name=x\nredis.register_function('a b', function() end)", embedis.ErrFunctionLoad,
			"ERR Error registering functions: ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"},
		{"#!lua name=x\n\nredis.call('GET', 'k')", embedis.ErrFunctionLoad,
			"ERR Error registering functions: ERR user_function:3: Script attempted to access nonexistent global variable 'call'"},
	} {
		_, err := s.FunctionLoad(ctx, c.code, false)
		if !errors.Is(err, c.kind) || err.Error() != c.text {
			t.Errorf("FunctionLoad(%q) = %v, want %q", c.code, err, c.text)
		}
	}
	if libs, _ := s.FunctionList(ctx, embedis.FunctionListArgs{}); len(libs) != 0 {
		t.Errorf("failed loads left %v", libs)
	}
}

// TestFunctionOOM checks that over maxmemory with nothing to evict a
// function that may write is refused, and one flagged allow-oom or
// no-writes runs.
func TestFunctionOOM(t *testing.T) {
	s := open(t, embedis.Options{})
	if _, err := s.FunctionLoad(ctx, testLib, false); err != nil {
		t.Fatal(err)
	}
	s.Set(ctx, "k", "v", 0)
	c := embedis.DefaultEviction()
	c.MaxMemory, c.Policy = 1, embedis.PolicyNoEviction
	if err := s.ConfigureEviction(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FCall(ctx, "incr", []string{"n"}, "1"); !errors.Is(err, embedis.ErrOOM) {
		t.Errorf("FCall of a writing function over maxmemory: %v", err)
	}
	if v, err := s.FCall(ctx, "get", []string{"k"}); err != nil || v != "v" {
		t.Errorf("no-writes function over maxmemory: %v, %v", v, err)
	}
	if v, err := s.FCall(ctx, "oomset", []string{"k2"}); err != nil || v != "OK" {
		t.Errorf("allow-oom function over maxmemory: %v, %v", v, err)
	}
	if _, err := s.Eval(ctx, "return redis.call('SET', 'k3', 'x')", nil); err == nil || !strings.Contains(err.Error(), "OOM") {
		t.Errorf("a script's SET over maxmemory: %v", err)
	}
}

// TestFunctionEffectsReplay checks that FUNCTION LOAD, DELETE, RESTORE and
// FLUSH are in the write-effect stream, and FCALL as the commands it ran:
// replaying the stream on another store gives the same libraries and keys.
func TestFunctionEffectsReplay(t *testing.T) {
	var units [][][]string
	s := open(t, embedis.Options{OnEffects: func(u [][]string) { units = append(units, u) }})
	if _, err := s.FunctionLoad(ctx, testLib, false); err != nil {
		t.Fatal(err)
	}
	other := "#!lua name=other\nredis.register_function('o', function() return 1 end)"
	if _, err := s.FunctionLoad(ctx, other, false); err != nil {
		t.Fatal(err)
	}
	dump, err := s.FunctionDump(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FCall(ctx, "incr", []string{"n"}, "3"); err != nil {
		t.Fatal(err)
	}
	if err := s.FunctionFlush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.FunctionRestore(ctx, dump, embedis.FunctionRestoreAppend); err != nil {
		t.Fatal(err)
	}
	if err := s.FunctionDelete(ctx, "other"); err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, u := range units {
		for _, c := range u {
			cmds = append(cmds, c[0]+" "+c[1])
		}
	}
	want := []string{"SELECT 0", "FUNCTION LOAD", "FUNCTION LOAD", "INCRBY n", "FUNCTION FLUSH", "FUNCTION RESTORE", "FUNCTION DELETE"}
	if !reflect.DeepEqual(cmds, want) {
		t.Errorf("effects %q, want %q", cmds, want)
	}
	replica := open(t, embedis.Options{})
	if err := replica.Apply(ctx, units...); err != nil {
		t.Fatal(err)
	}
	l1, _ := s.FunctionList(ctx, embedis.FunctionListArgs{WithCode: true})
	l2, _ := replica.FunctionList(ctx, embedis.FunctionListArgs{WithCode: true})
	if !reflect.DeepEqual(l1, l2) || len(l1) != 1 {
		t.Errorf("replica's libraries %+v, want %+v", l2, l1)
	}
	if v, _ := replica.Get(ctx, "n"); v != "3" {
		t.Errorf("replica n = %q", v)
	}
}

// TestFunctionDumpRestore checks RESTORE's policies and that a failed
// restore changes nothing.
func TestFunctionDumpRestore(t *testing.T) {
	s := open(t, embedis.Options{})
	if _, err := s.FunctionLoad(ctx, testLib, false); err != nil {
		t.Fatal(err)
	}
	dump, _ := s.FunctionDump(ctx)
	if err := s.FunctionRestore(ctx, dump, embedis.FunctionRestoreAppend); !errors.Is(err, embedis.ErrLibraryExists) || err.Error() != "ERR Library mylib already exists" {
		t.Errorf("APPEND of an existing library: %v", err)
	}
	if err := s.FunctionRestore(ctx, dump, embedis.FunctionRestoreReplace); err != nil {
		t.Errorf("REPLACE: %v", err)
	}
	if err := s.FunctionRestore(ctx, dump[:len(dump)-1]+"x", embedis.FunctionRestoreReplace); !errors.Is(err, embedis.ErrDumpPayload) {
		t.Errorf("bad checksum: %v", err)
	}
	// A library of another name with a function of the same name: the
	// restore fails, the old library stays.
	s2 := open(t, embedis.Options{})
	if _, err := s2.FunctionLoad(ctx, "#!lua name=clash\nredis.register_function('incr', function() return 0 end)", false); err != nil {
		t.Fatal(err)
	}
	if err := s2.FunctionRestore(ctx, dump, embedis.FunctionRestoreReplace); !errors.Is(err, embedis.ErrFunctionExists) || err.Error() != "ERR Function incr already exists" {
		t.Errorf("function clash: %v", err)
	}
	if v, err := s2.FCall(ctx, "incr", nil); err != nil || v != int64(0) {
		t.Errorf("after the failed restore: %v, %v", v, err)
	}
	if err := s2.FunctionRestore(ctx, dump, embedis.FunctionRestoreFlush); err != nil {
		t.Fatal(err)
	}
	if libs, _ := s2.FunctionList(ctx, embedis.FunctionListArgs{}); len(libs) != 1 || libs[0].Name != "mylib" {
		t.Errorf("after FLUSH restore: %+v", libs)
	}
}

// TestFunctionLoadTimeout checks that a library whose code runs too long
// fails with Redis's timeout.
func TestFunctionLoadTimeout(t *testing.T) {
	s := open(t, embedis.Options{})
	_, err := s.FunctionLoad(ctx, "#!lua name=slow\nwhile true do end", false)
	if !errors.Is(err, embedis.ErrFunctionLoad) || err.Error() != "ERR Error registering functions: ERR FUNCTION LOAD timeout" {
		t.Errorf("endless load: %v", err)
	}
	// The state is usable afterwards.
	if _, err := s.FunctionLoad(ctx, testLib, false); err != nil {
		t.Fatal(err)
	}
	if v, err := s.FCall(ctx, "incr", []string{"n"}, "2"); err != nil || v != int64(2) {
		t.Errorf("after a timeout: %v, %v", v, err)
	}
}
