#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/fastboot-bph.sh: boots per hour on the U-Boot fastboot board
# (devices/u-boot-fastboot/board.sh) by three ways of booting a variant,
# with the variants interleaved A B A B:
#   reflash  flash the variant's boot.img into boot_a, then `continue`
#   ab       both variants flashed once (boot_a, boot_b); per boot the slot
#            is chosen by flashing a 4 KiB misc image, then `continue`
#   ram      `fastboot boot boot.img`: nothing written
# A boot is timed from power-on (QEMU start) to power-off (QEMU exit): U-Boot
# to fastboot, the device check (getvar product), the method's fastboot
# calls, U-Boot loading the slot, the payload, PSCI off.  The payload is
# the stub kernel (devices/u-boot-fastboot/stub-kernel.S) padded to IMG_MB,
# so the figures are the board's and the method's overhead: a real kernel
# adds its own boot time to every method alike.
# Prints per method the median boot time with min and max, boots per hour
# from the median, and the flash throughput (RUNS flashes of IMG_MB).
# Measures and prints; never fails on speed.
#
# Knobs: BOOTS=6 (per method), IMG_MB=16, RUNS=3, B=build/host
set -u
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$(pwd)/$B/oopsfarm
D=devices/u-boot-fastboot
BOOTS=${BOOTS:-6} IMG_MB=${IMG_MB:-16} RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'uboot_power_off; rm -rf "$tmp"' EXIT
UBOOT=$($D/build-u-boot.sh | tail -n 1) || exit 1
export UBOOT

# stub kernels padded to IMG_MB: the transfer and the flash cost a real size
for v in A B; do
	aarch64-linux-gnu-gcc -c -DVARIANT=\"$v\" -o "$tmp/stub$v.o" $D/stub-kernel.S &&
		aarch64-linux-gnu-objcopy -O binary -j .text "$tmp/stub$v.o" "$tmp/stub$v.Image" || exit 1
	head -c $((IMG_MB * 1000000)) /dev/urandom >>"$tmp/stub$v.Image"
done
printf 'oopsfarm stub ramdisk\n' >"$tmp/rd"
for v in A B; do
	$OF image boot --header-version 2 --base 0x40000000 --kernel "$tmp/stub$v.Image" --ramdisk "$tmp/rd" \
		-o "$tmp/boot$v.img" || exit 1
done

now() { date +%s.%N; }
. $D/board-lib.sh
power_on() { uboot_power_on "$tmp" && PORT=$UBOOT_PORT; }
wait_off() { uboot_wait_off 60; }
fb() { $OF fastboot -s "udp:127.0.0.1:$PORT" --product qemu-arm "$@" >/dev/null; }

# one boot of variant $2 by method $1; prints its seconds, or "fail"
boot_once() {
	local m=$1 v=$2 slot t0 t1
	[ "$v" = A ] && slot=a || slot=b
	t0=$(now)
	power_on || { echo fail; return; }
	case $m in
	reflash) fb flash boot_a "$tmp/boot$v.img" && fb slot a && fb continue ;;
	ab) fb slot $slot && fb continue ;;
	ram) fb boot "$tmp/boot$v.img" ;;
	esac || { uboot_power_off; echo fail; return; }
	wait_off || { echo fail; return; }
	t1=$(now)
	grep -q "oopsfarm-stub: variant=$v" "$tmp/console.log" || { echo fail; return; }
	echo "$t1 - $t0" | bc -l
}

summary() { # method, then times
	local m=$1; shift
	local sorted n med
	sorted=$(printf '%s\n' "$@" | grep -v fail | sort -g)
	n=$(grep -c . <<<"$sorted")
	[ "$n" -gt 0 ] || { printf '%-8s  no successful boot\n' "$m"; return; }
	med=$(awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}' <<<"$sorted")
	printf '%-8s  %5.2f s  %5.2f-%5.2f s  %6.0f  %d/%d\n' "$m" "$med" "$(head -1 <<<"$sorted")" \
		"$(tail -1 <<<"$sorted")" "$(echo "3600 / $med" | bc -l)" "$n" "$#"
}

# A/B: both variants flashed once
power_on && fb flash boot_a "$tmp/bootA.img" && fb flash boot_b "$tmp/bootB.img" || { echo "setup flash failed"; exit 1; }
uboot_power_off

declare -A times
for i in $(seq 1 "$BOOTS"); do
	[ $((i % 2)) = 1 ] && v=A || v=B
	for m in reflash ab ram; do
		times[$m]+=" $(boot_once $m $v)"
	done
done

echo "U-Boot fastboot board, $BOOTS boots per method (variants A B interleaved), payload $IMG_MB MB"
echo "method    median    min-max          boots/h  ok"
for m in reflash ab ram; do
	# shellcheck disable=SC2086
	summary $m ${times[$m]}
done

power_on || exit 1
rates=()
for r in $(seq 1 "$RUNS"); do
	out=$($OF fastboot -s "udp:127.0.0.1:$PORT" --product qemu-arm flash boot_b "$tmp/bootA.img") || continue
	s=$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' <<<"$out")
	rates+=("$(echo "$(stat -c %s "$tmp/bootA.img") / 1000000 / $s" | bc -l)")
done
uboot_power_off
sorted=$(printf '%s\n' "${rates[@]}" | sort -g)
printf 'flash throughput (%s MB image, %d runs): median %.2f MB/s, min %.2f, max %.2f (one `fastboot flash` call each)\n' \
	"$IMG_MB" "${#rates[@]}" "$(sed -n "$(( (${#rates[@]} + 1) / 2 ))p" <<<"$sorted")" "$(head -1 <<<"$sorted")" \
	"$(tail -1 <<<"$sorted")"
