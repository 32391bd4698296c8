#!/bin/bash
# SPDX-License-Identifier: MIT
#
# build-kernel.sh [PATCH...]
#
# Builds the QEMU SMMUv3 board kernel (arm64 Image + modules) from the tree
# that fetch-kernel.sh gives (or $KERNEL_SRC), with kernel.fragment on top
# of allnoconfig and the given patches applied in order.  Prints the
# output directory as the last line of stdout:
#
#   $CACHE/kernels/<key>/{Image,vmlinux,System.map,.config,modules/,
#                         VERSION,build-id,kernelrelease,patches,stamp,
#                         gen_init_cpio,.complete}
#
# key = hash(BUILD_REV, STAMP_REV, source version, fragment, patch contents).  A
# complete key is reused at once: the farm asks for the same kernel
# thousands of times.  BUILD_REV (below) is bumped whenever this script
# changes how a kernel is built, so old cached outputs are not reused.
#
# Why one shared worktree + object dir per source version (+fragment):
# patched and unpatched variants differ in a file or two, so applying a
# patch to the shared tree, building, copying the outputs and reverting it
# lets kbuild (and ccache) recompile only what the patch touched: seconds
# instead of ~10 minutes per variant.  Reverting with `patch -R` leaves the
# file newer than its object, so the next variant rebuilds it again.
#
# Environment: OOPSFARM_CACHE, KERNEL_SRC (see fetch-kernel.sh),
# CCACHE_DIR (default $CACHE/ccache), JOBS (default nproc).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${OOPSFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oopsfarm}
FRAGMENT=$HERE/kernel.fragment
BUILD_REV=2
# STAMP_REV is in the output key only, not in the object dir's key: a new
# stamp relinks vmlinux (init/version.o), it does not rebuild the kernel.
STAMP_REV=1
JOBS=${JOBS:-$(nproc)}
export ARCH=arm64 CROSS_COMPILE=${CROSS_COMPILE:-aarch64-linux-gnu-}

log() { echo "build-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }
sha() { sha256sum | cut -c1-16; }

command -v "${CROSS_COMPILE}gcc" >/dev/null || die "${CROSS_COMPILE}gcc not found (make deps)"

# Patches are read by absolute path now: we cd around later.
PATCHES=()
for p in "$@"; do
	[ -f "$p" ] || die "patch $p not found"
	PATCHES+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
done

# --- 1. the source tree and its version string -------------------------
SRC=$("$HERE/fetch-kernel.sh" | tail -n 1)
if [ -f "$SRC/VERSION.debian" ]; then
	VERSION=$(cat "$SRC/VERSION.debian")
else
	# A user tree: its kernel version, plus the git commit and any local
	# changes when it is a git checkout (so an edit gives a new key).
	VERSION="local $(make -s -C "$SRC" kernelversion 2>/dev/null)"
	if git -C "$SRC" rev-parse HEAD >/dev/null 2>&1; then
		VERSION="$VERSION git:$(git -C "$SRC" rev-parse HEAD)"
		VERSION="$VERSION diff:$(git -C "$SRC" diff HEAD | sha)"
	else
		VERSION="$VERSION path:$SRC"
	fi
fi

SRCKEY=$(printf '%s\n' "$VERSION" | sha)
BASEKEY=$( { printf 'rev %s\n%s\n' "$BUILD_REV" "$VERSION"; cat "$FRAGMENT"; } | sha)
KEY=$( { printf 'rev %s\nstamp %s\n%s\n' "$BUILD_REV" "$STAMP_REV" "$VERSION"; cat "$FRAGMENT"; for p in "${PATCHES[@]}"; do echo "--- patch"; cat "$p"; done; } | sha)
OUT=$CACHE/kernels/$KEY

if [ -f "$OUT/.complete" ]; then
	log "cached: $VERSION, ${#PATCHES[@]} patch(es)"
	echo "$OUT"
	exit 0
fi

WORK=$CACHE/build/src-$SRCKEY/src
OBJ=$CACHE/build/obj-$BASEKEY
APPLIED=$WORK/.oopsfarm-applied-patches
mkdir -p "$CACHE/build" "$CACHE/kernels"

# One build at a time per worktree: the patches go into a shared tree.
exec 9>"$CACHE/build/src-$SRCKEY.lock"
flock 9

# --- 2. the shared worktree ---------------------------------------------
if [ ! -f "$WORK/.oopsfarm-copied" ]; then
	log "copying $SRC to the worktree $WORK"
	rm -rf "$WORK" && mkdir -p "$WORK"
	rsync -a --exclude=.git "$SRC/" "$WORK/"
	touch "$WORK/.oopsfarm-copied"
fi

revert_patches() {
	# Reverse order of application; the list survives a killed build, so
	# the next run starts from a clean tree whatever happened.
	[ -s "$APPLIED" ] || { rm -f "$APPLIED"; return 0; }
	tac "$APPLIED" | while read -r p; do
		log "reverting $(basename "$p")"
		patch -d "$WORK" -p1 -R -s --no-backup-if-mismatch <"$p" >&2 ||
			die "could not revert $p; delete $WORK and rerun"
	done
	rm -f "$APPLIED"
}
# A previous run may have died with its patches in the tree.  Its list
# holds copies of the patches (the originals may be gone by now).
revert_patches

# --- 3. configuration: allnoconfig + fragment, then verify ---------------
# Note: UBSAN reports name the source by its absolute path in the worktree
# (GCC 12 does not apply -ffile-prefix-map to sanitizer locations); crash
# parsers should strip everything up to the tree's top-level directories.
MAKE=(make -C "$WORK" O="$OBJ" ARCH=arm64 CROSS_COMPILE="$CROSS_COMPILE" -j"$JOBS")
if command -v ccache >/dev/null; then
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	MAKE+=(CC="ccache ${CROSS_COMPILE}gcc" HOSTCC="ccache gcc")
fi
# Fixed build identity so UTS_VERSION (and init/version.o) do not change on
# every build, and so two builds of one variant are as alike as can be.
export KBUILD_BUILD_USER=oopsfarm KBUILD_BUILD_HOST=oopsfarm
KBUILD_BUILD_TIMESTAMP=$(date -u -d "@$(stat -c %Y "$WORK/Makefile")")
export KBUILD_BUILD_TIMESTAMP
# The variant stamp: every variant of one tree prints the same release, so
# its banner ("Linux version ... #of-<key> SMP ...") carries the output key.
# The host checks it before the agent's BEGIN line can (tools/core/verdict.c).
# KBUILD_BUILD_VERSION only reaches UTS_VERSION, never the modules' vermagic.
STAMP=of-$KEY
export KBUILD_BUILD_VERSION=$STAMP

check_config() {
	# Every CONFIG_X=v in the fragment must be in .config exactly, and every
	# '# CONFIG_X is not set' must not be =y/=m.  Kconfig drops options
	# with unmet dependencies without a word, so we look ourselves.
	local bad=0 line sym
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$OBJ/.config" || {
				log "option did not stick: $line (got: $(grep -E "^(# )?${line%%=*}[= ]" "$OBJ/.config" || echo absent))"
				bad=1
			} ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}
			if grep -qE "^$sym=[ym]" "$OBJ/.config"; then
				log "option should be off: $sym ($(grep -E "^$sym=" "$OBJ/.config"))"
				bad=1
			fi ;;
		esac
	done <"$FRAGMENT"
	return $bad
}

