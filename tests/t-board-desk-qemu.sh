#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: qemu
#
# The full desk chain on the QEMU SMMUv3 board: its UART on a socat pty
# (QEMU's -chardev serial on the pty's board end), its power a command that
# starts and stops QEMU (tests/board-sim/qemu-power.sh, through the desk
# description's power: command), the real 7.2 kernel and the real agent as
# init.  `oopsfarm run` on a setup naming that description boots it with
# lkdtm crashes (WARNING, none, BUG, PANIC: one per power-on), and each
# boot's verdict, target hit and crash titles must equal what the
# qemu-smmuv3 kind gives for the same kernel and knobs.
# Kernel: build-kernel.sh's cache (the demo's kernel, untouched).
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
skip_all() { echo "ok 1 - the QEMU board as a desk board # SKIP $1"; exit 0; }
command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 missing (make deps)"
command -v socat >/dev/null || skip_all "socat missing (make deps)"
. tests/board-sim/sim.sh
tmp=$(mktemp -d)
trap 'sim_stop; rm -rf "$tmp"' EXIT
export OOPSFARM_LOCK_DIR=$tmp
t0=$SECONDS

make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 ||
	{ echo "not ok 1 - the agent cross-builds"; tail -5 "$tmp/make.log" | sed 's/^/# /'; exit 0; }
K=$(devices/qemu-smmuv3/build-kernel.sh 2>"$tmp/kernel.log" | tail -1)
[ -f "$K/Image" ] || { echo "not ok 1 - the board kernel builds"; tail -5 "$tmp/kernel.log" | sed 's/^/# /'; exit 0; }

sim_start "$tmp" "$PWD/tests/board-sim/qemu-power.sh"
echo "$K" >"$tmp/kdir"
devices/qemu-smmuv3/mkinitramfs.sh "$tmp/initrd.cpio" build/aarch64-linux-gnu/oopsfarm-agent "$K" 2>/dev/null
# the agent's knobs per boot, as the qemu kind passes a campaign's agent:
common="provoke_wait_ms=1000 settle_ms=100"
knobs=("provoke=WARNING $common" "$common" "provoke=BUG $common" "provoke=PANIC $common")
for k in "${knobs[@]}"; do
	for w in $k; do printf 'oopsfarm.%s ' "$w"; done
	echo
done >"$tmp/list"
target="kernel BUG in lkdtm_BUG"
limits="{start: 30, kernel: 60, agent_begin: 60, agent_end: 120, settle: 1, idle: 30}"
cat >"$tmp/desk-c.yaml" <<EOC
campaign: desk-qemu
target: "$target"
variants: [{name: shipped}]
setups: [{name: desk, board: "$tmp/desk.yaml"}]
boots: ${#knobs[@]}
timeouts: $limits
EOC
t1=$SECONDS
(cd "$tmp" && $OF run "$tmp/desk-c.yaml" >"$tmp/run.out" 2>"$tmp/run.err"); rc=$?
desk_s=$((SECONDS - t1))
t "oopsfarm run on the QEMU board behind a pty: exit 0" eval '[ $rc -eq 0 ] || { tail -5 "$tmp/run.err" | sed "s/^/# /"; false; }'
t "  powered on and off once per boot" \
	[ "$(grep -c '^on ' "$tmp/power.log")" -eq ${#knobs[@]} -a "$(grep -c '^off' "$tmp/power.log")" -ge ${#knobs[@]} ]
t "  no QEMU is left running" eval '[ ! -f "$tmp/pid" ] || ! kill -0 "$(cat "$tmp/pid")" 2>/dev/null'
db=$tmp/build/run/desk-qemu/results.db
q() { sqlite3 "$1" "$2"; }
t "  ${#knobs[@]} boots stored, none infra" [ "$(q "$db" "SELECT count(*) FROM boots WHERE verdict != 'infra'")" -eq ${#knobs[@]} ]
t "  every boot ran the kernel's build-id ($(cat "$K/build-id"))" \
	[ "$(q "$db" "SELECT count(*) FROM boots WHERE build_id = '$(cat "$K/build-id")'")" -eq ${#knobs[@]} ]

t1=$SECONDS
# The same kernel and knobs on the qemu-smmuv3 kind, one campaign per knob
# (the qemu kind passes one agent: string to every boot of a campaign).
for i in "${!knobs[@]}"; do
	cat >"$tmp/q$i.yaml" <<EOC
campaign: desk-qemu-ref$i
target: "$target"
variants: [{name: shipped}]
setups: [{name: smp2}]
boots: 1
timeouts: $limits
agent: "${knobs[$i]}"
EOC
	$OF run --store "$tmp/ref.db" "$tmp/q$i.yaml" >/dev/null 2>"$tmp/q$i.err" ||
		sed 's/^/# qemu kind: /' "$tmp/q$i.err" | tail -3
done
# per boot: verdict, target hit, its crash titles
rows() { # DB CAMPAIGN-LIKE
	q "$1" "SELECT b.verdict, b.target_hit, coalesce((SELECT group_concat(title, '|') FROM
		(SELECT title FROM crashes c WHERE c.boot_id = b.id ORDER BY title)), '')
		FROM boots b JOIN campaigns k ON k.id = b.campaign_id WHERE k.name LIKE '$2' ORDER BY k.name, b.seq"
}
desk=$(rows "$db" desk-qemu)
ref=$(rows "$tmp/ref.db" 'desk-qemu-ref%')
echo "# desk kind:        $(tr '\n' ';' <<<"$desk")"
echo "# qemu-smmuv3 kind: $(tr '\n' ';' <<<"$ref")"
t "verdicts, target hits and titles per boot equal the qemu kind's" [ -n "$desk" -a "$desk" = "$ref" ]
t "  WARNING, clean, BUG, PANIC: crash, pass, crash (the target), crash" \
	[ "$(cut -d'|' -f1-2 <<<"$desk" | tr '\n' ' ')" = "crash|0 pass|0 crash|1 crash|0 " ]
t "  with lkdtm's titles" eval 'grep -c -e "|WARNING in lkdtm_WARNING" -e "|kernel BUG in lkdtm_BUG" -e "|kernel panic: dumptest" <<<"$desk" | grep -qx 3'
$OF report --store "$db" >"$tmp/report" 2>&1
t "the report counts the target's 1 failure in 4 boots" grep -qE '^shipped +desk +4 +1 ' "$tmp/report"
echo "# $((SECONDS - t0)) s in all: the desk run $desk_s s, the qemu kind's runs $((SECONDS - t1)) s"
exit 0
