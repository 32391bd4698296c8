#!/bin/bash
# SPDX-License-Identifier: MIT
#
# tools/capture-lkdtm.sh KERNEL_OUTDIR INITRAMFS OUTDIR [TYPE[+oops_panic]...]
#
# Boots the board once per lkdtm crash TYPE with crashinit as /init and
# keeps the raw console (CRLF as QEMU writes it) in OUTDIR/lkdtm_TYPE.log,
# plus OUTDIR/clean_boot.log for TYPE "clean" (no crash).  "TYPE+oops_panic"
# adds oops=panic and goes to lkdtm_TYPE+oops_panic.log ("+panic_on_warn"
# likewise adds panic_on_warn=1).  One QEMU at a
# time: the board has two vCPUs and the host two cores.  OUTDIR/SUMMARY.tsv
# gets one line per boot: name, exit code, wall seconds, kernel args.
# These captures feed the console parser's tests: real bytes, not
# hand-written ones.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 3 ] || { echo "usage: $0 KERNEL_OUTDIR INITRAMFS OUTDIR [TYPE...]" >&2; exit 2; }
KDIR=$1 INITRD=$2 OUT=$3
shift 3
mkdir -p "$OUT"
[ -f "$OUT/SUMMARY.tsv" ] || printf 'name\texit\twall_s\targs\n' >"$OUT/SUMMARY.tsv"

for spec in "$@"; do
	type=${spec%%+*}
	args=()
	case $spec in
	clean) name=clean_boot ;;
	*) name=lkdtm_$spec; args+=("crash=$type") ;;
	esac
	case $spec in
	*+oops_panic) args+=(oops=panic) ;;
	*+panic_on_warn) args+=(panic_on_warn=1) ;;
	esac
	case $type in
	# The hung-task detector checks every timeout seconds: 5 s, not 120 s.
	HUNG_TASK) args+=(sysctl.kernel.hung_task_timeout_secs=5 crashwait=25) ;;
	# Soft lockups are reported after 2 * watchdog_thresh seconds.  The
	# stuck CPU also stalls RCU, so the guest cannot power off any more:
	# softlockup_panic=1 ends the run (exit 1) instead of the timeout.
	SOFTLOCKUP) args+=(watchdog_thresh=5 softlockup_panic=1 crashwait=30) ;;
	# The first SPINLOCKUP takes the lock and returns; the second spins.
	SPINLOCKUP) args=("crash=SPINLOCKUP,SPINLOCKUP" watchdog_thresh=5 softlockup_panic=1 crashwait=30) ;;
	esac
	log=$OUT/$name.log
	rm -f "$log"
	start=$(date +%s.%N)
	rc=0
	timeout 120 "$HERE/qemu-cmdline.sh" -r "$KDIR" "$INITRD" "$log" "${args[@]}" || rc=$?
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	printf '%s\t%s\t%.2f\t%s\n' "$name" "$rc" "$wall" "${args[*]}" >>"$OUT/SUMMARY.tsv"
	printf 'capture: %-40s exit %-3s %6.2f s\n' "$name" "$rc" "$wall" >&2
done
