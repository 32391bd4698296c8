#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make-bisect-history.sh TREE
#
# Makes a real git history in TREE, a copy (or overlay) of the cached
# Debian linux-source-7.2 tree, for `oopsfarm bisect` on the race that
# platform_dma_configure() had: every commit is one real change from
# Debian's kernel patch series, and one commit, at position CULPRIT,
# restores the pre-fix platform_dma_configure() lines
# (patches/unpatched-platform.patch).  From that commit on, the widened
# smp2 board crashes in about one boot of eight.
#
# Why Debian's patches: they are small real kernel changes that 7.2
# already holds (Debian-carried, or merged upstream since), so the tree
# with them reversed, newest first, is a base that builds, and applying
# them back one per commit ends on the 7.2 tree itself (plus the culprit).
# The list is pinned in bisect-history.list and the tarballs by sha256, and
# the dates are fixed, so the commit ids are the same on every machine.
#
# Like bench/bisect-qemu.sh's synthetic history, .git tracks only the files
# the history changes (status.showUntrackedFiles no): git never walks the
# 1.3 GB tree.  A TREE that holds a previous history is put back first
# (checkout of bisect-bad, culprit reversed).  While the script works,
# TREE/.oopsfarm-history-dirty exists: a tree left with it is in an
# unknown state and must be restored from the pristine source.
#
# Prints "commits N" and "culprit ID" on stdout.  Tags: bisect-good (the
# base), bisect-bad (the tip), bisect-culprit.
#
# Environment: OOPSFARM_CACHE (tarballs go to $CACHE/debian-patches),
# CULPRIT (default 41), DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${OOPSFARM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/oopsfarm}
LIST=$HERE/bisect-history.list
CULPRIT_PATCH=$HERE/patches/unpatched-platform.patch
CULPRIT=${CULPRIT:-41}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DIRTY=.oopsfarm-history-dirty
declare -A SHA256=(
	[linux_6.1.4-1.debian.tar.xz]=6ebc682bf6f832cf99cb2c180ff302fc001dfa1808f6014be6abaacde9f250b6
	[linux_6.12.8-1.debian.tar.xz]=e3ca49b6bc0e0db2844bd85c72f623e805a1c9dfe08489164a046bd38c845f13
	[linux_6.12.107-1.debian.tar.xz]=d8c003ecac7c54f59c69dc61258f93d937dce90e70f53bb5a34dd58db13028ed
)

log() { echo "make-bisect-history: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ $# -eq 1 ] && [ -d "$1" ] || die "usage: make-bisect-history.sh TREE"
TREE=$(cd "$1" && pwd)
[ -f "$TREE/Makefile" ] && [ -d "$TREE/drivers/base" ] || die "'$TREE' is not a kernel tree"
git() { command git -C "$TREE" -c commit.gpgsign=false -c core.autocrlf=false "$@"; }

# --- the pinned list and the tarballs ---------------------------------------
TARS=() PATHS=()
while read -r tar path; do
	case $tar in '' | '#'*) continue ;; esac
	[ -n "${SHA256[$tar]:-}" ] || die "$LIST: no pinned sha256 for '$tar'"
	TARS+=("$tar") PATHS+=("$path")
