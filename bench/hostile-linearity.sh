#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Issue 11, item 4: "linear and bounded everywhere", measured.  Every reader
# of outside input runs on one input shape at two sizes 10x apart; the
# script prints wall time and peak memory (GNU time's %M, KiB) for each,
# and their ratios.  Linear work gives a time ratio near 10 (less when a
# fixed cost dominates the small size); a bounded one gives a memory ratio
# near 1.  Numbers only: nothing here passes or fails.
#
#   bash bench/hostile-linearity.sh [SMALL_MB]     (default 10: 10 MB and 100 MB)
cd "$(dirname "$0")/.."
OF=$PWD/${B:-build/host}/oopsfarm
S=${1:-10}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
zstdcat tests/fixtures/lava/clean.yaml.zst >"$tmp/clean.yaml"

measure() { # label, then the command; prints "seconds KiB"
	/usr/bin/time -o "$tmp/t" -f "%e %M" "$@" >/dev/null 2>"$tmp/err"
	tail -1 "$tmp/t"
}
row() { # what, unit, small-size command..., -- big-size command...
	local what=$1 a b
	shift
	local small=() big=()
	while [ "$1" != -- ]; do small+=("$1"); shift; done
	shift
	big=("$@")
	a=$(measure "${small[@]}")
	b=$(measure "${big[@]}")
	awk -v w="$what" -v a="$a" -v b="$b" 'BEGIN {
		split(a, x, " "); split(b, y, " ");
		printf "%-44s %8.2f s %8.0f MB | %8.2f s %8.0f MB | time x%-6.1f mem x%.1f\n",
			w, x[1], x[2] / 1024, y[1], y[2] / 1024,
			(x[1] > 0.005 ? y[1] / x[1] : 0), (x[2] > 0 ? y[2] / x[2] : 0) }'
}

gen() { # kind, MB, file
	/usr/bin/python3 - "$@" "$tmp/clean.yaml" <<'PY'
import sys
kind, mb, out, clean = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
n = mb << 20
line = "[   12.345678] platform 9000000.pl011: DMA mask not set, some console text of a boot\n"
if kind == "console":
    head = open("tests/fixtures/real-arm64-oops-null-deref.log").read()
    open(out, "w").write(line * (n // len(line)) + head)
elif kind == "oneline":
    open(out, "w").write("Z" * n + "\n")
elif kind in ("lava", "lava1"):
    lines = open(clean).read().split("\n")[:-1]
    i = next(k for k, l in enumerate(lines) if '"lvl": "target"' in l)
    if kind == "lava":
        e = '- {"dt": "2026-11-25T06:38:09.0", "lvl": "target", "msg": "%s"}' % line.strip()
        mid = [e] * (n // (len(e) + 1))
    else:
        mid = ['- {"dt": "2026-11-25T06:38:09.0", "lvl": "target", "msg": "' + "Z" * n + '"}']
    open(out, "w").write("\n".join(lines[:i] + mid + lines[i:]) + "\n")
elif kind == "deep":  # nesting depth in units of 100k levels
    d = mb * 100000
    open(out, "w").write("campaign: " + "[" * d + "]" * d + "\n")
elif kind == "spec":  # a spec of mb * 100 KB, most of it comments
    c = "# a comment line that the YAML reader reads and drops, like a long header\n"
    open(out, "w").write("campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}]\n" +
                         c * (mb * 100 * 1000 // len(c)))
elif kind == "bomb":  # aliases rendering to about mb * 6 MB
    x = "X" * 1000
    levels = {1: 3, 10: 4}[min(mb, 10)]
    t = "job_name: x\ns0: &s0 \"%s\"\n" % x
    for l in range(1, levels + 1):
        t += "s%d: &s%d [%s]\n" % (l, l, ",".join(["*s%d" % (l - 1)] * (60 if l == 1 else 10)))
    open(out, "w").write(t)
PY
}

B=$((S * 10))
echo "# oopsfarm $(git rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); sizes ${S} MB and ${B} MB"
printf '%-44s %-24s | %-24s | %s\n' "input" "small" "big" "ratios"
gen console $S "$tmp/c1.log"; gen console $B "$tmp/c2.log"
row "parse: console of short lines" "$OF" parse "$tmp/c1.log" -- "$OF" parse "$tmp/c2.log"
row "record: console of short lines" "$OF" record --store "$tmp/r1.db" --campaign c --variant v --setup s --uid a "$tmp/c1.log" -- \
	"$OF" record --store "$tmp/r2.db" --campaign c --variant v --setup s --uid a "$tmp/c2.log"
row "decode --console: console of short lines" "$OF" decode --console "$tmp/c1.log" -- "$OF" decode --console "$tmp/c2.log"
rm -f "$tmp"/c?.log
gen oneline $S "$tmp/o1.log"; gen oneline $B "$tmp/o2.log"
row "parse: one line, no newline" "$OF" parse "$tmp/o1.log" -- "$OF" parse "$tmp/o2.log"
row "decode --console: one line" "$OF" decode --console "$tmp/o1.log" -- "$OF" decode --console "$tmp/o2.log"
rm -f "$tmp"/o?.log
I=(--campaign c --variant v --setup s --boots 2 --definition tests/fixtures/lava/clean.def.yaml)
gen lava $S "$tmp/l1.yaml"; gen lava $B "$tmp/l2.yaml"
row "lava ingest: LAVA log of short target lines" "$OF" lava ingest --store "$tmp/i1.db" "${I[@]}" "$tmp/l1.yaml" -- \
	"$OF" lava ingest --store "$tmp/i2.db" "${I[@]}" "$tmp/l2.yaml"
rm -f "$tmp"/l?.yaml
gen lava1 $S "$tmp/m1.yaml"; gen lava1 $B "$tmp/m2.yaml"
row "lava ingest: one newline-free target line" "$OF" lava ingest --store "$tmp/j1.db" "${I[@]}" "$tmp/m1.yaml" -- \
	"$OF" lava ingest --store "$tmp/j2.db" "${I[@]}" "$tmp/m2.yaml"
rm -f "$tmp"/m?.yaml
gen spec 1 "$tmp/s1.yaml"; gen spec 10 "$tmp/s2.yaml"
row "campaign check: spec of 100 KB / 1 MB" "$OF" campaign check "$tmp/s1.yaml" -- "$OF" campaign check "$tmp/s2.yaml"
gen deep 1 "$tmp/d1.yaml"; gen deep 10 "$tmp/d2.yaml"
row "campaign check: nested 100k / 1M deep (refused)" "$OF" campaign check "$tmp/d1.yaml" -- "$OF" campaign check "$tmp/d2.yaml"
gen bomb 1 "$tmp/b1.yaml"; gen bomb 10 "$tmp/b2.yaml"
row "lava render: aliases to ~6 MB / ~60 MB" "$OF" lava render "$tmp/b1.yaml" -- "$OF" lava render "$tmp/b2.yaml"
