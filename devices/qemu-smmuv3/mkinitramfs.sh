#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mkinitramfs.sh OUT.cpio INIT_BINARY KERNEL_OUTDIR [SRC[:DEST]...]
#
# Builds the board's initramfs, an uncompressed newc cpio:
#   /init                         INIT_BINARY (static)
#   /dev/console                  char 5,1 (the kernel opens it before /init)
#   /lib/modules/<release>/...    every module from KERNEL_OUTDIR/modules,
#                                 with modules.dep & co from depmod
#   /lib/modules/<release>/modules.load
#                                 the modules to load, one path a line
#                                 relative to that dir, dependencies first
#   DEST (default /basename SRC)  each extra file
#
# Why gen_init_cpio (the kernel's own writer, saved by build-kernel.sh):
# a cpio list makes device nodes and root ownership without root or
# mknod, and `-t` pins every mtime, so equal inputs give a byte-identical
# archive and the initramfs hash can key results.
#
# Environment:
#   MODULES_LOAD=FILE   use this modules.load instead of "all .ko"
#   GEN_INIT_CPIO=PATH  the gen_init_cpio binary (default KERNEL_OUTDIR/gen_init_cpio)
#   SOURCE_DATE_EPOCH   mtime for every entry (default 0)
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 OUT.cpio INIT_BINARY KERNEL_OUTDIR [SRC[:DEST]...]" >&2; exit 2; }
OUT=$1 INIT=$2 KDIR=$3
shift 3

die() { echo "mkinitramfs: $*" >&2; exit 1; }
[ -f "$INIT" ] || die "init binary $INIT not found"
[ -f "$KDIR/kernelrelease" ] || die "$KDIR is not a build-kernel.sh output dir"
GEN=${GEN_INIT_CPIO:-$KDIR/gen_init_cpio}
[ -x "$GEN" ] || GEN=$(command -v gen_init_cpio) || die "no gen_init_cpio (set GEN_INIT_CPIO)"
REL=$(cat "$KDIR/kernelrelease")
MODROOT=$KDIR/modules/lib/modules/$REL
[ -f "$MODROOT/modules.dep" ] || die "$MODROOT/modules.dep missing"
MTIME=${SOURCE_DATE_EPOCH:-0}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LIST=$TMP/cpio.list

# modules.load: dependencies before their users.  modules.dep says
# "mod.ko: dep1.ko dep2.ko"; tsort orders "dep mod" pairs.  Sorting the
# input first keeps the order stable from build to build.
if [ -n "${MODULES_LOAD:-}" ]; then
	cp "$MODULES_LOAD" "$TMP/modules.load"
else
	sed 's/://' "$MODROOT/modules.dep" | sort | while read -r mod deps; do
		echo "$mod $mod"
		for d in $deps; do echo "$d $mod"; done
	done | tsort >"$TMP/modules.load"
fi

abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }

{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /proc /sys /tmp /root /lib /lib/modules; do echo "dir $d 0755 0 0"; done
	echo "file /init $(abs "$INIT") 0755 0 0"
	# The modules tree, directories before their contents, in a fixed order.
	(cd "$KDIR/modules" && find lib/modules -mindepth 1 | LC_ALL=C sort) | while read -r f; do
		if [ -d "$KDIR/modules/$f" ]; then
			echo "dir /$f 0755 0 0"
		else
			echo "file /$f $KDIR/modules/$f 0644 0 0"
		fi
	done
	echo "file /lib/modules/$REL/modules.load $TMP/modules.load 0644 0 0"
	for x in "$@"; do
		src=${x%%:*}
		dest=/$(basename "$src")
		[ "$src" = "$x" ] || dest=${x#*:}
		[ -f "$src" ] || die "extra file $src not found"
		mode=0644
		[ -x "$src" ] && mode=0755
		# Parent directories of DEST (duplicates are harmless to the kernel).
		p=$(dirname "$dest")
		parents=()
		while [ "$p" != / ]; do parents=("$p" "${parents[@]}"); p=$(dirname "$p"); done
		for p in "${parents[@]}"; do echo "dir $p 0755 0 0"; done
		echo "file $dest $(abs "$src") $mode 0 0"
	done
} >"$LIST"

"$GEN" -t "$MTIME" "$LIST" >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "mkinitramfs: $OUT: $(wc -l <"$TMP/modules.load") modules, $(stat -c %s "$OUT") bytes, sha256 $(sha256sum "$OUT" | cut -c1-16)" >&2
