/* SPDX-License-Identifier: MIT */
/*
 * bisect-lava.h - the LAVA backend of a bisect's boots (bisect-farm.h):
 * a step at a commit submits LAVA jobs for it and waits for them.
 *
 * The commit's artifacts (its Image, the initramfs the recipe made with the
 * agent, the setup's DTB) are staged in one directory the worker reads
 * (<artifacts>/<sha12>/, <artifacts>/<setup>.dtb).  A step of m boots
 * submits jobs of up to boots_per_job boots, K jobs at a time (K the
 * bisect's boards), through lava_submit_job() (lava/submit.h), in the
 * bisect's campaign "bisect-<id>" with the commit as variant, so every job
 * is in lava_jobs the moment the server accepted it.  It then waits for
 * them and stores each finished job's boots through lava_collect_campaign()
 * and lava_ingest_job(): the one verdict rule, boots rows with source
 * 'lava'.  Each boot newly stored goes to the bisect's hook, as a boot of
 * the farm loop does.  Once the hook says stop, no more jobs are submitted
 * (those in flight finish and count).
 *
 * After a kill: the jobs of the campaign that the store has and that are
 * not collected yet are waited for first; a job the server accepted but the
 * store lost is adopted by its job_name; boots stored without their event
 * (a job of another commit among them) are the driver's to count
 * (adopt_orphans in bisect-run.c, at start and after each step).
 */
#ifndef OOPSFARM_BISECT_LAVA_H
#define OOPSFARM_BISECT_LAVA_H

#include <stddef.h>
#include <stdint.h>

#include "core/artifacts.h"
#include "core/bisect-farm.h"
#include "core/campaign.h"
#include "store/store.h"

struct bisect_lava;

struct bisect_lava_where {
	struct store *s;
	int64_t cid, sid;		 /* the campaign and setup rows */
	const char *campaign;		 /* "bisect-<id>" */
	const struct campaign *c;	 /* the agent knobs */
	const struct campaign_setup *st; /* the setup */
	const char *target;
	const char *dtb; /* the setup's device tree */
	const char *dir; /* the bisect's log dir: job logs, default artifacts */
	int boards;	 /* K: jobs at once */
	bool no_agent;
};

/*
 * Reads the token, checks the template, stages the DTB and asks the server
 * for the campaign's jobs.  0 into *ret, or with a message in err: -EINVAL
 * (no template for the board, a bad URL, no token file), -ECONNREFUSED,
 * -ETIMEDOUT, -EACCES, -EIO (the server), -errno (staging).
 */
int bisect_lava_open(const struct bisect_lava_opts *o, const struct bisect_lava_where *w,
		     struct bisect_lava **ret, char *err, size_t errsize);
void bisect_lava_free(struct bisect_lava *bl);

/* Stages the commit's artifacts a (variant name, row vid).  0 or -errno with a message. */
int bisect_lava_kernel(struct bisect_lava *bl, const char *name, int64_t vid,
		       const struct variant_artifacts *a, const char *kernel_args, char *err, size_t errsize);

/*
 * Boots the last kernel m more times through LAVA jobs, calling hook on
 * each boot stored.  0, or -errno with a message in err (the server, the
 * store, a job whose log cannot be read, -ETIMEDOUT).
 */
int bisect_lava_boot(struct bisect_lava *bl, int m, bisect_farm_hook hook, void *userdata, char *err,
		     size_t errsize);

#endif
