# SPDX-License-Identifier: MIT
#
# tests/lib.sh - what every tests/t-*.sh shares; sourced first thing:
#   . "$(dirname "$0")/lib.sh"
# It moves to the top of the tree, sets B (build dir) and OF (the oopsfarm
# binary), and gives the TAP helpers:
#   t DESC CMD...    one check: "ok N - DESC" when CMD succeeds, else "not ok"
#   not CMD...       succeeds when CMD fails
#   skip DESC WHY    one skipped check
#   body FILE        a fixture's console (what follows its "#end" line)
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
not() { ! "$@"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
body() { sed '1,/^#end$/d' "$1"; }
