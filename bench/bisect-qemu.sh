#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bisect-qemu.sh - a real `oopsfarm bisect` on the QEMU SMMUv3 board (not CI).
#
# A synthetic git history of N commits (default 12) on top of the cached
# Debian linux-source-7.2 tree: each commit a small change that builds (in
# lkdtm, the driver core, the scheduler, lib/), and commit CULPRIT (default
# 7) makes lkdtm's module init WARN in RATE_PCT% of boots (default 25),
# so that "WARNING in lkdtm_module_init" shows at a set rate from there
# on (the agent loads lkdtm at every boot).  Then `oopsfarm bisect`
# through the farm loop on the qemu-smmuv3 board (bench/bisect-qemu.yaml):
# each step checks the commit out in the one tree and rebuilds it in place
# with ccache (bench/bisect-qemu-build.sh), and it must name the culprit
# at 95%.  It prints the builds, boots, wall time and the answer, and what
# the simulator predicts for the same history.
#
# No second copy of the kernel source, and nothing of the demo's cache
# changes: in a private mount namespace, an overlay of the pristine cached
# source is mounted on build-kernel.sh's worktree path, and an overlay of
# its object dir on the object dir's path (the paths in kbuild's .cmd files
# stay the same, so only what a commit changes is rebuilt).  Writes go to
# the overlays' upper dirs under $OUT; the git history lives there too
# (.git in the source overlay, tracking only the files it changes) and is
# reused by the next run.  The mounts vanish with the namespace.
#
# HISTORY=debian: the real history instead, the race itself.  66 commits
# of Debian kernel patches made by devices/qemu-smmuv3/make-bisect-history.sh,
# commit CULPRIT (41) restoring the pre-fix platform_dma_configure() lines,
# bisected on the demo's widened smp2 board (bench/bisect-race.yaml) for
# "BUG: unable to handle kernel NULL pointer dereference in
# platform_dma_configure" at its 12.9% rate.  Its store and overlays go to
# build/bench/bisect-race.  Run it on an idle host only: builds or other
# jobs beside the boots change the race's rate.
#
# Environment: HISTORY (synthetic, or debian), N, CULPRIT, RATE_PCT
# (synthetic only), BOARDS (1), OUT (build/bench/bisect-qemu, or
# build/bench/bisect-race), JOBS (2), RESUME=1 to go on with the last
# store, CONFIDENCE (0.95), BISECT_ARGS (more `oopsfarm bisect` options,
# e.g. "--max-boots 6"), PREP=1 to build the good end, the culprit, the
# commit before it and the bad end only (each's wall time and ccache
# hits), not bisect.  Root (mount namespaces, overlayfs).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
HISTORY=${HISTORY:-synthetic}
case $HISTORY in
synthetic) N=${N:-12} CULPRIT=${CULPRIT:-7} RATE_PCT=${RATE_PCT:-25} OUT=${OUT:-$ROOT/build/bench/bisect-qemu}
	CAMPAIGN=$HERE/bisect-qemu.yaml ;;
debian) CULPRIT=${CULPRIT:-41} OUT=${OUT:-$ROOT/build/bench/bisect-race} CAMPAIGN=$HERE/bisect-race.yaml
	# the race's unpatched rate on this board (research/qemu-board.md), for the simulator
	RATE=0.129 ;;
*) echo "bisect-qemu: error: HISTORY must be synthetic or debian" >&2; exit 2 ;;
esac
BOARDS=${BOARDS:-1}
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
CACHE=${OOPSFARM_CACHE:-$HOME/.cache/oopsfarm}
OF=$ROOT/build/host/oopsfarm
log() { echo "bisect-qemu: $*" >&2; }
die() { log "error: $*"; exit 1; }
sha() { sha256sum | cut -c1-16; }

# the paths build-kernel.sh (BUILD_REV 2) uses for Debian's source
SRC=$(ls -d "$CACHE"/src/linux-source-7.2-* 2>/dev/null | head -n 1)
[ -n "$SRC" ] && [ -f "$SRC/VERSION.debian" ] || die "no cached source in $CACHE/src (make demo fetches it)"
VERSION=$(cat "$SRC/VERSION.debian")
WORK=$CACHE/build/src-$(printf '%s\n' "$VERSION" | sha)/src
OBJ=$CACHE/build/obj-$( { printf 'rev %s\n%s\n' 2 "$VERSION"; cat "$ROOT/devices/qemu-smmuv3/kernel.fragment"; } | sha)
[ -f "$OBJ/.oopsfarm-config-ok" ] && [ -f "$OBJ/vmlinux" ] || die "no built object dir $OBJ (make demo builds it)"
[ -x "$OF" ] || die "$OF missing (make)"
[ -f "$ROOT/build/aarch64-linux-gnu/oopsfarm-agent" ] || die "no agent (make agent CROSS_COMPILE=aarch64-linux-gnu-)"

if [ -z "${BISECT_QEMU_NS:-}" ]; then
	export BISECT_QEMU_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

