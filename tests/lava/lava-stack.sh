#!/bin/bash
# SPDX-License-Identifier: MIT
#
# lava-stack.sh up|down|env|status STATE_DIR
#
# A private, real LAVA 2023.01 (Debian 12's lava-server and lava-dispatcher)
# on 127.0.0.1 for the tests, without systemd, in the order that
# shared/research/lava.md measured:
#   1. a PostgreSQL cluster of its own (initdb in STATE_DIR, trust auth,
#      its own port and socket directory), role and database `lavaserver`;
#   2. every lava-server setting through the environment (DATABASE_URL,
#      LAVA_JSON_SETTINGS): devices, device types, logs and job output live
#      in STATE_DIR, and the events go over 127.0.0.1;
#   3. migrate, a superuser with a REST token, a worker, device type `qemu`
#      and TWO devices (one device costs up to 20 s between jobs: LAVA sends
#      events before its commit);
#   4. gunicorn3 (eventlet), lava-publisher, lava-scheduler, lava-worker,
#      each in its own session (setsid), pid in STATE_DIR/run/*.pid.
# Ports are picked free at `up` time.  The device dictionary is the
# project's devices/lava/devices/qemu-smmuv3-01.jinja2 when it exists, else
# tests/lava/qemu-smmuv3.jinja2: both let a job set -cpu, -m, -smp
# (extra_options) and -dtb (a deploy image) through its context.
#
# Only one path outside STATE_DIR is written: LAVA 2023.01 reads a worker's
# dispatcher configuration and environment from
# /etc/lava-server/dispatcher.d/<worker>/ (hard-coded), so the worker gets a
# name unique to STATE_DIR and `down` removes that directory.
#
#   up      start everything, wait until the worker is online (about 20 s)
#   env     print shell assignments: LAVA_URL, LAVA_TOKEN_FILE, LAVA_USER,
#           LAVA_DEVICE_TYPE, LAVA_DEVICES, LAVA_WORKER
#   down    stop everything it started and check that nothing is left
#   status  say what runs
#   stop-server / start-server   stop or start gunicorn only (the API goes
#           away, the worker and jobs go on): for restart tests
#
# Every process it starts carries OOPSFARM_LAVA_STACK=STATE_DIR in its
# environment; `down` kills the process groups it recorded, then every
# process with that mark and all their descendants (QEMU runs in a session
# of its own under lava-run), and fails when one survives.
set -euo pipefail

