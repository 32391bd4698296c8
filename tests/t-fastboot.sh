#!/bin/bash
# SPDX-License-Identifier: MIT
#
# oopsfarm fastboot against a real fastboot bootloader: Debian's U-Boot
# 2023.01 on QEMU virt arm64 (devices/u-boot-fastboot/board.sh) over UDP,
# driven by Debian's fastboot client.  Both slots flashed, the slot chosen
# through misc's A/B control block (U-Boot's ab_select), each boot proved
# by what the booted image prints (a stub kernel per variant); a RAM boot;
# the device checks and bad input (wrong product, no answer, a partition
# too small or missing, a timeout mid-flash) fail as infra with nothing
# written.  The first run on a machine builds U-Boot (measured 843 s on 2
# busy cores; cached after in ~/.cache/oopsfarm/u-boot/).
. "$(dirname "$0")/lib.sh"
OF=$(pwd)/$OF
D=devices/u-boot-fastboot
skip_all() { skip "u-boot fastboot board" "$1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
for c in qemu-system-aarch64 aarch64-linux-gnu-gcc fastboot sfdisk mkenvimage; do
	command -v $c >/dev/null || skip_all "$c missing (make deps)"
done
tmp=$(mktemp -d)
trap 'uboot_power_off; rm -rf "$tmp"' EXIT

UBOOT=$($D/build-u-boot.sh 2>"$tmp/build.err" | tail -n 1) ||
	{ echo "not ok 1 - U-Boot builds"; tail -20 "$tmp/build.err" | sed 's/^/# /'; exit 0; }
export UBOOT

# stub kernels: one line naming the variant, then PSCI off
for v in A B; do
	aarch64-linux-gnu-gcc -c -DVARIANT=\"$v\" -o "$tmp/stub$v.o" $D/stub-kernel.S &&
		aarch64-linux-gnu-objcopy -O binary -j .text "$tmp/stub$v.o" "$tmp/stub$v.Image"
done
printf 'oopsfarm stub ramdisk\n' >"$tmp/rd" # U-Boot 2023.01 refuses an Android image without one
for v in A B; do
	$OF image boot --header-version 2 --base 0x40000000 --kernel "$tmp/stub$v.Image" --ramdisk "$tmp/rd" \
		--cmdline "variant=$v" -o "$tmp/boot$v.img"
done
t "v2 boot images of both stubs" [ -s "$tmp/bootA.img" -a -s "$tmp/bootB.img" ]

. $D/board-lib.sh
power_on() { uboot_power_on "$tmp" && PORT=$UBOOT_PORT; }
wait_off() { uboot_wait_off 15; }
# bytes of partition NAME of the card (from its GPT)
part() {
	local start size
	read -r start size < <(sfdisk -d "$tmp/sd.img" | sed -n "s/.*start= *\([0-9]*\), size= *\([0-9]*\),.*name=\"$1\".*/\1 \2/p")
	dd if="$tmp/sd.img" bs=512 skip="$start" count="$size" status=none
}
card_sum() { sha256sum "$tmp/sd.img" | cut -d' ' -f1; }

t "the board reaches fastboot" power_on
FB=(-s "udp:127.0.0.1:$PORT")
out=$($OF fastboot "${FB[@]}" --product qemu-arm check 2>&1)
t "check: product qemu-arm" [ $? -eq 0 ]
t "getvar serialno from the board's environment" [ "$($OF fastboot "${FB[@]}" getvar serialno)" = oopsfarm-uboot-0 ]
t "getvar max-download-size: U-Boot's 128 MiB buffer" [ "$($OF fastboot "${FB[@]}" getvar max-download-size)" = 0x08000000 ]

# A wrong product writes nothing.
before=$(card_sum)
$OF fastboot "${FB[@]}" --product oriole flash boot_a "$tmp/bootA.img" >/dev/null 2>"$tmp/err"; rc=$?
t "wrong product: exit 3 (infra)" [ $rc -eq 3 ]
t "wrong product: the message names both" grep -q "is product 'qemu-arm', the board description says 'oriole'" "$tmp/err"
$OF fastboot "${FB[@]}" --product oriole slot a >/dev/null 2>&1
t "wrong product: the card is byte-identical after flash and slot" [ "$(card_sum)" = "$before" ]
$OF fastboot "${FB[@]}" flash boot_a "$tmp/bootA.img" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "product is required" "$tmp/err"; t_last "flash without --product: usage error, nothing sent"

# Both slots flashed once, read back from the card.
$OF fastboot "${FB[@]}" --product qemu-arm flash boot_a "$tmp/bootA.img" >"$tmp/out" 2>&1
t "flash boot_a" [ $? -eq 0 ]
$OF fastboot "${FB[@]}" --product qemu-arm flash boot_b "$tmp/bootB.img" >>"$tmp/out" 2>&1
t "flash boot_b" [ $? -eq 0 ]
sed 's/^/# /' "$tmp/out"
t "boot_a holds image A, byte for byte" cmp -s <(part boot_a | head -c "$(stat -c %s "$tmp/bootA.img")") "$tmp/bootA.img"
t "boot_b holds image B, byte for byte" cmp -s <(part boot_b | head -c "$(stat -c %s "$tmp/bootB.img")") "$tmp/bootB.img"

# Bad input: each refused before a byte is written.
before=$(card_sum)
head -c 1100000 /dev/zero >"$tmp/big"
$OF fastboot "${FB[@]}" --product qemu-arm flash dtbo_a "$tmp/big" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "larger than partition 'dtbo_a'" "$tmp/err"; t_last "an image larger than the partition: exit 3"
$OF fastboot "${FB[@]}" --product qemu-arm flash nosuch "$tmp/bootA.img" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "has no partition 'nosuch'" "$tmp/err"; t_last "a partition that does not exist: exit 3"
t "nothing written by the refused flashes" [ "$(card_sum)" = "$before" ]
# U-Boot 2023.01 has no slot-count variable, so the client refuses set_active
# before sending it (U-Boot would answer OKAY and do nothing anyway).
$OF fastboot "${FB[@]}" --product qemu-arm set-active b >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 3 ] && grep -q "does not support slots" "$tmp/err"; t_last "set_active on U-Boot: the client's refusal is an infra error"

