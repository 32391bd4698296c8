# SPDX-License-Identifier: MIT
#
# board-lib.sh - power for scripts that drive the U-Boot fastboot board
# (tests/t-fastboot*.sh, bench/fastboot-bph.sh); sourced:
#   . devices/u-boot-fastboot/board-lib.sh
#   uboot_power_on DIR    starts board.sh DIR on a free UDP port in the
#                         background and returns once U-Boot listens for
#                         fastboot (sets UBOOT_PORT, UBOOT_PID); a taken
#                         port makes QEMU exit, so up to 5 ports are tried;
#                         DIR/console.log is emptied first.  1 if it never
#                         comes up (60 s each).
#   uboot_wait_off [SEC]  waits for the board to power itself off (QEMU
#                         exits; default 180 s); 1, and power off, if not.
#   uboot_power_off       kills QEMU (nothing if it is off).
# UBOOT (the u-boot.bin dir) is passed to board.sh from the environment.
UBOOT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UBOOT_PID= UBOOT_PORT=

uboot_power_off() {
	[ -n "$UBOOT_PID" ] && kill "$UBOOT_PID" 2>/dev/null && wait "$UBOOT_PID" 2>/dev/null
	UBOOT_PID=
}

uboot_power_on() {
	local dir=$1 try i p
	: >"$dir/console.log"
	for try in 1 2 3 4 5; do
		p=$((20000 + RANDOM % 20000))
		"$UBOOT_LIB_DIR/board.sh" "$dir" "$p" >"$dir/qemu.out" 2>&1 &
		UBOOT_PID=$!
		for i in $(seq 1 1200); do
			grep -q "Listening for fastboot" "$dir/console.log" 2>/dev/null && { UBOOT_PORT=$p; return 0; }
			kill -0 "$UBOOT_PID" 2>/dev/null || break
			sleep 0.05
		done
		uboot_power_off
	done
	return 1
}

uboot_wait_off() {
	local i
	for i in $(seq 1 $((${1:-180} * 20))); do
		kill -0 "$UBOOT_PID" 2>/dev/null || { wait "$UBOOT_PID"; UBOOT_PID=; return 0; }
		sleep 0.05
	done
	uboot_power_off
	return 1
}
