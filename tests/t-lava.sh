#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: lava qemu
#
# oopsfarm against a real LAVA 2023.01 (Debian 12's lava-server and
# lava-dispatcher) on 127.0.0.1: tests/lava/lava-stack.sh brings up
# PostgreSQL, gunicorn, lava-publisher, lava-scheduler and a lava-worker with
# two qemu SMMUv3 devices.  The real board kernel variants (shipped,
# unpatched-platform) with the real agent as init go through `oopsfarm lava
# submit` and `collect`; lkdtm crashes provoked by the agent make titles
# deterministic, and they must be the titles the local farm gives
# (t-run-qemu.sh, t-qemu-agent.sh).  Failure paths against the same server:
# a bad token, a rejected job, a device type the server lacks, an
# unreachable server, the server stopped in the middle of a collection and
# started again, truncated and malformed logs.  Teardown leaves no process.
#
# Skips only when the LAVA packages are missing and the Debian archive
# cannot be reached to install them.  OOPSFARM_SKIP_QEMU=1 skips too (no
# board).  About 2-3 minutes with packages and kernels cached.
. "$(dirname "$0")/lib.sh"
STACK=tests/lava/lava-stack.sh
skip_all() { echo "ok 1 - lava # SKIP $1"; exit 0; }
q() { sqlite3 "$tmp/s.db" "$1"; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (PostgreSQL and the LAVA worker)"

# the packages (make deps installs them; a bare `tests/run` may come first)
need=$(sed 's/#.*//' devices/lava/deps.txt | tr -s ' \n' '\n' | sort -u)
missing=()
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	upd=$(DEBIAN_FRONTEND=noninteractive apt-get update 2>&1)
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=900 "${missing[@]}" >/dev/null 2>&1; then
		if grep -qiE 'could not resolve|failed to fetch|temporary failure|unable to connect|network is unreachable' <<<"$upd"; then
			skip_all "the Debian archive is unreachable: cannot install ${missing[*]}"
		fi
		echo "not ok 1 - install ${missing[*]}"
		exit 1
	fi
fi

tmp=$(mktemp -d /tmp/t-lava.XXXXXX)
chmod 755 "$tmp"	# PostgreSQL runs as postgres in $tmp/stack
state=$tmp/stack
cleanup() {
	bash $STACK down "$state" >/dev/null 2>&1
	rm -rf "$tmp" build/run/t-lava build/run/t-lava-panic build/run/t-lava-restart build/run/t-lava-clean \
		build/run/t-lava-cancel build/run/t-lava-rejected
}
trap cleanup EXIT

make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 ||
	{ echo "not ok 1 - the agent cross-builds"; tail -5 "$tmp/make.log" | sed 's/^/# /'; exit 1; }
K=$(devices/qemu-smmuv3/build-kernel.sh 2>"$tmp/build.err" | tail -1)
[ -f "$K/Image" ] || { echo "not ok 1 - the board kernel builds"; tail -20 "$tmp/build.err" | sed 's/^/# /'; exit 1; }

t0=$SECONDS
bash $STACK up "$state" 2>"$tmp/up.err"; rc=$?
t "the LAVA stack comes up (PostgreSQL, gunicorn, publisher, scheduler, worker)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { sed 's/^/# /' "$tmp/up.err"; exit 1; }
echo "# $(tail -1 "$tmp/up.err")"
eval "$(bash $STACK env "$state")"
TOKEN=$(cat "$LAVA_TOKEN_FILE")
api() { curl -s --max-time 20 -H "Authorization: Token $TOKEN" "$@"; }
jget() { /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get(sys.argv[1]))' "$1"; }
t "two qemu devices on the worker" [ "$(api "$LAVA_URL/api/v0.2/devices/?device_type=qemu" | jget count)" = 2 ]

# 1. a raw job, by curl: the project's real kernel and initramfs as file:// URLs
devices/qemu-smmuv3/mkinitramfs.sh "$tmp/initrd.cpio" build/aarch64-linux-gnu/oopsfarm-agent "$K" 2>/dev/null
. tests/lava/qemu-job.sh
lava_qemu_job "oopsfarm raw curl job" "$K/Image" "$tmp/initrd.cpio" 2 raw \
	"console=ttyAMA0 panic=0 oopsfarm.provoke=WARNING oopsfarm.settle_ms=100 oopsfarm.action=halt" >"$tmp/raw.yaml"
raw=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"definition": open(sys.argv[1]).read()}))' "$tmp/raw.yaml" |
	api -H 'Content-Type: application/json' -d @- "$LAVA_URL/api/v0.2/jobs/" |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["job_ids"][0])' 2>/dev/null)
