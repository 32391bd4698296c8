#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `oopsfarm modules plan` on the module sets of ../shared/cases/modules
# (skipped when absent): exit codes, the JSON shape, the options, and the
# plan hash against the one the real agent binary prints in its BEGIN line
# for the same directory and command line (service mode on this host; the
# cases hold no .ko files, so nothing is loaded).
set -u
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$B/oopsfarm
AGENT=$B/oopsfarm-agent
CASES=${OOPSFARM_CASES:-../shared/cases}/modules
n=0
t() { # description, then a command whose status decides
	local d=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# plan NAME ARGS...: JSON in $tmp/NAME.json, exit status in $tmp/NAME.rc
plan() {
	local name=$1; shift
	$OF modules plan --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}
rc() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }
# JSON checks, all in one python3 at the end (it starts slowly): jt
# DESCRIPTION NAME EXPR evaluates EXPR on the object j of $tmp/NAME.json.
jt() { printf '%s\t%s\t%s\n' "$1" "$tmp/$2.json" "$3" >>"$tmp/checks"; }
hash_of() { sed -n 's/.*"hash":"\([0-9a-f-]*\)".*/\1/p' "$tmp/$1.json"; }
jt_run() {
	[ -s "$tmp/checks" ] || return 0
	python3 - "$n" "$tmp/checks" <<'PY'
import json, sys
n = int(sys.argv[1])
for line in open(sys.argv[2]):
    desc, path, expr = line.rstrip("\n").split("\t")
    n += 1
    try:
        j = json.load(open(path))
        good = bool(eval(expr, {"j": j, "json": json, "path": path}))
    except Exception as e:
        good = False
        print("# %s: %s" % (desc, e))
    print("%s %d - %s" % ("ok" if good else "not ok", n, desc))
print("1..%d" % n)
PY
}

$OF modules plan >/dev/null 2>&1; t "no directory: exit 2" [ $? -eq 2 ]
$OF modules plan --bogus x >/dev/null 2>&1; t "bad option: exit 2" [ $? -eq 2 ]
$OF modules plan x --threads=-1 >/dev/null 2>&1; t "bad --threads: exit 2" [ $? -eq 2 ]
$OF modules plan --help | grep -q '^usage: oopsfarm modules plan DIR'; t "--help prints the usage" [ $? -eq 0 ]
plan missing "$tmp/no-such-dir"
t "unreadable directory: exit 1" rc missing 1
jt "unreadable directory: JSON still printed, with the error" missing 'j["version"] == 1 and "error" in j and j["waves"] == []'

if [ ! -d "$CASES" ]; then
	skip "module cases" "$CASES not found"
	jt_run
	exit 0
fi

for c in softdep-order softdep-orphan-dep blocklisted-dep sm8450-vendor_ramdisk; do
	if [ ! -d "$CASES/$c" ]; then skip "case $c" "not found"; continue; fi
	plan "$c" "$CASES/$c"
	jt "$c: JSON with version, hash, waves, sequential, skipped, warnings" "$c" \
		'j["version"] == 1 and len(j["hash"]) == 16 and all(k in j for k in ("waves", "sequential", "skipped", "warnings"))'
	jt "$c: a wave is a list of tasks, a task a list of names" "$c" \
		'all(isinstance(n, str) for w in j["waves"] for task in w for n in task)'
	jt "$c: absent .ko files are warned about, still planned" "$c" \
		'any("cannot open" in w for w in j["warnings"]) and len(j["waves"]) > 0'
done
if [ -d "$CASES/softdep-order" ]; then
	t "softdep-order: exit 0" rc softdep-order 0
	# by the rule: in c's task, a (b's dependency) comes before b, b before c
	jt "softdep-order: a, b, c in one task in that order" softdep-order \
		'any(t[-3:] == ["a", "b", "c"] for w in j["waves"] for t in w)'
	plan seq "$CASES/softdep-order" --cmdline "console=ttyS0 c.load_sequential=1 c.debug=1"
	jt "--cmdline: c.load_sequential=1 makes c sequential" seq 'j["sequential"] == ["c"]'
	t "--cmdline: and changes the hash" [ "$(hash_of seq)" != "$(hash_of softdep-order)" ]
	plan threads "$CASES/softdep-order" --threads 8
	t "--threads does not change the plan or its hash" \
		cmp -s <(sed 's/"threads":[0-9]*//' "$tmp/threads.json") <(sed 's/"threads":[0-9]*//' "$tmp/softdep-order.json")
	$OF modules plan "$CASES/softdep-order" >"$tmp/text" 2>&1
	t "text: plan hash, wave, task" grep -qE '^plan [0-9a-f]{16}: .*, 2 listed, 1 waves, ' "$tmp/text"
fi
if [ -d "$CASES/blocklisted-dep" ]; then
	t "blocklisted-dep: exit 1 (b is skipped)" rc blocklisted-dep 1
	jt "blocklisted-dep: b skipped with the reason, c planned" blocklisted-dep \
		'j["skipped"] == [{"module": "b", "reason": "needs a, which is in modules.blocklist"}] and j["waves"] == [[["c"]]]'
fi
if [ -d "$CASES/softdep-orphan-dep" ]; then
	t "softdep-orphan-dep: exit 0" rc softdep-orphan-dep 0
	jt "softdep-orphan-dep: every module planned" softdep-orphan-dep \
		'sorted(set(n for w in j["waves"] for t in w for n in t)) == ["a", "b", "c", "x"]'
fi
if [ -d "$CASES/sm8450-vendor_ramdisk" ]; then
	S=$CASES/sm8450-vendor_ramdisk
	t "sm8450: exit 0" rc sm8450-vendor_ramdisk 0
	jt "sm8450: nothing skipped" sm8450-vendor_ramdisk 'j["skipped"] == []'
	plan recovery "$S" --list modules.load.recovery
	jt "sm8450 --list modules.load.recovery: llcc_perfmon skipped (blocklisted)" recovery \
		'[s["module"] for s in j["skipped"]] == ["llcc_perfmon"] and j["list"].endswith("/modules.load.recovery")'
	plan recovery2 "$S" --recovery
	jt "--recovery picks modules.load.recovery" recovery2 'j["list"].endswith("/modules.load.recovery")'
	plan charger "$S" --cmdline androidboot.mode=charger
	jt "charger mode without modules.load.charger falls back to modules.load" charger 'j["list"].endswith("/modules.load")'
	t "and plans the same" [ "$(hash_of charger)" = "$(hash_of sm8450-vendor_ramdisk)" ]
fi

# The agent's BEGIN line carries the same hash, for the same directory and command line.
if [ ! -x "$AGENT" ]; then
	skip "agent BEGIN plan hash" "no $AGENT"
else
	for c in softdep-order sm8450-vendor_ramdisk; do
		[ -d "$CASES/$c" ] || continue
		timeout 60 "$AGENT" --service moddir="$(cd "$CASES/$c" && pwd)" settle_ms=0 load_timeout_ms=10000 \
			>"$tmp/agent.$c" 2>/dev/null
		ah=$(sed -n 's/^OOPSFARM:1:BEGIN:.* plan=\([0-9a-f]*\).*/\1/p' "$tmp/agent.$c")
		plan "host.$c" --cmdline "$(cat /proc/cmdline)" "$CASES/$c"
		hh=$(hash_of "host.$c")
		t "$c: agent BEGIN plan=$ah is the host's plan hash" [ -n "$ah" -a "$ah" = "$hh" ]
	done
fi
jt_run
