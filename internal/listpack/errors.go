package listpack

import "errors"

// The ways Check and Iter.Next find a listpack broken. The texts say what is
// wrong; callers add where (internal/rdb wraps them with the file offset).
var (
	ErrShort         = errors.New("listpack shorter than its header")
	ErrSizeMismatch  = errors.New("listpack size in its header does not match its length")
	ErrNoTerminator  = errors.New("listpack does not end with its terminator")
	ErrCountMismatch = errors.New("listpack element count does not match its header")
	ErrPastEnd       = errors.New("listpack entry runs past its end")
	ErrEarlyEnd      = errors.New("listpack terminator before its end")
	ErrEncoding      = errors.New("listpack entry with an invalid encoding")
	ErrBacklen       = errors.New("listpack entry back-length does not match")
)