for _ in $(seq 1 120); do
	[ "$(api "$LAVA_URL/api/v0.2/jobs/$raw/" | jget state 2>/dev/null)" = Finished ] && break
	sleep 0.5
done
t "a raw curl job of the real kernel completes" [ "$(api "$LAVA_URL/api/v0.2/jobs/$raw/" | jget health)" = Complete ]
api "$LAVA_URL/api/v0.2/jobs/$raw/logs/" >"$tmp/raw.log"
t "... its console has the agent's BEGIN and lkdtm's WARNING" \
	bash -c "grep -q 'OOPSFARM:1:BEGIN:' '$tmp/raw.log' && grep -q 'WARNING: drivers/misc/lkdtm' '$tmp/raw.log'"
t "... with -smp 2 and -cpu max (the dictionary takes the job's context)" \
	grep -q 'Boot command: .*-cpu max,pauth-impdef=on .*-smp 2' "$tmp/raw.log"

# 2. a campaign of the real kernel variants through oopsfarm lava submit + collect
cat >"$tmp/c.yaml" <<YAML
campaign: t-lava
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups:
  - name: smp2
    vcpus: 2
boots: 4
agent: "provoke=WARNING provoke_wait_ms=1000 settle_ms=100"
YAML
S="--token-file $LAVA_TOKEN_FILE --store $tmp/s.db"
ts=$SECONDS
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/c.yaml" >"$tmp/sub.out" 2>"$tmp/sub.err"; rc=$?
t "lava submit exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -5 "$tmp/sub.err" | sed 's/^/# /'
t "4 jobs: 2 variants x 2 batches of 2 boots, recorded in the store" [ "$(q "select count(*) from lava_jobs")" -eq 4 ]
t "... interleaved: shipped, unpatched, shipped, unpatched" \
	[ "$(q "select group_concat(v.name, ',') from (select * from lava_jobs order by job_id) j join variants v on v.id = j.variant_id")" = "shipped,unpatched-platform,shipped,unpatched-platform" ]
t "... the job carries the campaign in its metadata" \
	bash -c "curl -s -H 'Authorization: Token $TOKEN' '$LAVA_URL/api/v0.2/jobs/$(head -1 "$tmp/sub.out" | cut -d' ' -f1)/' | grep -q 'oopsfarm_campaign: t-lava'"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/c.yaml" >/dev/null 2>"$tmp/sub2.err"
t "a second submit submits nothing" grep -q ': 0 jobs submitted, 0 adopted from the server, 4 already in the store' "$tmp/sub2.err"
# a submit whose answer was lost: the server has the job, the store does not
q "delete from lava_jobs where batch = 2 and variant_id = (select id from variants where name = 'shipped')"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/c.yaml" >/dev/null 2>"$tmp/sub3.err"
t "... and one the store lost is adopted from the server, not submitted again" \
	bash -c "grep -q ': 0 jobs submitted, 1 adopted from the server, 3 already' '$tmp/sub3.err' && [ \$(sqlite3 '$tmp/s.db' 'select count(*) from lava_jobs') -eq 4 ]"