usage() { echo "usage: $0 up|down|env|status|stop-server|start-server STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
CMD=$1
mkdir -p "$2"
STATE=$(cd "$2" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=/usr/bin/python3
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
export OOPSFARM_LAVA_STACK=$STATE

die() { echo "lava-stack: $*" >&2; exit 1; }
log() { echo "lava-stack: $*" >&2; }

free_ports() { # N -> N distinct free TCP ports on 127.0.0.1
	$PY - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# the settings every lava-server process reads (written by up)
load_env() {
	[ -f "$STATE/stack.env" ] || die "$STATE holds no stack (run: $0 up $STATE)"
	# shellcheck disable=SC1091
	. "$STATE/stack.env"
}

manage() { lava-server manage "$@"; }

# start NAME CMD...: runs CMD in a new session, output to log/NAME.log
start() {
	local name=$1; shift
	setsid "$@" >>"$STATE/log/$name.log" 2>&1 < /dev/null &
	echo $! >"$STATE/run/$name.pid"
}

wait_http() { # URL SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		curl -s -o /dev/null --max-time 2 "$1" && return 0
		sleep 0.1
	done
	return 1
}

# pids carrying our mark, and all their descendants
stack_pids() {
	$PY - "$STATE" <<'EOF'
import os, sys
mark = ("OOPSFARM_LAVA_STACK=" + sys.argv[1]).encode()
me = {os.getpid(), os.getppid()}
children, marked = {}, set()
for p in os.listdir("/proc"):
    if not p.isdigit():
        continue
    pid = int(p)
    try:
        with open(f"/proc/{p}/stat", "rb") as f:
            ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(pid)
        with open(f"/proc/{p}/environ", "rb") as f:
            if mark in f.read().split(b"\0"):
                marked.add(pid)
    except (OSError, ValueError, IndexError):
        pass
todo, seen = list(marked), set()
while todo:
    pid = todo.pop()
    if pid in seen:
        continue
    seen.add(pid)
    todo.extend(children.get(pid, []))
print(" ".join(str(p) for p in sorted(seen - me)))
EOF
}

cmd_up() {
	command -v lava-server >/dev/null && command -v lava-worker >/dev/null && command -v gunicorn3 >/dev/null ||
		die "lava-server, lava-dispatcher and gunicorn are not installed (make deps)"
	[ -n "$PGBIN" ] || die "PostgreSQL is not installed (make deps)"
	[ "$(id -u)" -eq 0 ] || die "needs root (PostgreSQL runs as 'postgres', the worker as root)"
	if [ -f "$STATE/stack.env" ]; then
		load_env
		curl -s -o /dev/null --max-time 2 "$LAVA_URL/api/v0.2/" && { log "already up at $LAVA_URL"; return 0; }
		die "$STATE holds a stack that is not running: $0 down $STATE first"
	fi
	local t0=$SECONDS
	mkdir -p "$STATE"/{log,run,media,etc/devices,etc/device-types,etc/health-checks,worker}
	chmod 755 "$STATE"
	read -r PGPORT HTTP PUB EVENTS <<<"$(free_ports 4)"
	local worker="oopsfarm-$(echo -n "$STATE" | sha256sum | cut -c1-12)"
	local secret token user=oopsfarm
	secret=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
	token=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')

	# 1. PostgreSQL
	runuser -u postgres -- test -x "$STATE" ||
		die "user postgres cannot reach $STATE (a parent directory is not searchable: chmod o+x it)"
	install -d -o postgres -g postgres -m 700 "$STATE/pg"
	install -d -o postgres -g postgres -m 755 "$STATE/pg/sock"
	runuser -u postgres -- "$PGBIN/initdb" -D "$STATE/pg/data" -A trust -U postgres -E UTF8 --no-sync \
		>"$STATE/log/initdb.log" 2>&1 || die "initdb failed: $(tail -3 "$STATE/log/initdb.log")"
	touch "$STATE/log/postgres.log" && chown postgres "$STATE/log/postgres.log"
	runuser -u postgres -- setsid "$PGBIN/pg_ctl" -D "$STATE/pg/data" -w -t 60 -l "$STATE/log/postgres.log" \
		-o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $STATE/pg/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
		start >/dev/null || die "PostgreSQL did not start: $(tail -3 "$STATE/log/postgres.log")"
	head -1 "$STATE/pg/data/postmaster.pid" >"$STATE/run/postgres.pid"
	"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE ROLE lavaserver LOGIN SUPERUSER" postgres
	"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres -O lavaserver lavaserver

	# 2. settings, all in STATE except the worker's dispatcher.d entry
	local json
	json=$($PY - "$STATE" "$EVENTS" <<'EOF'
import base64, json, sys
s, ev = sys.argv[1], sys.argv[2]
print(base64.b64encode(json.dumps({
    "DEBUG": False,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
    "EVENT_NOTIFICATION": True,
    "EVENT_SOCKET": f"tcp://127.0.0.1:{ev}",
    "INTERNAL_EVENT_SOCKET": f"ipc://{s}/run/internal.ipc",
    "DJANGO_LOGFILE": f"{s}/log/django.log",
    "MEDIA_ROOT": f"{s}/media/",
    "DEVICES_PATH": f"{s}/etc/devices",
    "DEVICE_TYPES_PATHS": [f"{s}/etc/device-types", "/usr/share/lava-server/device-types"],
    "HEALTH_CHECKS_PATH": f"{s}/etc/health-checks",
}).encode()).decode())
EOF
)
	cat >"$STATE/stack.env" <<EOF
export OOPSFARM_LAVA_STACK='$STATE'
export DATABASE_URL='postgres://lavaserver@127.0.0.1:$PGPORT/lavaserver'
export SECRET_KEY='$secret'
export LAVA_JSON_SETTINGS='$json'
export LAVA_URL='http://127.0.0.1:$HTTP'
PGPORT=$PGPORT HTTP=$HTTP PUB=$PUB EVENTS=$EVENTS
WORKER=$worker
LAVA_USER=$user
EOF
	chmod 600 "$STATE/stack.env"
	load_env

	# 3. schema, user, token, worker, devices
	manage migrate --noinput >"$STATE/log/migrate.log" 2>&1 || die "migrate failed: $(tail -3 "$STATE/log/migrate.log")"
	manage users add --superuser --staff --passwd "$secret" "$user" >/dev/null
	manage tokens add --user "$user" --secret "$token" >/dev/null
	umask 077
	printf '%s\n' "$token" >"$STATE/token"
	chmod 600 "$STATE/token" # an older state directory may hold it 0644
	umask 022
	manage workers add "$worker" | sed -n 's/^Token: //p' >"$STATE/worker-token"
	[ -s "$STATE/worker-token" ] || die "no worker token"
	chmod 600 "$STATE/worker-token"
	mkdir -p "/etc/lava-server/dispatcher.d/$worker"
	echo "$STATE" >"/etc/lava-server/dispatcher.d/$worker/.oopsfarm-stack"
	printf 'dispatcher_ip: 127.0.0.1\n' >"/etc/lava-server/dispatcher.d/$worker/dispatcher.yaml"
	cat >"/etc/lava-server/dispatcher.d/$worker/env.yaml" <<EOF
purge: true
overrides:
  LC_ALL: C.UTF-8
  LANG: C
  PATH: /usr/local/bin:/usr/local/sbin:/bin:/usr/bin:/usr/sbin:/sbin
  OOPSFARM_LAVA_STACK: $STATE
EOF
	manage device-types add qemu >/dev/null
	local dict
	for dict in "$ROOT/devices/lava/devices/qemu-smmuv3-01.jinja2" "$ROOT/devices/lava/qemu-smmuv3.jinja2" \
		"$HERE/qemu-smmuv3.jinja2"; do
		[ -f "$dict" ] && break
	done
	for d in qemu-smmuv3-01 qemu-smmuv3-02; do
		cp "$dict" "$STATE/etc/devices/$d.jinja2"
		manage devices add --device-type qemu --worker "$worker" "$d" >/dev/null
	done
	# no health check: devices stay in health Unknown, which takes jobs

	# 4. daemons
	start gunicorn gunicorn3 lava_server.wsgi --bind "127.0.0.1:$HTTP" --worker-class eventlet --workers 2 \
		--timeout 60 --log-level warning
	# both drop to user lavaserver by default: keep root, whose STATE_DIR it is
	start publisher lava-server manage lava-publisher --host 127.0.0.1 --port "$PUB" -u root -g root \
		--log-file "$STATE/log/publisher.log"
	start scheduler lava-server manage lava-scheduler --event-url "tcp://127.0.0.1:$EVENTS" -u root -g root \
		--log-file "$STATE/log/scheduler.log"
	wait_http "$LAVA_URL/api/v0.2/" 60 || die "gunicorn did not answer: $(tail -3 "$STATE/log/gunicorn.log")"
	start worker lava-worker --name "$worker" --url "$LAVA_URL/" --ws-url "http://127.0.0.1:$PUB/ws/" \
		--token-file "$STATE/worker-token" --ping-interval 1 --worker-dir "$STATE/worker" \
		--log-file "$STATE/log/worker-own.log"
	local i state=
	for ((i = 0; i < 600; i++)); do
		state=$(curl -s --max-time 2 -H "Authorization: Token $token" "$LAVA_URL/api/v0.2/workers/$worker/" |
			$PY -c 'import json,sys; print(json.load(sys.stdin).get("state",""))' 2>/dev/null || true)
		[ "$state" = Online ] && break
		sleep 0.1
	done
	[ "$state" = Online ] || die "the worker did not come online: $(tail -3 "$STATE/log/worker-own.log")"
	log "up in $((SECONDS - t0)) s: $LAVA_URL, worker $worker, devices qemu-smmuv3-01 qemu-smmuv3-02"
}

cmd_env() {
	load_env
	cat <<EOF
LAVA_URL=$LAVA_URL
LAVA_TOKEN_FILE=$STATE/token
LAVA_USER=$LAVA_USER
LAVA_DEVICE_TYPE=qemu
LAVA_DEVICES='qemu-smmuv3-01 qemu-smmuv3-02'
LAVA_WORKER=$WORKER
EOF
}

kill_pidfile() { # NAME SIGNAL: the process group of a recorded daemon
	local f=$STATE/run/$1.pid pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	kill "-$2" -- "-$pid" 2>/dev/null || kill "-$2" "$pid" 2>/dev/null || true
}

wait_gone() { # SECONDS PID...
	local t=$1 i; shift
	for ((i = 0; i < t * 10; i++)); do
		local alive=0 p
		for p in "$@"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive = 0 ] && return 0
		sleep 0.1
	done
	return 1
}

cmd_stop_server() {
	load_env
	local pid
	pid=$(cat "$STATE/run/gunicorn.pid")
	kill_pidfile gunicorn TERM
	wait_gone 10 "$pid" || kill_pidfile gunicorn KILL
	rm -f "$STATE/run/gunicorn.pid"
}

cmd_start_server() {
	load_env
	start gunicorn gunicorn3 lava_server.wsgi --bind "127.0.0.1:$HTTP" --worker-class eventlet --workers 2 \
		--timeout 60 --log-level warning
	wait_http "$LAVA_URL/api/v0.2/" 60 || die "gunicorn did not answer"
}

cmd_down() {
	local pids n
	if [ -f "$STATE/stack.env" ]; then
		load_env
		# the worker first (it ends its jobs and their QEMUs), then the server
		for d in worker scheduler publisher gunicorn; do kill_pidfile $d TERM; done
		wait_gone 10 $(cat "$STATE"/run/{worker,scheduler,publisher,gunicorn}.pid 2>/dev/null) || true
		[ -d "$STATE/pg/data" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$STATE/pg/data" -m immediate -w stop \
			>/dev/null 2>&1 || true
		[ -n "${WORKER:-}" ] && rm -rf "/etc/lava-server/dispatcher.d/$WORKER"
	fi
	# whatever is left: marked processes and their children (QEMU, lava-run)
	pids=$(stack_pids)
	[ -n "$pids" ] && kill -TERM $pids 2>/dev/null && wait_gone 5 $pids
	pids=$(stack_pids)
	[ -n "$pids" ] && kill -KILL $pids 2>/dev/null && wait_gone 5 $pids
	pids=$(stack_pids)
	rm -f "$STATE"/run/*.pid "$STATE/stack.env"
	if [ -n "$pids" ]; then
		ps -o pid,args -p "$(tr ' ' , <<<"$pids")" >&2 || true
		die "processes left behind: $pids"
	fi
	n=0
	return $n
}

cmd_status() {
	load_env
	local d
	for d in postgres gunicorn publisher scheduler worker; do
		if [ -f "$STATE/run/$d.pid" ] && kill -0 "$(cat "$STATE/run/$d.pid")" 2>/dev/null; then
			echo "$d: running (pid $(cat "$STATE/run/$d.pid"))"
		else
			echo "$d: stopped"
		fi
	done
}

case $CMD in
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
status) cmd_status ;;
stop-server) cmd_stop_server ;;
start-server) cmd_start_server ;;
*) usage ;;
esac
