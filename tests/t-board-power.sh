#!/bin/bash
# SPDX-License-Identifier: MIT
# oopsfarm power against real things: Debian's pdudaemon on 127.0.0.1
# (started here without systemd, its localcmdline driver running a real
# command) through both of its listeners and through a pduclient line of a
# LAVA dictionary; the command backend; manual power; bad input.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
tmp=$(mktemp -d)
pdu_pid=
stop_pdu() {
	[ -n "$pdu_pid" ] || return 0
	kill "$pdu_pid" 2>/dev/null
	wait "$pdu_pid" 2>/dev/null
	pdu_pid=
}
trap 'stop_pdu; rm -rf "$tmp"' EXIT
export OOPSFARM_STATE_DIR=$tmp/state OOPSFARM_BOARDS=$tmp
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Which of pdudaemon's answers count: one line per PDU action, written by
# the command pdudaemon's localcmdline driver runs for it.
start_pdu() { # listener
	port=$(free_port)
	cat > "$tmp/pdu.conf" <<EOC
{ "daemon": { "hostname": "127.0.0.1", "port": $port, "logging_level": "DEBUG", "listener": "$1" },
  "pdus": { "pdu01": { "driver": "localcmdline",
                       "cmd_on": "echo '%s on' >> $tmp/actions",
                       "cmd_off": "echo '%s off' >> $tmp/actions" } } }
EOC
	: > "$tmp/actions"
	/usr/sbin/pdudaemon --conf "$tmp/pdu.conf" --loglevel DEBUG > "$tmp/pdud-$1.log" 2>&1 &
	pdu_pid=$!
	for _ in $(seq 100); do
		/usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# pdudaemon runs the command from its queue after answering: wait for it
actions_are() {
	for _ in $(seq 50); do
		[ "$(tr '\n' ',' < "$tmp/actions")" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# actions: $(tr '\n' ',' < "$tmp/actions") wanted $1"
	return 1
}

if [ ! -x /usr/sbin/pdudaemon ]; then
	skip "pdudaemon" "pdudaemon is not installed"
else
	for listener in tcp http; do
		start_pdu $listener
		t "$listener: pdudaemon listens on 127.0.0.1:$port" [ -n "$pdu_pid" ]
		cat > "$tmp/bench-$listener.yaml" <<EOB
kind: desk
console: {tcp: "127.0.0.1:1"}
power:
  pdudaemon: {daemon: "127.0.0.1:$port", listener: $listener, pdu: pdu01, port: "3"}
  delay: 1
EOB
		$OF power on bench-$listener > "$tmp/out" 2>&1; rc=$?
		t "$listener: power on: exit 0, says accepted" eval '[ $rc -eq 0 ] && grep -q "pdudaemon accepted '"'on'"'" "$tmp/out"'
		t "$listener:   the PDU command ran for outlet 3" actions_are "3 on,"
		$OF power off bench-$listener > /dev/null 2>&1; rc=$?
		t "$listener: power off" eval '[ $rc -eq 0 ] && actions_are "3 on,3 off,"'
		: > "$tmp/actions"
		$OF power reset bench-$listener > /dev/null 2>&1; rc=$?
		t "$listener: reset is pdudaemon's reboot: off, then on" eval '[ $rc -eq 0 ] && actions_are "3 off,3 on,"'
		$OF power status bench-$listener > "$tmp/out"; rc=$?
		t "$listener: status shows the last action" eval '[ $rc -eq 0 ] && grep -q "bench-$listener: on since .* (last switched by oopsfarm" "$tmp/out"'
		sed 's/pdu: pdu01/pdu: pdu99/' "$tmp/bench-$listener.yaml" > "$tmp/nopdu-$listener.yaml"
		$OF power on nopdu-$listener > /dev/null 2> "$tmp/err"; rc=$?
		t "$listener: an unknown PDU is refused: exit 3, named" eval '[ $rc -eq 3 ] && grep -q "refused '"'pdu99 3 on'"'" "$tmp/err"'
		stop_pdu
	done

	# the LAVA way: a pduclient command line in a rendered dictionary
	start_pdu tcp
	cat > "$tmp/lava-board.yaml" <<EOB
commands:
  connect: telnet 127.0.0.1 7001
  power_on: pduclient --daemon 127.0.0.1:$port --hostname pdu01 --port 7 --command on
  power_off: pduclient --daemon=127.0.0.1:$port --hostname=pdu01 --port=7 --command=off
  hard_reset: pduclient --daemon 127.0.0.1:$port --hostname pdu01 --port 7 --command reboot --delay 1
EOB
	$OF power on "$tmp/lava-board.yaml" > /dev/null 2>&1; rc=$?
	t "pduclient line from a LAVA dictionary: on" eval '[ $rc -eq 0 ] && actions_are "7 on,"'
	$OF power reset lava-board > /dev/null 2>&1; rc=$?
	t "  hard_reset (reboot, by name)" eval '[ $rc -eq 0 ] && actions_are "7 on,7 off,7 on,"'
	$OF power off lava-board > /dev/null 2>&1; rc=$?
	t "  off" eval '[ $rc -eq 0 ] && actions_are "7 on,7 off,7 on,7 off,"'
	t "pdudaemon got the pduclient line's --delay" grep -q "Received a request from .*: 'pdu01 7 reboot 1'" "$tmp/pdud-tcp.log"
	stop_pdu
	$OF power on bench-tcp > /dev/null 2> "$tmp/err"; rc=$?
	t "no pdudaemon running: exit 3, connection refused" eval '[ $rc -eq 3 ] && grep -q "cannot connect: Connection refused" "$tmp/err"'
fi

# the command backend: an argv, no shell (the '*' and '$' reach it as words)
cat > "$tmp/relay.sh" <<'EOS'
#!/bin/sh
printf '%s|' "$@" >> "$(dirname "$0")/relay.log"; echo >> "$(dirname "$0")/relay.log"
[ "$1" != fail ]
EOS
chmod +x "$tmp/relay.sh"
cat > "$tmp/cmd-board.yaml" <<EOB
kind: desk
console: {tty: /dev/null}
power:
  command:
    on: ["$tmp/relay.sh", "on", "a b", "*", "\$HOME"]
    off: "$tmp/relay.sh off 'c d'"
  delay: 0
EOB
$OF power on cmd-board > /dev/null; rc=$?
t "command: on runs the argv as given" eval '[ $rc -eq 0 ] && [ "$(cat $tmp/relay.log)" = "on|a b|*|\$HOME|" ]'
: > "$tmp/relay.log"
$OF power reset cmd-board > /dev/null; rc=$?
t "command: reset without one is off, then on" eval '[ $rc -eq 0 ] && [ "$(tr "\n" , < $tmp/relay.log)" = "off|c d|,on|a b|*|\$HOME|," ]'
sed 's/"on", "a b"/"fail", "a b"/' "$tmp/cmd-board.yaml" > "$tmp/cmd-fail.yaml"
$OF power on cmd-fail > /dev/null 2> "$tmp/err"; rc=$?
t "command: a failing command is exit 3 with its status" eval '[ $rc -eq 3 ] && grep -q "cmd-fail: power on: .* exited with status 1" "$tmp/err"'
sed "s|$tmp/relay.sh\", \"on\"|/nonexistent/relay\", \"on\"|" "$tmp/cmd-board.yaml" > "$tmp/cmd-missing.yaml"
$OF power on cmd-missing > /dev/null 2> "$tmp/err"; rc=$?
t "command: a missing program is exit 3, named" eval '[ $rc -eq 3 ] && grep -q "cannot run '"'/nonexistent/relay"'.*No such file or directory" "$tmp/err"'

# manual: no controlling terminal here (setsid), the answer on stdin
printf 'kind: desk\nconsole: {tty: /dev/null}\npower: {manual: "the bench supply"}\n' > "$tmp/hand.yaml"
echo | setsid $OF power on hand > "$tmp/out" 2> "$tmp/err"; rc=$?
t "manual: asks what to switch, Enter is done" eval '[ $rc -eq 0 ] && grep -q "switch ON the power of board '"'hand'"' (the bench supply)" "$tmp/err"'
setsid $OF power off hand < /dev/null > /dev/null 2> "$tmp/err"; rc=$?
t "manual: nobody answers: exit 3" eval '[ $rc -eq 3 ] && grep -q "no answer on the terminal" "$tmp/err"'

# GPIO: this host has no GPIO chip; the error names the one asked for
printf 'kind: desk\nconsole: {tty: /dev/null}\npower:\n  gpio: {chip: gpiochip9, line: 4}\n' > "$tmp/nochip.yaml"
$OF power on nochip > "$tmp/out" 2> "$tmp/err"; rc=$?
t "gpio: a chip that does not exist: exit 3, named" eval '[ $rc -eq 3 ] && grep -q "nochip: power on: GPIO chip '"'gpiochip9'"': no such chip" "$tmp/err"'
$OF power status nochip > "$tmp/out"
t "gpio: nothing is held after a failed request" grep -q "never switched" "$tmp/out"
exit $((fails > 0))
