module github.com/embedis/embedis/compat

go 1.26.0

require (
	github.com/alexedwards/scs/v2 v2.8.0
	github.com/bsm/redislock v0.9.4
	github.com/embedis/embedis v0.0.0
	github.com/embedis/embedis/goredis v0.0.0
	github.com/embedis/embedis/gorillasessions v0.0.0
	github.com/go-redis/redis_rate/v10 v10.0.1
	github.com/go-redsync/redsync/v4 v4.18.1
	github.com/gorilla/sessions v1.4.0
	github.com/redis/go-redis/v9 v9.23.0
	github.com/redis/rueidis v1.0.80
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/gorilla/securecookie v1.1.2 // indirect
	github.com/klauspost/compress v1.18.0 // indirect
	github.com/yuin/gopher-lua v1.1.2 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)

replace github.com/embedis/embedis => ../

replace github.com/embedis/embedis/goredis => ../goredis

replace github.com/embedis/embedis/gorillasessions => ../gorillasessions
