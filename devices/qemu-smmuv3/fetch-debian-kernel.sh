#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch-debian-kernel.sh [PKG]
#
# Debian 12's own arm64 kernel package (default linux-image-6.1.0-57-arm64),
# downloaded once with the system's apt (arm64 through multiarch) and
# unpacked into the oopsfarm cache.  Prints the unpacked directory as the
# last line of stdout: DIR/boot/vmlinuz-REL (QEMU's -kernel takes it as it
# is), DIR/lib/modules/REL, and DIR/kernelrelease.
#
# It is a separate kernel from the demo's (build-kernel.sh): the demo's
# tree, fragment and cache key are never touched.  Users: the modules
# bench (real modules to load) and tests/t-board-gpio.sh (a kernel with
# pl061 and the GPIO character device's v1 uAPI).
#
# Environment: OOPSFARM_CACHE (default $XDG_CACHE_HOME/oopsfarm or
# ~/.cache/oopsfarm).
set -eu

PKG=${1:-linux-image-6.1.0-57-arm64}
CACHE=${OOPSFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oopsfarm}
DIR=$CACHE/debian-kernel/$PKG
die() { echo "fetch-debian-kernel: $*" >&2; exit 1; }

if [ ! -f "$DIR/kernelrelease" ]; then
	mkdir -p "$CACHE/debian-kernel"
	tmp=$(mktemp -d "$CACHE/debian-kernel/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q "$PKG:arm64" >/dev/null 2>&1) ||
		die "apt-get download $PKG:arm64 failed (dpkg --add-architecture arm64 and apt-get update?)"
	dpkg-deb -x "$tmp"/"$PKG"_*_arm64.deb "$tmp/x"
	ls "$tmp/x/lib/modules" >"$tmp/x/kernelrelease"
	dpkg-deb -f "$tmp"/"$PKG"_*_arm64.deb Version >"$tmp/x/VERSION"
	# another fetch may have won the race: keep its copy
	mv -T "$tmp/x" "$DIR" 2>/dev/null || [ -f "$DIR/kernelrelease" ] || die "cannot create $DIR"
fi
echo "$DIR"
