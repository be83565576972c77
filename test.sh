#!/usr/bin/env bash
# Runs every check of the project, as CI does: go vet, staticcheck, the whole
# test suite under the race detector (differential tests against a real
# redis-server included), and one pass over each benchmark so they cannot rot.
#
# It does its own set-up: when redis-server is missing it installs Debian's
# package (as root, or through sudo).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing redis-server (Debian package) for the differential tests"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq redis-server redis-tools >/dev/null
fi
redis-server --version

echo "== gofmt"
unformatted=$(gofmt -l . | grep -v '/testdata/' || true)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== staticcheck (unused code included) on the root module, goredis/, compat/, gorillasessions/ and bench/"
# A pinned version run through the module proxy, so nothing needs installing.
staticcheck() { go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...; }
staticcheck
(cd goredis && staticcheck)
(cd compat && staticcheck)
(cd gorillasessions && staticcheck)
if [ -d bench ]; then (cd bench && staticcheck); fi

echo "== build with the oldest Go that go.mod promises"
min_go=$(awk '/^go /{print $2}' go.mod)
GOTOOLCHAIN="go${min_go}.0" go build ./... && GOTOOLCHAIN="go${min_go}.0" go vet ./...

echo "== vet for a 32-bit platform (GOARCH=386: constants and conversions that overflow int)"
GOARCH=386 go vet ./...

# Suites that send commands one at a time to redis-server and to embedis
# (the root package's and the server's, over one connection) or measure the
# Go heap: the race detector has little to find in them and makes them 5-10
# times slower (the server's hostile-argument suite alone took minutes), so
# -race skips them and they run once, without it, in the differential stage
# below (which fails the run like any other). The server's concurrency has
# its own -race tests (race_test.go, admin_race_test.go, pub/sub, replicas).
norace='^(TestRedisDiffHostileArguments|TestRedisDiffCases|TestRDBRedisRoundTripRandom|TestRDBRedisDamagedFileRandom|TestMemoryEstimateMatchesHeap|TestSetEncodingMemory|TestDiffHostileArguments|TestDiffCases)$'

echo "== go test -race"
go test -race -count=1 -timeout 15m -skip "$norace" ./...

echo "== sorted-set model test at full size (2 million operations; -race runs a tenth)"
go test -count=1 -run 'TestModel' ./internal/zset

echo "== slow subscriber at full size (100 readers, 1 million messages; -race runs 20,000)"
go test -count=1 -run 'TestPubSubSlowSubscriber$' .

echo "== memory of 10,000 idle connections (without -race, whose instrumentation enlarges stacks)"
go test -count=1 -run 'TestIdleConnectionsMemory' ./server

echo "== differential suites against redis-server, and the suites -race skipped (summary)"
diff_out=$(mktemp)
if ! go test -count=1 -run "RedisDiff|^TestDiff|$norace" -v . ./server >"$diff_out" 2>&1; then
  # The failures first (the hostile suites log a line per command, which
  # would otherwise push them out of view), then the log lines of the tests
  # that failed, then the end of the output (a panic's trace is there).
  grep -E -- '--- FAIL|^FAIL|^panic' "$diff_out" | head -50
  echo "-- log lines of the failing tests:"
  awk '/^=== RUN/{buf=""} /_test.go:[0-9]+:/ && !/hostile_test.go:(102|155):/{buf=buf $0 "\n"} /--- FAIL/{printf "%s", buf; buf=""}' "$diff_out" | tail -150
  echo "-- end of the output:"
  tail -40 "$diff_out"
  rm -f "$diff_out"; exit 1
fi
grep -E 'differential suite:|hostile-argument suite:|compared' "$diff_out" || true
rm -f "$diff_out"

echo "== the typed helpers on real Redis (goredis module: conformance suites on redis-server and a Redis Cluster)"
(cd goredis && go vet ./... && go test -race -count=1 ./...)

echo "== real clients (compat module: go-redis against embedis-server; scs and gorilla/sessions on the session adapters)"
(cd gorillasessions && go vet ./... && go test -race -count=1 ./...)
(cd compat && go vet ./... && go test -race -count=1 ./...)

if [ -d bench ]; then
  echo "== benchmarks (one iteration each, with -short's small data sets, to keep them working)"
  (cd bench && go vet ./... && go test -short -count=1 -run '^$' -bench . -benchtime 1x ./...)
fi
