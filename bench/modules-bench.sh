#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench/modules-bench.sh [OUT]: the agent loading a few hundred real
# modules as PID 1 on the QEMU SMMUv3 board, with Debian 12's arm64 kernel
# (a separate kernel: the demo's kernel, fragment and race rates are not
# touched).  Compares android with 1, 2, 4, 8 threads and eager, on -smp 2
# and -smp 4: wall time from the first to the last finit_module (LOAD
# span_us), median over BOOTS boots each; then the same set compressed
# (.ko.xz; Debian 6.1 has no CONFIG_MODULE_DECOMPRESS, so the agent
# decompresses) once per smp.  Prints a table (also to OUT) with how many
# modules loaded and failed, and why.
#
# The modules: every module under kernel/{crypto,lib,fs,drivers/md,
# drivers/block,drivers/virtio} except self-tests (test_*, *kunit*, tcrypt:
# minutes of self-testing, and tcrypt fails by design) and their
# dependencies; depmod makes
# modules.dep (the .deb has none).  CPU heavy under TCG: BOOTS=3 by
# default, the machine is shared.
#
# Environment: BOOTS (3), SMPS ("2 4"), CONFIGS, DEB_KERNEL
# (linux-image-6.1.0-57-arm64), W (build/bench-modules).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-}
BOOTS=${BOOTS:-3}
SMPS=${SMPS:-2 4}
CONFIGS=${CONFIGS:-"eager:1 android:1 android:2 android:4 android:8 eager:0"}
PKG=${DEB_KERNEL:-linux-image-6.1.0-57-arm64}
W=${W:-build/bench-modules}
OF=build/host/oopsfarm
AGENT=build/aarch64-linux-gnu/oopsfarm-agent
mkdir -p "$W"
W=$(cd "$W" && pwd)
die() { echo "modules-bench: $*" >&2; exit 1; }

[ -x "$OF" ] || die "build the tools first: make"
[ -x "$AGENT" ] || die "build the agent first: make agent CROSS_COMPILE=aarch64-linux-gnu-"
command -v depmod >/dev/null || die "depmod (kmod) is needed"

# 1. Debian's kernel package, unpacked (cached, shared with tests/t-board-gpio.sh)
if [ ! -d "$W/deb/boot" ]; then
	D=$(devices/qemu-smmuv3/fetch-debian-kernel.sh "$PKG" | tail -1) || die "cannot fetch $PKG"
	mkdir -p "$W/deb" && cp -a "$D/boot" "$D/lib" "$W/deb/"
fi
R=$(ls "$W/deb/lib/modules")
[ -f "$W/deb/lib/modules/$R/modules.dep" ] || depmod -b "$W/deb" "$R"

