#!/bin/bash
# SPDX-License-Identifier: MIT
#
# oopsfarm run on the real QEMU SMMUv3 board with a real 7.2 kernel: lkdtm
# crashes are the deterministic check that verdicts and titles come out
# right, variant by variant; a re-run resumes without booting again; a run
# killed with -9 loses no finished boot and counts none twice.
# The race itself is never asserted here: it is measured by make demo.
# The first run on a machine builds the kernel (~10 min, cached after).
set -u
B=${B:-build/host}
OF=$B/oopsfarm
n=0
t() { local d=$1; shift; n=$((n + 1)); if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi; }
skip_all() { echo "ok 1 - qemu board # SKIP $1"; exit 0; }
command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 missing (make deps)"
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "aarch64-linux-gnu-gcc missing (make deps)"
tmp=$(mktemp -d); trap 'rm -rf "$tmp" build/run/t-run-qemu' EXIT

# crashinit: the recipe's minimal /init (loads modules, provokes crash=TYPE via lkdtm)
aarch64-linux-gnu-gcc -static -O2 -o "$tmp/crashinit" devices/qemu-smmuv3/tools/crashinit.c ||
	{ echo "not ok 1 - build crashinit"; exit 0; }
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
YAML
q() { sqlite3 "$tmp/s.db" "$1"; }
$OF run --init "$tmp/crashinit" --store "$tmp/s.db" --append "crash=WARNING crashwait=1" "$tmp/c.yaml" \
	> "$tmp/out" 2> "$tmp/err"; rc=$?
t "run exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -20 "$tmp/err" | sed 's/^/# /'
t "4 boots stored, 2 per variant" [ "$(q "select count(*) from boots where verdict != 'infra'")" -eq 4 ]
t "every boot is a crash with the target title" [ "$(q "select count(*) from boots where verdict='crash' and target_hit=1")" -eq 4 ]
t "the title is right in each boot" [ "$(q "select count(distinct boot_id) from crashes where title='WARNING in lkdtm_WARNING'")" -eq 4 ]
t "the report shows 2/2 per variant" [ "$(grep -cE '^(shipped|unpatched-platform) +smp2 +2 +2 ' "$tmp/out")" -eq 2 ]
t "variants were interleaved (ABAB)" [ "$(q "select group_concat(v.name, ',') from (select * from boots order by id) b join variants v on v.id=b.variant_id")" = "shipped,unpatched-platform,shipped,unpatched-platform" ]
t "raw consoles are kept, compressed" [ "$(ls build/run/t-run-qemu/logs/*.log.zst | wc -l)" -eq 4 ]
t "the kept console holds the crash" bash -c "zstdcat build/run/t-run-qemu/logs/shipped-smp2-0.0.log.zst | grep -q 'WARNING: drivers/misc/lkdtm'"
t "each variant's build-id is recorded" [ "$(q "select count(distinct build_id) from variants where build_id != ''")" -eq 2 ]

$OF run --init "$tmp/crashinit" --store "$tmp/s.db" --append "crash=WARNING crashwait=1" "$tmp/c.yaml" \
	> /dev/null 2>&1
t "a second run resumes: nothing booted twice" [ "$(q "select count(*) from boots")" -eq 4 ]

# kill -9 in the middle of a longer run, then resume
sed -i 's/^boots: 2/boots: 4/' "$tmp/c.yaml"
$OF run --init "$tmp/crashinit" --store "$tmp/s.db" --append "crash=WARNING crashwait=1" "$tmp/c.yaml" \
	> /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
	[ "$(q "select count(*) from boots")" -ge 5 ] && break
	sleep 0.2
done
kill -9 $pid; wait $pid 2>/dev/null
sleep 1
t "no QEMU outlives a killed run" bash -c "! pgrep -f 'logfile=build/run/t-run-[q]emu/' >/dev/null"
$OF run --init "$tmp/crashinit" --store "$tmp/s.db" --append "crash=WARNING crashwait=1" "$tmp/c.yaml" \
	> "$tmp/out" 2>/dev/null
t "after kill -9 and resume: 8 boots, each index once" [ "$(q "select count(distinct seq || v.name) from boots b join variants v on v.id=b.variant_id where verdict != 'infra'")" -eq 8 -a "$(q "select count(*) from boots where verdict != 'infra'")" -eq 8 ]

# a clean boot passes
cat > "$tmp/p.yaml" <<YAML
campaign: t-run-qemu-pass
variants: [{name: shipped}]
setups: [{name: smp2}]
boots: 1
YAML
$OF run --init "$tmp/crashinit" --store "$tmp/p.db" --append "crashwait=1" "$tmp/p.yaml" > /dev/null 2>&1
t "a boot without crash passes" [ "$(sqlite3 "$tmp/p.db" "select verdict from boots")" = pass ]
