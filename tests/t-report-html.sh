#!/bin/bash
# SPDX-License-Identifier: MIT
# The reports people share: `oopsfarm report --junit` checked by real XML
# parsers, and `--html` (rates, escaped titles, links to local logs and LAVA
# jobs, the sequential path per setup) rendered in headless Chromium, whose
# screenshot must not be blank.  The store mixes local boots recorded from
# real console logs with LAVA boots inserted the way the collector stores
# them, and a crash title full of < > & and quotes.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the page, its logs and the screenshot are kept under build/ to look at
W=build/t-report-html
rm -rf "$W"; mkdir -p "$W/logs"
body tests/fixtures/real-arm64-race-platform-dma-configure.log > "$W/logs/race.log"
body tests/fixtures/real72-clean-boot.log > "$W/logs/clean.log"
body tests/fixtures/real72-lkdtm-warning.log > "$W/logs/warn.log"
printf 'LAVA job 4242: the console as the collector kept it\n' > "$W/logs/lava-4242.log"
T='BUG: unable to handle kernel NULL pointer dereference in platform_dma_configure'
S=$W/s.db
rec() { $OF record --store "$S" --campaign demo --target "$T" "$@" > /dev/null; }

# setup smp2 (the consoles have no agent BEGIN line: its cells are "smp2 (no
# agent)", as in every report), boots interleaved: unpatched crashes 3 times (u1-u3), warns
# once (u9), has an infra error (u10) and a hang (u11); shipped never crashes
i=0
for f in race race race clean clean clean clean clean warn; do
	i=$((i + 1))
	rec --setup smp2 --variant unpatched --uid "u$i" --seq $((i - 1)) "$W/logs/$f.log"
	rec --setup smp2 --variant shipped --uid "s$i" --seq $((i - 1)) "$W/logs/clean.log"
done
rec --setup smp2 --variant unpatched --uid u10 --seq 9 --infra "console never opened" "$W/logs/clean.log"
rec --setup smp2 --variant shipped --uid s10 --seq 9 "$W/logs/clean.log"
rec --setup smp2 --variant unpatched --uid u11 --seq 10 --hang "$W/logs/clean.log"
rec --setup smp2 --variant shipped --uid s11 --seq 10 "$W/logs/clean.log"
# a second setup: never pooled with the first
rec --setup smp4 --variant unpatched --uid p1 --seq 0 "$W/logs/race.log"
rec --setup smp4 --variant shipped --uid q1 --seq 0 "$W/logs/clean.log"
# LAVA boots as the collector stores them (source lava, the job's id, the
# server in lava_jobs, agent 0: no BEGIN line on their consoles, as on the
# recorded ones, so they share their cells): a crash whose title needs escaping (and a byte that
# is not UTF-8), and a pass
H="KASAN: slab-out-of-bounds Read in <lambda> & \"quoted\" 'x'"
sqlite3 "$S" <<EOF
INSERT INTO lava_jobs (campaign_id, server, job_id, boots) SELECT id, 'https://lava.example.org/', 4242, 1 FROM campaigns;
INSERT INTO lava_jobs (campaign_id, server, job_id, boots) SELECT id, 'lava.example.org/api/v0.2/', 4243, 1 FROM campaigns;
INSERT INTO boots (boot_uid, campaign_id, variant_id, setup_id, seq, verdict, target_hit, wall_ms, log_path, source, board, lava_job_id, agent)
  SELECT 'lava-4242.0', c.id, v.id, s.id, 11, 'crash', 0, 2500, '$W/logs/lava-4242.log', 'lava', 'qemu-smmuv3-01', 4242, 0
  FROM campaigns c JOIN variants v ON v.campaign_id = c.id AND v.name = 'unpatched' JOIN setups s ON s.campaign_id = c.id AND s.name = 'smp2';
