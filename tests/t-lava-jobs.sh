#!/bin/bash
# SPDX-License-Identifier: MIT
# needs: lava
#
# LAVA job templates (jobs/*.yaml) and device descriptions (devices/lava/):
#  - every template renders with --example, and the job passes LAVA 2023.01's
#    own checks: lava_common's schema in strict mode, lava-server's submission
#    schema, and the dispatcher's `lava-run --validate` on the board's device
#    dictionary rendered with LAVA's device-type templates;
#  - `boots` (boot, test) pairs, one deploy, a monitor per boot, the metadata;
#  - the monitors' end pattern ends a boot at the agent's END line or at the
#    panic trailer of a real panic=0 console, not at the panic's first line;
#  - render's errors: YAML-breaking values stay one scalar, missing and
#    unknown parameters, malformed and unreadable templates, with file and line;
#  - the QEMU template run for real by LAVA's dispatcher (lava-run) on the
#    board kernel and the agent: a panicking boot ends its own monitor, the
#    next boot starts fresh, a clean boot's CASE lines become test results;
#  - Debian's mkbootimg: which Android boot image headers it builds;
#  - ser2net with devices/lava/ser2net.yaml lets two readers share a UART.
# Debian's Python (/usr/bin/python3) runs LAVA's code.  Without lava_common
# (make deps installs devices/lava/deps.txt) the LAVA checks skip.
# OOPSFARM_SKIP_QEMU=1 skips the dispatcher run.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
tmp=$(mktemp -d)
# lava-run works in /var/lib/lava/dispatcher/tmp/JOB_ID (--validate leaves
# it behind): never a number, which a real worker's job on this machine
# could have.
jobid=t-lava-jobs-$$
trap 'rm -rf "$tmp" /var/lib/lava/dispatcher/tmp/"$jobid"-*' EXIT

# py SCRIPT ARGS...: a Python check on rendered YAML, run by Debian's Python
py() { "$PY" -c "$@"; }

have_lava=0
"$PY" tests/lava-validate.py import 2>/dev/null && have_lava=1
have_server=0
[ $have_lava = 1 ] && [ -f /usr/share/lava-server/device-types/base.jinja2 ] &&
	"$PY" -c 'import lava_scheduler_app' 2>/dev/null && have_server=1
have_run=0
[ $have_lava = 1 ] && [ -x /usr/bin/lava-run ] && "$PY" -c 'import lava_dispatcher' 2>/dev/null && have_run=1

# Every *_url parameter of a template pointed at an existing local file, for
# the dispatcher, which checks that file:// URLs exist.
mkdir -p "$tmp/art"
for f in Image initrd.cpio virt.dtb boot.img vendor_boot.img; do head -c 4096 /dev/urandom >"$tmp/art/$f"; done
url_sets() { # TEMPLATE: --set KEY=file://... for each *_url parameter
	local k
	for k in $($OF lava render --list "$1" | awk '$1 ~ /_url$/ {print $1}'); do
		case $k in
		kernel_url) echo "--set kernel_url=file://$tmp/art/Image" ;;
		initrd_url) echo "--set initrd_url=file://$tmp/art/initrd.cpio" ;;
		dtb_url) echo "--set dtb_url=file://$tmp/art/virt.dtb" ;;
		vendor_boot_url) echo "--set vendor_boot_url=file://$tmp/art/vendor_boot.img" ;;
		*) echo "--set $k=file://$tmp/art/boot.img" ;;
		esac
	done
}

