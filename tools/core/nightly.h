/* SPDX-License-Identifier: MIT */
/*
 * nightly.h - nightly runs: the plan file, the night's date, the kernel
 * commit, the lock, and one night run end to end (doc/nightly.md).
 *
 * A plan is a campaign spec (doc/campaign.md: variants, setups, boots,
 * agent knobs, timeouts) with a few keys of its own:
 *   tree:          a local git repository or mirror (a path; oopsfarm never
 *                  fetches: a mirror is kept fresh by its owner's cron);
 *   ref:           the branch, tag or commit to follow (default HEAD);
 *   known_issues:  a list of {title, link}: titles labelled in the diff;
 *   no_agent:      true when init is not the oopsfarm agent (a clean
 *                  console passes, as `run --no-agent`);
 *   store:         the results store (default build/nightly/<plan>/results.db).
 * The campaign's name (`campaign:`) is the plan's name.  A night is stored
 * as the campaign "<plan>@<YYYY-MM-DD>" plus a row of the nights table
 * (store/nightly.h), with the commit the ref resolved to and the plan
 * file's hash.
 *
 * nightly_run() runs one night: it takes the plan's lock, resolves the ref
 * (or, resuming a night, keeps the commit it stored), checks the commit out
 * with `git clone --shared` (local objects, no network) and builds each
 * variant with the board's recipe (cached by build-kernel.sh), then boots
 * every setup through the farm loop (core/farm.h) and marks the night done.
 * A build that fails marks the night "build-failed": never zero crashes.
 * Killed, a rerun for the same night resumes it; a boot is never counted
 * twice.
 */
#ifndef OOPSFARM_NIGHTLY_H
#define OOPSFARM_NIGHTLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/campaign.h"
#include "report/diff.h"

/*
 * A LAVA setup of a plan (`lava:`, a list): a lab's own job definitions
 * submitted every night, and existing jobs (by id) collected into the night
 * that first names them (a job is stored once per store).  Its boots are the
 * cell (variant, setup) of the night, apart from every other setup; whether
 * a job ran our agent is told from its definition and console
 * (lava/collect.h) and recorded per boot.
 *   setup:        the setup's name (not one of `setups:`)
 *   url:          the LAVA server's base URL
 *   token_file:   the API token (default $OOPSFARM_LAVA_TOKEN)
 *   definitions:  job definition files (relative to the plan's directory)
 *   jobs:         job ids
 *   variant:      the variant the jobs boot (default the first)
 *   timeout:      seconds to wait for the jobs to finish (default 3600)
 */
struct nightly_lava {
	char *setup, *url, *token_file, *variant;
	char **definitions; /* absolute paths */
	unsigned ndefinitions;
	long long *jobs;
	unsigned njobs;
	double timeout;
};

struct nightly_plan {
	struct campaign *c; /* the embedded campaign; c->name is the plan's name */
	char *tree;	    /* absolute path of the git repository */
	char *ref;
	char *store;		   /* NULL: the default */
	char hash[17];		   /* FNV-1a 64 of the file's bytes, hex */
	bool agent_expected;	   /* false with no_agent: true */
	struct known_issue *known; /* strings owned by the plan */
	unsigned nknown;
	struct nightly_lava *lava; /* the LAVA setups */
	unsigned nlava;
};

/*
 * Reads and checks the plan at path.  0; -EINVAL with a message naming the
 * file, line and field in err; -errno when the file cannot be read.
 */
int nightly_plan_load(const char *path, struct nightly_plan **ret, char *err, size_t errsize);
void nightly_plan_free(struct nightly_plan *p); /* NULL ok */

/* The index of the variant called name in the plan, or -1. */
int nightly_variant_index(const struct nightly_plan *p, const char *name);

/* The store's path, a new string (free it): store when not NULL (--store),
 * else the plan's store:, else build/nightly/<plan>/results.db.  NULL when
 * out of memory. */
char *nightly_store_path(const struct nightly_plan *p, const char *store);

/*
 * The night's date: arg when it is a valid YYYY-MM-DD, or today's UTC date
 * when arg is NULL, into ret (11 bytes).  0 or -EINVAL.
 */
int nightly_date(const char *arg, char ret[11]);

/*
 * Resolves ref in the git repository tree to a full commit id (40 hex)
 * with `git rev-parse` (no network).  0; -ENOENT when the ref does not
 * resolve; -EIO when git cannot run.  err says which.
 */
int nightly_resolve(const char *tree, const char *ref, char ret[41], char *err, size_t errsize);

/*
 * Takes the plan's lock (an flock on path, held until the process ends or
 * nightly_unlock()).  0 with *ret_fd; -EBUSY when another night holds it
 * (err names its pid, night and start); -errno otherwise.
 */
int nightly_lock(const char *path, const char *night, int *ret_fd, char *err, size_t errsize);
void nightly_unlock(int fd);

/*
 * The night's LAVA setups (nightly-lava.c), in the night's campaign cid:
 * nightly_lava_submit() submits each setup's definitions the store has no
 * job for yet and records its existing jobs; vids are the variants' ids (by
 * the plan's index), sids the LAVA setups' ids.  nightly_lava_collect()
 * then waits for each setup's jobs (its timeout) and stores their boots,
 * job logs and consoles under logdir; *ret_boots the boots stored.  A
 * setup that failed (server down, token refused) is said on stderr and
 * marked in failed[] (nlava entries): its boots are not run tonight, and
 * the diff says "not run".  Both return 0, or -errno when logdir cannot
 * be made.
 */
int nightly_lava_submit(struct store *s, int64_t cid, const struct nightly_plan *p, const int64_t *vids,
			const int64_t *sids, bool *failed);
int nightly_lava_collect(struct store *s, int64_t cid, const char *campaign, const struct nightly_plan *p,
			 const char *logdir, bool *failed, unsigned *ret_boots);

struct nightly_opts {
	const char *plan_path;
	const char *night; /* NULL: today (UTC) */
	const char *store; /* NULL: the plan's */
	const char *init;  /* the initramfs init (the agent) */
	int boards;	   /* 0: the plan's */
};

/*
 * Runs (or resumes) one night and prints its summary line and its diff
 * against the night before.  Returns the exit status: 0 the night ran and
 * no regression, 1 a regression or the build failed (stored as such),
 * 2 bad plan or a ref that does not resolve, 3 infra (store, lock held,
 * git), 130 interrupted (the night resumes on the next run).
 */
int nightly_run(const struct nightly_opts *o);

struct nightly_diff_opts {
	const char *plan_path;
	const char *store;   /* NULL: the plan's */
	const char *night;   /* NULL: the newest night */
	const char *against; /* one baseline night; NULL: --baseline */
	int baseline;	     /* the N done nights before (default 1) */
	double level;	     /* FDR; 0: 0.05 */
	bool json;
};

/* `nightly diff`: prints the diff; returns diff_exit_status() or 2/3. */
int nightly_diff(const struct nightly_diff_opts *o);

/*
 * `nightly dashboard`: the plan's page over time (report/dashboard.h)
 * written to html through html.tmp and a rename.  Returns 0, 2 a bad plan,
 * 3 the store or the file failed.
 */
int nightly_dashboard(const char *plan_path, const char *store_path, const char *html);

#endif
