package workload

import "strings"

// Order says how the differential tests compare a command's reply.
type Order int

const (
	// Exact: the reply is deterministic and compared as it is.
	Exact Order = iota
	// Unordered: an array whose element order Redis leaves unspecified
	// (hash-table order): compared sorted.
	Unordered
	// UnorderedPairs: a flat array (RESP2) or map (RESP3) of field-value
	// pairs in hash-table order: compared as sorted pairs.
	UnorderedPairs
	// Random: Redis picks the elements at random: only the shape (null or
	// not, number of elements) is compared.
	Random
)

// OrderOf returns how replies of the named command are compared.
func OrderOf(cmd string) Order {
	switch strings.ToUpper(cmd) {
	case "KEYS", "SMEMBERS", "SINTER", "SUNION", "SDIFF", "HKEYS", "HVALS":
		return Unordered
	case "HGETALL":
		return UnorderedPairs
	case "SPOP", "SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER", "RANDOMKEY":
		return Random
	}
	return Exact
}