INSERT INTO boots (boot_uid, campaign_id, variant_id, setup_id, seq, verdict, target_hit, wall_ms, log_path, source, board, lava_job_id, agent)
  SELECT 'lava-4243.0', c.id, v.id, s.id, 11, 'pass', 0, 2400, '$W/logs/clean.log', 'lava', 'qemu-smmuv3-02', 4243, 0
  FROM campaigns c JOIN variants v ON v.campaign_id = c.id AND v.name = 'shipped' JOIN setups s ON s.campaign_id = c.id AND s.name = 'smp2';
INSERT INTO crashes (boot_id, ord, title, kind, frame, corrupted) SELECT id, 0, '${H//\'/\'\'}', 'kasan', 'lambda', 0 FROM boots WHERE boot_uid = 'lava-4242.0';
INSERT INTO crashes (boot_id, ord, title, kind, frame, corrupted) SELECT id, 1, CAST(X'5741524e494e4720696e20ff626164' AS TEXT), 'warning', NULL, 1 FROM boots WHERE boot_uid = 'lava-4242.0';
EOF

text=$($OF report --store "$S"); rc1=$?
$OF report --store "$S" --junit "$W/report.xml" --html "$W/report.html" > "$tmp/out" 2> "$tmp/err"; rc=$?
[ $rc1 -eq 0 ] && [ $rc -eq 0 ] && [ -s "$W/report.xml" ] && [ -s "$W/report.html" ]; t_last "report --junit --html exits 0 and writes both"
t "the text report is unchanged by the file options" [ "$text" = "$(cat "$tmp/out")" ]
t "no temporary file is left" [ -z "$(ls "$W" | grep '\.tmp$')" ]

# ---- JUnit ----
t "junit: well-formed for xmllint" xmllint --noout "$W/report.xml"
cat > "$tmp/junit.py" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
target, hostile = sys.argv[2], sys.argv[3]
check = sys.argv[4]
suites = {s.get("name"): s for s in root.iter("testsuite")}
def case(uid):
    return [c for c in root.iter("testcase") if c.get("name") == uid][0]
def props(s):
    return {p.get("name"): p.get("value") for p in s.iter("property")}
ok = False
if check == "suites":
    # one suite per variant and setup, one case per boot (infra included)
    ok = (sorted(suites) == ["shipped on smp2 (no agent)", "shipped on smp4 (no agent)", "unpatched on smp2 (no agent)", "unpatched on smp4 (no agent)"]
          and len(suites["unpatched on smp2 (no agent)"].findall("testcase")) == 12
          and suites["unpatched on smp2 (no agent)"].get("tests") == "12"
          and suites["unpatched on smp2 (no agent)"].get("failures") == "6"   # 3 targets, warn, hang, LAVA crash
          and suites["unpatched on smp2 (no agent)"].get("skipped") == "1"
          and root.get("tests") == "26" and root.get("failures") == "7" and root.get("skipped") == "1")
elif check == "order":
    names = [c.get("name") for c in suites["unpatched on smp2 (no agent)"].findall("testcase")]
    ok = names == ["u%d" % i for i in range(1, 12)] + ["lava-4242.0"]
elif check == "crash":
    f = case("u1").find("failure")
    ok = f is not None and f.get("type") == "crash" and target in f.get("message") and "the target" in f.text
elif check == "hostile":
    # the title parses back exactly; the byte that was not UTF-8 is U+FFFD
    f = case("lava-4242.0").find("failure")
    ok = f.get("message") == hostile + "; WARNING in \ufffdbad" and "corrupted" in f.text
elif check == "hang":
    f = case("u11").find("failure")
    ok = f is not None and f.get("type") == "hang" and case("u11").find("skipped") is None
elif check == "infra":
    s = case("u10").find("skipped")
    ok = s is not None and "console never opened" in s.get("message") and case("u10").find("failure") is None
elif check == "pass":
    c = case("s1")
    ok = c.find("failure") is None and c.find("skipped") is None and "log: build/t-report-html/logs/clean.log" in c.find("system-out").text
