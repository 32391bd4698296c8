#!/bin/bash
# SPDX-License-Identifier: MIT
# Nightly runs end to end on the replay board (real lkdtm consoles from the
# QEMU board, played by the real farm loop; no kernel is built): three
# nights of a plan that follows a local git branch, then what
# `nightly diff` says about them.
#   night 1: WARNING in lkdtm_WARNING in 2 boots of 12 (a known issue);
#   night 2: a new BUG in 8 of 12, the WARNING in 12 of 12;
#   night 3: the BUG gone, the WARNING back to 2 of 12 (and the plan file
#            edited, so the diff says it compares unlike plans).
# Then bad input: a ref that does not resolve, a tree given as a URL, a
# bad date, a night whose build fails (recorded as such, not as zero
# crashes), two nights at once (the lock), and a night killed with -9 that
# resumes without counting a boot twice.
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
FX=tests/fixtures
C=$tmp/con
mkdir -p "$C"
body $FX/real72-clean-boot.log > "$C/clean.log"
body $FX/real72-lkdtm-warning.log > "$C/warn.log"
{ body $FX/real72-lkdtm-warning.log; body $FX/real72-lkdtm-access-null.log; } > "$C/warnbug.log"
WARN='WARNING in lkdtm_WARNING'
BUG='BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL'

# the kernel tree the plan follows: a local repository, a branch that moves
git init -q "$tmp/tree"
g() { git -C "$tmp/tree" -c user.email=t@oopsfarm -c user.name=t "$@"; }
g commit -q --allow-empty -m one
g branch -q -M next
plan() { # NAME REF [TREE]
	cat <<EOF
campaign: $1
tree: ${3:-$tmp/tree}
ref: $2
no_agent: true
store: $tmp/nightly.db
variants:
  - name: head
setups:
  - name: replay1
    board: replay
boots: 12
known_issues:
  - title: $WARN
    link: https://example.org/known/warning
EOF
}
plan tiny next > "$tmp/plan.yaml"
# the nights' logs go under build/nightly/<plan>: a plan name of our own
P=t-nightly-$$
sed -i "s/^campaign: tiny/campaign: $P/" "$tmp/plan.yaml"
cleanup() { rm -rf "$tmp" "build/nightly/$P" "build/nightly/$P-build"; }
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

