//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package server

import "time"

// cpuTimes returns zeros where getrusage is not available.
func cpuTimes() (sys, user time.Duration) { return 0, 0 }