done <"$LIST"
n=${#TARS[@]}
[ "$CULPRIT" -ge 1 ] && [ "$CULPRIT" -le $((n + 1)) ] || die "CULPRIT must be in 1..$((n + 1))"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$CACHE/debian-patches"
for tar in $(printf '%s\n' "${TARS[@]}" | sort -u); do
	f=$CACHE/debian-patches/$tar
	if ! [ -f "$f" ] || ! echo "${SHA256[$tar]}  $f" | sha256sum -c --status; then
		log "fetching $MIRROR/pool/main/l/linux/$tar"
		curl -fsSL -o "$f.tmp" "$MIRROR/pool/main/l/linux/$tar" || die "cannot fetch '$tar'"
		echo "${SHA256[$tar]}  $f.tmp" | sha256sum -c --status ||
			die "'$tar' does not match its pinned sha256, ignoring the download"
		mv "$f.tmp" "$f"
	fi
	mkdir -p "$TMP/$tar"
	mapfile -t want < <(for i in "${!TARS[@]}"; do [ "${TARS[$i]}" = "$tar" ] && echo "${PATHS[$i]}"; done)
	tar -xJf "$f" -C "$TMP/$tar" "${want[@]}"
done

# The commits in order, culprit at CULPRIT (1-based after the base).
SEQ=()
for i in "${!TARS[@]}"; do
	[ $((i + 1)) -eq "$CULPRIT" ] && SEQ+=("$CULPRIT_PATCH")
	SEQ+=("$TMP/${TARS[$i]}/${PATHS[$i]}")
done
[ ${#SEQ[@]} -eq $((n + 1)) ] || SEQ+=("$CULPRIT_PATCH")

# files a patch touches (-p1), /dev/null left out
files_of() {
	sed -n -e 's/^+++ \([^\t ]*\).*/\1/p' -e 's/^--- \([^\t ]*\).*/\1/p' "$1" |
		grep -v '^/dev/null$' | sed 's|^[^/]*/||' | sort -u
}
mapfile -t FILES < <(for p in "${SEQ[@]}"; do files_of "$p"; done | sort -u)

# --- put back a tree that holds a previous history ---------------------------
if [ -e "$TREE/$DIRTY" ]; then
	die "$TREE was left half-made by an earlier run: restore it from the pristine source"
fi
if [ -d "$TREE/.git" ]; then
	git rev-parse -q --verify bisect-bad >/dev/null && git rev-parse -q --verify bisect-culprit >/dev/null ||
		die "$TREE/.git holds no finished history: restore the tree from the pristine source"
	log "putting back the tree of the previous history"
	git checkout -q -f bisect-bad
	git diff bisect-culprit^ bisect-culprit | patch -d "$TREE" -p1 -R -s --no-backup-if-mismatch ||
		die "cannot reverse the previous culprit in $TREE"
	rm -rf "$TREE/.git"
fi
touch "$TREE/$DIRTY"

# What the tip must be: the pristine files, and the culprit applied.
(cd "$TREE" && for f in "${FILES[@]}"; do [ -f "$f" ] && sha256sum "$f"; done) >"$TMP/tip.sha"
mkdir -p "$TMP/culprit"
(cd "$TREE" && files_of "$CULPRIT_PATCH" | xargs cp --parents -t "$TMP/culprit")
patch -d "$TMP/culprit" -p1 -s --no-backup-if-mismatch <"$CULPRIT_PATCH" >&2 ||
	die "the culprit does not apply to $TREE"
for f in $(files_of "$CULPRIT_PATCH"); do
	sed -i "\\|  $f\$|d" "$TMP/tip.sha"
	(cd "$TMP/culprit" && sha256sum "$f") >>"$TMP/tip.sha"
done

# --- the base: every Debian change reversed, newest first -------------------
for ((i = ${#SEQ[@]} - 1; i >= 0; i--)); do
	p=${SEQ[$i]}
	[ "$p" = "$CULPRIT_PATCH" ] && continue
	patch -d "$TREE" -p1 -R -s -f --no-backup-if-mismatch -r "$TMP/rej" <"$p" >"$TMP/patch.log" 2>&1 ||
		{ cat "$TMP/patch.log" >&2; die "cannot reverse ${p#"$TMP"/}"; }
done

# --- the history --------------------------------------------------------------
export GIT_COMMITTER_NAME=oopsfarm GIT_COMMITTER_EMAIL=bench@oopsfarm
commit_at() { # index, then git commit args
	local d
	d=$(date -u -d "2026-01-01 00:00:00 UTC + $1 hours" +%Y-%m-%dT%H:%M:%SZ)
	shift
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git commit -q "$@"
}
# The patch header as `git am` reads it: author, subject (without [PATCH]),
# the description up to the diff; DEP-3 headers (Author:, Description:) too.
header() {
	python3 - "$1" "$2" <<'EOF'
import email.header, re, sys
path, origin = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
if lines and lines[0].startswith("From ") and "Mon Sep 17" in lines[0]:
    lines = lines[1:]
hdr, body, i = {}, [], 0
key = None
while i < len(lines) and lines[i].strip():
    l = lines[i]
    if l[0] in " \t" and key:
        hdr[key] += " " + l.strip()
    elif ":" in l and re.match(r"^[A-Za-z-]+:", l):
        key, v = l.split(":", 1)
        key = key.lower()
        hdr.setdefault(key, v.strip())
    else:
        break
    i += 1
for l in lines[i:]:
    if l == "---" or l.startswith(("diff ", "Index: ", "--- ", "+++ ")):
        break
    body.append(l)
def dec(s):
    return str(email.header.make_header(email.header.decode_header(s)))
author = dec(hdr.get("from") or hdr.get("author") or "")
if not re.search(r"<[^>]+@[^>]+>", author):
    author = "Debian kernel team <debian-kernel@lists.debian.org>"
subj = dec(hdr.get("subject") or "")
desc = hdr.get("description", "")
if not subj:
    subj = desc or path.rsplit("/", 1)[-1].removesuffix(".patch")
    desc = ""
subj = re.sub(r"^\s*(\[[^]]*\]\s*)+", "", subj).strip()
text = "\n".join(body).strip()
if desc and desc != subj:
    text = (desc + "\n\n" + text).strip()
msg = subj + "\n\n" + (text + "\n\n" if text else "") + origin + "\n"
print(author)
sys.stdout.write(msg)
EOF
}
add_files() {
	local f
	for f in $(files_of "$1"); do
		if [ -e "$TREE/$f" ]; then git add -f -- "$f"; else git rm -q --cached --ignore-unmatch -- "$f"; fi
	done
}

git init -q
git config status.showUntrackedFiles no
git config core.fileMode true
(cd "$TREE" && for f in "${FILES[@]}"; do [ -e "$f" ] && printf '%s\0' "$f"; done) |
	git add -f --pathspec-from-file=- --pathspec-file-nul
version=$(cat "$TREE/VERSION.debian" 2>/dev/null || make -s -C "$TREE" kernelversion)
GIT_AUTHOR_NAME=oopsfarm GIT_AUTHOR_EMAIL=bench@oopsfarm commit_at 0 -m "$version with $n Debian changes reversed" \
	-m "The base of make-bisect-history.sh: the files below are as before the Debian patches of bisect-history.list."
git tag bisect-good
culprit=
for i in "${!SEQ[@]}"; do
	p=${SEQ[$i]}
	if [ "$p" = "$CULPRIT_PATCH" ]; then
		origin="oopsfarm: devices/qemu-smmuv3/patches/unpatched-platform.patch"
	else
		origin="Debian: ${p#"$TMP"/}"
		origin="${origin/\// }"
	fi
	header "$p" "$origin" >"$TMP/msg"
	author=$(head -n 1 "$TMP/msg")
	patch -d "$TREE" -p1 -s -f --no-backup-if-mismatch -r "$TMP/rej" <"$p" >"$TMP/patch.log" 2>&1 ||
		{ cat "$TMP/patch.log" >&2; die "cannot apply ${p#"$TMP"/} to the base"; }
	add_files "$p"
	tail -n +2 "$TMP/msg" | commit_at $((i + 1)) --author="$author" -F -
	[ "$p" = "$CULPRIT_PATCH" ] && culprit=$(git rev-parse HEAD)
done
git tag bisect-bad
git tag bisect-culprit "$culprit"

# verify: the tip is the source we started from, plus the culprit
(cd "$TREE" && sha256sum --quiet -c "$TMP/tip.sha") >&2 || die "the tip is not the source plus the culprit"
rm -f "$TREE/$DIRTY"
ncommits=$(git rev-list --count bisect-good..bisect-bad)
log "$ncommits commits, culprit $culprit at $CULPRIT"
echo "commits $ncommits"
echo "culprit $culprit"