night() { # DATE CONSOLES... (played in turn, one per boot)
	local d=$1; shift
	local list
	list=$(printf "$C/%s.log:" "$@")
	OOPSFARM_REPLAY_CONSOLE=${list%:} $OF nightly "$tmp/plan.yaml" --night "$d" > "$tmp/out.$d" 2> "$tmp/err.$d"
}
json() { $OF nightly diff "$tmp/plan.yaml" "$@" --json; }
# the findings that count as regressions, one per line: kind and title
flagged() { python3 -c '
import json, sys
d = json.load(sys.stdin)
for i in d["items"]:
    if i["regression"]:
        print(i["kind"], i.get("title", ""))' ; }

night 2026-11-01 warn clean clean clean clean clean
rc=$?
t "night 1 runs (exit 0, no baseline yet): rc $rc" test "$rc" -eq 0
t "night 1's summary line counts 12 boots (2 crash)" \
	grep -q "12 boots stored in .* s (10 pass, 2 crash, 0 hang, 0 infra)" "$tmp/out.2026-11-01"
commit1=$(g rev-parse next)
t "night 1 is stored with its date, commit, plan hash, status done" \
	test "$(sqlite3 "$tmp/nightly.db" "SELECT night, git_commit, length(plan_hash), status FROM nights")" = \
	"2026-11-01|$commit1|16|done"

g commit -q --allow-empty -m two
night 2026-11-02 warnbug warnbug warn
rc=$?
t "night 2 finds a regression: exit 1 (rc $rc)" test "$rc" -eq 1
t "night 2 resolved the branch to its new commit" \
	test "$(sqlite3 "$tmp/nightly.db" "SELECT git_commit FROM nights WHERE night = '2026-11-02'")" = "$(g rev-parse next)"
json 2026-11-02 > "$tmp/d2.json"; rc=$?
t "a no_agent plan's boots are marked so, and are a cell of their own" bash -c "
	test \"\$(sqlite3 '$tmp/nightly.db' 'SELECT DISTINCT agent FROM boots')\" = 0 &&
	grep -q '\"setup\":\"replay1 (no agent)\"' '$tmp/d2.json'"
t "nightly diff of night 2 exits 1 (rc $rc)" test "$rc" -eq 1
flagged < "$tmp/d2.json" > "$tmp/f2"
printf 'pass \nnew %s\nrate %s\n' "$BUG" "$WARN" > "$tmp/f2.want"
t "night 2 flags exactly the new BUG, the WARNING's rise (and the pass rate they cost)" diff -u "$tmp/f2.want" "$tmp/f2"
t "night 2: the new BUG in 8 of 12 boots, 0 of 12 before" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
i = [i for i in d["items"] if i["kind"] == "new"][0]
sys.exit(not (i["count"] == 8 and i["boots"] == 12 and i["base_count"] == 0 and i["p"] < 0.001))' "$tmp/d2.json"
$OF nightly diff "$tmp/plan.yaml" 2026-11-02 > "$tmp/d2.txt"
t "the text names the known issue's link beside the WARNING" grep -q "known issue: https://example.org/known/warning" "$tmp/d2.txt"
t "the text fits a mail body (under 40 lines)" test "$(wc -l < "$tmp/d2.txt")" -lt 40

# night 3: the plan file changes (a comment), the BUG goes
echo "# tonight's edit" >> "$tmp/plan.yaml"
g commit -q --allow-empty -m three
night 2026-11-03 warn clean clean clean clean clean
rc=$?
t "night 3: no regression, exit 0 (rc $rc)" test "$rc" -eq 0
json 2026-11-03 > "$tmp/d3.json"
t "night 3: the BUG is gone, with the detection bound for 12 boots" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
g = [i for i in d["items"] if i["kind"] == "gone"]
sys.exit(not (len(g) == 1 and g[0]["title"] == sys.argv[2] and abs(g[0]["bound"] - (1 - 0.05 ** (1 / 12))) < 1e-4
              and not g[0]["regression"]))' "$tmp/d3.json" "$BUG"
t "night 3 flags nothing" test -z "$(flagged < "$tmp/d3.json")"
t "night 3 is compared with an unlike plan, and says so" grep -q "unlike plans" "$tmp/out.2026-11-03"
$OF nightly diff "$tmp/plan.yaml" 2026-11-03 --against 2026-11-01 --json > "$tmp/d31.json"
t "--against night 1: the same plan's rates, nothing new or gone" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["baseline"] == ["2026-11-01"] and d["regressions"] == 0
              and not [i for i in d["items"] if i["kind"] in ("new", "gone")]))' "$tmp/d31.json"
$OF nightly diff "$tmp/plan.yaml" 2026-11-03 --baseline 2 --json > "$tmp/d3b.json"
t "--baseline 2 pools nights 1 and 2 (24 boots)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = [i for i in d["items"] if i["kind"] == "pass"][0]
sys.exit(not (d["baseline"] == ["2026-11-01", "2026-11-02"] and p["base_boots"] == 24))' "$tmp/d3b.json"
t "the same night again: stored already, exit 0" night 2026-11-03 clean

# kcidb v5.3: every night's export validates against the schema, with
# Debian's python3-jsonschema (the schema is read from ../shared, never copied)
SCHEMA=${KCIDB_SCHEMA:-../shared/research/kcidb/kcidb-v5.3.schema.json}
for d in 2026-11-01 2026-11-02 2026-11-03; do
	$OF report --store "$tmp/nightly.db" --campaign "$P@$d" --kcidb "$tmp/kcidb.$d.json" --origin t_nightly > /dev/null
done
if [ -f "$SCHEMA" ] && /usr/bin/python3 -c 'import jsonschema' 2> /dev/null; then
	for d in 2026-11-01 2026-11-02 2026-11-03; do
		t "kcidb export of night $d validates against v5.3" /usr/bin/python3 -c '
import json, jsonschema, sys
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$SCHEMA" "$tmp/kcidb.$d.json"
	done
else
	skip "kcidb exports validate against v5.3" "no schema at $SCHEMA or no python3-jsonschema"
