package workload

// MEMORY: the replies that do not depend on how many bytes a value takes
// (embedis's estimate is its own, not redis-server's): a missing key, the
// arity and syntax errors, HELP and an unknown subcommand.

func init() { RegisterCases("memory", MemoryCases) }

// MemoryCases returns the cases of MEMORY.
func MemoryCases() [][]string {
	return [][]string{
		{"SET", "foo", "bar"},
		{"MEMORY", "USAGE", "nokey"},
		{"MEMORY", "USAGE", "nokey", "SAMPLES", "0"},
		{"MEMORY", "USAGE", "nokey", "samples", "7", "SAMPLES", "2"},
		{"MEMORY", "USAGE", "foo", "SAMPLES"},
		{"MEMORY", "USAGE", "foo", "SAMPLES", "-1"},
		{"MEMORY", "USAGE", "nokey", "SAMPLES", "x"},
		{"MEMORY", "USAGE", "foo", "SAMPLES", "99999999999999999999"},
		{"MEMORY", "USAGE", "foo", "bar", "1"},
		{"MEMORY", "USAGE"},
		{"MEMORY"},
		{"MEMORY", "foo"},
		{"MEMORY", "HELP"},
		{"MEMORY", "HELP", "x"},
		{"MEMORY", "help"},
	}
}
