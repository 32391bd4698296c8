#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/farm.sh: the local farm's throughput on the QEMU board.
#  1. The physical limit: a bare loop of qemu-system-aarch64 boots of the
#     same kernel, initramfs (agent as init) and device tree, one after the
#     other, with nothing else (no parsing, no store): boots per hour.
#  2. `oopsfarm run` on the same boots with 1 and 2 boards: boots per hour,
#     boots per hour per host core, and the orchestrator's own CPU time as a
#     share of the boards' (QEMU) CPU time, as run prints it.
# Setup: -smp 1 (so that 2 boards fit 2 cores), the stock DTB, the agent in
# android mode.  Run it on a quiet machine: it measures, it never fails on
# numbers.  Environment: BOOTS (40 per measurement), BENCH_DIR (build/bench).
set -eu
cd "$(dirname "$0")/.."
BOOTS=${BOOTS:-40}
OUT=${BENCH_DIR:-build/bench}/farm
B=${B:-build/host}
OF=$B/oopsfarm
CORES=$(nproc)
rm -rf "$OUT"; mkdir -p "$OUT"

make --no-print-directory tools >/dev/null
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >/dev/null
AGENT=build/aarch64-linux-gnu/oopsfarm-agent
K=$(devices/qemu-smmuv3/build-kernel.sh 2>/dev/null | tail -1)
devices/qemu-smmuv3/mkinitramfs.sh "$OUT/initrd.cpio" "$AGENT" "$K" 2>/dev/null
ARGS="oopsfarm.mode=android oopsfarm.threads=4 oopsfarm.settle_ms=300"

echo "farm bench: $BOOTS boots per line, -smp 1, stock DTB, $CORES host cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. bare QEMU loop
t0=$(date +%s.%N)
for i in $(seq 1 "$BOOTS"); do
	SMP=1 devices/qemu-smmuv3/qemu-cmdline.sh -r "$K" "$OUT/initrd.cpio" "$OUT/bare.log" $ARGS \
		>/dev/null 2>&1 || true
done
t1=$(date +%s.%N)
awk -v n="$BOOTS" -v t0="$t0" -v t1="$t1" 'BEGIN {
	w = t1 - t0; printf "  bare qemu loop        %6.2f s/boot  %6.0f boots/h  %6.0f boots/h/core (1 core busy)\n",
	w / n, 3600 * n / w, 3600 * n / w }'

# 2. oopsfarm run, 1 and 2 boards
for boards in 1 2; do
	cat > "$OUT/c$boards.yaml" <<YAML
campaign: bench-farm-$boards
variants: [{name: shipped}]
setups: [{name: smp1, vcpus: 1}]
boots: $BOOTS
boards: $boards
agent: "mode=android threads=4 settle_ms=300"
YAML
	rm -rf "build/run/bench-farm-$boards"
	t0=$(date +%s.%N)
	$OF run --store "$OUT/s$boards.db" "$OUT/c$boards.yaml" >"$OUT/run$boards.out" 2>"$OUT/run$boards.err"
	t1=$(date +%s.%N)
	line=$(grep -o 'orchestrator .*' "$OUT/run$boards.err" | head -1)
	used=$(( boards < CORES ? boards : CORES ))
	awk -v n="$BOOTS" -v t0="$t0" -v t1="$t1" -v b="$boards" -v c="$used" -v l="$line" 'BEGIN {
		w = t1 - t0; printf "  oopsfarm run, %d board%s %6.2f s/boot  %6.0f boots/h  %6.0f boots/h/core  | %s\n",
		b, b == 1 ? " " : "s", w / n, 3600 * n / w, 3600 * n / w / c, l }'
	echo "    verdicts: $(sqlite3 "$OUT/s$boards.db" "select group_concat(verdict || ' ' || n, ', ') from (select verdict, count(*) n from boots group by verdict)")"
	rm -rf "build/run/bench-farm-$boards"
done
echo "  (oopsfarm run's wall time includes the cached kernel and initramfs steps, about 3 s)"
