#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: qemu
#
# The fastboot flasher in the farm loop, and the full chain with real
# kernels on a real fastboot bootloader (it replaces t-fastboot-kernel.sh,
# which drove the same chain boot by boot with `oopsfarm record`; a wrong
# build-id through record is tests/t-verdict-paths.sh's): `oopsfarm run` on a desk board
# description whose console is a socat pty on the U-Boot fastboot board's
# UART, whose power is a command that starts and stops that board's QEMU
# (tests/board-sim/qemu-power.sh), and whose flash: is the board's real
# U-Boot 2023.01 UDP fastboot (devices/u-boot-fastboot/).  The variants
# are the QEMU kind's (shipped, unpatched-platform; build-kernel.sh's
# cache) with the agent as init, built into header v2 boot.img by the desk
# kind; lkdtm's WARNING makes every boot a crash.
#   1. A/B through misc: each variant flashed once into its slot (a, b),
#      booted interleaved, method and slot stored with every boot, the
#      ledger in the store.
#   2. --resume with more boots: no slot is flashed again; slot b,
#      overwritten behind oopsfarm's back with variant A, boots the wrong
#      build-id: infra (shown, retried), the ledger marks it "wrong", and
#      the retry flashes it again and boots B.
#   3. The same campaign by RAM boot: nothing written on the card.
#   4. A wrong product: every attempt infra, nothing written.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
D=devices/u-boot-fastboot
skip_all() { skip "the fastboot flasher in the farm loop" "$1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
for c in qemu-system-aarch64 aarch64-linux-gnu-gcc fastboot sfdisk mkenvimage socat sqlite3; do
	command -v $c >/dev/null || skip_all "$c missing (make deps)"
done
. tests/board-sim/sim.sh
tmp=$(mktemp -d)
runs="build/run/fb-ab build/run/fb-ram build/run/fb-wrong"
trap 'sim_stop; rm -rf "$tmp" $runs' EXIT
rm -rf $runs
export OOPSFARM_LOCK_DIR=$tmp
t0=$SECONDS

UBOOT=$($D/build-u-boot.sh 2>"$tmp/build.err" | tail -n 1) ||
	{ echo "not ok 1 - U-Boot builds"; tail -20 "$tmp/build.err" | sed 's/^/# /'; exit 0; }
export UBOOT
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 ||
	{ echo "not ok 1 - the agent cross-builds"; tail -5 "$tmp/make.log" | sed 's/^/# /'; exit 0; }
KA=$(devices/qemu-smmuv3/build-kernel.sh 2>/dev/null | tail -n 1)
KB=$(devices/qemu-smmuv3/build-kernel.sh devices/qemu-smmuv3/patches/unpatched-platform.patch 2>/dev/null | tail -n 1)
BA=$(cat "$KA/build-id") BB=$(cat "$KB/build-id")

sim_start "$tmp" "$PWD/tests/board-sim/qemu-power.sh"
/usr/bin/python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' >"$tmp/port"
port=$(cat "$tmp/port")
desk() { # FILE METHOD PRODUCT: the sim's description, named, with a flasher
	{
		sed 's/^kind: desk$/kind: desk\nname: uboot-desk/; s/speed: 115200}/speed: 115200, kernel: ttyAMA0}/' "$tmp/desk.yaml"
		cat <<EOY
flash:
  fastboot: {udp: "127.0.0.1:$port"}
  product: $3
  method: $2
  select: misc
  recipe: devices/qemu-smmuv3
  image: {header_version: 2, base: 0x40000000, kernel_offset: 0x200000}
  wait: 60
EOY
	} >"$1"
}
campaign() { # FILE NAME BOARD BOOTS
	cat >"$1" <<EOC
campaign: $2
target: "WARNING in lkdtm_WARNING"
variants:
  - name: shipped
  - name: unpatched-platform
    patches: [devices/qemu-smmuv3/patches/unpatched-platform.patch]
setups: [{name: uboot, board: "$3"}]
boots: $4
timeouts: {start: 30, kernel: 90, agent_begin: 60, agent_end: 120, settle: 1, idle: 60}
agent: "provoke=WARNING provoke_wait_ms=1000 settle_ms=300"
EOC
}
q() { sqlite3 "$1" "$2"; }
desk "$tmp/ab.yaml" slots qemu-arm
out=$($OF board check "$tmp/ab.yaml")
t "board check shows the flasher" grep -q "flash    fastboot udp:127.0.0.1:$port, product qemu-arm, A/B slots by misc, boot.img v2, kernels from devices/qemu-smmuv3" <<<"$out"

# 1. A/B slots through misc
campaign "$tmp/ab-c.yaml" fb-ab "$tmp/ab.yaml" 1
t1=$SECONDS
$OF run "$tmp/ab-c.yaml" >"$tmp/ab.out" 2>"$tmp/ab.err"; rc=$?
ab_s=$((SECONDS - t1))
db=build/run/fb-ab/results.db
t "A/B campaign: exit 0" eval '[ $rc -eq 0 ] || { tail -5 "$tmp/ab.err" | sed "s/^/# /"; false; }'
$OF image info build/run/fb-ab/fastboot/shipped.boot.img >"$tmp/info" 2>&1
t "  the boot.img's command line begins with the description's console.kernel" grep -q "cmdline.*console=ttyAMA0 panic=-1 " "$tmp/info"
rows() { q "$db" "SELECT v.name, b.verdict, b.target_hit, b.flash_method, b.slot, b.build_id = v.build_id FROM boots b JOIN variants v ON v.id = b.variant_id ORDER BY b.id" | tr '\n' ' '; }
echo "# boots: $(rows)"
t "  shipped booted slot a, unpatched-platform slot b: crashes with the target, the variant's build-id" \
	[ "$(rows)" = "shipped|crash|1|slots|a|1 unpatched-platform|crash|1|slots|b|1 " ]
t "  U-Boot's ab_select chose each variant's slot (its console line)" \
	eval 'zstdcat build/run/fb-ab/logs/shipped-uboot-0.0.log.zst | grep -q "oopsfarm: booting slot a" &&
	      zstdcat build/run/fb-ab/logs/unpatched-platform-uboot-0.0.log.zst | grep -q "oopsfarm: booting slot b"'
t "  the title is the QEMU kind's" [ "$(q "$db" "SELECT count(*) FROM crashes WHERE title = 'WARNING in lkdtm_WARNING'")" -eq 2 ]
ledger() { q "$db" "SELECT slot, variant, build_id, state, flashes, mismatches FROM slot_ledger WHERE board = 'uboot-desk' ORDER BY slot" | tr '\n' ' '; }
echo "# ledger: $(ledger)"
t "  the ledger: a holds shipped, b unpatched-platform, each flashed once" \
	[ "$(ledger)" = "a|shipped|$BA|ok|1|0 b|unpatched-platform|$BB|ok|1|0 " ]

# 2. --resume with a second boot each; slot b overwritten with A behind our back
rm -f "$tmp/pid"
tests/board-sim/qemu-power.sh on "$tmp"
$OF fastboot -s "udp:127.0.0.1:$port" --product qemu-arm --timeout 60 check >/dev/null 2>&1 &&
	$OF fastboot -s "udp:127.0.0.1:$port" --product qemu-arm flash boot_b build/run/fb-ab/fastboot/shipped.boot.img >/dev/null 2>&1
t "slot b overwritten with shipped behind oopsfarm's back" [ $? -eq 0 ]
tests/board-sim/qemu-power.sh off "$tmp"
t1=$SECONDS
$OF run --resume --boots 2 "$tmp/ab-c.yaml" >"$tmp/re.out" 2>"$tmp/re.err"; rc=$?
re_s=$((SECONDS - t1))
t "resume: exit 0" eval '[ $rc -eq 0 ] || { tail -5 "$tmp/re.err" | sed "s/^/# /"; false; }'
echo "# boots: $(rows)"
t "  the wrong kernel in slot b is infra, named" \
	[ "$(q "$db" "SELECT count(*) FROM boots WHERE verdict = 'infra' AND slot = 'b' AND infra_reason LIKE '%build-id%' AND build_id = '$BA'")" -eq 1 ]
t "  and shown, with a retry" grep -q "infra error (.*build-id.*), retrying" "$tmp/re.err"
t "  the retry booted B from slot b" \
	[ "$(q "$db" "SELECT count(*) FROM boots b JOIN variants v ON v.id = b.variant_id WHERE v.name = 'unpatched-platform' AND b.verdict = 'crash' AND b.slot = 'b' AND b.build_id = '$BB'")" -eq 2 ]
t "  2 counted boots per variant" [ "$(q "$db" "SELECT count(*) FROM boots WHERE verdict = 'crash' AND target_hit = 1")" -eq 4 ]
echo "# ledger: $(ledger)"
t "  slot a was not flashed again; slot b once more, after its mismatch" \
	[ "$(ledger)" = "a|shipped|$BA|ok|1|0 b|unpatched-platform|$BB|ok|2|1 " ]

# 3. RAM boot: the same campaign, nothing written
desk "$tmp/ram.yaml" ram qemu-arm
campaign "$tmp/ram-c.yaml" fb-ram "$tmp/ram.yaml" 1
before=$(sha256sum "$tmp/sd.img" | cut -c1-64)
t1=$SECONDS
$OF run "$tmp/ram-c.yaml" >"$tmp/ram.out" 2>"$tmp/ram.err"; rc=$?
ram_s=$((SECONDS - t1))
db=build/run/fb-ram/results.db
echo "# boots: $(rows)"
t "RAM boot campaign: exit 0, both variants crash with their build-ids, method ram, no slot" \
	eval '[ $rc -eq 0 ] && [ "$(rows)" = "shipped|crash|1|ram||1 unpatched-platform|crash|1|ram||1 " ]'
t "  the card is unchanged" [ "$(sha256sum "$tmp/sd.img" | cut -c1-64)" = "$before" ]

# 4. a wrong product: never flashed
desk "$tmp/wrong.yaml" slots oriole
campaign "$tmp/wrong-c.yaml" fb-wrong "$tmp/wrong.yaml" 1
sed -i '/unpatched-platform/,+1d' "$tmp/wrong-c.yaml"
t1=$SECONDS
$OF run "$tmp/wrong-c.yaml" >"$tmp/wrong.out" 2>"$tmp/wrong.err"
wrong_s=$((SECONDS - t1))
db=build/run/fb-wrong/results.db
t "wrong product: every attempt infra, the products named" \
	eval '[ "$(q "$db" "SELECT DISTINCT verdict FROM boots")" = infra ] &&
	      q "$db" "SELECT infra_reason FROM boots" | grep -q "is product '"'qemu-arm'"', the board description says '"'oriole'"'"'
t "  3 attempts (2 retries), shown" [ "$(grep -c 'infra error' "$tmp/wrong.err")" -eq 3 ]
t "  nothing written on the card" [ "$(sha256sum "$tmp/sd.img" | cut -c1-64)" = "$before" ]
t "  nothing in the ledger" [ "$(q "$db" "SELECT count(*) FROM slot_ledger")" -eq 0 ]
t "no QEMU is left running" eval '[ ! -f "$tmp/pid" ] || ! kill -0 "$(cat "$tmp/pid")" 2>/dev/null'
echo "# $((SECONDS - t0)) s: A/B $ab_s s, resume $re_s s, RAM $ram_s s, wrong product $wrong_s s"
exit 0
