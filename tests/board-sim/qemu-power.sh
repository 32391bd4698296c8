#!/bin/bash
# SPDX-License-Identifier: MIT
# qemu-power.sh on|off DIR: the power of a QEMU board acting as a desk
# board: on starts QEMU with its UART on DIR/uart.board (the board's end of
# a socat pty pair, tests/board-sim/sim.sh; the host's console is DIR/uart),
# off stops it.  Power is the QEMU process, as on a relay: off kills it, and
# a guest that powered itself off is already off.  Which board, from DIR:
#   DIR/port   the U-Boot fastboot board (devices/u-boot-fastboot/board.sh),
#              fastboot on UDP 127.0.0.1:PORT, its SD card DIR/sd.img
#              (tests/t-fastboot-desk.sh; UBOOT from the environment);
#   DIR/kdir   the QEMU SMMUv3 board booting that build-kernel.sh kernel
#              with DIR/initrd.cpio, DIR/list holding the kernel arguments
#              of each power-on, one line per boot, in order (the agent's
#              knobs; tests/t-board-desk-qemu.sh); DIR/count counts them.
# DIR gets pid (QEMU's), power.log and qemu.log.
set -u
d=$2
here=$(cd "$(dirname "$0")/../.." && pwd)
stop() {
	local pid
	pid=$(cat "$d/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	# the pty's board end is free again only once QEMU is gone
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	rm -f "$d/pid"
}
case $1 in
on)
	stop
	if [ -f "$d/port" ]; then
		args=
		CONSOLE=tty:$d/uart.board setsid "$here/devices/u-boot-fastboot/board.sh" "$d" "$(cat "$d/port")" \
			</dev/null >>"$d/qemu.log" 2>&1 &
	else
		n=$(cat "$d/count" 2>/dev/null || echo 0)
		echo $((n + 1)) >"$d/count"
		args=$(sed -n "$((n + 1))p" "$d/list")
		# shellcheck disable=SC2086  # the line is a word list
		SERIAL_TTY=$d/uart.board setsid "$here/devices/qemu-smmuv3/qemu-cmdline.sh" -r "$(cat "$d/kdir")" \
			"$d/initrd.cpio" /dev/null $args </dev/null >>"$d/qemu.log" 2>&1 &
	fi
	echo $! >"$d/pid"
	echo "on${args:+ $args}" >>"$d/power.log" ;;
off)
	stop
	echo off >>"$d/power.log" ;;
*)
	echo "usage: $0 on|off DIR" >&2
	exit 2 ;;
esac
