#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build-u-boot.sh
#
# Builds the fastboot peer of the U-Boot board: Debian's own U-Boot source
# package (bookworm, 2023.01) for QEMU arm64 (qemu_arm64_defconfig) plus
# u-boot.fragment (UDP fastboot, an SD card on sdhci-pci, GPT, Android boot
# images, A/B selection from misc).  Prints the output directory as the last
# line of stdout:
#
#   $CACHE/u-boot/<key>/{u-boot.bin,.config,VERSION,.complete}
#
# key = hash(BUILD_REV, source package version, fragment).  One U-Boot cache:
# a complete key is reused at once (no network, no compiler).
#
# The source comes through a private apt configuration with deb-src lines
# (Debian 12 ships none) under $CACHE/apt-bookworm-src, as fetch-kernel.sh
# does for the kernel: the system's apt sources are never touched.
#
# Environment: OOPSFARM_CACHE (default ~/.cache/oopsfarm), DEBIAN_MIRROR,
# DEBIAN_SUITE (default bookworm), JOBS (default 2; the machine is shared).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${OOPSFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oopsfarm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=${DEBIAN_SUITE:-bookworm}
FRAGMENT=$HERE/u-boot.fragment
BUILD_REV=1
JOBS=${JOBS:-2}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
APTDIR=$CACHE/apt-$SUITE-src

log() { echo "build-u-boot: $*" >&2; }
die() { log "error: $*"; exit 1; }

command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc not found (make deps)"
command -v dpkg-source >/dev/null || die "dpkg-source not found (make deps: dpkg-dev)"
[ -r "$KEYRING" ] || die "$KEYRING missing (make deps: debian-archive-keyring)"

mkdir -p "$APTDIR/etc/preferences.d" "$APTDIR/state/lists/partial" \
	"$APTDIR/cache/archives/partial" "$APTDIR/src"
echo "deb-src [signed-by=$KEYRING] $MIRROR $SUITE main" >"$APTDIR/etc/sources.list"
APT_OPTS=(-o "Dir::Etc::sourcelist=$APTDIR/etc/sources.list"
	-o "Dir::Etc::sourceparts=-"
	-o "Dir::Etc::preferencesparts=$APTDIR/etc/preferences.d"
	-o "Dir::Etc::preferences=$APTDIR/etc/preferences"
	-o "Dir::State=$APTDIR/state"
	-o "Dir::State::status=/var/lib/dpkg/status"
	-o "Dir::Cache=$APTDIR/cache"
	-o "APT::Get::List-Cleanup=0"
	-o "Debug::NoLocking=1")
[ "$(id -u)" -ne 0 ] || APT_OPTS+=(-o "APT::Sandbox::User=root")

# The version: from the index we have; refreshed when there is none yet.
if ! find "$APTDIR/state/lists" -maxdepth 1 -name '*_Sources*' | grep -q .; then
	log "fetching $SUITE's source index into $APTDIR"
	apt-get "${APT_OPTS[@]}" -qq update >&2 || die "cannot fetch $SUITE's source index"
fi
VER=$(apt-cache "${APT_OPTS[@]}" showsrc u-boot 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -n 1)
[ -n "$VER" ] || die "no u-boot source package in $SUITE"

KEY=$( { echo "$BUILD_REV"; echo "u-boot $VER"; cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
OUT=$CACHE/u-boot/$KEY
if [ -f "$OUT/.complete" ]; then
	log "cached: u-boot $VER ($OUT)"
	echo "$OUT"
	exit 0
fi

# The source tree: apt-get source fetches .dsc + tarballs and unpacks them
# with Debian's patches applied (dpkg-source -x).
UVER=${VER#*:}
TREE=$APTDIR/src/u-boot-${UVER%%+*}
if [ ! -f "$TREE/.unpacked" ]; then
	log "fetching the u-boot $VER source package"
	rm -rf "$APTDIR/src" && mkdir -p "$APTDIR/src"
	(cd "$APTDIR/src" && apt-get "${APT_OPTS[@]}" -qq source "u-boot=$VER") >&2 ||
		die "apt-get source u-boot=$VER failed"
	TOP=$(find "$APTDIR/src" -mindepth 1 -maxdepth 1 -type d -name 'u-boot-*' | head -n 1)
	[ -n "$TOP" ] || die "no u-boot tree after apt-get source"
	[ "$TOP" = "$TREE" ] || mv "$TOP" "$TREE"
	touch "$TREE/.unpacked"
fi

# Out-of-tree build into a scratch dir, then copy what the board needs.
BUILD=$CACHE/u-boot/build-$KEY
rm -rf "$BUILD" && mkdir -p "$BUILD"
export CROSS_COMPILE=aarch64-linux-gnu- ARCH=arm
log "building u-boot $VER for qemu_arm64 in $BUILD (-j$JOBS)"
T0=$(date +%s)
make -s -C "$TREE" O="$BUILD" qemu_arm64_defconfig >&2
"$TREE/scripts/kconfig/merge_config.sh" -m -O "$BUILD" "$BUILD/.config" "$FRAGMENT" >/dev/null
make -s -C "$TREE" O="$BUILD" olddefconfig >&2
# Every line of the fragment must have survived olddefconfig.
while IFS= read -r line; do
	case $line in ''|'#'*) continue ;; esac
	grep -qxF "$line" "$BUILD/.config" || die "config line '$line' did not stick"
done <"$FRAGMENT"
make -s -C "$TREE" O="$BUILD" -j"$JOBS" u-boot.bin >&2
T1=$(date +%s)

rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp"
cp "$BUILD/u-boot.bin" "$BUILD/.config" "$OUT.tmp/"
echo "u-boot $VER" >"$OUT.tmp/VERSION"
echo "$((T1 - T0))" >"$OUT.tmp/build-seconds"
touch "$OUT.tmp/.complete"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
rm -rf "$BUILD"
log "built u-boot $VER in $((T1 - T0)) s: $OUT"
echo "$OUT"
