#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: qemu
#
# oopsfarm run on the real QEMU SMMUv3 board with a real 7.2 kernel and the
# real board agent as init: lkdtm crashes provoked by the agent
# (oopsfarm.provoke) are the deterministic check that verdicts and titles
# come out right, variant by variant; two boards run from one event loop; a
# stored campaign continues only with --resume; a run killed with -9 at
# random points, again and again, ends with exactly N boots per variant;
# phase limits turn a stuck boot into a hang that names its phase; and a
# sequential campaign stops at its verdict.
# The race itself is never asserted here: it is measured by make demo.
# The first run on a machine builds the kernel (~10 min, cached after).
. "$(dirname "$0")/lib.sh"
skip_all() { echo "ok 1 - qemu board # SKIP $1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 missing (make deps)"
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "aarch64-linux-gnu-gcc missing (make deps)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" build/run/t-run-qemu build/run/t-run-qemu-pass build/run/t-run-kill build/run/t-run-hang build/run/t-run-seq build/run/quick-t' EXIT

make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 ||
	{ echo "not ok 1 - the agent cross-builds"; tail -5 "$tmp/make.log" | sed 's/^/# /'; exit 0; }
devices/qemu-smmuv3/build-kernel.sh > "$tmp/build.out" 2> "$tmp/build.err" ||
	{ echo "not ok 1 - the board kernel builds"; tail -20 "$tmp/build.err" | sed 's/^/# /'; exit 0; }

cat > "$tmp/c.yaml" <<YAML
campaign: t-run-qemu
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups:
  - name: smp2
    vcpus: 2
boots: 2
agent: "provoke=WARNING provoke_wait_ms=1000 settle_ms=100"
YAML
q() { sqlite3 "$1" "$2"; }
$OF run --store "$tmp/s.db" "$tmp/c.yaml" > "$tmp/out" 2> "$tmp/err"; rc=$?
t "run exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -20 "$tmp/err" | sed 's/^/# /'
t "4 boots stored, 2 per variant" [ "$(q "$tmp/s.db" "select count(*) from boots where verdict != 'infra'")" -eq 4 ]
t "every boot is a crash with the target title" [ "$(q "$tmp/s.db" "select count(*) from boots where verdict='crash' and target_hit=1")" -eq 4 ]
t "the title is right in each boot" [ "$(q "$tmp/s.db" "select count(distinct boot_id) from crashes where title='WARNING in lkdtm_WARNING'")" -eq 4 ]
t "the report shows 2/2 per variant" [ "$(grep -cE '^(shipped|unpatched-platform) +smp2 +2 +2 ' "$tmp/out")" -eq 2 ]
t "variants were interleaved (ABAB)" [ "$(q "$tmp/s.db" "select group_concat(v.name, ',') from (select * from boots order by id) b join variants v on v.id=b.variant_id")" = "shipped,unpatched-platform,shipped,unpatched-platform" ]
t "raw consoles are kept, compressed" [ "$(ls build/run/t-run-qemu/logs/*.log.zst | wc -l)" -eq 4 ]
t "the kept console holds the crash and the agent's lines" bash -c "zstdcat build/run/t-run-qemu/logs/shipped-smp2-0.0.log.zst | grep -q 'WARNING: drivers/misc/lkdtm' && zstdcat build/run/t-run-qemu/logs/shipped-smp2-0.0.log.zst | grep -q 'OOPSFARM:1:BEGIN:'"
t "each variant's build-id is recorded, and the agent saw it" [ "$(q "$tmp/s.db" "select count(distinct b.build_id) from boots b join variants v on v.id = b.variant_id where b.build_id = v.build_id and v.build_id != ''")" -eq 2 ]
t "each boot records its board and the host's load" [ "$(q "$tmp/s.db" "select count(*) from boots where board = 'qemu' and host_load >= 0 and source = 'local'")" -eq 4 ]

$OF run --store "$tmp/s.db" "$tmp/c.yaml" > /dev/null 2> "$tmp/err"; rc=$?
t "a stored campaign is not run again without --resume (exit 2)" [ $rc -eq 2 ]
t "... and the error says so" grep -q -- "--resume continues it" "$tmp/err"
$OF run --resume --store "$tmp/s.db" "$tmp/c.yaml" > /dev/null 2>&1
t "--resume of a finished campaign boots nothing" [ "$(q "$tmp/s.db" "select count(*) from boots")" -eq 4 ]

# a clean boot passes; the quick flags make a campaign without a file
$OF run --name quick-t --variant shipped --boots 1 --store "$tmp/p.db" --target "WARNING in lkdtm_WARNING" \
	--append "oopsfarm.settle_ms=100" > "$tmp/out" 2> "$tmp/err"
t "quick flags: a boot without crash passes" [ "$(q "$tmp/p.db" "select verdict from boots")" = pass ]
t "quick flags: the demo's setup (2 vCPUs, widened DTB)" [ "$(q "$tmp/p.db" "select name || ' ' || vcpus from setups")" = "smp2-wide1000 2" ]
$OF run --variant 'bad name' --store "$tmp/p.db" > /dev/null 2> "$tmp/err"; rc=$?
t "a bad --variant is a usage error" [ $rc -eq 2 ]
$OF run --variant x=/nonexistent.patch --store "$tmp/p.db" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "/nonexistent.patch" "$tmp/err"; t_last "a missing patch is named"

# a boot stuck in a phase is a hang that names the phase: a spinning kernel
# burns QEMU CPU time (agent_end limit), an idle one goes quiet (idle limit)
cat > "$tmp/h.yaml" <<YAML
campaign: t-run-hang
variants: [{name: shipped}]
setups: [{name: smp2}]
boots: 1
timeouts: {agent_end: 3}
agent: "provoke=SOFTLOCKUP provoke_wait_ms=60000"
YAML
$OF run --store "$tmp/h.db" "$tmp/h.yaml" > /dev/null 2> "$tmp/err"
t "a spinning boot is a hang or a crash, never a pass" [ "$(q "$tmp/h.db" "select count(*) from boots where verdict in ('hang','crash')")" -eq 1 ]
t "... a hang names its phase and QEMU's CPU time" [ "$(q "$tmp/h.db" "select count(*) from boots where verdict = 'crash' or infra_reason like '%agent_end took more than 3 QEMU CPU-s%'")" -eq 1 ]
sed -i 's/^agent: .*/agent: "settle_ms=60000"/' "$tmp/h.yaml"
$OF run --store "$tmp/h2.db" --timeout idle=3 "$tmp/h.yaml" > /dev/null 2> "$tmp/err"
t "a quiet boot is a hang that names its phase" [ "$(q "$tmp/h2.db" "select verdict || ': ' || infra_reason from boots")" = "hang: no console output in agent_end for 3 s" ]
$OF run --timeout bogus=3 --variant shipped --store "$tmp/x.db" > /dev/null 2>&1; rc=$?
t "an unknown phase is a usage error" [ $rc -eq 2 ]

# kill -9 at random points, many times, two boards: every resume goes on
# where the last stopped, and the end has exactly N boots per variant
N=12
cat > "$tmp/k.yaml" <<YAML
campaign: t-run-kill
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups: [{name: smp1, vcpus: 1}]
boots: $N
boards: 2
agent: "provoke=WARNING provoke_wait_ms=500 settle_ms=100"
YAML
kills=0
stored() { q "$tmp/k.db" "select count(*) from boots where verdict != 'infra'" 2>/dev/null || echo 0; }
for round in $(seq 1 8); do
	$OF run --resume --store "$tmp/k.db" "$tmp/k.yaml" > /dev/null 2>&1 &
	pid=$!
	# wait for one more finished boot, then kill at a random point of the next ones
	want=$(($(stored) + 1))
	for _ in $(seq 1 600); do
		[ "$(stored)" -ge $want ] || ! kill -0 $pid 2>/dev/null && break
		sleep 0.1
	done
	sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", (r % 150) / 100 }')"
	if kill -0 $pid 2>/dev/null; then kill -9 $pid; kills=$((kills + 1)); fi
	wait $pid 2>/dev/null
done
sleep 1
echo "# $kills kills left $(q "$tmp/k.db" "select count(*) from boots where verdict != 'infra'") of $((2 * N)) boots stored"
t "no QEMU outlives a killed run ($kills kills)" bash -c "! pgrep -f 'logfile=build/run/t-run-[k]ill/' >/dev/null"
$OF run --resume --store "$tmp/k.db" "$tmp/k.yaml" > "$tmp/out" 2> /dev/null
t "after $kills kills and resumes: exactly $N boots per variant" [ "$(q "$tmp/k.db" "select group_concat(n) from (select count(*) n from boots where verdict != 'infra' group by variant_id)")" = "$N,$N" ]
t "... each index once" [ "$(q "$tmp/k.db" "select count(*) from (select variant_id, seq from boots where verdict != 'infra' group by variant_id, seq having count(*) > 1)")" -eq 0 ]
t "... and all of them crashed with the target" [ "$(q "$tmp/k.db" "select count(*) from boots where verdict = 'crash' and target_hit = 1")" -eq $((2 * N)) ]

# Ctrl-C (SIGINT) stops cleanly: exit 130, boots in flight not stored
$OF run --resume --store "$tmp/i.db" --name t-run-kill --boots 20 "$tmp/k.yaml" > /dev/null 2> "$tmp/err" &
pid=$!
for _ in $(seq 1 300); do
	[ "$(q "$tmp/i.db" "select count(*) from boots" 2>/dev/null || echo 0)" -ge 2 ] && break
	sleep 0.1
done
kill -INT $pid; wait $pid; rc=$?
t "SIGINT stops the run with exit 130" [ $rc -eq 130 ]
t "... says how to continue" grep -q -- "--resume" "$tmp/err"
t "... and leaves no QEMU behind" bash -c "! pgrep -f 'logfile=build/run/t-run-[k]ill/' >/dev/null"

# a sequential campaign stops at its decision: a provoked WARNING in the
# treatment and none in the control decides H0 ("does not crash less") fast
cat > "$tmp/s.yaml" <<YAML
campaign: t-run-seq
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups: [{name: smp1, vcpus: 1}]
boots: 40
stop: sequential
until: {test: below, treatment: shipped, rate: 0.5, ratio: 0.1, alpha: 0.05, beta: 0.1}
boards: 2
agent: "provoke=WARNING provoke_wait_ms=500 settle_ms=100"
YAML
$OF run --store "$tmp/q.db" "$tmp/s.yaml" > "$tmp/out" 2> "$tmp/err"; rc=$?
t "a sequential run exits 0" [ $rc -eq 0 ]
t "it stopped long before its cap of 40" [ "$(q "$tmp/q.db" "select count(*) from boots where verdict != 'infra'")" -lt 12 ]
t "it says what it decided" grep -q "decided after" "$tmp/err"
t "the rule is stored with the campaign" [ "$(q "$tmp/q.db" "select until from campaigns")" != "" ]
t "the report states the sequential verdict" grep -q "sequential: decided after 1 boots: shipped still crashes in 50% or more" "$tmp/out"
t "... and labels the fixed-N figures" grep -q "fixed-N figures after a sequential stop" "$tmp/out"
$OF report --json --store "$tmp/q.db" > "$tmp/q.json"
t "the JSON report carries the decision" python3 -c "import json,sys; d=json.load(open('$tmp/q.json')); s=d['sequential'][0]; sys.exit(not (s['decision']=='H0' and s['at_decision']==1))"
exit 0
