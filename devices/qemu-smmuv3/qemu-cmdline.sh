#!/bin/bash
# SPDX-License-Identifier: MIT
#
# qemu-cmdline.sh [-r] KERNEL_OUTDIR INITRAMFS LOG [KERNEL_ARGS...]
#
# The QEMU command line of the arm64 SMMUv3 board, in one place.
# Without -r it prints the command (shell-quoted, one line) for other
# tools to reuse; with -r it runs it (exec) and QEMU's exit code is the
# result:  0 = guest powered off (or rebooted: -no-reboot turns a reboot
# into an exit), 1 = guest panicked (pvpanic-pci), other = QEMU failed.
#
# KERNEL_ARGS are appended to "console=ttyAMA0 panic=-1".  panic=-1 makes
# a panicking kernel reboot at once, which -no-reboot turns into an exit,
# so a hung panic never eats the run's timeout.
#
# Serial console: raw guest bytes (CRLF line ends) go to LOG.
#   default            -serial file:LOG (scripted boots, nothing to attach)
#   SERIAL_SOCKET=P    -chardev socket,path=P,server=on,wait=on,logfile=LOG:
#                      the guest waits until a client connects to P, and
#                      LOG is complete whatever the client does.
#   SERIAL_TTY=T       -chardev serial,path=T: the UART on a tty (a pty's
#                      end, say a socat pty link), the board as a desk
#                      board sees it (tests/t-board-desk-qemu.sh); LOG is
#                      not written.
# Why these machine options (measured, see shared/research/qemu-board.md):
#   -cpu max,pauth-impdef=on  `max` with QARMA pointer auth costs 3-4x CPU;
#                             impdef pauth keeps the features, not the cost.
#   -device pvpanic-pci -action panic=exit-failure   panic => exit code 1.
#   -nic none -monitor none -display none   nothing the run does not use.
# Environment: QEMU (qemu-system-aarch64), SMP (2), MEM (1024), CPU,
#   QEMU_EXTRA (extra words, e.g. "-dtb my.dtb").
set -euo pipefail

run=0
if [ "${1:-}" = -r ]; then run=1; shift; fi
[ $# -ge 3 ] || { echo "usage: $0 [-r] KERNEL_OUTDIR INITRAMFS LOG [KERNEL_ARGS...]" >&2; exit 2; }
KDIR=$1 INITRD=$2 LOG=$3
shift 3

APPEND="console=ttyAMA0 panic=-1${*:+ $*}"
# shellcheck disable=SC2054  # commas are QEMU option syntax
cmd=("${QEMU:-qemu-system-aarch64}"
	-M virt,iommu=smmuv3 -cpu "${CPU:-max,pauth-impdef=on}"
	-smp "${SMP:-2}" -m "${MEM:-1024}"
	-no-reboot -display none -monitor none -nic none
	-device pvpanic-pci -action panic=exit-failure
	-kernel "$KDIR/Image" -initrd "$INITRD" -append "$APPEND")
if [ -n "${SERIAL_TTY:-}" ]; then
	cmd+=(-chardev "serial,id=ser0,path=$SERIAL_TTY" -serial chardev:ser0)
elif [ -n "${SERIAL_SOCKET:-}" ]; then
	cmd+=(-chardev "socket,id=ser0,path=$SERIAL_SOCKET,server=on,wait=on,logfile=$LOG"
		-serial chardev:ser0)
else
	cmd+=(-serial "file:$LOG")
fi
# shellcheck disable=SC2206  # QEMU_EXTRA is a word list on purpose
[ -z "${QEMU_EXTRA:-}" ] || cmd+=($QEMU_EXTRA)

if [ $run = 1 ]; then
	exec "${cmd[@]}"
fi
# Print shell-quoted, but leave plain words (QEMU's a=b,c=d) readable.
out=
for w in "${cmd[@]}"; do
	case $w in
	*[!A-Za-z0-9,._/:=+@-]* | '') w="'${w//\'/\'\\\'\'}'" ;;
	esac
	out="$out${out:+ }$w"
done
echo "$out"
