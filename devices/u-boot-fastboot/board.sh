#!/bin/bash
# SPDX-License-Identifier: MIT
#
# board.sh DIR PORT [SERIAL [PRODUCT]]
#
# Runs the U-Boot fastboot board in the foreground (the caller backgrounds
# it; power is this process): QEMU virt arm64 with build-u-boot.sh's U-Boot
# as firmware, fastboot on UDP 127.0.0.1:PORT (QEMU user networking,
# hostfwd to the guest's 5554), and an SD card on sdhci-pci whose GPT
# holds boot_a, boot_b, vendor_boot_a, vendor_boot_b, dtbo_a, dtbo_b and
# misc.  Files in DIR:
#   sd.img       the card (created on first use, kept: it is the board's flash)
#   flash1.img   U-Boot's environment (u-boot.env, SERIAL and PRODUCT filled in)
#   console.log  the UART (CONSOLE=pty puts it on a pty instead; QEMU prints
#                "char device redirected to /dev/pts/N"; CONSOLE=tty:PATH on
#                the tty PATH, say a socat pty's end: the board as a desk
#                board sees it, tests/t-fastboot-desk.sh)
# SERIAL defaults to oopsfarm-uboot-0, PRODUCT to qemu-arm (U-Boot's own
# board name, what `getvar product` says).
# Environment: UBOOT (the dir with u-boot.bin; default: build-u-boot.sh's
# output), CONSOLE (file or pty), QEMU (default qemu-system-aarch64).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: board.sh DIR PORT [SERIAL [PRODUCT]]" >&2; exit 2; }
DIR=$1 PORT=$2 SERIAL=${3:-oopsfarm-uboot-0} PRODUCT=${4:-qemu-arm}
UBOOT=${UBOOT:-$("$HERE/build-u-boot.sh" | tail -n 1)}
[ -f "$UBOOT/u-boot.bin" ] || { echo "board.sh: no u-boot.bin in '$UBOOT'" >&2; exit 1; }
mkdir -p "$DIR"

if [ ! -f "$DIR/sd.img" ]; then
	# QEMU's sd-card wants a power-of-two size
	truncate -s 128M "$DIR/sd.img.tmp"
	sfdisk -q "$DIR/sd.img.tmp" <<-PARTS
	label: gpt
	size=32M, name=boot_a
	size=32M, name=boot_b
	size=8M, name=vendor_boot_a
	size=8M, name=vendor_boot_b
	size=1M, name=dtbo_a
	size=1M, name=dtbo_b
	size=1M, name=misc
	PARTS
	mv "$DIR/sd.img.tmp" "$DIR/sd.img"
fi
grep -v '^#' "$HERE/u-boot.env" | sed "s/@SERIAL@/$SERIAL/; s/@PRODUCT@/$PRODUCT/" >"$DIR/env.txt"
mkenvimage -s 0x40000 -o "$DIR/flash1.img" "$DIR/env.txt"
truncate -s 64M "$DIR/flash1.img" # QEMU virt's second pflash bank

case ${CONSOLE:-file} in
pty) SERIAL_OPT=(-serial pty) ;;
tty:*) SERIAL_OPT=(-chardev "serial,id=ser0,path=${CONSOLE#tty:}" -serial chardev:ser0) ;;
*) SERIAL_OPT=(-serial "file:$DIR/console.log") ;;
esac
exec "${QEMU:-qemu-system-aarch64}" -M virt -cpu cortex-a57 -m 1024 -no-reboot \
	-display none -monitor none "${SERIAL_OPT[@]}" \
	-bios "$UBOOT/u-boot.bin" \
	-drive if=pflash,unit=1,file="$DIR/flash1.img",format=raw \
	-netdev user,id=n0,hostfwd=udp:127.0.0.1:"$PORT"-:5554 -device virtio-net-pci,netdev=n0 \
	-device sdhci-pci -drive if=none,id=sd,file="$DIR/sd.img",format=raw -device sd-card,drive=sd
