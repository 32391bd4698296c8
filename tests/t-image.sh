#!/bin/bash
# SPDX-License-Identifier: MIT
#
# oopsfarm image against Debian's own tools (mkbootimg 29.0.6):
# - unpack_bootimg extracts the same payloads from our boot v4 and
#   vendor_boot v4 images at a 4096-byte page (it reads v4 as v3, ignores the
#   vendor ramdisk table and bootconfig, and assumes a one-page vendor header);
# - for header v0-v2, our image equals mkbootimg's byte for byte except the
#   32-byte id (mkbootimg's SHA-1, zeros here);
# - `oopsfarm image info` reads every payload offset back (JSON), and dd
#   at those offsets gives the input files.
. "$(dirname "$0")/lib.sh"
OF=$(pwd)/$OF
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
head -c 300001 /dev/urandom >kernel
head -c 70003 /dev/urandom >ramdisk
head -c 5555 /dev/urandom >dtb
head -c 9000 /dev/urandom >vr0
head -c 4097 /dev/urandom >vr1
printf 'androidboot.hardware = oriole\nandroidboot.console = ttySAC0\n' >bootconfig

# section NAME from `image info --json`: dd out the bytes it points at
sect() { # json name file
	local off size
	off=$(grep -o "\"$2_offset\":[0-9]*" "$1" | cut -d: -f2)
	size=$(grep -o "\"$2_size\":[0-9]*" "$1" | cut -d: -f2)
	[ -n "$off" ] && [ -n "$size" ] && tail -c +$((off + 1)) "$3" | head -c "$size"
}

$OF image boot --header-version 4 --kernel kernel --ramdisk ramdisk --cmdline 'console=ttySAC0,115200' \
	--os-version 14.0.0 --os-patch-level 2024-05 -o boot.img
t "boot v4 written" [ $? -eq 0 -a -s boot.img ]
$OF image info --json boot.img >boot.json
t "info: boot v4, 1584-byte header" grep -q '"kind":"boot","header_version":4,"header_size":1584' boot.json
t "info: kernel bytes at its offset" cmp -s <(sect boot.json kernel boot.img) kernel
t "info: ramdisk bytes at its offset" cmp -s <(sect boot.json ramdisk boot.img) ramdisk
$OF image vendor-boot --header-version 4 --ramdisk-name platform --vendor-ramdisk vr0 \
	--ramdisk-type dlkm --ramdisk-name dlkm --vendor-ramdisk vr1 --dtb dtb \
	--vendor-cmdline 'earlycon' --bootconfig bootconfig --base 0x80000000 -o vendor_boot.img
t "vendor_boot v4 written" [ $? -eq 0 -a -s vendor_boot.img ]
$OF image info --json vendor_boot.img >vb.json
t "info: vendor_boot v4, 2128-byte header, 2 table entries" \
	grep -q '"kind":"vendor_boot","header_version":4,"header_size":2128.*"vendor_ramdisks":2' vb.json
t "info: table entry 0 is vr0" cmp -s <(sect vb.json vendor_ramdisk0 vendor_boot.img) vr0
t "info: table entry 1 is vr1, type dlkm" cmp -s <(sect vb.json vendor_ramdisk1 vendor_boot.img) vr1
t "info: entry 1 named dlkm" grep -q '"vendor_ramdisk1_name":"dlkm","vendor_ramdisk1_type":"dlkm"' vb.json
t "info: dtb bytes" cmp -s <(sect vb.json dtb vendor_boot.img) dtb
t "info: bootconfig bytes" cmp -s <(sect vb.json bootconfig vendor_boot.img) bootconfig