# --- the overlays, in this namespace only ---------------------------------
# make-bisect-history.sh leaves this mark in a tree it did not finish: the
# source is then in no known state, and objects may be newer than it
if [ -e "$OUT/src-upper/.oopsfarm-history-dirty" ]; then
	log "the last history was not finished: starting from the pristine source and objects"
	rm -rf "$OUT"/{src-upper,src-work,obj-upper,obj-work,history}
fi
mkdir -p "$OUT"/{src-upper,src-work,obj-upper,obj-work} "$WORK"
mount -t overlay overlay -o "lowerdir=$SRC,upperdir=$OUT/src-upper,workdir=$OUT/src-work" "$WORK"
mount -t overlay overlay -o "lowerdir=$OBJ,upperdir=$OUT/obj-upper,workdir=$OUT/obj-work" "$OBJ"
# The demo's variants patch the shared worktree and revert, so an object of
# a patched file may hold the patched code while the pristine source looks
# older: the files any variant patch touches are rebuilt once.
if [ ! -f "$OUT/.touched" ]; then
	for p in "$CACHE"/build/patches/*.patch "$ROOT"/devices/qemu-smmuv3/patches/*.patch; do
		[ -f "$p" ] && sed -n 's|^+++ b/||p' "$p"
	done | sort -u | while read -r f; do [ -f "$WORK/$f" ] && touch "$WORK/$f"; done
	touch "$OUT/.touched"
fi

# --- the history -----------------------------------------------------------
export GIT_AUTHOR_NAME=oopsfarm GIT_AUTHOR_EMAIL=bench@oopsfarm GIT_COMMITTER_NAME=oopsfarm
export GIT_COMMITTER_EMAIL=bench@oopsfarm GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
FILES=(drivers/misc/lkdtm/bugs.c drivers/base/platform.c drivers/misc/lkdtm/heap.c kernel/panic.c
	drivers/misc/lkdtm/usercopy.c lib/string.c drivers/misc/lkdtm/perms.c drivers/base/core.c
	drivers/misc/lkdtm/refcount.c kernel/sched/core.c drivers/misc/lkdtm/fortify.c init/main.c
	drivers/misc/lkdtm/kstack_erase.c drivers/base/dd.c drivers/misc/lkdtm/cfi.c lib/vsprintf.c)
key="n=${N:-} culprit=$CULPRIT rate=${RATE_PCT:-}"
if [ "$HISTORY" = debian ]; then
	MAKE_HISTORY=$ROOT/devices/qemu-smmuv3/make-bisect-history.sh
	PATCH=$ROOT/devices/qemu-smmuv3/patches/unpatched-platform.patch
	key="debian $(cat "$MAKE_HISTORY" "${MAKE_HISTORY%/*}/bisect-history.list" "$PATCH" | sha) culprit=$CULPRIT"
	if [ "$(cat "$OUT/history" 2>/dev/null)" != "$key" ]; then
		CULPRIT=$CULPRIT OOPSFARM_CACHE=$CACHE "$MAKE_HISTORY" "$WORK" >&2
		echo "$key" >"$OUT/history"
		rm -f "$OUT/bisect.db"*
	fi
	subject=$(sed -n 's/^Subject: *\(\[[^]]*\] *\)*//p' "$PATCH" | head -n 1)
