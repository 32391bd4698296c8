#!/bin/bash
# SPDX-License-Identifier: MIT
#
# capture-fixtures.sh OUTDIR: real LAVA job logs for tests/t-lava-ingest.sh.
#
# Brings up the test LAVA (lava-stack.sh), submits 2-boot jobs of the real
# board kernel (variant shipped) through `oopsfarm lava submit`, and keeps
# each job's log (GET /api/v0.2/jobs/ID/logs/, zstd) and definition as
#   warning   lkdtm WARNING in both boots
#   panic     lkdtm PANIC in both boots (panic=0: the kernel stays up)
#   clean     no crash: BEGIN and END in both boots
#   canceled  the agent settles for 60 s and the job is canceled in boot 1
#   hang      the agent settles for 300 s: boot 1's monitor times out (1 min)
# plus OUTDIR/README with the LAVA and kernel versions.  Needs root and the
# LAVA packages; about 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
OF=${B:-build/host}/oopsfarm
STACK=tests/lava/lava-stack.sh
mkdir -p "$OUT"
tmp=$(mktemp -d /tmp/capture-lava.XXXXXX)
chmod 755 "$tmp"
trap 'bash $STACK down "$tmp/stack" >/dev/null 2>&1; rm -rf "$tmp" build/run/fx-*' EXIT
make --no-print-directory tools >/dev/null
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- >/dev/null
bash $STACK up "$tmp/stack"
eval "$(bash $STACK env "$tmp/stack")"
TOKEN=$(cat "$LAVA_TOKEN_FILE")
S="--token-file $LAVA_TOKEN_FILE --store $tmp/s.db"

spec() { # NAME AGENT
	cat <<YAML
campaign: fx-$1
variants: [{name: shipped}]
setups: [{name: smp2, vcpus: 2}]
boots: 2
agent: "$2"
YAML
}
declare -A agent=(
	[warning]="provoke=WARNING provoke_wait_ms=1000 settle_ms=100"
	[panic]="provoke=PANIC settle_ms=100"
	[clean]="settle_ms=100"
	[canceled]="settle_ms=60000"
	[hang]="settle_ms=300000"
)
# the hang's monitor gets the shortest limit the template allows
sed 's/^  boot_minutes: {type: int, default: 5,/  boot_minutes: {type: int, default: 1,/' jobs/qemu-smmuv3.yaml >"$tmp/short.yaml"
for f in warning panic clean canceled hang; do
	spec $f "${agent[$f]}" >"$tmp/$f.yaml"
	tpl=()
	[ $f = hang ] && tpl=(--template "$tmp/short.yaml")
	$OF lava submit --url "$LAVA_URL" $S --boots-per-job 2 "${tpl[@]}" "$tmp/$f.yaml" >"$tmp/$f.id" 2>/dev/null
done
cx=$(cut -d' ' -f1 "$tmp/canceled.id")
for _ in $(seq 1 300); do
	curl -s -H "Authorization: Token $TOKEN" "$LAVA_URL/api/v0.2/jobs/$cx/logs/" | grep -q 'OOPSFARM:1:BEGIN:' && break
	sleep 0.2
done
$OF lava cancel $S --campaign fx-canceled
for f in warning panic clean canceled hang; do
	id=$(cut -d' ' -f1 "$tmp/$f.id")
	for _ in $(seq 1 900); do
		st=$(curl -s -H "Authorization: Token $TOKEN" "$LAVA_URL/api/v0.2/jobs/$id/" |
			/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["state"], d["health"])')
		[ "${st% *}" = Finished ] && break
		sleep 0.5
	done
	sleep 1
	curl -s -H "Authorization: Token $TOKEN" "$LAVA_URL/api/v0.2/jobs/$id/logs/" | zstd -q -19 >"$OUT/$f.yaml.zst"
	curl -s -H "Authorization: Token $TOKEN" "$LAVA_URL/api/v0.2/jobs/$id/" |
		/usr/bin/python3 -c 'import json,sys; sys.stdout.write(json.load(sys.stdin)["definition"])' >"$OUT/$f.def.yaml"
	echo "$f: job $id, ${st#* }"
done
cat >"$OUT/README" <<EOF
Real LAVA job logs (GET /api/v0.2/jobs/ID/logs/, zstd) and definitions, captured by
tests/lava/capture-fixtures.sh on $(date -u +%Y-%m-%d): LAVA $(dpkg-query -W -f='${Version}' lava-server),
QEMU $(dpkg-query -W -f='${Version}' qemu-system-arm), kernel $(cat "$(devices/qemu-smmuv3/build-kernel.sh 2>/dev/null | tail -1)/VERSION"),
build-id $(cat "$(devices/qemu-smmuv3/build-kernel.sh 2>/dev/null | tail -1)/build-id"), the board agent as /init, 2 boots per job.
warning: lkdtm WARNING in both boots; panic: lkdtm PANIC in both (panic=0);
clean: no crash; canceled: settle_ms=60000, canceled during boot 1;
hang: settle_ms=300000 with a 1-minute monitor, which times out in boot 1.
EOF
