#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: qemu
#
# Three real nights on the QEMU SMMUv3 board: the cached demo kernel
# (Debian's linux-source-7.2, pinned by the variant's `kernel:`, so the
# night builds nothing new) with the real agent as init, made to crash
# deterministically by lkdtm (the plan's `agent: provoke=...`):
#   night 1: WARNING in lkdtm_WARNING in every boot;
#   night 2: the plan adds lkdtm ACCESS_NULL: a new title, "BUG: unable to
#            handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL";
#   night 3: the same plan and kernel as night 2.
# `nightly diff` must flag exactly the new BUG on night 2 (exit 1) and
# nothing on night 3 against night 2 (exit 0).  The race rate is never
# measured here.  About 1 minute with a cached kernel (the first run on a
# machine builds it, ~10 min); a longer run of many nights: bench/nightly-qemu.sh.
. "$(dirname "$0")/lib.sh"
skip_all() { echo "ok 1 - nightly on the qemu board # SKIP $1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
command -v qemu-system-aarch64 > /dev/null || skip_all "qemu-system-aarch64 missing (make deps)"
command -v aarch64-linux-gnu-gcc > /dev/null || skip_all "aarch64-linux-gnu-gcc missing (make deps)"
tmp=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "# kept in $tmp"
P=t-nightly-qemu-$$
# every QEMU this test starts has its console under build/nightly/$P/: kill
# those (by pid) should a night be left running, then remove the files
cleanup() {
	[ -n "${KEEP:-}" ] && return
	local pids
	pids=$(pgrep -f "build/nightly/[t]-nightly-qemu-$$/" || true)
	[ -n "$pids" ] && kill -9 $pids 2> /dev/null
	rm -rf "$tmp" "build/nightly/$P"
}
trap cleanup EXIT

# the demo kernel, built once per machine and cached; its source is pinned below
board_kernel "$tmp"
KSRC=$(devices/qemu-smmuv3/fetch-kernel.sh 2> /dev/null | tail -1)

# the tree the plan follows: a local repository whose branch moves each night
git init -q "$tmp/tree"
g() { git -C "$tmp/tree" -c user.email=t@oopsfarm -c user.name=t "$@"; }
g commit -q --allow-empty -m one
g branch -q -M next
plan() { # PROVOKE
	cat << EOF
campaign: $P
tree: $tmp/tree
ref: next
store: $tmp/n.db
variants:
  - name: debian
    kernel: $KSRC
setups:
  - name: smp1
    board: qemu-smmuv3
    vcpus: 1
boots: 6
boards: 2
agent: "provoke=$1 provoke_wait_ms=500 settle_ms=100"
known_issues:
  - title: WARNING in lkdtm_WARNING
    link: https://example.org/known/warning
EOF
}
WARN='WARNING in lkdtm_WARNING'
BUG='BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL'
q() { sqlite3 "$tmp/n.db" "$1"; }
night() { # DATE
	$OF nightly "$tmp/plan.yaml" --night "$1" > "$tmp/out.$1" 2> "$tmp/err.$1"
}
flagged() { python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    if i["regression"]:
        print(i["kind"], i.get("title", ""))'; }

start=$(date +%s)
plan WARNING > "$tmp/plan.yaml"
night 2026-10-01; rc=$?
t "night 1 runs on the QEMU board (exit 0, no baseline): rc $rc" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -5 "$tmp/err.2026-10-01" | sed 's/^/# /'
t "night 1: 6 boots, every one a crash (the WARNING)" \
	grep -q "6 boots stored in .* s (0 pass, 6 crash, 0 hang, 0 infra)" "$tmp/out.2026-10-01"
t "night 1 booted the cached demo kernel: each boot's build-id is the kernel's" \
	test "$(q "SELECT count(*) FROM boots WHERE build_id = '$(cat "$K/build-id")'")" = 6
t "night 1: the agent ran (its BEGIN line), the title is the WARNING's" \
	test "$(q "SELECT count(*) FROM boots b JOIN crashes c ON c.boot_id = b.id
		WHERE b.agent = 1 AND c.title = '$WARN'")" = 6

g commit -q --allow-empty -m two
plan WARNING,ACCESS_NULL > "$tmp/plan.yaml"
night 2026-10-02; rc=$?
t "night 2 finds a regression: exit 1 (rc $rc)" test "$rc" -eq 1
t "night 2 is stored at the branch's new commit" \
	test "$(q "SELECT git_commit FROM nights WHERE night = '2026-10-02'")" = "$(g rev-parse next)"
$OF nightly diff "$tmp/plan.yaml" 2026-10-02 --json > "$tmp/d2.json"; rc=$?
t "nightly diff of night 2 exits 1 (rc $rc)" test "$rc" -eq 1
flagged < "$tmp/d2.json" > "$tmp/f2"
printf 'new %s\n' "$BUG" > "$tmp/f2.want"
t "night 2 flags exactly the new BUG" diff -u "$tmp/f2.want" "$tmp/f2"
t "night 2: the BUG in 6 of 6 boots, 0 of 6 before; the WARNING unchanged" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
new = [i for i in d["items"] if i["kind"] == "new"]
rate = [i for i in d["items"] if i["kind"] == "rate"]
sys.exit(not (len(new) == 1 and (new[0]["count"], new[0]["boots"], new[0]["base_count"]) == (6, 6, 0)
              and new[0]["p"] < 0.01 and d["unlike_plans"]
              and len(rate) == 1 and rate[0]["known"] and not rate[0]["significant"]))' "$tmp/d2.json"
$OF nightly diff "$tmp/plan.yaml" 2026-10-02 > "$tmp/d2.txt"
t "the text diff names the new title, 6/6 tonight and 0/6 before, as a regression" \
	grep -q "^  new  *$BUG: 6/6 (100.0%) tonight, 0/6 (0%) before, p=0.0011 .*REGRESSION$" "$tmp/d2.txt"

g commit -q --allow-empty -m three
night 2026-10-03; rc=$?
t "night 3, nothing changed: exit 0 (rc $rc)" test "$rc" -eq 0
$OF nightly diff "$tmp/plan.yaml" 2026-10-03 --json > "$tmp/d3.json"; rc=$?
t "nightly diff of night 3 against night 2 exits 0 (rc $rc)" test "$rc" -eq 0
t "night 3 flags nothing, and compares like plans" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["baseline"] == ["2026-10-02"] and d["regressions"] == 0 and not d["unlike_plans"]
              and not [i for i in d["items"] if i["kind"] in ("new", "gone")]))' "$tmp/d3.json"
$OF nightly diff "$tmp/plan.yaml" 2026-10-03 --against 2026-10-01 --json > "$tmp/d31.json"; rc=$?
t "night 3 against night 1: the BUG is new there too (exit 1, rc $rc)" \
	test "$rc $(flagged < "$tmp/d31.json")" = "1 new $BUG"
t "no QEMU of these nights is left running" not pgrep -f "build/nightly/[t]-nightly-qemu-$$/"
echo "# three nights of 6 boots in $(($(date +%s) - start)) s"
exit 0
