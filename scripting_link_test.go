package embedis_test

// The package's tests run with scripting linked, so that the differential
// cases of EVAL and SCRIPT (internal/workload/script.go) run on the Store as
// on redis-server.
import _ "github.com/embedis/embedis/scripting"