# ---- every template ----------------------------------------------------------------------
templates=()
for f in jobs/*.yaml; do
	grep -q '^x-oopsfarm-params:' "$f" && templates+=("$f")
done
has_boards() {
	local b
	for b in qemu-smmuv3 gs101-oriole dragonboard-845c juno-uboot; do
		[[ " ${templates[*]} " == *" jobs/$b.yaml "* ]] || return 1
	done
}
t "jobs/ holds a template for each board type" has_boards

for f in "${templates[@]}"; do
	name=$(basename "$f" .yaml)
	out=$tmp/$name.yaml
	$OF lava render --example --boots 3 "$f" >"$out" 2>"$tmp/err"
	t "$name: renders with --example" [ $? -eq 0 -a -s "$out" ]
	t "$name: no template syntax is left" not grep -qE 'x-oopsfarm|\{\{' "$out"
	if [ $have_lava = 1 ]; then
		"$PY" tests/lava-validate.py job "$out" 2>"$tmp/err"
		t "$name: LAVA's validator (strict) and lava-server's submission schema accept it" [ $? -eq 0 ]
		[ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err"
	else
		skip "$name: LAVA's validator" "lava_common cannot be imported by $PY (make deps)"
	fi
	t "$name: one deploy, then 3 (boot, test) pairs with monitors oopsfarm-001..003" py '
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["actions"]
kinds = [next(iter(x)) for x in a]
names = [x["test"]["monitors"][0]["name"] for x in a if "test" in x]
sys.exit(not (kinds == ["deploy"] + ["boot", "test"] * 3 and names == ["oopsfarm-001", "oopsfarm-002", "oopsfarm-003"]))' "$out"
	t "$name: metadata names campaign, variant, setup, batch, boot base, boots, build-id" py '
import sys, yaml
m = yaml.safe_load(open(sys.argv[1]))["metadata"]
want = {"oopsfarm_campaign": "platform-dma-race", "oopsfarm_variant": "unpatched-platform",
        "oopsfarm_batch": 1, "oopsfarm_boot_base": 0, "oopsfarm_boots": 3}
ok = all(m.get(k) == v for k, v in want.items()) and m.get("oopsfarm_setup") and m.get("oopsfarm_build_id")
ok = ok and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in m.values())
sys.exit(not ok)' "$out"
	# the kernel command line, wherever the board takes it from the job
	if grep -q 'panic=0' "$out"; then
		t "$name: the kernel boots with panic=0 and the agent's knobs" \
			grep -qE 'panic=0 oopsfarm\.action=[a-z]+ oopsfarm\.mode=android' "$out"
	fi

	# LAVA's device dictionary for the board, then the dispatcher's own check
	dict=devices/lava/devices/$name-01.jinja2
	t "$name: devices/lava has its device dictionary" [ -f "$dict" ]
	if [ $have_server = 1 ]; then
		# shellcheck disable=SC2046  # url_sets prints option words
		$OF lava render --example --boots 2 $(url_sets "$f") "$f" >"$tmp/$name-local.yaml"
		"$PY" tests/lava-validate.py device devices/lava/devices:devices/lava/device-types "$name-01" \
			"$tmp/$name-local.yaml" "$tmp/$name-device.yaml" 2>"$tmp/err"
		t "$name: the dictionary renders with LAVA's device types and the job's context; device schema ok" \
			[ $? -eq 0 ]
		[ -s "$tmp/err" ] && sed 's/^/# /' "$tmp/err"
		if [ "$name" != qemu-smmuv3 ]; then
			t "$name: power on, off and reset through 'oopsfarm power ... $name-01'" py '
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))["commands"]
b = sys.argv[2]
reset = c["hard_reset"] if isinstance(c["hard_reset"], list) else [c["hard_reset"]]
sys.exit(not (reset[0] == "oopsfarm power reset " + b and c["power_on"] == "oopsfarm power on " + b
              and c["power_off"] == "oopsfarm power off " + b))' "$tmp/$name-device.yaml" "$name-01"
		fi
	else
		skip "$name: device dictionary renders" "lava-server is not installed"
	fi
	if [ "$name" = gs101-oriole ] && [ $have_server = 1 ]; then
		t "gs101-oriole: each reset makes slot a active again (resets its retries)" \
			grep -qF "'fastboot -s 1A2B3C4D5E6F7G set_active a'" "$tmp/$name-device.yaml"
	fi
	if [ $have_server = 1 ] && [ $have_run = 1 ]; then
		"$PY" /usr/bin/lava-run --validate --job-id "$jobid-$name" --output-dir "$tmp/run-$name" \
			--device "$tmp/$name-device.yaml" "$tmp/$name-local.yaml" >"$tmp/$name-validate.log" 2>&1
		t "$name: lava-run --validate accepts the job on that device" [ $? -eq 0 ]
		grep -o '"error_msg": "[^"]*"' "$tmp/$name-validate.log" | sed 's/^/# /'
	else
		skip "$name: lava-run --validate" "lava-dispatcher is not installed"
	fi
done

# ---- the monitors block --------------------------------------------------------------------
# jobs/monitors-oopsfarm.yaml is the bare test action (doc/protocol.md), for
# consoles of boots that stop at a panic (panic=-1, pvpanic); the templates
# keep its start and pattern and end at the panic trailer instead (panic=0).
if [ $have_lava = 1 ]; then
	t "monitors-oopsfarm.yaml: LAVA's test.monitor schema accepts its test action" py '
import sys, yaml
from lava_common.schemas import validate_action
for i, a in enumerate(yaml.safe_load(open(sys.argv[1]))):
    validate_action("test.monitor", i, a["test"], strict=True)' jobs/monitors-oopsfarm.yaml
else
	skip "monitors-oopsfarm.yaml: schema" "lava_common cannot be imported by $PY (make deps)"
fi
t "every template's monitors keep the start and pattern of monitors-oopsfarm.yaml" py '
import sys, yaml
frag = yaml.safe_load(open(sys.argv[1]))[0]["test"]["monitors"][0]
for path in sys.argv[2:]:
    for a in yaml.safe_load(open(path))["actions"]:
        if "test" in a:
            m = a["test"]["monitors"][0]
            if (m["start"], m["pattern"]) != (frag["start"], frag["pattern"]):
                sys.exit(path)' jobs/monitors-oopsfarm.yaml "${templates[@]/#jobs\//$tmp/}"

# A real panic=0 console (the kernel stays up and prints the trailer) after
# an agent BEGIN line: pexpect, as LAVA runs it, ends the monitor on the
# trailer line, not on the first "Kernel panic" line.
{ printf 'OOPSFARM:1:BEGIN:v=1 agent=0.1:00000000\r\n'; sed '1,/^#end$/d' tests/fixtures/real-arm64-panic-hang.log; } \
	>"$tmp/panic0.log"
t "the end pattern ends a panic=0 boot at the '---[ end Kernel panic' line" py '
import re, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
end = [a for a in job["actions"] if "test" in a][0]["test"]["monitors"][0]["end"]
text = open(sys.argv[2], encoding="utf-8", errors="replace").read()
m = re.search(end, text)
sys.exit(not (m and m.group(0).startswith("---[ end Kernel panic - not syncing: dumptest ]---")))' \
	"$tmp/qemu-smmuv3.yaml" "$tmp/panic0.log"
t "the end pattern ends a boot at the agent's END line (CRC and line end included)" py '
import re, sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
end = [a for a in job["actions"] if "test" in a][0]["test"]["monitors"][0]["end"]
line = "OOPSFARM:41:END:verdict=pass crashes=0 signatures=0 kmsg_records=312 kmsg_lost=0 cpu_us=9000 maxrss_kb=900 lines=41:0a1b2c3d"
sys.exit(not (re.search(end, line + "\r") and not re.search(end, line[:-3])))' "$tmp/qemu-smmuv3.yaml"

# ---- render: values, errors -----------------------------------------------------------------
cat >"$tmp/t.yaml" <<'EOF'
x-oopsfarm-params:
  v: {doc: any text}
  num: {type: int, default: 7}
  word: {default: "yes"}
  digits: {default: "0123"}
  empty: {default: ""}
job_name: "pre {{ v }} post"
whole: "{{ v }}"
count: "{{ num }}"
count_text: "n={{ num }}"
typed: ["{{ word }}", "{{ digits }}", "{{ empty }}"]
shared: &s {k: "{{ v }}"}
again: *s
actions:
- x-oopsfarm-repeat:
  - test: {name: "m-{{ boot_padded }}", i: "{{ boot }}", of: "{{ boots }}"}
EOF
weird=$'a "quoted" \'single\' colon: value #not-a-comment\n- newline: {{ num }} {{v}} [x] {y} & *z ! % @ `\ttab'
$OF lava render --set "v=$weird" --boots 2 "$tmp/t.yaml" >"$tmp/weird.yaml" 2>"$tmp/err"
t "a value with quotes, colons, newlines and {{ renders" [ $? -eq 0 ]
t "... and comes back as exactly one scalar, unexpanded, wherever it went" py '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
v = sys.argv[2]
sys.exit(not (d["whole"] == v and d["job_name"] == "pre " + v + " post" and d["shared"] == {"k": v}
              and d["again"] == {"k": v}))' "$tmp/weird.yaml" "$weird"
t "an int parameter alone in a scalar is a YAML integer; strings stay strings" py '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
sys.exit(not (d["count"] == 7 and d["count_text"] == "n=7" and d["typed"] == ["yes", "0123", ""]))' "$tmp/weird.yaml"
t "x-oopsfarm-repeat: one copy per boot, with boot, boot_padded and boots" py '
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))["actions"]
sys.exit(a != [{"test": {"name": "m-001", "i": 1, "of": 2}}, {"test": {"name": "m-002", "i": 2, "of": 2}}])' \
	"$tmp/weird.yaml"
t "the parameters block is gone and aliases are expanded (no anchor twice)" \
	not grep -qE 'x-oopsfarm|&s|\*s' "$tmp/weird.yaml"
$OF lava render --set "kernel_url=$weird" --example jobs/qemu-smmuv3.yaml >"$tmp/qweird.yaml" 2>"$tmp/err"
t "a real template takes such a URL as one scalar" py '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
sys.exit(d["actions"][0]["deploy"]["images"]["kernel"]["url"] != sys.argv[2])' "$tmp/qweird.yaml" "$weird"

err() { # description, exit status wanted, text wanted on stderr, render args...
	local d=$1 want=$2 text=$3; shift 3
	$OF lava render "$@" >/dev/null 2>"$tmp/err"
	local rc=$?
	t "$d: exit $want" [ $rc -eq "$want" ]
	t "$d: says '$text'" grep -qF -- "$text" "$tmp/err"
}
line=$(grep -n '^  campaign:' jobs/qemu-smmuv3.yaml | cut -d: -f1)
err "missing parameter" 2 "jobs/qemu-smmuv3.yaml:$line: parameter 'campaign' is not set and has no default" \
	jobs/qemu-smmuv3.yaml
err "unknown --set key" 2 "jobs/qemu-smmuv3.yaml:$(grep -n '^x-oopsfarm-params:' jobs/qemu-smmuv3.yaml | cut -d: -f1): unknown parameter 'vpcus'" \
	--example --set vpcus=4 jobs/qemu-smmuv3.yaml
err "not a whole number" 2 "parameter 'vcpus' must be a whole number, not 'two'" \
	--example --set vcpus=two jobs/qemu-smmuv3.yaml
err "a value its pattern refuses" 2 "parameter 'kernel_args' must match" \
	--example --set 'kernel_args=quiet "x"' jobs/qemu-smmuv3.yaml
printf 'x-oopsfarm-params: {}\njob_name: a\nactions:\n- boot:\n    method: qemu\n   media: tmpfs\n' >"$tmp/bad.yaml"
err "malformed template" 3 "$tmp/bad.yaml:6: column 4: not valid YAML: did not find expected key" "$tmp/bad.yaml"
printf 'x-oopsfarm-params: {}\njob_name: "a\nactions: []\n' >"$tmp/quote.yaml"
err "unclosed quote" 3 "(while scanning a quoted scalar from line 2)" "$tmp/quote.yaml"
printf 'x-oopsfarm-params: {}\njob_name: "{{ nosuch }}"\n' >"$tmp/undeclared.yaml"
err "a placeholder naming no parameter" 3 "$tmp/undeclared.yaml:2: '{{ nosuch }}' names no parameter" \
	"$tmp/undeclared.yaml"
printf 'x-oopsfarm-params: {}\njob_name: "{{ boot }}"\n' >"$tmp/outside.yaml"
err "{{ boot }} outside a repeat block" 3 "'{{ boot }}' is only defined inside x-oopsfarm-repeat" "$tmp/outside.yaml"
printf 'x-oopsfarm-params: {}\njob_name: a\n' >"$tmp/norepeat.yaml"
err "boots without a repeat block" 2 "3 boots asked for, but the template has no x-oopsfarm-repeat block" \
	--boots 3 "$tmp/norepeat.yaml"
err "unreadable template" 3 "$tmp/nosuch.yaml: cannot open: No such file or directory" "$tmp/nosuch.yaml"
err "--boots 0" 2 "--boots wants a whole number" --boots 0 jobs/qemu-smmuv3.yaml
$OF lava render --list jobs/qemu-smmuv3.yaml >"$tmp/list" 2>&1
t "--list shows parameters with defaults" grep -qE '^cpu +str +max,pauth-impdef=on ' "$tmp/list"
$OF power reset gs101-oriole-01 >/dev/null 2>"$tmp/err"
t "oopsfarm power: not configured, exit 3" [ $? -eq 3 ]
t "oopsfarm power names the board" \
	grep -qF 'oopsfarm power: gs101-oriole-01: not configured' "$tmp/err"

# ---- the QEMU template, run by LAVA's dispatcher -------------------------------------------
# lava-run runs a job without a server, as a worker would: real downloads,
# QEMU, console, monitors.  Two boots that panic (panic=0: each monitor ends
# at the trailer and the next boot starts a fresh QEMU), then a clean boot.
run_skip=
[ -n "${OOPSFARM_SKIP_QEMU:-}" ] && run_skip="OOPSFARM_SKIP_QEMU is set"
[ -z "$run_skip" ] && [ $have_server = 1 ] && [ $have_run = 1 ] || run_skip=${run_skip:-"lava-server or lava-dispatcher is not installed"}
[ -z "$run_skip" ] && [ "$(id -u)" -ne 0 ] && run_skip="lava-run needs root (/var/lib/lava/dispatcher)"
[ -z "$run_skip" ] && ! command -v qemu-system-aarch64 >/dev/null && run_skip="no qemu-system-aarch64"
[ -z "$run_skip" ] && ! command -v aarch64-linux-gnu-gcc >/dev/null && run_skip="no aarch64-linux-gnu-gcc"
if [ -z "$run_skip" ]; then
	make --no-print-directory agent CROSS_COMPILE=aarch64-linux-gnu- ASAN=0 >"$tmp/make.log" 2>&1 &&
		K=$(devices/qemu-smmuv3/build-kernel.sh 2>"$tmp/kernel.log" | tail -1) && [ -f "$K/Image" ] &&
		devices/qemu-smmuv3/mkinitramfs.sh "$tmp/art/q-initrd.cpio" build/aarch64-linux-gnu/oopsfarm-agent "$K" \
			>/dev/null 2>&1 &&
		devices/qemu-smmuv3/widen-dtb.sh "$tmp/art/q-virt.dtb" 0 2 1024 >/dev/null 2>&1
	t "board kernel, agent initramfs and DTB build" [ $? -eq 0 ]
	lava_job() { # NAME BOOTS AGENT_ARGS: render, device, lava-run; log in $tmp/NAME.log
		$OF lava render --example --boots "$2" --set "kernel_url=file://$K/Image" \
			--set "initrd_url=file://$tmp/art/q-initrd.cpio" --set "dtb_url=file://$tmp/art/q-virt.dtb" \
			--set "build_id=$(cat "$K/build-id")" --set "agent_args=$3" --set job_minutes=10 \
			jobs/qemu-smmuv3.yaml >"$tmp/$1.job" &&
			"$PY" tests/lava-validate.py device devices/lava/devices:devices/lava/device-types qemu-smmuv3-01 \
				"$tmp/$1.job" "$tmp/$1.device" &&
			timeout 300 "$PY" /usr/bin/lava-run --job-id "$jobid-$1" --output-dir "$tmp/$1.out" \
				--device "$tmp/$1.device" "$tmp/$1.job" >"$tmp/$1.log" 2>&1
	}
	results() { # LOG: "definition case result" per LAVA result line
		"$PY" -c '
import sys, yaml
for line in open(sys.argv[1]):
    # YAML, not JSON: some values carry a "!" tag
    try:
        r = yaml.safe_load(line)
    except yaml.YAMLError:
        continue
    if not isinstance(r, dict):
        continue
    if r.get("lvl") == "results":
        m = r["msg"]
        print(m["definition"], m["case"], m["result"])' "$1"
	}
	lava_job panic 2 "oopsfarm.settle_ms=300 oopsfarm.provoke=PANIC"
	t "lava-run: the 2-boot panicking job completes" [ $? -eq 0 ]
	results "$tmp/panic.log" >"$tmp/panic.res"
	t "lava-run: job result pass" grep -qx 'lava job pass' "$tmp/panic.res"
	t "lava-run: both monitors ran and passed (each ended by its panic trailer)" \
		[ "$(grep -c '^lava lava-test-monitor pass$' "$tmp/panic.res")" -eq 2 ]
	t "lava-run: two fresh boots (two boot_ids), two panic trailers" py '
import re, sys
t = open(sys.argv[1]).read()
ids = set(re.findall(r"OOPSFARM:1:BEGIN:v=1 agent=\S+ boot_id=([0-9a-f-]+)", t))
sys.exit(not (len(ids) == 2 and t.count("---[ end Kernel panic - not syncing: dumptest ]---") == 2))' "$tmp/panic.log"
	grep -o '"Boot command: [^}]*' "$tmp/panic.log" | head -1 >"$tmp/qemu-cmd"
	t "lava-run: QEMU ran with the setup's -cpu, -machine, -m and -smp" \
		grep -qE -- '-cpu max,pauth-impdef=on -machine virt,iommu=smmuv3 .*-m 1024 .*-smp 2 ' "$tmp/qemu-cmd"
	t "lava-run: ... with its DTB and panic=0 on the kernel command line" \
		grep -qE -- '-append .*console=ttyAMA0 panic=0 oopsfarm.action=poweroff .* -dtb /' "$tmp/qemu-cmd"
	lava_job clean 1 "oopsfarm.settle_ms=300"
	t "lava-run: a clean 1-boot job completes" [ $? -eq 0 ]
	results "$tmp/clean.log" >"$tmp/clean.res"
	t "lava-run: the agent's CASE lines are test results of suite oopsfarm-001" \
		grep -qx 'oopsfarm-001 boot pass' "$tmp/clean.res"
	t "lava-run: ... with the modules case too" grep -qx 'oopsfarm-001 modules pass' "$tmp/clean.res"
	for l in panic clean; do
		grep -q '"error_msg"' "$tmp/$l.log" && grep -o '"error_msg": "[^"]*"' "$tmp/$l.log" | sed 's/^/# /'
	done
else
	skip "lava-run of the QEMU template" "$run_skip"
fi

# ---- Debian's mkbootimg (doc/lava-jobs.md) ---------------------------------------------------
if command -v mkbootimg >/dev/null; then
	m=$tmp/mkb
	mkdir -p "$m"
	head -c 65536 /dev/urandom >"$m/Image"
	head -c 2048 /dev/urandom >"$m/dtb"
	echo x | gzip >"$m/ramdisk.gz"
	mkbootimg --header_version 2 --kernel "$m/Image" --ramdisk "$m/ramdisk.gz" --dtb "$m/dtb" \
		--cmdline "panic=0" -o "$m/boot2.img" >/dev/null 2>&1
	t "mkbootimg builds header v2 with a DTB (dragonboard-845c's boot.img)" [ $? -eq 0 -a -s "$m/boot2.img" ]
	mkbootimg --header_version 3 --kernel "$m/Image" --ramdisk "$m/ramdisk.gz" -o "$m/boot3.img" \
		--vendor_boot "$m/vendor3.img" --vendor_ramdisk "$m/ramdisk.gz" --dtb "$m/dtb" \
		--vendor_cmdline "panic=0" >/dev/null 2>&1
	t "mkbootimg builds header v3 boot and vendor_boot" [ $? -eq 0 -a -s "$m/boot3.img" -a -s "$m/vendor3.img" ]
	mkbootimg --header_version 4 --kernel "$m/Image" --ramdisk "$m/ramdisk.gz" -o "$m/boot4.img" \
		--vendor_boot "$m/vendor4.img" --vendor_ramdisk "$m/ramdisk.gz" --dtb "$m/dtb" >/dev/null 2>"$m/err4"
	t "mkbootimg refuses header v4 (gs101-oriole needs it): 'Boot header version 4 not supported'" \
		grep -q 'Boot header version 4 not supported' "$m/err4"
	t "... after writing a vendor_boot.img that says v4 but has the v3 layout" py '
import struct, sys
d = open(sys.argv[1], "rb").read()
sys.exit(not (d[:8] == b"VNDRBOOT" and struct.unpack_from("<I", d, 8)[0] == 4
              and struct.unpack_from("<I", d, 2096)[0] == 2108))' "$m/vendor4.img"
else
	skip "mkbootimg" "mkbootimg is not installed (make deps)"
fi

# ---- ser2net: one UART, two readers ----------------------------------------------------------
if command -v ser2net >/dev/null; then
	t "ser2net.yaml: LAVA and oopsfarm share a board's UART (two TCP readers, input passes)" "$PY" -c '
import os, re, socket, subprocess, sys, time
cfg, tmp = sys.argv[1], sys.argv[2]
master, slave = os.openpty()
tty = os.ttyname(slave)
s = socket.socket(); s.bind(("127.0.0.1", 0)); base = s.getsockname()[1]; s.close()
text = open(cfg).read()
text = re.sub(r"tcp,localhost,(\d+)", lambda m: "tcp,127.0.0.1,%d" % (base + int(m.group(1)) - 7001), text)
text = re.sub(r"/dev/serial/by-id/[^,\s]+", tty, text)
open(tmp + "/ser2net.yaml", "w").write(text)
p = subprocess.Popen(["ser2net", "-n", "-u", "-c", tmp + "/ser2net.yaml", "-P", tmp + "/ser2net.pid"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ok = False
try:
    for _ in range(50):
        try:
            a = socket.create_connection(("127.0.0.1", base), timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    b = socket.create_connection(("127.0.0.1", base), timeout=2)
    time.sleep(0.3)
    line = b"OOPSFARM:1:BEGIN:v=1\r\n"
    os.write(master, line)
    got = []
    for c in (a, b):
        data, end = b"", time.time() + 3
        while line not in data and time.time() < end:
            try:
                data += c.recv(4096)
            except socket.timeout:
                break
        got.append(data)
    b.sendall(b"x")
    time.sleep(0.3)
    ok = got == [line, line] and os.read(master, 100) == b"x"
finally:
    p.terminate()
    p.wait(timeout=5)
sys.exit(not ok)' devices/lava/ser2net.yaml "$tmp"
else
	skip "ser2net sharing" "ser2net is not installed (make deps)"
fi
