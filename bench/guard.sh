#!/bin/sh
# guard.sh: rerun the headline benchmarks that BENCHMARKS.md quotes and
# compare them with the figures of the last recorded run, row by row.
#
#   bench/guard.sh            run, print old / new / new÷old per row
#   bench/guard.sh --save     run and record the figures as the new baseline
#
# The baseline is bench/guard-baseline.txt, next to BENCHMARKS.md's sources:
# the raw `go test -bench` output of the run that produced BENCHMARKS.md's
# tables (the lead records it with --save on the quiet machine, together
# with the tables). The comparison uses the median of COUNT samples
# (default 3) of each row on both sides, for ns/op, B/op and allocs/op.
#
# It never fails on time: ratios are for a developer to read before and after
# a change, on the same machine, quiet. It exits non-zero only when the
# benchmarks themselves fail.
#
# Environment: COUNT (samples, default 3), BENCHTIME (default 1s),
# GUARD_BENCH (a -bench pattern replacing the list below).
set -eu
cd "$(dirname "$0")"

# The headline rows (BENCHMARKS.md's sections: Store against its peers, the
# sorted sets): the embedded Store's GET/SET/INCR single, 8 callers and in a
# reused 100-command Pipeline with the mutex-map floor, and sorted-set
# updates, ranks and ranges against miniredis. One -bench pattern a line: a
# benchmark with fewer levels than its pattern is not reported.
HEADLINE='^(BenchmarkGet|BenchmarkSet|BenchmarkIncr)$/^(embedis|mutexmap|miniredis)$/^(1|8)$
^(BenchmarkGet|BenchmarkSet|BenchmarkIncr)$/^embedis-pipeline100$
^BenchmarkZSet$/^(ZADD|ZINCRBY|ZRANK|ZRANGE-top10)$/.*/^(embedis|miniredis)$'

COUNT=${COUNT:-3}
BENCHTIME=${BENCHTIME:-1s}
BASELINE=guard-baseline.txt
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT

if [ -n "${GUARD_BENCH:-}" ]; then
	patterns=$GUARD_BENCH
else
	patterns=$HEADLINE
fi
echo "$patterns" | while IFS= read -r p; do
	[ -n "$p" ] || continue
	go test -run '^$' -bench "$p" -benchmem -count "$COUNT" -benchtime "$BENCHTIME" . >>"$OUT"
done
if ! grep -q '^Benchmark' "$OUT"; then
	echo "guard: no benchmark ran" >&2
	exit 1
fi

if [ "${1:-}" = "--save" ]; then
	cp "$OUT" "$BASELINE"
	echo "guard: baseline written to bench/$BASELINE"
	exit 0
fi
if [ ! -f "$BASELINE" ]; then
	echo "guard: no bench/$BASELINE yet (record one with --save); this run:" >&2
	: >"$BASELINE.missing"
	set -- "$BASELINE.missing"
else
	set -- "$BASELINE"
fi

# medians: "name metric median" for every row and metric of a bench output.
medians() {
	awk '/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 3; i < NF; i += 2) { v[name, $(i+1)] = v[name, $(i+1)] " " $i; seen[name, $(i+1)] = 1 }
	}
	END {
		for (k in seen) {
			n = split(v[k], xs, " "); split(k, nk, SUBSEP)
			for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (xs[j] + 0 < xs[i] + 0) { t = xs[i]; xs[i] = xs[j]; xs[j] = t }
			m = (n % 2) ? xs[(n + 1) / 2] : (xs[n / 2] + xs[n / 2 + 1]) / 2
			print nk[1], nk[2], m
		}
	}' "$1"
}

medians "$1" >"$OUT.old"
medians "$OUT" >"$OUT.new"
rm -f "$BASELINE.missing"
printf '%-60s %-10s %14s %14s %8s\n' row metric old new new/old
awk 'NR == FNR { old[$1 " " $2] = $3; next }
	{ k = $1 " " $2; o = (k in old) ? old[k] : "-"
	  r = (o != "-" && o + 0 > 0) ? sprintf("%.2f×", $3 / o) : "-"
	  printf "%-60s %-10s %14s %14s %8s\n", $1, $2, o, $3, r }' "$OUT.old" "$OUT.new" | sort
rm -f "$OUT.old" "$OUT.new"
