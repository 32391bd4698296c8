#!/bin/bash
# SPDX-License-Identifier: MIT
# Campaign specs: the demo's spec is valid; mistakes get a clear error with file and line.
. "$(dirname "$0")/lib.sh"
OF=${B:-build/host}/oopsfarm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
out=$($OF campaign check devices/qemu-smmuv3/demo.yaml); rc=$?
t "the demo campaign is valid" [ $rc -eq 0 ]
t "it names the target" grep -q "target 'BUG: unable to handle kernel NULL pointer dereference in platform_dma_configure'" <<<"$out"
t "it counts its boots" grep -q "800 in all" <<<"$out"
t "it shows the sequential rule and the fixed-N size" grep -q "until   compare control=unpatched-platform treatment=shipped ratio=0.2 alpha=0.01 beta=0.05 max_boots=400" <<<"$out"
t "it shows the phase limits" grep -q "limits  start 20s, kernel 30 CPU-s" <<<"$out"
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
bad longname "campaign: $(printf 'n%.0s' {1..101})\nvariants: [{name: a}]\nsetups: [{name: s}]\n" "at most 100 of them"
bad twice 'campaign: x\nvariants: [{name: a}, {name: a}]\nsetups: [{name: s}]\n' "'a' is named twice"
bad board 'campaign: x\nvariants: [{name: a}]\nsetups: [{name: s, board: pixel9}]\n' "board 'pixel9' is not known"
bad yaml 'campaign: [x\n' "$tmp/yaml.yaml:2:"
bad dupkey 'campaign: x\nboots: 10\nvariants: [{name: a}]\nboots: 20\nsetups: [{name: s}]\n' "$tmp/dupkey.yaml:4: duplicate key 'boots' (first at line 2)"
bad dupnested 'campaign: x\nvariants: [{name: a, patches: [p], name: b}]\nsetups: [{name: s}]\n' "$tmp/dupnested.yaml:2: duplicate key 'name' (first at line 2)"
bad twodocs 'campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}]\n---\ncampaign: y\n' "a second YAML document"
V='variants: [{name: a}, {name: b}]\nsetups: [{name: s}]\n'
bad seqnorule "campaign: x\nstop: sequential\n$V" "'stop: sequential' needs an 'until' rule"
bad seqtest "campaign: x\n${V}until: {test: maybe, treatment: a}\n" "'test' must be 'compare' or 'below'"
bad seqvariant "campaign: x\n${V}until: {test: compare, control: a, treatment: c, ratio: 0.1}\n" "no variant is named 'c'"
bad seqsame "campaign: x\n${V}until: {test: compare, control: a, treatment: a, ratio: 0.1}\n" "control and treatment are the same variant"
bad seqratio "campaign: x\n${V}until: {test: compare, control: a, treatment: b, ratio: 2}\n" "'ratio' must be a number above 0 and below 1"
bad seqrate "campaign: x\n${V}until: {test: below, treatment: b, ratio: 0.1}\n" "'rate' is missing"
bad seqcontrol "campaign: x\n${V}until: {test: below, control: a, treatment: b, rate: 0.01, ratio: 0.1}\n" "a 'below' test has no control"
bad phase "campaign: x\n${V}timeouts: {boot: 3}\n" "timeouts: unknown key 'boot'"
bad phasenum "campaign: x\n${V}timeouts: {kernel: -3}\n" "'kernel' must be a number above 0"
bad boards "campaign: x\n${V}boards: 0\n" "'boards' must be a whole number from 1 to 256"
$OF campaign check "$tmp/nosuch.yaml" 2> "$tmp/err"
t "a missing file is named" grep -q "cannot open '$tmp/nosuch.yaml'" "$tmp/err"
# a spec path longer than the error buffer, and an error: exit 2, never a crash
D=$tmp; for i in $(seq 1 12); do D=$D/$(printf 'd%.0s' $(seq 1 60)); done
mkdir -p "$D"
printf 'campaign: "bad name !"\nvariants: [{name: a}]\nsetups: [{name: s}]\n' > "$D/spec.yaml"
$OF campaign check "$D/spec.yaml" > /dev/null 2> "$tmp/err"
t "a 780-byte spec path with an error: exit 2 (hostile case f1)" [ $? -eq 2 ]
bad twosetups "campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}, {name: s}]\n" "setups: 's' is named twice"
$OF run --name '../../escaped' --variant a --boots 1 2> "$tmp/err" > /dev/null
t "run --name with '..': exit 2, nothing made (hostile case f2)" \
	bash -c "[ $? -eq 2 ] && grep -q \"letters, digits, .\..\" '$tmp/err' && [ ! -e build/escaped ] && [ ! -e ../escaped ]"
# bounds before the YAML loader (hostile case f10): refused at once, with file and line
python3 -c "n=40000; open('$tmp/deep.yaml','w').write('campaign: ' + '['*n + ']'*n + '\n')"
bad deep "$(cat "$tmp/deep.yaml")" "nested more than 64 levels deep"
bad twodocs "campaign: x\nvariants: [{name: a}]\nsetups: [{name: s}]\n---\ncampaign: y\n" ":4: a second YAML document"
