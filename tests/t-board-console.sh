#!/bin/bash
# SPDX-License-Identifier: MIT
# Consoles for real: a local tty (a socat pty pair: one end is the board's
# UART, the other is where the "board" writes), its locks and termios, a
# tty that vanishes and returns under the same name (bytes lost counted),
# and the real ser2net on 127.0.0.1 in front of ptys: raw, telnet, RFC 2217;
# break and SysRq; USB adapters listed from a sysfs tree.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
export OOPSFARM_LOCK_DIR=$tmp
if ! command -v socat > /dev/null; then
	skip "pty consoles" "socat is not installed"
	exit 0
fi

# a UART: $tmp/$1 is the board's side as the host sees it, $tmp/$1.board the board's end
uart() {
	socat pty,raw,echo=0,link="$tmp/$1" pty,raw,echo=0,link="$tmp/$1.board" &
	last_pid=$!
	for _ in $(seq 50); do [ -e "$tmp/$1" ] && [ -e "$tmp/$1.board" ] && return 0; sleep 0.05; done
	return 1
}
wait_for() { # file text
	for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}

uart tty1; socat_pid=$last_pid; pids+=("$socat_pid")
printf 'kind: desk\nconsole: {tty: "%s", speed: 57600}\npower: {manual: x}\n' "$tmp/tty1" > "$tmp/desk.yaml"
stty -F "$tmp/tty1" sane 9600
before=$(stty -F "$tmp/tty1" -g)
$OF board console --timeout 5 --until 'login:' "$tmp/desk.yaml" > "$tmp/out" 2> "$tmp/err" &
cpid=$!
dev=$(readlink -f "$tmp/tty1")
lock=$tmp/LCK..${dev#/dev/}; lock=${lock//pts\//pts_}
wait_for "$lock" . ; sleep 0.2
t "tty: a UUCP lock file with our pid, in ten columns" eval '[ "$(cat "$lock")" = "$(printf "%10d" $cpid)" ]'
t "tty: raw at the described speed while open" eval 'stty -F "$tmp/tty1" -a | grep -q "speed 57600 baud" && stty -F "$tmp/tty1" -a | grep -q -- "-icanon"'
$OF board console --timeout 1 "$tmp/desk.yaml" > /dev/null 2> "$tmp/err2"; rc=$?
t "tty: a second reader is refused: exit 3, naming the lock's pid" eval '[ $rc -eq 3 ] && grep -q "locked by pid $cpid" "$tmp/err2"'
printf 'Linux version 6.1\r\nbuildroot log' > "$tmp/tty1.board"; printf 'in: \r\n' > "$tmp/tty1.board"
wait $cpid; rc=$?
t "tty: the board's bytes, until the text (split across writes)" eval '[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$(printf "Linux version 6.1\r\nbuildroot login: \r\n")" ]'
t "tty: termios restored on exit" [ "$(stty -F "$tmp/tty1" -g)" = "$before" ]
t "tty: lock file removed on exit" [ ! -e "$lock" ]
# a lock left by a dead process is stale
sh -c 'exit 0' & dead=$!; wait $dead
printf '%10d\n' $dead > "$lock"
$OF board console --timeout 0.3 "$tmp/desk.yaml" > /dev/null 2>&1; rc=$?
t "tty: a stale lock (dead pid) is taken over" eval '[ $rc -eq 0 ] && [ ! -e "$lock" ]'

printf 'kind: desk\nconsole: {tty: /dev/ttyUSB97}\n' > "$tmp/missing.yaml"
$OF board console --timeout 1 "$tmp/missing.yaml" 2> "$tmp/err"; rc=$?
t "a missing tty: exit 3, named" eval '[ $rc -eq 3 ] && grep -q "cannot open console '"'/dev/ttyUSB97'"': No such file or directory" "$tmp/err"'
printf 'kind: desk\nconsole: {usb: {serial: NOPE}}\n' > "$tmp/nousb.yaml"
OOPSFARM_SYSFS=$tmp/nosys $OF board console --timeout 1 "$tmp/nousb.yaml" 2> "$tmp/err"; rc=$?
t "a USB adapter that is not plugged in: exit 3" [ $rc -eq 3 ]

# Reconnect: the adapter vanishes while the board is off and comes back
# under the same name; the console is reopened, and the next boot's bytes
# (written as soon as the name is back, before any wait) are counted.
$OF board console --timeout 20 --until 'BOOT2-END' "$tmp/desk.yaml" > "$tmp/out" 2> "$tmp/err" &
cpid=$!
sleep 0.3
printf 'BOOT1\r\n' > "$tmp/tty1.board"
wait_for "$tmp/out" BOOT1
kill $socat_pid; wait $socat_pid 2>/dev/null
wait_for "$tmp/err" "went away"
t "reconnect: the vanished tty is noticed" grep -q "went away, waiting for it" "$tmp/err"
sleep 0.5
uart tty1; pids+=("$last_pid")
/usr/bin/python3 - "$tmp/tty1.board" > "$tmp/boot2.sent" <<'EOP'
import sys
# a boot's worth of numbered lines, sent as soon as the adapter is back
data = b"".join(b"line %06d of the second boot\r\n" % i for i in range(3000)) + b"BOOT2-END\r\n"
with open(sys.argv[1], "wb", buffering=0) as f:
    f.write(data)
print(len(data))
EOP
wait $cpid; rc=$?
sent=$(cat "$tmp/boot2.sent")
got=$(/usr/bin/python3 -c 'import sys; d=open(sys.argv[1],"rb").read(); i=d.find(b"line 000000"); print(len(d)-i if i>=0 else 0)' "$tmp/out")
echo "# reconnect: the second boot sent $sent bytes, $got arrived, $((sent - got)) lost"
t "reconnect: reopened by name" grep -q "is back, reopened" "$tmp/err"
t "reconnect: no byte of the new boot lost" eval '[ $rc -eq 0 ] && [ "$got" -eq "$sent" ]'

# ser2net 4 in front of three ptys: raw, telnet, RFC 2217
if ! command -v ser2net > /dev/null; then
	skip "ser2net consoles" "ser2net is not installed"
	exit $((fails > 0))
fi
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
: > "$tmp/ser2net.yaml"
for proto in raw telnet rfc2217; do
	uart s-$proto; pids+=("$last_pid")
	port=$(free_port); eval "port_$proto=$port"
	case $proto in
	raw) acc="tcp,127.0.0.1,$port" ;;
	telnet) acc="telnet,tcp,127.0.0.1,$port" ;;
	rfc2217) acc="telnet(rfc2217),tcp,127.0.0.1,$port" ;;
	esac
	cat >> "$tmp/ser2net.yaml" <<EOY
