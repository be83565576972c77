package embedis_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
	_ "github.com/embedis/embedis/scripting" // links the Lua VM: FUNCTION, FCALL
)

// A library of functions is loaded once and its functions called by name,
// as with Redis 7.0's FUNCTION LOAD and FCALL; a function registered with
// the no-writes flag may be called with FCallRO.
func ExampleStore_FCall() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	const lib = `#!lua name=counters
redis.register_function('bump', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}`
	name, err := s.FunctionLoad(ctx, lib, false)
	fmt.Println(name, err)
	n, err := s.FCall(ctx, "bump", []string{"hits"}, "5")
	fmt.Println(n, err)
	v, err := s.FCallRO(ctx, "peek", []string{"hits"})
	fmt.Println(v, err)
	_, err = s.FCallRO(ctx, "bump", []string{"hits"}, "1")
	fmt.Println(err)
	// Output:
	// counters <nil>
	// 5 <nil>
	// 5 <nil>
	// ERR Can not execute a script with write flag using *_ro command.
}

// FunctionDump and FunctionRestore move libraries between stores (and to
// and from redis-server, whose payload format they share).
func ExampleStore_FunctionDump() {
	ctx := context.Background()
	a, _ := embedis.Open(embedis.Options{})
	defer a.Close()
	b, _ := embedis.Open(embedis.Options{})
	defer b.Close()

	a.FunctionLoad(ctx, "#!lua name=hello\nredis.register_function('hi', function() return 'hi' end)", false)
	payload, _ := a.FunctionDump(ctx)
	fmt.Println(b.FunctionRestore(ctx, payload, embedis.FunctionRestoreAppend))
	libs, _ := b.FunctionList(ctx, embedis.FunctionListArgs{})
	fmt.Println(libs[0].Name, libs[0].Functions[0].Name)
	// Output:
	// <nil>
	// hello hi
}
