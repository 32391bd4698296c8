#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bisect-qemu-build.sh - the build command of bench/bisect-qemu.sh, run by
# `oopsfarm bisect --build` in the kernel tree at each step's commit.
#
# Builds in place, incrementally: the object dir ($OBJ) is the one
# build-kernel.sh keeps for this source and fragment, seen through an
# overlay (bisect-qemu.sh), and the compiler goes through ccache with the
# same command lines build-kernel.sh uses, so a step rebuilds only what the
# checkout changed.  Leaves the commit's kernel in $OOPSFARM_OUT the way
# build-kernel.sh lays out its output (core/bisect-farm.h): Image, build-id,
# kernelrelease, gen_init_cpio, modules/.
#
# Environment: OOPSFARM_OUT, OOPSFARM_TREE (from oopsfarm bisect), OBJ,
# CCACHE_DIR, JOBS (default 2).
set -euo pipefail
: "${OOPSFARM_OUT:?}" "${OBJ:?}"
TREE=${OOPSFARM_TREE:-$PWD}
export ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}
# as build-kernel.sh: the same build identity, so init/version.o stays put
export KBUILD_BUILD_USER=oopsfarm KBUILD_BUILD_HOST=oopsfarm
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$TREE/Makefile")")
export KBUILD_BUILD_TIMESTAMP
# a git tree would get a '+' release (setlocalversion) and rebuild every module
export LOCALVERSION=
MAKE=(make -C "$TREE" O="$OBJ" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" -j"${JOBS:-2}"
	CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc")
start=$(date +%s)
"${MAKE[@]}" Image modules
echo "bisect-qemu-build: make took $(($(date +%s) - start)) s" >&2
rm -rf "$OOPSFARM_OUT/modules"
"${MAKE[@]}" -s modules_install INSTALL_MOD_PATH="$OOPSFARM_OUT/modules" INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod
rm -f "$OOPSFARM_OUT"/modules/lib/modules/*/build "$OOPSFARM_OUT"/modules/lib/modules/*/source
cp "$OBJ/arch/arm64/boot/Image" "$OBJ/usr/gen_init_cpio" "$OOPSFARM_OUT/"
cat "$OBJ/include/config/kernel.release" >"$OOPSFARM_OUT/kernelrelease"
readelf -n "$OBJ/vmlinux" | sed -n 's/^ *Build ID: *//p' | head -n 1 >"$OOPSFARM_OUT/build-id"
git -C "$TREE" log -1 --format='bisect-qemu %H' >"$OOPSFARM_OUT/VERSION"
[ -s "$OOPSFARM_OUT/build-id" ]
