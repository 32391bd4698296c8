#!/bin/bash
# SPDX-License-Identifier: MIT
# oopsfarm board check: labgrid environments (0.4.1 and current names),
# rendered LAVA dictionaries and oopsfarm's own YAML, read without opening
# anything; unsupported resources and shell commands named; exit codes.
. "$(dirname "$0")/lib.sh"
FX=tests/fixtures/boards
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

out=$($OF board check $FX/labgrid-example.yaml); rc=$?
t "labgrid's example environment: exit 0" [ $rc -eq 0 ]
t "  its RawSerialPort is the console" grep -q 'console  tty /dev/ttyUSB0 at 115200 baud' <<<"$out"
t "  ManualPowerDriver is manual power" grep -q 'power    manual' <<<"$out"
t "  shell driver and strategy listed as ignored" grep -q 'ignored  ShellDriver, ShellStrategy' <<<"$out"

out=$($OF board check $FX/labgrid-041.yaml); rc=$?
t "labgrid 0.4.1 names: exit 0" [ $rc -eq 0 ]
t "  NetworkSerialPort raw" grep -q 'console  raw 127.0.0.1:7001 at 115200 baud' <<<"$out"
t "  SysfsGPIO under GpioDigitalOutputDriver" grep -q 'gpio   sysfs GPIO 505' <<<"$out"
t "  AndroidFastboot by serial" grep -q 'flash    fastboot usb c4d5e6f7' <<<"$out"
t "  bootloader driver and strategy ignored" grep -q 'ignored  UBootDriver, ShellDriver, UBootStrategy' <<<"$out"

out=$($OF board check $FX/labgrid-current.yaml); rc=$?
t "current labgrid names (list form): exit 0" [ $rc -eq 0 ]
t "  MatchedSysfsGPIO by label, invert is active-low" grep -q 'gpio   chip 9030000.pl061 line 2 active-low' <<<"$out"
t "  AndroidNetFastboot over UDP" grep -q 'flash    fastboot udp:192.168.7.2:5554' <<<"$out"
t "  RawSerialPort speed" grep -q 'at 921600 baud' <<<"$out"

out=$($OF board check $FX/labgrid-external.yaml)
t "ExternalPowerDriver strings split into argv" grep -q '    reset  usbrelay HURTM_1=0' <<<"$out"

# labgrid itself agrees on the files written in its 0.4.1 names, and does not
# know current labgrid's (so the two sets of names really differ)
if /usr/bin/python3 -c 'import labgrid' 2>/dev/null; then
	lg() { /usr/bin/python3 -c 'import sys; from labgrid import Environment; Environment(sys.argv[1]).get_target("main")' "$1" 2>"$tmp/lgerr"; }
	t "labgrid 0.4.1 loads the example" lg $FX/labgrid-example.yaml
	t "labgrid 0.4.1 loads the 0.4.1 file" lg $FX/labgrid-041.yaml
	t "labgrid 0.4.1 does not know MatchedSysfsGPIO" eval '! lg $FX/labgrid-current.yaml && grep -q MatchedSysfsGPIO "$tmp/lgerr"'
else
	skip "labgrid loads our files" "python3-labgrid is not installed"
fi

$OF board check $FX/labgrid-unknown.yaml > "$tmp/out" 2> "$tmp/err"; rc=$?
t "unknown labgrid resources: exit 2" [ $rc -eq 2 ]
t "  the error names each one" grep -q 'unsupported: ModbusTCPCoil (unknown resource), NetworkAndroidFastboot (a USB device on a labgrid exporter, not network fastboot)' "$tmp/err"

out=$($OF board check devices/boards/juno-r2-01.yaml); rc=$?
t "LAVA dictionary with pduclient: exit 0" [ $rc -eq 0 ]
t "  connect is the telnet console" grep -q 'console  telnet localhost:7003' <<<"$out"
t "  pduclient lines become pdudaemon requests" grep -q 'reset  pdudaemon tcp localhost:16421: pdu01 port 3 reboot' <<<"$out"
t "  LAVA's placeholder fastboot serial is no flasher" grep -q 'flash    none' <<<"$out"

out=$($OF board check $FX/lava-lists.yaml)
t "LAVA command lists run in turn" [ "$(grep -c '^    on ' <<<"$out")" -eq 2 ]
t "  quoting kept" grep -q "relay-ctl --port 'outlet 2' on" <<<"$out"
t "  another board's oopsfarm power is allowed" grep -q 'off    oopsfarm power off other-board' <<<"$out"
t "  nc is a raw console" grep -q 'console  raw 127.0.0.1:7002' <<<"$out"
t "  keys not needed listed" grep -q 'ignored  commands.soft_reboot, commands.pre_power_command' <<<"$out"

