//go:build race

package zset

// The race detector slows the model test about tenfold and the package has
// no concurrency to check: under -race the model test runs a tenth of its
// operations (test.sh also runs it in full without -race).
const raceEnabled = true