fi
t "kcidb night 2: its commit, 12 tests FAIL, 2 issues, 20 incidents, ids with the origin" /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
c, t = d["checkouts"][0], d["tests"]
ids = [c["id"]] + [b["id"] for b in d["builds"]] + [x["id"] for x in t + d["issues"] + d["incidents"]]
sys.exit(not (c["git_commit_hash"] == sys.argv[2] and c["git_repository_branch"] == "next"
              and len(t) == 12 and all(x["status"] == "FAIL" for x in t)
              and all(x["log_url"].startswith("file:///") for x in t)
              and len(d["issues"]) == 2 and len(d["incidents"]) == 20
              and all(i.startswith("t_nightly:") for i in ids)))' "$tmp/kcidb.2026-11-02.json" "$(g rev-parse next~1)"
t "kcidb night 1: 10 PASS, 2 FAIL" test "$(/usr/bin/python3 -c '
import json, sys, collections
print(sorted(collections.Counter(x["status"] for x in json.load(open(sys.argv[1]))["tests"]).items()))' \
	"$tmp/kcidb.2026-11-01.json")" = "[('FAIL', 2), ('PASS', 10)]"
$OF report --store "$tmp/nightly.db" --kcidb "$tmp/k.json" --origin Bad-Origin > /dev/null 2>&1; rc=$?
t "an origin kcidb would refuse: exit 2 (rc $rc)" test "$rc" -eq 2

# the dashboard over nights 1-3, rendered by headless Chromium: the figures
# read back from its DOM, every link resolving, a screenshot that is not blank
mkdir -p "$tmp/www"
$OF nightly dashboard "$tmp/plan.yaml" --html "$tmp/www/dash.html" 2> /dev/null; rc=$?
t "nightly dashboard writes the page (rc $rc)" test "$rc" -eq 0 -a -s "$tmp/www/dash.html"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chromium" ]; then
	chrome() {
		timeout -k 5 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
			--no-first-run --no-default-browser-check --disable-extensions --hide-scrollbars \
			--user-data-dir="$tmp/profile" "$@" "file://$tmp/www/dash.html" < /dev/null 2>> "$tmp/chromium.err"
	}
	chrome --dump-dom > "$tmp/dom.html" || chrome --dump-dom > "$tmp/dom.html"
	cat > "$tmp/dom.py" <<'EOF'
import math, os, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.rows = {}; s.cur = None; s.cell = None; s.links = []; s.table = None
        s.titles = []; s.flagged = []
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if tag == "table": s.table = a.get("class")
        if tag == "tr": s.cur = []; s.night = a.get("data-night")
        if tag == "td" and s.cur is not None: s.cell = ""
        if tag == "a": s.links.append(a.get("href"))
        if tag == "li" and a.get("data-night"): s.flagged.append(a["data-night"])
    def handle_data(s, d):
        if s.cell is not None: s.cell += d
    def handle_endtag(s, tag):
        if tag == "td" and s.cur is not None: s.cur.append(s.cell.strip()); s.cell = None
        if tag == "tr" and s.cur:
            if s.table == "nights": s.rows[s.night] = s.cur
            if s.table == "titles": s.titles.append(s.cur)
            s.cur = None
p = P(); p.feed(open(sys.argv[1]).read())
def wilson(k, n, z=1.959964):
    c = (k / n + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0, c - h) if k else 0), (min(1, c + h) if k < n else 1)
def pct(x): return "%.1f%%" % (100 * x) if x >= 0.01 else "%.2g%%" % (100 * x)
check = sys.argv[2]
if check == "figures":
    bad = []
    for night, k in {"2026-11-01": 10, "2026-11-02": 0, "2026-11-03": 10}.items():
        r = p.rows.get(night, [""] * 9)
        lo, hi = wilson(k, 12)
        got, exp = tuple(r[5:9]), ("12", str(k), pct(k / 12), "[%s, %s]" % (pct(lo), pct(hi)))
        if got != exp: bad.append((night, got, exp))
    print("# figures:", bad or "as computed here")
    sys.exit(1 if bad or len(p.rows) != 3 else 0)
if check == "flagged":
    sys.exit(0 if p.flagged == ["2026-11-02"] else 1)
