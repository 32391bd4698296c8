#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The LAVA collector's ingest path on real LAVA job logs, without a server:
# tests/fixtures/lava/ holds logs and definitions of 2-boot jobs of the real
# board kernel captured from LAVA 2023.01 (tests/lava/capture-fixtures.sh):
# lkdtm WARNING, PANIC (panic=0), a clean boot, a job canceled in its first
# boot, and one whose first boot's monitor timed out.  `oopsfarm lava ingest` must split each log into its (boot,
# test) pairs and store one row per boot with the verdicts and titles the
# local farm gives; wrong build-ids, truncated, cut and malformed logs are
# refused or marked, never half-stored; ingesting twice stores nothing new.
# tests/t-lava.sh does the same through a running LAVA.
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/lava
BID=03084e0189181f8e95fbf75c6156c7107bb2fd0c	# the captured kernel's (README)
command -v zstdcat >/dev/null || { echo "ok 1 - lava ingest # SKIP zstd missing (make deps)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in warning panic clean canceled hang; do zstdcat "$FX/$f.yaml.zst" >"$tmp/$f.yaml"; done
q() { sqlite3 "$tmp/$1.db" "$2"; }
ingest() { # DB CAMPAIGN LOG [options]
	local db=$1 c=$2 log=$3; shift 3
	$OF lava ingest --store "$tmp/$db.db" --campaign "$c" --variant shipped --setup smp2 --boots 2 \
		--server fixture --device qemu-smmuv3-01 "$@" "$log"
}
verdicts() { q "$1" "select group_concat(verdict || coalesce(': ' || infra_reason, ''), ' | ') from (select * from boots order by seq)"; }

t "the fixtures are LAVA's YAML, with PyYAML's ! tags" grep -q '! "null"' "$tmp/warning.yaml"

ingest w warn "$tmp/warning.yaml" --definition "$FX/warning.def.yaml" --build-id $BID \
	--target "WARNING in lkdtm_WARNING" --logs "$tmp/logs" 2>"$tmp/err"
t "warning: exit 0, 2 boots" [ $? -eq 0 -a "$(q w "select count(*) from boots")" -eq 2 ]
t "warning: both crashes with the target 'WARNING in lkdtm_WARNING'" \
	[ "$(q w "select count(*) from boots b join crashes c on c.boot_id = b.id where b.verdict = 'crash' and b.target_hit = 1 and c.ord = 0 and c.title = 'WARNING in lkdtm_WARNING'")" -eq 2 ]
t "warning: boot ids name server, job and pair; seq 0 and 1" \
	[ "$(q w "select group_concat(boot_uid || ' ' || seq, ',') from (select * from boots order by seq)")" = "warn/shipped/smp2/lava-fixture-1-1 0,warn/shipped/smp2/lava-fixture-1-2 1" ]
t "warning: source lava, the device, job 1, the agent's build-id, LAVA's start time" \
	[ "$(q w "select count(*) from boots where source = 'lava' and board = 'qemu-smmuv3-01' and lava_job_id = 1 and build_id = '$BID' and started like '____-__-__T__:__:__Z' and wall_ms > 0")" -eq 2 ]
t "warning: each boot's console kept compressed, with its own BEGIN" \
	bash -c "[ \$(ls '$tmp'/logs/*.zst | wc -l) -eq 2 ] && [ \$(zstdcat '$tmp'/logs/shipped-smp2-lava1-1.log.zst | grep -c 'OOPSFARM:1:BEGIN:') -eq 1 ]"
ingest w warn "$tmp/warning.yaml" --definition "$FX/warning.def.yaml" --build-id $BID 2>"$tmp/err2"
t "warning again: nothing new stored" bash -c "[ \$(sqlite3 '$tmp/w.db' 'select count(*) from boots') -eq 2 ] && grep -q '0 boots stored' '$tmp/err2'"
ingest h warn "$tmp/warning.yaml" --build-id $BID --target "WARNING in lkdtm_WARNING" 2>/dev/null
t "without the definition (boot actions by name): the same boots" \
	[ "$(verdicts h)" = "$(verdicts w)" -a "$(q h "select count(*) from crashes where title = 'WARNING in lkdtm_WARNING'")" -eq 2 ]

ingest p panic "$tmp/panic.yaml" --definition "$FX/panic.def.yaml" --build-id $BID 2>/dev/null
t "panic (panic=0, LAVA says Complete): both boots crash 'kernel panic: dumptest'" \
	[ "$(q p "select count(*) from boots b join crashes c on c.boot_id = b.id where b.verdict = 'crash' and c.title = 'kernel panic: dumptest'")" -eq 2 ]

ingest c clean "$tmp/clean.yaml" --definition "$FX/clean.def.yaml" --build-id $BID 2>/dev/null
t "clean: BEGIN and END, no crash: pass, pass" [ "$(verdicts c)" = "pass | pass" ]
ingest x clean "$tmp/clean.yaml" --definition "$FX/clean.def.yaml" --build-id 0123456789abcdef0123456789abcdef01234567 2>/dev/null
t "clean with another variant's build-id: infra, both ids named" \
	[ "$(q x "select count(*) from boots where verdict = 'infra' and infra_reason = 'build-id mismatch: booted $BID, expected 0123456789abcdef0123456789abcdef01234567'")" -eq 2 ]

ingest k cancel "$tmp/canceled.yaml" --definition "$FX/canceled.def.yaml" --build-id $BID --health Canceled 2>/dev/null
t "canceled in boot 1: infra (the agent never ended), infra (never started)" \
	[ "$(verdicts k)" = "infra: the agent never ended: job canceled | infra: the LAVA job ended before this boot (canceled)" ]

ingest g hang "$tmp/hang.yaml" --definition "$FX/hang.def.yaml" --build-id $BID --health Incomplete 2>/dev/null
t "a monitor that timed out: hang (with LAVA's words), then infra (the job ended there)" \
	[ "$(verdicts g)" = "hang: the agent never ended (LAVA: lava-test-monitor-retry failed: 1 of 1 attempts. 'lava-test-monitor timed out after 60 seconds') | infra: the LAVA job ended before this boot (LAVA: Test: lava-test-monitor timed out after 60 seconds)" ]

# bad logs: refused whole, with a reason and a line, nothing stored
lines=$(wc -l <"$tmp/warning.yaml")
head -n $((lines / 2)) "$tmp/warning.yaml" >"$tmp/half.yaml"
ingest t1 warn "$tmp/half.yaml" 2>"$tmp/e1"; rc=$?
t "a truncated log (no job result): exit 3, 'truncated', no boot" \
	bash -c "[ $rc -eq 3 ] && grep -q 'the log of LAVA job 1 is truncated: $((lines / 2)) lines and no job result' '$tmp/e1' && [ \$(sqlite3 '$tmp/t1.db' 'select count(*) from boots') -eq 0 ]"
head -c -30 "$tmp/half.yaml" >"$tmp/cut.yaml"
ingest t2 warn "$tmp/cut.yaml" 2>"$tmp/e2"; rc=$?
t "a log cut inside an entry: exit 3, 'malformed', the line" \
	bash -c "[ $rc -eq 3 ] && grep -qE 'malformed log of LAVA job 1: line ($((lines / 2))|$((lines / 2 + 1))):' '$tmp/e2' && [ \$(sqlite3 '$tmp/t2.db' 'select count(*) from boots') -eq 0 ]"
{ head -n 100 "$tmp/warning.yaml"; echo '- {"dt": "x", "lvl": "target", "msg": [unclosed'; tail -n +101 "$tmp/warning.yaml"; } >"$tmp/bad.yaml"
ingest t3 warn "$tmp/bad.yaml" 2>"$tmp/e3"; rc=$?
t "a malformed entry: exit 3, its line" \
	bash -c "[ $rc -eq 3 ] && grep -qE 'malformed log of LAVA job 1: line 10[12]:' '$tmp/e3' && [ \$(sqlite3 '$tmp/t3.db' 'select count(*) from boots') -eq 0 ]"
{ head -n 100 "$tmp/warning.yaml"; echo '- {"dt": "x", "lvl": "debug", "msg": "first", "msg": "second"}'; tail -n +101 "$tmp/warning.yaml"; } >"$tmp/dup.yaml"
ingest d1 warn "$tmp/dup.yaml" --definition "$FX/warning.def.yaml" --build-id $BID 2>"$tmp/ed"; rc=$?
t "a repeated key in an entry: read as LAVA reads it (last wins), with a warning" \
	bash -c "[ $rc -eq 0 ] && grep -q 'job 1: 1 repeated keys in its log' '$tmp/ed' && [ \"\$(sqlite3 '$tmp/d1.db' 'select count(*) from boots')\" -eq 2 ]"
echo '{"not": "a list"}' >"$tmp/json.yaml"
ingest t4 warn "$tmp/json.yaml" 2>"$tmp/e4"; rc=$?
t "not a LAVA log at all: exit 3, says what a LAVA log is" bash -c "[ $rc -eq 3 ] && grep -q 'a LAVA log is a YAML list' '$tmp/e4'"

$OF report --store "$tmp/w.db" --campaign warn >"$tmp/report" 2>&1
t "oopsfarm report on ingested boots: 2 of 2" grep -qE '^shipped +smp2 +2 +2 ' "$tmp/report"
# the token goes only to https, a loopback host, or with --insecure
sqlite3 "$tmp/w.db" "insert into lava_jobs (campaign_id, server, job_id, variant_id, setup_id, device_type, batch, boots, state) values (1, 'http://lava.example.com', 9, 1, 1, 'qemu', 1, 2, 'Submitted')"
OOPSFARM_LAVA_TOKEN=secret $OF lava status --store "$tmp/w.db" --campaign warn >/dev/null 2>"$tmp/err"
t "lava status: no token over plain http to a remote host (exit 3, says why)" \
	bash -c "[ $? -eq 3 ] && grep -q 'not sending the token over plain http' '$tmp/err' && ! grep -q secret '$tmp/err'"
# a lab's job without our agent, told from its console (no --no-agent): the
# clean job with the agent's lines taken off its console passes (the console
# decides), marked agent 0; beside the same job with the agent in one
# campaign, every report keeps the two apart: text, JSON, HTML, kcidb
grep -v '"lvl": "target", "msg": "OOPSFARM:' "$tmp/clean.yaml" > "$tmp/noagent.yaml"
ingest m mixed "$tmp/clean.yaml" --job 7 --build-id $BID 2> /dev/null
ingest m mixed "$tmp/noagent.yaml" --job 8 --build-id $BID 2> "$tmp/em"; rc=$?
t "a job without the agent, told from its console: exit 0, pass, pass, agent 0" \
	test "$rc $(q m "SELECT group_concat(verdict || ':' || agent, ' ') FROM boots WHERE lava_job_id = 8")" = "0 pass:0 pass:0"
t "... the same job with the agent: agent 1" \
	test "$(q m "SELECT group_concat(agent) FROM boots WHERE lava_job_id = 7")" = "1,1"
$OF report --store "$tmp/m.db" --campaign mixed --html "$tmp/m.html" --kcidb "$tmp/m.kcidb" > "$tmp/m.txt" 2> /dev/null
$OF report --store "$tmp/m.db" --campaign mixed --json > "$tmp/m.json" 2> /dev/null
t "text report: one row with the agent, one without, 2 boots each" bash -c "
	grep -qE '^shipped +smp2 +2 +0 ' '$tmp/m.txt' && grep -qE '^shipped +smp2 \(no agent\) +2 +0 ' '$tmp/m.txt'"
t "JSON report: two cells, agent true and false" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["cells"]
sys.exit(not sorted((x["setup"], x["agent"], x["boots"]) for x in c) == [("smp2", True, 2), ("smp2 (no agent)", False, 2)])' "$tmp/m.json"
t "HTML report: the cell without the agent is named apart" grep -q 'smp2 (no agent)' "$tmp/m.html"
t "kcidb: each test says whether the agent ran, in its setup" python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["tests"]
sys.exit(not sorted((x["environment"]["misc"]["setup"], x["environment"]["misc"]["agent"]) for x in t)
         == [("smp2", True)] * 2 + [("smp2 (no agent)", False)] * 2)' "$tmp/m.kcidb"
exit 0
