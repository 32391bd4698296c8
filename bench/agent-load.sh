#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/agent-load.sh: the board agent on the QEMU board with the real
# kernel and its modules.
#  1. Module loading with 1, 2 and 4 threads (android mode) against
#     sequential loading (eager mode with one thread: one module after the
#     other, in modules.load order): the loader's span, from the first
#     finit_module entry to the last return, as the agent measures it (LOAD
#     span_us), median/min/max over BOOTS boots per setting, settings
#     interleaved boot by boot so drift hits them all alike.
#  2. The agent's own cost while it watches kmsg: CPU time and peak RSS of
#     the agent process (END cpu_us, maxrss_kb) with settle_ms=0 and with
#     settle_ms=WATCH_MS; the difference is the watching alone.  Guest CPU
#     time under TCG is emulated time: it overstates what a real core spends.
#  3. The static aarch64 binary's size, as built and stripped.
# Environment: BOOTS (10), WATCH_MS (10000), SMP (2, as the board),
# BENCH_DIR (build/bench).  Prints a table; never fails on numbers.
set -eu
cd "$(dirname "$0")/.."
BOOTS=${BOOTS:-10}
WATCH_MS=${WATCH_MS:-10000}
OUT=${BENCH_DIR:-build/bench}/agent
B=${B:-build/host}
mkdir -p "$OUT"

make --no-print-directory tools >/dev/null
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >/dev/null
AGENT=build/aarch64-linux-gnu/oopsfarm-agent
K=$(devices/qemu-smmuv3/build-kernel.sh 2>/dev/null | tail -1)
devices/qemu-smmuv3/mkinitramfs.sh "$OUT/initrd.cpio" "$AGENT" "$K" 2>/dev/null

# boot NAME ARGS...: one boot; prints the decoded LOAD and END lines
boot() {
	local name=$1; shift
	timeout 120 devices/qemu-smmuv3/qemu-cmdline.sh -r "$K" "$OUT/initrd.cpio" "$OUT/$name.log" \
		"$@" >/dev/null 2>&1 || true
	"$B/oopsfarm" decode "$OUT/$name.log" 2>/dev/null | grep -E ' (LOAD|END) '
}

field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

declare -A SETTINGS=(
	[sequential]="oopsfarm.mode=eager oopsfarm.threads=1"
	[android-1]="oopsfarm.mode=android oopsfarm.threads=1"
	[android-2]="oopsfarm.mode=android oopsfarm.threads=2"
	[android-4]="oopsfarm.mode=android oopsfarm.threads=4"
)
ORDER="sequential android-1 android-2 android-4"
for s in $ORDER; do : >"$OUT/$s.spans"; done
for i in $(seq 1 "$BOOTS"); do
	for s in $ORDER; do
		# shellcheck disable=SC2086  # the settings are word lists
		span=$(boot "$s-$i" oopsfarm.settle_ms=0 ${SETTINGS[$s]} | grep ' LOAD ' | field span_us)
		[ -n "$span" ] && echo "$span" >>"$OUT/$s.spans"
	done
done

stats() { # min median max of a file of numbers, in ms
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		if (!NR) { print "- - -"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.1f %.1f %.1f\n", v[1] / 1000, m / 1000, v[NR] / 1000 }'
}
nmods=$(find "$K/modules" -name '*.ko' | wc -l)
echo "module loading on QEMU virt,iommu=smmuv3 -smp ${SMP:-2}, $nmods modules, $BOOTS boots each"
printf '%-12s %6s %10s %10s %10s %8s\n' setting boots min_ms median_ms max_ms speedup
seq_med=$(stats "$OUT/sequential.spans" | awk '{print $2}')
for s in $ORDER; do
	read -r lo med hi <<<"$(stats "$OUT/$s.spans")"
	sp=$(awk -v a="$seq_med" -v b="$med" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
	printf '%-12s %6s %10s %10s %10s %8s\n' "$s" "$(wc -l <"$OUT/$s.spans")" "$lo" "$med" "$hi" "$sp"
done

echo
echo "agent process while watching kmsg (guest CPU time; TCG-emulated)"
printf '%-22s %10s %10s\n' settle cpu_ms maxrss_kb
for w in 0 "$WATCH_MS"; do
	: >"$OUT/cpu-$w"
	for i in 1 2 3; do
		boot "watch-$w-$i" oopsfarm.settle_ms="$w" | grep ' END ' >>"$OUT/cpu-$w"
	done
	cpu=$(field cpu_us <"$OUT/cpu-$w" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / 1000 }')
	rss=$(field maxrss_kb <"$OUT/cpu-$w" | sort -n | tail -1)
	printf '%-22s %10s %10s\n' "settle_ms=$w (median)" "$cpu" "$rss"
	eval "cpu_$w=$cpu"
done
eval "c0=\$cpu_0 c1=\$cpu_$WATCH_MS"
awk -v a="$c0" -v b="$c1" -v w="$WATCH_MS" \
	'BEGIN { printf "watching alone: %.2f ms CPU per second of watching (%.3f%% of one CPU)\n", (b - a) / (w / 1000), (b - a) / w * 100 }'

echo
aarch64-linux-gnu-strip -o "$OUT/oopsfarm-agent.stripped" "$AGENT"
echo "static aarch64 agent: $(stat -c %s "$AGENT") bytes as built (with debug info), $(stat -c %s "$OUT/oopsfarm-agent.stripped") stripped"
file -b "$AGENT" | cut -d, -f1-4
