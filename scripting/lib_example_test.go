package scripting_test

import (
	"context"
	"fmt"

	"github.com/embedis/embedis"
)

// Scripts have Redis's libraries: here a JSON document kept in a hash field
// is updated in place with cjson, atomically.
func Example_cjson() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()
	s.HSet(ctx, "user:1", "profile", `{"name":"ada","visits":41}`)

	const bump = `local doc = cjson.decode(redis.call('HGET', KEYS[1], 'profile'))
doc.visits = doc.visits + 1
redis.call('HSET', KEYS[1], 'profile', cjson.encode(doc))
return doc.visits`
	n, err := s.Eval(ctx, bump, []string{"user:1"})
	fmt.Println(n, err)
	_, err = s.Eval(ctx, "return cjson.decode('{\"name\":')", nil)
	fmt.Println(err)
	// Output:
	// 42 <nil>
	// ERR user_script:1: Expected value but found T_END at character 9 script: beb017e0ad953d0a67fee3e72542ef377f8748ac, on @user_script:1.
}

// cmsgpack packs Lua values into MessagePack and back; struct packs binary
// records; bit does 32-bit arithmetic.
func Example_cmsgpackStructBit() {
	ctx := context.Background()
	s, _ := embedis.Open(embedis.Options{})
	defer s.Close()

	v, err := s.Eval(ctx, `local packed = cmsgpack.pack({1, 'two', {3}})
local t = cmsgpack.unpack(packed)
return {#packed, t[2], t[3][1],
	struct.unpack('>I2', struct.pack('>I2', 513)),
	bit.band(0xff00, 0x0ff0), bit.tohex(bit.lshift(1, 31))}`, nil)
	fmt.Println(v, err)
	// Output:
	// [8 two 3 513 3840 80000000] <nil>
}
