#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: qemu
#
# The GPIO relay code on a real kernel driver: tools/board/power-gpiod.c,
# built static for aarch64 into tests/board-gpio/gpio-init.c (PID 1 of a
# one-file initramfs), drives lines of QEMU virt's pl061 through libgpiod
# 1.6 and the kernel's GPIO character device (v1 uAPI).  The kernel is
# Debian 12's own arm64 package (devices/qemu-smmuv3/fetch-debian-kernel.sh,
# cached): the demo kernel, its fragment and its cache key are untouched.
#
# The lines are checked from outside the request: at each GPIO-STEP the
# guest waits while the host reads the pl061's data (0x090303fc, all eight
# lines through the address mask) and direction (0x09030400) registers with
# the QEMU monitor's `xp`.  Line 3 (gpio-keys' power button) is not used.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d)
qpid=
cleanup() {
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	[ -n "${KEEP:-}" ] && echo "# kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap '' PIPE # a guest gone early makes our writes fail, not kill the test

start=$SECONDS
if ! K=$(devices/qemu-smmuv3/fetch-debian-kernel.sh | tail -1); then
	skip "pl061 lines driven by power-gpiod.c" "no Debian arm64 kernel package (apt-get download failed)"
	exit 0
fi
make -s gpio-init >"$tmp/make.log" 2>&1 || { cat "$tmp/make.log"; exit 1; }
INIT=build/aarch64-linux-gnu/board-gpio/gpio-init
REL=$(cat "$K/kernelrelease")

mkdir -p "$tmp/root/dev"
cp "$INIT" "$tmp/root/init"
(cd "$tmp/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$tmp/initrd.cpio"

# Two pipe chardevs (QEMU opens NAME.in and NAME.out read-write, so our
# opens below never block): the serial console and the human monitor.
for f in ser mon; do mkfifo "$tmp/$f.in" "$tmp/$f.out"; done
# shellcheck disable=SC2054  # commas are QEMU option syntax
"${QEMU:-qemu-system-aarch64}" -M virt -cpu max,pauth-impdef=on -smp 1 -m 512 \
	-no-reboot -display none -nic none -nodefaults \
	-kernel "$K/boot/vmlinuz-$REL" -initrd "$tmp/initrd.cpio" \
	-append "console=ttyAMA0 quiet panic=-1 rdinit=/init" \
	-chardev pipe,id=ser0,path="$tmp/ser" -serial chardev:ser0 \
	-chardev pipe,id=mon0,path="$tmp/mon" -mon chardev=mon0,mode=readline \
	>"$tmp/qemu.log" 2>&1 &
qpid=$!
exec 3>"$tmp/ser.in" 4<"$tmp/ser.out" 5>"$tmp/mon.in" 6<"$tmp/mon.out"

# next_line PREFIX: the next console line starting with PREFIX, into $line
# (the whole console goes to console.log)
next_line() {
	while IFS= read -r -t 60 -u 4 line; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$tmp/console.log"
		[[ $line == "$1"* ]] && return 0
	done
	line=
	return 1
}
# regs: the pl061's data and direction registers into $data and $dir
regs() {
	data= dir=
	echo "xp /2wx 0x090303fc" >&5
	while IFS= read -r -t 10 -u 6 m; do
		if [[ $m =~ 090303fc:\ 0x([0-9a-f]+)\ 0x([0-9a-f]+) ]]; then
			data=$((16#${BASH_REMATCH[1]})) dir=$((16#${BASH_REMATCH[2]}))
			return 0
		fi
	done
	return 1
}
bit() { echo $((($1 >> $2) & 1)); }
# at STEP: wait for the guest's step, read the registers, let it go on
declare -A D DIR
at() {
	if next_line "GPIO-STEP $1" && regs; then
		D[$1]=$data DIR[$1]=$dir
	else
		D[$1]=x DIR[$1]=x
	fi
	echo >&3
}
level() { [ "${D[$1]}" != x ] && [ "$(bit "${D[$1]}" "$2")" = "$3" ]; }
output() { [ "${DIR[$1]}" != x ] && [ "$(bit "${DIR[$1]}" "$2")" = 1 ]; }
input() { [ "${DIR[$1]}" != x ] && [ "$(bit "${DIR[$1]}" "$2")" = 0 ]; }

at start
t "the guest booted Debian's kernel and reached the test's PID 1" [ "${D[start]}" != x ]
t "before any request lines 1 and 2 are inputs (direction 0x${DIR[start]})" input start 1
next_line "GPIO-RESULT describe" || true
t "power_gpio_describe names the line ($line)" [ "$line" = "GPIO-RESULT describe gpiochip0 line 1" ]
at line1-on
t "line 1 on (active-high): an output, driven high" eval 'output line1-on 1 && level line1-on 1 1'
at line1-on-held
t "line 1 stays high while the request is held (1 s later)" eval 'output line1-on-held 1 && level line1-on-held 1 1'
at line1-off
t "line 1 off: driven low, still an output" eval 'output line1-off 1 && level line1-off 1 0'
next_line "GPIO-RESULT busy" || true
t "a second request of the held line is -EBUSY and names the holder ($line)" \
	eval '[[ $line == "GPIO-RESULT busy r=-16 err=gpiochip0 line 1 is busy: held by '"'"'oopsfarm-test'"'"'" ]]'
at line1-on-again
t "line 1 on again after the refused request: high" level line1-on-again 1 1
at line1-released
# pl061 keeps its registers when the request goes (the relay stays as it was);
# gpio-sim, say, would return the line to its pull instead
t "after release pl061 keeps line 1 an output at its last level (high)" \
	eval 'output line1-released 1 && level line1-released 1 1'
at line2-on
t "line 2 on, active-low, chip by label 9030000.pl061: an output, driven low" \
	eval 'output line2-on 2 && level line2-on 2 0'
at line2-off
t "line 2 off, active-low: driven high" eval 'output line2-off 2 && level line2-off 2 1'
t "line 1 was left alone by line 2's request (still high)" level line2-off 1 1
t "line 3 (gpio-keys) never became an output" eval 'input start 3 && input line2-off 3'
next_line "GPIO-RESULT nochip" || true
t "a chip that does not exist: -ENOENT, named ($line)" \
	eval '[[ $line == "GPIO-RESULT nochip r=-2 err=GPIO chip '"'"'gpiochip7'"'"': no such chip"* ]]'
next_line "GPIO-RESULT noline" || true
t "a line past the chip's end: refused, with the chip's line count ($line)" \
	eval '[[ $line == "GPIO-RESULT noline r=-"*"err=GPIO chip '"'"'gpiochip0'"'"' has no line 8 (it has 8)" ]]'
next_line "GPIO-DONE" || true
t "the guest finished ($line)" [ "$line" = "GPIO-DONE ok" ]
exec 3>&- 5>&-
for _ in $(seq 100); do kill -0 "$qpid" 2>/dev/null || break; sleep 0.1; done
t "the guest powered off" not kill -0 "$qpid" 2>/dev/null
for s in start line1-on line1-on-held line1-off line1-on-again line1-released line2-on line2-off; do
	printf '# %-15s data 0x%02x direction 0x%02x\n' "$s" "${D[$s]/x/255}" "${DIR[$s]/x/255}"
done
echo "# $((SECONDS - start)) s; kernel $REL ($(cat "$K/VERSION" 2>/dev/null))"
[ "$fails" = 0 ] || { echo "# console:"; sed 's/^/#   /' "$tmp/console.log" | tail -40; }
exit 0
