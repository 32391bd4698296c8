#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/lava-bench.sh: oopsfarm against a real LAVA 2023.01 on 127.0.0.1
# (tests/lava/lava-stack.sh), numbers only, no pass/fail:
#   submit   jobs/s of `oopsfarm lava submit` (render + POST + store), then
#            `oopsfarm lava cancel` of those queued jobs
#   boots    a real campaign (real kernel, agent, lkdtm WARNING) submitted,
#            run by the worker's two qemu devices and collected: boots/s end
#            to end (the lab's speed)
#   collect  the same finished jobs collected again from scratch (log fetch
#            over the API + split + parse + store): jobs/s and boots/s of the
#            collector against the real API
#   ingest   10,000 boots replayed from those real job logs with
#            `oopsfarm lava ingest` (libyaml, crash parser, agent decoder,
#            zstd consoles, one SQLite transaction per boot): boots/s
# Needs root and the LAVA packages (make deps).  SUBMIT_JOBS, BOOTS and
# INGEST_BOOTS change the sizes.  About 3 minutes.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$B/oopsfarm
STACK=tests/lava/lava-stack.sh
SUBMIT_JOBS=${SUBMIT_JOBS:-100}
BOOTS=${BOOTS:-20}		# per variant, in jobs of 10 boots
INGEST_BOOTS=${INGEST_BOOTS:-10000}

tmp=$(mktemp -d /tmp/lava-bench.XXXXXX)
chmod 755 "$tmp"
state=$tmp/stack
trap 'bash $STACK down "$state" >/dev/null 2>&1; rm -rf "$tmp" build/run/bench-lava-submit build/run/bench-lava-boots' EXIT
make --no-print-directory tools >/dev/null
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >/dev/null
devices/qemu-smmuv3/build-kernel.sh >/dev/null 2>&1
devices/qemu-smmuv3/build-kernel.sh devices/qemu-smmuv3/patches/unpatched-platform.patch >/dev/null 2>&1

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", n / (b - a) }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

t=$(now)
bash $STACK up "$state" 2>/dev/null
echo "lava stack up: $(secs "$t" "$(now)") s"
eval "$(bash $STACK env "$state")"
S="--token-file $LAVA_TOKEN_FILE --store $tmp/s.db"

campaign() { # NAME BOOTS AGENT
	cat <<YAML
campaign: $1
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups:
  - name: smp2
    vcpus: 2
boots: $2
agent: "$3"
YAML
}

# submit: SUBMIT_JOBS one-boot jobs (the artifacts are cached and staged
# before the timed loop; the command reports the loop's own time)
campaign bench-lava-submit $((SUBMIT_JOBS / 2)) "provoke=WARNING settle_ms=100" >"$tmp/sub.yaml"
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 1 --priority low "$tmp/sub.yaml" >/dev/null 2>"$tmp/sub.err"
loop=$(sed -n 's/.*boots) in \([0-9.]*\) s$/\1/p' "$tmp/sub.err")
echo "submit: $SUBMIT_JOBS jobs in $loop s: $(awk -v n="$SUBMIT_JOBS" -v s="$loop" 'BEGIN { printf "%.1f", n / s }') jobs/s"
t=$(now)
$OF lava cancel $S --campaign bench-lava-submit >/dev/null 2>&1 || true
echo "cancel: $SUBMIT_JOBS jobs in $(secs "$t" "$(now)") s: $(rate "$SUBMIT_JOBS" "$t" "$(now)") jobs/s"
# let the canceled jobs drain from the devices
for _ in $(seq 1 300); do
	busy=$(curl -s -H "Authorization: Token $(cat "$LAVA_TOKEN_FILE")" "$LAVA_URL/api/v0.2/jobs/?state__in=Submitted,Scheduling,Scheduled,Running,Canceling&limit=1" |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')
	[ "$busy" = 0 ] && break
	sleep 1
done

# boots: a real campaign, end to end
campaign bench-lava-boots "$BOOTS" "provoke=WARNING provoke_wait_ms=500 settle_ms=100" >"$tmp/boots.yaml"
t=$(now)
$OF lava submit --url "$LAVA_URL" $S --boots-per-job 10 "$tmp/boots.yaml" >/dev/null 2>&1
$OF lava collect $S --campaign bench-lava-boots --wait --interval 1 -q
e=$(now)
nb=$(sqlite3 "$tmp/s.db" "select count(*) from boots b join campaigns c on c.id = b.campaign_id where c.name = 'bench-lava-boots'")
nj=$(sqlite3 "$tmp/s.db" "select count(*) from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 'bench-lava-boots'")
echo "end to end (2 qemu devices): $nb boots in $nj jobs in $(secs "$t" "$e") s: $(rate "$nb" "$t" "$e") boots/s"

# collect: the same finished jobs again from scratch, into a fresh copy of the store
cp "$tmp/s.db" "$tmp/c.db"
sqlite3 "$tmp/c.db" "delete from crashes; delete from boots; update lava_jobs set collected = null, log_offset = 0"
t=$(now)
$OF lava collect --token-file "$LAVA_TOKEN_FILE" --store "$tmp/c.db" --campaign bench-lava-boots --logs "$tmp/c-logs" -q
e=$(now)
nb2=$(sqlite3 "$tmp/c.db" "select count(*) from boots")
lines=$(sqlite3 "$tmp/c.db" "select sum(log_offset) from lava_jobs j join campaigns c on c.id = j.campaign_id where c.name = 'bench-lava-boots'")
echo "collect (finished jobs, API + ingest): $nj jobs, $nb2 boots, $lines log lines in $(secs "$t" "$e") s: $(rate "$nj" "$t" "$e") jobs/s, $(rate "$nb2" "$t" "$e") boots/s"

# ingest: INGEST_BOOTS boots replayed from the real job logs (10 boots each)
logs=("$tmp"/lava-bench-lava-boots/job-*.yaml.zst)
for i in "${!logs[@]}"; do zstdcat "${logs[$i]}" >"$tmp/job$i.yaml"; done
per=$(( (INGEST_BOOTS + 10 * ${#logs[@]} - 1) / (10 * ${#logs[@]}) ))
size=$(cat "$tmp"/job*.yaml | wc -c)
t=$(now)
$OF lava ingest --store "$tmp/i.db" --campaign bench-ingest --variant shipped --setup smp2 --boots 10 \
	--target "WARNING in lkdtm_WARNING" --repeat "$per" --logs "$tmp/i-logs" "$tmp"/job*.yaml 2>/dev/null
e=$(now)
ni=$(sqlite3 "$tmp/i.db" "select count(*) from boots")
mb=$(awk -v s="$size" -v p="$per" 'BEGIN { printf "%.0f", s * p / 1048576 }')
echo "ingest (stored real LAVA logs, $mb MiB of YAML): $ni boots in $(secs "$t" "$e") s: $(rate "$ni" "$t" "$e") boots/s"
echo "ingest verdicts: $(sqlite3 "$tmp/i.db" "select group_concat(verdict || ' ' || n, ', ') from (select verdict, count(*) n from boots group by verdict)")"
