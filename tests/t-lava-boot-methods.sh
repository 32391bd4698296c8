#!/bin/bash
# SPDX-License-Identifier: MIT
#
# A lab's existing LAVA jobs, read without their definition and without our
# agent: a job's boots are found by LAVA's own action name for each boot
# method (tools/lava/actions.c), not by the word "boot".  The real 2-boot
# job logs of tests/fixtures/lava/ (QEMU, "boot-image-retry") are replayed
# with their boot action renamed as depthcharge, grub and u-boot name
# theirs; each must store the same verdicts and titles as the original,
# and `lava ingest` keeps its summary line.
set -u
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$B/oopsfarm
FX=tests/fixtures/lava
n=0
t() { local d=$1; shift; n=$((n + 1)); if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi; }
command -v zstdcat > /dev/null || { echo "ok 1 - lava boot methods # SKIP zstd missing (make deps)"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
verdicts() { sqlite3 "$tmp/$1.db" "SELECT group_concat(b.verdict || coalesce(':' || c.title, ''), ' | ') FROM
	(SELECT * FROM boots ORDER BY seq) b LEFT JOIN crashes c ON c.boot_id = b.id AND c.ord = 0"; }
for f in warning clean; do
	zstdcat "$FX/$f.yaml.zst" > "$tmp/$f.yaml"
	for m in depthcharge-action grub-main-action uboot-action; do
		sed "s/\bboot-image-retry\b/$m/g" "$tmp/$f.yaml" > "$tmp/$f-$m.yaml"
		$OF lava ingest --store "$tmp/$f-$m.db" --campaign lab --variant head --setup lab-board --boots 2 \
			--server lab --device dut-01 --no-agent "$tmp/$f-$m.yaml" > "$tmp/out" 2> "$tmp/err"
		rc=$?
		case $f in
		warning) want="crash:WARNING in lkdtm_WARNING | crash:WARNING in lkdtm_WARNING" ;;
		clean) want="pass | pass" ;;
		esac
		t "$f job, boot action '$m', no agent, no definition: $want (rc $rc)" \
			test "$rc" -eq 0 -a "$(verdicts "$f-$m")" = "$want"
		t "... both boots marked as run without our agent" \
			test "$(sqlite3 "$tmp/$f-$m.db" "SELECT group_concat(agent) FROM boots")" = "0,0"
		t "... the summary line scripts read" grep -qE ": 2 boots stored in [0-9.]+ s \(([0-9]+ (pass|crash|hang|infra)(, )?){4}\)$" "$tmp/out" "$tmp/err"
	done
done
echo "1..$n"