elif check == "lava":
    ok = ("lava job: https://lava.example.org/scheduler/job/4242" in case("lava-4242.0").find("system-out").text
          and "lava job: https://lava.example.org/scheduler/job/4243" in case("lava-4243.0").find("system-out").text)
elif check == "props":
    p = props(suites["unpatched on smp2 (no agent)"])
    ok = (p["target"] == target and p["target_failures"] == "3" and p["boots_counted"] == "11"
          and p["target_rate_ci95"] == "[9.7%, 56.6%]" and p["sources"] == "local 11, lava 1")
sys.exit(0 if ok else 1)
EOF
jx() { python3 "$tmp/junit.py" "$W/report.xml" "$T" "$H" "$1"; }
t "junit: parses in python, a testsuite per variant and setup, a testcase per boot" jx suites
t "junit: testcases in boot order" jx order
t "junit: a crash is a <failure> with its titles" jx crash
t "junit: a title with < > & and quotes comes back intact" jx hostile
t "junit: a hang is <failure type=\"hang\">" jx hang
t "junit: an infra error is <skipped> with its reason" jx infra
t "junit: a pass has neither, and names its log" jx pass
t "junit: LAVA boots link their job (server normalised)" jx lava
t "junit: suite properties carry the rate and its Wilson interval" jx props

# ---- HTML: content ----
P=$W/report.html
has() { grep -qF -- "$1" "$P"; }
# hand figures: unpatched on smp2 has 11 counted boots (u10 is infra), 3 target
# failures: 27.3%, Wilson [9.7%, 56.6%]; shipped 0 of 12: Fisher p =
# C(11,3)/C(23,3) = 165/1771 = 0.0932 (the 0-of-11 table, 220/1771, is more
# likely), detection bound 1 - 0.01^(1/12) = 31.9%
t "html: campaign and target" bash -c "grep -qF '<h1>Campaign demo</h1>' '$P' && grep -qF '$T' '$P'"
t "html: the rate and its Wilson interval" bash -c "grep -qF '>27.3%<' '$P' && grep -qF '[9.7%, 56.6%]' '$P'"
t "html: Fisher p against the worst, detection bound" bash -c "grep -qF '>0.0932<' '$P' && grep -qF '>31.9%<' '$P'"
t "html: hangs and infra errors apart, with the reason" bash -c "grep -qF 'console never opened' '$P' && grep -q '<td class=\"n infra\">1</td>' '$P' && grep -q '<td class=\"n hang\">1</td>' '$P'"
t "html: where boots ran, per cell" has "local 11, LAVA 1"
t "html: the title is escaped" has "KASAN: slab-out-of-bounds Read in &lt;lambda&gt; &amp; &quot;quoted&quot; &#39;x&#39;"
t "html: no raw markup from the store" bash -c "! grep -qF '<lambda>' '$P'"
t "html: crash titles with counts (the panic in 3 boots)" grep -qE 'kernel panic: Oops: Fatal exception<.*<td class="n">3</td>' "$P"
t "html: a link to the first boot's log, relative to the page" has 'href="logs/race.log"'
t "html: a link to the LAVA job" has 'href="https://lava.example.org/scheduler/job/4242"'
cat > "$tmp/links.py" <<'EOF'
import os, sys
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.bad = []; s.n = 0
    def handle_starttag(s, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "link", "img", "iframe", "object", "embed") or "src" in a:
            s.bad.append(tag)
        h = a.get("href")
        if h is None or tag != "a":
            return
        s.n += 1
        if h.startswith("https://lava.example.org/"):
            return
        if "://" in h or h.startswith("/") or not os.path.exists(os.path.join(os.path.dirname(sys.argv[1]), h)):
            s.bad.append(h)
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
if p.bad or p.n < 3:
    print("# bad:", p.bad, "links:", p.n)
