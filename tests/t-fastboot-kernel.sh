#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The full chain on the U-Boot fastboot board with real kernels: the board
# kernel's two variants (shipped, unpatched-platform; build-kernel.sh's
# cache, the same kernels as t-run-qemu) with the real agent as init, each
# in a header v2 boot.img; A flashed to boot_a and B to boot_b once; boots
# by switching the slot through misc (A, then B); each console stored by
# `oopsfarm record` with the variant's build-id, so the verdict rule checks
# the BEGIN line: lkdtm's WARNING is a crash in both, with the same title as
# on the QEMU kind; the same console filed under the other variant's
# build-id is infra.  Then the same by RAM boot.
# The first run on a machine builds U-Boot and the kernels (cached after).
. "$(dirname "$0")/lib.sh"
OF=$(pwd)/$OF
D=devices/u-boot-fastboot
skip_all() { skip "u-boot fastboot board with kernels" "$1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
for c in qemu-system-aarch64 aarch64-linux-gnu-gcc fastboot sfdisk mkenvimage; do
	command -v $c >/dev/null || skip_all "$c missing (make deps)"
done
tmp=$(mktemp -d)
trap 'declare -F uboot_power_off >/dev/null && uboot_power_off; rm -rf "$tmp"' EXIT

UBOOT=$($D/build-u-boot.sh 2>"$tmp/build.err" | tail -n 1) ||
	{ echo "not ok 1 - U-Boot builds"; tail -20 "$tmp/build.err" | sed 's/^/# /'; exit 0; }
export UBOOT
make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 ||
	{ echo "not ok 1 - the agent cross-builds"; tail -5 "$tmp/make.log" | sed 's/^/# /'; exit 0; }
AGENT=build/aarch64-linux-gnu/oopsfarm-agent
KA=$(devices/qemu-smmuv3/build-kernel.sh 2>"$tmp/ka.err" | tail -n 1)
KB=$(devices/qemu-smmuv3/build-kernel.sh devices/qemu-smmuv3/patches/unpatched-platform.patch 2>"$tmp/kb.err" | tail -n 1)
[ -f "$KA/Image" ] && [ -f "$KB/Image" ] ||
	{ echo "not ok 1 - the board kernels build"; tail -5 "$tmp/ka.err" "$tmp/kb.err" | sed 's/^/# /'; exit 0; }
t "two variants, two build-ids" [ "$(cat "$KA/build-id")" != "$(cat "$KB/build-id")" ]

# The agent's knobs as a campaign passes them; lkdtm's WARNING makes every boot a crash.
ARGS="console=ttyAMA0 panic=-1 oopsfarm.settle_ms=300 oopsfarm.provoke_wait_ms=1000 oopsfarm.provoke=WARNING"
for v in A B; do
	K=KA && [ $v = B ] && K=KB
	devices/qemu-smmuv3/mkinitramfs.sh "$tmp/initrd$v.cpio" "$AGENT" "${!K}" 2>"$tmp/mkinitramfs.log"
	# RAM at 0x40000000; arm64 wants the kernel 2 MiB aligned
	$OF image boot --header-version 2 --base 0x40000000 --kernel-offset 0x200000 --kernel "${!K}/Image" \
		--ramdisk "$tmp/initrd$v.cpio" --cmdline "$ARGS" -o "$tmp/boot$v.img"
done
t "v2 boot images of both variants" [ -s "$tmp/bootA.img" -a -s "$tmp/bootB.img" ]
echo "# boot.img sizes: $(stat -c %s "$tmp/bootA.img") $(stat -c %s "$tmp/bootB.img") bytes"

. $D/board-lib.sh
power_on() { uboot_power_on "$tmp" && PORT=$UBOOT_PORT; }
wait_off() { uboot_wait_off 180; }
fb() { $OF fastboot -s "udp:127.0.0.1:$PORT" --product qemu-arm "$@"; }
record() { # uid variant build-id log
	$OF record --store "$tmp/s.db" --campaign fastboot --variant "$2" --setup uboot --uid "$1" \
		--target "WARNING in lkdtm_WARNING" --agent --build-id "$3" "$4"
}

t "the board reaches fastboot" power_on
fb flash boot_a "$tmp/bootA.img" >/dev/null && fb flash boot_b "$tmp/bootB.img" >/dev/null
t "both variants flashed, once" [ $? -eq 0 ]
uboot_power_off

# A then B: the slot through misc, no reflash
i=0
for v in A B; do
	i=$((i + 1))
	[ $v = A ] && slot=a K=$KA name=shipped || slot=b K=$KB name=unpatched-platform
	power_on && fb slot $slot >/dev/null && fb continue >/dev/null
	t "boot $i: slot $slot booted and powered off" wait_off
	cp "$tmp/console.log" "$tmp/boot$i.log"
	t "boot $i: U-Boot chose slot $slot" grep -q "oopsfarm: booting slot $slot" "$tmp/boot$i.log"
	out=$(record "ab-$i" "$name" "$(cat "$K/build-id")" "$tmp/boot$i.log")
	t "boot $i ($name): verdict crash, build-id checked" [ "$out" = "ab-$i crash" ]
	t "boot $i: the title the QEMU kind gives" grep -q '"title":"WARNING in lkdtm_WARNING"' <($OF parse --json "$tmp/boot$i.log")
done
# the same console under the other variant's build-id: the wrong kernel, infra
out=$(record "wrong-1" unpatched-platform "$(cat "$KB/build-id")" "$tmp/boot1.log")
t "slot a's console filed as variant B: infra (build-id mismatch)" [ "$out" = "wrong-1 infra" ]

# RAM boot: nothing written
power_on
before=$(sha256sum "$tmp/sd.img" | cut -c1-64)
fb boot "$tmp/bootA.img" >/dev/null
t "RAM boot of A: booted and powered off" wait_off
out=$(record "ram-1" shipped "$(cat "$KA/build-id")" "$tmp/console.log")
t "RAM boot of A: verdict crash, build-id checked" [ "$out" = "ram-1 crash" ]
t "RAM boot: the card is unchanged" [ "$(sha256sum "$tmp/sd.img" | cut -c1-64)" = "$before" ]