$OF lava collect $S --campaign t-lava --wait --interval 0.5 --timeout 300 -v >"$tmp/col.out" 2>"$tmp/col.err"; rc=$?
tc=$SECONDS
t "lava collect --wait exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -5 "$tmp/col.err" | sed 's/^/# /'
echo "# 4 jobs, 8 boots: submit to collected in $((tc - ts)) s"
t "the token is never printed, even with -v" bash -c "! grep -qF '$TOKEN' '$tmp/col.err' '$tmp/col.out' '$tmp/sub.err' '$tmp/sub.out'"
t "exactly 8 boots, 4 per variant" [ "$(q "select group_concat(n) from (select count(*) n from boots group by variant_id order by variant_id)")" = "4,4" ]
t "every boot is a crash with the target title" [ "$(q "select count(*) from boots where verdict = 'crash' and target_hit = 1")" -eq 8 ]
t "titles identical to the local farm's: 'WARNING in lkdtm_WARNING'" \
	[ "$(q "select count(distinct b.id) from crashes c join boots b on b.id = c.boot_id where c.title = 'WARNING in lkdtm_WARNING' and c.ord = 0")" -eq 8 ]
t "source lava, board = the device, job id, the variant's build-id seen by the agent" \
	[ "$(q "select count(*) from boots b join variants v on v.id = b.variant_id where b.source = 'lava' and b.board like 'qemu-smmuv3-0_' and b.lava_job_id > 0 and b.build_id = v.build_id and v.build_id != ''")" -eq 8 ]
t "boot indexes 0..3 per variant, each once" \
	[ "$(q "select group_concat(s) from (select group_concat(seq) s from (select * from boots order by seq) group by variant_id)")" = "0,1,2,3,0,1,2,3" ]
t "the boots' consoles are kept, compressed" [ "$(ls "$tmp"/lava-t-lava/*-lava*.log.zst 2>/dev/null | wc -l)" -eq 8 ]
f=$(ls "$tmp"/lava-t-lava/shipped-smp2-lava*-1.log.zst | head -1)
t "... one boot's console: its agent BEGIN and the WARNING" \
	bash -c "zstdcat '$f' | grep -q 'OOPSFARM:1:BEGIN:' && zstdcat '$f' | grep -q 'WARNING: drivers/misc/lkdtm'"
t "each job marked collected, Finished/Complete" [ "$(q "select count(*) from lava_jobs where collected is not null and state = 'Finished' and health = 'Complete'")" -eq 4 ]
dump() { q "select boot_uid, seq, verdict, coalesce(infra_reason,''), target_hit, board, lava_job_id from boots order by boot_uid"; }
dump >"$tmp/dump1"
$OF lava collect $S --campaign t-lava >/dev/null 2>&1
t "collect twice = the same rows" bash -c "diff <(sqlite3 '$tmp/s.db' \"select boot_uid, seq, verdict, coalesce(infra_reason,''), target_hit, board, lava_job_id from boots order by boot_uid\") '$tmp/dump1'"
q "update lava_jobs set collected = null, log_offset = 0"
$OF lava collect $S --campaign t-lava >/dev/null 2>"$tmp/col2.err"
t "re-collecting every job from scratch stores no boot twice" \
	bash -c "diff <(sqlite3 '$tmp/s.db' \"select boot_uid, seq, verdict, coalesce(infra_reason,''), target_hit, board, lava_job_id from boots order by boot_uid\") '$tmp/dump1' && grep -q '0 boots stored' '$tmp/col2.err'"
$OF lava status $S --campaign t-lava >"$tmp/status.out" 2>&1
t "lava status: one line per job, Finished Complete, 2 stored" [ "$(grep -c 'Finished   Complete   2 boots, 2 stored, collected: yes' "$tmp/status.out")" -eq 4 ]
$OF report --store "$tmp/s.db" --campaign t-lava >"$tmp/report.out" 2>&1; rc=$?
t "oopsfarm report works on the LAVA boots" [ $rc -eq 0 ]
t "... 4 of 4 per variant" [ "$(grep -cE '^(shipped|unpatched-platform) +smp2 +4 +4 ' "$tmp/report.out")" -eq 2 ]

# 3. a panicking boot (kernel stays up: panic=0) is a kernel crash
sed -e 's/^campaign: t-lava/campaign: t-lava-panic/' -e 's/^boots: 4/boots: 2/' -e 's/provoke=WARNING/provoke=PANIC/' \
	-e 's/^target: .*/target: "kernel panic: dumptest"/' -e '/unpatched-platform/,+1d' "$tmp/c.yaml" >"$tmp/p.yaml"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/p.yaml" >/dev/null 2>&1
