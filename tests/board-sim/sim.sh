# SPDX-License-Identifier: MIT
#
# tests/board-sim/sim.sh - a simulated desk board on a socat pty, sourced
# by tests and benches:
#   sim_start DIR [POWER]
#                   the pty pair DIR/uart (the host's console) and
#                   DIR/uart.board (the board's end), and, in DIR,
#                   desk.yaml (oopsfarm's description) and env.yaml (a
#                   labgrid 0.4.1 environment) of the same board: console
#                   on DIR/uart, power through `POWER on|off DIR` (default
#                   power.sh: the caller writes DIR/list, the console to
#                   play at each power-on; qemu-power.sh: a QEMU board)
#   sim_stop        powers the board off and ends the pty pair
sim_dir=
sim_socat=
SIM=$PWD/tests/board-sim

sim_start() {
	sim_dir=$1
	local power=${2:-$SIM/power.sh}
	socat pty,raw,echo=0,link="$sim_dir/uart" pty,raw,echo=0,link="$sim_dir/uart.board" &
	sim_socat=$!
	for _ in $(seq 50); do [ -e "$sim_dir/uart" ] && [ -e "$sim_dir/uart.board" ] && break; sleep 0.05; done
	cat > "$sim_dir/desk.yaml" <<EOY
kind: desk
console: {tty: "$sim_dir/uart", speed: 115200}
power:
  command:
    on: ["$power", "on", "$sim_dir"]
    off: ["$power", "off", "$sim_dir"]
  delay: 0
EOY
	cat > "$sim_dir/env.yaml" <<EOY
targets:
  main:
    resources:
      RawSerialPort:
        port: "$sim_dir/uart"
        speed: 115200
    drivers:
      SerialDriver: {}
      ExternalPowerDriver:
        cmd_on: "$power on $sim_dir"
        cmd_off: "$power off $sim_dir"
EOY
	[ -e "$sim_dir/uart.board" ]
}

# (always succeeds: it runs in EXIT traps, also under set -e)
sim_stop() {
	if [ -n "$sim_dir" ] && [ -f "$sim_dir/pid" ]; then kill "$(cat "$sim_dir/pid")" 2>/dev/null || :; fi
	if [ -n "$sim_socat" ]; then kill "$sim_socat" 2>/dev/null || :; wait "$sim_socat" 2>/dev/null || :; fi
	sim_socat=
	return 0
}
