#!/bin/bash
# SPDX-License-Identifier: MIT
# uboot-power.sh on|off DIR PORT: the power of the U-Boot fastboot board
# (devices/u-boot-fastboot/board.sh) acting as a desk board
# (tests/t-fastboot-desk.sh): on starts QEMU with U-Boot, fastboot on UDP
# 127.0.0.1:PORT, the SD card DIR/sd.img, and the UART on DIR/uart.board
# (the board's end of a socat pty pair; the host's console is DIR/uart);
# off stops it.  Power is the QEMU process.  DIR gets pid, power.log and
# qemu.log.  UBOOT (the u-boot.bin dir) comes from the environment.
set -u
d=$2 port=${3:-}
here=$(cd "$(dirname "$0")/../.." && pwd)
stop() {
	local pid
	pid=$(cat "$d/pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
	rm -f "$d/pid"
}
case $1 in
on)
	stop
	CONSOLE=tty:$d/uart.board setsid "$here/devices/u-boot-fastboot/board.sh" "$d" "$port" \
		</dev/null >>"$d/qemu.log" 2>&1 &
	echo $! >"$d/pid"
	echo on >>"$d/power.log" ;;
off)
	stop
	echo off >>"$d/power.log" ;;
*)
	echo "usage: $0 on|off DIR PORT" >&2
	exit 2 ;;
esac
