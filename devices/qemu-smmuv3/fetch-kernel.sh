#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fetch-kernel.sh [OUTDIR]
#
# Fetches Debian's linux-source-7.x package from the unstable (sid) suite
# and unpacks it into the oopsfarm cache, so every build of the QEMU board
# starts from a known, versioned tree.  Prints the unpacked tree's path as
# the last line of stdout; the exact Debian package version goes to stdout
# too and into OUTDIR/VERSION (next to the tree).
#
# Why a separate apt configuration: the host runs Debian 12 (bookworm),
# whose apt sources must not be touched by a board recipe.  We point apt at
# a private sources list plus private state/cache dirs under the cache dir,
# so `apt-get update` here only ever refreshes our own copy of sid's index.
#
# Environment:
#   KERNEL_SRC=/path   use this kernel tree instead; nothing is fetched.
#   OOPSFARM_CACHE     cache root (default $XDG_CACHE_HOME/oopsfarm or ~/.cache/oopsfarm)
#   DEBIAN_MIRROR      default http://deb.debian.org/debian
#   KERNEL_SERIES      default 7 (which linux-source-N.* series to accept)
#   FETCH_REFRESH_SECONDS  refresh the index when older (default 86400)
set -eu

CACHE=${OOPSFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oopsfarm}

if [ -n "${KERNEL_SRC:-}" ]; then
	# The user brings their own tree: just check that it looks like one.
	if [ ! -f "$KERNEL_SRC/Makefile" ] || [ ! -d "$KERNEL_SRC/arch/arm64" ]; then
		echo "fetch-kernel: KERNEL_SRC=$KERNEL_SRC is not a kernel tree" >&2
		exit 1
	fi
	echo "$KERNEL_SRC"
	exit 0
fi

OUTDIR=${1:-$CACHE/src}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SERIES=${KERNEL_SERIES:-7}
APTDIR=$CACHE/apt-sid
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

[ -r "$KEYRING" ] || { echo "fetch-kernel: $KEYRING missing (apt-get install debian-archive-keyring)" >&2; exit 1; }

mkdir -p "$APTDIR/etc/preferences.d" "$APTDIR/state/lists/partial" \
	"$APTDIR/cache/archives/partial" "$APTDIR/debs" "$OUTDIR"
cat >"$APTDIR/etc/sources.list" <<SRC
deb [signed-by=$KEYRING] $MIRROR sid main
SRC

# Every option that makes apt look only at our private files.  The system's
# dpkg status is still read (apt needs one) but never written: we only download.
APT_OPTS="-o Dir::Etc::sourcelist=$APTDIR/etc/sources.list
 -o Dir::Etc::sourceparts=-
 -o Dir::Etc::preferencesparts=$APTDIR/etc/preferences.d
 -o Dir::Etc::preferences=$APTDIR/etc/preferences
 -o Dir::State=$APTDIR/state
 -o Dir::State::status=/var/lib/dpkg/status
 -o Dir::Cache=$APTDIR/cache
 -o APT::Get::List-Cleanup=0
 -o Debug::NoLocking=1
 -o APT::Architecture=$(dpkg --print-architecture)"
# As root, apt drops to _apt for downloads, which cannot write into a cache
# under root's home; download as ourselves instead (no warning, same result).
[ "$(id -u)" -ne 0 ] || APT_OPTS="$APT_OPTS -o APT::Sandbox::User=root"

# Refresh sid's index at most once a day: build-kernel.sh calls us on
# every build just to learn the version, and a cached kernel must not wait
# for the network (or fail without it).
# (Our own stamp: apt gives the lists the archive's publication time.)
STAMP=$APTDIR/state/last-update
FRESH=$(find "$STAMP" -mmin -"$(( ${FETCH_REFRESH_SECONDS:-86400} / 60 ))" 2>/dev/null || true)
if [ -z "$FRESH" ]; then
	echo "fetch-kernel: refreshing sid package index in $APTDIR" >&2
	# shellcheck disable=SC2086  # APT_OPTS is a word list on purpose
	if apt-get $APT_OPTS -qq update >&2; then
		touch "$STAMP"
	else
		if find "$APTDIR/state/lists" -maxdepth 1 -name '*_Packages*' | grep -q .; then
			echo "fetch-kernel: update failed, using the index we have" >&2
		else
			echo "fetch-kernel: cannot fetch sid's package index" >&2
			exit 1
		fi
	fi
fi

# Choose the linux-source-7.N package: prefer 7.2, else the highest 7.x on offer.
# shellcheck disable=SC2086
cands=$(apt-cache $APT_OPTS pkgnames linux-source-"$SERIES". 2>/dev/null |
	grep -E "^linux-source-$SERIES\.[0-9]+$" | sort -t. -k2,2n || true)
[ -n "$cands" ] || { echo "fetch-kernel: no linux-source-$SERIES.* in sid" >&2; exit 1; }
if echo "$cands" | grep -qx "linux-source-$SERIES.2"; then
	PKG=linux-source-$SERIES.2
else
	PKG=$(echo "$cands" | tail -n 1)
fi
# shellcheck disable=SC2086
VER=$(apt-cache $APT_OPTS policy "$PKG" | sed -n 's/^ *Candidate: //p')
if [ -z "$VER" ] || [ "$VER" = "(none)" ]; then
	echo "fetch-kernel: no candidate for $PKG" >&2
	exit 1
fi
echo "fetch-kernel: $PKG $VER" >&2

TREE=$OUTDIR/$PKG-$VER
if [ -f "$TREE/.unpacked" ]; then
	echo "$PKG $VER"
	echo "$TREE"
	exit 0
fi

# apt-get download writes into the current directory, naming the file
# PKG_VERSION_all.deb with ':' (an epoch) spelled %3a.
DEB=$APTDIR/debs/${PKG}_$(echo "$VER" | sed 's/:/%3a/')_all.deb
if [ ! -f "$DEB" ]; then
	# shellcheck disable=SC2086
	(cd "$APTDIR/debs" && apt-get $APT_OPTS -qq download "$PKG=$VER") >&2
fi
[ -f "$DEB" ] || { echo "fetch-kernel: download of $PKG $VER failed" >&2; exit 1; }

# The .deb carries /usr/src/linux-source-7.N.tar.xz; take it out and unpack.
rm -rf "$TREE.tmp" && mkdir -p "$TREE.tmp/deb"
dpkg-deb -x "$DEB" "$TREE.tmp/deb"
TARBALL=$(find "$TREE.tmp/deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n 1)
echo "fetch-kernel: unpacking $(basename "$TARBALL")" >&2
tar -C "$TREE.tmp" -xf "$TARBALL"
TOP=$(find "$TREE.tmp" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -n 1)
rm -rf "$TREE"
mv "$TOP" "$TREE"
rm -rf "$TREE.tmp"
# VERSION next to the tree (OUTDIR/VERSION: the last fetched) and inside it
# (what build-kernel.sh reads to key its cache).
echo "$PKG $VER" >"$OUTDIR/VERSION"
echo "$PKG $VER" >"$TREE/VERSION.debian"
touch "$TREE/.unpacked"
echo "$PKG $VER"
echo "$TREE"