$OF lava collect $S --campaign t-lava-panic --wait --interval 0.5 --timeout 300 -q; rc=$?
t "panics: collect exits 0" [ $rc -eq 0 ]
t "... both panicking boots are crashes 'kernel panic: dumptest' (the local farm's title)" \
	[ "$(q "select count(*) from boots b join campaigns c on c.id = b.campaign_id join crashes x on x.boot_id = b.id where c.name = 't-lava-panic' and b.verdict = 'crash' and b.target_hit = 1 and x.title = 'kernel panic: dumptest'")" -eq 2 ]
echo "# LAVA's health for the panicking job: $(q "select health from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 't-lava-panic'")"

# a clean boot passes; a job canceled while its agent runs gives infra boots
sed -e 's/^campaign: t-lava/campaign: t-lava-clean/' -e 's/^boots: 4/boots: 2/' -e 's/provoke=WARNING //' \
	-e '/unpatched-platform/,+1d' "$tmp/c.yaml" >"$tmp/ok.yaml"
sed -e 's/^campaign: t-lava-clean/campaign: t-lava-cancel/' -e 's/settle_ms=100/settle_ms=60000/' "$tmp/ok.yaml" >"$tmp/cx.yaml"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/ok.yaml" >/dev/null 2>&1
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/cx.yaml" >"$tmp/cx.out" 2>&1
cx=$(cut -d' ' -f1 "$tmp/cx.out" | grep -E '^[0-9]+$' | head -1)
for _ in $(seq 1 200); do
	api "$LAVA_URL/api/v0.2/jobs/$cx/logs/" 2>/dev/null | grep -q 'OOPSFARM:1:BEGIN:' && break
	sleep 0.2
done
$OF lava cancel $S --campaign t-lava-cancel 2>"$tmp/cancel.err"; rc=$?
t "lava cancel: exit 0, 1 job canceled" bash -c "[ $rc -eq 0 ] && grep -q ': 1 jobs canceled' '$tmp/cancel.err'"
$OF lava collect $S --campaign t-lava-clean --wait --interval 0.5 --timeout 300 -q
$OF lava collect $S --campaign t-lava-cancel --wait --interval 0.5 --timeout 300 -q; rc=$?
cq() { q "select group_concat(b.verdict || ': ' || coalesce(b.infra_reason, ''), ' | ') from (select * from boots order by seq) b join campaigns c on c.id = b.campaign_id where c.name = '$1'"; }
t "boots without a crash, agent BEGIN and END: pass" [ "$(cq t-lava-clean)" = "pass:  | pass: " ]
t "a canceled job: collect exits 0, its 2 boots are infra errors that say so" \
	bash -c "[ $rc -eq 0 ] && [ \$(sqlite3 '$tmp/s.db' \"select count(*) from boots b join campaigns c on c.id = b.campaign_id where c.name = 't-lava-cancel' and b.verdict = 'infra' and b.infra_reason like '%cancel%'\") -eq 2 ]"
echo "# canceled: $(cq t-lava-cancel)"
clean_log=$(ls "$tmp"/lava-t-lava-clean/job-*.yaml.zst | head -1)
zstdcat "$clean_log" >"$tmp/clean.yaml"
$OF lava ingest --store "$tmp/b.db" --campaign t-bid --variant shipped --setup smp2 --boots 2 \
	--build-id 0123456789abcdef0123456789abcdef01234567 "$tmp/clean.yaml" 2>/dev/null
t "a BEGIN line with another build-id than the variant's: infra, both named" \
	[ "$(sqlite3 "$tmp/b.db" "select count(*) from boots where verdict = 'infra' and infra_reason like 'build-id mismatch: booted % expected 0123456789abcdef0123456789abcdef01234567'")" -eq 2 ]