# 2. the module set: chosen directories and the closure of their dependencies
GEN=${GEN_INIT_CPIO:-$(command -v gen_init_cpio || true)}
if [ -z "$GEN" ]; then
	src=$(ls -d ~/.cache/oopsfarm/src/*/usr/gen_init_cpio.c 2>/dev/null | head -1)
	[ -n "$src" ] || die "no gen_init_cpio (set GEN_INIT_CPIO)"
	cc -O2 -o "$W/gen_init_cpio" "$src"
	GEN=$W/gen_init_cpio
fi
mkset() { # DIR COMPRESS(0|1)
	local k=$1 xz=$2 m=$1/modules/lib/modules/$R
	rm -rf "$k" && mkdir -p "$m"
	echo "$R" >"$k/kernelrelease"
	cp "$W/deb/boot/vmlinuz-$R" "$k/Image"
	(cd "$W/deb/lib/modules/$R" && find kernel/crypto kernel/lib kernel/fs kernel/drivers/md kernel/drivers/block \
		kernel/drivers/virtio -name '*.ko' ! -name '*test*' ! -name '*kunit*' ! -name tcrypt.ko |
		LC_ALL=C sort) >"$k/chosen"
	# closure: a module and everything modules.dep says it needs
	awk -F': *' 'NR == FNR { want[$1] = 1; next } ($1 in want) { print $1; n = split($2, d, " "); for (i = 1; i <= n; i++) print d[i] }' \
		"$k/chosen" "$W/deb/lib/modules/$R/modules.dep" | LC_ALL=C sort -u >"$k/closure"
	while read -r f; do
		mkdir -p "$m/$(dirname "$f")"
		cp "$W/deb/lib/modules/$R/$f" "$m/$f"
		[ "$xz" = 1 ] && xz -T1 -q "$m/$f"
	done <"$k/closure"
	depmod -b "$k/modules" "$R" 2>/dev/null
	if [ "$xz" = 1 ]; then sed 's/$/.xz/' "$k/chosen"; else cat "$k/chosen"; fi >"$k/modules.load"
	mkcpio "$k"
}
mkcpio() {
	MODULES_LOAD=$1/modules.load GEN_INIT_CPIO=$GEN devices/qemu-smmuv3/mkinitramfs.sh "$1/initrd.cpio" "$AGENT" "$1" 2>&1 | sed 's/^/# /'
}
why() { # decoded MOD lines -> "res|why|name"
	grep -E ' MOD .* res=(fail|skip|blocked) ' "$1" | sed -n 's/.* name=\([^ ]*\) res=\([a-z]*\).* why="\{0,1\}\([^"]*\)"\{0,1\}.*/\2|\3|\1/p'
}
[ -f "$W/plain/initrd.cpio" ] || mkset "$W/plain" 0
[ -f "$W/xz/initrd.cpio" ] || mkset "$W/xz" 1
echo "# kernel $PKG ($R); $(wc -l <"$W/plain/chosen") modules listed, $(wc -l <"$W/plain/closure") with dependencies"

# A module that fails on this board (no hardware, no Xen, no EFI) stops
# android mode after its wave, as libmodprobe: one probe boot in eager mode
# finds them, and they go to modules.blocklist, as a phone's would.
if [ ! -f "$W/blocklist" ]; then
	rm -f "$W/plain/modules/lib/modules/$R/modules.blocklist"
	mkcpio "$W/plain"
	SMP=2 timeout 900 devices/qemu-smmuv3/qemu-cmdline.sh -r "$W/plain" "$W/plain/initrd.cpio" "$W/probe.log" \
		oopsfarm.mode=eager oopsfarm.settle_ms=0 oopsfarm.load_timeout_ms=600000 >/dev/null 2>&1 || true
	$OF decode "$W/probe.log" 2>/dev/null | grep -E ' (LOAD|MOD) ' >"$W/probe.dec" || true
	grep -q ' LOAD ' "$W/probe.dec" || die "the probe boot gave no LOAD line: see $W/probe.log"
	why "$W/probe.dec" | awk -F'|' '$1 == "fail"' >"$W/probe.fail"
	# Dependencies modules.dep cannot show: their init asks for another
	# module by name (load_nls -> request_module), which fails without
	# modprobe in the initramfs unless that module happened to load first.
	for m in nls_euc_jp:nls_cp932 nls_koi8_ru:nls_koi8_u; do
		grep -q "|${m%%:*}\$" "$W/probe.fail" ||
			echo "fail|needs ${m#*:} loaded first (load_nls), which modules.dep does not say|${m%%:*}" >>"$W/probe.fail"
	done
	awk -F'|' '{ print "blocklist " $3 }' "$W/probe.fail" >"$W/blocklist"
	for set in plain xz; do
		cp "$W/blocklist" "$W/$set/modules/lib/modules/$R/modules.blocklist"
		mkcpio "$W/$set"
	done
fi
echo "# blocklisted after the probe boot (eager, -smp 2), with the reason:"
awk -F'|' '{ print "#   " $3 ": " $2 }' "$W/probe.fail"