if check == "titles":
    t = {r[0].replace(" known issue", ""): tuple(r[1:4]) for r in p.titles}
    print("# titles:", t)
    sys.exit(0 if t == {sys.argv[3]: ("2026-11-01", "2026-11-03", "3"), sys.argv[4]: ("2026-11-02", "2026-11-02", "1")} else 1)
if check == "links":
    base = sys.argv[3]
    local = [h for h in p.links if "://" not in h]
    bad = [h for h in p.links if h != "https://example.org/known/warning" and
           (h in local and (h.startswith("/") or not os.path.exists(os.path.join(base, h))) or h not in local)]
    print("# links:", len(p.links), "bad:", bad)
    sys.exit(1 if bad or len(local) != 2 else 0)
EOF
	d() { python3 "$tmp/dom.py" "$tmp/dom.html" "$@"; }
	t "dashboard: pass rate and Wilson interval per night, read back from Chromium's DOM" d figures
	t "dashboard: the nights the diff flagged: night 2 alone" d flagged
	t "dashboard: each title's first and last night" d titles "$WARN" "$BUG"
	t "dashboard: every link resolves (the first boots' consoles, the known issue)" d links "$tmp/www"
	chrome --screenshot="$tmp/dash.png" --window-size=1200,900 > /dev/null ||
		chrome --screenshot="$tmp/dash.png" --window-size=1200,900 > /dev/null
	# not blank: a PNG of some size whose scanlines are not all one colour
	t "dashboard: Chromium's screenshot is not blank" python3 -c '
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
pos, idat = 8, b""
while pos < len(d):
    ln, typ = struct.unpack(">I4s", d[pos:pos + 8]); pos += 8
    if typ == b"IDAT": idat += d[pos:pos + ln]
    pos += ln + 4
raw = zlib.decompress(idat)
sys.exit(0 if d[:4] == b"\x89PNG" and len(d) > 20000 and len(set(raw)) > 50 else 1)' "$tmp/dash.png"
else
	skip "dashboard in Chromium" "chromium not installed (make deps)"
fi

# bad input
plan "$P" no-such-branch > "$tmp/badref.yaml"
$OF nightly "$tmp/badref.yaml" --night 2026-11-04 2> "$tmp/err"; rc=$?
t "a ref that does not resolve: exit 2 (rc $rc)" test "$rc" -eq 2
t "... and says which ref, in which tree" grep -q "ref 'no-such-branch' does not resolve to a commit in '$tmp/tree'" "$tmp/err"
plan "$P" next "https://git.example.org/linux.git" > "$tmp/url.yaml"
$OF nightly "$tmp/url.yaml" 2> "$tmp/err"; rc=$?
t "a tree given as a URL: exit 2, oopsfarm never fetches (rc $rc)" \
	bash -c "test $rc -eq 2 && grep -q 'never fetches' '$tmp/err'"
$OF nightly "$tmp/plan.yaml" --night 2026-02-30 2> "$tmp/err"; rc=$?
t "a night that is not a date: exit 2 (rc $rc)" test "$rc" -eq 2
# a plan's LAVA setups, checked before anything runs: exit 2, file and line
badlava() { # WANT-IN-MESSAGE LAVA-ENTRY-LINES...
	local want=$1
	shift
	{ plan "$P" next; echo "lava:"; printf '%s\n' "$@"; } > "$tmp/lava.yaml"
	$OF nightly "$tmp/lava.yaml" --night 2026-11-09 2> "$tmp/err"
	local rc=$?
	[ "$rc" -eq 2 ] && grep -q "lava.yaml:[0-9]*: plan: .*$want" "$tmp/err"
}
t "a LAVA setup without a url: exit 2, says what it needs" badlava "needs a 'setup' and a 'url'" "  - setup: lab"
t "a LAVA setup with an unknown key" badlava "unknown key 'job'" "  - {setup: lab, url: http://127.0.0.1:1, job: [1]}"
t "a LAVA setup named as a local setup" badlava "LAVA setup 'replay1' is also in setups" \
	"  - {setup: replay1, url: http://127.0.0.1:1, jobs: [1]}"
