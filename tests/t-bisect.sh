#!/bin/bash
# SPDX-License-Identifier: MIT
# oopsfarm bisect on a real git history of 16 commits with a fake board: the
# boot command prints real console captures.  From commit 9 on, a boot shows
# the target (lkdtm's WARNING) in about 1 boot of 3, chosen by a hash of the
# commit and the boot's seq, so the run is deterministic; any commit shows
# another title (lkdtm's BUG) in about 1 boot of 8 and fails as infra in 1
# of 10; commit 5 does not build.  Checks: the answer, every boot stored
# once, kill -9 and --resume giving the same answer as a straight run, and
# the bad-input messages and exit codes.
. "$(dirname "$0")/lib.sh"
OF=$(realpath "$OF")
tmp=$(mktemp -d)
bgpid=
. tests/board-sim/sim.sh
trap '[ -n "$bgpid" ] && kill -9 $bgpid 2>/dev/null; sim_stop; rm -rf "$tmp"' EXIT
body tests/fixtures/real72-lkdtm-warning.log >"$tmp/warn.log"
body tests/fixtures/real72-lkdtm-bug.log >"$tmp/bug.log"
body tests/fixtures/real72-clean-boot.log >"$tmp/clean.log"
T='WARNING in lkdtm_WARNING'

# the history: base, then commits 1..16; commit 9 brings the bug, 5 breaks the build
g="$tmp/tree"
git init -q "$g"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
echo 0 >"$g/rev"
git -C "$g" add rev && git -C "$g" commit -qm base
for i in $(seq 1 16); do
	echo $i >"$g/rev"
	msg="change $i"
	[ $i -eq 9 ] && { touch "$g/bug"; msg="lkdtm: warn at init"; }
	[ $i -eq 5 ] && touch "$g/broken"
	[ $i -eq 6 ] && rm "$g/broken"
	git -C "$g" add -A && git -C "$g" commit -qm "$msg"
done
git -C "$g" tag good HEAD~16
git -C "$g" tag bad HEAD
culprit=$(git -C "$g" rev-parse bad~7)
other=$(git init -q "$tmp/other" && cd "$tmp/other" && git commit -q --allow-empty -m x && git rev-parse HEAD)
git -C "$g" fetch -q "$tmp/other" "$other" 2>/dev/null

