#!/bin/bash
# SPDX-License-Identifier: MIT
# The results store and the report: boots recorded from real console logs,
# counted once, infra apart, the console deciding; figures checked by hand.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
body tests/fixtures/real-arm64-race-platform-dma-configure.log > "$tmp/race.log"
body tests/fixtures/real72-clean-boot.log > "$tmp/clean.log"
body tests/fixtures/real72-lkdtm-warning.log > "$tmp/warn.log"
T='BUG: unable to handle kernel NULL pointer dereference in platform_dma_configure'
rec() { $OF record --store "$tmp/s.db" --campaign demo --setup smp2 --target "$T" "$@" > /dev/null; }

i=0
for f in race race race clean clean clean clean clean clean warn; do
	i=$((i + 1)); rec --variant unpatched --uid "u$i" --seq $i "$tmp/$f.log"
done
rec --variant unpatched --uid u11 --seq 11 --infra "console never opened" "$tmp/clean.log"
# a lab system calls it infra, but the console holds the crash: a kernel failure
rec --variant unpatched --uid u12 --seq 12 --infra "lava: job timeout" "$tmp/race.log"
# recording a boot again (a collector restarted) changes nothing
rec --variant unpatched --uid u1 --seq 1 "$tmp/race.log"
for i in $(seq 1 12); do rec --variant shipped --uid "s$i" --seq $i "$tmp/clean.log"; done
rec --variant shipped --uid s13 --seq 13 --hang "$tmp/clean.log"

t "record prints the verdict" grep -q "^u1 crash (already recorded)$" <<<"$($OF record --store "$tmp/s.db" --campaign demo --variant unpatched --setup smp2 --uid u1 --target "$T" "$tmp/race.log")"
t "each boot stored once" [ "$(sqlite3 "$tmp/s.db" 'select count(*) from boots')" -eq 25 ]
j=$($OF report --store "$tmp/s.db" --json); rc=$?
t "report exits 0" [ $rc -eq 0 ]
py() { /usr/bin/python3 -c "import json,sys; r=json.loads(sys.stdin.read()); $1" <<<"$j"; }
# hand count: unpatched has 12 boots, 1 infra (u11): 11 counted, 4 target failures (u1-u3, u12)
t "unpatched: 11 boots, 4 target failures, 1 infra" py 'c=[c for c in r["cells"] if c["variant"]=="unpatched"][0]; sys.exit(not (c["boots"]==11 and c["target_failures"]==4 and c["infra"]==1))'
t "shipped: 13 boots, 0 failures, 1 hang" py 'c=[c for c in r["cells"] if c["variant"]=="shipped"][0]; sys.exit(not (c["boots"]==13 and c["target_failures"]==0 and c["hangs"]==1))'
t "other titles are counted apart (the WARNING, the panic)" py 'c=[c for c in r["cells"] if c["variant"]=="unpatched"][0]; o={x["title"]:x["boots"] for x in c["other"]}; sys.exit(not (o.get("WARNING in lkdtm_WARNING")==1 and o.get("kernel panic: Oops: Fatal exception")==4))'
t "the first log of another title is shown" py 'c=[c for c in r["cells"] if c["variant"]=="unpatched"][0]; sys.exit(not all(x["first_log"] for x in c["other"]))'
# Wilson 4/11 at 95%: by hand centre 0.39893, half-width 0.24727 -> [0.1517, 0.6462]
t "the interval is Wilson's" py 'c=[c for c in r["cells"] if c["variant"]=="unpatched"][0]; lo,hi=c["ci95"]; sys.exit(not (abs(lo-0.1517)<0.001 and abs(hi-0.6461)<0.001))'
# 0 of 13 at 99%: 1 - 0.01^(1/13) = 0.2985
t "the sentence states the detection bound" py 's=r["comparisons"][0]["sentence"]; sys.exit(not ("shipped: 0 of 13" in s and "29.8%" in s and "99% probability" in s))'
t "text report names the target" grep -q "target   $T" <<<"$($OF report --store "$tmp/s.db")"
$OF report --store "$tmp/s.db" --campaign nosuch > /dev/null 2>&1
t "an unknown campaign is a usage error" [ $? -eq 2 ]
echo "not a database" > "$tmp/bad.db"
$OF report --store "$tmp/bad.db" > /dev/null 2>&1
t "a store that is not SQLite is an infra error" [ $? -eq 3 ]
# two writers on a store that does not exist yet both store their boot (hostile case f8)
lost=0
for k in 1 2 3 4 5; do
	rm -f "$tmp"/race.db*
	$OF record --store "$tmp/race.db" --campaign c --variant v --setup s --uid a "$tmp/race.log" >/dev/null 2>&1 &
	$OF record --store "$tmp/race.db" --campaign c --variant v --setup s --uid b "$tmp/race.log" >/dev/null 2>&1 &
	wait
	[ "$(sqlite3 "$tmp/race.db" 'select count(*) from boots')" = 2 ] || lost=$((lost + 1))
done
t "two records racing on a new store never lose a boot (5 races)" [ $lost -eq 0 ]
