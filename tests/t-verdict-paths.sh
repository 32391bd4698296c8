#!/bin/bash
# SPDX-License-Identifier: MIT
#
# One verdict rule on every path: the same console gets the same verdict
# (and the same target count) through `oopsfarm lava ingest` (a LAVA job's
# log), `oopsfarm record` (a console file) and `oopsfarm run` on the replay
# board (the farm loop, whose board plays the console back through a pipe).
# The consoles are the boots of real LAVA jobs of the real board kernel
# (tests/fixtures/lava/): lkdtm WARNING, PANIC, a clean boot, and a boot
# whose agent never ended.  A wrong build-id makes the same crash an infra
# error, stored and never counted, on both paths that check it.
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/lava
BID=03084e0189181f8e95fbf75c6156c7107bb2fd0c	# the captured kernel's (README)
T="WARNING in lkdtm_WARNING"
command -v zstdcat >/dev/null || { echo "ok 1 - verdict paths # SKIP zstd missing (make deps)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" build/run/t-vp-*' EXIT
q() { sqlite3 "$1" "$2"; }
row() { q "$1" "select verdict || ' ' || target_hit from boots where seq = 0 and campaign_id = (select id from campaigns where name = '$2')"; }

for f in warning panic clean hang; do
	health=Complete
	[ $f = hang ] && health=Incomplete
	zstdcat "$FX/$f.yaml.zst" >"$tmp/$f.yaml"
	$OF lava ingest --store "$tmp/lava.db" --campaign "t-vp-$f" --variant shipped --setup smp2 --boots 2 \
		--definition "$FX/$f.def.yaml" --build-id $BID --health $health --target "$T" \
		--logs "$tmp/logs-$f" "$tmp/$f.yaml" 2>/dev/null
	zstdcat "$tmp/logs-$f/shipped-smp2-lava1-1.log.zst" >"$tmp/$f.log"

	$OF record --store "$tmp/rec.db" --campaign "t-vp-$f" --variant shipped --setup smp2 --uid "$f" \
		--target "$T" --agent --build-id $BID "$tmp/$f.log" >/dev/null

	cat >"$tmp/$f.yaml" <<YAML
campaign: t-vp-$f
target: "$T"
variants:
  - name: shipped
setups:
  - name: smp2
    board: replay
boots: 1
YAML
	OOPSFARM_REPLAY_CONSOLE="$tmp/$f.log" $OF run --store "$tmp/replay.db" "$tmp/$f.yaml" >"$tmp/run-$f.out" \
		2>"$tmp/run-$f.err"
	rc=$?
	t "$f: run on the replay board exits 0" [ $rc -eq 0 ]
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/run-$f.err"
	t "$f: the replay board kept the console byte for byte" \
		cmp -s "$tmp/$f.log" <(zstdcat build/run/t-vp-$f/logs/shipped-smp2-0.0.log.zst)
	want=$(row "$tmp/lava.db" "t-vp-$f")
	t "$f: lava ingest, record and the replay board agree ($want)" \
		[ -n "$want" -a "$(row "$tmp/rec.db" "t-vp-$f")" = "$want" -a "$(row "$tmp/replay.db" "t-vp-$f")" = "$want" ]
	eval "want_$f=\$want"
done
t "the four consoles: crash with the target, crash, pass, hang" \
	[ "$want_warning|$want_panic|$want_clean|$want_hang" = "crash 1|crash 0|pass 0|hang 0" ]

# the wrong kernel: the crash is stored and shown, never counted
OTHER=0123456789abcdef0123456789abcdef01234567
$OF record --store "$tmp/wrong.db" --campaign t-vp-wrong --variant shipped --setup smp2 --uid w1 \
	--target "$T" --agent --build-id $OTHER "$tmp/warning.log" >/dev/null
zstdcat "$FX/warning.yaml.zst" >"$tmp/w.yaml"
$OF lava ingest --store "$tmp/wrong.db" --campaign t-vp-wrong --variant shipped --setup smp2 --boots 2 \
	--job 7 --definition "$FX/warning.def.yaml" --build-id $OTHER --target "$T" "$tmp/w.yaml" 2>/dev/null
t "a wrong build-id: infra and not counted on record and ingest, its crashes stored" \
	[ "$(q "$tmp/wrong.db" "select count(*) from boots b where verdict = 'infra' and target_hit = 0 and infra_reason = 'build-id mismatch: booted $BID, expected $OTHER' and exists (select 1 from crashes c where c.boot_id = b.id and c.title = '$T')")" -eq 3 ]
$OF report --store "$tmp/wrong.db" --campaign t-vp-wrong --json >"$tmp/wrong.json"
t "... and the report counts no boot and no crash title" \
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); c=r["cells"][0]; sys.exit(not (c["boots"]==0 and c["infra"]==3 and c["other"]==[]))' "$tmp/wrong.json"

# the banner stamp: a crash before the agent from another variant's kernel
sed 's/^\(.*Linux version [^#]*\)#[^ ]*/\1#of-0000000000000000/' "$tmp/panic.log" >"$tmp/stamped.log"
$OF record --store "$tmp/stamp.db" --campaign s --variant shipped --setup smp2 --uid s1 --agent \
	--stamp of-1111111111111111 "$tmp/stamped.log" >/dev/null
$OF record --store "$tmp/stamp.db" --campaign s --variant shipped --setup smp2 --uid s2 --agent \
	--stamp of-0000000000000000 "$tmp/stamped.log" >/dev/null
t "a banner stamp of another variant: infra (wrong kernel); its own: the crash" \
	[ "$(q "$tmp/stamp.db" "select group_concat(verdict || ':' || coalesce(infra_reason, ''), '|') from (select * from boots order by boot_uid)")" = "infra:wrong kernel: banner #of-0000000000000000, expected #of-1111111111111111|crash:" ]
