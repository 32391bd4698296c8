#!/bin/bash
# SPDX-License-Identifier: MIT
# power.sh on|off DIR: the relay of the board in tests/board-sim/play.py.
# DIR holds uart.board (the pty's board end), list (one console per
# power-on, in order), and gets count, pid, typed, power.log and times
# ("on T" at each power-on).
d=$2
case $1 in
on)
	n=$(cat "$d/count" 2>/dev/null || echo 0)
	echo $((n + 1)) > "$d/count"
	log=$(sed -n "$((n + 1))p" "$d/list")
	setsid /usr/bin/python3 "$(dirname "$0")/play.py" "$log" "$d/uart.board" "$d/typed" < /dev/null > /dev/null 2>&1 &
	echo $! > "$d/pid"
	echo "on $log" >> "$d/power.log"
	echo "on $(date +%s.%N)" >> "$d/times" ;;
off)
	[ -f "$d/pid" ] && kill "$(cat "$d/pid")" 2>/dev/null
	rm -f "$d/pid"
	# a board that prints while its power drops (DIR/stale, when present)
	[ -f "$d/stale" ] && cat "$d/stale" > "$d/uart.board"
	echo off >> "$d/power.log" ;;
esac
