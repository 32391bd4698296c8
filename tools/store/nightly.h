/* SPDX-License-Identifier: MIT */
/*
 * store/nightly.h - what the store holds about nightly runs, and the
 * queries `oopsfarm nightly` and `nightly diff` ask (doc/nightly.md).
 *
 * A night is one campaign in the store, named "<plan>@<YYYY-MM-DD>", plus
 * one row in the nights table (schema v3): the plan's name, the night's
 * date, the kernel tree, the ref followed and the commit it resolved to,
 * the plan file's hash, and the night's status:
 *   "running"       started, not finished (a killed night stays so; rerun
 *                   resumes it);
 *   "done"          every boot is stored;
 *   "build-failed"  a variant's kernel did not build: the night has no
 *                   boots, and is never read as "zero crashes".
 * Boots stay in the boots table as for any campaign, so `oopsfarm report`
 * reads a night as it reads a run.
 *
 * The nights table is schema v3 (store.c); its SQL is named in queries.c
 * (STORE_Q_NIGHT*).  Every function returns 0 (or a count) on success and
 * -errno on failure:
 * -EIO for an SQLite error, -ENOMEM.
 */
#ifndef OOPSFARM_STORE_NIGHTLY_H
#define OOPSFARM_STORE_NIGHTLY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* One crash title in one cell of a night: how many counted boots show it
 * (a boot showing it twice counts once), and the first such boot. */
struct night_title {
	char *title;
	unsigned boots;
	int64_t first_boot; /* boots.id */
	char *first_log;    /* that boot's log_path ("" none) */
};

/* One variant on one board setup in one night: never pooled with another.
 * Boots stored without our agent (boots.agent = 0: a lab's own LAVA job,
 * --no-agent) form their own cell, its setup named "<setup> (no agent)". */
struct night_cell {
	char *variant, *setup;
	unsigned boots; /* counted boots: pass + crash + hang (infra apart) */
	unsigned pass, crash, hang, infra;
	struct night_title *titles; /* sorted by title */
	unsigned ntitles;
};

struct night {
	int64_t id, campaign_id;
	char *plan, *date, *tree, *ref, *commit, *plan_hash, *status, *reason;
	char *started, *finished; /* ISO 8601 UTC, "" unknown */
	struct night_cell *cells; /* sorted by setup, then variant */
	unsigned ncells;
};

/*
 * Starts the night (plan, date) or finds it: when the nights table holds
 * it, *ret_id gets its id and ret_night its stored row (cells not read);
 * otherwise a row with status "running" is inserted with the given fields.
 * Returns 1 when it was stored before, 0 when inserted now, -errno.
 * ret_night may be NULL; free it with night_free().
 */
int store_night_begin(struct store *s, const char *plan, const char *date, int64_t campaign_id,
		      const char *tree, const char *ref, const char *commit, const char *plan_hash,
		      int64_t *ret_id, struct night *ret_night);

/* The night (plan, date), cells not read: 1 and *ret filled, 0 none, -errno. */
int store_night_find(struct store *s, const char *plan, const char *date, struct night *ret);

/* Sets the night's status ("done", "build-failed") and reason (NULL none). */
int store_night_finish(struct store *s, int64_t night_id, const char *status, const char *reason);

/*
 * The nights of plan, oldest first, into a malloc'd array (cells read when
 * with_cells): *ret_n of them.  Returns 0 or -errno.  Free with
 * nights_free().
 */
int store_nights(struct store *s, const char *plan, bool with_cells, struct night **ret, unsigned *ret_n);

/* Reads the cells of one night (n->campaign_id) into n. */
int store_night_cells(struct store *s, struct night *n);

/* The night stored for a campaign id: 1 and *ret filled, 0 none, -errno. */
int store_night_of_campaign(struct store *s, int64_t campaign_id, struct night *ret);

void night_free(struct night *n);		   /* frees the fields, not n; NULL ok */
void nights_free(struct night *n, unsigned count); /* and the array */

#endif