connection: &$proto
  accepter: $acc
  connector: serialdev,$tmp/s-$proto,9600n81,local
  options:
    kickolduser: true
EOY
	printf 'kind: desk\nconsole: {tcp: "127.0.0.1:%s", protocol: %s, speed: 57600}\n' $port $proto > "$tmp/net-$proto.yaml"
done
ser2net -n -u -c "$tmp/ser2net.yaml" -P "$tmp/ser2net.pid" > "$tmp/ser2net.log" 2>&1 &
pids+=("$!")
for _ in $(seq 50); do /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null && break; sleep 0.1; done
for proto in raw telnet rfc2217; do
	timeout 3 cat "$tmp/s-$proto.board" > "$tmp/typed-$proto" &
	catpid=$!
	$OF board console --timeout 3 --until 'END' --send 'root' --sysrq "$tmp/net-$proto.yaml" > "$tmp/out-$proto" 2> "$tmp/err-$proto" &
	cpid=$!
	sleep 1.2
	speed=$(stty -F "$tmp/s-$proto" speed 2>/dev/null)
	printf 'kernel \xff byte END\r\n' > "$tmp/s-$proto.board"
	wait $cpid; rc=$?
	wait $catpid
	t "ser2net $proto: the board's bytes, 0xff included" eval '[ $rc -eq 0 ] && [ "$(od -An -c "$tmp/out-$proto")" = "$(printf "kernel \xff byte END\r\n" | od -An -c)" ]'
	t "ser2net $proto: no disconnect" eval '! grep -q "went away" "$tmp/err-$proto"'
	if [ $proto = raw ]; then
		t "ser2net raw: SysRq refused, no break on raw TCP" grep -q "SysRq not sent: a raw TCP console cannot send a break" "$tmp/err-raw"
		t "ser2net raw: typed text reaches the UART" [ "$(cat "$tmp/typed-raw")" = "root" ]
	else
		# a pty cannot carry a break; the keys after it are what the board sees
		t "ser2net $proto: the break is ser2net's, the UART gets the keys 'root' then w, t" [ "$(cat "$tmp/typed-$proto")" = "rootwt" ]
	fi
	if [ $proto = rfc2217 ]; then
		t "ser2net rfc2217: the described speed set on the UART (ser2net's 9600 -> 57600)" [ "$speed" = 57600 ]
	else
		t "ser2net $proto: the UART keeps ser2net's speed" [ "$speed" = 9600 ]
	fi
done