# 4. failure paths against the real server
echo "not-a-token" >"$tmp/bad-token"
$OF lava status --token-file "$tmp/bad-token" --store "$tmp/s.db" --campaign t-lava >/dev/null 2>"$tmp/e1"; rc=$?
t "a bad token: exit 3 and LAVA's 403 message" bash -c "[ $rc -eq 3 ] && grep -q 'refused the token (HTTP 403): Invalid token' '$tmp/e1'"
$OF lava submit --url "$LAVA_URL" --token-file "$tmp/bad-token" --store "$tmp/bad.db" "$tmp/c.yaml" >/dev/null 2>"$tmp/e2"; rc=$?
t "... the same for submit" bash -c "[ $rc -eq 3 ] && grep -q 'HTTP 403' '$tmp/e2'"
# a job LAVA rejects: the template renders, LAVA's schema refuses it
sed -e '/^timeouts:/,/^  connection:/d' jobs/qemu-smmuv3.yaml >"$tmp/no-timeouts.yaml"
sed 's/^campaign: t-lava/campaign: t-lava-rejected/' "$tmp/c.yaml" >"$tmp/r.yaml"
$OF lava submit --url "$LAVA_URL" $S --template "$tmp/no-timeouts.yaml" "$tmp/r.yaml" >/dev/null 2>"$tmp/e3"; rc=$?
t "a rejected job: exit 3 and LAVA's 400 message" \
	bash -c "[ $rc -eq 3 ] && grep -q \"rejected the request (HTTP 400): .*required key not provided @ data\['timeouts'\]\" '$tmp/e3'"
t "... nothing recorded for it" [ "$(q "select count(*) from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 't-lava-rejected'")" -eq 0 ]
sed 's/^device_type: qemu/device_type: juno-r2/' jobs/qemu-smmuv3.yaml >"$tmp/juno.yaml"
$OF lava submit --url "$LAVA_URL" $S --template "$tmp/juno.yaml" "$tmp/r.yaml" >/dev/null 2>"$tmp/e4"; rc=$?
t "a device type the server lacks: exit 3, named" bash -c "[ $rc -eq 3 ] && grep -q \"has no device type 'juno-r2'\" '$tmp/e4'"
$OF lava submit --url http://127.0.0.1:1 $S "$tmp/r.yaml" >/dev/null 2>"$tmp/e5"; rc=$?
t "an unreachable server: exit 3, 'cannot reach', after retries" \
	bash -c "[ $rc -eq 3 ] && grep -q 'cannot reach LAVA at http://127.0.0.1:1: .*(6 tries)' '$tmp/e5'"
OOPSFARM_LAVA_TOKEN=$TOKEN $OF lava status --store "$tmp/s.db" --campaign t-lava >/dev/null 2>&1
t "the token also comes from \$OOPSFARM_LAVA_TOKEN" [ $? -eq 0 ]
env -u OOPSFARM_LAVA_TOKEN $OF lava status --store "$tmp/s.db" --campaign t-lava >/dev/null 2>"$tmp/e6"; rc=$?
t "no token at all: exit 2, says how to give one" bash -c "[ $rc -eq 2 ] && grep -q 'token-file' '$tmp/e6'"

# 5. the server stops in the middle of a collection and comes back
sed -e 's/^campaign: t-lava/campaign: t-lava-restart/' -e 's/provoke_wait_ms=1000/provoke_wait_ms=3000/' "$tmp/c.yaml" >"$tmp/x.yaml"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "$tmp/x.yaml" >/dev/null 2>&1
$OF lava collect $S --campaign t-lava-restart --wait --interval 0.3 --timeout 300 >"$tmp/rc.out" 2>"$tmp/rc.err" &
cpid=$!
# stop gunicorn once a job has log lines in the store, mid-job
for _ in $(seq 1 200); do
	[ "$(q "select coalesce(max(log_offset), 0) from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 't-lava-restart'")" -gt 0 ] && break
	sleep 0.1
done
bash $STACK stop-server "$state"
$OF lava collect $S --campaign t-lava-restart >/dev/null 2>"$tmp/e7"; rc=$?
t "with the server down, a one-shot collect says so (exit 3)" bash -c "[ $rc -eq 3 ] && grep -q 'cannot reach LAVA' '$tmp/e7'"
sleep 4
bash $STACK start-server "$state"
wait $cpid; rc=$?
t "the waiting collect went on after the restart and finished (exit 0)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -5 "$tmp/rc.err" | sed 's/^/# /'
t "... it saw the server gone" grep -q 'cannot reach LAVA.*trying again' "$tmp/rc.err"
t "... no boot lost or doubled: 8 boots, each index once per variant" \
	[ "$(q "select count(*), count(distinct b.variant_id || '/' || b.seq) from boots b join campaigns c on c.id = b.campaign_id where c.name = 't-lava-restart'")" = "8|8" ]