t "a LAVA setup whose definition cannot be read" badlava "cannot read definition '$tmp/nope.yaml'" \
	"  - {setup: lab, url: http://127.0.0.1:1, definitions: [nope.yaml]}"
t "a LAVA setup with no definitions and no jobs" badlava "names no definitions and no jobs" \
	"  - {setup: lab, url: http://127.0.0.1:1}"
t "a LAVA job id that is not one" badlava "'12x' is not a job id" "  - {setup: lab, url: http://127.0.0.1:1, jobs: [12x]}"
t "a LAVA setup for a variant the plan lacks" badlava "no variant 'tip'" \
	"  - {setup: lab, url: http://127.0.0.1:1, jobs: [1], variant: tip}"

# a night whose kernel does not build: the tree is no kernel tree
if command -v aarch64-linux-gnu-gcc > /dev/null; then
	plan "$P-build" next | sed "s|board: replay|board: qemu-smmuv3|; s|$tmp/nightly.db|$tmp/build.db|" > "$tmp/build.yaml"
	$OF nightly "$tmp/build.yaml" --night 2026-11-04 --init "$tmp/plan.yaml" > /dev/null 2> "$tmp/err"; rc=$?
	t "a night whose build fails: exit 1 (rc $rc)" test "$rc" -eq 1
	t "... stored as a build failure, with no boots" test "$(sqlite3 "$tmp/build.db" \
		"SELECT status, (SELECT count(*) FROM boots) FROM nights")" = "build-failed|0"
	$OF nightly diff "$tmp/build.yaml" > "$tmp/out"; rc=$?
	t "... and its diff says the build failed, exit 1 (rc $rc)" \
		bash -c "test $rc -eq 1 && grep -q 'build failed' '$tmp/out'"
else
	skip "a night whose build fails" "no aarch64-linux-gnu-gcc"
fi

# two nights at once, and a night killed with -9 that resumes
g commit -q --allow-empty -m four
list=$(printf "$C/%s.log:" warn clean clean); list=${list%:}
OOPSFARM_REPLAY_CONSOLE=$list $OF nightly "$tmp/plan.yaml" --night 2026-11-05 > /dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do
	k=$(sqlite3 "$tmp/nightly.db" "SELECT count(*) FROM boots b JOIN nights n ON n.campaign_id = b.campaign_id
		WHERE n.night = '2026-11-05'" 2> /dev/null)
	[ "${k:-0}" -ge 3 ] && break
	sleep 0.2
done
$OF nightly "$tmp/plan.yaml" --night 2026-11-06 2> "$tmp/err"; rc=$?
t "a second night while one runs: exit 3 (rc $rc)" test "$rc" -eq 3
t "... with a message naming the running night" \
	grep -q "another night of this plan is running (night 2026-11-05, pid $pid, since .*); two nights never run at once" "$tmp/err"
kill -9 $pid; wait $pid 2> /dev/null
k=$(sqlite3 "$tmp/nightly.db" "SELECT count(*) FROM boots b JOIN nights n ON n.campaign_id = b.campaign_id WHERE n.night = '2026-11-05'")
t "killed with -9 after $k of 12 boots: the night stays 'running'" \
	test "$(sqlite3 "$tmp/nightly.db" "SELECT status FROM nights WHERE night = '2026-11-05'")" = running
g commit -q --allow-empty -m five
OOPSFARM_REPLAY_CONSOLE=$list $OF nightly "$tmp/plan.yaml" --night 2026-11-05 > "$tmp/out" 2> "$tmp/err"; rc=$?
t "rerun resumes the night (rc $rc)" grep -q "resuming night 2026-11-05: $k boots stored" "$tmp/err"
t "... every boot index once, 12 in all, status done" test "$(sqlite3 "$tmp/nightly.db" "
	SELECT count(DISTINCT b.seq), count(*), n.status FROM boots b JOIN nights n ON n.campaign_id = b.campaign_id
	WHERE n.night = '2026-11-05' AND b.verdict != 'infra'")" = "12|12|done"
t "... at the commit the night started with, not the branch's new head" test "$(sqlite3 "$tmp/nightly.db" \
	"SELECT git_commit FROM nights WHERE night = '2026-11-05'")" = "$(g rev-parse next~1)"
echo "1..$n"
