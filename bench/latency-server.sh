#!/bin/sh
# latency-server.sh: the server side of BenchmarkLatencyStore's workload,
# embedis-server and redis-server in the same run. Each server gets KEYS keys
# with TTLs from 50 ms to 5 s (so active expiry runs throughout), then
# redis-benchmark (8 clients, --precision 3) runs GET, SET (with PX), INCR,
# ZADD and ZRANGE 0 9 against it and prints, per command, the p50, p99 and
# p99.9 in ms from its latency distribution.
#
#   bench/latency-server.sh                   (KEYS=1000000 N=200000)
#   KEYS=10000 N=2000 bench/latency-server.sh (a quick check)
set -eu
KEYS=${KEYS:-1000000}
N=${N:-200000}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

(cd "$here/.." && go build -o "$dir/embedis-server" ./cmd/embedis-server)
"$dir/embedis-server" --port 0 --unixsocket "$dir/embedis.sock" --dir "$dir" --save '' --appendonly no >"$dir/embedis.log" 2>&1 &
pids="$pids $!"
redis-server --port 0 --unixsocket "$dir/redis.sock" --save '' --appendonly no --dir "$dir" >"$dir/redis.log" 2>&1 &
pids="$pids $!"
for s in embedis redis; do
	i=0
	until redis-cli -s "$dir/$s.sock" ping >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "latency-server: $s did not start" >&2; cat "$dir/$s.log" >&2; exit 1; }
		sleep 0.1
	done
done

# p50 p99 p99.9 of one redis-benchmark run, from its percentile table
# ("50.000% <= 0.103 milliseconds (cumulative count …)").
percentiles() {
	awk '/% <= / { q = $1 + 0; v = $3
		if (!p50 && q >= 50) p50 = v
		if (!p99 && q >= 99) p99 = v
		if (!p999 && q >= 99.9) p999 = v }
	END { printf "p50 %s ms  p99 %s ms  p99.9 %s ms\n", p50, p99, p999 }'
}

for s in embedis redis; do
	sock="$dir/$s.sock"
	awk -v n="$KEYS" 'BEGIN { for (i = 0; i < n; i++) printf "SET ttl:%d 0123456789abcdef PX %d\n", i, 50 + (i % 100) * 50 }' |
		redis-cli -s "$sock" --pipe >/dev/null
	redis-cli -s "$sock" zadd board 1 m1 2 m2 3 m3 4 m4 5 m5 6 m6 7 m7 8 m8 9 m9 10 m10 >/dev/null
	for cmd in "GET ttl:__rand_int__" "SET ttl:__rand_int__ 0123456789abcdef PX 5000" "INCR counter:__rand_int__" \
		"ZADD board __rand_int__ m__rand_int__" "ZRANGE board 0 9"; do
		printf '%-8s %-46s ' "$s" "$cmd"
		# shellcheck disable=SC2086
		redis-benchmark -s "$sock" -c 8 -n "$N" -r "$KEYS" --precision 3 $cmd | percentiles
	done
done
