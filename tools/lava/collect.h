/* SPDX-License-Identifier: MIT */
/*
 * lava-collect.h - from LAVA job logs to boots in the store
 * (tools/lava/collect.c), and what submit, status and collect share.
 *
 * A job holds N boots as N (boot, test) pairs after one deploy.  Its log is
 * split at each top-level boot action (the job definition says which
 * actions are boots); the console of a pair (lvl target and feedback) is
 * parsed by the same crash parser and agent decoder as local boots, and
 * each pair becomes one row in the store, with a boot_uid that names the
 * server, the job and the pair, so collecting again stores nothing twice.
 */
#ifndef OOPSFARM_LAVA_COLLECT_H
#define OOPSFARM_LAVA_COLLECT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/verdict.h"
#include "lava/api.h"
#include "store/store.h"

int lava_cmd_ingest(int argc, char **argv);

/* One LAVA job as the store knows it (lava_jobs + names). */
struct lava_job_row {
	int64_t row_id, job_id, campaign_id, variant_id, setup_id;
	int batch, boots;
	int boot_base; /* the campaign index of the job's first boot */
	int64_t log_offset;
	char server[512], variant[128], setup[128], device_type[64];
	char state[32], health[32], build_id[128];
	bool collected;
	bool failed; /* collect gave up on it in this run */
};

/* What the server says about a finished job, for the verdicts. */
struct lava_job_info {
	const char *health;	     /* Complete, Incomplete, Canceled, Unknown */
	const char *device;	     /* the device that ran it */
	const char *failure_comment; /* may be NULL */
	const char *definition;	     /* the job's YAML (which actions are boots); may be NULL */
	bool allow_truncated;	     /* a log without LAVA's job result is stored anyway */
};

struct lava_ingest {
	struct store *s;
	const char *campaign;
	int64_t campaign_id;
	const char *target; /* NULL: any crash counts */
	const char *knobs;
	const char *logdir;    /* the boots' consoles, compressed */
	const char *server_id; /* lava_api_server_id() */
	bool agent_expected;   /* the jobs run our agent as init */
	bool agent_detect;     /* instead: a job runs it when its definition's monitor names
				* OOPSFARM: or a boot's console holds the agent's BEGIN line
				* (a lab's own jobs); each boot records which (boots.agent) */
	bool lab_kernel;       /* the jobs boot the lab's own kernel: no build-id expected */
	const char *stamp;     /* the variant's banner stamp (NULL: not checked) */
	/* called after each boot newly stored, with its verdict (may be NULL):
	 * a bisect's LAVA step turns it into its event */
	void (*stored_fn)(const struct store_boot *sb, const struct boot_decision *d, void *userdata);
	void *userdata;
	/* counts of this run */
	unsigned stored, again, by_verdict[4];
};

/*
 * Splits the job log (the whole of it) into its boots and stores one row per
 * boot.  Returns the number of boots found, or -EBADMSG (malformed or, unless
 * allowed, truncated log: nothing is stored) with a message in err, or -errno
 * from the store.
 */
int lava_ingest_job(struct lava_ingest *in, const struct lava_job_row *job, const struct lava_job_info *info,
		    const char *log, size_t len, char *err, size_t errsize);

/* Records a submitted job of the campaign (lava_jobs; a job already there is
 * left as it is).  0 or -errno from the store. */
int lava_job_record(struct store *s, int64_t cid, const char *server, int64_t job_id, int64_t vid,
		    int64_t sid, const char *device_type, int batch, int boots, const char *state,
		    const char *health);

/* Whether the store has a job of campaign cid on server for (variant vid,
 * setup sid, batch): what a submit run again skips. */
bool lava_job_stored(struct store *s, int64_t cid, const char *server, int64_t vid, int64_t sid, int batch);

/* Submits one job definition (YAML text) to the server: 0 and its id in
 * *ret_id, or -errno from lava_api_post_json() (or -EPROTO: no job id) with
 * a message in err.  Never retried by itself once the server answered. */
int lava_job_submit(struct lava_api *a, const char *yaml, int64_t *ret_id, char *err, size_t errsize);

/*
 * Collects the LAVA jobs recorded for a campaign (lava_jobs rows: submitted
 * by `lava submit`, or by a night's LAVA setups) into the store, as
 * `oopsfarm lava collect` does: each round fetches every job's new log
 * lines, and stores the boots of each finished job; with wait, rounds
 * repeat every interval seconds until every job is collected or timeout
 * seconds passed.  Progress lines go to stderr unless quiet.
 *
 * in: its s, campaign, campaign_id, target, knobs, logdir (job logs and
 * consoles) and agent flags are the caller's; server_id is set per job.
 * Counts add up in in->stored, again, by_verdict.  url NULL: the jobs of
 * every server.  token: may be NULL (anonymous); not freed.
 *
 * Returns 0 when every job is collected (or, without wait, nothing
 * failed); -ENOENT no job recorded; -ETIMEDOUT jobs left after timeout;
 * -ECONNREFUSED a server could not be reached (without wait); -EACCES the
 * token was refused; -EIO a job failed (a malformed log, a job gone) or
 * the store; -ENOMEM.  err says what, for the last error.  ret_left gets
 * the jobs not collected (may be NULL).
 */
struct lava_collect_opts {
	const char *url;
	const char *token;
	struct lava_api_opts api;
	bool wait, quiet;
	double interval, timeout; /* seconds */
};
int lava_collect_campaign(struct lava_ingest *in, const struct lava_collect_opts *o, int *ret_left, char *err,
			  size_t errsize);

#endif
