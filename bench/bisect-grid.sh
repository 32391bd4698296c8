#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The bisect simulator's grid (issue 16): histories of 100, 1,000 and
# 10,000 commits, crash rates 1%, 5%, 12.9% and 50%, build failures on 5% of
# commits, build costs 0, 10 and 60 boot-equivalents; every rule on the same
# seeded histories.  JSON lines to bench/bisect-results.jsonl, the table to
# bench/bisect-results.txt.  TRIALS (default 1000) is cut to SLOW_TRIALS
# (default 200) on the slow rows (1% rate or 10,000 commits) so that the
# grid runs in about an hour on one core; JOBS=2 runs two rows at once.
# MEASURED=M (with RULES, default oopsfarm,git-retry,syzkaller) runs the grid
# again with oopsfarm's rule given M boots of the bad end measured
# beforehand (simulate --measured): bench/bisect-results-measured-M.*.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build/host}
TRIALS=${TRIALS:-1000}
SLOW_TRIALS=${SLOW_TRIALS:-200}
JOBS=${JOBS:-1}
MEASURED=${MEASURED:-0}
if [ "$MEASURED" -gt 0 ]; then
	RULES=${RULES:-oopsfarm,git-retry,syzkaller}
	OUT=${OUT:-bench/bisect-results-measured-$MEASURED}
	tmp=${ROWS:-build/bench/bisect-rows-measured-$MEASURED}
else
	RULES=${RULES:-oopsfarm,git-retry,syzkaller,entropy-greedy,git-measured}
	OUT=${OUT:-bench/bisect-results}
	# rows finished before are kept in $ROWS (a stopped grid goes on where it was)
	tmp=${ROWS:-build/bench/bisect-rows}
fi
mkdir -p "$tmp"

row() {
	local n=$1 rate=$2 cost=$3 t=$TRIALS
	if [ "$n" -ge 10000 ] || [ "$rate" = 0.01 ]; then t=$SLOW_TRIALS; fi
	[ -s "$tmp/$n-$rate-$cost.jsonl" ] && return 0
	"$B/oopsfarm" bisect simulate --json --commits "$n" --rate "$rate" --build-fail 0.05 \
		--build-cost "$cost" --confidence 0.95 --trials "$t" --seed 1 --rule "$RULES" \
		--measured "$MEASURED" >"$tmp/$n-$rate-$cost.part" &&
		mv "$tmp/$n-$rate-$cost.part" "$tmp/$n-$rate-$cost.jsonl"
}

i=0
for n in 100 1000 10000; do
	for rate in 0.5 0.129 0.05 0.01; do
		for cost in 0 10 60; do
			row "$n" "$rate" "$cost" &
			i=$((i + 1))
			if [ $((i % JOBS)) -eq 0 ]; then wait; fi
		done
	done
done
wait
cat "$tmp"/*.jsonl | sort -t, -k5,5 >"$OUT.jsonl"
python3 bench/bisect-table.py "$OUT.jsonl" >"$OUT.txt"
cat "$OUT.txt"