# LAVA's `telnet HOST PORT` on a raw ser2net port (devices/lava/ser2net.yaml):
# plain telnet is passive, so no negotiation byte reaches the board's UART
printf 'kind: desk\nconsole: {tcp: "127.0.0.1:%s", protocol: telnet}\n' $port_raw > "$tmp/lava-raw.yaml"
timeout 3 cat "$tmp/s-raw.board" > "$tmp/typed-lava" &
catpid=$!
$OF board console --timeout 2 --until 'END' --send 'root' "$tmp/lava-raw.yaml" > "$tmp/out-lava" 2>&1 &
cpid=$!
sleep 1
printf 'kernel END\r\n' > "$tmp/s-raw.board"
wait $cpid; rc=$?
wait $catpid
t "telnet client on a raw port: the board's bytes" eval '[ $rc -eq 0 ] && grep -q "kernel END" "$tmp/out-lava"'
t "telnet client on a raw port: the UART gets only what was typed" [ "$(od -An -c "$tmp/typed-lava" | tr -s ' ')" = " r o o t" ]

# USB-serial adapters from sysfs, in the layout Linux gives an FTDI
# (usb-serial) and a CDC ACM adapter, and a virtual tty and a platform UART
# that are not listed
S=$tmp/sys
mk() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }
ftdi=$S/devices/pci0000:00/0000:00:04.0/usb1/1-1
mk $ftdi/idVendor 0403; mk $ftdi/idProduct 6001; mk $ftdi/serial FT-BOARD-01
mk $ftdi/manufacturer FTDI; mk $ftdi/product "FT232R USB UART"; mk $ftdi/bNumInterfaces " 1"
mk $ftdi/1-1:1.0/bInterfaceNumber 00
mkdir -p $ftdi/1-1:1.0/ttyUSB0/tty/ttyUSB0 $S/bus/usb-serial $S/bus/usb $S/bus/platform $S/class/tty
ln -s ../../../../../../../bus/usb-serial $ftdi/1-1:1.0/ttyUSB0/subsystem
ln -s ../../devices/pci0000:00/0000:00:04.0/usb1/1-1/1-1:1.0/ttyUSB0/tty/ttyUSB0 $S/class/tty/ttyUSB0
ln -s ../../../ttyUSB0 $ftdi/1-1:1.0/ttyUSB0/tty/ttyUSB0/device
acm=$S/devices/pci0000:00/0000:00:04.0/usb1/1-2
mk $acm/idVendor 1d50; mk $acm/idProduct 6018; mk $acm/serial 7ABC1234; mk $acm/bNumInterfaces " 4"
mk $acm/manufacturer "Black Magic Debug"; mk $acm/product "Black Magic Probe"
mk $acm/1-2:1.2/bInterfaceNumber 02
mkdir -p $acm/1-2:1.2/tty/ttyACM0
ln -s ../../../../../../bus/usb $acm/1-2:1.2/subsystem
ln -s ../../devices/pci0000:00/0000:00:04.0/usb1/1-2/1-2:1.2/tty/ttyACM0 $S/class/tty/ttyACM0
ln -s ../../../1-2:1.2 $acm/1-2:1.2/tty/ttyACM0/device
mkdir -p $S/devices/virtual/tty/tty0 $S/devices/platform/serial8250/tty/ttyS0
ln -s ../../devices/virtual/tty/tty0 $S/class/tty/tty0
ln -s ../../devices/platform/serial8250/tty/ttyS0 $S/class/tty/ttyS0
ln -s ../../../serial8250 $S/devices/platform/serial8250/tty/ttyS0/device
ln -s ../../bus/platform $S/devices/platform/serial8250/subsystem
mkdir -p $tmp/dev/serial/by-id
ln -s ../../ttyUSB0 $tmp/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_FT-BOARD-01-if00-port0
out=$(OOPSFARM_SYSFS=$S OOPSFARM_DEV=$tmp/dev $OF board serial)
t "serial: two adapters, not the virtual or platform ttys" [ "$(grep -c '^/' <<<"$out")" -eq 2 ]
t "serial: the FTDI as pyserial's hwid puts it" grep -qx "$tmp/dev/ttyUSB0  USB VID:PID=0403:6001 SER=FT-BOARD-01 LOCATION=1-1  FTDI FT232R USB UART" <<<"$out"
t "serial: its by-id name" grep -qx "  by-id $tmp/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_FT-BOARD-01-if00-port0" <<<"$out"
t "serial: a multi-interface CDC ACM adapter is located by interface" grep -q "ttyACM0  USB VID:PID=1D50:6018 SER=7ABC1234 LOCATION=1-2:1.2" <<<"$out"
out=$(OOPSFARM_SYSFS=$S OOPSFARM_DEV=$tmp/dev $OF board serial --json)
t "serial --json: one object per adapter" /usr/bin/python3 -c '
import json, sys
o = [json.loads(l) for l in sys.stdin]
assert [p["vid_pid"] for p in o] == ["1D50:6018", "0403:6001"], o' <<<"$out"
exit $((fails > 0))
