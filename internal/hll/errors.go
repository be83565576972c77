package hll

import "errors"

// ErrSelfTest is what SelfTest returns, wrapped with what failed.
var ErrSelfTest = errors.New("TESTFAILED")