echo "# after the restart: $(q "select group_concat(verdict || ':' || n, ' ') from (select verdict, count(*) n from boots b join campaigns c on c.id = b.campaign_id where c.name = 't-lava-restart' group by verdict)"); jobs: $(q "select group_concat(state || '/' || health, ' ') from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 't-lava-restart'")"

# 6. stored logs: truncated and malformed ones are refused whole, with the line
zstdcat "$(ls "$tmp"/lava-t-lava/job-*.yaml.zst | head -1)" >"$tmp/job.yaml"
lines=$(wc -l <"$tmp/job.yaml")
I="$OF lava ingest --store $tmp/i.db --campaign t-ingest --variant shipped --setup smp2 --boots 2 --target"
head -n $((lines / 2)) "$tmp/job.yaml" >"$tmp/trunc.yaml"
head -c -20 "$tmp/trunc.yaml" >"$tmp/cut.yaml"
$I 'WARNING in lkdtm_WARNING' "$tmp/trunc.yaml" 2>"$tmp/e8"; rc=$?
t "a truncated job log: exit 3, 'truncated', no boot stored" \
	bash -c "[ $rc -eq 3 ] && grep -q 'is truncated' '$tmp/e8' && [ \$(sqlite3 '$tmp/i.db' 'select count(*) from boots') -eq 0 ]"
$I 'WARNING in lkdtm_WARNING' "$tmp/cut.yaml" 2>"$tmp/e9"; rc=$?
t "a log cut inside a line: exit 3, the line named" bash -c "[ $rc -eq 3 ] && grep -qE 'line [0-9]+' '$tmp/e9'"
{ head -n 100 "$tmp/job.yaml"; echo '- {"dt": "x", "lvl": [unclosed'; tail -n +101 "$tmp/job.yaml"; } >"$tmp/bad.yaml"
$I 'WARNING in lkdtm_WARNING' "$tmp/bad.yaml" 2>"$tmp/e10"; rc=$?
t "a malformed job log: exit 3, 'malformed' and line 101 or 102" \
	bash -c "[ $rc -eq 3 ] && grep -qE 'malformed log of LAVA job 1: line 10[12]' '$tmp/e10' && [ \$(sqlite3 '$tmp/i.db' 'select count(*) from boots') -eq 0 ]"
$I 'WARNING in lkdtm_WARNING' "$tmp/job.yaml" 2>/dev/null
$I 'WARNING in lkdtm_WARNING' "$tmp/job.yaml" 2>/dev/null
t "the whole log: 2 boots, the same titles; again: still 2" \
	[ "$(sqlite3 "$tmp/i.db" "select count(*) from boots b join crashes c on c.boot_id = b.id where c.title = 'WARNING in lkdtm_WARNING' and b.verdict = 'crash'")" -eq 2 ]

# 7. teardown leaves nothing behind
bash $STACK down "$state" 2>"$tmp/down.err"; rc=$?
t "lava-stack down: exit 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/down.err"
# every process the stack started carries its mark in its environment
left=$(/usr/bin/python3 - "$state" <<'EOF'
import os, sys
mark = ("OOPSFARM_LAVA_STACK=" + sys.argv[1]).encode()
for p in os.listdir("/proc"):
    try:
        if p.isdigit() and mark in open(f"/proc/{p}/environ", "rb").read().split(b"\0"):
            print(p, open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ")[:80].decode(errors="replace"))
    except OSError:
        pass
EOF
)
t "... no process of the stack is left" [ -z "$left" ]
[ -z "$left" ] || sed 's/^/# left: /' <<<"$left"
t "... nor a postgres of its cluster (ps)" bash -c "! ps -eo args | grep -F '$state/pg' | grep -v grep | grep -q ."
echo "# t-lava took $((SECONDS - t0)) s"
exit 0
