/* SPDX-License-Identifier: MIT */
/*
 * verdict.h - the one rule that turns what is known about a finished boot
 * into its verdict (pass, crash, hang, infra) and the reason stored with it.
 *
 * Every path that stores a boot calls boot_verdict_decide(): `oopsfarm run`
 * (a local board), `oopsfarm record` (a console log from anywhere), and
 * `oopsfarm lava collect` / `lava ingest` (a LAVA job's log, one call per
 * boot of the job).  The callers gather facts, this file decides; the rule
 * is written once, in doc/store.md ("The verdict"), and table-tested in
 * tests/unit/test-verdict.c.
 *
 * The facts come in three groups:
 * - the console: its size, the crash reports the oops parser found in it,
 *   the agent's BEGIN and END lines (build-id, END verdict) and the kernel
 *   banner's variant stamp (console_facts_read() in core/console.h fills
 *   these from a console buffer);
 * - what was meant to boot: the variant's build-id and stamp, and whether
 *   our agent was expected to run as init;
 * - the board: whether it could boot at all, a phase limit that fired, and
 *   for a remote lab (LAVA) what the lab said about the boot and its job.
 *
 * The order of the rule, in short: a wrong kernel (build-id or stamp) is
 * infra even with crashes; then the console decides (a crash is a crash
 * whatever the board or lab said); then the board (could not boot: infra;
 * a phase limit: hang); then the agent (no BEGIN, END verdict=error, no
 * END) and the lab's words.
 */
#ifndef OOPSFARM_VERDICT_H
#define OOPSFARM_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* What the console shows.  Strings are never NULL ("" when absent). */
struct console_facts {
	size_t len;		   /* console bytes; 0: nothing arrived */
	int ncrashes;		   /* crash reports the parser found */
	bool agent_begin;	   /* the agent's BEGIN line arrived */
	bool agent_end;		   /* its END line arrived */
	const char *build_id;	   /* BEGIN's build_id= */
	const char *agent_verdict; /* END's verdict= (pass, fail, error) */
	bool banner;		   /* a "Linux version" line */
	const char *stamp;	   /* the banner's "#..." word without '#' */
};

/* What the lab (LAVA) said about one boot of a job; all false/NULL locally. */
struct lab_facts {
	const char *name;	/* "LAVA"; NULL: no lab, a local board */
	const char *error;	/* the lab's error for this boot ("" none) */
	bool timeout;		/* that error is a timeout */
	bool canceled;		/* the job was canceled */
	bool last;		/* this boot is the job's last one */
	bool complete;		/* the job's health is Complete */
	const char *job_reason; /* why the job failed as a whole ("" unknown) */
};

struct boot_facts {
	struct console_facts con;
	/* what was meant to boot ("" or NULL: unknown, not checked) */
	const char *expect_build_id;
	const char *expect_stamp;
	bool agent_expected; /* our agent is init on this boot */
	/* the board */
	const char *board_failed; /* why the board could not give this boot
				   * (power, flash, console, start, a LAVA job
				   * that ended before it); NULL: it could */
	const char *phase_limit;  /* a phase limit fired: the board's words,
				   * naming the phase ("": a hang without
				   * words); NULL: none fired */
	struct lab_facts lab;
};

struct boot_decision {
	enum boot_verdict verdict;
	bool counted; /* false: a wrong kernel; its crashes are stored
		       * and shown, never counted for the variant */
	char *reason; /* infra or hang reason, malloc'd; NULL for pass,
		       * crash and a hang without words */
};

/*
 * Decides the verdict of one boot from its facts into *ret.  Returns 0, or
 * -ENOMEM (ret untouched).  Free ret->reason with boot_decision_clear().
 */
int boot_verdict_decide(const struct boot_facts *f, struct boot_decision *ret);

/* Frees the reason; d may be NULL. */
void boot_decision_clear(struct boot_decision *d);

#endif
