#!/bin/bash
# SPDX-License-Identifier: MIT
# oopsfarm parse: the stable interface other tools call (exit codes, JSON keys).
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

body tests/fixtures/real-arm64-race-platform-dma-configure.log > "$tmp/race.log"
out=$($OF parse --json "$tmp/race.log"); rc=$?
t "exit 0 when reports are found" [ $rc -eq 0 ]
t "the race's title" grep -q '"title":"BUG: unable to handle kernel NULL pointer dereference in platform_dma_configure"' <<<"$out"
t "keys in the documented order" grep -qE '^\{"version":1,"file":"[^"]*","title":"[^"]*","kind":"oops","frame":"platform_dma_configure","corrupted":false,"start":[0-9]+,"end":[0-9]+,"hash":"[0-9a-f]{16}"\}$' <<<"$(head -1 <<<"$out")"
t "one line per report (oops, then the panic)" [ "$(wc -l <<<"$out")" -eq 2 ]
if command -v python3 >/dev/null; then
	t "each line is valid JSON" python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' <<<"$out"
fi

body tests/fixtures/real-arm64-clean-boot-crlf.log > "$tmp/clean.log"
out=$($OF parse --json "$tmp/clean.log"); rc=$?
t "no report prints nothing, exit 0" [ $rc -eq 0 -a -z "$out" ]

head -c 200000 /dev/urandom > "$tmp/garbage.bin"
$OF parse --json "$tmp/garbage.bin" > "$tmp/g.out"; rc=$?
t "binary garbage is not an error" [ $rc -eq 0 ]

$OF parse --json "$tmp/does-not-exist" > /dev/null 2> "$tmp/err"; rc=$?
t "unreadable file: exit 3" [ $rc -eq 3 ]
t "the error names the file" grep -q "cannot open '$tmp/does-not-exist'" "$tmp/err"

$OF parse --json "$tmp/does-not-exist" "$tmp/race.log" > "$tmp/out2" 2>/dev/null; rc=$?
t "a bad file does not stop the others" [ $rc -eq 3 -a "$(wc -l < "$tmp/out2")" -eq 2 ]

$OF parse --bogus > /dev/null 2> "$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "Try 'oopsfarm parse --help'" "$tmp/err"; t_last "bad option: exit 2 with a hint"
$OF parse --help > "$tmp/help"; rc=$?
t "--help: stdout, exit 0" [ $rc -eq 0 -a -s "$tmp/help" ]

out=$($OF parse --json < "$tmp/race.log")
t "reads standard input" grep -q '"file":"-"' <<<"$out"

t "text mode shows the title" grep -q "platform_dma_configure" <<<"$($OF parse "$tmp/race.log")"

$OF nosuchcommand > /dev/null 2>&1; rc=$?
t "unknown command: exit 2" [ $rc -eq 2 ]

# JSON strings are UTF-8: a valid name passes, a stray byte is U+FFFD
body tests/fixtures/real72-lkdtm-warning.log > "$tmp/café.log"
out=$(cd "$tmp" && $OLDPWD/$OF parse --json café.log)
t "parse --json café.log prints \"file\":\"café.log\"" grep -q '"file":"café.log"' <<<"$out"
cp "$tmp/café.log" "$tmp/$(printf 'bad\377.log')"
out=$(cd "$tmp" && $OLDPWD/$OF parse --json "$(printf 'bad\377.log')")
t "a file name that is not UTF-8: U+FFFD in valid JSON" \
	python3 -c 'import json,sys; sys.exit(json.loads(sys.stdin.readline())["file"] != "bad\ufffd.log")' <<<"$out"

# a failed write is exit 3, never a silent 0 (hostile case f6)
if [ -w /dev/full ]; then
	body tests/fixtures/real-arm64-race-platform-dma-configure.log > "$tmp/w.log"
	$OF parse --json "$tmp/w.log" > /dev/full 2>/dev/null
	t "parse > /dev/full: exit 3" [ $? -eq 3 ]
	$OF decode --json "$tmp/w.log" > /dev/full 2>/dev/null
	t "decode > /dev/full: exit 3" [ $? -eq 3 ]
	$OF decode --console /dev/full "$tmp/w.log" > /dev/null 2>&1
	t "decode --console /dev/full: exit 3" [ $? -eq 3 ]
	$OF record --store "$tmp/w.db" --campaign c --variant v --setup s --uid u1 "$tmp/w.log" > /dev/null
	$OF report --store "$tmp/w.db" > /dev/full 2>/dev/null
	t "report > /dev/full: exit 3" [ $? -eq 3 ]
	$OF report --store "$tmp/w.db" --json > /dev/full 2>/dev/null
	t "report --json > /dev/full: exit 3" [ $? -eq 3 ]
fi
# a corrupt store is exit 3, never an empty report (hostile case f7)
if [ -f ../shared/cases/hostile/f7-corrupt-store.db ]; then
	cp ../shared/cases/hostile/f7-corrupt-store.db "$tmp/bad.db"
	$OF report --store "$tmp/bad.db" --junit "$tmp/j.xml" > /dev/null 2> "$tmp/err"
	t "report on a corrupt store: exit 3, says so, no JUnit file (f7)" \
		bash -c "[ $? -eq 3 ] && grep -q corrupt '$tmp/err' && [ ! -e '$tmp/j.xml' ]"
fi
