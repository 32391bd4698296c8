#!/bin/bash
# SPDX-License-Identifier: MIT
# Campaign specs: the demo's spec is valid; mistakes get a clear error with file and line.
set -u
OF=${B:-build/host}/oopsfarm
n=0
t() { local d=$1; shift; n=$((n + 1)); if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=$($OF campaign check devices/qemu-smmuv3/demo.yaml); rc=$?
t "the demo campaign is valid" [ $rc -eq 0 ]
t "it names the target" grep -q "target 'BUG: unable to handle kernel NULL pointer dereference in platform_dma_configure'" <<<"$out"
t "it counts its boots" grep -q "300 in all" <<<"$out"
bad() { # name, yaml, expected error text
	printf '%b' "$2" > "$tmp/$1.yaml"
	$OF campaign check "$tmp/$1.yaml" > /dev/null 2> "$tmp/err"
	local rc=$?
	t "$1: exit 2" [ $rc -eq 2 ]
	t "$1: says '$3'" grep -qF "$3" "$tmp/err"
}
bad typo 'campaign: x\nvariants:\n  - name: a\n    patchs: [p]\nsetups: [{name: s}]\n' "$tmp/typo.yaml:4: variants[0]: unknown key 'patchs'"
bad boots 'campaign: x\nboots: lots\nvariants: [{name: a}]\nsetups: [{name: s}]\n' "'boots' must be a whole number"
bad novariants 'campaign: x\nsetups: [{name: s}]\n' "'variants' must be a non-empty list"
bad twice 'campaign: x\nvariants: [{name: a}, {name: a}]\nsetups: [{name: s}]\n' "'a' is named twice"
bad board 'campaign: x\nvariants: [{name: a}]\nsetups: [{name: s, board: pixel9}]\n' "board 'pixel9' is not known"
bad yaml 'campaign: [x\n' "$tmp/yaml.yaml:2:"
$OF campaign check "$tmp/nosuch.yaml" 2> "$tmp/err"
t "a missing file is named" grep -q "cannot open '$tmp/nosuch.yaml'" "$tmp/err"
