#!/bin/bash
# SPDX-License-Identifier: MIT
# tools/labgrid/test_oopsfarm_boots.py: boots through labgrid 0.4.1's own
# drivers (SerialDriver on pyserial reading a socat pty, ExternalPowerDriver
# running tests/board-sim/power.sh), each console handed to `oopsfarm
# record`.  The board plays real QEMU consoles; the stored verdicts and
# titles must be those `oopsfarm record` gives the same consoles directly.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
FX=$PWD/tests/fixtures
MOD=$PWD/tools/labgrid/test_oopsfarm_boots.py
. tests/board-sim/sim.sh
tmp=$(mktemp -d)
trap 'sim_stop; rm -rf "$tmp"' EXIT
if ! command -v socat > /dev/null || ! /usr/bin/python3 -c 'import labgrid, pytest, serial' 2> /dev/null; then
	skip "the labgrid module" "socat, python3-labgrid, python3-pytest or python3-serial missing"
	exit 0
fi
sim_start "$tmp"

logs=(real72-lkdtm-bug real72-clean-boot real72-lkdtm-panic real72-lkdtm-warning-message real72-clean-boot)
for l in "${logs[@]}"; do echo "$FX/$l.log"; done > "$tmp/list"
sed -i '$s/$/:hang/' "$tmp/list"

$OF board check "$tmp/env.yaml" > "$tmp/check" 2>&1; rc=$?
t "oopsfarm reads the same labgrid environment" eval '[ $rc -eq 0 ] && grep -q "console  tty $tmp/uart" "$tmp/check" && grep -q "power    command" "$tmp/check"'

# five boots; the board answers each power-on with the next console
(cd "$tmp" && OOPSFARM_STORE=$tmp/lg.db OOPSFARM_CAMPAIGN=lg OOPSFARM_VARIANT=shipped OOPSFARM_SETUP=desk \
	OOPSFARM_BOOTS=5 OOPSFARM_TARGET="kernel BUG in lkdtm_BUG" OOPSFARM_BIN=$OF OOPSFARM_IDLE=2 \
	OOPSFARM_SETTLE=0.5 OOPSFARM_START=10 \
	/usr/bin/python3 -m pytest -q -p no:cacheprovider --lg-env "$tmp/env.yaml" "$MOD" > "$tmp/pytest.out" 2>&1); rc=$?
t "pytest with labgrid's drivers: 5 boots pass as tests" eval '[ $rc -eq 0 ] && grep -q "5 passed" "$tmp/pytest.out" || { tail -15 "$tmp/pytest.out" | sed "s/^/# /"; false; }'
t "labgrid powered each boot off, on, off" [ "$(grep -c '^on ' "$tmp/power.log")" -eq 5 ]

for i in 0 1 2 3 4; do
	body=$tmp/rec-$i.log
	body "$FX/${logs[$i]}.log" > "$body"
	extra=
	[ $i -eq 4 ] && { /usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[1],"wb").write(d[:d.index(b"Run /init")])' "$body"; extra=--hang; }
	$OF record --store "$tmp/rec.db" --campaign lg --variant shipped --setup desk --uid "r$i" --seq $i \
		--target "kernel BUG in lkdtm_BUG" $extra "$body" > /dev/null 2>&1
done
v_lg=$(sqlite3 "$tmp/lg.db" 'SELECT seq, verdict, target_hit FROM boots ORDER BY seq' | tr '\n' ' ')
v_rec=$(sqlite3 "$tmp/rec.db" 'SELECT seq, verdict, target_hit FROM boots ORDER BY seq' | tr '\n' ' ')
echo "# labgrid: $v_lg"
echo "# record:  $v_rec"
t "verdicts per boot equal record's" eval '[ "$v_lg" = "$v_rec" ] && [ -n "$v_lg" ]'
c_lg=$(sqlite3 "$tmp/lg.db" 'SELECT title FROM crashes' | sort | uniq -c | tr -s ' ')
c_rec=$(sqlite3 "$tmp/rec.db" 'SELECT title FROM crashes' | sort | uniq -c | tr -s ' ')
t "crash titles equal record's" eval '[ "$c_lg" = "$c_rec" ] && [ -n "$c_lg" ]'
t "no byte of the previous boot in a log" eval '! grep -qa "lkdtm_BUG" "$tmp/labgrid-logs/shipped-desk-1.log"'
$OF report --store "$tmp/lg.db" > "$tmp/report" 2>&1
t "oopsfarm report reads the store" grep -q "kernel BUG in lkdtm_BUG" "$tmp/report"
exit $((fails > 0))