$OF board check $FX/lava-shell-op.yaml 2> "$tmp/err"; rc=$?
t "a shell operator: exit 2 naming it" eval '[ $rc -eq 2 ] && grep -q "lava-shell-op.yaml:5: power on: shell operator '"'&'"'" "$tmp/err"'
$OF board check $FX/lava-recursive.yaml 2> "$tmp/err"; rc=$?
t "oopsfarm power for the same board: refused" eval '[ $rc -eq 2 ] && grep -q "runs oopsfarm power for this board itself" "$tmp/err"'

out=$($OF board check $FX/own-gpio.yaml)
t "own YAML: RFC 2217 console" grep -q 'console  rfc2217 127.0.0.1:7004 at 115200 baud' <<<"$out"
t "  GPIO line by name, active-low" grep -q 'gpio   chip 9030000.pl061 line RELAY_PWR active-low' <<<"$out"
$OF board check $FX/own-typo.yaml 2> "$tmp/err"; rc=$?
out=$($OF board check devices/boards/pixel6-desk.yaml 2>&1)
t "own YAML: console.kernel is the kernels' console= (a Pixel's ttySAC0)" grep -q 'console  tty .* at 115200 baud, console=ttySAC0,115200n8 in the kernel' <<<"$out"
t "own YAML: a typo is an error naming it" eval '[ $rc -eq 2 ] && grep -q "own-typo.yaml:5: console: unknown key '"'sped'"'" "$tmp/err"'

# a repeated key: our own format refuses it; labgrid's is read as labgrid reads it (last wins)
printf 'kind: desk\nconsole: {tty: /dev/ttyUSB0, speed: 9600}\npower: manual\nconsole: {tty: /dev/ttyUSB1}\n' >"$tmp/own-dup.yaml"
$OF board check "$tmp/own-dup.yaml" 2>"$tmp/err" >/dev/null; rc=$?
t "own YAML: a repeated key is an error with both lines" \
	eval '[ $rc -eq 2 ] && grep -q "own-dup.yaml:4: duplicate key '"'console'"' (first at line 2)" "$tmp/err"'
sed 's|port: "/dev/ttyUSB0"|port: "/dev/ttyUSB0"\n        port: "/dev/ttyACM3"|' $FX/labgrid-example.yaml >"$tmp/lg-dup.yaml"
out=$($OF board check "$tmp/lg-dup.yaml" 2>"$tmp/err"); rc=$?
t "labgrid environment: a repeated key warns, and the last one wins" \
	eval '[ $rc -eq 0 ] && grep -q "console  tty /dev/ttyACM3" <<<"$out" && grep -q "lg-dup.yaml:9: duplicate key '"'port'"': the last one wins" "$tmp/err"'

out=$($OF board check --json devices/boards/*.yaml); rc=$?
t "every example in devices/boards reads" [ $rc -eq 0 ]
t "  --json: one valid object per file" /usr/bin/python3 -c '
import json, sys
objs = [json.loads(l) for l in sys.stdin]
assert len(objs) == 3 and all(o["version"] == 1 for o in objs), objs
assert {o["power_kind"] for o in objs} == {"command", "pdudaemon"}, objs' <<<"$out"

$OF board check /nonexistent.yaml 2> "$tmp/err"; rc=$?
t "a missing file: exit 3" eval '[ $rc -eq 3 ] && grep -q "cannot open '"'/nonexistent.yaml'"'" "$tmp/err"'
$OF board check 2>/dev/null; rc=$?
t "no file: usage, exit 2" [ $rc -eq 2 ]

# oopsfarm power finds descriptions by name in the boards directories
OOPSFARM_BOARDS=$FX OOPSFARM_STATE_DIR=$tmp/state $OF power status own-gpio > "$tmp/out"; rc=$?
t "power status by name via OOPSFARM_BOARDS" eval '[ $rc -eq 0 ] && grep -q "own-gpio: never switched by oopsfarm power (power: gpio)" "$tmp/out"'
OOPSFARM_BOARDS=$FX $OF power on no-such-board 2> "$tmp/err"; rc=$?
t "an unknown board: exit 3, where it looked" eval '[ $rc -eq 3 ] && grep -q "no board '"'no-such-board'"' in $FX, " "$tmp/err"'
$OF power on $FX/labgrid-unknown.yaml 2> "$tmp/err"; rc=$?
t "a description with unsupported resources cannot be powered: exit 3" [ $rc -eq 3 ]
exit $((fails > 0))
