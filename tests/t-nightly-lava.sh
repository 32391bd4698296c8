#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: lava qemu
#
# A plan whose nights boot local boards and a lab's own LAVA jobs together,
# against a real LAVA 2023.01 on 127.0.0.1 (tests/lava/lava-stack.sh, as
# tests/t-lava.sh brings it up and down): the lab's job definition (the
# real board kernel, the agent as init, lkdtm WARNING) submitted every
# night, and an existing job (submitted by curl before the night, by id)
# collected into the first night, and a second definition whose init is
# not our agent (tests/lava/lab-init.c: a clean boot, told from its console
# alone: a pass in the cell "lab (no agent)"), each boot stored in the night
# in the LAVA setup's own cells.  Night 2's definition adds lkdtm ACCESS_NULL: a
# new title in the lab's cell.  Night 3 the server is down: the local
# boots are stored, the lab's cell is "not run" (never zero crashes), exit 3.
# The local board is the replay board (real lkdtm consoles, no kernel).
. "$(dirname "$0")/lib.sh"
OF=$PWD/$OF
STACK=tests/lava/lava-stack.sh
skip_all() { echo "ok 1 - nightly with LAVA # SKIP $1"; exit 0; }
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && skip_all "OOPSFARM_SKIP_QEMU is set"
[ "$(id -u)" -eq 0 ] || skip_all "needs root (PostgreSQL and the LAVA worker)"
for p in $(sed 's/#.*//' devices/lava/deps.txt); do
	dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'install ok installed' ||
		skip_all "LAVA package $p is not installed (make deps; tests/t-lava.sh installs them)"
done

tmp=$(mktemp -d /tmp/t-nightly-lava.XXXXXX)
chmod 755 "$tmp" # PostgreSQL runs as postgres in $tmp/stack
state=$tmp/stack
P=t-nightly-lava-$$
cleanup() {
	bash $STACK down "$state" > /dev/null 2>&1
	rm -rf "$tmp" "build/nightly/$P"
}
trap cleanup EXIT

board_kernel "$tmp"
devices/qemu-smmuv3/mkinitramfs.sh "$tmp/initrd.cpio" build/aarch64-linux-gnu/oopsfarm-agent "$K" 2> /dev/null
# the lab's own init, for its job without our agent
aarch64-linux-gnu-gcc -static -Os -o "$tmp/lab-init" tests/lava/lab-init.c &&
	devices/qemu-smmuv3/mkinitramfs.sh "$tmp/lab.cpio" "$tmp/lab-init" "$K" 2> /dev/null ||
	{ echo "not ok 1 - the lab's init builds"; exit 1; }

t0=$SECONDS
bash $STACK up "$state" 2> "$tmp/up.err"; rc=$?
t "the LAVA stack comes up" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { sed 's/^/# /' "$tmp/up.err"; exit 1; }
eval "$(bash $STACK env "$state")"
TOKEN=$(cat "$LAVA_TOKEN_FILE")

# a lab's own job definition: the board kernel, lkdtm knobs on its command line
. tests/lava/qemu-job.sh
labjob() { # NAME PROVOKE
	lava_qemu_job "lab $1" "$K/Image" "$tmp/initrd.cpio" 1 lab \
		"console=ttyAMA0 panic=0 oopsfarm.provoke=$2 oopsfarm.provoke_wait_ms=500 oopsfarm.settle_ms=100 oopsfarm.action=halt"
}
labjob warn WARNING > "$tmp/lab.yaml"
lava_qemu_job "lab own init" "$K/Image" "$tmp/lab.cpio" 1 lab "console=ttyAMA0 panic=0" \
	"lab-init: start" "lab-init: end" 'lab-init: the (?P<test_case_id>lab)\S+ own checks (?P<result>pass)' > "$tmp/lab-own.yaml"
# a job the lab ran before the night: submitted by curl, named by id in the plan
old=$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"definition": open(sys.argv[1]).read()}))' "$tmp/lab.yaml" |
	curl -s --max-time 20 -H "Authorization: Token $TOKEN" -H 'Content-Type: application/json' -d @- \
		"$LAVA_URL/api/v0.2/jobs/" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["job_ids"][0])')
t "an existing lab job, submitted by curl: id $old" test -n "$old"

FX=tests/fixtures
body $FX/real72-clean-boot.log > "$tmp/clean.log"
git init -q "$tmp/tree"
g() { git -C "$tmp/tree" -c user.email=t@oopsfarm -c user.name=t "$@"; }
g commit -q --allow-empty -m one
plan() { # JOB-IDS
	cat << EOF
campaign: $P
tree: $tmp/tree
no_agent: true
store: $tmp/n.db
variants:
  - name: head
setups:
  - name: replay1
    board: replay
boots: 2
lava:
  - setup: lab
    url: $LAVA_URL
    token_file: $LAVA_TOKEN_FILE
    definitions: [lab.yaml, lab-own.yaml]
    jobs: [$1]
    timeout: 300
EOF
}
plan "$old" > "$tmp/plan.yaml"
q() { sqlite3 "$tmp/n.db" "$1"; }
night() { OOPSFARM_REPLAY_CONSOLE=$tmp/clean.log $OF nightly "$tmp/plan.yaml" --night "$1" > "$tmp/out.$1" 2> "$tmp/err.$1"; }
WARN='WARNING in lkdtm_WARNING'
BUG='BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL'