if [ ! -f "$OBJ/.oopsfarm-config-ok" ]; then
	log "configuring in $OBJ (allnoconfig + $(basename "$FRAGMENT"))"
	mkdir -p "$OBJ"
	"${MAKE[@]}" -s allnoconfig >&2
	(cd "$OBJ" && "$WORK/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$FRAGMENT" >"$OBJ/merge_config.log")
	"${MAKE[@]}" -s olddefconfig >&2
	check_config || die "kernel.fragment: options above did not stick in $OBJ/.config"
	touch "$OBJ/.oopsfarm-config-ok"
fi

# --- 4. patches, build, outputs ------------------------------------------
trap 'revert_patches' EXIT
mkdir -p "$CACHE/build/patches"
for p in "${PATCHES[@]}"; do
	# Keep a content-addressed copy so a crash-recovery revert can find it.
	copy=$CACHE/build/patches/$(sha <"$p").patch
	cp "$p" "$copy"
	patch -d "$WORK" -p1 -s --dry-run -N <"$copy" >&2 || die "patch $p does not apply to $VERSION"
	echo "$copy" >>"$APPLIED"
	log "applying $(basename "$p")"
	patch -d "$WORK" -p1 -s -N --no-backup-if-mismatch <"$copy" >&2
done

log "building $VERSION with ${#PATCHES[@]} patch(es), -j$JOBS"
start=$(date +%s)
"${MAKE[@]}" Image modules >&2
log "build took $(( $(date +%s) - start )) s"

TMP=$OUT.tmp.$$
rm -rf "$TMP" && mkdir -p "$TMP"
"${MAKE[@]}" -s modules_install INSTALL_MOD_PATH="$TMP/modules" INSTALL_MOD_STRIP=1 \
	DEPMOD=/sbin/depmod >&2
cp "$OBJ/arch/arm64/boot/Image" "$OBJ/System.map" "$OBJ/vmlinux" "$TMP/"
cp "$OBJ/.config" "$TMP/.config"
# The kernel's own cpio writer (a host program) for mkinitramfs.sh: it
# makes /dev/console without root and with fixed mtimes.
cp "$OBJ/usr/gen_init_cpio" "$TMP/gen_init_cpio"
cat "$OBJ/include/config/kernel.release" >"$TMP/kernelrelease"
printf '%s\n' "$VERSION" >"$TMP/VERSION"
printf '%s\n' "$STAMP" >"$TMP/stamp"
readelf -n "$OBJ/vmlinux" | sed -n 's/^ *Build ID: *//p' | head -n 1 >"$TMP/build-id"
[ -s "$TMP/build-id" ] || die "no GNU build-id in vmlinux"
: >"$TMP/patches"
for p in "${PATCHES[@]}"; do echo "$(sha256sum <"$p" | cut -c1-64) $(basename "$p")" >>"$TMP/patches"; done
# The modules tree: drop the build/source symlinks into our cache dirs.
rm -f "$TMP"/modules/lib/modules/*/build "$TMP"/modules/lib/modules/*/source
touch "$TMP/.complete"   # last: marks the directory usable
rm -rf "$OUT" && mv "$TMP" "$OUT"

revert_patches
trap - EXIT
log "kernelrelease $(cat "$OUT/kernelrelease"), build-id $(cat "$OUT/build-id")"
echo "$OUT"
