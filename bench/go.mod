module github.com/embedis/embedis/bench

go 1.26.0

require (
	github.com/alicebob/miniredis/v2 v2.40.0
	github.com/embedis/embedis v0.0.0
	github.com/embedis/embedis/goredis v0.0.0
	github.com/huandu/skiplist v1.2.1
	github.com/klauspost/compress v1.18.0
	github.com/redis/go-redis/v9 v9.23.0
)

require (
	github.com/alexedwards/scs/v2 v2.8.0
	github.com/bsm/redislock v0.9.4
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/go-redis/redis_rate/v10 v10.0.1
	github.com/maypok86/otter/v2 v2.4.0
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/time v0.16.0
)

replace github.com/embedis/embedis => ../

replace github.com/embedis/embedis/goredis => ../goredis