sys.exit(1 if p.bad or p.n < 3 else 0)
EOF
t "html: self-contained, every log link resolves from the page" python3 "$tmp/links.py" "$P"
t "html: one chart per setup" [ "$(grep -c '<svg [^>]*class="chart"' "$P")" -eq 2 ]
t "html: no sequential panel without a sequential rule" bash -c "! grep -qF 'log-likelihood ratio' '$P'"
# the hook: a campaign run with --until gets its SPRT path under each chart
sqlite3 "$S" "UPDATE campaigns SET until = 'compare control=unpatched treatment=shipped ratio=0.2 alpha=0.01 beta=0.05 max_boots=400'"
$OF report --store "$S" --html "$W/report.html" > /dev/null
t "html: the sequential path and its two decision bounds with a rule" bash -c "grep -qF 'SPRT log-likelihood ratio after each pair of shipped and unpatched' '$P' && [ \$(grep -c 'stroke-dasharray' '$P') -eq 4 ] && grep -qF 'Sequential verdict: ' '$P'"
$OF report --store "$S" --html "$tmp/nodir/x.html" > /dev/null 2>&1
t "html: an unwritable page is an infra error" [ $? -eq 3 ]

# ---- HTML: rendered by Chromium ----
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
	for d in "DOM has the table and the charts" "screenshot is a non-blank PNG"; do skip "chromium: $d" "chromium not installed (make deps)"; done
	exit 0
fi
url="file://$(realpath "$P")"
# dbus, GPU and sandbox noise goes to stderr; a hung browser is killed
chrome() {
	timeout -k 5 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
		--no-first-run --no-default-browser-check --disable-extensions --hide-scrollbars \
		--user-data-dir="$tmp/profile" "$@" "$url" < /dev/null 2>> "$tmp/chromium.err"
}
chrome --dump-dom > "$tmp/dom.html" || chrome --dump-dom > "$tmp/dom.html"
t "chromium: DOM has the table and the charts" bash -c "grep -q '<table class=\"rates\"' '$tmp/dom.html' && [ \$(grep -c '<svg [^>]*class=\"chart\"' '$tmp/dom.html') -eq 2 ] && grep -q '<polyline' '$tmp/dom.html'"
rm -f "$W/report.png"
chrome --screenshot="$W/report.png" --window-size=1200,1600 > /dev/null ||
	chrome --screenshot="$W/report.png" --window-size=1200,1600 > /dev/null
cat > "$tmp/png.py" <<'EOF'
# a PNG decoder small enough to read here: not blank means many colours and ink
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat = 8, b""
while pos < len(d):
    ln, typ = struct.unpack(">I4s", d[pos:pos + 8])
    if typ == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", d[pos + 8:pos + 21])
    elif typ == b"IDAT":
        idat += d[pos + 8:pos + 8 + ln]
    pos += 12 + ln
assert depth == 8 and ctype in (2, 6) and not interlace
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, colours, ink = bytearray(stride), set(), 0
for y in range(h):
    ft, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    if ft == 1:
        for i in range(bpp, stride): row[i] = (row[i] + row[i - bpp]) & 255
    elif ft == 2:
        row = bytearray((a + b) & 255 for a, b in zip(row, prev))
    elif ft == 3:
        for i in range(stride): row[i] = (row[i] + ((row[i - bpp] if i >= bpp else 0) + prev[i]) // 2) & 255
    elif ft == 4:
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = row
    if y % 4 == 0:
        for x in range(0, stride, bpp * 2):
            px = bytes(row[x:x + 3]); colours.add(px); ink += px != b"\xff\xff\xff"
samples = (h + 3) // 4 * ((w + 1) // 2)
print("# screenshot %dx%d: %d colours, %.1f%% not white" % (w, h, len(colours), 100.0 * ink / samples))
sys.exit(0 if (w, h) == (1200, 1600) and len(colours) > 20 and ink > samples // 100 else 1)
EOF
t "chromium: screenshot is a non-blank PNG" bash -c "[ \$(stat -c %s '$W/report.png' 2>/dev/null || echo 0) -gt 20000 ] && python3 '$tmp/png.py' '$W/report.png'"
echo "# screenshot: $W/report.png"
