#!/bin/bash
# SPDX-License-Identifier: MIT
# The desk board kind in the farm loop: `oopsfarm run` on a setup whose
# board: is a description (a socat pty console, power through the command
# backend).  The "board" on the far end of the pty plays real consoles of
# the QEMU SMMUv3 board (tests/fixtures/real72-*.log) each time it is
# powered on, and stops when powered off; one boot hangs half-way and
# answers the SysRq keys as a kernel would.  Each boot's verdict and titles
# must be those `oopsfarm record` gives the same console.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
FX=$PWD/tests/fixtures
. tests/board-sim/sim.sh
tmp=$(mktemp -d)
trap 'sim_stop; rm -rf "$tmp"' EXIT
if ! command -v socat > /dev/null; then
	skip "the desk kind" "socat is not installed"
	exit 0
fi
export OOPSFARM_LOCK_DIR=$tmp

sim_start "$tmp"

logs=(real72-lkdtm-bug real72-clean-boot real72-lkdtm-panic real72-lkdtm-warning-message real72-clean-boot)
for l in "${logs[@]}"; do echo "$FX/$l.log"; done > "$tmp/list"
sed -i '$s/$/:hang/' "$tmp/list"
printf 'STALE BYTES AFTER POWER-OFF\r\n' > "$tmp/stale"
cat > "$tmp/campaign.yaml" <<EOC
campaign: desk-replay
target: "kernel BUG in lkdtm_BUG"
variants: [{name: shipped}]
setups: [{name: desk, board: "$tmp/desk.yaml"}]
boots: 5
timeouts: {start: 10, kernel: 30, agent_begin: 30, settle: 0.5, idle: 2}
EOC
$OF campaign check "$tmp/campaign.yaml" > /dev/null 2> "$tmp/err"; rc=$?
t "a setup's board: may be a description" eval '[ $rc -eq 0 ] || { cat "$tmp/err"; false; }'
printf 'campaign: x\nvariants: [{name: a}]\nsetups: [{name: s, board: /nonexistent/board.yaml}]\nboots: 1\n' > "$tmp/bad.yaml"
$OF campaign check "$tmp/bad.yaml" > /dev/null 2> "$tmp/err"; rc=$?
t "  one that does not exist is not known" eval '[ $rc -ne 0 ] && grep -q "or a board description" "$tmp/err"'

(cd "$tmp" && $OF run --no-agent "$tmp/campaign.yaml" > "$tmp/run.out" 2> "$tmp/run.err"); rc=$?
t "oopsfarm run on the desk board: exit 0" eval '[ $rc -eq 0 ] || { tail -5 "$tmp/run.err"; false; }'
t "  powered on and off once per boot" [ "$(grep -c '^on ' "$tmp/power.log")" -eq 5 -a "$(grep -c '^off' "$tmp/power.log")" -ge 5 ]
t "  the hung boot got break+SysRq w and t" [ "$(cat "$tmp/typed" 2>/dev/null)" = "wt" ]

db=$tmp/build/run/desk-replay/results.db
q() { sqlite3 "$db" "$1"; }
t "  five boots stored" [ "$(q 'SELECT count(*) FROM boots')" -eq 5 ]
t "  the hang's reason says SysRq was sent" eval 'q "SELECT infra_reason FROM boots WHERE verdict=\"hang\"" | grep -q "SysRq w,t sent"'
hanglog=$(ls "$tmp"/build/run/desk-replay/logs/*-4.0.log.zst 2>/dev/null)
t "  the SysRq dump landed in the hung boot's log" eval 'zstdcat "$hanglog" | grep -q "sysrq: Show Blocked State"'
t "  no byte of an earlier boot in a later one's log" eval '! zstdcat "$tmp"/build/run/desk-replay/logs/*-1.0.log.zst | grep -q "lkdtm_BUG"'
t "  bytes from before a power-on count for no boot" eval '! zstdcat "$tmp"/build/run/desk-replay/logs/*.zst | grep -q "STALE BYTES"'

# the same consoles through `oopsfarm record`: the same verdicts and titles
for i in 0 1 2 3 4; do
	body=$tmp/rec-$i.log
	body "$FX/${logs[$i]}.log" > "$body"
	extra=
	[ $i -eq 4 ] && { python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); open(sys.argv[1],"wb").write(d[:d.index(b"Run /init")])' "$body"; extra=--hang; }
	$OF record --store "$tmp/rec.db" --campaign desk-replay --variant shipped --setup desk --uid "r$i" --seq $i \
		--target "kernel BUG in lkdtm_BUG" $extra "$body" > /dev/null 2>&1
done
v_run=$(q 'SELECT seq, verdict, target_hit FROM boots ORDER BY seq' | tr '\n' ' ')
v_rec=$(sqlite3 "$tmp/rec.db" 'SELECT seq, verdict, target_hit FROM boots ORDER BY seq' | tr '\n' ' ')
echo "# desk run: $v_run"
echo "# record:   $v_rec"
t "verdicts per boot equal record's" [ "$v_run" = "$v_rec" ]
c_run=$(q 'SELECT title FROM crashes ORDER BY title' | sort | uniq -c | tr -s ' ')
c_rec=$(sqlite3 "$tmp/rec.db" 'SELECT title FROM crashes ORDER BY title' | sort | uniq -c | tr -s ' ')
t "crash titles equal record's" eval '[ "$c_run" = "$c_rec" ] && [ -n "$c_run" ]'
$OF report --store "$db" > "$tmp/report" 2>&1
t "the report names the target's failures" grep -q "kernel BUG in lkdtm_BUG" "$tmp/report"
(cd "$tmp" && $OF run --no-agent --boards 2 "$tmp/campaign.yaml" > /dev/null 2> "$tmp/err"); rc=$?
t "a desk board is one board: --boards 2 is refused" eval '[ $rc -eq 2 ] && grep -q "a desk board is one board: run it with boards: 1, not 2" "$tmp/err"'

# a board that cannot be powered, or whose console is missing: infra, never a kernel failure
printf 'kind: desk\nconsole: {tty: /dev/ttyUSB97}\npower: {command: {on: [true], off: [true]}}\n' > "$tmp/notty.yaml"
printf 'kind: desk\nconsole: {tty: "%s"}\npower: {command: {on: [false], off: [true]}}\n' "$tmp/uart" > "$tmp/nopower.yaml"
for b in notty nopower; do
	printf 'campaign: %s\nvariants: [{name: v}]\nsetups: [{name: s, board: "%s"}]\nboots: 1\n' $b "$tmp/$b.yaml" > "$tmp/c-$b.yaml"
	(cd "$tmp" && $OF run --no-agent "$tmp/c-$b.yaml" > /dev/null 2>&1)
	db=$tmp/build/run/$b/results.db
	t "$b: every attempt is infra" eval '[ "$(sqlite3 "$db" "SELECT DISTINCT verdict FROM boots")" = infra ]'
done
t "  the missing tty is named" eval 'sqlite3 "$tmp/build/run/notty/results.db" "SELECT infra_reason FROM boots" | grep -q "cannot open console '"'/dev/ttyUSB97'"'"'
t "  the failing power command is named" eval 'sqlite3 "$tmp/build/run/nopower/results.db" "SELECT infra_reason FROM boots" | grep -q "power on: '"'false'"' exited with status 1"'
exit $((fails > 0))