cat >"$tmp/boot" <<EOF
#!/bin/bash
h=\$(printf '%s %s' "\$OOPSFARM_COMMIT" "\$OOPSFARM_BOOT" | sha1sum | cut -c1-8)
h=\$((16#\$h))
[ -e "$tmp/stop-at" ] && [ "\$OOPSFARM_BOOT" -ge "\$(cat "$tmp/stop-at")" ] && { rm "$tmp/stop-at"; echo \$\$ >"$tmp/sleeper"; echo "\$OOPSFARM_BOOT" >"$tmp/stopped"; exec sleep 30; }
[ \$((h % 10)) -eq 0 ] && exit 1
[ \$((h / 10 % 8)) -eq 0 ] && { cat "$tmp/bug.log"; exit 0; }
[ -e bug ] && [ \$((h / 80 % 3)) -eq 0 ] && { cat "$tmp/warn.log"; exit 0; }
cat "$tmp/clean.log"
EOF
chmod +x "$tmp/boot"
build='test ! -e broken'
bis() { "$OF" bisect --tree "$g" --good good --bad bad --target "$T" --boot "$tmp/boot" --build "$build" \
	--good-vouched --build-cost 2 "$@"; }

# a straight run
out=$(bis --store "$tmp/a.db" --json 2>"$tmp/a.err"); rc=$?
t "a straight run exits 0" [ $rc -eq 0 ]
py() { local j=$1 c=$2; shift 2; python3 -c "import json,sys; r=json.loads(sys.argv[1]); $c" "$j" "$@"; }
t "it finds the commit that brings the warning at 0.95" py "$out" "sys.exit(not (r['decided'] and r['first_bad']=='$culprit' and r['probability']>=0.95))"
q() { sqlite3 "$1" "$2"; }
t "every boot is stored once, in order" [ "$(q "$tmp/a.db" "select count(*), max(seq)+1, count(distinct seq) from bisect_events")" = "$(q "$tmp/a.db" "select count(*), count(*), count(*) from bisect_events")" ]
boots=$(py "$out" "print(r['boots'])")
t "the boots it reports are the boots stored" [ "$boots" -eq "$(q "$tmp/a.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
t "other titles are stored with their title" [ "$(q "$tmp/a.db" "select count(*) from bisect_events where kind='other' and title='kernel BUG in lkdtm_BUG'")" -gt 0 ]
t "infra boots are stored, and retried" [ "$(q "$tmp/a.db" "select count(*) from bisect_events where kind='infra'")" -gt 0 ]
t "the commit that does not build is skipped" [ "$(q "$tmp/a.db" "select count(*) from bisect_events where kind='build-failed' and sha='$(git -C "$g" rev-parse bad~11)'")" -le 1 ]
t "progress goes to stderr" grep -q "^step: " "$tmp/a.err"

# the bisect tables are schema version 5, and 6 adds --measured (store_open's migrations)
"$OF" record --store "$tmp/new.db" --campaign c --variant v --setup s --uid u --target "$T" "$tmp/clean.log" >/dev/null
[ "$(q "$tmp/new.db" "pragma user_version")" -eq 6 ] && q "$tmp/new.db" "select boot_uid from bisect_events; select measured_boots from bisects" >/dev/null; t_last "a new store is version 6 with the bisect tables before any bisect"
# a v4 store that an older oopsfarm bisect wrote: its tables made on first use, no boot_uid
cp "$tmp/a.db" "$tmp/v3.db"
q "$tmp/v3.db" "create table ev3 as select bisect_id, seq, commit_idx, sha, kind, title, log_path, wall_ms, plan_boots, finished from bisect_events; drop table bisect_events;
create table bisect_events (bisect_id INTEGER NOT NULL REFERENCES bisects(id), seq INTEGER NOT NULL, commit_idx INTEGER NOT NULL, sha TEXT NOT NULL, kind TEXT NOT NULL, title TEXT, log_path TEXT, wall_ms INTEGER, plan_boots INTEGER, finished TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')), PRIMARY KEY (bisect_id, seq));
insert into bisect_events select * from ev3; drop table ev3;
create table b3 as select id, good, bad, target, tree, ncommits, created from bisects; drop table bisects;
create table bisects (id INTEGER PRIMARY KEY, good TEXT NOT NULL, bad TEXT NOT NULL, target TEXT NOT NULL, tree TEXT, ncommits INTEGER, created TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));
insert into bisects select * from b3; drop table b3; pragma user_version = 4;"
out3=$(bis --store "$tmp/v3.db" --resume --json 2>"$tmp/v3.err"); rc=$?
[ $rc -eq 0 ] && [ "$(q "$tmp/v3.db" "pragma user_version")" -eq 6 ] && [ "$(py "$out3" "r.pop('builds'); print(r)")" = "$(py "$out" "r.pop('builds'); print(r)")" ]; t_last "a v4 store with the old bisect tables migrates to 6, and --resume reads its events"
cp "$tmp/new.db" "$tmp/v3b.db"
q "$tmp/v3b.db" "drop table bisect_events; drop table bisects; pragma user_version = 4;"
"$OF" report --store "$tmp/v3b.db" >/dev/null 2>&1
[ "$(q "$tmp/v3b.db" "pragma user_version")" -eq 6 ] && q "$tmp/v3b.db" "select boot_uid from bisect_events; select measured_boots from bisects" >/dev/null; t_last "a v4 store without them migrates to 6 and gets them"

# oopsfarm report --bisect: the answer, the posterior now, how it moved
rep=$("$OF" report --store "$tmp/a.db" --bisect 2>"$tmp/e"); rc=$?
[ $rc -eq 0 ] && grep -q "^answer: first bad commit #9 ${culprit:0:12} at 0\.9" <<<"$rep"; t_last "report --bisect: exit 0, the answer the bisect gave"
rj=$("$OF" report --store "$tmp/a.db" --bisect --json)
t "report --bisect --json: the bisect's answer and probability" py "$rj" "a=json.loads(sys.argv[2]); sys.exit(not (r['first_bad']==a['first_bad']==r['commits'][8]['sha'] and abs(r['probability']-a['probability'])<1e-6 and r['decided']))" "$out"
t "report --bisect --json: a step per plan after the ends, each posterior sums to 1" py "$rj" "sys.exit(not (len(r['steps'])==1+$(q "$tmp/a.db" "select count(*) from bisect_events where kind='plan'") and all(abs(sum(s['posterior'])-1)<1e-4 and len(s['posterior'])==16 for s in r['steps'])))"
t "report --bisect --json: the steps' boots and infra are the stored boots" py "$rj" "sys.exit(not (sum(s['boots']+s['infra'] for s in r['steps'])==r['boots']+r['infra']==$(q "$tmp/a.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")))"
cp "$tmp/a.db" "$tmp/x.db"
q "$tmp/x.db" "update bisects set target = 'BUG: <script>alert(1)</script> & \"x\"'"
"$OF" report --store "$tmp/x.db" --bisect --html "$tmp/x.html" >/dev/null; rc=$?
[ $rc -eq 0 ] && ! grep -qiE '<script|src=|href="http' "$tmp/x.html" && [ "$(grep -o '<rect' "$tmp/x.html" | wc -l)" -eq $((16 * ($(q "$tmp/a.db" "select count(*) from bisect_events where kind='plan'") + 1))) ]; t_last "report --bisect --html: a self-contained page, a cell per step and commit"
t "report --bisect --html: text from the store is escaped" grep -q 'BUG: &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;' "$tmp/x.html"
"$OF" report --store "$tmp/new.db" --bisect 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "no bisect in" "$tmp/e"; t_last "report --bisect on a store without a bisect: exit 2, says so"

# kill -9 in the middle of a boot, then --resume: the same answer, nothing twice
echo 3 >"$tmp/stop-at"
# (exec: $! must be oopsfarm itself, not a subshell around it)
(exec "$OF" bisect --tree "$g" --good good --bad bad --target "$T" --boot "$tmp/boot" --build "$build" \
	--good-vouched --build-cost 2 --store "$tmp/b.db" --json >/dev/null 2>&1) &
bgpid=$!
for _ in $(seq 300); do [ -e "$tmp/stopped" ] && break; sleep 0.1; done
kill -9 $bgpid; wait $bgpid 2>/dev/null; bgpid=
before=$(q "$tmp/b.db" "select count(*) from bisect_events")
t "killed with -9 during a boot: the events before it stored" [ "$before" -gt 0 ]
kill -9 "$(cat "$tmp/sleeper")" 2>/dev/null
out2=$(bis --store "$tmp/b.db" --resume --json 2>"$tmp/b.err"); rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$tmp/b.err"; [ $rc -ne 0 ] && cat "$tmp/b.err"
[ $rc -eq 0 ] && grep -q "(resumed)" "$tmp/b.err"; t_last "--resume exits 0 and says it resumed"
# (the resumed run builds the commit in the tree again: one build more)
t "--resume gives the straight run's answer, posterior and boots" [ "$(py "$out2" "r.pop('builds'); print(r)")" = "$(py "$out" "r.pop('builds'); print(r)")" ]
bootseq="select group_concat(sha||kind, ' ') from bisect_events where kind in ('pass','target','other','infra') order by seq"
t "the resumed store holds the straight run's boots" [ "$(q "$tmp/b.db" "$bootseq")" = "$(q "$tmp/a.db" "$bootseq")" ]

# bad input
bis --store "$tmp/a.db" >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "already holds this bisect" "$tmp/e"; t_last "the same bisect again without --resume: exit 2"
"$OF" bisect --tree "$g" --good bad --bad good --target "$T" --boot "$tmp/boot" --store "$tmp/c.db" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "swapped" "$tmp/e"; t_last "good and bad swapped: exit 2, says so"
"$OF" bisect --tree "$g" --good "$other" --bad bad --target "$T" --boot "$tmp/boot" --store "$tmp/c.db" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "not an ancestor" "$tmp/e"; t_last "good not an ancestor of bad: exit 2"
bis --store "$tmp/a.db" --good HEAD~4 --resume >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "holds another bisect" "$tmp/e"; t_last "a store from another bisect: exit 2, names it"
bis --store "$tmp/d.db" --target "BUG: no such title" --end-boots 20 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 1 ] && grep -q "did not show 'BUG: no such title' in 20 boots" "$tmp/e"; t_last "a bad end that never shows the target: exit 1"
bis --store "$tmp/f.db" --build false >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "bad end .* does not build" "$tmp/e"; t_last "a tree that does not build at the bad end: exit 2"
bis --store "$tmp/h.db" --good-boots 3 --build true >/dev/null 2>"$tmp/e"; rc=$?
t "the good end is booted unless vouched" [ "$(q "$tmp/h.db" "select count(*) from bisect_events where commit_idx=0 and kind in ('pass','other')")" -ge 3 ]
bis --store "$tmp/i.db" --max-boots 30 --json >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && py "$(cat "$tmp/o")" "sys.exit(r['decided'] or len(r['top'])<2 or r['first_bad'] is not None or not r['range_hi'])"; t_last "out of budget is not an error: exit 0, undecided (no first_bad, the leading range), posterior shown"
timeout 60 "$OF" bisect --tree "$g" --good good --bad bad --target "$T" --boot "$tmp/boot" --build "$build" \
	--good-boots 3 --max-boots 2 --store "$tmp/j.db" --json >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && py "$(cat "$tmp/o")" "sys.exit(r['decided'] or r['boots'] != 2)"; t_last "budget spent at the good end: exit 0, undecided, not a hang"
"$OF" bisect --good a 2>/dev/null; rc=$?
t "missing options: exit 2" [ $rc -eq 2 ]

# --measured C/N: the bad end's rate measured before the bisect (the run that
# found the crash; here about 0.29 of the boots without infra show the target)
outm=$(bis --store "$tmp/m.db" --measured 35/120 --json 2>"$tmp/m.err"); rc=$?
[ $rc -eq 0 ] && py "$outm" "sys.exit(not (r['decided'] and r['first_bad']=='$culprit' and r['measured_boots']==120 and r['measured_crashes']==35))"; t_last "--measured 35/120: the same commit at 0.95, the measurement in its JSON"
t "--measured: stored with the bisect, its boots not counted as boots" [ "$(q "$tmp/m.db" "select measured_crashes||'/'||measured_boots from bisects")" = 35/120 -a "$(py "$outm" "print(r['boots'])")" -eq "$(q "$tmp/m.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
t "--measured: the bad end is still booted until this build shows the target" [ "$(q "$tmp/m.db" "select count(*) from bisect_events where commit_idx=16 and kind='target'")" -ge 1 ]
echo "# boots: $boots without --measured, $(py "$outm" "print(r['boots'])") with 35/120"
rm=$("$OF" report --store "$tmp/m.db" --bisect --json)
t "report --bisect: the measurement, and the same answer" py "$rm" "a=json.loads(sys.argv[2]); sys.exit(not (r['measured_boots']==120 and r['measured_crashes']==35 and r['first_bad']==a['first_bad'] and abs(r['probability']-a['probability'])<1e-6))" "$outm"
"$OF" report --store "$tmp/m.db" --bisect | grep -q "measured before the bisect: the target in 35 of 120 boots"; t_last "report --bisect says what was measured before"
outm2=$(bis --store "$tmp/m.db" --resume --json 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$(py "$outm2" "print(r['measured_boots'], r['first_bad'])")" = "120 $culprit" ]; t_last "--resume without --measured uses the stored measurement"
bis --store "$tmp/m.db" --resume --measured 1/120 >/dev/null 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "with --measured 35/120, not 1/120" "$tmp/e"; t_last "--resume with another --measured: exit 2, names the stored one"
for bad in 5/3 0/0 x 3/ /3 -1/5 3/-5 '3/5 '; do
	bis --store "$tmp/m2.db" --measured "$bad" >/dev/null 2>"$tmp/e"; rc=$?
	[ $rc -eq 2 ] && grep -q "\-\-measured needs CRASHES/BOOTS" "$tmp/e" && [ ! -e "$tmp/m2.db" ]; t_last "--measured '$bad': exit 2, says the form, no store"
done

# --boards 3 with the boot command: rounds of 3 runs at once, each told its board
mkdir "$tmp/running"
cat >"$tmp/boot3" <<EOF
#!/bin/bash
touch "$tmp/running/\$\$"
ls "$tmp/running" | wc -l >>"$tmp/conc"
echo "\$OOPSFARM_BOARD \$OOPSFARM_BOOT" >>"$tmp/boards"
sleep 0.3
rm "$tmp/running/\$\$"
exec "$tmp/boot"
EOF
chmod +x "$tmp/boot3"
out=$("$OF" bisect --tree "$g" --good good --bad bad --target "$T" --boot "$tmp/boot3" --build "$build" \
	--good-vouched --build-cost 2 --boards 3 --store "$tmp/k.db" --json 2>"$tmp/k.err"); rc=$?
[ $rc -eq 0 ] && py "$out" "sys.exit(not (r['decided'] and r['first_bad']=='$culprit'))"; t_last "--boards 3: it finds the same commit at 0.95"
t "--boards 3: three boot commands ran at once, boards 0, 1 and 2" [ "$(sort -n "$tmp/conc" | tail -1)" -eq 3 -a "$(cut -d' ' -f1 "$tmp/boards" | sort -u | tr -d '\n')" = 012 ]
t "--boards 3: every boot command run is one stored boot" [ "$(wc -l <"$tmp/boards")" -eq "$(q "$tmp/k.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
t "--boards 3: each plan is a multiple of 3 boots" [ "$(q "$tmp/k.db" "select count(*) from bisect_events where kind='plan' and plan_boots % 3 != 0")" -eq 0 ]
"$OF" bisect --tree "$g" --good good --bad bad --target "$T" --boot "$tmp/boot" --boards 0 --store "$tmp/k0.db" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "from 1 to 64" "$tmp/e"; t_last "--boards 0: exit 2, says the range"

# through the farm loop on a campaign's board (the replay board: its kernel is
# the list of consoles it plays, written by the build command per commit)
cat >"$tmp/c.yaml" <<EOF
campaign: t-bisect
target: "$T"
variants:
  - name: any
setups:
  - name: r1
    board: replay
boots: 1
EOF
cat >"$tmp/fbuild" <<EOF
#!/bin/bash
test ! -e broken || exit 1
l="$tmp/clean.log:$tmp/bug.log:$tmp/clean.log"
[ -e bug ] && l="$tmp/clean.log:$tmp/warn.log:$tmp/bug.log"
[ "\$(cat rev)" = 16 ] && l="$tmp/missing.log:\$l"
echo "\$l" >"\$OOPSFARM_OUT/Image"
EOF
chmod +x "$tmp/fbuild"
fbis() { "$OF" bisect --tree "$g" --good good --bad bad --campaign "$tmp/c.yaml" --build "$tmp/fbuild" \
	--good-vouched --build-cost 2 --no-agent "$@"; }
out=$(fbis --boards 2 --store "$tmp/f2.db" --json 2>"$tmp/f2.err"); rc=$?
[ $rc -ne 0 ] && sed 's/^/# /' "$tmp/f2.err"
[ $rc -eq 0 ] && py "$out" "sys.exit(not (r['decided'] and r['first_bad']=='$culprit'))"; t_last "farm loop, replay board, 2 boards: it finds the commit at 0.95"
revisits=$(q "$tmp/f2.db" "select count(*) from (select commit_idx from bisect_events where kind='plan' group by commit_idx having count(*) > 1)")
[ "$revisits" -gt 0 ] && [ "$(q "$tmp/f2.db" "select count(*) from bisect_events where kind='built'")" -eq "$(q "$tmp/f2.db" "select count(distinct sha) from bisect_events where kind='built'")" ] && grep -q "the kernel it built before" "$tmp/f2.err"; t_last "farm loop: the bisect came back to $revisits commits and built none again (their kernels are kept)"
ev() { q "$tmp/f2.db" "select count(*) from bisect_events where $1"; }
bt() { q "$tmp/f2.db" "select count(*) from boots where campaign_id = (select id from campaigns where name = 'bisect-1') and $1"; }
[ "$(ev "kind in ('pass','target','other','infra')")" -eq "$(bt 1)" ] && [ "$(bt 1)" -gt 0 ]; t_last "farm loop: every boot is one row of the boots table and one bisect event"
t "farm loop: target events are the boots the verdict rule counted for the target" [ "$(ev "kind='target'")" -eq "$(bt "verdict='crash' and target_hit=1")" ]
t "farm loop: other titles are crashes, stored with their title, not evidence" [ "$(ev "kind='other' and title='kernel BUG in lkdtm_BUG'")" -eq "$(bt "verdict='crash' and target_hit=0")" ]
[ "$(ev "kind='infra'")" -ge 1 ] && [ "$(ev "kind='infra'")" -eq "$(bt "verdict='infra'")" ]; t_last "farm loop: a board that cannot boot is infra, stored and retried"
t "farm loop: each boot's console is kept compressed" [ -s "$(q "$tmp/f2.db" "select log_path from bisect_events where kind='target' limit 1")" ]
t "farm loop: one variant per commit booted, named by its sha" [ "$(q "$tmp/f2.db" "select count(*) from variants where length(name)=12")" -eq "$(q "$tmp/f2.db" "select count(distinct sha) from bisect_events where kind in ('pass','target','other','infra')")" ]
# the farm loop killed with -9 mid-bisect, then --resume: no boot counted twice
(exec "$OF" bisect --tree "$g" --good good --bad bad --campaign "$tmp/c.yaml" --build "$tmp/fbuild" \
	--good-vouched --build-cost 2 --no-agent --boards 2 --store "$tmp/f5.db" --json >/dev/null 2>&1) &
bgpid=$!
for _ in $(seq 600); do
	[ "$(q "$tmp/f5.db" "select count(*) from bisect_events where kind in ('pass','target','other')" 2>/dev/null || echo 0)" -ge 12 ] && break
	sleep 0.05
done
kill -9 $bgpid; wait $bgpid 2>/dev/null; bgpid=
killed=$(q "$tmp/f5.db" "select count(*) from bisect_events")
out5=$(fbis --boards 2 --store "$tmp/f5.db" --resume --json 2>"$tmp/f5.err"); rc=$?
[ $rc -eq 0 ] && grep -q "(resumed)" "$tmp/f5.err" && py "$out5" "sys.exit(not (r['decided'] and r['first_bad']=='$culprit'))"; t_last "farm loop: killed with -9 after $killed events, --resume finds the commit"
t "farm loop: after the kill, every boot event names its own boots row, none twice" [ "$(q "$tmp/f5.db" "select count(distinct e.boot_uid) from bisect_events e join boots b on b.boot_uid = e.boot_uid")" -eq "$(q "$tmp/f5.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
t "farm loop: the boots the bisect reports are its boot events" [ "$(py "$out5" "print(r['boots'])")" -eq "$(q "$tmp/f5.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
# killed between the farm's boot row and the bisect's event for it (made
# exactly: the last boot event of a finished run taken out): --resume counts
# that boot from its stored verdict, once
cp "$tmp/f2.db" "$tmp/f7.db"
q "$tmp/f7.db" "delete from bisect_events where seq = (select max(seq) from bisect_events where boot_uid is not null)"
out7=$(fbis --boards 2 --store "$tmp/f7.db" --resume --json 2>"$tmp/f7.err"); rc=$?
[ $rc -eq 0 ] && grep -q "1 boot stored by the farm and not yet counted" "$tmp/f7.err" && [ "$(q "$tmp/f7.db" "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" -eq "$(q "$tmp/f7.db" "select count(*) from boots where campaign_id = (select id from campaigns where name = 'bisect-1')")" ]
t_last "farm loop: a boot stored by the farm but not by the bisect is counted on --resume, once"
[ "$(py "$out7" "r.pop('builds'); print(r)")" = "$(py "$out" "r.pop('builds'); print(r)")" ]
t_last "farm loop: ... and the answer and boots are the straight run's"
# (a relative --store: the build command runs in the tree and gets $OOPSFARM_OUT absolute)
out6=$(cd "$tmp" && fbis --store f6.db --target 'kernel BUG in lkdtm_BUG' --json 2>/dev/null)
py "$out6" "sys.exit(not (r['decided'] and r['first_bad']=='$(git -C "$g" rev-parse bad~15)'))" && [ "$(q "$tmp/f6.db" "select count(*) from bisect_events where kind='target' and title != 'kernel BUG in lkdtm_BUG'")" -eq 0 ]; t_last "farm loop: --target over the campaign's: evidence is that title (every commit shows it: #1)"
# a desk board through the farm loop (tests/board-sim: a pty console and a
# power command): the build command "installs" the commit on the board (the
# consoles it will play), the farm powers it on per boot
if command -v socat >/dev/null; then
	mkdir "$tmp/sim"
	sim_start "$tmp/sim"
	export OOPSFARM_LOCK_DIR=$tmp
	cat >"$tmp/d.yaml" <<EOF
campaign: t-bisect-desk
target: "$T"
variants: [{name: any}]
setups: [{name: desk, board: "$tmp/sim/desk.yaml"}]
boots: 1
timeouts: {start: 10, kernel: 30, agent_begin: 30, settle: 0.5, idle: 2}
EOF
	cat >"$tmp/dbuild" <<EOF
#!/bin/bash
test ! -e broken || exit 1
l=$PWD/tests/fixtures/real72-clean-boot.log
[ -e bug ] && l=$PWD/tests/fixtures/real72-lkdtm-warning.log
for i in \$(seq 64); do echo "\$l"; done >"$tmp/sim/list"
echo 0 >"$tmp/sim/count"
echo "\$OOPSFARM_COMMIT" >>"$tmp/installed"
echo desk >"\$OOPSFARM_OUT/Image"
EOF
	chmod +x "$tmp/dbuild"
	"$OF" bisect --tree "$g" --good good --bad bad --campaign "$tmp/d.yaml" --build "$tmp/dbuild" --good-vouched \
		--build-cost 2 --no-agent --max-boots 6 --store "$tmp/desk.db" --json >"$tmp/d.out" 2>"$tmp/d.err"; rc=$?
	[ $rc -ne 0 ] && tail -5 "$tmp/d.err" | sed 's/^/# /'
	dq() { q "$tmp/desk.db" "$1"; }
	[ $rc -eq 0 ] && py "$(cat "$tmp/d.out")" "sys.exit(r['boots'] < 6)"; t_last "desk board: a bisect within 6 boots exits 0 with its posterior"
	[ "$(grep -c '^on ' "$tmp/sim/power.log")" -eq "$(dq "select count(*) from boots where board='desk'")" ] && [ "$(dq "select count(*) from boots")" -eq "$(dq "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]; t_last "desk board: powered on once per boot, each boot a boots row on the desk kind"
	[ "$(dq "select count(*) from bisect_events where kind='target' and commit_idx < 9")" -eq 0 ] && [ "$(dq "select count(*) from bisect_events where kind='target' and commit_idx >= 9")" -gt 0 ]; t_last "desk board: the target only at the commits that bring it"
	sim_stop
else
	skip "desk board: a bisect" "socat is not installed"
fi
fbis --store "$tmp/f3.db" --setup nope 2>"$tmp/e" >/dev/null; rc=$?
[ $rc -eq 2 ] && grep -q "has no setup 'nope'" "$tmp/e"; t_last "farm loop: a setup the campaign lacks: exit 2, names it"
"$OF" bisect --tree "$g" --good good --bad bad --campaign "$tmp/c.yaml" --store "$tmp/f4.db" 2>"$tmp/e"; rc=$?
[ $rc -eq 2 ] && grep -q "needs --build" "$tmp/e"; t_last "farm loop without --build: exit 2, says why"

# git bisect run with oopsfarm bisect step as the test (exit 0 good, 1 bad, 125 skip)
step() { (cd "$g" && "$OF" bisect step --target "$T" --boot "$tmp/boot" --build "$build" --rate 0.2 --logs "$tmp/step-logs" "$@"); }
git -C "$g" checkout -q --detach bad; step >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 1 ] && grep -q "^bad: " "$tmp/o"; t_last "bisect step at the bad end: exit 1, says bad"
git -C "$g" checkout -q --detach good; step >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && grep -q "^good: .*, 14 boots" "$tmp/o"; t_last "bisect step at the good end: exit 0 after 14 boots without the target"
git -C "$g" checkout -q --detach bad~11; step >"$tmp/o" 2>/dev/null; rc=$?
[ $rc -eq 125 ] && grep -q "^skip: .* does not build" "$tmp/o"; t_last "bisect step where it does not build: exit 125 (skip)"
step --rate 2 >/dev/null 2>"$tmp/e"; rc=$?
t "bisect step with a bad option: exit 255, which stops git bisect run" [ $rc -eq 255 ]
git -C "$g" bisect start bad good >/dev/null
(cd "$g" && git bisect run "$OF" bisect step --target "$T" --boot "$tmp/boot" --build "$build" --rate 0.2 \
	--logs "$tmp/step-logs") >"$tmp/gb" 2>&1
t "git bisect run with bisect step finds the commit that brings the warning" grep -q "^$culprit is the first bad commit" "$tmp/gb"
grep -q "^$culprit is the first bad commit" "$tmp/gb" || grep -v "^  boot" "$tmp/gb" | sed 's/^/# /'
git -C "$g" bisect reset -q 2>/dev/null || git -C "$g" bisect reset >/dev/null 2>&1
echo "1..$n"
