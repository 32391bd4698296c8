# SPDX-License-Identifier: MIT
#
# tests/lib.sh - what every tests/t-*.sh shares; sourced first thing:
#   . "$(dirname "$0")/lib.sh"
# It moves to the top of the tree, sets B (build dir) and OF (the oopsfarm
# binary), and gives the TAP helpers:
#   t DESC CMD...    one check: "ok N - DESC" when CMD succeeds, else "not ok"
#   t_last DESC      one check on the status of the list just run (A && B; t_last D)
#   not CMD...       succeeds when CMD fails
#   skip DESC WHY    one skipped check
#   body FILE        a fixture's console (what follows its "#end" line)
#   board_kernel DIR the static aarch64 agent and the QEMU board's demo
#                    kernel (cached after the first build): sets K to the
#                    kernel's directory, or prints "not ok 1" and exits 1
# tests/run counts the lines into "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
B=${B:-build/host}
OF=$B/oopsfarm
n=0 fails=0
t() {
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fails=$((fails + 1)); fi
}
# t_last DESC: one check on the status of the command list just before it,
#   [ $rc -eq 0 ] && grep -q word "$f"; t_last "DESC"
# (a line "t DESC [ A ] && B" would check A alone: the shell runs B after t)
t_last() {
	local s=$?
	t "$1" [ $s -eq 0 ]
}
not() { ! "$@"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
body() { sed '1,/^#end$/d' "$1"; }
board_kernel() {
	make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 > "$1/make.log" 2>&1 ||
		{ echo "not ok 1 - the agent cross-builds"; tail -5 "$1/make.log" | sed 's/^/# /'; exit 1; }
	K=$(devices/qemu-smmuv3/build-kernel.sh 2> "$1/build.err" | tail -1)
	[ -f "$K/Image" ] ||
		{ echo "not ok 1 - the board kernel builds"; tail -20 "$1/build.err" | sed 's/^/# /'; exit 1; }
}
