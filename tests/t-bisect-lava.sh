#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: lava qemu
#
# oopsfarm bisect with its steps on a real LAVA (tests/lava/lava-stack.sh:
# lava-server, lava-dispatcher and PostgreSQL on 127.0.0.1, two qemu
# SMMUv3 devices).  A 4-commit git history whose build command leaves the
# cached board kernel in $OOPSFARM_OUT; from commit 3 on it also leaves a
# cmdline file that makes the agent provoke lkdtm's WARNING, so every boot
# from there shows the target and the answer is known.  Checks: the answer;
# every boot of every job a boots row (source lava) and a bisect event,
# once; kill -9 in the middle of a step, then --resume: the jobs the store
# has are waited for, a job the server accepted but the store lost is
# adopted, none is submitted twice; a missing template and an unreachable
# server.  About 3 minutes with packages and the kernel cached.
. "$(dirname "$0")/lib.sh"
STACK=tests/lava/lava-stack.sh
skip_all() { echo "ok 1 - bisect on lava # SKIP $1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (PostgreSQL and the LAVA worker)"
dpkg-query -W -f='${Status}' lava-server 2>/dev/null | grep -q 'install ok installed' ||
	skip_all "lava-server is not installed (make deps, or tests/t-lava.sh installs it)"
OF=$(realpath "$OF")
tmp=$(mktemp -d /tmp/t-bisect-lava.XXXXXX)
chmod 755 "$tmp" # PostgreSQL runs as postgres in $tmp/stack
state=$tmp/stack bgpid=
cleanup() {
	[ -n "$bgpid" ] && kill -9 "$bgpid" 2>/dev/null
	bash $STACK down "$state" >/dev/null 2>&1
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
board_kernel "$tmp"
K=$(realpath "$K")
t0=$SECONDS

# the history: base, then commits 1..4; commit 3 brings the WARNING
g=$tmp/tree
git init -q "$g"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t
export GIT_AUTHOR_DATE='2026-01-01T00:00:00Z' GIT_COMMITTER_DATE='2026-01-01T00:00:00Z'
echo 0 >"$g/rev"
git -C "$g" add rev && git -C "$g" commit -qm base
for i in 1 2 3 4; do
	echo $i >"$g/rev"
	[ $i -eq 3 ] && echo 'oopsfarm.provoke=WARNING oopsfarm.provoke_wait_ms=500' >"$g/cmdline"
	git -C "$g" add -A && git -C "$g" commit -qm "change $i"
done
git -C "$g" tag good HEAD~4
git -C "$g" tag bad HEAD
culprit=$(git -C "$g" rev-parse bad~1)
cat >"$tmp/build" <<EOB
#!/bin/bash
cp -rsf "$K/." "\$OOPSFARM_OUT/" && rm -f "\$OOPSFARM_OUT/cmdline"
[ ! -e cmdline ] || cp cmdline "\$OOPSFARM_OUT/cmdline"
EOB
chmod +x "$tmp/build"
cat >"$tmp/c.yaml" <<YAML
campaign: t-bisect-lava
target: "WARNING in lkdtm_WARNING"
variants:
  - name: unused
setups:
  - name: smp2
    vcpus: 2
boots: 1
agent: "settle_ms=100"
YAML
echo not-a-token >"$tmp/token"
A=(bisect --tree "$g" --good good --bad bad --campaign "$tmp/c.yaml" --build "$tmp/build"
	--good-vouched --confidence 0.9 --build-cost 0 --end-boots 4 --boards 2 --boots-per-job 2)
bis() { "$OF" "${A[@]}" "$@"; }

# bad input, before the stack: no template for the board, nobody at the URL
bis --store "$tmp/x.db" --lava http://127.0.0.1:9 --token-file "$tmp/token" --template "$tmp/none.yaml" \
	>/dev/null 2>"$tmp/e1"; rc=$?
[ $rc -eq 2 ] && grep -q "no LAVA job template '$tmp/none.yaml'" "$tmp/e1"; t_last "a LAVA setup with no job template: exit 2, named"
bis --store "$tmp/y.db" --lava http://127.0.0.1:9 --token-file "$tmp/token" >/dev/null 2>"$tmp/e2"; rc=$?
[ $rc -eq 3 ] && grep -q 'LAVA at http://127.0.0.1:9' "$tmp/e2" && ! grep -q '^  build' "$tmp/e2"
t_last "an unreachable server: exit 3, said before any build"
bis --store "$tmp/z.db" --lava http://127.0.0.1:9 --boot /bin/true >/dev/null 2>"$tmp/e3"; rc=$?
[ $rc -eq 2 ] && grep -q -- '--lava boots the campaign' "$tmp/e3"; t_last "--lava with --boot: exit 2"

bash $STACK up "$state" 2>"$tmp/up.err"; rc=$?
t "the LAVA stack comes up" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { sed 's/^/# /' "$tmp/up.err"; exit 1; }
eval "$(bash $STACK env "$state")"
TOKEN=$(cat "$LAVA_TOKEN_FILE")
L=(--lava "$LAVA_URL" --token-file "$LAVA_TOKEN_FILE")
q() { sqlite3 "$tmp/s.db" "$1"; }

# a run killed -9 once a step's job is in the store and not collected
# (exec: $! is oopsfarm itself, not a subshell around it)
(exec "$OF" "${A[@]}" --store "$tmp/s.db" "${L[@]}" >/dev/null 2>"$tmp/a.err") &
bgpid=$!
bad12=$(git -C "$g" rev-parse bad | cut -c1-12)
for _ in $(seq 1 600); do
	[ -f "$tmp/s.db" ] && [ "$(q "select count(*) from lava_jobs j join variants v on v.id = j.variant_id
		where v.name != '$bad12' and j.collected is null" 2>/dev/null)" -gt 0 ] 2>/dev/null && break
	kill -0 $bgpid 2>/dev/null || break
	sleep 0.3
done
kill -9 $bgpid 2>/dev/null; wait $bgpid 2>/dev/null; bgpid=
t "killed -9 with a step's jobs submitted, not yet collected" \
	[ "$(q "select count(*) from lava_jobs where collected is null")" -gt 0 ]
# and as if it died between the server's answer and the store's write
lost=$(q "select job_id from lava_jobs where collected is null order by id desc limit 1")
q "delete from lava_jobs where job_id = $lost"
jobs_before=$(q "select count(*) from lava_jobs")

out=$(bis --store "$tmp/s.db" "${L[@]}" --resume --json 2>"$tmp/b.err"); rc=$?
t "--resume exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -5 "$tmp/b.err" | sed 's/^/# /'
py() { python3 -c "import json,sys; r=json.loads(sys.argv[1]); $1" "$out"; }
t "it finds the commit that brings the WARNING" \
	python3 -c "import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r['decided'] and r['first_bad']=='$culprit'))" "$out"
names=$(curl -s --max-time 20 -H "Authorization: Token $TOKEN" \
	"$LAVA_URL/api/v0.2/jobs/?description__startswith=oopsfarm%20bisect-&limit=500" |
	python3 -c 'import json,sys; print("\n".join(j["description"] for j in json.load(sys.stdin)["results"]))')
t "no job submitted twice: each job name once on the server" [ "$(sort <<<"$names" | uniq -d | wc -l)" -eq 0 ]
t "... and the server's jobs are the store's" [ "$(wc -l <<<"$names")" -eq "$(q "select count(*) from lava_jobs")" ]
grep -q "LAVA job $lost .*adopted from the server" "$tmp/b.err" ||
	[ "$(q "select count(*) from lava_jobs where job_id = $lost")" -eq 0 ]
t_last "the job the store lost is adopted, not submitted again (or the step needed it no more)"
t "the resumed run submitted only after the jobs it had" [ "$(q "select count(*) from lava_jobs")" -ge "$jobs_before" ]
t "every boot is a boots row with source lava" [ "$(q "select count(*) from boots where source != 'lava'")" -eq 0 ]
t "... of a recorded job, within its boots" [ "$(q "select count(*) from boots b left join lava_jobs j on j.job_id = b.lava_job_id where j.id is null")" -eq 0 ]
t "every collected job's boots are stored" [ "$(q "select count(*) from lava_jobs j where collected is not null and boots > (select count(*) from boots b where b.lava_job_id = j.job_id)")" -eq 0 ]
t "each boot is a bisect event exactly once" \
	[ "$(q "select count(*), count(distinct boot_uid) from bisect_events where boot_uid is not null")" = "$(q "select count(*), count(*) from boots")" ]
t "the reported boots are the events" [ "$(py "print(r['boots'])")" -eq "$(q "select count(*) from bisect_events where kind in ('pass','target','other','infra')")" ]
t "boots at the culprit and after show the target; before, none" \
	[ "$(q "select count(*) from bisect_events where (kind = 'target') != (commit_idx >= 3) and kind in ('pass','target')")" -eq 0 ]
echo "# $(q "select count(*) from lava_jobs") jobs, $(q "select count(*) from boots") boots; $((SECONDS - t0)) s in all"
bash $STACK down "$state" >"$tmp/down.out" 2>&1
t "teardown leaves no process of the stack" [ $? -eq 0 ]