if command -v unpack_bootimg >/dev/null; then
	unpack_bootimg --boot_img boot.img --out ub >ub.txt 2>&1
	t "unpack_bootimg reads our boot v4" [ $? -eq 0 ]
	t "unpack_bootimg: the same kernel" cmp -s ub/kernel kernel
	t "unpack_bootimg: the same ramdisk" cmp -s ub/ramdisk ramdisk
	t "unpack_bootimg: os version 14.0.0, patch level 2024-05" \
		grep -q 'os version: 14.0.0' ub.txt && grep -q 'os patch level: 2024-05' ub.txt
	unpack_bootimg --boot_img vendor_boot.img --out uv >uv.txt 2>&1
	t "unpack_bootimg reads our vendor_boot v4" [ $? -eq 0 ]
	t "unpack_bootimg: the vendor ramdisk is vr0 then vr1" cmp -s uv/vendor_ramdisk <(cat vr0 vr1)
	t "unpack_bootimg: the same dtb" cmp -s uv/dtb dtb
	t "unpack_bootimg: cmdline and load addresses" \
		grep -q 'vendor command line args: earlycon' uv.txt && grep -q 'kernel load address: 0x80008000' uv.txt
else
	skip "unpack_bootimg" "not installed (mkbootimg package)"
fi

if command -v mkbootimg >/dev/null; then
	for v in 0 1 2; do
		extra=()
		[ $v = 2 ] && extra=(--dtb dtb)
		mkbootimg --header_version $v --kernel kernel --ramdisk ramdisk "${extra[@]}" --cmdline 'console=ttyAMA0' \
			--base 0x40000000 --board oopsfarm -o m$v.img
		$OF image boot --header-version $v --kernel kernel --ramdisk ramdisk "${extra[@]}" --cmdline 'console=ttyAMA0' \
			--base 0x40000000 --name oopsfarm -o o$v.img
		# cmp -l counts from 1: the id is bytes 577..608
		diffs=$(cmp -l m$v.img o$v.img | awk '$1 < 577 || $1 > 608' | wc -l)
		t "boot v$v: byte-identical to mkbootimg's but for the id" [ "$diffs" -eq 0 -a "$(stat -c %s m$v.img)" = "$(stat -c %s o$v.img)" ]
	done
	# mkbootimg 29.0.6's own v3 header sizes are a draft's (1596, 2108): why we write our own
	mkbootimg --header_version 3 --kernel kernel --ramdisk ramdisk -o m3.img
	t "mkbootimg 29.0.6 writes a v3 header_size of 1596, AOSP's final format says 1580" \
		[ "$(od -An -t u4 -j 20 -N 4 m3.img | tr -d ' ')" = 1596 ]
	$OF image boot --header-version 3 --kernel kernel --ramdisk ramdisk -o o3.img
	t "ours says 1580" [ "$(od -An -t u4 -j 20 -N 4 o3.img | tr -d ' ')" = 1580 ]
else
	skip "mkbootimg" "not installed"
fi

# Bad input: usage errors, no output file.
$OF image boot --header-version 5 --kernel kernel -o bad.img 2>err; rc=$?
[ $rc -eq 2 -a ! -e bad.img ] && grep -q 'unsupported header version' err; t_last "header version 5: exit 2, no file"
$OF image boot --header-version 3 --kernel kernel --dtb dtb -o bad.img 2>err; rc=$?
t "a dtb in boot v3: exit 2" [ $rc -eq 2 -a ! -e bad.img ]
$OF image vendor-boot --header-version 3 --vendor-ramdisk vr0 --vendor-ramdisk vr1 -o bad.img 2>err; rc=$?
t "two vendor ramdisks in v3: exit 2" [ $rc -eq 2 -a ! -e bad.img ]
$OF image boot --header-version 4 --kernel nofile -o bad.img 2>err; rc=$?
[ $rc -eq 3 ] && grep -q "cannot read 'nofile'" err; t_last "an unreadable kernel: exit 3, named"
head -c 10000 boot.img >cut.img
$OF image info cut.img >/dev/null 2>err; rc=$?
[ $rc -eq 1 ] && grep -q 'malformed or truncated' err; t_last "info on a truncated image: exit 1"
$OF image info kernel >/dev/null 2>err; rc=$?
[ $rc -eq 1 ] && grep -q 'not an Android boot or vendor_boot image' err; t_last "info on a kernel: not an image"
