#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Crash signatures on logs nobody here wrote (doc/signatures.md):
#  - the syzkaller training corpus (../shared/research/syzkaller-titles/):
#    the share of logs whose first report has syzbot's exact title, which
#    must not fall below FLOOR (raise it as the score rises, never lower it);
#  - ../shared/cases/signatures/: real shapes, one test each;
#  - the same crash as people paste it (indented, mail-quoted, CRLF, <N>,
#    syslog, journalctl, dmesg -T) has one title and one hash;
#  - a LAVA job log gives the reports of its raw console.
# The corpus and the cases are skipped, and counted as skipped, when
# ../shared is not there.
set -u
cd "$(dirname "$0")/.."
B=${B:-build/host}
OF=$B/oopsfarm
FLOOR=98.0	# percent of exact titles on the training corpus
CORPUS=${CORPUS:-../shared/research/syzkaller-titles}
CASES=${CASES:-../shared/cases/signatures}
n=0
t() { # description, then a command whose status decides
	local d=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $d"; else echo "not ok $n - $d"; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# score DIR: prints "ok total percent", then one "miss NAME" line per miss.
# A corpus file is header lines (TITLE: ...), a blank line, then the log;
# no TITLE means no report is expected.  A trailing "REPORT:" section is
# syzkaller's own extract and is not parsed.
score() {
	python3 - "$OF" "$1" "$tmp/bodies" <<'EOF'
import json, os, re, shutil, subprocess, sys
of, d, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
want = {}
for name in sorted(os.listdir(d)):
    path = os.path.join(d, name)
    if not os.path.isfile(path) or name.endswith('.md'):
        continue
    data = open(path, 'rb').read()
    head, sep, body = data.partition(b'\n\n')
    title = None
    if sep:
        for line in head.decode('utf-8', 'replace').splitlines():
            if line.startswith('TITLE: '):
                title = line[7:].strip()
            elif line.strip() and not re.match(r'^[A-Z_]+:', line):
                title, body = None, data
                break
    else:
        body = data
    i = body.find(b'\nREPORT:\n')
    if i >= 0:
        body = body[:i + 1]
    open(os.path.join(work, name), 'wb').write(body)
    want[name] = title
# one run over every log: the first report of each file counts
files = [os.path.join(work, n) for n in want]
out = subprocess.run([of, 'parse', '--json'] + files, capture_output=True).stdout
got = {}
for l in out.decode('utf-8', 'replace').splitlines():
    if l.strip():
        r = json.loads(l)
        got.setdefault(os.path.basename(r['file']), r['title'])
ok = sum(1 for n in want if got.get(n) == want[n])
print(ok, len(want), '%.1f' % (100.0 * ok / max(len(want), 1)))
for n in want:
    if got.get(n) != want[n]:
        print('miss %s: want %r, got %r' % (n, want[n], got.get(n)))
EOF
}

if [ -d "$CORPUS" ]; then
	score "$CORPUS" > "$tmp/score"
	read -r ok total pct < "$tmp/score"
	echo "# training corpus: $ok/$total exact titles ($pct%), floor $FLOOR%"
	sed -n '2,$s/^/# /p' "$tmp/score"
	t "training corpus: $pct% exact titles >= $FLOOR%" \
		awk -v p="$pct" -v f="$FLOOR" 'BEGIN { exit !(p >= f) }'
else
	skip "training corpus" "$CORPUS absent"
fi

hit() { ! grep -q "^miss $1:" "$tmp/cs"; }
if [ -d "$CASES" ]; then
	score "$CASES" > "$tmp/cs"
	sed -n '2,$s/^/# /p' "$tmp/cs"
	for c in "$CASES"/*; do
		[ -f "$c" ] || continue
		t "case $(basename "$c")" hit "$(basename "$c")"
	done
else
	skip "cases" "$CASES absent"
fi

# ---- console shapes: one crash, pasted in every way, one signature ----
body() { sed '1,/^#end$/d' "$1"; }
# title, hash and corrupted flag of each report (the JSON keys of t-cli-parse.sh)
sig() { "$OF" parse --json "$1" | sed -E 's/.*"title":"(([^"\\]|\\.)*)".*"corrupted":(true|false).*"hash":"([0-9a-f]+)".*/\1 \4 \3/'; }
shape() { # name, sed expression
	sed "$2" "$tmp/raw.log" > "$tmp/$1.log"
	sig "$tmp/$1.log" > "$tmp/$1.sig"
	t "$fix: shape $1: same titles and hashes as raw" cmp -s "$tmp/raw.sig" "$tmp/$1.sig"
}
# one capture without console prefixes, one with timestamps
for fix in real-arm64-race-platform-dma-configure real72-lkdtm-bug; do
	body "tests/fixtures/$fix.log" | tr -d '\r' > "$tmp/raw.log"
	sig "$tmp/raw.log" > "$tmp/raw.sig"
	t "$fix: the raw console has reports" [ -s "$tmp/raw.sig" ]
	shape indented 's/^/    /'
	shape tab-indented 's/^/\t/'
	shape mail-quoted 's/^/> /'
	shape quoted-twice 's/^/> > /'
	shape crlf 's/$/\r/'
	shape printk-level 's/^/<4>/'
	shape syslog 's/^/Nov 25 10:00:00 board kernel: /'
	shape journal-iso 's/^/2026-11-25T10:00:00+0000 board kernel: /'
	if grep -q '^\[ *[0-9]*\.[0-9]*\] ' "$tmp/raw.log"; then
		shape dmesg-T 's/^\[ *[0-9.]*\] /[Tue Nov 25 10:00:00 2026] /'
		shape caller-id 's/^\(\[ *[0-9.]*\]\)/\1[    T1]/'
	fi
done

# offsets point into the original bytes: the quoted report starts at its line
start=$("$OF" parse --json "$tmp/mail-quoted.log" | head -1 | sed -E 's/.*"start":([0-9]+).*/\1/')
t "offsets are in the original bytes" [ "$(head -c $((start + 2)) "$tmp/mail-quoted.log" | tail -c 2)" = "> " ]

# ---- LAVA: the job log gives the reports of its raw console ----
for j in panic warning clean; do
	zstd -qdc "tests/fixtures/lava/$j.yaml.zst" > "$tmp/$j.yaml" || continue
	python3 - "$tmp/$j.yaml" > "$tmp/$j.console" <<'EOF'
import sys, yaml
for e in yaml.safe_load(open(sys.argv[1])) or []:
    if e.get('lvl') in ('target', 'feedback') and isinstance(e.get('msg'), str):
        print(e['msg'])
EOF
	sig "$tmp/$j.yaml" | cut -d' ' -f1- > "$tmp/$j.ysig"
	sig "$tmp/$j.console" > "$tmp/$j.csig"
	t "LAVA $j: the job log gives the raw console's reports" cmp -s "$tmp/$j.ysig" "$tmp/$j.csig"
done
t "LAVA clean boot: no report" [ ! -s "$tmp/clean.ysig" ]