# 3. boots: one LOAD line each
boot() { # SET SMP MODE THREADS LOG
	local rc=0
	[ -n "${REUSE:-}" ] && [ -s "$5.dec" ] && return 0	# re-render the table from earlier logs
	SMP=$2 timeout 600 devices/qemu-smmuv3/qemu-cmdline.sh -r "$W/$1" "$W/$1/initrd.cpio" "$5" \
		oopsfarm.mode="$3" oopsfarm.threads="$4" oopsfarm.settle_ms=0 oopsfarm.load_timeout_ms=400000 oopsfarm.action=poweroff \
		>/dev/null 2>&1 || rc=$?
	$OF decode "$5" 2>/dev/null | grep -E ' (BEGIN|LOAD|MOD) ' >"$5.dec" || true
	return 0
}
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* LOAD .* $1=\\([0-9]*\\).*/\\1/p" "$2"; }

{
	echo "# $(date -u +%FT%TZ) $(uname -m) host, $(nproc) CPUs, qemu $(qemu-system-aarch64 --version | head -1 | awk '{ print $4 }'), BOOTS=$BOOTS"
	printf '%-5s %-14s %5s %10s %10s %6s %6s %6s %6s %s\n' smp config boots span_ms min_ms ok exists failed skipped plan
	for smp in $SMPS; do
		for set in plain xz; do
			for cfg in $CONFIGS; do
				mode=${cfg%%:*} thr=${cfg#*:}
				[ "$set" = xz ] && [ "$cfg" != "android:0" ] && [ "$cfg" != "${CONFIGS%% *}" ] && continue
				spans=() last=
				for b in $(seq 1 "$([ "$set" = xz ] && echo 1 || echo "$BOOTS")"); do
					log=$W/log.$set.$smp.$mode.$thr.$b
					boot "$set" "$smp" "$mode" "$thr" "$log"
					s=$(field span_us "$log.dec")
					[ -n "$s" ] && spans+=("$s") && last=$log.dec
				done
				med=$(printf '%s\n' "${spans[@]}" | median)
				min=$(printf '%s\n' "${spans[@]}" | sort -n | head -1)
				label="$mode:$([ "$thr" = 0 ] && echo "$smp" || echo "$thr")"
				if [ "$set" = xz ]; then label="$label,xz"; fi
				if [ -n "$last" ]; then
					printf '%-5s %-14s %5d %10.1f %10.1f %6s %6s %6s %6s %s\n' "$smp" "$label" "${#spans[@]}" \
						"$(awk "BEGIN { print $med / 1000 }")" "$(awk "BEGIN { print $min / 1000 }")" \
						"$(field ok "$last")" "$(field exists "$last")" "$(field failed "$last")" \
						"$(field skipped "$last")" "$(sed -n 's/.* plan=\([0-9a-f]*\).*/\1/p' "$last")"
				else
					printf '%-5s %-14s %5d %10s (no LOAD line: see %s)\n' "$smp" "$label" 0 - "$W/log.$set.$smp.$mode.$thr.1"
				fi
			done
		done
	done
	echo "# not loaded in the last android boot, by reason:"
	f=$(ls -t "$W"/log.plain.*.android.*.dec 2>/dev/null | head -1)
	[ -n "$f" ] && why "$f" | awk -F'|' '{ k = $1 ": " $2; n[k]++; ex[k] = ex[k] " " $3 } END { for (k in n) print "#   " n[k] " " k ":" ex[k] }' |
		sort -t' ' -k2 -rn | cut -c1-220
	echo "# decompression of the xz set: $(grep -ho ' decomp=[a-z]*' "$W"/log.xz.*.dec 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
	# the host's plan for the same directory, list and command line
	log=$(ls "$W"/log.plain.*.dec 2>/dev/null | head -1)
	if [ -n "$log" ]; then
		cl=$(sed -n 's/.*Kernel command line: //p' "${log%.dec}" | tr -d '\r' | head -1)
		hh=$($OF modules plan --json --list "$W/plain/modules.load" --cmdline "$cl" "$W/plain/modules/lib/modules/$R" |
			sed -n 's/.*"hash":"\([0-9a-f]*\)".*/\1/p' || true)	# exit 1: blocklisted modules are skipped
		echo "# oopsfarm modules plan on the host: $hh; agent BEGIN plan=$(sed -n 's/.* BEGIN .* plan=\([0-9a-f]*\).*/\1/p' "$log")"
	fi
} | tee ${OUT:+"$OUT"}
