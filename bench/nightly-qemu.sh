#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/nightly-qemu.sh [NIGHTS [BOOTS]]: many real nights of one plan on
# the QEMU SMMUv3 board (the cached demo kernel, pinned by the variant's
# `kernel:`; the agent as init), NIGHTS nights (default 10) of BOOTS boots
# (default 20).  Every fourth night the plan adds lkdtm ACCESS_NULL to the
# WARNING every boot provokes; the night after drops it again.  Prints per
# night its wall time and what `nightly diff` flagged, then the nights with
# a wrong verdict: a flagged night must be exactly a night that added the
# BUG (new) and the one after it gone (never a regression).  The race rate
# is not measured.  Kills every QEMU it started (by pid) when it exits.
set -u
cd "$(dirname "$0")/.." || exit 1
NIGHTS=${1:-10} BOOTS=${2:-20}
OF=build/host/oopsfarm
tmp=$(mktemp -d)
P=bench-nightly-qemu-$$
cleanup() {
	local pids
	pids=$(pgrep -f "build/nightly/[b]ench-nightly-qemu-$$/" || true)
	[ -n "$pids" ] && kill -9 $pids 2> /dev/null
	rm -rf "$tmp" "build/nightly/$P"
}
trap cleanup EXIT
make -s -j2 tools && make -s agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 || exit 1
devices/qemu-smmuv3/build-kernel.sh > /dev/null 2>&1 || { echo "the board kernel does not build"; exit 1; }
KSRC=$(devices/qemu-smmuv3/fetch-kernel.sh 2> /dev/null | tail -1)
git init -q "$tmp/tree"
g() { git -C "$tmp/tree" -c user.email=b@oopsfarm -c user.name=b "$@"; }
plan() {
	cat << EOF
campaign: $P
tree: $tmp/tree
store: $tmp/n.db
variants: [{name: debian, kernel: $KSRC}]
setups: [{name: smp1, board: qemu-smmuv3, vcpus: 1}]
boots: $BOOTS
boards: 2
agent: "provoke=$1 provoke_wait_ms=500 settle_ms=100"
EOF
}
bad=0
printf '%-10s %7s %5s  %s\n' night wall exit flagged
for i in $(seq 1 "$NIGHTS"); do
	g commit -q --allow-empty -m "night $i"
	d=$(date -u -d "2026-01-01 + $i days" +%F)
	if [ $((i % 4)) -eq 0 ]; then plan WARNING,ACCESS_NULL; else plan WARNING; fi > "$tmp/plan.yaml"
	t0=$(date +%s.%N)
	$OF nightly "$tmp/plan.yaml" --night "$d" > /dev/null 2> "$tmp/err"
	rc=$?
	wall=$(echo "$(date +%s.%N) - $t0" | bc)
	f=$($OF nightly diff "$tmp/plan.yaml" "$d" --json | python3 -c '
import json, sys
print(",".join(i["kind"] for i in json.load(sys.stdin)["items"] if i["regression"]) or "-")')
	want=-
	[ $((i % 4)) -eq 0 ] && want=new
	[ "$f" = "$want" ] && [ "$rc" -eq $([ "$want" = new ] && echo 1 || echo 0) ] || bad=$((bad + 1))
	printf '%-10s %6.1fs %5s  %s\n' "$d" "$wall" "$rc" "$f"
done
echo "$NIGHTS nights of $BOOTS boots: $bad with a wrong verdict"
