#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/desk-overhead.sh: the orchestrator's own time per boot on a desk
# board, for oopsfarm run (the desk kind) and for labgrid 0.4.1's
# SerialDriver + ExternalPowerDriver through tools/labgrid/test_oopsfarm_boots.py,
# on the same board: tests/board-sim on a socat pty, playing the tail of a
# real clean boot (ends "reboot: Power down") at each power-on.
#
#   on -> first byte   power-on command started -> the board's first byte
#                      (the board simulator's own start, the same for both)
#   end -> next on     the board's last byte -> the next power-on, less the
#                      configured settle time: parse, store, power off, start
#
# Prints medians and ranges over BOOTS boots (default 20).  Measures and
# prints; never fails on speed.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$PWD/$B/oopsfarm
MOD=$PWD/tools/labgrid/test_oopsfarm_boots.py
BOOTS=${BOOTS:-20}
SETTLE=0.2
. tests/board-sim/sim.sh
tmp=$(mktemp -d)
trap 'sim_stop; rm -rf "$tmp"' EXIT
sim_start "$tmp"
# a short console: the last 40 lines of a real clean boot
{ sed -n '1,/^#end$/p' tests/fixtures/real72-clean-boot.log; sed '1,/^#end$/d' tests/fixtures/real72-clean-boot.log | tail -40; } > "$tmp/short.log"
export OOPSFARM_LOCK_DIR=$tmp

stats() { # label: reads "on/first/end" lines of $tmp/times
	/usr/bin/python3 - "$1" "$tmp/times" "$SETTLE" <<'EOP'
import statistics, sys
label, path, settle = sys.argv[1], sys.argv[2], float(sys.argv[3])
ev = [l.split() for l in open(path)]
on = [float(t) for k, t in ev if k == "on"]
first = [float(t) for k, t in ev if k == "first"]
end = [float(t) for k, t in ev if k == "end"]
a = [(f - o) * 1000 for o, f in zip(on, first)]
g = [(o - e - settle) * 1000 for e, o in zip(end, on[1:])]
fmt = lambda x: "%6.0f ms (%.0f-%.0f)" % (statistics.median(x), min(x), max(x))
print("  %-34s on -> first byte %s   end -> next on %s   (%d boots)" % (label, fmt(a), fmt(g), len(on)))
EOP
}
reset() { rm -f "$tmp/times" "$tmp/count" "$tmp/power.log"; for _ in $(seq "$BOOTS"); do echo "$tmp/short.log"; done > "$tmp/list"; }

echo "desk overhead bench: $BOOTS boots each, settle $SETTLE s subtracted, $(nproc) host cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
reset
cat > "$tmp/c.yaml" <<EOC
campaign: desk-bench
variants: [{name: v}]
setups: [{name: desk, board: "$tmp/desk.yaml"}]
boots: $BOOTS
timeouts: {settle: $SETTLE, idle: 5}
EOC
(cd "$tmp" && $OF run --no-agent "$tmp/c.yaml" > /dev/null 2>&1)
stats "oopsfarm run (desk kind)"

reset
(cd "$tmp" && OOPSFARM_STORE=$tmp/lg.db OOPSFARM_CAMPAIGN=b OOPSFARM_VARIANT=v OOPSFARM_SETUP=desk \
	OOPSFARM_BOOTS=$BOOTS OOPSFARM_BIN=$OF OOPSFARM_SETTLE=$SETTLE OOPSFARM_IDLE=5 \
	/usr/bin/python3 -m pytest -q -p no:cacheprovider --lg-env "$tmp/env.yaml" \
	"$MOD" > /dev/null 2>&1) || true
# the module powers off before each power-on: count only the "on" events
stats "labgrid 0.4.1 SerialDriver (pytest)"
