/* SPDX-License-Identifier: MIT */
/*
 * qemu.h - the QEMU board backend: one boot of qemu-system-aarch64
 * -M virt,iommu=smmuv3, its console captured whole.
 *
 * Power is the process.  The console goes through a socket chardev with
 * wait=on (the guest waits for us, nothing is lost) and logfile= (the log is
 * complete whatever we do).  Time limits are counted in QEMU's own CPU time
 * (utime+stime from /proc), so a loaded host does not turn slow boots into
 * false hangs; a wall-clock limit of a multiple of it is the safety net.
 * QEMU dies with us (PR_SET_PDEATHSIG).
 */
#ifndef OOPSFARM_QEMU_H
#define OOPSFARM_QEMU_H

#include <stdbool.h>

struct qemu_opts {
	const char *qemu;	/* binary, default "qemu-system-aarch64" */
	const char *kernel, *initrd, *dtb, *append, *cpu;
	int smp, mem_mb;
	double cpu_limit_s;	/* the boot is hung past this much QEMU CPU time */
	double idle_limit_s;	/* hung after this long (wall) with no console output */
	const char *done_marker;	/* console text that ends the boot, e.g. the agent's END */
	double done_grace_s;	/* time left to power off after the marker */
	const char *log_path;	/* raw console */
	const char *stderr_path;	/* QEMU's own stderr, or NULL to inherit */
};

struct qemu_result {
	bool started;		/* the console socket opened */
	bool hung;		/* killed at the CPU, idle or wall time limit */
	bool done_killed;	/* the marker came but the guest did not power off */
	int exit_code;		/* 0 poweroff, 1 pvpanic, other: QEMU failed; -1 killed */
	double cpu_s, wall_s;
	char error[256];	/* why it did not start, for infra reasons */
};

/* Boots once.  Returns 0 when QEMU ran (whatever the guest did), -errno
 * when it could not be started (then r->error says why). */
int qemu_boot(const struct qemu_opts *o, struct qemu_result *r);

#endif