elif [ "$(cat "$OUT/history" 2>/dev/null)" != "$key" ]; then
	[ "$N" -le ${#FILES[@]} ] && [ "$CULPRIT" -ge 1 ] && [ "$CULPRIT" -le "$N" ] || die "N <= ${#FILES[@]}, 1 <= CULPRIT <= N"
	git -C "$WORK" checkout -q -f bisect-good 2>/dev/null || true
	rm -rf "$WORK/.git"
	git -C "$WORK" init -q
	# the tree is untracked but for FILES: git must not walk it at each commit
	git -C "$WORK" config status.showUntrackedFiles no
	git -C "$WORK" add -f drivers/misc/lkdtm/core.c "${FILES[@]}"
	git -C "$WORK" commit -qm "linux-source-7.2 $VERSION"
	git -C "$WORK" tag bisect-good
	for i in $(seq 1 "$N"); do
		f=${FILES[$((i - 1))]}
		if [ "$i" -eq "$CULPRIT" ]; then
			python3 - "$WORK/drivers/misc/lkdtm/core.c" "$RATE_PCT" <<'EOF'
import sys
p, rate = sys.argv[1], sys.argv[2]
s = open(p).read()
s = s.replace("#include <linux/debugfs.h>\n", "#include <linux/debugfs.h>\n#include <linux/random.h>\n", 1)
head = "static int __init lkdtm_module_init(void)\n{\n"
i = s.index(head)
j = s.index("\tint i;\n", i) + len("\tint i;\n")
s = s[:j] + ("\n\t/* bisect bench: a WARN at init in %s%% of boots */\n"
             "\tif (get_random_u32_below(100) < %s)\n"
             "\t\tWARN(1, \"lkdtm: bisect bench\\n\");\n" % (rate, rate)) + s[j:]
open(p, "w").write(s)
EOF
			git -C "$WORK" commit -qam "lkdtm: WARN at module init in $RATE_PCT% of boots"
		fi
		printf '\n/* oopsfarm bisect bench: change %d */\n' "$i" >>"$WORK/$f"
		git -C "$WORK" commit -qam "$(dirname "$f" | sed 's|.*/||'): comment $i"
	done
	git -C "$WORK" tag -f bisect-bad >/dev/null
	echo "$key" >"$OUT/history"
	rm -f "$OUT/bisect.db"*
fi
[ "$HISTORY" = debian ] || { subject='WARN at module init'; RATE=$(awk "BEGIN{print $RATE_PCT/100}"); }
culprit=$(git -C "$WORK" log --format=%H --fixed-strings --grep="$subject" bisect-good..bisect-bad)
[ "$(echo "$culprit" | wc -w)" = 1 ] || die "no single commit '$subject' in the history"
ncommits=$(git -C "$WORK" rev-list --count bisect-good..bisect-bad)
log "history: $ncommits commits, culprit ${culprit:0:12} ($key)"

# --- PREP=1: the builds only (the build cost, and a warm ccache) -------------
export OBJ JOBS=${JOBS:-2} CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
if [ "${PREP:-}" = 1 ]; then
	for rev in bisect-good "$culprit^" "$culprit" bisect-bad; do
		git -C "$WORK" checkout -q -f --detach "$rev"
		mkdir -p "$OUT/prep" && ccache -z >/dev/null
		t=$(date +%s)
		(cd "$WORK" && OOPSFARM_OUT="$OUT/prep" OOPSFARM_TREE="$WORK" "$HERE/bisect-qemu-build.sh") >"$OUT/prep.log" 2>&1 ||
			die "build of $rev failed: $OUT/prep.log"
		hits=$(ccache --print-stats | awk -F'\t' '$1 ~ /^(direct|preprocessed)_cache_hit$/ {h += $2} $1 == "cache_miss" {m = $2} END {print h " hits, " m " misses"}')
		echo "bisect-qemu: prep: built $(git -C "$WORK" log -1 --format='%h %s' | cut -c1-72) in $(($(date +%s) - t)) s, ccache $hits"
	done
	git -C "$WORK" checkout -q -f bisect-bad
	exit 0
fi

# --- the bisect --------------------------------------------------------------
resume=()
if [ "${RESUME:-}" = 1 ]; then resume=(--resume); else rm -rf "$OUT/bisect.db"* "$OUT/logs"; fi
ccache -z >/dev/null 2>&1 || true
t0=$(date +%s)
cd "$ROOT"
set +e
"$OF" bisect --tree "$WORK" --good bisect-good --bad bisect-bad --campaign "$CAMPAIGN" \
	--build "$HERE/bisect-qemu-build.sh" --store "$OUT/bisect.db" --logs "$OUT/logs" \
	--boards "$BOARDS" --confidence "${CONFIDENCE:-0.95}" --json "${resume[@]}" ${BISECT_ARGS:-} >"$OUT/result.json" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' INT TERM
wait $pid
rc=$?
set -e
wall=$(($(date +%s) - t0))
git -C "$WORK" checkout -q -f bisect-bad
q() { sqlite3 "$OUT/bisect.db" "$1"; }
builds=$(q "select count(*) || ' builds, ' || round(sum(wall_ms)/1000.0) || ' s' from bisect_events where kind in ('built','build-failed')")
boots=$(q "select count(*) || ' boots, ' || round(sum(wall_ms)/1000.0) || ' s' from bisect_events where kind in ('pass','target','other','infra')")
kinds=$(q "select group_concat(kind || '=' || n, ' ') from (select kind, count(*) n from bisect_events group by kind)")
ratio=$(q "select round((select avg(wall_ms) from bisect_events where kind='built') / (select avg(wall_ms) from bisect_events where kind in ('pass','target','other')), 1)")
echo "bisect-qemu: exit $rc, wall ${wall} s; $builds; $boots ($kinds)"
echo "bisect-qemu: result $(cat "$OUT/result.json")"
found=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['first_bad'] if r['decided'] else '')" "$OUT/result.json" 2>/dev/null || true)
if [ -n "$found" ] && [ "$found" = "$culprit" ]; then
	echo "bisect-qemu: found the culprit ${culprit:0:12}"
else
	echo "bisect-qemu: did NOT find the culprit ${culprit:0:12} (answer '${found:0:12}')"
fi
ccache -s 2>/dev/null | grep -Ei 'hits|misses' | sed 's/^/bisect-qemu: ccache /' || true
echo "bisect-qemu: build cost measured ${ratio} boots per build; the simulator at rate $RATE, $ncommits commits:"
"$OF" bisect simulate --commits "$ncommits" --rate "$RATE" --build-cost "${ratio:-0}" --build-fail 0 \
	--trials 1000 --seed 1 --rule oopsfarm --boards "$BOARDS" | tail -n 1