night 2026-09-01; rc=$?
t "night 1, local and LAVA boots together: exit 0 (rc $rc)" test $rc -eq 0
[ $rc -eq 0 ] || tail -5 "$tmp/err.2026-09-01" | sed 's/^/# /'
t "night 1: 5 boots stored: 2 local passes, 2 lab crashes, the lab's own init a pass" \
	grep -q "5 boots stored in .* s (3 pass, 2 crash, 0 hang, 0 infra)" "$tmp/out.2026-09-01"
t "night 1: the plan's 2 definitions were submitted, and the existing job adopted: 3 jobs of the night" \
	test "$(q "SELECT count(*), sum(job_id = $old), sum(collected IS NOT NULL) FROM lava_jobs j
		JOIN setups s ON s.id = j.setup_id WHERE s.name = 'lab'")" = "3|1|3"
t "night 1: the lab's boots are in its setup, from LAVA, the WARNING, with our agent (its BEGIN line)" \
	test "$(q "SELECT count(*) FROM boots b JOIN setups s ON s.id = b.setup_id JOIN crashes c ON c.boot_id = b.id
		WHERE s.name = 'lab' AND b.source = 'lava' AND b.agent = 1 AND c.title = '$WARN'")" = 2
t "night 1: the job without our agent, told from its console: a pass, agent 0, its own cell" bash -c "
	test \"\$(sqlite3 '$tmp/n.db' \"SELECT group_concat(b.verdict || ':' || b.agent) FROM boots b JOIN setups s ON s.id = b.setup_id
		WHERE s.name = 'lab' AND b.source = 'lava' AND NOT EXISTS (SELECT 1 FROM crashes c WHERE c.boot_id = b.id)\")\" = pass:0 &&
	$OF nightly diff '$tmp/plan.yaml' 2026-09-01 --json | grep -q '\"setup\":\"lab (no agent)\"'"
t "night 1: the local boots are a cell of their own (no agent)" \
	test "$(q "SELECT count(*) FROM boots b JOIN setups s ON s.id = b.setup_id WHERE s.name = 'replay1' AND b.agent = 0 AND b.verdict = 'pass'")" = 2

# night 2: the lab's job now also hits lkdtm ACCESS_NULL
g commit -q --allow-empty -m two
labjob warn-null WARNING,ACCESS_NULL > "$tmp/lab.yaml"
plan "$old" > "$tmp/plan.yaml"
night 2026-09-02; rc=$?
t "night 2 runs (rc $rc)" test $rc -le 1
t "night 2: only the definitions are submitted (the existing job was night 1's)" \
	test "$(q "SELECT count(*) FROM lava_jobs j JOIN campaigns c ON c.id = j.campaign_id WHERE c.name = '$P@2026-09-02'")" = 2
$OF nightly diff "$tmp/plan.yaml" 2026-09-02 --json > "$tmp/d2.json"
t "night 2's diff lists the new BUG in the lab's cell, 1 of 1 boots" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
new = [i for i in d["items"] if i["kind"] == "new"]
sys.exit(not (len(new) == 1 and new[0]["setup"] == "lab" and new[0]["title"] == sys.argv[2]
              and (new[0]["count"], new[0]["boots"]) == (1, 1)))' "$tmp/d2.json" "$BUG"

# night 3: the lab's server is down
g commit -q --allow-empty -m three
bash $STACK stop-server "$state"
night 2026-09-03; rc=$?
t "night 3, the LAVA server down: exit 3 (rc $rc)" test $rc -eq 3
t "... it says which setup did not run, and why" \
	grep -q "LAVA setup 'lab': cannot reach LAVA at .*; its boots are not run tonight" "$tmp/err.2026-09-03"
t "... the local boots are stored, and the night is done with the reason" \
	test "$(q "SELECT n.status, n.reason, (SELECT count(*) FROM boots b WHERE b.campaign_id = n.campaign_id)
		FROM nights n WHERE n.night = '2026-09-03'")" = "done|LAVA setups not run: 'lab'|2"
$OF nightly diff "$tmp/plan.yaml" 2026-09-03 --json > "$tmp/d3.json"
t "... the diff says the lab's cell was not run (never zero crashes)" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not [i for i in d["items"] if i["kind"] == "not-run" and i["setup"] == "lab"])' "$tmp/d3.json"
bash $STACK start-server "$state"

bash $STACK down "$state" 2> "$tmp/down.err"; rc=$?
t "lava-stack down: exit 0, nothing left" [ $rc -eq 0 ]
echo "# t-nightly-lava took $((SECONDS - t0)) s"
exit 0
