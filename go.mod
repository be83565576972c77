module github.com/embedis/embedis

go 1.23

require (
	github.com/klauspost/compress v1.18.0
	// Lua 5.1 in Go, for scripting (EVAL, EVALSHA, SCRIPT): imported by
	// package scripting only, so programs that never script do not link it.
	github.com/yuin/gopher-lua v1.1.2
)