# Slot b through misc, then continue: ab_select picks b, its stub prints B.
$OF fastboot "${FB[@]}" --product qemu-arm slot b >/dev/null 2>&1
t "slot b: misc holds the control block (suffix b, magic BCAB)" \
	[ "$(part misc | head -c 2056 | tail -c 8 | od -An -c | tr -d ' ')" = 'b\0\0\0BCAB' ]
$OF fastboot "${FB[@]}" --product qemu-arm continue >/dev/null 2>&1
t "slot b: the board powers off by itself" wait_off
t "slot b: U-Boot booted slot b" grep -q "oopsfarm: booting slot b" "$tmp/console.log"
t "slot b: image B ran" grep -q "oopsfarm-stub: variant=B" "$tmp/console.log"
t "slot b: image A did not" bash -c "! grep -q 'variant=A' '$tmp/console.log'"

power_on || true
FB=(-s "udp:127.0.0.1:$PORT")
$OF fastboot "${FB[@]}" --product qemu-arm slot a >/dev/null 2>&1 &&
	$OF fastboot "${FB[@]}" --product qemu-arm continue >/dev/null 2>&1
t "slot a after a power cycle: no reflash" wait_off
t "slot a: image A ran" grep -q "oopsfarm-stub: variant=A" "$tmp/console.log"

# RAM boot: nothing written.
power_on || true
FB=(-s "udp:127.0.0.1:$PORT")
before=$(card_sum)
$OF fastboot "${FB[@]}" --product qemu-arm boot "$tmp/bootB.img" >/dev/null 2>"$tmp/err"
t "RAM boot of image B" wait_off
t "RAM boot: image B ran" grep -q "oopsfarm-stub: variant=B" "$tmp/console.log"
t "RAM boot: the card is unchanged" [ "$(card_sum)" = "$before" ]

# A timeout in the middle of a flash: the board freezes (SIGSTOP) during the
# download; the call ends at its limit as infra.
power_on || true
FB=(-s "udp:127.0.0.1:$PORT")
head -c 16000000 /dev/urandom >"$tmp/big16"
$OF fastboot "${FB[@]}" --product qemu-arm --timeout 3 --rate 8 flash boot_a "$tmp/big16" >/dev/null 2>"$tmp/err" &
fpid=$!
# freeze once the download has begun (U-Boot says so on its console)
for i in $(seq 1 200); do grep -q "Starting download of 16000000" "$tmp/console.log" && break; sleep 0.05; done
kill -STOP "$UBOOT_PID"
wait "$fpid"; rc=$?
kill -CONT "$UBOOT_PID"
t "timeout mid-flash: exit 3" [ $rc -eq 3 ]
t "timeout mid-flash: 'no answer ... within 5 s (fastboot flash)'" \
	grep -q "no answer from fastboot device 'udp:127.0.0.1:$PORT' within 5 s (fastboot flash)" "$tmp/err"
uboot_power_off

# Nobody there: the client would wait forever; the call ends at its limit.
$OF fastboot -s "udp:127.0.0.1:$PORT" --product qemu-arm --timeout 2 check >/dev/null 2>"$tmp/err"; rc=$?
t "no device answering: exit 3 (infra)" [ $rc -eq 3 ]
t "no device answering: 'no answer ... within 2 s'" grep -q "no answer from fastboot device 'udp:127.0.0.1:$PORT' within 2 s" "$tmp/err"
$OF fastboot -s "udp:" check >/dev/null 2>&1; rc=$?
t "a bad target: exit 2" [ $rc -eq 2 ]
